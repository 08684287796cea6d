"""Counts over time from the dated facts: people held on each day or month end, and events per period.

"Held" is the certainly-held rule of `habeas held` (habeas.storage.queries): a custody period counts
on a day only when it certainly covers that day. An event counts in a period only when every day its
date can mean lies inside that period; the rest are counted beside the series, never spread or
guessed (docs/analysis.md, "Series"). Nothing is stored: each call recomputes from the dated facts.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.analysis.event_dates import (
    DATE_UNKNOWN,
    INSIDE,
    OUTSIDE,
    STRADDLING,
    DatedEvent,
    Span,
    placement,
    read_events,
    span_index,
)
from habeas.domain.vocabulary import HELD_KINDS, vocabulary
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage.queries import _certain_days, _shown
from habeas.storage.tables import custody_periods, people, person_groups

EVERY = ("day", "month")
BY = ("group", "kind")
MAX_DAYS = 20_000
DEFAULT_EVENT_TYPES = ("arrest", "release")
ALL = ""  # the category of everyone, beside the groups or kinds

cp = custody_periods


@dataclass
class Counts:
    """One category's figures at one point of a series; an event type not in a dict counts 0."""

    held: int = 0
    events: dict[str, int] = field(default_factory=dict)  # type -> events dated within the point's span
    # Daily series, on the last row of each month: type -> events known only to within that month.
    month_only: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Point:
    start: date  # events are counted from this day…
    end: date  # …to this one, on which the people held are counted
    counts: dict[str, Counts]  # category -> figures; ALL first


Tally = dict[str, dict[str, int]]  # category -> event type -> events


@dataclass(frozen=True)
class Series:
    """People held and events per day or per month from `first` to `last`, with what could not be placed."""

    first: date
    last: date
    every: str
    by: str | None
    event_types: tuple[str, ...]
    points: list[Point]
    categories: list[str]  # ALL, then the groups or custody kinds that occur, in vocabulary order
    month_rows: frozenset[date]  # daily series: the days whose row carries the month-only counts
    undated: Tally  # events whose possible days all lie within first..last, but not within one month
    straddling: Tally  # events that may fall within first..last but may also fall outside it
    date_unknown: Tally  # events with an unknown first or last possible day, that may fall within it

    def has_events(self, category: str) -> bool:
        """Whether events are broken down by `category` (not by custody kind: an event has none)."""
        return category == ALL or self.by == "group"

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "every": self.every,
            "by": self.by,
            "event_types": list(self.event_types),
            "points": [self._point_json(p) for p in self.points],
            "undated_in_period": self._tally_json(self.undated),
            "straddling": self._tally_json(self.straddling),
            "date_unknown": self._tally_json(self.date_unknown),
        }

    def _figures(self, counts: Counts, category: str, month_row: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"held": counts.held}
        if self.has_events(category):
            out["events"] = {t: counts.events.get(t, 0) for t in self.event_types}
            if month_row:
                out["month_only"] = {t: counts.month_only.get(t, 0) for t in self.event_types}
        return out

    def _point_json(self, point: Point) -> dict[str, Any]:
        month_row = point.end in self.month_rows
        out: dict[str, Any] = {"start": point.start.isoformat(), "end": point.end.isoformat()}
        out |= self._figures(point.counts[ALL], ALL, month_row)
        if self.by:
            out["by"] = {c: self._figures(point.counts[c], c, month_row) for c in self.categories[1:]}
        return out

    def _tally_json(self, tally: Tally) -> dict[str, dict[str, int]]:
        shown = [c for c in self.categories if self.has_events(c)]
        return {c or "all": {t: tally.get(c, {}).get(t, 0) for t in self.event_types} for c in shown}

    def columns(self) -> list[str]:
        """The headings of `rows()`: one line per point and category, as the CSV and table show it."""
        month_only = [f"{t}_month_only" for t in self.event_types] if self.every == "day" else []
        by = [self.by] if self.by else []
        return ["start", "end", *by, "held", *self.event_types, *month_only]

    def rows(self) -> Iterable[list[str]]:
        """Each point's figures as text, a line per category; blank where a figure does not apply."""
        for point in self.points:
            for category in self.categories:
                counts = point.counts[category]
                with_events = self.has_events(category)
                line = [point.start.isoformat(), point.end.isoformat()]
                line += [category or "all"] if self.by else []
                line.append(str(counts.held))
                line += [str(counts.events.get(t, 0)) if with_events else "" for t in self.event_types]
                if self.every == "day":
                    shown = with_events and point.end in self.month_rows
                    line += [str(counts.month_only.get(t, 0)) if shown else "" for t in self.event_types]
                yield line


