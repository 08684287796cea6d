"""A person's page of the public site, in one language: names, status, custody, charges, assessments
and a dated timeline, every line footnoted to the public sources behind it.

Footnotes are numbered in the order the page first cites them; one source cited twice at the same
place (the same locator and quote) keeps its number. A source's address becomes a link only when it
is an http(s) address, so that a stored `javascript:` or `file:` text can never be followed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from habeas.domain.dates import PartialDate
from habeas.domain.records import Charge, Event, Intervention, Person, Source
from habeas.editions import Member
from habeas.i18n import Gettext, gettext_for, pick_name, term_label
from habeas.publishing.dataset import PublicData

__all__ = ["Footnotes", "Line", "Note", "PeopleIndex", "person_page", "when"]

# A page's file is named after the person's id: habeas makes ULIDs, but an imported id could hold
# anything, and one that is not a plain name ("../x") gets no page rather than a file elsewhere.
_SAFE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")
# On one day an arrest comes before the custody it starts, and custody before the charges.
_TIMELINE_ORDER = {"event": 0, "custody_period": 1, "charge": 2, "intervention": 3, "assessment": 4}


def when(value: PartialDate | None) -> str:
    """A partial date as the site shows it: its EDTF text, or '?' when nothing is known."""
    return "?" if value is None or value.is_unknown else value.text


@dataclass(frozen=True)
class Note:
    """One footnote: the source, where in it, and the passage quoted."""

    number: int
    source: Source
    locator: str
    quote: str

    @property
    def link(self) -> str:
        """The source's address when it is safe to follow (http or https), else empty."""
        url = self.source.url.strip()
        return url if url.lower().startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class Line:
    """A dated line, or a table row, with the numbers of its footnotes."""

    when: str
    text: str
    notes: tuple[int, ...] = ()
    cells: tuple[str, ...] = ()
    sort: tuple[Any, ...] = field(default=(), compare=False)


class Footnotes:
    """The sources one page cites, numbered as first cited."""

    def __init__(self, data: PublicData) -> None:
        self.data = data
        self.notes: list[Note] = []
        self._numbers: dict[tuple[str, str, str], int] = {}

    def cite(self, kind: str, record_id: str) -> tuple[int, ...]:
        """The footnote numbers of a record's public sources, numbering any not cited before."""
        numbers: list[int] = []
        for citation, source in self.data.sources_of(kind, record_id):
            key = (source.id, citation.locator, citation.quote)
            if key not in self._numbers:
                self._numbers[key] = len(self.notes) + 1
                self.notes.append(Note(len(self.notes) + 1, source, citation.locator, citation.quote))
            if self._numbers[key] not in numbers:
                numbers.append(self._numbers[key])
        return tuple(numbers)


@dataclass
class PeopleIndex:
    """What the person pages look up, built once for every language: who gets a page, each one's
    place on the list, the events they took part in (with their role), interventions for them."""

    pages: set[str]
    members: dict[str, Member]
    events: dict[str, list[tuple[Event, str]]]
    interventions: dict[str, list[Intervention]]

    @classmethod
    def build(cls, data: PublicData) -> PeopleIndex:
        """Pages for the named members, and for the people the edition history names (ids that are
        plain names only)."""
        members = {m.person_id: m for m in data.listing.members}
        named = {c.person_id for h in data.history for c in (*h.added, *h.left, *h.recategorised)}
        events: dict[str, list[tuple[Event, str]]] = defaultdict(list)
        for event in data.events:
            seen: set[str] = set()
            for participant in event.participants:
                if participant.person_id not in seen:
                    seen.add(participant.person_id)
                    events[participant.person_id].append((event, participant.role))
        interventions: dict[str, list[Intervention]] = defaultdict(list)
        for intervention in data.interventions:
            if intervention.person_id:
                interventions[intervention.person_id].append(intervention)
        pages = {pid for pid in (*members, *named) if pid in data.people and _SAFE_ID.fullmatch(pid)}
        return cls(pages, members, dict(events), dict(interventions))


def person_page(data: PublicData, index: PeopleIndex, person_id: str, lang: str) -> dict[str, Any]:
    """The context of `people/<person_id>.html` in `lang`."""
    _ = gettext_for(lang)
    person = data.people[person_id]
    notes = Footnotes(data)
    member = index.members.get(person_id)
    return {
        "person": person,
        "title": pick_name([n.value for n in person.names], lang),
        "names": [(n, _tag(n.language)) for n in person.names],
        "name_notes": notes.cite("person", person.id),
        "birth_year": person.birth_date.earliest.year if person.birth_date.earliest else None,
        "category": term_label("group", member.category, lang) if member else "",
        "status": _status(data, person, _, lang),
        "custody": _custody(data, person, notes, lang),
        "charges": _charges(data, person, notes, lang),
        "assessments": _assessments(data, person, notes, lang),
        "timeline": _timeline(data, index, person, notes, _, lang),
        "notes": notes.notes,
    }


def _tag(language: str) -> str:
    """A name's language as an HTML lang attribute, or empty when it is not a plain language tag."""
    return language if _LANGUAGE_TAG.fullmatch(language) else ""


