"""The hearing calendar (week and month, with navigation) and each user's iCalendar feed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.domain.dates import PartialDate
from habeas.domain.records import Event, Participant, Person, PersonName
from habeas.security.roles import ROLE_VISIBILITY
from habeas.service import Service
from habeas.storage import queries
from habeas.web import i18n

from .conftest import csrf_from

Client = Callable[[str], TestClient]
VIEWER = ROLE_VISIBILITY["viewer"]
EDITOR = ROLE_VISIBILITY["editor"]
SECRET_NAME = "Zümrüd Gizlinova"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def today_of(app: FastAPI) -> date:
    day: date = app.state.web.clock().date()
    return day


def between(app: FastAPI, first: date, last: date, visible: frozenset[str]) -> list[queries.HearingRow]:
    with app.state.web.store.reading() as conn:
        return queries.hearings_between(conn, first, last, visible=visible)


def hearing_ids(html: str) -> list[str]:
    return re.findall(r'<li class="hearing" id="hearing-([0-9A-Z]{26})">', html)


def busiest_week(app: FastAPI) -> date:
    """The Monday of the past year's week with the most hearings a viewer may see."""
    today = today_of(app)
    rows = between(app, today - timedelta(days=365), today + timedelta(days=180), VIEWER)
    weeks: dict[date, int] = {}
    for row in rows:
        if row.scheduled_at:
            start = monday(row.scheduled_at.date())
            weeks[start] = weeks.get(start, 0) + 1
    return max(weeks, key=lambda w: (weeks[w], w))


def add_secret_hearings(app: FastAPI) -> tuple[Event, Event]:
    """Two hearings the day after tomorrow: a public one of a confidential person, and a confidential one."""
    store = app.state.web.store
    day = today_of(app) + timedelta(days=2)
    with store.reading() as conn:
        case = queries.list_records(conn, "case", "", 1, 0, visible=VIEWER)[0]
        court = queries.list_records(conn, "organisation", "Court", 1, 0, visible=VIEWER)[0]
    service = Service(store, "test")
    [person] = service.create(Person(names=[PersonName(value=SECRET_NAME)], visibility="confidential"))
    public, secret = service.create(
        Event(
            type="trial_hearing",
            date=PartialDate.of(day),
            scheduled_at=datetime.combine(day, time(10, 30)),
            organisation_id=court.id,
            case_id=case.id,
            participants=[Participant(person_id=person.id, role="victim")],
            visibility="public",
        ),
        Event(
            type="appeal_hearing",
            date=PartialDate.of(day),
            scheduled_at=datetime.combine(day, time(15, 0)),
            visibility="confidential",
        ),
    )
    assert isinstance(public, Event) and isinstance(secret, Event)
    return public, secret


# -- the week ------------------------------------------------------------------------------


def test_the_week_view_shows_this_week_by_default(app: FastAPI, client: Client) -> None:
    first = monday(today_of(app))
    expected = between(app, first, first + timedelta(days=6), VIEWER)
    page = client("viewer").get("/hearings")
    assert page.status_code == 200
    assert f'id="calendar-range">{first.isoformat()} – {(first + timedelta(days=6)).isoformat()}' in page.text
    assert re.findall(r'id="day-(\d{4}-\d\d-\d\d)"', page.text) == [
        (first + timedelta(days=n)).isoformat() for n in range(7)
    ]
    assert '<li class="day today' in page.text and f'id="day-{today_of(app).isoformat()}"' in page.text
    assert hearing_ids(page.text) == [h.id for h in expected]
    assert f'<span id="hearing-count">{len(expected)}</span>' in page.text


