"""A PDF's positioned lines -> the classified line stream the parser reads.

What a text extraction can only guess from content, the layout tells by position: page
headers and footers sit in the page margins, footnotes at the page foot in a smaller
font, a new paragraph after a wider vertical gap or with an indented first line. Pure
functions over `PdfPage`s; no content line is ever dropped, only typed.
"""
from __future__ import annotations

import re
from collections import Counter

from .lines import Line, LineType, classify, is_furniture
from .pdf import PdfLine, PdfPage

_PAGE_LABEL = re.compile(r"(?:page|página|p\.|стр\.)\s*\d{1,4}", re.IGNORECASE)  # "page 5" in a header
_HEADER_BAND = 0.13  # share of the page height where running headers sit
_FOOTER_BAND = 0.15


def body_font_size(pages: list[PdfPage]) -> float:
    """The size most characters are printed in."""
    sizes: Counter[float] = Counter()
    for p in pages:
        for ln in p.lines:
            sizes[ln.size] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def line_pitch(pages: list[PdfPage], body: float) -> float:
    """The usual distance from one body line's top to the next: a wider one is a gap
    (measured top to top, so lines with and without descenders compare alike)."""
    pitches: Counter[float] = Counter()
    for p in pages:
        for a, b in zip(p.lines, p.lines[1:]):
            if abs(a.size - body) < 0.6 and abs(b.size - body) < 0.6 and 0 < b.top - a.top < 3 * body:
                pitches[round((b.top - a.top) * 2) / 2] += 1
    return pitches.most_common(1)[0][0] if pitches else 1.2 * body


def _left_margin(pages: list[PdfPage], body: float) -> float:
    xs: Counter[int] = Counter()
    for p in pages:
        for ln in p.lines:
            if abs(ln.size - body) < 0.6:
                xs[round(ln.x0)] += 1
    return float(xs.most_common(1)[0][0]) if xs else 0.0


def _furniture(page: PdfPage, body: float) -> set[int]:
    """Indexes of the page's running header and footer lines, told by position and size."""
    out: set[int] = set()
    lines = page.lines
    top_band, foot_band = page.height * _HEADER_BAND, page.height * (1 - _FOOTER_BAND)
    if page.number > 1:  # page 1's top is the masthead: content of the front matter
        for i, ln in enumerate(lines):
            if ln.bottom > top_band or (ln.size >= body - 0.2 and not is_furniture(ln.text)
                                         and not _PAGE_LABEL.fullmatch(ln.text.strip())):
                break
            out.add(i)
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i]
        if ln.top < foot_band:
            break
        text = ln.text.strip()
        if is_furniture(text) or text.isdigit() or (text.startswith("*") and text.endswith("*")):
            out.add(i)
        elif ln.size >= body - 0.2:
            break
    return out


def _footnote_start(page: PdfPage, skip: set[int], body: float) -> int | None:
    """First line of the page-foot footnote area: a rule, or a run of smaller lines
    opening with a note marker, reaching down to the footer."""
    lines = [(i, ln) for i, ln in enumerate(page.lines) if i not in skip]
    for _, y in page.rules:  # a drawn rule low on the page, with a note marker right under it
        if y < page.height * 0.45:
            continue
        below = [(i, ln) for i, ln in lines if ln.top > y]
        if below and _marker(below[0][1]):
            return below[0][0]
    start = None
    for k in range(len(lines) - 1, -1, -1):
        i, ln = lines[k]
        if classify(ln.text) is LineType.FOOTNOTE_RULE:
            return i
        if ln.size >= body - 0.4 or ln.top < page.height * 0.35:
            break
        start = k
    while start is not None and start < len(lines):
        i, ln = lines[start]
        if _marker(ln):
            return i
        start += 1
    return None


def _marker(ln: PdfLine) -> bool:
    head = ln.text.split(" ", 1)[0]
    return bool(head) and (head.strip("*").isdigit() or set(head) <= {"*", "†", "‡"} or ln.first_size < ln.size - 1)


def pdf_lines(pages: list[PdfPage]) -> list[Line]:
    """The line stream of a whole PDF: text, gaps, furniture, footnote lines, page breaks."""
    body = body_font_size(pages)
    margin = _left_margin(pages, body)
    gap_pitch = 1.25 * line_pitch(pages, body)
    out: list[Line] = []
    number = 0
    for page in pages:
        if out:
            out.append(Line(number, " ", LineType.PAGE, page=page.number))
        furniture = _furniture(page, body)
        notes_from = _footnote_start(page, furniture, body)
        prev: PdfLine | None = None
        in_notes = False
        for i, ln in enumerate(page.lines):
            number += 1
            indent = round((ln.x0 - margin) / max(body, 1), 2)
            if i in furniture:
                out.append(Line(number, ln.text, LineType.FURNITURE, page=page.number, indent=indent))
                continue
            if i == notes_from:
                in_notes = True
                if classify(ln.text) is LineType.FOOTNOTE_RULE:  # the rule over the notes: drawn, not words
                    continue
            if in_notes:
                out.append(Line(number, ln.text, LineType.FOOTNOTE, page=page.number, indent=indent))
                continue
            if prev is not None and ln.top - prev.top > gap_pitch:
                out.append(Line(number, " ", LineType.GAP, page=page.number))
            kind = classify(ln.text)
            if kind is LineType.FOOTNOTE_RULE:  # a drawn separator, not words
                out.append(Line(number, " ", LineType.GAP, page=page.number))
                continue
            if kind in (LineType.LINK, LineType.FURNITURE):
                kind = LineType.TEXT  # printed inside the page: content, never dropped
            out.append(Line(number, ln.text, kind, page=page.number, indent=indent,
                            size=round(ln.size / body, 2), bold=ln.bold, italic=ln.italic))
            prev = ln
    return out
