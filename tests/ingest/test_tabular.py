"""Spreadsheets read as streams of rows: encodings, delimiters, XLSX, and every kind of bad file."""

from __future__ import annotations

import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from habeas.errors import ValidationError
from habeas.ingest.tabular import Row, TableLimits, open_table, read_table

HEADER = "Name,Date of arrest,Article\n"
ROWS = "Anar Məmmədli,22.11.2013,206.3.2\nLeyla Qasımova,noyabr 2013,221\n"


def read(path: Path, **options: object) -> tuple[list[str], list[Row]]:
    with open_table(path, **options) as table:  # type: ignore[arg-type]
        return table.headers, list(table.rows)


def write(tmp_path: Path, data: bytes, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, **options: object) -> str:
    with pytest.raises(ValidationError) as caught:
        read(path, **options)
    return str(caught.value)


# -- encodings and delimiters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")],
)
def test_unicode_files_with_and_without_bom(tmp_path: Path, encoding: str, expected: str) -> None:
    path = write(tmp_path, (HEADER + ROWS).encode(encoding))
    with open_table(path) as table:
        assert table.encoding == expected
        assert table.headers == ["Name", "Date of arrest", "Article"]
        rows = list(table.rows)
    assert rows[0].cells == {"Name": "Anar Məmmədli", "Date of arrest": "22.11.2013", "Article": "206.3.2"}
    assert [r.number for r in rows] == [2, 3]


def test_windows_1251_cyrillic_is_detected(tmp_path: Path) -> None:
    text = "ФИО;Дата ареста;Статья\nАнар Мамедли;22 ноября 2013;206.3.2\nЛейла Гасымова;ноябрь 2013;221\n"
    with open_table(write(tmp_path, text.encode("cp1251"))) as table:
        assert table.encoding == "cp1251"
        assert table.delimiter == ";"
        assert [r.cells["ФИО"] for r in table.rows] == ["Анар Мамедли", "Лейла Гасымова"]


def test_windows_1254_turkish_latin_is_detected(tmp_path: Path) -> None:
    # Azerbaijani written without ə, as cp1254 can hold it.
    text = "Ad Soyad\tHəbs tarixi\nŞahin Ağayev\t22.11.2013\nGülşən Çələbi\t2013\nİlqar Qasımov\t2014\n"
    data = text.replace("ə", "e").encode("cp1254")
    with open_table(write(tmp_path, data)) as table:
        assert table.encoding == "cp1254"
        assert table.delimiter == "\t"
        assert [r.cells["Ad Soyad"] for r in table.rows][0] == "Şahin Ağayev"


def test_encoding_can_be_chosen(tmp_path: Path) -> None:
    path = write(tmp_path, "Name\nŞahin Ağayev\n".encode("cp1254"))
    _, rows = read(path, encoding="cp1254")
    assert rows[0].cells["Name"] == "Şahin Ağayev"
    assert "encoding" in refused(path, encoding="no-such-encoding")


def test_wrong_encoding_later_in_the_file_names_the_line(tmp_path: Path) -> None:
    head = (HEADER + "Anar Mammadli,2013,221\n" * 5000).encode("utf-8")  # plain ASCII for over 64 KiB
    path = write(tmp_path, head + "Анар Мамедли,2013,221\n".encode("cp1251"))
    message = refused(path)
    assert "line 5002, byte" in message and "--encoding" in message


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = (HEADER + ROWS).replace(",", delimiter)
    headers, rows = read(write(tmp_path, text.encode()))
    assert headers == ["Name", "Date of arrest", "Article"]
    assert rows[1].cells["Date of arrest"] == "noyabr 2013"


def test_delimiter_can_be_chosen(tmp_path: Path) -> None:
    headers, _ = read(write(tmp_path, b"a|b\n1|2\n"), delimiter="|")
    assert headers == ["a", "b"]
    headers, _ = read(write(tmp_path, b"a\tb\n1\t2\n"), delimiter="tab")
    assert headers == ["a", "b"]


def test_quoted_cells_with_delimiters_and_line_breaks(tmp_path: Path) -> None:
    text = 'Name,Article,Notes\n"Məmmədli, Anar","206.3.2; 221","two\nlines"\nRauf,228,\n'
    _, rows = read(write(tmp_path, text.encode()))
    assert rows[0].cells == {"Name": "Məmmədli, Anar", "Article": "206.3.2; 221", "Notes": "two\nlines"}
    assert rows[1].number == 3


