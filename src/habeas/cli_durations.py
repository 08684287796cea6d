"""`habeas stats durations`: time in pre-trial detention, to a verdict, and served (Kaplan–Meier)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from habeas.cli import ShortFormat, _day, _reading, console, stats_app

if TYPE_CHECKING:
    from habeas.analysis.durations import DurationReport, Stratum

TITLES = {
    "pretrial": ("Time in pre-trial detention", "pre-trial detention still running"),
    "to-verdict": ("Time from arrest to verdict", "a case still awaiting its verdict"),
    "served": ("Time served in prison", "imprisonment still running"),
}


@stats_app.command("durations")
def durations_command(
    ctx: typer.Context,
    measure: Annotated[
        str, typer.Option(help="pretrial (pre-trial detention), to-verdict (arrest to verdict) or served")
    ] = "pretrial",
    by: Annotated[str, typer.Option(help="Strata: group, arrest-year or none")] = "none",
    on: Annotated[
        str | None, typer.Option(help="The analysis day, YYYY-MM-DD: ongoing custody is censored here")
    ] = None,
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """How long people stay in custody: Kaplan–Meier medians (95% CI) and the share still held.

    Custody still running on the analysis day is censored, not dropped. A date known only to
    the month is placed mid-month; vaguer dates leave the record out, and both are counted
    (see docs/analysis.md, "Durations").

    Example: habeas stats durations --measure pretrial --by group --on 2024-11-20
    """
    from habeas.analysis.durations import durations

    day = _day(on, "--on")
    with _reading(ctx) as conn:
        report = durations(conn, measure, day, by)
    if format is ShortFormat.json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False) + "\n")
        return
    _print_report(report)


def _days(value: float | None) -> str:
    return "not reached" if value is None else f"{value:g}"


def _median(stratum: Stratum) -> str:
    low, high = stratum.median_ci95
    interval = f" ({_days(low)}–{'∞' if high is None else _days(high)})" if low is not None else ""
    return _days(stratum.median) + interval


def _print_report(report: DurationReport) -> None:
    from habeas.analysis.durations import SURVIVAL_DAYS

    title, running = TITLES[report.measure]
    console.print(
        f"[bold]{title}, in days, as of {report.on.isoformat()}[/bold] ({running} that day is censored)"
    )
    table = Table(title_justify="left")
    for name in ("stratum", "n", "ended", "censored", "median (95% CI)"):
        table.add_column(name, justify="left" if name == "stratum" else "right")
    for days in SURVIVAL_DAYS:
        table.add_column(f"not ended by {days}d", justify="right")
    for stratum in report.strata:
        shares = ["–" if s is None else f"{s[0]:.0%}" for s in stratum.survival.values()]
        label = stratum.key if stratum.key is not None else f"(no {report.by})"
        table.add_row(
            label, str(stratum.n), str(stratum.events), str(stratum.censored), _median(stratum), *shares
        )
    console.print(table)
    if not report.strata:
        console.print("No spells to estimate from.")
    console.print(
        f"Approximated (a date known to the month, placed mid-month): {report.approximated}. "
        "–: not estimable (nobody still waiting was followed that long)."
    )
    for reason, count in report.excluded.items():
        console.print(f"Left out: {count} ({reason})")
