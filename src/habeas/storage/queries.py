"""The read-only questions the rest of habeas asks: held on a date, timelines, hearings, lists, gaps.

Counts are always recomputed from the dated facts, never stored. "Held on D"
uses the *certainly held* rule: a custody period counts when its start's
latest possible day is on or before D and its end's earliest possible day is
on or after D (or it is still open). Retracted records count nowhere.

Every query takes `visible`, the record visibilities the caller may see (the
web app passes the signed-in role's; the command line sees all): a record of
any other visibility is never returned, counted or used to name anyone.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from habeas.domain.dates import PartialDate
from habeas.domain.names import search_key, skeleton
from habeas.domain.vocabulary import HEARING_EVENT_TYPES, HELD_KINDS, RESTRICTION_KINDS
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage.tables import (
    RECORD_TABLES,
    affiliations,
    assessments,
    case_people,
    cases,
    charges,
    citations,
    context_periods,
    custody_periods,
    event_participants,
    events,
    interventions,
    organisations,
    people,
    person_groups,
    person_names,
    record_versions,
    relationships,
    sources,
)

cp = custody_periods
# Kinds of record that state a fact and so should cite a source.
FACT_KINDS = ("person", "custody_period", "charge", "event", "assessment", "relationship", "intervention")
UNKNOWN_DATE = PartialDate.unknown().text  # shown as nothing in a list's detail
# SQLite allows at most 32,766 bound parameters per statement; lists of ids go in chunks of this size.
ID_CHUNK = 500


def _in_view(table: sa.FromClause, visible: Collection[str]) -> ColumnElement[bool]:
    """Rows of `table` whose visibility is in `visible` (retracted or not)."""
    if ALL_VISIBILITY <= set(visible):
        return sa.true()  # every visibility: no condition, so the plans stay those of an unfiltered query
    return table.c.visibility.in_(sorted(visible))


def _shown(table: sa.FromClause, visible: Collection[str]) -> ColumnElement[bool]:
    """Rows of `table` that are live (not retracted) and of a visibility in `visible`."""
    return sa.and_(table.c.retracted.is_(False), _in_view(table, visible))


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]


def _table(kind: str) -> sa.Table:
    if kind not in RECORD_TABLES:
        raise ValidationError("kind", kind, f"use one of: {', '.join(RECORD_TABLES)}")
    return RECORD_TABLES[kind]


def visible_ids(
    conn: Connection, kind: str, ids: Iterable[str], *, visible: Collection[str] = ALL_VISIBILITY
) -> set[str]:
    """Those of `ids` that name a live record of `kind` whose visibility is in `visible`.

    A record about a person (a custody period, a charge, a relationship…) counts
    only when the people it is about are live and visible too.
    """
    table = _table(kind)
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        query = sa.select(table.c.id).where(
            table.c.id.in_(chunk), _shown(table, visible), _of_shown_people(table, visible)
        )
        found.update(conn.execute(query).scalars())
    return found


def _of_shown_people(table: sa.Table, visible: Collection[str]) -> ColumnElement[bool]:
    """Rows of `table` whose person (both people, for a relationship), where it names one, is shown."""
    shown = sa.select(people.c.id).where(_shown(people, visible))
    columns = [table.c[name] for name in ("person_id", "other_person_id") if name in table.c]
    return sa.and_(sa.true(), *(sa.or_(column.is_(None), column.in_(shown)) for column in columns))


def _is_in_view(conn: Connection, table: sa.Table, record_id: str, visible: Collection[str]) -> bool:
    query = sa.select(table.c.id).where(table.c.id == record_id, _in_view(table, visible))
    return conn.execute(query).first() is not None


# -- held on a date ----------------------------------------------------------------


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


def current_periods(
    day: date, kinds: Iterable[str], *, visible: Collection[str] = ALL_VISIBILITY
) -> sa.Subquery:
    """One row per person (person_id, kind, start): their latest-started period of `kinds` covering `day`.

    Only visible periods of live, visible people count.
    """
    rank = sa.func.row_number().over(
        partition_by=cp.c.person_id, order_by=(cp.c.start_earliest.desc().nulls_last(), cp.c.id.desc())
    )
    ranked = (
        sa.select(cp.c.person_id, cp.c.kind, cp.c.start, rank.label("rank"))
        .join(people, people.c.id == cp.c.person_id)
        .where(
            covering(day),
            cp.c.kind.in_(sorted(kinds)),
            _in_view(cp, visible),
            _shown(people, visible),
        )
        .subquery()
    )
    return sa.select(ranked.c.person_id, ranked.c.kind, ranked.c.start).where(ranked.c.rank == 1).subquery()


def held_on(conn: Connection, day: date, *, visible: Collection[str] = ALL_VISIBILITY) -> HeldReport:
    """Who was held on `day`, with counts by group (a person once per group) and by custody kind."""
    held = current_periods(day, HELD_KINDS, visible=visible)
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
    restricted = current_periods(day, RESTRICTION_KINDS, visible=visible)
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


def held_per_month(
    conn: Connection, first: date, last: date, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[tuple[date, int]]:
    """For each month from `first`'s to `last`'s, the number of people held on its first day.

    The same count as `held_on(conn, day).total` for each of those days, from one
    query: the held periods are read once and swept in Python.
    """
    days = _month_starts(first, last)
    if not days:
        return []
    # The kind is tested below, not in SQL: over years most periods qualify, and reading the
    # table straight through beats SQLite's choice of the kind index, which then fetches row by row.
    query = (
        sa.select(
            cp.c.person_id, cp.c.kind, cp.c.start_earliest, cp.c.start_latest, cp.c.end, cp.c.end_earliest
        )
        .join(people, people.c.id == cp.c.person_id)
        .where(
            _shown(cp, visible),
            _shown(people, visible),
            # Only to read fewer rows; _certain_days applies the rule itself.
            sa.or_(cp.c.start_latest.is_(None), cp.c.start_latest <= days[-1]),
            sa.or_(cp.c.end.is_(None), cp.c.end_earliest >= days[0]),
        )
    )
    # Per person, the [lo, hi) ranges of indexes into `days` that a period certainly covers.
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    result = conn.execution_options(yield_per=10_000).execute(query)
    for rows in result.partitions():
        for person_id, kind, start_earliest, start_latest, end, end_earliest in rows:
            certain = _certain_days(start_earliest, start_latest, end, end_earliest)
            if kind not in HELD_KINDS or certain is None:
                continue
            lo, hi = bisect.bisect_left(days, certain[0]), bisect.bisect_right(days, certain[1])
            if lo < hi:
                spans[person_id].append((lo, hi))
    # A person counts once a day however many periods cover it: merge their ranges first.
    change = [0] * (len(days) + 1)
    for ranges in spans.values():
        ranges.sort()
        lo, hi = ranges[0]
        for next_lo, next_hi in ranges[1:]:
            if next_lo > hi:
                change[lo] += 1
                change[hi] -= 1
                lo, hi = next_lo, next_hi
            else:
                hi = max(hi, next_hi)
        change[lo] += 1
        change[hi] -= 1
    return list(zip(days, itertools.accumulate(change[:-1]), strict=True))


def _month_starts(first: date, last: date) -> list[date]:
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(months)
    ]


def _certain_days(
    start_earliest: date | None, start_latest: date | None, end: str | None, end_earliest: date | None
) -> tuple[date, date] | None:
    """The first and last day a custody period certainly covers, as `covering` decides; None if none."""
    if end is None:
        ends = date.max  # still open
    elif end_earliest is None:
        return None  # an end nobody knows could be any day
    else:
        ends = end_earliest
    if start_latest is not None:
        return start_latest, ends
    return (start_earliest if start_earliest is not None else date.min), ends


# -- people ---------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    id: str
    name: str
    other_names: list[str]
    groups: list[str]


_first_name = person_names.alias("first_name")


def search_people(
    conn: Connection,
    text: str = "",
    limit: int = 50,
    offset: int = 0,
    *,
    visible: Collection[str] = ALL_VISIBILITY,
    group: str | None = None,
    kind: str | None = None,
    held_on: date | None = None,
    case_id: str | None = None,
    organisation_id: str | None = None,
) -> list[PersonRow]:
    """A page of the live, visible people that `text` and every filter given select, by first name.

    text: any of their names contains it, by `search_key` (case and accents
      aside) or by `skeleton` (across scripts and spellings: Мамедли finds Məmmədli).
    group: they are in that group.
    kind: a visible custody period of that kind, certainly covering `held_on`
      if given, else at any time.
    held_on (without kind): held (any of HELD_KINDS) on that day, as `held_on` counts.
    case_id: a member of that case (a visible one).
    organisation_id: affiliated with that (visible) organisation, or held in it as a facility.
    A filter that is None (or empty) selects everyone.
    """
    matching = _people_matching(text, visible, group, kind, held_on, case_id, organisation_id)
    # Pages follow the order shown: by the first name's search key, then id.
    ordered = matching.order_by(_first_name.c.search_key, people.c.id).limit(limit).offset(offset)
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


def count_people(
    conn: Connection,
    text: str = "",
    *,
    visible: Collection[str] = ALL_VISIBILITY,
    group: str | None = None,
    kind: str | None = None,
    held_on: date | None = None,
    case_id: str | None = None,
    organisation_id: str | None = None,
) -> int:
    """How many people `search_people` with the same arguments finds on all its pages together."""
    matching = _people_matching(text, visible, group, kind, held_on, case_id, organisation_id)
    return int(conn.execute(sa.select(sa.func.count()).select_from(matching.subquery())).scalar_one())


def _people_matching(
    text: str,
    visible: Collection[str],
    group: str | None,
    kind: str | None,
    held_on: date | None,
    case_id: str | None,
    organisation_id: str | None,
) -> sa.Select[str]:
    """The ids of the people `search_people` and `count_people` find, unordered (the one WHERE clause)."""
    query = (
        sa.select(people.c.id)
        .join(_first_name, sa.and_(_first_name.c.person_id == people.c.id, _first_name.c.position == 0))
        .where(_shown(people, visible))
    )
    key, bones = search_key(text), skeleton(text)
    if key:
        # autoescape: a % or _ typed in a name is a character, not a LIKE wildcard
        spelled = person_names.c.search_key.contains(key, autoescape=True)
        if bones:
            spelled = sa.or_(spelled, person_names.c.skeleton.contains(bones, autoescape=True))
        query = query.where(people.c.id.in_(sa.select(person_names.c.person_id).where(spelled)))
    if group:
        query = query.where(
            people.c.id.in_(sa.select(person_groups.c.person_id).where(person_groups.c.code == group))
        )
    if kind or held_on is not None:
        periods = sa.select(cp.c.person_id).where(
            _shown(cp, visible), cp.c.kind.in_([kind] if kind else sorted(HELD_KINDS))
        )
        if held_on is not None:
            periods = periods.where(covering(held_on))
        query = query.where(people.c.id.in_(periods))
    if case_id:
        members = (
            sa.select(case_people.c.person_id)
            .join(cases, cases.c.id == case_people.c.case_id)
            .where(case_people.c.case_id == case_id, _shown(cases, visible))
        )
        query = query.where(people.c.id.in_(members))
    if organisation_id:
        known = sa.select(organisations.c.id).where(
            organisations.c.id == organisation_id, _shown(organisations, visible)
        )
        affiliated = sa.select(affiliations.c.person_id).where(
            affiliations.c.organisation_id == organisation_id, _shown(affiliations, visible)
        )
        held_there = sa.select(cp.c.person_id).where(cp.c.facility_id == organisation_id, _shown(cp, visible))
        query = query.where(known.exists(), sa.or_(people.c.id.in_(affiliated), people.c.id.in_(held_there)))
    return query


@dataclass(frozen=True)
class _PersonRecords:
    """How a person's records of one kind are found and ordered: the table, its person and date columns."""

    table: sa.Table
    person_columns: tuple[str, ...]
    date: str


