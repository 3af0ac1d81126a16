"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from api import admin, dify, fit, openai_compat, routes
from api.errors import AccessLog, BodySizeLimit, install_error_handlers
from api.security import SecurityHeaders, trusted_hosts
from api.state import ServiceState
from api.traffic import ConcurrencyGate, RateLimit
from assistant import __version__
from assistant.answer import Answerer
from assistant.settings import Settings, get_settings

MAX_BODY_BYTES = 64 * 1024
UPLOAD_OVERHEAD_BYTES = 64 * 1024
# chat front-ends send tool definitions (~25 KB) and whole histories with every request;
# only the newest turns reach the answerer, so the bytes received do not bound the work
CHAT_BODY_BYTES = 2 * 1024 * 1024  # multipart boundaries and form fields around an uploaded file
STATIC_DIR = Path(__file__).with_name("static")


DOCS_ASSETS = "/static-docs"


def install_offline_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc from the assets the fastapi-offline package ships, not a CDN."""
    import fastapi_offline

    app.mount(
        DOCS_ASSETS, StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"), name="docs"
    )

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="policyqa - API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="policyqa - API",
            redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )


def create_app(settings: Settings | None = None, answerer: Answerer | None = None) -> FastAPI:
    """An app that loads the index in the background (or serves the given answerer)."""
    state = ServiceState(settings or get_settings(), answerer=answerer)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start_loading()
        yield

    app = FastAPI(
        title="policyqa",
        version=__version__,
        description="政策文件问答：回答附条款出处（文档、章节、条目编号）。",
        lifespan=lifespan,
        docs_url=None,  # served below from local assets: an intranet has no CDN
        servers=[{"url": state.settings.public_url or "/", "description": "policyqa"}],
        generate_unique_id_function=lambda route: route.name,  # operation ids: ask, chat_completions…
        redoc_url=None,
    )
    install_offline_docs(app)
    app.state.service = state
    install_error_handlers(app)
    dify.install_dify_errors(app)
    app.include_router(routes.router)
    app.include_router(openai_compat.router)
    app.include_router(dify.router)
    app.include_router(fit.router)
    app.include_router(admin.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def chat_ui() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    settings = state.settings
    # Innermost first: the queue sees whole bodies; the rate limit refuses before a body is read.
    app.add_middleware(
        ConcurrencyGate,
        concurrent=settings.max_concurrent,
        queue=settings.max_queue,
        timeout=settings.queue_timeout,
    )
    upload_bytes = admin.max_upload_bytes(state) + UPLOAD_OVERHEAD_BYTES
    larger = {"/admin/documents": upload_bytes, "/v1/chat/completions": CHAT_BODY_BYTES}
    app.add_middleware(
        BodySizeLimit, max_bytes=MAX_BODY_BYTES, larger=larger, timeout=settings.request_timeout
    )
    app.add_middleware(RateLimit, limit=settings.rate_limit)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=trusted_hosts(settings.trusted_hosts))
    app.add_middleware(SecurityHeaders)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:  # browser clients on other origins; none configured: same origin only
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_credentials=False,  # bearer keys travel in headers, never cookies; safe with "*"
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    app.add_middleware(AccessLog)  # outermost: sees every status, 413 and CORS included
    return app
