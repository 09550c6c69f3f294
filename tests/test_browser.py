"""The chat page in a real browser (Debian's chromium through Playwright) against a real uvicorn server."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from integrations.http import create_app
from qa.build import build_index
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.settings import Settings
from tests.conftest import CORPUS, make_settings
from tests.servers import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium missing: run `make browser`")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, seed_index: Path, embedder: OnnxEmbedder) -> Iterator[str]:
    """uvicorn in a thread over the seed corpus with a url on every article, so citations carry links."""
    tmp = tmp_path_factory.mktemp("browser")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    for path in corpus.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\n")
        path.write_text(f"---\nurl: https://example.org/articles/{path.stem}\n" + text[4:], encoding="utf-8")
    index = tmp / "index"
    shutil.copytree(seed_index, index, ignore=shutil.ignore_patterns("LOCK"))
    build_index(corpus, index, embedder)  # front matter only changed: every vector is reused
    settings = make_settings(corpus_dir=corpus, index_dir=index, data_dir=tmp / "var")
    yield from serve(create_app(settings, Engine(settings, embedder)))


@pytest.fixture(scope="module")
def readable_url(readable_settings: Settings, embedder: OnnxEmbedder) -> Iterator[str]:
    """uvicorn over the display tests' documentation corpus (tests/conftest.py READABLE_DOCS)."""
    yield from serve(create_app(readable_settings, Engine(readable_settings, embedder)))


@pytest.fixture(scope="module")
def markup_url(markup_settings: Settings, embedder: OnnxEmbedder) -> Iterator[str]:
    """uvicorn over documentation Markdown in disagreements and comparison cells (tests/conftest.py MARKUP_DOCS)."""
    yield from serve(create_app(markup_settings, Engine(markup_settings, embedder)))


