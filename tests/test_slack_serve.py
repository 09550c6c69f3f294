"""The issue's "done when": a signed app_mention sent to a running ``qa serve`` (a real process, Slack mounted
because the bot token and signing secret are set) produces exactly one ``chat.postMessage`` in the event's thread,
with cited excerpts, within 3 seconds; a forged one produces none; a retry is answered by no process again."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from integrations.http.app import create_app
from integrations.slack import render
from integrations.slack.app import SlackSetupError
from integrations.slack.runner import run
from qa.engine import Engine
from qa.settings import Settings
from tests.conftest import ROOT, make_settings
from tests.servers import QA, child_env, free_port, wait_until_ready
from tests.slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack, event_body, mention, sign

DEADLINE = 3.0  # seconds: Slack's ack deadline, and the bound for the reply


@pytest.fixture(scope="module")
def served(fake: FakeSlack, seed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    """``qa slack`` in HTTP mode (``qa serve`` with the bot mounted, on the address given) in a subprocess, Slack
    tokens set and the Web API pointed at the fake; waits until ready."""
    tmp = tmp_path_factory.mktemp("serve")
    settings = make_settings(corpus_dir=seed_settings.corpus_dir, index_dir=seed_settings.index_dir, data_dir=tmp / "var",
                             slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url)
    env = child_env(QA_CORPUS_DIR=str(settings.corpus_dir), QA_INDEX_DIR=str(settings.index_dir),
                    QA_DATA_DIR=str(settings.data_dir), QA_SLACK_BOT_TOKEN=BOT_TOKEN,
                    QA_SLACK_SIGNING_SECRET=SIGNING_SECRET, QA_SLACK_API_URL=fake.api_url, PYTHONPATH=str(ROOT))
    cmd = [str(QA)]
    port = free_port()
    log = (tmp / "serve.log").open("w+")
    proc = subprocess.Popen([*cmd, "slack", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                            cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, proc, tmp / "serve.log")
        yield url, settings
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def send(url: str, body: str, headers: dict[str, str]) -> tuple[int, float]:
    t0 = time.monotonic()
    resp = httpx.post(f"{url}/slack/events", content=body.encode(),
                      headers={"Content-Type": "application/json", **headers}, timeout=10)
    return resp.status_code, time.monotonic() - t0


def test_signed_mention_to_qa_serve_gets_one_reply_in_its_thread(
        served: tuple[str, Settings], fake: FakeSlack, engine: Engine) -> None:
    url, settings = served
    channel, ts = "CSERVE0001", f"{int(time.time())}.000100"
    body = event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=ts))
    sent = time.monotonic()
    status, took = send(url, body, sign(body))
    assert status == 200 and took < DEADLINE
    replies = fake.wait_for("chat.postMessage", channel=channel)
    replied_after = time.monotonic() - sent
    assert len(replies) == 1, replies
    assert replied_after < DEADLINE, f"reply took {replied_after:.2f} s"
    params = replies[0].params
    assert params["thread_ts"] == ts
    assert any(b["elements"][0]["text"].startswith("[1] ") for b in params["blocks"] if b["type"] == "context")
    assert any(b["type"] == "section" and b["text"]["text"].startswith("> ") for b in params["blocks"])
    assert any(b.get("block_id") == render.ACTIONS_BLOCK for b in params["blocks"])

    # Slack retries (same event id): neither this process nor another one sharing the data dir answers again.
    status, took = send(url, body, {**sign(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200 and took < DEADLINE
    with TestClient(create_app(settings, engine)) as other:
        resp = other.post("/slack/events", content=body.encode(),
                          headers={"Content-Type": "application/json", **sign(body), "X-Slack-Retry-Num": "2"})
        assert resp.status_code == 200
    fake.settle()
    assert len(fake.calls_to("chat.postMessage", channel=channel)) == 1


def test_forged_mention_to_qa_serve_gets_401_and_no_reply(served: tuple[str, Settings], fake: FakeSlack) -> None:
    url, _ = served
    channel, ts = "CSERVE0002", f"{int(time.time())}.000200"
    body = event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=ts))
    assert send(url, body, sign(body, secret="forged"))[0] == 401
    assert send(url, body, sign(body, timestamp=int(time.time()) - 301))[0] == 401
    fake.settle()
    assert not fake.calls_to("chat.postMessage", channel=channel)
    assert send(url, body, sign(body))[0] == 200  # the same event, signed properly, is answered
    assert len(fake.wait_for("chat.postMessage", channel=channel)) == 1


def test_qa_slack_says_what_is_missing(fake: FakeSlack, seed_settings: Settings, engine: Engine) -> None:
    bare = make_settings(corpus_dir=seed_settings.corpus_dir, index_dir=seed_settings.index_dir,
                         data_dir=seed_settings.data_dir, slack_api_url=fake.api_url)
    with pytest.raises(SlackSetupError, match="QA_SLACK_SIGNING_SECRET.*qa slack --socket"):
        run(bare, socket=False)
    with pytest.raises(SlackSetupError, match="QA_SLACK_APP_TOKEN"):
        run(bare.model_copy(update={"slack_bot_token": BOT_TOKEN}), socket=True, engine=engine)
    with pytest.raises(SlackSetupError, match="xapp-"):
        run(bare.model_copy(update={"slack_bot_token": BOT_TOKEN, "slack_app_token": BOT_TOKEN}), socket=True,
            engine=engine)
    # Socket Mode asks the configured Web API for a WebSocket URL with the app token; the fake refuses it.
    settings = bare.model_copy(update={"slack_bot_token": BOT_TOKEN, "slack_app_token": "xapp-1-A0-revoked"})
    with pytest.raises(SlackSetupError, match="QA_SLACK_APP_TOKEN: invalid_auth"):
        run(settings, socket=True, engine=engine)
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == "Bearer xapp-1-A0-revoked"
