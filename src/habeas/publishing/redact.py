"""The one gate between what habeas holds and what leaves it: records and an audience in, what that
audience may see out.

Every export, the public site, the public database and statements read records through a `Gate`
and nothing else. An audience names who will read the output and so which visibilities it may
hold: `public` only public records, `restricted` public and restricted ones, `confidential`
everything. The gate applies, in order:

1. the record's visibility, and that it is live (not retracted);
2. for the public audience, what never leaves whatever its visibility says: relationships,
   sources of a kind that identifies who spoke to us (interviews), witnesses among an event's
   participants, relatives of critics, and people who have not consented to publication, with
   every record about them (an event is withheld when one of its victims is not shown, a case when
   one of its people is not); a source is published only when a published citation ties it to a
   published record, and a citation only when the field it supports may be published;
3. references: a record whose subject (a custody period's person, a citation's source and target)
   the audience may not see is left out; other references to such records are removed;
4. fields: each field has the least audience that may see it (`FIELD_AUDIENCE`); below it the
   field is emptied. A public birth date keeps only its year, and in the text of a public record
   each stored spelling of a hidden person's name is replaced (`habeas.publishing.name_scrub`).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.dates import PartialDate
from habeas.domain.records import Citation, Intervention, Person, Record, fields_of
from habeas.errors import ValidationError
from habeas.publishing.name_scrub import NameScrubber
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage import queries
from habeas.storage.store import Store
from habeas.storage.tables import (
    RECORD_TABLES,
    case_people,
    citations,
    event_participants,
    people,
    person_groups,
    person_names,
    sources,
)

__all__ = [
    "AUDIENCES",
    "FIELD_AUDIENCE",
    "NEVER_PUBLIC_KINDS",
    "NEVER_PUBLIC_PARTICIPANT_ROLES",
    "NEVER_PUBLIC_SOURCE_KINDS",
    "Gate",
    "audience_visibility",
    "redact",
]

AUDIENCES: Mapping[str, frozenset[str]] = {
    "public": frozenset({"public"}),
    "restricted": frozenset({"public", "restricted"}),
    "confidential": ALL_VISIBILITY,
}
_RANK = {"public": 0, "restricted": 1, "confidential": 2}
CHUNK = 500  # ids per query

#: Kinds that never reach the public, whatever a record's visibility: who is whose relative.
NEVER_PUBLIC_KINDS = frozenset({"relationship"})
#: Source kinds that identify someone who spoke to the team.
NEVER_PUBLIC_SOURCE_KINDS = frozenset({"interview"})
#: Roles in an event that are never published (a witness may face reprisal for speaking).
NEVER_PUBLIC_PARTICIPANT_ROLES = frozenset({"witness"})
#: People in these groups are never named in public: reprisals against relatives are documented,
#: the relatives themselves are not exposed.
NEVER_PUBLIC_GROUPS = frozenset({"relative_of_critic"})

#: (kind or "*" for every kind) -> field -> the least audience that may see the field.
FIELD_AUDIENCE: Mapping[str, Mapping[str, str]] = {
    "*": {"clarifications": "restricted"},
    "person": {"notes": "restricted", "birth_place": "restricted"},
    "organisation": {"notes": "restricted"},
    "assessment": {"decided_by": "restricted"},  # names a team member
    "source": {"text": "restricted", "author": "restricted"},
    "citation": {"note": "restricted"},
}


def audience_visibility(audience: str) -> frozenset[str]:
    """The visibilities an output for `audience` may hold; ValidationError for an unknown audience."""
    if audience not in AUDIENCES:
        raise ValidationError("--audience", audience, f"use one of: {', '.join(AUDIENCES)}")
    return AUDIENCES[audience]


def redact(conn: Connection, records: Sequence[Record], audience: str) -> list[Record]:
    """What `audience` may see of `records`: some left out, the rest with hidden parts removed."""
    return Gate(conn, audience).screen(records)


class Gate:
    """The gate for one audience over one open connection (one consistent read)."""

    def __init__(self, conn: Connection, audience: str) -> None:
        self.conn = conn
        self.audience = audience
        self.visible = audience_visibility(audience)
        self.public = audience == "public"
        self.withheld_people: frozenset[str] = self._withheld_people() if self.public else frozenset()
        self._scrubber: NameScrubber | None = None
        self._source_hidden: dict[str, bool] = {}

    # -- reading -------------------------------------------------------------------

    def records(self, store: Store, kind: str, page: int = 500) -> Iterator[Record]:
        """Every record of `kind` the audience may see, redacted, in id order, a page at a time."""
        table = RECORD_TABLES[kind]
        last = ""
        while True:
            query = sa.select(table.c.id).where(table.c.id > last).order_by(table.c.id).limit(page)
            ids = list(self.conn.execute(query).scalars())
            if not ids:
                return
            shown = self.shown(kind, ids)
            yield from self.screen(store.get_many(kind, [i for i in ids if i in shown], self.conn))
            last = ids[-1]

    def count(self, kind: str) -> int:
        """At most how many records of `kind` the audience may see (for a progress bar)."""
        if self.public and kind in NEVER_PUBLIC_KINDS:
            return 0
        return queries.count_ids(self.conn, kind, visible=self.visible)

    def shown(self, kind: str, ids: Collection[str]) -> set[str]:
        """Those of `ids` naming a record of `kind` the audience may see (before field redaction)."""
        if self.public and kind in NEVER_PUBLIC_KINDS:
            return set()
        found = queries.visible_ids(self.conn, kind, ids, visible=self.visible)
        if self.public and found:
            found -= self._never_public_chunked(kind, found)
        return found

    # -- screening -----------------------------------------------------------------

    def screen(self, records: Sequence[Record]) -> list[Record]:
        """The records without those whose subjects are hidden, each without hidden references or fields."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            wanted[record.KIND].add(record.id)
            for kind, ref_id, _ in _references(record):
                wanted[kind].add(ref_id)
        shown = {kind: self.shown(kind, ids) for kind, ids in wanted.items()}
        out = []
        for record in records:
            if record.id not in shown[record.KIND] or not _subjects_shown(record, shown):
                continue
            if isinstance(record, Citation) and self.field_hidden(record.target_kind, record.target_field):
                continue  # its quotation would give away the field it supports
            out.append(self._fields(_without_hidden(record, shown, self.public)))
        return out

    def field_hidden(self, kind: str, name: str) -> bool:
        """Whether the audience may not see field `name` of records of `kind` (or only cut down)."""
        if not name:
            return False
        rank = _RANK[self.audience]
        least = FIELD_AUDIENCE.get(kind, {}).get(name) or FIELD_AUDIENCE["*"].get(name)
        if least is not None and rank < _RANK[least]:
            return True
        return self.public and (kind, name) == ("person", "birth_date")

    def _fields(self, record: Record) -> Record:
        rank = _RANK[self.audience]
        changes: dict[str, Any] = {}
        for rules in (FIELD_AUDIENCE["*"], FIELD_AUDIENCE.get(record.KIND, {})):
            for name, least in rules.items():
                if rank < _RANK[least]:
                    changes[name] = _empty(type(record), name)
        if self.public and isinstance(record, Person) and not record.birth_date.is_unknown:
            year = record.birth_date.earliest.year if record.birth_date.earliest else None
            changes["birth_date"] = PartialDate.parse(str(year)) if year else PartialDate.unknown()
        if self.public and not isinstance(record, Person):
            scrubber = self.scrubber()
            for f in fields_of(type(record)):
                value = changes.get(f.name, getattr(record, f.name))
                if isinstance(value, str) and value and not f.metadata.get("ref") and f.name != "id":
                    scrubbed = scrubber.scrub(value)
                    if scrubbed is not value:
                        changes[f.name] = scrubbed
        return dataclasses.replace(record, **changes) if changes else record

    def scrubber(self) -> NameScrubber:
        """The names of every person the public may not see (built on first use)."""
        if self._scrubber is None:
            hidden_person = sa.or_(
                people.c.retracted.is_(True),
                people.c.visibility.notin_(sorted(self.visible)),
                people.c.id.in_(
                    sa.select(person_groups.c.person_id).where(person_groups.c.code.in_(NEVER_PUBLIC_GROUPS))
                ),
                people.c.consent_to_publish.is_(False),
            )
            query = sa.select(person_names.c.value, hidden_person).join(
                people, people.c.id == person_names.c.person_id
            )
            hidden: list[str] = []
            shown: list[str] = []
            for value, is_hidden in self.conn.execute(query):
                (hidden if is_hidden else shown).append(value)
            self._scrubber = NameScrubber(hidden, shown)
        return self._scrubber

    # -- what never leaves -----------------------------------------------------------

    def _withheld_people(self) -> frozenset[str]:
        """People who are public but not to be named: no consent, or relatives of critics."""
        relatives = sa.select(person_groups.c.person_id).where(person_groups.c.code.in_(NEVER_PUBLIC_GROUPS))
        query = sa.select(people.c.id).where(
            sa.or_(people.c.consent_to_publish.is_(False), people.c.id.in_(relatives))
        )
        return frozenset(self.conn.execute(query).scalars())

    def _never_public(self, kind: str, ids: Collection[str]) -> set[str]:
        table = RECORD_TABLES[kind]
        chunk = sorted(ids)
        if kind == "person":
            return set(chunk) & self.withheld_people
        if kind == "source":
            # a source is judged once per gate: popular ones are named on every page of citations
            unknown = [i for i in chunk if i not in self._source_hidden]
            if unknown:
                hidden = self._unpublished_sources(unknown)
                self._source_hidden.update((i, i in hidden) for i in unknown)
            return {i for i in chunk if self._source_hidden[i]}
        if kind == "case":
            query = sa.select(case_people.c.case_id, case_people.c.person_id).where(
                case_people.c.case_id.in_(chunk)
            )
            return _any_not_shown(list(self.conn.execute(query)), self._people_shown)
        if kind == "event":
            query = sa.select(event_participants.c.event_id, event_participants.c.person_id).where(
                event_participants.c.event_id.in_(chunk), event_participants.c.role == "victim"
            )
            return _any_not_shown(list(self.conn.execute(query)), self._people_shown)
        if "person_id" in table.c and self.withheld_people:
            # compared here, not sent as a long IN list bound again on every page of every kind
            query = sa.select(table.c.id, table.c.person_id).where(table.c.id.in_(chunk))
            return {i for i, person_id in self.conn.execute(query) if person_id in self.withheld_people}
        return set()

    def _people_shown(self, ids: Collection[str]) -> set[str]:
        return queries.visible_ids(self.conn, "person", ids, visible=self.visible) - self.withheld_people

    def _unpublished_sources(self, chunk: Sequence[str]) -> set[str]:
        """Sources of a kind never published, or with no published citation of a published record."""
        interviews = sa.select(sources.c.id).where(
            sources.c.id.in_(chunk), sources.c.kind.in_(NEVER_PUBLIC_SOURCE_KINDS)
        )
        unpublished = set(self.conn.execute(interviews).scalars())
        query = sa.select(
            citations.c.source_id, citations.c.target_kind, citations.c.target_id, citations.c.target_field
        ).where(
            citations.c.source_id.in_(chunk),
            citations.c.retracted.is_(False),
            citations.c.visibility.in_(sorted(self.visible)),
        )
        targets: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for source_id, kind, target_id, target_field in self.conn.execute(query):
            if kind in RECORD_TABLES and kind != "source" and not self.field_hidden(kind, target_field):
                targets[kind].append((source_id, target_id))
        cited: set[str] = set()
        for kind, pairs in targets.items():
            shown = self.shown(kind, {target_id for _, target_id in pairs})
            cited.update(source_id for source_id, target_id in pairs if target_id in shown)
        return unpublished | (set(chunk) - cited)

    def _never_public_chunked(self, kind: str, ids: Collection[str]) -> set[str]:
        """`_never_public` a chunk at a time: SQLite binds at most 32,766 values in a statement."""
        ordered, found = sorted(ids), set()
        for start in range(0, len(ordered), CHUNK):
            found |= self._never_public(kind, ordered[start : start + CHUNK])
        return found


