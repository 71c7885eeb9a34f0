"""The index and search commands' work: build with progress, print ranked citations."""
from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from .build import BuildOptions, build_index
from .citations import citation_label
from .search import RETRIEVERS, SearchError, load_index, script_of


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
               index_dir: Path, embedder: str | None = None) -> None:
    if not question.strip():
        raise SearchError("the question is empty")
    ix = load_index(index_dir, embedder=embedder)
    hits = ix.search(question, top_k=top_k, documents=documents, retriever=retriever or ix.manifest.retriever)
    lang = "zh" if script_of(question) == "cjk" else "en"
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
