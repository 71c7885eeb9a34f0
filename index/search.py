"""Loading a verified index and searching it: dense, lexical, or both fused.

Hybrid fusion adds min-max-normalised scores with weights that depend on whether the
question is written in the record's script. In the same script BM25 and the dense score
weigh the same. Across scripts (an English question, a Chinese report) BM25 could only match
script-neutral tokens (numbers, dates, symbols), which on dev misled more than they helped, so
there the dense score alone ranks (`python -m unqa.eval.retrieval_compare`).
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from unqa.ingest import DocumentMeta, Record

from .dense import search_dense
from .embedders import Embedder, embedder_name, make_embedder
from .lexical import LexicalIndex, Tokenizer
from .store import IndexLoadError, IndexManifest, corpus_hash, read_verified_manifest, reading

RETRIEVERS = ("dense", "lexical", "hybrid")
DEFAULT_RETRIEVER = "hybrid"
DENSE_SCORINGS = ("block", "max", "mean")
DEFAULT_DENSE_SCORING = "mean"
# Every signal contributes its POOL best records, whatever top_k asks for, so the scores (normalised
# over the pool) and the first citation do not change with top_k. 100 is the pool the eval's top_k 10
# always used; the oracle ceiling (top 50) measured 0.948 on the test split with it (0.958 at 500).
POOL = 100
QUERY_CACHE = 1024
# (dense, lexical) weights, for a record in the question's script and in another script
SAME_SCRIPT_WEIGHTS = (1.0, 1.0)
CROSS_SCRIPT_WEIGHTS = (1.0, 0.0)
# Words of a document's title choose the document, not the paragraph: within a document they
# are not matched; instead every record of a document gains this share of the best BM25 score
# times the share of the question's words found in its title.
TITLE_BONUS = 1.0

_SCRIPTS = {
    "cjk": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
LANGUAGE_SCRIPT = {"zh": "cjk", "ru": "cyrillic", "ar": "arabic", "en": "latin", "fr": "latin", "es": "latin"}
SCRIPT_LANGUAGES = {"cjk": ("zh",), "cyrillic": ("ru",), "arabic": ("ar",), "latin": ("en", "fr", "es")}


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
    score: float  # the ranking score: cosine (dense), BM25 (lexical) or the weighted fused score (hybrid)
    retrievers: tuple[str, ...]  # which retrievers had this record among their candidates
    dense_score: float | None  # cosine: mean of the best part's and the best sentence's
    lexical_score: float | None  # BM25 score
    rank: int
    record_index: int


class _Groups:
    """Members of each group, in order: group g holds order[starts[g]:starts[g + 1]]."""

    def __init__(self, group_of: np.ndarray, groups: int) -> None:
        group_of = np.asarray(group_of, dtype=np.int64)
        self.order = np.argsort(group_of, kind="stable")
        self.starts = np.searchsorted(group_of[self.order], np.arange(groups + 1))
        self._in_order = bool(np.all(group_of[1:] >= group_of[:-1]))  # then order is 0..n-1
        self._filled = self.starts[:-1] < self.starts[1:]
        self._filled_starts = self.starts[:-1][self._filled]

    def __getitem__(self, group: int) -> np.ndarray:
        return self.order[self.starts[group]:self.starts[group + 1]]

    def max_per_group(self, values: np.ndarray) -> np.ndarray:
        """Each group's largest member value (0 for an empty group), in one pass."""
        out = np.zeros(len(self.starts) - 1, dtype=values.dtype)
        if len(self.order):
            members = values if self._in_order else values[self.order]
            out[self._filled] = np.maximum.reduceat(members, self._filled_starts)
        return out


