"""Cases, organisations, sources and the review page, for a viewer (who never sees confidential records)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from html import escape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.domain.dates import PartialDate
from habeas.domain.records import Case, Charge, CustodyPeriod, Person, PersonName, Source
from habeas.security.roles import ALL_VISIBILITY, ROLE_VISIBILITY
from habeas.service import Service
from habeas.storage import queries
from habeas.web import i18n

Client = Callable[[str], TestClient]
VIEWER = ROLE_VISIBILITY["viewer"]


def shown(html: str, text: str) -> bool:
    return escape(text, quote=False) in html or escape(text) in html


def english(names: list[str]) -> str:
    return i18n.pick_name(names, "en")


def source_links(html: str) -> set[str]:
    return set(re.findall(r'href="/sources/([0-9A-Z]{26})"', html))


# -- cases -------------------------------------------------------------------------------


def test_case_list_shows_the_visible_cases_filters_and_pages(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    with store.reading() as conn:
        total = queries.count_records(conn, "case", visible=VIEWER)
        first_page = queries.list_records(conn, "case", "", 50, 0, visible=VIEWER)
        abzas = queries.count_records(conn, "case", "of a", visible=VIEWER)
    viewer = client("viewer")
    page = viewer.get("/cases")
    assert page.status_code == 200
    assert f'<p id="case-count">{total} cases</p>' in page.text
    assert total >= 20
    for row in first_page:
        assert f'href="/cases/{row.id}"' in page.text and shown(page.text, row.title)
    filtered = viewer.get("/cases", params={"q": "of a"})
    assert f'<p id="case-count">{abzas} cases</p>' in filtered.text
    assert 0 < abzas < total
    assert viewer.get("/cases", params={"page": 0}).status_code == 422


def test_case_list_pages_through_more_than_fifty(app: FastAPI, client: Client) -> None:
    service = Service(app.state.web.store, "test")
    service.create(*(Case(title=f"Zz test case {n:02d}", visibility="public") for n in range(60)))
    viewer = client("viewer")
    first = viewer.get("/cases", params={"q": "Zz test case"})
    assert (
        "60 cases" in first.text and "Zz test case 49" in first.text and "Zz test case 50" not in first.text
    )
    assert 'href="/cases?q=Zz%20test%20case&amp;page=2"' in first.text or "page=2" in first.text
    second = viewer.get("/cases", params={"q": "Zz test case", "page": 2})
    assert "Zz test case 50" in second.text and "Zz test case 59" in second.text
    assert "Zz test case 49" not in second.text


def _busiest_case(app: FastAPI) -> tuple[str, list[queries.TimelineLine]]:
    """The visible case with the most timeline lines that has charges and hearings."""
    store = app.state.web.store
    with store.reading() as conn:
        rows = queries.list_records(conn, "case", "", 500, 0, visible=VIEWER)
        best: tuple[int, str, list[queries.TimelineLine]] = (0, "", [])
        for row in rows:
            lines = queries.case_timeline(conn, row.id, visible=VIEWER)
            kinds = {line.kind for line in lines}
            if {"charge", "event"} <= kinds and len(lines) > best[0]:
                best = (len(lines), row.id, lines)
    assert best[1], "the demo data has a case with charges and events"
    return best[1], best[2]


def test_case_page_shows_members_charges_hearings_and_cited_timeline(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    case_id, timeline = _busiest_case(app)
    with store.reading() as conn:
        case = store.get("case", case_id, conn)
        members = store.get_many("person", queries.case_members(conn, case_id, visible=VIEWER), conn)
        charge_ids = [line.record_id for line in timeline if line.kind == "charge"]
        charges = store.get_many("charge", charge_ids, conn)
    assert isinstance(case, Case) and members and charges
    page = client("viewer").get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert shown(page.text, case.title)
    for person in members:
        assert isinstance(person, Person)
        assert (
            f'<a href="/people/{person.id}">{escape(english([n.value for n in person.names]))}</a>'
            in page.text
        )
    charges_table = page.text.split('id="case-charges"')[1].split("</table>")[0]
    for charge in charges:
        assert isinstance(charge, Charge)
        assert f"{charge.code} {charge.article}" in charges_table
    timeline_html = page.text.split('id="timeline"')[1].split("</ol>")[0]
    assert timeline_html.count("<li>") == len(timeline)
    cited = {c.source_id for line in timeline for c in line.citations}
    assert source_links(timeline_html) == cited
    hearings = [line for line in timeline if line.kind == "event" and "hearing" in line.text]
    hearings_table = page.text.split('id="case-hearings"')[1].split("</table>")[0]
    assert hearings_table.count("<tr>") - 1 == len(hearings)  # one row per hearing, after the header


def test_a_confidential_case_is_hidden_from_a_viewer(app: FastAPI, client: Client) -> None:
    [case] = Service(app.state.web.store, "test").create(
        Case(title="Secret Qq case", visibility="confidential")
    )
    viewer, editor = client("viewer"), client("editor")
    assert viewer.get(f"/cases/{case.id}").status_code == 404
    assert viewer.get("/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404
    assert "Secret Qq case" not in viewer.get("/cases", params={"q": "Qq"}).text
    assert "0 cases" in viewer.get("/cases", params={"q": "Secret Qq"}).text
    assert "Secret Qq case" in editor.get(f"/cases/{case.id}").text
    assert "1 cases" in editor.get("/cases", params={"q": "Secret Qq"}).text


# -- sources -----------------------------------------------------------------------------


def test_a_viewer_never_sees_a_confidential_source(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    with store.reading() as conn:
        everyone = queries.list_records(conn, "source", "", 1000, 0, visible=ALL_VISIBILITY)
        seen = {r.id for r in queries.list_records(conn, "source", "", 1000, 0, visible=VIEWER)}
        secret = [
            s
            for s in store.get_many("source", [r.id for r in everyone], conn)
            if s.visibility == "confidential"
        ]
        # cases whose full timeline cites a confidential source
        secret_ids = {s.id for s in secret}
        cases = queries.list_records(conn, "case", "", 500, 0, visible=ALL_VISIBILITY)
        citing_cases = [
            c.id
            for c in cases
            if any(
                ref.source_id in secret_ids
                for line in queries.case_timeline(conn, c.id, visible=ALL_VISIBILITY)
                for ref in line.citations
            )
        ]
    assert secret, "the demo data has confidential sources (sources default to confidential)"
    viewer, editor = client("viewer"), client("editor")
    listed: set[str] = set()
    for n in (1, 2, 3, 4):
        listed |= source_links(viewer.get("/sources", params={"page": n}).text)
    assert listed == seen
    assert not listed & secret_ids
    assert f"{len(seen)} sources" in viewer.get("/sources").text
    assert f"{len(everyone)} sources" in editor.get("/sources").text
    for source in secret:
        assert viewer.get(f"/sources/{source.id}").status_code == 404
        assert editor.get(f"/sources/{source.id}").status_code == 200
    assert citing_cases, "some case timeline cites a confidential source"
    checked = 0
    for case_id in citing_cases:
        page = viewer.get(f"/cases/{case_id}")
        if page.status_code == 200:
            checked += 1
            assert not source_links(page.text) & secret_ids
        assert source_links(editor.get(f"/cases/{case_id}").text) & secret_ids
    assert checked, "a viewer sees some case whose full timeline cites a confidential source"


def test_source_page_lists_every_fact_it_supports(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    with store.reading() as conn:
        rows = queries.list_records(conn, "source", "", 1000, 0, visible=VIEWER)
        counts = {r.id: len(queries.records_citing(conn, r.id, visible=VIEWER)) for r in rows}
        source_id = max(counts, key=lambda i: counts[i])
        citing = queries.records_citing(conn, source_id, visible=VIEWER)
        citing_all = queries.records_citing(conn, source_id, visible=ALL_VISIBILITY)
        source = store.get("source", source_id, conn)
        people = {
            kind: {
                r.id: r
                for r in store.get_many(kind, [c.target_id for c in citing if c.target_kind == kind], conn)
            }
            for kind in {c.target_kind for c in citing}
        }
    assert isinstance(source, Source) and len(citing) >= 3
    page = client("viewer").get(f"/sources/{source_id}")
    assert page.status_code == 200
    assert shown(page.text, source.title)
    assert f"{source.reliability}: {i18n.term_label('reliability', source.reliability, 'en')}" in page.text
    assert f"{source.credibility}: {i18n.term_label('credibility', source.credibility, 'en')}" in page.text
    table = page.text.split('id="supported"')[1].split("</table>")[0]
    assert table.count("<tr>") - 1 == len(citing)
    assert f'<p id="supported-count">{len(citing)} citations</p>' in page.text
    for row in citing:
        if row.locator:
            assert shown(table, row.locator)
        if row.quote:
            assert shown(table, row.quote)
    # each person fact links to its person's page
    for custody in people.get("custody_period", {}).values():
        assert isinstance(custody, CustodyPeriod)
        assert f'href="/people/{custody.person_id}"' in table
    editor_page = client("editor").get(f"/sources/{source_id}")
    assert f'<p id="supported-count">{len(citing_all)} citations</p>' in editor_page.text


@pytest.mark.parametrize(
    ("url", "linked"),
    [("https://example.org/report?id=1", True), ("javascript:alert(1)", False), ("archive box 12", False)],
)
def test_a_source_address_is_a_safe_link_or_plain_text(
    app: FastAPI, client: Client, url: str, linked: bool
) -> None:
    [source] = Service(app.state.web.store, "test").create(
        Source(
            title="Test <b>source</b>", url=url, visibility="public", published=PartialDate.parse("2024-05")
        )
    )
    page = client("viewer").get(f"/sources/{source.id}").text
    assert "Test &lt;b&gt;source&lt;/b&gt;" in page
    anchor = f'<a href="{escape(url)}" rel="noreferrer noopener nofollow">'
    assert (anchor in page) is linked
    assert escape(url) in page


# -- organisations -----------------------------------------------------------------------


def test_organisation_list_and_page(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    with store.reading() as conn:
        rows = queries.list_records(conn, "organisation", "", 500, 0, visible=VIEWER)
        orgs = store.get_many("organisation", [r.id for r in rows], conn)
        with_status = next(o for o in orgs if getattr(o, "statuses", None))
        facility = max(
            (o for o in orgs if getattr(o, "kind", "") == "detention_facility"),
            key=lambda o: queries.count_people(conn, visible=VIEWER, organisation_id=o.id),
        )
        held_there = queries.count_people(conn, visible=VIEWER, organisation_id=facility.id)
    viewer = client("viewer")
    listing = viewer.get("/organisations")
    assert f"{len(rows)} organisations" in listing.text
    assert "Place of detention" in listing.text and "Court, Baku" in listing.text
    page = viewer.get(f"/organisations/{with_status.id}")
    assert page.status_code == 200 and shown(page.text, getattr(with_status, "name", ""))
    statuses = page.text.split('id="organisation-statuses"')[1].split("</table>")[0]
    for status in getattr(with_status, "statuses", []):
        assert i18n.term_label("organisation_status", status.status, "en") in statuses
        assert status.since.text in statuses
    page = viewer.get(f"/organisations/{facility.id}")
    assert held_there > 0
    assert f"held there: {held_there}." in page.text
    assert f'href="/people?organisation={facility.id}"' in page.text
    assert "Place of detention" in page.text
    assert viewer.get("/organisations/01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404


# -- review ------------------------------------------------------------------------------


def test_review_groups_unsourced_facts_and_lists_terms_ending(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    service = Service(store, "test")
    today = date.today()
    [person] = service.create(
        Person(names=[PersonName(value="Xəyal Termli")], visibility="public"),
    )
    service.create(
        CustodyPeriod(
            person_id=person.id,
            kind="pre_trial_detention",
            start=PartialDate.of(today - timedelta(days=60)),
            authorised_until=today + timedelta(days=5),
            visibility="public",
        )
    )
    with store.reading() as conn:
        gaps = queries.unsourced(conn, visible=VIEWER)
        terms = queries.terms_ending(conn, today, 14, visible=VIEWER)
    viewer = client("viewer")
    page = viewer.get("/review")
    assert page.status_code == 200
    assert f"Facts that no source supports: {len(gaps)}" in page.text
    events = [g for g in gaps if g.kind == "event"]
    assert f"Events: {len(events)}" in page.text
    # the new person is unsourced, and so is their custody period: both link to the person
    assert f'href="/people/{person.id}">Xəyal Termli</a>' in page.text
    table = page.text.split('id="terms-ending"')[1].split("</table>")[0]
    assert len(terms) >= 1
    for term in terms:
        assert f'href="/people/{term.person_id}"' in table and term.authorised_until.isoformat() in table
    one_kind = viewer.get("/review", params={"kind": "event"})
    group = one_kind.text.split('id="unsourced-event"')[1].split("</section>")[0]
    assert group.count("<li>") == min(len(events), 100)
    assert 'id="unsourced-person"' not in one_kind.text
    assert viewer.get("/review", params={"kind": "nonsense"}).status_code == 422
