"""Embedders: ONNX Runtime fp32 against torch (same vectors, same rankings, interchangeable indexes), ONNX int8
(the default: close to torch, the same vector for a text whatever it is embedded with), the export cache
(reused, repaired when corrupt), and the backend setting. Real model throughout."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydantic
import pytest

from qa.build import build_index
from qa.chunking import embed_prefix
from qa.embedding import (
    OnnxEmbedder,
    OnnxSession,
    SentenceTransformerEmbedder,
    create_embedder,
    default_model_path,
    usable_cores,
)
from qa.embedding.export import MODEL_FILE, ModelExportError
from qa.engine import Engine
from qa.evaluation import default_questions_path, load_cases
from qa.index import IndexVersion
from qa.settings import Settings
from tests.conftest import CORPUS, ROOT, make_settings
from tests.fakes import HashingEmbedder
from tests.servers import child_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chunk_texts(engine: Engine) -> list[str]:
    """The seed index's chunks, as the build embedded them (title and section path first)."""
    version = engine.snapshot().version
    return [embed_prefix(version.docs[c.doc_id].title, c.section) + version.docs[c.doc_id].text[c.start : c.end]
            for c in version.chunks]


@pytest.fixture(scope="module")
def questions() -> list[str]:
    """The evaluation set's first part: the robustness part's typos and other languages are not what the
    agreement between backends is measured on (docs/benchmarks.md)."""
    return [c.question for c in load_cases(default_questions_path()) if not c.id.startswith("rob-")]


