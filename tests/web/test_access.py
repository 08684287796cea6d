"""Who may reach what: the access matrix generated from the app's own route list, and visibility.

Every route in `habeas.web.routes.ROUTES` is requested by an anonymous caller
and by each role, with its path parameters filled from the demo data (see
`PARAMETERS`: a route with a parameter the table does not know fails the test,
so a new route forces this file to be updated). A role gets a non-403 answer
exactly when `security.roles.may` says so. The written list of roles in
docs/security.md is checked against `security.roles`.

The second half makes confidential records and checks that a viewer never
sees them, by id, list, search, count, timeline, source page, calendar, feed
or API, while an editor does.

The helpers here (`demo_ids`, `fill`, `Sessions`, `call`) are shared by the
other security test files of tests/web.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Case,
    CustodyPeriod,
    Event,
    Organisation,
    Participant,
    Person,
    PersonName,
    Source,
)
from habeas.domain.vocabulary import HEARING_EVENT_TYPES
from habeas.security import roles
from habeas.service import Service, new_ulid
from habeas.storage import tables as t
from habeas.web.auth import SESSION_COOKIE
from habeas.web.routes import ROUTES
from habeas.web.routing import PUBLIC, Page

from .conftest import WebDb

ROOT = Path(__file__).resolve().parents[2]
ROLES = tuple(roles.ROLE_PERMISSIONS)
MISSING_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"  # a well-formed ULID that no record has
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")

#: The only routes anyone may use without signing in. A new PUBLIC route must be added here on purpose.
PUBLIC_ROUTES = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/login/2fa"),
    ("POST", "/login/2fa"),
    ("GET", "/language/{lang}"),
    ("GET", "/hearings/feed/{token}.ics"),
}

# -- ids from the demo data -------------------------------------------------------------


def _first(conn: sa.Connection, query: sa.Select[Any], what: str) -> str:
    found = conn.execute(query.limit(1)).scalar()
    assert found, f"the demo data has no {what}"
    return str(found)


def demo_ids(app: FastAPI) -> dict[str, str]:
    """Ids of demo records every role may see (public, live): a held person, a case, a hearing…"""
    web = app.state.web
    public = "public"
    with web.store.reading() as conn:
        person = _first(
            conn,
            sa.select(t.people.c.id)
            .join(t.custody_periods, t.custody_periods.c.person_id == t.people.c.id)
            .join(t.person_names, t.person_names.c.person_id == t.people.c.id)
            .where(
                t.people.c.visibility == public,
                t.people.c.retracted.is_(False),
                t.custody_periods.c.visibility == public,
                t.person_names.c.script == "Cyrl",
            )
            .order_by(t.people.c.id),
            "public person with custody and a Cyrillic name",
        )
        hearing = _first(
            conn,
            sa.select(t.events.c.id)
            .where(
                t.events.c.type.in_(sorted(HEARING_EVENT_TYPES)),
                t.events.c.visibility == public,
                t.events.c.retracted.is_(False),
            )
            .order_by(t.events.c.id),
            "public hearing",
        )
        case = _first(
            conn,
            sa.select(t.cases.c.id).where(t.cases.c.visibility == public).order_by(t.cases.c.id),
            "public case",
        )
        source = _first(
            conn,
            sa.select(t.sources.c.id)
            .join(t.citations, t.citations.c.source_id == t.sources.c.id)
            .where(t.sources.c.visibility == public)
            .order_by(t.sources.c.id),
            "public source with a citation",
        )
        organisation = _first(
            conn,
            sa.select(t.organisations.c.id)
            .where(t.organisations.c.visibility == public)
            .order_by(t.organisations.c.id),
            "public organisation",
        )
        custody = _first(
            conn,
            sa.select(t.custody_periods.c.id)
            .where(t.custody_periods.c.person_id == person, t.custody_periods.c.visibility == public)
            .order_by(t.custody_periods.c.id),
            "custody period",
        )
        chosen = {
            "person": person,
            "event": hearing,
            "case": case,
            "source": source,
            "organisation": organisation,
            "custody_period": custody,
        }
        # Every other kind: a live record, one every role may see if there is one (the demo's
        # relationships are all confidential: a viewer gets 404 for those, which is not a 403).
        for kind, table in t.RECORD_TABLES.items():
            if kind not in chosen:
                preference = sa.case({"public": 0, "restricted": 1}, value=table.c.visibility, else_=2)
                chosen[kind] = _first(
                    conn,
                    sa.select(table.c.id)
                    .where(table.c.retracted.is_(False))
                    .order_by(preference, table.c.id),
                    kind,
                )
    return chosen


@dataclass
class Fill:
    """What fills a path's parameters: demo ids, plus a calendar token made on demand."""

    ids: dict[str, str]
    token: Callable[[], str]

    def value(self, name: str, path: str) -> str:
        if name in PARAMETER_KINDS:
            return self.ids[id_kind(name, path)]
        if name not in PARAMETERS:
            pytest.fail(
                f"the path parameter {{{name}}} of {path} is not in tests/web/test_access.py PARAMETERS: "
                "add a value for it so that the new route is covered"
            )
        return PARAMETERS[name](self)


