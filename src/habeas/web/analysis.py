"""The analysis page: people held and arrests per month, durations, figures around events, estimation.

Every figure comes from habeas.analysis over the caller's visible records (the
same visibility as the dashboard), recomputed from the dated facts and cached
until the next write. Each section carries a note on what it means and what
it does not.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.engine import Connection

from habeas.analysis import durations as durations_module
from habeas.analysis import series as series_module
from habeas.errors import ValidationError
from habeas.storage import queries
from habeas.web import i18n
from habeas.web.charts import Chart, month_chart
from habeas.web.pages import Filter, caller, today
from habeas.web.render import language_of, render
from habeas.web.routing import Routes

if TYPE_CHECKING:
    from habeas.analysis.around import Around

routes = Routes()
YEARS = 10  # the charts cover this many years up to today, as the dashboard's does
AROUND_DAYS = 90  # the windows before and after each context period


def _(text: str) -> str:
    """Mark `text` for `make messages`; the template translates it where it is shown."""
    return text


# habeas.analysis.durations.EXCLUSION_REASONS, the keys of a report's `excluded`, shown as _(reason).
EXCLUSION_LABELS = (
    _("start date vaguer than a month or unknown"),
    _("end date vaguer than a month or unknown"),
    _("arrest date vaguer than a month or unknown"),
    _("verdict date vaguer than a month or unknown"),
    _("arrest not linked to a case"),
)


@dataclass(frozen=True)
class MonthCharts:
    """The two monthly charts and what the arrest chart leaves out."""

    held: Chart
    arrests: Chart
    periods: list[queries.ContextRow]
    undated: int  # known only to a span wider than a month (a season, a year) within the range
    straddling: int  # may fall inside the range or outside it
    date_unknown: int


@routes.get("/analysis", "read")
def analysis_page(request: Request, by: Filter = "none") -> Response:
    web = request.app.state.web
    visible = caller(request).visible
    day = today(request)
    if by not in durations_module.STRATA:
        raise ValidationError("by", by, f"use one of: {', '.join(durations_module.STRATA)}")

    def compute() -> dict[str, Any]:
        with web.store.reading() as conn:
            return {
                "months": _month_charts(conn, day, visible),
                "reports": [
                    durations_module.durations(conn, measure, day, by, visible=visible)
                    for measure in durations_module.MEASURES
                ],
                "around": _around(conn, day, visible),
            }

    # Depends only on the data, the day, the visibility and the stratum: cached until the next write.
    facts = web.memo(("analysis", day, visible, by), compute)
    return render(
        request,
        "analysis.html",
        day=day,
        by=by,
        months=facts["months"],
        reports=facts["reports"],
        survival_days=durations_module.SURVIVAL_DAYS,
        around_days=AROUND_DAYS,
        around=_with_charts(request, facts["around"]),
    )


def _with_charts(request: Request, reports: list[Around]) -> list[tuple[Around, Markup]]:
    """Each around report with its chart, drawn in the page's language (chart_svg escapes its texts)."""
    from habeas.analysis.around_chart import chart_svg

    lang = language_of(request)
    gettext = i18n.gettext_for(lang)
    return [(report, Markup(chart_svg(report, gettext, lang))) for report in reports]


def _month_charts(conn: Connection, day: date, visible: Collection[str]) -> MonthCharts:
    """People held at each month's end and arrests per month, over the last YEARS years."""
    first = date(day.year - YEARS, day.month, 1)
    monthly = series_module.series(conn, first, day, "month", event_types=("arrest",), visible=visible)
    everyone = series_module.ALL
    held = [(p.start, p.counts[everyone].held) for p in monthly.points]
    arrests = [(p.start, p.counts[everyone].events.get("arrest", 0)) for p in monthly.points]
    periods = queries.context_periods_between(conn, first, day, visible=visible)
    shaded = [(p.name, p.earliest, p.latest) for p in periods]

    def left_out(tally: series_module.Tally) -> int:
        return tally.get(everyone, {}).get("arrest", 0)

    return MonthCharts(
        held=month_chart(held, shaded),
        arrests=month_chart(arrests, shaded),
        periods=periods,
        undated=left_out(monthly.undated),
        straddling=left_out(monthly.straddling),
        date_unknown=left_out(monthly.date_unknown),
    )


def _around(conn: Connection, day: date, visible: Collection[str]) -> list[Around]:
    """Arrests before, during and after each context period of the charts that is over by `day`."""
    from habeas.analysis.around import around  # imports scipy: only when the page is asked for

    first = date(day.year - YEARS, day.month, 1)
    found = []
    for period in queries.context_periods_between(conn, first, day, visible=visible):
        # Days after today would count as days without arrests: the window after stops today.
        after = min(AROUND_DAYS, (day - period.latest).days)
        if after < 1:
            continue  # not over yet
        try:
            found.append(around(conn, period.id, AROUND_DAYS, after, visible=visible))
        except ValidationError:
            continue  # its windows cannot be placed (they run past the calendar)
    return found
