"""Run one benchmark set end to end: corpus files -> ``build_index`` -> ``Engine`` -> metrics table.

The set's documents are written as corpus files (front matter with the title, the text verbatim) in a
scratch directory and built through the normal path (corpus loader, chunker, embedder, manifest). Every
question is then asked through :meth:`Engine.ask` (answer, citations, abstention, latency) and
:meth:`Engine.retrieve_chunks` (the ranking scored against the gold spans), once per retrieval mode:
``bm25`` only, ``dense`` only and our ``hybrid``. The peer (txtai hybrid) indexes the same chunk texts.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench._common import markdown_table
from bench.datasets import Dataset, Question
from bench.datasets.metrics import answer_in, first_hit, ndcg_at
from qa.ann import AnnParams
from qa.build import build_index
from qa.documents import FOLDER_META
from qa.embedding import Embedder
from qa.engine import Engine
from qa.evaluation import percentile
from qa.settings import Settings

MODES = ("bm25", "dense", "hybrid")
SYSTEMS = (*MODES, "txtai")
K = 10
Progress = Callable[[str], None]


@dataclass
class SystemResult:
    system: str
    n: int
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    mrr_at_10: float
    ndcg_at_10: float | None = None
    answer_in_citation: float | None = None
    answer_in_first_claim: float | None = None  # the first cited quote holds a gold answer
    first_claim_in_gold: float | None = None  # of a set labelling units, not answers: the first citation is in one
    abstain_foreign: float | None = None  # share of another set's questions abstained on (higher is better)
    false_abstain: float | None = None  # share of this set's own questions abstained on (lower is better)
    abstain_unanswerable: float | None = None  # on-topic questions the corpus does not answer (SQuAD 2.0)
    ask_p50_ms: float | None = None
    ask_p99_ms: float | None = None
    search_p50_ms: float = 0.0  # query embedding + retrieval of the top 10
    search_p99_ms: float = 0.0
    # Raw material for tuning (left out of the table): first-hit ranks and confidences.
    ranks: list[int | None] = field(default_factory=list, repr=False)
    conf_own: list[float] = field(default_factory=list, repr=False)
    conf_foreign: list[float] = field(default_factory=list, repr=False)
    conf_unanswerable: list[float] = field(default_factory=list, repr=False)


@dataclass
class DatasetReport:
    dataset: str
    split: str
    unit: str
    n_questions: int
    n_docs: int
    n_chunks: int
    build_seconds: float
    settings: dict[str, Any]
    foreign: str | None
    n_foreign: int
    n_unanswerable: int
    systems: list[SystemResult]
    notes: str = ""

    def system(self, name: str) -> SystemResult:
        return next(s for s in self.systems if s.system == name)

    def to_dict(self, raw: bool = False) -> dict[str, Any]:
        out = asdict(self)
        if not raw:
            for s in out["systems"]:
                for key in ("ranks", "conf_own", "conf_foreign", "conf_unanswerable"):
                    s.pop(key)
        return out

    def table(self) -> str:
        graded = any(s.ndcg_at_10 is not None for s in self.systems)
        head = ["system", "R@1", "R@5", "R@10", "MRR@10"] + (["nDCG@10"] if graded else [])
        head += ["answer in citation", "answer in first claim", "abstain: foreign", "false abstain"]
        gold_first = any(s.first_claim_in_gold is not None for s in self.systems)
        head += ["first claim in a gold unit"] if gold_first else []
        unans = any(s.abstain_unanswerable is not None for s in self.systems)
        head += ["abstain: unanswerable"] if unans else []
        head += ["ask p50 / p99 ms", "search p50 / p99 ms"]
        def f(x: float | None) -> str:
            return "-" if x is None else f"{x:.3f}"

        rows = []
        for s in self.systems:
            row = [s.system, f(s.recall_at_1), f(s.recall_at_5), f(s.recall_at_10), f(s.mrr_at_10)]
            row += [f(s.ndcg_at_10)] if graded else []
            row += [f(s.answer_in_citation), f(s.answer_in_first_claim), f(s.abstain_foreign), f(s.false_abstain)]
            row += [f(s.first_claim_in_gold)] if gold_first else []
            row += [f(s.abstain_unanswerable)] if unans else []
            ask = "-" if s.ask_p50_ms is None else f"{s.ask_p50_ms:.1f} / {s.ask_p99_ms:.1f}"
            rows.append(row + [ask, f"{s.search_p50_ms:.1f} / {s.search_p99_ms:.1f}"])
        lines = [
            f"### {self.dataset} ({self.split} split: {self.n_questions} questions; {self.n_docs} documents, "
            f"{self.n_chunks} chunks; unit: {self.unit})",
            "",
            markdown_table(head, rows),
        ]
        kv = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        lines += ["", f"build {self.build_seconds:.1f} s; {kv}; abstention asked with {self.n_foreign} "
                  f"{self.foreign} questions" + (f" and {self.n_unanswerable} unanswerable ones" if unans else "")]
        return "\n".join(lines)


def write_corpus(dataset: Dataset, corpus_dir: Path) -> None:
    """Each document as ``<doc_id><suffix>`` with YAML front matter (its title); the body verbatim. Each of the
    dataset's ``folders`` gets its ``.meta.yml``."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for folder, meta in dataset.folders.items():
        (corpus_dir / folder).mkdir(parents=True, exist_ok=True)
        (corpus_dir / folder / FOLDER_META).write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    for doc in dataset.docs:
        path = corpus_dir / f"{doc.doc_id}{doc.suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump({"title": doc.title}, allow_unicode=True, width=1 << 20)
        path.write_text(f"---\n{front}---\n{doc.text}", encoding="utf-8")


