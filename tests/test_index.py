"""Integrity of index versions on disk: checksums, truncation, a bad CURRENT, model mismatch, repair."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.build import build_index
from qa.engine import Engine
from qa.errors import IndexCorruptError, IndexMismatchError, IndexNotBuiltError
from qa.index import IndexVersion
from qa.layout import CURRENT, MANIFEST, live_version_dir
from tests.conftest import CORPUS, make_settings
from tests.fakes import HashingEmbedder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.fixture
def index(tmp_path: Path, corpus: Path) -> Path:
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    return tmp_path / "index"


def live(index: Path) -> Path:
    d = live_version_dir(index)
    assert d is not None
    return d


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


BM25_FILE = "bm25/params.index.json"


@pytest.mark.parametrize("name", ["chunks.faiss", "unit_vecs.npy", "chunk_vecs.npy", "docs.jsonl", "units.jsonl",
                                  "chunks.jsonl", BM25_FILE])
@pytest.mark.parametrize("damage", [truncate, flip_byte], ids=["truncated", "flipped"])
def test_a_damaged_file_is_detected_with_advice_to_rebuild(index: Path, name: str, damage: object) -> None:
    assert (live(index) / name).is_file()
    damage(live(index) / name)  # type: ignore[operator]
    with pytest.raises(IndexCorruptError) as err:
        IndexVersion.load(index)
    message = str(err.value)
    assert name in message and "run `qa index build`" in message


def test_a_missing_file_is_detected(index: Path) -> None:
    (live(index) / "unit_vecs.npy").unlink()
    with pytest.raises(IndexCorruptError, match=r"unit_vecs\.npy is missing.*qa index build"):
        IndexVersion.load(index)


@pytest.mark.parametrize("content", ["", "{not json", '{"files": 3}'], ids=["empty", "garbage", "no-files"])
def test_a_corrupt_manifest_is_detected(index: Path, content: str) -> None:
    (live(index) / MANIFEST).write_text(content)
    with pytest.raises(IndexCorruptError, match=r"manifest .* corrupt: run `qa index build`"):
        IndexVersion.load(index)


def test_current_naming_a_missing_or_odd_version(index: Path) -> None:
    (index / CURRENT).write_text("20000101T000000-gone0000\n")
    with pytest.raises(IndexCorruptError, match="is missing: run `qa index build`"):
        IndexVersion.load(index)
    (index / CURRENT).write_text("../../etc\n")
    with pytest.raises(IndexCorruptError, match="names no index version"):
        IndexVersion.load(index)
    (index / CURRENT).unlink()
    with pytest.raises(IndexNotBuiltError, match="run `qa index build`"):
        IndexVersion.load(index)


def test_model_or_dimension_mismatch_says_to_rebuild(index: Path) -> None:
    with pytest.raises(IndexMismatchError, match=r"built with test/hashing-64, not other.*qa index build"):
        IndexVersion.load(index, model_id="other")
    with pytest.raises(IndexMismatchError, match=r"dimension 64 != 384.*qa index build"):
        IndexVersion.load(index, dim=384)


def test_the_next_build_repairs_a_corrupt_live_version(corpus: Path, index: Path) -> None:
    flip_byte(live(index) / "unit_vecs.npy")  # a file the incremental build would otherwise reuse
    report = build_index(corpus, index, HashingEmbedder())
    assert report.full and report.full_reason is not None and report.full_reason.startswith("previous index corrupt")
    assert report.units_embedded == report.units_total  # nothing copied forward from the damaged file
    IndexVersion.load(index)


def test_a_serving_engine_keeps_its_version_when_the_new_one_is_corrupt(tmp_path: Path, corpus: Path, index: Path) -> None:
    settings = make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "var")
    engine = Engine(settings, HashingEmbedder())
    engine.load()
    serving = engine.loaded_version
    (corpus / "codesea-fastapi-vs-flask.md").unlink()
    build_index(corpus, index, HashingEmbedder())
    truncate(live(index) / "chunks.faiss")

    with pytest.raises(IndexCorruptError, match="qa index build"):
        engine.load()
    assert engine.loaded_version == serving
    answer = engine.ask("Which technologies do Flask and FastAPI share?")
    assert answer.answer
    assert engine.snapshot().name == serving
    assert "codesea-fastapi-vs-flask" in engine.snapshot().version.docs  # still the old version's content


def test_line_separators_inside_texts_load(tmp_path: Path) -> None:
    """U+2028, U+0085 and friends stay raw in JSON lines (ensure_ascii=False): loading must not split there."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "odd.md").write_text("---\ntitle: Odd\n---\nA line\u2028separator, a next\x85line and "
                                   "a paragraph\u2029separator inside one sentence.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    version = IndexVersion.load(tmp_path / "index")
    assert "\u2028separator" in version.docs["odd"].text
    report = build_index(corpus, tmp_path / "index", HashingEmbedder())  # the incremental path reads them too
    assert report.documents_unchanged == ["odd"]


def test_the_next_build_repairs_a_damaged_current(corpus: Path, index: Path) -> None:
    (index / CURRENT).write_text("../../etc\n")
    report = build_index(corpus, index, HashingEmbedder())
    assert report.full and report.full_reason is not None and "names no index version" in report.full_reason
    assert IndexVersion.load(index).name == report.version
