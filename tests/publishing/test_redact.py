"""The redaction gate: what each audience may see of each kind of record, on every storage backend."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Assessment,
    Case,
    Charge,
    Citation,
    CustodyPeriod,
    Event,
    Intervention,
    Participant,
    Person,
    PersonName,
    Relationship,
    Source,
)
from habeas.errors import ValidationError
from habeas.publishing.redact import Gate, audience_visibility, redact
from habeas.service import Service
from habeas.storage.store import Store

DAY = PartialDate.parse("2024-04-29")


def _person(name: str, visibility: str = "public", consent: bool = True, **fields: object) -> Person:
    return Person(names=[PersonName(value=name)], visibility=visibility, consent_to_publish=consent, **fields)  # type: ignore[arg-type]


@dataclass
class World:
    named: Person
    unnamed: Person
    relative: Person
    restricted: Person
    ids: dict[str, str]


@pytest.fixture
def world(store: Store) -> World:
    service = Service(store, "tester")
    named, unnamed, relative, restricted = service.create(
        _person(
            "Named Person",
            notes="team notes",
            birth_place="Lankaran",
            birth_date=PartialDate.parse("1987-03-19"),
            clarifications={"sex": "from the court file"},
        ),
        _person("Unnamed Person", consent=False),
        _person("Relative Person", groups=["relative_of_critic"]),
        _person("Restricted Person", visibility="restricted"),
    )
    news, interview = service.create(
        Source(title="News", visibility="public", text="full text", author="a reporter"),
        Source(title="Interview", kind="interview", visibility="public"),
    )
    records = service.create(
        CustodyPeriod(person_id=named.id, kind="pre_trial_detention", start=DAY, visibility="public"),
        CustodyPeriod(person_id=unnamed.id, kind="pre_trial_detention", start=DAY, visibility="public"),
        Charge(person_id=unnamed.id, article="233", visibility="public"),
        Event(
            type="arrest",
            date=DAY,
            participants=[
                Participant(person_id=named.id),
                Participant(person_id=relative.id, role="witness"),
            ],
            visibility="public",
        ),
        Event(type="arrest", date=DAY, participants=[Participant(person_id=unnamed.id)], visibility="public"),
        Relationship(person_id=named.id, other_person_id=relative.id, type="spouse", visibility="public"),
        Intervention(
            kind="prison_visit_request", person_id=unnamed.id, actor="Monitors", visibility="public"
        ),
        Assessment(
            person_id=named.id, conclusion="political_prisoner", decided_by="amina", visibility="public"
        ),
        Citation(
            source_id=news.id, target_kind="person", target_id=named.id, note="ask X", visibility="public"
        ),
        Citation(source_id=interview.id, target_kind="person", target_id=named.id, visibility="public"),
        Citation(source_id=news.id, target_kind="person", target_id=unnamed.id, visibility="public"),
    )
    keys = (
        "custody",
        "unnamed_custody",
        "unnamed_charge",
        "arrest",
        "unnamed_arrest",
        "relationship",
        "unnamed_intervention",
        "assessment",
        "citation",
        "interview_citation",
        "unnamed_citation",
    )
    ids = dict(zip(keys, (r.id for r in records), strict=True)) | {"news": news.id, "interview": interview.id}
    return World(named, unnamed, relative, restricted, ids)


def _seen(store: Store, audience: str, kind: str) -> dict[str, object]:
    with store.reading() as conn:
        return {r.id: r for r in Gate(conn, audience).records(store, kind)}


def test_the_public_sees_only_people_who_may_be_named(store: Store, world: World) -> None:
    assert set(_seen(store, "public", "person")) == {world.named.id}
    restricted = set(_seen(store, "restricted", "person"))
    assert restricted == {world.named.id, world.unnamed.id, world.relative.id, world.restricted.id}


def test_records_about_a_withheld_person_stay_in(store: Store, world: World) -> None:
    ids = world.ids
    assert set(_seen(store, "public", "custody_period")) == {ids["custody"]}
    assert _seen(store, "public", "charge") == {}
    assert set(_seen(store, "public", "event")) == {ids["arrest"]}  # the other arrest's victim is withheld
    assert _seen(store, "public", "intervention") == {}
    assert set(_seen(store, "restricted", "intervention")) == {ids["unnamed_intervention"]}


def test_relationships_interviews_and_witnesses_never_reach_the_public(store: Store, world: World) -> None:
    ids = world.ids
    assert _seen(store, "public", "relationship") == {}
    assert set(_seen(store, "public", "source")) == {ids["news"]}
    assert set(_seen(store, "public", "citation")) == {ids["citation"]}
    arrest = _seen(store, "public", "event")[ids["arrest"]]
    assert isinstance(arrest, Event) and [p.person_id for p in arrest.participants] == [world.named.id]
    team = _seen(store, "restricted", "event")[ids["arrest"]]
    assert isinstance(team, Event) and len(team.participants) == 2
    assert ids["relationship"] in _seen(store, "confidential", "relationship")


def test_fields_below_the_audience_are_emptied(store: Store, world: World) -> None:
    person = _seen(store, "public", "person")[world.named.id]
    assert isinstance(person, Person)
    assert (person.notes, person.birth_place, person.clarifications) == ("", "", {})
    assert person.birth_date.text == "1987"  # the year only
    source = _seen(store, "public", "source")[world.ids["news"]]
    assert isinstance(source, Source) and (source.text, source.author) == ("", "")
    assessment = _seen(store, "public", "assessment")[world.ids["assessment"]]
    assert isinstance(assessment, Assessment) and assessment.decided_by == ""
    citation = _seen(store, "public", "citation")[world.ids["citation"]]
    assert isinstance(citation, Citation) and citation.note == ""

    team = _seen(store, "restricted", "person")[world.named.id]
    assert isinstance(team, Person)
    assert (team.notes, team.birth_place, team.birth_date.text) == ("team notes", "Lankaran", "1987-03-19")


def test_redact_screens_records_already_read(store: Store, world: World) -> None:
    people = store.get_many("person", [world.named.id, world.unnamed.id, world.restricted.id])
    with store.reading() as conn:
        public = redact(conn, people, "public")
        confidential = redact(conn, people, "confidential")
    assert [p.id for p in public] == [world.named.id]
    assert len(confidential) == 3


def test_retracted_records_leave_for_nobody(store: Store, world: World) -> None:
    Service(store, "tester").retract("person", world.named.id)
    assert world.named.id not in _seen(store, "confidential", "person")
    assert _seen(store, "public", "custody_period") == {}


def test_an_unknown_audience_is_refused() -> None:
    with pytest.raises(ValidationError, match="--audience"):
        audience_visibility("everyone")


def test_text_naming_hidden_people_and_what_depends_on_them(store: Store, world: World) -> None:
    service = Service(store, "tester")
    news = world.ids["news"]
    case, shared_case, uncited, arrest = service.create(
        Case(title="Case of Restricted Person", person_ids=[world.named.id], visibility="public"),
        Case(title="Group case", person_ids=[world.named.id, world.restricted.id], visibility="public"),
        Source(title="Never cited", visibility="public"),
        Event(
            type="arrest",
            date=DAY,
            participants=[Participant(person_id=world.restricted.id)],
            visibility="public",
        ),
    )
    field_cite, name_cite = service.create(
        Citation(
            source_id=news,
            target_kind="person",
            target_id=world.named.id,
            target_field="birth_place",
            quote="q",
        ),
        Citation(
            source_id=news, target_kind="person", target_id=world.named.id, target_field="names", quote="q"
        ),
    )
    service.update("citation", field_cite.id, visibility="public")
    service.update("citation", name_cite.id, visibility="public")

    cases = _seen(store, "public", "case")
    assert set(cases) == {case.id}  # a case with a hidden person is withheld
    shown_case = cases[case.id]
    assert isinstance(shown_case, Case) and shown_case.title == "Case of [name withheld]"
    assert uncited.id not in _seen(store, "public", "source")  # no published citation ties it to anything
    assert arrest.id not in _seen(store, "public", "event")  # its victim is not public
    citations = _seen(store, "public", "citation")
    assert name_cite.id in citations and field_cite.id not in citations
    team = _seen(store, "restricted", "case")
    assert {case.id, shared_case.id} <= set(team) and team[case.id].title == "Case of Restricted Person"  # type: ignore[attr-defined]
