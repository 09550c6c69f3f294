"""Learned evidence ranking: the features of a (question, evidence unit) pair and the shipped linear model.

The model is a conditional logit (one softmax over a question's candidate units) trained by
``python -m bench.train_ranker`` on the dev splits of labelled sets; its weights ship as
``qa/models/evidence.json`` beside the abstention model (a logistic model of whether the corpus answers
the question at all). Every feature is cheap at question time: a few array operations over
the few hundred candidate units of a question.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from qa.cues import WANTS_NAME, WANTS_NUMBER, WANTS_YEAR
from qa.text import QUESTION_WORDS, STOPWORDS

if TYPE_CHECKING:
    from qa.query import Query
    from qa.snapshot import Snapshot

FORMAT = 1
MODEL_FILE = "evidence.json"

FEATURES = (
    "cos",  # the unit's cosine with the question
    "cos_gap",  # how far below the best candidate's cosine
    "chunk_dense",  # the unit's chunk's cosine with the question
    "near",  # the chunk's fused retrieval score over the best one's (0: not retrieved)
    "chunk_bm25",  # the chunk's BM25 score over the best candidate's
    "lex_aspect",  # IDF-weighted share of the question's aspect words (or stems) the unit holds
    "lex_all",  # the same over all the question's content words
    "lex_section",  # ... that the unit's section headings hold
    "lex_context",  # ... that the units beside it in its chunk hold (the answer often sits next to the words)
    "lex_plain",  # the share of the question's content words the unit holds, unweighted
    "lex_prev",  # IDF-weighted share of the question's content words the unit before it (same chunk) holds
    "back_prev",  # lex_prev, when the unit opens by pointing back ("This hypothesis is called ...")
    "novel",  # the share of the unit's own content words the question does not hold: room for an answer
    "phrase",  # holds a phrase of the question word for word ("built on")
    "short",  # fewer than five words, not a table row
    "log_words",
    "first_in_chunk",
    "code_howto",
    "code_other",
    "row",
    "item",
    "advice_rec",  # worded as advice, for a recommendation question
    "howto_howto",  # worded as instructions, for a how-to question
    "not_about",  # names none of the question's subjects
    "other_lead",  # ... and leads with another subject
    "number_wanted",  # the question asks for a number and the unit states one
    "year_wanted",  # asks when and the unit states a year
    "name_wanted",  # asks who and the unit names someone
)

@dataclass(frozen=True)
class LinearModel:
    """``score(X) = ((X - mean) / scale) @ weights + bias``: one logit per row. ``threshold``: the probability
    below which the abstention model abstains (unused by the ranker)."""

    names: tuple[str, ...]
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]
    bias: float = 0.0
    threshold: float = 0.5

    def score(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return ((x - self.mean) / self.scale) @ self.weights + self.bias

    def to_dict(self) -> dict:
        """Six decimals: a retraining on the same data writes the same file (the last bits of a fit vary)."""
        def r(v: NDArray[np.float64]) -> list[float]:
            return np.round(v, 6).tolist()

        return {"features": list(self.names), "mean": r(self.mean), "scale": r(self.scale),
                "weights": r(self.weights), "bias": round(self.bias, 6), "threshold": round(self.threshold, 6)}

    def digest(self) -> str:
        """A short hash of the model as shipped: what a model trained on its scores records, so a test can tell
        when that model was fitted on another one (``qa/models/fusion.json``'s re-ranking reads the ranker's)."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, d: dict, names: tuple[str, ...]) -> LinearModel:
        if tuple(d["features"]) != names:
            raise ValueError("the shipped evidence models' features are not this code's: retrain them "
                             "(python -m bench.train_ranker)")
        return cls(names, np.array(d["mean"]), np.array(d["scale"]), np.array(d["weights"]), float(d["bias"]),
                   float(d["threshold"]))


