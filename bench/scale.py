"""Scale: the FAISS index types at 1e4, 1e5 and 1e6 vectors, and the full pipeline on the docs corpora.

    python -m bench.scale                       # everything (about 15 minutes on 2 cores)
    python -m bench.scale --sizes 10000,100000  # a quicker index part
    python -m bench.scale --pipeline-only

Index part: vectors are NOT real chunks. Two sets, said in every row:
- ``random``: uniform random unit vectors in 384 dimensions. The worst case for any approximate
  index: nothing is near anything (the 10th neighbour is barely closer than a random vector), so recall
  against exact search is far below what real embeddings get.
- ``real+noise``: real all-MiniLM-L6-v2 vectors (the docs corpora's chunks and sentences when the
  pipeline part ran, else SQuAD's paragraphs and sentences), each repeated with small variations (plus
  0.35 x another real vector and Gaussian noise, renormalised) up to the size, queried with real
  questions. Closer to a large real corpus.
Per size and index type: build time, memory (growth of the process RSS and the serialised index bytes),
single-query latency p50/p99 (one thread, as the engine searches) and recall@10 against exact search.

Pipeline part: fastapi + flask + starlette + quart docs read from ../shared/data at run time (written to
a scratch corpus), built through ``build_index`` (chunks/s) and asked through ``Engine.ask``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# OpenMP threads that spin while waiting make builds several times slower when other processes share
# the 2 cores; must be set before FAISS loads the OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DIM = 384
PIPELINE_CORPORA = ("fastapi-docs", "flask-docs", "starlette-docs", "quart-docs")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def random_vectors(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIM), dtype=np.float32)
    for lo in range(0, n, 100_000):  # in blocks: no float64 temporaries of the whole set
        hi = min(n, lo + 100_000)
        out[lo:hi] = rng.standard_normal((hi - lo, DIM), dtype=np.float32)
        unit(out[lo:hi])
    return out


def noisy_copies(base: np.ndarray, n: int, seed: int, mix: float = 0.35, sigma: float = 0.15) -> np.ndarray:
    """``n`` variations of real vectors: row i of the base plus ``mix`` x another random row plus noise
    of norm ~``sigma``, renormalised (cos ~0.93 to row i). Mixing keeps the set spread like the real one
    instead of ``n / len(base)`` tight copies of each vector."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        rows = base[np.arange(lo, hi) % len(base)] + mix * base[rng.integers(0, len(base), hi - lo)]
        noise = rng.standard_normal((hi - lo, base.shape[1]), dtype=np.float32) * (sigma / np.sqrt(base.shape[1]))
        out[lo:hi] = unit(rows + noise)
    return out


def squad_vectors(data: Path) -> tuple[np.ndarray, np.ndarray]:
    """Real all-MiniLM-L6-v2 vectors without a long build: SQuAD's 646 paragraphs and their ~5k
    sentences (the index base), and 200 of its questions (the queries)."""
    import re

    from bench.datasets import load_dataset
    from qa.engine import Engine
    from qa.settings import load_settings

    ds = load_dataset("squad2-dev-cs224n", data)
    texts = [d.text for d in ds.docs]
    texts += [s for d in ds.docs for s in re.split(r"(?<=[.!?])\s+", d.text) if len(s.split()) >= 4]
    base = load_settings(_env_file=None)
    embedder = Engine(base.model_copy(update={
        "model_cache_dir": base.model_cache_dir or ROOT / "index" / "models",
        "embedding_threads": os.cpu_count() or 1})).embedder
    vecs = embedder.embed(texts).astype(np.float32)
    questions = [q.text for q in ds.split("test").sample(200).questions]
    return vecs, embedder.embed(questions).astype(np.float32)


def measure(kind: str, base: np.ndarray, queries: np.ndarray, exact: np.ndarray) -> dict[str, float]:
    import faiss

    from qa.ann import AnnParams, create_index

    faiss.omp_set_num_threads(os.cpu_count() or 1)  # builds use every core
    before = rss_mb()
    t0 = time.perf_counter()
    index, meta = create_index(base, kind, AnnParams())
    build_s = time.perf_counter() - t0
    grown = rss_mb() - before
    with tempfile.NamedTemporaryFile(suffix=".faiss") as fh:
        faiss.write_index(index, fh.name)
        nbytes = os.path.getsize(fh.name)
    faiss.omp_set_num_threads(1)  # queries: one thread, one query at a time, as Engine.ask does
    lat, found = [], []
    for q in queries:
        t1 = time.perf_counter()
        _, ids = index.search(q.reshape(1, -1), 10)
        lat.append((time.perf_counter() - t1) * 1000)
        found.append(ids[0])
    recall = float(np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact, found, strict=True)]))
    lat.sort()
    del index
    return {"build_s": build_s, "rss_mb": grown, "index_mb": nbytes / 2**20, "p50": statistics.median(lat),
            "p99": lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))], "recall": recall,
            "params": ", ".join(f"{k}={v}" for k, v in meta.items() if k not in ("type", "requested"))}


def exact_top10(base: np.ndarray, queries: np.ndarray) -> np.ndarray:
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    flat = faiss.IndexFlatIP(base.shape[1])
    flat.add(base)
    _, ids = flat.search(queries, 10)
    return ids


