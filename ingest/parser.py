"""One UN report's classified lines -> its official numbered paragraphs and the blocks around them.

The parse is pure: lines in, records out, and tolerant: it never stops on a document and
never drops a content line. Paragraph numbers are never invented: a line that starts
with "N." is a paragraph only in the reading of the whole document that numbers
1, 2, 3, ... best; every other "N." line is an item of a list inside a paragraph or
plain text of the block it sits in. Numbering that restarts inside an annex becomes that
annex's own numbered part; a document (or annex) that numbers nothing is cut into
blocks cited by page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .lines import Line, LineType, split_lines
from .records import DocumentMeta, Record
from .text import LIST_ITEM, clean_line, display_width, join_lines, separator

# "1. Text", "1．Text" and Arabic "1 - Text"; the number is never followed by a digit ("2.5")
PARA_START = re.compile(r"^(\d{1,4})(?:\s*[.．](?!\d)|\s+-(?=\s))\s*(?=\S)")
# "44 With ..." where the printer lost the full stop: a paragraph only where exactly expected
_BARE_START = re.compile(r"^(\d{1,4})\s+(?=[A-Z])")
_NUMBER_ONLY = re.compile(r"^(\d{1,4})(?:\s*[.．]|\s+-)$")
_CN_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)\s*[.、．]\s*(\S.*)$")
_ROMAN_CHAPTER = re.compile(r"^([IVXLC]+)\s*\.\s+(\S.*)$")
_LETTER_SECTION = re.compile(r"^([A-Z]|[А-Я])\s*\.\s+(\S.*)$")
_AR_ORDINALS = ("أولا", "ثانيا", "ثالثا", "رابعا", "خامسا", "سادسا", "سابعا", "ثامنا", "تاسعا", "عاشرا",
                "حادي عشر", "ثاني عشر", "ثالث عشر", "رابع عشر", "خامس عشر")
_AR_LETTERS = ("ألف", "باء", "جيم", "دال", "هاء", "واو", "زاي", "حاء", "طاء", "ياء", "كاف", "لام", "ميم")
_AR_CHAPTER = re.compile(r"^(" + "|".join(_AR_ORDINALS) + r")\s*[-–]\s*(\S.*)$")
_AR_SECTION = re.compile(r"^(" + "|".join(_AR_LETTERS) + r")\s*[-–]\s*(\S.*)$")
_FOOTNOTE_START = re.compile(r"^(\*{1,3}|[¹²³⁰-⁹]+|\(\d{1,3}\))\s*(\S.*)$|^(\d{1,3})\s+(\S.*)$")
_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|\s\.{2,}\s*[\d–-]+\s*$")
_CONTENTS = re.compile(r"^(?:Contents|Table des matières|Índice|Содержание|المحتويات|目录|目次)$", re.IGNORECASE)
_ACTOR = re.compile(r"^(?:The |L[’']|La |Le |El |إن )?\S.{2,70}[,،，]$")
# a resolution or decision says so on its first page; only there are preamble paragraphs looked for
_RESOLUTION = re.compile(
    r"^(?:Draft |Projet de |Proyecto de )?(?:resolution|decision|résolution|décision|resolución|decisión)\b"
    r"|^\d{1,4}/\d{1,4}\.\s|(?:Resolution|Decision|Résolution|Décision|Resolución|Decisión) (?:adopted|adoptée|aprobada)"
    r"|^(?:Проект )?(?:[Рр]езолюция|[Рр]ешение)|^(?:مشروع )?(?:قرار|مقرر)|决议|决定|/RES/|/DEC/", re.IGNORECASE)
_SENTENCE_END = tuple(".:;!?。：；！？)”\"»’")
_HEADING_MAX_CHARS = 200
_HEADING_MAX_LINES = 3

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_LATIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CYRILLIC_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"  # UN Russian skips Ё Й Ъ Ы Ь
_OPEN, _CLOSE = "《（(“‘[【", "》）)”’]】"

# scores of the numbering reading (see _resolve_numbering)
_SKIP_STRONG = 0.6  # leaving a well-placed "N." line as text
_SKIP_WEAK = 0.05  # leaving a wrapped "N." line (mid-sentence) as text
_JUMP = 2.0  # accepting a gap in the numbering
_MAX_JUMP = 3
_LIST_JUMP = 0.3  # a list continuing past a missing item
_QUOTED_ITEM_CHARS = 200  # mean length of a list's items from which it is a quoted report, not an agenda


def cn_numeral(s: str) -> int:
    if "十" not in s:
        return _CN_DIGITS.get(s, 0) if len(s) == 1 else 0
    tens, _, units = s.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)


def roman_numeral(s: str) -> int:
    total = 0
    for ch, nxt in zip(s, s[1:] + " "):
        v = _ROMAN[ch]
        total += -v if nxt in _ROMAN and _ROMAN[nxt] > v else v
    return total


def _next_letter(letter: str | None) -> set[str]:
    if letter is None:
        return {"A", "А", _AR_LETTERS[0]}
    for alphabet in (_LATIN_LETTERS, _CYRILLIC_LETTERS, _AR_LETTERS):
        i = alphabet.index(letter) if letter in alphabet else -1
        if 0 <= i < len(alphabet) - 1:
            return {alphabet[i + 1]}
    return set()


@dataclass(frozen=True)
class ParseResult:
    records: list[Record]
    warnings: list[str]


# --------------------------------------------------------------------------- footnotes


@dataclass
class _Footnote:
    marker: str | None
    line: int
    page: int
    parts: list[str] = field(default_factory=list)


def _separate_footnotes(lines: list[Line]) -> tuple[list[Line], list[_Footnote]]:
    """Take footnote areas out of the flow: lines typed FOOTNOTE by layout, or (text
    extractions) a rule and the notes under it until the page furniture.

    Furniture and link annotations become gaps so that page breaks never reach a text.
    """
    flow: list[Line] = []
    notes: list[_Footnote] = []
    in_notes = False
    last_number = 0

    def add_note_line(ln: Line) -> None:
        nonlocal last_number
        text = ln.text
        m = _FOOTNOTE_START.match(text)
        marker = (m.group(1) or m.group(3)) if m else None
        if marker and marker.strip("()").isdigit():
            # digits start a note only in sequence, so "13 日" stays a continuation
            number = int(marker.strip("()"))
            if last_number and number != last_number + 1:
                marker = None
            else:
                last_number = number
        if marker or not notes or not notes[-1].parts:
            notes.append(_Footnote(marker, ln.number, ln.page))
            text = (m.group(2) or m.group(4)) if marker else text
        notes[-1].parts.append(text)

    for ln in lines:
        if ln.type is LineType.FOOTNOTE:
            add_note_line(ln)
            continue
        if ln.type is LineType.FOOTNOTE_RULE:
            in_notes = True
            flow.append(Line(ln.number, " ", LineType.GAP, page=ln.page))
            continue
        if in_notes:
            if ln.type in (LineType.LINK, LineType.FURNITURE, LineType.ANNEX, LineType.PAGE) or (
                ln.type is LineType.GAP and notes and notes[-1].parts
            ):
                in_notes = False
            elif ln.type is LineType.TEXT:
                add_note_line(ln)
                continue
            else:
                continue
        if ln.type in (LineType.LINK, LineType.FURNITURE):
            if ln.indent is None:  # a text extraction: furniture stands where a gap was
                flow.append(Line(ln.number, " ", LineType.GAP, page=ln.page))
        else:
            flow.append(ln)
    return flow, [n for n in notes if n.parts]


# --------------------------------------------------------------------------- headings


@dataclass
class _Heading:
    level: int  # 0 = chapter, 1 = lettered section
    text: str
    line: int


@dataclass
class _Item:
    """One content line of the body, with what it might be."""

    line: Line
    text: str
    heading: _Heading | None = None
    number: int | None = None  # "N." at the start of the line
    strong: bool = False  # placed like a paragraph start (after a gap or a finished sentence)
    bare: bool = False  # a number without its full stop: a paragraph only where exactly expected
    listed: bool = False  # decided an item of a numbered list inside a paragraph
    detached: bool = False  # a block of its own after a gap: a table, a centred closing line
    para: bool = False  # decided by the numbering resolution


class _HeadingTracker:
    def __init__(self) -> None:
        self.chapter_next = 1
        self.letter: str | None = None

    def match(self, text: str) -> tuple[int, str] | None:
        """(level, key) if `text` opens the next chapter or lettered section."""
        if len(text) > _HEADING_MAX_CHARS or _LEADER.search(text):
            return None
        for pattern in (_LETTER_SECTION, _AR_SECTION):
            m = pattern.match(text)
            if m and m.group(1) in _next_letter(self.letter):
                return 1, m.group(1)
        m = _CN_CHAPTER.match(text)
        if m and cn_numeral(m.group(1)) == self.chapter_next:
            return 0, m.group(1)
        m = _ROMAN_CHAPTER.match(text)
        if m and roman_numeral(m.group(1)) == self.chapter_next:
            return 0, m.group(1)
        m = _AR_CHAPTER.match(text)
        if m and _AR_ORDINALS.index(m.group(1)) + 1 == self.chapter_next:
            return 0, m.group(1)
        return None

    def accept(self, level: int, key: str) -> None:
        if level == 0:
            self.chapter_next += 1
            self.letter = None
        else:
            self.letter = key


def _off_column(ln: Line) -> bool:
    """Printed outside the body's column or type (PDF): a table, a box, a title, a centred
    closing line; after a gap it starts a block of its own, never a paragraph's next line."""
    if ln.indent is None:
        return False
    return ln.size < 0.93 or ln.size > 1.1 or ln.indent >= 4 or ln.indent <= -2


