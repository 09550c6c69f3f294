"""Composing: writing the answer from its evidence: the text in ordered sections with ``[n]`` markers, the
citations (verbatim quotes with exact spans), the comparison table and the disagreements; or the abstention."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from qa.answer import (
    NO_QUESTION,
    NOT_COVERED,
    NOTHING_MORE,
    Answer,
    Citation,
    Comparison,
    ComparisonRow,
    Conflict,
    ConflictClaim,
    Section,
    text_fragment_link,
)
from qa.aspects import Aspect, aspect_stems
from qa.chunking import is_rst
from qa.comparison import SHORT_WORDS, Disagreement, Statement, question_stems, short_clause, short_value, span_text
from qa.cues import ADVICE, BACK_REFERENCE, FRAMES_AS_WRONG, RELEASE_HEADING, SHORT_UNIT_WORDS, WANTS_NUMBER, is_yes_no
from qa.display import (
    Resolver,
    clean_heading,
    code_block_span,
    code_display,
    display,
    escape_markers,
    inline,
    link_resolver,
    section_path,
    shorten,
    table_row,
    topic_label,
)
from qa.evidence import Claim, abstains
from qa.query import Query, relates
from qa.retrieval import Candidate
from qa.snapshot import Snapshot
from qa.text import words


@dataclass(frozen=True, slots=True)
class ComposeParams:
    abstain_threshold: float
    stale_after_days: int
    today: dt.date


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an answer is written from: the selected claims and the confidence in them, every scored unit's
    score, the retrieved candidates (an abstention names their topics), names in the question the corpus
    never mentions, and for comparisons and advice the table (per aspect, per subject, what is said), the
    disagreements and, per subject, the units advising when to choose it; the sections the question names
    (:func:`named_sections`), which the answer shows."""

    claims: list[Claim]
    confidence: float
    scores: dict[int, float]
    candidates: list[Candidate]
    unknown: list[str] = field(default_factory=list)
    passing: str | None = None  # the name the question is about, which the corpus mentions only in passing
    rows: dict[Aspect, dict[str, list[Statement]]] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    advice: dict[str, list[int]] = field(default_factory=dict)
    named: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)  # named_sections of the question
    rows_asked: bool = False  # the rows are on what the question asks, by its words or their meaning
    more: bool = False  # more of the previous answer ("tell me more"): its further claims, in one summary


def _is_outdated(published: str | None, params: ComposeParams) -> bool:
    if not published:
        return False
    try:
        return (params.today - dt.date.fromisoformat(published)).days > params.stale_after_days
    except ValueError:
        return False


