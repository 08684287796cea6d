"""Lists from the store: the people each publisher's sources document, on every backend. Invented people."""

from __future__ import annotations

from datetime import date

import pytest

from habeas.analysis.mse_store import estimate_from_store, people_documented_by, store_capture_table
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Charge,
    Citation,
    CustodyPeriod,
    Event,
    Participant,
    Person,
    PersonName,
    Relationship,
    Source,
)
from habeas.errors import ValidationError
from habeas.service import Service
from habeas.storage.store import Store

P = PartialDate.parse


def person(service: Service, name: str, held_from: str | None = "2024-01-10") -> str:
    (created,) = service.create(Person(names=[PersonName(value=name)]))
    if held_from:
        service.create(CustodyPeriod(person_id=created.id, kind="pre_trial_detention", start=P(held_from)))
    return created.id


def source(service: Service, publisher: str, visibility: str = "restricted") -> str:
    (created,) = service.create(
        Source(title=f"Report by {publisher}", publisher=publisher, visibility=visibility)
    )
    return created.id


def cite(service: Service, source_id: str, kind: str, target_id: str) -> str:
    (created,) = service.create(Citation(source_id=source_id, target_kind=kind, target_id=target_id))
    return created.id


@pytest.fixture
def lists(service: Service) -> dict[str, str]:
    """Two publishers' sources over invented people, cited in each of the ways that count."""
    ids = {name: person(service, name) for name in ("Aydan One", "Bahar Two", "Ceyhun Three", "Dilara Four")}
    ids["Released Five"] = person(service, "Released Five", held_from=None)
    alpha, beta = source(service, "Alpha Monitor"), source(service, "Beta Watch")
    cite(service, alpha, "person", ids["Aydan One"])
    cite(service, alpha, "person", ids["Bahar Two"])
    cite(service, alpha, "person", ids["Released Five"])
    (charge,) = service.create(Charge(person_id=ids["Bahar Two"], article="221.2"))
    cite(service, beta, "charge", charge.id)  # a fact about Bahar Two
    (arrest,) = service.create(
        Event(
            type="arrest",
            date=P("2024-01-10"),
            participants=[
                Participant(person_id=ids["Ceyhun Three"], role="victim"),
                Participant(person_id=ids["Dilara Four"], role="witness"),  # not on the list for this
            ],
        )
    )
    cite(service, beta, "event", arrest.id)
    (tie,) = service.create(
        Relationship(person_id=ids["Aydan One"], other_person_id=ids["Dilara Four"], type="sibling")
    )
    cite(service, beta, "relationship", tie.id)  # naming a relative puts nobody on the list
    ids["alpha"], ids["beta"] = alpha, beta
    return ids


def test_a_list_is_the_people_its_publishers_sources_document(store: Store, lists: dict[str, str]) -> None:
    with store.reading() as conn:
        alpha = people_documented_by(conn, "Alpha Monitor")
        beta = people_documented_by(conn, "Beta Watch")
        nobody = people_documented_by(conn, "alpha monitor")  # the name must match exactly
    assert alpha == {lists["Aydan One"], lists["Bahar Two"], lists["Released Five"]}
    assert beta == {lists["Bahar Two"], lists["Ceyhun Three"]}
    assert nobody == set()


def test_the_capture_table_counts_people_once_each(store: Store, lists: dict[str, str]) -> None:
    with store.reading() as conn:
        table = store_capture_table(conn, ["Alpha Monitor", "Beta Watch"])
        held = store_capture_table(conn, ["Alpha Monitor", "Beta Watch"], on=date(2024, 3, 1))
    assert table.lists == ("Alpha Monitor", "Beta Watch")
    assert table.counts == {(1, 0): 2, (0, 1): 1, (1, 1): 1}
    # On a day, only those certainly held count: Released Five never was.
    assert held.counts == {(1, 0): 1, (0, 1): 1, (1, 1): 1}


def test_retracted_and_unseen_records_leave_the_lists(
    store: Store, service: Service, lists: dict[str, str]
) -> None:
    secret = source(service, "Alpha Monitor", visibility="confidential")
    extra = person(service, "Elvin Six")
    cite(service, secret, "person", extra)
    with store.reading() as conn:
        assert extra in people_documented_by(conn, "Alpha Monitor")
        assert extra not in people_documented_by(conn, "Alpha Monitor", visible={"public", "restricted"})
    service.retract("person", lists["Aydan One"], "a duplicate")
    with store.reading() as conn:
        assert lists["Aydan One"] not in people_documented_by(conn, "Alpha Monitor")


def test_bad_lists_are_refused(store: Store, lists: dict[str, str]) -> None:
    with store.reading() as conn:
        for publishers, on, says in (
            (["Alpha Monitor"], None, "at least two --list"),
            (["Alpha Monitor", "Alpha Monitor"], None, "each publisher once"),
            (["Alpha Monitor", "Nobody Publishes"], None, "no visible source with exactly this publisher"),
            (["Alpha Monitor", "Beta Watch"], date(2023, 1, 1), "certainly held that day"),
        ):
            with pytest.raises(ValidationError, match=says):
                store_capture_table(conn, publishers, on)


def test_the_estimate_from_the_store(store: Store, service: Service) -> None:
    # Three invented monitors: 30 people on the first only, 20 on the second only, 10 on both.
    first, second = source(service, "First Monitor"), source(service, "Second Monitor")
    people = service.create(
        *(Person(names=[PersonName(value=f"Invented Person {i:02d}")]) for i in range(60))
    )
    service.create(
        *(Citation(source_id=first, target_kind="person", target_id=p.id) for p in people[:40]),
        *(Citation(source_id=second, target_kind="person", target_id=p.id) for p in people[30:]),
    )
    with store.reading() as conn:
        result = estimate_from_store(conn, ["First Monitor", "Second Monitor"], models=["Mt"])
    assert result.n == 60
    assert result.selected is not None
    assert result.selected.total == pytest.approx(40 * 30 / 10)  # Lincoln–Petersen
