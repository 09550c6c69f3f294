"""Rendering answers as Slack Block Kit: pure functions, constructed answers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from integrations.slack import render
from qa.answer import Answer, Citation, Comparison, ComparisonRow, Conflict, ConflictClaim, Section, text_fragment_link

URL = "https://example.com/flask-vs-fastapi"


def cite(n: int, quote: str, **kw: Any) -> Citation:
    fields: dict[str, Any] = dict(
        n=n, doc_id="flask-vs-fastapi", title="Flask vs FastAPI", publisher="Example Press", url=URL,
        published="2026-02-20", section="Async", quote=quote, start=100 * n, end=100 * n + len(quote), score=0.7,
        link=text_fragment_link(URL, quote),
    )
    fields.update(kw)
    return Citation(**fields)


def said(subject: str, text: str, *cited: int, kind: str = "subject") -> Section:
    """What the sources say of one subject, as the core writes it: 'Flask: ...'."""
    return Section(kind, subject, f"{subject}:", f"{subject}: {text}", cited)


def make_answer(*sections: Section, **kw: Any) -> Answer:
    """An answer made of ``sections`` (by default one per subject), its text their text joined, as the core's."""
    sections = sections or (said("Flask", "Flask 2.0 added async views [1]", 1),
                            said("FastAPI", "FastAPI is async first [2]", 2))
    fields: dict[str, Any] = dict(
        question="Flask vs FastAPI on async?", resolved_question="Flask vs FastAPI on async?",
        answer="\n".join(s.text for s in sections), abstained=False,
        confidence=0.81, subjects=("Flask", "FastAPI"),
        citations=(cite(1, "Flask 2.0 added async views."), cite(2, "FastAPI is async first.")),
        sections=sections,
    )
    fields.update(kw)
    return Answer(**fields)


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn/plain text in the blocks."""
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            out.append(e["text"]["text"] if e.get("type") == "button" else e["text"])
    return out


def assert_valid(blocks: list[dict[str, Any]]) -> None:
    """Slack's documented limits for the block types we use."""
    assert 0 < len(blocks) <= render.BLOCK_LIMIT
    for b in blocks:
        assert b["type"] in {"section", "context", "actions"}
        if b["type"] == "section":
            assert b["text"]["type"] == "mrkdwn" and 0 < len(b["text"]["text"]) <= 3000
        elif b["type"] == "context":
            assert 1 <= len(b["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in b["elements"])
        else:
            assert 1 <= len(b["elements"]) <= 25
            for e in b["elements"]:
                assert len(e["action_id"]) <= 255 and len(e["value"]) <= 2000 and len(e["text"]["text"]) <= 75


def mrkdwn_objects(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    objs = [b["text"] for b in blocks if "text" in b]
    objs += [e for b in blocks if b["type"] == "context" for e in b["elements"]]
    return objs


def test_answer_with_sources_conflicts_and_comparison() -> None:
    answer = make_answer(
        conflicts=(Conflict("GitHub stars of FastAPI", (ConflictClaim("FastAPI has 70k stars.", 1, "2024-01-01"),
                                                         ConflictClaim("FastAPI has 94k stars.", 2, "2026-02-20"))),),
        comparison=Comparison(("Flask", "FastAPI"), (ComparisonRow("Async support", {"Flask": [1], "FastAPI": [2]},
                                                                   {"Flask": ["added async views"], "FastAPI": ["async first"]}),
                                                     ComparisonRow("Validation", {"Flask": [], "FastAPI": [2]}))),
    )
    [msg] = render.render_answer(answer, answer_id="a-1")
    assert_valid(msg.blocks)
    all_text = "\n".join(texts(msg.blocks))
    assert all_text.count("*Flask:* Flask 2.0 added async views [1]") == 1
    assert "*FastAPI:* FastAPI is async first [2]" in all_text
    # one context line per citation, linked to the quote's text fragment, then the quote itself
    contexts = [t for t in texts(msg.blocks) if t.startswith("[")]
    assert contexts[0] == f"[1] <{answer.citations[0].link}|Flask vs FastAPI> — Example Press, 2026-02-20"
    assert "#:~:text=Flask%202.0%20added%20async%20views." in contexts[0]
    assert "> Flask 2.0 added async views." in texts(msg.blocks)
    assert ":warning: *Sources disagree*" in all_text
    assert "• [1] FastAPI has 70k stars. (Example Press, 2024-01-01)" in all_text
    # Each cell: each source's value in short form with its citation (numbers alone when an answer has none).
    assert "• *Async support*: Flask: added async views [1] · FastAPI: async first [2]" in all_text
    assert "• *Validation*: Flask: — · FastAPI: [2]" in all_text
    actions = msg.blocks[-1]
    assert actions["block_id"] == render.ACTIONS_BLOCK
    assert [e["action_id"] for e in actions["elements"]] == [render.FEEDBACK_UP, render.FEEDBACK_DOWN]
    assert {e["value"] for e in actions["elements"]} == {"a-1"}
    assert msg.text.startswith("Flask: Flask 2.0 added async views [1] FastAPI:")


def row(aspect: str, *cells: Section) -> Section:
    text = f"{aspect} — " + "; ".join(c.text for c in cells)
    return Section("aspect", aspect, aspect, text, tuple(n for c in cells for n in c.citations), cells)


def test_sections_get_bold_headings_aspects_and_cell_labels() -> None:
    answer = make_answer(
        Section("summary", None, "", "FastAPI wins overall. [1][2]", (1, 2)),
        row("Speed (req/s)", said("FastAPI", "~120k", kind="cell"), said("Flask", "~30k [1]", 1, kind="cell")),
        row("Validation", said("Flask", "none [2]", 2, kind="cell"), said("FastAPI", "Pydantic [1]", 1, kind="cell")),
        said("Flask", "no source says."),
        said("When to choose Flask", "Flask is ideal for small apps [1]", 1, kind="advice"),
    )
    [msg] = render.render_answer(answer)
    assert msg.blocks[0]["text"]["text"] == (
        "FastAPI wins overall. [1][2]\n*Speed (req/s)* — *FastAPI:* ~120k; *Flask:* ~30k [1]\n"
        "*Validation* — *Flask:* none [2]; *FastAPI:* Pydantic [1]\n*Flask:* no source says.\n"
        "*When to choose Flask:* Flask is ideal for small apps [1]")


def test_labels_in_the_prose_are_not_read_back() -> None:
    # A claim that happens to start like a label stays as written: only the sections' headings are bold.
    answer = make_answer(Section("summary", None, "", "Flask: the name of a bottle. Speed — FastAPI: 1 [1]", (1,)))
    [msg] = render.render_answer(answer)
    assert msg.blocks[0]["text"]["text"] == "Flask: the name of a bottle. Speed — FastAPI: 1 [1]"


def test_an_answer_stored_without_sections_is_shown_as_its_text() -> None:
    answer = make_answer()
    [msg] = render.render_answer(Answer.from_dict({k: v for k, v in answer.to_dict().items() if k != "sections"}))
    assert msg.blocks[0]["text"]["text"] == "Flask: Flask 2.0 added async views [1]\nFastAPI: FastAPI is async first [2]"


def test_share_button_and_asker_for_slash_command_answers() -> None:
    [msg] = render.render_answer(make_answer(), answer_id="a-2", share=True, asked_by="U123")
    assert_valid(msg.blocks)
    assert msg.blocks[0]["elements"][0]["text"] == "<@U123> asked: _Flask vs FastAPI on async?_"
    assert [e["action_id"] for e in msg.blocks[-1]["elements"]] == [
        render.SHARE_ACTION, render.FEEDBACK_UP, render.FEEDBACK_DOWN]


def test_follow_up_shows_how_it_was_understood() -> None:
    [msg] = render.render_answer(make_answer(question="and Flask?", resolved_question="Does Flask support async?"))
    assert "Understood as: _Does Flask support async?_" in texts(msg.blocks)


def test_abstention_is_shown_as_such_with_suggestions() -> None:
    answer = make_answer(
        Section("not_covered", None, "", "The corpus does not cover this. Nearest topics it does cover: Async; Validation."),
        abstained=True, confidence=0.2, citations=(), subjects=(),
        suggestions=("Async (Flask vs FastAPI)", "Validation <b>"),
    )
    [msg] = render.render_answer(answer, answer_id="a-3")
    assert_valid(msg.blocks)
    body = msg.blocks[0]["text"]["text"]
    assert body.startswith(":grey_question: *The corpus does not cover this.*")
    assert "• Async (Flask vs FastAPI)" in body and "• Validation &lt;b&gt;" in body
    assert not any("Confidence" in t for t in texts(msg.blocks))
    assert msg.text == "The corpus does not cover this."


@pytest.mark.parametrize(("text", "headline", "then"), [
    ("There is no question here to answer from the corpus. Ask one about FastAPI and Flask.",
     "There is no question here to answer from the corpus.", "Ask one about FastAPI and Flask."),
    ("The corpus says nothing more on this than the answers above. Nearest topics it does cover: Async.",
     "The corpus says nothing more on this than the answers above.", "Nearest topics it does cover:"),
])
def test_an_answer_citing_nothing_that_is_no_abstention_says_what_it_is(text: str, headline: str, then: str) -> None:
    """"thanks!" and "tell me more" when all is said cite nothing too, but the corpus does cover the question:
    the message says what the answer says, not "The corpus does not cover this."."""
    answer = make_answer(Section("not_covered", None, "", text), abstained=True, confidence=0.0, citations=(),
                         subjects=(), suggestions=("Async",) if "Nearest" in text else ())
    [msg] = render.render_answer(answer)
    body = msg.blocks[0]["text"]["text"]
    assert body.startswith(f":grey_question: *{headline}*\n") and then in body and "does not cover" not in body, body
    assert msg.text == headline


def test_abstention_on_something_the_corpus_never_mentions_says_what() -> None:
    text = "The corpus does not cover this (it has nothing on Express.js). Nearest topics it does cover: Async."
    answer = make_answer(Section("not_covered", "Express.js", "", text), abstained=True, confidence=0.1,
                         citations=(), subjects=(), suggestions=("Async",))
    [msg] = render.render_answer(answer)
    assert msg.blocks[0]["text"]["text"] == f":grey_question: *The corpus does not cover this.*\n{text}"


def test_corpus_and_user_text_cannot_ping_or_forge_links() -> None:
    evil = "Ping <!channel> and <!here|here> or <@U0ADMIN>, click <http://evil.example|docs.python.org> & win"
    answer = make_answer(
        said("Flask", f"{evil} [1]", 1),
        question=f"What about {evil}?", resolved_question=f"What about {evil}?", subjects=("Flask",),
        citations=(cite(1, evil, title="Title <!everyone> | x", publisher="<http://x.example|Pub>"),),
        conflicts=(Conflict(f"topic {evil}", (ConflictClaim(evil, 1),)),),
    )
    msgs = render.render_answer(answer, answer_id="a-4", asked_by="U1")
    everything = [t for m in msgs for t in texts(m.blocks)] + [m.text for m in msgs]
    for t in everything:
        # the only <...> tokens left are ours: the asker mention and the source link
        tokens = re.findall(r"<([^>]*)>", t)
        assert all(tok == "@U1" or tok.startswith("https://example.com/flask-vs-fastapi#:~:text=") for tok in tokens), t
    joined = "\n".join(everything)
    assert "&lt;!channel&gt;" in joined and "&lt;http://evil.example|docs.python.org&gt; &amp; win" in joined
    assert "|Title &lt;!everyone&gt; | x>" in joined  # label escaped; the link itself intact
    for m in msgs:
        assert all(obj.get("verbatim") is True for obj in mrkdwn_objects(m.blocks) if obj.get("type") == "mrkdwn")


def test_links_only_for_http_urls_and_never_broken_by_the_url() -> None:
    odd = cite(1, "q", link="https://example.com/a|b>c d&e", url=None)
    js = cite(2, "q", link=None, url="javascript:alert(1)")
    plain = cite(3, "q", link=None, url=None, publisher=None, published=None)
    [msg] = render.render_answer(make_answer(Section("summary", None, "", "x [1][2][3]", (1, 2, 3)),
                                             citations=(odd, js, plain)))
    lines = [t for t in texts(msg.blocks) if t.startswith("[")]
    assert lines[0].startswith("[1] <https://example.com/a%7Cb%3Ec%20d&amp;e|Flask vs FastAPI>")
    assert lines[1].startswith("[2] Flask vs FastAPI — ")
    assert lines[2] == "[3] Flask vs FastAPI — undated"


def test_long_answer_is_split_into_sections_and_messages() -> None:
    sentence = "FastAPI validates requests with Pydantic & type hints [1]. "
    long_text = "FastAPI: " + sentence * 150  # ~9000 characters, one line
    quotes = tuple(cite(n, f"Quote number {n}. " + "x" * 80) for n in range(1, 51))  # 100 blocks of sources
    answer = make_answer(said("FastAPI", sentence * 150, 1), citations=quotes, subjects=("FastAPI",))
    msgs = render.render_answer(answer, answer_id="a-5")
    assert len(msgs) == 3
    for m in msgs:
        assert_valid(m.blocks)
        assert len(m.blocks) <= render.BLOCK_LIMIT - 1  # room for the feedback tally
    blocks = [b for m in msgs for b in m.blocks]
    body = [b["text"]["text"] for b in blocks[:4] if b["type"] == "section" and not b["text"]["text"].startswith(">")]
    assert len(body) == 4 and all(len(part) <= 3000 for part in body)
    assert " ".join(body) == render.escape(long_text).replace("FastAPI:", "*FastAPI:*", 1).strip()
    sources = [t for t in (texts([b])[0] for b in blocks if b["type"] == "context") if t.startswith("[")]
    assert [s.split("]")[0] for s in sources] == [f"[{n}" for n in range(1, 51)]
    # the buttons once, on the last message; the continuation says so
    assert [b.get("block_id") for b in blocks].count(render.ACTIONS_BLOCK) == 1
    assert msgs[-1].blocks[-1]["block_id"] == render.ACTIONS_BLOCK
    assert msgs[1].text == "(continued, part 2 of 3)"
    assert len(msgs[0].text) <= render.FALLBACK_LIMIT


def test_split_text_prefers_line_breaks_and_never_cuts_an_entity() -> None:
    assert render.split_text("a\nb", 3000) == ["a\nb"]
    parts = render.split_text("x" * 2000 + "\n" + "y" * 2000)
    assert parts == ["x" * 2000, "y" * 2000]
    hard = render.split_text("&amp;" * 1000)  # no spaces at all: a hard cut, but between entities
    assert all(len(p) <= 3000 for p in hard) and "".join(hard) == "&amp;" * 1000
    assert all(re.fullmatch(r"(&amp;)+", p) for p in hard)


def test_plain_question_reads_slack_markup() -> None:
    text = "<@UBOT> does <https://fastapi.tiangolo.com|FastAPI> beat <#C1|general> &amp; <@U2|bob> at &lt;async&gt;? <!here>"
    assert render.plain_question(text, "UBOT") == "does FastAPI beat #general & @bob at <async>?"
    assert render.plain_question("<@UBOT>", "UBOT") == ""


def test_feedback_tally_goes_under_the_buttons_and_replaces_the_last() -> None:
    [msg] = render.render_answer(make_answer(), answer_id="a-6")
    once = render.with_feedback_tally(msg.blocks, "U1", 1, 1, 0)
    assert once[-1]["block_id"] == render.TALLY_BLOCK and once[-2]["block_id"] == render.ACTIONS_BLOCK
    assert once[-1]["elements"][0]["text"] == "👍 Thanks, <@U1>: feedback recorded. 👍 1 · 👎 0"
    twice = render.with_feedback_tally(once, "U2", -1, 1, 1)
    assert len(twice) == len(once)
    assert twice[-1]["elements"][0]["text"] == "👎 Thanks, <@U2>: feedback recorded. 👍 1 · 👎 1"


def test_code_blocks_are_never_cut_open_and_long_ones_are_fenced_again() -> None:
    code = "```\n" + "\n".join(f"    line_{i} = {i}  # indented" for i in range(200)) + "\n```"
    pieces = render.split_mrkdwn("Intro sentence.\n" + code + "\nAfter it.")
    assert len(pieces) >= 3 and all(len(p) <= render.SECTION_LIMIT for p in pieces)
    for piece in pieces:
        assert piece.count("```") % 2 == 0, piece[:80]  # every piece closes what it opens
    lines = [line for p in pieces for line in p.split("\n") if line.startswith("    line_")]
    assert lines == [f"    line_{i} = {i}  # indented" for i in range(200)]  # whole, in order, indented


# -- real answers over a documentation corpus of raw Markdown (tests/conftest.py READABLE_DOCS) -------------------
def everything(answer: Answer) -> str:
    [msg] = render.render_answer(answer, answer_id="a-r")
    assert_valid(msg.blocks)
    return "\n".join(texts(msg.blocks))


def test_real_answers_read_well_in_block_kit(readable_engine: Any) -> None:
    row = everything(readable_engine.ask("Does Hornet have asynchronous support?"))
    assert "Asynchronous support: Mosquito Yes · Hornet No [1]" in row
    assert "> Asynchronous support: Mosquito Yes · Hornet No" in row and "| Yes |" not in row

    links = everything(readable_engine.ask("How do I add a background task?"))
    assert "<https://docs.example.org/reference/signals/|Signals page>" in links
    assert "<https://asgi.readthedocs.io/en/latest/|official ASGI spec>" in links
    assert "`tasks.add_task()`" in links and "the ASGI server" in links
    assert "&lt;abbr" not in links and "](" not in links and "{ #" not in links

    answer = readable_engine.ask("How does the welcome email example notify a user?")
    [msg] = render.render_answer(answer)
    sections = [b["text"]["text"] for b in msg.blocks if b["type"] == "section"]
    block = next(s for s in sections if "def notify(user):" in s)
    assert ('```\ndef notify(user):\n    if user.email:\n        send_mail(user.email, "Welcome")\n'
            "    return True\n```") in block
    assert "".join(sections).count("def notify(user):") == 1  # the source points at it, no second copy
    assert any("(the code block above)" in s for s in sections)

    spanish = everything(readable_engine.ask("¿Cómo agrego una tarea en segundo plano?"))
    assert "does not seem to be written in the language of the corpus" in spanish


def test_disagreements_and_cells_read_well_in_block_kit(markup_engine: Any) -> None:
    """Documentation Markdown in what sources disagree on and in comparison cells: links as <url|text>, code
    in backticks, HTML reduced to its text; a corpus's bracketed number as written, never escaped."""
    conflict = everything(markup_engine.ask("How many reads per second does Ibex KV serve?"))
    box = conflict[conflict.index(":warning: *Sources disagree*"):]
    assert "<https://ibex.example.org/tools/kvbench/|the `kvbench` tool>" in box
    assert "Throughput (reads per second): ~55k with `mmap`" in box
    assert "&lt;abbr" not in conflict and "](" not in conflict

    cells = everything(markup_engine.ask("Compare Ibex KV and Marten Store replication"))
    side = cells[cells.index("*Side by side*"):]
    assert "Ibex KV: <https://ibex.example.org/replication/|Built in>, to followers [1]" in side
    assert "Marten Store: None [1]" in side and "&lt;abbr" not in cells

    batch = everything(markup_engine.ask("How does Ibex KV answer a batch read?"))
    assert "keys[0]" in batch and "keys[5]" in batch and "\\[" not in batch


def test_escaped_corpus_brackets_and_display_values_in_constructed_answers() -> None:
    """Headings, claims and cells are display text: a corpus's escaped bracket shows as written, a display
    value's link and code as mrkdwn; an answer stored before display fields shows its raw words, escaped."""
    heading = "Items\\[0] — sources disagree, newest first:"
    answer = make_answer(
        Section("disagreement", "Items[0]", heading, f"{heading} `items[0]` is the head [1]; it is \\[1] [2].", (1, 2)),
        conflicts=(Conflict("Items[0]", (ConflictClaim("`items[0]` is the head", 1, display="`items[0]` is the head"),
                                         ConflictClaim("it is <b>[1]</b>", 2))),),
        comparison=Comparison(("Flask", "FastAPI"), (ComparisonRow(
            "Async", {"Flask": [1], "FastAPI": [2]}, {"Flask": ["[views](https://a.example/v)"], "FastAPI": ["x[2]"]},
            {"Flask": ["[views](https://a.example/v)"]}),)),
    )
    shown = "\n".join(texts(render.answer_blocks(answer)))
    assert "*Items[0] — sources disagree, newest first:*" in shown and "it is [1] [2]." in shown
    assert "• [1] `items[0]` is the head" in shown and "• [2] it is &lt;b&gt;[1]&lt;/b&gt;" in shown
    assert "Flask: <https://a.example/v|views> [1]" in shown
    assert "FastAPI: x[2] [2]" in shown and "\\[" not in shown
