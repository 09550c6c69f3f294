"""The evaluation set as a CI gate: answer quality on the seed corpus with the real model.

The first questions (ids without ``rob-``) were written with the product; the robustness questions (``rob-``)
later, as other people phrase them (word forms, typos, long questions, names mentioned in passing, other
languages, bare follow-ups, questions whose sources agree). Each part has its own floors: where the product
stands (docs/evaluation.md), so that a drop fails CI."""

from __future__ import annotations

import pytest

from qa.engine import Engine
from qa.evaluation import CaseResult, EvalReport, ask_cases, default_questions_path, load_cases, summarise


@pytest.fixture(scope="module")
def results(engine: Engine) -> list[CaseResult]:
    """Every question of the set asked once; each part below is scored from these."""
    return ask_cases(engine, load_cases(default_questions_path()))


@pytest.fixture(scope="module")
def report(results: list[CaseResult]) -> EvalReport:
    return summarise([r for r in results if not r.id.startswith("rob-")])


@pytest.fixture(scope="module")
def robustness(results: list[CaseResult]) -> EvalReport:
    return summarise([r for r in results if r.id.startswith("rob-")])


@pytest.fixture(scope="module")
def whole(results: list[CaseResult]) -> EvalReport:
    return summarise(results)


def test_eval_set_is_large_and_varied() -> None:
    cases = load_cases(default_questions_path())
    types = {c.type for c in cases}
    assert len(cases) >= 60
    assert {"fact", "recommendation", "howto", "followup", "disagreement", "comparison", "out_of_scope"} <= types
    assert sum(not c.answerable for c in cases) >= 12
    assert all(c.history for c in cases if c.type == "followup")


def test_answer_hit_rate(report: EvalReport) -> None:
    misses = [(f.id, f.answer[:80]) for f in report.failures if f.answerable]
    assert report.answer_hit_rate >= 0.95, misses  # 0.977 (docs/evaluation.md)
    assert report.first_claim_hit_rate >= 0.7  # 0.736


def test_abstention(report: EvalReport) -> None:
    assert report.abstention_recall >= 0.9, [f.id for f in report.failures if not f.answerable]
    assert report.false_abstention <= 0.05


def test_every_quote_is_grounded(report: EvalReport) -> None:
    assert report.grounded_quote_rate == 1.0


def test_both_sides_of_comparisons(report: EvalReport) -> None:
    assert report.both_sides_coverage >= 0.8


def test_evidence_recall(report: EvalReport) -> None:
    assert report.evidence_recall_at_k >= 0.8


def test_disagreements_are_shown(report: EvalReport) -> None:
    # Share of disagreement questions whose answer shows two differing values (issue 6 set 0.8; disagreements
    # read by aspect and value, issue 15, hold 0.85), and none where the sources agree.
    assert report.conflict_recall >= 0.85
    assert report.false_disagreements == 0


def test_eval_set_has_a_robustness_part() -> None:
    rob = [c for c in load_cases(default_questions_path()) if c.id.startswith("rob-")]
    assert len(rob) >= 40
    assert sum(c.no_conflict for c in rob) >= 8  # questions whose sources agree
    assert sum(not c.answerable for c in rob) >= 10


def test_robustness_floors(robustness: EvalReport) -> None:
    r = robustness
    assert r.grounded_quote_rate == 1.0
    assert r.abstention_recall >= 0.95, [f.id for f in r.failures if not f.answerable]
    # 0.873 (docs/evaluation.md, round 6: quotes run on over the sentences continuing them; 0.823 before)
    assert r.answer_hit_rate >= 0.85, [f.id for f in r.failures if f.answerable]
    assert r.first_claim_hit_rate >= 0.55  # 0.620
    assert r.false_abstention <= 0.05  # 0.025
    assert r.conflict_recall >= 0.9  # 0.917
    assert r.false_disagreements == 0, [f.id for f in r.failures if f.false_conflict]


def test_issue_15_targets_on_the_whole_set(whole: EvalReport) -> None:
    """Both parts together, at the targets issue 15 set (docs/evaluation.md: 0.952, 1.000, 0.006, 0.963)."""
    r = whole
    assert r.answer_hit_rate >= 0.95, [f.id for f in r.failures if f.answerable]
    assert r.abstention_recall >= 0.95, [f.id for f in r.failures if not f.answerable]
    assert r.false_abstention <= 0.03
    assert r.conflict_recall >= 0.93
    assert r.false_disagreements == 0, [f.id for f in r.failures if f.false_conflict]
    assert r.grounded_quote_rate == 1.0
