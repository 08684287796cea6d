"""Invented demo data: people, cases, custody, hearings, reprisals and sources, plus one real example.

`demo_records(people, seed, today)` streams the records in dependency order
(organisations and sources first, then one person or group case at a time),
the same records and ids for the same arguments; `generate` writes them all
in one transaction through the service layer. Everything is invented except
the courts and places of detention (real public institutions, with invented
cases) and Amnesty International's statement of 24 January 2025
(`habeas.demo.amnesty`).
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar

from habeas.demo import amnesty
from habeas.demo.names import FullName, invent_name
from habeas.domain.dates import PartialDate
from habeas.domain.records import (
    Affiliation,
    Assessment,
    Case,
    Charge,
    Citation,
    CustodyPeriod,
    Event,
    Intervention,
    Organisation,
    Participant,
    Person,
    Record,
    Relationship,
    Source,
    StatusChange,
)
from habeas.errors import ConflictError, ValidationError
from habeas.service import Service

__all__ = ["DemoGenerator", "DemoSummary", "demo_records", "estimate_records", "generate"]

T = TypeVar("T")


@dataclass(frozen=True)
class DemoSummary:
    """What `generate` wrote: `people` invented people documented, `records` records in all."""

    people: int
    records: int


def generate(
    service: Service,
    people: int = 300,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Write the demo data in one transaction; `progress` gets the number of records written per batch."""
    day = today or date.today()
    records = demo_records(people, seed, day)  # checks `people` before anything is read or written
    with service.store.reading() as conn:
        if service.store.get_many("source", [amnesty.SOURCE_ID], conn):
            raise ConflictError("the demo data is already in this database; load it into a new, empty one")
    written = service.create_many(records, progress=progress)
    return DemoSummary(people=people, records=written)


def demo_records(people: int, seed: int, today: date) -> Iterator[Record]:
    """The demo's records, deterministic for (people, seed, today); streamed, never all in memory.

    Every record comes after the records it refers to, so the stream can go straight to
    `Service.create_many`.
    """
    return DemoGenerator(people, seed, today).records()


# Measured over 20,000 people: records per documented person, and the fixed part (institutions,
# organisations, sources, the real example) besides the pools of judges, lawyers and monitors.
RECORDS_PER_PERSON = 31.5
FIXED_RECORDS = 210


def estimate_records(people: int) -> int:
    """About how many records `generate` writes for `people` (for a progress bar's total)."""
    judges, lawyers, monitors = _pool_sizes(people)
    return FIXED_RECORDS + judges + lawyers + monitors + round(people * RECORDS_PER_PERSON)


# -- ids and random choices ---------------------------------------------------------------------

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # every 10-bit value as two characters
_ID_EPOCH_MS = 1_577_836_800_000  # 2020-01-01T00:00:00Z


