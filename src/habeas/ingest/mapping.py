"""Which spreadsheet column holds which fact: the mapping file, its checks, and a guess from headers.

A mapping is YAML (docs/importing.md shows a full example). Each field names a
column, or gives a fixed `default`; coded fields take a `values` map from the
sheet's words to habeas codes (the codes themselves and their English,
Azerbaijani and Russian labels are understood without one). `guess_mapping`
proposes a mapping from header words in English, Azerbaijani and Russian, for
the user to confirm or edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from habeas.domain.names import search_key
from habeas.domain.vocabulary import vocabulary
from habeas.errors import ValidationError

__all__ = ["FIELDS", "Column", "NameColumn", "TableMapping", "guess_mapping", "load_mapping", "parse_mapping"]

# Each mappable field: (what it holds, the vocabulary its codes come from or "").
FIELDS: dict[str, tuple[str, str]] = {
    "id": ("a habeas person id: the row updates that person", ""),
    "sex": ("the person's sex", "sex"),
    "birth_date": ("date of birth", ""),
    "groups": ("groups the person belongs to (journalist, blogger…)", "group"),
    "start": ("date of arrest: starts the custody period and records an arrest event", ""),
    "end": ("date the custody ended (release)", ""),
    "custody_kind": ("kind of custody (pre_trial_detention, imprisonment…)", "custody_kind"),
    "charges": ("Criminal Code articles, several per cell (206.3.2; 221)", ""),
    "facility": ("place of detention (an organisation of kind detention_facility)", ""),
    "place": ("where the arrest or custody happened, as text", ""),
    "source": ("title of the source the row comes from", ""),
    "visibility": ("who may see the row's records", "visibility"),
    "notes": ("notes on the person", ""),
}
MULTI_VALUED = frozenset({"groups", "charges"})
COLUMN_KEYS = frozenset({"column", "separator", "values", "default"})
NAME_KEYS = frozenset({"column", "script", "language", "kind"})
NAME_SCRIPTS = ("auto", *vocabulary("name_script").codes())
DEFAULT_SEPARATORS = {"groups": "|", "charges": ";"}

# Header words that suggest a field, in English, Azerbaijani and Russian, compared by search_key.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "habeas id", "record id"),
    "name": ("name", "full name", "person", "ad", "ad soyad", "soyad", "adi", "фио", "имя", "ф.и.о."),
    "sex": ("sex", "gender", "cins", "cinsi", "пол"),
    "birth_date": ("birth", "born", "date of birth", "dogum", "doğum tarixi", "дата рождения", "рожд"),
    "groups": (
        "group",
        "groups",
        "category",
        "occupation group",
        "qrup",
        "kateqoriya",
        "группа",
        "категория",
    ),
    "start": (
        "date of arrest",
        "arrest date",
        "arrested",
        "date of detention",
        "detained",
        "həbs tarixi",
        "hebs",
        "tutulma tarixi",
        "дата ареста",
        "арест",
        "задержан",
    ),
    "end": ("release", "released", "date of release", "azad", "azadliga", "освобожд"),
    "custody_kind": ("custody", "measure", "preventive measure", "qətimkan", "мера пресечения", "мера"),
    "charges": (
        "article",
        "articles",
        "charge",
        "charges",
        "provision",
        "maddə",
        "madde",
        "статья",
        "статьи",
    ),
    "facility": (
        "facility",
        "prison",
        "place of detention",
        "detention facility",
        "həbsxana",
        "cəzaçəkmə",
        "saxlanildigi yer",
        "место содержания",
        "тюрьма",
        "сизо",
    ),
    "place": ("place", "city", "region", "yer", "şəhər", "место", "город"),
    "source": ("source", "mənbə", "menbe", "источник"),
    "visibility": ("visibility",),
    "notes": (
        "notes",
        "note",
        "comment",
        "comments",
        "background",
        "qeyd",
        "qeydlər",
        "примечание",
        "комментарий",
    ),
}


@dataclass(frozen=True)
class Column:
    """Where one field comes from: a `column` (or a fixed `default`), split on `separator` when
    several values share a cell, with `values` mapping the sheet's words to habeas codes."""

    column: str = ""
    separator: str = ""
    values: dict[str, str] = field(default_factory=dict)
    default: str = ""

    def to_dict(self) -> Any:
        if not (self.separator or self.values or self.default):
            return self.column
        out: dict[str, Any] = {"column": self.column} if self.column else {}
        out.update({k: v for k, v in (("separator", self.separator), ("default", self.default)) if v})
        if self.values:
            out["values"] = dict(self.values)
        return out


