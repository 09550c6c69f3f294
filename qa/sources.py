"""``qa add``: a web page, a PDF or a local file -> ``corpus/<slug>.md``, its metadata in the front matter.

HTML goes through trafilatura (main text as Markdown: headings, lists, tables and code kept; navigation, ads,
cookie banners and footers dropped) and htmldate (published and modified dates); PDFs through pypdf, which kept
two-column text in reading order where pdfplumber interleaved the columns (docs/sources.md).

Nothing is written until every source given has been read: a bad one leaves the corpus as it was.
HTTP validators (ETag, Last-Modified) live in the file's front matter, so a source is one file that can be
moved, copied or deleted alone; documents.py ignores those fields, so they never change a content hash.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from qa.documents import Document, corpus_files, load_corpus, parse_document
from qa.errors import SourceConflictError, SourceError
from qa.fetch import DEFAULT_FETCH, Fetched, FetchOptions, fetch
from qa.text import squash

MIN_WORDS = 25  # less is a teaser, an error page or a page made of furniture, not an article
TEXT_SUFFIXES = (".md", ".markdown", ".rst", ".txt")
DATE_FIELDS = ("published", "modified", "retrieved")
_VS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s*(?:[:|?!()\[\]]|\s[-–—]\s)\s*")


@dataclass(frozen=True, slots=True)
class Source:
    """One article ready to be written: its front matter (in order), its Markdown body, and what was guessed."""

    slug: str
    meta: dict[str, object]
    body: str
    notes: tuple[str, ...] = ()

    def render(self) -> str:
        meta = {k: _yaml_date(v) if k in DATE_FIELDS else v for k, v in self.meta.items() if v not in (None, "", [])}
        # default_flow_style=None: subjects on one line, [A, B], as in the hand-written articles
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=None)
        return f"---\n{front}---\n\n{self.body.strip()}\n"

    def document(self) -> Document:
        return parse_document(self.slug, self.render())


@dataclass(frozen=True, slots=True)
class Written:
    doc_id: str
    path: Path
    status: str  # added | updated | unchanged
    source: Source


@dataclass(slots=True)
class RefreshReport:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # a url, but written by hand
    failed: list[str] = field(default_factory=list)  # "doc_id: reason"

    def lines(self) -> list[str]:
        return ([f"updated   {d}" for d in self.updated] + [f"unchanged {d}" for d in self.unchanged]
                + [f"skipped   {d} (written by hand: no `retrieved` field)" for d in self.skipped]
                + [f"failed    {d}" for d in self.failed])


class SourceErrors(SourceError):
    """Several sources failed: one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


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


def subjects_from_title(title: str) -> list[str]:
    """The names of an "X vs Y (vs Z)" title, e.g. "Litestar vs. Sanic: which to pick?" -> [Litestar, Sanic]."""
    for segment in _TITLE_SEPARATORS.split(title):
        names = [n.strip(" .,;'\"") for n in _VS.split(segment)]
        if len(names) >= 2 and all(1 <= len(n.split()) <= 3 for n in names):
            return names
    return []


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


