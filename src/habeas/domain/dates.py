"""Partial dates ("April 2024", "early 2012", "since May 2024") read from EDTF-style text.

Each keeps its canonical text, the first and last day it can mean, and approximate/uncertain flags.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import MAXYEAR, date

from habeas.errors import InvalidDate

__all__ = ["DATE_FORMS", "DAY_FORM", "PartialDate", "parse_day"]

DATE_FORMS = (
    "use YYYY, YYYY-MM or YYYY-MM-DD (X for unknown digits, as in 201X or 2024-04-XX), optionally followed "
    "by ~ (approximate), ? (uncertain) or % (both), or an interval A/B (.. for an open end); seasons, "
    "quarters and halves are YYYY-21..24, YYYY-33..36 and YYYY-40/41; "
    "for example 2024-11-20, 2024-04, 2012~, 2012-40, 2024-05/.."
)
DAY_FORM = "use a full day as YYYY-MM-DD, for example 2024-11-20"

_UNKNOWN = "XXXX"
_OPEN = ".."
_SINGLE = re.compile(r"(?P<year>[0-9X]{4})(?:-(?P<month>[0-9X]{2})(?:-(?P<day>[0-9X]{2}))?)?(?P<flag>[~?%]?)")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_YEAR_DIGITS = re.compile(r"[0-9]+X*")

# Sub-year groupings (EDTF level 2 codes) as first and last month counted from January of the stated
# year; winter's 14 is February of the following year.
_GROUPS: dict[int, tuple[int, int]] = {
    21: (3, 5),
    22: (6, 8),
    23: (9, 11),
    24: (12, 14),
    33: (1, 3),
    34: (4, 6),
    35: (7, 9),
    36: (10, 12),
    40: (1, 6),
    41: (7, 12),
}
# Written out rather than taken from calendar.month_name, which follows the process locale.
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to some precision: a day, month, season, year, decade, interval or nothing at all."""

    text: str
    earliest: date | None
    latest: date | None
    approximate: bool = False
    uncertain: bool = False

    @classmethod
    def parse(cls, text: str, field: str = "date") -> PartialDate:
        """Read `text` in one of the accepted forms, or raise InvalidDate naming `field`."""
        if not isinstance(text, str):
            raise _invalid(field, text, "a date must be given as text")
        stripped = text.strip()
        if _is_unknown_word(stripped):
            return cls.unknown()
        canonical = stripped.replace("x", "X")
        if "/" in canonical:
            return _parse_interval(canonical, field, text)
        return _parse_single(canonical, field, text)

    @classmethod
    def unknown(cls) -> PartialDate:
        """The date nobody knows: no bounds at all."""
        return cls(_UNKNOWN, None, None)

    @classmethod
    def of(cls, day: date) -> PartialDate:
        """Exactly the given day."""
        return cls(day.isoformat(), day, day)

    @property
    def is_unknown(self) -> bool:
        return self.earliest is None and self.latest is None

    @property
    def is_exact_day(self) -> bool:
        return self.earliest is not None and self.earliest == self.latest

    def sort_key(self) -> tuple[date, date, str]:
        """Order by first possible day, then last possible day, with missing bounds at the extremes."""
        return (self.earliest or date.min, self.latest or date.max, self.text)

    def may_include(self, day: date) -> bool:
        """Whether `day` lies within the bounds, a missing bound placing no limit."""
        after_start = self.earliest is None or self.earliest <= day
        before_end = self.latest is None or day <= self.latest
        return after_start and before_end

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return self.text


def parse_day(text: str, field: str = "date") -> date:
    """Read a strict YYYY-MM-DD day, as given to command-line options such as --on."""
    if not isinstance(text, str):
        raise InvalidDate(field, text, f"a day must be given as text; {DAY_FORM}")
    match = _DAY.fullmatch(text.strip())
    if match is None:
        raise InvalidDate(field, text, DAY_FORM)
    year, month, day = (int(group) for group in match.groups())
    problem = _impossible_day(year, month, day)
    if problem is not None:
        raise InvalidDate(field, text, f"{problem}; {DAY_FORM}")
    return date(year, month, day)


def _invalid(field: str, value: object, problem: str | None = None) -> InvalidDate:
    allowed = DATE_FORMS if problem is None else f"{problem}; {DATE_FORMS}"
    return InvalidDate(field, value, allowed)


def _is_unknown_word(text: str) -> bool:
    return text.upper() in ("", "UNKNOWN", _UNKNOWN)


