"""The read-only questions on every backend: held on a date, hearings, terms, gaps, search, timelines."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Assessment,
    Case,
    Charge,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Participant,
    Person,
    PersonName,
    Relationship,
    Source,
)
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store

P = PartialDate.parse
D = date


def person(service: Service, name: str, *groups: str, other_names: tuple[str, ...] = ()) -> str:
    names = [PersonName(value=name)] + [PersonName(value=n, kind="transliteration") for n in other_names]
    (created,) = service.create(Person(names=names, groups=list(groups)))
    return created.id


def custody(
    service: Service, person_id: str, kind: str, start: str, end: str | None = None, **fields: object
) -> str:
    period = CustodyPeriod(
        person_id=person_id,
        kind=kind,
        start=P(start),
        end=None if end is None else P(end),
        **fields,  # type: ignore[arg-type]
    )
    return service.create(period)[0].id


def held(store: Store, day: date) -> queries.HeldReport:
    with store.reading() as conn:
        return queries.held_on(conn, day)


def held_names(store: Store, day: date) -> list[str]:
    return [p.name for p in held(store, day).people]


# -- held on a date --------------------------------------------------------------------


def test_held_on_counts_only_the_certainly_held(store: Store, service: Service) -> None:
    month = person(service, "Month Start")
    custody(service, month, "pre_trial_detention", "2024-04")  # started some day in April, still held
    closed = person(service, "Closed Period")
    custody(service, closed, "imprisonment", "2024-01-10", "2024-03-05")
    unknown_end = person(service, "Unknown End")
    custody(service, unknown_end, "imprisonment", "2024-01-01", "XXXX")
    month_end = person(service, "Month End")
    custody(service, month_end, "administrative_detention", "2024-05-20", "2024-06")

    # A start known to the month counts from the month's last day, not from mid-month.
    assert "Month Start" not in held_names(store, D(2024, 4, 15))
    assert "Month Start" not in held_names(store, D(2024, 4, 29))
    assert "Month Start" in held_names(store, D(2024, 4, 30))
    assert "Month Start" in held_names(store, D(2030, 1, 1))  # an open end: still held
    # Both end days count; the day after does not.
    assert "Closed Period" in held_names(store, D(2024, 1, 10))
    assert "Closed Period" in held_names(store, D(2024, 3, 5))
    assert "Closed Period" not in held_names(store, D(2024, 3, 6))
    assert "Closed Period" not in held_names(store, D(2024, 1, 9))
    # An end nobody knows could be any day, so the person is never certainly held.
    assert "Unknown End" not in held_names(store, D(2024, 1, 2))
    # An end known to the month: certainly held only until the month's first day.
    assert "Month End" in held_names(store, D(2024, 6, 1))
    assert "Month End" not in held_names(store, D(2024, 6, 2))

    report = held(store, D(2024, 5, 31))
    assert [p.name for p in report.people] == ["Month End", "Month Start"]
    assert report.total == 2
    assert report.by_kind == {"pre_trial_detention": 1, "administrative_detention": 1}
    assert report.people[1] == queries.HeldPerson(month, "Month Start", [], "pre_trial_detention", "2024-04")


def test_held_on_counts_a_person_once_in_total_and_once_per_group(store: Store, service: Service) -> None:
    both = person(service, "Two Groups", "journalist", "human_rights_defender")
    one = person(service, "One Group", "journalist")
    repeated = person(service, "Repeated Group", "blogger", "blogger")
    none = person(service, "No Group")
    for pid in (both, one, repeated, none):
        custody(service, pid, "pre_trial_detention", "2024-01-01")
    report = held(store, D(2024, 6, 1))
    assert report.total == 4
    assert report.by_group == {"journalist": 2, "human_rights_defender": 1, "blogger": 1}
    assert {p.name: p.groups for p in report.people}["Two Groups"] == ["journalist", "human_rights_defender"]
    assert report.as_json()["by_group"] == report.by_group
    assert report.as_json()["date"] == "2024-06-01"


def test_travel_bans_and_exile_are_restrictions_not_detentions(store: Store, service: Service) -> None:
    banned = person(service, "Travel Ban", "journalist")
    custody(service, banned, "travel_ban", "2024-01-01")
    exiled = person(service, "In Exile")
    custody(service, exiled, "exile", "2020")
    both = person(service, "Held And Banned")
    custody(service, both, "travel_ban", "2023-01-01")
    custody(service, both, "house_arrest", "2024-02-01")
    report = held(store, D(2024, 6, 1))
    assert [p.name for p in report.people] == ["Held And Banned"]
    assert report.total == 1
    assert report.by_group == {}
    assert report.restricted == {"total": 2, "by_kind": {"travel_ban": 1, "exile": 1}}


def test_overlapping_periods_count_once_with_the_latest_started_kind(store: Store, service: Service) -> None:
    pid = person(service, "Overlapping", "journalist")
    custody(service, pid, "pre_trial_detention", "2023-11-29")
    custody(service, pid, "imprisonment", "2024-06-20")
    custody(service, pid, "police_supervision", "2022", "2025")
    report = held(store, D(2024, 7, 1))
    assert report.total == 1
    assert report.by_kind == {"imprisonment": 1}
    assert report.by_group == {"journalist": 1}
    assert (report.people[0].kind, report.people[0].since) == ("imprisonment", "2024-06-20")
    assert held(store, D(2024, 6, 19)).by_kind == {"pre_trial_detention": 1}


def test_retracted_people_and_periods_count_nowhere(store: Store, service: Service) -> None:
    gone = person(service, "Retracted Person", "journalist")
    custody(service, gone, "imprisonment", "2020")
    kept = person(service, "Retracted Period")
    wrong = custody(service, kept, "imprisonment", "2020")
    service.retract("person", gone)
    service.retract("custody_period", wrong)
    report = held(store, D(2024, 1, 1))
    assert (report.total, report.people, report.by_group) == (0, [], {})


def test_an_empty_database_holds_nobody(sqlite_store: Store) -> None:
    store = sqlite_store
    report = held(store, D(2024, 1, 1))
    assert (report.total, report.by_group, report.by_kind, report.people) == (0, {}, {}, [])
    assert report.restricted == {"total": 0, "by_kind": {}}


# -- hearings and terms ------------------------------------------------------------------


def test_hearings_between_two_dates(store: Store, service: Service) -> None:
    anar = person(service, "Anar Məmmədli")
    monitor = person(service, "A Monitor")
    court, case = service.create(
        Organisation(name="Baku Grave Crimes Court", kind="court"), Case(title="Election monitors case")
    )
    parts = [Participant(person_id=anar, role="victim"), Participant(person_id=monitor, role="monitor")]

    def hearing(type_: str, when: str, at: datetime | None = None, **fields: object) -> str:
        event = Event(type=type_, date=P(when), scheduled_at=at, participants=parts, **fields)  # type: ignore[arg-type]
        return service.create(event)[0].id

    timed = hearing(
        "trial_hearing",
        "2024-12-17",
        datetime(2024, 12, 17, 10, 30),
        organisation_id=court.id,
        case_id=case.id,
        monitoring_outcome="refused_entry",
    )
    late = hearing("remand_hearing", "2024-12-18", datetime(2024, 12, 18, 23, 59))
    next_day = hearing("remand_hearing", "2024-12-19", datetime(2024, 12, 19, 0, 0))
    day_only = hearing("appeal_hearing", "2024-12-18")
    month_only = hearing("cassation_hearing", "2024-12")
    hearing("arrest", "2024-12-17")  # not a hearing
    withdrawn = hearing("trial_hearing", "2024-12-17")
    service.retract("event", withdrawn)

    with store.reading() as conn:
        rows = queries.hearings_between(conn, D(2024, 12, 17), D(2024, 12, 18))
        whole_month = queries.hearings_between(conn, D(2024, 12, 1), D(2024, 12, 31))
        before = queries.hearings_between(conn, D(2024, 12, 1), D(2024, 12, 16))
    assert [r.id for r in rows] == [day_only, timed, late]
    first = rows[1]
    assert first == queries.HearingRow(
        timed,
        "trial_hearing",
        "2024-12-17",
        datetime(2024, 12, 17, 10, 30),
        "Baku Grave Crimes Court",
        "Election monitors case",
        ["Anar Məmmədli"],  # victims only, not the monitor
        "refused_entry",
    )
    assert {r.id for r in whole_month} == {timed, late, next_day, day_only, month_only}
    assert before == []


def test_terms_ending_within_days(store: Store, service: Service) -> None:
    anar = person(service, "Anar Məmmədli")
    soon = custody(service, anar, "pre_trial_detention", "2024-04-29", authorised_until=D(2024, 7, 29))
    other = person(service, "Bahruz Testov")
    later = custody(service, other, "house_arrest", "2024-05-01", authorised_until=D(2024, 8, 20))
    ended = person(service, "Ended Testov")
    custody(
        service, ended, "pre_trial_detention", "2024-04-01", "2024-06-01", authorised_until=D(2024, 7, 30)
    )
    withdrawn = custody(service, other, "pre_trial_detention", "2024-05-01", authorised_until=D(2024, 7, 21))
    service.retract("custody_period", withdrawn)

    with store.reading() as conn:
        rows = queries.terms_ending(conn, D(2024, 7, 15), within_days=14)
        edge = queries.terms_ending(conn, D(2024, 7, 29), within_days=0)
        wide = queries.terms_ending(conn, D(2024, 7, 1), within_days=60)
    assert rows == [queries.TermRow(soon, anar, "Anar Məmmədli", "pre_trial_detention", D(2024, 7, 29))]
    assert [r.custody_id for r in edge] == [soon]
    assert [r.custody_id for r in wide] == [soon, later]


def test_unsourced_facts_leave_the_list_once_cited(store: Store, service: Service) -> None:
    anar = person(service, "Anar Məmmədli")
    period = custody(service, anar, "pre_trial_detention", "2024-04-29")
    (source,) = service.create(Source(title="A report"))

    def gaps() -> set[tuple[str, str]]:
        with store.reading() as conn:
            return {(g.kind, g.id) for g in queries.unsourced(conn)}

    assert gaps() == {("person", anar), ("custody_period", period)}
    citation = service.cite(source.id, "custody_period", period, locator="p. 1")
    assert gaps() == {("person", anar)}
    service.retract("citation", citation.id)
    assert gaps() == {("person", anar), ("custody_period", period)}
    # A citation of a source that was later retracted supports nothing, as on the timeline.
    service.cite(source.id, "custody_period", period, locator="p. 1")
    assert gaps() == {("person", anar)}
    service.retract("source", source.id)
    assert gaps() == {("person", anar), ("custody_period", period)}
    with store.reading() as conn:
        assert queries.unsourced(conn, kinds=["custody_period"]) == [
            queries.UnsourcedFact("custody_period", period)
        ]


# -- people ------------------------------------------------------------------------------


def test_search_people_ignores_case_accents_and_finds_every_stored_spelling(
    store: Store, service: Service
) -> None:
    anar = person(
        service, "Anar Məmmədli", "human_rights_defender", other_names=("Anar Mammadli", "Анар Мамедли")
    )
    leyla = person(service, "Leyla Əliyeva")
    gone = person(service, "Anar Retracted")
    service.retract("person", gone)

    def found(text: str) -> list[str]:
        with store.reading() as conn:
            return [row.id for row in queries.search_people(conn, text)]

    for text in ("məmmədli", "MAMMADLI", "мамедли", "МАМЕДЛИ", "Memmedli", "  anar   məmməd "):
        assert found(text) == [anar], text
    assert found("eliyeva") == [leyla]
    assert found("a_ar") == [] and found("%") == []  # typed characters, not LIKE wildcards
    assert found("anar") == [anar]  # the retracted person is not found
    assert found("nobody") == []
    assert sorted(found("")) == sorted([anar, leyla])
    with store.reading() as conn:
        (row,) = queries.search_people(conn, "mammadli")
        page = queries.search_people(conn, "", limit=1, offset=1)
    assert row == queries.PersonRow(
        anar, "Anar Məmmədli", ["Anar Mammadli", "Анар Мамедли"], ["human_rights_defender"]
    )
    assert len(page) == 1


# -- timelines ---------------------------------------------------------------------------


def test_person_timeline_is_sorted_with_citations_and_relatives_reprisals(
    store: Store, service: Service
) -> None:
    prisoner = person(service, "Anar Məmmədli")
    brother = person(service, "Brother Testov")
    stranger = person(service, "Stranger Testov")
    facility, case, source = service.create(
        Organisation(name="Baku Pre-Trial Detention Centre", kind="detention_facility"),
        Case(title="Election monitors case"),
        Source(title="Statement of 24 January 2025"),
    )
    service.create(Relationship(person_id=brother, other_person_id=prisoner, type="relative"))
    victim = [Participant(person_id=prisoner, role="victim")]
    arrest, period, charge, reprisal, _, intervention, assessment, gone = service.create(
        Event(type="arrest", date=P("2023-11-29"), participants=victim, case_id=case.id),
        CustodyPeriod(
            person_id=prisoner,
            kind="pre_trial_detention",
            start=P("2023-11-30"),
            end=P("2024-04"),
            facility_id=facility.id,
            case_id=case.id,
        ),
        Charge(
            person_id=prisoner, case_id=case.id, article="206.3.2", label="smuggling", brought=P("2023-12")
        ),
        Event(
            type="search", date=P("2024-02-10"), participants=[Participant(person_id=brother, role="victim")]
        ),
        Event(
            type="search", date=P("2024-02-11"), participants=[Participant(person_id=stranger, role="victim")]
        ),
        Intervention(kind="prison_visit_request", person_id=prisoner, actor="monitors", date=P("2024-01")),
        Assessment(person_id=prisoner, conclusion="political_prisoner", decided_on=P("2024")),
        Event(type="hunger_strike", date=P("2024-01-15"), participants=victim),
    )
    service.retract("event", gone.id)
    quoted = service.cite(source.id, "event", arrest.id, locator="p. 2", quote="detained at night")
    plain = service.cite(source.id, "event", arrest.id, locator="p. 1")

    with store.reading() as conn:
        lines = queries.person_timeline(conn, prisoner)
    assert [(line.date.text, line.kind, line.text) for line in lines] == [
        ("2023-11-29", "event", "arrest"),
        ("2023-11-30", "custody_period", "pre_trial_detention begins at Baku Pre-Trial Detention Centre"),
        ("2023-12", "charge", "charge CC 206.3.2 (smuggling): pending"),
        ("2024-01", "intervention", "prison_visit_request by monitors: pending"),  # sorts before 2024
        ("2024", "assessment", "assessed: political_prisoner"),
        ("2024-02-10", "event", "relative (relative): search"),
        ("2024-04", "custody_period", "pre_trial_detention ends"),
    ]
    assert [c.citation_id for c in lines[0].citations] == sorted([quoted.id, plain.id])
    assert {c.citation_id: (c.locator, c.quote) for c in lines[0].citations} == {
        quoted.id: ("p. 2", "detained at night"),
        plain.id: ("p. 1", ""),
    }
    assert lines[0].citations[0].source_title == "Statement of 24 January 2025"
    assert lines[5].record_id == reprisal.id
    assert lines[1].record_id == period.id and lines[2].record_id == charge.id
    assert (lines[3].record_id, lines[4].record_id) == (intervention.id, assessment.id)
    assert {c["quote"] for c in lines[0].as_json()["citations"]} == {"detained at night", ""}
    assert all(line.citations == [] for line in lines[1:])
    assert lines[6].as_json()["earliest"] == "2024-04-01"


def test_a_retracted_relationship_takes_the_relatives_reprisals_off_the_timeline(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    prisoner = person(service, "Anar Məmmədli")
    sister = person(service, "Sister Testova")
    (relationship,) = service.create(
        Relationship(person_id=prisoner, other_person_id=sister, type="relative")
    )
    service.create(
        Event(
            type="arrest", date=P("2024-03-01"), participants=[Participant(person_id=sister, role="victim")]
        )
    )
    with store.reading() as conn:
        assert [line.text for line in queries.person_timeline(conn, prisoner)] == [
            "relative (relative): arrest"
        ]
    service.retract("relationship", relationship.id)
    with store.reading() as conn:
        assert queries.person_timeline(conn, prisoner) == []


def test_case_timeline(store: Store, service: Service) -> None:
    anar = person(service, "Anar Məmmədli")
    case, other_case = service.create(Case(title="Election monitors case"), Case(title="Another case"))
    service.create(
        Event(type="verdict", date=P("2025-06-20"), case_id=case.id, outcome="9 years"),
        Event(type="trial_hearing", date=P("2024-12-17"), case_id=case.id, monitoring_outcome="attended"),
        CustodyPeriod(
            person_id=anar, kind="pre_trial_detention", start=P("2023-11-30"), case_id=case.id, place="Baku"
        ),
        Charge(person_id=anar, case_id=case.id, article="206.3.2", status="convicted", sentence="9 years"),
        Event(type="trial_hearing", date=P("2024-12-18"), case_id=other_case.id),
    )
    with store.reading() as conn:
        lines = queries.case_timeline(conn, case.id)
    assert [(line.date.text, line.text) for line in lines] == [
        ("XXXX", "charge CC 206.3.2: convicted, sentence 9 years"),  # an unknown date sorts first
        ("2023-11-30", "pre_trial_detention begins at Baku"),
        ("2024-12-17", "trial_hearing (monitoring: attended)"),
        ("2025-06-20", "verdict (9 years)"),
    ]


def test_case_members_in_the_order_given(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    first, second = person(service, "First"), person(service, "Second")
    (case,) = service.create(Case(title="A case", person_ids=[second, first]))
    with store.reading() as conn:
        assert queries.case_members(conn, case.id) == [second, first]


@pytest.mark.parametrize("day", [D(2024, 4, 30), D(2024, 5, 1)])
def test_covering_matches_the_python_rule(sqlite_store: Store, day: date) -> None:
    """The SQL rule agrees with the same rule written over the partial dates in Python."""
    service = Service(sqlite_store, "tester")
    pid = person(service, "Someone")
    spans = [("2024-04", None), ("2024", "2024-05"), ("2024-04-30", "2024-04-30"), ("2024-05-01", "XXXX")]
    ids = {custody(service, pid, "imprisonment", s, e): (s, e) for s, e in spans}
    with sqlite_store.reading() as conn:
        got = set(conn.execute(sa.select(queries.cp.c.id).where(queries.covering(day))).scalars())

    def certainly(start: str, end: str | None) -> bool:
        s, e = P(start), None if end is None else P(end)
        started = s.latest is not None and s.latest <= day
        return started and (e is None or (e.earliest is not None and e.earliest >= day))

    assert got == {cid for cid, (s, e) in ids.items() if certainly(s, e)}
