"""`habeas user`, `habeas token`, `habeas serve` and the demo administrator, through Typer's CliRunner.

Each test has its own SQLite file; what the commands print is checked against
what `Accounts` then accepts (a printed password signs in, a printed secret
makes codes that are accepted).
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any

import pyotp
import pytest
from typer.testing import CliRunner, Result

from habeas.accounts import GENERATED_PASSWORD_LENGTH, Accounts, User
from habeas.cli import app
from habeas.config import Settings
from habeas.errors import AccessDenied
from habeas.storage.store import Store

PASSWORD = "a long invented passphrase"
SHOWN_PASSWORD = re.compile(r"password of (\S+) \(shown once; it will not be shown again\): (\S+)")


class Cli:
    """Runs `habeas --db <tmp>/cli.db …` in this process and opens the same database to check."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "cli.db"
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0) -> Result:
        result = self.runner.invoke(
            app, ["--db", str(self.db), *args], input=input, env={"COLUMNS": "200"}, prog_name="habeas"
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, result.output
        return result

    def authenticate(self, username: str, password: str) -> User:
        store = Store.open(Settings(db=str(self.db)))
        try:
            return Accounts(store).authenticate(username, password)
        finally:
            store.close()

    def accounts_do(self, call: str, *args: Any) -> Any:
        store = Store.open(Settings(db=str(self.db)))
        try:
            return getattr(Accounts(store), call)(*args)
        finally:
            store.close()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    runner = Cli(tmp_path)
    runner("init")
    return runner


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def shown_password(output: str, username: str) -> str:
    match = SHOWN_PASSWORD.search(output)
    assert match and match.group(1) == username, output
    return match.group(2)


def shown_secret(output: str) -> str:
    match = re.search(r"secret: +([A-Z2-7]{32})\n", output)
    assert match, output
    uri = re.search(r"otpauth URI: (otpauth://totp/\S+)", output)
    assert uri and f"secret={match.group(1)}" in uri.group(1)
    return match.group(1)


# -- user add -------------------------------------------------------------------


def test_user_add_asks_for_the_password_twice_and_never_prints_it(cli: Cli) -> None:
    result = cli("user", "add", "amina", "--role", "editor", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "user amina added (editor)" in result.stdout
    assert PASSWORD not in result.output
    assert "secret" not in result.stdout  # an editor signs in with a password only
    user = cli.authenticate("amina", PASSWORD)
    assert (user.role, user.display_name, user.language, user.two_factor) == ("editor", "amina", "en", False)


def test_user_add_asks_again_when_the_two_passwords_differ(cli: Cli) -> None:
    typed = f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n"
    result = cli("user", "add", "amina", "--role", "viewer", input=typed)
    assert "do not match" in result.output
    assert cli.authenticate("amina", PASSWORD).role == "viewer"


def test_a_generated_password_is_printed_once_and_works(cli: Cli) -> None:
    result = cli("user", "add", "amina", "--role", "documenter", "--generate-password", "--language", "ru")
    password = shown_password(result.stdout, "amina")
    assert len(password) == GENERATED_PASSWORD_LENGTH
    assert result.stdout.count(password) == 1
    user = cli.authenticate("amina", password)
    assert (user.role, user.language) == ("documenter", "ru")


def test_a_password_from_a_file(cli: Cli, tmp_path: Path) -> None:
    secret_file = tmp_path / "password.txt"
    secret_file.write_text(PASSWORD + "\n", encoding="utf-8")
    cli(
        "user",
        "add",
        "amina",
        "--role",
        "editor",
        "--display-name",
        "Amina K.",
        "--password-file",
        str(secret_file),
    )
    assert cli.authenticate("amina", PASSWORD).display_name == "Amina K."


@pytest.mark.parametrize("extra", [("--role", "admin"), ("--role", "monitor", "--two-factor")])
def test_two_factor_accounts_get_their_secret_once(cli: Cli, extra: tuple[str, ...]) -> None:
    result = cli("user", "add", "amina", *extra, "--generate-password")
    assert "authenticator app" in result.stdout and "will not be shown again" in result.stdout
    secret = shown_secret(result.stdout)
    password = shown_password(result.stdout, "amina")
    user = cli.authenticate("amina", password)
    assert user.two_factor
    cli.accounts_do("verify_second_factor", user.id, pyotp.TOTP(secret).now())


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("Amina", "--role", "editor", "--generate-password"), "username"),
        (("amina", "--role", "root", "--generate-password"), "role"),
        (("amina", "--role", "editor", "--language", "fr", "--generate-password"), "language"),
        (("amina", "--role", "editor", "--password-file", "{short}"), "password"),
        (("amina", "--role", "editor", "--password-file", "{missing}"), "--password-file"),
        (
            ("amina", "--role", "editor", "--password-file", "{short}", "--generate-password"),
            "--password-file",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_field_and_adds_nobody(
    cli: Cli, tmp_path: Path, args: tuple[str, ...], field: str
) -> None:
    short = tmp_path / "short.txt"
    short.write_text("too short\n", encoding="utf-8")
    paths = {"{short}": str(short), "{missing}": str(tmp_path / "missing.txt")}
    result = cli("user", "add", *(paths.get(a, a) for a in args), code=2)
    line = one_line(result.stderr)
    assert line.startswith(f"error: {field}: ")
    assert "too short" not in result.output, "a refused password is never echoed"
    assert "amina" not in cli("user", "list").stdout
    assert "intact: 0 entries" in cli("audit", "verify").stdout


def test_a_taken_username_is_refused_before_the_password_is_asked(cli: Cli) -> None:
    cli("user", "add", "amina", "--role", "editor", "--generate-password")
    result = cli("user", "add", "amina", "--role", "viewer", code=1)
    assert one_line(result.stderr) == "error: username: 'amina' is taken; choose another"
    assert "Password" not in result.stdout


# -- the other user commands --------------------------------------------------------


def test_user_list_shows_role_two_factor_and_disabled_but_no_secrets(cli: Cli) -> None:
    added = cli("user", "add", "amina", "--role", "admin", "--generate-password").stdout
    cli("user", "add", "viewer1", "--role", "viewer", "--generate-password")
    cli("user", "disable", "viewer1")
    out = cli("user", "list").stdout
    assert re.search(r"username\s*┃\s*role\s*┃\s*two-factor\s*┃\s*disabled", out)
    assert re.search(r"amina\s*│\s*admin\s*│\s*yes\s*│\s*│", out)
    assert re.search(r"viewer1\s*│\s*viewer\s*│\s*no\s*│\s*yes\s*│", out)
    assert shown_secret(added) not in out and "argon2" not in out


def test_disable_enable_role_and_reset_two_factor(cli: Cli) -> None:
    password = shown_password(
        cli("user", "add", "amina", "--role", "editor", "--generate-password").stdout, "amina"
    )
    token = cli("token", "create", "amina").stdout.strip()

    assert "sessions ended" in cli("user", "disable", "amina").stdout
    with pytest.raises(AccessDenied):
        cli.authenticate("amina", password)
    assert cli.accounts_do("user_for_token", token) is None
    assert "user amina enabled" in cli("user", "enable", "amina").stdout
    cli.authenticate("amina", password)

    refused = cli("user", "role", "amina", "admin", code=1)
    assert "reset-2fa amina" in one_line(refused.stderr)
    bad = cli("user", "role", "amina", "root", code=2)
    assert one_line(bad.stderr).startswith("error: role: 'root' is not valid")
    secret = shown_secret(cli("user", "reset-2fa", "amina").stdout)
    assert "user amina is now admin" in cli("user", "role", "amina", "admin").stdout
    user = cli.authenticate("amina", password)
    assert user.role == "admin" and user.two_factor
    cli.accounts_do("verify_second_factor", user.id, pyotp.TOTP(secret).now())

    assert "intact: 5 entries" in cli("audit", "verify").stdout  # add, disable, enable, reset, role
    missing = cli("user", "disable", "nobody", code=1)
    assert (
        one_line(missing.stderr) == "error: no user named 'nobody'; see the accounts with `habeas user list`"
    )


def test_user_password_sets_a_new_one(cli: Cli, tmp_path: Path) -> None:
    cli("user", "add", "amina", "--role", "editor", input=f"{PASSWORD}\n{PASSWORD}\n")
    result = cli("user", "password", "amina", "--generate-password")
    new = shown_password(result.stdout, "amina")
    assert "sessions ended" in result.stdout
    with pytest.raises(AccessDenied):
        cli.authenticate("amina", PASSWORD)
    cli.authenticate("amina", new)

    cli("user", "password", "amina", input="another long passphrase\nanother long passphrase\n")
    cli.authenticate("amina", "another long passphrase")

    short = cli("user", "password", "amina", input="short\nshort\n", code=2)
    assert one_line(short.stderr).startswith("error: password: '<5 characters>' is not valid")
    missing = cli("user", "password", "nobody", code=1)
    assert "Password" not in missing.stdout and "no user named 'nobody'" in missing.stderr


# -- tokens ----------------------------------------------------------------------


def test_token_create_prints_it_once_and_revoke_ends_it(cli: Cli) -> None:
    cli("user", "add", "amina", "--role", "editor", "--generate-password")
    result = cli("token", "create", "amina", "--label", "weekly export")
    token = result.stdout.strip()
    assert re.fullmatch(r"hbs_[A-Za-z0-9_-]{43}", token), result.stdout
    assert "will not be shown again" in result.stderr
    assert cli.accounts_do("user_for_token", token).username == "amina"
    assert "revoked 1 API token of amina" in cli("token", "revoke", "amina").stdout
    assert cli.accounts_do("user_for_token", token) is None
    assert one_line(cli("token", "create", "nobody", code=1).stderr).startswith("error: no user named")


# -- the demo administrator -----------------------------------------------------------


def test_demo_creates_an_admin_and_prints_its_credentials_once(cli: Cli) -> None:
    out = cli("demo", "--people", "3").stdout
    assert "login:       admin" in out and "will not be shown again" in out
    assert "habeas user reset-2fa admin" in out and "habeas user password admin" in out
    password = re.search(r"password: +(\S+)\n", out)
    assert password and len(password.group(1)) == GENERATED_PASSWORD_LENGTH
    secret = shown_secret(out.replace("2FA secret:", "secret:"))
    admin = cli.authenticate("admin", password.group(1))
    assert admin.role == "admin" and admin.two_factor
    cli.accounts_do("verify_second_factor", admin.id, pyotp.TOTP(secret).now())

    again = cli("demo", "--if-empty").stdout
    assert "no demo data added" in again and "password" not in again


def test_demo_adds_no_admin_when_there_are_accounts(cli: Cli) -> None:
    cli("user", "add", "amina", "--role", "admin", "--generate-password")
    out = cli("demo", "--people", "3").stdout
    assert "demo data written" in out and "admin" not in out
    assert [user.username for user in cli.accounts_do("list_users")] == ["amina"]


# -- serve ------------------------------------------------------------------------


def test_serve_hands_the_settings_to_the_web_server(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Settings, str | None, str, int]] = []
    server = types.ModuleType("habeas.web.server")
    server.serve = lambda settings, passphrase, host, port: calls.append((settings, passphrase, host, port))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "habeas.web.server", server)
    cli("serve")
    cli("--actor", "editor1", "serve", "--host", "0.0.0.0", "--port", "8080")
    assert [(s.db, p, h, port) for s, p, h, port in calls] == [
        (str(cli.db), None, "127.0.0.1", 8000),
        (str(cli.db), None, "0.0.0.0", 8080),
    ]
    assert calls[1][0].actor == "editor1"
    assert "port" in cli("serve", "--port", "0", code=2).output
