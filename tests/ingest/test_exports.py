"""CSV and XLSX table exports: nothing hidden from the audience in any byte, formulas neutralised."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Citation,
    CustodyPeriod,
    Event,
    Participant,
    Person,
    PersonName,
    Source,
)
from habeas.errors import ValidationError
from habeas.ingest.exports import export_tables_csv, export_tables_xlsx, neutralise
from habeas.service import Service
from habeas.storage.store import Store

HIDDEN_FROM_PUBLIC = (
    "RESTRICTEDMARK",
    "CONFMARK",
    "CHILDMARK",
    "SOURCEMARK",
    "CITEMARK",
    "RETRACTMARK",
    "NOTESMARK",
    "NOCONSENTMARK",
)
FORMULAS = ('=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR")


def _person(name: str, visibility: str, **fields: Any) -> Person:
    return Person(names=[PersonName(value=name)], visibility=visibility, **fields)


@pytest.fixture
def seeded(sqlite_store: Store) -> dict[str, str]:
    """Public, restricted and confidential records, each carrying a marker string in some field."""
    service = Service(sqlite_store, "amina")
    public, restricted, confidential, retracted = service.create(
        _person(
            "Public Person", "public", occupation="PUBLICMARK", notes="NOTESMARK", consent_to_publish=True
        ),
        _person("RESTRICTEDMARK Person", "restricted"),
        _person("CONFMARK Person", "confidential"),
        _person("RETRACTMARK Person", "public"),
    )
    service.retract("person", retracted.id)
    service.create(_person("NOCONSENTMARK Person", "public"))  # public, but not to be named
    formulas = service.create(*(_person(f, "public", consent_to_publish=True) for f in FORMULAS))
    start = PartialDate.parse("2024-04-29")
    service.create(
        # a public record about a confidential person: left out with its person
        CustodyPeriod(
            person_id=confidential.id,
            kind="pre_trial_detention",
            start=start,
            place="CHILDMARK",
            visibility="public",
        ),
        Event(
            type="arrest",
            date=start,
            participants=[
                Participant(person_id=public.id),
                Participant(person_id=restricted.id, role="witness"),
            ],
            visibility="public",
        ),
    )
    secret_source, open_source = service.create(
        Source(title="SOURCEMARK report", visibility="confidential"),
        Source(title="Open report", visibility="public"),
    )
    service.create(
        Citation(
            source_id=secret_source.id,
            target_kind="person",
            target_id=public.id,
            quote="CITEMARK",
            visibility="public",
        ),
        Citation(
            source_id=open_source.id,
            target_kind="person",
            target_id=public.id,
            quote="OPENCITE",
            visibility="public",
        ),
    )
    return {"public": public.id, "restricted": restricted.id, "formula": formulas[0].id}


def _zip_text(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_public_csv_holds_nothing_hidden(sqlite_store: Store, seeded: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "public.zip"
    export_tables_csv(sqlite_store, out, "public")
    files = _zip_text(out)
    everything = "".join(files.values())

    for marker in HIDDEN_FROM_PUBLIC:
        assert marker not in everything, marker
    assert "PUBLICMARK" in everything and "OPENCITE" in everything
    assert seeded["restricted"] not in everything  # not even as an event participant
    assert {"people.csv", "person_names.csv", "events.csv", "event_participants.csv", "citations.csv"} <= set(
        files
    )
    participants = list(csv.DictReader(io.StringIO(files["event_participants.csv"])))
    assert [row["person_id"] for row in participants] == [seeded["public"]]


def test_restricted_csv_adds_restricted_records_only(
    sqlite_store: Store, seeded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "restricted.zip"
    export_tables_csv(sqlite_store, out, "restricted")
    everything = "".join(_zip_text(out).values())
    assert "RESTRICTEDMARK" in everything
    for marker in ("CONFMARK", "CHILDMARK", "SOURCEMARK", "CITEMARK", "RETRACTMARK"):
        assert marker not in everything, marker


def test_csv_cells_that_would_be_formulas_are_neutralised(
    sqlite_store: Store, seeded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "public.zip"
    export_tables_csv(sqlite_store, out, "public")
    names = [row["value"] for row in csv.DictReader(io.StringIO(_zip_text(out)["person_names.csv"]))]
    for formula in FORMULAS:
        assert "'" + formula in names
        assert formula not in names


def test_public_xlsx_holds_nothing_hidden_and_no_formula(
    sqlite_store: Store, seeded: dict[str, str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "public.xlsx"
    export_tables_xlsx(sqlite_store, out, "public")
    xml = "".join(_zip_text(out).values())
    for marker in HIDDEN_FROM_PUBLIC:
        assert marker not in xml, marker
    assert "PUBLICMARK" in xml
    assert "<f>" not in xml  # no formula element anywhere in the workbook
    workbook = load_workbook(out, read_only=True)
    names = [row[2] for row in workbook["person_names"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names
    assert set(workbook.sheetnames) >= {"people", "person_names", "custody_periods", "citations"}


def test_confidential_export_holds_everything_live(
    sqlite_store: Store, seeded: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "all.xlsx"
    export_tables_xlsx(sqlite_store, out, "confidential")
    xml = "".join(_zip_text(out).values())
    for marker in ("RESTRICTEDMARK", "CONFMARK", "CHILDMARK", "SOURCEMARK", "CITEMARK"):
        assert marker in xml, marker
    assert "RETRACTMARK" not in xml  # a retracted record leaves every export but the JSON one


def test_an_unknown_audience_writes_nothing(sqlite_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.zip"
    with pytest.raises(ValidationError, match="--audience"):
        export_tables_csv(sqlite_store, out, "everyone")
    assert not out.exists() and not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+7", "'+7"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected
