"""The static public site, built from a real SQLite store of invented people.

The store holds a person who is public and consented (named, with names in three scripts and
footnoted sources), one public without consent (counted in no category, never named), one
restricted (neither), and one who left the list between two editions. The site is built in English,
Azerbaijani and Russian; its pages, links, languages, determinism and the refusal to replace a
user's folder are checked, and `habeas publish site` is run as a real process on a demo database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_downloads import ON, public_people

from conftest import Habeas
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Assessment,
    Charge,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Organisation,
    Participant,
    Person,
    PersonName,
    Source,
)
from habeas.editions import REASONS, RULES, publish
from habeas.errors import ValidationError
from habeas.i18n import gettext_for
from habeas.publishing.dataset import PublicData, collect
from habeas.publishing.site import CSP, MARK, SiteSummary, build_site
from habeas.publishing.site_pages import REASON_MESSAGES, RULE_DESCRIPTIONS
from habeas.service import Service
from habeas.storage.store import Store

LANGS = ("en", "az", "ru")
FIRST, SECOND = date(2024, 2, 1), date(2024, 6, 1)
SECRET_SOURCE = "Confidential informant notes"
TEAM_NOTE = "Team note: MRKEDITIONNOTE"  # an edition's note is written for the team, never published


@dataclass(frozen=True)
class World:
    named: str  # public, consented, on both editions
    leaver: str  # public, consented, released between the editions
    unnamed: str  # public, no consent: counted, never named
    hidden: str  # restricted: neither named nor counted
    lawyer: str  # public, consented, a participant but never on the list


def _person(
    service: Service, names: list[PersonName], *, visibility: str = "public", consent: bool = True
) -> str:
    person = Person(
        names=names,
        groups=["journalist"],
        visibility=visibility,
        consent_to_publish=consent,
        birth_date=PartialDate.parse("1990-04-05"),
    )
    return service.create(person)[0].id


def _held(service: Service, person_id: str, facility: str, end: str | None = None) -> str:
    period, _ = service.create(
        CustodyPeriod(
            person_id=person_id,
            kind="pre_trial_detention",
            start=PartialDate.parse("2023-12-10"),
            end=PartialDate.parse(end) if end else None,
            facility_id=facility,
            visibility="public",
        ),
        Assessment(
            person_id=person_id,
            conclusion="political_prisoner",
            criteria=["fundamental_guarantee_violated", "unfair_proceedings_political"],
            decided_on=PartialDate.parse("2024-01-05"),
            rationale="Invented rationale.",
            visibility="public",
        ),
    )
    return period.id


def make_world(store: Store) -> World:
    """Invented people, sources and two editions (FIRST and SECOND) in `store`."""
    service = Service(store, "tester")
    report, unsafe, secret, prison = service.create(
        Source(
            title="Invented Monitor annual report",
            publisher="Invented Monitor",
            published=PartialDate.parse("2024-01"),
            url="https://example.org/report?a=1&b=2",
            visibility="public",
        ),
        Source(title="Invented blog post", url="javascript:alert(1)", visibility="public"),
        Source(title=SECRET_SOURCE, visibility="confidential"),
        Organisation(name="Invented Prison No. 9", kind="detention_facility", visibility="public"),
    )
    service.create(
        ContextPeriod(
            name="Invented Summit",
            start=PartialDate.parse("2024-01-15"),
            end=PartialDate.parse("2024-01-20"),
            visibility="public",
        )
    )
    named = _person(
        service,
        [
            PersonName(value="Aysel Uydurma", script="Latn", language="az"),
            PersonName(value="Aysel Uydurma-Latin", script="Latn", language="en", kind="transliteration"),
            PersonName(value="Айсель Выдуманная", script="Cyrl", language="ru", kind="transliteration"),
        ],
    )
    lawyer = _person(service, [PersonName(value="Elchin Advokat")])
    period = _held(service, named, prison.id)
    (charge,) = service.create(
        Charge(
            person_id=named,
            article="206.3.2",
            label="smuggling by a group",
            brought=PartialDate.parse("2023-12-12"),
            visibility="public",
        )
    )
    (arrest,) = service.create(
        Event(
            type="arrest",
            date=PartialDate.parse("2023-12-10"),
            place="Baku",
            participants=[Participant(person_id=named), Participant(person_id=lawyer, role="lawyer")],
            visibility="public",
        )
    )
    service.cite(report.id, "person", named, locator="p. 4", quote="held since December", visibility="public")
    service.cite(report.id, "custody_period", period, locator="p. 5", visibility="public")
    service.cite(unsafe.id, "charge", charge.id, locator="para. 2", visibility="public")
    service.cite(report.id, "event", arrest.id, locator="p. 5", visibility="public")
    service.cite(secret.id, "person", named, locator="tape 7", visibility="confidential")
    leaver = _person(service, [PersonName(value="Rauf Azad")])
    _held(service, leaver, prison.id, end="2024-03-01")
    service.create(
        Event(
            type="release",
            date=PartialDate.parse("2024-03-01"),
            participants=[Participant(person_id=leaver)],
            visibility="public",
        )
    )
    unnamed = _person(service, [PersonName(value="Nigar Gizli")], consent=False)
    _held(service, unnamed, prison.id)
    hidden = _person(service, [PersonName(value="Leyla Mexfi")], visibility="restricted")
    _held(service, hidden, prison.id)
    publish(service, FIRST, RULES["pace"])
    publish(service, SECOND, RULES["pace"], note=TEAM_NOTE)
    return World(named, leaver, unnamed, hidden, lawyer)


@pytest.fixture
def world(sqlite_store: Store) -> World:
    return make_world(sqlite_store)


@pytest.fixture
def data(sqlite_store: Store, world: World) -> PublicData:
    return collect(sqlite_store)


@pytest.fixture
def site(data: PublicData, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build_site(data, out, LANGS)
    return out


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The page's text with tags removed and spaces collapsed, for reading sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


# -- pages and what they say ---------------------------------------------------------


def test_every_page_chart_and_download_is_written(data: PublicData, world: World, tmp_path: Path) -> None:
    written: list[int] = []
    summary = build_site(data, tmp_path / "site", LANGS, written.append)
    site = tmp_path / "site"
    html = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert summary == SiteSummary(len(html), sum(1 for p in site.rglob("*") if p.is_file()), 2, LANGS)
    assert sum(written) == summary.pages
    for lang in LANGS:
        for page in ("index", "methodology", "editions", "charts"):
            assert f"{lang}/{page}.html" in html
        for chart in ("held", "arrests", "charges", "facilities"):
            assert (site / lang / "charts" / f"{chart}.svg").is_file()
        assert f"{lang}/people/{world.named}.html" in html
        assert f"{lang}/people/{world.leaver}.html" in html
    assert not any(world.unnamed in p or world.hidden in p or world.lawyer in p for p in html)
    for path in ("index.html", "static/site.css", "data/list.csv", "data/list.json", MARK):
        assert (site / path).is_file()


def test_index_lists_by_category_with_counts_and_the_withheld_line(site: Path, world: World) -> None:
    page = read(site, "en/index.html")
    words = text_of(page)
    assert f"Political prisoners on {SECOND.isoformat()}" in words
    assert "People on the list: 2." in words
    assert "Named here: 1; names withheld: 1." in words
    # one withheld journalist is too few to be shown under her category: she is counted apart
    journalists = page[page.index('id="category-journalist"') :]
    assert "Journalist 1" in words and "withheld" not in journalists[: journalists.index("</section>")]
    assert "Names withheld, not shown by category 1 Total 2" in words
    assert "People whose names are withheld and who are not shown by category: 1." in words
    assert f'href="../en/people/{world.named}.html">Aysel Uydurma</a>' in page
    assert re.search(r"Edition [0-9A-Z]{26} of 2024-06-01", words)
    for lang in LANGS:
        for path in site.joinpath(lang).rglob("*.html"):
            content = path.read_text(encoding="utf-8")
            assert "Nigar Gizli" not in content and "Leyla Mexfi" not in content
            assert SECRET_SOURCE not in content and "tape 7" not in content
            assert "MRKEDITIONNOTE" not in content


def test_withheld_people_are_shown_by_category_only_where_there_are_three(
    sqlite_store: Store, tmp_path: Path
) -> None:
    public_people(sqlite_store)  # one withheld journalist, three withheld bloggers, one named journalist
    build_site(collect(sqlite_store, on=ON), tmp_path / "site", ["en"])
    page = read(tmp_path / "site", "en/index.html")
    words = text_of(page)
    assert "People on the list: 5. Named here: 1; names withheld: 4." in words
    assert "Journalist 1 Blogger 3 Names withheld, not shown by category 1 Total 5" in words
    assert "Blogger (3) Names withheld: 3" in words
    assert "People whose names are withheld and who are not shown by category: 1." in words
    assert "Withheld Blogger" not in page and "Nigar Unconsented" not in page


def test_a_computed_list_says_it_is_not_an_edition(sqlite_store: Store, world: World, tmp_path: Path) -> None:
    data = collect(sqlite_store, on=SECOND)
    build_site(data, tmp_path / "site", ["en"])
    assert "Computed for the day 2024-06-01" in read(tmp_path / "site", "en/index.html")
    assert "No edition has been published" in read(tmp_path / "site", "en/editions.html")


def test_person_page_shows_names_in_every_script_and_footnoted_sources(site: Path, world: World) -> None:
    page = read(site, f"en/people/{world.named}.html")
    words = text_of(page)
    for name in ("Aysel Uydurma", "Aysel Uydurma-Latin", "Айсель Выдуманная"):
        assert name in page
    assert 'lang="ru">Айсель Выдуманная' in page
    assert "Cyrillic" in words and "Transliteration" in words
    assert "Journalist" in words and "Year of birth: 1990" in words
    assert "1990-04-05" not in page  # the public see the year only
    assert "On 2024-06-01: Pre-trial detention since 2023-12-10, at Invented Prison No. 9." in words
    assert "CC 206.3.2" in words and "smuggling by a group" in words
    assert "Political prisoner" in words
    assert "Held after clearly unfair proceedings" in words  # a PACE criterion's label
    assert "Arrest (Baku)" in words and "Elchin Advokat" not in words
    # every footnote mark points at a note of the sources list, and every note is used
    marks = set(re.findall(r'href="#note-(\d+)"', page))
    notes = set(re.findall(r'<li id="note-(\d+)"', page))
    assert marks == notes and len(notes) == 3  # the arrest and the custody share "p. 5"
    assert "<cite>Invented Monitor annual report</cite>, Invented Monitor, 2024-01, p. 4." in page
    assert "<q>held since December</q>" in page
    assert '<a href="https://example.org/report?a=1&amp;b=2" rel="noreferrer noopener">' in page
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page  # shown, never a link
    timeline = page[page.index('id="timeline"') :]
    arrest, custody = timeline.index("Arrest (Baku)"), timeline.index("Pre-trial detention begins")
    assert arrest < custody  # one day: the arrest, then the custody it began


def test_a_participant_sees_their_part_in_an_event(data: PublicData, world: World, tmp_path: Path) -> None:
    from habeas.publishing.site_people import PeopleIndex, person_page

    index = PeopleIndex.build(data)
    lines = [line.text for line in person_page(data, index, world.lawyer, "en")["timeline"]]
    assert lines == ["Arrest (Baku) (as Lawyer)"]


def test_methodology_page_states_the_criteria_the_rule_and_how_counts_are_made(site: Path) -> None:
    words = text_of(read(site, "en/methodology.html"))
    assert "Resolution 1900 (2012)" in words
    assert "(b) Held for purely political reasons, with no offence at all" in words
    assert "Rule: pace — Detained (house arrest does not count)" in words
    assert "Pre-trial detention" in words and "Imprisonment" in words
    assert "a person held is not on the list until they are assessed." in words
    for point in ("recomputed from the dated facts", "certainly covers", "whose names are withheld"):
        assert point in words
    for point in (
        "neither named nor counted",
        "consented to publication",
        "Witnesses",
        "reduced to the year",
        "whose names are withheld (no consent to publication, or relatives of critics)",
        "Relatives of critics are never named, even with consent",
        "counted in their category only where it has at least 3 of them",
        "counts everyone whose public custody records show them held",
    ):
        assert point in words


def test_editions_page_shows_each_edition_and_what_changed(site: Path, world: World) -> None:
    page = read(site, "en/editions.html")
    words = text_of(page)
    assert "Edition of 2024-06-01" in words and "Edition of 2024-02-01" in words
    assert "People on the list: 2." in words and "People on the list: 3." in words
    assert "Changes since the edition of 2024-02-01:" in words
    assert f'<a href="../en/people/{world.leaver}.html">Rauf Azad</a> (Journalist): released' in page
    assert "Nigar Gizli" not in page


def test_pages_are_in_each_language_and_switch_between_them(site: Path, world: World) -> None:
    person = f"people/{world.named}.html"
    for lang in LANGS:
        page = read(site, f"{lang}/{person}")
        assert f'<html lang="{lang}">' in page
        for other in set(LANGS) - {lang}:
            assert f'href="../../{other}/{person}"' in page
    assert "Айсель Выдуманная</a>" in read(site, "ru/index.html")  # the reader's script first
    assert "Jurnalist" in read(site, "az/index.html")
    assert "Журналист" in read(site, "ru/index.html")
    title = gettext_for("ru")("People in custody at each month end, on the list or not")
    assert f"<title>{escape(title)}</title>" in read(site, "ru/charts/held.svg")


def test_the_same_data_gives_the_same_bytes(data: PublicData, tmp_path: Path) -> None:
    build_site(data, tmp_path / "one", LANGS)
    build_site(data, tmp_path / "two", LANGS)
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()
    }
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []


# -- links: every one resolves, none loads from another host -----------------------------


class Links(HTMLParser):
    """The references a page makes, its ids, its scripts, its lang and its CSP."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.scripts = 0
        self.lang = ""
        self.csp = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.refs += [
            (tag, name, found[name]) for name in ("href", "src", "action", "srcset") if name in found
        ]
        self.ids.update(v for n, v in found.items() if n == "id")
        self.scripts += tag == "script"
        if tag == "html":
            self.lang = found.get("lang", "")
        if tag == "meta" and found.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = found.get("content", "")