def index_part(sizes: list[int], real: np.ndarray | None, real_queries: np.ndarray | None, hnsw_budget_s: float,
               kinds: tuple[str, ...] = ("random", "real"), types: tuple[str, ...] = ("flat", "hnsw", "ivfpq")) -> None:
    print("| vectors | n | index | build s | RSS growth MB | index MB | query p50 ms | query p99 ms | recall@10 vs exact | parameters |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    sets = ([("random", None)] if "random" in kinds else []) + ([("real+noise", real)] if real is not None else [])
    for label, src in sets:
        hnsw_rate = None  # seconds per vector of the last HNSW build, to project the next
        for n in sizes:
            if src is None:
                base, queries = random_vectors(n, seed=n), random_vectors(200, seed=1)
            else:
                base, queries = noisy_copies(src, n, seed=n), real_queries
            exact = exact_top10(base, queries)
            for kind in types:
                if kind == "hnsw" and hnsw_rate is not None and hnsw_rate * n * 1.3 > hnsw_budget_s:
                    print(f"| {label} | {n:,} | hnsw | skipped: projected build {hnsw_rate * n * 1.3:.0f} s > "
                          f"{hnsw_budget_s:.0f} s budget on {os.cpu_count()} cores (and {n * (DIM * 4 + 256) / 2**30:.1f} GB) "
                          "| | | | | | |", flush=True)
                    continue
                m = measure(kind, base, queries, exact)
                if kind == "hnsw":
                    hnsw_rate = m["build_s"] / n
                print(f"| {label} | {n:,} | {kind} | {m['build_s']:.1f} | {m['rss_mb']:.0f} | {m['index_mb']:.0f} | "
                      f"{m['p50']:.2f} | {m['p99']:.2f} | {m['recall']:.3f} | {m['params']} |", flush=True)
            del base


def pipeline_part(data: Path) -> tuple[np.ndarray, np.ndarray]:
    """Build and ask the docs corpora; returns their real vectors and real question vectors."""
    from bench.datasets import Dataset, SourceDoc
    from bench.datasets.loaders import EXCLUDED_PAGES, _jsonl, docs_corpus
    from bench.datasets.runner import write_corpus
    from qa.engine import Engine
    from qa.evaluation import percentile
    from qa.settings import load_settings

    docs = docs_corpus(data, PIPELINE_CORPORA)
    for page in EXCLUDED_PAGES:  # the release notes are part of a real docs site: indexed here
        path = data / f"{page}.md"
        if path.is_file():
            docs.append(SourceDoc(page, "Release Notes", path.read_text(encoding="utf-8")))
    work = Path(tempfile.mkdtemp(prefix="qa-scale-"))
    try:
        write_corpus(Dataset("docs", docs, [], "page"), work / "corpus")
        base = load_settings(_env_file=None)
        settings = base.model_copy(update={
            "corpus_dir": work / "corpus", "index_dir": work / "index", "data_dir": work / "var",
            "query_cache_size": 0, "model_cache_dir": base.model_cache_dir or ROOT / "index" / "models"})
        engine = Engine(settings)
        engine.embedder.embed(["warm up"])  # model load is not build time
        t0 = time.perf_counter()
        report = engine.rebuild()
        build_s = time.perf_counter() - t0
        engine.warm_up()
        questions = [r["title"] for r in _jsonl(data / "github-questions-fastapi-flask" / "questions.jsonl")]
        questions += [r["question"] for r in _jsonl(data / "django-faq" / "faq_pairs.jsonl")]
        questions += ["Flask vs FastAPI: which one has native async support?", "How do I enable CORS in Starlette?",
                      "Should I use Quart or Flask for websockets?"]
        for q in questions[:10]:
            engine.ask(q)
        lat = []
        for _ in range(2):
            for q in questions:
                t1 = time.perf_counter()
                engine.ask(q)
                lat.append((time.perf_counter() - t1) * 1000)
        pages = len(docs)
        print(f"| {pages} pages ({', '.join(PIPELINE_CORPORA)}) | {report.chunks_total:,} chunks, "
              f"{report.units_total:,} evidence units | {build_s:.1f} s | {report.chunks_total / build_s:.0f} chunks/s "
              f"({(report.chunks_total + report.units_total) / build_s:.0f} texts/s embedded) | "
              f"{statistics.median(lat):.1f} / {percentile(lat, 0.99):.1f} ms ({len(questions)} questions x 2) |",
              flush=True)
        version = engine.snapshot().version
        real = np.vstack([np.load(version.path / "chunk_vecs.npy"), version.unit_vecs]).astype(np.float32)
        qvecs = engine.embedder.embed(questions[:200]).astype(np.float32)
        return real, qvecs
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--hnsw-budget", type=float, default=600.0, help="skip an HNSW build projected to take longer (s)")
    parser.add_argument("--pipeline-only", action="store_true")
    parser.add_argument("--index-only", action="store_true")
    parser.add_argument("--vectors", default="random,real", help="which synthetic sets: random, real (or both)")
    parser.add_argument("--types", default="flat,hnsw,ivfpq", help="index types measured")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    sizes = [int(float(x)) for x in args.sizes.split(",")]
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    real = qvecs = None
    if not args.index_only and Path(args.data).is_dir():
        print("\nFull pipeline on the docs corpora (build through Engine.rebuild, flat index, ONNX encoder):\n")
        print("| corpus | size | build | throughput | ask p50 / p99 |")
        print("|---|---|---|---|---|")
        real, qvecs = pipeline_part(Path(args.data))
    kinds = tuple(args.vectors.split(","))
    if not args.pipeline_only:
        if real is None and "real" in kinds and Path(args.data).is_dir():
            real, qvecs = squad_vectors(Path(args.data))
            print(f"\nreal+noise base: {len(real):,} SQuAD paragraph and sentence vectors; queries: 200 SQuAD questions")
        print("\nIndex part (synthetic vectors, see the module docstring), dim 384:\n")
        index_part(sizes, real, qvecs, args.hnsw_budget, kinds, tuple(args.types.split(",")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
