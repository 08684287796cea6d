"""Editions of the political-prisoner list: inclusion rules, publishing, comparing and checking editions.

An edition freezes who was on the list on a day, under which category, and by which rule. It is
computed from the dated facts (held on that day under a custody kind the rule counts, with an
assessment the rule accepts), stored once and never changed: the database refuses updates.
`diff` says who joined and who left between two editions and why; `check` recomputes an edition
from today's facts, since late information changes past figures. Editions are internal: every
record counts, whatever its visibility.
"""

from __future__ import annotations

from habeas.editions.changes import REASONS, Change, CheckReport, Diff, check, diff
from habeas.editions.published import Edition, Member, list_editions_newest_first, load, members_on, publish
from habeas.editions.rules import DEFAULT_CATEGORIES, OTHER, RULES, Rule, resolve_rule, rule_from_mapping

__all__ = [
    "DEFAULT_CATEGORIES",
    "OTHER",
    "REASONS",
    "RULES",
    "Change",
    "CheckReport",
    "Diff",
    "Edition",
    "Member",
    "Rule",
    "check",
    "diff",
    "list_editions_newest_first",
    "load",
    "members_on",
    "publish",
    "resolve_rule",
    "rule_from_mapping",
]
