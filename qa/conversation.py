"""Conversations: turns kept in SQLite, and follow-ups resolved against them without a language model."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from qa.query import SubjectCatalog
from qa.sqlite import ThreadLocalSQLite
from qa.text import content_words

_LEAD = re.compile(
    r"^\s*(?:and|but|also|ok(?:ay)?|so|then)?\s*,?\s*(?:what|how)\s+about\s+|^\s*(?:and|but|also)\s+(?:for|with|in)?\s*|"
    r"^\s*(?:same|ditto)\s+(?:for|with)\s+|^\s*what\s+of\s+",
    re.I,
)
_PRONOUNS = re.compile(r"\b(it|its|it's|they|them|their|theirs|this one|that one|the former|the latter|each|both)\b", re.I)
_QUESTION = re.compile(r"^\s*(what|who|whom|whose|when|where|why|how|which|is|are|does|do|can|should|will)\b", re.I)
_FILLER = frozenset("and but also what how about for with in the then ok okay so same ditto of".split())
MAX_HISTORY = 20


@dataclass(frozen=True, slots=True)
class Turn:
    question: str
    resolved: str
    subjects: tuple[str, ...]
    qtype: str


def _join(names: list[str] | tuple[str, ...]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def resolve(question: str, history: list[Turn], catalog: SubjectCatalog) -> tuple[str, str | None]:
    """Rewrite a follow-up into a standalone question. Returns (resolved, inherited question type)."""
    q = question.strip()
    if not history:
        return q, None
    prev = history[-1]
    mentioned = catalog.find(q)
    subjects = [name for name, _, _ in mentioned]
    rest = q
    for _name, s, e in reversed(mentioned):
        rest = rest[:s] + " " + rest[e:]
    leftover = [w for w in content_words(rest) if w not in _FILLER]

    if subjects and not leftover and prev.resolved:
        # "And Flask?" -> the previous question about Flask instead.
        new = list(dict.fromkeys(subjects))
        if prev.subjects:
            return _swap_subjects(prev.resolved, prev.subjects, new, catalog), prev.qtype
        return f"{prev.resolved.rstrip(' ?.')} for {_join(new)}?", prev.qtype

    if subjects or not prev.subjects:
        return q, None
    # "what about X?", a pronoun, or a bare fragment ("performance?") continues the conversation;
    # a complete new question ("What is the capital of Australia?") does not.
    fragment = len(content_words(q)) <= 2 and not _QUESTION.match(q)
    follow_up = bool(_LEAD.match(q)) or bool(_PRONOUNS.search(q)) or fragment
    if not follow_up:
        return q, None
    if _PRONOUNS.search(q):
        return _replace_pronouns(q, prev.subjects), prev.qtype
    aspect = _LEAD.sub("", q).strip().rstrip("?.! ")
    if len(prev.subjects) >= 2 and prev.qtype == "comparison":
        return f"Compare {_join(prev.subjects)} on {aspect}", "comparison"
    return f"What about {aspect} for {_join(prev.subjects)}?", prev.qtype


def _swap_subjects(text: str, old: tuple[str, ...], new: list[str], catalog: SubjectCatalog) -> str:
    found = [f for f in catalog.find(text) if f[0] in old]
    if not found:
        return f"{text.rstrip(' ?.')} for {_join(new)}?"
    out = text
    replacement = _join(new)
    # The first subject the previous question named is the one the follow-up replaces.
    for name, s, e in reversed(found):
        if name == found[0][0]:
            suffix = "'s" if text[s:e].lower().endswith("'s") else ""
            out = out[:s] + replacement + suffix + out[e:]
    return out


def _replace_pronouns(q: str, subjects: tuple[str, ...]) -> str:
    one = subjects[0] if len(subjects) == 1 else _join(subjects)

    def sub(m: re.Match[str]) -> str:
        word = m.group(0).lower()
        if word in ("its", "their", "theirs"):
            return f"{one}'s"
        if word in ("it's",):
            return f"{one} is"
        if word in ("the former",):
            return subjects[0]
        if word in ("the latter",):
            return subjects[-1]
        if word in ("each", "both"):
            return f"{m.group(0)} of {_join(subjects)}" if len(subjects) > 1 else one
        return one

    return _PRONOUNS.sub(sub, q, count=2)


class ConversationStore:
    """Turns per conversation in SQLite (WAL), safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = ThreadLocalSQLite(path)
        with self._conn() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS turns (conversation_id TEXT NOT NULL, created REAL NOT NULL, "
                "question TEXT NOT NULL, resolved TEXT NOT NULL, subjects TEXT NOT NULL, qtype TEXT NOT NULL, "
                "answer TEXT)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS turns_conv ON turns (conversation_id, created)")

    def _conn(self) -> sqlite3.Connection:
        return self._db.conn()

    @staticmethod
    def new_id() -> str:
        return f"c-{uuid.uuid4().hex[:12]}"

    def history(self, conversation_id: str) -> list[Turn]:
        rows = self._conn().execute(
            "SELECT question, resolved, subjects, qtype FROM turns WHERE conversation_id = ? "
            "ORDER BY created DESC, rowid DESC LIMIT ?",
            (conversation_id, MAX_HISTORY),
        ).fetchall()
        return [Turn(q, r, tuple(json.loads(s)), t) for q, r, s, t in reversed(rows)]

    def add(self, conversation_id: str, turn: Turn, answer: str | None) -> None:
        """Store a turn and the answer text given to it (None: recorded without being answered)."""
        self._conn().execute(
            "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
            (conversation_id, time.time(), turn.question, turn.resolved, json.dumps(list(turn.subjects)), turn.qtype, answer),
        )
