"""The figures a statement gives, each with the public records behind it; no wording here.

Everything is read from a `PublicData` (what the redaction gate let through), never from the store.
The list's members are counted whether named or not (by category only where the list shows them
so); custody, groups' sources and events can only be told for what the public may see, and the
statement says so. An event or intervention belongs to a period when its date certainly lies
within it (a date known only to the month counts only when the whole month is inside), so that no
figure depends on a guess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from habeas.domain.dates import PartialDate
from habeas.domain.records import Assessment, ContextPeriod, Event
from habeas.domain.vocabulary import HELD_KINDS, vocabulary
from habeas.editions import OTHER, Rule
from habeas.publishing.dataset import PublicData

__all__ = ["WINDOW_DAYS", "ContextComparison", "Facts", "Figure", "Held", "facts_of"]

#: The period whose events a statement reports: this many days, ending on the statement's day.
WINDOW_DAYS = 90
#: How many of the list's categories a statement names as its main groups.
MAIN_GROUPS = 3
PRE_TRIAL = "pre_trial_detention"
IMPRISONMENT = "imprisonment"

Ref = tuple[str, str]  # (record kind, record id)


@dataclass(frozen=True)
class Figure:
    """A number and the records it counts, whose citations are its sources.

    `fields` limits which cited fields of those records count as sources (None: every citation).
    """

    value: int
    records: tuple[Ref, ...] = ()
    fields: frozenset[str] | None = None


@dataclass(frozen=True)
class Held:
    """Who is on the list: all of them, those withheld, and the named by the form of their custody."""

    total: Figure  # named and withheld together; its records are the named members' custody and assessment
    withheld: int  # every member whose name is withheld
    withheld_unsorted: int  # of them, those counted in no category (too few in theirs to be shown)
    named: int
    pre_trial: Figure
    imprisoned: Figure
    other_kinds: dict[str, Figure]  # custody kind -> named members held so, in vocabulary order
    custody_not_public: int  # named members with no public custody record covering the day


@dataclass(frozen=True)
class ContextComparison:
    """Arrests during a context period (clipped to the statement's day) and in as many days before it."""

    name: str
    period_id: str
    start: date
    end: date
    before_start: date
    before_end: date
    during: Figure
    before: Figure


@dataclass(frozen=True)
class Facts:
    """What a statement about `day` reports; the events are those of `window_start`..`day`."""

    day: date
    rule: Rule
    edition_id: str | None
    window_start: date
    held: Held
    groups: tuple[tuple[str, Figure], ...]  # (group code, members in it), largest first
    arrests: Figure
    monitors_refused: Figure
    interventions_refused: dict[str, Figure]  # intervention kind -> refused ones, in vocabulary order
    contexts: tuple[ContextComparison, ...]

    @property
    def interventions_refused_total(self) -> Figure:
        figures = self.interventions_refused.values()
        return Figure(sum(f.value for f in figures), tuple(r for f in figures for r in f.records))


def facts_of(data: PublicData) -> Facts:
    """The figures of a statement on the day of `data.listing`."""
    day = data.listing.on_date
    start = day - timedelta(days=WINDOW_DAYS - 1)
    in_window = [e for e in data.events if within(e.date, start, day)]
    refused = [i for i in data.interventions if i.response == "refused" and within(i.date, start, day)]
    return Facts(
        day=day,
        rule=data.listing.rule,
        edition_id=data.listing.edition_id,
        window_start=start,
        held=_held(data),
        groups=_groups(data),
        arrests=_events(e for e in in_window if e.type == "arrest"),
        monitors_refused=_events(e for e in in_window if e.monitoring_outcome == "refused_entry"),
        interventions_refused=_by_code(
            "intervention_kind", ((i.kind, ("intervention", i.id)) for i in refused)
        ),
        contexts=tuple(
            _compare(period, data.events, day)
            for period in data.context_periods
            if _overlaps(period, start, day)
        ),
    )


def within(when: PartialDate, start: date, end: date) -> bool:
    """Whether a partial date certainly lies between `start` and `end`, both included."""
    return (
        when.earliest is not None and when.latest is not None and start <= when.earliest <= when.latest <= end
    )


def _held(data: PublicData) -> Held:
    listing = data.listing
    day, rule = listing.on_date, listing.rule
    behind: list[Ref] = []
    by_kind: dict[str, list[Ref]] = defaultdict(list)
    not_public = 0
    for member in listing.members:
        assessment = _accepted_assessment(data.assessments.get(member.person_id, []), day, rule)
        if assessment is not None:
            behind.append(("assessment", assessment.id))
        # the rule's kinds first: the custody that put the person on the list
        period = data.custody_on(member.person_id, day, rule.custody_kinds) or data.custody_on(
            member.person_id, day, HELD_KINDS
        )
        if period is None:
            not_public += 1
            continue
        behind.append(("custody_period", period.id))
        by_kind[period.kind].append(("custody_period", period.id))
    others = _by_code(
        "custody_kind",
        (
            (kind, ref)
            for kind, refs in by_kind.items()
            if kind not in (PRE_TRIAL, IMPRISONMENT)
            for ref in refs
        ),
    )
    return Held(
        total=Figure(listing.total, tuple(behind)),
        withheld=listing.withheld_total,
        withheld_unsorted=listing.withheld_unsorted,
        named=len(listing.members),
        pre_trial=Figure(len(by_kind[PRE_TRIAL]), tuple(by_kind[PRE_TRIAL])),
        imprisoned=Figure(len(by_kind[IMPRISONMENT]), tuple(by_kind[IMPRISONMENT])),
        other_kinds=others,
        custody_not_public=not_public,
    )


def _accepted_assessment(assessments: Sequence[Assessment], day: date, rule: Rule) -> Assessment | None:
    """The latest assessment certainly decided by `day` whose conclusion the rule accepts."""
    decided = [
        a
        for a in assessments
        if a.conclusion in rule.conclusions and a.decided_on.latest is not None and a.decided_on.latest <= day
    ]
    return decided[-1] if decided else None


def _groups(data: PublicData) -> tuple[tuple[str, Figure], ...]:
    """The largest categories of the list, with the named members' group sources.

    A category's count holds its named members and its withheld ones where the list shows them by
    category (`PublicList.counts`); members withheld in too small a category are in none.
    """
    counts = {code: n for code, n in data.listing.counts.items() if code != OTHER}
    # a stable sort keeps the rule's order between categories of the same size
    largest = sorted(counts, key=lambda code: -counts[code])[:MAIN_GROUPS]
    return tuple(
        (
            code,
            Figure(
                counts[code],
                tuple(("person", m.person_id) for m in data.listing.members if m.category == code),
                frozenset({"", "groups"}),
            ),
        )
        for code in largest
    )


def _events(events: Iterable[Event]) -> Figure:
    refs = tuple(("event", e.id) for e in events)
    return Figure(len(refs), refs)


def _by_code(vocabulary_name: str, coded: Iterable[tuple[str, Ref]]) -> dict[str, Figure]:
    """Refs grouped by a vocabulary code, in the vocabulary's order."""
    grouped: dict[str, list[Ref]] = defaultdict(list)
    for code, ref in coded:
        grouped[code].append(ref)
    order = {code: i for i, code in enumerate(vocabulary(vocabulary_name).codes())}
    return {
        code: Figure(len(grouped[code]), tuple(grouped[code]))
        for code in sorted(grouped, key=lambda c: (order.get(c, len(order)), c))
    }


def _span(period: ContextPeriod, day: date) -> tuple[date, date] | None:
    """A context period's first and last day, the last clipped to `day`; None when a bound is unknown.

    A period with no end is the span of its start date alone (an election day, "November 2024").
    """
    last = period.end if period.end is not None else period.start
    if period.start.earliest is None or last.latest is None:
        return None
    return period.start.earliest, min(last.latest, day)


def _overlaps(period: ContextPeriod, start: date, day: date) -> bool:
    span = _span(period, day)
    return span is not None and span[0] <= day and span[1] >= start and span[0] <= span[1]


def _compare(period: ContextPeriod, events: Sequence[Event], day: date) -> ContextComparison:
    span = _span(period, day)
    assert span is not None  # _overlaps checked it
    start, end = span
    before_end = start - timedelta(days=1)
    before_start = before_end - (end - start)
    arrests = [e for e in events if e.type == "arrest"]
    return ContextComparison(
        name=period.name,
        period_id=period.id,
        start=start,
        end=end,
        before_start=before_start,
        before_end=before_end,
        during=_events(e for e in arrests if within(e.date, start, end)),
        before=_events(e for e in arrests if within(e.date, before_start, before_end)),
    )
