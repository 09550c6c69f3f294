from qa.engine import Engine


def test_ask_returns_verbatim_cited_answer(engine: Engine) -> None:
    answer = engine.ask("Who created Flask?")
    assert not answer.abstained
    assert "Armin Ronacher" in answer.answer
    for c in answer.citations:
        assert engine.snapshot().version.docs[c.doc_id].text[c.start : c.end] == c.quote
