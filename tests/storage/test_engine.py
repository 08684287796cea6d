"""Opening databases: SQLite settings, SQLCipher encryption, and driver errors turned into clear messages."""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from habeas.config import Settings
from habeas.domain.records import CustodyPeriod, Person, PersonName
from habeas.errors import DatabaseLocked, DiskFull, SchemaOutOfDate, StorageError, WrongPassphrase
from habeas.service import Service
from habeas.storage.engine import is_url, open_engine, sqlite_path
from habeas.storage.store import Store
from habeas.storage.tables import custody_periods

PASSPHRASE = "correct horse battery staple"
# Invented names, distinctive enough never to occur in a file by chance.
NAME = "Gülnarə Şirinzadə-Xəyalova"
ASCII_NAME = "Quillon Vexbright"
Counts = Callable[[Store], dict[str, int]]


def add_people(store: Store, *names: str) -> None:
    Service(store, "tester").create(*[Person(names=[PersonName(value=n)]) for n in names])


def database_bytes(tmp_path: Path, name: str = "habeas.db") -> bytes:
    """The database file and any -wal / -shm files beside it, concatenated."""
    files = sorted(tmp_path.glob(name + "*"))
    assert files, "no database file"
    return b"".join(f.read_bytes() for f in files if not f.name.endswith(".audit-key"))


@pytest.fixture(params=["sqlite", pytest.param("sqlcipher", marks=pytest.mark.sqlcipher)])
def file_store(request: pytest.FixtureRequest, make_store: Callable[..., Store]) -> Store:
    """An initialised SQLite-family store: plain or encrypted."""
    return make_store(passphrase=PASSPHRASE if request.param == "sqlcipher" else None)


# -- SQLite settings -----------------------------------------------------------------------


def test_sqlite_pragmas_are_in_effect_on_every_connection(file_store: Store) -> None:
    with file_store.engine.connect() as first, file_store.engine.connect() as second:
        for conn in (first, second):
            values = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
            # synchronous 2 is FULL
            assert values == {
                "foreign_keys": 1,
                "journal_mode": "wal",
                "synchronous": 2,
                "busy_timeout": 5000,
            }


def test_foreign_keys_are_enforced_by_the_database(store: Store) -> None:
    """Even a write that skips the service's checks cannot point at a person who does not exist."""
    row = {
        "id": "01JPERIOD00000000000000000",
        "visibility": "restricted",
        "clarifications": "{}",
        "version": 1,
        "created_at": sa.func.current_timestamp(),
        "updated_at": sa.func.current_timestamp(),
        "retracted": False,
        "person_id": "01JMISSING0000000000000000",
        "kind": "imprisonment",
        "place": "",
    }
    with pytest.raises(sa.exc.IntegrityError):
        with store.atomic() as conn:
            conn.execute(custody_periods.insert().values(**row))


def test_a_read_inside_a_write_transaction_works_on_every_backend(store: Store, service: Service) -> None:
    (person,) = service.create(Person(names=[PersonName(value="Someone")]))
    with store.atomic() as conn:
        conn.execute(sa.text("SELECT 1"))
        # A second connection of the same thread, as a nested `store.get()` would take.
        assert store.get("person", person.id).id == person.id


# -- SQLCipher --------------------------------------------------------------------------------


@pytest.mark.sqlcipher
def test_an_encrypted_file_holds_no_plaintext_name(make_store: Callable[..., Store], tmp_path: Path) -> None:
    store = make_store(passphrase=PASSPHRASE)
    add_people(store, NAME, ASCII_NAME)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()  # really SQLCipher
    store.close()
    raw = database_bytes(tmp_path)
    assert NAME.encode("utf-8") not in raw
    assert "Şirinzadə".encode() not in raw
    assert ASCII_NAME.encode() not in raw
    assert b"SQLite format 3" not in raw


def test_a_plain_file_does_hold_the_name(make_store: Callable[..., Store], tmp_path: Path) -> None:
    """The control for the test above: the search would find the name if it were there."""
    store = make_store()
    add_people(store, NAME, ASCII_NAME)
    store.close()
    raw = database_bytes(tmp_path)
    assert NAME.encode("utf-8") in raw
    assert ASCII_NAME.encode() in raw


@pytest.mark.sqlcipher
def test_an_encrypted_file_reopens_with_its_passphrase(
    make_store: Callable[..., Store], tmp_path: Path
) -> None:
    passphrase = 'it\'s a "quoted" pass ə; DROP TABLE people; --'
    store = make_store(passphrase=passphrase)
    add_people(store, NAME)
    assert "pass ə" not in repr(store.engine) + str(store.engine.url)  # shown as ***, never in logs
    store.close()
    again = Store.open(
        Settings(db=str(tmp_path / "habeas.db"), audit_key_file=str(tmp_path / "audit.key")), passphrase
    )
    try:
        again.init()
        with again.reading() as conn:
            assert conn.exec_driver_sql("SELECT value FROM person_names").scalar() == NAME
    finally:
        again.close()


