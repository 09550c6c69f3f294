"""Real, labelled benchmark sets (``../shared/data``) as corpus documents + questions with gold spans.

Every loader returns a :class:`Dataset`: its documents (written as corpus files by
:mod:`bench.datasets.runner`, then built through the normal ``build_index`` path) and its questions, each
with gold units: a document and, where the labels give one, a character span in that document's text.
A retrieved chunk ``(doc_id, start, end)`` is a hit when it comes from a gold document and overlaps the
gold span (document-level labels: any chunk of the gold document).

Questions are split once, by a hash of the dataset name and question id: ``dev`` (30 %) is what
knobs are tuned on, ``test`` (70 %) what is reported. The split never depends on the sample size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

DEV_SHARE = 30  # percent of each set's questions in the dev split


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One document of a benchmark corpus; ``text`` becomes the corpus file's body verbatim."""

    doc_id: str  # a relative path without suffix: also the corpus file name
    title: str
    text: str
    suffix: str = ".md"


@dataclass(frozen=True, slots=True)
class Gold:
    """A gold unit: ``doc_id`` and, for span labels, ``text[start:end]`` of it. ``grade`` for graded qrels."""

    doc_id: str
    start: int | None = None
    end: int | None = None
    grade: int = 1

    def hit(self, doc_id: str, start: int, end: int) -> bool:
        if doc_id != self.doc_id:
            return False
        return self.start is None or self.end is None or (start < self.end and self.start < end)


@dataclass(frozen=True, slots=True)
class Question:
    qid: str
    text: str
    gold: tuple[Gold, ...]
    answers: tuple[str, ...] = ()  # gold answer strings, for the answer-in-citation check

    def grade(self, doc_id: str, start: int, end: int) -> int:
        return max((g.grade for g in self.gold if g.hit(doc_id, start, end)), default=0)


@dataclass
class Dataset:
    name: str
    docs: list[SourceDoc]
    questions: list[Question]
    unit: str  # what a gold label points at: "answer span", "document", ...
    unanswerable: list[Question] = field(default_factory=list)  # on-topic, not answered by the corpus
    graded: bool = False  # graded qrels: nDCG@10, and recall counts grade >= relevant_grade
    relevant_grade: int = 1
    notes: str = ""
    # folder -> what a ``.meta.yml`` in it says of its documents (subjects, publisher): a docs corpus's pages
    # carry no front matter, and a user puts it beside each project's docs (README, "The corpus")
    folders: dict[str, dict[str, object]] = field(default_factory=dict)

    def split(self, which: str) -> Dataset:
        """The ``dev``, ``test`` or ``all`` questions (unanswerable ones are split the same way)."""
        if which == "all":
            return self
        keep = [q for q in self.questions if split_of(self.name, q.qid) == which]
        unans = [q for q in self.unanswerable if split_of(self.name, q.qid) == which]
        return replace(self, questions=keep, unanswerable=unans)

    def sample(self, n: int | None, max_docs: int | None = None) -> Dataset:
        """``n`` questions in a fixed pseudo-random order. With ``max_docs`` the corpus is cut to at most
        that many documents: questions are taken (in the same order) while their gold documents fit,
        then other documents (fixed order) fill it up. For graded qrels, whose queries each have dozens
        of judged documents, a few gold documents of each query are kept and the labels are cut to them."""
        if max_docs is None or len(self.docs) <= max_docs:
            return replace(self, questions=_stable_sample(self.name, self.questions, n),
                           unanswerable=_stable_sample(self.name, self.unanswerable, n))
        ordered = _stable_sample(self.name, self.questions, None)
        keep: set[str] = set()
        questions: list[Question] = []
        per_query = max(1, max_docs // (2 * max(1, n or len(ordered))))
        for q in ordered:
            if n is not None and len(questions) >= n:
                break
            if self.graded:
                best = sorted(q.gold, key=lambda g: (-g.grade, _hash(self.name, g.doc_id)))[:per_query]
                gold = {g.doc_id for g in best}
            else:
                gold = {g.doc_id for g in q.gold}
            if len(keep | gold) > max_docs:
                continue
            keep |= gold
            questions.append(q)
        unans = [q for q in _stable_sample(self.name, self.unanswerable, None) if q.gold[0].doc_id in keep][:n]
        others = sorted((d for d in self.docs if d.doc_id not in keep), key=lambda d: _hash(self.name, d.doc_id))
        keep |= {d.doc_id for d in others[: max(0, max_docs - len(keep))]}
        docs = [d for d in self.docs if d.doc_id in keep]
        # Labels may name documents outside the cut corpus (graded qrels): drop those labels.
        questions = [replace(q, gold=tuple(g for g in q.gold if g.doc_id in keep)) for q in questions]
        return replace(self, docs=docs, questions=questions, unanswerable=unans)


def _hash(name: str, key: str) -> int:
    return int(hashlib.sha1(f"{name}\x1f{key}".encode()).hexdigest()[:12], 16)


def split_of(name: str, qid: str) -> str:
    return "dev" if _hash(name, qid) % 100 < DEV_SHARE else "test"


def _stable_sample(name: str, items: list[Question], n: int | None) -> list[Question]:
    if n is None or n >= len(items):
        return list(items)
    return sorted(items, key=lambda q: _hash(name + "/sample", q.qid))[:n]


def _loaders() -> dict[str, tuple[str, Callable[[Path, Path], Dataset]]]:
    from bench.datasets import loaders

    return {
        "squad2-dev-cs224n": ("squad2-dev-cs224n", loaders.squad),
        "covid-qa": ("covid-qa", loaders.covid_qa),
        "covid-qa-faq": ("covid-qa", loaders.covid_faq),
        "msmarco-trecdl-subset": ("msmarco-trecdl-subset", loaders.msmarco),
        "django-faq": ("django-faq", loaders.django_faq),
        "github-questions-fastapi-flask": ("github-questions-fastapi-flask", loaders.github_questions),
    }


DATASET_NAMES = (
    "squad2-dev-cs224n",
    "covid-qa",
    "covid-qa-faq",
    "msmarco-trecdl-subset",
    "django-faq",
    "github-questions-fastapi-flask",
)

# Whose questions each corpus should abstain on: another set, far from this corpus's topic.
FOREIGN = {
    "squad2-dev-cs224n": "covid-qa",
    "covid-qa": "squad2-dev-cs224n",
    "covid-qa-faq": "django-faq",
    "msmarco-trecdl-subset": "django-faq",
    "django-faq": "covid-qa",
    "github-questions-fastapi-flask": "covid-qa",
}


def dataset_folder(name: str, data: Path) -> tuple[Path, Path]:
    """(the set's own folder, the data root). ``data`` may be either the root (``shared/data``) or the
    set's folder itself."""
    if name not in DATASET_NAMES:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASET_NAMES)}")
    folder = _loaders()[name][0]
    if (data / folder).is_dir():
        return data / folder, data
    if data.name == folder and data.is_dir():
        return data, data.parent
    raise FileNotFoundError(f"no {folder}/ under {data} (pass the shared data directory with --data)")


def load_dataset(name: str, data: Path) -> Dataset:
    """Load one set by name from the data root (or its own folder)."""
    folder, root = dataset_folder(name, data)
    return _loaders()[name][1](folder, root)