#: The record kind each id parameter names (`record_id` under /api/v1/<plural>/ names that kind's).
PARAMETER_KINDS = {
    "person_id": "person",
    "case_id": "case",
    "source_id": "source",
    "organisation_id": "organisation",
    "event_id": "event",
    "hearing_id": "event",
    "record_id": "person",
    "custody_period_id": "custody_period",
}

#: Every other path parameter a route may have, and the value to request it with.
PARAMETERS: dict[str, Callable[[Fill], str]] = {
    "version": lambda f: "1",
    "kind": lambda f: "person",  # /new/{kind}; test_bad_input tries every kind
    "lang": lambda f: "az",
    "token": lambda f: f.token(),
    "candidate_id": lambda f: "01JNOPAIR00000000000000000",  # no such pair: its page is a 404, by role
}


def id_kind(name: str, path: str) -> str:
    """The kind of record an id parameter of `path` names."""
    if name == "record_id" and path.startswith("/api/"):
        from habeas.web.api_models import PLURALS

        plural = path.removeprefix("/api/v1/").split("/")[0]
        kinds = {p: k for k, p in PLURALS.items()}
        if plural in kinds:
            return kinds[plural]
    return PARAMETER_KINDS[name]


_PARAM = re.compile(r"{([a-z_]+)(?::[a-z]+)?}")


def parameters(path: str) -> list[str]:
    return _PARAM.findall(path)


def fill(path: str, values: Fill, overrides: dict[str, str] | None = None) -> str:
    """`path` with each `{name}` replaced: by `overrides[name]` if given, else from `PARAMETERS`."""
    chosen = overrides or {}
    return _PARAM.sub(lambda m: chosen.get(m.group(1)) or values.value(m.group(1), path), path)


# -- signed-in callers without the forms (the forms are tested in test_headers and the browser) ---


@dataclass
class Sessions:
    """Signed-in TestClients made straight from Accounts (so an admin needs no TOTP code for each)."""

    app: FastAPI
    db: WebDb
    base_url: str = "http://testserver"
    opened: list[TestClient] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)

    def anonymous(self) -> TestClient:
        client = TestClient(self.app, base_url=self.base_url)
        self.opened.append(client)
        return client

    def browser(self, role: str) -> tuple[TestClient, str]:
        """A client with a fresh, fully signed-in session of `role`, and that session's CSRF token."""
        accounts = self.app.state.web.accounts
        user = accounts.get(self.db.accounts[role].username)
        cookie, session = accounts.start_session(user, second_factor_done=True)
        client = self.anonymous()
        client.cookies.set(SESSION_COOKIE, cookie)
        return client, session.csrf_token

    def token(self, role: str) -> str:
        """An API bearer token of `role`'s account (one per role, made once)."""
        if role not in self.tokens:
            accounts = self.app.state.web.accounts
            self.tokens[role] = accounts.create_token(self.db.accounts[role].username, label="test")
        return self.tokens[role]

    def feed_token(self, role: str) -> str:
        """A calendar-feed token of `role`'s account (it opens the feed only, never the API)."""
        key = f"feed:{role}"
        if key not in self.tokens:
            accounts = self.app.state.web.accounts
            username = self.db.accounts[role].username
            self.tokens[key] = accounts.create_token(username, label="calendar", scope="calendar")
        return self.tokens[key]

    def close(self) -> None:
        for client in self.opened:
            client.close()


