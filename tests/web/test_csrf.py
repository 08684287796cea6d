"""CSRF: every state-changing route refuses a request without the session's own token.

Generated from `habeas.web.routes.ROUTES`: every POST/PUT/PATCH/DELETE page
route is sent, by a role that may use it, once without a token and once with
the token of another session (as a form field and as the X-CSRF-Token header
htmx sends): each is refused with 403 and changes nothing (audit entries,
record versions, sessions, tokens and users are counted before and after).
With the right token the same request is not refused for CSRF. The sign-in
and two-factor forms, which come before a full session, are tested too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.linkage import merge
from habeas.security import roles
from habeas.service import Service
from habeas.storage import tables as t
from habeas.web.auth import PRE_LOGIN_COOKIE, SESSION_COOKIE
from habeas.web.routes import ROUTES
from habeas.web.routing import PUBLIC, Page

from .conftest import WebDb, csrf_from
from .test_access import STATE_CHANGING, Fill, Sessions, describe, fill, sessions_fixture, values_fixture  # noqa: F401 - fixtures
from .test_duplicates import queued_pair
from .test_review import pending_entry

#: A valid form for each state-changing route: with the right token it writes something (checked),
#: proof that the same request without it was refused for the token alone. Editing a record needs
#: every field of its kind, so that route is only checked for the refusals.
FORMS: dict[tuple[str, str], Callable[[FastAPI, Fill], dict[str, str]]] = {
    ("POST", "/logout"): lambda app, values: {},
    ("POST", "/hearings/feed"): lambda app, values: {},
    ("POST", "/new/arrest"): lambda app, values: {
        "name_0": "Csrf Testov",
        "event_date": "2025-01-02",
        "source_title": "A report",
    },
    ("POST", "/new/{kind}"): lambda app, values: {
        "names-0-value": "Csrf Testova",
        "names-0-kind": "native",
        "sex": "unknown",
        "visibility": "restricted",
    },
    ("POST", "/records/{record_id}/retract"): lambda app, values: {"reason": "a test"},
    ("POST", "/records/{record_id}/revert/{version}"): lambda app, values: {},
    ("POST", "/hearings/{event_id}/monitor"): lambda app, values: monitoring(app, values.ids["event"]),
    ("POST", "/review/documents/{source_id}/accept"): lambda app, values: {
        "entry_id": pending_entry(app, values.ids["source"])
    },
    ("POST", "/review/documents/{source_id}/reject"): lambda app, values: {
        "entry_id": pending_entry(app, values.ids["source"]),
        "reason": "a test",
    },
    ("POST", "/review/documents/{source_id}/accept-all"): lambda app, values: {
        "confirm": "yes" if pending_entry(app, values.ids["source"]) else ""
    },
    ("POST", "/review/duplicates/merge"): lambda app, values: {
        "candidate_id": queued_pair(app).id,
        "keep": "a",
    },
    ("POST", "/review/duplicates/reject"): lambda app, values: {"candidate_id": queued_pair(app, 2).id},
    ("POST", "/review/duplicates/undo"): lambda app, values: merged_pair(app),
}


def merged_pair(app: FastAPI) -> dict[str, str]:
    """A pair merged from the queue, and the merge to undo."""
    pair = queued_pair(app, 4)
    done = merge.merge(
        Service(app.state.web.store, "editor1"), pair.person_a, pair.person_b, candidate_id=pair.id
    )
    return {"candidate_id": pair.id, "merge_id": done.id}


def monitoring(app: FastAPI, event_id: str) -> dict[str, str]:
    """A monitoring outcome other than the hearing's current one (the same one would write nothing)."""
    event = app.state.web.store.get("event", event_id)
    outcome = "attended" if event.monitoring_outcome != "attended" else "refused_entry"
    return {"monitoring_outcome": outcome, "loaded_version": str(event.version)}


ALERT = re.compile(r'role="alert"[^>]*>(.*?)</', re.S)
# The import's upload writes nothing to the database (the file waits in memory for the confirm, which
# needs a live upload token): the token check is still tested, not that a valid form writes.
UNCHECKED_WRITES = {("POST", "/records/{record_id}/edit"), ("POST", "/import"), ("POST", "/import/{token}")}

COUNTED = (t.audit_entries, t.record_versions, t.web_sessions, t.api_tokens, t.users)


def snapshot(app: FastAPI) -> dict[str, int]:
    """Row counts of everything a request could write."""
    with app.state.web.store.reading() as conn:
        return {
            table.name: int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            for table in COUNTED
        }


def state_changing_pages() -> list[tuple[Page, str]]:
    return [
        (page, method)
        for page in ROUTES
        for method in page.methods
        if method in STATE_CHANGING and not page.api and page.permission is not PUBLIC
    ]


def least_role(permission: str) -> str:
    """The least powerful role that has `permission` (the roles are listed most powerful first)."""
    return [role for role in roles.ROLE_PERMISSIONS if roles.may(role, permission)][-1]


@pytest.fixture
def foreign(sessions: Sessions) -> str:
    """The CSRF token of someone else's session."""
    return sessions.browser("editor")[1]


