"""Dates as people write them in spreadsheets and published lists, read into partial dates.

`read_date` accepts, besides habeas's own EDTF forms (`2013-11-22`, `2013-11`):

    22.11.2013   22/11/2013   22-11-2013        day first, as written in Azerbaijan and Russia
    11.2013                                      a month
    22 November 2013   November 22, 2013   22 Nov. 2013   November 2013
    22 noyabr 2013   noyabr 2013   12 yanvar 1990-cı il   (Azerbaijani month names)
    22 ноября 2013 г.   ноябрь 2013                 (Russian, nominative or genitive)
    2013   2013-cü il   2013 г.                    a year

A month or year alone stays a month or year: nothing is made more precise than
the writer knew. dateparser was tried and left out: it fills in a day for
"November 2013", which would turn a partial date into a wrong exact one, and
it reads only some Azerbaijani forms.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from habeas.domain.dates import PartialDate
from habeas.errors import InvalidDate

__all__ = ["TEXT_DATE_FORMS", "read_date"]

TEXT_DATE_FORMS = (
    "write a day as 2013-11-22, 22.11.2013 or 22 November 2013 (month names in English, Azerbaijani or "
    "Russian), a month as 2013-11, 11.2013 or noyabr 2013, a year as 2013"
)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan yanvar январь января янв",
        "february feb fevral февраль февраля фев",
        "march mar mart март марта",
        "april apr aprel апрель апреля апр",
        "may may май мая",
        "june jun iyun июнь июня",
        "july jul iyul июль июля",
        "august aug avqust avgust август августа авг",
        "september sep sept sentyabr сентябрь сентября сен",
        "october oct oktyabr октябрь октября окт",
        "november nov noyabr ноябрь ноября ноя",
        "december dec dekabr декабрь декабря дек",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH = r"(?P<month>[^\W\d_]+)\.?"
_YEAR = r"(?P<year>\d{4})"
_DAY = r"(?P<day>\d{1,2})"
# Words that may follow a year: Azerbaijani "-ci il" (in its vowel-harmony forms), Russian "г." / "года".
_YEAR_SUFFIX = re.compile(r"(?:\s*-?\s*(?:c[iıuü]|ç[iıuü])\s+il|\s*(?:г\.?|года|год))\s*$", re.IGNORECASE)
_NUMERIC = re.compile(rf"{_DAY}[./-](?P<month>\d{{1,2}})[./-]{_YEAR}")
_NUMERIC_MONTH = re.compile(rf"(?P<month>\d{{1,2}})[./]{_YEAR}")
_DAY_MONTH_YEAR = re.compile(rf"{_DAY}(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}")
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}")
_MONTH_YEAR = re.compile(rf"{_MONTH},?\s+{_YEAR}")
_YEAR_ONLY = re.compile(_YEAR)


def read_date(value: object, field: str = "date") -> PartialDate:
    """The partial date `value` means: text in any form above, or a date/datetime (from a spreadsheet).

    Empty text is an unknown date. Anything else raises InvalidDate naming `field` and `value`.
    """
    if isinstance(value, datetime):
        return PartialDate.of(value.date())
    if isinstance(value, date):
        return PartialDate.of(value)
    if not isinstance(value, str):
        raise InvalidDate(field, value, TEXT_DATE_FORMS)
    text = " ".join(value.split())
    if not text:
        return PartialDate.unknown()
    try:
        return PartialDate.parse(text, field)
    except InvalidDate:
        pass
    cleaned = _YEAR_SUFFIX.sub("", text).strip().rstrip(".").strip()
    day, month, year = _parts(cleaned.casefold())
    if year is None:
        raise InvalidDate(field, value, TEXT_DATE_FORMS)
    if month is None:
        canonical = f"{year:04d}"
    elif day is None:
        canonical = f"{year:04d}-{month:02d}"
    else:
        canonical = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        return PartialDate.parse(canonical, field)
    except InvalidDate as exc:
        # Report what the user wrote, with the reason the canonical form gave (an impossible day).
        raise InvalidDate(field, value, exc.allowed) from None


def _parts(text: str) -> tuple[int | None, int | None, int | None]:
    """(day, month, year) of a written date; month and year None when it is not one."""
    for pattern in (_NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC_MONTH, _MONTH_YEAR, _YEAR_ONLY):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        groups = match.groupdict()
        month = _month(groups["month"]) if "month" in groups else None
        if "month" in groups and month is None:
            continue
        day = int(groups["day"]) if groups.get("day") else None
        return day, month, int(groups["year"])
    return None, None, None


def _month(text: str) -> int | None:
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text)
