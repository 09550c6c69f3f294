"""Ranking and answer metrics, the recipe of ``shared/data/README.md``: hit-rate recall@k, MRR@10,
nDCG@10 (graded gains, log2 discount, ideal ordering of the query's judged units), percentiles."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence

from bench.datasets import Question

Retrieved = Sequence[tuple[str, int, int]]  # (doc_id, start, end) of each retrieved chunk, best first


def first_hit(question: Question, retrieved: Retrieved, min_grade: int = 1) -> int | None:
    """1-based rank of the first retrieved chunk that hits a gold unit of grade >= ``min_grade``."""
    for rank, (doc_id, start, end) in enumerate(retrieved, 1):
        if question.grade(doc_id, start, end) >= min_grade:
            return rank
    return None


def ndcg_at(question: Question, retrieved: Retrieved, k: int = 10) -> float:
    """nDCG@k over documents: a document's grade is gained once, at its first chunk in the ranking."""
    seen: set[str] = set()
    dcg = 0.0
    rank = 0
    for doc_id, start, end in retrieved:
        if rank >= k:
            break
        if doc_id in seen:
            continue  # several chunks of one passage: rank documents, as the qrels judge documents
        seen.add(doc_id)
        rank += 1
        dcg += question.grade(doc_id, start, end) / math.log2(rank + 1)
    best: dict[str, int] = {}
    for g in question.gold:
        best[g.doc_id] = max(best.get(g.doc_id, 0), g.grade)
    ideal = sorted(best.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalise(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCT)).split())


def answer_in(answers: Sequence[str], quotes: Sequence[str]) -> bool:
    """A gold answer string, normalised, inside one of the (normalised) cited quotes."""
    gold = [a for a in (normalise(x) for x in answers) if a]
    quoted = [normalise(q) for q in quotes]
    return any(a in q for a in gold for q in quoted)
