"""Build an index version from the corpus: incremental, locked, published atomically, crash-safe.

Under the build lock, every file of the new version is written beside the live one and published with one
atomic replace of ``CURRENT``; older versions but the previous one are pruned (:mod:`qa.layout`: every step
is safe to kill with ``kill -9``, and the live version is never touched).

Incremental: documents whose content hash is unchanged keep their chunk records and vectors from the
live version (no re-chunking, no tokenising); added and changed documents are chunked, and only
chunks and evidence units whose text is new are embedded (vectors are keyed by the text embedded).

Memory grows with the largest file and the embedding block, not with the corpus: documents are read and
chunked one at a time, their rows written to the new version's files at once, the texts to embed spilled to
a scratch file and embedded a block at a time, BM25's input kept as token ids. What stays per row is a few
bytes: where its vector comes from and, until every row is known, its text's key (figures in
docs/benchmarks.md, "Build memory").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
import time
from array import array
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.ann import AnnParams, check_settings
from qa.chunking import chunk_document, chunk_text
from qa.coverage import english_word
from qa.documents import Document, corpus_files, iter_corpus
from qa.embedding import Embedder
from qa.errors import CorpusError
from qa.layout import (
    VERSIONS,
    ChunkRow,
    NpyRows,
    Progress,
    RowFiles,
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
from qa.lexical import LexicalBuilder
from qa.query import SubjectCatalog
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
    # The subjects the corpus compares (front matter, folder metadata, "X vs Y" titles): none means no question
    # can be told whose page is whose.
    subjects: list[str] = field(default_factory=list)

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
            f"subjects: {', '.join(self.subjects)}" if self.subjects else
            "subjects: none (name them in front matter, or in a folder's .meta.yml for pages that have none)",
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


class _TextSpill:
    """Texts to embed, written to a scratch file in row order and read back in that order, so a build holds
    no text beyond the document it is chunking and the block it is embedding."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("w+b")

    def append(self, text: str) -> None:
        data = text.encode()
        self._fh.write(len(data).to_bytes(8, "little") + data)

    def rewind(self) -> None:
        self._fh.flush()
        self._fh.seek(0)

    def next(self) -> str:
        size = int.from_bytes(self._fh.read(8), "little")
        return self._fh.read(size).decode()

    def skip(self) -> None:
        self._fh.seek(int.from_bytes(self._fh.read(8), "little"), 1)

    def close(self) -> None:
        self._fh.close()
        self.path.unlink(missing_ok=True)


class _Rows:
    """Where each row's vector comes from, for one kind of row (chunks or evidence units): ``src[i]`` is the
    previous version's row to copy, or -1 to embed; then ``first[i]`` is the first row with the same text,
    whose embedding it shares (i itself: this row's text is embedded). Every row to embed has its text in
    ``spill`` and, until :meth:`done_adding` finds the first rows, its key's 16 bytes in one array: 24
    bytes a row in memory in all. The rows themselves go to disk as each document is done
    (:class:`~qa.layout.RowFiles`)."""

    def __init__(self, spill: Path) -> None:
        self.src = array("q")
        self.first = np.zeros(0, dtype=np.int64)
        self.distinct = 0  # texts to embed
        self.spill = _TextSpill(spill)
        self._keys = bytearray()

    def __len__(self) -> int:
        return len(self.src)

    def add(self, key: str, prev_row: int, text: str) -> None:
        """Row ``len(self)``: its vector is previous row ``prev_row``'s, or (-1) that of ``text``, keyed ``key``."""
        self.src.append(prev_row)
        if prev_row < 0:
            self._keys += bytes.fromhex(key)
            self.spill.append(text)

    def done_adding(self) -> None:
        src = np.frombuffer(self.src, dtype=np.int64) if self.src else np.zeros(0, dtype=np.int64)
        self.first = np.arange(len(src), dtype=np.int64)
        fresh = np.flatnonzero(src < 0)
        if len(fresh):
            # First occurrences by sorting the keys: a dict of every key would cost six times the memory.
            _, at, inverse = np.unique(np.frombuffer(self._keys, dtype="V16"), return_index=True,
                                       return_inverse=True)
            self.first[fresh] = fresh[at[inverse]]
            self.distinct = len(at)
        self._keys = bytearray()
        self.spill.rewind()


