"""The record dataclasses: their registry, defaults and field metadata agree with the vocabularies."""

from __future__ import annotations

import dataclasses

import pytest

from habeas.domain.records import (
    CITABLE_KINDS,
    RECORD_TYPES,
    Charge,
    CustodyPeriod,
    Person,
    PersonName,
    Record,
)
from habeas.domain.vocabulary import DEFAULT_CONFIDENTIAL_KINDS, VOCABULARIES


def test_the_registry_is_keyed_by_each_kind() -> None:
    assert all(cls.KIND == kind for kind, cls in RECORD_TYPES.items())
    assert CITABLE_KINDS == set(RECORD_TYPES) - {"citation"}


def test_kinds_confidential_by_default_are_those_the_vocabulary_names() -> None:
    confidential = {kind for kind, cls in RECORD_TYPES.items() if cls().visibility == "confidential"}
    assert confidential == DEFAULT_CONFIDENTIAL_KINDS


@pytest.mark.parametrize("cls", RECORD_TYPES.values(), ids=list(RECORD_TYPES))
def test_every_coded_field_names_a_vocabulary_and_defaults_to_one_of_its_codes(cls: type[Record]) -> None:
    record = cls()
    for f in dataclasses.fields(record):
        name = f.metadata.get("vocab")
        if not name:
            continue
        assert name in VOCABULARIES, f"{cls.KIND}.{f.name}"
        value = getattr(record, f.name)
        for code in value if isinstance(value, list) else [value]:
            assert code == "" or code in VOCABULARIES[name], f"{cls.KIND}.{f.name}"


def test_display_name_is_the_first_name_given() -> None:
    person = Person(
        names=[PersonName(value="Anar Məmmədli"), PersonName(value="Анар Мамедли", script="Cyrl")]
    )
    assert person.display_name == "Anar Məmmədli"
    assert Person().display_name == ""


def test_charge_reference() -> None:
    assert Charge(code="CC", article="206.3.2").reference == "CC 206.3.2"


def test_list_defaults_are_not_shared_between_records() -> None:
    first, second = Person(), Person()
    first.groups.append("journalist")
    assert second.groups == []


def test_an_open_custody_period_has_no_end_and_an_unknown_start() -> None:
    period = CustodyPeriod()
    assert period.end is None
    assert period.start.is_unknown
