"""qa/evidence.py, qa/comparison.py and qa/compose.py (+ qa/answer.py): the answer contract of DESIGN.md, checked on the real engine (real model,
real FAISS) over the seed corpus: verbatim quotes, [n] markers, abstention, comparisons, disagreements,
near-duplicate merging, and the text-fragment links of citations."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from qa.answer import Answer, text_fragment_link
from qa.comparison import SHORT_WORDS
from qa.compose import named_sections
from qa.cues import enumerates
from qa.documents import Document, load_corpus
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.evidence import Scored, kind_units, select_claims
from qa.query import Query, analyse
from qa.snapshot import Snapshot
from tests.conftest import engine_over, unit_opening
from tests.contract import MARK, NUMBER, check_contract

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

VARIED = [
    "Who created Flask?",
    "who is the creator of fast api",
    "Does Flask support WebSockets natively?",
    "What template engine does Flask use?",
    "How many GitHub stars does FastAPI have?",
    "What is the minimum Python version FastAPI needs?",
    "Should I use Flask or FastAPI for a server-rendered website with HTML templates?",
    "Which is better for beginners, flask or fastapi?",
    "How do I install FastAPI?",
    "How do I declare dependencies in FastAPI?",
    "Compare Flask and FastAPI",
    "How do Flask and FastAPI compare on API documentation?",
    "What are the differences between FastAPI and Flask for validation?",
    "Is Flask simple or complex to use?",
    "What is the capital of Australia?",
    "How do I use Laravel's Eloquent ORM?",
]

OUT_OF_SCOPE = [
    "What is the capital of Australia?",
    "What's a good recipe for banana bread?",
    "How do I use Laravel's Eloquent ORM?",
    "How does Express.js compare to FastAPI?",
    "Who won the 2022 FIFA World Cup?",
    # About a subject, near its FAQ heading "What is FastAPI?" only by the name: the corpus does not say.
    "Who maintains FastAPI?",
]


@pytest.fixture(scope="module")
def corpus_docs() -> dict[str, Document]:
    """The documents as read from the corpus files, independently of the index."""
    docs, warnings = load_corpus(CORPUS)
    assert warnings == []
    return {d.doc_id: d for d in docs}


@pytest.fixture(scope="module")
def answers(engine: Engine) -> dict[str, Answer]:
    return {q: engine.ask(q) for q in dict.fromkeys(VARIED + OUT_OF_SCOPE)}


def test_contract_holds_for_varied_questions(answers: dict[str, Answer], corpus_docs: dict[str, Document]) -> None:
    for question in VARIED:
        answer = answers[question]
        try:
            check_contract(answer, corpus_docs)
        except AssertionError as exc:
            raise AssertionError(f"{question!r}: {exc}") from exc
    answered = [q for q in VARIED if not answers[q].abstained]
    assert len(answered) >= len(VARIED) - 2


def test_answer_json_has_the_documented_shape(answers: dict[str, Answer]) -> None:
    out = answers["How many GitHub stars does FastAPI have?"].to_dict()
    for key in ("question", "resolved_question", "answer", "abstained", "confidence", "subjects", "citations",
                "conflicts", "comparison", "conversation_id", "timings_ms", "sections"):
        assert key in out
    cite = out["citations"][0]
    for key in ("n", "doc_id", "title", "publisher", "url", "published", "section", "quote", "start", "end",
                "score", "link"):
        assert key in cite
    assert out["conflicts"][0]["claims"][0].keys() >= {"text", "citation"}


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_questions_abstain(answers: dict[str, Answer], engine: Engine, question: str) -> None:
    answer = answers[question]
    assert answer.abstained, answer.answer
    assert "does not cover" in answer.answer
    assert answer.citations == ()
    assert not MARK.search(answer.answer)
    assert answer.confidence < engine.abstain_threshold
    # It points at what the corpus does cover instead.
    assert answer.suggestions and all(s in answer.answer for s in answer.suggestions)


def test_in_scope_questions_do_not_abstain(answers: dict[str, Answer], engine: Engine) -> None:
    for question in ("Who created Flask?", "Does Flask support WebSockets natively?", "How do I install FastAPI?"):
        answer = answers[question]
        assert not answer.abstained, question
        assert answer.confidence >= engine.abstain_threshold
    assert "Armin Ronacher" in answers["Who created Flask?"].answer


@pytest.mark.parametrize(
    "question",
    ["Compare Flask and FastAPI", "How do Flask and FastAPI compare on API documentation?",
     "What are the differences between FastAPI and Flask for validation?"],
)
def test_comparison_question_returns_a_table_for_both_subjects(answers: dict[str, Answer], question: str) -> None:
    answer = answers[question]
    comp = answer.comparison
    assert comp is not None, answer.answer
    assert set(comp.subjects) == {"Flask", "FastAPI"}
    assert comp.rows
    cited_for = {s: 0 for s in comp.subjects}
    for row in comp.rows:
        assert row.aspect
        assert set(row.cells) == set(comp.subjects)
        for subject, cited in row.cells.items():
            cited_for[subject] += bool(cited)
            assert all(1 <= n <= len(answer.citations) for n in cited)
    assert all(cited_for.values()), cited_for  # evidence for both sides
    # The table is in the answer text too, one line per aspect.
    for row in comp.rows:
        assert row.aspect in answer.answer
    # Each cell shows each source's value in short form beside its citation, in the source's own words.
    for row in comp.rows:
        for subject, cited in row.cells.items():
            values = row.values[subject]
            assert len(values) == len(cited)
            for value, shown, n in zip(values, row.display[subject], cited, strict=True):
                assert value and len(value.split()) <= SHORT_WORDS, value
                assert value.removesuffix("…") in answer.citations[n - 1].quote
                assert f"{shown} [{n}]" in row.cell(subject)  # shown in display form


def test_a_comparison_on_an_aspect_no_row_covers_leads_with_each_sides_evidence(engine: Engine) -> None:
    """No table row is on model serving: what each side's evidence says about it comes before the corpus's
    main aspects, not the table alone."""
    answer = engine.ask("Flask vs FastAPI for ML model serving")
    assert answer.comparison is not None
    kinds = [s.kind for s in answer.sections]
    assert "aspect" in kinds and kinds.index("subject") < kinds.index("aspect"), kinds
    fastapi = next(s for s in answer.sections if s.kind == "subject" and s.label == "FastAPI")
    quotes = " ".join(answer.citations[n - 1].quote.lower() for n in fastapi.citations)
    assert "serving" in quotes, quotes


def test_a_sides_claim_holds_no_word_of_a_term_in_another_sense(engine: Engine) -> None:
    """The corpus writes 'background tasks' of FastAPI only; Flask's side was "... you need some programming
    background to use it": the first word of the term without the second. Flask has no claim of its own now."""
    answer = engine.ask("How do Flask and FastAPI handle background tasks?")
    assert answer.citations and not any("programming background" in c.quote for c in answer.citations), answer.answer
    assert any("background task" in c.quote for c in answer.citations), answer.answer


@pytest.mark.parametrize(("question", "aspect"), [
    ("How does Flask compare to FastAPI in terms of speed?", "Performance"),
    ("Compare Flask and FastAPI docs", "Documentation Support"),
])
def test_a_comparison_in_other_words_than_a_rows_is_that_row(engine: Engine, question: str, aspect: str) -> None:
    """'speed' is no word of the row 'Performance': the answer said "Flask: no source in the corpus says." and
    showed the corpus's five main rows. The aspect words mean the row (their vector alone, not the question's,
    which the subjects' names outweigh)."""
    answer = engine.ask(question)
    assert answer.comparison is not None and [r.aspect for r in answer.comparison.rows] == [aspect], answer.answer
    assert "no source in the corpus says" not in answer.answer, answer.answer
    # words meaning no aspect of the corpus keep each side's own evidence and the main rows
    other = engine.ask("Flask vs FastAPI security")
    assert other.comparison is not None and len(other.comparison.rows) > 1, other.answer


def test_a_cell_of_an_asked_aspect_speaks_to_all_its_words(engine: Engine) -> None:
    """'will depend on your needs' shares a stem with 'dependency' but says nothing of dependency injection."""
    answer = engine.ask("How does FastAPI's dependency injection compare to Flask's?")
    assert answer.comparison is not None
    row = next(r for r in answer.comparison.rows if r.aspect.startswith("Dependency Injection"))
    for subject, cited in row.cells.items():
        for n in cited:
            quote = answer.citations[n - 1].quote.lower()
            assert "depend on your needs" not in quote and "dependencies" not in quote, (subject, quote)


def test_words_saying_what_kind_of_question_it_is_are_no_topic(engine: Engine) -> None:
    """'main' of "the main difference" is no word the answer should hold: 'the main framework' is off topic."""
    answer = engine.ask("What is the main difference between Flask and FastAPI?")
    assert "most important technical difference" in answer.citations[0].quote, answer.answer


def test_a_phrasal_verb_is_no_word_the_answer_holds(engine: Engine) -> None:
    """'come out' means released: "FastAPI and Flask are Python frameworks you will come across ..." led."""
    answer = engine.ask("When did FastAPI come out?")
    assert "2018" in answer.citations[0].quote and "come" not in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_a_unit_that_only_restates_the_question_is_no_claim(engine: Engine) -> None:
    """The list item 'jinja2' (under "Shared Technologies") holds every word of "What does Jinja2 do?" and nothing
    else: it was the answer. A yes/no question's restating unit may be its yes, in a sentence: a bare name is none."""
    answer = engine.ask("What does Jinja2 do?")
    assert answer.citations and "templating engine" in answer.citations[0].quote, answer.answer
    assert all(c.quote.strip().lower() != "jinja2" for c in answer.citations), answer.answer
    yes_no = engine.ask("Can I use Jinja2 with FastAPI?")
    assert yes_no.citations and yes_no.citations[0].quote.strip().lower() != "jinja2", yes_no.answer
    assert any("FastAPI can serve HTML using Jinja2" in c.quote for c in yes_no.citations), yes_no.answer


@pytest.mark.slow
def test_who_is_someone_is_answered_with_who_they_are(engine: Engine) -> None:
    """The byline "By Armin Ronacher & community" scores first; the sentence saying who he is leads."""
    answer = engine.ask("Who is Armin Ronacher?")
    assert answer.citations and "an Austrian developer" in answer.citations[0].quote, answer.answer


def test_no_comparison_for_a_single_subject_fact(answers: dict[str, Answer]) -> None:
    assert answers["Who created Flask?"].comparison is None
    assert answers["How do I install FastAPI?"].comparison is None


def test_disagreeing_sources_are_shown_newest_first(answers: dict[str, Answer], corpus_docs: dict[str, Document]) -> None:
    answer = answers["How many GitHub stars does FastAPI have?"]
    about_fastapi = [c for c in answer.conflicts if "FastAPI" in c.topic]
    assert about_fastapi, answer.answer
    conflict = about_fastapi[0]
    figures: set[float] = set()
    for claim in conflict.claims:
        cite = answer.citations[claim.citation - 1]
        stated = NUMBER.findall(claim.text)
        assert stated, claim.text
        for num in stated:
            assert num in cite.quote  # every figure is the source's own
        values = [float(n.rstrip("k").replace(",", "")) * (1000 if n.endswith("k") else 1) for n in stated]
        figures |= {v for v in values if v >= 1000}  # star counts, not versions or small numbers
    assert len(figures) >= 2, figures
    # Newest first; undated sources last.
    dates = [answer.citations[c.citation - 1].published for c in conflict.claims]
    assert len({answer.citations[c.citation - 1].doc_id for c in conflict.claims}) == len(conflict.claims) >= 2
    dated = [d for d in dates if d]
    assert dates[: len(dated)] == sorted(dated, reverse=True)
    assert dates[0] == max(corpus_docs[answer.citations[c.citation - 1].doc_id].published or "" for c in conflict.claims)
    assert "disagree" in answer.answer


def merged_claims(answer: Answer) -> list[tuple[str, list[int]]]:
    """Claims rendered as 'text [a][b]...' with two or more markers (outside comparison tables)."""
    out = []
    for line in answer.answer.split("\n"):
        for m in re.finditer(r"((?:\[\d+\]){2,})", line):
            numbers = [int(n) for n in MARK.findall(m.group(1))]
            out.append((line[: m.start()].strip(), numbers))
    return out


def test_near_duplicates_from_several_sources_merge_into_one_claim(
    engine: Engine, embedder: OnnxEmbedder
) -> None:
    found = []
    for question in ("What server interface does Flask use?", "What is FastAPI?", "What is Flask built on?"):
        answer = engine.ask(question)
        if answer.comparison is not None:
            continue
        for text, numbers in merged_claims(answer):
            cites = [answer.citations[n - 1] for n in numbers]
            if len({c.doc_id for c in cites}) >= 2:
                found.append((text, cites))
    assert found, "no claim citing two or more sources"
    for text, cites in found:
        assert text.endswith(cites[0].quote)  # the claim is the first source's own words
        vecs = embedder.embed([c.quote for c in cites])
        assert float(np.min(vecs @ vecs[0])) >= 0.85, [c.quote for c in cites]
        assert len({c.doc_id for c in cites}) == len(cites)  # one citation per source
        dates = [c.published or "" for c in cites]
        assert dates == sorted(dates, reverse=True)  # newest source first


def test_merging_never_hides_different_numbers(answers: dict[str, Answer]) -> None:
    # 'FastAPI requires Python 3.7' and 'FastAPI now requires Python 3.10' are close in embedding space
    # but disagree: they must not become one claim citing both.
    for question in VARIED:
        answer = answers[question]
        if answer.comparison is not None:
            continue
        for _text, numbers in merged_claims(answer):
            stated = [set(NUMBER.findall(answer.citations[n - 1].quote)) for n in numbers]
            with_numbers = [s for s in stated if s]
            assert all(s == with_numbers[0] for s in with_numbers), (question, stated)


