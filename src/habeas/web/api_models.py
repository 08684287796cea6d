"""The JSON API's request and response models, generated from the record dataclasses.

For each record kind there are three pydantic models, made from the fields of
its dataclass (habeas.domain.records) so that a new field shows in the API and
in its OpenAPI schema without being written down twice:

    Person          a record as the API returns it: every field, with its stamps
    PersonCreate    the body of a POST: the fields a client may give (no stamps)
    PersonPatch     the body of a PATCH: some of those fields, and the version last seen

Partial dates travel as their EDTF text, vocabulary fields as enums of their
codes, references as 26-character ULIDs; text is limited to what its column
holds. `to_values` turns a request body into dataclass field values; a record
goes out as `codec.to_plain(record)`, which these models describe.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NaiveDatetime,
    StrictBool,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError

from habeas.domain.dates import DATE_FORMS, PartialDate
from habeas.domain.records import CITABLE_KINDS, RECORD_TYPES, Citation, Record, fields_of
from habeas.domain.validation import ARTICLE, LEGAL_CODE
from habeas.domain.vocabulary import vocabulary
from habeas.errors import InvalidDate
from habeas.service import STAMP_FIELDS
from habeas.storage import codec
from habeas.storage.tables import CHILDREN, RECORD_TABLES

#: Each kind's segment in URLs: /api/v1/people, /api/v1/custody-periods…
PLURALS: dict[str, str] = {
    "person": "people",
    "organisation": "organisations",
    "affiliation": "affiliations",
    "relationship": "relationships",
    "case": "cases",
    "charge": "charges",
    "custody_period": "custody-periods",
    "event": "events",
    "intervention": "interventions",
    "assessment": "assessments",
    "source": "sources",
    "citation": "citations",
    "context_period": "context-periods",
}

ULID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
LONG_TEXT = 20_000  # characters, for text columns without a length (a body is at most 1 MiB)
MAX_INT = 2**31 - 1  # PostgreSQL's INTEGER
_X_YEAR = r"(?:[0-9]{3}X|[0-9]{2}XX|[0-9]XXX)"  # 201X, 19XX: a decade, a century
_MONTH = r"(?:0[1-9]|1[0-2]|XX)"
_GROUPING = r"(?:2[1-4]|3[3-6]|4[01])"  # seasons, quarters, halves: no day
_DAY = r"(?:0[1-9]|[12][0-9]|3[01]|XX)"
# A year with X digits takes no month; a season, quarter or half takes no day.
_SINGLE = rf"(?:[0-9]{{4}}(?:-{_MONTH}(?:-{_DAY})?|-{_GROUPING})?|{_X_YEAR})[~?%]?"
#: The forms habeas.domain.dates reads, as a pattern for clients; the parser has the last word.
DATE_PATTERN = rf"^(?:|XXXX|unknown|{_SINGLE}|{_SINGLE}/(?:{_SINGLE}|\.\.)?|(?:\.\.)?/{_SINGLE})$"
_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")


# -- field types -------------------------------------------------------------------


def clean_text(value: str) -> str:
    # PostgreSQL cannot store NUL, and an unpaired surrogate cannot be written as UTF-8 at all.
    if _NOT_TEXT.search(value):
        raise PydanticCustomError("text", "text may not contain NUL characters or unpaired surrogates")
    return value


def _partial_date(value: str) -> str:
    try:
        PartialDate.parse(value)
    except InvalidDate as exc:
        raise PydanticCustomError("partial_date", "{reason}", {"reason": exc.allowed}) from None
    return value


def _integral(value: Any) -> Any:
    """A whole number: 3 or 3.0 (JSON does not tell them apart), never "3" or true."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PydanticCustomError("int_type", "give a whole number")
    return value


def _iso_text(value: Any) -> Any:
    """Dates and times come as ISO 8601 text, never as numbers (which pydantic reads as timestamps)."""
    if not isinstance(value, str):
        raise PydanticCustomError("iso_text", "give the date or time as ISO 8601 text, e.g. 2024-11-20")
    return value


