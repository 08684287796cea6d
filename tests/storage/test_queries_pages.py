"""The queries behind the web pages: held per month, context periods, changes, citing records, lists."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from habeas.demo import generate
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Case,
    ContextPeriod,
    CustodyPeriod,
    Organisation,
    Person,
    PersonName,
    Source,
)
from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store

P = PartialDate.parse
D = date


def person(service: Service, name: str) -> str:
    return service.create(Person(names=[PersonName(value=name)]))[0].id


def custody(service: Service, person_id: str, kind: str, start: str, end: str | None = None) -> str:
    period = CustodyPeriod(
        person_id=person_id, kind=kind, start=P(start), end=None if end is None else P(end)
    )
    return service.create(period)[0].id


# -- held per month -----------------------------------------------------------------------


def test_held_per_month_counts_each_first_of_month_by_the_certainly_held_rule(
    store: Store, service: Service
) -> None:
    twice = person(service, "Two Overlapping Periods")
    custody(service, twice, "pre_trial_detention", "2024-01-15", "2024-06-10")
    custody(service, twice, "imprisonment", "2024-03-01")
    month_start = person(service, "Month Start")
    custody(service, month_start, "house_arrest", "2024-02")  # certainly from 29 February
    ended = person(service, "Ended On The First")
    custody(service, ended, "administrative_detention", "2024-01-20", "2024-04-01")
    unknown_end = person(service, "Unknown End")
    custody(service, unknown_end, "imprisonment", "2023-01-01", "XXXX")
    banned = person(service, "Travel Ban")
    custody(service, banned, "travel_ban", "2023-01-01")
    withdrawn = person(service, "Withdrawn")
    service.retract("custody_period", custody(service, withdrawn, "imprisonment", "2020"))
    gone = person(service, "Retracted Person")
    custody(service, gone, "imprisonment", "2020")
    service.retract("person", gone)

    with store.reading() as conn:
        months = queries.held_per_month(conn, D(2024, 1, 31), D(2024, 5, 2))
        single = queries.held_per_month(conn, D(2024, 4, 1), D(2024, 4, 1))
        reversed_range = queries.held_per_month(conn, D(2024, 5, 1), D(2024, 4, 1))
        for day, count in months:
            assert queries.held_on(conn, day).total == count, day
    assert months == [
        (D(2024, 1, 1), 0),
        (D(2024, 2, 1), 2),
        (D(2024, 3, 1), 3),
        (D(2024, 4, 1), 3),
        (D(2024, 5, 1), 2),
    ]
    assert single == [(D(2024, 4, 1), 3)]
    assert reversed_range == []


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A SQLite store with 150 demo people: the shapes of real data, with every kind of custody."""
    from habeas.config import Settings

    folder = tmp_path_factory.mktemp("demo")
    store = Store.open(Settings(db=str(folder / "demo.db"), audit_key_file=str(folder / "audit.key")))
    store.init()
    generate(Service(store, "demo"), people=150, seed=5, today=D(2025, 6, 2))
    yield store
    store.close()


@pytest.mark.parametrize(
    "visible", [ALL_VISIBILITY, frozenset({"public", "restricted"}), frozenset({"public"})]
)
def test_held_per_month_equals_held_on_on_demo_data(demo_store: Store, visible: frozenset[str]) -> None:
    with demo_store.reading() as conn:
        months = queries.held_per_month(conn, D(2015, 1, 1), D(2025, 6, 2), visible=visible)
        assert len(months) == 126 and months[0][0] == D(2015, 1, 1) and months[-1][0] == D(2025, 6, 1)
        assert max(count for _, count in months) > 10
        for day, count in months[::5] + months[-3:]:
            assert queries.held_on(conn, day, visible=visible).total == count, day


# -- context periods ------------------------------------------------------------------------


