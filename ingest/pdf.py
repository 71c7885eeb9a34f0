"""A PDF's text with its layout: lines with page, position and font size (pypdfium2).

pypdfium2 (Apache-2.0/BSD, the PDFium engine of Chromium) was chosen over pdfplumber
(MIT, pdfminer.six) by measurement on the real UN PDFs: ~190 pages/s against ~17 for
the same characters with boxes and sizes (benchmarks/ingest_realdocs.py). PyMuPDF is
AGPL and was not considered for an MIT project.
"""
from __future__ import annotations

import ctypes
import math
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
    italic: bool = False  # most of its characters are italic (sub-headings)


@dataclass(frozen=True)
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[PdfLine, ...]
    rules: tuple[tuple[float, float], ...] = ()  # short horizontal rules drawn on the page: (x0, top)


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
    loose = raw.FS_RECTF()
    segments: list[list[_Char]] = [[]]
    fonts: dict[int, tuple[float, bool]] = {}
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
        raw.FPDFText_GetCharBox(tp, i, *refs)  # the ink: where the glyph is drawn
        raw.FPDFText_GetLooseCharBox(tp, i, loose)  # the advance: where the next glyph may start
        ch = _Char(chr(code), left.value, right.value, height - top.value, height - bottom.value,
                   *_font(raw, tp, i, fonts), raw.FPDFText_GetFontWeight(tp, i) >= 600,
                   code == 32 and raw.FPDFText_IsGenerated(tp, i) == 1, loose.left, loose.right)
        seg = segments[-1]
        if seg and not ch.space and _breaks(seg, ch):
            segments.append([])
        segments[-1].append(ch)
    tp.close()
    return PdfPage(number, width, height, tuple(_lines(s) for s in _group(segments)), _rules(raw, page, height))


def _rules(raw, page, height: float) -> tuple[tuple[float, float], ...]:
    """Short horizontal lines drawn on the page (the rule over footnotes is one)."""
    out = []
    box = [ctypes.c_float() for _ in range(4)]
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        raw.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in box))
        left, bottom, right, top = (v.value for v in box)
        if top - bottom < 3 and 30 < right - left < 300:
            out.append((left, height - top))
    return tuple(sorted(out, key=lambda r: r[1]))


def _font(raw, tp, i: int, cache: dict[int, tuple[float, bool]]) -> tuple[float, bool]:
    """(printed font size, italic) of a character, once per text object. The size is the
    object's size scaled by its matrix: many PDFs set size 1 and scale the text with the
    matrix, where PDFium's own per-character size says 1."""
    obj = raw.FPDFText_GetTextObject(tp, i)
    key = ctypes.cast(obj, ctypes.c_void_p).value or 0
    if key not in cache:
        size, matrix, flags = ctypes.c_float(), raw.FS_MATRIX(), ctypes.c_int()
        if obj and raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)) and \
                raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
            points = size.value * math.hypot(matrix.c, matrix.d)
        else:
            points = raw.FPDFText_GetFontSize(tp, i)
        raw.FPDFText_GetFontInfo(tp, i, None, 0, ctypes.byref(flags))
        cache[key] = (points, bool(flags.value & _ITALIC))
    return cache[key]


_ITALIC = 1 << 6  # the PDF font descriptor's Italic flag


@dataclass(frozen=True)
class _Char:
    ch: str
    left: float
    right: float
    top: float
    bottom: float
    size: float
    italic: bool = False
    bold: bool = False
    generated: bool = False  # a space PDFium put in for a gap, not printed
    start: float = 0.0  # the glyph's advance box, left and right: word spaces are measured on it
    end: float = 0.0

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
    """Pieces of one printed line (split by PDFium around superscripts, apostrophes or wide
    gaps) belong together: the tallest pieces found the lines, each smaller piece joins the
    line it overlaps most (half its height at least); lines come top to bottom."""
    pieces = []
    for seg in segments:
        ink = [c for c in seg if not c.space]
        if ink:
            pieces.append((min(c.top for c in ink), max(c.bottom for c in ink), seg))
    pieces.sort(key=lambda p: p[0] - p[1])  # tallest first
    lines: list[tuple[float, float, list]] = []  # (top, bottom) of the founding piece, segments
    for top, bottom, seg in pieces:
        best, best_overlap = None, 0.5 * (bottom - top)
        for line in lines:
            overlap = min(line[1], bottom) - max(line[0], top)
            if overlap >= best_overlap:
                best, best_overlap = line, overlap
        if best is None:
            lines.append((top, bottom, [seg]))
        else:
            best[2].append(seg)
    lines.sort(key=lambda ln: (ln[1], ln[0]))
    return [ln[2] for ln in lines]


def _lines(segments: list[list[_Char]]) -> PdfLine:
    segments = sorted(segments, key=lambda s: min(c.left for c in s if not c.space))
    text = ""
    prev: _Char | None = None
    spaced = False
    for seg in segments:
        for k, c in enumerate(seg):
            if c.space:
                spaced = spaced or not _spurious(seg, k)
                continue
            if prev is not None:
                gap = c.start - prev.end
                if gap >= 3 * c.size:
                    text += "   "  # columns apart
                elif spaced or gap > 0.2 * c.size:  # a word space, printed or only positioned
                    text += " "
            text += c.ch
            prev, spaced = c, False
    ink = sorted((c for s in segments for c in s if not c.space), key=lambda c: c.left)
    sizes = sorted(c.size for c in ink)
    main = [c for c in ink if c.size >= 0.9 * sizes[len(sizes) // 2]]  # not superscripts
    return PdfLine(
        text=text, x0=ink[0].left, x1=max(c.right for c in ink), top=min(c.top for c in main),
        bottom=max(c.bottom for c in ink), size=round(sizes[len(sizes) // 2], 1), first_size=round(ink[0].size, 1),
        # emphasis of the line: most characters, its first one included (a paragraph number in
        # roman type before an italic "[To be completed]" is a paragraph, not a heading)
        bold=ink[0].bold and sum(c.bold for c in ink) > 0.6 * len(ink),
        italic=ink[0].italic and sum(c.italic for c in ink) > 0.6 * len(ink),
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