@pytest.fixture(name="sessions")
def sessions_fixture(app: FastAPI, web_db: WebDb) -> Iterator[Sessions]:
    made = Sessions(app, web_db)
    yield made
    made.close()


@pytest.fixture(name="values")
def values_fixture(app: FastAPI, sessions: Sessions) -> Fill:
    return Fill(demo_ids(app), lambda: sessions.token("admin"))


def call(
    client: TestClient,
    page: Page,
    method: str,
    path: str,
    csrf: str = "",
    token: str = "",
    data: dict[str, Any] | None = None,
) -> Response:
    """One request as a browser (form and CSRF field) or an API client (bearer token, JSON)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    if method in ("GET", "HEAD"):
        return client.request(method, path, headers=headers, follow_redirects=False)
    if page.api:
        return client.request(method, path, headers=headers, json=data or {}, follow_redirects=False)
    form = {**(data or {}), **({"csrf_token": csrf} if csrf else {})}
    return client.request(method, path, data=form, headers=headers, follow_redirects=False)


def every_request() -> list[tuple[Page, str]]:
    return [(page, method) for page in ROUTES for method in page.methods]


def describe(page: Page, method: str, path: str, response: Response) -> str:
    return f"{method} {path} (route {page.path}, {page.endpoint.__name__}) -> {response.status_code}: " + (
        response.text[:300].replace("\n", " ")
    )


def refused_sign_in(page: Page, response: Response) -> bool:
    if page.api:
        return response.status_code == 401
    return response.status_code == 303 and response.headers["location"].startswith("/login?next=")


# -- the route list itself ----------------------------------------------------------------


def test_every_route_declares_a_known_permission() -> None:
    assert len(ROUTES) >= 8, "the route list is suspiciously short"
    for page in ROUTES:
        assert page.permission is PUBLIC or page.permission in roles.PERMISSIONS, page
        assert page.api == page.path.startswith("/api/"), f"{page.path}: api=True exactly under /api/"


def test_only_the_sign_in_pages_and_the_feed_are_public() -> None:
    public = {(method, page.path) for page in ROUTES for method in page.methods if page.permission is PUBLIC}
    assert public <= PUBLIC_ROUTES, f"new public routes: {public - PUBLIC_ROUTES}"
    assert {("GET", "/login"), ("POST", "/login"), ("POST", "/login/2fa")} <= public


def test_every_path_parameter_has_a_value(values: Fill) -> None:
    for page in ROUTES:
        for name in parameters(page.path):
            assert values.value(name, page.path), f"{page.path}: no value for {name}"


# -- the matrix ------------------------------------------------------------------------------


def test_anonymous_requests_to_private_routes_must_sign_in(sessions: Sessions, values: Fill) -> None:
    anonymous = sessions.anonymous()
    checked = 0
    for page, method in every_request():
        if page.permission is PUBLIC:
            continue
        path = fill(page.path, values)
        response = call(anonymous, page, method, path)
        assert refused_sign_in(page, response), describe(page, method, path, response)
        if page.api:
            assert response.json()["error"]["status"] == 401
        else:
            assert response.headers["location"].startswith("/login?next=")
        checked += 1
    assert checked >= 6


def test_a_role_is_refused_exactly_what_its_permissions_do_not_allow(
    sessions: Sessions, values: Fill
) -> None:
    """For every route and role: 403 if and only if the role lacks the route's permission.

    State-changing requests carry the session's own CSRF token (so the role is the only
    reason to refuse) and each gets a fresh session, since some of them (signing out) end it.
    """
    failures: list[str] = []
    requests = every_request()
    # Reading first, then writing, so that a successful write cannot hide a page from the reads.
    requests.sort(key=lambda pm: pm[1] in STATE_CHANGING)
    reader: dict[str, tuple[TestClient, str]] = {role: sessions.browser(role) for role in ROLES}
    for page, method in requests:
        if page.permission is PUBLIC:
            continue
        path = fill(page.path, values)
        for role in ROLES:
            if page.api:
                client, csrf = reader[role][0], ""
                token = sessions.token(role)
            elif method in STATE_CHANGING:
                client, csrf = sessions.browser(role)
                token = ""
            else:
                client, csrf = reader[role]
                token = ""
            response = call(client, page, method, path, csrf=csrf, token=token)
            allowed = roles.may(role, page.permission)
            if refused_sign_in(page, response):
                failures.append(
                    f"{role}: signed in but sent to sign in: {describe(page, method, path, response)}"
                )
            elif allowed and response.status_code == 403:
                failures.append(
                    f"{role} may {page.permission} but was refused: {describe(page, method, path, response)}"
                )
            elif not allowed and response.status_code != 403:
                let_in = describe(page, method, path, response)
                failures.append(f"{role} may not {page.permission} but was let in: {let_in}")
    assert not failures, "\n".join(failures)


def test_no_route_fails_with_a_server_error(sessions: Sessions, values: Fill) -> None:
    """Every route, called by an admin with real ids and no form fields, answers without a 5xx."""
    failures = []
    for page, method in every_request():
        path = fill(page.path, values)
        client, csrf = sessions.browser("admin")
        token = sessions.token("admin") if page.api else ""
        response = call(client, page, method, path, csrf=csrf, token=token)
        if response.status_code >= 500:
            failures.append(describe(page, method, path, response))
    assert not failures, "\n".join(failures)


def crawl(
    sessions: Sessions, values: Fill, role: str, overrides: dict[str, str] | None = None
) -> Iterator[tuple[Page, str, Response]]:
    """Every GET route requested by `role` (pages with its session, the API with its token)."""
    client, _ = sessions.browser(role)
    own = {"token": sessions.feed_token(role), **(overrides or {})}  # the role's own calendar feed
    for page in ROUTES:
        if "GET" not in page.methods:
            continue
        path = fill(page.path, values, own)
        token = sessions.token(role) if page.api else ""
        yield page, path, call(client, page, "GET", path, token=token)


# -- the written list ---------------------------------------------------------------------


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every table of a markdown text, as rows of cells (the header row first, the rule row dropped)."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} for c in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    return found


def web_section() -> str:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert "\n## Web application\n" in text
    return text.split("\n## Web application\n", 1)[1].split("\n## ", 1)[0]


def test_the_written_roles_are_the_enforced_ones() -> None:
    tables = markdown_tables(web_section())
    permission_table = next(tb for tb in tables if tb[0][0] == "Permission")
    written = {row[0].strip("`"): row[1] for row in permission_table[1:]}
    assert written == dict(roles.PERMISSIONS)

    role_table = next(tb for tb in tables if tb[0][0] == "Role")
    header = [c.strip("`") for c in role_table[0]]
    columns = header[1 : 1 + len(roles.PERMISSIONS)]
    assert columns == list(roles.PERMISSIONS), "one column per permission, in the order of roles.PERMISSIONS"
    assert [row[0] for row in role_table[1:]] == list(roles.ROLE_PERMISSIONS)
    for row in role_table[1:]:
        role, marks = row[0], row[1 : 1 + len(columns)]
        assert set(marks) <= {"yes", "no"}, row
        assert {p for p, mark in zip(columns, marks, strict=True) if mark == "yes"} == roles.ROLE_PERMISSIONS[
            role
        ]
        seen = {v.strip() for v in row[header.index("Sees records marked")].split(",")}
        assert seen == roles.ROLE_VISIBILITY[role]
        two_factor = row[header.index("Two-factor sign-in")]
        assert two_factor == ("required" if role in roles.TWO_FACTOR_REQUIRED else "optional")


def test_the_markdown_table_parser_reads_cells() -> None:
    tables = markdown_tables("x\n| A | `b` |\n|---|---|\n| 1 | 2 |\n\n| C |\n|:-|\n| 3 |\n")
    assert tables == [[["A", "`b`"], ["1", "2"]], [["C"], ["3"]]]


# -- confidential records -------------------------------------------------------------------

SECRET_LATIN = "Zaurbek Qaraqoyunluzadə"
SECRET_CYRILLIC = "Заурбек Гарагоюнлузаде"
SECRET_PLACE = "Xanlarqovuq secret facility"
SECRET_SOURCE = "Witness statement Qovuqlu-7"
SECRET_QUOTE = "seen at the Qovuqlu checkpoint"
SECRET_COURT = "Qovuqlu closed courtroom"
MARKERS = (SECRET_LATIN, SECRET_CYRILLIC, SECRET_PLACE, SECRET_SOURCE, SECRET_QUOTE, SECRET_COURT)


@dataclass(frozen=True)
class Secret:
    """Confidential records: a person held now, with custody, a hearing, a source citing them."""

    person: str
    custody: str
    other_custody: str  # on a public demo person: must not show on that person's page
    source: str
    citation: str
    public_citation: str  # a public source citing the confidential custody: hidden on its page
    hearing: str
    case: str
    organisation: str

    @property
    def ids(self) -> tuple[str, ...]:
        return (
            self.person,
            self.custody,
            self.other_custody,
            self.source,
            self.citation,
            self.public_citation,
            self.hearing,
            self.case,
            self.organisation,
        )

    def by_kind(self) -> dict[str, str]:
        return {
            "person": self.person,
            "event": self.hearing,
            "case": self.case,
            "source": self.source,
            "organisation": self.organisation,
            "custody_period": self.custody,
            "citation": self.citation,
        }


def make_secret(web_db: WebDb, ids: dict[str, str], today: date) -> Secret:
    """Write the confidential records through the service layer, as an editor would."""
    conf = "confidential"
    start = PartialDate.parse((today - timedelta(days=20)).isoformat())
    store = web_db.store()
    try:
        service = Service(store, actor="editor1")
        organisation = Organisation(id=new_ulid(), name=SECRET_COURT, kind="court", visibility=conf)
        person = Person(
            id=new_ulid(),
            names=[
                PersonName(value=SECRET_LATIN, script="Latn", language="az"),
                PersonName(value=SECRET_CYRILLIC, script="Cyrl", language="ru", kind="transliteration"),
            ],
            groups=["journalist"],
            visibility=conf,
        )
        service.create(organisation, person)
        case = Case(id=new_ulid(), title=f"The {SECRET_COURT} case", person_ids=[person.id], visibility=conf)
        custody = CustodyPeriod(
            id=new_ulid(),
            person_id=person.id,
            kind="pre_trial_detention",
            start=start,
            place=SECRET_PLACE,
            visibility=conf,
        )
        other = CustodyPeriod(
            id=new_ulid(),
            person_id=ids["person"],
            kind="house_arrest",
            start=start,
            place=SECRET_PLACE,
            visibility=conf,
        )
        hearing = Event(
            id=new_ulid(),
            type="trial_hearing",
            date=PartialDate.parse((today + timedelta(days=2)).isoformat()),
            scheduled_at=datetime.combine(today + timedelta(days=2), time(11)),
            place=SECRET_COURT,
            organisation_id=organisation.id,
            case_id=case.id,
            participants=[Participant(person_id=person.id, role="victim")],
            visibility=conf,
        )
        source = Source(id=new_ulid(), title=SECRET_SOURCE, kind="interview", visibility=conf)
        service.create(case, custody, other, hearing, source)
        citation = service.cite(source.id, "custody_period", custody.id, quote=SECRET_QUOTE, visibility=conf)
        public_citation = service.cite(
            ids["source"], "custody_period", other.id, quote=SECRET_QUOTE, visibility=conf
        )
    finally:
        store.close()
    return Secret(
        person=person.id,
        custody=custody.id,
        other_custody=other.id,
        source=source.id,
        citation=citation.id,
        public_citation=public_citation.id,
        hearing=hearing.id,
        case=case.id,
        organisation=organisation.id,
    )


def number(html: str, element_id: str) -> int:
    found = re.search(rf'id="{element_id}"[^>]*>[^<0-9]*([0-9]+)', html)
    assert found, f"no #{element_id} with a number in the page"
    return int(found.group(1))


@dataclass
class Counts:
    held: int
    people: int
    unsourced: int
    api_totals: dict[str, int]


def counts(sessions: Sessions, role: str) -> Counts:
    client, _ = sessions.browser(role)
    held = number(client.get("/").text, "held-total")
    people = number(client.get("/people").text, "people-count")
    unsourced = number(client.get("/review").text, "unsourced-total")
    totals = {}
    for page in ROUTES:
        if page.api and "GET" in page.methods and not parameters(page.path) and "openapi" not in page.path:
            response = client.get(page.path, headers={"authorization": f"Bearer {sessions.token(role)}"})
            assert response.status_code == 200, describe(page, "GET", page.path, response)
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("total"), int):
                totals[page.path] = body["total"]
    return Counts(held, people, unsourced, totals)


def secret_pages(secret: Secret, values: Fill, today: date, sessions: Sessions, role: str) -> list[str]:
    """The addresses where the confidential records would show if they leaked (besides every GET route)."""
    day = today + timedelta(days=2)
    pages = [
        f"/people?q={SECRET_LATIN}",
        f"/people?q={SECRET_CYRILLIC}",
        "/people?q=Qaraqoyunluzade",
        f"/people?q={SECRET_LATIN}&held_on={today.isoformat()}",
        f"/people?held_on={today.isoformat()}",
        "/people?group=journalist",
        f"/people/{values.ids['person']}",
        f"/sources/{values.ids['source']}",
        f"/hearings?week={day.isoformat()}",
        f"/hearings?view=month&month={day.strftime('%Y-%m')}",
        "/review",
        "/",
        f"/hearings/feed/{sessions.feed_token(role)}.ics",
    ]
    for page in ROUTES:
        if page.api and "GET" in page.methods and not parameters(page.path) and "openapi" not in page.path:
            pages.append(page.path)
            if "q" in inspect.signature(page.endpoint).parameters:  # the lists that search by name
                pages += [f"{page.path}?q={SECRET_LATIN}", f"{page.path}?q={SECRET_CYRILLIC}"]
    return pages


def get_as(client: TestClient, path: str, token: str) -> Response:
    headers = {"authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
    return client.get(path, headers=headers, follow_redirects=False)


def without(text: str, *ids: str) -> str:
    for record_id in ids:
        text = text.replace(record_id, "<ID>")
    return text


def test_a_viewer_never_sees_a_confidential_record_and_an_editor_does(
    app: FastAPI, web_db: WebDb, sessions: Sessions, values: Fill
) -> None:
    today = app.state.web.clock().date()
    before = {role: counts(sessions, role) for role in ("viewer", "editor")}
    secret = make_secret(web_db, values.ids, today)
    after = {role: counts(sessions, role) for role in ("viewer", "editor")}

    # Counts: unchanged for the viewer; the editor's count the new person.
    assert after["viewer"] == before["viewer"]
    assert after["editor"].held == before["editor"].held + 1
    assert after["editor"].people == before["editor"].people + 1
    assert after["editor"].unsourced > before["editor"].unsourced  # the new person and hearing cite nothing
    people_api = [p for p in after["editor"].api_totals if p.rstrip("/").endswith("/people")]
    for path in people_api:
        assert after["editor"].api_totals[path] == before["editor"].api_totals[path] + 1, path

    viewer, _ = sessions.browser("viewer")
    editor, _ = sessions.browser("editor")
    viewer_token, editor_token = sessions.token("viewer"), sessions.token("editor")

    # By id, on every route that takes one: the viewer gets 404, the same as for a missing id; the editor 200.
    by_kind = secret.by_kind()
    checked_ids = 0
    for page in ROUTES:
        if "GET" not in page.methods or page.permission is PUBLIC:
            continue
        names = [n for n in parameters(page.path) if n in PARAMETER_KINDS]
        kinds = {n: id_kind(n, page.path) for n in names}
        if not names or not set(kinds.values()) <= set(by_kind):
            continue
        hidden = fill(page.path, values, {n: by_kind[kind] for n, kind in kinds.items()})
        missing = fill(page.path, values, dict.fromkeys(names, MISSING_ID))
        token_v, token_e = (viewer_token, editor_token) if page.api else ("", "")
        if roles.may("viewer", page.permission):
            seen = call(viewer, page, "GET", hidden, token=token_v)
            absent = call(viewer, page, "GET", missing, token=token_v)
            assert seen.status_code == 404, describe(page, "GET", hidden, seen)
            assert absent.status_code == 404, describe(page, "GET", missing, absent)
            assert without(seen.text, *by_kind.values()) == without(absent.text, MISSING_ID), page.path
            assert not any(m in seen.text for m in MARKERS)
            checked_ids += 1
        shown = call(editor, page, "GET", hidden, token=token_e)
        assert shown.status_code == 200, describe(page, "GET", hidden, shown)
    assert checked_ids >= 2

    # Everywhere else: neither the names, places and quotes nor the ids, for the viewer.
    leaks = []
    for page, path, response in crawl(sessions, values, "viewer"):
        if any(m in response.text for m in MARKERS) or any(i in response.text for i in secret.ids):
            leaks.append(describe(page, "GET", path, response))
    for path in secret_pages(secret, values, today, sessions, "viewer"):
        response = get_as(viewer, path, viewer_token)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:200]}"
        # A search page shows the words searched for in its search box: those are not a leak.
        searched = re.findall(r"[?&]q=([^&]*)", path)
        text = response.text.replace(searched[0], "") if searched and searched[0] else response.text
        if any(m in text for m in MARKERS) or any(i in text for i in secret.ids):
            leaks.append(f"GET {path}: {[m for m in (*MARKERS, *secret.ids) if m in text]}")
        if path.startswith("/people?q="):
            assert number(text, "people-count") == 0, path
        elif path.startswith("/api/") and "?q=" in path:
            assert response.json()["total"] == 0, path
    assert not leaks, "confidential records shown to a viewer:\n" + "\n".join(leaks)

    # The same addresses show them to an editor, so the test above can fail.
    def editor_sees(path: str, *expected: str) -> None:
        response = get_as(editor, path, editor_token)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        for text in expected:
            assert text in response.text, f"the editor does not see {text!r} on {path}"

    day = today + timedelta(days=2)
    editor_sees(f"/people?q={SECRET_LATIN}", secret.person)
    editor_sees(f"/people?q={SECRET_CYRILLIC}", secret.person)
    editor_sees(f"/people/{secret.person}", SECRET_CYRILLIC, SECRET_PLACE)
    editor_sees(f"/people/{values.ids['person']}", SECRET_PLACE)
    editor_sees(f"/sources/{secret.source}", SECRET_SOURCE, SECRET_QUOTE)
    editor_sees(f"/sources/{values.ids['source']}", SECRET_QUOTE)
    editor_sees(f"/hearings?week={day.isoformat()}", SECRET_COURT)
    editor_sees(f"/hearings?view=month&month={day.strftime('%Y-%m')}", SECRET_COURT)
    editor_sees(f"/hearings/feed/{sessions.feed_token('editor')}.ics", SECRET_COURT)


def test_a_calendar_feed_address_opens_the_feed_and_nothing_else(sessions: Sessions) -> None:
    """A feed address ends up in calendar apps and their cloud services: its token must not open the API."""
    api = [
        p
        for p in ROUTES
        if p.api and "GET" in p.methods and not parameters(p.path) and "openapi" not in p.path
    ]
    if not api:
        pytest.skip("no API routes yet")
    editor, csrf = sessions.browser("editor")
    made = editor.post("/hearings/feed", data={"csrf_token": csrf})
    found = re.search(r'value="https?://[^"]*/hearings/feed/([^"/]+)\.ics"', made.text)
    assert found, made.text[-500:]
    token = found.group(1)
    assert sessions.anonymous().get(f"/hearings/feed/{token}.ics").status_code == 200
    opened = []
    for page in api:
        response = sessions.anonymous().get(page.path, headers={"authorization": f"Bearer {token}"})
        if response.status_code != 401:
            opened.append(describe(page, "GET", page.path, response))
    assert not opened, "the calendar feed's token opens the API:\n" + "\n".join(opened)
