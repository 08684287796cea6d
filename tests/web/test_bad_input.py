"""Bad input gets a clear page or JSON error and changes nothing.

Oversized bodies, impossible dates, unknown ids and ids of records the caller
may not see, HTML and script in every text field (of every record kind, typed
into every form and stored through the service layer: always escaped
wherever it is shown), forms submitted twice, a `next` that points at another
host, unknown addresses and wrong methods, and sign-in throttling through
HTTP with the app's own clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import Field, dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    RECORD_TYPES,
    Affiliation,
    Assessment,
    Case,
    Charge,
    Citation,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Participant,
    Person,
    PersonName,
    Record,
    Relationship,
    Source,
    StatusChange,
    fields_of,
)
from habeas.security import roles
from habeas.service import Service, new_ulid
from habeas.storage import tables as t
from habeas.web import create_app
from habeas.web.app import MAX_BODY
from habeas.web.routes import ROUTES
from habeas.web.routing import PUBLIC

from .conftest import WebDb, csrf_from, sign_in
from .test_access import (  # noqa: F401 - fixtures
    MISSING_ID,
    PARAMETER_KINDS,
    STATE_CHANGING,
    Fill,
    Sessions,
    call,
    crawl,
    describe,
    fill,
    make_secret,
    parameters,
    sessions_fixture,
    values_fixture,
)
from .test_csrf import snapshot

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(2)>\"'&"
UNESCAPED = ("<script>", "<img src=x", "onerror=alert(2)>")
ESCAPED = "&lt;script&gt;alert("


def assert_escaped(response: Response, where: str) -> None:
    """No HTML response shows the payload as markup; no link is a javascript: address."""
    if "text/html" not in response.headers.get("content-type", ""):
        return
    for markup in UNESCAPED:
        assert markup not in response.text, f"{where}: {markup!r} is not escaped"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", response.text, re.I), where


# -- forms, as a browser would submit them -------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what the browser would send
    text: list[str] = field(default_factory=list)  # names of text inputs and textareas


class Forms(HTMLParser):
    """The POST forms of a page, with the values a browser would send unchanged."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.select: tuple[str, list[tuple[str, bool]]] | None = None
        self.textarea: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms or "name" not in a and tag != "option":
            return
        form = self.forms[-1]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                form.fields.append((a["name"], a.get("value", "")))
                if kind in ("text", "search", "url", "email", "tel", ""):
                    form.text.append(a["name"])
        elif tag == "textarea":
            self.textarea = [a["name"]]
        elif tag == "select":
            self.select = (a["name"], [])
        elif tag == "option" and self.select is not None:
            self.select[1].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None and self.forms:
            name, *text = self.textarea
            self.forms[-1].fields.append((name, "".join(text).removeprefix("\n")))
            self.forms[-1].text.append(name)
            self.textarea = None
        elif tag == "select" and self.select is not None and self.forms:
            name, options = self.select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self.forms[-1].fields.extend((name, v) for v in chosen)
            self.select = None


def post_forms(html: str) -> list[Form]:
    return [f for f in Forms(html).forms if f.method == "post" and f.action not in ("/logout",)]


