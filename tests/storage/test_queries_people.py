"""People queries on every backend: search across scripts, the list's filters and count, records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from habeas.domain.dates import PartialDate
from habeas.domain.names import skeleton
from habeas.domain.records import (
    Affiliation,
    Assessment,
    Case,
    Charge,
    CustodyPeriod,
    Intervention,
    Organisation,
    Person,
    PersonName,
    Relationship,
)
from habeas.errors import ValidationError
from habeas.service import Service
from habeas.storage import migrate, queries
from habeas.storage.engine import WRITE_OPTION
from habeas.storage.store import Store
from habeas.storage.tables import person_names

P = PartialDate.parse
D = date


def person(service: Service, *names: str, groups: tuple[str, ...] = ()) -> str:
    (created,) = service.create(Person(names=[PersonName(value=n) for n in names], groups=list(groups)))
    return created.id


def custody(
    service: Service, person_id: str, kind: str, start: str, end: str | None = None, **more: object
) -> str:
    period = CustodyPeriod(
        person_id=person_id,
        kind=kind,
        start=P(start),
        end=None if end is None else P(end),
        **more,  # type: ignore[arg-type]
    )
    return service.create(period)[0].id


def found(store: Store, text: str = "", **filters: object) -> list[str]:
    """The ids on the first page, checked against count_people."""
    with store.reading() as conn:
        ids = [row.id for row in queries.search_people(conn, text, 1000, **filters)]  # type: ignore[arg-type]
        assert queries.count_people(conn, text, **filters) == len(ids)  # type: ignore[arg-type]
    return ids


# -- search across scripts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Anar Məmmədli", ("Мамедли", "Mammadli", "Mamedli", "Məmmədli", "anar mamedli", "МАМЕДЛИ")),
        ("Эльдар Гаджиев", ("Eldar", "Eldar Hajiyev", "Hacıyev", "gadzhiev")),
        ("Şahin Həsənli", ("Шахин", "Shahin", "Şahin", "Shahin Hasanli", "Шахин Гасанлы")),
        ("Хадиджа Исмаилова", ("Xədicə", "Khadija", "Хадиджа", "Xədicə İsmayılova", "Ismayilova")),
    ],
)
def test_a_person_is_found_by_any_transliteration_of_their_only_name(
    store: Store, service: Service, stored: str, typed: tuple[str, ...]
) -> None:
    pid = person(service, stored)
    person(service, "Leyla Quliyeva")  # never found by these
    for text in typed:
        assert found(store, text) == [pid], text


def test_cross_script_search_keeps_typed_characters_and_finds_no_stranger(
    store: Store, service: Service
) -> None:
    anar = person(service, "Anar Məmmədli")
    leyla = person(service, "Leyla Əliyeva")
    assert found(store, "a_ar") == [] and found(store, "%") == []
    assert found(store, "Rauf") == []
    assert found(store, "Алиева") == [leyla]
    assert sorted(found(store, "l")) == sorted([anar, leyla])  # a short text is a short key: both contain l
    assert found(store, " ь ") == []  # a skeleton that is empty does not match every name


def test_every_stored_spelling_gets_its_skeleton(store: Store, service: Service) -> None:
    pid = person(service, "Anar Məmmədli", "Анар Мамедли")
    service.update("person", pid, names=[PersonName(value="Şahin Həsənli")])
    with store.reading() as conn:
        rows = conn.execute(sa.select(person_names.c.value, person_names.c.skeleton)).all()
    assert [tuple(r) for r in rows] == [("Şahin Həsənli", "shagan gasanla")]
    assert found(store, "Шахин") == [pid] and found(store, "Мамедли") == []


def test_the_migration_fills_the_skeleton_of_names_already_stored(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """Names written before revision 0003 get a skeleton when it is applied, in batches of 5,000."""
    service = Service(sqlite_store, "tester")
    people = [
        Person(names=[PersonName(value=f"Anar Məmmədli {i}"), PersonName(value=f"Гаджиев {i}")])
        for i in range(2600)
    ]
    service.create_many(people)
    engine = sqlite_store.engine
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with engine.connect() as conn:
        assert "skeleton" not in {c["name"] for c in sa.inspect(conn).get_columns("person_names")}
    migrate.upgrade(engine)
    with sqlite_store.reading() as conn:
        rows = conn.execute(sa.select(person_names.c.value, person_names.c.skeleton)).all()
    assert len(rows) == 5200
    assert all(key == skeleton(value) for value, key in rows)
    assert len(found(sqlite_store, "Hajiyev 1234")) == 1


# -- the list's filters ---------------------------------------------------------------------


def test_held_on_filter_uses_the_certainly_held_rule(store: Store, service: Service) -> None:
    month = person(service, "Month Start")
    custody(service, month, "pre_trial_detention", "2024-04")
    closed = person(service, "Closed Period")
    custody(service, closed, "imprisonment", "2024-01-10", "2024-03-05")
    unknown_end = person(service, "Unknown End")
    custody(service, unknown_end, "imprisonment", "2024-01-01", "XXXX")
    banned = person(service, "Travel Ban")
    custody(service, banned, "travel_ban", "2024-01-01")
    withdrawn = person(service, "Withdrawn Period")
    service.retract("custody_period", custody(service, withdrawn, "imprisonment", "2020"))

    assert found(store, held_on=D(2024, 4, 15)) == []
    assert found(store, held_on=D(2024, 4, 30)) == [month]
    assert found(store, held_on=D(2024, 3, 5)) == [closed]
    assert found(store, held_on=D(2024, 3, 6)) == []
    for day in (D(2024, 2, 1), D(2024, 4, 30), D(2025, 1, 1)):
        with store.reading() as conn:
            expected = [p.id for p in queries.held_on(conn, day).people]
        assert sorted(found(store, held_on=day)) == sorted(expected), day


def test_kind_filter_any_time_or_on_a_day(store: Store, service: Service) -> None:
    past = person(service, "Past Prisoner")
    custody(service, past, "imprisonment", "2015-01-01", "2016-01-01")
    now = person(service, "Current Prisoner")
    custody(service, now, "imprisonment", "2024-01-01")
    custody(service, now, "pre_trial_detention", "2023-06-01", "2023-12-31")
    banned = person(service, "Travel Ban")
    custody(service, banned, "travel_ban", "2024-01-01")
    assert sorted(found(store, kind="imprisonment")) == sorted([past, now])
    assert found(store, kind="imprisonment", held_on=D(2024, 6, 1)) == [now]
    assert found(store, kind="imprisonment", held_on=D(2015, 6, 1)) == [past]
    assert found(store, kind="pre_trial_detention", held_on=D(2024, 6, 1)) == []
    assert found(store, kind="travel_ban", held_on=D(2024, 6, 1)) == [banned]  # a restriction, if asked for
    assert found(store, held_on=D(2024, 6, 1)) == [now]  # held: travel bans are not detention
    assert found(store, kind="exile") == []


def test_group_case_and_organisation_filters_combine_with_text(store: Store, service: Service) -> None:
    anar = person(service, "Anar Məmmədli", groups=("human_rights_defender",))
    leyla = person(service, "Leyla Əliyeva", groups=("journalist",))
    rauf = person(service, "Rauf Həsənov", groups=("journalist", "blogger"))
    outlet, prison, other = service.create(
        Organisation(name="Abzas Media", kind="media_outlet"),
        Organisation(name="Baku Pre-Trial Detention Centre", kind="detention_facility"),
        Organisation(name="Another", kind="other"),
    )
    (case,) = service.create(Case(title="Abzas Media case", person_ids=[rauf, leyla]))
    (gone_case,) = service.create(Case(title="Withdrawn", person_ids=[anar]))
    service.retract("case", gone_case.id)
    service.create(Affiliation(person_id=leyla, organisation_id=outlet.id))
    (ended,) = service.create(Affiliation(person_id=anar, organisation_id=other.id))
    service.retract("affiliation", ended.id)
    custody(service, anar, "pre_trial_detention", "2023-11-29", facility_id=prison.id)

    assert sorted(found(store, group="journalist")) == sorted([leyla, rauf])
    assert found(store, "Гасанов", group="journalist") == [rauf]
    assert found(store, group="blogger", case_id=case.id) == [rauf]
    assert sorted(found(store, case_id=case.id)) == sorted([leyla, rauf])
    assert found(store, case_id=gone_case.id) == []  # a retracted case has no members
    assert found(store, organisation_id=outlet.id) == [leyla]  # affiliated
    assert found(store, organisation_id=prison.id) == [anar]  # held there
    assert found(store, organisation_id=other.id) == []  # the affiliation was retracted
    assert found(store, organisation_id=prison.id, held_on=D(2024, 1, 1), group="human_rights_defender") == [
        anar
    ]
    assert found(store, organisation_id=prison.id, held_on=D(2023, 1, 1)) == []
    assert found(store, group="", case_id=None) == found(store)  # empty or None: no filter


def test_pages_and_count_agree(store: Store, service: Service) -> None:
    ids = [person(service, f"Testov {n:02d}", groups=("journalist",)) for n in range(7)]
    person(service, "Someone Else")
    with store.reading() as conn:
        pages = [queries.search_people(conn, "testov", 3, offset, group="journalist") for offset in (0, 3, 6)]
        total = queries.count_people(conn, "testov", group="journalist")
    assert [row.id for page in pages for row in page] == ids  # by first name, then id
    assert [len(page) for page in pages] == [3, 3, 1]
    assert total == 7


# -- a person's records ---------------------------------------------------------------------


def test_person_record_ids_in_date_order_unknown_first(store: Store, service: Service) -> None:
    anar = person(service, "Anar Məmmədli")
    sister = person(service, "Sister Testova")
    gone = person(service, "Withdrawn Testov")
    (org,) = service.create(Organisation(name="Monitors", kind="other"))
    late = custody(service, anar, "imprisonment", "2025-06-20")
    unknown = custody(service, anar, "pre_trial_detention", "XXXX")
    early = custody(service, anar, "pre_trial_detention", "2023-11-30", "2024-04")
    year = custody(service, anar, "police_supervision", "2024")
    service.retract("custody_period", custody(service, anar, "imprisonment", "2010"))
    custody(service, sister, "imprisonment", "2020")
    charge_b, charge_a, assessment, intervention, affiliation, rel_out, rel_in, rel_gone = service.create(
        Charge(person_id=anar, article="206.3.2", brought=P("2024-02")),
        Charge(person_id=anar, article="193-1.3.2", brought=P("2023-12")),
        Assessment(person_id=anar, decided_on=P("2024")),
        Intervention(kind="prison_visit_request", person_id=anar, actor="monitors", date=P("2024-01")),
        Affiliation(person_id=anar, organisation_id=org.id, start=P("2019")),
        Relationship(person_id=anar, other_person_id=sister, start=P("2001")),
        Relationship(person_id=sister, other_person_id=anar, type="colleague", start=P("2000")),
        Relationship(person_id=anar, other_person_id=gone),
    )
    service.retract("person", gone)

    def ids(kind: str, who: str = anar) -> list[str]:
        with store.reading() as conn:
            return queries.person_record_ids(conn, who, kind)

    # 2024 (Jan–Dec) starts before 2024-04 would, and the year ends last: earliest first, then latest.
    assert ids("custody_period") == [unknown, early, year, late]
    assert ids("charge") == [charge_a.id, charge_b.id]
    assert ids("assessment") == [assessment.id]
    assert ids("intervention") == [intervention.id]
    assert ids("affiliation") == [affiliation.id]
    assert ids("relationship") == [rel_in.id, rel_out.id]  # both directions; not with a retracted person
    assert ids("relationship", sister) == [rel_in.id, rel_out.id]
    assert rel_gone.id not in ids("relationship")
    with pytest.raises(ValidationError, match="kind: 'event' is not valid"):
        ids("event")


def test_search_with_an_empty_visibility_finds_nobody(sqlite_store: Store) -> None:
    person(Service(sqlite_store, "tester"), "Anar Məmmədli")
    assert found(sqlite_store, visible=frozenset()) == []
    assert len(found(sqlite_store)) == 1


def test_case_members_skip_retracted_people(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    first, second = person(service, "First"), person(service, "Second")
    (case,) = service.create(Case(title="A case", person_ids=[second, first]))
    service.retract("person", second)
    with sqlite_store.reading() as conn:
        assert queries.case_members(conn, case.id) == [first]
