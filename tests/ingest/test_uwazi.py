"""Uwazi CSV: habeas → Uwazi CSV → habeas keeps people and events; bad rows are named, nothing written."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from habeas.domain.dates import PartialDate
from habeas.domain.records import Case, Event, Participant, Person, PersonName
from habeas.errors import ValidationError
from habeas.ingest.uwazi import LAYOUTS, export_uwazi, import_uwazi
from habeas.service import Service
from habeas.storage.store import Store


def _name(value: str, script: str = "Latn", language: str = "az", kind: str = "native") -> PersonName:
    return PersonName(value=value, script=script, language=language, kind=kind)


@pytest.fixture
def source(sqlite_store: Store) -> dict[str, Any]:
    service = Service(sqlite_store, "amina")
    leyla, tural = service.create(
        Person(
            names=[_name("Leyla Qasımova"), _name("Лейла Гасымова", "Cyrl", "ru", "transliteration")],
            groups=["journalist", "blogger"],
            birth_date=PartialDate.parse("1986-05"),
            sex="female",
            occupation="reporter",
            visibility="public",
            consent_to_publish=True,
        ),
        Person(
            names=[_name("Tural Babayev")],
            birth_date=PartialDate.parse("1979-02-03"),
            visibility="public",
            consent_to_publish=True,
        ),
    )
    (case,) = service.create(
        Case(title="Invented case", person_ids=[leyla.id, tural.id], visibility="public")
    )
    (arrest,) = service.create(
        Event(
            type="arrest",
            date=PartialDate.parse("2024-04-29"),
            participants=[Participant(person_id=leyla.id), Participant(person_id=tural.id, role="witness")],
            case_id=case.id,
            place="=Baku",
            visibility="public",
        )
    )
    return {"leyla": leyla, "tural": tural, "case": case, "arrest": arrest}


def _empty(make_store: Callable[..., Store], tmp_path: Path) -> Store:
    return make_store("empty.db", audit_key_file=str(tmp_path / "empty.key"))


def test_people_cases_and_events_round_trip(
    sqlite_store: Store, source: dict[str, Any], make_store: Callable[..., Store], tmp_path: Path
) -> None:
    out = tmp_path / "uwazi"
    # the team's own exchange: a public one would keep only birth years and drop the witness
    counts = export_uwazi(sqlite_store, out, "restricted")
    assert counts == {"people.csv": 2, "cases.csv": 1, "events.csv": 1}
    with (out / "people.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(LAYOUTS["person"])
    target = _empty(make_store, tmp_path)
    service = Service(target, "importer")

    for name, template in (("people.csv", "person"), ("cases.csv", "case"), ("events.csv", "event")):
        assert import_uwazi(service, out / name, template).created == counts[name]

    leyla = target.get("person", source["leyla"].id)
    assert [n.value for n in leyla.names] == ["Leyla Qasımova", "Лейла Гасымова"]
    assert [n.script for n in leyla.names] == ["Latn", "Cyrl"]
    assert leyla.groups == ["journalist", "blogger"] and leyla.sex == "female"
    assert leyla.birth_date.text == "1986-05"  # a month stays a month
    assert target.get("person", source["tural"].id).birth_date.text == "1979-02-03"
    arrest = target.get("event", source["arrest"].id)
    assert arrest.type == "arrest" and arrest.date.text == "2024-04-29" and arrest.place == "=Baku"
    assert arrest.participants == source["arrest"].participants
    assert arrest.case_id == source["case"].id
    assert target.verify_audit().ok


def test_the_export_neutralises_formulas(sqlite_store: Store, source: dict[str, Any], tmp_path: Path) -> None:
    export_uwazi(sqlite_store, tmp_path, "public")
    with (tmp_path / "events.csv").open(encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert row["place"] == "'=Baku"
    assert row["event_type"] == "Arrest" and row["date"] == "2024-04-29"


def test_an_uwazi_export_with_labels_reads_through_a_mapping(sqlite_store: Store, tmp_path: Path) -> None:
    data = tmp_path / "from-uwazi.csv"
    data.write_text(
        "Title,Date added,Template,Birth,Category,Sex,Published\n"
        "Kamran Əhmədov,2025-01-02,Person,22.11.1990,Writer|Journalist,Male,Published\n"
        "Aynur Vəliyeva,2025-01-02,Person,noyabr 1985,,,Published\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  date_of_birth: Birth\n  groups: Category\nvalues:\n  groups:\n    Writer: blogger\n"
        "visibility: public\n",
        encoding="utf-8",
    )
    service = Service(sqlite_store, "amina")

    summary = import_uwazi(service, data, "person", mapping)

    assert summary.created == 2
    assert set(summary.ignored_columns) == {"Date added", "Template", "Published"}
    with sqlite_store.reading() as conn:
        from habeas.storage import queries

        rows = {row.name: row for row in queries.search_people(conn, "")}
    kamran = sqlite_store.get("person", rows["Kamran Əhmədov"].id)
    assert kamran.groups == ["blogger", "journalist"] and kamran.birth_date.text == "1990-11-22"
    assert kamran.visibility == "public" and kamran.sex == "male"
    assert sqlite_store.get("person", rows["Aynur Vəliyeva"].id).birth_date.text == "1985-11"


def test_bad_rows_are_all_named_and_nothing_is_written(
    sqlite_store: Store, tmp_path: Path, count_rows: Any
) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(
        "title,groups,date_of_birth\n"
        "Good Person,journalist,1990\n"
        "Secret Name,astronaut,1990\n"
        "Other Person,,31.02.1990\n",
        encoding="utf-8",
    )
    before = count_rows(sqlite_store)

    with pytest.raises(ValidationError) as caught:
        import_uwazi(Service(sqlite_store, "amina"), data, "person")

    message = str(caught.value)
    assert "row 3, column groups: 'astronaut'" in message
    assert "row 4, column date_of_birth: '31.02.1990'" in message
    assert "Secret Name" not in message and "Good Person" not in message
    assert count_rows(sqlite_store) == before


def test_an_unknown_name_is_reported_without_the_name(sqlite_store: Store, tmp_path: Path) -> None:
    data = tmp_path / "events.csv"
    data.write_text(
        "title,event_type,date,victims\nArrest,arrest,2024-01-02,Nobody Known\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as caught:
        import_uwazi(Service(sqlite_store, "amina"), data, "event")
    assert "row 2, column victims: (a name, not shown)" in str(caught.value)
    assert "Nobody Known" not in str(caught.value)


def test_a_row_with_a_stored_habeas_id_updates_that_record(
    sqlite_store: Store, source: dict[str, Any], tmp_path: Path
) -> None:
    leyla = source["leyla"]
    data = tmp_path / "people.csv"
    data.write_text(f"title,occupation,habeas_id\nLeyla Qasımova,editor,{leyla.id}\n", encoding="utf-8")
    service = Service(sqlite_store, "amina")

    dry = import_uwazi(service, data, "person", dry_run=True)
    assert (dry.updated, sqlite_store.get("person", leyla.id).occupation) == (1, "reporter")

    summary = import_uwazi(service, data, "person")

    updated = sqlite_store.get("person", leyla.id)
    assert summary.updated == 1 and updated.occupation == "editor"
    assert updated.names == leyla.names  # the Cyrillic spelling, not in the file's title, is kept
    assert updated.groups == leyla.groups  # no groups column: groups unchanged
    assert import_uwazi(service, data, "person").unchanged == 1


def test_a_file_without_a_title_column_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    data = tmp_path / "x.csv"
    data.write_text("name,groups\nA,journalist\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="title"):
        import_uwazi(Service(sqlite_store, "amina"), data, "person")
