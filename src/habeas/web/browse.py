"""Browsing pages: cases, organisations, sources (with every fact a source supports) and the review list.

Every read passes the caller's visibilities, so a list, a count, a page, a
citation or a name never shows a record the caller's role may not see; such a
record's page answers 404 exactly like a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from habeas.domain.records import Case, Charge, Event, Record
from habeas.domain.vocabulary import HEARING_EVENT_TYPES
from habeas.errors import ValidationError
from habeas.storage import queries
from habeas.storage.store import Store
from habeas.web.pages import caller, today, visible_record
from habeas.web.render import render
from habeas.web.routing import Routes

routes = Routes()
PAGE_SIZE = 50
REVIEW_SHOWN = 25  # facts shown per kind on /review; `?kind=` pages through one kind
REVIEW_PAGE = 100
TERMS_WITHIN_DAYS = 14
Filter = Annotated[str, Query(max_length=200)]
PageNumber = Annotated[int, Query(ge=1, le=100000)]
# Kinds of record whose facts belong to one person, through this field.
PERSON_FIELD = {
    "custody_period": "person_id",
    "charge": "person_id",
    "assessment": "person_id",
    "intervention": "person_id",
    "affiliation": "person_id",
    "relationship": "person_id",
}


def pages_for(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


# -- what a fact is about ---------------------------------------------------------------


@dataclass
class Fact:
    """A fact (a record) with what it belongs to: the person or case its page is linked from."""

    kind: str
    id: str
    record: Record | None
    owner_kind: str = ""  # "person", "case", "organisation", "source" or "" when none is visible
    owner_id: str = ""
    owner_names: list[str] = field(default_factory=list)  # a person's names, or one title
    owner_hidden: bool = False  # it belongs to someone the caller may not see
    locator: str = ""
    quote: str = ""

    @property
    def href(self) -> str:
        pages = {
            "person": "/people/",
            "case": "/cases/",
            "organisation": "/organisations/",
            "source": "/sources/",
        }
        return pages[self.owner_kind] + self.owner_id if self.owner_kind in pages else ""


def owner_choices(record: Record) -> list[tuple[str, str]]:
    """(kind, id) of the pages a fact may be linked from, most telling first: person, case, court."""
    if record.KIND in ("person", "case", "organisation", "source"):
        return [(record.KIND, record.id)]
    if record.KIND in PERSON_FIELD:
        return [("person", getattr(record, PERSON_FIELD[record.KIND]))]
    if isinstance(record, Event):
        victims = [("person", p.person_id) for p in record.participants if p.role == "victim"]
        case = [("case", record.case_id)] if record.case_id else []
        court = [("organisation", record.organisation_id)] if record.organisation_id else []
        return victims + case + court
    return []


def describe(
    store: Store, conn: Connection, refs: Sequence[tuple[str, str]], visible: Collection[str]
) -> dict[str, Fact]:
    """Facts for (kind, id) pairs, each with its first visible owner; by id."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, record_id in refs:
        by_kind[kind].append(record_id)
    records: dict[str, Record] = {}
    for kind, ids in by_kind.items():
        records.update((r.id, r) for r in store.get_many(kind, sorted(set(ids)), conn))
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in records.values():
        for owner_kind, owner_id in owner_choices(record):
            wanted[owner_kind].add(owner_id)
    owners: dict[str, dict[str, Record]] = {}
    for owner_kind, owner_ids in wanted.items():
        seen = queries.visible_ids(conn, owner_kind, owner_ids, visible=visible)
        owners[owner_kind] = {r.id: r for r in store.get_many(owner_kind, sorted(seen), conn)}
    facts: dict[str, Fact] = {}
    for kind, record_id in refs:
        found = records.get(record_id)
        fact = Fact(kind, record_id, found)
        choices = owner_choices(found) if found else []
        for owner_kind, owner_id in choices:
            owner = owners.get(owner_kind, {}).get(owner_id)
            if owner is not None:
                fact.owner_kind, fact.owner_id, fact.owner_names = owner_kind, owner_id, _names(owner)
                break
        fact.owner_hidden = bool(choices) and not fact.owner_kind
        facts[record_id] = fact
    return facts


def _names(record: Record) -> list[str]:
    names = getattr(record, "names", None)
    if names is not None:
        return [n.value for n in names]
    return [getattr(record, "title", "") or getattr(record, "name", "")]


def listing(request: Request, kind: str, q: str, page: int) -> dict[str, Any]:
    """What a list page of cases, organisations or sources shows: a title filter and pages of 50."""
    web = request.app.state.web
    visible = caller(request).visible
    with web.store.reading() as conn:
        rows = queries.list_records(conn, kind, q, PAGE_SIZE, (page - 1) * PAGE_SIZE, visible=visible)
        total = queries.count_records(conn, kind, q, visible=visible)
        # The rows carry codes and raw date text; the page shows labels, so it reads the page's records.
        records = {r.id: r for r in web.store.get_many(kind, [row.id for row in rows], conn)}
    return {"rows": rows, "records": records, "total": total, "page": page, "pages": pages_for(total), "q": q}


# -- cases --------------------------------------------------------------------------------


@routes.get("/cases", "read")
def case_list(request: Request, q: Filter = "", page: PageNumber = 1) -> Response:
    return render(request, "cases.html", **listing(request, "case", q, page))


