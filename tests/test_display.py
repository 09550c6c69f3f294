"""The display form beside the verbatim quote (qa/display.py), the context a unit needs to stand alone, the
language notice and nearest topics asked as they are shown: pure functions, then the real engine over a small
documentation corpus (tests/conftest.py READABLE_DOCS) and over the seed corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer import Answer, text_fragment_link
from qa.compose import context_span, unit_display
from qa.coverage import FOREIGN_NOTICE, foreign_language
from qa.display import (
    clean_heading,
    code_block_span,
    display,
    escape_markers,
    inline,
    link_resolver,
    markers,
    plain,
    runs,
    section_path,
    shorten,
    split_code,
    table_row,
)
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.evidence import QuestionTerms, claim_units, subject_among_all
from qa.query import analyse
from tests.conftest import engine_over, unit_opening
from tests.contract import check_contract

CODE = '```python\ndef notify(user):\n    if user.email:\n        send_mail(user.email, "Welcome")\n    return True\n```'


# -- pure functions ---------------------------------------------------------------------------------------------
def test_markdown_and_html_become_the_display_subset() -> None:
    urls = {"tutorial/cors": "https://docs.example.org/tutorial/cors/"}
    resolve = link_resolver("advanced/middleware", None, urls.get)
    text = ('And then [CORS with the `CORSMiddleware`](../tutorial/cors.md), the <abbr title="Cross-Origin '
            'Resource Sharing">CORS</abbr> **rules** &amp; [spec](https://fetch.spec.whatwg.org/) or [x](nowhere.md)')
    assert inline(text, resolve) == (
        "And then [CORS with the `CORSMiddleware`](https://docs.example.org/tutorial/cors/), the CORS rules & "
        "[spec](https://fetch.spec.whatwg.org/) or x")
    # Without a way to resolve it, a relative link is its text; a link that would read as a citation too.
    assert inline("see [the guide](guide.md) and [1](https://a.example/)") == "see the guide and 1"
    # An autolink is its text: '<http://x|label>' is Slack's link syntax, and no corpus may forge one.
    assert inline("adds them <http://evil.example|docs.python.org> & more") == (
        "adds them http://evil.example|docs.python.org & more")
    # CommonMark refuses a javascript: link: it stays inert text, which no adapter turns into a link.
    assert all(kind != "link" for kind, _, _ in runs(inline("[run](javascript:alert(1))")))


def test_relative_links_resolve_against_the_documents_own_url() -> None:
    resolve = link_resolver("blog/post", "https://blog.example.org/2026/post/", lambda _: None)
    assert resolve("../about/") == "https://blog.example.org/2026/about/"
    assert resolve("#top") is None and resolve("mailto:a@b.c") is None


def test_headings_lose_their_ids_and_the_title_is_not_repeated() -> None:
    assert clean_heading("Background Tasks { #background-tasks }") == "Background Tasks"
    assert clean_heading("Use `Depends` {#depends}") == "Use Depends"
    assert section_path("Tasks Guide", ["Tasks Guide { #tasks-guide }", "Background Tasks { #bg }"]) == "Background Tasks"
    assert section_path("Tasks Guide", ["Tasks Guide { #tasks-guide }"]) is None
    assert section_path("Other", ["Intro", "Details"]) == "Intro > Details"


def test_a_table_row_reads_with_its_header() -> None:
    header = "| Feature | FastAPI | Flask |"
    assert table_row(header, "| Asynchronous support | Yes | No |") == "Asynchronous support: FastAPI Yes · Flask No"
    assert table_row(header, "| `async` views | [yes](https://a.example/) | |") == (
        "`async` views: FastAPI [yes](https://a.example/) · Flask —")
    assert table_row(None, "| a | b |") == "a · b"


def test_a_figure_glued_to_a_scraped_badge_is_shown_apart_and_cited_as_written() -> None:
    row = "| Community Size (GitHub stars) | 11700 | 68300Winner |"
    assert table_row("| Metric | FastAPI | Flask |", row) == "Community Size (GitHub stars): FastAPI 11700 · Flask 68300 Winner"
    assert plain(row) == "Community Size (GitHub stars) 11700 68300Winner"  # what the page's text holds
    assert inline("Python 3.12 and HTTP2Support, v2Beta") == "Python 3.12 and HTTP2Support, v2Beta"


def test_code_blocks_stay_whole_fenced_and_indented() -> None:
    assert display(CODE) == CODE
    assert display("Do this:\n" + CODE) == "Do this:\n" + CODE
    cut = CODE[: CODE.index("    return")]  # a block cut short gets its closing fence
    assert display(cut).endswith("\n```") and "        send_mail" in display(cut)
    text = "Intro.\n\n" + CODE + "\n\nAfter."
    inside = text.index("send_mail")
    start, end = code_block_span(text, inside, inside + 9)
    assert text[start:end] == CODE
    assert code_block_span(text, 0, 6) == (0, 6)  # prose lies in no block
    parts = split_code(CODE)
    assert [p.code for p in parts] == [True] and parts[0].info == "python" and "    if user.email:" in parts[0].body


def test_text_fragments_match_the_rendered_text_not_the_markdown() -> None:
    url = "https://docs.example.org/page"
    link = text_fragment_link(url, "Use [the `Depends` helper](deps.md) **now**.")
    assert link == f"{url}#:~:text=Use%20the%20Depends%20helper%20now."
    assert plain("Use [the `Depends` helper](deps.md) **now**.") == "Use the Depends helper now."
    row = text_fragment_link(url, "| Asynchronous support | Yes | No |")
    assert row == f"{url}#:~:text=Asynchronous%20support,No"
    assert "%60" not in (text_fragment_link(url, CODE) or "")  # no fence backticks to match


def test_a_bracketed_number_of_the_corpus_is_no_citation_marker() -> None:
    shown = inline("{* ../src/app.py hl[6] *} reads `items[0]` and items[1]")
    assert shown == "{* ../src/app.py hl\\[6] *} reads `items[0]` and items\\[1]"
    # A marker is a [n] outside code, not escaped; the escape is undone for people.
    assert markers(f"{shown} [2]\n```python\nx = items[3]\n```\n[4]") == [2, 4]
    assert runs(shown) == [("text", "{* ../src/app.py hl[6] *} reads ", None), ("code", "items[0]", None),
                           ("text", " and items[1]", None)]
    assert runs("said [3]") == [("text", "said ", None), ("cite", "3", None)]
    assert escape_markers("a[1] b [x]") == "a\\[1] b [x]"


def test_admonition_lines_are_markup_not_words() -> None:
    assert display("/// tip\n\nSo, with the same type, **FastAPI** validates.\n\n///") == (
        "So, with the same type, FastAPI validates.")
    assert display('!!! note "Heads up"\n    Use it.') == "Use it."
    assert display('Declare the body:\n\n{* ../../docs_src/body/tutorial001.py hl[4] *}\n') == "Declare the body:"
    assert display('{% include "snippet.md" %}\n--8<-- "other.md"\nThe {* star *} stays mid-line.') == (
        "The {* star *} stays mid-line.")


def test_a_short_value_is_cut_between_words_never_inside_a_link_or_code() -> None:
    text = "Built in [with a long link text](https://x.example/) and `a code span` then more words"
    assert shorten(text, 4) == "Built in [with a](https://x.example/)…"
    assert shorten(text, 9) == "Built in [with a long link text](https://x.example/) and…"
    assert shorten("Yes.", 10) == "Yes"


# -- the real engine over the small documentation corpus --------------------------------------------------------
def ask(engine: Engine, question: str) -> Answer:
    answer = engine.ask(question)
    check_contract(answer, engine.snapshot().version.docs)
    assert Answer.from_dict(json.loads(json.dumps(answer.to_dict()))) == answer
    return answer


def test_a_table_row_is_cited_verbatim_and_shown_with_its_header(readable_engine: Engine) -> None:
    answer = ask(readable_engine, "Does Hornet have asynchronous support?")
    row = next(c for c in answer.citations if c.quote == "| Asynchronous support | Yes | No |")
    doc = readable_engine.snapshot().version.docs[row.doc_id]
    assert row.context == "| Feature | Mosquito | Hornet |"
    assert doc.text[row.context_start : row.context_end] == row.context
    assert row.display == "Asynchronous support: Mosquito Yes · Hornet No"
    assert f"{row.display} [{row.n}]" in answer.answer
    assert "|" not in answer.answer


def test_a_sentence_that_points_back_is_shown_after_the_one_it_follows(readable_engine: Engine) -> None:
    snap = readable_engine.snapshot()
    before = "Mosquito Queue delivers messages with very low latency on a single node."
    it = unit_opening(snap, "It stays under one millisecond")
    start, end = context_span(snap, it) or (0, 0)
    assert snap.doc_of(it).text[start:end] == before
    assert unit_display(snap, it) == f"{before} {snap.unit_text[it]}"
    answer = ask(readable_engine, "How fast is Mosquito Queue at ten thousand messages per second?")
    # Cited for this question, it quotes the sentence before too: that one holds the question's 'Mosquito Queue'.
    cited = next(c for c in answer.citations if "It stays under one millisecond" in c.quote)
    assert cited.quote.startswith(before) and cited.context is None
    assert cited.display == " ".join(cited.quote.split())
    # Shown once: the sentence before is not repeated as a claim of its own.
    assert answer.answer.count("delivers messages with very low latency") == 1


def test_a_short_list_item_is_shown_with_the_sentence_leading_into_its_list(readable_engine: Engine) -> None:
    snap = readable_engine.snapshot()
    fast = snap.unit_text.index("Fast.")
    start, end = context_span(snap, fast) or (0, 0)
    assert snap.doc_of(fast).text[start:end] == "Strengths of Mosquito Queue:"
    assert unit_display(snap, fast) == "Strengths of Mosquito Queue: Fast."
    small = snap.unit_text.index("Small.")
    assert unit_display(snap, small) == "Strengths of Mosquito Queue: Small."  # past the list's other items
    lead = snap.unit_text.index("Strengths of Mosquito Queue:")
    assert context_span(snap, lead) is None  # it leads into what follows, it points back at nothing


def test_links_code_spans_and_html_are_shown_for_people(readable_engine: Engine) -> None:
    answer = ask(readable_engine, "How do I add a background task?")
    c = next(c for c in answer.citations if "add_task" in c.quote)
    assert "[Signals page](../reference/signals.md)" in c.quote and "<abbr" in c.quote  # verbatim
    assert "[Signals page](https://docs.example.org/reference/signals/)" in c.display  # another corpus page
    assert "[official ASGI spec](https://asgi.readthedocs.io/en/latest/)" in c.display
    assert "`tasks.add_task()`" in c.display and "the ASGI server" in c.display and "<abbr" not in c.display
    assert c.section == "Background Tasks"  # no heading id, no repeated title
    assert c.link and "text=You%20add%20a%20background" in c.link and "%60" not in c.link


def test_a_code_block_is_shown_whole_and_fenced(readable_engine: Engine) -> None:
    answer = ask(readable_engine, "How does the welcome email example notify a user?")
    # quoted with the sentence leading into it, "This example sends a welcome email to a new user:"
    code = next(c for c in answer.citations if c.quote.endswith("```"))
    assert code.display.endswith(f"a new user:\n{CODE}")
    assert f"\n{CODE}\n[{code.n}]" in answer.answer


def test_a_question_in_another_language_gets_a_notice(readable_engine: Engine) -> None:
    answer = ask(readable_engine, "¿Cómo agrego una tarea en segundo plano?")
    assert answer.notices == (FOREIGN_NOTICE,)
    assert ask(readable_engine, "Quelles tâches utilisent Mosquito ?").notices == (FOREIGN_NOTICE,)
    assert "agrego" in answer.resolved_question  # its words are not "corrected" into the corpus's
    assert ask(readable_engine, "How do I add a background task?").notices == ()


def test_the_language_check_flags_other_languages_and_no_english_question(engine: Engine) -> None:
    """Over the shipped evaluation set (seed corpus, English): no English question is flagged; the questions
    written in Spanish, German and French mostly are."""
    from qa.evaluation import default_questions_path, load_cases

    snap = engine.snapshot()
    cases = load_cases(default_questions_path())
    flagged = {c.id for c in cases if foreign_language(c.question, snap.vocabulary, snap.subject_words)}
    other = {c.id for c in cases if c.id.startswith("rob-lang-")}
    assert other and flagged == other
    # Short questions whose words are all long or capitalised (German nouns are set aside as names) too.
    for question in ("¿Debo usar Flask o FastAPI para una API nueva?", "FastAPI のパフォーマンスは?",
                     "Что лучше, Flask или FastAPI?", "Quelles entreprises utilisent Flask ?",
                     "Welche Firmen nutzen Flask?", "Quali aziende usano Flask?", "Quais empresas usam Flask?"):
        assert foreign_language(question, snap.vocabulary, snap.subject_words), question
    for question in ("FastAPI async?", "Kubernetes horizontal autoscaling configuration", "Café latency in Flask?",
                     "Which companies use Flask?", "Flask blueprints?", "uvicorn gunicorn workers"):
        assert not foreign_language(question, snap.vocabulary, snap.subject_words), question


def test_the_parts_of_a_dotted_name_are_no_other_language(engine: Engine) -> None:
    """"who wrote MixedModels.jl?" was told it is not in the corpus's language: 'jl' looked like another
    language's short function word, and the corpus writes neither 'who' nor 'wrote'."""
    snap = engine.snapshot()
    for question in ("Genie.jl vs Flask", "who wrote werkzeug.py", "is htmx.js better than flask"):
        assert not foreign_language(question, snap.vocabulary, snap.subject_words, engine._is_word), question
    for question in ("¿Debo usar Flask o FastAPI para una API nueva?", "Welche Firmen nutzen Flask?",
                     "Quelles entreprises utilisent Flask ?", "¿Cuál es más rápido, Flask o FastAPI?"):
        assert foreign_language(question, snap.vocabulary, snap.subject_words, engine._is_word), question



