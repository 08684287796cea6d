"""The queue of candidate pairs: two people who may be one, waiting for a person to decide.

`habeas dedupe` and `habeas link` add pairs; the merge (habeas.linkage.merge) and the review
page read them and mark them merged, rejected or linked. A pair is queued once, whatever became
of it: a rejected pair is not proposed again. Every change is kept in the history and the audit
chain as kind "link_candidate" (`Service.log_versions`), in the same transaction as the change.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.errors import ConflictError, ValidationError
from habeas.service import Service
from habeas.storage.tables import link_candidates

__all__ = ["STATUSES", "Candidate", "Evidence", "add", "count_pending", "get", "mark", "pending"]

KIND = "link_candidate"  # the kind of a candidate's versions in the history
STATUSES = ("pending", "merged", "rejected", "linked")


@dataclass(frozen=True)
class Evidence:
    """One comparison's verdict on a pair: its level, and its match weight (log2 of a Bayes factor).

    A positive weight is evidence that the two are one person, a negative one evidence against.
    """

    comparison: str  # "surname", "given name", "birth year", ...
    level: str  # "same after transliteration", "within 1 year", "different", ...
    weight: float

    def __str__(self) -> str:
        return f"{self.comparison}: {self.level} ({self.weight:+.1f})"


@dataclass(frozen=True)
class Candidate:
    """A pair of people who may be one; `person_a` < `person_b` once queued."""

    id: str  # "" before it is queued: `add` gives it one
    person_a: str
    person_b: str
    probability: float  # Splink's match probability, 0..1
    match_weight: float  # the sum of the evidence's weights and the prior
    evidence: tuple[Evidence, ...] = ()
    status: str = "pending"  # pending | merged | rejected | linked
    origin: str = "dedupe"  # "dedupe" or "link:<source id>"
    created_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    note: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        """The two ids in order, as the queue keys them."""
        return (
            (self.person_a, self.person_b)
            if self.person_a <= self.person_b
            else (self.person_b, self.person_a)
        )

    def explain(self) -> list[str]:
        """The evidence, strongest first, one human-readable line each."""
        return [str(e) for e in sorted(self.evidence, key=lambda e: -abs(e.weight))]

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["evidence"] = [dataclasses.asdict(e) for e in self.evidence]
        for key in ("created_at", "decided_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


# -- writing ----------------------------------------------------------------------------------------


def add(service: Service, candidates: Iterable[Candidate]) -> int:
    """Queue the pairs not queued before (in any status); one transaction. The number queued."""
    store = service.store
    with store.atomic() as conn:
        seen = {
            (a, b) for a, b in conn.execute(sa.select(link_candidates.c.person_a, link_candidates.c.person_b))
        }
        now = service.clock()
        fresh: list[Candidate] = []
        for candidate in candidates:
            a, b = candidate.pair
            if a == b or (a, b) in seen:
                continue
            seen.add((a, b))
            fresh.append(
                dataclasses.replace(
                    candidate,
                    id=candidate.id or service.new_id(),
                    person_a=a,
                    person_b=b,
                    status="pending",
                    created_at=now,
                    decided_at=None,
                    decided_by=None,
                )
            )
        if not fresh:
            return 0
        conn.execute(link_candidates.insert(), [_row(c) | {"version": 1} for c in fresh])
        service.log_versions(conn, [(KIND, c.id, 1, _snapshot(c)) for c in fresh], "create", "queued")
    return len(fresh)


def mark(service: Service, candidate_id: str, status: str, note: str = "") -> Candidate:
    """Record a decision on a pair (or "pending" to reopen it); audited. The candidate as changed."""
    if status not in STATUSES:
        raise ValidationError("status", status, f"use one of {', '.join(STATUSES)}")
    with service.store.atomic() as conn:
        current = get(conn, candidate_id)
        version = conn.execute(
            sa.select(link_candidates.c.version).where(link_candidates.c.id == candidate_id)
        ).scalar_one()
        decided = status != "pending"
        changed = dataclasses.replace(
            current,
            status=status,
            note=note,
            decided_at=service.clock() if decided else None,
            decided_by=service.actor if decided else None,
        )
        result = conn.execute(
            link_candidates.update()
            .where(link_candidates.c.id == candidate_id, link_candidates.c.version == version)
            .values(**_row(changed), version=version + 1)
        )
        if result.rowcount != 1:
            raise ConflictError(f"candidate {candidate_id} was changed by someone else meanwhile; reload it")
        service.log_versions(conn, [(KIND, candidate_id, version + 1, _snapshot(changed))], "update", status)
    return changed


def _row(candidate: Candidate) -> dict[str, Any]:
    row = {f.name: getattr(candidate, f.name) for f in dataclasses.fields(candidate)}
    row["evidence"] = json.dumps([dataclasses.asdict(e) for e in candidate.evidence], ensure_ascii=False)
    return row


def _snapshot(candidate: Candidate) -> str:
    """The candidate as canonical JSON, as kept in the history."""
    return json.dumps(candidate.as_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# -- reading ----------------------------------------------------------------------------------------


def pending(conn: Connection, limit: int = 50, offset: int = 0) -> list[Candidate]:
    """Pending pairs, the most probable first (ties in the order they were queued)."""
    rows = conn.execute(
        sa.select(link_candidates)
        .where(link_candidates.c.status == "pending")
        .order_by(link_candidates.c.probability.desc(), link_candidates.c.id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [_candidate(row) for row in rows]


def count_pending(conn: Connection) -> int:
    query = sa.select(sa.func.count()).where(link_candidates.c.status == "pending")
    return int(conn.execute(query).scalar_one())


def get(conn: Connection, candidate_id: str) -> Candidate:
    """One candidate by id; ValidationError when there is none."""
    row = (
        conn.execute(sa.select(link_candidates).where(link_candidates.c.id == candidate_id))
        .mappings()
        .first()
    )
    if row is None:
        raise ValidationError("candidate", candidate_id, "no such candidate pair; see `habeas dedupe list`")
    return _candidate(row)


def _candidate(row: Any) -> Candidate:
    evidence = tuple(Evidence(**e) for e in json.loads(row["evidence"]))
    return Candidate(
        id=row["id"],
        person_a=row["person_a"],
        person_b=row["person_b"],
        probability=float(row["probability"]),
        match_weight=float(row["match_weight"]),
        evidence=evidence,
        status=row["status"],
        origin=row["origin"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
        note=row["note"],
    )
