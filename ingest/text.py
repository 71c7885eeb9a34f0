"""Rejoining lines that PDF extraction broke, for CJK and Latin scripts alike.

Chinese has no spaces between words, so a line break inside Chinese text joins with
nothing; a break between Latin words joins with one space; UN Chinese typesetting puts
a space between an ideograph and a Latin word or number, so that boundary gets one too.
"""
from __future__ import annotations

import re
import unicodedata

_IDEO = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2014\u2026\u00b7"
_CJK = _IDEO + _CJK_PUNCT
_QUOTES = "\u201c\u201d\u2018\u2019"

_SPACE_RUN = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u205f]+")
# Justified CJK text: "每 场 会 议" -> "每场会议". Curly quotes count as CJK beside an ideograph.
_JUSTIFIED_A = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}{_QUOTES}])")
_JUSTIFIED_B = re.compile(rf"(?<=[{_CJK}{_QUOTES}]) +(?=[{_CJK}])")

LIST_ITEM = re.compile(
    r"^(?:\d{1,3}\.\s|\d{1,3}\s-\s|\(\s?[a-zA-Z]{1,4}\s?\)|（[a-zA-Z一二三四五六七八九十]{1,4}）"
    r"|(?:[a-zа-я]|[ivx]{1,4})\)\s|\([\u0621-\u064a]{1,3}\)|[•\-–·]\s)"
)


def is_ideograph(ch: str) -> bool:
    return bool(ch) and re.match(rf"[{_IDEO}]", ch) is not None


def is_cjk(ch: str) -> bool:
    return bool(ch) and re.match(rf"[{_CJK}]", ch) is not None


def clean_line(line: str) -> str:
    """Collapse runs of spaces and remove justification spaces between CJK characters."""
    line = _SPACE_RUN.sub(" ", line).strip()
    line = _JUSTIFIED_A.sub("", line)
    return _JUSTIFIED_B.sub("", line)


def _edge(text: str, last: bool) -> str:
    """The character that decides the join, looking through curly quotes."""
    chars = reversed(text) if last else iter(text)
    for ch in chars:
        if ch not in _QUOTES:
            return ch
    return ""


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one block; list items keep their own line."""
    out = ""
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        if not out:
            out = line
            continue
        out += separator(out, line) + line
    return clean_line_breaks(out)


def separator(before: str, after: str) -> str:
    if LIST_ITEM.match(after):
        return "\n"
    a, b = _edge(before, last=True), _edge(after, last=False)
    a_cjk, b_cjk = is_cjk(a), is_cjk(b)
    if a_cjk and b_cjk:
        return ""
    if (a_cjk and not is_ideograph(a)) or (b_cjk and not is_ideograph(b)):
        return ""  # CJK punctuation never takes a space
    if a_cjk or b_cjk:
        return " "  # ideograph next to a Latin word or number
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha() and b.isalpha():
        return ""  # word hyphenated at the line end ("Under-" "Secretary-General"): keep the hyphen, no space
    return " "


def clean_line_breaks(text: str) -> str:
    return "\n".join(clean_line(part) for part in text.split("\n") if part.strip())


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)
