"""``qa serve``: the app under uvicorn (uvloop + httptools), one engine per worker process.

Workers are separate processes started by uvicorn, so the settings reach them through the environment
(``QA_*`` variables, which ``Settings()`` reads) and each worker builds its own app through ``app_factory``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from qa.embedding import threads_per_worker, usable_cores
from qa.settings import Settings

APP_FACTORY = "integrations.http.server:app_factory"


def default_workers(cores: int | None = None) -> int:
    """One worker process per core: measured on 2 cores (README, "HTTP API"), two single-threaded workers
    serve about twice the requests per second of one worker, at the same latency for a lone client."""
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
    threads = str(threads_per_worker(workers, cores))
    os.environ.update(settings_env(settings))
    if not settings.embedding_threads:  # auto: the cores shared out among the workers
        os.environ["QA_EMBEDDING_THREADS"] = threads
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # read by torch when a worker imports it
        os.environ.setdefault(var, threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",  # uvicorn[standard]: plain asyncio + several workers delays keep-alive responses ~44 ms
        http="httptools",
        lifespan="on",
        access_log=False,  # our middleware logs one JSON line per request instead
        log_config=log_config(),
        timeout_graceful_shutdown=10,
    )
    return 0
