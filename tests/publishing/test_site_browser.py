"""The built site in a real browser (Debian's Chromium, driven by Playwright) with JavaScript off.

The site of a demo database is served over real HTTP from 127.0.0.1; the reader opens the home
page, the list, a person's page, a footnote, the other language and the charts. Every request must
go to 127.0.0.1 and succeed, and the pages' CSP must not have to block anything. Screenshots of
the list and of a person's page go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Response, expect

from habeas.demo.generator import generate
from habeas.editions import RULES, publish
from habeas.publishing.dataset import collect
from habeas.publishing.site import build_site
from habeas.service import Service
from habeas.storage.store import Store

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ON = date(2025, 1, 1)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture
def served(sqlite_store: Store, tmp_path: Path) -> Iterator[str]:
    """The site of a small demo database, served from 127.0.0.1 on a free port; its base URL."""
    service = Service(sqlite_store, "tester")
    generate(service, people=60, seed=7, today=ON)
    publish(service, date(2024, 6, 1), RULES["pace"])
    publish(service, ON, RULES["pace"])
    site = tmp_path / "site"
    build_site(collect(sqlite_store), site, ["en", "az", "ru"])
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_site_reads_without_javascript_and_loads_only_from_itself(browser: Browser, served: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    failures: list[str] = []
    complaints: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def answered(response: Response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    def console(message: ConsoleMessage) -> None:
        complaints.append(message.text)

    page.on("response", answered)
    page.on("console", console)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{served}/index.html")
    page.locator('a[hreflang="en"]').click()
    expect(page.locator("h1")).to_contain_text("Political prisoners on 2025-01-01")
    expect(page.locator("#counts tfoot")).to_contain_text("Total")
    page.screenshot(path=str(ARTIFACTS / "site-index.png"), full_page=True)

    page.locator("ul.members a").first.click()
    assert "/en/people/" in page.url
    expect(page.locator("#names")).to_be_visible()
    expect(page.locator("#timeline li").first).to_be_visible()
    footnote = page.locator("#timeline sup.cite a").first
    target = footnote.get_attribute("href")
    footnote.click()
    assert page.url.endswith(str(target))
    expect(page.locator(str(target))).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "site-person.png"), full_page=True)

    page.locator('nav.languages a[hreflang="ru"]').click()
    assert "/ru/people/" in page.url
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    page.goto(f"{served}/en/charts.html")
    for image in page.locator("figure img").all():
        expect(image).to_be_visible()
        assert (image.bounding_box() or {"height": 0})["height"] > 50
    context.close()

    assert {urlsplit(url).hostname for url in requests} == {"127.0.0.1"}
    assert any(url.endswith(".svg") for url in requests) and any(url.endswith("site.css") for url in requests)
    assert failures == []
    assert complaints == []  # no refused load, no CSP complaint
    assert (ARTIFACTS / "site-index.png").stat().st_size > 0
    assert (ARTIFACTS / "site-person.png").stat().st_size > 0
