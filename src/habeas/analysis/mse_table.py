"""The input of multiple systems estimation: how many people were seen on each combination of lists.

A table of k lists holds a count for every one of the 2^k − 1 observable capture
histories (a history is a 0/1 flag per list; "on no list" cannot be observed).
Histories that a CSV file leaves out count zero. `parse_capture_csv` reads the
file format of `habeas estimate` and refuses, with a one-line reason, anything
it cannot use; `capture_table` builds a table from people's histories.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from habeas.errors import ValidationError

# Beyond this the 2^k − 1 cells and the models over them stop being a sensible use of the method.
MAX_LISTS = 10
# Characters that a model name uses to join terms (`Mt+A:B`): a list's name may not contain them.
RESERVED = ("+", ":")
COUNT = "count"


@dataclass(frozen=True)
class CaptureTable:
    """Counts per capture history; `counts` has every observable history of `lists`, zeros included."""

    lists: tuple[str, ...]
    counts: dict[tuple[int, ...], int]

    @property
    def n(self) -> int:
        """The number of people seen on at least one list."""
        return sum(self.counts.values())

    def histories(self) -> list[tuple[int, ...]]:
        """Every observable history, in a fixed order (the order of the rows of a design matrix)."""
        return observable_histories(len(self.lists))

    def on_list(self, index: int) -> int:
        return sum(count for history, count in self.counts.items() if history[index])

    def in_common(self, first: int, second: int) -> int:
        """How many people are on both lists (whatever other lists they are on)."""
        return sum(count for history, count in self.counts.items() if history[first] and history[second])


def observable_histories(k: int) -> list[tuple[int, ...]]:
    return [history for history in itertools.product((0, 1), repeat=k) if any(history)]


def capture_table(lists: Sequence[str], histories: Iterable[tuple[int, ...]]) -> CaptureTable:
    """A table from one history per person (each a tuple of 0/1 flags, one per list)."""
    _check_lists(list(lists), "lists")
    seen = Counter(histories)
    counts = {history: seen.get(history, 0) for history in observable_histories(len(lists))}
    table = CaptureTable(tuple(lists), counts)
    _check_counts(table, "lists")
    return table


def read_capture_csv(path: Path) -> CaptureTable:
    """Read a CSV file of capture histories (see `parse_capture_csv`)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValidationError("FILE", str(path), f"the file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ValidationError("FILE", str(path), "save the file as UTF-8 text (CSV)") from None
    return parse_capture_csv(text, path.name)


def parse_capture_csv(text: str, name: str = "FILE") -> CaptureTable:
    """Read one 0/1 column per list and a `count` column; lines starting with `#` are comments.

    A history that no row gives counts zero. Refused, each with a message that names
    the line: no `count` column, fewer than two lists, a flag other than 0/1, a count
    that is negative or not a whole number, a history given twice, a row on no list,
    a list with nobody on it, all counts zero.
    """
    rows = [
        (number, row)
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)
        if row and any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#")
    ]
    if not rows:
        raise ValidationError(
            name, "", "the file has no header line; give one 0/1 column per list and `count`"
        )
    header_line, header = rows[0]
    columns = [cell.strip() for cell in header]
    lowered = [column.lower() for column in columns]
    if COUNT not in lowered:
        raise ValidationError(
            f"{name} line {header_line}",
            ",".join(columns),
            "add a `count` column with the number of people seen on each combination of lists",
        )
    count_at = lowered.index(COUNT)
    lists = [column for i, column in enumerate(columns) if i != count_at]
    _check_lists(lists, f"{name} line {header_line}")
    counts = {history: 0 for history in observable_histories(len(lists))}
    first_seen: dict[tuple[int, ...], int] = {}
    for number, row in rows[1:]:
        history, count = _row(row, columns, count_at, f"{name} line {number}")
        if history in first_seen:
            raise ValidationError(
                f"{name} line {number}",
                ",".join(row),
                f"this combination of lists is already on line {first_seen[history]}",
            )
        first_seen[history] = number
        counts[history] = count
    table = CaptureTable(tuple(lists), counts)
    _check_counts(table, name)
    return table


def _row(row: list[str], columns: list[str], count_at: int, where: str) -> tuple[tuple[int, ...], int]:
    """One data row as (history, count); refuses a short row, a bad flag or count, or no list at all."""
    if len(row) != len(columns):
        raise ValidationError(where, ",".join(row), f"give {len(columns)} values, as in the header line")
    history = tuple(_flag(row[i], f"{where}, column {columns[i]}") for i in range(len(row)) if i != count_at)
    count = _count(row[count_at], f"{where}, column {columns[count_at]}")
    if not any(history):
        raise ValidationError(
            where, ",".join(row), "people on no list cannot be counted; remove this row (it is estimated)"
        )
    return history, count


def _check_lists(lists: list[str], where: str) -> None:
    if len(lists) < 2:
        raise ValidationError(
            where, ",".join(lists), "estimation needs at least two lists: give one 0/1 column per list"
        )
    if len(lists) > MAX_LISTS:
        raise ValidationError(where, f"{len(lists)} lists", f"give at most {MAX_LISTS} lists")
    for name in lists:
        if not name or any(mark in name for mark in RESERVED):
            raise ValidationError(
                where, name, "name every list column, without '+' or ':' (they join terms of a model)"
            )
    repeated = sorted({name for name in lists if lists.count(name) > 1})
    if repeated:
        raise ValidationError(where, repeated[0], "each list column needs a name of its own")


def _check_counts(table: CaptureTable, where: str) -> None:
    if table.n == 0:
        raise ValidationError(where, "all counts 0", "nobody is on any list; give the counts of people seen")
    for index, name in enumerate(table.lists):
        if table.on_list(index) == 0:
            raise ValidationError(
                where, name, "nobody is on this list; leave the list out or check its counts"
            )


def _flag(cell: str, where: str) -> int:
    value = cell.strip()
    if value not in ("0", "1"):
        raise ValidationError(where, value, "use 1 (on this list) or 0 (not on it)")
    return int(value)


def _count(cell: str, where: str) -> int:
    value = cell.strip()
    if not value.isdigit() or not value.isascii():
        raise ValidationError(where, value, "a count is a whole number of people, 0 or more")
    return int(value)
