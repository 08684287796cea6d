"""Response headers, what pages load, cookies and the life of a session.

Every HTML page (all GET routes, crawled as each role and anonymously, and
the error pages) carries the strict Content-Security-Policy, nosniff and
no-store, and references nothing on another host (a source's own address is
only a plain link with rel="noreferrer"). Cookies are HttpOnly,
SameSite=Strict, and Secure over HTTPS. The session id changes at sign-in and
after the two-factor step, sign-out ends the session on the server, and the
idle (30 min) and absolute (12 h) timeouts hold, with the app's clock moved.
The request log holds no query string, form value or token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from habeas.domain.records import Source
from habeas.service import Service, new_ulid
from habeas.web.app import CSP
from habeas.web.auth import LANGUAGE_COOKIE, PRE_LOGIN_COOKIE, SESSION_COOKIE
from habeas.web.routes import ROUTES

from .conftest import Account, WebDb, csrf_from
from .test_access import ROLES, Fill, Sessions, crawl, describe, sessions_fixture, values_fixture  # noqa: F401 - fixtures
from .test_bad_input import Clock, clock_fixture, timed_app_fixture  # noqa: F401 - fixtures

STATIC = Path(__file__).resolve().parents[2] / "src" / "habeas" / "web" / "static"
EXTERNAL_URL = "https://reports.example.org/2025/detentions?id=7"


def assert_protected(response: Response, where: str) -> None:
    """The security headers every response carries, and no-store on everything but static files."""
    h = response.headers
    assert h.get("content-security-policy") == CSP, where
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in h["content-security-policy"], where
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP and "*" not in CSP
    assert h.get("x-content-type-options") == "nosniff", where
    assert h.get("referrer-policy") == "no-referrer", where
    assert h.get("x-frame-options") == "DENY", where
    if not where.startswith("/static/"):
        assert h.get("cache-control") == "no-store", where


class References(HTMLParser):
    """Every address a page refers to: (tag, attribute, value, the tag's rel)."""

    ATTRIBUTES = ("src", "href", "action", "srcset", "poster", "data", "formaction", "background", "content")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str, str]] = []
        self.inline_scripts = 0
        self.style_attributes = 0
        self._script_has_src = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name in self.ATTRIBUTES:
            if name in a and (
                name != "content" or tag == "meta" and a.get("http-equiv", "").lower() == "refresh"
            ):
                self.found.append((tag, name, a[name].strip(), a.get("rel", "")))
        if "style" in a:
            self.style_attributes += 1
        if any(k.startswith("on") for k in a):
            self.inline_scripts += 1
        if tag == "script":
            self._script_has_src = "src" in a

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and not self._script_has_src and data.strip():
            self.inline_scripts += 1


def other_host(address: str) -> bool:
    """Whether an address leaves this site (absolute with a host, or protocol-relative)."""
    if address.lower().startswith("url="):  # <meta http-equiv=refresh content="0; url=…">
        address = address.split("=", 1)[1]
    parts = urlsplit(address)
    return bool(parts.netloc) and parts.hostname not in ("testserver", "127.0.0.1")


def assert_local_only(response: Response, where: str) -> None:
    if "text/html" not in response.headers.get("content-type", ""):
        return
    page = References(response.text)
    for tag, attribute, address, rel in page.found:
        if not other_host(address):
            continue
        # A link a person may follow by choice, telling the other site nothing about where it came from.
        assert tag == "a" and attribute == "href", (
            f"{where}: <{tag} {attribute}={address!r}> loads another host"
        )
        assert "noreferrer" in rel.split(), f"{where}: the link to {address} lacks rel=noreferrer"
    assert page.inline_scripts == 0, f"{where}: inline script (the CSP would block it)"
    assert page.style_attributes == 0, f"{where}: style= attribute (the CSP would block it)"


def test_the_static_files_load_nothing_from_elsewhere() -> None:
    for path in STATIC.iterdir():
        if path.suffix == ".css":
            css = path.read_text(encoding="utf-8")
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), path
            assert "@import" not in css, path


@pytest.fixture
def linked_source(web_db: WebDb) -> str:
    """A public source with an address on another host, for the source page's link."""
    store = web_db.store()
    try:
        source = Source(
            id=new_ulid(), title="A report with an address", url=EXTERNAL_URL, visibility="public"
        )
        Service(store, actor="editor1").create(source)
    finally:
        store.close()
    return source.id


