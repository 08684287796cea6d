"""`habeas publish site|sqlite|statement`: what the public may see, read through the redaction gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from habeas.cli import _ctx, _day, console, progress, publish_app
from habeas.errors import ValidationError

if TYPE_CHECKING:
    from habeas.publishing.dataset import PublicData

EditionOption = Annotated[
    str | None, typer.Option("--edition", help="A list edition's id (default: the newest edition)")
]
OnOption = Annotated[
    str | None,
    typer.Option("--on", help="Compute the list for this day (YYYY-MM-DD) instead of reading an edition"),
]


def _collect(ctx: typer.Context, edition: str | None, on: str | None) -> PublicData:
    from habeas.publishing.dataset import collect

    if edition is not None and on is not None:
        raise ValidationError("--on", on, "give either --edition or --on, not both")
    day = _day(on, "--on") if on is not None else None
    with progress("reading what the public may see"):
        return collect(_ctx(ctx).store(), edition_id=edition, on=day)


def _languages(text: str) -> list[str]:
    from habeas.i18n import LANGUAGES

    chosen = [part.strip() for part in text.split(",") if part.strip()]
    for lang in chosen:
        if lang not in LANGUAGES:
            raise ValidationError(
                "--lang", lang, f"use one or more of: {', '.join(LANGUAGES)}, e.g. en,az,ru"
            )
    if not chosen:
        raise ValidationError("--lang", text, "name at least one language, e.g. en")
    return list(dict.fromkeys(chosen))


@publish_app.command("site")
def site(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Argument(help="The folder to write the site into (created, or replaced)")],
    edition: EditionOption = None,
    on: OnOption = None,
    lang: Annotated[str, typer.Option("--lang", help="Languages, comma-separated")] = "en,az,ru",
) -> None:
    """Build the public list site: static HTML pages, SVG charts, CSV and JSON downloads.

    It holds only what the public may see: public records, naming only people who consented to
    publication (never relatives of critics), with team-only fields cut; see docs/publishing.md.
    It works with JavaScript off, loads nothing from other hosts, and the same data always gives
    the same files. Open OUT_DIR/index.html, or copy the folder to any web server.

    Example: habeas publish site public-site --lang en,az,ru
    """
    from habeas.publishing.site import build_site

    languages = _languages(lang)
    data = _collect(ctx, edition, on)
    with progress("writing pages") as advance:
        summary = build_site(data, out_dir, languages, advance)
    console.print(f"{summary.pages} pages written to {out_dir}", markup=False, soft_wrap=True)


@publish_app.command("sqlite")
def public_sqlite(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The SQLite file to write; metadata.json is written beside it")],
    edition: EditionOption = None,
    on: OnOption = None,
) -> None:
    """Write the public data as a plain SQLite database, with a metadata.json for Datasette.

    Serve it with: datasette OUT.db -m metadata.json

    Example: habeas publish sqlite public/habeas-public.db
    """
    from habeas.publishing.public_db import write_public_db

    data = _collect(ctx, edition, on)
    summary = write_public_db(data, out)
    for table, rows in summary.tables.items():
        console.print(f"{table}: {rows} rows", markup=False)
    console.print(f"written {out} and {summary.metadata}", markup=False, soft_wrap=True)


@publish_app.command("statement")
def statement(
    ctx: typer.Context,
    on: Annotated[str, typer.Option("--on", help="The day the statement speaks of, YYYY-MM-DD")],
    fmt: Annotated[str, typer.Option("--format", help="md, html or pdf")] = "md",
    lang: Annotated[str, typer.Option("--lang", help="en, az or ru")] = "en",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (required for pdf; default: print)")
    ] = None,
) -> None:
    """Write a short footnoted statement of the situation on a day: who is held, groups, events.

    Every figure is footnoted to the public sources behind it.

    Example: habeas publish statement --on 2024-11-22 --format pdf --out statement.pdf
    """
    from habeas.publishing.statement import FORMATS, render_statement

    if fmt not in FORMATS:
        raise ValidationError("--format", fmt, f"use one of: {', '.join(FORMATS)}")
    languages = _languages(lang)
    if len(languages) != 1:
        raise ValidationError(
            "--lang", lang, "a statement is in one language: write one statement per language"
        )
    (language,) = languages
    if fmt == "pdf" and out is None:
        raise ValidationError("--out", "", "a PDF needs a file: add --out statement.pdf")
    data = _collect(ctx, None, on)
    rendered = render_statement(data, fmt, language)
    if out is None:
        sys.stdout.write(rendered if isinstance(rendered, str) else rendered.decode("utf-8"))
        return
    from habeas.ingest.exports import atomic_outputs

    with atomic_outputs(out) as (made,):
        made.write_bytes(rendered if isinstance(rendered, bytes) else rendered.encode("utf-8"))
    console.print(f"written {out}", markup=False, soft_wrap=True)
