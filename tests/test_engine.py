"""qa/engine.py: ``Engine.ask`` end to end with the real model: follow-ups through conversations, bad input,
missing or mismatched indexes, and a second, made-up corpus (nothing may be specific to Flask/FastAPI)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from qa.answer import text_fragment_link
from qa.build import build_index
from qa.documents import Document, load_corpus
from qa.embedding import OnnxEmbedder
from qa.engine import Engine, Turns
from qa.errors import IndexMismatchError, IndexNotBuiltError, InvalidQuestionError
from tests.conftest import CORPUS, make_settings
from tests.contract import NUMBER, check_contract
from tests.fakes import HashingEmbedder
from tests.servers import wait_until

# -- follow-ups -----------------------------------------------------------------------------------


def test_and_subject_follow_up(engine: Engine) -> None:
    cid = engine.conversations.new_id()
    first = engine.ask("Does FastAPI support WebSockets?", cid)
    assert first.conversation_id == cid and first.resolved_question == "Does FastAPI support WebSockets?"
    answer = engine.ask("And Flask?", cid)
    assert answer.question == "And Flask?"
    assert answer.resolved_question == "Does Flask support WebSockets?"
    assert answer.subjects == ("Flask",)
    assert not answer.abstained
    assert re.search(r"Flask[^.\n]*WebSocket", answer.answer), answer.answer


def test_aspect_follow_up_on_a_comparison(engine: Engine) -> None:
    cid = engine.conversations.new_id()
    assert engine.ask("Compare Flask and FastAPI", cid).comparison is not None
    answer = engine.ask("what about performance?", cid)
    assert "performance" in answer.resolved_question
    assert set(answer.subjects) == {"Flask", "FastAPI"}
    assert answer.comparison is not None and set(answer.comparison.subjects) == {"Flask", "FastAPI"}
    assert any("erformance" in row.aspect for row in answer.comparison.rows), [r.aspect for r in answer.comparison.rows]


def test_pronoun_follow_up(engine: Engine) -> None:
    cid = engine.conversations.new_id()
    engine.ask("Who created FastAPI?", cid)
    answer = engine.ask("When was it released?", cid)
    assert "FastAPI" in answer.resolved_question
    assert answer.subjects == ("FastAPI",)
    assert not answer.abstained
    assert "2018" in answer.answer


def test_conversations_are_separate_and_optional(engine: Engine) -> None:
    a, b = engine.conversations.new_id(), engine.conversations.new_id()
    engine.ask("Who created FastAPI?", a)
    engine.ask("Who created Flask?", b)
    assert "FastAPI" in engine.ask("When was it released?", a).resolved_question
    assert "Flask" in engine.ask("When was it released?", b).resolved_question
    # Without a conversation id nothing is remembered, and the question is taken as it is.
    lone = engine.ask("When was it released?")
    assert lone.resolved_question == "When was it released?" and lone.conversation_id is None
    assert [t.question for t in engine.conversations.history(a)] == ["Who created FastAPI?", "When was it released?"]


def test_he_is_the_person_the_previous_answer_named(engine: Engine) -> None:
    cid = engine.conversations.new_id()
    engine.ask("Who created FastAPI?", cid)
    answer = engine.ask("where does he live?", cid)
    assert answer.resolved_question == "where does Sebastian Ramirez live?", answer.resolved_question
    assert not answer.abstained and "Berlin" in answer.citations[0].quote, answer.answer


def test_a_turn_recorded_without_answering_is_what_a_follow_up_resolves_against(engine: Engine) -> None:
    cid = engine.conversations.new_id()
    engine.record_turn("Does FastAPI support WebSockets?", cid)
    assert [t.resolved for t in engine.conversations.history(cid)] == ["Does FastAPI support WebSockets?"]
    assert engine.ask("And Flask?", cid).resolved_question == "Does Flask support WebSockets?"
    with pytest.raises(InvalidQuestionError):
        engine.record_turn("   ", cid)
    assert len(engine.conversations.history(cid)) == 2


# -- bad input and bad indexes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["", "   ", " \n\t ", "x" * 2001, "Does Flask scale? " * 200, None, 42, b"Who created Flask?", ["Who?"]],
    ids=["empty", "spaces", "whitespace", "2001-chars", "long", "None", "int", "bytes", "list"],
)
def test_bad_questions_raise_invalid_question(engine: Engine, question: object) -> None:
    with pytest.raises(InvalidQuestionError) as info:
        engine.ask(question)  # type: ignore[arg-type]
    message = str(info.value)
    assert message and "\n" not in message


def test_limit_is_inclusive(engine: Engine) -> None:
    question = ("Does Flask support WebSockets natively? " * 60)[:2000]
    assert len(question) == 2000
    answer = engine.ask(question)
    assert answer.question == question
    assert answer.resolved_question == " ".join(question.split())


def test_no_index_says_to_build_one(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    eng = Engine(make_settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", data_dir=tmp_path / "var"), embedder)
    for call in (lambda: eng.ask("Who created Flask?"), eng.status, eng.load):
        with pytest.raises(IndexNotBuiltError) as info:
            call()
        assert "qa index build" in str(info.value)
    assert eng.loaded_version is None


def test_index_of_another_model_is_a_mismatch(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("Quokka notes\n\nQuokka DB is sold per device.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index", HashingEmbedder(dim=64))
    eng = Engine(make_settings(corpus_dir=corpus, index_dir=tmp_path / "index", data_dir=tmp_path / "var"), embedder)
    with pytest.raises(IndexMismatchError) as info:
        eng.ask("Is Quokka DB sold per device?")
    message = str(info.value)
    assert "test/hashing-64" in message and embedder.model_id in message
    assert "qa index build" in message


def test_status_of_the_seed_index(engine: Engine) -> None:
    status = engine.status()
    manifest = status.manifest
    docs, _ = load_corpus(CORPUS)
    assert manifest["counts"]["documents"] == len(docs)
    assert manifest["model_id"] == engine.embedder.model_id
    assert status.stale is False
    assert status.loaded_version == status.live_version == engine.loaded_version


def test_timings_and_index_version_are_reported(engine: Engine) -> None:
    answer = engine.ask("What template engine does Flask use?")
    assert set(answer.timings_ms) >= {"retrieve", "compose", "total"}
    assert all(v >= 0 for v in answer.timings_ms.values())
    assert answer.index_version == engine.loaded_version


# -- a second, made-up corpus ---------------------------------------------------------------------

ZQ = {
    "zephyr-vs-quokka.md": """---
