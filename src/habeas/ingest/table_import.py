"""Rows of a spreadsheet, through a mapping, into people, custody, arrests, charges and citations.

`import_table` reads the rows a chunk at a time: read → validate each row into
records → look for probable duplicates → write through the service layer →
report. Every write of one import is one transaction: with `on_error="stop"`
a single rejected row leaves the database as it was; with `"skip"` the valid
rows are written and the rejected ones go to a CSV beside the input. Every
fact written is cited to the import's source with the locator "row N".
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.dates import PartialDate
from habeas.domain.names import guess_script, search_key, skeleton
from habeas.domain.records import (
    Charge,
    Citation,
    CustodyPeriod,
    Event,
    Organisation,
    Participant,
    Person,
    PersonName,
    Record,
    Source,
)
from habeas.domain.validation import parse_charge_reference, validate
from habeas.domain.vocabulary import vocabulary
from habeas.errors import HabeasError, ValidationError
from habeas.ingest.dates import read_date
from habeas.ingest.mapping import FIELDS, Column, TableMapping
from habeas.ingest.tabular import Cell, Row
from habeas.service import ULID_TEXT, Service
from habeas.storage.tables import charges, custody_periods, organisations, people, person_names, sources

__all__ = ["ImportReport", "RowOutcome", "import_table", "rejects_path"]

CHUNK = 500
ON_ERROR = ("stop", "skip")
# Words that may precede an article number in a cell: "Art. 206.3.2", "maddə 221", "ст. 228".
ARTICLE_WORDS = ("article", "art.", "art", "maddə", "madde", "m.", "статья", "ст.", "ст")
# Abbreviations sheets use for some codes (compared by search_key).
SHORT_WORDS = {
    "sex": {"m": "male", "f": "female", "м": "male", "ж": "female", "muz": "male", "qad": "female"}
}
# The mapping field to blame when a record's field is refused.
FIELD_COLUMNS = {
    "person.sex": "sex",
    "person.birth_date": "birth_date",
    "person.groups": "groups",
    "person.visibility": "visibility",
    "custody_period.start": "start",
    "custody_period.end": "end",
    "custody_period.kind": "custody_kind",
    "charge.article": "charges",
    "charge.code": "charges",
}


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: create, update, duplicate or reject (with the column, value and reason)."""

    row: int
    action: str
    person_id: str = ""
    column: str = ""
    value: str = ""
    reason: str = ""


@dataclass
class ImportReport:
    """Counts of an import, its rows' outcomes (the first `keep`), and whether anything was written."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    records: int = 0
    written: bool = False
    source_id: str = ""
    rejects_file: Path | None = None
    outcomes: list[RowOutcome] = field(default_factory=list)


class _Reject(Exception):
    def __init__(self, column: str, value: object, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, _text(value), reason


class _Rollback(Exception):
    """Raised inside the import's transaction to undo it (a stop on a rejected row)."""


@dataclass
class _Parsed:
    """One row, read: the person's fields and the facts to add, not yet records."""

    row: Row
    names: list[PersonName]
    person: dict[str, Any]
    custody: tuple[str, PartialDate, PartialDate | None] | None
    arrest: PartialDate | None
    charges: list[tuple[str, str]]
    facility: str
    place: str
    source_title: str
    target_id: str = ""
    visibility: str = "restricted"
    bones: list[str] = field(default_factory=list)  # the names' skeletons, for the duplicate check


def rejects_path(input_path: Path) -> Path:
    """Where the rejected rows of `input_path` go: `<input>.rejects.csv` beside it."""
    return input_path.with_name(input_path.name + ".rejects.csv")


