"""What gets embedded: one unit per record (parts when it is too long), and its sentences.

Sentences are kept with their character offsets in the record text so that the service
can quote and highlight the answer sentence without running the model at query time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest import Record

SENTENCE_SEPARATORS = ["\n", "。", "；", "！", "？", ". ", "; ", "! ", "? ", "，", ", ", " ", ""]
_SENTENCE_END = re.compile(r"[。！？；!?;]|\.(?=\s+[^\s\da-z(])|\n")
CONTEXTS = ("none", "section", "title+section")


@dataclass(frozen=True)
class Unit:
    """A piece of one record that is embedded on its own; it cites the whole record."""

    record: int  # position of the record in the index
    text: str  # the text that is embedded (context prefix included)


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
    for i, rec in enumerate(records):
        prefix = context_prefix(rec, context)
        full = prefix + rec.text
        if token_count(full) <= budget:
            units.append(Unit(i, full))
            continue
        splitter = RecursiveCharacterTextSplitter(
            separators=SENTENCE_SEPARATORS, chunk_size=max(16, budget - token_count(prefix)),
            chunk_overlap=0, length_function=token_count, keep_separator="end", strip_whitespace=True,
        )
        units.extend(Unit(i, prefix + part) for part in splitter.split_text(rec.text))
    return units


def make_sentences(records: list[Record]) -> list[Sentence]:
    return [Sentence(i, s, e) for i, rec in enumerate(records) for s, e in split_sentences(rec.text)]
