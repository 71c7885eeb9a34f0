"""The ingest command's work: write the records and summarise them."""
from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .corpus import Corpus, read_corpus
from .records import KINDS, ParsedDocument


def write_jsonl(docs: list[ParsedDocument], out: str) -> int:
    """Write every record; a file is replaced atomically so a failure leaves the old one."""
    lines = [r.to_json() + "\n" for d in docs for r in d.records]
    if out == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return len(lines)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(lines)


def summary_table(docs: list[ParsedDocument], warnings: dict[str, list[str]]) -> Table:
    table = Table(title="unqa ingest: records per document and kind")
    for col in ("doc_id", "symbol", "lang", "pages", *KINDS, "numbers", "warnings"):
        table.add_column(col)
    for d in docs:
        counts = Counter(r.kind for r in d.records)
        paras = [r.paragraph for r in d.records if r.kind == "paragraph" and not r.part]
        parts = Counter(r.part for r in d.records if r.kind == "paragraph" and r.part)
        numbers = f"{paras[0]}–{paras[-1]}" if paras else "—"
        numbers += "".join(f"; {part} {n}" for part, n in parts.items())
        table.add_row(
            d.meta.doc_id, d.meta.symbol or "—", d.meta.language, str(d.meta.pages or "—"),
            *(str(counts.get(k, 0)) for k in KINDS), numbers, str(len(warnings.get(d.meta.doc_id, []))),
        )
    return table


def run_ingest(corpus_dir: str | Path, out: str, strict: bool = False) -> Corpus:
    """Ingest, write and summarise; the caller turns `failed` into the exit code."""
    corpus = read_corpus(corpus_dir, strict=strict)
    n = write_jsonl(corpus.documents, out)
    console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
    console.print(summary_table(corpus.documents, corpus.warnings))
    for doc_id, warnings in corpus.warnings.items():
        for w in warnings:
            console.print(f"warning: {doc_id}: {w}", soft_wrap=True, highlight=False)
    for failed in corpus.failed:
        console.print(f"failed: {failed.path}: {failed.problem}", soft_wrap=True, highlight=False)
    console.print(f"{len(corpus.documents)} documents, {n} records written to {'stdout' if out == '-' else out}; "
                  f"{len(corpus.failed)} file(s) failed", soft_wrap=True)
    return corpus
