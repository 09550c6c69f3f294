"""Issue 17: a build's memory grows with the largest file and the batch, not with the corpus; and two builds of
the same corpus write the same BM25 files, whatever the hash seed."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

from bench.gen_markdown import make
from qa.build import build_index
from qa.layout import live_version_dir
from tests.conftest import CORPUS, ROOT
from tests.fakes import HashingEmbedder
from tests.servers import child_env


def generated_corpus(path: Path, files: int) -> int:
    """``files`` distinct generated articles of about 20 KB; returns the corpus's bytes."""
    path.mkdir()
    for i in range(files):
        make(path / f"gen-{i}.md", 0.02, seed=i)
    return sum(p.stat().st_size for p in path.iterdir())


def traced_peak(corpus: Path, index: Path) -> int:
    """Peak bytes of Python and numpy allocations (tracemalloc) during a build: deterministic, unlike RSS.
    FAISS's own copy of the vectors (C++) is not traced; it is the index."""
    tracemalloc.start()
    try:
        build_index(corpus, index, HashingEmbedder(dim=384))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_build_memory_does_not_grow_with_the_corpus(tmp_path: Path) -> None:
    traced_peak(CORPUS, tmp_path / "warm-up")  # first imports and caches are not the corpus's cost
    small = generated_corpus(tmp_path / "small", 6)
    large = generated_corpus(tmp_path / "large", 24)
    growth = traced_peak(tmp_path / "large", tmp_path / "index-large") - traced_peak(tmp_path / "small",
                                                                                     tmp_path / "index-small")
    # Holding every text, row and token list costs about 16 bytes a byte of corpus; streaming them, under 1.
    assert growth < 3 * (large - small), (growth, large - small)


def build_in_child(corpus: Path, index: Path, hash_seed: str) -> Path:
    code = ("import sys; from pathlib import Path; from qa.build import build_index; "
            "from tests.fakes import HashingEmbedder; build_index(Path(sys.argv[1]), Path(sys.argv[2]), HashingEmbedder())")
    subprocess.run([sys.executable, "-c", code, str(corpus), str(index)], cwd=ROOT, check=True, timeout=300,
                   env=child_env(PYTHONPATH=str(ROOT), PYTHONHASHSEED=hash_seed))
    version = live_version_dir(index)
    assert version is not None
    return version


def test_two_builds_write_the_same_bm25_files_whatever_the_hash_seed(tmp_path: Path) -> None:
    one = build_in_child(CORPUS, tmp_path / "one", "1")
    two = build_in_child(CORPUS, tmp_path / "two", "2")
    names = sorted(p.name for p in (one / "bm25").iterdir())
    assert "vocab.index.json" in names and names == sorted(p.name for p in (two / "bm25").iterdir())
    for name in names:
        assert (one / "bm25" / name).read_bytes() == (two / "bm25" / name).read_bytes(), name
