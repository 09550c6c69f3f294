"""Evidence: the candidate units of the retrieved chunks, scored by the learned ranker (``qa.ranker``), the
claims an answer is made of, and how confident the evidence is (whether to abstain)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from qa.aspects import generic, held_form
from qa.coverage import asked_words, compound_terms, heading_holds, labelled_row, phrase_holders
from qa.cues import (
    AMOUNT_WORDS,
    ASKS_REFERENCE,
    CHOOSING,
    LIST_GAP,
    PROS_CONS,
    RELEASE_HEADING,
    RELEASE_NUMBER,
    SAYS_USE,
    SAYS_WHETHER,
    VERDICT,
    WANTS_MAKER,
    WANTS_USERS,
    alternatives,
    asks_fit,
    asks_origin,
    classified_term,
    defines,
    definition_term,
    enumerates,
    is_yes_no,
    opens_definition,
    origin_year,
    person_term,
    points_ahead,
    purpose_term,
    says_maker,
    states_purpose,
    subject_releases,
    versioned,
    wants_code,
    wants_list,
)
from qa.facts import asked_amount, dates_differ, dates_said, variants_named, version_key
from qa.query import FOCUS_MIN_WORDS, Query, relates
from qa.ranker import FEATURES, QUESTION_FEATURES, question_features, shipped_models, unit_features
from qa.retrieval import RERANK_CHUNKS, Candidate, Fusion, rerank_features, shipped_fusion, tuples
from qa.snapshot import Snapshot
from qa.text import QUESTION_WORDS, STOPWORDS, words

# The units of this many best chunks are candidates: in long articles the answer is often in a chunk ranked
# well below the first few (COVID-QA's dev split: a unit of the top 14 chunks holds it for 333 of 417
# questions, of the top 24 for 350), and the ranker reads the chunk's rank as one feature among others.
POOL_CHUNKS = 24
# Whether the corpus answers at all is judged on the units of the best this many (and those added beside
# the chunks): read over more chunks of a long article, a question from elsewhere finds more of its words.
CONFIDENCE_CHUNKS = 14
WHOLE_CORPUS_UNITS = 5000  # up to this many units, the nearest units of the whole corpus are candidates too
EXTRA_UNITS = 24
# Claims within this many logits of the best unit (and, for one per subject, this much more): chosen on the
# dev split of the sets the ranker is trained on, where it keeps what the hand-weighted score kept on average.
CLAIM_MARGIN = 3.0
SUBJECT_MARGIN = 1.5
# A first unit whose cosine with the question is below this gives way to one of the claims' margin at least
# NEARER_LEAD_COS nearer (select_claims).
FAR_LEAD_COS = 0.2
NEARER_LEAD_COS = 0.3
# A claim's quote takes in the sentence just after it and the one just before it in its paragraph when that
# sentence holds words of the question the quote lacks, weighing (by IDF) at least this share of the question's
# content words: the question asks about both sentences, and the answer is often in the one beside the sentence
# that restates the question (chosen on the dev splits: see docs/evaluation.md, round 8).
NEIGHBOUR_SHARE = 0.1
# A claim's quote ending with a sentence that leads into a list ("Generally there are three ways to define rules
# for the routing system:") takes in the list when it has at most this many items and words: the sentence alone
# promises what it does not say. A longer list is left to be quoted item by item.
LIST_ITEMS = 6
LIST_WORDS = 80
# ... and a sentence leading into a code block ("Use the following command to generate a value::") takes in the
# block when it has at most this many lines: the command is the answer, the sentence only says it follows.
CODE_LINES = 12


class Scored(NamedTuple):  # a tuple: a question scores a few hundred units, and tuples are cheap to make
    unit: int
    score: float
    cos: float
    lex: float
    chunk_cos: float  # the cosine of the unit's chunk (its passage, headings included) with the question


@dataclass
class Claim:
    units: list[int]  # first is the representative; the rest are near-duplicates from other sources
    subject: str | None
    score: float
    cites: list[int] = field(default_factory=list)
    # The first and last unit the representative's quote runs over (claim_units); None: its own quote span.
    through: tuple[int, int] | None = None
    cos: float = 0.0  # the representative's cosine with the question


@dataclass(frozen=True)
class Ranking:
    """A question's evidence units, best first, and what the abstention model reads of them."""

    scored: list[Scored]
    question: NDArray[np.float64] | None  # QUESTION_FEATURES without the unknown-name flag; None: no evidence
    units: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # of scored, as arrays
    logits: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    # The candidate chunk whose heading asks the question (an FAQ entry, ASKED_COS; of a comparison, as written),
    # whose best unit leads a question wanting no other kind of answer; None when no heading does.
    asked_chunk: int | None = None

def score_units(snap: Snapshot, qvec: NDArray[np.float32], query: Query, cands: list[Candidate], limit: int = POOL_CHUNKS) -> Ranking:
    """Score the candidate evidence units (:func:`build_pool`) with the shipped learned ranker; best first."""
    features = unit_evidence(snap, qvec, query, cands, limit)
    if features is None:
        return Ranking([], None)
    pool, x = features
    logits = shipped_models().ranker.score(x)
    order = np.argsort(-logits, kind="stable")
    columns = (pool.ids[order].tolist(), logits[order].tolist(), x[order, FEATURES.index("cos")].tolist(),
               x[order, FEATURES.index("lex_aspect")].tolist(), x[order, FEATURES.index("chunk_dense")].tolist())
    lead = pool.leading
    asked, chunk = heading_asking(snap, cands, qvec)
    # A comparison is answered subject by subject ("Should I use X or Y?" is near any question naming both),
    # unless the heading asks it as written: nearer still, naming its subjects in its order ("Is Valkey faster than
    # Redis?" for "is valkey faster than redis"; not for "is redis faster than valkey", answered the other way).
    answered = asked >= ASKED_COS and (len(query.subjects) < 2 or asked >= ASKED_AS_WRITTEN_COS and tuple(
        snap.catalog.mentioned(snap.chunk_heads[chunk])) == query.subjects)
    return Ranking(tuples(Scored, columns), question_features(snap, query, x[lead], logits[lead], unknown=False,
                                                              asked=asked),
                   pool.ids[order], logits[order], chunk if answered else None)


ASKED_COS = 0.8  # a heading asking a question this near the user's asks it: its passage answers (an FAQ entry)
ASKED_AS_WRITTEN_COS = 0.95  # ... one naming two subjects or more, this near (see score_units)


def heading_asking(snap: Snapshot, cands: list[Candidate], qvec: NDArray[np.float32]) -> tuple[float, int]:
    """The best cosine of the question with a question that a candidate chunk's heading asks (0: none asks),
    and that chunk (-1: none)."""
    chunks = np.fromiter((c.chunk for c in cands), dtype=np.int64, count=len(cands))
    cos = snap.ask_cos(chunks, qvec)
    if not len(cos) or cos.max() <= 0:
        return 0.0, -1
    best = int(np.argmax(cos))
    return float(cos[best]), int(chunks[best])


