"""The one-form arrest: the person (found by any spelling, or new), the arrest, custody, charge,
source and citations, written in one Service call.

The form carries the new records' ids, made when it is first shown, so the same
form sent twice (a double click, back and resubmit) records one arrest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from habeas.domain.dates import DATE_FORMS, PartialDate
from habeas.domain.names import guess_script
from habeas.domain.records import (
    Charge,
    Citation,
    CustodyPeriod,
    Event,
    Participant,
    Person,
    PersonName,
    Record,
    Source,
)
from habeas.errors import ValidationError
from habeas.service import new_ulid
from habeas.storage import queries
from habeas.web import form_fields as ff
from habeas.web import i18n
from habeas.web.forms import Search, check_visibility, form_id, refuse_unseen, saved_before, service
from habeas.web.history import PAGES
from habeas.web.pages import caller
from habeas.web.render import language_of, render
from habeas.web.routing import Routes

routes = Routes()

# -- the form's fields ----------------------------------------------------------------------------

ARREST_DEFAULTS: dict[str, str] = {
    "person_q": "",
    "person_id": "",
    "name_0": "",
    "script_0": "",
    "name_1": "",
    "script_1": "",
    "visibility": "restricted",
    "event_date": "",
    "event_place": "",
    "event_organisation_id": "",
    "custody_kind": "pre_trial_detention",
    "custody_start": "",
    "custody_facility_id": "",
    "custody_place": "",
    "charge_code": "CC",
    "charge_article": "",
    "charge_label": "",
    "source_id": "",
    "source_title": "",
    "source_kind": "news",
    "source_publisher": "",
    "source_url": "",
    "source_published": "",
    "source_reliability": "F",
    "source_credibility": "6",
    "citation_locator": "",
    "citation_quote": "",
}
# The new records' ids, made when the form is first shown: a second submission of the same
# form finds them already written and creates nothing again.
ARREST_IDS = ("person", "event", "custody", "charge", "source", "cite_event", "cite_custody", "cite_charge")
# Where an error about `kind.field` is shown on the arrest form.
ARREST_INPUTS = {
    "person.names": "name_0",
    "person.groups": "groups",
    "person.visibility": "visibility",
    "person.id": "person_id",
    "event.participants": "person_id",
    "citation.source_id": "source_id",
}
ARREST_PREFIXES = {
    "event": "event",
    "custody_period": "custody",
    "charge": "charge",
    "source": "source",
    "citation": "citation",
}


@dataclass(frozen=True)
class Match:
    """A person the arrest form offers to pick."""

    id: str
    name: str
    other_names: list[str]
    groups: list[str]


def _fresh_ids() -> dict[str, str]:
    return {f"id_{name}": new_ulid() for name in ARREST_IDS}


def _arrest_raw(form: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {name: str(form.get(name, default)) for name, default in ARREST_DEFAULTS.items()}
    raw["groups"] = [str(g) for g in form.getlist("groups")]
    for name in ARREST_IDS:
        raw[f"id_{name}"] = form_id(form, f"id_{name}")
    return raw


def arrest_input(field: str) -> str:
    """The arrest form's input for a ValidationError's `kind.field[.sub]`."""
    kind, _, rest = field.partition(".")
    top = f"{kind}.{rest.split('.')[0]}"
    if top in ARREST_INPUTS:
        return ARREST_INPUTS[top]
    if top.endswith(".person_id"):
        return "person_id"
    return f"{ARREST_PREFIXES[kind]}_{top.partition('.')[2]}" if kind in ARREST_PREFIXES else ""


def arrest_records(request: Request, raw: Mapping[str, Any]) -> tuple[str, list[Record]]:
    """The person's id and the records one arrest form makes: ValidationError naming the field if refused."""
    ids = {name: str(raw[f"id_{name}"]) for name in ARREST_IDS}
    visibility = raw["visibility"]
    check_visibility(request, "person.visibility", visibility)
    records: list[Record] = []
    person_id = str(raw["person_id"])
    wanted: list[tuple[str, str, str]] = []
    if person_id:
        wanted.append(("person.id", "person", person_id))
    else:
        names = [
            PersonName(
                value=value,
                script=ff.bounded_text(raw, f"script_{i}", "person.names.script") or guess_script(value),
                kind=kind,
            )
            for i, kind in enumerate(("native", "transliteration"))
            if (value := ff.bounded_text(raw, f"name_{i}", "person.names.value"))
        ]
        person = Person(id=ids["person"], names=names, groups=list(raw["groups"]), visibility=visibility)
        records.append(person)
        person_id = person.id
    day = ff.bounded_text(raw, "event_date", "event.date")
    if not day:
        raise ValidationError("event.date", "", f"give the date of the arrest; {DATE_FORMS}")
    organisation = ff.bounded_text(raw, "event_organisation_id", "event.organisation_id") or None
    event = Event(
        id=ids["event"],
        type="arrest",
        date=PartialDate.parse(day, "event.date"),
        place=ff.bounded_text(raw, "event_place", "event.place"),
        organisation_id=organisation,
        participants=[Participant(person_id=person_id, role="victim")],
        visibility=visibility,
    )
    facility = ff.bounded_text(raw, "custody_facility_id", "custody_period.facility_id") or None
    custody = CustodyPeriod(
        id=ids["custody"],
        person_id=person_id,
        kind=ff.bounded_text(raw, "custody_kind", "custody_period.kind"),
        start=PartialDate.parse(
            ff.bounded_text(raw, "custody_start", "custody_period.start") or day, "custody_period.start"
        ),
        facility_id=facility,
        place=ff.bounded_text(raw, "custody_place", "custody_period.place"),
        visibility=visibility,
    )
    facts: list[Record] = [event, custody]
    article, label = (
        ff.bounded_text(raw, "charge_article", "charge.article"),
        ff.bounded_text(raw, "charge_label", "charge.label"),
    )
    if article or label:  # the charge may not be known yet
        code = ff.bounded_text(raw, "charge_code", "charge.code") or "CC"
        facts.append(
            Charge(
                id=ids["charge"],
                person_id=person_id,
                code=code,
                article=article,
                label=label,
                visibility=visibility,
            )
        )
    source_id = ff.bounded_text(raw, "source_id", "citation.source_id")
    if source_id:
        wanted.append(("citation.source_id", "source", source_id))
    else:
        source = Source(
            id=ids["source"],
            title=ff.bounded_text(raw, "source_title", "source.title"),
            kind=ff.bounded_text(raw, "source_kind", "source.kind"),
            publisher=ff.bounded_text(raw, "source_publisher", "source.publisher"),
            url=ff.bounded_text(raw, "source_url", "source.url"),
            published=PartialDate.parse(
                ff.bounded_text(raw, "source_published", "source.published"), "source.published"
            ),
            reliability=ff.bounded_text(raw, "source_reliability", "source.reliability"),
            credibility=ff.bounded_text(raw, "source_credibility", "source.credibility"),
        )
        records.append(source)
        source_id = source.id
    locator = ff.bounded_text(raw, "citation_locator", "citation.locator")
    quote = ff.bounded_text(raw, "citation_quote", "citation.quote", ff.MAX_LONG_TEXT)
    citations = [
        Citation(
            id=ids[f"cite_{name}"],
            source_id=source_id,
            target_kind=fact.KIND,
            target_id=fact.id,
            locator=locator,
            quote=quote,
        )
        for name, fact in zip(("event", "custody", "charge"), facts, strict=False)
    ]
    if organisation:
        wanted.append(("event.organisation_id", "organisation", organisation))
    if facility:
        wanted.append(("custody_period.facility_id", "organisation", facility))
    refuse_unseen(request, wanted)
    return person_id, [*records, *facts, *citations]


