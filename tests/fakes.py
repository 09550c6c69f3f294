"""Readable fakes for tests of mechanics (never for answer quality): a hashing bag-of-words embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from qa.text import words


class HashingEmbedder:
    """sha256-hashed bag of words, L2-normalised: shared words mean higher scores, so ranking is meaningful."""

    def __init__(self, dim: int = 64, model_id: str = "test/hashing-64", precision: str = "fp32") -> None:
        self.dim = dim
        self.model_id = model_id
        self.precision = precision
        self.calls: list[int] = []  # number of texts per embed() call

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) for t in texts]

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in words(text):
                out[i, int(hashlib.sha256(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
            if not norm:
                out[i, 0] = 1.0
        return out


def posing_as_the_default_model() -> HashingEmbedder:
    """The hashing fake under the default embedder's model id, dimension and precision: an index it builds is
    current for the `qa` command, so the CLI's next build is incremental (and loads no model if it embeds
    nothing)."""
    from qa.embedding import create_embedder
    from qa.settings import Settings

    real = create_embedder(Settings(_env_file=None))  # type: ignore[call-arg]  # nothing loads
    return HashingEmbedder(dim=real.dim, model_id=real.model_id, precision=real.precision)

