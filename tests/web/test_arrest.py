"""The one-form arrest: a new or an existing person, the arrest, custody, charge, source and citations."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.domain.names import guess_script
from habeas.domain.records import Charge, Citation, CustodyPeriod, Event, Organisation, Person, Source
from habeas.errors import NotFound
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage import queries

from .conftest import csrf_from

Client = Callable[[str], TestClient]
ULID = r"[0-9A-Z]{26}"


def hidden(html: str) -> dict[str, str]:
    """The form's hidden fields: the CSRF token and the new records' ids."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def options(html: str, select: str) -> list[str]:
    """The non-empty option values of a <select>."""
    body = html.split(f'<select id="{select}"')[1].split("</select>")[0]
    return [v for v in re.findall(r'<option value="([^"]*)"', body) if v]


def arrest_data(html: str, **fields: object) -> dict[str, object]:
    day = date.today().isoformat()
    return {
        **hidden(html),
        "person_id": "",
        "name_0": "Лейла Арестова",
        "script_0": "",
        "name_1": "Leyla Arestova",
        "script_1": "Latn",
        "groups": ["journalist"],
        "visibility": "restricted",
        "event_date": day,
        "event_place": "Baku, at her home",
        "custody_kind": "pre_trial_detention",
        "custody_start": "",
        "charge_code": "CC",
        "charge_article": "206.3.2",
        "charge_label": "smuggling",
        "source_id": "",
        "source_title": "Journalist arrested in Baku",
        "source_kind": "news",
        "source_publisher": "Invented News",
        "source_url": "https://news.invalid/arrest",
        "source_published": day,
        "source_reliability": "B",
        "source_credibility": "2",
        "citation_locator": "paragraph 2",
        "citation_quote": "She was detained at dawn.",
        "action": "save",
        **fields,
    }


def held_today(app: FastAPI) -> int:
    with app.state.web.store.reading() as conn:
        return queries.held_on(conn, date.today(), visible=ALL_VISIBILITY).total


def people(app: FastAPI) -> int:
    with app.state.web.store.reading() as conn:
        return queries.count_people(conn, "", visible=ALL_VISIBILITY)


def records_of(app: FastAPI, person_id: str, kind: str) -> list[object]:
    store = app.state.web.store
    with store.reading() as conn:
        ids = queries.person_record_ids(conn, person_id, kind, visible=ALL_VISIBILITY)
        return list(store.get_many(kind, ids, conn))