def submit(client: TestClient, form: Form, changes: dict[str, str] | None = None) -> Response:
    sent = [(k, (changes or {}).get(k, v)) for k, v in form.fields]
    return client.post(
        form.action,
        content=urlencode(sent).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


# -- oversized bodies ---------------------------------------------------------------------------


def test_an_oversized_body_is_refused_with_413_and_writes_nothing(
    app: FastAPI, sessions: Sessions, values: Fill
) -> None:
    big = "x" * (2 * 1024 * 1024)
    admin, csrf = sessions.browser("admin")
    posts = [(p, m) for p in ROUTES for m in p.methods if m in STATE_CHANGING]
    assert posts
    for page, method in posts:
        path = fill(page.path, values)
        headers = {"authorization": f"Bearer {sessions.token('admin')}"} if page.api else {}
        before = snapshot(app)
        response = admin.request(
            method, path, data={"csrf_token": csrf, "notes": big}, headers=headers, follow_redirects=False
        )
        assert response.status_code == 413, describe(page, method, path, response)
        assert str(MAX_BODY) in response.text
        # The same without a Content-Length (chunked): cut off while it is read.
        chunks = (b"csrf_token=" + csrf.encode() + b"&notes=", *[b"x" * 65536] * 32)
        response = admin.request(
            method,
            path,
            content=iter(chunks),
            headers={**headers, "content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        assert response.status_code == 413, describe(page, method, path, response)
        assert snapshot(app) == before, f"{method} {path} wrote something"
    # Nothing signed anyone in or out.
    assert admin.get("/", follow_redirects=False).status_code == 200


def test_a_declared_length_that_is_not_a_number_is_refused(sessions: Sessions) -> None:
    admin, csrf = sessions.browser("admin")
    response = admin.post(
        "/logout", content=b"csrf_token=" + csrf.encode(), headers={"content-length": "1e9"}
    )
    assert response.status_code in (400, 413)
    assert admin.get("/", follow_redirects=False).status_code == 200


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field_name"),
    [
        ("/people?held_on=2025-02-30", "held_on"),
        ("/people?held_on=yesterday", "held_on"),
        ("/hearings?week=2025-13-01", "week"),
        ("/hearings?week=0001-01-01", "week"),
        ("/hearings?view=month&month=2025-13", "month"),
        ("/hearings?view=month&month=99999-01", "month"),
        ("/people?page=0", "page"),
        ("/people?group=not-a-group", "group"),
    ],
)
def test_a_bad_filter_gets_a_page_naming_the_field(sessions: Sessions, path: str, field_name: str) -> None:
    viewer, _ = sessions.browser("viewer")
    response = viewer.get(path)
    assert response.status_code == 422, response.text[:300]
    assert field_name in response.text
    assert 'role="alert"' in response.text


def arrest_form(client: TestClient, **changes: str) -> tuple[Form, dict[str, str]]:
    page = client.get("/new/arrest")
    assert page.status_code == 200, page.text[:300]
    form = next(f for f in post_forms(page.text) if f.action == "/new/arrest")
    typed = {
        "name_0": "Tofiq Xəyalıoğlu",
        "name_1": "Тофиг Хаялыоглу",
        "event_date": "2025-03-04",
        "event_place": "Baku",
        "charge_article": "206.3.2",
        "source_title": "A news report",
        "citation_quote": "He was detained on 4 March.",
        **changes,
    }
    assert set(typed) <= {k for k, _ in form.fields}, "the arrest form lost a field this test fills"
    return form, typed


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("event_date", "2025-02-30"),
        ("event_date", "4 March"),
        ("custody_start", "2025-13"),
        ("source_published", "<script>alert(1)</script>"),
        ("charge_article", "<b>206</b>"),
    ],
)
def test_an_arrest_with_a_bad_value_is_shown_again_and_nothing_is_written(
    app: FastAPI, sessions: Sessions, name: str, value: str
) -> None:
    documenter, _ = sessions.browser("documenter")
    form, typed = arrest_form(documenter, **{name: value})
    before = snapshot(app)
    response = submit(documenter, form, typed)
    assert response.status_code == 422, response.text[:500]
    assert snapshot(app) == before
    assert_escaped(response, f"arrest form with {name}={value!r}")
    # The error names the field and sits next to it; what was typed is kept.
    assert f'id="{name}"' in response.text and 'aria-invalid="true"' in response.text
    assert re.search(rf'id="{name}"[^>]*aria-invalid="true"', response.text), "the error is not at the field"
    assert 'role="alert"' in response.text
    kept = Forms(response.text).forms
    sent = dict(next(f for f in kept if f.action == "/new/arrest").fields)
    assert sent[name] == value and sent["name_0"] == typed["name_0"]


