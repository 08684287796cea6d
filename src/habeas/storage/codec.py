"""Turns records into table rows and JSON snapshots, and back.

Two shapes: rows (one dict for the record's table, lists of dicts for its
child tables) for the database, and plain JSON for the record history, which
must be readable by any later version of habeas.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row

from habeas.domain.dates import PartialDate
from habeas.domain.records import RECORD_TYPES, Record, fields_of
from habeas.storage.tables import CHILDREN, Child

Rows = dict[str, list[dict[str, Any]]]  # child table name -> its rows
KIND_KEY = "record_kind"


_FIELD_TYPES: dict[type[Any], dict[str, Any]] = {}


def field_types(cls: type[Any]) -> dict[str, Any]:
    """The resolved type of each dataclass field of `cls` (cached: dataclasses do not change)."""
    if cls not in _FIELD_TYPES:
        _FIELD_TYPES[cls] = typing.get_type_hints(cls)
    return _FIELD_TYPES[cls]


def _inner(tp: Any) -> Any:
    """`X` for `X | None`, else `tp` unchanged."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else tp
    return tp


def field_names(cls: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields_of(cls))


def to_plain(value: Any) -> Any:
    """A JSON-ready form of a field value."""
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    if isinstance(value, PartialDate):
        return value.text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_plain(getattr(value, name)) for name in field_names(type(value))}
    return value


def from_plain(tp: Any, value: Any) -> Any:
    """The field value of type `tp` that `to_plain` turned into `value`."""
    if value is None:
        return None
    tp = _inner(tp)
    if tp is PartialDate:
        return PartialDate.parse(value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if tp is date:
        return date.fromisoformat(value)
    if typing.get_origin(tp) is list:
        (item_type,) = typing.get_args(tp)
        return [from_plain(item_type, v) for v in value]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = field_types(tp)
        return tp(**{k: from_plain(hints[k], v) for k, v in value.items() if k in hints})
    return value


def snapshot(record: Record) -> str:
    """The record as canonical JSON (sorted keys), as kept in the history."""
    data = to_plain(record)
    data[KIND_KEY] = record.KIND  # not "kind": several records have a field of that name
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def from_snapshot(text: str) -> Record:
    data = json.loads(text)
    cls = RECORD_TYPES[data.pop(KIND_KEY)]
    return typing.cast(Record, from_plain(cls, data))


_PLANS: dict[type[Any], tuple[tuple[str, str, Child | None], ...]] = {}


def _plan(cls: type[Record]) -> tuple[tuple[str, str, Child | None], ...]:
    """How each field of `cls` is stored: (name, "child" | "date" | "json" | "column", child spec)."""
    if cls not in _PLANS:
        hints = field_types(cls)
        plan: list[tuple[str, str, Child | None]] = []
        for name in field_names(cls):
            child = CHILDREN.get((cls.KIND, name))
            if child is not None:
                plan.append((name, "child", child))
            elif _inner(hints[name]) is PartialDate:
                plan.append((name, "date", None))
            else:
                plan.append((name, "json" if name == "clarifications" else "column", None))
        _PLANS[cls] = tuple(plan)
    return _PLANS[cls]


def to_rows(record: Record) -> tuple[dict[str, Any], Rows]:
    """The record's own row and its child-table rows."""
    row: dict[str, Any] = {}
    children: Rows = {}
    for name, how, child in _plan(type(record)):
        value = getattr(record, name)
        if child is not None:
            items = [{child.value_column: v} if child.value_column else to_plain(v) for v in value]
            if child.derive is not None:
                items = [{**item, **child.derive(item)} for item in items]
            children[child.table.name] = [
                {child.parent_key: record.id, "position": i, **item} for i, item in enumerate(items)
            ]
        elif how == "date":
            row.update(date_columns(name, value))
        elif how == "json":
            row[name] = json.dumps(value, sort_keys=True, ensure_ascii=False)
        else:
            row[name] = value
    return row, children


def date_columns(name: str, value: PartialDate | None) -> dict[str, Any]:
    if value is None:
        return {name: None, f"{name}_earliest": None, f"{name}_latest": None}
    return {name: value.text, f"{name}_earliest": value.earliest, f"{name}_latest": value.latest}


def from_rows(kind: str, row: Row[Any] | dict[str, Any], children: Rows) -> Record:
    """Rebuild a record from its row (and child rows, keyed by child table name)."""
    cls = RECORD_TYPES[kind]
    data = dict(row._mapping if isinstance(row, Row) else row)
    values: dict[str, Any] = {}
    for name, tp in field_types(cls).items():
        if name == "KIND":
            continue
        child = CHILDREN.get((kind, name))
        if child is not None:
            rows = sorted(children.get(child.table.name, []), key=lambda r: r["position"])
            values[name] = [_child_item(tp, child.value_column, r) for r in rows]
        elif name == "clarifications":
            values[name] = json.loads(data[name] or "{}")
        elif _inner(tp) is PartialDate:
            values[name] = PartialDate.parse(data[name]) if data[name] is not None else None
        elif name in ("created_at", "updated_at"):
            values[name] = _utc(data[name])
        else:
            values[name] = data[name]
    return cls(**values)


def _child_item(tp: Any, value_column: str | None, row: dict[str, Any]) -> Any:
    if value_column:
        return row[value_column]
    (item_type,) = typing.get_args(tp)
    return from_plain(item_type, {k: v for k, v in row.items() if k in field_types(item_type)})


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stamp habeas writes is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
