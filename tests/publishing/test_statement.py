"""Footnoted statements: the figures on a day, each footnoted to its public sources, in md, html and pdf.

A real SQLite store holds invented people on the list (named, withheld for want of consent, one whose
custody record is restricted), a restricted person, arrests in and out of the 90-day period and around
a context period, a hearing monitors could not enter, a refused prison visit, and public, confidential
and confidentially cited sources. Nothing the public may not see may reach a statement.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_downloads import ON, public_people

from conftest import Habeas
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Assessment,
    Citation,
    ContextPeriod,
    CustodyPeriod,
    Event,
    Intervention,
    Participant,
    Person,
    PersonName,
    Record,
    Source,
)
from habeas.editions import RULES, publish
from habeas.errors import ValidationError
from habeas.i18n import LANGUAGES, gettext_for
from habeas.publishing.dataset import PublicData, collect
from habeas.publishing.statement import FORMATS, render_statement
from habeas.service import Service
from habeas.storage.store import Store

DAY = date(2024, 11, 22)
TITLE = "Statement on politically motivated detention"
HERALD = "Invented Herald: detentions in Baku"
MARKERS = (
    "MRKRESTRICTEDPERSON",
    "MRKNOCONSENT",
    "MRKCONFSOURCE",
    "MRKCONFLOCATOR",
    "MRKSECRETPLACE",
    "MRKRESTRICTEDARREST",
    "MRKINTERVIEW",
    "Cited only in confidence",
)
# what the sources of the arrests in the period are called; the two latest are only counted
ARREST_SOURCES = [f"Invented Weekly, issue {n}" for n in range(1, 8)]


def _d(text: str) -> PartialDate:
    return PartialDate.parse(text)


def _person(name: str, group: str, visibility: str = "public", consent: bool = True) -> Person:
    return Person(
        names=[PersonName(value=name)], groups=[group], visibility=visibility, consent_to_publish=consent
    )


def _arrest(person: Record, when: str, visibility: str = "public", summary: str = "") -> Event:
    return Event(
        type="arrest",
        date=_d(when),
        participants=[Participant(person_id=person.id)],
        visibility=visibility,
        summary=summary,
    )


def _cite(
    source: Record,
    kind: str,
    target: Record,
    locator: str = "",
    target_field: str = "",
    visibility: str = "public",
) -> Citation:
    return Citation(
        source_id=source.id,
        target_kind=kind,
        target_id=target.id,
        target_field=target_field,
        locator=locator,
        visibility=visibility,
    )


def _seed(store: Store) -> None:
    """The people, their custody and events, and the sources cited for them."""
    service = Service(store, "tester")
    people, custody = _people(service)
    events, interventions, cop = _events(service, people)
    herald, monitor_note, refusal, cop_source, secret, interview, confided, birth = service.create(
        Source(
            title=HERALD,
            publisher="Invented Herald",
            published=_d("2024-07-02"),
            visibility="public",
            url="https://herald.invalid/detentions",
        ),
        Source(title="Trial monitoring note", publisher="Invented Courts Watch", visibility="public"),
        Source(title="Letter refusing a prison visit", publisher="Invented Watch", visibility="public"),
        Source(title="COP29 dates", publisher="Invented UN page", visibility="public"),
        Source(title="MRKCONFSOURCE", visibility="confidential"),
        Source(title="MRKINTERVIEW", kind="interview", visibility="public"),
        Source(title="Cited only in confidence", visibility="public"),
        Source(title="Invented birth register", visibility="public"),
    )
    weekly = service.create(
        *(
            Source(
                title=title, publisher="Invented Weekly", published=_d(f"2024-09-0{n}"), visibility="public"
            )
            for n, title in enumerate(ARREST_SOURCES, start=1)
        )
    )
    service.create(
        *(
            _cite(herald, "custody_period", period, f"p. {n}")
            for n, period in enumerate(custody[:3], start=1)
        ),
        _cite(herald, "person", people[0], "p. 9", target_field="groups"),
        _cite(birth, "person", people[0], target_field="birth_date"),  # not a source of the groups
        _cite(secret, "custody_period", custody[0]),
        _cite(interview, "custody_period", custody[1]),
        _cite(confided, "custody_period", custody[0], "MRKCONFLOCATOR", visibility="confidential"),
        _cite(herald, "custody_period", custody[4], "MRKCONFLOCATOR"),  # its target is restricted
        *(_cite(weekly[n], "event", events[0]) for n in (0, 4, 6)),
        *(_cite(weekly[n], "event", events[1]) for n in (1, 5)),
        *(_cite(weekly[n], "event", events[2]) for n in (2, 3)),
        _cite(monitor_note, "event", events[7], "para. 2"),
        _cite(refusal, "intervention", interventions[0]),
        _cite(cop_source, "context_period", cop),
    )


def _people(service: Service) -> tuple[list[Record], list[Record]]:
    """Five people on the list (one withheld, one whose custody is restricted) and a restricted one."""
    people = service.create(
        _person("Aysel Quliyeva", "journalist"),
        _person("Bəhruz Səmədov", "blogger"),
        _person("Cavid Nəsirli", "human_rights_defender"),
        _person("MRKNOCONSENT", "journalist", consent=False),
        _person("Fərid Mehdiyev", "journalist"),
        _person("MRKRESTRICTEDPERSON", "journalist", visibility="restricted"),
    )
    a, b, c, withheld, f, hidden = people
    since = _d("2024-06-01")
    custody = service.create(
        CustodyPeriod(person_id=a.id, kind="pre_trial_detention", start=since, visibility="public"),
        CustodyPeriod(person_id=b.id, kind="imprisonment", start=since, visibility="public"),
        CustodyPeriod(person_id=c.id, kind="administrative_detention", start=since, visibility="public"),
        CustodyPeriod(
            person_id=withheld.id,
            kind="pre_trial_detention",
            start=since,
            place="MRKNOCONSENT",
            visibility="public",
        ),
        CustodyPeriod(
            person_id=f.id, kind="imprisonment", start=since, place="MRKSECRETPLACE", visibility="restricted"
        ),
        CustodyPeriod(person_id=hidden.id, kind="pre_trial_detention", start=since, visibility="public"),
        CustodyPeriod(
            person_id=a.id, kind="pre_trial_detention", start=_d("2023-01-01"), end=_d("2023-02-01")
        ),
    )
    service.create(
        *(
            Assessment(
                person_id=p.id,
                conclusion="political_prisoner",
                decided_on=_d("2024-07-01"),
                visibility="public",
            )
            for p in people
        )
    )
    return people, custody


def _events(service: Service, people: list[Record]) -> tuple[list[Record], list[Record], Record]:
    """Arrests in and out of the period and around COP29, hearings, interventions, COP29 itself."""
    a, b, c, withheld = people[:4]
    events = service.create(
        _arrest(a, "2024-09-10"),  # in the period
        _arrest(b, "2024-11-15"),  # in the period, during COP29
        _arrest(c, "2024-11-01"),  # in the period, in the 12 days before COP29
        _arrest(c, "2024-08"),  # the month begins before the period: not certainly within it
        _arrest(a, "2024-03-01"),  # before the period
        _arrest(b, "2024-10-01", "restricted", "MRKRESTRICTEDARREST"),
        _arrest(withheld, "2024-10-02"),  # withheld with its victim
        Event(
            type="trial_hearing",
            date=_d("2024-10-15"),
            participants=[Participant(person_id=a.id)],
            monitoring_outcome="refused_entry",
            visibility="public",
        ),
        Event(
            type="trial_hearing", date=_d("2024-10-16"), monitoring_outcome="attended", visibility="public"
        ),
    )
    interventions = service.create(
        *(
            Intervention(
                kind=kind,
                person_id=a.id,
                actor="Invented Watch",
                date=_d("2024-11-20"),
                response=response,
                visibility="public",
            )
            for kind, response in (("prison_visit_request", "refused"), ("appeal_to_authorities", "granted"))
        )
    )
    (cop,) = service.create(
        ContextPeriod(name="COP29", start=_d("2024-11-11"), end=_d("2024-11-22"), visibility="public")
    )
    return events, interventions, cop


@pytest.fixture
def data(sqlite_store: Store) -> PublicData:
    _seed(sqlite_store)
    return collect(sqlite_store, on=DAY)


def _markdown(data: PublicData, lang: str) -> tuple[str, dict[int, str]]:
    """The statement's body and its footnotes by number."""
    text = render_statement(data, "md", lang)
    assert isinstance(text, str)
    body, _, notes = text.partition("\n[^1]: ")
    found = dict((int(n), note) for n, note in re.findall(r"^\[\^(\d+)\]: (.*)$", "[^1]: " + notes, re.M))
    return body, found


