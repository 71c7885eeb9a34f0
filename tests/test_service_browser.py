"""The web page in a real headless Chromium (Debian's), driven by Playwright, against a real server.

One server and one browser for the module; the tests share one page and run in order."""
from __future__ import annotations

import os
import shutil
import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("chromium is not installed: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

ZH_QUESTION = "减缓空间碎片的唯一方法是什么？"
EN_QUESTION = "What is the only way to mitigate space debris?"
NOT_FOUND_QUESTION = "Who won the FIFA World Cup in 1930?"


@pytest.fixture(scope="module")
def browser_context(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(locale="en-US")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server["url"])
        yield context
        browser.close()


@pytest.fixture(scope="module")
def page(browser_context, live_server):
    pg = browser_context.new_page()
    pg.console_errors = []
    pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))
    pg.asks = []
    pg.on("request", lambda req: req.url.endswith("/ask") and pg.asks.append(req.post_data))
    pg.base_url = live_server["url"]
    pg.goto(pg.base_url + "/")
    return pg


def seq(page) -> int:
    return int(page.get_attribute("#status", "data-seq") or 0)


def wait_done(page, before: int, kinds=("answer", "not-found", "error"), timeout: float = 30) -> str:
    """Wait until the status line is redrawn with an outcome (polled from Python: the page's CSP
    forbids evaluating strings, so no wait_for_function)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kind = page.get_attribute("#status", "data-kind")
        if seq(page) > before and kind in kinds:
            return kind
        time.sleep(0.05)
    raise AssertionError(f"no outcome in the status line: {page.inner_text('#status')!r}")


def ask(page, question: str, submit: str = "click") -> str:
    before = seq(page)
    page.fill("#question", question)
    if submit == "enter":
        page.press("#question", "Enter")
    else:
        page.click("#ask")
    return wait_done(page, before)


def status(page) -> str:
    return page.inner_text("#status")


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert len(results.response["passes"]) > 10  # axe-core ran over the page
    return results.response["violations"]


def test_lists_the_documents(page):
    page.click("#filters summary")
    page.wait_for_selector("#documents li")
    items = page.locator("#documents li").all_inner_texts()
    assert any("A/AC.105/1235" in t for t in items) and any("外层空间活动机构间会议第四十届会议报告" in t for t in items)
    # the titles are Chinese, marked so inside the English interface
    assert page.locator("#documents li span[lang=zh]").count() == 2
    page.click("#filters summary")


def test_chinese_question_gives_a_chinese_interface(page):
    assert ask(page, ZH_QUESTION) == "answer"
    assert page.get_attribute("html", "lang") == "zh" and page.get_attribute("html", "dir") == "ltr"
    assert page.inner_text("#ask") == "提问"
    assert page.inner_text("#answer-title") == "回答"
    assert page.inner_text("#citations-title") == "引文"
    assert page.get_attribute("#answer-box", "data-answered") == "true"
    assert "空间碎片减缓准则" in page.inner_text("#answer")
    assert page.get_attribute("#answer", "lang") == "zh"
    labels = page.locator("[data-testid=citation-label]")
    assert labels.all_inner_texts()[0] == "A/AC.105/1235，第 38 段"
    assert labels.first.get_attribute("lang") == "zh"
    assert page.locator("[data-testid=citation-text]").first.get_attribute("lang") == "zh"
    assert "空间碎片减缓准则" in page.locator("[data-testid=citation]").first.locator("mark").inner_text()
    assert page.locator("[data-testid=copy-citation]").first.inner_text() == "复制引文"
    # the status line reads the answer out, with its source, not a count of citations
    said = status(page)
    assert said.startswith("回答：") and "空间碎片减缓准则" in said and said.endswith("A/AC.105/1235，第 38 段"), said


def test_english_question_and_open_paragraph_with_neighbours(page):
    assert ask(page, EN_QUESTION, submit="enter") == "answer"
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("#ask") == "Ask" and page.inner_text("#answer-title") == "Answer"
    said = status(page)
    assert said.startswith("Answer: ") and said.endswith(" — A/AC.105/1235, para. 38"), said
    assert "citations in" not in said
    assert page.get_attribute("#status span[lang=zh]", "lang") == "zh"  # the answer's text keeps its language
    first = page.locator("[data-testid=citation-label]").first
    assert first.inner_text() == "A/AC.105/1235, para. 38"
    assert first.get_attribute("lang") == "en"
    assert page.locator("[data-testid=citation-text]").first.get_attribute("lang") == "zh"
    first.click()
    page.wait_for_selector("#reader[open]")
    assert page.inner_text("#reader-title") == "A/AC.105/1235, para. 38"
    body = page.inner_text("#reader-body")
    assert "37. " in body and "38. " in body and "39. " in body
    current = page.locator("[data-testid=reader-current]")
    assert current.inner_text().startswith("38. 与会者还承认") and current.get_attribute("lang") == "zh"
    page.click("#reader .close")


def test_the_selector_overrides_the_language_and_arabic_reads_right_to_left(page):
    page.select_option("#ui-lang", "ar")
    assert page.get_attribute("html", "lang") == "ar" and page.get_attribute("html", "dir") == "rtl"
    assert page.inner_text("#ask") == "اسأل" and page.inner_text("#answer-title") == "الإجابة"
    # the Chinese text inside the Arabic page keeps its own language and direction
    text = page.locator("[data-testid=citation-text]").first
    assert text.get_attribute("lang") == "zh" and text.get_attribute("dir") == "ltr"
    violations = axe_violations(page)
    assert not violations, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    page.select_option("#ui-lang", "fr")
    assert ask(page, EN_QUESTION) == "answer"  # an English question does not undo the choice
    assert page.get_attribute("html", "lang") == "fr" and page.inner_text("#ask") == "Demander"
    assert status(page).startswith("Réponse : ")
    page.select_option("#ui-lang", "auto")
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("html", "dir") == "ltr"


def test_official_link_opens_the_un_document_in_a_new_tab(page):
    assert ask(page, EN_QUESTION) == "answer"
    link = page.locator("[data-testid=citation]").first.locator("[data-testid=official-link]")
    assert link.get_attribute("href") == "https://undocs.org/zh/A/AC.105/1235"
    assert link.get_attribute("target") == "_blank"
    assert set(link.get_attribute("rel").split()) == {"noopener", "noreferrer"}
    assert "Official document" in link.inner_text()
    # a document without a symbol has no permanent link, and shows none
    for card in page.locator("[data-testid=citation]").all():
        if not card.locator("[data-testid=citation-label]").inner_text().startswith("A/AC.105/1235"):
            assert card.locator("[data-testid=official-link]").count() == 0


def test_copy_citation_from_the_keyboard(page):
    button = page.locator("[data-testid=copy-citation]").first
    button.focus()
    before = seq(page)
    page.keyboard.press("Enter")
    wait_done(page, before, kinds=("info",))
    assert status(page) == "Citation copied: A/AC.105/1235, para. 38"
    assert "Copied" in button.inner_text() and "done" in button.get_attribute("class")
    copied = page.evaluate("navigator.clipboard.readText()")
    label, text = copied.split("\n", 1)
    assert label == "A/AC.105/1235, para. 38"
    assert text == page.locator("[data-testid=citation-text]").first.inner_text()


def test_no_accessibility_violations_with_an_answer(page):
    violations = axe_violations(page)
    assert not violations, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_not_found_state(page):
    assert ask(page, NOT_FOUND_QUESTION) == "not-found"
    assert page.get_attribute("#answer-box", "data-answered") == "false"
    assert page.inner_text("#answer-title") == "Not found in these reports"
    assert page.inner_text("#answer") == \
        "The reports do not answer this question. The closest paragraphs are listed below."
    assert page.inner_text("#citations-title") == "Closest paragraphs"
    assert page.locator("[data-testid=citation]").count() == 5
    assert status(page) == "Not found in these reports. The 5 closest paragraphs are listed below."
    violations = axe_violations(page)
    assert not violations, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def test_unticking_every_document_says_so_and_asks_nothing(page):
    page.click("#filters summary")
    boxes = page.locator("#documents input[type=checkbox]")
    for box in boxes.all():
        box.uncheck()
    sent = len(page.asks)
    page.fill("#question", EN_QUESTION)
    before = seq(page)
    page.click("#ask")
    wait_done(page, before, kinds=("error",))
    assert status(page) == "No document is selected. Tick at least one document to search."
    assert page.is_hidden("#result")
    time.sleep(0.3)
    assert len(page.asks) == sent, "a request was sent with no document selected"
    boxes.first.check()  # one document: the request names it
    assert ask(page, EN_QUESTION) == "answer"
    assert '"documents":["' in page.asks[-1]
    for box in boxes.all():
        box.check()
    page.click("#filters summary")


def test_a_network_failure_is_a_sentence(page):
    page.route("**/ask", lambda route: route.abort())
    try:
        assert ask(page, EN_QUESTION) == "error"
    finally:
        page.unroute("**/ask")
    said = status(page)
    assert said == "The service could not be reached. Check your connection and try again."
    assert "TypeError" not in said and "fetch" not in said


def test_server_errors_are_sentences(page):
    page.route("**/ask", lambda route: route.fulfill(status=500, content_type="application/json",
                                                     body='{"detail": "boom"}'))
    try:
        assert ask(page, EN_QUESTION) == "error"
        assert status(page) == "The service failed to answer (error 500). Please try again later."
    finally:
        page.unroute("**/ask")
    page.route("**/ask", lambda route: route.fulfill(status=503, headers={"Retry-After": "7"},
                                                     content_type="application/json", body='{"detail": "busy"}'))
    try:
        assert ask(page, ZH_QUESTION) == "error"
        assert status(page) == "The service is busy. Please try again in 7 seconds."
        page.select_option("#ui-lang", "zh")  # the sentence follows the interface language
        assert status(page) == "服务繁忙。请在 7 秒后重试。"
        page.select_option("#ui-lang", "auto")
    finally:
        page.unroute("**/ask")
    assert ask(page, "Le service n'existe pas. <not json>") in ("answer", "not-found")  # the real server again


def test_a_failed_paragraph_fetch_is_shown(page):
    assert ask(page, EN_QUESTION) == "answer"
    pattern = "**/documents/*/paragraphs/*"
    for handler, expected in [
        (lambda route: route.fulfill(status=500, content_type="application/json", body='{"detail": "x"}'),
         "The paragraph could not be opened (error 500)."),
        (lambda route: route.fulfill(status=404, content_type="application/json", body='{"detail": "x"}'),
         "This paragraph could not be found (error 404)."),
        (lambda route: route.abort(), "The paragraph could not be opened: the service could not be reached."),
    ]:
        page.route(pattern, handler)
        try:
            before = seq(page)
            page.locator("[data-testid=citation-label]").first.click()
            wait_done(page, before, kinds=("error",))
            assert status(page) == expected
            assert page.locator("#reader[open]").count() == 0
        finally:
            page.unroute(pattern)


def test_permalinks(page):
    assert ask(page, EN_QUESTION) == "answer"
    assert parse_qs(urlsplit(page.url).query) == {"q": [EN_QUESTION]}
    page.goto(page.base_url + "/?q=" + quote(ZH_QUESTION))
    wait_done(page, 0, kinds=("answer",))
    assert page.input_value("#question") == ZH_QUESTION
    assert page.get_attribute("html", "lang") == "zh"
    assert page.locator("[data-testid=citation-label]").first.inner_text() == "A/AC.105/1235，第 38 段"


def test_the_question_box_grows_and_shift_enter_adds_a_line(page):
    page.fill("#question", "")
    box = page.locator("#question")
    assert box.evaluate("e => e.tagName") == "TEXTAREA"
    one_line = box.bounding_box()["height"]
    page.type("#question", "first line")
    for _ in range(4):
        page.keyboard.press("Shift+Enter")
        page.keyboard.type("another line")
    assert page.input_value("#question").count("\n") == 4
    assert box.bounding_box()["height"] > one_line * 1.5
    assert page.locator("#reader[open]").count() == 0


def test_a_390_px_screen_has_no_horizontal_scrolling(page):
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        assert ask(page, ZH_QUESTION) == "answer"
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
        for selector in ("#question", "#ask", "[data-testid=citation]", "[data-testid=copy-citation]"):
            b = page.locator(selector).first.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= 390, (selector, b)
        assert ask(page, NOT_FOUND_QUESTION) == "not-found"
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
    finally:
        page.set_viewport_size({"width": 1280, "height": 720})


def test_the_page_runs_under_its_content_security_policy(page):
    """Every test above ran with the CSP the server sends; none of the page's code was refused."""
    ask(page, "空间碎片")
    assert not [m for m in page.console_errors if "Content Security Policy" in m], page.console_errors
