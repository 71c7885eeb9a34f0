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
