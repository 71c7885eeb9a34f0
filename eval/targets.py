"""What the harness asks: the system in-process, a running service over HTTP, or the
baseline a LangChain tutorial would build. Each returns the same typed outcome."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import httpx
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from unqa.index import Index
from unqa.ingest import Record, read_corpus, read_lines, read_report
from unqa.service import Answerer

DEPTH = 10  # citations asked for, for the ranking metrics
CEILING_DEPTH = 50


@dataclass(frozen=True)
class Citation:
    id: str
    doc_id: str
    kind: str
    paragraph: int | None
    text: str | None  # None where the target shows no single record's text (baseline)


@dataclass(frozen=True)
class Outcome:
    question_id: str
    citations: tuple[Citation, ...]  # best first
    answered: bool | None  # None: the target does not decide (baseline)
    answer: str | None
    took_ms: float
    chunk_hits: tuple[frozenset[str], ...] = ()  # baseline: the records each ranked chunk covers
    deep: tuple[str, ...] | None = None  # the CEILING_DEPTH best records, best first: what an oracle
    # reranker of them could put first


class IndexTarget:
    """The system in-process: the same Answerer the service runs."""

    def __init__(self, index: Index, retriever: str) -> None:
        self.answerer = Answerer(index)
        self.retriever = retriever
        self.name = retriever

    def ask(self, qid: str, question: str) -> Outcome:
        start = time.perf_counter()
        a = self.answerer.ask(question, top_k=DEPTH, retriever=self.retriever)
        took = (time.perf_counter() - start) * 1000
        cites = tuple(Citation(h.record.id, h.record.doc_id, h.record.kind, h.record.paragraph, h.record.text)
                      for h in a.hits)
        deeper = self.answerer.index.search(question, top_k=CEILING_DEPTH, retriever=self.retriever)
        return Outcome(qid, cites, a.answered, a.answer, took, deep=tuple(h.record.id for h in deeper))


class HttpTarget:
    """A running `unqa serve`, through its public /ask contract."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.client = httpx.Client(timeout=60)
        self.name = "service"

    def ask(self, qid: str, question: str) -> Outcome:
        start = time.perf_counter()
        res = self.client.post(self.url + "/ask", json={"question": question, "top_k": DEPTH})
        took = (time.perf_counter() - start) * 1000
        res.raise_for_status()
        data = res.json()
        cites = tuple(Citation(c["id"], c["doc_id"], c["kind"], c["paragraph"], c["text"]) for c in data["citations"])
        return Outcome(qid, cites, data["answered"], data["answer"], took)


def _raw_text(path: Path) -> str:
    """A file's plain text as a tutorial would load it; a PDF's lines in the order printed,
    one per line number, so that chunks map back to records by line."""
    if path.suffix.lower() != ".pdf":
        return read_report(path)
    lines, _ = read_lines(path)
    by_number = {ln.number: ln.raw for ln in lines if ln.raw.strip()}
    return "\n".join(by_number.get(n, "") for n in range(1, max(by_number, default=0) + 1))


class ChunkBaseline:
    """A chunk-and-cosine pipeline over the documents' plain text (no paragraph structure), the
    same embedder, a flat FAISS index, top-k by cosine. Chunks are mapped back to the records
    they overlap only for scoring.

    - `baseline`: what a LangChain tutorial builds, RecursiveCharacterTextSplitter's defaults
      (4000 characters, 200 overlap): three quarters of a chunk lie past the model's window;
    - `langchain-fit`: the same splitter with chunks that fit the window (512 tokens of the
      embedder's own tokenizer, 50 overlap);
    - `askun`: the AskUN pipeline as its README describes it (1 200-token chunks, 150 overlap,
      top-k by cosine, no LLM), over our PDF text rather than PyMuPDF's (AGPL); its headings
      (`^\\d+\\.\\s` lines) label chunks and do not change the ranking, so they are not rebuilt.
    """

    KINDS = ("baseline", "langchain-fit", "askun")

    def __init__(self, corpus_dir: Path, embedder, name: str = "baseline") -> None:
        self.embedder = embedder
        self.name = name
        splitter = {
            "baseline": lambda: RecursiveCharacterTextSplitter(add_start_index=True),
            "langchain-fit": lambda: RecursiveCharacterTextSplitter(
                chunk_size=embedder.max_tokens, chunk_overlap=50, length_function=embedder.token_count,
                add_start_index=True),
            "askun": lambda: RecursiveCharacterTextSplitter(
                chunk_size=1200, chunk_overlap=150, length_function=embedder.token_count, add_start_index=True),
        }[name]()
        self.chunks: list[tuple[str, list[Record]]] = []
        for doc in read_corpus(corpus_dir).documents:
            raw = _raw_text(Path(corpus_dir) / doc.meta.file)
            records = sorted(doc.records, key=lambda r: r.line)
            for chunk in splitter.create_documents([raw]):
                start = chunk.metadata["start_index"]
                first = raw.count("\n", 0, start) + 1
                last = first + chunk.page_content.count("\n")
                covered = [r for i, r in enumerate(records)
                           if r.line <= last and (records[i + 1].line - 1 if i + 1 < len(records) else 10**9) >= first]
                self.chunks.append((chunk.page_content, covered))
        vectors = embedder.embed_passages([c for c, _ in self.chunks])
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def ask(self, qid: str, question: str) -> Outcome:
        start = time.perf_counter()
        q = self.embedder.embed_queries([question])
        _, ids = self.index.search(q, min(DEPTH, self.index.ntotal))
        took = (time.perf_counter() - start) * 1000
        ranked: list[Citation] = []
        seen: set[str] = set()
        chunk_hits = []
        for i in ids[0]:
            if i < 0:
                continue
            covered = self.chunks[i][1]
            chunk_hits.append(frozenset(r.id for r in covered))
            for r in covered:  # a reader of the chunk meets its records in document order
                if r.id not in seen:
                    seen.add(r.id)
                    ranked.append(Citation(r.id, r.doc_id, r.kind, r.paragraph, None))
        return Outcome(qid, tuple(ranked[:DEPTH]), None, None, took, tuple(chunk_hits))
