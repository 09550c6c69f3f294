"""The HTTP API through the real stack (TestClient, so the lifespan runs) and the real engine and model."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import json
import logging
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from integrations.http import create_app
from integrations.http.app import STATIC_DIR, SlackAdapterMissingError
from integrations.http.models import (
    AnswerOut,
    CitationOut,
    ComparisonOut,
    ComparisonRowOut,
    ConflictClaimOut,
    ConflictOut,
    SectionOut,
)
from qa.answer import Answer, Citation, Comparison, ComparisonRow, Conflict, ConflictClaim, Section
from qa.build import BuildReport
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.settings import Settings
from tests.conftest import CORPUS, make_settings

NOT_BUILT = "index not built: run `qa index build`"


@pytest.fixture(scope="module")
def client(seed_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(seed_settings, engine), raise_server_exceptions=False) as c:
        yield c


def ask(client: TestClient, question: str, conversation_id: str | None = None) -> dict:
    body: dict[str, str] = {"question": question}
    if conversation_id:
        body["conversation_id"] = conversation_id
    r = client.post("/ask", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def copy_index(seed_index: Path, dest: Path) -> Path:
    shutil.copytree(seed_index, dest, ignore=shutil.ignore_patterns("LOCK"))
    return dest


# -- the answer contract -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "dataclass_"),
    [
        (AnswerOut, Answer),
        (CitationOut, Citation),
        (ConflictOut, Conflict),
        (ConflictClaimOut, ConflictClaim),
        (ComparisonOut, Comparison),
        (ComparisonRowOut, ComparisonRow),
        (SectionOut, Section),
    ],
)
def test_response_models_mirror_the_library_values(model: type, dataclass_: type) -> None:
    assert list(model.model_fields) == [f.name for f in dataclasses.fields(dataclass_)]


def test_ask_returns_the_answer_json_with_verbatim_citations(client: TestClient, engine: Engine) -> None:
    data = ask(client, "Who created Flask?")
    AnswerOut.model_validate(data)  # extra="forbid": no field missing, none unknown
    assert set(data) == set(engine.ask("Who created Flask?").to_dict())
    assert not data["abstained"]
    assert "Armin Ronacher" in data["answer"]
    assert data["citations"], data
    docs = engine.snapshot().version.docs
    for c in data["citations"]:
        assert docs[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in data["answer"] or any(
            cl["citation"] == c["n"] for conflict in data["conflicts"] for cl in conflict["claims"]
        ) or any(c["n"] in cell for row in (data["comparison"] or {}).get("rows", []) for cell in row["cells"].values())
    assert data["index_version"] == engine.loaded_version
    assert data["timings_ms"]["total"] > 0
    assert data["sections"] and "\n".join(s["text"] for s in data["sections"]) == data["answer"]


def test_comparison_question_gets_a_table_citing_existing_citations(client: TestClient) -> None:
    data = ask(client, "Compare Flask and FastAPI on async support and performance")
    comp = data["comparison"]
    assert comp is not None
    assert {"Flask", "FastAPI"} <= set(comp["subjects"])
    numbers = {c["n"] for c in data["citations"]}
    cited = [n for row in comp["rows"] for cell in row["cells"].values() for n in cell]
    assert cited and set(cited) <= numbers


def test_disagreeing_sources_are_reported_as_conflicts(client: TestClient) -> None:
    data = ask(client, "How many GitHub stars does FastAPI have?")
    assert data["conflicts"], data["answer"]
    numbers = {c["n"] for c in data["citations"]}
    for conflict in data["conflicts"]:
        assert len(conflict["claims"]) >= 2
        assert {cl["citation"] for cl in conflict["claims"]} <= numbers


def test_out_of_scope_question_abstains_with_suggestions(client: TestClient) -> None:
    data = ask(client, "What is the capital of France?")
    assert data["abstained"] is True
    assert data["suggestions"]
    assert data["comparison"] is None


def test_follow_up_resolves_against_the_conversation(client: TestClient) -> None:
    conv = f"t-{uuid.uuid4().hex[:8]}"
    first = ask(client, "Does FastAPI support WebSockets?", conv)
    assert first["conversation_id"] == conv
    follow = ask(client, "And Flask?", conv)
    assert follow["conversation_id"] == conv
    assert "Flask" in follow["resolved_question"] and "WebSocket" in follow["resolved_question"]
    # Without the conversation the same words are not resolved.
    assert ask(client, "And Flask?")["resolved_question"] == "And Flask?"


def test_longest_allowed_question_is_answered(client: TestClient) -> None:
    question = ("Is FastAPI faster than Flask? " * 80)[:2000]
    assert len(question) == 2000
    assert ask(client, question)["question"] == question


# -- bad input: 4xx with a readable message, never a 500 ---------------------------------------------

JSON = {"content-type": "application/json"}
BAD_BODIES = {
    "empty question": (b'{"question": ""}', JSON, "question"),
    "whitespace question": (b'{"question": " \\t\\n  "}', JSON, "empty"),
    "too long": (json.dumps({"question": "a" * 2001}).encode(), JSON, "2000"),
    "malformed json": (b'{"question": "Flask vs', JSON, "not valid JSON"),
    "invalid utf-8": (b'{"question": "\xff\xfe"}', JSON, "UTF-8"),
    "deeply nested": (b"[" * 20000 + b"]" * 20000, JSON, "nested"),
    "number question": (b'{"question": 42}', JSON, "question"),
    "null question": (b'{"question": null}', JSON, "question"),
    "list question": (b'{"question": ["Flask"]}', JSON, "question"),
    "missing question": (b'{"conversation_id": "c-1"}', JSON, "question"),
    "unknown field": (b'{"question": "Flask?", "questoin": "x"}', JSON, "questoin"),
    "array body": (b'["Flask vs FastAPI"]', JSON, "JSON object"),
    "string body": (b'"Flask vs FastAPI"', JSON, "JSON object"),
    "empty body": (b"", JSON, "JSON object"),
    "NaN": (b'{"question": NaN}', JSON, "question"),
    "conversation id type": (b'{"question": "Flask?", "conversation_id": 7}', JSON, "conversation_id"),
    "empty conversation id": (b'{"question": "Flask?", "conversation_id": ""}', JSON, "conversation_id"),
    "lone surrogate": (b'{"question": "Flask \\ud800"}', JSON, "question"),
    "form encoded": (b"question=Flask", {"content-type": "application/x-www-form-urlencoded"},
                     "Content-Type: application/json"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_bad_input_gets_422_with_a_readable_message(client: TestClient, name: str) -> None:
    body, headers, mentions = BAD_BODIES[name]
    r = client.post("/ask", content=body, headers=headers)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and mentions in detail
    assert "Traceback" not in r.text


def test_oversized_body_is_refused_with_413(client: TestClient) -> None:
    body = json.dumps({"question": "Flask " * 12000}).encode()
    assert len(body) > 64 * 1024
    r = client.post("/ask", content=body, headers=JSON)
    assert r.status_code == 413
    assert "64 KiB" in r.json()["detail"]


def test_oversized_streamed_body_without_length_is_refused_with_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(100):
            yield b"Flask " * 200  # 1,200 bytes each
        yield b'"}'

    r = client.post("/ask", content=chunks(), headers=JSON)
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413, r.text


def test_body_just_under_the_limit_is_read(client: TestClient) -> None:
    body = json.dumps({"question": "Flask vs FastAPI", "conversation_id": "x" * 60000}).encode()
    assert len(body) < 64 * 1024
    r = client.post("/ask", content=body, headers=JSON)
    assert r.status_code == 422  # read and validated (conversation_id too long), not refused as too large
    assert "conversation_id" in r.json()["detail"]


# -- operations ---------------------------------------------------------------------------------------


def test_health_and_readiness(client: TestClient, engine: Engine) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["ready"] is True
    assert r.json()["index_version"] == engine.loaded_version


def test_index_reports_the_manifest(client: TestClient, engine: Engine) -> None:
    r = client.get("/index")
    assert r.status_code == 200
    data = r.json()
    assert data["manifest"]["version"] == engine.loaded_version
    assert data["manifest"]["counts"]["documents"] == len(list(CORPUS.glob("*.md")))
    assert data["stale"] is False
    assert data["loaded_version"] == engine.loaded_version


def test_without_an_index_readyz_and_ask_are_503_until_one_is_built(
    tmp_path: Path, seed_index: Path, embedder: OnnxEmbedder
) -> None:
    settings = make_settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", data_dir=tmp_path / "var")
    (tmp_path / "index").mkdir()
    with TestClient(create_app(settings, Engine(settings, embedder)), raise_server_exceptions=False) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json() == {"ready": False, "index_version": None, "detail": NOT_BUILT}
        r = c.post("/ask", json={"question": "Who created Flask?"})
        assert r.status_code == 503
        assert r.json()["detail"] == NOT_BUILT
        assert c.get("/index").status_code == 503
        # An index built after startup is picked up without a restart.
        shutil.rmtree(tmp_path / "index")
        copy_index(seed_index, tmp_path / "index")
        assert c.get("/readyz").status_code == 200
        assert c.post("/ask", json={"question": "Who created Flask?"}).status_code == 200


def test_a_corrupt_index_is_503_with_the_remedy(tmp_path: Path, seed_index: Path, embedder: OnnxEmbedder) -> None:
    index = copy_index(seed_index, tmp_path / "index")
    (faiss_file,) = index.glob("versions/*/chunks.faiss")
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    settings = make_settings(corpus_dir=CORPUS, index_dir=index, data_dir=tmp_path / "var")
    with TestClient(create_app(settings, Engine(settings, embedder)), raise_server_exceptions=False) as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert "corrupt" in r.json()["detail"] and "qa index build" in r.json()["detail"]
        r = c.post("/ask", json={"question": "Who created Flask?"})
        assert r.status_code == 503
        assert "corrupt" in r.json()["detail"] and "qa index build" in r.json()["detail"]


def test_blocking_endpoints_are_plain_functions_run_in_the_threadpool(seed_settings: Settings, engine: Engine) -> None:
    app = create_app(make_settings(**{**seed_settings.model_dump(), "admin_token": "t"}), engine)
    routes = {r.path: r for r in app.routes if isinstance(r, APIRoute)}
    for path in ("/readyz", "/index", "/index/rebuild", "/healthz"):
        assert not asyncio.iscoroutinefunction(routes[path].endpoint), path


def test_questions_wait_their_turn_without_starving_other_endpoints(seed_settings: Settings, engine: Engine) -> None:
    """/ask answers QA_ASK_CONCURRENCY questions at a time on threads of its own; the others wait in their
    queue, holding none of the shared thread pool (threads sharing the interpreter lock only slow each other
    down). 60 questions at once: /healthz is answered meanwhile, the shared pool never has more than /healthz's
    one thread taken, and every question is answered."""
    import anyio.to_thread
    import httpx

    app = create_app(make_settings(**{**seed_settings.model_dump(), "ask_concurrency": 1}), engine)
    order: list[str] = []
    busy: list[int] = []  # threads of the shared pool taken, sampled while the questions are answered
    asking: list[int] = []  # this app's /ask threads alive, sampled alike
    others = set(threading.enumerate())  # the module's client app has /ask threads of its own

    async def ask(i: int) -> None:
        r = await client.post("/ask", json={"question": f"Does Flask support async? ({i})"})
        order.append("ask" if r.status_code == 200 else f"error {r.status_code}")

    async def health() -> None:
        for _ in range(5000):  # bounded: until a question is being answered, so /healthz comes in the middle
            if any(asking):
                break
            await asyncio.sleep(0.001)
        assert any(asking), "no question was being answered"
        assert (await client.get("/healthz")).status_code == 200
        order.append("healthz")

    async def watch() -> None:
        pool = anyio.to_thread.current_default_thread_limiter()
        while True:
            busy.append(pool.borrowed_tokens)
            asking.append(sum(t.name.startswith("qa-ask") for t in set(threading.enumerate()) - others))
            await asyncio.sleep(0.001)

    async def scenario() -> None:
        watcher = asyncio.create_task(watch())
        async with app.router.lifespan_context(app), client:  # the lifespan owns /ask's threads
            await asyncio.gather(*(ask(i) for i in range(60)), health())
        watcher.cancel()

    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    asyncio.run(scenario())
    assert sorted(order) == ["ask"] * 60 + ["healthz"]
    assert order.index("healthz") < 30, order
    assert len(busy) > 10 and max(busy) <= 1, busy
    assert max(asking) == 1, asking  # 60 questions, one thread


def test_each_request_logs_one_json_line_with_timings(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="qa.http"):
        ask(client, "Who created Flask?")
        client.get("/nowhere")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "qa.http"]
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [("POST", "/ask", 200), ("GET", "/nowhere", 404)]
    assert lines[0]["ms"] > 0 and lines[0]["bytes"] > 0
    assert lines[0]["qa_ms"]["total"] > 0


# -- rebuild ------------------------------------------------------------------------------------------


def test_rebuild_is_absent_without_an_admin_token(client: TestClient) -> None:
    assert client.post("/index/rebuild", headers={"Authorization": "Bearer anything"}).status_code == 404
    assert "/index/rebuild" not in client.get("/openapi.json").json()["paths"]


@pytest.fixture
def admin_client(tmp_path: Path, seed_index: Path, embedder: OnnxEmbedder) -> Iterator[tuple[TestClient, Path]]:
    """An app over copies of the corpus and the seed index, with an admin token."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(
        corpus_dir=corpus, index_dir=copy_index(seed_index, tmp_path / "index"), data_dir=tmp_path / "var",
        admin_token="s3cret-token",
    )
    with TestClient(create_app(settings, Engine(settings, embedder)), raise_server_exceptions=False) as c:
        yield c, corpus


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer s3cret-token-and-more"},
        {"Authorization": "Basic s3cret-token"},
        {"Authorization": "s3cret-token"},
        {"Authorization": "Bearer s3cr\u00e9t-token"},  # non-ASCII: compared as bytes, no TypeError
    ],
)
def test_rebuild_refuses_a_missing_or_wrong_token(admin_client: tuple[TestClient, Path], headers: dict[str, str]) -> None:
    c, _ = admin_client
    encoded = {k: v.encode("latin-1") for k, v in headers.items()}
    r = c.post("/index/rebuild", headers=encoded)
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer"
    assert "admin token" in r.json()["detail"]


