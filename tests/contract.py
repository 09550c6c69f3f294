"""The answer contract of DESIGN.md, as one checker shared by the answering and engine tests."""

from __future__ import annotations

import json
import re

from qa.answer import Answer, text_fragment_link
from qa.documents import Document

MARK = re.compile(r"\[(\d+)\]")
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?k?")


def used_citations(answer: Answer) -> set[int]:
    used = {int(n) for n in MARK.findall(answer.answer)}
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
    markers = {int(n) for n in MARK.findall(answer.answer)}
    assert markers <= set(numbers), f"[n] without a citation: {markers - set(numbers)}"
    assert set(numbers) <= used_citations(answer), f"unused citations: {set(numbers) - used_citations(answer)}"
    assert 0.0 <= answer.confidence <= 1.0
    # The structure adapters render: the sections make up the answer text, and each cites what it marks.
    assert answer.answer == "\n".join(s.text for s in answer.sections)
    for s in answer.sections:
        assert all(f"[{n}]" in s.text for n in s.citations), s
        assert all(p.text in s.text and set(p.citations) <= set(s.citations) for p in s.parts), s
    assert {n for s in answer.sections for n in s.citations} == set(numbers)
    if answer.abstained:
        assert [s.kind for s in answer.sections] == ["not_covered"]
        assert "does not cover" in answer.answer
        assert answer.citations == () and answer.conflicts == () and answer.comparison is None
    else:
        assert answer.citations and markers
    json.dumps(answer.to_dict())  # JSON-ready
