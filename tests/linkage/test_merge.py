"""Merging two records of one (invented) person and undoing it, on every backend.

After a merge the kept person holds every name, group, custody period, charge, event, citation,
relationship, case, assessment, affiliation and intervention of both; `held`, the timeline and the
audit chain agree. After an undo everything is as before, as new versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Affiliation,
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
from habeas.errors import ConflictError, ValidationError
from habeas.linkage import merge as m
from habeas.linkage import queue
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store

DAY = date(2024, 6, 1)


@dataclass
class Family:
    keep: str
    other: str
    third: str
    ids: dict[str, str]


def pd(text: str) -> PartialDate:
    return PartialDate.parse(text)


def family(service: Service) -> Family:
    """Two records of one invented person, a relative, and facts about the second record."""
    keep, other, third = service.create(
        Person(
            names=[PersonName(value="Tofiq Uydurmalı", script="Latn")], groups=["journalist"], birth_place=""
        ),
        Person(
            names=[
                PersonName(value="Тофик Уйдурмалы", script="Cyrl", language="ru"),
                PersonName(value="Tofiq Uydurmalı", script="Latn"),
            ],
            groups=["blogger"],
            birth_date=pd("1990"),
            birth_place="Şəki",
        ),
        Person(names=[PersonName(value="Samirə Uydurmalı", script="Latn")]),
    )
    org, source = service.create(
        Organisation(name="Invented Media", kind="media_outlet"), Source(title="An invented report")
    )
    case = service.create(Case(title="Invented case", person_ids=[keep.id, other.id]))[0]
    made = service.create(
        CustodyPeriod(person_id=other.id, kind="pre_trial_detention", start=pd("2024-01-10")),
        Charge(person_id=other.id, article="206.3.2", case_id=case.id),
        Event(type="arrest", date=pd("2024-01-10"), participants=[Participant(person_id=other.id)]),
        Event(type="release", date=pd("2024-02-01"), participants=[Participant(person_id=other.id)]),
        Relationship(person_id=third.id, other_person_id=other.id, type="sibling"),
        Relationship(person_id=keep.id, other_person_id=other.id, type="relative"),
        Assessment(person_id=other.id, conclusion="under_review"),
        Affiliation(person_id=other.id, organisation_id=org.id, role="reporter"),
        Intervention(kind="statement", person_id=other.id, actor="An invented NGO"),
    )
    cite = service.cite(source.id, "person", other.id, locator="p. 3")
    ids = {r.KIND + str(i): r.id for i, r in enumerate(made)} | {"citation": cite.id, "case": case.id}
    return Family(keep.id, other.id, third.id, ids)


def held_ids(store: Store) -> set[str]:
    with store.reading() as conn:
        return {p.id for p in queries.held_on(conn, DAY).people}


def timeline(store: Store, person_id: str) -> list[str]:
    with store.reading() as conn:
        return sorted(line.record_id for line in queries.person_timeline(conn, person_id))


def test_merge_moves_everything_and_undo_puts_it_back(service: Service, store: Store) -> None:
    f = family(service)
    held_before, keep_line, other_line = held_ids(store), timeline(store, f.keep), timeline(store, f.other)
    assert f.other in held_before and f.keep not in held_before

    done = m.merge(service, f.keep, f.other, note="same birth place and arrest")

    kept = store.get("person", f.keep)
    assert isinstance(kept, Person)
    assert [(n.value, n.script) for n in kept.names] == [
        ("Tofiq Uydurmalı", "Latn"),
        ("Тофик Уйдурмалы", "Cyrl"),
    ]
    assert kept.groups == ["journalist", "blogger"]
    assert (kept.birth_date.text, kept.birth_place) == ("1990", "Şəki")
    assert store.get("person", f.other).retracted
    for key in ("custody_period0", "charge1", "assessment6", "affiliation7", "intervention8"):
        moved = store.get(key.rstrip("0123456789"), f.ids[key])
        assert moved.person_id == f.keep  # type: ignore[attr-defined]
    assert store.get("relationship", f.ids["relationship4"]).other_person_id == f.keep  # type: ignore[attr-defined]
    assert store.get("relationship", f.ids["relationship5"]).retracted  # keep–other means nothing now
    assert store.get("case", f.ids["case"]).person_ids == [f.keep]  # type: ignore[attr-defined]
    assert store.get("citation", f.ids["citation"]).target_id == f.keep  # type: ignore[attr-defined]
    assert held_ids(store) == held_before - {f.other} | {f.keep}
    assert set(timeline(store, f.keep)) >= set(other_line)
    assert timeline(store, f.other) == []
    assert store.verify_audit().ok
    history = store.history(f.other)
    assert history[-1]["action"] == "merge" and f"merged into {f.keep}" in history[-1]["note"]
    assert len(history) == 2  # nothing deleted: the first version is still there

    with store.reading() as conn:
        (listed,) = m.merges(conn)
    assert (listed.id, listed.keep_id, listed.other_id, listed.undone) == (done.id, f.keep, f.other, False)
    assert listed.note == "same birth place and arrest"
    assert sorted(listed.changed) == sorted(done.changed)

    m.undo(service, done.id)

    assert not store.get("person", f.other).retracted
    restored = store.get("person", f.keep)
    assert isinstance(restored, Person) and len(restored.names) == 1 and restored.groups == ["journalist"]
    assert store.get("case", f.ids["case"]).person_ids == [f.keep, f.other]  # type: ignore[attr-defined]
    assert not store.get("relationship", f.ids["relationship5"]).retracted
    assert held_ids(store) == held_before
    assert (timeline(store, f.keep), timeline(store, f.other)) == (keep_line, other_line)
    assert store.verify_audit().ok
    assert store.history(f.other)[-1]["note"] == f"undo merge {done.id}"
    with store.reading() as conn:
        assert m.get(conn, done.id).undone
    with pytest.raises(ConflictError, match="already undone"):
        m.undo(service, done.id)


def test_refusals_name_the_field(service: Service, store: Store, count_rows) -> None:  # type: ignore[no-untyped-def]
    f = family(service)
    before = count_rows(store)
    with pytest.raises(ValidationError) as same:
        m.merge(service, f.keep, f.keep)
    assert same.value.field == "other"
    with pytest.raises(ValidationError) as not_person:
        m.merge(service, f.keep, f.ids["charge1"])
    assert (not_person.value.field, not_person.value.value) == ("other", f.ids["charge1"])
    with pytest.raises(ValidationError) as unknown:
        m.undo(service, "01JUNKNOWNMERGE00000000000")
    assert unknown.value.field == "merge_id"
    assert count_rows(store) == before
    m.merge(service, f.keep, f.other)
    with pytest.raises(ValidationError, match="retracted") as retracted:
        m.merge(service, f.third, f.other)
    assert retracted.value.field == "other"


def test_undo_refused_when_a_record_changed_since(service: Service, store: Store) -> None:
    f = family(service)
    done = m.merge(service, f.keep, f.other)
    service.update("charge", f.ids["charge1"], sentence="5 years")
    with pytest.raises(ConflictError, match=f"charge {f.ids['charge1']} was changed after merge"):
        m.undo(service, done.id)
    assert store.get("person", f.other).retracted  # nothing was undone
    service.revert(f.ids["charge1"], store.get("charge", f.ids["charge1"]).version - 1)
    with pytest.raises(ConflictError):  # a revert is a change too: the version moved on
        m.undo(service, done.id)


def test_merge_from_a_candidate_marks_it(service: Service, store: Store) -> None:
    f = family(service)
    queue.add(service, [queue.Candidate("", f.other, f.keep, 0.97, 8.5)])
    with store.reading() as conn:
        (candidate,) = queue.pending(conn)
    with pytest.raises(ValidationError) as wrong:
        m.merge(service, f.keep, f.third, candidate_id=candidate.id)
    assert wrong.value.field == "candidate"
    done = m.merge(service, f.keep, f.other, candidate_id=candidate.id)
    with store.reading() as conn:
        assert queue.get(conn, candidate.id).status == "merged"
        assert m.get(conn, done.id).candidate_id == candidate.id
    m.undo(service, done.id)
    with store.reading() as conn:
        assert queue.get(conn, candidate.id).status == "pending"
    assert store.verify_audit().ok