def _reuse_document(doc: Document, prev: Previous, out: RowFiles, chunks: _Rows, units: _Rows,
                    lexical: LexicalBuilder) -> int:
    """Copy an unchanged document's chunk records and vector rows from the previous version; returns its
    number of chunks."""
    for pi in prev.doc_chunks[doc.doc_id]:
        rec = prev.chunk_rows[pi]
        lo = len(units)
        for pu in range(rec.unit_lo, rec.unit_hi):
            out.unit(prev.unit_rows[pu]._replace(chunk=len(chunks)))
            units.add(prev.unit_rows[pu].key, pu, "")
        out.chunk(rec._replace(unit_lo=lo, unit_hi=len(units)))
        chunks.add(rec.key, pi, "")
        # the same text as a chunking of the document gives (qa.chunking.Chunk.embed_text)
        first_context = prev.unit_rows[rec.unit_lo].context if rec.unit_hi > rec.unit_lo else ""
        lexical.add(chunk_text(doc.title, rec.section, doc.text[rec.start : rec.end], first_context))
    return len(prev.doc_chunks[doc.doc_id])


def _chunk_document(doc: Document, embedder: Embedder, max_tokens: int, prev: Previous, out: RowFiles,
                    chunks: _Rows, units: _Rows, lexical: LexicalBuilder) -> tuple[int, list[str]]:
    """Chunk a new or changed document; returns its number of chunks and their keys."""
    keys = []
    for chunk in chunk_document(doc, embedder.count_tokens, max_tokens):
        text = chunk.embed_text(doc.title)
        lo = len(units)
        ci = len(chunks)
        for u in chunk.units:
            utext = _unit_embed_text(doc, u.start, u.end, u.context)
            ukey = _key(utext)
            out.unit(UnitRow(ci, u.start, u.end, u.kind, u.context, ukey))
            units.add(ukey, prev.unit_key_row.get(ukey, -1), utext)
        key = _key(text)
        out.chunk(ChunkRow(chunk.chunk_id, chunk.doc_id, list(chunk.section), chunk.start, chunk.end, lo,
                           len(units), key))
        chunks.add(key, prev.chunk_key_row.get(key, -1), text)
        lexical.add(text)
        keys.append(key)
    return len(keys), keys


# Texts embedded at a time: what a build holds of tokens and vectors beyond the final arrays' rows being
# written. A multiple of the fp32 batch (16), so batches stay full.
EMBED_BLOCK = 256