def import_table(
    service: Service,
    rows: Iterable[Row],
    mapping: TableMapping,
    *,
    dry_run: bool = False,
    on_error: str = "stop",
    key: str | None = None,
    allow_duplicates: bool = False,
    source_id: str | None = None,
    source_title: str = "Spreadsheet import",
    visibility: str = "restricted",
    rejects: Path | None = None,
    progress: Callable[[int], None] | None = None,
    keep: int = 10_000,
) -> ImportReport:
    """Import `rows` through `mapping`; see the module docstring. Returns the report.

    `key` ("name", or a column header) matches rows to stored people by an exact name;
    `source_id` (else the mapping's source) is cited for every fact, else a source titled
    `source_title` is created; `visibility` is the records' when no column gives it; `rejects` is
    the rejects CSV for `on_error="skip"`.
    """
    if on_error not in ON_ERROR:
        raise ValidationError("on_error", on_error, f"use one of: {', '.join(ON_ERROR)}")
    vocabulary("visibility").check(visibility, "visibility")
    importer = _Importer(service, mapping, dry_run, on_error, key, allow_duplicates, keep)
    importer.visibility = visibility
    importer.resolve_source(source_id or mapping.source_id, source_title)
    if dry_run:
        importer.run(rows, progress)
        return importer.report
    try:
        with service.store.atomic(), _RejectsFile(rejects if on_error == "skip" else None) as sink:
            importer.rejects = sink
            importer.run(rows, progress)
            if importer.report.rejected and on_error == "stop":
                raise _Rollback
    except _Rollback:
        importer.report.records = 0
        return importer.report
    importer.report.written = importer.report.records > 0
    importer.report.rejects_file = rejects if on_error == "skip" and importer.report.rejected else None
    return importer.report