def series(
    conn: Connection,
    first: date,
    last: date,
    every: str = "month",
    *,
    by: str | None = None,
    event_types: Sequence[str] = DEFAULT_EVENT_TYPES,
    visible: Collection[str] = ALL_VISIBILITY,
) -> Series:
    """People held on each day (or month end) from `first` to `last`, and events of `event_types` per period.

    by: "group" (a person, or an event's victim, counts in each of their groups) or "kind" (the
    custody kind `held_on` reports for each person; events are not broken down by kind).
    """
    types = _check(first, last, every, by, event_types)
    months = month_spans(first, last)
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    spans = months if every == "month" else [(d, d) for d in days]
    counts: list[dict[str, Counts]] = [defaultdict(Counts) for _ in spans]
    for category, figures in held_series(conn, [end for _, end in spans], by=by, visible=visible).items():
        for i, n in enumerate(figures):
            counts[i][category].held = n
    dated = read_events(conn, types, first, last, visible=visible, with_groups=by == "group")
    undated, straddling, unknown = _place_events(dated, spans, months if every == "day" else None, counts)
    categories = _ordered(
        {c for point in counts for c in point} | set(undated) | set(straddling) | set(unknown), by
    )
    return Series(
        first=first,
        last=last,
        every=every,
        by=by,
        event_types=types,
        points=[Point(s, e, {c: p[c] for c in categories}) for (s, e), p in zip(spans, counts, strict=True)],
        categories=categories,
        month_rows=frozenset(end for _, end in months) if every == "day" else frozenset(),
        undated=undated,
        straddling=straddling,
        date_unknown=unknown,
    )


def _check(
    first: date, last: date, every: str, by: str | None, event_types: Sequence[str]
) -> tuple[str, ...]:
    """The event types, each once, after refusing input the series cannot be computed from."""
    if first > last:
        raise ValidationError(
            "to", last.isoformat(), f"give a day on or after the first, {first.isoformat()}"
        )
    if (last - first).days + 1 > MAX_DAYS:
        days = (last - first).days + 1
        raise ValidationError(
            "to",
            last.isoformat(),
            f"a series spans at most {MAX_DAYS:,} days ({days:,} asked); shorten the range",
        )
    if every not in EVERY:
        raise ValidationError("every", every, f"use one of: {', '.join(EVERY)}")
    if by is not None and by not in BY:
        raise ValidationError("by", by, f"use one of: {', '.join(BY)}")
    if not event_types:
        raise ValidationError("event_type", "", "give at least one event type, e.g. arrest")
    kinds = vocabulary("event_type")
    return tuple(dict.fromkeys(kinds.check(t, "event_type") for t in event_types))


def _ordered(categories: Iterable[str], by: str | None) -> list[str]:
    """ALL first, then the categories in the order of their vocabulary."""
    if by is None:
        return [ALL]
    order = {
        code: i for i, code in enumerate(vocabulary("custody_kind" if by == "kind" else "group").codes())
    }
    return [ALL, *sorted(set(categories) - {ALL}, key=lambda c: (order.get(c, len(order)), c))]


def month_spans(first: date, last: date) -> list[Span]:
    """The calendar months from `first`'s to `last`'s, each cut to the part within `first`..`last`."""
    out: list[Span] = []
    start = first
    while True:
        ends = date(start.year, 12, 31) if start.month == 12 else date(start.year, start.month + 1, 1)
        end = min(ends if start.month == 12 else ends - timedelta(days=1), last)
        out.append((start, end))
        if end == last:
            return out
        start = end + timedelta(days=1)


# -- people held ----------------------------------------------------------------------------------


def held_series(
    conn: Connection,
    days: Sequence[date],
    *,
    by: str | None = None,
    visible: Collection[str] = ALL_VISIBILITY,
) -> dict[str, list[int]]:
    """category -> the number of people held on each of `days` (sorted), as `queries.held_on` counts them.

    ALL counts everyone; with by="group" a person counts in each of their groups, with by="kind"
    in the kind of their latest-started period covering the day (the one `held_on` reports).
    """
    periods = _held_periods(conn, days, visible)
    groups = _groups_of(conn, visible) if by == "group" else {}
    change: dict[str, list[int]] = {ALL: [0] * (len(days) + 1)}
    for person_id, spans in periods.items():
        for lo, hi, kind in _segments(spans):
            extra = groups.get(person_id, ()) if by == "group" else (kind,) if by == "kind" else ()
            for category in (ALL, *extra):
                steps = change.setdefault(category, [0] * (len(days) + 1))
                steps[lo] += 1
                steps[hi] -= 1
    return {category: list(itertools.accumulate(steps[:-1])) for category, steps in change.items()}


# One held period as indexes into the days: [lo, hi), its kind, and its rank in `held_on`'s choice.
_Indexed = tuple[int, int, str, tuple[bool, date, str]]