def _vectors(
    embedder: Embedder,
    rows: _Rows,
    prev_vecs: NpyRows | None,
    out: VectorWriter,
    what: str,
    say: Progress,
    show_progress: bool,
) -> int:
    """Write row i's vector to ``out``: copied from previous row ``rows.src[i]``, or embedded (once per distinct
    text), a block of rows at a time. Returns how many rows were not copied."""
    from tqdm import tqdm

    src = np.frombuffer(rows.src, dtype=np.int64) if len(rows) else np.zeros(0, dtype=np.int64)
    first = rows.first
    todo = int((src < 0).sum())
    if rows.distinct:
        say(f"embedding {rows.distinct} {what}")
    bar = tqdm(total=rows.distinct, desc=f"embedding {what}", unit="text", file=sys.stderr, dynamic_ncols=True,
               disable=not (show_progress and rows.distinct))
    try:
        for lo in range(0, len(src), EMBED_BLOCK):
            hi = min(lo + EMBED_BLOCK, len(src))
            block = np.zeros((hi - lo, out.dim), dtype=np.float32)
            part = src[lo:hi]
            if prev_vecs is not None and (reused := part >= 0).any():
                block[reused] = prev_vecs[part[reused]]
            fresh, texts = [], []
            for i in np.flatnonzero(part < 0).tolist():  # the spill holds every row to embed, in order
                if first[lo + i] == lo + i:
                    fresh.append(lo + i)
                    texts.append(rows.spill.next())
                else:
                    rows.spill.skip()
            if fresh:
                block[np.asarray(fresh) - lo] = embedder.embed(texts)
                bar.update(len(fresh))
            for i in range(lo, hi):
                if src[i] < 0 and (f := int(first[i])) != i:
                    block[i - lo] = block[f - lo] if f >= lo else out.row(f)
            out.write(block)
    finally:
        bar.close()
        rows.spill.close()
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
        paths = corpus_files(corpus_dir)
        fingerprint = settings_fingerprint(embedder, max_tokens)
        prev = read_previous(index_dir, fingerprint, full)
        # Which previous chunks' texts are still indexed, for chunks_dropped: a flag at each key's row.
        prev_key_row = prev.chunk_key_row or {r.key: i for i, r in enumerate(prev.chunk_rows)}
        kept = np.zeros(len(prev.chunk_rows), dtype=bool)
        if not prev.vectors_ok:
            prev.chunk_vecs = prev.unit_vecs = None
            prev.chunk_key_row, prev.unit_key_row = {}, {}
        prev_docs: dict[str, Any] = (prev.manifest or {}).get("documents", {})
        report = BuildReport(
            version="", full=not prev.records_ok, warnings=[],
            full_reason=None if prev.records_ok else prev.full_reason, previous_version=prev.name,
        )
        name = new_version_name()
        report.version = name
        tmp = staging_dir(index_dir, name)
        tmp.mkdir()
        try:
            # One document at a time: its rows go to disk, its texts to embed to a scratch file, its tokens
            # to BM25's compact arrays; the vectors follow, a block at a time, into the version's files.
            chunks, units = _Rows(tmp / "chunks.spill"), _Rows(tmp / "units.spill")
            lexical = LexicalBuilder()
            doc_meta: dict[str, dict[str, Any]] = {}
            named: list[Document] = []  # each document's title and subjects, for the catalog the report names
            rows = RowFiles(tmp)
            say(f"chunking new and changed documents of {corpus_dir}")
            from tqdm import tqdm

            with tqdm(total=len(paths), desc="chunking", unit="file", file=sys.stderr, dynamic_ncols=True,
                      disable=not (show_progress and paths)) as bar:
                for doc in iter_corpus(corpus_dir, report.warnings, paths, on_file=lambda: bar.update(1)):
                    old = prev_docs.get(doc.doc_id)
                    unchanged = old is not None and old.get("hash") == doc.content_hash
                    (report.documents_unchanged if unchanged else
                     report.documents_added if old is None else report.documents_changed).append(doc.doc_id)
                    rows.document(doc)
                    if prev.records_ok and unchanged and doc.doc_id in prev.doc_chunks:
                        n = _reuse_document(doc, prev, rows, chunks, units, lexical)
                        keys = [prev.chunk_rows[pi].key for pi in prev.doc_chunks[doc.doc_id]]
                    else:
                        n, keys = _chunk_document(doc, embedder, max_tokens, prev, rows, chunks, units, lexical)
                    kept[[prev_key_row[k] for k in keys if k in prev_key_row]] = True
                    doc_meta[doc.doc_id] = {"hash": doc.content_hash, "title": doc.title, "published": doc.published,
                                            "chunks": n}
                    named.append(Document(doc.doc_id, doc.title, "", subjects=doc.subjects))
            rows.close()
            report.subjects = SubjectCatalog.from_documents(named, english_word).names
            if not doc_meta:
                raise CorpusError(f"no readable article in {corpus_dir}"
                                  + (f" ({'; '.join(report.warnings)})" if report.warnings else ""))
            report.documents_removed = sorted(set(prev_docs) - set(doc_meta))
            chunks.done_adding()
            units.done_adding()
            report.chunks_dropped = sum(1 for r in prev.chunk_rows if not kept[prev_key_row[r.key]])
            del prev_key_row, kept

            report.chunks_embedded = _vectors(
                embedder, chunks, prev.chunk_vecs, VectorWriter(tmp / "chunk_vecs.npy", len(chunks), embedder.dim),
                "chunks", say, show_progress,
            )
            report.units_embedded = _vectors(
                embedder, units, prev.unit_vecs, VectorWriter(tmp / "unit_vecs.npy", len(units), embedder.dim),
                "evidence units", say, show_progress,
            )
            prev.chunk_vecs = prev.unit_vecs = None
            report.chunks_total = len(chunks)
            report.chunks_reused = report.chunks_total - report.chunks_embedded
            report.units_total = len(units)
            report.units_reused = report.units_total - report.units_embedded

            say(f"writing index version {name}")
            files, ann_meta = write_version_files(tmp, lexical, index_type, ann)
            del lexical
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        report.seconds = round(time.perf_counter() - t0, 3)
        manifest = {
            **fingerprint,
            "version": name,
            "previous": prev.name,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": report.seconds,
            "corpus_dir": str(corpus_dir),
            "index_type": ann_meta["type"],
            "ann": ann_meta,
            "counts": {"documents": len(doc_meta), "chunks": len(chunks), "units": len(units)},
            "documents": doc_meta,
            "change": {k: report.to_dict()[k] for k in (
                "full", "full_reason", "documents_added", "documents_changed", "documents_removed",
                "chunks_embedded", "chunks_reused", "chunks_dropped", "units_embedded", "units_reused")},
            "files": files,
            "warnings": report.warnings,  # files skipped and what was dropped from others, each naming its file
        }
        publish(index_dir, tmp, name, manifest, say)
        prune(index_dir, keep={name, prev.name}, say=say)
        report.seconds = round(time.perf_counter() - t0, 3)
        return report