def test_every_state_changing_route_refuses_a_missing_or_foreign_token(
    app: FastAPI, sessions: Sessions, values: Fill, foreign: str
) -> None:
    # Retracting the person last: a hearing of a retracted person cannot be monitored any more.
    pages = sorted(state_changing_pages(), key=lambda pm: "/retract" in pm[0].path)
    assert any(p.path == "/logout" for p, _ in pages)
    failures = []
    for page, method in pages:
        assert page.permission is not None
        role = least_role(page.permission)
        client, own = sessions.browser(role)
        path = fill(page.path, values)
        key = (method, page.path)
        assert key in FORMS or key in UNCHECKED_WRITES, f"add a valid form for {key} to FORMS in test_csrf.py"
        fields = FORMS[key](app, values) if key in FORMS else {}
        attempts = {
            "no token": ({**fields}, {}),
            "an empty token": ({**fields, "csrf_token": ""}, {}),
            "another session's token": ({**fields, "csrf_token": foreign}, {}),
            "another session's token in the header": ({**fields}, {"x-csrf-token": foreign}),
            "another session's token in the header, its own in the form": (
                {**fields, "csrf_token": own},
                {"x-csrf-token": foreign},
            ),
        }
        for what, (form, headers) in attempts.items():
            before = snapshot(app)
            response = client.request(method, path, data=form, headers=headers, follow_redirects=False)
            if response.status_code != 403 or "expired or came from another site" not in response.text:
                failures.append(f"{role}, {what}: {describe(page, method, path, response)}")
            if snapshot(app) != before:
                failures.append(f"{role}, {what}: {method} {path} changed {before} -> {snapshot(app)}")
        # The refused requests left the session alone (a refused sign-out did not sign out).
        still = client.get("/", follow_redirects=False).status_code
        assert still == 200, f"{method} {path}: a request without the right token ended the session"

        before = snapshot(app)
        response = client.request(method, path, data={**fields, "csrf_token": own}, follow_redirects=False)
        if response.status_code == 403 or response.status_code >= 500:
            failures.append(f"{role}, its own token: {describe(page, method, path, response)}")
        if key in FORMS and snapshot(app) == before:
            failures.append(
                f"{role}, its own token, valid form {fields}: nothing was written: "
                f"{describe(page, method, path, response)} {re.findall(ALERT, response.text)}"
            )
    assert not failures, "\n".join(failures)


def test_the_right_token_in_the_header_is_accepted(sessions: Sessions) -> None:
    """htmx sends the token as X-CSRF-Token instead of a form field."""
    client, own = sessions.browser("viewer")
    response = client.post("/logout", headers={"x-csrf-token": own}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303  # signed out


def test_the_api_needs_no_csrf_token_but_refuses_session_cookies(sessions: Sessions) -> None:
    """API calls are authenticated by a bearer token only: a browser's cookie opens nothing there."""
    api = [p for p in ROUTES if p.api and "GET" in p.methods and "{" not in p.path]
    if not api:
        pytest.skip("no API routes yet")
    client, _ = sessions.browser("admin")
    for page in api:
        response = client.get(page.path)
        assert response.status_code in (401, 200), page.path
        if "openapi" not in page.path:
            assert response.status_code == 401, f"{page.path} accepted a session cookie"


# -- before a session: the sign-in and two-factor forms ----------------------------------------


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def test_the_sign_in_form_needs_its_double_submit_token(
    app: FastAPI, web_db: WebDb, anonymous: TestClient
) -> None:
    account = web_db.accounts["editor"]
    credentials = {"username": account.username, "password": account.password}
    page = anonymous.get("/login")
    token = csrf_from(page.text)
    assert anonymous.cookies.get(PRE_LOGIN_COOKIE) == token

    before = snapshot(app)
    # The field without the cookie (what a forged cross-site form would send: SameSite keeps the cookie).
    anonymous.cookies.delete(PRE_LOGIN_COOKIE)
    refused = [anonymous.post("/login", data={**credentials, "csrf_token": token}, follow_redirects=False)]
    # The cookie without the field, and the cookie with another value in the field.
    anonymous.cookies.set(PRE_LOGIN_COOKIE, token)
    refused.append(anonymous.post("/login", data=credentials, follow_redirects=False))
    refused.append(
        anonymous.post("/login", data={**credentials, "csrf_token": "x" * 43}, follow_redirects=False)
    )
    # Neither.
    anonymous.cookies.delete(PRE_LOGIN_COOKIE)
    refused.append(anonymous.post("/login", data=credentials, follow_redirects=False))
    for response in refused:
        assert response.status_code == 403, response.text[:300]
        assert SESSION_COOKIE not in response.cookies
    assert snapshot(app) == before

    # Both, matching: signed in.
    anonymous.cookies.set(PRE_LOGIN_COOKIE, token)
    response = anonymous.post("/login", data={**credentials, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    assert response.cookies.get(SESSION_COOKIE)


def test_the_two_factor_form_needs_the_half_signed_in_sessions_token(
    app: FastAPI, web_db: WebDb, anonymous: TestClient, foreign: str
) -> None:
    admin = web_db.accounts["admin"]
    page = anonymous.get("/login")
    response = anonymous.post(
        "/login",
        data={"username": admin.username, "password": admin.password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.headers["location"].startswith("/login/2fa")
    own = csrf_from(anonymous.get("/login/2fa").text)
    for form in ({"code": admin.code()}, {"code": admin.code(), "csrf_token": foreign}):
        before = snapshot(app)
        response = anonymous.post("/login/2fa", data=form, follow_redirects=False)
        assert response.status_code == 403, response.text[:300]
        assert snapshot(app) == before
        assert anonymous.get("/", follow_redirects=False).status_code == 303  # still not signed in
    response = anonymous.post(
        "/login/2fa", data={"code": admin.code(), "csrf_token": own}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:300]
    assert anonymous.get("/", follow_redirects=False).status_code == 200
