"""The FAISS index over chunk vectors: exact (flat) by default, approximate when the corpus is large.

- ``flat``: ``IndexFlatIP``, exact. Memory 4 * dim bytes a chunk (1.5 KB at dim 384).
- ``hnsw``: ``IndexHNSWFlat`` (inner product), graph search over the full vectors; ``efSearch``
  trades speed for recall. Memory: the vectors plus ~``8 * M`` bytes a chunk of graph.
- ``ivfpq``: an inverted file (``nlist`` lists, ``nprobe`` searched) of product-quantised codes
  (``pq_m`` bytes a chunk), re-ranked exactly enough by an 8-bit scalar-quantised copy
  (``IndexRefine``, ``k_factor`` x k candidates): ~``pq_m + dim`` bytes a chunk, a quarter of flat.
- ``auto``: flat below ``hnsw_min_chunks`` (exact search is fast enough there), hnsw up to
  ``ivfpq_min_chunks``, ivfpq above (where full vectors would cost too much memory); figures in
  docs/benchmarks.md.

Search parameters are written into the manifest and set again on load (:func:`apply_search_params`).
Every index keeps ``reconstruct`` working (retrieval scores a few candidates found only by BM25).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from qa.errors import SettingsError

INDEX_TYPES = ("flat", "hnsw", "ivfpq", "auto")


@dataclass(frozen=True, slots=True)
class AnnParams:
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 256
    ivf_nlist: int = 0  # 0: about sqrt(chunks) (1,000 lists at 1e6), at least 39 training points a list
    ivf_nprobe: int = 32
    pq_m: int = 48  # bytes of PQ code a vector; must divide the dimension
    refine_k_factor: float = 64.0
    hnsw_min_chunks: int = 50_000
    ivfpq_min_chunks: int = 300_000

    @classmethod
    def from_settings(cls, settings: Any) -> AnnParams:
        names = cls.__dataclass_fields__
        return cls(**{n: getattr(settings, n) for n in names if hasattr(settings, n)})


class AnnSettingsError(SettingsError):
    """The FAISS index settings cannot build an index (found before anything is embedded)."""


def check_settings(index_type: str, params: AnnParams, dim: int) -> None:
    """Raise :class:`AnnSettingsError` for settings that cannot build an index of this type (for ``auto``:
    of any type it may choose), so a build stops before it spends minutes embedding."""
    _check_type(index_type)
    if index_type in ("ivfpq", "auto") and dim % params.pq_m:
        divisors = ", ".join(str(d) for d in range(8, dim + 1, 8) if dim % d == 0)
        raise AnnSettingsError(
            f"QA_PQ_M={params.pq_m} does not divide the embedding dimension {dim}; use one of {divisors}")


def _check_type(index_type: str) -> None:
    if index_type not in INDEX_TYPES:
        raise AnnSettingsError(f"index type {index_type!r} is not one of {', '.join(INDEX_TYPES)}")


def resolve_type(index_type: str, n: int, params: AnnParams) -> str:
    _check_type(index_type)
    kind = index_type
    if index_type == "auto":
        kind = "ivfpq" if n >= params.ivfpq_min_chunks else "hnsw" if n >= params.hnsw_min_chunks else "flat"
    if kind == "ivfpq" and n < 256:
        return "flat"  # too few vectors to train 256 PQ centroids: exact search is the honest choice
    return kind


def _nlist(n: int, params: AnnParams) -> int:
    nlist = params.ivf_nlist or int(math.sqrt(n))
    return max(1, min(nlist, n // 39))


class Rows(Protocol):
    """Vectors by row: an array, or rows read from a file on demand (:class:`qa.layout.NpyRows`)."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, key: Any) -> NDArray[np.float32]: ...


# Vectors added at a time, so the index's own copy is the only full one in memory.
ADD_BLOCK = 1024


def _add(index: Any, vectors: Rows) -> None:
    for lo in range(0, vectors.shape[0], ADD_BLOCK):
        index.add(np.ascontiguousarray(vectors[lo : lo + ADD_BLOCK], dtype=np.float32))


def create_index(vectors: Rows, index_type: str, params: AnnParams) -> tuple[Any, dict[str, Any]]:
    """Build the index over unit-length ``vectors`` (row i is chunk i). Returns it with its manifest
    entry: ``{"type": resolved type, ...search parameters}``."""
    import faiss

    n, dim = vectors.shape
    kind = resolve_type(index_type, n, params)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
        # Room for every vector first: added a block at a time, FAISS's code vector would grow by doubling, a
        # peak of up to three times its final size (a std::vector keeps its capacity when resized down).
        index.codes.resize(n * index.code_size)
        index.codes.resize(0)
        _add(index, vectors)
        return index, {"type": "flat", "requested": index_type}
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = params.hnsw_ef_construction
        # All at once: HNSW inserts a batch by level, so adding in blocks would build another graph.
        index.add(np.ascontiguousarray(vectors[0:n], dtype=np.float32))
        meta = {"type": "hnsw", "requested": index_type, "m": params.hnsw_m,
                "ef_construction": params.hnsw_ef_construction, "ef_search": params.hnsw_ef_search}
        apply_search_params(index, meta)
        return index, meta
    check_settings(kind, params, dim)
    nlist = _nlist(n, params)
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFPQ(quantizer, dim, nlist, params.pq_m, 8, faiss.METRIC_INNER_PRODUCT)
    # PQ codebooks: 64 points a centroid (16k) instead of FAISS's 256. Training them is most of the
    # build (tiny sub-spaces make k-means slow), and the exact-ish refine step absorbs the difference.
    ivf.pq.cp.max_points_per_centroid = 64
    refine = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    index = faiss.IndexRefine(ivf, refine)
    # Training on a sample: k-means cost grows with it; 64 points a list (and 64k for the PQ codebooks)
    # is plenty, and keeps a 1e6-chunk build to minutes on 2 cores.
    rng = np.random.default_rng(0)
    n_train = max(nlist * 64, 65_536)
    train = vectors[0:n] if n <= n_train else vectors[np.sort(rng.choice(n, n_train, replace=False))]
    index.train(np.ascontiguousarray(train, dtype=np.float32))
    del train
    _add(index, vectors)
    meta = {"type": "ivfpq", "requested": index_type, "nlist": nlist, "pq_m": params.pq_m,
            "nprobe": min(params.ivf_nprobe, nlist), "k_factor": params.refine_k_factor}
    apply_search_params(index, meta)
    return index, meta


def apply_search_params(index: Any, meta: dict[str, Any] | None) -> None:
    """Set the query-time knobs the manifest records (HNSW ``efSearch``; IVF ``nprobe``, refine ``k_factor``)."""
    import faiss

    if not meta:
        return
    kind = meta.get("type")
    if kind == "hnsw" and "ef_search" in meta:
        faiss.downcast_index(index).hnsw.efSearch = int(meta["ef_search"])
    elif kind == "ivfpq":
        top = faiss.downcast_index(index)
        if "k_factor" in meta and hasattr(top, "k_factor"):
            top.k_factor = float(meta["k_factor"])
        if "nprobe" in meta:
            faiss.extract_index_ivf(top).nprobe = int(meta["nprobe"])
