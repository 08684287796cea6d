"""Accounts on every backend: users and their audit trail, sign-in and throttling, TOTP, sessions, tokens.

Time is data here: each test passes a `Clock` whose `now` it moves by hand, and
makes TOTP codes with pyotp for that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from habeas.accounts import (
    GENERATED_PASSWORD_LENGTH,
    MAX_FAILURES_PER_HOUR,
    PASSWORD_ALPHABET,
    Accounts,
    User,
    digest,
    failure_delay,
    generate_password,
)
from habeas.errors import AccessDenied, ConflictError, NotFound, ValidationError
from habeas.storage.store import Store
from habeas.storage.tables import (
    api_tokens,
    audit_entries,
    login_failures,
    record_versions,
    users,
    web_sessions,
)

PASSWORD = "a long invented passphrase"
REFUSED = "sign-in refused: check the username and password"


@dataclass
class Clock:
    """A clock that stands still until a test moves it."""

    now: datetime = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # the start of a 30-second TOTP step

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(store: Store, clock: Clock) -> Accounts:
    return Accounts(store, actor="admin1", clock=clock)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def wrong_code(secret: str, moment: datetime) -> str:
    """A well-formed code that none of the steps around `moment` accepts."""
    near = {code_at(secret, moment + timedelta(seconds=30 * s)) for s in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in near)


def all_text(store: Store, *tables: sa.Table) -> str:
    """Every value of every row of `tables`, as one string to search."""
    with store.reading() as conn:
        return "\n".join(str(tuple(row)) for table in tables for row in conn.execute(sa.select(table)))


# -- users ------------------------------------------------------------------------


def test_add_user_gives_admins_and_those_who_ask_a_totp_secret(accounts: Accounts) -> None:
    admin = accounts.add_user("amina", "admin", PASSWORD, display_name="Amina K.")
    viewer = accounts.add_user("viewer1", "viewer", PASSWORD)
    monitor = accounts.add_user("monitor1", "monitor", PASSWORD, language="az", two_factor=True)
    forced = accounts.add_user("admin2", "admin", PASSWORD, two_factor=False)

    assert admin.user.role == "admin" and admin.user.two_factor and admin.totp_secret
    uri = admin.totp_uri() or ""
    assert uri.startswith("otpauth://totp/habeas:amina?") and f"secret={admin.totp_secret}" in uri
    assert pyotp.parse_uri(uri).now() == pyotp.TOTP(admin.totp_secret).now()
    assert viewer.totp_secret is None and viewer.totp_uri() is None and not viewer.user.two_factor
    assert viewer.user.display_name == "viewer1"  # the username stands in for a missing display name
    assert monitor.totp_secret and monitor.user.language == "az"
    assert forced.totp_secret, "an admin always signs in with a second factor"
    assert [u.username for u in accounts.list_users()] == ["admin2", "amina", "monitor1", "viewer1"]
    assert accounts.get("amina") == admin.user


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "Amina"}, "username"),
        ({"username": "a"}, "username"),
        ({"username": "amina k"}, "username"),
        ({"username": "-amina"}, "username"),
        ({"role": "root"}, "role"),
        ({"password": "too short"}, "password"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    accounts: Accounts,
    store: Store,
    count_rows: Callable[[Store], dict[str, int]],
    changes: dict[str, str],
    field: str,
) -> None:
    before = count_rows(store)
    args = {"username": "amina", "role": "editor", "password": PASSWORD, **changes}
    with pytest.raises(ValidationError) as refused:
        accounts.add_user(**args)
    assert refused.value.field == field
    assert "too short" not in str(refused.value), "a refused password is never echoed"
    assert count_rows(store) == before


def test_a_taken_username_is_refused_and_changes_nothing(
    accounts: Accounts, store: Store, count_rows: Callable[[Store], dict[str, int]]
) -> None:
    accounts.add_user("amina", "editor", PASSWORD)
    before = count_rows(store)
    with pytest.raises(ConflictError, match="username: 'amina' is taken"):
        accounts.add_user("amina", "viewer", "another long passphrase")
    assert count_rows(store) == before


def test_every_user_change_is_one_audit_entry_and_the_chain_verifies(
    accounts: Accounts, store: Store
) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    accounts.disable("amina")
    accounts.enable("amina")
    accounts.set_role("amina", "documenter")
    accounts.set_password("amina", "a new long passphrase")
    accounts.set_language(user.id, "ru")
    accounts.reset_two_factor("amina")
    accounts.set_role("amina", "admin")  # allowed now that two-factor is set up

    with store.reading() as conn:
        entries = list(store.audit_entries(conn, with_versions=True))
    assert [(e["kind"], e["record_id"], e["version"], e["actor"]) for e in entries] == [
        ("user", user.id, version, "admin1") for version in range(1, 9)
    ]
    assert [e["action"] for e in entries] == ["create", "disable"] + ["update"] * 6
    assert '"role": "admin"' in entries[-1]["data"] and '"two_factor": true' in entries[-1]["data"]
    verdict = store.verify_audit()
    assert verdict.ok and verdict.checked == 8
    assert [v["version"] for v in store.history(user.id)] == list(range(1, 9))


def test_no_password_hash_or_totp_secret_reaches_the_history_or_the_audit_chain(
    accounts: Accounts, store: Store
) -> None:
    new = accounts.add_user("amina", "admin", PASSWORD)
    reset = accounts.reset_two_factor("amina")
    accounts.set_password("amina", "a new long passphrase")
    with store.reading() as conn:
        hashes = list(conn.execute(sa.select(users.c.password_hash)).scalars())
    logged = all_text(store, record_versions, audit_entries)
    for secret in (new.totp_secret, reset.totp_secret, PASSWORD, "a new long passphrase", *hashes):
        assert secret and secret not in logged
    assert "argon2" not in logged and "password" not in logged and "totp_secret" not in logged


def test_a_missing_user_is_named(accounts: Accounts) -> None:
    for call in (
        lambda: accounts.get("nobody"),
        lambda: accounts.disable("nobody"),
        lambda: accounts.create_token("nobody"),
        lambda: accounts.revoke_tokens("nobody"),
    ):
        with pytest.raises(NotFound, match="no user named 'nobody'; see .*habeas user list"):
            call()
    with pytest.raises(NotFound):
        accounts.set_language("01ARZ3NDEKTSV4RRFFQ69G5FAV", "en")


def test_a_role_that_needs_two_factor_needs_it_set_up_first(accounts: Accounts) -> None:
    accounts.add_user("amina", "editor", PASSWORD)
    with pytest.raises(ConflictError, match="reset-2fa amina"):
        accounts.set_role("amina", "admin")
    assert accounts.get("amina").role == "editor"
    accounts.reset_two_factor("amina")
    assert accounts.set_role("amina", "admin").role == "admin"
    with pytest.raises(ValidationError) as refused:
        accounts.set_role("amina", "root")
    assert refused.value.field == "role"


def test_generated_passwords() -> None:
    made = {generate_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) == GENERATED_PASSWORD_LENGTH and set(p) <= set(PASSWORD_ALPHABET) for p in made)


# -- signing in ---------------------------------------------------------------------


def test_authenticate_refuses_unknown_wrong_and_disabled_alike(accounts: Accounts) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    assert accounts.authenticate("amina", PASSWORD) == user
    messages = []
    for name, password in (("amina", "a wrong long passphrase"), ("nobody", PASSWORD)):
        with pytest.raises(AccessDenied) as refused:
            accounts.authenticate(name, password)
        messages.append(str(refused.value))
    accounts.disable("amina")
    with pytest.raises(AccessDenied) as refused:
        accounts.authenticate("amina", PASSWORD)
    messages.append(str(refused.value))
    assert messages == [REFUSED] * 3


def failures_of(store: Store) -> int:
    with store.reading() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(login_failures)).scalar_one())


def test_after_three_failures_each_attempt_waits_longer(accounts: Accounts, clock: Clock) -> None:
    accounts.add_user("amina", "editor", PASSWORD)
    for _ in range(3):
        with pytest.raises(AccessDenied, match="check the username"):
            accounts.authenticate("amina", "a wrong long passphrase")
    for failures, wait in ((3, 1), (4, 2), (5, 4), (6, 8)):
        assert failure_delay(failures) == timedelta(seconds=wait)
        # Even the right password is refused while the delay runs, and no failure is counted.
        with pytest.raises(AccessDenied, match=f"try again in {wait} s"):
            accounts.authenticate("amina", PASSWORD)
        clock.advance(seconds=wait)
        with pytest.raises(AccessDenied, match="check the username"):
            accounts.authenticate("amina", "a wrong long passphrase")
    assert failures_of(accounts.store) == 7
    assert failure_delay(50) == timedelta(seconds=60)


def test_a_right_password_clears_the_failures(accounts: Accounts, clock: Clock) -> None:
    accounts.add_user("amina", "editor", PASSWORD)
    for _ in range(3):
        with pytest.raises(AccessDenied):
            accounts.authenticate("amina", "a wrong long passphrase")
    clock.advance(seconds=1)
    assert accounts.authenticate("amina", PASSWORD).username == "amina"
    assert failures_of(accounts.store) == 0
    with pytest.raises(AccessDenied, match="check the username"):
        accounts.authenticate("amina", "a wrong long passphrase")  # no delay is left over
    assert accounts.authenticate("amina", PASSWORD).username == "amina"


def test_a_hundred_failures_in_an_hour_lock_the_account(accounts: Accounts, clock: Clock) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    # The growing delay alone keeps an attacker below 100 an hour; the lock is the backstop.
    # The failures are written as data: one every 30 seconds over the last 50 minutes.
    start = clock.now - timedelta(minutes=50)
    with accounts.store.atomic() as conn:
        conn.execute(
            login_failures.insert(),
            [
                {"user_id": user.id, "at": start + timedelta(seconds=30 * i)}
                for i in range(MAX_FAILURES_PER_HOUR)
            ],
        )
    with pytest.raises(AccessDenied, match="100 failed attempts in the last hour"):
        accounts.authenticate("amina", PASSWORD)
    clock.advance(minutes=9)  # the oldest failures are still within the hour
    with pytest.raises(AccessDenied, match="100 failed attempts"):
        accounts.authenticate("amina", PASSWORD)
    clock.advance(minutes=2)  # now a few have left the hour, and the last delay is long over
    assert accounts.authenticate("amina", PASSWORD).id == user.id


def test_a_new_password_unlocks_the_account_and_ends_its_sessions(accounts: Accounts, clock: Clock) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    cookie, _ = accounts.start_session(user, second_factor_done=False)
    for _ in range(3):
        with pytest.raises(AccessDenied):
            accounts.authenticate("amina", "a wrong long passphrase")
    accounts.set_password("amina", "a new long passphrase")
    assert accounts.session(cookie) is None
    with pytest.raises(AccessDenied, match="check the username"):
        accounts.authenticate("amina", PASSWORD)
    clock.advance(seconds=1)
    assert accounts.authenticate("amina", "a new long passphrase").id == user.id


# -- the second factor ----------------------------------------------------------------


def test_a_totp_code_is_accepted_once_and_older_or_wrong_codes_never(
    accounts: Accounts, clock: Clock
) -> None:
    new = accounts.add_user("amina", "admin", PASSWORD)
    assert new.totp_secret
    user_id, secret = new.user.id, new.totp_secret
    earlier = code_at(secret, clock.now - timedelta(seconds=30))  # still within the accepted window
    now = code_at(secret, clock.now)

    accounts.verify_second_factor(user_id, f" {now[:3]} {now[3:]} ")  # spaces as apps display it
    clock.advance(seconds=5)
    with pytest.raises(AccessDenied, match="already used"):
        accounts.verify_second_factor(user_id, now)
    clock.advance(seconds=1)
    with pytest.raises(AccessDenied, match="already used"):
        accounts.verify_second_factor(user_id, earlier)
    clock.advance(seconds=4)
    with pytest.raises(AccessDenied, match="wrong or expired"):
        accounts.verify_second_factor(user_id, wrong_code(secret, clock.now))
    clock.advance(seconds=30)  # the next step: its code is new
    accounts.verify_second_factor(user_id, code_at(secret, clock.now))


def test_a_totp_code_from_long_ago_or_not_ascii_is_refused(accounts: Accounts, clock: Clock) -> None:
    new = accounts.add_user("amina", "admin", PASSWORD)
    assert new.totp_secret
    stale = code_at(new.totp_secret, clock.now - timedelta(minutes=2))
    with pytest.raises(AccessDenied, match="wrong or expired"):
        accounts.verify_second_factor(new.user.id, stale)
    clock.advance(seconds=1)
    wide = code_at(new.totp_secret, clock.now).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    with pytest.raises(AccessDenied, match="wrong or expired"):
        accounts.verify_second_factor(new.user.id, wide)  # full-width digits: refused, not a crash
    with pytest.raises(AccessDenied, match="no two-factor"):
        accounts.verify_second_factor(accounts.add_user("viewer1", "viewer", PASSWORD).user.id, "123456")


def test_wrong_codes_are_throttled_and_the_password_does_not_reset_them(
    accounts: Accounts, clock: Clock
) -> None:
    new = accounts.add_user("amina", "admin", PASSWORD)
    assert new.totp_secret
    for _ in range(3):
        with pytest.raises(AccessDenied, match="wrong or expired"):
            accounts.verify_second_factor(new.user.id, wrong_code(new.totp_secret, clock.now))
    with pytest.raises(AccessDenied, match="try again in 1 s"):
        accounts.authenticate("amina", PASSWORD)
    clock.advance(seconds=1)
    assert accounts.authenticate("amina", PASSWORD).id == new.user.id
    assert failures_of(accounts.store) == 3, "the right password alone does not clear wrong codes"
    with pytest.raises(AccessDenied, match="wrong or expired"):
        accounts.verify_second_factor(new.user.id, wrong_code(new.totp_secret, clock.now))
    with pytest.raises(AccessDenied, match="try again in 2 s"):
        accounts.verify_second_factor(new.user.id, code_at(new.totp_secret, clock.now))


def test_a_code_waits_out_the_delay_and_clears_the_failures(accounts: Accounts, clock: Clock) -> None:
    new = accounts.add_user("amina", "admin", PASSWORD)
    assert new.totp_secret
    for _ in range(3):
        with pytest.raises(AccessDenied, match="wrong or expired"):
            accounts.verify_second_factor(new.user.id, wrong_code(new.totp_secret, clock.now))
    right = code_at(new.totp_secret, clock.now)
    with pytest.raises(AccessDenied, match="try again in 1 s"):
        accounts.verify_second_factor(new.user.id, right)
    clock.advance(seconds=1)
    accounts.verify_second_factor(new.user.id, right)
    assert failures_of(accounts.store) == 0


def test_a_disabled_account_cannot_pass_the_second_factor(accounts: Accounts, clock: Clock) -> None:
    new = accounts.add_user("amina", "admin", PASSWORD)
    assert new.totp_secret
    accounts.disable("amina")
    with pytest.raises(AccessDenied, match="sign-in refused"):
        accounts.verify_second_factor(new.user.id, code_at(new.totp_secret, clock.now))


# -- sessions -----------------------------------------------------------------------


def session_rows(store: Store) -> list[tuple[object, ...]]:
    with store.reading() as conn:
        return [tuple(r) for r in conn.execute(sa.select(web_sessions))]


def test_each_sign_in_gets_a_new_session_stored_only_as_a_digest(accounts: Accounts, store: Store) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    first, session = accounts.start_session(user, second_factor_done=False)
    second, _ = accounts.start_session(user, second_factor_done=False)
    assert first != second and len(first) >= 40
    assert session.id_hash == digest(first) and session.user == user and session.csrf_token
    stored = all_text(store, web_sessions)
    assert first not in stored and second not in stored and digest(first) in stored
    live = accounts.session(first)
    assert live is not None and live.user == user and not live.second_factor_done
    assert live.csrf_token == session.csrf_token
    assert accounts.session("not a cookie") is None and accounts.session("") is None
    assert accounts.session("x" * 500) is None


def test_completing_the_second_factor_replaces_the_cookie(accounts: Accounts) -> None:
    user = accounts.add_user("amina", "admin", PASSWORD).user
    half, _ = accounts.start_session(user, second_factor_done=False)
    full, session = accounts.complete_second_factor(half)
    assert full != half and session.second_factor_done
    assert accounts.session(half) is None, "the cookie from before the second factor stops working"
    live = accounts.session(full)
    assert live is not None and live.second_factor_done
    with pytest.raises(AccessDenied, match="sign in again"):
        accounts.complete_second_factor(half)


def test_a_session_idle_for_30_minutes_ends(accounts: Accounts, clock: Clock, store: Store) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    cookie, _ = accounts.start_session(user, second_factor_done=True)
    clock.advance(minutes=29)
    assert accounts.session(cookie) is not None  # and that use counts as activity
    clock.advance(minutes=29)
    assert accounts.session(cookie) is not None
    clock.advance(minutes=30, seconds=1)
    assert accounts.session(cookie) is None
    assert session_rows(store) == [], "an expired session is deleted"


def test_a_session_ends_after_12_hours_even_when_used(accounts: Accounts, clock: Clock) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    cookie, _ = accounts.start_session(user, second_factor_done=True)
    for _ in range(12 * 4):
        clock.advance(minutes=15)
        assert accounts.session(cookie) is not None
    clock.advance(seconds=1)
    assert accounts.session(cookie) is None


def test_signing_in_deletes_expired_sessions(accounts: Accounts, clock: Clock, store: Store) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    accounts.start_session(user, second_factor_done=True)
    clock.advance(hours=1)
    cookie, _ = accounts.start_session(user, second_factor_done=True)
    assert [row[0] for row in session_rows(store)] == [digest(cookie)]


def test_end_session(accounts: Accounts) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    cookie, _ = accounts.start_session(user, second_factor_done=True)
    other, _ = accounts.start_session(user, second_factor_done=True)
    accounts.end_session(cookie)
    assert accounts.session(cookie) is None
    assert accounts.session(other) is not None
    accounts.end_session(cookie)  # ending it twice is harmless


def test_disabling_a_user_ends_sessions_and_revokes_tokens(accounts: Accounts, store: Store) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    other = accounts.add_user("viewer1", "viewer", PASSWORD).user
    cookie, _ = accounts.start_session(user, second_factor_done=True)
    other_cookie, _ = accounts.start_session(other, second_factor_done=True)
    token = accounts.create_token("amina", label="scripts")
    assert accounts.disable("amina").disabled
    assert accounts.session(cookie) is None and accounts.user_for_token(token) is None
    assert accounts.session(other_cookie) is not None
    with pytest.raises(ConflictError, match="disabled"):
        accounts.create_token("amina")
    assert not accounts.enable("amina").disabled
    assert accounts.user_for_token(token) is None, "enabling an account does not bring its tokens back"
    assert accounts.authenticate("amina", PASSWORD).id == user.id


# -- API tokens -----------------------------------------------------------------------


def test_tokens_are_stored_as_digests_and_can_be_revoked(accounts: Accounts, store: Store) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    first = accounts.create_token("amina", label="laptop")
    second = accounts.create_token("amina")
    assert first.startswith("hbs_") and first != second
    stored = all_text(store, api_tokens)
    assert first not in stored and second not in stored and digest(first) in stored
    assert accounts.user_for_token(first) == user
    assert accounts.user_for_token("hbs_not-a-token") is None
    assert accounts.user_for_token(first[4:]) is None  # without its prefix
    assert accounts.revoke_tokens("amina") == 2
    assert accounts.user_for_token(first) is None and accounts.user_for_token(second) is None
    assert accounts.revoke_tokens("amina") == 0


def test_a_token_opens_only_its_own_scope(accounts: Accounts) -> None:
    user = accounts.add_user("amina", "editor", PASSWORD).user
    feed = accounts.create_token("amina", label="calendar", scope="calendar")
    api = accounts.create_token("amina")
    assert accounts.user_for_token(feed, scope="calendar") == user
    assert accounts.user_for_token(feed) is None, "a calendar feed's token must not open the API"
    assert accounts.user_for_token(api, scope="calendar") is None
    with pytest.raises(ValidationError, match="scope"):
        accounts.create_token("amina", scope="admin")
    accounts.set_password("amina", "a brand new passphrase")
    assert accounts.user_for_token(feed, scope="calendar") is None, "new credentials end the feeds"
    assert accounts.user_for_token(api) == user, "scripts' API tokens stay"


def test_unknown_names_are_throttled_like_accounts(accounts: Accounts, clock: Clock) -> None:
    """The answers must not tell which names have an account."""
    accounts.add_user("amina", "editor", PASSWORD)
    answers: dict[str, list[str]] = {}
    for name in ("amina", "nobody-here"):
        answers[name] = []
        for _ in range(5):
            try:
                accounts.authenticate(name, "a wrong password!")
            except AccessDenied as refused:
                answers[name].append(str(refused))
    assert answers["amina"] == answers["nobody-here"]
    assert any("try again in" in answer for answer in answers["nobody-here"])


def test_account_dataclass_has_no_secrets() -> None:
    fields = set(User.__dataclass_fields__)
    assert not fields & {"password_hash", "totp_secret", "totp_last_step"}
