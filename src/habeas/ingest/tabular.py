"""Spreadsheets (CSV and XLSX) read a row at a time, never loaded whole.

`open_table(path)` gives a `Table`: its column headers and a stream of `Row`s,
each with its number as a spreadsheet shows it (the header is row 1). A file
that cannot be read as a table at all (an unknown encoding, an unbalanced
quote, duplicate headers, a zip bomb posing as a workbook) raises
`ValidationError` naming the row or column and what to do; a row whose cells
do not line up with the headers comes with a `problem` instead, so that an
import can reject that row alone.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from habeas.errors import ValidationError

__all__ = ["Cell", "Row", "Table", "TableLimits", "open_table", "read_table"]

Cell = str | date | datetime
SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
# Encodings a field office's spreadsheet may come in, besides UTF-8 and UTF-16 (told by their BOM).
LEGACY_ENCODINGS = ("cp1251", "cp1254")
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class TableLimits:
    """What a table may hold: a cell (and a line of text) at most `cell_bytes`; an XLSX's zip members
    at most `unpacked_bytes` unpacked in all, none expanding more than `ratio` times."""

    cell_bytes: int = 1024 * 1024
    unpacked_bytes: int = 200 * 1024 * 1024
    ratio: int = 100


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number, its cells by header, and what is wrong with its shape."""

    number: int
    cells: dict[str, Cell]
    problem: str = ""


@dataclass
class Table:
    """An opened spreadsheet: `headers` in order and `rows`, a one-pass stream of data rows."""

    headers: list[str]
    rows: Iterator[Row]
    encoding: str = ""
    delimiter: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    limits: TableLimits | None = None,
) -> Iterator[Table]:
    """Open a CSV or XLSX file as a `Table`; the file is closed when the block ends."""
    limits = limits or TableLimits()
    if not path.is_file():
        raise ValidationError("file", str(path), "give the path of an existing CSV or XLSX file")
    with path.open("rb") as handle:
        start = handle.read(len(ZIP_MAGIC))
    if path.suffix.lower() in XLSX_SUFFIXES or start == ZIP_MAGIC:
        with _open_xlsx(path, sheet, limits) as table:
            yield table
        return
    if path.suffix.lower() == ".xls" or start == b"\xd0\xcf\x11\xe0":
        raise ValidationError(
            "file", path.name, "old Excel (.xls) files cannot be read: save the sheet as .xlsx or .csv"
        )
    with path.open("rb") as handle:
        yield _open_csv(handle, encoding, delimiter, limits)


def read_table(data: bytes, name: str, **options: Any) -> Table:
    """A table from bytes in memory (a web upload), read as `open_table` reads a file named `name`."""
    if Path(name).suffix.lower() in XLSX_SUFFIXES or data.startswith(ZIP_MAGIC):
        return _xlsx_table(io.BytesIO(data), options.get("sheet"), options.get("limits") or TableLimits())
    return _open_csv(
        io.BytesIO(data),
        options.get("encoding"),
        options.get("delimiter"),
        options.get("limits") or TableLimits(),
    )


# -- CSV ----------------------------------------------------------------------------


def _open_csv(handle: IO[bytes], encoding: str | None, delimiter: str | None, limits: TableLimits) -> Table:
    sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise ValidationError(
            "file", "empty", "the file holds no table: export the sheet with its header row"
        )
    chosen = _check_encoding(encoding) if encoding else _detect_encoding(sample)
    if b"\x00" in sample and not chosen.startswith("utf-16"):
        raise ValidationError(
            "file",
            "NUL bytes",
            "this is not a text (CSV) file: give a CSV or an XLSX file; "
            "if it is UTF-16 text, pass --encoding utf-16",
        )
    used = delimiter if delimiter else _sniff_delimiter(sample, chosen)
    if used == "tab":
        used = "\t"
    if len(used) != 1:
        raise ValidationError("delimiter", used, "give one character, e.g. ',' ';' '|' or 'tab'")
    handle.seek(0)
    lines = _lines(handle, chosen, limits)
    csv.field_size_limit(limits.cell_bytes)
    reader = csv.reader(lines, delimiter=used, strict=True)
    headers = _headers(_next_record(reader, chosen, limits))
    rows = _csv_rows(reader, headers, chosen, limits)
    return Table(headers, rows, encoding=chosen, delimiter=used)


