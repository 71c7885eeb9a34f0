"""Loading a verified index and searching it: dense, lexical, or both fused.

Fusion is weighted reciprocal-rank fusion. The lexical weight depends on whether the
question is in the document's script: an English question shares no words with a Chinese
paragraph, so there BM25 only counts through script-neutral tokens (symbols, numbers,
dates) and gets a lower weight. Weights were chosen per language on the question set
(README.md, "Retrieval choices").
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from ingest import Record

from .dense import search_dense
from .embedders import Embedder, embedder_name, make_embedder
from .lexical import LexicalIndex, Tokenizer
from .store import IndexLoadError, IndexManifest, corpus_hash, current_version, read_verified_manifest

RETRIEVERS = ("dense", "lexical", "hybrid")
DEFAULT_RETRIEVER = "hybrid"
DENSE_SCORINGS = ("block", "max", "mean")
DEFAULT_DENSE_SCORING = "max"
RRF_K = 60
LEXICAL_WEIGHT_SAME_SCRIPT = 1.0
LEXICAL_WEIGHT_CROSS_SCRIPT = 0.2

_SCRIPTS = {
    "cjk": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
LANGUAGE_SCRIPT = {"zh": "cjk", "ru": "cyrillic", "ar": "arabic", "en": "latin", "fr": "latin", "es": "latin"}


def script_of(text: str) -> str:
    """The dominant script of a text (a Chinese character counts as much as a Latin word)."""
    counts = {name: len(rx.findall(text)) for name, rx in _SCRIPTS.items()}
    counts["latin"] = counts["latin"] / 5
    return max(counts, key=counts.get) if any(counts.values()) else "latin"


class SearchError(ValueError):
    """Bad search arguments (unknown document, retriever, top_k)."""


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float  # the ranking score of the retriever used (fused RRF score for hybrid)
    retrievers: tuple[str, ...]  # which retrievers had this record among their candidates
    dense_score: float | None  # cosine similarity of the best-matching part (and sentence)
    lexical_score: float | None  # BM25 score
    rank: int
    record_index: int


class Index:
    def __init__(self, version: Path, manifest: IndexManifest, records: list[Record], embedder: Embedder,
                 dense: faiss.Index, sentences: faiss.Index, unit_records: np.ndarray,
                 sentence_spans: np.ndarray, lexical: LexicalIndex) -> None:
        self.version = version
        self.manifest = manifest
        self.records = records
        self.embedder = embedder
        self.dense = dense
        self.sentences = sentences
        self.unit_records = unit_records
        self.sentence_spans = sentence_spans
        self.lexical = lexical
        self.doc_ids = sorted({r.doc_id for r in records})
        self._record_doc = np.array([self.doc_ids.index(r.doc_id) for r in records], dtype=np.int64)
        self._record_script = [LANGUAGE_SCRIPT.get(r.language, "latin") for r in records]
        self._sentences_by_record: dict[int, list[int]] = {}
        for i, (rec, _, _) in enumerate(sentence_spans):
            self._sentences_by_record.setdefault(int(rec), []).append(i)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, index_dir: str | Path, embedder: Embedder | str | None = None,
             corpus_dir: str | Path | None = None, verify: bool = True) -> "Index":
        """Load and check an index; refuses another embedder, a stale corpus, bad files."""
        version = current_version(Path(index_dir))
        wanted = embedder_name(embedder) if isinstance(embedder, str) else getattr(embedder, "name", None)
        expect = corpus_hash(corpus_dir) if corpus_dir else None
        manifest = read_verified_manifest(version, wanted, expect, verify_files=verify)
        if not isinstance(embedder, str) and embedder is not None:
            model = embedder
        else:
            model = make_embedder(manifest.embedder)
        if model.dim != manifest.dim:
            raise IndexLoadError(f"embedder dimension {model.dim} does not match the index ({manifest.dim})")
        try:
            records = [Record.from_dict(json.loads(line))
                       for line in (version / "records.jsonl").read_text(encoding="utf-8").splitlines()]
            dense = faiss.read_index(str(version / "dense.faiss"))
            sentences = faiss.read_index(str(version / "sentences.faiss"))
            unit_records = np.load(version / "unit_records.npy")
            spans = np.load(version / "sentences.npy")
            lexical = LexicalIndex.load(version / "lexical", Tokenizer(manifest.lexical_tokenizer))
        except Exception as exc:  # any unreadable file means the same thing to the user
            raise IndexLoadError(f"index in {version} cannot be read ({exc}): rebuild with `unqa index`") from None
        counts = (len(records), dense.ntotal, sentences.ntotal)
        if counts != (manifest.record_count, manifest.unit_count, manifest.sentence_count):
            raise IndexLoadError(f"index in {version} does not match its manifest counts: rebuild with `unqa index`")
        return cls(version, manifest, records, model, dense, sentences, unit_records, spans, lexical)

    # ------------------------------------------------------------------ searching

    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.embed_queries([question])[0]

    def allowed_records(self, documents: list[str] | None) -> np.ndarray | None:
        if documents is None:
            return None
        unknown = [d for d in documents if d not in self.doc_ids]
        if unknown:
            raise SearchError(f"unknown document(s): {', '.join(map(str, unknown))}")
        wanted = [self.doc_ids.index(d) for d in documents]
        return np.flatnonzero(np.isin(self._record_doc, wanted))

    def search(self, question: str, top_k: int = 5, documents: list[str] | None = None,
               retriever: str | None = None, query_vector: np.ndarray | None = None,
               dense_scoring: str = DEFAULT_DENSE_SCORING,
               lexical_weights: tuple[float, float] | None = None) -> list[Hit]:
        """The `top_k` records that best answer `question`, best first."""
        retriever = retriever or DEFAULT_RETRIEVER
        if retriever not in RETRIEVERS:
            raise SearchError(f"retriever must be one of {', '.join(RETRIEVERS)}")
        if top_k < 1:
            raise SearchError("top_k must be at least 1")
        top_k = min(top_k, len(self.records))
        allowed = self.allowed_records(documents)
        depth = min(len(self.records), max(50, top_k * 10))
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        if retriever in ("dense", "hybrid"):
            q = self.embed_query(question) if query_vector is None else query_vector
            dense = self._dense_scores(q, depth, allowed, dense_scoring)
        if retriever in ("lexical", "hybrid"):
            lexical = self._lexical_scores(question, depth, allowed)
        if retriever == "dense":
            ranked = sorted(dense.items(), key=lambda kv: -kv[1])
        elif retriever == "lexical":
            ranked = sorted(lexical.items(), key=lambda kv: -kv[1])
        else:
            ranked = self._fuse(question, dense, lexical, lexical_weights)
        hits = []
        for rank, (i, score) in enumerate(ranked[:top_k], start=1):
            found = tuple(name for name, d in (("dense", dense), ("lexical", lexical)) if i in d)
            hits.append(Hit(self.records[i], float(score), found, dense.get(i), lexical.get(i), rank, i))
        return hits

    def _dense_scores(self, q: np.ndarray, depth: int, allowed: np.ndarray | None,
                      scoring: str) -> dict[int, float]:
        if scoring not in DENSE_SCORINGS:
            raise SearchError(f"dense scoring must be one of {DENSE_SCORINGS}")
        unit_allowed = None if allowed is None else np.flatnonzero(np.isin(self.unit_records, allowed))
        scores, ids = search_dense(self.dense, q[None, :], depth * 2, unit_allowed)
        block: dict[int, float] = {}
        for s, u in zip(scores[0], ids[0]):
            if u < 0:
                continue
            r = int(self.unit_records[u])
            block[r] = max(block.get(r, -1.0), float(s))  # a record scores as its best part
        if scoring == "block":
            return block
        sent_allowed = None if allowed is None else np.flatnonzero(np.isin(self.sentence_spans[:, 0], allowed))
        s_scores, s_ids = search_dense(self.sentences, q[None, :], depth * 4, sent_allowed)
        best_sentence: dict[int, float] = {}
        for s, sid in zip(s_scores[0], s_ids[0]):
            if sid < 0:
                continue
            r = int(self.sentence_spans[sid, 0])
            best_sentence[r] = max(best_sentence.get(r, -1.0), float(s))
        out = {}
        for r in set(block) | set(best_sentence):
            present = [v for v in (block.get(r), best_sentence.get(r)) if v is not None]
            out[r] = max(present) if scoring == "max" else sum(present) / len(present)
        return out

    def _lexical_scores(self, question: str, depth: int, allowed: np.ndarray | None) -> dict[int, float]:
        scores = self.lexical.scores(question)
        if allowed is not None:
            mask = np.zeros_like(scores, dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores, kind="stable")[:depth]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def _fuse(self, question: str, dense: dict[int, float], lexical: dict[int, float],
              weights: tuple[float, float] | None) -> list[tuple[int, float]]:
        same, cross = weights or (LEXICAL_WEIGHT_SAME_SCRIPT, LEXICAL_WEIGHT_CROSS_SCRIPT)
        q_script = script_of(question)
        fused: dict[int, float] = {}
        for rank, (i, _) in enumerate(sorted(dense.items(), key=lambda kv: -kv[1]), start=1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
        for rank, (i, _) in enumerate(sorted(lexical.items(), key=lambda kv: -kv[1]), start=1):
            w = same if self._record_script[i] == q_script else cross
            fused[i] = fused.get(i, 0.0) + w / (RRF_K + rank)
        return sorted(fused.items(), key=lambda kv: (-kv[1], -dense.get(kv[0], -1.0)))

    # ------------------------------------------------------------------ sentences

    def sentence_ids(self, record_index: int) -> list[int]:
        return self._sentences_by_record.get(record_index, [])

    def sentence_vectors(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros((0, self.manifest.dim), np.float32)
        return np.vstack([self.sentences.reconstruct(int(i)) for i in ids])


def load_index(index_dir: str | Path, embedder: Embedder | str | None = None,
               corpus_dir: str | Path | None = None) -> Index:
    return Index.load(index_dir, embedder, corpus_dir)
