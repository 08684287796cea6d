"""Invented Azerbaijani names for the demo, in three spellings: Azerbaijani Latin, English, Russian.

Given names and surname roots are common ones; the people are invented by
combining them at random, so any match with a real person is a coincidence.
The English spelling is derived by a small letter table; the Russian one is
written out per name, because Russian spellings follow convention more than
rules (Məmmədov is Мамедов, Həsənov is Гасанов, Kərimov is Керимов).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from habeas.domain.records import PersonName

#: Azerbaijani Latin letters and how English-language media usually write them.
ENGLISH_LETTERS: dict[str, str] = {
    "ə": "a",
    "Ə": "A",
    "ı": "i",
    "İ": "I",
    "ş": "sh",
    "Ş": "Sh",
    "ç": "ch",
    "Ç": "Ch",
    "ğ": "gh",
    "Ğ": "Gh",
    "ö": "o",
    "Ö": "O",
    "ü": "u",
    "Ü": "U",
    "x": "kh",
    "X": "Kh",
    "c": "j",
    "C": "J",
    "q": "g",
    "Q": "G",
    "j": "zh",
    "J": "Zh",
}
_TO_ENGLISH = str.maketrans(ENGLISH_LETTERS)


def to_english(text: str) -> str:
    """The English-style spelling of an Azerbaijani Latin name: Məmmədov → Mammadov."""
    return text.translate(_TO_ENGLISH)


# Azerbaijani Latin, then the usual Russian spelling.
_MALE = """
Anar Анар; Elçin Эльчин; Rəşad Рашад; Tural Турал; Orxan Орхан; Elnur Эльнур; Ramil Рамиль;
Vüqar Вугар; Elvin Эльвин; Kamran Камран; İlqar Ильгар; Əli Али; Hüseyn Гусейн; Məmməd Мамед;
Rauf Рауф; Azər Азер; Tofiq Тофик; Rövşən Ровшан; Fuad Фуад; Emin Эмин; Nicat Ниджат; Cavid Джавид;
Ülvi Ульви; Elşən Эльшан; Şahin Шахин; Zaur Заур; Ceyhun Джейхун; Samir Самир; Vüsal Вусал;
Nurlan Нурлан; Babək Бабек; Mahir Махир; Ruslan Руслан; Fərid Фарид; Elmar Эльмар; Rüfət Руфат;
Sahib Сахиб; Tahir Тахир; Yaşar Яшар; Eldar Эльдар; Arif Ариф; Natiq Натиг; Əziz Азиз; Pərviz Парвиз;
Bəhruz Бахруз; Kənan Кенан; Qabil Габиль; Taleh Талех; Mübariz Мубариз; Həmid Гамид; Cəlal Джалал;
Fəxri Фахри; İlkin Илькин; Səbuhi Сабухи
"""
_FEMALE = """
Leyla Лейла; Günel Гюнель; Aynur Айнур; Nərmin Нармин; Səbinə Сабина; Aytən Айтен; Ülviyyə Ульвия;
Sevinc Севиндж; Könül Кёнуль; Fidan Фидан; Nigar Нигяр; Aygün Айгюн; Xədicə Хадиджа; Gülnar Гюльнар;
Lalə Лала; Şəhla Шахла; Arzu Арзу; Səadət Саадат; Nərgiz Наргиз; Aysel Айсель; Elnarə Эльнара;
Vüsalə Вусала; Zəhra Захра; Türkan Тюркан; Gülər Гюлер; Samirə Самира; Təranə Тарана; Rəna Рена;
Sona Сона; Kəmalə Камала; Fərqanə Фаргана; Aida Аида; Günay Гюнай; İlahə Илаха; Məleykə Малейка;
Pərvanə Парвана; Afət Афет; Ayan Аян
"""
# A surname root (Azerbaijani, Russian) and the surname forms it takes: "ov" (-ov/-yev, -ova/-yeva),
# "li" (-li/-lı/-lu/-lü by vowel harmony, the same for women and men) and "zadə".
_ROOTS = """
Məmməd Мамед ov li zadə; Həsən Гасан ov li zadə; Hüseyn Гусейн ov li zadə; Əli Али ov zadə;
Quli Кули ov zadə; Qasım Касум ov li; Cəfər Джафар ov li; Xəlil Халил ov li; Rəhim Рагим ov li;
Nəsib Насиб ov li; Vəli Вели ov; İsmayıl Исмаил ov li zadə; Abbas Аббас ov li; Hacı Гаджи ov zadə;
Baba Баба ov; Süleyman Сулейман ov li; Əhməd Ахмед ov li; Kərim Керим ov li; Rəsul Расул ov li zadə;
Nağı Наги ov; Səfər Сафар ov li; Zeynal Зейнал ov li; İbrahim Ибрагим ov li; Mustafa Мустафа ov zadə;
Bağır Багир ov li zadə; Ağa Ага ov; Hümbət Гумбат ov; Novruz Новруз ov li; Əsgər Аскер ov li;
Cavad Джавад ov li; Qəhrəman Гахраман ov li; Tağı Таги ov zadə; Sadıq Садыг ov li; Sultan Султан ov li;
Yusif Юсиф ov li zadə; Eyvaz Эйваз ov li; Heydər Гейдар ov li; Musa Муса ov; İsa Иса ov; Rza Рза ov;
Namaz Намаз ov li; Bayram Байрам ov li; Nəbi Наби ov; Səməd Самед ov li zadə; Vəzir Везир ov li;
Şükür Шукюр ov li; Əmir Амир ov li; Fətəli Фатали ov
"""

_VOWELS = "aıoueəiöü"
# The -li suffix follows the root's last vowel (four-way vowel harmony); Russian keeps it as heard.
_LI_FORMS = {
    "a": "lı",
    "ı": "lı",
    "o": "lu",
    "u": "lu",
    "e": "li",
    "ə": "li",
    "i": "li",
    "ö": "lü",
    "ü": "lü",
}
_RUSSIAN_LI = {"li": "ли", "lı": "лы", "lu": "лу", "lü": "лю"}


@dataclass(frozen=True)
class Spelling:
    """One name in Azerbaijani Latin and Russian Cyrillic; English is derived."""

    az: str
    ru: str

    @property
    def en(self) -> str:
        return to_english(self.az)


@dataclass(frozen=True)
class Surname:
    """A surname's male and female forms (the same for -li and -zadə surnames)."""

    male: Spelling
    female: Spelling

    def form(self, sex: str) -> Spelling:
        return self.female if sex == "female" else self.male


