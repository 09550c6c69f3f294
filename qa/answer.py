"""The answer and its parts: plain frozen values, JSON-ready through ``to_dict`` and read back by ``from_dict``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote as _urlquote

from qa.display import escape_markers, plain, row_plain_cells

NOT_COVERED = "The corpus does not cover this."
NOTHING_MORE = "The corpus says nothing more on this than the answers above."
NO_QUESTION = "There is no question here to answer from the corpus."


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
    # What the quote needs to stand alone (a table row's header row, the sentence a "This ..." follows):
    # verbatim, ``document_text[context_start:context_end]``; None when the quote stands alone.
    context: str | None = None
    context_start: int | None = None
    context_end: int | None = None
    # The quote as people read it (qa.display): its context folded in, Markdown reduced to the display
    # subset (code spans, http(s) links, whole fenced code blocks). What the answer text shows for it.
    display: str = ""


@dataclass(frozen=True, slots=True)
class ConflictClaim:
    text: str  # verbatim: the words of the cited quote that say it (a table cell after its row label)
    citation: int
    published: str | None = None
    display: str = ""  # ``text`` as people read it (qa.display), as a citation's ``display``; "" in older answers


@dataclass(frozen=True, slots=True)
class Conflict:
    topic: str
    claims: tuple[ConflictClaim, ...]


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    aspect: str
    cells: dict[str, list[int]]
    # subject -> what each cited source says there, in short form, in the order of ``cells`` (a table cell as
    # written, an item's label, or the clause naming the aspect, cut to a few words)
    values: dict[str, list[str]] = field(default_factory=dict)
    # ``values`` as people read them (qa.display: links, code spans, HTML reduced to its text), cut to the
    # same few words; empty in older answers
    display: dict[str, list[str]] = field(default_factory=dict)

    def cell(self, subject: str) -> str:
        """A cell in display form (qa.display): each source's value in short form with its citation marker
        ('No [6] / None (sync only) [7]'); the raw values, or the citation numbers alone, for an answer stored
        without them; '—' when no source covers it."""
        cited = self.cells.get(subject) or []
        if not cited:
            return "—"
        values = self.display.get(subject) or [escape_markers(v) for v in self.values.get(subject) or []]
        if len(values) == len(cited):
            return " / ".join(f"{v} [{n}]" for v, n in zip(values, cited, strict=True))
        return " ".join(f"[{n}]" for n in cited)


@dataclass(frozen=True, slots=True)
class Comparison:
    subjects: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the answer text, in order, with its structure, so that an adapter lays the answer out
    without reading labels back out of the prose. ``Answer.answer`` is the sections' ``text`` joined by line
    breaks.

    ``kind``: ``summary``; ``subject`` (what the sources say of one subject); ``advice`` (when to choose one
    subject); ``aspect`` (one row of a comparison, its ``parts`` the subjects' cells, of kind ``cell``);
    ``disagreement``; ``not_covered`` (an abstention). ``label``: the subject, aspect or topic the section is
    about (for ``not_covered``, what the corpus has nothing on), None when none. ``heading``: the start of
    ``text`` that introduces the section ('FastAPI:', 'When to choose Flask:'), empty when none.
    ``citations``: the numbers of the citations the section cites, in the order it cites them."""

    kind: str
    label: str | None
    heading: str
    text: str
    citations: tuple[int, ...] = ()
    parts: tuple[Section, ...] = ()

    def __post_init__(self) -> None:
        if not self.text.startswith(self.heading):
            raise ValueError(f"section heading {self.heading!r} does not start its text {self.text[:80]!r}")


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
    sections: tuple[Section, ...] = ()
    notices: tuple[str, ...] = ()  # what the reader should know about the answer as a whole (its language)

    def to_dict(self) -> dict[str, Any]:
        """The answer JSON: nested dataclasses as dicts, tuples as lists."""
        out: dict[str, Any] = _plain(self)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """``to_dict()`` read back. Keys it does not know are ignored and fields it lacks take their defaults,
        so answers stored by older or newer versions read back."""
        d = dict(data)
        d["subjects"] = tuple(d.get("subjects") or ())
        d["suggestions"] = tuple(d.get("suggestions") or ())
        d["notices"] = tuple(d.get("notices") or ())
        d["citations"] = tuple(_build(Citation, c) for c in d.get("citations") or ())
        d["conflicts"] = tuple(
            Conflict(c["topic"], tuple(_build(ConflictClaim, x) for x in c.get("claims") or ()))
            for c in d.get("conflicts") or ()
        )
        comp = d.get("comparison")
        if comp:
            d["comparison"] = Comparison(tuple(comp["subjects"]),
                                         tuple(ComparisonRow(r["aspect"], dict(r["cells"]), dict(r.get("values") or {}),
                                                             dict(r.get("display") or {}))
                                               for r in comp["rows"]))
        d["timings_ms"] = dict(d.get("timings_ms") or {})
        d["sections"] = tuple(_section(x) for x in d.get("sections") or ())
        return _build(cls, d)


def _build(cls: Any, data: dict[str, Any]) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _section(data: dict[str, Any]) -> Section:
    d = dict(data)
    d["citations"] = tuple(d.get("citations") or ())
    d["parts"] = tuple(_section(x) for x in d.get("parts") or ())
    return _build(Section, d)


def _plain(value: Any) -> Any:
    """A JSON-ready copy of ``value``: what ``dataclasses.asdict`` gives (tuples as lists), without its deep
    copy of every leaf, which was a large share of the HTTP layer's time per ``/ask``."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def text_fragment_link(url: str | None, quote: str) -> str | None:
    """A link that opens ``url`` scrolled to ``quote`` (URL text fragment, ``#:~:text=``).

    The fragment matches the text as the page shows it, not its Markdown (:func:`qa.display.plain`); a
    table row's first and last cells bound it, as cells are separate blocks. Long quotes use the
    ``start,end`` form with a few words of each end; ``-``, ``,`` and ``&`` are percent-encoded as the spec
    requires."""
    if not url:
        return None
    base = url.split("#", 1)[0]

    def enc(text: str) -> str:
        return _urlquote(text, safe="").replace("-", "%2D")

    cells = [c for c in row_plain_cells(quote) or () if c]
    if len(cells) >= 2:
        return f"{base}#:~:text={enc(cells[0])},{enc(cells[-1])}"
    words = plain(quote).split()
    if not words:
        return url
    if len(words) <= 8:
        fragment = enc(" ".join(words))
    else:
        fragment = f"{enc(' '.join(words[:4]))},{enc(' '.join(words[-4:]))}"
    return f"{base}#:~:text={fragment}"
