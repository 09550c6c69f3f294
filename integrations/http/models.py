"""Request and response models: the HTTP edge's copy of ``Answer.to_dict()``, so OpenAPI documents it exactly.

``qa`` keeps frozen dataclasses; pydantic lives only here. ``tests/test_http.py`` checks that these models and
``Answer.to_dict()`` have the same fields, so the two cannot drift apart silently. The rebuild report is
``qa.BuildReport`` itself (a dataclass pydantic can describe), so it cannot drift at all.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AskIn(BaseModel):
    """A question, optionally continuing a conversation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "Does Flask support async?", "conversation_id": "c-42"}]},
    )

    question: str = Field(min_length=1, max_length=2000, description="1 to 2000 characters, not only spaces")
    conversation_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="keep the same id across questions so follow-ups ('And Flask?') resolve against earlier turns; "
        "without one the server starts a conversation and returns its id. Ids name conversations of this API "
        "(and of this API key) only",
    )


class CitationOut(_Out):
    n: int = Field(description="the number used as [n] in the answer text")
    doc_id: str
    title: str
    publisher: str | None
    url: str | None
    published: str | None = Field(description="ISO date of the source, when known")
    section: str | None = Field(description="section path inside the source, e.g. 'Performance > Benchmarks'")
    quote: str = Field(description="verbatim excerpt: equals the document text [start:end]")
    start: int
    end: int
    score: float
    link: str | None = Field(description="url opening at the quote (URL text fragment), when the source has a url")
    outdated: bool = Field(description="the source is older than the staleness threshold")
    context: str | None = Field(default=None, description="verbatim text the quote needs to stand alone (a table "
                                "row's header row, the sentence it follows), document_text[context_start:context_end]")
    context_start: int | None = Field(default=None, description="start of the context in the document text")
    context_end: int | None = Field(default=None, description="end of the context in the document text")
    display: str = Field(default="", description="the quote as people read it, its context folded in: plain text "
                         "with `code` spans, [text](http(s) url) links and whole fenced code blocks; a bracketed "
                         "number of the corpus's own written \\[6] so that it never reads as a [n] marker")


class ConflictClaimOut(_Out):
    text: str = Field(description="verbatim: the words of the cited quote that say it")
    citation: int
    published: str | None = None
    display: str = Field(default="", description="text as people read it, in the display form of a citation's display")


class ConflictOut(_Out):
    topic: str
    claims: list[ConflictClaimOut]


class ComparisonRowOut(_Out):
    aspect: str
    cells: dict[str, list[int]] = Field(description="subject -> numbers of the citations supporting that cell")
    values: dict[str, list[str]] = Field(default_factory=dict, description="subject -> what each cited source "
                                         "says in that cell, in short form, in the order of cells")
    display: dict[str, list[str]] = Field(default_factory=dict, description="values as people read them, in the "
                                          "display form of a citation's display")


class ComparisonOut(_Out):
    subjects: list[str]
    rows: list[ComparisonRowOut]


class SectionOut(_Out):
    """One part of the answer text, in order: ``answer`` is the sections' ``text`` joined by line breaks."""

    kind: str = Field(description="summary, subject, advice, aspect (a comparison row), cell (a subject's part of "
                                  "a row), disagreement or not_covered")
    label: str | None = Field(description="the subject, aspect or topic the section is about")
    heading: str = Field(description="the start of `text` that introduces the section, e.g. 'FastAPI:'; may be empty")
    text: str = Field(description="the section as it reads in `answer`, with [n] citation markers")
    citations: list[int] = Field(description="numbers of the citations the section cites, in order")
    parts: list[SectionOut] = Field(description="an aspect section's cells, one per subject")


class AnswerOut(_Out):
    """An extractive answer: every sentence is a cited excerpt, verbatim in its citation's quote."""

    question: str
    resolved_question: str = Field(description="the question as understood, follow-ups resolved")
    answer: str = Field(description="the answer text with [n] citation markers")
    abstained: bool = Field(description="true when the corpus does not cover the question")
    confidence: float
    subjects: list[str]
    citations: list[CitationOut]
    conflicts: list[ConflictOut] = Field(description="where sources disagree, each claim with its citation")
    comparison: ComparisonOut | None = Field(description="aspect-by-subject table when the question compares")
    conversation_id: str | None
    timings_ms: dict[str, float]
    suggestions: list[str] = Field(description="nearest covered topics, when abstaining")
    index_version: str | None
    sections: list[SectionOut] = Field(default=[], description="the answer text's parts, in order, with their structure")
    notices: list[str] = Field(default=[], description="what to know about the answer as a whole (a question "
                               "seemingly in another language than the corpus; a choice for something the "
                               "corpus never names)")


class ErrorItem(_Out):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(_Out):
    """Every error: ``detail`` is one readable line; ``errors`` lists invalid fields for 422s."""

    detail: str
    errors: list[ErrorItem] | None = None


class HealthOut(_Out):
    status: str = "ok"


class ReadyOut(_Out):
    ready: bool
    index_version: str | None = None
    detail: str | None = Field(default=None, description="why the service is not ready")


class IndexStatusOut(BaseModel):
    """``Engine.status()``: the fields below, and any the engine adds."""

    model_config = ConfigDict(extra="allow")

    manifest: dict[str, Any] = Field(description="the live index version's manifest")
    corpus_changes: dict[str, list[str]] | None = Field(description="documents added/changed/removed since the build")
    stale: bool
    loaded_version: str | None = Field(description="the index version this worker answers from")
    encoder: dict[str, Any] = Field(description="this worker's embedding backend, encoder threads, and whether they spin")
    pid: int | None = Field(description="the process id of the worker that answered; null without the admin token")


class SourceIn(BaseModel):
    """A web page or PDF to add to the corpus (``qa add URL``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"url": "https://example.com/blog/litestar-vs-sanic"}]})

    url: str = Field(min_length=1, max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://",
                     description="an http(s) address of an HTML page or a PDF")
    subjects: list[str] | None = Field(default=None, max_length=20,
                                       description="the subjects; default: from an 'X vs Y' title")
    slug: str | None = Field(default=None, min_length=1, max_length=80,
                             description="the corpus file name without .md; default: from publisher and title")


class SourceOut(_Out):
    doc_id: str
    status: str = Field(description="added, updated (the same url was in the corpus) or unchanged")
    title: str
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    modified: str | None = None
    url: str | None = None
    subjects: list[str]
    notes: list[str] = Field(description="what was guessed, e.g. subjects, and how to set it")
    build: Any = Field(description="the rebuild's report (as POST /index/rebuild)")
