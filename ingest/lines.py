"""Classifying the lines of a PDF text extraction: page furniture versus content.

Pure functions over strings; nothing here knows about paragraphs yet.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum

from .text import clean_line


class LineType(Enum):
    GAP = "gap"  # a vertical gap (blank line that means something)
    LINK = "link"  # a hyperlink annotation extracted at the page end
    FURNITURE = "furniture"  # page header/footer: symbol, job number, page number
    FOOTNOTE_RULE = "footnote_rule"  # the short rule above footnotes
    ANNEX = "annex"  # "Annex" / "附件" heading that opens an annex
    FOOTNOTE = "footnote"  # a line of a page-foot footnote area told by layout (PDF)
    PAGE = "page"  # a page break
    TEXT = "text"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the source file (running line count for a PDF)
    raw: str
    type: LineType
    page: int = 0  # 1-based page, 0 where the source does not say
    indent: float | None = None  # first-character offset from the left margin, in font sizes (PDF)
    size: float = 1.0  # font size relative to the body text (PDF)
    bold: bool = False  # printed bold (PDF)
    italic: bool = False  # printed italic (PDF)

    @property
    def text(self) -> str:
        return clean_line(self.raw)


SYMBOL = r"[A-Z]{1,6}(?:\.\d{1,3})?(?:/[A-Z0-9][A-Za-z0-9.\-]*)+"  # A/80/1, GEGN.2/2025/35
_SYMBOL_TOKEN = re.compile(rf"^{SYMBOL}$")
_JOB_NUMBER = re.compile(r"^(?:[A-Z]{1,2}\.)?\d{2}-\d{5}$")  # V.21-04608, 21-04608
_PAGE_FRACTION = re.compile(r"^\d{1,4}/\d{1,4}$")  # 2/7
_LANG_CODE = re.compile(r"^\([A-Z]\)$")  # (C), (E)
_DATE_CODE = re.compile(r"^\d{6}$")  # 030323 printed after the job number
_BARCODE = re.compile(r"^\*\d{7,}\*$")  # *2104608*
_PAGE_NO = re.compile(r"^\d{1,3}$")  # "2 GE.25-05795"
_LINK = re.compile(r"^(?:https?://|www\.)\S*$", re.IGNORECASE)
_FOOTNOTE_RULE = re.compile(r"^[_\u2014\u2500-]{8,}$")
_ANNEX = re.compile(
    r"^(?:附件|Annex|Annexe|Anexo|Enclosure|Appendix|Приложение|المرفق)"
    r"(?:\s*[一二三四五六七八九十IVXL\d]+)?"
    r"(?:\s+(?:to|à|al|de|del|к)\s+(?:the\s+|la\s+)?(?:letter|note|lettre|carta|nota|письму)\b.*)?\s*$",
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
        elif _PAGE_FRACTION.match(tok) or _LANG_CODE.match(tok) or _DATE_CODE.match(tok) or _PAGE_NO.match(tok):
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
    Pages are counted at form feeds; an extraction without them tells no pages (0).
    """
    raw_lines = content.split("\n")
    spaced = _double_spaced(raw_lines)
    out: list[Line] = []
    page = 1 if "\f" in content else 0
    for i, raw in enumerate(raw_lines, start=1):
        if spaced and raw == "":
            continue
        for j, part in enumerate(raw.split("\f")):  # a form feed is a page break
            if j:
                page += 1 if page else 0
                out.append(Line(i, " ", LineType.PAGE, page=page))
            out.append(Line(i, part, classify(part), page=page))
    return _content_lines(out, content)


def _content_lines(lines: list[Line], content: str) -> list[Line]:
    """Symbol-only and URL-only lines are content unless they are page furniture.

    A symbol-only line is a running header when the same line recurs or stands beside
    other furniture; a URL line is a link annotation when it points at a UN document
    (undocs.org) or at something the page prints anyway. Anything else stays text.
    """
    counts = Counter(ln.text for ln in lines if ln.type is LineType.FURNITURE)
    out = []
    for k, ln in enumerate(lines):
        if ln.type is LineType.FURNITURE and _SYMBOL_TOKEN.match(ln.text) and counts[ln.text] < 2:
            near = [x for x in lines[max(0, k - 3):k + 4] if x is not ln and x.type is not LineType.GAP]
            if not any(x.type in (LineType.FURNITURE, LineType.PAGE) and not _SYMBOL_TOKEN.match(x.text)
                       for x in near):
                ln = Line(ln.number, ln.raw, LineType.TEXT, page=ln.page)
        elif ln.type is LineType.LINK and not _annotation(ln.text, content):
            ln = Line(ln.number, ln.raw, LineType.TEXT, page=ln.page)
        out.append(ln)
    return out


def _annotation(url: str, content: str) -> bool:
    target = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE).rstrip("/")
    if target.lower().startswith("undocs.org/"):
        return True
    return content.count(target) > 1
