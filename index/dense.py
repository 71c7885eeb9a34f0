"""FAISS vector indexes: exact inner product for small corpora, HNSW above a measured size.

Vectors are L2-normalised, so inner product is cosine similarity. The size where HNSW
becomes the default comes from `python -m unqa.index.bench` (see BENCHMARKS in README.md).
"""
from __future__ import annotations

import faiss
import numpy as np

DENSE_TYPES = ("auto", "flat", "hnsw")
HNSW_THRESHOLD = 50_000  # vectors; exact search is ~0.1 ms per 1,000 vectors here (index.bench)
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 512  # recall@10 0.987 at 100k near-duplicate-heavy synthetic data (service.scale), 0.874 at 128


def choose_type(n: int, requested: str = "auto") -> str:
    if requested not in DENSE_TYPES:
        raise ValueError(f"dense index type must be one of {DENSE_TYPES}")
    if requested != "auto":
        return requested
    return "hnsw" if n >= HNSW_THRESHOLD else "flat"


def build_dense(vectors: np.ndarray, kind: str = "auto") -> faiss.Index:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = empty_dense(len(vectors), vectors.shape[1], kind)
    index.add(vectors)
    return index


def empty_dense(n: int, dim: int, kind: str = "auto") -> faiss.Index:
    """The index `build_dense` would make for n vectors, to be filled in batches."""
    if choose_type(n, kind) == "flat":
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def index_type(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def search_dense(index: faiss.Index, queries: np.ndarray, k: int, allowed: np.ndarray | None = None):
    """Top-k (scores, ids); `allowed` restricts the search to those vector ids."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    k = max(1, min(k, index.ntotal))
    if allowed is None:
        return index.search(queries, k)
    if len(allowed) == 0:
        return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
    selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
    if isinstance(index, faiss.IndexHNSW):
        params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
    else:
        params = faiss.SearchParameters(sel=selector)
    return index.search(queries, k, params=params)
