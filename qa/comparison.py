"""Comparison: per question, which unit speaks for which subject, the aspect-by-subject table, the
disagreements between sources, and the sources' advice on when to choose each subject."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from qa.aspects import HYPHENATED, Aspect, aspect_stems, generic, held_form, joined_stems, stem
from qa.coverage import compound_terms
from qa.cues import (
    ADVICE,
    AMOUNT_WORDS,
    ASKS_CAPABILITY,
    VERDICT,
    WANTS_NUMBER,
    WANTS_YEAR,
    alternatives,
    asks_origin,
    asks_quantity,
    counted,
    definition_term,
    is_yes_no,
    negative,
)
from qa.facts import (
    ASKS_DATE,
    ASKS_PRICE,
    CURRENCY,
    CURRENT,
    DURATION,
    EVERY,
    LATEST,
    PER_WORD,
    PRICE_KEY,
    RELEASE_STEMS,
    Fact,
    amounts_stated,
    asked_measures,
    asked_release_dates,
    dates_differ,
    dates_said,
    differ,
    models_named,
    other_models,
    scale,
    unit_facts,
)
from qa.query import Query, SubjectCatalog, foreign_comparison
from qa.retrieval import Candidate
from qa.snapshot import Snapshot
from qa.text import NOW_WORDS, STOPWORDS, clause, clause_span, words

MAX_ROWS = 6


class Statement(NamedTuple):
    """What one unit says: the unit and the span of its document that says it (a table cell or the whole unit)."""

    unit: int
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Statements from different sources that differ on one aspect of one subject; ``topic`` is its heading
    ('GitHub stars (FastAPI)')."""

    topic: str
    statements: tuple[Statement, ...]
    subjects: tuple[str, ...] = ()


def subject_span(snap: Snapshot, unit: int, subject: str) -> tuple[int, int] | None:
    """The part of a unit that speaks about ``subject`` (a table cell, or the whole unit), if any."""
    return snap.unit_spans[unit].get(subject)


def span_text(snap: Snapshot, unit: int, span: tuple[int, int]) -> str:
    doc = snap.doc_of(unit)
    return doc.text[span[0] : span[1]]


