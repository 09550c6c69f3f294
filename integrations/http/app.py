"""The FastAPI app factory: ``create_app(settings, engine)``. Nothing is built at import.

Embedding and FAISS search never block the event loop: ``/ask`` runs ``Engine.ask`` on ``QA_ASK_CONCURRENCY``
threads of its own, and the other endpoints are plain ``def``, run in FastAPI's thread pool. ``Engine()`` is a cheap constructor; the lifespan loads the index and the model (``warm_up``),
so the first request is fast and ``/readyz`` tells the truth.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from integrations.http import access
from integrations.http.middleware import TIMINGS_KEY, AccessLogMiddleware, BodyLimitMiddleware
from integrations.http.models import (
    AnswerOut,
    AskIn,
    ErrorOut,
    HealthOut,
    IndexStatusOut,
    ReadyOut,
    SourceIn,
    SourceOut,
)
from qa.build import BuildReport
from qa.engine import Engine
from qa.errors import (
    BuildLockedError,
    CorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotBuiltError,
    InvalidQuestionError,
    QAError,
)
from qa.querylog import Origin
from qa.settings import Settings
from qa.storage import DatabaseError

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 64 * 1024
NOT_BUILT = "index not built: run `qa index build`"
REBUILD_LOCK_WAIT = 5.0  # seconds; then 409 rather than holding the request while another build runs

# One translation of library errors to HTTP statuses (first match wins).
_STATUS: tuple[tuple[type[QAError], int], ...] = (
    (InvalidQuestionError, 422),
    (IndexNotBuiltError, 503),
    (IndexCorruptError, 503),
    (IndexMismatchError, 503),
    (BuildLockedError, 409),
    (CorpusError, 409),
    (DatabaseError, 503),
)

# Served with the chat page: nothing may load from elsewhere, and nothing inline may run.
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SlackAdapterMissingError(QAError):
    """Slack settings are present but the Slack adapter cannot be imported."""


def status_of(exc: QAError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def message_of(exc: QAError) -> str:
    # The library's message names the server's index path; clients only need the remedy.
    return NOT_BUILT if isinstance(exc, IndexNotBuiltError) else str(exc)


def _error(status: int, detail: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(ErrorOut(detail=detail, errors=errors).model_dump(exclude_none=True), status_code=status)


def describe_validation(errors: list[dict[str, Any]], content_type: str | None = None) -> str:
    """One readable line for a list of pydantic/FastAPI validation errors. FastAPI reads a body as JSON only
    when its ``content_type`` says JSON (else a browser form could post questions cross-site without a
    CORS preflight), so a body refused whole under another type is a Content-Type problem."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json") and any(
            not [x for x in e.get("loc", ()) if x != "body"] for e in errors):
        return f"send the body as JSON with Content-Type: application/json (got {media or 'no Content-Type'})"
    parts = []
    for err in errors:
        loc = [str(x) for x in err.get("loc", ()) if x != "body"]
        kind = err.get("type", "")
        if kind == "json_invalid":
            parts.append(f"the body is not valid JSON ({(err.get('ctx') or {}).get('error', 'decode error')})")
        elif not loc or loc[0].isdigit():
            parts.append('the body must be a JSON object like {"question": "..."}' + f" ({err.get('msg', '')})")
        else:
            parts.append(f"{'.'.join(loc)}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def _engine(request: Request) -> Engine:
    # async: FastAPI would run a plain-def dependency in the thread pool, one more hop per request for nothing.
    return request.app.state.engine  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(_engine)]
CallerDep = Annotated[str | None, Depends(access.caller)]
AdminCreds = Annotated[HTTPAuthorizationCredentials | None, Depends(access.admin_bearer)]
_ERRORS = {
    413: {"model": ErrorOut, "description": "request body over 64 KiB"},
    422: {"model": ErrorOut, "description": "invalid request: `detail` says what to fix"},
    503: {"model": ErrorOut, "description": "no index loaded, e.g. " + NOT_BUILT},
}


def _warm(engine: Engine) -> None:
    """Open the database (a wrong QA_DATABASE_URL stops the start, in one line), load the index and the model.
    Without a usable index the app still starts; /readyz says why."""
    engine.database.schema_version()
    try:
        engine.warm_up()
    except QAError as exc:
        # Load the model anyway, so the first answer after `qa index build` is fast too.
        engine.warm_up_model()
        log.warning("not ready: %s", exc)


