"""Requests per second and latency of the web app's busiest pages, beside Datasette on the same file.

Uses (or builds, as benchmarks/held_on.py does) a demo database, adds a
viewer account, serves the app with uvicorn (one process, as `habeas serve`
does) and Datasette 0.65 (one process) on loopback, and drives each page with
wrk (Debian's package) at --connections concurrent connections for
--duration seconds. Prints plain `name key=value` lines; never asserts times.

    PYTHONPATH=src .venv/bin/python benchmarks/web.py --people 100000 --seed 1

Pages: the people list (first page, 50 people, with the total), one person's
page, and the dashboard (the people list's page and the dashboard's figures
are cached until the next write, as the app does); Datasette: the `people`
table page (100 rows, with its count and facet suggestions), and the same
page with 50 rows and neither.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from held_on import DEFAULT_DIR, build  # noqa: E402  (a sibling script)

from habeas.accounts import Accounts  # noqa: E402
from habeas.config import Settings  # noqa: E402
from habeas.errors import ConflictError  # noqa: E402
from habeas.security.roles import ROLE_VISIBILITY  # noqa: E402
from habeas.storage import queries  # noqa: E402
from habeas.storage.store import Store  # noqa: E402

PASSWORD = "benchmark viewer password"
# wrk prints the 50th and 95th latency percentiles (microseconds) and the request rate.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("WRK rps=%.1f p50_us=%d p95_us=%d requests=%d errors=%d non2xx=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(95),
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def sign_in(base: str) -> str:
    """Sign the benchmark viewer in through the real form; returns the session cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF field on the sign-in page"
    form = urllib.parse.urlencode({"username": "bench-viewer", "password": PASSWORD, "csrf_token": token[1]})
    opener.open(f"{base}/login", data=form.encode())
    cookie = next((c for c in jar if c.name == "habeas_session"), None)
    if cookie is None:
        raise SystemExit("signing in failed")
    return f"habeas_session={cookie.value}"


def wrk(url: str, connections: int, duration: int, threads: int, cookie: str = "") -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    # A 30 s timeout, so that a slow page is measured rather than counted as an error.
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    return {k: float(v) for k, v in (pair.split("=") for pair in line.split()[1:])}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 6, 1), help="the demo's today")
    parser.add_argument("--db", type=Path, help="database file (default: the held_on benchmark's)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    db = args.db or DEFAULT_DIR / f"held_on-{args.people}-{args.seed}.db"
    reused, _, records = build(db, args.people, args.seed, args.today, 0)
    settings = Settings(db=str(db))
    store = Store.open(settings)
    store.init()  # brings an older benchmark file to the current schema
    try:
        Accounts(store, actor="benchmark").add_user("bench-viewer", "viewer", PASSWORD)
    except ConflictError:
        Accounts(store, actor="benchmark").set_password("bench-viewer", PASSWORD)
    with store.reading() as conn:
        viewer = ROLE_VISIBILITY["viewer"]
        person = queries.search_people(conn, "", 1, min(500, args.people // 2), visible=viewer)[0].id
    store.close()
    print(f"data people={args.people} records={records} reused={'yes' if reused else 'no'} person={person}")

    port, ds_port = free_port(), free_port()
    app_code = (
        "import datetime, uvicorn\n"
        "from habeas.config import Settings\n"
        "from habeas.web import create_app\n"
        f"now = datetime.datetime.combine(datetime.date.fromisoformat('{args.today}'), datetime.time(12),"
        " tzinfo=datetime.UTC)\n"
        f"app = create_app(Settings(db={str(db)!r}), clock=lambda: now)\n"
        f"uvicorn.run(app, host='127.0.0.1', port={port}, access_log=False, log_level='warning')\n"
    )
    servers = [
        subprocess.Popen([sys.executable, "-c", app_code]),
        subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(ds_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        base, ds_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}"
        wait_for(f"{base}/login")
        wait_for(f"{ds_base}/-/versions.json")
        cookie = sign_in(base)
        targets = [
            ("habeas_people_list", f"{base}/people", cookie),
            ("habeas_person_page", f"{base}/people/{person}", cookie),
            ("habeas_dashboard", f"{base}/", cookie),
            ("datasette_table", f"{ds_base}/{db.stem}/people", ""),
            # The same table page without the row count and the facet suggestions, 50 rows.
            ("datasette_table_nocount", f"{ds_base}/{db.stem}/people?_size=50&_nocount=1&_nofacet=1", ""),
        ]
        for name, url, with_cookie in targets:
            urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": with_cookie}), timeout=600)
            figures = wrk(url, args.connections, args.duration, args.threads, with_cookie)
            print(
                f"{name} rps={figures['rps']:.0f} p50_ms={figures['p50_us'] / 1000:.1f} "
                f"p95_ms={figures['p95_us'] / 1000:.1f} requests={figures['requests']:.0f} "
                f"errors={figures['errors']:.0f} non2xx={figures['non2xx']:.0f} "
                f"connections={args.connections}"
            )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
