"""Document -> chunks and evidence units, by structure. Pure: no I/O, no model; offsets index ``doc.text``.

A chunk is what gets embedded and retrieved: consecutive blocks (paragraphs, lists, tables, code) of one
section, within the model's word-piece budget. An evidence unit is what an answer quotes: a sentence, a
list item, a table row or a whole code block, inside a chunk.

Markdown is read as written; so is reStructuredText (a Sphinx page, a Django doc), as far as its structure
goes: titles under- or overlined with punctuation (and Markdown's setext headings), directives (a
``code-block`` is code, a ``note``'s body prose, a ``toctree`` or ``literalinclude`` no evidence; the directive
line and its options are markup), comments and targets, and the literal block a paragraph's ``::`` opens.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # qa.documents reads headings through qa.display, which reads MARKUP_LINE here
    from qa.documents import Document

# Counts word-pieces of each text, without special tokens.
TokenCounter = Callable[[Sequence[str]], list[int]]

SPECIAL_TOKENS = 2  # [CLS] and [SEP]

# Possessive after the lazy title: a plain '\s*#*\s*$' tried every split of a run of spaces inside a heading line
# at every place the title might end (a line of 2,000 spaces took seconds).
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*+#*+\s*+$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LIST = re.compile(r"^(\s*)([-*+•]|\d{1,3}[.)]|#[.)])\s+")
# The line that opens or closes an admonition or block of a Markdown extension ('/// tip', '///',
# '!!! note "Title"', '??? info', a fenced div's '::: warning') or that includes a file or an API reference when
# the site is built ('{* ../src/app.py hl[6] *}', '{% include "x.md" %}', '--8<-- "x.md"', mkdocstrings'
# '::: fastapi.APIRouter'): markup, not words. No unit of evidence; dropped from display text.
MARKUP_LINE = re.compile(r"^[ \t]*(?:(?:/{3}|[!?]{3}\+?|:{3,})(?:[ \t].*)?|\{([*%]).*\1\}|-{2}8<-{2}.*)$")
_DIV_FENCE = re.compile(r"^[ \t]*:{3,}")  # a fenced div or mkdocstrings' reference: its indented options are markup
# An HTML tag (or comment) of a real element: markup to drop. Any other '<...>' is text ('<feature Y>').
_HTML_ELEMENTS = (
    r"a|abbr|b|bdi|bdo|big|blockquote|br|button|center|cite|code|col|dd|del|details|dfn|div|dl|dt|em|"
    r"figcaption|figure|font|h[1-6]|hr|i|iframe|img|input|ins|kbd|label|li|mark|ol|p|picture|pre|q|s|samp|script|"
    r"small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|th|thead|time|tr|tt|u|ul|var|video|"
    r"wbr")
HTML_TAG = re.compile(rf"<(?:!--|/?(?:{_HTML_ELEMENTS})\b)", re.I)
# A line of such tags and nothing else (a badge, '<p align="center">'): no words of the page.
_TAGS_ONLY = re.compile(rf"^\s*(?:(?:<!--.*?-->|</?(?:{_HTML_ELEMENTS})\b[^<>]*>)\s*)+$", re.I)
# A title's adornment: one punctuation character, three times or more ('=====', '~~~~', '-----').
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}[ \t]*$")
# An explicit markup line of reStructuredText: a directive ('.. note::'), a comment, a target ('.. _intro:').
_EXPLICIT = re.compile(r"^([ \t]*)\.\.(?:[ \t]+(.*))?$")
_DIRECTIVE = re.compile(r"^(?:\|[^|]+\|[ \t]+)?([A-Za-z][\w.+:-]*?)::(?:[ \t]+(.*))?$")
OPTION_LINE = re.compile(r"^[ \t]+:[^:\s][^:]*:(?:[ \t].*)?$")  # a directive's option line (':language: python')
_ANONYMOUS_TARGET = re.compile(r"^[ \t]*__[ \t]+\S+[ \t]*$")  # '__ https://...': where a '`text`__' link goes
_FILE_OPTION = re.compile(r"^:(?:orphan|tocdepth|nocomments|nosearch|hide-toc|og:[\w:-]+):(?:[ \t].*)?$")  # Sphinx's
# What marks a text as reStructuredText: an explicit markup line or an interpreted role (':class:`App`').
_RST_SIGN = re.compile(r"(?m)^\.\.[ \t]+\S|:[\w-]+:`[^`\n]+`")
CODE_DIRECTIVES = frozenset({"code", "code-block", "sourcecode", "testcode", "testoutput", "doctest", "ipython",
                             "jupyter-execute"})
LABELLED_DIRECTIVES = frozenset({"tab-item", "tab", "group-tab", "code-tab"})  # the argument labels the body
# Directives whose body is no prose: a file list, an included file or image, raw output, a CSV table, a formula,
# links to read next ('.. seealso::' and its ':doc:' list).
MARKUP_DIRECTIVES = frozenset({"toctree", "include", "literalinclude", "image", "figure", "raw", "csv-table",
                               "math", "highlight", "contents", "index", "meta", "graphviz", "mermaid", "autosummary",
                               "seealso"})
# A reStructuredText simple table's border: runs of '=' a space apart, one per column ('====== ======').
SIMPLE_TABLE_BORDER = re.compile(r"^[ \t]*=+(?:[ \t]+=+)+[ \t]*$")
_GRID_BORDER = re.compile(r"^\s*\+(?:[-=]+\+)+\s*$")  # a reStructuredText grid table's border ('+----+---+')
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|Mr|Mrs|Dr|Prof|St|No|approx|incl)\.|\b[A-Z]\.)$")
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Unit:
    """An evidence unit: ``doc.text[start:end]`` is what an answer may quote."""

    start: int
    end: int
    kind: str  # sentence | item | row | code
    context: str | None = None  # table header row, for rows


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str
    doc_id: str
    section: tuple[str, ...]
    start: int
    end: int
    text: str
    units: tuple[Unit, ...]

    def embed_text(self, title: str) -> str:
        return chunk_text(title, self.section, self.text, self.units[0].context if self.units else "")


@dataclass(frozen=True, slots=True)
class _Block:
    kind: str  # para | list | table | code
    start: int
    end: int


def embed_prefix(title: str, section: Sequence[str]) -> str:
    """Title and section path in front of a chunk's text give its embedding the context."""
    path = " > ".join(s for s in section if s)
    return f"{title}\n{path}\n" if path else f"{title}\n"