def _subheading(flow: list[Line], i: int, prev_gap: bool) -> int:
    """How many lines (0: none) from flow[i] make a sub-heading: in UN print a short block
    standing alone after a gap, wholly bold or italic or in larger type, numbered, lettered
    or not (paragraphs are printed in the body's type)."""
    if not prev_gap:
        return 0
    j = i
    while j < len(flow) and j - i < _HEADING_MAX_LINES and flow[j].type is LineType.TEXT \
            and (flow[j].bold or flow[j].italic or flow[j].size >= 1.15):
        j += 1
    words = sum(len(ln.text.split()) for ln in flow[i:j])
    closed = j == len(flow) or flow[j].type in (LineType.GAP, LineType.PAGE)
    last = re.sub(r"\d+$", "", flow[j - 1].text) if j > i else ""  # a footnote call after the stop
    if j == i or not closed or words > 25 or last.endswith((".", ";", ",", ":")):
        return 0
    return j - i


def _merge_number_lines(flow: list[Line]) -> list[Line]:
    """A paragraph number printed on a line of its own joins the text that follows it
    (only where a paragraph can start: after a gap or a finished sentence)."""
    out: list[Line] = []
    pending: Line | None = None
    prev_text = ""
    for ln in flow:
        if pending is not None:
            if ln.type in (LineType.GAP, LineType.PAGE):
                continue
            if ln.type is LineType.TEXT and not PARA_START.match(ln.text):
                out.append(replace(pending, raw=pending.text + " " + ln.text))
                pending = None
                prev_text = ln.text
                continue
            out.append(pending)
            pending = None
        if ln.type is LineType.TEXT and _NUMBER_ONLY.match(ln.text) and (
                not prev_text or prev_text.endswith(_SENTENCE_END)):
            pending = ln
            continue
        if ln.type in (LineType.GAP, LineType.PAGE):
            prev_text = "" if ln.type is LineType.GAP else prev_text
        elif ln.type is LineType.TEXT:
            prev_text = ln.text
        out.append(ln)
    if pending is not None:
        out.append(pending)
    return out


