"""The layout of a list document: how its headings and field labels look, read from a YAML file.

Every edition words its labels differently ("Date of arrest", "Date of Detention",
"The Charge"…), so all of it is configurable; `DEFAULT_LAYOUT` fits THE LIST
(Azerbaijan, 2014) and similar English, Azerbaijani and Russian lists. A layout
file gives only what differs: each key it sets replaces the default's. The format
is documented in docs/list-documents.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from habeas.domain.vocabulary import vocabulary
from habeas.errors import ValidationError

__all__ = ["DEFAULT_LAYOUT", "FIELDS", "Layout", "load_layout"]

FIELDS = ("arrest_date", "charges", "place", "background")

DEFAULTS: dict[str, Any] = {
    # Whole-line patterns (Python regular expressions), matched with runs of spaces collapsed.
    "section": r"(?P<key>[A-Z])\.\s+(?P<title>[A-Z][A-Z ,&/'-]+)",
    "subsection": r"[a-z]\.\s+[A-Z\"“«].*",
    "entry": r"(?P<number>\d{1,4})\.\s*(?P<name>[^\W\d_][^\d:;]{2,120})",
    # Lines that contain this anywhere are skipped: the dotted leaders of a table of contents.
    "skip": r"\.{5,}|…{3,}",
    "labels": {
        "arrest_date": [
            "Date of arrest",
            "Date of Detention",
            "Detention date",
            "Arrest date",
            "Həbs tarixi",
            "Дата ареста",
        ],
        "charges": ["Charge", "The Charge", "Provision", "İttiham", "Обвинение"],
        "place": ["Place of detention", "Place of imprisonment", "Saxlanıldığı yer", "Место содержания"],
        "background": [
            "Case background",
            "Background",
            "Background of person",
            "Brief Summary of the Case",
            "Qısa məlumat",
        ],
    },
    # Section heading → group codes: every rule whose keyword is in the heading adds its codes;
    # a `fallback` rule applies only when no other rule did; with none, the code is `other`.
    "groups": [
        {"keywords": ["journalist"], "codes": ["journalist"]},
        {"keywords": ["blogger"], "codes": ["blogger"]},
        {"keywords": ["human rights defender"], "codes": ["human_rights_defender"]},
        {"keywords": ["politician", "party"], "codes": ["opposition_party_member"]},
        {"keywords": ["religious", "believer"], "codes": ["religious_believer"]},
        {"keywords": ["youth", "activist"], "codes": ["civil_society_activist"], "fallback": True},
    ],
    # A place of detention containing one of these is pre-trial detention; any other, imprisonment.
    "pre_trial_places": [
        "investigative",
        "investigation prison",
        "detention facility",
        "detention center",
        "detention centre",
        "pre-trial",
        "pretrial",
        "isolator",
        "istintaq təcridxanası",
        "сизо",
        "следственный изолятор",
    ],
}


@dataclass(frozen=True)
class GroupRule:
    keywords: tuple[str, ...]
    codes: tuple[str, ...]
    fallback: bool = False


@dataclass(frozen=True)
class Layout:
    section: re.Pattern[str]
    subsection: re.Pattern[str]
    entry: re.Pattern[str]
    skip: re.Pattern[str]
    labels: Mapping[str, Sequence[str]]
    groups: tuple[GroupRule, ...]
    pre_trial_places: tuple[str, ...]
    _label: re.Pattern[str]

    def label(self, line: str) -> tuple[str, str] | None:
        """(field, the text after the label) when `line` starts with a field label, else None."""
        match = self._label.match(line)
        if match is None:
            return None
        field = next(name for name, text in match.groupdict().items() if text is not None and name in FIELDS)
        return field, line[match.end() :].strip()

    def is_label_start(self, text: str) -> bool:
        """Whether `text` (a short line) is the first word(s) of some label, without its colon yet."""
        words = text.casefold().split()
        if not words or len(words) > 4:
            return False
        return any(
            label.casefold().split()[: len(words)] == words
            for labels in self.labels.values()
            for label in labels
        )

    def groups_for(self, section: str) -> list[str]:
        """The group codes a section heading means (see `groups` in the layout)."""
        heading = section.casefold()
        codes: list[str] = []
        for fallback in (False, True):
            for rule in self.groups:
                if rule.fallback == fallback and any(k.casefold() in heading for k in rule.keywords):
                    codes.extend(c for c in rule.codes if c not in codes)
            if codes:
                return codes
        return ["other"]

    def custody_kind(self, place: str) -> str:
        """pre_trial_detention when the place names an investigative prison or isolator, else imprisonment."""
        text = place.casefold()
        return "pre_trial_detention" if any(k in text for k in self.pre_trial_places) else "imprisonment"


def load_layout(path: Path) -> Layout:
    """A layout from a YAML file; keys it leaves out keep their defaults."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ValidationError("layout", str(path), f"the file cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise ValidationError("layout", path.name, f"not valid YAML{line}; check its indentation") from None
    if not isinstance(data, dict):
        raise ValidationError("layout", path.name, "a layout is a YAML mapping (key: value lines)")
    return make_layout(data)


