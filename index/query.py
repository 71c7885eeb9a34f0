"""One question, asked once: everything the answer needs comes back in a `QueryResult`.

The service decides whether and what to answer from this alone (the question's language,
its vector, the hits, each hit's sentences scored against the question, and the question's
identifiers no report holds), so it never reaches into the tokenizer or the index.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from unqa.ingest.language import language_of

from .search import Hit, Index, SearchError

# The longest of the 299 written questions (six languages) is 61 tokens; the model reads 512. A
# question's cost grows with its tokens (~0.65 ms each on 2 cores, more with attention), so past
# this budget it is refused before it is embedded, which keeps one client from buying seconds of CPU.
MAX_QUESTION_TOKENS = 256


class QuestionTooLong(SearchError):
    """The question has more tokens than the budget."""

# Tokens that pin a question to particular paragraphs: numbers of two or more digits,
# ISO dates (the lexical tokenizer writes every date so), document symbols, "第N届" sessions.
_IDENTIFIER = re.compile(r"^(?:\d{2,}|\d{4}-\d{2}(?:-\d{2})?|.*/.*|第.+[届次])$")


@dataclass(frozen=True)
class Sentence:
    """hit.record.text[start:end], and its cosine to the question."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class QueryResult:
    question: str
    language: str  # the question's UN language
    vector: np.ndarray
    hits: tuple[Hit, ...]
    top_dense: float | None  # the first hit's dense score (cosine), computed when search had none
    sentences: tuple[tuple[Sentence, ...], ...]  # for the first `sentence_hits` hits, in reading order
    has_content: bool  # the question has a word that is not a stopword or punctuation
    unknown: tuple[str, ...]  # the question's identifiers (numbers, dates, symbols, sessions, as the
    # lexical index writes them) that no record of the index holds


def question_language(question: str) -> str:
    """The question's UN language (script, then py3langid; English when it has no letters)."""
    return language_of(question, default="en")


def query(index: Index, question: str, top_k: int = 5, documents: list[str] | None = None,
          retriever: str | None = None, sentence_hits: int = 3) -> QueryResult:
    question = question.strip()
    tokens = index.embedder.token_count(question)
    if tokens > MAX_QUESTION_TOKENS:
        raise QuestionTooLong(f"the question is {tokens} tokens long; at most {MAX_QUESTION_TOKENS} are read "
                              "(about 250 Chinese characters or 170 English words): shorten it")
    vector = index.embed_query(question)
    hits = tuple(index.search(question, top_k=top_k, documents=documents, query_vector=vector, retriever=retriever))
    tokens = index.lexical.tokenizer(question)
    vocab = index.lexical.bm25.vocab_dict
    identifiers = tuple(t for t in dict.fromkeys(tokens) if _IDENTIFIER.match(t))
    sentences = []
    for hit in hits[:sentence_hits]:
        ids = index.sentence_ids(hit.record_index)
        scores = index.sentence_vectors(ids) @ vector if ids else []
        sentences.append(tuple(Sentence(int(index.sentence_spans[i][1]), int(index.sentence_spans[i][2]), float(s))
                               for i, s in zip(ids, scores)))
    top_dense = None
    if hits:
        top_dense = hits[0].dense_score
        if top_dense is None:
            top_dense = index.record_dense_score(hits[0].record_index, vector)
    return QueryResult(question, question_language(question), vector, hits, top_dense, tuple(sentences), bool(tokens),
                       tuple(t for t in identifiers if t not in vocab))