class _RejectsFile:
    """The rejects CSV, opened at the first rejected row: its columns, then row, column and reason."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.handle: IO[str] | None = None
        self.writer: Any = None

    def __enter__(self) -> _RejectsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle:
            self.handle.close()

    def write(self, row: Row, outcome: RowOutcome) -> None:
        if self.path is None:
            return
        if self.writer is None:
            self.handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.handle)
            self.writer.writerow([*row.cells, "row", "column", "reason"])
        self.writer.writerow(
            [*(_text(v) for v in row.cells.values()), row.number, outcome.column, outcome.reason]
        )


class _Importer:
    """The state of one import: caches of facilities and sources, the file's name skeletons, the report."""

    def __init__(
        self,
        service: Service,
        mapping: TableMapping,
        dry_run: bool,
        on_error: str,
        key: str | None,
        allow_duplicates: bool,
        keep: int,
    ) -> None:
        self.service, self.store, self.mapping = service, service.store, mapping
        self.on_error, self.key, self.allow_duplicates, self.keep = on_error, key, allow_duplicates, keep
        self.report = ImportReport(dry_run=dry_run)
        self.writing = not dry_run
        self.rejects: _RejectsFile | None = None
        self.visibility = "restricted"
        self.facilities: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.pending: list[Record] = []  # new sources and facilities, written before the next rows
        self.default_source = ""
        self.default_title = ""
        # hash of a name skeleton -> the first row of this file that has it (hashes: a million rows' worth
        # of names fits in a small dict; a collision only adds a duplicate to review)
        self.skeletons: dict[int, int] = {}
        if key and key != "name" and key not in mapping.columns():
            raise ValidationError(
                "key", key, "use `name` (the mapped name columns) or a column the mapping reads"
            )

    def _connection(self) -> AbstractContextManager[Connection]:
        """A connection that sees this import's own writes: inside its transaction, unless a dry run."""
        return self.store.reading() if self.report.dry_run else self.store.atomic()

    # -- sources --------------------------------------------------------------------

    def resolve_source(self, source_id: str, title: str) -> None:
        """Check a given source exists; else, without a source column, plan one source for the import."""
        if source_id:
            if not ULID_TEXT.match(source_id):
                raise ValidationError("source", source_id, "give the 26-character id of a stored source")
            with self.store.reading() as conn:
                if not self.store.live_ids(conn, "source", [source_id]):
                    raise ValidationError(
                        "source", source_id, "no source with this id; add it with `habeas source add`"
                    )
            self.default_source = source_id
        self.default_title = title
        self.report.source_id = self.default_source

    def _new_source(self, title: str) -> str:
        source = Source(id=self.service.new_id(), title=title, kind="other")
        self.pending.append(source)
        return source.id

    def _source_for(self, title: str) -> str:
        """The given source; else the row's source (by title); else the import's own, made at first use."""
        if self.default_source:
            return self.default_source
        if title:
            return self._source_by_title(title)
        if not self.report.source_id:
            self.report.source_id = self._new_source(self.default_title)
        return self.report.source_id

    def _source_by_title(self, title: str) -> str:
        if title not in self.sources:
            query = sa.select(sources.c.id).where(sources.c.title == title, sources.c.retracted.is_(False))
            with self._connection() as conn:
                found = conn.execute(query.order_by(sources.c.id).limit(1)).scalar()
            self.sources[title] = found or self._new_source(title)
        return self.sources[title]

    def _facility(self, name: str) -> str:
        """The id of the detention facility of this exact name, planning a new one the first time."""
        if name not in self.facilities:
            query = sa.select(organisations.c.id).where(
                organisations.c.name == name,
                organisations.c.kind == "detention_facility",
                organisations.c.retracted.is_(False),
            )
            with self._connection() as conn:
                found = conn.execute(query.order_by(organisations.c.id).limit(1)).scalar()
            if found is None:
                facility = Organisation(id=self.service.new_id(), name=name, kind="detention_facility")
                self.pending.append(facility)
                found = facility.id
            self.facilities[name] = found
        return self.facilities[name]

    # -- the run -----------------------------------------------------------------------

    def run(self, rows: Iterable[Row], progress: Callable[[int], None] | None) -> None:
        for chunk in _chunks(rows, CHUNK):
            parsed = [p for p in (self._parse(row) for row in chunk) if p is not None]
            self._match_keys(parsed)
            existing = self._stored_duplicates([p for p in parsed if not p.target_id])
            records: list[Record] = []
            for item in parsed:
                self._handle(item, existing, records)
            self._write(records)
            self.report.rows += len(chunk)
            if progress:
                progress(len(chunk))

    def _write(self, records: list[Record]) -> None:
        batch = [*self.pending, *records]
        self.pending = []
        if self.writing and batch:
            self.report.records += self.service.create_many(batch)

    def _outcome(self, outcome: RowOutcome, row: Row | None = None) -> None:
        if len(self.report.outcomes) < self.keep:
            self.report.outcomes.append(outcome)
        if outcome.action == "reject":
            self.report.rejected += 1
            if self.on_error == "stop":
                self.writing = False  # the transaction will be undone: stop writing now
            if self.rejects is not None and row is not None:
                self.rejects.write(row, outcome)

    def _check(self, records: list[Record]) -> None:
        """Validate each record as the service will, turning a refusal into this row's reject."""
        for record in records:
            try:
                validate(record)
            except ValidationError as exc:
                raise self._refused(exc) from None

    def _refused(self, exc: ValidationError) -> _Reject:
        """A record's refused field as a reject naming the sheet's column it came from."""
        name = FIELD_COLUMNS.get(exc.field, "")
        column = self.mapping.get(name) if name else None
        return _Reject(column.column if column and column.column else exc.field, exc.value, exc.allowed)

    def _reject(self, row: Row, problem: _Reject) -> None:
        self._outcome(
            RowOutcome(row.number, "reject", "", problem.column, problem.value, problem.reason), row
        )

    # -- reading a row -----------------------------------------------------------------

    def _parse(self, row: Row) -> _Parsed | None:
        try:
            if row.problem:
                raise _Reject("", "", row.problem)
            return self._read(row)
        except _Reject as problem:
            self._reject(row, problem)
            return None

    def _read(self, row: Row) -> _Parsed:
        cells, m = row.cells, self.mapping
        read = (_name(cells, n.column, n.script, n.language, n.kind) for n in m.names)
        names = [n for n in read if n is not None]
        target_id = _cell_text(cells, m.get("id"))
        if target_id and not ULID_TEXT.match(target_id):
            raise _Reject(_column_name(m.get("id")), target_id, "a person id is a 26-character ULID")
        if not names and not target_id:
            columns = ", ".join(n.column for n in m.names) or "names"
            raise _Reject(columns, "", "the row has no name: give the person's name")
        person: dict[str, Any] = {}
        visibility = self._code(cells, "visibility") or self.visibility
        for name, reader in (("sex", self._code), ("notes", self._text), ("birth_date", self._date)):
            value = reader(cells, name)
            if value:
                person[name] = value
        groups = self._codes(cells, "groups")
        if groups:
            person["groups"] = groups
        return _Parsed(
            row=row,
            names=names,
            person=person,
            custody=self._custody(cells),
            arrest=self._date(cells, "start") or None,
            charges=self._charges(cells),
            facility=self._text(cells, "facility"),
            place=self._text(cells, "place"),
            source_title=self._text(cells, "source"),
            target_id=target_id,
            visibility=visibility,
            bones=sorted({b for b in (skeleton(n.value) for n in names) if b}),
        )

    def _text(self, cells: dict[str, Cell], name: str) -> str:
        return _cell_text(cells, self.mapping.get(name))

    def _date(self, cells: dict[str, Cell], name: str) -> Any:
        column = self.mapping.get(name)
        if column is None:
            return None
        value = cells.get(column.column, "") if column.column else ""
        if value == "":
            value = column.default
        try:
            date = read_date(value, name)
        except ValidationError as exc:
            raise _Reject(column.column, value, exc.allowed) from None
        return date if date.earliest or date.latest else None

    def _code(self, cells: dict[str, Cell], name: str) -> str:
        codes = self._codes(cells, name)
        return codes[0] if codes else ""

    def _codes(self, cells: dict[str, Cell], name: str) -> list[str]:
        column = self.mapping.get(name)
        if column is None:
            return []
        text = _cell_text(cells, column)
        words = [w.strip() for w in text.split(column.separator)] if column.separator else [text]
        return [_to_code(w, column, FIELDS[name][1]) for w in words if w]

    def _custody(self, cells: dict[str, Cell]) -> tuple[str, PartialDate, PartialDate | None] | None:
        start, end = self._date(cells, "start"), self._date(cells, "end")
        kind = self._code(cells, "custody_kind")
        if start is None and end is None:
            return None
        if not kind:
            raise _Reject(_column_name(self.mapping.get("custody_kind")), "", "give the custody kind")
        return kind, start or PartialDate.unknown(), end

    def _charges(self, cells: dict[str, Cell]) -> list[tuple[str, str]]:
        column = self.mapping.get("charges")
        if column is None:
            return []
        text = _cell_text(cells, column)
        out: list[tuple[str, str]] = []
        for part in text.replace(",", column.separator or ";").split(column.separator or ";"):
            words = part.strip()
            for word in ARTICLE_WORDS:
                if words.casefold().startswith(word):
                    words = words[len(word) :].strip()
                    break
            if not words:
                continue
            try:
                reference = parse_charge_reference(words, "charges")
            except ValidationError as exc:
                raise _Reject(column.column, part.strip(), exc.allowed) from None
            if reference not in out:
                out.append(reference)
        return out

    # -- matching stored people --------------------------------------------------------

    def _match_keys(self, parsed: list[_Parsed]) -> None:
        """Give rows that match a stored person by the key (an exact name) that person's id."""
        if not self.key:
            return
        wanted: dict[str, list[_Parsed]] = {}
        for item in parsed:
            if item.target_id:
                continue
            if self.key == "name":
                values = [n.value for n in item.names]
            else:
                values = [_text(item.row.cells.get(self.key, ""))]
            for value in values:
                if value:
                    wanted.setdefault(search_key(value), []).append(item)
        if not wanted:
            return
        found = self._people_by(person_names.c.search_key, list(wanted))
        for key_text, items in wanted.items():
            for item in items:
                first, count = found.get(key_text, ("", 0))
                if count > 1:
                    ambiguous = _Reject(
                        self.key, "", f"{count} stored people have this name; give an id column"
                    )
                    self._reject(item.row, ambiguous)
                    item.target_id = "-"
                elif count and not item.target_id:
                    item.target_id = first

    def _stored_duplicates(self, parsed: list[_Parsed]) -> dict[str, tuple[str, int]]:
        bones = sorted({bone for item in parsed for bone in item.bones})
        return self._people_by(person_names.c.skeleton, bones) if bones else {}

    def _people_by(self, key: Any, values: list[str]) -> dict[str, tuple[str, int]]:
        """For each of `values` that a live person's name has as its `key` (search_key or skeleton):
        the first such person's id and how many there are. (Counts, not lists: a common name's
        skeleton is shared by many people, and the list would grow with the database.)"""
        found: dict[str, tuple[str, int]] = {}
        person_id = person_names.c.person_id
        query = (
            sa.select(key, sa.func.min(person_id), sa.func.count(sa.distinct(person_id)))
            .join(people, people.c.id == person_id)
            .where(people.c.retracted.is_(False))
            .group_by(key)
        )
        with self._connection() as conn:
            for start in range(0, len(values), 500):
                for value, first, count in conn.execute(query.where(key.in_(values[start : start + 500]))):
                    found[value] = (first, count)
        return found

    # -- deciding and building records ---------------------------------------------------

    def _handle(self, item: _Parsed, existing: dict[str, tuple[str, int]], records: list[Record]) -> None:
        if item.target_id == "-":
            return  # already rejected: the key matched several people
        try:
            if item.target_id:
                self._update(item, records)
            else:
                self._create(item, existing, records)
        except _Reject as problem:
            self._reject(item.row, problem)

    def _create(self, item: _Parsed, existing: dict[str, tuple[str, int]], records: list[Record]) -> None:
        matches = [existing[b] for b in item.bones if b in existing]
        stored = min(matches)[0] if matches else ""
        earlier = sorted({self.skeletons[hash(b)] for b in item.bones if hash(b) in self.skeletons})
        person = Person(id=self.service.new_id(), names=item.names, **item.person, visibility=item.visibility)
        new = [person, *self._facts(item, person.id)]
        self._check(new)
        duplicate = stored or earlier
        if duplicate and not self.allow_duplicates:
            others = max(count for _, count in matches) - 1 if matches else 0
            what = (
                f"probable duplicate of stored person {stored}"
                + (f" (and {others} more with a similar name)" if others else "")
                if stored
                else f"probable duplicate of row {', '.join(map(str, earlier))} of this file"
            )
            self.report.duplicates += 1
            self._outcome(RowOutcome(item.row.number, "duplicate", stored, reason=what))
            return
        for bone in item.bones:
            self.skeletons.setdefault(hash(bone), item.row.number)
        records.extend(new)
        records.extend(self._citations(item, new))
        self.report.created += 1
        note = "probable duplicate, created as asked" if duplicate else ""
        self._outcome(RowOutcome(item.row.number, "create", person.id, reason=note))

    def _update(self, item: _Parsed, records: list[Record]) -> None:
        try:
            with self._connection() as conn:
                current = self.store.get("person", item.target_id, conn)
        except HabeasError:
            raise _Reject(
                _column_name(self.mapping.get("id")) or "id", item.target_id, "no person with this id"
            ) from None
        assert isinstance(current, Person)
        changes = dict(item.person)
        known = {search_key(n.value) for n in current.names}
        added = [n for n in item.names if search_key(n.value) not in known]
        if added:
            changes["names"] = [*current.names, *added]
        if "groups" in changes:
            changes["groups"] = list(dict.fromkeys([*current.groups, *changes["groups"]]))
        if self.mapping.get("visibility"):
            changes["visibility"] = item.visibility
        new = self._new_facts(item, current.id)
        changed = dataclasses.replace(current, **changes)
        self._check([changed, *new])
        if self.writing and any(getattr(current, k) != v for k, v in changes.items()):
            try:
                self.service.update("person", current.id, **changes)
                self.report.records += 1
            except ValidationError as exc:
                raise self._refused(exc) from None
        records.extend(new)
        records.extend(self._citations(item, [current, *new]))
        self.report.updated += 1
        self._outcome(RowOutcome(item.row.number, "update", current.id))

    def _new_facts(self, item: _Parsed, person_id: str) -> list[Record]:
        """The row's facts the stored person lacks (no custody of that kind and start, no such article)."""
        with self._connection() as conn:
            periods = set(
                tuple(r)
                for r in conn.execute(
                    sa.select(custody_periods.c.kind, custody_periods.c.start).where(
                        custody_periods.c.person_id == person_id, custody_periods.c.retracted.is_(False)
                    )
                )
            )
            articles = set(
                tuple(r)
                for r in conn.execute(
                    sa.select(charges.c.code, charges.c.article).where(
                        charges.c.person_id == person_id, charges.c.retracted.is_(False)
                    )
                )
            )
        if item.custody and (item.custody[0], item.custody[1].text) in periods:
            item.custody, item.arrest = None, None
        item.charges = [c for c in item.charges if c not in articles]
        return self._facts(item, person_id)

    def _facts(self, item: _Parsed, person_id: str) -> list[Record]:
        """Custody period, arrest event and charges of the row, for the person `person_id`."""
        facility_id = self._facility(item.facility) if item.facility else None
        out: list[Record] = []
        if item.custody:
            kind, start, end = item.custody
            out.append(
                CustodyPeriod(
                    id=self.service.new_id(),
                    person_id=person_id,
                    kind=kind,
                    start=start,
                    end=end,
                    facility_id=facility_id,
                    place=item.place,
                    visibility=item.visibility,
                )
            )
        if item.arrest:
            out.append(
                Event(
                    id=self.service.new_id(),
                    type="arrest",
                    date=item.arrest,
                    place=item.place,
                    participants=[Participant(person_id=person_id, role="victim")],
                    visibility=item.visibility,
                )
            )
        for code, article in item.charges:
            out.append(
                Charge(
                    id=self.service.new_id(),
                    person_id=person_id,
                    code=code,
                    article=article,
                    visibility=item.visibility,
                )
            )
        return out

    def _citations(self, item: _Parsed, facts: list[Record]) -> list[Record]:
        source_id = self._source_for(item.source_title)
        return [
            Citation(
                id=self.service.new_id(),
                source_id=source_id,
                target_kind=fact.KIND,
                target_id=fact.id,
                locator=f"row {item.row.number}",
            )
            for fact in facts
        ]


