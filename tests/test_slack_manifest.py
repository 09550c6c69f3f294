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


def test_the_docs_walk_through_both_transports() -> None:
    """The step-by-step set-up stands in docs/operations.md, which the README's Slack section links."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    summary = readme[readme.index("## Add it to Slack"):readme.index("## The corpus")]
    assert "docs/operations.md#add-it-to-slack-step-by-step" in summary and "qa feedback" in summary
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    start = operations.index("## Add it to Slack, step by step")
    steps = operations[start:operations.index("\n## ", start + 1)]
    for step in ("slack/manifest.yml", "QA_SLACK_BOT_TOKEN", "QA_SLACK_SIGNING_SECRET", "QA_SLACK_APP_TOKEN",
                 "/slack/events", "qa serve", "qa slack --socket"):
        assert step in steps, step