def build_engine(dataset: Dataset, workdir: Path, settings: Settings, embedder: Embedder) -> tuple[Engine, float]:
    """Write the corpus and build its index with ``settings``' chunking; returns the warm engine."""
    corpus, index = workdir / "corpus", workdir / "index"
    write_corpus(dataset, corpus)
    t0 = time.perf_counter()
    build_index(corpus, index, embedder, max_tokens=settings.chunk_max_tokens, lock_wait=0,
                index_type=settings.index_type, ann=AnnParams.from_settings(settings))
    seconds = time.perf_counter() - t0
    run_settings = settings.model_copy(update={
        "corpus_dir": corpus, "index_dir": index, "data_dir": workdir / "var", "query_cache_size": 0,
    })
    engine = Engine(run_settings, embedder)
    engine.warm_up()
    docs = engine.snapshot().version.docs
    for doc in dataset.docs:  # gold offsets index these texts: they must have survived the round trip
        if doc.doc_id not in docs or docs[doc.doc_id].text != doc.text:
            raise RuntimeError(f"{dataset.name}: document {doc.doc_id} did not load verbatim")
    return engine, seconds


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t0) * 1000


def _ranking_metrics(dataset: Dataset, questions: Sequence[Question], ranked: list[list[tuple[str, int, int]]]) -> dict[str, Any]:
    ranks = [first_hit(q, r, dataset.relevant_grade) for q, r in zip(questions, ranked, strict=True)]
    n = max(len(ranks), 1)
    out: dict[str, Any] = {
        "n": len(ranks),
        "recall_at_1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        "recall_at_5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "recall_at_10": sum(1 for r in ranks if r is not None and r <= 10) / n,
        "mrr_at_10": sum(1 / r for r in ranks if r is not None and r <= 10) / n,
        "ranks": ranks,
    }
    if dataset.graded:
        out["ndcg_at_10"] = statistics.fmean(ndcg_at(q, r) for q, r in zip(questions, ranked, strict=True))
    return out


def run_mode(engine: Engine, dataset: Dataset, mode: str, foreign: Sequence[Question], *, ask: bool = True) -> SystemResult:
    """One of our retrieval modes over every question: the ranking, the answer and the timings."""
    ranked, search_ms, ask_ms = [], [], []
    conf_own: list[float] = []
    cited: list[bool] = []
    first: list[bool] = []
    gold_first: list[bool] = []
    abstained_own: list[bool] = []
    for q in dataset.questions:
        if ask:
            answer, ms = _timed(lambda q=q: engine.ask(q.text, mode=mode))
            ask_ms.append(ms)
            conf_own.append(answer.confidence)
            abstained_own.append(answer.abstained)
            if q.answers:
                quotes = [] if answer.abstained else [c.quote for c in answer.citations]
                cited.append(answer_in(q.answers, quotes))
                first.append(answer_in(q.answers, quotes[:1]))
            else:  # a labelled unit (an FAQ entry, a passage) and no answer string: is the first claim from one?
                c = answer.citations[0] if answer.citations and not answer.abstained else None
                gold_first.append(c is not None and q.grade(c.doc_id, c.start, c.end) >= dataset.relevant_grade)
        chunks, ms = _timed(lambda q=q: engine.retrieve_chunks(q.text, k=K, mode=mode))
        search_ms.append(ms)
        ranked.append(chunks)
    result = SystemResult(system=mode, **_ranking_metrics(dataset, dataset.questions, ranked))
    result.search_p50_ms = statistics.median(search_ms) if search_ms else 0.0
    result.search_p99_ms = percentile(search_ms, 0.99)
    if not ask:
        return result
    result.conf_own = conf_own
    result.false_abstain = sum(abstained_own) / max(len(abstained_own), 1)
    result.answer_in_citation = sum(cited) / len(cited) if cited else None
    result.answer_in_first_claim = sum(first) / len(first) if first else None
    result.first_claim_in_gold = sum(gold_first) / len(gold_first) if gold_first else None
    result.ask_p50_ms = statistics.median(ask_ms) if ask_ms else None
    result.ask_p99_ms = percentile(ask_ms, 0.99)
    if foreign:
        answers = [engine.ask(q.text, mode=mode) for q in foreign]
        result.conf_foreign = [a.confidence for a in answers]
        result.abstain_foreign = sum(a.abstained for a in answers) / len(answers)
    if dataset.unanswerable:
        answers = [engine.ask(q.text, mode=mode) for q in dataset.unanswerable]
        result.conf_unanswerable = [a.confidence for a in answers]
        result.abstain_unanswerable = sum(a.abstained for a in answers) / len(answers)
    return result