def compose(snap: Snapshot, query: Query, question: str, evidence: Evidence, params: ComposeParams) -> Answer:
    """Turn claims, table rows and disagreements into the answer's sections with ``[n]`` markers and
    citations (verbatim quotes with exact spans). Newest sources lead where sources disagree."""
    version = snap.version
    conf, claims = evidence.confidence, evidence.claims
    if abstains(conf, claims, params.abstain_threshold):
        said_all = evidence.more and not claims and conf >= params.abstain_threshold
        return abstain(snap, query, question, conf, evidence.candidates, evidence.unknown, evidence.passing,
                       said_all=said_all)
    citations: list[Citation] = []
    by_unit: dict[int, int] = {}
    used: set[int] = set()

    def cite(u: int, through: tuple[int, int] | None = None) -> int:
        """The number of the citation of unit ``u`` (quoting the units ``through``, for a claim)."""
        used.add(u)
        if u in by_unit:
            return by_unit[u]
        fields = _cited_fields(snap, u, through)
        n = len(citations) + 1
        citations.append(Citation(n=n, score=round(evidence.scores.get(u, 0.0), 4),
                                  outdated=_is_outdated(fields["published"], params), **fields))
        by_unit[u] = n
        return n

    shown_spans: dict[str, list[tuple[int, int]]] = {}  # per document, what the answer text has shown: nothing twice

    def shown_already(doc_id: str, start: int, end: int) -> bool:
        """Whether the answer text has shown all of ``[start, end)`` of the document, in one span or in several
        (a claim and, before it, its context: an advice that is the two together is not shown again)."""
        at, text = start, version.docs[doc_id].text
        for s, e in sorted(shown_spans.get(doc_id, ())):
            if s > at and text[at:s].strip():  # only spaces between two spans shown leave nothing unshown
                break
            at = max(at, e)
        return at >= end

    def render(claim: Claim) -> tuple[str, list[int]]:
        units = sorted(claim.units, key=lambda u: _published(snap, u), reverse=True)
        u = units[0]

        def through(x: int) -> tuple[int, int] | None:  # what the question lengthened: its representative's quote
            return claim.through if x == claim.units[0] else None

        u_start, u_end = snap.quote_span(u, through(u))
        if shown_already(snap.doc_of(u).doc_id, u_start, u_end):
            return "", []  # the answer has shown it already, as another claim's context
        cited = [cite(x, through(x)) for x in units]
        marks = "".join(f"[{n}]" for n in cited)
        first = citations[cited[0] - 1]
        shown = first.display
        ctx = (first.context_start, first.context_end) \
            if first.context_start is not None and first.context_end is not None else None
        if ctx is not None and shown_already(first.doc_id, *ctx):
            shown = unit_display(snap, u, context=False, through=through(u))  # its context: shown already
        spans = shown_spans.setdefault(first.doc_id, [])
        spans.append((first.start, first.end))
        if ctx is not None and version.unit_kinds[u] != "row":
            spans.append(ctx)
        if version.unit_kinds[u] == "code":
            return f"\n{shown}\n{marks}", cited
        if (span := through(u)) is not None and version.unit_kinds[span[1]] == "code":
            return f"{shown}\n{marks}", cited  # a sentence and the code block it leads into: marks after the fence
        if len(units) > 2:
            return f"{shown} {marks} ({len(units)} sources say this)", cited
        return f"{shown} {marks}", cited

    def say(some: list[Claim]) -> tuple[str, list[int]]:
        """Claims one after another, and the citations they make."""
        rendered = [r for r in map(render, some) if r[0]]
        return " ".join(text for text, _ in rendered), [n for _, cited in rendered for n in cited]

    def source(u: int) -> str:
        doc = snap.doc_of(u)
        return ", ".join(x for x in (doc.publisher or doc.title, doc.published or "undated") if x)

    def by_subject(fresh: list[Claim]) -> list[Section]:
        """Claims on no one subject as a summary, then each subject's own. A subject with none of its own is
        said to have none, unless a disagreement shown above quotes sources on it or a claim of the summary names
        it ("When compared to FastAPI, Flask is somehow slower." for "Is FastAPI slower than Flask?"), answers a
        heading asking of it, or, a table row, has a cell for it ('Array indexing: Python 0-based · R 1-based');
        nor one a column of any table row shown names."""
        out: list[Section] = []
        if general := [c for c in fresh if c.subject is None]:
            out += _section("summary", None, "", *say(general))
        spoken_for = {s for d in evidence.disagreements for s in d.subjects}
        spoken_for |= {s for c in general for s in (*snap.unit_subjects[c.units[0]], *snap.unit_cells[c.units[0]])}
        # (or answers a heading asking of it: "Is Valkey faster than Redis?")
        spoken_for |= {s for c in general if snap.chunk_asks[chunk := int(snap.unit_chunk[c.units[0]])]
                       for s in snap.section_subjects[chunk]}
        # (or is a column of a table row shown: 'Claimed weight 2,780 g' of "force axs weight", where the front
        # matter lists 'weight' as a subject)
        spoken_for |= {s for c in fresh if snap.version.unit_kinds[c.units[0]] == "row"
                       for s in snap.catalog.mentioned(snap.version.unit_contexts[c.units[0]] or "")}
        for subject in query.subjects:
            heading = f"{subject}:"
            if mine := [c for c in fresh if c.subject == subject]:
                text, cited = say(mine)
                if text:  # else what it has is shown above, as another claim's context
                    out += _section("subject", subject, heading, f"{heading} {text}", cited)
            elif subject not in spoken_for:
                out += _section("subject", subject, heading, f"{heading} no source in the corpus says.", [])
        return out

    sections: list[Section] = []

    conflict_out: list[Conflict] = []
    for disagreement in evidence.disagreements:
        items = sorted(disagreement.statements, key=lambda it: _published(snap, it.unit), reverse=True)
        out_claims = []
        pieces = []
        for u, span in items:
            shown = _claim_display(snap, u, span)
            n = cite(u)
            out_claims.append(ConflictClaim(text=_claim_text(snap, u, span), citation=n,
                                            published=_published(snap, u) or None, display=shown))
            pieces.append(f"{shown} [{n}] ({source(u)})")
        topic = clean_heading(disagreement.topic) or disagreement.topic
        conflict_out.append(Conflict(topic=topic, claims=tuple(out_claims)))
        heading = f"{escape_markers(topic)} — sources disagree, newest first:"  # display text, as the claims
        sections += _section("disagreement", topic, heading, f"{heading} " + "; ".join(pieces) + ".",
                             [c.citation for c in out_claims])

    comparison = None
    if named := evidence.named:
        # "Pros and cons of Flask and FastAPI": the sections the question names, each side's in turn.
        for subject in query.subjects:
            parts: list[str] = []
            cited: list[int] = []
            for heading, units in named.get(subject, []):
                marks = [cite(u) for u in units]
                said = " ".join(f"{unit_display(snap, u, context=False)} [{n}]" for u, n in zip(units, marks, strict=True))
                parts.append(f"{escape_markers(heading)}: {said}")
                cited += marks
            head = f"{subject}:"
            said = " ".join(parts)  # a heading may name its subject first ('FastAPI: Type Hints Do the Work')
            sections += _section("subject", subject, head, said if said.startswith(head) else f"{head} {said}", cited)
    elif evidence.rows:
        # What leads the table is chosen (and cited) first, so that citations are numbered as they are read.
        in_table = {s.unit for row in evidence.rows.values() for statements in row.values() for s in statements}
        fresh = [c for c in claims if not (_quoted(snap, c) & (used | in_table))]
        qstems = question_stems(snap, query)
        if qstems and not evidence.rows_asked:
            # "Flask vs FastAPI for ML model serving": no row is on what the question asks (the table is the
            # corpus's main aspects), so what each side's best evidence says about it comes first.
            sections += by_subject(fresh)
        elif lead := [c for c in fresh if c.subject is None][:1]:
            sections += _section("summary", None, "", *render(lead[0]))
        table_rows = []
        lines: list[Section] = []
        for aspect, row in evidence.rows.items():
            cited_cells: dict[str, list[int]] = {}
            cells: list[Section] = []
            for subject in query.subjects:
                statements = row.get(subject) or []
                heading = f"{subject}:"
                if not statements:
                    cited_cells[subject] = []
                    cells.append(Section("cell", subject, heading, f"{heading} no source covers it"))
                    continue
                cited_cells[subject] = [cite(s.unit) for s in statements]
                # Each source's own words for the cell, so every citation backs what is shown beside it.
                said = [f"{_claim_display(snap, s.unit, s.span, label=False)} [{n}]"
                        for s, n in zip(statements, cited_cells[subject], strict=True)]
                cells.append(Section("cell", subject, heading, f"{heading} " + " / ".join(said), tuple(cited_cells[subject])))
            name = clean_heading(aspect.name) or aspect.name  # a heading's id and marks are not its name
            short = {subject: [short_value(snap, s, aspect) for s in row.get(subject) or []] for subject in query.subjects}
            shown = {subject: [_short_display(snap, s, aspect) for s in row.get(subject) or []] for subject in query.subjects}
            table_rows.append(ComparisonRow(aspect=name, cells=cited_cells, values=short, display=shown))
            heading = escape_markers(name)  # display text, as the cells
            line = f"{heading} — " + "; ".join(cell.text for cell in cells)
            lines += _section("aspect", name, heading, line, [n for cell in cells for n in cell.citations], tuple(cells))
        comparison = Comparison(subjects=query.subjects, rows=tuple(table_rows))
        sections += lines
    else:
        fresh = [c for c in claims if not (_quoted(snap, c) & used)]
        advice = evidence.advice
        if advice and any(advice.values()):
            # "Should I use X or Y": the claims that answer this question best, then each option's own
            # "when to choose it" from the sources.
            # The best evidence leads, unless it is advice: "FastAPI displays messages in JSON format. On the other
            # hand, Flask displays error messages using HTML pages." is no "When to choose Flask:".
            best = fresh[0].units[0] if fresh and not snap.unit_advice[fresh[0].units[0]] else None
            advised = {u for us in advice.values() for u in us if u != best}
            # Not what an advice shows too, with the context that names its subject: "It is the right choice
            # when ..." is shown once, under "When to choose FastAPI:" after "FastAPI is the right choice ...".
            shows = [(f["doc_id"], f["context_start"] if f["context_start"] is not None else f["start"], f["end"])
                     for f in (_cited_fields(snap, u) for u in advised)]
            lead = [c for c in fresh if not (set(c.units) & advised) and not any(
                d == snap.doc_of(c.units[0]).doc_id and a < end and start < b
                for d, a, b in shows for start, end in [snap.quote_span(c.units[0], c.through)])][:2]
            if lead:
                sections += _section("summary", None, "", *say(lead))
            for subject in query.subjects:
                units = [u for u in advice.get(subject, []) if u not in used]
                # A statement on what the question asks, not worded as advice, is said of the subject, not
                # advised: "Flask: Flask does not support WebSockets or SSE natively."
                heading = f"When to choose {subject}:" if not units or snap.unit_advice[units[0]] else f"{subject}:"
                text, cited = say([Claim([u], subject, 0.0) for u in units])
                if text:
                    sections += _section("advice", subject, heading, f"{heading} {text}", cited)
                elif not advice.get(subject):  # else the answer has shown all it advises above
                    sections += _section("advice", subject, heading, f"{heading} no source in the corpus says.", [])
        elif len(query.subjects) >= 2 and not relates(query.text, snap.catalog) and not evidence.more:
            sections += by_subject(fresh)
        elif len(query.subjects) >= 2:
            # "How do I migrate from X to Y?" asks about the two together: what is said of no one of them first.
            sections += _section("summary", None, "", *say(sorted(fresh, key=lambda c: c.subject is not None)))
        elif fresh:
            sections += _section("summary", None, "", *say(fresh))
    return Answer(
        question=question, resolved_question=query.text, answer="\n".join(s.text for s in sections), abstained=False,
        confidence=round(conf, 4), subjects=query.subjects, citations=tuple(citations),
        conflicts=tuple(conflict_out), comparison=comparison, index_version=snap.name, sections=tuple(sections),
    )


