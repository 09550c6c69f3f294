"""The Slack bot's SQLite store (``<data_dir>/slack.sqlite3``): deliveries already handled, every answer given,
and the 👍/👎 feedback on them. Safe across threads and processes (WAL; one connection per thread).

Imports neither slack_bolt nor the engine, so ``qa feedback`` can read it cheaply.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from qa.answer import Answer
from qa.sqlite import ThreadLocalSQLite

KEEP_HANDLED_SECONDS = 2 * 24 * 3600  # Slack retries for minutes; two days is plenty
_PRUNE_EVERY = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS handled (
    key TEXT PRIMARY KEY,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    source TEXT NOT NULL,
    channel TEXT,
    thread_ts TEXT,
    user_id TEXT,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    confidence REAL NOT NULL,
    answer_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_created ON answers (created);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote INTEGER NOT NULL,
    created REAL NOT NULL,
    question TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    citations_json TEXT NOT NULL,
    channel TEXT,
    message_ts TEXT,
    PRIMARY KEY (answer_id, user_id)
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created);
"""


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    id: str
    created: float
    source: str
    channel: str | None
    thread_ts: str | None
    user_id: str | None
    answer: Answer


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    answer_id: str
    user_id: str
    vote: int
    created: float
    question: str
    channel: str | None
    citations: int


@dataclass(frozen=True, slots=True)
class Gap:
    """A question the corpus did not serve: abstained on, or voted down."""

    question: str
    abstained: int
    down_votes: int
    last: float


class SlackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = ThreadLocalSQLite(path)
        self._claims = 0
        self._conn().executescript(_SCHEMA)
        self.prune()

    @classmethod
    def in_dir(cls, data_dir: Path) -> SlackStore:
        return cls(Path(data_dir) / "slack.sqlite3")

    def _conn(self) -> sqlite3.Connection:
        return self._db.conn()

    # -- at most once ----------------------------------------------------------------------------------------
    def claim(self, key: str) -> bool:
        """True the first time ``key`` is claimed by any thread or process using this file, False after."""
        cur = self._conn().execute("INSERT OR IGNORE INTO handled (key, created) VALUES (?, ?)", (key, time.time()))
        self._claims += 1
        if self._claims % _PRUNE_EVERY == 0:
            self.prune()
        return cur.rowcount == 1

    def prune(self, older_than: float = KEEP_HANDLED_SECONDS) -> None:
        self._conn().execute("DELETE FROM handled WHERE created < ?", (time.time() - older_than,))

    # -- answers ---------------------------------------------------------------------------------------------
    def record_answer(self, answer: Answer, *, source: str, channel: str | None = None,
                      thread_ts: str | None = None, user_id: str | None = None) -> str:
        answer_id = f"a-{uuid.uuid4().hex[:16]}"
        self._conn().execute(
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (answer_id, time.time(), source, channel, thread_ts, user_id, answer.question, answer.resolved_question,
             int(answer.abstained), answer.confidence, json.dumps(answer.to_dict(), ensure_ascii=False)),
        )
        return answer_id

    def get_answer(self, answer_id: str) -> StoredAnswer | None:
        row = self._conn().execute(
            "SELECT id, created, source, channel, thread_ts, user_id, answer_json FROM answers WHERE id = ?",
            (answer_id,),
        ).fetchone()
        if row is None:
            return None
        return StoredAnswer(*row[:6], answer=Answer.from_dict(json.loads(row[6])))

    # -- feedback --------------------------------------------------------------------------------------------
    def record_feedback(self, answer_id: str, user_id: str, vote: int, *, channel: str | None = None,
                        message_ts: str | None = None) -> tuple[int, int]:
        """Store (or change) ``user_id``'s vote (+1 or -1) on an answer; returns the answer's (ups, downs)."""
        stored = self.get_answer(answer_id)
        if stored is None:
            raise KeyError(answer_id)
        data = stored.answer.to_dict()
        db = self._conn()
        db.execute(
            "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id, user_id) DO UPDATE "
            "SET vote = excluded.vote, created = excluded.created, channel = excluded.channel, "
            "message_ts = excluded.message_ts",
            (answer_id, user_id, 1 if vote > 0 else -1, time.time(), stored.answer.question,
             json.dumps(data, ensure_ascii=False), json.dumps(data["citations"], ensure_ascii=False),
             channel, message_ts),
        )
        ups, downs = db.execute(
            "SELECT COALESCE(SUM(vote > 0), 0), COALESCE(SUM(vote < 0), 0) FROM feedback WHERE answer_id = ?",
            (answer_id,),
        ).fetchone()
        return int(ups), int(downs)

    def recent_feedback(self, limit: int = 20) -> list[FeedbackRow]:
        rows = self._conn().execute(
            "SELECT answer_id, user_id, vote, created, question, channel, json_array_length(citations_json) "
            "FROM feedback ORDER BY created DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [FeedbackRow(*row) for row in rows]

    def gaps(self, limit: int = 20) -> list[Gap]:
        """Questions abstained on or voted down, most frequent first: what the corpus is missing."""
        rows = self._conn().execute(
            """
            SELECT question, SUM(abstained), SUM(down), MAX(created) FROM (
                SELECT lower(trim(resolved_question)) AS k, resolved_question AS question, 1 AS abstained,
                       0 AS down, created FROM answers WHERE abstained = 1
                UNION ALL
                SELECT lower(trim(a.resolved_question)), a.resolved_question, 0, 1, f.created
                FROM feedback f JOIN answers a ON a.id = f.answer_id WHERE f.vote < 0
            ) GROUP BY k ORDER BY SUM(abstained) + SUM(down) DESC, MAX(created) DESC LIMIT ?
            """,
            (limit,),
        ).fetchall()
        return [Gap(q, int(a), int(d), float(t)) for q, a, d, t in rows]

