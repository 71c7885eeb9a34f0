"""Calibrate the abstention thresholds on dev only: the main question set over the bundled
reports, and the blind dev split over its PDFs (never the test split).

    python -m unqa.eval.calibrate [--max-false-abstention 0.05] [--min-pair 8]

(after `unqa eval`, which builds data/index and data/blind)

A question is answered when its best record's dense score reaches the threshold of its
(question language, record language) pair, or, for a pair with fewer than `--min-pair` dev
questions, the threshold for a record in the question's language ("same") or in another
("cross"). Both models are fitted and compared by leave-one-out; on dev the two thresholds
alone did better than per-pair ones (pairs have 11 dev questions each), so service/answering.py
holds the two. Thresholds are raised greedily,
always where one more false abstention buys the most caught unanswerable questions, until
the false abstentions on dev reach the budget. Prints the table that service/answering.py
holds, and a leave-one-out estimate of what it does on questions it was not fitted on.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from unqa.index import load_index, query
from unqa.ingest import read_corpus
from unqa.service.answering import is_cross_language, refused_whatever_the_score

from .blind import load_split
from .questions import load_questions, resolve

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Row:
    qid: str
    group: tuple[str, str]  # (question language, record language)
    relation: str  # same | cross: the record is in the question's language or not
    score: float  # dense score of the best record
    answerable: bool
    flagged: bool  # contentless, or names an identifier no report holds: abstains whatever the threshold


def rows_of(index_dir: Path, questions) -> list[Row]:
    ix = load_index(index_dir)
    out = []
    for q in questions:
        result = query(ix, q.question, top_k=5)
        top = result.hits[0].record
        relation = "cross" if is_cross_language(result.language, top) else "same"
        out.append(Row(q.id, (result.language, top.language), relation, result.top_dense, q.answerable,
                       refused_whatever_the_score(result)))
    return out


def dev_rows(bundled_index: Path, blind_dir: Path) -> list[Row]:
    rows = rows_of(bundled_index, load_questions())
    docs = read_corpus(blind_dir / "corpus").documents
    dev, _ = resolve(load_split("dev"), {d.meta.file: list(d.records) for d in docs})
    return rows + rows_of(blind_dir / "index", dev)


def key_of(row: Row, pairs: set[tuple[str, str]]) -> tuple[str, str] | str:
    return row.group if row.group in pairs else row.relation


def fit(rows: list[Row], max_false: float, min_pair: int) -> dict:
    """Thresholds per key (a language pair, or "same"/"cross"), raised greedily."""
    counts = defaultdict(int)
    for r in rows:
        counts[r.group] += 1
    pairs = {g for g, n in counts.items() if n >= min_pair}
    by_key: dict = defaultdict(list)
    for r in rows:
        by_key[key_of(r, pairs)].append(r)
    thresholds = {k: 0.0 for k in by_key}
    budget = int(max_false * sum(r.answerable for r in rows))
    false = sum(r.answerable and r.flagged for r in rows)
    while True:
        best = None
        for k, group in by_key.items():
            for s in sorted({r.score for r in group if r.score >= thresholds[k]}):
                cut = s + 1e-4  # abstain on every question of this key scoring up to s
                newly = [r for r in group if not r.flagged and thresholds[k] <= r.score < cut]
                cost = sum(r.answerable for r in newly)
                gain = len(newly) - cost
                if false + cost > budget:
                    break
                if gain and (best is None or gain / (cost + 0.5) > best[0]):
                    best = (gain / (cost + 0.5), k, cut, cost)
        if best is None:
            for relation in ("same", "cross"):  # the fallback of pairs dev has not seen
                thresholds.setdefault(relation, 0.0)
            return {"thresholds": thresholds, "pairs": pairs}
        _, k, cut, cost = best
        thresholds[k] = cut
        false += cost


def decide(row: Row, model: dict) -> bool:
    """True when the question is answered."""
    if row.flagged:
        return False
    return row.score >= model["thresholds"].get(key_of(row, model["pairs"]), 0.0)


def report(rows: list[Row], answered: list[bool]) -> str:
    ans = [a for r, a in zip(rows, answered) if r.answerable]
    una = [a for r, a in zip(rows, answered) if not r.answerable]
    return (f"abstention recall {sum(not a for a in una)}/{len(una)} = {sum(not a for a in una) / len(una):.3f}, "
            f"false abstention {sum(not a for a in ans)}/{len(ans)} = {sum(not a for a in ans) / len(ans):.3f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundled-index", type=Path, default=ROOT / "data" / "index")
    p.add_argument("--blind-dir", type=Path, default=ROOT / "data" / "blind")
    p.add_argument("--max-false-abstention", type=float, default=0.05)
    p.add_argument("--min-pair", type=int, default=8, help="dev questions a language pair needs for its own threshold")
    args = p.parse_args()
    rows = dev_rows(args.bundled_index, args.blind_dir)
    budget = args.max_false_abstention
    for label, min_pair in ((f"per pair (>= {args.min_pair} questions)", args.min_pair), ("same/cross only", 10**9)):
        model = fit(rows, budget, min_pair)
        print(f"{label}:\nTHRESHOLDS = {{")
        for k, t in sorted(model["thresholds"].items(), key=lambda kv: str(kv[0])):
            n = sum(1 for r in rows if key_of(r, model["pairs"]) == k)
            print(f"    {k!r}: {t:.4f},  # {n} dev questions")
        print("}")
        print("  dev, fitted on itself:", report(rows, [decide(r, model) for r in rows]))
        loo = [decide(r, fit(rows[:i] + rows[i + 1:], budget, min_pair)) for i, r in enumerate(rows)]
        print("  dev, leave-one-out (each question decided by thresholds fitted without it):", report(rows, loo))


if __name__ == "__main__":
    main()
