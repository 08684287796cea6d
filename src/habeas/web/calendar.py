"""The hearing calendar: a week or a month of hearings, and each user's iCalendar feed.

Times are the local time at the court, as recorded (`Event.scheduled_at` is a
naive local time). The feed is reached by a secret token in its address,
because calendar apps cannot sign in; it carries only what the token owner's
role may see, and people's names only where that role may see the person.
"""

from __future__ import annotations

import calendar as month_grid
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import icalendar
from babel.dates import format_date
from fastapi import Query, Request
from fastapi.responses import PlainTextResponse, Response

from habeas.accounts import User
from habeas.domain.records import Event
from habeas.domain.vocabulary import HEARING_EVENT_TYPES
from habeas.errors import ValidationError
from habeas.security.roles import ROLE_VISIBILITY, may
from habeas.storage import queries
from habeas.storage.store import Store
from habeas.web import i18n
from habeas.web.pages import caller, optional_day, today
from habeas.web.render import language_of, render
from habeas.web.routing import PUBLIC, Routes

routes = Routes()
Filter = Annotated[str, Query(max_length=20)]

COURT_ZONE = "Asia/Baku"  # the courts habeas follows keep Azerbaijan time (UTC+4, no summer time)
COURT_TZ = ZoneInfo(COURT_ZONE)
FEED_PAST_DAYS, FEED_AHEAD_DAYS = 30, 180
FIRST_YEAR, LAST_YEAR = 1900, 2999  # keeps previous/next arithmetic far from date.min and date.max
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass
class Hearing:
    """One hearing as the calendar shows it; names and titles only where the caller may see them."""

    id: str
    type: str
    day: date | None  # None when the date is known only to a span of days (a month, say)
    date_text: str
    time: str  # "HH:MM" local court time, or "" when no time was recorded
    scheduled_at: datetime | None
    court: str
    case_id: str = ""
    case_title: str = ""
    people: list[tuple[str, list[str]]] = field(default_factory=list)  # (person id, their names)
    monitoring_outcome: str = ""
    earliest: date | None = None
    latest: date | None = None


def hearings_in(store: Store, first: date, last: date, visible: frozenset[str]) -> list[Hearing]:
    """The hearings from `first` to `last` that a role seeing `visible` may see, in time order."""
    with store.reading() as conn:
        rows = queries.hearings_between(conn, first, last, visible=visible)
        found = [e for e in store.get_many("event", [r.id for r in rows], conn) if isinstance(e, Event)]
        victims = {p.person_id for e in found for p in e.participants if p.role == "victim"}
        people_ids = queries.visible_ids(conn, "person", sorted(victims), visible=visible)
        case_ids = queries.visible_ids(
            conn, "case", sorted({e.case_id for e in found if e.case_id}), visible=visible
        )
        org_ids = queries.visible_ids(
            conn,
            "organisation",
            sorted({e.organisation_id for e in found if e.organisation_id}),
            visible=visible,
        )
        people = {p.id: p for p in store.get_many("person", sorted(people_ids), conn)}
        cases = {c.id: c for c in store.get_many("case", sorted(case_ids), conn)}
        orgs = {o.id: o for o in store.get_many("organisation", sorted(org_ids), conn)}
    by_id = {e.id: e for e in found}
    hearings = []
    for row in rows:
        event = by_id.get(row.id)
        if event is None or event.type not in HEARING_EVENT_TYPES:
            continue
        when = event.scheduled_at
        exact = event.date.earliest if event.date.is_exact_day else None
        court = orgs[event.organisation_id] if event.organisation_id in orgs else None
        case = cases[event.case_id] if event.case_id in cases else None
        hearings.append(
            Hearing(
                id=event.id,
                type=event.type,
                day=when.date() if when else exact,
                date_text=event.date.text,
                time=when.strftime("%H:%M") if when else "",
                scheduled_at=when,
                court=getattr(court, "name", "") or event.place,
                case_id=case.id if case else "",
                case_title=getattr(case, "title", ""),
                people=[
                    (p.person_id, [n.value for n in getattr(people[p.person_id], "names", [])])
                    for p in event.participants
                    if p.role == "victim" and p.person_id in people
                ],
                monitoring_outcome=event.monitoring_outcome,
                earliest=event.date.earliest,
                latest=event.date.latest,
            )
        )
    return hearings


# -- choosing the week or month ------------------------------------------------------