def run_peer(engine: Engine, dataset: Dataset, model_path: Path | None = None) -> SystemResult:
    """txtai hybrid over our chunk texts; only the ranking and its search latency (it composes no answer)."""
    from bench.datasets.peer import TxtaiPeer, chunk_texts

    version = engine.snapshot().version
    peer = TxtaiPeer(model_path)
    peer.index(chunk_texts(version))
    peer.search("warm up", K)
    ranked, search_ms = [], []
    for q in dataset.questions:
        ids, ms = _timed(lambda q=q: peer.search(q.text, K))
        search_ms.append(ms)
        ranked.append([(version.chunks[i].doc_id, version.chunks[i].start, version.chunks[i].end) for i in ids])
    result = SystemResult(system="txtai", **_ranking_metrics(dataset, dataset.questions, ranked))
    result.search_p50_ms = statistics.median(search_ms) if search_ms else 0.0
    result.search_p99_ms = percentile(search_ms, 0.99)
    return result


def score_engine(
    engine: Engine,
    dataset: Dataset,
    *,
    systems: Sequence[str] = SYSTEMS,
    foreign: Sequence[Question] = (),
    foreign_name: str | None = None,
    split: str = "test",
    ask: bool | Sequence[str] = True,
    build_seconds: float = 0.0,
    progress: Progress | None = None,
) -> DatasetReport:
    """Score every system on ``dataset``'s questions over ``engine``'s index (built from that set).
    ``ask``: ask through ``Engine.ask`` too (answers, abstention, latency) in every mode, or only in
    the modes named."""
    say = progress or (lambda _m: None)
    settings = engine.settings
    results = []
    for system in systems:
        say(f"{dataset.name}: {system} on {len(dataset.questions)} questions")
        if system == "txtai":
            results.append(run_peer(engine, dataset, settings.model_path))
        else:
            asked = ask if isinstance(ask, bool) else system in ask
            results.append(run_mode(engine, dataset, system, foreign, ask=asked))
    return DatasetReport(
        dataset=dataset.name, split=split, unit=dataset.unit, n_questions=len(dataset.questions),
        n_docs=len(dataset.docs), n_chunks=len(engine.snapshot().version.chunks), build_seconds=round(build_seconds, 2),
        settings={"chunk_max_tokens": settings.chunk_max_tokens, "top_k": settings.top_k,
                  "rrf_k": settings.rrf_k, "abstain_threshold": settings.abstain_threshold},
        foreign=foreign_name, n_foreign=len(foreign) if ask else 0,
        n_unanswerable=len(dataset.unanswerable) if ask else 0, systems=results, notes=dataset.notes,
    )


def run_dataset(
    dataset: Dataset,
    settings: Settings,
    embedder: Embedder,
    *,
    systems: Sequence[str] = SYSTEMS,
    foreign: Sequence[Question] = (),
    foreign_name: str | None = None,
    split: str = "test",
    ask: bool | Sequence[str] = True,
    workdir: Path | None = None,
    progress: Progress | None = None,
) -> DatasetReport:
    """Build ``dataset``'s index in a scratch directory and score every system on its questions."""
    say = progress or (lambda _m: None)
    scratch = Path(tempfile.mkdtemp(prefix=f"qa-{dataset.name}-", dir=workdir))
    try:
        say(f"{dataset.name}: building {len(dataset.docs)} documents")
        engine, build_s = build_engine(dataset, scratch, settings, embedder)
        return score_engine(engine, dataset, systems=systems, foreign=foreign, foreign_name=foreign_name,
                            split=split, ask=ask, build_seconds=build_s, progress=progress)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
