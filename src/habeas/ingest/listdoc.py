"""Published lists of political prisoners (PDF, HTML, DOCX, text) read into entries for the review queue.

The data flow: `read_document` turns a file into lines, each with its printed
page (readers by file type, recognised by content); `parse_entries` walks the
lines with a `Layout` (section headings, numbered entry headings, field labels)
and returns one `Entry` per listed person with what it found and what it missed.
Nothing here writes: `habeas.ingest.review` queues the entries.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from habeas.domain.dates import PartialDate
from habeas.domain.validation import ARTICLE
from habeas.errors import InvalidDate, ValidationError
from habeas.ingest.dates import read_date
from habeas.ingest.listdoc_layout import DEFAULT_LAYOUT, Layout
from habeas.ingest.listdoc_readers import Line, RawDocument, read_raw

__all__ = ["Entry", "ListDocument", "articles_in", "parse_entries", "read_document", "read_list_date"]


@dataclass
class Entry:
    """One numbered entry of a list: a person as the document describes them."""

    position: int  # order in the document, from 1
    number: int  # the number the document gives it
    name: str  # as written
    section: str  # "A. Journalists and bloggers"
    page: int | None
    subsection: str = ""
    groups: list[str] = field(default_factory=list)
    arrest_date_text: str = ""
    arrest_date: PartialDate = field(default_factory=PartialDate.unknown)
    charges_text: str = ""
    articles: list[str] = field(default_factory=list)
    place: str = ""
    custody_kind: str = ""  # pre_trial_detention or imprisonment, from the place (see Layout.custody_kind)
    background: str = ""
    group_background: str = ""
    problems: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        """The fields as JSON-ready values (the `data` of a review entry)."""
        data = {k: v for k, v in vars(self).items() if k not in ("position", "section", "name", "page")}
        data["arrest_date"] = self.arrest_date.text
        return data

    @classmethod
    def from_data(
        cls, position: int, name: str, section: str, page: int | None, data: dict[str, Any]
    ) -> Entry:
        fields = dict(data)
        fields["arrest_date"] = PartialDate.parse(fields.get("arrest_date") or PartialDate.unknown().text)
        known = set(cls.__dataclass_fields__)
        return cls(
            position=position,
            name=name,
            section=section,
            page=page,
            **{k: v for k, v in fields.items() if k in known},
        )


@dataclass
class ListDocument:
    """A list document read and parsed: its title, its entries, and a digest of the file."""

    title: str
    author: str
    file_name: str
    sha256: str
    entries: list[Entry]


def read_document(path: Path, layout: Layout = DEFAULT_LAYOUT) -> ListDocument:
    """Read `path` (PDF, HTML, DOCX or text, told by content) and parse its entries."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError("file", path.name, f"the file cannot be read ({exc.strerror})") from None
    raw = read_raw(content, path.name)
    entries = parse_entries(raw.lines, layout)
    if not entries:
        raise ValidationError(
            "file",
            path.name,
            "no numbered entries were found under a section heading; check that this is a list "
            "document, or give a --layout whose patterns match its headings (see docs/list-documents.md)",
        )
    return ListDocument(
        title=_title(raw) or path.stem,
        author=raw.author,
        file_name=path.name,
        sha256=hashlib.sha256(content).hexdigest(),
        entries=entries,
    )


def _title(raw: RawDocument) -> str:
    """The document's own title, else the short lines that open its first page (a cover)."""
    if raw.title:
        return raw.title
    opening: list[str] = []
    first_page = raw.lines[0].page if raw.lines else None
    for line in raw.lines:
        if line.page != first_page or len(opening) == 5:
            break
        if not line.text:
            continue
        if len(line.text) > 60:
            break
        opening.append(line.text)
    return " ".join(opening)


# -- parsing --------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """An entry while its lines are read: the field being filled and the text of each field."""

    number: int
    name: str
    section: str
    subsection: str
    page: int | None
    group_background: str
    current: str = "intro"
    closed: bool = False  # a short field ended at a blank line
    text: dict[str, list[str]] = field(default_factory=dict)

    def add(self, text: str) -> None:
        self.text.setdefault(self.current, []).append(text)


SHORT_FIELDS = ("arrest_date", "place")  # they end at the first blank line after their text


