"""Placing partial dates (habeas.analysis.event_dates): wholly inside a period, or reported apart."""

from __future__ import annotations

from datetime import date

import pytest

from habeas.analysis.event_dates import DATE_UNKNOWN, INSIDE, OUTSIDE, STRADDLING, placement, span_index
from habeas.domain.dates import PartialDate

D = date
FIRST, LAST = D(2024, 4, 10), D(2024, 6, 30)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("2024-04-10", INSIDE),
        ("2024-05", INSIDE),
        ("2024-04-10/2024-06-30", INSIDE),
        ("2024-04", STRADDLING),  # may be 1–9 April
        ("2024", STRADDLING),
        ("2024-04-09", OUTSIDE),
        ("2023", OUTSIDE),
        ("XXXX", DATE_UNKNOWN),
        ("2024-05/..", DATE_UNKNOWN),
        ("../2024-04-09", OUTSIDE),  # whatever its first day, it ended before the range
    ],
)
def test_placement(text: str, where: str) -> None:
    date_ = PartialDate.parse(text)
    assert placement(date_.earliest, date_.latest, FIRST, LAST) == where


def test_span_index_needs_every_possible_day_inside_one_span() -> None:
    spans = [
        (D(2024, 4, 10), D(2024, 4, 30)),
        (D(2024, 5, 1), D(2024, 5, 31)),
        (D(2024, 6, 1), D(2024, 6, 30)),
    ]
    assert span_index(spans, D(2024, 5, 1), D(2024, 5, 31)) == 1
    assert span_index(spans, D(2024, 6, 30), D(2024, 6, 30)) == 2
    assert span_index(spans, D(2024, 4, 30), D(2024, 5, 1)) is None  # across two months
    assert span_index(spans, D(2024, 4, 1), D(2024, 4, 12)) is None  # starts before the first span
    assert span_index(spans, D(2024, 7, 1), D(2024, 7, 1)) is None
