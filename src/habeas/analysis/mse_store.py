"""Capture histories from the store: each list is the people documented by one publisher's sources.

A person is on publisher P's list when a live, visible source whose `publisher`
is exactly P cites the person (a citation whose target is the person) or a fact
about the person: a custody period, charge, assessment, intervention or
affiliation of theirs, or an event in which they are a victim. Relationships are
left out: a source naming a prisoner's relative does not put the relative on a
list of prisoners. With a day, only people certainly held on it count (the same
rule as `habeas held`, see docs/partial-dates.md). People are counted once each,
by their record id, so the lists must already be linked (duplicates merged).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.analysis.mse import Estimate, estimate
from habeas.analysis.mse_table import RESERVED, CaptureTable, capture_table
from habeas.domain.vocabulary import HELD_KINDS
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage import queries
from habeas.storage.tables import RECORD_TABLES, citations, event_participants, sources

# Kinds of record that are facts about one person, through their person_id column.
PERSON_FACTS = ("custody_period", "charge", "assessment", "intervention", "affiliation")


def store_capture_table(
    conn: Connection,
    publishers: Sequence[str],
    on: date | None = None,
    *,
    visible: Collection[str] = ALL_VISIBILITY,
) -> CaptureTable:
    """The capture table of the people documented by each publisher (held on `on`, when given)."""
    names = [publisher.strip() for publisher in publishers]
    if len(names) < 2:
        raise ValidationError("--list", ", ".join(names), "give at least two --list PUBLISHER options")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError("--list", repeated[0], "give each publisher once")
    lists = [people_documented_by(conn, name, visible=visible) for name in names]
    for name, people in zip(names, lists, strict=True):
        if not people:
            raise ValidationError(
                "--list",
                name,
                "no visible source with exactly this publisher cites a person or a fact about one",
            )
    if on is not None:
        held = people_held_on(conn, on, visible=visible)
        lists = [people & held for people in lists]
        for name, people in zip(names, lists, strict=True):
            if not people:
                raise ValidationError(
                    "--on", on.isoformat(), f"nobody that {name!r} documents was certainly held that day"
                )
    everyone = sorted(set().union(*lists))
    histories = [tuple(int(person in people) for people in lists) for person in everyone]
    return capture_table([_list_name(name) for name in names], histories)


def people_documented_by(
    conn: Connection, publisher: str, *, visible: Collection[str] = ALL_VISIBILITY
) -> set[str]:
    """The ids of the live, visible people that a publisher's live, visible sources document."""
    source_ids = conn.execute(sa.select(sources.c.id).where(sources.c.publisher == publisher)).scalars()
    shown_sources = sorted(queries.visible_ids(conn, "source", source_ids, visible=visible))
    targets: dict[str, set[str]] = {}
    for chunk in _chunks(shown_sources):
        rows = conn.execute(
            sa.select(citations.c.id, citations.c.target_kind, citations.c.target_id).where(
                citations.c.source_id.in_(chunk)
            )
        ).all()
        shown_citations = queries.visible_ids(conn, "citation", [row[0] for row in rows], visible=visible)
        for citation_id, kind, target in rows:
            if citation_id in shown_citations:
                targets.setdefault(kind, set()).add(target)
    people: set[str] = set()
    for kind, ids in targets.items():
        shown = queries.visible_ids(conn, kind, ids, visible=visible) if kind in RECORD_TABLES else set()
        if kind == "person":
            people |= shown
        elif kind in PERSON_FACTS:
            people |= _column_of(conn, RECORD_TABLES[kind], "person_id", shown)
        elif kind == "event":
            people |= _victims_of(conn, shown)
    return queries.visible_ids(conn, "person", people, visible=visible)


def people_held_on(conn: Connection, day: date, *, visible: Collection[str] = ALL_VISIBILITY) -> set[str]:
    """The ids of the people certainly held on `day` (habeas.storage.queries.current_periods)."""
    held = queries.current_periods(day, HELD_KINDS, visible=visible)
    return set(conn.execute(sa.select(held.c.person_id)).scalars())


def _column_of(conn: Connection, table: sa.Table, column: str, ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(ids)):
        query = sa.select(table.c[column]).where(table.c.id.in_(chunk), table.c[column].is_not(None))
        found.update(conn.execute(query).scalars())
    return found


def _victims_of(conn: Connection, event_ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    ep = event_participants
    for chunk in _chunks(sorted(event_ids)):
        query = sa.select(ep.c.person_id).where(ep.c.event_id.in_(chunk), ep.c.role == "victim")
        found.update(conn.execute(query).scalars())
    return found


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), queries.ID_CHUNK):
        yield ids[start : start + queries.ID_CHUNK]


def _list_name(publisher: str) -> str:
    """A publisher's name as a list name: '+' and ':' join model terms, so they become '_'."""
    for mark in RESERVED:
        publisher = publisher.replace(mark, "_")
    return publisher


def estimate_from_store(
    conn: Connection,
    publishers: Sequence[str],
    on: date | None = None,
    models: list[str] | None = None,
    criterion: str = "aic",
    *,
    visible: Collection[str] = ALL_VISIBILITY,
) -> Estimate:
    """`estimate` over the lists of these publishers (see `store_capture_table`)."""
    return estimate(store_capture_table(conn, publishers, on, visible=visible), models, criterion)
