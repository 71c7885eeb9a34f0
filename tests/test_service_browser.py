"""The web page in a real headless Chromium (Debian's), driven by Playwright."""
from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("chromium is not installed: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        pg = browser.new_page()
        pg.console_errors = []
        pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))
        pg.goto(live_server["url"] + "/")
        yield pg
        browser.close()


def ask(page, question: str) -> None:
    from playwright.sync_api import expect

    page.fill("#question", question)
    page.click("#ask")
    # a locator assertion, not wait_for_function: the page's CSP forbids evaluating strings
    expect(page.locator("#status")).to_contain_text("citations", timeout=30_000)


def test_lists_the_documents(page):
    page.click("#filters summary")
    page.wait_for_selector("#documents li")
    items = page.locator("#documents li").all_inner_texts()
    assert any("A/AC.105/1235" in t for t in items) and any("外层空间活动机构间会议第四十届会议报告" in t for t in items)


def test_chinese_question_shows_answer_and_label(page):
    ask(page, "减缓空间碎片的唯一方法是什么？")
    assert page.get_attribute("#answer-box", "data-answered") == "true"
    assert "空间碎片减缓准则" in page.inner_text("#answer")
    labels = page.locator("[data-testid=citation-label]").all_inner_texts()
    assert labels[0] == "A/AC.105/1235，第 38 段"
    assert "空间碎片减缓准则" in page.locator("[data-testid=citation]").first.locator("mark").inner_text()


def test_english_question_and_open_paragraph_with_neighbours(page):
    ask(page, "What is the only way to mitigate space debris?")
    first = page.locator("[data-testid=citation-label]").first
    assert first.inner_text() == "A/AC.105/1235, para. 38"
    first.click()
    page.wait_for_selector("#reader[open]")
    assert page.inner_text("#reader-title") == "A/AC.105/1235, para. 38"
    body = page.inner_text("#reader-body")
    assert "37. " in body and "38. " in body and "39. " in body
    assert page.inner_text("[data-testid=reader-current]").startswith("38. 与会者还承认")
    page.click("#reader .close")


def test_not_found_state(page):
    ask(page, "Who won the FIFA World Cup in 1930?")
    assert page.get_attribute("#answer-box", "data-answered") == "false"
    assert page.inner_text("#answer-title") == "Not found in these reports"
    assert page.locator("[data-testid=citation]").count() == 5


def test_the_page_runs_under_its_content_security_policy(page):
    """Every test above ran with the CSP the server sends; none of the page's code was refused."""
    ask(page, "空间碎片")
    assert not [m for m in page.console_errors if "Content Security Policy" in m], page.console_errors
