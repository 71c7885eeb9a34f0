"""The eval command: run, show the table, write the report."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from .harness import run_eval
import sys

from .report import CONSOLE, fmt, summary_rows, write


def run_eval_command(questions: Path, index_dir: Path | None, url: str | None, retriever: str, out_dir: Path,
                     baseline: bool, gate: bool, corpus_dir: Path) -> bool:
    report = run_eval(questions, index_dir=index_dir, url=url, retriever=retriever, corpus_dir=corpus_dir,
                      baseline=baseline)
    paths = write(report, out_dir)
    console = Console(width=None if sys.stdout.isatty() else 160)
    header, rows = summary_rows(report, CONSOLE)
    t = Table(title="unqa eval")
    for h in header:
        t.add_column(h)
    for row in rows:
        t.add_row(*(fmt(c) for c in row))
    console.print(t)
    ok = all(g["ok"] for g in report["gate"])
    for g in report["gate"]:
        mark = "[green]pass[/green]" if g["ok"] else "[red]FAIL[/red]"
        console.print(f"gate {g['group']} {g['metric']} {g['op']} {g['threshold']}: {fmt(g['value'])} {mark}")
    console.print(f"report: {paths['markdown']}, {paths['json']}, {paths['plot']}", soft_wrap=True)
    return ok or not gate
