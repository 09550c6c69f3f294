"""Warm ``ask`` latency over the evaluation set and full build time, against a BM25-only baseline
measured in the same run. Medians are quoted; ratios are hybrid / baseline.

    make bench                        # every benchmark
    python -m bench ask               # this one
    python -m bench.ask --rounds 1    # shortened (the test suite's run)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench._common import CORPUS, bench_settings, eval_questions, latencies
from qa.build import build_index
from qa.embedding import OnnxEmbedder, create_embedder
from qa.engine import Engine
from qa.evaluation import percentile
from qa.query import analyse

ROUNDS = 3


def bm25_only(engine: Engine) -> Callable[[str], object]:
    """The baseline: BM25 retrieval of the top chunks, no encoder, no composition."""
    snap = engine.snapshot()

    def run(question: str) -> object:
        scores = snap.version.lexical.scores(analyse(question, snap.catalog).terms)
        return np.argsort(-scores)[: engine.settings.top_k]

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ask", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="times each question is asked (default: %(default)s)")
    rounds = parser.parse_args(argv).rounds
    if rounds < 1:
        parser.error(f"--rounds must be 1 or more, not {rounds}")

    def _latencies(fn: Callable[[str], object], questions: list[str]) -> list[float]:
        return latencies(fn, questions, rounds)

    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    try:
        settings = bench_settings(work)  # the default embedding backend (QA_EMBEDDING_BACKEND)
        export_s = 0.0
        if settings.embedding_backend == "onnx":  # the one-time export, as `qa index build` does it first
            t0 = time.perf_counter()
            OnnxEmbedder(cache_dir=settings.index_dir / "models").load()
            export_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        embedder = create_embedder(settings)
        embedder.load()  # type: ignore[attr-defined]
        load_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = build_index(CORPUS, settings.index_dir, embedder)
        build_s = time.perf_counter() - t1
        engine = Engine(settings, embedder)
        engine.warm_up()
        questions = eval_questions()
        for q in questions[:10]:  # warm caches and code paths
            engine.ask(q)
        hybrid = _latencies(engine.ask, questions)
        encoder = _latencies(lambda q: embedder.embed([q]), questions)
        # The same answers with every question's vector cached: what the answer costs beside the encoder.
        cached = Engine(settings.model_copy(update={"query_cache_size": 4 * len(questions)}), embedder)
        for q in questions:
            cached.ask(q)
        rest = _latencies(cached.ask, questions)
        bm25 = _latencies(bm25_only(engine), questions)
        rows = [
            ("`Engine.ask`, hybrid, full answer (ours)", hybrid),
            (f"query embedding alone ({settings.embedding_backend})", encoder),
            ("`Engine.ask` with the question vectors cached (all but the encoder)", rest),
            ("BM25-only retrieval baseline (no encoder)", bm25),
        ]
        print(f"seed corpus: {report.chunks_total} chunks; {len(questions)} questions x {rounds} rounds, warm, "
              "query cache off")
        print("| pipeline | p50 ms | p99 ms | p50 ratio vs BM25-only |")
        print("|---|---|---|---|")
        base = statistics.median(bm25)
        for name, lat in rows:
            p50 = statistics.median(lat)
            print(f"| {name} | {p50:.2f} | {percentile(lat, 0.99):.2f} | {p50 / base:.2f} |")
        print(f"full build: {build_s:.1f} s (+ model load {load_s:.1f} s = {build_s + load_s:.1f} s), "
              f"{report.chunks_total / build_s:.0f} chunks/s"
              + (f"; one-time ONNX export before it: {export_s:.1f} s" if export_s else ""))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
