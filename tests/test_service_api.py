"""The HTTP contract, answered by the real app over the real index."""
from __future__ import annotations

import pytest


def ask(client, question, **extra):
    res = client.post("/ask", json={"question": question, **extra})
    assert res.status_code == 200, res.text
    return res.json()


def check_spans(data):
    """Every piece of the answer is copied from a citation, at the offsets it claims."""
    assert data["answer_spans"]
    covered = 0
    for s in data["answer_spans"]:
        cited = data["citations"][s["citation"]]["text"][s["start"]:s["end"]]
        assert cited == data["answer"][s["answer_start"]:s["answer_end"]]
        covered += len(cited)
    assert covered == len(data["answer"].replace("\n", ""))


def test_chinese_question_gets_chinese_label(client):
    data = ask(client, "减缓空间碎片的唯一方法是什么？")
    assert data["answered"] is True and data["language"] == "zh"
    top = data["citations"][0]
    assert top["label"] == "A/AC.105/1235，第 38 段"
    assert (top["doc_id"], top["symbol"], top["kind"], top["paragraph"]) == ("a-ac-105-1235", "A/AC.105/1235", "paragraph", 38)
    assert top["section"] == ["五. 会议概要"]
    assert "空间碎片减缓准则" in data["answer"]
    check_spans(data)
    assert data["took_ms"] > 0 and set(data) >= {"question", "answered", "answer", "citations", "took_ms"}


def test_english_question_gets_english_label(client):
    data = ask(client, "What is the only way to mitigate space debris?")
    assert data["answered"] is True and data["language"] == "en"
    assert data["citations"][0]["label"] == "A/AC.105/1235, para. 38"
    check_spans(data)


def test_document_without_symbol_is_cited_by_title(client):
    data = ask(client, "大会在哪一天通过了第 76/3 号决议？")
    assert data["citations"][0]["label"] == "《外层空间活动机构间会议第四十届会议报告》，第 8 段"
    data = ask(client, "What is the symbol of the provisional agenda?")
    labels = [c["label"] for c in data["citations"]]
    assert all(label.startswith(("外层空间活动机构间会议第四十届会议报告, ", "A/AC.105/1235, ")) for label in labels)


def test_citations_are_ordered_and_exist(client):
    data = ask(client, "世界空间论坛", top_k=10)
    scores = [c["score"] for c in data["citations"]]
    assert len(scores) == 10 and scores == sorted(scores, reverse=True)
    for c in data["citations"]:
        if c["kind"] == "paragraph":
            res = client.get(f"/documents/{c['doc_id']}/paragraphs/{c['paragraph']}")
            assert res.status_code == 200 and res.json()["paragraph"]["text"] == c["text"]


@pytest.mark.parametrize("question, language, message", [
    ("Who won the FIFA World Cup in 1930?", "en", "The reports do not answer this question."),
    ("1998 年北京的天气怎么样？", "zh", "这些报告没有回答这个问题。"),
    ("外空协调会议第三十九届会议在哪里举行？", "zh", "这些报告没有回答这个问题。"),
])
def test_unanswerable_questions_say_so(client, question, language, message):
    data = ask(client, question)
    assert data["answered"] is False and data["language"] == language
    assert data["answer"].startswith(message) and data["answer_spans"] == []
    assert data["citations"], "the nearest paragraphs are still listed"


def test_filter_by_documents(client):
    data = ask(client, "会议在哪里举行？", documents=["iam-40-report"], top_k=8)
    assert {c["doc_id"] for c in data["citations"]} == {"iam-40-report"}


def test_documents_endpoints(client):
    docs = client.get("/documents").json()
    assert [d["doc_id"] for d in docs] == ["a-ac-105-1235", "iam-40-report"]
    assert docs[0]["paragraphs"] == 56 and docs[1]["paragraphs"] == 25 and docs[1]["symbol"] is None
    detail = client.get("/documents/iam-40-report").json()
    assert detail["meeting"] == "外层空间活动机构间会议第四十届会议" and len(detail["contents"]) == 28
    ctx = client.get("/documents/a-ac-105-1235/paragraphs/38").json()
    assert ctx["paragraph"]["label"] == "A/AC.105/1235，第 38 段"
    assert ctx["previous"]["paragraph"] == 37 and ctx["next"]["paragraph"] == 39
    first = client.get("/documents/a-ac-105-1235/paragraphs/1?lang=en").json()
    assert first["previous"] is None and first["paragraph"]["label"] == "A/AC.105/1235, para. 1"
    last = client.get("/documents/iam-40-report/paragraphs/25").json()
    assert last["next"] is None


def test_documents_link_the_official_text_and_keep_their_source_private(client):
    listed = client.get("/documents")
    detail = client.get("/documents/a-ac-105-1235")
    for body in (listed.text, detail.text):
        assert "shared/seeds" not in body and '"source"' not in body
    assert listed.json()[0]["official_url"] == "https://undocs.org/zh/A/AC.105/1235"
    assert listed.json()[1]["official_url"] is None  # no symbol, no link
    cited = client.post("/ask", json={"question": "减缓空间碎片的唯一方法是什么？"}).json()["citations"][0]
    assert cited["official_url"] == "https://undocs.org/zh/A/AC.105/1235"
    annex = client.get("/records/iam-40-report:annex1").json()
    assert annex["kind"] == "annex" and annex["label"] == "《外层空间活动机构间会议第四十届会议报告》，附件"


def test_health_metrics_and_docs(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["records"] == 85
    client.post("/ask", json={"question": "空间碎片"})
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and "text/plain" in metrics.headers["content-type"]
    assert 'unqa_http_requests_total{method="POST",route="/ask",status="200"}' in metrics.text
    assert "unqa_answers_total" in metrics.text and "unqa_index_records 85.0" in metrics.text
    assert client.get("/docs").status_code == 200
    assert "/ask" in client.get("/openapi.json").json()["paths"]


def test_page_is_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'id="question"' in page.text and client.get("/static/app.js").status_code == 200


@pytest.mark.parametrize("question", ["?", "a", "the", "😀", "... ?", "的"])
def test_a_question_without_content_is_not_answered(client, question):
    data = client.post("/ask", json={"question": question}).json()
    assert data["answered"] is False
