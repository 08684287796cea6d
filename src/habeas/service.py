"""The one write path: every create, update, retraction and revert of every record.

Each call is one transaction that validates the records, checks that what they
refer to exists, writes them, keeps the new version in the record history and
appends a hash-chained audit entry per record. An error anywhere rolls it all
back: nothing is half-written.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from ulid import ULID

from habeas.domain.dates import PartialDate
from habeas.domain.records import RECORD_TYPES, Citation, Event, Record, fields_of
from habeas.domain.validation import validate
from habeas.errors import ConflictError, ValidationError
from habeas.security import audit
from habeas.storage import codec
from habeas.storage.store import Store
from habeas.storage.tables import (
    RECORD_TABLES,
    audit_entries,
    event_participants,
    events,
    record_versions,
)

ULID_TEXT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
STAMP_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "retracted"})
BATCH = 2000
T = TypeVar("T")
ORDERED_EVENTS = frozenset({"arrest", "release"})  # a release must not come before every arrest


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_ulid() -> str:
    return str(ULID())


@dataclasses.dataclass(frozen=True)
class Restored:
    """A record as another habeas database held it: its current version and the versions it kept.

    Each item of `history` has version, action, at (a datetime), actor, note and data (the
    version's JSON, as `codec.snapshot` writes it), oldest first; the last is the current version.
    """

    record: Record
    history: Sequence[Mapping[str, Any]]


class Service:
    """Writes records for one actor (an account name, recorded in the audit chain)."""

    def __init__(
        self,
        store: Store,
        actor: str,
        clock: Callable[[], datetime] = utcnow,
        new_id: Callable[[], str] = new_ulid,
    ) -> None:
        self.store = store
        self.actor = actor
        self.clock = clock
        self.new_id = new_id

    # -- the public write operations -------------------------------------

    def create(self, *records: Record) -> list[Record]:
        """Write new records in one transaction; returns them with their ids and stamps."""
        written: list[Record] = []
        self._create(records, written.extend)
        return written

    def create_many(self, records: Iterable[Record], progress: Callable[[int], None] | None = None) -> int:
        """Write any number of new records in one transaction, a batch of statements at a time.

        A record may refer to one given earlier in the same call (not to a later one). `progress` is
        called with the number of records written after each batch; returns the count.
        """
        count = 0

        def done(batch: list[Record]) -> None:
            nonlocal count
            count += len(batch)
            if progress:
                progress(len(batch))

        self._create(records, done)
        return count

    def _create(self, records: Iterable[Record], done: Callable[[list[Record]], None]) -> None:
        with self.store.atomic() as conn:
            head = self.store.audit_head(conn)
            for batch in _batches(records, BATCH):
                stamped = [self._stamp_new(r) for r in batch]
                # Earlier batches are already inserted in this transaction, so only
                # references within this batch need to be resolved here.
                self._check(conn, stamped, {r.id: r.KIND for r in stamped})
                self.store.insert(conn, stamped)
                head = self._record_versions(conn, stamped, "create", "", head)
                done(stamped)

    def update(self, kind: str, record_id: str, /, **changes: Any) -> Record:
        """Change some fields of a record; the previous version stays in its history."""
        allowed = {f.name for f in fields_of(RECORD_TYPES[kind])} - STAMP_FIELDS
        for name in changes:
            if name not in allowed:
                raise ValidationError(
                    f"{kind}.{name}", changes[name], f"fields of a {kind}: {', '.join(sorted(allowed))}"
                )
        return self._change(
            kind, record_id, "update", "", lambda _, current: dataclasses.replace(current, **changes)
        )

    def amend(self, kind: str, record_id: str, action: str, note: str, /, **changes: Any) -> Record:
        """Change fields of a record (`retracted` too) as one step of a larger, named operation.

        `action` and `note` go into the history and the audit chain, so that every change of, say, a
        merge of two people (action "merge", note "merge <id>: …") can be found and undone together.
        As elsewhere, only action "revert" may change a retracted record.
        """
        allowed = ({f.name for f in fields_of(RECORD_TYPES[kind])} - STAMP_FIELDS) | {"retracted"}
        for name in changes:
            if name not in allowed:
                raise ValidationError(
                    f"{kind}.{name}", changes[name], f"fields of a {kind}: {', '.join(sorted(allowed))}"
                )
        return self._change(
            kind, record_id, action, note, lambda _, current: dataclasses.replace(current, **changes)
        )

    def retract(self, kind: str, record_id: str, reason: str = "") -> Record:
        """Withdraw a record: it leaves every count and list but stays in the history."""
        return self._change(
            kind,
            record_id,
            "retract",
            reason,
            lambda _, current: dataclasses.replace(current, retracted=True),
        )

    def revert(self, record_id: str, version: int) -> Record:
        """Make an earlier version of a record its current one (as a new version)."""

        def to_version(conn: Connection, current: Record) -> Record:
            versions = {v["version"]: v for v in self.store.history(record_id, conn)}
            if version not in versions:
                raise ValidationError(
                    "version", version, f"versions of {record_id}: {', '.join(map(str, versions))}"
                )
            old = codec.from_snapshot(versions[version]["data"])
            keep = {f.name: getattr(old, f.name) for f in fields_of(type(old)) if f.name not in STAMP_FIELDS}
            return dataclasses.replace(current, **keep, retracted=old.retracted)

        return self._change(
            self.store.kind_of(record_id), record_id, "revert", f"to version {version}", to_version
        )

    def cite(self, source_id: str, target_kind: str, target_id: str, **details: Any) -> Record:
        """Tie a source to a fact; `details` are locator, quote, note, target_field, visibility."""
        citation = Citation(source_id=source_id, target_kind=target_kind, target_id=target_id, **details)
        return self.create(citation)[0]

    def restore(
        self, entries: Iterable[Restored], note: str, progress: Callable[[int], None] | None = None
    ) -> int:
        """Insert records exactly as another habeas database held them, in one transaction.

        Ids, versions, stamps and every version in the history are kept as given; an id that is
        already here is refused (ConflictError). Each restored version gets an audit entry of its
        own (action "import"), and the import itself is kept as a version of kind "import" whose
        note is `note` (say which export it was). A record may refer to one given earlier in the
        same call, or to one already stored (retracted or not). Returns how many were restored.
        """
        count = 0
        with self.store.atomic() as conn:
            head = self.store.audit_head(conn)
            for batch in _batches(entries, BATCH):
                records = [entry.record for entry in batch]
                self._check_restorable(conn, batch)
                self.store.insert(conn, records)
                versions = [
                    {
                        "record_id": entry.record.id,
                        "kind": entry.record.KIND,
                        **{key: version[key] for key in ("version", "action", "at", "actor", "note", "data")},
                    }
                    for entry in batch
                    for version in entry.history
                ]
                conn.execute(record_versions.insert(), versions)
                changes = [(v["kind"], v["record_id"], v["version"], v["data"]) for v in versions]
                head = self._chain(conn, changes, "import", head)
                count += len(batch)
                if progress:
                    progress(len(batch))
            summary = json.dumps({"note": note, "records": count}, sort_keys=True, ensure_ascii=False)
            self.log_versions(conn, [("import", self.new_id(), 1, summary)], "import", note, head)
        return count

    def _check_restorable(self, conn: Connection, batch: Sequence[Restored]) -> None:
        """Refuse a batch with a malformed history, an id already used, or a reference to nothing."""
        ids = [entry.record.id for entry in batch]
        if len(set(ids)) < len(ids):
            twice = sorted(i for i in set(ids) if ids.count(i) > 1)[0]
            raise ValidationError("id", twice, "each record may be given once; remove the repeated entry")
        for entry in batch:
            _check_history(entry)
        existing: set[str] = set()
        for start in range(0, len(ids), 500):
            query = sa.select(record_versions.c.record_id).where(
                record_versions.c.record_id.in_(ids[start : start + 500])
            )
            existing.update(conn.execute(query).scalars())
        if existing:
            record_id = sorted(existing)[0]
            raise ConflictError(
                f"a record with id {record_id} is already in this database; leave it out of the import"
            )
        batch_ids = {entry.record.id: entry.record.KIND for entry in batch}
        wanted: dict[str, dict[str, str]] = defaultdict(dict)
        for entry in batch:
            for field_name, kind, ref_id in _references(entry.record):
                if batch_ids.get(ref_id) != kind:
                    wanted[kind].setdefault(ref_id, field_name)
        for kind, refs in wanted.items():
            if kind not in RECORD_TABLES:
                raise ValidationError(
                    next(iter(refs.values())), kind, "refer to a kind of record habeas keeps"
                )
            table = RECORD_TABLES[kind]
            found: set[str] = set()
            refs_sorted = sorted(refs)
            for start in range(0, len(refs_sorted), 500):
                query = sa.select(table.c.id).where(table.c.id.in_(refs_sorted[start : start + 500]))
                found.update(conn.execute(query).scalars())
            missing = sorted(set(refs) - found)
            if missing:
                raise ValidationError(
                    refs[missing[0]],
                    missing[0],
                    f"no {kind} with this id is in this database or earlier in the import; "
                    "import the records it refers to first",
                )
        self._check_release_order(conn, [entry.record for entry in batch])

    # -- steps ------------------------------------------------------------

    def _stamp_new(self, record: Record) -> Record:
        if record.id and not ULID_TEXT.match(record.id):
            raise ValidationError(
                f"{record.KIND}.id", record.id, "an id is a 26-character ULID; leave it empty for a new one"
            )
        now = self.clock()
        return dataclasses.replace(
            record, id=record.id or self.new_id(), version=1, created_at=now, updated_at=now, retracted=False
        )

    def _change(
        self,
        kind: str,
        record_id: str,
        action: str,
        note: str,
        change: Callable[[Connection, Record], Record],
    ) -> Record:
        with self.store.atomic() as conn:
            current = self.store.get(kind, record_id, conn)
            if current.retracted and action != "revert":
                raise ConflictError(
                    f"{kind} {record_id} is retracted; revert it to an earlier version to change it"
                )
            new = dataclasses.replace(
                change(conn, current), version=current.version + 1, updated_at=self.clock()
            )
            self._check(conn, [new], {})
            self.store.overwrite(conn, new, current.version)
            self._record_versions(conn, [new], action, note, self.store.audit_head(conn))
        return new

    def _check(self, conn: Connection, records: Sequence[Record], batch_ids: dict[str, str]) -> None:
        """Validate each record, then check everything it refers to exists (here or in this call)."""
        wanted: dict[str, dict[str, str]] = defaultdict(dict)  # kind -> id -> field that names it
        for record in records:
            validate(record)
            for field_name, kind, ref_id in _references(record):
                if batch_ids.get(ref_id) != kind:
                    wanted[kind].setdefault(ref_id, field_name)
        for kind, ids in wanted.items():
            missing = set(ids) - self.store.live_ids(conn, kind, ids)
            if missing:
                ref_id = sorted(missing)[0]
                raise ValidationError(
                    ids[ref_id], ref_id, f"no {kind} with this id exists (or it was retracted); check the id"
                )
        self._check_release_order(conn, records)

    def _check_release_order(self, conn: Connection, pending: Sequence[Record]) -> None:
        """Refuse a change after which some release of a person comes before all their arrests.

        Earlier batches of the same call are already in the transaction, so the
        query sees them; `pending` (new or changed records) replaces what is stored.
        """
        timeline: dict[str, dict[str, tuple[str, PartialDate]]] = defaultdict(dict)  # person -> event -> fact
        # Every pending event, not only arrests and releases: one may have stopped being one.
        touched = [r for r in pending if isinstance(r, Event)]
        if not any(r.type in ORDERED_EVENTS for r in touched) and not any(r.version > 1 for r in touched):
            return
        victims = sorted({p.person_id for r in touched for p in r.participants if p.role == "victim"})
        for person_id, event_id, event_type, date_text in _stored_arrests_and_releases(conn, victims):
            timeline[person_id][event_id] = (event_type, PartialDate.parse(date_text))
        for event in touched:
            for participant in event.participants:
                if participant.role == "victim":
                    timeline[participant.person_id].pop(event.id, None)
                    if event.type in ORDERED_EVENTS and not event.retracted:
                        timeline[participant.person_id][event.id] = (event.type, event.date)
        pending_dates = {event.id: event.date.text for event in touched}
        for facts in timeline.values():
            arrests = {eid: d.earliest for eid, (kind, d) in facts.items() if kind == "arrest" and d.earliest}
            for event_id, (kind, release) in facts.items():
                if kind != "release" or release.latest is None or not arrests:
                    continue
                if all(earliest > release.latest for earliest in arrests.values()):
                    # Name the date the user just gave: the release's, else the arrest's they moved.
                    culprits = [e for e in (event_id, *arrests) if e in pending_dates]
                    raise ValidationError(
                        "event.date",
                        pending_dates[culprits[0]] if culprits else touched[0].date.text,
                        f"the person's release ({release.text}) would come before every arrest of theirs "
                        f"(the first on {min(arrests.values()).isoformat()}); check both dates",
                    )

    def _record_versions(
        self, conn: Connection, records: Sequence[Record], action: str, note: str, head: tuple[int, str]
    ) -> tuple[int, str]:
        """Keep each record's new version in the history and chain one audit entry to it."""
        changes = [(r.KIND, r.id, r.version, codec.snapshot(r)) for r in records]
        return self.log_versions(conn, changes, action, note, head)

    def log_versions(
        self,
        conn: Connection,
        changes: Sequence[tuple[str, str, int, str]],
        action: str,
        note: str,
        head: tuple[int, str] | None = None,
    ) -> tuple[int, str]:
        """Keep each (kind, id, version, JSON) in the history and chain one audit entry to each.

        Records use it through create/update; habeas.accounts uses it for user accounts,
        whose JSON never holds a password hash or a TOTP secret.
        """
        versions = []
        at = self.clock()
        for kind, record_id, version, data in changes:
            versions.append(
                {
                    "record_id": record_id,
                    "version": version,
                    "kind": kind,
                    "action": action,
                    "at": at,
                    "actor": self.actor,
                    "note": note,
                    "data": data,
                }
            )
        conn.execute(record_versions.insert(), versions)
        return self._chain(conn, changes, action, head, at)

    def _chain(
        self,
        conn: Connection,
        changes: Sequence[tuple[str, str, int, str]],
        action: str,
        head: tuple[int, str] | None = None,
        at: datetime | None = None,
    ) -> tuple[int, str]:
        """Append one audit entry per (kind, id, version, JSON), chained from `head`; the new head."""
        seq, prev_hash = head or self.store.audit_head(conn)
        stamp = (at or self.clock()).isoformat()
        entries = []
        for kind, record_id, version, data in changes:
            seq += 1
            entry: dict[str, Any] = {
                "seq": seq,
                "at": stamp,
                "actor": self.actor,
                "action": action,
                "kind": kind,
                "record_id": record_id,
                "version": version,
                "digest": audit.digest(data),
                "prev_hash": prev_hash,
            }
            entry["hash"] = prev_hash = audit.entry_hash(self.store.audit_key, entry)
            entries.append(entry)
        if entries:
            conn.execute(audit_entries.insert(), entries)
        return seq, prev_hash


def _check_history(entry: Restored) -> None:
    """Refuse a history that is empty, out of order, of another record, or not ending in the record."""
    record = entry.record
    where = f"{record.KIND}.id"
    if not ULID_TEXT.match(record.id):
        raise ValidationError(where, record.id, "an id is a 26-character ULID")
    validate(record)
    numbers = [version["version"] for version in entry.history]
    if not numbers or numbers != sorted(set(numbers)) or numbers[0] < 1 or numbers[-1] != record.version:
        raise ValidationError(
            f"{record.KIND} {record.id} history",
            numbers,
            f"give versions in increasing order, the last being the current one ({record.version})",
        )
    for version in entry.history:
        kept = codec.from_snapshot(version["data"])
        if kept.KIND != record.KIND or kept.id != record.id:
            raise ValidationError(
                f"{record.KIND} {record.id} version {version['version']}",
                f"{kept.KIND} {kept.id}",
                "each version must be of the same record",
            )
    if codec.from_snapshot(entry.history[-1]["data"]) != record:
        raise ValidationError(
            f"{record.KIND} {record.id} current",
            record.version,
            "the current record must be the same as the last version of its history",
        )


def _references(record: Any, prefix: str | None = None) -> Iterator[tuple[str, str, str]]:
    """(field, kind, id) for every id a record (or an item inside it) refers to."""
    prefix = prefix or record.KIND
    for f in fields_of(type(record)):
        name, kind = f.name, f.metadata.get("ref")
        value = getattr(record, name)
        if kind and value:
            for ref_id in value if isinstance(value, list) else [value]:
                yield f"{prefix}.{name}", kind, ref_id
        elif isinstance(value, list):
            for item in value:
                if dataclasses.is_dataclass(item):
                    yield from _references(item, f"{prefix}.{name}")
    if isinstance(record, Citation):
        yield "citation.target_id", record.target_kind, record.target_id


def _stored_arrests_and_releases(
    conn: Connection, person_ids: Sequence[str]
) -> Iterator[tuple[str, str, str, str]]:
    """(person id, event id, type, date text) of the stored arrests and releases of these victims.

    Two steps, the people's events by the participants' person index and then those events by id:
    joined in one statement, SQLite would scan every stored arrest by the (type, date) index instead,
    which made large imports slow down as they grew.
    """
    victims_of: dict[str, list[str]] = defaultdict(list)  # event id -> victims among person_ids
    for start in range(0, len(person_ids), 500):
        query = sa.select(event_participants.c.event_id, event_participants.c.person_id).where(
            event_participants.c.person_id.in_(person_ids[start : start + 500]),
            event_participants.c.role == "victim",
        )
        for event_id, person_id in conn.execute(query):
            victims_of[event_id].append(person_id)
    event_ids = sorted(victims_of)
    for start in range(0, len(event_ids), 500):
        query = sa.select(events.c.id, events.c.type, events.c.date).where(
            events.c.id.in_(event_ids[start : start + 500]),
            events.c.type.in_(sorted(ORDERED_EVENTS)),
            events.c.retracted.is_(False),
            events.c.date.is_not(None),
        )
        for row in conn.execute(query):
            for person_id in victims_of[row.id]:
                yield person_id, row.id, row.type, row.date


def _batches(records: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
