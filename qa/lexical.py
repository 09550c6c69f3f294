"""BM25 over chunks (bm25s), with the same word tokens as query analysis."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterator, Sequence
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
    """A BM25 index whose row i is chunk i (built by :class:`LexicalBuilder`)."""

    def __init__(self, bm25: object) -> None:
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict  # type: ignore[attr-defined]

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


class _TokenIds:
    """Every chunk's token ids, one list at a time (what bm25s iterates over, three times) from one compact array."""

    def __init__(self, ids: NDArray[np.int32], ends: NDArray[np.int64]) -> None:
        self._ids, self._ends = ids, ends

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[list[int]]:
        lo = 0
        for hi in self._ends.tolist():
            yield self._ids[lo:hi].tolist()
            lo = hi


class LexicalBuilder:
    """Builds a :class:`Lexical` one chunk at a time, holding 4 bytes a token instead of every chunk's text
    or token strings. Token ids are numbered in order of first appearance, so two builds of the same corpus
    write the same files (bm25s numbers its vocabulary in ``set`` order, which changes with the hash seed)."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._ids = array("i")
        self._ends = array("q")

    def add(self, text: str) -> None:
        vocab = self._vocab
        for token in content_words(text) or [""]:
            self._ids.append(vocab.setdefault(token, len(vocab)))
        self._ends.append(len(self._ids))

    def build(self) -> Lexical:
        bm25s = _bm25s()
        ids = np.frombuffer(self._ids, dtype=np.int32) if self._ids else np.zeros(0, dtype=np.int32)
        ends = np.frombuffer(self._ends, dtype=np.int64) if self._ends else np.zeros(0, dtype=np.int64)
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index(bm25s.tokenization.Tokenized(ids=_TokenIds(ids, ends), vocab=self._vocab), show_progress=False)
        return Lexical(bm25)