def make_layout(changes: Mapping[str, Any]) -> Layout:
    """The default layout with the keys of `changes` replaced (labels field by field)."""
    unknown = sorted(set(changes) - set(DEFAULTS))
    if unknown:
        raise ValidationError("layout", unknown[0], f"the keys of a layout are: {', '.join(DEFAULTS)}")
    merged = {**DEFAULTS, **changes}
    labels = dict(DEFAULTS["labels"])
    given = changes.get("labels") or {}
    if not isinstance(given, dict) or set(given) - set(FIELDS):
        raise ValidationError("layout.labels", sorted(given), f"give label lists for: {', '.join(FIELDS)}")
    for name, texts in given.items():
        labels[name] = _strings(f"layout.labels.{name}", texts)
    entry = _pattern("entry", merged["entry"])
    if not {"number", "name"} <= set(entry.groupindex):
        raise ValidationError("layout.entry", entry.pattern, "name the groups (?P<number>…) and (?P<name>…)")
    return Layout(
        section=_pattern("section", merged["section"]),
        subsection=_pattern("subsection", merged["subsection"]),
        entry=entry,
        skip=_pattern("skip", merged["skip"]),
        labels=labels,
        groups=tuple(_group_rule(rule) for rule in merged["groups"]),
        pre_trial_places=tuple(
            k.casefold() for k in _strings("layout.pre_trial_places", merged["pre_trial_places"])
        ),
        _label=_label_pattern(labels),
    )


def _pattern(key: str, text: object) -> re.Pattern[str]:
    if not isinstance(text, str):
        raise ValidationError(f"layout.{key}", text, "give a regular expression as text")
    try:
        return re.compile(rf"(?:{text})\s*$" if key != "skip" else text)
    except re.error as exc:
        raise ValidationError(f"layout.{key}", text, f"not a valid regular expression ({exc.msg})") from None


def _strings(field: str, value: object) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(field, value, "give a list of one or more texts")
    return [" ".join(v.split()) for v in value]


def _group_rule(rule: object) -> GroupRule:
    if not isinstance(rule, dict) or set(rule) - {"keywords", "codes", "fallback"}:
        raise ValidationError(
            "layout.groups", rule, "each rule is {keywords: [...], codes: [...], fallback: no}"
        )
    codes = _strings("layout.groups.codes", rule.get("codes"))
    group_codes = vocabulary("group")
    for code in codes:
        group_codes.check(code, "layout.groups.codes")
    return GroupRule(
        tuple(_strings("layout.groups.keywords", rule.get("keywords"))),
        tuple(codes),
        bool(rule.get("fallback")),
    )


def _label_pattern(labels: Mapping[str, Sequence[str]]) -> re.Pattern[str]:
    """One pattern for every label: the words with any spacing, an optional plural, then a colon.

    A stray "s:" after the colon is accepted too (THE LIST 2014 writes "Charge:s:" once).
    """
    alternatives = []
    for name in FIELDS:
        words = sorted(labels[name], key=len, reverse=True)
        spelled = "|".join(r"\s*".join(re.escape(w) for w in text.split()) for text in words)
        alternatives.append(f"(?P<{name}>{spelled})")
    return re.compile(rf"\s*(?:{'|'.join(alternatives)})(?:s|d)?\s*:(?:\s*s\s*:)?", re.IGNORECASE)


DEFAULT_LAYOUT = make_layout({})
