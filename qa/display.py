"""The display form of corpus text: what a person reads beside the verbatim quote.

Quotes are verbatim Markdown (or reStructuredText, or plain text), so they may hold link syntax, HTML tags,
emphasis marks and heading ids. Their display form is a small, fixed subset of Markdown that every adapter
renders the same way:

- inline code as ```code``` (backticks, the fence longer than any run inside);
- links as ``[text](url)``, only with an absolute http(s) url; any other link (and an autolink, ``<url>``)
  is its text;
- fenced code blocks (```` ``` ````), whole, indentation kept; a reStructuredText code block (``.. code-block::``
  and its indented lines, or a literal block) fenced the same way, its options dropped, dedented;
- reStructuredText's inline markup as a Sphinx page shows it: a role as its text (``:class:`~app.Flask```
  as code ``Flask``, ``:doc:`the tutorial <tutorial/index>``` as "the tutorial"), a hyperlink reference as a
  link or its text, an escaped space gone, a paragraph's closing ``::`` as ``:``;
- everything else plain text: HTML tags (of real elements: '<feature Y>' is words) reduced to their text,
  emphasis marks dropped, entities decoded, soft line breaks joined, the lines that open and close an
  extension's admonition (``/// tip``, ``!!! note``) and those that include a file at site build
  (``{* app.py hl[6] *}``) dropped; a bracketed number of the corpus's own ("hl[6]", "items[0]") escaped as
  ``\\[6]`` so that it never reads as an answer's ``[n]`` citation marker (:func:`markers`).

Markdown is parsed with markdown-it-py (CommonMark), not with regular expressions.
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from qa.aspects import row_cells, simple_cells
from qa.chunking import HTML_TAG, MARKUP_LINE, OPTION_LINE

# A link's target: given the href as written, the absolute http(s) url it opens, or None (text only).
Resolver = Callable[[str], str | None]

_MD = MarkdownIt("commonmark")
# A heading's attribute list, as Python-Markdown (attr_list) and MkDocs write it: "Tasks { #tasks }".
_HEADING_ATTRS = re.compile(r"\s*\{\s*[#.:][^{}]*\}\s*$")
_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")
_FENCES = re.compile(r"(?m)^[ \t]*(`{3,}|~{3,})[^\n]*$")
# In display text: a code span, a link with an absolute http(s) url (what `display` itself writes), a
# corpus's bracketed number (escaped) or an answer's citation marker.
_DISPLAY_TOKEN = re.compile(r"(`+)(.+?)\1|\[([^\]\n]+)\]\((https?://[^)\s]+)\)|\\\[(\d+)\]|\[(\d+)\]")
# A bracket of corpus text that would read as a citation marker: escaped in display text.
_MARKER_LIKE = re.compile(r"\[(?=\d+\])")
# A figure a scraped page glued to the word after it ('68300Winner', a badge beside a table cell).
_GLUED_FIGURE = re.compile(r"(?<=\d{3})(?=[A-Z][a-z]{2,}\b)")
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".rst")
# reStructuredText inline markup: a role (':class:`~app.Flask`', ':doc:`text <target>`'), a hyperlink reference
# ('`Flask <https://x>`_', '`Django Reinhardt`_'), an escaped space ('``TypedDict``\\ s'), a closing '::'.
_RST_ROLE = re.compile(r"(?<![\w`]):(?:[\w-]+:)?([\w-]+):`([^`\n]+)`")
_RST_LINK = re.compile(r"(?<![\w`])`([^`<\n]*?)\s*<([^<>`\s]+)>`__?(?!\w)")
_RST_REF = re.compile(r"(?<![\w`])`([^`\n]+)`__?(?!\w)")
_RST_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)  # a role's 'text <target>'
_RST_LITERAL_END = re.compile(r"(\s?)::[ \t]*$", re.M)
_RST_CODE = re.compile(r"^[ \t]*\.\.[ \t]+(?:[\w-]+:)?[\w-]+::[ \t]*(\S*)")
# Roles that name code ('class', 'func', 'py:meth'): shown as code; any other ('doc', 'ref', 'term') as text.
CODE_ROLES = frozenset({"class", "func", "meth", "mod", "attr", "exc", "obj", "data", "const", "code", "envvar",
                        "option", "file", "samp", "command", "program", "type", "paramref"})


def _rst_role(m: re.Match[str]) -> str:
    role, content = m.group(1), m.group(2).strip()
    if titled := _RST_TITLED.match(content):
        text = titled.group(1) or titled.group(2)
    else:
        text = content.lstrip("!")
        if text.startswith("~"):
            text = text[1:].rsplit(".", 1)[-1]
    return _code_span(text) if role in CODE_ROLES else text


def rst_inline(text: str) -> str:
    """reStructuredText's inline markup in ``text`` as the Markdown a page would show: roles, hyperlink
    references, escaped spaces, a closing '::'. Text without them is returned as it is."""
    if "`" in text:
        text = _RST_ROLE.sub(_rst_role, text)
        text = _RST_LINK.sub(lambda m: f"[{m.group(1) or m.group(2)}]({m.group(2)})", text)
        text = _RST_REF.sub(lambda m: m.group(1), text)
    if "\\ " in text:
        text = text.replace("\\ ", "")
    if "::" in text:
        text = _RST_LITERAL_END.sub(lambda m: "" if m.group(1) else ":", text)
    return text


def _http(url: str) -> str | None:
    return url if url.lower().startswith(("http://", "https://")) else None


def _longest_backticks(text: str) -> int:
    """The longest run of backticks in ``text``: a fence around it must be longer."""
    return max((len(m) for m in re.findall(r"`+", text)), default=0)


def _code_span(content: str) -> str:
    """``content`` as a Markdown code span: a fence of one backtick more than its longest run of them."""
    fence = "`" * (_longest_backticks(content) + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _render(tokens: Sequence[Token], resolve: Resolver | None, *, links: bool) -> str:
    out: list[str] = []
    stack: list[tuple[int, str | None]] = []  # open links: where their text starts, their url
    for tok in tokens:
        kind = tok.type
        if kind == "text":
            out.append(escape_markers(tok.content) if links else tok.content)
        elif kind == "code_inline":
            out.append(_code_span(tok.content) if links else tok.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "image":
            out.append(tok.content)  # the alt text
        elif kind == "link_open":
            href = str(tok.attrs.get("href") or "")
            url = (_http(href) or (resolve(href) if resolve else None)) if links else None
            if tok.markup == "autolink":
                url = None  # '<http://x|label>' is Slack's link syntax in disguise: text, never a link
            stack.append((len(out), url))
        elif kind == "link_close" and stack:
            at, url = stack.pop()
            text = "".join(out[at:])
            if url and text.strip() and not text.strip().isdigit():  # "[1](...)" would read as a citation
                out[at:] = [f"[{text}]({url})"]
        elif kind == "html_inline" and not HTML_TAG.match(tok.content):
            out.append(tok.content)  # '<Framework X>' in a reStructuredText FAQ's heading: words, no tag
        # HTML tags, emphasis and strong marks: dropped, their text stays.
    return "".join(out)


@lru_cache(maxsize=4096)
def _inline_tokens(text: str) -> tuple[Token, ...]:
    parsed = _MD.parseInline(rst_inline(text))
    return tuple(parsed[0].children or ()) if parsed else ()


def inline(text: str, resolve: Resolver | None = None) -> str:
    """One line's worth of Markdown (a sentence, a list item, a table cell, a heading) in display form."""
    return _GLUED_FIGURE.sub(" ", _squeeze(_render(_inline_tokens(text), resolve, links=True)))


