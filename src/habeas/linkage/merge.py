"""Merging two records of one person, and undoing a merge.

A merge is one transaction of audited changes through the service layer: the kept person gets the
other's names and groups (and fields it lacks), every live record pointing at the other person is
re-pointed to the kept one, and the other person is retracted. Nothing is deleted. Every version a
merge writes has action "merge" and the note "merge <merge id>: <other> merged into <keep>", so the
history itself is the record of merges (no table of their own); an undo writes versions with action
"revert" and the note "undo merge <merge id>".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.records import Citation, Event, Person, Record, fields_of
from habeas.errors import ConflictError, ValidationError
from habeas.linkage import queue
from habeas.service import STAMP_FIELDS, Service
from habeas.storage import codec
from habeas.storage.tables import CHILDREN, RECORD_TABLES, citations, record_versions

ACTION = "merge"
UNDO_ACTION = "revert"  # only a revert may bring the retracted person back
NOTE = re.compile(
    r"^merge (?P<id>\S+): (?P<other>\S+) merged into (?P<keep>\S+)"
    r"(?: \(candidate (?P<cand>\S+)\))?(?:; (?P<why>.*))?$",
    re.DOTALL,
)
UNDO_NOTE = re.compile(r"^undo merge (?P<id>\S+)$")
FILLED = ("sex", "birth_date", "birth_place", "citizenship", "occupation", "notes")


@dataclasses.dataclass(frozen=True)
class Merge:
    """One merge: who was kept, who was merged into them, and each (kind, id, version) it wrote."""

    id: str
    keep_id: str
    other_id: str
    candidate_id: str | None
    at: datetime
    actor: str
    changed: tuple[tuple[str, str, int], ...]
    note: str = ""
    undone: bool = False


def merge(
    service: Service, keep_id: str, other_id: str, *, candidate_id: str | None = None, note: str = ""
) -> Merge:
    """Merge person `other_id` into `keep_id` in one transaction; returns the merge.

    `note` is the user's reason; it is kept in the history beside the kept person's new version.
    """
    merge_id = service.new_id()
    text = f"merge {merge_id}: {other_id} merged into {keep_id}"
    if candidate_id:
        text += f" (candidate {candidate_id})"
    if note:
        text += f"; {note}"
    changed: list[tuple[str, str, int]] = []
    store = service.store
    with store.atomic() as conn:
        keep = _live_person(conn, service, "keep", keep_id)
        other = _live_person(conn, service, "other", other_id)
        if keep_id == other_id:
            raise ValidationError(
                "other", other_id, "give two different people: a person cannot be merged into itself"
            )
        if candidate_id:
            _check_candidate(conn, candidate_id, keep_id, other_id)
        combined = _combined(keep, other)
        if combined:
            changed.append(_written(service.amend("person", keep_id, ACTION, text, **combined)))
        for record in _pointing_at(conn, service, other_id):
            changes = _repointed(record, other_id, keep_id)
            changed.append(_written(service.amend(record.KIND, record.id, ACTION, text, **changes)))
        changed.append(_written(service.amend("person", other_id, ACTION, text, retracted=True)))
        if candidate_id:
            _mark(service, candidate_id, "merged", f"merge {merge_id}")
    return Merge(
        merge_id, keep_id, other_id, candidate_id, service.clock(), service.actor, tuple(changed), note
    )


def undo(service: Service, merge_id: str) -> Merge:
    """Put every record a merge changed back as it was before it, in one transaction; returns the merge.

    Refused when the merge was already undone, or when a record it changed was changed again since
    (that change must be reverted first: the error names the record).
    """
    store = service.store
    text = f"undo merge {merge_id}"
    with store.atomic() as conn:
        done = _find(conn, merge_id)
        if done.undone:
            raise ConflictError(f"merge {merge_id} was already undone; nothing was changed")
        for kind, record_id, version in done.changed:
            current = store.get(kind, record_id, conn)
            if current.version != version:
                raise ConflictError(
                    f"{kind} {record_id} was changed after merge {merge_id} (it is now at version "
                    f"{current.version}, the merge wrote version {version}); revert that change first "
                    f"(habeas history {record_id}), then undo the merge"
                )
        # The other person comes back first, so that records can point at them again; then arrests,
        # so that no release of theirs is ever left without the arrests that come before it.
        order = sorted(done.changed, key=lambda c: _undo_rank(c, done.other_id, store, conn))
        for kind, record_id, version in order:
            service.amend(kind, record_id, UNDO_ACTION, text, **_before(store, conn, record_id, version))
        if done.candidate_id:
            _mark(service, done.candidate_id, "pending", text)
    return dataclasses.replace(done, undone=True)


# What a merge's versions say of it: read by `merges` and `_find`.
_VERSION_COLUMNS = (
    record_versions.c.record_id,
    record_versions.c.kind,
    record_versions.c.version,
    record_versions.c.action,
    record_versions.c.at,
    record_versions.c.actor,
    record_versions.c.note,
)


def merges(conn: Connection) -> list[Merge]:
    """Every merge recorded in the history, newest first, each saying whether it was undone."""
    query = sa.select(*_VERSION_COLUMNS).where(
        sa.or_(
            sa.and_(record_versions.c.action == ACTION, record_versions.c.note.like("merge %")),
            sa.and_(record_versions.c.action == UNDO_ACTION, record_versions.c.note.like("undo merge %")),
        )
    )
    return _collect(conn.execute(query.order_by(record_versions.c.at, record_versions.c.version)))


def get(conn: Connection, merge_id: str) -> Merge:
    """One merge by its id; ValidationError when no merge has it."""
    return _find(conn, merge_id)


# -- steps ----------------------------------------------------------------------------------------


def _live_person(conn: Connection, service: Service, field: str, person_id: str) -> Person:
    found = service.store.get_many("person", [person_id], conn) if person_id else []
    if not found or not isinstance(found[0], Person):
        raise ValidationError(field, person_id, "give the id of a person (see `habeas person search`)")
    if found[0].retracted:
        raise ValidationError(
            field,
            person_id,
            "this person is retracted (perhaps merged already); undo that first or choose another",
        )
    return found[0]


def _combined(keep: Person, other: Person) -> dict[str, Any]:
    """The kept person's changed fields: every name and group of both, and what the kept one lacks."""
    changes: dict[str, Any] = {}
    # The kept person's own names first, in their order (the first is the one shown).
    names, seen = list(keep.names), {(n.value, n.script) for n in keep.names}
    for spelling in other.names:
        if (spelling.value, spelling.script) not in seen:
            seen.add((spelling.value, spelling.script))
            names.append(spelling)
    if len(names) > len(keep.names):
        changes["names"] = names
    groups = list(dict.fromkeys([*keep.groups, *other.groups]))
    if groups != keep.groups:
        changes["groups"] = groups
    for name in FILLED:
        mine, theirs = getattr(keep, name), getattr(other, name)
        if _empty(mine) and not _empty(theirs):
            changes[name] = theirs
    clarifications = {**other.clarifications, **keep.clarifications}
    if clarifications != keep.clarifications:
        changes["clarifications"] = clarifications
    return changes


