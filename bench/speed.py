"""Speed of the embedding backends, with the torch backend measured in the same run as the baseline.

For each backend (``torch``; ``onnx``, fp32; ``onnx-int8``, the default) and encoder thread count:

- warm in-process ``Engine.ask`` p50/p99 over the evaluation set (query cache off), and the query
  embedding alone; the ratio is torch's p50 / this p50 (how many times faster);
- full builds of the seed corpus (``--builds``, each into an empty index, in the process that loaded the
  model): chunks per second, the median and the first build's (which also pays the process's first imports
  of the build path), and texts embedded per second (chunks + evidence units);
- quality against torch: max abs difference of the vectors, top-1 agreement (evaluation questions x seed
  chunks, and SQuAD questions x paragraphs from ``../shared/data``), the ``qa eval`` metrics, identical answers;
- cold start in fresh processes (the exported ONNX model already cached, as after ``qa index build``):
  ``import qa``, ``qa --help``, ``qa index status``, one ``qa ask`` end to end, ``qa serve --workers 2``
  to the first answer; resident memory (RSS) of each.

Waits for a quiet machine first (1-minute load average < 1.5, up to ``--wait`` seconds); quotes medians.

    .venv/bin/python -m bench.speed [--rounds 5] [--builds 3] [--runs 3] [--no-real] [--no-serve] [--wait 900]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import (
    CORPUS,
    ROOT,
    bench_settings,
    eval_questions,
    latencies,
    markdown_table,
    p50_p99,
    wait_for_quiet,
)
from qa.build import build_index
from qa.embedding import Embedder, OnnxEmbedder, SentenceTransformerEmbedder, create_embedder, usable_cores
from qa.engine import Engine
from qa.evaluation import default_questions_path, load_cases, run_eval

SQUAD = ROOT.parent / "shared" / "data" / "squad2-dev-cs224n" / "dev-v2.0-cs224n-half.json"
SQUAD_QUESTIONS = 600  # the first answerable ones, in file order
COLD_QUESTION = "Does Flask support WebSockets?"
HEAVY = ("torch", "sentence_transformers", "transformers", "faiss", "onnxruntime")


@dataclass(frozen=True)
class Variant:
    backend: str  # torch | onnx | onnx-int8
    threads: int  # encoder intra-op threads
    faiss_threads: int = 1

    @property
    def label(self) -> str:
        extra = f", FAISS {self.faiss_threads} threads" if self.faiss_threads != 1 else ""
        return f"{self.backend} ({self.threads} thr{extra})"


@dataclass
class Result:
    variant: Variant
    load_s: float = 0.0
    build_s: list[float] = field(default_factory=list)  # seconds of each full build, in order
    chunks: int = 0
    texts: int = 0
    ask: list[float] = field(default_factory=list)
    embed: list[float] = field(default_factory=list)
    quality: dict[str, Any] = field(default_factory=dict)


def index_dir(work: Path, v: Variant) -> Path:
    return work / f"{v.backend}-{v.threads}-{v.faiss_threads}" / "index"


def models_dir(work: Path) -> Path:
    return work / "models"


def measure(v: Variant, work: Path, questions: list[str], rounds: int, builds: int) -> tuple[Result, Engine]:
    """Model load (export already cached), full builds, warm asks and embeddings, for one variant."""
    import faiss

    settings = bench_settings(index_dir(work, v).parent, embedding_backend=v.backend,
                              embedding_threads=v.threads, model_cache_dir=models_dir(work))
    embedder = create_embedder(settings)  # each precision is exported once, for every variant and `qa` process
    if isinstance(embedder, OnnxEmbedder):  # a one-time export is not part of a build's cost
        create_embedder(settings).load()  # type: ignore[attr-defined]
    r = Result(v)
    t0 = time.perf_counter()
    embedder.load()  # type: ignore[attr-defined]
    r.load_s = time.perf_counter() - t0
    for i in range(builds):  # the last one is the index the asks below use
        target = settings.index_dir if i == builds - 1 else settings.index_dir.with_name(f"build-{i}")
        t0 = time.perf_counter()
        report = build_index(CORPUS, target, embedder)
        r.build_s.append(time.perf_counter() - t0)
        assert report.full and report.chunks_embedded == report.chunks_total
    r.chunks, r.texts = report.chunks_total, report.chunks_embedded + report.units_embedded
    engine = Engine(settings, embedder)
    engine.warm_up()
    faiss.omp_set_num_threads(v.faiss_threads)  # Engine.load set 1; a variant may ask for more
    for q in questions[:10]:
        engine.ask(q)
    r.ask = latencies(engine.ask, questions, rounds)
    r.embed = latencies(lambda q: embedder.embed([q]), questions, rounds)
    faiss.omp_set_num_threads(1)
    return r, engine


def _vectors(engine: Engine, questions: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chunk vectors (from the FAISS index), evidence-unit vectors, question vectors."""
    version = engine.snapshot().version
    return version.faiss.reconstruct_n(0, version.faiss.ntotal), version.unit_vecs, engine.embedder.embed(questions)