def _any_not_shown(pairs: Sequence[tuple[str, str]], people_shown: Any) -> set[str]:
    """Of (record id, person id) pairs, the records naming a person `people_shown` does not return."""
    shown = people_shown({person_id for _, person_id in pairs})
    return {record_id for record_id, person_id in pairs if person_id not in shown}


def _empty(cls: type[Any], name: str) -> Any:
    for f in fields_of(cls):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                return f.default
            return f.default_factory()  # type: ignore[operator]
    raise KeyError(name)


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
    if isinstance(record, Intervention) and record.person_id:
        yield "person", record.person_id, True  # a request about someone hidden says who it was about


def _subjects_shown(record: Record, shown: Mapping[str, set[str]]) -> bool:
    return all(ref_id in shown[kind] for kind, ref_id, subject in _references(record) if subject)


def _without_hidden(record: Any, shown: Mapping[str, set[str]], public: bool) -> Any:
    changes: dict[str, Any] = {}
    for f in fields_of(type(record)):
        kind, value = f.metadata.get("ref"), getattr(record, f.name)
        if kind and isinstance(value, str) and value and value not in shown[kind]:
            changes[f.name] = None
        elif kind and isinstance(value, list):
            changes[f.name] = [ref_id for ref_id in value if ref_id in shown[kind]]
        elif isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            changes[f.name] = [
                _without_hidden(item, shown, public)
                for item in value
                if all(i in shown[k] for k, i, subject in _references(item) if subject)
                and not (public and getattr(item, "role", "") in NEVER_PUBLIC_PARTICIPANT_ROLES)
            ]
    return dataclasses.replace(record, **changes) if changes else record
