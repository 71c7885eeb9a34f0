"""Property-based checks: the HTTP API against its own OpenAPI schema, and the ingest parser
against random and truncated reports. Bounded so that the suite stays fast."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS

from unqa.ingest import DocumentMeta, parse_lines
from unqa.ingest.lines import split_lines
from unqa.service import create_app


@pytest.fixture(scope="module")
def api_schema(loaded_index):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(index=loaded_index))


def test_api_never_fails_and_keeps_its_schema(api_schema):
    """For every operation: no 5xx, and every response matches the status codes and bodies the
    schema declares (schemathesis' checks, on cases generated from the app's own OpenAPI)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/ask", "/documents", "/documents/{doc_id}",
                                              "/documents/{doc_id}/paragraphs/{n}", "/health"}
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate()

        check()


META = DocumentMeta(doc_id="fuzz", file="fuzz.txt", symbol=None, title="fuzz", language="zh")
REPORTS = [(CORPUS / name).read_text(encoding="utf-8") for name in ("a-ac-105-1235.zh.txt", "iam-40-report.zh.txt")]


def parse_or_explain(text: str) -> None:
    """Never an exception; paragraphs numbered upwards from 1, every jump in the numbering
    named in a warning; no empty record."""
    result = parse_lines(META, split_lines(text))
    numbers = [r.paragraph for r in result.records if r.kind == "paragraph"]
    if numbers:
        assert numbers[0] == 1 and all(b > a for a, b in zip(numbers, numbers[1:]))
        jumps = sum(1 for a, b in zip(numbers, numbers[1:]) if b != a + 1)
        assert jumps == len(result.warnings)
    assert all(r.text for r in result.records)


@given(doc=st.sampled_from(REPORTS), cut=st.floats(0, 1), start=st.floats(0, 1))
@settings(max_examples=120, deadline=None)
def test_truncated_reports_parse_or_explain(doc, cut, start):
    a, b = sorted((int(len(doc) * start), int(len(doc) * cut)))
    parse_or_explain(doc[a:b])


@given(doc=st.sampled_from(REPORTS), data=st.data())
@settings(max_examples=120, deadline=None)
def test_mutated_reports_parse_or_explain(doc, data):
    lines = doc.split("\n")
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "swap", "noise"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "noise":
            lines[i] = data.draw(st.text(max_size=40))
        if not lines:
            lines = [""]
    parse_or_explain("\n".join(lines))


@given(st.text(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_random_text_parses_or_explains(text):
    parse_or_explain(text)
