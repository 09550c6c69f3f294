"""Bare follow-ups ("why?", "and the other one?", "which is faster then?", "what about for beginners?") asked
through the real engine over the seed corpus, in one conversation after a first question."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer import Answer
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.query import analyse
from tests.conftest import engine_over


def follow(engine: Engine, first: str, follow_up: str) -> Answer:
    cid = engine.conversations.new_id()
    assert not engine.ask(first, cid).abstained
    return engine.ask(follow_up, cid)


def quotes(answer: Answer) -> str:
    return " ".join(c.quote for c in answer.citations).lower()


@pytest.mark.parametrize("follow_up", ["why?", "how so?", "why is that?", "how come?"])
def test_why_after_a_comparison_answers_with_the_reasons(engine: Engine, follow_up: str) -> None:
    first = "Which is faster, FastAPI or Flask?"
    answer = follow(engine, first, follow_up)
    assert not answer.abstained, answer.answer
    catalog = engine.snapshot().catalog
    query = analyse(answer.resolved_question, catalog)
    assert set(query.subjects) == set(analyse(first, catalog).subjects)
    assert "faster" in query.aspect_terms
    assert answer.citations and any(w in quotes(answer) for w in ("fast", "slow", "performance", "concurren"))


@pytest.mark.parametrize("follow_up", ["and the other one?", "what about the other one?"])
def test_the_other_one_asks_about_the_corpus_s_other_subject(engine: Engine, follow_up: str) -> None:
    catalog = engine.snapshot().catalog
    assert len(catalog.names) == 2  # the seed corpus compares two things
    first_subject, other = catalog.names
    answer = follow(engine, f"Does {first_subject} support WebSockets?", follow_up)
    assert not answer.abstained, answer.answer
    assert analyse(answer.resolved_question, catalog).subjects == (other,)
    assert "websocket" in answer.resolved_question.lower()
    assert "websocket" in quotes(answer) and other.lower() in quotes(answer)


@pytest.mark.parametrize("first", ["Compare Flask and FastAPI", "Does FastAPI support WebSockets?"])
def test_which_is_faster_then_compares_the_conversation_s_subjects(engine: Engine, first: str) -> None:
    answer = follow(engine, first, "which is faster then?")
    assert not answer.abstained, answer.answer
    catalog = engine.snapshot().catalog
    query = analyse(answer.resolved_question, catalog)
    assert set(query.subjects) == set(catalog.names)
    assert "faster" in query.aspect_terms
    assert {s.lower() for s in catalog.names} <= {s.lower() for s in catalog.mentioned(quotes(answer))}


@pytest.mark.parametrize("first", ["Which is faster, FastAPI or Flask?", "Compare Flask and FastAPI"])
def test_what_about_for_beginners_keeps_the_subjects(engine: Engine, first: str) -> None:
    answer = follow(engine, first, "what about for beginners?")
    assert not answer.abstained, answer.answer
    catalog = engine.snapshot().catalog
    query = analyse(answer.resolved_question, catalog)
    assert set(query.subjects) == set(analyse(first, catalog).subjects)
    assert "beginners" in query.aspect_terms
    assert "beginner" in quotes(answer)


def test_a_bare_why_without_a_conversation_still_abstains(engine: Engine) -> None:
    # Nothing to resolve against: the question means nothing alone.
    answer = engine.ask("why?")
    assert answer.abstained
    assert answer.resolved_question == "why?"


@pytest.mark.parametrize("first", ["Does FastAPI support async?", "Compare Flask and FastAPI", "What is Flask?"])
def test_tell_me_more_quotes_what_the_answers_before_did_not(engine: Engine, first: str) -> None:
    """"tell me more", then "what else?": the same question, each answer quoting evidence none before it
    quoted, with no table or disagreement shown again."""
    cid = engine.conversations.new_id()
    answers = [engine.ask(first, cid)]
    for more in ("tell me more", "what else?"):
        answer = engine.ask(more, cid)
        assert not answer.abstained, answer.answer
        assert answer.resolved_question == first
        assert answer.comparison is None and answer.conflicts == ()
        before = {c.quote for a in answers for c in a.citations}
        assert before.isdisjoint(c.quote for c in answer.citations), answer.answer
        answers.append(answer)


@pytest.mark.slow
def test_what_extension_to_use_names_the_one_for_what_was_asked(engine: Engine) -> None:
    """After "How do I validate request data in Flask?", "what extension would I use?" wants the extensions the
    corpus names for it, not the how-to's code again."""
    answer = follow(engine, "How do I validate request data in Flask?", "what extension would I use?")
    assert answer.resolved_question.endswith("(How do I validate request data in Flask?)")
    assert "Flask-Marshmallow" in answer.citations[0].quote, answer.answer


def test_a_question_declined_alone_is_asked_of_the_subjects_before(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"which part usually fails?" after "and a gas furnace?" named no subject and was declined; asked of the
    subjects the turn before asked about, the corpus answers it. A question the corpus cannot answer either way
    is still declined, and one it answers alone stays its own."""
    engine = engine_over(tmp_path, {"heaters.md": (
        "---\ntitle: Heron Pump vs Kestrel Burner\nsubjects: [Heron Pump, Kestrel Burner]\n---\n"
        "# Heron Pump vs Kestrel Burner\n\n## Lifespan\n\nA Heron Pump lasts about 15 years. A Kestrel Burner lasts "
        "20 to 25 years; its heat exchanger is usually what fails.\n\n## Noise\n\nThe Heron Pump's outdoor unit "
        "hums at 55 decibels.\n")}, embedder)
    cid = engine.conversations.new_id()
    assert not engine.ask("How long does a Kestrel Burner last?", cid).abstained
    answer = engine.ask("which part usually fails?", cid)
    assert not answer.abstained and answer.subjects == ("Kestrel Burner",), answer.answer
    assert "heat exchanger" in answer.citations[0].quote and answer.question == "which part usually fails?"
    assert engine.ask("What is the capital of Australia?", cid).abstained
    assert "decibels" in engine.ask("how loud is the outdoor unit?", cid).citations[0].quote