def _cited_fields(snap: Snapshot, u: int, through: tuple[int, int] | None = None) -> dict[str, Any]:
    """:func:`_citation_fields`, made once per snapshot."""
    return snap.memo("citation", (u, through), lambda: _citation_fields(snap, u, through))


def _citation_fields(snap: Snapshot, u: int, through: tuple[int, int] | None = None) -> dict[str, Any]:
    """What a citation of unit ``u`` (quoting the units ``through``, for a claim) says that depends on the
    index alone (all but its number, score and whether it is outdated today)."""
    version = snap.version
    chunk = version.chunks[int(version.units[u][0])]
    doc = version.docs[chunk.doc_id]
    start, end = snap.quote_span(u, through)
    quote = doc.text[start:end]
    ctx = context_span(snap, u, through)
    return dict(
        doc_id=doc.doc_id, title=doc.title, publisher=doc.publisher, url=doc.url, published=doc.published,
        section=section_path(doc.title, chunk.section), quote=quote, start=start, end=end,
        link=text_fragment_link(doc.url, quote), context=doc.text[ctx[0]:ctx[1]] if ctx else None,
        context_start=ctx[0] if ctx else None, context_end=ctx[1] if ctx else None,
        display=unit_display(snap, u, through=through),
    )


def _section(
    kind: str, label: str | None, heading: str, text: str, cited: list[int], parts: tuple[Section, ...] = ()
) -> list[Section]:
    """The section as the answer text shows it (stripped), or none when it has no text."""
    text = text.strip()
    return [Section(kind, label, heading, text, tuple(cited), parts)] if text else []


