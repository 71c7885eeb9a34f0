"""The hand-written question set, as typed records."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    pair: str | None = None
    language: str
    question: str
    gold: list[str]  # record ids; empty when the reports do not answer it
    key_fact: str
    reference: str
    tags: list[str]
    type: str | None = None  # who | when | how_many | what | why | where | list | yes_no

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def load_questions(path: str | Path = DEFAULT_QUESTIONS) -> list[Question]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    questions = [Question.model_validate(q) for q in data["questions"]]
    ids = [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate question ids")
    return questions


class GoldLocation(BaseModel):
    """Where a question's answer is printed, as a reader of the PDF gives it: independent of
    how our parser names records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    paragraph: int | None = None
    part: str | None = None  # "annex", "enclosure", ...: a numbering of its own
    preamble: int | None = None  # the n-th unnumbered preambular paragraph of a resolution

    def matches(self, record) -> bool:
        if self.preamble is not None:
            return record.kind == "preamble" and record.marker == str(self.preamble)
        if record.kind != "paragraph" or record.paragraph != self.paragraph:
            return False
        return record.part is None if self.part is None else bool(record.part and record.part.startswith(self.part))


class SetQuestion(BaseModel):
    """A question of the blind sets in eval/sets/ (written before any tuning)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    language: str
    question: str
    gold: list[GoldLocation]
    key_fact: str
    reference: str
    type: str
    tags: list[str]


def load_set(path: str | Path) -> list[SetQuestion]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [SetQuestion.model_validate(q) for q in data["questions"]]


def resolve(questions: list[SetQuestion], records_by_file: dict[str, list]) -> tuple[list[Question], list[str]]:
    """The set's questions with gold record ids; and the gold locations no record matches
    (each a problem of the parse, reported, never dropped silently)."""
    out, missing = [], []
    for q in questions:
        gold = []
        for g in q.gold:
            match = next((r.id for r in records_by_file.get(g.file, []) if g.matches(r)), None)
            if match is None:
                missing.append(f"{q.id}: {g.file} {g.model_dump(exclude_none=True)}")
            else:
                gold.append(match)
        if q.gold and not gold:
            continue  # cannot be scored: named in `missing`
        out.append(Question(id=q.id, language=q.language, question=q.question, gold=gold, key_fact=q.key_fact,
                            reference=q.reference, tags=q.tags, type=q.type))
    return out, missing
