"""The schema, as a list of migrations both backends apply in order. ``schema_version`` holds one row per
migration applied; a database opened by a newer compare-qa (a version past this list) is refused, not changed.

A statement may use tokens for what the dialects spell differently (:data:`TOKENS`)."""

from __future__ import annotations

TOKENS = {
    "sqlite": {
        "real": "REAL",
        # SQLite tables have a rowid already: no column to add, and the turns of the files written before
        # schema versions have none.
        "seq_column": "",
        "seq": "rowid",
    },
    "postgresql": {
        "real": "DOUBLE PRECISION",
        "seq_column": "seq BIGINT GENERATED ALWAYS AS IDENTITY,",
        "seq": "seq",
    },
}

# Each entry is one migration: statements run in one transaction. Never edit an entry once released; append.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the tables of the SQLite files from before schema versions (IF NOT EXISTS adopts them as they are).
    (
        "CREATE TABLE IF NOT EXISTS turns ({seq_column} conversation_id TEXT NOT NULL, created {real} NOT NULL, "
        "question TEXT NOT NULL, resolved TEXT NOT NULL, subjects TEXT NOT NULL, qtype TEXT NOT NULL, answer TEXT)",
        "CREATE INDEX IF NOT EXISTS turns_conv ON turns (conversation_id, created)",
        # Slack deliveries already handled: the first to insert a key answers, every other process skips it.
        "CREATE TABLE IF NOT EXISTS handled (key TEXT PRIMARY KEY, created {real} NOT NULL)",
        "CREATE TABLE IF NOT EXISTS answers (id TEXT PRIMARY KEY, created {real} NOT NULL, source TEXT NOT NULL, "
        "channel TEXT, thread_ts TEXT, user_id TEXT, question TEXT NOT NULL, resolved_question TEXT NOT NULL, "
        "abstained INTEGER NOT NULL, confidence {real} NOT NULL, answer_json TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS answers_created ON answers (created)",
        "CREATE TABLE IF NOT EXISTS feedback (answer_id TEXT NOT NULL, user_id TEXT NOT NULL, vote INTEGER NOT NULL, "
        "created {real} NOT NULL, question TEXT NOT NULL, answer_json TEXT NOT NULL, citations_json TEXT NOT NULL, "
        "channel TEXT, message_ts TEXT, PRIMARY KEY (answer_id, user_id))",
        "CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created)",
    ),
    # 2: the query log (qa.querylog).
    (
        "CREATE TABLE IF NOT EXISTS queries ({seq_column} created {real} NOT NULL, adapter TEXT NOT NULL, "
        "key_id TEXT, user_id TEXT, question TEXT NOT NULL, abstained INTEGER NOT NULL, confidence {real} NOT NULL, "
        "latency_ms {real} NOT NULL, index_version TEXT)",
        "CREATE INDEX IF NOT EXISTS queries_created ON queries (created)",
    ),
)

SCHEMA_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied {real} NOT NULL)"


def statements(kind: str, version: int) -> list[str]:
    """Migration ``version`` (1-based) in the dialect of ``kind``."""
    return [sql.format(**TOKENS[kind]) for sql in MIGRATIONS[version - 1]]


def too_new(found: int, where: str) -> str:
    return (f"{where} has schema version {found}, newer than this compare-qa knows ({len(MIGRATIONS)}): "
            "upgrade compare-qa, or point it at another database")
