"""Build an index version from the corpus: incremental, locked, swapped in atomically, crash-safe.

Write path (every step is safe to kill with ``kill -9``; the live version is never touched):

1. take ``index/LOCK`` (flock: released by the kernel when the process dies, so a killed build never
   leaves a stale lock); remove debris of killed builds: ``versions/.tmp-*``, ``versions/.trash-*``,
   ``index/.CURRENT.tmp``;
2. write every file into ``versions/.tmp-<name>``, the manifest (with each file's sha256) last, fsync;
3. rename it to ``versions/<name>`` (complete, but not live: a kill here leaves an orphan the next
   build prunes);
4. write ``.CURRENT.tmp`` and ``os.replace`` it over ``CURRENT``: the one atomic step that makes it live;
5. prune versions other than the new one and the previous one, which servers may still be loading.
   A pruned version is first renamed to ``.trash-*``, so a half-deleted directory never has a
   version's name, and the live version or the previous one is never removed.

Incremental: documents whose content hash is unchanged keep their chunk records and vectors from the
live version (no re-chunking, no tokenising); added and changed documents are chunked, and only
chunks and evidence units whose text is new are embedded (vectors are keyed by the text embedded).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qa.ann import AnnParams, check_settings, create_index
from qa.chunking import chunk_document, embed_prefix
from qa.documents import Document, load_corpus
from qa.embedding import Embedder
from qa.errors import BuildLockedError, CorpusError, QAError
from qa.fsutil import fsync_dir, fsync_file, sha256_file
from qa.index import (
    CURRENT,
    MANIFEST,
    SCHEMA_VERSION,
    VERSIONS,
    jsonl_rows,
    live_version_dir,
    read_manifest,
    write_json,
)
from qa.lexical import Lexical

# Bump when chunk records change meaning; chunking.py's own digest is in the fingerprint too, so an
# edit of the chunker re-chunks every document (embeddings of unchanged texts are still reused).
CHUNKER_VERSION = 2
LOCK = "LOCK"
TMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build changed. ``full`` is true when every document was chunked again (``full_reason``
    says why). ``chunks_embedded`` counts chunks whose vector this build computed; ``chunks_reused``
    those whose vector came from the previous version; ``chunks_dropped`` previous chunks whose text is
    no longer indexed. The same for evidence units."""

    version: str
    full: bool
    documents_added: list[str] = field(default_factory=list)
    documents_changed: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    documents_unchanged: list[str] = field(default_factory=list)
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_dropped: int = 0
    units_total: int = 0
    units_embedded: int = 0
    units_reused: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full_reason: str | None = None
    previous_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        kind = "full build" + (f": {self.full_reason}" if self.full_reason else "") if self.full else "incremental build"
        lines = [
            f"index version {self.version} is live ({kind}, {self.seconds:.1f} s)",
            f"documents: {len(self.documents_added)} added, {len(self.documents_changed)} changed, "
            f"{len(self.documents_removed)} removed, {len(self.documents_unchanged)} unchanged",
            f"chunks: {self.chunks_total} in all; {self.chunks_embedded} embedded, {self.chunks_reused} reused, "
            f"{self.chunks_dropped} dropped",
            f"evidence units: {self.units_total} in all; {self.units_embedded} embedded, {self.units_reused} reused",
        ]
        for label, ids in (("added", self.documents_added), ("changed", self.documents_changed),
                           ("removed", self.documents_removed)):
            if ids:
                more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
                lines.append(f"  {label}: {', '.join(ids[:10])}{more}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@contextlib.contextmanager
def build_lock(index_dir: Path, wait_seconds: float, say: Progress | None = None) -> Iterator[None]:
    """Exclusive lock for builds; waits up to ``wait_seconds`` then raises :class:`BuildLockedError`.
    The holder's pid is written into the lock file, for the message."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    with path.open("a+") as fh:
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        told = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _lock_holder(path)
                if time.monotonic() >= deadline:
                    raise BuildLockedError(
                        f"another build{holder} holds {path}"
                        + (f" (waited {wait_seconds:g} s)" if wait_seconds > 0 else "")
                        + "; try again when it finishes, or wait longer with --wait SECONDS"
                    ) from None
                if say and not told:
                    say(f"waiting up to {wait_seconds:g} s for another build{holder} to finish")
                    told = True
                time.sleep(0.1)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _lock_holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _unit_embed_text(doc: Document, start: int, end: int, context: str | None) -> str:
    body = doc.text[start:end]
    return f"{context}\n{body}" if context else body


def _chunker_digest() -> str:
    import qa.chunking

    return hashlib.sha256(Path(qa.chunking.__file__).read_bytes()).hexdigest()[:16]


# What a manifest written before a key existed means by it (every index before int8 was fp32).
_FINGERPRINT_DEFAULTS = {"precision": "fp32"}


def _settings_fingerprint(embedder: Embedder, max_tokens: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "model_id": embedder.model_id,
        "dim": embedder.dim,
        "precision": embedder.precision,
        "chunking": {"version": CHUNKER_VERSION, "max_tokens": max_tokens, "code": _chunker_digest()},
    }


def settings_changes(manifest: dict[str, Any], embedder: Embedder, max_tokens: int) -> list[str]:
    """Why an index built under ``manifest`` needs a full rebuild now (model, dimension, precision, chunking,
    schema)."""
    return _changes(manifest, _settings_fingerprint(embedder, max_tokens))


def _changes(manifest: dict[str, Any], fingerprint: dict[str, Any]) -> list[str]:
    """How ``fingerprint`` differs from what ``manifest`` recorded, one description per key, in key order."""
    out = []
    for key, value in fingerprint.items():
        old = recorded_setting(manifest, key)
        if old != value:
            out.append(_describe_change(key, old, value))
    return out


def recorded_setting(manifest: dict[str, Any], key: str) -> Any:
    """``manifest[key]``, or what a manifest written before the key existed means by it."""
    return manifest.get(key, _FINGERPRINT_DEFAULTS.get(key))


def _describe_change(key: str, old: Any, new: Any) -> str:
    if key == "chunking" and isinstance(old, dict):
        diffs = [("qa/chunking.py edited" if k == "code" else f"{k} {old.get(k)!r} -> {new.get(k)!r}")
                 for k in new if old.get(k) != new.get(k)]
        return "chunking settings changed (" + ", ".join(diffs) + ")"
    names = {"schema_version": "index schema", "model_id": "embedding model", "dim": "embedding dimension",
             "precision": "embedding precision"}
    return f"{names.get(key, key)} changed ({old!r} -> {new!r})"


@dataclass
class _Previous:
    """What the live version offers for reuse. ``vectors_ok``: its vectors are from the same model;
    ``records_ok``: its chunk records of unchanged documents are valid too (same chunking)."""

    name: str | None = None
    manifest: dict[str, Any] | None = None
    full_reason: str | None = None
    vectors_ok: bool = False
    records_ok: bool = False
    chunk_rows: list[dict[str, Any]] = field(default_factory=list)
    unit_rows: list[list[Any]] = field(default_factory=list)
    chunk_vecs: NDArray[np.float32] | None = None
    unit_vecs: NDArray[np.float32] | None = None
    chunk_key_row: dict[str, int] = field(default_factory=dict)
    unit_key_row: dict[str, int] = field(default_factory=dict)
    doc_chunks: dict[str, list[int]] = field(default_factory=dict)


def _read_previous(index_dir: Path, fingerprint: dict[str, Any], full: bool) -> _Previous:
    try:
        version_dir = live_version_dir(index_dir)
    except QAError as exc:  # CURRENT itself is damaged: nothing to reuse, the build repairs it
        return _Previous(full_reason=f"previous index unreadable ({exc})")
    if version_dir is None:
        return _Previous(full_reason="no previous index")
    prev = _Previous(name=version_dir.name)
    try:
        prev.manifest = read_manifest(version_dir)
    except QAError:
        prev.full_reason = "previous index unreadable"
        return prev
    files = prev.manifest.get("files", {})
    try:
        # Every file reused is checked against the manifest: a corrupt version is never copied forward.
        for name in ("chunks.jsonl", "units.jsonl", "chunk_vecs.npy", "unit_vecs.npy"):
            if name not in files or sha256_file(version_dir / name) != files[name]:
                raise ValueError(f"{name} does not match its checksum")
        prev.chunk_rows = jsonl_rows((version_dir / "chunks.jsonl").read_text(encoding="utf-8"))
        prev.unit_rows = jsonl_rows((version_dir / "units.jsonl").read_text(encoding="utf-8"))
        chunk_vecs = np.load(version_dir / "chunk_vecs.npy")
        unit_vecs = np.load(version_dir / "unit_vecs.npy")
        if len(chunk_vecs) != len(prev.chunk_rows) or len(unit_vecs) != len(prev.unit_rows):
            raise ValueError("row counts differ")
    except (OSError, ValueError, KeyError) as exc:
        prev.chunk_rows, prev.unit_rows = [], []
        prev.full_reason = "--full requested" if full else f"previous index corrupt ({exc})"
        return prev
    if full:
        prev.full_reason = "--full requested"
        return prev
    # Vectors are reusable under every recorded setting but the chunking (texts are keyed by what was embedded).
    if vector_changes := _changes(prev.manifest, {k: v for k, v in fingerprint.items() if k != "chunking"}):
        prev.full_reason = vector_changes[0]
        return prev
    if chunk_vecs.ndim != 2 or chunk_vecs.shape[1] != fingerprint["dim"]:
        prev.full_reason = "previous vectors have another shape"
        return prev
    prev.vectors_ok = True
    prev.chunk_vecs, prev.unit_vecs = chunk_vecs, unit_vecs
    prev.chunk_key_row = {r["key"]: i for i, r in enumerate(prev.chunk_rows)}
    prev.unit_key_row = {u[5]: i for i, u in enumerate(prev.unit_rows)}
    if prev.manifest.get("chunking") != fingerprint["chunking"]:
        prev.full_reason = _describe_change("chunking", prev.manifest.get("chunking"), fingerprint["chunking"])
        return prev
    prev.records_ok = True
    for i, r in enumerate(prev.chunk_rows):
        prev.doc_chunks.setdefault(r["doc_id"], []).append(i)
    return prev


@dataclass
class _Rows:
    """The new version's chunk and unit rows; ``*_src`` is the previous row a vector comes from (-1: embed)."""

    chunks: list[dict[str, Any]] = field(default_factory=list)
    units: list[list[Any]] = field(default_factory=list)
    chunk_texts: list[str] = field(default_factory=list)  # embedded text of every chunk (also BM25's input)
    unit_texts: dict[int, str] = field(default_factory=dict)  # only units that may need embedding
    chunk_src: list[int] = field(default_factory=list)
    unit_src: list[int] = field(default_factory=list)


def _reuse_document(doc: Document, prev: _Previous, rows: _Rows) -> None:
    """Copy an unchanged document's chunk records and vector rows from the previous version."""
    for pi in prev.doc_chunks[doc.doc_id]:
        rec = prev.chunk_rows[pi]
        lo = len(rows.units)
        for pu in range(rec["unit_lo"], rec["unit_hi"]):
            rows.units.append([len(rows.chunks), *prev.unit_rows[pu][1:]])
            rows.unit_src.append(pu)
        rows.chunks.append({**rec, "unit_lo": lo, "unit_hi": len(rows.units)})
        rows.chunk_src.append(pi)
        rows.chunk_texts.append(embed_prefix(doc.title, rec["section"]) + doc.text[rec["start"] : rec["end"]])


def _chunk_document(doc: Document, embedder: Embedder, max_tokens: int, prev: _Previous, rows: _Rows) -> None:
    for chunk in chunk_document(doc, embedder.count_tokens, max_tokens):
        text = chunk.embed_text(doc.title)
        lo = len(rows.units)
        ci = len(rows.chunks)
        for u in chunk.units:
            utext = _unit_embed_text(doc, u.start, u.end, u.context)
            ukey = _key(utext)
            rows.unit_texts[len(rows.units)] = utext
            rows.unit_src.append(prev.unit_key_row.get(ukey, -1))
            rows.units.append([ci, u.start, u.end, u.kind, u.context, ukey])
        key = _key(text)
        rows.chunks.append(
            {"chunk_id": chunk.chunk_id, "doc_id": chunk.doc_id, "section": list(chunk.section),
             "start": chunk.start, "end": chunk.end, "unit_lo": lo, "unit_hi": len(rows.units), "key": key}
        )
        rows.chunk_src.append(prev.chunk_key_row.get(key, -1))
        rows.chunk_texts.append(text)


def _vectors(
    embedder: Embedder,
    src: list[int],
    prev_vecs: NDArray[np.float32] | None,
    keys: list[str],
    text_of: Callable[[int], str],
    what: str,
    say: Progress,
    show_progress: bool,
) -> tuple[NDArray[np.float32], int]:
    """Row i's vector: copied from previous row ``src[i]``, or embedded (once per distinct text)."""
    out = np.zeros((len(src), embedder.dim), dtype=np.float32)
    src_arr = np.asarray(src, dtype=np.int64)
    reused = src_arr >= 0
    if prev_vecs is not None and reused.any():
        out[reused] = prev_vecs[src_arr[reused]]
    todo = np.flatnonzero(~reused)
    if len(todo):
        first: dict[str, int] = {}
        for i in todo:
            first.setdefault(keys[i], int(i))
        say(f"embedding {len(first)} {what}")
        fresh = embedder.embed([text_of(i) for i in first.values()], show_progress=show_progress)
        by_key = dict(zip(first, fresh, strict=True))
        for i in todo:
            out[i] = by_key[keys[i]]
    return out, len(todo)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    max_tokens: int = 256,
    full: bool = False,
    progress: Progress | None = None,
    show_progress: bool = False,
    lock_wait: float = 600.0,
    index_type: str = "flat",
    ann: AnnParams | None = None,
) -> BuildReport:
    """Build a new version beside the live one and make it live with one atomic replace of ``CURRENT``.

    ``index_type`` (flat, hnsw, ivfpq or auto) and ``ann`` choose the FAISS index (see :mod:`qa.ann`);
    the manifest records the type built and its search parameters.

    Raises :class:`BuildLockedError` when another build holds the lock for more than ``lock_wait`` s,
    :class:`CorpusError` when the corpus has no readable article (the live version stays live), and
    :class:`~qa.ann.AnnSettingsError`, before anything is read or embedded, for index settings FAISS cannot build.
    """
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    ann = ann or AnnParams()
    check_settings(index_type, ann, embedder.dim)
    with build_lock(index_dir, lock_wait, say):
        versions = index_dir / VERSIONS
        versions.mkdir(parents=True, exist_ok=True)
        _remove_debris(index_dir)

        say(f"reading {corpus_dir}")
        docs, warnings = load_corpus(corpus_dir)
        if not docs:
            raise CorpusError(f"no readable article in {corpus_dir}" + (f" ({'; '.join(warnings)})" if warnings else ""))
        fingerprint = _settings_fingerprint(embedder, max_tokens)
        prev = _read_previous(index_dir, fingerprint, full)
        if not prev.vectors_ok:
            prev.chunk_vecs = prev.unit_vecs = None
            prev.chunk_key_row, prev.unit_key_row = {}, {}
        prev_docs: dict[str, Any] = (prev.manifest or {}).get("documents", {})
        report = BuildReport(
            version="", full=not prev.records_ok, warnings=warnings,
            full_reason=None if prev.records_ok else prev.full_reason, previous_version=prev.name,
        )
        for doc in docs:
            old = prev_docs.get(doc.doc_id)
            if old is None:
                report.documents_added.append(doc.doc_id)
            elif old.get("hash") == doc.content_hash:
                report.documents_unchanged.append(doc.doc_id)
            else:
                report.documents_changed.append(doc.doc_id)
        report.documents_removed = sorted(set(prev_docs) - {d.doc_id for d in docs})

        rows = _Rows()
        unchanged = set(report.documents_unchanged)
        to_chunk = [d for d in docs if not (prev.records_ok and d.doc_id in unchanged and d.doc_id in prev.doc_chunks)]
        if to_chunk:
            say(f"chunking {len(to_chunk)} documents")
        for doc in docs:
            if prev.records_ok and doc.doc_id in unchanged and doc.doc_id in prev.doc_chunks:
                _reuse_document(doc, prev, rows)
            else:
                _chunk_document(doc, embedder, max_tokens, prev, rows)

        chunk_keys = [r["key"] for r in rows.chunks]
        chunk_vecs, report.chunks_embedded = _vectors(
            embedder, rows.chunk_src, prev.chunk_vecs, chunk_keys, rows.chunk_texts.__getitem__, "chunks",
            say, show_progress,
        )
        unit_vecs, report.units_embedded = _vectors(
            embedder, rows.unit_src, prev.unit_vecs, [u[5] for u in rows.units], rows.unit_texts.__getitem__,
            "evidence units", say, show_progress,
        )
        report.chunks_total = len(rows.chunks)
        report.chunks_reused = report.chunks_total - report.chunks_embedded
        report.units_total = len(rows.units)
        report.units_reused = report.units_total - report.units_embedded
        if prev.chunk_rows:
            new_keys = set(chunk_keys)
            report.chunks_dropped = sum(1 for r in prev.chunk_rows if r["key"] not in new_keys)

        name = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        report.version = name
        tmp = versions / f"{TMP_PREFIX}{name}"
        say(f"writing index version {name}")
        tmp.mkdir()
        files, ann_meta = _write_version(tmp, docs, rows, chunk_vecs, unit_vecs, index_type, ann)
        report.seconds = round(time.perf_counter() - t0, 3)
        per_doc: dict[str, int] = {}
        for r in rows.chunks:
            per_doc[r["doc_id"]] = per_doc.get(r["doc_id"], 0) + 1
        manifest = {
            **fingerprint,
            "version": name,
            "previous": prev.name,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": report.seconds,
            "corpus_dir": str(corpus_dir),
            "index_type": ann_meta["type"],
            "ann": ann_meta,
            "counts": {"documents": len(docs), "chunks": len(rows.chunks), "units": len(rows.units)},
            "documents": {
                d.doc_id: {"hash": d.content_hash, "title": d.title, "published": d.published,
                           "chunks": per_doc.get(d.doc_id, 0)}
                for d in docs
            },
            "change": {k: report.to_dict()[k] for k in (
                "full", "full_reason", "documents_added", "documents_changed", "documents_removed",
                "chunks_embedded", "chunks_reused", "chunks_dropped", "units_embedded", "units_reused")},
            "files": files,
            "warnings": warnings,  # files skipped and what was dropped from others, each naming its file
        }
        write_json(tmp / MANIFEST, manifest)  # written last: a version without it never loads
        fsync_file(tmp / MANIFEST)
        fsync_dir(tmp)

        os.rename(tmp, versions / name)
        fsync_dir(versions)
        say(f"making version {name} live")
        pointer = index_dir / f".{CURRENT}.tmp"
        pointer.write_text(name + "\n", encoding="utf-8")
        fsync_file(pointer)
        os.replace(pointer, index_dir / CURRENT)  # the atomic step: readers see the old or the new name
        fsync_dir(index_dir)
        say(f"version {name} is live")

        _prune(index_dir, keep={name, prev.name}, say=say)
        report.seconds = round(time.perf_counter() - t0, 3)
        return report


