"""Answers as Slack messages: pure functions from ``Answer`` to Block Kit blocks plus a plain-text fallback.

Every piece of text that comes from a user or from the corpus goes through ``escape`` (``&``, ``<``, ``>``) and
sits in a ``verbatim`` mrkdwn object, so corpus text cannot ping ``@channel`` or forge a ``<url|label>`` link.
Slack's limits are kept here: 3000 characters a section, 50 blocks a message (longer answers become several
messages, the buttons on the last one).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from qa.answer import NO_QUESTION, NOT_COVERED, NOTHING_MORE, Answer, Citation, Section
from qa.display import runs, split_code

SECTION_LIMIT = 3000  # characters of text in a section block (and in a context element)
BLOCK_LIMIT = 50  # blocks in one message
FALLBACK_LIMIT = 3000  # the notification text; Slack truncates message text at 40,000

ACTIONS_BLOCK = "qa_actions"
TALLY_BLOCK = "qa_feedback_tally"
SHARE_ACTION = "qa_share"
FEEDBACK_UP = "qa_feedback_up"
FEEDBACK_DOWN = "qa_feedback_down"

Block = dict[str, Any]

HELP_TEXT = (
    "I answer questions about the articles in my corpus (Flask, FastAPI and friends) with verbatim, cited excerpts.\n"
    "• Mention me with a question: `@compare-qa Does Flask support async?`\n"
    "• Or send me a direct message.\n"
    "• Follow up in the same thread (`and FastAPI?`): the thread is the conversation.\n"
    "• `/compare Flask vs FastAPI for validation` answers privately, with a button to share the answer.\n"
    "• 👍 / 👎 under an answer tells the maintainers what the corpus is missing."
)


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One ``chat.postMessage`` worth: the notification ``text`` and the ``blocks``."""

    text: str
    blocks: list[Block]


# -- text -----------------------------------------------------------------------------------------------------
def escape(text: str) -> str:
    """Slack's three control characters as entities; nothing else is touched."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def plain_question(text: str, bot_user_id: str | None = None) -> str:
    """The question in a Slack message as plain text: mentions of the bot dropped, ``<url|label>`` -> label,
    ``<#C1|general>`` -> ``#general``, ``<!here>`` dropped, other users kept as ``@U123``, entities decoded."""

    def token(m: re.Match[str]) -> str:
        inner = m.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "" if bot_user_id and target[1:] == bot_user_id else (f"@{label}" if label else target)
        if target.startswith("#"):
            return f"#{label}" if label else target
        if target.startswith("!"):
            return ""
        return label or target

    return html.unescape(" ".join(_SLACK_TOKEN.sub(token, text or "").split()))


def _link(url: str | None, label: str) -> str:
    """``<url|label>`` for http(s) URLs (``label`` already escaped); the bare label otherwise."""
    if not url or len(url) > 2000:
        return label
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return label
    if scheme not in ("http", "https"):
        return label
    # ``|`` and ``>`` would end the link early, ``<`` and whitespace break it: percent-encode them.
    safe = "".join({"|": "%7C", "<": "%3C", ">": "%3E"}.get(ch, "%20" if ch.isspace() else ch) for ch in url)
    return f"<{safe.replace('&', '&amp;')}|{label}>"


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:  # never leave half an entity behind
        cut = cut[:amp]
    return cut.rstrip() + "…"


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a line break, else a sentence end or space, else hard
    (never inside an ``&amp;`` entity)."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            cut = cut + 1 if cut >= limit // 2 else window.rfind(" ")
        if cut <= 0:
            cut = limit
            amp = rest.rfind("&", max(0, cut - 8), cut)
            if amp > 0 and ";" not in rest[amp:cut]:
                cut = amp
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip(" \n")
        if head:
            pieces.append(head)
    if rest.strip() or not pieces:
        pieces.append(rest.rstrip() or rest)
    return pieces


def rich(text: str) -> str:
    """Display text (``qa.display``: code spans, http(s) links, fenced code blocks, ``[n]`` markers) in mrkdwn,
    escaped: a code span in backticks, a link as ``<url|text>``, a code block as a ```` ``` ```` block on lines
    of its own with its indentation kept (Slack shows no language), a corpus's escaped bracket as a bracket."""
    out = []
    for part in split_code(text):
        if part.code:
            out.append(f"```\n{escape(part.body)}\n```")
            continue
        lines = []
        for line in part.body.split("\n"):
            pieces = []
            for kind, value, url in runs(line):
                if kind == "code":
                    pieces.append("`" + escape(value.replace("`", "'")) + "`")  # mrkdwn code spans cannot hold one
                elif kind == "link":
                    pieces.append(_link(url, escape(value)))
                elif kind == "cite":
                    pieces.append(f"[{value}]")
                else:
                    pieces.append(escape(value))
            lines.append("".join(pieces))
        out.append("\n".join(lines))
    return "\n".join(out)


_CODE_BLOCK = re.compile(r"(?ms)^```\n.*?\n```$")


