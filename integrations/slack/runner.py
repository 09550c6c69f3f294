"""``qa slack [--socket]``: run the bot.

Socket Mode (``--socket``) opens a WebSocket to Slack with the app-level token: no public URL needed, the usual
choice inside a company. HTTP mode is the API server (``qa serve``) with ``POST /slack/events`` mounted, which
it does whenever the bot token and signing secret are set; ``qa slack`` without ``--socket`` starts that server.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from integrations.slack.app import SlackSetupError

if TYPE_CHECKING:
    from qa.engine import Engine
    from qa.settings import Settings

HTTP_HELP = (
    "HTTP mode serves the bot at POST /slack/events on `qa serve`: set QA_SLACK_BOT_TOKEN and "
    "QA_SLACK_SIGNING_SECRET, run `qa serve --host 0.0.0.0` and give Slack https://<your-host>/slack/events as the "
    "Request URL; or use Socket Mode: set QA_SLACK_BOT_TOKEN and QA_SLACK_APP_TOKEN and run `qa slack --socket`"
)


def run(settings: Settings, socket: bool = False, *, engine: Engine | None = None, host: str = "127.0.0.1",
        port: int = 8000, workers: int | None = None) -> int:
    """Run the bot until interrupted; returns the exit status. ``SlackSetupError`` names what is missing."""
    if socket:
        return _run_socket_mode(settings, engine)
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        raise SlackSetupError(HTTP_HELP)
    from integrations.http.server import serve

    print(f"Slack events at http://{host}:{port}/slack/events (behind your HTTPS proxy); "
          "`--host` and `--port` choose the address", file=sys.stderr, flush=True)
    return serve(settings, host=host, port=port, workers=workers)


def _run_socket_mode(settings: Settings, engine: Engine | None) -> int:
    token = settings.slack_app_token
    if not token:
        raise SlackSetupError("Socket Mode needs QA_SLACK_APP_TOKEN: an app-level token (xapp-...) with the "
                              "connections:write scope, from your Slack app's Basic Information page")
    if not token.startswith("xapp-"):
        raise SlackSetupError("QA_SLACK_APP_TOKEN must be an app-level token (xapp-...), not a bot or user token")
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from integrations.slack.app import create_slack_app
    from qa.engine import Engine

    if engine is None:
        engine = Engine(settings)
        engine.warm_up()  # load index and model before the first question, not during it
    engine.start_reloader()  # answer from each new index version as it is built
    app = create_slack_app(engine, settings, socket=True)
    handler = SocketModeHandler(app, token)  # apps.connections.open goes through app.client (QA_SLACK_API_URL)
    try:
        print("compare-qa is connecting to Slack over Socket Mode; Ctrl-C stops it", file=sys.stderr, flush=True)
        handler.start()
    except SlackApiError as exc:
        raise SlackSetupError(f"Slack did not accept QA_SLACK_APP_TOKEN: {exc.response.get('error')}") from exc
    finally:
        handler.close()
    return 0
