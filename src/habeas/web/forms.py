"""Forms that write: a new record of any kind, editing and retracting one, a hearing's monitoring.

The form of a kind is generated from its dataclass (habeas.web.form_fields). A
refused form comes back with status 422, the error next to the field it names,
everything typed kept and nothing written; every write is one Service call.
The one-form arrest is in habeas.web.arrest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict

from habeas.domain.records import (
    CITABLE_KINDS,
    RECORD_TYPES,
    Citation,
    Event,
    Record,
)
from habeas.domain.vocabulary import HEARING_EVENT_TYPES
from habeas.errors import ConflictError, NotFound, ValidationError
from habeas.service import ULID_TEXT, Service, new_ulid
from habeas.storage import codec, queries
from habeas.web import form_fields as ff
from habeas.web.history import Change, diff, page_of
from habeas.web.pages import caller, visible_record
from habeas.web.render import language_of, render
from habeas.web.routing import Routes

routes = Routes()
Reason = Annotated[str, Form(min_length=1, max_length=1000)]
Search = Annotated[str, Query(max_length=200)]


def service(request: Request) -> Service:
    web = request.app.state.web
    return Service(web.store, actor=caller(request).user.username, clock=web.clock)


def refuse_unseen(request: Request, wanted: list[tuple[str, str, str]]) -> None:
    """Refuse (field, kind, id) references to records the caller may not see, as if they did not exist."""
    visible = caller(request).visible
    with request.app.state.web.store.reading() as conn:
        for field, kind, ref_id in wanted:
            if not queries.visible_ids(conn, kind, [ref_id], visible=visible):
                raise ValidationError(
                    field, ref_id, f"no {kind} with this id exists (or it was retracted); check the id"
                )


def check_visibility(request: Request, field: str, value: Any) -> None:
    visible = caller(request).visible
    if value not in visible:
        raise ValidationError(field, value, f"use one of: {', '.join(sorted(visible))}")


def build(
    request: Request, kind: str, raw: Mapping[str, Any], before: Record | None = None
) -> dict[str, Any]:
    """The typed values of a `kind` record's fields from raw form values; ValidationError if refused.

    References are checked against what the caller may see (when editing `before`,
    only the references that changed).
    """
    cls = RECORD_TYPES[kind]
    values = ff.parse(cls, raw, kind)
    if before is not None:
        for spec in ff.specs(cls):
            if spec.widget == "checkboxes":  # boxes come back in the vocabulary's order: keep the record's
                kept = [code for code in getattr(before, spec.name) if code in values[spec.name]]
                values[spec.name] = kept + [code for code in values[spec.name] if code not in kept]
    check_visibility(request, f"{kind}.visibility", values["visibility"])
    old = set(ff.references(cls, vars(before), kind)) if before else set()
    wanted = [r for r in ff.references(cls, values, kind) if r not in old]
    if kind == "citation" and values["target_kind"] in CITABLE_KINDS and values["target_id"]:
        target = ("citation.target_id", values["target_kind"], values["target_id"])
        if not isinstance(before, Citation) or (before.target_kind, before.target_id) != target[1:]:
            wanted.append(target)
    refuse_unseen(request, wanted)
    return values


def record_form(
    request: Request,
    kind: str,
    raw: Mapping[str, Any],
    *,
    action: str,
    title: str,
    status_code: int = 200,
    error: ff.FormError | None = None,
    record: Record | None = None,
    conflict: list[Change] | None = None,
) -> Response:
    fields = ff.widgets(request, RECORD_TYPES[kind], raw, error)
    labels = {w.spec.name: w.spec.label for w in fields}
    return render(
        request,
        "forms/record.html",
        status_code=status_code,
        kind=kind,
        kind_label=ff.KIND_LABELS[kind],
        title=title,
        action=action,
        fields=fields,
        error=error,
        error_label=labels.get(error.key, "") if error else "",
        loaded_version=raw.get("loaded_version", ""),
        new_id=raw.get("new_id", ""),
        record=record,
        conflict=conflict,
    )


# -- new records ----------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in RECORD_TYPES:
        raise NotFound("record kind", kind)
    return kind


def _prefill(kind: str, query: Mapping[str, str]) -> ImmutableMultiDict[str, str]:
    """The query string as form fields; /new/event?person_id=X makes X the first participant."""
    pairs = list(query.items())
    person = query.get("person_id", "")
    if person and kind == "event":
        pairs.append(("participants-0-person_id", person))
    if person and kind == "case":
        pairs.append(("person_ids-0", person))
    return ImmutableMultiDict(pairs)


@routes.get("/new/{kind}", "create")
def new_record_form(request: Request, kind: str) -> Response:
    cls = RECORD_TYPES[_kind(kind)]
    given = ff.raw_from_form(cls, _prefill(kind, request.query_params), only_present=True)
    raw = {**ff.raw_defaults(cls), **given, "new_id": new_ulid()}
    return record_form(request, kind, raw, action=f"/new/{kind}", title=ff.NEW_TITLES[kind])


@routes.post("/new/{kind}", "create")
async def new_record(request: Request, kind: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_create, request, _kind(kind), form)


def _create(request: Request, kind: str, form: Any) -> Response:
    raw = ff.raw_from_form(RECORD_TYPES[kind], form)
    raw["new_id"] = form_id(form, "new_id")
    try:
        done = saved_before(request, kind, raw["new_id"])
        if done is None:
            record = RECORD_TYPES[kind](id=raw["new_id"], **build(request, kind, raw))
            done = service(request).create(record)[0]
    except ValidationError as refused:
        error = ff.FormError.of(refused)
        title = ff.NEW_TITLES[kind]
        return record_form(
            request, kind, raw, action=f"/new/{kind}", title=title, status_code=422, error=error
        )
    except Exception:
        done = saved_before(request, kind, raw["new_id"])  # sent twice at once: the other one wrote it
        if done is None:
            raise
    return RedirectResponse(page_of(request, done), status_code=303)


def form_id(form: Any, name: str) -> str:
    """The id made for a new record when its form was shown (a fresh one if the form has none)."""
    given = str(form.get(name, ""))
    return given if ULID_TEXT.match(given) else new_ulid()


def saved_before(request: Request, kind: str, record_id: str) -> Record | None:
    """The record that this same form already wrote (a double click, back and resubmit), or None."""
    try:
        found = request.app.state.web.store.kind_of(record_id)
    except NotFound:
        return None
    if found != kind:
        raise ValidationError(
            f"{kind}.id", record_id, "this form's id is taken by another record; reload the form"
        )
    return visible_record(request, kind, record_id)


# -- editing, retracting --------------------------------------------------------------------


def editable(request: Request, record_id: str) -> Record:
    """The record with this id if the caller may see it (a user account's history is no record: 404)."""
    kind = request.app.state.web.store.kind_of(record_id)
    if kind not in RECORD_TYPES:
        raise NotFound("record", record_id)
    return visible_record(request, kind, record_id)


@routes.get("/records/{record_id}/edit", "edit")
def edit_form(request: Request, record_id: str) -> Response:
    record = editable(request, record_id)
    raw = {**ff.raw_of_record(record), "loaded_version": str(record.version)}
    return record_form(
        request, record.KIND, raw, action=f"/records/{record_id}/edit", title="Edit", record=record
    )


@routes.post("/records/{record_id}/edit", "edit")
async def edit(request: Request, record_id: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_edit, request, record_id, form)


def _edit(request: Request, record_id: str, form: Any) -> Response:
    current = editable(request, record_id)
    kind = current.KIND
    raw = ff.raw_from_form(type(current), form)
    loaded = _version(form.get("loaded_version", ""))

    def again(
        status: int, error: ff.FormError | None = None, conflict: list[Change] | None = None
    ) -> Response:
        # The form now carries the current version: saving it again is a deliberate overwrite.
        raw["loaded_version"] = str(current.version)
        action = f"/records/{record_id}/edit"
        return record_form(
            request,
            kind,
            raw,
            action=action,
            title="Edit",
            status_code=status,
            error=error,
            record=current,
            conflict=conflict,
        )

    if current.retracted:
        return again(409)
    try:
        values = build(request, kind, raw, before=current)
        changes = {name: value for name, value in values.items() if value != getattr(current, name)}
        if changes and loaded != current.version:
            # Changed since the form was loaded; no conflict when it already holds what was sent
            # (the same form sent twice).
            return again(409, conflict=_changed_since(request, record_id, loaded, current))
        if changes:
            current = service(request).update(kind, record_id, **changes)
    except ValidationError as refused:
        return again(422, ff.FormError.of(refused))
    except ConflictError:  # someone saved between our check and our write
        current = editable(request, record_id)
        return again(409, conflict=_changed_since(request, record_id, loaded, current))
    return RedirectResponse(page_of(request, current), status_code=303)


def _version(text: Any) -> int:
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 10 else 0


def _snapshot_at(request: Request, record_id: str, version: int) -> str | None:
    versions = {v["version"]: v["data"] for v in request.app.state.web.store.history(record_id)}
    found: str | None = versions.get(version)
    return found


def _changed_since(request: Request, record_id: str, loaded: int, current: Record) -> list[Change]:
    """What changed between the version the form was loaded at and the current one."""
    before = _snapshot_at(request, record_id, loaded)
    return diff(before, codec.snapshot(current), language_of(request)) if before else []


@routes.post("/records/{record_id}/retract", "edit")
def retract(request: Request, record_id: str, reason: Reason) -> Response:
    record = editable(request, record_id)
    service(request).retract(record.KIND, record_id, reason.strip())
    return RedirectResponse(f"/records/{record_id}/history", status_code=303)


# -- a hearing's monitoring outcome ---------------------------------------------------------


def hearing(request: Request, event_id: str) -> Event:
    event = visible_record(request, "event", event_id)
    assert isinstance(event, Event)
    if event.type not in HEARING_EVENT_TYPES:
        kinds = ", ".join(sorted(HEARING_EVENT_TYPES))
        raise ValidationError("event.type", event.type, f"only a hearing ({kinds}) has a monitoring outcome")
    return event


def monitor_page(
    request: Request,
    event: Event,
    raw: Mapping[str, str],
    *,
    status_code: int = 200,
    error: ff.FormError | None = None,
    saved: bool = False,
    changed: bool = False,
) -> Response:
    web = request.app.state.web
    visible = caller(request).visible
    with web.store.reading() as conn:

        def seen(kind: str, ids: list[str]) -> list[Record]:
            shown = queries.visible_ids(conn, kind, [i for i in ids if i], visible=visible)
            found: list[Record] = web.store.get_many(kind, [i for i in ids if i in shown], conn)
            return found

        people = seen("person", [p.person_id for p in event.participants if p.role == "victim"])
        court = seen("organisation", [event.organisation_id or ""])
        case = seen("case", [event.case_id or ""])
    return render(
        request,
        "forms/monitor.html",
        status_code=status_code,
        event=event,
        people=people,
        court=court[0] if court else None,
        case=case[0] if case else None,
        raw=raw,
        outcomes=ff.Choices(request).terms("monitoring_outcome"),
        error=error,
        saved=saved,
        changed=changed,
    )


@routes.get("/hearings/{event_id}/monitor", "monitor")
def monitor_form(request: Request, event_id: str, saved: Search = "") -> Response:
    event = hearing(request, event_id)
    raw = {
        "monitoring_outcome": event.monitoring_outcome,
        "outcome": event.outcome,
        "loaded_version": str(event.version),
    }
    return monitor_page(request, event, raw, saved=bool(saved))


@routes.post("/hearings/{event_id}/monitor", "monitor")
async def monitor(request: Request, event_id: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_monitor, request, event_id, form)


def _monitor(request: Request, event_id: str, form: Any) -> Response:
    event = hearing(request, event_id)
    raw = {name: str(form.get(name, "")) for name in ("monitoring_outcome", "outcome", "loaded_version")}
    loaded = _version(raw["loaded_version"])
    raw["loaded_version"] = str(event.version)
    try:
        outcome = ff.bounded_text(raw, "monitoring_outcome", "event.monitoring_outcome")
        note = ff.bounded_text(raw, "outcome", "event.outcome", ff.MAX_LONG_TEXT)
        wanted = {"monitoring_outcome": outcome, "outcome": note}
        changes = {name: value for name, value in wanted.items() if getattr(event, name) != value}
        if changes and loaded != event.version and _monitoring_changed(request, event, loaded):
            return monitor_page(request, event, raw, status_code=409, changed=True)
        if changes:
            service(request).update("event", event_id, **changes)
    except ValidationError as refused:
        return monitor_page(request, event, raw, status_code=422, error=ff.FormError.of(refused))
    return RedirectResponse(f"/hearings/{event_id}/monitor?saved=1", status_code=303)


def _monitoring_changed(request: Request, event: Event, loaded: int) -> bool:
    """Whether someone changed the monitoring outcome or note since version `loaded`."""
    before = _snapshot_at(request, event.id, loaded)
    if before is None:
        return True
    old = json.loads(before)
    return (old.get("monitoring_outcome", ""), old.get("outcome", "")) != (
        event.monitoring_outcome,
        event.outcome,
    )
