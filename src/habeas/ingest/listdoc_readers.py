"""Readers that turn a list document (PDF, HTML, DOCX or plain text) into lines, each with its page.

The type is told by the file's content, not its name. Pages are known for a PDF,
for HTML made by pdftohtml (its `<a name=N>` anchors), for text from pdftotext
(form feeds) and for a DOCX with explicit page breaks; otherwise a line's page
is None. Where pages are known, the printed page number at the top of a page is
taken as the page and dropped from the text, and the footnotes under a page's
footnote rule (a line of spaces, as pypdf and pdftohtml both write it, followed by a numbered
line) are left out.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from habeas.errors import ValidationError

__all__ = ["Line", "RawDocument", "read_raw"]

MAX_DOCX_XML = 200 * 1024 * 1024  # an uncompressed document.xml larger than this is refused (a zip bomb)
FORMATS = "give a PDF, HTML, DOCX or plain-text list document"
OCR_ADVICE = (
    "the PDF has no text layer (scanned pages are images); run OCR on it first, for example "
    "`ocrmypdf in.pdf out.pdf`, and import the result. Nothing was queued"
)
_FOOTNOTE_RULE = re.compile(r"[ \t\u00a0]{20,}")
_FOOTNOTE = re.compile(r"\s*\d{1,3}\s*\S")
_PAGE_NUMBER = re.compile(r"\d{1,4}")


@dataclass(frozen=True)
class Line:
    """One line of text, whitespace collapsed ("" for a blank line), and the page it is on."""

    text: str
    page: int | None


@dataclass(frozen=True)
class RawDocument:
    lines: list[Line]
    title: str = ""
    author: str = ""


def read_raw(content: bytes, name: str) -> RawDocument:
    """The lines of a document given as bytes; `name` is only used in messages."""
    if not content.strip():
        raise ValidationError("file", name, f"the file is empty; {FORMATS}")
    if b"%PDF-" in content[:1024]:
        return _read_pdf(content, name)
    if content.startswith(b"PK\x03\x04"):
        return _read_docx(content, name)
    text = _decode(content, name)
    head = text[:2000].lower()
    if any(mark in head for mark in ("<html", "<!doctype html", "<body", "<br", "<p>")):
        return _read_html(text)
    pages: list[tuple[int | None, str]] = (
        list(enumerate(text.split("\f"), start=1)) if "\f" in text else [(None, text)]
    )
    return RawDocument(list(_lines(pages)))


def _decode(content: bytes, name: str) -> str:
    """Text of a file that is neither PDF nor DOCX: UTF-8 or UTF-16 (BOM), else it is refused."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        raise ValidationError(
            "file", name, f"this is not a PDF, DOCX or UTF-8 text file; {FORMATS}"
        ) from None
    controls = sum(1 for c in text[:4000] if ord(c) < 32 and c not in "\r\n\t\f")
    if "\x00" in text or controls > 10:
        raise ValidationError("file", name, f"this looks like a binary file of another kind; {FORMATS}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _lines(pages: Iterable[tuple[int | None, str]]) -> Iterator[Line]:
    """Lines of each page's text, the printed page number and the footnotes dropped where pages are known."""
    for index, text in pages:
        raw = text.split("\n")
        page = index
        if index is not None:
            raw, page = _printed_page(raw, index)
        for position, line in enumerate(raw):
            if index is not None and _FOOTNOTE_RULE.fullmatch(line) and _footnote_follows(raw, position):
                break  # the footnotes run to the page's end
            yield Line(" ".join(line.split()), page)


def _footnote_follows(raw: list[str], position: int) -> bool:
    """Whether the next line with text after `position` starts like a footnote ("3 http://…")."""
    following = next((line for line in raw[position + 1 :] if line.strip()), "")
    return _FOOTNOTE.match(following) is not None


def _printed_page(raw: list[str], index: int) -> tuple[list[str], int]:
    """The page's lines without a leading page number, and the number printed (else the page's index)."""
    for position, line in enumerate(raw):
        if not line.strip():
            continue
        number = line.strip()
        if _PAGE_NUMBER.fullmatch(number) and abs(int(number) - index) <= 20:
            return raw[:position] + raw[position + 1 :], int(number)
        break
    return raw, index


# -- PDF ------------------------------------------------------------------------------------------


def _read_pdf(content: bytes, name: str) -> RawDocument:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                "file", name, "the PDF is protected by a password; save an unprotected copy"
            )
        texts = [page.extract_text() or "" for page in reader.pages]
        metadata = reader.metadata
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise ValidationError("file", name, f"the PDF cannot be read ({type(exc).__name__})") from None
    if not any(text.strip() for text in texts):
        raise ValidationError("file", name, OCR_ADVICE)
    title = (metadata.title or "") if metadata else ""
    author = (metadata.author or "") if metadata else ""
    lines = list(_lines((i, t) for i, t in enumerate(texts, start=1)))
    return RawDocument(lines, " ".join(str(title).split()), " ".join(str(author).split()))