# -- malformed files ------------------------------------------------------------------------


def test_unbalanced_quote_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + 'Anar,"22.11.2013,206\nLeyla,2013,221\n').encode())
    message = refused(path)
    assert "never closed" in message or "malformed" in message


def test_a_quote_running_past_the_cell_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + 'Anar,"' + "x\n" * 5000).encode())
    assert "line" in refused(path, limits=TableLimits(cell_bytes=1000))


def test_ragged_rows_carry_their_problem(tmp_path: Path) -> None:
    text = HEADER + "Anar,2013\nLeyla,2013,221,extra\nRauf,2013,228,,\n"
    _, rows = read(write(tmp_path, text.encode()))
    assert "2 cells but the header has 3" in rows[0].problem
    assert "4 cells" in rows[1].problem
    assert rows[2].problem == ""  # trailing empty cells are what spreadsheet programs write


def test_duplicate_headers_are_refused_naming_both_columns(tmp_path: Path) -> None:
    message = refused(write(tmp_path, b"Name,Date,Name\na,b,c\n"))
    assert "'Name'" in message and "columns 1 and 3" in message


def test_a_header_missing_between_columns_is_refused(tmp_path: Path) -> None:
    assert "column 2" in refused(write(tmp_path, b"Name,,Date\na,b,c\n"))


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", "\ufeff".encode()])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    assert "no table" in refused(write(tmp_path, data))


def test_header_only_file(tmp_path: Path) -> None:
    assert "no data rows" in refused(write(tmp_path, HEADER.encode()))


def test_sparse_2_gb_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3 + 1)  # sparse: no disk used, all NUL bytes
    tracemalloc.start()
    try:
        message = refused(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "not a text" in message
    assert peak < 10 * 1024**2


def test_a_file_of_megabytes_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for number in range(100_000):
            handle.write(f"Person {number} Məmmədli,22.11.2013,206.3.2\n")
    size = path.stat().st_size
    assert size > 3 * 1024**2
    tracemalloc.start()
    try:
        with open_table(path) as table:
            count = sum(1 for _ in table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 100_000
    assert peak < size / 4


def test_old_excel_files_are_refused(tmp_path: Path) -> None:
    assert ".xlsx" in refused(write(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls"))


# -- XLSX ---------------------------------------------------------------------------------


def workbook(path: Path, rows: list[list[object]], title: str = "People") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_rows_with_excel_dates(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "people.xlsx",
        [
            ["Name", "Date of arrest", "Article"],
            ["Anar Məmmədli", datetime(2013, 11, 22), 206.3],
            [None, None, None],
            ["Leyla Qasımova", "noyabr 2013", 221],
        ],
    )
    headers, rows = read(path)
    assert headers == ["Name", "Date of arrest", "Article"]
    assert rows[0].cells == {
        "Name": "Anar Məmmədli",
        "Date of arrest": datetime(2013, 11, 22),
        "Article": "206.3",
    }
    assert rows[1].number == 4 and rows[1].cells["Article"] == "221"


def test_xlsx_sheet_by_name(tmp_path: Path) -> None:
    path = workbook(tmp_path / "people.xlsx", [["Name"], ["Anar"]], title="2014")
    assert read(path, sheet="2014")[1][0].cells == {"Name": "Anar"}
    assert "2014" in refused(path, sheet="Other")


def test_xlsx_from_memory(tmp_path: Path) -> None:
    path = workbook(tmp_path / "people.xlsx", [["Name"], ["Anar"]])
    table = read_table(path.read_bytes(), "people.xlsx")
    try:
        assert [r.cells for r in table.rows] == [{"Name": "Anar"}]
    finally:
        table.extra["workbook"].close()


def test_zip_bomb_is_refused_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"0" * 1024**2
            for _ in range(300):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024**2
    message = refused(path)
    assert "zip bomb" in message or "unpacks to" in message


def test_many_members_over_the_total_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(3):
            archive.writestr(f"part{number}.xml", b"x" * 1024)
    assert "unpacks to" in refused(path, limits=TableLimits(unpacked_bytes=2048))


@pytest.mark.parametrize(
    ("name", "data"),
    [("fake.xlsx", b"this is plain text"), ("other.xlsx", b"")],
)
def test_files_that_are_not_workbooks(tmp_path: Path, name: str, data: bytes) -> None:
    assert "XLSX" in refused(write(tmp_path, data, name))


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in refused(path)