def _pool(
    snap: Snapshot, cands: list[Candidate], qvec: NDArray[np.float32], small: int = 4000
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Units to consider (all of a small corpus, else those of the candidate chunks) and their cosines with
    the question (for the whole corpus, without copying its vectors)."""
    vecs = snap.version.unit_vecs
    if len(vecs) <= small:
        return np.arange(len(vecs), dtype=np.int64), vecs @ qvec
    chunks = snap.version.chunks
    pool = np.array([u for c in cands for u in range(chunks[c.chunk].unit_lo, chunks[c.chunk].unit_hi)], dtype=np.int64)
    return pool, vecs[pool] @ qvec


def question_stems(snap: Snapshot, query: Query) -> frozenset[str]:
    """The aspect stems a question asks about ('GitHub stars' -> githu, stars; 'wifi' of 'Wi-Fi')."""
    return frozenset(aspect_stems(" ".join(query.aspect_terms), snap.subject_words)) | frozenset(
        joined_stems(query.text, snap.subject_words))


def compound_stems(snap: Snapshot, query: Query) -> list[tuple[str, str]]:
    """The stems of the question's two-word terms the corpus writes (:func:`qa.coverage.compound_terms`), both
    words long enough to name an aspect ('api' is not: "API documentation" is on 'Documentation Support')."""
    pairs = (aspect_stems(f"{a} {b}") for a, b in compound_terms(snap, query))
    return [(p[0], p[1]) for p in pairs if len(p) == 2]


def _names_aspect(aspect: Aspect, qstems: frozenset[str], terms: list[tuple[str, str]]) -> bool:
    """Whether the question names ``aspect``: a stem they share, not one word of a two-word term of the question
    ('machine learning') that the aspect holds without the other ('Ease of Use (relative to learning curve)')."""
    shared = aspect.stems & qstems
    if shared and terms:
        # The words of its name count as its own here: 'data' is in too many labels ('Data Flow', 'Data Pools') to
        # name 'Data Validation', but it is the partner of 'validation' in "data validation".
        named = aspect.stems | {stem(w) for w in words(aspect.name)}
        for a, b in terms:
            if (a in named) != (b in named):
                shared -= {a, b}
    return bool(shared)


def _clipped(aspect: Aspect, query: Query) -> bool:
    """Whether a word of the question is a clipping of a word of ``aspect``'s name ('docs' of 'Documentation
    Support', 'perf' of 'Performance'): its letters, less a plural 's', open that longer word."""
    heads = {w[:-1] if w.endswith("s") else w for t in query.aspect_terms for w in words(t)}
    return any(len(h) >= 3 and n.startswith(h) and len(n) > len(h) + 2 for h in heads for n in words(aspect.name.lower()))


SHORT_WORDS = 10  # a comparison cell's value in short form: at most this many words


def short_clause(snap: Snapshot, said: Statement, aspect: Aspect) -> str:
    """What a statement says in a comparison cell, uncut and verbatim: a table cell as written, the label of an
    item written 'Label: explanation', else the clause naming the aspect (never cutting a code span, a link or
    an HTML tag open)."""
    text = span_text(snap, said.unit, said.span).strip()
    if not snap.unit_cells[said.unit]:
        head, sep, _rest = text.partition(": ")
        if sep and 0 < len(head.split()) <= 6 and snap.version.unit_kinds[said.unit] == "item":
            return head
        for m in _WORD_AT.finditer(text):
            if stem(m.group().lower()) in aspect.stems:
                return clause(text, 0, m.start(), m.end()).strip()
    return text


def short_value(snap: Snapshot, said: Statement, aspect: Aspect) -> str:
    """:func:`short_clause` cut to :data:`SHORT_WORDS` words."""
    kept = short_clause(snap, said, aspect).split()
    short = " ".join(kept[:SHORT_WORDS]).rstrip(".,;:")
    return short + ("…" if len(kept) > SHORT_WORDS else "")


SECTION_BONUS = 0.1  # how much a unit under the aspect's own heading is a better cell than its cosine says


def _under_heading_of(snap: Snapshot, unit: int, aspect: Aspect) -> bool:
    """Whether ``unit``'s section's heading is one of ``aspect``'s labels ('## Memory per key')."""
    section = snap.version.chunks[int(snap.unit_chunk[unit])].section
    return bool(section) and section[-1] in aspect.labels


def _row_on(snap: Snapshot, unit: int, aspect: Aspect, name_stems: frozenset[str]) -> bool:
    """Whether a table row is on ``aspect``: its label or its section's heading is one of the aspect's ('| Workloads
    per node | ...' under "## Scale limits"), or its label holds every word of the aspect's name (``name_stems``:
    'p99 latency at 50% load' of 'Latency'; not 'Automatic Data Validation' of 'Automatic API Documentation')."""
    label = snap.row_label(unit).strip()
    return label in aspect.labels or _under_heading_of(snap, unit, aspect) or name_stems <= _name_words(label)


def _name_words(text: str) -> frozenset[str]:
    """The words of an aspect's name or a row's label, short ones too ('end' of 'End-to-end encryption', which
    'Encryption in transit' does not hold), each as a text holds it (:func:`qa.aspects.held_form`)."""
    return frozenset(held_form(w) for w in words(text) if not generic(w) and not w.isdigit())


def comparison_rows(
    snap: Snapshot, qvec: NDArray[np.float32], query: Query, cands: list[Candidate],
    embed: Callable[[str], NDArray[np.float32]] | None = None, *, named_whole: bool = False,
) -> tuple[dict[Aspect, dict[str, list[Statement]]], bool]:
    """One row per aspect the sources cover, in order: per subject, what the best units for it say (best first;
    the subject is missing when none does); and whether the rows are on what the question asks. The aspects
    asked are those the question names, else the one it means in other words ("Flask vs FastAPI on speed":
    'Performance', :meth:`Snapshot.meant_aspect`), read from the vector ``embed`` gives its aspect words alone
    (the subjects' names would outweigh them in the question's); else the corpus's main ones. With
    ``named_whole`` (a choice between the subjects, "Which one has better documentation?") only the aspects the
    question names whole, each naming no subject, and no rows when there is none: 'Flask: You Build It
    Yourself' is one side's heading, no aspect to weigh both on ("... they should build small websites. Which one
    should I teach with?")."""
    pool, pool_cos = _pool(snap, cands, qvec)
    if not len(pool):
        return {}, False
    cos = dict(zip(pool.tolist(), pool_cos.tolist(), strict=True))
    qstems = question_stems(snap, query)
    terms = compound_stems(snap, query)
    asked = [a for a in snap.aspects if _names_aspect(a, qstems, terms)]
    if named_whole:
        asked = [a for a in asked if a.stems | frozenset(aspect_stems(a.name, snap.subject_words)) <= qstems
                 and not snap.catalog.find(a.name)]
    if not asked and qstems and embed is not None and snap.aspect_vecs is not None:
        meant = snap.meant_aspect(embed(" ".join(t for t in query.aspect_terms if not generic(t))))
        if named_whole and meant is not None and (snap.catalog.find(meant.name) or not _clipped(meant, query)):
            meant = None
        asked = [meant] if meant is not None else []
    if named_whole and not asked:
        return {}, False
    aspects = asked or [a for a in snap.aspects if a.weight >= 2] or [a for a in snap.aspects if a.weight][:MAX_ROWS]
    rows: dict[Aspect, dict[str, list[Statement]]] = {}
    used: set[int] = set()
    for aspect in aspects:
        cells: dict[str, list[Statement]] = {}
        # Of an aspect the question names, a cell speaks to all it names: 'will depend on your needs' is no
        # word on "dependency injection".
        named = aspect.stems & qstems
        name_stems = _name_words(aspect.name)
        on_aspect = cache(lambda u, aspect=aspect, name_stems=name_stems: _row_on(snap, u, aspect, name_stems))
        for subject in query.subjects:
            ranked: list[tuple[float, int]] = []
            for u, c in cos.items():
                # A code block is an example, not what a source says of a subject; nor is a sentence about the
                # writing it opens ("This issue collects what our readers told us after running Kafka ...").
                if not (snap.unit_stems[u] & aspect.stems) or not named <= snap.unit_stems[u] \
                        or snap.unit_is_code[u] or snap.unit_on_itself[u] or subject_span(snap, u, subject) is None:
                    continue
                # A table row with a cell per subject speaks to the aspect its label is of: '| Maximum row size |
                # ... | 65,535 bytes (excluding BLOB/TEXT) |' is on no 'Full-text search', '| Automatic Data
                # Validation | ...' on no 'Automatic API Documentation'.
                # (any table row: 'Encryption in transit: ... Notion Yes (TLS 1.2+)', of a table with more columns
                # than subjects, is on no 'End-to-end encryption')
                if (snap.unit_cells[u] or snap.version.unit_kinds[u] == "row") and not on_aspect(u):
                    continue
                # A table cell is an explicit per-subject statement: the best kind of evidence for a row.
                score = c + (0.3 if snap.unit_cells[u] else 0.0) - (0.2 if u in used else 0.0)
                score += 0.05 * snap.freshness[snap.unit_doc[u]]
                # under a heading that is the aspect's ('## Memory per key'): it speaks to the aspect, not only of
                # a word of it ("... the extra threads also handle command parsing and memory prefetching")
                if _under_heading_of(snap, u, aspect):
                    score += SECTION_BONUS
                if not snap.unit_cells[u]:
                    if len(snap.unit_subjects[u]) > 1:  # names the other side too: weaker for one cell
                        score -= 0.1
                    if snap.unit_nwords[u] < 5:
                        score -= 0.3
                if score > 0.15:
                    ranked.append((score, u))
            ranked.sort(reverse=True)
            picked: list[int] = []
            docs: set[int] = set()
            for _score, u in ranked:
                if snap.unit_doc[u] not in docs:
                    picked.append(u)
                    docs.add(snap.unit_doc[u])
                if len(picked) == 2:
                    break
            if picked:
                cells[subject] = [Statement(u, snap.unit_spans[u][subject]) for u in picked]
        if cells and (asked or len(cells) == len(query.subjects)):
            rows[aspect] = cells
            used.update(s.unit for said in cells.values() for s in said)
        if len(rows) >= MAX_ROWS:
            break
    return rows, bool(asked)


def conflicts(
    snap: Snapshot, query: Query, qvec: NDArray[np.float32], cands: list[Candidate],
    embed: Callable[[str], NDArray[np.float32]] | None = None, ranked: Sequence[int] = (),
) -> list[Disagreement]:
    """Claims about the same subject and aspect from different sources that differ.

    First the facts the corpus states (qa.facts: a measured quantity, a version, what a subject is built on)
    on the aspect the question asks about, by its words or its meaning; then, for a subject with none, a yes
    and a no said of the subject in the question's aspect words, or the two sides of an "A or B" question.
    ``embed`` gives the vector of a text: the question's with its subjects unnamed, which reads what amount it
    asks for (:func:`_fact_disagreements`); ``ranked``, the units the answer's claims are drawn from, best first,
    which may say when something happened or how much it measures (:func:`_said_per_source`)."""
    if not query.subjects and foreign_comparison(query.text, snap.catalog):
        return []  # "pandas vs data.table groupby benchmark seconds" asks nothing of the subjects' durations
    pool, cos = _pool(snap, cands, qvec)
    if not len(pool):
        return []
    qstems = question_stems(snap, query)
    order = np.argsort(-cos)
    subjects = query.subjects or tuple(snap.catalog.names)
    unnamed = (lambda: embed(_unnamed(query.text, snap.catalog))) if embed is not None else (lambda: qvec)
    # (read only for a question asking when or how much, after the corpus's facts gave none)
    said_near = partial(_near, pool, cos, order, ranked)
    out = _fact_disagreements(snap, query, qvec, unnamed, qstems, subjects) or _dated_disagreements(
        snap, query, said_near) or _measured_disagreements(snap, query, said_near)
    covered = {s for d in out for s in d.subjects}
    best = float(cos[order[0]])
    top = order[:60]
    top_units, top_cos = pool[top].tolist(), cos[top]
    def heading_cos(u: int) -> float:  # how near the question the question heading ``u``'s passage asks
        return float(snap.ask_cos(snap.unit_chunk[[u]], qvec)[0])

    if not out and not query.subjects and is_yes_no(query.text):  # a yes/no of no subject: its FAQs' verdicts
        out = _answered_apart(snap, top_units, heading_cos)
    near = (top_cos >= max(0.3, best - 0.4)).tolist()
    # A yes and a no are read of a subject the question names (or the corpus's one): "Can I keep my old furnace as
    # a backup?" is no question whether a heat pump has a backup.
    yes_no = bool(qstems) and is_yes_no(query.text) and (bool(query.subjects) or len(snap.catalog.names) == 1) \
        and not (_COPULA.match(query.text) and _AMOUNT_OR_AMOUNT.search(query.text))
    forms = _forms(snap, qstems) if yes_no else frozenset()
    typed = frozenset(w for w in words(query.text) if len(w) >= 3 and w not in STOPWORDS) if yes_no else frozenset()
    unit_cos = dict(zip(top_units, top_cos.tolist(), strict=True)) if yes_no else {}  # what _yes_and_no reads
    on_aspect = [u for u, ok in zip(top_units, near, strict=True)
                 if ok and (not qstems.isdisjoint(snap.unit_stems[u]) or (yes_no and not forms.isdisjoint(snap.unit_words[u])))]
    alts = alternatives(query)
    if alts:  # claims in the alternatives' own words, however short ("Complex framework.")
        seen, wanted = set(on_aspect), set(alts)
        on_aspect += [u for u in pool[order[cos[order] >= 0.25]].tolist() if u not in seen and wanted & snap.unit_words[u]]
    # "Is Nginx harder to configure than Caddy?" asks a yes or a no of Nginx: of Caddy it asks nothing alone; nor
    # of Celery "does dramatiq have a built-in periodic scheduler like celery beat?".
    found = snap.catalog.find(query.text) if yes_no and len(query.subjects) >= 2 else []
    compared = bool(found) and (_THAN.search(query.text) is not None
                                or any(_LIKE.search(query.text, 0, start) for _n, start, _e in found[1:]))
    kinds = _kinds_asked(query.text, snap.catalog) if yes_no else []  # read once, not per subject
    for subject in subjects[:1] if compared else subjects:
        if subject in covered or not on_aspect:
            continue
        # A unit naming the subject anywhere may say something of it: _said_of reads which clause does.
        claims = [(u, span, snap.unit_source[u]) for u in on_aspect
                  if (span := _answers(snap, u, subject) or subject_span(snap, u, subject) or _whole(snap, u, subject))
                  is not None
                  and len(span_text(snap, u, span).split()) <= 60]
        if len({source for _, _, source in claims}) < 2:
            continue
        picked: list[Statement] = []
        words_of: Sequence[str] = alts
        if alts:
            picked = _sides(snap, claims, subject, alts)
        # "Is X A or B?" asks which; "Does X have A or B?" asks one yes/no of both.
        if not picked and yes_no and not (alts and _COPULA.match(query.text)):
            # The aspect the corpus names that the question names whole ('Data Validation' in "Does Flask
            # validate incoming data?"), else all the question's aspect words: a claim must speak to it.
            focus = frozenset().union(*(a.stems for a in snap.aspects if a.stems <= qstems)) or qstems
            picked = _yes_and_no(snap, claims, subject, focus, forms if focus == qstems else _forms(snap, focus),
                                 qstems, unit_cos, typed, heading_cos, [s for s in query.subjects if s != subject],
                                 kinds, quality=not ASKS_CAPABILITY.match(query.text))
            words_of = [w for w in query.aspect_terms if stem(w) in focus] or sorted(focus)
        if len(picked) >= 2:
            out.append(Disagreement(_aspect_topic(snap, picked, words_of, subject), tuple(picked), (subject,)))
    return out


# "When did X happen?", "How far apart should mesh nodes be?": statements saying what it asks with one value, read
# from at most this many of the units the claims are drawn from, then as many nearest it in meaning (this near the
# nearest), each holding this share of the question's words (by IDF, a heading's asking a question too).
SAID_COS = 0.1
SAID_UNITS = 8
SAID_SHARE = 0.5
_WHEN_WORDS = frozenset("when date dates year years month day time".split())
_T = TypeVar("_T")


def _near(pool: NDArray[np.int64], cos: NDArray[np.float32], order: NDArray[np.int64], ranked: Sequence[int]) -> list[int]:
    """The units a statement of when or how much is read from: those the answer's claims are drawn from (the
    first :data:`SAID_UNITS` of ``ranked``), then those nearest the question in meaning (as many of ``pool`` by
    ``order``, its cosines ``cos`` best first, within :data:`SAID_COS` of the nearest)."""
    top = order[:SAID_UNITS].tolist()
    nearest = [int(pool[k]) for k in top if cos[k] >= cos[top[0]] - SAID_COS]
    return list(dict.fromkeys([*ranked[:SAID_UNITS], *nearest]))


def _said_per_source(snap: Snapshot, query: Query, near: Callable[[], list[int]], read: Callable[[int], _T | None],
                     ignored: frozenset[str] = frozenset(), together: bool = False) -> dict[int, tuple[int, _T]]:
    """Of the units ``near()`` gives (:func:`_near`) that hold most of the question's words
    (:data:`SAID_SHARE`, less ``ignored``, in their own words or an FAQ heading's; or, ``together``, that name
    every subject of a question naming two or more), the first of each source of which ``read`` reads a value:
    source -> (unit, value)."""
    terms = [w for w in dict.fromkeys(w for t in query.terms for w in words(t)) if w not in STOPWORDS and w not in ignored]
    if not terms:
        return {}
    weights = np.array([snap.idf_of(t) for t in terms])
    weights = weights / weights.sum()
    said: dict[int, tuple[int, _T]] = {}
    for u in near():
        source = snap.unit_source[u]
        if source in said or snap.unit_is_code[u] or (value := read(u)) is None:
            continue
        # (a heading asking a question its passage answers holds the statement's words too: "How far apart should
        # the nodes be?" over "keep each satellite within 15 metres ..."; not any section's, which says what a
        # page is about: 'Installation' over "An Ibex KV shell host lasts about 3 years.")
        chunk = int(snap.unit_chunk[u])
        headed = {stem(w) for w in snap.section_words[chunk]} if snap.chunk_asks[chunk] else set()
        held = np.array([snap.holds(u, t) or stem(t) in headed for t in terms])
        if float(weights @ held) >= SAID_SHARE or together and len(query.subjects) >= 2 \
                and set(query.subjects) <= snap.unit_subjects[u]:
            said[source] = (u, value)
    return said


def _asked_words(query: Query, ignored: frozenset[str] = frozenset()) -> str:
    """The question's words as typed, but function words and ``ignored``: a disagreement's topic."""
    return " ".join(w for w in re.findall(r"[\w.+#'-]+", query.text) if w.lower() not in STOPWORDS and w.lower() not in ignored)


def _dated_disagreements(snap: Snapshot, query: Query, near: Callable[[], list[int]]) -> list[Disagreement]:
    """For a question asking when something happened ("when did stripe buy lemon squeezy", "wi-fi 7 certification
    launch date"): of the statements near it that say when, with one date, and hold most of what it asks (or, two
    subjects named together being what happened, name both: "Stripe acquired Lemon Squeezy" for "... buy ..."),
    the first of each source; a disagreement when two sources' dates cannot both hold ("Stripe acquired Lemon
    Squeezy in July 2024", "... in October 2024"). Not of statements naming a release by its number (a subject's
    releases are a history: their dates are facts of their own, :mod:`qa.facts`)."""
    asks_when = WANTS_YEAR.search(query.text) and not _WHEN_CONJUNCTION.search(query.text)
    if not (asks_when or ASKS_DATE.search(query.text)) or _VERSION.search(query.text):
        return []

    def date(u: int) -> str | None:
        text = snap.unit_text[u]
        dates = dates_said(text) if not _VERSION.search(text) else {}
        if len(dates) != 1:
            return None
        [(value, at)] = dates.items()
        # said of what the question asks of: the subject named last before it ("Stripe acquired Lemon Squeezy
        # in July 2024" for "lemon squeezy acquisition date"; not "FastAPI was first released in December 2018
        # ... overtaking Flask" for "When was Flask released?"), else its section's ("This framework was released
        # in 2010" under 'What is Flask?' is not of FastAPI)
        if not query.subjects:
            return value
        before = [name for name, start, _end in snap.catalog.find(text) if start < at]
        section = snap.section_subjects[int(snap.unit_chunk[u])]
        # (else the sentence before it in its paragraph: "Tutanota is made by Tutao GmbH ... It was founded in 2011")
        about = {before[-1]} if before else section or snap.unit_context_subjects[u]
        return value if not about or about & set(query.subjects) else None

    said = _said_per_source(snap, query, near, date, _WHEN_WORDS, together=True)
    if len(said) < 2 or not dates_differ([d for _u, d in said.values()]):
        return []
    statements = tuple(Statement(u, _unit_span(snap, u)) for u, _d in said.values())
    return [Disagreement("When: " + _asked_words(query, _WHEN_WORDS), statements, query.subjects)]


def _measured_disagreements(snap: Snapshot, query: Query, near: Callable[[], list[int]]) -> list[Disagreement]:
    """For a question asking a measured amount (:func:`qa.facts.asked_measures`: "how far apart should mesh nodes
    be", "how big is react gzipped", "how many years is the warranty"), or any amount per what it says ("how much
    output do panels lose each year"), of the one subject it names, or of none: of the statements near it stating
    one amount of that kind (the first they write, of one value), holding most of what it asks and about that
    subject alone (or none), the first of each source; a disagreement when two sources' amounts in one unit
    cannot both hold ("within 15 metres (50 feet)", "no more than 9 metres (30 feet)
    apart"). The corpus's facts are read by subject and aspect (:func:`_fact_disagreements`): a corpus comparing
    no subjects states none, and a question may name what a source measures in words of its own."""
    keys = asked_measures(query.text)
    # "solar panel degradation rate per year": an amount per year, of whatever kind ('0.5 percent of their output
    # per year')
    rates = frozenset(stem(m.group(1).lower()) for m in EVERY.finditer(query.text))
    if not (keys or rates) or len(query.subjects) > 1:
        return []

    def amount(u: int) -> Fact | None:
        if query.subjects:  # what the corpus's facts say of the subject ("... and Next.js adds ...": not of it)
            stated = [f for f in snap.unit_facts[u] if f.subject == query.subjects[0] and f.kind == "quantity"]
        else:  # of a unit about no subject
            stated = amounts_stated(snap.unit_text[u]) if not snap.unit_subjects[u] else []
        # (a rate only when the question says per what: not "5,000 km a year" for "chain lifespan km")
        stated = [f for f in stated if (f.key.split("/")[0] in keys or set(f.key.split("/")[1:]) & rates)
                  and not _of_another_thing(f, asked) and all(per in asked for per in f.key.split("/")[1:])]
        if not stated or any(f.key == stated[0].key and f.value != stated[0].value for f in stated):
            return None
        return stated[0]

    # (the words asking are no words of what is measured: 'long' and 'last' of "how long does a chain last",
    # nor is the unit asked in: 'years' of "how many years is the warranty", 'percent')
    asking = frozenset(w for w in words(query.text)
                       if stem(w) in _ASKING or w in ("last", "lasts") or scale(w) or stem(w) in keys)
    asked = frozenset(stem(w) for w in words(query.text))
    said = _said_per_source(snap, query, near, amount, asking)
    for key in dict.fromkeys(f.key for _u, f in said.values()):
        same = [(u, f) for u, f in said.values() if f.key == key]
        if len(same) >= 2 and differ([f for _u, f in same]):
            statements = tuple(Statement(u, _unit_span(snap, u)) for u, _f in same)
            return [Disagreement(f"{same[0][1].measure()}: {_asked_words(query, asking)}", statements, query.subjects)]
    return []


def _of_another_thing(fact: Fact, asked: frozenset[str]) -> bool:
    """Whether a stated amount's measure names what it is of in words none of which is ``asked`` (stems): '10
    years of labor' for "microinverter warranty years"."""
    head = fact.key.split("/")[0]
    named = {stem(w) for w in words(fact.label) if len(w) >= 4 and w not in STOPWORDS and scale(w) is None} - {head}
    return bool(named) and not named & asked


def _unit_span(snap: Snapshot, u: int) -> tuple[int, int]:
    _ci, start, end = (int(x) for x in snap.version.units[u])
    return start, end


_VERSION = re.compile(r"\b\d+\.\d+\b")  # "Does X require Python 3.10?" asks which version
_HOW_LONG = re.compile(r"\bhow long\b|\bdurations?\b", re.I)
_SIZED = re.compile(r"\bhow (?:big|large|small|heavy|tall|wide)\b|\bsizes?\b", re.I)
# What "how long" asks: a duration or a length ('years', 'minutes', 'metres'), never a price.
_DURATIONS = frozenset(stem(w) for w in "seconds minutes hours days weeks months years decades".split()) | {DURATION}
_LONG = _DURATIONS | {stem(w) for w in """millimetres millimeters centimetres centimeters metres meters kilometres
    kilometers inches feet yards miles mm cm km""".split()}
# Words asking for an amount ("how long does it take"), or comparing amounts of money: not what is measured.
_ASKING = frozenset(stem(w) for w in AMOUNT_WORDS | {"long", "far", "often", "old", "cheap", "cheaper", "cheapest",
                                                     "expensive", "costly", "duration", "take", "takes"})
# Words asking a duration of what they follow, as "how long" does: "charging time", "battery life"
_TIME = re.compile(r"\b(?:times?|life|lifespans?|lifetimes?)\b", re.I)
_TIME_STEMS = frozenset(stem(w) for w in ("time", "life", "lifespan", "lifetime"))
_NOW_STEMS = frozenset(stem(w) for w in NOW_WORDS) - {CURRENT}  # ('currently' stems as 'current' does)
_ASKS_RELEASE = re.compile(r"\b(?:when|since|versions?|releases?)\b", re.I)
RELEASE_COS = 0.5  # how near the question each statement of the release something happened in must be
_THAN = re.compile(r"\bthan\b", re.I)
_TIMES = re.compile(r"\btimes\b", re.I)
# 'when' joining a clause mid-question, asking no date: "is dramatiq better than celery when it comes to reliability?"
_WHEN_CONJUNCTION = re.compile(r"(?<!^)\bwhen\s+(?:it|you|i|we|they|there|the|a|an|using|running|used)\b", re.I)
_HOW_FAST = re.compile(r"\bhow (?:fast|quick)\b|\bspeed\b|\bfaster\b|\bslower\b", re.I)
# An amount a question sets as a bound, not one it says the subject has: "quieter than 50 dB", "under $500".
_BOUND = re.compile(r"\b(?:than|under|over|below|above|at\s+(?:least|most)|up\s+to|within)\s+~?" + CURRENCY + r"?\d[\d,.]*"
                    r"(?:\s*[A-Za-z]+)?", re.I)
_LIKE = re.compile(r"\b(?:like|unlike)\s+(?:the\s+|a\s+)?$", re.I)  # ... right before a name
_HOW_MUCH = re.compile(r"\bhow much\b", re.I)
_COPULA = re.compile(r"\s*(?:is|are|was|were)\b", re.I)
# "Is the first 100 GB free or is it only 1 GB?" asks which amount it is, no yes or no.
_AMOUNT_OR_AMOUNT = re.compile(r"\d[^?]*\bor\b[^?]*\d")


def _fact_disagreements(
    snap: Snapshot, query: Query, qvec: NDArray[np.float32], unnamed: Callable[[], NDArray[np.float32]],
    qstems: frozenset[str], subjects: tuple[str, ...],
) -> list[Disagreement]:
    """Per subject and aspect of the corpus's facts that the question asks about: one statement per source,
    when the sources' values differ. A question asks about an aspect when it uses its words ('stars',
    'requests per second', 'Python version', 'built on'), or when it asks for an amount and the aspect's wording
    is the nearest in meaning ('How fast is X?' -> 'Performance (requests per second)'): read from the question's
    vector ``qvec``, and then from the vector ``unnamed()`` gives, made only then, of the question with its
    subjects unnamed, whose names may mean something of their own ('FastAPI' reads as fast: "Is FastAPI more
    popular than Flask?" comes 0.30 near requests per second, "Is it more popular than it?" 0.19)."""
    quantity = asks_quantity(query.text) or bool(WANTS_NUMBER.search(query.text))
    # (a speed asked may be any rate: "How fast is X?" asks requests per second)
    kinds_asked = asked_measures(query.text) if not _HOW_FAST.search(query.text) else frozenset()
    sims = snap.fact_key_vecs @ qvec if snap.fact_key_vecs is not None else None
    # What the question names to measure, in the corpus's words: an aspect's statements must hold it for the
    # aspect to be meant by meaning ("How fast is X?" means requests per second, "What is X's throughput?" too,
    # where the statements say "throughput"; "How many downloads does X get?" does not). A word the corpus never
    # writes may still mean what it measures ('speedy'), but not what the question counts ('contributors').
    count = counted(query.text)
    measure = [t for t in query.aspect_terms
               if (t in snap.idf or t in count) and t not in AMOUNT_WORDS and not generic(t)]
    relation = bool(_ASKS_RELATION.search(query.text))
    terms = compound_stems(snap, query)
    how_long = bool(_HOW_LONG.search(query.text))
    sized = bool(_SIZED.search(query.text))  # "how big is the uv cache" asks no duration
    # Naming an aspect by its words alone ("heat pump lifespan"), not asking what a thing is ("what is uv.lock") or
    # whether ("does dependabot support uv.lock"), which a label's word ('Install from lock file') does not answer.
    naming = definition_term(query.text) is None and not is_yes_no(query.text)
    timed = bool(_TIME.search(query.text))  # "charging time" asks a duration as "how long" does
    # "How much should I budget for upkeep each year?" asks an amount a year, not a number of years.
    every = frozenset(stem(m.group(1).lower()) for m in EVERY.finditer(query.text))
    @cache
    def given() -> list[tuple[str, tuple[float, float]]]:  # the amounts the question itself states, read once
        # (not a bound it sets: "is the p1s quieter than 50 dB?")
        return [(f.key, f.value) for f in unit_facts(_BOUND.sub(" ", query.text), 0, snap.catalog,
                                                     subjects[0] if subjects else None)
                if isinstance(f.value, tuple)]

    # "when was nomad first released" asks when it began, not in which release something happened
    release_asked = bool(_ASKS_RELEASE.search(query.text)) and not asks_origin(query.text)
    # the words of what the question asks the release of (not a version it names, as a release's own words are not)
    happened = frozenset(t for t in qstems - _ASKING - RELEASE_STEMS - _NOW_STEMS if not t[0].isdigit())
    if happened & (asked_latest := LATEST | {stem("recent")}):  # "the latest version": the one the corpus calls current
        happened = happened - asked_latest | {CURRENT}
    dated = asked_release_dates(query.text, snap.catalog)  # "when was poetry 2.0 released"
    # What an amount asked is per is not what is counted: "max pods per node" asks no number of nodes.
    # ... nor an amount in the unit it is per: "how much per terabyte" asks no amount of data.
    per_words = [m.group(1) for m in PER_WORD.finditer(query.text)]
    per = frozenset(stem(w.lower()) for w in per_words) | {scaled[0] for w in per_words if (scaled := scale(w))}
    found = [(i, said[0][1].subject, said) for i, said in enumerate(snap.differing) if said[0][1].subject in subjects]
    best: dict[str, float] = {}
    if sims is not None:
        for i, subject, _said in found:
            best[subject] = max(best.get(subject, -1.0), float(sims[i]))
    @cache
    def unnamed_sims() -> NDArray[np.float32]:  # made once, when an aspect is near the question's vector
        assert snap.fact_key_vecs is not None
        return snap.fact_key_vecs @ unnamed()

    out: dict[tuple[str, str], tuple[tuple[bool, float], Disagreement]] = {}
    for i, subject, said in found:
        facts = [f for _, f in said]
        first = facts[0]
        stems = frozenset().union(*(f.stems for f in facts))
        if first.kind == "quantity" and first.key.startswith(PRICE_KEY):
            # A price of one thing of the subject's ('Sync price per month' of Obsidian), asked by the thing's name
            # and a price word or "how much": not by "obsidian publish cost", "what about cost?" nor "obsidian sync
            # version history how long".
            # (two of its words when it has more: not "how much range does the cheapest get?" of the 'Long Range AWD')
            things = set(first.key.split("/")[0].removeprefix(PRICE_KEY).split("-"))
            asked = len(things & qstems) >= min(2, len(things)) \
                and (ASKS_PRICE.search(query.text) or _HOW_MUCH.search(query.text)) is not None
        elif first.kind == "quantity":
            if first.label.lower() == "times" and stem("time") in qstems and not _TIMES.search(query.text):
                continue  # how many times something is done, not the 'time' asked of "default time limit"
            key_stems = set(first.key.split("/"))
            stated = _stated_stems(snap, said)
            if first.key == DURATION:
                stems -= every
            # A two-word term of the question names what is measured when its statements do not hold it: "How
            # much does a panel upgrade cost?" is not on 'Installed cost', though it asks a cost.
            if (how_long and not key_stems & _LONG) or (sized and first.key == DURATION) \
                    or any(not {a, b} <= stated | (_TIME_STEMS if first.key == DURATION else set()) for a, b in terms) \
                    or ("/" not in first.key and key_stems & per):
                continue
            # An amount the question gives that no statement states is of something else measured so: "what if my
            # panel is only 100 amps" asks nothing of the 40 and 50 amps of a range's circuit.
            if any(_singular({key}) == _singular({first.key}) and not any(lo <= f.value[1] and f.value[0] <= hi
                                                                          for f in facts)
                   for key, (lo, hi) in given()):
                continue
            # Named by its measure ('stars'), or by a word of its label when it asks an amount; or, when its
            # statements hold every other aspect word of the question, by a word of its label ("heat pump
            # lifespan").
            # (A count named, 'rules', asks for the count when the question asks or gives an amount or names nothing
            # else, "ruff rules": not "what rules does Ruff turn on by default?" nor "ignore a rule only in tests".)
            count = scale(first.label) is None and first.key != DURATION and not first.money and not given()
            asked = _singular(key_stems) <= _singular(qstems) and (
                not count or quantity or _singular(qstems) <= _singular(key_stems)) or (quantity and bool(qstems & stems)) or (
                naming and bool(qstems & stems) and qstems - _ASKING <= stated and bool(qstems & _label_heads(facts)))

            # An amount the question gives that a statement states asks whether it holds: "can the combo j9+ clean
            # for two hours on one charge?" of "runs for up to 120 minutes" and another source's "up to 90 minutes".
            if not asked and any(key == first.key and any(lo <= f.value[1] and f.value[0] <= hi for f in facts)
                                 for key, (lo, hi) in given()):
                asked = True
            # A duration asked for, whose statements' own words hold every other aspect word of the question
            # ("How long does it last?" of years; "dc fast charging time"), not their sections' ("How long does
            # installation take for a heat pump?" is not the lifespan of an installer's guide).
            if not asked and how_long and key_stems & _DURATIONS:
                asked = qstems - _ASKING <= _own_stems(snap, said)
            if not asked and timed and first.key == DURATION and (rest := qstems - _ASKING - _TIME_STEMS):
                asked = rest <= _own_stems(snap, said)
            # A duration is matched by meaning only by what it is a duration of (a row's label), not by its unit
            # alone: "How much faster is Rust than Go?" comes near 'milliseconds'.
            bare = first.key == DURATION and all(f.context == f.label for f in facts)
            # ... nor one of another kind than the amount asked names ("how much memory does an rq worker use?" asks
            # bytes, not the jobs per second of the statements saying 'memory' too)
            if not asked and quantity and sims is not None and not bare \
                    and (not kinds_asked or first.key.split("/")[0] in kinds_asked):
                sim = float(sims[i])
                asked = (sim >= MEANS_ASPECT and sim >= best[subject] - 0.02
                         and all(any(t in snap.unit_words[u] for u, _f in said) for t in measure)
                         and float(unnamed_sims()[i]) >= MEANS_ASPECT)
        elif first.kind == "version":
            asked = bool(qstems & stems - {"versi"}) and (quantity or "versi" in qstems or bool(_VERSION.search(query.text)))
        elif first.kind == "release":
            # "when did kraft become production ready", "which nomad version was the first under the bsl license":
            # asked when, or which release, of what the statements say happened, each some of it ('kraft',
            # 'production'; 'first', 'license')
            asked = release_asked and all(happened & f.stems and float(snap.version.unit_vecs[u] @ qvec) >= RELEASE_COS
                                          for u, f in said) \
                and len(happened & frozenset().union(*(f.stems for f in facts))) >= min(2, len(happened))
        elif first.kind == "date":
            asked = first.key in dated
        else:
            asked = relation
        if asked:
            label = max(facts, key=lambda f: len(f.named().split())).topic()
            # A release, with what happened in the first statement's words: 'Kafka release (KRaft production-ready)'
            if first.kind == "release" and (what := _happened(
                    snap.unit_text[said[0][0]], happened & frozenset.intersection(*(f.stems for f in facts)))):
                label = f"{label} ({what})"
            # Of the ways one aspect is stated differently, the one nearest the question ('Heat-up time' in a
            # table's rows rather than in its reviews' sentences).
            near = max(float(snap.version.unit_vecs[u] @ qvec) for u, _f in said)
            # The subject's own price is one aspect however it is labelled ('Installed cost' rows, "costs $8,000"):
            # a table's rows name it best.
            own_price = first.money and "/" not in first.key and ":" not in first.key
            aspect = (subject, "money" if own_price else first.key)
            rank = (own_price and any(snap.unit_cells[u] for u, _f in said), near)
            if aspect not in out or rank > out[aspect][0]:
                out[aspect] = (rank, Disagreement(label, tuple(Statement(u, f.span) for u, f in said), (subject,)))
    return [d for _rank, d in out.values()]


# Where a row's label turns from what it measures to what of: 'Install' of "Install from lock file, warm".
_LABEL_QUALIFIED = re.compile(r"\s*(?:[,(:;]|\b(?:from|of|with|in|on|for|to|at|by|per|after|before|under|over)\b)", re.I)


def _label_heads(facts: Sequence[Fact]) -> frozenset[str]:
    """The stems of what facts measure, as their rows' labels name it before saying what of ('instal' of "Install
    from lock file, warm", not 'lock' nor 'file': "poetry lock file" asks no install time); a measure's own words
    for a fact stated in prose."""
    heads = [f.context[: m.start()] if (m := _LABEL_QUALIFIED.search(f.context)) and m.start() else f.context
             for f in facts]
    return frozenset(aspect_stems(" ".join(heads))) | frozenset().union(
        *(f.stems for f in facts if f.context == f.label))


def _happened(text: str, stems: frozenset[str]) -> str:
    """The words of ``text`` of ``stems``, as written and in order, each once ('KRaft production-ready' of "KRaft
    was declared production-ready in Kafka 3.3" for 'kraft', 'produc', 'ready')."""
    out: list[str] = []
    for m in re.finditer(r"[\w'-]+", text):
        if {stem(w) for w in words(m.group())} & stems and m.group() not in out:
            out.append(m.group())
    return " ".join(out)


def _singular(stems: Iterable[str]) -> frozenset[str]:
    """Stems in the singular: a short word's stem keeps its plural 's' ('amps' of "how many amps", 'amp' of
    "a 40-amp circuit")."""
    return frozenset(s[:-1] if s.endswith("s") and len(s) > 3 else s for s in stems)


def _own_stems(snap: Snapshot, said: Sequence[tuple[int, Fact]]) -> frozenset[str]:
    """The aspect stems of the statements' own words, not their sections'; found once per snapshot and aspect, as
    :func:`_stated_stems`."""
    def find() -> frozenset[str]:
        return frozenset().union(*(aspect_stems(snap.unit_text[u]) for u, _f in said))

    return snap.memo("own_stems", tuple(u for u, _f in said), find)


def _stated_stems(snap: Snapshot, said: Sequence[tuple[int, Fact]]) -> frozenset[str]:
    """The stems of the statements of one aspect that differ: their units' words and their facts' labels; found
    once per snapshot and aspect."""
    def find() -> frozenset[str]:
        return frozenset().union(*(snap.unit_stems[u] for u, _f in said), *(f.stems for _u, f in said))

    return snap.memo("stated_stems", tuple(u for u, _f in said), find)


def _unnamed(text: str, catalog: SubjectCatalog) -> str:
    """``text`` with each subject it names written 'it' ("Is it more popular than it?")."""
    for _name, start, end in reversed(catalog.find(text)):
        text = f"{text[:start]}it{text[end:]}"
    return text


MEANS_ASPECT = 0.28  # cosine of a question asking for an amount with the wording of the aspect it means
_ASKS_RELATION = re.compile(r"\b(?:built|build|based|runs?|sits?)\s+(?:on|upon)\b|\bfoundation\b|\bunderlying\b", re.I)


_CONTRAST = re.compile(r"\b(?:whereas|while|but|although|though|unlike)\b|;|—")
_WORD_AT = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _said_of(
    snap: Snapshot, u: int, span: tuple[int, int], subject: str, stems: frozenset[str], forms: frozenset[str]
) -> list[str]:
    """The clauses of a claim in which ``subject`` is said to have one of the aspect words ``stems``: a table
    cell (with its row label), a list item of the subject's section, or a sentence naming the subject before
    the word (the subject nearest before it; 'the developer has to take care of validation when working with
    Flask' does not say Flask validates)."""

    def speaks(w: str) -> bool:
        return stem(w) in stems or w in forms

    text = span_text(snap, u, span)
    if snap.unit_cells[u]:
        return [text] if any(len(w) >= 4 and speaks(w) for w in words(snap.row_label(u) + " " + text)) else []
    found = snap.catalog.find(text)
    item = snap.version.unit_kinds[u] == "item" and not found
    # A short phrase set before the subject ("For authentication, FastAPI has ...") is said of it too.
    lead = found[0] if found and found[0][0] == subject else None
    fronted = lead is not None and text[: lead[1]].rstrip().endswith(",") and len(text[: lead[1]].split()) <= 4
    out = []
    for m in _WORD_AT.finditer(text):
        w = m.group().lower()
        if len(w) < 4 or not speaks(w):
            continue
        before = [(name, s) for name, s, _e in found if s < m.start()]
        if before and before[-1][0] == subject:
            # Not across a contrast ("X is a micro framework, whereas Y is a full-stack one"); from a 'neither' or
            # 'nor' right before the name, which denies it ("Neither Fathom nor Plausible sets cookies").
            if not _CONTRAST.search(text, before[-1][1], m.start()):
                denied = _NOR_BEFORE.search(text, 0, before[-1][1])
                out.append(clause(text, denied.start() if denied else before[-1][1], m.start(), m.end()))
        elif item:
            out.append(clause(text, 0, m.start(), m.end()))
        elif not before and fronted and lead is not None:
            out.append(clause(text, lead[1], lead[1], lead[2]))
        elif not before and (said := _said_in(text, found, m, subject)) is not None and negative(said):
            out.append(said)  # (a yes so set is no claim: "... for data validation in Flask" is of extensions)
    return out


_NOR_BEFORE = re.compile(r"\b(?:neither|nor)\s+(?:the\s+)?\Z", re.I)


# What sets a subject after the words said of it, in its clause: "... is not on by default in Valkey 8.0".
_IN_SUBJECT = re.compile(r"\b(?:in|on|for|with|under)\s+(?:the\s+)?$", re.I)


def _said_in(text: str, found: list[tuple[str, int, int]], word: re.Match[str], subject: str) -> str | None:
    """The clause of ``word`` when the first subject named after it, in that clause, is ``subject`` set after it
    as where it holds, or does not ("multi-threaded I/O is not on by default in Valkey 8.0"); None otherwise."""
    after = next(((name, s, e) for name, s, e in found if s > word.end()), None)
    if after is None or after[0] != subject or not _IN_SUBJECT.search(text, word.end(), after[1]):
        return None
    first, last = clause_span(text, 0, word.start(), word.end())
    return text[first:last] if last >= after[2] else None


def _whole(snap: Snapshot, u: int, subject: str) -> tuple[int, int] | None:
    """The whole of a sentence or item that names ``subject`` (not only as the subject it leads with)."""
    if snap.unit_cells[u] or subject not in snap.unit_subjects[u]:
        return None
    return _unit_span(snap, u)


def _answers(snap: Snapshot, u: int, subject: str) -> tuple[int, int] | None:
    """The whole of the sentence opening an FAQ answer whose heading asks of ``subject`` first, which it need
    not name again ("Does Grafana Cloud's free tier include on-call?" "Yes. The free tier includes Grafana IRM,
    ..."): :func:`_verdict` reads whether it says yes or no."""
    heading = _answered_heading(snap, u)
    return _answer_span(snap, u) if heading is not None and _asks_of(snap, heading, subject) else None


def _asks_of(snap: Snapshot, heading: str, subject: str) -> bool:
    """Whether a question heading asks of ``subject``: the first subject it names ("Does Kafka deliver lower
    latency than RabbitMQ?" asks of Kafka)."""
    return [name for name, _s, _e in snap.catalog.find(heading)][:1] == [subject]


def _answered_heading(snap: Snapshot, u: int) -> str | None:
    """The question an FAQ entry's heading asks, when ``u`` opens its answer (after a "Yes." or "No." alone)."""
    chunk = int(snap.unit_chunk[u])
    if snap.unit_cells[u] or not snap.chunk_asks[chunk] or _VERDICT_ALONE.fullmatch(snap.unit_text[u]) \
            or not (snap.unit_first[u] or _verdict_before(snap, u)):
        return None
    return snap.chunk_heads[chunk]


def _forms(snap: Snapshot, stems: Iterable[str]) -> frozenset[str]:
    """Longer words of the corpus holding a whole short word of the question ('auth' -> 'authentication',
    'built' -> 'inbuilt'), which speak to it as its stem's words do."""
    return frozenset().union(*(snap.words_around(x) for x in stems if len(x) >= 4))


def _yes_and_no(
    snap: Snapshot, claims: list[tuple[int, tuple[int, int], int]], subject: str, focus: frozenset[str],
    forms: frozenset[str], asked: frozenset[str], unit_cos: dict[int, float], typed: frozenset[str],
    heading_cos: Callable[[int], float], others: Sequence[str] = (), kinds: Sequence[re.Pattern[str]] = (),
    quality: bool = True,
) -> list[Statement]:
    """Yes/no: one source says the subject has the aspect (``focus``, with its longer ``forms``), another that
    it has not, in the clause that says it. Only the claims holding most of the question's aspect words
    (``asked``) count, and a yes and a no must share one: "Flask lacks automatic documentation" and "Flask is
    highly documented" are not about the same thing. A claim holding fewer counts too when its cosine with the
    question (``unit_cos``) is within :data:`NEAR_CLAIM` of the best of those: the model reads it as on the
    same thing in other words ("FastAPI lacks an inbuilt security system", 0.689, beside "For authentication,
    FastAPI has built-in OAuth2 and JWT utilities", 0.696, for "Does FastAPI ship with auth built in?"). An FAQ
    answer is as near as the question its heading asks (``heading_cos`` of its unit), which it does not restate:
    "Traefik Labs sells Traefik Hub, an API gateway and API management product" (0.45) is no side to "Is Traefik
    too slow for production? No. It was the slowest in our benchmark, ..." (0.34; its heading 0.99). A yes must
    say the kind of the aspect the question asks by a hyphenated word (``kinds``, :func:`_kinds_asked`): "Fastmail
    encrypts mail in transit and at rest, but not end to end" is a no to "does fastmail do end-to-end encryption?".
    Not ``quality`` (the question asks whether it can be done, :data:`qa.cues.ASKS_CAPABILITY`): a quality said
    lacking is no "no" ("sessions there will be slower" to "can the Ioniq 6 charge at Tesla Superchargers?")."""
    said: list[tuple[frozenset[str], int, tuple[int, int], int, bool]] = []
    unit_cos = dict(unit_cos)
    answered: set[int] = set()  # FAQ answers (_verdict)
    for u, span, source in claims:
        text = span_text(snap, u, span)
        # An FAQ entry's "No." or "Yes." answers its heading ("Can a single boiler machine steam while brewing?"),
        # whatever its sentence goes on to say ("No. It has one boiler, ... at brew temperature or at steam").
        if (verdict := _verdict(snap, u, subject, focus, forms)) is not None:
            if (asked_cos := heading_cos(u)) < VERDICT_COS:
                continue  # the answer to another question: "Is the GitLab CI cache shared between runners?" for
                # "does gitlab runner update itself" (0.65; the question asked in other words comes 0.90 and over)
            no, text = verdict[0] == "no", f"{verdict[1]} {text}"
            answered.add(u)
            unit_cos[u] = max(unit_cos.get(u, 0.0), asked_cos)
        elif (clauses := _said_of(snap, u, span, subject, focus, forms)) and not _TO_THE_READER.match(text):
            if snap.unit_cells[u]:  # a cell says what its row label names
                text = snap.row_label(u) + " " + text
            # What the claim says of the subject is its first clause on the aspect; 'without' after the aspect denies
            # what follows it ("want multi-colour prints without assembling anything" is a yes).
            no = negative(_without_after_aspect(clauses[0], focus, forms), quality=quality)
            if no and (_denies_a_kind(clauses[0], focus, forms, asked, typed)
                       or _denied_of_another(snap, clauses[0], subject, focus, forms)):
                continue
            if kinds and not no and not any(k.search(clauses[0]) for k in kinds):
                # a yes of another kind; a no when the kind asked is denied in a clause of its own
                said_kind = next((m for k in kinds if (m := k.search(text))), None)
                if said_kind is None or not negative(clause(text, 0, said_kind.start(), said_kind.end()), quality=quality):
                    continue
                no = True
        else:
            continue
        toks = set(words(text))
        stems = {stem(w) for w in toks}
        held = frozenset(x for x in asked if x in stems or (len(x) >= 4 and toks & snap.words_around(x))) \
            | {name for name, _s, _e in snap.catalog.find(text) if name in others}
        said.append((held, u, span, source, no))
    most = max((len(held) for held, *_ in said), default=0)
    near = max((unit_cos.get(u, 0.0) for held, u, *_ in said if len(held) == most), default=1.0) - NEAR_CLAIM
    pos: dict[int, tuple[frozenset[str], Statement]] = {}
    neg: dict[int, tuple[frozenset[str], Statement]] = {}
    # Those holding the most words first (an FAQ answer first of them): each source's side is its best of them, else its
    # nearest claim.
    for held, u, span, source, no in sorted(said, key=lambda c: (len(c[0]) < most, c[1] not in answered)):
        if len(held) == most or (held and unit_cos.get(u, 0.0) >= near):
            (neg if no else pos).setdefault(source, (held, Statement(u, span)))
    # A source's FAQ answer is its side: "The single boiler could not: switching to steam mode ... to come back to
    # brew temperature" is no yes beside its FAQ's "No.".
    for source in set(pos) & set(neg):
        if pos[source][1].unit in answered:
            del neg[source]
        elif neg[source][1].unit in answered:
            del pos[source]
    if set(pos) | set(neg) == set(pos) & set(neg):  # every source says both
        return []
    # A yes and a no that share a word of the question: "Flask lacks automatic documentation" is no "no" to
    # "Flask returns JSON" for "Does Flask return JSON automatically?".
    for first_source, (held, first) in pos.items():
        nos = [s for other, (h, s) in neg.items() if other != first_source and h & held]
        if nos:
            return [first, *nos]
    return []


def _without_after_aspect(clause_: str, focus: frozenset[str], forms: frozenset[str]) -> str:
    """``clause_`` less what 'without' denies after the clause's first word of the aspect."""
    at = next((m.end() for m in _WORD_AT.finditer(clause_)
               if len(w := m.group().lower()) >= 4 and (stem(w) in focus or w in forms)), None)
    return clause_ if at is None else clause_[:at] + _WITHOUT.sub("", clause_[at:])


_WITHOUT = re.compile(r"\bwithout\b[^,;:.]*", re.I)


def _kinds_asked(question: str, catalog: SubjectCatalog) -> list[re.Pattern[str]]:
    """The hyphenated words of a question that are no subject's name, each as a pattern finding it written with or
    without its hyphens: the kind of an aspect it asks ('end-to-end' of "end-to-end encryption", 'built-in')."""
    names = [(a, b) for _n, a, b in catalog.find(question)]
    return [re.compile(r"\b" + r"[\s-]*".join(map(re.escape, m.group().split("-"))) + r"\b", re.I)
            for m in HYPHENATED.finditer(question) if not any(a <= m.start() < b for a, b in names)]


_VERDICT_ALONE = re.compile(r"\s*(?:yes|no)\s*[.!]\s*", re.I)  # a unit of its own


def _verdict(snap: Snapshot, u: int, subject: str, focus: frozenset[str],
             forms: frozenset[str]) -> tuple[str, str] | None:
    """:func:`_faq_verdict` of ``u`` when its heading asks of ``subject`` (:func:`_asks_of`), in a word of the
    aspect (``focus`` and its longer ``forms``)."""
    found = _faq_verdict(snap, u)
    if found is None or not _asks_of(snap, found[1], subject) \
            or not any(stem(w) in focus or w in forms for w in words(found[1])):
        return None
    return found


def _faq_verdict(snap: Snapshot, u: int) -> tuple[str, str] | None:
    """'yes' or 'no', and the heading it answers, when ``u`` opens its FAQ entry with it (or follows a "Yes." that
    does) and the entry's heading asks a yes/no question; else None."""
    heading = _answered_heading(snap, u)
    if heading is None or not is_yes_no(heading) \
            or (m := VERDICT.match(_verdict_before(snap, u) or snap.unit_text[u])) is None:
        return None
    return m.group(1).lower(), heading


def _answered_apart(snap: Snapshot, units: Sequence[int], heading_cos: Callable[[int], float]) -> list[Disagreement]:
    """A yes/no question naming no subject that FAQ entries of two sources answer apart: "Yes." in one, "No." in
    the other, to headings naming no subject that ask what the question asks (``heading_cos`` :data:`VERDICT_COS`
    or more)
    ("Can a condensing tankless heater be vented with PVC?" for "can i use pvc to vent a condensing tankless").
    Its heading is the first's heading."""
    sides: dict[str, dict[int, tuple[str, Statement]]] = {"yes": {}, "no": {}}
    for u in units:
        if (found := _faq_verdict(snap, u)) is None or snap.catalog.find(found[1]) or heading_cos(u) < VERDICT_COS:
            continue
        sides[found[0]].setdefault(int(snap.unit_source[u]), (found[1], Statement(u, _answer_span(snap, u))))
    for source, (heading, said) in sides["yes"].items():
        against = [s for other, (_h, s) in sides["no"].items() if other != source]
        if against:
            return [Disagreement(heading, (said, *against))]
    return []


def _answer_span(snap: Snapshot, u: int) -> tuple[int, int]:
    """The span of ``u`` with the "Yes." or "No." alone before it, which says what it answers."""
    start, end = _unit_span(snap, u)
    return (_unit_span(snap, u - 1)[0] if _verdict_before(snap, u) else start), end


def _verdict_before(snap: Snapshot, u: int) -> str | None:
    """A "Yes." or a "No." alone opening the section right before ``u``."""
    if u > 0 and snap.unit_first[u - 1] and snap.unit_chunk[u - 1] == snap.unit_chunk[u] \
            and _VERDICT_ALONE.fullmatch(snap.unit_text[u - 1]):
        return str(snap.unit_text[u - 1])
    return None


# A sentence telling the reader what to do in a case ("If you do go ahead with Rust, start with a small service
# ... and budget time for the learning curve") says neither yes nor no of the subject.
_TO_THE_READER = re.compile(r"\s*(?:if|when|unless|once)\s+(?:you|your|you're)\b", re.I)

# How near the question an FAQ heading must be for the "Yes." or "No." answering it to answer the question.
VERDICT_COS = 0.75

# How much less near the question a claim holding fewer of its words may be. At 0.25 "Flask lacks automatic
# documentation" became a no beside "Documentation support: Manual" for "Does Flask have automatic API
# documentation?", which the sources agree on.
NEAR_CLAIM = 0.1


def _denies_a_kind(clause: str, focus: frozenset[str], forms: frozenset[str], asked: frozenset[str],
                   typed: frozenset[str]) -> bool:
    """Whether a negative clause denies only a kind of the aspect: right before the aspect's first word, after
    the words of lack, a word the question does not ask ("Flask provides no API documentation", "lacks automatic
    documentation" for "Is Flask well documented?"). That is no "no" to the aspect itself; "Marten Store has no
    replication" and "lacks an inbuilt security system" for "Does X have built-in security?" are, and so is
    "does not support running threads" for "can python run threads?", whose word it is in another form (the
    question's words ``typed``, too short to be among its aspect words)."""
    found = list(_WORD_AT.finditer(clause))
    for before, m in zip([None, *found], found, strict=False):
        w = m.group().lower()
        if stem(w) not in focus and w not in forms:
            continue
        if before is None or not negative(clause[: before.start()]):
            return False
        kind = before.group().lower()
        # (the word whole, where hyphens join it: 'wifi' of "does not support Wi-Fi printing")
        whole = re.search(r"(?:[A-Za-z]+-)*$", clause[: before.start()]).group().replace("-", "").lower() + kind
        return not (kind in STOPWORDS or kind in _HAVING or negative(kind) or stem(kind) in asked or kind in forms
                    or stem(whole) in asked or any(kind.startswith(w) or stem(kind) == stem(w) for w in typed))
    return False


# Verbs of having or giving, which deny the aspect itself after words of lack ("does not offer native state
# encryption"), no kind of it.
_HAVING = frozenset("""offer offers provide provides include includes support supports ship ships bring brings
    give gives come comes""".split())


def _denied_of_another(snap: Snapshot, said: str, subject: str, focus: frozenset[str], forms: frozenset[str]) -> bool:
    """Whether a negative clause ``said``, naming the aspect before its words of lack, denies it of another subject
    it names after them: "OpenTofu's state encryption has no equivalent in Terraform" says OpenTofu has it."""
    first = next((m for m in _WORD_AT.finditer(said) if stem(m.group().lower()) in focus or m.group().lower() in forms),
                 None)
    lack = _DENIED.search(said)
    return first is not None and lack is not None and first.start() < lack.start() \
        and any(name != subject for name, _s, _e in snap.catalog.find(said[lack.end():]))


def _sides(
    snap: Snapshot, claims: list[tuple[int, tuple[int, int], int]], subject: str, alts: list[str]
) -> list[Statement]:
    """"Is X simple or complex?": one source says one alternative of the subject, another the other; per side
    and source the best claim, preferring the alternative's own word ("Complex framework") over a relative
    ("introduces complexity"), never a clause that denies it ("does not give you ... an ASGI framework")."""
    sides: list[dict[int, tuple[bool, int, tuple[int, int]]]] = [{}, {}]
    for u, span, source in claims:
        toks = set(words(span_text(snap, u, span)))
        hits = []
        for i, alt in enumerate(alts):
            clauses = _said_of(snap, u, span, subject, frozenset({stem(alt)}), frozenset())
            if clauses and not any(_DENIED.search(c) for c in clauses):
                hits.append(i)
        if len(hits) == 1:
            exact = alts[hits[0]] in toks
            held = sides[hits[0]].get(source)
            if held is None or (exact and not held[0]):
                sides[hits[0]][source] = (exact, u, span)
    models = [{s: models_named(span_text(snap, u, span)) for s, (_e, u, span) in side.items()} for side in sides]
    pairs = [
        ((not e0) + (not e1), r0 + r1, s0, s1)
        for r0, (s0, (e0, _, _)) in enumerate(sides[0].items())
        for r1, (s1, (e1, _, _)) in enumerate(sides[1].items())
        if s0 != s1 and not other_models(models[0][s0], models[1][s1])  # 'R7000 mechanical', 'R7100' electronic
    ]
    if not pairs:
        return []
    _, _, s0, s1 = min(pairs)
    return [Statement(*sides[0][s0][1:]), Statement(*sides[1][s1][1:])]


_DENIED = re.compile(r"\b(?:no|not|never|none|without|lacks?|cannot|can't|doesn't|don't|isn't|aren't|won't)\b", re.I)


def _aspect_topic(snap: Snapshot, picked: list[Statement], asked: Sequence[str], subject: str) -> str:
    """A heading from the corpus's own words for the aspect: the heading or row label of the corpus that names
    it ('Asynchronous Support (Flask)'), else the question a side's FAQ entry answers, else the claims' words for
    it as written, at most two, in the order ``asked`` names them ('Security or authentication (FastAPI)', 'Simple
    or complex (Flask)')."""
    stems = [stem(w) for w in asked]
    said = frozenset().union(*(snap.unit_stems[s.unit] for s in picked))
    # (not one naming another subject: 'Creality Print (Creality K1)' is no heading for the Prusa MK4's Wi-Fi printing)
    named = [a for a in snap.aspects if a.stems & set(stems) and a.stems <= said | set(stems)
             and set(snap.catalog.mentioned(a.name)) <= {subject}]
    faq = [found[1] for s in picked if (found := _faq_verdict(snap, s.unit))]
    if named:
        name = max(named, key=lambda a: (len(a.stems & set(stems)), a.weight)).name
    elif faq:  # the question an FAQ entry of a side answers: "Does Grafana Cloud's free tier include on-call?"
        return faq[0]
    else:
        text = " ".join(span_text(snap, s.unit, s.span) for s in picked)
        written: dict[str, str] = {}  # stem -> the longest word of the claims with that stem
        for m in _HYPHENATED.finditer(text):
            w = m.group()
            for part in re.split(r"[-‑]", w.lower()):  # 'full-stack' is a word for 'stack'
                if len(part) >= 4 and (st := stem(part)) in stems and len(w) > len(written.get(st, "")):
                    written[st] = w
        if not written:
            return subject
        kept = [st for st in stems if st in written][-2:]  # the last words named: English puts heads last
        name = " or ".join(written[st].lower() for st in kept)
    return f"{name[:1].upper()}{name[1:]} ({subject})"


_HYPHENATED = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-‑][A-Za-z0-9]+)*")


