"""Replicas on PostgreSQL against one server on SQLite: 2 ``qa serve`` replicas x 1 worker sharing a PostgreSQL
database (``QA_DATABASE_URL``) and 1 ``qa serve`` x 2 workers on SQLite (``QA_DATA_DIR``), on the same machine
and index, with the same encoder threads per process. Both answer the same load, in turns, in the same run:
distinct questions (no query-cache hits; each writes its query log row), 16 keep-alive connections, spread over
the replicas as a load balancer would. Reports each side's median requests per second, p50 and p99, and the
ratio of the medians (replicas over one server).

PostgreSQL is the one ``--database-url`` names, else a throwaway server from Debian's binaries
(``/usr/lib/postgresql/<version>/bin``), started the way the tests start it but with PostgreSQL's default
durability (every commit flushed to disk).

    .venv/bin/python -m bench.replicas [--seconds 5] [--repeat 5] [--connections 16] [--database-url URL] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench._common import eval_questions, markdown_table
from bench.http import Questions, load, prepare_index, start_server, stop_server
from qa.embedding import threads_per_worker, usable_cores
from qa.evaluation import percentile

SIDES = ("1 x 2 workers, SQLite", "2 replicas x 1 worker, PostgreSQL")


@dataclass
class Side:
    name: str
    rps_each: list[float]
    p50_each: list[float]
    p99_each: list[float]
    requests: int
    errors: int

    @property
    def rps(self) -> float:
        return statistics.median(self.rps_each)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.p50_each)

    @property
    def p99_ms(self) -> float:
        return statistics.median(self.p99_each)


def report(sides: list[Side], connections: int, seconds: float) -> str:
    base, replicas = sides
    rows = markdown_table(
        ["setup", "connections", "median req/s", "median p50 ms", "median p99 ms", "req/s of each run", "requests",
         "errors"],
        ([s.name, connections, f"{s.rps:.1f}", f"{s.p50_ms:.1f}", f"{s.p99_ms:.1f}",
          ", ".join(f"{x:.1f}" for x in s.rps_each), s.requests, s.errors] for s in sides),
    )
    return (f"{rows}\n\nratio of median req/s, replicas on PostgreSQL / one server on SQLite: "
            f"{replicas.rps / base.rps:.2f} ({len(base.rps_each)} runs of {seconds:g} s each, taken in turns)")


def _postgres(url: str | None, stack: list[object]) -> str:
    if url:
        return url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ of this checkout
    from tests.pg import PostgresServer, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL: give --database-url, or install Debian's postgresql "
                         "(/usr/lib/postgresql/<version>/bin)")
    server = PostgresServer(bindir, durable=True).start()
    stack.append(server)
    return server.new_database()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per run (default 5)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each side, in turns (default 5)")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections (default 16)")
    parser.add_argument("--database-url", help="a PostgreSQL database to use (default: a throwaway server)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not (args.seconds > 0 and args.repeat >= 1 and args.connections >= 2):
        parser.error("--seconds must be above 0, --repeat at least 1 and --connections at least 2")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Every process gets the encoder threads of one of two workers, so both sides use the cores alike.
    threads = threads_per_worker(2, usable_cores())
    questions = Questions(eval_questions(), itertools.count())
    servers: list[object] = []
    procs = []
    try:
        url = _postgres(args.database_url, servers)
        with tempfile.TemporaryDirectory(prefix="bench-replicas-") as tmp_name:
            tmp = Path(tmp_name)
            _, index = prepare_index(tmp)
            log = tmp / "serve.log"
            print("qa serve --workers 2 on SQLite, and 2 x qa serve --workers 1 on PostgreSQL ...", file=sys.stderr,
                  flush=True)
            (tmp / "var").mkdir()
            proc, port = start_server(2, index, tmp / "var", log, threads)
            procs.append(proc)
            ports: list[int | list[int]] = [port, []]
            for name in ("a", "b"):
                (tmp / f"var-{name}").mkdir()
                proc, p = start_server(1, index, tmp / f"var-{name}", log, threads, QA_DATABASE_URL=url)
                procs.append(proc)
                ports[1].append(p)  # type: ignore[union-attr]
            sides = [Side(name, [], [], [], 0, 0) for name in SIDES]
            for target in ports:
                load(target, args.connections, 1.0, questions.distinct)  # warm-up, not recorded
            for n in range(args.repeat):
                for side, target in zip(sides, ports, strict=True):
                    latencies, errors, elapsed = load(target, args.connections, args.seconds, questions.distinct)
                    side.rps_each.append(len(latencies) / elapsed)
                    side.p50_each.append(percentile(latencies, 0.5) * 1000)
                    side.p99_each.append(percentile(latencies, 0.99) * 1000)
                    side.requests += len(latencies) + errors
                    side.errors += errors
                    print(f"  run {n + 1} {side.name}: {side.rps_each[-1]:.1f} req/s, p50 {side.p50_each[-1]:.1f} ms, "
                          f"errors {errors}", file=sys.stderr, flush=True)
    finally:
        for proc in procs:
            stop_server(proc)
        for server in servers:
            server.stop()  # type: ignore[attr-defined]
    if args.json:
        print(json.dumps({"connections": args.connections, "seconds": args.seconds, "encoder_threads": threads,
                          "sides": [{**asdict(s), "rps": s.rps, "p50_ms": s.p50_ms, "p99_ms": s.p99_ms} for s in sides],
                          "ratio": sides[1].rps / sides[0].rps}))
    else:
        print(report(sides, args.connections, args.seconds))
    return 1 if any(s.errors for s in sides) else 0


if __name__ == "__main__":
    sys.exit(main())
