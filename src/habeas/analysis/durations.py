"""How long people stay in pre-trial detention, wait for a verdict and serve: Kaplan–Meier estimates.

Custody still running on the analysis day (`on`) is censored there, not dropped
and not counted as ended. Partial dates follow one rule (docs/analysis.md,
"Durations"): a day is used as it is; a date known to within 31 days (a month)
is placed on the middle day of its span and counted as approximated; anything
vaguer (a season, a year, an unknown date) leaves the record out, counted by
reason. Every figure is recomputed from the visible, dated facts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.errors import ValidationError
from habeas.security.roles import ALL_VISIBILITY
from habeas.storage.queries import _shown
from habeas.storage.tables import custody_periods, event_participants, events, people, person_groups

MEASURES = {"pretrial": "pre_trial_detention", "to-verdict": None, "served": "imprisonment"}
STRATA = ("group", "arrest-year", "none")
SURVIVAL_DAYS = (90, 180, 365, 730)
# A date whose span is at most this many days (a month) is placed at its middle, so off by ≤ 15 days.
MAX_APPROXIMATED_SPAN = 30
# Why a record was left out (the keys of DurationReport.excluded; the web page translates them).
START_VAGUE = "start date vaguer than a month or unknown"
END_VAGUE = "end date vaguer than a month or unknown"
ARREST_VAGUE = "arrest date vaguer than a month or unknown"
VERDICT_VAGUE = "verdict date vaguer than a month or unknown"
NO_CASE = "arrest not linked to a case"
EXCLUSION_REASONS = (START_VAGUE, END_VAGUE, ARREST_VAGUE, VERDICT_VAGUE, NO_CASE)
cp = custody_periods


@dataclass(frozen=True)
class Observation:
    """One spell: its length in days, whether its end was seen (False: censored), and its strata."""

    person_id: str
    days: int
    ended: bool
    approximated: bool
    arrest_year: int | None


@dataclass(frozen=True)
class Stratum:
    """The Kaplan–Meier summary of one stratum; None where a figure cannot be estimated."""

    key: str | None  # a group code, a year, "all"; None for "no group / no arrest year recorded"
    n: int
    events: int
    censored: int
    approximated: int
    median: float | None  # None: fewer than half have ended yet ("not reached")
    median_ci95: tuple[float | None, float | None]
    # days -> (estimate, lower, upper); None past the longest observed spell
    survival: dict[int, tuple[float, float, float] | None]

    def as_json(self) -> dict[str, Any]:
        return {
            "stratum": self.key,
            "n": self.n,
            "events": self.events,
            "censored": self.censored,
            "approximated": self.approximated,
            "median_days": self.median,
            "median_ci95": list(self.median_ci95),
            "survival": {
                str(t): None if s is None else {"estimate": s[0], "ci95": [s[1], s[2]]}
                for t, s in self.survival.items()
            },
        }


@dataclass(frozen=True)
class DurationReport:
    measure: str
    by: str
    on: date
    strata: list[Stratum]
    excluded: dict[str, int]  # reason -> records left out
    approximated: int

    def as_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "by": self.by,
            "on": self.on.isoformat(),
            "approximated": self.approximated,
            "excluded": self.excluded,
            "strata": [s.as_json() for s in self.strata],
        }


def durations(
    conn: Connection,
    measure: str,
    on: date,
    by: str = "none",
    *,
    visible: Collection[str] = ALL_VISIBILITY,
) -> DurationReport:
    """Kaplan–Meier estimates of `measure` (pretrial, to-verdict, served) per stratum of `by`, as of `on`."""
    if measure not in MEASURES:
        raise ValidationError("--measure", measure, f"use one of: {', '.join(MEASURES)}")
    if by not in STRATA:
        raise ValidationError("--by", by, f"use one of: {', '.join(STRATA)}")
    excluded: Counter[str] = Counter()
    kind = MEASURES[measure]
    if kind is None:
        found = _to_verdict(conn, on, visible, excluded)
    else:
        found = _periods(conn, kind, on, visible, excluded)
    groups = _groups(conn, {o.person_id for o in found}) if by == "group" else {}
    strata = [_fit(key, spells) for key, spells in _stratify(found, by, groups)]
    return DurationReport(
        measure, by, on, strata, dict(excluded.most_common()), sum(o.approximated for o in found)
    )


def resolve(earliest: date | None, latest: date | None) -> tuple[date | None, bool]:
    """The day used for a partial date and whether it was approximated; None if vaguer than a month."""
    if earliest is None or latest is None:
        return None, False
    span = (latest - earliest).days
    if span == 0:
        return earliest, False
    if span <= MAX_APPROXIMATED_SPAN:
        return earliest + timedelta(days=span // 2), True
    return None, False


def _spell(
    person_id: str,
    start: tuple[date | None, date | None],
    stop: tuple[date | None, date | None] | None,
    on: date,
    arrest_year: int | None,
    excluded: Counter[str],
    vague: tuple[str, str],
) -> Observation | None:
    """One spell from a start and an optional stop (None: still running), censored at `on`."""
    first, approx_start = resolve(*start)
    if first is None:
        excluded[vague[0]] += 1
        return None
    if first > on:
        return None  # not begun by the analysis day: outside the question, not an exclusion
    last, approx_stop, ended = on, False, False
    # Still running on `on` when open, or when even its earliest possible end comes after `on`.
    if stop is not None and not (stop[0] is not None and stop[0] > on):
        day, approx_stop = resolve(*stop)
        if day is None:
            excluded[vague[1]] += 1
            return None
        if day <= on:
            last, ended = day, True
    # Two midpoints can cross within a month; a spell never lasts less than nothing.
    days = max(0, (last - first).days)
    return Observation(person_id, days, ended, approx_start or (ended and approx_stop), arrest_year)


def _periods(
    conn: Connection, kind: str, on: date, visible: Collection[str], excluded: Counter[str]
) -> list[Observation]:
    """Custody periods of `kind`: start to end, the open ones censored at `on`."""
    rows = conn.execute(
        sa.select(
            cp.c.person_id,
            cp.c.start_earliest,
            cp.c.start_latest,
            cp.c.end,
            cp.c.end_earliest,
            cp.c.end_latest,
        )
        .join(people, people.c.id == cp.c.person_id)
        .where(cp.c.kind == kind, _shown(cp, visible), _shown(people, visible))
        .where(sa.or_(cp.c.start_earliest.is_(None), cp.c.start_earliest <= on))
        .order_by(cp.c.person_id, cp.c.start_earliest, cp.c.id)
    ).all()
    arrests = _arrests(conn, visible, {r.person_id for r in rows})
    found = []
    for pid, s_early, s_late, end, e_early, e_late in rows:
        stop = None if end is None else (e_early, e_late)
        start_day = resolve(s_early, s_late)[0] or s_early
        year = _arrest_year_before(arrests.get(pid, []), start_day)
        spell = _spell(pid, (s_early, s_late), stop, on, year, excluded, (START_VAGUE, END_VAGUE))
        if spell is not None:
            found.append(spell)
    return found


@dataclass(frozen=True)
class _Dated:
    person_id: str
    case_id: str | None
    earliest: date | None
    latest: date | None


def _dated_events(
    conn: Connection, type_: str, visible: Collection[str], person_ids: Iterable[str] | None = None
) -> list[_Dated]:
    """Events of `type_` with each person they happened to (role victim), oldest first, undated last."""
    ep = event_participants
    query = (
        sa.select(ep.c.person_id, events.c.case_id, events.c.date_earliest, events.c.date_latest, events.c.id)
        .join(ep, ep.c.event_id == events.c.id)
        .join(people, people.c.id == ep.c.person_id)
        .where(events.c.type == type_, ep.c.role == "victim")
        .where(_shown(events, visible), _shown(people, visible))
    )
    wanted = None if person_ids is None else set(person_ids)
    rows = [row for row in conn.execute(query).all() if wanted is None or row.person_id in wanted]
    # Sorted here, not in SQL: backends disagree on where an unknown date (NULL) sorts.
    rows.sort(key=lambda r: (r.person_id, r.date_earliest is None, r.date_earliest or date.min, r.id))
    return [_Dated(*row[:4]) for row in rows]


def _arrests(conn: Connection, visible: Collection[str], person_ids: set[str]) -> dict[str, list[_Dated]]:
    by_person: dict[str, list[_Dated]] = defaultdict(list)
    for arrest in _dated_events(conn, "arrest", visible, person_ids):
        by_person[arrest.person_id].append(arrest)
    return by_person


def _year(earliest: date | None, latest: date | None) -> int | None:
    """The year of a partial date when it is known (a date within one calendar year)."""
    if earliest is None or latest is None or earliest.year != latest.year:
        return None
    return earliest.year


def _arrest_year_before(arrests: list[_Dated], day: date | None) -> int | None:
    """The year of the person's latest arrest that may have happened by `day` (None: none recorded)."""
    before = [a for a in arrests if a.earliest is not None and (day is None or a.earliest <= day)]
    return _year(before[-1].earliest, before[-1].latest) if before else None


