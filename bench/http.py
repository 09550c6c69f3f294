"""HTTP load test: ``qa serve`` on 127.0.0.1 with 1 and 2 workers, driven from this (second) process.

For each embedding backend (ONNX int8, the default; ONNX fp32; then torch as the baseline: the run ends with
the ratio of their requests per second) and each server: distinct questions (the evaluation set's, each request made unique, so no query-cache
hits) and repeated FAQ questions (five questions over and over: cache hits), at 1, 16 and 200 concurrent
keep-alive connections. Reports requests per second, p50, p99 and errors (any non-200 or broken
connection). The baseline is measured in the same run: in-process ``Engine.ask`` on the same kinds of
questions, taken in turns with single HTTP requests (so that other work on the machine weighs on both
alike), with the encoder of one server worker; the HTTP overhead is the difference of the p50s, and
their ratio.

The client is a small asyncio HTTP/1.1 client (uvloop, raw streams), so that it costs the server's cores
little; every run is bounded by time and by request count, and targets 127.0.0.1 only.

    .venv/bin/python -m bench.http [--seconds 4] [--repeat 1] [--workers 1 2] [--connections 1 16 200] [--threads N] [--backend onnx-int8 onnx torch] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench._common import ROOT, eval_questions, markdown_table
from qa.embedding import threads_per_worker, usable_cores
from qa.evaluation import percentile

FAQ = [
    "Who created Flask?",
    "Flask vs FastAPI performance",
    "Does FastAPI support WebSockets?",
    "Which is better for beginners, flask or fastapi?",
    "How many GitHub stars does FastAPI have?",
]
HOST = "127.0.0.1"
MAX_REQUESTS = 20_000  # per run, on top of the time bound


@dataclass
class Run:
    backend: str
    workers: int
    questions: str  # "distinct" or "faq"
    connections: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    rps_each: list[float]  # every repeat's requests per second; with repeats, requests and errors count them all
    # and seconds, rps, p50 and p99 are the median repeat's


class Questions:
    """Request bodies: ``distinct`` makes every question text unique (a counter suffix), so the server's
    query-embedding cache never hits; ``faq`` repeats five questions."""

    def __init__(self, base: list[str], counter: itertools.count[int]) -> None:
        self.base = base
        self.counter = counter

    def distinct(self) -> bytes:
        n = next(self.counter)
        question = f"{self.base[n % len(self.base)]} ({n})"
        return json.dumps({"question": question}).encode()

    def faq(self) -> bytes:
        n = next(self.counter)
        return json.dumps({"question": FAQ[n % len(FAQ)]}).encode()


# -- the load client -------------------------------------------------------------------------------------


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> tuple[int, bytes]:
    writer.write(
        b"POST /ask HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
        % (HOST.encode(), len(body), body)
    )
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _load(port: int | Sequence[int], connections: int, seconds: float,
                make_body: Callable[[], bytes]) -> tuple[list[float], int, float]:
    # Several ports (replicas): the connections go to each in turn, as a load balancer would spread them.
    ports = [port] if isinstance(port, int) else list(port)
    conns = [await asyncio.open_connection(HOST, ports[i % len(ports)]) for i in range(connections)]
    latencies: list[float] = []
    errors = 0
    sent = itertools.count()
    start = time.perf_counter()
    deadline = start + seconds

    async def user(i: int) -> None:
        nonlocal errors
        reader, writer = conns[i]
        while time.perf_counter() < deadline and next(sent) < MAX_REQUESTS:
            body = make_body()
            t0 = time.perf_counter()
            try:
                status, payload = await asyncio.wait_for(_request(reader, writer, body), timeout=30)
                ok = status == 200 and payload.startswith(b'{"question"')
            except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                ok = False
                writer.close()
                try:  # a fresh connection for the next request; the failed one counts as an error
                    reader, writer = await asyncio.open_connection(HOST, ports[i % len(ports)])
                except OSError:
                    await asyncio.sleep(0.05)
                conns[i] = (reader, writer)
            if ok:
                latencies.append(time.perf_counter() - t0)
            else:
                errors += 1

    await asyncio.gather(*(user(i) for i in range(connections)))
    elapsed = time.perf_counter() - start
    for _, writer in conns:
        writer.close()
    return latencies, errors, elapsed


def load(port: int | Sequence[int], connections: int, seconds: float,
         make_body: Callable[[], bytes]) -> tuple[list[float], int, float]:
    try:
        import uvloop

        return uvloop.run(_load(port, connections, seconds, make_body))
    except ImportError:
        return asyncio.run(_load(port, connections, seconds, make_body))


# -- the server ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(
    workers: int, index_dir: Path, data_dir: Path, log: Path, threads: int | None = None, backend: str = "onnx-int8",
    **settings: str,
) -> tuple[subprocess.Popen[bytes], int]:
    """``qa serve`` on a free port, ready; ``settings``: more ``QA_*`` variables for it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") or k == "QA_MODEL_CACHE_DIR"}
    if threads:  # otherwise qa serve's default: cores // workers
        env.update(QA_EMBEDDING_THREADS=str(threads))  # qa serve gives torch (OMP/MKL) the same count
    env.update(QA_INDEX_DIR=str(index_dir), QA_CORPUS_DIR=str(ROOT / "corpus"), QA_DATA_DIR=str(data_dir),
               QA_EMBEDDING_BACKEND=backend, **settings)
    qa = Path(sys.executable).parent / "qa"
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            [str(qa), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
            cwd=data_dir, env=env, stdout=subprocess.DEVNULL, stderr=fh,
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"qa serve exited with {proc.returncode}; see {log}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        stop_server(proc)
        raise RuntimeError("qa serve not ready within 180 s")
    if workers > 1:
        time.sleep(3.0)  # readyz answers once one worker is up; let the others finish starting
    return proc, port


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# -- the baseline ----------------------------------------------------------------------------------------


def prepare_index(dest: Path) -> tuple[Any, Path]:
    """The settings of an in-process engine over an index of the seed corpus in ``dest`` (copied from
    ``index/`` when that is current, otherwise built)."""
    from qa.engine import Engine
    from qa.errors import QAError
    from qa.settings import load_settings

    index = dest / "index"
    try:
        current = Engine(load_settings(_env_file=None, corpus_dir=ROOT / "corpus", index_dir=ROOT / "index"))
        if not current.status().stale:
            shutil.copytree(ROOT / "index", index, ignore=shutil.ignore_patterns("LOCK"))
    except QAError:
        pass
    settings = load_settings(_env_file=None, corpus_dir=ROOT / "corpus", index_dir=index, data_dir=dest / "var-inproc")
    if not index.exists():
        print("building an index of the seed corpus ...", file=sys.stderr, flush=True)
        Engine(settings).rebuild()
    return settings, index


class SyncClient:
    """One keep-alive connection, one request at a time: the lightest client, for the paired runs."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((HOST, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def post(self, body: bytes) -> int:
        self.sock.sendall(
            b"POST /ask HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (HOST.encode(), len(body), body)
        )
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = next((int(v) for n, _, v in (x.partition(b":") for x in lines[1:]) if n.strip().lower() == b"content-length"), 0)
        while len(rest) < length:
            rest += self._recv()
        self.buf = rest[length:]
        return int(lines[0].split()[1])

    def _recv(self) -> bytes:
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("server closed the connection")
        return data

    def close(self) -> None:
        self.sock.close()


@dataclass
class Paired:
    """In-process ``Engine.ask`` and HTTP ``/ask`` (one connection) taken in turns, so that whatever else
    runs on the machine weighs on both alike; the HTTP overhead is the difference of their p50s."""

    backend: str
    workers: int
    questions: str
    pairs: int
    encoder_threads: int
    inproc_p50_ms: float
    inproc_p99_ms: float
    http_p50_ms: float
    http_p99_ms: float
    errors: int

    @property
    def overhead_ms(self) -> float:
        return self.http_p50_ms - self.inproc_p50_ms

    @property
    def ratio(self) -> float:
        return self.http_p50_ms / self.inproc_p50_ms


def paired(engine: Any, port: int, make_body: Callable[[], bytes], pairs: int, workers: int, kind: str,
           threads: int, backend: str) -> Paired:
    client = SyncClient(port)
    inproc: list[float] = []
    http: list[float] = []
    errors = 0
    try:
        for i in range(pairs + 10):  # the first 10 pairs warm up
            question = json.loads(make_body())["question"]
            t0 = time.perf_counter()
            engine.ask(question)
            t1 = time.perf_counter()
            ok = client.post(make_body()) == 200
            t2 = time.perf_counter()
            errors += not ok
            if i >= 10:
                inproc.append(t1 - t0)
                http.append(t2 - t1)
    finally:
        client.close()
    ms = 1000
    return Paired(backend, workers, kind, pairs, threads, percentile(inproc, 0.5) * ms, percentile(inproc, 0.99) * ms,
                  percentile(http, 0.5) * ms, percentile(http, 0.99) * ms, errors)


# -- report ----------------------------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    """One row a run; with repeats, the median repeat's figures and every repeat's requests per second."""
    repeated = any(len(r.rps_each) > 1 for r in runs)
    every = " (all repeats)" if repeated else ""
    return markdown_table(
        ["backend", "workers", "questions", "connections", f"requests{every}", "req/s", "p50 ms", "p99 ms",
         f"errors{every}"] + (["req/s of each repeat"] if repeated else []),
        ([r.backend, r.workers, r.questions, r.connections, r.requests, f"{r.rps:.0f}", f"{r.p50_ms:.2f}",
          f"{r.p99_ms:.2f}", r.errors] + ([", ".join(f"{x:.0f}" for x in r.rps_each)] if repeated else []) for r in runs),
    )


def overhead_table(pairs: list[Paired]) -> str:
    return markdown_table(
        ["backend", "workers", "questions", "encoder threads", "in-process p50 ms", "HTTP p50 ms", "overhead ms",
         "ratio", "in-process p99 ms", "HTTP p99 ms"],
        ([p.backend, p.workers, p.questions, p.encoder_threads, f"{p.inproc_p50_ms:.2f}", f"{p.http_p50_ms:.2f}",
          f"{p.overhead_ms:+.2f}", f"{p.ratio:.2f}x", f"{p.inproc_p99_ms:.2f}", f"{p.http_p99_ms:.2f}"] for p in pairs),
    )


def ratio_table(runs: list[Run], baseline: str = "torch") -> str:
    """Each backend's requests per second over the baseline's, run for run (same workers, questions, connections)."""
    base = {(r.workers, r.questions, r.connections): r for r in runs if r.backend == baseline}
    pairs = [(r, base.get((r.workers, r.questions, r.connections))) for r in runs if r.backend != baseline]
    matched = [(r, b) for r, b in pairs if b is not None and b.rps]
    return markdown_table(
        ["backend", "workers", "questions", "connections", "req/s", f"{baseline} req/s", "ratio", "p99 ms",
         f"{baseline} p99 ms"],
        ([r.backend, r.workers, r.questions, r.connections, f"{r.rps:.0f}", f"{b.rps:.0f}", f"{r.rps / b.rps:.2f}x",
          f"{r.p99_ms:.2f}", f"{b.p99_ms:.2f}"] for r, b in matched),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="measured seconds per run (default 4)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16, 200])
    parser.add_argument("--questions", nargs="+", choices=["distinct", "faq"], default=["distinct", "faq"])
    parser.add_argument("--pairs", type=int, default=300, help="in-process/HTTP pairs for the overhead (default 300)")
    parser.add_argument("--threads", type=int, help="math threads per worker (default: qa serve's, cores // workers)")
    parser.add_argument("--backend", choices=["onnx-int8", "onnx", "torch"], nargs="+",
                        default=["onnx-int8", "onnx", "torch"],
                        help="embedding backends, each against its own servers (default: onnx-int8, onnx, then the "
                        "torch baseline)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each load this many times back to back and report the median (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not (args.pairs >= 1 and args.repeat >= 1 and args.seconds > 0 and min(args.connections) >= 1  # NaN fails too
            and all(1 <= w <= 64 for w in args.workers) and (args.threads is None or args.threads >= 1)):
        parser.error("--pairs, --repeat, --connections and --threads must be at least 1, --workers 1 to 64, "
                     "and --seconds above 0")
    args.workers, args.backend = list(dict.fromkeys(args.workers)), list(dict.fromkeys(args.backend))

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    cores = usable_cores()
    load_before = os.getloadavg()[0]
    counter = itertools.count()
    questions = Questions(eval_questions(), counter)
    runs: list[Run] = []
    pairs: list[Paired] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp_name:
        tmp = Path(tmp_name)
        settings, index = prepare_index(tmp)
        from qa.engine import Engine

        for backend, workers in itertools.product(args.backend, args.workers):
            data = tmp / f"var-{backend}-{workers}"
            data.mkdir()
            print(f"qa serve --workers {workers} ({backend}) ...", file=sys.stderr, flush=True)
            proc, port = start_server(workers, index, data, tmp / "serve.log", args.threads, backend)
            # The in-process baseline runs with the encoder of one server worker: its threads, not spinning.
            threads = args.threads or threads_per_worker(workers, cores)
            engine = Engine(settings.model_copy(update={"embedding_threads": threads, "embedding_backend": backend,
                                                        "embedding_spin": False}))
            engine.warm_up()
            try:
                for kind in args.questions:
                    make = questions.distinct if kind == "distinct" else questions.faq
                    pair = paired(engine, port, make, args.pairs, workers, kind, threads, backend)
                    pairs.append(pair)
                    print(f"  {kind:8} paired: in-process p50 {pair.inproc_p50_ms:.2f} ms, HTTP p50 {pair.http_p50_ms:.2f} ms",
                          file=sys.stderr, flush=True)
                    for conns in args.connections:
                        load(port, conns, 1.0, make)  # warm-up, not recorded
                        tries = [load(port, conns, args.seconds, make) for _ in range(args.repeat)]
                        rates = [len(lat) / elapsed for lat, _, elapsed in tries]
                        median = rates.index(statistics.median_low(rates))
                        latencies, _, elapsed = tries[median]
                        errors = sum(e for _, e, _ in tries)  # every repeat counts
                        run = Run(
                            backend, workers, kind, conns, sum(len(lat) for lat, _, _ in tries) + errors, errors,
                            round(elapsed, 2), rates[median], percentile(latencies, 0.5) * 1000,
                            percentile(latencies, 0.99) * 1000, rates,
                        )
                        runs.append(run)
                        print(f"  {kind:8} {conns:4} connections: {run.rps:7.0f} req/s  p50 {run.p50_ms:6.2f} ms  "
                              f"p99 {run.p99_ms:7.2f} ms  errors {errors}", file=sys.stderr, flush=True)
            finally:
                stop_server(proc)

    load_after = os.getloadavg()[0]
    failed = any(r.errors for r in runs) or any(p.errors for p in pairs)
    if args.json:
        print(json.dumps({"backends": args.backend, "cores": cores, "loadavg": [load_before, load_after], "runs": [asdict(r) for r in runs],
                          "paired": [{**asdict(p), "overhead_ms": p.overhead_ms, "ratio": p.ratio} for p in pairs]},
                         indent=1))
        return int(failed)
    print(f"HTTP /ask under load (bench/http.py; {' and '.join(args.backend)}; {cores} cores; client in a second process on the same machine; "
          f"{args.seconds:g} s per run; load average {load_before:.1f} before, {load_after:.1f} after)")
    print()
    print(table(runs))
    print()
    print(f"HTTP overhead: in-process Engine.ask and HTTP /ask on one connection, {args.pairs} pairs taken in turns")
    print()
    print(overhead_table(pairs))
    if "torch" in args.backend and len(args.backend) > 1:
        print()
        print("Against the torch backend measured in the same run:")
        print()
        print(ratio_table(runs))
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
