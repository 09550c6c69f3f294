"""Helpers shared by the benchmarks: the seed corpus and its questions, timing loops, a quiet machine."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from qa.evaluation import default_questions_path, load_cases, percentile
from qa.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MAX_LOAD = 1.5  # 1-minute load average above which timings on 2 cores are not worth quoting


def eval_questions() -> list[str]:
    """The evaluation set's standalone questions (follow-ups need their history, so they are left out)."""
    return [c.question for c in load_cases(default_questions_path()) if not c.history]


def bench_settings(work: Path, **overrides: object) -> Settings:
    """Settings for a throwaway index of the seed corpus under ``work``; the query cache is off so every
    question is embedded (a benchmark of the encoder, not of the cache)."""
    values: dict[str, object] = {"corpus_dir": CORPUS, "index_dir": work / "index", "data_dir": work / "var",
                                 "query_cache_size": 0}
    values.update(overrides)
    return load_settings(_env_file=None, **values)


def latencies(fn: Callable[[str], object], questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per call of ``fn(question)``, every question ``rounds`` times."""
    out = []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def p50_p99(ms: list[float]) -> tuple[float, float]:
    return statistics.median(ms), percentile(ms, 0.99)


def wait_for_quiet(max_wait: float, max_load: float = MAX_LOAD) -> float:
    """Wait (up to ``max_wait`` seconds) until the 1-minute load average is below ``max_load``: other
    test suites on the same 2 cores would otherwise be measured too. Returns the load average at start,
    and warns on stderr when the machine never got quiet."""
    deadline = time.monotonic() + max_wait
    told = False
    while True:
        load = os.getloadavg()[0]
        if load < max_load or time.monotonic() >= deadline:
            break
        if not told:
            print(f"load average {load:.2f} >= {max_load}: waiting up to {max_wait:.0f} s for a quiet machine",
                  file=sys.stderr, flush=True)
            told = True
        time.sleep(5)
    if load >= max_load:
        print(f"warning: load average {load:.2f}; figures below are inflated by other work", file=sys.stderr)
    return load


def markdown_table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table: ``head`` and one line per row, cells already formatted (``str()`` of each)."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