def plain(text: str) -> str:
    """``text`` as a page shows it, without any mark: code spans' and links' text only, code blocks
    without their fences. What a URL text fragment has to match."""
    out = []
    for part in split_code(text):
        if part.code:
            out.append(part.body)
        else:
            cells = row_plain_cells(part.body)
            out.append(" ".join(cells) if cells is not None else _plain_inline(part.body))
    return "\n".join(x for x in out if x)


def display(text: str, resolve: Resolver | None = None) -> str:
    """Text that may hold fenced code blocks in display form: prose through :func:`inline`, each code
    block whole and fenced (a block the text cuts short gets its closing fence)."""
    out = []
    for part in split_code(text):
        if part.code:
            out.append(f"{part.fence}{part.info}\n{part.body}\n{part.fence}" if part.body else f"{part.fence}{part.info}\n{part.fence}")
        elif prose := "\n".join(line for line in part.body.split("\n") if not MARKUP_LINE.match(line)).strip():
            out.append(inline(prose, resolve))
    return "\n".join(out)


def code_display(text: str, resolve: Resolver | None = None, *, rst: bool = False) -> str:
    """A code unit in display form: fenced blocks as :func:`display` shows them; a reStructuredText one
    (``rst``: a '.. code-block:: python' with its options and indented lines, or a literal block) fenced, its
    language the info string, options dropped, dedented."""
    if not rst:
        return display(text, resolve)
    lines = text.split("\n")
    info = ""
    if m := _RST_CODE.match(lines[0]):
        info, lines = m.group(1), lines[1:]
        while lines and OPTION_LINE.match(lines[0]):
            lines = lines[1:]
    body = textwrap.dedent("\n".join(lines)).strip("\n")
    fence = "`" * max(3, _longest_backticks(body) + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def _squeeze(text: str) -> str:
    return " ".join(text.split())


class Part:
    """A piece of text: prose, or a fenced code block (its fence, info string and body lines)."""

    __slots__ = ("body", "code", "fence", "info")

    def __init__(self, body: str, code: bool = False, fence: str = "```", info: str = "") -> None:
        self.body, self.code, self.fence, self.info = body, code, fence, info


def split_code(text: str) -> list[Part]:
    """``text`` as prose and fenced code blocks, in order. A block without its closing fence ends the text."""
    parts: list[Part] = []
    prose: list[str] = []
    code: list[str] | None = None
    fence, info = "```", ""
    for line in text.split("\n"):
        m = _FENCE_LINE.match(line)
        if code is None:
            if m:
                if prose:
                    parts.append(Part("\n".join(prose)))
                    prose = []
                fence, info, code = m.group(1), line[m.end():].strip(), []
            else:
                prose.append(line)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
            parts.append(Part("\n".join(code), True, fence, info))
            code = None
        else:
            code.append(line)
    if code is not None:
        parts.append(Part("\n".join(code), True, fence, info))
    if prose:
        parts.append(Part("\n".join(prose)))
    return parts


def code_block_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole fenced code block ``text[start:end]`` lies in (a part of a block the chunker split for
    length), or ``(start, end)`` when it lies in none. Fences pair as the chunker pairs them."""
    opened: int | None = None
    fence = ""
    for m in _FENCES.finditer(text):
        if opened is None:
            if m.start() > start:
                break
            opened, fence = m.start(), m.group(1)[:3]
        elif m.group(1).startswith(fence):
            if m.end() >= end:
                return opened, m.end()
            opened = None
    return (opened, len(text)) if opened is not None else (start, end)


def clean_heading(heading: str) -> str:
    """A heading as people read it, plain text: its attribute list ('{ #background-tasks }') and Markdown
    marks gone."""
    return _plain_inline(_HEADING_ATTRS.sub("", heading))


def section_path(title: str, section: Iterable[str]) -> str | None:
    """A section path for display: headings cleaned, the article's own title not repeated at its start."""
    heads = [h for h in (clean_heading(s) for s in section) if h]
    if heads and heads[0].casefold() == clean_heading(title).casefold():
        heads = heads[1:]
    return " > ".join(heads) or None


def topic_label(heading: str, title: str) -> str:
    """A section as a nearest topic: 'Background Tasks (Tutorial - User Guide)'."""
    return f"{clean_heading(heading)} ({clean_heading(title)})"


def link_resolver(doc_id: str, url: str | None, docs: Callable[[str], str | None]) -> Resolver:
    """Resolves a document's relative links: to the url of the corpus document the link names (by its path,
    suffix dropped: '../tutorial/cors.md' from 'advanced/middleware' is 'tutorial/cors'), else against the
    document's own url. ``docs`` gives a doc_id's url (None when it has none or is not in the corpus)."""

    def resolve(href: str) -> str | None:
        if not href or href.startswith("#") or ":" in href.split("/", 1)[0]:
            return None  # an anchor in the page, or another scheme (mailto:, javascript:)
        path, _, fragment = href.partition("#")
        if path and not path.startswith("/"):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(doc_id), path))
            for suffix in DOCUMENT_SUFFIXES:
                if target.endswith(suffix):
                    target = target[: -len(suffix)]
                    break
            if (found := docs(target.rstrip("/")) or docs(posixpath.join(target, "index"))) is not None:
                return found + (f"#{fragment}" if fragment else "")
        if url:
            from urllib.parse import urljoin

            return _http(urljoin(url, href))
        return None

    return resolve


