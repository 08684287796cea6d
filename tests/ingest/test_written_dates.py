"""Dates as written in spreadsheets and published lists, read into partial dates."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from habeas.errors import InvalidDate
from habeas.ingest.dates import read_date


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("22.11.2013", "2013-11-22"),
        ("22/11/2013", "2013-11-22"),
        ("2.1.2014", "2014-01-02"),
        ("22 November 2013", "2013-11-22"),
        ("22  November   2013 ", "2013-11-22"),
        ("November 22, 2013", "2013-11-22"),
        ("May 27, 2014", "2014-05-27"),
        ("22 Nov. 2013", "2013-11-22"),
        ("2013-11-22", "2013-11-22"),
        ("noyabr 2013", "2013-11"),
        ("22 noyabr 2013", "2013-11-22"),
        ("12 yanvar 1990-cı il", "1990-01-12"),
        ("1995-ci il", "1995"),
        ("22 ноября 2013 г.", "2013-11-22"),
        ("Ноябрь 2013", "2013-11"),
        ("November 2013", "2013-11"),
        ("11.2013", "2013-11"),
        ("2013", "2013"),
        ("2013-11", "2013-11"),
        ("2012~", "2012~"),
    ],
)
def test_written_dates_are_read_to_the_precision_given(text: str, canonical: str) -> None:
    assert read_date(text).text == canonical


def test_spreadsheet_dates_and_empty_cells() -> None:
    assert read_date(datetime(2013, 11, 22, 0, 0)).text == "2013-11-22"
    assert read_date(date(2013, 11, 22)).text == "2013-11-22"
    assert read_date("  ").is_unknown


@pytest.mark.parametrize("text", ["31.02.2013", "22 Brumaire 2013", "soon", "13.2013", "2013 or 2014"])
def test_unreadable_dates_name_the_field_and_the_value(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        read_date(text, "arrest_date")
    assert caught.value.field == "arrest_date"
    assert caught.value.value == text
