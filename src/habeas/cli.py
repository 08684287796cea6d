"""The `habeas` command: each command parses its options, makes one library call, prints the result.

Errors that habeas raises on purpose (bad input, a locked database, a wrong
passphrase…) are printed as one line on stderr with a non-zero exit code and
no traceback. Output never goes to a log.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from habeas.config import SETTINGS, Settings
from habeas.domain.dates import PartialDate, parse_day
from habeas.domain.names import guess_script
from habeas.domain.records import CustodyPeriod, Event, Participant, Person, PersonName, Source
from habeas.domain.validation import parse_charge_reference
from habeas.errors import HabeasError, ValidationError
from habeas.storage import codec, queries
from habeas.storage.engine import sqlite_path
from habeas.storage.store import Store

if TYPE_CHECKING:
    from habeas.accounts import Accounts, NewUser

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


class Commands(typer.core.TyperGroup):
    """The root group: a habeas error becomes one line on stderr and exit code 2 (bad input) or 1."""

    def invoke(self, ctx: Any) -> Any:  # Typer's own (vendored) click.Context
        try:
            return super().invoke(ctx)
        except HabeasError as exc:
            errors.print(f"error: {exc}", markup=False)
            ctx.exit(2 if isinstance(exc, ValidationError) else 1)
        finally:
            if isinstance(ctx.obj, Context):
                ctx.obj.close()


app = typer.Typer(
    cls=Commands,
    help="habeas: document politically motivated detention. Who was held on date D, and how do we know?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # a traceback could show local values, names among them
    rich_markup_mode=None,
)
person_app = typer.Typer(help="Add, show, list and search people.", no_args_is_help=True)
custody_app = typer.Typer(help="Record custody periods.", no_args_is_help=True)
event_app = typer.Typer(help="Record events (arrests, hearings, releases…).", no_args_is_help=True)
source_app = typer.Typer(help="Record sources.", no_args_is_help=True)
charge_app = typer.Typer(help="Record charges.", no_args_is_help=True)
audit_app = typer.Typer(help="Check the audit chain.", no_args_is_help=True)
user_app = typer.Typer(help="Add, list, disable and change accounts of the web app.", no_args_is_help=True)
token_app = typer.Typer(help="Create and revoke API tokens.", no_args_is_help=True)
import_app = typer.Typer(
    help="Bring data in: spreadsheets, habeas JSON, Uwazi CSV, published list documents.",
    no_args_is_help=True,
)
export_app = typer.Typer(
    help="Give data out: habeas JSON, CSV tables, XLSX, Uwazi CSV.", no_args_is_help=True
)
list_app = typer.Typer(
    help="Publish, show and compare editions of the political-prisoner list.", no_args_is_help=True
)
publish_app = typer.Typer(
    help="Publish what the public may see: a static site, a public database, a statement.",
    no_args_is_help=True,
)
stats_app = typer.Typer(
    help="Figures from the dated facts: series over time, durations, windows around events.",
    no_args_is_help=True,
)
names_app = typer.Typer(
    help="Compare names across Azerbaijani, English-style and Russian spellings.", no_args_is_help=True
)
for sub, name in (
    (person_app, "person"),
    (custody_app, "custody"),
    (event_app, "event"),
    (source_app, "source"),
    (charge_app, "charge"),
    (audit_app, "audit"),
    (user_app, "user"),
    (token_app, "token"),
    (import_app, "import"),
    (export_app, "export"),
    (list_app, "list"),
    (publish_app, "publish"),
    (stats_app, "stats"),
    (names_app, "names"),
):
    app.add_typer(sub, name=name)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ShortFormat(StrEnum):
    table = "table"
    json = "json"


@dataclass
class Context:
    """What the global options resolved to; the store is opened on first use."""

    settings: Settings
    ask_passphrase: bool = False
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.settings, self.passphrase())
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def service(self) -> Any:
        from habeas.service import Service

        return Service(self.store(), self.settings.actor)

    def accounts(self) -> Accounts:
        from habeas.accounts import Accounts

        return Accounts(self.store(), self.settings.actor)

    def passphrase(self) -> str | None:
        if self.settings.passphrase_file:
            try:
                text = Path(self.settings.passphrase_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise HabeasError(
                    f"passphrase_file: {self.settings.passphrase_file!r} cannot be read ({exc.strerror})"
                ) from None
            return text.rstrip("\r\n")
        if self.ask_passphrase or _looks_encrypted(self.settings.db):
            if not sys.stdin.isatty():
                raise HabeasError(
                    "passphrase: the database is encrypted; give --passphrase-file or HABEAS_PASSPHRASE_FILE"
                )
            return str(typer.prompt("Passphrase", hide_input=True))
        return None


def _looks_encrypted(db: str) -> bool:
    """A SQLite file that exists but lacks SQLite's plain header is encrypted (or not a database)."""
    path = sqlite_path(db)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        return handle.read(16) != b"SQLite format 3\x00"