def _to_verdict(
    conn: Connection, on: date, visible: Collection[str], excluded: Counter[str]
) -> list[Observation]:
    """From a person's first arrest in a case to the first verdict naming them in that case."""
    firsts: dict[tuple[str, str], _Dated] = {}
    for arrest in _dated_events(conn, "arrest", visible):
        if arrest.earliest is not None and arrest.earliest > on:
            continue  # after the analysis day
        if arrest.case_id is None:
            # Without a case we cannot tell a prosecution from a short detention; picking only the
            # caseless arrests that did reach a verdict would shorten the estimate.
            excluded[NO_CASE] += 1
        else:
            firsts.setdefault((arrest.person_id, arrest.case_id), arrest)
    verdicts: dict[tuple[str, str], list[_Dated]] = defaultdict(list)
    for verdict in _dated_events(conn, "verdict", visible, {pid for pid, _ in firsts}):
        if verdict.case_id is not None:
            verdicts[(verdict.person_id, verdict.case_id)].append(verdict)
    found = []
    for key, arrest in firsts.items():
        # The first verdict that may fall on or after the arrest: a first-instance verdict.
        later = [
            v
            for v in verdicts[key]
            if v.latest is None or arrest.earliest is None or v.latest >= arrest.earliest
        ]
        stop = (later[0].earliest, later[0].latest) if later else None
        year = _year(arrest.earliest, arrest.latest)
        spell = _spell(
            key[0], (arrest.earliest, arrest.latest), stop, on, year, excluded, (ARREST_VAGUE, VERDICT_VAGUE)
        )
        if spell is not None:
            found.append(spell)
    return found


