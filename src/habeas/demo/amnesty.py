"""The demo's one real, public example: Amnesty International's statement of 24 January 2025.

It records only what the statement says: the statement itself as a source,
the three international events it names as context periods, and the refusal
of access to the remand hearing of human rights defender Anar Mammadli on
20 November 2024, each cited to the statement. The ids are fixed so that
tests and documentation can name these records.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Citation,
    ContextPeriod,
    Event,
    Intervention,
    Participant,
    Person,
    PersonName,
    Record,
    Source,
)

STATEMENT_FILE = "amnesty-2025-01-24-azerbaijan.txt"
TITLE = "Azerbaijan: No sign of hope for the human rights situation in Azerbaijan"
PUBLISHER = "Amnesty International"

# ULIDs stamped 2025-01-24T00:00Z (01JJASQG00), then a readable tail.
SOURCE_ID = "01JJASQG00AMNESTY000000SRC"
PERSON_ID = "01JJASQG00AMNESTY000000PER"
HEARING_ID = "01JJASQG00AMNESTY000000EVT"
INTERVENTION_ID = "01JJASQG00AMNESTY000000NTV"
EUROVISION_2012_ID = "01JJASQG00AMNESTY00000CP01"
EUROPEAN_GAMES_2015_ID = "01JJASQG00AMNESTY00000CP02"
COP29_ID = "01JJASQG00AMNESTY00000CP03"
_CITATION_ID = "01JJASQG00AMNESTY00000CT{:02d}"

SECTION = "section 'Arbitrary detention and politically motivated arrests'"
CONTEXT_LOCATOR = f"{SECTION}, paragraph 3"
HEARING_LOCATOR = f"{SECTION}, last paragraph"
# Verbatim spans of the statement (the statement's footnote markers follow "2012" and "2015").
EUROVISION_QUOTE = (
    "similar to previous crackdowns documented by Amnesty International around other major "
    "international events hosted by Azerbaijan, including Eurovision 2012"
)
EUROPEAN_GAMES_QUOTE = "and the European Games 2015"
COP29_QUOTE = (
    "Independent Azerbaijani voices were missing from COP29, held in Baku, Azerbaijan, from 11–22 "
    "November 2024, with many activists and journalists either behind bars or in exile."
)
HEARING_QUOTE = (
    "This included the denial of access to the court building after requesting permission to attend "
    "the remand hearing of human rights defender Anar Mammadli on 20 November 2024."
)
REQUEST_QUOTE = (
    "Amnesty International sought, but was not granted, access to imprisoned activists and journalists "
    "while its delegates were in Azerbaijan. " + HEARING_QUOTE
)
QUOTES = (EUROVISION_QUOTE, EUROPEAN_GAMES_QUOTE, COP29_QUOTE, HEARING_QUOTE, REQUEST_QUOTE)
_DATES_NOTE = "The statement names the event; its dates ({}) are public record, not taken from the statement."


def statement_text() -> str:
    """The statement as published, kept as package data."""
    return resources.files("habeas.demo").joinpath(STATEMENT_FILE).read_text(encoding="utf-8")


def amnesty_records() -> Iterator[Record]:
    """The real example's records, in dependency order (the source before what cites it)."""
    yield Source(
        id=SOURCE_ID,
        title=TITLE,
        kind="report",
        publisher=PUBLISHER,
        published=PartialDate.parse("2025-01-24"),
        language="en",
        reliability="A",
        credibility="2",
        visibility="public",
        text=statement_text(),
    )
    yield from _context_periods()
    yield from _hearing()


def _context_periods() -> Iterator[Record]:
    periods = (
        (EUROVISION_2012_ID, "Eurovision Song Contest 2012", "2012-05-22", "2012-05-26",
         "The Eurovision Song Contest, hosted by Azerbaijan in Baku.", EUROVISION_QUOTE, "22–26 May 2012"),
        (EUROPEAN_GAMES_2015_ID, "European Games 2015", "2015-06-12", "2015-06-28",
         "The first European Games, hosted by Azerbaijan in Baku.", EUROPEAN_GAMES_QUOTE, "12–28 June 2015"),
        (COP29_ID, "COP29", "2024-11-11", "2024-11-22",
         "The UN Climate Change Conference (COP29), held in Baku, Azerbaijan.", COP29_QUOTE, ""),
    )  # fmt: skip
    for number, (period_id, name, start, end, description, quote, dates) in enumerate(periods, 1):
        yield ContextPeriod(
            id=period_id,
            name=name,
            start=PartialDate.parse(start),
            end=PartialDate.parse(end),
            description=description,
        )
        yield _citation(
            number,
            "context_period",
            period_id,
            CONTEXT_LOCATOR,
            quote,
            _DATES_NOTE.format(dates) if dates else "",
        )


def _hearing() -> Iterator[Record]:
    yield Person(
        id=PERSON_ID,
        names=[
            PersonName(value="Anar Məmmədli", script="Latn", language="az", kind="native"),
            PersonName(value="Anar Mammadli", script="Latn", language="en", kind="transliteration"),
            PersonName(value="Анар Мамедли", script="Cyrl", language="ru", kind="transliteration"),
        ],
        groups=["human_rights_defender"],
        visibility="public",
        notes="A real, public person: only what Amnesty International's statement of 24 January 2025 says.",
    )
    yield _citation(4, "person", PERSON_ID, HEARING_LOCATOR, HEARING_QUOTE, "", target_field="groups")
    yield Event(
        id=HEARING_ID,
        type="remand_hearing",
        date=PartialDate.parse("2024-11-20"),
        participants=[Participant(person_id=PERSON_ID, role="victim")],
        monitoring_outcome="refused_entry",
        outcome=(
            "Amnesty International's delegates, who had asked permission to attend, were refused access "
            "to the court building."
        ),
        visibility="public",
    )
    yield _citation(5, "event", HEARING_ID, HEARING_LOCATOR, HEARING_QUOTE)
    yield Intervention(
        id=INTERVENTION_ID,
        kind="hearing_attendance_request",
        actor=PUBLISHER,
        person_id=PERSON_ID,
        event_id=HEARING_ID,
        date=PartialDate.parse("2024-11-20"),
        request="Permission to attend the remand hearing of human rights defender Anar Mammadli.",
        response="refused",
        outcome="Access to the court building was denied.",
        visibility="public",
    )
    yield _citation(6, "intervention", INTERVENTION_ID, HEARING_LOCATOR, REQUEST_QUOTE)


def _citation(
    number: int, kind: str, target_id: str, locator: str, quote: str, note: str = "", target_field: str = ""
) -> Citation:
    return Citation(
        id=_CITATION_ID.format(number),
        source_id=SOURCE_ID,
        target_kind=kind,
        target_id=target_id,
        target_field=target_field,
        locator=locator,
        quote=quote,
        note=note,
        visibility="public",
    )
