"""The query log: each question answered for a person (from the CLI, HTTP or Slack), as resolved, whether the
bot abstained, its confidence and latency, the index version, the adapter and the API key. Kept
``QA_QUERY_LOG_DAYS`` days in the deployment's database; ``qa gaps`` reads it.

Rows are written by a thread of their own, a batch at a time: the thread that answers only queues its row, so a
database round trip (PostgreSQL's, on another machine) never holds up the next question. A row still queued
when the process is killed is lost; at a normal exit the queue is written first."""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

from qa.answer import Answer
from qa.storage import Database

log = logging.getLogger(__name__)
_PRUNE_EVERY = 1000  # rows written by this process between two prunes (and one when it starts)
_BATCH = 500
_INSERT = ("INSERT INTO queries (created, adapter, key_id, user_id, question, abstained, confidence, latency_ms, "
           "index_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


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
        self._queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._pending = 0
        self._written = 0
        self._cond = threading.Condition()
        self._writer: threading.Thread | None = None
        if keep_days:
            self.prune()

    @property
    def enabled(self) -> bool:
        return self.keep_days > 0

    def record(self, answer: Answer, origin: Origin, latency_ms: float) -> None:
        """Queue the row (written within moments by the log's thread)."""
        if not self.enabled:
            return
        row = (time.time(), origin.adapter, origin.key_id, origin.user_id if self.user_ids else None,
               answer.resolved_question, int(answer.abstained), float(answer.confidence), round(latency_ms, 2),
               answer.index_version)
        with self._cond:
            self._pending += 1
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_forever, name="qa-query-log", daemon=True)
                self._writer.start()
                atexit.register(self.flush)
        self._queue.put(row)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every row queued so far is written (or ``timeout`` s); whether it was."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout)

    def _write_forever(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < _BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                # A flush to disk per batch would only slow PostgreSQL's writer: a log row may go in a crash.
                self.db.executemany(_INSERT, batch, durable=False)
            except Exception:  # the database is away: these rows are lost, the next ones are tried again
                log.exception("query log: %d rows not written", len(batch))
            with self._cond:
                self._pending -= len(batch)
                self._written += len(batch)
                due = self._written // _PRUNE_EVERY != (self._written - len(batch)) // _PRUNE_EVERY
                self._cond.notify_all()
            if due:
                try:
                    self.prune()
                except Exception:
                    log.exception("query log: not pruned")

    def prune(self) -> int:
        """Delete the rows older than the retention; how many went."""
        return self.db.execute("DELETE FROM queries WHERE created < ?", (time.time() - self.keep_days * 86400,))
