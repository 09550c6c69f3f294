"""The Slack app manifest asks for what the bot handles, at the path ``qa serve`` mounts it on."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT


def test_manifest_matches_the_bot() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["interactivity"]["is_enabled"] is True  # share and feedback buttons
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/compare"
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"], command["url"]]
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in urls)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "commands", "im:history", "im:read", "im:write"} <= scopes
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # people can DM the bot


def test_readme_walks_through_both_transports() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Add it to Slack"):]
    for step in ("slack/manifest.yml", "QA_SLACK_BOT_TOKEN", "QA_SLACK_SIGNING_SECRET", "QA_SLACK_APP_TOKEN",
                 "/slack/events", "qa serve", "qa slack --socket", "qa feedback"):
        assert step in section, step
