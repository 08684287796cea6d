"""The read-only questions the rest of habeas asks: held on a date, timelines, hearings, gaps.

Counts are always recomputed from the dated facts, never stored. "Held on D"
uses the *certainly held* rule: a custody period counts when its start's
latest possible day is on or before D and its end's earliest possible day is
on or after D (or it is still open). Retracted records count nowhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from habeas.domain.dates import PartialDate
from habeas.domain.names import search_key
from habeas.domain.vocabulary import HEARING_EVENT_TYPES, HELD_KINDS, RESTRICTION_KINDS
from habeas.storage.tables import (
    RECORD_TABLES,
    assessments,
    case_people,
    cases,
    charges,
    citations,
    custody_periods,
    event_participants,
    events,
    interventions,
    organisations,
    people,
    person_groups,
    person_names,
    relationships,
    sources,
)

cp = custody_periods
# Kinds of record that state a fact and so should cite a source.
FACT_KINDS = ("person", "custody_period", "charge", "event", "assessment", "relationship", "intervention")


@dataclass(frozen=True)
class HeldPerson:
    id: str
    name: str
    groups: list[str]
    kind: str
    since: str


@dataclass(frozen=True)
class HeldReport:
    """Who was held on a date; `restricted` are people under a travel ban or in exile but not held."""

    date: date
    total: int
    by_group: dict[str, int]
    by_kind: dict[str, int]
    people: list[HeldPerson]
    restricted: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "total": self.total,
            "by_group": self.by_group,
            "by_kind": self.by_kind,
            "people": [vars(p) for p in self.people],
            "restricted": self.restricted,
        }


def covering(day: date) -> ColumnElement[bool]:
    """Custody periods that certainly cover `day` (see the module docstring)."""
    started = sa.or_(
        cp.c.start_latest <= day,
        sa.and_(
            cp.c.start_latest.is_(None), sa.or_(cp.c.start_earliest.is_(None), cp.c.start_earliest <= day)
        ),
    )
    not_ended = sa.or_(cp.c.end.is_(None), cp.c.end_earliest >= day)
    return sa.and_(cp.c.retracted.is_(False), started, not_ended)


def current_periods(day: date, kinds: Iterable[str]) -> sa.Subquery:
    """One row per person (person_id, kind, start): their latest-started period of `kinds` covering `day`."""
    rank = sa.func.row_number().over(
        partition_by=cp.c.person_id, order_by=(cp.c.start_earliest.desc().nulls_last(), cp.c.id.desc())
    )
    ranked = (
        sa.select(cp.c.person_id, cp.c.kind, cp.c.start, rank.label("rank"))
        .join(people, people.c.id == cp.c.person_id)
        .where(covering(day), cp.c.kind.in_(sorted(kinds)), people.c.retracted.is_(False))
        .subquery()
    )
    return sa.select(ranked.c.person_id, ranked.c.kind, ranked.c.start).where(ranked.c.rank == 1).subquery()


def held_on(conn: Connection, day: date) -> HeldReport:
    """Who was held on `day`, with counts by group (a person once per group) and by custody kind."""
    held = current_periods(day, HELD_KINDS)
    first = person_names.alias("first_name")
    rows = conn.execute(
        sa.select(held.c.person_id, held.c.kind, held.c.start, first.c.value)
        .outerjoin(first, sa.and_(first.c.person_id == held.c.person_id, first.c.position == 0))
        .order_by(first.c.search_key, held.c.person_id)
    ).all()
    groups: dict[str, list[str]] = defaultdict(list)
    for person_id, code in conn.execute(
        sa.select(person_groups.c.person_id, person_groups.c.code)
        .join(held, held.c.person_id == person_groups.c.person_id)
        .order_by(person_groups.c.person_id, person_groups.c.position)
    ).all():
        if code not in groups[person_id]:
            groups[person_id].append(code)
    people_held = [
        HeldPerson(pid, name or "", groups[pid], kind, start or "XXXX") for pid, kind, start, name in rows
    ]
    restricted = current_periods(day, RESTRICTION_KINDS)
    restricted_by_kind = conn.execute(
        sa.select(restricted.c.kind, sa.func.count())
        .where(restricted.c.person_id.not_in(sa.select(held.c.person_id)))
        .group_by(restricted.c.kind)
        .order_by(sa.func.count().desc(), restricted.c.kind)
    ).all()
    return HeldReport(
        date=day,
        total=len(people_held),
        by_group=dict(Counter(g for p in people_held for g in p.groups).most_common()),
        by_kind=dict(Counter(p.kind for p in people_held).most_common()),
        people=people_held,
        restricted={
            "total": sum(n for _, n in restricted_by_kind),
            "by_kind": {kind: n for kind, n in restricted_by_kind},
        },
    )


# -- people ---------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    id: str
    name: str
    other_names: list[str]
    groups: list[str]


def search_people(conn: Connection, text: str = "", limit: int = 50, offset: int = 0) -> list[PersonRow]:
    """People any of whose names contain `text` (case- and accent-insensitive); all people if empty."""
    first_name = person_names.alias("first_name")
    ids_query = (
        sa.select(people.c.id)
        .join(first_name, sa.and_(first_name.c.person_id == people.c.id, first_name.c.position == 0))
        .where(people.c.retracted.is_(False))
    )
    if text.strip():
        matching = sa.select(person_names.c.person_id).where(
            # autoescape: a % or _ typed in a name is a character, not a LIKE wildcard
            person_names.c.search_key.contains(search_key(text), autoescape=True)
        )
        ids_query = ids_query.where(people.c.id.in_(matching))
    # Pages follow the order shown: by the first name's search key, then id.
    ordered = ids_query.order_by(first_name.c.search_key, people.c.id).limit(limit).offset(offset)
    ids = list(conn.execute(ordered).scalars())
    names: dict[str, list[str]] = defaultdict(list)
    for pid, value in conn.execute(
        sa.select(person_names.c.person_id, person_names.c.value)
        .where(person_names.c.person_id.in_(ids))
        .order_by(person_names.c.person_id, person_names.c.position)
    ):
        names[pid].append(value)
    groups: dict[str, list[str]] = defaultdict(list)
    for pid, code in conn.execute(
        sa.select(person_groups.c.person_id, person_groups.c.code)
        .where(person_groups.c.person_id.in_(ids))
        .order_by(person_groups.c.person_id, person_groups.c.position)
    ):
        groups[pid].append(code)
    return [PersonRow(pid, names[pid][0] if names[pid] else "", names[pid][1:], groups[pid]) for pid in ids]


# -- timelines ------------------------------------------------------------


@dataclass(frozen=True)
class CitationRef:
    citation_id: str
    source_id: str
    source_title: str
    locator: str
    quote: str


@dataclass
class TimelineLine:
    """One dated line of a person's or a case's story, with the sources behind it."""

    date: PartialDate
    kind: str
    record_id: str
    text: str
    citations: list[CitationRef] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.text,
            "earliest": self.date.earliest.isoformat() if self.date.earliest else None,
            "latest": self.date.latest.isoformat() if self.date.latest else None,
            "kind": self.kind,
            "record_id": self.record_id,
            "text": self.text,
            "citations": [vars(c) for c in self.citations],
        }


def _pd(text: str | None) -> PartialDate:
    return PartialDate.parse(text) if text else PartialDate.unknown()


def _org_names(conn: Connection) -> dict[str, str]:
    # Rows unpack directly; Result.tuples() is deprecated in SQLAlchemy 2.1.
    return {
        org_id: name for org_id, name in conn.execute(sa.select(organisations.c.id, organisations.c.name))
    }


def _custody_lines(conn: Connection, where: ColumnElement[bool], orgs: dict[str, str]) -> list[TimelineLine]:
    lines = []
    for row in conn.execute(sa.select(cp).where(where, cp.c.retracted.is_(False))):
        place = orgs.get(row.facility_id or "", row.place)
        at = f" at {place}" if place else ""
        lines.append(TimelineLine(_pd(row.start), "custody_period", row.id, f"{row.kind} begins{at}"))
        if row.end is not None:
            lines.append(TimelineLine(_pd(row.end), "custody_period", row.id, f"{row.kind} ends"))
    return lines


def _charge_lines(conn: Connection, where: ColumnElement[bool]) -> list[TimelineLine]:
    query = sa.select(charges).where(where, charges.c.retracted.is_(False))
    return [
        TimelineLine(
            _pd(r.brought),
            "charge",
            r.id,
            f"charge {r.code} {r.article}"
            + (f" ({r.label})" if r.label else "")
            + f": {r.status}"
            + (f", sentence {r.sentence}" if r.sentence else ""),
        )
        for r in conn.execute(query)
    ]


def _event_lines(conn: Connection, event_ids: sa.Select[tuple[str]], prefix: str = "") -> list[TimelineLine]:
    query = sa.select(events).where(events.c.id.in_(event_ids), events.c.retracted.is_(False))
    lines = []
    for r in conn.execute(query):
        details = [
            d for d in (r.outcome, r.monitoring_outcome and f"monitoring: {r.monitoring_outcome}") if d
        ]
        text = prefix + r.type + (f" ({'; '.join(details)})" if details else "")
        lines.append(TimelineLine(_pd(r.date), "event", r.id, text))
    return lines


def person_timeline(conn: Connection, person_id: str) -> list[TimelineLine]:
    """Every dated fact about a person, and reprisals against their relatives, oldest first."""
    orgs = _org_names(conn)
    lines = _custody_lines(conn, cp.c.person_id == person_id, orgs)
    lines += _charge_lines(conn, charges.c.person_id == person_id)
    own_events = sa.select(event_participants.c.event_id).where(event_participants.c.person_id == person_id)
    lines += _event_lines(conn, own_events)
    for r in conn.execute(
        sa.select(interventions).where(
            interventions.c.person_id == person_id, interventions.c.retracted.is_(False)
        )
    ):
        lines.append(TimelineLine(_pd(r.date), "intervention", r.id, f"{r.kind} by {r.actor}: {r.response}"))
    for r in conn.execute(
        sa.select(assessments).where(assessments.c.person_id == person_id, assessments.c.retracted.is_(False))
    ):
        lines.append(TimelineLine(_pd(r.decided_on), "assessment", r.id, f"assessed: {r.conclusion}"))
    lines += _relative_lines(conn, person_id)
    return _with_citations(conn, lines)


def _relative_lines(conn: Connection, person_id: str) -> list[TimelineLine]:
    """Events whose victim is a relative (or other related person) of `person_id`."""
    rel = relationships
    live = rel.c.retracted.is_(False)
    pairs = conn.execute(
        sa.union_all(
            sa.select(rel.c.other_person_id, rel.c.type).where(rel.c.person_id == person_id, live),
            sa.select(rel.c.person_id, rel.c.type).where(rel.c.other_person_id == person_id, live),
        )
    ).all()
    lines: list[TimelineLine] = []
    for other_id, rel_type in pairs:
        victim_events = sa.select(event_participants.c.event_id).where(
            event_participants.c.person_id == other_id, event_participants.c.role == "victim"
        )
        lines += _event_lines(conn, victim_events, prefix=f"relative ({rel_type}): ")
    return lines


def case_timeline(conn: Connection, case_id: str) -> list[TimelineLine]:
    """Every dated fact recorded against a case, oldest first."""
    lines = _custody_lines(conn, cp.c.case_id == case_id, _org_names(conn))
    lines += _charge_lines(conn, charges.c.case_id == case_id)
    lines += _event_lines(conn, sa.select(events.c.id).where(events.c.case_id == case_id))
    return _with_citations(conn, lines)


def citations_of(conn: Connection, ids: Sequence[str]) -> dict[str, list[CitationRef]]:
    """The live citations of each of these record ids, with their source's title."""
    out: dict[str, list[CitationRef]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        query = (
            sa.select(
                citations.c.id,
                citations.c.target_id,
                sources.c.id,
                sources.c.title,
                citations.c.locator,
                citations.c.quote,
            )
            .join(sources, sources.c.id == citations.c.source_id)
            .where(
                citations.c.target_id.in_(ids[start : start + 500]),
                citations.c.retracted.is_(False),
                sources.c.retracted.is_(False),
            )
            .order_by(citations.c.id)
        )
        for cit_id, target, source_id, title, locator, quote in conn.execute(query):
            out[target].append(CitationRef(cit_id, source_id, title, locator, quote))
    return out


def _with_citations(conn: Connection, lines: list[TimelineLine]) -> list[TimelineLine]:
    cited = citations_of(conn, sorted({line.record_id for line in lines}))
    for line in lines:
        line.citations = cited.get(line.record_id, [])
    return sorted(lines, key=lambda line: (line.date.sort_key(), line.kind, line.record_id))


# -- hearings and terms -----------------------------------------------------


@dataclass(frozen=True)
class HearingRow:
    id: str
    type: str
    date: str
    scheduled_at: datetime | None
    court: str
    case: str
    people: list[str]
    monitoring_outcome: str


def hearings_between(conn: Connection, first: date, last: date) -> list[HearingRow]:
    """Hearings scheduled (or, without a time, dated) from `first` to `last` inclusive."""
    start, stop = (
        datetime.combine(first, datetime.min.time()),
        datetime.combine(last + timedelta(days=1), datetime.min.time()),
    )
    when = sa.or_(
        sa.and_(events.c.scheduled_at >= start, events.c.scheduled_at < stop),
        sa.and_(
            events.c.scheduled_at.is_(None), events.c.date_earliest >= first, events.c.date_latest <= last
        ),
    )
    query = (
        sa.select(
            events.c.id,
            events.c.type,
            events.c.date,
            events.c.scheduled_at,
            organisations.c.name,
            cases.c.title,
            events.c.monitoring_outcome,
        )
        .outerjoin(organisations, organisations.c.id == events.c.organisation_id)
        .outerjoin(cases, cases.c.id == events.c.case_id)
        .where(events.c.type.in_(sorted(HEARING_EVENT_TYPES)), events.c.retracted.is_(False), when)
    )
    rows = conn.execute(query).all()
    victims = _participant_names(conn, [r[0] for r in rows])
    hearings = [
        HearingRow(r[0], r[1], r[2] or "", r[3], r[4] or "", r[5] or "", victims.get(r[0], []), r[6])
        for r in rows
    ]
    return sorted(hearings, key=lambda h: (h.scheduled_at or datetime.min, h.date, h.id))


def _participant_names(conn: Connection, event_ids: Sequence[str]) -> dict[str, list[str]]:
    query = (
        sa.select(event_participants.c.event_id, person_names.c.value)
        .join(
            person_names,
            sa.and_(person_names.c.person_id == event_participants.c.person_id, person_names.c.position == 0),
        )
        .where(event_participants.c.event_id.in_(event_ids), event_participants.c.role == "victim")
        .order_by(event_participants.c.event_id, event_participants.c.position)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for event_id, name in conn.execute(query):
        out[event_id].append(name)
    return out


@dataclass(frozen=True)
class TermRow:
    custody_id: str
    person_id: str
    name: str
    kind: str
    authorised_until: date


def terms_ending(conn: Connection, today: date, within_days: int = 14) -> list[TermRow]:
    """Open custody periods whose authorised term ends from `today` to `today + within_days`."""
    query = (
        sa.select(cp.c.id, cp.c.person_id, person_names.c.value, cp.c.kind, cp.c.authorised_until)
        .join(person_names, sa.and_(person_names.c.person_id == cp.c.person_id, person_names.c.position == 0))
        .where(
            cp.c.retracted.is_(False),
            cp.c.end.is_(None),
            cp.c.authorised_until.between(today, today + timedelta(days=within_days)),
        )
        .order_by(cp.c.authorised_until, cp.c.id)
    )
    return [TermRow(*row) for row in conn.execute(query)]


# -- gaps ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnsourcedFact:
    kind: str
    id: str


def unsourced(conn: Connection, kinds: Sequence[str] = FACT_KINDS) -> list[UnsourcedFact]:
    """Live facts that no live citation of a live source supports."""
    out: list[UnsourcedFact] = []
    for kind in kinds:
        table = RECORD_TABLES[kind]
        # As in citations_of: a citation of a retracted source supports nothing.
        cited = (
            sa.select(citations.c.target_id)
            .join(sources, sources.c.id == citations.c.source_id)
            .where(
                citations.c.target_kind == kind,
                citations.c.retracted.is_(False),
                sources.c.retracted.is_(False),
            )
        )
        query = (
            sa.select(table.c.id)
            .where(table.c.retracted.is_(False), table.c.id.not_in(cited))
            .order_by(table.c.id)
        )
        out.extend(UnsourcedFact(kind, record_id) for record_id in conn.execute(query).scalars())
    return out


def case_members(conn: Connection, case_id: str) -> list[str]:
    query = (
        sa.select(case_people.c.person_id)
        .where(case_people.c.case_id == case_id)
        .order_by(case_people.c.position)
    )
    return list(conn.execute(query).scalars())