def _ctx(ctx: typer.Context) -> Context:
    obj = ctx.find_root().obj
    assert isinstance(obj, Context)
    return obj


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(help="SQLite file or database URL [env: HABEAS_DB]")] = None,
    passphrase_file: Annotated[
        str | None, typer.Option(help="File holding the database passphrase [env: HABEAS_PASSPHRASE_FILE]")
    ] = None,
    ask_passphrase: Annotated[
        bool, typer.Option("--ask-passphrase", help="Prompt for the passphrase (hidden input)")
    ] = False,
    actor: Annotated[
        str | None, typer.Option(help="Account name recorded in the audit chain [env: HABEAS_ACTOR]")
    ] = None,
) -> None:
    """habeas: document politically motivated detention.

    Example: habeas --db team.db held --on 2024-11-20
    """
    ctx.obj = Context(Settings.from_env(db=db, passphrase_file=passphrase_file, actor=actor), ask_passphrase)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while long work runs (when stderr is a terminal); yields advance(n)."""
    if not errors.is_terminal:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        SpinnerColumn() if total is None else BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


@contextmanager
def _reading(ctx: typer.Context) -> Iterator[Any]:
    with _ctx(ctx).store().reading() as conn:
        yield conn


def _print_json(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str), ensure_ascii=False)


def _date(text: str | None, field_name: str) -> PartialDate:
    return PartialDate.parse(text, field_name) if text is not None else PartialDate.unknown()


def _day(text: str | None, field_name: str, default: date | None = None) -> date:
    if text is None:
        return default or date.today()
    return parse_day(text, field_name)


# -- setting up ---------------------------------------------------------------


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database (or bring its schema up to date) and the audit key.

    Safe to run again: it never deletes data or replaces an existing key.

    Example: habeas --db habeas.db init
    """
    store = _ctx(ctx).store()
    created = store.init()
    console.print(f"database ready: {_ctx(ctx).settings.db}")
    if created:
        console.print(f"audit key created: {store.audit_key_path} (back it up separately from the database)")


@app.command()
def demo(
    ctx: typer.Context,
    people: Annotated[int, typer.Option(min=0, help="How many invented people to generate")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data")] = 1,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database has people")
    ] = False,
) -> None:
    """Fill the database with invented demo data (plus one real public example), in one transaction.

    Example: habeas --db demo.db demo --people 500 --seed 7
    """
    from habeas.demo import estimate_records, generate

    context = _ctx(ctx)
    context.store().init()
    if if_empty:
        with context.store().reading() as conn:
            if queries.search_people(conn, "", limit=1):
                console.print("the database already has people; no demo data added")
                return
    with progress("writing demo records", estimate_records(people)) as advance:
        summary = generate(context.service(), people=people, seed=seed, progress=advance)
    console.print(f"demo data written: {summary.people} people, {summary.records} records")
    _demo_admin(context)


def _demo_admin(context: Context) -> None:
    """On a database with no accounts yet, add `admin` with a made-up password, printed once."""
    from habeas.accounts import generate_password

    accounts = context.accounts()
    if accounts.list_users():
        return
    password = generate_password()
    new = accounts.add_user("admin", "admin", password, display_name="Administrator")
    _say("")
    _say("An administrator account for the web app (`habeas serve`) was created.")
    _say("Write these down now: they are shown once and will not be shown again.")
    _say("  login:       admin")
    _say(f"  password:    {password}")
    _say(f"  2FA secret:  {new.totp_secret}")
    _say(f"  otpauth URI: {new.totp_uri()}")
    _say(
        "Enter the secret (or the URI, as a QR code) into an authenticator app: signing in asks for its code."
    )
    _say(
        "Lost them? Set a new password with `habeas user password admin` and a new secret "
        "with `habeas user reset-2fa admin`."
    )


