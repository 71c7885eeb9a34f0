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
    entries: tuple[dict[str, tuple[str, ...]], ...]

    @classmethod
    def load(cls, folder: Path = TERMS_DIR) -> "Glossary":
        entries: list[dict[str, tuple[str, ...]]] = []
        languages: list[str] = []
        for path in sorted(folder.glob("*.tsv")):
            lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
            reader = csv.reader(lines, delimiter="\t")
            header = next(reader)
            languages += [h for h in header if h not in languages]
            for row in reader:
                entries.append({lang: tuple(t.strip() for t in cell.split("|") if t.strip())
                                for lang, cell in zip(header, row) if cell.strip()})
        return cls(tuple(languages), tuple(entries))

    def expand(self, question: str, source: str, target: str) -> list[str]:
        """Terms in `target` for the `source`-language terms found in the question."""
        if source == target:
            return []
        found: list[tuple[int, int, str]] = []
        lowered = question.lower()
        for entry in self.entries:
            if source not in entry or target not in entry:
                continue
            for term in entry[source]:
                for m in re.finditer(_term_pattern(term, source), lowered):
                    found.append((m.start(), m.end(), entry[target]))
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


def _term_pattern(term: str, language: str) -> str:
    escaped = re.escape(term.lower())
    if language in ("zh",):
        return escaped
    return rf"(?<![\w-]){escaped}(?:s|es)?(?![\w-])"  # plural too
