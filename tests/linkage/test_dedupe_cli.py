"""`habeas dedupe`, `habeas dedupe list` and `habeas link` as a user runs them."""

from __future__ import annotations

import json

from test_link_lists import fill

from conftest import Habeas
from habeas.config import Settings
from habeas.service import Service
from habeas.storage.store import Store


def _filled(habeas: Habeas) -> str:
    """Invented people in the CLI's database, some reported twice; the id of the second list."""
    store = Store.open(Settings.from_env(db=str(habeas.db)))
    try:
        source_id, _truth = fill(Service(store, "tester"), 40, seed=6)
    finally:
        store.close()
    return source_id


def test_dedupe_dry_run_queues_nothing_then_a_run_queues(habeas: Habeas) -> None:
    _filled(habeas)
    dry = habeas("dedupe", "--dry-run", "--format", "json")
    pairs = json.loads(dry.stdout)
    assert pairs and all(p["probability"] >= 0.9 and p["why"] for p in pairs)
    assert json.loads(habeas("dedupe", "list", "--format", "json").stdout) == []
    table = habeas("dedupe").stdout
    assert f"{len(pairs)} pairs found, {len(pairs)} newly queued" in table
    assert "surname: " in table
    listed = json.loads(habeas("dedupe", "list", "--format", "json").stdout)
    assert len(listed) == len(pairs) and listed[0]["status"] == "pending"
    assert f"{len(pairs)} pairs pending" in habeas("dedupe", "list").stdout


def test_link_a_source(habeas: Habeas) -> None:
    source_id = _filled(habeas)
    out = habeas("link", "--source", source_id, "--format", "json").stdout
    assert {p["origin"] for p in json.loads(out)} == {f"link:{source_id}"}


def test_bad_input_is_one_line_and_no_traceback(habeas: Habeas) -> None:
    empty = habeas("dedupe")
    assert "0 pairs found" in empty.stdout
    bad = habeas("dedupe", "--threshold", "2", ok=False)
    assert bad.returncode == 2 and "--threshold" in bad.stderr
    unknown = habeas("link", "--source", "NOSUCH", ok=False)
    assert unknown.returncode == 2 and "--source" in unknown.stderr