def _mount_slack(app: FastAPI, engine: Engine, settings: Settings) -> None:
    if importlib.util.find_spec("integrations.slack") is None:
        raise SlackAdapterMissingError(
            "QA_SLACK_BOT_TOKEN and QA_SLACK_SIGNING_SECRET are set but the Slack adapter (integrations.slack) "
            "is not installed: unset them or install compare-qa completely"
        )
    from integrations.slack import mount

    mount(app, engine, settings)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The API and chat page over ``engine`` (built from ``settings`` when not given; loaded at startup)."""
    if settings is None:
        settings = engine.settings if engine is not None else Settings()
    owns_engine = engine is None
    if engine is None:
        engine = Engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        eng: Engine = app.state.engine
        await run_in_threadpool(_warm, eng)
        eng.start_reloader()  # new index versions (built by any process) are swapped in by a thread
        # /ask's threads, for as long as the app serves. Questions waiting for one hold no thread; a thread that
        # finishes takes the next question at once, without a round trip through the event loop (less CPU a
        # question than anyio's limiter: docs/benchmarks.md).
        ask_threads = app.state.ask_threads = ThreadPoolExecutor(settings.ask_concurrency, thread_name_prefix="qa-ask")
        try:
            yield
        finally:
            ask_threads.shutdown(wait=False, cancel_futures=True)
            if owns_engine:  # an engine passed in belongs to the caller, and so does its reloader
                eng.stop_reloader()

    app = FastAPI(
        title="compare-qa",
        summary="Cited, extractive answers to comparison questions over a corpus of articles.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from local files: the CDN default fails offline
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.settings = settings
    app.state.access = access.Access(settings)
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(AccessLogMiddleware)  # added last, so outermost: it also logs the 413s

    @app.exception_handler(QAError)
    async def on_qa_error(request: Request, exc: QAError) -> JSONResponse:
        status = status_of(exc)
        if status >= 500:
            log.log(logging.WARNING if status == 503 else logging.ERROR, "%s %s: %s", request.method, request.url.path, exc)
        return _error(status, message_of(exc))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        return _error(422, describe_validation(list(exc.errors()), request.headers.get("content-type")), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI reports a body it cannot decode as a bare 400; say what is wrong, like other bad JSON.
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, UnicodeDecodeError):
            return _error(422, "the body is not valid JSON (it is not UTF-8 text)")
        if exc.status_code == 400 and isinstance(cause, RecursionError):
            return _error(422, "the body is not valid JSON for this API (nested too deeply)")
        return await http_exception_handler(request, exc)

    @app.post("/ask", response_model=AnswerOut, responses={**_ERRORS, **access.ERRORS}, tags=["answers"],
              summary="Answer a question")
    async def ask(body: AskIn, request: Request, engine: EngineDep, key_id: CallerDep) -> dict[str, Any]:
        """Answer a question with verbatim, cited excerpts (a follow-up when `conversation_id` has turns).
        Without a `conversation_id` the server starts a conversation: the answer's `conversation_id` names it."""
        conversation_id = body.conversation_id or access.issue_conversation_id()
        # QA_ASK_CONCURRENCY at a time: the rest wait in the queue, not for the interpreter lock.
        # The query log names the API key when the key middleware has set it.
        origin = Origin("http", key_id=getattr(request.state, "api_key_id", None))
        answer = await asyncio.get_running_loop().run_in_executor(
            request.app.state.ask_threads, functools.partial(
                engine.ask, body.question, access.conversation_key(key_id, conversation_id), origin=origin)
        )
        setattr(request.state, TIMINGS_KEY, answer.timings_ms)
        return {**answer.to_dict(), "conversation_id": conversation_id}

    @app.get("/healthz", response_model=HealthOut, tags=["operations"], summary="Liveness")
    def healthz() -> HealthOut:
        """Liveness: the process answers HTTP."""
        return HealthOut()

    @app.get("/readyz", response_model=ReadyOut, responses={503: {"model": ReadyOut}}, tags=["operations"], summary="Readiness")
    def readyz(engine: EngineDep) -> Any:
        """Readiness: 200 only when an index is loaded; 503 with the reason otherwise."""
        if engine.loaded_version is None:
            try:
                engine.load()  # an index built since startup
            except QAError as exc:
                return JSONResponse(ReadyOut(ready=False, detail=message_of(exc)).model_dump(), status_code=503)
        return ReadyOut(ready=True, index_version=engine.loaded_version)

    @app.get("/index", response_model=IndexStatusOut, responses={503: _ERRORS[503]}, tags=["index"], summary="Index status")
    def index_status(engine: EngineDep, creds: AdminCreds) -> dict[str, Any]:
        """The live index version's manifest, and whether the corpus changed since it was built. Server paths
        and the process id only with the admin token (`Authorization: Bearer $QA_ADMIN_TOKEN`)."""
        status = engine.status().to_dict()
        return status if access.is_admin(creds, settings.admin_token) else access.public_status(status)

    if settings.admin_token:
        _add_rebuild(app, settings.admin_token)
        _add_sources(app, settings.admin_token)
        _add_gaps(app, settings.admin_token)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _add_docs(app)

    if settings.slack_bot_token and settings.slack_signing_secret:
        _mount_slack(app, engine, settings)
    return app


