"""`habeas merge KEEP OTHER`, `habeas merge undo MERGE_ID`, `habeas merge list`: one person, two records.

Each command calls one function of habeas.linkage.merge (one transaction each) and prints the
merge's id, which `undo` takes. `habeas merge KEEP OTHER` is short for `habeas merge people KEEP OTHER`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from habeas.cli import ShortFormat, _ctx, _reading, app, console
from habeas.errors import ValidationError
from habeas.linkage import merge as merging

_OPTIONS = {"keep": "KEEP", "other": "OTHER", "candidate": "--candidate", "merge_id": "MERGE_ID"}


class _MergeGroup(TyperGroup):
    """A group whose first word may be a person's id: then it is the `people` command's."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own (vendored) click Context
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["people", *args]
        return super().parse_args(ctx, args)


merge_app = typer.Typer(
    cls=_MergeGroup,
    help="Merge two records of one person (habeas merge KEEP OTHER), list merges, undo one.",
    no_args_is_help=True,
)
app.add_typer(merge_app, name="merge")


def _named(exc: ValidationError) -> ValidationError:
    """The library's refusal, naming the argument or option as the command spells it."""
    return ValidationError(_OPTIONS.get(exc.field, exc.field), exc.value, exc.allowed)


def _as_json(done: merging.Merge) -> dict[str, Any]:
    return {
        "id": done.id,
        "keep": done.keep_id,
        "other": done.other_id,
        "candidate": done.candidate_id,
        "at": done.at.isoformat(),
        "actor": done.actor,
        "note": done.note,
        "undone": done.undone,
        "changed": [{"kind": k, "id": i, "version": v} for k, i, v in done.changed],
    }


@merge_app.command("people")
def merge_people(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The id of the person to keep")],
    other: Annotated[str, typer.Argument(help="The id of the person merged into KEEP (then retracted)")],
    candidate: Annotated[
        str | None, typer.Option(help="The queued pair this decides (see `habeas dedupe`); marked merged")
    ] = None,
    note: Annotated[str, typer.Option(help="Why they are one person; kept in the history")] = "",
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """Merge OTHER into KEEP: KEEP gets every name, group and fact of OTHER; OTHER is retracted.

    Nothing is deleted, and `habeas merge undo MERGE_ID` puts everything back. `habeas merge KEEP
    OTHER` is the same command.

    Example: habeas merge 01JD8X6V0Q4ZC2M8E5T2W9H1AB 01JD8X6V0Q4ZC2M8E5T2W9H1AC --note "same birth date"
    """
    try:
        done = merging.merge(_ctx(ctx).service(), keep, other, candidate_id=candidate, note=note)
    except ValidationError as exc:
        raise _named(exc) from None
    if format is ShortFormat.json:
        sys.stdout.write(json.dumps(_as_json(done), ensure_ascii=False) + "\n")
        return
    console.print(f"Merged {other} into {keep}: {len(done.changed)} records changed.")
    console.print(f"Merge id: {done.id} (undo it with: habeas merge undo {done.id})")


@merge_app.command("undo")
def merge_undo(
    ctx: typer.Context,
    merge_id: Annotated[str, typer.Argument(help="The merge's id (see `habeas merge list`)")],
) -> None:
    """Undo a merge: every record it changed goes back to its version before it, as a new version.

    Refused if a record the merge changed was changed again since; revert that change first.

    Example: habeas merge undo 01JD8X6V0Q4ZC2M8E5T2W9H1AD
    """
    try:
        done = merging.undo(_ctx(ctx).service(), merge_id)
    except ValidationError as exc:
        raise _named(exc) from None
    console.print(f"Undid merge {done.id}: {done.other_id} is a person of their own again.")


@merge_app.command("list")
def merge_list(
    ctx: typer.Context,
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """Every merge, newest first: who was kept, who was merged into them, whether it was undone.

    Example: habeas merge list --format json
    """
    with _reading(ctx) as conn:
        done = merging.merges(conn)
    if format is ShortFormat.json:
        sys.stdout.write(json.dumps([_as_json(d) for d in done], ensure_ascii=False) + "\n")
        return
    table = Table("id", "at", "actor", "kept", "merged into it", "records", "undone", "note")
    for d in done:
        table.add_row(
            d.id, d.at.isoformat(timespec="seconds"), d.actor, d.keep_id, d.other_id,
            str(len(d.changed)), "yes" if d.undone else "", d.note,
        )  # fmt: skip
    console.print(table)
