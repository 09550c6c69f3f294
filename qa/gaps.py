"""What the corpus is missing: the questions abstained on (the query log) and the answers voted down (Slack's
👎), grouped by meaning with the engine's own embeddings, most frequent first. ``qa gaps`` and ``GET /gaps``."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np

from qa.embedding import Embedder
from qa.storage import Database

# Cosine between two questions' vectors from which they count as one gap. all-MiniLM-L6-v2 puts rewordings of a
# question above it and the same question about another subject ("... Django?" / "... Rails?") below.
SIMILAR = 0.8
MAX_DISTINCT = 5000  # distinct questions embedded at most (the most frequent): the report stays seconds long
_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.I)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str) -> float:
    """``7d``, ``12h``, ``30m``, ``2w``, ``90s`` as seconds; ValueError (one line) for anything else."""
    m = _SINCE.match(text or "")
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"since must be a positive duration like 7d, 12h, 30m or 2w, not {text!r}")
    return float(m.group(1)) * _UNIT[m.group(2).lower()]


@dataclass(frozen=True, slots=True)
class Gap:
    """Questions of one meaning the corpus did not serve. ``question``: the most frequent wording."""

    question: str
    count: int
    abstained: int
    down_votes: int
    last: float
    similar: tuple[str, ...]  # the other wordings, most frequent first (at most 5)

    def to_dict(self) -> dict[str, object]:
        return {"question": self.question, "count": self.count, "abstained": self.abstained,
                "down_votes": self.down_votes, "last": self.last, "similar": list(self.similar)}


@dataclass(slots=True)
class _Wording:
    question: str
    abstained: int = 0
    down_votes: int = 0
    last: float = 0.0

    @property
    def count(self) -> int:
        return self.abstained + self.down_votes


def _tally(rows: list[tuple[str, float]], into: dict[str, _Wording], *, down: bool) -> None:
    for question, created in rows:
        key = " ".join(question.lower().split()).rstrip(" ?.!")  # the same words: one wording
        w = into.setdefault(key, _Wording(question))
        if down:
            w.down_votes += 1
        else:
            w.abstained += 1
        w.last = max(w.last, float(created))


def find_gaps(db: Database, embedder: Embedder, since_seconds: float, *, limit: int = 20,
              similar: float = SIMILAR, now: float | None = None) -> list[Gap]:
    """The gaps of the last ``since_seconds``: greedy clustering by cosine (each question, most frequent first,
    joins the first group whose leading question is at least ``similar`` to it, else leads a new one)."""
    since = (now or time.time()) - since_seconds
    tallies: dict[str, _Wording] = {}
    _tally(db.fetchall("SELECT question, created FROM queries WHERE abstained = 1 AND created >= ?", (since,)),
           tallies, down=False)
    _tally(db.fetchall("SELECT a.resolved_question, f.created FROM feedback f JOIN answers a ON a.id = f.answer_id "
                       "WHERE f.vote < 0 AND f.created >= ?", (since,)), tallies, down=True)
    if not tallies:
        return []
    words = sorted(tallies.values(), key=lambda w: (-w.count, -w.last))[:MAX_DISTINCT]
    vecs = np.asarray(embedder.embed([w.question for w in words]), dtype=np.float32)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    leaders: list[int] = []
    groups: list[list[_Wording]] = []
    for i, w in enumerate(words):
        if leaders:
            sims = vecs[leaders] @ vecs[i]
            best = int(np.argmax(sims))
            if sims[best] >= similar:
                groups[best].append(w)
                continue
        leaders.append(i)
        groups.append([w])
    gaps = [Gap(g[0].question, sum(w.count for w in g), sum(w.abstained for w in g), sum(w.down_votes for w in g),
                max(w.last for w in g), tuple(w.question for w in g[1:6])) for g in groups]
    gaps.sort(key=lambda g: (-g.count, -g.last))
    return gaps[:limit]
