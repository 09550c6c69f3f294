"""Quality and speed on real labelled sets (../shared/data): one table per set, ours vs txtai.

    make eval-real                       # every set: tune on dev, then the test-split tables (README)
    python -m bench.real --sample 100    # quicker: 100 test questions a set
    python -m bench.real --no-tune       # the settings as they are, no dev sweep

Each corpus is built in a scratch directory through ``build_index`` and asked through ``Engine.ask``
and ``Engine.retrieve_chunks``; see ``bench/datasets``. Questions are split once by a hash of their id:
``dev`` (30 %) and ``test`` (70 %). Tuning sees only dev questions: chunk size x fusion (top_k, rrf_k)
chosen on retrieval (mean over sets of (R@5 + MRR@10) / 2). The evidence ranker and the abstention
model (and its threshold) are learned from the same dev questions by ``python -m bench.train_ranker``.
The tables are then measured on the test questions with the chosen settings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
    from qa.settings import load_settings

    base = load_settings(_env_file=None)
    if base.model_cache_dir is None:  # one exported ONNX model for every scratch index
        overrides.setdefault("model_cache_dir", ROOT / "index" / "models")

    return base.model_copy(update=overrides)


def _grid(engine, ds, size, top_ks, rrf_ks):  # type: ignore[no-untyped-def]
    """Retrieval metrics of every (mode, top_k, rrf_k) on one built index, queries embedded once; hybrid
    as it ships (the engine's fusion_rrf_weight)."""
    from bench.datasets.metrics import first_hit
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
            cands = retrieve(snap, qv, query, top_k=top_k, rrf_k=rrf_k, mode=mode,
                             rrf_weight=engine.settings.fusion_rrf_weight)[:10]
            got = [(chunks[c.chunk].doc_id, chunks[c.chunk].start, chunks[c.chunk].end) for c in cands]
            ranks.append(first_hit(q, got, ds.relevant_grade))
        n = max(len(ranks), 1)
        rows.append({"dataset": ds.name, "size": size, "mode": mode, "top_k": top_k, "rrf_k": rrf_k,
                     "r5": sum(1 for r in ranks if r and r <= 5) / n, "mrr": sum(1 / r for r in ranks if r) / n})
    return rows


def _choose_fusion(grid: list[dict], names: list[str]) -> tuple[list[tuple[float, tuple[int, int, int]]], dict]:
    keys = sorted({(r["size"], r["top_k"], r["rrf_k"]) for r in grid if r["mode"] == "hybrid"})
    scored = []
    for key in keys:
        rows = [r for r in grid if r["mode"] == "hybrid" and (r["size"], r["top_k"], r["rrf_k"]) == key]
        if len(rows) == len(names):
            scored.append((statistics.fmean((r["r5"] + r["mrr"]) / 2 for r in rows), key))
    scored.sort(reverse=True)
    return scored, {}


def run(args: argparse.Namespace) -> int:
    """Dev split: tune chunk size, fusion and the abstention threshold; test split: the tables."""
    import importlib.util

    from bench.datasets import FOREIGN, load_dataset
    from bench.datasets.runner import SYSTEMS, build_engine, score_engine
    from bench.datasets.suite import FOREIGN_SAMPLE, UNANSWERABLE_SAMPLE, resolve_names, summary_table
    from qa.engine import Engine

    def say(msg: str) -> None:
        print(f"  {msg}", file=sys.stderr, flush=True)

    systems = list(SYSTEMS)
    if importlib.util.find_spec("txtai") is None:
        print("txtai is not installed (pip install -e '.[bench]'): the peer row is left out", file=sys.stderr)
        systems.remove("txtai")
    data, names = Path(args.data), resolve_names(args.dataset)
    base = _settings()
    embedder = Engine(base).embedder
    sets = {name: load_dataset(name, data) for name in names}
    sizes = sorted({int(x) for x in args.sizes.split(",")} if args.tune else {base.chunk_max_tokens}, reverse=True)
    top_ks = [int(x) for x in args.top_ks.split(",")] if args.tune else [base.top_k]
    rrf_ks = [int(x) for x in args.rrf_ks.split(",")] if args.tune else [base.rrf_k]
    t0 = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="qa-real-"))
    try:
        # 1. Every corpus built once per chunk size (one scratch index each: later sizes reuse the
        #    vectors of unchanged texts); retrieval of the dev questions under every fusion setting.
        grid: list[dict] = []
        full_build: dict[str, tuple[int, float]] = {}
        for name in names:
            dev = sets[name].split("dev").sample(args.tune_sample)
            for size in sizes:
                say(f"{name}: building at chunk_max_tokens={size}")
                engine, secs = build_engine(sets[name], scratch / name, base.model_copy(update={"chunk_max_tokens": size}),
                                            embedder)
                full_build.setdefault(name, (size, secs))
                grid += _grid(engine, dev, size, top_ks, rrf_ks)
        scored, _ = _choose_fusion(grid, names)
        size, top_k, rrf_k = scored[0][1]
        tuned = base.model_copy(update={"chunk_max_tokens": size, "top_k": top_k, "rrf_k": rrf_k})
        # 2. One engine a set at the chosen settings. The abstention threshold is not tuned here: it is the
        #    shipped abstention model's, chosen on the same dev questions by `python -m bench.train_ranker`.
        engines = {name: build_engine(sets[name], scratch / name, tuned, embedder)[0] for name in names}
        if args.tune:
            print("## Tuning (dev split: 30 % of each set's questions)\n")
            print(f"chunk size x fusion, mean over {len(names)} sets of (R@5 + MRR@10) / 2, best first:")
            for score, (s_, t_, r_) in scored[:6]:
                print(f"  chunk_max_tokens={s_} top_k={t_} rrf_k={r_}: {score:.4f}")
            default = [x for x in scored if x[1] == (base.chunk_max_tokens, base.top_k, base.rrf_k)]
            if default:
                print(f"  (current defaults {default[0][1]}: {default[0][0]:.4f})")
            print(f"\nchosen on dev: chunk_max_tokens={size} top_k={top_k} rrf_k={rrf_k}\n")
            if args.json:
                Path(args.json).with_suffix(".grid.json").write_text(json.dumps(grid, indent=1), encoding="utf-8")
        final = tuned.model_copy(update={"query_cache_size": 0})
        # 3. The tables: test split, every system, over the same indexes.
        reports = []
        for name in names:
            engine = Engine(engines[name].settings.model_copy(update={
                k: getattr(final, k) for k in ("top_k", "rrf_k")}), embedder)
            engine.warm_up()
            ds = sets[name].split(args.split).sample(args.sample)
            if ds.unanswerable:
                ds.unanswerable = ds.sample(min(UNANSWERABLE_SAMPLE, args.sample or UNANSWERABLE_SAMPLE)).unanswerable
            foreign = load_dataset(FOREIGN[name], data).split(args.split).sample(FOREIGN_SAMPLE).questions
            b_size, b_secs = full_build[name]
            report = score_engine(engine, ds, systems=systems, foreign=foreign, foreign_name=FOREIGN[name],
                                  split=args.split, build_seconds=b_secs, progress=say)
            report.notes = f"{report.notes}; full build at chunk_max_tokens={b_size}"
            reports.append(report)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in reports], indent=1), encoding="utf-8")
    print(f"machine: {machine()}; load average at the end {os.getloadavg()[0]:.1f}; "
          f"{time.perf_counter() - t0:.0f} s in all")
    print("\n\n".join(r.table() for r in reports))
    print()
    print(summary_table(reports))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.real", description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--dataset", default="all")
    parser.add_argument("--split", default="test", choices=("test", "dev", "all"))
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--json", help="also write the reports (or the tuning grid) to this file")
    parser.add_argument("--no-tune", dest="tune", action="store_false",
                        help="use the settings as they are (no dev-split sweep before the tables)")
    parser.add_argument("--tune-sample", type=int, default=300, help="dev questions a set for tuning")
    parser.add_argument("--sizes", default="128,256", help="chunk_max_tokens values tried on dev")
    parser.add_argument("--top-ks", default="20,30,50")
    parser.add_argument("--rrf-ks", default="5,10,20,30,60,100")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not Path(args.data).is_dir():
        print(f"no data directory {args.data}: skipped", file=sys.stderr)
        return 0
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
