"""Evidence: scoring the units of the retrieved chunks against a question, selecting the claims an answer
is made of, names the corpus never mentions, and how confident the evidence is (whether to abstain)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from qa.query import Query
from qa.retrieval import Candidate
from qa.snapshot import Snapshot
from qa.text import STOPWORDS, words

WHOLE_CORPUS_UNITS = 5000  # up to this many units, the nearest units of the whole corpus are candidates too
EXTRA_UNITS = 24


class Scored(NamedTuple):  # a tuple: a question scores a few hundred units, and tuples are cheap to make
    unit: int
    score: float
    cos: float
    lex: float


@dataclass
class Claim:
    units: list[int]  # first is the representative; the rest are near-duplicates from other sources
    subject: str | None
    score: float
    cites: list[int] = field(default_factory=list)


def score_units(snap: Snapshot, qvec: NDArray[np.float32], query: Query, cands: list[Candidate], limit: int = 14) -> list[Scored]:
    """Score the evidence units of the best candidate chunks; best first."""
    version = snap.version
    chosen = cands[:limit]
    # Candidates added for subject coverage sit after the first ``limit``; keep them too.
    if query.subjects:
        subjects = set(query.subjects)
        chosen += [c for c in cands[limit:] if snap.chunk_subjects[c.chunk] & subjects][:6]
    if not chosen:
        return []
    top_fused = max(c.fused for c in chosen)
    aspect = [t for t in query.aspect_terms if t not in STOPWORDS] or list(query.terms)
    weights = {t: snap.idf_of(t) for t in aspect}
    total_w = sum(weights.values()) or 1.0
    prior: dict[int, float] = {}
    for c in chosen:
        rec = version.chunks[c.chunk]
        prior.update(dict.fromkeys(range(rec.unit_lo, rec.unit_hi), c.fused / top_fused))
    if len(version.units) <= WHOLE_CORPUS_UNITS:
        # A small corpus: the units closest to the question count too, wherever their chunk ranked.
        all_cos = version.unit_vecs @ qvec
        for u in np.argpartition(-all_cos, min(EXTRA_UNITS, len(all_cos) - 1))[:EXTRA_UNITS].tolist():
            prior.setdefault(u, 0.0)
    phrased = phrase_units(snap, query)
    for u in phrased:  # holding the question's own phrase ("built on", not "built-in") makes a unit a candidate
        prior.setdefault(u, 0.0)
    if not prior:
        return []
    ids = np.fromiter(prior, dtype=np.int64, count=len(prior))
    near = np.fromiter(prior.values(), dtype=np.float64, count=len(prior))
    cos = version.unit_vecs[ids] @ qvec
    lex = np.zeros(len(ids))
    for t, w in weights.items():
        lex += w * snap.holding(ids, t)
    lex /= total_w
    score = cos + 0.3 * lex + 0.08 * near - 0.15 * snap.unit_short[ids]
    if phrased:
        score += 0.1 * np.fromiter((u in phrased for u in prior), dtype=bool, count=len(prior))
    score += np.where(snap.unit_is_code[ids], 0.05 if query.qtype == "howto" else -0.12, 0.0)
    if query.qtype == "recommendation":
        score += 0.08 * snap.unit_advice[ids]
    if query.qtype == "howto":
        score += 0.03 * snap.unit_howto[ids]
    if query.subjects:
        about = np.zeros(len(ids), dtype=bool)
        for name in query.subjects:
            if name in snap.subject_units:
                about |= snap.subject_units[name][ids]
        # Not about the question's subjects: less likely; about another subject altogether: less still.
        score -= np.where(about, 0.0, 0.03 + 0.1 * snap.unit_has_lead[ids])
    order = np.argsort(-score, kind="stable")
    columns = (ids[order].tolist(), score[order].tolist(), cos[order].astype(np.float64).tolist(), lex[order].tolist())
    return list(map(Scored, *columns))


def phrase_units(snap: Snapshot, query: Query) -> set[int]:
    """Units holding a phrase of the question made of an aspect word and the function word after it
    ("What is X built on?" -> "built on"), word for word: the phrase tells apart what the single word
    cannot ("built on ASGI" vs "built-in validation")."""
    toks = words(query.text)
    aspect = set(query.aspect_terms) - STOPWORDS
    phrases = {(a, b) for a, b in zip(toks, toks[1:], strict=False) if a in aspect and b in STOPWORDS}
    out: set[int] = set()
    for first, second in phrases:
        holders = snap.units_with(first)
        if holders is None:
            continue
        for u in holders[snap.holding(holders, second)].tolist():
            ut = words(snap.unit_text[u])
            if any(x == first and y == second for x, y in zip(ut, ut[1:], strict=False)):
                out.add(u)
    return out


def unit_subject(snap: Snapshot, unit: int, subjects: tuple[str, ...]) -> str | None:
    """The one subject of ``subjects`` a unit is about, when that can be told (its text, else its section)."""
    named = [s for s in subjects if s in snap.unit_subjects[unit]]
    if len(named) == 1:
        return named[0]
    if not named:
        sec = [s for s in subjects if s in snap.section_subjects[int(snap.version.units[unit][0])]]
        if len(sec) == 1:
            return sec[0]
    return None


def select_claims(snap: Snapshot, scored: list[Scored], query: Query, max_claims: int) -> list[Claim]:
    """Pick diverse, strong units; for a comparison one per subject first; merge near-duplicates."""
    if not scored:
        return []
    vecs = snap.version.unit_vecs
    best = scored[0].score
    floor = best - 0.22
    picked: list[Scored] = []

    def diverse(s: Scored) -> bool:
        if snap.unit_text[s.unit] in (snap.unit_text[p.unit] for p in picked):
            return False
        return all(float(vecs[s.unit] @ vecs[p.unit]) < 0.9 for p in picked)

    comparative = len(query.subjects) >= 2
    limit = max_claims + (len(query.subjects) if comparative else 0)
    if comparative:
        for subject in query.subjects:
            for s in scored:
                if s.score < floor - 0.1:
                    break
                if unit_subject(snap, s.unit, query.subjects) == subject and diverse(s):
                    picked.append(s)
                    break
    for s in scored:
        if len(picked) >= (limit if comparative else max_claims):
            break
        if s.score < floor:
            break
        if s not in picked and diverse(s):
            picked.append(s)

    claims: list[Claim] = []
    taken = {s.unit for s in picked}
    units = np.fromiter((s.unit for s in scored), dtype=np.int64, count=len(scored))
    unit_vecs = vecs[units]
    for s in picked:
        claim = Claim([s.unit], unit_subject(snap, s.unit, query.subjects), s.score)
        seen_docs = {snap.unit_doc[s.unit]}
        # Near-duplicates from other sources, in score order: one matrix product a claim, then the few close ones.
        for k in np.flatnonzero(unit_vecs @ vecs[s.unit] >= 0.9).tolist():
            other = int(units[k])
            o_doc = snap.unit_doc[other]
            if o_doc in seen_docs or other in taken:
                continue
            if _same_numbers(snap, s.unit, other):
                claim.units.append(other)
                taken.add(other)
                seen_docs.add(o_doc)
        claims.append(claim)
    return claims


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _same_numbers(snap: Snapshot, a: int, b: int) -> bool:
    """Two units that both state numbers are duplicates only if they state the same ones: 'requires
    Python 3.7' and 'requires Python 3.10' disagree, and one claim citing both would hide that."""
    na, nb = set(_NUMBER.findall(snap.unit_text[a])), set(_NUMBER.findall(snap.unit_text[b]))
    return not (na and nb) or na == nb


