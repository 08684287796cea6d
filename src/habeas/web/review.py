"""Reviewing list-document entries in the browser: the documents with entries, each one's pending queue.

The queue is habeas.ingest.review's: every button is one call of review.accept,
review.reject or review.accept_all (one transaction each), then a redirect back
to the queue with what was done. A refused action (an entry already decided, an
id that names no person) is shown on the queue page, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from habeas.domain.records import Person, Source
from habeas.errors import ConflictError, NotFound, ValidationError
from habeas.ingest import review
from habeas.storage import queries
from habeas.storage.tables import review_entries, sources
from habeas.web.forms import service
from habeas.web.pages import caller, visible_record
from habeas.web.render import render
from habeas.web.routing import Routes

routes = Routes()
PAGE_SIZE = 20
BACKGROUND_SHOWN = 400  # characters of an entry's background shown on the queue page
DONE = ("accepted", "attached", "rejected", "all")  # what a redirect back to the queue reports
FormId = Annotated[str, Form(max_length=40)]
PageNumber = Annotated[int, Query(ge=1, le=100000)]
Count = Annotated[int, Query(ge=0, le=10_000_000)]


@dataclass(frozen=True)
class Document:
    """A source with queued entries, and how many of them are pending, accepted and rejected."""

    source_id: str
    title: str
    pending: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class Shown:
    """A candidate person as the queue shows them: the matching name, the person's groups, why."""

    person_id: str
    name: str
    groups: list[str]
    how: str


@dataclass(frozen=True)
class Item:
    """A pending entry with the candidates the caller may see."""

    queued: review.QueuedEntry
    candidates: list[Shown]


@dataclass(frozen=True)
class Refusal:
    """Why an action was refused: the entry (if any), the form field, the value given, what to do."""

    entry_id: str
    field: str
    value: str
    message: str


# -- reading -----------------------------------------------------------------------------------------