# -- unknown ids, and ids the caller may not see -----------------------------------------------

FORM = {"reason": "a test", "monitoring_outcome": "attended", "loaded_version": "1"}


def api_body(path: str, method: str) -> dict[str, Any]:
    """A valid JSON body for an API call on one record (a retraction, or a change of nothing)."""
    if path.endswith("/retract"):
        return {"version": 1, "reason": "a test"}
    return {"version": 1} if method == "PATCH" else {}


JUNK_IDS = (MISSING_ID, "nonsense", "..%2F..%2Fetc%2Fpasswd", quote("<script>x</script>", safe=""), "0" * 300)


def test_unknown_ids_answer_404_and_change_nothing(app: FastAPI, sessions: Sessions, values: Fill) -> None:
    failures = []
    for page in ROUTES:
        names = [n for n in parameters(page.path) if n in PARAMETER_KINDS]
        if not names or page.permission is PUBLIC:
            continue
        for method in page.methods:
            for junk in JUNK_IDS:
                path = fill(page.path, values, dict.fromkeys(names, junk))
                client, csrf = sessions.browser("admin")
                token = sessions.token("admin") if page.api else ""
                before = snapshot(app)
                # A well-formed request, so that only the id can be wrong.
                body = api_body(page.path, method) if page.api else FORM
                response = call(client, page, method, path, csrf=csrf, token=token, data=body)
                # The API checks an id's form first and names the field (422); a well-formed id
                # that names nothing is 404, everywhere.
                malformed = page.api and junk != MISSING_ID and response.status_code == 422
                if response.status_code != 404 and not malformed:
                    failures.append(describe(page, method, path, response))
                if malformed:
                    assert response.json()["error"]["errors"][0]["field"] in names, path
                assert_escaped(response, path)
                if method in STATE_CHANGING and snapshot(app) != before:
                    failures.append(f"{method} {path} wrote something")
                if page.api and response.status_code == 404:
                    assert response.json()["error"]["status"] == 404
    assert not failures, "\n".join(failures)


def test_a_monitor_cannot_reach_a_confidential_hearing_by_its_id(
    app: FastAPI, web_db: WebDb, sessions: Sessions, values: Fill
) -> None:
    """The monitor role may record outcomes but not see confidential records: the hearing does not exist."""
    assert "confidential" not in roles.ROLE_VISIBILITY["monitor"]
    secret = make_secret(web_db, values.ids, app.state.web.clock().date())
    monitor, csrf = sessions.browser("monitor")
    form = {"csrf_token": csrf, "monitoring_outcome": "refused_entry", "loaded_version": "1"}
    for event_id in (secret.hearing, MISSING_ID):
        assert monitor.get(f"/hearings/{event_id}/monitor").status_code == 404
        before = snapshot(app)
        response = monitor.post(f"/hearings/{event_id}/monitor", data=form, follow_redirects=False)
        assert response.status_code == 404, response.text[:300]
        assert snapshot(app) == before
    # The documenter (who may see it) can.
    documenter, csrf = sessions.browser("documenter")
    response = documenter.post(
        f"/hearings/{secret.hearing}/monitor", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:300]


# -- HTML and script in every text field ------------------------------------------------------

SKIPPED = {"id", "target_kind", "target_id", "target_field", "code", "article", "language", "citizenship"}


def free_text(f: Field[Any]) -> bool:
    return f.type == "str" and f.name not in SKIPPED and "vocab" not in f.metadata and "ref" not in f.metadata


def hostile(cls: type[Record], **given: Any) -> Record:
    """A public record of `cls` with the payload in every free-text field."""
    values: dict[str, Any] = {"id": new_ulid(), "visibility": "public"}
    for f in fields_of(cls):
        if free_text(f) and f.name not in given:
            values[f.name] = f"{f.name} {PAYLOAD}"
    return cls(**{**values, **given})


@dataclass(frozen=True)
class Hostile:
    ids: dict[str, str]  # by kind
    hearing_day: date


