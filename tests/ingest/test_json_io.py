"""habeas JSON: export and import round-trip exactly, ids, history and citations included."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from conftest import PASSPHRASE, Habeas, settings_for
from habeas.config import Settings
from habeas.demo import generate
from habeas.domain.dates import PartialDate
from habeas.domain.records import CustodyPeriod, Person, PersonName, Source
from habeas.errors import ConflictError, ValidationError
from habeas.ingest import jsonio
from habeas.ingest.exports import atomic_outputs
from habeas.ingest.jsonio import Selection, export_json, import_json, read_export
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.store import Store

DAY = date(2024, 11, 20)


@pytest.fixture
def target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A second, empty store on the same backend as `store`."""
    folder = tmp_path / "target"
    folder.mkdir()
    if backend == "postgres":
        server = request.getfixturevalue("postgres_server")
        schema = f"habeas_t_{secrets.token_hex(6)}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        opened = Store.open(
            Settings(db=url.render_as_string(hide_password=False), audit_key_file=str(folder / "audit.key"))
        )
    else:
        admin = None
        opened = Store.open(settings_for(folder), PASSPHRASE if backend == "sqlcipher" else None)
    opened.init()
    yield opened
    opened.close()
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def _with_history(service: Service) -> None:
    """Demo data, plus updates, a retraction and a revert, so that histories have several versions."""
    generate(service, people=20, seed=5, today=DAY)
    with service.store.reading() as conn:
        people = queries.list_ids(conn, "person", limit=3)
    service.update("person", people[0], occupation="teacher")
    service.update("person", people[0], occupation="journalist")
    service.revert(people[0], 2)
    service.retract("person", people[1], "duplicate entry")


