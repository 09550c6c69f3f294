"""qa/index.py + qa/lexical.py + qa/retrieval.py mechanics: a tiny corpus, the hashing fake embedder, real
FAISS and real BM25. (Answer quality is tested with the real model in test_answering.py.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.build import build_index
from qa.chunking import embed_prefix
from qa.index import IndexVersion
from qa.query import analyse
from qa.retrieval import Candidate, fusion_features, retrieve, shipped_fusion
from qa.snapshot import Snapshot
from qa.text import content_words
from tests.fakes import HashingEmbedder

ARTICLES = {
    "zephyr-guide.md": """---
title: The Zephyr DB Guide
published: 2025-03-10
subjects: [Zephyr DB]
---

# Zephyr DB

## Write throughput

Zephyr DB sustains 48,000 writes per second on one core thanks to batched flushes.

## Replication

Zephyr DB replicates between gateways with multi-leader replication built in.

## Licensing

Zephyr DB is open source under the Apache licence.
""",
    "quokka-review.md": """---
title: A Year With Quokka DB
published: 2024-01-15
subjects: [Quokka DB]
---

# Quokka DB

## Crash safety

Quokka DB never lost a committed row across 500 power cuts.

## Pricing

Quokka DB is proprietary and sold per device.
""",
    "edge-notes.md": """---
title: Edge Storage Notes
subjects: [Zephyr DB, Quokka DB]
---

Gateways in greenhouses store sensor readings locally before syncing them upstream.