def rerank_rows(snap: Snapshot, cands: list[Candidate], ranking: Ranking) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The :data:`qa.retrieval.RERANK_FEATURES` rows of the first ``RERANK_CHUNKS`` candidates whose heading
    asks no question, and their positions. A chunk under a heading that asks a question (an FAQ entry) keeps
    its place: its units answer the heading and do not restate it, so they say little of how well the chunk
    matches the question (re-ordering FAQ entries by them lowered the FAQ sets' R@1 on dev)."""
    head = cands[:RERANK_CHUNKS]
    chunks = np.fromiter((c.chunk for c in head), dtype=np.int64, count=len(head))
    moved = np.flatnonzero(~snap.chunk_asks[chunks])
    head, chunks = [head[i] for i in moved.tolist()], chunks[moved]
    # The best logit of each chunk's units: one comparison of the scored units' chunks with the few chunks.
    mine = snap.unit_chunk[ranking.units][:, None] == chunks[None, :]
    best = np.where(mine, ranking.logits[:, None], -np.inf).max(axis=0, initial=-np.inf)
    best[np.isinf(best)] = np.nan
    learned = np.fromiter((c.learned for c in head), dtype=np.float64, count=len(head))
    fused = np.fromiter((c.fused for c in head), dtype=np.float64, count=len(head))
    return rerank_features(learned, fused, moved, best), moved


def rerank(snap: Snapshot, cands: list[Candidate], ranking: Ranking, fusion: Fusion | None = None) -> list[Candidate]:
    """The candidates with the first ``RERANK_CHUNKS`` re-ordered by the learned re-ranking model, which reads
    the fused order and the evidence ranker's best unit of each chunk (the units the answer is drawn from;
    ``ranking`` is :func:`score_units` over ``cands``). The rest keep their place."""
    model = (fusion or shipped_fusion()).rerank
    if model is None or len(cands) < 2 or not len(ranking.units):
        return cands
    head = cands[:RERANK_CHUNKS]
    x, moved = rerank_rows(snap, cands, ranking)
    if len(moved) < 2:
        return cands
    score = model.score(x)
    out = list(head)
    for slot, i in zip(moved.tolist(), moved[np.argsort(-score, kind="stable")].tolist(), strict=True):
        out[slot] = head[i]
    return out + cands[RERANK_CHUNKS:]


def unit_evidence(
    snap: Snapshot, qvec: NDArray[np.float32], query: Query, cands: list[Candidate], limit: int = POOL_CHUNKS,
) -> tuple[Pool, NDArray[np.float64]] | None:
    """The candidate units and their feature rows (:data:`qa.ranker.FEATURES`); None when there are none."""
    pool = build_pool(snap, qvec, query, cands, limit)
    if pool is None:
        return None
    cos = (snap.version.unit_vecs[pool.ids] @ qvec).astype(np.float64)
    return pool, unit_features(snap, query, pool.ids, cos, pool.near, pool.chunk_dense, pool.chunk_bm25, pool.phrased)


@dataclass(frozen=True)
class Pool:
    """A question's candidate evidence units with their retrieval-side features."""

    ids: NDArray[np.int64]
    near: NDArray[np.float64]  # the unit's chunk's fused score over the best candidate's (0: not a candidate)
    chunk_dense: NDArray[np.float64]
    chunk_bm25: NDArray[np.float64]
    phrased: NDArray[np.bool_]
    leading: NDArray[np.bool_]  # not of a chunk ranked past CONFIDENCE_CHUNKS: what confidence reads


def build_pool(snap: Snapshot, qvec: NDArray[np.float32], query: Query, cands: list[Candidate], limit: int = POOL_CHUNKS) -> Pool | None:
    """The units of the best ``limit`` candidate chunks (plus, for a question naming subjects, up to six
    chunks about them), the units nearest the question in a small corpus, and the units holding a phrase
    of the question; None when there are none. Confidence reads the units of chunks ranked before
    :data:`CONFIDENCE_CHUNKS` and those added beside the chunks (``Pool.leading``)."""
    version = snap.version
    chosen = cands[:limit]
    # Candidates added for subject coverage sit after the first ``limit``; keep them too.
    if query.subjects:
        subjects = set(query.subjects)
        chosen += itertools.islice((c for c in cands[limit:] if snap.chunk_subjects[c.chunk] & subjects), 6)
    if not chosen:
        return None
    top_fused = max(c.fused for c in chosen)
    top_lex = max(max(c.lexical for c in chosen), 1e-9)
    # The units of the chosen chunks, chunk after chunk (each chunk's units are its own), then the others that are
    # candidates, each once.
    spans = [(version.chunks[c.chunk].unit_lo, version.chunks[c.chunk].unit_hi) for c in chosen]
    sizes = [hi - lo for lo, hi in spans]
    own = list(itertools.chain.from_iterable(range(lo, hi) for lo, hi in spans))
    # The units of the chunks ranked CONFIDENCE_CHUNKS to limit, together in the pool's order.
    later = slice(sum(sizes[:CONFIDENCE_CHUNKS]), sum(sizes[:limit]))
    others: dict[int, None] = {}
    if len(version.units) <= WHOLE_CORPUS_UNITS:
        # A small corpus: the units closest to the question count too, wherever their chunk ranked.
        all_cos = version.unit_vecs @ qvec
        others.update(dict.fromkeys(np.argpartition(-all_cos, min(EXTRA_UNITS, len(all_cos) - 1))[:EXTRA_UNITS].tolist()))
    phrased = phrase_units(snap, query)
    others.update(dict.fromkeys(phrased))  # holding the question's own phrase ("built on", not "built-in")
    others.update(dict.fromkeys(kind_units(snap, query)))
    taken = set(own)
    extra = [u for u in others if u not in taken]
    if not own and not extra:
        return None
    ids = np.array(own + extra, dtype=np.int64)
    # An extra unit's chunk is none of the chosen: its cosine with the question is read from the index.
    extra_dense: list[float] = []
    if extra:
        chunk_of = version.units[extra, 0].tolist()
        missing = sorted(set(chunk_of))
        vecs = version.faiss.reconstruct_batch(np.array(missing, dtype=np.int64))
        dense_of = dict(zip(missing, (vecs @ qvec).tolist(), strict=True))
        extra_dense = [dense_of[c] for c in chunk_of]

    def per_unit(of_chosen: list[float], of_extra: list[float]) -> NDArray[np.float64]:
        return np.concatenate([np.repeat(np.array(of_chosen, dtype=np.float64), sizes), of_extra])

    nothing = [0.0] * len(extra)
    near = per_unit([c.fused / top_fused for c in chosen], nothing)
    chunk_dense = per_unit([c.dense for c in chosen], extra_dense)
    chunk_bm25 = per_unit([c.lexical / top_lex for c in chosen], nothing)
    is_phrased = (np.array([u in phrased for u in own + extra], dtype=bool) if phrased
                  else np.zeros(len(ids), dtype=bool))
    leading = np.ones(len(ids), dtype=bool)
    leading[later] = False
    return Pool(ids, near, chunk_dense, chunk_bm25, is_phrased, leading)


def phrase_units(snap: Snapshot, query: Query) -> set[int]:
    """Units holding a phrase of the question made of an aspect word and the function word after it
    ("What is X built on?" -> "built on"), word for word: the phrase tells apart what the single word
    cannot ("built on ASGI" vs "built-in validation")."""
    toks = words(query.text)
    aspect = set(query.aspect_terms) - STOPWORDS
    phrases = {(a, b) for a, b in zip(toks, toks[1:], strict=False) if a in aspect and b in STOPWORDS}
    out: set[int] = set()
    for phrase in phrases:
        out.update(snap.memo("phrase_units", phrase, partial(phrase_holders, snap, *phrase)))
    return out


MAX_KIND_UNITS = 8  # a question's candidates of the kind it wants, from anywhere in the corpus: at most this many


def kind_units(snap: Snapshot, query: Query) -> tuple[int, ...]:
    """The units of the corpus of the kind of answer the question wants (see :func:`_lead`), wherever their
    passage ranked, the first :data:`MAX_KIND_UNITS` in the corpus's order: for "What is X?" the prose units
    opening by saying what X is (:func:`qa.cues.opens_definition`; "A :class:`Blueprint` is a way to organize
    ..." sits in a short tutorial page that names blueprints less often than the pages using them), made once
    per snapshot and term; for "Which Python does X need?" those stating a Python version of X (the page on
    Python versions may use none of the question's other words)."""
    if (release := own_release(snap, query)) is not None:
        releases = _releases(snap, release[0])
        return tuple(u for _number, u in (releases[::-1] if release[1] else releases)[:MAX_KIND_UNITS])
    if named := named_release(snap, query):
        return named[:MAX_KIND_UNITS]
    if (term := definition_term(query.text)) is not None:
        return snap.memo("definers", term.lower(), partial(_definers, snap, term))
    if keys := {version_key(name) for name in versioned(query.text)}:
        asked = query.subjects or tuple(snap.catalog.names)
        found = (u for subject in asked for key in sorted(keys) for u in snap.stating.get((subject, key), ()))
        return tuple(itertools.islice(dict.fromkeys(found), MAX_KIND_UNITS))
    return ()


def _definers(snap: Snapshot, term: str) -> tuple[int, ...]:
    held = [h for w in words(term) if w not in STOPWORDS and (h := snap.units_with(w)) is not None]
    if not held:
        return ()
    code, text = snap.unit_is_code, snap.unit_text
    found = (u for u in min(held, key=len).tolist() if not code[u] and opens_definition(text[u], term))
    return tuple(itertools.islice(found, MAX_KIND_UNITS))


def unit_subject(snap: Snapshot, unit: int, subjects: tuple[str, ...]) -> str | None:
    """The one subject of ``subjects`` a unit is about, when that can be told (its text, else its section, else
    the sentence before it in its paragraph)."""
    named = [s for s in subjects if s in snap.unit_subjects[unit]]
    if len(named) == 1:
        return named[0]
    if not named:
        for around in (snap.section_subjects[int(snap.version.units[unit][0])], snap.unit_context_subjects[unit]):
            if len(found := [s for s in subjects if s in around]) == 1:
                return found[0]
    return None


def subject_among_all(snap: Snapshot) -> list[str | None]:
    """Per unit, :func:`unit_subject` among all the corpus's subjects (in any order: the same one), made once
    per snapshot: questions ask it of hundreds of units."""
    names = tuple(snap.catalog.names)
    return snap.memo("subject_among_all", names, lambda: [unit_subject(snap, u, names) for u in range(len(snap.unit_text))])


def _misfits(snap: Snapshot, units: NDArray[np.int64], query: Query, other: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Per unit, whether it is no answer to ``query`` whatever its score (see :func:`select_claims`); ``other``:
    whether it is said of another subject (:func:`_of_another_subject`)."""
    misfit = _misfit_kinds(snap, units, query, other) | _other_side(snap, units, query)
    # A unit saying nothing the question does not ("jinja2" for "What does Jinja2 do?") answers no question but
    # a yes/no one, which it may answer by restating it in a sentence ("Flask supports async."), not a bare name
    # ("jinja2" for "Can I use Jinja2 with FastAPI?").
    said = STOPWORDS.union(query.terms)  # a unit within it says nothing the question does not
    least = YES_NO_RESTATED_WORDS if is_yes_no(query.text) else 10**6
    # Only a unit with no more content words than the question can be within it: the few such are read word by word.
    few = ~misfit & (snap.unit_ncontent[units] <= len(said - STOPWORDS))
    for i in np.flatnonzero(few).tolist():
        u = int(units[i])
        misfit[i] = snap.unit_words[u] <= said and len(words(snap.unit_text[u])) < least
    return misfit


def _other_side(snap: Snapshot, units: NDArray[np.int64], query: Query) -> NDArray[np.bool_]:
    """Per unit, whether it is on a list of the other side of what the question asks, or leads into one: "Cons:"
    and its items for "What are the pros of renting?" (the pros and the cons are as near in meaning as two words
    are)."""
    asked = set(words(query.text))
    sides = [side for side in PROS_CONS if asked & side]
    out = np.zeros(len(units), dtype=bool)
    if len(sides) != 1:
        return out
    (mine,) = sides
    theirs = next(side for side in PROS_CONS if side is not mine)

    def leads_theirs(u: int) -> bool:
        said = set(words(snap.unit_text[u]))
        return snap.list_label(u) and bool(said & theirs) and not said & mine

    for i, u in enumerate(units.tolist()):
        out[i] = leads_theirs(u if (lead := snap.list_lead(u)) is None else lead)
    return out


YES_NO_RESTATED_WORDS = 3  # a unit restating a yes/no question answers it from a sentence's length ("Flask supports async")


def _misfit_kinds(snap: Snapshot, units: NDArray[np.int64], query: Query, other: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Per unit, whether it is a piece of a sentence, a sentence pointing elsewhere for its matter ("Read more
    about it in the FastAPI docs for WebSockets") for a question that asks for no reading, one about the writing
    it stands in ("This piece looks at day-two operations: installing, upgrading, monitoring ..."), a release note for a
    how-to ('0.9.1 > Handle startup/shutdown errors properly.' says what changed, not how to do it), code for a
    question that asks no how-to nor code, or said of another subject than the one asked about (``other``)."""
    reading = bool(ASKS_REFERENCE.search(query.text))
    howto = query.qtype == "howto"
    no_claim = snap.unit_piece[units] | (snap.unit_points_away[units] & (not reading)) | snap.unit_on_itself[units] | (
        snap.unit_release_note[units] & howto)
    code = snap.unit_is_code[units]
    if len(query.subjects) >= 2:
        # a comparison: each subject's side, code included, is chosen for itself; advice is no code
        return no_claim | (code & (query.qtype == "recommendation")) | other
    shows_code = howto or wants_code(query.text, query.qtype)
    return no_claim | (code & (not shows_code)) | other


def _of_another_subject(snap: Snapshot, units: NDArray[np.int64] | list[int], query: Query) -> NDArray[np.bool_]:
    """Per unit, whether it is said of another subject than the one a question about one subject asks about
    (or than any a question about several asks about):
    a unit naming two subjects is said of the one it names first ("FastAPI was first released ... overtaking
    Flask" is no answer to when Flask was). Not a table row with a cell for the subject asked
    (:func:`_row_led_by_another`)."""
    if len(query.subjects) > 1:
        # Of several asked, a unit about one not asked ("Steep learning curve" under '## Vim', for "should a
        # beginner use vs code or emacs"), unless a table row with a cell for one asked.
        cells = np.logical_or.reduce([_cells_of(snap, s) for s in query.subjects])
        return _said_elsewhere(snap, *query.subjects)[units] & ~cells[units]
    if not query.subjects:
        return np.zeros(len(units), dtype=bool)
    subject = query.subjects[0]
    other = _said_elsewhere(snap, subject)[units] & ~_cells_of(snap, subject)[units]
    # ... unless the question's words are in what it then says of the subject asked about: "Is Flask easy for
    # newcomers?" is answered by "FastAPI edges ahead in performance, ..., while Flask remains the go-to for
    # newcomers and lightweight projects." Few such units name the subject asked about beside another.
    naming = [i for i in np.flatnonzero(other).tolist() if subject in snap.unit_subjects[int(units[i])]]
    if naming and (forms := {held_form(w) for w in asked_words(snap, query)}):
        for i in naming:
            other[i] = not _in_clause_of(snap, int(units[i]), subject, forms)
    return other


# What opens a clause of its own before a subject's name: ", while Flask ...", "; Flask ...", "whereas Flask",
# ", and Kopia ...", or a sentence the unit runs on into ("... under WSL. restic and Kopia both ship ...").
_CLAUSE_OPENS = re.compile(r"(?:[,;:.\u2014\u2013]\s*(?:while|whereas|but|yet|though|although|and)?|\b(?:while|whereas))\s*$",
                           re.I)


def _in_clause_of(snap: Snapshot, unit: int, subject: str, forms: set[str]) -> bool:
    """Whether a word of one of ``forms`` (:func:`held_form`'s) is in a clause of ``unit`` that opens with
    ``subject`` (", while Flask remains the go-to for newcomers"), before any other subject is named; not in a
    subject named beside another ("Fastapi and Flask are both popular")."""
    return any(f in clause for clause in snap.memo("clauses", (unit, subject), partial(_clauses_of, snap, unit, subject))
               for f in forms)


def _clauses_of(snap: Snapshot, unit: int, subject: str) -> tuple[str, ...]:
    """The clauses of ``unit`` opening with ``subject`` (:func:`_in_clause_of`), in lower case; found once per
    snapshot, unit and subject."""
    text = snap.unit_text[unit]
    named = snap.catalog.find(text)
    out = []
    for i, (name, start, end) in enumerate(named):
        if name == subject and _CLAUSE_OPENS.search(text, 0, start):
            stop = named[i + 1][1] if i + 1 < len(named) and named[i + 1][0] != subject else len(text)
            out.append(text[end:stop].lower())
    return tuple(out)


def _row_led_by_another(snap: Snapshot, units: NDArray[np.int64] | list[int], query: Query) -> NDArray[np.bool_]:
    """Per unit, whether it is a table row with a cell for the one subject asked about, said of another
    ('Redirect: Flask `redirect` + `url_for` · Litestar `Redirect` + `request.url_for`' of a guide for Flask
    users): it answers after what is said of the subject asked (:func:`select_claims`)."""
    if len(query.subjects) != 1:
        return np.zeros(len(units), dtype=bool)
    subject = query.subjects[0]
    return _said_elsewhere(snap, subject)[units] & _cells_of(snap, subject)[units]


def _said_elsewhere(snap: Snapshot, *subjects: str) -> NDArray[np.bool_]:
    """Per unit of the corpus, whether the subject it is about, or leads with, is none of ``subjects``; made once
    per snapshot and subjects: questions ask it of hundreds of units."""
    def find() -> NDArray[np.bool_]:
        fits = (None, *subjects)
        return np.array([about not in fits or lead not in fits
                         for about, lead in zip(subject_among_all(snap), snap.unit_lead_subject, strict=True)], dtype=bool)

    return snap.memo("said_elsewhere", subjects, find)


def _cells_of(snap: Snapshot, subject: str) -> NDArray[np.bool_]:
    """Per unit of the corpus, whether it is a table row with a cell for ``subject``; made once per snapshot and
    subject."""
    return snap.memo("cells_of", subject, lambda: np.array([subject in cells for cells in snap.unit_cells], dtype=bool))


def _lead(snap: Snapshot, scored: list[Scored], query: Query, asked_chunk: int | None = None,
          fitting: int = 0) -> Scored | None:
    """The unit of the kind of answer the question wants, which leads the claims whatever the ranker made of
    it: for "What is X?" (and "Is X an A or a B?", naming one) the best prose unit saying what X is (a list of
    package names holds the word X as fully as a definition does); for "What is X used for?" the best saying
    what X is for ("Pydantic to handle validation"), else what X is; for "Who made X?" the best one saying X
    was made by someone ("Flask was created by ...", when the question says "wrote" and "made" is also in
    "ready-made"; or at a place: "developed at World Online"); for "Which Python does X need?" the best stating
    a version of it; for a question asking for several things named, the best list of names in the passage
    nearest the question (a list's own words are a bag of names: its passage and headings say what it lists),
    of the subject the question names first. For a recommendation naming one subject, advice on it. Else the
    table row labelled with the question's words, over
    another row or a unit holding none of them; over a unit holding none under a heading holding none, the best
    of those that fit (the first ``fitting`` of ``scored``) holding them or standing under such a heading, within
    the claim margin; else the best unit of ``asked_chunk``, the passage whose
    heading asks the question (an FAQ entry). None when the question wants no such kind or no unit is of it."""
    code = snap.unit_is_code

    def prose() -> Iterator[Scored]:  # made as read: most questions want no such kind, and a search stops early
        return (s for s in scored if not code[s.unit])

    if (release := own_release(snap, query)) is not None:
        # "What's the latest version of Flask?": the unit naming the subject's newest release ("Flask 3.1.3
        # shipped in February 2026", not "The Flask version requires you to ..."); "... first version ...": its
        # oldest.
        return _release(snap, scored, release[0], oldest=release[1])
    if named := named_release(snap, query):
        # "What changed in Starlette 0.33.0?": the best naming that release ('0.33.0 (December 1, 2023) > Added');
        # "When was Svelte 5 released?": of those, the one saying when it began ("Svelte 5 shipped on 19 October
        # 2024"), not a benchmark run of January 2025 naming it.
        if query.subjects and asks_origin(query.text) and (
                began := _earliest_beginning(snap, [s for s in prose() if s.unit in named])) is not None:
            return began
        return next((s for s in scored if s.unit in named), None)
    if (term := definition_term(query.text)) is not None:
        # A sentence opening by saying what X is, the first of its page that does ("Starlette is a lightweight
        # ASGI framework", not "Starlette is an open-source project" further down), else one saying it
        # anywhere, else the best that is no bare list of names (one holds the word, and says nothing of what
        # it is).
        opening = [s for s in prose() if opens_definition(snap.unit_text[s.unit], term)]
        if opening:
            doc = snap.unit_doc[opening[0].unit]
            return min((s for s in opening if snap.unit_doc[s.unit] == doc), key=lambda s: s.unit)
        kinds = snap.version.unit_kinds
        # (holding a word of X: "what is itsdangerous" was led by 'jinja2', every unit naming it a list of names;
        # "the lock is universal" says what 'uv.lock' is)
        pieces = [p for p in re.findall(r"[a-z0-9]+", term.lower()) if len(p) >= 3]
        return next((s for s in prose() if defines(snap.unit_text[s.unit], term)), None) or next(
            (s for s in prose() if not enumerates(snap.unit_text[s.unit], item=kinds[s.unit] == "item")
             and any(snap.holds(s.unit, p) for p in pieces)), None)
    if (term := person_term(query.text)) is not None:
        # "Who is X?": the best saying who X is, not a byline ("By Armin Ronacher & community")
        return next((s for s in prose() if defines(snap.unit_text[s.unit], term)), None)
    if (term := classified_term(query.text)) is not None and (alts := alternatives(query)):
        # "Is X an A or a B?": what X is, said with one of the two.
        return next((s for s in prose() if defines(snap.unit_text[s.unit], term) and set(alts) & snap.unit_words[s.unit]),
                    None)
    if (term := purpose_term(query.text)) is not None:
        # what X serves, else what X is (which says what it is for: "a templating engine")
        return next((s for s in prose() if states_purpose(snap.unit_text[s.unit], term)), None) or next(
            (s for s in prose() if defines(snap.unit_text[s.unit], term)), None)
    if query.subjects and WANTS_USERS.match(query.text):
        # "Who uses X?": the best naming someone or something (other than the subjects) that uses it
        return next((s for s in prose() if snap.unit_name[s.unit] and SAYS_USE.search(snap.unit_text[s.unit])), None)
    if WANTS_MAKER.search(query.text):
        return next((s for s in prose() if says_maker(snap.unit_text[s.unit], query.text)), None)
    if keys := {version_key(name) for name in versioned(query.text)}:
        # "What Python version does X need?", "Does X support Python 3.8?": the best stating a version of it for
        # a subject asked about ("... only support Python 3.11.0 or greater", not "sync wrapped versions")
        asked = query.subjects or tuple(snap.catalog.names)
        return next((s for s in prose() if any(f.kind == "version" and f.key in keys and f.subject in asked
                                               for f in snap.unit_facts[s.unit])), None)
    if query.subjects and asks_origin(query.text):
        return _origin(snap, list(prose()), query)
    if wants_list(query.text):
        nearest = max(s.chunk_cos for s in scored)
        kinds = snap.version.unit_kinds
        lists = [s for s in scored if s.chunk_cos >= nearest
                 and enumerates(snap.unit_text[s.unit], item=kinds[s.unit] == "item")]
        # "Which X does A use that B does not?": the list of the subject asked about, the one named first.
        about = subject_among_all(snap)
        return min(lists, key=lambda s: about[s.unit] not in (None, *query.subjects[:1]), default=None)
    if wants_code(query.text, query.qtype) and not code[scored[0].unit] and (shown := _near_first(
            scored, fitting, lambda s: code[s.unit] and len(words(snap.unit_text[s.unit])) >= MIN_CODE_WORDS)) is not None:
        # "Show me an example of dependency injection in FastAPI": the best code as near as a claim must be
        return shown
    amount = asked_amount(query.text)
    if len(query.subjects) == 1 and amount is not None \
            and (other := _variant_asked(snap, scored, query, fitting, amount)) is not None:
        return other
    if not is_yes_no(query.text) and len(query.text.split()) < FOCUS_MIN_WORDS and amount is not None \
            and not amount(snap.unit_text[scored[0].unit]):
        # "How much does a mid-drive motor weigh?": the best stating a mass ('Typical motor weight 3–4 kg'), as near
        # as a claim must be, over "Where the weight sits matters as much as how much there is." Not for a yes or
        # no ("Are hub-motor bikes cheaper?": "Yes, in most cases."), nor in a long question's situation ("We don't
        # care much about the cost").
        if (stated := _near_first(scored, fitting, lambda s: not code[s.unit] and amount(snap.unit_text[s.unit]))) \
                is not None:
            return stated
        # Further down, one of the first few holding every word the question asks about, about a subject it asks
        # of (if any): "how often does kopia run maintenance" is answered by "quick maintenance runs every hour by
        # default" (under '### Kopia'), not "... as maintenance improvements land often" (8.6 to its 1.6).
        needed = {held_form(w) for w in asked_words(snap, query) if w not in AMOUNT_WORDS and w not in _HOW_OFTEN}
        about = subject_among_all(snap)

        def answers(s: Scored) -> bool:
            text = snap.unit_text[s.unit]
            return not code[s.unit] and (not query.subjects or about[s.unit] in query.subjects) and amount(text) \
                and all(any(w.startswith(f) for w in words(text)) for f in needed)

        if needed and (whole := next((s for s in scored[1:AMOUNT_REACH] if answers(s)), None)) is not None:
            return whole
    cells, first, asked = snap.unit_cells, scored[0].unit, asked_words(snap, query)
    forms = {held_form(w) for w in asked}

    def holds(u: int) -> bool:
        text = snap.unit_text[u].lower()
        return any(f in text for f in forms)

    def advises(s: Scored) -> bool:
        return bool(snap.unit_advice[s.unit]) and not code[s.unit] and query.subjects[0] in snap.unit_subjects[s.unit]

    if query.qtype == "recommendation" and len(query.subjects) == 1 and not is_yes_no(query.text) \
            and (advised := scored[0] if advises(scored[0]) else _near_first(scored, fitting, advises)) is not None:
        # "should i use jenkins for a 40 person company" is answered by advice on it ("Choose Jenkins only if you
        # need its plugin ecosystem ..."), the first or as near as a claim must be, not by "Our reference team is
        # a 40-engineer product company ...", which holds more of its words. (Not a yes or no: "Is FastAPI easy to
        # pick up if I am new to programming?" is answered by "... even with limited programming knowledge".)
        return advised
    if asked and query.qtype == "fact" and len(query.subjects) < 2 and not asks_fit(query.text) \
            and CHOOSING.search(snap.unit_text[first]) and (told := _near_first(scored, fitting, lambda s: not (
                snap.unit_advice[s.unit] or code[s.unit] or snap.unit_release_note[s.unit])
                and s.cos >= scored[0].cos and holds(s.unit))) is not None:
        # A question asking no choice is answered by what is so, not by when to choose it: "How does FastAPI
        # handle WebSockets?" by "FastAPI has first-class WebSocket support through Starlette.", not by "It is the
        # right choice when ... building real-time applications with WebSockets", further from it in meaning.
        return told

    if asked and ((cells[first] and not labelled_row(snap, query, first, asked)) or not holds(first)):
        # The table row labelled with what the question asks, with a cell for each subject it names (if any), over
        # another row ('| Sessions | yes | Client-side |' for "Does Quart support sessions?", not the row whose
        # cell names it for another subject: '| Authentication | JWT / Session based | - |') or a unit holding
        # none of the question's words, even inside a name ("... not supported for Sanic and Quart" for "Does
        # Sanic support dependency injection?"; not "a BackgroundTask can be passed ..." for "... background
        # tasks?"). A sentence holding them is left first: it says more than a cell.
        if (row := next((s for s in scored if cells[s.unit] and labelled_row(snap, query, s.unit, asked)), None)) is not None:
            return row
        # Nor does a first unit holding none of them, under a heading holding none, lead one that holds them or
        # stands under such a heading, near enough in score to be a claim beside it ("Does Flask support type
        # hints?": not '| Asynchronous task support | No | Yes |' but "Flask does not perform any input validation
        # ..." under 'Data Validation: Manual vs. Type Hints').
        # (Not one next to nothing in meaning: 'days' of "Who looks after Flask these days?" in "Within days, ...")
        def speaks(u: int) -> bool:
            return holds(u) or heading_holds(snap, u, forms)

        if not speaks(first) and (own := _near_first(
                scored, fitting, lambda s: s.cos >= FAR_LEAD_COS and speaks(s.unit))) is not None:
            return own
    if asked_chunk is not None:
        # The best of the passage whose heading asks the question (code too, for a how-to): its units answer
        # the heading and do not restate it, so units elsewhere holding the question's words may score above
        # them.
        howto = query.qtype == "howto"
        if is_yes_no(query.text):
            # A yes or a no answers first ("Yes. Add `lang="ts"` to the script tag ..."; "You can, but it is better to
            # keep it running at low speed."), though the sentences after it hold more of the question's words
            # ("What Svelte 4 does not support is TypeScript syntax inside the markup itself").
            first = snap.version.chunks[asked_chunk].unit_lo
            if (snap.unit_bare[first] or VERDICT.match(snap.unit_text[first]) or SAYS_WHETHER.match(snap.unit_text[first])) \
                    and (verdict := next((s for s in scored if s.unit == first), None)) is not None:
                return verdict
        # (Not one pointing ahead at what follows: "We've driven both extensively, and here's how to choose.")
        return next((s for s in scored if snap.unit_chunk[s.unit] == asked_chunk and (howto or not code[s.unit])
                     and not points_ahead(snap.unit_text[s.unit])), None)
    return None


MIN_CODE_WORDS = 3  # a piece of a code block shorter than this shows nothing of it ('```', '})')
AMOUNT_REACH = 8  # how far down the ranking an amount asked for is looked for, beyond the claims' margin
_HOW_OFTEN = frozenset({"often", "frequently"})  # what asks an amount, no word the answer must hold


ORIGIN_COS_MARGIN = 0.1  # a unit this near the nearest in meaning may say when a subject began, whatever its score


def _origin(snap: Snapshot, prose: list[Scored], query: Query) -> Scored | None:
    """For "When was X (first) released?" (:func:`qa.cues.asks_origin`): of the prose units near the best in
    score, or in meaning (a word of the question in another sense may score far above the rest: 'made' of
    "When was Flask made?" in "a ready-made extension"), that say a beginning of the subject asked with a year,
    the earliest ("Flask 0.1 on April 16, 2010", not "Flask 3.1 (released late 2024)"). Only of a subject of the
    corpus: of anything else, a unit's earliest year may be of another beginning ("When was the Duchy of
    Normandy founded?" is not when Norman adventurers founded Sicily)."""
    if not prose:
        return None
    floor, nearest = prose[0].score - CLAIM_MARGIN, max(s.cos for s in prose) - ORIGIN_COS_MARGIN
    near = [s for s in prose if s.score >= floor or s.cos >= nearest]
    return _earliest_beginning(snap, [s for s, other in zip(
        near, _of_another_subject(snap, [s.unit for s in near], query), strict=True) if not other]) \
        or _origin_row(snap, prose, query)


def _origin_row(snap: Snapshot, prose: list[Scored], query: Query) -> Scored | None:
    """The best table row labelled with a beginning ('| Released | 2019 | 2018 |') whose cell for the one subject
    asked holds a year: "When did the Bambino Plus come out?" words it otherwise than the row does."""
    if len(query.subjects) != 1:
        return None
    subject = query.subjects[0]
    for s in prose:
        if (cell := snap.unit_cells[s.unit].get(subject)) is not None \
                and origin_year(f"{snap.row_label(s.unit)} {snap.doc_of(s.unit).text[cell[0]:cell[1]]}") is not None:
            return s
    return None


_FIRST_RELEASE = re.compile(r"\b(?:first|earliest|oldest|initial|original)\b", re.I)
_LAST_RELEASE = re.compile(r"\b(?:latest|newest|current|last|most\s+recent|recent)\b", re.I)


_RELEASE_WORDS = frozenset({"version", "versions", "release", "releases", "new"})


def own_release(snap: Snapshot, query: Query) -> tuple[str, bool] | None:
    """The subject of the corpus whose newest or oldest release a question asks for, and nothing else ("What's
    the latest version of Flask?", "What was the first version of FastAPI?"), and whether the oldest; None for
    any other ("Which version of Flask added async?" asks another)."""
    oldest = _FIRST_RELEASE.search(query.text) is not None
    if len(query.subjects) != 1 or not (oldest or _LAST_RELEASE.search(query.text)):
        return None
    asked = set(query.aspect_terms)
    which = {w for w in asked if _FIRST_RELEASE.fullmatch(w) or _LAST_RELEASE.fullmatch(w)}
    if not asked & _RELEASE_WORDS or asked - _RELEASE_WORDS - which:
        return None
    return query.subjects[0], oldest


def named_release(snap: Snapshot, query: Query) -> tuple[int, ...]:
    """The units naming the release of a subject a question names ("What changed in Starlette 0.33.0?", "Does
    Flask 2.0 support async?": :func:`_releases`, '0.33' of '0.33.0' too), in the corpus's order; empty when
    it names none, or one the corpus does not."""
    named = [(name, m.group(1)) for name, m in subject_releases(query.text, snap.catalog.find(query.text))]
    # One release asked about, in a question of a few words: two ("Svelte 4 or Svelte 5?") are compared, and a long
    # question's ("We have a big React 18 codebase ...") are its situation.
    if len(named) != 1 or len(query.text.split()) >= FOCUS_MIN_WORDS:
        return ()
    name, release = named[0]
    number = tuple(int(p) for p in release.split("."))
    return tuple(sorted(u for n, u in _releases(snap, name) if n[: len(number)] == number))


def _releases(snap: Snapshot, subject: str) -> tuple[tuple[tuple[int, ...], int], ...]:
    """The prose units naming a release of ``subject`` ("Flask 3.1.3 shipped ...", "FastAPI `0.99.0`"), or the
    first under a heading naming one in a page about ``subject`` alone (release notes: "## 0.47.3 (August 24,
    2025)"), with the release, newest first; made once per snapshot and subject."""
    def release(number: str) -> tuple[int, ...]:
        return tuple(int(p) for p in number.split("."))

    def find() -> tuple[tuple[tuple[int, ...], int], ...]:
        found = []
        headed: set[tuple[str, str]] = set()  # (document, heading): its first unit stands for it
        for u, text in enumerate(snap.unit_text):
            if snap.unit_is_code[u]:
                continue
            doc = snap.doc_of(u)
            if len(doc.subjects) == 1 and snap.catalog.canonical(doc.subjects[0]) == subject:
                for heading in snap.version.chunks[int(snap.unit_chunk[u])].section:
                    if (m := RELEASE_HEADING.match(heading)) and (doc.doc_id, heading) not in headed:
                        headed.add((doc.doc_id, heading))
                        found.append((release(m.group(1)), u))
            if subject not in snap.unit_subjects[u]:
                continue
            found += [(release(m.group(1)), u) for name, m in subject_releases(text, snap.catalog.find(text))
                      if name == subject]
            if snap.version.unit_kinds[u] == "row" and dates_said(text):
                # a release history's row, '| Redis | 7.2 | August 2023 |': the release in the next cell, dated
                found += [(release(m.group(1)), u) for name, _start, end in snap.catalog.find(text)
                          if name == subject and (m := _CELL_RELEASE.match(text, end))]
        return tuple(sorted(found, key=lambda r: r[0], reverse=True))

    return snap.memo("releases", subject, find)


_CELL_RELEASE = re.compile(rf"\s*\|\s*`?v?({RELEASE_NUMBER})`?\s*\|")  # a release number alone in the next cell


def _release(snap: Snapshot, scored: list[Scored], subject: str, *, oldest: bool) -> Scored | None:
    """The best scored unit naming the newest release of ``subject`` the corpus names ("Flask 3.1.3"), or with
    ``oldest`` its oldest ("Flask 0.1"); None when it names none (:func:`kind_units` makes them candidates)."""
    releases = _releases(snap, subject)
    if not releases:
        return None
    wanted = releases[-1][0] if oldest else releases[0][0]
    units = {u for number, u in releases if number == wanted}
    return next((s for s in scored if s.unit in units), None)


def _earliest_beginning(snap: Snapshot, candidates: list[Scored]) -> Scored | None:
    """Of ``candidates``, the one saying the earliest beginning with a year (:func:`qa.cues.origin_year`), the
    better scored on a tie; None when none says one."""
    dated = [(year, -s.score, i) for i, s in enumerate(candidates)
             if (year := origin_year(snap.unit_text[s.unit])) is not None]
    return candidates[min(dated)[2]] if dated else None


class QuestionTerms:
    """What of a question a claim's quote holds: its content words (as :mod:`qa.ranker` counts them), their
    IDF weights, and per unit, which of them it holds (looked up once a unit)."""

    def __init__(self, snap: Snapshot, query: Query) -> None:
        self.snap = snap
        self.terms = [t for t in dict.fromkeys(query.terms) if t not in STOPWORDS and t not in QUESTION_WORDS]
        weights = np.array([snap.idf_of(t) for t in self.terms])
        self.weights = weights / weights.sum() if len(weights) else weights
        self._held: dict[int, NDArray[np.bool_]] = {}

    def held(self, units: range) -> NDArray[np.bool_]:
        out = np.zeros(len(self.terms), dtype=bool)
        for u in units:
            if u not in self._held:
                self._held[u] = np.array([self.snap.holds(u, t) for t in self.terms], dtype=bool)
            out |= self._held[u]
        return out


def claim_units(snap: Snapshot, unit: int, asked: QuestionTerms) -> tuple[int, int]:
    """The first and last unit a claim of ``unit`` quotes: its own quote (:meth:`Snapshot.quote_span`), and the
    sentence after it, then the one before it, in its paragraph, each when it holds words of the question the
    quote lacks (:data:`NEIGHBOUR_SHARE`) and names no subject of the corpus the quote does not ("Flask ..."
    after a sentence on FastAPI is the other side). Only for a sentence, beside sentences, or a sentence of a list
    item beside those of the same item ("`max_age` - Sets a maximum time ... Defaults to `600`.")."""
    first, last = int(snap.quote_first[unit]), int(snap.quote_last[unit])
    kinds = snap.version.unit_kinds
    kind = kinds[unit]
    if not asked.terms or kind not in ("sentence", "item"):
        return first, _list_led(snap, last)
    have = asked.held(range(first, last + 1))
    named = frozenset().union(*(snap.unit_subjects[u] for u in range(first, last + 1)))

    def adds(v: int) -> bool:  # a sentence of the same paragraph, or of the same list item
        if kinds[v] != kind or snap.unit_subjects[v] - named:
            return False
        return float(asked.weights @ (asked.held(range(v, v + 1)) & ~have)) >= NEIGHBOUR_SHARE

    n = len(kinds)
    if last + 1 < n and snap.unit_same_paragraph[last + 1] and adds(last + 1):
        have |= asked.held(range(last + 1, last + 2))
        last = int(snap.quote_last[last + 1])
    if first > 0 and snap.unit_same_paragraph[first] and adds(first - 1):
        first = int(snap.quote_first[first - 1])
    return first, _list_led(snap, last)


def _list_led(snap: Snapshot, last: int) -> int:
    """The last item of the list (or row of the table) the sentence ``last`` leads into, right after it, when it is
    short enough to quote whole (:data:`LIST_ITEMS`, :data:`LIST_WORDS`), or the code block it leads into
    (:data:`CODE_LINES`); else ``last``. A table's rows follow in its section, under one header (what stands
    between them is the table's markup)."""
    kinds, units, contexts = snap.version.unit_kinds, snap.version.units, snap.version.unit_contexts
    if kinds[last] != "sentence" or not snap.unit_text[last].rstrip().endswith(":") or last + 1 >= len(kinds):
        return last
    text, item, said, kind = snap.doc_of(last).text, last, 0, kinds[last + 1]
    section = snap.version.chunks[int(snap.unit_chunk[last])].section
    if kind == "code":
        code = last + 1
        whole = code + 1 == len(kinds) or kinds[code + 1] != "code" or snap.unit_doc[code + 1] != snap.unit_doc[code]
        same = snap.unit_doc[code] == snap.unit_doc[last] and snap.version.chunks[int(snap.unit_chunk[code])].section == section
        return code if same and whole and snap.unit_text[code].strip().count("\n") < CODE_LINES else last

    def follows(nxt: int) -> bool:
        if kinds[nxt] != kind or snap.unit_doc[nxt] != snap.unit_doc[last]:
            return False
        if kind == "row":
            return snap.version.chunks[int(snap.unit_chunk[nxt])].section == section and contexts[nxt] == contexts[last + 1]
        return kind == "item" and LIST_GAP.fullmatch(text, int(units[nxt - 1][2]), int(units[nxt][1])) is not None

    items = 0
    while item + 1 < len(kinds) and follows(item + 1):
        item += 1
        said += snap.unit_nwords[item]
        # an item's second sentence goes on the same line; a table's rows are each one
        items += kind == "row" or "\n" in text[int(units[item - 1][2]):int(units[item][1])]
        if items > LIST_ITEMS or said > LIST_WORDS:
            return last
    return item


def _variant_asked(snap: Snapshot, scored: list[Scored], query: Query, fitting: int,
                   amount: Callable[[str], bool]) -> Scored | None:
    """When the first unit names a variant of the one subject asked that the question does not ('Busuu Premium
    Plus costs $16.99 ...' for "busuu premium price"), the best unit naming one it does and stating the
    ``amount`` asked ('| Busuu Premium | $13.99 | ...'), as near in score as a claim must be; else None. (Not one
    stating something else of it: "The Model 3 Long Range adds 10-80% in about 25 minutes" for "How much is a
    Model 3 Long Range?" beside the Long Range AWD's price.)"""
    subject, typed = query.subjects[0], set(words(query.text))

    def variant(s: Scored) -> frozenset[str]:
        text = snap.unit_text[s.unit]
        return variants_named(text, snap.catalog.find(text), subject)

    if not variant(scored[0]) - typed:
        return None
    return _near_first(scored, fitting, lambda s: bool(v := variant(s)) and v <= typed and amount(snap.unit_text[s.unit]))


def _near_first(scored: list[Scored], fitting: int, ok: Callable[[Scored], bool]) -> Scored | None:
    """The best unit after the first of those that fit (the first ``fitting`` of ``scored``; all when none
    does) that ``ok`` takes, as near in score to the first as a claim must be (:data:`CLAIM_MARGIN`); None
    when there is none."""
    floor = scored[0].score - CLAIM_MARGIN
    return next((s for s in scored[1:fitting or None] if s.score >= floor and ok(s)), None)


def _pointed_at(snap: Snapshot, scored: list[Scored], query: Query, fitting: int) -> Scored | None:
    """The best of the units that fit (the first ``fitting`` of ``scored``; all when none does) coming after the
    first in its passage, itself no pointer (:func:`qa.cues.points_ahead`), naming a subject the question asks
    about if it asks of any (the table after "Here are the headline prices" has a row for each); None when there
    is none."""
    first = scored[0].unit
    chunk, asked = snap.unit_chunk[first], set(query.subjects)
    return next((s for s in scored[1:fitting or None] if snap.unit_chunk[s.unit] == chunk and s.unit > first
                 and not points_ahead(snap.unit_text[s.unit]) and (not asked or asked & snap.unit_subjects[s.unit])),
                None)


def _first(scored: list[Scored], lead: Scored | None) -> list[Scored]:
    """``scored`` with ``lead`` (when there is one) moved to the front."""
    return scored if lead is None else [lead, *(s for s in scored if s is not lead)]


def select_claims(snap: Snapshot, scored: list[Scored], query: Query, max_claims: int,
                  asked_chunk: int | None = None) -> list[Claim]:
    """Pick diverse, strong units; for a comparison one per subject first; merge near-duplicates. Each claim
    quotes its unit with the sentences beside it that hold more of the question (:func:`claim_units`).
    ``asked_chunk``: the passage whose heading asks the question (:attr:`Ranking.asked_chunk`)."""
    if not scored:
        return []
    asked = QuestionTerms(snap, query)
    spans: dict[int, tuple[int, int]] = {}

    def span(u: int) -> tuple[int, int]:
        if u not in spans:
            spans[u] = claim_units(snap, u, asked)
        return spans[u]
    vecs = snap.version.unit_vecs
    # Units that do not fit the question come after those that do and do not set the bar the others are held
    # to: a sentence about another subject of the corpus for a question about one subject (no claim at all
    # beside those that fit), a code block for a question of one subject (or none) that does not ask how to do
    # something (code illustrates prose).
    ids = np.fromiter((s.unit for s in scored), dtype=np.int64, count=len(scored))
    other = _of_another_subject(snap, ids, query)
    misfit = _misfits(snap, ids, query, other)
    fitting = len(misfit) - int(np.count_nonzero(misfit))
    elsewhere = set(ids[other].tolist())
    if fitting:
        scored = [scored[i] for i in np.argsort(misfit, kind="stable").tolist()]  # those that fit first, by score
        # A table row said of another subject, with a cell for the one asked, leads only when nothing said of that
        # subject is near enough in score to be a claim beside it: "How do I set cookies in Litestar?" leads with
        # "Litestar offers two paths: ...", "How do I return a redirect ...?" with the row of a guide for Flask
        # users ('Redirect: Flask `redirect` + `url_for` · Litestar `Redirect` + `request.url_for`').
        if _row_led_by_another(snap, [scored[0].unit], query)[0]:
            rows = set(ids[_row_led_by_another(snap, ids, query)].tolist())
            scored = _first(scored, _near_first(scored, fitting, lambda s: s.unit not in rows))
    best, pointed = scored[0].score, None
    if points_ahead(snap.unit_text[scored[0].unit]):
        # What a first unit points at leads in its place ("Here are the headline prices ..." gives none: the
        # table after it does), the pointer's score setting the bar the other claims are held to; the pointer says
        # nothing a claim could, so with nothing of its passage to point at it goes after the units that fit ("We've
        # driven all three extensively, and here's how to choose.").
        if (pointed := _pointed_at(snap, scored, query, fitting)) is not None:
            scored = [pointed, *(s for s in scored[1:] if s is not pointed)]
            fitting -= bool(fitting)
        elif fitting > 1:
            scored = [*scored[1:fitting], scored[0], *scored[fitting:]]
            fitting -= 1
    floor = best - CLAIM_MARGIN  # of the first by score: a unit put first for its meaning sets no lower bar
    if scored[0].cos < FAR_LEAD_COS:
        # A first unit next to nothing in meaning holds a word of the question in another sense ('days' of "Who
        # maintains Flask these days?" in "Within days, 10,000 people had downloaded ..."): a unit that fits, as
        # near in score as a claim is and much nearer in meaning, goes first.
        far = scored[0].cos
        scored = _first(scored, _near_first(scored, fitting, lambda s: s.cos >= far + NEARER_LEAD_COS))
    picked: list[Scored] = []

    def diverse(s: Scored) -> bool:
        if snap.unit_text[s.unit] in (snap.unit_text[p.unit] for p in picked):
            return False
        # A unit another claim quotes already (as the sentence continuing it), or whose quote runs into one
        # (lengthened by the question, else as its own: a sentence beside a claim may be a claim of its own).
        def free(mine: tuple[int, int]) -> bool:
            return not any((their := span(p.unit))[0] <= mine[1] and mine[0] <= their[1] for p in picked)

        if not free(span(s.unit)):
            own = (int(snap.quote_first[s.unit]), int(snap.quote_last[s.unit]))
            if not free(own):
                return False
            spans[s.unit] = own
        return all(float(vecs[s.unit] @ vecs[p.unit]) < 0.9 for p in picked)

    comparative = len(query.subjects) >= 2
    limit = max_claims + (len(query.subjects) if comparative else 0)
    if (lead := _lead(snap, scored, query, asked_chunk, fitting) or pointed) is not None:
        picked.append(lead)
        if pointed is not None and pointed is not lead:
            picked.append(pointed)  # what the best passage points at, after a unit of the kind asked
        if query.subjects and asks_origin(query.text) and origin_year(snap.unit_text[lead.unit]) is None and \
                (began := _origin(snap, [s for s in scored if not snap.unit_is_code[s.unit]], query)) is not None \
                and began is not lead:
            picked.append(began)  # "Who made Flask, and when?": the maker, then when it began
    if comparative:
        # A table row with a cell for two of the subjects speaks for both: it does not set the bar each subject's
        # own best unit is held to (a strong '| Community | ... |' row leaves out "FastAPI was created in 2018,
        # and its community is not that big").
        # Nor does a sentence naming two of them ("FastAPI was first released in December 2018 ... overtaking
        # Flask"), unless the question sets the two in a relation ("Can I use Flask extensions inside FastAPI?"),
        # which such a sentence answers for both.
        asked_subjects, related = set(query.subjects), relates(query.text, snap.catalog)
        own = next((s.score for s in scored if len(snap.unit_cells[s.unit].keys() & asked_subjects) < 2
                    and (related or len(snap.unit_subjects[s.unit] & asked_subjects) < 2)), best)
        # A subject's own claim is no unit holding, of all the question asks, only the first word of a two-word
        # term ('programming background' for "How do the two handle background tasks?"): the word in another sense.
        compounds = compound_terms(snap, query)
        others = [t for t in query.aspect_terms if not generic(t)]

        def other_sense(u: int) -> bool:
            return any(snap.holds(u, a) and not any(snap.holds(u, t) for t in others if t != a) for a, _b in compounds)

        origin, bar = asks_origin(query.text), min(own, best) - CLAIM_MARGIN - SUBJECT_MARGIN
        above = list(itertools.takewhile(lambda s: s.score >= bar, scored))
        for subject in query.subjects:
            mine = [s for s in above if unit_subject(snap, s.unit, query.subjects) == subject and not other_sense(s.unit)]
            # "When were X and Y released?": each one's earliest beginning first, as _lead puts it for one
            if origin and (first := _earliest_beginning(snap, mine)) is not None:
                mine = [first, *(s for s in mine if s is not first)]
            if (s := next((s for s in mine if diverse(s)), None)) is not None:
                picked.append(s)
    code = snap.unit_is_code
    for i, s in enumerate(scored):
        if len(picked) >= (limit if comparative else max_claims):
            break
        if s.score < floor or (0 < fitting <= i and (not code[s.unit] or s.unit in elsewhere)):
            continue  # code may illustrate the claims that fit; another subject's sentence or code does not
        if s not in picked and diverse(s):
            picked.append(s)

    def same_quote(a: int, b: int) -> bool:
        """Whether two near-duplicate units say the same; of two leading into what follows them, or two bare
        answers, whether that does too, unit by unit: "Cons:" and its list is no other source's "Cons:" and
        another list, one FAQ's "Yes." no other's."""
        if not (snap.unit_text[a].rstrip().endswith(":") or snap.unit_bare[a]):
            return True
        (a0, a1), (b0, b1) = span(a), span(b)
        return a - a0 == b - b0 and a1 - a0 == b1 - b0 and all(
            float(vecs[a0 + k] @ vecs[b0 + k]) >= 0.9 for k in range(a1 - a0 + 1))

    claims: list[Claim] = []
    taken = {s.unit for s in picked}
    units = np.fromiter((s.unit for s in scored), dtype=np.int64, count=len(scored))
    unit_vecs = vecs[units]
    for s in picked:
        # (what the heading asking a comparison as written answers is of all it names: "Yes, in our test: about 1.8
        # times the throughput of Redis 7.4" under "Is Valkey faster than Redis?")
        answers_all = comparative and asked_chunk is not None and int(snap.unit_chunk[s.unit]) == asked_chunk
        claim = Claim([s.unit], None if answers_all else unit_subject(snap, s.unit, query.subjects), s.score,
                      through=span(s.unit), cos=s.cos)
        seen_docs = {snap.unit_doc[s.unit]}
        # Near-duplicates from other sources, in score order: one matrix product a claim, then the few close ones.
        for k in np.flatnonzero(unit_vecs @ vecs[s.unit] >= 0.9).tolist():
            other = int(units[k])
            o_doc = snap.unit_doc[other]
            if o_doc in seen_docs or other in taken or not same_quote(s.unit, other):
                continue
            if _same_numbers(snap, s.unit, other):
                claim.units.append(other)
                taken.add(other)
                seen_docs.add(o_doc)
        claims.append(claim)
    return claims


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _same_numbers(snap: Snapshot, a: int, b: int) -> bool:
    """Two units that both state numbers are duplicates only if they state the same ones, and dates that can all
    hold: 'requires Python 3.7' and 'requires Python 3.10' disagree, as do "acquired ... in July 2024" and "... in
    October 2024" (not "first released in February 2014" and "... in 2014"), and one claim citing both would hide
    that."""
    ta, tb = snap.unit_text[a], snap.unit_text[b]
    na, nb = set(_NUMBER.findall(ta)), set(_NUMBER.findall(tb))
    return not (na and nb) or (na == nb and not dates_differ([*dates_said(ta), *dates_said(tb)]))


def confidence(ranking: Ranking, unknown: list[str]) -> float:
    """The probability that the corpus answers the question, from the shipped abstention model: how close
    and how clearly singled out the best evidence is, how much of the question the corpus knows, and
    whether the question names something the corpus never mentions."""
    if ranking.question is None:
        return 0.0
    row = ranking.question.copy()
    row[QUESTION_FEATURES.index("unknown_name")] = float(bool(unknown))
    return float(1.0 / (1.0 + np.exp(-shipped_models().abstention.score(row))))


def abstains(conf: float, claims: list[Claim], threshold: float) -> bool:
    """Whether the answer says the corpus does not cover the question: no claim, or too little confidence."""
    return conf < threshold or not claims