def _already_saved(request: Request, raw: Mapping[str, Any]) -> str | None:
    """The person's page if this very form was saved before (a double click, back and resubmit)."""
    custody = saved_before(request, "custody_period", str(raw["id_custody"]))
    return PAGES["person"].format(custody.person_id) if isinstance(custody, CustodyPeriod) else None


def _arrest(request: Request, form: Any) -> Response:
    raw = _arrest_raw(form)
    if form.get("action") == "find":
        return arrest_page(request, raw)
    try:
        done = _already_saved(request, raw)
        if done:
            return RedirectResponse(done, status_code=303)
        person_id, records = arrest_records(request, raw)
        service(request).create(*records)
    except ValidationError as refused:
        return arrest_page(request, raw, ff.FormError.of(refused), status_code=422)
    except Exception:
        # Two submissions of one form at once: the second fails on the ids the first wrote.
        done = _already_saved(request, raw)
        if done:
            return RedirectResponse(done, status_code=303)
        raise
    return RedirectResponse(PAGES["person"].format(person_id), status_code=303)


def _matches(request: Request, text: str, selected: str) -> list[Match]:
    """People any of whose names match `text`, and the one already picked."""
    web = request.app.state.web
    visible = caller(request).visible
    found: list[Match] = []
    with web.store.reading() as conn:
        if text.strip():
            rows = queries.search_people(conn, text.strip(), 20, 0, visible=visible)
            found = [Match(r.id, r.name, r.other_names, r.groups) for r in rows]
        if (
            selected
            and selected not in {m.id for m in found}
            and queries.visible_ids(conn, "person", [selected], visible=visible)
        ):
            for person in web.store.get_many("person", [selected], conn):
                assert isinstance(person, Person)
                values = [n.value for n in person.names]
                found.insert(0, Match(person.id, values[0] if values else "", values[1:], person.groups))
    return found