def table_row(header: str | None, row: str, resolve: Resolver | None = None,
              only: Callable[[str], bool] | None = None) -> str:
    """A table row in display form with its header folded in: '| Async | Yes | No |' under
    '| Feature | FastAPI | Flask |' -> 'Async: FastAPI Yes · Flask No'; with ``only``, the cells whose header it
    takes (all when it takes none), without the label."""
    label, cells = row_cells(header, row)
    if not cells:  # a table without a header: its cells one after the other
        spans = simple_cells(header, row) if header else None
        texts = [row[a:b] for a, b in spans if b > a] if spans is not None else _cells(row)
        return " · ".join(inline(c, resolve) for c in texts)
    if only is not None:
        cells = {head: span for head, span in cells.items() if only(head)} or cells
    said = [f"{inline(head, resolve)} {inline(row[a:b], resolve) or '—'}".strip() for head, (a, b) in cells.items()]
    return " · ".join(said) if only is not None else f"{inline(label, resolve)}: " + " · ".join(said)


def row_plain_cells(text: str) -> list[str] | None:
    """The cells of a table row as plain text (as a page's table shows them); None when ``text`` is no row."""
    body = text.strip()
    if not (body.startswith("|") and body.endswith("|") and len(body) > 1 and "\n" not in body):
        return None
    return [_plain_inline(c) for c in _cells(body)]


