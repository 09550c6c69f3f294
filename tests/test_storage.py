"""qa/storage on both backends (a SQLite file, a real PostgreSQL): the versioned schema, the query log and its
retention, ``qa gaps``' grouping with the real model, one build at a time; the SQLite files of before."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from integrations.cli import main as qa_main
from integrations.http.app import create_app
from integrations.slack.store import SlackStore
from qa.answer import Answer
from qa.conversation import ConversationStore, Turn
from qa.embedding import Embedder
from qa.engine import Engine
from qa.errors import BuildLockedError, SettingsError
from qa.gaps import find_gaps, parse_since
from qa.querylog import Origin, QueryLog
from qa.settings import Settings
from qa.storage import DatabaseError
from qa.storage.schema import MIGRATIONS
from tests.conftest import Target, make_settings
from tests.servers import QA, child_env, free_port


def answer(question: str, *, abstained: bool = False) -> Answer:
    return Answer(question, question, "text", abstained, 0.1 if abstained else 0.9, (), (), (), None, None,
                  {"total": 1.0}, (), "v-1")


def test_a_new_sqlite_file_opened_by_many_at_once_opens_for_all(tmp_path: Path) -> None:
    """Switching a new file to WAL does not wait for the busy timeout: threads opening it at once retry."""
    from qa.storage.sqlite import SQLiteDatabase

    errors: list[Exception] = []

    def open_db(path: Path) -> None:
        try:
            SQLiteDatabase(path).close()
        except DatabaseError as exc:
            errors.append(exc)

    for trial in range(40):
        path = tmp_path / f"t{trial}" / "qa.sqlite3"
        threads = [threading.Thread(target=open_db, args=(path,)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []


def test_the_schema_is_created_once_and_a_newer_one_refused(target: Target) -> None:
    dbs: list = []
    threads = [threading.Thread(target=lambda: dbs.append(target.open())) for _ in range(4)]  # all at once
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(dbs) == 4
    db = dbs[0]
    assert db.schema_version() == len(MIGRATIONS)
    assert [r[0] for r in db.fetchall("SELECT version FROM schema_version ORDER BY version")] == \
        list(range(1, len(MIGRATIONS) + 1))
    db.execute("INSERT INTO schema_version VALUES (?, ?)", (len(MIGRATIONS) + 1, time.time()))
    with pytest.raises(DatabaseError, match=f"schema version {len(MIGRATIONS) + 1}, newer than"):
        target.open()


def test_the_sqlite_files_of_before_are_adopted(tmp_path: Path) -> None:
    """A data folder written before schema versions: turns in qa.sqlite3, the bot's tables in slack.sqlite3."""
    with sqlite3.connect(tmp_path / "qa.sqlite3") as old:
        old.execute("CREATE TABLE turns (conversation_id TEXT NOT NULL, created REAL NOT NULL, question TEXT NOT NULL, "
                    "resolved TEXT NOT NULL, subjects TEXT NOT NULL, qtype TEXT NOT NULL, answer TEXT)")
        old.execute("INSERT INTO turns VALUES ('c-1', 1.0, 'Who created Flask?', 'Who created Flask?', "
                    "'[\"Flask\"]', 'fact', 'Armin')")
    with sqlite3.connect(tmp_path / "slack.sqlite3") as old:
        old.execute("CREATE TABLE handled (key TEXT PRIMARY KEY, created REAL NOT NULL)")
        old.execute("INSERT INTO handled VALUES ('event:Old1', ?)", (time.time(),))
    target = Target("sqlite", tmp_path)
    db = target.open()
    assert ConversationStore(db).history("c-1") == [Turn("Who created Flask?", "Who created Flask?", ("Flask",), "fact")]
    assert SlackStore(db).claim("event:Old1") is False  # handled before the upgrade: still handled
    assert SlackStore(target.open()).claim("event:New1") is True
    for d in target.opened:
        d.close()


def test_query_log_keeps_what_was_asked_for_its_retention(target: Target) -> None:
    db = target.open()
    log = QueryLog(db, keep_days=30)
    log.record(answer("Does Django have an ORM?", abstained=True), Origin("http", key_id="k1"), 12.5)
    log.record(answer("Who created Flask?"), Origin("slack", user_id="U1"), 30.0)
    assert log.flush()  # written by the log's own thread
    rows = db.fetchall("SELECT adapter, key_id, user_id, question, abstained, confidence, latency_ms, index_version "
                       "FROM queries ORDER BY created")
    assert rows == [("http", "k1", None, "Does Django have an ORM?", 1, 0.1, 12.5, "v-1"),
                    ("slack", None, None, "Who created Flask?", 0, 0.9, 30.0, "v-1")]  # no user id unless opted in
    opted_in = QueryLog(db, keep_days=30, user_ids=True)
    opted_in.record(answer("And Rails?"), Origin("slack", user_id="U2"), 1.0)
    assert opted_in.flush()
    assert db.fetchone("SELECT user_id FROM queries WHERE question = 'And Rails?'") == ("U2",)
    db.execute("UPDATE queries SET created = ? WHERE adapter = 'http'", (time.time() - 31 * 86400,))
    assert log.prune() == 1  # older than the retention (also pruned whenever a process starts logging)
    assert [r[0] for r in db.fetchall("SELECT question FROM queries ORDER BY created")] == \
        ["Who created Flask?", "And Rails?"]
    off = QueryLog(db, keep_days=0)
    off.record(answer("Not logged?"), Origin("cli"), 1.0)
    assert off.flush()
    assert db.fetchone("SELECT COUNT(*) FROM queries")[0] == 2