def serve(app: Any) -> Iterator[str]:
    """``app`` under uvicorn in a thread on a free port, until the generator is closed; yields its address."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn-browser-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:  # also when closed
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    yield from open_page(browser, base_url)


def open_page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(30_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    expected = "the server responded with a status of 422"  # chromium logs the 4xx a test provokes on purpose
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" and expected not in m.text else None)
    # Nothing may be fetched from anywhere but our server.
    page.on("request", lambda r: None if r.url.startswith((base_url, "data:")) else problems.append(f"fetched {r.url}"))
    page.goto(base_url + "/")
    yield page
    context.close()
    assert problems == []


def ask_in_page(page: Any, question: str) -> Any:
    """Type the question, press Enter, wait for its answer card; returns the card."""
    answers = page.locator("article.turn.answer, article.turn.error")
    before = answers.count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    card = answers.nth(before)
    card.wait_for()
    return card


def test_question_gets_an_answer_with_a_cited_quote_linking_to_the_source(page: Any, base_url: str) -> None:
    question = "Who created Flask?"
    expected = httpx.post(f"{base_url}/ask", json={"question": question}, timeout=30).json()
    first = expected["citations"][0]
    assert first["link"] and "#:~:text=" in first["link"]

    card = ask_in_page(page, question)
    assert "Armin Ronacher" in card.locator(".answer-text").inner_text()
    assert page.locator("#question").input_value() == ""  # Enter sent it
    source = card.locator("li.source").first
    assert source.is_visible()
    assert source.locator(".quote").inner_text() == first["display"]  # the quote as people read it
    assert source.locator("cite").inner_text() == first["title"]
    meta = source.locator(".meta").inner_text()
    assert (first["published"] or "undated") in meta
    if first["publisher"]:
        assert first["publisher"] in meta
    link = source.locator("a.open")
    assert link.get_attribute("href") == first["link"]
    assert link.get_attribute("rel") == "noopener noreferrer"
    # The [1] marker in the text jumps to that source.
    marker = card.locator(".answer-text a.cite-ref").first
    assert marker.inner_text() == "[1]"
    assert marker.get_attribute("href") == "#" + source.get_attribute("id")


def test_follow_up_keeps_the_conversation(page: Any) -> None:
    sent: list[dict[str, Any]] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/ask") else None)
    ask_in_page(page, "Does FastAPI support WebSockets?")
    card = ask_in_page(page, "And Flask?")
    assert card.locator(".resolved").inner_text() == "Understood as: Does Flask support WebSockets?"
    assert "Flask" in card.locator(".answer-text").inner_text()
    assert len(sent) == 2 and sent[0]["conversation_id"] and sent[0]["conversation_id"] == sent[1]["conversation_id"]
    # A new conversation starts afresh, with the start hint again: the same follow-up is no longer resolved.
    page.locator("#new-conversation").click()
    assert page.locator("article.turn").count() == 0
    assert page.locator("#hint").is_visible()
    card = ask_in_page(page, "And Flask?")
    assert card.locator(".resolved").count() == 0
    assert sent[2]["conversation_id"] != sent[0]["conversation_id"]


def test_comparison_conflicts_and_abstention_are_shown(page: Any, base_url: str) -> None:
    question = "Compare Flask and FastAPI on async support and performance"
    expected = httpx.post(f"{base_url}/ask", json={"question": question}, timeout=30).json()
    card = ask_in_page(page, question)
    table = card.locator("section.comparison table")
    headers = table.locator("thead th").all_inner_texts()
    assert headers[0] == "Aspect" and {"Flask", "FastAPI"} <= set(headers[1:])
    assert table.locator("tbody tr").count() == len(expected["comparison"]["rows"])
    # Each cell shows each source's value in short form with its citation.
    aspect = next(s for s in expected["sections"] if s["kind"] == "aspect")
    cell = aspect["parts"][0]
    column = headers.index(cell["label"])
    row = table.locator("tbody tr").filter(has=page.locator("th", has_text=aspect["label"])).first
    shown = row.locator("td").nth(column - 1)
    values = next(r for r in expected["comparison"]["rows"] if r["aspect"] == aspect["label"])["values"][cell["label"]]
    assert shown.inner_text().strip() == " / ".join(f"{v} [{n}]" for v, n in zip(values, cell["citations"], strict=True))
    assert shown.locator("a.cite-ref").count() == len(cell["citations"]) >= 1
    # The rows are not repeated as a paragraph above the table.
    assert aspect["text"] not in card.locator(".answer-text").inner_text()

    card = ask_in_page(page, "How many GitHub stars does FastAPI have?")
    disagree = card.locator("section.conflicts")
    assert disagree.locator("h3").inner_text() == "Sources disagree"
    assert disagree.locator("li").count() >= 2

    card = ask_in_page(page, "What is the capital of France?")
    assert "not-covered" in (card.get_attribute("class") or "")
    assert card.locator("h3").inner_text() == "Not covered"
    assert card.locator(".suggestions li").count() >= 1
    assert card.locator("li.source").count() == 0


def test_a_nearest_topic_click_asks_it(page: Any) -> None:
    sent: list[dict[str, Any]] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/ask") else None)
    card = ask_in_page(page, "What is the capital of France?")
    topic = card.locator("button.suggestion").first
    text = topic.inner_text()
    assert text
    answers = page.locator("article.turn.answer, article.turn.error")
    topic.click()
    answers.nth(1).wait_for()
    assert page.locator("article.turn.question").last.inner_text() == text
    assert [r["question"] for r in sent] == ["What is the capital of France?", text]
    assert sent[0]["conversation_id"] == sent[1]["conversation_id"]


def test_markup_in_questions_is_shown_as_text(page: Any) -> None:
    question = '<img src=x onerror="document.title=\'pwned\'"><b>Flask</b> vs FastAPI?'
    ask_in_page(page, question)
    asked = page.locator("article.turn.question").last
    assert asked.inner_text() == question
    assert page.locator("#log img, #log b").count() == 0
    assert page.title() == "compare-qa"


def test_invalid_question_shows_the_servers_message(page: Any) -> None:
    page.locator("#question").evaluate("el => el.removeAttribute('maxlength')")
    card = ask_in_page(page, "Flask " * 400)
    assert "error" in (card.get_attribute("class") or "")
    assert "2000" in card.inner_text()


def test_page_fits_a_phone_width(page: Any) -> None:
    ask_in_page(page, "Compare Flask and FastAPI on async support and performance")
    ask_in_page(page, CODE_QUESTION)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    # A long code line scrolls inside its own block instead of wrapping or widening the page.
    block = page.locator(".answer-text pre.code").first
    assert block.evaluate("el => el.scrollWidth > el.clientWidth")
    assert block.evaluate("el => getComputedStyle(el).overflowX") == "auto"


CODE_QUESTION = "Show me how FastAPI validates a request body with a Pydantic model"


def code_lines(quote: str) -> list[str]:
    """A quoted code block's lines without its fences (a quote may stop before the closing fence)."""
    lines = quote.split("\n")
    assert lines[0].startswith("```"), quote[:40]
    return lines[1:-1] if lines[-1].strip() == "```" else lines[1:]