def _note_after(body: str, notes: dict[int, str], phrase: str) -> str:
    """The footnote of the sentence containing `phrase`."""
    assert phrase in body, phrase
    number = re.search(r"\[\^(\d+)\]", body[body.index(phrase) :])
    assert number is not None
    return notes[int(number.group(1))]


def test_figures_and_their_footnotes_in_english(data: PublicData) -> None:
    body, notes = _markdown(data, "en")

    assert body.startswith(f"# {TITLE}\n\n*November 22, 2024*\n")
    # the journalist whose custody record is restricted is not on a list computed in public
    total = _note_after(body, notes, "charges stood at 4.")
    assert f"{HERALD}, Invented Herald, July 2, 2024, p. 1, p. 2, p. 3" in total
    assert "Method: List computed on November 22, 2024 under rule pace." in total
    assert "(1 in all)" in body
    kinds = _note_after(body, notes, "Among the people named (3), the number in pre-trial detention is 1 and")
    assert "imprisoned after trial is 1." in body and HERALD in kinds
    assert "Other forms of custody account for 1: administrative detention (1)." in body
    assert "the form of custody on that day is not public" not in body
    # the one withheld journalist is too few to be counted as a journalist: the groups say so
    groups = _note_after(
        body,
        notes,
        "are: journalist (1), blogger (1), human rights defender (1). These group figures leave out the"
        " people whose names are withheld in groups with fewer than 3 of them (1 in all), who are"
        " counted in the total only.",
    )
    assert "withheld where the group has at least 3 of them" in groups
    assert f"{HERALD}, Invented Herald, July 2, 2024, p. 9" in groups
    assert "Invented birth register" not in groups

    arrests = _note_after(body, notes, "Between August 25, 2024 and November 22, 2024, the number of arrests")
    assert "recorded was 3." in body
    assert [t for t in ARREST_SOURCES if t in arrests] == ARREST_SOURCES[:5]
    assert "and other sources (2)" in arrests
    monitors = _note_after(body, notes, "refused entry in this period was 1.")
    assert "Trial monitoring note, Invented Courts Watch, para. 2" in monitors
    refused = _note_after(body, notes, "was 1: request to visit a place of detention (1).")
    assert "Letter refusing a prison visit" in refused
    cop = _note_after(body, notes, "During COP29 (November 11, 2024 to November 22, 2024), the number")
    assert "was 1, against 1 in the same number of days before it." in body
    assert "COP29 dates" in cop and ARREST_SOURCES[1] in cop and ARREST_SOURCES[2] in cop
    assert "October 30, 2024 to November 10, 2024" in cop


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_footnote_is_cited_once_in_order_and_nothing_hidden_shows(data: PublicData, lang: str) -> None:
    body, notes = _markdown(data, lang)
    _ = gettext_for(lang)

    assert [int(n) for n in re.findall(r"\[\^(\d+)\]", body)] == list(range(1, len(notes) + 1))
    assert len(notes) == 9
    assert body.startswith(f"# {_(TITLE)}\n")
    assert all(_("Method:") in note for note in notes.values())
    assert HERALD in notes[1] and "https://herald.invalid/detentions" in notes[1]
    dates = {"en": "November 22, 2024", "az": "22 noyabr 2024", "ru": "22 ноября 2024 г."}
    groups = {"en": "journalist (1)", "az": "jurnalist (1)", "ru": "журналист (1)"}
    assert dates[lang] in body and groups[lang] in body
    for marker in MARKERS:
        assert marker not in body and marker not in "".join(notes.values()), marker


