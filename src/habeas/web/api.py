"""The JSON API under /api/v1: list, read, create, change and retract every kind of record.

    GET   /api/v1/{kind}                  a page of live records: ?limit=1..200&offset=0 (and ?q= for
                                          people, cases, organisations, sources; people take filters)
    POST  /api/v1/{kind}                  create one (201, with the record)
    GET   /api/v1/{kind}/{id}             one record (retracted ones too)
    PATCH /api/v1/{kind}/{id}             change some fields; give the `version` you last saw (409 if stale)
    POST  /api/v1/{kind}/{id}/retract     withdraw it, with a reason and the version you last saw
    GET   /api/v1/held?on=YYYY-MM-DD      who was held on a day
    GET   /api/v1/records/{id}/history    every version of a record

{kind} is people, organisations, affiliations, relationships, cases, charges,
custody-periods, events, interventions, assessments, sources, citations or
context-periods. Clients send `Authorization: Bearer <token>` (`habeas token
create`). A record the caller may not see answers 404 exactly like a missing
one, and counts nowhere; a record is seen only with the records it cannot exist
without (a charge with its person, a citation with its source and target). The
models come from habeas.web.api_models; the schema is at /api/v1/openapi.json.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import is_dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path, Query, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel
from sqlalchemy.engine import Connection

from habeas.domain.dates import DAY_FORM, parse_day
from habeas.domain.records import RECORD_TYPES, Citation, Record, fields_of
from habeas.domain.vocabulary import vocabulary
from habeas.errors import ConflictError, NotFound, ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.service import Service
from habeas.storage import codec, queries
from habeas.web.api_models import (
    MODELS,
    ULID_PATTERN,
    ErrorBody,
    HeldReportOut,
    HistoryOut,
    KindModels,
    Retraction,
    clean_text,
    to_json,
    to_record,
    to_values,
)
from habeas.web.app import WebState
from habeas.web.auth import Principal
from habeas.web.pages import caller, visible_record
from habeas.web.routing import Page, Routes

PREFIX = "/api/v1"
DAY_PATTERN = r"^([0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$"
GROUPS = vocabulary("group").codes()
CUSTODY_KINDS = vocabulary("custody_kind").codes()
SEARCHABLE = frozenset({"person", "case", "organisation", "source"})  # kinds whose list takes ?q=


routes = Routes()

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="an API token from `habeas token create`: Authorization: Bearer hbs_…",
)
Token = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]
RecordId = Annotated[str, Path(pattern=ULID_PATTERN, description="the record's id, a 26-character ULID")]
Limit = Annotated[int, Query(ge=1, le=200, description="how many records at most (1 to 200)")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="how many to skip")]
Search = Annotated[
    str,
    Query(max_length=200, description="a part of a name or title, in any script"),
    AfterValidator(clean_text),
]


ID_OR_NOTHING = r"^([0-9A-HJKMNP-TV-Z]{26})?$"
# Days are read by parse_day, whose message says what is wrong with one such as 2023-02-29;
# vocabulary codes by Vocabulary.check, which lists the codes allowed.
HeldOn = Annotated[
    str,
    Query(
        max_length=10, description=f"held on this day: {DAY_FORM}", json_schema_extra={"pattern": DAY_PATTERN}
    ),
]
OnDay = Annotated[
    str,
    Query(
        max_length=10,
        description=f"the day (today when left out): {DAY_FORM}",
        json_schema_extra={"pattern": DAY_PATTERN},
    ),
]
InGroup = Annotated[
    str, Query(max_length=40, description="in this group", json_schema_extra={"enum": ["", *GROUPS]})
]
WithCustody = Annotated[
    str,
    Query(
        max_length=40,
        description="with a custody period of this kind",
        json_schema_extra={"enum": ["", *CUSTODY_KINDS]},
    ),
]
InCase = Annotated[str, Query(pattern=ID_OR_NOTHING, description="members of this case (its id)")]
InOrganisation = Annotated[
    str, Query(pattern=ID_OR_NOTHING, description="affiliated with, or held in, this organisation (its id)")
]

_ERRORS = {
    400: "the body is not JSON (or not UTF-8)",
    401: "no token, or one that is revoked or belongs to a disabled account",
    403: "the token's role may not do this",
    404: "no such record, or one the caller may not see",
    409: "the record changed meanwhile (a stale version), is retracted, or the id is taken",
    422: "the request is not valid: `field` and `reason` (or `errors`) say what to change",
}


TOO_LARGE = {
    "description": "the body is larger than 1 MiB",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


def _responses(*statuses: int, body: bool = False) -> dict[int | str, dict[str, Any]]:
    """The failures an operation may answer, each with the JSON error body (see habeas.web.app)."""
    answers: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorBody, "description": _ERRORS[status]}
        for status in sorted({401, 403, *statuses, *((400, 422) if body else ())})
    }
    if body:
        answers[413] = TOO_LARGE
    return answers


def _add(
    path: str,
    method: str,
    permission: str,
    endpoint: Callable[..., Response],
    name: str,
    summary: str,
    **openapi: Any,
) -> None:
    endpoint.__name__ = endpoint.__qualname__ = name
    routes.append(
        Page(
            PREFIX + path,
            _strict_query(endpoint),
            permission,
            (method,),
            name,
            api=True,
            openapi={"summary": summary, **openapi},
        )
    )


def _strict_query(endpoint: Callable[..., Response]) -> Callable[..., Response]:
    """Refuse a query parameter the endpoint does not take (a typo such as ?limt=10 is not ignored)."""
    signature = inspect.signature(endpoint)
    taken = sorted(set(signature.parameters) - {"request", "_token", "record_id", "body"})

    @functools.wraps(endpoint)
    def checked(**kwargs: Any) -> Response:
        query = kwargs["request"].query_params
        unknown = sorted(set(query) - set(taken))
        if unknown:
            listed = ", ".join(taken) if taken else "no query parameters"
            raise ValidationError(unknown[0], query[unknown[0]], f"this takes {listed}")
        return endpoint(**kwargs)

    return checked


def _with_body(endpoint: Callable[..., Response], model: type[BaseModel]) -> Callable[..., Response]:
    """Give the endpoint's `body` parameter the kind's model, so FastAPI validates and documents it."""
    signature = inspect.signature(endpoint, eval_str=True)
    parameters = [
        p.replace(annotation=model) if p.name == "body" else p for p in signature.parameters.values()
    ]
    endpoint.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return endpoint


# -- what the caller may see -----------------------------------------------------------


def _restricted(who: Principal) -> bool:
    return not ALL_VISIBILITY <= who.visible


def _references(record: Any) -> Iterator[tuple[str, str, str, bool]]:
    """(kind, id, field, is_subject) for each id a record refers to; a subject is a required reference."""
    for f in fields_of(type(record)):
        kind, value = f.metadata.get("ref"), getattr(record, f.name)
        if kind and isinstance(value, str) and value:
            yield kind, value, f.name, bool(f.metadata.get("required"))
        elif kind and isinstance(value, list):
            for ref_id in value:
                yield kind, ref_id, f.name, False
        elif isinstance(value, list):
            for item in value:
                if is_dataclass(item):
                    for ref_kind, ref_id, _, _ in _references(item):
                        yield ref_kind, ref_id, f.name, False
    if isinstance(record, Citation) and record.target_kind in RECORD_TYPES:
        yield record.target_kind, record.target_id, "target_id", True


def _shown_ids(conn: Connection, records: Collection[Any], visible: Collection[str]) -> dict[str, set[str]]:
    """Of every id these records refer to, those of live records the caller may see, by kind."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for kind, ref_id, _, _ in _references(record):
            wanted[kind].add(ref_id)
    return {kind: queries.visible_ids(conn, kind, ids, visible=visible) for kind, ids in wanted.items()}


