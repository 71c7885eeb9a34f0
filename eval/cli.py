"""The eval command: run, show the table, write the report."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

import sys

from .harness import run_eval

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


def run_blind_command(pdf_dir: Path, work_dir: Path, out_dir: Path, baseline: bool, embedder: str) -> dict:
    """dev and test of the blind sets over the real PDFs they name; tables with 95 % intervals."""
    from service.cli import ensure_index

    from .blind import make_corpus, run_blind

    corpus_dir = make_corpus(pdf_dir, work_dir / "corpus")
    index_dir = work_dir / "index"
    ensure_index(corpus_dir, index_dir, embedder, Console(stderr=True))
    reports = run_blind(corpus_dir, index_dir, baseline=baseline)
    console = Console(width=None if sys.stdout.isatty() else 180)
    for split, report in reports.items():
        paths = write(report, out_dir / split)
        t = Table(title=f"unqa eval: blind {split} split ({report['questions']} questions)")
        for h in ("target", "language", "questions", "Hit@1 [95% CI]", "Hit@5 [95% CI]", "key fact", "abstention recall",
                  "false abstention"):
            t.add_column(h)
        for name, res in report["targets"].items():
            for group, block in [("all", res["scores"]["overall"]), *res["scores"]["by_language"].items()]:
                ci = report["intervals"].get(group, {}) if name == report["main"] else {}
                t.add_row(name, group, fmt(block.get("questions")), _with_ci(block.get("Hit@1"), ci.get("Hit@1")),
                          _with_ci(block.get("Hit@5"), ci.get("Hit@5")), fmt(block.get("answer has key fact")),
                          fmt(block.get("abstention recall")), fmt(block.get("false abstention")))
        console.print(t)
        for line in report["unresolved_gold"]:
            console.print(f"gold not found by the parser: {line}", soft_wrap=True, highlight=False)
        console.print(f"report: {paths['markdown']}", soft_wrap=True)
    return reports


def _with_ci(value, ci) -> str:
    if value is None:
        return "—"
    return f"{value:.3f} [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else f"{value:.3f}"
