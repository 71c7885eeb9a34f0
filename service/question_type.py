"""What kind of fact a question asks for, read from its interrogative words.

The answer sentence is chosen by similarity and, for a question that asks who, when or how
many, by whether the sentence holds a name, a date or a number at all ("Who chaired...?" is
not answered by "held online on 14 December 2021"). The words below are each language's
ordinary interrogatives, as a grammar lists them; nothing is taken from a question set.
"""
from __future__ import annotations

import re

TYPES = ("who", "when", "how_many", "where", "why", "other")

_LATIN = r"(?<![\w-])(?:{})(?![\w-])"
_WORDS: dict[str, dict[str, str]] = {
    "en": {"how_many": r"how many|how much|(?:what|which) (?:number|percentage|proportion|share|amount|rate|level|total)",
           "when": r"when|(?:what|which) (?:dates?|years?|days?|months?)|until when|since when|how long",
           "who": r"who|whom|whose|which (?:country|countries|state|states|organization|body|member states?)",
           "where": r"where|in which (?:city|country|place)",
           "why": r"why|for what reason|what reasons?"},
    "fr": {"how_many": r"combien|quel(?:le)?s? (?:nombre|pourcentage|proportion|part|montant|taux|effectif|niveau|total)",
           "when": r"quand|quel(?:le)?s? (?:dates?|années?|jours?|mois)",
           "who": r"qui|quels? pays|quels? États|quelles? organisations?",
           "where": r"où|dans quelle ville|dans quel pays",
           "why": r"pourquoi|pour quelles? raisons?"},
    "es": {"how_many": r"cu[aá]nt[oa]s?|qu[eé] (?:n[uú]mero|porcentaje|proporci[oó]n|monto|tasa|cantidad|nivel|total)",
           "when": r"cu[aá]ndo|qu[eé] (?:fechas?|a[nñ]os?|d[ií]as?|mes(?:es)?)",
           "who": r"qui[eé]n(?:es)?|qu[eé] pa[ií]s(?:es)?|qu[eé] Estados?|qu[eé] organizaci[oó]n",
           "where": r"d[oó]nde|en qu[eé] ciudad|en qu[eé] pa[ií]s",
           "why": r"por qu[eé]|por qu[eé] raz[oó]n|cu[aá]l(?:es)? (?:es|son|fue|fueron) (?:el|la|los|las) (?:motivos?|razon(?:es)?)"},
    "ru": {"how_many": r"скольк\w*|какое количество|какой (?:процент|объем|размер|уровень)|какая доля",
           "when": r"когда|как\w* (?:дат\w*|год\w*|числ\w*|месяц\w*)",
           "who": r"кто|кого|кому|кем|чья|чей|чьи|какие государства|какая страна|какие страны",
           "where": r"где|в каком городе|в какой стране",
           "why": r"почему|зачем|по какой причине|по каким причинам"},
    "ar": {"how_many": r"كم|ما عدد|ما نسبة|ما مقدار|ما حجم",
           "when": r"متى|أي (?:عام|سنة|تاريخ|يوم|شهر)|ما تاريخ",
           "who": r"من هو|من هي|من هم|من الذي|من التي|من الذين|^من|أي دولة|أي بلد|أي البلدان|ما الدول",
           "where": r"أين|في أي مدينة|في أي بلد",
           "why": r"لماذا|لم|ما سبب|ما أسباب"},
    "zh": {"how_many": r"多少|几[个项次名位年天%]|几|百分之几|比例",
           "when": r"何时|什么时候|哪一年|哪年|哪天|哪一天|何日|日期|截至何时|到何时|多久",
           "who": r"谁|哪位|哪个国家|哪些国家|哪个组织|哪些组织|哪一国",
           "where": r"哪里|何地|在哪|何处|哪个城市",
           "why": r"为什么|为何|原因|何故"},
}
_PATTERNS = {
    lang: {t: re.compile(words if lang == "zh" else _LATIN.format(words), re.IGNORECASE)
           for t, words in table.items()}
    for lang, table in _WORDS.items()
}
# how many and when before who: "how many States..." is a number, "which year" a date
_ORDER = ("how_many", "when", "why", "where", "who")


def question_type(question: str, language: str) -> str:
    """One of TYPES: the first kind whose interrogative the question holds (earliest in the text)."""
    table = _PATTERNS.get(language, _PATTERNS["en"])
    found = [(m.start(), _ORDER.index(t), t) for t in _ORDER if (m := table[t].search(question))]
    return min(found)[2] if found else "other"


# What a sentence must hold to answer each kind (any language's digits; years; Latin or Cyrillic
# capitalised names after the sentence's first word).
_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿两]+[个项次名位%％]")
_DATE = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)|\d{1,2}\s*[月日]|\d{4}\s*年")
_NAME = re.compile(r"(?<=\S\s)(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]+)(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]+)+")
FACT_OF_TYPE = {"how_many": _NUMBER, "when": _DATE, "who": _NAME}


def holds_fact(sentence: str, kind: str) -> bool:
    """Whether the sentence holds the kind of fact the question asks for (True when the kind
    has no such test)."""
    pattern = FACT_OF_TYPE.get(kind)
    return pattern is None or bool(pattern.search(sentence))
