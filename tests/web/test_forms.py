"""The generated forms: a record of every kind, inline errors, escaping, edits, retraction, monitoring."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

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
)
from habeas.domain.vocabulary import HEARING_EVENT_TYPES
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.service import Service, new_ulid
from habeas.storage import queries
from habeas.web.routes import ROUTES

from .conftest import csrf_from

Client = Callable[[str], TestClient]
FORM_ROUTES = [
    (method, page.path)
    for page in ROUTES
    for method in page.methods
    if page.endpoint.__module__ in ("habeas.web.forms", "habeas.web.arrest", "habeas.web.history")
]


def count(app: FastAPI, kind: str) -> int:
    """Live records of `kind`, whatever their visibility."""
    with app.state.web.store.reading() as conn:
        if kind == "person":
            return queries.count_people(conn, "", visible=ALL_VISIBILITY)
        return queries.count_records(conn, kind, "", visible=ALL_VISIBILITY)


def audit_length(app: FastAPI) -> int:
    store = app.state.web.store
    with store.reading() as conn:
        seq: int = store.audit_head(conn)[0]
    return seq


def created_id(response: object, prefix: str) -> str:
    location = response.headers["location"]  # type: ignore[attr-defined]
    found = re.fullmatch(rf"{prefix}/([0-9A-Z]{{26}})", location)
    assert found, location
    return found.group(1)


def a_person(app: FastAPI, groups: list[str] | None = None) -> Person:
    [person] = Service(app.state.web.store, "test").create(
        Person(
            names=[PersonName(value="Testa Formova")],
            occupation="teacher",
            visibility="restricted",
            groups=groups or [],
        )
    )
    assert isinstance(person, Person)
    return person


def post(client: TestClient, path: str, data: dict[str, object]) -> object:
    page = client.get(path if "/edit" in path or path.startswith("/new/") else "/")
    return client.post(path, data={**data, "csrf_token": csrf_from(page.text)}, follow_redirects=False)


# -- every kind ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RECORD_TYPES))
def test_every_kind_has_a_form_for_a_documenter(client: Client, kind: str) -> None:
    page = client("documenter").get(f"/new/{kind}")
    assert page.status_code == 200
    assert f'<form method="post" action="/new/{kind}" class="record">' in page.text
    cls = RECORD_TYPES[kind]
    visibility_default = next(f.default for f in cls.__dataclass_fields__.values() if f.name == "visibility")
    assert f'<option value="{visibility_default}" selected>' in page.text
    for label in re.findall(r'<label for="([^"]+)"', page.text):
        assert f'id="{label}"' in page.text, f"{kind}: a label points at no input: {label}"


def test_a_form_shows_vocabulary_labels_and_the_date_forms(client: Client) -> None:
    page = client("documenter").get("/new/custody_period").text
    assert '<option value="pre_trial_detention">Pre-trial detention</option>' in page
    assert '<option value="" selected>— choose —</option>' in page  # the kind must be chosen
    assert "2024-05/.." in page and 'aria-describedby="hint-start"' in page


def test_a_form_prefills_from_the_query_string(app: FastAPI, client: Client) -> None:
    person = a_person(app)
    documenter = client("documenter")
    charge = documenter.get("/new/charge", params={"person_id": person.id}).text
    assert f'<option value="{person.id}" selected>Testa Formova</option>' in charge
    event = documenter.get("/new/event", params={"person_id": person.id}).text
    row = event.split('id="f-participants-0-person_id"')[1].split("</select>")[0]
    assert f'<option value="{person.id}" selected>' in row
    assert '<option value="victim" selected>' in event.split('id="f-participants-0-role"')[1]


# -- creating ---------------------------------------------------------------------------------------


def test_a_person_with_a_cyrillic_and_a_latin_name(app: FastAPI, client: Client) -> None:
    before = count(app, "person")
    response = post(
        client("documenter"),
        "/new/person",
        {
            "names-0-value": "Анар Тестов",
            "names-0-script": "",  # from the letters
            "names-0-language": "ru",
            "names-0-kind": "native",
            "names-1-value": "Anar Testov",
            "names-1-script": "Latn",
            "names-1-kind": "transliteration",
            "names-2-value": "   ",  # a blank row is ignored
            "names-2-kind": "alias",
            "sex": "male",
            "birth_date": "1990-04",
            "groups": ["journalist", "blogger"],
            "visibility": "restricted",
        },
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    person_id = created_id(response, "/people")
    person = app.state.web.store.get("person", person_id)
    assert isinstance(person, Person)
    assert [(n.value, n.script, n.language, n.kind) for n in person.names] == [
        ("Анар Тестов", "Cyrl", "ru", "native"),
        ("Anar Testov", "Latn", "", "transliteration"),
    ]
    assert person.groups == ["journalist", "blogger"] and person.birth_date == PartialDate.parse("1990-04")
    assert count(app, "person") == before + 1
    shown = client("viewer").get(f"/people/{person_id}").text
    assert "Анар Тестов" in shown and "Anar Testov" in shown


def test_a_new_record_form_sent_twice_makes_one_record(app: FastAPI, client: Client) -> None:
    documenter = client("documenter")
    form = documenter.get("/new/source").text
    new_id = re.search(r'<input type="hidden" name="new_id" value="([0-9A-Z]{26})">', form)
    assert new_id
    data = {"title": "Twice sent", "visibility": "confidential", "new_id": new_id.group(1)}
    data["csrf_token"] = csrf_from(form)
    refused = documenter.post("/new/source", data={**data, "published": "2024-13"})
    assert refused.status_code == 422 and f'name="new_id" value="{new_id.group(1)}"' in refused.text
    chain = audit_length(app)
    first = documenter.post("/new/source", data=data, follow_redirects=False)
    second = documenter.post("/new/source", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"] == f"/sources/{new_id.group(1)}"
    assert audit_length(app) == chain + 1  # one record written, once
    taken = documenter.post("/new/person", data={**data, "names-0-value": "X"}, follow_redirects=False)
    assert taken.status_code == 422 and "taken by another record" in taken.text


def test_an_invalid_date_is_shown_at_its_field_and_nothing_is_written(app: FastAPI, client: Client) -> None:
    before, chain = count(app, "person"), audit_length(app)
    response = post(
        client("documenter"),
        "/new/person",
        {
            "names-0-value": "Dato Invalidov",
            "birth_date": "2024-13-40",
            "occupation": "baker",
            "visibility": "public",
        },
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    summary = html.split('role="alert" id="form-error">')[1].split("</div>")[0]
    assert '<a href="#f-birth_date">Date of birth</a>' in summary and "person.birth_date" in summary
    assert "2024-13-40" in summary and "there is no month 13" in summary and "YYYY-MM-DD" in summary
    field = re.search(r'<input id="f-birth_date"[^>]*>', html)
    assert field and 'value="2024-13-40"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="err-birth_date hint-birth_date"' in field.group(0)
    assert '<p class="field-error" id="err-birth_date">there is no month 13' in html
    # everything typed is kept
    assert 'value="Dato Invalidov"' in html and 'value="baker"' in html
    assert '<option value="public" selected>' in html
    assert count(app, "person") == before and audit_length(app) == chain


def test_a_person_without_a_name_is_refused_at_the_names(app: FastAPI, client: Client) -> None:
    response = post(client("documenter"), "/new/person", {"names-0-value": "", "visibility": "restricted"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert '<a href="#f-names">Names</a>' in html and "give at least one name" in html
    assert re.search(r'<input id="f-names-0-value"[^>]*aria-invalid="true"', html)


def test_a_reference_to_no_record_is_refused(app: FastAPI, client: Client) -> None:
    chain = audit_length(app)
    response = post(
        client("documenter"),
        "/new/charge",
        {
            "person_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "code": "CC",
            "article": "206.3.2",
            "visibility": "restricted",
        },
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "no person with this id exists" in response.text  # type: ignore[attr-defined]
    assert 'value="206.3.2"' in response.text  # type: ignore[attr-defined]
    assert audit_length(app) == chain


def test_a_charge_is_saved_and_leads_to_its_person(app: FastAPI, client: Client) -> None:
    person = a_person(app)
    response = post(
        client("documenter"),
        "/new/charge",
        {
            "person_id": person.id,
            "code": "CC",
            "article": "206.3.2",
            "label": "smuggling",
            "brought": "2024-11-20",
            "status": "pending",
            "sentence_months": "",
            "visibility": "restricted",
        },
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == f"/people/{person.id}"  # type: ignore[attr-defined]
    with app.state.web.store.reading() as conn:
        [charge_id] = queries.person_record_ids(conn, person.id, "charge", visible=ALL_VISIBILITY)
    charge = app.state.web.store.get("charge", charge_id)
    assert isinstance(charge, Charge)
    assert (charge.article, charge.label, charge.brought.text, charge.sentence_months) == (
        "206.3.2",
        "smuggling",
        "2024-11-20",
        None,
    )


def test_html_and_script_typed_in_text_fields_come_back_escaped(app: FastAPI, client: Client) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    documenter = client("documenter")
    refused = post(
        documenter,
        "/new/person",
        {
            "names-0-value": attack,
            "occupation": attack,
            "notes": attack,
            "birth_date": attack,
            "visibility": "restricted",
        },
    )
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "<script>alert" not in refused.text and "<img src=x" not in refused.text  # type: ignore[attr-defined]
    assert str(escape(attack)) in refused.text  # type: ignore[attr-defined]
    saved = post(
        documenter, "/new/person", {"names-0-value": attack, "occupation": attack, "visibility": "restricted"}
    )
    person_id = created_id(saved, "/people")
    for path in (f"/people/{person_id}", f"/records/{person_id}/edit", f"/records/{person_id}/history"):
        html = client("editor").get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert str(escape(attack)) in html, path


# -- editing and retracting ------------------------------------------------------------------------


def edit_data(html: str) -> dict[str, object]:
    """The edit form's fields as a browser would send them (selected options, checked boxes)."""
    form = html.split('class="record">')[1].split("</form>")[0]
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and not ('type="checkbox"' in tag and "checked" not in tag):
            data.setdefault(name.group(1), []).append(unescape(value.group(1) if value else ""))
    for name, options in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = [unescape(chosen.group(1)) if chosen else ""]
    for name, text in re.findall(r'<textarea id="[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = [unescape(text)]
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def test_editing_saves_only_the_changed_field(app: FastAPI, client: Client) -> None:
    person = a_person(app, groups=["journalist"])
    editor = client("editor")
    form = editor.get(f"/records/{person.id}/edit")
    assert form.status_code == 200
    data = edit_data(form.text)
    assert (
        data["loaded_version"] == "1" and data["occupation"] == "teacher" and data["groups"] == "journalist"
    )
    data["occupation"] = "poet"
    response = editor.post(f"/records/{person.id}/edit", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/people/{person.id}"
    current = app.state.web.store.get("person", person.id)
    assert isinstance(current, Person)
    assert (current.version, current.occupation, current.groups) == (2, "poet", ["journalist"])
    assert [n.value for n in current.names] == ["Testa Formova"]
    history = app.state.web.store.history(person.id)
    assert [v["action"] for v in history] == ["create", "update"] and history[1]["actor"] == "editor1"


def test_an_edit_after_someone_else_saved_shows_a_conflict(app: FastAPI, client: Client) -> None:
    person = a_person(app)
    editor = client("editor")
    data = edit_data(editor.get(f"/records/{person.id}/edit").text)
    Service(app.state.web.store, "someone-else").update("person", person.id, occupation="mason")
    data["occupation"] = "poet"
    response = editor.post(f"/records/{person.id}/edit", data=data, follow_redirects=False)
    assert response.status_code == 409
    conflict = response.text.split('id="form-conflict"')[1].split("</div>")[0]
    assert "<del>teacher</del>" in conflict and "<ins>mason</ins>" in conflict
    assert re.search(r'<input id="f-occupation" name="occupation" value="poet"', response.text)
    assert 'name="loaded_version" value="2"' in response.text
    stored = app.state.web.store.get("person", person.id)
    assert isinstance(stored, Person) and stored.occupation == "mason" and stored.version == 2
    # Saving again, having seen their change, is a deliberate overwrite.
    again = editor.post(f"/records/{person.id}/edit", data=edit_data(response.text), follow_redirects=False)
    assert again.status_code == 303
    stored = app.state.web.store.get("person", person.id)
    assert isinstance(stored, Person) and stored.occupation == "poet" and stored.version == 3


def test_an_edit_sent_twice_is_saved_once_without_a_conflict(app: FastAPI, client: Client) -> None:
    person = a_person(app)
    editor = client("editor")
    data = {**edit_data(editor.get(f"/records/{person.id}/edit").text), "occupation": "poet"}
    first = editor.post(f"/records/{person.id}/edit", data=data, follow_redirects=False)
    second = editor.post(f"/records/{person.id}/edit", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert [v["version"] for v in app.state.web.store.history(person.id)] == [1, 2]


def test_a_monitoring_outcome_changed_meanwhile_is_a_conflict(app: FastAPI, client: Client) -> None:
    event_id = hearing_id(app)
    monitor = client("monitor")
    form = monitor.get(f"/hearings/{event_id}/monitor").text
    loaded = re.search(r'name="loaded_version" value="(\d+)"', form)
    assert loaded
    Service(app.state.web.store, "editor1").update("event", event_id, monitoring_outcome="postponed")
    data = {"monitoring_outcome": "attended", "outcome": "", "loaded_version": loaded.group(1)}
    refused = monitor.post(f"/hearings/{event_id}/monitor", data={**data, "csrf_token": csrf_from(form)})
    assert refused.status_code == 409 and 'id="form-conflict"' in refused.text
    assert "Hearing postponed" in refused.text and '<option value="attended" selected>' in refused.text
    stored = app.state.web.store.get("event", event_id)
    assert isinstance(stored, Event) and stored.monitoring_outcome == "postponed"


def test_an_edit_with_a_bad_value_changes_nothing(app: FastAPI, client: Client) -> None:
    person = a_person(app)
    editor = client("editor")
    data = edit_data(editor.get(f"/records/{person.id}/edit").text)
    data.update({"birth_date": "2024-02-30", "occupation": "poet"})
    response = editor.post(f"/records/{person.id}/edit", data=data, follow_redirects=False)
    assert response.status_code == 422 and "there is no 30 February" in response.text
    stored = app.state.web.store.get("person", person.id)
    assert isinstance(stored, Person) and stored.version == 1 and stored.occupation == "teacher"


def test_retract_with_a_reason(app: FastAPI, client: Client) -> None:
    person = a_person(app)
    editor = client("editor")
    form = editor.get(f"/records/{person.id}/edit")
    assert f'action="/records/{person.id}/retract"' in form.text
    response = editor.post(
        f"/records/{person.id}/retract",
        data={"reason": "entered twice", "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == f"/records/{person.id}/history"
    stored = app.state.web.store.get("person", person.id)
    assert stored.retracted and stored.version == 2
    assert app.state.web.store.history(person.id)[-1]["note"] == "entered twice"
    history = editor.get(f"/records/{person.id}/history").text
    assert "entered twice" in history and "retracted" in history
    again = editor.get(f"/records/{person.id}/edit")
    assert (
        'id="retracted-notice"' in again.text and 'action="/records/' + person.id + '/edit"' not in again.text
    )
    missing = editor.post(
        f"/records/{person.id}/retract", data={"reason": "", "csrf_token": csrf_from(form.text)}
    )
    assert missing.status_code == 422


# -- who may use the forms -------------------------------------------------------------------------


def test_a_viewer_is_refused_every_form(app: FastAPI, client: Client) -> None:
    person = a_person(app)
    viewer = client("viewer")
    csrf = csrf_from(viewer.get("/").text)
    assert len(FORM_ROUTES) >= 12
    for method, path in FORM_ROUTES:
        filled = (
            path.replace("{kind}", "person")
            .replace("{record_id}", person.id)
            .replace("{event_id}", hearing_id(app))
            .replace("{version}", "1")
        )
        response = viewer.request(method, filled, data={"csrf_token": csrf} if method == "POST" else None)
        assert response.status_code == 403, f"{method} {filled}: {response.status_code}"
    assert app.state.web.store.get("person", person.id).version == 1


def test_a_monitor_records_refused_entry_but_may_not_create(app: FastAPI, client: Client) -> None:
    event_id = hearing_id(app)
    monitor = client("monitor")
    assert monitor.get("/new/person").status_code == 403
    form = monitor.get(f"/hearings/{event_id}/monitor")
    assert form.status_code == 200
    assert '<option value="refused_entry">Refused entry</option>' in form.text.replace(" selected", "")
    response = monitor.post(
        f"/hearings/{event_id}/monitor",
        data={
            "monitoring_outcome": "refused_entry",
            "outcome": "Two monitors kept out by the bailiffs.",
            "loaded_version": re.search(r'name="loaded_version" value="(\d+)"', form.text).group(1),  # type: ignore[union-attr]
            "csrf_token": csrf_from(form.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    event = app.state.web.store.get("event", event_id)
    assert isinstance(event, Event)
    assert (event.monitoring_outcome, event.outcome) == (
        "refused_entry",
        "Two monitors kept out by the bailiffs.",
    )
    assert app.state.web.store.history(event_id)[-1]["actor"] == "monitor1"
    saved = monitor.get(response.headers["location"]).text
    assert 'id="monitor-saved"' in saved and '<option value="refused_entry" selected>' in saved
    bad = monitor.post(
        f"/hearings/{event_id}/monitor",
        data={
            "monitoring_outcome": "stormed",
            "loaded_version": str(event.version),
            "csrf_token": csrf_from(saved),
        },
    )
    assert bad.status_code == 422 and "refused_entry" in bad.text and 'aria-invalid="true"' in bad.text
    assert app.state.web.store.get("event", event_id).version == event.version


def test_only_a_hearing_has_a_monitoring_outcome(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    [event] = Service(store, "test").create(
        Event(type="search", date=PartialDate.parse("2024-03-01"), visibility="restricted")
    )
    response = client("monitor").get(f"/hearings/{event.id}/monitor")
    assert response.status_code == 422 and "only a hearing" in response.text
    assert client("monitor").get("/hearings/01ARZ3NDEKTSV4RRFFQ69G5FAV/monitor").status_code == 404


def hearing_id(app: FastAPI) -> str:
    """A hearing of the demo data, visible to a monitor, in the coming weeks (else the past year)."""
    today = date.today()
    with app.state.web.store.reading() as conn:
        rows = queries.hearings_between(
            conn, today, today + timedelta(days=60), visible=frozenset({"public", "restricted"})
        ) or queries.hearings_between(
            conn, today - timedelta(days=365), today, visible=frozenset({"public", "restricted"})
        )
    assert rows and all(r.type in HEARING_EVENT_TYPES for r in rows)
    return rows[0].id


def one_of_each_kind() -> list[Record]:
    """A record of every kind with most of its fields set, lists and optional values included."""
    day = PartialDate.parse
    person, other, court, case, event, source = (new_ulid() for _ in range(6))
    return [
        Person(
            id=person,
            names=[
                PersonName(value="Rəna Hərtərəfli", language="az"),
                PersonName(value="Рена", script="Cyrl"),
            ],
            birth_date=day("1985~"),
            groups=["lawyer", "blogger"],
            consent_to_publish=True,
            clarifications={"sex": "as stated by her lawyer"},
            sex="female",
        ),
        Person(id=other, names=[PersonName(value="Tural Qohumov")], visibility="public"),
        Organisation(
            id=court,
            name="Invented District Court",
            kind="court",
            statuses=[StatusChange(status="closed", since=day("2020-05"), note="merged")],
        ),
        Case(id=case, title="Invented case", summary="two people", person_ids=[person, other]),
        Event(
            id=event,
            type="trial_hearing",
            date=day("2025-03-14"),
            scheduled_at=datetime(2025, 3, 14, 10, 30),
            organisation_id=court,
            case_id=case,
            participants=[Participant(person_id=person), Participant(person_id=other, role="witness")],
            monitoring_outcome="attended",
        ),
        Source(
            id=source, title="Invented report", published=day("2025-03"), reliability="B", credibility="2"
        ),
        Affiliation(person_id=person, organisation_id=court, role="clerk", start=day("2019")),
        Relationship(person_id=person, other_person_id=other, type="sibling"),
        Charge(person_id=person, case_id=case, article="193-1.3.1", sentence="5 years", sentence_months=60),
        CustodyPeriod(
            person_id=person,
            kind="imprisonment",
            start=day("2025-03-14"),
            end=day("2026-01"),
            authorised_until=date(2025, 12, 31),
            facility_id=court,
        ),
        Intervention(kind="hearing_attendance_request", event_id=event, actor="Invented Monitors"),
        Assessment(
            person_id=person,
            criteria=["discriminatory", "unfair_proceedings_political"],
            conclusion="political_prisoner",
        ),
        Citation(
            source_id=source, target_kind="event", target_id=event, locator="p. 3", quote="“closed” <b>"
        ),
        ContextPeriod(name="Invented summit", start=day("2024-11-11"), end=day("2024-11-22")),
    ]


def test_every_kind_comes_back_unchanged_through_its_edit_form(app: FastAPI, client: Client) -> None:
    """The edit form of each kind, sent back untouched, reads as the very record it shows."""
    created = Service(app.state.web.store, "test").create(*one_of_each_kind())
    assert {r.KIND for r in created} == set(RECORD_TYPES)
    editor = client("editor")
    for record in created:
        form = editor.get(f"/records/{record.id}/edit")
        assert form.status_code == 200, record.KIND
        response = editor.post(
            f"/records/{record.id}/edit", data=edit_data(form.text), follow_redirects=False
        )
        assert response.status_code == 303, (record.KIND, response.text[:2000])
        assert app.state.web.store.get(record.KIND, record.id) == record, record.KIND
        assert len(app.state.web.store.history(record.id)) == 1, (
            f"{record.KIND}: nothing changed, nothing written"
        )


def test_a_change_in_a_row_of_a_list_is_saved(app: FastAPI, client: Client) -> None:
    created = Service(app.state.web.store, "test").create(*one_of_each_kind())
    event = next(r for r in created if isinstance(r, Event))
    editor = client("editor")
    data = edit_data(editor.get(f"/records/{event.id}/edit").text)
    assert data["participants-1-role"] == "witness" and data["scheduled_at"] == "2025-03-14T10:30"
    data.update({"participants-1-role": "lawyer", "participants-0-person_id": ""})  # the first row emptied
    response = editor.post(f"/records/{event.id}/edit", data=data, follow_redirects=False)
    assert response.status_code == 303
    stored = app.state.web.store.get("event", event.id)
    assert isinstance(stored, Event)
    assert [(p.person_id, p.role) for p in stored.participants] == [
        (event.participants[1].person_id, "lawyer")
    ]


def test_numbers_and_times_out_of_range_are_refused_by_name() -> None:
    """A number SQL cannot store, or a time with an offset that would be lost, names the field."""
    from habeas.web import form_fields

    with pytest.raises(ValidationError, match="charge.sentence_months.*from 0 to 2147483647"):
        form_fields._number("99999999999999999999", "charge.sentence_months")
    assert form_fields._number("18", "charge.sentence_months") == 18
    with pytest.raises(ValidationError, match="without a time-zone offset"):
        form_fields._datetime("2026-11-28T10:30+05:00", "event.scheduled_at")
    assert form_fields._datetime("2026-11-28T10:30", "event.scheduled_at").hour == 10