def test_a_week_shows_its_hearings_in_detail_and_links_to_the_next(app: FastAPI, client: Client) -> None:
    store = app.state.web.store
    first = busiest_week(app)
    expected = between(app, first, first + timedelta(days=6), VIEWER)
    assert len(expected) >= 2
    viewer = client("viewer")
    page = viewer.get("/hearings", params={"week": (first + timedelta(days=3)).isoformat()})  # a Thursday
    assert page.status_code == 200
    assert hearing_ids(page.text) == [h.id for h in expected]
    for row in expected:
        item = page.text.split(f'id="hearing-{row.id}">')[1].split("</li>")[0]
        event = store.get("event", row.id)
        assert isinstance(event, Event) and event.scheduled_at is not None
        assert f">{event.scheduled_at.strftime('%H:%M')}</time>" in item
        assert i18n.term_label("event_type", row.type, "en") in item
        if row.court:
            assert escape(row.court) in item
        if row.case:
            assert f'<a class="case" href="/cases/{event.case_id}">{escape(row.case)}</a>' in item
        for name in row.people:
            assert escape(name) in item
        outcome = i18n.term_label("monitoring_outcome", row.monitoring_outcome, "en") or "not recorded"
        assert f"Monitoring: {outcome}" in item
        # the hearing sits under its own day
        day_block = page.text.split(f'id="day-{event.scheduled_at.date().isoformat()}"')[1].split("</ol>")[0]
        assert f'id="hearing-{row.id}"' in day_block.split('<li class="day')[0]
    assert "/monitor" not in page.text  # a viewer may not record monitoring
    previous = (first - timedelta(days=7)).isoformat()
    following = (first + timedelta(days=7)).isoformat()
    assert f'href="/hearings?week={previous}"' in page.text
    assert f'href="/hearings?week={following}"' in page.text
    after = viewer.get(f"/hearings?week={following}")
    expected_after = between(app, first + timedelta(days=7), first + timedelta(days=13), VIEWER)
    assert hearing_ids(after.text) == [h.id for h in expected_after]
    assert f'href="/hearings?week={first.isoformat()}"' in after.text  # back again


def test_a_monitor_gets_a_record_monitoring_link(app: FastAPI, client: Client) -> None:
    first = busiest_week(app)
    expected = between(app, first, first + timedelta(days=6), ROLE_VISIBILITY["monitor"])
    page = client("monitor").get("/hearings", params={"week": first.isoformat()})
    for row in expected:
        assert f'<a class="monitor" href="/hearings/{row.id}/monitor">Record monitoring</a>' in page.text


def test_a_viewer_sees_no_confidential_hearing_or_person(app: FastAPI, client: Client) -> None:
    public, secret = add_secret_hearings(app)
    week = public.date.text
    viewer_page = client("viewer").get("/hearings", params={"week": week}).text
    editor_page = client("editor").get("/hearings", params={"week": week}).text
    assert public.id in hearing_ids(viewer_page) and secret.id not in hearing_ids(viewer_page)
    assert SECRET_NAME not in viewer_page
    assert public.id in hearing_ids(editor_page) and secret.id in hearing_ids(editor_page)
    assert SECRET_NAME in editor_page


# -- the month -----------------------------------------------------------------------------


def test_the_month_view_and_its_navigation(app: FastAPI, client: Client) -> None:
    first = busiest_week(app).replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    last = following - timedelta(days=1)
    expected = between(app, first, last, VIEWER)
    viewer = client("viewer")
    page = viewer.get("/hearings", params={"view": "month", "month": first.strftime("%Y-%m")})
    assert page.status_code == 200
    assert sorted(hearing_ids(page.text)) == sorted(h.id for h in expected) and expected
    assert len(re.findall(r'id="day-\d{4}-\d\d-\d\d"', page.text)) == last.day
    assert page.text.count('<li class="pad" aria-hidden="true">') == first.weekday()
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    assert f'href="/hearings?view=month&amp;month={previous.strftime("%Y-%m")}"' in page.text
    assert f'href="/hearings?view=month&amp;month={following.strftime("%Y-%m")}"' in page.text
    assert f'href="/hearings?week={first.isoformat()}"' in page.text  # to the week view
    december = viewer.get("/hearings", params={"view": "month", "month": "2025-12"})
    assert 'month=2026-01"' in december.text and 'month=2025-11"' in december.text
    assert "December 2025" in december.text
    default = viewer.get("/hearings", params={"view": "month"})
    assert today_of(app).strftime("%B %Y") in default.text


@pytest.mark.parametrize(
    "params",
    [
        {"week": "2025-02-30"},
        {"week": "soon"},
        {"week": "0001-01-01"},
        {"view": "month", "month": "2025-13"},
        {"view": "month", "month": "January"},
        {"view": "year"},
    ],
)
def test_a_bad_week_or_month_is_refused_by_name(client: Client, params: dict[str, str]) -> None:
    page = client("viewer").get("/hearings", params=params)
    assert page.status_code == 422
    assert next(iter(k for k in params if k != "view" or len(params) == 1)) in page.text


