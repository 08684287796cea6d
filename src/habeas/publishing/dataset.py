"""What is published, read once through the gate: the public records, the list and its history.

`collect` is the only place the site, the public database, the downloads and statements read
the store; they work from the `PublicData` it returns and never open a connection themselves.
The list is a stored edition (the newest, or one chosen) or, when none is stored yet, the list
computed on a day under a rule. Members the gate will not name are counted, by category, as
withheld; members it does not show at all (not public) are neither named nor counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.records import (
    Assessment,
    Case,
    Charge,
    Citation,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Person,
    Record,
    Source,
)
from habeas.domain.vocabulary import HELD_KINDS
from habeas.editions import RULES, Change, Edition, Member, Rule, diff, list_editions_newest_first, load
from habeas.editions.published import members_on
from habeas.publishing.redact import Gate
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage import queries
from habeas.storage.store import Store
from habeas.storage.tables import assessments, custody_periods

__all__ = ["EditionChanges", "PublicData", "PublicList", "collect", "covers"]

R = TypeVar("R", bound=Record)
#: The fewest people withheld in a category for the category's withheld count to be published.
MIN_WITHHELD_SHOWN = 3


@dataclass(frozen=True)
class PublicList:
    """The list as published: named members in category order, and counts of those not named.

    `edition_id` is None when the list was computed for the day rather than read from an edition.
    People whose names are withheld are counted per category only where a category has at least
    `MIN_WITHHELD_SHOWN` of them; the rest are counted in `withheld_unsorted`, without a category,
    so that a count of one cannot point at a person.
    """

    edition_id: str | None
    on_date: date
    rule: Rule
    members: tuple[Member, ...]
    withheld: dict[str, int]  # category -> members public but not named, where at least MIN_WITHHELD_SHOWN
    withheld_unsorted: int = 0  # members not named, in categories with fewer of them
    note: str = ""  # never set for the public: an edition's note is written for the team

    @property
    def counts(self) -> dict[str, int]:
        """Members per category, named and withheld (where shown by category), in the rule's order."""
        named = self.rule.counts(self.members)
        order = [*self.rule.categories, "other"]
        return {
            c: named.get(c, 0) + self.withheld.get(c, 0) for c in order if c in named or c in self.withheld
        }

    @property
    def withheld_total(self) -> int:
        return sum(self.withheld.values()) + self.withheld_unsorted

    @property
    def total(self) -> int:
        return len(self.members) + self.withheld_total


@dataclass(frozen=True)
class EditionChanges:
    """What changed from the edition before to this one, among the people who may be named."""

    edition_id: str
    on_date: date
    previous_id: str | None
    previous_date: date | None
    total: int  # the edition's published count (named and withheld)
    added: tuple[Change, ...] = ()
    left: tuple[Change, ...] = ()
    recategorised: tuple[Change, ...] = ()
    unnamed_added: int = 0
    unnamed_left: int = 0


@dataclass
class PublicData:
    """Everything an audience may see, indexed for publishing; built by `collect`."""

    audience: str
    listing: PublicList
    history: list[EditionChanges]  # newest first, up to the list's edition
    people: dict[str, Person]
    organisations: dict[str, Organisation]
    cases: dict[str, Case]
    custody: dict[str, list[CustodyPeriod]]  # person id -> periods, by start
    charges: dict[str, list[Charge]]  # person id -> charges, by date brought
    assessments: dict[str, list[Assessment]]  # person id -> assessments, by decision date
    events: list[Event]  # by date
    interventions: list[Intervention]  # by date
    sources: dict[str, Source]
    citations: dict[tuple[str, str], list[Citation]]  # (kind, id) -> citations whose source is shown
    context_periods: list[ContextPeriod]  # by start
    shown: dict[str, set[str]] = field(default_factory=dict)  # kind -> ids present here

    def sources_of(self, kind: str, record_id: str) -> list[tuple[Citation, Source]]:
        """The citations of a record with their sources, in source order."""
        cited = [(c, self.sources[c.source_id]) for c in self.citations.get((kind, record_id), [])]
        return sorted(cited, key=lambda pair: (pair[1].published.sort_key(), pair[1].id, pair[0].id))

    def has(self, kind: str, record_id: str) -> bool:
        return record_id in self.shown.get(kind, set())

    def custody_on(
        self, person_id: str, day: date, kinds: Iterable[str] = HELD_KINDS
    ) -> CustodyPeriod | None:
        """The person's custody period of one of `kinds` that certainly covers `day` (the latest begun)."""
        covering = [p for p in self.custody.get(person_id, []) if p.kind in kinds and covers(p, day)]
        return covering[-1] if covering else None

    def facility_name(self, period: CustodyPeriod | None) -> str:
        """Where a period is spent, as the public may read it: its facility, else its place."""
        if period is None:
            return ""
        facility = self.organisations.get(period.facility_id or "")
        return facility.name if facility else period.place