def text_type(max_length: int = LONG_TEXT, min_length: int = 0, pattern: str | None = None) -> Any:
    """Text of at most `max_length` characters (at least `min_length`), without NUL or lone surrogates."""
    limits = Field(max_length=max_length, min_length=min_length or None, pattern=pattern)
    return Annotated[str, limits, AfterValidator(clean_text)]


Ulid = Annotated[
    str,
    Field(
        pattern=ULID_PATTERN,
        min_length=26,
        max_length=26,
        description="a record id: a 26-character ULID",
        examples=["01JD3Q8M6ZB4Y2V7W9X0K1N5PR"],
    ),
]
DateText = Annotated[
    str,
    Field(
        max_length=40,
        description=f"a partial date (EDTF): {DATE_FORMS}; XXXX (or empty) when unknown",
        json_schema_extra={"pattern": DATE_PATTERN},
        examples=["2024-11-20", "2024-04", "2012~", "2024-05/.."],
    ),
    AfterValidator(_partial_date),
]
Day = Annotated[date, BeforeValidator(_iso_text), Field(description="a day, YYYY-MM-DD")]
LOCAL_TIME_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
)
LocalTime = Annotated[
    NaiveDatetime,
    BeforeValidator(_iso_text),
    # Not "format: date-time", which needs a time zone: this is the time on the court's clock.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LOCAL_TIME_PATTERN,
            "description": "local time at the place, without a time zone: YYYY-MM-DDTHH:MM[:SS]",
            "examples": ["2024-11-20T10:30:00"],
        }
    ),
]
Stamp = Annotated[datetime, Field(description="when, in UTC (set by habeas)")]


def integer(minimum: int, maximum: int = MAX_INT, description: str | None = None) -> Any:
    """A whole number from `minimum` to `maximum` (limits first, so that the schema shows them)."""
    limits = Field(ge=minimum, le=maximum, description=description)
    return Annotated[int, limits, BeforeValidator(_integral)]


Version = Annotated[int, Field(ge=1, le=MAX_INT), BeforeValidator(_integral)]


@dataclass(frozen=True)
class Where:
    """Where a field lives: the dataclass holding it and the table that stores that dataclass's rows."""

    owner: type[Any]
    table: sa.Table
    kind: str


def _column_length(where: Where, name: str) -> int | None:
    """The length of the String(n) column that stores this field, if it has one."""
    if name not in where.table.c:
        return None
    column_type = where.table.c[name].type
    return column_type.length if isinstance(column_type, sa.String) else None


def _inner(hint: Any) -> tuple[Any, bool]:
    """(X, True) for `X | None`, else (hint, False)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


def codes_type(name: str, allow_empty: bool = False) -> Any:
    """The type of a field holding a code of vocabulary `name` (or "", if `allow_empty`)."""
    codes = vocabulary(name).codes()
    return Literal[(*codes, "") if allow_empty else codes]


def _element(
    where: Where, f: dataclasses.Field[Any], tp: Any, request: bool, in_list: bool
) -> tuple[Any, str]:
    """The pydantic type of a field's value (or of each item of a list field), and a description."""
    meta, name = f.metadata, f.name
    required = bool(meta.get("required"))
    if meta.get("vocab"):
        vocab = vocabulary(meta["vocab"])
        # Empty ("") means "not given" where it is the default; a record may hold it wherever
        # validation lets it (a field that is not required), except its visibility.
        empty = not required and (f.default == "" if request else name != "visibility")
        return codes_type(vocab.name, empty and not in_list), f"{vocab.name} code: {vocab.description}"
    if meta.get("ref"):
        return Ulid, f"the id of a {meta['ref']}"
    if where.owner is Citation and name == "target_kind":
        return Literal[tuple(sorted(CITABLE_KINDS))], "the kind of record cited"
    if where.owner is Citation and name == "target_id":
        return Ulid, "the id of the record cited"
    if tp is PartialDate:
        return DateText, ""
    if tp is bool:
        return StrictBool, ""
    if tp is int:
        return integer(0), ""
    if tp is datetime:
        return LocalTime, ""
    if tp is date:
        return Day, ""
    if tp is str:
        pattern = None
        if where.kind == "charge" and name in ("code", "article"):
            pattern = (LEGAL_CODE if name == "code" else ARTICLE).pattern
        length = _column_length(where, name) or LONG_TEXT
        return text_type(length, 1 if required and request else 0, pattern), ""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        child = CHILDREN[(where.kind, name)]
        return _nested_model(tp, Where(tp, child.table, where.kind), request), ""
    if typing.get_origin(tp) is dict:
        note = "a short note per field saying why its value (a code, a date) was chosen"
        if not request:
            return dict[str, str], note
        names = tuple(
            n.name for n in fields_of(where.owner) if n.name not in STAMP_FIELDS | {"clarifications"}
        )
        return dict[Literal[names], text_type()], note  # type: ignore[misc, valid-type]
    raise TypeError(f"{where.owner.__name__}.{name}: the API has no type for {tp!r}")  # a new kind of field


