"""API keys, rate limits, private conversation ids and what ``GET /index`` shows: the real app through the
real HTTP stack (TestClient, and one ``qa serve`` process), the real engine and model."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from integrations.http import create_app
from qa.engine import Engine
from qa.errors import SettingsError
from qa.settings import Settings, load_settings
from tests.conftest import CORPUS, make_settings
from tests.servers import QA, child_env, free_port, stop, wait_until_ready

ALICE = "alice-secret-0123456789"
BOB = "bob-secret-9876543210abc"
KEYS = f"alice:{ALICE},bob:{BOB}"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module")
def keyed(seed_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app with two API keys (and no rate limit), over the session's engine."""
    settings = make_settings(corpus_dir=seed_settings.corpus_dir, index_dir=seed_settings.index_dir,
                             data_dir=seed_settings.data_dir, api_keys=KEYS)
    with TestClient(create_app(settings, engine), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def open_client(seed_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(seed_settings, engine), raise_server_exceptions=False) as c:
        yield c


def ask(client: TestClient, question: str, conversation_id: str | None = None, **headers: str) -> dict[str, Any]:
    body = {"question": question, **({"conversation_id": conversation_id} if conversation_id else {})}
    r = client.post("/ask", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


# -- without keys: as before ---------------------------------------------------------------------------


def test_without_keys_ask_needs_no_authorization(open_client: TestClient) -> None:
    assert ask(open_client, "Who created Flask?")["abstained"] is False
    # A header meant for something else changes nothing either.
    assert ask(open_client, "Who created Flask?", Authorization="Bearer whatever")["abstained"] is False


def test_the_server_issues_a_conversation_id_when_none_is_given(open_client: TestClient) -> None:
    first = ask(open_client, "Does FastAPI support WebSockets?")
    issued = first["conversation_id"]
    assert re.fullmatch(r"c-[0-9a-f]{32}", issued), issued
    follow = ask(open_client, "And Flask?", issued)
    assert follow["conversation_id"] == issued
    assert follow["resolved_question"] == "Does Flask support WebSockets?"
    # Each question without an id starts its own conversation.
    other = ask(open_client, "And Flask?")
    assert other["conversation_id"] not in (issued, None)
    assert other["resolved_question"] == "And Flask?"


def test_a_client_id_cannot_reach_the_stores_other_namespaces(open_client: TestClient, engine: Engine) -> None:
    """Whatever the client sends is only a name inside the HTTP namespace: ``slack:...`` or the store's own
    spelling of an HTTP conversation lead to new, empty conversations."""
    thread = f"slack:C1:{uuid.uuid4().hex[:10]}.000100"
    engine.ask("Who created FastAPI?", thread)  # a Slack thread's turn, as the Slack adapter records it
    assert engine.ask("And Flask?", thread).resolved_question == "Who created Flask?"  # the thread has history
    answer = ask(open_client, "And Flask?", thread)
    assert answer["resolved_question"] == "And Flask?"
    assert answer["conversation_id"] == thread  # the client's own name comes back

    mine = f"m-{uuid.uuid4().hex[:8]}"
    ask(open_client, "Who created FastAPI?", mine)
    assert ask(open_client, "And Flask?", f"http:anon:{mine}")["resolved_question"] == "And Flask?"


# -- keys ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "an API key is required"),
        ({"Authorization": "Bearer not-a-key-at-all-0000"}, "unknown API key"),
        ({"Authorization": f"Bearer {ALICE}x"}, "unknown API key"),
        ({"Authorization": f"Bearer {ALICE[:-1]}"}, "unknown API key"),
        ({"Authorization": f"Basic {ALICE}"}, "an API key is required"),
        ({"Authorization": ALICE}, "an API key is required"),
        ({"Authorization": "Bearer s3cr\u00e9t"}, "unknown API key"),  # non-ASCII: compared as bytes, no TypeError
    ],
)
def test_with_keys_ask_refuses_a_missing_or_wrong_key(keyed: TestClient, headers: dict[str, str], says: str) -> None:
    encoded = {k: v.encode("latin-1") for k, v in headers.items()}
    r = keyed.post("/ask", json={"question": "Who created Flask?"}, headers=encoded)
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert set(r.json()) == {"detail"} and says in r.json()["detail"]


