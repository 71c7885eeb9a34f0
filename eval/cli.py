"""The eval command: run, show the table, write the report."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

import sys

from .harness import run_eval
from .questions import DEFAULT_QUESTIONS

from .report import CONSOLE, fmt, summary_rows, write


def run_eval_command(questions: Path, index_dir: Path | None, url: str | None, retriever: str, out_dir: Path,
                     baseline: bool, corpus_dir: Path) -> dict:
    """One question set with gold as record ids (default: the bundled set, part of dev)."""
    report = run_eval(questions, index_dir=index_dir, url=url, retriever=retriever, corpus_dir=corpus_dir,
                      baseline=baseline)
    paths = write(report, out_dir)
    console = Console(width=None if sys.stdout.isatty() else 160)
    header, rows = summary_rows(report, CONSOLE)
    t = Table(title=f"unqa eval: {report['questions_file']} ({report['questions']} questions)")
    for h in header:
        t.add_column(h)
    for row in rows:
        t.add_row(*(fmt(c) for c in row))
    console.print(t)
    console.print(f"report: {paths['markdown']}, {paths['json']}, {paths['plot']}", soft_wrap=True)
    return report


def run_all_command(index_dir: Path, corpus_dir: Path, pdf_dir: Path, work_dir: Path, out_dir: Path,
                    baseline: bool, embedder: str) -> bool:
    """dev = the bundled set + the blind dev split; test = the frozen blind test split, gated.
    True when every gate figure is met."""
    run_eval_command(DEFAULT_QUESTIONS, index_dir, None, "hybrid", out_dir / "dev-bundled", baseline, corpus_dir)
    reports = run_blind_command(pdf_dir, work_dir, out_dir, baseline, embedder)
    console = Console(width=None if sys.stdout.isatty() else 160)
    ok = True
    for g in reports["test"]["gate"]:
        ok &= g["ok"]
        mark = "[green]pass[/green]" if g["ok"] else "[red]FAIL[/red]"
        console.print(f"gate (test) {g['group']} {g['metric']} {g['op']} {g['threshold']}: {fmt(g['value'])} {mark}")
    return ok


def run_blind_command(pdf_dir: Path, work_dir: Path, out_dir: Path, baseline: bool, embedder: str) -> dict:
    """dev and test of the blind sets over the real PDFs they name; tables with 95 % intervals."""
    from unqa.service.cli import ensure_index

    from .blind import make_corpus, run_blind

    corpus_dir = make_corpus(pdf_dir, work_dir / "corpus")
    index_dir = work_dir / "index"
    ensure_index(corpus_dir, index_dir, embedder, Console(stderr=True))
    reports = run_blind(corpus_dir, index_dir, baseline=baseline)
    console = Console(width=None if sys.stdout.isatty() else 200)
    for split, report in reports.items():
        paths = write(report, out_dir / split)
        console.print(blind_table(report, split))
        overall = report["targets"][report["main"]]["scores"]["overall"]
        console.print(f"citations: {overall['cited records']} cited records, exist {fmt(overall['citation exists'])}, "
                      f"text as in the corpus {fmt(overall['citation text exact'])}, text as in the source file "
                      f"{fmt(overall.get('citation text in source'))}", soft_wrap=True, highlight=False)
        console.print(f"hardest {split} questions (gold ranked lowest among the first 50, or not there):")
        for f in hardest(report):
            console.print(f"  {f['id']} [{f['language']}, {f['type']}] rank {f['rank'] or '>50'}: {f['question']} "
                          f"— gold {', '.join(f['gold'])}; returned {', '.join(f['returned'][:1])}",
                          soft_wrap=True, highlight=False, markup=False)
        for line in report["unresolved_gold"]:
            console.print(f"gold not found by the parser: {line}", soft_wrap=True, highlight=False)
        console.print(f"report: {paths['markdown']}", soft_wrap=True)
    return reports


COLUMNS = ("Hit@1", "Hit@5", "oracle Hit@1 (top 50)", "answer has key fact", "abstention recall", "false abstention")


def blind_table(report: dict, split: str) -> Table:
    """The main target by language and by question type, with 95 % intervals; each baseline overall
    and by language."""
    t = Table(title=f"unqa eval: blind {split} split ({report['questions']} questions)")
    for h in ("target", "questions", "n", *(c.replace("answer has ", "") for c in COLUMNS)):
        t.add_column(h)
    for name, res in report["targets"].items():
        scores = res["scores"]
        groups = [("all", scores["overall"]), *scores["by_language"].items()]
        if name == report["main"]:
            groups += [(f"type {k}", b) for k, b in scores.get("by_type", {}).items()]
        for group, block in groups:
            ci = report["intervals"].get(group, {}) if name == report["main"] else {}
            t.add_row(name, group, fmt(block.get("questions")), *(_with_ci(block.get(c), ci.get(c)) for c in COLUMNS))
    return t


def hardest(report: dict, n: int = 5) -> list[dict]:
    """The answerable questions whose gold the main target ranks lowest (beyond the first 50 first)."""
    fails = [f for f in report["targets"][report["main"]]["failures"] if f["gold"]]
    return sorted(fails, key=lambda f: -(f["rank"] or 10**6))[:n]


def _with_ci(value, ci) -> str:
    if value is None:
        return "—"
    return f"{value:.3f} [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else f"{value:.3f}"
