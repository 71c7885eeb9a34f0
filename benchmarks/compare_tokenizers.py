"""Lexical tokenizer choice, measured on dev only: the main question set over the bundled
corpus, and the blind dev split over its PDFs. Each configuration loads the index afresh
and rebuilds only its BM25 part from the embedded units (vectors are shared), so nothing
cached by one configuration reaches the next.

    python benchmarks/compare_tokenizers.py [--blind-dir data/blind]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from unqa.eval.blind import load_split  # noqa: E402
from unqa.eval.questions import load_questions, resolve  # noqa: E402
from unqa.index import load_index  # noqa: E402
from unqa.index.lexical import LexicalIndex, Tokenizer  # noqa: E402
from unqa.ingest import ingest_corpus, read_corpus  # noqa: E402


def ranks(index_dir: Path, tokenizer: str, questions) -> dict[str, list[int | None]]:
    ix = load_index(index_dir)
    with open(Path(ix.version) / "units.jsonl", encoding="utf-8") as fh:
        plain = [json.loads(line)["plain"] for line in fh]
    ix.lexical = LexicalIndex.build(plain, Tokenizer(tokenizer))
    out: dict[str, list[int | None]] = defaultdict(list)
    for q in questions:
        if not q.answerable:
            continue
        hits = ix.search(q.question, top_k=10)
        out[q.language].append(next((h.rank for h in hits if h.record.id in q.gold), None))
        out["all"].append(out[q.language][-1])
    return out


def table(name: str, rows: dict[str, dict[str, list]]) -> None:
    print(f"\n{name}")
    langs = list(next(iter(rows.values())))
    print("| tokenizer | " + " | ".join(f"{lang} Hit@1 | {lang} Hit@5" for lang in langs) + " |")
    for tok, by_lang in rows.items():
        cells = []
        for lang in langs:
            r = by_lang[lang]
            cells += [f"{sum(1 for x in r if x == 1) / len(r):.3f}", f"{sum(1 for x in r if x and x <= 5) / len(r):.3f}"]
        print(f"| {tok} | " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundled-index", type=Path, default=ROOT / "data" / "index")
    ap.add_argument("--blind-dir", type=Path, default=ROOT / "data" / "blind")
    args = ap.parse_args()
    kinds = ("jieba", "jieba-snowball")
    old = load_questions()
    ingest_corpus(ROOT / "corpus")
    table("eval/questions.yaml (dev: the bundled reports)", {k: ranks(args.bundled_index, k, old) for k in kinds})
    docs = read_corpus(args.blind_dir / "corpus").documents
    dev, _ = resolve(load_split("dev"), {d.meta.file: list(d.records) for d in docs})
    table("blind dev split", {k: ranks(args.blind_dir / "index", k, dev) for k in kinds})


if __name__ == "__main__":
    main()
