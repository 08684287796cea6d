"""Events before, during and after a context period (COP29, an election), and how their rates compare.

The windows are whole days: `before` days up to the period's first day, the period itself, `after`
days from the day after it. An event counts in a window only when every day its date can mean lies
inside that window; the others are reported as excluded, never spread or guessed. Each rate ratio
against the window before has an exact 95% interval, conditional on the total (docs/analysis.md,
"Around events"). Nothing is stored: each call recomputes from the dated facts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from scipy.special import betaincinv  # type: ignore[import-untyped]
from sqlalchemy.engine import Connection

from habeas.analysis.event_dates import (
    DATE_UNKNOWN,
    OUTSIDE,
    DatedEvent,
    Span,
    placement,
    read_events,
    span_index,
)
from habeas.analysis.series import MAX_DAYS
from habeas.domain.vocabulary import vocabulary
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage.queries import ContextRow, _shown
from habeas.storage.tables import context_periods

WINDOWS = ("before", "during", "after")
LEVEL = 0.95
DAILY_BARS_UP_TO = 92  # days in all three windows; longer spans get a bar per week
_LENGTH = re.compile(r"(\d{1,6})\s*([dw]?)")


@dataclass(frozen=True)
class Window:
    name: str  # before, during, after
    first: date
    last: date
    events: int

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def rate(self) -> float:
        """Events per day."""
        return self.events / self.days


@dataclass(frozen=True)
class RateRatio:
    """A ratio of two Poisson rates and its interval; None where the data set no finite value."""

    estimate: float | None  # None when the baseline has no events
    low: float | None  # None when neither window has events
    high: float | None  # None (no upper limit) when the baseline has no events

    def as_json(self) -> dict[str, Any]:
        return {"estimate": self.estimate, "ci95": [self.low, self.high]}


@dataclass(frozen=True)
class Bar:
    first: date
    last: date
    events: int


@dataclass(frozen=True)
class Around:
    """The counts, rates and ratios around one context period, with what could not be placed."""

    period_id: str
    period_name: str
    event_type: str
    group: str | None
    windows: tuple[Window, Window, Window]
    ratios: dict[str, RateRatio]  # "during" and "after", each against "before"
    bars: list[Bar]  # the chart's bars, a day or a week each, across the three windows
    straddling: int  # events that may fall within the windows but not wholly within one of them
    date_unknown: int  # events with an unknown first or last possible day, that may fall within them
    not_drawn: int  # events counted in a window but dated less precisely than one bar

    @property
    def period(self) -> Window:
        return self.windows[1]

    def as_json(self) -> dict[str, Any]:
        return {
            "period": {
                "id": self.period_id,
                "name": self.period_name,
                "first": self.period.first.isoformat(),
                "last": self.period.last.isoformat(),
            },
            "event_type": self.event_type,
            "group": self.group,
            "windows": [
                {
                    "name": w.name,
                    "first": w.first.isoformat(),
                    "last": w.last.isoformat(),
                    "days": w.days,
                    "events": w.events,
                    "rate_per_day": w.rate,
                }
                for w in self.windows
            ],
            "rate_ratios": {name: ratio.as_json() for name, ratio in self.ratios.items()},
            "excluded": {"straddling": self.straddling, "date_unknown": self.date_unknown},
            "bars": [
                {"first": b.first.isoformat(), "last": b.last.isoformat(), "events": b.events}
                for b in self.bars
            ],
            "not_drawn": self.not_drawn,
        }


def around(
    conn: Connection,
    period: str,
    before: int = 90,
    after: int = 90,
    *,
    event_type: str = "arrest",
    group: str | None = None,
    visible: Collection[str] = ALL_VISIBILITY,
) -> Around:
    """Events of `event_type` (whose victims include a person in `group`, if given) around a context period.

    period: the context period's id, or its name (case aside) when no other period has it.
    before, after: the lengths of the windows before and after it, in days.
    """
    _check(event_type, group, before, after)
    context = find_context_period(conn, period, visible=visible)
    spans = _windows(context, before, after)
    first, last = spans[0][0], spans[-1][1]
    bars = bar_spans(first, context.earliest, last)
    dated = read_events(conn, [event_type], first, last, visible=visible, with_groups=group is not None)
    placed = _place([e for e in dated if group is None or group in e.groups], spans, bars)
    windows = tuple(Window(n, s, e, k) for n, (s, e), k in zip(WINDOWS, spans, placed.windows, strict=True))
    baseline = windows[0]
    return Around(
        period_id=context.id,
        period_name=context.name,
        event_type=event_type,
        group=group,
        windows=(windows[0], windows[1], windows[2]),
        ratios={w.name: rate_ratio(w.events, w.days, baseline.events, baseline.days) for w in windows[1:]},
        bars=[Bar(s, e, n) for (s, e), n in zip(bars, placed.bars, strict=True)],
        straddling=placed.straddling,
        date_unknown=placed.date_unknown,
        not_drawn=placed.not_drawn,
    )


def _check(event_type: str, group: str | None, before: int, after: int) -> None:
    vocabulary("event_type").check(event_type, "event_type")
    if group is not None:
        vocabulary("group").check(group, "group")
    for name, days in (("before", before), ("after", after)):
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError(name, days, f"give from 1 to {MAX_DAYS:,} days, e.g. 90d or 13w")


def parse_days(text: str, field: str) -> int:
    """A window's length: days ("90d" or "90") or weeks ("13w")."""
    found = _LENGTH.fullmatch(text.strip().lower())
    if found is None:
        raise ValidationError(field, text, "write a number of days or weeks, e.g. 90d or 13w")
    return int(found[1]) * (7 if found[2] == "w" else 1)


