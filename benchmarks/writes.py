"""Writes per second through the service layer: one record per transaction, and one big batch.

Both runs write the same demo records (the first --records of the people
part of `demo_records(--people, --seed, --today)`) into fresh SQLite files,
after the demo's organisations, sources and pools, which are not timed.
Prints plain `name key=value` lines. Never asserts times.

    PYTHONPATH=src .venv/bin/python benchmarks/writes.py --records 2000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from habeas.config import Settings
from habeas.demo.generator import DemoGenerator
from habeas.domain.records import Record
from habeas.service import Service
from habeas.storage.store import Store


def fresh_service(
    folder: Path, name: str, people: int, seed: int, today: date
) -> tuple[Service, list[Record]]:
    """A service on a new database holding the demo's setup part, and the records to time."""
    store = Store.open(Settings(db=str(folder / f"{name}.db")))
    store.init()
    service = Service(store, "benchmark")
    generator = DemoGenerator(people, seed, today)
    service.create_many(generator.setup())
    return service, list(generator.people_records())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=2000, help="records to write in each run")
    parser.add_argument("--people", type=int, help="demo scale (default: enough people for --records)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 1))
    parser.add_argument(
        "--dir", type=Path, help="where to put the two databases (default: a temporary folder)"
    )
    args = parser.parse_args()
    people = args.people or args.records // 25 + 10

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)

        service, stream = fresh_service(folder, "single", people, args.seed, args.today)
        records = stream[: args.records]
        kinds = Counter(record.KIND for record in records)
        print(
            f"data people={people} seed={args.seed} records={len(records)} "
            + " ".join(f"{kind}={count}" for kind, count in kinds.most_common())
        )
        latencies = []
        started = time.perf_counter()
        for record in records:
            one = time.perf_counter()
            service.create(record)
            latencies.append((time.perf_counter() - one) * 1000)
        single_s = time.perf_counter() - started
        service.store.close()
        print(
            f"single records_per_s={len(records) / single_s:.0f} seconds={single_s:.1f} "
            f"p50_ms={statistics.median(latencies):.2f} "
            f"p95_ms={sorted(latencies)[int(0.95 * len(latencies))]:.2f}"
        )

        service, stream = fresh_service(folder, "batch", people, args.seed, args.today)
        records = stream[: args.records]
        started = time.perf_counter()
        written = service.create_many(records)
        batch_s = time.perf_counter() - started
        service.store.close()
        print(f"batch records_per_s={written / batch_s:.0f} seconds={batch_s:.1f} records={written}")
        print(f"ratio batch_over_single={single_s / batch_s:.1f}")


if __name__ == "__main__":
    main()
