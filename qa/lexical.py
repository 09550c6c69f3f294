"""BM25 over chunks (bm25s), with the same word tokens as query analysis."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

from qa.text import content_words


def _bm25s() -> ModuleType:
    import bm25s

    # bm25s sets its logger to DEBUG on import ("Building index from tokens" on every build); let it follow
    # the application's logging level like any other library.
    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


class Lexical:
    """A BM25 index whose row i is chunk i."""

    def __init__(self, bm25: object) -> None:
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict  # type: ignore[attr-defined]

    @classmethod
    def build(cls, texts: Sequence[str]) -> Lexical:
        bm25 = _bm25s().BM25(k1=1.2, b=0.75)
        bm25.index([content_words(t) or [""] for t in texts], show_progress=False)
        return cls(bm25)

    def save(self, directory: Path) -> None:
        self._bm25.save(str(directory), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        return cls(_bm25s().BM25.load(str(directory), show_progress=False, verbosity=0))

    def scores(self, tokens: Sequence[str]) -> NDArray[np.float32]:
        """BM25 score of every chunk for the query tokens (unknown tokens are ignored)."""
        toks = [t for t in tokens if t in self._vocab]
        n = self.size
        if not toks:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(toks), dtype=np.float32)[:n]  # type: ignore[attr-defined]

    @property
    def size(self) -> int:
        return int(self._bm25.scores["num_docs"])  # type: ignore[attr-defined]
