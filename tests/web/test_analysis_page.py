"""The analysis page over real HTTP: its sections and notes, the figures of habeas.analysis, visibility."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.analysis import durations as durations_module
from habeas.analysis.durations import durations
from habeas.analysis.series import ALL, series
from habeas.domain.dates import PartialDate
from habeas.domain.records import Case, CustodyPeriod, Event, Participant, Person, PersonName
from habeas.security.roles import ROLE_VISIBILITY
from habeas.service import Service
from habeas.web import analysis, i18n

Client = Callable[[str], TestClient]
NOTES = ("note-minimum", "note-held", "note-arrests", "note-durations", "note-around", "note-estimation")


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row of the table with `table_id`: its header cell, then its data cells."""
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


def today(app: FastAPI) -> date:
    found: date = app.state.web.clock().date()
    return found


def test_the_page_has_every_section_with_its_note(client: Client) -> None:
    page = client("viewer").get("/analysis")
    assert page.status_code == 200
    html = page.text
    for note in NOTES:
        assert f'id="{note}"' in html, note
    assert "a minimum" in html and "not proof of a crackdown" in html and "habeas estimate" in html
    for measure in durations_module.MEASURES:
        assert f'id="durations-{measure}"' in html
    assert 'id="held-chart"' in html and 'id="arrests-chart"' in html
    assert re.search(r'<table class="around" id="around-[0-9A-Z]{26}">\s*<caption>COP29: 2024-11-11', html)
    # Works with JavaScript off and loads nothing from elsewhere: the only script is the vendored one.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/htmx-2.0.11.min.js" defer>']
    assert not re.search(r'(src|href|action)="(https?:)?//', html)
    assert '<a href="/analysis">' in html  # in the navigation


def test_the_figures_are_those_of_the_analysis_library(app: FastAPI, client: Client) -> None:
    viewer = ROLE_VISIBILITY["viewer"]
    day = today(app)
    html = client("viewer").get("/analysis").text
    with app.state.web.store.reading() as conn:
        monthly = series(
            conn, date(day.year - 10, day.month, 1), day, "month", event_types=("arrest",), visible=viewer
        )
        report = durations(conn, "pretrial", day, visible=viewer)
    last_year = monthly.points[-12:]
    assert [int(r[1]) for r in cells(html, "held-table")] == [p.counts[ALL].held for p in last_year]
    arrests = [p.counts[ALL].events.get("arrest", 0) for p in last_year]
    assert [int(r[1]) for r in cells(html, "arrests-table")] == arrests
    (everyone,) = cells(html, "durations-pretrial")
    (stratum,) = report.strata
    assert everyone[:4] == ["Everyone", str(stratum.n), str(stratum.events), str(stratum.censored)]
    assert stratum.median is not None and everyone[4].startswith(f"{stratum.median:g} (")


def test_a_viewer_never_counts_confidential_records(app: FastAPI, client: Client) -> None:
    day = today(app)
    month = PartialDate.of(day.replace(day=1))
    service = Service(app.state.web.store, "test")
    secret = service.create(
        Person(names=[PersonName(value="Secret Qx Person")], groups=["journalist"], visibility="confidential")
    )[0].id
    case = service.create(Case(title="Secret Qx case", person_ids=[secret], visibility="confidential"))[0].id
    service.create(
        Event(
            type="arrest",
            date=month,
            case_id=case,
            participants=[Participant(person_id=secret)],
            visibility="confidential",
        ),
        CustodyPeriod(person_id=secret, kind="pre_trial_detention", start=month, visibility="confidential"),
    )

    def figures(role: str) -> tuple[int, int, int, int]:
        html = client(role).get("/analysis").text
        assert "Secret Qx" not in html
        pretrial, verdict = cells(html, "durations-pretrial")[0], cells(html, "durations-to-verdict")[0]
        held, arrests = cells(html, "held-table")[-1], cells(html, "arrests-table")[-1]
        return int(held[1]), int(arrests[1]), int(pretrial[1]), int(verdict[1])

    seen_by_viewer, seen_by_editor = figures("viewer"), figures("editor")
    # The confidential detainee: held today, arrested this month, in pre-trial detention, awaiting a verdict.
    assert [e - v for e, v in zip(seen_by_editor, seen_by_viewer, strict=True)] == [1, 1, 1, 1]


def test_durations_split_by_group_and_by_year_through_a_plain_form(client: Client) -> None:
    viewer = client("viewer")
    html = viewer.get("/analysis").text
    assert '<form method="get" action="/analysis#durations"' in html and 'name="by"' in html
    by_group = viewer.get("/analysis", params={"by": "group"}).text
    groups = [row[0] for row in cells(by_group, "durations-served")]
    assert "Journalist" in groups and "Everyone" not in groups
    assert '<option value="group" selected>' in by_group
    by_year = viewer.get("/analysis", params={"by": "arrest-year"}).text
    years = [row[0] for row in cells(by_year, "durations-to-verdict")]
    assert years and all(re.fullmatch(r"\d{4}|not recorded", y) for y in years)
    assert years == sorted(years, key=lambda y: (not y.isdigit(), y))


def test_a_bad_split_is_refused_with_one_clear_line(client: Client) -> None:
    page = client("viewer").get("/analysis", params={"by": "sex"})
    assert page.status_code == 422
    assert "by: &#39;sex&#39; is not valid; use one of: group, arrest-year, none" in page.text


def test_a_period_not_over_yet_has_no_window_after_in_the_future(app: FastAPI, client: Client) -> None:
    from habeas.domain.records import ContextPeriod

    day = today(app)
    Service(app.state.web.store, "test").create(
        ContextPeriod(
            name="Ongoing Qz summit",
            start=PartialDate.of(day - timedelta(days=3)),
            end=PartialDate.of(day + timedelta(days=3)),
        ),
        ContextPeriod(
            name="Recent Qz games",
            start=PartialDate.of(day - timedelta(days=20)),
            end=PartialDate.of(day - timedelta(days=10)),
        ),
    )
    html = client("editor").get("/analysis").text
    assert "<caption>Ongoing Qz summit" not in html  # not over: nothing to compare yet
    recent = html.split("<caption>Recent Qz games", 1)[1].split("</table>", 1)[0]
    # The window after runs from the day after the games to today: 10 days, not 90.
    after = re.search(
        r"After <span class=\"meta\">(\S+) – (\S+)</span></th>\s*<td class=\"n\">(\d+)</td>", recent
    )
    assert after is not None
    assert after.group(2) == day.isoformat() and after.group(3) == "10"


def test_exclusion_reasons_are_marked_for_translation() -> None:
    assert set(analysis.EXCLUSION_LABELS) == set(durations_module.EXCLUSION_REASONS)


def test_the_page_in_russian(client: Client) -> None:
    viewer = client("viewer")
    viewer.get("/language/ru", params={"next": "/analysis"})
    html = viewer.get("/analysis").text
    ru = i18n.gettext_for("ru")
    assert '<html lang="ru">' in html
    for msgid in ("Analysis", "Time in pre-trial detention", "Arrests per month, last 10 years"):
        assert re.search(r"[\u0400-\u04ff]", ru(msgid)), f"no Russian for {msgid!r} yet"
        assert ru(msgid) in html
