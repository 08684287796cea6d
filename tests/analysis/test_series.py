"""Series over time (habeas.analysis.series): held as `held_on` counts it, events placed by their dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from habeas.analysis.series import ALL, Series, month_spans, series
from habeas.domain.dates import PartialDate
from habeas.domain.records import CustodyPeriod, Event, Participant, Person, PersonName
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store

P = PartialDate.parse
D = date
TEAM = ALL_VISIBILITY
NOT_CONFIDENTIAL = frozenset({"public", "restricted"})


def person(service: Service, name: str, *groups: str, visibility: str = "restricted") -> str:
    made = Person(names=[PersonName(value=name)], groups=list(groups), visibility=visibility)
    return service.create(made)[0].id


def custody(service: Service, person_id: str, kind: str, start: str, end: str | None = None) -> str:
    period = CustodyPeriod(
        person_id=person_id, kind=kind, start=P(start), end=None if end is None else P(end)
    )
    return service.create(period)[0].id


def event(service: Service, type_: str, when: str, *victims: str, visibility: str = "restricted") -> str:
    made = Event(
        type=type_,
        date=P(when),
        participants=[Participant(person_id=v) for v in victims],
        visibility=visibility,
    )
    return service.create(made)[0].id


@dataclass
class World:
    aysel: str  # journalist and blogger
    bahram: str  # peaceful protester
    chinara: str  # human rights defender
    hidden: str  # confidential person


@pytest.fixture
def world(service: Service) -> World:
    """A handful of invented people, their custody and the events around it, in 2023–2024."""
    aysel = person(service, "Aysel Testova", "journalist", "blogger")
    custody(service, aysel, "pre_trial_detention", "2024-03-10", "2024-06-20")
    custody(service, aysel, "imprisonment", "2024-06-21")
    event(service, "arrest", "2024-03-10", aysel)
    event(service, "search", "2024-03-11", aysel)
    bahram = person(service, "Bahram Testov", "peaceful_protester")
    custody(service, bahram, "administrative_detention", "2024-04", "2024-05-03")  # held from 30 April
    event(service, "arrest", "2024-04", bahram)  # known only to the month
    event(service, "release", "2024-05-03", bahram)
    chinara = person(service, "Chinara Testova", "human_rights_defender")
    custody(service, chinara, "house_arrest", "2024-02-01")
    custody(service, chinara, "pre_trial_detention", "2024-05-01", "2024-05-31")  # started later: its kind
    event(service, "arrest", "2024-05-15", chinara)
    event(service, "arrest", "2024", chinara)  # known only to the year
    event(service, "arrest", "2024-06/2024-07", chinara)  # two months: within the year, not one month
    event(service, "arrest", "2023-12/2024-01", chinara)  # across the start of 2024
    event(service, "arrest", "XXXX", chinara)  # nobody knows when
    event(service, "arrest", "2023-05-01", chinara)  # before the range
    event(service, "arrest", "2024-08-02", visibility="confidential")  # no victim recorded
    banned = person(service, "Dilan Testov", "blogger")
    custody(service, banned, "travel_ban", "2024-01-05")  # restricted, not held
    gone = person(service, "Elvin Testov", "journalist")
    retracted = custody(service, gone, "imprisonment", "2024-01-01")
    service.retract("custody_period", retracted, "entered in error")
    unknown_end = person(service, "Fidan Testova", "academic")
    custody(service, unknown_end, "imprisonment", "2024-01-01", "XXXX")  # an end nobody knows: never certain
    hidden = person(service, "Gunel Testova", "journalist", visibility="confidential")
    custody(service, hidden, "imprisonment", "2024-02-15")
    event(service, "arrest", "2024-02-15", hidden)
    return World(aysel, bahram, chinara, hidden)


def make(store: Store, first: date, last: date, every: str, **options: object) -> Series:
    with store.reading() as conn:
        return series(conn, first, last, every, **options)  # type: ignore[arg-type]


def point(report: Series, end: date) -> dict[str, object]:
    (found,) = [p for p in report.as_json()["points"] if p["end"] == end.isoformat()]
    return found


def test_the_daily_sweep_equals_held_on_on_sample_days(store: Store, world: World) -> None:
    first, last = D(2024, 1, 1), D(2024, 12, 31)
    by_group, by_kind = (
        make(store, first, last, "day", by="group"),
        make(store, first, last, "day", by="kind"),
    )
    # Every fourth day, and each day around the fixture's custody dates, where counts change.
    edges = [D(2024, 1, 5), D(2024, 2, 1), D(2024, 2, 15), D(2024, 3, 10), D(2024, 4, 30), D(2024, 5, 1)]
    edges += [D(2024, 5, 3), D(2024, 5, 31), D(2024, 6, 20), D(2024, 6, 21)]
    sample = sorted(
        {*(p.end for p in by_group.points[::4]), *(e + timedelta(days=d) for e in edges for d in (-1, 0, 1))}
    )
    for day in sample:
        with store.reading() as conn:
            held = queries.held_on(conn, day)
        for report, expected in ((by_group, held.by_group), (by_kind, held.by_kind)):
            counts = report.points[(day - first).days].counts
            assert counts[ALL].held == held.total, day
            assert {c: n.held for c, n in counts.items() if c != ALL and n.held} == expected, day


def test_month_ends_and_month_starts_match_the_other_counts(store: Store, world: World) -> None:
    report = make(store, D(2024, 1, 1), D(2024, 12, 31), "month")
    assert [p.end for p in report.points] == [end for _, end in month_spans(D(2024, 1, 1), D(2024, 12, 31))]
    assert [p.counts[ALL].held for p in report.points] == [0, 2, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3]
    daily = make(store, D(2023, 12, 1), D(2024, 12, 31), "day")
    with store.reading() as conn:
        starts = queries.held_per_month(conn, D(2023, 12, 1), D(2024, 12, 31))
    assert [n for _, n in starts] == [p.counts[ALL].held for p in daily.points if p.end.day == 1]


def test_held_by_kind_follows_the_latest_started_period(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    chinara = person(service, "Chinara Testova", "human_rights_defender")
    custody(service, chinara, "house_arrest", "2024-02-01")
    custody(service, chinara, "pre_trial_detention", "2024-05-01", "2024-05-31")
    report = make(sqlite_store, D(2024, 4, 30), D(2024, 6, 1), "day", by="kind")
    kinds = {p.end: [c for c, n in p.counts.items() if c and n.held] for p in report.points}
    assert kinds[D(2024, 4, 30)] == ["house_arrest"]
    assert kinds[D(2024, 5, 1)] == kinds[D(2024, 5, 31)] == ["pre_trial_detention"]
    assert kinds[D(2024, 6, 1)] == ["house_arrest"]
    assert all(p.counts[ALL].held == 1 for p in report.points)  # one person, however many periods


def test_monthly_events_count_in_the_month_their_date_lies_in(store: Store, world: World) -> None:
    report = make(store, D(2024, 1, 1), D(2024, 12, 31), "month")
    arrests = [p.counts[ALL].events.get("arrest", 0) for p in report.points]
    releases = [p.counts[ALL].events.get("release", 0) for p in report.points]
    # Feb: the hidden person's; Mar: Aysel; Apr: Bahram (known to the month); May: Chinara; Aug: unnamed.
    assert arrests == [0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert releases == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    data = report.as_json()
    assert data["undated_in_period"] == {"all": {"arrest": 2, "release": 0}}  # the year, and June–July
    assert data["straddling"] == {"all": {"arrest": 1, "release": 0}}  # December 2023 – January 2024
    assert data["date_unknown"] == {"all": {"arrest": 1, "release": 0}}


def test_daily_events_known_to_the_month_go_to_the_month_only_column(store: Store, world: World) -> None:
    report = make(store, D(2024, 4, 1), D(2024, 5, 20), "day")
    april_end = point(report, D(2024, 4, 30))
    assert april_end["events"] == {"arrest": 0, "release": 0}
    assert april_end["month_only"] == {"arrest": 1, "release": 0}
    assert point(report, D(2024, 5, 3))["events"] == {"arrest": 0, "release": 1}
    assert "month_only" not in point(report, D(2024, 5, 3))
    # May is cut at the 20th: its row there carries May's month-only counts (none).
    assert point(report, D(2024, 5, 20))["month_only"] == {"arrest": 0, "release": 0}
    assert point(report, D(2024, 5, 15))["events"] == {"arrest": 1, "release": 0}
    assert sum(p.counts[ALL].events.get("arrest", 0) for p in report.points) == 1
    # The year may fall inside 1 April – 20 May or outside it; June–July and December–January cannot.
    data = report.as_json()
    assert data["undated_in_period"]["all"]["arrest"] == 0
    assert data["straddling"]["all"]["arrest"] == 1
    assert data["date_unknown"]["all"]["arrest"] == 1


def test_a_month_cut_by_the_range_keeps_only_events_wholly_inside(store: Store, world: World) -> None:
    report = make(store, D(2024, 4, 10), D(2024, 4, 30), "month")
    (april,) = report.as_json()["points"]
    assert (april["start"], april["end"]) == ("2024-04-10", "2024-04-30")
    assert april["events"] == {"arrest": 0, "release": 0}  # "2024-04" may be 1–9 April
    assert report.as_json()["straddling"]["all"]["arrest"] == 2  # April, and the year


def test_events_by_group_count_in_each_group_of_their_victims(store: Store, world: World) -> None:
    report = make(store, D(2024, 1, 1), D(2024, 12, 31), "month", by="group")
    march = point(report, D(2024, 3, 31))
    assert march["events"] == {"arrest": 1, "release": 0}
    assert march["by"]["journalist"] == {"held": 2, "events": {"arrest": 1, "release": 0}}  # with Gunel
    assert march["by"]["blogger"]["events"] == {"arrest": 1, "release": 0}
    assert march["by"]["human_rights_defender"] == {"held": 1, "events": {"arrest": 0, "release": 0}}
    assert report.categories[0] == ALL
    assert report.as_json()["undated_in_period"]["human_rights_defender"] == {"arrest": 2, "release": 0}


def test_other_event_types_and_kinds_without_event_columns(store: Store, world: World) -> None:
    report = make(store, D(2024, 3, 1), D(2024, 3, 31), "month", by="kind", event_types=["search"])
    (march,) = report.as_json()["points"]
    assert march["events"] == {"search": 1}
    assert march["by"]["pre_trial_detention"] == {"held": 1}  # events have no custody kind
    assert report.columns() == ["start", "end", "kind", "held", "search"]
    lines = list(report.rows())
    assert lines[0] == ["2024-03-01", "2024-03-31", "all", "3", "1"]
    assert ["2024-03-01", "2024-03-31", "house_arrest", "1", ""] in lines


def test_visibility_hides_people_events_and_their_groups(store: Store, world: World) -> None:
    first, last = D(2024, 1, 1), D(2024, 12, 31)
    everyone = make(store, first, last, "month", by="group", visible=TEAM)
    some = make(store, first, last, "month", by="group", visible=NOT_CONFIDENTIAL)
    assert point(everyone, D(2024, 2, 29))["held"] == 2
    assert point(some, D(2024, 2, 29))["held"] == 1  # the confidential person is not counted
    # Her arrest is a restricted event: it counts, but not in her group.
    assert point(some, D(2024, 2, 29))["events"]["arrest"] == 1
    assert (
        point(some, D(2024, 2, 29))["by"].get("journalist", {"events": {"arrest": 0}})["events"]["arrest"]
        == 0
    )
    assert point(everyone, D(2024, 2, 29))["by"]["journalist"]["events"]["arrest"] == 1
    assert point(everyone, D(2024, 8, 31))["events"]["arrest"] == 1
    assert point(some, D(2024, 8, 31))["events"]["arrest"] == 0  # a confidential event


def test_late_information_changes_past_figures(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    someone = person(service, "Late Testov", "blogger")
    period = custody(service, someone, "imprisonment", "2024-01-10")
    before = make(sqlite_store, D(2024, 1, 1), D(2024, 3, 31), "month")
    service.update("custody_period", period, end=P("2024-02-05"))
    after = make(sqlite_store, D(2024, 1, 1), D(2024, 3, 31), "month")
    assert [p.counts[ALL].held for p in before.points] == [1, 1, 1]
    assert [p.counts[ALL].held for p in after.points] == [1, 0, 0]


@pytest.mark.parametrize(
    ("first", "last", "options", "field"),
    [
        (D(2024, 5, 1), D(2024, 4, 30), {}, "to"),
        (D(1950, 1, 1), D(2024, 12, 31), {}, "to"),
        (D(2024, 1, 1), D(2024, 2, 1), {"every": "week"}, "every"),
        (D(2024, 1, 1), D(2024, 2, 1), {"by": "place"}, "by"),
        (D(2024, 1, 1), D(2024, 2, 1), {"event_types": ["raid"]}, "event_type"),
        (D(2024, 1, 1), D(2024, 2, 1), {"event_types": []}, "event_type"),
    ],
)
def test_bad_input_names_the_field(
    sqlite_store: Store, first: date, last: date, options: dict[str, object], field: str
) -> None:
    every = str(options.pop("every", "month"))
    with pytest.raises(ValidationError) as refused:
        make(sqlite_store, first, last, every, **options)
    assert refused.value.field == field


def test_the_longest_series_allowed(sqlite_store: Store) -> None:
    first = D(1970, 1, 1)
    report = make(sqlite_store, first, first + timedelta(days=19_999), "day")
    assert len(report.points) == 20_000
    assert month_spans(D(9999, 12, 5), D(9999, 12, 31)) == [(D(9999, 12, 5), D(9999, 12, 31))]
