"""qa/chunking.py: structure-aware chunks and evidence units, pure, with exact character offsets.

Budgets are counted with the real all-MiniLM-L6-v2 tokenizer (the session ``embedder``'s
``count_tokens``; only its tokenizer is used here, the model is not run).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from qa.chunking import SPECIAL_TOKENS, Chunk, chunk_document, embed_prefix, is_rst, sentence_spans
from qa.display import table_row
from qa.documents import Document, load_corpus, parse_document
from qa.embedding import OnnxEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

ARTICLE = """Intro before any heading.

# Zephyr DB

Zephyr DB is an embedded database. It runs on gateways, e.g. greenhouse controllers.

## Setup

```python
# install and open a database
import zephyr
db = zephyr.open("data.z")
```

After the code block, a sentence.

## Throughput

| Metric | Zephyr DB | Quokka DB |
|---|---|---|
| Writes per second | 48,000 | 12,000 |
| Reads per second | 90,000 | 70,000 |

- Batches disk flushes.
- Replicates between devices.
- Ships under Apache 2.0.

### Caveats

It may lose recent writes on power loss.

## Licensing

Apache 2.0.

# Quokka DB

Quokka DB flushes every write.
"""


def tokens(embedder: OnnxEmbedder, text: str) -> int:
    return embedder.count_tokens([text])[0]


def check_invariants(doc: Document, chunks: list[Chunk], embedder: OnnxEmbedder, max_tokens: int) -> None:
    """What every chunking must satisfy: spans are verbatim, units inside their chunk, in order, no
    overlap, and the whole embedded text (prefix included) within the model's budget."""
    prev_end = 0
    for chunk in chunks:
        assert chunk.doc_id == doc.doc_id
        assert 0 <= chunk.start < chunk.end <= len(doc.text)
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip()  # no leading or trailing whitespace
        assert chunk.start >= prev_end, "chunks overlap or are out of order"
        prev_end = chunk.end
        assert chunk.units, "a chunk without evidence units"
        assert chunk.units[-1].end == chunk.end and chunk.start <= chunk.units[0].start
        if chunk.start < chunk.units[0].start:  # only a table's header row (and its separator) may lead
            assert chunk.units[0].kind == "row" and chunk.units[0].context is not None
            assert doc.text[chunk.start : chunk.units[0].start].startswith(chunk.units[0].context)
        last = chunk.start
        for unit in chunk.units:
            assert chunk.start <= unit.start < unit.end <= chunk.end
            assert unit.start >= last, "units overlap or are out of order"
            last = unit.end
            assert doc.text[unit.start : unit.end].strip() == doc.text[unit.start : unit.end]
            assert unit.kind in ("sentence", "item", "row", "code")
        n = tokens(embedder, chunk.embed_text(doc.title)) + SPECIAL_TOKENS
        assert n <= max_tokens, f"{doc.doc_id} chunk {chunk.start}-{chunk.end}: {n} word-pieces > {max_tokens}"
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def article() -> Document:
    return Document("zephyr", "Zephyr DB guide", ARTICLE)


@pytest.fixture(scope="module")
def chunks(article: Document, embedder: OnnxEmbedder) -> list[Chunk]:
    return chunk_document(article, embedder.count_tokens)


def chunk_with(chunks: list[Chunk], needle: str) -> Chunk:
    found = [c for c in chunks if needle in c.text]
    assert len(found) == 1, (needle, [c.text for c in found])
    return found[0]


def test_invariants_on_a_structured_article(article: Document, chunks: list[Chunk], embedder: OnnxEmbedder) -> None:
    check_invariants(article, chunks, embedder, 256)


def test_headings_give_section_paths(chunks: list[Chunk]) -> None:
    assert chunk_with(chunks, "Intro before any heading.").section == ()
    assert chunk_with(chunks, "It runs on gateways").section == ("Zephyr DB",)
    assert chunk_with(chunks, "After the code block").section == ("Zephyr DB", "Setup")
    assert chunk_with(chunks, "Writes per second").section == ("Zephyr DB", "Throughput")
    assert chunk_with(chunks, "lose recent writes").section == ("Zephyr DB", "Throughput", "Caveats")
    # A heading of the same level replaces its sibling; a higher one resets the path.
    (licensing,) = [c for c in chunks if c.text == "Apache 2.0."]
    assert licensing.section == ("Zephyr DB", "Licensing")
    assert chunk_with(chunks, "flushes every write").section == ("Quokka DB",)
    # Headings themselves are not chunk text.
    assert not any(re.search(r"^#+ ", c.text, re.M) and "```" not in c.text for c in chunks)


