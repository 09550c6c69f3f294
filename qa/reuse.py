"""What the live version offers a build for reuse: its chunk and unit rows and their vectors, each file
checked against the manifest, and how much of it the current settings allow (vectors of the same model and
precision; chunk records only under the same chunking too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import QAError
from qa.fsutil import sha256_file
from qa.layout import (
    ChunkRow,
    NpyRows,
    UnitRow,
    live_version_dir,
    parse_chunk_rows,
    parse_unit_rows,
    read_manifest,
)
from qa.status import RECORDS_ONLY, fingerprint_changes


@dataclass
class Previous:
    """What the live version offers for reuse. ``vectors_ok``: its vectors are from the same model;
    ``records_ok``: its chunk records of unchanged documents are valid too (same chunking)."""

    name: str | None = None
    manifest: dict[str, Any] | None = None
    full_reason: str | None = None
    vectors_ok: bool = False
    records_ok: bool = False
    chunk_rows: list[ChunkRow] = field(default_factory=list)
    unit_rows: list[UnitRow] = field(default_factory=list)
    chunk_vecs: NpyRows | None = None
    unit_vecs: NpyRows | None = None
    chunk_key_row: dict[str, int] = field(default_factory=dict)
    unit_key_row: dict[str, int] = field(default_factory=dict)
    doc_chunks: dict[str, list[int]] = field(default_factory=dict)


def read_previous(index_dir: Path, fingerprint: dict[str, Any], full: bool) -> Previous:
    try:
        version_dir = live_version_dir(index_dir)
    except QAError as exc:  # CURRENT itself is damaged: nothing to reuse, the build repairs it
        return Previous(full_reason=f"previous index unreadable ({exc})")
    if version_dir is None:
        return Previous(full_reason="no previous index")
    prev = Previous(name=version_dir.name)
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
        prev.chunk_rows = parse_chunk_rows((version_dir / "chunks.jsonl").read_text(encoding="utf-8"))
        prev.unit_rows = parse_unit_rows((version_dir / "units.jsonl").read_text(encoding="utf-8"))
        # Read on demand: a build copies only the rows it reuses, a block at a time.
        chunk_vecs = NpyRows(version_dir / "chunk_vecs.npy")
        unit_vecs = NpyRows(version_dir / "unit_vecs.npy")
        if len(chunk_vecs) != len(prev.chunk_rows) or len(unit_vecs) != len(prev.unit_rows):
            raise ValueError("row counts differ")
    except (OSError, ValueError, KeyError, TypeError) as exc:  # TypeError: a row without its fields
        prev.chunk_rows, prev.unit_rows = [], []
        prev.full_reason = "--full requested" if full else f"previous index corrupt ({exc})"
        return prev
    if full:
        prev.full_reason = "--full requested"
        return prev
    # Vectors are reusable under every recorded setting but the chunking and the reading of words (texts are
    # keyed by what was embedded).
    if vector_changes := fingerprint_changes(prev.manifest, {k: v for k, v in fingerprint.items() if k not in RECORDS_ONLY}):
        prev.full_reason = vector_changes[0]
        return prev
    if chunk_vecs.shape[1] != fingerprint["dim"]:
        prev.full_reason = "previous vectors have another shape"
        return prev
    prev.vectors_ok = True
    prev.chunk_vecs, prev.unit_vecs = chunk_vecs, unit_vecs
    prev.chunk_key_row = {r.key: i for i, r in enumerate(prev.chunk_rows)}
    prev.unit_key_row = {u.key: i for i, u in enumerate(prev.unit_rows)}
    if records_changes := fingerprint_changes(prev.manifest, {k: fingerprint[k] for k in RECORDS_ONLY}):
        prev.full_reason = records_changes[0]
        return prev
    prev.records_ok = True
    for i, r in enumerate(prev.chunk_rows):
        prev.doc_chunks.setdefault(r.doc_id, []).append(i)
    return prev
