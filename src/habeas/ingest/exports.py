"""Giving data out: audiences, the screen that keeps hidden records out, and the CSV and XLSX tables.

An audience names who will read an export and so which visibilities it may hold:
`public` only public records, `restricted` public and restricted ones, `confidential`
everything. A record is exported when it is live and of such a visibility, and so is
everything it cannot exist without (a custody period's person, a citation's source and
target); other references to hidden records (an event's participant, a case member, a
facility) are left out of it. Every file is written beside its final place and renamed
into it at the end, so an error never leaves half a file.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.records import Citation, Record, fields_of
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage import codec, queries
from habeas.storage.store import Store
from habeas.storage.tables import CHILDREN, RECORD_TABLES

__all__ = [
    "AUDIENCES",
    "EXPORT_ORDER",
    "atomic_outputs",
    "audience_visibility",
    "count_exported",
    "export_tables_csv",
    "export_tables_xlsx",
    "neutralise",
    "screened_records",
    "table_columns",
]

AUDIENCES: Mapping[str, frozenset[str]] = {
    "public": frozenset({"public"}),
    "restricted": frozenset({"public", "restricted"}),
    "confidential": ALL_VISIBILITY,
}
# Kinds in an order where every record comes after those it may refer to: RECORD_TABLES's order,
# with citations last, since a citation may point at any kind (a context period comes after it).
EXPORT_ORDER: tuple[str, ...] = (*(kind for kind in RECORD_TABLES if kind != "citation"), "citation")
PAGE = 500  # ids read per query
# A spreadsheet reads a cell starting with one of these as a formula (tab and CR start a DDE payload).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int], None]


def audience_visibility(audience: str) -> frozenset[str]:
    """The visibilities an export for `audience` may hold; ValidationError for an unknown audience."""
    if audience not in AUDIENCES:
        raise ValidationError("--audience", audience, f"use one of: {', '.join(AUDIENCES)}")
    return AUDIENCES[audience]


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


# -- choosing and screening records ---------------------------------------------------


def _all_ids(conn: Connection, kind: str) -> Iterator[list[str]]:
    """Every id of `kind`, a page at a time, in id order (keyset paging: no growing offsets)."""
    table = RECORD_TABLES[kind]
    last = ""
    while True:
        page = list(
            conn.execute(sa.select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(PAGE))
            .scalars()
            .all()
        )
        if not page:
            return
        yield page
        last = page[-1]


def screened_records(conn: Connection, store: Store, kind: str, visible: Collection[str]) -> Iterator[Record]:
    """The live records of `kind` an audience seeing `visible` may read, screened, in id order."""
    for page in _all_ids(conn, kind):
        shown_here = queries.visible_ids(conn, kind, page, visible=visible)
        records = store.get_many(kind, [i for i in page if i in shown_here], conn)
        yield from screen(conn, records, visible)


def count_exported(conn: Connection, kind: str, visible: Collection[str]) -> int:
    """How many records of `kind` an export for `visible` holds, at most (for a progress bar)."""
    return queries.count_ids(conn, kind, visible=visible)


def _references(record: Any) -> Iterator[tuple[str, str, bool]]:
    """(kind, id, is_subject) for each id a record (or an item in it) names; a subject is required."""
    for f in fields_of(type(record)):
        kind, value = f.metadata.get("ref"), getattr(record, f.name)
        if kind and isinstance(value, str) and value:
            yield kind, value, bool(f.metadata.get("required"))
        elif kind and isinstance(value, list):
            for ref_id in value:
                yield kind, ref_id, False
        elif isinstance(value, list):
            for item in value:
                if dataclasses.is_dataclass(item):
                    for ref_kind, ref_id, _ in _references(item):
                        yield ref_kind, ref_id, False
    if isinstance(record, Citation) and record.target_kind in RECORD_TABLES:
        yield record.target_kind, record.target_id, True


def screen(conn: Connection, records: Sequence[Record], visible: Collection[str]) -> list[Record]:
    """The records without those whose subjects are hidden, and without references to hidden records."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for kind, ref_id, _ in _references(record):
            wanted[kind].add(ref_id)
    shown = {kind: queries.visible_ids(conn, kind, ids, visible=visible) for kind, ids in wanted.items()}
    return [
        _without_hidden(record, shown)
        for record in records
        if all(ref_id in shown[kind] for kind, ref_id, subject in _references(record) if subject)
    ]


def _without_hidden(record: Any, shown: Mapping[str, set[str]]) -> Any:
    changes: dict[str, Any] = {}
    for f in fields_of(type(record)):
        kind, value = f.metadata.get("ref"), getattr(record, f.name)
        if kind and isinstance(value, str) and value and value not in shown[kind]:
            changes[f.name] = None
        elif kind and isinstance(value, list):
            changes[f.name] = [ref_id for ref_id in value if ref_id in shown[kind]]
        elif isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            changes[f.name] = [
                _without_hidden(item, shown)
                for item in value
                if all(i in shown[k] for k, i, subject in _references(item) if subject)
            ]
    return dataclasses.replace(record, **changes) if changes else record


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


def _table_rows(
    store: Store, visible: Collection[str], progress: Progress | None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table name, row) of every screened record and its child rows, kind by kind."""
    with store.reading() as conn:
        for kind in EXPORT_ORDER:
            table_name = RECORD_TABLES[kind].name
            for record in screened_records(conn, store, kind, visible):
                row, children = codec.to_rows(record)
                yield table_name, row
                for child_table, rows in children.items():
                    for child_row in rows:
                        yield child_table, child_row
                if progress:
                    progress(1)


def export_tables_csv(store: Store, out: Path, audience: str, progress: Progress | None = None) -> int:
    """Write a zip of one UTF-8 CSV file per table, holding what `audience` may read; rows written."""
    visible = audience_visibility(audience)
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
            for table_name, row in _table_rows(store, visible, progress):
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

    visible = audience_visibility(audience)
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
        for table_name, row in _table_rows(store, visible, progress):
            sheets[table_name].append([cell(row.get(c)) for c in columns[table_name]])
            count += 1
        workbook.save(made)
    return count
