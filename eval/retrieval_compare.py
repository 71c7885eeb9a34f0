"""Measure the retrieval choices on the question set: embedded context, record scoring,
lexical tokenizer, fusion weights. Prints Hit@1/3/5 and MRR@10 per question language.

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


def run(corpus: str, questions_file: str) -> None:
    questions = [q for q in load_questions(questions_file) if q.gold]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for context in ("none", "title+section"):
            t = time.perf_counter()
            build_index(corpus, Path(tmp) / context, BuildOptions(context=context))
            ix = load_index(Path(tmp) / context)
            print(f"built context={context} in {time.perf_counter() - t:.1f}s")
            qvecs = {q.id: ix.embed_query(q.question) for q in questions}
            lexicals = {tok: LexicalIndex.build([r.text for r in ix.records], Tokenizer(tok))
                        for tok in ("bigram", "jieba")}
            configs = []
            for scoring in ("block", "max", "mean"):
                configs.append((f"dense scoring={scoring}", dict(retriever="dense", dense_scoring=scoring), "bigram"))
            if context == "none":
                for tok in ("bigram", "jieba"):
                    configs.append((f"lexical tokenizer={tok}", dict(retriever="lexical"), tok))
            for tok in ("bigram", "jieba"):
                for same in (0.5, 1.0):
                    for cross in (0.0, 0.2, 0.5, 1.0):
                        configs.append((f"hybrid tok={tok} w_same={same} w_cross={cross}",
                                        dict(retriever="hybrid", lexical_weights=(same, cross)), tok))
            for name, kwargs, tok in configs:
                ix.lexical = lexicals[tok]
                ranks = {"zh": [], "en": []}
                for q in questions:
                    hits = ix.search(q.question, top_k=10, query_vector=qvecs[q.id], **kwargs)
                    ranks[q.language].append(rank_of(hits, set(q.gold)))
                rows.append((f"context={context} {name}", score(ranks["zh"]), score(ranks["en"])))
    header = f"{'configuration':72} | {'zh H@1':>6} {'H@3':>5} {'H@5':>5} {'MRR':>5} | {'en H@1':>6} {'H@3':>5} {'H@5':>5} {'MRR':>5}"
    print(header)
    print("-" * len(header))
    for name, zh, en in rows:
        print(f"{name:72} | {zh['hit@1']:6.3f} {zh['hit@3']:5.3f} {zh['hit@5']:5.3f} {zh['mrr@10']:5.3f} | "
              f"{en['hit@1']:6.3f} {en['hit@3']:5.3f} {en['hit@5']:5.3f} {en['mrr@10']:5.3f}")
    best = max(rows, key=lambda r: np.mean([r[1]["mrr@10"], r[2]["mrr@10"]]))
    print(f"best by mean MRR@10 over zh and en: {best[0]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent / "corpus"))
    p.add_argument("--questions", default=str(Path(__file__).resolve().parent / "questions.yaml"))
    args = p.parse_args()
    run(args.corpus, args.questions)


if __name__ == "__main__":
    main()
