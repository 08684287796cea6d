"""`habeas list publish|show|editions|diff|check|rules`: frozen editions of the political-prisoner list."""

from __future__ import annotations

import csv
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Column, Table
from rich.text import Text

from habeas.cli import Format, ShortFormat, _ctx, _day, _reading, console, errors, list_app

if TYPE_CHECKING:
    from habeas.editions import Change

# Ids are copied from the output: never cut or wrapped, however narrow the terminal.
ID_COLUMN = Column("id", no_wrap=True, min_width=26)
EditionId = Annotated[str, typer.Argument(help="The edition's id (see `habeas list editions`)")]


def _write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _counts_table(counts: dict[str, int], title: str = "") -> Table:
    table = Table("category", "people", title=title or None, title_justify="left")
    for category, n in counts.items():
        table.add_row(category, str(n))
    table.add_row("total", str(sum(counts.values())), style="bold")
    return table


@list_app.command("publish")
def publish(
    ctx: typer.Context,
    on: Annotated[str, typer.Option(help="The day the edition describes, YYYY-MM-DD")],
    rule: Annotated[
        str, typer.Option(help="A built-in rule (see `habeas list rules`) or a YAML rule file")
    ] = "pace",
    note: Annotated[
        str, typer.Option(help="Why this edition, e.g. 'quarterly list'; kept in the audit")
    ] = "",
) -> None:
    """Freeze the list as it stands on a day under a rule; prints the edition's id and counts per category.

    The edition never changes afterwards. Publishing again for the same day and rule keeps both.

    Example: habeas list publish --on 2024-11-20 --rule pace-with-house-arrest --note "COP29 edition"
    """
    from habeas import editions

    day, chosen = _day(on, "--on"), editions.resolve_rule(rule)
    edition = editions.publish(_ctx(ctx).service(), day, chosen, note)
    console.print(edition.id)
    title = f"edition of {edition.on_date}, rule {edition.rule.name}: {edition.member_count} people"
    console.print(_counts_table(edition.counts, title))
    if edition.earlier:
        errors.print(
            f"note: {', '.join(edition.earlier)} has the same day and rule; both editions are kept, "
            "this one as a correction",
            markup=False,
        )


@list_app.command("show")
def show(
    ctx: typer.Context,
    edition_id: EditionId,
    format: Annotated[Format, typer.Option(help="table, json or csv")] = Format.table,
) -> None:
    """Show an edition: its day, rule, counts per category and members.

    Example: habeas list show 01JD8X6V0Q4ZC2M8E5T2W9H1AB --format csv
    """
    from habeas import editions

    with _reading(ctx) as conn:
        edition = editions.load(conn, edition_id)
    if format is Format.json:
        _write_json(edition.as_json())
        return
    if format is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["person_id", "name", "category"])
        writer.writerows([m.person_id, m.name, m.category] for m in edition.members)
        return
    console.print(
        f"edition {edition.id} of {edition.on_date}, rule {edition.rule.name}, published "
        f"{edition.published_at:%Y-%m-%d %H:%M} UTC by {edition.published_by}",
        markup=False,
    )
    if edition.note:
        console.print(f"note: {edition.note}", markup=False)
    if edition.earlier:
        console.print(f"corrects: {', '.join(edition.earlier)}", markup=False)
    console.print(_counts_table(edition.counts))
    members = Table("category", "name", ID_COLUMN)
    for m in edition.members:
        members.add_row(m.category, Text(m.name), m.person_id)
    console.print(members)


@list_app.command("editions")
def list_all(ctx: typer.Context) -> None:
    """List every published edition, the latest day first.

    Example: habeas list editions
    """
    from habeas import editions

    with _reading(ctx) as conn:
        found = editions.list_editions_newest_first(conn)
    if not found:
        errors.print("no edition published yet; see `habeas list publish --help`")
        return
    table = Table(ID_COLUMN, "day", "rule", "people", "published (UTC)", "by", "note")
    for e in found:
        published = f"{e.published_at:%Y-%m-%d %H:%M}"
        row = (e.id, str(e.on_date), e.rule.name, str(e.member_count), published, e.published_by, e.note)
        table.add_row(*map(Text, row))
    console.print(table)


