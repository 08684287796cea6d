"""`habeas merge KEEP OTHER`, `habeas merge list`, `habeas merge undo`: a real process on a SQLite file."""

from __future__ import annotations

import json

from conftest import Habeas


def test_merge_list_undo(habeas: Habeas) -> None:
    keep = habeas.new_id("person", "add", "--name", "Anar Uydurmalı")
    other = habeas.new_id("person", "add", "--name", "Анар Уйдурмалы")
    done = json.loads(habeas("merge", keep, other, "--note", "same person", "--format", "json").stdout)
    assert (done["keep"], done["other"], done["note"]) == (keep, other, "same person")
    shown = json.loads(habeas("person", "show", keep, "--format", "json").stdout)
    assert {n["value"] for n in shown["names"]} == {"Anar Uydurmalı", "Анар Уйдурмалы"}
    (listed,) = json.loads(habeas("merge", "list", "--format", "json").stdout)
    assert (listed["id"], listed["undone"]) == (done["id"], False)
    assert "Undid merge" in habeas("merge", "undo", done["id"]).stdout
    assert json.loads(habeas("merge", "list", "--format", "json").stdout)[0]["undone"] is True
    assert "audit chain intact" in habeas("audit", "verify").stdout


def test_refusals_name_the_argument(habeas: Habeas) -> None:
    keep = habeas.new_id("person", "add", "--name", "Anar Uydurmalı")
    itself = habeas("merge", keep, keep, ok=False)
    assert itself.returncode != 0 and "OTHER" in itself.stderr and keep in itself.stderr
    unknown = habeas("merge", "undo", "01JUNKNOWNMERGE00000000000", ok=False)
    assert unknown.returncode != 0 and "MERGE_ID" in unknown.stderr
    before = habeas.audit_count()
    assert habeas("merge", keep, "01JNOBODY0000000000000000X", ok=False).returncode != 0
    assert habeas.audit_count() == before