def test_scores_and_sections(answers: dict[str, Answer]) -> None:
    answer = answers["Does Flask support WebSockets natively?"]
    assert any("WebSocket" in (c.section or "") for c in answer.citations)
    assert all(isinstance(c.score, float) for c in answer.citations)
    assert "Flask does not support WebSockets" in answer.answer


# -- text_fragment_link ---------------------------------------------------------------------------


def test_link_percent_encodes_spaces_dashes_commas_and_ampersands() -> None:
    link = text_fragment_link("https://example.com/a", "Flask-SocketIO, Quart & more")
    assert link == "https://example.com/a#:~:text=Flask%2DSocketIO%2C%20Quart%20%26%20more"


def test_link_uses_start_end_form_for_long_quotes() -> None:
    quote = "FastAPI is a modern, fast (high-performance) web framework for building APIs with Python"
    link = text_fragment_link("https://example.com/a", quote)
    assert link == ("https://example.com/a#:~:text=FastAPI%20is%20a%20modern%2C,"
                    "building%20APIs%20with%20Python")
    assert link.count(",") == 1  # the only raw comma separates start and end


def test_link_replaces_an_existing_fragment_and_collapses_whitespace() -> None:
    link = text_fragment_link("https://example.com/a#intro", "two\n  lines")
    assert link == "https://example.com/a#:~:text=two%20lines"


def test_link_keeps_unicode_and_needs_a_url() -> None:
    assert text_fragment_link("https://example.com/", "built‑in café") == (
        "https://example.com/#:~:text=built%E2%80%91in%20caf%C3%A9")
    assert text_fragment_link(None, "any quote") is None
    assert text_fragment_link("", "any quote") is None
    assert text_fragment_link("https://example.com/", "   ") == "https://example.com/"


def test_links_of_seed_citations(answers: dict[str, Answer]) -> None:
    # The seed articles state no url, so their citations carry no link (the synthetic corpus of
    # test_engine.py has urls and checks the links).
    cites = [c for a in answers.values() for c in a.citations]
    assert cites
    for c in cites:
        assert (c.link is None) == (not c.url)
        if c.link:
            fragment = c.link.split("#:~:text=", 1)[1]
            assert not re.search(r"[\s&\-]", fragment) and fragment.count(",") <= 1


def test_holding_agrees_with_the_posting_lists(engine: Engine) -> None:
    """Snapshot.holding (a binary search) marks exactly the units units_with lists, for any order of ids."""
    snap = engine.snapshot()
    ids = np.random.default_rng(0).permutation(len(snap.version.units)).astype(np.int64)
    for term in ("async", "validation", "on", "flask", "no-such-word"):
        holders = snap.units_with(term)
        want = np.isin(ids, holders) if holders is not None else np.zeros(len(ids), dtype=bool)
        assert (snap.holding(ids, term) == want).all(), term
    assert snap.holding(ids, "flask").any()


@pytest.mark.parametrize(("question", "term"), [("What is Werkzeug?", "Werkzeug"), ("What is Jinja2?", "Jinja2")])
def test_a_definition_question_leads_with_what_the_thing_is(engine: Engine, question: str, term: str) -> None:
    """The seed corpus names Werkzeug and Jinja2 in bare lists of packages ("werkzeug click itsdangerous
    blinker"), which hold the word as fully as the sentences saying what each is; the answer leads with one
    of those."""
    first = engine.ask(question).citations[0].quote
    assert re.search(rf"{term}(?: is an?|,? \(?an?) ", first, re.I), first


