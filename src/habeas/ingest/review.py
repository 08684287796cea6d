"""The review queue of list-document entries: queue a document, then accept or reject each entry.

Each change of an entry is written to `review_entries` and kept in the history and
the audit chain (`Service.log_versions`), in the same transaction as the records
an acceptance creates: the person (or the existing one it is attached to), an
arrest event, a custody period from the arrest date, the facility, a charge per
article, and a citation of the document for each of them with the page.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.names import guess_script, search_key, skeleton
from habeas.domain.records import (
    Charge,
    Citation,
    CustodyPeriod,
    Event,
    Organisation,
    Participant,
    Person,
    PersonName,
    Record,
    Source,
)
from habeas.errors import ConflictError, NotFound, ValidationError
from habeas.ingest.listdoc import Entry, read_document
from habeas.ingest.listdoc_layout import DEFAULT_LAYOUT, Layout
from habeas.service import Service
from habeas.storage.queries import HeldReport
from habeas.storage.store import Store
from habeas.storage.tables import organisations, people, person_names, review_entries

__all__ = [
    "Candidate",
    "QueuedEntry",
    "SectionCounts",
    "accept",
    "accept_all",
    "candidates",
    "entries",
    "get_entry",
    "held_by_section",
    "pending",
    "queue_document",
    "reject",
]

KIND = "review_entry"  # the kind of a review entry's versions in the history
PATRONYMIC_WORDS = frozenset({"oglu", "oğlu", "ogly", "qızı", "qizi", "kizi", "gizi", "оглы", "кызы"})


@dataclass(frozen=True)
class QueuedEntry:
    """An entry as the queue holds it."""

    id: str
    source_id: str
    position: int
    section: str
    name: str
    page: int | None
    status: str  # pending, accepted, rejected
    person_id: str | None
    version: int
    data: dict[str, Any]

    @property
    def entry(self) -> Entry:
        return Entry.from_data(self.position, self.name, self.section, self.page, self.data)

    def snapshot(self) -> str:
        """The entry as canonical JSON, as kept in the history."""
        return json.dumps(vars(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Queued:
    """What `queue_document` did: the source the entries cite, and the entries queued."""

    source_id: str
    title: str
    entries: list[Entry]

    def by_section(self) -> dict[str, int]:
        return dict(Counter(e.section for e in self.entries))


@dataclass(frozen=True)
class Candidate:
    """An existing person who may be the one an entry names; `how` says why they are shown."""

    person_id: str
    name: str
    how: str  # "same name" (same skeleton) or "same name without patronymic"


# -- queueing ---------------------------------------------------------------------------------------


def queue_document(
    service: Service, path: Path, layout: Layout | None = None, source_id: str | None = None
) -> Queued:
    """Read a list document and queue its entries as pending, with a Source for it; one transaction.

    Refused (nothing written) when the same file was queued before, or when `source_id` already
    has entries queued.
    """
    document = read_document(path, layout or DEFAULT_LAYOUT)
    store = service.store
    with store.atomic() as conn:
        _refuse_twice(conn, document.sha256, source_id)
        if source_id is None:
            source = Source(title=document.title, kind="report", visibility="public", author=document.author)
            source_id = service.create(source)[0].id
        else:
            store.get("source", source_id, conn)  # NotFound names the id
        now = service.clock()
        queued = [
            QueuedEntry(
                id=service.new_id(),
                source_id=source_id,
                position=e.position,
                section=e.section,
                name=e.name,
                page=e.page,
                status="pending",
                person_id=None,
                version=1,
                data={**e.as_data(), "document": {"file": document.file_name, "sha256": document.sha256}},
            )
            for e in document.entries
        ]
        rows = [_row(q) | {"created_at": now, "updated_at": now} for q in queued]
        conn.execute(review_entries.insert(), rows)
        service.log_versions(conn, [(KIND, q.id, 1, q.snapshot()) for q in queued], "create", "queued")
    return Queued(source_id, document.title, document.entries)


def _refuse_twice(conn: Connection, sha256: str, source_id: str | None) -> None:
    same_file = conn.execute(
        sa.select(review_entries.c.source_id)
        .where(review_entries.c.data.like(f'%"sha256": "{sha256}"%'))
        .limit(1)
    ).scalar()
    if same_file:
        raise ValidationError(
            "file",
            sha256[:12],
            f"this document is already queued for source {same_file}; see `habeas review --list`",
        )
    if source_id is not None:
        count = conn.execute(
            sa.select(sa.func.count()).where(review_entries.c.source_id == source_id)
        ).scalar_one()
        if count:
            raise ValidationError(
                "--source",
                source_id,
                f"this source already has {count} entries queued; a source is queued once",
            )


def _row(queued: QueuedEntry) -> dict[str, Any]:
    row = {k: v for k, v in vars(queued).items() if k != "data"}
    row["data"] = json.dumps(queued.data, sort_keys=True, ensure_ascii=False)
    return row


# -- reading the queue ------------------------------------------------------------------------------


def entries(
    store: Store, source_id: str | None = None, status: str | None = None, conn: Connection | None = None
) -> list[QueuedEntry]:
    """Queued entries in document order, of one source and one status if given."""
    if conn is None:
        with store.reading() as own:
            return entries(store, source_id, status, own)
    query = sa.select(review_entries)
    if source_id:
        query = query.where(review_entries.c.source_id == source_id)
    if status:
        query = query.where(review_entries.c.status == status)
    rows = conn.execute(query.order_by(review_entries.c.source_id, review_entries.c.position)).mappings()
    return [_queued(row) for row in rows]


def pending(store: Store, source_id: str | None = None) -> list[QueuedEntry]:
    """The entries still to review."""
    return entries(store, source_id, "pending")


def get_entry(store: Store, entry_id: str, conn: Connection | None = None) -> QueuedEntry:
    if conn is None:
        with store.reading() as own:
            return get_entry(store, entry_id, own)
    row = conn.execute(sa.select(review_entries).where(review_entries.c.id == entry_id)).mappings().first()
    if row is None:
        raise NotFound("review entry", entry_id)
    return _queued(row)


def _queued(row: Any) -> QueuedEntry:
    fields = {k: row[k] for k in QueuedEntry.__dataclass_fields__ if k != "data"}
    return QueuedEntry(**fields, data=json.loads(row["data"]))


def names_of(written: str) -> list[str]:
    """The names an entry's name stands for: "Leyla Yunus (Leyla Islam qızı Yunusova)" gives both."""
    outer, _, inner = written.partition("(")
    names = [" ".join(outer.split()).strip(" ,;")]
    inner = inner.rstrip(") ").strip()
    if inner and inner.casefold() != names[0].casefold():
        names.append(" ".join(inner.split()))
    return [n for n in names if n]


