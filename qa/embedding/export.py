"""Export the sentence-transformers model to ONNX once, cache it, and hand back a verified file.

The exported graph is the whole sentence-transformers pipeline of all-MiniLM-L6-v2: BERT, mean pooling over
the attention mask, L2 normalisation, with ONNX Runtime's BERT fusions. In fp32 ONNX Runtime returns the
same unit vectors as the torch backend (max abs difference ~2e-7), so an index built with either serves with
the other. The int8 variant (the default backend) is that graph quantized (:data:`INT8_RECIPE`).

Cache layout (``<cache_dir>/<slug>-<variant>-<key>/``, key = hash of the model files' fingerprint, the
torch, onnx, transformers and sentence-transformers versions, the variant and :data:`EXPORT_FORMAT`)::

    model.onnx      the graph (inputs input_ids, attention_mask, token_type_ids; output ``embedding``)
    meta.json       written last: size and sha256 of model.onnx, versions, a probe text and its torch vector

An entry is written into ``.tmp-*`` and renamed into place, under ``<cache_dir>/.lock`` (flock), so two
processes starting together export once and a killed export leaves no half-written entry. Reading an entry
imports neither torch nor onnx: :func:`cached_model` checks size and sha256 against ``meta.json``; the
embedder then checks the probe vector. A corrupt entry is removed and exported again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.embedding.runtime import OnnxSession
from qa.errors import QAError
from qa.fsutil import fsync_dir, fsync_file, sha256_file

log = logging.getLogger(__name__)

# Bump when the exported graph changes (inputs, outputs, pooling, opset): old cache entries are then unused.
EXPORT_FORMAT = 3  # 2: BERT subgraphs fused (onnxruntime.transformers optimizer); 3: residual Add + LayerNorm left unfused
OPSET = 17
MODEL_FILE = "model.onnx"
META_FILE = "meta.json"
TMP_PREFIX = ".tmp-"
LOCK = ".lock"
# Texts checked at export (ONNX vs torch, batched with padding) and, the first one, at every load.
PROBE_TEXTS = (
    "Does Flask support WebSockets natively, or do I need an extension?",
    "FastAPI",
    "Flask is a WSGI micro-framework; FastAPI is built on Starlette and Pydantic and serves ASGI, "
    "so async endpoints, WebSockets and automatic OpenAPI documentation come out of the box.",
)
TOLERANCE = 1e-4
# How the int8 variant (the default backend) is made (part of its cache key): dynamic quantization of the fused
# graph, QInt8 weights with one scale per output channel (per-tensor weights moved vectors much further from fp32).
INT8_RECIPE = "dynamic-qint8-per-channel-fused"


class ModelExportError(QAError):
    """The ONNX model could not be exported, written or verified."""


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def model_fingerprint(model_path: Path) -> list[list[Any]]:
    """Name, size and mtime of the model's files: a changed or reinstalled model gets a new cache entry."""
    out: list[list[Any]] = []
    for p in sorted(model_path.rglob("*")):
        if p.is_file():
            st = p.stat()
            out.append([p.relative_to(model_path).as_posix(), st.st_size, st.st_mtime_ns])
    return out


def cache_key(model_id: str, model_path: Path, variant: str = "fp32") -> dict[str, Any]:
    """What an exported file depends on. Computed without importing torch (package metadata only)."""
    return {
        "format": EXPORT_FORMAT,
        "model_id": model_id,
        "variant": variant,
        **({"quantization": INT8_RECIPE} if variant == "int8" else {}),
        "model_files": model_fingerprint(model_path),
        "torch": _version("torch"),
        "onnx": _version("onnx"),
        "transformers": _version("transformers"),
        "sentence_transformers": _version("sentence-transformers"),
    }


def entry_dir(cache_dir: Path, key: dict[str, Any]) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(key["model_id"]).rsplit("/", 1)[-1]).strip("-").lower()[:40]
    return cache_dir / f"{slug}-{key['variant']}-{digest}"