def split_mrkdwn(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters that never cut a code block open: a block too long for one piece
    is cut between its lines into blocks each fenced again; prose is cut as :func:`split_text` cuts it. Pieces
    are packed back together while they fit."""
    pieces: list[str] = []
    last = 0
    for m in _CODE_BLOCK.finditer(text):
        pieces += split_text(text[last : m.start()].strip("\n"), limit) if text[last : m.start()].strip() else []
        pieces += _split_code(m.group(0)[4:-4], limit)
        last = m.end()
    if text[last:].strip() or not pieces:
        pieces += split_text(text[last:].strip("\n"), limit)
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= limit:
            packed[-1] += "\n" + piece
        else:
            packed.append(piece)
    return packed


def _split_code(body: str, limit: int) -> list[str]:
    room = limit - len("```\n\n```")
    blocks: list[str] = []
    cur: list[str] = []
    size = 0
    for line in body.split("\n"):
        while len(line) > room:  # a line longer than a block: cut, never inside an entity
            cut = room
            amp = line.rfind("&", max(0, cut - 8), cut)
            if amp > 0 and ";" not in line[amp:cut]:
                cut = amp
            if cur:
                blocks.append("\n".join(cur))
                cur, size = [], 0
            blocks.append(line[:cut])
            line = line[cut:]
        if cur and size + 1 + len(line) > room:
            blocks.append("\n".join(cur))
            cur, size = [], 0
        cur.append(line)
        size += len(line) + (1 if size else 0)
    if cur:
        blocks.append("\n".join(cur))
    return [f"```\n{b}\n```" for b in blocks]


# -- blocks ---------------------------------------------------------------------------------------------------
def _mrkdwn(text: str) -> Block:
    # verbatim: Slack does not auto-link names, channels or URLs in it, so "@channel" stays text.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _sections(text: str) -> list[Block]:
    return [{"type": "section", "text": _mrkdwn(part)} for part in split_mrkdwn(text) if part.strip()]


def _context(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [_mrkdwn(_truncate(text, SECTION_LIMIT))]}
    if block_id:
        block["block_id"] = block_id
    return block


def _quote(c: Citation, body: str) -> list[Block]:
    """A source's excerpt as people read it (its display form): prose as a quote, a code block as a code
    block, or a pointer to it when the answer above shows it whole."""
    out = []
    for part in split_code(c.display or c.quote):
        if not part.code:
            out += [f"> {line}" for line in rich(part.body).splitlines() if line.strip()]
        elif part.body and escape(part.body) in body:
            out.append("> _(the code block above)_")
        else:
            out.append(rich(f"```\n{part.body}\n```"))
    return _sections("\n".join(out or ["> "]))


def _section_text(section: Section) -> str:
    """A section in mrkdwn, escaped, its heading in bold: ``*Flask:* ...``; a comparison row as
    ``*Aspect* — *Flask:* ...; *FastAPI:* ...``."""
    if section.parts:
        return f"*{rich(section.heading)}* — " + "; ".join(_section_text(p) for p in section.parts)
    if section.heading:
        return f"*{rich(section.heading)}*{rich(section.text[len(section.heading):])}"
    return rich(section.text)


def _answer_body(answer: Answer) -> str:
    """The answer in mrkdwn from its sections (an answer stored before it had sections: its text as is)."""
    if not answer.sections:
        return rich(answer.answer)
    return "\n".join(_section_text(s) for s in answer.sections)


def _source_line(c: Citation) -> str:
    title = escape(_truncate(" ".join(c.title.split()) or c.doc_id, 200))
    meta = " — " + ", ".join(escape(x) for x in (c.publisher, c.published or "undated") if x)
    flag = " · _possibly outdated_" if c.outdated else ""
    return f"[{c.n}] {_link(c.link or c.url, title)}{meta}{flag}"


def _comparison(answer: Answer) -> list[Block]:
    comp = answer.comparison
    if comp is None or not comp.rows:
        return []
    lines = ["*Side by side*"]
    for row in comp.rows:
        cells = [f"{escape(subject)}: {rich(row.cell(subject))}" for subject in comp.subjects]
        lines.append(f"• *{escape(row.aspect)}*: " + " · ".join(cells))
    return _sections("\n".join(lines))


def _conflicts(answer: Answer) -> list[Block]:
    if not answer.conflicts:
        return []
    by_n = {c.n: c for c in answer.citations}
    lines = [":warning: *Sources disagree*"]
    for conflict in answer.conflicts:
        lines.append(f"*{escape(conflict.topic)}*")
        for claim in conflict.claims:
            cit = by_n.get(claim.citation)
            who = (cit.publisher or cit.title) if cit else None
            when = claim.published or (cit.published if cit else None) or "undated"
            source = f" ({escape(who)}, {escape(when)})" if who else f" ({escape(when)})"
            said = rich(claim.display) if claim.display else escape(claim.text)
            lines.append(f"• [{claim.citation}] {said}{source}")
    return _sections("\n".join(lines))


def _headline(answer: Answer) -> str:
    """What an answer that cites nothing says first: the corpus does not cover the question, says nothing more
    on it, or there was no question ("thanks!")."""
    said = " ".join(answer.answer.split())
    return next((h for h in (NOTHING_MORE, NO_QUESTION) if said.startswith(h)), NOT_COVERED)


def _abstention(answer: Answer) -> list[Block]:
    headline = _headline(answer)
    lines = [f":grey_question: *{headline}*"]
    missing = [s for s in answer.sections if s.kind == "not_covered" and s.label]
    rest = " ".join(answer.answer.split())[len(headline):].strip()
    if missing:  # the question names something the corpus has nothing on: the answer says what
        lines.append(escape(missing[0].text))
    elif headline == NO_QUESTION and rest:  # what the corpus can be asked about
        lines.append(escape(rest))
    elif answer.suggestions:
        lines.append("Nearest topics it does cover:")
        lines.extend(f"• {escape(s)}" for s in answer.suggestions)
    return _sections("\n".join(lines))


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _actions(answer_id: str, share: bool) -> Block:
    elements = [_button("Share in channel", SHARE_ACTION, answer_id, "primary")] if share else []
    elements += [_button("👍 Helpful", FEEDBACK_UP, answer_id), _button("👎 Not helpful", FEEDBACK_DOWN, answer_id)]
    return {"type": "actions", "block_id": ACTIONS_BLOCK, "elements": elements}


def fallback_text(answer: Answer) -> str:
    """The notification text: the answer (escaped, so it cannot ping anyone either), cut to a sensible length."""
    text = _headline(answer) if answer.abstained else " ".join(answer.answer.split())
    return _truncate(escape(text), FALLBACK_LIMIT)


def answer_blocks(answer: Answer, *, answer_id: str | None = None, share: bool = False,
                  asked_by: str | None = None, shared_by: str | None = None) -> list[Block]:
    """All blocks of an answer, in order, before splitting into messages."""
    blocks: list[Block] = []
    if asked_by:
        who = f"<@{escape(asked_by)}>"
        extra = f" · shared by <@{escape(shared_by)}>" if shared_by and shared_by != asked_by else ""
        blocks.append(_context(f"{who} asked: _{escape(answer.question)}_{extra}"))
    if " ".join(answer.resolved_question.split()) != " ".join(answer.question.split()):
        blocks.append(_context(f"Understood as: _{escape(answer.resolved_question)}_"))
    blocks += [_context(f":information_source: {escape(n)}") for n in answer.notices]
    body = ""
    if answer.abstained:
        blocks += _abstention(answer)
    else:
        body = _answer_body(answer)
        blocks += _sections(body)
        blocks += _comparison(answer)
        blocks += _conflicts(answer)
    for c in answer.citations:
        blocks.append(_context(_source_line(c)))
        blocks += _quote(c, body)
    if not answer.abstained:
        n = len(answer.citations)
        blocks.append(_context(f"Confidence {answer.confidence:.2f} · {n} cited excerpt{'s' if n != 1 else ''}"))
    if answer_id:
        blocks.append(_actions(answer_id, share))
    return blocks


def paginate(blocks: Sequence[Block], text: str, limit: int = BLOCK_LIMIT) -> list[SlackMessage]:
    """Blocks cut into messages of at most ``limit`` blocks; later messages say they continue the first."""
    pages = [list(blocks[i : i + limit]) for i in range(0, len(blocks), limit)] or [[]]
    if len(pages) == 1:
        return [SlackMessage(text, pages[0])]
    return [SlackMessage(text if i == 0 else f"(continued, part {i + 1} of {len(pages)})", page)
            for i, page in enumerate(pages)]


def render_answer(answer: Answer, *, answer_id: str | None = None, share: bool = False,
                  asked_by: str | None = None, shared_by: str | None = None) -> list[SlackMessage]:
    """An answer as one Slack message, or several when it is over Slack's limits."""
    blocks = answer_blocks(answer, answer_id=answer_id, share=share, asked_by=asked_by, shared_by=shared_by)
    # One block short of the limit: the feedback tally goes under the buttons later (``with_feedback_tally``).
    return paginate(blocks, fallback_text(answer), BLOCK_LIMIT - 1)


def render_help() -> SlackMessage:
    return SlackMessage(HELP_TEXT, [{"type": "section", "text": {"type": "mrkdwn", "text": HELP_TEXT}}])


def render_notice(text: str) -> SlackMessage:
    """A one-line message to a user (an error they can act on), escaped."""
    return SlackMessage(escape(text), [{"type": "section", "text": _mrkdwn(f":information_source: {escape(text)}")}])


def with_feedback_tally(blocks: Iterable[Block], user_id: str, vote: int, ups: int, downs: int) -> list[Block]:
    """The message's blocks with a thank-you and the vote tally under the buttons (replacing an earlier one)."""
    kept = [b for b in blocks if b.get("block_id") != TALLY_BLOCK]
    emoji = "👍" if vote > 0 else "👎"
    tally = _context(f"{emoji} Thanks, <@{escape(user_id)}>: feedback recorded. 👍 {ups} · 👎 {downs}", TALLY_BLOCK)
    at = next((i + 1 for i, b in enumerate(kept) if b.get("block_id") == ACTIONS_BLOCK), len(kept))
    kept.insert(at, tally)
    return kept[:BLOCK_LIMIT]
