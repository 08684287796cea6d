"""A record's history: every version with a field-by-field diff against the one before, and revert.

The versions are the JSON snapshots the service layer keeps (store.history);
a revert makes an old version current again as a new version, so nothing is
ever lost from the history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from habeas.domain.records import RECORD_TYPES, Citation, Event, Record
from habeas.errors import NotFound
from habeas.service import Service
from habeas.web import form_fields as ff
from habeas.web import i18n
from habeas.web.pages import caller, visible_record
from habeas.web.render import language_of, render
from habeas.web.routing import Routes

routes = Routes()
# Stamps that change with every version: not worth a line of the diff.
UNSHOWN = frozenset({"id", "version", "created_at", "updated_at", "record_kind"})
# The pages of the kinds that have one; other records are shown on their person's page.
PAGES = {
    "person": "/people/{}",
    "case": "/cases/{}",
    "organisation": "/organisations/{}",
    "source": "/sources/{}",
}


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions, both values as readable text."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Version:
    number: int
    action: str
    actor: str
    at: datetime
    note: str
    changes: list[Change]


def diff(before: str | None, after: str, lang: str) -> list[Change]:
    """The fields that differ between two JSON snapshots (`before` None: every field `after` sets)."""
    new: dict[str, Any] = json.loads(after)
    old: dict[str, Any] = json.loads(before) if before else {}
    cls = RECORD_TYPES[new["record_kind"]]
    specs = {s.name: s for s in ff.specs(cls)}
    gettext = i18n.gettext_for(lang)
    names = [*specs, *(n for n in new if n not in specs and n not in UNSHOWN)]
    changes = []
    for name in names:
        spec = specs.get(name)
        was = readable(old.get(name), spec, lang, gettext) if before else ""
        now = readable(new.get(name), spec, lang, gettext)
        if was != now:
            label = spec.label if spec else ff.LABELS.get(name, name.replace("_", " ").capitalize())
            changes.append(Change(name, label, was, now))
    return changes


def readable(value: Any, spec: ff.FieldSpec | None, lang: str, gettext: i18n.Gettext) -> str:
    """A snapshot value as a person reads it: vocabulary labels, names with their script, yes/no."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if spec is not None and spec.vocab:
        codes = value if isinstance(value, list) else [value]
        return ", ".join(i18n.term_label(spec.vocab, str(code), lang) for code in codes)
    if isinstance(value, list):
        subs = {s.name: s for s in spec.subfields} if spec else {}
        return "; ".join(_item(item, subs, lang, gettext) for item in value)
    return str(value)


def _item(item: Any, subs: dict[str, ff.FieldSpec], lang: str, gettext: i18n.Gettext) -> str:
    if not isinstance(item, dict):
        return str(item)
    # In the order the row's dataclass declares its fields (snapshots sort their keys).
    order = list(subs) if subs else list(item)
    parts = [readable(item.get(k), subs.get(k), lang, gettext) for k in order]
    first, *rest = [p for p in parts if p] or [""]
    return f"{first} ({', '.join(rest)})" if rest else first


def page_of(request: Request, record: Record) -> str:
    """Where to go after saving: the record's page, its person's, its source's, else its history."""
    if record.KIND in PAGES:
        return PAGES[record.KIND].format(record.id)
    if isinstance(record, Citation):
        if record.target_kind in PAGES:
            return PAGES[record.target_kind].format(record.target_id)
        return PAGES["source"].format(record.source_id)
    person = getattr(record, "person_id", None)
    if isinstance(record, Event):
        person = next((p.person_id for p in record.participants), None)
    if person:
        return PAGES["person"].format(person)
    return f"/records/{record.id}/history" if caller(request).may("edit") else "/"


def _record(request: Request, record_id: str) -> Record:
    """The record if the caller may see it (a user account's history is not a record's: 404)."""
    kind = request.app.state.web.store.kind_of(record_id)
    if kind not in RECORD_TYPES:
        raise NotFound("record", record_id)
    return visible_record(request, kind, record_id)


@routes.get("/records/{record_id}/history", "edit")
def history(request: Request, record_id: str) -> Response:
    record = _record(request, record_id)
    lang = language_of(request)
    versions = []
    previous = None
    for row in request.app.state.web.store.history(record_id):
        changes = diff(previous, row["data"], lang)
        versions.append(Version(row["version"], row["action"], row["actor"], row["at"], row["note"], changes))
        previous = row["data"]
    return render(
        request,
        "history.html",
        record=record,
        kind_label=ff.KIND_LABELS[record.KIND],
        page=page_of(request, record),
        versions=list(reversed(versions)),
    )


@routes.post("/records/{record_id}/revert/{version}", "edit")
def revert(request: Request, record_id: str, version: int) -> Response:
    _record(request, record_id)
    web = request.app.state.web
    Service(web.store, actor=caller(request).user.username, clock=web.clock).revert(record_id, version)
    return RedirectResponse(f"/records/{record_id}/history", status_code=303)
