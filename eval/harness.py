"""Run the question set against the system (and the tutorial baseline), score it, check the gate."""
from __future__ import annotations

import time
from pathlib import Path

from tqdm import tqdm

from unqa.index import RETRIEVERS, load_index, make_embedder
from unqa.index.citations import citation_label
from unqa.ingest import ingest_corpus

from .metrics import failures, per_question_rank, score
from .questions import DEFAULT_QUESTIONS, Question, load_questions
from .targets import ChunkBaseline, HttpTarget, IndexTarget, Outcome

ROOT = Path(__file__).resolve().parent.parent

# The gate, on the frozen blind test split (tests/test_eval_blind.py fails the build if a figure
# falls): floors just under what the system measures there (Hit@1 0.448, Hit@5 0.760, oracle
# Hit@1 of the top 50 0.948, key fact 0.417, false abstention 0.083), so a change that makes
# answers worse on questions it was not tuned on cannot land. They are not the targets
# (Hit@1 >= 0.85-0.95, abstention recall >= 0.90), which the bundled model does not reach.
GATE = [
    ("overall", "Hit@1", ">=", 0.40), ("overall", "Hit@5", ">=", 0.75),
    ("overall", "oracle Hit@1 (top 50)", ">=", 0.92), ("overall", "answer has key fact", ">=", 0.38),
    ("overall", "false abstention", "<=", 0.10),
    ("overall", "citation exists", ">=", 1.0), ("overall", "citation text exact", ">=", 1.0),
]


def run_target(target, questions: list[Question], progress: bool) -> dict[str, Outcome]:
    outcomes = {}
    for q in tqdm(questions, desc=f"asking ({target.name})", unit="q", disable=not progress, leave=False):
        outcomes[q.id] = target.ask(q.id, q.question)
    return outcomes


def check_gate(scores: dict) -> list[dict]:
    out = []
    for group, metric, op, threshold in GATE:
        block = scores["overall"] if group == "overall" else scores["by_language"].get(group, {})
        value = block.get(metric)
        ok = value is not None and (value >= threshold if op == ">=" else value <= threshold)
        out.append({"group": group, "metric": metric, "op": op, "threshold": threshold, "value": value, "ok": ok})
    return out


def hit_curve(questions: list[Question], outcomes: dict[str, Outcome], language: str) -> list[float]:
    ranks = [per_question_rank(q, outcomes[q.id]) for q in questions if q.answerable and q.language == language]
    return [sum(1 for r in ranks if r and r <= k) / len(ranks) if ranks else 0.0 for k in range(1, 11)]


def run_eval(questions_file: Path = DEFAULT_QUESTIONS, index_dir: Path | None = None, url: str | None = None,
             retriever: str = "hybrid", corpus_dir: Path = ROOT / "corpus", baseline: bool = True,
             progress: bool = True) -> dict:
    """The main question set (gold given as record ids) against the bundled corpus."""
    questions = load_questions(questions_file)
    docs = ingest_corpus(corpus_dir)
    corpus = {r.id: r for d in docs for r in d.records}
    return evaluate(questions, corpus, str(questions_file), index_dir, url, retriever, corpus_dir, baseline, progress,
                    sources=sources_of(docs, corpus_dir))


def sources_of(documents, corpus_dir: Path) -> dict[str, Path]:
    """Each document's source file, for checking cited text against it."""
    return {d.meta.doc_id: Path(corpus_dir) / d.meta.file for d in documents}


def baselines_for(corpus_dir: Path, embedder=None) -> list[ChunkBaseline]:
    """The three chunk pipelines side by side (eval/targets.py), built once for a corpus."""
    embedder = embedder or make_embedder()
    return [ChunkBaseline(corpus_dir, embedder, kind) for kind in ChunkBaseline.KINDS]


def evaluate(questions: list[Question], corpus: dict, label: str, index_dir: Path | None = None,
             url: str | None = None, retriever: str = "hybrid", corpus_dir: Path = ROOT / "corpus",
             baseline: bool = True, progress: bool = True, baselines: list[ChunkBaseline] | None = None,
             sources: dict[str, Path] | None = None, gate: bool = False) -> dict:
    """Everything the report shows, as one JSON-able dict."""
    targets = []
    embedder = None
    if url:
        targets.append(HttpTarget(url))
    else:
        ix = load_index(index_dir)
        embedder = ix.embedder
        names = RETRIEVERS if retriever == "all" else (retriever,)
        targets += [IndexTarget(ix, name) for name in names]
    if baseline:
        targets += baselines if baselines is not None else baselines_for(corpus_dir, embedder)
    labels = {rid: citation_label(r, "en") for rid, r in corpus.items()}
    languages = sorted({q.language for q in questions})
    results = {}
    for target in targets:
        start = time.perf_counter()
        outcomes = run_target(target, questions, progress)
        scores = score(questions, outcomes, corpus, sources)
        results[target.name] = {
            "scores": scores,
            "failures": failures(questions, outcomes, labels),
            "hit_curves": {lang: hit_curve(questions, outcomes, lang) for lang in languages},
            "seconds": time.perf_counter() - start,
        }
    main = "hybrid" if "hybrid" in results else next(n for n in results if n not in ChunkBaseline.KINDS)
    report = {
        "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
        "questions_file": label,
        "questions": len(questions),
        "main": main,
        "targets": results,
        "gate": check_gate(results[main]["scores"]) if gate else [],
    }
    if "baseline" in results:
        ours, base = results[main]["scores"], results["baseline"]["scores"]
        report["baseline_comparison"] = {
            group: {m: {"ours": ours_block.get(m), "baseline": base_block.get(m),
                        "ratio": (ours_block[m] / base_block[m]) if base_block.get(m) else None}
                    for m in ("Hit@1", "Hit@3", "Hit@5", "MRR@10", "nDCG@10", "Recall@5", "first citation gold")
                    if m in ours_block}
            for group, ours_block, base_block in (
                [("overall", ours["overall"], base["overall"])]
                + [(lang, ours["by_language"][lang], base["by_language"][lang]) for lang in ours["by_language"]])
        }
    return report
