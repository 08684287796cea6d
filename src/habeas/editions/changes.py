"""Comparing two editions (who joined, who left and why), and checking one against today's facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from habeas.domain.vocabulary import HELD_KINDS, vocabulary
from habeas.editions import facts
from habeas.editions.published import Edition, Member, members_on
from habeas.errors import ValidationError
from habeas.storage.tables import people

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
    # in what is published, when the record a reason is read from is not public
    "not_public": "reason not public",
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
    names = facts.names(conn, [i for i in now if i not in stored])
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
        self.names = facts.names(conn, ids)
        retracted = sa.select(people.c.id).where(people.c.retracted.is_(True))
        self.retracted = {
            row.id for row in facts.in_chunks(conn, ids, lambda c: retracted.where(people.c.id.in_(c)))
        }
        self.counted_a = facts.held(conn, a.on_date, a.rule.custody_kinds, ids)
        self.counted_b = facts.held(conn, b.on_date, b.rule.custody_kinds, ids)
        self.uncounted_a = facts.held(conn, a.on_date, HELD_KINDS - set(a.rule.custody_kinds), ids)
        self.uncounted_b = facts.held(conn, b.on_date, HELD_KINDS - set(b.rule.custody_kinds), ids)
        self.verdicts_a = facts.verdicts(conn, a.on_date, ids)
        self.verdicts_b = facts.verdicts(conn, b.on_date, ids)
        types = ("death_in_custody", "pardon_or_amnesty", "release", "arrest")
        self.events = facts.events_between(conn, window, ids, types)
        self.ended = facts.periods_between(conn, "end", window, ids, ("imprisonment",))
        self.started = facts.periods_between(conn, "start", window, ids, b.rule.custody_kinds)

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
            if facts.accepted(self.b.rule, verdict):
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
        if facts.accepted(self.a.rule, before):
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
