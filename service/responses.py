"""Answers and records as the HTTP contract shapes them: one place, for the API and `unqa ask --json`."""
from __future__ import annotations

from unqa.index.citations import citation_label, official_url
from unqa.ingest import Record

from .answering import Answer
from .models import AnswerSpan, AskResponse, Citation, RecordOut


def record_out(record: Record, language: str) -> RecordOut:
    """A record with its ready-to-quote label in `language` and its document's official link."""
    return RecordOut(id=record.id, doc_id=record.doc_id, symbol=record.symbol, title=record.title, kind=record.kind,
                     paragraph=record.paragraph, part=record.part, page=record.page, page_end=record.page_end,
                     section=list(record.section), text=record.text, label=citation_label(record, language),
                     official_url=official_url(record.symbol, record.language))


def ask_response(result: Answer) -> AskResponse:
    citations = [
        Citation(**record_out(h.record, result.language).model_dump(), score=round(h.score, 6),
                 dense_score=None if h.dense_score is None else round(h.dense_score, 6),
                 lexical_score=None if h.lexical_score is None else round(h.lexical_score, 6))
        for h in result.hits
    ]
    return AskResponse(
        question=result.question, language=result.language, answered=result.answered, answer=result.answer,
        answer_spans=[AnswerSpan(citation=s.citation, start=s.start, end=s.end, answer_start=s.answer_start,
                                 answer_end=s.answer_end) for s in result.spans],
        citations=citations, took_ms=round(result.took_ms, 3),
    )