def _plain_inline(text: str) -> str:
    return _squeeze(_render(_inline_tokens(text), None, links=False))


def _cells(row: str) -> list[str]:
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    return [c for c in cells if c]


def runs(text: str) -> list[tuple[str, str, str | None]]:
    """Display text (no code blocks) as runs for an adapter to lay out: ``("text", s, None)``,
    ``("code", s, None)``, ``("link", text, url)`` or, in an answer's text, ``("cite", "3", None)`` for a
    ``[3]`` citation marker. A corpus's escaped bracket (``\\[6]``) is the text ``[6]``; adjacent text runs
    are joined."""
    out: list[tuple[str, str, str | None]] = []

    def add(kind: str, value: str, url: str | None = None) -> None:
        if kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + value, None)
        elif value or kind != "text":
            out.append((kind, value, url))

    last = 0
    for m in _DISPLAY_TOKEN.finditer(text):
        add("text", text[last : m.start()])
        if m.group(1):
            add("code", m.group(2).strip() if m.group(1) != "`" else m.group(2))
        elif m.group(3):
            add("link", m.group(3), m.group(4))
        elif m.group(5):
            add("text", f"[{m.group(5)}]")
        else:
            add("cite", m.group(6))
        last = m.end()
    add("text", text[last:])
    return out


def escape_markers(text: str) -> str:
    """Plain text in display text: a bracketed number that would read as a citation marker escaped."""
    return _MARKER_LIKE.sub(r"\\[", text)


def markers(text: str) -> list[int]:
    """The citation numbers of an answer text's ``[n]`` markers, in order: not in code (spans or fenced
    blocks), not a corpus's own bracketed number (escaped in display text)."""
    return [int(value) for part in split_code(text) if not part.code
            for kind, value, _ in runs(part.body) if kind == "cite"]


def shorten(text: str, limit: int) -> str:
    """Display text (no code blocks) cut to about ``limit`` words, never inside a code span or a link's
    syntax (a link keeps its first words as its text), "…" when cut; trailing punctuation dropped, as a
    short value ends without it."""
    out: list[str] = []
    left = limit
    for kind, value, url in runs(text):
        n = len(value.split())
        if n <= left or kind == "cite":
            out.append(_run_text(kind, value, url))
            left -= n if kind != "cite" else 0
            continue
        if kind == "link" and left > 0:
            out.append(_run_text(kind, " ".join(value.split()[:left]), url))
        elif kind == "text" and left > 0:
            lead = " " if value[:1].isspace() else ""
            out.append(_run_text(kind, lead + " ".join(value.split()[:left]), url))
        return "".join(out).rstrip(" .,;:") + "…"
    return "".join(out).rstrip(" .,;:")


def _run_text(kind: str, value: str, url: str | None) -> str:
    """A run back in display text."""
    if kind == "code":
        return _code_span(value)
    if kind == "link":
        return f"[{value}]({url})"
    if kind == "cite":
        return f"[{value}]"
    return escape_markers(value)