def chunk_text(title: str, section: Sequence[str], text: str, first_context: str) -> str:
    """What a chunk is embedded and read into BM25 as: its title and section path, then the context of its first
    unit where its text does not hold it (the later part of a split table still knows its columns), then its text."""
    header = first_context + "\n" if first_context and first_context not in text else ""
    return embed_prefix(title, section) + header + text


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def is_rst(text: str) -> bool:
    """Whether ``text`` is reStructuredText: it has an explicit markup line or an interpreted role."""
    return _RST_SIGN.search(text) is not None


def first_title(text: str) -> str | None:
    """What a Markdown or reStructuredText body opens with: the heading its first block stands under, else that
    block's first line (not its markup's: ':orphan:', '.. image:: logo.svg'); None when it has no block."""
    blocks = _blocks(text)
    if not blocks:
        return None
    section, block = blocks[0]
    return section[0] if section else text[block.start :].split("\n", 1)[0]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _blocks(text: str) -> list[tuple[tuple[str, ...], _Block]]:
    """Split a Markdown or reStructuredText body into (section path, block) in document order."""
    out: list[tuple[tuple[str, ...], _Block]] = []
    path: list[tuple[int, str]] = []
    spans = _lines(text)
    lines = [text[s:e] for s, e in spans]
    rst = is_rst(text)
    styles: list[tuple[str, bool]] = []  # adornment styles in order of first use: a title's level (rst's rule)
    i = 0

    def title_at(k: int) -> tuple[str, bool, int, int] | None:
        """A title starting at line ``k``: (adornment, overlined, line of its text, lines it takes)."""
        at = adornment(lines[k])
        if at and k + 2 < len(lines) and lines[k + 1].strip() and lines[k + 2].rstrip() == lines[k].rstrip():
            return at.group(1), True, k + 1, 3
        if at or k + 1 >= len(lines) or not lines[k].strip() or lines[k][:1].isspace():
            return None
        if k > 0 and lines[k - 1].strip() and not adornment(lines[k - 1]):
            return None  # a title starts a block
        under = adornment(lines[k + 1])
        if not under or kind_of(lines[k]) != "para":
            return None
        # '=' and '-' underline a title in Markdown too (setext); the others only in reStructuredText, at full
        # length ('~~~' would open a Markdown code block).
        if under.group(1) not in "=-" and not (rst and len(lines[k + 1].rstrip()) >= len(lines[k].rstrip())):
            return None
        return under.group(1), False, k, 2

    def adornment(line: str) -> re.Match[str] | None:
        """A line of one punctuation character; in Markdown not '```' or '~~~', which fence code."""
        m = _ADORNMENT.match(line)
        return m if m and (rst or m.group(1) not in "`~") else None

    def simple_table_end(k: int) -> int | None:
        """The line of the border closing the simple table whose first border is line ``k``: a header line, a
        border, rows, a border; or, without a header, rows and a border. None when no such table starts there."""
        borders = []
        j = k + 1
        while j < len(lines) and lines[j].strip() and len(borders) < 2:
            if SIMPLE_TABLE_BORDER.match(lines[j]):
                borders.append(j)
            j += 1
        if borders and borders[0] > k + 1 and (len(borders) == 1 or borders[1] > borders[0] + 1):
            return borders[-1]
        return None

    def body_end(k: int, indent: int) -> int:
        """The line after the indented body that follows line ``k`` (blank lines inside it included)."""
        j, last = k + 1, k
        while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > indent):
            if lines[j].strip():
                last = j
            j += 1
        return last + 1

    def kind_of(line: str) -> str:
        if not line.strip() or MARKUP_LINE.match(line) or _TAGS_ONLY.match(line):
            return "blank"
        if _FENCE.match(line) and not rst:
            return "code"
        if rst and (_FILE_OPTION.match(line) or _ANONYMOUS_TARGET.match(line)):
            return "blank"
        if adornment(line):
            return "blank"
        if _HEADING.match(line):
            return "heading"
        if line.lstrip().startswith("|") or _GRID_BORDER.match(line):
            return "table"
        if _LIST.match(line):
            return "list"
        return "para"

    def enter(level: int, title: str) -> None:
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, title))

    labelled: list[tuple[int, int]] = []  # per open tab ('.. tab-item:: FastAPI'): where its body ends, its depth
    while i < len(spans):
        s, e = spans[i]
        line = text[s:e]
        while labelled and i >= labelled[-1][0]:
            del path[labelled.pop()[1] :]
        if (title := title_at(i)) is not None:
            char, over, at, taken = title
            style = (char, over)
            if style not in styles:
                styles.append(style)
            enter(styles.index(style) + 1, lines[at].strip())
            i += taken
            continue
        if rst and (explicit := _EXPLICIT.match(line)):
            directive = _DIRECTIVE.match(explicit.group(2) or "")
            name = directive.group(1).lower().rpartition(":")[2] if directive else ""
            end = body_end(i, _indent(line))
            if name in CODE_DIRECTIVES and end > i + 1:  # an empty one ('.. code-block::' alone) is markup
                out.append((tuple(title for _, title in path), _Block("code", s + _indent(line), spans[end - 1][1])))
            elif directive and name not in MARKUP_DIRECTIVES:
                # The directive line and its options are markup; its body ('.. note::', '.. tab-item::') is read
                # as the rest of the page, a tab's under its label: the code of '.. tab-item:: FastAPI' is FastAPI's.
                if name in LABELLED_DIRECTIVES and (label := directive.group(2)):
                    labelled.append((end, len(path)))
                    path.append((path[-1][0] + 1 if path else 1, label.strip()))
                end = i + 1
                while end < len(lines) and OPTION_LINE.match(lines[end]):
                    end += 1
            i = end
            continue
        if rst and SIMPLE_TABLE_BORDER.match(line) and (last := simple_table_end(i)) is not None:
            out.append((tuple(title for _, title in path), _Block("table", s, spans[last][1])))
            i = last + 1
            continue
        if _DIV_FENCE.match(line):  # '::: fastapi.APIRouter' and its '    options:' (a div's body is not indented)
            i = body_end(i, _indent(line))
            continue
        kind = kind_of(line)
        if kind == "blank":
            i += 1
            continue
        if kind == "heading":
            m = _HEADING.match(line)
            assert m
            enter(len(m.group(1)), m.group(2))
            i += 1
            continue
        section = tuple(title for _, title in path)
        if kind == "code":
            fence = _FENCE.match(line).group(1)  # type: ignore[union-attr]
            j = i + 1
            while j < len(spans) and not text[spans[j][0] : spans[j][1]].lstrip().startswith(fence):
                j += 1
            j = min(j, len(spans) - 1)
            out.append((section, _Block("code", s, spans[j][1])))
            i = j + 1
            continue
        j = i
        while j + 1 < len(spans):
            nxt = text[spans[j + 1][0] : spans[j + 1][1]]
            nk = kind_of(nxt)
            if kind == "list" and (nk == "list" or (nk == "para" and nxt.startswith((" ", "\t")))):
                j += 1
            elif nk == kind and kind in ("table", "para"):
                j += 1
            else:
                break
        out.append((section, _Block(kind, s, spans[j][1])))
        i = j + 1
        if rst and kind == "para" and lines[j].rstrip().endswith("::"):
            # 'For example::' opens a literal block: the indented lines after it.
            k = i
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k < len(lines) and _indent(lines[k]) > _indent(line):
                end = body_end(k, _indent(line))
                out.append((section, _Block("code", spans[k][0] + _indent(lines[k]), spans[end - 1][1])))
                i = end
    return out


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` less the white space at its ends, as a span."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _opens_sentence(text: str) -> bool:
    """Whether ``text`` opens as a sentence does: its first letter or digit, past opening quotes, brackets and
    marks, is a capital letter."""
    first = next((c for c in text[:40] if c.isalnum()), "")
    return first.isupper()


def _in_code(head: str) -> bool:
    """Whether ``head`` ends inside an inline code span it opened ("the closest is `INSERT ..."): an odd number of
    its backticks, a reStructuredText '``' counted as one."""
    doubled = head.count("``")
    return bool((head.count("`") - 2 * doubled) % 2 or doubled % 2)


def sentence_spans(text: str, start: int, end: int, *, lines: bool = True) -> list[tuple[int, int]]:
    """Sentence boundaries inside ``text[start:end]``; a line break ends a sentence after
    terminal punctuation or a short, title-like line (so hard-wrapped prose stays whole)."""
    cuts = [start]
    segment = text[start:end]
    for m in _SENT_END.finditer(segment):
        head = segment[: m.start() + 1]
        if _ABBREV.search(head) or _in_code(head):
            continue
        cuts.append(start + m.end())
    pos = 0 if lines else len(segment)
    while (nl := segment.find("\n", pos)) >= 0:
        prev = segment[segment.rfind("\n", 0, nl) + 1 : nl].rstrip()
        # (A short line that ends a sentence inside, 'the library you use. Litestar internally uses', is wrapped
        # prose, not a title; so is one that leaves a code span or link open, 'Quart supports streaming `Server
        # Sent Events' before '<https://...>`_', or that the next line goes on from, 'only support Python' before
        # '3.11 or greater.')
        if prev and (prev[-1] in ".!?:;" or (len(prev.split()) <= 8 and not _SENT_END.search(prev)
                                             and prev.count("`") % 2 == 0 and _opens_sentence(segment[nl + 1 :]))):
            cuts.append(start + nl + 1)
        pos = nl + 1
    cuts = sorted(set(cuts)) + [end]
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        a, b = strip_span(text, a, b)
        if b > a:
            spans.append((a, b))
    return spans


def _units(text: str, block: _Block) -> list[Unit]:
    if block.kind == "code":
        return [Unit(block.start, block.end, "code")]
    if block.kind == "table":
        rows = [(s, e) for s, e in _lines_in(text, block.start, block.end) if text[s:e].strip()]
        if SIMPLE_TABLE_BORDER.match(text[rows[0][0] : rows[0][1]]):
            # A reStructuredText simple table: its header is the line above its second border, read with that
            # border (row_cells finds the columns in it), and the lines after that border but the last are rows;
            # a table of two borders has no header line, and its first border alone says where its columns are.
            # A row's columns start where the border's indent ends.
            borders = [k for k, (s, e) in enumerate(rows) if SIMPLE_TABLE_BORDER.match(text[s:e])]
            indent = len(text[rows[0][0] : rows[0][1]]) - len(text[rows[0][0] : rows[0][1]].lstrip())
            top = 1 if len(borders) > 2 else 0
            header = text[strip_span(text, *rows[borders[top] - top])[0] : rows[borders[top]][1]]
            return [Unit(s + indent, strip_span(text, s, e)[1], "row", header) for s, e in rows[borders[top] + 1 :]
                    if not SIMPLE_TABLE_BORDER.match(text[s:e]) and text[s + indent : e].strip()]
        header = None
        if len(rows) > 1 and _TABLE_SEP.match(text[rows[1][0] : rows[1][1]]):
            header = text[rows[0][0] : rows[0][1]].strip()
            rows = rows[2:]
        elif under := next((k for k, (s, e) in enumerate(rows) if text[s:e].strip().startswith("+=")), 0):
            # A grid table's header: the line above its '+====+' border.
            header = text[rows[under - 1][0] : rows[under - 1][1]].strip()
            rows = rows[under + 1 :]
        return [Unit(*strip_span(text, s, e), "row", header) for s, e in rows
                if not _TABLE_SEP.match(text[s:e]) and not _GRID_BORDER.match(text[s:e])]
    if block.kind == "list":
        units: list[Unit] = []
        items: list[tuple[int, int]] = []
        for s, e in _lines_in(text, block.start, block.end):
            m = _LIST.match(text[s:e])
            if m:
                items.append((s + m.end(), e))
            elif items:
                items[-1] = (items[-1][0], e)
        for s, e in items:
            # An item's continuation lines are wrapped text, not new sentences.
            units.extend(Unit(a, b, "item") for a, b in sentence_spans(text, s, e, lines=False))
        return units
    return [Unit(a, b, "sentence") for a, b in sentence_spans(text, block.start, block.end)]


def _lines_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + s, start + e) for s, e in _lines(text[start:end])]


def chunk_document(doc: Document, count_tokens: TokenCounter, max_tokens: int = 256) -> list[Chunk]:
    """Chunk one document. Blocks of a section are packed together while they fit; a block that does
    not fit alone is split at its units (sentences, items, rows), and a unit too long alone at words."""
    text = doc.text
    chunks: list[Chunk] = []
    grouped: list[tuple[tuple[str, ...], list[tuple[int, list[Unit]]]]] = []
    for section, block in _blocks(text):
        if not grouped or grouped[-1][0] != section:
            grouped.append((section, []))
        grouped[-1][1].append((block.start, _units(text, block)))

    for section, blocks in grouped:
        budget = max_tokens - SPECIAL_TOKENS - count_tokens([embed_prefix(doc.title, section)])[0]
        budget = max(budget, 32)
        # Each block becomes one or more "pieces" (a start and units) that fit the budget. A block's first
        # piece starts where the block does, so a table keeps its header row.
        pieces: list[tuple[int, list[Unit]]] = []
        for block_start, units in blocks:
            if not units:
                continue
            if units[0].kind != "row":
                block_start = units[0].start  # only a table's header row may lead its first unit
            n = count_tokens([text[block_start : units[-1].end]])[0]
            if n <= budget:
                pieces.append((block_start, units))
                continue
            counts = count_tokens([text[u.start : u.end] for u in units])
            # Parts of a split table carry its header row in their embedded text: leave room for it.
            ctx = units[0].context if units[0].kind == "row" else None
            part_budget = budget - (count_tokens([ctx])[0] + 1 if ctx else 0)
            cur: list[Unit] = []
            cur_n = 0
            for unit, un in zip(units, counts, strict=True):
                if un > part_budget:
                    if cur:
                        pieces.append((cur[0].start, cur))
                        cur, cur_n = [], 0
                    for sub in _split_words(text, unit, part_budget, count_tokens):
                        pieces.append((sub.start, [sub]))
                    continue
                if cur and cur_n + un + 1 > part_budget:
                    pieces.append((cur[0].start, cur))
                    cur, cur_n = [], 0
                cur.append(unit)
                cur_n += un + 1
            if cur:
                pieces.append((cur[0].start, cur))
        # Pack whole pieces into chunks.
        group: list[Unit] = []
        group_start = 0
        for piece_start, units in pieces:
            if group:
                lead = group[0]
                header = lead.context if lead.kind == "row" and lead.context and group_start == lead.start else None
                joined = count_tokens([(header + "\n" if header else "") + text[group_start : units[-1].end]])[0]
                if joined > budget:
                    chunks.append(_make_chunk(doc, section, group_start, group))
                    group = []
            if not group:
                group_start = piece_start
            group = group + units
        if group:
            chunks.append(_make_chunk(doc, section, group_start, group))
    return chunks


def _split_words(text: str, unit: Unit, budget: int, count_tokens: TokenCounter) -> list[Unit]:
    """Split one over-long unit at whitespace into parts that fit the budget."""
    words = [(m.start() + unit.start, m.end() + unit.start) for m in re.finditer(r"\S+", text[unit.start : unit.end])]
    counts = count_tokens([text[s:e] for s, e in words])
    if any(n > budget for n in counts):  # a whitespace-free run (URL, minified code): cut it by characters
        split: list[tuple[int, int]] = []
        for (s, e), n in zip(words, counts, strict=True):
            split.extend(_split_chars(text, s, e, budget, count_tokens) if n > budget else [(s, e)])
        words = split
        counts = count_tokens([text[s:e] for s, e in words])
    parts: list[Unit] = []
    first, total = 0, 0
    for i, n in enumerate(counts):
        if total and total + n > budget:
            parts.append(Unit(words[first][0], words[i - 1][1], unit.kind, unit.context))
            first, total = i, 0
        total += n
    parts.append(Unit(words[first][0], words[-1][1], unit.kind, unit.context))
    return parts


def _split_chars(text: str, start: int, end: int, budget: int, count_tokens: TokenCounter) -> list[tuple[int, int]]:
    """Halve a span until every part fits the budget."""
    if end - start <= 1 or count_tokens([text[start:end]])[0] <= budget:
        return [(start, end)]
    mid = (start + end) // 2
    return _split_chars(text, start, mid, budget, count_tokens) + _split_chars(text, mid, end, budget, count_tokens)


def _make_chunk(doc: Document, section: tuple[str, ...], start: int, units: list[Unit]) -> Chunk:
    end = units[-1].end
    body = doc.text[start:end]
    digest = hashlib.sha256(f"{doc.doc_id}\x1f{start}\x1f{body}".encode()).hexdigest()[:16]
    return Chunk(digest, doc.doc_id, section, start, end, body, tuple(units))
