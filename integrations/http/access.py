"""Who may ask over HTTP, how often, in which conversation, and what ``GET /index`` shows them.

- API keys (``QA_API_KEYS``): ``POST /ask`` needs ``Authorization: Bearer <secret>`` of one of them.
- Rate limits (``QA_RATE_LIMIT``): counted per key (per client address without keys) by the ``limits``
  library, in ``QA_RATE_LIMIT_STORAGE`` (memory by default: each process counts its own).
- Conversation ids: a client's id is only a name inside its own namespace, ``http:key:<key id>:<id>`` (or
  ``http:anon:<id>`` without keys), so no string a client sends reaches a Slack thread (``slack:...``) or a
  conversation another key started.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import time
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from integrations.http.middleware import API_KEY_ID
from qa.errors import SettingsError
from qa.settings import Settings, parse_api_keys

_bearer = HTTPBearer(auto_error=False, scheme_name="APIKey", description="one of QA_API_KEYS, when it is set")


def issue_conversation_id() -> str:
    """A new conversation id: 128 random bits, since without keys knowing an id is what lets a client go on
    with a conversation."""
    return f"c-{secrets.token_hex(16)}"


def conversation_key(key_id: str | None, client_id: str) -> str:
    """The store's id of the conversation ``client_id`` named by ``key_id`` (None: no keys configured). Key ids
    hold no ``:``, so two different (key, id) pairs never meet."""
    return f"http:key:{key_id}:{client_id}" if key_id is not None else f"http:anon:{client_id}"


class Access:
    """The keys and the limiter of one app. ``check`` is the whole gate: 401, then 429, else the key id."""

    def __init__(self, settings: Settings) -> None:
        keys = parse_api_keys(settings.api_keys) if settings.api_keys else {}
        # Secrets are compared as sha256 digests, so compare_digest sees equal lengths and no key's length leaks.
        self._digests = {key_id: hashlib.sha256(secret.encode()).digest() for key_id, secret in keys.items()}
        self._limit_text = settings.rate_limit
        self._limiter: Any = None
        self._items: list[Any] = []
        if settings.rate_limit:
            from limits import parse_many
            from limits.aio.strategies import MovingWindowRateLimiter
            from limits.errors import ConfigurationError
            from limits.storage import storage_from_string

            url = settings.rate_limit_storage
            try:  # the asynchronous variant of the storage: a network store must not block the event loop
                storage = storage_from_string(url if url.startswith("async+") else f"async+{url}")
            except ConfigurationError as exc:
                raise SettingsError(f"QA_RATE_LIMIT_STORAGE: {exc}") from None
            self._limiter = MovingWindowRateLimiter(storage)
            self._items = parse_many(settings.rate_limit)

    @property
    def keys_required(self) -> bool:
        return bool(self._digests)

    def identify(self, secret: str) -> str | None:
        """The id of the key whose secret this is, or None; every key is compared, in constant time."""
        given = hashlib.sha256(secret.encode()).digest()
        found = None
        for key_id, digest in self._digests.items():
            if hmac.compare_digest(given, digest):
                found = key_id
        return found

    def authenticate(self, creds: HTTPAuthorizationCredentials | None) -> str | None:
        if not self._digests:
            return None
        if creds is None:
            raise HTTPException(401, "an API key is required: send Authorization: Bearer <your key>",
                                headers={"WWW-Authenticate": "Bearer"})
        key_id = self.identify(creds.credentials)
        if key_id is None:
            raise HTTPException(401, "unknown API key (Authorization: Bearer <your key>)",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return key_id

    async def limit(self, who: str) -> None:
        """429 with Retry-After (seconds until the window frees a request) once ``who`` is over a limit."""
        for item in self._items:
            if not await self._limiter.hit(item, "ask", who):
                stats = await self._limiter.get_window_stats(item, "ask", who)
                retry = max(1, math.ceil(stats.reset_time - time.time()))
                raise HTTPException(429, f"rate limit exceeded ({item}): retry in {retry} s",
                                    headers={"Retry-After": str(retry)})

    async def check(self, request: Request, creds: HTTPAuthorizationCredentials | None) -> str | None:
        key_id = self.authenticate(creds)
        setattr(request.state, API_KEY_ID, key_id)
        if self._limiter is not None:
            address = request.client.host if request.client else "unknown"
            await self.limit(f"key:{key_id}" if key_id is not None else f"address:{address}")
        return key_id


async def caller(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str | None:  # noqa: B008
    """The dependency of the endpoints API keys guard: the caller's key id (None without keys)."""
    access: Access = request.app.state.access
    return await access.check(request, creds)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "QA_API_KEYS is set and the request has no key, or an unknown one"},
    429: {"description": "over QA_RATE_LIMIT: the Retry-After header says in how many seconds to retry"},
}


admin_bearer = HTTPBearer(auto_error=False, scheme_name="AdminToken", description="QA_ADMIN_TOKEN")


def is_admin(creds: HTTPAuthorizationCredentials | None, token: str | None) -> bool:
    """Whether the bearer token is ``QA_ADMIN_TOKEN`` (never, when no token is set); constant time."""
    if not token:
        return False
    given = creds.credentials.encode() if creds else b""
    return hmac.compare_digest(given, token.encode())


# An absolute path inside a string ("/srv/qa/corpus", "/srv/qa/corpus/a.md: bad YAML"); not "and/or", "1/2" or a URL.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/(?:[^\s/'\"]+/)*")


def redact(value: Any) -> Any:
    """``value`` (JSON) with every absolute path cut to its last part: ``/srv/qa/corpus`` -> ``…/corpus``."""
    if isinstance(value, str):
        return _ABSOLUTE_PATH.sub("…/", value)
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def public_status(status: dict[str, Any]) -> dict[str, Any]:
    """``GET /index`` for anyone without the admin token: no server paths, no process id."""
    return {**redact(status), "pid": None}