def _claim_text(snap: Snapshot, unit: int, span: tuple[int, int], *, label: bool = True) -> str:
    """The verbatim words of a claim: a table cell (after its row label) or the whole unit."""
    text = span_text(snap, unit, span)
    if snap.unit_cells[unit] and label:
        return f"{snap.row_label(unit)}: {text}"
    return text


def _quoted(snap: Snapshot, claim: Claim) -> set[int]:
    """The units a claim stands for: its sources', and for a bare answer the sentence its quote goes on with ("Yes.
    MySQL supports full JSON indexing.": a disagreement may have shown that sentence already)."""
    u = claim.units[0]
    if not snap.unit_bare[u]:
        return set(claim.units)
    return set(claim.units) | set(range(u, int(snap.quote_last[u]) + 1))


def _claim_display(snap: Snapshot, unit: int, span: tuple[int, int], *, label: bool = True) -> str:
    """:func:`_claim_text` as people read it (:mod:`qa.display`): the display form the citations use."""
    resolve = _resolver(snap, unit)
    if _whole_row(snap, unit):  # a row of a table with its subjects down the side, as its citation shows it
        return table_row(snap.version.unit_contexts[unit], snap.unit_text[unit], resolve)
    text = display(span_text(snap, unit, span), resolve) or escape_markers(" ".join(span_text(snap, unit, span).split()))
    if snap.unit_cells[unit] and label:
        return f"{inline(snap.row_label(unit), resolve)}: {text}"
    return text