@list_app.command("diff")
def diff(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="The earlier edition's id")],
    b: Annotated[str, typer.Argument(help="The later edition's id")],
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """Who was added, who left and why, and who changed category between two editions.

    Example: habeas list diff 01JD8X6V0Q4ZC2M8E5T2W9H1AB 01JF2K7Q3V8XW5N1D4R6T0Y9CE
    """
    from habeas import editions

    with _reading(ctx) as conn:
        result = editions.diff(conn, editions.load(conn, a), editions.load(conn, b))
    if format is ShortFormat.json:
        _write_json(result.as_json())
        return
    console.print(
        f"from {result.a.on_date} ({result.a.rule.name}, {result.a.member_count} people) "
        f"to {result.b.on_date} ({result.b.rule.name}, {result.b.member_count} people)",
        markup=False,
    )
    console.print(_compare_counts(result.a.counts, result.b.counts, "A", "B"))
    for title, changes in (
        ("added", result.added),
        ("left", result.left),
        ("changed category", result.recategorised),
    ):
        _print_changes(title, changes)


@list_app.command("check")
def check(
    ctx: typer.Context,
    edition_id: EditionId,
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """Recompute an edition from today's facts and show what differs (the edition itself never changes).

    Late information (an arrest recorded months later, a corrected date) changes past figures:
    that is expected, and this shows by how much.

    Example: habeas list check 01JD8X6V0Q4ZC2M8E5T2W9H1AB
    """
    from habeas import editions

    with _reading(ctx) as conn:
        report = editions.check(conn, editions.load(conn, edition_id))
    if format is ShortFormat.json:
        _write_json(report.as_json())
        return
    if report.matches:
        console.print(f"edition {edition_id} matches today's facts ({report.edition.member_count} people)")
        return
    console.print(f"edition {edition_id} differs from today's facts for its day and rule", markup=False)
    console.print(_compare_counts(report.edition.counts, report.counts, "published", "today"))
    for title, changes in (
        ("on the edition, not by today's facts", report.missing),
        ("not on the edition, but by today's facts", report.extra),
        ("category differs", report.recategorised),
    ):
        _print_changes(title, changes)


@list_app.command("rules")
def rules() -> None:
    """List the built-in inclusion rules; a custom rule is a YAML file (see docs/list-editions.md).

    Example: habeas list rules
    """
    from habeas import editions

    table = Table("rule", "custody kinds", "conclusions", "needs an assessment", "description")
    for rule in editions.RULES.values():
        table.add_row(
            rule.name,
            ", ".join(rule.custody_kinds),
            ", ".join(rule.conclusions),
            "yes" if rule.require_assessment else "no",
            Text(rule.description),
        )
    console.print(table)


def _compare_counts(before: dict[str, int], after: dict[str, int], a: str, b: str) -> Table:
    table = Table("category", a, b, "change")
    for category in dict.fromkeys([*before, *after]):
        old, new = before.get(category, 0), after.get(category, 0)
        table.add_row(category, str(old), str(new), f"{new - old:+d}")
    old, new = sum(before.values()), sum(after.values())
    table.add_row("total", str(old), str(new), f"{new - old:+d}", style="bold")
    return table


def _print_changes(title: str, changes: list[Change]) -> None:
    if not changes:
        console.print(f"{title}: none", markup=False)
        return
    table = Table("name", ID_COLUMN, "category", "reason", "evidence", title=f"{title}: {len(changes)}")
    table.title_justify = "left"
    for c in changes:
        category = c.after if c.before is None else c.before if c.after is None else f"{c.before} → {c.after}"
        table.add_row(Text(c.name), c.person_id, category, c.text, c.evidence)
    console.print(table)
