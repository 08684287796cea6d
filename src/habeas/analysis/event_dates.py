"""Events with partial dates: reading those of some types, and placing each in the period holding it.

An event counts in a period only when every day its date can mean lies inside that period; the
series and the windows around a context period (habeas.analysis.series, .around) both place events
this way, and report the others by where they fall: straddling an edge, or of unknown date.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.security.roles import ALL_VISIBILITY
from habeas.storage.queries import _shown
from habeas.storage.tables import event_participants, events, people, person_groups

# Where an event's possible days lie against a range of days (see `placement`).
INSIDE, STRADDLING, DATE_UNKNOWN, OUTSIDE = "inside", "straddling", "date_unknown", "outside"
Span = tuple[date, date]  # a first and last day, both included


@dataclass(frozen=True)
class DatedEvent:
    """An event of a counted type: its possible days, and the groups of its live, visible victims."""

    id: str
    type: str
    earliest: date | None
    latest: date | None
    groups: frozenset[str]


def read_events(
    conn: Connection,
    types: Collection[str],
    first: date,
    last: date,
    *,
    visible: Collection[str] = ALL_VISIBILITY,
    with_groups: bool = False,
) -> list[DatedEvent]:
    """The live, visible events of `types` that may fall within `first`..`last` (unknown bounds may)."""
    ev = events
    where = (
        ev.c.type.in_(sorted(types)),
        _shown(ev, visible),
        sa.or_(ev.c.date_earliest.is_(None), ev.c.date_earliest <= last),
        sa.or_(ev.c.date_latest.is_(None), ev.c.date_latest >= first),
    )
    groups: dict[str, set[str]] = defaultdict(set)
    if with_groups:
        victims_groups = (
            sa.select(event_participants.c.event_id, person_groups.c.code)
            .join(people, people.c.id == event_participants.c.person_id)
            .join(person_groups, person_groups.c.person_id == people.c.id)
            .where(
                event_participants.c.role == "victim",
                event_participants.c.event_id.in_(sa.select(ev.c.id).where(*where)),
                _shown(people, visible),
            )
        )
        for event_id, code in conn.execute(victims_groups):
            groups[event_id].add(code)
    query = (
        sa.select(ev.c.id, ev.c.type, ev.c.date_earliest, ev.c.date_latest).where(*where).order_by(ev.c.id)
    )
    return [DatedEvent(i, t, lo, hi, frozenset(groups.get(i, ()))) for i, t, lo, hi in conn.execute(query)]


def placement(earliest: date | None, latest: date | None, first: date, last: date) -> str:
    """Where an event's possible days lie against `first`..`last`: INSIDE, STRADDLING, DATE_UNKNOWN, OUTSIDE.

    A missing bound places no limit on that side (it could be any day), so such an event is
    DATE_UNKNOWN when the range is among its possible days.
    """
    if (latest is not None and latest < first) or (earliest is not None and earliest > last):
        return OUTSIDE
    if earliest is None or latest is None:
        return DATE_UNKNOWN
    return INSIDE if first <= earliest and latest <= last else STRADDLING


def span_index(spans: Sequence[Span], earliest: date, latest: date) -> int | None:
    """The index of the span (sorted, not overlapping) holding every day from `earliest` to `latest`."""
    i = bisect.bisect_right(spans, (earliest, date.max)) - 1
    if i >= 0 and spans[i][0] <= earliest and latest <= spans[i][1]:
        return i
    return None