def read_entry(entry: Path) -> dict[str, Any] | None:
    """The entry's metadata if its model file is whole (size and sha256 as recorded), else None."""
    try:
        meta: dict[str, Any] = json.loads((entry / META_FILE).read_text())
        model = entry / MODEL_FILE
        if model.stat().st_size != meta["size"] or sha256_file(model) != meta["sha256"]:
            return None
        return meta
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def _export_lock(cache_dir: Path) -> Iterator[None]:
    with (cache_dir / LOCK).open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # another process exporting the same model: wait, then reuse its file
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def cached_model(
    cache_dir: Path, model_id: str, model_path: Path, *, variant: str = "fp32", max_tokens: int = 256
) -> tuple[Path, dict[str, Any], bool]:
    """The verified ONNX file for this model: (path, metadata, whether this call exported it).

    Exports (with torch, once) when no whole entry exists; an entry that fails its checksum is removed and
    exported again. Raises :class:`ModelExportError` when the cache directory cannot be written.
    """
    key = cache_key(model_id, model_path, variant)
    entry = entry_dir(cache_dir, key)
    meta = read_entry(entry)
    if meta is not None:
        return entry / MODEL_FILE, meta, False
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with _export_lock(cache_dir):
            meta = read_entry(entry)  # exported by another process while this one waited
            if meta is not None:
                return entry / MODEL_FILE, meta, False
            if entry.exists():
                log.warning("ONNX model cache %s is corrupt (checksum mismatch or missing file); exporting again", entry)
                discard(entry)
            for debris in cache_dir.glob(TMP_PREFIX + "*"):  # left by a killed export
                shutil.rmtree(debris, ignore_errors=True)
            tmp = cache_dir / f"{TMP_PREFIX}{uuid.uuid4().hex[:8]}"
            tmp.mkdir()
            try:
                meta = export(model_path, tmp, key, max_tokens=max_tokens)
                os.rename(tmp, entry)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            fsync_dir(cache_dir)
    except OSError as exc:
        raise ModelExportError(
            f"cannot write the ONNX model cache in {cache_dir} ({exc.strerror or exc}); "
            "point QA_MODEL_CACHE_DIR at a writable directory or use QA_EMBEDDING_BACKEND=torch"
        ) from exc
    return entry / MODEL_FILE, meta, True


def discard(entry: Path) -> None:
    """Remove a cache entry (renamed aside first, so a half-deleted entry never has the entry's name)."""
    aside = entry.with_name(f"{TMP_PREFIX}{uuid.uuid4().hex[:8]}")
    with contextlib.suppress(OSError):
        os.rename(entry, aside)
        shutil.rmtree(aside, ignore_errors=True)