def quality(engine: Engine, torch_engine: Engine | None, questions: list[str]) -> dict[str, Any]:
    """Vectors and answers against the torch backend's; the ``qa eval`` metrics."""
    chunk_vecs, unit_vecs, qvecs = _vectors(engine, questions)
    report = run_eval(engine, load_cases(default_questions_path()))
    out: dict[str, Any] = {"eval": report}
    if torch_engine is not None:
        ref_chunks, ref_units, ref_q = _vectors(torch_engine, questions)
        out["max_diff"] = float(max(np.abs(chunk_vecs - ref_chunks).max(), np.abs(unit_vecs - ref_units).max(),
                                    np.abs(qvecs - ref_q).max()))
        out["top1"] = float(((qvecs @ chunk_vecs.T).argmax(1) == (ref_q @ ref_chunks.T).argmax(1)).mean())
        same = [engine.ask(q).to_dict()["answer"] == torch_engine.ask(q).to_dict()["answer"] for q in questions]
        out["same_answers"] = (sum(same), len(same))
    return out


def squad() -> tuple[list[str], list[str], list[int]] | None:
    """SQuAD 2.0 (CS224N half): 646 paragraphs, the first answerable questions and their paragraph."""
    if not SQUAD.exists():
        return None
    data = json.loads(SQUAD.read_text())
    paragraphs, questions, gold = [], [], []
    for article in data["data"]:
        for para in article["paragraphs"]:
            for qa in para["qas"]:
                if not qa.get("is_impossible") and len(questions) < SQUAD_QUESTIONS:
                    questions.append(qa["question"])
                    gold.append(len(paragraphs))
            paragraphs.append(para["context"])
    return paragraphs, questions, gold


def real_data(embedders: dict[str, Embedder]) -> list[tuple[str, float, float, float, float]]:
    """Per backend: paragraphs embedded per second, dense R@1 and R@5, top-1 agreement with torch."""
    data = squad()
    if data is None:
        return []
    paragraphs, questions, gold = data
    rows = []
    ref_top: np.ndarray | None = None
    for name, e in embedders.items():
        if isinstance(e, SentenceTransformerEmbedder) and e.threads:  # process-wide: the 1-thread variant set it last
            import torch

            torch.set_num_threads(e.threads)
        t0 = time.perf_counter()
        p = e.embed(paragraphs)
        rate = len(paragraphs) / (time.perf_counter() - t0)
        q = e.embed(questions)
        ranks = np.argsort(-(q @ p.T), axis=1)[:, :5]
        g = np.asarray(gold)[:, None]
        top = ranks[:, 0]
        if ref_top is None:
            ref_top = top
        rows.append((name, rate, float((ranks[:, :1] == g).any(1).mean()), float((ranks == g).any(1).mean()),
                     float((top == ref_top).mean())))
    return rows


