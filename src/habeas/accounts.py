"""Accounts: users and roles, password and TOTP sign-in with throttling, web sessions, API tokens.

Every change to a user goes through one transaction that also appends to the
audit chain (the history keeps the account's name, role and state, never its
password hash or TOTP secret). Accounts are disabled, never deleted, so that
every change stays attributed. Sessions and tokens are stored only as SHA-256
digests: a copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.errors import AccessDenied, ConflictError, NotFound, ValidationError
from habeas.security import passwords
from habeas.security.roles import ROLES, TWO_FACTOR_REQUIRED
from habeas.service import Service, new_ulid, utcnow
from habeas.storage.store import Store
from habeas.storage.tables import api_tokens, login_failures, users, web_sessions

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
LANGUAGES = ("en", "az", "ru")
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
TOUCH_EVERY = timedelta(seconds=60)  # how often a session's last-seen time is written
MAX_FAILURES_PER_HOUR = 100
UNKNOWN_NAMES_KEPT = 10_000
TOKEN_PREFIX = "hbs_"
TOKEN_SCOPES = ("api", "calendar")
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I
GENERATED_PASSWORD_LENGTH = 20


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown usernames against, so that they take as long as known ones."""
    return passwords.hash_password("not a password, used to even out timing")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def generate_password(length: int = GENERATED_PASSWORD_LENGTH) -> str:
    """A random password of unambiguous letters and digits (20 give about 116 bits)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def failure_delay(failures: int) -> timedelta:
    """The wait after the last of `failures` recent failures: none after 1 or 2, then 1, 2, 4 … 60 s."""
    if failures < 3:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (failures - 3), 60))


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str
    disabled: bool
    two_factor: bool
    language: str

    @classmethod
    def from_row(cls, row: sa.Row[tuple[object, ...]]) -> User:
        m = row._mapping
        return cls(
            id=m["id"],
            username=m["username"],
            display_name=m["display_name"],
            role=m["role"],
            disabled=bool(m["disabled"]),
            two_factor=m["totp_secret"] is not None,
            language=m["language"],
        )


@dataclass(frozen=True)
class Session:
    """A signed-in browser: its user, its CSRF token, and whether the second factor is done."""

    id_hash: str
    user: User
    csrf_token: str
    second_factor_done: bool
    created_at: datetime


@dataclass(frozen=True)
class NewUser:
    user: User
    totp_secret: str | None  # shown once, to be entered in an authenticator app

    def totp_uri(self, issuer: str = "habeas") -> str | None:
        if self.totp_secret is None:
            return None
        return pyotp.TOTP(self.totp_secret).provisioning_uri(name=self.user.username, issuer_name=issuer)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _no_user(username: str) -> NotFound:
    missing = NotFound("user", username)
    missing.args = (f"no user named {username!r}; see the accounts with `habeas user list`",)
    return missing


class Accounts:
    """Account operations for one actor (who is doing it, for the audit chain)."""

    def __init__(self, store: Store, actor: str = "system", clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.actor = actor
        self.clock = clock
        # Failed sign-ins under names that have no account, kept in memory (by the name's digest)
        # and throttled exactly as an account's are, so that the answers do not tell which
        # names exist. At most UNKNOWN_NAMES_KEPT names are remembered.
        self._unknown: OrderedDict[str, list[datetime]] = OrderedDict()
        self._unknown_lock = threading.Lock()

    # -- users ------------------------------------------------------------

    def add_user(
        self,
        username: str,
        role: str,
        password: str,
        display_name: str = "",
        language: str = "en",
        two_factor: bool | None = None,
    ) -> NewUser:
        """Create an account; admins (and anyone with `two_factor=True`) get a TOTP secret."""
        self._check_new_user(username, role, language)
        password_hash = passwords.hash_password(password)
        wants_totp = (
            role in TWO_FACTOR_REQUIRED if two_factor is None else two_factor or role in TWO_FACTOR_REQUIRED
        )
        secret = pyotp.random_base32() if wants_totp else None
        now = self.clock()
        user_id = new_ulid()
        row: dict[str, object] = {
            "id": user_id,
            "username": username,
            "display_name": display_name or username,
            "role": role,
            "password_hash": password_hash,
            "totp_secret": secret,
            "totp_last_step": None,
            "disabled": False,
            "language": language,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        with self.store.atomic() as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
                raise ConflictError(f"username: {username!r} is taken; choose another")
            conn.execute(users.insert().values(**row))
            self._audit(conn, user_id, "create")
            user = self._user(conn, user_id)
        return NewUser(user, secret)

    def check_new_user(self, username: str, role: str, language: str = "en") -> None:
        """Refuse, before a password is asked for, what `add_user` would refuse; the name must be free."""
        self._check_new_user(username, role, language)
        with self.store.reading() as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
                raise ConflictError(f"username: {username!r} is taken; choose another")

    def _check_new_user(self, username: str, role: str, language: str) -> None:
        if not USERNAME.match(username):
            raise ValidationError(
                "username",
                username,
                "use 2 to 80 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
            )
        self._check_role(role)
        self._check_language(language)

    def list_users(self) -> list[User]:
        with self.store.reading() as conn:
            return [User.from_row(r) for r in conn.execute(sa.select(users).order_by(users.c.username))]

    def get(self, username: str) -> User:
        with self.store.reading() as conn:
            row = conn.execute(sa.select(users).where(users.c.username == username)).first()
        if row is None:
            raise _no_user(username)
        return User.from_row(row)

    def disable(self, username: str) -> User:
        """Disable an account and end its sessions and tokens; it stays, so its history stays attributed."""
        return self._change(username, "disable", disabled=True)

    def enable(self, username: str) -> User:
        return self._change(username, "update", disabled=False)

    def set_role(self, username: str, role: str) -> User:
        """Change the role; a role that needs two-factor sign-in needs a TOTP secret set up first."""
        self._check_role(role)

        def check(row: sa.Row[tuple[object, ...]]) -> None:
            if role in TWO_FACTOR_REQUIRED and row.totp_secret is None:
                # Without a secret the account could never finish signing in.
                raise ConflictError(
                    f"role: {role!r} must sign in with two-factor, which {username!r} has not set up; "
                    f"run `habeas user reset-2fa {username}` first"
                )

        return self._change(username, "update", check=check, role=role)

    def set_language(self, user_id: str, language: str) -> User:
        self._check_language(language)
        with self.store.reading() as conn:
            username = conn.execute(sa.select(users.c.username).where(users.c.id == user_id)).scalar()
        if username is None:
            raise NotFound("user", user_id)
        return self._change(username, "update", language=language)

    def set_password(self, username: str, password: str) -> User:
        """Set a new password: ends the account's sessions and clears its failed sign-ins (unlocks it)."""
        return self._change(
            username, "update", sign_out=True, password_hash=passwords.hash_password(password)
        )

    def reset_two_factor(self, username: str) -> NewUser:
        """A new TOTP secret (the old one stops working); ends the account's sessions."""
        secret = pyotp.random_base32()
        user = self._change(username, "update", sign_out=True, totp_secret=secret, totp_last_step=None)
        return NewUser(user, secret)

    def _change(
        self,
        username: str,
        action: str,
        check: Callable[[sa.Row[tuple[object, ...]]], None] | None = None,
        sign_out: bool = False,
        **values: object,
    ) -> User:
        """Write a new version of the account; `sign_out` ends its sessions and calendar feeds
        and clears its failures."""
        with self.store.atomic() as conn:
            row = conn.execute(sa.select(users).where(users.c.username == username)).first()
            if row is None:
                raise _no_user(username)
            if check:
                check(row)
            conn.execute(
                users.update()
                .where(users.c.id == row.id)
                .values(version=row.version + 1, updated_at=self.clock(), **values)
            )
            if sign_out or values.get("disabled"):
                conn.execute(web_sessions.delete().where(web_sessions.c.user_id == row.id))
            if sign_out:
                conn.execute(login_failures.delete().where(login_failures.c.user_id == row.id))
                # A feed could have been made from a stolen session: new credentials end the feeds.
                conn.execute(
                    api_tokens.update()
                    .where(api_tokens.c.user_id == row.id, api_tokens.c.scope == "calendar")
                    .values(revoked=True)
                )
            if values.get("disabled"):
                conn.execute(api_tokens.update().where(api_tokens.c.user_id == row.id).values(revoked=True))
            self._audit(conn, row.id, action)
            return self._user(conn, row.id)

    def _audit(self, conn: Connection, user_id: str, action: str) -> None:
        row = conn.execute(sa.select(users).where(users.c.id == user_id)).one()
        data = json.dumps(
            {
                "record_kind": "user",
                "id": row.id,
                "username": row.username,
                "display_name": row.display_name,
                "role": row.role,
                "disabled": bool(row.disabled),
                "two_factor": row.totp_secret is not None,
                "language": row.language,
                "version": row.version,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        Service(self.store, self.actor, clock=self.clock).log_versions(
            conn, [("user", row.id, row.version, data)], action, ""
        )

    @staticmethod
    def _user(conn: Connection, user_id: str) -> User:
        return User.from_row(conn.execute(sa.select(users).where(users.c.id == user_id)).one())

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise ValidationError("role", role, f"use one of: {', '.join(ROLES)}")

    @staticmethod
    def _check_language(language: str) -> None:
        if language not in LANGUAGES:
            raise ValidationError("language", language, f"use one of: {', '.join(LANGUAGES)}")

    # -- signing in -------------------------------------------------------

    def authenticate(self, username: str, password: str) -> User:
        """The user, if the password is right and the account is enabled and not throttled.

        A wrong password, an unknown name and a disabled account are refused with the same
        message, after the same argon2 work. For an account with two-factor sign-in the
        failures are kept until the code is accepted, so that the right password does not
        reset the count of wrong codes.
        """
        refused = AccessDenied("sign-in refused: check the username and password")
        now = self.clock()
        with self.store.atomic() as conn:
            row = conn.execute(sa.select(users).where(users.c.username == username)).first()
            if row is None:
                self._refuse_unknown(username, password, now)
                raise refused
            self._check_throttle(self._failures(conn, row.id, now), now)
            right = passwords.verify_password(row.password_hash, password)
            failed = bool(row.disabled) or not right
            if failed:
                # The failure must be kept although the sign-in is refused: commit, then raise.
                conn.execute(login_failures.insert().values(user_id=row.id, at=now))
            else:
                if row.totp_secret is None:
                    conn.execute(login_failures.delete().where(login_failures.c.user_id == row.id))
                if passwords.needs_rehash(row.password_hash):
                    conn.execute(
                        users.update()
                        .where(users.c.id == row.id)
                        .values(password_hash=passwords.hash_password(password))
                    )
        if failed:
            raise refused
        return User.from_row(row)

    def verify_second_factor(self, user_id: str, code: str) -> None:
        """Accept a TOTP code once: the same code (or an older one) is refused afterwards.

        Wrong and replayed codes count as failed sign-ins and are throttled like passwords.
        """
        code = code.strip().replace(" ", "")
        now = self.clock()
        with self.store.atomic() as conn:
            row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
            if row is None:
                raise NotFound("user", user_id)
            if row.disabled:
                raise AccessDenied("sign-in refused: check the username and password")
            if row.totp_secret is None:
                raise AccessDenied("this account has no two-factor sign-in set up")
            self._check_throttle(self._failures(conn, row.id, now), now)
            totp = pyotp.TOTP(row.totp_secret)
            step = int(now.timestamp()) // totp.interval
            # isascii: compare_digest refuses non-ASCII text, and "１２３４５６".isdigit() is true.
            wellformed = len(code) == totp.digits and code.isascii() and code.isdigit()
            matched = next(
                (
                    s
                    for s in (step, step - 1, step + 1)
                    if wellformed and secrets.compare_digest(totp.at(s * totp.interval), code)
                ),
                None,
            )
            if matched is None:
                failed = "the code is wrong or expired; enter the code your authenticator shows now"
            elif row.totp_last_step is not None and matched <= row.totp_last_step:
                failed = "this code was already used; wait for the next one"
            else:
                failed = ""
            if failed:
                conn.execute(login_failures.insert().values(user_id=row.id, at=now))
            else:
                conn.execute(users.update().where(users.c.id == row.id).values(totp_last_step=matched))
                conn.execute(login_failures.delete().where(login_failures.c.user_id == row.id))
        if failed:
            raise AccessDenied(f"two-factor code refused: {failed}")

    @staticmethod
    def _failures(conn: Connection, user_id: str, now: datetime) -> list[datetime]:
        """The account's failed attempts of the last hour, newest first."""
        return [
            _aware(at)
            for at in conn.execute(
                sa.select(login_failures.c.at)
                .where(login_failures.c.user_id == user_id, login_failures.c.at > now - timedelta(hours=1))
                .order_by(login_failures.c.at.desc())
            ).scalars()
        ]

    def _refuse_unknown(self, username: str, password: str, now: datetime) -> None:
        """Answer a name without an account as a wrong password would be answered, throttle included."""
        key = digest(username)
        with self._unknown_lock:
            recent = [at for at in self._unknown.get(key, []) if at > now - timedelta(hours=1)]
        self._check_throttle(sorted(recent, reverse=True), now)
        passwords.verify_password(_dummy_hash(), password)
        with self._unknown_lock:
            self._unknown[key] = [*recent, now]
            self._unknown.move_to_end(key)
            while len(self._unknown) > UNKNOWN_NAMES_KEPT:
                self._unknown.popitem(last=False)

    @staticmethod
    def _check_throttle(recent: list[datetime], now: datetime) -> None:
        """Refuse an attempt while the name waits out its delay, or has 100 failures in the hour."""
        if len(recent) >= MAX_FAILURES_PER_HOUR:
            raise AccessDenied(
                f"sign-in refused: {MAX_FAILURES_PER_HOUR} failed attempts in the last hour; wait an hour "
                "or ask an administrator to set a new password (`habeas user password`)"
            )
        wait_until = recent[0] + failure_delay(len(recent)) if recent else now
        if now < wait_until:
            seconds = math.ceil((wait_until - now).total_seconds())
            raise AccessDenied(f"sign-in refused: too many failed attempts; try again in {seconds} s")

    # -- sessions ----------------------------------------------------------

    def start_session(self, user: User, second_factor_done: bool) -> tuple[str, Session]:
        """A new session (a new id at every sign-in); returns the cookie value and the session.

        Expired sessions of every account are deleted on the way, so that none lingers.
        """
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        with self.store.atomic() as conn:
            conn.execute(
                web_sessions.delete().where(
                    sa.or_(
                        web_sessions.c.last_seen < now - IDLE_TIMEOUT,
                        web_sessions.c.created_at < now - ABSOLUTE_TIMEOUT,
                    )
                )
            )
            conn.execute(
                web_sessions.insert().values(
                    id_hash=digest(cookie),
                    user_id=user.id,
                    csrf_token=csrf,
                    second_factor_done=second_factor_done,
                    created_at=now,
                    last_seen=now,
                )
            )
        return cookie, Session(digest(cookie), user, csrf, second_factor_done, now)

    def session(self, cookie: str) -> Session | None:
        """The live session for a cookie; None if unknown, idle 30 min, older than 12 h, or disabled."""
        if not cookie or len(cookie) > 100:
            return None
        now = self.clock()
        id_hash = digest(cookie)
        s = web_sessions.c
        with self.store.reading() as conn:
            # Columns by name would be ambiguous: both tables have created_at.
            row = conn.execute(
                sa.select(s.created_at, s.last_seen, s.csrf_token, s.second_factor_done, users)
                .join(users, users.c.id == s.user_id)
                .where(s.id_hash == id_hash)
            ).first()
        if row is None:
            return None
        created, last_seen = _aware(row[0]), _aware(row[1])
        user = User.from_row(row)
        if user.disabled or now - last_seen > IDLE_TIMEOUT or now - created > ABSOLUTE_TIMEOUT:
            self.end_session(cookie)
            return None
        if now - last_seen > TOUCH_EVERY:
            with self.store.atomic() as conn:
                conn.execute(web_sessions.update().where(s.id_hash == id_hash).values(last_seen=now))
        return Session(id_hash, user, row[2], bool(row[3]), created)

    def complete_second_factor(self, cookie: str) -> tuple[str, Session]:
        """After the TOTP code: end the half-signed-in session and start a full one with a new id."""
        half = self.session(cookie)
        if half is None:
            raise AccessDenied("the sign-in has expired; sign in again")
        self.end_session(cookie)
        return self.start_session(half.user, second_factor_done=True)

    def end_session(self, cookie: str) -> None:
        with self.store.atomic() as conn:
            conn.execute(web_sessions.delete().where(web_sessions.c.id_hash == digest(cookie)))

    # -- API tokens ----------------------------------------------------------

    def create_token(self, username: str, label: str = "", scope: str = "api") -> str:
        """A new token for the user, shown once; only its digest is stored.

        `scope` "api" opens /api/v1; "calendar" opens the user's hearing feed and nothing else.
        """
        if scope not in TOKEN_SCOPES:
            raise ValidationError("scope", scope, f"use one of: {', '.join(TOKEN_SCOPES)}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.store.atomic() as conn:
            row = conn.execute(sa.select(users).where(users.c.username == username)).first()
            if row is None:
                raise _no_user(username)
            if row.disabled:
                raise ConflictError(f"user {username!r} is disabled; enable the account first")
            conn.execute(
                api_tokens.insert().values(
                    id=new_ulid(),
                    user_id=row.id,
                    token_hash=digest(token),
                    label=label,
                    created_at=self.clock(),
                    revoked=False,
                    scope=scope,
                )
            )
        return token

    def user_for_token(self, token: str, scope: str = "api") -> User | None:
        """The enabled user a live token of this `scope` belongs to, or None."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        with self.store.reading() as conn:
            row = conn.execute(
                sa.select(users)
                .join(api_tokens, api_tokens.c.user_id == users.c.id)
                .where(
                    api_tokens.c.token_hash == digest(token),
                    api_tokens.c.revoked.is_(False),
                    api_tokens.c.scope == scope,
                )
            ).first()
        if row is None or row.disabled:
            return None
        return User.from_row(row)

    def revoke_tokens(self, username: str) -> int:
        with self.store.atomic() as conn:
            user_id = conn.execute(sa.select(users.c.id).where(users.c.username == username)).scalar()
            if user_id is None:
                raise _no_user(username)
            result = conn.execute(
                api_tokens.update()
                .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked.is_(False))
                .values(revoked=True)
            )
        return result.rowcount