def _short_display(snap: Snapshot, said: Statement, aspect: Aspect) -> str:
    """A comparison cell's value in display form: the clause in display form, then cut (so that no link or
    code span is cut open), as few words as ``values`` keeps."""
    if _whole_row(snap, said.unit):  # its cells on the aspect ('Idle memory (RSS) 9 MB' of 'Memory use')
        return shorten(table_row(snap.version.unit_contexts[said.unit], snap.unit_text[said.unit],
                                 _resolver(snap, said.unit), only=lambda head: bool(aspect.stems & set(aspect_stems(head)))),
                       SHORT_WORDS)
    shown = shorten(display(short_clause(snap, said, aspect), _resolver(snap, said.unit)), SHORT_WORDS)
    return shown or escape_markers(short_value(snap, said, aspect))


def _whole_row(snap: Snapshot, unit: int) -> bool:
    """Whether ``unit`` is a table row quoted whole: one with no cell of a subject's column."""
    return snap.version.unit_kinds[unit] == "row" and not snap.unit_cells[unit] and bool(snap.version.unit_contexts[unit])


def _resolver(snap: Snapshot, unit: int) -> Resolver:
    """Resolves the links of a unit's document (:func:`qa.display.link_resolver`)."""
    docs = snap.version.docs
    doc = snap.doc_of(unit)

    def url_of(doc_id: str) -> str | None:
        found = docs.get(doc_id)
        return found.url if found else None

    return link_resolver(doc.doc_id, doc.url, url_of)


def _published(snap: Snapshot, unit: int) -> str:
    doc = snap.doc_of(unit)
    return doc.published or ""


def _stands_alone(snap: Snapshot, unit: int) -> bool:
    """A sentence or list item long enough to say what it is about, or leading into what follows, and not
    opening by pointing back ("It", "However") nor by answering a question ("No, FastAPI requires Python 3.7":
    under "Does FastAPI work with Python 3.6?", and no "no" to the question asked), nor under a heading naming a
    release ("0.47.3 (August 24, 2025)": release notes say which release only there); any other kind of unit."""
    if snap.version.unit_kinds[unit] not in ("sentence", "item"):
        return True
    if any(RELEASE_HEADING.match(h) for h in snap.version.chunks[int(snap.unit_chunk[unit])].section):
        return False
    sentence = snap.sentence_units(unit)  # whole, where a line wrap cut it
    own, first = snap.unit_text[sentence[-1]], snap.unit_text[sentence[0]]
    return BACK_REFERENCE.match(first) is None and _ANSWERS.match(first) is None and (
        sum(snap.unit_nwords[u] for u in sentence) >= SHORT_UNIT_WORDS or own.endswith(":"))


_ANSWERS = re.compile(r"\W*(?:yes|no)\s*[,.;:!–—-](?!\s*\d)", re.I)  # not "No. 1 on the list"


