"""The index on disk: immutable versions under ``index/versions/``, the live one named by ``CURRENT``.

This module owns the layout: every name in the index directory, the rows of a version's files, the build
lock, how a version is written, published, pruned, and what killed builds leave behind. Building
(:mod:`qa.build`) decides what goes into a version; loading (:mod:`qa.index`) reads the live one.

::

    index/
      CURRENT                  the live version's name; replaced atomically (via .CURRENT.tmp)
      LOCK                     flock of the one build at a time; holds the builder's pid
      versions/<name>/         docs.jsonl, chunks.jsonl, units.jsonl, chunk_vecs.npy, unit_vecs.npy,
                               chunks.faiss, bm25/, and manifest.json (written last, a sha256 per file)
      versions/.tmp-<name>/    a version being written
      versions/.trash-<name>/  a version being removed

A build (every step safe to kill with ``kill -9``; the live version is never touched):

1. takes ``LOCK`` and removes debris of killed builds (:func:`build_lock`, :func:`remove_debris`);
2. writes every file into ``versions/.tmp-<name>`` (rows and vectors as the build goes: :class:`RowFiles`,
   :class:`VectorWriter`; then FAISS, BM25), fsynced (:func:`write_version_files`);
3. publishes it (:func:`publish`): the manifest last, a rename to ``versions/<name>`` (complete but not
   live: a kill here leaves an orphan the next build prunes), then ``.CURRENT.tmp`` replaces ``CURRENT``,
   the one atomic step that makes it live;
4. prunes versions other than the new one and the previous one, which servers may still be loading
   (:func:`prune`), never the live one.

So a reader sees either the old version or the new one, never a half-written build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from qa.ann import AnnParams, create_index
from qa.documents import Document
from qa.errors import BuildLockedError, IndexCorruptError
from qa.fsutil import fsync_dir, fsync_file, sha256_file
from qa.lexical import LexicalBuilder

SCHEMA_VERSION = 1
CURRENT = "CURRENT"
VERSIONS = "versions"
MANIFEST = "manifest.json"
LOCK = "LOCK"
TMP_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"
REBUILD = "run `qa index build` to rebuild it"

Progress = Callable[[str], None]


class ChunkRow(NamedTuple):
    """One line of ``chunks.jsonl`` (a JSON object, keys in this order). ``key`` names the embedded text."""

    chunk_id: str
    doc_id: str
    section: list[str]
    start: int
    end: int
    unit_lo: int  # units [unit_lo, unit_hi) belong to this chunk
    unit_hi: int
    key: str

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class UnitRow(NamedTuple):
    """One line of ``units.jsonl`` (a JSON array, in this order): an evidence unit of chunk ``chunk``."""

    chunk: int
    start: int
    end: int
    kind: str
    context: str | None
    key: str  # names the embedded text


def jsonl_rows(text: str) -> list[Any]:
    """JSON lines split at ``\n`` only: ``str.splitlines`` also splits at U+2028, U+0085 and other
    separators that ``json.dumps(ensure_ascii=False)`` leaves raw inside strings (MS MARCO has them)."""
    return [json.loads(line) for line in text.split("\n") if line]


def parse_chunk_rows(text: str) -> list[ChunkRow]:
    return [ChunkRow(**r) for r in jsonl_rows(text)]


def parse_unit_rows(text: str) -> list[UnitRow]:
    return [UnitRow._make(r) for r in jsonl_rows(text)]


def unit_columns(text: str) -> tuple[NDArray[np.int64], list[str], list[str | None]]:
    """``units.jsonl`` by column, the fast way to load many units: (chunk, start, end) of every unit as an
    int64 array of shape (n, 3), then their kinds and contexts (the keys only matter to a build)."""
    rows = jsonl_rows(text)
    if not rows:
        return np.zeros((0, 3), dtype=np.int64), [], []
    cols = UnitRow._make(zip(*rows, strict=True))  # each field holds that column, one value per unit
    bounds = np.stack([np.fromiter(c, dtype=np.int64, count=len(rows)) for c in (cols.chunk, cols.start, cols.end)],
                      axis=1)
    return bounds, list(cols.kind), list(cols.context)


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def live_version_dir(index_dir: Path) -> Path | None:
    """The directory of the live version, or None when nothing was ever built."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name:
        return None
    if "/" in name or "\\" in name or name.startswith("."):
        raise IndexCorruptError(f"{index_dir / CURRENT} names no index version ({name[:60]!r}): {REBUILD}")
    return index_dir / VERSIONS / name


