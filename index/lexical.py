"""BM25 (bm25s) over record texts, with a tokenizer for Chinese and Latin scripts alike.

UN document symbols, resolution numbers and dates are kept as whole tokens, written the
same way in every language ("2021 年 12 月 14 日" and "14 December 2021" are both
`2021-12-14`), so an English question can still hit a Chinese paragraph on them.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import bm25s
import bm25s.stopwords
import numpy as np

from unqa.ingest.language import language_of

TOKENIZERS = ("jieba", "bigram", "jieba-snowball")
# Snowball stemmers (PyStemmer) for the UN languages written with word spaces
_SNOWBALL = {"en": "english", "fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic"}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")

_MONTHS = {m: i for i, m in enumerate(
    ("january february march april may june july august september october november december").split(), 1)}
_MONTHS_FR = {m: i for i, m in enumerate(
    ("janvier février mars avril mai juin juillet août septembre octobre novembre décembre").split(), 1)}
_MONTHS_ES = {m: i for i, m in enumerate(
    ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre").split(), 1)}
_MONTH_NAMES = {**_MONTHS, **_MONTHS_FR, **_MONTHS_ES}
_MONTH_RE = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))

_PROTECTED = re.compile(
    r"(?P<symbol>\b[A-Z]{1,6}(?:/[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?)+)"
    r"|(?P<zhdate>(?P<zy>\d{4})\s*年\s*(?P<zm>\d{1,2})\s*月(?:\s*(?P<zd>\d{1,2})\s*日)?)"
    rf"|(?P<endate>(?:(?P<ed>\d{{1,2}})\s+(?:de\s+)?)?(?P<em>{_MONTH_RE})\s+(?:de\s+)?(?P<ey>\d{{4}}))"
    r"|(?P<resolution>\b\d{1,3}/\d{1,4}\b)",
    re.IGNORECASE,
)
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")  # letters/digits of any script, inner hyphens kept
_NUMBER_SEP = re.compile(r"(?<=\d)[,，](?=\d{3}\b)")

# Stopwords loaded wholesale from bm25s's lists (NLTK's for English, French, Spanish and Russian;
# its Chinese list for jieba's words). bm25s has no Arabic list: Arabic relies on BM25's IDF.
STOPWORDS = frozenset().union(*(getattr(bm25s.stopwords, f"STOPWORDS_{name}")
                                for name in ("EN_PLUS", "FRENCH", "SPANISH", "RUSSIAN")))
_CJK_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_CHINESE)
# function characters left out of the single-character fallback tokens
_CJK_STOP = frozenset("的了和是在与及其对为之于等")


def _iso_date(y: str, m: int, d: str | None) -> list[str]:
    out = [f"{int(y):04d}-{m:02d}"]
    if d:
        out.insert(0, f"{int(y):04d}-{m:02d}-{int(d):02d}")
    return out + [str(int(y))]


def _protected_tokens(m: re.Match) -> list[str]:
    if m.group("symbol"):
        return [m.group("symbol").lower()]
    if m.group("zhdate"):
        return _iso_date(m.group("zy"), int(m.group("zm")), m.group("zd"))
    if m.group("endate"):
        return _iso_date(m.group("ey"), _MONTH_NAMES[m.group("em").lower()], m.group("ed"))
    return [m.group("resolution")]


class Tokenizer:
    """`jieba`: jieba search-mode words; `bigram`: characters and character bigrams;
    `jieba-snowball`: jieba, and other words reduced to their Snowball stem in their
    language (Russian and Arabic by script; English, French or Spanish as the text's
    language, ingest.language), so "participants" and "participant" meet."""

    def __init__(self, kind: str = "bigram") -> None:
        if kind not in TOKENIZERS:
            raise ValueError(f"lexical tokenizer must be one of {TOKENIZERS}")
        self.kind = kind
        self.stemmers = {}
        if kind.endswith("snowball"):
            import Stemmer

            self.stemmers = {lang: Stemmer.Stemmer(name) for lang, name in _SNOWBALL.items()}
        if kind.startswith("jieba"):
            import jieba

            jieba.setLogLevel(logging.ERROR)
            jieba.initialize()
            self._jieba = jieba

    def __call__(self, text: str, characters: bool = False) -> list[str]:
        """Tokens of `text`; `characters` adds every Chinese character as a token too."""
        tokens: list[str] = []
        rest = []
        last = 0
        for m in _PROTECTED.finditer(text):
            rest.append(text[last:m.start()])
            tokens.extend(_protected_tokens(m))
            last = m.end()
        rest.append(text[last:])
        plain = _NUMBER_SEP.sub("", " ".join(rest))
        latin = self._latin_language(plain)
        pos = 0
        for m in _CJK_RUN.finditer(plain):
            tokens.extend(self._words(plain[pos:m.start()], latin))
            tokens.extend(self._cjk(m.group()))
            if characters:
                tokens.extend(self.characters(m.group()))
            pos = m.end()
        tokens.extend(self._words(plain[pos:], latin))
        return tokens

    def _latin_language(self, text: str) -> str:
        if not self.stemmers:
            return ""
        lang = language_of(text, default="en")
        return lang if lang in ("en", "fr", "es") else "en"

    @staticmethod
    def characters(text: str) -> list[str]:
        """Chinese characters as tokens of their own kind ("#会"), so that they never match a
        one-character word and only serve as the fallback."""
        return ["#" + c for run in _CJK_RUN.findall(text) for c in run if c not in _CJK_STOP]

    def _words(self, text: str, latin: str) -> list[str]:
        words = [w.lower() for w in _WORD.findall(text) if w.lower() not in STOPWORDS]
        if not self.stemmers:
            return words
        return [self.stemmers["ru" if _CYRILLIC.search(w) else "ar" if _ARABIC.search(w) else latin].stemWord(w)
                if not w.isdigit() else w for w in words]

    def _cjk(self, run: str) -> list[str]:
        if self.kind.startswith("jieba"):
            return [w for w in self._jieba.lcut_for_search(run) if w not in _CJK_STOP and w not in _CJK_STOPWORDS]
        return [c for c in run if c not in _CJK_STOP] + [a + b for a, b in zip(run, run[1:])]


class LexicalIndex:
    """Documents are indexed with their words and single Chinese characters; a question is
    matched on its words, and on its characters only if no word matches anything, so a
    Chinese question never scores every paragraph zero."""

    def __init__(self, bm25: bm25s.BM25, tokenizer: Tokenizer) -> None:
        self.bm25 = bm25
        self.tokenizer = tokenizer

    @classmethod
    def build(cls, texts: list[str], tokenizer: Tokenizer) -> "LexicalIndex":
        bm25 = bm25s.BM25()
        bm25.index([tokenizer(t, characters=True) or [""] for t in texts], show_progress=False)
        return cls(bm25, tokenizer)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every unit (0 where no query token occurs)."""
        scores = np.zeros(self.bm25.scores["num_docs"], dtype=np.float32)
        for ids, values in self.postings(query)[1]:
            np.add.at(scores, ids, values)
        return scores

    def postings(self, query: str) -> tuple[list[str], list[tuple[np.ndarray, np.ndarray]]]:
        """The query's tokens found in the index, and for each the units it occurs in with its BM25
        contribution there: read straight from the index's sparse columns, so a question costs
        what its words' postings cost, not a pass over every unit."""
        data, indices, indptr = (self.bm25.scores[k] for k in ("data", "indices", "indptr"))
        for tokens in (self.tokenizer(query), self.tokenizer.characters(query)):
            known, columns = [], []
            for t in dict.fromkeys(tokens):
                i = self.bm25.vocab_dict.get(t)
                if i is None or i + 1 >= len(indptr):  # unknown, or bm25s's empty-document token
                    continue
                start, end = int(indptr[i]), int(indptr[i + 1])
                known.append(t)
                columns.append((indices[start:end], data[start:end]))
            if any(len(v) and v.max() > 0 for _, v in columns):
                return known, columns
        return [], []

    def save(self, folder: Path) -> None:
        self.bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, tokenizer: Tokenizer) -> "LexicalIndex":
        return cls(bm25s.BM25.load(str(folder), show_progress=False, verbosity=0), tokenizer)
