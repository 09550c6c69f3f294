"""Index status: whether the live index still matches the corpus and the settings, as typed values.

The manifest records a fingerprint of how its vectors and chunks were made (schema, model, dimension,
precision, chunking); a build compares it to decide what it may reuse, and :func:`index_status` to say
why an index needs a full rebuild. Corpus changes are content hashes against the manifest's documents.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.documents import load_corpus
from qa.errors import IndexNotBuiltError
from qa.layout import MANIFEST, SCHEMA_VERSION, live_version_dir, read_manifest

if TYPE_CHECKING:
    from qa.embedding import Embedder

# Bump when chunk records change meaning; chunking.py's own digest is in the fingerprint too, so an
# edit of the chunker re-chunks every document (embeddings of unchanged texts are still reused).
CHUNKER_VERSION = 2

# What a manifest written before a key existed means by it (every index before int8 was fp32).
_FINGERPRINT_DEFAULTS = {"precision": "fp32"}

Changes = dict[str, list[str]]  # added / changed / removed document ids


def _chunker_digest() -> str:
    import qa.chunking

    return hashlib.sha256(Path(qa.chunking.__file__).read_bytes()).hexdigest()[:16]


def _lexical_digest() -> str:
    """How a text is read into BM25's words: qa/text.py's tokens and stop words."""
    import qa.text

    return hashlib.sha256(Path(qa.text.__file__).read_bytes()).hexdigest()[:16]


def settings_fingerprint(embedder: Embedder, max_tokens: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "model_id": embedder.model_id,
        "dim": embedder.dim,
        "precision": embedder.precision,
        "chunking": {"version": CHUNKER_VERSION, "max_tokens": max_tokens, "code": _chunker_digest()},
        "lexical": _lexical_digest(),
    }


# What the records of a version depend on but not its vectors: a change re-chunks and re-reads every document,
# reusing every vector of a text embedded before.
RECORDS_ONLY = ("chunking", "lexical")


def settings_changes(manifest: dict[str, Any], embedder: Embedder, max_tokens: int) -> list[str]:
    """Why an index built under ``manifest`` needs a full rebuild now (model, dimension, precision, chunking,
    schema)."""
    return fingerprint_changes(manifest, settings_fingerprint(embedder, max_tokens))


def fingerprint_changes(manifest: dict[str, Any], fingerprint: dict[str, Any]) -> list[str]:
    """How ``fingerprint`` differs from what ``manifest`` recorded, one description per key, in key order."""
    out = []
    for key, value in fingerprint.items():
        old = recorded_setting(manifest, key)
        if old != value:
            out.append(describe_change(key, old, value))
    return out


def recorded_setting(manifest: dict[str, Any], key: str) -> Any:
    """``manifest[key]``, or what a manifest written before the key existed means by it."""
    return manifest.get(key, _FINGERPRINT_DEFAULTS.get(key))


def describe_change(key: str, old: Any, new: Any) -> str:
    if key == "chunking" and isinstance(old, dict):
        diffs = [("qa/chunking.py edited" if k == "code" else f"{k} {old.get(k)!r} -> {new.get(k)!r}")
                 for k in new if old.get(k) != new.get(k)]
        return "chunking settings changed (" + ", ".join(diffs) + ")"
    names = {"schema_version": "index schema", "model_id": "embedding model", "dim": "embedding dimension",
             "precision": "embedding precision", "lexical": "BM25 word reading (qa/text.py)"}
    return f"{names.get(key, key)} changed ({old!r} -> {new!r})"


def changes_since(manifest: dict[str, Any], corpus_dir: Path) -> Changes:
    """How the corpus differs from the documents ``manifest`` indexed (files it cannot use are the build's to
    report, and its manifest holds them: not logged again here)."""
    indexed = manifest.get("documents", {})
    docs, _ = load_corpus(corpus_dir, quiet=True)
    now = {d.doc_id: d.content_hash for d in docs}
    return {
        "added": sorted(set(now) - set(indexed)),
        "changed": sorted(d for d in now if d in indexed and indexed[d]["hash"] != now[d]),
        "removed": sorted(set(indexed) - set(now)),
    }


def corpus_changes(corpus_dir: Path, index_dir: Path) -> Changes | None:
    """How the corpus differs from the live index (None when there is no index)."""
    version_dir = live_version_dir(index_dir)
    if version_dir is None or not (version_dir / MANIFEST).is_file():
        return None
    return changes_since(read_manifest(version_dir), corpus_dir)


@dataclass(frozen=True)
class EncoderStatus:
    backend: str
    threads: int | None
    spin: bool | None


@dataclass(frozen=True)
class ReloaderStatus:
    running: bool
    reloads: int
    last_error: str | None


@dataclass(frozen=True)
class IndexStatus:
    """The live version's manifest, how the corpus and settings differ from it, and what this process serves.
    ``to_dict()`` is the JSON of ``qa index status --json`` and HTTP ``GET /index``."""

    manifest: dict[str, Any]
    corpus_changes: Changes | None
    settings_changes: list[str]
    stale: bool
    loaded_version: str | None
    live_version: str
    pid: int
    encoder: EncoderStatus
    reloader: ReloaderStatus

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """For people in a terminal: the version, model, counts, each document, and what changed since."""
        m = self.manifest
        lines = [
            f"index version {m['version']} built {m['built_at']} in {m['build_seconds']} s",
            f"model {m['model_id']} ({m['dim']} dimensions, {recorded_setting(m, 'precision')} vectors), "
            f"schema {m['schema_version']}",
            f"{m['counts']['documents']} documents, {m['counts']['chunks']} chunks, {m['counts']['units']} evidence units",
        ]
        lines += [f"  {doc_id}: {d['chunks']} chunks, published {d.get('published') or 'undated'}"
                  for doc_id, d in m["documents"].items()]
        lines += [f"warning: {w}" for w in m.get("warnings", [])]  # absent from manifests written before it was recorded
        ch = self.corpus_changes or {}
        if self.stale:
            if any(ch.values()):
                lines.append("corpus changed since: " + ", ".join(f"{k}: {', '.join(v)}" for k, v in ch.items() if v))
            lines += [f"needs a full rebuild: {reason}" for reason in self.settings_changes]
            lines.append("run `qa index build` to update")
        else:
            lines.append("corpus unchanged since the build")
        return "\n".join(lines)


def index_status(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    max_tokens: int,
    *,
    loaded_version: str | None,
    encoder: EncoderStatus,
    reloader: ReloaderStatus,
) -> IndexStatus:
    """The status of the live index in ``index_dir``; :class:`IndexNotBuiltError` when there is none."""
    live = live_version_dir(index_dir)
    if live is None:
        raise IndexNotBuiltError(index_dir)
    manifest = read_manifest(live)
    changes = changes_since(manifest, corpus_dir)
    outdated = settings_changes(manifest, embedder, max_tokens)
    return IndexStatus(
        manifest=manifest,
        corpus_changes=changes,
        settings_changes=outdated,
        stale=bool(changes and any(changes.values())) or bool(outdated),
        loaded_version=loaded_version,
        live_version=live.name,
        pid=os.getpid(),
        encoder=encoder,
        reloader=reloader,
    )