def _parse_interval(text: str, field: str, value: object) -> PartialDate:
    start_text, _, end_text = text.partition("/")
    if "/" in end_text:
        raise _invalid(field, value, "an interval has exactly one /")
    start_canonical, start = _parse_end(start_text, field, value)
    end_canonical, end = _parse_end(end_text, field, value)
    if start is None and end is None:
        raise _invalid(field, value, "an interval needs a date at one end at least")
    earliest = start.earliest if start is not None else None
    latest = end.latest if end is not None else None
    if earliest is not None and latest is not None and earliest > latest:
        raise _invalid(field, value, f"the interval starts ({earliest}) after it ends ({latest})")
    sides = [side for side in (start, end) if side is not None]
    return PartialDate(
        f"{start_canonical}/{end_canonical}",
        earliest,
        latest,
        approximate=any(side.approximate for side in sides),
        uncertain=any(side.uncertain for side in sides),
    )


def _parse_end(text: str, field: str, value: object) -> tuple[str, PartialDate | None]:
    """Read one end of an interval: its canonical text, and the date unless it is open or unknown."""
    if text == _OPEN:
        return _OPEN, None
    if _is_unknown_word(text):
        # EDTF writes an unknown end as an empty one.
        return "", None
    return text, _parse_single(text, field, value)


def _parse_single(text: str, field: str, value: object) -> PartialDate:
    match = _SINGLE.fullmatch(text)
    if match is None:
        raise _invalid(field, value)
    year, month, day, flag = match.group("year", "month", "day", "flag")
    if year == _UNKNOWN:
        raise _invalid(field, value, "XXXX (unknown) stands alone, without month, day or ~ ? %")
    first_year, last_year = _year_range(year, field, value)
    if month is None:
        earliest, latest = date(first_year, 1, 1), date(last_year, 12, 31)
    elif "X" in year:
        raise _invalid(field, value, "a year with X digits cannot take a month or day")
    else:
        earliest, latest = _month_bounds(first_year, month, day, field, value)
    return PartialDate(text, earliest, latest, approximate=flag in ("~", "%"), uncertain=flag in ("?", "%"))


def _year_range(year: str, field: str, value: object) -> tuple[int, int]:
    """First and last year a four-character year such as 2024, 201X or 19XX can mean."""
    if _YEAR_DIGITS.fullmatch(year) is None:
        raise _invalid(field, value, "X may only replace the last digits of a year, as in 201X or 19XX")
    known = year.rstrip("X")
    hidden = len(year) - len(known)
    first, last = int(known + "0" * hidden), int(known + "9" * hidden)
    if last == 0:
        raise _invalid(field, value, "there is no year 0000; years run from 0001 to 9999")
    # Year 0 cannot be represented, so 000X and 00XX start in year 1.
    return max(first, 1), last


def _month_bounds(year: int, month: str, day: str | None, field: str, value: object) -> tuple[date, date]:
    """Bounds of a date whose year is known and whose month part (maybe XX or a grouping) is given."""
    if month == "XX":
        if day not in (None, "XX"):
            raise _invalid(field, value, "when the month is XX the day must be XX too")
        return date(year, 1, 1), date(year, 12, 31)
    if not month.isdigit():
        raise _invalid(field, value, "a month is two digits 01-12 or XX")
    number = int(month)
    if number in _GROUPS:
        if day is not None:
            reason = f"{year:04d}-{month} is a season, quarter or half and cannot take a day"
            raise _invalid(field, value, reason)
        return _grouping_bounds(year, number, field, value)
    if not 1 <= number <= 12:
        raise _invalid(field, value, f"there is no month {month}; months are 01-12")
    length = calendar.monthrange(year, number)[1]
    if day is None or day == "XX":
        return date(year, number, 1), date(year, number, length)
    if not day.isdigit():
        raise _invalid(field, value, "a day is two digits 01-31 or XX")
    problem = _impossible_day(year, number, int(day))
    if problem is not None:
        raise _invalid(field, value, problem)
    exact = date(year, number, int(day))
    return exact, exact


def _grouping_bounds(year: int, code: int, field: str, value: object) -> tuple[date, date]:
    first_month, last_month = _GROUPS[code]
    end_year = year + (last_month - 1) // 12
    if end_year > MAXYEAR:
        problem = f"winter {year} would end in {end_year}, after the last year habeas can hold"
        raise _invalid(field, value, problem)
    end_month = (last_month - 1) % 12 + 1
    end_day = calendar.monthrange(end_year, end_month)[1]
    return date(year, first_month, 1), date(end_year, end_month, end_day)


def _impossible_day(year: int, month: int, day: int) -> str | None:
    """Say why year-month-day is not a day of the calendar, or None when it is one."""
    if year == 0:
        return "there is no year 0000; years run from 0001 to 9999"
    if not 1 <= month <= 12:
        return f"there is no month {month:02d}; months are 01-12"
    if not 1 <= day <= 31:
        return f"there is no day {day:02d} in any month; days are 01-31"
    length = calendar.monthrange(year, month)[1]
    if day <= length:
        return None
    name = _MONTH_NAMES[month - 1]
    if month == 2 and day == 29:
        return f"{year:04d} is not a leap year, so there is no 29 February {year:04d}"
    return f"there is no {day} {name}; {name} {year:04d} has {length} days"
