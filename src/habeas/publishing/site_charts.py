"""The figures behind the public site's charts, computed once from a `PublicData`, drawn per language.

Four charts: people in custody at each month's end (everyone the public custody records show held
under the rule's kinds, on the list or not: not the list's count), arrests per month (both with
context periods shaded), the charges most used against the people named on the list, and where
those people are held on the list's day. A count includes a dated fact only when its date is
certain: a custody period counts at a month's end only when it certainly covers that day
(`dataset.covers`), an arrest only when it is known to its month.
"""

from __future__ import annotations

import bisect
import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date

from habeas.i18n import Gettext
from habeas.publishing import charts
from habeas.publishing.dataset import PublicData, covers

__all__ = ["CHART_NAMES", "ChartData", "Figures", "compute", "draw"]

#: Each chart's file name (under <lang>/charts/) and the order the charts page shows them in.
CHART_NAMES = ("held", "arrests", "charges", "facilities")
TOP = 15  # bars in the charges and facilities charts
YEARS_BACK = 25  # the month charts start no earlier than this many years before the list's day


@dataclass(frozen=True)
class Figures:
    """What the charts show, in numbers; the same for every language."""

    months: tuple[date, ...]  # the day counted in each month: its last day, or the list's day
    held: tuple[int, ...]  # people in custody on each of `months`, whether or not on the list
    arrests: tuple[int, ...]  # arrests known to fall in each month
    periods: tuple[charts.Period, ...]
    charges: tuple[tuple[str, int], ...]  # (code and article, named members charged under it)
    facilities: tuple[tuple[str, int], ...]  # (facility, named members held there); "" not recorded
    named: int  # named members, whom the last two charts describe


@dataclass(frozen=True)
class ChartData:
    """One chart as a language shows it: its SVG text, and the same figures as a table's rows."""

    name: str
    title: str
    caption: str
    svg: str
    columns: tuple[str, str]  # the table's headings
    rows: tuple[tuple[str, int], ...]


def compute(data: PublicData) -> Figures:
    """Every chart's figures from `data`."""
    on = data.listing.on_date
    months = _months(data, on)
    arrests = _arrest_months(data)
    return Figures(
        months=tuple(months),
        held=tuple(_held(data, months)),
        arrests=tuple(arrests.get((m.year, m.month), 0) for m in months),
        periods=tuple(
            charts.Period(p.name, p.start.earliest, (p.end or p.start).latest or p.start.earliest)
            for p in data.context_periods
            if p.start.earliest is not None
        ),
        charges=tuple(_top_charges(data)),
        facilities=tuple(_top_facilities(data)),
        named=len(data.listing.members),
    )


def draw(figures: Figures, _: Gettext) -> list[ChartData]:
    """The four charts with their titles, captions and labels in the language of `_`."""
    return [*_month_charts(figures, _), *_list_charts(figures, _)]


def _month_charts(figures: Figures, _: Gettext) -> list[ChartData]:
    months = [m.strftime("%Y-%m") for m in figures.months]
    span = {"first": months[0] if months else "", "last": months[-1] if months else ""}
    # The held chart counts custody records, not the list: a reader must not take it for the list's
    # count. The page's heading says so in full; the drawing's own title, one line wide, in short.
    held_title = _(
        "People in custody at each month end, from the public custody records (whether or not on the list)"
    )
    held_caption = _(
        "People whose public custody records show them held, under a kind of custody the list's "
        "rule counts, on the last day of each month from %(first)s to %(last)s (for the last month, "
        "on the list's day), whether or not they are on the list: this is not the list's count. "
        "Shaded: context periods."
    )
    arrests_title = _("Arrests per month")
    arrests_caption = _(
        "Arrests in the public records, by month, from %(first)s to %(last)s; an arrest known "
        "only to a year or a season is not counted. Shaded: context periods."
    )
    out = []
    for name, title, drawn_title, caption, counts, column in (
        (
            "held",
            held_title,
            _("People in custody at each month end, on the list or not"),
            held_caption,
            figures.held,
            _("People in custody"),
        ),
        ("arrests", arrests_title, arrests_title, arrests_caption, figures.arrests, _("Arrests")),
    ):
        points = list(zip(figures.months, counts, strict=True))
        svg = charts.month_columns(drawn_title, points, figures.periods)
        rows = tuple(zip(months, counts, strict=True))
        out.append(ChartData(name, title, caption % span, svg, (_("Month"), column), rows))
    return out