def _check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ValidationError(
            "encoding", name, "give a Python encoding name, e.g. utf-8, utf-16, cp1251 or cp1254"
        ) from None


def _detect_encoding(sample: bytes) -> str:
    """UTF-8 or UTF-16 by their BOM; else UTF-8 when the sample decodes as UTF-8; else the likeliest
    Windows code page (charset-normalizer, among Cyrillic 1251 and Turkish/Azerbaijani 1254)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise ValidationError(
            "encoding",
            "unknown",
            "the file's encoding was not recognised: pass --encoding (utf-8, cp1251, cp1254…)",
        )
    return codecs.lookup(best.encoding).name


def _encoding_error(where: str, encoding: str) -> ValidationError:
    return ValidationError(
        "encoding",
        encoding,
        f"{where} has bytes that are not {encoding} text: the file is in another encoding; "
        "pass --encoding (utf-8, utf-16, cp1251 for Cyrillic, cp1254 for Turkish/Azerbaijani Latin)",
    )


def _sniff_delimiter(sample: bytes, encoding: str) -> str:
    """The delimiter the sample's whole lines use most consistently; a comma when none stands out."""
    text = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(sample)
    text = text.removeprefix("\ufeff")
    whole = text[: text.rfind("\n") + 1] or text
    try:
        return csv.Sniffer().sniff(whole, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _lines(handle: IO[bytes], encoding: str, limits: TableLimits) -> Iterator[str]:
    """The text a line at a time, refusing a line longer than a cell may be, and NUL bytes."""
    wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    decoded = _wide_lines(handle, encoding, limits) if wide else _byte_lines(handle, encoding, limits)
    for number, line in enumerate(decoded, start=1):
        if len(line) > limits.cell_bytes:
            raise ValidationError(
                "file",
                f"line {number}",
                f"a line is longer than {limits.cell_bytes} characters: this is not a spreadsheet export "
                "(or a quote is never closed)",
            )
        if "\x00" in line:
            raise ValidationError("file", f"line {number}", "the line holds NUL bytes: this is not text")
        yield line


def _byte_lines(handle: IO[bytes], encoding: str, limits: TableLimits) -> Iterator[str]:
    """Lines of a file whose newline is one byte, decoded one by one, so an error names its line and byte."""
    decode = codecs.getincrementaldecoder(encoding)().decode
    number, offset = 0, 0
    while piece := handle.readline(limits.cell_bytes + 1):
        number += 1
        try:
            yield decode(piece)
        except UnicodeDecodeError as exc:
            raise _encoding_error(f"line {number}, byte {offset + exc.start + 1}", encoding) from None
        offset += len(piece)


def _wide_lines(handle: IO[bytes], encoding: str, limits: TableLimits) -> Iterator[str]:
    """Lines of UTF-16 or UTF-32 text, where a newline byte is no line end: a text stream finds them."""
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    number = 0
    try:
        while True:
            try:
                line = text.readline(limits.cell_bytes + 1)
            except UnicodeDecodeError:
                raise _encoding_error(f"after line {number}", encoding) from None
            if not line:
                return
            number += 1
            yield line
    finally:
        text.detach()  # the caller closes the file


def _next_record(reader: Any, encoding: str, limits: TableLimits) -> list[str] | None:
    """The next CSV record, or None at the end; a malformed one raises ValidationError."""
    try:
        return next(reader, None)
    except csv.Error as exc:
        record = reader.line_num
        message = str(exc)
        if "field larger than field limit" in message or "unexpected end of data" in message:
            reason = (
                f"a quoted cell beginning by line {record} is never closed (or is over {limits.cell_bytes} "
                "characters); close the quote"
            )
        else:
            reason = f"malformed CSV ({message}); check the quotes on that line"
        raise ValidationError("file", f"line {record}", reason) from None


def _headers(first: list[str] | None) -> list[str]:
    if not first or not any(cell.strip() for cell in first):
        raise ValidationError(
            "file", "empty", "the file holds no table: export the sheet with its header row"
        )
    headers = [cell.strip() for cell in first]
    while headers and not headers[-1]:
        headers.pop()
    seen: dict[str, int] = {}
    for number, header in enumerate(headers, start=1):
        if not header:
            raise ValidationError(
                "header", f"column {number}", "this column has no header: name it or delete the column"
            )
        if header in seen:
            raise ValidationError(
                "header",
                header,
                f"columns {seen[header]} and {number} have the same header: rename one so each is distinct",
            )
        seen[header] = number
    return headers


def _csv_rows(reader: Any, headers: list[str], encoding: str, limits: TableLimits) -> Iterator[Row]:
    any_row = False
    number = 1
    while (record := _next_record(reader, encoding, limits)) is not None:
        number += 1
        if not any(cell.strip() for cell in record):
            continue
        any_row = True
        yield _row(number, headers, record)
    if not any_row:
        raise ValidationError("file", "row 2", "the file has a header row but no data rows")


def _row(number: int, headers: list[str], values: list[Any]) -> Row:
    """A row by header; cells beyond the headers must be empty, and a short row is a problem."""
    cells = [_cell(v) for v in values]
    while len(cells) > len(headers) and cells[-1] == "":
        cells.pop()  # trailing empty cells, as spreadsheet programs often write
    problem = ""
    if len(cells) != len(headers):
        problem = f"the row has {len(cells)} cells but the header has {len(headers)} columns"
    cells += [""] * (len(headers) - len(cells))
    return Row(number, dict(zip(headers, cells, strict=False)), problem)


def _cell(value: Any) -> Cell:
    """A spreadsheet value as text, except dates (kept as dates for read_date)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- XLSX -----------------------------------------------------------------------------


@contextmanager
def _open_xlsx(path: Path, sheet: str | None, limits: TableLimits) -> Iterator[Table]:
    with path.open("rb") as handle:
        table = _xlsx_table(handle, sheet, limits)
        try:
            yield table
        finally:
            table.extra["workbook"].close()


def _xlsx_table(handle: IO[bytes], sheet: str | None, limits: TableLimits) -> Table:
    _check_zip(handle, limits)
    handle.seek(0)
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a zip that is not a workbook
        raise ValidationError(
            "file",
            "XLSX",
            f"this zip file is not an Excel workbook ({exc.__class__.__name__}); save it as .xlsx",
        ) from None
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise ValidationError(
            "sheet", sheet, f"use one of the workbook's sheets: {', '.join(book.sheetnames)}"
        )
    worksheet = book[sheet] if sheet else book.worksheets[0]
    values = worksheet.iter_rows(values_only=True)
    try:
        first = next(values, None)
        headers = _headers([str(_cell(v)) for v in first] if first else None)
    except BaseException:
        book.close()
        raise
    return Table(headers, _xlsx_rows(values, headers), extra={"workbook": book, "sheet": worksheet.title})


def _check_zip(handle: IO[bytes], limits: TableLimits) -> None:
    """Refuse a workbook whose members would unpack to more than the limits, before openpyxl opens it."""
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise ValidationError(
            "file", "XLSX", "the file is not a valid XLSX (zip) file; save it again as .xlsx"
        ) from None
    with archive:
        total = 0
        for member in archive.infolist():
            total += member.file_size
            if member.file_size > limits.cell_bytes and member.file_size > limits.ratio * max(
                member.compress_size, 1
            ):
                raise ValidationError(
                    "file",
                    "XLSX",
                    f"a part of the workbook expands more than {limits.ratio} times when unpacked "
                    "(a zip bomb?); it was not opened",
                )
        if total > limits.unpacked_bytes:
            raise ValidationError(
                "file",
                "XLSX",
                f"the workbook unpacks to {total // 2**20} MiB, over the limit of "
                f"{limits.unpacked_bytes // 2**20} MiB; split it, or save it as CSV (read as a stream)",
            )


def _xlsx_rows(values: Iterator[tuple[Any, ...]], headers: list[str]) -> Iterator[Row]:
    any_row = False
    for number, record in enumerate(values, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record):
            continue
        any_row = True
        yield _row(number, headers, list(record))
    if not any_row:
        raise ValidationError("file", "row 2", "the sheet has a header row but no data rows")