def _admin_check(token: str) -> Any:
    """The dependency every admin endpoint shares: the bearer token must be ``QA_ADMIN_TOKEN``."""

    async def require_admin(creds: HTTPAuthorizationCredentials | None = Depends(access.admin_bearer)) -> None:  # noqa: B008
        if not access.is_admin(creds, token):
            raise HTTPException(401, "missing or wrong admin token (Authorization: Bearer $QA_ADMIN_TOKEN)",
                                headers={"WWW-Authenticate": "Bearer"})

    return require_admin


def _add_rebuild(app: FastAPI, token: str) -> None:
    require_admin = _admin_check(token)

    @app.post(
        "/index/rebuild",
        response_model=BuildReport,
        dependencies=[Depends(require_admin)],
        responses={401: {"model": ErrorOut, "description": "missing or wrong admin token"},
                   409: {"model": ErrorOut, "description": "another build is running, or the corpus is unusable"}},
        tags=["index"],
        summary="Rebuild the index",
    )
    def rebuild(engine: EngineDep, full: Annotated[bool, Query(description="re-embed everything")] = False) -> Any:
        """Rebuild the index from the corpus (incremental unless `full`) and swap it in atomically.
        Questions keep being answered from the previous version meanwhile."""
        # This worker serves the new version when rebuild() returns; the others' reloaders pick it up.
        return engine.rebuild(full=full, lock_wait=REBUILD_LOCK_WAIT)


def _add_sources(app: FastAPI, token: str) -> None:
    """``POST /sources``: ``qa add URL`` over HTTP (admin only: it makes the server fetch an address)."""
    from qa.errors import SourceConflictError, SourceError
    from qa.sources import add_sources

    @app.post(
        "/sources",
        response_model=SourceOut,
        dependencies=[Depends(_admin_check(token))],
        responses={401: {"model": ErrorOut, "description": "missing or wrong admin token"},
                   409: {"model": ErrorOut, "description": "the file name holds another source, or a build is running"},
                   422: {"model": ErrorOut, "description": "the address cannot be fetched or holds no article"}},
        tags=["index"],
        summary="Add a web page or PDF to the corpus",
    )
    def add_source(body: SourceIn, engine: EngineDep) -> dict[str, Any]:
        """Fetch the page, write it into the corpus with its metadata, and rebuild the index (incrementally).
        Nothing is written when the page cannot be fetched or has no article text."""
        try:
            (written,) = add_sources(engine.settings.corpus_dir, [body.url], subjects=body.subjects, slug=body.slug)
        except SourceConflictError as exc:
            raise HTTPException(409, str(exc)) from None
        except SourceError as exc:
            raise HTTPException(422, str(exc)) from None
        meta = written.source.meta
        build = engine.rebuild(lock_wait=REBUILD_LOCK_WAIT) if written.status != "unchanged" else None
        return {"doc_id": written.doc_id, "status": written.status, "notes": list(written.source.notes),
                "build": build.to_dict() if build else None,
                **{k: meta.get(k) for k in ("title", "author", "publisher", "published", "modified", "url", "subjects")}}


def _add_gaps(app: FastAPI, token: str) -> None:
    """``GET /gaps``: ``qa gaps`` over HTTP (admin only: the questions people asked)."""
    from qa.gaps import parse_since

    @app.get(
        "/gaps",
        dependencies=[Depends(_admin_check(token))],
        responses={401: {"model": ErrorOut, "description": "missing or wrong admin token"},
                   422: {"model": ErrorOut, "description": "since is not a duration like 7d"}},
        tags=["answers"],
        summary="Questions the corpus did not serve",
    )
    def gaps(engine: EngineDep,
             since: Annotated[str, Query(description="how far back: 7d, 12h, 2w ...")] = "30d",
             limit: Annotated[int, Query(ge=1, le=1000, description="groups returned")] = 20) -> dict[str, Any]:
        """The questions abstained on or voted down since then, grouped by meaning, most frequent first."""
        try:
            seconds = parse_since(since)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"since": since, "gaps": [g.to_dict() for g in engine.gaps(seconds, limit=limit)]}


def _add_docs(app: FastAPI) -> None:
    """Swagger UI from the files of the ``swagger-ui-py`` package instead of a CDN."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or spec.origin is None:
        return
    assets = Path(spec.origin).parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="compare-qa API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )
