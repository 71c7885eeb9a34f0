"""One extracted UN report -> its official numbered paragraphs and the blocks around them.

The parse is pure: text in, records out. Paragraph numbers are never invented: a line
that starts with "N." is a paragraph only if the whole document's numbering stays
1, 2, 3, ... with every other "N." line explained as an item of a list inside a paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import IngestError
from .lines import Line, LineType, split_lines
from .records import DocumentMeta, Record
from .text import clean_line, display_width, join_lines, separator

PARA_START = re.compile(r"^(\d{1,4})\s*[.．](?!\d)\s*(?=\S)")
_CN_CHAPTER = re.compile(r"^([一二三四五六七八九十]+)\s*[.、．]\s*(\S.*)$")
_ROMAN_CHAPTER = re.compile(r"^([IVXLC]+)\s*\.\s+(\S.*)$")
_LETTER_SECTION = re.compile(r"^([A-Z]|[А-Я])\s*\.\s+(\S.*)$")
_FOOTNOTE_START = re.compile(r"^(\*{1,3}|[¹²³⁰-⁹]+)\s*(\S.*)$|^(\d{1,3})\s+(\S.*)$")
_HEADING_MAX_CHARS = 200
_HEADING_MAX_LINES = 3

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_LATIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CYRILLIC_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"  # UN Russian skips Ё Й Ъ Ы Ь
_OPEN, _CLOSE = "《（(“‘[【", "》）)”’]】"


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
        return {"A", "А"}
    for alphabet in (_LATIN_LETTERS, _CYRILLIC_LETTERS):
        i = alphabet.find(letter)
        if 0 <= i < len(alphabet) - 1:
            return {alphabet[i + 1]}
    return set()


# --------------------------------------------------------------------------- footnotes


@dataclass
class _Footnote:
    marker: str | None
    line: int
    parts: list[str] = field(default_factory=list)


def _separate_footnotes(lines: list[Line]) -> tuple[list[Line], list[_Footnote]]:
    """Take footnote areas (rule, then notes until the page furniture) out of the flow.

    Furniture, links and rules become gaps so that page breaks never reach a text.
    """
    flow: list[Line] = []
    notes: list[_Footnote] = []
    in_notes = False
    last_number = 0
    for ln in lines:
        if ln.type is LineType.FOOTNOTE_RULE:
            in_notes = True
            flow.append(Line(ln.number, " ", LineType.GAP))
            continue
        if in_notes:
            if ln.type in (LineType.LINK, LineType.FURNITURE, LineType.ANNEX) or (
                ln.type is LineType.GAP and notes and notes[-1].parts
            ):
                in_notes = False
            elif ln.type is LineType.TEXT:
                text = ln.text
                m = _FOOTNOTE_START.match(text)
                marker = (m.group(1) or m.group(3)) if m else None
                if marker and marker.isdigit():
                    # digits start a note only in sequence, so "13 日" stays a continuation
                    if last_number and int(marker) != last_number + 1:
                        marker = None
                    else:
                        last_number = int(marker)
                if marker or not notes or not notes[-1].parts:
                    note = _Footnote(marker, ln.number)
                    notes.append(note)
                    text = (m.group(2) or m.group(4)) if marker else text
                notes[-1].parts.append(text)
                continue
            else:
                continue
        if ln.type in (LineType.LINK, LineType.FURNITURE):
            flow.append(Line(ln.number, " ", LineType.GAP))
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
    para: bool = False  # decided by the numbering resolution


class _HeadingTracker:
    def __init__(self) -> None:
        self.chapter_next = 1
        self.letter: str | None = None

    def match(self, text: str) -> tuple[int, str] | None:
        """(level, key) if `text` opens the next chapter or lettered section."""
        if len(text) > _HEADING_MAX_CHARS:
            return None
        m = _LETTER_SECTION.match(text)
        if m and m.group(1) in _next_letter(self.letter):
            return 1, m.group(1)
        m = _CN_CHAPTER.match(text)
        if m and cn_numeral(m.group(1)) == self.chapter_next:
            return 0, m.group(1)
        m = _ROMAN_CHAPTER.match(text)
        if m and roman_numeral(m.group(1)) == self.chapter_next:
            return 0, m.group(1)
        return None

    def accept(self, level: int, key: str) -> None:
        if level == 0:
            self.chapter_next += 1
            self.letter = None
        else:
            self.letter = key


def _body_items(flow: list[Line]) -> list[_Item | None]:
    """Body lines as items; None marks a gap. Headings are recognised after a gap."""
    tracker = _HeadingTracker()
    items: list[_Item | None] = []
    prev_gap = True
    i = 0
    while i < len(flow):
        ln = flow[i]
        if ln.type is LineType.GAP:
            if items and items[-1] is not None:
                items.append(None)
            prev_gap = True
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
            continue
        m = PARA_START.match(text)
        items.append(_Item(ln, text, number=int(m.group(1)) if m else None))
        prev_gap = False
        i += 1
    return items


# --------------------------------------------------------------------------- numbering


def _resolve_numbering(items: list[_Item], path: str) -> None:
    """Mark which "N." lines are the official paragraphs.

    Paragraphs must run 1, 2, 3, ...; every other "N." line must continue a list that
    started at "1." inside a paragraph (agenda items). A heading closes any list. Among
    the readings that explain every line, take the one with the most paragraphs.
    """
    events = [it for it in items if it.heading or it.number is not None]
    # state: (next paragraph number, next list number or 0) -> (previous state, was paragraph)
    layers: list[dict[tuple[int, int], tuple[tuple[int, int], bool] | None]] = [{(1, 0): None}]
    for it in events:
        cur, nxt = layers[-1], {}
        for p, l in cur:
            if it.heading:
                nxt.setdefault((p, 0), ((p, l), False))
                continue
            n = it.number
            if n == p:
                nxt.setdefault((p + 1, 0), ((p, l), True))
            if (l and n == l) or (n == 1 and p > 1):
                nxt.setdefault((p, n + 1), ((p, l), False))
        if not nxt:
            _numbering_error(layers, events, it, path)
        layers.append(nxt)
    state = max(layers[-1], key=lambda s: (s[0], -s[1]))
    if state[0] == 1:
        raise IngestError(path, "no numbered paragraphs found (expected lines starting '1.', '2.', ...)")
    for k in range(len(events), 0, -1):
        prev, was_para = layers[k][state]
        events[k - 1].para = was_para
        state = prev


def _numbering_error(layers, events, it: _Item, path: str):
    best = max(layers[-1], key=lambda s: s[0])
    expected = best[0]
    if it.number > expected:
        problem = (
            f"numbering gap: paragraph {expected} is missing; the next numbered line is "
            f"paragraph {it.number}"
        )
    else:
        first = next((e.line.number for e in events if e.number == it.number and e is not it), None)
        problem = f"paragraph {it.number} appears twice (lines {first} and {it.line.number})"
    raise IngestError(path, problem, line=it.line.number)


# --------------------------------------------------------------------------- assembly


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


def _split_regions(flow: list[Line]) -> tuple[list[Line], list[Line], list[list[Line]]]:
    """front matter | body | annexes. The body opens at the first chapter, section or '1.'."""
    tracker = _HeadingTracker()
    start = None
    prev_gap = True
    for i, ln in enumerate(flow):
        if ln.type is LineType.TEXT:
            text = ln.text
            m = PARA_START.match(text)
            if (m and int(m.group(1)) == 1) or (prev_gap and tracker.match(text)):
                start = i
                break
        prev_gap = ln.type is LineType.GAP
    if start is None:
        return flow, [], []
    front, rest = flow[:start], flow[start:]
    annexes: list[list[Line]] = []
    body: list[Line] = []
    prev_gap = True
    for ln in rest:
        if ln.type is LineType.ANNEX and prev_gap:
            annexes.append([ln])
        elif annexes:
            annexes[-1].append(ln)
        else:
            body.append(ln)
        prev_gap = ln.type is LineType.GAP
    # an "Annex" line inside the text (not after a gap) is plain text
    return front, body, annexes


def _gap_blocks(lines: list[Line]) -> list[list[Line]]:
    blocks: list[list[Line]] = [[]]
    for ln in lines:
        if ln.type is LineType.GAP:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(ln)
    return [b for b in blocks if b]


def parse_report(meta: DocumentMeta, content: str, path: str = "") -> list[Record]:
    """Parse one report's extracted text into ordered records."""
    path = path or meta.file
    lines = split_lines(content)
    flow, notes = _separate_footnotes(lines)
    front, body, annexes = _split_regions(flow)
    if not body:
        raise IngestError(path, "no numbered paragraphs found (expected lines starting '1.', '2.', ...)")
    items = _body_items(body)
    _resolve_numbering([it for it in items if it is not None], path)

    body_widths = sorted(display_width(it.text) for it in items if it and not it.heading)
    full_width = body_widths[int(len(body_widths) * 0.9)] if body_widths else 80

    blocks: list[tuple[int, str, int | None, tuple[str, ...], str, str | None]] = []
    # (line, kind, paragraph, section, text, marker)

    front_text = "\n".join(_visual_join([ln.raw for ln in b], full_width) for b in _gap_blocks(front))
    if front_text:
        blocks.append((front[0].number, "front_matter", None, (), front_text, None))

    section: list[str] = []
    current: dict | None = None

    def close() -> None:
        nonlocal current
        if current and (current["lines"] or current["kind"] == "paragraph"):
            text = join_lines(current["lines"])
            if not text:
                raise IngestError(path, f"paragraph {current['number']} has no text", line=current["line"])
            blocks.append((current["line"], current["kind"], current["number"], tuple(section), text, None))
        current = None

    for it in items:
        if it is None:
            continue
        if it.heading:
            close()
            del section[it.heading.level:]
            section.append(it.heading.text)
            continue
        if it.para:
            close()
            current = {"kind": "paragraph", "number": it.number, "line": it.line.number,
                       "lines": [PARA_START.sub("", it.text, count=1)]}
            continue
        if current is None:
            current = {"kind": "text", "number": None, "line": it.line.number, "lines": []}
        current["lines"].append(it.text)
    close()

    for k, annex in enumerate(annexes, start=1):
        head = annex[0].text
        parts = _gap_blocks(annex[1:])
        title = _visual_join([ln.raw for ln in parts[0]], full_width) if parts else ""
        rest = [ln.raw for b in parts[1:] for ln in b]
        body_text = _visual_join(rest, full_width)
        text = "\n".join(x for x in (title, body_text) if x) or head
        marker = head.split()[-1] if len(head.split()) > 1 else str(k)
        sec = tuple(x for x in (head, title.replace("\n", " ")) if x)
        blocks.append((annex[0].number, "annex", None, sec, text, marker))

    blocks.sort(key=lambda b: b[0])
    # a footnote sits in the section of the block it is printed under
    note_blocks = [
        (note.line, "footnote", None,
         next((b[3] for b in reversed(blocks) if b[0] <= note.line and b[1] != "annex"), ()),
         join_lines(note.parts), note.marker)
        for note in notes
    ]
    blocks = sorted(blocks + note_blocks, key=lambda b: b[0])

    records: list[Record] = []
    counters: dict[str, int] = {}
    for order, (line, kind, number, sec, text, marker) in enumerate(blocks):
        counters[kind] = counters.get(kind, 0) + 1
        rid = {
            "paragraph": f"{meta.doc_id}:p{number}",
            "front_matter": f"{meta.doc_id}:front",
            "footnote": f"{meta.doc_id}:fn{counters[kind]}",
            "annex": f"{meta.doc_id}:annex{counters[kind]}",
            "text": f"{meta.doc_id}:text{counters[kind]}",
        }[kind]
        records.append(
            Record(
                id=rid, doc_id=meta.doc_id, symbol=meta.symbol, title=meta.title,
                language=meta.language, kind=kind, paragraph=number, section=sec,
                text=text, order=order, marker=marker, line=line,
            )
        )
    return records
