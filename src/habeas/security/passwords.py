"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from habeas.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; a cap keeps a huge body from costing CPU

_hasher = PasswordHasher()


def check_strength(password: str, field: str = "password") -> None:
    """Refuse a password shorter than MIN_LENGTH characters (the value is never echoed)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationError(
            field,
            f"<{len(password)} characters>",
            f"use {MIN_LENGTH} to {MAX_LENGTH} characters; a phrase of several words is easiest to remember",
        )


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
