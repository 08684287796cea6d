"""The recorded Alembic migrations build exactly the schema of `habeas.storage.tables`, from empty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from habeas.config import Settings
from habeas.domain.records import Person, PersonName
from habeas.service import Service
from habeas.storage import migrate
from habeas.storage.engine import WRITE_OPTION, open_engine
from habeas.storage.store import Store
from habeas.storage.tables import APPEND_ONLY_TABLES, IMMUTABLE_TABLES, metadata

VERSION_TABLE = "alembic_version"


def schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def alembic(engine: Engine, action: Callable[[Config], None]) -> None:
    """Run an Alembic command on `engine` the way habeas.storage.migrate does."""
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        config.attributes["connection"] = conn
        action(config)


@pytest.fixture
def empty_engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Engine:
    """An engine on an empty database of each backend, disposed of at teardown."""
    if backend == "postgres":
        engine = open_engine(request.getfixturevalue("postgres_url"))
    else:
        engine = open_engine(str(tmp_path / "empty.db"), "pass phrase" if backend == "sqlcipher" else None)
    request.addfinalizer(engine.dispose)
    return engine


def test_upgrade_from_empty_builds_exactly_the_declared_schema(empty_engine: Engine) -> None:
    assert table_names(empty_engine) == set()
    assert migrate.current_revision(empty_engine) is None
    migrate.upgrade(empty_engine)
    assert table_names(empty_engine) == set(metadata.tables) | {VERSION_TABLE}
    assert schema_diff(empty_engine) == []
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    migrate.upgrade(empty_engine)  # already current: nothing to do, no error
    assert migrate.current_revision(empty_engine) == migrate.head_revision()


def test_there_is_one_head_and_it_is_recorded() -> None:
    assert migrate.head_revision() == "0006"


def test_the_append_only_triggers_exist_after_upgrade_on_sqlite(sqlite_store: Store) -> None:
    with sqlite_store.reading() as conn:
        triggers = set(
            conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars()
        )
    tables = APPEND_ONLY_TABLES + IMMUTABLE_TABLES
    assert triggers == {f"{table}_no_{op}" for table in tables for op in ("update", "delete")}


def test_downgrade_to_base_and_upgrade_again_on_sqlite(sqlite_store: Store, tmp_path: Path) -> None:
    engine = sqlite_store.engine
    alembic(engine, lambda config: command.downgrade(config, "base"))
    assert table_names(engine) == {VERSION_TABLE}
    assert migrate.current_revision(engine) is None
    with engine.connect() as conn:
        assert list(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")) == []
    migrate.upgrade(engine)
    assert schema_diff(engine) == []
    assert migrate.current_revision(engine) == migrate.head_revision()
    # The rebuilt schema works: the triggers are back and the service can write.
    (person,) = Service(sqlite_store, "tester").create(Person(names=[PersonName(value="After")]))
    assert sqlite_store.get("person", person.id) == person
    with pytest.raises(sa.exc.DatabaseError, match="audit_entries is append-only"):
        with sqlite_store.atomic() as conn:
            conn.exec_driver_sql("DELETE FROM audit_entries")


@pytest.mark.postgres
def test_downgrade_to_base_and_upgrade_again_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    store = Store.open(Settings(db=postgres_url, audit_key_file=str(tmp_path / "audit.key")))
    try:
        store.init()
        alembic(store.engine, lambda config: command.downgrade(config, "base"))
        assert table_names(store.engine) == {VERSION_TABLE}
        migrate.upgrade(store.engine)
        assert schema_diff(store.engine) == []
    finally:
        store.close()


def test_store_init_migrates_and_a_second_init_keeps_the_data(make_store: Callable[..., Store]) -> None:
    store = make_store()
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    (person,) = Service(store, "tester").create(Person(names=[PersonName(value="Kept")]))
    assert store.init() is False
    assert store.get("person", person.id) == person
