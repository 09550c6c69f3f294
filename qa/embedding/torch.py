"""The ``torch`` backend: all-MiniLM-L6-v2 through sentence-transformers, the reference the ONNX backends are
held to (``onnx`` gives the same vectors).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding.base import Vectors, default_model_path, model_id_for, tokenizer
from qa.embedding.export import sentence_pipeline


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (torch backend). Loads lazily, once, thread-safe."""

    batch_size = 16
    max_tokens = 256
    dim = 384
    precision = "fp32"

    def __init__(self, model_path: Path | None = None, *, threads: int | None = None) -> None:
        """``threads``: torch's intra-op threads (process-wide), set when the model loads; None keeps
        torch's default (one per core)."""
        self._path = Path(model_path) if model_path else default_model_path()
        self.model_id = model_id_for(model_path, self._path)
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._one: tuple[Any, Any] | None = None  # (truncating tokenizer, pipeline module) for single texts
        self._lock = threading.Lock()

    def _load_tokenizer(self) -> Any:
        if self._tokenizer is None:
            self._tokenizer = tokenizer(self._path)
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
                if self.threads:
                    import torch

                    torch.set_num_threads(self.threads)
                model = SentenceTransformer(str(self._path), device="cpu")
                model.max_seq_length = self.max_tokens
                self._model = model
        return self._model

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:
            return self._embed_one(texts[0])
        # encode() sorts by length and batches; unit length so inner product is cosine.
        vecs = self.load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def _embed_one(self, text: str) -> Vectors:
        """One text (a question) straight through the same modules, without encode()'s batching machinery:
        the same vector (max abs difference ~1e-8), sooner."""
        import torch

        model = self.load()
        with self._lock:
            if self._one is None:
                self._one = (tokenizer(self._path, self.max_tokens),
                             sentence_pipeline(model[0].auto_model, torch).eval())
            tok, pipeline = self._one
        ids = torch.tensor([tok.encode(text).ids], dtype=torch.long)
        with torch.inference_mode():
            out = pipeline(ids, torch.ones_like(ids), torch.zeros_like(ids))
        return np.ascontiguousarray(out.numpy(), dtype=np.float32)
