"""habeas's settings, declared once: name, default and help.

Each setting is read from the environment variable `HABEAS_<NAME>` and can be
overridden by a command-line option of the same name; `docs/cli.md` lists
them, and a test fails when one is undocumented.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from habeas.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return f"HABEAS_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db", "habeas.db", "Database: a SQLite file path, or a SQLAlchemy URL such as postgresql+psycopg://…"
    ),
    Setting(
        "passphrase_file",
        "",
        "File holding the passphrase of an encrypted (SQLCipher) database; empty for an unencrypted file.",
    ),
    Setting(
        "audit_key_file",
        "",
        "File holding the audit chain's secret key; empty means `<db>.audit-key` beside a SQLite file, "
        "or ~/.config/habeas/audit.key for a server database.",
    ),
    Setting(
        "actor",
        "local",
        "Who is recorded in the audit chain as making the changes (an account name, not a person's name).",
    ),
    Setting(
        "busy_timeout_ms",
        "5000",
        "How long to wait for another program's write lock before giving up, in milliseconds.",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one run: environment first, then explicit overrides."""

    db: str = "habeas.db"
    passphrase_file: str = ""
    audit_key_file: str = ""
    actor: str = "local"
    busy_timeout_ms: int = 5000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {s.name: env.get(s.env, s.default) for s in SETTINGS}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls._checked(values)

    @classmethod
    def _checked(cls, values: dict[str, object]) -> Settings:
        raw = str(values["busy_timeout_ms"])
        if not raw.isdigit():
            raise ConfigError(
                f"busy_timeout_ms: {raw!r} is not valid; use a whole number of milliseconds, e.g. 5000"
            )
        if not str(values["actor"]).strip():
            raise ConfigError("actor: '' is not valid; give an account name such as 'local' or 'editor1'")
        return cls(
            db=str(values["db"]),
            passphrase_file=str(values["passphrase_file"]),
            audit_key_file=str(values["audit_key_file"]),
            actor=str(values["actor"]).strip(),
            busy_timeout_ms=int(raw),
        )