class UlidFactory:
    """ULIDs from a seeded generator: a millisecond stamp one step apart per id, then 80 random bits.

    The stamps make the ids unique and ascending (kind to the database's indexes); the random
    part comes from `rng`, so the same seed gives the same ids.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        value = ((_ID_EPOCH_MS + self.count) << 80) | self.rng.getrandbits(80)
        return "".join(_PAIRS[(value >> shift) & 1023] for shift in range(120, -1, -10))


class Weighted(Generic[T]):
    """A weighted choice among items, its cumulative weights computed once."""

    def __init__(self, weights: Iterable[tuple[T, float]]) -> None:
        pairs = list(weights)
        self.items = [item for item, _ in pairs]
        self.cumulative = list(itertools.accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# -- real institutions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    place: str
    district_courts: tuple[str, ...]
    grave_crimes_court: str
    appeal_court: str
    pretrial_facility: str


_BAKU_PRETRIAL = "Baku Pre-trial Detention Facility No. 1"
_GANJA_PRETRIAL = "Ganja Pre-trial Detention Facility No. 2"
REGIONS = Weighted(
    [
        (Region("Baku", ("Khatai District Court", "Sabail District Court", "Nasimi District Court",
                         "Narimanov District Court", "Yasamal District Court", "Binagadi District Court",
                         "Nizami District Court", "Sabunchu District Court", "Khazar District Court"),
                "Baku Grave Crimes Court", "Baku Court of Appeal", _BAKU_PRETRIAL), 62),
        (Region("Ganja", ("Ganja Kapaz District Court", "Ganja Nizami District Court"),
                "Ganja Grave Crimes Court", "Ganja Court of Appeal", _GANJA_PRETRIAL), 10),
        (Region("Sumgait", ("Sumgait City Court",), "Sumgait Grave Crimes Court", "Sumgait Court of Appeal",
                _BAKU_PRETRIAL), 8),
        (Region("Lankaran", ("Lankaran District Court", "Masalli District Court", "Astara District Court"),
                "Lankaran Grave Crimes Court", "Lankaran Court of Appeal", _BAKU_PRETRIAL), 9),
        (Region("Shaki", ("Shaki District Court", "Zagatala District Court"), "Shaki Grave Crimes Court",
                "Shaki Court of Appeal", _GANJA_PRETRIAL), 6),
        (Region("Shirvan", ("Shirvan City Court", "Salyan District Court"), "Shirvan Grave Crimes Court",
                "Shirvan Court of Appeal", _BAKU_PRETRIAL), 5),
    ]
)  # fmt: skip
SUPREME_COURT = "Supreme Court of the Republic of Azerbaijan"
PRISONS = (
    "Penitentiary Institution No. 2", "Penitentiary Institution No. 6", "Penitentiary Institution No. 11",
    "Penitentiary Institution No. 12", "Penitentiary Institution No. 13", "Penitentiary Institution No. 14",
    "Penitentiary Institution No. 15", "Penitentiary Institution No. 17", "Gobustan Prison",
)  # fmt: skip
WOMEN_PRISON = "Penitentiary Institution No. 4"
PSYCHIATRIC_HOSPITAL = "Republican Psychiatric Hospital No. 1"
_REAL_NOTE = "A real public institution; the demo's cases here are invented."

# -- invented organisations: (name, kind, place, [(status, since)]) ------------------------------

_INVENTED_NOTE = "Invented for the habeas demo; any likeness to a real organisation is coincidental."
OUTLETS = (
    ("Caspian Window", "Baku", [("active", "2009"), ("closed", "2023-11")]),
    ("Open Pen Media", "Baku", [("active", "2012~"), ("in_exile", "2016-02")]),
    ("Sahil Online", "Baku", [("active", "2014")]),
    ("Kür Dalğası TV", "Ganja", [("active", "2011"), ("liquidated", "2024-03")]),
    ("North Wind Press", "Shaki", [("active", "2015")]),
    ("Baku Ledger", "Baku", [("active", "2008"), ("closed", "2014-12")]),
    ("Mountain Echo", "Lankaran", [("active", "2017"), ("in_exile", "2020-07")]),
    ("Third Bridge Media", "Baku", [("active", "2019"), ("closed", "2024-01")]),
    ("Clear Sky News", "Sumgait", [("active", "2013")]),
    ("Lankaran Letter", "Lankaran", [("active", "2010"), ("closed", "2015-05")]),
)
NGOS = (
    ("Transparent Courts Watch", "Baku", [("active", "2006"), ("liquidated", "2014-09")]),
    ("Centre for Conscience and Law", "Baku", [("active", "2004"), ("in_exile", "2015-01")]),
    ("Ganja Youth Dialogue", "Ganja", [("active", "2010"), ("closed", "2014-06")]),
    ("Lankaran Civic Forum", "Lankaran", [("active", "2012")]),
    ("Women's Voice Network", "Baku", [("active", "2011"), ("closed", "2023-12")]),
    ("Prisoners' Families Circle", "Baku", [("active", "2013")]),
    ("Institute for Free Expression Studies", "Baku", [("active", "2007"), ("liquidated", "2024-05")]),
    ("Caspian Rights Clinic", "Sumgait", [("active", "2016"), ("in_exile", "2023-12")]),
)
PARTIES = (
    ("Democratic Renewal Party", "political_party", [("active", "1995")]),
    ("Free Citizens' Union", "political_party", [("active", "2008")]),
    ("Young Horizon Movement", "movement", [("active", "2011"), ("closed", "2013-03")]),
    ("Movement for Fair Elections", "movement", [("active", "2018")]),
)
COMMUNITIES = ("Sahil Mosque Community", "Nur-ul Huda Study Circle", "Qala Village Mosque Community")
LIST_PUBLISHER = "Centre for Conscience and Law"
MONITORING_PUBLISHER = "Transparent Courts Watch"
ASSESSING_BODY = "Working group on the list of political prisoners (demo)"

# -- groups, stories, charges -------------------------------------------------------------------

GROUPS = Weighted(
    [
        ("religious_believer", 32), ("opposition_party_member", 18), ("civil_society_activist", 11),
        ("journalist", 10), ("blogger", 5), ("human_rights_defender", 6), ("peaceful_protester", 7),
        ("national_minority_activist", 3), ("anti_war_activist", 2), ("academic", 2), ("lawyer", 1),
        ("other", 3),
    ]
)  # fmt: skip
SECOND_GROUP = {
    "journalist": "blogger",
    "blogger": "journalist",
    "civil_society_activist": "peaceful_protester",
    "opposition_party_member": "peaceful_protester",
    "human_rights_defender": "lawyer",
    "peaceful_protester": "civil_society_activist",
    "academic": "civil_society_activist",
    "anti_war_activist": "academic",
    "national_minority_activist": "academic",
    "lawyer": "human_rights_defender",
    "other": "peaceful_protester",
}
# Which kind of story each group's cases follow: criminal trial, administrative detention,
# exile, travel ban, house arrest.
_STORY_MIX: dict[str, tuple[int, int, int, int, int]] = {
    "religious_believer": (76, 12, 2, 4, 6),
    "opposition_party_member": (55, 25, 6, 6, 8),
    "civil_society_activist": (58, 14, 10, 10, 8),
    "journalist": (62, 8, 14, 8, 8),
    "blogger": (55, 15, 18, 6, 6),
    "human_rights_defender": (55, 5, 15, 15, 10),
    "peaceful_protester": (30, 65, 1, 2, 2),
    "national_minority_activist": (75, 5, 10, 5, 5),
    "anti_war_activist": (45, 25, 20, 5, 5),
    "academic": (60, 0, 15, 20, 5),
    "lawyer": (40, 0, 20, 25, 15),
    "other": (60, 20, 5, 10, 5),
}
STORIES = {
    group: Weighted(
        zip(("criminal", "administrative", "exile", "travel_ban", "house_arrest"), mix, strict=True)
    )
    for group, mix in _STORY_MIX.items()
}


@dataclass(frozen=True)
class Article:
    code: str
    article: str
    label: str
    low: int  # the shortest and longest usual sentence, in months (days for CAO)
    high: int


_ARTICLES = {
    a.article: a
    for a in (
        Article("CC", "206.3.2", "smuggling by a group", 60, 96),
        Article("CC", "234.4.3", "drug possession for sale, large amount", 60, 144),
        Article("CC", "228.1", "illegal weapons", 12, 36),
        Article("CC", "221.3", "hooliganism with a weapon", 36, 84),
        Article("CC", "233", "organising actions that violate public order", 6, 36),
        Article("CC", "283.2.2", "inciting hatred by a group", 36, 60),
        Article("CC", "167-2.2.1", "religious literature, by a group", 24, 60),
        Article("CC", "192.2.2", "illegal entrepreneurship, large income", 24, 60),
        Article("CC", "193-1.3.2", "money laundering, large amount", 60, 96),
        Article("CC", "213.1", "tax evasion", 12, 36),
        Article("CC", "320.1", "forgery", 6, 24),
        Article("CC", "320.2", "use of a forged document", 6, 12),
        Article("CC", "315.2", "violence against a public official", 36, 84),
        Article("CC", "220.1", "organising mass disorder", 48, 120),
        Article("CC", "274", "high treason", 144, 216),
        Article("CC", "281.2", "public calls against the state, repeated", 36, 96),
        Article("CC", "178.3.2", "fraud, large amount", 60, 96),
        Article("CC", "179.3.2", "embezzlement, large amount", 60, 96),
    )
}
ADMINISTRATIVE_ARTICLES = Weighted(
    [
        (Article("CAO", "535.1", "failure to obey a lawful police order", 10, 30), 70),
        (Article("CAO", "510", "petty hooliganism", 5, 30), 30),
    ]
)
_FINANCIAL = (
    ("192.2.2", 20),
    ("193-1.3.2", 15),
    ("206.3.2", 20),
    ("213.1", 15),
    ("320.1", 10),
    ("178.3.2", 10),
    ("179.3.2", 5),
    ("234.4.3", 5),
)
_ARTICLE_MIX: dict[str, Sequence[tuple[str, int]]] = {
    "religious_believer": (("234.4.3", 35), ("228.1", 20), ("167-2.2.1", 15), ("283.2.2", 10),
                           ("220.1", 8), ("315.2", 7), ("221.3", 5)),
    "opposition_party_member": (("234.4.3", 25), ("221.3", 15), ("233", 15), ("228.1", 10), ("315.2", 10),
                                ("220.1", 10), ("320.1", 5), ("213.1", 5)),
    "civil_society_activist": _FINANCIAL,
    "human_rights_defender": _FINANCIAL,
    "journalist": (("206.3.2", 35), ("192.2.2", 15), ("193-1.3.2", 12), ("213.1", 12), ("320.1", 8),
                   ("234.4.3", 8), ("221.3", 5), ("178.3.2", 5)),
    "peaceful_protester": (("233", 40), ("221.3", 20), ("315.2", 20), ("220.1", 10), ("234.4.3", 10)),
    "national_minority_activist": (("274", 30), ("283.2.2", 25), ("281.2", 25), ("234.4.3", 10),
                                   ("228.1", 10)),
    "anti_war_activist": (("281.2", 40), ("283.2.2", 20), ("233", 20), ("234.4.3", 20)),
    "academic": (("274", 40), ("281.2", 20), ("206.3.2", 20), ("179.3.2", 20)),
    "lawyer": (("178.3.2", 30), ("192.2.2", 20), ("320.1", 20), ("193-1.3.2", 15), ("206.3.2", 15)),
    "other": (("234.4.3", 30), ("221.3", 20), ("178.3.2", 20), ("228.1", 15), ("213.1", 15)),
}  # fmt: skip
_ARTICLE_MIX["blogger"] = _ARTICLE_MIX["journalist"]
ARTICLES = {
    group: Weighted((_ARTICLES[number], weight) for number, weight in mix)
    for group, mix in _ARTICLE_MIX.items()
}
_ABSENTIA_ARTICLES = Weighted([(_ARTICLES["281.2"], 40), (_ARTICLES["206.3.2"], 30), (_ARTICLES["274"], 30)])

PACE_CRITERIA = (
    "fundamental_guarantee_violated",
    "purely_political_no_offence",
    "disproportionate_for_political_motives",
    "discriminatory",
    "unfair_proceedings_political",
)
RELATIVE_TYPES = Weighted([("spouse", 40), ("parent", 20), ("sibling", 30), ("child", 10)])
REPRISALS = Weighted(
    [("travel_ban_imposed", 35), ("assets_frozen", 20), ("smear_campaign", 30), ("dismissal", 15)]
)
CONDITIONS = (  # event type, chance per person held, text
    ("hunger_strike", 0.08, "Began a hunger strike in protest at the charges."),
    ("medical_care_denied", 0.10, "Requests for treatment by an independent doctor were refused."),
    ("lawyer_access_denied", 0.12, "The lawyer was not allowed to meet the detainee for several days."),
    ("family_contact_denied", 0.05, "Family visits and telephone calls were stopped."),
    ("ill_treatment_alleged", 0.06, "Reported being beaten during questioning."),
    ("monitor_access_denied", 0.04, "Monitors asking to visit were turned away at the gate."),
)
HEARING_SLOTS = (time(10), time(10, 30), time(11), time(11, 30), time(12), time(14), time(14, 30), time(15))
TRIAL_NOTES = (
    "Adjourned.",
    "Prosecution witnesses heard.",
    "Defence motions rejected.",
    "Documents of the case examined.",
    "Adjourned: the defendant was not brought to court.",
    "Closing speeches of the parties.",
)
MONITORING = Weighted(
    [("", 55), ("attended", 20), ("refused_entry", 12), ("closed_hearing", 8), ("postponed", 5)]
)
# Arrest dates: spread over the years, crowded around crackdowns (the COP29 one heaviest).
_WAVES = (
    ("2005-01-01", None, 45), ("2012-02-01", "2012-06-30", 4), ("2013-04-01", "2013-12-31", 5),
    ("2014-05-01", "2015-06-30", 8), ("2015-11-01", "2016-03-31", 4), ("2017-01-01", "2017-12-31", 3),
    ("2020-07-01", "2021-06-30", 3), ("2023-11-15", None, 25),
)  # fmt: skip


def _pool_sizes(people: int) -> tuple[int, int, int]:
    """How many invented judges, lawyers and monitors serve `people` documented people."""
    return min(12 + people // 300, 3000), min(20 + people // 200, 5000), min(6 + people // 1000, 1000)


# -- the generator ---------------------------------------------------------------------------------


@dataclass
class Subject:
    """A documented (invented) person while their records are being made."""

    id: str
    name: FullName
    sex: str
    groups: list[str]
    region: Region
    public: bool
    lawyer: str | None
    sources: list[tuple[str, bool]] = field(default_factory=list)  # (source id, public)


@dataclass
class Trial:
    """A case's shared course: who, which court and judge, and the days it happened."""

    case_id: str
    court: str
    judge: str
    hearings: list[date]
    verdict: date