@dataclass(frozen=True)
class Models:
    """The shipped evidence ranker and abstention model, with what they were trained on."""

    ranker: LinearModel
    abstention: LinearModel
    meta: dict

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "ranker": self.ranker.to_dict(), "abstention": self.abstention.to_dict(),
                           "meta": self.meta}, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Models:
        d = json.loads(text)
        if d.get("format") != FORMAT:
            raise ValueError(f"evidence models format {d.get('format')!r}; this code reads {FORMAT}")
        return cls(LinearModel.from_dict(d["ranker"], FEATURES),
                   LinearModel.from_dict(d["abstention"], QUESTION_FEATURES), d["meta"])


@cache
def shipped_models() -> Models:
    return Models.from_json(resources.files("qa.models").joinpath(MODEL_FILE).read_text(encoding="utf-8"))


class _Holding:
    """Which of a question's candidate units, and of the units just before and after each in the corpus, hold
    each of its terms (:meth:`Snapshot.holding`): one look-up a term, however many features read it."""

    def __init__(self, snap: Snapshot, ids: NDArray[np.int64], terms: list[str]) -> None:
        chunk = snap.unit_chunk
        last = max(len(chunk) - 1, 0)
        self.n = n = len(ids)
        self.ids = np.concatenate((ids, np.maximum(ids - 1, 0), np.minimum(ids + 1, last)))
        self.idf = {t: snap.idf_of(t) for t in terms}
        self.held = {t: snap.holding(self.ids, t) for t in self.idf}
        # Per step (-1: before, 1: after): where the unit that far away is another unit of the same chunk.
        at = {-1: slice(n, 2 * n), 1: slice(2 * n, 3 * n)}
        self.same = {step: (chunk[self.ids[s]] == chunk[ids]) & (self.ids[s] != ids) for step, s in at.items()}
        self.slices = {0: slice(0, n), **at}

    def overlap(self, terms: list[str]) -> NDArray[np.float64]:
        """IDF-weighted share of ``terms`` each unit holds (as a word or, for 4+ letters, its stem), and each
        unit before and after it: read with :attr:`slices`."""
        out = np.zeros(len(self.ids))
        total = 0.0
        for t in dict.fromkeys(terms):
            w = self.idf[t]
            total += w
            out += w * self.held[t]
        return out / (total or 1.0)

    def beside(self, share: NDArray[np.float64], step: int) -> NDArray[np.float64]:
        """Of an :meth:`overlap`, the unit ``step`` away's (-1: before, 1: after) within the same chunk; 0 where none."""
        return np.where(self.same[step], share[self.slices[step]], 0.0)