def test_with_keys_each_key_is_accepted_and_named_in_the_access_log(keyed: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="qa.http"):
        for secret in (ALICE, BOB):
            assert "Armin Ronacher" in ask(keyed, "Who created Flask?", **bearer(secret))["answer"]
        keyed.post("/ask", json={"question": "Who created Flask?"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "qa.http"]
    assert [(x["status"], x.get("key")) for x in lines] == [(200, "alice"), (200, "bob"), (401, None)]


def test_with_keys_the_other_endpoints_stay_open(keyed: TestClient) -> None:
    assert keyed.get("/healthz").status_code == 200
    assert keyed.get("/readyz").status_code == 200
    assert keyed.get("/").status_code == 200
    schema = keyed.get("/openapi.json").json()
    responses = schema["paths"]["/ask"]["post"]["responses"]
    assert {"401", "429"} <= set(responses)


def test_a_conversation_id_belongs_to_the_key_that_started_it(keyed: TestClient) -> None:
    conv = f"shared-{uuid.uuid4().hex[:8]}"
    ask(keyed, "Does FastAPI support WebSockets?", conv, **bearer(ALICE))
    # Bob names Alice's id: a new, empty conversation of his own, which his own follow-ups then continue.
    bob = ask(keyed, "And Flask?", conv, **bearer(BOB))
    assert bob["conversation_id"] == conv and bob["resolved_question"] == "And Flask?"
    ask(keyed, "Who created FastAPI?", conv, **bearer(BOB))
    assert ask(keyed, "And Flask?", conv, **bearer(BOB))["resolved_question"] == "Who created Flask?"
    # Alice's conversation was neither read nor written by Bob.
    assert ask(keyed, "And Flask?", conv, **bearer(ALICE))["resolved_question"] == "Does Flask support WebSockets?"


def test_bad_key_settings_are_one_line_errors_that_do_not_echo_secrets() -> None:
    for value, says in [
        ("alice", "key 1 must be id:secret"),
        ("alice:short", "at least 16 characters"),
        (f"alice:{ALICE},alice:{BOB}", "'alice' is given twice"),
        (f"alice:{ALICE},bob:{ALICE}", "the same secret"),
        (f"al ice:{ALICE}", "key 1 must be id:secret"),
    ]:
        with pytest.raises(SettingsError, match="QA_API_KEYS") as err:
            load_settings(api_keys=value)
        message = str(err.value)
        assert says in message and "\n" not in message
        assert ALICE not in message and BOB not in message and "short" not in message
    with pytest.raises(SettingsError, match=r"QA_RATE_LIMIT: .*'often' is not a rate"):
        load_settings(rate_limit="often")


# -- rate limits ---------------------------------------------------------------------------------------


def limited_app(seed_settings: Settings, engine: Engine, **settings: Any) -> TestClient:
    return TestClient(create_app(make_settings(corpus_dir=seed_settings.corpus_dir, index_dir=seed_settings.index_dir,
                                               data_dir=seed_settings.data_dir, **settings), engine))


def test_over_the_rate_limit_a_key_gets_429_with_retry_after(seed_settings: Settings, engine: Engine) -> None:
    with limited_app(seed_settings, engine, api_keys=KEYS, rate_limit="3/minute") as c:
        for _ in range(3):
            assert c.post("/ask", json={"question": "Who created Flask?"}, headers=bearer(ALICE)).status_code == 200
        r = c.post("/ask", json={"question": "Who created Flask?"}, headers=bearer(ALICE))
        assert r.status_code == 429, r.text
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert "rate limit" in r.json()["detail"] and f"{r.headers['retry-after']} s" in r.json()["detail"]
        # The limit is per key: Bob still asks; a refused key is refused before it is counted.
        assert c.post("/ask", json={"question": "Who created Flask?"}, headers=bearer(BOB)).status_code == 200
        assert c.post("/ask", json={"question": "Who created Flask?"}).status_code == 401


def test_without_keys_the_rate_limit_counts_per_client_address(seed_settings: Settings, engine: Engine) -> None:
    with limited_app(seed_settings, engine, rate_limit="2/minute;100/day") as c:
        statuses = [c.post("/ask", json={"question": "Who created Flask?"}).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]


def test_an_unusable_rate_limit_storage_stops_the_app_at_start(seed_settings: Settings, engine: Engine) -> None:
    with pytest.raises(SettingsError, match="QA_RATE_LIMIT_STORAGE: unknown storage scheme"):
        create_app(make_settings(rate_limit="3/minute", rate_limit_storage="nowhere://x"), engine)


# -- GET /index ----------------------------------------------------------------------------------------


def absolute_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if re.search(r"(^|\s)/\w", value) else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in absolute_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in absolute_strings(v)]
    return []


