"""The blind question sets of eval/sets/: written by reading the real PDFs before any tuning,
split by document into `dev` (tune here) and `test` (frozen, checked by sha256; report only).

Both splits are asked of one index over every document either names, so an unanswerable
question is unanswerable against the whole corpus, not only its own split's documents.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from scipy.stats import binomtest

from unqa.ingest import read_corpus

from .harness import baselines_for, evaluate, sources_of
from .questions import Question, SetQuestion, load_set, resolve

SETS = Path(__file__).resolve().parent / "sets"
SPLITS = ("dev", "test")
FROZEN = SETS / "test.sha256"


def set_files(split: str) -> list[Path]:
    return sorted(SETS.glob(f"{split}-*.yaml"))


def check_frozen() -> None:
    """The test split is what it was when it was written: its files match test.sha256."""
    for line in FROZEN.read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        path = SETS.parent.parent / name
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise ValueError(f"{name} changed since it was frozen: the test split must not be edited")


def load_split(split: str) -> list[SetQuestion]:
    return [q for f in set_files(split) for q in load_set(f)]


def corpus_files() -> list[str]:
    """Every file the sets' answers are printed in (each writer's documents all carry answers)."""
    return sorted({g.file for s in SPLITS for q in load_split(s) for g in q.gold})


def make_corpus(pdf_dir: Path, dest: Path) -> Path:
    """A corpus folder of links to every PDF the sets name (made once, kept)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in corpus_files():
        link = dest / name
        if not link.exists():
            link.symlink_to((pdf_dir / name).resolve())
    return dest


def wilson(k: int, n: int) -> tuple[float, float]:
    """95 % interval of a share k/n (Wilson score, scipy)."""
    if n == 0:
        return (0.0, 0.0)
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(ci.low), float(ci.high))


def run_blind(corpus_dir: Path, index_dir: Path, baseline: bool = True, progress: bool = True,
              splits: tuple[str, ...] = SPLITS) -> dict:
    """dev and test, each evaluated like the main question set; gold resolved by reading the corpus."""
    check_frozen()
    docs = read_corpus(corpus_dir).documents
    by_file = {d.meta.file: list(d.records) for d in docs}
    corpus = {r.id: r for d in docs for r in d.records}
    shared = baselines_for(corpus_dir) if baseline else []  # built once, asked by both splits
    out = {}
    for split in splits:
        questions, missing = resolve(load_split(split), by_file)
        report = evaluate(questions, corpus, label=f"eval/sets/{split}-*.yaml", index_dir=index_dir,
                          corpus_dir=corpus_dir, baseline=baseline, progress=progress, baselines=shared,
                          sources=sources_of(docs, corpus_dir), gate=split == "test")
        report["unresolved_gold"] = missing
        report["intervals"] = intervals(questions, report)
        out[split] = report
    return out


def intervals(questions: list[Question], report: dict) -> dict:
    """Wilson intervals of the shares that count questions, for the main target, overall, by
    language ("zh") and by question type ("type who")."""
    res = report["targets"][report["main"]]["scores"]
    out = {}
    groups = [("all", res["overall"], questions)]
    groups += [(lang, b, [q for q in questions if q.language == lang]) for lang, b in res["by_language"].items()]
    groups += [(f"type {t}", b, [q for q in questions if q.type == t]) for t, b in res.get("by_type", {}).items()]
    for group, block, qs in groups:
        n_ans = sum(q.answerable for q in qs)
        n_una = len(qs) - n_ans
        out[group] = {}
        for metric, n in (("Hit@1", n_ans), ("Hit@5", n_ans), ("answer has key fact", n_ans),
                          ("oracle Hit@1 (top 50)", n_ans),
                          ("false abstention", n_ans), ("abstention recall", n_una)):
            if block.get(metric) is not None and n:
                out[group][metric] = wilson(round(block[metric] * n), n)
    return out