def make_hostile(web_db: WebDb, today: date) -> Hostile:
    day = today + timedelta(days=1)
    store = web_db.store()
    try:
        organisation = hostile(Organisation, statuses=[StatusChange(note=PAYLOAD)], kind="court")
        person = hostile(
            Person,
            names=[
                PersonName(value=f"Xssov {PAYLOAD}"),
                PersonName(value=f"Ксссов {PAYLOAD}", script="Cyrl"),
            ],
            groups=["journalist"],
        )
        other = hostile(Person, names=[PersonName(value=f"Relative {PAYLOAD}")])
        case = hostile(Case, person_ids=[person.id])
        custody = hostile(
            CustodyPeriod,
            person_id=person.id,
            kind="pre_trial_detention",
            start=PartialDate.parse((today - timedelta(days=3)).isoformat()),
            facility_id=organisation.id,
            case_id=case.id,
        )
        charge = hostile(Charge, person_id=person.id, case_id=case.id, article="206.3.2")
        event = hostile(
            Event,
            type="trial_hearing",
            date=PartialDate.parse(day.isoformat()),
            organisation_id=organisation.id,
            case_id=case.id,
            participants=[Participant(person_id=person.id)],
        )
        records: list[Record] = [
            organisation,
            person,
            other,
            case,
            custody,
            charge,
            event,
            hostile(Affiliation, person_id=person.id, organisation_id=organisation.id),
            hostile(Relationship, person_id=person.id, other_person_id=other.id, visibility="public"),
            hostile(Intervention, kind="prison_visit_request", person_id=person.id, event_id=event.id),
            hostile(Assessment, person_id=person.id),
            hostile(ContextPeriod, start=PartialDate.parse((today - timedelta(days=400)).isoformat())),
        ]
        source = hostile(Source, url="javascript:alert(3)")
        citation = hostile(Citation, source_id=source.id, target_kind="custody_period", target_id=custody.id)
        Service(store, actor="editor1").create(*records, source, citation)
    finally:
        store.close()
    ids = {r.KIND: r.id for r in [*records, source, citation]}
    ids["person"] = person.id
    return Hostile(ids, day)


def test_html_in_every_stored_text_field_is_escaped_on_every_page(
    app: FastAPI, web_db: WebDb, sessions: Sessions, values: Fill
) -> None:
    made = make_hostile(web_db, app.state.web.clock().date())
    hostile_ids = {
        "person_id": made.ids["person"],
        "case_id": made.ids["case"],
        "source_id": made.ids["source"],
        "organisation_id": made.ids["organisation"],
        "event_id": made.ids["event"],
        "custody_period_id": made.ids["custody_period"],
    }
    pages = 0
    for role in ("admin", "viewer"):
        for page, path, response in crawl(sessions, values, role, hostile_ids):
            assert response.status_code < 500, describe(page, "GET", path, response)
            assert_escaped(response, path)
            pages += 1
    admin, _ = sessions.browser("admin")
    shown = {
        f"/people/{made.ids['person']}": 4,
        f"/sources/{made.ids['source']}": 2,
        f"/cases/{made.ids['case']}": 1,
        f"/organisations/{made.ids['organisation']}": 1,
        "/people?q=Xssov": 1,
        "/": 1,
        f"/hearings?week={made.hearing_day.isoformat()}": 1,
    }
    for kind, record_id in made.ids.items():
        texts = int(any(free_text(f) for f in fields_of(RECORD_TYPES[kind])))  # a relationship has none
        shown[f"/records/{record_id}/history"] = texts
        shown[f"/records/{record_id}/edit"] = texts
        if kind == "event":
            shown[f"/hearings/{record_id}/monitor"] = 1
    for path, at_least in shown.items():
        response = admin.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        assert_escaped(response, path)
        # The payload is there, escaped: the page does show the fields (so the check above can fail).
        assert response.text.count(ESCAPED) >= at_least, f"{path} shows {response.text.count(ESCAPED)} fields"
    assert pages >= 2 * len([p for p in ROUTES if "GET" in p.methods])