def test_rebuild_with_the_token_reports_changes_and_swaps_the_index(admin_client: tuple[TestClient, Path]) -> None:
    c, corpus = admin_client
    auth = {"Authorization": "Bearer s3cret-token"}
    before = c.get("/readyz").json()["index_version"]
    r = c.post("/index/rebuild", headers=auth)
    assert r.status_code == 200, r.text
    report = BuildReport(**r.json())
    assert report.documents_added == [] and report.chunks_embedded == 0
    assert len(report.documents_unchanged) == 4

    (corpus / "quart-notes.md").write_text(
        "---\ntitle: Quart notes\npublished: 2026-01-05\nsubjects: [Quart]\n---\n"
        "Quart is an async reimplementation of the Flask API. Quart supports WebSockets natively.\n",
        encoding="utf-8",
    )
    assert c.get("/index").json()["stale"] is True
    r = c.post("/index/rebuild", headers=auth)
    assert r.status_code == 200, r.text
    report = BuildReport(**r.json())
    assert report.documents_added == ["quart-notes"]
    assert report.version != before
    assert c.get("/readyz").json()["index_version"] == report.version
    answer = c.post("/ask", json={"question": "Does Quart support WebSockets?"}).json()
    assert answer["index_version"] == report.version
    assert any(cit["doc_id"] == "quart-notes" for cit in answer["citations"])


