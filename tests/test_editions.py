"""List editions on every backend: membership by rule, categories, diff reasons, checks, immutability."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from habeas import editions
from habeas.domain.dates import PartialDate
from habeas.domain.records import Assessment, CustodyPeriod, Event, Participant, Person, PersonName
from habeas.errors import UnknownTerm, ValidationError
from habeas.service import Service
from habeas.storage.store import Store
from habeas.storage.tables import custody_periods

A_DAY, B_DAY = date(2024, 1, 31), date(2024, 6, 30)
PACE, WITH_HOUSE_ARREST = editions.RULES["pace"], editions.RULES["pace-with-house-arrest"]


# -- building invented people -------------------------------------------------------------


def person(service: Service, name: str, *groups: str) -> str:
    return service.create(Person(names=[PersonName(value=name)], groups=list(groups)))[0].id


def custody(service: Service, person_id: str, kind: str, start: str, end: str | None = None) -> str:
    period = CustodyPeriod(
        person_id=person_id, kind=kind, start=PartialDate.parse(start), end=end and PartialDate.parse(end)
    )
    return service.create(period)[0].id


def event(service: Service, person_id: str, type_: str, day: str) -> str:
    record = Event(type=type_, date=PartialDate.parse(day), participants=[Participant(person_id=person_id)])
    return service.create(record)[0].id


def assess(service: Service, person_id: str, decided: str, conclusion: str = "political_prisoner") -> str:
    record = Assessment(person_id=person_id, conclusion=conclusion, decided_on=PartialDate.parse(decided))
    return service.create(record)[0].id


def prisoner(
    service: Service, name: str, *groups: str, kind: str = "imprisonment", since: str = "2022"
) -> str:
    """Someone held since `since` and assessed a political prisoner in 2023."""
    person_id = person(service, name, *groups)
    custody(service, person_id, kind, since)
    assess(service, person_id, "2023-01-15")
    return person_id


def members(store: Store, day: date, rule: editions.Rule) -> dict[str, str]:
    with store.reading() as conn:
        return {m.person_id: m.category for m in editions.members_on(conn, day, rule)}


def load(store: Store, edition_id: str) -> editions.Edition:
    with store.reading() as conn:
        return editions.load(conn, edition_id)


# -- membership, categories and counts -------------------------------------------------------


def test_house_arrest_is_on_one_rule_and_not_the_other(store: Store, service: Service) -> None:
    at_home = prisoner(service, "Invented Home", "journalist", kind="house_arrest")
    in_prison = prisoner(service, "Invented Cell", "journalist")
    assert set(members(store, B_DAY, PACE)) == {in_prison}
    assert set(members(store, B_DAY, WITH_HOUSE_ARREST)) == {in_prison, at_home}


def test_assessment_decides_membership_as_the_rule_says(store: Store, service: Service) -> None:
    assessed = prisoner(service, "Invented Assessed")
    unassessed = person(service, "Invented Unassessed")
    custody(service, unassessed, "imprisonment", "2022")
    rejected = person(service, "Invented Rejected")
    custody(service, rejected, "imprisonment", "2022")
    assess(service, rejected, "2023-02", "not_political_prisoner")
    later = person(service, "Invented Later")
    custody(service, later, "imprisonment", "2022")
    assess(service, later, "2024-05-20")  # decided after A's day: not yet in force then
    lenient = editions.rule_from_mapping(
        {
            "custody_kinds": ["imprisonment"],
            "conclusions": ["political_prisoner"],
            "require_assessment": False,
        },
        "lenient",
    )
    assert set(members(store, A_DAY, PACE)) == {assessed}
    assert set(members(store, B_DAY, PACE)) == {assessed, later}
    # Without an assessment required, the unassessed count; a negative conclusion still keeps one off.
    assert set(members(store, A_DAY, lenient)) == {assessed, unassessed, later}


def test_the_latest_assessment_by_the_day_counts(store: Store, service: Service) -> None:
    changing = person(service, "Invented Changing")
    custody(service, changing, "pre_trial_detention", "2023")
    assess(service, changing, "2023-03-01", "under_review")
    assess(service, changing, "2023-09-01")
    assess(service, changing, "2024-03-01", "not_political_prisoner")
    assert changing not in members(store, date(2023, 6, 1), PACE)
    assert changing in members(store, A_DAY, PACE)
    assert changing not in members(store, B_DAY, PACE)


def test_category_is_the_first_of_the_rules_groups(store: Store, service: Service) -> None:
    both = prisoner(service, "Invented Both", "religious_believer", "journalist")
    none = prisoner(service, "Invented None")
    believer = prisoner(service, "Invented Believer", "religious_believer")
    assert members(store, B_DAY, PACE) == {both: "journalist", none: "other", believer: "religious_believer"}
    custom = editions.rule_from_mapping(
        {
            "custody_kinds": "imprisonment",
            "conclusions": ["political_prisoner"],
            "categories": ["religious_believer"],
        },
        "believers-first",
    )
    assert members(store, B_DAY, custom) == {
        both: "religious_believer",
        none: "other",
        believer: "religious_believer",
    }


def test_publish_stores_members_and_counts_that_recomputing_confirms(store: Store, service: Service) -> None:
    for i in range(3):
        prisoner(service, f"Invented Journalist {i}", "journalist")
    prisoner(service, "Invented Defender", "human_rights_defender")
    prisoner(service, "Invented Nobody")
    published = editions.publish(service, B_DAY, PACE, note="test edition")
    assert published.counts == {"journalist": 3, "human_rights_defender": 1, "other": 1}
    assert list(published.counts) == ["journalist", "human_rights_defender", "other"]  # the rule's order
    stored = load(store, published.id)
    assert stored.counts == published.counts and stored.member_count == 5
    assert {m.person_id for m in stored.members} == {m.person_id for m in published.members}
    assert [m.name for m in stored.members][:3] == [f"Invented Journalist {i}" for i in range(3)]
    assert stored.note == "test edition" and stored.rule == PACE and stored.on_date == B_DAY
    with store.reading() as conn:
        report = editions.check(conn, stored)
        assert [e.id for e in editions.list_editions_newest_first(conn)] == [published.id]
    assert report.matches and report.counts == stored.counts


def test_an_empty_edition_can_be_published(store: Store, service: Service) -> None:
    published = editions.publish(service, A_DAY, PACE)
    assert published.member_count == 0 and published.counts == {}
    assert load(store, published.id).members == ()


def test_a_second_edition_of_the_same_day_and_rule_is_kept_as_a_correction(
    store: Store, service: Service
) -> None:
    prisoner(service, "Invented Prisoner")
    first = editions.publish(service, B_DAY, PACE)
    other_rule = editions.publish(service, B_DAY, WITH_HOUSE_ARREST)
    second = editions.publish(service, B_DAY, PACE, note="correction")
    assert first.earlier == () and other_rule.earlier == ()
    assert second.earlier == (first.id,)
    assert load(store, second.id).earlier == (first.id,) and load(store, first.id).earlier == ()


# -- immutability and audit ------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE list_editions SET note = 'changed'",
        "DELETE FROM list_editions",
        "UPDATE list_edition_members SET category = 'other'",
        "DELETE FROM list_edition_members",
    ],
)
def test_the_database_refuses_to_change_an_edition(store: Store, service: Service, statement: str) -> None:
    prisoner(service, "Invented Prisoner", "journalist")
    published = editions.publish(service, B_DAY, PACE)
    with pytest.raises(sa.exc.DBAPIError), store.engine.begin() as conn:
        conn.exec_driver_sql(statement)
    assert load(store, published.id) == published  # members compare by id and category


def test_publishing_is_audited_with_the_members(store: Store, service: Service) -> None:
    member = prisoner(service, "Invented Prisoner", "journalist")
    published = editions.publish(service, B_DAY, PACE, note="audited")
    (version,) = store.history(published.id)
    assert (version["kind"], version["action"], version["note"]) == ("list_edition", "publish", "audited")
    assert f'[["{member}", "journalist"]]' in version["data"]
    assert store.verify_audit().ok


def test_a_failed_publish_writes_nothing(
    store: Store, service: Service, count_rows: Callable[[Store], dict[str, int]]
) -> None:
    member = prisoner(service, "Invented Prisoner")
    before = count_rows(store)
    # An edition id that is already a record's: its audited version clashes after the members are written.
    clashing = Service(store, "tester", new_id=lambda: member)
    with pytest.raises(sa.exc.IntegrityError):
        editions.publish(clashing, B_DAY, PACE)
    assert count_rows(store) == before


# -- diff: every reason -------------------------------------------------------------------------


@pytest.fixture
def story(service: Service) -> dict[str, str]:
    """People whose fate between A (2024-01-31) and B (2024-06-30) shows every reason; their ids by role."""
    s = service
    ids = {"stays": prisoner(s, "Invented Stays", "journalist")}
    ids["released"] = prisoner(s, "Invented Released", "human_rights_defender")
    _end(s, ids["released"], "2024-03-10")
    ids["release_event"] = event(s, ids["released"], "release", "2024-03-10")
    ids["pardoned"] = prisoner(s, "Invented Pardoned", "opposition_party_member")
    _end(s, ids["pardoned"], "2024-05-01")
    ids["pardon_event"] = event(s, ids["pardoned"], "pardon_or_amnesty", "2024-05-01")
    ids["served"] = person(s, "Invented Served", "civil_society_activist")
    ids["served_period"] = custody(s, ids["served"], "imprisonment", "2021-02-01", "2024-02-01")
    assess(s, ids["served"], "2022")
    ids["died"] = prisoner(s, "Invented Died", "religious_believer")
    _end(s, ids["died"], "2024-04-04")
    ids["death_event"] = event(s, ids["died"], "death_in_custody", "2024-04-04")
    ids["home"] = person(s, "Invented Home", "journalist")
    custody(s, ids["home"], "pre_trial_detention", "2023-09-01", "2024-04-01")
    custody(s, ids["home"], "house_arrest", "2024-04-01")
    assess(s, ids["home"], "2023-10")
    ids["withdrawn"] = prisoner(s, "Invented Withdrawn", "blogger")
    ids["withdrawal"] = assess(s, ids["withdrawn"], "2024-05-01", "not_political_prisoner")
    ids["vanished"] = person(s, "Invented Vanished")
    custody(s, ids["vanished"], "pre_trial_detention", "2023-01-01", "2024-02-15")
    assess(s, ids["vanished"], "2023-02")
    ids["arrested"] = person(s, "Invented Arrested", "journalist")
    ids["arrest_event"] = event(s, ids["arrested"], "arrest", "2024-03-01")
    custody(s, ids["arrested"], "pre_trial_detention", "2024-03-01")
    assess(s, ids["arrested"], "2024-04-01")
    ids["assessed"] = person(s, "Invented Assessed")
    custody(s, ids["assessed"], "imprisonment", "2022")
    ids["first_assessment"] = assess(s, ids["assessed"], "2024-03-01")
    ids["concluded"] = person(s, "Invented Concluded")
    custody(s, ids["concluded"], "imprisonment", "2022")
    assess(s, ids["concluded"], "2023-01", "under_review")
    ids["conclusion"] = assess(s, ids["concluded"], "2024-03-01")
    ids["moved"] = person(s, "Invented Moved", "lawyer")
    custody(s, ids["moved"], "house_arrest", "2023-06", "2024-03-01")
    custody(s, ids["moved"], "imprisonment", "2024-03-01")
    assess(s, ids["moved"], "2023-07")
    ids["regrouped"] = prisoner(s, "Invented Regrouped", "religious_believer")
    ids["retracted"] = prisoner(s, "Invented Retracted", "academic")
    return ids


def _end(service: Service, person_id: str, day: str) -> None:
    """End the person's open imprisonment (from `prisoner`) on `day`."""
    cp = custody_periods
    with service.store.reading() as conn:
        query = sa.select(cp.c.id).where(cp.c.person_id == person_id, cp.c.kind == "imprisonment")
        period_id = conn.execute(query).scalar_one()
    service.update("custody_period", period_id, end=PartialDate.parse(day))