def test_gaps_group_abstentions_and_down_votes_by_meaning(target: Target, embedder: Embedder) -> None:
    db = target.open()
    log = QueryLog(db, keep_days=30)
    for q in ["Does Django have an ORM?"] * 3 + ["Is there an ORM in Django?", "does django ship an ORM",
                                                   "How do I deploy Rails on Heroku?", "Does Rails have an ORM?"]:
        log.record(answer(q, abstained=True), Origin("http"), 1.0)
    log.record(answer("Who created Flask?"), Origin("http"), 1.0)  # answered: no gap
    assert log.flush()
    store = SlackStore(db)
    voted = store.record_answer(answer("How do you deploy a Rails app to Heroku?"), source="mention")
    store.record_feedback(voted, "U1", -1)
    store.record_feedback(store.record_answer(answer("Who created FastAPI?"), source="dm"), "U1", 1)
    db.execute("UPDATE queries SET created = ? WHERE question = 'does django ship an ORM'", (time.time() - 8 * 86400,))

    gaps = find_gaps(db, embedder, parse_since("7d"))
    assert [(g.question, g.count, g.abstained, g.down_votes) for g in gaps] == [
        ("Does Django have an ORM?", 4, 4, 0),
        ("How do you deploy a Rails app to Heroku?", 2, 1, 1),  # of two wordings asked once, the latest leads
        ("Does Rails have an ORM?", 1, 1, 0),
    ]
    assert gaps[0].similar == ("Is there an ORM in Django?",)
    assert gaps[1].similar == ("How do I deploy Rails on Heroku?",)
    assert [g.question for g in find_gaps(db, embedder, parse_since("30d"))][0] == "Does Django have an ORM?"
    assert find_gaps(db, embedder, parse_since("30d"))[0].count == 5


@pytest.mark.parametrize("text", ["", "7", "d", "-1d", "0d", "7 days", "7y"])
def test_since_must_be_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="like 7d"):
        parse_since(text)
    assert parse_since("36h") == 36 * 3600 and parse_since("2w") == 14 * 86400


def test_one_build_at_a_time(target: Target, tmp_path: Path) -> None:
    a, b = target.open(), target.open()
    index_a, index_b = tmp_path / "a", tmp_path / "b"  # on PostgreSQL even another index folder waits
    with a.build_lock(index_a, 0):
        t0 = time.monotonic()
        with pytest.raises(BuildLockedError, match="another build.*(waited 0.3 s)"):
            with b.build_lock(index_a if target.kind == "sqlite" else index_b, 0.3):
                pass
        assert time.monotonic() - t0 >= 0.3
    with b.build_lock(index_a, 0):
        pass


def test_qa_gaps_and_the_admin_endpoint(engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings: Settings = make_settings(corpus_dir=engine.settings.corpus_dir, index_dir=engine.settings.index_dir,
                                       data_dir=tmp_path / "var", admin_token="s3cret")
    asked = Engine(settings, engine.embedder)
    with TestClient(create_app(settings, asked)) as client:
        for q in ("What is the capital of Australia?", "Which city is the capital of Australia?", "Who created Flask?",
                  "thanks!"):  # no question: no gap, nor a row of the log
            assert client.post("/ask", json={"question": q}).status_code == 200
        assert client.get("/gaps").status_code == 401
        assert client.get("/gaps", headers={"Authorization": "Bearer wrong"}).status_code == 401
        bad = client.get("/gaps?since=soon", headers={"Authorization": "Bearer s3cret"})
        assert bad.status_code == 422 and "like 7d" in bad.json()["detail"]
        resp = client.get("/gaps?since=1h", headers={"Authorization": "Bearer s3cret"})
    asked.stop_reloader()
    assert resp.status_code == 200
    [gap] = resp.json()["gaps"]
    assert gap["count"] == 2 and gap["abstained"] == 2 and "Australia" in gap["question"]
    rows = asked.database.fetchall("SELECT adapter, key_id, abstained FROM queries ORDER BY created")
    assert rows == [("http", None, 1), ("http", None, 1), ("http", None, 0)]

    dirs = ["--data-dir", str(settings.data_dir), "--index-dir", str(settings.index_dir)]
    assert qa_main([*dirs, "gaps", "--since", "1h"]) == 0
    out = capsys.readouterr().out
    assert f"     2  {gap['question']!r}  (abstained 2x;" in out and "also: " in out
    with pytest.raises(SystemExit):
        qa_main([*dirs, "gaps", "--since", "later"])
    assert "since must be a positive duration" in capsys.readouterr().err


def test_a_database_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    from qa.settings import load_settings
    from qa.storage.postgres import PostgresDatabase

    with pytest.raises(SettingsError, match="QA_DATABASE_URL: .*must be a postgresql:// URL"):
        load_settings(_env_file=None, database_url="mysql://qa@db/qa")
    url = f"postgresql://qa:hunter2@127.0.0.1:{free_port()}/qa"  # nothing listens there
    with pytest.raises(DatabaseError) as exc:
        PostgresDatabase(url)
    message = str(exc.value)
    assert message.startswith("cannot connect to PostgreSQL at postgresql://127.0.0.1:") and "refused" in message
    assert "\n" not in message and "hunter2" not in message
    out = subprocess.run([str(QA), "serve", "--port", str(free_port()), "--workers", "2"], capture_output=True,
                         text=True, timeout=120, env=child_env(QA_DATABASE_URL=url, QA_DATA_DIR=str(tmp_path)))
    assert out.returncode == 1 and out.stderr.strip().splitlines() == [f"error: {message}"]
