"""What a deployment keeps beyond the index (conversations, Slack deliveries, answers, feedback, the query log),
in one database: a SQLite file under ``QA_DATA_DIR`` (the default) or PostgreSQL (``QA_DATABASE_URL``), which
replicas share.

Callers write SQL once, with ``?`` placeholders and the few tokens of :data:`qa.storage.schema.TOKENS`; each
backend runs it in its dialect. The schema is created and migrated when a database is opened
(:mod:`qa.storage.schema`), by one process at a time.
"""

from __future__ import annotations

import atexit
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.errors import QAError

if TYPE_CHECKING:
    from qa.layout import Progress
    from qa.settings import Settings

Row = tuple[Any, ...]
SQLITE_FILE = "qa.sqlite3"


class DatabaseError(QAError):
    """The database cannot be reached, or holds a schema this version does not know."""


class Database(ABC):
    """One database shared by the threads of a process (and by processes and replicas). Every statement
    commits on its own."""

    kind: str  # "sqlite" or "postgresql"

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = (), *, durable: bool = True) -> int:
        """Run one statement; the number of rows it changed. ``durable=False``: the commit need not wait for the
        disk (a log row a database crash may lose: not worth the request's time)."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], *, durable: bool = True) -> None:
        """Run one statement for each of ``rows``, in one transaction."""

    @abstractmethod
    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    def build_lock(self, index_dir: Path, wait_seconds: float, say: Progress | None = None) -> AbstractContextManager[None]:
        """Held while a build writes ``index_dir``: one build at a time among the processes sharing this
        database (replicas included); :class:`~qa.errors.BuildLockedError` after ``wait_seconds``."""

    def schema_version(self) -> int:
        """The last migration applied (:mod:`qa.storage.schema`)."""
        row = self.fetchone("SELECT MAX(version) FROM schema_version")
        return int(row[0] or 0) if row else 0

    @abstractmethod
    def close(self) -> None:
        """Release the connections; the object is not used after."""


_open: dict[str, Database] = {}
_open_lock = threading.Lock()


def open_database(settings: Settings) -> Database:
    """The database ``settings`` name, one instance per process and location (so one connection pool), created
    and migrated on first use."""
    url = settings.database_url
    key = url or str((Path(settings.data_dir) / SQLITE_FILE).resolve())
    with _open_lock:
        db = _open.get(key)
        if db is None:
            if url:
                from qa.storage.postgres import PostgresDatabase

                db = PostgresDatabase(url)
            else:
                from qa.storage.sqlite import SQLiteDatabase

                db = SQLiteDatabase(Path(settings.data_dir) / SQLITE_FILE)
            if not _open:
                atexit.register(close_all)  # after the query log's last rows (atexit runs in reverse)
            _open[key] = db
        return db


def close_all() -> None:
    """Close every database this process opened (tests, and processes that end)."""
    with _open_lock:
        for db in _open.values():
            db.close()
        _open.clear()
