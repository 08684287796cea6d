"""`habeas estimate`: multiple systems estimation of the total from overlapping lists.

The figures come from habeas.analysis.mse; this module only reads the options,
makes the one call and prints the models' table (or a JSON array, one object per
model) on stdout and the warnings, one a line, on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from habeas.cli import ShortFormat, _ctx, _day, app, console, errors

if TYPE_CHECKING:
    from habeas.analysis.mse import Estimate, ModelFit


@app.command()
def estimate(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(help="CSV: one 0/1 column per list and a `count` column; '#' lines are comments"),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            help="M0, Mt, Mt+A:B(+C:D…), Mt+2way, Mh-chao, Mh-poisson, Mh-darroch, Mh-gamma, Mth-…, "
            "or bma (averaging over decomposable graphs, 3 to 5 lists) (repeatable; default: all but bma)",
        ),
    ] = None,
    select: Annotated[str, typer.Option(help="Choose the model by aic or bic")] = "aic",
    format: Annotated[ShortFormat, typer.Option(help="table, or json (an array, one object per model)")] = (
        ShortFormat.table
    ),
    from_store: Annotated[
        bool, typer.Option("--from-store", help="Build the lists from the database instead of FILE")
    ] = False,
    list_: Annotated[
        list[str] | None,
        typer.Option(
            "--list", help="With --from-store: a publisher whose sources make one list (repeat, 2+)"
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="With --from-store: only people certainly held on this day, YYYY-MM-DD")
    ] = None,
) -> None:
    """Estimate how many people there are in all, seen or not, from how several lists overlap.

    Fits closed-population log-linear models (as R's Rcapture does) to the number of people on
    each combination of lists, chooses one by AIC or BIC, and prints each model's estimate N,
    standard error, deviance, degrees of freedom, AIC, BIC and 95% profile-likelihood interval.
    Warnings (lists that barely overlap, a chosen model that does not fit, plausible models that
    disagree, models that cannot be fitted) go to stderr. See docs/estimation.md.

    With --from-store, each --list is the people whom sources of that publisher document.

    Example: habeas estimate lists.csv --model Mt --model Mt+EXH:ABA --select bic --format json
    """
    from habeas.analysis.mse import estimate_csv
    from habeas.analysis.mse_store import estimate_from_store
    from habeas.errors import ValidationError

    if from_store:
        if file is not None:
            raise ValidationError("FILE", str(file), "give either FILE or --from-store, not both")
        day = _day(on, "--on") if on is not None else None
        with _ctx(ctx).store().reading() as conn:
            result = estimate_from_store(conn, list_ or [], day, model, select)
    else:
        if file is None:
            raise ValidationError("FILE", "", "give a CSV file of capture histories, or --from-store")
        for name, given in (("--list", list_), ("--on", on)):
            if given:
                raise ValidationError(name, given, "use it with --from-store")
        result = estimate_csv(file, model, select)
    if format is ShortFormat.json:
        sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_table(result)
    for warning in result.warnings:
        errors.print(f"warning: {warning.message}", markup=False, emoji=False)


def _print_table(result: Estimate) -> None:
    title = f"{len(result.lists)} lists ({', '.join(result.lists)}), {result.n} people seen"
    table = Table(
        title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    table.add_column("", no_wrap=True)
    table.add_column("model", no_wrap=True)
    for heading in ("N", "s.e.", "95% from", "to", "dev.", "df", "AIC", "BIC"):
        table.add_column(heading, justify="right", no_wrap=True)
    for fit in result.fits:
        # Text, not str: a model name such as Mt+A:B is neither markup nor an emoji code.
        table.add_row("*" if fit is result.selected else "", Text(fit.model), *_cells(fit))
    console.print(table)
    for fit in result.fits:
        if fit.detail:
            console.print(f"{fit.model}: {fit.detail}", markup=False, emoji=False, highlight=False)
    chosen = result.selected
    if chosen is None:
        console.print("No model could be fitted: there is no estimate (see the warnings).")
        return
    console.print(
        f"* chosen by {result.criterion.upper()}: {chosen.model}, N = {_number(chosen.total)}, "
        f"95% interval {_interval(chosen)}",
        markup=False,
        emoji=False,
        highlight=False,
    )


def _cells(fit: ModelFit) -> list[str]:
    if not fit.fitted:
        return ["not fitted", "", "", "", "", "", "", ""]
    lower, upper = fit.ci95 if fit.ci95 else (None, None)
    return [
        _number(fit.total),
        _number(fit.se),
        _number(lower),
        _number(upper) if fit.ci95 is None or upper is not None else "no limit",
        _number(fit.deviance),
        "" if fit.df is None else str(fit.df),
        _number(fit.aic),
        _number(fit.bic),
    ]


def _interval(fit: ModelFit) -> str:
    if fit.ci95 is None:
        return "none"
    lower, upper = fit.ci95
    return f"{_number(lower)} – {_number(upper) if upper is not None else 'no limit'}"


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"
