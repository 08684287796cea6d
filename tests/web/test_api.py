"""The JSON API through the real app: every kind's list, read, create, change and retract, its errors,
its visibility rules and its OpenAPI schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.accounts import Accounts
from habeas.domain.dates import DATE_FORMS
from habeas.domain.records import RECORD_TYPES, fields_of
from habeas.domain.vocabulary import vocabulary
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage import queries
from habeas.web.api_models import MODELS, PLURALS, ULID_PATTERN

from .conftest import WebDb

API = "/api/v1"
MISSING_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"  # a well-formed ULID that names nothing

Api = Callable[[str], TestClient]


@pytest.fixture
def api(app: FastAPI, web_db: WebDb) -> Iterator[Api]:
    """`api(role)`: a TestClient that sends a fresh API token of that role's account."""
    opened: list[TestClient] = []
    store = web_db.store()

    def make(role: str) -> TestClient:
        token = Accounts(store).create_token(web_db.accounts[role].username, label="test")
        client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()
    store.close()


def created(client: TestClient, plural: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{API}/{plural}", json=body)
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    assert response.headers["location"] == f"{API}/{plural}/{record['id']}"
    return record


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()["error"]
    assert body["status"] == status
    return body


# -- every kind, end to end ----------------------------------------------------------------


@pytest.fixture
def bodies(api: Api) -> dict[str, dict[str, Any]]:
    """A valid, fully filled-in POST body for every kind (with the records they refer to created first)."""
    editor = api("editor")
    person = created(editor, "people", {"names": [{"value": "Röya Testova"}], "visibility": "public"})
    other = created(editor, "people", {"names": [{"value": "Elçin Testov"}], "visibility": "public"})
    org = created(editor, "organisations", {"name": "Test Court", "kind": "court", "visibility": "public"})
    case = created(editor, "cases", {"title": "Test case", "visibility": "public"})
    source = created(editor, "sources", {"title": "Test report"})
    event = created(editor, "events", {"type": "arrest", "date": "2024-03", "visibility": "public"})
    return {
        "person": {
            "names": [
                {"value": "Anar Məmmədli", "script": "Latn", "language": "az", "kind": "native"},
                {"value": "Анар Мамедли", "script": "Cyrl", "language": "ru", "kind": "transliteration"},
            ],
            "sex": "male",
            "birth_date": "1975-04-XX",
            "birth_place": "Baku",
            "citizenship": "AZ",
            "occupation": "<b>journalist</b>",
            "groups": ["journalist", "human_rights_defender"],
            "consent_to_publish": True,
            "notes": "<script>alert(1)</script>",
            "visibility": "restricted",
            "clarifications": {"groups": "his own words, 2024 interview"},
        },
        "organisation": {
            "name": "Abzas Test",
            "kind": "media_outlet",
            "place": "Baku",
            "statuses": [{"status": "closed", "since": "2023-11-20", "note": "raided"}],
            "notes": "",
            "visibility": "public",
        },
        "affiliation": {
            "person_id": person["id"],
            "organisation_id": org["id"],
            "role": "editor",
            "start": "2019",
            "end": "2023-11~",
        },
        "relationship": {
            "person_id": person["id"],
            "other_person_id": other["id"],
            "type": "spouse",
            "start": "2001-06-12",
            "end": None,
        },
        "case": {
            "title": "The Test Media case",
            "summary": "eleven journalists",
            "person_ids": [person["id"]],
        },
        "charge": {
            "person_id": person["id"],
            "case_id": case["id"],
            "code": "CC",
            "article": "206.3.2",
            "label": "smuggling",
            "brought": "2023-12-01",
            "status": "convicted",
            "sentence": "9 years",
            "sentence_months": 108,
        },
        "custody_period": {
            "person_id": person["id"],
            "kind": "pre_trial_detention",
            "start": "2023-11-21",
            "end": None,
            "authorised_until": "2025-02-20",
            "facility_id": org["id"],
            "case_id": case["id"],
            "place": "Baku pre-trial centre",
        },
        "event": {
            "type": "trial_hearing",
            "date": "2024-11-20",
            "scheduled_at": "2024-11-20T10:30:00",
            "place": "Baku Grave Crimes Court",
            "organisation_id": org["id"],
            "case_id": case["id"],
            "participants": [{"person_id": person["id"], "role": "victim"}],
            "outcome": "adjourned",
            "monitoring_outcome": "refused_entry",
            "summary": "monitors kept outside",
        },
        "intervention": {
            "kind": "hearing_attendance_request",
            "person_id": person["id"],
            "event_id": event["id"],
            "actor": "Embassy of Testland",
            "target": "court",
            "date": "2024-11",
            "request": "to attend",
            "response": "refused",
            "outcome": "",
        },
        "assessment": {
            "person_id": person["id"],
            "criteria": ["purely_political_no_offence"],
            "conclusion": "political_prisoner",
            "decided_by": "working group",
            "decided_on": "2024-40",
            "rationale": "no offence",
        },
        "source": {
            "title": "Amnesty-like report",
            "kind": "report",
            "publisher": "Test NGO",
            "author": "",
            "published": "2025-01-24",
            "url": "https://example.org/report",
            "language": "en",
            "reliability": "B",
            "credibility": "2",
            "text": "long text",
        },
        "citation": {
            "source_id": source["id"],
            "target_kind": "person",
            "target_id": person["id"],
            "target_field": "groups",
            "locator": "p. 4",
            "quote": "a journalist",
            "note": "",
        },
        "context_period": {
            "name": "COP29 test",
            "start": "2024-11-11",
            "end": "2024-11-22",
            "description": "climate summit",
        },
    }


# A field of each kind to change in a PATCH, and its new value.
CHANGES: dict[str, tuple[str, Any]] = {
    "person": ("birth_date", "1975-04-03"),
    "organisation": ("place", "Tbilisi"),
    "affiliation": ("end", None),
    "relationship": ("type", "sibling"),
    "case": ("summary", "twelve journalists"),
    "charge": ("sentence_months", 96),
    "custody_period": ("end", "2025-03-01"),
    "event": ("monitoring_outcome", "attended"),
    "intervention": ("response", "granted"),
    "assessment": ("criteria", ["discriminatory", "unfair_proceedings_political"]),
    "source": ("reliability", "A"),
    "citation": ("locator", "p. 5"),
    "context_period": ("end", "2024-11-24"),
}


def test_every_record_kind_has_a_plural_and_a_change() -> None:
    assert set(PLURALS) == set(RECORD_TYPES) == set(CHANGES)


@pytest.mark.parametrize("kind", sorted(RECORD_TYPES))
def test_create_read_list_patch_retract(kind: str, api: Api, bodies: dict[str, dict[str, Any]]) -> None:
    editor, plural, body = api("editor"), PLURALS[kind], bodies[kind]
    before = editor.get(f"{API}/{plural}", params={"limit": 1}).json()["total"]

    record = created(editor, plural, body)
    # The round trip: what was sent comes back, with the stamps habeas adds.
    assert {name: record[name] for name in body} == body
    assert record["version"] == 1 and record["retracted"] is False
    assert record["created_at"] == record["updated_at"]
    MODELS[kind].record.model_validate(record)
    assert editor.get(f"{API}/{plural}/{record['id']}").json() == record

    listed = editor.get(f"{API}/{plural}", params={"limit": 200}).json()
    assert listed["total"] == before + 1
    assert listed["limit"] == 200 and listed["offset"] == 0
    found = [item for item in listed["items"] if item["id"] == record["id"]]
    assert found == [record] or listed["total"] > 200

    name, value = CHANGES[kind]
    assert record[name] != value
    response = editor.patch(f"{API}/{plural}/{record['id']}", json={name: value, "version": 1})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed[name] == value and changed["version"] == 2
    assert {k: v for k, v in changed.items() if k not in (name, "version", "updated_at")} == {
        k: v for k, v in record.items() if k not in (name, "version", "updated_at")
    }
    assert editor.get(f"{API}/{plural}/{record['id']}").json() == changed

    stale = editor.patch(f"{API}/{plural}/{record['id']}", json={name: record[name], "version": 1})
    assert "version 2" in error(stale, 409)["message"]
    assert editor.get(f"{API}/{plural}/{record['id']}").json()["version"] == 2

    retract = editor.post(f"{API}/{plural}/{record['id']}/retract", json={"reason": "test", "version": 2})
    assert retract.status_code == 200, retract.text
    assert retract.json()["retracted"] is True and retract.json()["version"] == 3
    assert editor.get(f"{API}/{plural}", params={"limit": 1}).json()["total"] == before
    # Still readable by id (as retracted), but no longer changeable.
    assert editor.get(f"{API}/{plural}/{record['id']}").json()["retracted"] is True
    again = editor.patch(f"{API}/{plural}/{record['id']}", json={name: record[name], "version": 3})
    assert "retracted" in error(again, 409)["message"]


def test_a_patch_without_changes_writes_no_version(api: Api) -> None:
    editor = api("editor")
    person = created(editor, "people", {"names": [{"value": "Same Name"}]})
    response = editor.patch(f"{API}/people/{person['id']}", json={"names": person["names"], "version": 1})
    assert response.status_code == 200 and response.json() == person
    history = editor.get(f"{API}/records/{person['id']}/history").json()
    assert [v["action"] for v in history["versions"]] == ["create"]


def test_lists_page_through_every_record(api: Api) -> None:
    editor = api("editor")
    first = editor.get(f"{API}/people", params={"limit": 7}).json()
    second = editor.get(f"{API}/people", params={"limit": 7, "offset": 7}).json()
    assert len(first["items"]) == len(second["items"]) == 7
    assert first["total"] == second["total"] >= 60
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    everyone: list[dict[str, Any]] = []
    for offset in range(0, first["total"], 200):
        everyone += editor.get(f"{API}/people", params={"limit": 200, "offset": offset}).json()["items"]
    assert len({p["id"] for p in everyone}) == first["total"]
    past_the_end = editor.get(f"{API}/people", params={"offset": first["total"]}).json()
    assert past_the_end["items"] == [] and past_the_end["total"] == first["total"]


def test_every_listed_record_matches_its_documented_model(api: Api) -> None:
    editor = api("editor")
    for kind, plural in PLURALS.items():
        page = editor.get(f"{API}/{plural}", params={"limit": 200}).json()
        MODELS[kind].list.model_validate(page)
        assert all(item["retracted"] is False for item in page["items"])


def test_people_are_found_by_any_spelling_and_filtered(api: Api, bodies: dict[str, dict[str, Any]]) -> None:
    editor = api("editor")
    person = created(editor, "people", bodies["person"])
    for spelling in ("məmmədli", "Мамедли", "Anar"):
        found = editor.get(f"{API}/people", params={"q": spelling}).json()
        assert person["id"] in [p["id"] for p in found["items"]], spelling
        assert found["total"] == len(found["items"])
    journalists = editor.get(f"{API}/people", params={"group": "journalist", "limit": 200}).json()
    assert journalists["items"] and all("journalist" in p["groups"] for p in journalists["items"])
    bad = error(editor.get(f"{API}/people", params={"group": "spy"}), 422)
    assert bad["field"] == "group" and "journalist" in bad["reason"]
    typo = error(editor.get(f"{API}/people", params={"groups": "journalist"}), 422)
    assert typo["field"] == "groups" and "group" in typo["reason"]


def test_cases_sources_and_organisations_take_a_search(api: Api) -> None:
    editor = api("editor")
    case = created(editor, "cases", {"title": "Quite Unusual Title"})
    found = editor.get(f"{API}/cases", params={"q": "unusual"}).json()
    assert [c["id"] for c in found["items"]] == [case["id"]] and found["total"] == 1


# -- errors ----------------------------------------------------------------------------------


def test_missing_and_bad_tokens_are_refused(
    app: FastAPI, web_db: WebDb, client: Callable[[str], TestClient]
) -> None:
    anonymous = TestClient(app)
    response = anonymous.get(f"{API}/people")
    assert error(response, 401)["message"].startswith("sign in")
    assert response.headers["www-authenticate"] == "Bearer"
    for header in ("Bearer hbs_not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "hbs_x"):
        assert anonymous.get(f"{API}/people", headers={"Authorization": header}).status_code == 401
    # A browser session is no API credential.
    assert client("editor").get(f"{API}/people").status_code == 401
    # A disabled account's token, and a revoked token, stop working at once.
    store = web_db.store()
    try:
        accounts = Accounts(store)
        token = accounts.create_token(web_db.accounts["documenter"].username)
        headers = {"Authorization": f"Bearer {token}"}
        assert anonymous.get(f"{API}/people", headers=headers).status_code == 200
        accounts.disable(web_db.accounts["documenter"].username)
        assert anonymous.get(f"{API}/people", headers=headers).status_code == 401
        accounts.enable(web_db.accounts["documenter"].username)
        accounts.revoke_tokens(web_db.accounts["documenter"].username)
        assert anonymous.get(f"{API}/people", headers=headers).status_code == 401
    finally:
        store.close()


def test_roles_are_held_to_their_permissions(api: Api) -> None:
    viewer, documenter, editor = api("viewer"), api("documenter"), api("editor")
    body = {"names": [{"value": "Nobody Test"}]}
    before = editor.get(f"{API}/people", params={"limit": 1}).json()["total"]
    assert error(viewer.post(f"{API}/people", json=body), 403)["message"].startswith("your role")
    assert error(api("monitor").post(f"{API}/people", json=body), 403)
    person = created(documenter, "people", body)
    patch = {"notes": "x", "version": 1}
    assert error(documenter.patch(f"{API}/people/{person['id']}", json=patch), 403)
    assert error(viewer.patch(f"{API}/people/{person['id']}", json=patch), 403)
    retract = {"reason": "x", "version": 1}
    assert error(documenter.post(f"{API}/people/{person['id']}/retract", json=retract), 403)
    assert error(documenter.get(f"{API}/records/{person['id']}/history"), 403)
    assert editor.get(f"{API}/people", params={"limit": 1}).json()["total"] == before + 1
    assert editor.get(f"{API}/people/{person['id']}").json()["notes"] == ""


def test_bad_bodies_are_refused_with_the_field_and_the_reason(api: Api) -> None:
    editor = api("editor")
    before = editor.get(f"{API}/people", params={"limit": 1}).json()["total"]
    url = f"{API}/people"

    bad_json = editor.post(url, content=b'{"names": [', headers={"content-type": "application/json"})
    assert error(bad_json, 422)["errors"]

    wrong_type = error(editor.post(url, json={"names": "Anar"}), 422)
    assert wrong_type["errors"][0]["field"] == "names"

    not_a_bool = error(editor.post(url, json={"names": [{"value": "A"}], "consent_to_publish": "yes"}), 422)
    assert not_a_bool["errors"][0]["field"] == "consent_to_publish"

    unknown_field = error(editor.post(url, json={"names": [{"value": "A"}], "nickname": "x"}), 422)
    assert unknown_field["errors"][0]["field"] == "nickname"
    assert "extra" in unknown_field["errors"][0]["reason"].lower()

    no_names = error(editor.post(url, json={"names": []}), 422)
    assert no_names["errors"][0]["field"] == "names"

    bad_date = error(editor.post(url, json={"names": [{"value": "A"}], "birth_date": "2023-02-29"}), 422)
    assert bad_date["errors"][0]["field"] == "birth_date"
    assert "not a leap year" in bad_date["errors"][0]["reason"]
    assert DATE_FORMS in bad_date["errors"][0]["reason"]

    bad_code = error(editor.post(url, json={"names": [{"value": "A"}], "groups": ["spy"]}), 422)
    assert bad_code["errors"][0]["field"] == "groups.0"
    assert "journalist" in bad_code["errors"][0]["reason"]

    nested = error(editor.post(url, json={"names": [{"value": "A", "script": "Grek"}]}), 422)
    assert nested["errors"][0]["field"] == "names.0.script"

    control = error(editor.post(url, json={"names": [{"value": "A\u0000B"}]}), 422)
    assert control["errors"][0]["field"] == "names.0.value"

    blank = error(editor.post(url, json={"names": [{"value": "   "}]}), 422)
    assert blank["field"] == "person.names.value" and blank["reason"] == "this field is required"

    too_big = editor.post(url, content=b"x" * (1024 * 1024 + 1), headers={"content-type": "application/json"})
    assert too_big.status_code == 413

    assert editor.get(f"{API}/people", params={"limit": 1}).json()["total"] == before


def test_domain_rules_and_references_answer_422_naming_the_field(api: Api) -> None:
    editor = api("editor")
    person = created(editor, "people", {"names": [{"value": "Ref Test"}]})
    missing = error(editor.post(f"{API}/charges", json={"person_id": MISSING_ID, "article": "206.3.2"}), 422)
    assert missing["field"] == "charge.person_id" and missing["value"] == MISSING_ID
    assert "no person with this id" in missing["reason"]
    bad_article = error(
        editor.post(f"{API}/charges", json={"person_id": person["id"], "article": "two"}), 422
    )
    assert bad_article["errors"][0]["field"] == "article"
    backwards = {"person_id": person["id"], "kind": "imprisonment", "start": "2024-05", "end": "2023"}
    order = error(editor.post(f"{API}/custody-periods", json=backwards), 422)
    assert order["field"] == "custody_period.end" and "ends before the start" in order["reason"]
    itself = {"person_id": person["id"], "other_person_id": person["id"]}
    assert (
        error(editor.post(f"{API}/relationships", json=itself), 422)["field"]
        == "relationship.other_person_id"
    )
    no_kind = error(editor.post(f"{API}/custody-periods", json={"person_id": person["id"]}), 422)
    assert no_kind["errors"][0]["field"] == "kind"


def test_unknown_ids_and_versions(api: Api) -> None:
    editor = api("editor")
    assert error(editor.get(f"{API}/people/{MISSING_ID}"), 404)["message"].startswith("no person")
    assert error(editor.get(f"{API}/people/not-a-ulid"), 422)["errors"][0]["field"] == "record_id"
    assert error(editor.patch(f"{API}/events/{MISSING_ID}", json={"version": 1}), 404)
    assert error(editor.post(f"{API}/events/{MISSING_ID}/retract", json={"reason": "x", "version": 1}), 404)
    assert error(editor.get(f"{API}/records/{MISSING_ID}/history"), 404)
    person = created(editor, "people", {"names": [{"value": "Version Test"}]})
    # A person's id is not an event's.
    assert error(editor.get(f"{API}/events/{person['id']}"), 404)
    no_version = error(editor.patch(f"{API}/people/{person['id']}", json={"notes": "x"}), 422)
    assert no_version["errors"][0]["field"] == "version"
    assert error(editor.patch(f"{API}/people/{person['id']}", json={"notes": "x", "version": 7}), 409)
    assert error(editor.post(f"{API}/people/{person['id']}/retract", json={"reason": "x", "version": 2}), 409)
    assert error(editor.patch(f"{API}/people/{person['id']}", json={"names": None, "version": 1}), 422)
    # A client may choose the id of a new record, once.
    chosen = {"id": "01JD3Q8M6ZB4Y2V7W9X0K1N5PR", "names": [{"value": "Chosen Id"}]}
    assert created(editor, "people", chosen)["id"] == chosen["id"]
    assert "taken" in error(editor.post(f"{API}/people", json=chosen), 409)["message"]
    assert error(editor.post(f"{API}/events", json={"id": person["id"], "type": "arrest"}), 409)


def test_limits_are_checked(api: Api) -> None:
    editor = api("editor")
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"}):
        assert error(editor.get(f"{API}/sources", params=params), 422)["errors"]


# -- visibility --------------------------------------------------------------------------------


@pytest.fixture
def secret(api: Api) -> dict[str, Any]:
    """A confidential person held today, with a public charge and a public hearing with a public person."""
    editor = api("editor")
    person = created(
        editor,
        "people",
        {"names": [{"value": "Gizli Şəxs"}], "visibility": "confidential", "groups": ["blogger"]},
    )
    shown = created(editor, "people", {"names": [{"value": "Açıq Şəxs"}], "visibility": "public"})
    created(
        editor,
        "custody-periods",
        {"person_id": person["id"], "kind": "imprisonment", "start": "2020-01-01", "visibility": "public"},
    )
    charge = created(
        editor, "charges", {"person_id": person["id"], "article": "168.2", "visibility": "public"}
    )
    case = created(editor, "cases", {"title": "Mixed case", "person_ids": [person["id"], shown["id"]]})
    hearing = created(
        editor,
        "events",
        {
            "type": "trial_hearing",
            "visibility": "public",
            "participants": [
                {"person_id": person["id"], "role": "victim"},
                {"person_id": shown["id"], "role": "victim"},
            ],
        },
    )
    source = created(editor, "sources", {"title": "Secret source", "visibility": "confidential"})
    return {
        "person": person,
        "shown": shown,
        "charge": charge,
        "case": case,
        "hearing": hearing,
        "source": source,
    }


def test_a_viewer_never_sees_a_confidential_record(api: Api, secret: dict[str, Any]) -> None:
    viewer, editor = api("viewer"), api("editor")
    person = secret["person"]
    missing = error(viewer.get(f"{API}/people/{MISSING_ID}"), 404)
    hidden = error(viewer.get(f"{API}/people/{person['id']}"), 404)
    assert hidden["message"] == missing["message"].replace(MISSING_ID, person["id"])
    assert error(viewer.get(f"{API}/sources/{secret['source']['id']}"), 404)
    # Nor anything that cannot exist without it: its charge goes with it.
    assert error(viewer.get(f"{API}/charges/{secret['charge']['id']}"), 404)
    assert editor.get(f"{API}/charges/{secret['charge']['id']}").status_code == 200

    for role, sees in (("viewer", False), ("editor", True)):
        client = api(role)
        found = client.get(f"{API}/people", params={"q": "Gizli"}).json()
        assert (found["total"], [p["id"] for p in found["items"]]) == (
            (1, [person["id"]]) if sees else (0, [])
        )
        bloggers = client.get(f"{API}/people", params={"group": "blogger", "limit": 200}).json()
        assert (person["id"] in [p["id"] for p in bloggers["items"]]) is sees
        assert bloggers["total"] == len(bloggers["items"])
        charges = _all(client, "charges")
        assert (secret["charge"]["id"] in charges) is sees
        sources = _all(client, "sources")
        assert (secret["source"]["id"] in sources) is sees
        if not sees:
            assert all(item["visibility"] != "confidential" for item in sources.values())

    # Lists and totals: the viewer's are the editor's less what is confidential or hangs on it.
    for plural in ("people", "sources", "citations", "relationships", "charges"):
        theirs, ours = _all(viewer, plural), _all(editor, plural)
        assert set(theirs) < set(ours) or (set(theirs) == set(ours) and plural != "people")
        assert all(item["visibility"] != "confidential" for item in theirs.values())

    # References to hidden records are taken out of what the viewer sees.
    case = viewer.get(f"{API}/cases/{secret['case']['id']}").json()
    assert case["person_ids"] == [secret["shown"]["id"]]
    hearing = viewer.get(f"{API}/events/{secret['hearing']['id']}").json()
    assert [p["person_id"] for p in hearing["participants"]] == [secret["shown"]["id"]]
    assert len(editor.get(f"{API}/events/{secret['hearing']['id']}").json()["participants"]) == 2


def _all(client: TestClient, plural: str) -> dict[str, dict[str, Any]]:
    """Every record of a list, by id, reading all its pages."""
    out: dict[str, dict[str, Any]] = {}
    offset, total = 0, 1
    while offset < total:
        page = client.get(f"{API}/{plural}", params={"limit": 200, "offset": offset}).json()
        out.update({item["id"]: item for item in page["items"]})
        total, offset = page["total"], offset + 200
    assert len(out) == total
    return out


def test_the_held_report_counts_only_what_the_caller_may_see(
    api: Api, secret: dict[str, Any], web_db: WebDb, app: FastAPI
) -> None:
    day = app.state.web.clock().date().isoformat()
    viewer = api("viewer").get(f"{API}/held", params={"on": day}).json()
    editor = api("editor").get(f"{API}/held").json()
    assert editor["date"] == day
    store = web_db.store()
    try:
        with store.reading() as conn:
            everyone = queries.held_on(conn, date.fromisoformat(day), visible=ALL_VISIBILITY).as_json()
    finally:
        store.close()
    assert editor == everyone
    assert secret["person"]["id"] in [p["id"] for p in editor["people"]]
    assert secret["person"]["id"] not in [p["id"] for p in viewer["people"]]
    assert viewer["total"] == len(viewer["people"]) < editor["total"]
    assert viewer["by_group"].get("blogger", 0) < editor["by_group"]["blogger"]
    bad = error(api("viewer").get(f"{API}/held", params={"on": "2024-02-30"}), 422)
    assert bad["field"] == "on" and "February" in bad["reason"]


# -- history ------------------------------------------------------------------------------------


def test_history_lists_every_version(api: Api, web_db: WebDb) -> None:
    editor = api("editor")
    person = created(editor, "people", {"names": [{"value": "History Test"}]})
    editor.patch(f"{API}/people/{person['id']}", json={"occupation": "lawyer", "version": 1})
    history = editor.get(f"{API}/records/{person['id']}/history").json()
    assert history["kind"] == "person" and history["id"] == person["id"]
    versions = history["versions"]
    assert [(v["version"], v["action"]) for v in versions] == [(1, "create"), (2, "update")]
    assert versions[1]["actor"] == web_db.accounts["editor"].username
    assert versions[0]["record"]["occupation"] == "" and versions[1]["record"]["occupation"] == "lawyer"
    # An account's history is not a record's.
    store = web_db.store()
    try:
        user_id = Accounts(store).get(web_db.accounts["viewer"].username).id
    finally:
        store.close()
    assert error(editor.get(f"{API}/records/{user_id}/history"), 404)


# -- the schema ---------------------------------------------------------------------------------


def test_the_openapi_schema_describes_every_field(api: Api) -> None:
    schema = TestClient(api("viewer").app).get(f"{API}/openapi.json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "an API token from `habeas token create`: Authorization: Bearer hbs_…",
    }
    for kind, plural in PLURALS.items():
        assert set(paths[f"{API}/{plural}"]) == {"get", "post"}
        assert set(paths[f"{API}/{plural}/{{record_id}}"]) == {"get", "patch"}
        assert set(paths[f"{API}/{plural}/{{record_id}}/retract"]) == {"post"}
        post = paths[f"{API}/{plural}"]["post"]
        assert {"201", "401", "403", "409", "422"} <= set(post["responses"])
        models = MODELS[kind]
        record = components[models.record.__name__]
        fields = [f.name for f in fields_of(RECORD_TYPES[kind])]
        assert set(record["properties"]) == set(fields) and set(record["required"]) == set(fields)
        assert record["properties"]["id"]["pattern"] == ULID_PATTERN
        create = components[models.create.__name__]
        assert create["additionalProperties"] is False
        assert "version" in components[models.patch.__name__]["required"]
    person = components["PersonCreate"]["properties"]
    assert person["birth_date"]["pattern"].startswith("^")
    assert DATE_FORMS in person["birth_date"]["description"]
    assert person["groups"]["items"]["enum"] == list(vocabulary("group").codes())
    custody = components["CustodyPeriodCreate"]
    assert custody["properties"]["kind"]["enum"] == list(vocabulary("custody_kind").codes())
    assert set(custody["required"]) == {"person_id", "kind"}
    assert custody["properties"]["person_id"]["pattern"] == ULID_PATTERN
    assert {"held", "record_history"} <= {
        op["operationId"].split("_api_")[0] for item in paths.values() for op in item.values()
    }
    # No page of the app is in the API's schema.
    assert all(path.startswith(API) for path in paths)
