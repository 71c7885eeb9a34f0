"""Classifying the lines of a PDF text extraction: page furniture versus content.

Pure functions over strings; nothing here knows about paragraphs yet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .text import clean_line


class LineType(Enum):
    GAP = "gap"  # a vertical gap (blank line that means something)
    LINK = "link"  # a hyperlink annotation extracted at the page end
    FURNITURE = "furniture"  # page header/footer: symbol, job number, page number
    FOOTNOTE_RULE = "footnote_rule"  # the short rule above footnotes
    ANNEX = "annex"  # "Annex" / "附件" heading that opens an annex
    TEXT = "text"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the source file
    raw: str
    type: LineType

    @property
    def text(self) -> str:
        return clean_line(self.raw)


SYMBOL = r"[A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.\-]*)+"
_SYMBOL_TOKEN = re.compile(rf"^{SYMBOL}$")
_JOB_NUMBER = re.compile(r"^(?:[A-Z]{1,2}\.)?\d{2}-\d{5}$")  # V.21-04608, 21-04608
_PAGE_FRACTION = re.compile(r"^\d{1,4}/\d{1,4}$")  # 2/7
_LANG_CODE = re.compile(r"^\([A-Z]\)$")  # (C), (E)
_DATE_CODE = re.compile(r"^\d{6}$")  # 030323 printed after the job number
_BARCODE = re.compile(r"^\*\d{7,}\*$")  # *2104608*
_LINK = re.compile(r"^(?:https?://|www\.)\S*$", re.IGNORECASE)
_FOOTNOTE_RULE = re.compile(r"^[_\u2014\u2500-]{8,}$")
_ANNEX = re.compile(
    r"^(?:附件|Annex|Annexe|Anexo|Приложение|المرفق)"
    r"(?:\s*[一二三四五六七八九十IVXL\d]+)?\s*$",
    re.IGNORECASE,
)


def is_furniture(text: str) -> bool:
    """A line made only of page-furniture tokens, with at least one symbol or job number.

    A bare page fraction ("2/7") also counts; a line that is only a document symbol
    counts too (running page header). Anything with words in it is content.
    """
    tokens = text.split()
    if not tokens:
        return False
    anchored = False
    for tok in tokens:
        if _SYMBOL_TOKEN.match(tok) or _JOB_NUMBER.match(tok) or _BARCODE.match(tok):
            anchored = True
        elif _PAGE_FRACTION.match(tok) or _LANG_CODE.match(tok) or _DATE_CODE.match(tok):
            continue
        else:
            return False
    return anchored or all(_PAGE_FRACTION.match(t) for t in tokens)


def classify(raw: str) -> LineType:
    text = clean_line(raw)
    if not text:
        return LineType.GAP
    if _LINK.match(text):
        return LineType.LINK
    if _FOOTNOTE_RULE.match(text):
        return LineType.FOOTNOTE_RULE
    if is_furniture(text):
        return LineType.FURNITURE
    if _ANNEX.match(text):
        return LineType.ANNEX
    return LineType.TEXT


def _double_spaced(raw_lines: list[str]) -> bool:
    """True when (nearly) every text line is followed by an empty line."""
    text_idx = [i for i, ln in enumerate(raw_lines[:-1]) if ln.strip() and not _LINK.match(ln.strip())]
    if not text_idx:
        return False
    followed = sum(1 for i in text_idx if raw_lines[i + 1] == "")
    return followed >= 0.8 * len(text_idx)


def split_lines(content: str) -> list[Line]:
    """Split and classify; drop the empty lines that are only line-spacing artefacts.

    Some extractions put an empty line after every text line and mark real gaps with a
    whitespace-only line; others use plain empty lines for gaps. Tell which from the file.
    """
    raw_lines = content.split("\n")
    spaced = _double_spaced(raw_lines)
    out: list[Line] = []
    for i, raw in enumerate(raw_lines, start=1):
        if spaced and raw == "":
            continue
        for j, part in enumerate(raw.split("\f")):  # a form feed is a page break
            if j:
                out.append(Line(i, " ", LineType.GAP))
            out.append(Line(i, part, classify(part)))
    return out
