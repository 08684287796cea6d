"""How fast is "who was held on date D?": `queries.held_on` against one hand-written SQL query.

Builds a demo database through `habeas.demo.generate` (or reuses one built
with the same --people, --seed and --today), then answers "held on D" for
--repeat dates both ways on the same connection, checks that both give the
same answer, and prints plain `name key=value` lines. Never asserts times.

    PYTHONPATH=src .venv/bin/python benchmarks/held_on.py --people 100000 --seed 1
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import resource
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection

from habeas.config import Settings
from habeas.demo import generate
from habeas.domain.vocabulary import HELD_KINDS, RESTRICTION_KINDS
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.queries import HeldPerson, HeldReport
from habeas.storage.store import Store

DEFAULT_DIR = Path(__file__).parent / "data"


def _in(kinds: frozenset[str]) -> str:
    return ", ".join(f"'{kind}'" for kind in sorted(kinds))


# Everything held_on computes, in one statement: each person's most recently started covering
# period among the held kinds (ties: the greatest id), and among the restriction kinds for those
# not held; their first name and groups; in held_on's order (name's search key, then id).
HAND_SQL = f"""
WITH covering AS (
    SELECT cp.id, cp.person_id, cp.kind, cp.start, cp.start_earliest, cp.kind IN ({_in(HELD_KINDS)}) AS held
    FROM custody_periods AS cp
    JOIN people AS p ON p.id = cp.person_id AND p.retracted = 0
    WHERE cp.retracted = 0
      AND cp.kind IN ({_in(HELD_KINDS | RESTRICTION_KINDS)})
      AND (cp.start_latest <= :day
           OR (cp.start_latest IS NULL AND (cp.start_earliest IS NULL OR cp.start_earliest <= :day)))
      AND (cp."end" IS NULL OR cp.end_earliest >= :day)
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY person_id, held ORDER BY coalesce(start_earliest, '0001-01-01') DESC, id DESC
    ) AS rank
    FROM covering
)
SELECT r.held, r.person_id, r.kind, coalesce(r.start, 'XXXX'), coalesce(n.value, ''),
       (SELECT group_concat(code, ',') FROM
           (SELECT g.code FROM person_groups AS g WHERE g.person_id = r.person_id ORDER BY g.position))
FROM ranked AS r
LEFT JOIN person_names AS n ON n.person_id = r.person_id AND n.position = 0
WHERE r.rank = 1 AND (r.held = 1 OR r.person_id NOT IN (SELECT person_id FROM covering WHERE held = 1))
ORDER BY r.held DESC, n.search_key, r.person_id
"""


def hand_written(conn: Connection, day: date) -> HeldReport:
    """The same report as `queries.held_on`, from HAND_SQL."""
    people: list[HeldPerson] = []
    restricted: Counter[str] = Counter()
    for held, person_id, kind, since, name, groups in conn.exec_driver_sql(
        HAND_SQL, {"day": day.isoformat()}
    ):
        if held:
            people.append(HeldPerson(person_id, name, groups.split(",") if groups else [], kind, since))
        else:
            restricted[kind] += 1
    by_group = Counter(g for p in people for g in p.groups)
    by_kind = Counter(p.kind for p in people)
    return HeldReport(
        date=day,
        total=len(people),
        by_group=dict(by_group.most_common()),
        by_kind=dict(by_kind.most_common()),
        people=people,
        restricted={"total": sum(restricted.values()), "by_kind": dict(restricted.most_common())},
    )


def open_store(db: Path, cache_mb: int) -> Store:
    """The store, with SQLite's page cache set to `cache_mb` on every connection if it is not 0."""
    store = Store.open(Settings(db=str(db)))
    if cache_mb:
        pragma = f"PRAGMA cache_size = -{cache_mb * 1024}"
        event.listen(store.engine, "connect", lambda dbapi_conn, _: dbapi_conn.execute(pragma))
        store.engine.dispose()  # so that every connection from now on is a new one
    return store