def field_type(where: Where, f: dataclasses.Field[Any], hint: Any, request: bool) -> Any:
    """The pydantic type of one dataclass field; `request`: as a client sends it, else as returned."""
    tp, nullable = _inner(hint)
    is_list = typing.get_origin(tp) is list
    element, description = _element(where, f, typing.get_args(tp)[0] if is_list else tp, request, is_list)
    api: Any = list[element] if is_list else element  # type: ignore[valid-type]
    if nullable:
        api = api | None
    min_items = 1 if is_list and f.metadata.get("required") and request else None
    if description or min_items:
        api = Annotated[api, Field(description=description or None, min_length=min_items)]
    return api


# -- models --------------------------------------------------------------------------


_NESTED: dict[tuple[type[Any], bool], type[BaseModel]] = {}


def _nested_model(cls: type[Any], where: Where, request: bool) -> type[BaseModel]:
    """The model of an item inside a record (a person's name, an event's participant)."""
    key = (cls, request)
    if key not in _NESTED:
        hints = codec.field_types(cls)
        fields: dict[str, Any] = {}
        for f in fields_of(cls):
            tp = field_type(where, f, hints[f.name], request)
            fields[f.name] = (tp, _default(f)) if request and not f.metadata.get("required") else (tp, ...)
        name = cls.__name__ + ("Input" if request else "")
        _NESTED[key] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return _NESTED[key]


def _default(f: dataclasses.Field[Any]) -> Any:
    """The field's default as the API writes it (an unknown date is XXXX)."""
    if f.default_factory is not dataclasses.MISSING:
        made = f.default_factory()
        if isinstance(made, list | dict):
            return Field(default_factory=type(made))
        return Field(default=codec.to_plain(made))
    return Field(default=codec.to_plain(f.default))


def _no_defaults(schema: dict[str, Any]) -> None:
    # A PATCH changes only the fields it names: an absent field has no default value.
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


@dataclass(frozen=True)
class KindModels:
    """The three models of one record kind."""

    kind: str
    plural: str
    record: type[BaseModel]
    create: type[BaseModel]
    patch: type[BaseModel]
    list: type[BaseModel]