def _publish_a_then_b(
    store: Store, service: Service, story: dict[str, str], rule: editions.Rule
) -> editions.Diff:
    a = editions.publish(service, A_DAY, rule)
    service.update("person", story["regrouped"], groups=["journalist", "religious_believer"])
    service.retract("person", story["retracted"], "entered by mistake")
    late = prisoner(service, "Invented Late", "journalist", since="2023-12-01")  # recorded after A
    story["late"] = late
    b = editions.publish(service, B_DAY, rule)
    with store.reading() as conn:
        return editions.diff(conn, editions.load(conn, a.id), editions.load(conn, b.id))


def test_diff_says_why_each_person_left(store: Store, service: Service, story: dict[str, str]) -> None:
    result = _publish_a_then_b(store, service, story, PACE)
    left = {story_role(story, c.person_id): (c.reason, c.detail, c.evidence) for c in result.left}
    assert left == {
        "released": ("release", "", story["release_event"]),
        "pardoned": ("pardon", "", story["pardon_event"]),
        "served": ("end_of_sentence", "", story["served_period"]),
        "died": ("death_in_custody", "", story["death_event"]),
        "home": ("measure_changed", "house arrest", ""),
        "withdrawn": ("assessment_withdrawn", "not a political prisoner", story["withdrawal"]),
        "vanished": ("not_recorded", "", ""),
        "retracted": ("retracted", "", story["retracted"]),
    }
    texts = {story_role(story, c.person_id): c.text for c in result.left}
    assert texts["home"] == "measure changed to house arrest"
    assert texts["vanished"] == "no longer held (reason not recorded)"
    assert all(c.name.startswith("Invented ") for c in result.left)


