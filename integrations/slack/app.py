"""The slack-bolt app: @mentions, direct messages, ``/compare``, and the share and feedback buttons.

Built by ``create_slack_app(engine, settings)``; nothing happens at import. Bolt acknowledges each Events API
request before the listener runs (``process_before_response=False``), so Slack gets its answer within 3 seconds
however long the engine takes; commands and buttons call ``ack()`` first thing. Every delivery is handled at most
once, across processes and replicas too: the event id (the same on Slack's retries) and the answered message are
claimed in the database (:mod:`qa.storage`) before any work.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from integrations.slack import render
from integrations.slack.store import SlackStore
from qa.errors import InvalidQuestionError, QAError
from qa.querylog import Origin

if TYPE_CHECKING:
    from fastapi import FastAPI

    from qa.answer import Answer
    from qa.engine import Engine
    from qa.settings import Settings

log = logging.getLogger(__name__)

# Message subtypes that are a person writing something new; edits, deletions, joins, bot posts are not.
_ANSWERABLE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
_FEEDBACK_ACTION = re.compile(f"^({render.FEEDBACK_UP}|{render.FEEDBACK_DOWN})$")


class SlackSetupError(QAError):
    """The Slack settings are missing or Slack rejects them."""


def _api_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise SlackSetupError(f"QA_SLACK_API_URL must be an http(s) URL such as https://slack.com/api/, not {url!r}")
    return url if url.endswith("/") else url + "/"


def create_slack_app(engine: Engine, settings: Settings, *, socket: bool = False,
                     store: SlackStore | None = None) -> App:
    """The bolt ``App`` for ``engine``: tokens and the Web API URL from ``settings``; ``auth.test`` is called once
    here, so a wrong token fails at start-up. ``socket=True`` (Socket Mode) does not need the signing secret."""
    if not settings.slack_bot_token:
        raise SlackSetupError("QA_SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) of your Slack app")
    if not socket and not settings.slack_signing_secret:
        raise SlackSetupError("QA_SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information page")
    client = WebClient(token=settings.slack_bot_token, base_url=_api_url(settings.slack_api_url))
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))  # ~1 message/s per channel

    def build(verify_token: bool) -> App:
        return App(
            name="compare-qa",
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            token_verification_enabled=verify_token,
            process_before_response=False,
            logger=logging.getLogger("integrations.slack.bolt"),
        )

    try:
        app = build(verify_token=True)
    except BoltError as exc:  # Slack answered: the token is wrong or revoked
        raise SlackSetupError(f"Slack did not accept QA_SLACK_BOT_TOKEN at {settings.slack_api_url}: {exc}") from exc
    except OSError as exc:  # Slack unreachable right now: start anyway, bolt checks the token on the first request
        log.warning("could not reach Slack at %s (%s); the token is checked on the first request instead",
                    settings.slack_api_url, exc)
        app = build(verify_token=False)
    bot = SlackBot(engine, store or SlackStore.for_settings(settings))
    bot.register(app)
    return app


class SlackBot:
    """The listeners. Each answer is posted in the thread of its question; the thread is the conversation."""

    def __init__(self, engine: Engine, store: SlackStore) -> None:
        self.engine = engine
        self.store = store

    def register(self, app: App) -> None:
        app.middleware(self.skip_redeliveries)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.command("/compare")(self.on_compare)
        app.action(render.SHARE_ACTION)(self.on_share)
        app.action(_FEEDBACK_ACTION)(self.on_feedback)

    # -- middleware --------------------------------------------------------------------------------------------
    def skip_redeliveries(self, req: BoltRequest, resp: BoltResponse, next: Any) -> BoltResponse:
        """Acknowledge a delivery of an event already handled (Slack retries with the same ``event_id`` and an
        ``X-Slack-Retry-Num`` header) without running any listener. Runs after the signature check."""
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not self.store.claim(f"event:{event_id}"):
            retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
            log.info("event %s already handled; ignoring redelivery (retry %s)", event_id, retry)
            return BoltResponse(status=200, body="")
        return next()  # type: ignore[no-any-return]

    # -- events ------------------------------------------------------------------------------------------------
    def on_mention(self, event: dict[str, Any], context: Any, client: WebClient) -> None:
        self._handle_message(event, context, client, source="mention")

    def on_message(self, event: dict[str, Any], context: Any, client: WebClient) -> None:
        if event.get("channel_type") == "im":
            self._handle_message(event, context, client, source="dm")

    def _handle_message(self, event: dict[str, Any], context: Any, client: WebClient, *, source: str) -> None:
        if event.get("subtype") not in _ANSWERABLE_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
            return
        user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
        if not user or not channel or not ts or user == context.bot_user_id:
            return
        # One answer per message, even when it arrives as both a mention and a DM, or as a mention again on edit.
        if not self.store.claim(f"message:{channel}:{ts}"):
            return
        thread_ts = event.get("thread_ts") or ts
        question = render.plain_question(event.get("text") or "", context.bot_user_id)
        if not question or question.strip(" ?!.").lower() == "help":
            self._post(client, channel, thread_ts, [render.render_help()])
            return
        conversation_id = f"slack:{channel}:{thread_ts}"
        if self.store.claim(f"thread:{channel}:{thread_ts}") and thread_ts != ts:
            self._prime_thread(client, channel, thread_ts, conversation_id, context.bot_user_id)
        answer = self._ask(question, conversation_id, lambda msg: self._post(client, channel, thread_ts, [msg]), user)
        if answer is None:
            return
        answer_id = self.store.record_answer(answer, source=source, channel=channel, thread_ts=thread_ts, user_id=user)
        self._post(client, channel, thread_ts, render.render_answer(answer, answer_id=answer_id))

    def _prime_thread(self, client: WebClient, channel: str, thread_ts: str, conversation_id: str,
                      bot_user_id: str | None) -> None:
        """First time the bot is asked inside a thread someone else started: the thread's first message becomes
        the conversation's first turn, so "and Flask?" under "Does FastAPI support WebSockets?" resolves."""
        try:
            reply = client.conversations_replies(channel=channel, ts=thread_ts, limit=1, inclusive=True)
        except SlackApiError as exc:  # e.g. missing channels:history in this kind of channel
            log.info("cannot read thread %s in %s: %s", thread_ts, channel, exc.response.get("error"))
            return
        messages = reply.get("messages") or []
        root = messages[0] if messages else {}
        if root.get("ts") != thread_ts or root.get("bot_id") or root.get("user") == bot_user_id:
            return
        question = render.plain_question(root.get("text") or "", bot_user_id)
        if not question:
            return
        try:
            self.engine.record_turn(question, conversation_id)
        except QAError as exc:
            log.info("thread root not usable as a question: %s", exc)

    def _ask(self, question: str, conversation_id: str | None, tell: Any, user: str | None) -> Answer | None:
        """``engine.ask``, with errors turned into a message to the user (``tell``); None when it failed. The
        query log keeps ``user`` only with QA_QUERY_LOG_SLACK_USERS."""
        try:
            return self.engine.ask(question, conversation_id, origin=Origin("slack", user_id=user))
        except InvalidQuestionError as exc:
            tell(render.render_notice(f"I could not take that question: {exc}."))
        except QAError as exc:
            log.error("cannot answer %r: %s", question, exc)
            tell(render.render_notice(f"Sorry, I cannot answer right now: {exc}"))
        except Exception:
            log.exception("answering %r failed", question)
            tell(render.render_notice("Sorry, something went wrong while answering; the maintainers have the details."))
        return None

    @staticmethod
    def _post(client: WebClient, channel: str, thread_ts: str | None, messages: list[render.SlackMessage]) -> str | None:
        first_ts = None
        for msg in messages:
            resp = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=msg.text, blocks=msg.blocks,
                                           unfurl_links=False, unfurl_media=False)
            first_ts = first_ts or resp.get("ts")
        return first_ts

    # -- /compare ----------------------------------------------------------------------------------------------
    def on_compare(self, ack: Any, command: dict[str, Any], respond: Any, context: Any) -> None:
        question = render.plain_question(command.get("text") or "", context.bot_user_id)
        if not question or question.lower() == "help":
            help_msg = render.render_help()
            ack(text=help_msg.text, blocks=help_msg.blocks, response_type="ephemeral")
            return
        ack()
        channel, user = command.get("channel_id"), command.get("user_id")

        def tell(msg: render.SlackMessage) -> None:
            respond(text=msg.text, blocks=msg.blocks, response_type="ephemeral", replace_original=False)

        # Follow-ups work here too: one conversation per person and channel.
        answer = self._ask(question, f"slack:{channel}:compare:{user}", tell, user)
        if answer is None:
            return
        answer_id = self.store.record_answer(answer, source="command", channel=channel, user_id=user)
        for msg in render.render_answer(answer, answer_id=answer_id, share=True, asked_by=user):
            tell(msg)

    # -- buttons -----------------------------------------------------------------------------------------------
    def on_share(self, ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Any) -> None:
        """Post a /compare answer (ephemeral until now) in the channel; its thread becomes its conversation."""
        ack()
        stored = self.store.get_answer(action.get("value") or "")
        if stored is None:
            respond(text="That answer is no longer available; ask again.", response_type="ephemeral",
                    replace_original=False)
            return
        channel = (body.get("channel") or {}).get("id") or stored.channel
        sharer = (body.get("user") or {}).get("id")
        answer = stored.answer
        answer_id = self.store.record_answer(answer, source="share", channel=channel, user_id=sharer)
        messages = render.render_answer(answer, answer_id=answer_id, asked_by=stored.user_id or sharer,
                                        shared_by=sharer)
        try:
            ts = self._post(client, channel, None, messages)
        except SlackApiError as exc:  # not in the channel, or a DM with someone else: post through response_url
            log.info("chat.postMessage in %s failed (%s); sharing through response_url", channel,
                     exc.response.get("error"))
            for msg in messages:
                respond(text=msg.text, blocks=msg.blocks, response_type="in_channel", replace_original=False)
            return
        respond(delete_original=True)
        if ts and self.store.claim(f"thread:{channel}:{ts}"):
            try:  # follow-ups in the shared answer's thread resolve against its question
                self.engine.record_turn(answer.resolved_question, f"slack:{channel}:{ts}")
            except QAError as exc:
                log.info("shared answer's thread not primed: %s", exc)

    def on_feedback(self, ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                    respond: Any) -> None:
        """Store the vote, then show the thanks and the tally under the buttons (``chat.update``)."""
        ack()
        vote = 1 if action.get("action_id") == render.FEEDBACK_UP else -1
        user = (body.get("user") or {}).get("id") or "unknown"
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        message_ts = message.get("ts") or container.get("message_ts")
        answer_id = action.get("value") or ""
        try:
            ups, downs = self.store.record_feedback(answer_id, user, vote, channel=channel, message_ts=message_ts)
        except KeyError:
            respond(text="That answer is no longer available, so the vote was not recorded.",
                    response_type="ephemeral", replace_original=False)
            return
        if message.get("blocks") and channel and message_ts and not container.get("is_ephemeral"):
            blocks = render.with_feedback_tally(message["blocks"], user, vote, ups, downs)
            client.chat_update(channel=channel, ts=message_ts, blocks=blocks, text=message.get("text") or "")
            return
        # Ephemeral (/compare) messages have no ts to update: re-render the part with the buttons instead.
        stored = self.store.get_answer(answer_id)
        if stored is not None:
            last = render.render_answer(stored.answer, answer_id=answer_id, share=True, asked_by=stored.user_id)[-1]
            respond(text=last.text, blocks=render.with_feedback_tally(last.blocks, user, vote, ups, downs),
                    response_type="ephemeral", replace_original=True)


def mount(app: FastAPI, engine: Engine, settings: Settings, *, path: str = "/slack/events") -> App:
    """Add ``POST /slack/events`` (Events API, slash commands, interactivity) to a FastAPI app.

    Bolt's ``dispatch`` verifies the signature, acks, and hands the listener to its own thread pool; it runs in
    Starlette's thread pool here so the event loop never waits on the database or an ``ack()``."""
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response

    bolt_app = create_slack_app(engine, settings)

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    # A plain Starlette route: the handler reads the raw body itself (the signature covers the exact bytes).
    app.add_route(path, slack_events, methods=["POST"], include_in_schema=False)
    app.state.slack_app = bolt_app
    return bolt_app