def _kind_models(kind: str) -> KindModels:
    cls = RECORD_TYPES[kind]
    hints = codec.field_types(cls)
    where = Where(cls, RECORD_TABLES[kind], kind)
    out: dict[str, Any] = {}
    create: dict[str, Any] = {
        "id": (
            Ulid | None,
            Field(default=None, description="a ULID for the new record (leave it out to get a new one)"),
        )
    }
    patch: dict[str, Any] = {}
    for f in fields_of(cls):
        if f.name in ("created_at", "updated_at"):
            out[f.name] = (Stamp, ...)
        elif f.name == "version":
            out[f.name] = (integer(1, description="1 when created, one more at each change"), ...)
        elif f.name == "id":
            out[f.name] = (Ulid, ...)
        else:
            out[f.name] = (field_type(where, f, hints[f.name], request=False), ...)
        if f.name in STAMP_FIELDS:
            continue
        request_type = field_type(where, f, hints[f.name], request=True)
        create[f.name] = (request_type, ...) if f.metadata.get("required") else (request_type, _default(f))
        patch[f.name] = (request_type, None)
    patch["version"] = (
        integer(1, description="the version the change was made to (409 if stale)"),
        ...,
    )
    name = cls.__name__
    doc = (cls.__doc__ or name).strip().splitlines()[0]
    record = create_model(name, __config__=ConfigDict(extra="forbid", title=name), __doc__=doc, **out)
    return KindModels(
        kind=kind,
        plural=PLURALS[kind],
        record=record,
        create=create_model(
            f"{name}Create", __config__=ConfigDict(extra="forbid"), __doc__=f"A new {kind}.", **create
        ),
        patch=create_model(
            f"{name}Patch",
            __config__=ConfigDict(extra="forbid", json_schema_extra=_no_defaults),
            __doc__=f"The fields of a {kind} to change, and the version they were changed from.",
            **patch,
        ),
        list=create_model(
            f"{name}List",
            __config__=ConfigDict(extra="forbid"),
            __doc__=f"A page of {PLURALS[kind]}.",
            items=(list[record], ...),  # type: ignore[valid-type]
            total=(int, Field(ge=0, description="how many there are on all pages together")),
            limit=(int, ...),
            offset=(int, ...),
        ),
    )


#: The models of every record kind, by kind.
MODELS: dict[str, KindModels] = {kind: _kind_models(kind) for kind in RECORD_TYPES}
assert set(PLURALS) == set(RECORD_TYPES), "every record kind needs a URL"


def to_values(kind: str, body: BaseModel, names: typing.Iterable[str]) -> dict[str, Any]:
    """The dataclass field values of the fields `names` of a validated request body."""
    hints = codec.field_types(RECORD_TYPES[kind])
    plain = body.model_dump(mode="json", include=set(names))
    return {name: codec.from_plain(hints[name], value) for name, value in plain.items()}


def to_record(kind: str, body: BaseModel) -> Record:
    """The new record a POST body describes (its id empty unless the client chose one)."""
    values = to_values(kind, body, [name for name in type(body).model_fields if name != "id"])
    return RECORD_TYPES[kind](id=getattr(body, "id", None) or "", **values)


def to_json(record: Record) -> dict[str, Any]:
    """A record as the API returns it (described by `MODELS[kind].record`)."""
    plain: dict[str, Any] = codec.to_plain(record)
    return plain


# -- other responses ----------------------------------------------------------------


class ApiError(BaseModel):
    status: int
    message: str
    field: str | None = None
    value: str | None = None
    reason: str | None = None
    errors: list[dict[str, str]] | None = None


class ErrorBody(BaseModel):
    """What every failure answers: the status, a message, and the field and reason where one is at fault."""

    error: ApiError


class HeldPersonOut(BaseModel):
    id: str
    name: str
    groups: list[str]
    kind: str
    since: str


class RestrictedOut(BaseModel):
    total: int
    by_kind: dict[str, int]


class HeldReportOut(BaseModel):
    """Who was held on a date, by group and by custody kind; `restricted`: travel bans and exile."""

    date: date
    total: int
    by_group: dict[str, int]
    by_kind: dict[str, int]
    people: list[HeldPersonOut]
    restricted: RestrictedOut


class Retraction(BaseModel):
    """Why a record is withdrawn, and the version of it the client saw."""

    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(clean_text)]
    version: Version


class VersionOut(BaseModel):
    """One version of a record, as its history keeps it."""

    version: int
    action: str
    at: datetime
    actor: str
    note: str
    record: dict[str, Any]


class HistoryOut(BaseModel):
    id: str
    kind: str
    versions: list[VersionOut]