# -- people -------------------------------------------------------------------


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    name: Annotated[
        list[str], typer.Option(help="A spelling of the name; repeat for each script. First is native")
    ],
    group: Annotated[
        list[str] | None, typer.Option(help="Group code, repeatable (see docs/vocabularies.md)")
    ] = None,
    sex: Annotated[str, typer.Option(help="female, male, other or unknown")] = "unknown",
    birth_date: Annotated[str | None, typer.Option(help="Partial date, e.g. 1976 or 1976-05")] = None,
    occupation: Annotated[str, typer.Option()] = "",
    visibility: Annotated[str, typer.Option(help="public, restricted or confidential")] = "restricted",
) -> None:
    """Add a person; prints the new id.

    Example: habeas person add --name "Anar Məmmədli" --name "Анар Мамедли" --group human_rights_defender
    """
    names = [
        PersonName(
            value=value,
            script=(script := guess_script(value)),
            language={"Cyrl": "ru", "Arab": ""}.get(script, "az" if i == 0 else "en"),
            kind="native" if i == 0 else "transliteration",
        )
        for i, value in enumerate(name)
    ]
    person = Person(
        names=names,
        groups=group or [],
        sex=sex,
        birth_date=_date(birth_date, "person.birth_date"),
        occupation=occupation,
        visibility=visibility,
    )
    (created,) = _ctx(ctx).service().create(person)
    console.print(created.id)