def covers(period: CustodyPeriod, day: date) -> bool:
    """Whether a custody period certainly covers `day`: the rule of `habeas held`, read from the record."""
    end = period.end
    certain = queries._certain_days(
        period.start.earliest, period.start.latest, end.text if end else None, end.earliest if end else None
    )
    return certain is not None and certain[0] <= day <= certain[1]


def collect(
    store: Store,
    *,
    audience: str = "public",
    edition_id: str | None = None,
    on: date | None = None,
    rule: Rule | None = None,
) -> PublicData:
    """Read what `audience` may see, and the list: edition `edition_id`, else the newest edition,
    else the list computed on `on` (default today) under `rule` (default PACE).

    When `on` is given without an edition id, the list is computed for that day even where
    editions exist, so that a statement can speak of any day. A computed list keeps only the
    members whose custody on the day (and assessment, where the rule asks for one) the audience
    may read: it must not name someone on the strength of facts it does not publish.
    """
    with store.reading() as conn:
        gate = Gate(conn, audience)
        records = {kind: list(gate.records(store, kind)) for kind in _KINDS}
        editions = list_editions_newest_first(conn)
        if edition_id is not None:
            chosen: Edition | None = load(conn, edition_id)
        elif on is None and editions:
            chosen = load(conn, editions[0].id)
        else:
            chosen = None
        if chosen is not None:
            members: Sequence[Member] = chosen.members
            the_rule, day, note = chosen.rule, chosen.on_date, chosen.note
        else:
            the_rule, day, note = rule or RULES["pace"], on or date.today(), ""
            members = members_on(conn, day, the_rule)
            supported = _supported(conn, [m.person_id for m in members], day, the_rule, gate.visible)
            members = [m for m in members if m.person_id in supported]
        people = {p.id: p for p in _typed(records["person"], Person)}
        unnamed = _unnamed(conn, gate, [m.person_id for m in members])
        note = note if audience != "public" else ""  # written for the team ("why this edition")
        public_list = _public_list(chosen, day, the_rule, note, members, people, unnamed)
        shown_ids = {r.id for items in records.values() for r in items}
        history = _history(conn, editions, chosen, people, gate, shown_ids) if chosen is not None else []
    return _index(audience, public_list, history, records)


def _unnamed(conn: Connection, gate: Gate, person_ids: Collection[str]) -> set[str]:
    """Those of `person_ids` who are counted in public but not named: public, live, withheld."""
    if not gate.public:
        return set()
    return queries.visible_ids(conn, "person", person_ids, visible=gate.visible) & gate.withheld_people


def _supported(
    conn: Connection, person_ids: Collection[str], day: date, rule: Rule, visible: Collection[str]
) -> set[str]:
    """Those of `person_ids` held on `day` under `rule` by records of a visibility in `visible`."""
    if ALL_VISIBILITY <= set(visible) or not person_ids:
        return set(person_ids)
    cp, a = custody_periods, assessments
    held = sa.select(cp.c.person_id).where(
        queries.covering(day), cp.c.kind.in_(rule.custody_kinds), cp.c.visibility.in_(sorted(visible))
    )
    found = {i for i in conn.execute(held).scalars() if i in person_ids}
    if not rule.require_assessment:
        return found
    decided = sa.select(a.c.person_id).where(
        a.c.retracted.is_(False),
        a.c.visibility.in_(sorted(visible)),
        a.c.conclusion.in_(rule.conclusions),
        a.c.decided_on_latest <= day,
    )
    return found & set(conn.execute(decided).scalars())


_KINDS = (
    "person",
    "organisation",
    "case",
    "custody_period",
    "charge",
    "assessment",
    "event",
    "intervention",
    "source",
    "citation",
    "context_period",
)


def _typed(records: Iterable[Record], cls: type[R]) -> list[R]:
    return [r for r in records if isinstance(r, cls)]