def _body_items(flow: list[Line]) -> list[_Item | None]:
    """Body lines as items; None marks a gap. Headings are recognised after a gap."""
    tracker = _HeadingTracker()
    items: list[_Item | None] = []
    prev_gap = True
    prev_text = ""
    i = 0
    while i < len(flow):
        ln = flow[i]
        if ln.type in (LineType.GAP, LineType.PAGE):
            if items and items[-1] is not None and ln.type is LineType.GAP:
                items.append(None)
            prev_gap = True  # a heading may open a page
            i += 1
            continue
        text = ln.text
        hit = tracker.match(text) if prev_gap else None
        if hit:
            tracker.accept(*hit)
            parts = [text]
            j = i + 1
            while j < len(flow) and len(parts) < _HEADING_MAX_LINES:
                nxt = flow[j]
                if nxt.type is not LineType.TEXT:
                    break
                t = nxt.text
                if PARA_START.match(t) or tracker.match(t):
                    break
                parts.append(t)
                j += 1
            items.append(_Item(ln, text, heading=_Heading(hit[0], join_lines(parts), ln.number)))
            i = j
            prev_gap = False
            prev_text = text
            continue
        m = PARA_START.match(text)
        strong = prev_gap or not prev_text or prev_text.endswith(_SENTENCE_END)
        span = _subheading(flow, i, prev_gap)
        if span:
            heading = join_lines([x.text for x in flow[i:i + span]])
            items.append(_Item(ln, heading, heading=_Heading(2, heading, ln.number)))
            prev_gap, prev_text = False, heading
            i += span
            continue
        bare = None if m else _BARE_START.match(text)
        detached = prev_gap and not m and _off_column(ln) and not LIST_ITEM.match(text)
        number = m or bare
        items.append(_Item(ln, text, number=int(number.group(1)) if number else None, strong=strong,
                           bare=bare is not None, detached=detached))
        prev_gap = False
        prev_text = text
        i += 1
    return items


# --------------------------------------------------------------------------- numbering


def _resolve_numbering(items: list[_Item]) -> list[str]:
    """Mark which "N." lines are the official paragraphs; return warnings.

    Paragraphs run 1, 2, 3, ...; another "N." line continues a list that started at
    "1." inside a paragraph (agenda items), or is left as text of its block. Every
    reading is scored (+1 a paragraph, a small cost for leaving a line as text, more when
    it stands where paragraphs start, a large one for a gap in the numbering) and the
    best wins. A heading closes any list.
    """
    events = [it for it in items if it.heading or it.number is not None]
    # state (next paragraph, next list item or 0) -> (score, previous state, decision)
    layers: list[dict[tuple[int, int], tuple[float, tuple[int, int] | None, str]]] = [{(1, 0): (0.0, None, "")}]
    for it in events:
        nxt: dict[tuple[int, int], tuple[float, tuple[int, int] | None, str]] = {}

        def offer(state, score, prev, decision):
            if state not in nxt or score > nxt[state][0] + 1e-9:
                nxt[state] = (score, prev, decision)

        for (p, l), (score, _, _) in layers[-1].items():
            if it.heading:
                offer((p, 0), score, (p, l), "heading")
                continue
            n = it.number
            if it.bare:
                if n == p and it.strong:
                    offer((p + 1, 0), score + 1, (p, l), "para")
                offer((p, l), score, (p, l), "text")
                continue
            if n == p:
                offer((p + 1, 0), score + 1 + (0.01 if it.strong else 0), (p, l), "para")
            elif it.strong and p < n <= p + _MAX_JUMP and p > 1:
                offer((n + 1, 0), score + 1 - _JUMP, (p, l), "jump")
            if (l and n == l) or (n == 1 and p > 1):
                offer((p, n + 1), score, (p, l), "list")
            elif l and l < n <= l + 2:  # a list item the extraction lost
                offer((p, n + 1), score - _LIST_JUMP, (p, l), "list")
            offer((p, l), score - (_SKIP_STRONG if it.strong else _SKIP_WEAK), (p, l), "text")
        if len(nxt) > 400:  # keep the best readings only
            nxt = dict(sorted(nxt.items(), key=lambda kv: -kv[1][0])[:400])
        layers.append(nxt)
    state = max(layers[-1], key=lambda s: (layers[-1][s][0], s[0]))
    warnings = []
    for k in range(len(events), 0, -1):
        _, prev, decision = layers[k][state]
        it = events[k - 1]
        it.para = decision in ("para", "jump")
        it.listed = decision == "list"
        if decision == "jump":
            warnings.append(f"line {it.line.number}: paragraph numbering jumps to {it.number} "
                            f"(paragraph {prev[0]} not found)")
        state = prev
    return warnings