def _screen(conn: Connection, who: Principal, records: list[Record]) -> list[Record]:
    """The records the caller may see, without the references to records they may not see.

    A record goes with the records it cannot exist without (its subjects): when
    one of them is hidden, so is the record. Other references to hidden records
    (an event's participant, a case member, a facility) are left out.
    """
    if not _restricted(who):
        return records
    shown = _shown_ids(conn, records, who.visible)
    return [
        _redacted(record, shown)
        for record in records
        if all(ref_id in shown[kind] for kind, ref_id, _, subject in _references(record) if subject)
    ]


def _redacted(record: Any, shown: dict[str, set[str]]) -> Any:
    changes: dict[str, Any] = {}
    for f in fields_of(type(record)):
        kind, value = f.metadata.get("ref"), getattr(record, f.name)
        if kind and isinstance(value, str) and value and value not in shown[kind]:
            changes[f.name] = None
        elif kind and isinstance(value, list):
            changes[f.name] = [ref_id for ref_id in value if ref_id in shown[kind]]
        elif isinstance(value, list) and value and is_dataclass(value[0]):
            kept = [
                _redacted(item, shown)
                for item in value
                if all(i in shown[k] for k, i, _, subject in _references(item) if subject)
            ]
            changes[f.name] = kept
    return replace(record, **changes) if changes else record


