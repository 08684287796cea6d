"""`habeas list …` end to end: a real process on a real database file, filled through the service layer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Habeas
from habeas.config import Settings
from habeas.domain.dates import PartialDate
from habeas.domain.records import Assessment, CustodyPeriod, Event, Participant, Person, PersonName
from habeas.service import Service
from habeas.storage.store import Store


@pytest.fixture
def cli(tmp_path: Path) -> Habeas:
    runner = Habeas(tmp_path)
    runner("init")
    return runner


def _fill(db: Path) -> dict[str, str]:
    """Three invented people: one in prison throughout, one released, one moved to house arrest."""
    store = Store.open(Settings(db=str(db)))
    try:
        service = Service(store, "tester")
        ids = {}
        for key, groups, kind, end in (
            ("Invented Prisoner", ["journalist"], "imprisonment", None),
            ("Invented Released", ["human_rights_defender"], "pre_trial_detention", "2024-03-10"),
            ("Invented Home", ["journalist"], "pre_trial_detention", "2024-04-01"),
        ):
            (person,) = service.create(Person(names=[PersonName(value=key)], groups=groups))
            ids[key] = person.id
            end_date = PartialDate.parse(end) if end else None
            service.create(
                CustodyPeriod(
                    person_id=person.id, kind=kind, start=PartialDate.parse("2023-05"), end=end_date
                ),
                Assessment(
                    person_id=person.id,
                    conclusion="political_prisoner",
                    decided_on=PartialDate.parse("2023-06"),
                ),
            )
        release = Event(
            type="release",
            date=PartialDate.parse("2024-03-10"),
            participants=[Participant(person_id=ids["Invented Released"])],
        )
        home = CustodyPeriod(
            person_id=ids["Invented Home"], kind="house_arrest", start=PartialDate.parse("2024-04-01")
        )
        service.create(release, home)
    finally:
        store.close()
    return ids


def _publish(cli: Habeas, *args: str) -> str:
    return cli("list", "publish", *args).stdout.splitlines()[0].strip()


def test_publish_show_editions_diff_and_check(cli: Habeas) -> None:
    ids = _fill(cli.db)
    assert "pace-with-house-arrest" in cli("list", "rules").stdout
    a = _publish(cli, "--on", "2024-01-31", "--note", "winter edition")
    published = cli("list", "publish", "--on", "2024-06-30")
    b = published.stdout.splitlines()[0].strip()
    assert "1 people" in published.stdout and "journalist" in published.stdout
    wider = cli("list", "publish", "--on", "2024-06-30", "--rule", "pace-with-house-arrest")
    assert "2 people" in wider.stdout and not wider.stderr

    shown = json.loads(cli("list", "show", a, "--format", "json").stdout)
    assert shown["counts"] == {"journalist": 2, "human_rights_defender": 1}
    assert shown["note"] == "winter edition" and shown["rule"]["name"] == "pace"
    rows = list(csv.DictReader(io.StringIO(cli("list", "show", a, "--format", "csv").stdout)))
    assert {r["name"] for r in rows} == set(ids) and {r["person_id"] for r in rows} == set(ids.values())
    table = cli("list", "show", a).stdout
    assert a in table and "Invented Prisoner" in table and "winter edition" in table

    listed = cli("list", "editions").stdout
    assert listed.index(b) < listed.index(a)  # the latest day first

    changes = json.loads(cli("list", "diff", a, b, "--format", "json").stdout)
    left = {c["name"]: c["text"] for c in changes["left"]}
    assert left == {"Invented Released": "released", "Invented Home": "measure changed to house arrest"}
    assert changes["added"] == [] and changes["recategorised"] == []
    assert "measure changed to house arrest" in cli("list", "diff", a, b).stdout

    assert "matches today's facts" in cli("list", "check", a).stdout
    assert "audit chain intact" in cli("audit", "verify").stdout


def test_late_information_shows_in_check_and_a_correction_is_noted(cli: Habeas) -> None:
    _fill(cli.db)
    first = _publish(cli, "--on", "2024-01-31")
    store = Store.open(Settings(db=str(cli.db)))
    try:
        service = Service(store, "tester")
        (late,) = service.create(Person(names=[PersonName(value="Invented Late")], groups=["lawyer"]))
        service.create(
            CustodyPeriod(person_id=late.id, kind="imprisonment", start=PartialDate.parse("2023-01")),
            Assessment(
                person_id=late.id, conclusion="political_prisoner", decided_on=PartialDate.parse("2023-02")
            ),
        )
    finally:
        store.close()
    report = json.loads(cli("list", "check", first, "--format", "json").stdout)
    assert not report["matches"] and [c["name"] for c in report["extra"]] == ["Invented Late"]
    assert report["recomputed_counts"]["lawyer"] == 1 and "lawyer" not in report["stored_counts"]
    assert "Invented Late" in cli("list", "check", first).stdout

    corrected = cli("list", "publish", "--on", "2024-01-31", "--note", "with late information")
    assert f"note: {first} has the same day and rule" in corrected.stderr
    second = corrected.stdout.splitlines()[0].strip()
    assert f"corrects: {first}" in cli("list", "show", second).stdout
    assert json.loads(cli("list", "show", first, "--format", "json").stdout)["member_count"] == 3  # unchanged


def test_bad_input_is_one_line_and_writes_nothing(cli: Habeas, tmp_path: Path) -> None:
    _fill(cli.db)
    before = cli.audit_count()
    bad_rule = tmp_path / "ours.yaml"
    bad_rule.write_text("custody_kinds: [prison]\nconclusions: [political_prisoner]\n", encoding="utf-8")
    for args, says in (
        (("list", "show", "01JD8X6V0Q4ZC2M8E5T2W9H1AB"), "no list edition has this id"),
        (("list", "check", "nope"), "no list edition has this id"),
        (("list", "publish", "--on", "2024-06-30", "--rule", "amnesty"), "pace, pace-with-house-arrest"),
        (("list", "publish", "--on", "30.06.2024"), "YYYY-MM-DD"),
        (("list", "publish", "--on", "2024-06-30", "--rule", str(bad_rule)), "rule.custody_kinds: 'prison'"),
    ):
        result = cli(*args, ok=False)
        assert result.returncode == 2, args
        assert result.stderr.startswith("error: ") and says in result.stderr, result.stderr
        assert "Invented" not in result.stderr
    assert cli.audit_count() == before