def test_code_is_shown_whole_monospaced_with_indentation_kept(page: Any, base_url: str) -> None:
    expected = httpx.post(f"{base_url}/ask", json={"question": CODE_QUESTION}, timeout=30).json()
    quoted = next(c for c in expected["citations"] if c["quote"].startswith("```"))
    lines = code_lines(quoted["quote"])
    indented = next(line for line in lines if line.startswith("    ") and line.strip())

    card = ask_in_page(page, CODE_QUESTION)
    block = card.locator(".answer-text pre.code").first
    shown = block.locator("code").text_content()
    assert shown == "\n".join(lines)  # whole: not cut, no fence
    assert indented in shown.split("\n")  # leading spaces kept
    assert "```" not in card.locator(".answer-text").inner_text()
    style = block.evaluate("el => { const s = getComputedStyle(el.querySelector('code')); "
                           "return {font: s.fontFamily, space: s.whiteSpace}; }")
    assert style["font"].split(",")[-1].strip() == "monospace"
    assert style["space"] == "pre"
    # What the browser lays out keeps the indentation too (no collapsing of spaces).
    assert indented in block.inner_text().split("\n")
    # The code's own citation follows the block, not the next sentence.
    assert card.locator(".answer-text .code-cite a.cite-ref").first.inner_text() == f"[{quoted['n']}]"


def test_conversation_survives_a_reload_until_a_new_one_starts(page: Any) -> None:
    sent: list[dict[str, Any]] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/ask") else None)
    ask_in_page(page, CODE_QUESTION)
    ask_in_page(page, "Does FastAPI support WebSockets?")
    before = page.locator("#log").inner_text()
    page.reload()
    page.locator("article.turn.answer").nth(1).wait_for()
    assert page.locator("#log").inner_text() == before
    assert page.locator("#hint").count() == 0
    assert page.locator(".answer-text pre.code").count() == 1
    # The next question continues the same conversation on the server.
    card = ask_in_page(page, "And Flask?")
    assert card.locator(".resolved").inner_text() == "Understood as: Does Flask support WebSockets?"
    assert len(sent) == 3 and sent[0]["conversation_id"] == sent[2]["conversation_id"]
    # Citation anchors stay unique across restored and new turns.
    ids = page.locator("li.source").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))

    page.locator("#new-conversation").click()
    assert page.locator("#hint").is_visible() and page.locator("article.turn").count() == 0
    page.reload()
    page.locator("#hint").wait_for()
    assert page.locator("article.turn").count() == 0
    ask_in_page(page, "Does Flask support WebSockets?")
    assert sent[3]["conversation_id"] != sent[0]["conversation_id"]


@pytest.fixture
def readable_page(browser: Any, readable_url: str) -> Iterator[Any]:
    yield from open_page(browser, readable_url)


def overflows(page: Any) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollWidth > document.documentElement.clientWidth"))


def test_documentation_quotes_read_as_people_expect_on_a_phone(readable_page: Any) -> None:
    """Raw Markdown and HTML in the corpus: links clickable, code spans monospaced, no tags, no heading ids,
    a table row with its header, a code block whole in monospace; nothing wider than a 390 px screen."""
    page = readable_page
    card = ask_in_page(page, "How do I add a background task?")
    text = card.locator(".answer-text")
    link = text.locator("a", has_text="Signals page")
    assert link.get_attribute("href") == "https://docs.example.org/reference/signals/"
    assert text.locator("a", has_text="official ASGI spec").get_attribute("href") == "https://asgi.readthedocs.io/en/latest/"
    code = text.locator("code.inline-code", has_text="tasks.add_task()")
    assert code.evaluate("el => getComputedStyle(el).fontFamily").split(",")[-1].strip() == "monospace"
    shown = card.inner_text()
    assert "<abbr" not in shown and "](" not in shown and "{ #" not in shown and "`" not in shown
    source = card.locator("li.source").first
    assert source.locator(".section").inner_text() == "Background Tasks"
    assert source.locator(".quote a", has_text="Signals page").count() == 1
    assert not overflows(page)

    card = ask_in_page(page, "Does Hornet have asynchronous support?")
    assert "Asynchronous support: Mosquito Yes · Hornet No" in card.locator(".answer-text").inner_text()
    assert "| Yes |" not in card.inner_text()

    card = ask_in_page(page, "How does the welcome email example notify a user?")
    block = card.locator(".answer-text pre.code code")
    assert block.text_content() == 'def notify(user):\n    if user.email:\n        send_mail(user.email, "Welcome")\n    return True'
    assert block.evaluate("el => getComputedStyle(el).fontFamily").split(",")[-1].strip() == "monospace"
    assert not overflows(page)