@dataclass(frozen=True)
class NameColumn:
    """A column of names in one script (`auto`: told from each name's letters), language and kind."""

    column: str
    script: str = "auto"
    language: str = ""
    kind: str = "native"

    def to_dict(self) -> dict[str, str]:
        out = {"column": self.column, "script": self.script}
        if self.language:
            out["language"] = self.language
        out["kind"] = self.kind
        return out


@dataclass(frozen=True)
class TableMapping:
    """A whole mapping: the name columns, each other field's Column, and a fixed source id if any."""

    names: tuple[NameColumn, ...] = ()
    fields: dict[str, Column] = field(default_factory=dict)
    source_id: str = ""

    def get(self, name: str) -> Column | None:
        return self.fields.get(name)

    def columns(self) -> set[str]:
        """Every sheet column the mapping reads."""
        used = {n.column for n in self.names}
        return used | {c.column for c in self.fields.values() if c.column}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"names": [n.to_dict() for n in self.names]}
        for name in FIELDS:
            if name in self.fields:
                out[name] = self.fields[name].to_dict()
        if self.source_id:
            out["source"] = {"id": self.source_id}
        return out

    def to_yaml(self) -> str:
        import yaml

        head = (
            "# habeas import mapping: which column holds which field (docs/importing.md).\n"
            "# Check every line; delete fields you do not want imported.\n"
        )
        return head + yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)


