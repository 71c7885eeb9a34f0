"""Calibrate the service's abstention thresholds on the question set.

    python -m eval.calibrate [--index-dir DIR] [--max-false-abstention 0.05]

For questions in the record's script and across scripts separately, prints the dense-score
distributions of answerable and unanswerable questions and the highest threshold whose false
abstention rate on answerable questions stays within the limit (service/answering.py holds the
chosen values).
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from index import build_index, load_index
from service.answering import Answerer, is_cross_script

from .questions import DEFAULT_QUESTIONS, load_questions

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--index-dir", type=Path)
    p.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    p.add_argument("--max-false-abstention", type=float, default=0.05)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index_dir or Path(tmp)
        if not args.index_dir:
            build_index(ROOT / "corpus", index_dir)
        ix = load_index(index_dir)
        answerer = Answerer(ix)
        groups: dict[str, list[tuple[float, bool, str, bool]]] = {"same": [], "cross": []}
        for q in load_questions(args.questions):
            hits = ix.search(q.question, top_k=5)
            top = hits[0]
            relation = "cross" if is_cross_script(q.question, top.record) else "same"
            flagged = bool(answerer.unknown_identifiers(q.question))
            groups[relation].append((top.dense_score or 0.0, q.answerable, q.id, flagged))
    n_answerable = sum(1 for rows in groups.values() for r in rows if r[1])
    budget = int(args.max_false_abstention * n_answerable)
    options = {rel: _thresholds(rows) for rel, rows in groups.items()}
    best = None
    for t_same, fa_same, caught_same in options["same"]:
        for t_cross, fa_cross, caught_cross in options["cross"]:
            if len(fa_same) + len(fa_cross) > budget:
                continue
            key = (len(caught_same) + len(caught_cross), -(len(fa_same) + len(fa_cross)))
            if best is None or key > best[0]:
                best = (key, (t_same, fa_same, caught_same), (t_cross, fa_cross, caught_cross))
    n_unans = sum(1 for rows in groups.values() for r in rows if not r[1])
    for relation, rows in groups.items():
        unans = sorted((round(r[0], 3), r[2]) for r in rows if not r[1])
        print(f"{relation}-script questions: {len(rows)} ({len(unans)} unanswerable)")
        print(f"  blocked by unknown identifiers: {[r[2] for r in rows if r[3]]}")
        print(f"  unanswerable dense scores: {unans}")
        print(f"  lowest answerable dense scores: {sorted((round(r[0], 3), r[2]) for r in rows if r[1])[:6]}")
    (_, same, cross) = best
    print(f"best within {budget} false abstentions of {n_answerable}:")
    print(f"  MIN_DENSE_SAME_SCRIPT = {same[0]:.4f}   abstains on {same[2]}, falsely on {same[1]}")
    print(f"  MIN_DENSE_CROSS_SCRIPT = {cross[0]:.4f}  abstains on {cross[2]}, falsely on {cross[1]}")
    caught = len(same[2]) + len(cross[2])
    false = len(same[1]) + len(cross[1])
    print(f"  abstention recall {caught}/{n_unans} = {caught / n_unans:.3f}, "
          f"false abstention {false}/{n_answerable} = {false / n_answerable:.3f} (fitted on this set)")


def _thresholds(rows):
    """Every useful threshold (midway between neighbouring scores) with what it catches."""
    scores = sorted({r[0] for r in rows})
    cuts = [0.0] + [(a + b) / 2 for a, b in zip(scores, scores[1:])] + [scores[-1] + 1e-3]
    out = []
    for t in cuts:
        fa = [r[2] for r in rows if r[1] and (r[3] or r[0] < t)]
        caught = [r[2] for r in rows if not r[1] and (r[3] or r[0] < t)]
        out.append((t, fa, caught))
    return out


if __name__ == "__main__":
    main()
