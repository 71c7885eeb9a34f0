"""What a UN document says about itself on its first page: symbol, language, title, date,
distribution and body, read from the masthead so no manifest is needed.

Each value is only what the page prints (or None); a manifest entry overrides it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .language import language_of
from .lines import SYMBOL, Line, LineType

_SYMBOL = re.compile(rf"(?<![\w/]){SYMBOL}\*?(?:\s?[–—−-]\s?{SYMBOL}\*?)*(?:\s\(\d{{4}}\))?")
# the job number's language code: "25-05795 (E)" is the English version
_JOB_LANGUAGE = re.compile(r"\b(?:[A-Z]{1,2}\.)?\d{2}-\d{5}\s*\(([EFSRAC])\)")
_JOB_CODES = {"E": "en", "F": "fr", "S": "es", "R": "ru", "A": "ar", "C": "zh"}
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    r"[\u0621-\u064a ]+/[\u0621-\u064a]+|يناير|فبراير|مارس|أبريل|مايو|يونيه|يوليه|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر"
)
_DATE = re.compile(
    rf"(\d{{1,2}}(?:er)?\s+(?:de\s+)?(?:{_MONTHS})(?:\s+de)?\s+\d{{4}}(?:\s*(?:года|г\.))?)\s*$"
    r"|(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$",
    re.IGNORECASE,
)
_DISTR = re.compile(r"Distr\.?\s*:?\s*([^\d\s]+)", re.IGNORECASE)
_BODIES = re.compile(
    r"General Assembly|Security Council|Economic and Social Council|Trusteeship Council|Human Rights Council"
    r"|Trade and Development Board|Assemblée générale|Conseil de sécurité|Conseil économique et social"
    r"|Asamblea General|Consejo de Seguridad|Consejo Económico y Social|Генеральная Ассамблея|Совет Безопасности"
    r"|Экономический и Социальный Совет|الجمعية العامة|مجلس الأمن|المجلس الاقتصادي والاجتماعي|大会|安全理事会|经济及社会理事会"
)
_MASTHEAD_WORDS = re.compile(r"^(?:United Nations|Nations Unies|Naciones Unidas|Организация Объединенных Наций"
                             r"|الأمم المتحدة|联合国)\b")
# the body opens with a chapter or paragraph 1: the title stands before it; contents lines never count
_BODY_OPENS = re.compile(r"^(?:I\s*\.|1\s*[.．]|1\s+-|أولا\s*-|一\s*[.、．])\s*\S")
_LEADERS = re.compile(r"(?:\.\s?){4,}|…{2,}")
_RESOLUTION_TITLE = re.compile(r"^\d{1,4}/\d{1,4}\.\s+(\S.*)$|^Resolution \d+ \(\d{4}\)$")


@dataclass(frozen=True)
class Inferred:
    symbol: str | None = None
    language: str | None = None
    title: str | None = None
    date: str | None = None
    distribution: str | None = None
    body: str | None = None


def infer(lines: list[Line], fallback_title: str) -> Inferred:
    """Read the masthead: the first page's lines (furniture included: the footer carries
    the job number and its language code)."""
    first = [ln for ln in lines if ln.page in (0, 1)][:60] or lines[:60]
    texts = [ln.text for ln in first if ln.type is not LineType.GAP and ln.text]
    return Inferred(
        symbol=_symbol(texts, lines),
        language=_language(lines),
        title=_title(first) or fallback_title,
        date=next((m.group(1) or m.group(2) for t in texts[:15] if (m := _DATE.search(t))), None),
        distribution=next((m.group(1).rstrip(".,") for t in texts[:15] if (m := _DISTR.search(t))), None),
        body="; ".join(dict.fromkeys(b for t in texts[:6] for b in _BODIES.findall(t))) or None,
    )


def _symbol(texts: list[str], lines: list[Line]) -> str | None:
    for t in texts[:6]:
        m = _SYMBOL.search(t)
        if m:
            return re.sub(r"\s?([–—−-])\s?(?=[A-Z]{1,6}/)", r"\1", m.group(0).replace("*", ""))
    headers = Counter(ln.text for ln in lines if ln.type is LineType.FURNITURE and _SYMBOL.fullmatch(ln.text))
    return headers.most_common(1)[0][0] if headers else None


def _language(lines: list[Line]) -> str | None:
    for ln in lines[:400]:
        m = _JOB_LANGUAGE.search(ln.text)
        if m:
            return _JOB_CODES[m.group(1)]
    return language_of(" ".join(ln.text for ln in lines[:400] if ln.type is LineType.TEXT))


def _title(first: list[Line]) -> str | None:
    """The title block of page 1: in a PDF the larger print below the masthead; in a text
    extraction the first indented block after the masthead."""
    sized = [ln for ln in first if ln.type is LineType.TEXT and ln.indent is not None]
    if sized:
        groups: list[list[Line]] = []
        for ln in first:
            big = ln.type is LineType.TEXT and ln.size >= 1.15 and not _MASTHEAD_WORDS.match(ln.text) \
                and not _BODIES.fullmatch(ln.raw.split("   ")[0].strip())
            if big and "Distr" not in ln.text:
                last = groups[-1][-1] if groups and groups[-1] else None
                if last is not None and last.number == ln.number - 1 and last.size == ln.size:
                    groups[-1].append(ln)
                else:
                    groups.append([ln])
        titles = [" ".join(ln.text for ln in g) for g in groups]
        for t in titles:
            m = _RESOLUTION_TITLE.match(t)
            if m and m.group(1):
                return m.group(1)
        return titles[0] if titles else None
    blocks: list[tuple[int, list[str]]] = []  # (indent, lines) of indented runs after the masthead
    for i, ln in enumerate(first):
        lead = len(ln.raw) - len(ln.raw.lstrip(" "))
        text = ln.text
        if _BODY_OPENS.match(text):
            break
        if _LEADERS.search(text):
            continue
        if i < 4 or ln.type is not LineType.TEXT or lead < 6 or _DATE.search(text) or _DISTR.search(text) \
                or text.startswith(("Original", "(")) or _SYMBOL.fullmatch(text):
            if blocks and blocks[-1][1]:
                blocks.append((0, []))
            continue
        if not blocks or not blocks[-1][1]:
            blocks.append((lead, []))
        blocks[-1][1].append(text)
    # the title is the least indented such run (a right-aligned masthead, as in Arabic, sits further in)
    candidates = [(lead, lines) for lead, lines in blocks if len(" ".join(lines).split()) >= 3]
    return " ".join(min(candidates, key=lambda b: b[0])[1]) if candidates else None


def doc_id_for(symbol: str | None, stem: str) -> str:
    """URL-safe and stable: from the symbol where there is one, else from the file name."""
    base = symbol or stem
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:80].strip("-")
    return slug or "document"
