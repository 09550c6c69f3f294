"""The ONNX backends (``onnx-int8``, the default, and ``onnx``): the exported model under ONNX Runtime, with no
torch at query time. The export itself is :mod:`qa.embedding.export`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding.base import Vectors, default_model_path, model_id_for, tokenizer
from qa.embedding.export import TOLERANCE, ModelExportError, cached_model, discard
from qa.embedding.runtime import OnnxSession

log = logging.getLogger(__name__)


class OnnxEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime, with no torch at query time. ``precision``:

    - ``"int8"`` (``onnx-int8``, the default backend): the fused graph with int8 weights (one scale per output
      channel) and int8 activations (one scale per tensor, computed as it runs). Faster than fp32;
      vectors close to fp32's, evaluation and real-data figures within noise of fp32's (docs/benchmarks.md,
      "Speed"). The activation scale covers the whole batch, so each text is embedded alone
      (``batch_size`` 1): a text's vector does not depend on the texts beside it.
    - ``"fp32"`` (``onnx``): the same vectors and ``model_id`` as :class:`SentenceTransformerEmbedder`
      (max abs difference ~2e-7), faster per query.

    The model is exported once into ``cache_dir`` (see :mod:`qa.embedding.export`; that step imports torch) and
    reused by every later process. Loads lazily, once, thread-safe; ``session.run`` is thread-safe.
    """

    max_tokens = 256
    dim = 384

    def __init__(self, model_path: Path | None = None, *, cache_dir: Path, threads: int | None = None,
                 precision: str = "fp32", spin: bool = True) -> None:
        """``threads``: ONNX Runtime intra-op threads for one text, and parallel runs for many; None = 1.
        ``spin``: whether its pool threads spin between operators (ONNX Runtime's default: a short question
        takes 2.5 ms on two spinning threads, 3.4 ms on two that sleep, 4.6 ms on one in fp32), right when
        nothing else in the process needs the cores."""
        if precision not in ("int8", "fp32"):
            raise ValueError(f"ONNX precision {precision!r} is not int8 or fp32")
        self._path = Path(model_path) if model_path else default_model_path()
        self.model_id = model_id_for(model_path, self._path)
        self.cache_dir = Path(cache_dir)
        self.threads = threads or 1
        self.spin = spin
        self.precision = precision
        self.batch_size = 1 if precision == "int8" else 16
        self.model_file: Path | None = None
        self.exported = False  # whether this instance had to export (no valid cache entry)
        self._session: OnnxSession | None = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if self._tokenizer is None:
            self._tokenizer = tokenizer(self._path)
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def load(self) -> OnnxSession:
        with self._lock:
            if self._session is None:
                self._session = self._open(retry=True)
        return self._session

    def _open(self, *, retry: bool) -> OnnxSession:
        path, meta, exported = cached_model(
            self.cache_dir, self.model_id, self._path, variant=self.precision, max_tokens=self.max_tokens
        )
        self.exported = self.exported or exported
        problem: str
        try:
            session = OnnxSession(path, self._path, threads=self.threads, max_tokens=self.max_tokens,
                                  batch_size=self.batch_size, spin=self.spin)
            got = session.embed([meta["probe_text"]])[0]
            diff = float(np.abs(got - np.asarray(meta["probe_vector"], dtype=np.float32)).max())
            if diff <= TOLERANCE:
                self.model_file = path
                return session
            problem = f"its probe vector differs by {diff:.2e}"
        except Exception as exc:  # onnxruntime raises its own types for unreadable graphs
            problem = f"onnxruntime cannot load it ({type(exc).__name__}: {exc})"
        if not retry:
            raise ModelExportError(f"the exported ONNX model {path} is unusable: {problem}; "
                                   "use QA_EMBEDDING_BACKEND=torch")
        log.warning("ONNX model cache %s is unusable (%s); exporting again", path.parent, problem)
        discard(path.parent)
        return self._open(retry=False)

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.load().embed(texts, show_progress=show_progress)