def test_context_periods_that_may_overlap_a_range(store: Store, service: Service) -> None:
    cop, election, month, unknown, before, gone = service.create(
        ContextPeriod(name="COP29", start=P("2024-11-11"), end=P("2024-11-22")),
        ContextPeriod(name="Presidential election", start=P("2024-02-07")),  # no end: the day itself
        ContextPeriod(name="Closure month", start=P("2024-03")),
        ContextPeriod(name="Unknown start", start=P("XXXX"), end=P("2024-05")),
        ContextPeriod(name="Before", start=P("2023-01-01"), end=P("2023-12-31")),
        ContextPeriod(name="Withdrawn", start=P("2024-06-01"), end=P("2024-06-02")),
    )
    service.retract("context_period", gone.id)
    with store.reading() as conn:
        rows = queries.context_periods_between(conn, D(2024, 1, 1), D(2024, 11, 11))
        march = queries.context_periods_between(conn, D(2024, 3, 31), D(2024, 4, 30))
        late = queries.context_periods_between(conn, D(2024, 11, 22), D(2025, 1, 1))
    assert rows == [
        queries.ContextRow(election.id, "Presidential election", D(2024, 2, 7), D(2024, 2, 7)),
        queries.ContextRow(month.id, "Closure month", D(2024, 3, 1), D(2024, 3, 31)),
        queries.ContextRow(cop.id, "COP29", D(2024, 11, 11), D(2024, 11, 22)),
    ]
    assert [r.id for r in march] == [month.id]
    assert [r.id for r in late] == [cop.id]
    assert unknown.id not in {r.id for r in rows} and before.id not in {r.id for r in rows}


# -- recent changes -------------------------------------------------------------------------


def ticking_clock(start: datetime) -> Iterator[datetime]:
    return (start + timedelta(minutes=n) for n in itertools.count())


def test_recent_changes_newest_first_of_live_visible_records(store: Store) -> None:
    clock = ticking_clock(datetime(2025, 1, 1, 12, 0, tzinfo=UTC))
    service = Service(store, "documenter", clock=lambda: next(clock))
    first = person(service, "First Person")
    second = person(service, "Second Person")
    service.update("person", first, occupation="lawyer")
    gone = person(service, "Withdrawn Person")
    service.retract("person", gone)
    with store.reading() as conn:
        changes = queries.recent_changes(conn)
        top = queries.recent_changes(conn, 2)
    assert [(c.record_id, c.version, c.action) for c in changes] == [
        (first, 2, "update"),
        (second, 1, "create"),
        (first, 1, "create"),
    ]
    newest = changes[0]
    assert (newest.actor, newest.kind, newest.at.tzinfo) == ("documenter", "person", UTC)
    assert newest.at > changes[1].at > changes[2].at > datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert top == changes[:2]


def test_recent_changes_read_past_many_hidden_changes(sqlite_store: Store) -> None:
    clock = ticking_clock(datetime(2025, 1, 1, tzinfo=UTC))
    service = Service(sqlite_store, "tester", clock=lambda: next(clock))
    shown = [person(service, f"Public {n}") for n in range(3)]
    service.create_many(
        Source(title=f"Confidential {n}", visibility="confidential") for n in range(450)
    )  # 450 newer changes the viewer may not see, in one version each
    with sqlite_store.reading() as conn:
        changes = queries.recent_changes(conn, 2, visible=frozenset({"public", "restricted"}))
        everything = queries.recent_changes(conn, 500)
    assert [c.record_id for c in changes] == [shown[2], shown[1]]
    assert len(everything) == 453


# -- records citing a source ------------------------------------------------------------------


