"""Cited text against the source file, read without our parser (eval/source_check.py)."""
from __future__ import annotations

from conftest import ROOT

from unqa.eval.source_check import first_missing_word, matches_source
from unqa.ingest import parse_document

PDF = ROOT / "tests" / "data" / "pdf"


def test_every_paragraph_of_a_real_pdf_is_the_pdfs_own_text():
    path = next(PDF.glob("*.pdf"))
    doc = parse_document(path)[0]
    paragraphs = [r for r in doc.records if r.kind == "paragraph"]
    assert paragraphs
    for r in paragraphs:
        assert matches_source(r.text, path, r.page, r.page_end), r.id


def test_a_changed_added_or_reordered_word_fails():
    path = next(PDF.glob("*.pdf"))
    r = next(r for r in parse_document(path)[0].records if r.kind == "paragraph" and len(r.text.split()) > 8)
    words = r.text.split()
    assert not matches_source(r.text + " zebra", path, r.page, r.page_end)
    swapped = " ".join([words[1], words[0], *words[2:]])
    assert words[0].lower() == words[1].lower() or not matches_source(swapped, path, r.page, r.page_end)
    assert first_missing_word("deep-rooted inequalities", "deep\x02\r\nrooted inequalities") is None
    assert first_missing_word("国际合作", "国 际 合 作") is None and first_missing_word("合作国际", "国际合作") == "国"
