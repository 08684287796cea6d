"""Reading the facts editions are made of: who was held under which kind, assessments, groups, events."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.editions.rules import Rule
from habeas.storage import queries
from habeas.storage.tables import (
    assessments,
    custody_periods,
    event_participants,
    events,
    person_groups,
    person_names,
)

ID_CHUNK = queries.ID_CHUNK


@dataclass(frozen=True)
class Verdict:
    id: str
    conclusion: str


def accepted(rule: Rule, verdict: Verdict | None) -> bool:
    if verdict is None:
        return not rule.require_assessment
    return verdict.conclusion in rule.conclusions


def in_chunks(
    conn: Connection, ids: Collection[str], query: Callable[[Sequence[str]], sa.Select[Any]]
) -> Iterator[Any]:
    """The rows of `query(chunk)` for each chunk of `ids` (SQLite limits a statement's parameters)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), ID_CHUNK):
        yield from conn.execute(query(ordered[start : start + ID_CHUNK]))


def held(
    conn: Connection, day: date, kinds: Collection[str], ids: Collection[str] | None = None
) -> dict[str, str]:
    """person id -> the custody kind under which they were certainly held on `day` (one of `kinds`)."""
    if not kinds:
        return {}
    periods = queries.current_periods(day, kinds)
    query = sa.select(periods.c.person_id, periods.c.kind)
    if ids is None:
        return {person_id: kind for person_id, kind in conn.execute(query)}
    rows = in_chunks(conn, ids, lambda chunk: query.where(periods.c.person_id.in_(chunk)))
    return {person_id: kind for person_id, kind in rows}


def verdicts(conn: Connection, day: date, ids: Collection[str]) -> dict[str, Verdict]:
    """person id -> their latest live assessment certainly decided by `day` (an undated one counts)."""
    a = assessments
    decided = sa.or_(
        a.c.decided_on_latest <= day,
        sa.and_(
            a.c.decided_on_latest.is_(None),
            sa.or_(a.c.decided_on_earliest.is_(None), a.c.decided_on_earliest <= day),
        ),
    )
    latest_first = (
        a.c.decided_on_earliest.desc().nulls_last(),
        a.c.decided_on_latest.desc().nulls_last(),
        a.c.id.desc(),
    )
    rank = sa.func.row_number().over(partition_by=a.c.person_id, order_by=latest_first).label("rank")

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        ranked = (
            sa.select(a.c.person_id, a.c.id, a.c.conclusion, rank)
            .where(a.c.person_id.in_(chunk), a.c.retracted.is_(False), decided)
            .subquery()
        )
        return sa.select(ranked.c.person_id, ranked.c.id, ranked.c.conclusion).where(ranked.c.rank == 1)

    return {person_id: Verdict(i, conclusion) for person_id, i, conclusion in in_chunks(conn, ids, query)}


def groups(conn: Connection, ids: Collection[str]) -> dict[str, list[str]]:
    pg = person_groups

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return (
            sa.select(pg.c.person_id, pg.c.code)
            .where(pg.c.person_id.in_(chunk))
            .order_by(pg.c.person_id, pg.c.position)
        )

    out: dict[str, list[str]] = {}
    for person_id, code in in_chunks(conn, ids, query):
        out.setdefault(person_id, []).append(code)
    return out


def names(conn: Connection, ids: Collection[str]) -> dict[str, str]:
    """person id -> the first name given (the one lists show)."""
    pn = person_names

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return sa.select(pn.c.person_id, pn.c.value).where(pn.c.person_id.in_(chunk), pn.c.position == 0)

    return {person_id: value for person_id, value in in_chunks(conn, ids, query)}


def events_between(
    conn: Connection, window: tuple[date, date], ids: Collection[str], types: Sequence[str]
) -> dict[str, dict[str, str]]:
    """person id -> event type -> the id of a live event of theirs (as victim) that may fall in the window.

    The window is after its first day, up to and including its last; an undated event may fall anywhere.
    """
    e, ep = events, event_participants
    after, until = window

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return (
            sa.select(ep.c.person_id, e.c.type, e.c.id)
            .join(e, e.c.id == ep.c.event_id)
            .where(
                ep.c.person_id.in_(chunk),
                ep.c.role == "victim",
                e.c.retracted.is_(False),
                e.c.type.in_(types),
                sa.or_(e.c.date_latest.is_(None), e.c.date_latest > after),
                sa.or_(e.c.date_earliest.is_(None), e.c.date_earliest <= until),
            )
            .order_by(e.c.date_earliest.desc().nulls_last(), e.c.id)
        )

    out: dict[str, dict[str, str]] = {}
    for person_id, event_type, event_id in in_chunks(conn, ids, query):
        out.setdefault(person_id, {}).setdefault(event_type, event_id)  # the latest of each type
    return out


def periods_between(
    conn: Connection, bound: str, window: tuple[date, date], ids: Collection[str], kinds: Collection[str]
) -> dict[str, str]:
    """person id -> the id of a live custody period of theirs of `kinds` whose `bound` (start or end)
    may fall in the window (after its first day, up to its last)."""
    cp = custody_periods
    after, until = window
    earliest, latest = cp.c[f"{bound}_earliest"], cp.c[f"{bound}_latest"]

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return sa.select(cp.c.person_id, cp.c.id).where(
            cp.c.person_id.in_(chunk),
            cp.c.retracted.is_(False),
            cp.c.kind.in_(sorted(kinds)),
            cp.c[bound].is_not(None),
            sa.or_(latest.is_(None), latest > after),
            sa.or_(earliest.is_(None), earliest <= until),
        )

    return {person_id: period_id for person_id, period_id in in_chunks(conn, ids, query)}
