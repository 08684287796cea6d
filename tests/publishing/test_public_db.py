"""The public SQLite database: only public records, whole references, metadata; Datasette serves it."""

from __future__ import annotations

import dataclasses
import json
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_downloads import FACILITY, ON, SECRET, People, public_people

from conftest import Habeas
from habeas.errors import ValidationError
from habeas.publishing.dataset import PublicData, collect
from habeas.publishing.public_db import write_public_db
from habeas.storage.store import Store


@pytest.fixture
def people(sqlite_store: Store) -> People:
    return public_people(sqlite_store)


@pytest.fixture
def data(sqlite_store: Store, people: People) -> PublicData:
    return collect(sqlite_store, on=ON)


def rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_tables_hold_the_public_records(data: PublicData, people: People, tmp_path: Path) -> None:
    out = tmp_path / "public.db"
    summary = write_public_db(data, out)
    assert summary.metadata == tmp_path / "metadata.json"
    assert summary.tables["people"] == 2
    assert {r[0] for r in rows(out, "SELECT id FROM people")} == {people.named, people.second}
    assert rows(
        out, "SELECT name, on_list, category, birth_year, groups FROM people WHERE id = ?", people.named
    ) == [("Aysel Invented", 1, "journalist", 1990, '["journalist"]')]
    assert rows(
        out,
        "SELECT person_id, category, custody_kind, held_since, facility, charges, sources FROM list_members",
    ) == [(people.named, "journalist", "imprisonment", "2023-02", FACILITY, "CC 206.3.2; CC 233", 1)]
    # the lone withheld journalist is counted in the last row, with no category; the three bloggers
    # under their own; the counts add up to the total
    assert rows(out, "SELECT category, count, named, withheld FROM list_summary ORDER BY position") == [
        ("journalist", 1, 1, 0),
        ("blogger", 3, 0, 3),
        (None, 1, 0, 1),
    ]
    assert rows(out, "SELECT sum(count) FROM list_summary") == [(data.listing.total,)] == [(5,)]
    assert rows(
        out, "SELECT value, script FROM person_names WHERE person_id = ? ORDER BY position", people.named
    ) == [
        ("Aysel Invented", "Latn"),
        ("Айсель Придуманная", "Cyrl"),
    ]
    assert rows(out, "SELECT source_id, target_kind, locator FROM citations ORDER BY locator") == [
        (people.source, "person", "p. 4"),
        (people.source, "custody_period", "p. 5"),
    ]
    assert rows(out, "SELECT id FROM sources") == [(people.source,)]
    assert rows(out, "SELECT reference FROM charges ORDER BY reference") == [("CC 206.3.2",), ("CC 233",)]
    for table, count in summary.tables.items():
        assert rows(out, f"SELECT count(*) FROM {table}") == [(count,)]


def test_dates_sort_by_their_first_and_last_days(data: PublicData, people: People, tmp_path: Path) -> None:
    out = tmp_path / "public.db"
    write_public_db(data, out)
    assert rows(
        out,
        "SELECT start, start_earliest, start_latest, end, ongoing FROM custody_periods WHERE person_id = ?",
        people.named,
    ) == [("2023-02", "2023-02-01", "2023-02-28", None, 1)]
    assert rows(out, "SELECT published, published_earliest FROM sources") == [("2023-06", "2023-06-01")]


def test_references_are_whole_and_names_are_searchable(
    data: PublicData, people: People, tmp_path: Path
) -> None:
    out = tmp_path / "public.db"
    write_public_db(data, out)
    assert rows(out, "PRAGMA foreign_key_check") == []
    assert rows(out, "PRAGMA integrity_check") == [("ok",)]
    found = (
        "SELECT people.id FROM people JOIN people_fts ON people.rowid = people_fts.rowid"
        " WHERE people_fts MATCH ?"
    )
    assert rows(out, found, "Придуманная") == [(people.named,)]
    assert rows(out, found, "Unconsented") == []


def test_withheld_and_hidden_people_and_secrets_never_appear(
    data: PublicData, people: People, tmp_path: Path
) -> None:
    out = tmp_path / "public.db"
    summary = write_public_db(data, out)
    for path in (out, summary.metadata):
        content = path.read_bytes()
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
            "p. 6",  # the citation about the unconsented person
        ):
            assert absent.encode("utf-8") not in content, (path.name, absent)


def test_metadata_describes_every_table_and_column(data: PublicData, tmp_path: Path) -> None:
    out = tmp_path / "habeas-public.db"
    summary = write_public_db(data, out)
    metadata = json.loads(summary.metadata.read_text(encoding="utf-8"))
    assert "2024-06-01" in metadata["description"] and '"pace"' in metadata["description"]
    assert (
        "5 people are on it. 4 of them are counted but not named (no consent to publication, or"
        in (metadata["description"])
    )
    assert "Those in too small categories (1 in all) are in no category." in metadata["description"]
    tables = metadata["databases"]["habeas-public"]["tables"]
    assert tables["people"]["fts_table"] == "people_fts"
    assert tables["people"]["label_column"] == "name"
    for table in summary.tables:
        columns = [r[1] for r in rows(out, f"PRAGMA table_info({table})")]
        assert list(tables[table]["columns"]) == sorted(columns), table
        assert tables[table]["description"]
        assert all(tables[table]["columns"].values()), table
    assert write_public_db(data, out) == summary  # the same data again: an earlier public file is replaced
    assert (
        summary.metadata.read_bytes()
        == json.dumps(metadata, sort_keys=True, ensure_ascii=False, indent=1).encode() + b"\n"
    )


