"""Today's report: who is held, the hearings of the coming week, custody terms ending soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from habeas.storage import queries
from habeas.storage.store import Store


@dataclass(frozen=True)
class DailyReport:
    day: date
    held: queries.HeldReport
    hearings: list[queries.HearingRow]
    terms_ending: list[queries.TermRow]


def daily_report(store: Store, day: date, days_ahead: int = 7) -> DailyReport:
    """Everything a team needs to see on `day`, read in one transaction."""
    with store.reading() as conn:
        return DailyReport(
            day=day,
            held=queries.held_on(conn, day),
            hearings=queries.hearings_between(conn, day, day + timedelta(days=days_ahead)),
            terms_ending=queries.terms_ending(conn, day, within_days=14),
        )
