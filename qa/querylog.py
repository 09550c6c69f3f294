"""The query log: each question answered for a person (from the CLI, HTTP or Slack), as resolved, whether the
bot abstained, its confidence and latency, the index version, the adapter and the API key. Kept
``QA_QUERY_LOG_DAYS`` days in the deployment's database; ``qa gaps`` reads it."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from qa.answer import Answer
from qa.storage import Database

log = logging.getLogger(__name__)
_PRUNE_EVERY = 1000  # rows written by this process between two prunes (and one when it starts)


@dataclass(frozen=True, slots=True)
class Origin:
    """Who asked: the adapter (``cli``, ``http``, ``slack``), the API key's id and the Slack user, when known."""

    adapter: str
    key_id: str | None = None
    user_id: str | None = None


class QueryLog:
    def __init__(self, db: Database, keep_days: int, user_ids: bool = False) -> None:
        self.db = db
        self.keep_days = keep_days
        self.user_ids = user_ids  # QA_QUERY_LOG_SLACK_USERS: without it no user id is written
        self._written = 0
        self._lock = threading.Lock()
        if keep_days:
            self.prune()

    @property
    def enabled(self) -> bool:
        return self.keep_days > 0

    def record(self, answer: Answer, origin: Origin, latency_ms: float) -> None:
        if not self.enabled:
            return
        self.db.execute(
            "INSERT INTO queries (created, adapter, key_id, user_id, question, abstained, confidence, latency_ms, "
            "index_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (time.time(), origin.adapter, origin.key_id, origin.user_id if self.user_ids else None,
             answer.resolved_question, int(answer.abstained), float(answer.confidence), round(latency_ms, 2),
             answer.index_version),
        )
        with self._lock:
            self._written += 1
            due = self._written % _PRUNE_EVERY == 0
        if due:
            self.prune()

    def prune(self) -> int:
        """Delete the rows older than the retention; how many went."""
        return self.db.execute("DELETE FROM queries WHERE created < ?", (time.time() - self.keep_days * 86400,))
