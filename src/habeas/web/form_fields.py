"""How a record's dataclass becomes a form, and a submitted form becomes a record again.

Every field of a record kind gets a `FieldSpec` (its widget, the vocabulary or
kind of record it takes). A value travels in three shapes: typed, on the
record; *raw*, the text the form shows and sends back, kept exactly as typed so
that a refused form comes back as the user left it; and as HTML form fields
(`name`, or `names-0-value` for a row of a list). `widgets()` gives the
templates each field ready to draw: its choices in the reader's language and
its error, if any.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, Field, dataclass, is_dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Request

from habeas.domain.dates import DATE_FORMS, PartialDate, parse_day
from habeas.domain.names import guess_script
from habeas.domain.records import CITABLE_KINDS, Participant, PersonName, Record, StatusChange, fields_of
from habeas.domain.vocabulary import vocabulary
from habeas.errors import ValidationError
from habeas.storage import queries
from habeas.web import i18n
from habeas.web.pages import caller
from habeas.web.render import language_of

# Set by the service layer, never typed in a form.
STAMPS = frozenset({"id", "version", "created_at", "updated_at", "retracted"})
LAST = frozenset({"visibility", "clarifications"})
LONG_TEXT = frozenset({"notes", "summary", "description", "rationale", "text", "request", "quote", "note"})
MAX_TEXT, MAX_LONG_TEXT = 1000, 20000
SELECT_LIMIT = 300  # a reference is a <select> up to this many visible records, else an id box
Raw = Any  # str, list[str] (checkboxes, ref rows) or list[dict[str, str]] (rows)
FormData = Any  # a multi-dict: request.form() or request.query_params (.get, .getlist, .keys)


def N_(message: str) -> str:
    """Mark `message` for translation; it is translated where it is shown (`_()` in the template)."""
    return message


LABELS: dict[str, str] = {
    "visibility": N_("Who may see it"),
    "clarifications": N_("Why these codes (one “field: note” per line)"),
    "names": N_("Names"),
    "value": N_("Name"),
    "script": N_("Script"),
    "language": N_("Language"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "birth_place": N_("Place of birth"),
    "citizenship": N_("Citizenship"),
    "occupation": N_("Occupation"),
    "groups": N_("Groups"),
    "consent_to_publish": N_("Consents to publication"),
    "notes": N_("Notes"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "place": N_("Place"),
    "statuses": N_("Status history"),
    "status": N_("Status"),
    "since": N_("Since"),
    "person_id": N_("Person"),
    "organisation_id": N_("Organisation"),
    "role": N_("Role"),
    "start": N_("Start"),
    "end": N_("End (empty: still ongoing)"),
    "other_person_id": N_("Other person"),
    "type": N_("Type"),
    "title": N_("Title"),
    "summary": N_("Summary"),
    "person_ids": N_("People"),
    "case_id": N_("Case"),
    "code": N_("Legal code"),
    "article": N_("Article"),
    "label": N_("Offence as worded in the charge"),
    "brought": N_("Brought on"),
    "sentence": N_("Sentence"),
    "sentence_months": N_("Sentence in months"),
    "authorised_until": N_("Authorised until"),
    "facility_id": N_("Place of detention"),
    "date": N_("Date"),
    "scheduled_at": N_("Scheduled at (local time at the court)"),
    "participants": N_("People taking part"),
    "outcome": N_("Outcome"),
    "monitoring_outcome": N_("Monitoring outcome"),
    "event_id": N_("Event"),
    "actor": N_("Who acted"),
    "target": N_("Addressed to"),
    "request": N_("What was asked"),
    "response": N_("Response"),
    "criteria": N_("PACE criteria met"),
    "conclusion": N_("Conclusion"),
    "decided_by": N_("Decided by"),
    "decided_on": N_("Decided on"),
    "rationale": N_("Rationale"),
    "publisher": N_("Publisher"),
    "author": N_("Author"),
    "published": N_("Published"),
    "url": N_("Address (URL)"),
    "reliability": N_("Reliability of the source"),
    "credibility": N_("Credibility of the information"),
    "text": N_("Text"),
    "source_id": N_("Source"),
    "target_kind": N_("Kind of record cited"),
    "target_id": N_("Id of the record cited"),
    "target_field": N_("Field cited (empty: the whole record)"),
    "locator": N_("Where in the source (page, paragraph, minute)"),
    "quote": N_("Quoted passage"),
    "note": N_("Note"),
    "description": N_("Description"),
}
KIND_LABELS: dict[str, str] = {
    "person": N_("Person"),
    "organisation": N_("Organisation"),
    "affiliation": N_("Affiliation"),
    "relationship": N_("Relationship"),
    "case": N_("Case"),
    "charge": N_("Charge"),
    "custody_period": N_("Custody period"),
    "event": N_("Event"),
    "intervention": N_("Intervention"),
    "assessment": N_("Assessment"),
    "source": N_("Source"),
    "citation": N_("Citation"),
    "context_period": N_("Context period"),
}
NEW_TITLES: dict[str, str] = {
    "person": N_("New person"),
    "organisation": N_("New organisation"),
    "affiliation": N_("New affiliation"),
    "relationship": N_("New relationship"),
    "case": N_("New case"),
    "charge": N_("New charge"),
    "custody_period": N_("New custody period"),
    "event": N_("New event"),
    "intervention": N_("New intervention"),
    "assessment": N_("New assessment"),
    "source": N_("New source"),
    "citation": N_("New citation"),
    "context_period": N_("New context period"),
}
# A row of a list is blank, and ignored, when this field of it is empty.
ROW_KEYS: dict[type[Any], str] = {PersonName: "value", Participant: "person_id", StatusChange: "status"}
# Row fields that may be left empty for habeas to fill in: a name's script, from its letters.
GUESSED: dict[tuple[type[Any], str], Callable[[dict[str, str]], str]] = {
    (PersonName, "script"): lambda row: guess_script(row.get("value", "")),
}
MIN_ROWS: dict[type[Any], int] = {PersonName: 3, Participant: 2, StatusChange: 1}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: its widget and what it accepts."""

    name: str
    widget: str  # text textarea select checkboxes date day datetime number checkbox ref refs rows notes
    required: bool = False
    optional: bool = False  # typed `X | None`: empty means None
    vocab: str = ""
    ref: str = ""
    item: type[Any] | None = None  # the dataclass of a row, for widget "rows"
    subfields: tuple[FieldSpec, ...] = ()
    default: Any = None  # the raw value of a new record

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name.replace("_", " ").capitalize())

    @property
    def hint(self) -> str:
        if self.widget == "date":
            return DATE_FORMS
        return ""