def test_every_internal_link_resolves_and_nothing_loads_from_another_host(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    parsed = {}
    for path in pages:
        links = Links()
        links.feed(path.read_text(encoding="utf-8"))
        parsed[path] = links
    checked = 0
    for path, links in parsed.items():
        assert links.scripts == 0, path
        assert links.lang in LANGS, path
        assert links.csp == CSP == "default-src 'none'; style-src 'self'; img-src 'self'"
        for tag, attribute, value in links.refs:
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                assert (tag, attribute) == ("a", "href"), f"{path}: {tag} {attribute}={value} loads from away"
                assert parts.scheme == "https", value
                continue
            assert not value.startswith("/"), f"{path}: {value} is not relative"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path}: {value} leads nowhere"
            assert site.resolve() in target.parents, f"{path}: {value} leaves the site"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in parsed[target].ids, f"{path}: no #{parts.fragment} in {target}"
            checked += 1
    assert checked > 100


def test_charts_page_shows_each_chart_as_an_image_with_its_figures(site: Path) -> None:
    page = read(site, "en/charts.html")
    for chart in ("held", "arrests", "charges", "facilities"):
        assert f'<img src="charts/{chart}.svg"' in page
    words = text_of(page)
    assert "The figures as a table" in words
    assert "Invented Prison No. 9 1" in words  # the named member held there on the list's day
    assert "CC 206.3.2 (smuggling by a group) 1" in words
    held = read(site, "en/charts/held.svg")
    assert "Invented Summit" in held and "<script" not in held
    # the held chart counts custody records, not the list: its title, caption and the page say so
    assert "People in custody at each month end, on the list or not" in held
    assert (
        "People in custody at each month end, from the public custody records (whether or not on the list)"
        in (words)
    )
    assert "whether or not they are on the list: this is not the list" in words
    assert "The chart of people in custody at each month end counts everyone whose public custody" in words
    assert "Month People in custody" in words