# --------------------------------------------------------------------------- regions


def _visual_join(lines: list[str], full_width: int) -> str:
    """Join lines of a title block or table: a line that is wrapped joins its successor.

    A line is wrapped when it runs (nearly) the full text width, or leaves a bracket open.
    """
    out, prev = "", ""
    for line in (clean_line(x) for x in lines):
        if not line:
            continue
        if out:
            current = out.split("\n")[-1]
            unbalanced = sum(current.count(c) for c in _OPEN) > sum(current.count(c) for c in _CLOSE)
            wrapped = display_width(prev) >= 0.8 * full_width
            out += separator(out, line) if (wrapped or unbalanced) else "\n"
        out += line
        prev = line
    return out


def _split_annexes(flow: list[Line]) -> tuple[list[Line], list[list[Line]]]:
    """main text | annexes. An annex heading counts only after a gap or a page break,
    and never inside a contents table."""
    last_leader = _last_contents_line(flow)
    main: list[Line] = []
    annexes: list[list[Line]] = []
    prev_gap = True
    for k, ln in enumerate(flow):
        if ln.type is LineType.ANNEX and prev_gap and k > last_leader:
            annexes.append([ln])
        elif annexes:
            annexes[-1].append(ln)
        else:
            main.append(ln if ln.type is not LineType.ANNEX else Line(ln.number, ln.raw, LineType.TEXT,
                                                                      page=ln.page, indent=ln.indent))
        prev_gap = ln.type in (LineType.GAP, LineType.PAGE)
    return main, annexes


def _last_contents_line(flow: list[Line]) -> int:
    """Index of the last line of a contents table near the start, or -1: lines with dot
    leaders, or, under a "Contents" heading, entries ending in paragraph or page numbers."""
    limit = max(1, int(len(flow) * 0.4))
    last = -1
    header = None
    for k, ln in enumerate(flow[:limit]):
        if ln.type is LineType.TEXT and _LEADER.search(ln.text):
            last = k
        if header is None and ln.type is LineType.TEXT and _CONTENTS.match(ln.text):
            header = last = k
    if header is not None:
        misses = 0
        for k in range(header + 1, limit):
            ln = flow[k]
            if ln.type is not LineType.TEXT:
                continue
            if _CONTENTS_REF.search(ln.text) or _CONTENTS_COLUMNS.match(ln.text):
                last, misses = max(last, k), 0
            else:
                misses += 1
                if misses > 2:
                    break
    return last


_CONTENTS_REF = re.compile(r"(?:^|\s)\d{1,4}(?:\s*[-–]\s*\d{1,4})?$")
_CONTENTS_COLUMNS = re.compile(r"^(?:Paragraphs|Page|Pages|Paragraphes|Párrafos|Página|Пункты|Стр\.)"
                               r"(?:\s+(?:Page|Pages|Página|Стр\.))?$", re.IGNORECASE)


def _body_start(flow: list[Line]) -> int | None:
    """The body opens at the first chapter, section or '1.' after any contents table."""
    tracker = _HeadingTracker()
    prev_gap = True
    first = _last_contents_line(flow) + 1
    for i in range(first, len(flow)):
        ln = flow[i]
        if ln.type is LineType.TEXT:
            text = ln.text
            m = PARA_START.match(text) or _NUMBER_ONLY.match(text)
            if (m and int(m.group(1)) == 1) or (prev_gap and tracker.match(text)):
                return i
        prev_gap = ln.type in (LineType.GAP, LineType.PAGE)
    return None


def _gap_blocks(lines: list[Line], split_on_indent: bool = False) -> list[list[Line]]:
    """Blocks between gaps (a page break does not end a block); optionally also a new
    block at an indented first line."""
    blocks: list[list[Line]] = [[]]
    for ln in lines:
        if ln.type is LineType.GAP:
            if blocks[-1]:
                blocks.append([])
        elif ln.type is LineType.PAGE:
            continue
        else:
            if split_on_indent and blocks[-1] and _indented_start(blocks[-1][-1], ln):
                blocks.append([])
            blocks[-1].append(ln)
    return [b for b in blocks if b]


