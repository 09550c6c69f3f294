"""The Slack bot (slack-bolt). ``create_slack_app`` builds the bolt app; ``mount`` serves it on the HTTP app.

Imports of slack_bolt happen on first use, so ``integrations.slack.store`` (read by ``qa feedback``) and
``integrations.slack.render`` stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from slack_bolt import App

    from qa.engine import Engine
    from qa.settings import Settings

__all__ = ["create_slack_app", "mount"]


def create_slack_app(engine: Engine, settings: Settings, **kwargs: Any) -> App:
    from integrations.slack.app import create_slack_app as create

    return create(engine, settings, **kwargs)


def mount(app: FastAPI, engine: Engine, settings: Settings, **kwargs: Any) -> App:
    from integrations.slack.app import mount as mount_app

    return mount_app(app, engine, settings, **kwargs)