def _empty(value: Any) -> bool:
    if hasattr(value, "is_unknown"):
        return bool(value.is_unknown)
    return value in ("", "unknown", None)


def _pointing_at(conn: Connection, service: Service, person_id: str) -> list[Record]:
    """The live records that refer to this person, arrests before other events (see `undo`)."""
    ids: dict[str, set[str]] = {}
    for kind, table in RECORD_TABLES.items():
        for column in ("person_id", "other_person_id"):
            if column in table.c:
                query = sa.select(table.c.id).where(
                    table.c[column] == person_id, table.c.retracted.is_(False)
                )
                ids.setdefault(kind, set()).update(conn.execute(query).scalars())
    for (kind, _), child in CHILDREN.items():
        if child.parent_key != "person_id" and "person_id" in child.table.c:
            query = sa.select(child.table.c[child.parent_key]).where(child.table.c.person_id == person_id)
            ids.setdefault(kind, set()).update(conn.execute(query).scalars())
    query = sa.select(citations.c.id).where(
        citations.c.target_kind == "person", citations.c.target_id == person_id
    )
    ids.setdefault("citation", set()).update(conn.execute(query).scalars())
    records = [r for kind, found in ids.items() for r in service.store.get_many(kind, sorted(found), conn)]
    live = [r for r in records if not r.retracted]
    return sorted(
        live, key=lambda r: (isinstance(r, Event), not (isinstance(r, Event) and r.type == "arrest"))
    )


