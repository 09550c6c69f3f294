"""Train the learned fusion (``qa/models/fusion.json``) on the dev splits of the labelled sets.

    python -m bench.fusion            # compare fusions on dev (the learned ones cross-validated), nothing written
    python -m bench.fusion --write    # then fit on every dev question and write the shipped file

``qa.retrieval.retrieve`` keeps the blend of rank fusion and scores and lets the learned fusion's best
candidate lead when it beats the blend's first by more than a margin (chosen here on dev): the learned
score wins at rank 1 on the labelled sets, the blend keeps recall at 5 and our own corpus's first hits.
Then ``qa.evidence.rerank`` re-orders the first ``RERANK_CHUNKS`` candidates by a second conditional logit
over ``qa.retrieval.RERANK_FEATURES``: the fused order and the evidence ranker's best unit in each chunk.
It is trained on what the first stage, fitted here on every dev question, retrieves: each dev question is
asked through ``retrieve`` and ``score_units`` as ``Engine.retrieve_chunks`` asks it (its rows are cached
per first-stage model and evidence model).

Per dev question the candidates of both retrievers (their first ``POOL``) are cached with their cosine, BM25
score, ranks and whether they hit a gold unit, so a trial is numpy over cached arrays and takes seconds.
The model: a conditional logit (one softmax over each question's candidate chunks, the gold ones as
positives) over ``qa.retrieval.FUSION_FEATURES``, fitted by L-BFGS with a small L2 penalty. A question
weighs 1 / sqrt(n) with n the dev questions of its set (sets under ``SMALL`` pooled as one), so SQuAD's
hundreds of questions lead without drowning the FAQ sets. Weights are written to six decimals: the same
data gives the same file. Test questions are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "bench" / "results" / "train-cache"
POOL = 150  # candidates cached from each retriever: top_k up to 150 can be replayed
ABSENT = 10**6
SMALL = 50  # sets with fewer dev questions are weighed as one group
L2 = 0.01
FOLDS = 2
MARGINS = (0.0, 0.25, 0.5, 1.0, 2.0)  # logits by which the learned best must beat the blend's first to lead


@dataclass
class Cand:
    """One question's candidates: the union of both retrievers' first POOL chunks."""

    chunk: np.ndarray
    dense: np.ndarray
    lex: np.ndarray
    dense_rank: np.ndarray
    lex_rank: np.ndarray
    hit: np.ndarray  # the chunk hits a gold unit (grade >= the set's relevant grade)
    ask: np.ndarray  # the question's cosine with the question the chunk's heading asks (0: none)
    asks: np.ndarray  # the chunk's heading asks a question
    subjects: int  # subjects the question names (two or more add coverage candidates, not replayed here)


FIELDS = ("chunk", "dense", "lex", "dense_rank", "lex_rank", "hit", "ask", "asks")
CACHE_FORMAT = 2  # bumped when the cached fields change
# The code the cached rows are computed with, besides the fields: how a text is cut into chunks and units, how
# a question's and a text's words are read, and how chunks are scored. A change to it makes the cache stale.
SCORING_CODE = ("chunking.py", "text.py", "aspects.py", "query.py", "coverage.py", "retrieval.py")


def _embedder(embedder=None):  # type: ignore[no-untyped-def]
    from bench.train_ranker import _settings
    from qa.embedding import create_embedder

    return embedder or create_embedder(_settings())


def _arithmetic(embedder) -> str:  # type: ignore[no-untyped-def]
    """What the cached rows depend on of the CPU: the embedder's vector of a probe text (as bench.train_ranker
    keys its caches), so rows another CPU's int8 kernels made are not reused."""
    from bench.train_ranker import probe_vector

    return json.dumps(probe_vector(embedder))


