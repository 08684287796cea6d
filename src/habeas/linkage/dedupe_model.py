"""Splink settings from a short list of comparison specs, and the words that explain each level.

A `Spec` names a column, a kind of comparison and a label for people to read. The kinds:

* "sounded_name": as "name", with "sounds the same" (equal phonetic keys) after "same".
* "name": same (after normalisation) / Jaro-Winkler ≥ 0.95 / ≥ 0.85 / different; optional
  term-frequency adjustment on "same", so a shared common surname counts for less than a rare one.
* "exact": same / different.
* "year": same / within 1 year / within 5 years / further apart (integers).
* "date": same day / same month / same year / different (ISO `YYYY-MM-DD` text).
* "array": at least one shared item / none shared (lists; an empty list is unknown).

Each level carries a prior m probability, so a store too small to train on still gets a sensible
model; EM replaces the priors where it has enough pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["KINDS", "LinkType", "Spec", "build_settings", "level_labels"]

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]

# Per kind: the non-null levels, strongest first, as (label, prior m probability).
KINDS: dict[str, tuple[tuple[str, float], ...]] = {
    "name": (
        # a true duplicate whose name part shares nothing with the other spelling is rare: the
        # transliteration keys and the Jaro-Winkler levels catch spelling variants
        ("same after transliteration", 0.82),
        ("nearly the same", 0.10),
        ("similar", 0.075),
        ("different", 0.005),
    ),
    # a name part with its phonetic key beside it: ə/e/a, kh/h/x and the like fold there, so that
    # `Memmed` and `Məmməd` sound the same although their transliteration keys differ
    "sounded_name": (
        ("same after transliteration", 0.75),
        ("sounds the same", 0.10),
        ("nearly the same", 0.07),
        ("similar", 0.075),
        ("different", 0.005),
    ),
    "exact": (("same", 0.90), ("different", 0.10)),
    "year": (("same", 0.85), ("within 1 year", 0.10), ("within 5 years", 0.03), ("further apart", 0.02)),
    "date": (("same day", 0.70), ("same month", 0.15), ("same year", 0.10), ("different", 0.05)),
    "array": (("shared", 0.85), ("none shared", 0.15)),
}


@dataclass(frozen=True)
class Spec:
    """One comparison: the column, its kind (a key of KINDS), the label shown to people."""

    column: str
    kind: str
    label: str = ""
    term_frequency: bool = False  # only for "name", "sounded_name" and "exact"
    phonetic: str = ""  # for "sounded_name": the column holding the phonetic key

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r}: use one of {', '.join(KINDS)}")

    @property
    def shown(self) -> str:
        return self.label or self.column.replace("_", " ")


def level_labels(spec: Spec) -> dict[int, str]:
    """Splink's comparison vector value (gamma) of each level → its label; -1 is unknown."""
    levels = KINDS[spec.kind]
    return {-1: "unknown"} | {len(levels) - 1 - n: label for n, (label, _m) in enumerate(levels)}


def _levels(spec: Spec) -> list[Any]:
    import splink.comparison_level_library as cll

    col = spec.column
    conditions: dict[str, list[Any]] = {
        "name": [
            cll.ExactMatchLevel(col, term_frequency_adjustments=spec.term_frequency),
            cll.JaroWinklerLevel(col, 0.95),
            cll.JaroWinklerLevel(col, 0.85),
        ],
        "sounded_name": [
            cll.ExactMatchLevel(col, term_frequency_adjustments=spec.term_frequency),
            cll.ExactMatchLevel(spec.phonetic),  # Splink writes it in each backend's SQL
            cll.JaroWinklerLevel(col, 0.95),
            cll.JaroWinklerLevel(col, 0.85),
        ],
        "exact": [cll.ExactMatchLevel(col, term_frequency_adjustments=spec.term_frequency)],
        "year": [
            cll.ExactMatchLevel(col),
            cll.AbsoluteDifferenceLevel(col, 1),
            cll.AbsoluteDifferenceLevel(col, 5),
        ],
        "date": [
            cll.ExactMatchLevel(col),
            cll.CustomLevel(f'substr("{col}_l", 1, 7) = substr("{col}_r", 1, 7)'),
            cll.CustomLevel(f'substr("{col}_l", 1, 4) = substr("{col}_r", 1, 4)'),
        ],
        "array": [cll.ArrayIntersectLevel(col, 1)],
    }
    kept = [*conditions[spec.kind], cll.ElseLevel()]
    labelled = [
        level.configure(m_probability=m, label_for_charts=label)
        for level, (label, m) in zip(kept, KINDS[spec.kind], strict=True)
    ]
    return [cll.NullLevel(col), *labelled]


def comparison(spec: Spec) -> Any:
    """The Splink comparison of one spec."""
    import splink.comparison_library as cl

    return cl.CustomComparison(
        _levels(spec), output_column_name=spec.column, comparison_description=spec.shown
    )


def build_settings(
    specs: Sequence[Spec],
    blocking: Sequence[Sequence[str]],
    link_type: LinkType = "dedupe_only",
    prior: float = 1e-4,
) -> Any:
    """Splink `SettingsCreator` for `specs`, one blocking rule per tuple of columns (all must agree)."""
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type=link_type,
        comparisons=[comparison(s) for s in specs],
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in blocking],
        probability_two_random_records_match=prior,
        retain_intermediate_calculation_columns=True,  # the Bayes factors that explain each pair
        retain_matching_columns=True,
        max_iterations=20,
    )