def _held_periods(
    conn: Connection, days: Sequence[date], visible: Collection[str]
) -> dict[str, list[_Indexed]]:
    """Per person, the live, visible held periods that certainly cover some of `days`."""
    if not days:
        return {}
    query = (
        sa.select(
            cp.c.id,
            cp.c.person_id,
            cp.c.kind,
            cp.c.start_earliest,
            cp.c.start_latest,
            cp.c.end,
            cp.c.end_earliest,
        )
        .join(people, people.c.id == cp.c.person_id)
        .where(
            _shown(cp, visible),
            _shown(people, visible),
            # Only to read fewer rows; _certain_days applies the rule itself.
            sa.or_(cp.c.start_latest.is_(None), cp.c.start_latest <= days[-1]),
            sa.or_(cp.c.end.is_(None), cp.c.end_earliest >= days[0]),
        )
    )
    out: dict[str, list[_Indexed]] = defaultdict(list)
    for row in conn.execute(query):
        certain = _certain_days(row.start_earliest, row.start_latest, row.end, row.end_earliest)
        if row.kind not in HELD_KINDS or certain is None:
            continue
        lo, hi = bisect.bisect_left(days, certain[0]), bisect.bisect_right(days, certain[1])
        if lo < hi:
            # held_on keeps, per person, the covering period that started last (an unknown start
            # ranks below any known one), then the greatest id.
            rank = (row.start_earliest is not None, row.start_earliest or date.min, row.id)
            out[row.person_id].append((lo, hi, row.kind, rank))
    return out


def _segments(periods: list[_Indexed]) -> Iterable[tuple[int, int, str]]:
    """Non-overlapping [lo, hi) ranges covering the union of `periods`, each with the kind held_on reports."""
    if len(periods) == 1:
        lo, hi, kind, _ = periods[0]
        yield lo, hi, kind
        return
    cuts = sorted({p[0] for p in periods} | {p[1] for p in periods})
    for lo, hi in itertools.pairwise(cuts):
        # Between two cuts the same periods cover every day; a person's periods are few.
        covering = [p for p in periods if p[0] <= lo and hi <= p[1]]
        if covering:
            yield lo, hi, max(covering, key=lambda p: p[3])[2]


def _groups_of(conn: Connection, visible: Collection[str]) -> dict[str, tuple[str, ...]]:
    """person id -> their groups, each once, for live, visible people."""
    query = (
        sa.select(person_groups.c.person_id, person_groups.c.code)
        .join(people, people.c.id == person_groups.c.person_id)
        .where(_shown(people, visible))
        .order_by(person_groups.c.person_id, person_groups.c.position)
    )
    groups: dict[str, dict[str, None]] = defaultdict(dict)
    for person_id, code in conn.execute(query):
        groups[person_id][code] = None
    return {person_id: tuple(codes) for person_id, codes in groups.items()}


# -- events -------------------------------------------------------------------------------------


def _place_events(
    dated: Iterable[DatedEvent],
    spans: Sequence[Span],
    months: Sequence[Span] | None,
    counts: list[dict[str, Counts]],
) -> tuple[Tally, Tally, Tally]:
    """Add each event to its point's counts (or its month's row, in a daily series); return the others.

    spans: the points' spans, from the range's first day to its last; months: in a daily series,
    the months cut to the range. Returns the events (undated within the range, straddling its
    edges, of unknown date) that no point or month holds, each as category -> type -> n.
    """
    first, last = spans[0][0], spans[-1][1]
    sides: dict[str, Tally] = {"undated": {}, STRADDLING: {}, DATE_UNKNOWN: {}}
    for event in dated:
        slot, row = _slot(event, spans, months, first, last)
        if slot == OUTSIDE:
            continue
        for category in (ALL, *sorted(event.groups)):
            if slot == "point":
                tally = counts[row][category].events
            elif slot == "month":
                tally = counts[row][category].month_only
            else:
                tally = sides[slot].setdefault(category, {})
            tally[event.type] = tally.get(event.type, 0) + 1
    return sides["undated"], sides[STRADDLING], sides[DATE_UNKNOWN]


def _slot(
    event: DatedEvent, spans: Sequence[Span], months: Sequence[Span] | None, first: date, last: date
) -> tuple[str, int]:
    """Where an event counts: ("point", i), ("month", row of the month's last day), or a side count."""
    where = placement(event.earliest, event.latest, first, last)
    if where != INSIDE or event.earliest is None or event.latest is None:
        return where, -1
    i = span_index(spans, event.earliest, event.latest)
    if i is not None:
        return "point", i
    m = span_index(months, event.earliest, event.latest) if months is not None else None
    if m is not None and months is not None:
        # A daily series has one row per day: the month's counts go on its last day's row.
        return "month", (months[m][1] - first).days
    return "undated", -1
