"""Durations (Kaplan–Meier): spells from the dated facts, censoring, partial dates, strata, the CLI."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from habeas.analysis.durations import DurationReport, Stratum, durations, resolve
from habeas.domain.dates import PartialDate
from habeas.domain.records import Case, CustodyPeriod, Event, Participant, Person, PersonName
from habeas.errors import ValidationError
from habeas.service import Service
from habeas.storage.store import Store

P = PartialDate.parse
ON = date(2024, 3, 31)
Z95 = 1.959963984540054


def person(service: Service, name: str, *groups: str, visibility: str = "restricted") -> str:
    (made,) = service.create(
        Person(names=[PersonName(value=name)], groups=list(groups), visibility=visibility)
    )
    return made.id


def custody(service: Service, pid: str, kind: str, start: str, end: str | None = None, **fields: str) -> str:
    period = CustodyPeriod(
        person_id=pid, kind=kind, start=P(start), end=None if end is None else P(end), **fields
    )  # type: ignore[arg-type]
    return service.create(period)[0].id


def event(service: Service, type_: str, day: str, pid: str, case_id: str | None = None) -> None:
    service.create(
        Event(
            type=type_, date=P(day), case_id=case_id, participants=[Participant(person_id=pid, role="victim")]
        )
    )


def report(store: Store, measure: str, by: str = "none", on: date = ON, **kw: object) -> DurationReport:
    with store.reading() as conn:
        return durations(conn, measure, on, by, **kw)  # type: ignore[arg-type]


def only(found: DurationReport) -> Stratum:
    (stratum,) = found.strata
    return stratum


def four_spells(service: Service) -> dict[str, str]:
    """Spells of 30 (ended), 59 (censored: ends after ON), 60 (ended) and 90 days (censored: open)."""
    ids = {
        "a": person(service, "Aysel A", "journalist"),
        "b": person(service, "Bahruz B", "journalist", "blogger"),
        "c": person(service, "Cavid C"),
        "d": person(service, "Dunya D", "blogger"),
    }
    custody(service, ids["a"], "pre_trial_detention", "2024-01-01", "2024-01-31")
    custody(service, ids["b"], "pre_trial_detention", "2024-01-01", "2024-03-01")
    custody(service, ids["c"], "pre_trial_detention", "2024-01-01")
    custody(service, ids["d"], "pre_trial_detention", "2024-02-01", "2024-04-01")
    return ids


def test_kaplan_meier_by_hand_with_censoring(store: Store, service: Service) -> None:
    four_spells(service)
    found = only(report(store, "pretrial"))
    assert (found.key, found.n, found.events, found.censored, found.approximated) == ("all", 4, 2, 2, 0)
    # S(30) = 3/4; one censored at 59; S(60) = 3/4 · 1/2. The median is the first day S ≤ 1/2.
    assert found.median == 60
    ninety = found.survival[90]
    assert ninety is not None and ninety[0] == pytest.approx(0.375)
    assert ninety[1] < 0.375 < ninety[2]
    assert found.survival[180] is None  # nobody still held was followed 180 days


def test_an_earlier_analysis_day_censors_more(store: Store, service: Service) -> None:
    four_spells(service)
    # On 15 February: A ended at 30 days; B and C are censored at 45, D at 14.
    found = only(report(store, "pretrial", on=date(2024, 2, 15)))
    assert (found.n, found.events, found.censored) == (4, 1, 3)
    # Fewer than half have left: the median is not reached, its interval open above.
    assert found.median is None and found.median_ci95 == (30, None)
    assert found.survival[90] is None
    # Before anyone was held there is nothing to estimate.
    assert report(store, "pretrial", on=date(2023, 12, 31)).strata == []


def test_survival_interval_is_the_exponential_greenwood_one(store: Store, service: Service) -> None:
    for n in range(4):
        pid = person(service, f"Person {n}")
        # 30 days ended for the first; the others open since the same day, censored at 100 days.
        custody(service, pid, "imprisonment", "2024-01-01", "2024-01-31" if n == 0 else None)
    found = only(report(store, "served", on=date(2024, 4, 10)))
    estimate, low, high = found.survival[90] or (0, 0, 0)
    v = (1 / 12) / math.log(0.75) ** 2
    assert estimate == pytest.approx(0.75)
    assert low == pytest.approx(0.75 ** math.exp(Z95 * math.sqrt(v)))
    assert high == pytest.approx(0.75 ** math.exp(-Z95 * math.sqrt(v)))


def test_all_ended_gives_zero_beyond_the_longest_spell(store: Store, service: Service) -> None:
    for n, end in enumerate(("2024-01-11", "2024-01-21")):
        custody(service, person(service, f"P{n}"), "pre_trial_detention", "2024-01-01", end)
    found = only(report(store, "pretrial"))
    assert found.median == 10 and found.median_ci95[0] == 10
    assert found.survival[90] == (0.0, 0.0, 0.0)


def test_partial_dates_are_placed_mid_month_or_left_out(store: Store, service: Service) -> None:
    month = person(service, "Month Start")
    custody(service, month, "pre_trial_detention", "2024-02", "2024-03-01")  # Feb 2024: 1–29, middle the 15th
    custody(service, person(service, "Year Start"), "pre_trial_detention", "2023", "2024-03-01")
    custody(service, person(service, "Unknown End"), "pre_trial_detention", "2024-01-01", "XXXX")
    custody(service, person(service, "Season End"), "pre_trial_detention", "2023-12-01", "2024-21")
    custody(service, person(service, "Later"), "pre_trial_detention", "2024-05-01")  # after ON: not asked
    found = report(store, "pretrial")
    stratum = only(found)
    # Season End's earliest possible end (1 March) is before ON, so its vague end leaves it out.
    assert (stratum.n, stratum.events, stratum.approximated, found.approximated) == (1, 1, 1, 1)
    assert stratum.median == 15  # 15 February to 1 March
    assert found.excluded == {
        "end date vaguer than a month or unknown": 2,
        "start date vaguer than a month or unknown": 1,
    }
    assert resolve(date(2024, 4, 1), date(2024, 4, 30)) == (date(2024, 4, 15), True)
    assert resolve(date(2024, 4, 1), date(2024, 4, 1)) == (date(2024, 4, 1), False)
    assert resolve(date(2024, 3, 1), date(2024, 5, 31)) == (None, False)
    assert resolve(None, date(2024, 5, 31)) == (None, False)


def test_a_vague_end_after_the_analysis_day_is_still_censored(store: Store, service: Service) -> None:
    custody(service, person(service, "Vague Later End"), "pre_trial_detention", "2024-01-01", "2024-21")
    stratum = only(report(store, "pretrial", on=date(2024, 2, 10)))
    assert (stratum.n, stratum.events, stratum.censored) == (1, 0, 1)


def test_by_group_counts_a_person_in_each_group(store: Store, service: Service) -> None:
    four_spells(service)
    found = report(store, "pretrial", by="group")
    counts = {s.key: (s.n, s.events) for s in found.strata}
    assert counts == {"journalist": (2, 2), "blogger": (2, 1), None: (1, 0)}
    assert [s.key for s in found.strata][-1] is None  # "no group recorded" comes last


def test_to_verdict_pairs_arrest_and_verdict_of_the_same_case(store: Store, service: Service) -> None:
    tried, waiting, caseless = (person(service, n) for n in ("Tried T", "Waiting W", "Caseless C"))
    case = service.create(Case(title="Case of T and W", person_ids=[tried, waiting]))[0].id
    other = service.create(Case(title="Other case", person_ids=[waiting]))[0].id
    event(service, "arrest", "2023-01-10", tried, case)
    event(service, "arrest", "2023-02-01", tried, case)  # a second arrest in the same case: the first counts
    event(service, "verdict", "2023-06-10", tried, case)
    event(service, "verdict", "2024-01-10", tried, case)  # an appeal-era verdict: the first counts
    event(service, "arrest", "2023-12", waiting, case)
    event(service, "verdict", "2024-01-05", waiting, other)  # another case's verdict is not theirs
    event(service, "arrest", "2023-03-03", caseless)
    event(service, "verdict", "2023-04-04", caseless)
    found = report(store, "to-verdict", by="arrest-year")
    assert found.excluded == {"arrest not linked to a case": 1}
    assert found.approximated == 1
    assert [(s.key, s.n, s.events, s.censored) for s in found.strata] == [("2023", 2, 1, 1)]
    (stratum,) = found.strata
    # Tried: 151 days to the verdict; Waiting: from 16 Dec 2023 to ON (106 days), censored.
    assert stratum.median == 151


def test_to_verdict_with_vague_or_unknown_dates(store: Store, service: Service) -> None:
    year_only, season, undated = (person(service, n) for n in ("Year Y", "Season S", "Undated U"))
    cases = [
        service.create(Case(title=f"Case {n}", person_ids=[p]))[0].id
        for n, p in enumerate((year_only, season, undated))
    ]
    event(service, "arrest", "2023", year_only, cases[0])
    event(service, "arrest", "2023-01-01", season, cases[1])
    event(service, "verdict", "2023-21", season, cases[1])  # spring 2023: could be any day of three months
    event(service, "arrest", "XXXX", undated, cases[2])  # an undated arrest never hides a dated one
    event(service, "arrest", "2023-02-01", undated, cases[2])
    event(service, "verdict", "2023-03-03", undated, cases[2])
    found = report(store, "to-verdict")
    assert found.excluded == {
        "arrest date vaguer than a month or unknown": 1,
        "verdict date vaguer than a month or unknown": 1,
    }
    stratum = only(found)
    assert (stratum.n, stratum.events, stratum.median) == (1, 1, 30)


def test_arrest_year_of_a_period_is_that_of_the_latest_arrest_before_it(
    store: Store, service: Service
) -> None:
    pid = person(service, "Twice Arrested")
    event(service, "arrest", "2019", pid)
    event(service, "arrest", "2022-05-03", pid)
    custody(service, pid, "imprisonment", "2023-01-10", "2023-07-10")
    custody(service, person(service, "No Arrest"), "imprisonment", "2023-01-10", "2023-02-10")
    found = report(store, "served", by="arrest-year")
    assert [(s.key, s.n) for s in found.strata] == [("2022", 1), (None, 1)]


def test_visibility_and_retraction(store: Store, service: Service) -> None:
    ids = four_spells(service)
    hidden = person(service, "Hidden H", visibility="confidential")
    custody(service, hidden, "pre_trial_detention", "2024-01-01", "2024-01-05")
    gone = custody(service, ids["a"], "pre_trial_detention", "2023-01-01", "2023-01-05")
    service.retract("custody_period", gone)
    assert only(report(store, "pretrial")).n == 5
    assert only(report(store, "pretrial", visible={"public", "restricted"})).n == 4


@pytest.mark.parametrize(
    ("measure", "by", "field"), [("time", "none", "--measure"), ("pretrial", "sex", "--by")]
)
def test_bad_input_names_the_option(sqlite_store: Store, measure: str, by: str, field: str) -> None:
    with pytest.raises(ValidationError, match=f"^{field}: "):
        report(sqlite_store, measure, by)


def test_nothing_to_estimate(sqlite_store: Store) -> None:
    found = report(sqlite_store, "served", by="group")
    assert found.strata == [] and found.excluded == {}


def test_cli_table_json_and_errors(habeas) -> None:  # type: ignore[no-untyped-def]
    habeas("demo", "--people", "40", "--seed", "3")
    data = json.loads(habeas("stats", "durations", "--measure", "pretrial", "--format", "json").stdout)
    assert data["measure"] == "pretrial" and data["by"] == "none"
    (stratum,) = data["strata"]
    assert stratum["n"] == stratum["events"] + stratum["censored"] > 0
    assert set(stratum["survival"]) == {"90", "180", "365", "730"}
    table = habeas("stats", "durations", "--measure", "served", "--by", "group", "--on", "2024-11-20").stdout
    assert "Time served in prison, in days, as of 2024-11-20" in table
    assert "median (95% CI)" in table
    for args, field in (
        (("--measure", "weeks"), "--measure"),
        (("--by", "sex"), "--by"),
        (("--on", "2024-02-30"), "--on"),
    ):
        failed = habeas("stats", "durations", *args, ok=False)
        assert failed.returncode == 2
        assert failed.stderr.startswith(f"error: {field}: ") and failed.stderr.count("\n") == 1
