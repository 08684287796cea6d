"""Hidden people's names replaced inside published text, whatever the case, never a namesake's."""

from habeas.publishing.name_scrub import WITHHELD, NameScrubber


def test_every_stored_spelling_is_replaced_whatever_the_case() -> None:
    scrubber = NameScrubber(["Anar Zeynalli", "Анар Зейналлы"])
    text = "ANAR ZEYNALLI detained; Анар Зейналлы в суде; anar zeynalli again."
    assert scrubber.scrub(text) == f"{WITHHELD} detained; {WITHHELD} в суде; {WITHHELD} again."


def test_the_longest_spelling_wins_and_words_must_match_whole() -> None:
    scrubber = NameScrubber(["Faraj Karimov", "Faraj Karimov Raqif oğlu"])
    assert scrubber.scrub("Faraj Karimov Raqif oğlu was tried") == f"{WITHHELD} was tried"
    assert scrubber.scrub("Faraj Karimovich spoke") == "Faraj Karimovich spoke"


def test_single_words_and_namesakes_are_left_alone() -> None:
    scrubber = NameScrubber(["Tural", "Leyla Qasımova", "Elnur Məmmədov"], shown=["Leyla Qasımova"])
    text = "Tural met Leyla Qasımova and Elnur Məmmədov"
    assert scrubber.scrub(text) == f"Tural met Leyla Qasımova and {WITHHELD}"


def test_text_without_names_is_returned_as_it_is() -> None:
    scrubber = NameScrubber(["Anar Zeynalli"])
    text = "Nothing to see"
    assert scrubber.scrub(text) is text
    assert not NameScrubber([]) and scrubber