@routes.get("/cases/{case_id}", "read")
def case_page(request: Request, case_id: str) -> Response:
    web = request.app.state.web
    case = visible_record(request, "case", case_id)
    assert isinstance(case, Case)
    visible = caller(request).visible
    with web.store.reading() as conn:
        member_ids = queries.case_members(conn, case_id, visible=visible)
        timeline = queries.case_timeline(conn, case_id, visible=visible)
        charge_ids = _unique(line.record_id for line in timeline if line.kind == "charge")
        event_ids = _unique(line.record_id for line in timeline if line.kind == "event")
        charges = [c for c in web.store.get_many("charge", charge_ids, conn) if isinstance(c, Charge)]
        events = [e for e in web.store.get_many("event", event_ids, conn) if isinstance(e, Event)]
        hearings = [e for e in events if e.type in HEARING_EVENT_TYPES]
        courts = {e.organisation_id for e in hearings if e.organisation_id}
        seen_courts = queries.visible_ids(conn, "organisation", courts, visible=visible)
        court_names = {
            o.id: _names(o)[0] for o in web.store.get_many("organisation", sorted(seen_courts), conn)
        }
        # case_timeline shows charges of visible people only, so every charge's person is visible
        people_ids = _unique([*member_ids, *(c.person_id for c in charges)])
        people = {p.id: _names(p) for p in web.store.get_many("person", people_ids, conn)}
    hearings.sort(key=lambda e: (e.date.sort_key(), e.id))
    return render(
        request,
        "case.html",
        case=case,
        members=[(pid, people[pid]) for pid in member_ids if pid in people],
        timeline=timeline,
        charges=charges,
        people=people,
        hearings=hearings,
        court_names=court_names,
    )


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


# -- organisations ----------------------------------------------------------------------


@routes.get("/organisations", "read")
def organisation_list(request: Request, q: Filter = "", page: PageNumber = 1) -> Response:
    return render(request, "organisations.html", **listing(request, "organisation", q, page))


@routes.get("/organisations/{organisation_id}", "read")
def organisation_page(request: Request, organisation_id: str) -> Response:
    web = request.app.state.web
    organisation = visible_record(request, "organisation", organisation_id)
    visible = caller(request).visible
    with web.store.reading() as conn:
        people = queries.count_people(conn, "", visible=visible, organisation_id=organisation_id)
    return render(request, "organisation.html", organisation=organisation, people=people)


# -- sources --------------------------------------------------------------------------------


@routes.get("/sources", "read")
def source_list(request: Request, q: Filter = "", page: PageNumber = 1) -> Response:
    return render(request, "sources.html", **listing(request, "source", q, page))


@routes.get("/sources/{source_id}", "read")
def source_page(request: Request, source_id: str) -> Response:
    web = request.app.state.web
    source = visible_record(request, "source", source_id)
    visible = caller(request).visible
    with web.store.reading() as conn:
        citing = queries.records_citing(conn, source_id, visible=visible)
        facts = describe(web.store, conn, [(c.target_kind, c.target_id) for c in citing], visible)
    # One line per citation: a source may support a fact at two places.
    supported = [replace(facts[row.target_id], locator=row.locator, quote=row.quote) for row in citing]
    url = getattr(source, "url", "")
    return render(
        request,
        "source.html",
        source=source,
        facts=supported,
        link=url if url.startswith(("https://", "http://")) else "",
    )


# -- review: what needs a source, and terms about to end ----------------------------------------


@routes.get("/review", "read")
def review(request: Request, kind: Filter = "", page: PageNumber = 1) -> Response:
    web = request.app.state.web
    visible = caller(request).visible
    if kind and kind not in queries.FACT_KINDS:
        raise ValidationError("kind", kind, f"use one of: {', '.join(queries.FACT_KINDS)}")
    day = today(request)
    gaps = web.memo(("review", visible), partial(_unsourced, web.store, visible))
    grouped: dict[str, list[queries.UnsourcedFact]] = defaultdict(list)
    for gap in gaps:
        grouped[gap.kind].append(gap)
    if kind:
        start = (page - 1) * REVIEW_PAGE
        shown = {kind: grouped[kind][start : start + REVIEW_PAGE]}
    else:
        shown = {k: grouped[k][:REVIEW_SHOWN] for k in queries.FACT_KINDS if grouped[k]}
    with web.store.reading() as conn:
        facts = describe(web.store, conn, [(g.kind, g.id) for rows in shown.values() for g in rows], visible)
        terms = queries.terms_ending(conn, day, TERMS_WITHIN_DAYS, visible=visible)
    return render(
        request,
        "review.html",
        kind=kind,
        page=page,
        pages=pages_for(len(grouped[kind]), REVIEW_PAGE) if kind else 1,
        counts={k: len(grouped[k]) for k in queries.FACT_KINDS},
        total=len(gaps),
        shown={k: [facts[g.id] for g in rows] for k, rows in shown.items()},
        terms=terms,
        day=day,
        until=day + timedelta(days=TERMS_WITHIN_DAYS),
        within=TERMS_WITHIN_DAYS,
    )


def _unsourced(store: Store, visible: Collection[str]) -> list[queries.UnsourcedFact]:
    with store.reading() as conn:
        return queries.unsourced(conn, visible=visible)
