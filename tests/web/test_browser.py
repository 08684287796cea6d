"""The team's daily journey in a real browser (Debian's Chromium, driven by Playwright).

Sign in as the administrator with the TOTP step; record an arrest through the
one form; find the person by a Cyrillic spelling; see the dashboard total go
up by one; record that monitors were refused entry to a hearing; edit the
person and revert the edit from the history. The same journey runs again in
a context with JavaScript disabled. Screenshots of the dashboard and the
person page go to tests/artifacts/ (git-ignored) for a person to look at, and
no request may leave 127.0.0.1.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect

from habeas.domain.vocabulary import HEARING_EVENT_TYPES
from habeas.storage import tables as t

from .conftest import LiveServer

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LATIN, CYRILLIC = "Rəşad Qurbanlıyev", "Рашад Гурбанлыев"
SEARCHED = "Гурбанлыев"
WRONG_OCCUPATION = "Typed by mistake: circus director"


def upcoming_hearing(server: LiveServer) -> tuple[str, date]:
    """A public demo hearing in the coming days with no monitoring outcome yet (else any public one)."""
    store = server.db.store()
    try:
        e = t.events.c
        query = (
            sa.select(e.id, e.date_earliest)
            .where(
                e.type.in_(sorted(HEARING_EVENT_TYPES)),
                e.visibility == "public",
                e.retracted.is_(False),
                e.date_earliest.is_not(None),
            )
            .order_by((e.monitoring_outcome != "").asc(), e.date_earliest.desc())
        )
        today = date.today()
        with store.reading() as conn:
            rows = conn.execute(query).all()
    finally:
        store.close()
    assert rows, "the demo data has no public hearing"
    soon = [r for r in rows if today <= _day(r[1]) <= today + timedelta(days=14)]
    chosen = (soon or rows)[0]
    return chosen[0], _day(chosen[1])


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class Watch:
    """Every request a page makes and every CSP complaint it logs."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.csp: list[str] = []
        page.on("request", self.request)
        page.on("console", self.console)

    def request(self, request: Request) -> None:
        self.urls.append(request.url)

    def console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp.append(message.text)

    def hosts(self) -> set[str | None]:
        return {urlsplit(u).hostname for u in self.urls if not u.startswith(("data:", "about:", "blob:"))}


def journey(page: Page, server: LiveServer, tag: str) -> None:
    """The whole journey in one browser context; `tag` names its screenshots."""
    watch = Watch(page)
    page.set_default_timeout(10_000)
    base = server.url
    admin = server.db.accounts["admin"]
    hearing_id, hearing_day = upcoming_hearing(server)

    # Sign in: the password, then the code from the authenticator (each journey has its own database,
    # so the second one's code is not refused as a replay of the first's).
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    page.fill("#username", admin.username)
    page.fill("#password", admin.password)
    page.click("form[action='/login'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/login/2fa"))
    page.fill("#code", admin.code())
    page.click("form[action='/login/2fa'] button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    before = int(page.text_content("#held-total") or "")

    # Record an arrest through the one form.
    page.click("header a[href='/new/arrest']")
    expect(page).to_have_url(f"{base}/new/arrest")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    page.fill("#name_0", LATIN)
    page.fill("#name_1", CYRILLIC)
    page.check("#group-journalist")
    page.fill("#event_date", yesterday)
    page.fill("#event_place", "Baku, outside the newsroom")
    page.fill("#charge_article", "206.3.2")
    page.fill("#charge_label", "smuggling")
    page.fill("#source_title", "Turan: journalist detained")
    page.fill("#source_publisher", "Turan")
    page.fill("#citation_quote", "He was detained yesterday outside the newsroom.")
    page.click("#arrest-form button[name=action][value=save]")
    expect(page).to_have_url(re.compile(r"/people/[0-9A-HJKMNP-TV-Z]{26}$"))
    person_url = page.url
    person_id = person_url.rsplit("/", 1)[1]
    expect(page.locator("#current-status")).to_contain_text("Pre-trial detention")
    expect(page.locator("#timeline")).to_contain_text("206.3.2")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"person-{tag}.png"), full_page=True)

    # Find the person by a Cyrillic spelling.
    page.click("header nav a[href='/people']")
    page.fill("#q", SEARCHED)
    page.press("#q", "Enter")
    found = page.locator(f"#results a[href='/people/{person_id}']")
    expect(found).to_be_visible()
    expect(page.locator("#people-count")).to_contain_text("1")
    found.click()
    expect(page).to_have_url(person_url)

    # The dashboard counts one more person held.
    page.click("header a.brand")
    expect(page.locator("#held-total")).to_have_text(str(before + 1))
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{tag}.png"), full_page=True)

    # A monitor was refused entry to a hearing: from the week's calendar to the form.
    page.goto(f"{base}/hearings?week={hearing_day.isoformat()}")
    page.click(f"a[href='/hearings/{hearing_id}/monitor']")
    page.select_option("#monitoring_outcome", "refused_entry")
    page.fill("#outcome", "Two monitors were kept out by the court's bailiffs.")
    page.click(f"form[action='/hearings/{hearing_id}/monitor'] button[type=submit]")
    expect(page.locator("#monitor-saved")).to_be_visible()
    expect(page.locator("#monitoring_outcome")).to_have_value("refused_entry")
    page.goto(f"{base}/hearings?week={hearing_day.isoformat()}")
    expect(page.locator("main")).to_contain_text("Refused entry")

    # A bad edit, then its revert from the history.
    page.goto(person_url)
    page.click(f"main a[href='/records/{person_id}/edit']")
    page.fill("#f-occupation", WRONG_OCCUPATION)
    page.click(f"form[action='/records/{person_id}/edit'] button[type=submit]")
    expect(page).to_have_url(person_url)
    expect(page.locator("main")).to_contain_text(WRONG_OCCUPATION)
    page.click(f"main a[href='/records/{person_id}/history']")
    page.click(f"#v1 form[action='/records/{person_id}/revert/1'] button[type=submit]")
    expect(page).to_have_url(f"{base}/records/{person_id}/history")
    expect(page.locator("#v3")).to_be_visible()
    page.goto(person_url)
    expect(page.locator("#person-name")).to_contain_text(LATIN)
    expect(page.locator("main")).not_to_contain_text(WRONG_OCCUPATION)

    assert watch.hosts() == {"127.0.0.1"}, sorted(set(watch.urls))
    assert not watch.csp, watch.csp


def test_the_daily_journey_with_javascript(page: Page, live_server: LiveServer) -> None:
    journey(page, live_server, "js")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load: the journey ran without it"


def test_the_same_journey_with_javascript_disabled(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        journey(page, live_server, "nojs")
    finally:
        context.close()
