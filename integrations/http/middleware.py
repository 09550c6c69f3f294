"""Pure ASGI middleware: a request body limit (413), and structured access logs (one JSON line per request
on the ``qa.http`` logger)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("qa.http")

# Set by the /ask endpoint (``request.state.timings_ms``) so the log line carries the engine's own timings.
TIMINGS_KEY = "timings_ms"
# Set by the API key check (``request.state.api_key_id``): the line names the key that asked.
API_KEY_ID = "api_key_id"


class AccessLogMiddleware:
    """Logs method, path, status, response bytes and wall time of every HTTP request, after it is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = 500  # what the server sends if the app raises before responding
        size = 0

        async def send_and_count(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_and_count)
        finally:
            record: dict[str, Any] = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "bytes": size,
                "ms": round((time.perf_counter() - t0) * 1000, 2),
                "client": (scope.get("client") or ("", 0))[0],
            }
            state = scope.get("state") or {}
            if state.get(API_KEY_ID):
                record["key"] = state[API_KEY_ID]
            timings = state.get(TIMINGS_KEY)
            if timings:
                record["qa_ms"] = timings
            access_log.info(json.dumps(record, separators=(",", ":")))


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit. An ``HTTPException``, so FastAPI's body
    parsing lets it through to the exception handlers instead of reporting a generic 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the limit of {limit // 1024} KiB")


class BodyLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413: at once when Content-Length says so, otherwise as
    soon as the bytes received pass the limit (chunked uploads), before the app has seen the whole body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refuse(self) -> JSONResponse:
        return JSONResponse({"detail": BodyTooLargeError(self.max_bytes).detail}, status_code=413, headers={"Connection": "close"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await self._refuse()(scope, receive, send)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._refuse()(scope, receive, send)
