"""``qa serve``: the app under uvicorn (uvloop + httptools), one engine per worker process.

Workers are separate (spawned) processes, each with its own listening socket (:class:`Workers`), so the
settings reach them through the environment (``QA_*`` variables, which ``Settings()`` reads) and each worker
builds its own app through ``app_factory``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from qa.embedding import threads_per_worker, usable_cores
from qa.errors import QAError
from qa.settings import Settings

APP_FACTORY = "integrations.http.server:app_factory"


def default_workers(cores: int | None = None) -> int:
    """One worker process per core: single-threaded workers scale with the cores at the same latency for a
    lone client (docs/benchmarks.md)."""
    return cores or usable_cores()


def settings_env(settings: Settings) -> dict[str, str]:
    """``settings`` as the ``QA_*`` variables that rebuild it in a worker process."""
    env: dict[str, str] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        env[f"QA_{name.upper()}"] = str(value) if isinstance(value, str | Path | int | float) else json.dumps(value)
    return env


def app_factory() -> FastAPI:
    """Called by uvicorn in each worker: settings from the environment the parent prepared."""
    from integrations.http.app import create_app

    return create_app(Settings())


def log_config() -> dict[str, Any]:
    """uvicorn's logging plus ours: JSON access lines (``qa.http``) to stdout, library logs to stderr."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["json_access"] = {
        "formatter": "json_line",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["qa.http"] = {"handlers": ["json_access"], "level": "INFO", "propagate": False}
    config["loggers"]["qa"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["integrations"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> int:
    """Serve the API and the chat page until interrupted; returns the exit status."""
    import uvicorn

    from integrations.http.app import SlackAdapterMissingError

    if settings.slack_bot_token and settings.slack_signing_secret and importlib.util.find_spec("integrations.slack") is None:
        raise SlackAdapterMissingError("QA_SLACK_BOT_TOKEN and QA_SLACK_SIGNING_SECRET are set but integrations.slack is missing")
    cores = usable_cores()
    workers = workers or default_workers(cores)
    from qa.storage import close_all, open_database

    open_database(settings)  # created or migrated once, here; a wrong QA_DATABASE_URL is one line, not a traceback
    if workers > 1:
        close_all()  # the workers open their own
    # QA_EMBEDDING_THREADS as set, else (0, auto) the cores shared out among the workers.
    threads = str(settings.embedding_threads or threads_per_worker(workers, cores))
    os.environ.update(settings_env(settings))
    os.environ["QA_EMBEDDING_THREADS"] = threads
    if "embedding_spin" not in settings.model_fields_set:  # spinning threads would hold the event loop's core
        os.environ["QA_EMBEDDING_SPIN"] = "false"
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # read by torch when a worker imports it
        os.environ.setdefault(var, threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "loop": "uvloop",  # uvicorn[standard]: plain asyncio + several workers delays keep-alive responses
        "http": "httptools",
        "lifespan": "on",
        "access_log": False,  # our middleware logs one JSON line per request instead
        "log_config": log_config(),
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    }
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):  # one process, or not Linux/BSD: uvicorn's own
        uvicorn.run(APP_FACTORY, workers=workers, **options)
        return 0
    return Workers(uvicorn.Config(APP_FACTORY, **options), workers).run()


GRACEFUL_SECONDS = 10
# A worker that dies sooner than this after it started (a crash loop: killed for memory every time, say) is
# replaced after a pause that doubles each time, up to MAX_RESTART_PAUSE; one that ran longer, at once.
CRASH_LOOP_SECONDS = 10.0
MAX_RESTART_PAUSE = 30.0


def listening_socket(host: str, port: int, backlog: int, *, shared: bool = True) -> socket.socket:
    """A TCP socket on (host, port). ``shared``: with SO_REUSEPORT, so every worker listens on its own and
    the kernel spreads new connections over them by a hash of the client's address; without it, the bind
    fails while anything (another ``qa serve`` included) listens on the port."""
    family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(addr)
    except OSError:
        sock.close()
        raise
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _worker(config: Any) -> None:
    """One worker process (spawned): its own listening socket, then uvicorn until told to stop."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    config.configure_logging()
    log = logging.getLogger("uvicorn.error")
    try:
        sock = listening_socket(config.host, config.port, config.backlog)
    except OSError as exc:  # taken since the parent checked: starting again would fail again
        log.error("cannot listen on %s:%s: %s", config.host, config.port, exc)
        sys.exit(STARTUP_FAILURE)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the SIGINT it handled again once it has shut down
        pass
    except Exception as exc:  # e.g. the app factory: it would fail the same way again
        if server.started:
            raise
        if isinstance(exc, QAError):  # a setting to fix: its message says which
            log.error("worker failed to start: %s", exc)
        else:
            log.exception("worker failed to start")
        sys.exit(STARTUP_FAILURE)
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class Workers:
    """``count`` uvicorn worker processes, each listening on its own SO_REUSEPORT socket.

    uvicorn's own supervisor shares one listening socket among the workers, and Linux wakes the worker
    that waited last: a burst of keep-alive connections (16 clients starting together) all went to one
    worker, which then served every request while the other idled (bench/http.py shows it). With a socket each, the kernel balances connections whichever worker is awake.
    A worker that dies is replaced; one that fails at startup stops the server (it would fail again).
    SIGINT or SIGTERM stops the workers gracefully (in-flight requests finish); a second one kills them."""

    def __init__(self, config: Any, count: int) -> None:
        self.config = config
        self.count = count
        self.stopping = threading.Event()
        self.procs: list[multiprocessing.process.BaseProcess] = []

    def _on_signal(self, *_: object) -> None:
        if self.stopping.is_set():  # asked twice: stop waiting for in-flight requests
            for proc in self.procs:
                if proc.is_alive():
                    proc.kill()
        self.stopping.set()

    def _start(self) -> multiprocessing.process.BaseProcess:
        proc = multiprocessing.get_context("spawn").Process(target=_worker, args=(self.config,), name="qa-serve-worker")
        proc.start()
        return proc

    def run(self) -> int:
        from uvicorn.config import STARTUP_FAILURE

        log = logging.getLogger("uvicorn.error")
        host, port = self.config.host, self.config.port
        try:  # the address is free (no other server on it either): fail here, once, not in every worker
            listening_socket(host, port, 1, shared=False).close()
        except OSError as exc:
            log.error("cannot listen on %s:%s: %s", host, port, exc.strerror or exc)
            return 1
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        procs = self.procs = [self._start() for _ in range(self.count)]
        log.info("serving on http://%s:%s with %d workers (pids %s), each listening on its own socket", host, port,
                 self.count, ", ".join(str(p.pid) for p in procs))
        status = 0
        started = [time.monotonic()] * self.count
        pause = [0.0] * self.count  # before slot i's next replacement
        due: list[float | None] = [None] * self.count  # when slot i's dead worker is replaced
        while not self.stopping.wait(0.5):
            now = time.monotonic()
            for i, proc in enumerate(procs):
                if proc.is_alive():
                    continue
                if proc.exitcode == STARTUP_FAILURE:
                    log.error("worker %s failed to start; stopping", proc.pid)
                    status = STARTUP_FAILURE
                    self.stopping.set()
                    break
                if due[i] is None:
                    lived = now - started[i]
                    pause[i] = min(MAX_RESTART_PAUSE, max(1.0, 2 * pause[i])) if lived < CRASH_LOOP_SECONDS else 0.0
                    due[i] = now + pause[i]
                    later = f" in {pause[i]:.0f} s (it died {lived:.1f} s after starting)" if pause[i] else ""
                    log.warning("worker %s exited with %s; starting another%s", proc.pid, proc.exitcode, later)
                if now >= due[i]:
                    procs[i], started[i], due[i] = self._start(), now, None
        for proc in procs:
            if proc.is_alive():
                proc.terminate()  # SIGTERM: uvicorn's graceful shutdown
        deadline = time.monotonic() + GRACEFUL_SECONDS + 5
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        return status