# -- the output folder ---------------------------------------------------------------


def test_a_folder_habeas_did_not_build_is_refused_and_left_as_it_was(
    data: PublicData, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work", encoding="utf-8")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("notes", encoding="utf-8")
    for out in (mine, a_file):
        with pytest.raises(ValidationError) as refused:
            build_site(data, out, ["en"])
        assert refused.value.field == "OUT_DIR" and refused.value.value == str(out)
        assert "habeas replaces only a site it built" in str(refused.value)
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    assert a_file.read_text(encoding="utf-8") == "notes"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_empty_folder_or_an_earlier_site_is_replaced(data: PublicData, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    build_site(data, out, ["en", "ru"])
    (out / "stale.html").write_text("from before", encoding="utf-8")
    build_site(data, out, ["en"])
    assert (out / "en" / "index.html").is_file()
    assert not (out / "stale.html").exists() and not (out / "ru").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing left behind


def test_an_unknown_language_is_refused(data: PublicData, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        build_site(data, tmp_path / "site", ["en", "fr"])
    assert refused.value.field == "langs" and refused.value.value == "fr"
    assert not (tmp_path / "site").exists()


# -- words that reach pages as data ------------------------------------------------------


def test_every_reason_and_built_in_rule_is_marked_for_translation() -> None:
    assert set(REASONS.values()) == set(REASON_MESSAGES)
    assert {rule.description for rule in RULES.values()} <= set(RULE_DESCRIPTIONS)


# -- the command -------------------------------------------------------------------------


def test_habeas_publish_site_builds_the_demo_and_refuses_a_users_folder(
    habeas: Habeas, tmp_path: Path
) -> None:
    habeas("demo", "--people", "40", "--seed", "5")
    habeas("list", "publish", "--on", "2024-06-01")
    out = tmp_path / "public-site"
    result = habeas("publish", "site", str(out), "--lang", "en,ru")
    pages = sum(1 for _ in out.rglob("*.html"))
    assert f"{pages} pages written to {out}" in result.stdout
    assert (out / "en" / "index.html").is_file() and (out / "ru" / "index.html").is_file()
    assert not (out / "az").exists()
    assert "Edition" in (out / "en" / "index.html").read_text(encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "keep.txt").write_text("keep", encoding="utf-8")
    refused = habeas("publish", "site", str(mine), ok=False)
    assert refused.returncode != 0
    assert "OUT_DIR" in refused.stderr and "habeas replaces only a site it built" in refused.stderr
    assert (mine / "keep.txt").read_text(encoding="utf-8") == "keep"