def _write_version(
    tmp: Path,
    docs: list[Document],
    rows: _Rows,
    chunk_vecs: NDArray[np.float32],
    unit_vecs: NDArray[np.float32],
    index_type: str,
    ann: AnnParams,
) -> tuple[dict[str, str], dict[str, Any]]:
    """Write every data file of a version into ``tmp``, fsynced; returns their sha256 by name and the
    FAISS index's manifest entry."""
    import faiss

    with (tmp / "docs.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({**d.meta(), "text": d.text}, ensure_ascii=False) + "\n" for d in docs)
    with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.chunks)
    with (tmp / "units.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.units)
    np.save(tmp / "chunk_vecs.npy", chunk_vecs)
    np.save(tmp / "unit_vecs.npy", unit_vecs)
    index, ann_meta = create_index(chunk_vecs, index_type, ann)
    faiss.write_index(index, str(tmp / "chunks.faiss"))
    Lexical.build(rows.chunk_texts).save(tmp / "bm25")
    files: dict[str, str] = {}
    for p in sorted(tmp.rglob("*")):
        if p.is_file():
            files[p.relative_to(tmp).as_posix()] = sha256_file(p)
            fsync_file(p)
    for d in sorted({p.parent for p in tmp.rglob("*")} | {tmp}):
        fsync_dir(d)
    return files, ann_meta


def _remove_debris(index_dir: Path) -> None:
    """What killed builds leave behind. Only called under the lock, so no build is writing any of it."""
    versions = index_dir / VERSIONS
    for debris in versions.iterdir():
        if debris.name.startswith((TMP_PREFIX, TRASH_PREFIX)):
            shutil.rmtree(debris, ignore_errors=True)
    (index_dir / f".{CURRENT}.tmp").unlink(missing_ok=True)


def _prune(index_dir: Path, keep: set[str | None], say: Progress) -> None:
    """Remove versions other than ``keep``; never the live one, whatever happened meanwhile."""
    versions = index_dir / VERSIONS
    live = live_version_dir(index_dir)
    protected = {k for k in keep if k} | ({live.name} if live else set())
    for old in sorted(versions.iterdir()):
        if old.name in protected or old.name.startswith((TMP_PREFIX, TRASH_PREFIX)) or not old.is_dir():
            continue
        say(f"removing old version {old.name}")
        trash = versions / f"{TRASH_PREFIX}{old.name}"
        try:
            os.rename(old, trash)  # atomic: from here on it is debris, never a version
        except OSError:
            continue
        shutil.rmtree(trash, ignore_errors=True)


def corpus_changes(corpus_dir: Path, index_dir: Path) -> dict[str, list[str]] | None:
    """How the corpus differs from the live index (None when there is no index)."""
    version_dir = live_version_dir(index_dir)
    if version_dir is None or not (version_dir / MANIFEST).is_file():
        return None
    indexed = read_manifest(version_dir).get("documents", {})
    docs, _ = load_corpus(corpus_dir)
    now = {d.doc_id: d.content_hash for d in docs}
    return {
        "added": sorted(set(now) - set(indexed)),
        "changed": sorted(d for d in now if d in indexed and indexed[d]["hash"] != now[d]),
        "removed": sorted(set(indexed) - set(now)),
    }