def test_index_shows_paths_and_pid_only_with_the_admin_token(tmp_path: Path, seed_index: Path, embedder: Any) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\n---\ntext\n", encoding="utf-8")  # a warning naming its file
    index = tmp_path / "index"
    shutil.copytree(seed_index, index, ignore=shutil.ignore_patterns("LOCK"))
    settings = make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "var", admin_token="admin-token-1")
    with TestClient(create_app(settings, Engine(settings, embedder))) as c:
        assert c.post("/index/rebuild", headers=bearer("admin-token-1")).status_code == 200  # records the warning
        admin = c.get("/index", headers=bearer("admin-token-1")).json()
        assert admin["pid"] == os.getpid()
        assert any(str(corpus / "broken.md") in w for w in admin["manifest"]["warnings"]), admin["manifest"]["warnings"]
        assert admin["manifest"]["corpus_dir"] == str(corpus)
        for headers in ({}, bearer("wrong"), bearer(ALICE)):
            public = c.get("/index", headers=headers).json()
            assert public["pid"] is None
            assert absolute_strings(public) == []
            assert str(tmp_path) not in json.dumps(public) and str(CORPUS.parent) not in json.dumps(public)
            assert public["manifest"]["version"] == admin["manifest"]["version"]
            assert public["manifest"]["corpus_dir"] == "…/corpus"
            assert any("…/broken.md: front matter is not valid YAML" in w for w in public["manifest"]["warnings"])
            assert public["manifest"]["documents"] == admin["manifest"]["documents"]


def test_without_an_admin_token_index_is_always_redacted(open_client: TestClient) -> None:
    data = open_client.get("/index", headers=bearer("anything")).json()
    assert data["pid"] is None and absolute_strings(data) == []


# -- a real server -------------------------------------------------------------------------------------


def test_qa_serve_takes_keys_and_limits_from_the_environment(seed_index: Path, tmp_path: Path) -> None:
    """Through uvicorn in a worker process: the settings reach it, and 401 / 200 / 429 come over the wire."""
    index = tmp_path / "index"
    shutil.copytree(seed_index, index, ignore=shutil.ignore_patterns("LOCK"))
    env = child_env(QA_INDEX_DIR=str(index), QA_CORPUS_DIR=str(CORPUS), QA_DATA_DIR=str(tmp_path / "var"),
                    QA_API_KEYS=KEYS, QA_RATE_LIMIT="2/minute")
    port, err = free_port(), tmp_path / "stderr.log"
    with err.open("wb") as fe:
        proc = subprocess.Popen([str(QA), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                                cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=fe)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, proc, err)
        with httpx.Client(base_url=base, timeout=30) as client:
            body = {"question": "Who created Flask?"}
            assert client.post("/ask", json=body).status_code == 401
            statuses = [client.post("/ask", json=body, headers=bearer(BOB)).status_code for _ in range(3)]
            assert statuses == [200, 200, 429]
            r = client.post("/ask", json=body, headers=bearer(BOB))
            assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
            assert client.post("/ask", json=body, headers=bearer(ALICE)).status_code == 200
    finally:
        assert stop(proc) == 0
