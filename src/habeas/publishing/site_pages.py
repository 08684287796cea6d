"""The list, methodology and editions pages of the public site, as plain values for the templates.

Each function takes the `PublicData` and a language and returns a template's context. Words that
reach a page as data (the reasons `habeas.editions` gives for a change, the built-in rules'
descriptions) are marked with `N_` below so that `make messages` extracts them, and translated
where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from habeas.domain.vocabulary import vocabulary
from habeas.editions import REASONS, Change
from habeas.i18n import gettext_for, pick_name, term_label
from habeas.publishing.dataset import MIN_WITHHELD_SHOWN, PublicData
from habeas.publishing.site_people import PeopleIndex

__all__ = [
    "REASON_MESSAGES",
    "RULE_DESCRIPTIONS",
    "Category",
    "editions_page",
    "index_page",
    "methodology_page",
    "reason_text",
]


def N_(text: str) -> str:  # babel extracts N_("…") as it does _("…")
    """Mark `text` for extraction; it is translated where it is shown."""
    return text


#: Each reason `habeas.editions.REASONS` can give, as written there (a test keeps them in step).
REASON_MESSAGES = (
    N_("died in custody"),
    N_("pardoned or amnestied"),
    N_("measure changed to {detail}"),
    N_("released"),
    N_("sentence served (imprisonment ended; no release or pardon recorded)"),
    N_("assessment withdrawn (latest conclusion: {detail})"),
    N_("the person's record was retracted"),
    N_("no longer held (reason not recorded)"),
    N_("new arrest ({detail})"),
    N_("now held under {detail}"),
    N_("assessment newly concluded (was {detail})"),
    N_("already held, newly assessed"),
    N_("facts recorded after the edition was published"),
    N_("category changed"),
    N_("reason not public"),
)
#: The built-in rules' descriptions (`habeas.editions.RULES`); a custom rule's is shown as written.
RULE_DESCRIPTIONS = (
    N_("Detained (house arrest does not count), assessed a political prisoner (PACE 1900)"),
    N_("As pace, and people under house arrest stay on the list"),
)
# The vocabulary a reason's {detail} was read from: the detail is that vocabulary's English label.
_DETAIL_VOCABULARY = {
    "measure_changed": "custody_kind",
    "new_arrest": "custody_kind",
    "custody_changed": "custody_kind",
    "assessment_withdrawn": "assessment_conclusion",
    "assessment_concluded": "assessment_conclusion",
}
_NONE_IN_FORCE = N_("none in force")


@dataclass(frozen=True)
class Category:
    """One category of the list: its members named (person id, name) and how many more are withheld."""

    code: str
    label: str
    count: int
    withheld: int
    members: tuple[tuple[str, str], ...]


def index_page(data: PublicData, index: PeopleIndex, lang: str) -> dict[str, Any]:
    """The context of `index.html`: the list by category, with counts and the withheld lines.

    `unsorted` counts the people whose names are withheld in categories with too few of them to
    be shown there (`PublicList.withheld_unsorted`); they are in the total and in no category.
    """
    listing = data.listing
    categories = []
    for code, count in listing.counts.items():
        named = [
            (m.person_id, pick_name([n.value for n in data.people[m.person_id].names], lang))
            for m in listing.members
            if m.category == code
        ]
        named.sort(key=lambda pair: (pair[1].casefold(), pair[0]))
        label = term_label("group", code, lang)
        categories.append(Category(code, label, count, listing.withheld.get(code, 0), tuple(named)))
    return {
        "categories": categories,
        "total": listing.total,
        "named": len(listing.members),
        "withheld": listing.withheld_total,
        "unsorted": listing.withheld_unsorted,
    }


def methodology_page(data: PublicData, lang: str) -> dict[str, Any]:
    """The context of `methodology.html`: the PACE criteria and the rule the list follows."""
    _ = gettext_for(lang)
    rule = data.listing.rule
    criteria = vocabulary("pace_criterion")
    return {
        "criteria": [criteria.label(code, lang) for code in criteria.codes()],
        "rule_name": rule.name,
        "rule_description": _(rule.description) if rule.description else "",
        "custody_kinds": [term_label("custody_kind", code, lang) for code in rule.custody_kinds],
        "conclusions": [term_label("assessment_conclusion", code, lang) for code in rule.conclusions],
        "require_assessment": rule.require_assessment,
        "rule_categories": [term_label("group", code, lang) for code in rule.categories],
        "min_withheld": MIN_WITHHELD_SHOWN,
    }


@dataclass(frozen=True)
class ChangeLine:
    """A named person who joined, left or changed category, as an editions page shows them."""

    person_id: str
    name: str
    before: str
    after: str
    reason: str


def editions_page(data: PublicData, index: PeopleIndex, lang: str) -> dict[str, Any]:
    """The context of `editions.html`: each edition's count and what changed since the one before."""

    def lines(changes: tuple[Change, ...]) -> list[ChangeLine]:
        out = []
        for c in changes:
            person = data.people.get(c.person_id)
            name = pick_name([n.value for n in person.names], lang) if person else c.name
            before = term_label("group", c.before or "", lang)
            after = term_label("group", c.after or "", lang)
            out.append(ChangeLine(c.person_id, name, before, after, reason_text(c, lang)))
        return sorted(out, key=lambda line: (line.name.casefold(), line.person_id))

    editions = [
        {
            "edition": h,
            "added": lines(h.added),
            "left": lines(h.left),
            "recategorised": lines(h.recategorised),
        }
        for h in data.history
    ]
    return {"editions": editions}


def reason_text(change: Change, lang: str) -> str:
    """Why a person joined or left the list, in `lang` (`Change.text` says it in English)."""
    _ = gettext_for(lang)
    detail = change.detail
    vocabulary_name = _DETAIL_VOCABULARY.get(change.reason)
    if detail == _NONE_IN_FORCE:
        detail = _(_NONE_IN_FORCE)
    elif vocabulary_name and lang != "en":
        # the detail is a code's English label in lower case: find the code, say its label in `lang`
        terms = vocabulary(vocabulary_name)
        code = next((c for c in terms.codes() if terms.label(c).lower() == detail), "")
        detail = terms.label(code, lang).lower() if code else detail
    return _(REASONS[change.reason]).format(detail=detail)
