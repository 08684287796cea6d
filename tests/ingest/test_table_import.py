"""Spreadsheet rows into records: mapping, validation, duplicates, updates, citations, all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from habeas.domain.records import Organisation, Person, PersonName, Source
from habeas.errors import ValidationError
from habeas.ingest.mapping import guess_mapping, load_mapping, parse_mapping
from habeas.ingest.table_import import ImportReport, import_table, rejects_path
from habeas.ingest.tabular import open_table, read_table
from habeas.service import Service
from habeas.storage.store import Store
from habeas.storage.tables import charges, citations, custody_periods, events, organisations, people, sources

Counts = Callable[[Store], dict[str, int]]

SHEET = """\
Name,Имя,Date of arrest,Articles,Groups,Facility,Sex
Anar Məmmədli,Анар Мамедли,22.11.2013,"206.3.2; 221",journalist|blogger,Baku Pre-trial Centre No. 1,M
Leyla Qasımova,,22 November 2013,CC 168.2,human_rights_defender,Baku Pre-trial Centre No. 1,F
Rauf Əliyev,,2013-11-22,,,Prison No. 2,
Tural Həsənli,,noyabr 2013,ст. 228,,,
"""
MAPPING: dict[str, Any] = {
    "names": [
        {"column": "Name"},
        {"column": "Имя", "script": "Cyrl", "language": "ru", "kind": "transliteration"},
    ],
    "start": "Date of arrest",
    "custody_kind": {"default": "pre_trial_detention"},
    "charges": "Articles",
    "groups": {"column": "Groups", "separator": "|"},
    "facility": "Facility",
    "sex": {"column": "Sex", "values": {"M": "male", "F": "female"}},
}


def rows_of(text: str) -> Any:
    return read_table(text.encode(), "people.csv").rows


def run(
    service: Service, text: str = SHEET, mapping: dict[str, Any] | None = None, **options: Any
) -> ImportReport:
    return import_table(service, rows_of(text), parse_mapping(mapping or MAPPING), **options)


def select(store: Store, query: Any) -> list[Any]:
    with store.reading() as conn:
        return list(conn.execute(query).all())


@pytest.fixture
def sqlite_service(sqlite_store: Store) -> Service:
    return Service(sqlite_store, "importer")


def test_rows_become_people_custody_arrests_charges_facilities(service: Service) -> None:
    report = run(service)
    assert (report.created, report.rejected, report.duplicates, report.written) == (4, 0, 0, True)
    store = service.store
    starts = sorted(r.start for r in select(store, sa.select(custody_periods.c.start)))
    # 22.11.2013, 22 November 2013 and 2013-11-22 are one day; noyabr 2013 stays a month.
    assert starts == ["2013-11", "2013-11-22", "2013-11-22", "2013-11-22"]
    assert len(select(store, sa.select(events.c.id).where(events.c.type == "arrest"))) == 4
    articles = sorted(
        (r.code, r.article) for r in select(store, sa.select(charges.c.code, charges.c.article))
    )
    assert articles == [("CC", "168.2"), ("CC", "206.3.2"), ("CC", "221"), ("CC", "228")]
    facilities = select(store, sa.select(organisations.c.name, organisations.c.kind))
    assert sorted(facilities) == [
        ("Baku Pre-trial Centre No. 1", "detention_facility"),
        ("Prison No. 2", "detention_facility"),
    ]
    first = store.get("person", report.outcomes[0].person_id)
    assert isinstance(first, Person)
    assert [(n.value, n.script, n.language) for n in first.names] == [
        ("Anar Məmmədli", "Latn", ""),
        ("Анар Мамедли", "Cyrl", "ru"),
    ]
    assert (first.groups, first.sex) == (["journalist", "blogger"], "male")


def test_every_fact_is_cited_with_its_row(sqlite_service: Service) -> None:
    report = run(sqlite_service)
    store = sqlite_service.store
    (source,) = select(store, sa.select(sources.c.id, sources.c.title))
    assert source.id == report.source_id and source.title == "Spreadsheet import"
    cited = select(store, sa.select(citations.c.target_kind, citations.c.locator, citations.c.source_id))
    assert {c.source_id for c in cited} == {source.id}
    row2 = sorted(c.target_kind for c in cited if c.locator == "row 2")
    assert row2 == ["charge", "charge", "custody_period", "event", "person"]
    assert {c.locator for c in cited} == {"row 2", "row 3", "row 4", "row 5"}


def test_a_given_source_is_cited(sqlite_service: Service) -> None:
    (source,) = sqlite_service.create(Source(title="Field office list, May 2014"))
    run(sqlite_service, source_id=source.id)
    ids = {r.source_id for r in select(sqlite_service.store, sa.select(citations.c.source_id))}
    assert ids == {source.id}
    with pytest.raises(ValidationError, match="no source"):
        run(sqlite_service, source_id="01J0000000000000000000000Z")


def test_dry_run_writes_nothing(service: Service, count_rows: Counts) -> None:
    before = count_rows(service.store)
    report = run(service, dry_run=True)
    assert count_rows(service.store) == before
    assert (report.created, report.written, report.records) == (4, False, 0)
    assert [o.action for o in report.outcomes] == ["create"] * 4


def test_stop_writes_nothing_when_one_row_is_bad(service: Service, count_rows: Counts) -> None:
    before = count_rows(service.store)
    bad = SHEET + "Samir Nuriyev,,31.02.2014,206,,,\n"
    report = run(service, bad)
    assert count_rows(service.store) == before
    assert (report.rejected, report.written) == (1, False)
    (reject,) = [o for o in report.outcomes if o.action == "reject"]
    assert (reject.row, reject.column, reject.value) == (6, "Date of arrest", "31.02.2014")


def test_skip_writes_the_rest_and_the_rejects_file(sqlite_service: Service, tmp_path: Path) -> None:
    bad = SHEET + "Samir Nuriyev,,2014,article nine,,,\nShort,row\n"
    rejects = rejects_path(tmp_path / "people.csv")
    report = run(sqlite_service, bad, on_error="skip", rejects=rejects)
    assert (report.created, report.rejected, report.written) == (4, 2, True)
    assert report.rejects_file == rejects == tmp_path / "people.csv.rejects.csv"
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert [(r["row"], r["column"]) for r in lines] == [("6", "Articles"), ("7", "")]
    assert lines[0]["Name"] == "Samir Nuriyev" and "the article" in lines[0]["reason"]
    assert "2 cells" in lines[1]["reason"]
    assert len(select(sqlite_service.store, sa.select(people.c.id))) == 4


def test_bad_values_are_rejected_with_column_value_and_reason(sqlite_service: Service) -> None:
    text = "Name,Date of arrest,Sex,Released\nA,2013,X,\n,2013,M,\nB,2014,M,2013\nC,2014,ж,\n"
    mapping = {
        "names": ["Name"],
        "start": "Date of arrest",
        "end": "Released",
        "custody_kind": {"default": "pre_trial_detention"},
        "sex": "Sex",
    }
    report = run(sqlite_service, text, mapping, dry_run=True)
    rejects = [(o.row, o.column, o.value) for o in report.outcomes if o.action == "reject"]
    assert rejects == [(2, "Sex", "X"), (3, "Name", ""), (4, "Released", "2013")]
    assert "sex code" in report.outcomes[0].reason


def test_probable_duplicates_are_reported_not_created(sqlite_service: Service) -> None:
    (stored,) = sqlite_service.create(Person(names=[PersonName(value="Anar Mammadli")]))
    text = SHEET + "Leyla Gasymova,,2014,,,,\n"
    report = run(sqlite_service, text)
    duplicates = {o.row: o for o in report.outcomes if o.action == "duplicate"}
    assert set(duplicates) == {2, 6}
    assert duplicates[2].person_id == stored.id
    assert "row 3" in duplicates[6].reason  # Qasımova, earlier in the same file
    assert (report.created, report.duplicates) == (3, 2)
    again = run(sqlite_service, "Name\nAnar Məmmədli\n", {"names": ["Name"]}, allow_duplicates=True)
    assert again.created == 1 and "duplicate" in again.outcomes[0].reason


def test_rows_with_an_id_update_the_person(sqlite_service: Service) -> None:
    (person,) = sqlite_service.create(
        Person(names=[PersonName(value="Anar Məmmədli")], groups=["journalist"])
    )
    text = f"id,Name,Groups,Date of arrest,Articles\n{person.id},Анар Мамедли,blogger,22.11.2013,206.3.2\n"
    mapping = {
        "id": "id",
        "names": ["Name"],
        "groups": "Groups",
        "start": "Date of arrest",
        "custody_kind": {"default": "pre_trial_detention"},
        "charges": "Articles",
    }
    report = run(sqlite_service, text, mapping)
    assert (report.updated, report.created) == (1, 0)
    updated = sqlite_service.store.get("person", person.id)
    assert isinstance(updated, Person)
    assert [n.value for n in updated.names] == ["Anar Məmmədli", "Анар Мамедли"]
    assert updated.groups == ["journalist", "blogger"] and updated.version == 2
    # The same row again adds nothing: that custody and that charge are there already.
    again = run(sqlite_service, text, mapping)
    assert (again.updated, again.records) == (1, 2)  # only its own source and the citation of the person
    unknown = run(sqlite_service, text.replace(person.id, "01J0000000000000000000000Z"), mapping)
    assert unknown.rejected == 1 and unknown.outcomes[0].reason == "no person with this id"


def test_key_name_matches_a_stored_person(sqlite_service: Service) -> None:
    (person,) = sqlite_service.create(Person(names=[PersonName(value="Rauf Əliyev")]))
    report = run(
        sqlite_service, "Name,Sex\nrauf əliyev,male\n", {"names": ["Name"], "sex": "Sex"}, key="name"
    )
    assert report.updated == 1 and report.outcomes[0].person_id == person.id
    assert sqlite_service.store.get("person", person.id).sex == "male"  # type: ignore[attr-defined]


def test_facilities_and_sources_found_by_exact_name(sqlite_service: Service) -> None:
    (prison,) = sqlite_service.create(Organisation(name="Prison No. 2", kind="detention_facility"))
    (source,) = sqlite_service.create(Source(title="List A"))
    text = "Name,Facility,From\nA,Prison No. 2,List A\nB,Prison No. 2,List B\nC,Prison No. 2,List B\n"
    mapping = {"names": ["Name"], "facility": "Facility", "start": {"default": "2014"}, "source": "From"}
    mapping["custody_kind"] = {"default": "imprisonment"}
    run(sqlite_service, text, mapping)
    store = sqlite_service.store
    assert {r.facility_id for r in select(store, sa.select(custody_periods.c.facility_id))} == {prison.id}
    titles = sorted(r.title for r in select(store, sa.select(sources.c.title)))
    assert titles == ["List A", "List B"]
    cited = {
        r.source_id
        for r in select(store, sa.select(citations.c.source_id).where(citations.c.locator == "row 2"))
    }
    assert cited == {source.id}


def test_xlsx_with_excel_dates_and_a_cp1251_csv(sqlite_service: Service, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ФИО", "Дата ареста", "Статья"])
    sheet.append(["Анар Мамедли", datetime(2013, 11, 22), 206.3])
    book.save(tmp_path / "list.xlsx")
    csv_path = tmp_path / "list.csv"
    csv_path.write_bytes("ФИО;Дата ареста;Статья\nЛейла Гасымова;22 ноября 2013 г.;221\n".encode("cp1251"))
    for path in (tmp_path / "list.xlsx", csv_path):
        with open_table(path) as table:
            mapping = guess_mapping(table.headers)
            report = import_table(sqlite_service, table.rows, mapping)
        assert report.created == 1
    starts = sorted(r.start for r in select(sqlite_service.store, sa.select(custody_periods.c.start)))
    assert starts == ["2013-11-22", "2013-11-22"]


# -- mappings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Name", "Date of arrest", "Article", "Place of detention", "Group", "Notes"],
            {
                "start": "Date of arrest",
                "charges": "Article",
                "facility": "Place of detention",
                "groups": "Group",
            },
        ),
        (["Ad Soyad", "Həbs tarixi", "Maddə", "Həbsxana"], {"start": "Həbs tarixi", "charges": "Maddə"}),
        (
            ["ФИО", "Дата ареста", "Статья", "Место содержания"],
            {"start": "Дата ареста", "facility": "Место содержания"},
        ),
    ],
)
def test_guessed_mappings_in_three_languages(headers: list[str], expected: dict[str, str]) -> None:
    mapping = guess_mapping(headers)
    assert [n.column for n in mapping.names] == [headers[0]]
    for field, column in expected.items():
        assert mapping.fields[field].column == column
    assert mapping.fields["custody_kind"].default == "pre_trial_detention"


def test_mapping_yaml_round_trip(tmp_path: Path) -> None:
    mapping = parse_mapping(MAPPING)
    path = tmp_path / "mapping.yaml"
    path.write_text(mapping.to_yaml(), encoding="utf-8")
    assert (
        load_mapping(path, ["Name", "Имя", "Date of arrest", "Articles", "Groups", "Facility", "Sex"])
        == mapping
    )


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        ({"colour": "Name"}, "mapping", "use these keys"),
        ({"start": "Arrest"}, "mapping.start.column", "no such column"),
        ({"sex": {"column": "Sex", "values": {"M": "man"}}}, "mapping.sex.values", "sex codes"),
        ({"custody_kind": None}, "mapping.custody_kind", "map its kind"),
        ({"names": [{"column": "Name", "script": "Greek"}]}, "mapping.names.script", "Latn"),
        ({"notes": {"column": "Sex", "separator": ","}}, "mapping.notes.separator", "several values"),
    ],
)
def test_mapping_errors_name_the_key(change: dict[str, Any], field: str, hint: str) -> None:
    data = {**MAPPING, **change}
    with pytest.raises(ValidationError) as caught:
        parse_mapping(data, ["Name", "Имя", "Date of arrest", "Articles", "Groups", "Facility", "Sex"])
    assert caught.value.field == field and hint in str(caught.value)
