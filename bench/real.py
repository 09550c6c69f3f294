"""Quality and speed on real labelled sets (../shared/data): one table per set, ours vs txtai.

    make eval-real                       # every set, test split, all four systems (what the README shows)
    python -m bench.real --sample 100    # quicker: 100 questions a set
    python -m bench.real --tune          # the dev-split sweep the defaults were chosen with

Each set is built in a scratch directory through ``build_index`` and asked through ``Engine.ask`` and
``Engine.retrieve_chunks``; see ``qa/datasets``. ``--tune`` works on the dev split only (30 % of each
set's questions, by a hash of the question id): chunk size x fusion (top_k, rrf_k) on retrieval, then
the abstention threshold on confidences of the set's own questions against another set's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def machine() -> str:
    return f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), Python {platform.python_version()}"


def _settings(**overrides: object):  # type: ignore[no-untyped-def]
    from qa.settings import Settings

    base = Settings(_env_file=None)  # type: ignore[call-arg]
    if base.model_cache_dir is None:  # one exported ONNX model for every scratch index
        overrides.setdefault("model_cache_dir", ROOT / "index" / "models")

    return base.model_copy(update=overrides)


def run(args: argparse.Namespace) -> int:
    import importlib.util

    from qa.datasets.runner import SYSTEMS
    from qa.datasets.suite import resolve_names, run_suite, summary_table

    systems = list(SYSTEMS)
    if importlib.util.find_spec("txtai") is None:
        print("txtai is not installed (pip install -e '.[bench]'): the peer row is left out", file=sys.stderr)
        systems.remove("txtai")
    settings = _settings()
    t0 = time.perf_counter()
    reports = run_suite(resolve_names(args.dataset), Path(args.data), settings, split=args.split,
                        sample=args.sample, systems=systems,
                        progress=lambda m: print(f"  {m}", file=sys.stderr, flush=True))
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in reports], indent=1), encoding="utf-8")
    print(f"machine: {machine()}; load average at the end {os.getloadavg()[0]:.1f}; "
          f"{time.perf_counter() - t0:.0f} s in all")
    print("\n\n".join(r.table() for r in reports))
    print()
    print(summary_table(reports))
    return 0


def _hybrid_grid(engine, ds, sizes_row, top_ks, rrf_ks):  # type: ignore[no-untyped-def]
    """Retrieval metrics of every (mode, top_k, rrf_k) on one built index, queries embedded once."""
    from qa.datasets.metrics import first_hit
    from qa.query import analyse
    from qa.retrieval import retrieve

    snap = engine.snapshot()
    chunks = snap.version.chunks
    qvecs = engine.embedder.embed([q.text for q in ds.questions])
    queries = [analyse(q.text, snap.catalog) for q in ds.questions]
    rows = []
    configs = [("bm25", 30, 60), ("dense", 30, 60)] + [("hybrid", t, r) for t in top_ks for r in rrf_ks]
    for mode, top_k, rrf_k in configs:
        ranks = []
        for q, qv, query in zip(ds.questions, qvecs, queries, strict=True):
            cands = retrieve(snap, qv, query, top_k=top_k, rrf_k=rrf_k, mode=mode)[:10]
            got = [(chunks[c.chunk].doc_id, chunks[c.chunk].start, chunks[c.chunk].end) for c in cands]
            ranks.append(first_hit(q, got, ds.relevant_grade))
        n = max(len(ranks), 1)
        rows.append({**sizes_row, "mode": mode, "top_k": top_k, "rrf_k": rrf_k,
                     "r1": sum(1 for r in ranks if r and r <= 1) / n, "r5": sum(1 for r in ranks if r and r <= 5) / n,
                     "mrr": sum(1 / r for r in ranks if r) / n})
    return rows


def tune(args: argparse.Namespace) -> int:
    """Dev split only: chunk size x fusion on retrieval, then the abstention threshold."""
    from qa.datasets import FOREIGN, load_dataset
    from qa.datasets.runner import build_engine
    from qa.datasets.suite import resolve_names
    from qa.engine import Engine

    data = Path(args.data)
    # Tuning times nothing: let the encoder use every core for the builds.
    base = _settings(embedding_threads=os.cpu_count() or 1)
    embedder = Engine(base).embedder
    sizes = [int(x) for x in args.sizes.split(",")]
    top_ks, rrf_ks = [int(x) for x in args.top_ks.split(",")], [int(x) for x in args.rrf_ks.split(",")]
    grid: list[dict] = []
    names = resolve_names(args.dataset)
    for name in names:
        ds = load_dataset(name, data).split("dev").sample(args.sample)
        with tempfile.TemporaryDirectory(prefix=f"qa-tune-{name}-") as scratch:
            for size in sorted(sizes, reverse=True):  # one scratch index: later builds reuse vectors
                t0 = time.perf_counter()
                engine, _ = build_engine(ds, Path(scratch), base.model_copy(update={"chunk_max_tokens": size}), embedder)
                rows = _hybrid_grid(engine, ds, {"dataset": name, "size": size}, top_ks, rrf_ks)
                grid += rows
                best = max((r for r in rows if r["mode"] == "hybrid"), key=lambda r: r["r5"] + r["mrr"])
                print(f"{name} size {size}: {len(engine.snapshot().version.chunks)} chunks, "
                      f"{time.perf_counter() - t0:.0f} s; bm25 R@5 {rows[0]['r5']:.3f}, dense {rows[1]['r5']:.3f}, "
                      f"best hybrid R@5 {best['r5']:.3f} MRR {best['mrr']:.3f} (top_k {best['top_k']}, rrf_k {best['rrf_k']})",
                      flush=True)
    # One setting for every corpus: the best mean over datasets of (R@5 + MRR@10) / 2.
    keys = sorted({(r["size"], r["top_k"], r["rrf_k"]) for r in grid if r["mode"] == "hybrid"})
    scored = []
    for key in keys:
        rows = [r for r in grid if r["mode"] == "hybrid" and (r["size"], r["top_k"], r["rrf_k"]) == key]
        if len(rows) == len(names):
            scored.append((statistics.fmean((r["r5"] + r["mrr"]) / 2 for r in rows), key))
    scored.sort(reverse=True)
    print("\nbest settings on the dev split (mean over datasets of (R@5 + MRR@10) / 2):")
    for score, (size, top_k, rrf_k) in scored[:8]:
        print(f"  chunk_max_tokens={size} top_k={top_k} rrf_k={rrf_k}: {score:.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps(grid, indent=1), encoding="utf-8")
    size, top_k, rrf_k = scored[0][1]
    chosen = base.model_copy(update={"chunk_max_tokens": size, "top_k": top_k, "rrf_k": rrf_k})
    # Abstention: confidence of own dev questions vs another set's dev questions, per dataset.
    conf: dict[str, tuple[list[float], list[float]]] = {}
    for name in names:
        ds = load_dataset(name, data).split("dev").sample(args.sample)
        foreign = load_dataset(FOREIGN[name], data).split("dev").sample(100).questions
        with tempfile.TemporaryDirectory(prefix=f"qa-tune-{name}-") as scratch:
            engine, _ = build_engine(ds, Path(scratch), chosen, embedder)
            own = [engine.ask(q.text).confidence for q in ds.questions]
            other = [engine.ask(q.text).confidence for q in foreign]
        conf[name] = (own, other)
    print("\nabstention threshold on the dev split (mean over datasets; foreign = another set's questions):")
    best_t = None
    for t in [x / 100 for x in range(20, 71, 5)]:
        fa = statistics.fmean(sum(c < t for c in own) / len(own) for own, _ in conf.values())
        ab = statistics.fmean(sum(c < t for c in other) / len(other) for _, other in conf.values())
        print(f"  {t:.2f}: abstains on foreign {ab:.3f}, false abstention {fa:.3f}, balanced {(ab + 1 - fa) / 2:.3f}")
        if best_t is None or (ab + 1 - fa) > best_t[1]:
            best_t = (t, ab + 1 - fa)
    print(f"\nchosen: chunk_max_tokens={size} top_k={top_k} rrf_k={rrf_k} abstain_threshold={best_t[0]:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.real", description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--dataset", default="all")
    parser.add_argument("--split", default="test", choices=("test", "dev", "all"))
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--json", help="also write the reports (or the tuning grid) to this file")
    parser.add_argument("--tune", action="store_true", help="the dev-split sweep instead of the tables")
    parser.add_argument("--sizes", default="128,192,256")
    parser.add_argument("--top-ks", default="20,30,50")
    parser.add_argument("--rrf-ks", default="5,10,20,30,60,100")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not Path(args.data).is_dir():
        print(f"no data directory {args.data}: skipped", file=sys.stderr)
        return 0
    return tune(args) if args.tune else run(args)


if __name__ == "__main__":
    raise SystemExit(main())
