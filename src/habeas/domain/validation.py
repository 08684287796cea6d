"""Checks a record before it is written: vocabulary codes, required fields, date order.

`validate(record)` raises the first `ValidationError` it finds, naming the
field (as `kind.field`), the bad value and what is allowed. Checks that need
the database (does the referenced person exist?) live in the service layer.
"""

from __future__ import annotations

import re
from dataclasses import is_dataclass
from typing import Any

from habeas.domain.dates import PartialDate
from habeas.domain.records import CITABLE_KINDS, Charge, Citation, Person, Record, Relationship, fields_of
from habeas.domain.vocabulary import vocabulary
from habeas.errors import ValidationError

LEGAL_CODE = re.compile(r"^[A-Z]{1,10}$")
# Azerbaijani articles look like 206.3.2, 168.2 or 193-1.3.1 (an inserted article, then its parts).
ARTICLE = re.compile(r"^\d{1,4}(-\d{1,3})?(\.\d{1,3})*$")
DATE_ORDER_PAIRS = (("start", "end"),)


def validate(record: Record) -> None:
    """Raise `ValidationError` for the first problem in `record`; return None when it is valid."""
    if isinstance(record, Person) and not record.names:
        raise ValidationError("person.names", [], "give at least one name, e.g. --name 'Anar Məmmədli'")
    _check_fields(record, record.KIND)
    _check_date_order(record)
    if isinstance(record, Charge):
        _check_charge(record)
    if isinstance(record, Citation) and record.target_kind not in CITABLE_KINDS:
        allowed = ", ".join(sorted(CITABLE_KINDS))
        raise ValidationError("citation.target_kind", record.target_kind, f"use one of: {allowed}")
    if isinstance(record, Relationship) and record.person_id == record.other_person_id:
        raise ValidationError(
            "relationship.other_person_id",
            record.other_person_id,
            "a relationship links two different people",
        )


def _check_fields(obj: Any, prefix: str) -> None:
    for f in fields_of(type(obj)):
        value = getattr(obj, f.name)
        name = f"{prefix}.{f.name}"
        vocab_name = f.metadata.get("vocab")
        if f.metadata.get("required") and _is_empty(value):
            allowed = "this field is required"
            if vocab_name:
                codes = ", ".join(vocabulary(vocab_name).codes())
                allowed += f"; use one of the {vocab_name} codes: {codes}"
            raise ValidationError(name, value, allowed)
        if vocab_name:
            for code in value if isinstance(value, list) else [value]:
                if code != "" or f.metadata.get("required"):
                    vocabulary(vocab_name).check(code, name)
        if f.type in ("PartialDate", "PartialDate | None") and value is not None:
            if not isinstance(value, PartialDate):
                raise ValidationError(name, value, "give a partial date such as 2024-11-20, 2024-04 or 2012~")
        if isinstance(value, list):
            for item in value:
                if is_dataclass(item):
                    _check_fields(item, name)


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


def _check_date_order(record: Record) -> None:
    for first, last in DATE_ORDER_PAIRS:
        start = getattr(record, first, None)
        end = getattr(record, last, None)
        if not (isinstance(start, PartialDate) and isinstance(end, PartialDate)):
            continue
        if start.earliest and end.latest and end.latest < start.earliest:
            raise ValidationError(
                f"{record.KIND}.{last}",
                end.text,
                f"it ends before the start {start.text!r}; "
                "give an end on or after the start, or leave it open",
            )


def _check_charge(charge: Charge) -> None:
    if not LEGAL_CODE.match(charge.code):
        raise ValidationError(
            "charge.code", charge.code, "use the code's capital-letter abbreviation, e.g. CC or CAO"
        )
    if not ARTICLE.match(charge.article):
        raise ValidationError(
            "charge.article", charge.article, "use the article number, e.g. 206.3.2 or 193-1.3.1"
        )
    if charge.sentence_months is not None and charge.sentence_months < 0:
        raise ValidationError(
            "charge.sentence_months", charge.sentence_months, "give a number of months, 0 or more"
        )


def parse_charge_reference(text: str, field: str = "charge") -> tuple[str, str]:
    """Split `CC 206.3.2` into the code and the article; a bare article means the Criminal Code."""
    parts = text.split()
    if len(parts) == 1:
        parts = ["CC", parts[0]]
    if len(parts) != 2 or not LEGAL_CODE.match(parts[0]) or not ARTICLE.match(parts[1]):
        raise ValidationError(field, text, "write the code and the article, e.g. 'CC 206.3.2' or 'CAO 535.1'")
    return parts[0], parts[1]
