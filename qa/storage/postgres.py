"""The PostgreSQL backend (``QA_DATABASE_URL=postgresql://...``): psycopg 3 with a connection pool, for replicas
that share conversations, Slack deliveries, feedback and the query log. Builds take an advisory lock, so one
replica builds at a time."""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.errors import BuildLockedError
from qa.layout import build_lock
from qa.storage import Database, DatabaseError, Row
from qa.storage.schema import MIGRATIONS, SCHEMA_VERSION_TABLE, TOKENS, statements, too_new

if TYPE_CHECKING:
    from qa.layout import Progress

# Advisory lock keys (two int4): compare-qa's class, then what is locked.
_LOCK_CLASS = 0x71612D71  # "qa-q"
_MIGRATE, _BUILD = 1, 2
POOL_SIZE = 8  # connections a process keeps at most: its answering, Slack and request threads share them
CONNECT_TIMEOUT = 10  # seconds


_TOKEN = re.compile(r"'(?:[^']|'')*'|\?|%")


@lru_cache(maxsize=256)
def _dialect(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s``, a ``%`` as ``%%``; quoted literals keep their ``?`` (and get ``%%``)."""

    def sub(m: re.Match[str]) -> str:
        tok = m.group()
        return "%s" if tok == "?" else tok.replace("%", "%%")

    return _TOKEN.sub(sub, sql)


def _reason(exc: BaseException) -> str:
    """psycopg's message on one line."""
    return " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__


def describe_url(url: str) -> str:
    """host:port/dbname of a connection URL, never its password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - a malformed URL: say so without echoing it
        return "QA_DATABASE_URL (unparsable)"
    return f"postgresql://{info.get('host') or 'localhost'}:{info.get('port') or 5432}/{info.get('dbname') or ''}"


class PostgresDatabase(Database):
    kind = "postgresql"

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        try:
            import psycopg  # noqa: F401
            from psycopg_pool import ConnectionPool
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise DatabaseError(f"QA_DATABASE_URL needs psycopg and psycopg-pool: {exc}") from None
        self.url = url
        self.where = describe_url(url)
        self._migrate()  # also the first connection: a wrong URL or password fails here, in one line
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, timeout=30, name="qa",
                                    kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT}, open=True)

    def _connect(self, **kwargs: Any) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT, **kwargs)
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot connect to PostgreSQL at {self.where}: {_reason(exc)}") from None

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """A pooled connection; the server unreachable (or the pool exhausted) is a :class:`DatabaseError`."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise DatabaseError(f"PostgreSQL at {self.where}: {_reason(exc)}") from exc

    def execute(self, sql: str, params: Sequence[Any] = (), *, durable: bool = True) -> int:
        with self._connection() as conn:
            if durable:
                return int(conn.execute(_dialect(sql), params).rowcount)
            with conn.transaction():  # an asynchronous commit: visible at once, flushed within moments
                conn.execute("SET LOCAL synchronous_commit TO off")
                return int(conn.execute(_dialect(sql), params).rowcount)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]], *, durable: bool = True) -> None:
        with self._connection() as conn, conn.transaction():
            if not durable:
                conn.execute("SET LOCAL synchronous_commit TO off")
            with conn.cursor() as cur:
                cur.executemany(_dialect(sql), rows)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._connection() as conn:
            return list(conn.execute(_dialect(sql), params).fetchall())

    def close(self) -> None:
        self._pool.close()

    def _migrate(self) -> None:
        with self._connect() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_CLASS, _MIGRATE))  # one replica migrates
            conn.execute(SCHEMA_VERSION_TABLE.format(**TOKENS[self.kind]))
            found = int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])
            if found > len(MIGRATIONS):
                raise DatabaseError(too_new(found, self.where))
            for version in range(found + 1, len(MIGRATIONS) + 1):
                for sql in statements(self.kind, version):
                    conn.execute(sql)
                conn.execute("INSERT INTO schema_version VALUES (%s, %s)", (version, time.time()))

    def build_lock(self, index_dir: Path, wait_seconds: float, say: Progress | None = None) -> AbstractContextManager[None]:
        return self._build_lock(index_dir, wait_seconds, say)

    @contextmanager
    def _build_lock(self, index_dir: Path, wait_seconds: float, say: Progress | None) -> Iterator[None]:
        """The database's advisory lock (held by a connection of its own: released by the server if this
        process dies), then the index folder's file lock as well, for builds that do not use the database."""
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        name = f"compare-qa build on {socket.gethostname()} pid {os.getpid()}"
        with self._connect(autocommit=True, application_name=name[:63]) as conn:
            told = False
            while not conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_CLASS, _BUILD)).fetchone()[0]:
                holder = conn.execute(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.granted",
                    (_LOCK_CLASS, _BUILD)).fetchone()
                who = f" ({holder[0]})" if holder and holder[0] else ""
                if time.monotonic() >= deadline:
                    raise BuildLockedError(
                        f"another build{who} holds the build lock in {self.where}"
                        + (f" (waited {wait_seconds:g} s)" if wait_seconds > 0 else "")
                        + "; try again when it finishes, or wait longer with --wait SECONDS")
                if say and not told:
                    say(f"waiting up to {wait_seconds:g} s for another build{who} to finish")
                    told = True
                time.sleep(0.2)
            try:
                with build_lock(index_dir, max(0.0, deadline - time.monotonic()), say):
                    yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", (_LOCK_CLASS, _BUILD))
