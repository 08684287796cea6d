"""The Store: one database, its transactions, and reading and writing whole records.

Writes go through `habeas.service`, which calls `atomic()` and the write
primitives here; everything else only reads. A Store holds no global state:
open as many as you like (tests open one per database file).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from habeas.config import Settings
from habeas.domain.records import Record
from habeas.errors import ConflictError, NotFound
from habeas.security import audit
from habeas.storage import codec
from habeas.storage.engine import WRITE_OPTION, open_engine, sqlite_path, translate_errors
from habeas.storage.tables import CHILDREN, RECORD_TABLES, audit_entries, record_versions

# SQLite allows at most 32,766 bound parameters per statement; stay well below.
ID_CHUNK = 500


def default_audit_key_path(db: str) -> Path:
    path = sqlite_path(db)
    if path is not None:
        return Path(f"{path}.audit-key")
    return Path.home() / ".config" / "habeas" / "audit.key"


class Store:
    """A habeas database, opened; use `Store.open(settings)`."""

    def __init__(self, engine: Engine, audit_key_path: Path) -> None:
        self.engine = engine
        self.audit_key_path = audit_key_path
        self._audit_key: bytes | None = None
        self._local = threading.local()  # the write transaction open on each thread, if any

    @classmethod
    def open(cls, settings: Settings, passphrase: str | None = None) -> Store:
        engine = open_engine(settings.db, passphrase, settings.busy_timeout_ms)
        key_path = (
            Path(settings.audit_key_file) if settings.audit_key_file else default_audit_key_path(settings.db)
        )
        return cls(engine, key_path)

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ---------------------------------------------------------

    def init(self) -> bool:
        """Create or migrate the schema and the audit key; True when the key was created now."""
        from habeas.storage import migrate  # Alembic is slow to import and only needed here

        migrate.upgrade(self.engine)
        if self.audit_key_path.exists():
            self._audit_key = audit.load_key(self.audit_key_path)
            return False
        with self.reading() as conn:
            entries = conn.execute(sa.select(sa.func.count()).select_from(audit_entries)).scalar_one()
        if entries:
            # The chain exists, so its key must be restored, never replaced: this raises AuditError.
            self._audit_key = audit.load_key(self.audit_key_path)
        self._audit_key = audit.create_key(self.audit_key_path)
        return True

    @property
    def audit_key(self) -> bytes:
        if self._audit_key is None:
            self._audit_key = audit.load_key(self.audit_key_path)
        return self._audit_key

    # -- transactions ---------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[Connection]:
        """One write transaction: everything inside is committed together, or nothing is.

        A nested call on the same thread is a savepoint of the outer transaction: an error inside it
        undoes only its own writes, and nothing is committed before the outermost call ends. So an
        importer can wrap many service calls in `with store.atomic():` and have all written, or none.
        """
        outer = getattr(self._local, "conn", None)
        if outer is not None:
            with outer.begin_nested():
                yield outer
            return
        with translate_errors(), self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # Writers queue here, so the audit chain never forks.
                    conn.exec_driver_sql("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE")
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with translate_errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    # -- reading records ------------------------------------------------

    def get(self, kind: str, record_id: str, conn: Connection | None = None) -> Record:
        """The current version of one record (retracted ones too); NotFound if there is none."""
        records = self.get_many(kind, [record_id], conn)
        if not records:
            raise NotFound(kind, record_id)
        return records[0]

    def get_many(self, kind: str, ids: Sequence[str], conn: Connection | None = None) -> list[Record]:
        """The records of `kind` with these ids, in the order given; missing ids are skipped."""
        if conn is None:
            with self.reading() as own:
                return self.get_many(kind, ids, own)
        table = RECORD_TABLES[kind]
        found: dict[str, Record] = {}
        for chunk in _chunks(ids):
            rows = conn.execute(sa.select(table).where(table.c.id.in_(chunk))).all()
            children = self._children(conn, kind, chunk)
            for row in rows:
                found[row.id] = codec.from_rows(kind, row, children[row.id])
        return [found[i] for i in ids if i in found]

    def _children(self, conn: Connection, kind: str, ids: Sequence[str]) -> dict[str, codec.Rows]:
        out: dict[str, codec.Rows] = defaultdict(dict)
        for (child_kind, _), child in CHILDREN.items():
            if child_kind != kind:
                continue
            key = child.table.c[child.parent_key]
            for row in conn.execute(sa.select(child.table).where(key.in_(ids))).mappings():
                out[row[child.parent_key]].setdefault(child.table.name, []).append(dict(row))
        return out

    def live_ids(self, conn: Connection, kind: str, ids: Iterable[str]) -> set[str]:
        """Those of `ids` that name a record of `kind` that is not retracted."""
        table = RECORD_TABLES[kind]
        found: set[str] = set()
        for chunk in _chunks(sorted(set(ids))):
            query = sa.select(table.c.id).where(table.c.id.in_(chunk), table.c.retracted.is_(False))
            found.update(conn.execute(query).scalars())
        return found

    def history(self, record_id: str, conn: Connection | None = None) -> list[dict[str, Any]]:
        """Every version of a record, oldest first: version, action, at, actor, note, data (JSON)."""
        if conn is None:
            with self.reading() as own:
                return self.history(record_id, own)
        query = sa.select(record_versions).where(record_versions.c.record_id == record_id)
        rows = [dict(r) for r in conn.execute(query.order_by(record_versions.c.version)).mappings()]
        if not rows:
            raise NotFound("record", record_id)
        return rows

    def kind_of(self, record_id: str) -> str:
        """The kind of the record with this id, whatever table it lives in (never an account's id)."""
        query = sa.select(record_versions.c.kind).where(record_versions.c.record_id == record_id).limit(1)
        with self.reading() as conn:
            kind = conn.execute(query).scalar()
        if kind is None or kind not in RECORD_TABLES:
            raise NotFound("record", record_id)
        return str(kind)

    def audit_entries(self, conn: Connection, with_versions: bool = False) -> Iterator[dict[str, Any]]:
        """The audit chain in order; `with_versions` adds the `data` of the version each describes."""
        query = sa.select(audit_entries).order_by(audit_entries.c.seq)
        if with_versions:
            versions = record_versions.c
            joined = sa.and_(
                versions.record_id == audit_entries.c.record_id, versions.version == audit_entries.c.version
            )
            query = query.add_columns(versions.data).outerjoin(record_versions, joined)
        for row in conn.execution_options(yield_per=10_000).execute(query).mappings():
            yield dict(row)

    def verify_audit(self) -> audit.Verdict:
        """Check the whole chain and every record version it describes."""
        with self.reading() as conn:
            return audit.verify(self.audit_key, self.audit_entries(conn, with_versions=True))

    # -- write primitives (called by habeas.service inside atomic()) ---------

    def insert(self, conn: Connection, records: Sequence[Record]) -> None:
        """Insert new records and their child rows, many at a time."""
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        child_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            row, children = codec.to_rows(record)
            rows[record.KIND].append(row)
            for table_name, items in children.items():
                child_rows[table_name].extend(items)
        # RECORD_TABLES lists each kind after the kinds it refers to, so a batch may hold
        # both a record and the records it refers to, in any order.
        for kind, table in RECORD_TABLES.items():
            if rows.get(kind):
                conn.execute(table.insert(), rows[kind])
        tables = {child.table.name: child.table for child in CHILDREN.values()}
        for table_name, batch in child_rows.items():
            if batch:  # an empty parameter list is deprecated (and would insert one empty row)
                conn.execute(tables[table_name].insert(), batch)

    def overwrite(self, conn: Connection, record: Record, expected_version: int) -> None:
        """Replace a stored record by a new version of it, if nobody changed it meanwhile."""
        table = RECORD_TABLES[record.KIND]
        row, children = codec.to_rows(record)
        result = conn.execute(
            table.update().where(table.c.id == record.id, table.c.version == expected_version).values(**row)
        )
        if result.rowcount != 1:
            raise ConflictError(
                f"{record.KIND} {record.id} was changed by someone else meanwhile; reload it and try again"
            )
        for (kind, _), child in CHILDREN.items():
            if kind == record.KIND:
                conn.execute(child.table.delete().where(child.table.c[child.parent_key] == record.id))
                if children.get(child.table.name):
                    conn.execute(child.table.insert(), children[child.table.name])

    def audit_head(self, conn: Connection) -> tuple[int, str]:
        """The last entry's sequence number and hash (0 and the genesis hash when empty)."""
        query = (
            sa.select(audit_entries.c.seq, audit_entries.c.hash).order_by(audit_entries.c.seq.desc()).limit(1)
        )
        row = conn.execute(query).first()
        return (row.seq, row.hash) if row else (0, audit.GENESIS)


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), ID_CHUNK):
        yield ids[start : start + ID_CHUNK]
