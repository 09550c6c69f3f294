"""ONNX Runtime: one exported model file and the model's tokenizer, texts in, unit vectors out.

Imports onnxruntime and tokenizers only (on first use), never torch: this is what serves questions.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding.base import Vectors, tokenizer

# The fusion ONNX Runtime would otherwise apply again when it loads the file (see ``export._fuse``).
UNFUSED_AT_LOAD = ("SkipLayerNormFusion",)


class OnnxSession:
    """One exported model file under ONNX Runtime, with the model's tokenizer: texts in, unit vectors out
    (the graph pools and normalises). Imports onnxruntime and tokenizers only.

    One text runs on a session with ``threads`` intra-op threads (lowest latency for a question). Many texts
    (a build) run as batches on ``threads`` one-thread runs at once: each batch keeps one core busy, with no
    hand-off between threads inside every operator (more word pieces a second: docs/benchmarks.md)."""

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
        self.tokenizer = tokenizer(model_path, max_tokens)
        self.batch_size = batch_size
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def _new_session(self, threads: int) -> Any:
        ort = self._ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        # int8 products summed exactly on CPUs without AVX-512 VNNI too (their default pairs them in 16 bits,
        # which saturates): the vectors of a VNNI CPU up to float rounding, so answers and the evidence models
        # trained on them depend on the CPU as little as they can (docs/benchmarks.md, "Embedding backends").
        opts.add_session_config_entry("session.x64quantprecision", "1")
        if not self.spin:
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        else:
            # Spin between the operators of a run, not after it: the rest of an answer (and any other process)
            # needs the core the pool thread would spin on until the next question.
            opts.add_session_config_entry("session.force_spinning_stop", "1")
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
