"""Index types (qa/ann.py): flat, HNSW and IVF-PQ built through build_index, loaded, searched, and
approximate indexes measured against exact search on clustered unit vectors."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.ann import AnnParams, AnnSettingsError, create_index, resolve_type
from qa.build import build_index
from qa.engine import Engine
from qa.index import IndexVersion
from tests.conftest import CORPUS, make_settings
from tests.fakes import HashingEmbedder


def clustered(n: int, dim: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around 200 centres (as real embeddings cluster by topic)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((200, dim)).astype(np.float32)
    x = centres[rng.integers(0, 200, n)] + 0.35 * rng.standard_normal((n, dim)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def recall_at_10(index: object, base: np.ndarray, queries: np.ndarray) -> float:
    exact = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    _, found = index.search(queries, 10)  # type: ignore[attr-defined]
    return float(np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact, found, strict=True)]))


def test_auto_chooses_by_chunk_count() -> None:
    p = AnnParams(hnsw_min_chunks=1000, ivfpq_min_chunks=5000)
    assert [resolve_type("auto", n, p) for n in (999, 1000, 4999, 5000)] == ["flat", "hnsw", "hnsw", "ivfpq"]
    assert resolve_type("ivfpq", 100, p) == "flat"  # too few vectors to train PQ centroids
    assert resolve_type("auto", 100, AnnParams(ivfpq_min_chunks=1)) == "flat"  # the same through auto
    with pytest.raises(AnnSettingsError):
        resolve_type("annoy", 10, p)


@pytest.mark.parametrize("kind", ["ivfpq", "auto"])
def test_a_pq_size_faiss_cannot_use_stops_the_build_before_embedding(tmp_path: Path, kind: str) -> None:
    embedder = HashingEmbedder(dim=64)
    with pytest.raises(AnnSettingsError, match=r"QA_PQ_M=7 does not divide the embedding dimension 64; use one of 8, 16"):
        build_index(CORPUS, tmp_path / "index", embedder, index_type=kind, ann=AnnParams(pq_m=7))
    assert embedder.calls == [] and not (tmp_path / "index").exists()
    build_index(CORPUS, tmp_path / "index", embedder, ann=AnnParams(pq_m=7))  # flat never uses it
    assert embedder.calls


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_approximate_index_recall_against_exact(kind: str) -> None:
    import faiss

    base = clustered(6_000, 64)
    queries = clustered(200, 64, seed=1)
    index, meta = create_index(base, kind, AnnParams(pq_m=16))
    assert meta["type"] == kind
    # Written and read back as a version would be: the search parameters come from the manifest entry.
    loaded = faiss.deserialize_index(faiss.serialize_index(index))
    from qa.ann import apply_search_params

    apply_search_params(loaded, meta)
    assert recall_at_10(loaded, base, queries) >= 0.95
    # Retrieval scores BM25-only candidates by reconstructing their vectors: that must keep working.
    rec = loaded.reconstruct_batch(np.array([3, 17], dtype=np.int64))
    assert np.allclose(np.sum(rec * base[[3, 17]], axis=1), 1.0, atol=0.05)


def test_ivfpq_index_is_a_quarter_of_flat() -> None:
    import faiss

    base = clustered(6_000, 64)
    flat, _ = create_index(base, "flat", AnnParams())
    ivfpq, _ = create_index(base, "ivfpq", AnnParams(pq_m=16))
    assert len(faiss.serialize_index(ivfpq)) < 0.45 * len(faiss.serialize_index(flat))


def _big_corpus(root: Path, n: int = 300) -> Path:
    """Seed articles plus ``n`` small generated notes, so IVF-PQ has enough chunks to train."""
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    vocab = [f"w{i}" for i in range(400)]
    rnd = random.Random(0)
    for i in range(n):
        text = "\n\n".join(" ".join(rnd.choices(vocab, k=12)) + "." for _ in range(2))
        (corpus / f"note-{i:03d}.md").write_text(f"---\ntitle: Note {i}\n---\n{text}\n", encoding="utf-8")
    return corpus


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_build_load_and_ask_with_an_approximate_index(tmp_path: Path, kind: str) -> None:
    corpus = _big_corpus(tmp_path)
    settings = make_settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "var",
                             index_type=kind, pq_m=16, ivf_nprobe=8, hnsw_ef_search=64,
                             abstain_threshold=0.0)  # the hashing fake is not calibrated: mechanics only
    engine = Engine(settings, HashingEmbedder())
    report = engine.rebuild()
    assert report.chunks_total > 300
    version = IndexVersion.load(tmp_path / "index")
    assert version.manifest["index_type"] == kind
    import faiss

    top = faiss.downcast_index(version.faiss)
    if kind == "hnsw":
        assert top.hnsw.efSearch == 64
    else:
        assert faiss.extract_index_ivf(top).nprobe == 8
    answer = engine.ask("Is FastAPI faster than Flask?")
    assert answer.citations and not answer.abstained
    # A generated note is found by its own words through the approximate index.
    chunks = engine.retrieve_chunks("w1 w2 w3", k=5, mode="dense")
    assert chunks and chunks[0][0].startswith("note-")


def test_default_build_stays_flat(tmp_path: Path) -> None:
    build_index(CORPUS, tmp_path / "index", HashingEmbedder())
    version = IndexVersion.load(tmp_path / "index")
    assert version.manifest["index_type"] == "flat"
    assert version.manifest["ann"]["type"] == "flat"