def _one(request: Request, kind: str, record_id: str) -> Record:
    """The record if the caller may see it (retracted ones too); 404, the same either way, if not."""
    record = visible_record(request, kind, record_id)
    who = caller(request)
    if not _restricted(who):
        return record
    web: WebState = request.app.state.web
    with web.store.reading() as conn:
        screened = _screen(conn, who, [record])
    if not screened:
        raise NotFound(kind, record_id)
    return screened[0]


def _check_may_write(request: Request, record: Record) -> None:
    """Refuse a record the caller could not see afterwards, or one that names records hidden from them."""
    who = caller(request)
    if record.visibility not in who.visible:
        allowed = ", ".join(sorted(who.visible))
        raise ValidationError(f"{record.KIND}.visibility", record.visibility, f"your role may use: {allowed}")
    if not _restricted(who):
        return
    web: WebState = request.app.state.web
    with web.store.reading() as conn:
        shown = _shown_ids(conn, [record], who.visible)
    for kind, ref_id, name, _ in _references(record):
        if ref_id not in shown[kind]:
            reason = f"no {kind} with this id exists (or it was retracted); check the id"
            raise ValidationError(f"{record.KIND}.{name}", ref_id, reason)


def _service(request: Request) -> Service:
    web: WebState = request.app.state.web
    return Service(web.store, actor=caller(request).user.username, clock=web.clock)


def _check_version(record: Record, seen: int) -> None:
    if record.version != seen:
        raise ConflictError(
            f"{record.KIND} {record.id} is at version {record.version}, not {seen}: someone changed it "
            "meanwhile; read it again and make your change to the new version"
        )


# -- pages of records ---------------------------------------------------------------


