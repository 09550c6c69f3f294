"""Hybrid retrieval: dense (FAISS) + BM25 fused by reciprocal rank and scores, with evidence for every subject.

A learned fusion model, a linear score of both retrievers' scores and ranks (``FUSION_FEATURES``), may put
another candidate first. A second learned model (``RERANK_FEATURES``) then re-orders the first
``RERANK_CHUNKS`` candidates with what the evidence ranker made of their units (``qa.evidence.rerank``,
after the answer path has scored them). Both are trained by ``python -m bench.fusion --write`` on the dev
splits of labelled sets and shipped as ``qa/models/fusion.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import repeat
from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from qa.query import Query
from qa.ranker import LinearModel
from qa.snapshot import Snapshot

FUSION_FORMAT = 2
FUSION_FILE = "fusion.json"
FUSION_FEATURES = (
    "cos",  # the chunk's cosine with the question: absolute, so a clear first hit stays clear
    "cos_gap",  # how far below the best candidate's cosine
    "bm25_top",  # BM25 over the best candidate's
    "bm25_soft",  # BM25 over (the best + BM25_SOFT): a weak best lexical match does not count as a full one
    "rrf_dense",  # 1 / (FUSION_RRF_K + rank + 1) in the dense top_k, else 0
    "rrf_bm25",  # the same for BM25
    "ask_or_cos",  # the larger of the chunk's cosine and that of the question its heading asks (an FAQ entry's)
    "asks",  # the chunk's heading asks a question
)
FUSION_RRF_K = 5  # the rank features' constant, fixed with the model (rrf_k of plain rank fusion may differ)
BM25_SOFT = 4.0  # about one matched term's BM25 score
RERANK_FEATURES = (
    "learned",  # the fusion model's score, below the best of the chunks re-ordered
    "fused",  # the chunk's fused score over the best one's (the blend; a led chunk has the best)
    "rrank",  # 1 / (position + 2) in the fused order
    "unit_gap",  # the evidence ranker's best logit among the chunk's units, below the best chunk's
)
RERANK_CHUNKS = 24  # the chunks re-ordered: those whose units the answer path scores (qa.evidence.POOL_CHUNKS)


class Candidate(NamedTuple):  # a tuple: a question has up to a hundred candidates, and tuples are cheap to make
    chunk: int
    fused: float
    dense: float
    lexical: float
    learned: float = 0.0  # the learned fusion's score (0 when the blend does not run: dense, bm25, rank fusion)


ABSENT = 10**6  # the rank of a chunk a retriever did not return (ranks run up to 3 x top_k)
Row = TypeVar("Row", bound=tuple)


def tuples(kind: type[Row], columns: Iterable[list[Any]]) -> list[Row]:
    """``kind(*row)`` for each row of ``columns``, for a NamedTuple ``kind``: made by ``tuple.__new__`` itself,
    without the Python-level ``__new__`` a NamedTuple class has (a question makes hundreds)."""
    return list(map(tuple.__new__, repeat(kind), zip(*columns, strict=True)))


def _rrf(rank: NDArray[np.int64], rrf_k: int) -> NDArray[np.float64]:
    return 1.0 / (rrf_k + rank + 1)


def fusion_features(dense: NDArray[np.float64], lex: NDArray[np.float64], dense_rank: NDArray[np.int64],
                    lex_rank: NDArray[np.int64], top_k: int, ask: NDArray[np.float64],
                    asks: NDArray[np.bool_]) -> NDArray[np.float64]:
    """One row of ``FUSION_FEATURES`` per candidate; ranks are 0-based, a rank >= top_k counts as unranked;
    ``ask`` is :meth:`Snapshot.ask_cos`, ``asks`` whether the chunk's heading asks a question. The heading's
    question counts where it is nearer than the chunk: its cosine alone would lead with a near question about
    another thing ("What is Flask?" for "Who created Flask?", 0.815: names weigh much in MiniLM's cosine)."""
    top_lex = max(float(lex.max()), 1e-9) if len(lex) else 1e-9
    return np.column_stack([
        dense,
        dense - (dense.max() if len(dense) else 0.0),
        lex / top_lex,
        lex / (top_lex + BM25_SOFT),
        np.where(dense_rank < top_k, _rrf(dense_rank, FUSION_RRF_K), 0.0),
        np.where(lex_rank < top_k, _rrf(lex_rank, FUSION_RRF_K), 0.0),
        np.where(asks, np.maximum(ask, dense), dense),
        asks,
    ])


def rerank_features(learned: NDArray[np.float64], fused: NDArray[np.float64], position: NDArray[np.int64],
                    unit_best: NDArray[np.float64]) -> NDArray[np.float64]:
    """One row of ``RERANK_FEATURES`` per chunk re-ordered: ``position`` is its 0-based place in the fused
    order, ``unit_best`` the evidence ranker's best logit among its units (NaN: none scored, counted a logit
    below the lowest)."""
    scored = ~np.isnan(unit_best)
    low = float(unit_best[scored].min()) - 1.0 if scored.any() else 0.0
    best = np.where(scored, unit_best, low)
    return np.column_stack([
        learned - (learned.max() if len(learned) else 0.0),
        fused / max(float(fused.max()) if len(fused) else 0.0, 1e-12),
        1.0 / (position + 2.0),
        best - (best.max() if len(best) else 0.0),
    ])


@dataclass(frozen=True)
class Fusion:
    """The shipped fusion model, by how much (in logits) its best candidate must beat the blend's best to
    lead (below that margin the blend's first stays first), and the re-ranking model of the first chunks
    (None: they keep the fused order; training the first stage alone)."""

    model: LinearModel
    lead_margin: float
    rerank: LinearModel | None = None


def _model(d: dict, names: tuple[str, ...]) -> LinearModel:
    if tuple(d["features"]) != names:
        raise ValueError("the shipped fusion model's features are not this code's: retrain it (python -m bench.fusion --write)")
    return LinearModel.from_dict(d, names)


def fusion_from_json(text: str) -> Fusion:
    d = json.loads(text)
    if d.get("format") != FUSION_FORMAT:
        raise ValueError(f"fusion model format {d.get('format')!r}; this code reads {FUSION_FORMAT}: "
                         "retrain it (python -m bench.fusion --write)")
    return Fusion(_model(d["model"], FUSION_FEATURES), float(d["lead_margin"]), _model(d["rerank"], RERANK_FEATURES))


@cache
def shipped_fusion() -> Fusion:
    return fusion_from_json(resources.files("qa.models").joinpath(FUSION_FILE).read_text(encoding="utf-8"))


def score_aware(mode: str, rrf_weight: float) -> bool:
    """Whether retrieval blends scores with the rank fusion, and so the learned fusion (and its re-ranking of
    the first chunks by their units, :func:`qa.evidence.rerank`) applies: hybrid with ``rrf_weight`` below 1."""
    return mode == "hybrid" and rrf_weight < 1.0


def retrieve(
    snap: Snapshot,
    qvec: NDArray[np.float32],
    query: Query,
    *,
    top_k: int,
    rrf_k: int,
    mode: str = "hybrid",
    per_subject: int = 3,
    rrf_weight: float = 1.0,
    fusion: Fusion | None = None,
) -> list[Candidate]:
    """Candidates sorted by fused score. ``mode`` is hybrid, dense or bm25 (for evaluation baselines).
    Hybrid fuses reciprocal ranks; with ``rrf_weight`` below 1 they are blended with the dense and BM25 scores,
    and the learned fusion model's best candidate leads when it is clearly ahead.
    When the query names two or more subjects, the best ``per_subject`` chunks mentioning each subject
    are added, so both sides of a comparison have evidence. Ranks and scores are arrays over all chunks:
    the fusion is a few vector operations, not a loop per chunk. ``fusion``: the learned models (default: the
    shipped ones)."""
    version = snap.version
    n = len(version.chunks)
    pool = min(n, top_k * 3)
    dense_rank = np.full(n, ABSENT, dtype=np.int64)
    dense = np.full(n, np.nan)
    dense_order = np.zeros(0, dtype=np.int64)
    if mode in ("hybrid", "dense"):
        scores, ids = version.faiss.search(qvec.reshape(1, -1), pool)
        keep = ids[0] >= 0  # FAISS pads with -1 when fewer than k exist
        dense_order = ids[0][keep].astype(np.int64)
        dense_rank[dense_order] = np.arange(len(dense_order))
        dense[dense_order] = scores[0][keep]
    lex_rank = np.full(n, ABSENT, dtype=np.int64)
    lex_all = np.zeros(n, dtype=np.float32)
    lex_order = np.zeros(0, dtype=np.int64)
    if mode in ("hybrid", "bm25"):
        lex_all = version.lexical.scores(query.terms)
        top = np.argsort(-lex_all, kind="stable")[:pool]
        lex_order = top[lex_all[top] > 0]
        lex_rank[lex_order] = np.arange(len(lex_order))

    # Reciprocal rank fusion of each retriever's top_k. Candidates keep the order they joined in (dense,
    # then lexical, then for subject coverage): it breaks ties in the final sort.
    top_dense, top_lex = dense_order[:top_k], lex_order[:top_k]
    fused = np.zeros(n)
    fused[top_dense] = _rrf(dense_rank[top_dense], rrf_k)
    fused[top_lex] += _rrf(lex_rank[top_lex], rrf_k)
    joined = [top_dense, top_lex[dense_rank[top_lex] >= top_k]]
    if len(query.subjects) >= 2:
        seen = np.flatnonzero((dense_rank < ABSENT) | (lex_rank < ABSENT))  # every chunk either retriever returned
        key = -(_rrf(dense_rank[seen], rrf_k) + _rrf(lex_rank[seen], rrf_k))
        pool_ranked = seen[np.argsort(key, kind="stable")].tolist()
        added: list[int] = []
        for subject in query.subjects:
            taken = 0
            for c in pool_ranked:
                if taken >= per_subject:
                    break
                if subject in snap.chunk_subjects[c] or subject in snap.section_subjects[c]:
                    taken += 1
                    if fused[c] == 0.0:
                        fused[c] = 1.0 / (rrf_k + top_k + 1)
                        added.append(c)
        joined.append(np.array(added, dtype=np.int64))
    chosen = np.concatenate(joined)
    missing = chosen[np.isnan(dense[chosen])]
    if len(missing):
        dense[missing] = version.faiss.reconstruct_batch(missing) @ qvec
    lead = -1
    learned_of = np.zeros(n)
    if score_aware(mode, rrf_weight) and len(chosen):
        # Score-aware: ranks alone flatten a clear first hit (a chunk far ahead on both scores counts the same
        # as one barely ahead), so the rank fusion is blended with both scores, each scaled to [0, 1] over the
        # candidates. The learned fusion, better at rank 1 on the labelled sets, may put another candidate
        # first when it is clearly ahead; below it the blend keeps more of what both retrievers found.
        d, lx, f = dense[chosen], lex_all[chosen].astype(np.float64), fused[chosen]
        scores = ((d - d.min()) / max(d.max() - d.min(), 1e-9) + lx / max(lx.max(), 1e-9)) / 2
        blend = rrf_weight * f / max(f.max(), 1e-12) + (1.0 - rrf_weight) * scores
        fused[chosen] = blend
        fusion = fusion or shipped_fusion()
        learned = fusion.model.score(fusion_features(d, lx, dense_rank[chosen], lex_rank[chosen], top_k,
                                                     snap.ask_cos(chosen, qvec), snap.chunk_asks[chosen]))
        learned_of[chosen] = learned
        best, first = np.lexsort((-d, -learned))[0], np.lexsort((-d, -blend))[0]
        if learned[best] - learned[first] > fusion.lead_margin:
            lead = int(chosen[best])
            fused[lead] = blend.max()
    order = chosen[np.lexsort((-dense[chosen], -fused[chosen]))]  # stable: by fused, then dense, best first
    if lead >= 0:
        order = np.concatenate([[lead], order[order != lead]])
    columns = (order.tolist(), fused[order].tolist(), dense[order].tolist(), lex_all[order].astype(np.float64).tolist(),
               learned_of[order].tolist())
    return tuples(Candidate, columns)
