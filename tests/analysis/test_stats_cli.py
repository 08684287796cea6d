"""`habeas stats series` and `habeas stats around` as a user runs them: formats, files, refusals."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import Habeas
from habeas.config import Settings
from habeas.domain.dates import PartialDate
from habeas.domain.records import ContextPeriod, CustodyPeriod, Event, Participant, Person, PersonName
from habeas.service import Service
from habeas.storage.store import Store

P = PartialDate.parse


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Habeas:
    """Two invented people, their custody and arrests, and an invented summit (11–22 November 2024).

    Made once for the module, in process: every command here only reads.
    """
    habeas = Habeas(tmp_path_factory.mktemp("stats"))
    habeas("init")
    store = Store.open(Settings(db=str(habeas.db)))
    try:
        service = Service(store, "tester")
        aysel = _person(service, "Aysel Testova", "journalist", "blogger")
        _custody(service, aysel, "pre_trial_detention", "2024-11-12")
        _event(service, "arrest", "2024-11-12", aysel)
        bahram = _person(service, "Bahram Testov", "peaceful_protester")
        _custody(service, bahram, "administrative_detention", "2024-10-01", "2024-10-30")
        _event(service, "arrest", "2024-10", bahram)
        _event(service, "release", "2024-10-30", bahram)
        _event(service, "arrest", "2024", bahram)
        service.create(ContextPeriod(name="Test Summit", start=P("2024-11-11"), end=P("2024-11-22")))
    finally:
        store.close()
    return habeas


def _person(service: Service, name: str, *groups: str) -> str:
    return service.create(Person(names=[PersonName(value=name)], groups=list(groups)))[0].id


def _custody(service: Service, person_id: str, kind: str, start: str, end: str | None = None) -> None:
    service.create(CustodyPeriod(person_id=person_id, kind=kind, start=P(start), end=P(end) if end else None))


def _event(service: Service, type_: str, when: str, victim: str) -> None:
    service.create(Event(type=type_, date=P(when), participants=[Participant(person_id=victim)]))


def test_series_json_per_month(filled: Habeas) -> None:
    out = filled("stats", "series", "--from", "2024-09-01", "--to", "2024-12-31", "--format", "json").stdout
    data = json.loads(out)
    assert (data["from"], data["to"], data["every"], data["by"]) == (
        "2024-09-01",
        "2024-12-31",
        "month",
        None,
    )
    assert [(p["end"], p["held"], p["events"]) for p in data["points"]] == [
        ("2024-09-30", 0, {"arrest": 0, "release": 0}),
        ("2024-10-31", 0, {"arrest": 1, "release": 1}),  # released on the 30th
        ("2024-11-30", 1, {"arrest": 1, "release": 0}),
        ("2024-12-31", 1, {"arrest": 0, "release": 0}),
    ]
    assert data["straddling"] == {"all": {"arrest": 1, "release": 0}}  # "2024" may be before September


def test_series_csv_per_day_by_group(filled: Habeas) -> None:
    result = filled(
        "stats", "series", "--from", "2024-10-01", "--to", "2024-11-12", "--every", "day", "--by", "group",
        "--format", "csv",
    )  # fmt: skip
    lines = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(lines[0]) == [
        "start", "end", "group", "held", "arrest", "release", "arrest_month_only", "release_month_only",
    ]  # fmt: skip
    assert {ln["group"] for ln in lines} == {"all", "journalist", "blogger", "peaceful_protester"}
    day = {(ln["end"], ln["group"]): ln for ln in lines}
    assert day[("2024-10-30", "peaceful_protester")]["held"] == "1"
    assert day[("2024-10-30", "all")]["release"] == "1"
    assert day[("2024-10-31", "all")]["arrest_month_only"] == "1"  # "2024-10", on October's last row
    assert day[("2024-10-30", "all")]["arrest_month_only"] == ""
    assert day[("2024-11-12", "journalist")]["arrest"] == "1"
    assert day[("2024-11-12", "all")]["held"] == "1"
    assert "note: Events dated to a span that may fall within the period or outside it" in result.stderr


def test_series_table_by_kind(filled: Habeas) -> None:
    out = filled("stats", "series", "--from", "2024-10-01", "--to", "2024-10-30", "--by", "kind").stdout
    assert "Held and events per month (held: on its last day), 2024-10-01 to 2024-10-30" in out
    assert "2024-10-01 │ 2024-10-30 │ administrative_detention │ 1" in out
    assert "pre_trial_detention" not in out  # no one was held so on 30 October
    # The month is cut at the 30th: "2024-10" may be the 31st, and is left out like the year.
    assert "Events dated to a span that may fall within the period or outside it (left out): arrest 2" in out


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("--from", "2024-12-01", "--to", "2024-11-01"), ("--to", "2024-11-01", "on or after")),
        (("--from", "1900-01-01", "--to", "2024-11-01"), ("--to", "20,000 days")),
        (("--from", "2024-01-01", "--to", "2024-11-01", "--by", "place"), ("--by", "'place'", "group, kind")),
        (("--from", "2024-01-01", "--to", "2024-11-01", "--every", "week"), ("--every", "day, month")),
        (("--from", "2024-01-01", "--to", "2024-11-01", "--event-type", "raid"), ("--event-type", "'raid'")),
        (("--from", "2024-13-01", "--to", "2024-11-01"), ("--from", "2024-13-01")),
    ],
)
def test_series_refuses_bad_input_in_one_line(
    habeas: Habeas, args: tuple[str, ...], names: tuple[str, ...]
) -> None:
    result = habeas("stats", "series", *args, ok=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    for name in names:
        assert name in result.stderr


def test_around_table_json_and_svg(filled: Habeas, tmp_path: Path) -> None:
    chart = tmp_path / "summit.svg"
    out = filled(
        "stats", "around", "test summit", "--before", "6w", "--after", "30d", "--svg", str(chart)
    ).stdout
    assert "arrest around Test Summit (2024-11-11 to 2024-11-22)" in out
    assert "during / before" in out and "chart written:" in out
    assert ET.parse(chart).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    data = json.loads(filled("stats", "around", "Test Summit", "--before", "6w", "--format", "json").stdout)
    assert [(w["name"], w["days"], w["events"]) for w in data["windows"]] == [
        ("before", 42, 1),  # 30 September – 10 November holds all of October
        ("during", 12, 1),
        ("after", 90, 0),
    ]
    assert data["excluded"] == {"straddling": 1, "date_unknown": 0}  # the year 2024
    assert data["rate_ratios"]["during"]["estimate"] == pytest.approx(3.5)
    after = json.loads(filled("stats", "around", "Test Summit", "--before", "30d", "--format", "json").stdout)
    assert [w["events"] for w in after["windows"]] == [0, 1, 0]
    # One event during, none before: p_low = 0.025 (the exact binomial bound for 1 of 1), no upper limit.
    low = 0.025 / 0.975 * 30 / 12
    assert after["rate_ratios"]["during"] == {"estimate": None, "ci95": [pytest.approx(low), None]}


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("Nowhere",), ("CONTEXT_PERIOD", "'Nowhere'", "Test Summit")),
        (("Test Summit", "--before", "3 months"), ("--before", "90d or 13w")),
        (("Test Summit", "--after", "0d"), ("--after",)),
        (("Test Summit", "--group", "spies"), ("--group", "'spies'")),
        (("Test Summit", "--event-type", "raid"), ("--event-type", "'raid'")),
        (("Test Summit", "--svg", "/nonexistent-folder/x.svg"), ("--svg", "cannot be written")),
    ],
)
def test_around_refuses_bad_input_in_one_line(
    filled: Habeas, args: tuple[str, ...], names: tuple[str, ...]
) -> None:
    result = filled("stats", "around", *args, ok=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    for name in names:
        assert name in result.stderr
