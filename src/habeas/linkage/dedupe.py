"""Duplicate detection and list linkage with Splink: the model, its blocking and its explanations.

Stable entry points (the benchmarks and the Spark path use them):

* `predict_pairs(rows, ...)` takes plain rows (a list of dicts or a pandas DataFrame with a
  `unique_id` column and the columns the specs name) and returns `Pair`s above a match
  probability, each with its evidence; `backend` is "duckdb" or "spark"; `link_to` turns
  deduplication into linkage (the rows against `link_to`, never two rows of one side). "spark"
  asks `habeas.linkage.dedupe_spark.spark_api()` for Splink's Spark database API.
* `build_settings(specs, blocking, link_type)` turns `Spec`s into Splink settings, so other
  columns (FEBRL's) reuse the same comparisons.

Blocking keeps it fast: each blocking rule is a key computed here, and the rows of a block with
more than `max_block` rows get no key for that rule (so a million identical names are not compared
with one another), each such block named in `Prediction.skipped`; `max_pairs` refuses a run that
would still score more pairs than that, naming the largest blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd  # type: ignore[import-untyped, unused-ignore]

from habeas.errors import ValidationError
from habeas.linkage.dedupe_model import Spec, build_settings, level_labels
from habeas.linkage.queue import Evidence

__all__ = ["HABEAS_BLOCKING", "HABEAS_SPECS", "Pair", "Prediction", "Spec", "build_settings", "predict_pairs"]

# The comparisons of people (see habeas.linkage.dedupe_rows for how each column is made).
HABEAS_SPECS: tuple[Spec, ...] = (
    Spec("surname", "sounded_name", "surname", term_frequency=True, phonetic="surname_ph"),
    Spec("given", "sounded_name", "given name", phonetic="given_ph"),
    Spec("patronymic", "name", "patronymic"),
    Spec("birth_year", "year", "birth year"),
    Spec("groups", "array", "groups"),
    Spec("arrest_date", "date", "arrest date"),
    Spec("facilities", "array", "facility"),
    Spec("charges", "array", "charges"),
)
# Each tuple is one blocking rule: the pairs that agree on all its columns are compared.
HABEAS_BLOCKING: tuple[tuple[str, ...], ...] = (
    ("surname_ph",),
    ("birth_year", "given_ph"),
    ("arrest_month", "facility"),
)
MAX_BLOCK = 2_000  # rows; a bigger block is left out of its rule (2,000 rows are ~2 million pairs)
MAX_PAIRS = 20_000_000  # comparisons in one run
SEED = 7  # u is estimated on a random sample: seeded, so a run gives the same pairs each time


@dataclass(frozen=True)
class Pair:
    """Two records that may be one: ids as given, Splink's probability and weight, the evidence."""

    id_l: str
    id_r: str
    probability: float
    match_weight: float
    evidence: tuple[Evidence, ...]


@dataclass
class Prediction:
    """What a run found: the pairs (most probable first), the blocks left out, the pairs scored."""

    pairs: list[Pair] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "surname_ph=mamadov (12000 rows)"
    compared: int = 0


def predict_pairs(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    specs: Sequence[Spec] = HABEAS_SPECS,
    blocking: Sequence[Sequence[str]] = HABEAS_BLOCKING,
    threshold: float = 0.9,
    *,
    link_to: Sequence[Mapping[str, Any]] | pd.DataFrame | None = None,
    backend: str = "duckdb",
    max_block: int = MAX_BLOCK,
    max_pairs: int = MAX_PAIRS,
    prior: float | None = None,
    train_m: bool = True,
) -> Prediction:
    """Score the pairs of `rows` (or of `rows` × `link_to`) that blocking proposes; keep those ≥ threshold.

    `train_m=False` keeps the prior m probabilities and estimates only u: a store with few true
    duplicates gives EM nothing to learn from, and it then learns that a different given name is no
    evidence against a match (namesakes sharing a surname look like duplicates to it).
    """
    if not 0 <= threshold <= 1:
        raise ValidationError("--threshold", threshold, "give a match probability between 0 and 1")
    frames = [_frame(rows, specs, blocking)] + (
        [_frame(link_to, specs, blocking)] if link_to is not None else []
    )
    if len(frames) == 1 and len(frames[0]) < 2 or any(f.empty for f in frames):
        return Prediction()  # nothing to compare
    skipped = _cap_blocks(frames, blocking, max_block)
    compared = _count_pairs(frames, blocking)
    if compared > max_pairs:
        raise ValidationError(
            "--max-pairs",
            max_pairs,
            f"blocking proposes {compared} comparisons; the largest blocks are "
            f"{', '.join(_largest(frames, blocking))}; raise --max-pairs or lower the block size",
        )
    if compared == 0:
        return Prediction(skipped=skipped)
    prior = prior or 1 / max(len(f) for f in frames)  # about one true pair per record
    linker = _linker(frames, specs, blocking, backend, prior)
    if not _train(linker, frames, len(blocking) if train_m else 0):
        # a failed EM session can leave the linker without the comparisons of its blocking rule,
        # which later predictions would then silently ignore: start again with the priors
        linker = _linker(frames, specs, blocking, backend, prior)
        _train(linker, frames, 0)
    predicted = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    pairs = [_pair(row, specs) for row in predicted.to_dict("records")]
    pairs.sort(key=lambda p: (-p.probability, p.id_l, p.id_r))
    return Prediction(pairs, skipped, compared)


