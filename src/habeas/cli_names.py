"""`habeas names compare`: why two written names do, or do not, name the same person.

A thin shell over habeas.linkage.names.compare, for two names or for every row of a CSV file
(columns `a` and `b`), streamed as JSON Lines. Reads no database; the method is in docs/linkage.md.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from habeas.cli import ShortFormat, console, names_app
from habeas.errors import ValidationError
from habeas.linkage.names import Comparison, compare, parse

_BATCH = 256
_FIX_FILE = "give a UTF-8 CSV file with a header row naming columns a and b"


@names_app.command("compare")
def compare_command(
    a: Annotated[str | None, typer.Argument(help="The first name, as written")] = None,
    b: Annotated[str | None, typer.Argument(help="The second name, as written")] = None,
    pairs: Annotated[
        Path | None,
        typer.Option(help="A UTF-8 CSV file with columns a and b: compare every row instead"),
    ] = None,
    format: Annotated[ShortFormat, typer.Option(help="table, or json (JSON Lines with --pairs)")] = (
        ShortFormat.table
    ),
) -> None:
    """Compare two names across Azerbaijani Latin, English-style and Russian Cyrillic spellings.

    Prints a score from 0 to 1, whether the names are likely the same person's (score at least
    0.85, every name part agreeing, patronymics not contradicting), and the reasons. With --pairs,
    compares every row of the CSV file and, with --format json, prints one JSON object per line
    as it goes: {"a", "b", "score", "same", "why"}.

    Example: habeas names compare "Anar Məmmədli" "Анар Мамедли" --format json
    """
    if pairs is not None:
        if a is not None or b is not None:
            raise ValidationError("--pairs", str(pairs), "give either two names or --pairs, not both")
        _compare_file(pairs, format)
        return
    if a is None or b is None:
        given = "one name" if a is not None else "no name"
        raise ValidationError(
            "NAMES", given, 'give two names ("Anar Məmmədli" "Анар Мамедли") or --pairs FILE'
        )
    for label, name in (("A", a), ("B", b)):
        if parse(name).is_empty:
            raise ValidationError(label, name, "give a name with at least one letter")
    result = compare(a, b)
    if format is ShortFormat.json:
        _write_line(result, a, b)
    else:
        _print_one(result, a, b)


def _write_line(result: Comparison, a: str, b: str) -> None:
    sys.stdout.write(json.dumps(result.as_dict(a, b), ensure_ascii=False) + "\n")


def _print_one(result: Comparison, a: str, b: str) -> None:
    console.print(f"A: {a}\nB: {b}", markup=False)
    verdict = "likely the same person" if result.same else "not the same person, or not sure"
    console.print(f"score {result.score:.3f}: {verdict}", markup=False)
    for line in result.why:
        console.print(f"  - {line}", markup=False)


def _compare_file(path: Path, format: ShortFormat) -> None:
    if format is ShortFormat.json:
        # Written in batches: with PYTHONUNBUFFERED set, a write per line costs more than comparing.
        batch: list[str] = []
        for a, b in _rows(path):
            batch.append(json.dumps(compare(a, b).as_dict(a, b), ensure_ascii=False) + "\n")
            if len(batch) == _BATCH:
                sys.stdout.write("".join(batch))
                batch.clear()
        sys.stdout.write("".join(batch))
        return
    table = Table("a", "b", "score", "same", "why")
    for a, b in _rows(path):
        result = compare(a, b)
        table.add_row(a, b, f"{result.score:.3f}", "yes" if result.same else "no", "; ".join(result.why))
    console.print(table)


def _rows(path: Path) -> Iterator[tuple[str, str]]:
    """The (a, b) pairs of the CSV file, read one row at a time; a refusal names the file and the fix."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if "a" not in columns or "b" not in columns:
                raise ValidationError(
                    "--pairs", str(path), f"its columns are {', '.join(columns) or 'none'}; {_FIX_FILE}"
                )
            for row in reader:
                yield row.get("a") or "", row.get("b") or ""
    except UnicodeDecodeError:
        raise ValidationError("--pairs", str(path), f"it is not UTF-8 text; {_FIX_FILE}") from None
    except csv.Error as exc:
        raise ValidationError(
            "--pairs", str(path), f"it is not a readable CSV file ({exc}); {_FIX_FILE}"
        ) from None
    except OSError as exc:
        raise ValidationError(
            "--pairs", str(path), f"it cannot be read ({exc.strerror}); {_FIX_FILE}"
        ) from None