def parse_entries(lines: Iterable[Line], layout: Layout = DEFAULT_LAYOUT) -> list[Entry]:
    """The numbered entries found under the section headings of `lines`, in order.

    An entry heading counts only when its number follows the previous entry's (or is 1 after a
    section heading), so numbered lists elsewhere (contributors, footnotes, years at a line's
    start) are not taken for entries. Lines before the first section heading are skipped.
    """
    drafts: list[_Draft] = []
    section: str | None = None
    subsection = ""
    group_text: list[str] = []
    draft: _Draft | None = None
    for line in _mend_split_labels(list(lines), layout):
        text = line.text
        if text and layout.skip.search(text):
            continue
        heading = layout.section.match(text)
        if heading:
            section, subsection, group_text, draft = _heading_title(heading), "", [], None
            continue
        if section is None:
            continue
        sub = layout.subsection.match(text)
        if sub:
            subsection, group_text, draft = " ".join(text.split()), [], None
            continue
        number = _entry_number(layout, text, drafts, draft, group_text)
        if number is not None:
            name = _clean_name(layout.entry.match(text))
            draft = _Draft(number, name, section, subsection, line.page, _join(group_text))
            drafts.append(draft)
            continue
        if draft is None:
            group_text.append(text)
        else:
            _read_line(layout, draft, text)
    return [_finish(position, d, layout) for position, d in enumerate(drafts, start=1)]


def _mend_split_labels(lines: list[Line], layout: Layout) -> Iterator[Line]:
    """The lines, with a label broken over several short lines ("Place" / "of" / "Detention:") joined."""
    position = 0
    while position < len(lines):
        line = lines[position]
        joined, end = line.text, position
        while layout.is_label_start(joined) and end + 1 < len(lines) and layout.label(joined) is None:
            end += 1
            joined = f"{joined} {lines[end].text}"
        if end > position and layout.label(joined):
            yield Line(joined, line.page)
            position = end + 1
        else:
            yield line
            position += 1


def _heading_title(match: re.Match[str]) -> str:
    """ "A. JOURNALISTS AND BLOGGERS" → "A. Journalists and bloggers" (a heading in capitals is calmed)."""
    text = " ".join(match.group(0).split())
    key, _, title = text.partition(" ")
    if title.isupper():
        title = title.capitalize()
    return f"{key} {title}" if title else text


def _entry_number(
    layout: Layout, text: str, drafts: list[_Draft], draft: _Draft | None, group_text: list[str]
) -> int | None:
    match = layout.entry.match(text)
    if match is None:
        return None
    number = int(match.group("number"))
    if not drafts or number == drafts[-1].number + 1:
        return number
    just_after_heading = draft is None and not any(group_text)
    return number if number == 1 and just_after_heading else None


def _clean_name(match: re.Match[str] | None) -> str:
    assert match is not None
    return " ".join(match.group("name").split()).strip(" .,;")


def _read_line(layout: Layout, draft: _Draft, text: str) -> None:
    """Put one line of an entry into the field it belongs to."""
    labelled = layout.label(text)
    if labelled:
        draft.current, rest = labelled
        draft.closed = False
        if rest:
            draft.add(rest)
        return
    if not text:
        if draft.current in SHORT_FIELDS and draft.text.get(draft.current):
            draft.closed = True
        return
    if draft.closed:
        # Unlabelled text after a short field (a note under the place of detention) is background.
        draft.current, draft.closed = "background", False
    draft.add(text)


