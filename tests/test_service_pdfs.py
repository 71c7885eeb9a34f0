"""`unqa serve --corpus-dir` on a folder of official PDFs with no manifest: a real process
builds the index on first start and answers over HTTP with citations that match the PDF."""
from __future__ import annotations

import re
import shutil

import httpx
import pytest

from conftest import DATA, start_serve, wait_healthy


@pytest.fixture(scope="module")
def pdf_server(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("pdfs")
    for name in ("S_2025_407.pdf", "A_RES_78_323.pdf"):
        shutil.copy(DATA / "pdf" / name, corpus / name)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n")  # reported and left out, never fatal
    index_dir = tmp_path_factory.mktemp("pdf-index") / "index"
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    proc, url = start_serve(index_dir, "--corpus-dir", str(corpus), log=log)
    try:
        wait_healthy(url, proc, timeout=300)
        yield url, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_documents_come_from_the_pdfs_themselves(pdf_server):
    url, log = pdf_server
    docs = {d["doc_id"]: d for d in httpx.get(url + "/documents", timeout=10).json()}
    assert set(docs) == {"s-2025-407", "a-res-78-323"}
    assert docs["a-res-78-323"]["symbol"] == "A/RES/78/323" and docs["a-res-78-323"]["language"] == "en"
    assert docs["s-2025-407"]["pages"] == 3
    assert "broken.pdf" in log.read_text(encoding="utf-8")  # named where the operator looks


@pytest.mark.parametrize("question, label, starts, page", [
    ("Which date was chosen to commemorate the global fight against slavery and racism?",
     "A/RES/78/323, para. 1", "Decides to proclaim 25 July as the International Day of Women and Girls", 2),
    ("What does the Peacebuilding Commission say about the challenges of revising the voter list for the local "
     "elections in the Central African Republic?",
     "S/2025/407, annex, para. 2", "The Commission acknowledges that challenges to revise the voter list", 2),
])
def test_a_question_is_answered_with_the_pdf_paragraph(pdf_server, question, label, starts, page):
    url, _ = pdf_server
    body = httpx.post(url + "/ask", json={"question": question, "top_k": 3}, timeout=60).json()
    first = body["citations"][0]
    assert first["label"] == label
    assert squeeze(first["text"]).startswith(squeeze(starts))
    assert first["page"] == page
