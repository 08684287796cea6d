"""habeas's own JSON: the whole store (or a selection) out and back in, ids, history and citations kept.

The file is one JSON object, written a record at a time so that no export needs the store in
memory:

    {"format": "habeas-export", "version": 1, "exported_at": "2025-01-24T10:00:00+00:00",
     "audience": "confidential",
     "records": [
      {"kind": "person", "id": "01J…", "current": {…snapshot…},
       "history": [{"version": 1, "action": "create", "at": "…", "actor": "amina", "note": "",
                    "data": {…snapshot…}}, …]},
      …]}

Records come after the records they refer to. Reading streams too: it holds one record (with
its history) at a time, so the limit is the largest single record, not the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.records import Record
from habeas.errors import HabeasError, ValidationError
from habeas.ingest.exports import EXPORT_ORDER, atomic_outputs
from habeas.publishing.redact import Gate, audience_visibility
from habeas.security.roles import ALL_VISIBILITY
from habeas.service import Restored, Service
from habeas.storage import codec, queries
from habeas.storage.store import Store
from habeas.storage.tables import RECORD_TABLES, record_versions

__all__ = ["FORMAT", "VERSION", "ImportSummary", "export_json", "import_json", "read_export"]

FORMAT = "habeas-export"
VERSION = 1
PAGE = 500
CHUNK = 1 << 20  # characters read at a time
HISTORY_KEYS = ("version", "action", "at", "actor", "note", "data")

Progress = Callable[[int], None]


def _canonical(data: Any) -> str:
    """JSON as `codec.snapshot` writes it (sorted keys, no spaces), so digests match the source's."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _utc_text(at: datetime) -> str:
    # SQLite hands back naive datetimes, PostgreSQL its session's zone; habeas writes UTC.
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)).isoformat()


# -- export -------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which records an export holds: some kinds, some ids, and what the audience may see."""

    kinds: Sequence[str] = ()
    ids: Sequence[str] = ()
    audience: str = "confidential"

    def check(self) -> frozenset[str]:
        for kind in self.kinds:
            if kind not in RECORD_TABLES:
                raise ValidationError("--kind", kind, f"use one of: {', '.join(RECORD_TABLES)}")
        return audience_visibility(self.audience)


def export_json(
    store: Store, out: Path, selection: Selection = Selection(), progress: Progress | None = None
) -> int:
    """Write the selected records, each with its history, to `out`; returns how many."""
    visible = selection.check()
    count = 0
    with atomic_outputs(out) as (made,), made.open("w", encoding="utf-8") as handle:
        handle.write(
            "{" + f'"format":"{FORMAT}","version":{VERSION},'
            f'"exported_at":{json.dumps(datetime.now(UTC).isoformat())},'
            f'"audience":{json.dumps(selection.audience)},"records":['
        )
        with store.reading() as conn:
            for entry in _entries(conn, store, selection, visible):
                handle.write(("\n" if count == 0 else ",\n") + json.dumps(entry, ensure_ascii=False))
                count += 1
                if progress:
                    progress(1)
        handle.write("\n]}\n")
    return count


def count_selected(store: Store, selection: Selection = Selection()) -> int:
    """How many records `export_json` would write, at most (for a progress bar)."""
    visible = selection.check()
    with store.reading() as conn:
        kinds = [k for k in EXPORT_ORDER if not selection.kinds or k in selection.kinds]
        if selection.ids:
            return len(selection.ids)
        if visible >= ALL_VISIBILITY:
            table_count = sa.select(sa.func.count())
            return sum(conn.execute(table_count.select_from(RECORD_TABLES[k])).scalar_one() for k in kinds)
        return sum(queries.count_ids(conn, k, visible=visible) for k in kinds)