def build(db: Path, people: int, seed: int, today: date, cache_mb: int) -> tuple[bool, float, int]:
    """Build the demo database unless one with the same scale is there; (reused, seconds, records)."""
    stamp = db.with_name(db.name + ".demo.json")
    wanted = {"people": people, "seed": seed, "today": today.isoformat()}
    if db.exists() and stamp.exists():
        found = json.loads(stamp.read_text())
        if {k: found.get(k) for k in wanted} == wanted:
            return True, found["build_s"], found["records"]
    db.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (db, stamp, *(db.with_name(db.name + tail) for tail in ("-wal", "-shm", ".audit-key"))):
        leftover.unlink(missing_ok=True)
    store = open_store(db, cache_mb)
    store.init()
    written = 0
    next_report = time.perf_counter() + 30

    def progress(count: int) -> None:
        nonlocal written, next_report
        written += count
        if time.perf_counter() >= next_report:
            print(f"building records_written={written}", file=sys.stderr, flush=True)
            next_report += 30

    started = time.perf_counter()
    summary = generate(Service(store, "benchmark"), people=people, seed=seed, today=today, progress=progress)
    seconds = time.perf_counter() - started
    store.close()
    stamp.write_text(json.dumps({**wanted, "build_s": round(seconds, 1), "records": summary.records}))
    return False, seconds, summary.records


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000, help="documented people in the demo data")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 1), help="the demo's today")
    parser.add_argument("--db", type=Path, help="database file (default benchmarks/data/held_on-P-S.db)")
    parser.add_argument("--repeat", type=int, default=200, help="how many dates D to time")
    parser.add_argument("--profile", action="store_true", help="also print a profile of held_on on one date")
    parser.add_argument(
        "--cache-mb", type=int, default=0, help="SQLite page cache per connection (default: habeas's own)"
    )
    args = parser.parse_args()
    db = args.db or DEFAULT_DIR / f"held_on-{args.people}-{args.seed}.db"

    reused, build_s, records = build(db, args.people, args.seed, args.today, args.cache_mb)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file()) / 2**20
    print(
        f"data people={args.people} seed={args.seed} today={args.today} records={records} "
        f"file_mb={size_mb:.0f} build_s={build_s:.0f} reused={'yes' if reused else 'no'} "
        f"max_rss_mb={rss_mb:.0f} cache_mb={args.cache_mb or 'default'}"
    )

    store = open_store(db, args.cache_mb)
    rng = random.Random(args.seed)
    first = date(2008, 1, 1)
    days = [first + timedelta(days=rng.randrange((args.today - first).days + 1)) for _ in range(args.repeat)]
    library: list[float] = []
    hand: list[float] = []
    same = 0
    held: list[int] = []
    with store.reading() as conn:
        counts = {
            table: conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            for table in ("people", "events", "custody_periods")
        }
        print(" ".join(["counts", *(f"{table}={count}" for table, count in counts.items())]))
        queries.held_on(conn, args.today)  # warm the page cache for both
        hand_written(conn, args.today)
        for i, day in enumerate(days):
            # Alternate which goes first, so neither always finds the cache warmed by the other.
            order = ((queries.held_on, library), (hand_written, hand))
            results = []
            for run, times in order if i % 2 == 0 else reversed(order):
                started = time.perf_counter()
                results.append(run(conn, day))
                times.append((time.perf_counter() - started) * 1000)
            same += results[0] == results[1]
            held.append(results[0].total)
        if args.profile:
            profile(conn, sorted(days)[len(days) // 2])
    store.close()

    p50, p95 = percentile(library, 0.5), percentile(library, 0.95)
    hand_p50, hand_p95 = percentile(hand, 0.5), percentile(hand, 0.95)
    print(
        f"held_on p50_ms={p50:.1f} p95_ms={p95:.1f} "
        f"mean_total={statistics.mean(held):.0f} max_total={max(held)}"
    )
    print(f"hand_sql p50_ms={hand_p50:.1f} p95_ms={hand_p95:.1f}")
    print(f"ratio p50={p50 / hand_p50:.2f} p95={p95 / hand_p95:.2f} same_answer={same}/{len(days)}")
    print(
        f"goal ratio_le_2={'yes' if p50 <= 2 * hand_p50 else 'no'} p50_le_20ms={'yes' if p50 <= 20 else 'no'}"
    )


def profile(conn: Connection, day: date) -> None:
    """Where held_on spends its time on one date (cumulative, top 20)."""
    profiler = cProfile.Profile()
    profiler.enable()
    queries.held_on(conn, day)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(20)
    print(f"profile day={day}")
    print(out.getvalue())


if __name__ == "__main__":
    main()