def _indented_start(prev: Line, ln: Line) -> bool:
    if prev.indent is None or ln.indent is None:
        lead = len(ln.raw) - len(ln.raw.lstrip(" "))
        prev_lead = len(prev.raw) - len(prev.raw.lstrip(" "))
        return lead >= prev_lead + 3 and prev.text.endswith(_SENTENCE_END)
    return ln.indent > prev.indent + 1.2


# --------------------------------------------------------------------------- assembly


@dataclass
class _Block:
    line: int
    kind: str
    number: int | None
    section: tuple[str, ...]
    text: str
    marker: str | None = None
    page: int = 0
    page_end: int = 0
    part: str | None = None


def _page_span(lines: list[Line]) -> tuple[int, int]:
    pages = [ln.page for ln in lines if ln.page]
    return (min(pages), max(pages)) if pages else (0, 0)


def _numbered_blocks(items: list[_Item | None], part: str | None) -> list[_Block]:
    blocks: list[_Block] = []
    section: list[str] = []
    current: dict | None = None

    def block(kind: str, number: int | None, lines: list[str], pages: list[int], line: int,
              block_part: str | None) -> None:
        text = join_lines(lines)
        if text:
            pages = [p for p in pages if p]
            blocks.append(_Block(line, kind, number, tuple(section), text, page=min(pages, default=0),
                                 page_end=max(pages, default=0), part=block_part))

    def close() -> None:
        nonlocal current
        if current and current["lines"]:
            quoted = _quoted_items(current) if current["kind"] == "paragraph" else []
            end = quoted[0][0] if quoted else len(current["lines"])
            block(current["kind"], current["number"], current["lines"][:end], current["pages"][:end],
                  current["line"], part)
            for k, (start, number) in enumerate(quoted):
                stop = quoted[k + 1][0] if k + 1 < len(quoted) else len(current["lines"])
                first = PARA_START.sub("", current["lines"][start], count=1)
                block("paragraph", number, [first] + current["lines"][start + 1:stop],
                      current["pages"][start:stop], current["sources"][start], f"quote {current['number']}")
        current = None

    def start(kind: str, number: int | None, it: _Item, lines: list[str]) -> dict:
        return {"kind": kind, "number": number, "line": it.line.number, "lines": lines,
                "pages": [it.line.page] * len(lines), "sources": [it.line.number] * len(lines), "listed": []}

    for it in items:
        if it is None:
            continue
        if it.heading:
            close()
            del section[it.heading.level:]
            section.append(it.heading.text)
            continue
        if it.detached and not it.para and not (current and current.get("detached")):
            close()  # a table or box: its rows, one after another, stay one block
            current = start("text", None, it, [])
            current["detached"] = True
        if it.para:
            close()
            pattern = PARA_START if not it.bare else _BARE_START
            rest = pattern.sub("", it.text, count=1) if pattern.match(it.text) else ""
            current = start("paragraph", it.number, it, [rest] if rest else [])
            continue
        if current is None:
            current = start("text", None, it, [])
        if it.listed:
            current["listed"].append((len(current["lines"]), it.number))
        current["lines"].append(it.text)
        current["pages"].append(it.line.page)
        current["sources"].append(it.line.number)
    close()
    return blocks


def _quoted_items(paragraph: dict) -> list[tuple[int, int]]:
    """A numbered report quoted inside a paragraph ("The report of Working Group I reads as
    follows: 1. ... 2. ..."): a list from 1 whose items are paragraphs of prose, not the
    one-line items of an agenda. Returns (line index, number) of its items, or []."""
    listed = paragraph["listed"]
    if len(listed) < 2 or listed[0][1] != 1 or [n for _, n in listed] != list(range(1, len(listed) + 1)):
        return []
    lines = paragraph["lines"]
    bounds = [i for i, _ in listed] + [len(lines)]
    sizes = [len(" ".join(lines[a:b])) for a, b in zip(bounds, bounds[1:])]
    return listed if sum(sizes) / len(sizes) >= _QUOTED_ITEM_CHARS else []


