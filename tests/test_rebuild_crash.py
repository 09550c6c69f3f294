"""A build killed with SIGKILL at any point leaves the live index loadable and answering, and the next build
succeeds and leaves no debris. Real child processes, real signals."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.build import build_index
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.index import IndexVersion
from qa.layout import CURRENT, VERSIONS, live_version_dir
from tests.conftest import CORPUS, ROOT, make_settings
from tests.fakes import HashingEmbedder
from tests.servers import QA, child_env

# A build in a child process that SIGKILLs itself when its progress reaches the given message.
CHILD = """
import os, signal, sys
from pathlib import Path
from qa.build import build_index
from tests.fakes import HashingEmbedder

corpus, index, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
print("started", flush=True)

def progress(msg):
    print(msg, flush=True)
    if kill_at and msg.startswith(kill_at):
        os.kill(os.getpid(), signal.SIGKILL)

build_index(corpus, index, HashingEmbedder(), progress=progress)
print("finished", flush=True)
"""

# Every step of the write path, in order (see qa/layout.py): before/after each irreversible step.
KILL_POINTS = [
    "reading",  # lock taken, debris removed
    "chunking",
    "embedding",
    "writing index version",  # during the temporary directory
    "making version",  # renamed into versions/, CURRENT not yet replaced
    "version",  # CURRENT replaced, old versions not yet pruned
    "removing old version",  # pruning
]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus copy and an index with a live and a previous version; then one article edited."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    build_index(corpus, index, HashingEmbedder())
    build_index(corpus, index, HashingEmbedder())
    edit_article(corpus, "Berlin", "Lisbon")
    return corpus, index


def edit_article(corpus: Path, old: str, new: str) -> None:
    path = corpus / "flask-vs-fastapi-2026.md"
    path.write_text(path.read_text(encoding="utf-8").replace(f"living in {old}", f"living in {new}"), encoding="utf-8")


def assert_serves(tmp_path: Path, corpus: Path, index: Path) -> None:
    """The live version loads (checksums and all) and an engine answers from it."""
    IndexVersion.load(index, model_id=HashingEmbedder().model_id, dim=64)
    engine = Engine(make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "var"), HashingEmbedder())
    answer = engine.ask("Where does the creator of FastAPI live?")
    assert answer.answer and not answer.abstained


def assert_next_build_is_clean(tmp_path: Path, corpus: Path, index: Path) -> None:
    report = build_index(corpus, index, HashingEmbedder(), lock_wait=0)  # the killed build left no lock behind
    assert (index / CURRENT).read_text().strip() == report.version
    names = sorted(p.name for p in (index / VERSIONS).iterdir())
    assert report.version in names and len(names) == 2, names  # the new one and its previous: no debris
    assert not (index / ".CURRENT.tmp").exists()
    assert_serves(tmp_path, corpus, index)


@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_sigkill_at_each_step_leaves_a_working_index(tmp_path: Path, setup: tuple[Path, Path], kill_at: str) -> None:
    corpus, index = setup
    before = live_version_dir(index)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(index), kill_at], cwd=ROOT,
                          env=child_env(PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "finished" not in proc.stdout
    assert any(line.startswith(kill_at) for line in proc.stdout.splitlines())
    after = live_version_dir(index)
    if KILL_POINTS.index(kill_at) <= KILL_POINTS.index("making version"):
        assert after == before  # killed before the atomic replace: the old version is still live
    else:
        assert after != before  # killed after it: the new version is live and complete
    assert_serves(tmp_path, corpus, index)
    assert_next_build_is_clean(tmp_path, corpus, index)


def test_sigkill_after_random_delays(tmp_path: Path, setup: tuple[Path, Path]) -> None:
    corpus, index = setup
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    span = 0.0
    for i in range(5):  # bounded; the first run is not killed: it measures how long a build takes here
        edit_article(corpus, "Lisbon" if i % 2 == 0 else "Porto", "Porto" if i % 2 == 0 else "Lisbon")
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), str(index), ""], cwd=ROOT,
                                env=child_env(PYTHONPATH=str(ROOT)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
        t0 = time.monotonic()
        if i:
            time.sleep(rng.uniform(0, span * 1.1))
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        if not i:
            span = time.monotonic() - t0
        assert proc.returncode in (-signal.SIGKILL, 0), (seed, err)
        assert_serves(tmp_path, corpus, index)
    assert_next_build_is_clean(tmp_path, corpus, index)


@pytest.mark.slow
def test_sigkill_of_qa_index_build_keeps_the_old_answers(
    tmp_path: Path, seed_index: Path, embedder: OnnxEmbedder
) -> None:
    """The real command with the real model, killed while it embeds the edited article."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(seed_index, index)
    edit_article(corpus, "Berlin", "Lisbon")
    before = live_version_dir(index)
    proc = subprocess.Popen([str(QA), "--corpus-dir", str(corpus), "--index-dir", str(index), "index", "build"],
                            cwd=tmp_path, env=child_env(PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:  # progress goes to stderr
        lines.append(line)
        if line.startswith("embedding"):
            proc.send_signal(signal.SIGKILL)
            break
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, lines
    assert live_version_dir(index) == before

    settings = make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "var")
    old = Engine(settings, embedder).ask("Where does the creator of FastAPI live?")
    assert "Berlin" in old.answer

    report = build_index(corpus, index, embedder, lock_wait=0)
    assert report.documents_changed == ["flask-vs-fastapi-2026"] and not report.full
    new = Engine(settings, embedder).ask("Where does the creator of FastAPI live?")
    assert "Lisbon" in new.answer and "Berlin" not in new.answer
