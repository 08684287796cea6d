"""The service layer on every backend: one transaction per call, history, revert, retraction, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from habeas import service as service_module
from habeas.config import Settings
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Case,
    CustodyPeriod,
    Event,
    Participant,
    Person,
    PersonName,
    Record,
    Source,
)
from habeas.errors import AuditError, ConflictError, NotFound, ValidationError
from habeas.security import audit
from habeas.service import Service
from habeas.storage import codec
from habeas.storage.store import Store
from habeas.storage.tables import record_versions

P = PartialDate.parse
MISSING = "01JMISSING0000000000000000"
Counts = Callable[[Store], dict[str, int]]


def person(name: str = "Anar Məmmədli", **fields: object) -> Person:
    return Person(names=[PersonName(value=name)], **fields)  # type: ignore[arg-type]


def audit_rows(store: Store) -> list[dict[str, object]]:
    with store.reading() as conn:
        return list(store.audit_entries(conn))


# -- create ---------------------------------------------------------------------------


def test_create_stamps_ids_versions_and_appends_one_audit_entry_per_record(
    store: Store, service: Service
) -> None:
    written = service.create(person("A"), person("B"))
    assert [r.version for r in written] == [1, 1]
    assert all(service_module.ULID_TEXT.match(r.id) for r in written)
    entries = audit_rows(store)
    assert [(e["seq"], e["action"], e["kind"], e["record_id"], e["version"]) for e in entries] == [
        (1, "create", "person", written[0].id, 1),
        (2, "create", "person", written[1].id, 1),
    ]
    # Each entry carries the digest of the version kept in the history, not the record itself.
    history = store.history(written[0].id)
    assert entries[0]["digest"] == audit.digest(str(history[0]["data"]))
    assert codec.from_snapshot(str(history[0]["data"])) == written[0]


def test_a_record_may_refer_to_one_created_earlier_in_the_same_call(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    anar = person(id=service.new_id())
    period = CustodyPeriod(person_id=anar.id, kind="pre_trial_detention", start=P("2023-11-29"))
    written = service.create(anar, period)
    assert store.get("custody_period", written[1].id).person_id == anar.id  # type: ignore[attr-defined]


def test_an_id_that_is_not_a_ulid_is_refused(sqlite_store: Store, count_rows: Counts) -> None:
    before = count_rows(sqlite_store)
    with pytest.raises(
        ValidationError, match=r"^person\.id: 'anar-1' is not valid; an id is a 26-character ULID"
    ):
        Service(sqlite_store, "tester").create(person(id="anar-1"))
    assert count_rows(sqlite_store) == before


def test_a_failing_create_of_several_records_writes_nothing(
    store: Store, service: Service, count_rows: Counts
) -> None:
    service.create(person("Already here"))
    before = count_rows(store)
    anar = person(id=service.new_id(), groups=["journalist"])
    good = CustodyPeriod(person_id=anar.id, kind="pre_trial_detention", start=P("2023-11-29"))
    bad = CustodyPeriod(person_id=anar.id, kind="imprisonment", start=P("2024-05"), end=P("2024-04"))
    with pytest.raises(ValidationError, match=r"^custody_period\.end: '2024-04'"):
        service.create(anar, good, bad)
    assert count_rows(store) == before
    assert len(audit_rows(store)) == 1
    with pytest.raises(NotFound):
        store.get("person", anar.id)


def test_a_failure_in_a_later_batch_rolls_back_the_earlier_batches(
    store: Store, service: Service, count_rows: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "BATCH", 2)
    before = count_rows(store)
    records: list[Record] = [*[person(f"Person {i}") for i in range(5)], person("")]
    with pytest.raises(ValidationError, match=r"^person\.names\.value"):
        service.create_many(records)
    assert count_rows(store) == before


def test_create_many_reports_progress_and_resolves_references_to_earlier_batches(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    monkeypatch.setattr(service_module, "BATCH", 2)
    anar = person(id=service.new_id())
    records: list[Record] = [anar, person("B"), person("C")] + [
        CustodyPeriod(person_id=anar.id, kind="imprisonment", start=P(f"201{i}")) for i in range(3)
    ]
    progress: list[int] = []
    assert service.create_many(records, progress.append) == 6
    assert progress == [2, 2, 2]
    entries = audit_rows(store)
    assert [e["seq"] for e in entries] == list(range(1, 7))
    assert audit.verify(store.audit_key, entries).ok


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CustodyPeriod(person_id=MISSING, kind="imprisonment"), "custody_period.person_id"),
        (lambda: Case(title="A case", person_ids=[MISSING]), "case.person_ids"),
        (
            lambda: Event(type="arrest", participants=[Participant(person_id=MISSING)]),
            "event.participants.person_id",
        ),
    ],
)
def test_a_reference_to_an_unknown_record_names_the_field(
    sqlite_store: Store, count_rows: Counts, build: Callable[[], Record], field: str
) -> None:
    before = count_rows(sqlite_store)
    with pytest.raises(ValidationError) as caught:
        Service(sqlite_store, "tester").create(build())
    assert (caught.value.field, caught.value.value) == (field, MISSING)
    assert "no person with this id exists (or it was retracted)" in str(caught.value)
    assert count_rows(sqlite_store) == before


def test_a_reference_to_a_retracted_or_wrong_kind_record_is_refused(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    (gone, case) = service.create(person("Gone"), Case(title="A case"))
    service.retract("person", gone.id)
    with pytest.raises(ValidationError, match=r"^custody_period\.person_id: '"):
        service.create(CustodyPeriod(person_id=gone.id, kind="imprisonment"))
    with pytest.raises(ValidationError, match=r"^custody_period\.person_id: '"):
        service.create(CustodyPeriod(person_id=case.id, kind="imprisonment"))


def test_a_citation_of_an_unknown_fact_is_refused(sqlite_store: Store, count_rows: Counts) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    (source,) = service.create(Source(title="A report"))
    before = count_rows(store)
    with pytest.raises(ValidationError) as caught:
        service.cite(source.id, "custody_period", MISSING, locator="p. 2")
    assert (caught.value.field, caught.value.value) == ("citation.target_id", MISSING)
    assert count_rows(store) == before


def test_cite_ties_a_source_to_a_fact(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    source, anar = service.create(Source(title="A report"), person())
    citation = service.cite(source.id, "person", anar.id, locator="p. 2", quote="a journalist")
    assert store.get("citation", citation.id) == citation


# -- bad input, refused with nothing written ---------------------------------------------


def test_bad_input_is_refused_naming_field_value_and_allowed_and_nothing_is_written(
    store: Store, service: Service, count_rows: Counts
) -> None:
    (anar,) = service.create(person())
    before = count_rows(store)
    cases: list[tuple[Callable[[], object], str, object, str]] = [
        (
            lambda: P("2024-13-40", field="custody_period.start"),
            "custody_period.start",
            "2024-13-40",
            "months are 01-12",
        ),
        (
            lambda: service.create(CustodyPeriod(person_id=anar.id, kind="jail")),
            "custody_period.kind",
            "jail",
            "use one of the custody_kind codes: administrative_detention",
        ),
        (
            lambda: service.create(
                CustodyPeriod(
                    person_id=anar.id, kind="imprisonment", start=P("2024-05-10"), end=P("2024-05-09")
                )
            ),
            "custody_period.end",
            "2024-05-09",
            "give an end on or after the start",
        ),
        (lambda: service.create(Person()), "person.names", [], "give at least one name"),
        (
            lambda: service.create(CustodyPeriod(person_id=anar.id, start=P("2024-05"))),
            "custody_period.kind",
            "",
            "use one of the custody_kind codes",
        ),
        (
            lambda: service.update("person", anar.id, groups=["spy"]),
            "person.groups",
            "spy",
            "use one of the group codes",
        ),
        (
            lambda: service.update("person", anar.id, nickname="x"),
            "person.nickname",
            "x",
            "fields of a person: birth_date, birth_place",
        ),
    ]
    for call, field, value, allowed in cases:
        with pytest.raises(ValidationError) as caught:
            call()
        error = caught.value
        assert (error.field, error.value) == (field, value), field
        assert str(error).startswith(f"{field}: {value!r} is not valid; "), str(error)
        assert allowed in error.allowed, str(error)
        assert count_rows(store) == before, field


def test_a_release_before_the_arrest_is_refused(store: Store, service: Service, count_rows: Counts) -> None:
    (anar,) = service.create(person())
    victim = [Participant(person_id=anar.id, role="victim")]
    service.create(Event(type="arrest", date=P("2023-11-29"), participants=victim))
    before = count_rows(store)
    with pytest.raises(ValidationError) as caught:
        service.create(Event(type="release", date=P("2023-11-20"), participants=victim))
    assert (caught.value.field, caught.value.value) == ("event.date", "2023-11-20")
    assert "release (2023-11-20) would come before every arrest" in str(caught.value)
    assert "2023-11-29" in str(caught.value)
    assert count_rows(store) == before
    # A release that may be on or after the arrest is accepted.
    service.create(Event(type="release", date=P("2023-11"), participants=victim))


def test_a_release_before_an_arrest_given_in_the_same_call_is_refused(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    anar = person(id=service.new_id())
    victim = [Participant(person_id=anar.id, role="victim")]
    with pytest.raises(ValidationError, match=r"^event\.date: '2023'"):
        service.create(
            anar,
            Event(type="arrest", date=P("2024-01-05"), participants=victim),
            Event(type="release", date=P("2023"), participants=victim),
        )


def test_moving_a_release_before_the_arrest_is_refused(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    (anar,) = service.create(person())
    victim = [Participant(person_id=anar.id, role="victim")]
    service.create(Event(type="arrest", date=P("2023-11-29"), participants=victim))
    (release,) = service.create(Event(type="release", date=P("2024-06-01"), participants=victim))
    with pytest.raises(ValidationError, match=r"^event\.date: '2022'"):
        service.update("event", release.id, date=P("2022"))


# -- update, history, revert, retract ---------------------------------------------------


def test_update_keeps_the_previous_version_in_the_history(store: Store, service: Service) -> None:
    (anar,) = service.create(person(groups=["journalist"], birth_date=P("1975")))
    updated = service.update("person", anar.id, groups=["journalist", "blogger"], notes="editor")
    assert updated.version == 2
    assert store.get("person", anar.id) == updated
    versions = store.history(anar.id)
    assert [(v["version"], v["action"], v["actor"], v["kind"]) for v in versions] == [
        (1, "create", "tester", "person"),
        (2, "update", "tester", "person"),
    ]
    assert codec.from_snapshot(str(versions[0]["data"])) == anar
    assert json.loads(str(versions[1]["data"]))["groups"] == ["journalist", "blogger"]
    assert [e["action"] for e in audit_rows(store)] == ["create", "update"]


def test_revert_restores_an_earlier_version_as_a_new_version(store: Store, service: Service) -> None:
    (anar,) = service.create(person(groups=["journalist"], notes="first"))
    service.update("person", anar.id, groups=["blogger"], notes="second", names=[PersonName(value="Renamed")])
    reverted = service.revert(anar.id, 1)
    assert reverted.version == 3
    got = store.get("person", anar.id)
    assert isinstance(got, Person)
    assert (got.groups, got.notes, got.display_name, got.version) == (
        ["journalist"],
        "first",
        "Anar Məmmədli",
        3,
    )
    assert got.created_at == anar.created_at
    history = store.history(anar.id)
    assert [(v["version"], v["action"], v["note"]) for v in history][-1] == (3, "revert", "to version 1")


def test_revert_to_a_version_that_does_not_exist_names_the_versions(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    (anar,) = service.create(person())
    with pytest.raises(ValidationError, match=rf"^version: 7 is not valid; versions of {anar.id}: 1$"):
        service.revert(anar.id, 7)


def test_a_retracted_record_keeps_its_history_and_cannot_be_edited_until_reverted(
    store: Store, service: Service, count_rows: Counts
) -> None:
    (anar,) = service.create(person())
    retracted = service.retract("person", anar.id, "entered twice")
    assert retracted.retracted and retracted.version == 2
    assert store.get("person", anar.id).retracted
    assert [(v["version"], v["action"], v["actor"], v["note"]) for v in store.history(anar.id)] == [
        (1, "create", "tester", ""),
        (2, "retract", "tester", "entered twice"),
    ]
    before = count_rows(store)
    with pytest.raises(ConflictError, match="is retracted; revert it to an earlier version to change it"):
        service.update("person", anar.id, notes="late edit")
    with pytest.raises(ConflictError):
        service.retract("person", anar.id)
    assert count_rows(store) == before
    # Reverting to the version before the retraction brings it back, and then it can be edited.
    restored = service.revert(anar.id, 1)
    assert not restored.retracted
    assert service.update("person", anar.id, notes="back").version == 4


def test_update_of_an_unknown_record_is_not_found(sqlite_store: Store) -> None:
    with pytest.raises(NotFound, match=f"no person with id {MISSING!r}"):
        Service(sqlite_store, "tester").update("person", MISSING, notes="x")


def test_stamps_fields_cannot_be_set_by_update(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    (anar,) = service.create(person())
    for name in ("id", "version", "created_at", "retracted"):
        with pytest.raises(ValidationError, match=rf"^person\.{name}: "):
            service.update("person", anar.id, **{name: None})


def test_update_uses_the_clock_and_keeps_created_at(sqlite_store: Store) -> None:
    times = iter(datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in range(10))
    service = Service(sqlite_store, "tester", clock=lambda: next(times))
    (anar,) = service.create(person())
    updated = service.update("person", anar.id, notes="x")
    got = sqlite_store.get("person", anar.id)
    assert got.created_at == anar.created_at
    assert got.updated_at == updated.updated_at
    assert updated.updated_at is not None and anar.created_at is not None
    assert updated.updated_at > anar.created_at


# -- failures beyond validation -----------------------------------------------------------


def test_a_missing_audit_key_stops_the_write_and_leaves_nothing(
    tmp_path: Path, sqlite_store: Store, count_rows: Counts
) -> None:
    Service(sqlite_store, "tester").create(person())
    before = count_rows(sqlite_store)
    # The same database opened with an audit key file that is not there.
    other = Store.open(Settings(db=str(tmp_path / "habeas.db"), audit_key_file=str(tmp_path / "lost.key")))
    try:
        with pytest.raises(AuditError, match="lost.key' does not exist; restore it from your backup"):
            Service(other, "tester").create(person("B"))
    finally:
        other.close()
    assert count_rows(sqlite_store) == before


def test_the_history_is_append_only_even_through_the_store(sqlite_store: Store) -> None:
    (anar,) = Service(sqlite_store, "tester").create(person())
    with pytest.raises(sa.exc.DatabaseError, match="record_versions is append-only"):
        with sqlite_store.atomic() as conn:
            conn.execute(record_versions.delete().where(record_versions.c.record_id == anar.id))
    assert len(sqlite_store.history(anar.id)) == 1


def test_moving_the_only_arrest_after_a_release_is_refused(store: Store, service: Service) -> None:
    (anar,) = service.create(person())
    victim = [Participant(person_id=anar.id, role="victim")]
    arrest, _ = service.create(
        Event(type="arrest", date=P("2023-11-29"), participants=victim),
        Event(type="release", date=P("2024-02-01"), participants=victim),
    )
    with pytest.raises(ValidationError) as caught:
        service.update("event", arrest.id, date=P("2024-03-01"))
    assert (caught.value.field, caught.value.value) == ("event.date", "2024-03-01")
    assert store.get("event", arrest.id).version == 1
    # A second, later arrest (a re-arrest) is fine: the release still follows the first one.
    service.create(Event(type="arrest", date=P("2024-06-01"), participants=victim))
