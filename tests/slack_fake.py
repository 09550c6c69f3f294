"""A fake Slack: the Web API methods the bot calls, served on 127.0.0.1 like slack.com/api does, recording every
call; plus helpers that sign requests the way Slack does. Modelled on bolt-python's tests/mock_web_api_server."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

BOT_TOKEN = "xoxb-compare-qa-test"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_USER_ID = "UQABOT0001"
BOT_ID = "BQABOT0001"
TEAM_ID = "T0TESTTEAM"


@dataclass
class Call:
    method: str  # "chat.postMessage", ..., or "response_url" for posts to a response_url
    params: dict[str, Any]
    path: str
    headers: dict[str, str]
    response: dict[str, Any] = field(default_factory=dict)  # what the fake answered


@dataclass
class FakeSlack:
    """Holds what the server recorded and how it should answer."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)  # conversations.replies
    errors: dict[str, str] = field(default_factory=dict)  # method -> Slack error code to answer with
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def calls_to(self, method: str, path: str | None = None, **match: Any) -> list[Call]:
        """Recorded calls to ``method`` (and ``path``, when given) whose parameters include ``match``."""
        with self.lock:
            calls = list(self.calls)
        return [c for c in calls if c.method == method and (path is None or c.path == path)
                and all(c.params.get(k) == v for k, v in match.items())]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0, path: str | None = None,
                 **match: Any) -> list[Call]:
        """The calls to ``method`` matching ``match`` once there are ``count`` of them (or whatever arrived
        before ``timeout``): listeners run after the ack, in bolt's thread pool."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls_to(method, path, **match)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def settle(self, quiet: float = 0.5, timeout: float = 10.0) -> None:
        """Wait until no call arrived for ``quiet`` seconds: to check that nothing (more) gets posted."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.calls), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.calls) != seen:
                seen, since = len(self.calls), time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
        self.errors.clear()


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _params(self, raw: bytes) -> dict[str, Any]:
            ctype = self.headers.get("Content-Type", "")
            if "json" in ctype:
                return json.loads(raw or b"{}")
            params: dict[str, Any] = dict(parse_qsl(raw.decode()))
            for key in ("blocks", "attachments"):
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
            return params

        def _send(self, status: int, body: dict[str, Any] | str) -> None:
            data = (json.dumps(body) if isinstance(body, dict) else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8" if isinstance(body, dict) else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            params = self._params(raw)
            path = self.path.split("?", 1)[0]
            if path.startswith("/response/"):
                method = "response_url"
            elif path.startswith("/api/"):
                method = path[len("/api/"):]
            else:
                self._send(404, "not found")
                return
            call = Call(method, params, path, dict(self.headers.items()))
            if method == "response_url":
                answer: dict[str, Any] | str = "ok"
            elif self.headers.get("Authorization") != f"Bearer {BOT_TOKEN}" and params.get("token") != BOT_TOKEN:
                answer = {"ok": False, "error": "invalid_auth"}
            elif method in fake.errors:
                answer = {"ok": False, "error": fake.errors[method]}
            else:
                answer = _answer(fake, method, params)
            call.response = answer if isinstance(answer, dict) else {}
            with fake.lock:
                fake.calls.append(call)
            self._send(200, answer)

    return Handler


def _answer(fake: FakeSlack, method: str, p: dict[str, Any]) -> dict[str, Any]:
    if method == "auth.test":
        return {"ok": True, "url": "https://compare-qa-test.slack.com/", "team": "Test", "user": "compare-qa",
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}
    if method == "chat.postMessage":
        ts = fake.next_ts()
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": p.get("text", ""),
                   "blocks": p.get("blocks", []), "ts": ts}
        if p.get("thread_ts"):
            message["thread_ts"] = p["thread_ts"]
        return {"ok": True, "channel": p.get("channel"), "ts": ts, "message": message}
    if method == "chat.postEphemeral":
        return {"ok": True, "message_ts": fake.next_ts()}
    if method == "chat.update":
        return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text", ""),
                "message": {"text": p.get("text", ""), "blocks": p.get("blocks", [])}}
    if method == "conversations.replies":
        messages = fake.threads.get((p.get("channel", ""), p.get("ts", "")), [])
        limit = int(p.get("limit") or 1000)
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}
    return {"ok": False, "error": "unknown_method"}


def start_fake_slack() -> tuple[FakeSlack, Callable[[], None]]:
    """A running fake on a free port of 127.0.0.1, and the function that stops it."""
    fake = FakeSlack()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-slack", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return fake, stop


# -- requests from Slack ---------------------------------------------------------------------------------------
def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: ``X-Slack-Signature`` = ``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


_ids = itertools.count(1)


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    """An Events API ``event_callback`` envelope as Slack posts it (JSON)."""
    return json.dumps({
        "token": "legacy-verification-token", "team_id": TEAM_ID, "api_app_id": "AQATEST0001",
        "event": event, "type": "event_callback",
        "event_id": event_id or f"Ev{int(time.time())}{next(_ids):06d}", "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False, "event_context": "4-test",
    })


def mention(text: str, *, channel: str, ts: str, thread_ts: str | None = None, user: str = "UHUMAN0001") -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts, "channel": channel,
             "event_ts": ts, "client_msg_id": f"msg-{ts}", "team": TEAM_ID}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, *, channel: str, ts: str, user: str = "UHUMAN0001", **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts, "channel": channel,
             "event_ts": ts, "team": TEAM_ID}
    event.update(extra)
    return event


def command_body(text: str, *, channel: str, response_url: str, user: str = "UHUMAN0001") -> str:
    """A slash command as Slack posts it (form-encoded)."""
    return urlencode({
        "token": "legacy-verification-token", "team_id": TEAM_ID, "team_domain": "compare-qa-test",
        "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": "alice",
        "command": "/compare", "text": text, "api_app_id": "AQATEST0001", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": f"{next(_ids)}.trigger",
    })


def action_body(action_id: str, value: str, *, channel: str, response_url: str, user: str = "UHUMAN0001",
                message: dict[str, Any] | None = None) -> str:
    """A ``block_actions`` click as Slack posts it: form-encoded ``payload=<json>``; ``message`` None means the
    button was on an ephemeral message."""
    container: dict[str, Any] = {"type": "message", "channel_id": channel, "is_ephemeral": message is None}
    if message is not None:
        container["message_ts"] = message["ts"]
    payload: dict[str, Any] = {
        "type": "block_actions", "user": {"id": user, "username": "alice", "team_id": TEAM_ID},
        "api_app_id": "AQATEST0001", "token": "legacy-verification-token", "container": container,
        "trigger_id": f"{next(_ids)}.trigger", "team": {"id": TEAM_ID, "domain": "compare-qa-test"},
        "channel": {"id": channel, "name": "general"}, "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "qa_actions", "value": value,
                     "text": {"type": "plain_text", "text": "x", "emoji": True}, "action_ts": f"{time.time():.6f}"}],
    }
    if message is not None:
        payload["message"] = message
    return urlencode({"payload": json.dumps(payload)})
