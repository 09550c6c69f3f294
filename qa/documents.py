"""Corpus files -> :class:`Document`. Markdown or text, with optional YAML front matter."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from qa.chunking import first_title
from qa.display import clean_heading
from qa.errors import CorpusError

log = logging.getLogger(__name__)

SUFFIXES = (".md", ".markdown", ".txt", ".rst")


@dataclass(frozen=True, slots=True)
class Document:
    """One source article. ``text`` is the body after the front matter; citations index into it."""

    doc_id: str
    title: str
    text: str
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date
    subjects: tuple[str, ...] = field(default_factory=tuple)
    # The file's line (1-based) where ``text`` starts, so an offset into the text can be shown as a line of the
    # file; None in indexes built before it was recorded.
    body_line: int | None = None

    @property
    def content_hash(self) -> str:
        meta = "\x1f".join(
            [self.title, self.publisher or "", self.author or "", self.url or "", self.published or ""]
            + list(self.subjects)
        )
        return hashlib.sha256(f"{meta}\x1e{self.text}".encode()).hexdigest()

    def meta(self) -> dict[str, object]:
        """Everything but the text, JSON-ready."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "publisher": self.publisher,
            "author": self.author,
            "url": self.url,
            "published": self.published,
            "subjects": list(self.subjects),
            "body_line": self.body_line,
        }

    def line_of(self, offset: int) -> int | None:
        """The file's line (1-based) holding character ``offset`` of the text, when known."""
        return None if self.body_line is None else self.body_line + self.text.count("\n", 0, offset)


def _as_date(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"published date {text!r} is not YYYY-MM-DD")