def test_diff_says_why_each_person_joined(store: Store, service: Service, story: dict[str, str]) -> None:
    result = _publish_a_then_b(store, service, story, PACE)
    added = {story_role(story, c.person_id): (c.reason, c.detail, c.evidence) for c in result.added}
    assert added == {
        "arrested": ("new_arrest", "pre-trial detention", story["arrest_event"]),
        "assessed": ("newly_assessed", "", story["first_assessment"]),
        "concluded": ("assessment_concluded", "under review", story["conclusion"]),
        "moved": ("custody_changed", "imprisonment", added["moved"][2]),
        "late": ("recorded_late", "", ""),
    }
    assert added["moved"][2]  # the imprisonment period that began in between
    (regrouped,) = result.recategorised
    assert (regrouped.person_id, regrouped.before, regrouped.after) == (
        story["regrouped"],
        "religious_believer",
        "journalist",
    )
    assert result.a.member_count - len(result.left) + len(result.added) == result.b.member_count


def test_a_rule_that_counts_house_arrest_keeps_that_person(
    store: Store, service: Service, story: dict[str, str]
) -> None:
    result = _publish_a_then_b(store, service, story, WITH_HOUSE_ARREST)
    assert story["home"] not in {c.person_id for c in result.left}
    # Under house arrest on A already, so under this rule "moved" was on both editions.
    assert story["moved"] not in {c.person_id for c in [*result.left, *result.added]}