# -- the iCalendar feed --------------------------------------------------------------------


def create_feed(browser: TestClient) -> str:
    page = browser.get("/hearings")
    assert "the names of the people in them that you may see" in page.text
    made = browser.post("/hearings/feed", data={"csrf_token": csrf_from(page.text)})
    assert made.status_code == 200
    found = re.search(r'value="http://testserver(/hearings/feed/hbs_[A-Za-z0-9_-]+\.ics)"', made.text)
    assert found, made.text
    assert found.group(1) not in browser.get("/hearings").text  # shown once
    return found.group(1)


def read_feed(client: Client, path: str) -> tuple[icalendar.Calendar, bytes]:
    response = client("anonymous").get(path)  # a calendar app has no session
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content), response.content


def test_the_feed_holds_exactly_the_visible_hearings_in_its_range(app: FastAPI, client: Client) -> None:
    public, secret = add_secret_hearings(app)
    today = today_of(app)
    first, last = today - timedelta(days=30), today + timedelta(days=180)
    calendar, raw = read_feed(client, create_feed(client("viewer")))
    events = list(calendar.walk("VEVENT"))
    expected = between(app, first, last, VIEWER)
    assert len(expected) >= 3
    assert sorted(str(e["UID"]) for e in events) == sorted(f"{h.id}@habeas" for h in expected)
    assert f"{secret.id}@habeas" not in {str(e["UID"]) for e in events}
    assert SECRET_NAME.encode() not in raw and "Gizlinova" not in calendar.to_ical().decode()
    mine = next(e for e in events if str(e["UID"]) == f"{public.id}@habeas")
    start: Any = mine["DTSTART"]  # icalendar types a property as the union of every value type
    assert start.params["TZID"] == "Asia/Baku"
    assert public.scheduled_at is not None
    assert start.dt == public.scheduled_at.replace(tzinfo=ZoneInfo("Asia/Baku"))
    with app.state.web.store.reading() as conn:
        case = app.state.web.store.get("case", public.case_id or "", conn)
    assert str(mine["SUMMARY"]) == f"Trial hearing: {getattr(case, 'title', '')}"
    assert calendar.walk("VTIMEZONE"), "a TZID needs its VTIMEZONE"
    # an editor's feed has the confidential hearing and the confidential person's name
    editor_calendar, editor_raw = read_feed(client, create_feed(client("editor")))
    editor_events = {str(e["UID"]): e for e in editor_calendar.walk("VEVENT")}
    assert set(editor_events) == {f"{h.id}@habeas" for h in between(app, first, last, EDITOR)}
    assert f"{secret.id}@habeas" in editor_events
    assert SECRET_NAME in str(editor_events[f"{public.id}@habeas"]["DESCRIPTION"])


def test_a_revoked_unknown_or_disabled_token_gets_404(app: FastAPI, client: Client) -> None:
    path = create_feed(client("viewer"))
    anonymous = client("anonymous")
    assert anonymous.get(path).status_code == 200
    assert anonymous.get("/hearings/feed/hbs_thisisnotatokenthatanyonewasgiven000000.ics").status_code == 404
    assert anonymous.get("/hearings/feed/nonsense.ics").status_code == 404
    assert anonymous.get(path.replace(".ics", "")).status_code == 404
    assert app.state.web.accounts.revoke_tokens("viewer1") >= 1
    refused = anonymous.get(path)
    assert refused.status_code == 404
    assert "hbs_" not in refused.text
    other = create_feed(client("monitor"))
    app.state.web.accounts.disable("monitor1")
    assert anonymous.get(other).status_code == 404


def test_creating_a_feed_needs_the_csrf_token(client: Client) -> None:
    viewer = client("viewer")
    viewer.get("/hearings")
    assert viewer.post("/hearings/feed", data={}).status_code == 403
    refused = viewer.post("/hearings/feed", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and "hbs_" not in refused.text
    anonymous = client("anonymous").post("/hearings/feed", data={}, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
