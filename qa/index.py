"""The index on disk: immutable versions under ``index/versions/``, the live one named by ``CURRENT``.

A version holds the documents, chunks, evidence units, their vectors, the FAISS index, BM25 and a
manifest written last, with a checksum of every file. ``CURRENT`` is replaced atomically, so a reader
sees either the old version or the new one, never a half-written build.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qa.ann import apply_search_params
from qa.documents import Document
from qa.errors import IndexCorruptError, IndexMismatchError, IndexNotBuiltError
from qa.lexical import Lexical

SCHEMA_VERSION = 1
CURRENT = "CURRENT"
VERSIONS = "versions"
MANIFEST = "manifest.json"


REBUILD = "run `qa index build` to rebuild it"


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


@dataclass(frozen=True, slots=True)
class ChunkRecord:
    doc_id: str
    section: tuple[str, ...]
    start: int
    end: int
    unit_lo: int  # units [unit_lo, unit_hi) belong to this chunk
    unit_hi: int


class IndexVersion:
    """One loaded, immutable index version. Row i of the FAISS index and of BM25 is ``chunks[i]``;
    row j of ``unit_vecs`` is unit j. Vectors are unit length, so inner product is cosine."""

    def __init__(
        self,
        path: Path,
        manifest: dict[str, Any],
        docs: dict[str, Document],
        chunks: list[ChunkRecord],
        units: NDArray[np.int64],
        unit_kinds: list[str],
        unit_contexts: list[str | None],
        unit_vecs: NDArray[np.float32],
        faiss_index: Any,
        lexical: Lexical,
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.docs = docs
        self.chunks = chunks
        self.units = units  # columns: chunk index, start, end
        self.unit_kinds = unit_kinds
        self.unit_contexts = unit_contexts
        self.unit_vecs = unit_vecs
        self.faiss = faiss_index
        self.lexical = lexical

    @property
    def name(self) -> str:
        return self.path.name


    @classmethod
    def load(cls, index_dir: Path, *, model_id: str | None = None, dim: int | None = None) -> IndexVersion:
        """Load the live version, checking schema, model and every file's checksum.

        Each file is read once and its sha256 checked on the bytes that are then parsed, so a truncated
        or altered file raises :class:`IndexCorruptError` (saying how to rebuild) and is never half-used.
        Everything is read into memory: a loaded version does not need its files any more.
        """
        import faiss

        version_dir = live_version_dir(index_dir)
        if version_dir is None:
            raise IndexNotBuiltError(index_dir)
        if not version_dir.is_dir():
            raise IndexCorruptError(f"live index version {version_dir} is missing: {REBUILD}")
        manifest = read_manifest(version_dir)
        if manifest.get("schema_version") != SCHEMA_VERSION:
            raise IndexMismatchError(
                f"index schema {manifest.get('schema_version')} differs from {SCHEMA_VERSION}: {REBUILD}"
            )
        if model_id is not None and manifest.get("model_id") != model_id:
            raise IndexMismatchError(f"index built with {manifest.get('model_id')}, not {model_id}: {REBUILD}")
        if dim is not None and manifest.get("dim") != dim:
            raise IndexMismatchError(f"index dimension {manifest.get('dim')} != {dim}: {REBUILD}")
        files: dict[str, str] = manifest["files"]
        required = {"docs.jsonl", "chunks.jsonl", "units.jsonl", "unit_vecs.npy", "chunks.faiss"}
        if missing := sorted(required - set(files)):
            raise IndexCorruptError(f"manifest of {version_dir} does not name {', '.join(missing)}: {REBUILD}")

        def verified(name: str) -> bytes:
            path = version_dir / name
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise IndexCorruptError(f"index file {path} is missing or unreadable: {REBUILD}") from exc
            if hashlib.sha256(data).hexdigest() != files[name]:
                raise IndexCorruptError(f"index file {path} is truncated or corrupt (checksum mismatch): {REBUILD}")
            return data

        try:
            blobs = {name: verified(name) for name in sorted(files) if not name.startswith("bm25/")}
            for name in files:  # bm25s reads its own directory: check it first
                if name.startswith("bm25/"):
                    verified(name)
            docs = {}
            for rec in jsonl_rows(blobs["docs.jsonl"].decode("utf-8")):
                rec["subjects"] = tuple(rec.get("subjects") or ())
                docs[rec["doc_id"]] = Document(**rec)
            chunks = [
                ChunkRecord(r["doc_id"], tuple(r["section"]), r["start"], r["end"], r["unit_lo"], r["unit_hi"])
                for r in jsonl_rows(blobs["chunks.jsonl"].decode("utf-8"))
            ]
            unit_rows = jsonl_rows(blobs["units.jsonl"].decode("utf-8"))
            units = np.array([[u[0], u[1], u[2]] for u in unit_rows], dtype=np.int64).reshape(-1, 3)
            unit_vecs = np.load(io.BytesIO(blobs["unit_vecs.npy"]))
            faiss_index = faiss.deserialize_index(np.frombuffer(blobs["chunks.faiss"], dtype=np.uint8))
            apply_search_params(faiss_index, manifest.get("ann"))  # HNSW efSearch, IVF nprobe, refine k_factor
            lexical = Lexical.load(version_dir / "bm25")
        except IndexCorruptError:
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexCorruptError(f"index version {version_dir} cannot be read ({exc}): {REBUILD}") from exc
        if faiss_index.ntotal != len(chunks) or len(unit_vecs) != len(units) or lexical.size != len(chunks):
            raise IndexCorruptError(f"index version {version_dir} is inconsistent: {REBUILD}")
        return cls(
            version_dir,
            manifest,
            docs,
            chunks,
            units,
            [u[3] for u in unit_rows],
            [u[4] for u in unit_rows],
            unit_vecs.astype(np.float32, copy=False),
            faiss_index,
            lexical,
        )


def jsonl_rows(text: str) -> list[Any]:
    """JSON lines split at ``\n`` only: ``str.splitlines`` also splits at U+2028, U+0085 and other
    separators that ``json.dumps(ensure_ascii=False)`` leaves raw inside strings (MS MARCO has them)."""
    return [json.loads(line) for line in text.split("\n") if line]


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


