"""``qa serve``: settings reach the worker processes, and a real server answers over HTTP."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from integrations.http.server import default_workers, settings_env
from qa.embedding import threads_per_worker
from qa.engine import Engine
from tests.conftest import CORPUS, make_settings
from tests.servers import QA, child_env, free_port, stop, wait_until_ready


def test_settings_survive_the_trip_to_a_worker_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    original = make_settings(
        corpus_dir=tmp_path / "c", index_dir=tmp_path / "i", data_dir=tmp_path / "d", admin_token="tok en",
        slack_api_url="http://127.0.0.1:1/api/", top_k=7, abstain_threshold=0.5, max_question_chars=1500,
        api_keys="a:0123456789abcdef,b.2:fedcba9876543210:x", rate_limit="5/second;100/day",
    )
    env = settings_env(original)
    assert "QA_SLACK_BOT_TOKEN" not in env  # None stays unset
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert make_settings() == original


@pytest.mark.parametrize("cores", [1, 2, 4, 16])
def test_default_workers_and_threads_fit_the_cores(cores: int) -> None:
    workers = default_workers(cores)
    assert 1 <= workers <= cores
    assert workers * threads_per_worker(workers, cores) <= cores
    assert threads_per_worker(1, cores) == cores


@dataclass
class Served:
    base: str
    proc: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path


@pytest.fixture(scope="module")
def served(seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``qa serve --workers 2`` as a real process on a free 127.0.0.1 port, over a copy of the seed index."""
    tmp = tmp_path_factory.mktemp("serve")
    index = tmp / "index"
    shutil.copytree(seed_index, index, ignore=shutil.ignore_patterns("LOCK"))
    env = child_env(QA_INDEX_DIR=str(index), QA_CORPUS_DIR=str(CORPUS), QA_DATA_DIR=str(tmp / "var"),
                    QA_ADMIN_TOKEN="e2e-token")
    port = free_port()
    out, err = tmp / "stdout.log", tmp / "stderr.log"
    with out.open("wb") as fo, err.open("wb") as fe:
        proc = subprocess.Popen(
            [str(QA), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            cwd=tmp, env=env, stdout=fo, stderr=fe,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, proc, err)
        yield Served(base, proc, out, err)
    finally:
        if proc.poll() is None:
            stop(proc)
    # Stopped here or by a test, SIGINT stops the workers gracefully: exit 0, and no worker printed a traceback
    # (a SIGKILLed and replaced worker included).
    assert proc.returncode == 0
    assert "Traceback" not in err.read_text(errors="replace")


def test_qa_serve_answers_over_http(served: Served, engine: Engine) -> None:
    r = httpx.post(f"{served.base}/ask", json={"question": "Who created Flask?"}, timeout=30)
    assert r.status_code == 200, r.text
    data = r.json()
    assert "Armin Ronacher" in data["answer"]
    docs = engine.snapshot().version.docs
    assert all(docs[c["doc_id"]].text[c["start"] : c["end"]] == c["quote"] for c in data["citations"])
    assert httpx.post(f"{served.base}/ask", json={"question": "  "}, timeout=30).status_code == 422
    assert httpx.get(f"{served.base}/", timeout=30).text.startswith("<!doctype html>")


def test_conversations_and_concurrent_requests_span_the_workers(served: Served) -> None:
    questions = ["Does FastAPI support WebSockets?", "Who created Flask?", "Flask vs FastAPI performance"] * 8
    with httpx.Client(base_url=served.base, timeout=30) as client, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda q: client.post("/ask", json={"question": q}).status_code, questions))
        assert statuses == [200] * len(questions)
        # Several conversations, each turn possibly on another worker: the store is shared (SQLite).
        for _ in range(4):
            conv = f"e2e-{uuid.uuid4().hex[:8]}"
            assert client.post("/ask", json={"question": "Does FastAPI support WebSockets?", "conversation_id": conv}).status_code == 200
            follow = client.post("/ask", json={"question": "And Flask?", "conversation_id": conv}).json()
            assert follow["resolved_question"] == "Does Flask support WebSockets?"


def test_workers_share_out_the_cores_for_the_encoder(served: Served) -> None:
    encoder = httpx.get(f"{served.base}/index", timeout=30).json()["encoder"]
    assert encoder == {"backend": "onnx-int8", "threads": threads_per_worker(2), "spin": False}


def listeners(base: str) -> int:
    """How many sockets listen on the server's port (Linux: /proc/net/tcp, state 0A)."""
    port = int(base.rsplit(":", 1)[1])
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for f in rows if f[3] == "0A" and int(f[1].split(":")[1], 16) == port)


def worker_pids(base: str, connections: int = 16) -> set[int]:
    """The workers that answer ``connections`` new connections (all on one of two: probability 2 ** -15)."""
    pids = set()
    for _ in range(connections):
        with httpx.Client(base_url=base, timeout=30) as client:  # a new connection each time
            pids.add(client.get("/index", headers={"Authorization": "Bearer e2e-token"}).json()["pid"])
    return pids