_PERSON_RECORDS: dict[str, _PersonRecords] = {
    "custody_period": _PersonRecords(custody_periods, ("person_id",), "start"),
    "charge": _PersonRecords(charges, ("person_id",), "brought"),
    "assessment": _PersonRecords(assessments, ("person_id",), "decided_on"),
    "intervention": _PersonRecords(interventions, ("person_id",), "date"),
    "affiliation": _PersonRecords(affiliations, ("person_id",), "start"),
    # a relationship is the person's whichever side they are on
    "relationship": _PersonRecords(relationships, ("person_id", "other_person_id"), "start"),
}


def person_record_ids(
    conn: Connection, person_id: str, kind: str, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[str]:
    """The ids of a person's live, visible records of `kind`, oldest first (unknown dates first).

    `kind` is custody_period, charge, assessment, intervention, affiliation or
    relationship; a relationship counts only when the other person is live and
    visible too. Nothing when the person is not visible.
    """
    if kind not in _PERSON_RECORDS:
        raise ValidationError("kind", kind, f"use one of: {', '.join(_PERSON_RECORDS)}")
    spec = _PERSON_RECORDS[kind]
    table = spec.table
    if not _is_in_view(conn, people, person_id, visible):
        return []
    query = sa.select(table.c.id).where(
        _shown(table, visible), sa.or_(*(table.c[column] == person_id for column in spec.person_columns))
    )
    if kind == "relationship":
        other = sa.case((table.c.person_id == person_id, table.c.other_person_id), else_=table.c.person_id)
        query = query.where(other.in_(sa.select(people.c.id).where(_shown(people, visible))))
    earliest, latest = table.c[f"{spec.date}_earliest"], table.c[f"{spec.date}_latest"]
    ordered = query.order_by(earliest.asc().nulls_first(), latest.asc().nulls_last(), table.c.id)
    return list(conn.execute(ordered).scalars())


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
    # What `text` says, as a phrase name and its values (vocabulary codes stay codes), so
    # that the web app can say it in the reader's language; see habeas.web.i18n.timeline_text.
    phrase: str = ""
    values: dict[str, str] = field(default_factory=dict)

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


def _custody_lines(
    conn: Connection, where: ColumnElement[bool], visible: Collection[str]
) -> list[TimelineLine]:
    # An invisible facility is not named; the period's own place text is shown instead.
    facility = sa.and_(organisations.c.id == cp.c.facility_id, _in_view(organisations, visible))
    query = (
        sa.select(cp, organisations.c.name.label("facility_name"))
        .outerjoin(organisations, facility)
        .where(where, _shown(cp, visible))
    )
    lines = []
    for row in conn.execute(query):
        place = row.facility_name if row.facility_name is not None else row.place
        at = f" at {place}" if place else ""
        begins = {"kind": row.kind, "place": place or ""}
        lines.append(
            TimelineLine(
                _pd(row.start),
                "custody_period",
                row.id,
                f"{row.kind} begins{at}",
                [],
                "custody_begins",
                begins,
            )
        )
        if row.end is not None:
            ends = {"kind": row.kind}
            lines.append(
                TimelineLine(
                    _pd(row.end), "custody_period", row.id, f"{row.kind} ends", [], "custody_ends", ends
                )
            )
    return lines


def _charge_lines(
    conn: Connection, where: ColumnElement[bool], visible: Collection[str]
) -> list[TimelineLine]:
    query = sa.select(charges).where(where, _shown(charges, visible))
    return [
        TimelineLine(
            _pd(r.brought),
            "charge",
            r.id,
            f"charge {r.code} {r.article}"
            + (f" ({r.label})" if r.label else "")
            + f": {r.status}"
            + (f", sentence {r.sentence}" if r.sentence else ""),
            [],
            "charge",
            {
                "reference": f"{r.code} {r.article}",
                "label": r.label or "",
                "status": r.status,
                "sentence": r.sentence or "",
            },
        )
        for r in conn.execute(query)
    ]


def _event_lines(
    conn: Connection, event_ids: sa.Select[str], visible: Collection[str], relation: str = ""
) -> list[TimelineLine]:
    query = sa.select(events).where(events.c.id.in_(event_ids), _shown(events, visible))
    lines = []
    for r in conn.execute(query):
        details = [
            d for d in (r.outcome, r.monitoring_outcome and f"monitoring: {r.monitoring_outcome}") if d
        ]
        prefix = f"relative ({relation}): " if relation else ""
        text = prefix + r.type + (f" ({'; '.join(details)})" if details else "")
        values = {
            "type": r.type,
            "outcome": r.outcome or "",
            "monitoring": r.monitoring_outcome or "",
            "relation": relation,
        }
        lines.append(TimelineLine(_pd(r.date), "event", r.id, text, [], "event", values))
    return lines


def person_timeline(
    conn: Connection, person_id: str, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[TimelineLine]:
    """Every dated, visible fact about a person, and reprisals against their relatives, oldest first.

    Nothing when the person is not visible.
    """
    if not _is_in_view(conn, people, person_id, visible):
        return []
    lines = _custody_lines(conn, cp.c.person_id == person_id, visible)
    lines += _charge_lines(conn, charges.c.person_id == person_id, visible)
    own_events = sa.select(event_participants.c.event_id).where(event_participants.c.person_id == person_id)
    lines += _event_lines(conn, own_events, visible)
    for r in conn.execute(
        sa.select(interventions).where(interventions.c.person_id == person_id, _shown(interventions, visible))
    ):
        values = {"kind": r.kind, "actor": r.actor, "response": r.response}
        text = f"{r.kind} by {r.actor}: {r.response}"
        lines.append(TimelineLine(_pd(r.date), "intervention", r.id, text, [], "intervention", values))
    for r in conn.execute(
        sa.select(assessments).where(assessments.c.person_id == person_id, _shown(assessments, visible))
    ):
        text, values = f"assessed: {r.conclusion}", {"conclusion": r.conclusion}
        lines.append(TimelineLine(_pd(r.decided_on), "assessment", r.id, text, [], "assessment", values))
    lines += _relative_lines(conn, person_id, visible)
    return _with_citations(conn, lines, visible)


def _relative_lines(conn: Connection, person_id: str, visible: Collection[str]) -> list[TimelineLine]:
    """Events whose victim is a relative (or other related person) of `person_id`, both visible."""
    rel = relationships
    live = _shown(rel, visible)
    seen_people = sa.select(people.c.id).where(_shown(people, visible))
    pairs = conn.execute(
        sa.union_all(
            sa.select(rel.c.other_person_id, rel.c.type).where(
                rel.c.person_id == person_id, live, rel.c.other_person_id.in_(seen_people)
            ),
            sa.select(rel.c.person_id, rel.c.type).where(
                rel.c.other_person_id == person_id, live, rel.c.person_id.in_(seen_people)
            ),
        )
    ).all()
    lines: list[TimelineLine] = []
    for other_id, rel_type in pairs:
        victim_events = sa.select(event_participants.c.event_id).where(
            event_participants.c.person_id == other_id, event_participants.c.role == "victim"
        )
        lines += _event_lines(conn, victim_events, visible, relation=rel_type)
    return lines


def case_timeline(
    conn: Connection, case_id: str, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[TimelineLine]:
    """Every dated, visible fact recorded against a case, oldest first; nothing when the case is not visible.

    Custody and charges show only for live, visible people.
    """
    if not _is_in_view(conn, cases, case_id, visible):
        return []
    seen_people = sa.select(people.c.id).where(_shown(people, visible))
    lines = _custody_lines(
        conn,
        sa.and_(cp.c.case_id == case_id, cp.c.person_id.in_(seen_people)),
        visible,
    )
    lines += _charge_lines(
        conn, sa.and_(charges.c.case_id == case_id, charges.c.person_id.in_(seen_people)), visible
    )
    lines += _event_lines(conn, sa.select(events.c.id).where(events.c.case_id == case_id), visible)
    return _with_citations(conn, lines, visible)


def citations_of(
    conn: Connection, ids: Sequence[str], *, visible: Collection[str] = ALL_VISIBILITY
) -> dict[str, list[CitationRef]]:
    """The live, visible citations of each of these record ids whose source is live and visible too."""
    out: dict[str, list[CitationRef]] = defaultdict(list)
    for chunk in _chunks(ids):
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
            .where(citations.c.target_id.in_(chunk), _shown(citations, visible), _shown(sources, visible))
            .order_by(citations.c.id)
        )
        for cit_id, target, source_id, title, locator, quote in conn.execute(query):
            out[target].append(CitationRef(cit_id, source_id, title, locator, quote))
    return out


def _with_citations(
    conn: Connection, lines: list[TimelineLine], visible: Collection[str]
) -> list[TimelineLine]:
    cited = citations_of(conn, sorted({line.record_id for line in lines}), visible=visible)
    for line in lines:
        line.citations = cited.get(line.record_id, [])
    return sorted(lines, key=lambda line: (line.date.sort_key(), line.kind, line.record_id))


@dataclass(frozen=True)
class CitingRow:
    """A citation of a source, and the record it supports."""

    citation_id: str
    target_kind: str
    target_id: str
    locator: str
    quote: str


def records_citing(
    conn: Connection, source_id: str, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[CitingRow]:
    """The live, visible citations of a live, visible source, whose target is live and visible."""
    if not visible_ids(conn, "source", [source_id], visible=visible):
        return []
    query = (
        sa.select(
            citations.c.id,
            citations.c.target_kind,
            citations.c.target_id,
            citations.c.locator,
            citations.c.quote,
        )
        .where(citations.c.source_id == source_id, _shown(citations, visible))
        .order_by(citations.c.id)
    )
    rows = [CitingRow(*row) for row in conn.execute(query)]
    targets: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        targets[row.target_kind].add(row.target_id)
    seen: set[str] = set()
    for kind, ids in targets.items():
        if kind in RECORD_TABLES:
            seen |= visible_ids(conn, kind, ids, visible=visible)
    return [row for row in rows if row.target_id in seen]


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


def hearings_between(
    conn: Connection, first: date, last: date, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[HearingRow]:
    """Visible hearings scheduled (or, without a time, dated) from `first` to `last` inclusive.

    The court and the case are named only when visible, and only live, visible victims are named.
    """
    start, stop = (
        datetime.combine(first, datetime.min.time()),
        datetime.combine(last + timedelta(days=1), datetime.min.time()),
    )
    hearing_types = sorted(HEARING_EVENT_TYPES)
    # The ids first, by two index-friendly queries (ix_events_scheduled, ix_events_type_date):
    # as one OR, or one statement, SQLite reads every hearing ever recorded.
    in_range = sa.union_all(
        sa.select(events.c.id).where(events.c.scheduled_at >= start, events.c.scheduled_at < stop),
        sa.select(events.c.id).where(
            events.c.type.in_(hearing_types),
            events.c.date_earliest >= first,
            events.c.date_earliest <= last,
            events.c.date_latest <= last,
            events.c.scheduled_at.is_(None),
        ),
    )
    ids = sorted(set(conn.execute(in_range).scalars()))
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
        .outerjoin(
            organisations,
            sa.and_(organisations.c.id == events.c.organisation_id, _in_view(organisations, visible)),
        )
        .outerjoin(cases, sa.and_(cases.c.id == events.c.case_id, _in_view(cases, visible)))
        .where(_shown(events, visible))
    )
    # The type is checked here, not in SQL: with it there, SQLite prefers ix_events_type_date.
    rows = [
        row
        for chunk in _chunks(ids)
        for row in conn.execute(query.where(events.c.id.in_(chunk)))
        if row.type in HEARING_EVENT_TYPES
    ]
    victims = _participant_names(conn, [r[0] for r in rows], visible)
    hearings = [
        HearingRow(r[0], r[1], r[2] or "", r[3], r[4] or "", r[5] or "", victims.get(r[0], []), r[6])
        for r in rows
    ]
    return sorted(hearings, key=lambda h: (h.scheduled_at or datetime.min, h.date, h.id))


def _participant_names(
    conn: Connection, event_ids: Sequence[str], visible: Collection[str]
) -> dict[str, list[str]]:
    """The first names of each event's live, visible victims, in the order listed."""
    out: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(event_ids):
        query = (
            sa.select(event_participants.c.event_id, person_names.c.value)
            .join(
                person_names,
                sa.and_(
                    person_names.c.person_id == event_participants.c.person_id, person_names.c.position == 0
                ),
            )
            .join(people, people.c.id == event_participants.c.person_id)
            .where(
                event_participants.c.event_id.in_(chunk),
                event_participants.c.role == "victim",
                _shown(people, visible),
            )
            .order_by(event_participants.c.event_id, event_participants.c.position)
        )
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


def terms_ending(
    conn: Connection, today: date, within_days: int = 14, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[TermRow]:
    """Open custody periods whose authorised term ends from `today` to `today + within_days`.

    Only visible periods of live, visible people.
    """
    query = (
        sa.select(cp.c.id, cp.c.person_id, person_names.c.value, cp.c.kind, cp.c.authorised_until)
        .join(person_names, sa.and_(person_names.c.person_id == cp.c.person_id, person_names.c.position == 0))
        .join(people, people.c.id == cp.c.person_id)
        .where(
            _shown(cp, visible),
            _shown(people, visible),
            cp.c.end.is_(None),
            cp.c.authorised_until.between(today, today + timedelta(days=within_days)),
        )
        .order_by(cp.c.authorised_until, cp.c.id)
    )
    return [TermRow(*row) for row in conn.execute(query)]


# -- context and changes --------------------------------------------------------


@dataclass(frozen=True)
class ContextRow:
    """A context period (an election, COP29) from its earliest possible start to its latest possible end."""

    id: str
    name: str
    earliest: date
    latest: date  # for a period without an end, the latest day its start can mean


def context_periods_between(
    conn: Connection, first: date, last: date, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[ContextRow]:
    """The live, visible context periods that may overlap `first`..`last`, earliest first.

    A period whose start, or whose stated end, is not known to the year cannot be
    placed in time and is left out.
    """
    t = context_periods
    latest = sa.case((t.c.end.is_not(None), t.c.end_latest), else_=t.c.start_latest)
    query = (
        sa.select(t.c.id, t.c.name, t.c.start_earliest, latest)
        .where(_shown(t, visible), t.c.start_earliest <= last, latest >= first)
        .order_by(t.c.start_earliest, t.c.id)
    )
    return [ContextRow(*row) for row in conn.execute(query)]


@dataclass(frozen=True)
class ChangeRow:
    """One version written: when (UTC), by whom, what action, to which record."""

    at: datetime
    actor: str
    action: str
    kind: str
    record_id: str
    version: int


def recent_changes(
    conn: Connection, limit: int = 20, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[ChangeRow]:
    """The newest versions written, newest first, of records that are now live and visible.

    Accounts' history (kind "user") never shows. Versions are read a page at a
    time, newest first, until `limit` of them belong to records the caller may see.
    """
    rv = record_versions
    newest = (
        sa.select(rv.c.at, rv.c.actor, rv.c.action, rv.c.kind, rv.c.record_id, rv.c.version)
        .where(rv.c.kind.in_(sorted(RECORD_TABLES)))
        .order_by(rv.c.at.desc(), rv.c.record_id.desc(), rv.c.version.desc())
    )
    out: list[ChangeRow] = []
    page, offset = max(4 * limit, 100), 0
    while len(out) < limit:
        rows = conn.execute(newest.limit(page).offset(offset)).all()
        by_kind: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            by_kind[row.kind].add(row.record_id)
        seen: set[str] = set()
        for kind, ids in by_kind.items():
            seen |= visible_ids(conn, kind, ids, visible=visible)
        out += [
            ChangeRow(_utc(at), actor, action, kind, record_id, version)
            for at, actor, action, kind, record_id, version in rows
            if record_id in seen
        ]
        if len(rows) < page:
            break
        offset += page
        page *= 2
    return out[:limit]


def _utc(at: datetime) -> datetime:
    # SQLite hands back naive datetimes, PostgreSQL its session's zone; every stamp habeas writes is UTC.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


# -- lists of cases, organisations and sources ------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """A line of a list page: the record's id, its title and a short detail (summary, kind, publisher)."""

    id: str
    title: str
    detail: str


# kind -> (table, title column, the columns joined with ", " to make the detail)
_LISTED: dict[str, tuple[sa.Table, str, tuple[str, ...]]] = {
    "case": (cases, "title", ("summary",)),
    "organisation": (organisations, "name", ("kind", "place")),
    "source": (sources, "title", ("publisher", "published")),
}


def list_records(
    conn: Connection,
    kind: str,
    text: str = "",
    limit: int = 50,
    offset: int = 0,
    *,
    visible: Collection[str] = ALL_VISIBILITY,
) -> list[RecordRow]:
    """A page of the live, visible cases, organisations or sources whose title contains `text`, by title."""
    table, title, details = _LISTED[_listed_kind(kind)]
    query = (
        _records_matching(kind, text, visible)
        .add_columns(table.c[title], *(table.c[d] for d in details))
        .order_by(table.c[title], table.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        RecordRow(record_id, name, ", ".join(str(d) for d in rest if d and d != UNKNOWN_DATE))
        for record_id, name, *rest in conn.execute(query)
    ]


def count_records(
    conn: Connection, kind: str, text: str = "", *, visible: Collection[str] = ALL_VISIBILITY
) -> int:
    """How many records `list_records` with the same arguments finds on all its pages together."""
    matching = _records_matching(_listed_kind(kind), text, visible)
    return int(conn.execute(sa.select(sa.func.count()).select_from(matching.subquery())).scalar_one())


def _listed_kind(kind: str) -> str:
    if kind not in _LISTED:
        raise ValidationError("kind", kind, f"use one of: {', '.join(_LISTED)}")
    return kind


def _records_matching(kind: str, text: str, visible: Collection[str]) -> sa.Select[str]:
    """The ids of live, visible records of `kind` whose title contains `text`, case aside.

    Case is folded by the database's lower(): for every letter on PostgreSQL,
    for A to Z only on SQLite (so "ə" does not find "Ə" there).
    """
    table, title, _ = _LISTED[kind]
    query = sa.select(table.c.id).where(_shown(table, visible))
    if text.strip():
        query = query.where(table.c[title].icontains(text.strip(), autoescape=True))
    return query


def list_ids(
    conn: Connection,
    kind: str,
    limit: int = 50,
    offset: int = 0,
    *,
    visible: Collection[str] = ALL_VISIBILITY,
) -> list[str]:
    """A page of the ids of every record of `kind` that `visible_ids` would keep, oldest made first."""
    query = _ids_matching(kind, visible).order_by(RECORD_TABLES[kind].c.id).limit(limit).offset(offset)
    return list(conn.execute(query).scalars())


def count_ids(conn: Connection, kind: str, *, visible: Collection[str] = ALL_VISIBILITY) -> int:
    """How many ids `list_ids` finds on all its pages together."""
    matching = _ids_matching(kind, visible)
    return int(conn.execute(sa.select(sa.func.count()).select_from(matching.subquery())).scalar_one())


def _ids_matching(kind: str, visible: Collection[str]) -> sa.Select[str]:
    table = _table(kind)
    return sa.select(table.c.id).where(_shown(table, visible), _of_shown_people(table, visible))


# -- gaps ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnsourcedFact:
    kind: str
    id: str


def unsourced(
    conn: Connection, kinds: Sequence[str] = FACT_KINDS, *, visible: Collection[str] = ALL_VISIBILITY
) -> list[UnsourcedFact]:
    """Live, visible facts that no live citation of a live source supports.

    A fact about a person (a custody period, a relationship…) is listed only when
    the people it is about are live and visible too. A fact is supported by a
    citation whatever the citation's visibility: most sources are confidential,
    and a fact they support is not unsourced because the caller may not see them.
    """
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
            .where(_shown(table, visible), _of_shown_people(table, visible), table.c.id.not_in(cited))
            .order_by(table.c.id)
        )
        out.extend(UnsourcedFact(kind, record_id) for record_id in conn.execute(query).scalars())
    return out


def case_members(conn: Connection, case_id: str, *, visible: Collection[str] = ALL_VISIBILITY) -> list[str]:
    """The ids of a case's live, visible members, in the order given; nothing when the case is not visible."""
    query = (
        sa.select(case_people.c.person_id)
        .join(cases, cases.c.id == case_people.c.case_id)
        .join(people, people.c.id == case_people.c.person_id)
        .where(case_people.c.case_id == case_id, _in_view(cases, visible), _shown(people, visible))
        .order_by(case_people.c.position)
    )
    return list(conn.execute(query).scalars())
