"""Build an index version from the corpus: incremental, locked, swapped in atomically."""

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

from qa.chunking import Chunk, chunk_document
from qa.documents import Document, load_corpus
from qa.embedding import Embedder
from qa.errors import BuildLockedError, CorpusError, QAError
from qa.index import (
    CURRENT,
    MANIFEST,
    SCHEMA_VERSION,
    VERSIONS,
    fsync_dir,
    live_version_dir,
    read_manifest,
    sha256_file,
    write_json,
)
from qa.lexical import Lexical

CHUNKER_VERSION = 1
LOCK = "LOCK"

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build changed. ``full`` is true when nothing could be reused."""

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
    units_embedded: int = 0
    units_reused: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        lines = [
            f"index version {self.version} is live ({'full' if self.full else 'incremental'} build"
            + (f": {self.full_reason}" if self.full_reason else "")
            + f", {self.seconds:.1f} s)",
            f"documents: {len(self.documents_added)} added, {len(self.documents_changed)} changed, "
            f"{len(self.documents_removed)} removed, {len(self.documents_unchanged)} unchanged",
            f"chunks: {self.chunks_total} in all; {self.chunks_embedded} embedded, {self.chunks_reused} reused, "
            f"{self.chunks_dropped} dropped",
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@contextlib.contextmanager
def build_lock(index_dir: Path, wait_seconds: float) -> Iterator[None]:
    """Exclusive lock for builds; waits up to ``wait_seconds`` then refuses clearly."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK).open("a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLockedError(
                        f"another build holds {index_dir / LOCK}; try again when it finishes"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _unit_embed_text(doc: Document, start: int, end: int, context: str | None) -> str:
    body = doc.text[start:end]
    return f"{context}\n{body}" if context else body


def _settings_fingerprint(embedder: Embedder, max_tokens: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "model_id": embedder.model_id,
        "dim": embedder.dim,
        "chunking": {"version": CHUNKER_VERSION, "max_tokens": max_tokens},
    }


@dataclass
class _Previous:
    manifest: dict[str, Any] | None = None
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # content key -> vector
    chunk_keys: set[str] = field(default_factory=set)
    full_reason: str | None = None


def _previous(index_dir: Path, fingerprint: dict[str, Any]) -> _Previous:
    """The live version's manifest and its vectors keyed by content, when they can be reused."""
    version_dir = live_version_dir(index_dir)
    if version_dir is None:
        return _Previous(full_reason="no previous index")
    try:
        manifest = read_manifest(version_dir)
    except QAError:
        return _Previous(full_reason="previous index unreadable")
    for key, value in fingerprint.items():
        if manifest.get(key) != value:
            return _Previous(manifest, full_reason=f"{key} changed")
    prev = _Previous(manifest)
    try:
        for vec_file, rec_file in (("chunk_vecs.npy", "chunks.jsonl"), ("unit_vecs.npy", "units.jsonl")):
            vecs = np.load(version_dir / vec_file)
            recs = [json.loads(x) for x in (version_dir / rec_file).read_text(encoding="utf-8").splitlines()]
            for rec, vec in zip(recs, vecs, strict=True):
                key = rec["key"] if isinstance(rec, dict) else rec[5]
                prev.vectors[key] = vec
                if isinstance(rec, dict):
                    prev.chunk_keys.add(key)
    except (OSError, ValueError, KeyError, IndexError):
        return _Previous(manifest, full_reason="previous vectors unreadable")
    return prev


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
) -> BuildReport:
    """Build a new version beside the live one and make it live with one atomic rename."""
    import faiss

    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    with build_lock(index_dir, lock_wait):
        versions = index_dir / VERSIONS
        versions.mkdir(parents=True, exist_ok=True)
        for debris in versions.glob(".tmp-*"):  # left by a killed build; we hold the lock
            shutil.rmtree(debris, ignore_errors=True)

        docs, warnings = load_corpus(corpus_dir)
        if not docs:
            raise CorpusError(f"no readable article in {corpus_dir}" + (f" ({'; '.join(warnings)})" if warnings else ""))
        fingerprint = _settings_fingerprint(embedder, max_tokens)
        prev = _Previous(full_reason="--full requested") if full else _previous(index_dir, fingerprint)
        cache = prev.vectors
        prev_docs: dict[str, Any] = (prev.manifest or {}).get("documents", {})
        report = BuildReport(version="", full=not cache, warnings=warnings, full_reason=prev.full_reason)
        for doc in docs:
            old = prev_docs.get(doc.doc_id)
            bucket = report.documents_added if old is None else (
                report.documents_unchanged if old["hash"] == doc.content_hash else report.documents_changed
            )
            bucket.append(doc.doc_id)
        report.documents_removed = sorted(set(prev_docs) - {d.doc_id for d in docs})

        say(f"chunking {len(docs)} documents")
        chunks: list[Chunk] = []
        for doc in docs:
            chunks.extend(chunk_document(doc, embedder.count_tokens, max_tokens))
        by_id = {d.doc_id: d for d in docs}
        chunk_texts = [c.embed_text(by_id[c.doc_id].title) for c in chunks]
        unit_rows: list[list[Any]] = []
        unit_texts: list[str] = []
        chunk_rows: list[dict[str, Any]] = []
        for ci, (chunk, text) in enumerate(zip(chunks, chunk_texts, strict=True)):
            lo = len(unit_rows)
            doc = by_id[chunk.doc_id]
            for u in chunk.units:
                utext = _unit_embed_text(doc, u.start, u.end, u.context)
                unit_texts.append(utext)
                unit_rows.append([ci, u.start, u.end, u.kind, u.context, _key(utext)])
            chunk_rows.append(
                {"chunk_id": chunk.chunk_id, "doc_id": chunk.doc_id, "section": list(chunk.section),
                 "start": chunk.start, "end": chunk.end, "unit_lo": lo, "unit_hi": len(unit_rows), "key": _key(text)}
            )

        def vectors(texts: list[str], keys: list[str], what: str) -> tuple[np.ndarray, int]:
            missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cache}.items())
            if missing:
                say(f"embedding {len(missing)} {what}")
                fresh = embedder.embed([t for _, t in missing], show_progress=show_progress)
                cache.update(zip((k for k, _ in missing), fresh, strict=True))
            out = np.zeros((len(keys), embedder.dim), dtype=np.float32)
            for i, k in enumerate(keys):
                out[i] = cache[k]
            return out, len(missing)

        chunk_vecs, report.chunks_embedded = vectors(chunk_texts, [r["key"] for r in chunk_rows], "chunks")
        unit_vecs, report.units_embedded = vectors(unit_texts, [r[5] for r in unit_rows], "evidence units")
        report.chunks_total = len(chunks)
        report.chunks_reused = len(chunks) - report.chunks_embedded
        report.units_reused = len(unit_rows) - report.units_embedded
        report.chunks_dropped = len(prev.chunk_keys - {r["key"] for r in chunk_rows})

        say("writing index")
        name = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        tmp = versions / f".tmp-{name}"
        tmp.mkdir()
        with (tmp / "docs.jsonl").open("w", encoding="utf-8") as fh:
            for doc in docs:
                fh.write(json.dumps({**doc.meta(), "text": doc.text}, ensure_ascii=False) + "\n")
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk_rows)
        with (tmp / "units.jsonl").open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in unit_rows)
        np.save(tmp / "chunk_vecs.npy", chunk_vecs)
        np.save(tmp / "unit_vecs.npy", unit_vecs)
        index = faiss.IndexFlatIP(embedder.dim)
        index.add(chunk_vecs)
        faiss.write_index(index, str(tmp / "chunks.faiss"))
        Lexical.build(chunk_texts).save(tmp / "bm25")

        files = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        previous = live_version_dir(index_dir)
        report.version = name
        report.seconds = round(time.perf_counter() - t0, 3)
        manifest = {
            **fingerprint,
            "version": name,
            "previous": previous.name if previous else None,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": report.seconds,
            "corpus_dir": str(corpus_dir),
            "index_type": "flat",
            "counts": {"documents": len(docs), "chunks": len(chunks), "units": len(unit_rows)},
            "documents": {
                d.doc_id: {"hash": d.content_hash, "title": d.title, "published": d.published,
                           "chunks": sum(1 for c in chunks if c.doc_id == d.doc_id)}
                for d in docs
            },
            "files": files,
        }
        write_json(tmp / MANIFEST, manifest)  # written last: a version without it never loads
        for p in tmp.rglob("*"):
            if p.is_file():
                with p.open("rb") as fh:
                    os.fsync(fh.fileno())
        fsync_dir(tmp)
        os.rename(tmp, versions / name)
        fsync_dir(versions)
        pointer = index_dir / f".{CURRENT}.tmp"
        pointer.write_text(name + "\n", encoding="utf-8")
        with pointer.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer, index_dir / CURRENT)
        fsync_dir(index_dir)

        keep = {name, previous.name if previous else ""}
        for old in versions.iterdir():
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
        return report


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