def test_a_definition_question_draws_on_the_sentence_defining_the_term_wherever_it_ranked(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"What are blueprints?" leads with the sentence saying what a blueprint is ("A :class:`Blueprint` is a
    way ..."), singular and marked up as it is, though the pages using blueprints name them more often; and
    "What is Ibex KV?" with the first sentence of its page saying so, not a later one of the same form."""
    usage = "".join(f"# Blueprint {n}\n\nRegister the {n} blueprint, then add the {n} blueprint's views to the "
                    f"blueprint registry.\n\n" for n in ("admin", "auth", "blog", "shop", "api", "docs"))
    engine = engine_over(tmp_path, {
        "usage.md": "---\nsubjects: [Ibex KV]\n---\n" + usage,
        "views.md": "---\nsubjects: [Ibex KV]\n---\n# Organizing views\n\n"
                    "A :class:`Blueprint` is a way to organize a group of related views and other code.\n",
        "index.md": "---\nsubjects: [Ibex KV]\n---\n# Ibex KV\n\nIbex KV is a replicated key-value store for "
                    "Python services.\n\n## Sponsors\n\nIbex KV is an open-source project that relies on its "
                    "community.\n",
    }, embedder)
    snap = engine.snapshot()
    defining = unit_opening(snap, "A :class:")
    assert kind_units(snap, analyse("what are blueprints?", snap.catalog)) == (defining,)
    first = engine.ask("what are blueprints?").citations[0]
    assert first.quote.startswith("A :class:`Blueprint` is a way"), first.quote
    first = engine.ask("What is Ibex KV?").citations[0]
    assert first.quote.startswith("Ibex KV is a replicated key-value store"), first.quote


def test_the_entry_whose_heading_asks_the_question_leads(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """An FAQ entry answers its heading without restating it ("Ibex is said EYE-bex"): for "how do you say
    ibex kv" it leads, over a sentence elsewhere holding the question's words; a how-to's entry may lead with
    its code."""
    engine = engine_over(tmp_path, {
        "faq.md": "---\ntitle: Ibex KV FAQ\n---\n"
                  "# What does the name Ibex KV mean, and how do you pronounce it?\n\n"
                  "Ibex is said EYE-bex, after the mountain goat of the Alps.\n\n"
                  "# How can I see the raw commands Ibex KV runs?\n\n"
                  "```python\nfrom ibex import trace\ntrace.enable()\n```\n\n"
                  "If you need to clear the trace buffer at any point, call ``trace.reset()``.\n",
        "cli.md": "---\ntitle: Command line\n---\n# Key names\n\n"
                  "In the Ibex KV shell you can say key names in any case, and the shell will pronounce them back.\n\n"
                  "# Commands\n\nIbex KV runs commands you see in the shell as raw commands against the store.\n",
    }, embedder)
    first = engine.ask("how do you say ibex kv").citations[0].quote
    assert first.startswith("Ibex is said EYE-bex"), first
    first = engine.ask("how do i see the raw commands ibex kv runs").citations[0].quote
    assert "trace.enable()" in first, first


def test_a_comparison_is_not_led_by_the_entry_asking_which_to_use(engine: Engine) -> None:
    """"Should I use FastAPI or Flask?" heads an entry of the seed corpus, and any question naming both is near it
    (0.82 for this one): a comparison is answered subject by subject, not by that entry's first unit."""
    answer = engine.ask("is it hard to switch from flask to fastapi")
    assert "hard" in answer.citations[0].quote, answer.citations[0].quote


def test_a_row_said_of_another_subject_answers_for_the_subject_of_its_cell(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A guide's section for Redwood users sets each task's Redwood way beside Ibex KV's, row by row: a row of that
    section answers a question about Ibex KV from Ibex KV's cell ("How do I return a redirect in Litestar?" over
    Litestar's guide for Flask users), but a sentence about Ibex KV near enough in score to be a claim beside it
    leads ("How do I set cookies in Litestar?": "Litestar offers two paths: ...")."""
    engine = engine_over(tmp_path, {"guide.md": (
        "---\ntitle: Migration guide\nsubjects: [Ibex KV, Redwood]\n---\n# Migration guide\n\n## Coming from Redwood\n\n"
        "| Task | Redwood | Ibex KV |\n|---|---|---|\n"
        "| Expiry | `ttl()` on the table | `expire=` on `put` |\n"
        "| Snapshots | `dump` | `snapshot()` |\n\n"
        "Ibex KV sets an expiry per key, with `expire=` on each `put`.\n")}, embedder)
    snap = engine.snapshot()
    query = analyse("How do I expire keys in Ibex KV?", snap.catalog)
    row, sentence = unit_opening(snap, "| Expiry"), unit_opening(snap, "Ibex KV sets")
    assert first_claim(snap, query, {row: 6.0, sentence: 1.0}) == row  # nothing of Ibex KV's own near it
    assert first_claim(snap, query, {row: 6.0, sentence: 4.0}) == sentence


def test_a_first_unit_holding_nothing_asked_yields_to_one_under_a_heading_that_does(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Does Flask support type hints?" led with '| Asynchronous task support | No | Yes |' (only 'support', a word
    of no aspect) over "Flask does not perform any input validation ..." under 'Data Validation: Manual vs. Type
    Hints'. A unit holding none of the words asked, under a heading holding none, leads only when nothing holding
    them, or under a heading that does, is within the claim margin of it."""
    engine = engine_over(tmp_path, {"guide.md": (
        "---\ntitle: Guide\nsubjects: [Ibex KV, Redwood]\n---\n# Guide\n\n## Feature table\n\n"
        "| Feature | Ibex KV | Redwood |\n|---|---|---|\n| Async support | No | Yes |\n\n"
        "## Compression: none vs codecs\n\nIbex KV stores every value as written, byte for byte.\n\n"
        "Redwood applies compression with codecs.\n")}, embedder)
    snap = engine.snapshot()
    query = analyse("Does Ibex KV support compression?", snap.catalog)
    row, sentence = unit_opening(snap, "| Async"), unit_opening(snap, "Ibex KV stores")
    assert first_claim(snap, query, {row: 5.0, sentence: 3.0}) == sentence
    assert first_claim(snap, query, {row: 5.0, sentence: 1.0}) == row  # beyond the claim margin


def first_claim(snap: Snapshot, query: Query, scores: dict[int, float]) -> int:
    """The unit the first claim quotes, of units scored ``scores`` (best first), each 0.5 near the question."""
    scored = [Scored(u, score, 0.5, 0.0, 0.5) for u, score in sorted(scores.items(), key=lambda x: -x[1])]
    return select_claims(snap, scored, query, max_claims=2)[0].units[0]


def test_of_table_rows_the_one_labelled_with_the_question_leads(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Does Marten Store support sessions?" over a feature matrix: the 'Sessions' row answers it (and so the
    question is covered), not the 'Authentication' row whose cell says 'Session based' of another subject, nor a
    sentence holding no word asked; a sentence saying it leads still."""
    engine = engine_over(tmp_path, {"matrix.md": (
        "---\ntitle: Feature matrix\nsubjects: [Ibex KV, Marten Store, Onyx DB]\n---\n# Feature matrix\n\n"
        "| Feature | Ibex KV | Marten Store | Onyx DB |\n|---|---|---|---|\n"
        "| Replication | yes | - | yes |\n"
        "| Authentication | JWT / Session based | - | - |\n"
        "| Sessions | yes | Client-side | - |\n"
        "| Caching | yes | - | - |\n"),
        "notes.md": "---\ntitle: Notes\nsubjects: [Marten Store]\n---\n# Notes\n\n"
                    "File responses are only partially supported by Marten Store.\n\n"
                    "Marten Store keeps sessions client-side, in a signed cookie.\n"}, embedder)
    question = "Does Marten Store support sessions?"
    answer = engine.ask(question)
    assert not answer.abstained, answer.answer
    snap = engine.snapshot()
    query = analyse(question, snap.catalog)
    auth, sessions = unit_opening(snap, "| Authentication"), unit_opening(snap, "| Sessions")
    files, cookie = unit_opening(snap, "File responses"), unit_opening(snap, "Marten Store keeps")

    def first(*units: int, asked: Query = query) -> int:  # scored as over Litestar's matrix: 0.01 apart
        scored = [Scored(u, 1.50 - 0.01 * i, 0.3, 0.0, 0.3) for i, u in enumerate(units)]
        return select_claims(snap, scored, asked, max_claims=2)[0].units[0]

    assert first(auth, sessions) == sessions
    assert first(auth, sessions, asked=analyse("Which stores support sessions?", snap.catalog)) == sessions
    assert first(files, sessions) == sessions  # a sentence holding no word asked
    assert first(cookie, sessions) == cookie  # a sentence saying it: more than a cell


def test_a_definition_question_no_sentence_answers_is_not_led_by_a_bare_list(engine: Engine) -> None:
    """No sentence of the seed corpus says what Pydantic is; a list of package names holding the word says
    nothing of it either, and does not lead."""
    first = engine.ask("What is Pydantic?").citations[0].quote
    assert not enumerates(first), first


@pytest.mark.parametrize(
    ("question", "other"),
    [
        ("How does FastAPI show error messages?", "Flask"),  # the best-scored sentence is Flask's
        ("How does Flask check request data?", "FastAPI"),  # ... is FastAPI's
        ("Which template engine does FastAPI use?", "Flask"),  # ... is about who created Flask
        # "You need Flask-SocketIO for WebSockets" names no subject: the sentence before it says it is Flask's
        ("How do I handle websockets in FastAPI?", "Flask"),
        # "FastAPI was first released in December 2018 ... overtaking Flask": said of the subject it names first
        ("When was Flask first released?", "FastAPI"),
    ],
)
def test_a_question_about_one_subject_is_not_led_by_another(engine: Engine, question: str, other: str) -> None:
    first = engine.ask(question).citations[0].quote
    assert other.lower() not in first.lower(), first


@pytest.mark.slow
def test_a_sentence_set_against_another_subject_is_about_the_one_after(engine: Engine) -> None:
    """"When compared to FastAPI, Flask is somehow slower." names FastAPI first but is about Flask: "Is Flask
    slow?" was declined ("nothing on slow for Flask") with it counted as FastAPI's."""
    snap = engine.snapshot()
    unit = snap.unit_text.index("When compared to FastAPI, Flask is somehow slower.")
    assert snap.unit_lead_subject[unit] == "Flask"
    answer = engine.ask("Is Flask slow?")
    assert not answer.abstained and "Flask is somehow slower" in answer.citations[0].quote, answer.answer


def test_a_subject_named_only_as_an_owner_is_not_what_a_sentence_is_about(tmp_path: Path,
                                                                         embedder: OnnxEmbedder) -> None:
    """"Middleware built on Marten Store's BaseMiddleware does not port: Ibex KV takes a RawMiddleware" names
    Marten Store first, as the owner of a thing, and says what to do in Ibex KV: "How do I add middleware in
    Ibex KV?" was declined ("nothing on middleware for Ibex KV") with it counted as Marten Store's. A sentence
    naming two owners is the first's. An owner opening the sentence is its subject: "On the mid-tier plans,
    Linear's Business plan costs $14 ..., still below Jira Premium" led "yearly cost for 40 users on jira standard"
    as Jira's."""
    engine = engine_over(tmp_path, {"moving.md": (
        "---\ntitle: Ibex KV for Marten Store users\nsubjects: [Ibex KV, Marten Store]\n---\n# Middleware\n\n"
        "Middleware built on Marten Store's ``BaseMiddleware`` does not port directly: Ibex KV takes a "
        "``RawMiddleware`` instead.\n\n# Speed\n\nMarten Store's reads are slower than Ibex KV's.\n\n# Price\n\n"
        "On the paid plans, Marten Store's cluster tier costs $14 per node, still below Ibex KV Premium.\n")}, embedder)
    snap = engine.snapshot()
    assert snap.unit_lead_subject[unit_opening(snap, "Middleware built")] == "Ibex KV"
    assert snap.unit_lead_subject[unit_opening(snap, "Marten Store's reads")] == "Marten Store"
    assert snap.unit_lead_subject[unit_opening(snap, "On the paid plans")] == "Marten Store"
    answer = engine.ask("How do I add middleware in Ibex KV?")
    assert not answer.abstained and "RawMiddleware" in answer.citations[0].quote, answer.answer


def test_no_claim_about_the_other_subject_beside_claims_about_the_asked_one(engine: Engine) -> None:
    """"Does Flask support async?": FastAPI's "Pros" ("High performance with async support") holds the words
    too, and once a claim about Flask is picked it is not one of the others."""
    answer = engine.ask("Does Flask support async?")
    assert not answer.abstained and answer.citations
    for n in {n for s in answer.sections if s.kind != "disagreement" for n in s.citations}:
        c = answer.citations[n - 1]
        heads = [h for h in (c.section or "").lower().split(" > ") if "flask" in h or "fastapi" in h]
        about_fastapi = bool(heads) and "fastapi" in heads[-1] and "flask" not in heads[-1]
        assert "flask" in c.quote.lower() or not about_fastapi, (c.section, c.quote)


def test_a_section_is_about_what_its_deepest_heading_names(engine: Engine) -> None:
    """"Unique to Fastapi" under "Fastapi vs Flask" is about FastAPI: its list of FastAPI's patterns does not
    lead an answer about Flask, though its own words name neither."""
    first = engine.ask("Does Flask have dependency injection?").citations[0]
    deepest = (first.section or "").split(" > ")[-1]
    assert "flask" in first.quote.lower() or "fastapi" not in deepest.lower(), (first.section, first.quote)


@pytest.mark.parametrize(
    "question",
    ["What does FastAPI return for an invalid request body?", "How does Flask validate request data?",
     "Which is better for a live chat app over websockets, Flask or FastAPI?"],  # advice on both: no code first
)
def test_prose_leads_an_answer_that_is_not_a_how_to(engine: Engine, question: str) -> None:
    """A code block scored first does not lead, nor set the bar that keeps the sentences saying it out."""
    answer = engine.ask(question)
    assert not answer.citations[0].quote.startswith("```"), answer.citations[0].quote
    assert len([c for c in answer.citations if not c.quote.startswith("```")]) >= 2


@pytest.mark.parametrize(
    ("question", "listed", "not_listed"),
    [
        # the seed corpus's lists ("starlette pydantic ...") hold none of the question's words: their passage
        # and headings ("What technology does Fastapi use that Flask doesn't?") do
        ("Which technologies does FastAPI use that Flask does not?", "starlette, pydantic", "werkzeug"),
        ("Name the technologies only Flask depends on.", "werkzeug, click", "starlette"),
    ],
)
def test_a_question_asking_for_several_things_cites_the_list(
    engine: Engine, question: str, listed: str, not_listed: str
) -> None:
    quotes = [c.quote for c in engine.ask(question).citations]
    assert any(listed in q for q in quotes), quotes
    assert not any(not_listed in q for q in quotes), quotes


def test_a_list_leads_no_answer_whose_nearest_passage_holds_none(engine: Engine) -> None:
    """The corpus's lists of packages are no answer to "What advantages does FastAPI have?"."""
    first = engine.ask("What advantages does FastAPI have?").citations[0].quote
    assert "pydantic," not in first.lower() and "starlette" not in first.lower(), first


@pytest.mark.parametrize("question", ["Who made FastAPI?", "Who originally wrote FastAPI?"])
def test_a_question_asking_who_made_something_leads_with_its_maker(engine: Engine, question: str) -> None:
    """"made" and "wrote" are not the corpus's "created", and "made" is in "ready-made", "wrote" in "As
    Ronacher later wrote": the sentence saying who created it leads all the same."""
    first = engine.ask(question).citations[0].quote
    assert "created by Sebastian Ramirez" in first, first


def test_is_it_an_a_or_a_b_leads_with_what_it_is(engine: Engine) -> None:
    """"Is X an A or a B?" asks what X is: the sentence saying so with one of the two leads, not the best
    match of the two words (a sentence about what ASGI is, or about running both)."""
    first = engine.ask("Is Flask a WSGI or an ASGI app?").citations[0].quote
    assert first.startswith("Flask is a lightweight WSGI"), first


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("What is Starlette used for?", "Starlette for web handling"),
        # no sentence says what Jinja2 is for: the one saying what it is, not the bare name "jinja2"
        ("What is Jinja2 used for?", "Jinja2 is an expressive"),
    ],
)
def test_what_is_it_used_for_leads_with_what_it_serves(engine: Engine, question: str, lead: str) -> None:
    first = engine.ask(question).citations[0].quote
    assert lead in first, first


def test_a_subject_a_disagreement_quotes_is_not_said_to_have_no_source(engine: Engine) -> None:
    """"Is FastAPI faster than Flask?": the sources disagree on Flask's requests per second, so the answer
    does not go on to say that no source says anything of Flask."""
    answer = engine.ask("Is FastAPI faster than Flask?")
    assert any(c.topic.endswith("(Flask)") for c in answer.conflicts), [c.topic for c in answer.conflicts]
    assert not [s for s in answer.sections if s.kind == "subject" and s.label == "Flask" and not s.citations]


def test_a_comparison_naming_sections_shows_each_sides_sections(engine: Engine) -> None:
    """"Pros and cons of Flask and FastAPI": the corpus has sections so headed for each; the answer shows them,
    each side's in turn, not the table of the corpus's main aspects."""
    answer = engine.ask("pros and cons of flask and fastapi")
    assert answer.comparison is None
    sides = [s for s in answer.sections if s.kind == "subject"]
    assert [s.label for s in sides] == ["Flask", "FastAPI"]
    for side in sides:
        cited = [answer.citations[n - 1].section or "" for n in side.citations]
        assert any("pros" in c.lower() for c in cited) and any("cons" in c.lower() for c in cited), cited
        assert all(side.label.lower() in c.lower() for c in cited), cited  # each side's own sections


def test_a_question_of_fact_naming_one_sides_section_shows_it(engine: Engine) -> None:
    """"What are the cons of Flask?": Flask's Cons section, not FastAPI's ("fewer than Flask" names Flask)."""
    answer = engine.ask("What are the cons of Flask?")
    sections = {answer.citations[n - 1].section or "" for n in answer.sections[0].citations}
    assert answer.sections[0].label == "Flask" and sections, answer.answer
    assert all("cons" in s.lower() and "fastapi" not in s.lower() for s in sections), sections


@pytest.mark.slow
def test_named_sections_need_every_asked_word_in_a_heading(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """On a corpus about two other things: "strengths and weaknesses" names their sections; a question with a
    word no heading holds gets the usual answer."""
    kv = engine_over(tmp_path, {"kv.md": (
        "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n\n"
        "## Ibex KV\n\n### Strengths of Ibex KV\n\nIbex KV serves 80,000 reads per second on one node.\n\n"
        "### Weaknesses of Ibex KV\n\nIbex KV needs a lot of memory for its B-tree.\n\n"
        "## Marten Store\n\n### Strengths of Marten Store\n\nMarten Store writes append-only segments quickly.\n\n"
        "### Weaknesses of Marten Store\n\nMarten Store has no replication at all. This makes failover manual.\n")}, embedder)
    answer = kv.ask("Strengths and weaknesses of Ibex KV and Marten Store?")
    assert [s.label for s in answer.sections if s.kind == "subject"] == ["Ibex KV", "Marten Store"]
    # a sentence quoted as the continuation of the one before is not shown again
    assert "Weaknesses of Marten Store: Marten Store has no replication at all. This makes failover manual. [" \
        in answer.answer
    assert answer.answer.count("This makes failover manual.") == 1, answer.answer
    other = kv.ask("Strengths of Ibex KV and Marten Store for replication?")
    assert "Strengths of Ibex KV:" not in other.answer
    one = kv.ask("What are the weaknesses of Marten Store?")
    assert one.answer.startswith("Marten Store: Weaknesses of Marten Store: Marten Store has no replication at all."), \
        one.answer
    assert "Weaknesses of Marten Store:" not in kv.ask("How do I work around the weaknesses of Marten Store?").answer


def test_no_side_is_shown_empty(engine: Engine) -> None:
    """"What are the advantages of Flask over FastAPI?": FastAPI's one claim is shown above as another claim's
    context, and its side is not left as a bare "FastAPI:"."""
    answer = engine.ask("What are the advantages of Flask over FastAPI?")
    assert all(s.text.strip() != s.heading.strip() for s in answer.sections), [s.text for s in answer.sections]


@pytest.mark.parametrize("question", ["When should I avoid Flask?", "When should I NOT use Flask?",
                                      "When is Flask a bad choice?"])
def test_a_question_against_a_subject_is_answered_with_its_bad_points(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.resolved_question == "What are the cons of Flask?"
    assert not answer.abstained and "Complex framework." in answer.answer, answer.answer
    assert "the right choice" not in answer.answer  # the advice to choose it


@pytest.mark.parametrize("question", ["What do people like about FastAPI?", "What's so great about FastAPI?"])
def test_a_question_on_what_is_good_about_a_subject_is_answered_with_its_good_points(engine: Engine,
                                                                                    question: str) -> None:
    """"What do people like about FastAPI?" led with "The answer is not as simple as ...": it asks for its pros."""
    answer = engine.ask(question)
    assert answer.resolved_question == "What are the pros of FastAPI?"
    assert not answer.abstained and "Pros of FastAPI" in answer.answer, answer.answer


def test_a_question_against_a_subject_finds_the_corpus_s_word_for_bad_points(tmp_path: Path,
                                                                              embedder: OnnxEmbedder) -> None:
    engine = engine_over(tmp_path, {"stores.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n"
                                    "---\n\n# Ibex KV vs Marten Store\n\n## When to choose Ibex KV\n\nIbex KV is the "
                                    "right choice for read-heavy caches.\n\n## Drawbacks of Ibex KV\n\n- Ibex KV has no "
                                    "replication.\n- Ibex KV needs a lot of memory.\n\n## When to choose Marten Store\n\n"
                                    "Marten Store is the right choice for append-only logs.\n"}, embedder)
    answer = engine.ask("When should I avoid Ibex KV?")
    assert answer.resolved_question == "What are the drawbacks of Ibex KV?"
    assert not answer.abstained and "needs a lot of memory" in answer.answer, answer.answer
    assert "right choice" not in answer.answer


def test_the_evidence_on_what_a_recommendation_asks_leads_and_is_no_advice(tmp_path: Path,
                                                                             embedder: OnnxEmbedder) -> None:
    """"Which one has better error reporting?": the sentence on error reporting leads, as the row of the section
    the question names; it is not given as when to choose the subject it names last, and "When to choose X:"
    heads only what is worded as advice."""
    engine = engine_over(tmp_path, {"stores.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten "
                                    "Store]\n---\n\n# Ibex KV vs Marten Store\n\n## Error reporting\n\nIbex KV "
                                    "reports errors as structured JSON documents. On the other hand, Marten Store "
                                    "reports errors in plain log lines.\n\n## When to choose each\n\nIbex KV is the "
                                    "right choice for read-heavy caches.\n\nMarten Store is the right choice for "
                                    "append-only logs.\n"}, embedder)
    answer = engine.ask("Which one has better error reporting?")
    assert not answer.abstained, answer.answer
    lead = answer.sections[0]
    assert lead.kind == "aspect" and "plain log lines" in lead.text and "structured JSON" in lead.text, answer.answer
    for section in answer.sections[1:]:
        assert "log lines" not in section.text, answer.answer
        if section.citations:
            assert section.heading.startswith("When to choose") == ("right choice" in section.text), answer.answer


@pytest.mark.parametrize(("question", "aspect"), [("Which of the two has better documentation?", "Documentation Support"),
                                                ("Which one has better performance?", "Performance"),
                                                # a two-word term its label holds whole ('data' alone names none)
                                                ("Is Flask or FastAPI better for data validation?", "Data Validation"),
                                                # clipped, and read by its meaning: 'docs'
                                                ("Which one has better docs, Flask or FastAPI?", "Documentation Support")])
def test_a_choice_naming_an_aspect_shows_its_row(engine: Engine, question: str, aspect: str) -> None:
    """"Which one has better documentation?" names what to weigh the two on: the corpus's row on it, each side's
    cells, rather than the advice on when to choose each (which led with "It is the right choice when ... API
    documentation are critical")."""
    answer = engine.ask(question)
    assert not answer.abstained and answer.comparison is not None, answer.answer
    assert [r.aspect for r in answer.comparison.rows] == [aspect], answer.answer
    assert all(answer.comparison.rows[0].cells[s] for s in answer.subjects), answer.answer
    assert "When to choose" not in answer.answer


def row_shown(answer: Answer, aspect: str) -> str:
    """What the comparison row whose aspect holds ``aspect`` shows, all its cells' values joined."""
    assert answer.comparison is not None, answer.answer
    row = next(r for r in answer.comparison.rows if aspect in r.aspect)
    return " ".join(v for values in row.values.values() for v in values)


def test_a_table_row_is_shown_under_the_aspect_its_label_is_of(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"postgres vs mysql" showed 'Full-text search — PostgreSQL: 1.6 TB': the row '| Maximum row size | 1.6 TB |
    65,535 bytes (excluding BLOB/TEXT) |' holds the word 'text' in a cell. A row speaks to what its label or its
    section's heading names."""
    engine = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
                "## Limits worth knowing\n\n| Limit | Ibex KV | Marten Store |\n|---|---|---|\n"
                "| Maximum row size | 1.6 TB | 65,535 bytes (excluding BLOB/TEXT) |\n| Concurrent writers | Many | One |\n\n"
                "## Full-text search\n\nIbex KV ships full-text search built in. Marten Store needs a plugin for "
                "full-text search.\n",
        "b.md": "---\npublisher: Beta\nsubjects: [Ibex KV, Marten Store]\n---\n# Choosing a store\n\n"
                "| Question | Ibex KV | Marten Store |\n|---|---|---|\n| Full-text search | Built in | Plugin |\n"
                "| Concurrent writers | Many | One |\n\n## Full-text search\n\nIbex KV indexes text as it is written; "
                "Marten Store indexes it nightly.\n"}, embedder)
    answer = engine.ask("ibex kv vs marten store")
    shown = row_shown(answer, "Full-text")
    assert "TB" not in shown and "65,535" not in shown, answer.answer
    assert "Built in" in shown, answer.answer


def test_a_row_is_on_an_aspect_when_its_label_holds_every_word_of_the_name(tmp_path: Path,
                                                                            embedder: OnnxEmbedder) -> None:
    """"obsidian vs notion" showed 'End-to-end encryption — Notion: No / Yes (TLS 1.2+)', the second from the row
    'Encryption in transit' of a table with a column more than the subjects, which holds 'encryption' ('end', of
    three letters, was no word of the name), and was read as prose, not as a row."""
    engine = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha\nsubjects: [Ibex Notes, Marten Wiki]\n---\n# Ibex Notes vs Marten Wiki\n\n"
                "## Privacy and encryption\n\n| Feature | Ibex Notes | Marten Wiki |\n|---|---|---|\n"
                "| End-to-end encryption | Yes, with Sync | No |\n| Offline use | Yes | Partial |\n",
        "b.md": "---\npublisher: Beta\nsubjects: [Ibex Notes, Marten Wiki]\n---\n# Privacy\n\n## Where your notes live\n\n"
                "| Question | Ibex Notes (local only) | Ibex Notes with Sync | Marten Wiki |\n|---|---|---|---|\n"
                "| Encryption in transit | n/a | Yes | Yes (TLS 1.2+) |\n| Encryption at rest | n/a | Yes | Yes (AES-256) |\n"
                "| Offline use | Yes | Yes | Partial |\n"}, embedder)
    answer = engine.ask("compare ibex notes and marten wiki on end-to-end encryption")
    shown = row_shown(answer, "End-to-end")
    assert "TLS" not in shown and "AES" not in shown, answer.answer  # in transit, at rest


