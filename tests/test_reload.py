"""Hot reload: a serving engine swaps in new index versions in the background; requests never wait for a
load, never fail because of one, and keep the snapshot they started with."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from qa.build import build_index
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.errors import IndexCorruptError
from qa.layout import live_version_dir
from qa.reload import Reloader
from tests.conftest import CORPUS, LITESTAR_PAGE, make_settings
from tests.fakes import HashingEmbedder
from tests.servers import child_env, wait_until

DELETED = "codesea-fastapi-vs-flask"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.fixture
def engine(tmp_path: Path, corpus: Path) -> Iterator[Engine]:
    """An engine over a hashing-embedder index of the corpus copy, serving (first version loaded)."""
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    eng = Engine(make_settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "var"),
                 HashingEmbedder())
    eng.load()
    yield eng
    eng.stop_reloader()


def rebuild_without(corpus: Path, index: Path, doc_id: str = DELETED) -> str:
    (corpus / f"{doc_id}.md").unlink()
    return build_index(corpus, index, HashingEmbedder()).version


def test_requests_do_not_load_a_new_version_the_reloader_does(engine: Engine, corpus: Path) -> None:
    first = engine.loaded_version
    new = rebuild_without(corpus, engine.settings.index_dir)
    # A request after the build still gets the loaded snapshot: it never loads on its own.
    assert engine.snapshot().name == first
    engine.ask("Is FastAPI faster than Flask?")
    assert engine.loaded_version == first
    reloader = Reloader(engine.settings.index_dir, lambda: engine.snapshot().version.path, engine.load)
    assert reloader.check() is True
    assert engine.loaded_version == new
    assert DELETED not in engine.snapshot().version.docs
    assert reloader.check() is False  # nothing new


def test_reloader_thread_swaps_in_each_new_version(engine: Engine, corpus: Path) -> None:
    engine.start_reloader(interval=0.05)
    v2 = rebuild_without(corpus, engine.settings.index_dir)
    assert wait_until(lambda: engine.loaded_version == v2)
    v3 = rebuild_without(corpus, engine.settings.index_dir, "geekflare-fastapi-vs-flask")
    assert wait_until(lambda: engine.loaded_version == v3)
    # The reloader thread counts a swap just after making it: wait for the count, as for the version.
    assert wait_until(lambda: engine.status().reloader.reloads == 2)
    status = engine.status()
    assert status.reloader.running and status.reloader.reloads == 2
    assert status.loaded_version == status.live_version == v3
    engine.stop_reloader()
    assert not engine.status().reloader.running


def test_a_request_keeps_the_snapshot_it_started_with(engine: Engine, corpus: Path) -> None:
    """Even after two more builds have pruned its files from disk, an old snapshot still answers searches."""
    held = engine.snapshot()
    old_dir = held.version.path
    index = engine.settings.index_dir
    rebuild_without(corpus, index)
    engine.load()
    build_index(corpus, index, HashingEmbedder())
    engine.load()
    assert not old_dir.exists()  # pruned: neither live nor previous
    assert engine.snapshot() is not held
    assert DELETED in held.version.docs and DELETED not in engine.snapshot().version.docs
    qvec = HashingEmbedder().embed(["fastapi stars python language components"])[0]
    _, ids = held.version.faiss.search(qvec.reshape(1, -1), 5)
    assert (ids[0] >= 0).all()
    assert held.version.lexical.scores(["stars"]).shape == (len(held.version.chunks),)
    assert any(held.version.chunks[i].doc_id == DELETED for i in ids[0])


def test_a_version_that_fails_to_load_is_logged_once_and_the_old_one_kept(
    engine: Engine, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = engine.loaded_version
    index = engine.settings.index_dir
    rebuild_without(corpus, index)
    bad = live_version_dir(index)
    assert bad is not None
    (bad / "unit_vecs.npy").write_bytes(b"truncated")
    reloader = Reloader(index, lambda: engine.snapshot().version.path, engine.load)
    with caplog.at_level(logging.ERROR, logger="qa.reload"):
        assert reloader.check() is False
        assert reloader.check() is False  # not retried, not logged again
    assert engine.loaded_version == first
    assert reloader.last_error is not None and "qa index build" in reloader.last_error
    assert len([r for r in caplog.records if r.name == "qa.reload"]) == 1
    assert engine.ask("Is FastAPI faster than Flask?").answer
    repaired = build_index(corpus, index, HashingEmbedder())  # the next build repairs it
    assert reloader.check() is True
    assert engine.loaded_version == repaired.version and reloader.last_error is None


def test_engine_rebuild_serves_the_new_version_when_it_returns(engine: Engine, corpus: Path) -> None:
    (corpus / f"{DELETED}.md").unlink()
    report = engine.rebuild()
    assert engine.loaded_version == report.version
    assert DELETED not in engine.snapshot().version.docs


@pytest.mark.slow
def test_concurrent_asks_during_a_rebuild_never_fail(
    tmp_path: Path, seed_index: Path, embedder: OnnxEmbedder
) -> None:
    """Threads keep asking (real model) while another build makes a new version live: zero failures, and
    afterwards the new version's text is what gets cited."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(seed_index, index)
    # Three questions at once (the default is one at a time): the swap must be safe under truly concurrent asks.
    engine = Engine(make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp_path / "var", ask_concurrency=3),
                    embedder)
    engine.warm_up()
    engine.start_reloader(interval=0.1)
    first = engine.loaded_version
    questions = ["Where does the creator of FastAPI live?", "Is FastAPI faster than Flask?",
                 "Does Flask support async views?", "Flask vs FastAPI for a beginner?"]
    failures: list[BaseException] = []
    seen: list[set[str]] = [set() for _ in range(3)]
    done = threading.Event()

    def asker(i: int) -> None:
        for n in range(400):  # bounded
            if done.is_set():
                return
            try:
                answer = engine.ask(questions[(i + n) % len(questions)])
                assert answer.answer
                seen[i].add(engine.loaded_version or "")
            except BaseException as exc:  # every failure counts
                failures.append(exc)

    threads = [threading.Thread(target=asker, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    try:
        assert wait_until(lambda: all(first in s for s in seen))  # every thread answered from the old version
        text = (corpus / "flask-vs-fastapi-2026.md").read_text(encoding="utf-8")
        (corpus / "flask-vs-fastapi-2026.md").write_text(text.replace("living in Berlin", "living in Lisbon"))
        (corpus / f"{DELETED}.md").unlink()
        report = build_index(corpus, index, embedder)  # as `qa index build` in another process would
        assert wait_until(lambda: engine.loaded_version == report.version)
        assert wait_until(lambda: all(report.version in s for s in seen) or not any(t.is_alive() for t in threads))
    finally:
        done.set()
        for t in threads:
            t.join(60)
        engine.stop_reloader()
    assert failures == []
    assert all(first in s and report.version in s for s in seen)
    answer = engine.ask("Where does the creator of FastAPI live?")
    assert "Lisbon" in answer.answer and "Berlin" not in answer.answer
    assert all(c.doc_id != DELETED for c in answer.citations)


def test_reloader_survives_an_unexpected_error(tmp_path: Path) -> None:
    calls: list[int] = []
    (tmp_path / "versions" / "v1").mkdir(parents=True)
    (tmp_path / "CURRENT").write_text("v1\n")

    def load() -> None:
        calls.append(1)
        raise RuntimeError("boom")

    reloader = Reloader(tmp_path, lambda: None, load, interval=0.01)
    reloader.start()
    try:
        assert wait_until(lambda: reloader.last_error is not None)
        assert reloader.running
        assert "boom" in (reloader.last_error or "")
    finally:
        reloader.stop()
    assert len(calls) == 1  # a version that failed is not retried until CURRENT changes
    assert not reloader.running


@pytest.mark.slow
def test_qa_serve_swaps_versions_under_load_with_zero_failures(
    tmp_path: Path, seed_index: Path, embedder: OnnxEmbedder
) -> None:
    """A real `qa serve --workers 2` on 127.0.0.1: clients keep asking while one build runs outside the
    server and another through POST /index/rebuild; no request fails and both new versions get served."""
    import httpx

    from tests.servers import free_port, stop, wait_until_ready
    from tests.test_http_serve import QA

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(seed_index, index)
    env = child_env(QA_INDEX_DIR=str(index), QA_CORPUS_DIR=str(corpus), QA_DATA_DIR=str(tmp_path / "var"),
                    QA_ADMIN_TOKEN="reload-token")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen([str(QA), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                                cwd=tmp_path, env=env, stdout=fh, stderr=fh)
    failures: list[str] = []
    answered = [0]
    done = threading.Event()
    question = {"question": "Where does the creator of FastAPI live?"}

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            for _ in range(300):  # bounded
                if done.is_set():
                    return
                try:
                    r = c.post("/ask", json=question)
                    if r.status_code != 200:
                        failures.append(f"{r.status_code} {r.text[:200]}")
                    answered[0] += 1
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))

    def answers(q: dict[str, str], n: int = 12) -> list[dict[str, object]]:
        with httpx.Client(base_url=base, timeout=60) as c, ThreadPoolExecutor(n) as pool:
            return [r.json() for r in pool.map(lambda _: c.post("/ask", json=q), range(n))]

    threads = [threading.Thread(target=client) for _ in range(4)]
    try:
        wait_until_ready(base, proc, log)
        assert all("Berlin" in a["answer"] for a in answers(question))  # type: ignore[operator]
        for t in threads:
            t.start()
        # 1. A build outside the server (as `qa index build` would), picked up by every worker's reloader.
        text = (corpus / "flask-vs-fastapi-2026.md").read_text(encoding="utf-8")
        (corpus / "flask-vs-fastapi-2026.md").write_text(text.replace("living in Berlin", "living in Lisbon"))
        (corpus / f"{DELETED}.md").unlink()
        first = build_index(corpus, index, embedder)
        assert wait_until(lambda: all("Lisbon" in a["answer"] for a in answers(question)))  # type: ignore[operator]
        # 2. A build inside the server, through the admin endpoint, while the clients keep asking.
        page = LITESTAR_PAGE.read_text(encoding="utf-8")
        (corpus / "litestar.rst").write_text("---\ntitle: Litestar benchmarks\nsubjects: [Litestar]\n---\n" + page)
        with httpx.Client(base_url=base, timeout=300) as c:
            r = c.post("/index/rebuild", headers={"Authorization": "Bearer reload-token"})
        assert r.status_code == 200, r.text
        assert r.json()["documents_added"] == ["litestar"] and r.json()["previous_version"] == first.version
        litestar = {"question": "How are the Litestar benchmarks run?"}
        assert wait_until(lambda: all(any(c["doc_id"] == "litestar" for c in a["citations"])  # type: ignore[attr-defined]
                                      for a in answers(litestar)))
    finally:
        done.set()
        for t in threads:
            t.join(120)
        code = stop(proc) if proc.poll() is None else proc.returncode
    assert failures == []
    assert answered[0] > 0
    assert code == 0
    assert "Traceback" not in log.read_text(errors="replace")


def test_a_version_superseded_while_loading_is_skipped_quietly(
    engine: Engine, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two builds finish while a load is under way and prune the version being loaded: not an error; the
    next poll loads the newest version."""
    index = engine.settings.index_dir
    rebuild_without(corpus, index)
    attempts: list[int] = []

    def slow_load() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            loading = live_version_dir(index)
            build_index(corpus, index, HashingEmbedder())
            build_index(corpus, index, HashingEmbedder())
            assert loading is not None and not loading.exists()
            raise IndexCorruptError(f"live index version {loading} is missing")
        engine.load()

    reloader = Reloader(index, lambda: engine.snapshot().version.path, slow_load)
    with caplog.at_level(logging.ERROR, logger="qa.reload"):
        assert reloader.check() is False
    assert reloader.last_error is None and not [r for r in caplog.records if r.name == "qa.reload"]
    assert reloader.check() is True
    assert engine.snapshot().version.path == live_version_dir(index)