# -- page, docs, Slack mount --------------------------------------------------------------------------


def test_chat_page_is_served_with_a_strict_content_security_policy(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert 'src="static/app.js"' in r.text
    for asset, kind in (("app.js", "javascript"), ("style.css", "text/css")):
        r = client.get(f"/static/{asset}")
        assert r.status_code == 200 and kind in r.headers["content-type"]


def test_static_files_fetch_nothing_from_elsewhere_and_never_use_inner_html() -> None:
    names = sorted(p.name for p in STATIC_DIR.iterdir())
    assert names == ["app.js", "index.html", "style.css"]
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path.name
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "document.write" not in text


def test_api_docs_are_served_from_local_assets(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert assets and all(a.startswith("/docs-assets/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200
    schema = client.get("/openapi.json").json()
    assert "AnswerOut" in schema["components"]["schemas"]
    assert {"200", "422", "503"} <= set(schema["paths"]["/ask"]["post"]["responses"])


def test_slack_routes_are_mounted_only_when_both_slack_secrets_are_set(seed_settings: Settings, engine: Engine) -> None:
    base = seed_settings.model_dump()
    app = create_app(make_settings(**{**base, "slack_bot_token": "xoxb-test"}), engine)
    assert "/slack/events" not in {getattr(r, "path", None) for r in app.routes}
    if importlib.util.find_spec("integrations.slack") is None:
        slack = make_settings(**{**base, "slack_bot_token": "xoxb-test", "slack_signing_secret": "s"})
        with pytest.raises(SlackAdapterMissingError, match="integrations.slack"):
            create_app(slack, engine)
        return
    from tests.slack_fake import BOT_TOKEN, SIGNING_SECRET, start_fake_slack

    fake, stop = start_fake_slack()  # the adapter checks its token with auth.test at start-up
    try:
        slack = make_settings(
            **{**base, "slack_bot_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET, "slack_api_url": fake.api_url}
        )
        app = create_app(slack, engine)
        assert "/slack/events" in {getattr(r, "path", None) for r in app.routes}
        with TestClient(app) as c:  # unsigned requests are refused by the adapter, through our middleware
            assert c.post("/slack/events", content=b"{}", headers=JSON).status_code == 401
            assert c.post("/slack/events", content=b"x" * (65 * 1024)).status_code == 413
    finally:
        stop()