title: "Zephyr DB vs Quokka DB: Two Embedded Databases for the Edge"
publisher: DB Weekly
author: Ana Ortiz
url: https://dbweekly.example/zephyr-vs-quokka
published: 2025-03-10
subjects: [Zephyr DB, Quokka DB]
---

# Zephyr DB vs Quokka DB

Zephyr DB and Quokka DB are embedded databases built for sensors, gateways and other edge devices.

## Write throughput

Zephyr DB sustains 48,000 writes per second on a single ARM core.
Quokka DB sustains about 12,000 writes per second, because it flushes every write to disk before acknowledging it.

## Replication

Zephyr DB ships with built-in multi-leader replication between devices.
Quokka DB has no replication at all; operators copy snapshot files between devices themselves.

## Licensing

Zephyr DB is open source under the Apache 2.0 licence.
Quokka DB is proprietary and is sold per device.

## Internals

Zephyr DB is built on a log-structured merge tree that it compacts in the background.
""",
    "quokka-year-review.md": """---
title: A Year Running Quokka DB in Production
publisher: Edge Ops Journal
published: 2024-01-15
subjects: Quokka DB, Zephyr DB
---

# A Year Running Quokka DB in Production

We moved 300 greenhouse gateways from Zephyr DB to Quokka DB last year.

## Write throughput

In our own benchmark Zephyr DB reached only 21,000 writes per second on the same gateways.
Quokka DB handled 11,000 writes per second, which was plenty for our sensors.

## Crash safety

Quokka DB never lost a committed row across 500 deliberate power cuts.
Zephyr DB lost recent writes twice after sudden power loss, because it batches its disk flushes.
""",
    "edge-db-matrix.md": """---
title: Edge Database Feature Matrix
publisher: Gadget Bench
published: 2025-09-01
url: https://gadgetbench.example/edge-db-matrix
subjects: [Zephyr DB, Quokka DB]
---

