"""Editions of the political-prisoner list: inclusion rules, publishing, comparing and checking editions.

An edition freezes who was on the list on a day, under which category, and by which rule. It is
computed from the dated facts (held on that day under a custody kind the rule counts, with an
assessment the rule accepts), stored once and never changed: the database refuses updates.
`diff` says who joined and who left between two editions and why; `check` recomputes an edition
from today's facts, since late information changes past figures. Editions are internal: every
record counts, whatever its visibility.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from habeas.domain.vocabulary import HELD_KINDS, vocabulary
from habeas.errors import ValidationError
from habeas.service import Service
from habeas.storage import queries
from habeas.storage.tables import (
    assessments,
    custody_periods,
    event_participants,
    events,
    list_edition_members,
    list_editions,
    people,
    person_groups,
    person_names,
)

OTHER = "other"  # the category of a member in none of the rule's groups
# Categories in the group vocabulary's order, "other" last (it is where everyone else goes anyway).
DEFAULT_CATEGORIES = tuple(code for code in vocabulary("group").codes() if code != OTHER)
ID_CHUNK = queries.ID_CHUNK


# -- inclusion rules ---------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who is on the list: held under one of `custody_kinds`, with an assessment in `conclusions`.

    The assessment is the person's latest one certainly decided by the edition's day; a person with
    none is on the list only when `require_assessment` is false. A member's category is the first of
    `categories` (group codes) among their groups, else "other".
    """

    name: str
    custody_kinds: tuple[str, ...]
    conclusions: tuple[str, ...]
    require_assessment: bool = True
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    description: str = ""

    def category_of(self, groups: Iterable[str]) -> str:
        held = set(groups)
        return next((code for code in self.categories if code in held), OTHER)

    def counts(self, members: Iterable[Member]) -> dict[str, int]:
        """Members per category, in the rule's category order; categories with nobody are left out."""
        tally = Counter(m.category for m in members)
        order = [*self.categories, *([OTHER] if OTHER not in self.categories else [])]
        return {code: tally[code] for code in order if tally[code]}

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "custody_kinds": list(self.custody_kinds),
            "conclusions": list(self.conclusions),
            "require_assessment": self.require_assessment,
            "categories": list(self.categories),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rule:
        """A rule as stored with an edition (already validated when it was published)."""
        return cls(
            name=data["name"],
            description=data.get("description", ""),
            custody_kinds=tuple(data["custody_kinds"]),
            conclusions=tuple(data["conclusions"]),
            require_assessment=bool(data["require_assessment"]),
            categories=tuple(data["categories"]),
        )


_DETAINED = ("pre_trial_detention", "imprisonment", "administrative_detention", "psychiatric_confinement")
RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "pace",
            _DETAINED,
            ("political_prisoner",),
            description="Detained (house arrest does not count), assessed a political prisoner (PACE 1900)",
        ),
        Rule(
            "pace-with-house-arrest",
            (*_DETAINED, "house_arrest"),
            ("political_prisoner",),
            description="As pace, and people under house arrest stay on the list",
        ),
    )
}
RULE_KEYS = ("name", "description", "custody_kinds", "conclusions", "require_assessment", "categories")


