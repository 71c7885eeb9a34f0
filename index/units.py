"""What gets embedded: one unit per record (parts when it is too long), and its sentences.

Sentences are kept with their character offsets in the record text so that the service
can quote and highlight the answer sentence without running the model at query time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from unqa.ingest import Record

SENTENCE_SEPARATORS = ["\n", "。", "；", "！", "？", ". ", "; ", "! ", "? ", "，", ", ", " ", ""]
_SENTENCE_END = re.compile(r"[。！？；!?;]|\.(?=\s+[^\s\da-z(])|\n")
CONTEXTS = ("none", "section", "title+section")


@dataclass(frozen=True)
class Unit:
    """A piece of one record that is embedded on its own; it cites the whole record."""

    record: int  # position of the record in the index
    text: str  # the text that is embedded (context prefix included)
    plain: str  # the same without the prefix: what the lexical index reads


@dataclass(frozen=True)
class Sentence:
    record: int
    start: int  # character offsets into the record's text
    end: int


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a record text; list items and (a)/(b) items count as sentences."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def footnote_context(records: list[Record], i: int) -> str:
    """The sentence that carries a footnote's marker, so "A/AC.105/L.327" is found as the agenda.

    Markers are searched backwards from the footnote, first in the same document.
    """
    note = records[i]
    if note.kind != "footnote" or not note.marker:
        return ""
    marker = re.escape(note.marker)
    pattern = re.compile(rf"(?<![\d*]){marker}(?![\d*])" if note.marker[0] == "*" else rf"(?<=[^\s\d/]){marker}(?!\d)")
    for j in range(i - 1, -1, -1):
        rec = records[j]
        if rec.doc_id != note.doc_id or rec.kind == "footnote":
            continue
        m = pattern.search(rec.text)
        if m:
            for start, end in split_sentences(rec.text):
                if start <= m.start() < end:
                    return rec.text[start:end]
    return ""


def index_texts(records: list[Record]) -> list[str]:
    """What the lexical index and the embedder read for each record: a footnote gets the
    sentence that refers to it in front of its own text."""
    out = []
    for i, rec in enumerate(records):
        ctx = footnote_context(records, i)
        out.append(f"{ctx}\n{rec.text}" if ctx else rec.text)
    return out


def context_prefix(record: Record, context: str) -> str:
    if context == "none":
        return ""
    parts = [record.title] if context == "title+section" else []
    parts += list(record.section)
    return "\n".join(p for p in parts if p) + "\n" if parts else ""


def make_units(
    records: list[Record], token_count: Callable[[str], int], max_tokens: int, context: str = "none"
) -> list[Unit]:
    """Each record is one unit, or several parts split on sentence boundaries if too long."""
    if context not in CONTEXTS:
        raise ValueError(f"context must be one of {CONTEXTS}")
    budget = max(32, max_tokens - 16)  # room for the model's prompt and special tokens
    units: list[Unit] = []
    for i, (rec, text) in enumerate(zip(records, index_texts(records))):
        prefix = context_prefix(rec, context)
        full = prefix + text
        if token_count(full) <= budget:
            units.append(Unit(i, full, text))
        else:
            # imported here: it brings langchain-core, which building needs and serving does not
            from langchain_text_splitters import RecursiveCharacterTextSplitter

            splitter = RecursiveCharacterTextSplitter(
                separators=SENTENCE_SEPARATORS, chunk_size=max(16, budget - token_count(prefix)),
                chunk_overlap=0, length_function=token_count, keep_separator="end", strip_whitespace=True,
            )
            units.extend(Unit(i, prefix + part, part) for part in splitter.split_text(text))
        if rec.kind == "annex":
            # annexes are mostly tables (lists of participants): each row also stands on its own
            units.extend(Unit(i, prefix + row, row) for row in _rows(text, token_count, budget))
    return units



def _rows(text: str, token_count: Callable[[str], int], budget: int) -> list[str]:
    """The table rows under the annex title (the title is already in the whole-annex unit)."""
    rows = [ln for ln in text.split("\n")[1:] if ln.strip()]
    return [row for row in rows if token_count(row) <= budget]


def make_sentences(records: list[Record]) -> list[Sentence]:
    return [Sentence(i, s, e) for i, rec in enumerate(records) for s, e in split_sentences(rec.text)]