def _join(lines: list[str]) -> str:
    """Lines of one field as text: wrapped lines joined, blank lines kept as paragraph breaks."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join(_unwrap(p) for p in paragraphs if p)


def _unwrap(lines: list[str]) -> str:
    text = ""
    for line in lines:
        # A word broken at the line's end ("suck-" / "ups") is joined again; other lines get a space.
        text = text + line if text.endswith("-") and line[:1].islower() else f"{text} {line}".strip()
    return text


def _finish(position: int, draft: _Draft, layout: Layout) -> Entry:
    """The entry a draft describes, with its date and articles read and its problems listed."""
    values = {name: _join(lines) for name, lines in draft.text.items()}
    background = "\n\n".join(v for v in (values.get("intro", ""), values.get("background", "")) if v)
    entry = Entry(
        position=position,
        number=draft.number,
        name=draft.name,
        section=draft.section,
        subsection=draft.subsection,
        page=draft.page,
        groups=layout.groups_for(draft.section),
        arrest_date_text=" ".join(values.get("arrest_date", "").split()),
        charges_text=values.get("charges", ""),
        place=" ".join(values.get("place", "").split()),
        background=background,
        group_background=draft.group_background,
    )
    entry.articles = articles_in(entry.charges_text)
    entry.custody_kind = layout.custody_kind(entry.place)
    entry.arrest_date, note = read_list_date(entry.arrest_date_text)
    problems = [note] if note else []
    for name, what in (
        ("arrest_date", "arrest date"),
        ("charges", "charges"),
        ("place", "place of detention"),
    ):
        if not values.get(name):
            problems.append(f"no {what} found")
    if entry.charges_text and not entry.articles:
        problems.append("no article numbers found in the charges")
    if _PARTS.search(entry.charges_text):
        problems.append("the charges name parts or items of articles; only the article numbers were taken")
    if not entry.background and not entry.group_background:
        problems.append("no background found")
    entry.problems = problems
    return entry


# -- dates and articles ---------------------------------------------------------------------------

_GLUED = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_]{3,})")  # "March13" → "March 13"
_DATE_SPANS = (
    re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{4}\b"),
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+[^\W\d_]+\.?,?\s+\d{4}\b"),
    re.compile(r"\b[^\W\d_]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"),
    re.compile(r"\b[^\W\d_]+\s+\d{4}\b"),
)


def read_list_date(text: str) -> tuple[PartialDate, str]:
    """The date `text` gives, and a note for the reviewer when it had to be looked for, or is missing.

    Tried in turn: the whole text (habeas.ingest.dates.read_date); the text with letters and digits
    that run together separated ("March13, 2007"); then the one date written inside a sentence
    ("Pretrial detention decision was made on 14 April 2014"). Anything else stays unknown.
    """
    if not text:
        return PartialDate.unknown(), ""
    for attempt in (text, _GLUED.sub(" ", text)):
        try:
            return read_date(attempt, "arrest_date"), ""
        except InvalidDate:
            pass
    found = {date.text: date for date in _dates_inside(_GLUED.sub(" ", text))}
    if len(found) == 1:
        date = next(iter(found.values()))
        return date, f"arrest date {date.text} was read from the text {text!r}; check it"
    return PartialDate.unknown(), f"arrest date {text!r} cannot be read; the custody start stays unknown"


def _dates_inside(text: str) -> Iterator[PartialDate]:
    """Dates written somewhere inside `text`, most precise forms first (a day hides its month)."""
    for pattern in _DATE_SPANS:
        dates = []
        for match in pattern.finditer(text):
            try:
                dates.append(read_date(match.group(0)))
            except InvalidDate:
                continue
        if dates:
            yield from dates
            return


_NUMBER = r"\d{1,4}(?:-\d{1,3})?(?:\.\d{1,3})*"
_ARTICLE_IN_TEXT = re.compile(rf"(?<![\d.]){_NUMBER}(?![\d])")
_AFTER_ARTICLE = re.compile(rf"\barticles?\s+({_NUMBER})", re.IGNORECASE)
_PARTS = re.compile(r"\b(?:parts?|items?)\s+\d", re.IGNORECASE)


def articles_in(text: str) -> list[str]:
    """Article numbers of a charges text, in order, once each; text in brackets is left out.

    "Criminal Code Articles 167.2.2.1 (Import … 2 copies); 234.1 (…) and 283.2.3" → 167.2.2.1, 234.1,
    283.2.3. An Azerbaijani ordinal ending ("278-ci") is dropped. Where the text names parts or items
    ("Article 59, Parts 1 and 15"), only the numbers right after "Article" are taken: the rest are parts.
    """
    found: list[str] = []
    outside = _outside_brackets(text)
    pattern = _AFTER_ARTICLE if _PARTS.search(outside) else _ARTICLE_IN_TEXT
    for match in pattern.finditer(outside):
        article = match.group(match.lastindex or 0).rstrip(".")
        if ARTICLE.match(article) and article not in found:
            found.append(article)
    return found


def _outside_brackets(text: str) -> str:
    """`text` with everything inside (nested) round or square brackets replaced by a space.

    A bracket left open does not hide the rest: "; Article" starts afresh (THE LIST has such typos).
    """
    return " ; ".join(_outside_brackets_of(piece) for piece in _NEXT_ARTICLE.split(text))


_NEXT_ARTICLE = re.compile(r";\s*(?=articles?\b)", re.IGNORECASE)


def _outside_brackets_of(text: str) -> str:
    out: list[str] = []
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
            out.append(" ")
        elif not depth:
            out.append(char)
    return "".join(out)