def _opt_str(meta: dict[str, object], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _yaml_problem(exc: yaml.YAMLError, what: str, first_line: int) -> str:
    """One line for a YAML error in ``what``, with the file's line and column (the YAML starts on the file's
    line ``first_line``: 2 for front matter)."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark, start = exc.problem_mark or exc.context_mark, exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem += f" {exc.context}" + (f" that starts at line {start.line + first_line}"
                                            if start and mark and start.line != mark.line else "")
        if mark is not None:
            return f"{what} is not valid YAML at line {mark.line + first_line}, column {mark.column + 1}: {problem}"
        return f"{what} is not valid YAML: {problem}"
    return f"{what} is not valid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


def _web_url(url: str | None, warn: Callable[[str], None]) -> str | None:
    """``url`` when it is an http(s) address; anything else (``javascript:``, ``file:``, a bare path) would
    become a link in the chat page and in Slack, so it is dropped with a warning."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname  # reads the brackets of an IPv6 host ('https://[abc' has none closing)
    except ValueError as exc:
        warn(f"url {url[:80]!r} dropped: not a valid address ({exc})")
        return None
    if parts.scheme.lower() in ("http", "https") and host:
        return url
    warn(f"url {url[:80]!r} dropped: only http(s) addresses become links")
    return None


def _mapping(text: str, what: str, *, first_line: int) -> dict[str, object]:
    """The YAML mapping ``text`` holds (empty for none); ``ValueError`` naming ``what`` when it is no mapping.
    ``first_line``: the file's line ``text`` starts on, for the error's line numbers."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(_yaml_problem(exc, what, first_line)) from exc
    if loaded is not None and not isinstance(loaded, dict):
        raise ValueError(f"{what} is not a mapping")
    return loaded or {}


def _subjects(meta: dict[str, object]) -> tuple[str, ...]:
    raw = meta.get("subjects") or []
    if isinstance(raw, str):
        raw = [s.strip() for s in raw.split(",")]
    if not isinstance(raw, list):
        raise ValueError("subjects must be a list")
    return tuple(str(s).strip() for s in raw if str(s).strip())


def parse_document(doc_id: str, raw: str, warn: Callable[[str], None] | None = None,
                   defaults: dict[str, object] | None = None) -> Document:
    """Parse one file's text. Raises ``ValueError`` with the reason when it cannot be used; ``warn`` is told
    what was dropped from a usable file (default: logged). ``defaults``: the metadata of the document's
    folders (:func:`folder_meta`), which its own front matter overrides key by key."""
    warn = warn or (lambda msg: log.warning("%s: %s", doc_id, msg))
    raw = raw.replace("\r\n", "\n").lstrip("\ufeff")
    meta: dict[str, object] = dict(defaults or {})
    body = raw
    if raw.startswith("---\n"):
        end = raw.find("\n---", 3)  # 3, not 4: empty front matter ("---\n---\n") closes at once
        if end < 0:
            raise ValueError("front matter starts with '---' but never ends")
        meta.update(_mapping(raw[4:end], "front matter", first_line=2))
        close = raw.find("\n", end + 4)
        body = "" if close < 0 else raw[close + 1 :]
    if not body.strip():
        raise ValueError("the article has no text")
    subjects = _subjects(meta)
    title = _opt_str(meta, "title")
    if title is None:  # the first heading (a Markdown or reStructuredText title), else the first line
        first = first_title(body) or next(line for line in body.splitlines() if line.strip())
        title = clean_heading(first.strip().lstrip("#").strip()) or first.strip()
    return Document(
        doc_id=doc_id,
        title=title,
        text=body,
        publisher=_opt_str(meta, "publisher"),
        author=_opt_str(meta, "author"),
        url=_web_url(_opt_str(meta, "url"), warn),
        published=_as_date(meta.get("published")),
        subjects=subjects,
        body_line=raw.count("\n", 0, len(raw) - len(body)) + 1,
    )


FOLDER_META = ".meta.yml"
# What a folder's metadata may set for the documents in it and below: what they share. A title or a URL is one
# document's own.
FOLDER_KEYS = ("subjects", "publisher", "author", "published")


def folder_meta(corpus_dir: Path, folder: Path, known: dict[Path, dict[str, object]],
                warn: Callable[[str], None]) -> dict[str, object]:
    """The metadata every document in ``folder`` gets unless its front matter says otherwise: the keys of
    :data:`FOLDER_KEYS` of each ``.meta.yml`` from ``corpus_dir`` down to ``folder``, the nearer folder's
    winning ("subjects: [Flask]" beside a folder of Flask's documentation pages, which have no front matter).
    A file that cannot be used is left out with a warning naming it (``warn``); its documents are still read.
    ``known``: the folders read already, filled in."""
    if folder in known:
        return known[folder]
    meta = dict(folder_meta(corpus_dir, folder.parent, known, warn)) if folder != corpus_dir else {}
    path = folder / FOLDER_META
    if path.is_file():
        try:
            own = _mapping(path.read_text(encoding="utf-8"), FOLDER_META, first_line=1)
            if other := sorted(str(k) for k in own if k not in FOLDER_KEYS):
                warn(f"{path}: {', '.join(other)} ignored: a folder sets only {', '.join(FOLDER_KEYS)}")
            own = {k: v for k, v in own.items() if k in FOLDER_KEYS}
            _subjects(own)  # checked once here, not as each document's error
            _as_date(own.get("published"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            warn(f"{path} ignored: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
        else:
            meta.update(own)
    known[folder] = meta
    return meta


def corpus_files(corpus_dir: Path, *, folder_meta: bool = False) -> list[Path]:
    """The article files of a corpus directory, sorted; hidden files and README are not articles. With
    ``folder_meta``, the folders' metadata files too (:func:`folder_meta`; none in hidden folders), found in the
    same walk of the tree."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory {corpus_dir} does not exist")
    found = []
    for p in corpus_dir.rglob("*"):
        parts = p.relative_to(corpus_dir).parts
        if any(part.startswith(".") for part in parts[:-1]) or not p.is_file():
            continue
        if p.name == FOLDER_META:
            if folder_meta:
                found.append(p)
        elif p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.stem.lower() != "readme":
            found.append(p)
    return sorted(found)


def load_corpus(corpus_dir: Path, *, quiet: bool = False) -> tuple[list[Document], list[str]]:
    """Load every article; a file that cannot be read or parsed is skipped with a warning naming it (logged
    too, unless ``quiet``: a look at what changed since the build, whose report holds them already)."""
    warnings: list[str] = []
    return list(iter_corpus(corpus_dir, warnings, quiet=quiet)), warnings


def iter_corpus(corpus_dir: Path, warnings: list[str], paths: list[Path] | None = None,
                on_file: Callable[[], None] | None = None, *, quiet: bool = False) -> Iterator[Document]:
    """The articles of ``corpus_dir`` (or of its ``paths``, from :func:`corpus_files`), one at a time, so a
    caller need not hold them all; a file that cannot be read or parsed is skipped with a warning naming it,
    appended to ``warnings`` (and logged, unless ``quiet``). ``on_file`` is called after each file, used or
    not."""
    seen: dict[str, Path] = {}
    folders: dict[Path, dict[str, object]] = {}

    def folder_warn(msg: str) -> None:
        warnings.append(msg)
        if not quiet:
            log.warning("%s", msg)

    for path in corpus_files(corpus_dir) if paths is None else paths:
        doc_id = path.relative_to(corpus_dir).with_suffix("").as_posix()
        def warn(msg: str, path: Path = path) -> None:
            warnings.append(f"{path}: {msg}")
            if not quiet:
                log.warning("%s: %s", path, msg)

        try:
            defaults = folder_meta(corpus_dir, path.parent, folders, folder_warn)
            doc = parse_document(doc_id, path.read_text(encoding="utf-8"), warn, defaults)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            warnings.append(f"skipped {path}: {reason}")
            if not quiet:
                log.warning("skipped %s: %s", path, reason)
            doc = None
        if doc is not None and doc_id in seen:
            warnings.append(f"skipped {path}: same doc_id as {seen[doc_id]}")
            doc = None
        if doc is not None:
            seen[doc_id] = path
            yield doc
        if on_file:
            on_file()