def cache_set(name: str, data: Path, split: str = "dev", cache: Path = CACHE, embedder=None) -> list[Cand]:  # type: ignore[no-untyped-def]
    from bench.datasets import load_dataset
    from bench.train_ranker import _engine, _settings, code_text
    from qa.query import analyse

    full = load_dataset(name, data)
    ds = full.split(split)
    embedder = _embedder(embedder)
    key = hashlib.sha1("\x1f".join([str(CACHE_FORMAT), _arithmetic(embedder), code_text(*SCORING_CODE)]
                                   + [q.qid + q.text for q in ds.questions]).encode()).hexdigest()[:10]
    path = cache / f"fusion-{name}-{split}-{key}.npz"
    if path.exists():
        z = np.load(path)
        cuts = z["starts"]
        return [Cand(*(z[f][a:b] for f in FIELDS), int(s)) for a, b, s in zip(cuts[:-1], cuts[1:], z["subjects"], strict=True)]
    engine = _engine(name, full, _settings(), cache, embedder)
    snap = engine.snapshot()
    version = snap.version
    chunks = version.chunks
    queries = [analyse(engine.check_question(q.text), snap.catalog) for q in ds.questions]
    qvecs = engine.embedder.embed([q.text for q in queries])
    n = len(chunks)
    out = []
    for q, query, qvec in zip(ds.questions, queries, qvecs, strict=True):
        scores, ids = version.faiss.search(qvec.reshape(1, -1), min(n, POOL))
        keep = ids[0] >= 0
        d_order = ids[0][keep].astype(np.int64)
        lex_all = version.lexical.scores(query.terms)
        top = np.argsort(-lex_all, kind="stable")[:POOL]
        l_order = top[lex_all[top] > 0]
        chosen = np.concatenate([d_order, l_order[~np.isin(l_order, d_order)]])
        d_rank = np.full(n, ABSENT, dtype=np.int64)
        d_rank[d_order] = np.arange(len(d_order))
        l_rank = np.full(n, ABSENT, dtype=np.int64)
        l_rank[l_order] = np.arange(len(l_order))
        dense = version.faiss.reconstruct_batch(chosen) @ qvec
        dense[: len(d_order)] = scores[0][keep]
        hit = np.array([q.grade(chunks[c].doc_id, chunks[c].start, chunks[c].end) >= full.relevant_grade
                        for c in chosen.tolist()])
        out.append(Cand(chosen, dense.astype(np.float64), lex_all[chosen].astype(np.float64), d_rank[chosen],
                        l_rank[chosen], hit, snap.ask_cos(chosen, qvec), snap.chunk_asks[chosen], len(query.subjects)))
    starts = np.cumsum([0] + [len(c.chunk) for c in out])
    np.savez_compressed(path, starts=starts, subjects=np.array([c.subjects for c in out]),
                        **{f: np.concatenate([getattr(c, f) for c in out]) for f in FIELDS})
    print(f"{name} ({split}): {len(out)} questions cached", file=sys.stderr)
    return out


def _metrics(ordered_hits: list[np.ndarray]) -> tuple[float, float, float]:
    """R@1, R@5 and MRR@10 over questions, from each question's hits in ranked order."""
    ranks = [int(np.flatnonzero(h[:10])[0]) + 1 if h[:10].any() else None for h in ordered_hits]
    n = max(len(ranks), 1)
    return (sum(r == 1 for r in ranks if r) / n, sum(r <= 5 for r in ranks if r) / n,
            sum(1 / r for r in ranks if r) / n)


def _selected(c: Cand, top_k: int) -> np.ndarray:
    return (c.dense_rank < top_k) | (c.lex_rank < top_k)


