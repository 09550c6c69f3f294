"""The Slack bot end to end: real signed requests through the real HTTP app (``create_app``) to the real bolt app
and the real engine; replies land on a fake Slack Web API on 127.0.0.1 (``tests/slack_fake.py``).

Listeners run after the ack in bolt's thread pool, so tests poll the fake's recorded calls with a timeout."""

from __future__ import annotations

import itertools
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from slack_bolt import BoltRequest

from integrations.cli import main as qa_main
from integrations.http.app import create_app
from integrations.slack import create_slack_app, render
from integrations.slack.app import SlackSetupError
from integrations.slack.store import SlackStore
from qa.build import build_index
from qa.engine import Engine
from qa.settings import Settings
from tests.conftest import make_settings
from tests.slack_fake import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    FakeSlack,
    action_body,
    command_body,
    direct_message,
    event_body,
    mention,
    sign,
)

ACK_LIMIT = 3.0  # seconds Slack waits for the HTTP response
_n = itertools.count(1)


def new_ts() -> str:
    return f"{int(time.time())}.{next(_n):06d}"


def new_channel(prefix: str = "C") -> str:
    return f"{prefix}TEST{next(_n):05d}"


@pytest.fixture(scope="module")
def slack_settings(fake: FakeSlack, seed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(
        corpus_dir=seed_settings.corpus_dir, index_dir=seed_settings.index_dir,
        data_dir=tmp_path_factory.mktemp("slack-var"), slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url,
    )


@pytest.fixture(scope="module")
def client(slack_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The real HTTP app (``qa serve``'s factory), which mounts the bot at POST /slack/events."""
    with TestClient(create_app(slack_settings, engine)) as c:
        yield c


def post(client: TestClient, body: str, *, form: bool = False, headers: dict[str, str] | None = None,
         signed: dict[str, str] | None = None) -> tuple[int, str, float]:
    """POST a signed request as Slack does; returns (status, body, seconds until the response)."""
    h = {"Content-Type": "application/x-www-form-urlencoded" if form else "application/json",
         **(signed if signed is not None else sign(body)), **(headers or {})}
    t0 = time.monotonic()
    resp = client.post("/slack/events", content=body.encode(), headers=h)
    return resp.status_code, resp.text, time.monotonic() - t0


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out += [e["text"] if isinstance(e["text"], str) else e["text"]["text"] for e in b.get("elements", [])]
    return out


def assert_cited_answer(params: dict[str, Any]) -> list[str]:
    """A posted answer: cited excerpts (a ``[n]`` source line, then the quote) and feedback buttons."""
    t = texts(params["blocks"])
    assert any(x.startswith("[1] ") for x in t), t
    assert any(x.startswith("> ") for x in t), t
    actions = [b for b in params["blocks"] if b.get("block_id") == render.ACTIONS_BLOCK]
    assert [e["action_id"] for e in actions[0]["elements"]] == [render.FEEDBACK_UP, render.FEEDBACK_DOWN]
    assert params["text"]
    return t


def test_mention_gets_exactly_one_threaded_reply_with_citations(client: TestClient, fake: FakeSlack) -> None:
    channel, ts = new_channel(), new_ts()
    status, body, took = post(client, event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=ts)))
    assert status == 200 and body == ""
    assert took < ACK_LIMIT
    [reply] = fake.wait_for("chat.postMessage", channel=channel)
    assert reply.params["thread_ts"] == ts
    assert reply.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    t = assert_cited_answer(reply.params)
    assert "WebSocket" in t[0]
    fake.settle()
    assert len(fake.calls_to("chat.postMessage", channel=channel)) == 1


def test_follow_up_in_the_thread_resolves_against_it(client: TestClient, fake: FakeSlack) -> None:
    channel, root = new_channel(), new_ts()
    post(client, event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=root)))
    assert fake.wait_for("chat.postMessage", channel=channel)
    post(client, event_body(mention("and Flask?", channel=channel, ts=new_ts(), thread_ts=root)))
    replies = fake.wait_for("chat.postMessage", 2, channel=channel)
    assert [r.params["thread_ts"] for r in replies] == [root, root]
    t = texts(replies[1].params["blocks"])
    assert "Understood as: _Does Flask support WebSockets?_" in t
    answer = next(x for x in t if not x.startswith(("Understood", "[", ">")))
    assert "Flask" in answer and "WebSocket" in answer


def test_follow_up_in_a_thread_a_person_started(client: TestClient, fake: FakeSlack) -> None:
    """The bot is called into a thread it has not been part of: the thread's first message is the context."""
    channel, root = new_channel(), new_ts()
    fake.threads[(channel, root)] = [{"type": "message", "user": "UHUMAN0002", "ts": root,
                                      "text": "Does FastAPI support WebSockets?", "thread_ts": root}]
    post(client, event_body(mention("and Flask?", channel=channel, ts=new_ts(), thread_ts=root)))
    [reply] = fake.wait_for("chat.postMessage", channel=channel)
    assert reply.params["thread_ts"] == root
    assert "Understood as: _Does Flask support WebSockets?_" in texts(reply.params["blocks"])
    assert fake.calls_to("conversations.replies", channel=channel, ts=root)


