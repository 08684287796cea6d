"""Reviewing possible duplicates in the browser: the queue of candidate pairs, one pair side by side.

The queue is habeas.linkage.queue's and the merge habeas.linkage.merge's: each button is one call
(merge keeping A or B, reject, undo a merge), one transaction, then a redirect back. Viewers may read
the pages; only editors see and may use the buttons. People the caller may not see are not shown.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from habeas.domain.records import Person
from habeas.errors import ConflictError, NotFound, ValidationError
from habeas.linkage import merge as merging
from habeas.linkage import queue
from habeas.storage import queries
from habeas.web.forms import service
from habeas.web.pages import caller
from habeas.web.render import render
from habeas.web.routing import Routes

routes = Routes()
PAGE_SIZE = 20
FormId = Annotated[str, Form(max_length=40)]
PageNumber = Annotated[int, Query(ge=1, le=100000)]


def _candidate(request: Request, candidate_id: str) -> queue.Candidate:
    """The pair, if both people exist and the caller may see them; else 404, the same either way."""
    try:
        with request.app.state.web.store.reading() as conn:
            found = queue.get(conn, candidate_id)
            # Retracted people too: after a merge, the pair page shows the merged record and the undo.
            both = request.app.state.web.store.get_many("person", [found.person_a, found.person_b], conn)
            seen = {p.id for p in both if p.visibility in caller(request).visible}
    except ValidationError:
        raise NotFound("candidate", candidate_id) from None
    if seen != {found.person_a, found.person_b}:
        raise NotFound("candidate", candidate_id)
    return found


def _side(request: Request, person_id: str) -> dict[str, Any]:
    """One person as the pair page shows them: the record, and their timeline (facts with sources)."""
    store = request.app.state.web.store
    person = store.get("person", person_id)
    assert isinstance(person, Person)
    with store.reading() as conn:
        lines = queries.person_timeline(conn, person_id, visible=caller(request).visible)
    return {"person": person, "lines": lines}


def pair_page(
    request: Request, candidate_id: str, error: str = "", status_code: int = 200, **done: str
) -> Response:
    found = _candidate(request, candidate_id)
    return render(
        request,
        "duplicates_pair.html",
        status_code=status_code,
        candidate=found,
        a=_side(request, found.person_a),
        b=_side(request, found.person_b),
        evidence_for=[e for e in found.evidence if e.weight > 0],
        evidence_against=[e for e in found.evidence if e.weight <= 0],
        error=error,
        done=done,
    )


@routes.get("/review/duplicates", "read")
def duplicates(request: Request, page: PageNumber = 1) -> Response:
    """The pending pairs, the most probable first, a page at a time."""
    store = request.app.state.web.store
    with store.reading() as conn:
        total = queue.count_pending(conn)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(page, pages)
        shown = queue.pending(conn, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        ids = sorted({i for c in shown for i in (c.person_a, c.person_b)})
        seen = queries.visible_ids(conn, "person", ids, visible=caller(request).visible)
        names = {
            p.id: p.display_name
            for p in store.get_many("person", sorted(seen), conn)
            if isinstance(p, Person)
        }
    pairs = [c for c in shown if c.person_a in names and c.person_b in names]
    return render(request, "duplicates.html", pairs=pairs, names=names, total=total, page=page, pages=pages)


@routes.get("/review/duplicates/{candidate_id}", "read")
def pair(
    request: Request,
    candidate_id: str,
    merged: Annotated[str, Query(max_length=40)] = "",
    undone: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    return pair_page(request, candidate_id, merged=merged, undone=undone)


@routes.post("/review/duplicates/merge", "edit")
def merge(request: Request, candidate_id: FormId = "", keep: FormId = "") -> Response:
    """Merge the pair keeping person A (`keep=a`) or B (`keep=b`)."""
    found = _candidate(request, candidate_id)
    try:
        if keep not in ("a", "b"):
            raise ValidationError("keep", keep, "press one of the merge buttons (keep A or keep B)")
        kept, other = (found.person_a, found.person_b) if keep == "a" else (found.person_b, found.person_a)
        done = merging.merge(service(request), kept, other, candidate_id=candidate_id)
    except (ValidationError, ConflictError) as refused:
        return pair_page(
            request, candidate_id, str(refused), 422 if isinstance(refused, ValidationError) else 409
        )
    return RedirectResponse(f"/review/duplicates/{candidate_id}?merged={done.id}", status_code=303)


@routes.post("/review/duplicates/reject", "edit")
def reject(request: Request, candidate_id: FormId = "") -> Response:
    """Not the same person: the pair leaves the queue (and is not proposed again)."""
    found = _candidate(request, candidate_id)
    if found.status != "pending":
        return pair_page(
            request, candidate_id, f"this pair is already {found.status}; nothing was changed", 409
        )
    queue.mark(service(request), candidate_id, "rejected", "not the same person")
    return RedirectResponse("/review/duplicates", status_code=303)


@routes.post("/review/duplicates/undo", "edit")
def undo(request: Request, candidate_id: FormId = "", merge_id: FormId = "") -> Response:
    """Undo a merge made from this pair; the pair is pending again."""
    found = _candidate(request, candidate_id)
    try:
        with request.app.state.web.store.reading() as conn:
            if merging.get(conn, merge_id).candidate_id != found.id:
                raise ValidationError("merge_id", merge_id, "undo a merge made from this pair")
        merging.undo(service(request), merge_id)
    except (ValidationError, ConflictError) as refused:
        return pair_page(
            request, candidate_id, str(refused), 422 if isinstance(refused, ValidationError) else 409
        )
    return RedirectResponse(f"/review/duplicates/{candidate_id}?undone={merge_id}", status_code=303)
