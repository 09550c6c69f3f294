"""Embedders: the ``Embedder`` protocol and all-MiniLM-L6-v2 (shipped offline) on three backends.

- ``onnx-int8`` (default) and ``onnx`` (fp32): :class:`OnnxEmbedder` (:mod:`.onnx`), ONNX Runtime + ``tokenizers``
  (:mod:`.runtime`); the model is exported from the packaged weights once (:mod:`.export`) and cached, after
  which torch is never imported.
- ``torch``: :class:`SentenceTransformerEmbedder` (:mod:`.torch`), sentence-transformers' own torch backend.

``onnx`` and ``torch`` give the same unit vectors, so an index built with one serves with the other.
``onnx-int8`` vectors are close but not equal: an index records the ``precision`` of its vectors, and a build
re-embeds when it changes. Heavy imports happen on first use, never at import.

Imports run one way: :mod:`.base` <- :mod:`.runtime` <- :mod:`.export` <- :mod:`.onnx`, and :mod:`.base`,
:mod:`.export` <- :mod:`.torch`; this module picks a backend from the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from qa.embedding.base import (
    DEFAULT_MODEL_ID,
    CachedQueryEmbedder,
    Embedder,
    Vectors,
    default_model_path,
    threads_per_worker,
    usable_cores,
)
from qa.embedding.export import ModelExportError
from qa.embedding.onnx import OnnxEmbedder
from qa.embedding.runtime import OnnxSession
from qa.embedding.torch import SentenceTransformerEmbedder

if TYPE_CHECKING:
    from qa.settings import Settings

__all__ = [
    "DEFAULT_MODEL_ID", "CachedQueryEmbedder", "Embedder", "ModelExportError", "OnnxEmbedder", "OnnxSession",
    "SentenceTransformerEmbedder", "Vectors", "create_embedder", "default_model_path", "threads_per_worker",
    "usable_cores",
]


def create_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings.embedding_backend`` names (cheap: nothing loads until first use).
    ``embedding_threads`` 0 means every usable core: right for one process (``qa ask``, a build, Socket
    Mode); ``qa serve`` sets it to the cores shared out among its workers."""
    threads = settings.embedding_threads or usable_cores()
    if settings.embedding_backend == "torch":
        return SentenceTransformerEmbedder(settings.model_path, threads=threads)
    cache = settings.model_cache_dir or Path(settings.index_dir) / "models"
    precision = "int8" if settings.embedding_backend == "onnx-int8" else "fp32"
    return OnnxEmbedder(settings.model_path, cache_dir=cache, threads=threads, precision=precision,
                        spin=settings.embedding_spin)
