"""Validation before writing: each refusal names the field, the value and what is allowed."""

from __future__ import annotations

import pytest

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Case,
    Charge,
    Citation,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Participant,
    Person,
    PersonName,
    Record,
    Relationship,
    Source,
)
from habeas.domain.validation import parse_charge_reference, validate
from habeas.domain.vocabulary import vocabulary
from habeas.errors import InvalidDate, UnknownTerm, ValidationError

P = PartialDate.parse
PERSON = "01JPERSON00000000000000000"
OTHER = "01JOTHER000000000000000000"


def refusal(record: Record) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate(record)
    return caught.value


def test_an_impossible_date_names_the_field_the_value_and_the_forms() -> None:
    with pytest.raises(InvalidDate) as caught:
        P("2024-13-40", field="custody_period.start")
    error = caught.value
    assert (error.field, error.value) == ("custody_period.start", "2024-13-40")
    message = str(error)
    assert message.startswith("custody_period.start: '2024-13-40' is not valid; ")
    assert "there is no month 13; months are 01-12" in message
    assert "use YYYY, YYYY-MM or YYYY-MM-DD" in message


def test_an_unknown_vocabulary_term_lists_the_codes() -> None:
    error = refusal(CustodyPeriod(person_id=PERSON, kind="jail", start=P("2024-05")))
    assert isinstance(error, UnknownTerm)
    assert (error.field, error.value, error.vocabulary) == ("custody_period.kind", "jail", "custody_kind")
    assert str(error) == (
        "custody_period.kind: 'jail' is not valid; use one of the custody_kind codes: "
        + ", ".join(vocabulary("custody_kind").codes())
    )


def test_an_unknown_code_inside_a_list_names_the_list_field() -> None:
    error = refusal(Person(names=[PersonName(value="Anar")], groups=["journalist", "spy"]))
    assert (error.field, error.value) == ("person.groups", "spy")
    assert "human_rights_defender" in error.allowed


def test_an_unknown_code_inside_a_nested_item_names_the_item_field() -> None:
    error = refusal(Person(names=[PersonName(value="Anar", script="Latin")]))
    assert (error.field, error.value) == ("person.names.script", "Latin")
    assert "Latn, Cyrl, Arab" in error.allowed


def test_a_custody_period_ending_before_it_starts_is_refused() -> None:
    error = refusal(
        CustodyPeriod(person_id=PERSON, kind="imprisonment", start=P("2024-05"), end=P("2024-04"))
    )
    assert (error.field, error.value) == ("custody_period.end", "2024-04")
    assert str(error) == (
        "custody_period.end: '2024-04' is not valid; it ends before the start '2024-05'; "
        "give an end on or after the start, or leave it open"
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-05", "2024-05-03"),  # may end within the month it started
        ("2024-05-03", "2024-05-03"),  # a one-day detention
        ("2024", "2024-01"),
        ("XXXX", "2020"),  # an unknown start places no limit
        ("2024-05", "XXXX"),
    ],
)
def test_overlapping_bounds_are_not_an_inverted_period(start: str, end: str) -> None:
    validate(CustodyPeriod(person_id=PERSON, kind="imprisonment", start=P(start), end=P(end)))


@pytest.mark.parametrize(
    "record",
    [
        Relationship(person_id=PERSON, other_person_id=OTHER, start=P("2020"), end=P("2019")),
        ContextPeriod(name="COP29", start=P("2024-11-22"), end=P("2024-11-11")),
    ],
    ids=["relationship", "context_period"],
)
def test_every_record_with_a_start_and_an_end_is_checked(record: Record) -> None:
    assert refusal(record).field == f"{record.KIND}.end"


def test_a_person_without_a_name_is_refused_with_an_example() -> None:
    error = refusal(Person(names=[]))
    assert (error.field, error.value) == ("person.names", [])
    assert str(error) == "person.names: [] is not valid; give at least one name, e.g. --name 'Anar Məmmədli'"


