"""The Slack bot's tables in the deployment's database (:mod:`qa.storage`: SQLite under ``QA_DATA_DIR`` or
PostgreSQL): deliveries already handled, every answer given, and the 👍/👎 feedback on them. Safe across threads,
processes and replicas sharing the database.

Imports neither slack_bolt nor the engine, so ``qa feedback`` can read it cheaply.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.answer import Answer
from qa.storage import Database, open_database

if TYPE_CHECKING:
    from qa.settings import Settings

KEEP_HANDLED_SECONDS = 2 * 24 * 3600  # Slack retries for minutes; two days is plenty
_PRUNE_EVERY = 500


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


class SlackStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._claims = 0
        self.prune()

    @classmethod
    def for_settings(cls, settings: Settings) -> SlackStore:
        return cls(open_database(settings))

    # -- at most once ----------------------------------------------------------------------------------------
    def claim(self, key: str) -> bool:
        """True the first time ``key`` is claimed by any thread, process or replica using this database, False
        after: an insert-if-absent, so of two deliveries at the same moment exactly one wins."""
        won = self.db.execute("INSERT INTO handled (key, created) VALUES (?, ?) ON CONFLICT DO NOTHING",
                              (key, time.time()))
        self._claims += 1
        if self._claims % _PRUNE_EVERY == 0:
            self.prune()
        return won == 1

    def prune(self, older_than: float = KEEP_HANDLED_SECONDS) -> None:
        self.db.execute("DELETE FROM handled WHERE created < ?", (time.time() - older_than,))

    # -- answers ---------------------------------------------------------------------------------------------
    def record_answer(self, answer: Answer, *, source: str, channel: str | None = None,
                      thread_ts: str | None = None, user_id: str | None = None) -> str:
        answer_id = f"a-{uuid.uuid4().hex[:16]}"
        self.db.execute(
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (answer_id, time.time(), source, channel, thread_ts, user_id, answer.question, answer.resolved_question,
             int(answer.abstained), answer.confidence, json.dumps(answer.to_dict(), ensure_ascii=False)),
        )
        return answer_id

    def get_answer(self, answer_id: str) -> StoredAnswer | None:
        row = self.db.fetchone(
            "SELECT id, created, source, channel, thread_ts, user_id, answer_json FROM answers WHERE id = ?",
            (answer_id,),
        )
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
        db = self.db
        db.execute(
            "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id, user_id) DO UPDATE "
            "SET vote = excluded.vote, created = excluded.created, channel = excluded.channel, "
            "message_ts = excluded.message_ts",
            (answer_id, user_id, 1 if vote > 0 else -1, time.time(), stored.answer.question,
             json.dumps(data, ensure_ascii=False), json.dumps(data["citations"], ensure_ascii=False),
             channel, message_ts),
        )
        row = db.fetchone(
            "SELECT COALESCE(SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END), 0) FROM feedback WHERE answer_id = ?",
            (answer_id,),
        )
        assert row is not None  # an aggregate always has its row
        return int(row[0]), int(row[1])

    def recent_feedback(self, limit: int = 20) -> list[FeedbackRow]:
        rows = self.db.fetchall(
            "SELECT answer_id, user_id, vote, created, question, channel, citations_json "
            "FROM feedback ORDER BY created DESC LIMIT ?",
            (limit,),
        )
        return [FeedbackRow(*row[:6], citations=len(json.loads(row[6]))) for row in rows]
