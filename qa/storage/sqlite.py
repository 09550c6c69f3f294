"""The SQLite backend: one file under ``QA_DATA_DIR``, shared by threads and processes (one WAL-mode connection
per thread); builds take the index folder's file lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.layout import build_lock
from qa.storage import Database, DatabaseError, Row
from qa.storage.schema import MIGRATIONS, SCHEMA_VERSION_TABLE, TOKENS, statements, too_new

if TYPE_CHECKING:
    from qa.layout import Progress

# Before schema versions, the Slack bot kept its tables in a file of their own; their rows move in once.
LEGACY_SLACK_FILE = "slack.sqlite3"
_LEGACY_TABLES = ("handled", "answers", "feedback")


# Waits between tries of switching a new database file to WAL: the switch needs the file alone and does not
# wait for it (the busy timeout does not apply), so threads and processes opening it at once may find it taken.
WAL_SWITCH_WAITS = (0.01, 0.05, 0.2, 1.0)


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the database file in WAL mode (it stays so: later connections find it done)."""
    for wait in (*WAL_SWITCH_WAITS, None):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if wait is None or "locked" not in str(exc):
                raise
            time.sleep(wait)


class SQLiteDatabase(Database):
    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        try:
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"cannot use {path}: {exc}") from None

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit, WAL, a 10 s busy timeout)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            _use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def execute(self, sql: str, params: Sequence[Any] = (), *, durable: bool = True) -> int:
        # WAL with synchronous=NORMAL never waits for the disk at commit: nothing to relax for durable=False.
        return self.conn().execute(sql, params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], *, durable: bool = True) -> None:
        conn = self.conn()
        conn.execute("BEGIN")
        try:
            conn.executemany(sql, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.conn().execute(sql, params).fetchall()

    def build_lock(self, index_dir: Path, wait_seconds: float, say: Progress | None = None) -> AbstractContextManager[None]:
        return build_lock(index_dir, wait_seconds, say)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _migrate(self) -> None:
        conn = self.conn()
        conn.execute(SCHEMA_VERSION_TABLE.format(**TOKENS[self.kind]))
        if self.schema_version() >= len(MIGRATIONS):
            if (found := self.schema_version()) > len(MIGRATIONS):
                raise DatabaseError(too_new(found, str(self.path)))
            return
        legacy = self.path.parent / LEGACY_SLACK_FILE
        attached = self.schema_version() == 0 and legacy.is_file() and legacy != self.path
        if attached:  # ATTACH cannot happen inside a transaction
            conn.execute("ATTACH DATABASE ? AS legacy", (str(legacy),))
        try:
            conn.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then find it done
            try:
                for version in range(self.schema_version() + 1, len(MIGRATIONS) + 1):
                    for sql in statements(self.kind, version):
                        conn.execute(sql)
                    if version == 1 and attached:
                        self._import_legacy(conn)
                    conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, time.time()))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            if attached:
                conn.execute("DETACH DATABASE legacy")

    @staticmethod
    def _import_legacy(conn: sqlite3.Connection) -> None:
        have = {r[0] for r in conn.execute("SELECT name FROM legacy.sqlite_master WHERE type = 'table'")}
        for table in _LEGACY_TABLES:
            if table in have:  # the same columns in the same order: the schema they were created with
                conn.execute(f"INSERT OR IGNORE INTO main.{table} SELECT * FROM legacy.{table}")
