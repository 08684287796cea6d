"""Duplicates in a real store, and an incoming list linked to it: read → match → queue."""

from __future__ import annotations

import random

import pytest

from habeas.demo.names import invent_name
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Charge,
    Citation,
    CustodyPeriod,
    Event,
    Organisation,
    Participant,
    Person,
    PersonName,
    Record,
    Source,
)
from habeas.errors import ValidationError
from habeas.linkage import queue
from habeas.linkage.dedupe_rows import people_rows, source_people
from habeas.linkage.link_lists import find_duplicates, find_links, queue_pairs
from habeas.service import Service
from habeas.storage.store import Store


def _person(service: Service, names: list[str], born: str, facts: tuple[str, str, str, str]) -> list[Record]:
    """A person with an arrest, a custody period in a facility, a charge; invented."""
    day, facility, article, group = facts
    person = Person(
        id=service.new_id(),
        names=[PersonName(value=n) for n in names],
        birth_date=PartialDate.parse(born),
        groups=[group],
        visibility="restricted",
    )
    when = PartialDate.parse(day)
    participants = [Participant(person_id=person.id, role="victim")]
    return [
        person,
        Event(
            id=service.new_id(), type="arrest", date=when, participants=participants, visibility="restricted"
        ),
        CustodyPeriod(
            id=service.new_id(),
            person_id=person.id,
            kind="imprisonment",
            start=when,
            facility_id=facility,
            visibility="restricted",
        ),
        Charge(id=service.new_id(), person_id=person.id, article=article, visibility="restricted"),
    ]


def fill(service: Service, people: int = 80, seed: int = 4) -> tuple[str, set[frozenset[str]]]:
    """Invented people; every fifth also reported by a second list in Cyrillic. (source id, true pairs)."""
    rng = random.Random(seed)
    facilities = [
        Organisation(id=service.new_id(), name=f"Facility {i}", kind="detention_facility") for i in range(4)
    ]
    source = Source(id=service.new_id(), title="An incoming list (invented)", kind="report")
    records: list[Record] = [*facilities, source]
    truth = set()
    for i in range(people):
        name = invent_name(rng, rng.choice(["male", "female"]))
        facts = (
            f"{rng.randint(2016, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            rng.choice(facilities).id,
            rng.choice(["206.3.2", "192.3.2", "228.4"]),
            rng.choice(["journalist", "blogger"]),
        )
        born = str(rng.randint(1960, 2000))
        made = _person(service, [name.az, name.en], born, facts)
        records += made
        if i % 5 == 0:
            again = _person(service, [name.ru], born, facts)
            records += again
            records.append(Citation(source_id=source.id, target_kind="person", target_id=again[0].id))
            truth.add(frozenset({made[0].id, again[0].id}))
    service.create(*records)
    return source.id, truth


def test_duplicates_in_the_store_are_found_and_queued_once(store: Store) -> None:
    service = Service(store, "tester")
    _source, truth = fill(service, 60)
    with store.reading() as conn:
        prediction = find_duplicates(conn, 0.9)
    pairs = {frozenset({p.id_l, p.id_r}) for p in prediction.pairs}
    assert len(pairs & truth) >= 0.9 * len(truth) and len(pairs - truth) <= 1
    assert queue_pairs(service, prediction) == len(pairs)
    assert queue_pairs(service, prediction) == 0
    with store.reading() as conn:
        assert queue.count_pending(conn) == len(pairs)
        assert {c.origin for c in queue.pending(conn, limit=500)} == {"dedupe"}


def test_an_incoming_list_is_linked_to_the_others(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    source_id, truth = fill(service, 80, seed=9)
    with sqlite_store.reading() as conn:
        reported = source_people(conn, source_id)
        prediction = find_links(conn, source_id, 0.9)
    pairs = {frozenset({p.id_l, p.id_r}) for p in prediction.pairs}
    assert len(pairs & truth) >= 0.9 * len(truth)
    assert all(len(pair & reported) == 1 for pair in pairs)  # never two people of the list itself
    assert queue_pairs(service, prediction, f"link:{source_id}") == len(pairs)
    with sqlite_store.reading() as conn:
        assert {c.origin for c in queue.pending(conn, limit=500)} == {f"link:{source_id}"}


def test_rows_read_from_the_store(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    facility = Organisation(id=service.new_id(), name="Facility", kind="detention_facility")
    service.create(facility)
    service.create(
        *_person(
            service, ["Faraj Karimov, Raqif oğlu"], "1985", ("2024-04", facility.id, "206.3.2", "journalist")
        )
    )
    with sqlite_store.reading() as conn:
        (row,) = people_rows(conn)
    assert (row["surname"], row["patronymic"], row["birth_year"]) == ("karimov", "ragif", 1985)
    assert (row["arrest_date"], row["arrest_month"], row["facility"]) == ("2024-04", "2024-04", facility.id)
    assert row["charges"] == ["CC 206.3.2"] and row["groups"] == ["journalist"]


def test_an_empty_store_and_an_unknown_source(sqlite_store: Store) -> None:
    with sqlite_store.reading() as conn:
        assert find_duplicates(conn).pairs == []
        with pytest.raises(ValidationError, match="--source"):
            find_links(conn, "01NOSUCHSOURCE000000000000")