def test_code_fence_is_one_unit_and_its_comment_is_not_a_heading(article: Document, chunks: list[Chunk]) -> None:
    chunk = chunk_with(chunks, "import zephyr")
    code = [u for u in chunk.units if u.kind == "code"]
    assert len(code) == 1
    text = article.text[code[0].start : code[0].end]
    assert text.startswith("```python\n# install and open a database\n")
    assert text.endswith('db = zephyr.open("data.z")\n```')
    # '# install ...' inside the fence did not start a section.
    assert chunk.section == ("Zephyr DB", "Setup")
    assert not any("install and open a database" in " ".join(c.section) for c in chunks)


def test_table_kept_whole_with_rows_as_units(article: Document, chunks: list[Chunk]) -> None:
    chunk = chunk_with(chunks, "Writes per second")
    # Every row is in the one chunk; each row is a unit that knows its table's header.
    assert "| Writes per second | 48,000 | 12,000 |\n| Reads per second | 90,000 | 70,000 |" in chunk.text
    rows = [u for u in chunk.units if u.kind == "row"]
    assert [article.text[u.start : u.end] for u in rows] == [
        "| Writes per second | 48,000 | 12,000 |",
        "| Reads per second | 90,000 | 70,000 |",
    ]
    assert all(u.context == "| Metric | Zephyr DB | Quokka DB |" for u in rows)


def test_table_chunk_includes_its_header_row(chunks: list[Chunk]) -> None:
    chunk = chunk_with(chunks, "Writes per second")
    assert "| Metric | Zephyr DB | Quokka DB |" in chunk.text


def test_list_kept_whole_with_items_as_units(article: Document, chunks: list[Chunk]) -> None:
    chunk = chunk_with(chunks, "Batches disk flushes.")
    assert "Ships under Apache 2.0." in chunk.text
    items = [article.text[u.start : u.end] for u in chunk.units if u.kind == "item"]
    assert items == ["Batches disk flushes.", "Replicates between devices.", "Ships under Apache 2.0."]


