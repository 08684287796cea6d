"""How fast the public site is built: `collect` (reading what the public may see) and `build_site`.

Builds a demo database of --people invented people in a temporary folder (or reads --db), publishes
an edition of the list on --on, then times, in this process:

- `collect(store)`: the redaction gate's read of every public record and the newest edition;
- `build_site(data, OUT, --langs)`: every page, chart and download, written to a temporary folder.

Prints plain `name key=value` lines and the peak resident memory of the process (ru_maxrss). The
goal is 10,000 people in at most 30 seconds, both steps together. Never asserts times.

    PYTHONPATH=src .venv/bin/python benchmarks/publish.py --people 10000 --langs en
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from habeas.config import Settings
from habeas.demo import generate
from habeas.editions import RULES, publish
from habeas.publishing.dataset import collect
from habeas.publishing.site import build_site
from habeas.service import Service
from habeas.storage.store import Store

GOAL_S = 30.0


def settings(db: Path, made_here: bool) -> Settings:
    """An existing database keeps its own audit key; a new demo's key lies beside it."""
    if made_here:
        return Settings(db=str(db), audit_key_file=str(db.with_suffix(".key")))
    return Settings(db=str(db))


def build_demo(db: Path, people: int, seed: int, today: date) -> float:
    """Write the demo data into a new database `db`; the seconds it took."""
    store = Store.open(settings(db, True))
    try:
        store.init()
        started = time.perf_counter()
        generate(Service(store, "benchmark"), people=people, seed=seed, today=today)
        return time.perf_counter() - started
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10_000, help="documented people in the demo data")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--langs", default="en", help="languages of the site, comma-separated")
    parser.add_argument("--on", type=date.fromisoformat, default=date(2025, 6, 1), help="the edition's day")
    parser.add_argument("--db", type=Path, help="an existing database to publish (default: a new demo)")
    args = parser.parse_args()
    langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]

    with tempfile.TemporaryDirectory(prefix="habeas-publish-") as tmp:
        folder = Path(tmp)
        db = args.db or folder / "demo.db"
        if args.db is None:
            build_s = build_demo(db, args.people, args.seed, args.on)
            print(f"data people={args.people} seed={args.seed} build_s={build_s:.1f}", flush=True)
        store = Store.open(settings(db, args.db is None))
        try:
            edition = publish(Service(store, "benchmark"), args.on, RULES["pace"])
            print(f"edition on={args.on} members={edition.member_count}", flush=True)
            started = time.perf_counter()
            data = collect(store)
            collect_s = time.perf_counter() - started
        finally:
            store.close()
        started = time.perf_counter()
        summary = build_site(data, folder / "site", langs)
        site_s = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in (folder / "site").rglob("*") if p.is_file()) / 2**20

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = collect_s + site_s
    print(
        f"public people={len(data.people)} events={len(data.events)} sources={len(data.sources)} "
        f"named={len(data.listing.members)} total_on_list={data.listing.total}"
    )
    print(f"collect seconds={collect_s:.2f}")
    print(
        f"build_site seconds={site_s:.2f} langs={','.join(langs)} pages={summary.pages} "
        f"files={summary.files} person_pages={summary.people} site_mb={size_mb:.1f}"
    )
    print(f"total seconds={total:.2f} max_rss_mb={rss_mb:.0f}")
    print(f"goal seconds_le_{GOAL_S:.0f}={'yes' if total <= GOAL_S else 'no'}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
