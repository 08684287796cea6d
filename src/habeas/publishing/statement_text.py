"""A statement's wording in one language: the figures of `statement_facts` said as sentences, each
sentence that gives a figure with a footnote naming the public sources behind it and the method.

The result is a plain `Statement` (title, sections of sentences, notes) that the Markdown, HTML and
PDF renderers lay out alike. Figures are written as "the number of … was N", so that every language
reads correctly whatever N is, without plural forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from habeas.domain.records import Source
from habeas.i18n import gettext_for, term_label
from habeas.publishing.dataset import MIN_WITHHELD_SHOWN, PublicData
from habeas.publishing.statement_facts import ContextComparison, Facts, Figure, facts_of

__all__ = ["MAX_LOCATORS", "MAX_SOURCES", "Note", "Section", "Sentence", "SourceLine", "Statement", "write"]

#: Sources named in one footnote; the rest are counted.
MAX_SOURCES = 5
#: Locators (pages, paragraphs) named for one source in one footnote.
MAX_LOCATORS = 3


@dataclass(frozen=True)
class SourceLine:
    """One source as a footnote names it: title, publisher, date, locators (`parts`), and its URL."""

    parts: tuple[str, ...]
    url: str


@dataclass(frozen=True)
class Note:
    number: int
    sources: tuple[SourceLine, ...]
    more: str  # "and other sources (N)", or empty
    method: str


@dataclass(frozen=True)
class Sentence:
    text: str
    note: int | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Statement:
    lang: str
    day: date
    title: str
    dateline: str
    sections: tuple[Section, ...]
    closing: str
    notes: tuple[Note, ...]
    labels: dict[str, str]  # the page's own words: "notes", "sources", "no_sources", "method", "back"


def write(data: PublicData, lang: str) -> Statement:
    """The statement on the day of `data.listing`, in `lang` (a language of habeas.i18n)."""
    return _Writer(data, lang).statement(facts_of(data))


class _Writer:
    """Says the figures in one language and numbers the footnotes in the order they are cited."""

    def __init__(self, data: PublicData, lang: str) -> None:
        self.data = data
        self.lang = lang
        self._ = gettext_for(lang)
        self.notes: list[Note] = []

    def day(self, day: date) -> str:
        return format_date(day, "long", locale=self.lang)

    def statement(self, facts: Facts) -> Statement:
        _ = self._
        sections = [self.held(facts), self.groups(facts), self.events(facts)]
        return Statement(
            lang=self.lang,
            day=facts.day,
            title=_("Statement on politically motivated detention"),
            dateline=self.day(facts.day),
            sections=tuple(s for s in sections if s.sentences),
            closing=_(
                "These figures are computed from the dated facts on record when this statement was "
                "written; information received later may change them. Each figure is footnoted to the "
                "public sources behind it."
            ),
            notes=tuple(self.notes),
            labels={
                "notes": _("Notes"),
                "sources": _("Sources:"),
                "no_sources": _("No public source is cited for these records."),
                "method": _("Method:"),
                "back": _("Back to the text"),
            },
        )

    # -- the sections -------------------------------------------------------------------------

    def held(self, facts: Facts) -> Section:
        _, held, listing = self._, facts.held, self.list_method(facts)
        say = [
            self.figure(
                _(
                    "On %(date)s, the number of people held on politically motivated charges stood "
                    "at %(total)s."
                )
                % {"date": self.day(facts.day), "total": held.total.value},
                held.total,
                listing + " " + _("Named members and members whose names are withheld are counted together."),
            )
        ]
        if held.withheld:
            say.append(
                self.figure(
                    _(
                        "This figure includes people whose names are withheld (no consent to "
                        "publication, or relatives of critics; %(withheld)s in all); they are counted "
                        "here but described no further."
                    )
                    % {"withheld": held.withheld},
                    Figure(held.withheld),
                    listing + " " + _("Neither the names nor the sources of these members are published."),
                )
            )
        if held.named:
            say.extend(self.custody_kinds(facts))
        return Section(_("Held on politically motivated charges"), tuple(say))

    def custody_kinds(self, facts: Facts) -> list[Sentence]:
        """The named members by the form of their custody; only public custody records tell it."""
        _, held, method = self._, facts.held, self.custody_method(facts)
        say = [
            self.figure(
                _(
                    "Among the people named (%(named)s), the number in pre-trial detention is %(pre_trial)s "
                    "and the number imprisoned after trial is %(imprisoned)s."
                )
                % {
                    "named": held.named,
                    "pre_trial": held.pre_trial.value,
                    "imprisoned": held.imprisoned.value,
                },
                Figure(
                    held.pre_trial.value + held.imprisoned.value,
                    held.pre_trial.records + held.imprisoned.records,
                ),
                method,
            )
        ]
        if held.other_kinds:
            figures = held.other_kinds.values()
            other = Figure(sum(f.value for f in figures), tuple(r for f in figures for r in f.records))
            kinds = self.listed("custody_kind", held.other_kinds.items())
            say.append(
                self.figure(
                    _("Other forms of custody account for %(count)s: %(kinds)s.")
                    % {"count": other.value, "kinds": kinds},
                    other,
                    method,
                )
            )
        if held.custody_not_public:
            say.append(
                self.figure(
                    _("For %(count)s of the people named, the form of custody on that day is not public.")
                    % {"count": held.custody_not_public},
                    Figure(held.custody_not_public),
                    method,
                )
            )
        return say

    def groups(self, facts: Facts) -> Section:
        _, unsorted = self._, facts.held.withheld_unsorted
        if not facts.groups:
            return Section(_("Main groups"), ())
        figure = Figure(
            sum(f.value for _code, f in facts.groups),
            tuple(r for _code, f in facts.groups for r in f.records),
            frozenset({"", "groups"}),
        )
        method = _(
            "Each person on the list is counted once, under the first of their groups in the order of "
            "rule %(rule)s. A group's figure counts the people named in it, and the people whose names "
            "are withheld where the group has at least %(min)s of them."
        ) % {"rule": facts.rule.name, "min": MIN_WITHHELD_SHOWN}
        values = {"groups": self.listed("group", facts.groups), "count": unsorted, "min": MIN_WITHHELD_SHOWN}
        if unsorted:
            # the group figures must not seem to hold everyone: say who is in none of them
            text = _(
                "The largest groups among them are: %(groups)s. These group figures leave out the "
                "people whose names are withheld in groups with fewer than %(min)s of them (%(count)s "
                "in all), who are counted in the total only."
            )
        else:
            text = _("The largest groups among them are: %(groups)s.")
        sentence = self.figure(text % values, figure, self.list_method(facts) + " " + method)
        return Section(_("Main groups"), (sentence,))

    def events(self, facts: Facts) -> Section:
        _ = self._
        period = {"start": self.day(facts.window_start), "end": self.day(facts.day)}
        dated = _(
            "Records certainly dated from %(start)s to %(end)s; a date known only to the month or the "
            "year counts only when it lies wholly within that span."
        )
        say = [
            self.figure(
                _("Between %(start)s and %(end)s, the number of arrests recorded was %(count)s.")
                % {**period, "count": facts.arrests.value},
                facts.arrests,
                dated % period,
            ),
            self.figure(
                _(
                    "The number of court hearings to which independent monitors were refused entry in "
                    "this period was %(count)s."
                )
                % {"count": facts.monitors_refused.value},
                facts.monitors_refused,
                dated % period,
            ),
            self.interventions(facts, dated % period),
        ]
        say.extend(self.context(comparison) for comparison in facts.contexts)
        return Section(_("Events of the period from %(start)s to %(end)s") % period, tuple(say))

    def interventions(self, facts: Facts, method: str) -> Sentence:
        _, total = self._, facts.interventions_refused_total
        if not total.value:
            text = _(
                "The number of requests and appeals on behalf of those detained that were refused in "
                "this period was %(count)s."
            ) % {"count": 0}
        else:
            text = _(
                "The number of requests and appeals on behalf of those detained that were refused in "
                "this period was %(count)s: %(kinds)s."
            ) % {
                "count": total.value,
                "kinds": self.listed("intervention_kind", facts.interventions_refused.items()),
            }
        return self.figure(text, total, method)

    def context(self, c: ContextComparison) -> Sentence:
        _ = self._
        values = {
            "name": c.name,
            "start": self.day(c.start),
            "end": self.day(c.end),
            "during": c.during.value,
            "before": c.before.value,
            "before_start": self.day(c.before_start),
            "before_end": self.day(c.before_end),
        }
        method = _(
            "Arrests certainly dated within %(name)s (%(start)s to %(end)s, up to the day of this "
            "statement) and within the span of the same length before it (%(before_start)s to "
            "%(before_end)s)."
        )
        return self.figure(
            _(
                "During %(name)s (%(start)s to %(end)s), the number of arrests recorded was %(during)s, "
                "against %(before)s in the same number of days before it."
            )
            % values,
            Figure(
                c.during.value + c.before.value,
                (("context_period", c.period_id), *c.during.records, *c.before.records),
            ),
            method % values,
        )

    # -- the pieces ---------------------------------------------------------------------------

    def list_method(self, facts: Facts) -> str:
        _ = self._
        if facts.edition_id is not None:
            return _("List edition %(edition)s of %(date)s, under rule %(rule)s.") % {
                "edition": facts.edition_id,
                "date": self.day(facts.day),
                "rule": facts.rule.name,
            }
        return _("List computed on %(date)s under rule %(rule)s.") % {
            "date": self.day(facts.day),
            "rule": facts.rule.name,
        }

    def custody_method(self, facts: Facts) -> str:
        return self._(
            "The custody of each named member on %(date)s, from the public custody records; members "
            "whose names are withheld are not counted by form of custody."
        ) % {"date": self.day(facts.day)}

    def listed(self, vocabulary_name: str, items: Iterable[tuple[str, Figure]]) -> str:
        """'label (n), label (n)' with labels of a vocabulary in the statement's language."""
        return ", ".join(
            f"{_lower_first(term_label(vocabulary_name, code, self.lang))} ({figure.value})"
            for code, figure in items
        )

    def figure(self, text: str, figure: Figure, method: str) -> Sentence:
        """A sentence giving a figure, with a new footnote for its sources and method."""
        ranked = _sources(self.data, figure)
        named = sorted(ranked[:MAX_SOURCES], key=lambda entry: (entry[0].published.sort_key(), entry[0].id))
        more = len(ranked) - len(named)
        note = Note(
            number=len(self.notes) + 1,
            sources=tuple(self.source_line(source, locators) for source, locators in named),
            more=self._("and other sources (%(count)s)") % {"count": more} if more else "",
            method=method,
        )
        self.notes.append(note)
        return Sentence(text, note.number)

    def source_line(self, source: Source, locators: list[str]) -> SourceLine:
        published = source.published
        when = self.day(published.earliest) if published.is_exact_day and published.earliest else ""
        if not when and not published.is_unknown:
            when = published.text
        where = ", ".join(locators[:MAX_LOCATORS])
        if len(locators) > MAX_LOCATORS:
            where += " " + self._("and elsewhere")
        parts = (source.title, source.publisher, when, where)
        return SourceLine(tuple(p for p in parts if p), source.url)


def _sources(data: PublicData, figure: Figure) -> list[tuple[Source, list[str]]]:
    """The distinct public sources cited for a figure's records, most cited first, with their locators."""
    found: dict[str, tuple[Source, list[str]]] = {}
    cited: dict[str, int] = {}
    for kind, record_id in figure.records:
        for citation, source in data.sources_of(kind, record_id):
            if figure.fields is not None and citation.target_field not in figure.fields:
                continue
            source_entry = found.setdefault(source.id, (source, []))
            cited[source.id] = cited.get(source.id, 0) + 1
            if citation.locator and citation.locator not in source_entry[1]:
                source_entry[1].append(citation.locator)
    return sorted(
        found.values(), key=lambda entry: (-cited[entry[0].id], entry[0].published.sort_key(), entry[0].id)
    )


def _lower_first(label: str) -> str:
    """'Journalist' -> 'journalist' inside a sentence; an initialism such as 'UN' is left as it is."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label
