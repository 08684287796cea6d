"""Opening a database: SQLite (WAL, foreign keys, synchronous=FULL), SQLCipher, or a server URL.

With a passphrase the SQLite file is opened through SQLCipher, whose own key
derivation (PBKDF2-HMAC-SHA512, 256,000 iterations, a random salt in the
file's first 16 bytes) turns it into the key; see docs/security.md for why.
Driver errors are turned into habeas errors by `translate_errors`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from habeas.errors import DatabaseLocked, DiskFull, SchemaOutOfDate, StorageError, WrongPassphrase

WRITE_OPTION = "habeas_write"


def is_url(db: str) -> bool:
    return "://" in db


def sqlite_path(db: str) -> Path | None:
    """The file behind `db` when it is a SQLite database, else None."""
    if not is_url(db):
        return Path(db)
    match = re.match(r"^sqlite(\+\w+)?:///(.+)$", db)
    return Path(match.group(2)) if match else None


def open_engine(db: str, passphrase: str | None = None, busy_timeout_ms: int = 5000) -> Engine:
    """An engine for `db` (a path or URL), checked by one query so that a bad key fails here."""
    path = sqlite_path(db)
    if path is None:
        if passphrase:
            raise StorageError(
                "passphrase_file: a passphrase encrypts SQLite files only; a server database "
                "is protected by its own access control and disk encryption"
            )
        engine = sa.create_engine(db, pool_pre_ping=True)
    elif passphrase:
        engine = _sqlcipher_engine(path, passphrase, busy_timeout_ms)
    else:
        engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": busy_timeout_ms / 1000})
        _configure_sqlite(engine, busy_timeout_ms)
    with translate_errors(), engine.connect() as conn:
        conn.exec_driver_sql(
            "SELECT count(*) FROM " + ("sqlite_master" if path else "information_schema.tables")
        )
    return engine


def _sqlcipher_engine(path: Path, passphrase: str, busy_timeout_ms: int) -> Engine:
    import sqlcipher3

    def connect() -> Any:
        conn = sqlcipher3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
        # Silence SQLCipher's "hmac check failed" on stderr before the key is tried.
        conn.execute("PRAGMA cipher_log_level = NONE")
        return conn

    # The dialect itself runs `PRAGMA key` on each new connection with the URL's password (an
    # empty key if it has none, which SQLCipher refuses), so the passphrase travels in the URL.
    # The dialect's default pool hands one thread the same connection twice, so a read inside a
    # write transaction would fail with "cannot start a transaction within a transaction";
    # pool connections as for a plain SQLite file instead.
    url = sa.URL.create("sqlite+pysqlcipher", password=passphrase)
    engine = sa.create_engine(url, creator=connect, poolclass=sa.pool.QueuePool)
    _configure_sqlite(engine, busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below), so that writes can take the lock up front.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: sa.Connection) -> None:
        # A write transaction takes the write lock at BEGIN, so two writers never
        # both read the audit chain's head and then collide when writing.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


_MESSAGES: tuple[tuple[str, type[StorageError], str], ...] = (
    (
        "file is not a database",
        WrongPassphrase,
        "the passphrase does not open this database (or the file is not a habeas database); "
        "check --passphrase-file / HABEAS_PASSPHRASE_FILE",
    ),
    (
        "database is locked",
        DatabaseLocked,
        "another program is writing to the database; try again when it has finished, "
        "or raise HABEAS_BUSY_TIMEOUT_MS",
    ),
    ("disk is full", DiskFull, "the disk is full; nothing was written. Free some space and try again"),
    (
        "could not extend file",
        DiskFull,
        "the disk is full; nothing was written. Free some space and try again",
    ),
    (
        "unable to open database",
        StorageError,
        "the database file cannot be opened; check the path and its folder",
    ),
    (
        "connection",
        StorageError,
        "the database server cannot be reached; check the URL and that it is running",
    ),
    ("no such table", SchemaOutOfDate, "the database has no habeas tables; run `habeas init` first"),
    ("does not exist", SchemaOutOfDate, "the database has no habeas tables; run `habeas init` first"),
)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver errors that a person can act on into habeas errors with a clear message."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        text = str(exc.orig).lower()
        for needle, error, message in _MESSAGES:
            if needle in text:
                raise error(message) from None
        raise
