"""The audit chain: HMAC-chained entries, append-only tables, tamper detection, and the key kept outside."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from habeas.config import Settings
from habeas.domain.records import CustodyPeriod, Person, PersonName
from habeas.errors import AuditError
from habeas.security import audit
from habeas.service import Service
from habeas.storage.store import Store
from habeas.storage.tables import APPEND_ONLY_TABLES

NAME = "Zəhra Sınaqova"


def write_some(service: Service, people: int = 5) -> None:
    """Creates, updates, a retraction and a revert: every action the chain records."""
    written = service.create(*[Person(names=[PersonName(value=f"{NAME} {i}")]) for i in range(people)])
    first = written[0].id
    service.create(CustodyPeriod(person_id=first, kind="pre_trial_detention"))
    service.update("person", first, notes="edited")
    service.retract("person", written[1].id, "duplicate")
    service.revert(written[1].id, 1)


def entries(store: Store) -> list[dict[str, object]]:
    with store.reading() as conn:
        return list(store.audit_entries(conn))


def test_the_chain_verifies_after_many_writes(store: Store, service: Service) -> None:
    write_some(service, people=30)
    chain = entries(store)
    assert len(chain) == 30 + 1 + 3
    verdict = audit.verify(store.audit_key, chain)
    assert (verdict.ok, verdict.checked, verdict.first_bad_seq) == (True, len(chain), None)
    assert chain[0]["prev_hash"] == audit.GENESIS
    assert all(
        later["prev_hash"] == earlier["hash"] for earlier, later in zip(chain, chain[1:], strict=False)
    )
    assert [e["action"] for e in chain[-3:]] == ["update", "retract", "revert"]


def test_concurrent_writers_never_fork_the_chain(store: Store) -> None:
    """Writers queue for the write lock, so each entry follows the one written before it."""
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            service = Service(store, f"writer{worker}")
            for i in range(8):
                service.create(Person(names=[PersonName(value=f"{NAME} {worker}-{i}")]))
        except BaseException as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    chain = entries(store)
    assert [e["seq"] for e in chain] == list(range(1, 25))
    assert audit.verify(store.audit_key, chain).ok


def test_the_chain_holds_no_names(sqlite_store: Store) -> None:
    store = sqlite_store
    service = Service(store, "tester")
    write_some(service)
    text = repr(entries(store))
    assert "Sınaqova" not in text and "Zəhra" not in text


def test_append_only_tables_refuse_update_and_delete(store: Store, service: Service) -> None:
    write_some(service, people=2)
    first_id = str(entries(store)[0]["record_id"])
    before = (entries(store), store.history(first_id))
    for table in APPEND_ONLY_TABLES:
        target = sa.table(table, sa.column("actor"))
        for statement in (target.update().values(actor="mallory"), target.delete()):
            with pytest.raises(sa.exc.DatabaseError, match=f"{table} is append-only"):
                with store.atomic() as conn:
                    conn.execute(statement)
    assert (entries(store), store.history(first_id)) == before


@pytest.mark.postgres
def test_append_only_tables_refuse_truncate_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    store = Store.open(Settings(db=postgres_url, audit_key_file=str(tmp_path / "audit.key")))
    try:
        store.init()
        write_some(Service(store, "tester"), people=2)
        for table in APPEND_ONLY_TABLES:
            with pytest.raises(sa.exc.DatabaseError, match=f"{table} is append-only"):
                with store.atomic() as conn:
                    conn.exec_driver_sql(f"TRUNCATE {table}")
        assert len(entries(store)) == 6
    finally:
        store.close()


def tampered_copy(store: Store, tmp_path: Path, *statements: str) -> list[dict[str, object]]:
    """Run `statements` on a copy of the (closed) SQLite file with the triggers dropped; its entries."""
    original = Path(store.engine.url.database or "")
    store.close()  # checkpoints the WAL into the file
    copy = tmp_path / "tampered.db"
    shutil.copy(original, copy)
    raw = sqlite3.connect(copy)
    try:
        raw.execute("DROP TRIGGER audit_entries_no_update")
        raw.execute("DROP TRIGGER audit_entries_no_delete")
        for statement in statements:
            raw.execute(statement)
        raw.commit()
        raw.row_factory = sqlite3.Row
        return [dict(row) for row in raw.execute("SELECT * FROM audit_entries ORDER BY seq")]
    finally:
        raw.close()


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 4", "does not match its hash"),
        ("UPDATE audit_entries SET action = 'update' WHERE seq = 4", "does not match its hash"),
        ("UPDATE audit_entries SET digest = '" + "0" * 64 + "' WHERE seq = 4", "does not match its hash"),
        (
            "UPDATE audit_entries SET prev_hash = '" + "1" * 64 + "' WHERE seq = 4",
            "previous-hash does not match",
        ),
        ("DELETE FROM audit_entries WHERE seq = 4", "entry 4 is missing"),
    ],
)
def test_verify_names_the_first_tampered_entry(
    sqlite_store: Store, tmp_path: Path, statement: str, reason: str
) -> None:
    write_some(Service(sqlite_store, "tester"), people=6)
    key = sqlite_store.audit_key
    good = entries(sqlite_store)
    assert audit.verify(key, good).ok
    verdict = audit.verify(key, tampered_copy(sqlite_store, tmp_path, statement))
    assert (verdict.ok, verdict.first_bad_seq, verdict.checked) == (False, 4, 3)
    assert reason in verdict.reason


def test_an_entry_rehashed_without_the_key_is_still_caught(sqlite_store: Store, tmp_path: Path) -> None:
    """Someone who can write the database but not read the key cannot forge a consistent chain."""
    write_some(Service(sqlite_store, "tester"), people=3)
    key = sqlite_store.audit_key
    chain = entries(sqlite_store)
    forged = dict(chain[1], actor="mallory")
    forged["hash"] = audit.entry_hash(b"\x00" * audit.KEY_BYTES, forged)
    rest = [dict(e) for e in chain[2:]]
    rest[0]["prev_hash"] = forged["hash"]
    verdict = audit.verify(key, [chain[0], forged, *rest])
    assert (verdict.first_bad_seq, verdict.checked) == (2, 1)


def test_verify_with_the_wrong_key_fails_at_the_first_entry(sqlite_store: Store) -> None:
    write_some(Service(sqlite_store, "tester"))
    verdict = audit.verify(b"\x01" * audit.KEY_BYTES, entries(sqlite_store))
    assert (verdict.ok, verdict.first_bad_seq, verdict.checked) == (False, 1, 0)
    assert "another key" in verdict.reason


def test_an_empty_chain_verifies() -> None:
    verdict = audit.verify(b"\x01" * audit.KEY_BYTES, [])
    assert (verdict.ok, verdict.checked) == (True, 0)


def test_every_chained_field_changes_the_hash() -> None:
    key = b"\x02" * audit.KEY_BYTES
    entry: dict[str, object] = {
        "seq": 1,
        "at": "2025-01-24T09:00:00+00:00",
        "actor": "tester",
        "action": "create",
        "kind": "person",
        "record_id": "01JPERSON00000000000000000",
        "version": 1,
        "digest": audit.digest("{}"),
        "prev_hash": audit.GENESIS,
    }
    original = audit.entry_hash(key, entry)
    assert original == audit.entry_hash(key, dict(entry))
    for name in audit.CHAINED_FIELDS:
        assert audit.entry_hash(key, {**entry, name: f"{entry[name]}x"}) != original, name
    assert audit.entry_hash(b"\x03" * audit.KEY_BYTES, entry) != original


# -- the key ------------------------------------------------------------------------------


def test_a_missing_key_file_is_a_clear_audit_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "audit.key"
    with pytest.raises(AuditError) as caught:
        audit.load_key(path)
    assert str(caught.value) == (
        f"audit_key_file: {str(path)!r} does not exist; restore it from your backup, "
        "or set HABEAS_AUDIT_KEY_FILE to where it is"
    )
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("content", ["", "not hex\n", "ab" * 16 + "\n", "ab" * 33])
def test_a_malformed_key_file_is_an_audit_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "audit.key"
    path.write_text(content, encoding="ascii")
    with pytest.raises(AuditError, match="does not hold a 32-byte hex key"):
        audit.load_key(path)


def test_create_key_writes_an_owner_only_file_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.key"
    key = audit.create_key(path)
    assert audit.load_key(path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(AuditError, match="already exists; it is never overwritten"):
        audit.create_key(path)
    assert audit.load_key(path) == key


def test_init_creates_the_key_once_and_then_keeps_it(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "habeas.db"), audit_key_file=str(tmp_path / "audit.key"))
    store = Store.open(settings)
    try:
        assert store.init() is True
        content = (tmp_path / "audit.key").read_bytes()
        assert store.init() is False
    finally:
        store.close()
    again = Store.open(settings)
    try:
        assert again.init() is False
    finally:
        again.close()
    assert (tmp_path / "audit.key").read_bytes() == content


def test_init_uses_an_existing_key_file(tmp_path: Path) -> None:
    key = audit.create_key(tmp_path / "audit.key")
    store = Store.open(Settings(db=str(tmp_path / "habeas.db"), audit_key_file=str(tmp_path / "audit.key")))
    try:
        assert store.init() is False
        assert store.audit_key == key
        write_some(Service(store, "tester"), people=2)
        assert audit.verify(key, entries(store)).ok
    finally:
        store.close()


def test_init_refuses_a_new_key_once_the_chain_has_entries(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "habeas.db"), audit_key_file=str(tmp_path / "audit.key"))
    store = Store.open(settings)
    try:
        store.init()
        write_some(Service(store, "tester"), people=2)
    finally:
        store.close()
    (tmp_path / "audit.key").unlink()
    reopened = Store.open(settings)
    try:
        with pytest.raises(AuditError, match="does not exist; restore it from your backup"):
            reopened.init()
    finally:
        reopened.close()
    assert not (tmp_path / "audit.key").exists()


def test_the_default_key_lives_beside_a_sqlite_file(tmp_path: Path) -> None:
    store = Store.open(Settings(db=str(tmp_path / "habeas.db")))
    try:
        store.init()
    finally:
        store.close()
    assert len(audit.load_key(tmp_path / "habeas.db.audit-key")) == audit.KEY_BYTES


def test_verify_audit_catches_an_edited_record_version(sqlite_store: Store, tmp_path: Path) -> None:
    """Editing a stored version (triggers dropped) breaks the digest its audit entry holds."""
    write_some(Service(sqlite_store, "tester"), people=3)
    assert sqlite_store.verify_audit().ok
    path = Path(sqlite_store.engine.url.database or "")
    sqlite_store.close()
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER record_versions_no_update")
    raw.execute("UPDATE record_versions SET data = replace(data, 'restricted', 'public') WHERE rowid = 2")
    raw.commit()
    raw.close()
    reopened = Store.open(Settings(db=str(path), audit_key_file=str(sqlite_store.audit_key_path)))
    try:
        verdict = reopened.verify_audit()
    finally:
        reopened.close()
    assert (verdict.ok, verdict.first_bad_seq) == (False, 2)
    assert "record version" in verdict.reason