def test_a_slack_thread_cannot_be_read_or_written_over_http(client: TestClient, fake: FakeSlack) -> None:
    """``POST /ask`` naming the thread's conversation (``slack:<channel>:<ts>``, the Slack adapter's id) gets a
    conversation of the HTTP API instead: it neither sees the thread's question nor adds to it."""
    channel, root = new_channel(), new_ts()
    post(client, event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=root)))
    assert fake.wait_for("chat.postMessage", channel=channel)
    thread = f"slack:{channel}:{root}"
    r = client.post("/ask", json={"question": "And Flask?", "conversation_id": thread})
    assert r.status_code == 200, r.text
    assert r.json()["resolved_question"] == "And Flask?"  # not "Does Flask support WebSockets?"
    assert client.post("/ask", json={"question": "Who created Flask?", "conversation_id": thread}).status_code == 200
    # The thread's follow-up still resolves against its own question, not the HTTP client's.
    post(client, event_body(mention("and FastAPI?", channel=channel, ts=new_ts(), thread_ts=root)))
    replies = fake.wait_for("chat.postMessage", 2, channel=channel)
    assert "Understood as: _Does FastAPI support WebSockets?_" in texts(replies[1].params["blocks"])


def test_direct_message_is_answered_in_its_thread(client: TestClient, fake: FakeSlack) -> None:
    channel, ts = new_channel("D"), new_ts()
    status, _, took = post(client, event_body(direct_message("Who created Flask?", channel=channel, ts=ts)))
    assert status == 200 and took < ACK_LIMIT
    [reply] = fake.wait_for("chat.postMessage", channel=channel)
    assert reply.params["thread_ts"] == ts
    assert "Armin Ronacher" in assert_cited_answer(reply.params)[0]


def test_empty_mention_or_help_gets_the_help(client: TestClient, fake: FakeSlack) -> None:
    channel = new_channel()
    post(client, event_body(mention("", channel=channel, ts=new_ts())))
    post(client, event_body(direct_message("help", channel=channel, ts=new_ts())))
    replies = fake.wait_for("chat.postMessage", 2, channel=channel)
    assert len(replies) == 2
    assert all(r.params["text"] == render.HELP_TEXT for r in replies)


def test_slash_command_without_a_question_shows_the_help(client: TestClient, fake: FakeSlack) -> None:
    channel = new_channel()
    status, text, took = post(client, command_body("", channel=channel, response_url=fake.response_url("h")), form=True)
    assert status == 200 and took < ACK_LIMIT
    ack = json.loads(text)
    assert ack["response_type"] == "ephemeral" and ack["text"] == render.HELP_TEXT


def test_a_question_over_the_limit_gets_a_reason(client: TestClient, fake: FakeSlack) -> None:
    channel, ts = new_channel("D"), new_ts()
    post(client, event_body(direct_message("Flask or FastAPI? " * 150, channel=channel, ts=ts)))
    [reply] = fake.wait_for("chat.postMessage", channel=channel)
    assert reply.params["thread_ts"] == ts
    assert "the limit is 2000" in reply.params["text"]