def _list_charts(figures: Figures, _: Gettext) -> list[ChartData]:
    named = {"count": figures.named, "top": TOP}
    facilities = tuple((name or _("not recorded"), n) for name, n in figures.facilities)
    charges_caption = _(
        "How many of the %(count)s people named on the list face each article (the %(top)s most used)."
    )
    facilities_caption = _(
        "Where the %(count)s people named on the list are held on the list's day "
        "(the %(top)s places most used)."
    )
    out = []
    for name, title, caption, column, rows in (
        (
            "charges",
            _("Most-used charges against the people named on the list"),
            charges_caption,
            _("Article"),
            figures.charges,
        ),
        (
            "facilities",
            _("Where the people named on the list are held"),
            facilities_caption,
            _("Place of detention"),
            facilities,
        ),
    ):
        svg = charts.labelled_bars(title, rows)
        out.append(ChartData(name, title, caption % named, svg, (column, _("People")), rows))
    return out


# -- the month series -------------------------------------------------------------------


def _months(data: PublicData, on: date) -> list[date]:
    """The day counted in each month, from the first month any dated fact is known to the list's."""
    known = [
        d
        for periods in data.custody.values()
        for p in periods
        for d in (p.start.latest or p.start.earliest,)
        if d is not None
    ]
    known += [e.date.earliest for e in data.events if e.type == "arrest" and e.date.earliest is not None]
    floor = date(on.year - YEARS_BACK, 1, 1)
    first = max(min((d for d in known if d <= on), default=on), floor)
    out: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (on.year, on.month):
        out.append(min(date(year, month, calendar.monthrange(year, month)[1]), on))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _held(data: PublicData, days: list[date]) -> list[int]:
    """For each day, how many people a period of the rule's custody kinds certainly covers."""
    kinds = set(data.listing.rule.custody_kinds)
    counts = [0] * len(days)
    for periods in data.custody.values():
        held: set[int] = set()
        for period in periods:
            if period.kind not in kinds:
                continue
            # only the days between the period's bounds can be covered; `covers` decides each
            begun = period.start.latest or period.start.earliest
            low = bisect.bisect_left(days, begun) if begun else 0
            high = len(days)
            if period.end is not None:
                ended = period.end.earliest
                high = bisect.bisect_right(days, ended) if ended else 0
            held.update(i for i in range(low, high) if covers(period, days[i]))
        for i in held:
            counts[i] += 1
    return counts


def _arrest_months(data: PublicData) -> Counter[tuple[int, int]]:
    """Arrests per (year, month), counting only arrests whose date is certain to its month."""
    tally: Counter[tuple[int, int]] = Counter()
    for event in data.events:
        first, last = event.date.earliest, event.date.latest
        if event.type == "arrest" and first and last and (first.year, first.month) == (last.year, last.month):
            tally[(first.year, first.month)] += 1
    return tally


# -- the list's people -----------------------------------------------------------------


def _top_charges(data: PublicData) -> list[tuple[str, int]]:
    """Code and article (with the wording most often given) -> named members charged under it."""
    people: Counter[str] = Counter()
    wording: dict[str, Counter[str]] = {}
    for member in data.listing.members:
        for charge in data.charges.get(member.person_id, []):
            labels = wording.setdefault(charge.reference, Counter())
            if charge.label:
                labels[charge.label] += 1
        for reference in {c.reference for c in data.charges.get(member.person_id, [])}:
            people[reference] += 1
    ranked = sorted(people.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [(_with_wording(reference, wording[reference]), n) for reference, n in ranked]


def _with_wording(reference: str, labels: Counter[str]) -> str:
    named = sorted(labels, key=lambda label: (-labels[label], label))
    return f"{reference} ({named[0]})" if named else reference


def _top_facilities(data: PublicData) -> list[tuple[str, int]]:
    """Facility name (empty when none is recorded) -> named members held there on the list's day."""
    on, kinds = data.listing.on_date, data.listing.rule.custody_kinds
    where: Counter[str] = Counter()
    for member in data.listing.members:
        period = data.custody_on(member.person_id, on, kinds)
        if period is not None:
            where[data.facility_name(period)] += 1
    return sorted(where.items(), key=lambda item: (-item[1], item[0]))[:TOP]
