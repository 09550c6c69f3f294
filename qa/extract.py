"""Sources -> article text and metadata: HTML through trafilatura (main text as Markdown: headings, lists,
tables and code kept; navigation, ads, cookie banners and footers dropped) and htmldate (published and modified
dates); PDFs through pypdf, which kept two-column text in reading order where pdfplumber interleaved the columns
(docs/sources.md); Markdown, reStructuredText and text files as they are.

Each reader returns the front matter fields it found and ``body``; every failure is a one-line :class:`SourceError`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from qa.documents import parse_document
from qa.errors import SourceError
from qa.fetch import Fetched, FetchOptions, fetch
from qa.query import subjects_from_title
from qa.text import squash

MIN_WORDS = 25  # less is a teaser, an error page or a page made of furniture, not an article
TEXT_SUFFIXES = (".md", ".markdown", ".rst", ".txt")


# -- metadata ------------------------------------------------------------------------------------------------


def canonical_url(url: str | None) -> str | None:
    """``url`` without tracking parameters (utm_*, fbclid, gclid, ...) or fragment, scheme and host lower-cased."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    from courlan import normalize_url  # trafilatura's own URL library

    try:
        return normalize_url(url).split("#", 1)[0]
    except ValueError:
        return None


def _mentions(name: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, flags=re.IGNORECASE))


def choose_subjects(title: str, body: str, known: Iterable[str]) -> tuple[list[str], str | None]:
    """Subjects and, when they are a guess, a note saying what was inferred and how to set them."""
    spelled = {squash(k): k for k in known}
    names = [spelled.get(squash(n), n) for n in subjects_from_title(title)]
    if names:
        return names, None
    how = "set them with --subjects A,B (or edit the front matter)"
    found = [k for k in spelled.values() if _mentions(k, title)] or sorted(
        (k for k in spelled.values() if _mentions(k, body) >= 2), key=lambda k: -_mentions(k, body))[:3]
    if found:
        return found, f"no 'X vs Y' in the title: subjects {', '.join(found)} inferred from the corpus's subjects it mentions; {how}"
    return [], f"no 'X vs Y' in the title and no known subject mentioned: no subjects; {how}"


def _iso(value: object) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10] if value else None


# -- extraction ----------------------------------------------------------------------------------------------


def _check_text(text: str | None, where: str, what: str = "no article text") -> str:
    if not text or len(text.split()) < MIN_WORDS:
        raise SourceError(f"{where}: {what} found ({len((text or '').split())} words; at least {MIN_WORDS} needed)")
    return text.strip()


def from_html(html: bytes | str, where: str, url: str | None = None) -> dict[str, object]:
    """Front matter and ``body`` of an HTML page. ``url``: where it was fetched from (after redirects)."""
    import htmldate
    import trafilatura

    # favor_precision: the recall default kept an ad inside the article; links stay out of the text, as a
    # quote with "(https://...)" in it is noise in answers and no longer matches the page's text fragment.
    text = trafilatura.extract(html, url=url, output_format="markdown", include_tables=True, include_formatting=True,
                               include_links=False, include_comments=False, include_images=False, favor_precision=True)
    body = _check_text(text, where)
    meta = trafilatura.extract_metadata(html, default_url=url)
    page_url = canonical_url(meta.url) or canonical_url(url)
    published = htmldate.find_date(html, url=page_url, original_date=True)
    modified = htmldate.find_date(html, url=page_url, original_date=False, extensive_search=False)
    return {"title": meta.title, "author": meta.author, "publisher": meta.sitename, "published": published,
            "modified": modified if modified and modified != published else None, "url": page_url, "body": body}


def from_pdf(data: bytes, where: str, url: str | None = None) -> dict[str, object]:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata
        # str(): pypdf's strings are its own classes, which YAML cannot write
        title, author = (str(info.title or ""), str(info.author or "")) if info else ("", "")
        published = _iso(info.creation_date) if info else None
        modified = _iso(info.modification_date) if info else None
    except (pypdf.errors.PyPdfError, ValueError, KeyError) as exc:
        raise SourceError(f"{where}: not a readable PDF ({exc})") from None
    body = _check_text("\n\n".join(p for p in pages if p), where, "no text (a scanned PDF?)")
    first = body.splitlines()[0].strip()
    return {"title": title.strip() or first, "author": author.strip() or None, "published": published,
            "modified": modified if modified != published else None, "url": canonical_url(url), "body": body}


def from_text(raw: str, where: str) -> dict[str, object]:
    """A Markdown, reStructuredText or plain text file; Markdown front matter is kept."""
    try:
        doc = parse_document("new", raw)
    except (ValueError, yaml.YAMLError) as exc:
        raise SourceError(f"{where}: {str(exc).splitlines()[0]}") from None
    _check_text(doc.text, where, "no text")
    return {"title": doc.title, "author": doc.author, "publisher": doc.publisher, "published": doc.published,
            "url": doc.url, "subjects": list(doc.subjects), "body": doc.text}


def from_fetched(f: Fetched) -> dict[str, object]:
    if f.kind == "pdf":
        found = from_pdf(f.body, f.url, f.url)
    else:
        html: bytes | str = f.body
        if f.encoding:
            try:
                html = f.body.decode(f.encoding)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declared charset: trafilatura guesses from the bytes
        found = from_html(html, f.url, f.url)
    return {**found, "retrieved": dt.date.today().isoformat(), "etag": f.etag, "last_modified": f.last_modified}


def read_target(target: str, options: FetchOptions) -> dict[str, object]:
    """What one ``qa add`` argument holds: fetched when it is an http(s) address, read from disk otherwise."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
        fetched = fetch(target, options)
        assert fetched is not None  # no validators were sent
        return from_fetched(fetched)
    path = Path(target)
    if not path.is_file():
        raise SourceError(f"{target}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return from_pdf(path.read_bytes(), target)
        if suffix in (".html", ".htm", ".xhtml"):
            return from_html(path.read_bytes(), target)
        if suffix in TEXT_SUFFIXES:
            return from_text(path.read_text(encoding="utf-8"), target)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{target}: cannot read it ({exc})") from None
    raise SourceError(f"{target}: not a web address, PDF, HTML, Markdown, reStructuredText or text file")