# Edge Database Feature Matrix

How the two most common embedded databases for edge devices compare, feature by feature.

| Feature | Zephyr DB | Quokka DB |
|---|---|---|
| Write throughput | 50,000 writes per second | 12,000 writes per second |
| Replication | Multi-leader, built in | None |
| Crash safety | Batched flushes, may lose recent writes | Every write flushed before acknowledging |
| Licence | Apache 2.0 | Proprietary, per device |
""",
}


@pytest.fixture(scope="module")
def zq_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zq")
    (root / "corpus").mkdir()
    for name, text in ZQ.items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def zq_engine(zq_dir: Path, embedder: OnnxEmbedder) -> Engine:
    report = build_index(zq_dir / "corpus", zq_dir / "index", embedder)
    assert sorted(report.documents_added) == ["edge-db-matrix", "quokka-year-review", "zephyr-vs-quokka"]
    settings = make_settings(corpus_dir=zq_dir / "corpus", index_dir=zq_dir / "index", data_dir=zq_dir / "var")
    return Engine(settings, embedder)


@pytest.fixture(scope="module")
def zq_docs(zq_dir: Path) -> dict[str, Document]:
    docs, warnings = load_corpus(zq_dir / "corpus")
    assert warnings == []
    return {d.doc_id: d for d in docs}


def test_made_up_corpus_subjects_come_from_its_front_matter(zq_engine: Engine) -> None:
    assert sorted(zq_engine.snapshot().catalog.names) == ["Quokka DB", "Zephyr DB"]


def test_made_up_comparison_has_both_sides(zq_engine: Engine, zq_docs: dict[str, Document]) -> None:
    answer = zq_engine.ask("Compare Zephyr DB and Quokka DB")
    check_contract(answer, zq_docs)
    assert not answer.abstained
    assert set(answer.subjects) == {"Zephyr DB", "Quokka DB"}
    comp = answer.comparison
    assert comp is not None and set(comp.subjects) == {"Zephyr DB", "Quokka DB"}
    assert len(comp.rows) >= 2
    full_rows = [r for r in comp.rows if all(r.cells.get(s) for s in comp.subjects)]
    assert len(full_rows) >= 2
    aspects = " ".join(r.aspect for r in comp.rows).lower()
    assert "throughput" in aspects or "replication" in aspects
    # Each side's cell cites a source that speaks about that side.
    for row in full_rows:
        for subject, cited in row.cells.items():
            assert any(subject in answer.citations[n - 1].quote or "| " in answer.citations[n - 1].quote for n in cited)
    # Citations of sources with a url deep-link to the quote.
    linked = [c for c in answer.citations if c.url]
    assert linked
    for c in linked:
        assert c.link == text_fragment_link(c.url, c.quote) and c.link.startswith(c.url + "#:~:text=")


def test_made_up_numeric_disagreement_is_shown(zq_engine: Engine, zq_docs: dict[str, Document]) -> None:
    answer = zq_engine.ask("How many writes per second does Zephyr DB handle?")
    check_contract(answer, zq_docs)
    assert answer.conflicts, answer.answer
    conflict = answer.conflicts[0]
    assert "Zephyr DB" in conflict.topic
    figures = set()
    for claim in conflict.claims:
        quote = answer.citations[claim.citation - 1].quote
        for num in NUMBER.findall(claim.text):
            assert num in quote
            figures.add(int(num.replace(",", "")))
    assert len(figures & {48_000, 21_000, 50_000}) >= 2, figures
    assert 12_000 not in figures and 11_000 not in figures  # Quokka DB's figures are not Zephyr DB's
    dates = [answer.citations[c.citation - 1].published for c in conflict.claims]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2025-09-01"


@pytest.mark.parametrize("question", ["How do I bake sourdough bread?", "What is the capital of Australia?",
                                      "Does Flask support WebSockets?"])
def test_made_up_corpus_abstains_on_unrelated_questions(zq_engine: Engine, question: str) -> None:
    answer = zq_engine.ask(question)
    assert answer.abstained, answer.answer
    assert "does not cover" in answer.answer
    assert answer.citations == ()


def test_the_questions_phrase_beats_its_lone_word(zq_engine: Engine) -> None:
    """'built on' (the question's words, in order) leads, not 'built in' or 'built for' (the same word)."""
    answer = zq_engine.ask("What is Zephyr DB built on?")
    assert not answer.abstained
    assert answer.citations[0].quote.startswith("Zephyr DB is built on a log-structured merge tree"), answer.answer


def test_made_up_corpus_follow_up(zq_engine: Engine, zq_docs: dict[str, Document]) -> None:
    cid = zq_engine.conversations.new_id()
    first = zq_engine.ask("Does Quokka DB support replication?", cid)
    assert "no replication" in first.answer
    answer = zq_engine.ask("And Zephyr DB?", cid)
    check_contract(answer, zq_docs)
    assert answer.resolved_question == "Does Zephyr DB support replication?"
    assert "multi-leader" in answer.answer.lower()


def test_status_is_stale_when_build_settings_changed(tmp_path: Path) -> None:
    """`qa index build --if-stale` (what `make run` uses) must rebuild after a chunking or model change,
    not only after a corpus change."""
    embedder = HashingEmbedder(dim=64)
    build_index(CORPUS, tmp_path / "index", embedder, max_tokens=256)
    same = Engine(make_settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", data_dir=tmp_path / "var"), embedder)
    assert same.status().stale is False and same.status().settings_changes == []
    smaller = Engine(make_settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", data_dir=tmp_path / "var",
                                   chunk_max_tokens=128), embedder)
    status = smaller.status()
    assert status.stale is True
    assert any("max_tokens" in reason for reason in status.settings_changes)
    other_model = Engine(make_settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", data_dir=tmp_path / "var"),
                         HashingEmbedder(dim=64, model_id="test/another"))
    assert any("embedding model" in reason for reason in other_model.status().settings_changes)


class _Overlapping(HashingEmbedder):
    """A fake encoder that records how many of its calls run at once (this tests the engine's mechanics). Each
    call waits (bounded) until ``expect`` calls are inside, so the overlap the limit allows does happen."""

    def __init__(self, expect: int) -> None:
        super().__init__(dim=64)
        self.expect, self.running, self.most = expect, 0, 0
        self._count = threading.Condition()

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        with self._count:
            self.running += 1
            self.most = max(self.most, self.running)
            self._count.notify_all()
            self._count.wait_for(lambda: self.running >= self.expect, timeout=0.5)
        try:
            return super().embed(texts, show_progress=show_progress)
        finally:
            with self._count:
                self.running -= 1


@pytest.mark.parametrize("limit", [1, 2])
def test_questions_from_any_thread_share_the_concurrency_limit(tmp_path: Path, limit: int) -> None:
    """QA_ASK_CONCURRENCY holds for every caller of Engine.ask (Slack's listener threads as well as /ask):
    16 questions from 8 threads, never more than ``limit`` of them in the encoder at once."""
    embedder = _Overlapping(expect=1)  # the build embeds alone
    build_index(CORPUS, tmp_path / "index", embedder, max_tokens=256)
    engine = Engine(make_settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", data_dir=tmp_path / "var",
                                  ask_concurrency=limit, query_cache_size=0), embedder)
    embedder.most, embedder.expect = 0, limit
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: engine.ask(f"Does Zephyr DB support replication? ({i})"), range(16)))
    assert [a.question for a in answers] == [f"Does Zephyr DB support replication? ({i})" for i in range(16)]
    assert embedder.most == limit


def test_turns_are_taken_in_order() -> None:
    """The engine's limit hands a released slot to the longest waiter: the thread that releases cannot take
    it straight back (as it can with threading.Semaphore), so a busy asker cannot starve the others."""
    turns, order = Turns(1), []

    def other() -> None:
        with turns:
            order.append("other")

    turns.__enter__()
    waiter = threading.Thread(target=other, daemon=True)  # a broken Turns must fail the test, not hang the run
    waiter.start()
    try:
        assert wait_until(lambda: len(turns._waiting) == 1, limit=10)
    finally:
        turns.__exit__(None, None, None)
    with turns:  # queued behind the waiter, which was handed the slot
        order.append("releaser")
    waiter.join(10)
    assert order == ["other", "releaser"]