def test_html_typed_into_every_form_is_escaped(app: FastAPI, sessions: Sessions, values: Fill) -> None:
    """Every text input of every record form (each kind, the arrest form, editing) gets the payload."""
    admin, _ = sessions.browser("admin")
    addresses = [f"/new/{kind}" for kind in RECORD_TYPES] + [
        "/new/arrest",
        f"/records/{values.ids['person']}/edit",
        f"/records/{values.ids['source']}/edit",
        f"/hearings/{values.ids['event']}/monitor",
    ]
    submitted = 0
    for address in addresses:
        page = admin.get(address)
        assert page.status_code == 200, f"{address}: {page.status_code} {page.text[:200]}"
        for form in post_forms(page.text):
            changes = {name: f"{name} {PAYLOAD}" for name in form.text}
            response = submit(admin, form, changes)
            where = f"{address} -> POST {form.action}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            assert_escaped(response, where)
            if response.status_code == 303:
                shown = admin.get(response.headers["location"])
                assert_escaped(shown, f"{where} -> {response.headers['location']}")
            submitted += 1
    assert submitted >= len(RECORD_TYPES)


@pytest.mark.parametrize(
    "path",
    [
        f"/people?q={quote(PAYLOAD)}",
        f"/login?next={quote(PAYLOAD)}",
        f"/hearings?week={quote(PAYLOAD)}",
        f"/hearings?view={quote(PAYLOAD)}",
        f"/people?held_on={quote(PAYLOAD)}",
        f"/people/{quote(PAYLOAD, safe='')}",
        f"/no-such-page/{quote(PAYLOAD, safe='')}",
        f"/new/arrest/people?person_q={quote(PAYLOAD)}",
        f"/new/arrest?person_id={quote(PAYLOAD)}",
    ],
)
def test_html_in_the_address_is_escaped(sessions: Sessions, path: str) -> None:
    admin, _ = sessions.browser("admin")
    response = admin.get(path)
    assert response.status_code < 500, response.text[:300]
    assert_escaped(response, path)


def test_a_non_ascii_csrf_token_is_refused_not_a_crash(sessions: Sessions, anonymous: TestClient) -> None:
    viewer, _ = sessions.browser("viewer")
    assert viewer.post("/logout", data={"csrf_token": "é" * 43}).status_code == 403
    assert viewer.post("/logout", headers={b"x-csrf-token": "é".encode()}).status_code == 403
    anonymous.get("/login")
    response = anonymous.post("/login", data={"username": "x1", "password": "y", "csrf_token": "ü"})
    assert response.status_code == 403


# -- the same form twice -------------------------------------------------------------------------


def count(app: FastAPI, table: sa.Table) -> int:
    with app.state.web.store.reading() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_an_arrest_submitted_twice_is_recorded_once(app: FastAPI, sessions: Sessions) -> None:
    documenter, _ = sessions.browser("documenter")
    form, typed = arrest_form(documenter)
    people, custody = count(app, t.people), count(app, t.custody_periods)
    first = submit(documenter, form, typed)
    assert first.status_code == 303, first.text[:500]
    assert (count(app, t.people), count(app, t.custody_periods)) == (people + 1, custody + 1)
    written = snapshot(app)
    again = submit(documenter, form, typed)
    assert again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert snapshot(app) == written


