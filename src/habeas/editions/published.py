"""Publishing an edition (computed from the dated facts, stored once, audited) and reading editions back."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from habeas.editions import facts
from habeas.editions.rules import Rule
from habeas.errors import ValidationError
from habeas.service import Service
from habeas.storage.tables import list_edition_members, list_editions


@dataclass(frozen=True)
class Member:
    person_id: str
    category: str
    name: str = field(default="", compare=False)  # the first name given, for display only


@dataclass(frozen=True)
class Edition:
    """A published edition; `members` is empty when it comes from `list_editions`.

    `earlier` are the editions of the same day and rule published before this one, which it corrects.
    """

    id: str
    on_date: date
    rule: Rule
    counts: dict[str, int]
    member_count: int
    note: str
    published_at: datetime
    published_by: str
    members: tuple[Member, ...] = ()
    earlier: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "on_date": self.on_date.isoformat(),
            "rule": self.rule.as_json(),
            "counts": self.counts,
            "member_count": self.member_count,
            "note": self.note,
            "published_at": self.published_at.isoformat(),
            "published_by": self.published_by,
            "earlier": list(self.earlier),
            "members": [
                {"person_id": m.person_id, "name": m.name, "category": m.category} for m in self.members
            ],
        }


def members_on(conn: Connection, day: date, rule: Rule) -> list[Member]:
    """Who is on the list on `day` under `rule`, by today's facts, sorted by person id."""
    held = facts.held(conn, day, rule.custody_kinds)
    verdicts = facts.verdicts(conn, day, held)
    groups = facts.groups(conn, held)
    return [
        Member(person_id, rule.category_of(groups.get(person_id, [])))
        for person_id in sorted(held)
        if facts.accepted(rule, verdicts.get(person_id))
    ]


def publish(service: Service, on: date, rule: Rule, note: str = "") -> Edition:
    """Compute the edition of `on` under `rule` and store it, its members and counts, audited, at once."""
    with service.store.atomic() as conn:
        members = members_on(conn, on, rule)
        rule_text = json.dumps(rule.as_json(), sort_keys=True, ensure_ascii=False)
        same = sa.select(list_editions.c.id).where(
            list_editions.c.on_date == on, list_editions.c.rule == rule_text
        )
        edition = Edition(
            id=service.new_id(),
            on_date=on,
            rule=rule,
            counts=rule.counts(members),
            member_count=len(members),
            note=note,
            published_at=service.clock(),
            published_by=service.actor,
            members=tuple(members),
            earlier=tuple(sorted(conn.execute(same).scalars())),
        )
        conn.execute(
            list_editions.insert().values(
                id=edition.id,
                on_date=on,
                rule_name=rule.name,
                rule=rule_text,
                counts=json.dumps(edition.counts, ensure_ascii=False),
                member_count=edition.member_count,
                note=note,
                published_at=edition.published_at,
                published_by=edition.published_by,
            )
        )
        if members:
            rows = [
                {"edition_id": edition.id, "person_id": m.person_id, "category": m.category} for m in members
            ]
            conn.execute(list_edition_members.insert(), rows)
        service.log_versions(conn, [("list_edition", edition.id, 1, _snapshot(edition))], "publish", note)
    return edition


def _snapshot(edition: Edition) -> str:
    """The audited JSON of an edition: the audit chain's digest covers its rule, counts and members."""
    data = edition.as_json()
    data.pop("earlier")
    data["members"] = sorted([m.person_id, m.category] for m in edition.members)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def load(conn: Connection, edition_id: str) -> Edition:
    """One edition with its members (named, in category order); ValidationError when there is none."""
    row = conn.execute(sa.select(list_editions).where(list_editions.c.id == edition_id)).mappings().first()
    if row is None:
        raise ValidationError(
            "edition", edition_id, "no list edition has this id; see `habeas list editions`"
        )
    edition = _edition(row)
    query = sa.select(list_edition_members.c.person_id, list_edition_members.c.category).where(
        list_edition_members.c.edition_id == edition_id
    )
    stored = conn.execute(query).all()
    names = facts.names(conn, [person_id for person_id, _ in stored])
    order = {code: i for i, code in enumerate(edition.rule.categories)}
    members = sorted(
        (Member(person_id, category, names.get(person_id, "")) for person_id, category in stored),
        key=lambda m: (order.get(m.category, len(order)), m.name.casefold(), m.person_id),
    )
    same = conn.execute(
        sa.select(list_editions.c.id, list_editions.c.published_at).where(
            list_editions.c.on_date == row["on_date"], list_editions.c.rule == row["rule"]
        )
    ).all()
    earlier = sorted(i for i, at in same if (_utc(at), i) < (edition.published_at, edition.id))
    return dataclasses.replace(edition, members=tuple(members), earlier=tuple(earlier))


def list_editions_newest_first(conn: Connection) -> list[Edition]:
    """Every edition (without its members), the latest day first, then the latest published."""
    query = sa.select(list_editions).order_by(
        list_editions.c.on_date.desc(), list_editions.c.published_at.desc(), list_editions.c.id.desc()
    )
    return [_edition(row) for row in conn.execute(query).mappings()]


def _edition(row: RowMapping) -> Edition:
    return Edition(
        id=row["id"],
        on_date=row["on_date"],
        rule=Rule.from_json(json.loads(row["rule"])),
        counts=json.loads(row["counts"]),
        member_count=row["member_count"],
        note=row["note"],
        published_at=_utc(row["published_at"]),
        published_by=row["published_by"],
    )


def _utc(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stamp habeas writes is UTC.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
