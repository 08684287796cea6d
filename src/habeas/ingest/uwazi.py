"""Uwazi CSV: people, cases and events out in the column layout of docs/interop.md, and back in.

Uwazi (HURIDOCS) imports a CSV file into one template: `title` first, then a column per
property named by the property's name, several values of one property separated by `|`.
Its own CSV export names the columns by their labels instead ("Date of birth"); both are read
here, since a header is compared in lower case with spaces as underscores, and a mapping file
can name any other header. An import is one transaction: every bad row is reported (row,
column, reason) and then nothing is written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.dates import PartialDate
from habeas.domain.names import guess_script, search_key
from habeas.domain.records import Case, Event, Participant, Person, PersonName, Record
from habeas.domain.vocabulary import vocabulary
from habeas.errors import HabeasError, ValidationError
from habeas.ingest.dates import read_date
from habeas.ingest.exports import FORMULA_STARTS, atomic_outputs, neutralise
from habeas.publishing.redact import Gate, audience_visibility
from habeas.service import Service
from habeas.storage.store import Store
from habeas.storage.tables import cases, organisations, person_names, record_versions

__all__ = ["LAYOUTS", "UwaziSummary", "export_uwazi", "import_uwazi"]

SEPARATOR = "|"
FILES = {"person": "people.csv", "case": "cases.csv", "event": "events.csv"}
# Each template's columns, in the order they are written; docs/interop.md explains each.
LAYOUTS: Mapping[str, tuple[str, ...]] = {
    "person": (
        "title",
        "other_names",
        "sex",
        "groups",
        "date_of_birth",
        "date_of_birth_as_known",
        "place_of_birth",
        "citizenship",
        "occupation",
        "habeas_id",
    ),
    "case": ("title", "summary", "people", "people_habeas_ids", "habeas_id"),
    "event": (
        "title",
        "event_type",
        "date",
        "date_as_known",
        "place",
        "court",
        "court_habeas_id",
        "victims",
        "participants_habeas_ids",
        "case",
        "case_habeas_id",
        "outcome",
        "summary",
        "habeas_id",
    ),
}
# Columns holding people's names: a problem in one is reported without its value.
NAME_COLUMNS = frozenset({"title", "other_names", "people", "victims"})
# Columns written for Uwazi's readers that an import leaves alone (the ids beside them say it exactly).
DISPLAY_ONLY = {"person": frozenset(), "case": frozenset({"people"}), "event": frozenset({"title", "court"})}
# A record field named in a service error, and the column it came from.
FIELD_COLUMNS = {
    "person": {"names": "title", "sex": "sex", "groups": "groups", "birth_date": "date_of_birth"},
    "case": {"title": "title", "person_ids": "people_habeas_ids"},
    "event": {
        "type": "event_type",
        "date": "date",
        "participants": "participants_habeas_ids",
        "case_id": "case_habeas_id",
        "organisation_id": "court_habeas_id",
    },
}
KINDS = {"person": Person, "case": Case, "event": Event}

Progress = Callable[[int], None]


def _day_text(value: PartialDate | None) -> str:
    """The first day a partial date may be, as Uwazi's date properties take it (YYYY-MM-DD)."""
    return value.earliest.isoformat() if value is not None and value.earliest else ""


def _known_text(value: PartialDate | None) -> str:
    return "" if value is None or value.is_unknown else value.text


def _label(vocab: str, code: str) -> str:
    return vocabulary(vocab).label(code) if code else ""


# -- export ---------------------------------------------------------------------------


def export_uwazi(
    store: Store, outdir: Path, audience: str, progress: Progress | None = None
) -> dict[str, int]:
    """Write people.csv, cases.csv and events.csv into `outdir` for `audience`; rows per file."""
    audience_visibility(audience)
    outdir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    paths = [outdir / name for name in FILES.values()]
    with atomic_outputs(*paths) as made, store.reading() as conn:
        gate = Gate(conn, audience)
        for (template, name), path in zip(FILES.items(), made, strict=True):
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(LAYOUTS[template])
                counts[name] = 0
                for record in gate.records(store, template):
                    row = _ROWS[template](conn, record)
                    writer.writerow([neutralise(row.get(column, "")) for column in LAYOUTS[template]])
                    counts[name] += 1
                    if progress:
                        progress(1)
    return counts


def _person_row(conn: Connection, person: Any) -> dict[str, str]:
    return {
        "title": person.display_name,
        "other_names": SEPARATOR.join(n.value for n in person.names[1:]),
        "sex": _label("sex", person.sex),
        "groups": SEPARATOR.join(_label("group", code) for code in person.groups),
        "date_of_birth": _day_text(person.birth_date),
        "date_of_birth_as_known": _known_text(person.birth_date),
        "place_of_birth": person.birth_place,
        "citizenship": person.citizenship,
        "occupation": person.occupation,
        "habeas_id": person.id,
    }


