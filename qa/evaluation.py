"""The evaluation set: questions written from the corpus, with the phrases a correct answer contains.

``qa eval`` reports evidence recall@k, answer hit rate, answer in the first claim, abstention
precision/recall, false abstention, grounded-quote rate, conflict recall, false disagreements (on questions
whose sources agree), both-sides coverage and latency.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qa.answer import Answer
from qa.documents import load_corpus
from qa.engine import Engine


def default_questions_path() -> Path:
    """The evaluation set shipped with the package (package data), so ``qa eval`` finds it from any directory."""
    return Path(__file__).resolve().parent / "data" / "questions.jsonl"


@dataclass
class EvalCase:
    id: str
    type: str
    question: str
    answerable: bool
    must_contain_any: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    conflict_values: list[str] = field(default_factory=list)
    no_conflict: bool = False  # the sources agree: the answer must show no disagreement


def load_cases(path: Path) -> list[EvalCase]:
    cases = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                cases.append(EvalCase(**json.loads(line)))
            except (TypeError, json.JSONDecodeError) as exc:
                raise ValueError(f"{path}:{n}: {exc}") from exc
    return cases


@dataclass
class CaseResult:
    id: str
    type: str
    answerable: bool
    abstained: bool
    hit: bool
    first_claim_hit: bool  # the first cited quote holds an expected phrase
    evidence_hit: bool
    grounded: bool
    conflict_hit: bool | None
    false_conflict: bool | None  # a disagreement shown where the sources agree
    both_sides: bool | None
    confidence: float
    ms: float
    answer: str


@dataclass
class EvalReport:
    n: int
    evidence_recall_at_k: float
    answer_hit_rate: float
    first_claim_hit_rate: float
    abstention_precision: float
    abstention_recall: float
    false_abstention: float
    grounded_quote_rate: float
    conflict_recall: float
    false_disagreements: int
    both_sides_coverage: float
    latency_p50_ms: float
    latency_p99_ms: float
    k: int
    failures: list[CaseResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        rows = [
            ("questions", f"{self.n}"),
            (f"evidence recall@{self.k}", f"{self.evidence_recall_at_k:.3f}"),
            ("answer hit rate", f"{self.answer_hit_rate:.3f}"),
            ("answer in the first claim", f"{self.first_claim_hit_rate:.3f}"),
            ("abstention precision", f"{self.abstention_precision:.3f}"),
            ("abstention recall", f"{self.abstention_recall:.3f}"),
            ("false abstention (answerable)", f"{self.false_abstention:.3f}"),
            ("grounded quotes", f"{self.grounded_quote_rate:.3f}"),
            ("conflict recall", f"{self.conflict_recall:.3f}"),
            ("false disagreements", f"{self.false_disagreements}"),
            ("both-sides coverage", f"{self.both_sides_coverage:.3f}"),
            ("ask latency p50 / p99", f"{self.latency_p50_ms:.1f} ms / {self.latency_p99_ms:.1f} ms"),
        ]
        width = max(len(r[0]) for r in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _contains_any(text: str, phrases: list[str]) -> bool:
    low = text.lower()
    return any(p.lower() in low for p in phrases)


def answer_text(answer: Answer) -> str:
    """Everything a reader sees: the answer, the quotes and the conflicting claims."""
    parts = [answer.answer] + [c.quote for c in answer.citations]
    parts += [cl.text for conflict in answer.conflicts for cl in conflict.claims]
    return "\n".join(parts)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_eval(engine: Engine, cases: list[EvalCase], *, k: int = 5, mode: str = "hybrid") -> EvalReport:
    """Ask every case through ``Engine.ask`` (follow-ups after their history, in one conversation), and score
    the answers."""
    return summarise(ask_cases(engine, cases, k=k, mode=mode), k=k)


def ask_cases(engine: Engine, cases: list[EvalCase], *, k: int = 5, mode: str = "hybrid") -> list[CaseResult]:
    """Each case asked through ``Engine.ask`` (follow-ups after their history, in one conversation), judged
    against what its answer must hold; ``k`` chunks searched for its evidence."""
    docs, _ = load_corpus(engine.settings.corpus_dir)
    texts = {d.doc_id: d.text for d in docs}
    snap = engine.snapshot()
    results: list[CaseResult] = []
    for case in cases:
        conv = f"eval-{case.id}-{time.time_ns()}" if case.history else None
        for earlier in case.history:
            engine.ask(earlier, conv, mode=mode)
        t0 = time.perf_counter()
        answer = engine.ask(case.question, conv, mode=mode)
        ms = (time.perf_counter() - t0) * 1000
        seen = answer_text(answer)
        grounded = all(texts.get(c.doc_id, "")[c.start : c.end] == c.quote for c in answer.citations)
        evidence = engine.retrieve_chunks(answer.resolved_question, k=k, mode=mode)
        evidence_hit = any(_contains_any(snap.version.docs[d].text[s:e], case.must_contain_any) for d, s, e in evidence)
        conflict_hit = None
        if case.conflict_values:
            conflict_hit = sum(v.lower() in seen.lower() for v in case.conflict_values) >= 2
        both = None
        if case.type == "comparison" and len(case.subjects) >= 2:
            both = not answer.abstained and all(
                any(snap.catalog.mentioned(c.quote + " " + (c.section or "")).count(s) for c in answer.citations)
                for s in case.subjects
            )
        hit = (not answer.abstained) and (not case.must_contain_any or _contains_any(seen, case.must_contain_any))
        first = answer.citations[0].quote if answer.citations else ""
        first_hit = hit and (not case.must_contain_any or _contains_any(first, case.must_contain_any))
        false_conflict = bool(answer.conflicts) if case.no_conflict else None
        results.append(
            CaseResult(case.id, case.type, case.answerable, answer.abstained, hit, first_hit, evidence_hit, grounded,
                       conflict_hit, false_conflict, both, answer.confidence, ms, answer.answer)
        )
    return results


def summarise(results: list[CaseResult], *, k: int = 5) -> EvalReport:
    """The figures of a set of judged answers (:func:`ask_cases`, searched with ``k`` chunks)."""
    answerable = [r for r in results if r.answerable]
    oos = [r for r in results if not r.answerable]
    abstained = [r for r in results if r.abstained]
    conflicts = [r for r in results if r.conflict_hit is not None]
    comparisons = [r for r in results if r.both_sides is not None]
    latencies = [r.ms for r in results]

    def share(items: list[CaseResult], pred: Any) -> float:
        return sum(1 for r in items if pred(r)) / len(items) if items else 1.0

    failures = [r for r in results
                if (r.answerable and not r.hit) or (not r.answerable and not r.abstained) or r.false_conflict]
    return EvalReport(
        n=len(results),
        evidence_recall_at_k=share([r for r in answerable if r.type != "followup"], lambda r: r.evidence_hit),
        answer_hit_rate=share(answerable, lambda r: r.hit),
        first_claim_hit_rate=share(answerable, lambda r: r.first_claim_hit),
        abstention_precision=share(abstained, lambda r: not r.answerable),
        abstention_recall=share(oos, lambda r: r.abstained),
        false_abstention=share(answerable, lambda r: r.abstained),
        grounded_quote_rate=share(results, lambda r: r.grounded),
        conflict_recall=share(conflicts, lambda r: r.conflict_hit),
        false_disagreements=sum(1 for r in results if r.false_conflict),
        both_sides_coverage=share(comparisons, lambda r: r.both_sides),
        latency_p50_ms=statistics.median(latencies) if latencies else 0.0,
        latency_p99_ms=percentile(latencies, 0.99),
        k=k,
        failures=failures,
    )
