"""`habeas dedupe` and `habeas link`: find people who may be one person, queue them for review.

Each command makes one call to habeas.linkage.link_lists and prints the pairs with the evidence
for and against (a table, or JSON); blocks too big to compare are named on stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from habeas.cli import ShortFormat, _ctx, _print_json, app, console, errors, progress

if TYPE_CHECKING:
    from habeas.linkage.queue import Candidate

dedupe_app = typer.Typer(
    help="Find people recorded twice (Splink), and show the queue of pairs to review.",
    invoke_without_command=True,
)
app.add_typer(dedupe_app, name="dedupe")

Threshold = Annotated[float, typer.Option(help="The lowest match probability shown and queued, 0..1")]
MaxPairs = Annotated[
    int, typer.Option("--max-pairs", help="Refuse a run whose blocking proposes more comparisons than this")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show the pairs; queue nothing")]
FormatOption = Annotated[ShortFormat, typer.Option(help="table, or json (an array, one object per pair)")]


@dedupe_app.callback()
def dedupe(
    ctx: typer.Context,
    threshold: Threshold = 0.9,
    max_pairs: MaxPairs = 20_000_000,
    dry_run: DryRun = False,
    format: FormatOption = ShortFormat.table,
) -> None:
    """Find pairs of people who may be one person, and queue them for review.

    Compares every live person with the others that share a phonetic surname, a birth year and
    given name, or an arrest month and facility: names after transliteration (a common surname
    counts for less), patronymic, birth year, groups, arrest date, facility and charges. Pairs
    already queued or decided are not queued again. See docs/linkage.md.

    Example: habeas dedupe --threshold 0.95 --dry-run
    """
    if ctx.invoked_subcommand is not None:
        return
    from habeas.linkage.link_lists import candidates, find_duplicates, queue_pairs

    context = _ctx(ctx)
    with progress("Comparing people"), context.store().reading() as conn:
        prediction = find_duplicates(conn, threshold, max_pairs)
    queued = 0 if dry_run else queue_pairs(context.service(), prediction, "dedupe")
    _report(ctx, candidates(prediction, "dedupe"), format, prediction.skipped)
    if format == ShortFormat.table:
        verb = "found (dry run: nothing queued)" if dry_run else f"found, {queued} newly queued"
        console.print(f"{len(prediction.pairs)} pairs {verb}; {prediction.compared} comparisons")


@dedupe_app.command("list")
def dedupe_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="How many pairs to show")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="How many pairs to skip")] = 0,
    format: FormatOption = ShortFormat.table,
) -> None:
    """Show the pairs waiting for review, the most probable first.

    Example: habeas dedupe list --limit 20 --format json
    """
    from habeas.linkage import queue

    with _ctx(ctx).store().reading() as conn:
        pending = queue.pending(conn, limit, offset)
        total = queue.count_pending(conn)
    _report(ctx, pending, format, [])
    if format == ShortFormat.table:
        console.print(f"{total} pairs pending")


@app.command()
def link(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--source", help="The id of the source whose people are linked")],
    threshold: Threshold = 0.9,
    max_pairs: MaxPairs = 20_000_000,
    dry_run: DryRun = False,
    format: FormatOption = ShortFormat.table,
) -> None:
    """Link the people a source reports (an import, a list document) to everyone else in the store.

    Compares each person the source cites (directly, or through a custody period, arrest or charge)
    with the people it does not cite, as `habeas dedupe` does, and queues the likely pairs with
    origin "link:SOURCE". Review them with `habeas dedupe list`.

    Example: habeas link --source 01J9Z3K4X5Y6Z7A8B9C0D1E2F3 --threshold 0.95
    """
    from habeas.linkage.link_lists import candidates, find_links, queue_pairs

    context = _ctx(ctx)
    origin = f"link:{source}"
    with progress("Linking people"), context.store().reading() as conn:
        prediction = find_links(conn, source, threshold, max_pairs)
    queued = 0 if dry_run else queue_pairs(context.service(), prediction, origin)
    _report(ctx, candidates(prediction, origin), format, prediction.skipped)
    if format == ShortFormat.table:
        verb = "found (dry run: nothing queued)" if dry_run else f"found, {queued} newly queued"
        console.print(f"{len(prediction.pairs)} pairs {verb}; {prediction.compared} comparisons")


def _report(ctx: typer.Context, pairs: list[Candidate], format: ShortFormat, skipped: list[str]) -> None:
    """The pairs with both names and the evidence; the blocks left out on stderr."""
    from habeas.linkage.dedupe_rows import first_names

    for block in skipped:
        errors.print(
            f"warning: block {block} is too big to compare within; left out of that rule", markup=False
        )
    with _ctx(ctx).store().reading() as conn:
        names = first_names(conn, [i for c in pairs for i in (c.person_a, c.person_b)])
    if format == ShortFormat.json:
        _print_json([_json(c, names) for c in pairs])
        return
    table = Table("probability", "person A", "person B", "evidence (+ for, − against)")
    for c in pairs:
        table.add_row(
            f"{c.probability:.3f}",
            f"{names.get(c.person_a, '')}\n{c.person_a}",
            f"{names.get(c.person_b, '')}\n{c.person_b}",
            "\n".join(c.explain()),
        )
    if pairs:
        console.print(table)


def _json(candidate: Candidate, names: dict[str, str]) -> dict[str, Any]:
    data = candidate.as_json()
    data["name_a"] = names.get(candidate.person_a, "")
    data["name_b"] = names.get(candidate.person_b, "")
    data["why"] = candidate.explain()
    return data
