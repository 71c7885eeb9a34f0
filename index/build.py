"""Records -> a persisted index: embeddings in FAISS, sentence vectors, BM25, manifest."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from unqa.ingest import DocumentMeta, IngestError, Record, read_corpus

from .dense import build_dense, index_type
from .embedders import DEFAULT_EMBEDDER, Embedder, make_embedder
from .lexical import LexicalIndex, Tokenizer
from .search import DEFAULT_RETRIEVER
from .store import FORMAT_VERSION, IndexManifest, building, commit_build, corpus_hash
from .units import make_sentences, make_units

# Chosen by measurement (README.md, "Retrieval choices"): see eval/retrieval_compare.py
DEFAULT_CONTEXT = "none"
DEFAULT_TOKENIZER = "jieba-snowball"  # measured: benchmarks/compare_tokenizers.py (dev only)
BATCH = 16


@dataclass(frozen=True)
class BuildOptions:
    embedder: str = DEFAULT_EMBEDDER
    context: str = DEFAULT_CONTEXT
    lexical_tokenizer: str = DEFAULT_TOKENIZER
    dense_type: str = "auto"
    retriever: str = DEFAULT_RETRIEVER  # the retriever searches of this index use by default
    strict: bool = False  # an unreadable corpus file stops the build instead of being reported


def embed_all(embedder: Embedder, texts: list[str], label: str, progress: bool) -> np.ndarray:
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    with tqdm(total=len(texts), desc=label, unit="text", disable=not progress, leave=False) as bar:
        for i in range(0, len(texts), BATCH):
            batch = texts[i:i + BATCH]
            out[i:i + len(batch)] = embedder.embed_passages(batch)
            bar.update(len(batch))
    return out


def build_from_records(records: list[Record], index_dir: str | Path, corpus_digest: str,
                       options: BuildOptions = BuildOptions(), embedder: Embedder | None = None,
                       progress: bool = False, documents: list[DocumentMeta] | None = None,
                       failed_files: list[str] | None = None) -> IndexManifest:
    """Embed and index `records`; the new version replaces the old one only when complete."""
    with building(index_dir) as build_dir:
        return _write(records, Path(index_dir), build_dir, corpus_digest, options, embedder, progress, documents,
                      failed_files)


def _write(records: list[Record], index_dir: Path, build_dir: Path, corpus_digest: str, options: BuildOptions,
           embedder: Embedder | None, progress: bool, documents: list[DocumentMeta] | None,
           failed_files: list[str] | None) -> IndexManifest:
    embedder = embedder or make_embedder(options.embedder)
    units = make_units(records, embedder.token_count, embedder.max_tokens, options.context)
    sentences = make_sentences(records)
    unit_vecs = embed_all(embedder, [u.text for u in units], "embedding paragraphs", progress)
    sent_vecs = embed_all(
        embedder, [records[s.record].text[s.start:s.end] for s in sentences], "embedding sentences", progress
    )
    dense = build_dense(unit_vecs, options.dense_type)
    faiss.write_index(dense, str(build_dir / "dense.faiss"))
    faiss.write_index(build_dense(sent_vecs, options.dense_type), str(build_dir / "sentences.faiss"))
    np.save(build_dir / "unit_records.npy", np.array([u.record for u in units], dtype=np.int64))
    np.save(build_dir / "sentences.npy", np.array([(s.record, s.start, s.end) for s in sentences],
                                                   dtype=np.int64).reshape(-1, 3))
    with open(build_dir / "records.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(r.to_json() + "\n" for r in records)
    metas = documents or _metas_from_records(records)
    (build_dir / "documents.json").write_text(
        json.dumps([m.model_dump() for m in metas], ensure_ascii=False, indent=1), encoding="utf-8")
    LexicalIndex.build([u.plain for u in units], Tokenizer(options.lexical_tokenizer)).save(build_dir / "lexical")
    with open(build_dir / "units.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"record": u.record, "text": u.text, "plain": u.plain}, ensure_ascii=False) + "\n"
                      for u in units)

    manifest = IndexManifest(
        format_version=FORMAT_VERSION, embedder=embedder.name, dim=embedder.dim,
        record_count=len(records), unit_count=len(units), sentence_count=len(sentences),
        corpus_hash=corpus_digest, dense_type=index_type(dense), failed_files=failed_files or [],
        lexical_tokenizer=options.lexical_tokenizer, context=options.context, retriever=options.retriever,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        documents=sorted({r.doc_id for r in records}),
    )
    commit_build(index_dir, build_dir, manifest)
    return manifest


def _metas_from_records(records: list[Record]) -> list[DocumentMeta]:
    seen: dict[str, DocumentMeta] = {}
    for r in records:
        seen.setdefault(r.doc_id, DocumentMeta(doc_id=r.doc_id, file="", symbol=r.symbol, title=r.title,
                                               language=r.language))
    return list(seen.values())


def build_index(corpus_dir: str | Path, index_dir: str | Path, options: BuildOptions = BuildOptions(),
                embedder: Embedder | None = None, progress: bool = False) -> IndexManifest:
    """Ingest the corpus folder and build its index. Files that cannot be read are left out
    and named in the manifest's `failed_files` (strict: they stop the build)."""
    with building(index_dir) as build_dir:  # locked first: a second build is refused before it reads anything
        corpus = read_corpus(corpus_dir, strict=options.strict,
                             progress=(lambda files: tqdm(files, desc="reading documents", unit="file", leave=False))
                             if progress else None)
        docs = corpus.documents
        if not docs:
            raise IngestError(corpus_dir, f"no readable documents ({len(corpus.failed)} files failed)")
        records = [r for d in docs for r in d.records]
        return _write(records, Path(index_dir), build_dir, corpus_hash(corpus_dir), options, embedder, progress,
                      documents=[d.meta for d in docs],
                      failed_files=[f"{Path(f.path).name}: {f.problem}" for f in corpus.failed])


def manifest_summary(manifest: IndexManifest) -> str:
    return json.dumps(
        {k: getattr(manifest, k) for k in ("embedder", "dim", "record_count", "unit_count", "sentence_count",
                                            "dense_type", "lexical_tokenizer", "context", "corpus_hash")},
        ensure_ascii=False,
    )