@pytest.mark.parametrize("kind", ["person", "source", "organisation", "case"])
def test_a_new_record_form_submitted_twice_makes_one_record(
    app: FastAPI, sessions: Sessions, kind: str
) -> None:
    editor, _ = sessions.browser("editor")
    page = editor.get(f"/new/{kind}")
    form = next(f for f in post_forms(page.text) if f.action == f"/new/{kind}")
    first_text = {"person": "names-0-value", "source": "title", "organisation": "name", "case": "title"}[kind]
    typed = {first_text: f"Twice-submitted {kind}"}
    table = t.RECORD_TABLES[kind]
    before = count(app, table)
    first = submit(editor, form, typed)
    assert first.status_code == 303, first.text[:500]
    assert count(app, table) == before + 1
    second = submit(editor, form, typed)
    assert second.status_code in (303, 409), second.text[:300]
    assert count(app, table) == before + 1, f"/new/{kind} submitted twice made two {kind} records"


# -- where sign-in sends you afterwards ---------------------------------------------------------

EVIL_NEXT = (
    "//evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
    "/\t/evil.example",
    "evil.example",
    " //evil.example",
)


def local(location: str) -> bool:
    """A redirect target the browser resolves on this same site."""
    cleaned = re.sub(r"[\t\n\r]", "", location)
    parts = urlsplit(cleaned)
    return (
        cleaned.startswith("/") and not cleaned.startswith("//") and "\\" not in cleaned and not parts.netloc
    )


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_sign_in_never_redirects_to_another_host(web_db: WebDb, app: FastAPI, target: str) -> None:
    with TestClient(app, base_url="http://testserver") as client:
        page = client.get("/login", params={"next": target})
        assert page.status_code == 200
        shown = re.search(r'name="next" value="([^"]*)"', page.text)
        assert shown and local(shown.group(1).replace("&amp;", "&")), shown
        account = web_db.accounts["editor"]
        response = client.post(
            "/login",
            data={
                "username": account.username,
                "password": account.password,
                "csrf_token": csrf_from(page.text),
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert local(response.headers["location"]), response.headers["location"]
        language = client.get("/language/ru", params={"next": target}, follow_redirects=False)
        assert local(language.headers["location"]), language.headers["location"]


@pytest.mark.parametrize("target", [*EVIL_NEXT[:4], "/people?q=Mammadli&group=journalist"])
def test_the_two_factor_step_keeps_a_local_next_and_drops_a_foreign_one(
    web_db: WebDb, app: FastAPI, target: str
) -> None:
    with TestClient(app, base_url="http://testserver") as client:
        page = client.get("/login")
        admin = web_db.accounts["admin"]
        response = client.post(
            "/login",
            data={"username": admin.username, "password": admin.password, "csrf_token": csrf_from(page.text)}
            | {"next": target},
            follow_redirects=False,
        )
        assert local(response.headers["location"])
        page = client.get(response.headers["location"])
        response = client.post(
            "/login/2fa",
            data={"code": admin.code(), "csrf_token": csrf_from(page.text)}
            | {"next": re.search(r'name="next" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")},  # type: ignore[union-attr]
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:300]
        location = response.headers["location"]
        assert local(location), location
        if target.startswith("/people"):
            assert location == target, "the part of `next` after & was lost on the way through 2FA"
        else:
            assert location == "/"


def test_a_signed_out_visitor_comes_back_to_the_page_they_asked_for(web_db: WebDb, app: FastAPI) -> None:
    with TestClient(app, base_url="http://testserver") as client:
        wanted = "/people?q=Mammadli&group=journalist"
        response = client.get(wanted, follow_redirects=False)
        assert response.status_code == 303
        page = client.get(response.headers["location"])
        account = web_db.accounts["editor"]
        next_value = re.search(r'name="next" value="([^"]*)"', page.text)
        assert next_value
        response = client.post(
            "/login",
            data={
                "username": account.username,
                "password": account.password,
                "csrf_token": csrf_from(page.text),
                "next": next_value.group(1).replace("&amp;", "&"),
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == wanted


# -- unknown addresses and methods ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "viewer"])
def test_an_unknown_address_gets_a_404_page(sessions: Sessions, role: str) -> None:
    client = sessions.anonymous() if role == "anonymous" else sessions.browser(role)[0]
    for path in ("/no-such-page", "/people/x/y/z", "/static/no-such-file.css", "/api/v1/no-such-thing"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 404, path
        if path.startswith("/api/"):
            assert response.json()["error"]["status"] == 404
        elif not path.startswith("/static/"):
            assert "text/html" in response.headers["content-type"]
            assert 'role="alert"' in response.text


def test_a_wrong_method_gets_405(sessions: Sessions, values: Fill) -> None:
    client, csrf = sessions.browser("admin")
    checked = 0
    for page in ROUTES:
        path = fill(page.path, values)
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            if method in page.methods or (method == "GET" and "HEAD" in page.methods):
                continue
            if any(other.path == page.path and method in other.methods for other in ROUTES):
                continue
            # /new/arrest also matches /new/{kind}: the methods of every route matching the path count.
            if any(
                re.fullmatch(re.sub(r"{[^}]+}", "[^/]+", o.path), path) and method in o.methods
                for o in ROUTES
            ):
                continue
            response = client.request(method, path, data={"csrf_token": csrf}, follow_redirects=False)
            assert response.status_code == 405, describe(page, method, path, response)
            checked += 1
    assert checked >= len(ROUTES)


# -- sign-in throttling, with the app's clock ------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock()


@pytest.fixture(name="timed_app")
def timed_app_fixture(web_db: WebDb, clock: Clock) -> Iterator[FastAPI]:
    application = create_app(web_db.settings, clock=clock)
    yield application
    application.state.web.store.close()


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def try_password(client: TestClient, username: str, password: str) -> Response:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


def test_repeated_wrong_passwords_make_each_next_attempt_wait_longer(
    web_db: WebDb, timed_app: FastAPI, clock: Clock
) -> None:
    """No wait after two failures, then 1, 2, 4 … 60 s: so at most about 70 guesses an hour are checked."""
    account = web_db.accounts["editor"]
    wrong = "wrong password, twelve+"
    with TestClient(timed_app, base_url="http://testserver") as client:
        token = csrf_from(client.get("/login").text)

        def attempt(password: str) -> Response:
            return client.post(
                "/login",
                data={"username": account.username, "password": password, "csrf_token": token},
                follow_redirects=False,
            )

        for _ in range(2):
            response = attempt(wrong)
            assert response.status_code == 401 and "check the username and password" in response.text
        for wait in (0, 1, 2, 4, 8, 16, 32, 60, 60):
            if wait:
                # Even the right password must wait, and the page says how long.
                clock.advance(seconds=wait - 1)
                response = attempt(account.password)
                assert response.status_code == 401
                assert "try again in 1 s" in response.text, response.text[-600:]
                assert 'role="alert"' in response.text
                clock.advance(seconds=1)
            response = attempt(wrong)
            assert response.status_code == 401 and "check the username and password" in response.text
        response = attempt(account.password)
        assert re.search(r"too many failed attempts; try again in 60 s", response.text)
        assert client.get("/", follow_redirects=False).status_code == 303
        clock.advance(seconds=60)
        response = attempt(account.password)
        assert response.status_code == 303, response.text[-500:]
        assert client.get("/", follow_redirects=False).status_code == 200


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(
    web_db: WebDb, anonymous: TestClient
) -> None:
    wrong = try_password(anonymous, web_db.accounts["editor"].username, "wrong password, twelve+")
    unknown = try_password(anonymous, "nobody-here", "wrong password, twelve+")
    assert wrong.status_code == unknown.status_code == 401

    def message(r: Response) -> str:
        found = re.search(r'id="login-error">([^<]*)<', r.text)
        assert found
        return found.group(1)

    assert message(wrong) == message(unknown)


def test_sign_in_helper_still_works(web_db: WebDb, app: FastAPI) -> None:
    """The conftest's sign-in through the real forms (used by other tests) passes the TOTP step."""
    with TestClient(app, base_url="http://testserver") as client:
        sign_in(client, web_db.accounts["admin"])
        assert client.get("/", follow_redirects=False).status_code == 200