_SPECS: dict[type[Any], tuple[FieldSpec, ...]] = {}


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """(X, True) for `X | None`, else (tp, False)."""
    args = typing.get_args(tp)
    if type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return tp, False


def _default(f: Field[Any]) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return None


def specs(cls: type[Any]) -> tuple[FieldSpec, ...]:
    """The form fields of a record (or row) dataclass (cached: classes do not change)."""
    if cls not in _SPECS:
        _SPECS[cls] = _make_specs(cls)
    return _SPECS[cls]


def _make_specs(cls: type[Any]) -> tuple[FieldSpec, ...]:
    out = []
    hints = typing.get_type_hints(cls)
    for f in fields_of(cls):
        if f.name in STAMPS:
            continue
        tp, optional = _unwrap(hints[f.name])
        vocab, ref = f.metadata.get("vocab", ""), f.metadata.get("ref", "")
        base = {
            "name": f.name,
            "required": bool(f.metadata.get("required")),
            "optional": optional,
            "vocab": vocab,
            "ref": ref,
        }
        default = _default(f)
        if f.name == "clarifications":
            out.append(FieldSpec(widget="notes", default="", **base))
        elif typing.get_origin(tp) is list:
            (item,) = typing.get_args(tp)
            if isinstance(item, type) and is_dataclass(item):
                sub = specs(item)
                out.append(FieldSpec(widget="rows", item=item, subfields=sub, default=[], **base))
            else:
                out.append(FieldSpec(widget="refs" if ref else "checkboxes", default=[], **base))
        elif ref:
            out.append(FieldSpec(widget="ref", default="", **base))
        elif vocab or f.name == "target_kind":
            out.append(FieldSpec(widget="select", default=default or "", **base))
        else:
            out.append(FieldSpec(widget=_scalar_widget(f.name, tp), default=to_raw_scalar(default), **base))
    # Who may see it, and why these codes, come last: after the facts they are about.
    return tuple(sorted(out, key=lambda spec: spec.name in LAST))


def _scalar_widget(name: str, tp: Any) -> str:
    if tp is PartialDate:
        return "date"
    if tp is datetime:
        return "datetime"
    if tp is date:
        return "day"
    if tp is bool:
        return "checkbox"
    if tp is int:
        return "number"
    return "textarea" if name in LONG_TEXT else "text"


def target_kinds() -> list[str]:
    return sorted(CITABLE_KINDS)


