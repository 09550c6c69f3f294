"""Full build vs incremental build after changing one article: seconds and chunks embedded, as a ratio.

Two corpora, both copied into a temporary directory at run time (nothing here touches ``corpus/`` or
``index/``):

- ``seed``: the articles of ``corpus/``;
- ``large``: the FastAPI, Flask, Starlette and Quart docs read from ``../shared/data/`` (``.md`` and ``.rst``).

For each: a full build (``--full``), then one article (the median-sized one) gets a sentence inserted
in its middle paragraph, then an incremental build; then a rebuild with nothing changed (the floor).
The model is loaded before timing, as it is in a running server. Where the incremental build's time
goes is shown per stage, from the build's own progress messages.

    .venv/bin/python -m bench.rebuild [--corpus seed|large|all] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench._common import CORPUS, ROOT, bench_settings, markdown_table

SHARED = ROOT.parent / "shared" / "data"
LARGE_SOURCES = ("fastapi-docs", "flask-docs", "starlette-docs", "quart-docs")
INSERTED = " This sentence was inserted by bench/rebuild.py to change exactly one article."


def seed_corpus(dest: Path) -> None:
    shutil.copytree(CORPUS, dest)


def large_corpus(dest: Path) -> None:
    for source in LARGE_SOURCES:
        src = SHARED / source
        if not src.is_dir():
            raise SystemExit(f"{src} not found: the large corpus is read from ../shared/data/")
        for path in sorted(src.rglob("*")):
            if path.is_file() and path.suffix in (".md", ".rst"):
                target = dest / source / path.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def change_one_article(corpus: Path) -> Path:
    """Insert a sentence into the middle paragraph of the median-sized article; returns its path."""
    files = sorted((p for p in corpus.rglob("*") if p.is_file()), key=lambda p: (p.stat().st_size, str(p)))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    paragraphs = [i for i, line in enumerate(text.split("\n")) if line.strip().endswith(".") and len(line) > 60]
    lines = text.split("\n")
    at = paragraphs[len(paragraphs) // 2] if paragraphs else len(lines) - 1
    lines[at] = lines[at] + INSERTED
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


STAGE_NAMES = {
    "start": "lock",
    "reading": "read previous version",
    "chunking": "read corpus, chunk changed articles, copy unchanged records",
    "embedding chunks": "embed new chunks",
    "embedding units": "embed new evidence units",
    "writing": "write + checksum + fsync version",
    "making": "replace CURRENT",
    "version": "prune old versions",
}


class Stages:
    """Seconds between the build's progress messages, named after the step that follows each message."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.last = "start"
        self.seconds: dict[str, float] = {}

    def __call__(self, msg: str) -> None:
        now = time.perf_counter()
        self.seconds[self.last] = self.seconds.get(self.last, 0.0) + now - self.t
        words = msg.split()
        self.t, self.last = now, words[0] + (f" {words[-1]}" if words[0] == "embedding" else "")

    def done(self) -> dict[str, float]:
        self(".")
        return {STAGE_NAMES.get(k, k): round(v, 3) for k, v in self.seconds.items()}


def run_corpus(name: str, embedder: Any, work: Path) -> dict[str, Any]:
    from qa.build import build_index

    corpus, index = work / name / "corpus", work / name / "index"
    (seed_corpus if name == "seed" else large_corpus)(corpus)
    n_files = sum(1 for p in corpus.rglob("*") if p.is_file())
    print(f"[{name}] {n_files} articles: full build ...", file=sys.stderr, flush=True)
    full = build_index(corpus, index, embedder, full=True)
    changed = change_one_article(corpus)
    print(f"[{name}] full build {full.seconds:.1f} s; changed {changed.relative_to(corpus)}: incremental build ...",
          file=sys.stderr, flush=True)
    gc.collect()  # the full build's garbage is not the incremental build's cost
    stages = Stages()
    incr = build_index(corpus, index, embedder, progress=stages)
    breakdown = stages.done()
    noop = build_index(corpus, index, embedder)
    assert incr.documents_changed == [changed.relative_to(corpus).with_suffix("").as_posix()], incr.documents_changed
    return {
        "corpus": name,
        "articles": n_files,
        "chunks": full.chunks_total,
        "units": full.units_total,
        "changed_article": changed.relative_to(corpus).as_posix(),
        "full": {"seconds": full.seconds, "chunks_embedded": full.chunks_embedded, "units_embedded": full.units_embedded},
        "incremental": {"seconds": incr.seconds, "chunks_embedded": incr.chunks_embedded,
                        "units_embedded": incr.units_embedded, "stages": breakdown},
        "unchanged_rebuild": {"seconds": noop.seconds},
        "ratio_seconds": round(incr.seconds / full.seconds, 4),
        "ratio_chunks_embedded": round(incr.chunks_embedded / max(full.chunks_embedded, 1), 4),
    }


def table(results: list[dict[str, Any]]) -> str:
    head = ["corpus", "articles", "chunks (units)", "full build", "incremental, one article changed", "ratio (time)",
            "chunks embedded full / incr.", "nothing changed"]
    rows = []
    for r in results:
        f, i = r["full"], r["incremental"]
        rows.append([
            r["corpus"], r["articles"], f"{r['chunks']} ({r['units']})", f"{f['seconds']:.1f} s", f"{i['seconds']:.2f} s",
            f"{100 * r['ratio_seconds']:.1f}%",
            f"{f['chunks_embedded']} / {i['chunks_embedded']} (+{f['units_embedded']} / {i['units_embedded']} units)",
            f"{r['unchanged_rebuild']['seconds']:.2f} s",
        ])
    return markdown_table(head, rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("seed", "large", "all"), default="all")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from qa.embedding import create_embedder

    names = ["seed", "large"] if args.corpus == "all" else [args.corpus]
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp:
        # The default backend (or QA_EMBEDDING_BACKEND), as `qa index build` runs it; its one-time ONNX export,
        # into QA_MODEL_CACHE_DIR or else the scratch directory, is not timed.
        embedder = create_embedder(bench_settings(Path(tmp)))
        embedder.embed(["warm up"])
        results = [run_corpus(name, embedder, Path(tmp)) for name in names]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"Rebuild after changing one article (bench/rebuild.py; {embedder.precision} "
          f"{type(embedder).__name__}, model loaded before timing)")
    print(table(results))
    for r in results:
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in r["incremental"]["stages"].items())
        print(f"{r['corpus']}: changed {r['changed_article']}; incremental stages: {stages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
