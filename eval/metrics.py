"""Scores from outcomes. Ranking metrics come from ir-measures (pytrec_eval) over standard
qrels and runs; the rest are shares defined here and in README.md ("Evaluation")."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import ir_measures
import numpy as np
from ir_measures import RR, R, Success, nDCG

from unqa.ingest import Record

from .questions import Question
from .source_check import matches_source
from .targets import Outcome

MEASURES = {"Hit@1": Success @ 1, "Hit@3": Success @ 3, "Hit@5": Success @ 5, "MRR@10": RR @ 10,
            "nDCG@10": nDCG @ 10, "Recall@5": R @ 5}
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """For the key-fact check: NFKC (full-width forms become ASCII), lower case, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


def ranking(questions: list[Question], outcomes: dict[str, Outcome]) -> dict[str, float]:
    answerable = [q for q in questions if q.answerable]
    if not answerable:
        return {}
    qrels = [ir_measures.Qrel(q.id, g, 1) for q in answerable for g in q.gold]
    run = []
    for q in answerable:
        cites = outcomes[q.id].citations
        run += [ir_measures.ScoredDoc(q.id, c.id, float(len(cites) - i)) for i, c in enumerate(cites)]
        if not cites:  # keep the question in the average: it scores 0
            run.append(ir_measures.ScoredDoc(q.id, "(nothing)", 0.0))
    agg = ir_measures.calc_aggregate(list(MEASURES.values()), qrels, run)
    return {name: float(agg[m]) for name, m in MEASURES.items()}


def per_question_rank(q: Question, outcome: Outcome) -> int | None:
    return next((i + 1 for i, c in enumerate(outcome.citations) if c.id in q.gold), None)


def deep_rank(q: Question, outcome: Outcome) -> int | None:
    """The gold record's rank among the CEILING_DEPTH best (None: not among them)."""
    return next((i + 1 for i, rid in enumerate(outcome.deep or ()) if rid in q.gold), None)


def chunk_hits(questions: list[Question], outcomes: dict[str, Outcome]) -> dict[str, float]:
    """Baseline only: the share whose k best chunks contain a gold record anywhere."""
    answerable = [q for q in questions if q.answerable]
    out = {}
    for k in (1, 3, 5):
        hits = sum(any(set(q.gold) & chunk for chunk in outcomes[q.id].chunk_hits[:k]) for q in answerable)
        out[f"chunk Hit@{k}"] = hits / len(answerable) if answerable else 0.0
    return out


def citation_checks(outcomes: dict[str, Outcome], corpus: dict[str, Record],
                    sources: dict[str, Path] | None = None) -> dict[str, float]:
    """Every cited record exists in the corpus and carries its exact text; and, read from the
    source file itself (eval/source_check.py), the cited text is the document's text."""
    total = exists = exact = in_source = 0
    for o in outcomes.values():
        for c in o.citations:
            total += 1
            rec = corpus.get(c.id)
            ok = rec is not None and rec.doc_id == c.doc_id and rec.kind == c.kind and rec.paragraph == c.paragraph
            exists += ok
            exact += ok and (c.text is None or c.text == rec.text)
            if ok and sources and rec.doc_id in sources:
                in_source += matches_source(c.text if c.text is not None else rec.text, sources[rec.doc_id],
                                            rec.page, rec.page_end)
    out = {"cited records": total, "citation exists": exists / total if total else 1.0,
           "citation text exact": exact / total if total else 1.0}
    if sources:
        out["citation text in source"] = in_source / total if total else 1.0
    return out


