"""Spreadsheet import speed against `sqlite-utils insert` of the same CSV, and the import's peak memory.

Writes a CSV of --rows invented people (names from the demo generator; groups, arrest date, custody
kind, articles and facility drawn like the demo's), then times, each in its own process on a fresh
SQLite file:

- `sqlite-utils insert plain.db rows FILE --csv`: a plain table, no checks (the speed limit);
- `habeas import table FILE --mapping M --allow-duplicates`: every row validated, checked for
  duplicates (reported, then created as asked), written with its custody period, arrest, charges
  and citations, and each record audited.

Prints plain `name key=value` lines, the ratio of the two speeds and the import's peak resident
memory (the child process's ru_maxrss). Never asserts times.

    .venv/bin/python benchmarks/import.py --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from habeas.demo.generator import _ARTICLES, GROUPS, PRISONS, REGIONS
from habeas.demo.names import invent_name

BIN = Path(sys.executable).parent
MAPPING = """\
names:
- {column: Name, script: Latn, language: az}
- {column: Name (ru), script: Cyrl, language: ru, kind: transliteration}
sex: Sex
groups: {column: Groups, separator: "|"}
start: Date of arrest
custody_kind: Custody
charges: Articles
facility: Facility
"""
KINDS = (
    ("pre_trial_detention", 60),
    ("imprisonment", 30),
    ("house_arrest", 7),
    ("administrative_detention", 3),
)


def write_csv(path: Path, rows: int, seed: int) -> None:
    """`rows` invented people, one a row, in the columns MAPPING reads."""
    rng = random.Random(seed)
    articles = sorted(_ARTICLES)
    kinds, weights = zip(*KINDS, strict=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Name", "Name (ru)", "Sex", "Groups", "Date of arrest", "Custody", "Articles", "Facility"]
        )
        for _ in range(rows):
            sex = "female" if rng.random() < 0.15 else "male"
            name = invent_name(rng, sex)
            groups = {GROUPS.pick(rng) for _ in range(rng.choice((1, 1, 2)))}
            day = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2012, 2025)}"
            cited = rng.sample(articles, rng.choice((1, 1, 2)))
            facility = REGIONS.pick(rng).pretrial_facility if rng.random() < 0.7 else rng.choice(PRISONS)
            kind = rng.choices(kinds, weights)[0]
            writer.writerow(
                [name.az, name.ru, sex, "|".join(sorted(groups)), day, kind, "; ".join(cited), facility]
            )


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds and stdout of one child process."""
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{Path(command[0]).name} failed: {result.stderr.strip()[-500:]}")
    return seconds, result.stdout


def children_peak() -> int:
    """The largest peak resident memory of the children waited for so far, in bytes (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the generated CSV")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, help="where to put the files (default: a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        sheet, mapping = folder / "people.csv", folder / "mapping.yaml"
        write_csv(sheet, args.rows, args.seed)
        mapping.write_text(MAPPING, encoding="utf-8")
        print(f"data rows={args.rows} seed={args.seed} csv_mb={sheet.stat().st_size / 2**20:.1f}")
        env = {**os.environ}

        # The habeas import runs first: RUSAGE_CHILDREN keeps the largest child's peak, so the
        # figure below is the import's own, not sqlite-utils's.
        env["HABEAS_DB"] = str(folder / "habeas.db")
        subprocess.run([str(BIN / "habeas"), "init"], env=env, check=True, capture_output=True)
        command = [str(BIN / "habeas"), "import", "table", str(sheet), "--mapping", str(mapping)]
        seconds, out = timed([*command, "--allow-duplicates"], env)
        peak = children_peak()
        habeas_rate = args.rows / seconds
        written = next(
            (line.split("│")[2].strip() for line in out.splitlines() if "records written" in line), "?"
        )
        print(
            f"habeas rows_per_s={habeas_rate:.0f} seconds={seconds:.1f} records={written} "
            f"peak_rss_mb={peak / 2**20:.0f}"
        )

        plain = [str(BIN / "sqlite-utils"), "insert", str(folder / "plain.db"), "rows", str(sheet), "--csv"]
        seconds, _ = timed(plain, env)
        plain_rate = args.rows / seconds
        print(f"sqlite_utils rows_per_s={plain_rate:.0f} seconds={seconds:.1f}")
        print(f"ratio habeas/sqlite_utils={habeas_rate / plain_rate:.1%} (goal: at least 25%)")


if __name__ == "__main__":
    main()
