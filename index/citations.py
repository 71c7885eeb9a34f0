"""Ready-to-quote references to a record, in the asker's language.

    en  A/AC.105/1235, para. 38        zh  A/AC.105/1235，第 38 段
    fr  A/AC.105/1235, par. 38         es  A/AC.105/1235, párr. 38
    ru  A/AC.105/1235, п. 38           ar  A/AC.105/1235، الفقرة 38

A document without a printed symbol is named by its title; annexes, front matter and
footnotes are named as such, never given a paragraph number. A paragraph of a numbered
part is cited in that part ("annex, para. 4"; a report quoted in paragraph 20: "para. 20
(quoted text), para. 3"), a preambular paragraph by its place
("preambular para. 3"), an unnumbered block by its page ("S/2025/407, p. 2").
"""
from __future__ import annotations

from unqa.ingest import Record

_TEMPLATES = {
    #       sep,   paragraph,        annex,        front matter,   footnote,        title quotes
    "en": (", ", "para. {n}", "annex", "title page", "footnote {m}", "{t}"),
    "fr": (", ", "par. {n}", "annexe", "page de titre", "note {m}", "{t}"),
    "es": (", ", "párr. {n}", "anexo", "portada", "nota {m}", "{t}"),
    "ru": (", ", "п. {n}", "приложение", "титульная страница", "сноска {m}", "«{t}»"),
    "ar": ("، ", "الفقرة {n}", "المرفق", "صفحة العنوان", "الحاشية {m}", "{t}"),
    "zh": ("，", "第 {n} 段", "附件", "标题页", "脚注 {m}", "《{t}》"),
}
#            page,          preambular paragraph,          a report quoted in a paragraph
_MORE = {
    "en": ("p. {p}", "preambular para. {n}", " (quoted text)"),
    "fr": ("p. {p}", "alinéa {n} du préambule", " (texte cité)"),
    "es": ("pág. {p}", "párrafo {n} del preámbulo", " (texto citado)"),
    "ru": ("стр. {p}", "пункт {n} преамбулы", " (цитируемый текст)"),
    "ar": ("الصفحة {p}", "الفقرة {n} من الديباجة", " (النص المقتبس)"),
    "zh": ("第 {p} 页", "序言部分第 {n} 段", "（引文）"),
}
LABEL_LANGUAGES = tuple(_TEMPLATES)


def citation_label(record: Record, language: str = "en") -> str:
    sep, para, annex, front, note, quote = _TEMPLATES.get(language, _TEMPLATES["en"])
    page, preamble, quoted = _MORE.get(language, _MORE["en"])
    doc = record.symbol or quote.format(t=record.title)
    if record.kind == "paragraph" and record.part and record.part.startswith("quote"):
        part = para.format(n=record.part.split()[1]) + quoted + sep + para.format(n=record.paragraph)
    elif record.kind == "paragraph" and record.part:
        numeral = record.part.split()[1] if len(record.part.split()) > 1 else ""
        part = f"{annex} {numeral.upper()}".strip() + sep + para.format(n=record.paragraph)
    elif record.kind == "paragraph":
        part = para.format(n=record.paragraph)
    elif record.kind == "preamble":
        part = preamble.format(n=record.marker)
    elif record.kind == "text" and record.page and not record.section:
        part = page.format(p=record.page) if record.page == record.page_end or not record.page_end \
            else page.format(p=f"{record.page}–{record.page_end}")
    elif record.kind == "annex":
        part = annex if not record.marker or record.marker == "1" else f"{annex} {record.marker}"
    elif record.kind == "front_matter":
        part = front
    elif record.kind == "footnote":
        part = note.format(m=record.marker or "").strip()
    else:
        part = " / ".join(record.section) or front
    return f"{doc}{sep}{part}"


def official_url(symbol: str | None, language: str) -> str | None:
    """The UN's permanent link to a document by its symbol (ODS via undocs.org), in `language`;
    None for a document without a symbol."""
    if not symbol:
        return None
    return f"https://undocs.org/{language}/{symbol}"