def _pairs(table: str) -> tuple[Spelling, ...]:
    return tuple(Spelling(*entry.split()) for entry in table.replace("\n", " ").split(";"))


def _surnames(table: str) -> tuple[Surname, ...]:
    out: list[Surname] = []
    for entry in table.replace("\n", " ").split(";"):
        az, ru, *forms = entry.split()
        for form in forms:
            out.append(_surname(az, ru, form))
    return tuple(out)


def _surname(az: str, ru: str, form: str) -> Surname:
    if form == "ov":
        ends_in_vowel = az[-1] in _VOWELS
        az_suffix, ru_suffix = ("yev", "ев") if ends_in_vowel else ("ov", "ов")
        male = Spelling(az + az_suffix, ru + ru_suffix)
        return Surname(male, Spelling(male.az + "a", male.ru + "а"))
    if form == "li":
        last_vowel = next(c for c in reversed(az.lower()) if c in _VOWELS)
        suffix = _LI_FORMS[last_vowel]
        same = Spelling(az + suffix, ru + _RUSSIAN_LI[suffix])
        return Surname(same, same)
    if form == "zadə":
        same = Spelling(az + "zadə", ru + "заде")
        return Surname(same, same)
    raise ValueError(f"unknown surname form {form!r}")


MALE_NAMES: tuple[Spelling, ...] = _pairs(_MALE)
FEMALE_NAMES: tuple[Spelling, ...] = _pairs(_FEMALE)
SURNAMES: tuple[Surname, ...] = _surnames(_ROOTS)
# The one real person the demo records; an invented person never gets exactly this name.
_RESERVED = frozenset({"Anar Məmmədli"})


@dataclass(frozen=True)
class FullName:
    """A given name and a family name, in the form for the person's sex."""

    given: Spelling
    family: Surname
    sex: str

    @property
    def surname(self) -> Spelling:
        return self.family.form(self.sex)

    @property
    def az(self) -> str:
        return f"{self.given.az} {self.surname.az}"

    @property
    def en(self) -> str:
        return f"{self.given.en} {self.surname.en}"

    @property
    def ru(self) -> str:
        return f"{self.given.ru} {self.surname.ru}"

    def person_names(self) -> list[PersonName]:
        """The three spellings as a person's names, the native one first."""
        return [
            PersonName(value=self.az, script="Latn", language="az", kind="native"),
            PersonName(value=self.en, script="Latn", language="en", kind="transliteration"),
            PersonName(value=self.ru, script="Cyrl", language="ru", kind="transliteration"),
        ]


def invent_name(rng: random.Random, sex: str, family: Surname | None = None) -> FullName:
    """A random given name for `sex` with `family` (a random one if None), never a reserved name."""
    given_names = FEMALE_NAMES if sex == "female" else MALE_NAMES
    while True:
        surname = family or SURNAMES[rng.randrange(len(SURNAMES))]
        name = FullName(given_names[rng.randrange(len(given_names))], surname, sex)
        if name.az not in _RESERVED:
            return name
