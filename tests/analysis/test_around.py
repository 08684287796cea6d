"""Events around a context period (habeas.analysis.around): windows, exclusions, rate ratios, the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from statsmodels.stats.proportion import proportion_confint  # type: ignore[import-untyped]

from habeas.analysis.around import Around, around, bar_spans, find_context_period, parse_days, rate_ratio
from habeas.analysis.around_chart import chart_svg
from habeas.domain.dates import PartialDate
from habeas.domain.records import ContextPeriod, Event, Participant, Person, PersonName
from habeas.errors import ValidationError
from habeas.service import Service
from habeas.storage.store import Store

P = PartialDate.parse
D = date
SVG = "{http://www.w3.org/2000/svg}"


def person(service: Service, name: str, *groups: str) -> str:
    return service.create(Person(names=[PersonName(value=name)], groups=list(groups)))[0].id


def arrest(service: Service, when: str, *victims: str, type_: str = "arrest") -> None:
    participants = [Participant(person_id=v) for v in victims]
    service.create(Event(type=type_, date=P(when), participants=participants))


def summit(
    service: Service, name: str = "Test Summit", start: str = "2024-11-11", end: str | None = "2024-11-22"
) -> str:
    period = ContextPeriod(name=name, start=P(start), end=None if end is None else P(end))
    return service.create(period)[0].id


@pytest.fixture
def summit_id(service: Service) -> str:
    """A 12-day invented summit, and arrests of invented people before, during and after it."""
    journalist = person(service, "Aysel Testova", "journalist")
    other = person(service, "Bahram Testov", "peaceful_protester")
    for day in ("2024-10-20", "2024-11-01"):  # before: 12 October – 10 November (30 days)
        arrest(service, day, other)
    for day in ("2024-11-12", "2024-11-15"):  # during: 11–22 November (12 days)
        arrest(service, day, other)
    arrest(service, "2024-11-20", journalist)
    arrest(service, "2024-12-01", journalist)  # after: 23 November – 22 December (30 days)
    arrest(service, "2024-11-25/2024-11-30", other)  # in the after window, known to within 6 days
    arrest(service, "2024-11", other)  # across all three windows: left out
    arrest(service, "2024-12", other)  # runs past the after window: left out
    arrest(service, "XXXX", other)  # unknown: left out
    arrest(service, "2023-05-01", other)  # long before: not counted at all
    arrest(service, "2024-11-13", other, type_="search")
    return summit(service)


def report(store: Store, key: str, before: int = 30, after: int = 30, **options: object) -> Around:
    with store.reading() as conn:
        return around(conn, key, before, after, **options)  # type: ignore[arg-type]


def test_counts_rates_and_exclusions(store: Store, summit_id: str) -> None:
    found = report(store, summit_id)
    assert [(w.name, w.first, w.last, w.days, w.events) for w in found.windows] == [
        ("before", D(2024, 10, 12), D(2024, 11, 10), 30, 2),
        ("during", D(2024, 11, 11), D(2024, 11, 22), 12, 3),
        ("after", D(2024, 11, 23), D(2024, 12, 22), 30, 2),
    ]
    assert found.windows[1].rate == 3 / 12
    assert (found.straddling, found.date_unknown) == (2, 1)
    assert found.not_drawn == 1  # the arrest known to within six days: a daily chart cannot draw it
    assert len(found.bars) == 72 and sum(b.events for b in found.bars) == 6
    ratio = found.ratios["during"]
    assert ratio.estimate == pytest.approx((3 / 12) / (2 / 30))


def test_a_name_case_aside_a_group_and_another_type(store: Store, summit_id: str) -> None:
    assert report(store, "test SUMMIT").windows == report(store, summit_id).windows
    journalists = report(store, "Test Summit", group="journalist")
    assert [w.events for w in journalists.windows] == [0, 1, 1]
    searches = report(store, "Test Summit", event_type="search")
    assert [w.events for w in searches.windows] == [0, 1, 0]
    assert (searches.straddling, searches.date_unknown) == (0, 0)


def test_rate_ratio_interval_against_a_hand_computation() -> None:
    # n1 = 3 events in 12 days against n0 = 2 in 30: given 5 events, n1 ~ Binomial(5, p),
    # p = R·12 / (R·12 + 30), so R = p / (1 - p) · 30 / 12 at each end of p's exact interval.
    found = rate_ratio(3, 12, 2, 30)
    p_low, p_high = proportion_confint(3, 5, alpha=0.05, method="beta")
    assert found.estimate == pytest.approx(3.75)
    assert found.low == pytest.approx(p_low / (1 - p_low) * 30 / 12, rel=1e-9)
    assert found.high == pytest.approx(p_high / (1 - p_high) * 30 / 12, rel=1e-9)
    # Closed forms at the edges: with n0 = 0, p_low = 0.025^(1/n1) and no upper limit.
    edge = rate_ratio(2, 10, 0, 20)
    p = 0.025**0.5
    assert edge.estimate is None and edge.high is None
    assert edge.low == pytest.approx(p / (1 - p) * 2, rel=1e-9)
    # With n1 = 0, the ratio is 0 and p_high = 1 - 0.025^(1/n0).
    none_during = rate_ratio(0, 10, 4, 20)
    q = 1 - 0.025**0.25
    assert (none_during.estimate, none_during.low) == (0.0, 0.0)
    assert none_during.high == pytest.approx(q / (1 - q) * 2, rel=1e-9)
    assert rate_ratio(0, 10, 0, 20).as_json() == {"estimate": None, "ci95": [None, None]}


def test_weekly_bars_start_on_the_period_first_day() -> None:
    bars = bar_spans(D(2024, 8, 13), D(2024, 11, 11), D(2025, 2, 20))
    assert bars[0] == (D(2024, 8, 13), D(2024, 8, 18))  # a shorter first week
    assert (D(2024, 11, 11), D(2024, 11, 17)) in bars
    assert bars[-1][1] == D(2025, 2, 20)
    assert all((b[0] - a[1]).days == 1 for a, b in zip(bars, bars[1:], strict=False))
    assert bar_spans(D(2024, 11, 1), D(2024, 11, 11), D(2024, 11, 30))[0] == (D(2024, 11, 1), D(2024, 11, 1))


def test_the_chart_is_plain_svg_with_the_period_shaded(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    someone = person(service, "Chinara Testova", "journalist")
    for day in ("2024-09-01", "2024-11-12", "2024-11-13", "2025-01-10"):
        arrest(service, day, someone)
    summit(service)
    found = report(sqlite_store, "Test Summit", 90, 90)
    assert len(found.bars) > 20 and (found.bars[1].last - found.bars[1].first).days == 6
    text = chart_svg(found)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert "Test Summit: 2024-11-11 – 2024-11-22" in text
    assert "“Arrest” events per week around Test Summit" in text
    drawn = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#3b6ea5"]
    assert len(drawn) == 3  # the two arrests during the summit fall in one week
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in text


def test_finding_periods_and_bad_input(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    first = summit(service, "Forum")
    summit(service, "forum", "2025-03-01", "2025-03-04")
    summit(service, "Undated", "XXXX", None)
    with sqlite_store.reading() as conn:
        assert find_context_period(conn, first).name == "Forum"
        for key, says in (("Forum", "several"), ("Nowhere", "id or name"), ("Undated", "not known")):
            with pytest.raises(ValidationError, match=says) as refused:
                find_context_period(conn, key)
            assert refused.value.field == "period"
    for options, field in (
        ({"event_type": "raid"}, "event_type"),
        ({"group": "spies"}, "group"),
        ({"before": 0}, "before"),
        ({"after": 20_001}, "after"),
    ):
        before, after = int(options.pop("before", 30)), int(options.pop("after", 30))  # type: ignore[call-overload]
        with pytest.raises(ValidationError) as refused:
            report(sqlite_store, first, before, after, **options)
        assert refused.value.field == field
    assert parse_days("90d", "before") == parse_days("90", "before") == 90
    assert parse_days("13w", "after") == 91
    with pytest.raises(ValidationError, match="90d or 13w"):
        parse_days("three months", "before")