def _in_range(day: date, name: str, text: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(name, text, f"choose a day from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def week_of(text: str, fallback: date) -> date:
    """The Monday of the week containing the day `text` names (YYYY-MM-DD), or of `fallback`."""
    day = optional_day(text, "week") or fallback
    day = _in_range(day, "week", text)
    return day - timedelta(days=day.weekday())


def month_of(text: str, fallback: date) -> date:
    """The first day of the month `text` names (YYYY-MM), or of `fallback`'s month."""
    if not text.strip():
        return _in_range(fallback.replace(day=1), "month", text)
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError("month", text, "write the month as YYYY-MM, for example 2025-01")
    return _in_range(date(int(match.group(1)), int(match.group(2)), 1), "month", text)


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_cells(first: date) -> tuple[int, list[date]]:
    """How many blank cells precede the 1st in a Monday-first grid, and the month's days."""
    length = month_grid.monthrange(first.year, first.month)[1]
    return first.weekday(), [first + timedelta(days=n) for n in range(length)]


# -- pages ---------------------------------------------------------------------------


@routes.get("/hearings", "read")
def hearings_page(request: Request, view: Filter = "week", week: Filter = "", month: Filter = "") -> Response:
    who = caller(request)
    now = today(request)
    if view not in ("week", "month"):
        raise ValidationError("view", view, "use week or month")
    if view == "month":
        first = month_of(month, now)
        last = add_months(first, 1) - timedelta(days=1)
        lead, days = month_cells(first)
    else:
        first = week_of(week, now)
        last = first + timedelta(days=6)
        lead, days = 0, [first + timedelta(days=n) for n in range(7)]
    hearings = hearings_in(request.app.state.web.store, first, last, who.visible)
    by_day: dict[date, list[Hearing]] = {d: [] for d in days}
    undated = []
    for hearing in hearings:
        if hearing.day in by_day:
            by_day[hearing.day].append(hearing)
        else:
            undated.append(hearing)
    lang = language_of(request)
    return render(
        request,
        "hearings.html",
        view=view,
        first=first,
        last=last,
        today=now,
        lead=lead,
        days=days,
        by_day=by_day,
        undated=undated,
        count=len(hearings),
        previous=add_months(first, -1) if view == "month" else first - timedelta(days=7),
        next=add_months(first, 1) if view == "month" else first + timedelta(days=7),
        weekdays=[
            format_date(first - timedelta(days=first.weekday() - n), "EEE", locale=lang) for n in range(7)
        ],
        long_day=lambda d: format_date(d, "full", locale=lang),
        short_day=lambda d: format_date(d, "EEE d", locale=lang),
        month_name=format_date(first, "LLLL y", locale=lang),
    )


@routes.post("/hearings/feed", "read")
def create_feed(request: Request) -> Response:
    """A new calendar token for the caller; its address is shown on this one page and never again."""
    who = caller(request)
    token = request.app.state.web.accounts.create_token(who.user.username, label="calendar", scope="calendar")
    base = str(request.base_url).rstrip("/")
    return render(request, "hearings_feed.html", feed_url=f"{base}/hearings/feed/{token}.ics")


@routes.get("/hearings/feed/{token}.ics", PUBLIC)
def calendar_feed(request: Request, token: str) -> Response:
    """The token owner's hearings from 30 days ago to 180 days ahead, as iCalendar."""
    web = request.app.state.web
    user = web.accounts.user_for_token(token, scope="calendar")
    if user is None or not may(user.role, "read"):
        # The same short answer for an unknown, revoked or disabled token; no page that repeats the address.
        return PlainTextResponse("no such calendar feed", status_code=404)
    now = web.clock()
    day = now.date()
    first, last = day - timedelta(days=FEED_PAST_DAYS), day + timedelta(days=FEED_AHEAD_DAYS)
    hearings = hearings_in(web.store, first, last, ROLE_VISIBILITY[user.role])
    body = feed(hearings, user, now)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'inline; filename="hearings.ics"'},
    )


def feed(hearings: list[Hearing], user: User, now: datetime) -> bytes:
    """An iCalendar document with one VEVENT per hearing, in `user`'s interface language."""
    lang = user.language if user.language in i18n.LANGUAGES else i18n.DEFAULT
    gettext = i18n.gettext_for(lang)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//habeas//hearings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", gettext("Hearings"))
    cal.add("x-wr-timezone", COURT_ZONE)
    stamp = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)  # DTSTAMP is in UTC
    for hearing in hearings:
        cal.add_component(_vevent(hearing, lang, gettext, stamp))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _vevent(hearing: Hearing, lang: str, gettext: i18n.Gettext, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{hearing.id}@habeas")
    event.add("dtstamp", stamp)
    kind = i18n.term_label("event_type", hearing.type, lang)
    event.add("summary", f"{kind}: {hearing.case_title}" if hearing.case_title else kind)
    if hearing.scheduled_at is not None:
        event.add("dtstart", hearing.scheduled_at.replace(tzinfo=COURT_TZ))
    elif hearing.earliest is not None:
        event.add("dtstart", hearing.earliest)
        event.add("dtend", (hearing.latest or hearing.earliest) + timedelta(days=1))
    if hearing.court:
        event.add("location", hearing.court)
    lines = []
    if hearing.people:
        names = ", ".join(i18n.pick_name(names, lang) for _, names in hearing.people)
        lines.append(f"{gettext('People')}: {names}")
    if hearing.monitoring_outcome:
        outcome = i18n.term_label("monitoring_outcome", hearing.monitoring_outcome, lang)
        lines.append(f"{gettext('Monitoring')}: {outcome}")
    if lines:
        event.add("description", "\n".join(lines))
    return event
