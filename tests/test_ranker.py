"""The learned evidence ranker and abstention model: the shipped file, and what it does with the real model."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from bench.train_ranker import ABSTAIN_SETS, QUICK_SETS, TRAIN_SETS, compare, verify
from qa.embedding import Embedder
from qa.engine import Engine
from qa.evidence import CONFIDENCE_CHUNKS, POOL_CHUNKS, build_pool, score_units
from qa.query import analyse
from qa.ranker import FEATURES, MODEL_FILE, QUESTION_FEATURES, LinearModel, Models, shipped_models
from qa.retrieval import retrieve
from tests.conftest import DATA


def test_the_shipped_models_load_with_this_codes_features() -> None:
    models = shipped_models()
    assert models.ranker.names == FEATURES and len(models.ranker.weights) == len(FEATURES)
    assert models.abstention.names == QUESTION_FEATURES
    assert 0.0 < models.abstention.threshold < 1.0
    assert models.meta["split"] == "dev"  # trained on dev questions only
    assert np.all(np.isfinite(models.ranker.weights)) and np.all(models.ranker.scale > 0)


def test_the_shipped_file_fingerprints_the_rows_of_every_set_it_was_trained_on() -> None:
    fp = shipped_models().meta["fingerprint"]
    assert set(fp) == set(ABSTAIN_SETS)
    assert {n for n, parts in fp.items() if "ranker" in parts} == set(TRAIN_SETS)
    assert compare(fp, fp) == []
    moved = json.loads(json.dumps(fp))
    moved["django-faq"]["abstention"]["mean"][QUESTION_FEATURES.index("unknown_name")] += 0.01
    moved["squad2-dev-cs224n"]["ranker"]["rows"] += 1
    mean = fp["django-faq"]["abstention"]["mean"][QUESTION_FEATURES.index("unknown_name")]
    rows = fp["squad2-dev-cs224n"]["ranker"]["rows"]
    assert compare(fp, moved) == [f"django-faq abstention: unknown_name mean {mean + 0.01:.6f}, shipped {mean:.6f}",
                                  f"squad2-dev-cs224n ranker: {rows + 1} rows, shipped {rows}"]
    # Rows another CPU's embedder made: a few more or fewer rows, features within 1% of their spread, pass.
    spread = fp["django-faq"]["abstention"]["std"][QUESTION_FEATURES.index("unknown_name")]
    moved["django-faq"]["abstention"]["mean"][QUESTION_FEATURES.index("unknown_name")] = mean + 0.005 * spread
    assert spread > 0 and compare(fp, moved, same_cpu=False) == []
    moved["django-faq"]["abstention"]["mean"][QUESTION_FEATURES.index("unknown_name")] = mean + 0.02 * spread
    assert compare(fp, moved, same_cpu=False) == [
        f"django-faq abstention: unknown_name mean {mean + 0.02 * spread:.6f}, shipped {mean:.6f}"]


@pytest.mark.slow
@pytest.mark.shared_data(*QUICK_SETS, "covid-qa")  # covid-qa: the foreign questions of two of them
def test_the_shipped_models_were_trained_on_the_features_this_code_computes(
        tmp_path: Path, embedder: Embedder) -> None:
    """The guard of `python -m bench.train_ranker` reproducing the shipped file (issue 15): the rows of the sets
    quick to index (every dev question, asked of a corpus cut to `GUARD_DOCS`), recomputed from an empty cache
    with this code, are the ones the file's meta says the training code made of them. A feature that moves under
    the file (a cue, a list of question words) fails it: retrain."""
    moved = verify(DATA, tmp_path / "train-cache", QUICK_SETS, embedder=embedder, guard=True)
    more = f"\n... and {len(moved) - 12} more" if len(moved) > 12 else ""
    assert not moved, ("qa/models/evidence.json was trained on features this code no longer computes; retrain "
                       "it (python -m bench.train_ranker) and commit the file:\n" + "\n".join(moved[:12]) + more)


def test_a_model_file_round_trips_and_a_stale_one_is_refused() -> None:
    text = resources.files("qa.models").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    again = Models.from_json(Models.from_json(text).to_json())
    assert again.to_json() == Models.from_json(text).to_json()
    stale = json.loads(text)
    stale["ranker"]["features"] = stale["ranker"]["features"][:-1]
    with pytest.raises(ValueError, match="retrain"):
        Models.from_json(json.dumps(stale))
    with pytest.raises(ValueError, match="format"):
        Models.from_json(json.dumps({**json.loads(text), "format": 99}))


def test_linear_model_scores_standardised_rows() -> None:
    m = LinearModel(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]), bias=0.5)
    assert m.score(np.array([[3.0, 1.0], [1.0, 0.0]])).tolist() == [0.5, 0.5]


# Labelled fixture: questions of the seed corpus and a phrase the unit answering each one holds.
LABELLED = [
    ("Who created Flask?", "Armin Ronacher"),
    ("Which validation library does FastAPI use?", "Pydantic"),
    ("When was Flask first released?", "2010"),
    ("What ASGI toolkit is FastAPI built on?", "Starlette"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("question", "phrase"), LABELLED)
def test_the_shipped_ranker_puts_an_answering_unit_in_the_top_three(engine: Engine, question: str, phrase: str) -> None:
    snap = engine.snapshot()
    query = analyse(question, snap.catalog)
    qvec = engine.embedder.embed([question])[0]
    ranking = score_units(snap, qvec, query, retrieve(snap, qvec, query, top_k=50, rrf_k=5, rrf_weight=engine.settings.fusion_rrf_weight))
    top = [snap.unit_text[s.unit] for s in ranking.scored[:3]]
    assert any(phrase.lower() in t.lower() for t in top), top
    scores = [s.score for s in ranking.scored]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow
def test_claims_draw_on_more_chunks_than_confidence_reads(engine: Engine) -> None:
    snap = engine.snapshot()
    question = "Which validation library does FastAPI use?"
    query = analyse(question, snap.catalog)
    qvec = engine.embedder.embed([question])[0]
    cands = retrieve(snap, qvec, query, top_k=50, rrf_k=5, rrf_weight=engine.settings.fusion_rrf_weight)
    pool = build_pool(snap, qvec, query, cands)
    assert pool is not None
    best = {c.chunk for c in cands[:CONFIDENCE_CHUNKS]}
    later = np.isin(snap.version.units[pool.ids, 0], [c.chunk for c in cands[CONFIDENCE_CHUNKS:POOL_CHUNKS]
                                                       if c.chunk not in best])
    assert later.any()  # candidates from chunks ranked past the ones confidence reads
    assert not pool.leading[later].any() and pool.leading[~later].all()
