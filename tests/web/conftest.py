"""Fixtures for the web app: a demo database with one account per role, signed-in clients, a live server.

`web_db` copies a demo SQLite file (made once per session: 60 invented people,
the Amnesty example, and the accounts in `ACCOUNTS`) into the test's own
directory. `client("editor")` is a TestClient signed in through the real
sign-in form (admins also through the TOTP step). `live_server` serves the app
with uvicorn on a free loopback port, for the browser tests.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.accounts import Accounts
from habeas.config import Settings
from habeas.demo.generator import generate
from habeas.security.roles import ROLES
from habeas.service import Service
from habeas.storage.store import Store
from habeas.web import create_app

DEMO_PEOPLE = 60


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    password: str
    totp_secret: str | None = None

    def code(self, at: float | None = None) -> str:
        assert self.totp_secret, f"{self.username} has no two-factor sign-in"
        return pyotp.TOTP(self.totp_secret).at(at if at is not None else time.time())


@dataclass
class WebDb:
    settings: Settings
    accounts: dict[str, Account]  # by role

    def store(self) -> Store:
        return Store.open(self.settings)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Account]]:
    directory = tmp_path_factory.mktemp("web-demo")
    settings = Settings(db=str(directory / "habeas.db"), audit_key_file=str(directory / "audit.key"))
    store = Store.open(settings)
    try:
        store.init()
        generate(Service(store, "demo"), people=DEMO_PEOPLE, seed=7)
        accounts = Accounts(store, actor="test-setup")
        made: dict[str, Account] = {}
        for role in ROLES:
            password = f"correct horse {role} staple"
            new = accounts.add_user(f"{role}1", role, password)
            made[role] = Account(f"{role}1", role, password, new.totp_secret)
    finally:
        store.close()
    return directory, made


@pytest.fixture
def web_db(_demo_template: tuple[Path, dict[str, Account]], tmp_path: Path) -> WebDb:
    """This test's own copy of the demo database and its audit key."""
    source, accounts = _demo_template
    target = tmp_path / "web"
    shutil.copytree(source, target)
    settings = Settings(db=str(target / "habeas.db"), audit_key_file=str(target / "audit.key"))
    return WebDb(settings, accounts)


@pytest.fixture
def app(web_db: WebDb) -> Iterator[FastAPI]:
    application = create_app(web_db.settings)
    yield application
    application.state.web.store.close()


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, account: Account) -> TestClient:
    """Sign `client` in through the real forms; returns it."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": account.username, "password": account.password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    if response.headers["location"].startswith("/login/2fa"):
        page = client.get("/login/2fa")
        response = client.post(
            "/login/2fa",
            data={"code": account.code(), "csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    return client


@pytest.fixture
def client(app: FastAPI, web_db: WebDb) -> Iterator[Callable[[str], TestClient]]:
    """`client(role)`: a TestClient signed in as that role's account (`"anonymous"`: not signed in)."""
    opened: list[TestClient] = []

    def make(role: str) -> TestClient:
        test_client = TestClient(app, base_url="http://testserver")
        opened.append(test_client)
        if role == "anonymous":
            return test_client
        return sign_in(test_client, web_db.accounts[role])

    yield make
    for test_client in opened:
        test_client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    url: str
    db: WebDb


@pytest.fixture
def live_server(web_db: WebDb) -> Iterator[LiveServer]:
    """The app under uvicorn on a free loopback port, in a thread, for a real browser."""
    application = create_app(web_db.settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 10 s")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", web_db)
    server.should_exit = True
    thread.join(timeout=10)
    application.state.web.store.close()


# Playwright's browser (Debian's Chromium) is set up in tests/conftest.py.
