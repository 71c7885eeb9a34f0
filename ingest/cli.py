"""The ingest command's work: write the records and summarise them."""
from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .corpus import ingest_corpus
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


def summary_table(docs: list[ParsedDocument]) -> Table:
    table = Table(title="unqa ingest: records per document and kind")
    for col in ("doc_id", "symbol", "lang", *KINDS, "numbers"):
        table.add_column(col)
    for d in docs:
        counts = Counter(r.kind for r in d.records)
        paras = [r.paragraph for r in d.records if r.kind == "paragraph"]
        table.add_row(
            d.meta.doc_id, d.meta.symbol or "—", d.meta.language,
            *(str(counts.get(k, 0)) for k in KINDS),
            f"{paras[0]}–{paras[-1]}" if paras else "—",
        )
    return table


def run_ingest(corpus_dir: str | Path, out: str) -> list[ParsedDocument]:
    docs = ingest_corpus(corpus_dir)
    n = write_jsonl(docs, out)
    console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)
    console.print(summary_table(docs))
    console.print(f"{n} records written to {'stdout' if out == '-' else out}")
    return docs