def test_every_page_has_the_security_headers_and_loads_nothing_from_another_host(
    sessions: Sessions, values: Fill, linked_source: str
) -> None:
    checked = 0
    for role in ROLES:
        for page, path, response in crawl(sessions, values, role):
            assert response.status_code < 500, describe(page, "GET", path, response)
            assert_protected(response, path)
            assert_local_only(response, path)
            checked += 1
    anonymous = sessions.anonymous()
    for path in (
        "/login",
        "/login/2fa",
        "/",
        "/no-such-page",
        "/static/style.css",
        "/static/htmx-2.0.11.min.js",
    ):
        response = anonymous.get(path, follow_redirects=False)
        assert_protected(response, path)
        assert_local_only(response, path)
    assert checked >= len(ROLES) * len([p for p in ROUTES if "GET" in p.methods])

    # A source's own address is shown as a link that sends no referrer, never loaded.
    viewer, _ = sessions.browser("viewer")
    shown = viewer.get(f"/sources/{linked_source}")
    assert shown.status_code == 200
    assert_local_only(shown, "source page")
    links = [f for f in References(shown.text).found if f[2] == EXTERNAL_URL]
    assert links and all(tag == "a" and "noreferrer" in rel.split() for tag, _, _, rel in links), links


def test_error_responses_carry_the_headers_too(sessions: Sessions) -> None:
    viewer, csrf = sessions.browser("viewer")
    responses = {
        "404": viewer.get("/no-such-page"),
        "403": viewer.get("/new/arrest"),
        "422": viewer.get("/people?held_on=never"),
        "405": viewer.delete("/people"),
        "413": viewer.post("/logout", data={"csrf_token": csrf, "x": "y" * (2 * 1024 * 1024)}),
        "403 csrf": viewer.post("/logout", data={"csrf_token": "wrong"}),
    }
    for what, response in responses.items():
        assert str(response.status_code) == what.split()[0], what
        assert_protected(response, what)


# -- cookies -----------------------------------------------------------------------------------


def attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def cookie_headers(response: Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_cookies_are_httponly_strict_and_secure_over_https(web_db: WebDb, app: FastAPI, scheme: str) -> None:
    admin = web_db.accounts["admin"]
    seen: dict[str, str] = {}
    with TestClient(app, base_url=f"{scheme}://testserver") as client:
        page = client.get("/login")
        seen.update(cookie_headers(page))
        response = client.post(
            "/login",
            data={"username": admin.username, "password": admin.password, "csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        half = cookie_headers(response)
        seen.update(half)
        page = client.get("/login/2fa")
        response = client.post(
            "/login/2fa",
            data={"code": admin.code(), "csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        seen[SESSION_COOKIE + " (after 2FA)"] = cookie_headers(response)[SESSION_COOKIE]
        seen.update(cookie_headers(client.get("/language/az", follow_redirects=False)))
    assert {PRE_LOGIN_COOKIE, SESSION_COOKIE, LANGUAGE_COOKIE} <= set(seen)
    for name, header in seen.items():
        if "max-age=0" in header.lower() or "expires=thu, 01 jan 1970" in header.lower() or '=""' in header:
            continue  # a deletion
        flags = attributes(header)
        assert "httponly" in flags, header
        assert re.search(r";\s*samesite=strict", header, re.I), header
        assert re.search(r";\s*path=/(;|$)", header, re.I), header
        assert ("secure" in flags) == (scheme == "https"), f"{name} over {scheme}: {header}"


# -- sessions ----------------------------------------------------------------------------------


def password_step(client: TestClient, account: Account) -> Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": account.username, "password": account.password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


def totp_step(client: TestClient, account: Account, at: float | None = None) -> Response:
    page = client.get("/login/2fa")
    return client.post(
        "/login/2fa",
        data={"code": account.code(at), "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


def works(app: FastAPI, cookie: str) -> bool:
    """Whether a copy of this session cookie, in a fresh browser, is signed in."""
    with TestClient(app, base_url="http://testserver") as other:
        other.cookies.set(SESSION_COOKIE, cookie)
        return other.get("/", follow_redirects=False).status_code == 200


def test_the_session_id_changes_at_sign_in_and_after_the_second_factor(web_db: WebDb, app: FastAPI) -> None:
    editor, admin = web_db.accounts["editor"], web_db.accounts["admin"]
    with TestClient(app, base_url="http://testserver") as client:
        # A cookie planted before sign-in (session fixation) is not adopted.
        client.cookies.set(SESSION_COOKIE, "planted-by-someone-else", domain="testserver.local", path="/")
        password_step(client, editor)
        first = client.cookies[SESSION_COOKIE]
        assert first != "planted-by-someone-else" and works(app, first)

        # Signing in again (as the admin) gives a new id and ends the old session.
        response = password_step(client, admin)
        half = client.cookies[SESSION_COOKIE]
        assert response.headers["location"].startswith("/login/2fa")
        assert half != first and not works(app, first)
        assert not works(app, half), "a session waiting for its code must reach nothing"
        assert client.get("/people", follow_redirects=False).status_code == 303

        response = totp_step(client, admin)
        assert response.status_code == 303
        full = client.cookies[SESSION_COOKIE]
        assert full not in (half, first)
        assert works(app, full) and not works(app, half)
        # The session id is a long random value, not something guessable.
        assert len(full) >= 40


def test_a_used_code_is_refused_the_second_time(web_db: WebDb, app: FastAPI) -> None:
    admin = web_db.accounts["admin"]
    code = admin.code()
    with TestClient(app, base_url="http://testserver") as client:
        password_step(client, admin)
        page = client.get("/login/2fa")
        assert (
            client.post(
                "/login/2fa", data={"code": code, "csrf_token": csrf_from(page.text)}, follow_redirects=False
            ).status_code
            == 303
        )
    with TestClient(app, base_url="http://testserver") as client:
        password_step(client, admin)
        page = client.get("/login/2fa")
        response = client.post("/login/2fa", data={"code": code, "csrf_token": csrf_from(page.text)})
        assert response.status_code == 401
        assert "already used" in response.text
        assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_on_the_server(sessions: Sessions, app: FastAPI) -> None:
    client, csrf = sessions.browser("editor")
    cookie = client.cookies[SESSION_COOKIE]
    assert works(app, cookie)
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    # A copy of the old cookie, kept by someone, opens nothing.
    assert not works(app, cookie)
    with TestClient(app, base_url="http://testserver") as thief:
        thief.cookies.set(SESSION_COOKIE, cookie)
        assert (
            thief.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
            .headers["location"]
            .startswith("/login?next=")
        )


def test_disabling_an_account_ends_its_sessions(sessions: Sessions, app: FastAPI, web_db: WebDb) -> None:
    client, _ = sessions.browser("monitor")
    assert client.get("/", follow_redirects=False).status_code == 200
    app.state.web.accounts.disable(web_db.accounts["monitor"].username)
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.fixture
def timed_client(timed_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(timed_app, base_url="http://testserver") as client:
        yield client


def test_a_session_ends_after_30_idle_minutes(
    web_db: WebDb, timed_app: FastAPI, timed_client: TestClient, clock: Clock
) -> None:
    password_step(timed_client, web_db.accounts["editor"])
    for _ in range(3):
        clock.advance(minutes=29)
        assert (
            timed_client.get("/", follow_redirects=False).status_code == 200
        )  # each visit restarts the 30 min
    clock.advance(minutes=31)
    response = timed_client.get("/people", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_a_session_ends_after_12_hours_however_active(
    web_db: WebDb, timed_app: FastAPI, timed_client: TestClient, clock: Clock
) -> None:
    admin = web_db.accounts["admin"]
    password_step(timed_client, admin)
    response = totp_step(timed_client, admin, at=clock.now.timestamp())
    assert response.status_code == 303, response.text[-500:]
    started = clock.now
    while clock.now + timedelta(minutes=25) - started < timedelta(hours=12):
        clock.advance(minutes=25)
        assert timed_client.get("/", follow_redirects=False).status_code == 200, clock.now - started
    clock.advance(minutes=25)  # 12 h 15 min after sign-in, 25 min after the last visit
    assert timed_client.get("/", follow_redirects=False).status_code == 303


# -- the request log ---------------------------------------------------------------------------


def test_the_request_log_holds_no_names_values_or_tokens(
    sessions: Sessions, values: Fill, caplog: pytest.LogCaptureFixture
) -> None:
    client, csrf = sessions.browser("documenter")
    secret_name = "Leylaxanım Gizliyeva"
    token = sessions.token("viewer")
    with caplog.at_level(logging.INFO, logger="habeas.web"):
        client.get("/people", params={"q": secret_name})
        client.get(f"/people/{values.ids['person']}")
        client.post("/new/person", data={"csrf_token": csrf, "names-0-value": secret_name})
        client.get(f"/hearings/feed/{token}.ics")
        client.post("/logout", data={"csrf_token": csrf})
    lines = [r.getMessage() for r in caplog.records if r.name == "habeas.web"]
    assert len(lines) >= 5, lines
    text = "\n".join(lines)
    for secret in (secret_name, "Gizliyeva", values.ids["person"], token, csrf, "q="):
        assert secret not in text, f"{secret!r} is in the request log"
    assert "/people/{person_id}" in text  # the route's template, not the address
