"""Comparison: per question, which unit speaks for which subject, the aspect-by-subject table, the
disagreements between sources, and the sources' advice on when to choose each subject."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from qa.aspects import Aspect, aspect_stems, stem, topic_words
from qa.cues import alternatives, asks_quantity, is_yes_no, negative, values
from qa.query import Query
from qa.retrieval import Candidate
from qa.snapshot import Snapshot
from qa.text import words

MAX_ROWS = 6


class Statement(NamedTuple):
    """What one unit says: the unit and the span of its document that says it (a table cell or the whole unit)."""

    unit: int
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Statements from different sources that differ on one topic ('GitHub stars of FastAPI')."""

    topic: str
    statements: tuple[Statement, ...]


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
    """The aspect stems a question asks about ('GitHub stars' -> githu, stars)."""
    return frozenset(aspect_stems(" ".join(query.aspect_terms), snap.subject_words))


def comparison_rows(
    snap: Snapshot, qvec: NDArray[np.float32], query: Query, cands: list[Candidate]
) -> dict[Aspect, dict[str, list[Statement]]]:
    """One row per aspect the sources cover, in order: per subject, what the best units for it say (best first;
    the subject is missing when none does)."""
    pool, pool_cos = _pool(snap, cands, qvec)
    if not len(pool):
        return {}
    cos = dict(zip(pool.tolist(), pool_cos.tolist(), strict=True))
    qstems = question_stems(snap, query)
    asked = [a for a in snap.aspects if a.stems & qstems]
    aspects = asked or [a for a in snap.aspects if a.weight >= 2] or snap.aspects[:MAX_ROWS]
    rows: dict[Aspect, dict[str, list[Statement]]] = {}
    used: set[int] = set()
    for aspect in aspects:
        cells: dict[str, list[Statement]] = {}
        for subject in query.subjects:
            ranked: list[tuple[float, int]] = []
            for u, c in cos.items():
                if not (snap.unit_stems[u] & aspect.stems) or subject_span(snap, u, subject) is None:
                    continue
                # A table cell is an explicit per-subject statement: the best kind of evidence for a row.
                score = c + (0.3 if snap.unit_cells[u] else 0.0) - (0.2 if u in used else 0.0)
                score += 0.05 * snap.freshness[snap.unit_doc[u]]
                if snap.version.unit_kinds[u] == "code":
                    score -= 0.2
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
    return rows


def conflicts(
    snap: Snapshot, query: Query, qvec: NDArray[np.float32], cands: list[Candidate]
) -> list[Disagreement]:
    """Claims about the same subject and aspect from different sources that differ: different numbers of
    the same kind, a yes and a no, or the two sides of an "A or B" question."""
    pool, cos = _pool(snap, cands, qvec)
    if not len(pool):
        return []
    qstems = question_stems(snap, query)
    order = np.argsort(-cos)
    best = float(cos[order[0]])
    top = order[:60]
    top_units, top_cos = pool[top].tolist(), cos[top]
    # Claims on the question's aspect (its words or section); "A or B" questions also take close paraphrases.
    near = (top_cos >= max(0.3, best - 0.4)).tolist()
    on_aspect = {u for u, ok in zip(top_units, near, strict=True) if ok and (not qstems or snap.unit_stems[u] & qstems)}
    alts = alternatives(query)
    close = (top_cos >= max(0.5, best - 0.2)).tolist() if alts else [False] * len(top_units)
    relevant = [u for u, ok in zip(top_units, close, strict=True) if u in on_aspect or ok]
    if alts:  # claims in the alternatives' own words, however short ("Complex framework.")
        seen, wanted = set(relevant), set(alts)
        relevant += [u for u in pool[order[cos[order] >= 0.25]].tolist() if u not in seen and wanted & snap.unit_words[u]]
    subjects = query.subjects or tuple(snap.catalog.names)
    out = []
    topic = topic_words(query.text, query.aspect_terms)
    quantity = bool(qstems) and asks_quantity(query.text)
    for subject in subjects:
        claims: list[tuple[int, tuple[int, int], int]] = []  # (unit, span, document ordinal)
        for u in relevant:
            span = subject_span(snap, u, subject)
            if span is not None and len(span_text(snap, u, span).split()) <= 60:
                claims.append((u, span, snap.unit_doc[u]))
        if len({d for _, _, d in claims}) < 2:
            continue
        picked: list[tuple[int, tuple[int, int]]] = []
        # Numbers: sources stating different values of the same kind.
        by_kind: dict[str, dict[int, tuple[float, int, tuple[int, int]]]] = {}
        for u, span, doc in claims:
            if u not in on_aspect or not quantity:
                continue
            for v in values(span_text(snap, u, span)):
                by_kind.setdefault(v.kind, {}).setdefault(doc, (v.number, u, span))
        for found in by_kind.values():
            if len(found) >= 2 and len({n for n, _, _ in found.values()}) >= 2:
                picked = [(u, span) for _, u, span in found.values()]
                break
        # "Is X simple or complex?": one source says one alternative, another the other.
        if not picked and alts:
            # Per side and source: the best claim, preferring one that uses the alternative's own word
            # ("Complex framework") over a relative of it ("introduces complexity").
            sides: list[dict[int, tuple[bool, int, tuple[int, int]]]] = [{}, {}]
            for u, span, doc in claims:
                toks = set(words(span_text(snap, u, span)))
                stems = {stem(w) for w in toks}
                hits = [i for i, alt in enumerate(alts) if stem(alt) in stems]
                if len(hits) == 1:
                    exact = alts[hits[0]] in toks
                    held = sides[hits[0]].get(doc)
                    if held is None or (exact and not held[0]):
                        sides[hits[0]][doc] = (exact, u, span)
            pairs = [
                ((not e0) + (not e1), r0 + r1, d0, d1)
                for r0, (d0, (e0, _, _)) in enumerate(sides[0].items())
                for r1, (d1, (e1, _, _)) in enumerate(sides[1].items())
                if d0 != d1
            ]
            if pairs:
                _, _, d0, d1 = min(pairs)
                picked = [sides[0][d0][1:], sides[1][d1][1:]]
        # Yes/no: one source says it does, another says it does not.
        if not picked and qstems and is_yes_no(query.text):
            aspect_claims = [(u, span, d) for u, span, d in claims if u in on_aspect]
            pos = {d: (u, span) for u, span, d in aspect_claims if not negative(span_text(snap, u, span))}
            neg = {d: (u, span) for u, span, d in aspect_claims if negative(span_text(snap, u, span))}
            if pos and neg and set(pos) | set(neg) != set(pos) & set(neg):
                first_pos = next(iter(pos.items()))
                picked = [first_pos[1]] + [v for d, v in neg.items() if d != first_pos[0]]
        if len(picked) >= 2:
            out.append(Disagreement(f"{topic} of {subject}" if topic else subject, tuple(Statement(*p) for p in picked)))
    return out


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
            if len(snap.unit_subjects[u]) > 1 or snap.unit_nwords[u] < 4 or snap.version.unit_kinds[u] == "code":
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
