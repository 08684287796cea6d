"""`habeas export …` and `habeas import json|uwazi`: habeas JSON, CSV tables, XLSX, Uwazi CSV."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from habeas.cli import _ctx, console, export_app, import_app, progress


class Audience(StrEnum):
    public = "public"
    restricted = "restricted"
    confidential = "confidential"


class Template(StrEnum):
    person = "person"
    case = "case"
    event = "event"


AudienceOption = Annotated[
    Audience,
    typer.Option(help="Who will read it: public (public records only), restricted, or confidential (all)"),
]


# -- habeas JSON ----------------------------------------------------------------------


@export_app.command("json")
def export_json(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The JSON file to write (replaced when it exists)")],
    kind: Annotated[list[str] | None, typer.Option(help="Only records of this kind; repeatable")] = None,
    record_id: Annotated[
        list[str] | None, typer.Option("--id", help="Only the record with this id; repeatable")
    ] = None,
    audience: AudienceOption = Audience.confidential,
) -> None:
    """Write records with their whole history to habeas's own JSON, to import into another habeas.

    The default audience, confidential, writes everything (retracted records too) exactly;
    a narrower audience writes only what it may read, each record's current version only.

    Example: habeas export json backup.json --kind person --kind custody_period
    """
    from habeas.ingest.jsonio import Selection, count_selected
    from habeas.ingest.jsonio import export_json as write

    store = _ctx(ctx).store()
    selection = Selection(kinds=kind or [], ids=record_id or [], audience=audience.value)
    with progress("exporting records", count_selected(store, selection)) as advance:
        count = write(store, out, selection, advance)
    console.print(
        f"{count} records written to {out} (audience: {audience.value})", markup=False, soft_wrap=True
    )


@import_app.command("json")
def import_json(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by `habeas export json`")],
    skip_existing: Annotated[
        bool, typer.Option("--skip-existing", help="Leave out records whose id is already here")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing")] = False,
) -> None:
    """Restore records from habeas JSON with their ids and history, all in one transaction or nothing.

    A record whose id is already in this database is refused, unless --skip-existing leaves it
    out (the stored record stays as it is).

    Example: habeas import json backup.json --dry-run
    """
    from habeas.ingest.jsonio import import_json as restore
    from habeas.ingest.jsonio import kinds_summary

    with progress("importing records", None) as advance:
        summary = restore(
            _ctx(ctx).service(), file, skip_existing=skip_existing, dry_run=dry_run, progress=advance
        )
    verb = "would restore" if dry_run else "restored"
    console.print(f"{verb}: {kinds_summary(summary.restored)}", markup=False, soft_wrap=True)
    if summary.skipped:
        console.print(
            f"skipped (already here): {kinds_summary(summary.skipped)}", markup=False, soft_wrap=True
        )


# -- tables ---------------------------------------------------------------------------


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The zip file to write, one CSV file per table inside")],
    audience: AudienceOption = Audience.public,
) -> None:
    """Write a zip of CSV files, one per table, holding only what the audience may read.

    Cells that a spreadsheet would take for a formula (starting with = + - @) start with ' instead.

    Example: habeas export csv tables.zip --audience public
    """
    from habeas.ingest.exports import export_tables_csv

    _export_tables(ctx, out, audience, export_tables_csv)


@export_app.command("xlsx")
def export_xlsx(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The XLSX workbook to write, one sheet per table")],
    audience: AudienceOption = Audience.public,
) -> None:
    """Write an XLSX workbook, one sheet per table, holding only what the audience may read.

    Cells that a spreadsheet would take for a formula (starting with = + - @) start with ' instead.

    Example: habeas export xlsx tables.xlsx --audience restricted
    """
    from habeas.ingest.exports import export_tables_xlsx

    _export_tables(ctx, out, audience, export_tables_xlsx)


def _export_tables(
    ctx: typer.Context,
    out: Path,
    audience: Audience,
    write: Callable[..., int],
) -> None:
    from habeas.ingest.exports import EXPORT_ORDER, count_exported
    from habeas.publishing.redact import audience_visibility

    store = _ctx(ctx).store()
    audience_visibility(audience.value)
    with store.reading() as conn:
        total = sum(count_exported(conn, kind, audience.value) for kind in EXPORT_ORDER)
    with progress("exporting tables", total) as advance:
        rows = write(store, out, audience.value, advance)
    console.print(f"{rows} rows written to {out} (audience: {audience.value})", markup=False, soft_wrap=True)


# -- Uwazi ------------------------------------------------------------------------------


@export_app.command("uwazi")
def export_uwazi(
    ctx: typer.Context,
    outdir: Annotated[Path, typer.Argument(help="Folder to write people.csv, cases.csv and events.csv in")],
    audience: AudienceOption = Audience.public,
) -> None:
    """Write people, cases and events as CSV files for Uwazi's CSV import (see docs/interop.md).

    Example: habeas export uwazi uwazi-out --audience public
    """
    from habeas.ingest.uwazi import export_uwazi as write

    store = _ctx(ctx).store()
    with progress("exporting for Uwazi", None) as advance:
        counts = write(store, outdir, audience.value, advance)
    for name, count in counts.items():
        console.print(f"{count} rows written to {outdir / name}", markup=False, soft_wrap=True)


@import_app.command("uwazi")
def import_uwazi(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A CSV file exported from Uwazi (or by `habeas export uwazi`)")
    ],
    template: Annotated[Template, typer.Option(help="Which template its rows are: person, case or event")],
    mapping: Annotated[
        Path | None, typer.Option(help="YAML file naming the file's column for each field (docs/interop.md)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row, write nothing")] = False,
) -> None:
    """Import an Uwazi CSV export, all in one transaction or nothing; bad rows are named.

    A row whose habeas_id is in this database updates that record; other rows create records.

    Example: habeas import uwazi people.csv --template person --mapping uwazi-mapping.yaml --dry-run
    """
    from habeas.ingest.uwazi import import_uwazi as read

    with progress("importing rows", None) as advance:
        summary = read(_ctx(ctx).service(), file, template.value, mapping, dry_run=dry_run, progress=advance)
    verb = "would be" if dry_run else "were"
    console.print(
        f"{summary.created} {template.value} records {verb} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged",
        markup=False,
        soft_wrap=True,
    )
    if summary.ignored_columns:
        console.print(
            f"columns not imported: {', '.join(summary.ignored_columns)}", markup=False, soft_wrap=True
        )
