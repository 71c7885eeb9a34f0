"""Cross-language query expansion with official UN terminology.

A question in English shares no words with a Chinese report, and the small multilingual
model maps them only loosely. UN texts, though, use fixed official terms in every
language ("space debris" is always 空间碎片), so the terms a question contains are looked
up in a terminology table (index/terms/*.tsv) and their equivalents in the reports'
languages are added to the lexical query and to the embedded query.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TERMS_DIR = Path(__file__).resolve().parent / "terms"

_ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}
_TENS = {"twent": 20, "thirt": 30, "fort": 40, "fift": 50, "sixt": 60, "sevent": 70, "eight": 80, "ninet": 90}
_CN_DIGITS = "零一二三四五六七八九"
_ORDINAL = re.compile(
    r"\b(?:(?P<tens>twent|thirt|fort|fift|sixt|sevent|eight|ninet)(?:ieth|y-(?P<unit>[a-z]+)))\b"
    r"|\b(?P<simple>" + "|".join(_ORDINAL_UNITS) + r")\b",
    re.IGNORECASE,
)


def cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[units] if units else "")


def english_ordinals(text: str) -> list[int]:
    out = []
    for m in _ORDINAL.finditer(text):
        if m.group("simple"):
            out.append(_ORDINAL_UNITS[m.group("simple").lower()])
        else:
            unit = _ORDINAL_UNITS.get((m.group("unit") or "").lower(), 0)
            out.append(_TENS[m.group("tens").lower()] + unit)
    return out


@dataclass(frozen=True)
class Glossary:
    languages: tuple[str, ...]
    entries: tuple[dict[str, tuple[str, ...]], ...]  # language -> official terms, then user wordings
    official: tuple[dict[str, tuple[str, ...]], ...]
    entities: tuple[bool, ...] = ()  # the entry names a body (from un-entities.tsv)

    @classmethod
    def load(cls, folder: Path = TERMS_DIR) -> "Glossary":
        entries: list[dict[str, tuple[str, ...]]] = []
        official: list[dict[str, tuple[str, ...]]] = []
        entities: list[bool] = []
        languages: list[str] = []
        for path in sorted(folder.glob("*.tsv")):
            lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
            reader = csv.reader(lines, delimiter="\t")
            header = next(reader)
            languages += [h for h in header if h not in languages]
            for row in reader:
                cells = {lang: [t.strip() for t in cell.split("|") if t.strip()]
                         for lang, cell in zip(header, row) if cell.strip()}
                entries.append({lang: tuple(t.lstrip("~") for t in terms) for lang, terms in cells.items()})
                official.append({lang: tuple(t for t in terms if not t.startswith("~"))
                                 for lang, terms in cells.items()})
                entities.append("entities" in path.stem)
        return cls(tuple(languages), tuple(entries), tuple(official), tuple(entities))

    def entities_in(self, question: str) -> list[dict[str, tuple[str, ...]]]:
        """The named bodies a question mentions (all their names, in every language)."""
        return [entry for entry, is_entity in zip(self.entries, self.entities) if is_entity and any(
            any(True for _ in _find(term, lang, question)) for lang, terms in entry.items() for term in terms)]

    def expand(self, question: str, source: str, target: str) -> list[str]:
        """Terms in `target` for the `source`-language terms found in the question.

        Within one language only a user's wording is expanded, to the official terms
        ("太空垃圾" -> 空间碎片)."""
        found: list[tuple[int, int, tuple[str, ...]]] = []
        lowered = question.lower()
        for entry, official in zip(self.entries, self.official):
            if source not in entry or target not in official:
                continue
            for term in entry[source]:
                for m in _find(term, source, question):
                    if source != target or term not in official[source]:
                        found.append((m.start(), m.end(), official[target]))
                    else:  # an official term: it still hides shorter terms inside it
                        found.append((m.start(), m.end(), ()))
        # longest match wins where terms overlap ("space debris" over "space")
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        out, end = [], -1
        for start, stop, target_terms in found:
            if start >= end:
                out.extend(target_terms)
                end = stop
        if source == "en" and target == "zh":
            nums = english_ordinals(question)
            session = "session" in lowered
            out += [f"第{cn_number(n)}届" if session else f"第{cn_number(n)}" for n in nums if 0 < n < 100]
        return list(dict.fromkeys(out))


@lru_cache(maxsize=None)
def _pattern(term: str, language: str) -> tuple[re.Pattern, bool]:
    """A term's compiled pattern, and whether it is matched against the question as written
    (acronyms: "WHO" is not "who") rather than lower-cased. Plurals match too."""
    if term.isupper() and len(term) <= 10:
        return re.compile(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])"), True
    escaped = re.escape(term.lower())
    if language == "zh":
        return re.compile(escaped), False
    return re.compile(rf"(?<![\w-]){escaped}(?:s|es)?(?![\w-])"), False


def _find(term: str, language: str, question: str):
    pattern, as_written = _pattern(term, language)
    return pattern.finditer(question if as_written else question.lower())