def test_check_reports_late_information_and_the_stored_edition_stays(
    store: Store, service: Service, story: dict[str, str]
) -> None:
    a = editions.publish(service, A_DAY, PACE)
    late = prisoner(service, "Invented Late", "journalist", since="2023-12-01")
    service.retract("person", story["stays"], "duplicate")
    with store.reading() as conn:
        report = editions.check(conn, editions.load(conn, a.id))
    assert not report.matches
    assert [c.person_id for c in report.extra] == [late]
    assert [c.person_id for c in report.missing] == [story["stays"]]
    assert report.counts["journalist"] == a.counts["journalist"]  # one in, one out
    assert load(store, a.id).counts == a.counts and load(store, a.id).member_count == a.member_count


def story_role(story: dict[str, str], person_id: str) -> str:
    return next(role for role, value in story.items() if value == person_id)


# -- bad input ---------------------------------------------------------------------------------


def test_an_unknown_rule_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="pace, pace-with-house-arrest"):
        editions.resolve_rule("amnesty")


def test_a_rule_file_is_read_and_validated(tmp_path: Path) -> None:
    good = tmp_path / "ours.yaml"
    good.write_text(
        "description: Our list\n"
        "custody_kinds: [imprisonment, house_arrest]\n"
        "conclusions: [political_prisoner, politically_persecuted]\n"
        "require_assessment: false\n"
        "categories: [journalist]\n",
        encoding="utf-8",
    )
    rule = editions.resolve_rule(str(good))
    assert rule.name == "ours" and rule.custody_kinds == ("imprisonment", "house_arrest")
    assert rule.conclusions == ("political_prisoner", "politically_persecuted")
    assert not rule.require_assessment and rule.categories == ("journalist",)


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        (
            "custody_kinds: [prison]\nconclusions: [political_prisoner]\n",
            "rule.custody_kinds",
            "imprisonment",
        ),
        ("custody_kinds: [imprisonment]\nconclusions: [yes]\n", "rule.conclusions", "political_prisoner"),
        (
            "custody_kinds: [imprisonment]\nconclusions: [political_prisoner]\ncategories: [poet]\n",
            "rule.categories",
            "journalist",
        ),
        (
            "custody_kinds: [imprisonment]\nconclusions: [political_prisoner]\nkinds: [x]\n",
            "rule.kinds",
            "custody_kinds",
        ),
        ("custody_kinds: []\nconclusions: [political_prisoner]\n", "rule.custody_kinds", "give a list"),
        ("custody_kinds: [imprisonment]\n", "rule.conclusions", "give a list"),
        (
            "custody_kinds: [imprisonment]\nconclusions: [political_prisoner]\nrequire_assessment: maybe\n",
            "rule.require_assessment",
            "true or false",
        ),
        (
            "name: pace\ncustody_kinds: [imprisonment]\nconclusions: [political_prisoner]\n",
            "rule.name",
            "taken",
        ),
        ("custody_kinds: [imprisonment\n", "rule", "not valid YAML at line"),
        ("- imprisonment\n", "rule", "a rule is a mapping"),
    ],
)
def test_a_bad_rule_file_is_refused_naming_the_key(tmp_path: Path, text: str, field: str, says: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=says) as caught:
        editions.resolve_rule(str(path))
    assert caught.value.field == field
    if field in ("rule.custody_kinds", "rule.conclusions", "rule.categories") and "give a list" not in says:
        assert isinstance(caught.value, UnknownTerm)


def test_a_missing_rule_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        editions.resolve_rule(str(tmp_path / "absent.yaml"))


def test_unknown_edition_and_reversed_diff_are_refused(store: Store, service: Service) -> None:
    a = editions.publish(service, A_DAY, PACE)
    b = editions.publish(service, B_DAY, PACE)
    with store.reading() as conn:
        with pytest.raises(ValidationError, match="habeas list editions"):
            editions.load(conn, "01JD8X6V0Q4ZC2M8E5T2W9H1AB")
        with pytest.raises(ValidationError, match="give the earlier first"):
            editions.diff(conn, editions.load(conn, b.id), editions.load(conn, a.id))