_TOKEN = re.compile(r"[A-Za-z][\w.+#-]*[\w+#]|[A-Za-z]")
_QUESTION_START = frozenset("how what which who whom whose when why where compare should does do is are can will".split())


def _known(snap: Snapshot, word: str) -> bool:
    forms = {word, word.rstrip("s")}
    for suffix in ("es", "ing", "ed", "er", "ers"):
        if word.endswith(suffix):
            forms.add(word[: -len(suffix)])
    return any(f in snap.idf for f in forms)


def unknown_names(snap: Snapshot, question: str, pieces: Callable[[str], int]) -> list[str]:
    """Names in the question that the corpus never mentions ('Express.js', 'MongoDB', 'kotlin').

    A word counts as a name when it is written like one (capitalised mid-sentence, inner capitals,
    digits or dots) or when the model's own WordPiece vocabulary does not know it whole (so it is
    jargon or a proper noun rather than a common English word)."""
    out = []
    tokens = _TOKEN.findall(question)
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in STOPWORDS or low in _QUESTION_START or len(low) < 2:
            continue
        if all(_known(snap, w) for w in words(low)):
            continue
        looks_named = (
            (i > 0 and tok[0].isupper())
            or any(c.isupper() for c in tok[1:])
            or any(c.isdigit() or c == "." for c in tok)
            or (i == 0 and tok[0].isupper())
            or pieces(low) >= 2
        )
        if looks_named:
            out.append(tok)
    return out


def confidence(scored: list[Scored], unknown: list[str]) -> float:
    """How well the evidence answers the question, in [0, 1]: the best evidence unit's cosine with the
    question, halved when the question names things the corpus never mentions. The abstention
    threshold on it is calibrated by ``qa eval`` (see README)."""
    if not scored:
        return 0.0
    top_cos = max(s.cos for s in scored[:5])
    if unknown:
        top_cos *= 0.5
    return float(max(0.0, min(1.0, top_cos)))


def abstains(conf: float, claims: list[Claim], threshold: float) -> bool:
    """Whether the answer says the corpus does not cover the question: no claim, or too little confidence."""
    return conf < threshold or not claims