def load_mapping(path: Path, headers: Iterable[str] | None = None) -> TableMapping:
    """Read and check a YAML mapping file (against the sheet's `headers`, when given)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError("mapping", str(path), f"the file cannot be read ({exc.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValidationError(
            "mapping", path.name, f"the file is not valid YAML ({exc.__class__.__name__})"
        ) from None
    return parse_mapping(data, headers)


def parse_mapping(data: Any, headers: Iterable[str] | None = None) -> TableMapping:
    """Check a mapping given as plain data (parsed YAML, or a web form) and build it."""
    if not isinstance(data, dict):
        raise ValidationError("mapping", type(data).__name__, "a mapping is a set of `field: column` lines")
    unknown = set(data) - {"names", *FIELDS}
    if unknown:
        allowed = ", ".join(["names", *FIELDS])
        raise ValidationError("mapping", sorted(unknown)[0], f"use these keys: {allowed}")
    known = list(headers) if headers is not None else None
    names = tuple(_name_column(item, known) for item in _as_list(data.get("names")))
    if not names and "id" not in data:
        raise ValidationError("mapping.names", None, "map at least one column of names (or an id column)")
    fields: dict[str, Column] = {}
    source_id = ""
    for name in FIELDS:
        value = data.get(name)
        if value is None:
            continue
        if name == "source" and isinstance(value, dict) and "id" in value:
            source_id = _source_id(value)
            continue
        fields[name] = _column(name, value, known)
    if "start" in fields and "custody_kind" not in fields:
        raise ValidationError(
            "mapping.custody_kind",
            None,
            "an arrest date starts a custody period: map its kind, "
            "e.g. `custody_kind: {default: pre_trial_detention}`",
        )
    return TableMapping(names, fields, source_id)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_column(key: str, column: Any, known: list[str] | None) -> str:
    if not isinstance(column, str) or not column.strip():
        raise ValidationError(key, column, "give a column header as text")
    if known is not None and column not in known:
        raise ValidationError(key, column, f"no such column; the sheet's headers are: {', '.join(known)}")
    return column


def _name_column(item: Any, known: list[str] | None) -> NameColumn:
    if isinstance(item, str):
        item = {"column": item}
    if not isinstance(item, dict):
        raise ValidationError("mapping.names", item, "list name columns as `- column: NAME`")
    extra = set(item) - NAME_KEYS
    if extra:
        raise ValidationError(
            "mapping.names", sorted(extra)[0], f"use these keys: {', '.join(sorted(NAME_KEYS))}"
        )
    column = _check_column("mapping.names.column", item.get("column"), known)
    script = str(item.get("script") or "auto")
    if script not in NAME_SCRIPTS:
        raise ValidationError("mapping.names.script", script, f"use one of: {', '.join(NAME_SCRIPTS)}")
    kind = vocabulary("name_kind").check(str(item.get("kind") or "native"), "mapping.names.kind")
    return NameColumn(column, script, str(item.get("language") or ""), kind)


def _column(name: str, value: Any, known: list[str] | None) -> Column:
    key = f"mapping.{name}"
    if isinstance(value, str):
        value = {"column": value}
    if not isinstance(value, dict):
        raise ValidationError(key, value, "give a column header, or `{column: …, default: …}`")
    extra = set(value) - COLUMN_KEYS
    if extra:
        raise ValidationError(key, sorted(extra)[0], f"use these keys: {', '.join(sorted(COLUMN_KEYS))}")
    column = _check_column(f"{key}.column", value["column"], known) if value.get("column") else ""
    default = str(value.get("default") or "")
    if not column and not default:
        raise ValidationError(key, value, "give a `column`, a fixed `default`, or both")
    values = value.get("values") or {}
    if not isinstance(values, dict):
        raise ValidationError(f"{key}.values", values, "give `word in the sheet: code` pairs")
    vocab_name = FIELDS[name][1]
    for code in [*values.values(), *([default] if default else [])]:
        if vocab_name:
            vocabulary(vocab_name).check(str(code), f"{key}.values")
    separator = str(value.get("separator") or (DEFAULT_SEPARATORS.get(name, "")))
    if separator and name not in MULTI_VALUED:
        raise ValidationError(
            f"{key}.separator", separator, f"only {', '.join(sorted(MULTI_VALUED))} hold several values"
        )
    return Column(column, separator, {str(k): str(v) for k, v in values.items()}, default)


def _source_id(value: Mapping[str, Any]) -> str:
    from habeas.service import ULID_TEXT

    source_id = str(value["id"])
    if not ULID_TEXT.match(source_id) or len(value) != 1:
        raise ValidationError("mapping.source.id", source_id, "give the 26-character id of a stored source")
    return source_id


# -- guessing ------------------------------------------------------------------------


def guess_mapping(headers: Iterable[str]) -> TableMapping:
    """A mapping proposed from the headers' words; every header used at most once, names first."""
    headers = list(headers)
    keys = {h: search_key(h) for h in headers}
    taken: set[str] = set()
    names = tuple(NameColumn(h) for h in headers if _matches(keys[h], "name"))
    taken.update(n.column for n in names)
    fields: dict[str, Column] = {}
    for name in FIELDS:
        for header in headers:
            if header not in taken and _matches(keys[header], name):
                fields[name] = Column(header, DEFAULT_SEPARATORS.get(name, ""))
                taken.add(header)
                break
    if "start" in fields and "custody_kind" not in fields:
        # A visible choice for the user to confirm: habeas never guesses a kind silently.
        fields["custody_kind"] = Column(default="pre_trial_detention")
    return TableMapping(names, fields)


def _matches(key: str, field_name: str) -> bool:
    """Whether a header (as a search key) is, or contains as a whole word run, one of the field's words."""
    for word in HEADER_WORDS[field_name]:
        word_key = search_key(word)
        if key == word_key:
            return True
        if len(word_key) > 3 and (key.startswith(word_key) or f" {word_key}" in f" {key}"):
            return True
    return False
