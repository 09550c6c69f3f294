"""Real labelled sets (../shared/data) as a regression gate: a bounded sample of each set (about 40
questions, a corpus cut to the gold documents plus distractors), built through ``build_index`` with the
real model and asked through ``Engine.ask`` / ``Engine.retrieve_chunks`` in every retrieval mode.

Thresholds sit a few points below what this sample measured when they were set (see README "Quality
and speed" for the full runs); a drop below them is a regression in chunking, retrieval or answering.
"""

from __future__ import annotations

import statistics

import pytest

from bench.datasets.runner import DatasetReport
from bench.datasets.suite import run_suite
from qa.embedding import Embedder
from tests.conftest import DATA, make_settings

SAMPLE = 40
PEER_SET = "covid-qa-faq"  # the set txtai is run on in CI (the full comparison is bench/real.py)
# Corpus cut per set: enough distractors to make retrieval a real choice, small enough for CI.
MAX_DOCS = {
    "squad2-dev-cs224n": 50,
    "covid-qa": 3,
    "covid-qa-faq": 50,
    "msmarco-trecdl-subset": 80,
    "django-faq": 10,
    "github-questions-fastapi-flask": 8,
}
# Per set: hybrid (ours) R@5, MRR@10 and answer-in-citation floors (else, for a set labelling units, the floor of
# the first claim from a gold unit), and the false-abstention ceiling.
# Measured on this sample (all split, 2026-11-21, top_k 50, rrf_k 5): hybrid R@5 / MRR@10 / answer in
# citation: SQuAD 0.925 / 0.820 / 0.750, COVID-QA 0.852 / 0.618 / 0.630, FAQ 1.0 / 0.956, MS MARCO 1.0 / 0.958
# (nDCG 0.956), Django 1.0 / 0.926, GitHub 0.9 / 0.833; false abstention 0.2, 0.11, 0.1, 0.175, 0.0, 0.4.
# First claim from a gold unit (2026-12-05): FAQ 0.925, MS MARCO 0.800, Django 0.900, GitHub 0.400.
FLOORS = {
    "squad2-dev-cs224n": {"r5": 0.85, "mrr": 0.72, "aic": 0.65, "false_abstain": 0.3},
    "covid-qa": {"r5": 0.75, "mrr": 0.5, "aic": 0.5, "false_abstain": 0.25},
    "covid-qa-faq": {"r5": 0.9, "mrr": 0.85, "first_gold": 0.8, "false_abstain": 0.2},
    "msmarco-trecdl-subset": {"r5": 0.9, "mrr": 0.85, "ndcg": 0.85, "first_gold": 0.65, "false_abstain": 0.3},
    "django-faq": {"r5": 0.9, "mrr": 0.82, "first_gold": 0.8, "false_abstain": 0.1},
    "github-questions-fastapi-flask": {"r5": 0.75, "mrr": 0.65, "first_gold": 0.2, "false_abstain": 0.6},  # 10 terse issue titles
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.shared_data(*MAX_DOCS),
]


def _peer_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("txtai") is not None


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> dict[str, DatasetReport]:
    """The default backend's figures (the one the product answers with)."""
    settings = make_settings(index_dir=tmp_path_factory.mktemp("real-index"), data_dir=tmp_path_factory.mktemp("var"))
    out = {}
    for name, max_docs in MAX_DOCS.items():
        systems = ("bm25", "dense", "hybrid") + (("txtai",) if name == PEER_SET and _peer_installed() else ())
        (report,) = run_suite([name], DATA, settings, embedder=embedder, split="all", sample=SAMPLE,
                              max_docs=max_docs, systems=systems, foreign_sample=20, unanswerable_sample=20,
                              ask=("hybrid",))
        out[name] = report
        print(report.table())  # shown with -s, and in the log of a failing run
    return out


@pytest.mark.parametrize("name", list(MAX_DOCS))
def test_hybrid_retrieval_floor(reports: dict[str, DatasetReport], name: str) -> None:
    hybrid = reports[name].system("hybrid")
    floor = FLOORS[name]
    assert hybrid.recall_at_5 >= floor["r5"], reports[name].table()
    assert hybrid.mrr_at_10 >= floor["mrr"], reports[name].table()
    if "ndcg" in floor:
        assert hybrid.ndcg_at_10 is not None and hybrid.ndcg_at_10 >= floor["ndcg"], reports[name].table()
    if "aic" in floor:
        assert hybrid.answer_in_citation is not None and hybrid.answer_in_citation >= floor["aic"], reports[name].table()


@pytest.mark.parametrize("name", list(MAX_DOCS))
def test_the_first_claim_is_measured_against_the_gold_answer_or_unit(reports: dict[str, DatasetReport],
                                                                      name: str) -> None:
    """A set with answer strings measures the first quote holding one; a set labelling only units (an FAQ
    entry, a passage, a docs page) whether the first citation is from a gold unit."""
    hybrid = reports[name].system("hybrid")
    if "aic" in FLOORS[name]:
        assert hybrid.answer_in_first_claim is not None and hybrid.first_claim_in_gold is None
    else:
        assert hybrid.answer_in_first_claim is None and hybrid.first_claim_in_gold is not None, reports[name].table()
        assert hybrid.first_claim_in_gold >= FLOORS[name]["first_gold"], reports[name].table()
        assert "first claim in a gold unit" in reports[name].table()


@pytest.mark.parametrize("name", list(MAX_DOCS))
def test_abstains_on_another_sets_questions(reports: dict[str, DatasetReport], name: str) -> None:
    hybrid = reports[name].system("hybrid")
    assert hybrid.abstain_foreign is not None and hybrid.abstain_foreign >= 0.85, reports[name].table()
    assert hybrid.false_abstain is not None and hybrid.false_abstain <= FLOORS[name]["false_abstain"], reports[name].table()


def test_hybrid_beats_each_retriever_alone_on_the_mean(reports: dict[str, DatasetReport]) -> None:
    def mean(system: str) -> float:
        return statistics.fmean(r.system(system).recall_at_5 + r.system(system).mrr_at_10 for r in reports.values())

    assert mean("hybrid") > mean("bm25"), "\n\n".join(r.table() for r in reports.values())
    assert mean("hybrid") > mean("dense"), "\n\n".join(r.table() for r in reports.values())


def test_hybrid_recall_matches_txtai(reports: dict[str, DatasetReport]) -> None:
    """Retrieval against retrieval; which is faster is measured by bench/real.py, not asserted here."""
    if not _peer_installed():
        pytest.skip("the peer is the bench extra: pip install -e '.[bench]'")
    report = reports[PEER_SET]
    ours, peer = report.system("hybrid"), report.system("txtai")
    assert ours.recall_at_5 >= peer.recall_at_5 - 0.05, report.table()