@person_app.command("show")
def person_show(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id")],
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """Show a person's record: names in every script, groups and other fields.

    Example: habeas person show 01JD8X6V0Q4ZC2M8E5T2W9H1AB --format json
    """
    person = _ctx(ctx).store().get("person", person_id)
    data = json.loads(codec.snapshot(person))
    if format is ShortFormat.json:
        _print_json(data)
        return
    table = Table("field", "value", show_header=False)
    for key, value in data.items():
        if key == "names":
            value = "\n".join(
                f"{n['value']}  ({n['script']}, {n['language'] or '?'}, {n['kind']})" for n in value
            )
        table.add_row(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    console.print(table)


def _people_table(rows: list[queries.PersonRow]) -> Table:
    table = Table("id", "name", "other names", "groups")
    for row in rows:
        table.add_row(row.id, row.name, ", ".join(row.other_names), ", ".join(row.groups))
    return table


@person_app.command("list")
def person_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """List people, sorted by name.

    Example: habeas person list --limit 20
    """
    with _reading(ctx) as conn:
        console.print(_people_table(queries.search_people(conn, "", limit, offset)))


@person_app.command("search")
def person_search(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Part of any spelling of the name; case and accents are ignored")
    ],
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """Find people by any spelling of their name.

    Example: habeas person search məmmədli
    """
    with _reading(ctx) as conn:
        rows = queries.search_people(conn, text, limit)
    if not rows:
        errors.print("no one found")
        raise typer.Exit(1)
    console.print(_people_table(rows))


# -- facts --------------------------------------------------------------------


@custody_app.command("add")
def custody_add(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id")],
    kind: Annotated[str, typer.Option(help="pre_trial_detention, imprisonment, house_arrest, travel_ban…")],
    start: Annotated[str, typer.Option(help="Partial date the custody began, e.g. 2024-04-29 or 2024-04")],
    end: Annotated[str | None, typer.Option(help="Partial date it ended; leave out while it goes on")] = None,
    authorised_until: Annotated[str | None, typer.Option(help="Day the court's authorised term ends")] = None,
    facility: Annotated[str | None, typer.Option(help="Id of the detention facility (organisation)")] = None,
    case: Annotated[str | None, typer.Option(help="Id of the case")] = None,
    place: Annotated[str, typer.Option(help="Where, when no facility record exists")] = "",
    visibility: Annotated[str, typer.Option()] = "restricted",
) -> None:
    """Record a custody period; prints its id.

    Example: habeas custody add 01JD8X6V0Q4ZC2M8E5T2W9H1AB --kind pre_trial_detention --start 2024-04-29
    """
    period = CustodyPeriod(
        person_id=person_id,
        kind=kind,
        start=_date(start, "custody_period.start"),
        end=PartialDate.parse(end, "custody_period.end") if end else None,
        authorised_until=parse_day(authorised_until, "custody_period.authorised_until")
        if authorised_until
        else None,
        facility_id=facility,
        case_id=case,
        place=place,
        visibility=visibility,
    )
    (created,) = _ctx(ctx).service().create(period)
    console.print(created.id)


@charge_app.command("add")
def charge_add(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id")],
    article: Annotated[str, typer.Option(help="Code and article, e.g. 'CC 206.3.2' or 'CAO 535.1'")],
    label: Annotated[str, typer.Option(help="What the article is about")] = "",
    brought: Annotated[str | None, typer.Option(help="Partial date the charge was brought")] = None,
    status: Annotated[
        str, typer.Option(help="pending, convicted, acquitted, dropped or requalified")
    ] = "pending",
    sentence: Annotated[str, typer.Option(help="The sentence, when convicted, e.g. '9 years'")] = "",
    case: Annotated[str | None, typer.Option(help="Id of the case")] = None,
) -> None:
    """Record a charge; prints its id.

    Example: habeas charge add 01JD8X6V0Q4ZC2M8E5T2W9H1AB --article "CC 206.3.2" --brought 2024-05
    """
    from habeas.domain.records import Charge

    code, number = parse_charge_reference(article, "charge.article")
    charge = Charge(
        person_id=person_id,
        case_id=case,
        code=code,
        article=number,
        label=label,
        brought=_date(brought, "charge.brought"),
        status=status,
        sentence=sentence,
    )
    (created,) = _ctx(ctx).service().create(charge)
    console.print(created.id)


def _participants(person: list[str] | None, participant: list[str] | None) -> list[Participant]:
    out = [Participant(person_id=pid, role="victim") for pid in person or []]
    for spec in participant or []:
        pid, _, role = spec.partition(":")
        if not role:
            raise ValidationError("--participant", spec, "write PERSON_ID:ROLE, e.g. 01JD…:judge")
        out.append(Participant(person_id=pid, role=role))
    return out


@event_app.command("add")
def event_add(
    ctx: typer.Context,
    type: Annotated[
        str, typer.Option(help="arrest, remand_hearing, trial_hearing, release… (event_type codes)")
    ],
    date_: Annotated[str, typer.Option("--date", help="Partial date, e.g. 2024-11-20")],
    person: Annotated[
        list[str] | None, typer.Option(help="Id of a person it happened to (victim), repeatable")
    ] = None,
    participant: Annotated[
        list[str] | None, typer.Option(help="PERSON_ID:ROLE, e.g. …:judge, repeatable")
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="Scheduled local time of a hearing, 'YYYY-MM-DD HH:MM'")
    ] = None,
    court: Annotated[str | None, typer.Option(help="Id of the court or facility (organisation)")] = None,
    case: Annotated[str | None, typer.Option(help="Id of the case")] = None,
    outcome: Annotated[str, typer.Option()] = "",
    monitoring_outcome: Annotated[
        str, typer.Option(help="attended, refused_entry, closed_hearing, postponed")
    ] = "",
    place: Annotated[str, typer.Option()] = "",
    visibility: Annotated[str, typer.Option()] = "restricted",
) -> None:
    """Record an event; prints its id.

    Example: habeas event add --type remand_hearing --date 2024-11-20 --person 01JD…
    --monitoring-outcome refused_entry
    """
    scheduled = None
    if at:
        try:
            scheduled = datetime.strptime(at, "%Y-%m-%d %H:%M")
        except ValueError:
            raise ValidationError(
                "event.scheduled_at", at, "write 'YYYY-MM-DD HH:MM', e.g. '2024-11-20 10:00'"
            ) from None
    event = Event(
        type=type,
        date=_date(date_, "event.date"),
        scheduled_at=scheduled,
        organisation_id=court,
        case_id=case,
        participants=_participants(person, participant),
        outcome=outcome,
        monitoring_outcome=monitoring_outcome,
        place=place,
        visibility=visibility,
    )
    (created,) = _ctx(ctx).service().create(event)
    console.print(created.id)


@source_app.command("add")
def source_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option()],
    kind: Annotated[
        str, typer.Option(help="report, news, court_document, interview, official_statement…")
    ] = "other",
    publisher: Annotated[str, typer.Option()] = "",
    author: Annotated[str, typer.Option()] = "",
    published: Annotated[str | None, typer.Option(help="Partial date of publication")] = None,
    url: Annotated[str, typer.Option()] = "",
    language: Annotated[str, typer.Option()] = "",
    reliability: Annotated[str, typer.Option(help="A (completely reliable) … F (cannot be judged)")] = "F",
    credibility: Annotated[str, typer.Option(help="1 (confirmed) … 6 (cannot be judged)")] = "6",
    visibility: Annotated[str, typer.Option()] = "confidential",
    text_file: Annotated[Path | None, typer.Option(help="A file with the source's text")] = None,
) -> None:
    """Record a source (confidential unless you say otherwise); prints its id.

    Example: habeas source add --title "Statement on Azerbaijan" --publisher "Amnesty International"
    --published 2025-01-24
    """
    text = text_file.read_text(encoding="utf-8") if text_file else ""
    source = Source(
        title=title,
        kind=kind,
        publisher=publisher,
        author=author,
        published=_date(published, "source.published"),
        url=url,
        language=language,
        reliability=reliability,
        credibility=credibility,
        visibility=visibility,
        text=text,
    )
    (created,) = _ctx(ctx).service().create(source)
    console.print(created.id)