def test_disagreements_and_cells_read_as_people_expect_on_a_phone(browser: Any, markup_url: str) -> None:
    """Documentation Markdown in what sources disagree on and in comparison cells: links clickable, code in
    monospace, HTML reduced to its text, no heading ids; a bracketed number of the corpus is text, not a link
    to a citation; nothing wider than a 390 px screen."""
    for page in open_page(browser, markup_url):
        card = ask_in_page(page, "How many reads per second does Ibex KV serve?")
        box = card.locator("section.conflicts")
        assert box.locator("h4").inner_text() == "Reads per second (Ibex KV)"
        link = box.locator("li a", has_text="the kvbench tool")
        assert link.get_attribute("href") == "https://ibex.example.org/tools/kvbench/"
        code = box.locator("code.inline-code", has_text="mmap")
        assert code.evaluate("el => getComputedStyle(el).fontFamily").split(",")[-1].strip() == "monospace"
        assert "<abbr" not in card.inner_text() and "](" not in card.inner_text()
        assert not overflows(page)

        card = ask_in_page(page, "Compare Ibex KV and Marten Store replication")
        row = card.locator("section.comparison tbody tr", has_text="Replication")
        cells = row.locator("td")
        assert cells.nth(0).locator("a", has_text="Built in").get_attribute("href") == "https://ibex.example.org/replication/"
        assert cells.nth(0).locator("a.cite-ref").count() == 1
        assert cells.nth(1).inner_text().startswith("None") and "<abbr" not in card.inner_text()
        assert not overflows(page)

        card = ask_in_page(page, "Compare Ibex KV and Marten Store")
        assert "{ #" not in card.inner_text()

        card = ask_in_page(page, "How does Ibex KV answer a batch read?")
        text = card.locator(".answer-text")
        assert "the first key as keys[0] and the sixth key as keys[5]" in text.inner_text()
        assert "\\[" not in card.inner_text()
        assert [a.inner_text() for a in text.locator("a.cite-ref").all()] == ["[1]"]


def test_a_question_in_another_language_shows_a_notice(readable_page: Any) -> None:
    card = ask_in_page(readable_page, "¿Cómo agrego una tarea en segundo plano?")
    notice = card.locator(".notice")
    assert notice.count() == 1 and "does not seem to be written in the language of the corpus" in notice.inner_text()
    card = ask_in_page(readable_page, "How do I add a background task?")
    assert card.locator(".notice").count() == 0


def test_a_server_with_api_keys_gets_one_from_the_page(browser: Any, seed_settings: Any, engine: Engine) -> None:
    """With QA_API_KEYS the page asks for a key at the first 401, asks the question again with it, and keeps it
    for the tab (a reload does not ask again)."""
    secret = "page-key-0123456789abcdef"
    settings = make_settings(corpus_dir=seed_settings.corpus_dir, index_dir=seed_settings.index_dir,
                             data_dir=seed_settings.data_dir, api_keys=f"web:{secret}")
    server = serve(create_app(settings, engine))
    base = next(server)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sent: list[str | None] = []
        page.on("request", lambda r: sent.append(r.headers.get("authorization")) if r.url.endswith("/ask") else None)
        page.goto(base + "/")
        assert page.locator("#key-row").is_hidden()

        card = ask_in_page(page, "Who created Flask?")
        assert "an API key is required" in card.inner_text()
        assert page.locator("#key-row").is_visible()
        assert page.evaluate("document.activeElement.id") == "api-key"

        page.locator("#api-key").fill("not-the-key-000000000")
        page.locator("#api-key").press("Enter")  # the key, not the question form
        page.locator("article.turn.error").nth(1).wait_for()
        assert "unknown API key" in page.locator("article.turn.error").nth(1).inner_text()
        assert page.locator("#key-row").is_visible()

        page.locator("#api-key").fill(secret)
        page.locator("#use-key").click()
        answer = page.locator("article.turn.answer").first
        answer.wait_for()
        assert "Armin Ronacher" in answer.locator(".answer-text").inner_text()
        assert page.locator("#key-row").is_hidden()
        assert sent == [None, "Bearer not-the-key-000000000", f"Bearer {secret}"]

        page.reload()
        card = ask_in_page(page, "And Django?")
        assert "turn answer" in (card.get_attribute("class") or "") and sent[-1] == f"Bearer {secret}"
        assert page.locator("#key-row").is_hidden()
        assert errors == []
    finally:
        context.close()
        server.close()