def test_onnx_vectors_are_unit_length_float32(onnx_embedder: OnnxEmbedder, chunk_texts: list[str]) -> None:
    vecs = onnx_embedder.embed(chunk_texts[:20])
    assert vecs.shape == (20, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert onnx_embedder.embed([]).shape == (0, 384)


@pytest.fixture(scope="module")
def torch_engine(torch_embedder: SentenceTransformerEmbedder, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The seed corpus indexed once with the torch backend: the reference vectors of this module."""
    tmp = tmp_path_factory.mktemp("torch-index")
    eng = Engine(make_settings(corpus_dir=CORPUS, index_dir=tmp / "index", data_dir=tmp / "var"), torch_embedder)
    eng.rebuild()
    return eng


@pytest.fixture(scope="module")
def torch_chunks(torch_engine: Engine, chunk_texts: list[str]) -> np.ndarray:
    """torch's vectors of ``chunk_texts`` (the chunker is deterministic: the same chunks, in the same order)."""
    index = torch_engine.snapshot().version.faiss
    assert index.ntotal == len(chunk_texts)
    return index.reconstruct_n(0, index.ntotal)


def test_onnx_matches_torch_on_real_texts(
    onnx_embedder: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder, torch_chunks: np.ndarray,
    chunk_texts: list[str], questions: list[str]
) -> None:
    # Chunks in padded batches of mixed lengths, questions alone and batched.
    assert np.abs(onnx_embedder.embed(chunk_texts) - torch_chunks).max() < 1e-4
    assert np.abs(onnx_embedder.embed(questions) - torch_embedder.embed(questions)).max() < 1e-4
    for q in questions[:5]:
        assert np.abs(onnx_embedder.embed([q]) - torch_embedder.embed([q])).max() < 1e-4


def test_same_top1_chunk_as_torch_for_every_eval_question(
    onnx_embedder: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder, torch_chunks: np.ndarray,
    questions: list[str]
) -> None:
    onnx_q, torch_q = onnx_embedder.embed(questions), torch_embedder.embed(questions)
    assert ((onnx_q @ torch_chunks.T).argmax(1) == (torch_q @ torch_chunks.T).argmax(1)).all()


def test_int8_vectors_are_close_to_torch(
    embedder: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder, torch_chunks: np.ndarray,
    chunk_texts: list[str], questions: list[str]
) -> None:
    """The default backend's int8 vectors: near torch's (per-tensor int8 weights fell to cosine 0.89), and
    the right chunk still on top for most questions (README, "Speed", has the evaluation figures)."""
    assert embedder.precision == "int8"
    int8_chunks = embedder.embed(chunk_texts)
    cos = np.sum(int8_chunks * torch_chunks, axis=1)
    assert cos.min() >= 0.97 and cos.mean() >= 0.99, (cos.min(), cos.mean())
    torch_q, int8_q = torch_embedder.embed(questions), embedder.embed(questions)
    assert np.sum(torch_q * int8_q, axis=1).min() >= 0.97
    agree = (int8_q @ int8_chunks.T).argmax(1) == (torch_q @ torch_chunks.T).argmax(1)
    assert agree.mean() >= 0.8, agree.mean()


def test_int8_vector_of_a_text_does_not_depend_on_its_batch(embedder: OnnxEmbedder, chunk_texts: list[str]) -> None:
    """int8 activations take one scale per tensor: in a padded batch, a text's vector would move with its
    neighbours, and an incremental build (vectors reused by text) would differ from a full one."""
    texts = chunk_texts[:12]
    together = embedder.embed(texts)  # many texts: the parallel one-thread runs of a build
    alone = np.vstack([embedder.embed([t]) for t in texts])  # one text: the question path
    assert float(np.abs(together - alone).max()) < 1e-5
    assert float(np.abs(embedder.embed(texts[::-1])[::-1] - together).max()) < 1e-5


def test_count_tokens_is_the_same_tokenizer(onnx_embedder: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder,
                                            chunk_texts: list[str]) -> None:
    assert onnx_embedder.model_id == torch_embedder.model_id
    assert onnx_embedder.count_tokens(chunk_texts) == torch_embedder.count_tokens(chunk_texts)


def test_index_built_with_either_fp32_backend_serves_with_the_other(
    onnx_embedder: OnnxEmbedder, torch_embedder: SentenceTransformerEmbedder, torch_engine: Engine, tmp_path: Path
) -> None:
    # The torch-built index answers through ONNX fp32 as through torch: the same answer and quotes; the scores
    # agree but for the last bits of the two runtimes' float sums (0.6249 and 0.6248, rounded).
    onnx_engine = Engine(torch_engine.settings, onnx_embedder)
    for case in load_cases(default_questions_path())[:12]:
        if not case.history:
            got, want = onnx_engine.ask(case.question).to_dict(), torch_engine.ask(case.question).to_dict()
            assert got["answer"] == want["answer"]
            assert [{**c, "score": None} for c in got["citations"]] == [{**c, "score": None} for c in want["citations"]]
            assert [c["score"] for c in got["citations"]] == pytest.approx([c["score"] for c in want["citations"]], abs=1e-3)
    assert onnx_engine.status().settings_changes == []
    # An ONNX-built index has the same model id, precision and vectors, so torch serves it too.
    build_index(CORPUS, tmp_path / "onnx-index", onnx_embedder)
    built = IndexVersion.load(tmp_path / "onnx-index", model_id=torch_embedder.model_id, dim=384)
    ref = torch_engine.snapshot().version
    assert built.manifest["precision"] == ref.manifest["precision"] == "fp32"
    assert np.abs(built.faiss.reconstruct_n(0, built.faiss.ntotal) - ref.faiss.reconstruct_n(0, ref.faiss.ntotal)).max() < 1e-4
    assert np.abs(built.unit_vecs - ref.unit_vecs).max() < 1e-4


def test_switching_to_or_from_int8_makes_the_index_stale(engine: Engine, onnx_embedder: OnnxEmbedder,
                                                        seed_settings: Settings) -> None:
    assert engine.snapshot().version.manifest["precision"] == "int8"  # the seed index: the default backend
    assert engine.status().settings_changes == []
    fp32 = Engine(seed_settings, onnx_embedder)
    assert fp32.status().settings_changes == ["embedding precision changed ('int8' -> 'fp32')"]
    assert not fp32.ask("Does Flask support async views?").abstained  # it still serves meanwhile


def test_torch_single_question_path_gives_encodes_vectors(torch_embedder: SentenceTransformerEmbedder,
                                                          questions: list[str]) -> None:
    """One text skips encode(); its vector is still encode()'s (truncation at 256 word pieces included)."""
    texts = [*questions[:40], "word " * 400]
    ref = torch_embedder.load().encode(texts, batch_size=1, normalize_embeddings=True, convert_to_numpy=True)
    one = np.vstack([torch_embedder.embed([t]) for t in texts])
    assert one.dtype == np.float32 and one.shape == ref.shape
    assert float(np.abs(one - ref).max()) < 1e-5


def test_exported_graphs_are_fused(onnx_embedder: OnnxEmbedder, embedder: OnnxEmbedder) -> None:
    """One Attention op per BERT layer (ONNX Runtime's fusions), not the traced MatMul/Softmax pattern; in the
    int8 graph it is the quantized QAttention, and every other matrix product takes int8 weights. The residual
    Add + LayerNormalization pairs stay unfused (the fused CPU kernel is the slower), also once loaded."""
    import onnx

    assert onnx_embedder.model_file is not None and embedder.model_file is not None
    ops = [n.op_type for n in onnx.load(str(onnx_embedder.model_file)).graph.node]
    assert ops.count("Attention") == 6 and "Softmax" not in ops
    int8_ops = [n.op_type for n in onnx.load(str(embedder.model_file)).graph.node]
    assert int8_ops.count("QAttention") == 6 and int8_ops.count("MatMulInteger") == 18
    assert "MatMul" not in int8_ops and "Softmax" not in int8_ops
    for graph in (ops, int8_ops):
        assert graph.count("LayerNormalization") == 12 and "SkipLayerNormalization" not in graph


def test_loaded_sessions_keep_layer_norm_unfused(embedder: OnnxEmbedder, tmp_path: Path) -> None:
    """What ONNX Runtime runs, from its own profile: no SkipLayerNormalization kernel."""
    session = embedder.load()
    profiled = OnnxSession(session.model_file, default_model_path(), threads=1, profile_dir=tmp_path)
    profiled.embed(["Does Flask support async views?"])
    ran = {e["args"]["op_name"] for e in json.loads(Path(profiled.session.end_profiling()).read_text())
           if e.get("cat") == "Node" and "op_name" in e.get("args", {})}
    assert {"QAttention", "LayerNormalization", "DynamicQuantizeMatMul"} <= ran
    assert "SkipLayerNormalization" not in ran


def test_export_is_cached_and_reused(onnx_embedder: OnnxEmbedder, embedder: OnnxEmbedder, onnx_cache_dir: Path) -> None:
    assert onnx_embedder.model_file is not None
    before = onnx_embedder.model_file.stat().st_mtime_ns
    again = OnnxEmbedder(cache_dir=onnx_cache_dir)
    again.load()
    assert not again.exported
    assert again.model_file == onnx_embedder.model_file
    assert again.model_file.stat().st_mtime_ns == before
    assert embedder.model_file is not None
    entries = sorted(p.name for p in onnx_cache_dir.iterdir() if not p.name.startswith("."))
    assert entries == sorted([again.model_file.parent.name, embedder.model_file.parent.name])  # one per precision


def test_corrupt_cached_model_is_detected_and_exported_again(
    onnx_embedder: OnnxEmbedder, onnx_cache_dir: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "models"
    shutil.copytree(onnx_cache_dir, cache)
    assert onnx_embedder.model_file is not None
    model = cache / onnx_embedder.model_file.parent.name / MODEL_FILE
    size = model.stat().st_size
    with model.open("r+b") as fh:  # flipped bytes in the weights, same size: only the checksum sees it
        fh.seek(size // 2)
        fh.write(b"\xff" * 64)
    repaired = OnnxEmbedder(cache_dir=cache)
    text = "Which framework has built-in data validation?"
    assert np.abs(repaired.embed([text]) - onnx_embedder.embed([text])).max() < 1e-5
    assert repaired.exported
    assert model.stat().st_size == size and json.loads((model.parent / "meta.json").read_text())["size"] == size


def test_unwritable_cache_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    e = OnnxEmbedder(cache_dir=tmp_path / "a-file" / "models")
    with pytest.raises(ModelExportError, match="QA_MODEL_CACHE_DIR.*QA_EMBEDDING_BACKEND=torch"):
        e.embed(["x"])


def test_query_path_does_not_import_torch(embedder: OnnxEmbedder, onnx_cache_dir: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from qa.embedding import OnnxEmbedder\n"
        f"e = OnnxEmbedder(cache_dir=Path({str(onnx_cache_dir)!r}), precision='int8')\n"
        "v = e.embed(['Does Flask support WebSockets?'])\n"
        "assert v.shape == (1, 384) and not e.exported\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=child_env(), capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_backend_setting_chooses_the_embedder(tmp_path: Path) -> None:
    settings = make_settings(index_dir=tmp_path / "index")
    assert settings.embedding_backend == "onnx-int8"  # the fastest backend that keeps quality
    onnx = create_embedder(settings)
    assert isinstance(onnx, OnnxEmbedder) and onnx.cache_dir == tmp_path / "index" / "models"
    assert (onnx.precision, onnx.batch_size) == ("int8", 1)
    fp32 = create_embedder(make_settings(embedding_backend="onnx"))
    assert isinstance(fp32, OnnxEmbedder) and fp32.precision == "fp32"
    assert onnx.threads == usable_cores()  # 0, the default: every core in one process
    assert isinstance(Engine(settings).embedder, OnnxEmbedder)
    torch = Engine(make_settings(embedding_backend="torch", embedding_threads=1)).embedder
    assert isinstance(torch, SentenceTransformerEmbedder) and torch.threads == 1
    assert create_embedder(make_settings(model_cache_dir=tmp_path / "elsewhere")).cache_dir == tmp_path / "elsewhere"  # type: ignore[attr-defined]
    fake = HashingEmbedder()
    assert Engine(settings, embedder=fake).embedder is fake
    with pytest.raises(pydantic.ValidationError):
        make_settings(embedding_backend="onnx-fp16")