def _frame(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame, specs: Sequence[Spec], blocking: Sequence[Sequence[str]]
) -> pd.DataFrame:
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty:
        return frame
    needed = {
        "unique_id",
        *(s.column for s in specs),
        *(s.phonetic for s in specs if s.phonetic),
        *(c for rule in blocking for c in rule),
    }
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise ValidationError(
            "rows", ", ".join(missing), "every row needs these columns (None where unknown)"
        )
    frame["unique_id"] = frame["unique_id"].astype(str)
    for number, rule in enumerate(blocking):
        frame[f"block_{number}"] = _block_key(frame, rule)
    return frame


def _block_key(frame: pd.DataFrame, rule: Sequence[str]) -> pd.Series:
    """The columns of one rule joined into one key; None where any of them is empty."""
    parts = [frame[c].map(lambda v: None if v is None or v == "" or v != v else str(v)) for c in rule]
    key = parts[0]
    for part in parts[1:]:
        key = key.where(key.isna() | part.isna(), key + "|" + part)
        key = key.where(part.notna(), None)
    return key


def _cap_blocks(frames: list[pd.DataFrame], blocking: Sequence[Sequence[str]], max_block: int) -> list[str]:
    """Clear the key of every block with more than `max_block` rows (on either side); name them."""
    skipped = []
    for number, rule in enumerate(blocking):
        column = f"block_{number}"
        sizes = pd.concat([f[column] for f in frames]).value_counts()
        too_big = sizes[sizes > max_block]
        skipped += [f"{'+'.join(rule)}={value} ({size} rows)" for value, size in too_big.items()]
        for frame in frames:
            frame.loc[frame[column].isin(too_big.index), column] = None
    return skipped


def _block_sizes(frames: list[pd.DataFrame], column: str) -> pd.Series:
    """Pairs per key of one rule: n(n-1)/2 when deduplicating, left × right when linking."""
    if len(frames) == 1:
        counts = frames[0][column].value_counts()
        return counts * (counts - 1) // 2
    left, right = (f[column].value_counts() for f in frames)
    return (left * right).dropna()


def _count_pairs(frames: list[pd.DataFrame], blocking: Sequence[Sequence[str]]) -> int:
    # An upper bound: a pair that two rules propose is counted twice but scored once.
    return int(sum(_block_sizes(frames, f"block_{n}").sum() for n in range(len(blocking))))


def _largest(frames: list[pd.DataFrame], blocking: Sequence[Sequence[str]]) -> list[str]:
    sizes = [
        (int(pairs), f"{'+'.join(rule)}={key}")
        for n, rule in enumerate(blocking)
        for key, pairs in _block_sizes(frames, f"block_{n}").nlargest(3).items()
    ]
    return [f"{name} ({pairs} pairs)" for pairs, name in sorted(sizes, reverse=True)[:3]]


def _linker(
    frames: list[pd.DataFrame],
    specs: Sequence[Spec],
    blocking: Sequence[Sequence[str]],
    backend: str,
    prior: float,
) -> Any:
    from splink import Linker

    rules = [(f"block_{n}",) for n in range(len(blocking))]
    settings = build_settings(specs, rules, "dedupe_only" if len(frames) == 1 else "link_only", prior)
    api = _db_api(backend)
    registered = [api.register(_for_splink(f)) for f in frames]
    return Linker(registered if len(registered) > 1 else registered[0], settings, log_level=logging.ERROR)


def _db_api(backend: str) -> Any:
    if backend == "duckdb":
        from splink.internals.duckdb.database_api import DuckDBAPI

        return DuckDBAPI()
    if backend == "spark":
        from habeas.linkage.spark import spark_api

        return spark_api()
    raise ValidationError("backend", backend, 'use "duckdb" or "spark"')


def _for_splink(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists as lists and missing values as None, the way DuckDB and Spark read them."""
    return frame.astype(object).where(frame.notna(), None)


def _train(linker: Any, frames: list[pd.DataFrame], rules: int) -> bool:
    """u by seeded random sampling, then m by EM on each of the first `rules` blocking rules.

    Returns False when an EM session fails (too few pairs in a small store): the caller then
    starts from a fresh linker with the prior m values.
    """
    rows = sum(len(f) for f in frames)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(rows * (rows - 1) / 2, 5e6) + 1, seed=SEED, min_count_per_level=None
    )
    for number in range(rules):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                f"l.block_{number} = r.block_{number}", estimate_without_term_frequencies=True
            )
        except Exception:  # noqa: BLE001 -- Splink raises several kinds here; all mean "cannot train"
            return False
    return True


def _pair(row: Mapping[str, Any], specs: Sequence[Spec]) -> Pair:
    """A predicted row as a Pair; a comparison unknown on either side gives no evidence."""
    evidence = []
    for spec in specs:
        gamma, weight = row.get(f"gamma_{spec.column}"), row.get(f"mw_{spec.column}")
        if gamma is None or weight is None or int(gamma) == -1:
            continue
        tf = row.get(f"mw_tf_adj_{spec.column}")  # the common-surname correction, on "same" only
        total = float(weight) + (float(tf) if tf is not None and tf == tf else 0.0)
        evidence.append(Evidence(spec.shown, level_labels(spec).get(int(gamma), str(gamma)), round(total, 2)))
    return Pair(
        str(row["unique_id_l"]),
        str(row["unique_id_r"]),
        float(row["match_probability"]),
        float(row["match_weight"]),
        tuple(evidence),
    )