def test_words_with_marks_are_another_language_and_long_english_ones_are_not(engine: Engine) -> None:
    """"¿Bitwarden es de código abierto?" was not flagged ('es' and 'de' are on English's long stopword list, and
    the model holds them), and was declined as "nothing on digo abierto"; "proton pass review" was, 'proton' being
    on Malay's list. A word with a mark the corpus does not know is another language's; a longer English word is
    no other language's function word."""
    snap = engine.snapshot()
    assert foreign_language("¿Flask es de código abierto?", snap.vocabulary, snap.subject_words, engine._is_word)
    assert not foreign_language("proton pass review", snap.vocabulary, snap.subject_words, engine._is_word)

def test_model_codes_are_no_words_of_another_language(engine: Engine) -> None:
    """"di2 vs axs" and "shimano xtr vs sram xx eagle" got the other-language notice: 'di' of 'di2' is Italian's
    'di', and 'xtr' and 'xx' were short words the corpus lacks. Letters glued to digits are a code, and no
    function word of any language is all consonants."""
    snap = engine.snapshot()
    for question in ("di2 vs r7100", "flask xtr vs fastapi xx eagle"):
        assert not foreign_language(question, snap.vocabulary, snap.subject_words, engine._is_word), question
    assert foreign_language("di flask e di fastapi", snap.vocabulary, snap.subject_words, engine._is_word)