def _page(request: Request, of: str, text: str, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """One page of the live records of kind `of` the caller may see, and how many there are in all."""
    web: WebState = request.app.state.web
    who = caller(request)
    visible = who.visible
    with web.store.reading() as conn:
        if of == "person":
            ids = [
                row.id for row in queries.search_people(conn, text, limit, offset, visible=visible, **filters)
            ]
            total = queries.count_people(conn, text, visible=visible, **filters)
        elif of in SEARCHABLE:
            ids = [row.id for row in queries.list_records(conn, of, text, limit, offset, visible=visible)]
            total = queries.count_records(conn, of, text, visible=visible)
        else:
            ids = queries.list_ids(conn, of, limit, offset, visible=visible)
            total = queries.count_ids(conn, of, visible=visible)
        records = _screen(conn, who, web.store.get_many(of, ids, conn))
    return {"items": [to_json(r) for r in records], "total": total, "limit": limit, "offset": offset}


def _list_endpoint(models: KindModels) -> Callable[..., Response]:
    kind = models.kind
    if kind == "person":

        def list_people(
            request: Request,
            _token: Token,
            limit: Limit = 50,
            offset: Offset = 0,
            q: Search = "",
            group: InGroup = "",
            kind: WithCustody = "",
            held_on: HeldOn = "",
            case: InCase = "",
            organisation: InOrganisation = "",
        ) -> Response:
            if group:
                vocabulary("group").check(group, "group")
            if kind:
                vocabulary("custody_kind").check(kind, "kind")
            filters = {
                "group": group or None,
                "kind": kind or None,
                "held_on": parse_day(held_on, "held_on") if held_on else None,
                "case_id": case or None,
                "organisation_id": organisation or None,
            }
            return JSONResponse(_page(request, "person", q, limit, offset, **filters))

        return list_people

    if kind in SEARCHABLE:

        def list_searchable(
            request: Request, _token: Token, limit: Limit = 50, offset: Offset = 0, q: Search = ""
        ) -> Response:
            return JSONResponse(_page(request, kind, q, limit, offset))

        return list_searchable

    def list_kind(request: Request, _token: Token, limit: Limit = 50, offset: Offset = 0) -> Response:
        return JSONResponse(_page(request, kind, "", limit, offset))

    return list_kind


# -- one record ------------------------------------------------------------------------


def _record_endpoints(models: KindModels) -> None:
    kind, plural = models.kind, models.plural
    label = kind.replace("_", " ")
    _add(
        f"/{plural}",
        "GET",
        "read",
        _list_endpoint(models),
        f"list_{plural.replace('-', '_')}",
        f"List {plural.replace('-', ' ')}",
        response_model=models.list,
        responses=_responses(422),
        tags=[plural],
    )

    def create(request: Request, _token: Token, body: Any) -> Response:
        record = to_record(kind, body)
        _check_may_write(request, record)
        if record.id:
            try:
                taken = request.app.state.web.store.kind_of(record.id)
            except NotFound:
                taken = None
            if taken:
                raise ConflictError(f"the id {record.id} is taken; leave `id` out to get a new one")
        created = _service(request).create(record)[0]
        return JSONResponse(
            to_json(created), status_code=201, headers={"Location": f"{PREFIX}/{plural}/{created.id}"}
        )

    _add(
        f"/{plural}",
        "POST",
        "create",
        _with_body(create, models.create),
        f"create_{kind}",
        f"Create a {label}",
        status_code=201,
        response_model=models.record,
        responses=_responses(409, body=True),
        tags=[plural],
    )

    def read(request: Request, _token: Token, record_id: RecordId) -> Response:
        return JSONResponse(to_json(_one(request, kind, record_id)))

    _add(
        f"/{plural}/{{record_id}}",
        "GET",
        "read",
        read,
        f"get_{kind}",
        f"Read a {label}",
        response_model=models.record,
        responses=_responses(404, 422),
        tags=[plural],
    )

    def update(request: Request, _token: Token, record_id: RecordId, body: Any) -> Response:
        current = _one(request, kind, record_id)
        _check_version(current, body.version)
        if current.retracted:
            raise ConflictError(
                f"{kind} {record_id} is retracted; revert it to an earlier version to change it"
            )
        values = to_values(kind, body, body.model_fields_set - {"version"})
        changes = {name: value for name, value in values.items() if getattr(current, name) != value}
        if not changes:
            return JSONResponse(to_json(current))
        _check_may_write(request, replace(current, **changes))
        return JSONResponse(to_json(_service(request).update(kind, record_id, **changes)))

    _add(
        f"/{plural}/{{record_id}}",
        "PATCH",
        "edit",
        _with_body(update, models.patch),
        f"update_{kind}",
        f"Change a {label}",
        response_model=models.record,
        responses=_responses(404, 409, body=True),
        tags=[plural],
    )

    def retract(request: Request, _token: Token, record_id: RecordId, body: Retraction) -> Response:
        current = _one(request, kind, record_id)
        _check_version(current, body.version)
        return JSONResponse(to_json(_service(request).retract(kind, record_id, body.reason)))

    _add(
        f"/{plural}/{{record_id}}/retract",
        "POST",
        "edit",
        retract,
        f"retract_{kind}",
        f"Retract a {label}",
        response_model=models.record,
        responses=_responses(404, 409, body=True),
        tags=[plural],
        description=f"Withdraw the {label}: it leaves every list and count but stays in its history.",
    )


for _models in MODELS.values():
    _record_endpoints(_models)


# -- reports ---------------------------------------------------------------------------


def held(request: Request, _token: Token, on: OnDay = "") -> Response:
    web: WebState = request.app.state.web
    who = caller(request)
    day = parse_day(on, "on") if on else web.clock().date()

    def report() -> dict[str, Any]:
        with web.store.reading() as conn:
            return queries.held_on(conn, day, visible=who.visible).as_json()

    return JSONResponse(web.memo(("api-held", day, who.visible), report))


_add(
    "/held",
    "GET",
    "read",
    held,
    "held",
    "Who was held on a day",
    response_model=HeldReportOut,
    responses=_responses(422),
    tags=["reports"],
    description="People held on the day (today when `on` is left out), by group and by custody kind.",
)


def history(request: Request, _token: Token, record_id: RecordId) -> Response:
    web: WebState = request.app.state.web
    who = caller(request)
    kind = web.store.kind_of(record_id)
    if kind not in RECORD_TYPES:  # user accounts have a history too; it is not for the API
        raise NotFound("record", record_id)
    _one(request, kind, record_id)
    versions = []
    for row in web.store.history(record_id):
        data = json.loads(row["data"])
        if data.get("visibility") not in who.visible:
            continue
        at: datetime = row["at"]
        versions.append(
            {
                "version": row["version"],
                "action": row["action"],
                "at": (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat(),
                "actor": row["actor"],
                "note": row["note"],
                "record": {k: v for k, v in data.items() if k != codec.KIND_KEY},
            }
        )
    return JSONResponse({"id": record_id, "kind": kind, "versions": versions})


_add(
    "/records/{record_id}/history",
    "GET",
    "edit",
    history,
    "record_history",
    "A record's history",
    response_model=HistoryOut,
    responses=_responses(404, 422),
    tags=["history"],
    description="Every version of a record of any kind, oldest first: who wrote it, when, and what it held.",
)