def test_sentences_are_units_and_abbreviations_do_not_split(article: Document, chunks: list[Chunk]) -> None:
    chunk = chunk_with(chunks, "It runs on gateways")
    assert [article.text[u.start : u.end] for u in chunk.units] == [
        "Zephyr DB is an embedded database.",
        "It runs on gateways, e.g. greenhouse controllers.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Flask is small. FastAPI is fast.", ["Flask is small.", "FastAPI is fast."]),
        ("Use a framework, e.g. Flask for HTML. Then deploy.", ["Use a framework, e.g. Flask for HTML.", "Then deploy."]),
        ("Flask vs. FastAPI is a common question. Both are popular.",
         ["Flask vs. FastAPI is a common question.", "Both are popular."]),
        ("It needs Python 3.10 or newer. Really?  Yes!", ["It needs Python 3.10 or newer.", "Really?", "Yes!"]),
        ("i.e. lower case after an abbreviation stays. Next one.", ["i.e. lower case after an abbreviation stays.", "Next one."]),
        ('He said "it is fast." Then he left.', ['He said "it is fast."', "Then he left."]),
        # a short line is a title-like one ending its sentence, unless a sentence ends inside it: wrapped prose
        ("Quick start\nInstall it with pip. Then run it.", ["Quick start", "Install it with pip.", "Then run it."]),
        ("Litestar supports Pydantic, but other than FastAPI it is mostly agnostic about\nthe library you use. "
         "Litestar uses\n`msgspec`, and ships with more.",
         ["Litestar supports Pydantic, but other than FastAPI it is mostly agnostic about\nthe library you use.",
          "Litestar uses\n`msgspec`, and ships with more."]),
        # nor does a short line leaving a code span or a link open (a reStructuredText link wrapped in two), or
        # one the next line goes on from
        ("Quart supports streaming `Server Sent Events\n<https://example.org/sse>`_, which is one way.\nNext.",
         ["Quart supports streaming `Server Sent Events\n<https://example.org/sse>`_, which is one way.", "Next."]),
        ("Releases from 3.0 on only support Python\n3.11 or greater.\nSee the notes\nfor what changed.",
         ["Releases from 3.0 on only support Python\n3.11 or greater.", "See the notes\nfor what changed."]),
        # nor a sentence's end inside inline code ('...' was cut from "UPDATE`."), '``' counting as one backtick
        ("The closest is `INSERT ... ON DUPLICATE KEY UPDATE`. Use ``a. B`` too. Done.",
         ["The closest is `INSERT ... ON DUPLICATE KEY UPDATE`.", "Use ``a. B`` too.", "Done."]),
    ],
)
def test_sentence_spans(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == expected


def test_sentence_spans_respect_the_window() -> None:
    text = "Skip this. Keep this one. And this. Skip too."
    start, end = text.index("Keep"), text.index(" Skip too")
    spans = sentence_spans(text, start, end)
    assert [text[a:b] for a, b in spans] == ["Keep this one.", "And this."]
    assert all(start <= a < b <= end for a, b in spans)


def test_list_items_are_split_even_without_punctuation(embedder: OnnxEmbedder) -> None:
    doc = Document("d", "T", "Features:\n\n- async support\n- automatic docs\n* dependency injection\n1. type hints\n2) validation\n")
    (chunk,) = chunk_document(doc, embedder.count_tokens)
    items = [doc.text[u.start : u.end] for u in chunk.units if u.kind == "item"]
    assert items == ["async support", "automatic docs", "dependency injection", "type hints", "validation"]


def test_lines_of_extension_markup_are_no_evidence(embedder: OnnxEmbedder) -> None:
    text = ("Allow specific HTTP headers.\n\n{* ../../docs_src/cors/tutorial001.py hl[2,6:11] *}\n\n"
            '/// tip\n\nUse the wildcard.\n\n///\n\n!!! note "Heads up"\n    Mind the order.\n\n--8<-- "x.md"\n')
    (chunk,) = chunk_document(Document("d", "T", text), embedder.count_tokens)
    assert [text[u.start : u.end] for u in chunk.units] == [
        "Allow specific HTTP headers.", "Use the wildcard.", "Mind the order."]


def test_an_api_reference_line_and_its_options_are_no_evidence(embedder: OnnxEmbedder) -> None:
    """mkdocstrings' '::: fastapi.APIRouter' with its indented options renders a page of reference when the site
    is built; in the source it is no sentence. A fenced div's ':::' lines are markup, its body prose."""
    text = ("You can import the `APIRouter` class directly.\n\n::: fastapi.APIRouter\n    options:\n"
            "        members:\n            - websocket\n            - get\n\n"
            "::: warning\nMind the order of routers.\n:::\n")
    (chunk,) = chunk_document(Document("d", "T", text), embedder.count_tokens)
    assert [text[u.start : u.end] for u in chunk.units] == [
        "You can import the `APIRouter` class directly.", "Mind the order of routers."]


def test_over_long_paragraph_splits_at_sentences(embedder: OnnxEmbedder) -> None:
    sentences = [f"Sentence number {i} explains one more detail about Zephyr DB replication." for i in range(60)]
    doc = Document("long", "Long", "## Replication\n\n" + " ".join(sentences) + "\n")
    chunks = chunk_document(doc, embedder.count_tokens)
    check_invariants(doc, chunks, embedder, 256)
    assert len(chunks) > 1
    for chunk in chunks:
        # Split at sentence boundaries only: every chunk is a run of whole sentences.
        assert chunk.text.startswith("Sentence number ") and chunk.text.endswith("replication.")
        assert all(doc.text[u.start : u.end] in sentences for u in chunk.units)
    assert sum(len(c.units) for c in chunks) == len(sentences)


def test_over_long_sentence_splits_at_words(embedder: OnnxEmbedder) -> None:
    words = [f"word{i}" for i in range(700)]
    doc = Document("run-on", "Run-on", " ".join(words) + ".\n")
    chunks = chunk_document(doc, embedder.count_tokens)
    check_invariants(doc, chunks, embedder, 256)
    assert len(chunks) >= 3
    # Cut at whitespace: every word survives whole, in order, exactly once.
    got = [w for c in chunks for w in c.text.rstrip(".").split()]
    assert got == words


def test_smaller_budget_is_respected(article: Document, embedder: OnnxEmbedder) -> None:
    small = chunk_document(article, embedder.count_tokens, max_tokens=48)
    check_invariants(article, small, embedder, 48)
    assert len(small) > len(chunk_document(article, embedder.count_tokens))


def test_a_single_word_longer_than_the_budget_is_still_split(embedder: OnnxEmbedder) -> None:
    blob = "https://example.com/?" + "&".join(f"k{i}=v{i}" for i in range(150))  # ~600 word-pieces, no spaces
    assert tokens(embedder, blob) > 256
    doc = Document("url", "URL", f"See {blob} for details.\n")
    check_invariants(doc, chunk_document(doc, embedder.count_tokens), embedder, 256)


def test_embed_prefix_carries_title_and_section() -> None:
    assert embed_prefix("Guide", ("Zephyr DB", "Setup")) == "Guide\nZephyr DB > Setup\n"
    assert embed_prefix("Guide", ()) == "Guide\n"


def test_deterministic(article: Document, chunks: list[Chunk], embedder: OnnxEmbedder) -> None:
    again = chunk_document(article, embedder.count_tokens)
    assert again == chunks
    # The chunk id depends on the document and span, so another document gets other ids.
    other = chunk_document(Document("other", article.title, article.text), embedder.count_tokens)
    assert {c.chunk_id for c in other}.isdisjoint({c.chunk_id for c in chunks})


def test_every_chunk_of_the_seed_corpus(embedder: OnnxEmbedder) -> None:
    docs, warnings = load_corpus(CORPUS)
    assert warnings == [] and docs
    for doc in docs:
        chunks = chunk_document(doc, embedder.count_tokens)
        assert chunks, doc.doc_id
        check_invariants(doc, chunks, embedder, 256)
        # Nothing of the body is lost: every line with words (but headings and table header rows,
        # which live on as section paths and row context) lies inside some chunk.
        covered = [(c.start, c.end) for c in chunks]
        headers = {u.context for c in chunks for u in c.units if u.context}
        pos = 0
        for line in doc.text.split("\n"):
            s, pos = pos, pos + len(line) + 1
            if re.match(r"^#{1,6}\s", line) or line.strip() in headers or not re.search(r"\w", line):
                continue
            word = s + max(m.start() for m in re.finditer(r"\w", line))  # list markers are not in chunks
            assert any(a <= word < b for a, b in covered), (doc.doc_id, line[:60])


RST = """:orphan:

.. _onboarding:

=================
Coming from Flask
=================

Intro sentence about the guide.

.. toctree::
    :maxdepth: 2

    first-page

Routing
-------

Litestar registers handlers on a router.

.. note::
    :class: tip

    Routers can be nested.

.. tab-set::

    .. tab-item:: Flask
        :sync: flask

        .. code-block:: python
            :caption: app.py

            @app.route("/")
            def index(): ...

    .. tab-item:: Litestar

        .. literalinclude:: /examples/routing.py
            :language: python

Lifespan
~~~~~~~~

Setup goes before the yield, for example::

    async with lifespan(app):
        yield

.. This comment is no evidence
   and neither is its second line.

.. seealso::

    * :doc:`/usage/lifespan`

See `the guide`__.

__ https://example.org/guide

#. First step.
#. Second step.
"""


def test_restructuredtext_titles_directives_and_literal_blocks(embedder: OnnxEmbedder) -> None:
    doc = Document("rst", "T", RST)
    chunks = chunk_document(doc, embedder.count_tokens)
    check_invariants(doc, chunks, embedder, 256)
    units = [(c.section, u.kind, doc.text[u.start : u.end]) for c in chunks for u in c.units]
    prose = [text for _, kind, text in units if kind != "code"]
    assert prose == ["Intro sentence about the guide.", "Litestar registers handlers on a router.", "Routers can be nested.",
                     "Setup goes before the yield, for example::", "See `the guide`__.", "First step.",
                     "Second step."]
    sections = {text: section for section, _, text in units}
    assert sections["Intro sentence about the guide."] == ("Coming from Flask",)  # over- and underlined
    assert sections["Routers can be nested."] == ("Coming from Flask", "Routing")
    assert sections["First step."] == ("Coming from Flask", "Routing", "Lifespan")
    code = [(section, text) for section, kind, text in units if kind == "code"]
    # a code-block is code, under the tab it sits in; a literal block after '::' too; a literalinclude is no unit
    assert code[0][0] == ("Coming from Flask", "Routing", "Flask")
    assert code[0][1].startswith(".. code-block:: python") and code[0][1].endswith("def index(): ...")
    assert code[1] == (("Coming from Flask", "Routing", "Lifespan"), "async with lifespan(app):\n        yield")
    assert len(code) == 2


def test_an_empty_restructuredtext_code_block_is_no_unit(embedder: OnnxEmbedder) -> None:
    text = "Title\n=====\n\nIt runs.\n\n.. code-block:: python\n"
    units = [text[u.start : u.end] for c in chunk_document(Document("e", "T", text), embedder.count_tokens) for u in c.units]
    assert units == ["It runs."]


def test_markdown_setext_titles_and_thematic_breaks(embedder: OnnxEmbedder) -> None:
    text = "Setup\n=====\n\nInstall it.\n\n---\n\nMore text.\n\nUsage\n-----\n\n```\ncode\n```\n\n~~~\nmore code\n~~~\n"
    doc = Document("md", "T", text)
    units = [(c.section, u.kind, text[u.start : u.end]) for c in chunk_document(doc, embedder.count_tokens)
             for u in c.units]
    assert units == [(("Setup",), "sentence", "Install it."), (("Setup",), "sentence", "More text."),
                     (("Setup", "Usage"), "code", "```\ncode\n```"), (("Setup", "Usage"), "code", "~~~\nmore code\n~~~")]
    # a Markdown page is read as before: the seed corpus has no such markup
    assert not is_rst(text) and is_rst(RST) and is_rst("See :class:`App`.")


def test_the_title_of_a_page_without_front_matter_is_its_first_heading() -> None:
    assert parse_document("a", RST).title == "Coming from Flask"
    assert parse_document("b", ":orphan:\n\n.. image:: logo.svg\n\nQuart is a framework.\n").title == "Quart is a framework."
    assert parse_document("c", "Just a line.\n").title == "Just a line."


def read_units(text: str, embedder: OnnxEmbedder) -> list[tuple[str, str, str | None]]:
    """Each unit of a page of ``text``: its kind, its words as written and its context (a row's header)."""
    doc = Document("page", "T", text)
    return [(u.kind, text[u.start : u.end], u.context) for c in chunk_document(doc, embedder.count_tokens) for u in c.units]


def test_a_restructuredtext_grid_table_is_rows_under_its_header(embedder: OnnxEmbedder) -> None:
    text = (".. _ref:\n\nQuick reference\n---------------\n\n"
            "+-----------+-------------+-------------------+\n"
            "| Concept   | Flask       | Litestar          |\n"
            "+===========+=============+===================+\n"
            "| State     | ``flask.g`` | ``request.state`` |\n"
            "+-----------+-------------+-------------------+\n"
            "| Templates | Jinja       | Jinja, Mako       |\n"
            "+-----------+-------------+-------------------+\n")
    units = read_units(text, embedder)
    assert units == [
        ("row", "| State     | ``flask.g`` | ``request.state`` |", "| Concept   | Flask       | Litestar          |"),
        ("row", "| Templates | Jinja       | Jinja, Mako       |", "| Concept   | Flask       | Litestar          |")]
    assert table_row(units[0][2], units[0][1]) == "State: Flask `flask.g` · Litestar `request.state`"


def test_a_restructuredtext_simple_table_is_rows_under_its_header(embedder: OnnxEmbedder) -> None:
    """A simple table's columns are where its border's runs of '=' start: a row is read in them, with its header
    line and the border under it as its context; without a header line, with its first border alone."""
    text = (".. _ref:\n\nWhat Python version can I use?\n-------------------------------\n\n"
            "  ============== ===============\n"
            "  Ibex version   Python versions\n"
            "  ============== ===============\n"
            "  4.2            3.8, 3.9 (added in 4.2.8)\n"
            "  5.0            3.10, 3.11\n"
            "  ============== ===============\n\n"
            "=========== =====\n`string`    text\n=========== =====\n")
    header = "Ibex version   Python versions\n  ============== ==============="
    units = read_units(text, embedder)
    assert units == [("row", "4.2            3.8, 3.9 (added in 4.2.8)", header), ("row", "5.0            3.10, 3.11", header),
                     ("row", "`string`    text", "=========== =====")]
    assert table_row(header, units[1][1]) == "5.0: Python versions 3.10, 3.11"
    assert table_row(units[2][2], units[2][1]) == "`string` · text"


def test_a_heading_line_of_many_spaces_is_read_at_once(embedder: OnnxEmbedder) -> None:
    """A guard against a hang, not a measure of speed: a Markdown heading holding a long run of spaces took about
    7 s to read (the title's end tried every split of the run); it takes milliseconds now."""
    text = "# Long" + " " * 2000 + "title\n\nA sentence under it.\n"
    start = time.perf_counter()
    [chunk] = chunk_document(Document("spaces", "T", text), embedder.count_tokens)
    assert time.perf_counter() - start < 2.0
    assert chunk.section == ("Long" + " " * 2000 + "title",)
