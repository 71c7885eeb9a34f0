"""Which of the six UN languages a text is in: the script decides Arabic, Chinese and
Russian; py3langid (a maintained langid.py, its model bundled) decides among the
Latin-script ones. Used for documents without a job-number code and for questions."""
from __future__ import annotations

from collections import Counter
from functools import cache

LATIN = ("en", "fr", "es")


def script_counts(text: str) -> Counter[str]:
    return Counter(
        "ar" if "\u0600" <= ch <= "\u06ff" else "zh" if "\u3400" <= ch <= "\u9fff" else
        "ru" if "\u0400" <= ch <= "\u04ff" else "latin" for ch in text if ch.isalpha())


def language_of(text: str, default: str | None = None) -> str | None:
    """The text's language, or `default` when it has no letters."""
    counts = script_counts(text)
    if not counts:
        return default
    script, _ = counts.most_common(1)[0]
    if script != "latin":
        return script
    lang, _ = _latin_identifier().classify(text[:5000])
    return lang


@cache
def _latin_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LATIN))
    return identifier