def read_manifest(version_dir: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((version_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexCorruptError(f"index version {version_dir} has no manifest: {REBUILD}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"manifest of {version_dir} is corrupt: {REBUILD}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise IndexCorruptError(f"manifest of {version_dir} is corrupt: {REBUILD}")
    return manifest


@contextlib.contextmanager
def build_lock(index_dir: Path, wait_seconds: float, say: Progress | None = None) -> Iterator[None]:
    """Exclusive lock for builds (flock: released by the kernel when the process dies, so a killed build
    never leaves a stale lock); waits up to ``wait_seconds`` then raises :class:`BuildLockedError`.
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


def new_version_name() -> str:
    """The build time (sortable) and a random suffix."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def staging_dir(index_dir: Path, name: str) -> Path:
    """Where version ``name`` is written before it is published (debris if the build is killed)."""
    return index_dir / VERSIONS / f"{TMP_PREFIX}{name}"


class RowFiles:
    """``docs.jsonl``, ``chunks.jsonl`` and ``units.jsonl`` of a version being written, a line at a time as
    each document is done, so a build never holds the corpus's texts or rows."""

    def __init__(self, tmp: Path) -> None:
        self._docs = (tmp / "docs.jsonl").open("w", encoding="utf-8")
        self._chunks = (tmp / "chunks.jsonl").open("w", encoding="utf-8")
        self._units = (tmp / "units.jsonl").open("w", encoding="utf-8")

    def document(self, doc: Document) -> None:
        self._docs.write(json.dumps({**doc.meta(), "text": doc.text}, ensure_ascii=False) + "\n")

    def chunk(self, row: ChunkRow) -> None:
        self._chunks.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")

    def unit(self, row: UnitRow) -> None:
        self._units.write(json.dumps(row, ensure_ascii=False) + "\n")

    def close(self) -> None:
        for fh in (self._docs, self._chunks, self._units):
            fh.close()


def write_version_files(
    tmp: Path, lexical: LexicalBuilder, index_type: str, ann: AnnParams
) -> tuple[dict[str, str], dict[str, Any]]:
    """Write the remaining data files of a version into ``tmp``, whose rows (:class:`RowFiles`) and vectors
    (:class:`VectorWriter`) are written already, and fsync them all; returns their sha256 by name and the FAISS
    index's manifest entry. ``lexical`` holds the chunks' tokens, BM25's input."""
    import faiss

    # Read a block at a time, not mapped: FAISS's own copy of the chunk vectors is the only one in memory.
    index, ann_meta = create_index(NpyRows(tmp / "chunk_vecs.npy"), index_type, ann)
    faiss.write_index(index, str(tmp / "chunks.faiss"))
    del index
    lexical.build().save(tmp / "bm25")
    files: dict[str, str] = {}
    for p in sorted(tmp.rglob("*")):
        if p.is_file():
            files[p.relative_to(tmp).as_posix()] = sha256_file(p)
            fsync_file(p)
    for d in sorted({p.parent for p in tmp.rglob("*")} | {tmp}):
        fsync_dir(d)
    return files, ann_meta


class NpyRows:
    """Rows of a 2-d float32 ``.npy`` file, read on demand (``rows[lo:hi]``, ``rows[index_array]``) with plain
    reads: unlike ``np.load(mmap_mode="r")``, the pages read do not stay in the process's memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as fh:
            version = np.lib.format.read_magic(fh)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise ValueError(f"{path.name} has .npy format {version}")
            shape, fortran, dtype = read_header(fh)
            self._offset = fh.tell()
        if dtype != np.dtype(np.float32) or fortran or len(shape) != 2:
            raise ValueError(f"{path.name} is not a 2-d float32 array")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self._row = self.shape[1] * 4

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: slice | NDArray[np.int64]) -> NDArray[np.float32]:
        with self.path.open("rb") as fh:
            fd = fh.fileno()
            if isinstance(key, slice):
                lo, hi, step = key.indices(self.shape[0])
                if step != 1:
                    raise IndexError("only contiguous slices of rows")
                n = max(hi - lo, 0)
                data = os.pread(fd, n * self._row, self._offset + lo * self._row)
                return np.frombuffer(data, dtype=np.float32).reshape(n, self.shape[1]).copy()
            idx = np.asarray(key, dtype=np.int64)
            out = np.empty((len(idx), self.shape[1]), dtype=np.float32)
            for j, i in enumerate(idx.tolist()):
                if not 0 <= i < self.shape[0]:
                    raise IndexError(f"row {i} of {self.path.name} does not exist")
                out[j] = np.frombuffer(os.pread(fd, self._row, self._offset + i * self._row), dtype=np.float32)
            return out


class VectorWriter:
    """Writes ``<name>.npy`` of ``rows`` x ``dim`` float32 vectors in row order, a block at a time, so a build
    never holds every vector of the corpus (the same bytes as ``np.save`` of the whole array). Rows written
    can be read back (:meth:`row`), for a text that recurs later in the corpus."""

    def __init__(self, path: Path, rows: int, dim: int) -> None:
        self.path, self.rows, self.dim = path, rows, dim
        self._fh = path.open("w+b")
        header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)), "fortran_order": False,
                  "shape": (rows, dim)}
        np.lib.format.write_array_header_1_0(self._fh, header)
        self._offset = self._fh.tell()
        self.written = 0

    def write(self, block: NDArray[np.float32]) -> None:
        block = np.ascontiguousarray(block, dtype=np.float32)
        if block.ndim != 2 or block.shape[1] != self.dim or self.written + len(block) > self.rows:
            raise ValueError(f"a block of shape {block.shape} does not fit {self.path.name}")
        self._fh.write(block.tobytes())
        self.written += len(block)

    def row(self, i: int) -> NDArray[np.float32]:
        if not 0 <= i < self.written:
            raise IndexError(f"row {i} of {self.path.name} is not written yet")
        self._fh.flush()
        size = self.dim * 4
        data = os.pread(self._fh.fileno(), size, self._offset + i * size)
        return np.frombuffer(data, dtype=np.float32).copy()

    def close(self) -> None:
        if self.written != self.rows:
            self._fh.close()
            raise ValueError(f"{self.path.name} has {self.written} of its {self.rows} rows")
        self._fh.close()


def publish(index_dir: Path, tmp: Path, name: str, manifest: dict[str, Any], say: Progress) -> None:
    """Make the staged version ``tmp`` live as ``name``: the manifest last (a version without it never loads),
    rename it into ``versions/`` (complete but not live: a kill here leaves an orphan the next build prunes),
    then replace ``CURRENT``, the one atomic step that makes it live."""
    write_json(tmp / MANIFEST, manifest)
    fsync_file(tmp / MANIFEST)
    fsync_dir(tmp)
    versions = index_dir / VERSIONS
    os.rename(tmp, versions / name)
    fsync_dir(versions)
    say(f"making version {name} live")
    pointer = index_dir / f".{CURRENT}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    fsync_file(pointer)
    os.replace(pointer, index_dir / CURRENT)  # the atomic step: readers see the old or the new name
    fsync_dir(index_dir)
    say(f"version {name} is live")


def remove_debris(index_dir: Path) -> None:
    """What killed builds leave behind. Only called under the lock, so no build is writing any of it."""
    versions = index_dir / VERSIONS
    for debris in versions.iterdir():
        if debris.name.startswith((TMP_PREFIX, TRASH_PREFIX)):
            shutil.rmtree(debris, ignore_errors=True)
    (index_dir / f".{CURRENT}.tmp").unlink(missing_ok=True)


def prune(index_dir: Path, keep: set[str | None], say: Progress) -> None:
    """Remove versions other than ``keep``; never the live one, whatever happened meanwhile. A pruned version
    is first renamed to ``.trash-*``, so a half-deleted directory never has a version's name."""
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