def _try_numbered(lines: list[Line]) -> tuple[list[_Item | None], list[str]] | None:
    """The body's items with numbering resolved, or None when it numbers no paragraphs."""
    items = _body_items(_merge_number_lines(lines))
    real = [it for it in items if it is not None]
    warnings = _resolve_numbering(real)
    if not any(it.para for it in real):
        return None
    return items, warnings


def _unnumbered_blocks(lines: list[Line], kind: str) -> list[_Block]:
    out = []
    for b in _gap_blocks(lines, split_on_indent=True):
        text = join_lines([ln.text for ln in b])
        if text:
            first, last = _page_span(b)
            out.append(_Block(b[0].number, kind, None, (), text, page=first, page_end=last))
    return out


def _front_and_preamble(front: list[Line], full_width: int) -> list[_Block]:
    """Front matter; in a resolution or decision, the unnumbered preamble paragraphs after
    the line naming the body that acts ("The General Assembly,") are blocks of their own."""
    actor = _actor_index(front, len(front))
    head = front if actor is None else front[:actor + 1]
    blocks: list[_Block] = []
    text = "\n".join(_visual_join([ln.raw for ln in b], full_width) for b in _gap_blocks(head))
    if text:
        first, last = _page_span(head)
        blocks.append(_Block(head[0].number, "front_matter", None, (), text, page=first, page_end=last))
    if actor is not None:
        for k, b in enumerate(_unnumbered_blocks(front[actor + 1:], "preamble"), start=1):
            b.marker = str(k)
            blocks.append(b)
    return blocks


def _actor_index(lines: list[Line], end: int) -> int | None:
    """In a resolution or decision, the line before `end` naming the body that acts
    ("The General Assembly,"), followed by prose rather than more short masthead lines."""
    if not any(_RESOLUTION.search(ln.text) for ln in lines[:end] if ln.type is LineType.TEXT):
        return None
    for k, ln in enumerate(lines[:end]):
        if k and ln.type is LineType.TEXT and _ACTOR.match(ln.text) and not PARA_START.match(ln.text) \
                and len(ln.text.split()) <= 8:
            rest = " ".join(x.text for x in lines[k + 1:k + 6] if x.type is LineType.TEXT)
            if len(rest) > 150:
                return k
    return None


def _annex_blocks(annex: list[Line], k: int, full_width: int, warnings: list[str]) -> list[_Block]:
    head = annex[0].text
    marker = head.split()[1] if len(head.split()) > 1 and len(head.split()[1]) <= 5 else str(k)
    start = _body_start(annex[1:])
    numbered = _try_numbered(annex[1 + start:]) if start is not None else None
    if numbered is None:  # one annex record, as printed (lists, tables, participants)
        parts = _gap_blocks(annex[1:])
        title = _visual_join([ln.raw for ln in parts[0]], full_width) if parts else ""
        body_text = _visual_join([ln.raw for b in parts[1:] for ln in b], full_width)
        text = "\n".join(x for x in (title, body_text) if x) or head
        sec = tuple(x for x in (head, title.replace("\n", " ")) if x)
        first, last = _page_span(annex)
        return [_Block(annex[0].number, "annex", None, sec, text, marker, page=first, page_end=last)]
    items, part_warnings = numbered
    warnings.extend(f"annex {marker}: {w}" for w in part_warnings)
    intro = annex[:1 + start]
    title_blocks = _gap_blocks(intro[1:])
    title = " ".join(_visual_join([ln.raw for ln in b], full_width).replace("\n", " ") for b in title_blocks[:1])
    sec = tuple(x for x in (head, title) if x)
    first, last = _page_span(intro)
    intro_text = "\n".join(_visual_join([ln.raw for ln in b], full_width) for b in _gap_blocks(intro))
    label = head if len(head) <= 20 else head.split()[0]
    out = [_Block(annex[0].number, "annex", None, sec, intro_text, marker, page=first, page_end=last)]
    for b in _numbered_blocks(items, label.lower() if label.isascii() else label):
        b.section = sec + b.section
        out.append(b)
    return out