def test_slash_command_is_ephemeral_and_shareable(client: TestClient, fake: FakeSlack, slack_settings: Settings) -> None:
    channel = new_channel()
    cmd_url = fake.response_url(f"cmd-{channel}")
    status, body, took = post(client, command_body("Flask vs FastAPI for validation?", channel=channel,
                                                   response_url=cmd_url), form=True)
    assert status == 200 and body == "" and took < ACK_LIMIT
    [private] = fake.wait_for("response_url", path=f"/response/cmd-{channel}")
    assert private.params["response_type"] == "ephemeral"
    assert "<@UHUMAN0001> asked: _Flask vs FastAPI for validation?_" in texts(private.params["blocks"])
    buttons = [e for b in private.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    share = next(e for e in buttons if e["action_id"] == render.SHARE_ACTION)
    assert not fake.calls_to("chat.postMessage", channel=channel)  # nothing public yet

    # 👍 on the ephemeral answer: stored, and the ephemeral message is replaced with the thanks
    up_url = fake.response_url(f"up-{channel}")
    status, _, _ = post(client, action_body(render.FEEDBACK_UP, share["value"], channel=channel, response_url=up_url),
                        form=True)
    assert status == 200
    [thanks] = fake.wait_for("response_url", path=f"/response/up-{channel}")
    assert thanks.params["replace_original"] is True
    assert any("👍 1 · 👎 0" in t for t in texts(thanks.params["blocks"]))

    # "Share in channel": the same answer posted publicly, the ephemeral one removed
    share_url = fake.response_url(f"share-{channel}")
    status, _, took = post(client, action_body(render.SHARE_ACTION, share["value"], channel=channel,
                                               response_url=share_url), form=True)
    assert status == 200 and took < ACK_LIMIT
    [public] = fake.wait_for("chat.postMessage", channel=channel)
    assert public.params.get("thread_ts") is None
    assert "<@UHUMAN0001> asked: _Flask vs FastAPI for validation?_" in texts(public.params["blocks"])
    assert_cited_answer(public.params)
    [deleted] = fake.wait_for("response_url", path=f"/response/share-{channel}")
    assert deleted.params.get("delete_original") is True


def test_feedback_click_is_stored_and_acknowledged(client: TestClient, fake: FakeSlack, slack_settings: Settings,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    channel, ts = new_channel(), new_ts()
    post(client, event_body(mention("Does Flask support async views?", channel=channel, ts=ts)))
    [reply] = fake.wait_for("chat.postMessage", channel=channel)
    posted_ts = reply.response["ts"]
    message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": posted_ts, "thread_ts": ts,
               "text": reply.params["text"], "blocks": reply.params["blocks"]}
    answer_id = next(b for b in reply.params["blocks"] if b.get("block_id") == render.ACTIONS_BLOCK)["elements"][1]["value"]
    status, _, took = post(client, action_body(render.FEEDBACK_DOWN, answer_id, channel=channel, user="UVOTER001",
                                               response_url=fake.response_url("fb"), message=message), form=True)
    assert status == 200 and took < ACK_LIMIT
    [update] = fake.wait_for("chat.update", channel=channel)
    assert update.params["ts"] == posted_ts
    blocks = update.params["blocks"]
    assert blocks[-1]["block_id"] == render.TALLY_BLOCK
    assert texts(blocks)[-1] == "👎 Thanks, <@UVOTER001>: feedback recorded. 👍 0 · 👎 1"
    assert blocks[:-1] == reply.params["blocks"]  # the answer itself is untouched

    [row] = [f for f in SlackStore.for_settings(slack_settings).recent_feedback() if f.answer_id == answer_id]
    assert (row.user_id, row.vote, row.question, row.channel) == ("UVOTER001", -1, "Does Flask support async views?", channel)
    assert row.citations >= 1

    # `qa feedback` lists it, and `qa gaps` the voted-down question
    dirs = ["--data-dir", str(slack_settings.data_dir), "--index-dir", str(slack_settings.index_dir)]
    assert qa_main([*dirs, "feedback", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert any(f["answer_id"] == answer_id and f["vote"] == -1 for f in report["feedback"])
    assert qa_main([*dirs, "feedback"]) == 0
    out = capsys.readouterr().out
    assert "Does Flask support async views?" in out and "qa gaps" in out
    assert qa_main([*dirs, "gaps", "--since", "1h", "--json"]) == 0
    gaps = json.loads(capsys.readouterr().out)
    assert any(g["question"] == "Does Flask support async views?" and g["down_votes"] == 1 for g in gaps)


def test_url_verification_challenge_is_answered(client: TestClient) -> None:
    """What Slack sends when the Request URL is saved in the app settings."""
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    status, text, _ = post(client, body)
    assert status == 200 and json.loads(text) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    assert post(client, body, signed=sign(body, secret="forged"))[0] == 401


def test_forged_or_stale_requests_get_401_and_no_reply(client: TestClient, fake: FakeSlack) -> None:
    channel, ts = new_channel(), new_ts()
    body = event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=ts), event_id="EvFORGED0001")
    assert post(client, body, signed=sign(body, secret="not-the-signing-secret"))[0] == 401
    assert post(client, body, signed=sign(body, timestamp=int(time.time()) - 6 * 60))[0] == 401
    assert post(client, body, signed={})[0] == 401
    tampered = body.replace("WebSockets", "async")
    assert post(client, tampered, signed=sign(body))[0] == 401
    fake.settle()
    assert not fake.calls_to("chat.postMessage", channel=channel)
    # the forged copies did not use up the event id: the genuine delivery is answered
    assert post(client, body)[0] == 200
    assert len(fake.wait_for("chat.postMessage", channel=channel)) == 1


def test_retried_delivery_is_answered_once(client: TestClient, fake: FakeSlack) -> None:
    channel, ts = new_channel(), new_ts()
    body = event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=ts))
    assert post(client, body)[0] == 200
    for n in (1, 2):
        status, _, took = post(client, body, headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
        assert status == 200 and took < ACK_LIMIT
    assert fake.wait_for("chat.postMessage", channel=channel)
    # the same message delivered again under another event id (as a DM event, say) is not answered twice either
    post(client, event_body(direct_message(f"<@{BOT_USER_ID}> Does FastAPI support WebSockets?", channel=channel, ts=ts)))
    fake.settle()
    assert len(fake.calls_to("chat.postMessage", channel=channel)) == 1


def test_bots_itself_and_edits_get_no_reply(client: TestClient, fake: FakeSlack) -> None:
    channel = new_channel("D")
    q = "Does Flask support async views?"
    ignored = [
        direct_message(q, channel=channel, ts=new_ts(), user=BOT_USER_ID, bot_id=BOT_ID),  # itself
        direct_message(q, channel=channel, ts=new_ts(), subtype="bot_message", bot_id="BOTHER001", user=None),
        direct_message(q, channel=channel, ts=new_ts(), user="UOTHERBOT", bot_id="BOTHER002"),  # a bot user
        {**mention(q, channel=channel, ts=new_ts(), user="UOTHERBOT"), "bot_id": "BOTHER002"},
        direct_message("", channel=channel, ts=new_ts(), subtype="message_changed", user=None,
                       message={"type": "message", "user": "UHUMAN0001", "text": q, "ts": "1.000001",
                                "edited": {"user": "UHUMAN0001", "ts": "2.0"}},
                       previous_message={"type": "message", "user": "UHUMAN0001", "text": "Flask?", "ts": "1.000001"}),
        direct_message("", channel=channel, ts=new_ts(), subtype="message_deleted", user=None, deleted_ts="1.000001"),
    ]
    for event in ignored:
        status, _, took = post(client, event_body(event))
        assert status == 200 and took < ACK_LIMIT
    fake.settle()
    assert not fake.calls_to("chat.postMessage", channel=channel)
    # a person in the same conversation is answered: the silence above was the filters, not a broken channel
    post(client, event_body(direct_message(q, channel=channel, ts=new_ts())))
    assert len(fake.wait_for("chat.postMessage", channel=channel)) == 1


def test_socket_mode_needs_no_signing_secret(fake: FakeSlack, slack_settings: Settings, engine: Engine) -> None:
    settings = slack_settings.model_copy(update={"slack_signing_secret": None})
    with pytest.raises(SlackSetupError, match="QA_SLACK_SIGNING_SECRET"):
        create_slack_app(engine, settings)
    app = create_slack_app(engine, settings, socket=True)
    channel, ts = new_channel(), new_ts()
    resp = app.dispatch(BoltRequest(body=event_body(mention("Who created Flask?", channel=channel, ts=ts)),
                                    mode="socket_mode"))
    assert resp.status == 200
    [reply] = fake.wait_for("chat.postMessage", channel=channel)
    assert reply.params["thread_ts"] == ts


def test_a_wrong_token_fails_at_start_up(slack_settings: Settings, engine: Engine) -> None:
    settings = slack_settings.model_copy(update={"slack_bot_token": "xoxb-revoked"})
    with pytest.raises(SlackSetupError, match="invalid_auth"):
        create_slack_app(engine, settings)
    with pytest.raises(SlackSetupError, match="QA_SLACK_BOT_TOKEN"):
        create_slack_app(engine, slack_settings.model_copy(update={"slack_bot_token": None}))


def test_an_unreachable_slack_does_not_stop_the_server(slack_settings: Settings, engine: Engine,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    """A network hiccup at start-up must not take the HTTP API down with it: the token is checked later."""
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/api/"
    app = create_slack_app(engine, slack_settings.model_copy(update={"slack_api_url": closed}))
    assert app.client.base_url == closed
    assert "could not reach Slack" in caplog.text


def test_corpus_text_cannot_ping_the_channel(tmp_path: Path, fake: FakeSlack, embedder: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sneaky.md").write_text(
        "---\ntitle: Sneaky <!channel> guide to Flask\npublisher: <http://evil.example|Trusted Docs>\n"
        "published: 2026-01-01\nsubjects: [Flask, FastAPI]\n---\n\n# Flask and WebSockets\n\n"
        "Flask does not support WebSockets natively <!channel> and Flask-SocketIO adds them "
        "<http://evil.example|docs.python.org> & more.\n\n"
        "FastAPI has first-class WebSocket support through Starlette <!here>.\n",
        encoding="utf-8",
    )
    settings = make_settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "var",
                             slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url)
    build_index(corpus, settings.index_dir, embedder)
    with TestClient(create_app(settings, Engine(settings, embedder))) as c:
        channel = new_channel()
        post(c, event_body(mention("Does Flask support WebSockets?", channel=channel, ts=new_ts())))
        [reply] = fake.wait_for("chat.postMessage", channel=channel)
    sent = json.dumps(reply.params, ensure_ascii=False)
    assert "&lt;!channel&gt;" in sent
    for raw in ("<!channel>", "<!here>", "<http://evil.example"):
        assert raw not in sent
