"""A PDF's text with its layout: lines with page, position and font size (pypdfium2).

pypdfium2 (Apache-2.0/BSD, the PDFium engine of Chromium) was chosen over pdfplumber
(MIT, pdfminer.six) by measurement on the real UN PDFs: ~190 pages/s against ~17 for
the same characters with boxes and sizes (benchmarks/ingest_realdocs.py). PyMuPDF is
AGPL and was not considered for an MIT project.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

from .errors import IngestError


@dataclass(frozen=True)
class PdfLine:
    """One printed line. Coordinates in points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # median font size of the line's characters
    first_size: float  # font size of its first character (a superscript footnote marker is smaller)
    bold: bool = False  # most of its characters are bold (headings)


@dataclass(frozen=True)
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[PdfLine, ...]


def is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def read_pdf(path: str | Path) -> list[PdfPage]:
    """Every page's lines in reading order; a clear IngestError for what cannot be read."""
    import pypdfium2 as pdfium

    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror}") from None
    if size == 0:
        raise IngestError(path, "file is empty")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise IngestError(path, "PDF is encrypted (password protected); save an unprotected copy") from None
        raise IngestError(path, f"not a readable PDF ({msg.rstrip('.')})") from None
    try:
        pages = []
        for i in range(len(doc)):
            try:
                page = doc[i]
            except pdfium.PdfiumError:
                raise IngestError(path, f"page {i + 1} of the PDF is damaged and cannot be read") from None
            pages.append(_read_page(page, i + 1))
            page.close()
    finally:
        doc.close()
    if not pages:
        raise IngestError(path, "PDF has no pages")
    if not any(p.lines for p in pages):
        raise IngestError(path, "PDF has no text layer (a scan?); run OCR on it first")
    return pages


def _read_page(page, number: int) -> PdfPage:
    import pypdfium2.raw as raw

    width, height = page.get_size()
    tp = page.get_textpage()
    n = tp.count_chars()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = tuple(ctypes.byref(v) for v in (left, right, bottom, top))
    segments: list[list[_Char]] = [[]]
    for i in range(n):
        code = raw.FPDFText_GetUnicode(tp, i)
        if code in (10, 13):  # PDFium's own line break
            if segments[-1]:
                segments.append([])
            continue
        if code == 2:  # PDFium's mark for a hyphen at the line end
            code = 0x2D
        if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            continue
        raw.FPDFText_GetCharBox(tp, i, *refs)
        ch = _Char(chr(code), left.value, right.value, height - top.value, height - bottom.value,
                   raw.FPDFText_GetFontSize(tp, i), raw.FPDFText_GetFontWeight(tp, i) >= 600,
                   code == 32 and raw.FPDFText_IsGenerated(tp, i) == 1)
        seg = segments[-1]
        if seg and not ch.space and _breaks(seg, ch):
            segments.append([])
        segments[-1].append(ch)
    tp.close()
    return PdfPage(number, width, height, tuple(_lines(s) for s in _group(segments)))


@dataclass(frozen=True)
class _Char:
    ch: str
    left: float
    right: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    generated: bool = False  # a space PDFium put in for a gap, not printed

    @property
    def space(self) -> bool:
        return self.ch.isspace()


def _breaks(seg: list[_Char], ch: _Char) -> bool:
    """PDFium sometimes runs two printed lines together: a jump back or down starts a new one."""
    last = next((c for c in reversed(seg) if not c.space), None)
    if last is None:
        return False
    if ch.left < last.left - 2 * max(ch.size, 1):
        return True
    overlap = min(last.bottom, ch.bottom) - max(last.top, ch.top)
    return overlap < 0.3 * min(last.bottom - last.top, ch.bottom - ch.top)


def _group(segments: list[list[_Char]]) -> list[list[list[_Char]]]:
    """Pieces of one printed line (split by PDFium around superscripts or wide gaps) belong
    together when they overlap vertically; lines come top to bottom."""
    pieces = []
    for seg in segments:
        ink = [c for c in seg if not c.space]
        if ink:
            pieces.append((min(c.top for c in ink), max(c.bottom for c in ink), seg))
    pieces.sort(key=lambda p: (p[1], p[0]))
    lines: list[list] = []  # [top, bottom, [segments]]
    for top, bottom, seg in pieces:
        for line in reversed(lines[-4:]):
            overlap = min(line[1], bottom) - max(line[0], top)
            if overlap >= 0.5 * min(line[1] - line[0], bottom - top):
                line[0], line[1] = min(line[0], top), max(line[1], bottom)
                line[2].append(seg)
                break
        else:
            lines.append([top, bottom, [seg]])
    lines.sort(key=lambda ln: (ln[1], ln[0]))
    return [ln[2] for ln in lines]


def _lines(segments: list[list[_Char]]) -> PdfLine:
    segments = sorted(segments, key=lambda s: min(c.left for c in s if not c.space))
    text = ""
    prev_right = None
    for seg in segments:
        ink = [c for c in seg if not c.space]
        piece = "".join(c.ch for k, c in enumerate(seg) if not _spurious(seg, k)).strip()
        if prev_right is not None:
            gap = ink[0].left - prev_right
            text += "" if gap < 0.15 * ink[0].size else (" " if gap < 3 * ink[0].size else "   ")
        text += piece
        prev_right = max(c.right for c in ink)
    ink = sorted((c for s in segments for c in s if not c.space), key=lambda c: c.left)
    sizes = sorted(c.size for c in ink)
    return PdfLine(
        text=text, x0=ink[0].left, x1=max(c.right for c in ink), top=min(c.top for c in ink),
        bottom=max(c.bottom for c in ink), size=round(sizes[len(sizes) // 2], 1), first_size=round(ink[0].size, 1),
        bold=sum(c.bold for c in ink) > 0.6 * len(ink),
    )


def _spurious(seg: list[_Char], k: int) -> bool:
    """A space PDFium generated before a superscript (a footnote call: "needs.1") or
    before a closing apostrophe ("country’s") where the page prints none."""
    c = seg[k]
    if not c.generated or k == 0 or k + 1 >= len(seg):
        return False
    before, after = seg[k - 1], seg[k + 1]
    if after.ch in "’'" and not before.space:
        return True
    return not before.space and not after.space and after.size < 0.8 * before.size
