"""Typed records that leave the ingest stage; every later stage cites through them."""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

Kind = Literal["front_matter", "preamble", "paragraph", "footnote", "annex", "text"]
KINDS: tuple[str, ...] = ("front_matter", "preamble", "paragraph", "footnote", "annex", "text")


LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def _url_safe(v: str) -> str:
    if not _DOC_ID.fullmatch(v):
        raise ValueError("must be lowercase letters, digits and '-' (URL-safe), at most 80 characters")
    return v


def _un_language(v: str) -> str:
    if v not in LANGUAGES:
        raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
    return v


def _plain_name(v: str) -> str:
    if "/" in v or "\\" in v or v.startswith("."):
        raise ValueError("must be a plain file name inside the corpus folder")
    return v


# the checked fields shared by the documents' metadata and the manifest's entries
DocId = Annotated[str, AfterValidator(_url_safe)]
Language = Annotated[str, AfterValidator(_un_language)]
FileName = Annotated[str, AfterValidator(_plain_name)]


class DocumentMeta(BaseModel):
    """What a document says about itself (read from it, or given in the manifest)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: DocId
    file: FileName
    symbol: str | None
    title: str
    language: Language
    body: str | None = None
    session: str | None = None
    meeting: str | None = None
    date: str | None = None
    distribution: str | None = None
    pages: int | None = None
    source: str | None = None


@dataclass(frozen=True)
class Record:
    """One citable block of a report.

    `paragraph` is the official number for `kind == "paragraph"` and None otherwise;
    `id` is stable across rebuilds so indexes and eval files can refer to it.
    """

    id: str
    doc_id: str
    symbol: str | None
    title: str
    language: str
    kind: Kind
    paragraph: int | None
    section: tuple[str, ...]
    text: str
    order: int
    marker: str | None = None  # footnote marker ("*", "1"), annex number or preamble ordinal
    line: int = 0  # 1-based line in the source file where the block starts (running line in a PDF)
    page: int | None = None  # first page the block is printed on, where the source tells pages
    page_end: int | None = None  # last page
    part: str | None = None  # numbered part outside the main numbering, e.g. "annex", "annex ii"

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["section"] = list(self.section)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: dict) -> "Record":
        d = dict(d)
        d["section"] = tuple(d.get("section") or ())
        return cls(**d)


@dataclass(frozen=True)
class ParsedDocument:
    meta: DocumentMeta
    records: tuple[Record, ...] = field(default_factory=tuple)

    def paragraphs(self) -> list[Record]:
        return [r for r in self.records if r.kind == "paragraph"]
