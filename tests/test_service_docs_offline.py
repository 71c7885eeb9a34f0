"""The API docs work with no internet: Swagger UI and ReDoc come from the package, in a real
Chromium that may reach nothing but the server."""
from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("chromium is not installed: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def offline_page(live_server):
    from playwright.sync_api import sync_playwright

    server = urlsplit(live_server["url"]).netloc
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                       "--disable-background-networking"])
        page = browser.new_page()
        page.blocked = []

        def only_the_server(route):
            url = route.request.url
            if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == server:
                return route.continue_()
            page.blocked.append(url)
            return route.abort("internetdisconnected")

        page.route("**/*", only_the_server)
        yield page
        browser.close()


def test_swagger_ui_shows_the_operations_offline(offline_page, live_server):
    from playwright.sync_api import expect

    offline_page.goto(live_server["url"] + "/docs")
    expect(offline_page.locator(".opblock-summary-path").first).to_be_visible(timeout=30_000)
    paths = offline_page.locator(".opblock-summary-path").all_inner_texts()
    assert any(p.strip().startswith("/ask") for p in paths) and any("/documents" in p for p in paths)
    assert offline_page.blocked == []  # it asked for nothing outside the server


def test_redoc_shows_the_operations_offline(offline_page, live_server):
    from playwright.sync_api import expect

    offline_page.goto(live_server["url"] + "/redoc")
    expect(offline_page.get_by_text("/ask").first).to_be_attached(timeout=30_000)
    assert offline_page.blocked == []