def _body(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["exported_at"]
    return dict(data)


def test_round_trip_is_exact_and_held_on_agrees(store: Store, target: Store, tmp_path: Path) -> None:
    _with_history(Service(store, "amina"))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    written = export_json(store, first)

    summary = import_json(Service(target, "importer"), first)

    assert sum(summary.restored.values()) == written
    export_json(target, second)
    assert _body(first) == _body(second)
    assert target.verify_audit().ok
    with store.reading() as a, target.reading() as b:
        assert queries.held_on(a, DAY) == queries.held_on(b, DAY)
    person = _body(first)["records"][0]
    assert person["kind"] == "person"


def _empty(make_store: Callable[..., Store], tmp_path: Path) -> Store:
    return make_store("empty.db", audit_key_file=str(tmp_path / "empty.key"))


def test_history_keeps_every_version_as_it_was(
    sqlite_store: Store, make_store: Callable[..., Store], tmp_path: Path
) -> None:
    _with_history(Service(sqlite_store, "amina"))
    out = tmp_path / "all.json"
    export_json(sqlite_store, out)
    target = _empty(make_store, tmp_path)
    import_json(Service(target, "importer"), out)
    with sqlite_store.reading() as conn:
        person_id = queries.list_ids(conn, "person", limit=1)[0]
    before, after = sqlite_store.history(person_id), target.history(person_id)
    assert [v["action"] for v in after] == ["create", "update", "update", "revert"]
    assert [(v["version"], v["actor"], v["note"], v["data"]) for v in before] == [
        (v["version"], v["actor"], v["note"], v["data"]) for v in after
    ]


def test_existing_ids_are_refused_or_skipped(sqlite_store: Store, tmp_path: Path, count_rows: Any) -> None:
    service = Service(sqlite_store, "amina")
    (person,) = service.create(Person(names=[PersonName(value="Nərgiz Əliyeva")]))
    out = tmp_path / "one.json"
    export_json(sqlite_store, out)
    before = count_rows(sqlite_store)

    with pytest.raises(ConflictError, match=person.id):
        import_json(service, out)
    assert count_rows(sqlite_store) == before

    summary = import_json(service, out, skip_existing=True)
    assert summary.skipped == {"person": 1} and summary.restored == {}


def test_dry_run_checks_everything_and_writes_nothing(
    sqlite_store: Store, make_store: Callable[..., Store], tmp_path: Path, count_rows: Any
) -> None:
    generate(Service(sqlite_store, "amina"), people=3, seed=2, today=DAY)
    out = tmp_path / "demo.json"
    export_json(sqlite_store, out)
    empty = _empty(make_store, tmp_path)
    before = count_rows(empty)

    summary = import_json(Service(empty, "x"), out, dry_run=True)

    assert summary.dry_run and summary.restored["person"] > 0
    assert count_rows(empty) == before


def test_a_reference_to_nothing_is_refused_and_nothing_is_written(
    sqlite_store: Store, make_store: Callable[..., Store], tmp_path: Path, count_rows: Any
) -> None:
    service = Service(sqlite_store, "amina")
    (person,) = service.create(Person(names=[PersonName(value="Rəşad Quliyev")]))
    (period,) = service.create(
        CustodyPeriod(person_id=person.id, kind="pre_trial_detention", start=PartialDate.parse("2024"))
    )
    out = tmp_path / "custody.json"
    assert export_json(sqlite_store, out, Selection(kinds=["custody_period"])) == 1
    empty = _empty(make_store, tmp_path)
    before = count_rows(empty)

    with pytest.raises(ValidationError, match="custody_period.person_id") as caught:
        import_json(Service(empty, "x"), out)

    assert person.id in str(caught.value) and period.id
    assert count_rows(empty) == before


def test_selection_by_id_and_kind(sqlite_store: Store, tmp_path: Path) -> None:
    service = Service(sqlite_store, "amina")
    a, b = service.create(
        Person(names=[PersonName(value="Aysel Həsənli")]), Person(names=[PersonName(value="Elçin Əsgərov")])
    )
    service.create(Source(title="Report"))
    out = tmp_path / "sel.json"
    assert export_json(sqlite_store, out, Selection(ids=[b.id])) == 1
    assert [r["id"] for r in json.loads(out.read_text())["records"]] == [b.id]
    assert export_json(sqlite_store, out, Selection(kinds=["person"])) == 2
    with pytest.raises(ValidationError, match="--kind"):
        export_json(sqlite_store, out, Selection(kinds=["prisoner"]))


def test_a_narrower_audience_gets_current_visible_versions_only(
    sqlite_store: Store, make_store: Callable[..., Store], tmp_path: Path
) -> None:
    service = Service(sqlite_store, "amina")
    (public,) = service.create(
        Person(names=[PersonName(value="Public Person")], visibility="public", consent_to_publish=True)
    )
    service.update("person", public.id, occupation="now public", notes="NOTESMARK")
    service.create(Person(names=[PersonName(value="SECRETNAME")], visibility="confidential"))
    service.create(Source(title="SECRETSOURCE"))
    out = tmp_path / "public.json"

    export_json(sqlite_store, out, Selection(audience="public"))

    text = out.read_text(encoding="utf-8")
    assert "SECRETNAME" not in text and "SECRETSOURCE" not in text and "amina" not in text
    assert "NOTESMARK" not in text  # notes are for the team only
    (entry,) = json.loads(text)["records"]
    assert [v["version"] for v in entry["history"]] == [2]
    target = _empty(make_store, tmp_path)
    import_json(Service(target, "x"), out)
    assert target.get("person", public.id).occupation == "now public"
    assert target.verify_audit().ok


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_the_reader_streams_across_any_chunk_boundary(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    generate(Service(sqlite_store, "amina"), people=2, seed=1, today=DAY)
    out = tmp_path / "demo.json"
    export_json(sqlite_store, out)
    whole = json.loads(out.read_text(encoding="utf-8"))
    pretty = json.dumps(whole, indent=2, ensure_ascii=False)  # any layout of the same document reads the same
    monkeypatch.setattr(jsonio, "CHUNK", chunk)

    export = read_export(io.StringIO(pretty), "demo.json")

    assert export.header["format"] == "habeas-export"
    assert list(export.entries) == whole["records"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"format": "other", "version": 1, "records": []}',
        '{"format": "habeas-export", "version": 1, "records": [{"kind": "person"',
        '{"format": "habeas-export", "version": 1, "records": [1]}',
    ],
)
def test_a_file_that_is_not_an_export_is_refused(
    sqlite_store: Store, tmp_path: Path, text: str, count_rows: Any
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    before = count_rows(sqlite_store)
    with pytest.raises(ValidationError):
        import_json(Service(sqlite_store, "x"), path)
    assert count_rows(sqlite_store) == before


def test_an_error_while_writing_leaves_no_half_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("the previous export", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_outputs(out) as (made,):
        made.write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert out.read_text(encoding="utf-8") == "the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_cli_export_and_import(tmp_path: Path) -> None:
    habeas = Habeas(tmp_path)
    habeas("demo", "--people", "3")
    out = tmp_path / "cli.json"
    result = habeas("export", "json", str(out))
    assert "records written" in result.stdout
    (tmp_path / "other").mkdir()
    other = Habeas(tmp_path / "other")
    other("init")
    assert "would restore" in other("import", "json", str(out), "--dry-run").stdout
    assert other.audit_count() == 0
    assert "restored" in other("import", "json", str(out)).stdout
    again = other("import", "json", str(out), ok=False)
    assert again.returncode == 1 and "already in this database" in again.stderr
    assert "skipped" in other("import", "json", str(out), "--skip-existing").stdout