def blend_scores(c: Cand, top_k: int, rrf_k: int, rrf_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """The fusion shipped before the learned one (rank fusion blended with min-max scores), replayed."""
    sel = _selected(c, top_k)
    dr, lr, d, lx = c.dense_rank[sel], c.lex_rank[sel], c.dense[sel], c.lex[sel]
    f = np.where(dr < top_k, 1 / (rrf_k + dr + 1), 0) + np.where(lr < top_k, 1 / (rrf_k + lr + 1), 0)
    if rrf_weight < 1:
        scores = ((d - d.min()) / max(d.max() - d.min(), 1e-9) + lx / max(lx.max(), 1e-9)) / 2
        f = rrf_weight * f / f.max() + (1 - rrf_weight) * scores
    return sel, f


def _rows(c: Cand, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    from qa.retrieval import fusion_features

    sel = _selected(c, top_k)
    return sel, fusion_features(c.dense[sel], c.lex[sel], c.dense_rank[sel], c.lex_rank[sel], top_k, c.ask[sel],
                                c.asks[sel])


def _group(name: str, sets: dict[str, list[Cand]]) -> str:
    return name if len(sets[name]) >= SMALL else "small sets"


def _fit_logit(xs: list[np.ndarray], ys: list[np.ndarray], groups: list[str], names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """A conditional logit (one softmax per question over its rows ``xs[i]``, ``ys[i]`` the positives), each
    question weighed 1 / sqrt(questions of its group); a LinearModel over ``names``."""
    from scipy.optimize import minimize

    from qa.ranker import LinearModel

    size = {g: groups.count(g) for g in set(groups)}
    qw = np.array([1 / np.sqrt(size[g]) for g in groups])
    qw /= qw.sum()
    x_all = np.vstack(xs)
    mean, scale = x_all.mean(0), x_all.std(0) + 1e-9
    z = (x_all - mean) / scale
    y = np.concatenate(ys)
    starts = np.cumsum([0] + [len(v) for v in ys])
    owner = np.repeat(np.arange(len(ys)), np.diff(starts))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = z @ w
        top = np.maximum.reduceat(s, starts[:-1])
        e = np.exp(s - top[owner])
        total = np.add.reduceat(e, starts[:-1])
        pos = np.add.reduceat(e * y, starts[:-1])
        value = -float(qw @ (np.log(pos) - np.log(total))) + L2 * 0.5 * float(w @ w)
        # d/dw of -log(pos/total): sum over rows of (p - q) x, p the softmax, q the softmax over the positives
        coef = (e / total[owner] - e * y / pos[owner]) * qw[owner]
        return value, z.T @ coef + L2 * w

    res = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return LinearModel(names, mean, scale, res.x)


def fit(sets: dict[str, list[Cand]], keep, top_k: int):  # type: ignore[no-untyped-def]
    """The conditional logit over the questions ``keep(name, i)`` selects; a LinearModel."""
    from qa.retrieval import FUSION_FEATURES

    xs, ys, groups = [], [], []
    for name, cands in sets.items():
        for i, c in enumerate(cands):
            sel, x = _rows(c, top_k)
            if keep(name, i) and c.hit[sel].any():
                xs.append(x)
                ys.append(c.hit[sel])
                groups.append(_group(name, sets))
    return _fit_logit(xs, ys, groups, FUSION_FEATURES)


def _leading(c: Cand, model, top_k: int, rrf_k: int, rrf_weight: float, margin: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The hits in the order ``qa.retrieval.retrieve`` gives: the blend, the learned best first when it beats
    the blend's first by more than ``margin``."""
    sel, x = _rows(c, top_k)
    s = model.score(x)
    _, f = blend_scores(c, top_k, rrf_k, rrf_weight)
    blend = np.lexsort((-c.dense[sel], -f))
    best = np.lexsort((-c.dense[sel], -s))[0]
    if s[best] - s[blend[0]] > margin:
        blend = np.concatenate([[best], blend[blend != best]])
    return c.hit[sel][blend]


def compare(sets: dict[str, list[Cand]], top_k: int, rrf_k: int,
            rrf_weight: float) -> tuple[list[tuple[str, dict[str, tuple]]], float]:
    """Dev metrics per set of rank fusion, the blend, the learned fusion alone and the blend led by the learned
    fusion at each margin of ``MARGINS``; the learned ones cross-validated (each question scored by the model
    fitted on the other folds). Returns the rows and the margin with the best mean R@1 (ties: the larger)."""
    out = []
    for label, w in (("rank fusion", 1.0), (f"blend {rrf_weight}", rrf_weight)):
        per = {}
        for name, cands in sets.items():
            hits = []
            for c in cands:
                sel, f = blend_scores(c, top_k, rrf_k, w)
                hits.append(c.hit[sel][np.lexsort((-c.dense[sel], -f))])
            per[name] = _metrics(hits)
        out.append((label, per))
    models = [fit(sets, lambda _n, i, fold=fold: i % FOLDS != fold, top_k) for fold in range(FOLDS)]
    alone: dict[str, list[np.ndarray]] = {name: [] for name in sets}
    for fold, model in enumerate(models):
        for name, cands in sets.items():
            for c in cands[fold::FOLDS]:
                sel, x = _rows(c, top_k)
                alone[name].append(c.hit[sel][np.lexsort((-c.dense[sel], -model.score(x)))])
    out.append((f"learned alone ({FOLDS}-fold)", {name: _metrics(h) for name, h in alone.items()}))
    scored = []
    for margin in MARGINS:
        led: dict[str, list[np.ndarray]] = {name: [] for name in sets}
        for fold, model in enumerate(models):
            for name, cands in sets.items():
                led[name] += [_leading(c, model, top_k, rrf_k, rrf_weight, margin) for c in cands[fold::FOLDS]]
        per = {name: _metrics(h) for name, h in led.items()}
        out.append((f"blend, learned leads by >{margin}", per))
        scored.append((round(statistics.fmean(v[0] for v in per.values()), 9), margin))
    return out, max(scored)[1]


@dataclass
class Reranked:
    """One question as the second stage sees it: the rows (``RERANK_FEATURES``) of its first candidates that
    may move, their positions, and the hits of its candidates in the first stage's order (the first
    ``RERANK_CHUNKS`` + 10)."""

    x: np.ndarray
    moved: np.ndarray
    hit: np.ndarray


def rerank_set(name: str, data: Path, fusion, split: str = "dev", embedder=None) -> list[Reranked]:  # type: ignore[no-untyped-def]
    """Each question of the split asked as ``Engine.retrieve_chunks`` asks it, with the first stage ``fusion``."""
    from bench.datasets import load_dataset
    from bench.train_ranker import _engine, _settings, code_text
    from qa.evidence import rerank_rows, score_units
    from qa.query import analyse
    from qa.ranker import MODEL_FILE
    from qa.retrieval import RERANK_CHUNKS, retrieve

    full = load_dataset(name, data)
    ds = full.split(split)
    stage1 = json.dumps([fusion.model.to_dict(), fusion.lead_margin], sort_keys=True)
    # What the rows depend on: the first stage, the evidence model and the code computing them.
    embedder = _embedder(embedder)
    inputs = [stage1, _arithmetic(embedder), code_text("models/" + MODEL_FILE, "evidence.py", "ranker.py", *SCORING_CODE)]
    key = hashlib.sha1("\x1f".join(inputs + [q.qid + q.text for q in ds.questions]).encode()).hexdigest()[:10]
    path = CACHE / f"rerank-{name}-{split}-{key}.npz"
    if path.exists():
        z = np.load(path)
        xs, hs = z["xcuts"], z["hcuts"]
        return [Reranked(z["x"][a:b], z["moved"][a:b], z["hit"][c:d])
                for a, b, c, d in zip(xs[:-1], xs[1:], hs[:-1], hs[1:], strict=True)]
    engine = _engine(name, full, _settings(), embedder=embedder)
    snap, s = engine.snapshot(), engine.settings
    chunks = snap.version.chunks
    out = []
    for q in ds.questions:
        query = analyse(engine.check_question(q.text), snap.catalog)
        qvec = engine._queries.embed_query(query.text)
        cands = retrieve(snap, qvec, query, top_k=s.top_k, rrf_k=s.rrf_k, rrf_weight=s.fusion_rrf_weight, fusion=fusion)
        ranking = score_units(snap, qvec, query, cands)
        x, moved = rerank_rows(snap, cands, ranking) if len(ranking.units) else (np.zeros((0, 4)), np.zeros(0, dtype=np.int64))
        hit = np.array([q.grade(chunks[c.chunk].doc_id, chunks[c.chunk].start, chunks[c.chunk].end) >= full.relevant_grade
                        for c in cands[: RERANK_CHUNKS + 10]], dtype=bool)
        out.append(Reranked(x, moved, hit))
    np.savez_compressed(path, x=np.vstack([r.x for r in out]), moved=np.concatenate([r.moved for r in out]), hit=np.concatenate([r.hit for r in out]),
                        xcuts=np.cumsum([0] + [len(r.x) for r in out]), hcuts=np.cumsum([0] + [len(r.hit) for r in out]))
    print(f"{name} ({split}): {len(out)} questions re-ranked", file=sys.stderr)
    return out


def fit_rerank(sets: dict[str, list[Reranked]], keep):  # type: ignore[no-untyped-def]
    """The second stage's conditional logit over the questions ``keep(name, i)`` selects whose first
    candidates hold a hit and a miss."""
    from qa.retrieval import RERANK_FEATURES

    xs, ys, groups = [], [], []
    for name, rows in sets.items():
        for i, r in enumerate(rows):
            h = r.hit[r.moved]
            if keep(name, i) and h.any() and not h.all():
                xs.append(r.x)
                ys.append(h)
                groups.append(name if len(rows) >= SMALL else "small sets")
    return _fit_logit(xs, ys, groups, RERANK_FEATURES)


def reranked(r: Reranked, model) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The hits in the order ``qa.evidence.rerank`` gives."""
    if len(r.x) < 2:
        return r.hit
    out = r.hit.copy()
    out[r.moved] = r.hit[r.moved[np.argsort(-model.score(r.x), kind="stable")]]
    return out


def compare_rerank(sets: dict[str, list[Reranked]]) -> list[tuple[str, dict[str, tuple]]]:
    """Dev metrics per set of the first stage's order and of the re-ranked one (cross-validated)."""
    out = [("first stage (fitted on all dev)", {name: _metrics([r.hit for r in rows]) for name, rows in sets.items()})]
    models = [fit_rerank(sets, lambda _n, i, fold=fold: i % FOLDS != fold) for fold in range(FOLDS)]
    per = {}
    for name, rows in sets.items():
        per[name] = _metrics([reranked(r, models[i % FOLDS]) for i, r in enumerate(rows)])
    out.append((f"re-ranked ({FOLDS}-fold)", per))
    return out


def to_json(model, margin: float, sets: dict[str, list[Cand]], top_k: int, rerank) -> str:  # type: ignore[no-untyped-def]
    from qa.ranker import shipped_models
    from qa.retrieval import FUSION_FORMAT, RERANK_CHUNKS

    meta = {"trained_on": {name: len(c) for name, c in sets.items()}, "split": "dev", "top_k": top_k,
            "l2": L2, "weighting": f"1/sqrt(dev questions of the set; sets under {SMALL} pooled)",
            "lead_margin": f"of {list(MARGINS)}, the best mean R@1 over the sets ({FOLDS}-fold cross-validated)",
            "rerank": f"the first {RERANK_CHUNKS} chunks of the first stage fitted on every dev question",
            # The re-ranking reads the evidence ranker's logits: refit after `python -m bench.train_ranker`.
            "evidence_ranker": shipped_models().ranker.digest()}
    return json.dumps({"format": FUSION_FORMAT, "model": model.to_dict(), "lead_margin": margin,
                       "rerank": rerank.to_dict(), "meta": meta}, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    from bench.datasets import DATASET_NAMES
    from qa.retrieval import RERANK_CHUNKS, Fusion
    from qa.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m bench.fusion", description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--write", action="store_true", help="fit on every dev question and write qa/models/fusion.json")
    args = parser.parse_args(argv)
    if not Path(args.data).is_dir():
        print(f"no data directory {args.data}", file=sys.stderr)
        return 1
    settings = load_settings(_env_file=None)
    embedder = _embedder()  # one model load for every set
    sets = {name: cache_set(name, Path(args.data), embedder=embedder) for name in DATASET_NAMES}
    print(f"dev split, top_k={settings.top_k} rrf_k={settings.rrf_k}; per set R@1 / R@5, then the mean of six")
    rows, margin = compare(sets, settings.top_k, settings.rrf_k, settings.fusion_rrf_weight)
    _print(rows)
    model = fit(sets, lambda _n, _i: True, settings.top_k)
    # The second stage learns from what this first stage retrieves.
    first = Fusion(model, margin)
    ranked = {name: rerank_set(name, Path(args.data), first, embedder=embedder) for name in DATASET_NAMES}
    print(f"the first {RERANK_CHUNKS} chunks re-ranked with their units' evidence (as Engine.retrieve_chunks asks):")
    _print(compare_rerank(ranked))
    if args.write:
        rerank = fit_rerank(ranked, lambda _n, _i: True)
        path = ROOT / "qa" / "models" / "fusion.json"
        path.write_text(to_json(model, margin, sets, settings.top_k, rerank), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} (lead margin {margin})")
    return 0


def _print(rows: list[tuple[str, dict[str, tuple]]]) -> None:
    for label, per in rows:
        mean = [statistics.fmean(v[i] for v in per.values()) for i in range(3)]
        cells = " ".join(f"{v[0]:.3f}/{v[1]:.3f}" for v in per.values())
        print(f"  {label:32s} {cells}  mean R@1 {mean[0]:.3f} R@5 {mean[1]:.3f} MRR@10 {mean[2]:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