def unit_features(
    snap: Snapshot,
    query: Query,
    ids: NDArray[np.int64],
    cos: NDArray[np.float64],
    near: NDArray[np.float64],
    chunk_dense: NDArray[np.float64],
    chunk_bm25: NDArray[np.float64],
    phrased: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """One row of :data:`FEATURES` per unit of ``ids``."""
    aspect = [t for t in query.aspect_terms if t not in STOPWORDS] or list(query.terms)
    # What the question is about: not the words saying what kind of question it is ("better", "which").
    content = [t for t in query.terms if t not in STOPWORDS and t not in QUESTION_WORDS] or [
        t for t in query.terms if t not in STOPWORDS]
    howto, rec = query.qtype == "howto", query.qtype == "recommendation"
    code = snap.unit_is_code[ids]
    qwords = set(content)
    # Counted per chunk, not per unit: a question's units come from a few dozen chunks.
    chunks, of_unit = np.unique(snap.unit_chunk[ids], return_inverse=True)
    section = np.array([len(qwords & snap.section_words[c]) for c in chunks.tolist()], dtype=np.float64)[of_unit]
    about = np.zeros(len(ids), dtype=bool)
    for name in query.subjects:
        if name in snap.subject_units:
            about |= snap.subject_units[name][ids]
    not_about = ~about if query.subjects else np.zeros(len(ids), dtype=bool)
    text = query.text
    holding = _Holding(snap, ids, aspect + content)
    share = holding.overlap(content)  # of each unit and the units beside it: one pass for the three
    prev, after = (holding.beside(share, step) for step in (-1, 1))
    held = np.zeros(len(ids))  # how many of the question's content words each unit holds
    words = dict.fromkeys(content)
    for t in words:
        held = held + holding.held[t][: len(ids)]
    own = snap.unit_ncontent[ids]
    cols = [
        cos,
        cos - (cos.max() if len(cos) else 0.0),
        chunk_dense,
        near,
        chunk_bm25,
        holding.overlap(aspect)[: len(ids)],
        share[: len(ids)],
        section / max(len(qwords), 1),
        np.maximum(prev, after),
        held / (float(len(words)) or 1.0),  # the share of them, unweighted
        prev,
        prev * snap.unit_points_back[ids],
        np.maximum(own - held, 0.0) / np.maximum(own, 1.0),
        phrased,
        snap.unit_short[ids],
        snap.unit_log_words[ids],
        snap.unit_first[ids],
        code & howto,
        code & (not howto),
        snap.unit_row[ids],
        snap.unit_item[ids],
        snap.unit_advice[ids] & rec,
        snap.unit_howto[ids] & howto,
        not_about,
        not_about & snap.unit_has_lead[ids],
        snap.unit_number[ids] & bool(WANTS_NUMBER.search(text)),
        snap.unit_year[ids] & bool(WANTS_YEAR.search(text)),
        snap.unit_name[ids] & bool(WANTS_NAME.search(text)),
    ]
    return np.array(cols, dtype=np.float64).T.copy()  # one row a unit, C-ordered as the ranker's product expects


QUESTION_FEATURES = (
    "top_cos",  # the best candidate unit's cosine with the question
    "top_dense",  # the best candidate chunk's cosine
    "top_lex",  # the largest IDF-weighted share of the question's words one unit holds
    "coverage",  # IDF-weighted share of the question's content words the corpus holds as written
    "top_prob",  # the ranker's probability for its first unit (how clearly one unit stands out)
    "unknown_name",  # the question names something the corpus never mentions
    "top_score",  # the ranker's logit for its first unit (how good the best evidence is, not only how clear)
    "top_unit_cos",  # the cosine of the ranker's first unit with the question
    "second_lex",  # the second largest share of the question's words one unit holds (the corpus says it twice)
    "ask_lead",  # how far a question a candidate's heading asks (an FAQ's) is nearer than the best chunk, or 0
)


def question_features(
    snap: Snapshot, query: Query, x: NDArray[np.float64], logits: NDArray[np.float64], unknown: bool, asked: float,
) -> NDArray[np.float64]:
    """One row of :data:`QUESTION_FEATURES`: how well the corpus covers the question. ``asked``: the best
    cosine with a heading that asks a question (:func:`qa.evidence.heading_asking`). Only what it adds to the best
    chunk's cosine counts: the whole cosine would stand in for the chunk's where headings ask (an FAQ) and the
    threshold, shared by every corpus, would move for the others (dev: SQuAD's false abstention 0.043 -> 0.065)."""
    content = [t for t in query.terms if t not in STOPWORDS] or list(query.terms)
    weights = np.array([snap.idf_of(t) for t in content])
    known = np.array([t in snap.idf for t in content], dtype=np.float64)
    coverage = float(weights @ known / weights.sum()) if len(content) else 0.0
    z = logits - logits.max()
    prob = float(1.0 / np.exp(z).sum())
    top = [x[:, FEATURES.index(name)].max() for name in ("cos", "chunk_dense", "lex_all")]
    lex = np.sort(x[:, FEATURES.index("lex_all")])
    first = int(np.argmax(logits))
    return np.array([*top, coverage, prob, float(unknown), float(logits[first]), float(x[first, FEATURES.index("cos")]),
                     float(lex[-2]) if len(lex) > 1 else 0.0, max(0.0, asked - top[1])])