def _public_list(
    chosen: Edition | None,
    day: date,
    rule: Rule,
    note: str,
    members: Sequence[Member],
    people: dict[str, Person],
    unnamed: set[str],
) -> PublicList:
    named = tuple(
        Member(m.person_id, m.category, people[m.person_id].display_name)
        for m in members
        if m.person_id in people
    )
    order = {code: i for i, code in enumerate(rule.categories)}
    named = tuple(
        sorted(named, key=lambda m: (order.get(m.category, len(order)), m.name.casefold(), m.person_id))
    )
    withheld: dict[str, int] = defaultdict(int)
    for m in members:
        if m.person_id in unnamed:
            withheld[m.category] += 1
    shown = {c: n for c, n in withheld.items() if n >= MIN_WITHHELD_SHOWN}
    unsorted = sum(n for c, n in withheld.items() if c not in shown)
    return PublicList(chosen.id if chosen else None, day, rule, named, shown, unsorted, note)


def _history(
    conn: Connection,
    editions: list[Edition],
    chosen: Edition,
    people: dict[str, Person],
    gate: Gate,
    shown_ids: set[str],
) -> list[EditionChanges]:
    """Each edition up to `chosen` (same rule, published before it), against the one before, newest first."""

    def order(e: Edition) -> tuple[date, datetime, str]:
        return (e.on_date, e.published_at, e.id)

    same_rule = [e for e in reversed(editions) if e.rule == chosen.rule and order(e) <= order(chosen)]
    out: list[EditionChanges] = []
    previous: Edition | None = None
    for summary in same_rule:
        edition = load(conn, summary.id)
        unnamed = _unnamed(conn, gate, [m.person_id for m in edition.members])
        total = sum(1 for m in edition.members if m.person_id in people) + len(unnamed)
        if previous is None:
            out.append(EditionChanges(edition.id, edition.on_date, None, None, total))
        else:
            d = diff(conn, previous, edition)
            changed = [c.person_id for c in (*d.added, *d.left)]
            withheld = _unnamed(conn, gate, changed)
            out.append(
                EditionChanges(
                    edition.id,
                    edition.on_date,
                    previous.id,
                    previous.on_date,
                    total,
                    tuple(_named(d.added, people, shown_ids)),
                    tuple(_named(d.left, people, shown_ids)),
                    tuple(_named(d.recategorised, people, shown_ids)),
                    sum(1 for c in d.added if c.person_id in withheld),
                    sum(1 for c in d.left if c.person_id in withheld),
                )
            )
        previous = edition
    return list(reversed(out))


def _named(changes: Iterable[Change], people: dict[str, Person], shown_ids: set[str]) -> list[Change]:
    """The changes of people who may be named; a reason read from a record not published is not given."""
    out = []
    for c in changes:
        if c.person_id not in people:
            continue
        reason, detail = (
            (c.reason, c.detail) if not c.evidence or c.evidence in shown_ids else ("not_public", "")
        )
        # the evidence id is not carried: a page links to published records by their own ids
        out.append(
            Change(c.person_id, people[c.person_id].display_name, c.before, c.after, reason, detail, "")
        )
    return out


def _by_person(records: Iterable[Any], key: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        out[record.person_id].append(record)
    return {person: sorted(items, key=key) for person, items in out.items()}


def _index(
    audience: str, public_list: PublicList, history: list[EditionChanges], records: dict[str, list[Record]]
) -> PublicData:
    sources = {s.id: s for s in _typed(records["source"], Source)}
    citations: dict[tuple[str, str], list[Citation]] = defaultdict(list)
    for citation in _typed(records["citation"], Citation):
        if citation.source_id in sources:
            citations[(citation.target_kind, citation.target_id)].append(citation)
    data = PublicData(
        audience=audience,
        listing=public_list,
        history=history,
        people={p.id: p for p in _typed(records["person"], Person)},
        organisations={o.id: o for o in _typed(records["organisation"], Organisation)},
        cases={c.id: c for c in _typed(records["case"], Case)},
        custody=_by_person(
            _typed(records["custody_period"], CustodyPeriod), lambda c: (c.start.sort_key(), c.id)
        ),
        charges=_by_person(_typed(records["charge"], Charge), lambda c: (c.brought.sort_key(), c.id)),
        assessments=_by_person(
            _typed(records["assessment"], Assessment), lambda a: (a.decided_on.sort_key(), a.id)
        ),
        events=sorted(_typed(records["event"], Event), key=lambda e: (e.date.sort_key(), e.id)),
        interventions=sorted(
            _typed(records["intervention"], Intervention), key=lambda i: (i.date.sort_key(), i.id)
        ),
        sources=sources,
        citations=dict(citations),
        context_periods=sorted(
            _typed(records["context_period"], ContextPeriod), key=lambda c: (c.start.sort_key(), c.id)
        ),
    )
    data.shown = {kind: {r.id for r in items} for kind, items in records.items()}
    return data
