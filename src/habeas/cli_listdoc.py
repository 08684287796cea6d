"""`habeas import list-document` and `habeas review`: published lists into a review queue."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from habeas.cli import ShortFormat, _ctx, app, console, import_app, progress
from habeas.errors import HabeasError

if TYPE_CHECKING:
    from habeas.ingest.review import Candidate, QueuedEntry
    from habeas.service import Service
    from habeas.storage.store import Store

SHOWN_TEXT = 600  # characters of an entry's background shown when reviewing


@import_app.command("list-document")
def import_list_document(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The list: PDF (with a text layer), HTML, DOCX or text")],
    layout: Annotated[
        Path | None, typer.Option(help="YAML layout: headings and field labels (default: THE LIST's)")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Id of an existing source for the document (default: one is created)")
    ] = None,
) -> None:
    """Read a published list of political prisoners into the review queue (nothing else is written).

    Prints how many entries were queued per section, and each entry's problems (a missing field, a
    date that could not be read). Review them with `habeas review`.

    Example: habeas import list-document the-list-aug-2014.pdf --layout the-list.yaml
    """
    from habeas.ingest.listdoc_layout import load_layout
    from habeas.ingest.review import queue_document

    chosen = load_layout(layout) if layout else None
    queued = queue_document(_ctx(ctx).service(), file, chosen, source)
    table = Table(title=f"Queued for review, source {queued.source_id}", title_justify="left")
    table.add_column("section")
    table.add_column("entries", justify="right")
    for section, count in queued.by_section().items():
        table.add_row(section, str(count))
    table.add_row("total", str(len(queued.entries)))
    console.print(table)
    problems = [(e, p) for e in queued.entries for p in e.problems]
    if problems:
        lines = Table(
            "no.", "page", "problem", title=f"Problems to check: {len(problems)}", title_justify="left"
        )
        for entry, problem in problems:
            lines.add_row(str(entry.number), str(entry.page or ""), problem)
        console.print(lines)
    console.print(f"next: habeas review --source {queued.source_id}")


@app.command()
def review(
    ctx: typer.Context,
    source: Annotated[
        str | None, typer.Option(help="Only the entries of this source (a list document)")
    ] = None,
    accept_all: Annotated[
        bool, typer.Option("--accept-all", help="Accept every pending entry of --source, in one transaction")
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the pending entries and stop")] = False,
    format: Annotated[ShortFormat, typer.Option(help="For --list: table or json")] = ShortFormat.table,
) -> None:
    """Review queued list-document entries: accept each as a new person, attach it to one, or reject it.

    Without --list or --accept-all, shows each pending entry with the existing people who may be
    the same person, and asks what to do. Accepting creates the person, the arrest, the custody
    period, the facility and the charges, each cited to the document with its page.

    Example: habeas review --accept-all --source 01JD8X6V0Q4ZC2M8E5T2W9H1AB
    """
    from habeas.ingest import review as queue

    context = _ctx(ctx)
    if list_:
        _list(queue.pending(context.store(), source), format)
    elif accept_all:
        if not source:
            raise HabeasError("--accept-all: give --source SOURCE_ID (see `habeas review --list`)")
        with progress("accepting entries") as advance:
            result = queue.accept_all(context.service(), source, advance)
        console.print(f"accepted: {result.created} new people, {result.attached} attached to existing people")
    else:
        _interactive(context.service(), source)


def _list(entries: list[QueuedEntry], format: ShortFormat) -> None:
    if format is ShortFormat.json:
        rows = [vars(e) for e in entries]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table(
        "id", "no.", "page", "section", "name", "arrested", "problems", title=f"Pending: {len(entries)}"
    )
    for e in entries:
        entry = e.entry
        table.add_row(
            e.id,
            str(entry.number),
            str(e.page or ""),
            e.section,
            e.name,
            entry.arrest_date.text,
            str(len(entry.problems)),
        )
    console.print(table)


def _interactive(service: Service, source: str | None) -> None:
    from habeas.ingest import review as queue

    if not sys.stdin.isatty():
        raise HabeasError("review: no terminal to ask at; use --list, or --accept-all --source SOURCE_ID")
    waiting = queue.pending(service.store, source)
    for done, queued in enumerate(waiting):
        found = queue.candidates(service.store, queued)
        _show(service.store, queued, found, done, len(waiting))
        choices = "a = accept as new, 1..N = attach to candidate N, r = reject, s = skip, q = quit"
        answer = str(typer.prompt(choices, default="s")).strip().casefold()
        if answer == "q":
            break
        if answer == "a":
            console.print(f"accepted as person {queue.accept(service, queued.id)}")
        elif answer.isdigit() and 1 <= int(answer) <= len(found):
            console.print(
                f"attached to person {queue.accept(service, queued.id, found[int(answer) - 1].person_id)}"
            )
        elif answer == "r":
            queue.reject(service, queued.id, str(typer.prompt("reason")))
            console.print("rejected")


def _show(store: Store, queued: QueuedEntry, found: list[Candidate], done: int, total: int) -> None:
    entry = queued.entry
    console.rule(f"{done + 1} of {total}: entry {entry.number}, page {entry.page or '?'}")
    table = Table(show_header=False)
    for label, value in (
        ("name", entry.name),
        ("section", f"{entry.section} {entry.subsection}".strip()),
        ("arrested", f"{entry.arrest_date.text} ({entry.arrest_date_text})"),
        ("articles", ", ".join(entry.articles)),
        ("place", f"{entry.place} → {entry.custody_kind}"),
        ("background", entry.background[:SHOWN_TEXT]),
        ("problems", "\n".join(entry.problems)),
    ):
        table.add_row(label, value)
    console.print(table)
    for number, candidate in enumerate(found, start=1):
        console.print(f"  candidate {number}: {candidate.name} ({candidate.person_id}, {candidate.how})")