def _entries(
    conn: Connection, store: Store, selection: Selection, visible: frozenset[str]
) -> Iterator[dict[str, Any]]:
    """The export's entries, kind by kind in dependency order, each kind in id order."""
    wanted = set(selection.ids)
    everything = visible >= ALL_VISIBILITY
    gate = None if everything else Gate(conn, selection.audience)
    for kind in EXPORT_ORDER:
        if selection.kinds and kind not in selection.kinds:
            continue
        for page in _pages(conn, kind, sorted(wanted) if wanted else None):
            if not everything:
                shown = queries.visible_ids(conn, kind, page, visible=visible)
                page = [i for i in page if i in shown]
            records = store.get_many(kind, page, conn)
            if everything:
                histories = _histories(conn, page)
                for record in records:
                    yield _entry(record, histories[record.id])
            else:
                # Earlier versions may hold what was since withdrawn or made confidential, and
                # the accounts that wrote them are nobody else's business: the current one only.
                for record in gate.screen(records) if gate else records:
                    data = json.loads(codec.snapshot(record))
                    at = record.updated_at or datetime.now(UTC)
                    version = {"version": record.version, "action": "export", "at": _utc_text(at)}
                    yield _entry(record, [{**version, "actor": "", "note": "", "data": data}])


def _pages(conn: Connection, kind: str, ids: list[str] | None) -> Iterator[list[str]]:
    """The ids of `kind` a page at a time: all of them, or those of `ids` that are of this kind."""
    table = RECORD_TABLES[kind]
    if ids is not None:
        for start in range(0, len(ids), PAGE):
            chunk = ids[start : start + PAGE]
            found = conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk)).order_by(table.c.id))
            page = list(found.scalars())
            if page:
                yield page
        return
    last = ""
    while True:
        query = sa.select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(PAGE)
        page = list(conn.execute(query).scalars())
        if not page:
            return
        yield page
        last = page[-1]