# -- fresh processes -------------------------------------------------------------------------------
def _env(index_dir: Path, work: Path, backend: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "SLACK_"))}
    env.update(QA_CORPUS_DIR=str(CORPUS), QA_INDEX_DIR=str(index_dir), QA_DATA_DIR=str(work / "var-cold"),
               QA_MODEL_CACHE_DIR=str(models_dir(work)), QA_EMBEDDING_BACKEND=backend, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    return env


def _qa() -> list[str]:
    script = Path(sys.executable).parent / "qa"
    return [str(script)] if script.exists() else [sys.executable, "-m", "integrations.cli"]


# ``qa <args>`` in a fresh interpreter that reports its own peak RSS (VmHWM) last on stderr. (ru_maxrss from
# wait4 would not do: Linux carries the parent's high-water mark across fork + exec.)
PEAK_RSS = (
    "import sys\nfrom integrations.cli import main\nrc = main(sys.argv[1:])\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
    "print('peak_rss_kb', hwm, file=sys.stderr)\nsys.exit(rc)"
)


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of one process run to completion, and its peak RSS in MB when it reports one."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-500:]}")
    peak = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("peak_rss_kb ")]
    return wall, int(peak[-1]) / 1024 if peak else float("nan")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve_first_answer(env: dict[str, str], timeout: float = 120.0) -> tuple[float, list[float]]:
    """``qa serve --workers 2``: seconds from start to the first answered POST /ask, and the workers' RSS
    (MB) once both have started."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    body = json.dumps({"question": COLD_QUESTION}).encode()
    t0 = time.perf_counter()
    proc = subprocess.Popen([*_qa(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if time.perf_counter() - t0 > timeout or proc.poll() is not None:
                raise RuntimeError("qa serve did not answer")
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/ask", body,
                                             {"Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=10) as resp:
                    if resp.status == 200:
                        first = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.02)
        for _ in range(20):  # both workers answer: each has loaded its model and index
            with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/ask", body,
                                        {"Content-Type": "application/json"}), timeout=10):
                pass
        time.sleep(1.0)
        rss = sorted(_rss_mb(p) for p in _children(proc.pid))
        return first, [x for x in rss if x > 50]  # workers, not the small resource tracker
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cold_start(indexes: dict[str, Path], work: Path, runs: int, serve: bool) -> dict[str, Any]:
    """Fresh processes of each backend over the index it built (``indexes``: backend -> index dir; the
    first is the default, also used for the import timings)."""
    py = sys.executable
    default = next(iter(indexes))
    env = _env(indexes[default], work, default)
    imports = {
        "python -c pass": [py, "-c", "pass"],
        "import qa": [py, "-c", "import qa"],
        "qa --help": [*_qa(), "--help"],
        "qa index status": [*_qa(), "index", "status"],
    }
    out: dict[str, Any] = {"imports": {}, "ask": {}, "serve": {}}
    for name, cmd in imports.items():
        out["imports"][name] = statistics.median(run_timed(cmd, env)[0] for _ in range(runs))
    for backend, index in indexes.items():
        env = _env(index, work, backend)
        runs_ = [run_timed([py, "-c", PEAK_RSS, "ask", COLD_QUESTION, "--json"], env) for _ in range(runs)]
        out["ask"][backend] = (statistics.median(w for w, _ in runs_), statistics.median(m for _, m in runs_))
        if serve:
            got = [serve_first_answer(env) for _ in range(runs)]
            out["serve"][backend] = (statistics.median(f for f, _ in got),
                                     statistics.median(statistics.median(r) for _, r in got if r))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="passes over the questions for latency (default 5)")
    ap.add_argument("--builds", type=int, default=3, help="full builds per backend (default 3)")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per cold-start figure (default 3)")
    ap.add_argument("--no-real", action="store_true", help="skip the SQuAD real-data check")
    ap.add_argument("--no-serve", action="store_true", help="skip qa serve to first answer")
    ap.add_argument("--wait", type=float, default=900.0, help="seconds to wait for a quiet machine")
    args = ap.parse_args(argv)
    if min(args.rounds, args.builds, args.runs) < 1:
        ap.error("--rounds, --builds and --runs must be at least 1")

    load = wait_for_quiet(args.wait)
    work = Path(tempfile.mkdtemp(prefix="qa-speed-"))
    try:
        questions = eval_questions()
        cores = usable_cores()
        # Every core is the default in one process; one thread, a `qa serve` worker of two on 2 cores.
        # On a 1-core machine the pairs coincide: each is measured once.
        variants = list(dict.fromkeys([Variant("torch", cores), Variant("torch", 1), Variant("onnx", cores),
                                       Variant("onnx", 1), Variant("onnx-int8", cores), Variant("onnx-int8", 1)]))
        results: list[Result] = []
        engines: dict[str, Engine] = {}
        loads = [load]
        for v in variants:
            loads.append(wait_for_quiet(args.wait))  # other work may have started meanwhile
            r, engine = measure(v, work, questions, args.rounds, args.builds)
            results.append(r)
            engines.setdefault(v.backend, engine)
        for name, engine in engines.items():
            q = quality(engine, engines["torch"] if name != "torch" else None, questions)
            for r in results:
                if r.variant.backend == name and not r.quality:
                    r.quality = q
        real = [] if args.no_real else real_data({n: e.embedder for n, e in engines.items()})
        loads.append(wait_for_quiet(args.wait))
        indexes = {b: index_dir(work, Variant(b, cores)) for b in ("onnx-int8", "onnx", "torch")}
        cold = cold_start(indexes, work, args.runs, serve=not args.no_serve)
        loads.append(os.getloadavg()[0])
        print_tables(results, real, cold, questions, args, max(loads))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_tables(results: list[Result], real: list[tuple[str, float, float, float, float]], cold: dict[str, Any],
                 questions: list[str], args: argparse.Namespace, load: float) -> None:
    base = results[0]
    base_ask, base_embed = statistics.median(base.ask), statistics.median(base.embed)
    base_rate = base.chunks / statistics.median(base.build_s)
    print(f"{usable_cores()} cores, 1-minute load average at most {load:.2f} before each part; seed corpus: {base.chunks} chunks ({base.texts} texts "
          f"embedded in a full build); {len(questions)} questions x {args.rounds} rounds, warm, query cache off; "
          "ratio = torch (every core) / this, so > 1 is faster")
    print()

    def speed_row(r: Result) -> list[str]:
        a50, a99 = p50_p99(r.ask)
        build = statistics.median(r.build_s)
        rate = r.chunks / build
        return [r.variant.label, f"{statistics.median(r.embed):.2f}", f"{a50:.2f}", f"{a99:.2f}", f"{base_ask / a50:.2f}",
                f"{rate:.0f}", f"{r.chunks / r.build_s[0]:.0f}", f"{r.texts / build:.0f}", f"{rate / base_rate:.2f}",
                f"{r.load_s:.2f}"]

    print(markdown_table(["backend (encoder threads)", "embed p50 ms", "ask p50 ms", "ask p99 ms", "ask p50 ratio",
                          f"build chunks/s (median of {args.builds})", "first build chunks/s", "texts/s", "build ratio",
                          "model load s"], map(speed_row, results)))
    print("(embed p50 ratio torch / this: " + ", ".join(
        f"{r.variant.label} {base_embed / statistics.median(r.embed):.2f}" for r in results[1:]) + ")")
    print()

    def quality_row(r: Result) -> list[str]:
        q, ev = r.quality, r.quality["eval"]
        same = f"{q['same_answers'][0]}/{q['same_answers'][1]}" if "same_answers" in q else "—"
        return [r.variant.backend, f"{q.get('max_diff', 0.0):.1e}", f"{q.get('top1', 1.0):.3f}", same,
                f"{ev.answer_hit_rate:.3f}", f"{ev.abstention_recall:.3f}", f"{ev.abstention_precision:.3f}",
                f"{ev.false_abstention:.3f}", f"{ev.evidence_recall_at_k:.3f}"]

    per_backend: dict[str, Result] = {}  # quality is the backend's, whatever its threads: one row each
    for r in results:
        per_backend.setdefault(r.variant.backend, r)
    print(markdown_table(["backend", "max abs diff vs torch", "top-1 agreement (eval q x chunks)", "answers identical",
                          "answer hit rate", "abstention recall", "abstention precision", "false abstention",
                          "evidence recall@5"], map(quality_row, per_backend.values())))
    if real:
        print()
        print(f"Real data: SQuAD 2.0 dev (CS224N half), {SQUAD_QUESTIONS} answerable questions x 646 paragraphs, "
              "dense retrieval only")
        print()
        print(markdown_table(["backend", "paragraphs embedded/s", "ratio", "R@1", "R@5", "top-1 agreement with torch"],
                             ([name, f"{rate:.0f}", f"{rate / real[0][1]:.2f}", f"{r1:.3f}", f"{r5:.3f}", f"{agree:.3f}"]
                              for name, rate, r1, r5, agree in real)))
    print()
    print(f"Fresh processes (median of {args.runs}; the ONNX export already cached, as after `qa index build`)")
    print()
    print(markdown_table(["command", "wall s"], ([f"`{name}`", f"{s:.2f}"] for name, s in cold["imports"].items())))
    print()

    def cold_row(backend: str, wall: float, rss: float) -> list[str]:
        first, worker = cold["serve"].get(backend, (float("nan"), float("nan")))
        return [backend, f"{wall:.2f}", f"{rss:.0f}", f"{first:.2f}", f"{worker:.0f}"]

    print(markdown_table(["backend", "`qa ask` end to end s", "`qa ask` peak RSS MB",
                          "`qa serve --workers 2` to first answer s", "RSS per serve worker MB"],
                         (cold_row(backend, wall, rss) for backend, (wall, rss) in cold["ask"].items())))


if __name__ == "__main__":
    raise SystemExit(main())
