"""Warm ``ask`` latency over the evaluation set and full build time, against a BM25-only baseline
measured in the same run. Medians are quoted; ratios are hybrid / baseline.

    make bench            # every benchmark
    python -m bench ask   # this one
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from qa.build import build_index
from qa.embedding import SentenceTransformerEmbedder
from qa.engine import Engine
from qa.evaluation import DEFAULT_EVAL_FILE, load_cases, percentile
from qa.query import analyse
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3


def _latencies(fn: Callable[[str], object], questions: list[str]) -> list[float]:
    out = []
    for _ in range(ROUNDS):
        for q in questions:
            t0 = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def bm25_only(engine: Engine) -> Callable[[str], object]:
    """The baseline: BM25 retrieval of the top chunks, no encoder, no composition."""
    snap = engine.snapshot()

    def run(question: str) -> object:
        scores = snap.version.lexical.scores(analyse(question, snap.catalog).terms)
        return np.argsort(-scores)[: engine.settings.top_k]

    return run


def main(argv: list[str] | None = None) -> int:
    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    try:
        t0 = time.perf_counter()
        embedder = SentenceTransformerEmbedder()
        embedder.load()
        load_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = build_index(ROOT / "corpus", work / "index", embedder)
        build_s = time.perf_counter() - t1
        settings = Settings(_env_file=None, corpus_dir=ROOT / "corpus", index_dir=work / "index", data_dir=work / "var",
                            query_cache_size=0)  # type: ignore[call-arg]
        engine = Engine(settings, embedder)
        engine.warm_up()
        questions = [c.question for c in load_cases(ROOT / DEFAULT_EVAL_FILE) if not c.history]
        for q in questions[:10]:  # warm caches and code paths
            engine.ask(q)
        hybrid = _latencies(engine.ask, questions)
        encoder = _latencies(lambda q: embedder.embed([q]), questions)
        bm25 = _latencies(bm25_only(engine), questions)
        rows = [
            ("`Engine.ask`, hybrid, full answer (ours)", hybrid),
            ("query embedding alone (torch)", encoder),
            ("BM25-only retrieval baseline (no encoder)", bm25),
        ]
        print(f"seed corpus: {report.chunks_total} chunks; {len(questions)} questions x {ROUNDS} rounds, warm, "
              "query cache off")
        print("| pipeline | p50 ms | p99 ms | p50 ratio vs BM25-only |")
        print("|---|---|---|---|")
        base = statistics.median(bm25)
        for name, lat in rows:
            p50 = statistics.median(lat)
            print(f"| {name} | {p50:.2f} | {percentile(lat, 0.99):.2f} | {p50 / base:.2f} |")
        print(f"full build: {build_s:.1f} s (+ model load {load_s:.1f} s = {build_s + load_s:.1f} s), "
              f"{report.chunks_total / build_s:.0f} chunks/s")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