def wait_for_listeners(base: str, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while listeners(base) != count:
        assert time.monotonic() < deadline, f"{listeners(base)} sockets listen, not {count}"
        time.sleep(0.2)


def test_each_worker_listens_on_its_own_socket_and_connections_spread(served: Served) -> None:
    """SO_REUSEPORT, one socket a worker: new connections reach both workers, where one shared socket
    handed a burst of connections to whichever worker woke first."""
    wait_for_listeners(served.base, 2)  # /readyz answered when the first worker was up
    pids = worker_pids(served.base)
    assert len(pids) == 2 and served.proc.pid not in pids


def replace_a_worker(served: Served, victim: int | None = None) -> int:
    """SIGKILL one worker (``victim``, else either); the other answers meanwhile, and a new one takes its
    place. Returns the new one's pid."""
    wait_for_listeners(served.base, 2)
    before = worker_pids(served.base)
    victim = victim or min(before)
    assert victim in before
    os.kill(victim, signal.SIGKILL)
    time.sleep(0.2)  # connections already queued on the dead worker's socket are reset with it
    deadline = time.monotonic() + 60
    while True:
        assert httpx.post(f"{served.base}/ask", json={"question": "Who created Flask?"}, timeout=30).status_code == 200
        if listeners(served.base) == 2 and len(after := worker_pids(served.base)) == 2 and victim not in after:
            break
        assert time.monotonic() < deadline, "no worker replaced the dead one within 60 s"
        time.sleep(0.5)
    assert served.proc.poll() is None
    (new,) = after - before
    return new


def test_a_dead_worker_is_replaced_and_a_crash_loop_slowed(served: Served) -> None:
    first = replace_a_worker(served)
    # Its replacement dies young too (as in a crash loop): it is replaced again, after a pause.
    replace_a_worker(served, first)
    assert re.search(rf"worker {first} exited with -9; starting another in [12] s", served.stderr.read_text())


def test_rebuild_over_http_needs_the_token(served: Served) -> None:
    assert httpx.post(f"{served.base}/index/rebuild", timeout=30).status_code == 401
    r = httpx.post(f"{served.base}/index/rebuild", headers={"Authorization": "Bearer e2e-token"}, timeout=120)
    assert r.status_code == 200, r.text
    assert r.json()["documents_added"] == [] and r.json()["chunks_embedded"] == 0


def test_access_log_has_one_json_line_per_request_then_stops_cleanly(served: Served) -> None:
    marker = f"/log-probe-{uuid.uuid4().hex[:6]}"
    assert httpx.get(served.base + marker, timeout=30).status_code == 404
    assert httpx.post(f"{served.base}/ask", json={"question": "Who created Flask?"}, timeout=30).status_code == 200
    assert stop(served.proc) == 0
    lines = [json.loads(x) for x in served.stdout.read_text().splitlines() if x.startswith("{")]
    probe = [x for x in lines if x["path"] == marker]
    assert len(probe) == 1 and probe[0]["status"] == 404 and probe[0]["method"] == "GET"
    asks = [x for x in lines if x["path"] == "/ask" and x["status"] == 200]
    assert asks and all(x["qa_ms"]["total"] > 0 and x["ms"] > 0 for x in asks)


@pytest.mark.parametrize("reuse_port", [False, True], ids=["another-program", "another-qa-serve"])
def test_a_taken_port_is_one_clear_error(tmp_path: Path, reuse_port: bool) -> None:
    """Taken by anything, another `qa serve` (its workers' SO_REUSEPORT sockets) included: one line, exit 1."""
    with socket.socket() as taken:
        if reuse_port:
            taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        out = subprocess.run([str(QA), "serve", "--port", str(port), "--workers", "2"], cwd=tmp_path, env=child_env(),
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr and "Traceback" not in out.stderr


def test_workers_that_cannot_start_stop_the_server(seed_index: Path, tmp_path: Path) -> None:
    """The app cannot be built in a worker (the Slack API URL has no scheme): each worker says why in one line
    and the server exits with uvicorn's startup-failure status instead of starting workers again and again."""
    env = child_env(QA_INDEX_DIR=str(seed_index), QA_CORPUS_DIR=str(CORPUS), QA_DATA_DIR=str(tmp_path / "var"),
                    QA_SLACK_BOT_TOKEN="xoxb-test", QA_SLACK_SIGNING_SECRET="secret", QA_SLACK_API_URL="127.0.0.1/api/")
    out = subprocess.run([str(QA), "serve", "--port", str(free_port()), "--workers", "2"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 3, out.stderr[-2000:]
    assert 1 <= out.stderr.count("worker failed to start: QA_SLACK_API_URL must be an http(s) URL") <= 2  # no more
    assert "Traceback" not in out.stderr