def test_a_custody_period_without_a_kind_lists_the_kinds() -> None:
    error = refusal(CustodyPeriod(person_id=PERSON, start=P("2024-05")))
    assert (error.field, error.value) == ("custody_period.kind", "")
    assert "this field is required" in error.allowed
    assert "use one of the custody_kind codes: administrative_detention, pre_trial_detention" in error.allowed


@pytest.mark.parametrize(
    ("record", "field", "value"),
    [
        (Person(names=[PersonName(value="  ")]), "person.names.value", "  "),
        (CustodyPeriod(kind="imprisonment"), "custody_period.person_id", None),
        (Case(title=""), "case.title", ""),
        (Source(title=""), "source.title", ""),
        (Event(type=""), "event.type", ""),
        (Event(type="arrest", participants=[Participant(person_id="")]), "event.participants.person_id", ""),
        (Charge(person_id=PERSON, article=""), "charge.article", ""),
    ],
)
def test_a_missing_required_field_is_named(record: Record, field: str, value: object) -> None:
    error = refusal(record)
    assert (error.field, error.value) == (field, value)
    assert "this field is required" in str(error)


@pytest.mark.parametrize(
    ("charge", "field", "allowed"),
    [
        (Charge(person_id=PERSON, code="cc", article="206.3.2"), "charge.code", "e.g. CC or CAO"),
        (Charge(person_id=PERSON, article="206,3"), "charge.article", "e.g. 206.3.2 or 193-1.3.1"),
        (
            Charge(person_id=PERSON, article="206.3.2", sentence_months=-1),
            "charge.sentence_months",
            "0 or more",
        ),
    ],
)
def test_charge_checks(charge: Charge, field: str, allowed: str) -> None:
    error = refusal(charge)
    assert error.field == field
    assert allowed in error.allowed


def test_a_citation_must_point_at_a_citable_kind() -> None:
    error = refusal(Citation(source_id=OTHER, target_kind="citation", target_id=PERSON))
    assert (error.field, error.value) == ("citation.target_kind", "citation")
    assert "custody_period" in error.allowed


def test_a_relationship_links_two_different_people() -> None:
    error = refusal(Relationship(person_id=PERSON, other_person_id=PERSON))
    assert error.field == "relationship.other_person_id"


def test_a_date_given_as_text_instead_of_a_partial_date_is_refused() -> None:
    record = CustodyPeriod(person_id=PERSON, kind="imprisonment", start="2024-05")  # type: ignore[arg-type]
    error = refusal(record)
    assert (error.field, error.value) == ("custody_period.start", "2024-05")
    assert "give a partial date" in error.allowed


@pytest.mark.parametrize(
    "record",
    [
        Person(names=[PersonName(value="Anar Məmmədli")], groups=["journalist"], birth_date=P("1975")),
        CustodyPeriod(person_id=PERSON, kind="pre_trial_detention", start=P("2023-11-29")),
        Event(type="trial_hearing", monitoring_outcome=""),  # an optional code may be left empty
        Charge(person_id=PERSON, code="CAO", article="193-1.3.1", sentence_months=0),
        Citation(source_id=OTHER, target_kind="person", target_id=PERSON),
        Relationship(person_id=PERSON, other_person_id=OTHER),
    ],
    ids=lambda r: r.KIND,
)
def test_valid_records_pass(record: Record) -> None:
    validate(record)  # raises ValidationError if anything is wrong


@pytest.mark.parametrize(
    ("text", "expected"),
    [("CC 206.3.2", ("CC", "206.3.2")), ("168.2", ("CC", "168.2")), ("CAO  535.1", ("CAO", "535.1"))],
)
def test_parse_charge_reference(text: str, expected: tuple[str, str]) -> None:
    assert parse_charge_reference(text) == expected


@pytest.mark.parametrize("text", ["", "CC", "cc 206", "CC 206 extra", "CC 2O6"])
def test_parse_charge_reference_refuses_and_names_the_field(text: str) -> None:
    with pytest.raises(ValidationError, match=r"^--charge: .* write the code and the article"):
        parse_charge_reference(text, field="--charge")
