"""The HTTP contract: request and response bodies (other tools depend on these names)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from unqa.ingest import DocumentMeta

MAX_QUESTION_CHARS = 1000
MAX_TOP_K = 50
DOC_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: StrictStr = Field(..., max_length=MAX_QUESTION_CHARS,
                                description=f"The question, in any UN language; at most {MAX_QUESTION_CHARS} characters.",
                                # declared for clients; enforced by the validator below with a clearer message
                                json_schema_extra={"minLength": 1, "pattern": r"\S"})
    top_k: int = Field(5, ge=1, le=MAX_TOP_K, description="How many citations to return.")
    documents: list[StrictStr] | None = Field(None, max_length=100, description="Only search these doc_ids.")

    @field_validator("top_k", mode="before")
    @classmethod
    def _a_number(cls, v):
        # JSON's 5 and 5.0 are the same integer; "5" and true are not numbers
        if isinstance(v, (str, bool)):
            raise ValueError("must be a JSON number, not a string or a boolean")
        return v

    @field_validator("question")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("question is empty or only whitespace")
        return _valid_text(v, "question")

    @field_validator("documents")
    @classmethod
    def _valid_ids(cls, v: list[str] | None) -> list[str] | None:
        for doc_id in v or ():
            _valid_text(doc_id, "a doc_id")
        return v


def _valid_text(v: str, what: str) -> str:
    if any("\ud800" <= ch <= "\udfff" for ch in v):
        raise ValueError(f"{what} holds a lone surrogate (\\ud800-\\udfff), which is not text")
    return v


class AnswerSpan(BaseModel):
    """citations[citation].text[start:end] == answer[answer_start:answer_end]"""

    citation: int
    start: int
    end: int
    answer_start: int
    answer_end: int


class AskResponse(BaseModel):
    question: str
    language: str
    answered: bool
    answer: str
    answer_spans: list[AnswerSpan]
    citations: list[Citation]
    took_ms: float


class DocumentInfo(DocumentMeta):
    """The manifest entry of a document, with its counts (where the text came from stays private)."""

    source: str | None = Field(None, exclude=True)
    paragraphs: int
    records: int
    official_url: str | None = Field(None, description="The UN's permanent link to the document, by its symbol.")


class RecordOut(BaseModel):
    id: str
    doc_id: str
    symbol: str | None
    title: str
    kind: str
    paragraph: int | None
    part: str | None = Field(None, description="Numbered part outside the main numbering, e.g. 'annex'.")
    page: int | None = Field(None, description="First page of the block in the source PDF (null: not known).")
    page_end: int | None = Field(None, description="Last page of the block.")
    section: list[str]
    text: str
    label: str = Field(description="Ready-to-quote reference in the question's language.")
    official_url: str | None = Field(None, description="The UN's permanent link to the document, by its symbol.")


class Citation(RecordOut):
    score: float = Field(description="Ranking score (fused dense + BM25 for hybrid).")
    dense_score: float | None = Field(None, description="Cosine similarity of the record to the question.")
    lexical_score: float | None = Field(None, description="BM25 score of the record.")


class DocumentDetail(DocumentInfo):
    contents: list[RecordOut]


class ParagraphContext(BaseModel):
    paragraph: RecordOut
    previous: RecordOut | None
    next: RecordOut | None


class Health(BaseModel):
    status: str
    records: int | None = None
    index_version: str | None = None
    detail: str | None = None


AskResponse.model_rebuild()