def _case_row(conn: Connection, case: Any) -> dict[str, str]:
    names = _first_names(conn, case.person_ids)
    return {
        "title": case.title,
        "summary": case.summary,
        "people": SEPARATOR.join(names[i] for i in case.person_ids if i in names),
        "people_habeas_ids": SEPARATOR.join(case.person_ids),
        "habeas_id": case.id,
    }


def _event_row(conn: Connection, event: Any) -> dict[str, str]:
    victims = [p.person_id for p in event.participants if p.role == "victim"]
    names = _first_names(conn, victims)
    case_title = _one_text(conn, cases.c.title, cases.c.id, event.case_id)
    court = _one_text(conn, organisations.c.name, organisations.c.id, event.organisation_id)
    label = _label("event_type", event.type)
    return {
        "title": f"{label}, {event.date.text}" if not event.date.is_unknown else label,
        "event_type": label,
        "date": _day_text(event.date),
        "date_as_known": _known_text(event.date),
        "place": event.place,
        "court": court,
        "court_habeas_id": event.organisation_id or "",
        "victims": SEPARATOR.join(names[i] for i in victims if i in names),
        "participants_habeas_ids": SEPARATOR.join(f"{p.person_id}:{p.role}" for p in event.participants),
        "case": case_title,
        "case_habeas_id": event.case_id or "",
        "outcome": event.outcome,
        "summary": event.summary,
        "habeas_id": event.id,
    }


_ROWS: Mapping[str, Callable[[Connection, Any], dict[str, str]]] = {
    "person": _person_row,
    "case": _case_row,
    "event": _event_row,
}


def _first_names(conn: Connection, person_ids: Sequence[str]) -> dict[str, str]:
    """The name shown for each of these people (their first spelling)."""
    if not person_ids:
        return {}
    query = sa.select(person_names.c.person_id, person_names.c.value).where(
        person_names.c.person_id.in_(list(person_ids)), person_names.c.position == 0
    )
    return {row.person_id: row.value for row in conn.execute(query)}


def _one_text(conn: Connection, column: Any, key: Any, value: str | None) -> str:
    if not value:
        return ""
    return str(conn.execute(sa.select(column).where(key == value)).scalar() or "")


# -- reading a mapping and a file -------------------------------------------------------


@dataclass(frozen=True)
class Mapping_:
    """What a mapping file says: the file's header for some columns, codes for some labels."""

    columns: dict[str, str] = field(default_factory=dict)  # our column -> the file's header
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> the file's label -> code
    visibility: str = ""


def read_mapping(path: Path | None, template: str) -> Mapping_:
    """The mapping in the YAML file at `path` (none: the layout's own column names)."""
    if path is None:
        return Mapping_()
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(
            "--mapping", str(path), f"it cannot be read as YAML ({exc.__class__.__name__})"
        ) from None
    if not isinstance(data, dict) or set(data) - {"columns", "values", "visibility"}:
        raise ValidationError(
            "--mapping", str(path), "give a mapping with the keys columns, values, visibility"
        )
    columns = {str(k): str(v) for k, v in (data.get("columns") or {}).items()}
    values = {
        str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in (data.get("values") or {}).items()
    }
    for name in [*columns, *values]:
        if name not in LAYOUTS[template]:
            raise ValidationError(
                f"mapping column {name!r}",
                name,
                f"use the {template} columns: {', '.join(LAYOUTS[template])}",
            )
    visibility = str(data.get("visibility") or "")
    if visibility:
        vocabulary("visibility").check(visibility, "mapping visibility")
    return Mapping_(columns, values, visibility)


def _normal(header: str) -> str:
    """A header as a property name: lower case, runs of anything but letters and digits as `_`."""
    return re.sub(r"[\W_]+", "_", header.strip().casefold()).strip("_")


def _header_map(headers: Sequence[str], template: str, mapping: Mapping_) -> tuple[dict[str, int], list[str]]:
    """Our column -> its position in the file, and the file's headers left unread."""
    wanted = {mapping.columns.get(column, column): column for column in LAYOUTS[template]}
    by_normal = {_normal(k): v for k, v in wanted.items()}
    found: dict[str, int] = {}
    ignored: list[str] = []
    for position, header in enumerate(headers):
        column = wanted.get(header) or by_normal.get(_normal(header))
        if column is None:
            # `title__en`: Uwazi's column of one language; the first language given is read.
            column = by_normal.get(re.sub(r"__[a-z]{2,3}$", "", _normal(header)))
        if column is None or column in found:
            ignored.append(header)
        else:
            found[column] = position
    if "title" not in found and template != "event":
        raise ValidationError(
            "title", ", ".join(headers), "the file needs a title column (Uwazi's first column)"
        )
    return found, ignored


# -- import -----------------------------------------------------------------------------


