"""The HTTP service: FastAPI app, schemas and the static chat UI."""