def test_a_sentence_opening_with_a_pronoun_is_said_of_the_subject_before_it(tmp_path: Path,
                                                                            embedder: OnnxEmbedder) -> None:
    """"default isolation level mysql" quoted "MySQL's default storage engine, InnoDB, also uses MVCC with
    row-level locking." and stopped: the next sentence, "Its default isolation level is REPEATABLE READ, while
    PostgreSQL defaults to READ COMMITTED.", names PostgreSQL alone and was read as said of it."""
    engine = engine_over(tmp_path, {"kv.md": (
        "---\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n## Concurrency\n\n"
        "Marten Store uses multi-version concurrency control. Readers never block writers.\n\n"
        "Ibex KV's default storage engine, Redwood, also uses MVCC with row-level locking. Its default isolation "
        "level is SERIALIZABLE, while Marten Store defaults to READ COMMITTED. Both handle hundreds of "
        "connections.\n\n## Licensing\n\nIbex KV is licensed under the Apache License.\n")}, embedder)
    answer = engine.ask("default isolation level ibex kv")
    assert not answer.abstained and "SERIALIZABLE" in answer.citations[0].quote, answer.answer


def test_a_long_questions_situation_names_no_row_to_choose_by(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"I'm a student ..., I drink mostly flat whites, I've never made espresso ... Which of these two should I
    get?" was answered with the row 'Drinks made' alone: its words were in the situation, not in what it asks.
    The aspect a choice is weighed on is named in the question a long one asks."""
    engine = engine_over(tmp_path, {"stores.md": (
        "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
        "| Feature | Ibex KV | Marten Store |\n|---|---|---|\n| Keys stored | About 6,500 | About 7,200 |\n"
        "| Documentation | Thin | Thorough |\n\n## Which to choose\n\nChoose Ibex KV if you are new to key-value "
        "stores and want a quick start. Choose Marten Store if you keep append-only logs.\n")}, embedder)
    situation = ("I'm a student who stored keys in a spreadsheet before, I have never run a database and I can spend "
                 "about two hours a week on it. Which of these two should I pick?")
    answer = engine.ask(situation)
    assert not answer.abstained and not (answer.comparison and answer.comparison.rows), answer.answer
    answer = engine.ask("Which of the two has better documentation?")
    assert answer.comparison and [r.aspect for r in answer.comparison.rows] == ["Documentation"], answer.answer


@pytest.mark.parametrize(("question", "plain"), [
    ("What's the difference between Flask and FastAPI in one sentence?", "What's the difference between Flask and FastAPI?"),
    ("Briefly, what is the difference between Flask and FastAPI?", "What is the difference between Flask and FastAPI?"),
])
def test_the_form_asked_of_an_answer_is_no_topic(engine: Engine, question: str, plain: str) -> None:
    """"... in one sentence?" abstained ("nothing on sentence"): it is answered as the question without it."""
    answer = engine.ask(question)
    assert not answer.abstained and answer.resolved_question == plain, answer.answer
    assert answer.answer == engine.ask(plain).answer


@pytest.mark.parametrize(("question", "lead"), [
    ("how does fastapi handle websockets", "FastAPI has first-class WebSocket support"),
    ("Can Flask handle high traffic?", "To handle more concurrent requests, Flask scales"),
    ("Does Flask ship with a database layer?", "there are well-maintained extensions for nearly everything"),
    # one asking whether it fits a use is answered by when to choose it
    ("Is FastAPI good for microservices?", "It is the right choice when you are serving machine learning models"),
])
def test_a_question_asking_no_choice_leads_with_what_is_so(engine: Engine, question: str, lead: str) -> None:
    """"How does FastAPI handle WebSockets?" led with "It is the right choice when ... building real-time
    applications with WebSockets": advice on choosing it, not how it handles them."""
    answer = engine.ask(question)
    assert not answer.abstained and lead in answer.citations[0].quote, answer.answer


def test_a_clause_said_of_the_subject_asked_answers_for_it(engine: Engine) -> None:
    """"FastAPI edges ahead in performance ..., while Flask remains the go-to for newcomers and lightweight
    projects." leads with FastAPI, and was no answer for Flask at all: "Is Flask easy for newcomers?" led with
    "Flask lacks automatic documentation". A clause opening with the subject asked about answers for it; a
    subject named beside another ("Fastapi and Flask are both popular ...") is still said of the first."""
    answer = engine.ask("Is Flask easy for newcomers?")
    assert "while Flask remains the go‑to for newcomers" in answer.citations[0].quote, answer.answer
    assert not answer.citations[0].quote.startswith("Fastapi and Flask are both popular")
    answer = engine.ask("how popular is flask")
    assert "42% of Python web developers report using Flask" in answer.citations[0].quote, answer.answer


def test_a_table_row_labelled_with_a_beginning_says_when_a_subject_came_out(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"when did the bambino plus come out" led with "Breville covers the Bambino Plus for two years.": the question
    was corrected to "comes out", which asked no beginning, and the row '| Released | 2019 | 2018 |' words it
    otherwise. The row labelled with a beginning, with a year in the cell of the subject asked, answers."""
    engine = engine_over(tmp_path, {"stores.md": (
        "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
        "| Feature | Ibex KV | Marten Store |\n|---|---|---|\n| Released | 2019 | 2018 |\n| Licence | MIT | MIT |\n\n"
        "## Support\n\nThe makers cover Ibex KV for two years, and it comes out of the box with replication.\n")},
        embedder)
    answer = engine.ask("when did ibex kv come out")
    assert not answer.abstained and answer.citations[0].quote == "| Released | 2019 | 2018 |", answer.answer


def test_a_release_note_is_no_how_to(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A change log's line holds a how-to's words ('0.9.1 > Handle startup and shutdown errors properly.') but
    says what changed in a release, not how it is done: the guide's sentence answers "How do I ...?"."""
    engine = engine_over(tmp_path, {
        "changes.md": "---\ntitle: Release notes\nsubjects: [Ibex KV]\n---\n# Release notes\n\n## 0.9.1 (May 2, "
                      "2021)\n\n- Handle startup and shutdown errors properly in Ibex KV.\n",
        "guide.md": "---\ntitle: Ibex KV guide\nsubjects: [Ibex KV]\n---\n# Ibex KV guide\n\n## Lifespan\n\nTo run "
                    "code at startup and shutdown, pass a `lifespan` context manager to the Ibex KV "
                    "application.\n"}, embedder)
    answer = engine.ask("How do I handle startup and shutdown in Ibex KV?")
    assert not answer.abstained and "lifespan" in answer.citations[0].quote, answer.answer


@pytest.mark.parametrize("question", ["Example of dependency injection in FastAPI",
                                      "code example for validating a request in flask"])
def test_a_question_asking_to_see_code_leads_with_code(engine: Engine, question: str) -> None:
    """"Example of dependency injection in FastAPI" led with "One of FastAPI's most powerful features is its
    built-in dependency injection system.": the code showing it, as near in score as a claim must be, leads."""
    answer = engine.ask(question)
    assert not answer.abstained and answer.citations[0].quote.startswith("```python"), answer.answer
    assert not engine.ask("Give me examples of companies that use Flask").citations[0].quote.startswith("```")


def test_the_year_of_a_choice_changes_no_lead(engine: Engine) -> None:
    """"Should I use Flask or FastAPI in 2026?" asks what "Should I use Flask or FastAPI?" asks: no sentence
    leads for holding '2026' ("Flask 3.1.3 shipped in February 2026")."""
    now = engine.ask("Should I use Flask or FastAPI in 2026?")
    assert not now.abstained
    assert now.citations[0].quote == engine.ask("Should I use Flask or FastAPI?").citations[0].quote, now.answer


@pytest.mark.parametrize("question", ["When was Flask released?", "When was Flask first released?"])
def test_when_a_subject_was_released_is_its_first_release(engine: Engine, question: str) -> None:
    """"When was Flask released?" asks when it began: of the releases said of it, the earliest leads (Flask 0.1
    in 2010), not the current line ("Flask 3.1 (released late 2024) ...") nor FastAPI's first release."""
    answer = engine.ask(question)
    assert not answer.abstained and "2010" in answer.citations[0].quote, answer.answer


@pytest.mark.parametrize(("question", "release"), [
    ("What's the latest version of FastAPI?", "FastAPI 0.135.0"), ("What's the latest Flask version?", "Flask 3.1.3"),
    ("What was Flask's first version?", "Flask 0.1"),
    ("Which version of Flask added async?", "Flask 2.0"),  # asks which one did something: no newest nor oldest
])
def test_a_subjects_newest_or_oldest_release_leads_with_the_release_named(engine: Engine, question: str,
                                                                            release: str) -> None:
    """"What's the latest version of X?" led with "The FastAPI version is slightly shorter ..." (a version of
    some code): the unit naming the subject's newest release the corpus names leads, wherever it ranked."""
    answer = engine.ask(question)
    assert not answer.abstained and release in answer.citations[0].quote, answer.answer


RELEASE_NOTES = ("---\ntitle: Release notes\nsubjects: [Ibex KV]\n---\n# Release notes\n\n"
                 "Ibex KV is a replicated key-value store. Each release of Ibex KV is listed here, the latest first.\n\n"
                 "## 2.1.0 (May 3, 2025)\n\n### Fixed\n\n- Compaction no longer stalls under heavy write load.\n\n"
                 "## 2.0.0 (February 9, 2025)\n\n### Changed\n\n- Replication now streams every write to two followers.\n\n"
                 "## 1.0.0 (January 2, 2020)\n\n### Added\n\n- The first stable storage format and its HTTP API.\n")


@pytest.mark.slow
@pytest.mark.parametrize(("question", "release"), [
    ("What is the latest Ibex KV release?", "2.1.0 (May 3, 2025)"), ("What was the first version of Ibex KV?", "1.0.0"),
    # a release named ("What changed in Starlette 0.33.0?" declined the release as never written, and then led
    # with the contributing guide)
    ("What changed in Ibex KV 2.0.0?", "2.0.0 (February 9, 2025)"), ("What's new in Ibex KV 2.0?", "2.0.0"),
])
def test_release_notes_headings_name_the_subjects_releases(tmp_path: Path, embedder: OnnxEmbedder, question: str,
                                                          release: str) -> None:
    """Release notes name each release in a heading only ("## 2.1.0 (May 3, 2025)"): in a page about one subject,
    the first entry under it stands for that release, and is shown under its headings."""
    engine = engine_over(tmp_path, {"releases.md": RELEASE_NOTES}, embedder)
    answer = engine.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith(release), answer.answer
    assert answer.citations[0].display.startswith(release), answer.citations[0].display


@pytest.mark.parametrize(("question", "release"), [
    ("when was ibex kv 2.0 released", "Ibex KV: Version 2.0 · Released May 2025"),
    ("latest marten store version", "Marten Store: Version 4.1 · Released March 2026"),
])
def test_a_release_history_table_names_the_subjects_releases(tmp_path: Path, embedder: OnnxEmbedder, question: str,
                                                             release: str) -> None:
    """"when was redis 7.2 released" led with "Already running Redis 7.2 or earlier?" over the table row '| Redis |
    7.2 | August 2023 |', and "latest valkey version" with a sentence on 9.0 over the row dating it: a row names
    the release in the cell after its subject, when it dates it (a benchmark's 'Version tested' cell does not)."""
    engine = engine_over(tmp_path, {"history.md": (
        "---\ntitle: Stores\nsubjects: [Ibex KV, Marten Store]\n---\n# Stores\n\nAlready running Ibex KV 2.0 or "
        "earlier? Upgrading is a binary swap. Marten Store 4.1 also lifted the old limit on keys.\n\n"
        "## Release history\n\nThe latest release of each store is listed last.\n\n| Store | Version | Released | Notes |\n|---|---|---|---|\n"
        "| Ibex KV | 1.0 | January 2020 | First stable format |\n| Ibex KV | 2.0 | May 2025 | Streaming replication |\n"
        "| Marten Store | 4.0 | June 2024 | New planner |\n| Marten Store | 4.1 | March 2026 | No key limit |\n")},
        embedder)
    answer = engine.ask(question)
    assert answer.answer.startswith(release), answer.answer


def test_when_a_subject_was_made_is_read_past_a_word_in_another_sense(engine: Engine) -> None:
    """'made' of "When was Flask made?" is in "a ready-made extension", which scores far above every sentence
    on when Flask began: those nearest in meaning are read too, and the earliest beginning leads."""
    answer = engine.ask("When was Flask made?")
    assert not answer.abstained and "2010" in answer.citations[0].quote, answer.answer


def test_who_made_a_subject_and_when_is_the_maker_then_the_beginning(engine: Engine) -> None:
    """"who made it?" then "when?" asks both: the maker leads, when it began follows."""
    conversation = "who-and-when"
    engine.ask("Who made Flask?", conversation)
    answer = engine.ask("when?", conversation)
    assert answer.resolved_question == "Who made Flask, and when?", answer.resolved_question
    quotes = [c.quote for c in answer.citations]
    assert "Armin Ronacher" in quotes[0] and "2010" in quotes[1], answer.answer


def test_when_two_subjects_were_released_is_each_one_s_first_release(engine: Engine) -> None:
    """"When were FastAPI and Flask first released?": the best sentence names both ("FastAPI was first released in
    December 2018 ... overtaking Flask") and does not set the bar Flask's own is held to; Flask's is its first
    release (2010), not its current line."""
    answer = engine.ask("When were FastAPI and Flask first released?")
    assert not answer.abstained
    flask = next((s for s in answer.sections if s.label == "Flask"), None)
    assert flask is not None and "2010" in flask.text and "2024" not in flask.text, answer.answer
    assert "2018" in answer.answer


def test_which_is_older_is_answered_with_when_each_began(engine: Engine) -> None:
    """"Which is older?" is no word 'older' to match ("the older fastapi-slim variant"): it asks when each began."""
    answer = engine.ask("Which is older, Flask or FastAPI?")
    assert answer.resolved_question == "When were Flask and FastAPI first released?"
    flask = next((s for s in answer.sections if s.label == "Flask"), None)
    assert flask is not None and "2010" in flask.text and "2018" in answer.answer, answer.answer
    assert "older" not in answer.answer, answer.answer


@pytest.mark.parametrize("request_", ["Tell me about Flask", "Describe Flask.", "Summarize Flask",
                                      "Give me a short summary of Flask", "Flask overview", "Explain Flask"])
def test_a_request_to_describe_a_subject_leads_with_what_it_is(engine: Engine, request_: str) -> None:
    answer = engine.ask(request_)
    assert not answer.abstained and answer.citations[0].quote.startswith("Flask is a"), answer.answer


@pytest.mark.parametrize(("question", "user"), [("Who uses Flask?", "Netflix"), ("Who uses FastAPI?", "Uber")])
def test_who_uses_a_subject_leads_with_its_users(engine: Engine, question: str, user: str) -> None:
    """"Who uses Flask?" asks for its users, named: "Some notable companies using Flask ... are Netflix, Lyft,
    and Zillow.", not "It is the right choice when your team already knows Flask"."""
    answer = engine.ask(question)
    assert not answer.abstained and user in answer.citations[0].quote, answer.answer


def test_a_recommendation_shows_no_sentence_twice(engine: Engine) -> None:
    """A sentence the answer shows as another's context, and one that is two shown sentences together, are
    shown once."""
    for question, sentence in [("Flask or FastAPI for microservices?",
                                "It is the right choice when your application is I/O-bound"),
                               ("Which framework should a beginner pick?",
                                "It is also an awesome choice if you want to create a CDN")]:
        answer = engine.ask(question)
        assert not answer.abstained
        assert answer.answer.count(sentence) == 1, answer.answer


@pytest.mark.parametrize("question", ["what's the migration path from flask to fastapi",
                                      "Can I mount a Flask app inside FastAPI?"])
def test_a_question_on_two_subjects_in_a_relation_is_not_answered_for_each(engine: Engine, question: str) -> None:
    """Going from one subject to the other is no question to answer for each: no "Flask: no source in the
    corpus says." beside the answer."""
    answer = engine.ask(question)
    assert not answer.abstained
    assert [s.kind for s in answer.sections] == ["summary"], answer.answer
    assert "no source in the corpus says" not in answer.answer


def test_an_abbreviation_is_answered_with_the_words_it_stands_for(engine: Engine) -> None:
    """"Server-Sent Events (SSE)" spells out SSE before it; 'stand' and 'for' are no words to look for."""
    for question in ("What does SSE stand for?", "What's SSE?"):
        answer = engine.ask(question)
        assert not answer.abstained, answer.answer
        assert "Server-Sent Events (SSE)" in answer.citations[0].quote, answer.answer


def test_thanks_or_hi_is_no_question_and_no_turn_of_the_conversation(engine: Engine) -> None:
    """"thanks!" was answered "The corpus does not cover this. Nearest topics ...", and a follow-up after it
    followed "thanks!". It says what the corpus can be asked about, and the conversation goes on from the
    question before it."""
    conversation = "small-talk"
    engine.ask("Does Flask support async?", conversation)
    answer = engine.ask("thanks!", conversation)
    assert answer.abstained and not answer.citations
    assert answer.answer == "There is no question here to answer from the corpus. Ask one about FastAPI and Flask.", \
        answer.answer
    assert engine.ask("and FastAPI?", conversation).resolved_question == "Does FastAPI support async?"
    assert engine.ask("hi").answer == answer.answer
    assert set(answer.timings_ms) == {"embed", "retrieve", "compose", "total"}  # as the contract lists them


def test_tell_me_more_when_all_is_said_says_so(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"tell me more" after answers that quoted all the corpus has: no "does not cover this", which the answers
    before belie."""
    engine = engine_over(tmp_path, {"kv.md": "---\ntitle: Ibex KV notes\nsubjects: [Ibex KV, Marten Store]\n---\n\n"
                                    "# Ibex KV\n\nIbex KV stores every key on disk.\n\nIbex KV replicates writes to "
                                    "two followers.\n"}, embedder)
    cid = engine.conversations.new_id()
    first = engine.ask("How does Ibex KV store keys?", cid)
    assert not first.abstained and "stores every key on disk" in first.answer
    more = engine.ask("tell me more", cid)
    assert not more.abstained and "replicates writes" in more.answer and "on disk" not in more.answer
    last = engine.ask("tell me more", cid)
    assert last.abstained and last.citations == ()
    assert last.answer.startswith("The corpus says nothing more on this than the answers above.")


def test_a_row_for_both_subjects_does_not_raise_the_bar_for_each_subjects_own_claim(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A comparison's table row with a cell for each subject may lead by far; each subject's own best sentence
    is still held to the bar the best unit about one subject sets, not to the row's."""
    engine = engine_over(tmp_path, {"kv.md": (
        "---\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
        "| Aspect | Ibex KV | Marten Store |\n|---|---|---|\n| Community | Large | Small |\n\n"
        "Ibex KV has attracted a large community over the years.\n\n"
        "Marten Store is young, and its community is not that big.\n")}, embedder)
    snap = engine.snapshot()
    query = analyse("Is Marten Store's community smaller than Ibex KV's?", snap.catalog)
    row, ibex, marten = (unit_opening(snap, opening) for opening in ("| Community", "Ibex KV has", "Marten Store is"))
    scored = [Scored(row, 12.0, 0.7, 1.0, 0.7), Scored(marten, 7.3, 0.6, 1.0, 0.6), Scored(ibex, 6.2, 0.6, 1.0, 0.6)]
    picked = {u for claim in select_claims(snap, scored, query, max_claims=1) for u in claim.units}
    assert {row, ibex, marten} <= picked, [snap.unit_text[u] for u in picked]


def test_code_said_of_another_subject_illustrates_no_claim(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A how-to about one subject may quote code beside its claims, never another subject's code (a Quart
    example for "How do I run sync code in Starlette?")."""
    engine = engine_over(tmp_path, {
        "ibex.md": "---\nsubjects: [Ibex KV]\n---\n# Blocking calls\n\n"
                   "Ibex KV runs blocking calls in a worker thread so they never stall the event loop.\n",
        "marten.md": "---\nsubjects: [Marten Store]\n---\n# Blocking calls\n\n"
                     "Marten Store offloads blocking calls to a pool of worker threads.\n\n"
                     "```python\n# run blocking calls in a worker thread\nresult = await run_in_worker_thread(call)\n```\n",
    }, embedder)
    answer = engine.ask("How do I run blocking calls in Ibex KV?")
    assert not answer.abstained
    assert [c.doc_id for c in answer.citations] == ["ibex"], [c.quote for c in answer.citations]


def test_a_version_question_leads_with_the_version_stated(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"What Python version does X need?" (or "Which Python does X need?", without the word) leads with the
    sentence stating a Python version for X, over one that holds the question's words ('versions', 'needs', the
    name) and states none; that sentence is a candidate wherever its passage ranked."""
    engine = engine_over(tmp_path, {
        "install.md": "---\nsubjects: [Ibex KV]\n---\n# Install\n\nReleases from 3.0 on only support Python 3.11 or greater.\n",
        "config.md": "---\nsubjects: [Ibex KV]\n---\n# Config\n\n"
                     "Ibex KV keeps older versions of every Python config file, and Ibex KV needs them to roll back.\n",
    }, embedder)
    snap = engine.snapshot()
    stating = unit_opening(snap, "Releases from 3.0")
    for question in ("What Python version does Ibex KV need?", "Which Python does Ibex KV need?"):
        assert kind_units(snap, analyse(question, snap.catalog)) == (stating,)
        answer = engine.ask(question)
        assert not answer.abstained and "3.11" in answer.citations[0].quote, [c.quote for c in answer.citations]


def test_a_yes_no_question_is_no_request_for_named_sections(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"What are the cons of X?" quotes X's sections headed with its words; "Does X support replicas?" is no
    such request, though one heading holds 'support' and another 'replicas': its answer is what says it. Nor is
    "Do X and Y support replicas?", of each subject."""
    engine = engine_over(tmp_path, {
        "legacy.md": "---\nsubjects: [Ibex KV]\n---\n# Ibex KV support for legacy clients\n\n"
                     "This support for version 1 clients was added in 2.0 and is removed in 3.0.\n",
        "replicas.md": "---\nsubjects: [Ibex KV]\n---\n# Replicas\n\n"
                       "Ibex KV streams every write to its replicas, which serve reads.\n",
        "marten-lts.md": "---\nsubjects: [Marten Store]\n---\n# Long term support\n\n"
                         "Only the latest Marten Store release gets fixes.\n",
        "marten-replicas.md": "---\nsubjects: [Marten Store]\n---\n# Testing replicas\n\n"
                              "Marten Store replicas copy the leader's log and serve reads.\n",
    }, embedder)
    answer = engine.ask("Does Ibex KV support replicas?")
    assert not answer.abstained and answer.citations[0].doc_id == "replicas", answer.answer
    answer = engine.ask("Do Ibex KV and Marten Store support replicas?")
    assert not answer.abstained, answer.answer
    firsts = {s.label: s.citations[0] for s in answer.sections if s.kind == "subject" and s.citations}
    doc_of = {c.n: c.doc_id for c in answer.citations}
    assert {subject: doc_of[n] for subject, n in firsts.items()} == {
        "Ibex KV": "replicas", "Marten Store": "marten-replicas"}, answer.answer


def test_a_sentence_pointing_elsewhere_is_no_claim_unless_reading_is_asked(tmp_path: Path,
                                                                           embedder: OnnxEmbedder) -> None:
    """"Read more about it in the [Ibex KV docs for replicas](...)" says nothing of replicas: it is no claim
    beside one that does, but answers "Where can I read about ...?"."""
    engine = engine_over(tmp_path, {"replicas.md": (
        "---\nsubjects: [Ibex KV]\n---\n# Replicas\n\n"
        "Read more about Ibex KV replicas in the [Ibex KV docs for replicas](https://example.org/replicas).\n\n"
        "Ibex KV streams every write to its replicas, which serve reads.\n")}, embedder)
    answer = engine.ask("Does Ibex KV support replicas?")
    assert not answer.abstained and [c.quote[:22] for c in answer.citations] == ["Ibex KV streams every "]
    answer = engine.ask("Where can I read about Ibex KV replicas?")
    assert any(c.quote.startswith("Read more") for c in answer.citations), answer.answer


OPS = {"ops.md": (
    "---\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
    "This piece looks at day-two operations of Ibex KV and Marten Store: installing, upgrading, monitoring.\n\n"
    "## Monitoring\n\nIbex KV exposes its metrics to Prometheus. Marten Store ships a dashboard of its own.\n\n"
    "## Upgrades\n\nIbex KV upgrades one node at a time. Marten Store upgrades need a restart.\n")}


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory, embedder: OnnxEmbedder) -> Engine:
    return engine_over(tmp_path_factory.mktemp("ops"), OPS, embedder)


def test_a_sentence_about_the_writing_it_opens_does_not_lead(ops: Engine) -> None:
    """"kubernetes monitoring tools" was answered with the article's "This piece looks at day-two operations:
    installing, upgrading, monitoring ...", which names the topics it covers and says nothing of them."""
    answer = ops.ask("ibex kv monitoring tools")
    assert not answer.abstained and answer.citations[0].quote.startswith("Ibex KV exposes"), answer.answer


def test_a_sentence_about_the_writing_it_opens_is_no_cell(ops: Engine) -> None:
    """"kafka vs rabbitmq" put "This issue collects what our readers told us after running Kafka clusters ..." in
    a cell of the comparison table."""
    answer = ops.ask("compare ibex kv and marten store monitoring")
    assert answer.comparison is not None and answer.comparison.rows, answer.answer
    cited = {n for row in answer.comparison.rows for ns in row.cells.values() for n in ns}
    assert cited and not any(answer.citations[n - 1].quote.startswith("This piece") for n in cited), answer.answer


def test_a_cell_is_first_what_is_said_under_the_aspects_own_heading(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"compare redis and valkey memory efficiency" filled Valkey's 'Memory per key' cell with "... the extra threads
    also handle command parsing and memory prefetching" (from '## Threading'), over the row stating its memory under
    '## Memory per key'."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Stores\nsubjects: [Ibex KV, Marten Store]\n---\n# Stores\n\n## Memory per key\n\n"
                "Ibex KV uses about 56 bytes of memory overhead per key.\n\nMarten Store embeds each key in its "
                "dictionary entry, which saves about 20 bytes.\n\n## Threading\n\nMarten Store reworked its I/O threads "
                "so that they also handle memory prefetching per key, which cuts the memory stalls per key lookup.\n",
        "b.md": "---\ntitle: Benchmarks\nsubjects: [Ibex KV, Marten Store]\n---\n# Benchmarks\n\n## Memory per key\n\n"
                "Ibex KV needed 2.06 GB for ten million keys.\n",
    }, embedder)
    answer = engine.ask("compare ibex kv and marten store memory per key")
    assert answer.comparison is not None, answer.answer
    [row] = [r for r in answer.comparison.rows if r.aspect == "Memory per key"]
    assert answer.citations[row.cells["Marten Store"][0] - 1].quote.startswith("Marten Store embeds"), answer.answer


def test_a_heading_asking_a_comparison_as_written_answers_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"is valkey faster than redis" led with "Tail latency followed throughput: the faster the server, the lower
    the p99" over the FAQ asking just that: a heading asking a question that names two subjects led no answer. One
    asking it as written, its subjects in its order, does; asked the other way round, it answers the other way."""
    engine = engine_over(tmp_path, {
        "bench.md": "---\ntitle: Benchmark\nsubjects: [Ibex KV, Marten Store]\n---\n# Benchmark\n\n## Latency\n\n"
                    "Tail latency followed throughput: the faster the server, the lower the p99 at this load. The "
                    "faster one also recovered faster after a restart.\n\n## FAQ\n\n### Is Ibex KV faster than Marten "
                    "Store?\n\nYes, in our test: about 1.8 times the throughput of Marten Store on the same VM.\n\n"
                    "### Is Ibex KV compatible with Marten Store clients?\n\nYes. Both speak the same protocol.\n",
    }, embedder)
    answer = engine.ask("is ibex kv faster than marten store")
    assert answer.citations[0].quote.startswith("Yes, in our test"), answer.answer
    assert "no source in the corpus says" not in answer.answer  # it answers of both
    answer = engine.ask("is marten store faster than ibex kv")
    assert not answer.citations[0].quote.startswith("Yes, in our test"), answer.answer


def test_a_page_whose_title_asks_a_comparison_as_written_answers_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A page of no headings whose title asks the question asks it as a heading would (its passage's heading is the
    title): "is ibex kv faster than marten store" raised IndexError looking for the passage's last heading."""
    engine = engine_over(tmp_path, {
        "faq.md": "---\ntitle: Is Ibex KV faster than Marten Store?\nsubjects: [Ibex KV, Marten Store]\n---\n"
                  "Yes, in our test Ibex KV was faster: about 1.8 times the throughput of Marten Store on the same "
                  "VM.\n",
        "other.md": "---\ntitle: Latency notes\nsubjects: [Ibex KV, Marten Store]\n---\n# Latency notes\n\n"
                    "Tail latency followed throughput: the faster the server, the lower the p99 at this load.\n",
    }, embedder)
    answer = engine.ask("is ibex kv faster than marten store")
    assert answer.citations and answer.citations[0].quote.startswith("Yes, in our test"), answer.answer


def test_a_sentence_leading_into_a_list_of_links_alone_is_no_claim(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"... if you want to keep reading about replicas, here's a select list:" and its links say nothing of
    replicas either."""
    engine = engine_over(tmp_path, {"replicas.md": (
        "---\nsubjects: [Ibex KV]\n---\n# Replicas\n\n"
        "Ibex KV streams every write to its replicas, which serve reads.\n\n"
        "## Further reading\n\nThese are not the only things Ibex KV replicas do, so if you want to keep reading "
        "about Ibex KV replicas, here's a select list:\n\n- <https://example.org/lag>\n- <https://example.org/failover>\n")},
        embedder)
    answer = engine.ask("Does Ibex KV support replicas?")
    assert not answer.abstained and [c.quote[:22] for c in answer.citations] == ["Ibex KV streams every "], \
        answer.answer


def test_a_lead_next_to_nothing_in_meaning_gives_way(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A first unit that holds a word of the question in another sense ('days' of "these days") and is next to
    nothing in meaning gives way to a unit near in score and much nearer in meaning; one near in meaning stays."""
    engine = engine_over(tmp_path, {"kv.md": (
        "---\nsubjects: [Ibex KV]\n---\n# Ibex KV\n\n"
        "Within days, ten thousand people had downloaded the first Ibex KV release.\n\n"
        "Ibex KV is maintained by the Pallets-like Ibex organization.\n")}, embedder)
    snap = engine.snapshot()
    query = analyse("Who maintains Ibex KV these days?", snap.catalog)
    days, maintained = unit_opening(snap, "Within days"), unit_opening(snap, "Ibex KV is maintained")
    scored = [Scored(days, 6.0, 0.12, 1.0, 0.5), Scored(maintained, 5.0, 0.7, 1.0, 0.5)]
    assert select_claims(snap, scored, query, max_claims=2)[0].units[0] == maintained
    near = [Scored(days, 6.0, 0.3, 1.0, 0.5), Scored(maintained, 5.0, 0.7, 1.0, 0.5)]
    assert select_claims(snap, near, query, max_claims=2)[0].units[0] == days
    far_in_score = [Scored(days, 6.0, 0.12, 1.0, 0.5), Scored(maintained, 2.0, 0.7, 1.0, 0.5)]
    assert select_claims(snap, far_in_score, query, max_claims=2)[0].units[0] == days


def test_these_days_is_no_lead_to_within_days(engine: Engine) -> None:
    answer = engine.ask("who looks after flask these days")
    assert not answer.abstained and "Within days" not in answer.citations[0].quote, answer.answer


def test_a_subject_a_summary_claim_names_is_not_said_to_have_no_source(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Is Marten Store slower than Ibex KV?" answered with a sentence comparing the two: neither is then said to
    have no source, which the sentence belies."""
    engine = engine_over(tmp_path, {"kv.md": (
        "---\nsubjects: [Ibex KV, Marten Store]\n---\n# Speed\n\n"
        "When compared to Marten Store, Ibex KV is somewhat slower on writes.\n\n"
        "# Storage\n\nIbex KV keeps every key on disk.\n")}, embedder)
    answer = engine.ask("Is Marten Store slower than Ibex KV on writes?")
    assert not answer.abstained and "somewhat slower" in answer.citations[0].quote, answer.answer
    assert "no source in the corpus says" not in answer.answer, answer.answer


def test_a_names_version_of_another_thing_asks_its_counterpart(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"What's the Ibex KV version of Depends?" asks what Ibex KV has for Depends, no version of it: the word
    'version', which the answer does not hold, does not keep the passage on dependencies from answering."""
    engine = engine_over(tmp_path, {
        "deps.md": "---\nsubjects: [Ibex KV, Marten Store]\n---\n# Dependency injection\n\n"
                   "Marten Store injects a dependency through `Depends(fn)` in a handler's signature.\n\n"
                   "Ibex KV declares dependencies as a mapping from parameter name to provider, attached to the "
                   "`dependencies` keyword of any layer.\n",
        "releases.md": "---\nsubjects: [Ibex KV]\n---\n# Releases\n\n"
                       "Ibex KV version 2 moved the storage engine to a log-structured tree.\n",
    }, embedder)
    answer = engine.ask("What's the Ibex KV version of Depends?")
    assert not answer.abstained and "declares dependencies" in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_a_docs_folder_meta_file_makes_each_page_its_projects(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """Two projects' documentation pages, neither naming its project: without a word on whose they are, a
    question about one project does not find it ('DB' is nowhere) and abstains; with each folder's ``.meta.yml`` it is
    answered from that project's own pages, not the other's nearer words."""
    pages = {
        "zephyr/cache.md": "# Cache size\n\nSet the cache size with the `cache_mb` option in `zephyr.toml`. "
                           "A larger cache keeps more of the working set in memory.\n",
        "quokka/memory.md": "# Memory\n\nThe buffer pool is sized by `QUOKKA_POOL`, an environment variable read "
                            "at start-up. Restart the server after changing it.\n",
    }
    question = "How do I set the cache size in Quokka DB?"
    without = engine_over(tmp_path / "bare", pages, embedder).ask(question)
    assert without.subjects == () and without.abstained, without.answer
    meta = {"zephyr/.meta.yml": "subjects: [Zephyr DB]\npublisher: Zephyr docs\n",
            "quokka/.meta.yml": "subjects: [Quokka DB]\npublisher: Quokka docs\n"}
    answer = engine_over(tmp_path / "meta", pages | meta, embedder).ask(question)
    assert answer.subjects == ("Quokka DB",) and not answer.abstained, answer.answer
    assert answer.citations[0].doc_id == "quokka/memory", answer.answer
    assert all(c.doc_id != "zephyr/cache" for c in answer.citations), answer.answer


def test_a_named_section_of_lists_shows_the_list_whose_lead_in_is_asked(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"What are the cons of Go?" of a section "Go: pros and cons" holding "Pros:" and "Cons:" lists showed its
    first units: the pros. The list whose lead-in holds the word asked is shown, from its lead-in; both for "pros
    and cons"."""
    items = {"Pros": ["Starts in a millisecond.", "Small binary."], "Cons": ["No replication.", "Few drivers."]}
    lists = "\n\n".join(f"{label}:\n\n" + "\n".join(f"- {item}" for item in said) for label, said in items.items())
    engine = engine_over(tmp_path, {"ibex.md": f"---\nsubjects: [Ibex KV]\n---\n# Ibex KV: pros and cons\n\n{lists}\n"},
                         embedder)
    for question, shown in (("What are the cons of Ibex KV?", ["Cons:", *items["Cons"]]),
                            ("pros and cons of ibex kv", ["Pros:", *items["Pros"], "Cons:", *items["Cons"]])):
        answer = engine.ask(question)
        assert [c.quote for c in answer.citations] == shown, answer.answer


def test_advice_naming_the_other_subject_in_passing_advises_its_own(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"When to choose Gas furnace: no source in the corpus says." though a source says "Choose a gas furnace
    when your budget is under $7,000, ..., and when your ductwork is too small for a heat pump": advice naming two
    subjects was no one's. It is the one's it advises, when the other is named only in passing, well after it;
    "Ibex KV and Marten Store are both fine choices" advises neither."""
    engine = engine_over(tmp_path, {"stores.md": (
        "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n\n# Ibex KV vs Marten Store\n\n"
        "## When to choose each\n\nIbex KV and Marten Store are both fine choices for small teams.\n\nChoose Ibex KV "
        "when your data fits in memory, when reads outnumber writes and when your team has never run any database "
        "like Marten Store before.\n\nMarten Store is the right choice for append-only logs.\n")}, embedder)
    answer = engine.ask("Should I use Ibex KV or Marten Store?")
    advised = {s.label: s.text for s in answer.sections if s.kind == "advice"}
    assert "fits in memory" in advised.get("Ibex KV", ""), answer.answer
    assert "append-only logs" in advised.get("Marten Store", ""), answer.answer
    assert "both fine choices" not in " ".join(advised.values()), answer.answer


def test_lists_of_the_other_side_and_lead_ins_of_other_lists(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"what are the pros of renting?" led with "Cons: [1][2][3] (3 sources say this)": three sources' "Cons:"
    lines, merged as one claim without their lists, and the cons as near the pros in meaning as two words are.
    A lead-in and the items of the other side's list are no answer, a lead-in is another's duplicate only when
    what it leads into is too, and the words of the line a list follows are said by its items ("pros and cons
    of ibex kv" was declined: "it has nothing on strengths weaknesses for Ibex KV")."""
    def review(publisher: str, pros: list[str], cons: list[str]) -> str:
        return (f"---\npublisher: {publisher}\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
                "## What we found\n\nWe ran both stores for a year.\n\nStrengths of Ibex KV:\n\n"
                + "\n".join(f"- {p}" for p in pros) + "\n\nWeaknesses of Ibex KV:\n\n" + "\n".join(f"- {c}" for c in cons)
                + "\n\nMarten Store keeps its data in segment files.\n")
    engine = engine_over(tmp_path, {
        "a.md": review("Storage Weekly", ["Reads are served from memory.", "Upgrades take no downtime."],
                       ["Writes stall during compaction.", "The admin console is slow."]),
        "b.md": review("KV Monthly", ["Snapshots take seconds.", "One binary to deploy."],
                       ["Backups need a second disk.", "No query language."])}, embedder)
    answer = engine.ask("What are the strengths of Ibex KV?")
    quotes = [c.quote for c in answer.citations]
    assert quotes and "sources say this" not in answer.answer, answer.answer
    assert not any("Weaknesses" in q or "compaction" in q or "second disk" in q for q in quotes), answer.answer
    answer = engine.ask("pros and cons of ibex kv")
    assert not answer.abstained, answer.answer
    said = " ".join(c.quote for c in answer.citations)
    assert any(w in said for w in ("memory", "seconds", "binary", "downtime")), answer.answer
    assert any(w in said for w in ("compaction", "admin", "disk", "query language")), answer.answer


def test_a_list_right_under_a_heading_follows_no_line(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """The line a list follows is in its section: items right under '## Weaknesses' follow no line, not the last
    sentence of the section before ("Ibex KV is fast."), whose words they would say."""
    engine = engine_over(tmp_path, {"ibex.md": "---\nsubjects: [Ibex KV]\n---\n# Ibex KV\n\n## Strengths\n\n"
                                               "Ibex KV is fast.\n\n## Weaknesses\n\n- No replication.\n- Slow backups."
                                               "\n\n## Pros\n\nWhat we liked:\n\n- Small binary.\n"}, embedder)
    snap = engine.snapshot()
    unit = {t: u for u, t in enumerate(snap.unit_text)}
    assert snap.list_lead(unit["No replication."]) is None and snap.list_lead(unit["Slow backups."]) is None
    assert snap.list_lead(unit["Small binary."]) == unit["What we liked:"]
    assert snap.list_lead(unit["Ibex KV is fast."]) is None  # no item


@pytest.mark.slow
def test_a_follow_up_naming_a_source_answers_from_it_alone(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"> according to PennyWise?" after a question on the down payment was declined as "nothing on according
    pennywise for Buying". The question before is asked again of that publisher's documents alone, and says so."""
    docs = {
        "bank.md": "---\npublisher: Northfield Savings Bank\nsubjects: [Renting, Buying]\n---\n# Renting or buying\n\n"
                   "Most lenders ask for a down payment of 20% of the purchase price.\n",
        "guide.md": "---\npublisher: PennyWise Money\nsubjects: [Renting, Buying]\n---\n# A practical guide\n\n"
                    "Buy when you have saved for the down payment and still have six months of expenses in the bank.\n\n"
                    "Renting keeps you flexible when your job may move.\n",
    }
    engine = engine_over(tmp_path, docs, embedder)
    first = engine.ask("how much down payment do I need", "c1")
    assert not first.abstained and first.citations[0].doc_id == "bank"
    for question in ("according to PennyWise?", "What does PennyWise say about the down payment?"):
        answer = engine.ask(question, "c1")
        assert not answer.abstained, (question, answer.answer)
        assert {c.doc_id for c in answer.citations} == {"guide"}, (question, answer.answer)
        assert answer.notices == ("From PennyWise Money only.",)


@pytest.mark.slow
def test_of_several_subjects_asked_a_unit_about_one_not_asked_is_no_claim(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"should a beginner programmer use vs code or emacs" led with "Steep learning curve; the defaults are
    unfriendly to beginners.", a con of Vim, the third editor of the corpus: of several subjects asked, a unit
    about one not asked comes after those about them, as it does for a question about one."""
    doc = ("---\ntitle: Ibex KV vs Marten Store vs Quokka DB\nsubjects: [Ibex KV, Marten Store, Quokka DB]\n---\n"
           "# Ibex KV vs Marten Store vs Quokka DB\n\n## Ibex KV\n\nCons:\n\n"
           "- Steep learning curve; the defaults are unfriendly to beginners.\n- Few hosted offerings.\n\n"
           "## Marten Store\n\nIf you are new to databases, start with Marten Store.\n\n"
           "## Quokka DB\n\nQuokka DB suits teams that want one store for documents and queues.\n")
    engine = engine_over(tmp_path, {"three.md": doc}, embedder)
    answer = engine.ask("should a beginner use marten store or quokka db")
    assert not answer.abstained and "Steep learning curve" not in answer.citations[0].quote, answer.answer


FAQS = {
    "club-faq.md": "---\ntitle: Ibex KV questions\npublisher: Ibex Club\npublished: 2023-06-20\nsubjects: [Ibex KV]\n---\n"
                   "# Ibex KV questions\n\n## Does Ibex KV support TypeScript?\n\nYes. Add `lang=\"ts\"` to the client "
                   "config and it checks your schemas through ibex-check. What Ibex KV does not support is TypeScript "
                   "syntax inside stored procedures themselves.\n\n## Is Ibex KV single-threaded?\n\nIbex KV is "
                   "single-threaded. Shards run on one core apiece.\n",
    "shop-faq.md": "---\ntitle: Buying Ibex KV\npublisher: Ibex Shop\npublished: 2024-02-01\nsubjects: [Ibex KV]\n---\n"
                   "# Buying Ibex KV\n\n## Can I get a refund?\n\nYes. Write to the shop within thirty days of the "
                   "purchase and the licence fee is paid back in full.\n",
}


@pytest.mark.slow
def test_a_bare_yes_leads_with_the_sentence_it_goes_on_with(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """An FAQ's "Yes." was its own quote, never a lead: "does svelte support typescript?" led with "What Svelte 4
    does not support is TypeScript syntax inside the markup itself", which holds more of the question's words,
    and "Yes." showed alone where it showed at all. A yes/no question whose heading an FAQ entry asks is
    answered by its bare yes or no, quoted with the sentence after it; two FAQs' "Yes." are two claims, and a
    short claim of its own ("Ibex KV is single-threaded.") is quoted alone."""
    engine = engine_over(tmp_path, FAQS, embedder)
    answer = engine.ask("does ibex kv support typescript?")
    assert answer.citations[0].quote.startswith("Yes. Add `lang=\"ts\"`"), answer.answer
    snap = engine.snapshot()
    yes = [u for u, text in enumerate(snap.unit_text) if text == "Yes."]
    assert len(yes) == 2 and all(snap.quote_span(u)[1] > snap.version.units[u][2] for u in yes)
    single = next(u for u, text in enumerate(snap.unit_text) if text.startswith("Ibex KV is single-threaded"))
    assert snap.quote_span(single) == tuple(snap.version.units[single][1:3].tolist())
    refund = engine.ask("Can I get a refund?")
    assert refund.citations[0].quote.startswith("Yes. Write to the shop"), refund.answer
    assert all("lang" not in c.quote for c in refund.citations), refund.answer  # no other FAQ's "Yes."


RELEASES = {
    "notes.md": "---\ntitle: Ibex KV notes\npublisher: Ibex Notes\npublished: 2025-02-11\nsubjects: [Ibex KV]\n---\n"
                "# Ibex KV notes\n\n## Benchmarks\n\nIn the benchmark run of January 2025, Ibex KV 5 scored a weighted "
                "mean of 1.05 against 1.49 for Ibex KV 4, lower being better.\n\n## Releases\n\nIbex KV 5 shipped on "
                "19 October 2024 after eighteen months of work. Ibex KV 4.2 is the last release of the old line.\n\n"
                "## History\n\nIbex KV's 15-year track record means you are unlikely to meet bugs in the engine "
                "itself. Ibex KV was first released in November 2009.\n",
}


@pytest.mark.slow
def test_a_release_named_by_a_whole_number_is_asked_about(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"When was Svelte 5 released?" led with "First released: ... Svelte November 2016" (the subject's own
    beginning): only a dotted number ('Flask 2.0') named a release. Of the units naming it, the one saying when
    it began leads, not a benchmark of a later year naming it; "15-year" is no release."""
    engine = engine_over(tmp_path, RELEASES, embedder)
    assert engine.ask("When was Ibex KV 5 released?").citations[0].quote.startswith("Ibex KV 5 shipped on 19 October")
    newest = engine.ask("What is the newest Ibex KV release?").citations[0].quote
    assert "15-year" not in newest and "Ibex KV 5" in newest, newest


LANGUAGES = {
    "reference.md": "---\ntitle: Ibex vs Marten vs Heron\npublisher: Stack Ref\npublished: 2024-02-27\n"
                    "subjects: [Ibex, Marten, Heron]\n---\n# Ibex vs Marten vs Heron\n\n## At a glance\n\n"
                    "| Aspect | Ibex | Marten | Heron |\n|---|---|---|---|\n| Array indexing | 0-based | 1-based | 1-based |\n"
                    "| First released | 1991 | 1993 | 2012 |\n\n## Heron\n\nHeron compiles every function the first "
                    "time it is called.\n",
    "story.md": "---\ntitle: Moving to Heron\npublisher: Quill Logistics\npublished: 2021-11-09\nsubjects: [Heron]\n"
                "---\n# Moving to Heron\n\nTwo of our engineers came from Fortran, and Heron's 1-based indexing felt "
                "familiar to them.\n",
}


@pytest.mark.slow
def test_a_table_row_speaks_for_the_subjects_it_has_cells_for(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"python r julia indexing 0-based 1-based" led with the row 'Array indexing: Python 0-based · R 1-based ·
    Julia 1-based', then said "Python: no source in the corpus says." and the same of R."""
    answer = engine_over(tmp_path, LANGUAGES, embedder).ask("ibex marten heron indexing 0-based 1-based")
    assert "Array indexing" in answer.answer and "no source in the corpus says" not in answer.answer, answer.answer


CHOOSING_LISTS = {
    "guide.md": "---\ntitle: Ibex KV vs Marten Store\npublisher: Stack Ref\npublished: 2024-04-08\n"
                "subjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n## Choose Ibex KV when:\n\n"
                "- You are building embedded widgets or dashboards where fast loading matters.\n"
                "- Your team is small and senior.\n\n## Choose Marten Store when:\n\n"
                "- You need to hire several engineers within months.\n- You need a mobile client.\n",
}


@pytest.mark.slow
def test_an_item_under_a_heading_advising_one_subject_shows_that_heading(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"svelte or react for embedded widgets" led with "You are building content sites, embedded widgets or
    dashboards where fast loading matters.", which says nothing of which to choose: its heading 'Choose Svelte
    when:' does."""
    answer = engine_over(tmp_path, CHOOSING_LISTS, embedder).ask("ibex kv or marten store for embedded widgets")
    assert "Choose Ibex KV when: You are building embedded widgets" in answer.answer, answer.answer


CASE_STUDY = {
    "story.md": "---\ntitle: Moving our forecasts to Heron\npublisher: Quillmark Logistics\npublished: 2021-11-09\n"
                "subjects: [Heron, Marten]\n---\n# Moving our forecasts to Heron\n\nIn January 2021 our lead data "
                "scientist, Priya Raman, proposed rewriting the model-fitting core in Heron.\n\nThe nightly job "
                "dropped from 3 hours to 38 minutes.\n",
    "reference.md": "---\ntitle: Heron vs Marten\npublisher: Backend Atlas\npublished: 2024-02-27\n"
                    "subjects: [Heron, Marten]\n---\n# Heron vs Marten\n\nHeron suits backend services. Marten suits "
                    "backend scripts. Both run backend jobs. Backend teams pick either.\n\nEvery team has a lead "
                    "engineer who reviews the backend code.\n",
}


@pytest.mark.slow
def test_a_question_naming_a_publisher_is_asked_of_its_documents(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"who is the lead data scientist at Quillmark?" was declined: the case study says "our lead data scientist"."""
    engine = engine_over(tmp_path, CASE_STUDY, embedder)
    answer = engine.ask("who is the lead data scientist at Quillmark?")
    assert not answer.abstained and "Priya Raman" in answer.citations[0].quote, answer.answer
    assert any("Quillmark Logistics" in n for n in answer.notices), answer.notices
    assert not any("Backend Atlas" in n for n in engine.ask("is heron good for backend services?").notices)


def test_a_question_asking_an_amount_leads_with_one_of_its_kind(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how much does a mid drive motor weigh" led with "Where the weight sits matters as much as how much there
    is." (no weight) over the table row giving 3–4 kg; "how fast does a class 2 ebike go" with where the classes
    may ride over the row giving 20 mph. A yes or no still leads with its verdict."""
    engine = engine_over(tmp_path, {
        "motors.md": "# Hub motor or mid-drive?\n\n## Weight and handling\n\nWhere the weight sits matters as much as how "
                     "much there is: a mid-drive motor keeps its weight low and centred.\n\n"
                     "| Motor | Typical motor weight | Where the weight sits |\n|---|---|---|\n"
                     "| Mid-drive | 3–4 kg | Bottom bracket |\n| Geared hub | 2.5–3.5 kg | Rear wheel |\n\n"
                     "## Classes\n\nClass 1 and Class 2 bikes may ride wherever ordinary bicycles go.\n\n"
                     "| Class | How the motor helps | Assistance stops at |\n|---|---|---|\n"
                     "| Class 1 | Pedal assist only | 20 mph |\n| Class 2 | Pedal assist and throttle | 20 mph |\n"
                     "| Class 3 | Pedal assist only | 28 mph |\n",
    }, embedder)
    for question, amount in [("how much does a mid drive motor weigh", "kg"), ("how fast does a class 2 ebike go", "mph")]:
        answer = engine.ask(question)
        assert not answer.abstained and amount in answer.citations[0].quote, [c.quote for c in answer.citations]


def test_a_sentence_pointing_at_what_follows_gives_way_to_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"stripe fees" led with "All three providers publish extra fees for some cases, covered below.", which says
    none: the row of the table after it, of the subject asked, leads in its place, and the pointer is no claim."""
    engine = engine_over(tmp_path, {
        "fees.md": "---\ntitle: Payment providers\nsubjects: [Stripe, Paddle]\n---\n# Payment providers\n\n"
                   "## Fees per transaction\n\nHere are the headline prices for a typical card payment. All the "
                   "providers publish extra fees for some cases, covered below.\n\n"
                   "| Provider | Headline fee per transaction | Merchant of record |\n|---|---|---|\n"
                   "| Stripe | 2.9% + 30¢ | No |\n| Paddle | 5% + 50¢ | Yes |\n\n"
                   "## Extra fees\n\nStripe adds 1.5% for international cards. Paddle has no monthly fee.\n",
    }, embedder)
    answer = engine.ask("stripe fees")
    quotes = [c.quote for c in answer.citations]
    assert not answer.abstained and "2.9%" in quotes[0], quotes
    assert not any("below" in q or q.startswith("Here are") for q in quotes), quotes


def test_a_recommendation_asked_of_one_subject_leads_with_advice_on_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"should i use jenkins for a 40 person company" led with "Our reference team is a 40-engineer product
    company ...", which holds more of its words, over "Choose Jenkins only if ..."."""
    engine = engine_over(tmp_path, {
        "ci.md": "---\ntitle: CI costs\nsubjects: [Jenkins, GitLab CI]\n---\n# CI costs\n\n## The team we priced\n\n"
                 "Our reference team is a 40-engineer product company with a monorepo and a few service repositories.\n\n"
                 "## Verdict\n\nChoose Jenkins only if you need its plugin ecosystem or already have an experienced "
                 "administrator. GitLab CI suits teams that want one product for review and CI.\n",
    }, embedder)
    answer = engine.ask("should i use jenkins for a 40 person company")
    assert not answer.abstained and answer.citations[0].quote.startswith("Choose Jenkins"), answer.answer


def test_an_faq_verdict_opening_a_sentence_leads_a_yes_or_no(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"can two people edit the same obsidian note at the same time" led with "Shared vaults synchronise files, but
    concurrent edits ... are merged after the fact" over its FAQ's "No. Obsidian has no real-time collaborative
    editing.": only a verdict written as a sentence of its own ("No.") led; one opening a sentence did not."""
    engine = engine_over(tmp_path, {
        "wiki.md": "---\ntitle: Team wikis\nsubjects: [Ibex Notes, Marten Wiki]\n---\n# Team wikis\n\n## FAQ\n\n"
                   "### Can two people edit the same Ibex Notes note at once?\n\nNo. Ibex Notes has no real-time "
                   "collaborative editing. When two people edit the same Ibex Notes note at the same time, shared "
                   "vaults merge their edits after the fact.\n\n### Does Marten Wiki work offline?\n\nYes, for pages opened "
                   "before.\n",
    }, embedder)
    answer = engine.ask("can two people edit the same ibex notes note at the same time")
    assert not answer.abstained and answer.citations[0].quote.lstrip().startswith("No."), answer.answer


def test_an_faq_answer_saying_whether_in_other_words_leads_a_yes_or_no(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"> can i turn it off in summer then?" quoted "Ventilation matters year-round, ..." and not the FAQ's first
    sentence, "You can, but it is better to keep it running at low speed.": only a yes or a no led."""
    engine = engine_over(tmp_path, {
        "vent.md": "---\ntitle: Ventilation\nsubjects: [Ibex Vent, Marten Air]\n---\n# Ventilation\n\n## FAQ\n\n"
                   "### Can I turn Ibex Vent off in summer?\n\nYou can, but it is better to keep it running at low speed. "
                   "Ventilation matters year-round, and in summer Ibex Vent keeps humidity out when the air "
                   "conditioning is on.\n\n### Does Marten Air need a drain?\n\nNo. It passes moisture back.\n",
    }, embedder)
    answer = engine.ask("can i turn ibex vent off in summer")
    assert not answer.abstained and answer.citations[0].quote.startswith("You can, but"), answer.answer


@pytest.mark.slow
def test_a_subject_in_a_clause_of_its_own_is_said_of_though_another_opens_the_unit(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does kopia support vss" was declined: the one sentence saying so opens "Borg has no native Windows build;
    on Windows you run it under WSL. restic and Kopia both ship native Windows binaries, and Kopia can snapshot
    open files through VSS." (one unit: a sentence opening in lower case, 'restic', ends none), said of Borg. What
    a clause opening with the subject asked says (", and Kopia ...", ". restic and Kopia ...") is said of it."""
    engine = engine_over(tmp_path, {
        "kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n# Platforms\n\n"
                 "Marten Store has no native Windows build; on Windows you run it under WSL. ibex-cli and Ibex KV both "
                 "ship native Windows binaries, and Ibex KV can snapshot open files through VSS.\n\n"
                 "## Speed\n\nIbex KV writes faster than Marten Store on every disk we tried.\n"}, embedder)
    answer = engine.ask("does ibex kv support vss")
    assert not answer.abstained and "through VSS" in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_a_subject_a_shown_rows_column_names_is_not_said_to_have_no_source(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"force axs weight" quoted the row 'SRAM Force AXS (D2): ... Claimed weight 2,780 g' and then said "weight: no
    source in the corpus says." (the front matter lists 'weight' among its subjects). A row's column naming a
    subject speaks of it; a subject nothing shown names is still said to have no source."""
    engine = engine_over(tmp_path, {
        "kit.md": "---\ntitle: Groupsets at a glance\nsubjects: [Ibex, Marten, weight]\n---\n# Groupsets at a glance\n\n"
                  "| Groupset | Launched | Claimed weight |\n|---|---|---|\n| Ibex X1 | 2021 | 2,430 g |\n"
                  "| Marten M2 | 2023 | 2,780 g |\n\nMarten shifts faster than Ibex in the cold.\n"}, embedder)
    answer = engine.ask("ibex weight")
    assert not answer.abstained and "2,430 g" in answer.answer, answer.answer
    assert "no source in the corpus says" not in answer.answer, answer.answer


@pytest.mark.slow
def test_an_amount_asked_leads_from_further_down_when_it_holds_every_word_asked(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how often does kopia run maintenance" was led by "Just keep your Kopia version current, as maintenance
    improvements land often." (8.6), far above "quick maintenance runs every hour by default" (1.6), beyond the
    claims' margin. Among the first few, a unit stating the amount asked, about the subject asked, holding every
    word the question asks about, leads; one about no subject does not ("Electronic shifting is now available at
    every price point" for "campagnolo chorus price")."""
    engine = engine_over(tmp_path, {
        "kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten "
                 "Store\n\nTuning matters less than people think, checked every day or not.\n\n## Ibex KV\n\n"
                 "Just keep your Ibex KV version current, as compaction improvements land often.\n\n"
                 "Deletion happens during compaction: quick compaction runs every hour by default.\n\n"
                 "## Marten Store\n\nMarten Store never compacts its files.\n"}, embedder)
    snap = engine.snapshot()
    query = analyse("how often does ibex kv run compaction", snap.catalog)
    often = unit_opening(snap, "Just keep your")
    hourly = unit_opening(snap, "Deletion happens")
    tuning = unit_opening(snap, "Tuning matters")
    scored = [Scored(often, 8.6, 0.6, 1.0, 0.6), Scored(tuning, 2.0, 0.3, 0.5, 0.3), Scored(hourly, 1.6, 0.5, 1.0, 0.6)]
    assert select_claims(snap, scored, query, max_claims=2)[0].units[0] == hourly
    # about no subject asked, holding no word asked: no lead from further down
    assert select_claims(snap, scored[:2], query, max_claims=2)[0].units[0] == often


@pytest.mark.slow
def test_how_many_of_one_subject_is_no_request_for_named_sections(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how many routers can a thread network have" showed the section 'Border routers' (every word of its
    heading asked) over "A single Thread network can have up to 32 active routers": how many asks a count, not
    the things a heading lists. "What are the border routers of X?" still asks for that section."""
    engine = engine_over(tmp_path, {
        "kv.md": "---\ntitle: Ibex KV\nsubjects: [Ibex KV]\n---\n# Ibex KV\n\nA single Ibex KV cluster can have up to "
                 "32 active replicas, each serving reads.\n\n## Witness replicas\n\nYou cannot run Ibex KV without at "
                 "least one witness. Many people already own one: the admin node includes a witness.\n"}, embedder)
    snap = engine.snapshot()
    scores = {u: 1.0 for u in range(len(snap.unit_text))}
    assert named_sections(snap, analyse("how many witness replicas can Ibex KV have", snap.catalog), scores) == {}
    assert named_sections(snap, analyse("What are the witness replicas of Ibex KV?", snap.catalog), scores)


@pytest.mark.slow
def test_of_two_columns_of_one_subject_the_plainly_named_one_is_its_cell(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"zigbee vs z-wave" put 'Range — Z-Wave: n/a' in its table: of '| Z-Wave (classic) | Z-Wave Long Range |' the
    last column was Z-Wave's cell. The column its name heads alone or with a note in brackets is, else the first."""
    engine = engine_over(tmp_path, {
        "kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
                 "| | Marten Store | Ibex KV (classic) | Ibex KV Long Range |\n|---|---|---|---|\n"
                 "| Range per hop | 10-20 m | 30-40 m | n/a |\n"}, embedder)
    snap = engine.snapshot()
    row = unit_opening(snap, "| Range per hop")
    text = snap.doc_of(row).text
    assert {name: text[a:b] for name, (a, b) in snap.unit_cells[row].items()} == {"Marten Store": "10-20 m",
                                                                                "Ibex KV": "30-40 m"}


POINTER_DOCS = {
    "guide.md": "---\npublisher: Sedan Guide\npublished: 2025-02-14\nsubjects: [Vela 5, Zephyr 3]\n---\n"
                "# Vela 5 vs Zephyr 3: which electric sedan should you buy?\n\n"
                "We've driven both sedans extensively for a year, and here's how to choose between them.\n\n"
                "## Charging\n\nThe Vela 5 charges from 10 to 80 percent in 18 minutes. The Zephyr 3 needs 28 minutes.\n\n"
                "## Which should you buy?\n\nChoose the Vela 5 if you road-trip often and want the fastest charging. "
                "Choose the Zephyr 3 if you mostly drive in town and care about the interior.\n",
}


def test_a_sentence_pointing_ahead_at_nothing_it_passage_holds_is_no_lead(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"We've driven all three extensively, and here's how to choose." led a buyer's long question: it says what
    the article goes on to say, and nothing in its passage is what it points at."""
    engine = engine_over(tmp_path, POINTER_DOCS, embedder)
    answer = engine.ask("Vela 5 or Zephyr 3, which electric sedan should I buy?")
    assert answer.citations and not answer.citations[0].quote.startswith("We've driven"), answer.answer


@pytest.mark.slow
def test_a_variant_the_question_names_leads_over_a_longer_one(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"busuu premium price" led with "Busuu Premium Plus costs $16.99 per month ...", another tier, where the
    row of 'Busuu Premium' answered: a unit naming a variant of the subject the question does not type gives way
    to one as near naming the variant typed and stating the amount asked."""
    engine = engine_over(tmp_path, {"plans.md": (
        "---\ntitle: Zephyr plans\nsubjects: [Zephyr, Quokka]\n---\n# Zephyr plans\n\n## Prices\n\n"
        "Zephyr Pro Plus costs $16.99 per month or $107.88 per year.\n\n"
        "| Plan | Monthly price | Annual price |\n|---|---|---|\n| Zephyr Pro | $13.99 | $83.88 |\n"
        "| Zephyr Pro Plus | $16.99 | $107.88 |\n| Quokka Team | $9.99 | $89.99 |\n\n"
        "Quokka Team costs $9.99 per month.\n")}, embedder)
    answer = engine.ask("zephyr pro price")
    assert answer.citations[0].quote.startswith("| Zephyr Pro |"), answer.answer
    answer = engine.ask("zephyr pro plus price")
    assert answer.citations[0].quote.startswith("Zephyr Pro Plus costs"), answer.answer
