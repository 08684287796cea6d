"""SVG charts: well-formed, script-free, deterministic drawings; and the figures the site draws, which
count a dated fact only where its date is certain."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Assessment,
    Charge,
    CustodyPeriod,
    Event,
    Organisation,
    Participant,
    Person,
    PersonName,
)
from habeas.editions import RULES
from habeas.i18n import gettext_for
from habeas.publishing import site_charts
from habeas.publishing.charts import Period, labelled_bars, month_columns, nice_steps
from habeas.publishing.dataset import collect
from habeas.service import Service
from habeas.storage.store import Store

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [
    (date(2024, m, 28), n) for m, n in zip(range(1, 13), (0, 3, 5, 5, 8, 13, 12, 7, 7, 6, 4, 9), strict=True)
]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def test_month_columns_draw_one_bar_per_month_and_shade_the_periods_named() -> None:
    svg = month_columns(
        "Held <per> month", POINTS, [Period("Summit & talks", date(2024, 11, 11), date(2024, 11, 22))]
    )
    root = _parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#0b4f8a"]
    assert len(bars) == len(POINTS)
    tallest = max(bars, key=lambda r: float(r.get("height", "0")))
    assert tallest.findtext(f"{SVG}title") == "2024-06: 13"
    assert root.findtext(f"{SVG}title") == "Held <per> month"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Summit & talks" in texts and "2024-01" in texts
    assert "<script" not in svg and "href" not in svg and "@import" not in svg
    assert svg == month_columns(
        "Held <per> month", POINTS, [Period("Summit & talks", date(2024, 11, 11), date(2024, 11, 22))]
    )


def test_a_period_outside_the_months_shown_is_not_shaded() -> None:
    root = _parse(month_columns("t", POINTS, [Period("Long ago", date(2012, 5, 22), date(2012, 5, 26))]))
    assert "Long ago" not in [t.text for t in root.iter(f"{SVG}text")]


def test_labelled_bars_cut_long_labels_and_keep_them_whole_in_the_tooltip() -> None:
    long = "Baku Pre-trial Detention Facility No. 1 (Kurdakhany settlement)"
    root = _parse(labelled_bars("Where", [(long, 7), ("CC 233", 2)]))
    assert [t.text for t in root.iter(f"{SVG}text")][1:] == [long[:39].rstrip() + "…", "7", "CC 233", "2"]
    titles = [r.findtext(f"{SVG}title") for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert titles == [f"{long}: 7", "CC 233: 2"]


def test_empty_charts_are_still_drawn() -> None:
    for svg in (month_columns("none", []), labelled_bars("none", [])):
        assert "—" in [t.text for t in _parse(svg).iter(f"{SVG}text")]


def test_grid_lines_fall_on_round_numbers() -> None:
    assert nice_steps(0) == []
    assert nice_steps(4) == [1, 2, 3, 4]
    assert nice_steps(13) == [5, 10]
    assert nice_steps(360) == [100, 200, 300]
    assert nice_steps(9_999) == [2000, 4000, 6000, 8000]


# -- the figures ----------------------------------------------------------------------------


def _someone(service: Service, name: str, start: str, end: str | None, facility: str | None = None) -> str:
    (person,) = service.create(
        Person(
            names=[PersonName(value=name)], groups=["blogger"], visibility="public", consent_to_publish=True
        )
    )
    service.create(
        CustodyPeriod(
            person_id=person.id,
            kind="imprisonment",
            start=PartialDate.parse(start),
            end=PartialDate.parse(end) if end else None,
            facility_id=facility,
            visibility="public",
        ),
        Assessment(
            person_id=person.id,
            conclusion="political_prisoner",
            decided_on=PartialDate.parse("2023-01-01"),
            visibility="public",
        ),
    )
    return person.id


def test_figures_count_a_dated_fact_only_where_its_date_is_certain(sqlite_store: Store) -> None:
    service = Service(sqlite_store, "tester")
    (prison,) = service.create(
        Organisation(name="Invented Prison", kind="detention_facility", visibility="public")
    )
    exact = _someone(service, "Exact Days", "2024-01-15", "2024-04-10", prison.id)
    _someone(service, "Month Only", "2024-02", "2024-05")  # counted from Feb's end, not at May's
    _someone(service, "Year Only", "2024", None, prison.id)  # certainly held only from 31 December
    service.create(Charge(person_id=exact, article="233", label="group disorder", visibility="public"))
    for day in ("2024-03-03", "2024-03-20", "2024-04", "2024"):  # the last is not known to a month
        service.create(
            Event(
                type="arrest",
                date=PartialDate.parse(day),
                participants=[Participant(person_id=exact)],
                visibility="public",
            )
        )
    data = collect(sqlite_store, on=date(2025, 1, 10), rule=RULES["pace"])
    figures = site_charts.compute(data)
    by_month = {
        m.strftime("%Y-%m"): (held, arrests)
        for m, held, arrests in zip(figures.months, figures.held, figures.arrests, strict=True)
    }
    assert figures.months[0] == date(2024, 1, 31) and figures.months[-1] == date(2025, 1, 10)
    assert [by_month[m][0] for m in ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-11")] == [
        1,
        2,
        2,
        1,
        0,
        0,
    ]
    assert by_month["2024-12"][0] == 1 and by_month["2025-01"][0] == 1
    assert by_month["2024-03"][1] == 2 and by_month["2024-04"][1] == 1 and sum(figures.arrests) == 3
    # on the list's day only "Year Only" is held and named; the one charged has left the list
    assert figures.facilities == (("Invented Prison", 1),)
    assert figures.charges == ()
    drawn = site_charts.draw(figures, gettext_for("en"))
    assert [c.name for c in drawn] == list(site_charts.CHART_NAMES)
    assert drawn[0].rows[0] == ("2024-01", 1)