def short_form(name: str) -> str:
    """The name without its patronymic: "Abdul Abdulmanaf oglu Abilov" → "Abdul Abilov"."""
    words = name.replace(",", " ").split()
    for i, word in enumerate(words):
        if word.casefold() in PATRONYMIC_WORDS and i >= 1:
            return " ".join(words[: i - 1] + words[i + 1 :])
    return " ".join(words)


def candidates(store: Store, queued: QueuedEntry, conn: Connection | None = None) -> list[Candidate]:
    """Existing people whose name has the skeleton of the entry's (or of its name without patronymic)."""
    if conn is None:
        with store.reading() as own:
            return candidates(store, queued, own)
    exact = {skeleton(n) for n in names_of(queued.name)}
    short = {skeleton(short_form(n)) for n in names_of(queued.name)} - exact
    found: dict[str, Candidate] = {}
    for person_id, value, key in _people_with_skeletons(conn, exact | short):
        how = "same name" if key in exact else "same name without patronymic"
        if person_id not in found or how == "same name":
            found[person_id] = Candidate(person_id, value, how)
    return sorted(found.values(), key=lambda c: (c.how != "same name", c.name))


def _people_with_skeletons(conn: Connection, keys: Iterable[str]) -> list[tuple[str, str, str]]:
    query = (
        sa.select(person_names.c.person_id, person_names.c.value, person_names.c.skeleton)
        .join(people, people.c.id == person_names.c.person_id)
        .where(person_names.c.skeleton.in_(sorted(keys)), people.c.retracted.is_(False))
        .order_by(person_names.c.person_id, person_names.c.position)
    )
    return [(r[0], r[1], r[2]) for r in conn.execute(query)]


# -- accepting and rejecting ------------------------------------------------------------------------


def accept(service: Service, entry_id: str, person_id: str | None = None) -> str:
    """Accept an entry as a new person, or as `person_id`; one transaction. Returns the person's id."""
    with service.store.atomic() as conn:
        return _accept(service, conn, get_entry(service.store, entry_id, conn), person_id)


def reject(service: Service, entry_id: str, reason: str) -> None:
    """Mark an entry rejected, with the reason kept in it and in its history."""
    if not reason.strip():
        raise ValidationError(
            "reason", reason, "say why the entry is rejected (a duplicate, not a prisoner…)"
        )
    with service.store.atomic() as conn:
        queued = get_entry(service.store, entry_id, conn)
        _set_status(service, conn, queued, "rejected", None, {"rejection_reason": reason.strip()})


@dataclass
class AcceptedAll:
    created: int = 0
    attached: int = 0
    people: list[str] = field(default_factory=list)


def accept_all(
    service: Service, source_id: str, progress: Callable[[int], None] | None = None
) -> AcceptedAll:
    """Accept every pending entry of a source in one transaction.

    An entry is attached to an existing person only when exactly one person has its name's
    skeleton; people created by this same call are not matched (a list names each person once).
    """
    result = AcceptedAll()
    with service.store.atomic() as conn:
        for queued in entries(service.store, source_id, "pending", conn):
            keys = {skeleton(n) for n in names_of(queued.name)}
            matches = {pid for pid, _, _ in _people_with_skeletons(conn, keys)} - set(result.people)
            match = matches.pop() if len(matches) == 1 else None
            result.people.append(_accept(service, conn, queued, match))
            if match:
                result.attached += 1
            else:
                result.created += 1
            if progress:
                progress(1)
    return result


