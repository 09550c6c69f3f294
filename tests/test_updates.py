"""Updating the corpus, checked on answers with the real model: an edited article is answered from its new
text, a deleted one is never cited again, an added one (new subjects) is answered and cited.

One incremental build on copies of the seed corpus and index makes all three changes; the session engine
over the untouched seed index is the "before".
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from qa.build import BuildReport, build_index
from qa.chunking import chunk_document
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from tests.conftest import CORPUS, LITESTAR_PAGE, make_settings

pytestmark = pytest.mark.slow

EDITED, DELETED, ADDED = "flask-vs-fastapi-2026", "codesea-fastapi-vs-flask", "litestar-benchmarks"
# Questions whose best evidence was in the deleted article (checked on the seed index first).
DELETED_QUESTIONS = [
    "How many GitHub stars does fastapi/fastapi have?",
    "What are the layers of the Flask architecture?",
    "What are the data flow stages of FastAPI?",
    "Which technologies do Flask and FastAPI share?",
]
ADDED_QUESTIONS = ["How are the Litestar benchmarks run?", "Which tool does Litestar use for benchmarking?"]
FRONT_MATTER = "---\ntitle: Litestar benchmarks\npublisher: Litestar\nsubjects: [Litestar, FastAPI, Starlette, Quart, Sanic]\n---\n"


class CountingEmbedder:
    """The real model, keeping the texts it embeds (a thin recorder, not a fake)."""

    def __init__(self, inner: OnnxEmbedder) -> None:
        self.inner = inner
        self.model_id, self.dim, self.precision = inner.model_id, inner.dim, inner.precision
        self.texts: list[str] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed(texts, show_progress=show_progress)


@pytest.fixture(scope="module")
def updated(
    tmp_path_factory: pytest.TempPathFactory, seed_index: Path, embedder: OnnxEmbedder
) -> tuple[Engine, BuildReport, CountingEmbedder]:
    root = tmp_path_factory.mktemp("updated")
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(seed_index, index)
    edited = corpus / f"{EDITED}.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("living in Berlin", "living in Lisbon"), encoding="utf-8")
    (corpus / f"{DELETED}.md").unlink()
    page = LITESTAR_PAGE.read_text(encoding="utf-8")
    (corpus / f"{ADDED}.rst").write_text(FRONT_MATTER + page, encoding="utf-8")
    counting = CountingEmbedder(embedder)
    report = build_index(corpus, index, counting)
    engine = Engine(make_settings(corpus_dir=corpus, index_dir=index, data_dir=root / "var"), embedder)
    engine.warm_up()
    return engine, report, counting


def test_the_change_report_is_exact(updated: tuple[Engine, BuildReport, CountingEmbedder]) -> None:
    _, report, counting = updated
    assert not report.full
    assert (report.documents_added, report.documents_changed, report.documents_removed) == ([ADDED], [EDITED], [DELETED])
    assert sorted(report.documents_unchanged) == ["ai-audit-fastapi-vs-flask", "geekflare-fastapi-vs-flask"]
    assert len(counting.texts) == report.chunks_embedded + report.units_embedded
    # What was embedded: every text of the added article, plus the edited sentence and its chunk. Nothing else.
    added = texts_of(updated[0], ADDED, counting)
    edited = [t for t in counting.texts if "living in Lisbon" in t]
    assert len(edited) == 2
    assert set(counting.texts) == added | set(edited)


def texts_of(engine: Engine, doc_id: str, embedder: CountingEmbedder) -> set[str]:
    """The chunk and unit texts an index build embeds for one document (the recipe of qa.build)."""
    doc = engine.snapshot().version.docs[doc_id]
    chunks = chunk_document(doc, embedder.count_tokens, engine.settings.chunk_max_tokens)
    units = {(f"{u.context}\n" if u.context else "") + doc.text[u.start : u.end] for c in chunks for u in c.units}
    return {c.embed_text(doc.title) for c in chunks} | units


def test_an_edited_article_is_answered_from_its_new_text(
    updated: tuple[Engine, BuildReport, CountingEmbedder], engine: Engine
) -> None:
    question = "Where does the creator of FastAPI live?"
    assert "living in Berlin" in engine.ask(question).answer  # before
    answer = updated[0].ask(question)
    assert "living in Lisbon" in answer.answer and "Berlin" not in answer.answer
    doc = updated[0].snapshot().version.docs[EDITED]
    cited = [c for c in answer.citations if "Lisbon" in c.quote]
    assert cited and all(c.doc_id == EDITED and doc.text[c.start : c.end] == c.quote for c in cited)


def test_a_deleted_article_is_never_cited_again(
    updated: tuple[Engine, BuildReport, CountingEmbedder], engine: Engine
) -> None:
    after = updated[0]
    assert DELETED not in after.snapshot().version.docs
    for question in DELETED_QUESTIONS:
        assert any(c.doc_id == DELETED for c in engine.ask(question).citations), question  # it was cited before
        answer = after.ask(question)
        assert all(c.doc_id != DELETED for c in answer.citations), question
        assert DELETED not in {doc for doc, _, _ in after.retrieve_chunks(question, k=50)}
    follow = after.ask("And Flask?", after.ask(DELETED_QUESTIONS[0], "c-del").conversation_id)
    assert all(c.doc_id != DELETED for c in follow.citations)


def test_an_added_article_about_new_subjects_is_answered_and_cited(
    updated: tuple[Engine, BuildReport, CountingEmbedder],
) -> None:
    after = updated[0]
    doc = after.snapshot().version.docs[ADDED]
    assert "Litestar" in doc.subjects
    for question in ADDED_QUESTIONS:
        answer = after.ask(question)
        assert not answer.abstained, question
        assert answer.citations and answer.citations[0].doc_id == ADDED, question
        for c in answer.citations:
            if c.doc_id == ADDED:
                assert doc.text[c.start : c.end] == c.quote
    run = after.ask(ADDED_QUESTIONS[0])
    assert "Debian 11" in run.answer