def _item_heading(snap: Snapshot, unit: int) -> str | None:
    """The heading right over a list item that says how to read it, as people read it: one framing what is under it
    as not so or not to do ('Common mistakes', 'Myths', 'Pitfalls': :data:`qa.cues.FRAMES_AS_WRONG`), or, over an
    item naming no subject, one advising a single subject ('Choose Svelte when'); else None. Quoted alone, the item
    reads as a claim of the corpus's own, or says nothing of which to choose ("You are building content sites,
    embedded widgets or dashboards ...")."""
    section = snap.version.chunks[int(snap.unit_chunk[unit])].section
    if not section:
        return None
    heading = section[-1]
    if FRAMES_AS_WRONG.search(heading) or (not snap.unit_subjects[unit] and len(snap.catalog.mentioned(heading)) == 1
                                           and ADVICE.search(heading)):
        return (clean_heading(heading) or heading).rstrip(": ")
    return None


def _subject_heading(snap: Snapshot, unit: int) -> str | None:
    """The nearest heading ``unit`` stands under that names a subject of the corpus, as people read it, when it
    names one alone; None otherwise ('Fastapi vs Flask' says whose nothing is)."""
    for heading in reversed(snap.version.chunks[int(snap.unit_chunk[unit])].section):
        if named := snap.catalog.mentioned(heading):
            return (clean_heading(heading) or heading) if len(named) == 1 else None
    return None


