"""The rows duplicate detection compares: one per live person, read from the store.

Columns (the names `habeas.linkage.dedupe.HABEAS_SPECS` and `HABEAS_BLOCKING` use):
`unique_id`; `surname`, `given`, `patronymic` (normalised with habeas.linkage.names, from the
person's first name with any part, even a patronymic alone) and `surname_ph`, `given_ph` (their
phonetic keys, for blocking); `birth_year` (when the birth date is known to the year); `groups`;
`arrest_date` (the first arrest, or the start of the first custody period: `YYYY-MM-DD`,
`YYYY-MM` or `YYYY` as precisely as known) and `arrest_month`; `facilities` and `facility` (the
first one); `charges` (`CC 206.3.2`). Unknown values are None, empty lists None too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.linkage.names import key, parse, phonetic
from habeas.storage.tables import (
    charges,
    citations,
    custody_periods,
    event_participants,
    events,
    people,
    person_groups,
    person_names,
)

__all__ = ["first_names", "name_columns", "people_rows", "source_people"]


def name_columns(names: Iterable[str]) -> dict[str, str | None]:
    """The name columns of a row, from the first of `names` with any part (even a patronymic alone)."""
    for written in names:
        parsed = parse(written)
        if not parsed.is_empty:
            given = parsed.given[0] if parsed.given else None
            return {
                "surname": key(parsed.surname) if parsed.surname else None,
                "given": key(given) if given else None,
                "patronymic": parsed.patronymic_key,
                "surname_ph": phonetic(parsed.surname) if parsed.surname else None,
                "given_ph": phonetic(given) if given else None,
            }
    return {"surname": None, "given": None, "patronymic": None, "surname_ph": None, "given_ph": None}


def people_rows(conn: Connection, only: set[str] | None = None) -> list[dict[str, Any]]:
    """One row per live (not retracted) person of every visibility; only those in `only` if given."""
    query = sa.select(people.c.id, people.c.birth_date_earliest, people.c.birth_date_latest).where(
        people.c.retracted.is_(False)
    )
    found = conn.execute(query.order_by(people.c.id)).all()
    ids = [row.id for row in found if only is None or row.id in only]
    if not ids:
        return []
    names = _many(
        conn, sa.select(person_names.c.person_id, person_names.c.value).order_by(person_names.c.position)
    )
    groups = _many(
        conn, sa.select(person_groups.c.person_id, person_groups.c.code).order_by(person_groups.c.position)
    )
    facilities, custody_starts = _custody(conn)
    arrests = _arrests(conn)
    charged = _charges(conn)
    births = {row.id: _year(row.birth_date_earliest, row.birth_date_latest) for row in found}
    rows = []
    for person_id in ids:
        arrest = arrests.get(person_id) or custody_starts.get(person_id)
        held_in = facilities.get(person_id, [])
        rows.append(
            {
                "unique_id": person_id,
                **name_columns(names.get(person_id, [])),
                "birth_year": births[person_id],
                "groups": sorted(set(groups.get(person_id, []))) or None,
                "arrest_date": arrest,
                "arrest_month": arrest[:7] if arrest and len(arrest) >= 7 else None,
                "facilities": sorted(set(held_in)) or None,
                "facility": held_in[0] if held_in else None,
                "charges": sorted(set(charged.get(person_id, []))) or None,
            }
        )
    return rows


def source_people(conn: Connection, source_id: str) -> set[str]:
    """The people a source reports: cited themselves, or through a cited custody period, event or charge."""
    cited = conn.execute(
        sa.select(citations.c.target_kind, citations.c.target_id).where(
            citations.c.source_id == source_id, citations.c.retracted.is_(False)
        )
    ).all()
    found = {target for kind, target in cited if kind == "person"}
    for kind, table in (("custody_period", custody_periods), ("charge", charges)):
        targets = [target for k, target in cited if k == kind]
        if targets:
            found |= set(conn.execute(sa.select(table.c.person_id).where(table.c.id.in_(targets))).scalars())
    event_ids = [target for k, target in cited if k == "event"]
    if event_ids:
        query = sa.select(event_participants.c.person_id).where(event_participants.c.event_id.in_(event_ids))
        found |= set(conn.execute(query).scalars())
    return found


def _many(conn: Connection, query: Any) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for person_id, value in conn.execute(query):
        grouped[person_id].append(value)
    return grouped


def _year(earliest: date | None, latest: date | None) -> int | None:
    return earliest.year if earliest and latest and earliest.year == latest.year else None


def _precise(earliest: date | None, latest: date | None) -> str | None:
    """A partial date as text to the precision known: day, month or year; None if vaguer."""
    if earliest is None or latest is None:
        return None
    if earliest == latest:
        return earliest.isoformat()
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return earliest.isoformat()[:7]
    return str(earliest.year) if earliest.year == latest.year else None


def _custody(conn: Connection) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Per person: the facilities held in (first custody first), and the start of the first custody."""
    query = (
        sa.select(
            custody_periods.c.person_id,
            custody_periods.c.facility_id,
            custody_periods.c.start_earliest,
            custody_periods.c.start_latest,
        )
        .where(custody_periods.c.retracted.is_(False))
        .order_by(custody_periods.c.person_id, custody_periods.c.start_earliest)
    )
    facilities: dict[str, list[str]] = defaultdict(list)
    starts: dict[str, str] = {}
    for person_id, facility, earliest, latest in conn.execute(query):
        if facility:
            facilities[person_id].append(facility)
        start = _precise(earliest, latest)
        if start and person_id not in starts:
            starts[person_id] = start
    return facilities, starts


def _arrests(conn: Connection) -> dict[str, str]:
    query = (
        sa.select(event_participants.c.person_id, events.c.date_earliest, events.c.date_latest)
        .join(events, events.c.id == event_participants.c.event_id)
        .where(events.c.type == "arrest", events.c.retracted.is_(False))
        .order_by(event_participants.c.person_id, events.c.date_earliest)
    )
    first: dict[str, str] = {}
    for person_id, earliest, latest in conn.execute(query):
        day = _precise(earliest, latest)
        if day and person_id not in first:
            first[person_id] = day
    return first


def _charges(conn: Connection) -> dict[str, list[str]]:
    query = sa.select(charges.c.person_id, charges.c.code, charges.c.article).where(
        charges.c.retracted.is_(False)
    )
    found: dict[str, list[str]] = defaultdict(list)
    for person_id, code, article in conn.execute(query):
        found[person_id].append(f"{code} {article}".strip())
    return found


def first_names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """Each person's first name, as shown in lists."""
    wanted = sorted(set(ids))
    query = sa.select(person_names.c.person_id, person_names.c.value).where(
        person_names.c.position == 0, person_names.c.person_id.in_(wanted)
    )
    return {person_id: value for person_id, value in conn.execute(query)} if wanted else {}