def documents(request: Request) -> list[Document]:
    """The sources the caller may see that have queued entries, newest first, with counts by status."""
    status = review_entries.c.status

    def count(name: str) -> Any:
        return sa.func.sum(sa.case((status == name, 1), else_=0))

    query = (
        sa.select(
            sources.c.id,
            sources.c.title,
            count("pending"),
            count("accepted"),
            count("rejected"),
        )
        .join(review_entries, review_entries.c.source_id == sources.c.id)
        .where(sources.c.visibility.in_(sorted(caller(request).visible)), sources.c.retracted.is_(False))
        .group_by(sources.c.id, sources.c.title)
        .order_by(sources.c.id.desc())
    )
    with request.app.state.web.store.reading() as conn:
        return [
            Document(r[0], r[1], int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in conn.execute(query)
        ]


def _source(request: Request, source_id: str) -> Source:
    found = visible_record(request, "source", source_id)
    assert isinstance(found, Source)
    return found


def _items(request: Request, pending: list[review.QueuedEntry]) -> list[Item]:
    """The entries with their candidates, leaving out the people the caller may not see."""
    store = request.app.state.web.store
    with store.reading() as conn:
        found = {q.id: review.candidates(store, q, conn) for q in pending}
        ids = sorted({c.person_id for cs in found.values() for c in cs})
        seen = queries.visible_ids(conn, "person", ids, visible=caller(request).visible)
        people = {p.id: p for p in store.get_many("person", sorted(seen), conn) if isinstance(p, Person)}
    return [
        Item(
            q,
            [
                Shown(c.person_id, c.name, people[c.person_id].groups, c.how)
                for c in found[q.id]
                if c.person_id in people
            ],
        )
        for q in pending
    ]


def queue_page(
    request: Request,
    source_id: str,
    page: int = 1,
    refusal: Refusal | None = None,
    status_code: int = 200,
    done: dict[str, Any] | None = None,
) -> Response:
    """The pending entries of one document, a page of them, with what was just done or refused."""
    source = _source(request, source_id)
    store = request.app.state.web.store
    queued = review.entries(store, source_id)
    pending = [q for q in queued if q.status == "pending"]
    pages = max(1, -(-len(pending) // PAGE_SIZE))
    page = min(page, pages)
    shown = pending[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(
        request,
        "review_queue.html",
        status_code=status_code,
        source=source,
        items=_items(request, shown),
        pending=len(pending),
        accepted=sum(q.status == "accepted" for q in queued),
        rejected=sum(q.status == "rejected" for q in queued),
        page=page,
        pages=pages,
        refusal=refusal,
        done=done or {"what": ""},
        background_shown=BACKGROUND_SHOWN,
    )


def _done(request: Request, done: str, person: str, created: int, attached: int) -> dict[str, Any]:
    """What the redirect reported, with the person's link only if the caller may see them."""
    if done not in DONE:
        done, person = "", ""
    with request.app.state.web.store.reading() as conn:
        seen = (
            queries.visible_ids(conn, "person", [person], visible=caller(request).visible)
            if person
            else set()
        )
    return {
        "what": done,
        "person": person if person in seen else "",
        "created": created,
        "attached": attached,
    }


# -- writing -----------------------------------------------------------------------------------------


def _pending_entry(request: Request, source_id: str, entry_id: str) -> review.QueuedEntry:
    """The entry `entry_id` of this document if it is pending; else ValidationError or ConflictError."""
    try:
        queued = review.get_entry(request.app.state.web.store, entry_id) if entry_id else None
    except NotFound:
        queued = None
    if queued is None or queued.source_id != source_id:
        raise ValidationError("entry_id", entry_id, "choose an entry of this document's queue")
    if queued.status != "pending":
        raise ConflictError(f"review entry {queued.id} is already {queued.status}; nothing was changed")
    return queued


def _check_person(request: Request, person_id: str) -> None:
    """Refuse an id that names no live person the caller may see (as if it did not exist)."""
    with request.app.state.web.store.reading() as conn:
        seen = queries.visible_ids(conn, "person", [person_id], visible=caller(request).visible)
    if not seen:
        raise ValidationError("person_id", person_id, "attach to one of the people shown as candidates")


def _refused(request: Request, source_id: str, entry_id: str, error: Exception) -> Response:
    """The queue page again, with the refusal named (422 for a bad value, 409 for a decided entry)."""
    if isinstance(error, ValidationError):
        refusal = Refusal(entry_id, error.field, str(error.value), error.allowed)
        return queue_page(request, source_id, refusal=refusal, status_code=422)
    refusal = Refusal(entry_id, "entry_id", entry_id, str(error))
    return queue_page(request, source_id, refusal=refusal, status_code=409)


def _back(source_id: str, **done: str | int) -> RedirectResponse:
    query = "&".join(f"{k}={v}" for k, v in done.items())
    return RedirectResponse(f"/review/documents/{source_id}?{query}", status_code=303)


# -- routes ------------------------------------------------------------------------------------------


@routes.get("/review/documents", "edit")
def documents_page(request: Request) -> Response:
    return render(request, "review_documents.html", documents=documents(request))


@routes.get("/review/documents/{source_id}", "edit")
def queue(
    request: Request,
    source_id: str,
    page: PageNumber = 1,
    done: Annotated[str, Query(max_length=20)] = "",
    person: Annotated[str, Query(max_length=40)] = "",
    created: Count = 0,
    attached: Count = 0,
) -> Response:
    return queue_page(request, source_id, page, done=_done(request, done, person, created, attached))


@routes.post("/review/documents/{source_id}/accept", "edit")
def accept(request: Request, source_id: str, entry_id: FormId = "", person_id: FormId = "") -> Response:
    """Accept an entry as a new person (no `person_id`), or attach it to the person `person_id`."""
    _source(request, source_id)
    try:
        _pending_entry(request, source_id, entry_id)
        if person_id:
            _check_person(request, person_id)
        made = review.accept(service(request), entry_id, person_id or None)
    except (ValidationError, ConflictError) as refused:
        return _refused(request, source_id, entry_id, refused)
    return _back(source_id, done="attached" if person_id else "accepted", person=made)


@routes.post("/review/documents/{source_id}/reject", "edit")
def reject(
    request: Request,
    source_id: str,
    entry_id: FormId = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    _source(request, source_id)
    try:
        _pending_entry(request, source_id, entry_id)
        review.reject(service(request), entry_id, reason)
    except (ValidationError, ConflictError) as refused:
        return _refused(request, source_id, entry_id, refused)
    return _back(source_id, done="rejected")


@routes.post("/review/documents/{source_id}/accept-all", "edit")
def accept_all(
    request: Request, source_id: str, confirm: Annotated[str, Form(max_length=10)] = ""
) -> Response:
    """Accept every pending entry of the document, only when the confirmation box is ticked."""
    _source(request, source_id)
    try:
        if confirm != "yes":
            raise ValidationError(
                "confirm", confirm, "tick the box to confirm that every pending entry has been checked"
            )
        result = review.accept_all(service(request), source_id)
    except (ValidationError, ConflictError) as refused:
        return _refused(request, source_id, "", refused)
    return _back(source_id, done="all", created=result.created, attached=result.attached)