@pytest.mark.sqlcipher
@pytest.mark.parametrize("wrong", ["correct horse battery stapler", "", None], ids=["wrong", "empty", "none"])
def test_a_wrong_or_missing_passphrase_is_a_clear_error(
    make_store: Callable[..., Store], tmp_path: Path, capfd: pytest.CaptureFixture[str], wrong: str | None
) -> None:
    make_store(passphrase=PASSPHRASE).close()
    capfd.readouterr()
    with pytest.raises(WrongPassphrase) as caught:
        open_engine(str(tmp_path / "habeas.db"), wrong)
    message = str(caught.value)
    assert message.startswith("the passphrase does not open this database")
    assert "HABEAS_PASSPHRASE_FILE" in message
    # The error stands alone: no driver exception chained to it, so no traceback text for the user.
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert "Traceback" not in "".join(traceback.format_exception_only(caught.value))
    assert PASSPHRASE not in message
    assert "hmac" not in capfd.readouterr().err.lower()


@pytest.mark.sqlcipher
def test_a_passphrase_given_for_a_plain_file_is_refused_clearly(make_store: Callable[..., Store]) -> None:
    store = make_store()
    store.close()
    with pytest.raises(WrongPassphrase, match="the passphrase does not open this database"):
        open_engine(str(Path(store.engine.url.database or "")), PASSPHRASE)


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are notes, not a database " * 200)
    with pytest.raises(WrongPassphrase, match="or the file is not a habeas database"):
        open_engine(str(path))


# -- locks, full disks, missing schema ----------------------------------------------------------


def test_a_locked_database_is_a_clear_error_and_nothing_is_written(
    make_store: Callable[..., Store], tmp_path: Path, count_rows: Counts
) -> None:
    store = make_store(busy_timeout_ms=50)
    before = count_rows(store)
    other = sqlite3.connect(tmp_path / "habeas.db", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseLocked) as caught:
            add_people(store, NAME)
        assert str(caught.value).startswith("another program is writing to the database")
        assert "HABEAS_BUSY_TIMEOUT_MS" in str(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert count_rows(store) == before
    add_people(store, NAME)  # once the other program lets go, writing works again


@pytest.fixture
def page_limited(sqlite_store: Store) -> Iterator[Store]:
    """The store, with SQLite's real size limit (`max_page_count`) set just above the current size."""

    def limit(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    sqlite_store.engine.dispose()  # new connections, each with the limit
    event.listen(sqlite_store.engine, "connect", limit)
    yield sqlite_store
    event.remove(sqlite_store.engine, "connect", limit)
    sqlite_store.engine.dispose()


def test_a_full_disk_is_a_clear_error_and_nothing_is_written(page_limited: Store, count_rows: Counts) -> None:
    store = page_limited
    Service(store, "tester").create(Person(names=[PersonName(value="Before")]))
    before = count_rows(store)
    many = [Person(names=[PersonName(value=f"{NAME} {i}")], notes="x" * 2000) for i in range(200)]
    with pytest.raises(DiskFull) as caught:
        Service(store, "tester").create(*many)
    assert str(caught.value) == "the disk is full; nothing was written. Free some space and try again"
    assert count_rows(store) == before


def test_a_database_without_tables_asks_for_init(make_store: Callable[..., Store]) -> None:
    store = make_store(init=False)
    with pytest.raises(SchemaOutOfDate, match=r"run `habeas init` first"):
        store.get("person", "01JMISSING0000000000000000")
    with pytest.raises(SchemaOutOfDate):
        Service(store, "tester").create(CustodyPeriod(person_id="01JMISSING0000000000000000", kind="exile"))


@pytest.mark.postgres
def test_a_postgresql_schema_without_tables_asks_for_init(postgres_url: str, tmp_path: Path) -> None:
    store = Store.open(Settings(db=postgres_url, audit_key_file=str(tmp_path / "audit.key")))
    try:
        with pytest.raises(SchemaOutOfDate, match=r"run `habeas init` first"):
            store.get("person", "01JMISSING0000000000000000")
    finally:
        store.close()


def test_a_folder_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="the database file cannot be opened; check the path"):
        open_engine(str(tmp_path / "missing" / "habeas.db"))


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StorageError, match="the database server cannot be reached"):
        open_engine("postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")


def test_a_passphrase_with_a_server_url_is_refused() -> None:
    with pytest.raises(StorageError, match="a passphrase encrypts SQLite files only"):
        open_engine("postgresql+psycopg://postgres@127.0.0.1:1/test", "secret")


# -- paths and URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("db", "url", "path"),
    [
        ("habeas.db", False, Path("habeas.db")),
        ("/srv/habeas/data.db", False, Path("/srv/habeas/data.db")),
        ("sqlite:///relative.db", True, Path("relative.db")),
        ("sqlite:////srv/abs.db", True, Path("/srv/abs.db")),
        ("sqlite+pysqlcipher:///enc.db", True, Path("enc.db")),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", True, None),
    ],
)
def test_sqlite_path_and_is_url(db: str, url: bool, path: Path | None) -> None:
    assert is_url(db) is url
    assert sqlite_path(db) == path