def test_an_arrest_of_a_new_person_in_one_form(app: FastAPI, client: Client) -> None:
    documenter = client("documenter")
    form = documenter.get("/new/arrest")
    assert form.status_code == 200
    ids = hidden(form.text)
    assert all(re.fullmatch(ULID, ids[f"id_{n}"]) for n in ("person", "event", "custody", "charge", "source"))
    assert '<option value="pre_trial_detention" selected>' in form.text
    facilities = options(form.text, "custody_facility_id")
    assert facilities and set(facilities) < set(options(form.text, "event_organisation_id"))
    facility = app.state.web.store.get("organisation", facilities[0])
    assert isinstance(facility, Organisation) and facility.kind == "detention_facility"
    held, count = held_today(app), people(app)
    response = documenter.post(
        "/new/arrest", data=arrest_data(form.text, custody_facility_id=facility.id), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/people/{ids['id_person']}"
    store = app.state.web.store
    person = store.get("person", ids["id_person"])
    assert isinstance(person, Person)
    assert [(n.value, n.script) for n in person.names] == [
        ("Лейла Арестова", "Cyrl"),
        ("Leyla Arestova", "Latn"),
    ]
    assert person.groups == ["journalist"]
    event = store.get("event", ids["id_event"])
    assert isinstance(event, Event) and event.type == "arrest" and event.date.text == date.today().isoformat()
    assert [(p.person_id, p.role) for p in event.participants] == [(person.id, "victim")]
    [custody] = records_of(app, person.id, "custody_period")
    assert isinstance(custody, CustodyPeriod) and custody.id == ids["id_custody"]
    assert (custody.kind, custody.start.text, custody.end) == (
        "pre_trial_detention",
        date.today().isoformat(),
        None,
    )
    [charge] = records_of(app, person.id, "charge")
    assert isinstance(charge, Charge) and (charge.code, charge.article, charge.label) == (
        "CC",
        "206.3.2",
        "smuggling",
    )
    source = store.get("source", ids["id_source"])
    assert isinstance(source, Source) and (source.title, source.reliability, source.credibility) == (
        "Journalist arrested in Baku",
        "B",
        "2",
    )
    with store.reading() as conn:
        cited = queries.citations_of(conn, [event.id, custody.id, charge.id])
    for fact in (event.id, custody.id, charge.id):
        [citation] = cited[fact]
        assert (citation.source_id, citation.locator, citation.quote) == (
            source.id,
            "paragraph 2",
            "She was detained at dawn.",
        )
    assert people(app) == count + 1 and held_today(app) == held + 1
    page = documenter.get(response.headers["location"]).text
    assert "Лейла Арестова" in page or "Leyla Arestova" in page


def a_cyrillic_demo_person(app: FastAPI) -> tuple[str, str]:
    """(id, Cyrillic name) of a demo person who has a name in Cyrillic and one in Latin letters."""
    with app.state.web.store.reading() as conn:
        for row in queries.search_people(conn, "", 500, 0, visible=ALL_VISIBILITY):
            names = [row.name, *row.other_names]
            cyrillic = [n for n in names if guess_script(n) == "Cyrl"]
            if cyrillic and any(guess_script(n) == "Latn" for n in names):
                return row.id, cyrillic[0]
    raise AssertionError("the demo data has a person with a Cyrillic name")


def test_an_arrest_of_a_person_found_by_a_cyrillic_spelling_without_javascript(
    app: FastAPI, client: Client
) -> None:
    person_id, cyrillic = a_cyrillic_demo_person(app)
    documenter = client("documenter")
    form = documenter.get("/new/arrest")
    typed = arrest_data(
        form.text, name_0="", name_1="", person_q=cyrillic, action="find", event_place="Ganja"
    )
    found = documenter.post("/new/arrest", data=typed)
    assert found.status_code == 200
    assert re.search(
        rf'<input type="radio" name="person_id" id="person-{person_id}" value="{person_id}">', found.text
    )
    # everything else typed is kept, the ids too
    assert 'value="Ganja"' in found.text and 'value="206.3.2"' in found.text
    assert hidden(found.text)["id_event"] == hidden(form.text)["id_event"]
    count, custody_before = people(app), len(records_of(app, person_id, "custody_period"))
    response = documenter.post(
        "/new/arrest", data={**typed, "person_id": person_id, "action": "save"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == f"/people/{person_id}"
    assert people(app) == count
    with app.state.web.store.reading() as conn:
        assert not queries.visible_ids(
            conn, "person", [hidden(form.text)["id_person"]], visible=ALL_VISIBILITY
        )
    assert len(records_of(app, person_id, "custody_period")) == custody_before + 1
    event = app.state.web.store.get("event", hidden(form.text)["id_event"])
    assert (
        isinstance(event, Event) and event.participants[0].person_id == person_id and event.place == "Ganja"
    )


def test_the_people_search_fragment_for_htmx(app: FastAPI, client: Client) -> None:
    person_id, cyrillic = a_cyrillic_demo_person(app)
    fragment = client("documenter").get("/new/arrest/people", params={"person_q": cyrillic})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'value="{person_id}"' in fragment.text
    none = client("documenter").get("/new/arrest/people", params={"person_q": "Zzzzqx"})
    assert 'id="no-match"' in none.text


def test_the_same_form_submitted_twice_records_one_arrest(app: FastAPI, client: Client) -> None:
    documenter = client("documenter")
    form = documenter.get("/new/arrest")
    data = arrest_data(form.text)
    count, held = people(app), held_today(app)
    first = documenter.post("/new/arrest", data=data, follow_redirects=False)
    second = documenter.post("/new/arrest", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert (
        first.headers["location"] == second.headers["location"] == f"/people/{hidden(form.text)['id_person']}"
    )
    person_id = hidden(form.text)["id_person"]
    assert people(app) == count + 1 and held_today(app) == held + 1
    assert len(records_of(app, person_id, "custody_period")) == 1
    assert len(records_of(app, person_id, "charge")) == 1
    with app.state.web.store.reading() as conn:
        timeline = queries.person_timeline(conn, person_id, visible=ALL_VISIBILITY)
    assert [line.text for line in timeline if line.kind == "event"] == ["arrest"]
    store = app.state.web.store
    assert [v["version"] for v in store.history(hidden(form.text)["id_event"])] == [1]
    verdict = store.verify_audit()
    assert verdict.ok, verdict.reason


def test_a_refused_arrest_writes_nothing_and_keeps_what_was_typed(app: FastAPI, client: Client) -> None:
    documenter = client("documenter")
    form = documenter.get("/new/arrest")
    store = app.state.web.store
    with store.reading() as conn:
        chain = store.audit_head(conn)
    response = documenter.post(
        "/new/arrest", data=arrest_data(form.text, charge_article="not an article"), follow_redirects=False
    )
    assert response.status_code == 422
    html = response.text
    assert "charge.article" in html and 'role="alert"' in html
    assert re.search(
        r'<input id="charge_article"[^>]*aria-invalid="true" aria-describedby="err-charge_article', html
    )
    assert 'id="err-charge_article"' in html and "206.3.2" in html  # the allowed form, as an example
    assert 'value="Лейла Арестова"' in html and 'value="Journalist arrested in Baku"' in html
    with store.reading() as conn:
        assert store.audit_head(conn) == chain
    for name, kind in (("person", "person"), ("event", "event"), ("source", "source")):
        try:
            store.get(kind, hidden(form.text)[f"id_{name}"])
        except NotFound:
            continue
        raise AssertionError(f"a {kind} was written")
    bad_date = documenter.post("/new/arrest", data=arrest_data(form.text, event_date="2024-13-40"))
    assert bad_date.status_code == 422
    assert re.search(r'<input id="event_date"[^>]*value="2024-13-40"[^>]*aria-invalid="true"', bad_date.text)


def test_an_arrest_cited_to_a_source_already_recorded(app: FastAPI, client: Client) -> None:
    with app.state.web.store.reading() as conn:
        [source] = queries.list_records(conn, "source", "", 1, 0, visible=ALL_VISIBILITY)
    documenter = client("documenter")
    form = documenter.get("/new/arrest")
    assert f'<option value="{source.id}">' in form.text
    data = arrest_data(form.text, source_id=source.id, source_title="", charge_article="", charge_label="")
    response = documenter.post("/new/arrest", data=data, follow_redirects=False)
    assert response.status_code == 303
    ids = hidden(form.text)
    with pytest.raises(NotFound):
        app.state.web.store.get("source", ids["id_source"])
    with pytest.raises(NotFound):
        app.state.web.store.get("charge", ids["id_charge"])  # no charge known yet: none recorded
    with app.state.web.store.reading() as conn:
        cited = queries.citations_of(conn, [ids["id_event"], ids["id_custody"]])
    assert [c.source_id for c in cited[ids["id_event"]]] == [source.id]
    assert [c.source_id for c in cited[ids["id_custody"]]] == [source.id]
    citation = app.state.web.store.get("citation", ids["id_cite_event"])
    assert isinstance(citation, Citation) and citation.target_kind == "event"


def test_only_a_role_that_records_may_use_the_arrest_form(client: Client) -> None:
    for role in ("viewer", "monitor"):
        session = client(role)
        assert session.get("/new/arrest").status_code == 403
        assert session.get("/new/arrest/people").status_code == 403
        refused = session.post("/new/arrest", data={"csrf_token": csrf_from(session.get("/").text)})
        assert refused.status_code == 403


def test_two_submissions_at_the_same_moment_record_one_arrest(app: FastAPI, client: Client) -> None:
    documenter = client("documenter")
    form = documenter.get("/new/arrest")
    data = arrest_data(form.text)
    count = people(app)
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(
            pool.map(lambda _: documenter.post("/new/arrest", data=data, follow_redirects=False), range(2))
        )
    assert [r.status_code for r in responses] == [303, 303]
    assert {r.headers["location"] for r in responses} == {f"/people/{hidden(form.text)['id_person']}"}
    assert people(app) == count + 1
    assert len(records_of(app, hidden(form.text)["id_person"], "custody_period")) == 1
    assert app.state.web.store.verify_audit().ok
