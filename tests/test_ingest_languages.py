"""The same parser on reports in other UN languages (test documents written for this)."""
from __future__ import annotations

from conftest import DATA

from unqa.ingest import DocumentMeta, ingest_corpus, parse_report


def test_english_report():
    (doc,) = ingest_corpus(DATA / "en")
    paras = {r.paragraph: r for r in doc.paragraphs()}
    assert sorted(paras) == list(range(1, 8))
    assert paras[1].text == (
        "The Test Meeting on Space Weather was held in Vienna on 14 and 15 December 2022. It was organized "
        "by the Office for Outer Space Affairs in cooperation with the World Meteorological Organization."
    )
    # agenda items at the line start, one of them ("4.") colliding with the next paragraph number
    assert paras[3].text.split("\n") == [
        "At its opening session, the meeting adopted the following agenda:",
        "1. Opening of the meeting.",
        "2. Adoption of the agenda.",
        "3. Space weather services.",
        "4. Small satellite missions and their coordination.",
        "5. Other matters.",
    ]
    assert paras[4].text.split("\n")[1:] == [
        "(a) Forecasting of geomagnetic storms;",
        "(b) Protection of satellites in low Earth orbit;",
        "(c) Data sharing among Member States.1",
    ]
    # a paragraph across a page break with a footnote, footer and header between its halves
    assert paras[5].text.endswith(
        "forecasting such storms required international cooperation on observations from the ground and from space."
    )
    assert "(see A/76/20, para. 274(a))" in paras[5].text
    assert paras[4].section == (
        "II. Organization of the meeting",
        "B. Statements by participating entities and the Office for Outer Space Affairs",
    )
    notes = [r for r in doc.records if r.kind == "footnote"]
    assert [(n.marker, n.text) for n in notes] == [
        ("*", "A/AC.105/L.999."),
        ("1", "See https://www.unoosa.org for the presentations."),
    ]
    assert notes[1].section == paras[5].section
    (annex,) = [r for r in doc.records if r.kind == "annex"]
    assert annex.section == ("Annex", "List of participants")
    assert annex.text.split("\n") == [
        "List of participants",
        "Chair: N. Hedman (Office for Outer Space Affairs)",
        "World Meteorological Organization A. Smith",
        "B. Jones",
    ]
    front = doc.records[0]
    assert front.kind == "front_matter" and "Item 13 of the provisional agenda*" in front.text
    assert "V.23-01234" not in front.text and "2301234" not in front.text


RUSSIAN = """Комитет по использованию космического пространства в мирных целях

 I. Введение

1. Совещание состоялось в Вене 14 декабря 2021 года.

 II. Ход работы

 А. Открытие совещания

2. Председатель открыл совещание и приветствовал
участников.

 Б. Утверждение повестки дня

3. Совещание утвердило следующую повестку дня:
1. Открытие совещания.
2. Утверждение повестки дня.

 Приложение

 Список участников

 Председатель: Н. Хедман
"""


def test_russian_report_with_cyrillic_sections():
    meta = DocumentMeta(doc_id="ru-test", file="ru.txt", symbol=None, title="Тест", language="ru")
    records = parse_report(meta, RUSSIAN)
    paras = [r for r in records if r.kind == "paragraph"]
    assert [p.paragraph for p in paras] == [1, 2, 3]
    assert paras[1].text == "Председатель открыл совещание и приветствовал участников."
    assert paras[1].section == ("II. Ход работы", "А. Открытие совещания")
    assert paras[2].section == ("II. Ход работы", "Б. Утверждение повестки дня")
    assert paras[2].text.endswith("\n1. Открытие совещания.\n2. Утверждение повестки дня.")
    assert records[-1].kind == "annex" and records[-1].section == ("Приложение", "Список участников")