@dataclass
class UwaziSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def line(self) -> str:
        shown = "(a name, not shown)" if self.column in NAME_COLUMNS else repr(self.value)
        return f"row {self.row}, column {self.column}: {shown} is not valid; {self.reason}"


class RowsRejected(ValidationError):
    """Rows of an import that cannot be read; nothing was written."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(f"{name} row {first.row}, column {first.column}", first.value, first.reason)
        shown = "\n".join(f"  {p.line()}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        HabeasError.__init__(self, f"{name}: {len(problems)} problem(s), nothing imported:\n{shown}{more}")
        self.problems = problems


class _RowError(Exception):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


class _DryRun(HabeasError):
    """Raised inside the transaction of a dry run, so that what was checked is rolled back."""


def import_uwazi(
    service: Service,
    path: Path,
    template: str,
    mapping_path: Path | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> UwaziSummary:
    """Import the rows of an Uwazi CSV file as records of `template` (person, case or event)."""
    if template not in LAYOUTS:
        raise ValidationError("--template", template, f"use one of: {', '.join(LAYOUTS)}")
    mapping = read_mapping(mapping_path, template)
    summary = UwaziSummary()
    problems: list[Problem] = []
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ValidationError("file", str(path), f"it cannot be read ({exc.strerror})") from None
    try:
        with handle, service.store.atomic() as conn:
            rows = csv.reader(handle)
            headers = next(rows, None)
            if not headers:
                raise ValidationError("file", path.name, "it is empty; give a CSV file with a header row")
            columns, summary.ignored_columns = _header_map(headers, template, mapping)
            for number, cells in enumerate(rows, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                values = {c: _cell(cells, i) for c, i in columns.items()}
                try:
                    _import_row(service, conn, template, values, mapping, summary)
                except _RowError as exc:
                    problems.append(Problem(number, exc.column, exc.value, exc.reason))
                except ValidationError as exc:
                    column = _column_of(template, exc.field)
                    problems.append(Problem(number, column, str(values.get(column, exc.value)), exc.allowed))
                if progress:
                    progress(1)
            if problems:
                raise RowsRejected(path.name, problems)
            if dry_run:
                raise _DryRun()
    except UnicodeDecodeError:
        raise ValidationError("file", path.name, "it is not UTF-8 text; save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise ValidationError("file", path.name, f"it is not a well-formed CSV file ({exc})") from None
    except _DryRun:
        pass
    return summary


def _cell(cells: Sequence[str], position: int) -> str:
    """A cell's text, without the `'` an export put before text a spreadsheet would take for a formula."""
    text = cells[position].strip() if position < len(cells) else ""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _column_of(template: str, field_name: str) -> str:
    """The column a service error's field (`event.type`, `person.names`) came from."""
    parts = field_name.split(".")
    name = parts[1] if len(parts) > 1 else parts[0]
    return FIELD_COLUMNS[template].get(name, name)


def _import_row(
    service: Service,
    conn: Connection,
    template: str,
    values: dict[str, str],
    mapping: Mapping_,
    summary: UwaziSummary,
) -> None:
    """Create the row's record, or update the stored one its habeas_id names (only columns given)."""
    record_id = values.get("habeas_id", "")
    current = None
    if record_id and _kind_of(conn, record_id) is not None:
        if _kind_of(conn, record_id) != template:
            raise _RowError(
                "habeas_id", record_id, f"this id is of a {_kind_of(conn, record_id)}, not a {template}"
            )
        current = service.store.get(template, record_id, conn)
    changes = _FIELDS[template](conn, values, mapping, current)
    if current is None:
        extra = {"visibility": mapping.visibility} if mapping.visibility else {}
        service.create(KINDS[template](id=record_id, **changes, **extra))
        summary.created += 1
        return
    changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changed:
        summary.unchanged += 1
        return
    service.update(template, record_id, **changed)
    summary.updated += 1


def _kind_of(conn: Connection, record_id: str) -> str | None:
    query = sa.select(record_versions.c.kind).where(record_versions.c.record_id == record_id).limit(1)
    kind = conn.execute(query).scalar()
    return str(kind) if kind is not None else None


def _split(text: str) -> list[str]:
    """The values of a multi-value cell; a grouped thesaurus value `Group::Value` is its value."""
    return [part.split("::")[-1].strip() for part in text.split(SEPARATOR) if part.strip()]


def _code(vocab: str, column: str, text: str, mapping: Mapping_) -> str:
    """The vocabulary code a cell names: by the mapping, by code, or by an English, az or ru label."""
    if text in mapping.values.get(column, {}):
        return mapping.values[column][text]
    terms = vocabulary(vocab).terms
    folded = text.casefold()
    for term in terms:
        if folded in (term.code, *(label.casefold() for label in (term.en, term.az, term.ru) if label)):
            return term.code
    raise _RowError(column, text, f"use a {vocab} code or label, e.g. {', '.join(t.code for t in terms[:5])}")


def _date(values: dict[str, str], column: str) -> PartialDate | None:
    """The date of `<column>_as_known` if given, else of `column`; None when neither is in the file."""
    for name in (f"{column}_as_known", column):
        if values.get(name):
            try:
                return read_date(values[name], name)
            except ValidationError as exc:
                raise _RowError(name, values[name], exc.allowed) from None
    if f"{column}_as_known" in values or column in values:
        return PartialDate.unknown()
    return None


def _person_fields(
    conn: Connection, values: dict[str, str], mapping: Mapping_, current: Record | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in values or "other_names" in values:
        stored = current.names if isinstance(current, Person) else []
        first = values["title"] if "title" in values else (stored[0].value if stored else "")
        others = _split(values["other_names"]) if "other_names" in values else [n.value for n in stored[1:]]
        spellings = [first, *others]
        old = {n.value: n for n in stored}
        out["names"] = [old.get(s) or _new_name(s, i) for i, s in enumerate(s for s in spellings if s)]
    if "sex" in values:
        out["sex"] = _code("sex", "sex", values["sex"], mapping) if values["sex"] else "unknown"
    if "groups" in values:
        out["groups"] = [_code("group", "groups", g, mapping) for g in _split(values["groups"])]
    birth = _date(values, "date_of_birth")
    if birth is not None:
        out["birth_date"] = birth
    for column, name in (
        ("place_of_birth", "birth_place"),
        ("citizenship", "citizenship"),
        ("occupation", "occupation"),
    ):
        if column in values:
            out[name] = values[column]
    return out


def _new_name(value: str, position: int) -> PersonName:
    """A spelling read from a file: its script guessed, the first one the native spelling."""
    script = guess_script(value)
    language = {"Cyrl": "ru", "Arab": ""}.get(script, "az" if position == 0 else "en")
    return PersonName(
        value=value, script=script, language=language, kind="native" if position == 0 else "transliteration"
    )


def _case_fields(
    conn: Connection, values: dict[str, str], mapping: Mapping_, current: Record | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in ("title", "summary"):
        if column in values:
            out[column] = values[column]
    if values.get("people_habeas_ids") or "people_habeas_ids" in values and "people" not in values:
        out["person_ids"] = _split(values["people_habeas_ids"])
    elif "people" in values:
        out["person_ids"] = [_person_by_name(conn, "people", n) for n in _split(values["people"])]
    return out


def _event_fields(
    conn: Connection, values: dict[str, str], mapping: Mapping_, current: Record | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "event_type" in values:
        out["type"] = (
            _code("event_type", "event_type", values["event_type"], mapping) if values["event_type"] else ""
        )
    when = _date(values, "date")
    if when is not None:
        out["date"] = when
    for column in ("place", "outcome", "summary"):
        if column in values:
            out[column] = values[column]
    if "court_habeas_id" in values:
        out["organisation_id"] = values["court_habeas_id"] or None
    if values.get("participants_habeas_ids"):
        out["participants"] = [_participant(spec) for spec in _split(values["participants_habeas_ids"])]
    elif "victims" in values:
        out["participants"] = [
            Participant(person_id=_person_by_name(conn, "victims", n)) for n in _split(values["victims"])
        ]
    if values.get("case_habeas_id"):
        out["case_id"] = values["case_habeas_id"]
    elif "case" in values:
        out["case_id"] = _case_by_title(conn, values["case"]) if values["case"] else None
    return out


def _participant(spec: str) -> Participant:
    person_id, _, role = spec.partition(":")
    return Participant(person_id=person_id.strip(), role=role.strip() or "victim")


def _person_by_name(conn: Connection, column: str, name: str) -> str:
    """The one live person with a spelling equal to `name` (case and accents aside)."""
    query = (
        sa.select(person_names.c.person_id)
        .where(person_names.c.search_key == search_key(name))
        .distinct()
        .limit(2)
    )
    found = list(conn.execute(query).scalars())
    if len(found) != 1:
        reason = "no person has this name" if not found else "several people have this name"
        raise _RowError(column, name, f"{reason}; give their ids in the habeas id column instead")
    return str(found[0])


def _case_by_title(conn: Connection, title: str) -> str:
    found = list(conn.execute(sa.select(cases.c.id).where(cases.c.title == title).limit(2)).scalars())
    if len(found) != 1:
        reason = "no case has this title" if not found else "several cases have this title"
        raise _RowError("case", title, f"{reason}; give its id in case_habeas_id instead")
    return str(found[0])


_FIELDS: Mapping[str, Callable[[Connection, dict[str, str], Mapping_, Record | None], dict[str, Any]]] = {
    "person": _person_fields,
    "case": _case_fields,
    "event": _event_fields,
}
