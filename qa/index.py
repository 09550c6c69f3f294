"""Loading the live index version into memory (:class:`IndexVersion`), every file checked against its manifest.

A version holds the documents, chunks, evidence units, their vectors, the FAISS index and BM25; where they
live and how they are written is :mod:`qa.layout`.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from qa.ann import apply_search_params
from qa.documents import Document
from qa.errors import IndexCorruptError, IndexMismatchError, IndexNotBuiltError
from qa.layout import (
    REBUILD,
    SCHEMA_VERSION,
    jsonl_rows,
    live_version_dir,
    parse_chunk_rows,
    read_manifest,
    unit_columns,
)
from qa.lexical import Lexical


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
                ChunkRecord(r.doc_id, tuple(r.section), r.start, r.end, r.unit_lo, r.unit_hi)
                for r in parse_chunk_rows(blobs["chunks.jsonl"].decode("utf-8"))
            ]
            units, unit_kinds, unit_contexts = unit_columns(blobs["units.jsonl"].decode("utf-8"))
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
            unit_kinds,
            unit_contexts,
            unit_vecs.astype(np.float32, copy=False),
            faiss_index,
            lexical,
        )
