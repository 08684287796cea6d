"""The reading pages: the dashboard, the people list and a person's page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from habeas.domain.dates import parse_day
from habeas.domain.records import Record
from habeas.domain.vocabulary import HEARING_EVENT_TYPES, vocabulary
from habeas.errors import NotFound
from habeas.storage import queries
from habeas.web.auth import Principal
from habeas.web.charts import month_chart
from habeas.web.render import render
from habeas.web.routing import Routes

routes = Routes()
PAGE_SIZE = 50
Filter = Annotated[str, Query(max_length=200)]


def caller(request: Request) -> Principal:
    who: Principal = request.scope["habeas_principal"]
    return who


def today(request: Request) -> date:
    today_: date = request.app.state.web.clock().date()
    return today_


def visible_record(request: Request, kind: str, record_id: str) -> Record:
    """The record if it exists and the caller may see it; else 404, the same either way."""
    store = request.app.state.web.store
    try:
        record: Record = store.get(kind, record_id)
    except NotFound:
        raise NotFound(kind, record_id) from None
    if record.visibility not in caller(request).visible:
        raise NotFound(kind, record_id)
    return record


def optional_day(text: str, field: str) -> date | None:
    return parse_day(text, field) if text.strip() else None


# -- the dashboard -------------------------------------------------------------


@routes.get("/", "read")
def dashboard(request: Request) -> Response:
    web = request.app.state.web
    who = caller(request)
    day = today(request)
    visible = who.visible

    def summary() -> dict[str, Any]:
        with web.store.reading() as conn:
            held = queries.held_on(conn, day, visible=visible)
            first = date(day.year - 10, day.month, 1)
            months = queries.held_per_month(conn, first, day, visible=visible)
            periods = [
                (p.name, p.earliest, p.latest)
                for p in queries.context_periods_between(conn, first, day, visible=visible)
            ]
            return {
                "held": held,
                "chart": month_chart(months, periods),
                "unsourced": len(queries.unsourced(conn, visible=visible)),
                "hearings": queries.hearings_between(conn, day, day + timedelta(days=7), visible=visible),
                "changes": queries.recent_changes(conn, 15, visible=visible),
            }

    # Everything on the dashboard depends only on the data, the day and the visibility:
    # computed once, then served from the cache until the next write.
    facts = web.memo(("dashboard", day, visible), summary)
    return render(request, "dashboard.html", day=day, **facts)


# -- people --------------------------------------------------------------------


@routes.get("/people", "read")
def people_list(
    request: Request,
    q: Filter = "",
    group: Filter = "",
    kind: Filter = "",
    held_on: Filter = "",
    case: Filter = "",
    organisation: Filter = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    web = request.app.state.web
    who = caller(request)
    if group:
        vocabulary("group").check(group, "group")
    if kind:
        vocabulary("custody_kind").check(kind, "kind")
    filters: dict[str, Any] = {
        "visible": who.visible,
        "group": group or None,
        "kind": kind or None,
        "held_on": optional_day(held_on, "held_on"),
        "case_id": case or None,
        "organisation_id": organisation or None,
    }

    def matching() -> tuple[list[queries.PersonRow], int]:
        with web.store.reading() as conn:
            rows = queries.search_people(conn, q, PAGE_SIZE, (page - 1) * PAGE_SIZE, **filters)
            return rows, queries.count_people(conn, q, **filters)

    # A page of a list is cached until the next write (counting every match is the slow part).
    rows, total = web.memo(("people", q, tuple(filters.items()), page), matching)
    return render(
        request,
        "people.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        q=q,
        group=group,
        kind=kind,
        held_on=held_on,
        case=case,
        organisation=organisation,
        groups=vocabulary("group").codes(),
        kinds=vocabulary("custody_kind").codes(),
    )


@routes.get("/people/{person_id}", "read")
def person_page(request: Request, person_id: str) -> Response:
    web = request.app.state.web
    who = caller(request)
    person = visible_record(request, "person", person_id)
    visible = who.visible
    with web.store.reading() as conn:

        def records(kind: str) -> list[Any]:
            ids = queries.person_record_ids(conn, person_id, kind, visible=visible)
            found: list[Any] = web.store.get_many(kind, ids, conn)
            return found

        custody = records("custody_period")
        charges = records("charge")
        assessments = records("assessment")
        relationships = records("relationship")
        timeline = queries.person_timeline(conn, person_id, visible=visible)
        others = {r.other_person_id if r.person_id == person_id else r.person_id for r in relationships}
        known = queries.visible_ids(conn, "person", sorted(others), visible=visible)
        relatives = {p.id: p for p in web.store.get_many("person", sorted(known), conn)}
    open_periods = [p for p in custody if p.end is None and not p.retracted]
    hearings = [line for line in timeline if line.values.get("type") in HEARING_EVENT_TYPES]
    return render(
        request,
        "person.html",
        person=person,
        custody=custody,
        current=open_periods,
        charges=charges,
        assessments=assessments,
        relationships=relationships,
        relatives=relatives,
        timeline=timeline,
        hearings=hearings,
    )
