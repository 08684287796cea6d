"""The interface in English, Azerbaijani and Russian: complete catalogues, vocabulary labels, names by script.

The catalogue tests extract the messages from the source exactly as `make messages`
does (babel.cfg), so a new `_("…")` without an Azerbaijani and a Russian
translation fails here until `make messages` is run and the catalogues filled in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from habeas.domain.records import Person, PersonName
from habeas.domain.vocabulary import VOCABULARIES, Term, vocabulary
from habeas.service import Service
from habeas.web import i18n

from .conftest import WebDb

Client = Callable[[str], TestClient]
ROOT = Path(__file__).parents[2]
TRANSLATED = ("az", "ru")
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Letters of the Azerbaijani Latin alphabet (and nothing Cyrillic or English-only, such as w).
AZ_LETTERS = set("abcçdeəfgğhxıijkqlmnoöprsştuüvyz")

# Invented people, each with a name in Latin and in Cyrillic script.
LATIN, CYRILLIC_NAME = "Nərgiz Xudaverdiyeva", "Наргиз Худавердиева"
LATIN_2, CYRILLIC_2 = "Rövşən Qəhrəmanlı", "Ровшан Гахраманлы"


def shown(html: str, text: str) -> bool:
    return escape(text) in html or escape(text, quote=False) in html


def extracted_msgids() -> set[str]:
    """Every message id `make messages` extracts, found with babel.cfg's own method map."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")  # type: ignore[no-untyped-call]
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map):
        found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def catalog(lang: str) -> Catalog:
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# -- the catalogues ------------------------------------------------------------------------


def test_extraction_finds_the_templates_python_and_data_words() -> None:
    msgids = extracted_msgids()
    # From a template, from form_fields.py (N_) and from messages_extra.py (roles, actions, kinds).
    assert {"Held today", "Date of birth", "viewer", "retract", "custody_period"} <= msgids
    assert len(msgids) > 250


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_extracted_message_has_a_translation(lang: str) -> None:
    entries = {m.id: m for m in catalog(lang) if m.id}
    missing = sorted(m for m in extracted_msgids() if m not in entries or not entries[m].string)
    fuzzy = sorted(m for m in extracted_msgids() if m in entries and entries[m].fuzzy)
    assert not missing, f"run `make messages` and translate into {lang}: {missing}"
    assert not fuzzy, f"{lang}: fuzzy (ignored) translations: {fuzzy}"
    # What the app reads back is the same: every message translated, none left in English.
    messages = i18n.catalogue(lang)
    untranslated = sorted(m for m in extracted_msgids() if messages.get(m, m) == m and m not in SAME_IN)
    assert not untranslated, f"{lang}: translation equals the English: {untranslated}"


# Messages whose translation may rightly be the English text itself.
SAME_IN: frozenset[str] = frozenset()


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_placeholder(lang: str) -> None:
    checked = 0
    for message in catalog(lang):
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        assert isinstance(message.string, str)
        assert placeholders(message.string) == placeholders(message.id), (lang, message.id, message.string)
        checked += bool(placeholders(message.id))
    assert checked, "no message with a placeholder: the check above checked nothing"
    # Babel's own checker (python-format flags) agrees.
    problems = [(m.id, errors) for m, errors in catalog(lang).check() if errors]
    assert not problems, problems


def test_the_placeholder_check_can_fail() -> None:
    assert placeholders("the value “%(given)s” is not accepted.") == ["%(given)s"]
    assert placeholders("значение «%(дано)s» не принимается.") != placeholders("the value “%(given)s”")


def test_azerbaijani_is_in_latin_script_and_russian_in_cyrillic() -> None:
    az, ru = i18n.catalogue("az"), i18n.catalogue("ru")
    for msgid, text in az.items():
        words = PLACEHOLDER.sub("", text)  # a placeholder's name is English, and never shown
        letters = {c for c in words.lower() if c.isalpha()}
        assert letters <= AZ_LETTERS, (msgid, text, letters - AZ_LETTERS)
    for msgid, text in ru.items():
        assert CYRILLIC.search(text), (msgid, text)


