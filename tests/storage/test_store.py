"""The Store on every backend: whole records in and out, history, transactions, optimistic locking."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import cast

import pytest
import sqlalchemy as sa

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    RECORD_TYPES,
    Affiliation,
    Assessment,
    Case,
    Charge,
    Citation,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Participant,
    Person,
    PersonName,
    Record,
    Relationship,
    Source,
    StatusChange,
)
from habeas.errors import ConflictError, NotFound
from habeas.service import Service, new_ulid
from habeas.storage import codec
from habeas.storage import store as store_module
from habeas.storage.store import Store
from habeas.storage.tables import RECORD_TABLES, custody_periods, people

P = PartialDate.parse


def every_kind() -> list[Record]:
    """One record of every kind, each field set to something other than its default where it can be."""
    ids = {name: new_ulid() for name in ("org", "court", "p1", "p2", "case", "event", "source")}
    return [
        Organisation(
            id=ids["org"],
            visibility="public",
            name="Abzas Media",
            kind="media_outlet",
            place="Baku",
            statuses=[
                StatusChange(status="active", since=P("2016"), note="founded"),
                StatusChange(status="closed", since=P("2023-11~"), note=""),
            ],
            notes="independent outlet",
            clarifications={"kind": "registered abroad"},
        ),
        Organisation(id=ids["court"], name="Baku Grave Crimes Court", kind="court"),
        Person(
            id=ids["p1"],
            visibility="confidential",
            names=[
                PersonName(value="Anar Məmmədli", script="Latn", language="az", kind="native"),
                PersonName(value="Анар Мамедли", script="Cyrl", language="ru", kind="transliteration"),
            ],
            sex="male",
            birth_date=P("197X"),
            birth_place="Baku",
            citizenship="AZ",
            occupation="election monitor",
            groups=["human_rights_defender", "civil_society_activist"],
            consent_to_publish=True,
            notes="invented person",
            clarifications={"groups": "runs an election monitoring centre", "sex": "self-described"},
        ),
        Person(id=ids["p2"], names=[PersonName(value="Leyla Testova")], birth_date=PartialDate.unknown()),
        Affiliation(
            person_id=ids["p1"], organisation_id=ids["org"], role="director", start=P("2016-04"), end=None
        ),
        Relationship(
            person_id=ids["p1"], other_person_id=ids["p2"], type="relative", start=P("2001"), end=P("2020")
        ),
        Case(
            id=ids["case"], title="Abzas Media case", summary="smuggling", person_ids=[ids["p1"], ids["p2"]]
        ),
        Charge(
            person_id=ids["p1"],
            case_id=ids["case"],
            code="CC",
            article="206.3.2",
            label="smuggling by a group",
            brought=P("2023-11-30"),
            status="convicted",
            sentence="9 years",
            sentence_months=108,
        ),
        CustodyPeriod(
            person_id=ids["p1"],
            kind="pre_trial_detention",
            start=P("2023-11-29"),
            end=None,
            authorised_until=date(2024, 7, 29),
            facility_id=ids["org"],
            case_id=ids["case"],
            place="Baku Pre-Trial Detention Centre",
        ),
        CustodyPeriod(person_id=ids["p2"], kind="travel_ban", start=P("2024-05/.."), end=P("2025~")),
        Event(
            id=ids["event"],
            type="trial_hearing",
            date=P("2024-12-17"),
            scheduled_at=datetime(2024, 12, 17, 10, 30),
            place="courtroom 3",
            organisation_id=ids["court"],
            case_id=ids["case"],
            participants=[
                Participant(person_id=ids["p1"], role="victim"),
                Participant(person_id=ids["p2"], role="monitor"),
            ],
            outcome="adjourned",
            monitoring_outcome="refused_entry",
            summary="monitors kept out",
        ),
        Intervention(
            kind="hearing_attendance_request",
            person_id=ids["p1"],
            event_id=ids["event"],
            actor="monitoring team",
            target="court chair",
            date=P("2024-12-10"),
            request="attend the hearing",
            response="refused",
            outcome="no access",
        ),
        Assessment(
            person_id=ids["p1"],
            criteria=["fundamental_guarantee_violated", "unfair_proceedings_political"],
            conclusion="political_prisoner",
            decided_by="working group",
            decided_on=P("2024-03"),
            rationale="reprisal for reporting",
        ),
        Source(
            id=ids["source"],
            title="Statement of 24 January 2025",
            kind="report",
            publisher="An NGO",
            author="Research team",
            published=P("2025-01-24"),
            url="https://example.org/statement",
            language="en",
            reliability="B",
            credibility="2",
            text="Full text",
        ),
        Citation(
            source_id=ids["source"],
            target_kind="person",
            target_id=ids["p1"],
            target_field="groups",
            locator="p. 3",
            quote="a human rights defender",
            note="",
        ),
        ContextPeriod(
            name="COP29", start=P("2024-11-11"), end=P("2024-11-22"), description="UN climate summit"
        ),
    ]


def test_every_record_kind_is_covered() -> None:
    assert {r.KIND for r in every_kind()} == set(RECORD_TYPES)


def test_every_kind_round_trips_with_every_field(store: Store) -> None:
    at = datetime(2025, 1, 24, 9, 0, 0, 123456, tzinfo=UTC)
    service = Service(store, "tester", clock=lambda: at)
    written = service.create(*every_kind())
    for record in written:
        got = store.get(record.KIND, record.id)
        assert got == record, record.KIND
        assert (got.version, got.created_at, got.updated_at, got.retracted) == (1, at, at, False)
        assert got.created_at is not None and got.created_at.utcoffset() is not None  # aware, not naive
        # The history keeps the same record, field for field (a revert rebuilds it from there).
        (version,) = store.history(record.id)
        assert codec.from_snapshot(str(version["data"])) == record, record.KIND
    by_kind: dict[str, Record] = {}
    for record in written:
        by_kind.setdefault(record.KIND, record)  # the first of each kind
    person = store.get("person", by_kind["person"].id)
    assert isinstance(person, Person)
    assert [n.value for n in person.names] == ["Anar Məmmədli", "Анар Мамедли"]
    assert person.groups == ["human_rights_defender", "civil_society_activist"]
    assert person.birth_date == PartialDate("197X", date(1970, 1, 1), date(1979, 12, 31))
    assert person.clarifications == {"groups": "runs an election monitoring centre", "sex": "self-described"}
    event = store.get("event", by_kind["event"].id)
    assert isinstance(event, Event)
    assert event.scheduled_at == datetime(2024, 12, 17, 10, 30)
    assert [p.role for p in event.participants] == ["victim", "monitor"]


def test_partial_dates_and_open_ends_round_trip(store: Store, service: Service) -> None:
    (person,) = service.create(Person(names=[PersonName(value="Rauf Testov")]))
    periods = [
        CustodyPeriod(
            person_id=person.id, kind="imprisonment", start=P(start), end=None if end is None else P(end)
        )
        for start, end in [
            ("2024-04", None),
            ("2012~", "2013-40?"),
            ("2024-05/..", "XXXX"),
            ("2020-21", "2020-24%"),
            ("XXXX", "2021-02-28"),
        ]
    ]
    written = service.create(*periods)
    got = cast(list[CustodyPeriod], store.get_many("custody_period", [r.id for r in written]))
    assert got == written
    assert [p.end for p in got][0] is None
    assert got[2].end == PartialDate.unknown()
    assert got[3].end is not None and got[3].end.latest == date(2021, 2, 28)  # winter runs into February
    # The table keeps each partial date's text and bounds, which "held on" compares.
    with store.reading() as conn:
        row = conn.execute(sa.select(custody_periods).where(custody_periods.c.id == written[0].id)).one()
    assert (row.start, row.start_earliest, row.start_latest) == (
        "2024-04",
        date(2024, 4, 1),
        date(2024, 4, 30),
    )
    assert (row.end, row.end_earliest, row.end_latest) == (None, None, None)


def test_get_unknown_id_is_not_found(sqlite_store: Store) -> None:
    with pytest.raises(NotFound, match="no person with id '01JUNKNOWN0000000000000000'"):
        sqlite_store.get("person", "01JUNKNOWN0000000000000000")


def test_get_many_keeps_the_order_asked_and_skips_missing_ids(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    written = service.create(*[Person(names=[PersonName(value=f"Person {i}")]) for i in range(3)])
    ids = [written[2].id, "01JMISSING0000000000000000", written[0].id]
    assert [r.id for r in store.get_many("person", ids)] == [written[2].id, written[0].id]


def test_get_many_reads_more_ids_than_one_statement_may_bind(
    store: Store, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "ID_CHUNK", 7)
    people_ = [
        Person(names=[PersonName(value=f"Person {i}"), PersonName(value=f"Alias {i}", kind="alias")])
        for i in range(20)
    ]
    written = service.create(*people_)
    got = store.get_many("person", [p.id for p in reversed(written)])
    assert got == list(reversed(written))
    with store.reading() as conn:
        assert store.live_ids(conn, "person", [p.id for p in written] + ["01JMISSING0000000000000000"]) == {
            p.id for p in written
        }


def test_live_ids_leave_out_retracted_records_and_other_kinds(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    a, b = service.create(Person(names=[PersonName(value="A")]), Person(names=[PersonName(value="B")]))
    service.retract("person", b.id, "duplicate")
    with store.reading() as conn:
        assert store.live_ids(conn, "person", [a.id, b.id]) == {a.id}
        assert store.live_ids(conn, "case", [a.id]) == set()


def test_history_of_unknown_id_is_not_found(sqlite_store: Store) -> None:
    with pytest.raises(NotFound):
        sqlite_store.history("01JMISSING0000000000000000")


def test_overwrite_with_a_stale_version_is_a_conflict_and_changes_nothing(
    store: Store, service: Service
) -> None:
    person = cast(Person, service.create(Person(names=[PersonName(value="Nigar Testova")]))[0])
    service.update("person", person.id, notes="edited elsewhere")  # now at version 2
    stale = dataclasses.replace(person, notes="my edit", version=2)
    with pytest.raises(ConflictError, match="changed by someone else meanwhile"):
        with store.atomic() as conn:
            store.overwrite(conn, stale, expected_version=1)
    current = store.get("person", person.id)
    assert (current.version, current.notes) == (2, "edited elsewhere")  # type: ignore[attr-defined]


def test_overwrite_with_the_right_version_replaces_child_rows(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    person = Person(
        names=[PersonName(value="One"), PersonName(value="Two")], groups=["journalist", "blogger"]
    )
    person = cast(Person, service.create(person)[0])
    new = dataclasses.replace(person, names=[PersonName(value="Three")], groups=[], version=2)
    with store.atomic() as conn:
        store.overwrite(conn, new, expected_version=1)
    got = store.get("person", person.id)
    assert isinstance(got, Person)
    assert ([n.value for n in got.names], got.groups, got.version) == (["Three"], [], 2)


def test_atomic_rolls_everything_back_on_error(store: Store, service: Service) -> None:
    (person,) = service.create(Person(names=[PersonName(value="Kept")]))
    with pytest.raises(RuntimeError, match="stop"):
        with store.atomic() as conn:
            conn.execute(people.update().where(people.c.id == person.id).values(notes="half-written"))
            raise RuntimeError("stop")
    assert store.get("person", person.id).notes == ""  # type: ignore[attr-defined]


def test_every_record_table_is_known_to_the_store() -> None:
    assert set(RECORD_TABLES) == set(RECORD_TYPES)


def test_one_batch_may_list_a_record_before_the_records_it_refers_to(store: Store, service: Service) -> None:
    """Store.insert writes kinds in dependency order, whatever order the batch gives them in."""
    from habeas.domain.records import Case, Event, Organisation, Participant, Person, PersonName

    person_id, case_id, court_id = new_ulid(), new_ulid(), new_ulid()
    hearing = Event(
        type="trial_hearing",
        date=PartialDate.parse("2024-11-21"),
        case_id=case_id,
        organisation_id=court_id,
        participants=[Participant(person_id=person_id, role="victim")],
    )
    written = service.create(
        hearing,
        Case(id=case_id, title="Invented case", person_ids=[person_id]),
        Organisation(id=court_id, name="Invented court", kind="court"),
        Person(id=person_id, names=[PersonName(value="Invented Person")]),
    )
    assert store.get("event", written[0].id).case_id == case_id