# -- typed value -> raw text ----------------------------------------------------------


def to_raw_scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, PartialDate):
        return "" if value.is_unknown else value.text
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_raw(spec: FieldSpec, value: Any) -> Raw:
    """The raw form of a record's field value."""
    if spec.widget == "rows":
        return [{s.name: to_raw(s, getattr(item, s.name)) for s in spec.subfields} for item in value]
    if spec.widget in ("checkboxes", "refs"):
        return list(value)
    if spec.widget == "notes":
        return "\n".join(f"{name}: {note}" for name, note in value.items())
    return to_raw_scalar(value)


def raw_of_record(record: Record) -> dict[str, Raw]:
    return {s.name: to_raw(s, getattr(record, s.name)) for s in specs(type(record))}


def raw_defaults(cls: type[Any]) -> dict[str, Raw]:
    return {s.name: list(s.default) if isinstance(s.default, list) else s.default for s in specs(cls)}


# -- submitted form -> raw text -------------------------------------------------------


def raw_from_form(cls: type[Any], form: FormData, only_present: bool = False) -> dict[str, Raw]:
    """The raw values of `cls`'s fields in a submitted form (or, `only_present`, those it names)."""
    out: dict[str, Raw] = {}
    keys = set(form.keys())
    for spec in specs(cls):
        prefix = f"{spec.name}-"
        if only_present and spec.name not in keys and not any(k.startswith(prefix) for k in keys):
            continue
        if spec.widget == "rows":
            out[spec.name] = _rows_from_form(spec, form)
        elif spec.widget == "refs":
            count = _row_count(form, spec.name)
            out[spec.name] = [str(form.get(f"{prefix}{i}", "")) for i in range(count)]
        elif spec.widget == "checkboxes":
            out[spec.name] = [str(v) for v in form.getlist(spec.name)]
        else:
            out[spec.name] = str(form.get(spec.name, ""))
    return out


def _row_count(form: FormData, name: str) -> int:
    indexes = [k[len(name) + 1 :].split("-")[0] for k in form.keys() if k.startswith(f"{name}-")]
    numbers = [int(i) for i in indexes if i.isdigit() and len(i) <= 3]
    return max(numbers, default=-1) + 1


def _rows_from_form(spec: FieldSpec, form: FormData) -> list[dict[str, str]]:
    return [
        {s.name: str(form.get(f"{spec.name}-{i}-{s.name}", "")) for s in spec.subfields}
        for i in range(_row_count(form, spec.name))
    ]


# -- raw text -> typed value ----------------------------------------------------------


def parse(cls: type[Any], raw: Mapping[str, Raw], kind: str) -> dict[str, Any]:
    """The typed values of `cls`'s fields; ValidationError naming `kind.field` for text it cannot read."""
    return {s.name: parse_field(s, raw.get(s.name, s.default), f"{kind}.{s.name}", cls) for s in specs(cls)}


def parse_field(spec: FieldSpec, raw: Raw, field: str, cls: type[Any]) -> Any:
    if spec.widget == "rows":
        assert spec.item is not None
        key = ROW_KEYS.get(spec.item, spec.subfields[0].name)
        rows = [_guessed(spec.item, row) for row in raw if str(row.get(key, "")).strip()]
        return [spec.item(**parse(spec.item, row, field)) for row in rows]
    if spec.widget == "refs":
        return [text.strip() for text in raw if text.strip()]
    if spec.widget == "checkboxes":
        return [code for code in raw if code]
    if spec.widget == "notes":
        return _notes(raw, field, cls)
    text = _checked_length(spec, str(raw), field)
    if spec.widget == "checkbox":
        return bool(text)
    if not text and spec.optional:
        return None
    if spec.widget == "date":
        return PartialDate.parse(text, field)
    if spec.widget == "day":
        return parse_day(text, field)
    if spec.widget == "datetime":
        return _datetime(text, field)
    if spec.widget == "number":
        return _number(text, field)
    if spec.widget == "ref":
        return text or None
    return text


def _guessed(item: type[Any], row: dict[str, str]) -> dict[str, str]:
    """The row with its empty guessable fields (see GUESSED) filled in."""
    filled = dict(row)
    for (cls, name), guess in GUESSED.items():
        if cls is item and not filled.get(name, "").strip():
            filled[name] = guess(row)
    return filled


def bounded_text(raw: Mapping[str, Any], name: str, field: str, limit: int = MAX_TEXT) -> str:
    """`raw[name]`, stripped; ValidationError naming `field` when longer than `limit`."""
    text = str(raw[name])
    if len(text) > limit:
        raise ValidationError(field, f"{text[:40]}…", f"at most {limit} characters; shorten the text")
    return text.strip()