class Index:
    def __init__(self, version: Path, manifest: IndexManifest, records: list[Record], embedder: Embedder,
                 dense: faiss.Index, sentences: faiss.Index, unit_records: np.ndarray,
                 sentence_spans: np.ndarray, lexical: LexicalIndex,
                 documents: list[DocumentMeta]) -> None:
        self.version = version
        self.manifest = manifest
        # the vectors of the last QUERY_CACHE distinct questions (1.5 MB at 384 dimensions)
        self._query_vectors = functools.lru_cache(maxsize=QUERY_CACHE)(self._embed_one)
        self.records = records
        self.embedder = embedder
        self.dense = dense
        self.sentences = sentences
        self.unit_records = unit_records
        self.sentence_spans = sentence_spans
        self.lexical = lexical
        self.documents = {d.doc_id: d for d in documents}
        self.doc_ids = sorted({r.doc_id for r in records})
        self.languages = sorted({r.language for r in records})
        self._doc_pos = {d: i for i, d in enumerate(self.doc_ids)}
        self._record_doc = np.array([self._doc_pos[r.doc_id] for r in records], dtype=np.int64)
        self._record_script = np.array([LANGUAGE_SCRIPT.get(r.language, "latin") for r in records])
        self._unit_doc = self._record_doc[unit_records]
        self._title_tokens = [set(lexical.tokenizer(self.documents[d].title)) if d in self.documents else set()
                              for d in self.doc_ids]
        # lookups by record, document and id without a pass over the corpus (a million records)
        self._units_of = _Groups(unit_records, len(records))
        self._sentences_of = _Groups(sentence_spans[:, 0], len(records))
        self._records_of = _Groups(self._record_doc, len(self.doc_ids))
        self._record_index = {r.id: i for i, r in enumerate(records)}

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, index_dir: str | Path, embedder: Embedder | str | None = None,
             corpus_dir: str | Path | None = None, verify: bool = True) -> "Index":
        """Load and check an index; refuses another embedder, a stale corpus, bad files."""
        with reading(index_dir) as version:  # no build removes it while it is read
            wanted = embedder_name(embedder) if isinstance(embedder, str) else getattr(embedder, "name", None)
            expect = corpus_hash(corpus_dir) if corpus_dir else None
            manifest = read_verified_manifest(version, wanted, expect, verify_files=verify)
            given = embedder is not None and not isinstance(embedder, str)
            model = embedder if given else make_embedder(manifest.embedder)
            if model.dim != manifest.dim:
                raise IndexLoadError(f"embedder dimension {model.dim} does not match the index ({manifest.dim})")
            try:
                records, documents = read_catalogue(version)
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
        return cls(version, manifest, records, model, dense, sentences, unit_records, spans, lexical, documents)

    # ------------------------------------------------------------------ searching

    def embed_query(self, question: str) -> np.ndarray:
        """The question's vector; a repeated question's is remembered (read-only, shared)."""
        return self._query_vectors(question)

    def _embed_one(self, question: str) -> np.ndarray:
        vector = self.embedder.embed_queries([question])[0]
        vector.flags.writeable = False
        return vector

    def allowed_records(self, documents: list[str] | None) -> np.ndarray | None:
        if documents is None:
            return None
        unknown = [d for d in documents if d not in self._doc_pos]
        if unknown:
            raise SearchError(f"unknown document(s): {', '.join(map(str, unknown))}")
        picked = [self._records_of[self._doc_pos[d]] for d in dict.fromkeys(documents)]
        return np.sort(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.int64)

    def records_of(self, doc_id: str) -> list[Record]:
        """A document's records in reading order (empty for an unknown document)."""
        if doc_id not in self._doc_pos:
            return []
        return [self.records[i] for i in self._records_of[self._doc_pos[doc_id]]]

    def record_by_id(self, record_id: str) -> Record | None:
        i = self._record_index.get(record_id)
        return None if i is None else self.records[i]

    def search(self, question: str, top_k: int = 5, documents: list[str] | None = None,
               retriever: str | None = None, query_vector: np.ndarray | None = None,
               dense_scoring: str = DEFAULT_DENSE_SCORING,
               weights: tuple[tuple[float, float], tuple[float, float]] | None = None,
               ) -> list[Hit]:
        """The `top_k` records that best answer `question`, best first."""
        retriever = retriever or self.manifest.retriever
        if retriever not in RETRIEVERS:
            raise SearchError(f"retriever must be one of {', '.join(RETRIEVERS)}")
        if top_k < 1:
            raise SearchError("top_k must be at least 1")
        top_k = min(top_k, len(self.records))
        allowed = self.allowed_records(documents)
        depth = min(len(self.records), max(POOL, top_k))
        text = question
        same_w, cross_w = weights or (SAME_SCRIPT_WEIGHTS, CROSS_SCRIPT_WEIGHTS)
        cross = self._record_script != script_of(question)
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        if retriever in ("dense", "hybrid"):
            q = self.embedder.embed_queries([text])[0] if query_vector is None else query_vector
            dense = self._dense_scores(q, depth, allowed, dense_scoring)
        if retriever in ("lexical", "hybrid"):
            lexical = self._lexical_scores(text, depth, allowed)
        if retriever == "dense":
            ranked = sorted(dense.items(), key=lambda kv: -kv[1])
        elif retriever == "lexical":
            ranked = sorted(lexical.items(), key=lambda kv: -kv[1])
        else:
            ranked = self._fuse((dense, lexical), cross, same_w, cross_w)
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
            if u >= 0:
                r = int(self.unit_records[u])
                block[r] = max(block.get(r, -1.0), float(s))  # a record scores as its best part
        if scoring == "block":
            return block
        sent_allowed = None if allowed is None else np.flatnonzero(np.isin(self.sentence_spans[:, 0], allowed))
        s_scores, s_ids = search_dense(self.sentences, q[None, :], depth * 4, sent_allowed)
        best_sentence: dict[int, float] = {}
        for s, sid in zip(s_scores[0], s_ids[0]):
            if sid >= 0:
                r = int(self.sentence_spans[sid, 0])
                best_sentence[r] = max(best_sentence.get(r, -1.0), float(s))
        out = {}
        for r in set(block) | set(best_sentence):
            present = [v for v in (block.get(r), best_sentence.get(r)) if v is not None]
            out[r] = max(present) if scoring == "max" else sum(present) / len(present)
        return out

    def _lexical_scores(self, text: str, depth: int, allowed: np.ndarray | None) -> dict[int, float]:
        tokens, postings = self.lexical.postings(text)
        if not tokens:
            return {}
        in_title = np.array([[t in title for t in tokens] for title in self._title_tokens])  # docs x tokens
        units, values = [], []
        for k, (ids, scores) in enumerate(postings):
            if in_title[:, k].any():
                keep = ~in_title[self._unit_doc[ids], k]
                ids, scores = ids[keep], scores[keep]
            units.append(ids)
            values.append(scores)
        per_unit = np.bincount(np.concatenate(units), weights=np.concatenate(values), minlength=len(self.unit_records))
        per_record = self._units_of.max_per_group(per_unit).astype(np.float32)  # a record scores as its best part
        if in_title.any():  # plus its document's share of the question's title words
            per_record += TITLE_BONUS * per_record.max() * in_title.mean(axis=1)[self._record_doc].astype(np.float32)
        return self._top(per_record, depth, allowed)

    @staticmethod
    def _top(scores: np.ndarray, depth: int, allowed: np.ndarray | None) -> dict[int, float]:
        """The `depth` best positive scores, ties by record order (a partial sort: a million records)."""
        if allowed is not None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        top = np.flatnonzero(scores > 0)
        if len(top) > depth:
            kth = np.partition(scores[top], len(top) - depth)[len(top) - depth]
            top = top[scores[top] >= kth]
        top = top[np.lexsort((top, -scores[top]))][:depth]
        return {int(i): float(scores[i]) for i in top}

    @staticmethod
    def _fuse(signals: tuple[dict[int, float], ...], cross: np.ndarray,
              same_w: tuple[float, ...], cross_w: tuple[float, ...]) -> list[tuple[int, float]]:
        fused: dict[int, float] = {}
        for k, signal in enumerate(signals):
            if not signal:
                continue
            values = np.fromiter(signal.values(), dtype=np.float64)
            lo, span = values.min(), values.max() - values.min()
            for i, v in signal.items():
                w = cross_w[k] if cross[i] else same_w[k]
                fused[i] = fused.get(i, 0.0) + w * ((v - lo) / span if span > 0 else 1.0)
        dense = signals[0]
        return sorted(fused.items(), key=lambda kv: (-kv[1], -dense.get(kv[0], -1.0), kv[0]))

    # ------------------------------------------------------------------ sentences

    def record_dense_score(self, record_index: int, q: np.ndarray) -> float:
        """The dense score search would give this record (mean of best part and best sentence)."""
        units = self.unit_ids(record_index)
        block = max(float(self.dense.reconstruct(int(u)) @ q) for u in units)
        ids = self.sentence_ids(record_index)
        return (block + float((self.sentence_vectors(ids) @ q).max())) / 2 if ids else block

    def unit_ids(self, record_index: int) -> np.ndarray:
        """The record's embedded parts (vector ids in `dense`), in order."""
        return self._units_of[record_index]

    def sentence_ids(self, record_index: int) -> list[int]:
        return self._sentences_of[record_index].tolist()

    def sentence_vectors(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros((0, self.manifest.dim), np.float32)
        return np.vstack([self.sentences.reconstruct(int(i)) for i in ids])


def read_catalogue(version: Path) -> tuple[list[Record], list[DocumentMeta]]:
    """A version's records and document entries, as written by the build (no model needed)."""
    records = [Record.from_dict(json.loads(line))
               for line in (version / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    documents = [DocumentMeta.model_validate(d)
                 for d in json.loads((version / "documents.json").read_text(encoding="utf-8"))]
    return records, documents


def load_index(index_dir: str | Path, embedder: Embedder | str | None = None,
               corpus_dir: str | Path | None = None) -> Index:
    return Index.load(index_dir, embedder, corpus_dir)