def arrest_page(
    request: Request, raw: Mapping[str, Any], error: ff.FormError | None = None, status_code: int = 200
) -> Response:
    choices = ff.Choices(request)
    organisations = ff.ref_choices(request, "organisation")
    return render(
        request,
        "arrest.html",
        status_code=status_code,
        raw=raw,
        error=error,
        error_input=arrest_input(error.field) if error else "",
        matches=_matches(request, str(raw["person_q"]), str(raw["person_id"])),
        selected=raw["person_id"],
        searched=bool(str(raw["person_q"]).strip()),
        ids={name: raw[f"id_{name}"] for name in ARREST_IDS},
        date_forms=DATE_FORMS,
        options={
            "visibility": choices.of(ff.FieldSpec("visibility", "select"), raw["visibility"]),
            "script": [("", choices.gettext("from the letters")), *choices.terms("name_script")],
            "groups": choices.terms("group"),
            "custody_kind": choices.terms("custody_kind"),
            "organisation": None if organisations is None else [("", "—"), *organisations],
            "facility": None if organisations is None else [("", "—"), *_facilities(request, organisations)],
            "source": _source_options(request),
            "source_kind": choices.terms("source_kind"),
            "reliability": choices.terms("reliability"),
            "credibility": choices.terms("credibility"),
        },
    )


def _facilities(request: Request, organisations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The places of detention among `organisations` (all of them if none is one)."""
    web = request.app.state.web

    def load() -> list[tuple[str, str]]:
        records = web.store.get_many("organisation", [org_id for org_id, _ in organisations])
        kept = {r.id for r in records if getattr(r, "kind", "") == "detention_facility"}
        return [(org_id, label) for org_id, label in organisations if org_id in kept] or organisations

    found: list[tuple[str, str]] = web.memo(("facilities", caller(request).visible), load)
    return found


def _source_options(request: Request) -> list[tuple[str, str]] | None:
    sources = ff.ref_choices(request, "source")
    if sources is None:
        return None
    return [("", i18n.gettext_for(language_of(request))("— a new source, described below —")), *sources]


# -- routes ----------------------------------------------------------------------------------


@routes.get("/new/arrest", "create")
def arrest_form(request: Request, person_id: Search = "") -> Response:
    raw = {**ARREST_DEFAULTS, "groups": [], "person_id": person_id, **_fresh_ids()}
    return arrest_page(request, raw)


@routes.post("/new/arrest", "create")
async def arrest(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_arrest, request, form)


@routes.get("/new/arrest/people", "create")
def arrest_people(request: Request, person_q: Search = "") -> Response:
    """The people matching a spelling, as radio buttons for the arrest form (fetched by htmx)."""
    return render(
        request,
        "forms/_people_matches.html",
        matches=_matches(request, person_q, ""),
        selected="",
        searched=bool(person_q.strip()),
    )