ADVISED_APART = 12  # words from the subject advised to another named in passing


def _advises_first(snap: Snapshot, unit: int, subject: str) -> bool:
    """Whether a unit naming several subjects advises ``subject``, naming another only in passing, well after
    it: "Choose a gas furnace when your budget is under $7,000, ..., and when your ductwork is too small for a heat
    pump"; not "FastAPI and Flask are both awesome frameworks", nor "The choice of whether to use X or Y"."""
    text = snap.unit_text[unit]
    found = snap.catalog.find(text)
    own = min((e for name, _s, e in found if name == subject), default=len(text))
    other = min((s for name, s, _e in found if name != subject), default=len(text))
    return (snap.unit_lead_subject[unit] == subject and bool(ADVICE.search(text, 0, other))
            and len(text[own:other].split()) >= ADVISED_APART)


def advice(
    snap: Snapshot, qvec: NDArray[np.float32], query: Query, cands: list[Candidate], per_subject: int = 2
) -> dict[str, list[int]]:
    """For "should I use X or Y" questions: the sources' own advice on when to choose each subject
    (units that speak for that subject and use the language of advice), best first, from different sources."""
    pool, cos = _pool(snap, cands, qvec)
    if not len(pool):
        return {}
    qstems = question_stems(snap, query)
    out: dict[str, list[int]] = {}
    for subject in query.subjects:
        ranked: list[tuple[float, int]] = []
        for i, u in enumerate(pool.tolist()):
            cue = snap.unit_advice[u]
            on_topic = bool(qstems & snap.unit_stems[u])  # speaks to what the question asks about
            if not (cue or on_topic) or subject_span(snap, u, subject) is None or snap.unit_cells[u]:
                continue
            if (len(snap.unit_subjects[u]) > 1 and not _advises_first(snap, u, subject)) or snap.unit_nwords[u] < 4 \
                    or snap.version.unit_kinds[u] == "code":
                continue
            score = float(cos[i]) + 0.15 * on_topic + 0.1 * cue + 0.05 * snap.freshness[snap.unit_doc[u]]
            ranked.append((score, u))
        ranked.sort(reverse=True)
        picked: list[int] = []
        docs: set[int] = set()
        for score, u in ranked:
            if score < 0.3:
                break
            if snap.unit_doc[u] not in docs:
                picked.append(u)
                docs.add(snap.unit_doc[u])
            if len(picked) == per_subject:
                break
        out[subject] = picked
    return out