# -- the vocabularies ----------------------------------------------------------------------

ALL_TERMS = [(v.name, t) for v in VOCABULARIES.values() for t in v.terms]


@pytest.mark.parametrize(("name", "term"), ALL_TERMS, ids=[f"{n}.{t.code}" for n, t in ALL_TERMS])
def test_every_term_has_an_azerbaijani_and_a_russian_label(name: str, term: Term) -> None:
    assert term.az and term.az.strip() == term.az, f"{name}.{term.code} has no Azerbaijani label"
    assert term.ru and term.ru.strip() == term.ru, f"{name}.{term.code} has no Russian label"
    assert {c for c in term.az.lower() if c.isalpha()} <= AZ_LETTERS, term.az
    assert CYRILLIC.search(term.ru) and not CYRILLIC.search(term.az), (term.az, term.ru)
    assert vocabulary(name).label(term.code, "az") == term.az
    assert vocabulary(name).label(term.code, "ru") == term.ru


# -- through the app -----------------------------------------------------------------------

HEADINGS = {
    "en": ("Held today", "Recent changes", "Hearings in the next 7 days"),
    "az": ("Bu gün azadlıqdan məhrum olanlar", "Son dəyişikliklər", "Növbəti 7 gündə məhkəmə iclasları"),
    "ru": ("Лишены свободы сегодня", "Последние изменения", "Судебные заседания в ближайшие 7 дней"),
}
PEOPLE = {
    "en": ("People", "Name, in any spelling or script", "Sign out"),
    "az": ("Şəxslər", "Ad, istənilən yazılışda və ya əlifbada", "Çıxış"),
    "ru": ("Люди", "Имя в любом написании и алфавите", "Выйти"),
}
ROLE_SHOWN = {"en": "(editor)", "az": "(redaktor)", "ru": "(редактор)"}
CREATED = {
    "en": "editor1: create person",
    "az": "editor1: yaradılma şəxs",
    "ru": "editor1: создание человека",
}


