"""Fixtures for the whole suite: real databases only, each test on its own file or schema.

`store` runs a test on every backend: plain SQLite, SQLCipher (marked
`sqlcipher`) and PostgreSQL (marked `postgres`; skipped when the server named
by HABEAS_TEST_POSTGRES_URL cannot be reached, unless HABEAS_REQUIRE_POSTGRES=1).
`make_store` and `sqlite_store` give SQLite files in `tmp_path` for tests that
need a particular file, such as the CLI and demo tests.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from habeas.config import Settings
from habeas.service import Service
from habeas.storage.store import Store
from habeas.storage.tables import metadata

POSTGRES_URL = os.environ.get("HABEAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("HABEAS_REQUIRE_POSTGRES") == "1"
PASSPHRASE = "correct horse battery staple ə"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("sqlcipher", id="sqlcipher", marks=pytest.mark.sqlcipher),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]

StoreFactory = Callable[..., Store]


def settings_for(directory: Path, name: str = "habeas.db", **changes: Any) -> Settings:
    """Settings for a SQLite file `name` in `directory`, its audit key beside it in `audit.key`."""
    base = Settings(db=str(directory / name), audit_key_file=str(directory / "audit.key"))
    return dataclasses.replace(base, **changes) if changes else base


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[StoreFactory]:
    """A factory of initialised stores on SQLite files in `tmp_path`; all closed at teardown.

    `make_store(name="habeas.db", passphrase=None, init=True, **settings_changes)`.
    """
    opened: list[Store] = []

    def make(
        name: str = "habeas.db", passphrase: str | None = None, init: bool = True, **changes: Any
    ) -> Store:
        store = Store.open(settings_for(tmp_path, name, **changes), passphrase)
        opened.append(store)
        if init:
            store.init()
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str | None], Path]:
    """`migrated_file(passphrase)`: a SQLite file already brought to the head revision, made once.

    Migrating takes longer than copying a file, so per-test stores start from a copy of it;
    tests/storage/test_migrations.py checks the migrations themselves from an empty file.
    """
    made: dict[str | None, Path] = {}

    def get(passphrase: str | None) -> Path:
        if passphrase not in made:
            folder = tmp_path_factory.mktemp("template")
            store = Store.open(settings_for(folder), passphrase)
            try:
                store.init()
            finally:
                store.close()  # checkpoints the WAL into the file
            made[passphrase] = folder / "habeas.db"
        return made[passphrase]

    return get


def _store_from_copy(template: Path, directory: Path, passphrase: str | None) -> Store:
    shutil.copyfile(template, directory / "habeas.db")
    store = Store.open(settings_for(directory), passphrase)
    try:
        store.init()  # finds the schema current; creates this test's audit key
    except BaseException:
        store.close()
        raise
    return store


@pytest.fixture
def sqlite_store(migrated_file: Callable[[str | None], Path], tmp_path: Path) -> Iterator[Store]:
    """An initialised, unencrypted SQLite store at `tmp_path/habeas.db` (key in `tmp_path/audit.key`)."""
    store = _store_from_copy(migrated_file(None), tmp_path, None)
    yield store
    store.close()


# -- PostgreSQL -----------------------------------------------------------------


def _redacted(url: str) -> str:
    return sa.make_url(url).render_as_string(hide_password=True)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server URL, once it answers; skip (or fail, when required) the test otherwise."""
    try:
        engine = sa.create_engine(POSTGRES_URL)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        finally:
            engine.dispose()
    except Exception as exc:  # any failure to reach the server is reported the same way
        reason = (
            f"PostgreSQL at {_redacted(POSTGRES_URL)} (HABEAS_TEST_POSTGRES_URL) is not reachable: "
            f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        )
        if REQUIRE_POSTGRES:
            pytest.fail(reason + " (HABEAS_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(reason)
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema of its own, dropped (CASCADE) at teardown."""
    schema = f"habeas_t_{secrets.token_hex(6)}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = sa.make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


# -- every backend ----------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(
    backend: str,
    tmp_path: Path,
    migrated_file: Callable[[str | None], Path],
    request: pytest.FixtureRequest,
) -> Iterator[Store]:
    """An initialised Store on `backend`: SQLite, SQLCipher (passphrase PASSPHRASE) or PostgreSQL."""
    if backend == "postgres":
        db = request.getfixturevalue("postgres_url")
        opened = Store.open(Settings(db=db, audit_key_file=str(tmp_path / "audit.key")))
        try:
            opened.init()
        except BaseException:
            opened.close()
            raise
    else:
        passphrase = PASSPHRASE if backend == "sqlcipher" else None
        opened = _store_from_copy(migrated_file(passphrase), tmp_path, passphrase)
    yield opened
    # Closed before the schema fixture drops the schema, so that no connection is left on it.
    opened.close()


@pytest.fixture
def service(store: Store) -> Service:
    return Service(store, "tester")


def row_counts(store: Store) -> dict[str, int]:
    """The number of rows in every habeas table, to show that a refused write left nothing behind."""
    with store.reading() as conn:
        return {
            table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


@pytest.fixture
def count_rows() -> Callable[[Store], dict[str, int]]:
    """`count_rows(store)`: rows per table, for before/after comparisons."""
    return row_counts


# -- the `habeas` command as a real process (tests/test_cli.py and the importers' tests) --


class Habeas:
    """Runs `python -m habeas.cli` with a database in a temporary folder."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.db = tmp_path / "cli.db"
        self.env = {**os.environ, "HABEAS_DB": str(self.db), "COLUMNS": "200", **env}

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "habeas.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        if ok:
            assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        return result

    def new_id(self, *args: str) -> str:
        return self(*args).stdout.strip()

    def audit_count(self) -> int:
        with sqlite3.connect(self.db) as conn:
            return int(conn.execute("SELECT count(*) FROM audit_entries").fetchone()[0])


@pytest.fixture
def habeas(tmp_path: Path) -> Habeas:
    cli = Habeas(tmp_path)
    cli("init")
    return cli


# -- Playwright with Debian's Chromium (never a downloaded browser) ---------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """Debian's Chromium, never a downloaded browser; its own look-ups of other hosts disabled."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed: `apt-get install -y chromium` (the .ci/run script does)"
        if os.environ.get("HABEAS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        ],
    }