def _yaml_date(value: object) -> object:
    """An ISO date string as a date, so YAML writes 2026-03-02 rather than '2026-03-02'."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


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


def _from_fetched(f: Fetched) -> dict[str, object]:
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
        return _from_fetched(fetched)
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


def make_source(found: dict[str, object], *, known: Iterable[str], subjects: Sequence[str] | None = None,
                slug: str | None = None) -> Source:
    from slugify import slugify

    found = dict(found)
    body = str(found.pop("body"))
    title = str(found.get("title") or "").strip() or body.splitlines()[0].lstrip("#").strip()
    notes: list[str] = []
    if subjects:
        chosen = list(subjects)
    elif found.get("subjects"):
        chosen = list(found["subjects"])  # type: ignore[call-overload]
    else:
        chosen, note = choose_subjects(title, body, known)
        notes += [note] if note else []
    publisher = str(found.get("publisher") or "")
    name = slug or slugify(title if squash(publisher) in squash(title) else f"{publisher} {title}",
                           max_length=80, word_boundary=True)
    if not name or name.lower() == "readme":
        raise SourceError(f"{title!r} makes no usable file name: pass --slug NAME")
    meta: dict[str, object] = {"title": title, "author": found.get("author"), "publisher": publisher or None,
                               "published": found.get("published"), "modified": found.get("modified"),
                               "url": found.get("url"), "subjects": chosen}
    for key in ("retrieved", "etag", "last_modified"):
        meta[key] = found.get(key)
    return Source(name, meta, body, tuple(notes))


# -- the corpus ----------------------------------------------------------------------------------------------


def _front(path: Path) -> dict[str, object]:
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---\n") or (end := raw.find("\n---", 3)) < 0:
        return {}
    loaded = yaml.safe_load(raw[4:end])
    return loaded if isinstance(loaded, dict) else {}


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a temporary hidden file (never read as an article), then a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _place(corpus_dir: Path, src: Source, by_url: dict[str, Path], *, keep_subjects: bool) -> tuple[Path, Source]:
    """Where ``src`` goes: the file already holding its url (its subjects kept unless new ones are given), else
    ``<slug>.md`` unless that file holds another source."""
    url = src.meta.get("url")
    if isinstance(url, str) and url in by_url:
        path = by_url[url]
        old = _subjects(_front(path))
        meta = {**src.meta, "subjects": old} if old and keep_subjects else src.meta
        return path, Source(path.relative_to(corpus_dir).with_suffix("").as_posix(), meta, src.body, src.notes)
    path = corpus_dir / f"{src.slug}.md"
    if path.exists() and path.read_text(encoding="utf-8") != src.render():
        other = _front(path).get("url") or "no url"
        raise SourceConflictError(f"{path} already holds another source ({other}): pass --slug NAME to add it under another name")
    return path, src


def add_sources(corpus_dir: Path, targets: Sequence[str], *, options: FetchOptions = DEFAULT_FETCH,
                subjects: Sequence[str] | None = None, slug: str | None = None) -> list[Written]:
    """Read every target, then write them all; any error (:class:`SourceError`) and nothing is written."""
    from slugify import slugify

    if not targets:
        raise SourceError("no source given: pass a web address or a file")
    if (slug or subjects) and len(targets) > 1:
        raise SourceError("--slug and --subjects apply to one source: add the others separately")
    if not corpus_dir.is_dir():
        raise SourceError(f"corpus directory {corpus_dir} does not exist")
    if slug is not None and (slug != slugify(slug, max_length=80) or slug == "readme"):
        raise SourceError(f"--slug {slug!r}: use lower-case letters, digits and -, at most 80 characters")
    docs, _ = load_corpus(corpus_dir)
    known = sorted({s for d in docs for s in d.subjects})
    by_url = {d.url: corpus_dir / f"{d.doc_id}.md" for d in docs if d.url}
    by_url = {u: p for u, p in by_url.items() if p.is_file()}
    errors: list[str] = []
    planned: list[tuple[Path, Source]] = []
    for target in targets:
        try:
            src = make_source(read_target(target, options), known=known, subjects=subjects, slug=slug)
            path, src = _place(corpus_dir, src, by_url, keep_subjects=not subjects)
            if any(p == path for p, _ in planned):
                raise SourceConflictError(f"{target}: another source given would also be written to {path}")
            planned.append((path, src))
        except SourceError as exc:
            errors.append(str(exc))
    if errors:
        raise SourceErrors(errors) if len(errors) > 1 else SourceError(errors[0])
    written = []
    for path, src in planned:
        status = "added" if not path.exists() else "updated"
        if status == "updated" and parse_document(src.slug, path.read_text(encoding="utf-8")).content_hash == \
                src.document().content_hash:
            status = "unchanged"
        _write(path, src.render())
        written.append(Written(src.slug, path, status, src))
    return written


def refresh_sources(corpus_dir: Path, options: FetchOptions = DEFAULT_FETCH) -> RefreshReport:
    """Fetch again every source ``qa add`` fetched (conditionally) and rewrite those whose article changed."""
    report = RefreshReport()
    for path in corpus_files(corpus_dir):
        doc_id = path.relative_to(corpus_dir).with_suffix("").as_posix()
        try:
            old = _front(path)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # not readable as an article either: the build reports it
        url = old.get("url")
        if not isinstance(url, str):
            continue
        if not old.get("retrieved"):
            report.skipped.append(doc_id)
            continue
        try:
            fetched = fetch(url, options, etag=_opt(old.get("etag")), last_modified=_opt(old.get("last_modified")))
            if fetched is None:
                report.unchanged.append(f"{doc_id} (not modified)")
                continue
            found = _from_fetched(fetched)
        except SourceError as exc:
            report.failed.append(f"{doc_id}: {exc}")
            continue
        new = make_source(found, known=(), subjects=_subjects(old), slug=doc_id)
        before = parse_document(doc_id, path.read_text(encoding="utf-8")).content_hash
        if before == new.document().content_hash:
            new.meta["retrieved"] = old.get("retrieved")  # the article is what it was; only validators moved
            report.unchanged.append(doc_id)
        else:
            report.updated.append(doc_id)
        if new.render() != path.read_text(encoding="utf-8"):
            _write(path, new.render())
    return report


def _opt(value: object) -> str | None:
    return str(value) if value else None


def _subjects(meta: dict[str, object]) -> list[str] | None:
    value = meta.get("subjects")
    return [str(s) for s in value] if isinstance(value, list) and value else None
