"""The records habeas keeps, as plain dataclasses (no I/O).

Every record has a stable ULID `id`, a `visibility` and optional
`clarifications` (a short note per coded field saying why that code was
chosen). Fields that take a controlled-vocabulary code say which vocabulary
in their metadata; `habeas.domain.validation` checks them.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar

from habeas.domain.dates import PartialDate

_FIELDS: dict[type[Any], tuple[Field[Any], ...]] = {}


def fields_of(cls: type[Any]) -> tuple[Field[Any], ...]:
    """`dataclasses.fields(cls)`, cached: it shows in bulk writes, and classes never change."""
    if cls not in _FIELDS:
        _FIELDS[cls] = fields(cls)
    return _FIELDS[cls]


def vocab(name: str, default: Any = "", **kwargs: Any) -> Any:
    """A dataclass field whose value (or each item of it) is a code of vocabulary `name`."""
    if isinstance(default, list):
        return field(default_factory=list, metadata={"vocab": name, **kwargs})
    return field(default=default, metadata={"vocab": name, **kwargs})


def required(default: Any = "") -> Any:
    """A text field that must not be empty."""
    return field(default=default, metadata={"required": True})


def ref(kind: str, *, is_required: bool = False) -> Any:
    """A field holding the id of a record of `kind`."""
    return field(default=None, metadata={"ref": kind, "required": is_required})


def unknown_date() -> Any:
    return field(default_factory=PartialDate.unknown)


@dataclass(kw_only=True)
class Record:
    """Fields every record shares; `version` and the timestamps are set by the service layer."""

    KIND: ClassVar[str] = ""
    id: str = ""
    visibility: str = vocab("visibility", "restricted")
    clarifications: dict[str, str] = field(default_factory=dict)
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    retracted: bool = False


@dataclass(kw_only=True)
class PersonName:
    """One spelling of a person's name: `Anar Məmmədli` (Latn, az, native) or `Анар Мамедли` (Cyrl, ru)."""

    value: str = required()
    script: str = vocab("name_script", "Latn")
    language: str = ""
    kind: str = vocab("name_kind", "native")


@dataclass(kw_only=True)
class Person(Record):
    KIND: ClassVar[str] = "person"
    names: list[PersonName] = field(default_factory=list, metadata={"required": True})
    sex: str = vocab("sex", "unknown")
    birth_date: PartialDate = unknown_date()
    birth_place: str = ""
    citizenship: str = ""
    occupation: str = ""
    groups: list[str] = vocab("group", [])
    consent_to_publish: bool = False
    notes: str = ""

    @property
    def display_name(self) -> str:
        """The first name given is the one shown in lists and reports."""
        return self.names[0].value if self.names else ""


@dataclass(kw_only=True)
class StatusChange:
    """An organisation's status from a (partial) date on: closed, liquidated by court, in exile…"""

    status: str = vocab("organisation_status", "active")
    since: PartialDate = unknown_date()
    note: str = ""


@dataclass(kw_only=True)
class Organisation(Record):
    KIND: ClassVar[str] = "organisation"
    name: str = required()
    kind: str = vocab("organisation_kind", "other")
    place: str = ""
    statuses: list[StatusChange] = field(default_factory=list)
    notes: str = ""


@dataclass(kw_only=True)
class Affiliation(Record):
    KIND: ClassVar[str] = "affiliation"
    person_id: str = ref("person", is_required=True)
    organisation_id: str = ref("organisation", is_required=True)
    role: str = ""
    start: PartialDate = unknown_date()
    end: PartialDate | None = None


@dataclass(kw_only=True)
class Relationship(Record):
    """A typed link between two people; reprisals against relatives are reached through it."""

    KIND: ClassVar[str] = "relationship"
    visibility: str = vocab("visibility", "confidential")
    person_id: str = ref("person", is_required=True)
    other_person_id: str = ref("person", is_required=True)
    type: str = vocab("relationship_type", "relative")
    start: PartialDate = unknown_date()
    end: PartialDate | None = None


@dataclass(kw_only=True)
class Case(Record):
    """A prosecution or a group of linked prosecutions ("Abzas Media case")."""

    KIND: ClassVar[str] = "case"
    title: str = required()
    summary: str = ""
    person_ids: list[str] = field(default_factory=list, metadata={"ref": "person"})


