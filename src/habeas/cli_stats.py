"""`habeas stats series|around`: counts over time, and events around a context period.

Each command reads through the store as the team (every visibility), calls one function of
habeas.analysis and prints its result; the methods are in docs/analysis.md.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from habeas.analysis.series import DEFAULT_EVENT_TYPES, Series, series
from habeas.cli import Format, ShortFormat, _day, _reading, console, errors, stats_app
from habeas.errors import ValidationError

if TYPE_CHECKING:
    from habeas.analysis.around import Around, RateRatio

# The library's fields, as the commands spell them.
_OPTIONS = {
    "from": "--from",
    "to": "--to",
    "every": "--every",
    "by": "--by",
    "event_type": "--event-type",
    "group": "--group",
    "before": "--before",
    "after": "--after",
    "period": "CONTEXT_PERIOD",
}


@contextmanager
def _options() -> Iterator[None]:
    """Name the command's option in a refusal from the library, which names its own fields."""
    try:
        yield
    except ValidationError as exc:
        if exc.field not in _OPTIONS:
            raise
        raise ValidationError(_OPTIONS[exc.field], exc.value, exc.allowed) from None


def _write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


# -- series -------------------------------------------------------------------------------------


@stats_app.command("series")
def series_command(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", help="The first day, YYYY-MM-DD")],
    to: Annotated[str, typer.Option(help="The last day, YYYY-MM-DD")],
    every: Annotated[
        str, typer.Option(help="day or month (held counted on each month's last day)")
    ] = "month",
    by: Annotated[
        str | None,
        typer.Option(help="group (a person counts in each of their groups) or kind (custody kind)"),
    ] = None,
    event_type: Annotated[
        list[str] | None,
        typer.Option(help="Event types to count, repeatable (default: arrest and release)"),
    ] = None,
    format: Annotated[Format, typer.Option(help="table, json or csv")] = Format.table,
) -> None:
    """People held on each day or month end, and arrests and releases (or any event type) per period.

    Recomputed from the dated facts each time. An event counts in a row only when its date lies
    wholly inside it; in a daily series, events known only to the month are in the month-only
    columns on the month's last row; the rest are counted beside the series
    (docs/analysis.md, "Series").

    Example: habeas stats series --from 2024-01-01 --to 2024-12-31 --every month --by group
    """
    first, last = _day(from_, "--from"), _day(to, "--to")
    with _options(), _reading(ctx) as conn:
        report = series(conn, first, last, every, by=by, event_types=event_type or DEFAULT_EVENT_TYPES)
    if format is Format.json:
        _write_json(report.as_json())
    elif format is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(report.columns())
        writer.writerows(report.rows())
        for line in _side_lines(report):
            errors.print(f"note: {line}", markup=False)
    else:
        table = Table(*report.columns(), title=_series_title(report), title_justify="left")
        for row in report.rows():
            table.add_row(*row)
        console.print(table)
        lines = list(_side_lines(report))
        for line in lines or ["Every event of these types that may fall within the period is in a row."]:
            console.print(line, markup=False)


def _series_title(report: Series) -> str:
    per = "day" if report.every == "day" else "month (held: on its last day)"
    return f"Held and events per {per}, {report.first.isoformat()} to {report.last.isoformat()}"


def _side_lines(report: Series) -> Iterator[str]:
    """The events no row holds, as sentences, per category where there are any."""
    data = report.as_json()
    for key, what in (
        ("undated_in_period", "dated within the period, but not to one month (not in any row)"),
        ("straddling", "dated to a span that may fall within the period or outside it (left out)"),
        ("date_unknown", "of unknown date, that may fall within the period (left out)"),
    ):
        for category, counts in data[key].items():
            if any(counts.values()):
                listed = ", ".join(f"{t} {n}" for t, n in counts.items())
                yield f"Events {what}{'' if category == 'all' else f' [{category}]'}: {listed}"


# -- around -------------------------------------------------------------------------------------


@stats_app.command("around")
def around_command(
    ctx: typer.Context,
    context_period: Annotated[str, typer.Argument(help="The context period's id or name, e.g. COP29")],
    before: Annotated[str, typer.Option(help="Days (90d) or weeks (13w) before the period")] = "90d",
    after: Annotated[str, typer.Option(help="Days (90d) or weeks (13w) after the period")] = "90d",
    event_type: Annotated[str, typer.Option(help="The event type to count")] = "arrest",
    group: Annotated[str | None, typer.Option(help="Only events whose victims include this group")] = None,
    svg: Annotated[Path | None, typer.Option(help="Also write the chart to this SVG file")] = None,
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """Events before, during and after a context period, their rates and the rate ratios (95% interval).

    An event counts in a window only when its date lies wholly inside it; the others are reported
    as left out. The intervals are exact conditional Poisson intervals (docs/analysis.md, "Around events").

    Example: habeas stats around COP29 --before 90d --after 90d --event-type arrest --svg cop29.svg
    """
    from habeas.analysis.around import around, parse_days
    from habeas.analysis.around_chart import chart_svg

    with _options():
        days_before, days_after = parse_days(before, "before"), parse_days(after, "after")
        with _reading(ctx) as conn:
            report = around(conn, context_period, days_before, days_after, event_type=event_type, group=group)
    if svg is not None:
        try:
            svg.write_text(chart_svg(report), encoding="utf-8")
        except OSError as exc:
            raise ValidationError(
                "--svg", str(svg), f"cannot be written ({exc.strerror}); give another path"
            ) from None
    if format is ShortFormat.json:
        _write_json(report.as_json() | ({"svg": str(svg)} if svg else {}))
        return
    _print_around(report)
    if svg is not None:
        console.print(f"chart written: {svg}", markup=False)


def _print_around(report: Around) -> None:
    scope = f", victims in the group {report.group}" if report.group else ""
    period = report.period
    title = f"{report.event_type} around {report.period_name} ({period.first} to {period.last}){scope}"
    table = Table("window", "from", "to", "days", "events", "per day", title=title, title_justify="left")
    for w in report.windows:
        table.add_row(w.name, str(w.first), str(w.last), str(w.days), str(w.events), f"{w.rate:.3f}")
    console.print(table)
    ratios = Table("rate ratio", "estimate", "95% interval", title="exact conditional Poisson interval")
    for name, ratio in report.ratios.items():
        ratios.add_row(f"{name} / before", _number(ratio.estimate, "∞"), _interval(ratio))
    console.print(ratios)
    console.print(
        f"Left out: {report.straddling} dated to a span across a window's edge, "
        f"{report.date_unknown} of unknown date. Counted but not drawn in the chart "
        f"(dated less precisely than a bar): {report.not_drawn}.",
        markup=False,
    )


def _number(value: float | None, missing: str) -> str:
    return missing if value is None else f"{value:.2f}"


def _interval(ratio: RateRatio) -> str:
    if ratio.low is None:
        return "none (no events in either window)"
    return f"{_number(ratio.low, '')} to {_number(ratio.high, '∞')}"