def find_context_period(
    conn: Connection, key: str, *, visible: Collection[str] = ALL_VISIBILITY
) -> ContextRow:
    """The live, visible context period with id `key`, or else the one named `key` (case aside)."""
    t = context_periods
    query = sa.select(t.c.id, t.c.name, t.c.start_earliest, t.c.end, t.c.end_latest, t.c.start_latest)
    rows = conn.execute(query.where(_shown(t, visible)).order_by(t.c.start_earliest, t.c.id)).all()
    matches = [r for r in rows if r.id == key] or [
        r for r in rows if r.name.casefold() == key.strip().casefold()
    ]
    if not matches:
        known = ", ".join(sorted({r.name for r in rows})) or "none recorded yet"
        raise ValidationError("period", key, f"give a context period's id or name ({known})")
    if len(matches) > 1:
        ids = ", ".join(r.id for r in matches)
        raise ValidationError("period", key, f"several context periods have this name; give one id: {ids}")
    row = matches[0]
    latest = row.end_latest if row.end is not None else row.start_latest
    if row.start_earliest is None or latest is None:
        raise ValidationError("period", key, "its dates are not known well enough to place it; date it first")
    return ContextRow(row.id, row.name, row.start_earliest, latest)


def _windows(context: ContextRow, before: int, after: int) -> list[Span]:
    """The days before, during and after the period, each window first to last."""
    try:
        return [
            (context.earliest - timedelta(days=before), context.earliest - timedelta(days=1)),
            (context.earliest, context.latest),
            (context.latest + timedelta(days=1), context.latest + timedelta(days=after)),
        ]
    except OverflowError:
        raise ValidationError(
            "period", context.id, "its windows run past the calendar; give shorter ones"
        ) from None


def bar_spans(first: date, anchor: date, last: date) -> list[Span]:
    """The chart's bars from `first` to `last`: a day each, or a week each from `anchor` back and forth.

    Weeks start on `anchor` (the period's first day) so that a bar never straddles the period's
    start; the first and last bars may be shorter.
    """
    size = 1 if (last - first).days + 1 <= DAILY_BARS_UP_TO else 7
    start = anchor - timedelta(days=size * math.ceil((anchor - first).days / size))
    out: list[Span] = []
    while start <= last:
        out.append((max(start, first), min(start + timedelta(days=size - 1), last)))
        start += timedelta(days=size)
    return out


@dataclass
class _Placed:
    windows: list[int]
    bars: list[int]
    straddling: int = 0
    date_unknown: int = 0
    not_drawn: int = 0


def _place(dated: Sequence[DatedEvent], spans: Sequence[Span], bars: Sequence[Span]) -> _Placed:
    """Count each event in the window (and the bar) holding all its possible days, or as excluded."""
    placed = _Placed([0] * len(spans), [0] * len(bars))
    for event in dated:
        where = placement(event.earliest, event.latest, spans[0][0], spans[-1][1])
        if where == OUTSIDE:
            continue
        if where == DATE_UNKNOWN or event.earliest is None or event.latest is None:
            placed.date_unknown += 1
            continue
        window = span_index(spans, event.earliest, event.latest)
        if window is None:  # across the edge of a window, or of all three
            placed.straddling += 1
            continue
        placed.windows[window] += 1
        bar = span_index(bars, event.earliest, event.latest)
        if bar is None:
            placed.not_drawn += 1
        else:
            placed.bars[bar] += 1
    return placed


def rate_ratio(n1: int, t1: float, n0: int, t0: float, level: float = LEVEL) -> RateRatio:
    """The ratio of the rates n1/t1 and n0/t0 with its exact conditional interval.

    Given n = n1 + n0 events, n1 is binomial with p = R·t1 / (R·t1 + t0), R the true ratio. The
    Clopper–Pearson interval (pL, pU) for p becomes R = p / (1 - p) · t0 / t1 at each end.
    """
    n = n1 + n0
    if n == 0:
        return RateRatio(None, None, None)
    tail = (1 - level) / 2
    p_low = 0.0 if n1 == 0 else float(betaincinv(n1, n0 + 1, tail))
    p_high = 1.0 if n0 == 0 else float(betaincinv(n1 + 1, n0, 1 - tail))
    scale = t0 / t1
    return RateRatio(
        estimate=None if n0 == 0 else (n1 / t1) / (n0 / t0),
        low=p_low / (1 - p_low) * scale,
        high=None if n0 == 0 else p_high / (1 - p_high) * scale,
    )