# -- HTML -----------------------------------------------------------------------------------------

_BLOCKS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header li main nav ol p pre section table td th tr ul".split()
)
_HIDDEN = frozenset({"script", "style", "head", "template"})


class _HtmlLines(HTMLParser):
    """Collects the text of an HTML page as lines: `<br>` ends a line, a block element a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pages: list[tuple[int | None, list[str]]] = [(None, [])]
        self.line: list[str] = []
        self.hidden = 0
        self.in_title = False
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("name") if tag == "a" else None
        if anchor and anchor.isdigit():
            self._end_line()
            self.pages.append((int(anchor), []))
        elif tag in ("br", "hr"):
            self._end_line()
        elif tag in _BLOCKS:
            self._end_paragraph()
        elif tag == "title":
            self.in_title = True
        if tag in _HIDDEN:
            self.hidden += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._end_paragraph()
        elif tag == "title":
            self.in_title = False
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            self.line.append(data.replace("\n", " "))

    def _end_line(self) -> None:
        self.pages[-1][1].append("".join(self.line))
        self.line = []

    def _end_paragraph(self) -> None:
        self._end_line()
        self.pages[-1][1].append("")


def _read_html(text: str) -> RawDocument:
    parser = _HtmlLines()
    parser.feed(text)
    parser.close()
    parser._end_line()
    pages = [
        (i, "\n".join(lines)) for i, lines in parser.pages if i is not None or any(x.strip() for x in lines)
    ]
    return RawDocument(list(_lines(pages)), " ".join("".join(parser.title).split()))


# -- DOCX -----------------------------------------------------------------------------------------


def _read_docx(content: bytes, name: str) -> RawDocument:
    """Paragraphs (and table cells) of a Word document; pages only where it has explicit page breaks."""
    from docx import Document

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            info = archive.getinfo("word/document.xml")
        if info.file_size > MAX_DOCX_XML:
            raise ValidationError("file", name, "the Word document is too large once unpacked (a zip bomb?)")
        document = Document(io.BytesIO(content))
    except KeyError:
        raise ValidationError("file", name, f"a zip file that is not a Word document; {FORMATS}") from None
    except ValidationError:
        raise
    except Exception as exc:  # python-docx and zipfile raise many kinds of error on a damaged file
        raise ValidationError(
            "file", name, f"the Word document cannot be read ({type(exc).__name__})"
        ) from None
    blocks = list(_docx_blocks(document))
    paged = any(breaks or before for _, breaks, before in blocks)
    page = 1
    lines: list[Line] = []
    for text, breaks_after, break_before in blocks:
        if paged and break_before:
            page += 1
        lines.extend(Line(" ".join(part.split()), page if paged else None) for part in text.split("\n"))
        lines.append(Line("", page if paged else None))
        if paged:
            page += breaks_after
    properties = document.core_properties
    return RawDocument(lines, properties.title or "", properties.author or "")


def _docx_blocks(document: Any) -> Iterator[tuple[str, int, bool]]:
    """(text, page breaks inside, starts a page) of each paragraph, table cells included, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            breaks = len(item._p.xpath('.//w:br[@w:type="page"]'))
            yield item.text, breaks, bool(item.paragraph_format.page_break_before)
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        yield paragraph.text, 0, False