def shares(questions: list[Question], outcomes: dict[str, Outcome]) -> dict[str, float]:
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    out: dict[str, float] = {"questions": len(questions)}
    if answerable:
        out["first citation gold"] = np.mean([bool(outcomes[q.id].citations) and outcomes[q.id].citations[0].id in q.gold
                                              for q in answerable])
    decided = [q for q in questions if outcomes[q.id].answered is not None]
    if decided:
        ans = [q for q in answerable if q in decided]
        una = [q for q in unanswerable if q in decided]
        if ans:
            out["answer has key fact"] = np.mean([
                bool(outcomes[q.id].answered) and normalise(q.key_fact) in normalise(outcomes[q.id].answer or "")
                for q in ans])
            out["false abstention"] = np.mean([outcomes[q.id].answered is False for q in ans])
        abstained = [q for q in decided if outcomes[q.id].answered is False]
        if una:
            out["abstention recall"] = np.mean([outcomes[q.id].answered is False for q in una])
        if abstained:
            out["abstention precision"] = np.mean([not q.answerable for q in abstained])
    if answerable and all(outcomes[q.id].deep is not None for q in answerable):
        out["oracle Hit@1 (top 50)"] = np.mean([bool(set(q.gold) & set(outcomes[q.id].deep)) for q in answerable])
    lat = [outcomes[q.id].took_ms for q in questions]
    out["latency p50 ms"] = float(np.percentile(lat, 50))
    out["latency p95 ms"] = float(np.percentile(lat, 95))
    return {k: (v if k == "questions" else float(v)) for k, v in out.items()}


def consistency(questions: list[Question], outcomes: dict[str, Outcome]) -> dict[str, float]:
    """Share of Chinese/English question pairs whose first citation is the same record."""
    pairs: dict[str, dict[str, Question]] = defaultdict(dict)
    for q in questions:
        if q.pair:
            pairs[q.pair][q.language] = q
    both = [p for p in pairs.values() if "zh" in p and "en" in p]
    same = [bool(outcomes[p["zh"].id].citations) and bool(outcomes[p["en"].id].citations)
            and outcomes[p["zh"].id].citations[0].id == outcomes[p["en"].id].citations[0].id for p in both]
    return {"zh/en pairs": len(both), "same first citation": float(np.mean(same)) if same else 0.0}


def score(questions: list[Question], outcomes: dict[str, Outcome], corpus: dict[str, Record],
          sources: dict[str, Path] | None = None) -> dict:
    """Every figure, overall and broken down by question language, by question type and by tag."""
    def block(qs: list[Question]) -> dict[str, float]:
        out = {**ranking(qs, outcomes), **shares(qs, outcomes)}
        if any(o.chunk_hits for o in outcomes.values()):
            out.update(chunk_hits(qs, outcomes))
        return out

    languages = sorted({q.language for q in questions})
    tags = sorted({t for q in questions for t in q.tags})
    types = sorted({q.type for q in questions if q.type})
    return {
        "overall": {**block(questions), **citation_checks(outcomes, corpus, sources), **consistency(questions, outcomes)},
        "by_language": {lang: block([q for q in questions if q.language == lang]) for lang in languages},
        "by_type": {t: block([q for q in questions if q.type == t]) for t in types},
        "by_tag": {tag: block([q for q in questions if tag in q.tags]) for tag in tags},
    }


def failures(questions: list[Question], outcomes: dict[str, Outcome], labels: dict[str, str]) -> list[dict]:
    """Questions the system got wrong, with what it returned instead."""
    out = []
    for q in questions:
        o = outcomes[q.id]
        top = [labels.get(c.id, c.id) for c in o.citations[:3]]
        problems = []
        if q.answerable:
            rank = per_question_rank(q, o)
            if rank != 1:
                deep = deep_rank(q, o)
                problems.append(f"gold at rank {rank}" if rank else f"gold at rank {deep}" if deep
                                else "gold not in the top 10" if o.deep is None else "gold not in the top 50")
            if o.answered is False:
                problems.append("abstained")
            elif o.answered and normalise(q.key_fact) not in normalise(o.answer or ""):
                problems.append("answer lacks the key fact")
        elif o.answered:
            problems.append("answered an unanswerable question")
        if problems:
            out.append({"id": q.id, "language": q.language, "question": q.question, "tags": q.tags, "type": q.type,
                        "rank": deep_rank(q, o) if q.answerable and o.deep is not None else per_question_rank(q, o),
                        "gold": [labels.get(g, g) for g in q.gold], "problems": problems, "returned": top,
                        "answer": (o.answer or "")[:160]})
    return out