def context_span(snap: Snapshot, unit: int, through: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """What a unit needs to stand alone, as a span of its document's text: a table row's header row; for a
    sentence or list item that is short or opens by pointing back ("It", "However"), the sentence before it
    in its section (for a list item, the sentence that leads into its list). None when it stands alone.
    ``through``: the units a claim's quote runs over (``Claim.through``), whose first is what must stand alone."""
    version = snap.version
    unit = through[0] if through else unit
    ci, start, _ = (int(x) for x in version.units[unit])
    kind = version.unit_kinds[unit]
    text = snap.doc_of(unit).text
    if kind == "row":
        header = version.unit_contexts[unit]
        at = text.rfind(header, 0, start) if header else -1
        return (at, at + len(header)) if at >= 0 else None
    if _stands_alone(snap, unit):
        return None
    section = version.chunks[ci].section
    prev = int(snap.quote_first[unit]) - 1
    while prev >= 0 and snap.unit_doc[prev] == snap.unit_doc[unit] and version.chunks[int(version.units[prev][0])].section == section:
        if kind == "item" and version.unit_kinds[prev] == "item" and unit - prev < 50:
            prev -= 1  # an item of the same list: the sentence leading into the list says what it lists
            continue
        if version.unit_kinds[prev] in ("sentence", "item"):
            _, a, b = (int(x) for x in version.units[prev])
            # Markup alone ('<img ...>', '/// tip') says nothing: its display form is empty.
            return (a, b) if display(snap.unit_text[prev]) else None
        return None
    return None


NAMED_SECTION_UNITS = 5  # of a section a question names, its first this many units are shown


def _chunks_by_heading_word(snap: Snapshot) -> dict[str, list[int]]:
    """Per word, the chunks whose deepest heading holds it, of sections about one subject (see named_sections)."""
    out: dict[str, list[int]] = {}
    for c, chunk in enumerate(snap.version.chunks):
        if chunk.section and len(snap.section_subjects[c]) == 1:
            for word in set(words(chunk.section[-1])):
                out.setdefault(word, []).append(c)
    return out


def named_sections(snap: Snapshot, query: Query, scores: dict[int, float]) -> dict[str, list[tuple[str, list[int]]]]:
    """For a question whose own words ('pros', 'cons') are all words of the deepest headings of sections about its
    subjects, each subject having such a section ("Pros of Flask", "FastAPI Analysis > Cons"): per subject, the
    heading and the units (prose, in order) of such sections, in the order of the question's words, each word's
    the section holding the best-scored unit (the first such section when none is scored). Empty unless every
    subject has one, and for no yes/no question; for a single subject, only for a question of fact asking for several
    things ("What are the cons of Flask?", not "What is FastAPI built on?", whose heading 'Built on the Shoulders
    of Giants' is no list of what it is built on)."""
    asked = [t for t in dict.fromkeys(query.aspect_terms) if t not in snap.subject_words]
    if not asked or not query.subjects:
        return {}
    if is_yes_no(query.text):
        return {}  # "Do Starlette and Quart support sessions?" asks whether, not for "API Schema support: ..."
    if len(query.subjects) == 1 and (query.qtype != "fact" or not any(w.endswith("s") for w in asked)
                                     or WANTS_NUMBER.match(query.text)):
        # of one subject, a question asking for several things ('cons', 'key features'); not for a number ("how
        # many routers can a thread network have" is answered by "up to 32 active routers", not 'Border routers')
        return {}
    version = snap.version
    headed = snap.memo("headed", None, lambda: _chunks_by_heading_word(snap))
    # per subject, per section (doc, path) whose deepest heading holds asked words: its chunks and those words
    found: dict[str, dict[tuple[str, tuple[str, ...]], tuple[list[int], set[str]]]] = {}
    for c in sorted({c for word in asked for c in headed.get(word, ())}):
        (subject,) = snap.section_subjects[c]
        chunk = version.chunks[c]
        if subject in query.subjects:
            held = set(asked) & set(words(chunk.section[-1]))
            found.setdefault(subject, {}).setdefault((chunk.doc_id, chunk.section), ([], held))[0].append(c)
    if set(found) != set(query.subjects) or any({w for _, held in places.values() for w in held} != set(asked)
                                                for places in found.values()):
        return {}

    def units(chunks: list[int]) -> list[int]:
        """The section's prose, less the sentences the one before quotes as its continuation."""
        return [u for c in chunks for u in range(version.chunks[c].unit_lo, version.chunks[c].unit_hi)
                if not snap.unit_is_code[u] and not (u and snap.quote_last[u - 1] >= u)]

    def shown(prose: list[int]) -> list[int]:
        """Its first units; of a section of lists under short lead-ins ("Pros:", "Cons:"), the lists whose
        lead-in holds a word asked ("What are the cons of Go?" of "Go: pros and cons"), each from its lead-in."""
        kinds = version.unit_kinds
        leads = [i for i, u in enumerate(prose[:-1])
                 if kinds[u] != "item" and kinds[prose[i + 1]] == "item" and snap.list_label(u)]
        picked = [i for i in leads if set(asked) & set(words(snap.unit_text[prose[i]]))]
        if not picked:
            return prose[:NAMED_SECTION_UNITS]
        ends = [next((j for j in leads if j > i), len(prose)) for i in picked]
        return [u for i, end in zip(picked, ends, strict=True) for u in prose[i:end][:NAMED_SECTION_UNITS]]

    def best(place: tuple[list[int], set[str]]) -> float:
        return max((scores.get(u, float("-inf")) for u in units(place[0])), default=float("-inf"))

    out: dict[str, list[tuple[str, list[int]]]] = {}
    for subject in query.subjects:
        covered: set[str] = set()
        for word in asked:
            if word in covered:
                continue
            (_doc, path), (chunks, held) = max(((k, v) for k, v in found[subject].items() if word in v[1]),
                                               key=lambda kv: best(kv[1]))
            covered |= held
            out.setdefault(subject, []).append((clean_heading(path[-1]) or path[-1], shown(units(chunks))))
    return out


def unit_display(snap: Snapshot, unit: int, *, context: bool = True, through: tuple[int, int] | None = None) -> str:
    """A unit as people read it (:mod:`qa.display`): with what it needs to stand alone (:func:`context_span`)
    and its links resolved; a code block whole, fenced. ``through``: the units a claim's quote runs over."""
    version = snap.version
    _, start, end = (int(x) for x in version.units[unit])
    doc = snap.doc_of(unit)
    resolve = _resolver(snap, unit)
    kind = version.unit_kinds[unit]
    if kind == "code":
        if snap.memo("rst", doc.doc_id, lambda: is_rst(doc.text)):  # its title underlines ('~~~~') are no fences
            # from its line's start, to dedent
            return code_display(doc.text[doc.text.rfind("\n", 0, start) + 1 : end], resolve, rst=True)
        a, b = code_block_span(doc.text, start, end)  # a block split for length is shown whole
        return code_display(doc.text[a:b], resolve)
    if kind == "row":
        return table_row(version.unit_contexts[unit], snap.unit_text[unit], resolve)
    if through and version.unit_kinds[through[1]] == "code":
        # a sentence leading into a code block (qa.evidence.claim_units), quoted with it, the block fenced
        lead = unit_display(snap, unit, context=context, through=(through[0], through[1] - 1))
        return f"{lead}\n{unit_display(snap, through[1])}"
    # A unit of markup alone ('<br>') has no display text of its own: its words as written, then.
    quoted = doc.text[slice(*snap.quote_span(unit, through))]  # with the sentences that continue it
    shown = display(quoted, resolve) or " ".join(quoted.split())
    if through and version.unit_kinds[through[1]] == "row":
        # a sentence leading into a table, quoted with its rows (qa.evidence.claim_units): each row as one reads
        rows = [u for u in range(through[0], through[1] + 1) if version.unit_kinds[u] == "row"]
        lead = doc.text[slice(*snap.quote_span(through[0], (through[0], rows[0] - 1)))]
        shown = " ".join([display(lead, resolve), "; ".join(
            table_row(version.unit_contexts[u], snap.unit_text[u], resolve) for u in rows)])
    if not context or _stands_alone(snap, through[0] if through else unit):
        if context and version.unit_kinds[unit] == "item" and (heading := _item_heading(snap, unit)) is not None:
            return f"{heading}: {shown}"  # 'Common mistakes: Dropping retrospectives because "Kanban doesn't have them".'
        return shown
    if (ctx := context_span(snap, unit, through)) is not None and (before := display(doc.text[ctx[0]:ctx[1]], resolve)):
        said = f"{before} {shown}"
        # A list under one subject's heading, led by words naming none ("### Gaggia Classic Pro", "Pros:", "-
        # Commercial 58 mm portafilter"): the heading says whose it is.
        if version.unit_kinds[unit] == "item" and (heading := _subject_heading(snap, unit)) is not None \
                and not snap.catalog.find(said):
            return f"{heading} > {said}"
        return said
    # Nothing before it in its section ("- Learning curve steeper for beginners" right under "### Cons"):
    # the headings it sits under say what it is about ("FastAPI Analysis > Cons: Learning curve ...").
    path = section_path(doc.title, version.chunks[int(version.units[unit][0])].section)
    return f"{' > '.join(path.split(' > ')[-2:])}: {shown}" if path else shown


def abstain(
    snap: Snapshot,
    query: Query,
    question: str,
    conf: float,
    cands: list[Candidate] | None = None,
    unknown: list[str] | None = None,
    passing: str | None = None,
    *,
    said_all: bool = False,
) -> Answer:
    """An answer that cites nothing: the corpus does not cover the question (what it has nothing on, or the name
    it mentions only in passing), or, ``said_all``, it has no more to quote than the answers before ("tell me
    more"); with the nearest topics it does cover."""
    topics = nearest_topics(snap, cands or [])
    what = None
    if said_all:
        text = NOTHING_MORE
    elif unknown:
        what = unknown[0] if unknown[0].startswith("a comparison of") else ", ".join(unknown)
        text = NOT_COVERED[:-1] + f" (it has nothing on {what})."
    elif passing:
        what = passing
        text = NOT_COVERED[:-1] + f" (it mentions {passing} only in passing)."
    else:
        text = NOT_COVERED
    if topics:
        text += " Nearest topics it does cover: " + "; ".join(topics) + "."
    return Answer(
        question=question, resolved_question=query.text, answer=text, abstained=True,
        confidence=round(conf, 4), subjects=query.subjects, citations=(), suggestions=tuple(topics),
        index_version=snap.name, sections=(Section("not_covered", what, "", text),),
    )


def no_question(snap: Snapshot, question: str) -> Answer:
    """The answer to a message that asks nothing ("thanks!", "hi"): what the corpus can be asked about."""
    names = snap.catalog.names
    about = " and ".join(names) if len(names) <= 3 else "its subjects"
    text = f"{NO_QUESTION} Ask one about {about if names else 'what it covers'}."
    return Answer(question=question, resolved_question=question, answer=text, abstained=True, confidence=0.0,
                  subjects=(), citations=(), index_version=snap.name, sections=(Section("not_covered", None, "", text),))


def nearest_topics(snap: Snapshot, cands: list[Candidate], n: int = 4) -> list[str]:
    """Section headings of the nearest chunks (by retrieval), else the corpus's first headings."""
    seen: list[str] = []
    chunks = [snap.version.chunks[c.chunk] for c in cands] + snap.version.chunks
    for chunk in chunks:
        if not chunk.section:
            continue
        head = topic_label(chunk.section[-1], snap.version.docs[chunk.doc_id].title)
        if head not in seen:
            seen.append(head)
        if len(seen) >= n:
            break
    return seen
