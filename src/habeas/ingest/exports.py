"""Giving data out as tables: the CSV and XLSX exports, and writing output files safely.

What an audience may read is decided by `habeas.publishing.redact`, the one gate every export
passes through. Every file is written beside its final place and renamed into it at the end,
so an error never leaves half a file.
"""

from __future__ import annotations

import csv
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import Connection

from habeas.errors import ValidationError
from habeas.publishing.redact import Gate, audience_visibility
from habeas.storage import codec
from habeas.storage.store import Store
from habeas.storage.tables import CHILDREN, RECORD_TABLES

__all__ = [
    "EXPORT_ORDER",
    "atomic_outputs",
    "count_exported",
    "export_tables_csv",
    "export_tables_xlsx",
    "neutralise",
    "table_columns",
]

# Kinds in an order where every record comes after those it may refer to: RECORD_TABLES's order,
# with citations last, since a citation may point at any kind (a context period comes after it).
EXPORT_ORDER: tuple[str, ...] = (*(kind for kind in RECORD_TABLES if kind != "citation"), "citation")
PAGE = 500  # ids read per query
# A spreadsheet reads a cell starting with one of these as a formula (tab and CR start a DDE payload).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int], None]


# -- writing files safely -----------------------------------------------------------


@contextmanager
def atomic_outputs(*paths: Path) -> Iterator[list[Path]]:
    """Temporary files beside `paths`, renamed onto them when the block ends without an error.

    An error (or an interruption) removes the temporary files and leaves `paths` as they were.
    The files are readable by their owner only: exports hold what the database holds.
    """
    temporary: list[Path] = []
    try:
        for path in paths:
            if not path.parent.is_dir():
                raise ValidationError("output", str(path), "write into a folder that exists")
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            os.close(handle)
            temporary.append(Path(name))
        yield temporary
        for made, path in zip(temporary, paths, strict=True):
            os.replace(made, path)
    finally:
        for made in temporary:
            made.unlink(missing_ok=True)


def neutralise(value: Any) -> Any:
    """A cell value a spreadsheet shows as written: text that would start a formula gets a leading `'`.

    Dates and timestamps become ISO 8601 text; None stays None (an empty cell).
    """
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# -- tables -------------------------------------------------------------------------


def table_columns() -> dict[str, list[str]]:
    """Each exported table (a kind's table, then its child tables) and its columns, in export order."""
    out: dict[str, list[str]] = {}
    for kind in EXPORT_ORDER:
        table = RECORD_TABLES[kind]
        out[table.name] = [column.name for column in table.columns]
        for (child_kind, _), child in CHILDREN.items():
            if child_kind == kind:
                out[child.table.name] = [column.name for column in child.table.columns]
    return out


def count_exported(conn: Connection, kind: str, audience: str) -> int:
    """How many records of `kind` an export for `audience` holds, at most (for a progress bar)."""
    return Gate(conn, audience).count(kind)


def _table_rows(
    store: Store, audience: str, progress: Progress | None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table name, row) of every record the gate lets through, and its child rows, kind by kind."""
    with store.reading() as conn:
        gate = Gate(conn, audience)
        for kind in EXPORT_ORDER:
            table_name = RECORD_TABLES[kind].name
            for record in gate.records(store, kind):
                row, children = codec.to_rows(record)
                yield table_name, row
                for child_table, rows in children.items():
                    for child_row in rows:
                        yield child_table, child_row
                if progress:
                    progress(1)


def export_tables_csv(store: Store, out: Path, audience: str, progress: Progress | None = None) -> int:
    """Write a zip of one UTF-8 CSV file per table, holding what `audience` may read; rows written."""
    audience_visibility(audience)
    columns = table_columns()
    count = 0
    with (
        atomic_outputs(out) as (made,),
        tempfile.TemporaryDirectory(dir=out.parent, prefix=".habeas-") as work,
    ):
        with ExitStack() as files:
            writers: dict[str, Any] = {}
            for name, names in columns.items():
                handle: IO[str] = files.enter_context(
                    open(Path(work, f"{name}.csv"), "w", encoding="utf-8", newline="")
                )
                writers[name] = csv.writer(handle)
                writers[name].writerow(names)
            for table_name, row in _table_rows(store, audience, progress):
                writers[table_name].writerow([_csv_cell(row.get(c)) for c in columns[table_name]])
                count += 1
        with zipfile.ZipFile(made, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in columns:
                archive.write(Path(work, f"{name}.csv"), f"{name}.csv")
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def export_tables_xlsx(store: Store, out: Path, audience: str, progress: Progress | None = None) -> int:
    """Write an XLSX workbook of one sheet per table, holding what `audience` may read; rows written."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    audience_visibility(audience)
    columns = table_columns()
    count = 0

    def cell(value: Any) -> Any:
        value = neutralise(value)
        # XML cannot hold most control characters; they are shown as U+FFFD rather than refused.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value

    with atomic_outputs(out) as (made,):
        workbook = Workbook(write_only=True)
        sheets = {}
        for name, names in columns.items():
            sheets[name] = workbook.create_sheet(title=name)
            sheets[name].append(names)
        for table_name, row in _table_rows(store, audience, progress):
            sheets[table_name].append([cell(row.get(c)) for c in columns[table_name]])
            count += 1
        workbook.save(made)
    return count