def in_language(client: Client, lang: str) -> TestClient:
    """An editor's client whose interface language was chosen with the switcher's link."""
    editor = client("editor")
    response = editor.get(f"/language/{lang}", params={"next": "/people"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/people"
    return editor


@pytest.mark.parametrize("lang", ["en", "az", "ru"])
def test_dashboard_in_each_language(client: Client, two_scripts: tuple[str, str], lang: str) -> None:
    page = in_language(client, lang).get("/")
    assert page.status_code == 200
    html = page.text
    assert f'<html lang="{lang}">' in html
    for heading in HEADINGS[lang]:
        assert shown(html, heading), heading
    for other in {"en", "az", "ru"} - {lang}:
        assert not any(shown(html, h) for h in HEADINGS[other]), other
    assert ROLE_SHOWN[lang] in html
    # The newest changes are the two people the fixture created: action and kind are translated.
    assert CREATED[lang] in html
    # Each group and custody kind counted on the dashboard is labelled in the page's language.
    groups = set(re.findall(r'href="/people\?group=(\w+)&', html))
    kinds = set(re.findall(r'href="/people\?kind=(\w+)&', html))
    assert groups and kinds
    for name, codes in (("group", groups), ("custody_kind", kinds)):
        for code in codes:
            term = vocabulary(name).get(code)
            assert shown(html, term.label(lang)), (name, code, term.label(lang))
            if lang != "en":
                assert not re.search(rf">{re.escape(escape(term.en))}</a>", html), (code, term.en)


@pytest.mark.parametrize("lang", ["en", "az", "ru"])
def test_people_list_in_each_language(client: Client, lang: str) -> None:
    html = in_language(client, lang).get("/people").text
    heading, *texts = PEOPLE[lang]
    assert f"<h1>{escape(heading)}</h1>" in html
    for text in texts:
        assert shown(html, text), text
    # Every group and custody kind in the filters, in the page's language.
    options = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', html))
    for code in vocabulary("group").codes():
        assert options[code] == escape(vocabulary("group").label(code, lang)), code
    for code in ("pre_trial_detention", "house_arrest", "administrative_detention"):
        assert options[code] == escape(vocabulary("custody_kind").label(code, lang)), code
    if lang != "en":
        assert "Pre-trial detention" not in html and "Journalist" not in html


def test_switching_language_changes_the_next_page(client: Client) -> None:
    editor = in_language(client, "ru")
    assert shown(editor.get("/").text, "Сводка")
    editor.get("/language/az", params={"next": "/"})
    page = editor.get("/").text
    assert shown(page, "İcmal") and not shown(page, "Сводка")
    editor.get("/language/xx", params={"next": "/"})  # unknown: the choice stays
    assert shown(editor.get("/").text, "İcmal")


@pytest.fixture
def two_scripts(web_db: WebDb) -> tuple[str, str]:
    """Two public people, one listed Latin name first and one Cyrillic first."""
    store = web_db.store()
    try:
        latin_first = Person(
            names=[
                PersonName(value=LATIN, script="Latn", language="az"),
                PersonName(value=CYRILLIC_NAME, script="Cyrl", language="ru", kind="transliteration"),
            ],
            groups=["journalist"],
            visibility="public",
        )
        cyrillic_first = Person(
            names=[
                PersonName(value=CYRILLIC_2, script="Cyrl", language="ru"),
                PersonName(value=LATIN_2, script="Latn", language="az", kind="transliteration"),
            ],
            groups=["blogger"],
            visibility="public",
        )
        made = Service(store, actor="editor1").create(latin_first, cyrillic_first)
    finally:
        store.close()
    return made[0].id, made[1].id


SHOWN_NAME = {"en": (LATIN, LATIN_2), "az": (LATIN, LATIN_2), "ru": (CYRILLIC_NAME, CYRILLIC_2)}


@pytest.mark.parametrize("lang", ["en", "az", "ru"])
def test_names_are_shown_in_the_script_of_the_interface_language(
    client: Client, two_scripts: tuple[str, str], lang: str
) -> None:
    editor = in_language(client, lang)
    for person_id, wanted, query in zip(
        two_scripts, SHOWN_NAME[lang], ("Xudaverdiyeva", "Ровшан"), strict=True
    ):
        page = editor.get(f"/people/{person_id}").text
        assert f'<h1 id="person-name">{escape(wanted)}' in page, (lang, wanted)
        listing = editor.get("/people", params={"q": query}).text
        assert f'<a href="/people/{person_id}">{escape(wanted)}</a>' in listing, (lang, wanted)
    # The group of each is labelled in the language too.
    page = editor.get(f"/people/{two_scripts[0]}").text
    assert shown(page, vocabulary("group").label("journalist", lang))


@pytest.mark.parametrize("lang", ["az", "ru"])
def test_a_person_timeline_is_said_in_the_interface_language(
    client: Client, web_db: WebDb, lang: str
) -> None:
    """Timeline lines come as phrases with codes; the page says them with the language's labels."""
    from habeas.storage import queries

    store = web_db.store()
    try:
        with store.reading() as conn:
            lines = []
            for row in queries.search_people(conn, "", 60, 0):
                lines = queries.person_timeline(conn, row.id)
                if any(line.phrase == "custody_begins" for line in lines):
                    person_id = row.id
                    break
    finally:
        store.close()
    begins = next(line for line in lines if line.phrase == "custody_begins")
    said = i18n.timeline_text(begins, lang)
    label = vocabulary("custody_kind").label(begins.values["kind"], lang)
    assert said.startswith(label) and "begins" not in said
    page = in_language(client, lang).get(f"/people/{person_id}").text
    assert shown(page, said)
    assert f"{begins.values['kind']} begins" not in page, "the English line with a raw code is gone"
    for line in lines:
        text = i18n.timeline_text(line, lang)
        assert text and "%(" not in text, (line.phrase, text)