Batteries, solar panels and cellular modems are the usual power and network setup.
""",
}


@pytest.fixture(scope="module")
def hashing() -> HashingEmbedder:
    return HashingEmbedder(dim=64)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, hashing: HashingEmbedder) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, root / "index", hashing)
    return root / "index"


@pytest.fixture(scope="module")
def version(index_dir: Path, hashing: HashingEmbedder) -> IndexVersion:
    return IndexVersion.load(index_dir, model_id=hashing.model_id, dim=hashing.dim)


@pytest.fixture(scope="module")
def snap(version: IndexVersion) -> Snapshot:
    return Snapshot(version)


def chunk_text(version: IndexVersion, i: int) -> str:
    rec = version.chunks[i]
    return version.docs[rec.doc_id].text[rec.start : rec.end]


def ask(snap: Snapshot, hashing: HashingEmbedder, question: str, *, mode: str = "hybrid", top_k: int = 5) -> list[Candidate]:
    query = analyse(question, snap.catalog)
    return retrieve(snap, hashing.embed([question])[0], query, top_k=top_k, rrf_k=60, mode=mode)


# -- the index on disk ----------------------------------------------------------------------------


def test_build_then_load_counts(version: IndexVersion, hashing: HashingEmbedder) -> None:
    assert sorted(version.docs) == ["edge-notes", "quokka-review", "zephyr-guide"]
    m = version.manifest
    assert m["model_id"] == hashing.model_id and m["dim"] == hashing.dim
    assert m["counts"] == {"documents": 3, "chunks": len(version.chunks), "units": len(version.units)}
    assert sum(d["chunks"] for d in m["documents"].values()) == len(version.chunks)
    assert version.faiss.ntotal == len(version.chunks) == version.lexical.size
    assert version.unit_vecs.shape == (len(version.units), hashing.dim)
    assert len(version.unit_kinds) == len(version.unit_contexts) == len(version.units)
    # Each section of the tiny corpus is its own chunk.
    assert len(version.chunks) == 6
    for doc_id, doc in version.docs.items():
        assert m["documents"][doc_id]["hash"] == doc.content_hash


def test_units_belong_to_their_chunk_and_are_verbatim(version: IndexVersion) -> None:
    lo = 0
    for i, rec in enumerate(version.chunks):
        assert rec.unit_lo == lo and rec.unit_hi > rec.unit_lo
        lo = rec.unit_hi
        for u in range(rec.unit_lo, rec.unit_hi):
            ci, start, end = (int(x) for x in version.units[u])
            assert ci == i
            assert rec.start <= start < end <= rec.end
    assert lo == len(version.units)


def test_faiss_row_i_is_chunk_i(version: IndexVersion, hashing: HashingEmbedder) -> None:
    for i, rec in enumerate(version.chunks):
        doc = version.docs[rec.doc_id]
        expected = hashing.embed([embed_prefix(doc.title, rec.section) + chunk_text(version, i)])[0]
        stored = version.faiss.reconstruct(i)
        assert np.allclose(stored, expected, atol=1e-6), i
        assert abs(float(np.linalg.norm(stored)) - 1.0) < 1e-5
        # Searching with a chunk's own vector finds that chunk first.
        _, ids = version.faiss.search(expected.reshape(1, -1), 1)
        assert int(ids[0][0]) == i


def test_bm25_row_i_is_chunk_i(version: IndexVersion) -> None:
    # Words that occur in exactly one chunk score that chunk's row and no other.
    texts = [set(content_words(chunk_text(version, i))) for i in range(len(version.chunks))]
    checked = 0
    for i, words in enumerate(texts):
        unique = sorted(w for w in words if all(w not in other for j, other in enumerate(texts) if j != i))
        if not unique:
            continue
        scores = version.lexical.scores(unique[:2])
        assert int(np.argmax(scores)) == i
        assert all(scores[j] == 0 for j in range(len(texts)) if j != i)
        checked += 1
    assert checked >= 5
    assert not version.lexical.scores(["nonexistentword"]).any()


def test_faiss_pads_with_minus_one_when_k_exceeds_n(version: IndexVersion, hashing: HashingEmbedder) -> None:
    n = version.faiss.ntotal
    scores, ids = version.faiss.search(hashing.embed(["zephyr"]), n + 7)
    assert sorted(int(i) for i in ids[0][:n]) == list(range(n))
    assert (ids[0][n:] == -1).all()


# -- retrieval ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_retrieve_modes_return_the_right_chunk_first(snap: Snapshot, hashing: HashingEmbedder, mode: str) -> None:
    cands = ask(snap, hashing, "How many writes per second does Zephyr DB sustain?", mode=mode)
    assert cands
    best = snap.version.chunks[cands[0].chunk]
    assert best.section == ("Zephyr DB", "Write throughput")
    fused = [c.fused for c in cands]
    assert fused == sorted(fused, reverse=True)
    if mode == "bm25":
        assert all(c.lexical > 0 for c in cands)


@pytest.mark.parametrize("top_k", [1, 3, 100])
def test_fused_scores_are_reciprocal_rank_fusion(snap: Snapshot, hashing: HashingEmbedder, top_k: int) -> None:
    """Each candidate's score is the sum of 1 / (rrf_k + rank + 1) over the retrievers that rank it in their
    top_k, worked out here one chunk at a time (retrieve does it with arrays)."""
    question = "How many writes per second does Zephyr DB sustain?"  # one subject: no coverage step
    query, qvec = analyse(question, snap.catalog), hashing.embed([question])[0]
    n, rrf_k = len(snap.version.chunks), 60
    _, ids = snap.version.faiss.search(qvec.reshape(1, -1), n)
    lex = snap.version.lexical.scores(query.terms)
    expected: dict[int, float] = {}
    for ranked in ([int(c) for c in ids[0] if c >= 0], [c for c in sorted(range(n), key=lambda c: -lex[c]) if lex[c] > 0]):
        for r, c in enumerate(ranked[:top_k]):
            expected[c] = expected.get(c, 0.0) + 1 / (rrf_k + r + 1)
    cands = retrieve(snap, qvec, query, top_k=top_k, rrf_k=rrf_k)
    assert {c.chunk: c.fused for c in cands} == pytest.approx(expected)
    assert len(cands) == len(expected)


@pytest.mark.parametrize("rrf_weight", [0.0, 0.35])
def test_score_aware_fusion_blends_ranks_with_both_scores_and_the_learned_fusion_may_lead(
        snap: Snapshot, hashing: HashingEmbedder, rrf_weight: float) -> None:
    """The hybrid score: rrf_weight of the rank fusion (over its best) plus the rest of the mean of the dense
    score (min-max over the candidates) and the BM25 score (over its best); the shipped fusion model's best
    (its features worked out here from each retriever's own ranking) leads when it beats the blend's first by
    more than the model's margin."""
    question = "How many writes per second does Zephyr DB sustain?"
    query, qvec = analyse(question, snap.catalog), hashing.embed([question])[0]
    n, top_k = len(snap.version.chunks), 3
    _, ids = snap.version.faiss.search(qvec.reshape(1, -1), n)
    lex_all = snap.version.lexical.scores(query.terms)
    dense_rank = {int(c): r for r, c in enumerate(c for c in ids[0] if c >= 0)}
    lex_rank = {c: r for r, c in enumerate(c for c in sorted(range(n), key=lambda c: -lex_all[c]) if lex_all[c] > 0)}
    ranks = {c.chunk: c.fused for c in retrieve(snap, qvec, query, top_k=top_k, rrf_k=60)}
    cands = retrieve(snap, qvec, query, top_k=top_k, rrf_k=60, rrf_weight=rrf_weight)
    assert {c.chunk for c in cands} == set(ranks)
    dense = {c.chunk: c.dense for c in cands}
    lex = {c.chunk: c.lexical for c in cands}
    lo, hi, top_lex, top_rrf = min(dense.values()), max(dense.values()), max(lex.values()), max(ranks.values())
    blend = {c: rrf_weight * ranks[c] / top_rrf + (1 - rrf_weight) * ((dense[c] - lo) / (hi - lo) + lex[c] / top_lex) / 2
             for c in ranks}
    x = fusion_features(np.array([c.dense for c in cands]), np.array([c.lexical for c in cands]),
                        np.array([dense_rank.get(c.chunk, 10**6) for c in cands]),
                        np.array([lex_rank.get(c.chunk, 10**6) for c in cands]), top_k,
                        snap.ask_cos(np.array([c.chunk for c in cands]), qvec), snap.chunk_asks[[c.chunk for c in cands]])
    learned = dict(zip((c.chunk for c in cands), shipped_fusion().model.score(x), strict=True))
    best, first = max(learned, key=learned.get), max(blend, key=blend.get)
    lead = best if learned[best] - learned[first] > shipped_fusion().lead_margin else first
    assert cands[0].chunk == lead
    assert cands[0].fused == pytest.approx(max(blend.values()))
    for c in cands[1:]:
        assert c.fused == pytest.approx(blend[c.chunk])
    assert [c.fused for c in cands] == sorted((c.fused for c in cands), reverse=True)


def test_candidate_scores_are_real(snap: Snapshot, hashing: HashingEmbedder) -> None:
    question = "Did Quokka DB lose a committed row in power cuts?"
    qvec = hashing.embed([question])[0]
    cands = retrieve(snap, qvec, analyse(question, snap.catalog), top_k=5, rrf_k=60)
    lex = snap.version.lexical.scores(analyse(question, snap.catalog).terms)
    for c in cands:
        assert c.dense == pytest.approx(float(snap.version.faiss.reconstruct(c.chunk) @ qvec), abs=1e-5)
        assert c.lexical == pytest.approx(float(lex[c.chunk]))
    assert snap.version.chunks[cands[0].chunk].section == ("Quokka DB", "Crash safety")


def test_two_subjects_get_evidence_for_each(snap: Snapshot, hashing: HashingEmbedder) -> None:
    # The words are all about Zephyr DB's chunks; with one candidate per retriever, only the subject
    # coverage step can bring Quokka DB in.
    question = "Compare Zephyr DB and Quokka DB write throughput writes per second batched flushes"
    query = analyse(question, snap.catalog)
    assert query.subjects == ("Zephyr DB", "Quokka DB")
    cands = retrieve(snap, hashing.embed([question])[0], query, top_k=1, rrf_k=60)
    for subject in query.subjects:
        mentioning = [c for c in cands if subject in snap.chunk_subjects[c.chunk]]
        assert mentioning, subject
        assert all(subject in chunk_text(snap.version, c.chunk) for c in mentioning)
    # Without a second subject there is no coverage step: the same question about one subject stays narrow.
    one = analyse("Zephyr DB write throughput writes per second batched flushes", snap.catalog)
    narrow = retrieve(snap, hashing.embed([one.text])[0], one, top_k=1, rrf_k=60)
    assert not any("Quokka DB" in snap.chunk_subjects[c.chunk] for c in narrow)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize("top_k", [1, 6, 100])
def test_no_bogus_candidates_when_k_exceeds_n(snap: Snapshot, hashing: HashingEmbedder, mode: str, top_k: int) -> None:
    n = len(snap.version.chunks)
    for question in ("Compare Zephyr DB and Quokka DB", "gateways greenhouses solar", "zzz unknown words"):
        cands = ask(snap, hashing, question, mode=mode, top_k=top_k)
        chunks = [c.chunk for c in cands]
        assert all(0 <= c < n for c in chunks)  # a FAISS -1 would silently index the last chunk
        assert len(chunks) == len(set(chunks)) <= n
        assert all(np.isfinite([c.fused, c.dense, c.lexical]).all() for c in cands)


def test_one_chunk_corpus(tmp_path: Path, hashing: HashingEmbedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "only.txt").write_text("Only article\n\nQuokka DB is sold per device.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index", hashing)
    snap = Snapshot(IndexVersion.load(tmp_path / "index"))
    assert len(snap.version.chunks) == 1
    for mode in ("hybrid", "dense", "bm25"):
        cands = ask(snap, hashing, "Is Quokka DB sold per device?", mode=mode, top_k=30)
        assert [c.chunk for c in cands] == [0]


def test_snapshot_derives_subjects_and_freshness(snap: Snapshot) -> None:
    assert sorted(snap.catalog.names) == ["Quokka DB", "Zephyr DB"]
    fresh = dict(zip(snap.doc_order, snap.freshness, strict=True))
    assert fresh["zephyr-guide"] == 1.0  # newest
    assert 0 < fresh["quokka-review"] < 1.0
    assert fresh["edge-notes"] == 0.0  # undated
