"""Every exception habeas raises on purpose, in one place.

    HabeasError                    anything habeas refuses, with a message for a person
    ├── ValidationError            bad input: names the field, the value and what is allowed
    │   ├── InvalidDate            a partial date that cannot be read
    │   └── UnknownTerm            a code that is not in its controlled vocabulary
    ├── NotFound                   no record of that kind with that id
    ├── AccessDenied               a refused sign-in, session, token or role
    ├── ConflictError              the record changed or was retracted meanwhile
    ├── StorageError               the database cannot be used as asked
    │   ├── WrongPassphrase        the passphrase does not open this encrypted file
    │   ├── DatabaseLocked         another program holds the write lock too long
    │   ├── DiskFull               the disk (or the database's size limit) is full
    │   └── SchemaOutOfDate        the file needs `habeas init` to migrate it
    ├── AuditError                 the audit key is missing, or the chain cannot be written
    └── ConfigError                a setting has a value habeas cannot use

Messages never contain a person's name, a passphrase or a token: they name
fields, codes and record ids only, so they are safe to log.
"""

from __future__ import annotations

from collections.abc import Iterable


class HabeasError(Exception):
    """Base class: an error whose message is meant for the person using habeas."""


class ValidationError(HabeasError):
    """Input that habeas refuses; nothing has been written."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {value!r} is not valid; {allowed}")


class InvalidDate(ValidationError):
    """A partial date that does not follow the accepted forms."""


class UnknownTerm(ValidationError):
    """A code that is not a term of the named vocabulary."""

    def __init__(self, field: str, value: object, vocabulary: str, codes: Iterable[str]) -> None:
        self.vocabulary = vocabulary
        self.codes = tuple(codes)
        listed = ", ".join(self.codes)
        super().__init__(field, value, f"use one of the {vocabulary} codes: {listed}")


class NotFound(HabeasError):
    """No record of the given kind with the given id."""

    def __init__(self, kind: str, record_id: str) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(
            f"no {kind} with id {record_id!r}; check the id with `habeas person list` or `habeas history`"
        )


class AccessDenied(HabeasError):
    """A sign-in, session or token that is refused, or an action the account's role does not allow."""


class ConflictError(HabeasError):
    """The write would contradict the stored state (for example, editing a retracted record)."""


class StorageError(HabeasError):
    """The database cannot be opened or written as asked."""


class WrongPassphrase(StorageError):
    """The passphrase does not open the encrypted database (or the file is not a database)."""


class DatabaseLocked(StorageError):
    """Another program kept the database locked for longer than the busy timeout."""


class DiskFull(StorageError):
    """The disk, or the database's size limit, is full; the write was rolled back."""


class SchemaOutOfDate(StorageError):
    """The database's schema is older than this version of habeas."""


class AuditError(HabeasError):
    """The audit chain cannot be written or checked (for example, its key is missing)."""


class ConfigError(HabeasError):
    """A setting has a value that habeas cannot use."""