def _accept(service: Service, conn: Connection, queued: QueuedEntry, person_id: str | None) -> str:
    if queued.status != "pending":
        raise ConflictError(
            f"review entry {queued.id} is already {queued.status}; only pending entries are accepted"
        )
    entry = queued.entry
    created: list[Record] = []
    if person_id is None:
        person = Person(id=service.new_id(), names=_person_names(entry.name), groups=entry.groups)
        created.append(person)
        person_id = person.id
    else:
        _extend_person(service, conn, person_id, entry)
    facility_id = _facility(service, conn, entry.place, created)
    created.append(
        Event(
            id=service.new_id(),
            type="arrest",
            date=entry.arrest_date,
            participants=[Participant(person_id=person_id, role="victim")],
        )
    )
    created.append(
        CustodyPeriod(
            id=service.new_id(),
            person_id=person_id,
            kind=entry.custody_kind or "imprisonment",
            start=entry.arrest_date,
            facility_id=facility_id,
            place=entry.place,
        )
    )
    created.extend(
        Charge(id=service.new_id(), person_id=person_id, code="CC", article=a) for a in entry.articles
    )
    cited = [(r.KIND, r.id) for r in created if not isinstance(r, Person)] + [("person", person_id)]
    locator = f"p. {entry.page}" if entry.page else ""
    note = f"{entry.section}, no. {entry.number}"
    citations = [
        Citation(source_id=queued.source_id, target_kind=kind, target_id=rid, locator=locator, note=note)
        for kind, rid in cited
    ]
    service.create(*created, *citations)
    _set_status(service, conn, queued, "accepted", person_id, {})
    return person_id


def _person_names(written: str) -> list[PersonName]:
    return [PersonName(value=n, script=guess_script(n)) for n in names_of(written)]


def _extend_person(service: Service, conn: Connection, person_id: str, entry: Entry) -> None:
    """Give an existing person the entry's names and groups they lack."""
    person = service.store.get("person", person_id, conn)
    assert isinstance(person, Person)
    if person.KIND != "person" or person.retracted:
        raise ValidationError("person_id", person_id, "give the id of a person who is not retracted")
    known = {search_key(n.value) for n in person.names}
    names = person.names + [n for n in _person_names(entry.name) if search_key(n.value) not in known]
    groups = person.groups + [g for g in entry.groups if g not in person.groups]
    if names != person.names or groups != person.groups:
        service.update("person", person_id, names=names, groups=groups)


def _facility(service: Service, conn: Connection, place: str, created: list[Record]) -> str | None:
    """The detention facility named exactly `place` (created now if there is none yet)."""
    if not place:
        return None
    found = conn.execute(
        sa.select(organisations.c.id)
        .where(
            organisations.c.name == place,
            organisations.c.kind == "detention_facility",
            organisations.c.retracted.is_(False),
        )
        .order_by(organisations.c.created_at, organisations.c.id)
        .limit(1)
    ).scalar()
    if found:
        return str(found)
    facility = Organisation(id=service.new_id(), name=place, kind="detention_facility")
    created.append(facility)
    return facility.id


def _set_status(
    service: Service,
    conn: Connection,
    queued: QueuedEntry,
    status: str,
    person_id: str | None,
    extra: dict[str, Any],
) -> None:
    changed = dataclasses.replace(
        queued, status=status, person_id=person_id, version=queued.version + 1, data={**queued.data, **extra}
    )
    result = conn.execute(
        review_entries.update()
        .where(review_entries.c.id == queued.id, review_entries.c.version == queued.version)
        .values(**_row(changed), updated_at=service.clock())
    )
    if result.rowcount != 1:
        raise ConflictError(f"review entry {queued.id} was changed by someone else meanwhile; reload it")
    action = "accept" if status == "accepted" else "reject"
    service.log_versions(conn, [(KIND, queued.id, changed.version, changed.snapshot())], action, "")


# -- counting by section ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionCounts:
    """People of one document held on a day, by the section they were accepted under."""

    source_id: str
    by_section: dict[str, int]
    listed: int  # people accepted from the document
    held: int  # of them, held on the day

    def as_json(self) -> dict[str, Any]:
        return vars(self)


def held_by_section(conn: Connection, report: HeldReport, source_id: str) -> SectionCounts:
    """Count the held people of `report` by the section of `source_id` under which they were accepted."""
    rows = conn.execute(
        sa.select(review_entries.c.section, review_entries.c.person_id)
        .where(review_entries.c.source_id == source_id, review_entries.c.status == "accepted")
        .order_by(review_entries.c.position)
    ).all()
    held = {p.id for p in report.people}
    counts: Counter[str] = Counter()
    for section, person_id in dict.fromkeys((s, p) for s, p in rows):
        if person_id in held:
            counts[section] += 1
    listed = {p for _, p in rows}
    return SectionCounts(source_id, dict(sorted(counts.items())), len(listed), len(listed & held))
