"""The `habeas` command, run as a real process against real SQLite files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Habeas


def add_prisoner(habeas: Habeas) -> tuple[str, str]:
    person = habeas.new_id(
        "person",
        "add",
        "--name",
        "Aysel Quliyeva",
        "--name",
        "Айсель Гулиева",
        "--group",
        "journalist",
        "--group",
        "blogger",
    )
    custody = habeas.new_id(
        "custody", "add", person, "--kind", "pre_trial_detention", "--start", "2024-11-02"
    )
    return person, custody


def test_held_json_is_one_object_with_the_documented_shape(habeas: Habeas) -> None:
    person, _ = add_prisoner(habeas)
    out = json.loads(habeas("held", "--on", "2024-11-20", "--format", "json").stdout)
    assert out["date"] == "2024-11-20"
    assert out["total"] == 1
    assert out["by_group"] == {"journalist": 1, "blogger": 1}
    assert out["by_kind"] == {"pre_trial_detention": 1}
    assert out["people"] == [
        {
            "id": person,
            "name": "Aysel Quliyeva",
            "groups": ["journalist", "blogger"],
            "kind": "pre_trial_detention",
            "since": "2024-11-02",
        }
    ]
    before = json.loads(habeas("held", "--on", "2024-11-01", "--format", "json").stdout)
    assert before["total"] == 0


def test_held_csv(habeas: Habeas) -> None:
    person, _ = add_prisoner(habeas)
    lines = habeas("held", "--on", "2024-12-01", "--format", "csv").stdout.splitlines()
    assert lines[0] == "id,name,groups,kind,since"
    assert lines[1] == f"{person},Aysel Quliyeva,journalist|blogger,pre_trial_detention,2024-11-02"


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (("--start", "2024-13-40"), "custody_period.start", "2024-13-40"),
        (("--start", "2024-05", "--end", "2024-01"), "custody_period.end", "2024-01"),
        (("--start", "2024-05", "--kind", "jail"), "custody_period.kind", "jail"),
    ],
)
def test_bad_input_names_field_and_value_and_writes_nothing(
    habeas: Habeas, args: tuple[str, ...], field: str, value: str
) -> None:
    person, _ = add_prisoner(habeas)
    before = habeas.audit_count()
    kind = () if "--kind" in args else ("--kind", "imprisonment")
    result = habeas("custody", "add", person, *kind, *args, ok=False)
    assert result.returncode == 2
    assert field in result.stderr and value in result.stderr
    assert habeas.audit_count() == before


def test_unknown_group_lists_the_allowed_codes(habeas: Habeas) -> None:
    result = habeas("person", "add", "--name", "Test Person", "--group", "spy", ok=False)
    assert result.returncode == 2
    assert (
        "person.groups" in result.stderr
        and "'spy'" in result.stderr
        and "religious_believer" in result.stderr
    )
    assert habeas.audit_count() == 0


def test_release_before_arrest_is_refused(habeas: Habeas) -> None:
    person, _ = add_prisoner(habeas)
    habeas("event", "add", "--type", "arrest", "--date", "2024-11-02", "--person", person)
    result = habeas("event", "add", "--type", "release", "--date", "2024-10-01", "--person", person, ok=False)
    assert result.returncode == 2 and "event.date" in result.stderr and "2024-10-01" in result.stderr


def test_reference_to_a_missing_person_is_refused(habeas: Habeas) -> None:
    result = habeas(
        "custody", "add", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "--kind", "imprisonment", "--start", "2020", ok=False
    )
    assert result.returncode == 2 and "custody_period.person_id" in result.stderr


def test_search_any_spelling_and_not_found(habeas: Habeas) -> None:
    person, _ = add_prisoner(habeas)
    assert person in habeas("person", "search", "гулиева").stdout
    assert person in habeas("person", "search", "QULIYEVA").stdout
    missing = habeas("person", "search", "nobody", ok=False)
    assert missing.returncode == 1 and "no one found" in missing.stderr


def test_cite_then_timeline_shows_the_source(habeas: Habeas) -> None:
    person, custody = add_prisoner(habeas)
    source = habeas.new_id("source", "add", "--title", "Remand decision", "--kind", "court_document")
    habeas("cite", source, custody, "--locator", "p. 2", "--quote", "remanded for four months")
    lines = json.loads(habeas("timeline", person, "--format", "json").stdout)
    assert [(line["date"], line["kind"]) for line in lines] == [("2024-11-02", "custody_period")]
    assert lines[0]["citations"][0]["source_title"] == "Remand decision"
    assert lines[0]["citations"][0]["locator"] == "p. 2"
    assert "UNSOURCED" not in habeas("timeline", person).stdout
    assert f"person {person}" in habeas("unsourced").stdout


def test_history_and_revert(habeas: Habeas) -> None:
    person, custody = add_prisoner(habeas)
    from habeas.config import Settings
    from habeas.service import Service
    from habeas.storage.store import Store

    store = Store.open(Settings(db=str(habeas.db)))
    Service(store, "editor").update("custody_period", custody, kind="house_arrest")
    store.close()
    assert "kind" in habeas("history", custody).stdout
    habeas("revert", custody, "1")
    held = json.loads(habeas("held", "--on", "2024-12-01", "--format", "json").stdout)
    assert held["by_kind"] == {"pre_trial_detention": 1}
    assert "intact: 4 entries" in habeas("audit", "verify").stdout


def test_audit_verify_reports_the_first_bad_entry(habeas: Habeas) -> None:
    add_prisoner(habeas)
    with sqlite3.connect(habeas.db) as conn:
        conn.execute("DROP TRIGGER audit_entries_no_update")
        conn.execute("UPDATE audit_entries SET actor = 'someone else' WHERE seq = 2")
    result = habeas("audit", "verify", ok=False)
    assert result.returncode == 1 and "broken at entry 2" in result.stderr


def test_hearings_and_report(habeas: Habeas) -> None:
    person, _ = add_prisoner(habeas)
    habeas(
        "event",
        "add",
        "--type",
        "trial_hearing",
        "--date",
        "2024-11-21",
        "--at",
        "2024-11-21 10:30",
        "--person",
        person,
    )
    out = habeas("hearings", "--from", "2024-11-18", "--to", "2024-11-24").stdout
    assert "2024-11-21 10:30" in out and "Aysel Quliyeva" in out
    report = habeas("report", "--on", "2024-11-20").stdout
    assert "Held on 2024-11-20: 1 people" in report and "Hearings in the next 7 days: 1" in report


def test_wrong_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "right").write_text("correct horse battery staple\n")
    (tmp_path / "wrong").write_text("incorrect\n")
    habeas = Habeas(tmp_path, HABEAS_PASSPHRASE_FILE=str(tmp_path / "right"))
    habeas("init")
    add_prisoner(habeas)
    habeas.env["HABEAS_PASSPHRASE_FILE"] = str(tmp_path / "wrong")
    result = habeas("held", ok=False)
    assert result.returncode == 1 and "passphrase does not open this database" in result.stderr
    del habeas.env["HABEAS_PASSPHRASE_FILE"]
    result = habeas("held", ok=False)
    assert result.returncode == 1 and "encrypted" in result.stderr


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    habeas = Habeas(tmp_path, HABEAS_BUSY_TIMEOUT_MS="200")
    habeas("init")
    holder = sqlite3.connect(habeas.db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = habeas("person", "add", "--name", "Test Person", ok=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1 and "another program is writing" in result.stderr


def test_missing_database_tables_say_run_init(tmp_path: Path) -> None:
    result = Habeas(tmp_path)("held", ok=False)
    assert result.returncode == 1 and "habeas init" in result.stderr


def test_user_commands_as_a_real_process(habeas: Habeas) -> None:
    added = habeas("user", "add", "amina", "--role", "editor", "--generate-password")
    assert "user amina added (editor)" in added.stdout and "will not be shown again" in added.stdout
    refused = habeas("user", "add", "Amina", "--role", "editor", "--generate-password", ok=False)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "error: username: 'Amina' is not valid; use 2 to 80 lower-case letters, digits, '.', '_' or '-', "
        "starting with a letter or digit"
    ]
    assert habeas.audit_count() == 1
