"""Measure the retrieval choices on the question set: embedded context, record scoring,
lexical tokenizer, fusion weights. Prints Hit@1/3/5 and MRR@10 per
question language.

    python -m eval.retrieval_compare [--corpus corpus] [--questions eval/questions.yaml]

The defaults in index/build.py and index/search.py are the winners of this run.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from index import BuildOptions, build_index, load_index
from index.lexical import LexicalIndex, Tokenizer
import json

from .questions import load_questions


def rank_of(hits, gold: set[str]) -> int | None:
    for h in hits:
        if h.record.id in gold:
            return h.rank
    return None


def score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": sum(1 for r in ranks if r and r <= 1) / n,
        "hit@3": sum(1 for r in ranks if r and r <= 3) / n,
        "hit@5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr@10": sum(1 / r for r in ranks if r and r <= 10) / n,
    }


# (dense, lexical) weights for records in the question's script, and in another script
SAME_GRID = [(1.0, 0.5), (1.0, 1.0), (1.0, 2.0)]
CROSS_GRID = [(1.0, 0.0), (1.0, 0.5), (1.0, 1.0)]


def evaluate(ix, questions, **kwargs) -> dict[str, dict[str, float]]:
    ranks: dict[str, list[int | None]] = {"zh": [], "en": []}
    for q in questions:
        hits = ix.search(q.question, top_k=10, **kwargs)
        ranks[q.language].append(rank_of(hits, set(q.gold)))
    return {lang: score(r) for lang, r in ranks.items()}


def run(corpus: str, questions_file: str) -> None:
    questions = [q for q in load_questions(questions_file) if q.gold]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for context in ("none", "title+section"):
            t = time.perf_counter()
            build_index(corpus, Path(tmp) / context, BuildOptions(context=context))
            ix = load_index(Path(tmp) / context)
            print(f"built context={context} in {time.perf_counter() - t:.1f}s")
            tag = f"context={context}"
            for scoring in ("block", "max", "mean"):
                rows.append((f"{tag} dense scoring={scoring}",
                             evaluate(ix, questions, retriever="dense", dense_scoring=scoring)))
            if context != "none":
                continue
            plain = [json.loads(line)["plain"]
                     for line in (ix.version / "units.jsonl").read_text(encoding="utf-8").splitlines()]
            for tok in ("jieba", "bigram", "jieba-snowball"):
                ix.lexical = LexicalIndex.build(plain, Tokenizer(tok))
                rows.append((f"{tag} lexical tokenizer={tok}", evaluate(ix, questions, retriever="lexical")))
                for same in SAME_GRID:
                    for cross in CROSS_GRID:
                        rows.append((f"{tag} hybrid tok={tok} same={same} cross={cross}",
                                     evaluate(ix, questions, retriever="hybrid", weights=(same, cross))))
            ix.lexical = LexicalIndex.build(plain, Tokenizer("jieba-snowball"))
    header = (f"{'configuration':86} | {'zh H@1':>6} {'H@3':>5} {'H@5':>5} {'MRR':>5} | "
              f"{'en H@1':>6} {'H@3':>5} {'H@5':>5} {'MRR':>5}")
    print(header)
    print("-" * len(header))
    for name, res in rows:
        zh, en = res["zh"], res["en"]
        print(f"{name:86} | {zh['hit@1']:6.3f} {zh['hit@3']:5.3f} {zh['hit@5']:5.3f} {zh['mrr@10']:5.3f} | "
              f"{en['hit@1']:6.3f} {en['hit@3']:5.3f} {en['hit@5']:5.3f} {en['mrr@10']:5.3f}")
    for lang in ("zh", "en"):
        best = max(rows, key=lambda r: (r[1][lang]["mrr@10"], r[1][lang]["hit@1"]))
        print(f"best for {lang} by MRR@10: {best[0]}")
    best = max(rows, key=lambda r: np.mean([r[1]["zh"]["mrr@10"], r[1]["en"]["mrr@10"]]))
    print(f"best by mean MRR@10 over zh and en: {best[0]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent / "corpus"))
    p.add_argument("--questions", default=str(Path(__file__).resolve().parent / "questions.yaml"))
    args = p.parse_args()
    run(args.corpus, args.questions)


if __name__ == "__main__":
    main()
