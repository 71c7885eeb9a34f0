"""Measure the retrieval choices on dev: record scoring, embedded context, lexical tokenizer,
fusion weights. Prints Hit@1, Hit@5 and MRR@10 on the bundled set (zh and en questions) and on
the blind dev split (six languages), never on the test split.

    python -m unqa.eval.retrieval_compare [--corpus corpus] [--blind-dir data/blind]

(the blind dev split needs `unqa eval` to have built data/blind once). The defaults in
index/build.py and index/search.py are the choices of this run; a choice is changed only when
it wins on both dev parts by more than a question or two.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from unqa.index import BuildOptions, build_index, load_index
from unqa.index.lexical import TOKENIZERS, LexicalIndex, Tokenizer
from unqa.ingest import read_corpus

from .blind import load_split
from .questions import load_questions, resolve

ROOT = Path(__file__).resolve().parent.parent
# (dense, lexical) weights for records in the question's script, and in another script
SAME_GRID = [(1.0, 0.5), (1.0, 1.0), (1.0, 2.0)]
CROSS_GRID = [(1.0, 0.0), (1.0, 0.5), (1.0, 1.0)]
GROUPS = ("bundled zh", "bundled en", "blind dev")


def score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"hit@1": sum(1 for r in ranks if r == 1) / n, "hit@5": sum(1 for r in ranks if r and r <= 5) / n,
            "mrr@10": sum(1 / r for r in ranks if r and r <= 10) / n}


def evaluate(ix, questions, group_of, **kwargs) -> dict[str, dict[str, float]]:
    ranks: dict[str, list[int | None]] = {}
    for q in questions:
        hits = ix.search(q.question, top_k=10, **kwargs)
        ranks.setdefault(group_of(q), []).append(next((h.rank for h in hits if h.record.id in q.gold), None))
    return {g: score(r) for g, r in ranks.items()}


def variants(ix, questions, group_of, tag: str, lexical: bool) -> list[tuple[str, dict]]:
    rows = [(f"{tag} dense scoring={s}", evaluate(ix, questions, group_of, retriever="dense", dense_scoring=s))
            for s in ("block", "max", "mean")]
    if not lexical:
        return rows
    plain = [json.loads(line)["plain"] for line in (ix.version / "units.jsonl").read_text(encoding="utf-8").splitlines()]
    built = ix.lexical
    for tok in TOKENIZERS:
        ix.lexical = LexicalIndex.build(plain, Tokenizer(tok))
        rows.append((f"{tag} lexical tokenizer={tok}", evaluate(ix, questions, group_of, retriever="lexical")))
        for same in SAME_GRID:
            for cross in CROSS_GRID:
                rows.append((f"{tag} hybrid tok={tok} same={same} cross={cross}",
                             evaluate(ix, questions, group_of, retriever="hybrid", weights=(same, cross))))
    ix.lexical = built
    return rows


def run(corpus: str, blind_dir: Path) -> None:
    bundled = [q for q in load_questions() if q.gold]
    per_config: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for context in ("none", "title+section"):
            t = time.perf_counter()
            build_index(corpus, Path(tmp) / context, BuildOptions(context=context))
            ix = load_index(Path(tmp) / context)
            print(f"built the bundled corpus with context={context} in {time.perf_counter() - t:.1f}s")
            tag = "" if context == "none" else f"context={context}"
            for name, res in variants(ix, bundled, lambda q: f"bundled {q.language}", tag, context == "none"):
                per_config.setdefault(name.strip(), {}).update(res)
    if (blind_dir / "index" / "CURRENT").exists():
        docs = read_corpus(blind_dir / "corpus").documents
        dev = [q for q in resolve(load_split("dev"), {d.meta.file: list(d.records) for d in docs})[0] if q.gold]
        ix = load_index(blind_dir / "index")
        for name, res in variants(ix, dev, lambda q: "blind dev", "", True):
            per_config.setdefault(name.strip(), {}).update(res)
    else:
        print(f"no blind index in {blind_dir}: run `unqa eval` once for the blind dev columns")
    header = f"{'configuration':78}" + "".join(f" | {g:>10} H@1   H@5   MRR" for g in GROUPS)
    print(header)
    print("-" * len(header))
    for name, res in per_config.items():
        cells = "".join(f" | {res[g]['hit@1']:16.3f} {res[g]['hit@5']:5.3f} {res[g]['mrr@10']:5.3f}" if g in res
                        else f" | {'—':>28}" for g in GROUPS)
        print(f"{name:78}{cells}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=str(ROOT / "corpus"))
    p.add_argument("--blind-dir", type=Path, default=ROOT / "data" / "blind")
    args = p.parse_args()
    run(args.corpus, args.blind_dir)


if __name__ == "__main__":
    main()