def _status(data: PublicData, person: Person, _: Gettext, lang: str) -> str:
    on = data.listing.on_date.isoformat()
    period = data.custody_on(person.id, data.listing.on_date)
    if period is None:
        return _("Not held on %(date)s, as far as the public records show.") % {"date": on}
    values = {
        "date": on,
        "kind": term_label("custody_kind", period.kind, lang),
        "since": when(period.start),
        "place": data.facility_name(period),
    }
    if values["place"]:
        return _("On %(date)s: %(kind)s since %(since)s, at %(place)s.") % values
    return _("On %(date)s: %(kind)s since %(since)s.") % values


def _custody(data: PublicData, person: Person, notes: Footnotes, lang: str) -> list[Line]:
    ongoing = gettext_for(lang)("ongoing")
    return [
        Line(
            when(p.start),
            term_label("custody_kind", p.kind, lang),
            notes.cite("custody_period", p.id),
            (when(p.end) if p.end is not None else ongoing, data.facility_name(p)),
        )
        for p in data.custody.get(person.id, [])
    ]


def _charges(data: PublicData, person: Person, notes: Footnotes, lang: str) -> list[Line]:
    return [
        Line(
            when(c.brought),
            c.reference,
            notes.cite("charge", c.id),
            (c.label, term_label("charge_status", c.status, lang), c.sentence, _case(data, c.case_id)),
        )
        for c in data.charges.get(person.id, [])
    ]


def _case(data: PublicData, case_id: str | None) -> str:
    case = data.cases.get(case_id or "")
    return case.title if case else ""


def _assessments(data: PublicData, person: Person, notes: Footnotes, lang: str) -> list[Line]:
    return [
        Line(
            when(a.decided_on),
            term_label("assessment_conclusion", a.conclusion, lang),
            notes.cite("assessment", a.id),
            (a.rationale, *(term_label("pace_criterion", c, lang) for c in a.criteria)),
        )
        for a in data.assessments.get(person.id, [])
    ]


def _timeline(
    data: PublicData, index: PeopleIndex, person: Person, notes: Footnotes, _: Gettext, lang: str
) -> list[Line]:
    """Every dated public fact about the person, oldest first, each with its footnotes."""
    lines: list[Line] = []

    def add(date: PartialDate, kind: str, record_id: str, text: str, step: int = 0) -> None:
        sort = (date.sort_key(), _TIMELINE_ORDER[kind], record_id, step)
        lines.append(Line(when(date), text, notes.cite(kind, record_id), sort=sort))

    def term(vocabulary_name: str, code: str) -> str:
        return term_label(vocabulary_name, code, lang)

    for p in data.custody.get(person.id, []):
        kind, place = term("custody_kind", p.kind), data.facility_name(p)
        begins = _("%(kind)s begins at %(place)s") if place else _("%(kind)s begins")
        add(p.start, "custody_period", p.id, begins % {"kind": kind, "place": place})
        if p.end is not None:
            add(p.end, "custody_period", p.id, _("%(kind)s ends") % {"kind": kind}, 1)
    for c in data.charges.get(person.id, []):
        add(c.brought, "charge", c.id, _charge_text(c, _, lang))
    for event, role in index.events.get(person.id, []):
        add(event.date, "event", event.id, _event_text(data, event, role, _, lang))
    for i in index.interventions.get(person.id, []):
        values = {
            "kind": term("intervention_kind", i.kind),
            "actor": i.actor,
            "response": term("intervention_response", i.response),
        }
        add(i.date, "intervention", i.id, _("%(kind)s by %(actor)s: %(response)s") % values)
    for a in data.assessments.get(person.id, []):
        conclusion = term("assessment_conclusion", a.conclusion)
        add(a.decided_on, "assessment", a.id, _("assessed: %(conclusion)s") % {"conclusion": conclusion})
    return sorted(lines, key=lambda line: line.sort)


def _charge_text(charge: Charge, _: Gettext, lang: str) -> str:
    reference = charge.reference + (f" ({charge.label})" if charge.label else "")
    status = term_label("charge_status", charge.status, lang)
    text = _("charge %(reference)s: %(status)s") % {"reference": reference, "status": status}
    if charge.sentence:
        text += "; " + _("sentence %(sentence)s") % {"sentence": charge.sentence}
    return text


def _event_text(data: PublicData, event: Event, role: str, _: Gettext, lang: str) -> str:
    """An event as a timeline line: its type, where, its outcome, and the person's part if not victim."""
    text = term_label("event_type", event.type, lang)
    organisation = data.organisations.get(event.organisation_id or "")
    details = [d for d in (organisation.name if organisation else event.place, event.outcome) if d]
    if event.monitoring_outcome:
        outcome = term_label("monitoring_outcome", event.monitoring_outcome, lang)
        details.append(_("monitoring: %(outcome)s") % {"outcome": outcome})
    if details:
        text += f" ({'; '.join(details)})"
    if role and role != "victim":
        text = _("%(event)s (as %(role)s)") % {
            "event": text,
            "role": term_label("participant_role", role, lang),
        }
    return text
