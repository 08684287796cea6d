"""The audit chain: each entry's HMAC covers the entry and the previous entry's hash.

The key is kept outside the database (a file of its own), so that someone who
can rewrite the database cannot forge a consistent chain. An entry records ids,
codes and a SHA-256 digest of the record version it describes, never the
record's content, so the audit log holds no names.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from habeas.errors import AuditError

GENESIS = "0" * 64
KEY_BYTES = 32
CHAINED_FIELDS = ("seq", "at", "actor", "action", "kind", "record_id", "version", "digest", "prev_hash")


def digest(data: str) -> str:
    """SHA-256 of a record version's JSON, as hex."""
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def entry_hash(key: bytes, entry: Mapping[str, object]) -> str:
    """HMAC-SHA256 over the chained fields of `entry` (which include the previous hash)."""
    canonical = json.dumps([str(entry[name]) for name in CHAINED_FIELDS], ensure_ascii=True)
    return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """The result of checking the chain: how many entries were good, and the first bad one."""

    checked: int
    first_bad_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify(key: bytes, entries: Iterable[Mapping[str, object]]) -> Verdict:
    """Walk the entries in `seq` order and report the first that breaks the chain.

    An entry that carries `data` (the record version it describes) is also
    checked against its digest, so an edited history is caught too.
    """
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in entries:
        seq = int(str(entry["seq"]))
        if seq != expected_seq:
            return Verdict(checked, expected_seq, f"entry {expected_seq} is missing (next present is {seq})")
        if entry["prev_hash"] != prev_hash:
            return Verdict(checked, seq, "its previous-hash does not match the entry before it")
        if not hmac.compare_digest(str(entry["hash"]), entry_hash(key, entry)):
            return Verdict(checked, seq, "its content does not match its hash (edited, or another key)")
        if "data" in entry and (entry["data"] is None or digest(str(entry["data"])) != entry["digest"]):
            return Verdict(checked, seq, "the record version it describes is missing or was edited")
        prev_hash, expected_seq, checked = str(entry["hash"]), seq + 1, checked + 1
    return Verdict(checked)


def load_key(path: Path) -> bytes:
    """Read the audit key; a missing or malformed key file is an AuditError."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise AuditError(
            f"audit_key_file: {str(path)!r} does not exist; restore it from your backup, "
            "or set HABEAS_AUDIT_KEY_FILE to where it is"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"audit_key_file: {str(path)!r} cannot be read ({exc.__class__.__name__})") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise AuditError(f"audit_key_file: {str(path)!r} does not hold a {KEY_BYTES}-byte hex key")
    return key


def create_key(path: Path) -> bytes:
    """Write a fresh random key readable by its owner only; refuse to overwrite one."""
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AuditError(f"audit_key_file: {str(path)!r} already exists; it is never overwritten") from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
    return key
