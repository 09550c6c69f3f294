"""Two replicas: two real ``qa serve`` processes (Slack mounted) sharing one PostgreSQL database and one index
folder, each with a data folder of its own, as on two machines. A Slack event and its retry delivered to both at
the same moment are answered once; a follow-up on the other replica is resolved; a rebuild on one is served by
both within seconds; a replica killed with SIGKILL mid-request (mid-build too) loses nothing on the other."""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.conftest import CORPUS, ROOT
from tests.pg import PostgresServer
from tests.servers import QA, child_env, free_port, wait_until, wait_until_ready
from tests.slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack, event_body, mention, sign

pytestmark = pytest.mark.slow
TOKEN = "replica-admin"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
WHERE = {"question": "Where does the creator of FastAPI live?"}


@dataclass
class Replica:
    url: str
    proc: subprocess.Popen[bytes]


@dataclass
class Cluster:
    a: Replica
    b: Replica
    corpus: Path
    database_url: str


@pytest.fixture(scope="module")
def cluster(postgres: PostgresServer, fake: FakeSlack, seed_index: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("replicas")
    corpus, index = tmp / "corpus", tmp / "index"  # shared, as a volume both machines mount
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(seed_index, index, ignore=shutil.ignore_patterns("LOCK"))
    url = postgres.new_database()
    replicas, logs = [], []
    for name in ("a", "b"):
        port = free_port()
        env = child_env(QA_CORPUS_DIR=str(corpus), QA_INDEX_DIR=str(index), QA_DATA_DIR=str(tmp / f"var-{name}"),
                        QA_DATABASE_URL=url, QA_ADMIN_TOKEN=TOKEN, QA_SLACK_BOT_TOKEN=BOT_TOKEN,
                        QA_SLACK_SIGNING_SECRET=SIGNING_SECRET, QA_SLACK_API_URL=fake.api_url, PYTHONPATH=str(ROOT))
        log = (tmp / f"{name}.log").open("w+")
        logs.append(log)
        proc = subprocess.Popen([str(QA), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                                cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        replicas.append(Replica(f"http://127.0.0.1:{port}", proc))
    try:
        for name, r in zip("ab", replicas, strict=True):
            wait_until_ready(r.url, r.proc, tmp / f"{name}.log")
        yield Cluster(replicas[0], replicas[1], corpus, url)
    finally:
        for r in replicas:
            if r.proc.poll() is None:
                r.proc.terminate()
        for r in replicas:
            try:
                r.proc.wait(15)
            except subprocess.TimeoutExpired:
                r.proc.kill()
                r.proc.wait(5)
        for log in logs:
            log.close()


def ask(base: str, question: str, conversation_id: str | None = None) -> dict:
    resp = httpx.post(f"{base}/ask", json={"question": question, "conversation_id": conversation_id}, timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_an_event_and_its_retry_on_two_replicas_at_once_are_answered_once(cluster: Cluster, fake: FakeSlack) -> None:
    for n in range(3):
        channel, ts = f"CREPLICA{n:02d}", f"{int(time.time())}.00{n}100"
        body = event_body(mention("Does FastAPI support WebSockets?", channel=channel, ts=ts))
        start = threading.Barrier(2)

        def deliver(base: str, retry: int, body: str = body, start: threading.Barrier = start) -> int:
            headers = {"Content-Type": "application/json", **sign(body)}
            if retry:
                headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
            start.wait(10)
            return httpx.post(f"{base}/slack/events", content=body.encode(), headers=headers, timeout=10).status_code

        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(deliver, (cluster.a.url, cluster.b.url), (0, 1)))
        assert statuses == [200, 200]
        fake.wait_for("chat.postMessage", channel=channel)
        fake.settle()
        assert len(fake.calls_to("chat.postMessage", channel=channel)) == 1


def test_a_follow_up_on_the_other_replica_is_resolved(cluster: Cluster) -> None:
    first = ask(cluster.a.url, "Who created FastAPI?", "c-replicas-1")
    assert "Ramírez" in first["answer"] or "Ramirez" in first["answer"]
    follow = ask(cluster.b.url, "And Flask?", "c-replicas-1")
    assert follow["resolved_question"] == "Who created Flask?"
    assert "Armin Ronacher" in follow["answer"]


def test_a_rebuild_on_one_replica_is_served_by_both(cluster: Cluster) -> None:
    assert all("Berlin" in ask(r.url, WHERE["question"])["answer"] for r in (cluster.a, cluster.b))
    page = cluster.corpus / "flask-vs-fastapi-2026.md"
    page.write_text(page.read_text(encoding="utf-8").replace("living in Berlin", "living in Lisbon"), encoding="utf-8")
    resp = httpx.post(f"{cluster.a.url}/index/rebuild", headers=ADMIN, timeout=300)
    assert resp.status_code == 200, resp.text
    version = resp.json()["version"]
    built = time.monotonic()
    assert httpx.get(f"{cluster.a.url}/readyz").json()["index_version"] == version
    # The other replica's reloader swaps the new version in while it answers: within seconds.
    assert wait_until(lambda: httpx.get(f"{cluster.b.url}/readyz").json()["index_version"] == version, 10)
    assert time.monotonic() - built < 10
    assert "Lisbon" in ask(cluster.b.url, WHERE["question"])["answer"]


def _build_lock_held(database_url: str) -> bool:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return bool(conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted").fetchone()[0])


def test_a_replica_killed_mid_request_loses_nothing_on_the_other(cluster: Cluster) -> None:
    ask(cluster.a.url, "Who created FastAPI?", "c-replicas-2")  # a turn the killed replica wrote
    failures: list[str] = []
    done = threading.Event()
    answered = [0]

    def keep_asking_b() -> None:
        n = 0
        while not done.is_set():
            n += 1
            try:
                ask(cluster.b.url, f"Is FastAPI faster than Flask? ({n})")
                answered[0] += 1
            except (AssertionError, httpx.HTTPError) as exc:
                failures.append(repr(exc))

    def on_a(path: str, **kw: object) -> None:
        try:
            httpx.post(f"{cluster.a.url}{path}", timeout=120, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError:
            pass  # the replica dies under it

    b_client = threading.Thread(target=keep_asking_b)
    b_client.start()
    in_flight = [threading.Thread(target=on_a, args=("/index/rebuild?full=true",), kwargs={"headers": ADMIN})]
    in_flight += [threading.Thread(target=on_a, args=("/ask",), kwargs={"json": {"question": f"Flask or FastAPI? {i}"}})
                  for i in range(4)]
    try:
        for t in in_flight:
            t.start()
        assert wait_until(lambda: _build_lock_held(cluster.database_url), 30), "the full build never started"
        cluster.a.proc.send_signal(signal.SIGKILL)
        cluster.a.proc.wait(10)
        for t in in_flight:
            t.join(60)
        # The build lock died with its holder: the other replica builds at once (no 409, no wait).
        t0 = time.monotonic()
        resp = httpx.post(f"{cluster.b.url}/index/rebuild", headers=ADMIN, timeout=300)
        assert resp.status_code == 200, resp.text
        assert "waiting" not in resp.text and time.monotonic() - t0 < 60
        # What the dead replica had written is there: its conversation continues on the other.
        follow = ask(cluster.b.url, "And Flask?", "c-replicas-2")
        assert follow["resolved_question"] == "Who created Flask?"
    finally:
        done.set()
        b_client.join(120)
    assert failures == [] and answered[0] > 0
