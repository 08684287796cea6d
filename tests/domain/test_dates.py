"""Tests for partial dates: every accepted form, the rejections and their messages, and properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from habeas.domain.dates import PartialDate, parse_day
from habeas.errors import InvalidDate, ValidationError

D = date


@pytest.mark.parametrize(
    ("text", "canonical", "earliest", "latest"),
    [
        ("2024-11-20", "2024-11-20", D(2024, 11, 20), D(2024, 11, 20)),
        ("2024-04", "2024-04", D(2024, 4, 1), D(2024, 4, 30)),
        ("2024-02", "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-02", "2023-02", D(2023, 2, 1), D(2023, 2, 28)),
        ("2012", "2012", D(2012, 1, 1), D(2012, 12, 31)),
        ("0001", "0001", D(1, 1, 1), D(1, 12, 31)),
        ("9999-12-31", "9999-12-31", D(9999, 12, 31), D(9999, 12, 31)),
        ("2024-02-29", "2024-02-29", D(2024, 2, 29), D(2024, 2, 29)),
        ("  2024-11-20\n", "2024-11-20", D(2024, 11, 20), D(2024, 11, 20)),
    ],
)
def test_plain_forms(text: str, canonical: str, earliest: date, latest: date) -> None:
    parsed = PartialDate.parse(text)
    assert parsed == PartialDate(canonical, earliest, latest)
    assert str(parsed) == canonical


@pytest.mark.parametrize(
    ("text", "approximate", "uncertain"),
    [
        ("2012~", True, False),
        ("2024-04?", False, True),
        ("2024-04%", True, True),
        ("2024-04-01~", True, False),
    ],
)
def test_qualifiers_are_flags_not_wider_bounds(text: str, approximate: bool, uncertain: bool) -> None:
    parsed = PartialDate.parse(text)
    plain = PartialDate.parse(text[:-1])
    assert parsed.text == text
    assert (parsed.earliest, parsed.latest) == (plain.earliest, plain.latest)
    assert (parsed.approximate, parsed.uncertain) == (approximate, uncertain)
    assert not plain.approximate and not plain.uncertain


@pytest.mark.parametrize(
    ("text", "canonical", "earliest", "latest"),
    [
        ("201X", "201X", D(2010, 1, 1), D(2019, 12, 31)),
        ("19XX", "19XX", D(1900, 1, 1), D(1999, 12, 31)),
        ("201x", "201X", D(2010, 1, 1), D(2019, 12, 31)),
        ("000X", "000X", D(1, 1, 1), D(9, 12, 31)),
        ("2024-XX", "2024-XX", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024-XX-XX", "2024-XX-XX", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024-04-XX", "2024-04-XX", D(2024, 4, 1), D(2024, 4, 30)),
        ("201X?", "201X?", D(2010, 1, 1), D(2019, 12, 31)),
    ],
)
def test_unspecified_digits(text: str, canonical: str, earliest: date, latest: date) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.text, parsed.earliest, parsed.latest) == (canonical, earliest, latest)


@pytest.mark.parametrize("text", ["", "   ", "unknown", "Unknown", " UNKNOWN ", "XXXX", "xxxx"])
def test_unknown(text: str) -> None:
    parsed = PartialDate.parse(text)
    assert parsed == PartialDate.unknown() == PartialDate("XXXX", None, None)
    assert parsed.is_unknown
    assert not parsed.is_exact_day


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2024-21", D(2024, 3, 1), D(2024, 5, 31)),
        ("2024-22", D(2024, 6, 1), D(2024, 8, 31)),
        ("2024-23", D(2024, 9, 1), D(2024, 11, 30)),
        ("2023-24", D(2023, 12, 1), D(2024, 2, 29)),
        ("2024-24", D(2024, 12, 1), D(2025, 2, 28)),
        ("2024-33", D(2024, 1, 1), D(2024, 3, 31)),
        ("2024-34", D(2024, 4, 1), D(2024, 6, 30)),
        ("2024-35", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024-36", D(2024, 10, 1), D(2024, 12, 31)),
        ("2012-40", D(2012, 1, 1), D(2012, 6, 30)),
        ("2012-41", D(2012, 7, 1), D(2012, 12, 31)),
    ],
)
def test_seasons_quarters_halves(text: str, earliest: date, latest: date) -> None:
    assert PartialDate.parse(text) == PartialDate(text, earliest, latest)


@pytest.mark.parametrize(
    ("text", "canonical", "earliest", "latest"),
    [
        ("2024-04/2024-06", "2024-04/2024-06", D(2024, 4, 1), D(2024, 6, 30)),
        ("2024-05/..", "2024-05/..", D(2024, 5, 1), None),
        ("../2024", "../2024", None, D(2024, 12, 31)),
        ("/2024-06", "/2024-06", None, D(2024, 6, 30)),
        ("2024-05/", "2024-05/", D(2024, 5, 1), None),
        ("unknown/2024", "/2024", None, D(2024, 12, 31)),
        ("2024/XXXX", "2024/", D(2024, 1, 1), None),
        ("2024/2024-03", "2024/2024-03", D(2024, 1, 1), D(2024, 3, 31)),
        ("2024-06-01/2024-06-01", "2024-06-01/2024-06-01", D(2024, 6, 1), D(2024, 6, 1)),
        ("2023-24/2024-40", "2023-24/2024-40", D(2023, 12, 1), D(2024, 6, 30)),
        ("201x/2024-xx", "201X/2024-XX", D(2010, 1, 1), D(2024, 12, 31)),
    ],
)
def test_intervals(text: str, canonical: str, earliest: date | None, latest: date | None) -> None:
    parsed = PartialDate.parse(text)
    assert parsed == PartialDate(canonical, earliest, latest)


def test_interval_flags_come_from_either_end() -> None:
    assert PartialDate.parse("2012~/2013").approximate
    assert PartialDate.parse("2012/2013?").uncertain
    both = PartialDate.parse("2012~/2013?")
    assert both.approximate and both.uncertain
    assert PartialDate.parse("2012%/..") == PartialDate("2012%/..", D(2012, 1, 1), None, True, True)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2024-13-40", "no month 13"),
        ("2024-13", "no month 13"),
        ("2024-00", "no month 00"),
        ("2024-02-30", "no 30 February"),
        ("2023-02-29", "2023 is not a leap year"),
        ("1900-02-29", "1900 is not a leap year"),
        ("2024-04-31", "no 31 April"),
        ("2024-04-00", "no day 00"),
        ("2024-04-32", "no day 32"),
        ("0000", "no year 0000"),
        ("0000-05-01", "no year 0000"),
        ("2024-06/2024-01", "starts (2024-06-01) after it ends (2024-01-31)"),
        ("2024-21-01", "cannot take a day"),
        ("9999-24", "winter 9999"),
        ("2024-XX-05", "day must be XX"),
        ("201X-04", "cannot take a month"),
        ("2X1X", "last digits"),
        ("XXXX~", "stands alone"),
        ("XXXX-04", "stands alone"),
        ("2024-1X", "a month is two digits"),
        ("2024-04-3X", "a day is two digits"),
        ("/", "at one end at least"),
        ("../..", "at one end at least"),
        ("/..", "at one end at least"),
        ("unknown/", "at one end at least"),
        ("2024/2025/2026", "exactly one /"),
    ],
)
def test_rejects_with_a_specific_reason(text: str, says: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        PartialDate.parse(text)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "2024-4",
        "2024-04-1",
        "24",
        "20240420",
        "2024/04/20",
        "20-04-2024",
        "2024~~",
        "2024~?",
        "2024-04-20T10:00",
        "..~/2024",
        "2024 - 04",
        "２０２４",
        "-2024",
        "12024",
        "early 2012",
    ],
)
def test_rejects_other_shapes_and_lists_the_accepted_forms(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        PartialDate.parse(text)
    assert "YYYY-MM-DD" in caught.value.allowed
    assert "for example 2024-11-20" in caught.value.allowed


def test_message_names_field_and_value() -> None:
    with pytest.raises(InvalidDate) as caught:
        PartialDate.parse("2024-13-40", field="arrest_date")
    error = caught.value
    assert isinstance(error, ValidationError)
    assert (error.field, error.value) == ("arrest_date", "2024-13-40")
    assert str(error).startswith("arrest_date: '2024-13-40' is not valid; there is no month 13")
    assert "~ (approximate)" in error.allowed and "? (uncertain)" in error.allowed


def test_default_field_name_is_date() -> None:
    with pytest.raises(InvalidDate, match=r"^date: 'abc'"):
        PartialDate.parse("abc")


@pytest.mark.parametrize("value", [20240101, None, date(2024, 1, 1), b"2024"])
def test_non_text_is_rejected(value: object) -> None:
    with pytest.raises(InvalidDate, match="must be given as text"):
        PartialDate.parse(value)  # type: ignore[arg-type]


def test_of_and_exact_day() -> None:
    day = D(2024, 11, 20)
    exact = PartialDate.of(day)
    assert exact == PartialDate.parse("2024-11-20") == PartialDate("2024-11-20", day, day)
    assert exact.is_exact_day and not exact.is_unknown
    assert PartialDate.of(D(5, 3, 1)).text == "0005-03-01"
    assert not PartialDate.parse("2024-11").is_exact_day
    assert not PartialDate.parse("2024-11-20/..").is_exact_day


def test_open_interval_is_not_unknown() -> None:
    ongoing = PartialDate.parse("2024-05/..")
    assert not ongoing.is_unknown
    assert ongoing.may_include(D(2030, 1, 1))
    assert not ongoing.may_include(D(2024, 4, 30))


def test_may_include() -> None:
    april = PartialDate.parse("2024-04")
    assert april.may_include(D(2024, 4, 1)) and april.may_include(D(2024, 4, 30))
    assert not april.may_include(D(2024, 3, 31)) and not april.may_include(D(2024, 5, 1))
    assert PartialDate.unknown().may_include(D(1, 1, 1))
    assert PartialDate.parse("../2024").may_include(D(1, 1, 1))


def test_sort_key_and_ordering() -> None:
    texts = ["2024-05/..", "XXXX", "2024-04-02", "2024-04", "2024", "../2023", "2024-04~"]
    ordered = [str(p) for p in sorted(PartialDate.parse(t) for t in texts)]
    assert ordered == ["../2023", "XXXX", "2024", "2024-04", "2024-04~", "2024-04-02", "2024-05/.."]
    assert PartialDate.unknown().sort_key() == (date.min, date.max, "XXXX")
    assert PartialDate.parse("2024-04") < PartialDate.parse("2024-04-02")
    assert PartialDate.parse("2024") >= PartialDate.parse("2024")


def test_comparing_with_other_types_is_not_supported() -> None:
    with pytest.raises(TypeError):
        _ = PartialDate.parse("2024") < "2024"
    text: object = "2024"
    assert PartialDate.parse("2024") != text


def test_values_are_hashable() -> None:
    assert len({PartialDate.parse("2024-04"), PartialDate.parse(" 2024-04 "), PartialDate.parse("2024")}) == 2


def test_parse_day_accepts_a_full_day() -> None:
    assert parse_day("2024-11-20") == D(2024, 11, 20)
    assert parse_day(" 2024-02-29 ") == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2024-04", "YYYY-MM-DD"),
        ("2024-04-XX", "YYYY-MM-DD"),
        ("2024-11-20~", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
        ("2024-13-01", "no month 13"),
        ("2024-02-30", "no 30 February"),
        ("2023-02-29", "not a leap year"),
        ("0000-01-01", "no year 0000"),
    ],
)
def test_parse_day_rejects(text: str, says: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_day(text, field="--on")
    assert caught.value.field == "--on"
    assert says in str(caught.value)


def test_parse_day_rejects_non_text() -> None:
    with pytest.raises(InvalidDate):
        parse_day(20241120)  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------------

days = st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31))
flags = st.sampled_from(["", "~", "?", "%"])


def forms_containing(day: date) -> list[str]:
    """Every single form (without a qualifier) whose bounds include `day`."""
    year, month = f"{day.year:04d}", f"{day.month:02d}"
    forms = [
        day.isoformat(),
        f"{year}-{month}-XX",
        f"{year}-{month}",
        f"{year}-{33 + (day.month - 1) // 3}",
        f"{year}-{40 if day.month <= 6 else 41}",
        year,
        f"{year}-XX",
        f"{year}-XX-XX",
        f"{year[:3]}X",
        f"{year[:2]}XX",
    ]
    if 3 <= day.month <= 11:
        forms.append(f"{year}-{21 + (day.month - 3) // 3}")
    elif day.month == 12 and day.year < 9999:
        forms.append(f"{year}-24")
    elif day.month <= 2 and day.year > 1:
        forms.append(f"{day.year - 1:04d}-24")
    return forms


@st.composite
def day_and_form(draw: st.DrawFn) -> tuple[date, str]:
    day = draw(days)
    return day, draw(st.sampled_from(forms_containing(day))) + draw(flags)


@st.composite
def interval_texts(draw: st.DrawFn) -> str:
    first, second = sorted((draw(days), draw(days)))
    start = draw(st.sampled_from([*forms_containing(first), "", ".."])) + draw(flags)
    end = draw(st.sampled_from([*forms_containing(second), "", ".."])) + draw(flags)
    # A qualifier only goes on a date; an interval needs a date at one end at least.
    start, end = (side.rstrip("~?%") if side.rstrip("~?%") in ("", "..") else side for side in (start, end))
    assume(not (start in ("", "..") and end in ("", "..")))
    return f"{start}/{end}"


single_texts = day_and_form().map(lambda pair: pair[1])
any_texts = st.one_of(single_texts, interval_texts(), st.sampled_from(["", "unknown", "XXXX"]))
any_dates = any_texts.map(PartialDate.parse)


@given(any_texts)
def test_round_trip_through_canonical_text(text: str) -> None:
    parsed = PartialDate.parse(text)
    assert PartialDate.parse(parsed.text) == parsed
    assert PartialDate.parse(str(parsed)) == parsed


@given(any_dates)
def test_earliest_never_after_latest(parsed: PartialDate) -> None:
    if parsed.earliest is not None and parsed.latest is not None:
        assert parsed.earliest <= parsed.latest


@given(days)
def test_iso_day_is_exact(day: date) -> None:
    parsed = PartialDate.parse(day.isoformat())
    assert parsed.earliest == parsed.latest == day
    assert parsed.is_exact_day
    assert parsed == PartialDate.of(day)


@given(days)
def test_day_lies_within_its_month_and_year(day: date) -> None:
    exact = PartialDate.parse(day.isoformat())
    month = PartialDate.parse(f"{day.year:04d}-{day.month:02d}")
    year = PartialDate.parse(f"{day.year:04d}")
    for wider in (month, year):
        assert wider.earliest is not None and wider.latest is not None
        assert exact.earliest is not None and exact.latest is not None
        assert wider.earliest <= exact.earliest <= exact.latest <= wider.latest


@given(day_and_form())
def test_every_form_containing_a_day_may_include_it(pair: tuple[date, str]) -> None:
    day, text = pair
    assert PartialDate.parse(text).may_include(day)


@given(interval_texts())
def test_interval_bounds_come_from_its_ends(text: str) -> None:
    start, end = text.split("/")
    parsed = PartialDate.parse(text)
    assert parsed.earliest == (None if start == ".." else PartialDate.parse(start).earliest)
    assert parsed.latest == (None if end == ".." else PartialDate.parse(end).latest)


@given(any_dates, any_dates, any_dates)
def test_ordering_is_a_total_order_following_sort_key(a: PartialDate, b: PartialDate, c: PartialDate) -> None:
    assert (a < b) == (a.sort_key() < b.sort_key())
    assert (a <= b) == (a.sort_key() <= b.sort_key())
    assert (a == b) == (a.sort_key() == b.sort_key())
    assert [a < b, a == b, a > b].count(True) == 1
    if a <= b and b <= c:
        assert a <= c
    assert sorted([a, b, c]) == sorted([a, b, c], key=PartialDate.sort_key)


@given(st.one_of(st.text(), st.text(alphabet="0123456789Xx-/~?%. ", max_size=24)))
def test_parse_never_raises_anything_but_invalid_date(text: str) -> None:
    try:
        parsed = PartialDate.parse(text)
    except InvalidDate as error:
        assert error.value == text
    else:
        assert isinstance(parsed, PartialDate)
        assert PartialDate.parse(parsed.text) == parsed