# -- helpers -------------------------------------------------------------------------------


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _text(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _column_name(column: Column | None) -> str:
    return column.column if column else ""


def _cell_text(cells: dict[str, Cell], column: Column | None) -> str:
    if column is None:
        return ""
    value = cells.get(column.column, "") if column.column else ""
    return _text(value).strip() or column.default


def _name(cells: dict[str, Cell], column: str, script: str, language: str, kind: str) -> PersonName | None:
    value = " ".join(_text(cells.get(column, "")).split())
    if not value:
        return None
    return PersonName(
        value=value, script=guess_script(value) if script == "auto" else script, language=language, kind=kind
    )


def _to_code(word: str, column: Column, vocab_name: str) -> str:
    """The habeas code a sheet's word stands for: by the mapping's values, the code, or a term's label."""
    wanted = search_key(word)
    for sheet_word, code in column.values.items():
        if search_key(sheet_word) == wanted:
            return code
    if not vocab_name:
        return word
    found = _words(vocab_name).get(wanted)
    if found is None:
        codes = ", ".join(vocabulary(vocab_name).codes())
        raise _Reject(
            column.column, word, f"not a {vocab_name} code; use one of {codes}, or map it under `values:`"
        )
    return found


@functools.cache
def _words(vocab_name: str) -> dict[str, str]:
    """Every word that names a code of the vocabulary (the code, its labels, short forms), by search_key."""
    words = dict(SHORT_WORDS.get(vocab_name, {}))
    for term in vocabulary(vocab_name).terms:
        for label in (term.code, term.en, term.az, term.ru):
            if label:
                words[search_key(label)] = term.code
    return words
