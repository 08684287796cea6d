"""Reading published list documents: THE LIST (August 2014, PDF and HTML), layouts, bad files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from habeas.errors import ValidationError
from habeas.ingest.listdoc import ListDocument, articles_in, read_document, read_list_date
from habeas.ingest.listdoc_layout import make_layout

THE_LIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "the-list-2014"
SECTIONS = {
    "A. Journalists and bloggers": 13,
    "B. Human rights defenders": 10,
    "C. Youth activists": 9,
    "D. Politicians": 2,
    "E. Religious activists": 52,
    "F. Lifetime prisoners": 3,
    "G. Other cases": 9,
}
pytestmark = pytest.mark.skipif(not THE_LIST.exists(), reason="THE LIST 2014 is not in ../shared/data")


@pytest.fixture(scope="session")
def pdf_list() -> ListDocument:
    return read_document(THE_LIST / "the-list-aug-2014.pdf")  # pypdf takes a few seconds: read once


@pytest.fixture(scope="session")
def html_list() -> ListDocument:
    return read_document(THE_LIST / "the-list-aug-2014.html")


@pytest.mark.parametrize("which", ["pdf_list", "html_list"])
def test_the_list_has_98_entries_in_its_seven_sections(which: str, request: pytest.FixtureRequest) -> None:
    document: ListDocument = request.getfixturevalue(which)
    assert [e.number for e in document.entries] == list(range(1, 99))
    assert Counter(e.section for e in document.entries) == SECTIONS
    assert document.title == "THE LIST POLITICAL PRISONERS IN AZERBAIJAN August 2014"


def test_pdf_and_html_give_the_same_entries(pdf_list: ListDocument, html_list: ListDocument) -> None:
    def key(document: ListDocument) -> list[tuple[object, ...]]:
        return [
            (e.number, e.name, e.section, e.page, e.articles, e.arrest_date, e.place, e.groups, e.problems)
            for e in document.entries
        ]

    assert key(pdf_list) == key(html_list)


def test_entry_1_field_by_field(pdf_list: ListDocument) -> None:
    entry = pdf_list.entries[0]
    assert entry.name == "Abdul Abdulmanaf oglu Abilov"
    assert entry.page == 8
    assert entry.arrest_date_text == "22 November 2013"
    assert entry.arrest_date.text == "2013-11-22"
    assert entry.articles == ["234.4.3"]
    assert entry.place == "Baku Investigative Prison No. 1 (Kurdakhani pre-trial detention center)"
    assert entry.custody_kind == "pre_trial_detention"
    assert entry.groups == ["journalist", "blogger"]
    assert entry.background.startswith("Abilov was the administrator of a popular Facebook page")
    assert "http://bit.ly" not in entry.background  # footnotes are left out
    assert entry.problems == []


def test_entries_worded_differently_in_the_real_list(pdf_list: ListDocument) -> None:
    by_number = {e.number: e for e in pdf_list.entries}
    yunus = by_number[20]  # "Date of Detention:", "The Charges:", split name
    assert (yunus.name, yunus.page, yunus.arrest_date.text) == (
        "Leyla Yunus (Leyla Islam qızı Yunusova)",
        28,
        "2014-07-30",
    )
    assert by_number[21].place == "Baku Investigative Facility (Kurdakhani prison)"  # label broken over lines
    assert by_number[12].articles == ["220.1", "315.2"]  # a blank line of spaces is not a footnote rule
    assert by_number[41].arrest_date.text == "2007-01-20"  # "January 20, 2007"
    assert by_number[43].arrest_date.text == "2007-03-13"  # "March13, 2007"
    assert by_number[35].articles[-1] == "278"  # "278-ci"
    assert by_number[35].group_background.startswith("Said Dadashbayli studied")
    assert by_number[24].subsection.startswith("a. The board members")
    assert by_number[33].groups == ["opposition_party_member"]
    assert by_number[50].groups == ["religious_believer"]
    assert by_number[90].groups == ["other"]


def test_problems_are_listed_not_hidden(pdf_list: ListDocument) -> None:
    by_number = {e.number: e for e in pdf_list.entries}
    assert by_number[27].problems == ["no place of detention found"]
    assert by_number[84].arrest_date.text == "2014-04-14"
    assert "read from the text" in by_number[84].problems[0]
    assert by_number[87].articles[:3] == ["57", "57-1", "59"]  # parts of articles are not articles
    assert sum(1 for e in pdf_list.entries if e.problems) == 12


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Criminal Code Articles 167.2.2.1 (Import (2 copies), sale); 234.1 (x) and 283.2.3",
            ["167.2.2.1", "234.1", "283.2.3"],
        ),
        ("Article 233 of the Criminal Code(Organization of actions)", ["233"]),
        ("Articles 28, 214.2.1 (Preparation); 278-ci (capture)", ["28", "214.2.1", "278"]),
        ("Article 57 (x (y); Article 59, Parts 1 (z) and 15 (w)", ["57", "59"]),
    ],
)
def test_articles(text: str, expected: list[str]) -> None:
    assert articles_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "noted"),
    [
        ("22 November 2013", "2013-11-22", False),
        ("July 23rd, 2014", "2014-07-23", False),
        ("noyabr 2013", "2013-11", False),
        ("2 August 2 2014", "2014-08-02", True),
        ("in spring, we think", "XXXX", True),
        ("", "XXXX", False),
    ],
)
def test_list_dates(text: str, expected: str, noted: bool) -> None:
    date, note = read_list_date(text)
    assert date.text == expected
    assert bool(note) == noted


def _docx(path: Path, paragraphs: list[str]) -> Path:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_a_docx_with_its_own_labels_through_a_layout(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "list.docx",
        [
            "I. JOURNALISTS",
            "1. Nigar Testova",
            "Detained on: 5 mart 2021",
            "Accused under: CC 206.3.2 (smuggling) and 167-2.2.1",
            "Held at: Investigative Isolator No. 1",
            "Story: An invented journalist.",
            "II. RELIGIOUS BELIEVERS",
            "2. Rauf Nümunəli",
            "Detained on: 12.01.2022",
            "Accused under: 234.4.3",
        ],
    )
    layout = make_layout(
        {
            "section": r"(?P<key>[IVX]+)\.\s+(?P<title>[A-Z ]+)",
            "labels": {
                "arrest_date": ["Detained on"],
                "charges": ["Accused under"],
                "place": ["Held at"],
                "background": ["Story"],
            },
        }
    )
    first, second = read_document(path, layout).entries
    assert (first.name, first.section, first.page) == ("Nigar Testova", "I. Journalists", None)
    assert (first.arrest_date.text, first.articles) == ("2021-03-05", ["206.3.2", "167-2.2.1"])
    assert (first.custody_kind, first.background, first.problems) == (
        "pre_trial_detention",
        "An invented journalist.",
        [],
    )
    assert second.groups == ["religious_believer"]
    assert second.arrest_date.text == "2022-01-12"
    assert second.problems == ["no place of detention found", "no background found"]


def test_a_pdf_without_a_text_layer_needs_ocr(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ValidationError, match="no text layer.*ocrmypdf"):
        read_document(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff\xfe\x00garbage" * 50, "not a PDF|binary"),
        (b"%PDF-1.4\nnot really a pdf", "cannot be read|no text layer"),
        (b"PK\x03\x04 not a zip", "cannot be read|not a Word"),
        (b"Just a letter.\nNothing numbered here.\n", "no numbered entries"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "list.pdf"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        read_document(path)


def test_a_bad_layout_is_refused(tmp_path: Path) -> None:
    from habeas.ingest.listdoc_layout import load_layout

    path = tmp_path / "layout.yaml"
    path.write_text("entry: '(unclosed'\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="regular expression"):
        load_layout(path)
    path.write_text("groups:\n  - {keywords: [x], codes: [no_such_group]}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="group"):
        load_layout(path)
    path.write_text("lables: {}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="keys of a layout"):
        load_layout(path)
