"""Is a cited text exactly the document's text? Checked against the source file itself, read
by PDFium's plain text extraction (not by our layout parser) or as the raw text file.

A citation passes when every word of it occurs in the source, in the same order, within the
pages the citation names, with at most MAX_GAP other words between two of its words (a footnote
mark, a line of running header) except once per page break it crosses (the page's footnotes,
footer and the next header). A changed, added or reordered word fails. Hyphens inside words and
PDFium's line-end hyphen marks are ignored on both sides, so "deep-\\nrooted" matches "deep-rooted";
letters and digits are separate words.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium

_WORD = re.compile(r"[^\W\d_]+|\d+")  # letters and digits apart: PDFium runs a footnote mark into the
# next word ("agenda5and"), the layout reader does not
_INNER_HYPHEN = re.compile(r"(?<=\w)[-‐‑\x02\u00ad](?=\s*\w)\s*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def words(text: str) -> list[str]:
    """Lower-cased words; Chinese text as single characters (it has no word spaces)."""
    text = _INNER_HYPHEN.sub("", unicodedata.normalize("NFKC", text).replace("\ufffe", ""))
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        out += list(w) if _CJK.search(w) else [w]
    return out


@lru_cache(maxsize=64)
def source_pages(path: str) -> tuple[str, ...]:
    """The file's text per page (a text file is one page)."""
    p = Path(path)
    if p.suffix.lower() == ".pdf":
        pdf = pdfium.PdfDocument(str(p))
        try:
            return tuple(pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf)))
        finally:
            pdf.close()
    return (p.read_text(encoding="utf-8"),)


MAX_GAP = 12
UNKNOWN_PAGE_BREAKS = 2  # a record whose pages are not known may cross this many page breaks


def first_missing_word(text: str, source: str, page_breaks: int = 0) -> str | None:
    """None when `text`'s words occur in `source` in order (see above); else the word where the
    best attempt stopped."""
    positions: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(words(source)):
        positions[w].append(i)
    wanted = words(text)
    if not wanted:
        return None
    best = (-1, wanted[0])
    for anchor in positions.get(wanted[0], []):
        cursor, long_gaps, k = anchor, 0, 1
        while k < len(wanted):
            found = positions.get(wanted[k], [])
            j = bisect.bisect_right(found, cursor)
            if j == len(found):
                break
            if found[j] - cursor - 1 > MAX_GAP:
                if long_gaps == page_breaks:
                    break
                long_gaps += 1
            cursor = found[j]
            k += 1
        if k == len(wanted):
            return None
        best = max(best, (k, wanted[k]))
    return best[1]


def matches_source(text: str, path: Path, page: int | None = None, page_end: int | None = None) -> bool:
    pages = source_pages(str(path))
    if len(pages) > 1 and page is not None:
        pages = pages[page - 1:(page_end or page)]
        breaks = len(pages) - 1
    else:
        breaks = UNKNOWN_PAGE_BREAKS  # a text file: its page headers and footers are lines like any other
    return first_missing_word(text, "\n".join(pages), page_breaks=breaks) is None
