"""The answer and its parts: plain frozen values, JSON-ready through ``to_dict``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote as _urlquote

NOT_COVERED = "The corpus does not cover this."


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    doc_id: str
    title: str
    publisher: str | None
    url: str | None
    published: str | None
    section: str | None
    quote: str
    start: int
    end: int
    score: float
    link: str | None
    outdated: bool = False


@dataclass(frozen=True, slots=True)
class ConflictClaim:
    text: str
    citation: int
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    topic: str
    claims: tuple[ConflictClaim, ...]


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    aspect: str
    cells: dict[str, list[int]]


@dataclass(frozen=True, slots=True)
class Comparison:
    subjects: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    resolved_question: str
    answer: str
    abstained: bool
    confidence: float
    subjects: tuple[str, ...]
    citations: tuple[Citation, ...]
    conflicts: tuple[Conflict, ...] = ()
    comparison: Comparison | None = None
    conversation_id: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    suggestions: tuple[str, ...] = ()  # nearest covered topics, when abstaining
    index_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The answer JSON: nested dataclasses as dicts, tuples as lists."""
        out: dict[str, Any] = _plain(self)
        return out


def _plain(value: Any) -> Any:
    """A JSON-ready copy of ``value``: what ``dataclasses.asdict`` gives (tuples as lists), without its deep
    copy of every leaf, which was a third of the HTTP layer's time per ``/ask``."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def text_fragment_link(url: str | None, quote: str) -> str | None:
    """A link that opens ``url`` scrolled to ``quote`` (URL text fragment, ``#:~:text=``).

    Long quotes use the ``start,end`` form with a few words of each end; ``-``, ``,`` and ``&`` are
    percent-encoded as the spec requires."""
    if not url:
        return None
    words = quote.split()
    if not words:
        return url

    def enc(text: str) -> str:
        return _urlquote(text, safe="").replace("-", "%2D")

    if len(words) <= 8:
        fragment = enc(" ".join(words))
    else:
        fragment = f"{enc(' '.join(words[:4]))},{enc(' '.join(words[-4:]))}"
    base = url.split("#", 1)[0]
    return f"{base}#:~:text={fragment}"