def export(model_path: Path, out_dir: Path, key: dict[str, Any], *, max_tokens: int = 256) -> dict[str, Any]:
    """Trace the sentence-transformers model into ``out_dir/model.onnx``, check it against torch on
    :data:`PROBE_TEXTS`, quantize it when ``key["variant"] == "int8"``, and write ``meta.json`` last."""
    import warnings

    t0 = time.perf_counter()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    # Eager attention traces to the plain BERT attention pattern, which ONNX Runtime fuses into one op.
    st = SentenceTransformer(str(model_path), device="cpu", model_kwargs={"attn_implementation": "eager"})
    st.max_seq_length = max_tokens
    _check_pipeline(st)
    bert = st[0].auto_model.eval()
    graph = sentence_pipeline(bert, torch).eval()
    ids = torch.tensor([[101, 7592, 2088, 2003, 102, 0], [101, 7592, 2088, 2003, 1037, 102]], dtype=torch.long)
    mask = (ids != 0).long()
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
            "token_type_ids": {0: "batch", 1: "seq"}, "embedding": {0: "batch"}}
    fp32 = out_dir / ("model.fp32.onnx" if key["variant"] != "fp32" else MODEL_FILE)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and legacy-exporter notices: the graph is checked below
        torch.onnx.export(
            graph, (ids, mask, torch.zeros_like(ids)), str(fp32), dynamo=False, opset_version=OPSET,
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["embedding"],
            dynamic_axes=axes, do_constant_folding=True,
        )
    _fuse(fp32, bert.config)
    if key["variant"] == "int8":
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with _quiet_root_logger():  # its "consider pre-processing" notice goes to the root logger
            # The fused ops' outputs have no inferred type: they are float.
            quantize_dynamic(str(fp32), str(out_dir / MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        fp32.unlink()
    ref = st.encode(list(PROBE_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
    session = OnnxSession(out_dir / MODEL_FILE, model_path, threads=1, max_tokens=max_tokens)
    got = session.embed(list(PROBE_TEXTS))  # one padded batch
    diff = float(np.abs(got - ref).max())
    tolerance = TOLERANCE if key["variant"] == "fp32" else 0.1
    if not diff <= tolerance:
        raise ModelExportError(
            f"the exported ONNX model differs from the torch model by {diff:.2e} (tolerance {tolerance:g}); "
            "use QA_EMBEDDING_BACKEND=torch"
        )
    model = out_dir / MODEL_FILE
    fsync_file(model)
    meta = {
        "key": key,
        "size": model.stat().st_size,
        "sha256": sha256_file(model),
        "probe_text": PROBE_TEXTS[0],
        # What ONNX Runtime gives for the probe alone (as int8 embeds every text), for the load check.
        "probe_vector": [float(x) for x in session.embed([PROBE_TEXTS[0]])[0]],
        "torch_diff": diff,
        "export_seconds": round(time.perf_counter() - t0, 2),
    }
    tmp = out_dir / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta))
    fsync_file(tmp)
    os.replace(tmp, out_dir / META_FILE)
    log.info("exported %s to ONNX in %.1f s (max abs diff vs torch %.1e)", key["model_id"], meta["export_seconds"], diff)
    return meta


def _fuse(path: Path, config: Any) -> None:
    """Rewrite the traced graph with ONNX Runtime's BERT fusions (one ``Attention`` op per layer, ``BiasGelu``,
    ``EmbedLayerNormalization``), in place. The same arithmetic in fewer, larger kernels: a short question is
    faster on one thread and more so on two (docs/benchmarks.md), and the vectors stay within :data:`TOLERANCE` of torch (checked
    by :func:`export`). The result is portable (no hardware-specific rewrites are saved: ONNX Runtime applies
    those when it loads the file).

    The residual ``Add`` + ``LayerNormalization`` of each sub-layer stay two ops (no ``SkipLayerNormalization``,
    here or at load: :data:`qa.embedding.runtime.UNFUSED_AT_LOAD`): onnxruntime 1.31's fused CPU kernel is the slower, in int8 and
    in fp32, with the same vectors (docs/benchmarks.md, "Speed")."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_skip_layer_norm = False
    with _quiet_root_logger():  # the optimizer logs each fusion it applies at INFO
        model = optimize_model(str(path), model_type="bert", num_heads=int(config.num_attention_heads),
                               hidden_size=int(config.hidden_size), opt_level=0, optimization_options=options)
        model.save_model_to_file(str(path))


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """onnxruntime's tools log chatter to the root logger: only errors pass while they run."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _check_pipeline(st: Any) -> None:
    """The graph below hard-codes mean pooling + normalisation: refuse models that do something else."""
    names = [type(m).__name__ for m in st]
    pooling = st[1] if len(st) > 1 else None
    mode = getattr(pooling, "pooling_mode", None) or (
        "mean" if getattr(pooling, "pooling_mode_mean_tokens", False) else None
    )
    if names[:1] != ["Transformer"] or type(pooling).__name__ != "Pooling" or mode != "mean" or "Normalize" not in names:
        raise ModelExportError(
            f"ONNX export supports Transformer + mean Pooling + Normalize models, not {names} ({mode}); "
            "use QA_EMBEDDING_BACKEND=torch"
        )


def sentence_pipeline(bert: Any, torch: Any) -> Any:
    """BERT, then sentence-transformers' mean pooling (sum over the mask / count clamped at 1e-9), then
    ``torch.nn.functional.normalize`` (L2, eps 1e-12): the same operations as the torch backend. Traced for
    the ONNX export, and run directly by the torch backend for single questions."""

    class Pipeline(torch.nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            tokens = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    return Pipeline()
