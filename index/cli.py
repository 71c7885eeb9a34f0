"""The index and search commands' work: build with progress, print ranked citations."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from rich.console import Console

from .build import BuildOptions, build_index
from .citations import citation_label, official_url
from .query import question_language
from .search import RETRIEVERS, SearchError, load_index


def write_line(text: str) -> None:
    """One line of machine output: UTF-8 whatever the locale, flushed (a batch streams)."""
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


def run_index(corpus_dir: Path, index_dir: Path, embedder: str, retriever: str, dense_type: str,
              strict: bool = False) -> int:
    """Build; returns how many corpus files could not be read (0: all of them were)."""
    if retriever not in RETRIEVERS:
        raise SearchError(f"retriever must be one of {', '.join(RETRIEVERS)}")
    console = Console(stderr=True)
    start = time.perf_counter()
    manifest = build_index(corpus_dir, index_dir, BuildOptions(embedder=embedder, dense_type=dense_type,
                                                                retriever=retriever, strict=strict), progress=True)
    took = time.perf_counter() - start
    console.print(
        f"index built in {took:.1f}s: {manifest.record_count} records ({manifest.record_count / took:.1f}/s), "
        f"{manifest.unit_count} embedded parts, {manifest.sentence_count} sentences, "
        f"{manifest.dense_type} FAISS index, embedder {manifest.embedder}, default retriever {manifest.retriever}",
        soft_wrap=True,
    )
    console.print(f"written to {Path(index_dir).resolve()}", soft_wrap=True)
    if manifest.failed_files:
        console.print(f"{len(manifest.failed_files)} file(s) could not be read and are not in the index:",
                      soft_wrap=True)
        for line in manifest.failed_files:
            console.print(f"  {line}", soft_wrap=True, highlight=False)
    return len(manifest.failed_files)


def run_search(question: str, top_k: int, documents: list[str] | None, retriever: str | None,
               index_dir: Path, embedder: str | None = None, as_json: bool = False) -> int:
    """Print the ranked citations (or, as_json, one JSON object); returns how many were found."""
    if not question.strip():
        raise SearchError("the question is empty")
    ix = load_index(index_dir, embedder=embedder)
    used = retriever or ix.manifest.retriever
    hits = ix.search(question, top_k=top_k, documents=documents, retriever=used)
    lang = question_language(question)
    if as_json:
        out = {"question": question, "language": lang, "retriever": used, "hits": [
            {"rank": h.rank, "id": h.record.id, "doc_id": h.record.doc_id, "symbol": h.record.symbol,
             "title": h.record.title, "kind": h.record.kind, "paragraph": h.record.paragraph,
             "label": citation_label(h.record, lang), "official_url": official_url(h.record.symbol, h.record.language),
             "text": h.record.text, "score": round(h.score, 6),
             "dense_score": None if h.dense_score is None else round(h.dense_score, 6),
             "lexical_score": None if h.lexical_score is None else round(h.lexical_score, 6),
             "retrievers": list(h.retrievers)}
            for h in hits]}
        write_line(json.dumps(out, ensure_ascii=False))
        return len(hits)
    console = Console()
    if not hits:
        console.print("no matching paragraphs")
    for h in hits:
        parts = [f"dense {h.dense_score:.3f}" if h.dense_score is not None else "",
                 f"bm25 {h.lexical_score:.2f}" if h.lexical_score is not None else ""]
        console.print(f"[bold]{h.rank}. {citation_label(h.record, lang)}[/bold]  "
                      f"score {h.score:.3f} ({', '.join(p for p in parts if p)}; via {'+'.join(h.retrievers)})  "
                      f"[dim]{h.record.id}[/dim]", highlight=False, soft_wrap=True)
        text = h.record.text.replace("\n", " ")
        console.print(f"   {text[:160]}{'…' if len(text) > 160 else ''}", highlight=False, soft_wrap=True)
    return len(hits)


def run_documents(index_dir: Path, as_json: bool = False) -> int:
    """List the index's documents (a table, or as_json the HTTP API's /documents list) without
    loading the embedder; returns how many there are."""
    from .search import read_catalogue
    from .store import IndexLoadError, read_verified_manifest, reading

    with reading(index_dir) as version:
        read_verified_manifest(version, verify_files=False)
        try:
            records, metas = read_catalogue(version)
        except Exception as exc:  # any unreadable file means the same thing to the user
            raise IndexLoadError(f"index in {version} cannot be read ({exc}): rebuild with `unqa index`") from None
    counts: dict[str, list[int]] = {}
    for r in records:
        c = counts.setdefault(r.doc_id, [0, 0])
        c[0] += r.kind == "paragraph"
        c[1] += 1
    rows = []
    for m in sorted(metas, key=lambda m: m.doc_id):
        paragraphs, n = counts.get(m.doc_id, [0, 0])
        rows.append({**m.model_dump(exclude={"source"}), "paragraphs": paragraphs, "records": n,
                     "official_url": official_url(m.symbol, m.language)})
    if as_json:
        write_line(json.dumps(rows, ensure_ascii=False))
        return len(rows)
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for name, justify in (("doc_id", "left"), ("symbol", "left"), ("title", "left"), ("lang", "left"),
                          ("paragraphs", "right")):
        table.add_column(name, justify=justify)
    for row in rows:
        table.add_row(row["doc_id"], row["symbol"] or "—", row["title"], row["language"], str(row["paragraphs"]))
    console = Console()
    console.print(table) if rows else console.print("no documents")
    return len(rows)