class _Page(HTMLParser):
    """The ids, links, tags and lang of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.add(tag)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a":
            self.links.append(values.get("href") or "")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_html_is_a_standalone_page_with_linked_footnotes(data: PublicData, lang: str) -> None:
    html = render_statement(data, "html", lang)
    assert isinstance(html, str)
    page = _Page()
    page.feed(html)

    assert html.startswith("<!DOCTYPE html>") and page.lang == lang
    assert not page.tags & {"script", "link", "img", "iframe", "object"}
    assert "src=" not in html and "url(" not in html and "@import" not in html
    notes = [i for i in page.ids if i.startswith("note-")]
    refs = [i for i in page.ids if i.startswith("ref-")]
    assert notes == [f"note-{n}" for n in range(1, 10)] and refs == [f"ref-{n}" for n in range(1, 10)]
    internal = [link for link in page.links if link.startswith("#")]
    assert sorted(internal) == sorted([f"#{i}" for i in notes + refs])
    assert {link for link in page.links if not link.startswith("#")} == {"https://herald.invalid/detentions"}
    assert "stood at 4" in html or lang != "en"
    for marker in MARKERS:
        assert marker not in html, marker


def test_same_data_same_bytes(sqlite_store: Store) -> None:
    _seed(sqlite_store)
    for fmt in ("md", "html"):
        first = render_statement(collect(sqlite_store, on=DAY), fmt, "ru")
        assert render_statement(collect(sqlite_store, on=DAY), fmt, "ru") == first


def test_an_edition_is_named_in_the_method(sqlite_store: Store) -> None:
    _seed(sqlite_store)
    edition = publish(Service(sqlite_store, "tester"), DAY, RULES["pace"])
    body, notes = _markdown(collect(sqlite_store), "en")

    assert f"List edition {edition.id} of November 22, 2024, under rule pace." in notes[1]
    # the edition holds the journalist whose custody record is restricted: named, custody not told
    assert "charges stood at 5." in body
    assert "For 1 of the people named, the form of custody on that day is not public." in body


def test_groups_count_withheld_people_only_where_there_are_three(sqlite_store: Store) -> None:
    public_people(sqlite_store)  # one named and one withheld journalist, three withheld bloggers
    body, notes = _markdown(collect(sqlite_store, on=ON), "en")

    assert "charges stood at 5." in body  # the total holds everyone, whatever their category
    assert "(no consent to publication, or relatives of critics; 4 in all)" in body
    _note_after(
        body,
        notes,
        "are: blogger (3), journalist (1). These group figures leave out the people whose names are"
        " withheld in groups with fewer than 3 of them (1 in all), who are counted in the total only.",
    )
    assert "Withheld Blogger" not in body and "Nigar Unconsented" not in body


@pytest.mark.parametrize("lang", ["en", "az"])
def test_pdf_text_has_the_title_total_and_a_source(data: PublicData, lang: str) -> None:
    pdf = render_statement(data, "pdf", lang)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())

    assert gettext_for(lang)(TITLE) in text
    assert HERALD in text and "Invented Weekly, issue 1" in text
    assert re.search(r"\b4\b", text)
    if lang == "az":
        assert "hüquq müdafiəçisi (1)" in text  # ə drawn and read back: the font covers it
    else:
        assert "stood at 4." in text
    for marker in MARKERS:
        assert marker not in text, marker
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4 in points


@pytest.mark.parametrize(("fmt", "lang", "field"), [("docx", "en", "format"), ("md", "fr", "lang")])
def test_unknown_format_or_language_is_refused(data: PublicData, fmt: str, lang: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        render_statement(data, fmt, lang)
    assert refused.value.field == field
    assert "md, html, pdf" in str(refused.value) or "en, az, ru" in str(refused.value)


def test_formats_are_md_html_pdf() -> None:
    assert FORMATS == ("md", "html", "pdf")


def test_the_command_writes_markdown_and_pdf(habeas: Habeas, tmp_path: Path) -> None:
    habeas("demo", "--people", "80", "--seed", "5")

    md = habeas("publish", "statement", "--on", "2024-11-22", "--format", "md").stdout
    assert md.startswith(f"# {TITLE}\n") and "stood at " in md and "\n[^1]: Sources: " in md
    az = habeas("publish", "statement", "--on", "2024-11-22", "--lang", "az").stdout
    assert "22 noyabr 2024" in az
    out = tmp_path / "statement.pdf"
    result = habeas("publish", "statement", "--on", "2024-11-22", "--format", "pdf", "--out", str(out))
    assert str(out) in result.stdout
    assert TITLE in " ".join(" ".join(p.extract_text() or "" for p in PdfReader(out).pages).split())


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--format", "docx"], "--format"),
        (["--lang", "fr"], "--lang"),
        (["--format", "pdf"], "--out"),
        (["--on", "22.11.2024"], "--on"),
    ],
)
def test_bad_options_give_one_line(habeas: Habeas, args: list[str], named: str) -> None:
    on = [] if "--on" in args else ["--on", "2024-11-22"]
    result = habeas("publish", "statement", *on, *args, ok=False)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr


def test_markdown_shows_titles_as_written() -> None:
    from habeas.publishing.statement import markdown_text

    assert (
        markdown_text("Report *urgent* [draft]\n<b> #2 a_b") == r"Report \*urgent\* \[draft\] \<b\> \#2 a\_b"
    )