@dataclass(kw_only=True)
class Charge(Record):
    """A charge under a legal code and article, e.g. code `CC`, article `206.3.2`."""

    KIND: ClassVar[str] = "charge"
    person_id: str = ref("person", is_required=True)
    case_id: str | None = ref("case")
    code: str = "CC"
    article: str = required()
    label: str = ""
    brought: PartialDate = unknown_date()
    status: str = vocab("charge_status", "pending")
    sentence: str = ""
    sentence_months: int | None = None

    @property
    def reference(self) -> str:
        return f"{self.code} {self.article}"


@dataclass(kw_only=True)
class CustodyPeriod(Record):
    """A span during which a person's liberty is restricted; `end` None means still ongoing."""

    KIND: ClassVar[str] = "custody_period"
    person_id: str = ref("person", is_required=True)
    kind: str = vocab("custody_kind", "", required=True)
    start: PartialDate = unknown_date()
    end: PartialDate | None = None
    authorised_until: date | None = None
    facility_id: str | None = ref("organisation")
    case_id: str | None = ref("case")
    place: str = ""


@dataclass(kw_only=True)
class Participant:
    """A person's part in an event: victim, judge, lawyer, monitor…"""

    person_id: str = ref("person", is_required=True)
    role: str = vocab("participant_role", "victim")


@dataclass(kw_only=True)
class Event(Record):
    """Something that happened on a partial date; a hearing when its type is a hearing type."""

    KIND: ClassVar[str] = "event"
    type: str = vocab("event_type", "", required=True)
    date: PartialDate = unknown_date()
    scheduled_at: datetime | None = None  # local time at the court, for hearings
    place: str = ""
    organisation_id: str | None = ref("organisation")
    case_id: str | None = ref("case")
    participants: list[Participant] = field(default_factory=list)
    outcome: str = ""
    monitoring_outcome: str = vocab("monitoring_outcome", "")
    summary: str = ""


@dataclass(kw_only=True)
class Intervention(Record):
    """Something done on a person's behalf (a visit request, an appeal) and the response to it."""

    KIND: ClassVar[str] = "intervention"
    kind: str = vocab("intervention_kind", "", required=True)
    person_id: str | None = ref("person")
    event_id: str | None = ref("event")
    actor: str = required()
    target: str = ""
    date: PartialDate = unknown_date()
    request: str = ""
    response: str = vocab("intervention_response", "pending")
    outcome: str = ""


@dataclass(kw_only=True)
class Assessment(Record):
    """Whether a person is a political prisoner under the PACE Resolution 1900 (2012) criteria."""

    KIND: ClassVar[str] = "assessment"
    person_id: str = ref("person", is_required=True)
    criteria: list[str] = vocab("pace_criterion", [])
    conclusion: str = vocab("assessment_conclusion", "under_review")
    decided_by: str = ""
    decided_on: PartialDate = unknown_date()
    rationale: str = ""


@dataclass(kw_only=True)
class Source(Record):
    KIND: ClassVar[str] = "source"
    visibility: str = vocab("visibility", "confidential")
    title: str = required()
    kind: str = vocab("source_kind", "other")
    publisher: str = ""
    author: str = ""
    published: PartialDate = unknown_date()
    url: str = ""
    language: str = ""
    reliability: str = vocab("reliability", "F")
    credibility: str = vocab("credibility", "6")
    text: str = ""


@dataclass(kw_only=True)
class Citation(Record):
    """Ties a source to one fact (a record, or one field of it) with a locator and a quoted span."""

    KIND: ClassVar[str] = "citation"
    visibility: str = vocab("visibility", "confidential")
    source_id: str = ref("source", is_required=True)
    target_kind: str = required()
    target_id: str = required()
    target_field: str = ""
    locator: str = ""
    quote: str = ""
    note: str = ""


@dataclass(kw_only=True)
class ContextPeriod(Record):
    """A major event or election (COP29, 2024-11-11..2024-11-22) for analysis around it."""

    KIND: ClassVar[str] = "context_period"
    visibility: str = vocab("visibility", "public")
    name: str = required()
    start: PartialDate = unknown_date()
    end: PartialDate | None = None
    description: str = ""


RECORD_TYPES: dict[str, type[Record]] = {
    cls.KIND: cls
    for cls in (
        Person,
        Organisation,
        Affiliation,
        Relationship,
        Case,
        Charge,
        CustodyPeriod,
        Event,
        Intervention,
        Assessment,
        Source,
        Citation,
        ContextPeriod,
    )
}
# Kinds a citation may point at: every record but a citation itself.
CITABLE_KINDS = frozenset(RECORD_TYPES) - {"citation"}
