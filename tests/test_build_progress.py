"""Issue 17: a long build shows progress on a terminal (and only there), and holds vectors a block at a time."""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import struct
import subprocess
import termios
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from integrations.cli import progress_bars_wanted
from qa.build import EMBED_BLOCK, build_index
from qa.layout import VectorWriter, live_version_dir
from tests.conftest import CORPUS
from tests.fakes import HashingEmbedder
from tests.servers import QA, child_env

BAR = re.compile(r"embedding chunks: +\d+%.*\d+/(\d+) \[\d\d:\d\d<\d\d:\d\d")


def build_with_stderr_on(tmp_path: Path, cache: Path, *, tty: bool, quiet: bool = False) -> tuple[str, Path]:
    """Run the installed ``qa index build`` with stderr on a pseudo-terminal or a pipe; returns stderr."""
    index_dir = tmp_path / ("tty" if tty else "pipe") / ("quiet" if quiet else "loud")
    args = [str(QA), "--corpus-dir", str(CORPUS), "--index-dir", str(index_dir), "index", "build",
            *(["--quiet"] if quiet else [])]
    env = child_env(QA_MODEL_CACHE_DIR=str(cache))
    if not tty:
        out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
        assert out.returncode == 0, out.stderr
        return out.stderr, index_dir
    leader, follower = os.openpty()
    # A terminal of 100 columns (a new pseudo-terminal has 0, and tqdm then draws nothing).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 300)
            assert ready, "qa index build printed nothing for 300 s"
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
        assert proc.wait(timeout=300) == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace"), index_dir


def chunk_count(index_dir: Path) -> int:
    version = live_version_dir(index_dir)
    assert version is not None
    return sum(1 for line in (version / "chunks.jsonl").read_text(encoding="utf-8").splitlines() if line)


@pytest.mark.slow
def test_a_build_on_a_terminal_shows_a_bar_with_count_and_eta_and_piped_it_does_not(
    tmp_path: Path, onnx_cache_dir: Path
) -> None:
    on_tty, index_dir = build_with_stderr_on(tmp_path, onnx_cache_dir, tty=True)
    bars = BAR.findall(on_tty)
    assert bars, on_tty
    assert int(bars[-1]) == chunk_count(index_dir)  # the total is the number of chunks embedded
    assert "embedding evidence units" in on_tty

    piped, _ = build_with_stderr_on(tmp_path, onnx_cache_dir, tty=False)
    assert "embedding" in piped  # the one-line messages stay, for logs
    assert not BAR.search(piped) and "\r" not in piped


@pytest.mark.slow
def test_quiet_silences_the_bar_on_a_terminal(tmp_path: Path, onnx_cache_dir: Path) -> None:
    out, index_dir = build_with_stderr_on(tmp_path, onnx_cache_dir, tty=True, quiet=True)
    assert not BAR.search(out) and "embedding" not in out, out
    assert chunk_count(index_dir) > 0


def test_bars_are_wanted_on_a_terminal_unless_quiet() -> None:
    leader, follower = os.openpty()
    try:
        with open(follower, "w", closefd=False) as term:
            assert progress_bars_wanted(term, quiet=False)
            assert not progress_bars_wanted(term, quiet=True)
    finally:
        os.close(leader)
        os.close(follower)
    assert not progress_bars_wanted(io.StringIO(), quiet=False)


def test_vector_writer_writes_what_np_save_writes(tmp_path: Path) -> None:
    vecs = np.random.default_rng(7).standard_normal((37, 12)).astype(np.float32)
    np.save(tmp_path / "whole.npy", vecs)
    writer = VectorWriter(tmp_path / "blocks.npy", 37, 12)
    for lo in range(0, 37, 10):
        writer.write(vecs[lo : lo + 10])
    assert np.array_equal(writer.row(21), vecs[21])
    writer.close()
    assert (tmp_path / "blocks.npy").read_bytes() == (tmp_path / "whole.npy").read_bytes()


def test_a_short_writer_is_refused(tmp_path: Path) -> None:
    writer = VectorWriter(tmp_path / "short.npy", 5, 4)
    writer.write(np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="3 of its 5 rows"):
        writer.close()


class LargestCall(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.largest = 0

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.largest = max(self.largest, len(texts))
        return super().embed(texts, show_progress=show_progress)


def test_a_build_embeds_a_block_at_a_time_and_repeats_reuse_earlier_blocks(tmp_path: Path) -> None:
    """More evidence units than a block, and a sentence that recurs blocks later: never more than a block
    of texts goes to the embedder, and the repeat gets the vector of its first occurrence."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    repeated = "Repeated sentence about routing speed in both frameworks."
    body = [repeated] + [f"Sentence number {i} says something different about request {i}." for i in range(3 * EMBED_BLOCK)]
    body.append(repeated)
    (corpus / "long.md").write_text("---\ntitle: Long\n---\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    embedder = LargestCall()
    build_index(corpus, tmp_path / "index", embedder)
    assert 0 < embedder.largest <= EMBED_BLOCK
    version = live_version_dir(tmp_path / "index")
    assert version is not None
    units = np.load(version / "unit_vecs.npy")
    assert len(units) > 3 * EMBED_BLOCK
    assert np.array_equal(units[0], units[-1])
    assert np.array_equal(units[-1], HashingEmbedder().embed([repeated])[0])