def _histories(conn: Connection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every stored version of each of `ids`, oldest first, ready for the file."""
    out: dict[str, list[dict[str, Any]]] = {record_id: [] for record_id in ids}
    query = (
        sa.select(record_versions)
        .where(record_versions.c.record_id.in_(list(ids)))
        .order_by(record_versions.c.record_id, record_versions.c.version)
    )
    for row in conn.execute(query).mappings():
        out[row["record_id"]].append(
            {
                "version": row["version"],
                "action": row["action"],
                "at": _utc_text(row["at"]),
                "actor": row["actor"],
                "note": row["note"],
                "data": json.loads(row["data"]),
            }
        )
    return out


def _entry(record: Record, history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": record.KIND,
        "id": record.id,
        "current": json.loads(codec.snapshot(record)),
        "history": history,
    }


# -- reading ------------------------------------------------------------------------


@dataclass
class ExportFile:
    """An export being read: its header fields, then its entries one at a time."""

    header: dict[str, Any] = field(default_factory=dict)
    entries: Iterator[dict[str, Any]] = field(default_factory=lambda: iter(()))


class _Reader:
    """Reads a JSON document a piece at a time: values whole, the `records` array item by item."""

    def __init__(self, handle: IO[str], name: str) -> None:
        self.handle, self.name = handle, name
        self.buffer, self.pos, self.eof = "", 0, False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer) or not self._fill():
                return self.buffer[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {char!r}")
        self.pos += 1

    def value(self) -> Any:
        """The next JSON value, reading more of the file until it is whole."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if not self._fill():
                    raise self.error("it is not valid JSON, or it was cut short") from None
                continue
            if end == len(self.buffer) and not self.eof and self._fill():
                continue  # a number or literal may go on in the next chunk: decode it again whole
            self.pos = end
            return value

    def error(self, reason: str) -> ValidationError:
        return ValidationError("file", self.name, f"{reason}; give a file written by `habeas export json`")


def read_export(handle: IO[str], name: str) -> ExportFile:
    """The header of the export in `handle` and an iterator over its records, read as they are needed."""
    reader = _Reader(handle, name)
    reader.expect("{")
    header: dict[str, Any] = {}
    while True:
        key = reader.value()
        reader.expect(":")
        if key == "records":
            break
        header[key] = reader.value()
        if reader.peek() == "}":
            raise reader.error("it has no records")
        reader.expect(",")
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise reader.error(f'it is not a {FORMAT} file of version {VERSION} (its "format" and "version")')
    return ExportFile(header, _records(reader))


def _records(reader: _Reader) -> Iterator[dict[str, Any]]:
    reader.expect("[")
    if reader.peek() == "]":
        return
    while True:
        entry = reader.value()
        if not isinstance(entry, dict):
            raise reader.error("each item of records must be an object")
        yield entry
        if reader.peek() == "]":
            return
        reader.expect(",")


def _restored(entry: dict[str, Any], number: int) -> Restored:
    """The entry as the service layer takes it; ValidationError naming the entry when it is malformed."""
    where = f"records[{number}]"
    try:
        current = entry["current"]
        record = codec.from_snapshot(_canonical(current))
        history = [
            {
                **{key: version[key] for key in HISTORY_KEYS if key not in ("at", "data")},
                "at": datetime.fromisoformat(version["at"]),
                "data": _canonical(version["data"]),
            }
            for version in entry["history"]
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        reason = f"missing {exc}" if isinstance(exc, KeyError) else exc.__class__.__name__
        raise ValidationError(
            where, entry.get("id") if isinstance(entry, dict) else None, f"malformed entry ({reason})"
        ) from None
    if entry.get("kind") != record.KIND or entry.get("id") != record.id:
        raise ValidationError(
            f"{where}.id", entry.get("id"), "kind and id must be those of its current record"
        )
    return Restored(record, history)


# -- import -------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do): records restored and skipped, by kind."""

    restored: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


class _DryRun(HabeasError):
    """Raised inside the transaction of a dry run, so that everything checked is rolled back."""


def import_json(
    service: Service,
    path: Path,
    *,
    skip_existing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Restore the records of a habeas JSON export, all in one transaction, or nothing.

    Ids already in the store are refused, or left out with `skip_existing` (the stored record
    stays as it is). A dry run checks everything a real import checks, then writes nothing.
    """
    summary = ImportSummary(dry_run=dry_run)
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise ValidationError("file", str(path), f"it cannot be read ({exc.strerror})") from None
    try:
        with handle, service.store.atomic() as conn:
            export = read_export(handle, path.name)
            note = f"from {path.name}, exported {export.header.get('exported_at', '?')}"
            entries = _chosen(conn, export.entries, skip_existing, summary)
            service.restore(entries, note, progress)
            if dry_run:
                raise _DryRun()
    except UnicodeDecodeError:
        raise ValidationError("file", path.name, "it is not UTF-8 text") from None
    except _DryRun:
        pass
    return summary


def _chosen(
    conn: Connection, entries: Iterator[dict[str, Any]], skip_existing: bool, summary: ImportSummary
) -> Iterator[Restored]:
    """The entries to restore, counted by kind; with `skip_existing`, without ids already stored."""
    for number, entry in enumerate(entries):
        restored = _restored(entry, number)
        kind = restored.record.KIND
        if skip_existing and _stored(conn, restored.record.id):
            summary.skipped[kind] = summary.skipped.get(kind, 0) + 1
            continue
        summary.restored[kind] = summary.restored.get(kind, 0) + 1
        yield restored


def _stored(conn: Connection, record_id: str) -> bool:
    query = sa.select(record_versions.c.record_id).where(record_versions.c.record_id == record_id).limit(1)
    return conn.execute(query).first() is not None


def kinds_summary(counts: dict[str, int], kinds: Collection[str] = EXPORT_ORDER) -> str:
    """'12 person, 3 event' in export order; 'nothing' when empty."""
    parts = [f"{counts[k]} {k}" for k in kinds if counts.get(k)]
    return ", ".join(parts) or "nothing"