@app.command()
def cite(
    ctx: typer.Context,
    source_id: Annotated[str, typer.Argument(help="The source's id")],
    record_id: Annotated[str, typer.Argument(help="The id of the fact it supports (any record)")],
    locator: Annotated[str, typer.Option(help="Page, paragraph or section")] = "",
    quote: Annotated[str, typer.Option(help="The quoted span that supports the fact")] = "",
    field_name: Annotated[
        str, typer.Option("--field", help="The one field it supports, if not the whole record")
    ] = "",
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Tie a source to a fact; prints the citation's id.

    Example: habeas cite 01JD8X… 01JD9Y… --locator "p. 3" --quote "was detained on 29 April"
    """
    context = _ctx(ctx)
    kind = context.store().kind_of(record_id)
    citation = context.service().cite(
        source_id, kind, record_id, locator=locator, quote=quote, target_field=field_name, note=note
    )
    console.print(citation.id)


# -- questions ----------------------------------------------------------------


@app.command()
def held(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option(help="The day, YYYY-MM-DD (default: today)")] = None,
    format: Annotated[Format, typer.Option(help="table, json or csv")] = Format.table,
    source: Annotated[
        str | None,
        typer.Option(help="Also count them by the sections of this list document (its source id)"),
    ] = None,
) -> None:
    """Who was held on a day, with counts by group and by custody kind.

    With --source, the people accepted from that list document are also counted by the section
    under which the document lists them (see `habeas review`).

    Example: habeas held --on 2024-11-20 --format json
    """
    from habeas.ingest.review import held_by_section

    with _reading(ctx) as conn:
        report = queries.held_on(conn, _day(on, "--on"))
        sections = held_by_section(conn, report, source) if source else None
    if format is Format.json:
        data = report.as_json() | ({"by_section": sections.as_json()} if sections else {})
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    elif format is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["id", "name", "groups", "kind", "since"])
        for p in report.people:
            writer.writerow([p.id, p.name, "|".join(p.groups), p.kind, p.since])
    else:
        _print_held(report, with_people=True)
        if sections:
            title = f"by section of the list document {sections.source_id}"
            console.print(_counts_table(title, sections.by_section))
            console.print(f"Listed in it: {sections.listed}; held on that day: {sections.held}")


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column("people", justify="right")
    for code, n in counts.items():
        table.add_row(code, str(n))
    return table


def _print_held(report: queries.HeldReport, with_people: bool) -> None:
    console.print(f"[bold]Held on {report.date.isoformat()}: {report.total} people[/bold]")
    restricted = report.restricted.get("total", 0)
    if restricted:
        console.print(f"Under travel ban or in exile (not held): {restricted}")
    console.print(_counts_table("by group (a person in two groups counts in both)", report.by_group))
    console.print(_counts_table("by custody kind", report.by_kind))
    if with_people:
        table = Table("id", "name", "groups", "kind", "since")
        for p in report.people:
            table.add_row(p.id, p.name, ", ".join(p.groups), p.kind, p.since)
        console.print(table)


@app.command()
def timeline(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="A person's id (or a case's)")],
    format: Annotated[ShortFormat, typer.Option(help="table or json")] = ShortFormat.table,
) -> None:
    """The timeline of a person (or a case), each line with its sources.

    Example: habeas timeline 01JD8X6V0Q4ZC2M8E5T2W9H1AB
    """
    store = _ctx(ctx).store()
    kind = store.kind_of(record_id)
    if kind not in ("person", "case"):
        raise ValidationError("record", record_id, f"this is a {kind}; give the id of a person or a case")
    with store.reading() as conn:
        lines = (
            queries.person_timeline(conn, record_id)
            if kind == "person"
            else queries.case_timeline(conn, record_id)
        )
    if format is ShortFormat.json:
        sys.stdout.write(json.dumps([line.as_json() for line in lines], ensure_ascii=False) + "\n")
        return
    table = Table("date", "what", "sources")
    for line in lines:
        sources = "\n".join(
            f"[{c.source_title}{', ' + c.locator if c.locator else ''}]" for c in line.citations
        )
        table.add_row(line.date.text, line.text, sources or "UNSOURCED")
    console.print(table)


@app.command()
def hearings(
    ctx: typer.Context,
    from_: Annotated[str | None, typer.Option("--from", help="First day (default: today)")] = None,
    to: Annotated[str | None, typer.Option(help="Last day (default: 7 days after the first)")] = None,
) -> None:
    """Hearings between two days, to plan trial monitoring.

    Example: habeas hearings --from 2024-11-18 --to 2024-11-24
    """
    from datetime import timedelta

    first = _day(from_, "--from")
    last = _day(to, "--to", first + timedelta(days=7))
    with _reading(ctx) as conn:
        rows = queries.hearings_between(conn, first, last)
    console.print(_hearings_table(rows, f"Hearings {first.isoformat()} to {last.isoformat()}: {len(rows)}"))


def _hearings_table(rows: list[queries.HearingRow], title: str) -> Table:
    table = Table("when", "hearing", "court", "people", "monitoring", title=title, title_justify="left")
    for h in rows:
        when = h.scheduled_at.strftime("%Y-%m-%d %H:%M") if h.scheduled_at else h.date
        table.add_row(when, h.type, h.court, ", ".join(h.people), h.monitoring_outcome)
    return table


@app.command()
def unsourced(
    ctx: typer.Context, limit: Annotated[int, typer.Option(min=0, help="How many ids to list")] = 20
) -> None:
    """Facts that no source supports yet, counted by kind.

    Example: habeas unsourced --limit 50
    """
    with _reading(ctx) as conn:
        facts = queries.unsourced(conn)
    by_kind: dict[str, int] = {}
    for fact in facts:
        by_kind[fact.kind] = by_kind.get(fact.kind, 0) + 1
    table = _counts_table(f"Unsourced facts: {len(facts)}", by_kind)
    table.columns[1].header = "facts"
    console.print(table)
    for fact in facts[:limit]:
        console.print(f"{fact.kind} {fact.id}")


@app.command()
def report(
    ctx: typer.Context, on: Annotated[str | None, typer.Option(help="The day (default: today)")] = None
) -> None:
    """Today's report: who is held, by group and custody kind; hearings of the next 7 days; terms ending.

    Example: habeas report --on 2024-11-20
    """
    from habeas.reports import daily_report

    result = daily_report(_ctx(ctx).store(), _day(on, "--on"))
    _print_held(result.held, with_people=False)
    console.print(_hearings_table(result.hearings, f"Hearings in the next 7 days: {len(result.hearings)}"))
    table = Table(
        "ends",
        "person",
        "custody",
        title=f"Authorised terms ending within 14 days: {len(result.terms_ending)}",
        title_justify="left",
    )
    for term in result.terms_ending:
        table.add_row(term.authorised_until.isoformat(), term.name, term.kind)
    console.print(table)


# -- history and audit ----------------------------------------------------------


@app.command()
def history(ctx: typer.Context, record_id: Annotated[str, typer.Argument(help="Any record's id")]) -> None:
    """Every version of a record: who changed it, when, and which fields changed.

    Example: habeas history 01JD8X6V0Q4ZC2M8E5T2W9H1AB
    """
    versions = _ctx(ctx).store().history(record_id)
    table = Table("version", "action", "at (UTC)", "by", "changed fields")
    previous: dict[str, Any] = {}
    for v in versions:
        data = json.loads(v["data"])
        changed = sorted(k for k in data if data[k] != previous.get(k) and k not in ("version", "updated_at"))
        table.add_row(
            str(v["version"]),
            v["action"] + (f" {v['note']}" if v["note"] else ""),
            str(v["at"])[:19],
            v["actor"],
            ", ".join(changed) if previous else "(created)",
        )
        previous = data
    console.print(table)


@app.command()
def revert(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="The record's id")],
    version: Annotated[int, typer.Argument(help="The version to go back to (see `habeas history`)")],
) -> None:
    """Make an earlier version of a record current again (kept as a new version).

    Example: habeas revert 01JD8X6V0Q4ZC2M8E5T2W9H1AB 2
    """
    record = _ctx(ctx).service().revert(record_id, version)
    console.print(f"{record.KIND} {record.id} is now version {record.version} (a copy of version {version})")


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check every entry of the audit chain; reports the first bad entry and exits 1 if any.

    Example: habeas audit verify
    """
    verdict = _ctx(ctx).store().verify_audit()
    if verdict.ok:
        console.print(f"audit chain intact: {verdict.checked} entries")
        return
    errors.print(
        f"audit chain broken at entry {verdict.first_bad_seq}: {verdict.reason} "
        f"({verdict.checked} entries before it are intact)"
    )
    raise typer.Exit(1)


# -- accounts, tokens and the web app --------------------------------------------

PasswordFile = Annotated[
    Path | None,
    typer.Option(help="Read the password from this file (its first line) instead of asking for it"),
]
GeneratePassword = Annotated[
    bool,
    typer.Option("--generate-password", help="Make up a 20-character password and print it once"),
]


def _say(text: str) -> None:
    """Print as is: no markup, and a secret or URI is never broken across lines."""
    console.print(text, markup=False, soft_wrap=True)


def _password(password_file: Path | None, generate: bool) -> tuple[str, bool]:
    """The password to set, and whether it was generated: from a file, made up, or typed twice."""
    from habeas.accounts import generate_password

    if password_file is not None and generate:
        raise ValidationError(
            "--password-file", str(password_file), "give either --password-file or --generate-password"
        )
    if generate:
        return generate_password(), True
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ValidationError(
                "--password-file", str(password_file), f"it cannot be read ({reason})"
            ) from None
        return (lines[0] if lines else ""), False
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True)), False