@pytest.mark.parametrize("question", ["fastapi pros and cons", "flask cons and pros", "pros and cons?"])
def test_short_english_words_the_corpus_lacks_are_no_other_language(engine: Engine, question: str) -> None:
    """'pros' and 'cons' are not the corpus's words (its headings are not its prose), but the model holds them
    whole: no foreign words, so no notice."""
    assert engine.ask(question).notices == ()


def test_a_nearest_topic_is_answered_when_asked_as_shown(engine: Engine) -> None:
    """A topic the page offers as a button, asked as it reads: its heading, even one with 'vs' in it."""
    snap = engine.snapshot()
    topics = [(label, heading) for label, heading in snap.topics.items() if " vs " in heading.lower()]
    assert topics
    for label, heading in topics[:3]:
        answer = ask(engine, label)
        assert not answer.abstained, label
        assert answer.resolved_question == heading


def test_nearest_topics_are_shown_without_heading_ids(readable_engine: Engine) -> None:
    answer = ask(readable_engine, "How do I deploy a Kubernetes operator for Postgres?")
    assert answer.abstained and answer.suggestions
    assert all("{" not in label and "#" not in label for label in answer.suggestions)
    assert set(answer.suggestions) <= set(readable_engine.snapshot().topics)


def test_markup_alone_is_no_context(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A sentence pointing back past an image tag or an admonition's opening line gets no markup as context:
    '<img ...>' and '/// tip' say nothing to a reader. With nothing before it in its section, a unit that cannot
    stand alone is shown under its headings."""
    engine = engine_over(tmp_path, {"shots.md": (
        "# Shots\n\n## Docs UI\n\nThe docs UI lists every route of the application.\n\n"
        '<img src="/img/docs-ui.png">\n\nIt works correctly behind the proxy too.\n\n'
        "## Overrides\n\nOverrides replace a dependency in tests.\n\n/// tip\n\n"
        "Then you can reset the overrides with an empty dict.\n\n///\n\n## Hornet\n\n### Cons\n\n- Slow to start.\n")},
        embedder)
    snap = engine.snapshot()
    it = unit_opening(snap, "It works")
    assert not any("<img" in text for text in snap.unit_text)  # a line of tags alone is no evidence at all
    assert unit_display(snap, it) == (
        "The docs UI lists every route of the application. It works correctly behind the proxy too.")
    then = next(u for u, text in enumerate(snap.unit_text) if "Then you can reset" in text)
    assert unit_display(snap, then).startswith(("Then you can reset", "Overrides replace a dependency"))
    assert check_display(unit_display(snap, then))
    slow = snap.unit_text.index("Slow to start.")  # nothing before it in its section: its headings say what
    assert context_span(snap, slow) is None
    assert unit_display(snap, slow) == "Hornet > Cons: Slow to start."
    assert unit_display(snap, slow, context=False) == "Slow to start."


def test_neither_or_both_pairing_names_stands_alone(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Neither Fathom nor Plausible sets cookies, ..." opening its section was quoted under its headings ("Fathom
    vs Plausible: ... > Cookies, GDPR and where the data lives: Neither ..."), as if it pointed back; it names
    what it is about. "Both scripts ..." still points back."""
    engine = engine_over(tmp_path, {"tools.md": (
        "# Tools\n\n## Cookies\n\nNeither Ibex nor Marten sets cookies, and neither stores full IP addresses.\n\n"
        "## Scripts\n\nBoth scripts load with the defer attribute, and none blocks rendering.\n")}, embedder)
    snap = engine.snapshot()
    neither, both = unit_opening(snap, "Neither Ibex"), unit_opening(snap, "Both scripts")
    assert unit_display(snap, neither) == snap.unit_text[neither]
    assert unit_display(snap, both) == f"Scripts: {snap.unit_text[both]}"


def test_an_answer_opening_with_yes_or_no_is_shown_under_the_question_it_answers(tmp_path: Path,
                                                                                 embedder: OnnxEmbedder) -> None:
    """"No, Ibex KV needs x86-64." read alone is a "no" to whatever was asked; under its heading it answers the
    question the heading asks. "Nobody ..." and "Yesterday ..." open with no answer."""
    engine = engine_over(tmp_path, {"faq.md": (
        "# Ibex KV FAQ\n\n## Does Ibex KV run on ARM?\n\nNo, Ibex KV needs an x86-64 processor with AVX2.\n\n"
        "## Is Ibex KV free?\n\nYes – Ibex KV is released under the MIT licence.\n\n"
        "## Who uses Ibex KV?\n\nNobody outside the lab runs Ibex KV in production yet.\n\n"
        "## Rankings\n\nNo. 1 on the list of embedded stores is Ibex KV, for its reads.\n")}, embedder)
    snap = engine.snapshot()
    no = unit_opening(snap, "No, Ibex")
    assert unit_display(snap, no) == "Does Ibex KV run on ARM?: No, Ibex KV needs an x86-64 processor with AVX2."
    yes = unit_opening(snap, "Yes – Ibex")
    assert unit_display(snap, yes).startswith("Is Ibex KV free?: Yes – ")
    nobody = unit_opening(snap, "Nobody")
    assert unit_display(snap, nobody) == "Nobody outside the lab runs Ibex KV in production yet."
    first = unit_opening(snap, "No. 1")  # a number, no answer
    assert unit_display(snap, first) == "No. 1 on the list of embedded stores is Ibex KV, for its reads."


def test_a_quote_runs_on_over_the_sentences_continuing_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A sentence is quoted with the sentences after it in its paragraph that open by pointing back (at most
    two): they continue its thought. Not one in another paragraph, nor one naming another subject; a sentence
    quoted as another claim's continuation is not cited again."""
    engine = engine_over(tmp_path, {"nests.md": (
        "---\ntitle: Hornets and wasps\nsubjects: [Hornets, Wasps]\n---\n# Nests\n\n"
        "Hornets build their nests in hollow trees. This keeps the brood warm in winter. It also hides the "
        "nest from birds. They rarely leave it in the cold.\n\nThis is why hornet nests are hard to find.\n\n"
        "Wasps build their nests under roofs of houses. Each nest is made of chewed wood. However, Hornets never "
        "nest under roofs.\n")}, embedder)
    snap = engine.snapshot()
    text = snap.version.docs["nests"].text

    def quoted(opening: str) -> str:
        return text[slice(*snap.quote_span(unit_opening(snap, opening)))]

    assert quoted("Hornets build") == ("Hornets build their nests in hollow trees. This keeps the brood warm in "
                                       "winter. It also hides the nest from birds.")
    assert quoted("It also") == "It also hides the nest from birds. They rarely leave it in the cold."
    assert quoted("They rarely") == "They rarely leave it in the cold."  # the next paragraph is not its thought
    # "Each nest" is one of the nests just named; "However, Hornets ..." is the other subject's
    assert quoted("Wasps build") == "Wasps build their nests under roofs of houses. Each nest is made of chewed wood."
    answer = ask(engine, "Where do hornets build their nests?")
    first = answer.citations[0]
    assert first.quote.startswith("Hornets build") and first.quote.endswith("from birds.")
    assert first.display == first.quote
    spans = sorted((c.start, c.end) for c in answer.citations)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # no sentence is cited twice


def test_the_pieces_of_a_sentence_split_at_words_are_no_claims(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A sentence too long for a chunk is split at words; its pieces open or end mid-sentence, so none is cited
    while whole sentences answer (on another line, a unit without a full stop is a line of its own)."""
    listing = ", ".join(f"survey {i} of hornet nests in hollow trees" for i in range(60))
    engine = engine_over(tmp_path, {"nests.md": (
        "---\ntitle: Hornets\nsubjects: [Hornets, Wasps]\n---\n# Nests\n\n"
        f"Hornets build their nests in hollow trees. Sources include {listing}.\n\n"
        "Date: 2020-01-01\nHornets nest in hollow trees in winter too.\n")}, embedder)
    snap = engine.snapshot()
    pieces = [t for u, t in enumerate(snap.unit_text) if snap.unit_piece[u]]
    assert len(pieces) >= 2 and pieces[0].startswith("Sources include") and pieces[-1].endswith("hollow trees.")
    assert "".join(pieces).replace(" ", "") == f"Sources include {listing}.".replace(" ", "")
    answer = ask(engine, "Where do hornets build their nests?")
    assert answer.citations and not any(c.quote in pieces for c in answer.citations), answer.answer


def test_the_rest_of_a_sentence_a_code_block_cut_is_no_claim(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """Documentation goes on with a sentence after the code block it introduced ("... i.e." | block | "which
    ensures that it doesn't run in production."): the rest opens in lower case and says nothing alone. Over
    Quart's guides it led the answer to "Is quart production ready?"."""
    engine = engine_over(tmp_path, {"run.md": (
        "---\ntitle: Running Hornet\n---\n# Running\n\n"
        "Start Hornet from a script guarded by ``if``, so that it only runs when the file runs directly, i.e.\n\n"
        "```console\n$ python run.py\n```\n\nwhich ensures that it doesn't run in production.\n\n"
        "```python\nhornet.serve(workers=4)\n```\n\nIn production, Hornet runs behind a process manager.\n")}, embedder)
    snap = engine.snapshot()
    pieces = [t for u, t in enumerate(snap.unit_text) if snap.unit_piece[u]]
    assert pieces == ["which ensures that it doesn't run in production."]
    answer = ask(engine, "Does Hornet run in production?")
    assert answer.citations and not any(c.quote.startswith("which") for c in answer.citations), answer.answer


def test_a_quote_holds_a_sentence_a_hard_line_wrap_cut_whole(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """Text wrapped in short lines (from a PDF's narrow columns) is cut by the chunker at a short line the next
    line opens in upper case after; a quote of any piece is the whole sentence: the pieces before and after it
    in its paragraph, while one ends with no terminal punctuation and the next opens in lower case or it ends
    with a function word or a hyphen. A short title-like line before a sentence that opens in upper case stays
    apart."""
    engine = engine_over(tmp_path, {"epidemic.md": (
        "---\ntitle: The great epidemic\n---\n# Toll\n\n"
        "Key findings\nThe epidemic spread along the railways.\n"
        "Total deaths in the epidemic were estimated at\n50 million and were arguably as high\n"
        "as 100 million across the whole of\nEurope and the Euro-\nAsian steppe.\nMost victims were young adults.\n")}, embedder)
    snap = engine.snapshot()
    text = snap.version.docs["epidemic"].text

    def unit(opening: str) -> int:
        return unit_opening(snap, opening)

    whole = ("Total deaths in the epidemic were estimated at\n50 million and were arguably as high\n"
             "as 100 million across the whole of\nEurope and the Euro-\nAsian steppe.")
    assert snap.unit_text[unit("Total deaths")] != whole  # the chunker cut it before 'Europe' and 'Asian'
    for piece in ("Total deaths", "Europe", "Asian"):
        assert text[slice(*snap.quote_span(unit(piece)))] == whole
    assert text[slice(*snap.quote_span(unit("Key findings")))] == "Key findings"
    assert text[slice(*snap.quote_span(unit("The epidemic")))] == "The epidemic spread along the railways."
    assert text[slice(*snap.quote_span(unit("Most victims")))] == "Most victims were young adults."
    assert list(snap.sentence_units(unit("Europe"))) == [unit("Total deaths"), unit("Europe"), unit("Asian")]
    answer = ask(engine, "How many deaths did the epidemic cause?")
    assert any(c.quote == whole for c in answer.citations)
    cited = next(c for c in answer.citations if c.quote == whole)
    assert cited.context is None and cited.display == " ".join(whole.split())  # it stands alone, whole
    spans = sorted((c.start, c.end) for c in answer.citations)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # no piece is cited twice


def test_a_claim_quotes_the_sentence_beside_it_that_holds_more_of_the_question(tmp_path: Path,
                                                                              embedder: OnnxEmbedder) -> None:
    """A claim's quote takes in the sentence after it, then the one before it, in its paragraph, when that
    sentence holds words of the question the quote lacks; not one holding only words the quote has, nor one in
    another paragraph."""
    engine = engine_over(tmp_path, {"hornets.md": (
        "---\ntitle: Hornets\n---\n# Colonies\n\n"
        "Hornet colonies grow fast in early summer. A single queen founds each colony in spring. Workers feed "
        "the larvae with chewed insects. Larvae grow quickly in warm weather.\n\n"
        "The queen rarely leaves the nest after founding it.\n")}, embedder)
    snap = engine.snapshot()
    text = snap.version.docs["hornets"].text
    question = "What does the queen feed the larvae?"
    asked = QuestionTerms(snap, analyse(question, snap.catalog))

    def quoted(opening: str) -> str:
        unit = unit_opening(snap, opening)
        assert text[slice(*snap.quote_span(unit))] == snap.unit_text[unit]  # alone, its own sentence
        return text[slice(*snap.quote_span(unit, claim_units(snap, unit, asked)))]

    # 'queen' is in the sentence before, not in the next ('larvae' is had already)
    assert quoted("Workers feed") == ("A single queen founds each colony in spring. Workers feed the larvae with "
                                      "chewed insects.")
    assert quoted("Hornet colonies") == "Hornet colonies grow fast in early summer. A single queen founds each colony in spring."
    assert quoted("Larvae grow") == "Workers feed the larvae with chewed insects. Larvae grow quickly in warm weather."
    assert quoted("The queen rarely") == "The queen rarely leaves the nest after founding it."  # a paragraph alone
    answer = ask(engine, question)
    assert any(c.quote.startswith("A single queen founds") and "Workers feed the larvae" in c.quote
               for c in answer.citations)
    for c in answer.citations:
        assert c.quote == text[c.start:c.end] and c.display == c.quote and c.context is None
    spans = sorted((c.start, c.end) for c in answer.citations)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # no sentence is quoted twice


def test_a_sentence_leading_into_a_short_list_is_quoted_with_the_list(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A claim ending with a sentence that leads into a list ("three ways ...:") quotes the list with it when the
    list is short: the sentence alone promises what it does not say. A longer list, or a sentence with no list
    right after it, is quoted alone."""
    engine = engine_over(tmp_path, {"kilns.md": (
        "---\ntitle: Kilns\n---\n# Firing\n\n"
        "Generally there are three ways to fire a clay kiln:\n\n"
        "1.  You can burn wood in a firebox.\n2.  You can burn natural gas.\n"
        "3.  You can heat the chamber with electric coils\n    wound in its walls.\n\n"
        "Glazes melt at high temperatures. Potters know many glaze colours:\n\n"
        + "".join(f"- Glaze colour {c}.\n" for c in ("red", "blue", "green", "white", "black", "amber", "grey"))
        + "\nA kiln cools slowly:\n\nOpening it early cracks the pots.\n\nCones fire at their own heats:\n\n"
        "| Cone | Heat |\n|---|---|\n| 06 | 999 C |\n| 6 | 1222 C |\n")}, embedder)
    snap = engine.snapshot()
    text = snap.version.docs["kilns"].text
    asked = QuestionTerms(snap, analyse("How do I fire a kiln?", snap.catalog))

    def quoted(opening: str) -> str:
        unit = unit_opening(snap, opening)
        return text[slice(*snap.quote_span(unit, claim_units(snap, unit, asked)))]

    assert quoted("Generally there") == (
        "Generally there are three ways to fire a clay kiln:\n\n1.  You can burn wood in a firebox.\n2.  You can "
        "burn natural gas.\n3.  You can heat the chamber with electric coils\n    wound in its walls.")
    assert quoted("Potters know") == "Potters know many glaze colours:"  # seven items: too long to quote whole
    assert quoted("A kiln cools") == "A kiln cools slowly:"  # a paragraph follows, no list
    assert quoted("You can burn wood") == "You can burn wood in a firebox."
    # a table is quoted with the sentence leading into it too, and shown row by row under its header
    assert quoted("Cones fire") == "Cones fire at their own heats:\n\n| Cone | Heat |\n|---|---|\n| 06 | 999 C |\n| 6 | 1222 C |"
    unit = unit_opening(snap, "Cones fire")
    assert unit_display(snap, unit, through=claim_units(snap, unit, asked)) == (
        "Cones fire at their own heats: 06: Heat 999 C; 6: Heat 1222 C")
    answer = ask(engine, "How do I fire a kiln?")
    lead = answer.citations[0]
    assert lead.quote.startswith("Generally there are three ways") and lead.quote.endswith("wound in its walls.")
    assert lead.display == ("Generally there are three ways to fire a clay kiln: 1. You can burn wood in a firebox. "
                            "2. You can burn natural gas. 3. You can heat the chamber with electric coils wound in its walls.")
    assert not any(c.quote.startswith("You can") for c in answer.citations)  # an item is not quoted twice


def test_a_list_under_one_subjects_heading_or_label_is_that_subjects(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A review's lists: "### Gaggia Classic Pro", "Pros:", "- Cheaper at $449" was shown as "Pros: Cheaper at
    $449", whose pro not said; and the items under a bold label ("**Gaggia Classic Pro**") were of no subject, so
    "+ Proper 58 mm portafilter" led an answer on the other machine. An item shown with the line leading into its
    list is shown under the heading naming one subject; a short line naming one leading into a list makes its
    items that subject's."""
    engine = engine_over(tmp_path, {"review.md": (
        "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
        "## Ibex KV\n\nPros:\n- Cheap\n- Fast reads\n\n## Both\n\nPros:\n- Open source\n\n## Lists\n\n"
        "**Marten Store**\n- + Proper snapshot tooling\n- + Small binary\n\nSummary line.\n- Plain item\n")}, embedder)
    snap = engine.snapshot()
    assert unit_display(snap, unit_opening(snap, "Fast reads")) == "Ibex KV > Pros: Fast reads"
    assert unit_display(snap, unit_opening(snap, "Open source")) == "Pros: Open source"  # no one subject's
    about = subject_among_all(snap)
    assert [about[unit_opening(snap, t)] for t in ("+ Proper", "+ Small", "Plain item")] == [
        "Marten Store", "Marten Store", None]


def test_an_item_under_a_heading_of_mistakes_is_shown_under_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does kanban have retrospectives" led with "Dropping retrospectives because "Kanban doesn't have them"." alone,
    a bullet under 'Common mistakes': read bare, it says the opposite of what the page does."""
    engine = engine_over(tmp_path, {"ops.md": (
        "# Running Ibex KV\n\n## Common mistakes\n\n- Dropping the nightly backups because \"replication covers it\".\n"
        "- Running a single follower in the same rack as the leader.\n\n## Features\n\n"
        "- Ibex KV replicates every write to two followers in other racks.\n")}, embedder)
    snap = engine.snapshot()
    assert unit_display(snap, unit_opening(snap, "Dropping the nightly")) == (
        'Common mistakes: Dropping the nightly backups because "replication covers it".')
    assert unit_display(snap, unit_opening(snap, "Ibex KV replicates")) == (
        "Ibex KV replicates every write to two followers in other racks.")


def test_a_sentence_of_a_list_item_takes_in_the_next_of_the_same_item(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"default max_age for cors in starlette" was answered with "`max_age` - Sets a maximum time in seconds for
    browsers to cache CORS responses." alone: the default is the item's next sentence. A sentence of a list item
    takes in the next of the same item, as one of a paragraph does, when it holds words of the question the quote
    lacks; never the next item."""
    engine = engine_over(tmp_path, {"cors.md": (
        "# CORS\n\nThe middleware takes these arguments:\n\n"
        "* `max_age` - Sets a maximum time in seconds for browsers to cache CORS responses. Defaults to `600`.\n"
        "* `allow_origins` - A list of origins that may make requests. Defaults to `[]`.\n")}, embedder)
    snap = engine.snapshot()
    text = snap.version.docs["cors"].text

    def quoted(question: str, opening: str) -> str:
        unit = unit_opening(snap, opening)
        return text[slice(*snap.quote_span(unit, claim_units(snap, unit, QuestionTerms(snap, analyse(question, snap.catalog)))))]

    assert quoted("default max_age for cors", "`max_age`") == (
        "`max_age` - Sets a maximum time in seconds for browsers to cache CORS responses. Defaults to `600`.")
    assert quoted("What does max_age cache?", "`max_age`") == (
        "`max_age` - Sets a maximum time in seconds for browsers to cache CORS responses.")  # nothing more asked
    assert quoted("default allowed origins for cors", "`allow_origins`") == (
        "`allow_origins` - A list of origins that may make requests. Defaults to `[]`.")


def test_a_sentence_leading_into_a_short_code_block_is_quoted_with_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Use the following command to generate a value for the key::" was the whole answer to "How do I generate a
    key?": the command it leads into was left out. A sentence ending with a colon takes in the code block right
    after it (a reStructuredText literal block or a fenced one) when the block is short; a long one is quoted
    apart."""
    engine = engine_over(tmp_path, {
        "keys.rst": "Keys\n====\n\nIbex KV signs its cookies with a secret key.\nUse the following command to "
                    "generate a value for :attr:`Ibex.secret_key`::\n\n    $ python -c 'import secrets; print(secrets.token_hex())'"
                    "\n\nKeep the key out of version control.\n",
        "logs.md": "# Logs\n\nTo rotate the Marten Store logs, run:\n\n```console\n$ marten rotate --keep 3\n```\n\n"
                   "To dump the Marten Store schema, run:\n\n```sql\n" + "".join(f"SELECT {i};\n" for i in range(14))
                   + "```\n"}, embedder)
    snap = engine.snapshot()
    asked = QuestionTerms(snap, analyse("How do I generate a secret key?", snap.catalog))

    def through(opening: str) -> tuple[int, tuple[int, int]]:
        unit = unit_opening(snap, opening)
        return unit, claim_units(snap, unit, asked)

    unit, span = through("Use the following")
    assert unit_display(snap, unit, through=span).endswith(  # after the sentence before it, which it continues
        "Use the following command to generate a value for `Ibex.secret_key`:\n"
        "```\n$ python -c 'import secrets; print(secrets.token_hex())'\n```")
    unit, span = through("To rotate")
    assert unit_display(snap, unit, through=span) == "To rotate the Marten Store logs, run:\n```console\n$ marten rotate --keep 3\n```"
    unit, span = through("To dump")
    assert span == (unit, unit)  # fourteen lines: quoted apart
    answer = ask(engine, "How do I generate a secret key for Ibex KV?")
    assert "token_hex()" in answer.citations[0].quote and "token_hex()" in answer.answer.split("[1]")[0], answer.answer


def check_display(text: str) -> bool:
    return bool(text) and text == text.strip() and "///" not in text


# -- disagreements and comparison cells over documentation Markdown (tests/conftest.py MARKUP_DOCS) --------------
def test_disagreeing_claims_have_a_display_form_beside_their_verbatim_words(markup_engine: Engine) -> None:
    answer = ask(markup_engine, "How many reads per second does Ibex KV serve?")
    [conflict] = answer.conflicts
    assert conflict.topic == "Reads per second (Ibex KV)"
    lab = next(c for c in conflict.claims if "80,000" in c.text)
    assert "<abbr" in lab.text and "(../tools/kvbench.md)" in lab.text  # verbatim, as the quote
    assert lab.text in answer.citations[lab.citation - 1].quote
    assert "<abbr" not in lab.display and "served 80,000 reads per second" in lab.display
    assert "[the `kvbench` tool](https://ibex.example.org/tools/kvbench/)" in lab.display  # another corpus page
    cell = next(c for c in conflict.claims if "55k" in c.text)
    assert cell.display == "Throughput (reads per second): ~55k with `mmap`"
    # The answer text shows the claims as people read them.
    section = next(s for s in answer.sections if s.kind == "disagreement")
    assert f"{lab.display} [{lab.citation}]" in section.text and "<abbr" not in answer.answer


def test_comparison_cells_have_a_display_form_beside_their_values(markup_engine: Engine) -> None:
    answer = ask(markup_engine, "Compare Ibex KV and Marten Store replication")
    assert answer.comparison is not None
    row = next(r for r in answer.comparison.rows if r.aspect == "Replication")
    assert row.values["Ibex KV"] == ["[Built in](https://ibex.example.org/replication/), to followers"]  # as written
    assert row.display["Ibex KV"] == ["[Built in](https://ibex.example.org/replication/), to followers"]
    assert row.values["Marten Store"] == ['<abbr title="not available">None</abbr>']
    assert row.display["Marten Store"] == ["None"]
    assert row.cell("Marten Store") == f"None [{row.cells['Marten Store'][0]}]"
    # Aspect names read as headings: no heading id.
    answer = ask(markup_engine, "Compare Ibex KV and Marten Store")
    assert answer.comparison and all("{" not in r.aspect for r in answer.comparison.rows)
    assert "{ #" not in answer.answer


def test_brackets_in_the_corpus_are_shown_as_written_and_never_cited(markup_engine: Engine) -> None:
    answer = ask(markup_engine, "How does Ibex KV answer a batch read?")
    c = next(c for c in answer.citations if "keys[0]" in c.quote)
    assert "keys\\[0]" in c.display and "keys\\[5]" in c.display
    assert markers(answer.answer) == [c.n]
    assert "keys[0]" in "".join(value for _, value, _ in runs(c.display))


def test_restructuredtext_inline_markup_reads_as_the_page_shows_it() -> None:
    assert inline("Plugins (:class:`~litestar.plugins.SerializationPlugin`) and :func:`url_for`.") == (
        "Plugins (`SerializationPlugin`) and `url_for`.")
    assert inline("Uses `msgspec <https://msgspec.dev>`_ and ``TypedDict``\\ s.") == (
        "Uses [msgspec](https://msgspec.dev) and `TypedDict`s.")
    assert inline("See :ref:`the routing guide <usage/routing>` and :meth:`register() <Flask.register>`.") == (
        "See the routing guide and `register()`.")
    assert inline("Named after `Django Reinhardt`_, a guitarist.") == "Named after Django Reinhardt, a guitarist."
    assert inline("For example::") == "For example:" and inline("Like this ::") == "Like this"
    assert inline("Markdown `code` and [a link](https://x.org) stay.") == "Markdown `code` and [a link](https://x.org) stay."


def test_a_restructuredtext_code_block_is_fenced_without_its_directive(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    engine = engine_over(tmp_path, {"guide.rst": (
        "Routing\n=======\n\nHandlers are registered on a :class:`~app.Router`.\n\n"
        ".. code-block:: python\n    :caption: app.py\n\n    router = Router()\n\n    @router.get(\"/\")\n"
        "    def index():\n        return \"hi\"\n\nLifespan\n~~~~~~~~\n\nSetup runs first, for example::\n\n"
        "    async with lifespan(app):\n        yield\n")}, embedder)
    snap = engine.snapshot()
    codes = [u for u, kind in enumerate(snap.version.unit_kinds) if kind == "code"]
    assert [unit_display(snap, u) for u in codes] == [
        '```python\nrouter = Router()\n\n@router.get("/")\ndef index():\n    return "hi"\n```',
        "```\nasync with lifespan(app):\n    yield\n```"]
    prose = snap.unit_text.index("Handlers are registered on a :class:`~app.Router`.")
    assert unit_display(snap, prose) == "Handlers are registered on a `Router`."
    assert snap.version.chunks[int(snap.version.units[codes[1]][0])].section == ("Routing", "Lifespan")


def test_angle_brackets_that_are_no_html_tag_are_words() -> None:
    """A reStructuredText FAQ heading writes '<Framework X> does <feature Y>': CommonMark reads a tag there, so
    the heading showed as "does -- why doesn't Django?". Only real elements' tags are markup."""
    assert clean_heading("<Framework X> does <feature Y> -- why doesn't Django?") == (
        "<Framework X> does <feature Y> -- why doesn't Django?")
    assert inline('Ibex <abbr title="Key-Value">KV</abbr> served<br> 80,000 <!-- n --><span>reads</span>.') == (
        "Ibex KV served 80,000 reads.")


def test_a_row_of_a_table_with_its_subjects_down_the_side_fills_a_comparison_cell(tmp_path: Path,
                                                                                embedder: OnnxEmbedder) -> None:
    """"compare nginx caddy and traefik memory use" said "Nginx: no source covers it" beside the table row
    '| Nginx | 1.24.0 | 9 MB | 22 MB |' under '| Proxy | Version tested | Idle memory (RSS) | ... |': the row spoke
    only to its own label ('Nginx'). It speaks to its columns' headers, and shows as its citation does."""
    engine = engine_over(tmp_path, {
        "stores.md": "---\ntitle: Ibex KV vs Marten Store\npublisher: Alpha Notes\nsubjects: [Ibex KV, Marten Store]\n"
                     "---\n# Ibex KV vs Marten Store\n\n## Memory use\n\nWe measured resident memory on one host.\n\n"
                     "| Store | Version tested | Idle memory (RSS) |\n|---|---|---|\n| Ibex KV | 1.2 | 9 MB |\n"
                     "| Marten Store | 2.0 | 40 MB |\n\n## Replication\n\nIbex KV replicates every write to followers. "
                     "Marten Store has no replication.\n",
        "notes.md": "---\ntitle: Running stores\npublisher: Beta Reference\nsubjects: [Ibex KV, Marten Store]\n---\n"
                    "# Running stores\n\n## Memory use\n\nMarten Store memory grows with every open connection.\n\n"
                    "## Replication\n\nIbex KV replication is built in.\n",
    }, embedder)
    answer = ask(engine, "compare ibex kv and marten store memory use")
    assert answer.comparison is not None, answer.answer
    row = next(r for r in answer.comparison.rows if "memory" in r.aspect.lower())
    assert any("9 MB" in shown for shown in row.display["Ibex KV"]), row.display
    assert not any("|" in shown for shown in row.display["Ibex KV"])
