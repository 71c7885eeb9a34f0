"""From a question to a cited, extractive answer, or a plain "not in these reports".

The answer is made only of sentences copied from the cited records, each with its offsets
in the citation text, so every word of it can be traced to an official paragraph. Nothing
runs the model twice: sentence vectors were computed when the index was built.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

import numpy as np

from index import Hit, Index, script_of
from index.citations import citation_label
from index.search import LANGUAGE_SCRIPT
from ingest import Record

ANSWER_FROM_TOP = 3  # sentences are picked from this many best records
SECOND_SENTENCE_MARGIN = 0.02  # a second sentence joins when it scores this close to the best

# Abstention. A question is not answered when (a) it names an identifier (a number, date,
# document symbol or "第N届" session) that occurs nowhere in the reports, or (b) its best
# record's dense score (cosine, mean of block and best sentence) is below a threshold, one for
# questions in the record's script and one across scripts. Thresholds: `python -m eval.calibrate`.
MIN_DENSE_SAME_SCRIPT = 0.8678
MIN_DENSE_CROSS_SCRIPT = 0.8492
_IDENTIFIER = re.compile(r"^(?:\d{2,}|\d{4}-\d{2}(?:-\d{2})?|.*/.*|第.+[届次])$")

NOT_FOUND = {
    "en": "The reports do not answer this question. The closest paragraphs are listed below.",
    "zh": "这些报告没有回答这个问题。下面列出最接近的段落。",
    "fr": "Les rapports ne répondent pas à cette question. Les paragraphes les plus proches figurent ci-dessous.",
    "es": "Los informes no responden a esta pregunta. A continuación figuran los párrafos más cercanos.",
    "ru": "В докладах нет ответа на этот вопрос. Ниже приведены наиболее близкие пункты.",
    "ar": "لا تجيب التقارير عن هذا السؤال. وترد أدناه أقرب الفقرات.",
}
_STOPWORDS = {
    "en": {"the", "of", "and", "what", "which", "who", "when", "where", "how", "is", "was", "did", "does", "in"},
    "fr": {"le", "la", "les", "des", "du", "est", "quel", "quelle", "quels", "qui", "quand", "où", "comment", "et"},
    "es": {"el", "los", "las", "del", "qué", "cuál", "cuándo", "dónde", "cómo", "es", "fue", "y", "quién"},
}
_LATIN_WORD = re.compile(r"[a-záéíóúñàâçèêëîïôûùü]+", re.IGNORECASE)


def question_language(question: str) -> str:
    """zh, ru, ar by script; en, fr or es by their commonest small words (en when unsure)."""
    script = script_of(question)
    if script == "cjk":
        return "zh"
    if script == "cyrillic":
        return "ru"
    if script == "arabic":
        return "ar"
    words = [w.lower() for w in _LATIN_WORD.findall(question)]
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts["en"] else "en"


@dataclass(frozen=True)
class Span:
    """`citation`'s text[start:end] is answer[answer_start:answer_end]."""

    citation: int
    start: int
    end: int
    answer_start: int
    answer_end: int


@dataclass(frozen=True)
class Answer:
    question: str
    language: str
    answered: bool
    answer: str
    spans: tuple[Span, ...]
    hits: tuple[Hit, ...]
    labels: tuple[str, ...]
    took_ms: float


class Answerer:
    def __init__(self, index: Index) -> None:
        self.index = index
        self._corpus_text = "\n".join(r.text for r in index.records).lower()
        self._mentions: dict[tuple, bool] = {}  # an entity is looked up in the corpus once

    def ask(self, question: str, top_k: int = 5, documents: list[str] | None = None,
            retriever: str | None = None) -> Answer:
        start = time.perf_counter()
        question = question.strip()
        language = question_language(question)
        qv = self.index.embed_query(question)
        hits = self.index.search(question, top_k=top_k, documents=documents, query_vector=qv, retriever=retriever)
        labels = tuple(citation_label(h.record, language) for h in hits)
        answered = bool(hits) and self.relevant(question, hits[0], qv)
        if answered:
            text, spans = self._extract(qv, hits)
        else:
            text, spans = NOT_FOUND[language], ()
        took = (time.perf_counter() - start) * 1000
        return Answer(question, language, answered, text, spans, tuple(hits), labels, took)

    def relevant(self, question: str, top: Hit, qv: np.ndarray) -> bool:
        if self.unknown_identifiers(question):
            return False
        threshold = MIN_DENSE_CROSS_SCRIPT if is_cross_script(question, top.record) else MIN_DENSE_SAME_SCRIPT
        dense = top.dense_score if top.dense_score is not None else self.index.record_dense_score(top.record_index, qv)
        return dense >= threshold

    def unknown_identifiers(self, question: str) -> list[str]:
        """Numbers, dates, symbols, sessions and UN bodies in the question that no report mentions."""
        tokens = self.index.lexical.tokenizer(self.index.query_text(question))
        vocab = self.index.lexical.bm25.vocab_dict
        unknown = [t for t in dict.fromkeys(tokens) if _IDENTIFIER.match(t) and t not in vocab]
        return unknown + [next(iter(entity.values()))[0] for entity in self.index.glossary.entities_in(question)
                          if not self._mentioned(entity)]

    def _mentioned(self, entity: dict[str, tuple[str, ...]]) -> bool:
        key = tuple(sorted(entity.items()))
        if key not in self._mentions:
            self._mentions[key] = any(variant.lower() in self._corpus_text
                                      for variants in entity.values() for variant in variants)
        return self._mentions[key]

    def _extract(self, qv: np.ndarray, hits: list[Hit]) -> tuple[str, tuple[Span, ...]]:
        """The best sentence of the best records (a second one if nearly as good).

        Adding the share of question words a sentence contains was measured and did not help."""
        candidates: list[tuple[float, int, int, int]] = []  # (score, citation, start, end)
        for c, hit in enumerate(hits[:ANSWER_FROM_TOP]):
            ids = self.index.sentence_ids(hit.record_index)
            if not ids:
                continue
            scores = self.index.sentence_vectors(ids) @ qv
            for sid, score in zip(ids, scores):
                _, s, e = self.index.sentence_spans[sid]
                candidates.append((float(score) - 0.01 * c, c, int(s), int(e)))
        if not candidates:
            top = hits[0].record.text
            return top, (Span(0, 0, len(top), 0, len(top)),)
        candidates.sort(key=lambda x: -x[0])
        chosen = [candidates[0]]
        for cand in candidates[1:2]:
            if cand[0] >= chosen[0][0] - SECOND_SENTENCE_MARGIN:
                chosen.append(cand)
        chosen.sort(key=lambda x: (x[1], x[2]))  # reading order
        answer, spans = "", []
        for _, c, s, e in chosen:
            piece = hits[c].record.text[s:e]
            if answer:
                answer += "\n"
            spans.append(Span(c, s, e, len(answer), len(answer) + len(piece)))
            answer += piece
        return answer, tuple(spans)


def is_cross_script(question: str, record: Record) -> bool:
    """An English question about a Chinese report, say: scored with the cross-script threshold."""
    return script_of(question) != LANGUAGE_SCRIPT.get(record.language, "latin")
