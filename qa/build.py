"""Build an index version from the corpus: incremental, locked, published atomically, crash-safe.

Under the build lock, every file of the new version is written beside the live one and published with one
atomic replace of ``CURRENT``; older versions but the previous one are pruned (:mod:`qa.layout`: every step
is safe to kill with ``kill -9``, and the live version is never touched).

Incremental: documents whose content hash is unchanged keep their chunk records and vectors from the
live version (no re-chunking, no tokenising); added and changed documents are chunked, and only
chunks and evidence units whose text is new are embedded (vectors are keyed by the text embedded).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qa.ann import AnnParams, check_settings
from qa.chunking import chunk_document, embed_prefix
from qa.documents import Document, load_corpus
from qa.embedding import Embedder
from qa.errors import CorpusError
from qa.layout import (
    VERSIONS,
    ChunkRow,
    Progress,
    UnitRow,
    VectorWriter,
    build_lock,
    new_version_name,
    prune,
    publish,
    remove_debris,
    staging_dir,
    write_version_files,
)
from qa.reuse import Previous, read_previous
from qa.status import settings_fingerprint


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


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _unit_embed_text(doc: Document, start: int, end: int, context: str | None) -> str:
    body = doc.text[start:end]
    return f"{context}\n{body}" if context else body


@dataclass
class _Rows:
    """The new version's chunk and unit rows; ``*_src`` is the previous row a vector comes from (-1: embed)."""

    chunks: list[ChunkRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    chunk_texts: list[str] = field(default_factory=list)  # embedded text of every chunk (also BM25's input)
    unit_texts: dict[int, str] = field(default_factory=dict)  # only units that may need embedding
    chunk_src: list[int] = field(default_factory=list)
    unit_src: list[int] = field(default_factory=list)


def _reuse_document(doc: Document, prev: Previous, rows: _Rows) -> None:
    """Copy an unchanged document's chunk records and vector rows from the previous version."""
    for pi in prev.doc_chunks[doc.doc_id]:
        rec = prev.chunk_rows[pi]
        lo = len(rows.units)
        for pu in range(rec.unit_lo, rec.unit_hi):
            rows.units.append(prev.unit_rows[pu]._replace(chunk=len(rows.chunks)))
            rows.unit_src.append(pu)
        rows.chunks.append(rec._replace(unit_lo=lo, unit_hi=len(rows.units)))
        rows.chunk_src.append(pi)
        rows.chunk_texts.append(embed_prefix(doc.title, rec.section) + doc.text[rec.start : rec.end])


def _chunk_document(doc: Document, embedder: Embedder, max_tokens: int, prev: Previous, rows: _Rows) -> None:
    for chunk in chunk_document(doc, embedder.count_tokens, max_tokens):
        text = chunk.embed_text(doc.title)
        lo = len(rows.units)
        ci = len(rows.chunks)
        for u in chunk.units:
            utext = _unit_embed_text(doc, u.start, u.end, u.context)
            ukey = _key(utext)
            rows.unit_texts[len(rows.units)] = utext
            rows.unit_src.append(prev.unit_key_row.get(ukey, -1))
            rows.units.append(UnitRow(ci, u.start, u.end, u.kind, u.context, ukey))
        key = _key(text)
        rows.chunks.append(ChunkRow(chunk.chunk_id, chunk.doc_id, list(chunk.section), chunk.start, chunk.end, lo,
                                    len(rows.units), key))
        rows.chunk_src.append(prev.chunk_key_row.get(key, -1))
        rows.chunk_texts.append(text)


# Texts embedded at a time: what a build holds of tokens and vectors beyond the final arrays' rows being
# written. A multiple of the fp32 batch (16), so batches stay full.
EMBED_BLOCK = 256


def _vectors(
    embedder: Embedder,
    src: list[int],
    prev_vecs: NDArray[np.float32] | None,
    keys: list[str],
    text_of: Callable[[int], str],
    out: VectorWriter,
    what: str,
    say: Progress,
    show_progress: bool,
) -> int:
    """Write row i's vector to ``out``: copied from previous row ``src[i]``, or embedded (once per distinct
    text), a block of rows at a time. Returns how many rows were not copied."""
    from tqdm import tqdm

    first: dict[str, int] = {}  # key -> the row whose text is embedded for it
    todo = 0
    for i, s in enumerate(src):
        if s < 0:
            todo += 1
            first.setdefault(keys[i], i)
    if first:
        say(f"embedding {len(first)} {what}")
    src_arr = np.asarray(src, dtype=np.int64)
    bar = tqdm(total=len(first), desc=f"embedding {what}", unit="text", file=sys.stderr, dynamic_ncols=True,
               disable=not (show_progress and first))
    try:
        for lo in range(0, len(src), EMBED_BLOCK):
            hi = min(lo + EMBED_BLOCK, len(src))
            block = np.zeros((hi - lo, out.dim), dtype=np.float32)
            part = src_arr[lo:hi]
            if prev_vecs is not None and (reused := part >= 0).any():
                block[reused] = prev_vecs[part[reused]]
            fresh = [i for i in range(lo, hi) if src[i] < 0 and first[keys[i]] == i]
            if fresh:
                block[np.asarray(fresh) - lo] = embedder.embed([text_of(i) for i in fresh])
                bar.update(len(fresh))
            for i in range(lo, hi):
                if src[i] < 0 and (f := first[keys[i]]) != i:
                    block[i - lo] = block[f - lo] if f >= lo else out.row(f)
            out.write(block)
    finally:
        bar.close()
    out.close()
    return todo


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
    lock: Callable[[Path, float, Progress | None], AbstractContextManager[None]] = build_lock,
    index_type: str = "flat",
    ann: AnnParams | None = None,
) -> BuildReport:
    """Build a new version beside the live one and make it live with one atomic replace of ``CURRENT``.

    ``index_type`` (flat, hnsw, ivfpq or auto) and ``ann`` choose the FAISS index (see :mod:`qa.ann`);
    the manifest records the type built and its search parameters.

    ``lock`` is held for the build: the index folder's file lock, or the database's (one build at a time across
    replicas). Raises :class:`BuildLockedError` when another build holds it for more than ``lock_wait`` s,
    :class:`CorpusError` when the corpus has no readable article (the live version stays live), and
    :class:`~qa.ann.AnnSettingsError`, before anything is read or embedded, for index settings FAISS cannot build.
    """
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    ann = ann or AnnParams()
    check_settings(index_type, ann, embedder.dim)
    with lock(index_dir, lock_wait, say):
        versions = index_dir / VERSIONS
        versions.mkdir(parents=True, exist_ok=True)
        remove_debris(index_dir)

        say(f"reading {corpus_dir}")
        docs, warnings = load_corpus(corpus_dir)
        if not docs:
            raise CorpusError(f"no readable article in {corpus_dir}" + (f" ({'; '.join(warnings)})" if warnings else ""))
        fingerprint = settings_fingerprint(embedder, max_tokens)
        prev = read_previous(index_dir, fingerprint, full)
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
        from tqdm import tqdm

        with tqdm(total=len(to_chunk), desc="chunking", unit="doc", file=sys.stderr, dynamic_ncols=True,
                  disable=not (show_progress and to_chunk)) as bar:
            for doc in docs:
                if prev.records_ok and doc.doc_id in unchanged and doc.doc_id in prev.doc_chunks:
                    _reuse_document(doc, prev, rows)
                else:
                    _chunk_document(doc, embedder, max_tokens, prev, rows)
                    bar.update(1)

        # The vectors go straight into the new version's files, a block at a time.
        name = new_version_name()
        report.version = name
        tmp = staging_dir(index_dir, name)
        tmp.mkdir()
        chunk_keys = [r.key for r in rows.chunks]
        report.chunks_embedded = _vectors(
            embedder, rows.chunk_src, prev.chunk_vecs, chunk_keys, rows.chunk_texts.__getitem__,
            VectorWriter(tmp / "chunk_vecs.npy", len(rows.chunks), embedder.dim), "chunks", say, show_progress,
        )
        report.units_embedded = _vectors(
            embedder, rows.unit_src, prev.unit_vecs, [u.key for u in rows.units], rows.unit_texts.__getitem__,
            VectorWriter(tmp / "unit_vecs.npy", len(rows.units), embedder.dim), "evidence units", say,
            show_progress,
        )
        prev.chunk_vecs = prev.unit_vecs = None
        report.chunks_total = len(rows.chunks)
        report.chunks_reused = report.chunks_total - report.chunks_embedded
        report.units_total = len(rows.units)
        report.units_reused = report.units_total - report.units_embedded
        if prev.chunk_rows:
            new_keys = set(chunk_keys)
            report.chunks_dropped = sum(1 for r in prev.chunk_rows if r.key not in new_keys)

        say(f"writing index version {name}")
        files, ann_meta = write_version_files(tmp, docs, rows.chunks, rows.units, rows.chunk_texts, index_type, ann)
        report.seconds = round(time.perf_counter() - t0, 3)
        per_doc: dict[str, int] = {}
        for r in rows.chunks:
            per_doc[r.doc_id] = per_doc.get(r.doc_id, 0) + 1
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
        publish(index_dir, tmp, name, manifest, say)
        prune(index_dir, keep={name, prev.name}, say=say)
        report.seconds = round(time.perf_counter() - t0, 3)
        return report