def _repointed(record: Record, old: str, new: str) -> dict[str, Any]:
    """The fields of `record` that name `old`, naming `new` instead (repeats dropped)."""
    changes = {name: value for name, value in _swap_fields(record, old, new)}
    if isinstance(record, Citation) and record.target_id == old:
        changes["target_id"] = new
    if getattr(record, "other_person_id", None) and {
        changes.get("person_id", getattr(record, "person_id", None)),
        changes.get("other_person_id", record.other_person_id),  # type: ignore[attr-defined]
    } == {new}:
        # A relationship between the two records of one person means nothing once they are one.
        return {"retracted": True}
    return changes


def _swap_fields(item: Any, old: str, new: str) -> Iterable[tuple[str, Any]]:
    for f in fields_of(type(item)):
        value = getattr(item, f.name)
        if f.metadata.get("ref") == "person":
            if value == old:
                yield f.name, new
            elif isinstance(value, list) and old in value:
                yield f.name, list(dict.fromkeys(new if v == old else v for v in value))
        elif isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            items = [dataclasses.replace(v, **dict(_swap_fields(v, old, new))) for v in value]
            if items != value:
                yield f.name, [v for i, v in enumerate(items) if v not in items[:i]]


def _written(record: Record) -> tuple[str, str, int]:
    return record.KIND, record.id, record.version


def _before(store: Any, conn: Connection, record_id: str, version: int) -> dict[str, Any]:
    """The fields of the version before `version`, as `amend` takes them."""
    data = next(v["data"] for v in store.history(record_id, conn) if v["version"] == version - 1)
    old = codec.from_snapshot(data)
    kept = {f.name: getattr(old, f.name) for f in fields_of(type(old)) if f.name not in STAMP_FIELDS}
    return {**kept, "retracted": old.retracted}


def _undo_rank(change: tuple[str, str, int], other_id: str, store: Any, conn: Connection) -> tuple[int, int]:
    kind, record_id, _ = change
    if kind == "person" and record_id == other_id:
        return (0, 0)
    if kind == "event":
        record = store.get(kind, record_id, conn)
        return (1, 0 if isinstance(record, Event) and record.type == "arrest" else 1)
    return (2, 0)


def _find(conn: Connection, merge_id: str) -> Merge:
    query = sa.select(*_VERSION_COLUMNS).where(
        sa.or_(
            sa.and_(record_versions.c.action == ACTION, record_versions.c.note.like(f"merge {merge_id}: %")),
            sa.and_(
                record_versions.c.action == UNDO_ACTION, record_versions.c.note == f"undo merge {merge_id}"
            ),
        )
    )
    found = _collect(conn.execute(query.order_by(record_versions.c.at, record_versions.c.version)))
    if not found:
        raise ValidationError("merge_id", merge_id, "give the id of a merge (see `habeas merge list`)")
    return found[0]


def _collect(rows: Iterable[Any]) -> list[Merge]:
    """Merges from history rows (oldest first), newest merge first."""
    made: dict[str, Merge] = {}
    for row in rows:
        if row.action == ACTION and (match := NOTE.match(row.note)):
            mid = match["id"]
            if mid not in made:
                made[mid] = Merge(
                    mid,
                    match["keep"],
                    match["other"],
                    match["cand"],
                    row.at,
                    row.actor,
                    (),
                    match["why"] or "",
                )
            change = (row.kind, row.record_id, row.version)
            made[mid] = dataclasses.replace(made[mid], changed=(*made[mid].changed, change))
        elif row.action == UNDO_ACTION and (match := UNDO_NOTE.match(row.note)) and match["id"] in made:
            made[match["id"]] = dataclasses.replace(made[match["id"]], undone=True)
    return sorted(made.values(), key=lambda m: m.id, reverse=True)


def _check_candidate(conn: Connection, candidate_id: str, keep_id: str, other_id: str) -> None:
    candidate = queue.get(conn, candidate_id)
    if {candidate.person_a, candidate.person_b} != {keep_id, other_id}:
        raise ValidationError(
            "candidate",
            candidate_id,
            "give the id of a queued pair naming these two people (see `habeas dedupe`)",
        )
    if candidate.status != "pending":
        raise ConflictError(f"candidate {candidate_id} is already {candidate.status}; nothing was changed")


def _mark(service: Service, candidate_id: str, status: str, note: str) -> None:
    queue.mark(service, candidate_id, status, note)