def _print_password(username: str, password: str) -> None:
    _say(f"password of {username} (shown once; it will not be shown again): {password}")


def _print_two_factor(new: NewUser) -> None:
    if new.totp_secret is None:
        return
    _say(
        f"two-factor sign-in for {new.user.username}: enter this secret (or the URI, as a QR code) "
        "into an authenticator app now; it will not be shown again"
    )
    _say(f"  secret:      {new.totp_secret}")
    _say(f"  otpauth URI: {new.totp_uri()}")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Sign-in name: lower-case letters, digits, '.', '_', '-'")],
    role: Annotated[str, typer.Option(help="admin, editor, documenter, monitor or viewer")],
    display_name: Annotated[str, typer.Option(help="Shown in the web app (default: the username)")] = "",
    language: Annotated[str, typer.Option(help="Language of the web app: en, az or ru")] = "en",
    two_factor: Annotated[
        bool, typer.Option("--two-factor", help="Sign in with a code from an app too (always for admins)")
    ] = False,
    password_file: PasswordFile = None,
    generate_password: GeneratePassword = False,
) -> None:
    """Add an account for the web app; asks for its password twice (hidden input).

    Admins, and accounts added with --two-factor, also sign in with a code from an authenticator
    app: the secret to enter there is printed once.

    Example: habeas user add amina --role editor --display-name "Amina K." --language az
    """
    accounts = _ctx(ctx).accounts()
    accounts.check_new_user(username, role, language)
    password, generated = _password(password_file, generate_password)
    new = accounts.add_user(
        username, role, password, display_name, language, two_factor=True if two_factor else None
    )
    _say(f"user {username} added ({new.user.role})")
    if generated:
        _print_password(username, password)
    _print_two_factor(new)


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """List the accounts: username, role, two-factor sign-in, disabled.

    Example: habeas user list
    """
    table = Table("username", "role", "two-factor", "disabled")
    for user in _ctx(ctx).accounts().list_users():
        table.add_row(
            user.username, user.role, "yes" if user.two_factor else "no", "yes" if user.disabled else ""
        )
    console.print(table)


