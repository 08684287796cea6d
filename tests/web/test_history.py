"""A record's history: every version with a field-by-field diff, and revert to an earlier version."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.domain.dates import PartialDate
from habeas.domain.records import Event, Participant, Person, PersonName
from habeas.service import Service
from habeas.web.history import diff

from .conftest import WebDb, csrf_from

Client = Callable[[str], TestClient]


def edited_person(app: FastAPI) -> Person:
    """A person at version 3: created, then occupation and groups changed, then a name added."""
    service = Service(app.state.web.store, "documenter1")
    [person] = service.create(
        Person(names=[PersonName(value="Hista Versiyeva")], occupation="teacher", groups=["journalist"])
    )
    Service(app.state.web.store, "editor1").update(
        "person", person.id, occupation="vandalised", groups=["journalist", "blogger"]
    )
    names = [PersonName(value="Hista Versiyeva"), PersonName(value="Хиста Версиева", script="Cyrl")]
    updated = service.update("person", person.id, names=names)
    assert isinstance(updated, Person) and updated.version == 3
    return updated


def section(html: str, version: int) -> str:
    return html.split(f'<section class="version" id="v{version}">')[1].split("</section>")[0]


def test_the_history_shows_every_version_with_its_diff(app: FastAPI, client: Client) -> None:
    person = edited_person(app)
    page = client("editor").get(f"/records/{person.id}/history")
    assert page.status_code == 200
    html = page.text
    assert html.index('id="v3"') < html.index('id="v2"') < html.index('id="v1"')  # newest first
    created = section(html, 1)
    assert "Version 1: create" in created and "documenter1" in created
    assert "<ins>teacher</ins>" in created and "<ins>Journalist</ins>" in created
    changed = section(html, 2)
    assert "editor1" in changed
    assert (
        '<th scope="row">Occupation</th><td><del>teacher</del></td><td><ins>vandalised</ins></td>' in changed
    )
    assert "<del>Journalist</del></td><td><ins>Journalist, Blogger</ins>" in changed
    assert "Name" not in changed  # the names did not change in version 2
    renamed = section(html, 3)
    assert "<ins>Hista Versiyeva (Latin" in renamed and "Хиста Версиева (Cyrillic" in renamed
    assert "Occupation" not in renamed
    # a revert button for every version but the current one
    assert (
        f'action="/records/{person.id}/revert/1"' in html
        and f'action="/records/{person.id}/revert/2"' in html
    )
    assert f'action="/records/{person.id}/revert/3"' not in html


def test_revert_restores_the_old_value(app: FastAPI, client: Client) -> None:
    person = edited_person(app)
    editor = client("editor")
    page = editor.get(f"/records/{person.id}/history")
    response = editor.post(
        f"/records/{person.id}/revert/1", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == f"/records/{person.id}/history"
    current = app.state.web.store.get("person", person.id)
    assert isinstance(current, Person)
    assert (current.version, current.occupation, current.groups) == (4, "teacher", ["journalist"])
    assert [n.value for n in current.names] == ["Hista Versiyeva"]
    last = app.state.web.store.history(person.id)[-1]
    assert (last["action"], last["actor"], last["note"]) == ("revert", "editor1", "to version 1")
    after = editor.get(f"/records/{person.id}/history").text
    reverted = section(after, 4)
    assert "Version 4: revert" in reverted and "to version 1" in reverted
    assert "<del>vandalised</del></td><td><ins>teacher</ins>" in reverted
    assert app.state.web.store.verify_audit().ok


def test_revert_undoes_a_retraction(app: FastAPI, client: Client) -> None:
    person = edited_person(app)
    Service(app.state.web.store, "editor1").retract("person", person.id, "duplicate")
    editor = client("editor")
    page = editor.get(f"/records/{person.id}/history").text
    assert "duplicate" in page and '<span class="warn">retracted</span>' in page
    editor.post(f"/records/{person.id}/revert/3", data={"csrf_token": csrf_from(page)})
    current = app.state.web.store.get("person", person.id)
    assert not current.retracted and current.version == 5


def test_an_unknown_version_is_refused(app: FastAPI, client: Client) -> None:
    person = edited_person(app)
    editor = client("editor")
    csrf = csrf_from(editor.get("/").text)
    refused = editor.post(f"/records/{person.id}/revert/9", data={"csrf_token": csrf})
    assert refused.status_code == 422 and "versions of" in refused.text
    assert app.state.web.store.get("person", person.id).version == 3


def test_no_history_for_what_is_not_a_visible_record(app: FastAPI, client: Client, web_db: WebDb) -> None:
    editor = client("editor")
    assert editor.get("/records/01ARZ3NDEKTSV4RRFFQ69G5FAV/history").status_code == 404
    # user accounts keep their versions in the same history, but are no record
    user = app.state.web.accounts.get(web_db.accounts["viewer"].username)
    assert editor.get(f"/records/{user.id}/history").status_code == 404
    assert editor.get(f"/records/{user.id}/edit").status_code == 404
    csrf = csrf_from(editor.get("/").text)
    assert editor.post(f"/records/{user.id}/revert/1", data={"csrf_token": csrf}).status_code == 404
    person = edited_person(app)
    for role in ("viewer", "monitor", "documenter"):
        assert client(role).get(f"/records/{person.id}/history").status_code == 403


def test_the_diff_reads_vocabularies_rows_and_dates() -> None:
    from habeas.storage import codec

    before = Event(
        id="01ARZ3NDEKTSV4RRFFQ69G5FAV",
        type="trial_hearing",
        date=PartialDate.parse("2024-11-20"),
        participants=[Participant(person_id="01ARZ3NDEKTSV4RRFFQ69G5FAA", role="victim")],
    )
    after = Event(
        id=before.id,
        type="trial_hearing",
        date=PartialDate.parse("2024-11~"),
        participants=before.participants,
        monitoring_outcome="refused_entry",
        version=2,
    )
    changes = {c.field: (c.old, c.new) for c in diff(codec.snapshot(before), codec.snapshot(after), "en")}
    assert changes == {"date": ("2024-11-20", "2024-11~"), "monitoring_outcome": ("", "Refused entry")}
    in_russian = diff(codec.snapshot(before), codec.snapshot(after), "ru")
    assert ("monitoring_outcome", "Не допущен") in {(c.field, c.new) for c in in_russian}
    created = {c.field: c.new for c in diff(None, codec.snapshot(before), "en")}
    assert created["type"] == "Trial hearing"
    assert created["participants"] == "01ARZ3NDEKTSV4RRFFQ69G5FAA (Victim)"
    assert re.fullmatch(r"2024-11-20", created["date"])
