"""Peak memory of ``qa index build`` against corpus size: bytes of peak RSS per MB of corpus (the slope) and
what a build holds whatever the corpus (the intercept: model and runtime).

Each build runs in its own process (``qa --corpus-dir C --index-dir NEW index build --quiet``, default
backend), its peak RSS read from the kernel (``os.wait4``). Corpora, written into a temporary directory:

- ``copies``: the Flask and Starlette docs from ``../shared/data/`` (``.md`` and ``.rst``, as they are),
  1, 4 and 16 copies side by side (``copy-N/...``: other doc ids, the same texts). A copy's texts are
  embedded once per build (vectors are keyed by their text), so the larger corpora cost chunking, not
  embedding time, while every per-chunk structure (rows, vectors, BM25, FAISS) grows with the copies;
- ``one-file``: one generated Markdown file (``bench.gen_markdown``) of 0.5 and 2 MB: the largest-file term.

The slope and intercept are a least-squares line through the ``copies`` builds.

    .venv/bin/python -m bench.build_memory [--copies 1,4,16] [--one-file 0.5,2] [--checkout DIR] [--json]

The builds run in ``--checkout`` (default: this one), so an older checkout's ``qa`` (e.g. ``git archive``
of an earlier commit) is measured the same way. The ONNX model is exported once beforehand (into
``QA_MODEL_CACHE_DIR`` when set), so no build's peak includes the export.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import CORPUS, ROOT, markdown_table
from bench.gen_markdown import make

SHARED = ROOT.parent / "shared" / "data"
SOURCES = ("flask-docs", "starlette-docs")
MB = 1024 * 1024


def copies_corpus(dest: Path, copies: int) -> None:
    for source in SOURCES:
        src = SHARED / source
        if not src.is_dir():
            raise SystemExit(f"{src} not found: the corpus is read from ../shared/data/")
        for path in sorted(src.rglob("*")):
            if path.is_file() and path.suffix in (".md", ".rst"):
                for n in range(copies):
                    target = dest / f"copy-{n}" / source / path.relative_to(src)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)


def corpus_bytes(corpus: Path) -> int:
    return sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())


def measure(corpus: Path, index: Path, checkout: Path, env: dict[str, str]) -> dict[str, Any]:
    """Build ``corpus`` into the empty ``index`` in a child process: its peak RSS, seconds and counts."""
    cmd = [sys.executable, "-c", "import sys; from integrations.cli import main; sys.exit(main())",
           "--corpus-dir", str(corpus), "--index-dir", str(index), "index", "build", "--quiet", "--json"]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, cwd=checkout, env=env)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        if proc.returncode:
            raise SystemExit(f"build of {corpus} failed ({proc.returncode}): {err.decode()[-2000:]}")
        out.seek(0)
        report = json.loads(out.read())
    return {"corpus_mb": round(corpus_bytes(corpus) / MB, 3), "documents": len(report["documents_added"]),
            "chunks": report["chunks_total"], "units": report["units_total"], "seconds": round(seconds, 1),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}  # ru_maxrss is in KiB on Linux


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares slope and intercept of y over x."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return slope, my - slope * mx


def _numbers(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", default="1,4,16", help="copies of the Flask + Starlette docs (default 1,4,16)")
    ap.add_argument("--one-file", default="0.5,2", help="MB of the one-file corpora (default 0.5,2; '' for none)")
    ap.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose qa builds (default: this one)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="qa-build-memory-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        env.setdefault("QA_MODEL_CACHE_DIR", str(work / "models"))
        measure(CORPUS, work / "index-warm-up", args.checkout, env)  # exports the model once
        checkout = args.checkout.resolve()
        def measure_here(corpus: Path, index: Path) -> dict[str, Any]:
            return measure(corpus, index, checkout, env)
        for n in _numbers(args.copies):
            corpus = work / f"copies-{int(n)}"
            copies_corpus(corpus, int(n))
            rows.append({"corpus": f"{int(n)} x Flask + Starlette docs", "kind": "copies",
                         **measure_here(corpus, work / f"index-copies-{int(n)}")})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
            shutil.rmtree(corpus)
            shutil.rmtree(work / f"index-copies-{int(n)}")
        for mb in _numbers(args.one_file):
            corpus = work / f"one-{mb}"
            corpus.mkdir()
            make(corpus / "gen-0.md", mb, seed=0)
            rows.append({"corpus": f"one {mb:g} MB file", "kind": "one-file", **measure_here(corpus, work / f"index-one-{mb}")})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    copies = [(r["corpus_mb"], r["peak_rss_mib"]) for r in rows if r["kind"] == "copies"]
    slope, intercept = fit(copies) if len(copies) > 1 else (float("nan"), float("nan"))
    if args.json:
        print(json.dumps({"builds": rows, "slope_mib_per_mb": round(slope, 2), "intercept_mib": round(intercept, 1)},
                         indent=1))
        return 0
    print(markdown_table(
        ("corpus", "MB", "documents", "chunks / units", "build s", "peak RSS MiB"),
        [(r["corpus"], f"{r['corpus_mb']:.2f}", r["documents"], f"{r['chunks']:,} / {r['units']:,}", r["seconds"],
          r["peak_rss_mib"]) for r in rows]))
    print(f"\ncopies: peak RSS = {intercept:.0f} MiB + {slope:.1f} MiB per MB of corpus (least squares)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
