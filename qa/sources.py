"""``qa add``: web pages, PDFs and files -> ``corpus/<slug>.md``, their metadata in the front matter.

Nothing is written until every source given has been read: a bad one leaves the corpus as it was.
HTTP validators (ETag, Last-Modified) live in the file's front matter, so a source is one file that can be
moved, copied or deleted alone; documents.py ignores those fields, so they never change a content hash.
Reading and extracting is qa.extract; fetching is qa.fetch.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from qa.documents import Document, corpus_files, load_corpus, parse_document
from qa.errors import SourceConflictError, SourceError
from qa.extract import choose_subjects, from_fetched, read_target
from qa.fetch import DEFAULT_FETCH, FetchOptions, fetch
from qa.text import squash

DATE_FIELDS = ("published", "modified", "retrieved")


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


def _yaml_date(value: object) -> object:
    """An ISO date string as a date, so YAML writes 2026-03-02 rather than '2026-03-02'."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


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
        front = _front(path)
        if not front.get("retrieved"):  # written by hand (or from a file): never replaced by an extraction
            raise SourceConflictError(f"{path} has this url but was not fetched by qa add: edit it, or remove it first")
        old = _subjects(front)
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
    errors: list[SourceError] = []
    planned: list[tuple[Path, Source]] = []
    for target in targets:
        try:
            src = make_source(read_target(target, options), known=known, subjects=subjects, slug=slug)
            path, src = _place(corpus_dir, src, by_url, keep_subjects=not subjects)
            if any(p == path for p, _ in planned):
                raise SourceConflictError(f"{target}: another source given would also be written to {path}")
            planned.append((path, src))
        except SourceError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SourceErrors([str(e) for e in errors])
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
            found = from_fetched(fetched)
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