def test_a_failed_write_leaves_the_old_file_or_none(data: PublicData, tmp_path: Path) -> None:
    # people left out while their custody periods are kept: the foreign keys refuse the rows
    broken = dataclasses.replace(data, people={})
    out = tmp_path / "public.db"

    def written() -> list[str]:
        return sorted(p.name for p in tmp_path.iterdir() if "public" in p.name or "metadata" in p.name)

    with pytest.raises(sqlite3.IntegrityError):
        write_public_db(broken, out)
    assert written() == []  # neither the file, nor its metadata, nor a temporary file
    write_public_db(data, out)
    before = out.read_bytes(), (tmp_path / "metadata.json").read_bytes()
    with pytest.raises(sqlite3.IntegrityError):
        write_public_db(broken, out)
    assert (out.read_bytes(), (tmp_path / "metadata.json").read_bytes()) == before
    assert written() == ["metadata.json", "public.db"]


def test_another_file_is_never_replaced(data: PublicData, sqlite_store: Store, tmp_path: Path) -> None:
    working = tmp_path / "habeas.db"  # the working database itself, given by mistake
    sqlite_store.close()
    before = working.read_bytes()
    with pytest.raises(ValidationError, match="OUT.*not a public database"):
        write_public_db(data, working)
    assert working.read_bytes() == before
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    with pytest.raises(ValidationError, match="OUT"):
        write_public_db(data, notes)
    assert notes.read_text(encoding="utf-8") == "mine"


def test_bad_out_is_refused(data: PublicData, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="OUT.*does not exist"):
        write_public_db(data, tmp_path / "missing" / "public.db")
    with pytest.raises(ValidationError, match="OUT.*folder"):
        write_public_db(data, tmp_path)
    assert not (tmp_path / "missing").exists()


# -- Datasette serves it ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def datasette(data: PublicData, tmp_path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """Datasette serving the public database; its base URL and the metadata it was given."""
    out = tmp_path / "public.db"
    summary = write_public_db(data, out)
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(out), "-m", str(summary.metadata)]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                _, err = server.communicate(timeout=5) if server.poll() is not None else (b"", b"")
                pytest.fail(f"Datasette did not start: {err.decode(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield base, json.loads(summary.metadata.read_text(encoding="utf-8"))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def test_datasette_serves_the_tables(datasette: tuple[str, dict[str, object]], people: People) -> None:
    base, metadata = datasette
    home = httpx.get(f"{base}/", timeout=10)
    assert home.status_code == 200 and str(metadata["title"]) in home.text
    page = httpx.get(f"{base}/public/people", timeout=10)
    assert page.status_code == 200
    assert "People" in page.text and "Aysel Invented" in page.text
    assert "Nigar Unconsented" not in page.text
    listed = httpx.get(f"{base}/public/people.json", params={"_shape": "array"}, timeout=10).json()
    assert {p["id"] for p in listed} == {people.named, people.second}
    found = httpx.get(
        f"{base}/public/people.json", params={"_shape": "array", "_search": "Айсель"}, timeout=10
    )
    assert [p["name"] for p in found.json()] == ["Aysel Invented"]
    for table in ("list_members", "custody_periods", "charges", "events", "citations", "sources", "editions"):
        assert httpx.get(f"{base}/public/{table}", timeout=10).status_code == 200, table
    summary = httpx.get(f"{base}/public/list_summary.json", params={"_shape": "array"}, timeout=10)
    assert [(r["category"], r["count"]) for r in summary.json()] == [
        ("journalist", 1),
        ("blogger", 3),
        (None, 1),
    ]


# -- the command ------------------------------------------------------------------------


def test_publish_sqlite_command_on_demo_data(habeas: Habeas, tmp_path: Path) -> None:
    habeas("demo", "--people", "40", "--seed", "5")
    habeas("list", "publish", "--on", "2024-06-01")
    out = tmp_path / "site" / "habeas-public.db"
    refused = habeas("publish", "sqlite", str(out), ok=False)
    assert refused.returncode != 0 and "OUT" in refused.stderr + refused.stdout
    out.parent.mkdir()
    result = habeas("publish", "sqlite", str(out))
    assert "people: " in result.stdout and "metadata.json" in result.stdout
    assert (out.parent / "metadata.json").exists()
    (members,) = rows(out, "SELECT count(*) FROM list_members")[0]
    (total,) = rows(out, "SELECT sum(count) FROM list_summary")[0]
    assert isinstance(members, int) and isinstance(total, int) and 0 < members <= total
    assert rows(out, "SELECT count(*) FROM editions WHERE is_this_list = 1") == [(1,)]
    assert rows(out, "PRAGMA foreign_key_check") == []
