"""The answer contract of DESIGN.md, as one checker shared by the answering and engine tests."""

from __future__ import annotations

import json
import re

from qa.answer import Answer, text_fragment_link
from qa.display import markers
from qa.documents import Document

MARK = re.compile(r"\[(\d+)\]")
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?k?")


def used_citations(answer: Answer) -> set[int]:
    used = set(markers(answer.answer))
    for conflict in answer.conflicts:
        used |= {c.citation for c in conflict.claims}
    if answer.comparison:
        for row in answer.comparison.rows:
            for cited in row.cells.values():
                used |= set(cited)
    return used


def check_contract(answer: Answer, docs: dict[str, Document]) -> None:
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    # Numbered as they are read: the answer text shows [1] first, then [2] (or [1] again), and so on.
    shown = list(dict.fromkeys(markers(answer.answer)))
    assert shown == sorted(shown), shown
    for c in answer.citations:
        doc = docs[c.doc_id]
        assert c.quote == doc.text[c.start : c.end], (c.n, c.quote)
        assert c.quote.strip() == c.quote and c.quote
        assert (c.title, c.publisher, c.url, c.published) == (doc.title, doc.publisher, doc.url, doc.published)
        assert c.link == text_fragment_link(doc.url, c.quote)
        # The context a quote needs is verbatim too, before it; the display form is what people read.
        if c.context is not None:
            assert c.context == doc.text[c.context_start : c.context_end] and c.context.strip() == c.context
            assert c.context_end is not None and c.context_end <= c.start
        else:
            assert c.context_start is None and c.context_end is None
        assert c.display and c.display.strip() == c.display
    # A marker is a [n] outside code; a bracketed number of the corpus's own ("hl[6]") is escaped in display text.
    marks = set(markers(answer.answer))
    assert marks <= set(numbers), f"[n] without a citation: {marks - set(numbers)}"
    for c in answer.citations:
        assert not markers(c.display), (c.n, c.display)
    # Disagreements and comparison cells have a display form beside their verbatim words, as quotes do.
    for conflict in answer.conflicts:
        for claim in conflict.claims:
            assert claim.display and not markers(claim.display), claim
    if answer.comparison:
        for row in answer.comparison.rows:
            assert {s: len(v) for s, v in row.display.items()} == {s: len(v) for s, v in row.cells.items()}, row
            assert all(v and not markers(v) for said in row.display.values() for v in said), row
    assert set(numbers) <= used_citations(answer), f"unused citations: {set(numbers) - used_citations(answer)}"
    assert 0.0 <= answer.confidence <= 1.0
    # The structure adapters render: the sections make up the answer text, and each cites what it marks.
    assert answer.answer == "\n".join(s.text for s in answer.sections)
    for s in answer.sections:
        assert set(s.citations) <= set(markers(s.text)), s
        assert all(p.text in s.text and set(p.citations) <= set(s.citations) for p in s.parts), s
    assert {n for s in answer.sections for n in s.citations} == set(numbers)
    if answer.abstained:
        assert [s.kind for s in answer.sections] == ["not_covered"]
        assert "does not cover" in answer.answer
        assert answer.citations == () and answer.conflicts == () and answer.comparison is None
    else:
        assert answer.citations and marks
    json.dumps(answer.to_dict())  # JSON-ready