@user_app.command("disable")
def user_disable(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
    """Disable an account: its sessions end and its API tokens are revoked; its history stays.

    Example: habeas user disable amina
    """
    _ctx(ctx).accounts().disable(username)
    _say(f"user {username} disabled: its sessions ended and its API tokens are revoked")


@user_app.command("enable")
def user_enable(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
    """Enable a disabled account again (its old API tokens stay revoked).

    Example: habeas user enable amina
    """
    _ctx(ctx).accounts().enable(username)
    _say(f"user {username} enabled")


@user_app.command("role")
def user_role(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument(help="admin, editor, documenter, monitor or viewer")],
) -> None:
    """Change an account's role (an admin needs two-factor sign-in set up first).

    Example: habeas user role amina documenter
    """
    user = _ctx(ctx).accounts().set_role(username, role)
    _say(f"user {username} is now {user.role}")


@user_app.command("reset-2fa")
def user_reset_two_factor(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
    """Give an account a new two-factor secret (for a lost phone); prints it once and ends its sessions.

    Example: habeas user reset-2fa amina
    """
    new = _ctx(ctx).accounts().reset_two_factor(username)
    _print_two_factor(new)


@user_app.command("password")
def user_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument()],
    password_file: PasswordFile = None,
    generate_password: GeneratePassword = False,
) -> None:
    """Set a new password (asked for twice, hidden); ends the account's sessions and unlocks it.

    Example: habeas user password amina --generate-password
    """
    accounts = _ctx(ctx).accounts()
    accounts.get(username)  # a missing account is named before the password is asked for
    password, generated = _password(password_file, generate_password)
    accounts.set_password(username, password)
    _say(f"password of {username} changed; its sessions ended")
    if generated:
        _print_password(username, password)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account the token acts as")],
    label: Annotated[str, typer.Option(help="What the token is for, e.g. 'weekly export'")] = "",
) -> None:
    """Create an API token for an account; prints it once (only its digest is kept).

    Example: habeas token create amina --label "weekly export"
    """
    token = _ctx(ctx).accounts().create_token(username, label)
    sys.stdout.write(token + "\n")
    errors.print(f"API token of {username}: shown once, it will not be shown again; store it now")


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, username: Annotated[str, typer.Argument()]) -> None:
    """Revoke every API token of an account.

    Example: habeas token revoke amina
    """
    count = _ctx(ctx).accounts().revoke_tokens(username)
    _say(f"revoked {count} API token{'' if count == 1 else 's'} of {username}")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 is this computer only")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on")] = 8000,
) -> None:
    """Serve the web app until interrupted (Ctrl+C).

    It speaks plain HTTP: to open it to other computers, put it behind a proxy that adds HTTPS.

    Example: habeas --db habeas.db serve --port 8000
    """
    from habeas.web.server import serve as serve_app  # being written alongside; imported only here

    context = _ctx(ctx)
    serve_app(context.settings, context.passphrase(), host=host, port=port)


def settings_help() -> str:
    """The settings table, for `docs/cli.md`."""
    return "\n".join(f"| `{s.env}` | `{s.default}` | {s.help} |" for s in SETTINGS)


# Commands kept in their own modules register themselves on the groups above when imported.
from habeas import (  # noqa: E402, F401
    cli_dedupe,
    cli_durations,
    cli_editions,
    cli_estimate,
    cli_exchange,
    cli_listdoc,
    cli_merge,
    cli_names,
    cli_publish,
    cli_stats,
    cli_tables,
)


def main() -> None:
    """Entry point: run the app, turning habeas errors into one line and an exit code."""
    try:
        app()
    except HabeasError as exc:
        errors.print(f"error: {exc}", markup=False)
        sys.exit(2 if isinstance(exc, ValidationError) else 1)


if __name__ == "__main__":
    # `python -m habeas.cli` runs this file as __main__, a second copy of the module; the command
    # modules registered themselves on habeas.cli's groups, so run that module's app.
    from habeas.cli import main as registered_main

    registered_main()
