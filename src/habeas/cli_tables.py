"""`habeas import table`: spreadsheets (CSV, XLSX) in, through a mapping."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from habeas.cli import _ctx, console, errors, import_app, progress
from habeas.errors import HabeasError

if TYPE_CHECKING:
    from habeas.ingest.mapping import TableMapping
    from habeas.ingest.table_import import ImportReport

SHOWN_ROWS = 200  # outcome lines printed at most; the counts are always complete


class OnError(StrEnum):
    stop = "stop"
    skip = "skip"


@import_app.command("table")
def import_table(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The CSV or XLSX file")],
    mapping: Annotated[
        Path | None, typer.Option(help="YAML mapping of columns to fields; without it one is guessed")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing")
    ] = False,
    on_error: Annotated[
        OnError,
        typer.Option(help="stop: a bad row stops it all, nothing written; skip: write the good rows"),
    ] = OnError.stop,
    encoding: Annotated[
        str | None, typer.Option(help="CSV encoding (default: detected): utf-8, utf-16, cp1251, cp1254…")
    ] = None,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: detected), or 'tab'")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet name (default: the first)")] = None,
    key: Annotated[
        str | None,
        typer.Option(help="Update the stored person whose name equals the row's: `name`, or a column header"),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Id of the source every imported fact is cited to")
    ] = None,
    allow_duplicates: Annotated[
        bool, typer.Option("--allow-duplicates", help="Create probable duplicates instead of reporting them")
    ] = False,
    write_mapping: Annotated[
        Path | None, typer.Option(help="Write the (guessed) mapping to this YAML file and stop, to edit it")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Accept the guessed mapping without asking")] = False,
) -> None:
    """Import people, custody, arrests, charges and facilities from a spreadsheet, one transaction.

    Every fact is cited to a source ("row N"). Probable duplicates of stored people are reported,
    not created. Rejected rows are listed with row, column, value and reason; with --on-error skip
    they also go to FILE.rejects.csv.

    Example: habeas import table prisoners.csv --mapping prisoners.yaml --dry-run
    """
    from habeas.ingest.mapping import guess_mapping, load_mapping
    from habeas.ingest.table_import import import_table as run_import
    from habeas.ingest.table_import import rejects_path
    from habeas.ingest.tabular import open_table

    context = _ctx(ctx)
    with open_table(file, encoding=encoding, delimiter=delimiter, sheet=sheet) as table:
        chosen = load_mapping(mapping, table.headers) if mapping else guess_mapping(table.headers)
        if write_mapping:
            write_mapping.write_text(chosen.to_yaml(), encoding="utf-8")
            console.print(f"mapping written to {write_mapping}: check it, then pass it with --mapping")
            return
        if mapping is None:
            _confirm(chosen, yes)
        with progress("importing rows") as advance:
            report = run_import(
                context.service(),
                table.rows,
                chosen,
                dry_run=dry_run,
                on_error=on_error.value,
                key=key,
                allow_duplicates=allow_duplicates,
                source_id=source,
                source_title=f"Spreadsheet import: {file.name}",
                rejects=rejects_path(file),
                progress=advance,
            )
    _print_report(report)
    if report.rejected and on_error is OnError.stop:
        errors.print(
            f"nothing was written: {report.rejected} row(s) rejected; fix them, or pass --on-error skip",
            markup=False,
        )
        raise typer.Exit(2)


def _confirm(mapping: TableMapping, yes: bool) -> None:
    """Show the guessed mapping; go on only with --yes or the user's confirmation at a terminal."""
    errors.print("guessed mapping (columns → fields):", markup=False)
    errors.print(mapping.to_yaml(), markup=False)
    if yes:
        return
    if not sys.stdin.isatty():
        raise HabeasError(
            "mapping: no --mapping given and no terminal to confirm the guess; pass --mapping FILE or --yes "
            "(save the guess to edit with --write-mapping FILE)"
        )
    if not typer.confirm("Import with this mapping?", default=False, err=True):
        raise typer.Exit(1)


def _print_report(report: ImportReport) -> None:
    would = "would be " if report.dry_run else ""
    summary = Table(title="dry run: nothing written" if report.dry_run else "import")
    summary.add_column("rows")
    summary.add_column("count", justify="right")
    for label, count in (
        ("read", report.rows),
        (f"{would}created", report.created),
        (f"{would}updated", report.updated),
        ("probable duplicates (not created)", report.duplicates),
        ("rejected", report.rejected),
        ("records written", report.records),
    ):
        summary.add_row(label, str(count))
    console.print(summary)
    shown = [o for o in report.outcomes if report.dry_run or o.action in ("reject", "duplicate") or o.reason]
    if shown:
        lines = Table(title="rows")
        for name in ("row", "outcome", "person", "column", "value", "reason"):
            lines.add_column(name)
        for o in shown[:SHOWN_ROWS]:
            lines.add_row(str(o.row), o.action, o.person_id, o.column, o.value, o.reason)
        console.print(lines)
        if len(shown) > SHOWN_ROWS:
            console.print(f"… and {len(shown) - SHOWN_ROWS} more rows")
    if report.rejects_file:
        console.print(f"rejected rows written to {report.rejects_file}")