def parse_report(meta: DocumentMeta, content: str) -> list[Record]:
    """Parse one report's extracted text into ordered records."""
    return parse_lines(meta, split_lines(content)).records


def parse_lines(meta: DocumentMeta, lines: list[Line]) -> ParseResult:
    """Parse a document's classified lines (from a text extraction or a PDF's layout)."""
    flow, notes = _separate_footnotes(lines)
    main, annexes = _split_annexes(flow)
    warnings: list[str] = []

    body_widths = sorted(display_width(ln.text) for ln in main if ln.type is LineType.TEXT)
    full_width = body_widths[int(len(body_widths) * 0.9)] if body_widths else 80

    start = _body_start(main)
    numbered = _try_numbered(main[start:]) if start is not None else None
    blocks: list[_Block] = []
    if numbered is None:  # a letter, a note: blocks cited by page
        front, rest = _split_unnumbered_front(main)
        blocks += _front_and_preamble(front, full_width)
        blocks += _unnumbered_blocks(rest, "text")
        if not any(b.kind in ("text", "preamble") for b in blocks) and not annexes:
            warnings.append("no text found beyond the title page")
    else:
        items, body_warnings = numbered
        warnings += body_warnings
        blocks += _front_and_preamble(main[:start], full_width)
        blocks += _numbered_blocks(items, None)
    for k, annex in enumerate(annexes, start=1):
        blocks += _annex_blocks(annex, k, full_width, warnings)

    blocks.sort(key=lambda b: b.line)
    # a footnote sits in the section of the block it is printed under
    text_blocks = list(blocks)
    for note in notes:
        owner = next((b for b in reversed(text_blocks) if b.line <= note.line and b.kind != "annex"), None)
        blocks.append(_Block(note.line, "footnote", None, owner.section if owner else (), join_lines(note.parts),
                             note.marker, page=note.page, page_end=note.page))
    blocks.sort(key=lambda b: b.line)
    return ParseResult(_records(meta, blocks), warnings)


def _split_unnumbered_front(main: list[Line]) -> tuple[list[Line], list[Line]]:
    """Without numbered paragraphs the front matter ends before the first block of prose."""
    flow_blocks = _gap_blocks(main)
    for b in flow_blocks:
        text = " ".join(ln.text for ln in b)
        if len(text) > 150 and text.endswith(_SENTENCE_END) and len(b) > 1:
            idx = main.index(b[0])
            if _actor_index(main, idx) is not None:  # a resolution without operative numbers: all preamble
                return main, []
            return main[:idx], main[idx:]
    return main, []


def _records(meta: DocumentMeta, blocks: list[_Block]) -> list[Record]:
    records: list[Record] = []
    counters: dict[str, int] = {}
    seen: set[str] = set()
    annex_no = 0
    for order, b in enumerate(blocks):
        counters[b.kind] = counters.get(b.kind, 0) + 1
        if b.kind == "annex":
            annex_no += 1
        if b.kind == "paragraph":
            if b.part is None:
                rid = f"{meta.doc_id}:p{b.number}"
            elif b.part.startswith("quote"):
                rid = f"{meta.doc_id}:quote{b.part.split()[1]}-p{b.number}"
            else:
                rid = f"{meta.doc_id}:annex{annex_no}-p{b.number}"
        else:
            rid = {
                "front_matter": f"{meta.doc_id}:front",
                "footnote": f"{meta.doc_id}:fn{counters[b.kind]}",
                "annex": f"{meta.doc_id}:annex{counters[b.kind]}",
                "text": f"{meta.doc_id}:text{counters[b.kind]}",
                "preamble": f"{meta.doc_id}:pre{counters[b.kind]}",
            }[b.kind]
        if rid in seen:  # a second front-matter block (e.g. before an annexed report)
            rid = f"{rid}{counters[b.kind]}"
        seen.add(rid)
        records.append(
            Record(
                id=rid, doc_id=meta.doc_id, symbol=meta.symbol, title=meta.title,
                language=meta.language, kind=b.kind, paragraph=b.number, section=b.section,
                text=b.text, order=order, marker=b.marker, line=b.line,
                page=b.page or None, page_end=b.page_end or None, part=b.part,
            )
        )
    return records
