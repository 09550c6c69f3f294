"""The benchmark loaders and metrics (bench/datasets): counts as the data README states, gold spans that
point at the answer text, the corpus round trip, and the metric recipe. No model needed. A test of a set
in ../shared/data is marked ``shared_data``: skipped in one line when the set is missing (tests/conftest.py),
failed instead under --require-shared-data (CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.datasets import DATASET_NAMES, Dataset, Gold, Question, SourceDoc, load_dataset, split_of
from bench.datasets.metrics import answer_in, first_hit, ndcg_at, normalise
from bench.datasets.runner import write_corpus
from qa.documents import load_corpus
from tests.conftest import DATA

# (documents, scored questions, unanswerable) per set, as ../shared/data/README.md describes them.
COUNTS = {
    "squad2-dev-cs224n": (646, 2910, 3168),
    "covid-qa": (98, 1380, 0),
    "covid-qa-faq": (213, 244, 0),
    "msmarco-trecdl-subset": (5000, 43, 0),
    "django-faq": (10, 54, 0),
    "github-questions-fastapi-flask": (254, 13, 0),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.shared_data(n)) for n in DATASET_NAMES])
def test_loader_counts_and_gold(name: str) -> None:
    ds = load_dataset(name, DATA)
    assert (len(ds.docs), len(ds.questions), len(ds.unanswerable)) == COUNTS[name]
    texts = {d.doc_id: d.text for d in ds.docs}
    assert len(texts) == len(ds.docs)  # doc ids are unique
    for q in ds.questions:
        assert q.gold and all(g.doc_id in texts for g in q.gold)
        spans = [texts[g.doc_id][g.start : g.end] for g in q.gold if g.start is not None and g.end is not None]
        if q.answers:  # span labels point at the answer text itself (COVID-QA offsets repaired)
            assert any(s.strip() in {a.strip() for a in q.answers} for s in spans), q.qid


@pytest.mark.shared_data("django-faq")
def test_data_dir_may_be_the_set_itself() -> None:
    assert len(load_dataset("django-faq", DATA / "django-faq").questions) == 54
    with pytest.raises(ValueError):
        load_dataset("no-such-set", DATA)


@pytest.mark.shared_data("squad2-dev-cs224n")
def test_split_is_stable_and_about_30_percent_dev() -> None:
    ds = load_dataset("squad2-dev-cs224n", DATA)
    dev, test = ds.split("dev"), ds.split("test")
    assert len(dev.questions) + len(test.questions) == len(ds.questions)
    assert 0.27 < len(dev.questions) / len(ds.questions) < 0.33
    assert {q.qid for q in dev.questions}.isdisjoint({q.qid for q in test.questions})
    assert all(split_of(ds.name, q.qid) == "dev" for q in dev.questions)


@pytest.mark.shared_data("covid-qa")
def test_corpus_cut_keeps_whole_questions() -> None:
    ds = load_dataset("covid-qa", DATA).sample(30, max_docs=3)
    ids = {d.doc_id for d in ds.docs}
    assert len(ids) == 3 and ds.questions
    assert all(g.doc_id in ids for q in ds.questions for g in q.gold)


def test_corpus_files_load_verbatim(tmp_path: Path) -> None:
    """Gold offsets index the document text: writing and loading must not change one character."""
    odd = "\n  leading blank line, a rule below\n---\nand a trailing space \n# a heading\ncafé — done"
    ds = Dataset("t", [SourceDoc("a/b-1", 'Title: with "quotes" and a colon', odd),
                       SourceDoc("c", "Plain", "x\r\ny".replace("\r\n", "\n"), ".txt")], [], "document",
                 folders={"a": {"subjects": ["Zephyr DB"], "publisher": "Zephyr docs"}})
    write_corpus(ds, tmp_path)
    docs, warnings = load_corpus(tmp_path)
    assert not warnings
    by_id = {d.doc_id: d for d in docs}
    assert by_id["a/b-1"].text == odd and by_id["a/b-1"].title == 'Title: with "quotes" and a colon'
    assert by_id["c"].text == "x\ny"
    # a folder's metadata is its documents' (a docs corpus's pages have none of their own)
    assert (by_id["a/b-1"].subjects, by_id["a/b-1"].publisher) == (("Zephyr DB",), "Zephyr docs")
    assert (by_id["c"].subjects, by_id["c"].publisher) == ((), None)


def test_hits_overlap_the_gold_span() -> None:
    q = Question("q", "?", (Gold("d", 100, 120),))
    assert q.grade("d", 90, 101) == 1  # overlaps the start
    assert q.grade("d", 119, 200) == 1  # overlaps the end
    assert q.grade("d", 0, 100) == 0  # ends where the answer starts: no overlap
    assert q.grade("e", 100, 120) == 0  # another document
    assert Question("p", "?", (Gold("d"),)).grade("d", 0, 5) == 1  # document-level label


def test_ranking_metrics() -> None:
    q = Question("q", "?", (Gold("a", grade=3), Gold("b", grade=1)))
    assert first_hit(q, [("x", 0, 1), ("b", 0, 1), ("a", 0, 1)]) == 2
    assert first_hit(q, [("x", 0, 1), ("b", 0, 1), ("a", 0, 1)], min_grade=2) == 3
    assert first_hit(q, [("x", 0, 1)]) is None
    assert ndcg_at(q, [("a", 0, 1), ("b", 0, 1)]) == pytest.approx(1.0)
    assert ndcg_at(q, [("a", 0, 1), ("a", 5, 9), ("b", 0, 1)]) == pytest.approx(1.0)  # a document gains once
    assert ndcg_at(q, [("b", 0, 1), ("a", 0, 1)]) < 1.0


def test_answer_in_citation_is_normalised() -> None:
    assert normalise("The  Normans, in France!") == "normans in france"
    assert answer_in(["the Normans"], ["In 911 Normans settled."])
    assert not answer_in(["Vikings"], ["In 911 Normans settled."])
    assert not answer_in([""], ["anything"])  # an empty gold answer matches nothing


def test_cli_dataset_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from integrations.cli import main

    assert main(["eval", "--dataset", "no-such-set", "--data", str(tmp_path)]) == 1
    assert "unknown dataset no-such-set" in capsys.readouterr().err
    assert main(["eval", "--dataset", "django-faq", "--data", str(tmp_path / "missing")]) == 1
    assert "data directory" in capsys.readouterr().err
    assert main(["eval", "--dataset", "django-faq", "--data", str(tmp_path), "--systems", "bm25,lucene"]) == 1
    assert "unknown system lucene" in capsys.readouterr().err
    assert main(["eval", "--dataset", "django-faq", "--data", str(tmp_path)]) == 1  # no django-faq/ inside
    assert "no django-faq/" in capsys.readouterr().err


@pytest.mark.shared_data("django-faq")
@pytest.mark.slow
def test_qa_eval_dataset_runs_bench_from_the_checkout(tmp_path: Path, onnx_cache_dir: Path, embedder: object) -> None:
    """`qa eval --dataset` (the README's command) through the console script, from another directory: the
    CLI finds the checkout's bench/ although bench is not part of the installed package."""
    import json
    import subprocess

    from tests.servers import QA, child_env

    env = child_env(QA_INDEX_DIR=str(tmp_path / "index"), QA_DATA_DIR=str(tmp_path / "var"),
                    QA_MODEL_CACHE_DIR=str(onnx_cache_dir))
    out = subprocess.run([QA, "eval", "--dataset", "django-faq", "--data", str(DATA), "--sample", "3",
                          "--systems", "bm25", "--json"], capture_output=True, text=True, timeout=600, env=env,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (report,) = json.loads(out.stdout)
    assert report["dataset"] == "django-faq" and [s["system"] for s in report["systems"]] == ["bm25"]
