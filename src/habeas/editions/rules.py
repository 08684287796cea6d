"""Inclusion rules: which custody kinds and assessment conclusions put a person on the list; categories."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from habeas.domain.vocabulary import vocabulary
from habeas.errors import ValidationError

if TYPE_CHECKING:
    from habeas.editions.published import Member

OTHER = "other"  # the category of a member in none of the rule's groups
# Categories in the group vocabulary's order, "other" last (it is where everyone else goes anyway).
DEFAULT_CATEGORIES = tuple(code for code in vocabulary("group").codes() if code != OTHER)


@dataclass(frozen=True)
class Rule:
    """Who is on the list: held under one of `custody_kinds`, with an assessment in `conclusions`.

    The assessment is the person's latest one certainly decided by the edition's day; a person with
    none is on the list only when `require_assessment` is false. A member's category is the first of
    `categories` (group codes) among their groups, else "other".
    """

    name: str
    custody_kinds: tuple[str, ...]
    conclusions: tuple[str, ...]
    require_assessment: bool = True
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    description: str = ""

    def category_of(self, groups: Iterable[str]) -> str:
        held = set(groups)
        return next((code for code in self.categories if code in held), OTHER)

    def counts(self, members: Iterable[Member]) -> dict[str, int]:
        """Members per category, in the rule's category order; categories with nobody are left out."""
        tally = Counter(m.category for m in members)
        order = [*self.categories, *([OTHER] if OTHER not in self.categories else [])]
        return {code: tally[code] for code in order if tally[code]}

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "custody_kinds": list(self.custody_kinds),
            "conclusions": list(self.conclusions),
            "require_assessment": self.require_assessment,
            "categories": list(self.categories),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        """A rule as stored with an edition (already validated when it was published)."""
        return cls(
            name=data["name"],
            description=data.get("description", ""),
            custody_kinds=tuple(data["custody_kinds"]),
            conclusions=tuple(data["conclusions"]),
            require_assessment=bool(data["require_assessment"]),
            categories=tuple(data["categories"]),
        )


_DETAINED = ("pre_trial_detention", "imprisonment", "administrative_detention", "psychiatric_confinement")
RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "pace",
            _DETAINED,
            ("political_prisoner",),
            description="Detained (house arrest does not count), assessed a political prisoner (PACE 1900)",
        ),
        Rule(
            "pace-with-house-arrest",
            (*_DETAINED, "house_arrest"),
            ("political_prisoner",),
            description="As pace, and people under house arrest stay on the list",
        ),
    )
}
RULE_KEYS = ("name", "description", "custody_kinds", "conclusions", "require_assessment", "categories")


def resolve_rule(spec: str) -> Rule:
    """The built-in rule named `spec`, or the rule in the YAML file at path `spec`."""
    if spec in RULES:
        return RULES[spec]
    path = Path(spec)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ValidationError("rule", spec, f"use a built-in rule ({', '.join(RULES)}) or a .yaml rule file")
    import yaml  # only needed for a custom rule

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError("rule", spec, f"the file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ValidationError("rule", spec, "the file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValidationError(
            "rule", spec, f"the file is not valid YAML{where}; see docs/list-editions.md"
        ) from None
    return rule_from_mapping(data, path.stem)


def rule_from_mapping(data: object, default_name: str) -> Rule:
    """Validate a custom rule read from YAML: known keys, vocabulary codes, a new name."""
    if not isinstance(data, dict):
        raise ValidationError(
            "rule", type(data).__name__, f"a rule is a mapping with the keys {', '.join(RULE_KEYS)}"
        )
    for key in data:
        if key not in RULE_KEYS:
            raise ValidationError(f"rule.{key}", data[key], f"a rule has the keys {', '.join(RULE_KEYS)}")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        raise ValidationError("rule.name", name, "a rule's name is text of 1 to 60 characters")
    if name in RULES:
        raise ValidationError(
            "rule.name", name, f"the built-in names ({', '.join(RULES)}) are taken; choose another"
        )
    require = data.get("require_assessment", True)
    if not isinstance(require, bool):
        raise ValidationError("rule.require_assessment", require, "write true or false")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ValidationError("rule.description", description, "a description is text")
    return Rule(
        name=name.strip(),
        description=description,
        custody_kinds=_codes(data, "custody_kinds", "custody_kind"),
        conclusions=_codes(data, "conclusions", "assessment_conclusion"),
        require_assessment=require,
        categories=_codes(data, "categories", "group") if "categories" in data else DEFAULT_CATEGORIES,
    )


def _codes(data: Mapping[str, Any], key: str, vocabulary_name: str) -> tuple[str, ...]:
    """The list of codes under `key`, each checked against its vocabulary, repeats dropped."""
    value = data.get(key)
    if isinstance(value, str):
        value = [value]
    terms = vocabulary(vocabulary_name)
    if not isinstance(value, list) or not value:
        raise ValidationError(
            f"rule.{key}", value, f"give a list of {vocabulary_name} codes: {', '.join(terms.codes())}"
        )
    return tuple(dict.fromkeys(terms.check(code, f"rule.{key}") for code in value))
