"""The list downloads: list.csv and list.json hold the named members only, the same bytes each time.

`public_people` builds the small store the public database, site and statement tests use too:
invented people who are public and consented, public without consent, and restricted, all on the
list. One journalist and three bloggers are withheld: the bloggers are counted under their category,
the lone journalist in no category, so that a count of one cannot point at her.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from habeas import editions
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Assessment,
    Charge,
    CustodyPeriod,
    Organisation,
    Person,
    PersonName,
    Source,
)
from habeas.errors import ValidationError
from habeas.publishing.dataset import PublicData, collect
from habeas.publishing.downloads import CSV_COLUMNS, write_downloads
from habeas.service import Service
from habeas.storage.store import Store

ON = date(2024, 6, 1)
FACILITY = '=HYPERLINK("http://example.org/x","Invented Prison No. 9")'
SECRET = "SECRET-MARKER-publicdb"


@dataclass(frozen=True)
class People:
    named: str  # public, consented: on the list by name
    second: str  # public, consented, under house arrest: not on the PACE list
    unnamed: str  # public, no consent: counted as withheld, never named, in no category (alone in hers)
    bloggers: tuple[str, ...]  # three public bloggers without consent: counted as withheld bloggers
    hidden: str  # restricted: neither named nor counted
    source: str  # a public source cited for the named person
    secret_source: str  # a confidential source cited for the named person
    interview: str  # a public interview: never leaves


def _person(
    service: Service, names: list[PersonName], visibility: str, consent: bool, group: str = "journalist"
) -> str:
    record = Person(
        names=names,
        groups=[group],
        visibility=visibility,
        consent_to_publish=consent,
        sex="female",
        birth_date=PartialDate.parse("1990-04-05"),
        citizenship="AZ",
        occupation="reporter",
        notes=SECRET,
    )
    return service.create(record)[0].id


def _held(service: Service, person_id: str, facility_id: str, kind: str = "imprisonment") -> str:
    period = CustodyPeriod(
        person_id=person_id,
        kind=kind,
        start=PartialDate.parse("2023-02"),
        facility_id=facility_id,
        visibility="public",
    )
    assessment = Assessment(
        person_id=person_id,
        conclusion="political_prisoner",
        decided_on=PartialDate.parse("2023-05-01"),
        decided_by=SECRET,
        visibility="public",
    )
    return service.create(period, assessment)[0].id


def public_people(store: Store) -> People:
    """Invented people on the list of ON, with sources, citations and charges of each visibility."""
    service = Service(store, "tester")
    source, secret_source, interview, prison = service.create(
        Source(
            title="Invented Monitor annual report",
            publisher="Invented Monitor",
            published=PartialDate.parse("2023-06"),
            url="https://example.org/report",
            text=SECRET,
            visibility="public",
        ),
        Source(title=SECRET, visibility="confidential"),
        Source(title=f"Interview {SECRET}", kind="interview", visibility="public"),
        Organisation(name=FACILITY, kind="detention_facility", visibility="public"),
    )
    named = _person(
        service,
        [
            PersonName(value="Aysel Invented", script="Latn", language="az"),
            PersonName(value="Айсель Придуманная", script="Cyrl", language="ru", kind="transliteration"),
        ],
        "public",
        True,
    )
    period = _held(service, named, prison.id)
    second = _person(service, [PersonName(value="Gunel Invented")], "public", True)
    _held(service, second, prison.id, kind="house_arrest")
    unnamed = _person(service, [PersonName(value="Nigar Unconsented")], "public", False)
    _held(service, unnamed, prison.id)
    hidden = _person(service, [PersonName(value="Leyla Restricted")], "restricted", True)
    _held(service, hidden, prison.id)
    bloggers = tuple(
        _person(service, [PersonName(value=f"Withheld Blogger {n}")], "public", False, group="blogger")
        for n in (1, 2, 3)
    )
    for blogger in bloggers:
        _held(service, blogger, prison.id)
    charges = service.create(
        *(
            Charge(person_id=named, code="CC", article=article, brought=PartialDate.parse("2023-02-10"))
            for article in ("206.3.2", "233")
        )
    )
    for c in charges:
        service.update("charge", c.id, visibility="public")
    service.cite(source.id, "person", named, locator="p. 4", quote="held since February", visibility="public")
    service.cite(source.id, "custody_period", period, locator="p. 5", visibility="public")
    service.cite(secret_source.id, "person", named, locator=SECRET, visibility="confidential")
    service.cite(interview.id, "person", named, locator="tape 1", visibility="public")
    service.cite(source.id, "person", unnamed, locator="p. 6", visibility="public")
    return People(named, second, unnamed, bloggers, hidden, source.id, secret_source.id, interview.id)


@pytest.fixture
def people(sqlite_store: Store) -> People:
    return public_people(sqlite_store)


@pytest.fixture
def data(sqlite_store: Store, people: People) -> PublicData:
    return collect(sqlite_store, on=ON)


def test_csv_has_one_row_per_named_member(data: PublicData, people: People, tmp_path: Path) -> None:
    csv_path, json_path = write_downloads(data, tmp_path / "data")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]] == [
        {
            "person_id": people.named,
            "name": "Aysel Invented",
            "other_names": "Айсель Придуманная",
            "category": "journalist",
            "custody_kind": "imprisonment",
            "held_since": "2023-02",
            "facility": "'" + FACILITY,  # neutralised: a spreadsheet shows it, never runs it
            "charges": "CC 206.3.2; CC 233",
            "sources": "1",  # the public report; the confidential source and the interview never count
        }
    ]
    assert json_path.name == "list.json"


def test_json_holds_the_list_and_its_members(data: PublicData, people: People, tmp_path: Path) -> None:
    _, json_path = write_downloads(data, tmp_path)
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["list"]["on_date"] == "2024-06-01"
    assert document["list"]["edition_id"] is None
    assert document["list"]["rule"]["name"] == "pace"
    # three withheld bloggers are counted as bloggers; the one withheld journalist in no category
    assert document["list"]["counts"] == {"journalist": 1, "blogger": 3}
    assert document["list"]["withheld"] == {"blogger": 3}
    assert document["list"]["withheld_unsorted"] == 1
    assert document["list"]["total"] == 5
    (member,) = document["members"]
    assert member["person_id"] == people.named
    assert member["names"][1] == {"value": "Айсель Придуманная", "script": "Cyrl", "kind": "transliteration"}
    assert member["custody"]["kind"] == "imprisonment"
    assert member["custody"]["facility"] == FACILITY  # JSON is not a spreadsheet: kept as written
    assert [(c["code"], c["article"]) for c in member["charges"]] == [("CC", "206.3.2"), ("CC", "233")]
    assert [(c["source_id"], c["locator"]) for c in member["citations"]] == [
        (people.source, "p. 4"),
        (people.source, "p. 5"),
    ]
    assert member["citations"][0]["quote"] == "held since February"
    assert member["citations"][0]["url"] == "https://example.org/report"


def test_withheld_and_hidden_people_and_secrets_never_appear(
    data: PublicData, people: People, tmp_path: Path
) -> None:
    written = write_downloads(data, tmp_path)
    for path in written:
        text = path.read_text(encoding="utf-8")
        for absent in (
            people.unnamed,
            "Nigar Unconsented",
            *people.bloggers,
            "Withheld Blogger",
            people.hidden,
            "Leyla Restricted",
            people.secret_source,
            people.interview,
            SECRET,
            "1990-04-05",
        ):
            assert absent not in text, (path.name, absent)


def test_same_data_gives_the_same_bytes(sqlite_store: Store, people: People, tmp_path: Path) -> None:
    first = write_downloads(collect(sqlite_store, on=ON), tmp_path / "a")
    second = write_downloads(collect(sqlite_store, on=ON), tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert {p.name for p in (tmp_path / "a").iterdir()} == {"list.csv", "list.json"}  # no temporary left
    assert all(os.stat(p).st_mode & 0o777 == 0o644 for p in first)  # public files, for a web server


def test_a_published_edition_is_the_list(sqlite_store: Store, people: People, tmp_path: Path) -> None:
    edition = editions.publish(Service(sqlite_store, "tester"), ON, editions.RULES["pace"])
    _, json_path = write_downloads(collect(sqlite_store), tmp_path)
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["list"]["edition_id"] == edition.id
    assert [m["person_id"] for m in document["members"]] == [people.named]


def test_a_failed_write_leaves_the_old_files(data: PublicData, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "list.csv").mkdir(parents=True)  # a folder where the file should go: the rename fails
    (folder / "list.json").write_text("old list\n", encoding="utf-8")
    with pytest.raises(OSError):
        write_downloads(data, folder)
    assert (folder / "list.json").read_text(encoding="utf-8") == "old list\n"
    assert sorted(p.name for p in folder.iterdir()) == ["list.csv", "list.json"]  # no part files


def test_a_folder_that_cannot_be_made_is_refused(data: PublicData, tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ValidationError, match="folder"):
        write_downloads(data, tmp_path / "data" / "inner")