def _checked_length(spec: FieldSpec, text: str, field: str) -> str:
    limit = MAX_LONG_TEXT if spec.widget in ("textarea", "notes") else MAX_TEXT
    if len(text) > limit:
        raise ValidationError(field, f"{text[:40]}…", f"at most {limit} characters; shorten the text")
    return text.strip()


LOCAL_TIME = "a day and a local time at the court as YYYY-MM-DDTHH:MM, for example 2025-03-14T10:30"
LARGEST = 2**31 - 1  # PostgreSQL's INTEGER


def _datetime(text: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, text, LOCAL_TIME) from None
    if moment.tzinfo is not None:
        # A stored hearing time is the court's local time; an offset would be silently lost.
        raise ValidationError(field, text, f"{LOCAL_TIME}, without a time-zone offset")
    return moment


def _number(text: str, field: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise ValidationError(field, text, "a whole number, for example 18") from None
    if not 0 <= number <= LARGEST:
        raise ValidationError(field, text, f"a whole number from 0 to {LARGEST}")
    return number


def _notes(raw: str, field: str, cls: type[Any]) -> dict[str, str]:
    """`field: note` lines; each must name a field of the record that takes a code."""
    text = str(raw)
    if len(text) > MAX_LONG_TEXT:
        raise ValidationError(field, f"{text[:40]}…", f"at most {MAX_LONG_TEXT} characters")
    coded = sorted(s.name for s in specs(cls) if s.vocab)
    notes: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, colon, note = line.partition(":")
        if not colon or name.strip() not in coded:
            raise ValidationError(
                field, line, f"write one “field: note” per line, the field one of: {', '.join(coded)}"
            )
        notes[name.strip()] = note.strip()
    return notes


def error_key(field: str) -> str:
    """The form field a ValidationError's `kind.field.sub` names: `field`."""
    parts = field.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def references(cls: type[Any], values: Mapping[str, Any], kind: str) -> list[tuple[str, str, str]]:
    """(field, kind referred to, id) of every id these values refer to, rows included."""
    out: list[tuple[str, str, str]] = []
    for spec in specs(cls):
        value = values.get(spec.name)
        field = f"{kind}.{spec.name}"
        if spec.ref and value:
            out.extend((field, spec.ref, v) for v in (value if isinstance(value, list) else [value]))
        elif spec.widget == "rows" and spec.item is not None:
            for item in value or []:
                out.extend(references(spec.item, vars(item), field))
    return out


# -- what a template needs to draw one field ---------------------------------------------


@dataclass
class FormError:
    """A refused value: the field it names (`kind.field`), the value, what is allowed."""

    field: str
    value: str
    allowed: str

    @property
    def key(self) -> str:
        return error_key(self.field)

    @classmethod
    def of(cls, error: ValidationError) -> FormError:
        value = error.value
        shown = "" if value is None or value == [] else str(value)
        return cls(error.field, shown, error.allowed)


@dataclass
class Widget:
    """One field as drawn: HTML name and id, the raw value, choices, and its error if any."""

    spec: FieldSpec
    name: str
    value: Any
    options: list[tuple[str, str]] | None = None  # None for a ref: a text box for the id
    rows: list[list[Widget]] = dataclasses.field(default_factory=list)
    error: str = ""
    invalid: bool = False
    error_ref: str = ""  # a row's cell points at the error shown on its fieldset

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def error_id(self) -> str:
        return f"err-{self.name}"

    @property
    def describedby(self) -> str:
        ids = [self.error_id] if self.error else [self.error_ref] if self.error_ref else []
        if self.spec.hint:
            ids.append(f"hint-{self.name}")
        return " ".join(ids)


class Choices:
    """The options of selects and checkbox lists, in the request's language."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang = language_of(request)
        self.gettext = i18n.gettext_for(self.lang)

    def terms(self, vocab: str) -> list[tuple[str, str]]:
        return [(code, i18n.term_label(vocab, code, self.lang)) for code in vocabulary(vocab).codes()]

    def of(self, spec: FieldSpec, value: Any) -> list[tuple[str, str]] | None:
        if spec.name == "visibility":
            seen = caller(self.request).visible
            return [(c, label) for c, label in self.terms("visibility") if c in seen]
        if spec.name == "target_kind":
            options = [(k, self.gettext(KIND_LABELS[k])) for k in target_kinds()]
        elif spec.vocab:
            options = self.terms(spec.vocab)
        elif spec.ref:
            found = ref_choices(self.request, spec.ref)
            if found is None:
                return None
            options = list(found)
        else:
            return []
        if spec.widget in ("select", "ref") and (spec.optional or not spec.default or spec.ref):
            blank = self.gettext("— choose —") if spec.required else "—"
            if spec.name == "script":
                blank = self.gettext("from the letters")
            options = [("", blank), *options]
        known = {code for code, _ in options}
        for extra in value if isinstance(value, list) else [value]:
            if extra and extra not in known:  # a stored value no longer offered: keep it choosable
                options.append((extra, extra))
        return options


def ref_choices(request: Request, kind: str) -> list[tuple[str, str]] | None:
    """(id, label) of the visible records of `kind` when few enough for a <select>, else None."""
    web = request.app.state.web
    visible = caller(request).visible
    lang = language_of(request)

    def load() -> list[tuple[str, str]] | None:
        with web.store.reading() as conn:
            if kind == "person":
                if queries.count_people(conn, "", visible=visible) > SELECT_LIMIT:
                    return None
                rows = queries.search_people(conn, "", SELECT_LIMIT, 0, visible=visible)
                return [(r.id, i18n.pick_name([r.name, *r.other_names], lang)) for r in rows]
            if kind in ("case", "organisation", "source"):
                if queries.count_records(conn, kind, "", visible=visible) > SELECT_LIMIT:
                    return None
                listed = queries.list_records(conn, kind, "", SELECT_LIMIT, 0, visible=visible)
                return [(r.id, f"{r.title} ({r.detail})" if r.detail else r.title) for r in listed]
        return None

    found: list[tuple[str, str]] | None = web.memo(("ref_choices", kind, visible, lang), load)
    return found


def widgets(
    request: Request, cls: type[Any], raw: Mapping[str, Any], error: FormError | None
) -> list[Widget]:
    choices = Choices(request)
    out = []
    for spec in specs(cls):
        value = raw.get(spec.name, spec.default)
        widget = Widget(spec, spec.name, value, choices.of(spec, value))
        if spec.widget == "rows":
            widget.rows = _rows(choices, spec, value)
        elif spec.widget == "refs":
            count = max(len(value) + 2, 3)
            padded = [*value, *[""] * (count - len(value))]
            item = FieldSpec(spec.name, "ref", ref=spec.ref, default="")
            widget.rows = [
                [Widget(item, f"{spec.name}-{i}", v, choices.of(item, v))] for i, v in enumerate(padded)
            ]
        if error is not None and error.key == spec.name:
            widget.error = error.allowed
            _mark_invalid(widget, error)
        out.append(widget)
    return out


def _rows(choices: Choices, spec: FieldSpec, value: list[dict[str, str]]) -> list[list[Widget]]:
    assert spec.item is not None
    count = max(len(value) + (2 if spec.item in MIN_ROWS else 1), MIN_ROWS.get(spec.item, 1))
    blank = {s.name: "" if _may_be_empty(spec, s) else s.default for s in spec.subfields}
    padded = [*value, *[dict(blank) for _ in range(count - len(value))]]
    rows = []
    for i, row in enumerate(padded):
        cells = []
        for sub in spec.subfields:
            cell = row.get(sub.name, sub.default)
            item_spec = _optional(sub) if _may_be_empty(spec, sub) else sub
            cells.append(Widget(item_spec, f"{spec.name}-{i}-{sub.name}", cell, choices.of(item_spec, cell)))
        rows.append(cells)
    return rows


def _may_be_empty(rows: FieldSpec, sub: FieldSpec) -> bool:
    """A row's key field (empty: a blank row, ignored), or a field habeas can fill in."""
    if rows.item is None:
        return False
    return ROW_KEYS.get(rows.item) == sub.name or (rows.item, sub.name) in GUESSED


def _optional(spec: FieldSpec) -> FieldSpec:
    return FieldSpec(spec.name, spec.widget, optional=True, vocab=spec.vocab, ref=spec.ref, default="")


def _mark_invalid(widget: Widget, error: FormError) -> None:
    if not widget.rows:
        widget.invalid = True
        return
    sub = error.field.split(".")[2] if error.field.count(".") >= 2 else ""
    marked = False
    for row in widget.rows:
        for cell in row:
            if sub and cell.spec.name == sub and error.value and str(cell.value) == error.value:
                cell.invalid = marked = True
                cell.error_ref = widget.error_id
    if not marked:
        widget.rows[0][0].invalid = True
        widget.rows[0][0].error_ref = widget.error_id