def resolve_rule(spec: str) -> Rule:
    """The built-in rule named `spec`, or the rule in the YAML file at path `spec`."""
    if spec in RULES:
        return RULES[spec]
    path = Path(spec)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ValidationError("rule", spec, f"use a built-in rule ({', '.join(RULES)}) or a .yaml rule file")
    import yaml  # only needed for a custom rule

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError("rule", spec, f"the file cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ValidationError("rule", spec, "the file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValidationError(
            "rule", spec, f"the file is not valid YAML{where}; see docs/list-editions.md"
        ) from None
    return rule_from_mapping(data, path.stem)


def rule_from_mapping(data: object, default_name: str) -> Rule:
    """Validate a custom rule read from YAML: known keys, vocabulary codes, a new name."""
    if not isinstance(data, dict):
        raise ValidationError(
            "rule", type(data).__name__, f"a rule is a mapping with the keys {', '.join(RULE_KEYS)}"
        )
    for key in data:
        if key not in RULE_KEYS:
            raise ValidationError(f"rule.{key}", data[key], f"a rule has the keys {', '.join(RULE_KEYS)}")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        raise ValidationError("rule.name", name, "a rule's name is text of 1 to 60 characters")
    if name in RULES:
        raise ValidationError(
            "rule.name", name, f"the built-in names ({', '.join(RULES)}) are taken; choose another"
        )
    require = data.get("require_assessment", True)
    if not isinstance(require, bool):
        raise ValidationError("rule.require_assessment", require, "write true or false")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ValidationError("rule.description", description, "a description is text")
    return Rule(
        name=name.strip(),
        description=description,
        custody_kinds=_codes(data, "custody_kinds", "custody_kind"),
        conclusions=_codes(data, "conclusions", "assessment_conclusion"),
        require_assessment=require,
        categories=_codes(data, "categories", "group") if "categories" in data else DEFAULT_CATEGORIES,
    )


def _codes(data: Mapping[str, Any], key: str, vocabulary_name: str) -> tuple[str, ...]:
    """The list of codes under `key`, each checked against its vocabulary, repeats dropped."""
    value = data.get(key)
    if isinstance(value, str):
        value = [value]
    terms = vocabulary(vocabulary_name)
    if not isinstance(value, list) or not value:
        raise ValidationError(
            f"rule.{key}", value, f"give a list of {vocabulary_name} codes: {', '.join(terms.codes())}"
        )
    return tuple(dict.fromkeys(terms.check(code, f"rule.{key}") for code in value))


# -- editions ------------------------------------------------------------------------


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
    held = _held(conn, day, rule.custody_kinds)
    verdicts = _verdicts(conn, day, held)
    groups = _groups(conn, held)
    return [
        Member(person_id, rule.category_of(groups.get(person_id, [])))
        for person_id in sorted(held)
        if _accepted(rule, verdicts.get(person_id))
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
    names = _names(conn, [person_id for person_id, _ in stored])
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


# -- comparing editions, and checking one against today's facts ------------------------------

REASONS: dict[str, str] = {
    # why someone left
    "death_in_custody": "died in custody",
    "pardon": "pardoned or amnestied",
    "measure_changed": "measure changed to {detail}",
    "release": "released",
    "end_of_sentence": "sentence served (imprisonment ended; no release or pardon recorded)",
    "assessment_withdrawn": "assessment withdrawn (latest conclusion: {detail})",
    "retracted": "the person's record was retracted",
    "not_recorded": "no longer held (reason not recorded)",
    # why someone joined
    "new_arrest": "new arrest ({detail})",
    "custody_changed": "now held under {detail}",
    "assessment_concluded": "assessment newly concluded (was {detail})",
    "newly_assessed": "already held, newly assessed",
    # either way, when the facts now say the earlier edition should have been otherwise
    "recorded_late": "facts recorded after the edition was published",
    "category": "category changed",
}


@dataclass(frozen=True)
class Change:
    """A person who joined (`before` None), left (`after` None) or changed category, and why."""

    person_id: str
    name: str
    before: str | None
    after: str | None
    reason: str = "category"
    detail: str = ""
    evidence: str = ""  # the id of the record the reason is read from, where there is one

    @property
    def text(self) -> str:
        return REASONS[self.reason].format(detail=self.detail)

    def as_json(self) -> dict[str, Any]:
        return {**vars(self), "text": self.text}


@dataclass(frozen=True)
class Diff:
    a: Edition
    b: Edition
    added: list[Change]
    left: list[Change]
    recategorised: list[Change]

    def as_json(self) -> dict[str, Any]:
        def summary(e: Edition) -> dict[str, Any]:
            return {"id": e.id, "on_date": e.on_date.isoformat(), "rule": e.rule.name, "counts": e.counts}

        return {
            "a": summary(self.a),
            "b": summary(self.b),
            "added": [c.as_json() for c in self.added],
            "left": [c.as_json() for c in self.left],
            "recategorised": [c.as_json() for c in self.recategorised],
        }


@dataclass(frozen=True)
class CheckReport:
    """An edition as stored beside the same day and rule recomputed from today's facts."""

    edition: Edition
    counts: dict[str, int]
    missing: list[Change]  # on the edition, not by today's facts
    extra: list[Change]  # not on the edition, but by today's facts
    recategorised: list[Change]

    @property
    def matches(self) -> bool:
        return not (self.missing or self.extra or self.recategorised)

    def as_json(self) -> dict[str, Any]:
        return {
            "edition": self.edition.id,
            "matches": self.matches,
            "stored_counts": self.edition.counts,
            "recomputed_counts": self.counts,
            "missing": [c.as_json() for c in self.missing],
            "extra": [c.as_json() for c in self.extra],
            "recategorised": [c.as_json() for c in self.recategorised],
        }


def diff(conn: Connection, a: Edition, b: Edition) -> Diff:
    """Who joined, who left and who changed category from edition `a` to the later edition `b`, and why.

    Reasons are read from today's facts dated after `a`'s day up to `b`'s; see docs/list-editions.md.
    """
    if b.on_date < a.on_date:
        raise ValidationError(
            "B", b.id, f"edition B ({b.on_date}) is dated before A ({a.on_date}); give the earlier first"
        )
    before = {m.person_id: m for m in a.members}
    after = {m.person_id: m for m in b.members}
    left_ids = sorted(set(before) - set(after))
    added_ids = sorted(set(after) - set(before))
    facts = _Facts(conn, a, b, [*left_ids, *added_ids])
    return Diff(
        a,
        b,
        added=[facts.why_added(after[i]) for i in added_ids],
        left=[facts.why_left(before[i]) for i in left_ids],
        recategorised=_recategorised(before, after),
    )


def check(conn: Connection, edition: Edition) -> CheckReport:
    """Recompute `edition`'s members from today's facts (its day and rule) and say what differs."""
    stored = {m.person_id: m for m in edition.members}
    now = {m.person_id: m for m in members_on(conn, edition.on_date, edition.rule)}
    names = _names(conn, [i for i in now if i not in stored])
    return CheckReport(
        edition,
        counts=edition.rule.counts(now.values()),
        missing=[
            Change(i, stored[i].name, stored[i].category, None, "recorded_late")
            for i in sorted(set(stored) - set(now))
        ],
        extra=[
            Change(i, names.get(i, ""), None, now[i].category, "recorded_late")
            for i in sorted(set(now) - set(stored))
        ],
        recategorised=_recategorised(stored, now),
    )


def _recategorised(before: Mapping[str, Member], after: Mapping[str, Member]) -> list[Change]:
    return [
        Change(i, after[i].name or before[i].name, before[i].category, after[i].category)
        for i in sorted(set(before) & set(after))
        if before[i].category != after[i].category
    ]


class _Facts:
    """Today's facts about the people who joined or left between two editions, read once."""

    def __init__(self, conn: Connection, a: Edition, b: Edition, ids: Sequence[str]) -> None:
        self.a, self.b = a, b
        window = (a.on_date, b.on_date)
        self.names = _names(conn, ids)
        retracted = sa.select(people.c.id).where(people.c.retracted.is_(True))
        self.retracted = {
            row.id for row in _in_chunks(conn, ids, lambda c: retracted.where(people.c.id.in_(c)))
        }
        self.counted_a = _held(conn, a.on_date, a.rule.custody_kinds, ids)
        self.counted_b = _held(conn, b.on_date, b.rule.custody_kinds, ids)
        self.uncounted_a = _held(conn, a.on_date, HELD_KINDS - set(a.rule.custody_kinds), ids)
        self.uncounted_b = _held(conn, b.on_date, HELD_KINDS - set(b.rule.custody_kinds), ids)
        self.verdicts_a = _verdicts(conn, a.on_date, ids)
        self.verdicts_b = _verdicts(conn, b.on_date, ids)
        types = ("death_in_custody", "pardon_or_amnesty", "release", "arrest")
        self.events = _events_between(conn, window, ids, types)
        self.ended = _periods_between(conn, "end", window, ids, ("imprisonment",))
        self.started = _periods_between(conn, "start", window, ids, b.rule.custody_kinds)

    def why_left(self, member: Member) -> Change:
        person_id = member.person_id
        reason, detail, evidence = self._leaving(person_id)
        return Change(
            person_id, self.names.get(person_id, ""), member.category, None, reason, detail, evidence
        )

    def _leaving(self, person_id: str) -> tuple[str, str, str]:
        events = self.events.get(person_id, {})
        if person_id in self.retracted:
            return "retracted", "", person_id
        if person_id in self.counted_b:  # still held: the assessment is what changed
            verdict = self.verdicts_b.get(person_id)
            if _accepted(self.b.rule, verdict):
                return "recorded_late", "", ""
            return (
                "assessment_withdrawn",
                _label("assessment_conclusion", verdict.conclusion) if verdict else "none in force",
                verdict.id if verdict else "",
            )
        for event_type, reason in (("death_in_custody", "death_in_custody"), ("pardon_or_amnesty", "pardon")):
            if event_type in events:
                return reason, "", events[event_type]
        if person_id in self.uncounted_b:
            return "measure_changed", _label("custody_kind", self.uncounted_b[person_id]), ""
        if "release" in events:
            return "release", "", events["release"]
        if person_id in self.ended:
            return "end_of_sentence", "", self.ended[person_id]
        return "not_recorded", "", ""

    def why_added(self, member: Member) -> Change:
        person_id = member.person_id
        reason, detail, evidence = self._joining(person_id)
        return Change(
            person_id, self.names.get(person_id, ""), None, member.category, reason, detail, evidence
        )

    def _joining(self, person_id: str) -> tuple[str, str, str]:
        kind = self.counted_b.get(person_id, "")
        if person_id not in self.counted_a:
            if person_id in self.uncounted_a:
                return "custody_changed", _label("custody_kind", kind), self.started.get(person_id, "")
            evidence = self.events.get(person_id, {}).get("arrest") or self.started.get(person_id, "")
            return "new_arrest", _label("custody_kind", kind), evidence
        before, now = self.verdicts_a.get(person_id), self.verdicts_b.get(person_id)
        if _accepted(self.a.rule, before):
            return "recorded_late", "", ""
        if before is None:
            return "newly_assessed", "", now.id if now else ""
        return (
            "assessment_concluded",
            _label("assessment_conclusion", before.conclusion),
            now.id if now else "",
        )


def _label(vocabulary_name: str, code: str) -> str:
    """A code's English label in lower case, as it reads inside a reason: "pre-trial detention"."""
    return vocabulary(vocabulary_name).label(code).lower() if code else ""


# -- reading the facts ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Verdict:
    id: str
    conclusion: str


def _accepted(rule: Rule, verdict: _Verdict | None) -> bool:
    if verdict is None:
        return not rule.require_assessment
    return verdict.conclusion in rule.conclusions


def _in_chunks(
    conn: Connection, ids: Collection[str], query: Callable[[Sequence[str]], sa.Select[Any]]
) -> Iterator[Any]:
    """The rows of `query(chunk)` for each chunk of `ids` (SQLite limits a statement's parameters)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), ID_CHUNK):
        yield from conn.execute(query(ordered[start : start + ID_CHUNK]))


def _held(
    conn: Connection, day: date, kinds: Collection[str], ids: Collection[str] | None = None
) -> dict[str, str]:
    """person id -> the custody kind under which they were certainly held on `day` (one of `kinds`)."""
    if not kinds:
        return {}
    periods = queries.current_periods(day, kinds)
    query = sa.select(periods.c.person_id, periods.c.kind)
    if ids is None:
        return {person_id: kind for person_id, kind in conn.execute(query)}
    rows = _in_chunks(conn, ids, lambda chunk: query.where(periods.c.person_id.in_(chunk)))
    return {person_id: kind for person_id, kind in rows}


def _verdicts(conn: Connection, day: date, ids: Collection[str]) -> dict[str, _Verdict]:
    """person id -> their latest live assessment certainly decided by `day` (an undated one counts)."""
    a = assessments
    decided = sa.or_(
        a.c.decided_on_latest <= day,
        sa.and_(
            a.c.decided_on_latest.is_(None),
            sa.or_(a.c.decided_on_earliest.is_(None), a.c.decided_on_earliest <= day),
        ),
    )
    latest_first = (
        a.c.decided_on_earliest.desc().nulls_last(),
        a.c.decided_on_latest.desc().nulls_last(),
        a.c.id.desc(),
    )
    rank = sa.func.row_number().over(partition_by=a.c.person_id, order_by=latest_first).label("rank")

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        ranked = (
            sa.select(a.c.person_id, a.c.id, a.c.conclusion, rank)
            .where(a.c.person_id.in_(chunk), a.c.retracted.is_(False), decided)
            .subquery()
        )
        return sa.select(ranked.c.person_id, ranked.c.id, ranked.c.conclusion).where(ranked.c.rank == 1)

    return {person_id: _Verdict(i, conclusion) for person_id, i, conclusion in _in_chunks(conn, ids, query)}


def _groups(conn: Connection, ids: Collection[str]) -> dict[str, list[str]]:
    pg = person_groups

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return (
            sa.select(pg.c.person_id, pg.c.code)
            .where(pg.c.person_id.in_(chunk))
            .order_by(pg.c.person_id, pg.c.position)
        )

    out: dict[str, list[str]] = {}
    for person_id, code in _in_chunks(conn, ids, query):
        out.setdefault(person_id, []).append(code)
    return out


def _names(conn: Connection, ids: Collection[str]) -> dict[str, str]:
    """person id -> the first name given (the one lists show)."""
    pn = person_names

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return sa.select(pn.c.person_id, pn.c.value).where(pn.c.person_id.in_(chunk), pn.c.position == 0)

    return {person_id: value for person_id, value in _in_chunks(conn, ids, query)}


def _events_between(
    conn: Connection, window: tuple[date, date], ids: Collection[str], types: Sequence[str]
) -> dict[str, dict[str, str]]:
    """person id -> event type -> the id of a live event of theirs (as victim) that may fall in the window.

    The window is after its first day, up to and including its last; an undated event may fall anywhere.
    """
    e, ep = events, event_participants
    after, until = window

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return (
            sa.select(ep.c.person_id, e.c.type, e.c.id)
            .join(e, e.c.id == ep.c.event_id)
            .where(
                ep.c.person_id.in_(chunk),
                ep.c.role == "victim",
                e.c.retracted.is_(False),
                e.c.type.in_(types),
                sa.or_(e.c.date_latest.is_(None), e.c.date_latest > after),
                sa.or_(e.c.date_earliest.is_(None), e.c.date_earliest <= until),
            )
            .order_by(e.c.date_earliest.desc().nulls_last(), e.c.id)
        )

    out: dict[str, dict[str, str]] = {}
    for person_id, event_type, event_id in _in_chunks(conn, ids, query):
        out.setdefault(person_id, {}).setdefault(event_type, event_id)  # the latest of each type
    return out


def _periods_between(
    conn: Connection, bound: str, window: tuple[date, date], ids: Collection[str], kinds: Collection[str]
) -> dict[str, str]:
    """person id -> the id of a live custody period of theirs of `kinds` whose `bound` (start or end)
    may fall in the window (after its first day, up to its last)."""
    cp = custody_periods
    after, until = window
    earliest, latest = cp.c[f"{bound}_earliest"], cp.c[f"{bound}_latest"]

    def query(chunk: Sequence[str]) -> sa.Select[Any]:
        return sa.select(cp.c.person_id, cp.c.id).where(
            cp.c.person_id.in_(chunk),
            cp.c.retracted.is_(False),
            cp.c.kind.in_(sorted(kinds)),
            cp.c[bound].is_not(None),
            sa.or_(latest.is_(None), latest > after),
            sa.or_(earliest.is_(None), earliest <= until),
        )

    return {person_id: period_id for person_id, period_id in _in_chunks(conn, ids, query)}