def _groups(conn: Connection, person_ids: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    ids = sorted(person_ids)
    for start in range(0, len(ids), 500):  # bound parameters stay under SQLite's limit
        for pid, code in conn.execute(
            sa.select(person_groups.c.person_id, person_groups.c.code)
            .where(person_groups.c.person_id.in_(ids[start : start + 500]))
            .order_by(person_groups.c.person_id, person_groups.c.position)
        ):
            if code not in found[pid]:
                found[pid].append(code)
    return found


def _stratify(
    spells: list[Observation], by: str, groups: dict[str, list[str]]
) -> list[tuple[str | None, list[Observation]]]:
    """Spells per stratum; a person in two groups counts in both. Largest groups first, years in order."""
    if by == "none":
        return [("all", spells)] if spells else []
    strata: dict[str | None, list[Observation]] = defaultdict(list)
    for spell in spells:
        if by == "group":
            codes: list[str | None] = [*groups.get(spell.person_id, [])] or [None]
            for code in codes:
                strata[code].append(spell)
        else:
            strata[None if spell.arrest_year is None else str(spell.arrest_year)].append(spell)
    if by == "group":
        order = sorted(strata, key=lambda k: (k is None, -len(strata[k]), k or ""))
    else:
        order = sorted(strata, key=lambda k: (k is None, k or ""))
    return [(key, strata[key]) for key in order]


def _finite(value: Any) -> float | None:
    number = float(value)
    return None if math.isinf(number) or math.isnan(number) else number


def _fit(key: str | None, spells: list[Observation]) -> Stratum:
    """The Kaplan–Meier fit of one stratum (lifelines; the median's interval is lifelines' own)."""
    # Imported here: lifelines takes seconds to import, and only this needs it.
    from lifelines import KaplanMeierFitter  # type: ignore[import-untyped]
    from lifelines.utils import median_survival_times  # type: ignore[import-untyped]

    fitter = KaplanMeierFitter(alpha=0.05).fit([s.days for s in spells], [s.ended for s in spells])
    lower, upper = median_survival_times(fitter.confidence_interval_).iloc[0].tolist()
    bands = fitter.confidence_interval_survival_function_
    longest = max(s.days for s in spells)
    last_estimate = float(fitter.survival_function_.iloc[-1, 0])
    survival: dict[int, tuple[float, float, float] | None] = {}
    for days in SURVIVAL_DAYS:
        if days > longest and last_estimate > 0:
            survival[days] = None  # nobody still held was followed that long: not estimable
            continue
        estimate = float(fitter.survival_function_at_times(days).iloc[0])
        low, high = bands[bands.index <= days].iloc[-1].tolist()
        survival[days] = (estimate, float(low), float(high))
    events = sum(s.ended for s in spells)
    return Stratum(
        key=key,
        n=len(spells),
        events=events,
        censored=len(spells) - events,
        approximated=sum(s.approximated for s in spells),
        median=_finite(fitter.median_survival_time_),
        median_ci95=(_finite(lower), _finite(upper)),
        survival=survival,
    )