class DemoGenerator:
    """Makes the demo records: `records()` yields them all, `setup()` then `people_records()`."""

    def __init__(self, people: int, seed: int, today: date) -> None:
        if isinstance(people, bool) or not isinstance(people, int) or people < 0:
            raise ValidationError("people", people, "give a whole number of people, 0 or more")
        self.people = people
        self.today = today
        self.last_arrest = today - timedelta(days=2)
        self.rng = random.Random(seed)
        self.new_id = UlidFactory(self.rng)
        self.orgs: dict[str, str] = {}  # name -> id
        self.outlets: list[str] = []
        self.ngos: list[str] = []
        self.parties: list[str] = []
        self.communities: list[str] = []
        self.pool_sources: list[tuple[date, str, bool]] = []  # (published, id, public), by date
        self.judges: list[str] = []
        self.lawyers: list[str] = []
        self.monitors: list[str] = []
        waves = []
        for start, end, weight in _WAVES:
            first = min(date.fromisoformat(start), self.last_arrest)
            last = min(date.fromisoformat(end), self.last_arrest) if end else self.last_arrest
            waves.append(((first, last), weight))
        self.waves = Weighted(waves)

    def records(self) -> Iterator[Record]:
        yield from self.setup()
        yield from self.people_records()

    # -- small helpers -----------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def day_after(self, since: date, days: int, last: date | None = None) -> date | None:
        """A day from `days` after `since` up to `last` (or today), never after today; None if none."""
        first, last = since + timedelta(days=days), min(last or self.today, self.today)
        return None if first > last else self.day_between(first, last)

    def visibility(self, public: bool, p_public: float = 0.8) -> str:
        return "public" if public and self.chance(p_public) else "restricted"

    def arrest_day(self) -> date:
        first, last = self.waves.pick(self.rng)
        return self.day_between(first, last)

    # -- setup: organisations, sources, the pools of judges, lawyers and monitors ---------------

    def setup(self) -> Iterator[Record]:
        yield from amnesty.amnesty_records()
        yield from self._institutions()
        yield from self._invented_organisations()
        yield from self._pool_sources()
        yield from self._organisation_closures()
        judges, lawyers, monitors = _pool_sizes(self.people)
        for pool, size, occupation, visibility in (
            (self.judges, judges, "judge", "public"),
            (self.lawyers, lawyers, "lawyer", "restricted"),
            (self.monitors, monitors, "trial monitor", "confidential"),
        ):
            for _ in range(size):
                sex = "female" if self.chance(0.3) else "male"
                person = Person(
                    id=self.new_id(),
                    names=invent_name(self.rng, sex).person_names(),
                    sex=sex,
                    occupation=occupation,
                    visibility=visibility,
                )
                pool.append(person.id)
                yield person

    def _organisation(
        self, name: str, kind: str, place: str, statuses: Sequence[tuple[str, str]] = ()
    ) -> Record:
        org = Organisation(
            id=self.new_id(),
            name=name,
            kind=kind,
            place=place,
            statuses=[StatusChange(status=s, since=PartialDate.parse(since)) for s, since in statuses],
            notes=_INVENTED_NOTE if statuses or kind == "religious_community" else _REAL_NOTE,
            visibility="public",
        )
        self.orgs[name] = org.id
        return org

    def _institutions(self) -> Iterator[Record]:
        for region in REGIONS.items:
            for court in (*region.district_courts, region.grave_crimes_court, region.appeal_court):
                if court not in self.orgs:
                    yield self._organisation(court, "court", region.place)
            if region.pretrial_facility not in self.orgs:
                yield self._organisation(region.pretrial_facility, "detention_facility", region.place)
        yield self._organisation(SUPREME_COURT, "court", "Baku")
        for prison in (*PRISONS, WOMEN_PRISON):
            yield self._organisation(prison, "detention_facility", "")
        yield self._organisation(PSYCHIATRIC_HOSPITAL, "detention_facility", "Baku")

    def _invented_organisations(self) -> Iterator[Record]:
        for name, place, statuses in OUTLETS:
            yield self._organisation(name, "media_outlet", place, statuses)
            self.outlets.append(name)
        for name, place, statuses in NGOS:
            yield self._organisation(name, "ngo", place, statuses)
            self.ngos.append(name)
        for name, kind, statuses in PARTIES:
            yield self._organisation(name, kind, "Baku", statuses)
            self.parties.append(name)
        for name in COMMUNITIES:
            yield self._organisation(name, "religious_community", "")
            self.communities.append(name)

    def _pool_sources(self) -> Iterator[Record]:
        """Editions of a list, monitoring bulletins and official statements, cited all through."""
        edition = 0
        for year in range(2010, self.today.year + 1):
            for month in (1, 4, 7, 10):
                if date(year, month, 1) <= self.today:
                    edition += 1
                    title = f"List of political prisoners in Azerbaijan, edition {edition}"
                    yield self._pool_source(title, "report", LIST_PUBLISHER, f"{year}-{month:02d}-01", "B2")
            for month in (6, 12):
                if date(year, month, 20) <= self.today:
                    title = f"Trial monitoring bulletin, {year}-{month:02d}"
                    yield self._pool_source(
                        title, "report", MONITORING_PUBLISHER, f"{year}-{month:02d}", "B2"
                    )
            if date(year, 3, 31) <= self.today:
                title = f"Press release on criminal cases, {year}"
                publisher = "Prosecutor General's Office (invented release)"
                yield self._pool_source(title, "official_statement", publisher, f"{year}-03", "C4")
        self.pool_sources.sort()

    def _pool_source(self, title: str, kind: str, publisher: str, published: str, grade: str) -> Source:
        source = Source(
            id=self.new_id(),
            title=title,
            kind=kind,
            publisher=publisher,
            published=PartialDate.parse(published),
            language="az",
            reliability=grade[0],
            credibility=grade[1],
            visibility="public",
            text="Invented for the habeas demo.",
        )
        assert source.published.earliest is not None
        self.pool_sources.append((source.published.earliest, source.id, True))
        return source

    def _organisation_closures(self) -> Iterator[Record]:
        for name, _, statuses in (*OUTLETS, *NGOS):
            for status, since in statuses:
                if status in ("closed", "liquidated"):
                    how = "Liquidated by court order." if status == "liquidated" else "Forced to close."
                    event = Event(
                        id=self.new_id(),
                        type="organisation_closed",
                        date=PartialDate.parse(since),
                        organisation_id=self.orgs[name],
                        outcome=how,
                        visibility="public",
                    )
                    yield event
                    yield from self.cite(event, [], event.date.earliest or self.today, p=0.9)

    # -- citations ----------------------------------------------------------------------------

    def cite(
        self, record: Record, own: Sequence[tuple[str, bool]], when: date, p: float = 0.85
    ) -> list[Record]:
        """Usually one citation (sometimes two) of `record`: to a source about the person, or to a
        general source published on or after `when`; none at all with probability 1 - p."""
        if not (own or self.pool_sources) or not self.chance(p):
            return []
        out: list[Record] = []
        for _ in range(2 if self.chance(0.1) else 1):
            if own and (not self.pool_sources or self.chance(0.6)):
                source_id, public = self.pick(own)
            else:
                at = bisect.bisect_left(self.pool_sources, (when,))
                _, source_id, public = self.pool_sources[
                    min(at + self.rng.randrange(3), len(self.pool_sources) - 1)
                ]
            out.append(
                Citation(
                    id=self.new_id(),
                    source_id=source_id,
                    target_kind=record.KIND,
                    target_id=record.id,
                    locator=self.pick(("entry ", "para. ", "p. ")) + str(self.rng.randint(1, 400)),
                    visibility="public" if public and record.visibility == "public" else "confidential",
                )
            )
        return out

    # -- people ---------------------------------------------------------------------------------

    def people_records(self) -> Iterator[Record]:
        """The documented people, a person or a group case at a time."""
        done, next_psychiatric = 0, 50
        while done < self.people:
            group = GROUPS.pick(self.rng)
            story = STORIES[group].pick(self.rng)
            if done >= next_psychiatric:
                story = "psychiatric"  # rare: one person in a hundred
                next_psychiatric += 100
            size = 1
            if story in ("criminal", "house_arrest") and self.chance(0.2):
                size = min(self.rng.choice((2, 2, 2, 3, 3, 4, 5, 6)), self.people - done)
            out: list[Record] = []
            members = [self.person(out, group) for _ in range(size)]
            if story in ("criminal", "house_arrest"):
                self.criminal(out, members, story)
            elif story == "administrative":
                self.administrative(out, members[0])
            elif story == "exile":
                self.exile(out, members[0])
            elif story == "travel_ban":
                self.travel_ban(out, members[0])
            else:
                self.psychiatric(out, members[0])
            done += size
            yield from out

    def person(self, out: list[Record], group: str) -> Subject:
        sex = "female" if self.chance(0.06 if group == "religious_believer" else 0.2) else "male"
        name = invent_name(self.rng, sex)
        groups = [group]
        if group in SECOND_GROUP and self.chance(0.12):
            groups.append(SECOND_GROUP[group])
        region = REGIONS.pick(self.rng)
        public = self.chance(0.7)
        birth_year = self.rng.randint(1955, 2003)
        birth = self.pick(
            (f"{birth_year}", f"{birth_year}-{self.rng.randint(1, 12):02d}", "", f"{birth_year}~")
        )
        if self.chance(0.5):
            birth = f"{birth_year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        person = Person(
            id=self.new_id(),
            names=name.person_names(),
            sex=sex,
            birth_date=PartialDate.parse(birth),
            birth_place=region.place if self.chance(0.6) else "",
            citizenship="AZ",
            groups=groups,
            visibility="public" if public else "restricted",
            # most families agree to publication; about one in ten does not (no draw: the stream
            # of random numbers, and so every other invented fact, stays as it was)
            consent_to_publish=public and birth_year % 10 != 3,
        )
        lawyer = self.pick(self.lawyers) if self.lawyers and self.chance(0.6) else None
        subject = Subject(person.id, name, sex, groups, region, public, lawyer)
        out.append(person)
        out.extend(self.cite(person, [], date(2010, 1, 1), p=0.5))
        self.affiliation(out, subject)
        return subject

    def affiliation(self, out: list[Record], who: Subject) -> None:
        pools = {
            "journalist": (self.outlets, "reporter"),
            "blogger": (self.outlets, "contributor"),
            "civil_society_activist": (self.ngos, "member"),
            "human_rights_defender": (self.ngos, "director"),
            "opposition_party_member": (self.parties, "member"),
            "religious_believer": (self.communities, "member"),
        }
        pool = pools.get(who.groups[0])
        if pool is None or not self.chance(0.6):
            return
        names, role = pool
        out.append(
            Affiliation(
                id=self.new_id(),
                person_id=who.id,
                organisation_id=self.orgs[self.pick(names)],
                role=role,
                start=PartialDate.parse(f"{self.rng.randint(2004, 2020)}~"),
                visibility="restricted",
            )
        )

    def own_sources(self, out: list[Record], who: Subject, arrested: date, court: str | None) -> None:
        """Sources about this person: a news item, a judgment, an interview with a relative."""
        if self.chance(0.45):
            outlet = self.pick(self.outlets)
            source = Source(
                id=self.new_id(),
                title=f"{who.name.en} detained in {who.region.place}",
                kind="news",
                publisher=outlet,
                published=PartialDate.of(min(arrested + timedelta(days=1), self.today)),
                language="az",
                reliability="C",
                credibility="3",
                visibility="public",
            )
            out.append(source)
            who.sources.append((source.id, True))
        if court and self.chance(0.3):
            source = Source(
                id=self.new_id(),
                title=f"Judgment of the {court} in the case of {who.name.en}",
                kind="court_document",
                publisher=court,
                language="az",
                reliability="A",
                credibility="1",
                visibility="restricted",
            )
            out.append(source)
            who.sources.append((source.id, False))
        if self.chance(0.15):
            source = Source(
                id=self.new_id(),
                title=f"Interview with a relative of {who.name.en}",
                kind="interview",
                published=PartialDate.of(min(arrested + timedelta(days=20), self.today)),
                language="az",
                reliability="B",
                credibility="2",
            )
            out.append(source)
            who.sources.append((source.id, False))

    def event(
        self,
        out: list[Record],
        who: Sequence[Subject],
        type_: str,
        day: date | PartialDate,
        *,
        org: str | None = None,
        case_id: str | None = None,
        others: Sequence[tuple[str, str]] = (),
        outcome: str = "",
        at: time | None = None,
        monitoring: str = "",
        p_cite: float = 0.85,
    ) -> Event:
        """Append an event whose victims are `who` (with `others` as (person id, role)) and cite it."""
        when = day if isinstance(day, PartialDate) else PartialDate.of(day)
        scheduled = datetime.combine(day, at) if at and isinstance(day, date) else None
        participants = [Participant(person_id=w.id, role="victim") for w in who]
        participants += [Participant(person_id=pid, role=role) for pid, role in others]
        event = Event(
            id=self.new_id(),
            type=type_,
            date=when,
            scheduled_at=scheduled,
            place=who[0].region.place if who else "",
            organisation_id=self.orgs[org] if org else None,
            case_id=case_id,
            participants=participants,
            outcome=outcome,
            monitoring_outcome=monitoring,
            visibility=self.visibility(all(w.public for w in who)),
        )
        out.append(event)
        if when.earliest is not None and when.earliest <= self.today:
            sources = [s for w in who for s in w.sources]
            out.extend(self.cite(event, sources, when.earliest, p=p_cite))
        return event

    def custody(
        self,
        out: list[Record],
        who: Subject,
        kind: str,
        start: PartialDate,
        end: PartialDate | None,
        *,
        facility: str | None = None,
        case_id: str | None = None,
        until: date | None = None,
        place: str = "",
    ) -> None:
        period = CustodyPeriod(
            id=self.new_id(),
            person_id=who.id,
            kind=kind,
            start=start,
            end=end,
            authorised_until=until,
            facility_id=self.orgs[facility] if facility else None,
            case_id=case_id,
            place=place,
            visibility=self.visibility(who.public, 0.85),
        )
        out.append(period)
        out.extend(self.cite(period, who.sources, start.earliest or self.today))

    def charge(
        self,
        out: list[Record],
        who: Subject,
        article: Article,
        brought: date | PartialDate,
        case_id: str | None,
        status: str = "pending",
        months: int | None = None,
        sentence: str = "",
    ) -> None:
        when = brought if isinstance(brought, PartialDate) else PartialDate.of(brought)
        record = Charge(
            id=self.new_id(),
            person_id=who.id,
            case_id=case_id,
            code=article.code,
            article=article.article,
            label=article.label,
            brought=when,
            status=status,
            sentence=sentence or _sentence_text(months),
            sentence_months=months,
            visibility=self.visibility(who.public),
        )
        out.append(record)
        out.extend(self.cite(record, who.sources, when.earliest or self.today))

    def start_text(self, day: date) -> PartialDate:
        """A start known exactly, or for some older cases only to the month or roughly the year."""
        if day.year < 2016 and self.chance(0.15):
            return PartialDate.parse(f"{day.year}~" if self.chance(0.3) else f"{day:%Y-%m}")
        return PartialDate.of(day)

    # -- stories ------------------------------------------------------------------------------

    def criminal(self, out: list[Record], members: list[Subject], story: str) -> None:
        """A prosecution: arrest, remand, extensions, trial, verdict, appeal, prison, release."""
        first_arrest = self.arrest_day()
        arrests = {
            m.id: min(first_arrest + timedelta(days=self.rng.randrange(8)), self.last_arrest) for m in members
        }
        region = members[0].region
        court = region.grave_crimes_court if story == "criminal" else self.pick(region.district_courts)
        trial_start = _weekday(max(arrests.values()) + timedelta(days=self.rng.randint(120, 330)))
        hearings = [trial_start]
        for _ in range(self.rng.randint(2, 13)):
            hearings.append(_weekday(hearings[-1] + timedelta(days=self.rng.randint(5, 14))))
        trial = Trial(
            "",
            court,
            self.pick(self.judges),
            hearings,
            _weekday(hearings[-1] + timedelta(days=self.rng.randint(5, 14))),
        )
        title_name = members[0].name.en
        case = Case(
            id=self.new_id(),
            title=f"Case of {title_name}" + (" and others" if len(members) > 1 else ""),
            summary="Invented demo case.",
            person_ids=[m.id for m in members],
            visibility=self.visibility(members[0].public),
        )
        trial.case_id = case.id
        for member in members:
            self.own_sources(out, member, arrests[member.id], court if trial.verdict <= self.today else None)
            self.relatives(out, member, arrests[member.id])
        out.append(case)
        for member in members:
            self.prosecution(out, member, arrests[member.id], trial, story)
        self.trial(out, members, trial)
        for member in members:
            self.interventions(out, member, arrests[member.id])
            self.assessment(out, member, arrests[member.id])

    def prosecution(self, out: list[Record], who: Subject, arrested: date, trial: Trial, story: str) -> None:
        """One defendant's own part of a prosecution: everything but the shared hearings."""
        region, case_id, convicted = who.region, trial.case_id, trial.verdict <= self.today
        start = self.start_text(arrested)
        self.event(out, [who], "arrest", start, case_id=case_id)
        if self.chance(0.55):
            self.event(out, [who], "search", start, case_id=case_id, outcome="Home searched; phones taken.")
        articles = [ARTICLES[who.groups[0]].pick(self.rng) for _ in range(self.rng.choice((1, 1, 2, 2, 3)))]
        # One article per charge, in the order drawn; the last of several sometimes comes months later.
        articles = list({a.article: a for a in articles}.values())
        charged = arrested + timedelta(days=1)
        later = arrested + timedelta(days=self.rng.randint(60, 200))
        brought = [charged] * len(articles)
        if len(articles) > 1 and later <= min(trial.verdict, self.today):
            brought[-1] = later
        self.event(out, [who], "charge_brought", charged, case_id=case_id)
        lawyer = [(who.lawyer, "lawyer")] if who.lawyer else []
        remand = _weekday(arrested + timedelta(days=self.rng.randint(1, 2)))
        district = self.pick(region.district_courts)
        watched, monitor = self.monitoring(remand)
        self.event(
            out,
            [who],
            "remand_hearing",
            remand,
            org=district,
            case_id=case_id,
            at=self.pick(HEARING_SLOTS),
            others=[(self.pick(self.judges), "judge"), *lawyer, *monitor],
            monitoring=watched,
            outcome="Remanded in custody for four months."
            if story == "criminal"
            else "Placed under house arrest.",
        )
        # Terms: four months, then one to three more at a time, for as long as the trial has not ended.
        until = arrested + timedelta(days=122)
        while until < min(trial.verdict, self.today):
            extended = _weekday(until - timedelta(days=self.rng.randint(2, 8)))
            until += timedelta(days=self.pick((30, 61, 91)))
            self.event(
                out,
                [who],
                "detention_extended",
                extended,
                org=district,
                case_id=case_id,
                outcome=f"Extended to {until.isoformat()}.",
                p_cite=0.7,
            )
        facility = region.pretrial_facility if story == "criminal" else None
        kind = "pre_trial_detention" if story == "criminal" else "house_arrest"
        end = PartialDate.of(trial.verdict) if convicted else None
        self.custody(
            out,
            who,
            kind,
            start,
            end,
            facility=facility,
            case_id=case_id,
            until=None if convicted else until,
            place="" if facility else f"home, {region.place}",
        )
        released: date | None = None
        if convicted:
            released = self.punishment(
                out, who, arrested, trial, list(zip(articles, brought, strict=True)), story
            )
        else:
            for article, day in zip(articles, brought, strict=True):
                self.charge(out, who, article, day, case_id)
        if story == "criminal":
            self.conditions(out, who, arrested, released, facility)

    def punishment(
        self,
        out: list[Record],
        who: Subject,
        arrested: date,
        trial: Trial,
        charges: list[tuple[Article, date]],
        story: str,
    ) -> date | None:
        """Convictions and what followed, prison or a suspended sentence; the day of release, if any."""
        terms = [self.rng.randint(a.low, a.high) // 6 * 6 for a, _ in charges]
        # Partial addition: the longest term and a quarter of the others, at most 15 years.
        total = min(max(terms) + (sum(terms) - max(terms)) // 4, 180)
        suspended = (story == "house_arrest" and self.chance(0.7)) or self.chance(0.06)
        for (article, brought), months in zip(charges, terms, strict=True):
            if self.chance(0.93):
                text = _sentence_text(months) + (", suspended" if suspended else "")
                self.charge(out, who, article, brought, trial.case_id, "convicted", months, text)
            else:
                self.charge(out, who, article, brought, trial.case_id, self.pick(("dropped", "requalified")))
        verdict = trial.verdict
        if suspended:
            probation = verdict + timedelta(days=30 * self.rng.choice((12, 24, 36, 48)))
            end = PartialDate.of(probation) if probation <= self.today else None
            self.custody(out, who, "police_supervision", PartialDate.of(verdict), end, place=who.region.place)
            self.event(
                out, [who], "release", verdict, outcome="Released in court: the sentence is suspended."
            )
            self.after_release(out, who, verdict)
            return verdict
        due = arrested + timedelta(days=round(total * 30.44))
        if due <= verdict:
            self.event(
                out, [who], "release", verdict, outcome="Released in court: the term was served on remand."
            )
            self.after_release(out, who, verdict)
            return verdict
        prison = WOMEN_PRISON if who.sex == "female" else self.pick(PRISONS)
        released = due if due <= self.today else None
        if self.chance(0.12):
            pardon = self.day_between(verdict + timedelta(days=180), due)
            if pardon <= self.today and pardon < due:
                released = pardon
                self.event(
                    out, [who], "pardon_or_amnesty", pardon, outcome="Pardoned by presidential decree."
                )
        transfer = verdict + timedelta(days=self.rng.randint(20, 60))
        if transfer <= (released or self.today):
            self.event(
                out, [who], "transfer", transfer, org=prison, outcome=f"Transferred to {prison}.", p_cite=0.6
            )
        end = None
        if released is not None:
            end = PartialDate.parse(f"{released:%Y-%m}") if self.chance(0.08) else PartialDate.of(released)
        self.custody(
            out, who, "imprisonment", PartialDate.of(verdict), end, facility=prison, case_id=trial.case_id
        )
        if released is not None and end is not None:
            self.event(out, [who], "release", end, org=prison, outcome="Released.")
            self.after_release(out, who, released)
        return released

    def after_release(self, out: list[Record], who: Subject, released: date) -> None:
        """Some are barred from travelling after release; a few leave the country."""
        if self.chance(0.2):
            lifted = released + timedelta(days=self.rng.randint(120, 900))
            end = PartialDate.of(lifted) if lifted <= self.today and self.chance(0.4) else None
            self.custody(out, who, "travel_ban", PartialDate.of(released), end)
            if end is not None:
                self.event(out, [who], "travel_ban_lifted", lifted)
        elif self.chance(0.07):
            left = released + timedelta(days=self.rng.randint(30, 400))
            if left <= self.today:
                self.custody(out, who, "exile", PartialDate.parse(f"{left:%Y-%m}"), None)

    def trial(self, out: list[Record], members: list[Subject], trial: Trial) -> None:
        """The hearings, verdict and appeals the defendants share."""
        judge = [(trial.judge, "judge")]
        lawyers = [(m.lawyer, "lawyer") for m in members if m.lawyer]
        # While the verdict is still to come, the sitting that will give it is a hearing to watch.
        sittings = trial.hearings if trial.verdict <= self.today else [*trial.hearings, trial.verdict]
        for number, day in enumerate(sittings):
            if day > self.today + timedelta(days=30):
                break
            if number and day <= self.today and not self.chance(0.45):
                continue  # not every sitting of a long trial is documented
            watched, monitor = self.monitoring(day)
            hearing = self.event(
                out,
                members,
                "trial_hearing",
                day,
                org=trial.court,
                case_id=trial.case_id,
                at=self.pick(HEARING_SLOTS),
                others=judge + lawyers + monitor,
                monitoring=watched,
                outcome=self.pick(TRIAL_NOTES) if day <= self.today else "",
            )
            if watched == "refused_entry" and self.chance(0.3):
                self.attendance_refused(out, members[0], hearing, trial.court)
            if day > self.today:
                break  # only the next hearing is known in advance
        if trial.verdict > self.today:
            return
        self.event(
            out,
            members,
            "verdict",
            trial.verdict,
            org=trial.court,
            case_id=trial.case_id,
            at=self.pick(HEARING_SLOTS),
            others=judge,
            outcome="Convicted.",
        )
        region = members[0].region
        appeal = _weekday(trial.verdict + timedelta(days=self.rng.randint(60, 120)))
        if appeal > self.today + timedelta(days=40) or not self.chance(0.85):
            return
        watched, monitor = self.monitoring(appeal)
        self.event(
            out,
            members,
            "appeal_hearing",
            appeal,
            org=region.appeal_court,
            case_id=trial.case_id,
            at=self.pick(HEARING_SLOTS),
            others=[(self.pick(self.judges), "judge"), *lawyers, *monitor],
            monitoring=watched,
        )
        if appeal > self.today:
            return
        upheld = self.chance(0.85)
        self.event(
            out,
            members,
            "appeal_ruling",
            appeal,
            org=region.appeal_court,
            case_id=trial.case_id,
            outcome="Sentence upheld." if upheld else "Sentence reduced.",
        )
        cassation = _weekday(appeal + timedelta(days=self.rng.randint(120, 240)))
        if cassation <= self.today and self.chance(0.4):
            self.event(
                out,
                members,
                "cassation_hearing",
                cassation,
                org=SUPREME_COURT,
                case_id=trial.case_id,
                at=self.pick(HEARING_SLOTS),
                others=[(self.pick(self.judges), "judge")],
            )
            self.event(
                out,
                members,
                "cassation_ruling",
                cassation,
                org=SUPREME_COURT,
                case_id=trial.case_id,
                outcome="Cassation appeal rejected.",
            )

    def attendance_refused(self, out: list[Record], who: Subject, hearing: Event, court: str) -> None:
        """A monitoring organisation asked to attend a hearing and was kept out."""
        request = Intervention(
            id=self.new_id(),
            kind="hearing_attendance_request",
            person_id=who.id,
            event_id=hearing.id,
            actor=self.pick(self.ngos),
            target=court,
            date=hearing.date,
            request="Permission for two monitors to attend the hearing.",
            response="refused",
            outcome="The monitors were kept out of the courtroom.",
            visibility="restricted",
        )
        out.append(request)
        out.extend(self.cite(request, who.sources, hearing.date.earliest or self.today, p=0.5))

    def monitoring(self, day: date) -> tuple[str, list[tuple[str, str]]]:
        """Whether a hearing on `day` was monitored, how it went, and the named monitor if any."""
        if day > self.today:
            return "", []
        outcome = MONITORING.pick(self.rng)
        named = bool(outcome) and bool(self.monitors) and self.chance(0.6)
        return outcome, [(self.pick(self.monitors), "monitor")] if named else []

    def conditions(
        self, out: list[Record], who: Subject, arrested: date, released: date | None, facility: str | None
    ) -> None:
        """Hunger strikes, denied care and denied visits while held."""
        last = min(self.today, released or self.today)
        for type_, p, text in CONDITIONS:
            if self.chance(p):
                day = self.day_after(arrested, 3, last)
                if day is None:
                    continue
                refused = type_ == "monitor_access_denied"
                others = [(self.pick(self.monitors), "monitor")] if refused and self.monitors else []
                self.event(
                    out,
                    [who],
                    type_,
                    day,
                    org=facility,
                    others=others,
                    outcome=text,
                    monitoring="refused_entry" if refused else "",
                )

    def administrative(self, out: list[Record], who: Subject) -> None:
        """Short administrative detentions after protests, one to three of them."""
        arrested = first = self.arrest_day()
        self.own_sources(out, who, arrested, None)
        self.relatives(out, who, arrested)
        for _ in range(self.rng.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3))):
            article = ADMINISTRATIVE_ARTICLES.pick(self.rng)
            days = self.rng.randint(article.low, article.high)
            court = self.pick(who.region.district_courts)
            self.event(out, [who], "arrest", arrested, outcome="Detained at a protest.")
            self.event(
                out,
                [who],
                "trial_hearing",
                arrested,
                org=court,
                at=self.pick(HEARING_SLOTS),
                others=[(self.pick(self.judges), "judge")],
                outcome=f"Sentenced to {days} days of administrative detention.",
            )
            self.charge(out, who, article, arrested, None, "convicted", None, f"{days} days")
            last_day = arrested + timedelta(days=days - 1)
            ended = last_day < self.today
            self.custody(
                out,
                who,
                "administrative_detention",
                PartialDate.of(arrested),
                PartialDate.of(last_day) if ended else None,
                place=f"police detention, {who.region.place}",
                until=None if ended else last_day,
            )
            if not ended:
                break
            self.event(out, [who], "release", last_day, p_cite=0.6)
            arrested = last_day + timedelta(days=self.rng.randint(30, 700))
            if arrested > self.last_arrest:
                break
        self.interventions(out, who, first)
        if self.chance(0.3):
            self.assessment(out, who, first)

    def exile(self, out: list[Record], who: Subject) -> None:
        """Forced abroad; charged in absentia; relatives targeted at home."""
        left = self.arrest_day()
        self.own_sources(out, who, left, None)
        self.relatives(out, who, left, p=0.6)
        start = PartialDate.parse(f"{left:%Y-%m}" if self.chance(0.7) else f"{left.year}~")
        self.custody(out, who, "exile", start, None)
        if self.chance(0.4):
            brought = left + timedelta(days=self.rng.randint(30, 500))
            if brought <= self.today:
                self.charge(out, who, _ABSENTIA_ARTICLES.pick(self.rng), brought, None)
        if self.chance(0.4):
            self.event(
                out,
                [who],
                "smear_campaign",
                self.day_between(left, self.today),
                outcome="Called a traitor on pro-government television.",
            )
        self.assessment(out, who, left, conclusion="politically_persecuted")

    def travel_ban(self, out: list[Record], who: Subject) -> None:
        """Barred from leaving the country, for a time or still."""
        imposed = self.arrest_day()
        self.own_sources(out, who, imposed, None)
        self.relatives(out, who, imposed)
        self.event(out, [who], "travel_ban_imposed", imposed, outcome="Stopped at the airport.")
        lifted = imposed + timedelta(days=self.rng.randint(180, 1500))
        end = PartialDate.of(lifted) if lifted <= self.today and self.chance(0.4) else None
        self.custody(out, who, "travel_ban", PartialDate.of(imposed), end)
        if end is not None:
            self.event(out, [who], "travel_ban_lifted", lifted)
        if self.chance(0.5):
            self.assessment(out, who, imposed, conclusion="politically_persecuted")

    def psychiatric(self, out: list[Record], who: Subject) -> None:
        """Sent to a psychiatric hospital by a court instead of a trial."""
        arrested = min(self.arrest_day(), self.today - timedelta(days=70))
        self.own_sources(out, who, arrested, None)
        self.event(out, [who], "arrest", arrested)
        ordered = _weekday(arrested + timedelta(days=self.rng.randint(10, 60)))
        court = self.pick(who.region.district_courts)
        self.event(
            out,
            [who],
            "trial_hearing",
            ordered,
            org=court,
            at=self.pick(HEARING_SLOTS),
            others=[(self.pick(self.judges), "judge")],
            outcome="Compulsory psychiatric treatment ordered.",
        )
        self.custody(
            out,
            who,
            "pre_trial_detention",
            PartialDate.of(arrested),
            PartialDate.of(ordered),
            facility=who.region.pretrial_facility,
        )
        released = ordered + timedelta(days=self.rng.randint(180, 720))
        end = PartialDate.of(released) if released <= self.today and self.chance(0.5) else None
        self.custody(
            out, who, "psychiatric_confinement", PartialDate.of(ordered), end, facility=PSYCHIATRIC_HOSPITAL
        )
        if end is not None:
            self.event(out, [who], "release", released, org=PSYCHIATRIC_HOSPITAL)
        self.assessment(out, who, arrested)

    # -- around a person: relatives, interventions, assessments -----------------------------------

    def relatives(self, out: list[Record], who: Subject, since: date, p: float | None = None) -> None:
        """A relative targeted because of the person: a travel ban, frozen assets, a smear campaign."""
        outspoken = {
            "journalist",
            "blogger",
            "human_rights_defender",
            "opposition_party_member",
            "civil_society_activist",
        }
        if not self.chance(p if p is not None else (0.35 if who.groups[0] in outspoken else 0.12)):
            return
        type_ = RELATIVE_TYPES.pick(self.rng)
        sex = (
            ("female" if who.sex == "male" else "male")
            if type_ == "spouse"
            else self.pick(("female", "male"))
        )
        name = invent_name(self.rng, sex, who.name.family)
        relative = Subject(self.new_id(), name, sex, ["relative_of_critic"], who.region, False, None)
        out.append(
            Person(
                id=relative.id,
                names=relative.name.person_names(),
                sex=sex,
                groups=relative.groups,
                visibility=self.pick(("restricted", "confidential")),
            )
        )
        link = Relationship(id=self.new_id(), person_id=who.id, other_person_id=relative.id, type=type_)
        out.append(link)
        out.extend(self.cite(link, who.sources, since, p=0.2))
        relative.sources = list(who.sources)
        if self.chance(0.4):
            post = Source(
                id=self.new_id(),
                title=f"Post by a relative of {who.name.en}",
                kind="social_media",
                language="az",
                reliability="D",
                credibility="3",
            )
            out.append(post)
            relative.sources.append((post.id, False))
        for _ in range(self.rng.choice((1, 1, 2))):
            reprisal = REPRISALS.pick(self.rng)
            day = self.day_after(since, 7)
            if day is None:
                break
            self.event(out, [relative], reprisal, day, p_cite=0.7, outcome=_REPRISAL_TEXT[reprisal])
            if reprisal == "travel_ban_imposed" and self.chance(0.3):
                self.custody(out, relative, "travel_ban", PartialDate.of(day), None)

    def interventions(self, out: list[Record], who: Subject, since: date) -> None:
        day = self.day_after(since, 10)
        if day is None or not self.chance(0.12):
            return
        kind = self.pick(
            (
                "prison_visit_request",
                "prison_visit_request",
                "appeal_to_authorities",
                "un_communication",
                "statement",
            )
        )
        response = {
            "prison_visit_request": self.pick(("refused", "refused", "no_answer", "granted")),
            "appeal_to_authorities": self.pick(("no_answer", "refused")),
            "un_communication": self.pick(("pending", "no_answer")),
            "statement": "no_answer",
        }[kind]
        record = Intervention(
            id=self.new_id(),
            kind=kind,
            person_id=who.id,
            actor=self.pick(self.ngos),
            target="Penitentiary Service" if kind == "prison_visit_request" else "",
            date=PartialDate.of(day),
            request=_REQUESTS[kind],
            response=response,
            visibility="restricted",
        )
        out.append(record)
        out.extend(self.cite(record, who.sources, since, p=0.5))

    def assessment(self, out: list[Record], who: Subject, since: date, conclusion: str = "") -> None:
        decided = self.day_after(since, 20, since + timedelta(days=200))
        if decided is None or not self.chance(0.55):
            return
        if not conclusion:
            conclusion = "political_prisoner" if self.chance(0.82) else "under_review"
        criteria = sorted(self.rng.sample(PACE_CRITERIA, self.rng.randint(1, 3)), key=PACE_CRITERIA.index)
        record = Assessment(
            id=self.new_id(),
            person_id=who.id,
            criteria=criteria,
            conclusion=conclusion,
            decided_by=ASSESSING_BODY,
            decided_on=PartialDate.of(decided),
            rationale="Invented for the demo.",
            visibility="public" if who.public and conclusion == "political_prisoner" else "restricted",
        )
        out.append(record)
        out.extend(self.cite(record, who.sources, decided, p=0.7))


_REPRISAL_TEXT = {
    "travel_ban_imposed": "Barred from leaving the country.",
    "assets_frozen": "Bank accounts frozen.",
    "smear_campaign": "Named and insulted on pro-government websites.",
    "dismissal": "Dismissed from a state job.",
}
_REQUESTS = {
    "prison_visit_request": "Permission to visit the detainee.",
    "appeal_to_authorities": "Release pending trial, and access to an independent doctor.",
    "un_communication": "Urgent appeal to the UN Special Rapporteur on human rights defenders.",
    "statement": "Public call for release.",
}


def _weekday(day: date) -> date:
    """The day, or the Monday after it when it falls on a weekend (courts sit on weekdays)."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _sentence_text(months: int | None) -> str:
    if months is None:
        return ""
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    parts += [f"{rest} month{'s' if rest != 1 else ''}"] if rest else []
    return " ".join(parts) or "0 months"
