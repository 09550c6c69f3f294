"""The learned evidence ranker and abstention model: the shipped file, and what it does with the real model."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from qa.engine import Engine
from qa.evidence import CONFIDENCE_CHUNKS, POOL_CHUNKS, build_pool, score_units
from qa.query import analyse
from qa.ranker import FEATURES, MODEL_FILE, QUESTION_FEATURES, LinearModel, Models, shipped_models
from qa.retrieval import retrieve


def test_the_shipped_models_load_with_this_codes_features() -> None:
    models = shipped_models()
    assert models.ranker.names == FEATURES and len(models.ranker.weights) == len(FEATURES)
    assert models.abstention.names == QUESTION_FEATURES
    assert 0.0 < models.abstention.threshold < 1.0
    assert models.meta["split"] == "dev"  # trained on dev questions only
    assert np.all(np.isfinite(models.ranker.weights)) and np.all(models.ranker.scale > 0)


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
