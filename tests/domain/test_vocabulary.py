"""Tests for habeas.domain.vocabulary and for its documentation page."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from habeas.domain.vocabulary import (
    DEFAULT_CONFIDENTIAL_KINDS,
    HEARING_EVENT_TYPES,
    HELD_KINDS,
    LANGUAGES,
    RESTRICTION_KINDS,
    VOCABULARIES,
    Term,
    Vocabulary,
    vocabulary,
)
from habeas.errors import UnknownTerm, ValidationError

DOC = Path(__file__).parents[2] / "docs" / "vocabularies.md"

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# Vocabularies whose codes follow an outside standard instead of snake_case.
SPECIAL_FORMS = {
    "reliability": re.compile(r"^[A-F]$"),
    "credibility": re.compile(r"^[1-6]$"),
    "name_script": re.compile(r"^[A-Z][a-z]{3}$"),  # ISO 15924
}
HURIDOCS_CODE = re.compile(r"^(?:[0-9]{2})+$")


def _codes(words: str) -> tuple[str, ...]:
    return tuple(words.split())


# Published codes, in order. Codes are never renamed or reordered; new ones go at the end.
PUBLISHED: dict[str, tuple[str, ...]] = {
    "visibility": _codes("public restricted confidential"),
    "group": _codes(
        "journalist blogger human_rights_defender opposition_party_member civil_society_activist "
        "peaceful_protester religious_believer national_minority_activist anti_war_activist "
        "academic lawyer relative_of_critic other"
    ),
    "custody_kind": _codes(
        "administrative_detention pre_trial_detention house_arrest police_supervision "
        "imprisonment psychiatric_confinement travel_ban exile"
    ),
    "event_type": _codes(
        "arrest search charge_brought remand_hearing detention_extended trial_hearing verdict "
        "appeal_hearing appeal_ruling cassation_hearing cassation_ruling pardon_or_amnesty "
        "release transfer ill_treatment_alleged hunger_strike medical_care_denied "
        "family_contact_denied lawyer_access_denied monitor_access_denied travel_ban_imposed "
        "travel_ban_lifted assets_frozen smear_campaign dismissal deportation_or_extradition "
        "organisation_closed death_in_custody"
    ),
    "participant_role": _codes("victim perpetrator judge prosecutor investigator lawyer witness monitor"),
    "relationship_type": _codes("spouse parent child sibling relative lawyer_of colleague co_defendant"),
    "charge_status": _codes("pending convicted acquitted dropped requalified"),
    "pace_criterion": _codes(
        "fundamental_guarantee_violated purely_political_no_offence "
        "disproportionate_for_political_motives discriminatory unfair_proceedings_political"
    ),
    "assessment_conclusion": _codes(
        "political_prisoner politically_persecuted not_political_prisoner under_review"
    ),
    "source_kind": _codes("report news court_document interview official_statement social_media other"),
    "reliability": _codes("A B C D E F"),
    "credibility": _codes("1 2 3 4 5 6"),
    "organisation_kind": _codes(
        "media_outlet ngo political_party movement religious_community court detention_facility "
        "state_body other"
    ),
    "organisation_status": _codes("active closed in_exile liquidated"),
    "intervention_kind": _codes(
        "prison_visit_request hearing_attendance_request appeal_to_authorities un_communication "
        "statement other"
    ),
    "intervention_response": _codes("pending granted refused no_answer"),
    "monitoring_outcome": _codes("attended refused_entry closed_hearing postponed"),
    "name_script": _codes("Latn Cyrl Arab"),
    "name_kind": _codes("native transliteration alias former"),
    "sex": _codes("female male other unknown"),
    "date_precision": _codes("exact month year approximate uncertain unknown"),
    "outside_contact": _codes(
        "family_contact_denied lawyer_access_denied incommunicado whereabouts_unknown contact_allowed"
    ),
    "legal_counsel": _codes("own_lawyer state_appointed_lawyer lawyer_denied no_lawyer unknown"),
    "medical_attention": _codes("provided inadequate denied not_needed unknown"),
}

ALL_VOCABULARIES = list(VOCABULARIES.values())
ALL_TERMS = [(v, t) for v in ALL_VOCABULARIES for t in v.terms]


def _ids(value: object) -> str:
    if isinstance(value, Vocabulary):
        return value.name
    if isinstance(value, Term):
        return value.code
    return str(value)


# --- the data -----------------------------------------------------------------------------------


def test_every_published_vocabulary_exists_and_nothing_else() -> None:
    assert set(VOCABULARIES) == set(PUBLISHED)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_codes_keep_their_order(name: str) -> None:
    codes = vocabulary(name).codes()
    published = PUBLISHED[name]
    # New terms may only be appended after the published ones.
    assert codes[: len(published)] == published


def test_outside_contact_only_appends_to_the_published_codes() -> None:
    extra = vocabulary("outside_contact").codes()[len(PUBLISHED["outside_contact"]) :]
    assert extra == ("custody_denied", "monitor_access_denied", "unknown")


@pytest.mark.parametrize("vocab", ALL_VOCABULARIES, ids=_ids)
def test_codes_are_unique(vocab: Vocabulary) -> None:
    codes = vocab.codes()
    assert len(codes) == len(set(codes))
    assert codes == tuple(t.code for t in vocab.terms)


@pytest.mark.parametrize("vocab", ALL_VOCABULARIES, ids=_ids)
def test_codes_are_snake_case_or_a_documented_special_form(vocab: Vocabulary) -> None:
    pattern = SPECIAL_FORMS.get(vocab.name, SNAKE_CASE)
    for code in vocab.codes():
        assert pattern.fullmatch(code), f"{vocab.name}: {code!r}"


@pytest.mark.parametrize(("vocab", "term"), ALL_TERMS, ids=_ids)
def test_every_term_has_a_label_and_all_slots(vocab: Vocabulary, term: Term) -> None:
    assert term.en.strip() == term.en and term.en
    for slot in ("az", "ru", "huridocs"):
        assert hasattr(term, slot)
    for value in (term.az, term.ru):
        assert value is None or (value.strip() == value and value)
    if term.huridocs is not None:
        assert HURIDOCS_CODE.fullmatch(term.huridocs), term.huridocs
        assert vocab.huridocs_thesaurus is not None


@pytest.mark.parametrize("vocab", ALL_VOCABULARIES, ids=_ids)
def test_vocabulary_has_a_description(vocab: Vocabulary) -> None:
    assert vocab.description.strip()
    if vocab.huridocs_thesaurus is not None:
        assert vocab.huridocs_thesaurus.startswith("ESF Micro-thesaurus ")
        assert any(t.huridocs for t in vocab.terms)


def test_vocabularies_are_read_only() -> None:
    with pytest.raises(TypeError):
        VOCABULARIES["sex"] = VOCABULARIES["visibility"]  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        VOCABULARIES["sex"].name = "gender"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        VOCABULARIES["sex"].terms[0].en = "Woman"  # type: ignore[misc]


def test_a_vocabulary_refuses_duplicate_or_missing_terms() -> None:
    with pytest.raises(ValueError, match="repeats"):
        Vocabulary("x", "test", (Term("a", "A"), Term("a", "Another A")))
    with pytest.raises(ValueError, match="no terms"):
        Vocabulary("x", "test", ())


# --- the sets other modules rely on -------------------------------------------------------------


def test_held_and_restriction_kinds_split_the_custody_kinds() -> None:
    custody = set(vocabulary("custody_kind").codes())
    assert HELD_KINDS | RESTRICTION_KINDS == custody
    assert not HELD_KINDS & RESTRICTION_KINDS
    assert RESTRICTION_KINDS == {"travel_ban", "exile"}


def test_hearing_event_types_are_event_types() -> None:
    assert HEARING_EVENT_TYPES <= set(vocabulary("event_type").codes())
    assert HEARING_EVENT_TYPES == {"remand_hearing", "trial_hearing", "appeal_hearing", "cassation_hearing"}


def test_default_confidential_kinds() -> None:
    assert DEFAULT_CONFIDENTIAL_KINDS == {"source", "relationship", "citation"}
    assert "confidential" in vocabulary("visibility")


def test_the_sets_are_frozen() -> None:
    for value in (HELD_KINDS, RESTRICTION_KINDS, HEARING_EVENT_TYPES, DEFAULT_CONFIDENTIAL_KINDS):
        assert isinstance(value, frozenset)


# --- lookups and errors -------------------------------------------------------------------------


def test_contains_accepts_any_object() -> None:
    sex = vocabulary("sex")
    assert "female" in sex
    assert "Female" not in sex
    assert None not in sex
    assert 1 not in vocabulary("credibility")
    assert "1" in vocabulary("credibility")


def test_get_and_check_return_the_term_and_the_code() -> None:
    custody = vocabulary("custody_kind")
    assert custody.get("house_arrest").code == "house_arrest"
    assert custody.check("house_arrest") == "house_arrest"
    assert custody.check("exile", field="custody.kind") == "exile"


def test_check_names_the_field_the_value_and_the_allowed_codes() -> None:
    custody = vocabulary("custody_kind")
    with pytest.raises(UnknownTerm) as caught:
        custody.check("jail", field="custody.kind")
    error = caught.value
    assert isinstance(error, ValidationError)
    assert error.field == "custody.kind"
    assert error.value == "jail"
    assert error.vocabulary == "custody_kind"
    assert error.codes == custody.codes()
    message = str(error)
    assert "custody.kind" in message
    assert "'jail'" in message
    for code in custody.codes():
        assert code in message


def test_check_without_a_field_names_the_vocabulary() -> None:
    with pytest.raises(UnknownTerm) as caught:
        vocabulary("sex").check("f")
    assert caught.value.field == "sex"
    assert "female, male, other, unknown" in str(caught.value)


def test_get_raises_unknown_term() -> None:
    with pytest.raises(UnknownTerm) as caught:
        vocabulary("reliability").get("G")
    error = caught.value
    assert (error.field, error.value, error.vocabulary) == ("reliability", "G", "reliability")
    assert "A, B, C, D, E, F" in str(error)


def test_check_refuses_a_non_string() -> None:
    with pytest.raises(UnknownTerm):
        vocabulary("credibility").check(3)  # type: ignore[arg-type]


def test_unknown_vocabulary_raises_unknown_term_not_key_error() -> None:
    with pytest.raises(UnknownTerm) as caught:
        vocabulary("colour")
    error = caught.value
    assert not isinstance(error, KeyError)
    assert (error.field, error.value, error.vocabulary) == ("vocabulary", "colour", "vocabularies")
    assert set(error.codes) == set(VOCABULARIES)
    assert "custody_kind" in str(error)


# --- labels ---------------------------------------------------------------------------------------


def test_label_in_each_language() -> None:
    group = vocabulary("group")
    assert group.label("journalist") == "Journalist"
    assert group.label("journalist", "az") == "Jurnalist"
    assert group.label("journalist", "ru") == "Журналист"


def test_label_falls_back_to_english_when_the_slot_is_empty() -> None:
    term = Term("x", "Ex", ru="Экс")
    assert term.label("az") == "Ex"
    assert term.label("ru") == "Экс"
    assert Term("x", "Ex").label("ru") == "Ex"


def test_label_falls_back_to_english_for_an_unsupported_language() -> None:
    assert vocabulary("sex").label("female", "fr") == "Female"
    assert LANGUAGES == ("en", "az", "ru")


def test_label_of_an_unknown_code_raises() -> None:
    with pytest.raises(UnknownTerm):
        vocabulary("sex").label("f")


# --- docs/vocabularies.md -----------------------------------------------------------------------


def _doc_sections() -> dict[str, str]:
    """Sections of the page by vocabulary name: from a '## `name`' heading to the next '## '."""
    text = DOC.read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for chunk in re.split(r"(?m)^## ", text)[1:]:
        heading = re.match(r"`([^`]+)`", chunk)
        if heading:
            sections[heading.group(1)] = chunk
    return sections


def _row(section: str, code: str) -> str | None:
    for line in section.splitlines():
        if line.startswith(f"| `{code}` |"):
            return line
    return None


def test_doc_exists() -> None:
    assert DOC.is_file(), DOC


@pytest.mark.parametrize("vocab", ALL_VOCABULARIES, ids=_ids)
def test_doc_lists_every_code(vocab: Vocabulary) -> None:
    sections = _doc_sections()
    assert vocab.name in sections, f"docs/vocabularies.md has no section '## `{vocab.name}`'"
    section = sections[vocab.name]
    missing = [code for code in vocab.codes() if _row(section, code) is None]
    assert not missing, f"docs/vocabularies.md, section {vocab.name}: no table row for {missing}"


@pytest.mark.parametrize("vocab", ALL_VOCABULARIES, ids=_ids)
def test_doc_gives_the_same_huridocs_codes(vocab: Vocabulary) -> None:
    section = _doc_sections()[vocab.name]
    if vocab.huridocs_thesaurus is None:
        assert "no match found" in section
        return
    assert vocab.huridocs_thesaurus.removeprefix("ESF ") in section
    for term in vocab.terms:
        row = _row(section, term.code)
        assert row is not None
        if term.huridocs is None:
            assert "no match found" in row, row
        else:
            assert f"`{term.huridocs}`" in row, row


def test_doc_has_no_section_for_an_unknown_vocabulary() -> None:
    assert set(_doc_sections()) <= set(VOCABULARIES)
