"""Several sets in one run (``qa eval --dataset``, ``bench/real.py``), with a summary across them."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from bench._common import markdown_table
from bench.datasets import DATASET_NAMES, FOREIGN, load_dataset
from bench.datasets.runner import SYSTEMS, DatasetReport, Progress, run_dataset
from qa.embedding import Embedder
from qa.settings import Settings

FOREIGN_SAMPLE = 100  # questions of another set asked against each corpus, for abstention
UNANSWERABLE_SAMPLE = 300  # SQuAD 2.0's on-topic unanswerable questions (of 3,168)


def run_suite(
    names: Sequence[str],
    data: Path,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    split: str = "test",
    sample: int | None = None,
    max_docs: int | None = None,
    systems: Sequence[str] = SYSTEMS,
    foreign_sample: int = FOREIGN_SAMPLE,
    unanswerable_sample: int = UNANSWERABLE_SAMPLE,
    ask: bool | Sequence[str] = True,
    progress: Progress | None = None,
) -> list[DatasetReport]:
    """Run each named set on its ``split`` (``dev``, ``test`` or ``all``); ``sample`` questions each,
    ``max_docs`` documents each (the gold ones first) when given."""
    if embedder is None:
        from qa.engine import Engine

        embedder = Engine(settings).embedder  # the embedder the engine builds from settings
    reports = []
    for name in names:
        ds = load_dataset(name, data).split(split)
        ds = ds.sample(sample, max_docs)
        if ds.unanswerable:
            ds.unanswerable = ds.sample(min(unanswerable_sample, sample or unanswerable_sample)).unanswerable
        foreign_name = FOREIGN[name]
        foreign = load_dataset(foreign_name, data).split(split).sample(foreign_sample).questions if ask else []
        reports.append(run_dataset(ds, settings, embedder, systems=systems, foreign=foreign,
                                   foreign_name=foreign_name, split=split, ask=ask, progress=progress))
    return reports


def resolve_names(name: str) -> list[str]:
    if name == "all":
        return list(DATASET_NAMES)
    names = [n.strip() for n in name.split(",") if n.strip()]
    unknown = [n for n in names if n not in DATASET_NAMES]
    if unknown:
        raise ValueError(f"unknown dataset {', '.join(unknown)}; known: all, {', '.join(DATASET_NAMES)}")
    return names


def summary_table(reports: Sequence[DatasetReport]) -> str:
    """Mean over the sets of each system's R@5, MRR@10 and search p50, plus ours vs the peer per set."""
    systems = [s.system for s in reports[0].systems] if reports else []
    rows = []
    for name in systems:
        got = [r.system(name) for r in reports]
        rows.append([name, f"{statistics.fmean(s.recall_at_1 for s in got):.3f}",
                     f"{statistics.fmean(s.recall_at_5 for s in got):.3f}", f"{statistics.fmean(s.recall_at_10 for s in got):.3f}",
                     f"{statistics.fmean(s.mrr_at_10 for s in got):.3f}", f"{statistics.median(s.search_p50_ms for s in got):.1f}"])
    lines = ["### Mean over datasets", "", markdown_table(
        ["system", "mean R@1", "mean R@5", "mean R@10", "mean MRR@10", "median search p50 ms"], rows)]
    if "hybrid" in systems and "txtai" in systems:
        versus = []
        for r in reports:
            ours, peer = r.system("hybrid"), r.system("txtai")
            ratio = ours.search_p50_ms / peer.search_p50_ms if peer.search_p50_ms else float("nan")
            versus.append([r.dataset, f"{ours.recall_at_5:.3f}", f"{peer.recall_at_5:.3f}",
                           f"{100 * (ours.recall_at_5 - peer.recall_at_5):+.1f}", f"{ratio:.2f}"])
        lines += ["", markdown_table(
            ["dataset", "hybrid R@5", "txtai R@5", "difference (points)", "hybrid / txtai search p50"], versus)]
    return "\n".join(lines)