def test_records_citing_a_source_skips_retracted_citations_and_targets(
    store: Store, service: Service
) -> None:
    anar = person(service, "Anar Məmmədli")
    period = custody(service, anar, "pre_trial_detention", "2023-11-30")
    gone_period = custody(service, anar, "imprisonment", "2020")
    source, other = service.create(Source(title="A report"), Source(title="Another report"))
    on_person = service.cite(source.id, "person", anar, locator="p. 1", quote="arrested")
    on_period = service.cite(source.id, "custody_period", period, locator="p. 2")
    withdrawn = service.cite(source.id, "custody_period", period, locator="p. 3")
    service.retract("citation", withdrawn.id)
    service.cite(source.id, "custody_period", gone_period, locator="p. 4")
    service.retract("custody_period", gone_period)
    service.cite(other.id, "person", anar)
    with store.reading() as conn:
        rows = queries.records_citing(conn, source.id)
    assert rows == [
        queries.CitingRow(on_person.id, "person", anar, "p. 1", "arrested"),
        queries.CitingRow(on_period.id, "custody_period", period, "p. 2", ""),
    ]
    service.retract("source", source.id)
    with store.reading() as conn:
        assert queries.records_citing(conn, source.id) == []


# -- lists of cases, organisations and sources -------------------------------------------------


def test_list_records_by_title_with_text_filter_pages_and_count(store: Store, service: Service) -> None:
    court, outlet, gone = service.create(
        Organisation(name="Baku Grave Crimes Court", kind="court", place="Baku"),
        Organisation(name="Abzas Media", kind="media_outlet"),
        Organisation(name="Withdrawn 100% Org", kind="other"),
    )
    service.retract("organisation", gone.id)
    cases = service.create(*(Case(title=f"Case {n}", summary=f"summary {n}") for n in "CAB"))
    report, statement = service.create(
        Source(title="Annual report", publisher="Monitors", published=P("2024-12")),
        Source(title="Statement 50% off_record", publisher=""),
    )

    def listed(kind: str, text: str = "", limit: int = 50, offset: int = 0) -> list[queries.RecordRow]:
        with store.reading() as conn:
            rows = queries.list_records(conn, kind, text, limit, offset)
            if offset == 0 and limit == 50:
                assert queries.count_records(conn, kind, text) == len(rows)
        return rows

    assert listed("organisation") == [
        queries.RecordRow(outlet.id, "Abzas Media", "media_outlet"),
        queries.RecordRow(court.id, "Baku Grave Crimes Court", "court, Baku"),
    ]
    assert [r.title for r in listed("case")] == ["Case A", "Case B", "Case C"]
    assert [r.detail for r in listed("case", limit=2, offset=1)] == ["summary B", "summary C"]
    assert [r.id for r in listed("case", "case b")] == [cases[2].id]
    assert [r.id for r in listed("organisation", "GRAVE")] == [court.id]
    assert listed("source", "report") == [queries.RecordRow(report.id, "Annual report", "Monitors, 2024-12")]
    assert [r.id for r in listed("source", "50%")] == [statement.id]
    assert listed("source", "5%") == [] and listed("source", "t_m") == []  # typed characters, not wildcards
    assert listed("organisation", "100") == []  # retracted
    with store.reading() as conn:
        assert queries.count_records(conn, "case", "  ") == 3
        with pytest.raises(ValidationError, match="kind: 'person' is not valid"):
            queries.list_records(conn, "person")
        with pytest.raises(ValidationError, match="kind: 'person' is not valid"):
            queries.count_records(conn, "person")


def test_visible_ids_skips_retracted_and_unknown_ids(store: Store, service: Service) -> None:
    kept, gone = person(service, "Kept"), person(service, "Withdrawn")
    period = custody(service, gone, "imprisonment", "2020")
    service.retract("person", gone)
    with store.reading() as conn:
        assert queries.visible_ids(conn, "person", [kept, gone, "01JNOTANIDNOTANIDNOTANID00"]) == {kept}
        assert queries.visible_ids(conn, "person", []) == set()
        # A record about a retracted person counts as gone too.
        assert queries.visible_ids(conn, "custody_period", [period]) == set()
        with pytest.raises(ValidationError, match="kind: 'user' is not valid"):
            queries.visible_ids(conn, "user", [kept])
