"""What a question asks for, in the six UN languages, and whether a sentence holds it."""
from __future__ import annotations

import pytest

from unqa.index import question_language
from unqa.service.question_type import holds_fact, question_type


@pytest.mark.parametrize("question,kind", [
    ("Who chaired the fortieth session of the Inter-Agency Meeting?", "who"),
    ("When was the session held?", "when"),
    ("How many Member States attended?", "how_many"),
    ("Why was the meeting held online?", "why"),
    ("Where will the next session take place?", "where"),
    ("What is the only way to mitigate space debris?", "other"),
    ("Qui a présidé la session ?", "who"),
    ("En quelle année la Commission a-t-elle été créée ?", "when"),
    ("Combien d'États ont participé ?", "how_many"),
    ("¿Quién presidió la reunión?", "who"),
    ("¿Cuántos Estados participaron en el foro?", "how_many"),
    ("¿Por qué se celebró la reunión en línea?", "why"),
    ("Кто председательствовал на сессии?", "who"),
    ("Сколько государств приняли участие?", "how_many"),
    ("Когда состоялась сессия?", "when"),
    ("متى عقدت الدورة؟", "when"),
    ("كم عدد الدول التي شاركت؟", "how_many"),
    ("لماذا عقد الاجتماع عبر الإنترنت؟", "why"),
    ("外空协调会议第四十届会议由谁主持？", "who"),
    ("有多少个会员国派代表出席了论坛？", "how_many"),
    ("会议是什么时候举行的？", "when"),
    ("为什么会议以线上方式举行？", "why"),
])
def test_question_type(question, kind):
    assert question_type(question, question_language(question)) == kind


def test_a_sentence_holds_the_kind_of_fact_asked_for():
    assert holds_fact("The session was chaired by Juan Carlos Fernández of Spain.", "who")
    assert not holds_fact("The session was held online.", "who")
    assert holds_fact("It was held on 14 December 2021.", "when") and holds_fact("会议于2021年12月14日举行。", "when")
    assert not holds_fact("It was held online.", "when")
    assert holds_fact("Representatives of 45 Member States attended.", "how_many")
    assert not holds_fact("Representatives of Member States attended.", "how_many")
    assert holds_fact("anything at all", "other")
