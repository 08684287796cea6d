"""Keys for comparing names: `search_key` (as written) and `skeleton` (across scripts and spellings).

`search_key("Məmmədli")` is `memmedli`: casefolded, accents stripped, and the
Azerbaijani letters without a decomposition (ə, ı) folded to their usual ASCII
stand-ins, so each stored spelling is searched as written. `skeleton` is far
coarser: "Məmmədli", "Мамедли", "Mammadli" and "Mamedli" all give `mamadla`.
People search matches a name on either key.
"""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not split into base + accent.
_FOLD = str.maketrans({"ə": "e", "ı": "i", "ё": "е", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def search_key(name: str) -> str:
    """Lower-case, accent-free, single-spaced form of `name` for comparison."""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(stripped.split())


# -- skeleton -------------------------------------------------------------------
#
# Every letter becomes one *sound class*, written as a short ASCII symbol; the
# symbols below are the whole output alphabet (with the space and any character
# no table names, kept as it is).
_VOWEL = "a"
# Sounds that Azerbaijani, Russian and English spellings of the same name trade for
# one another: Həsən/Гасан/Hasan (h, г), Şahin/Шахин (h, х), Qasım/Касум (q, к),
# Vüqar/Вугар/Vugar (q, г, g), Xədicə/Хадиджа/Khadija (x, х, kh), Bağır/Багир (ğ, г).
_VELAR = "g"
_SH, _CH, _J = "sh", "ch", "j"

# Several letters read as one sound; tried longest first, before single letters.
_SEQUENCES: dict[str, str] = {
    "dzh": _J,  # Dzhafarov (Russian-style romanisation of Джафаров)
    "дж": _J,
    "dj": _J,  # Djavid (French-style)
    "zh": _J,
    "sh": _SH,
    "ch": _CH,
    "kh": _VELAR,
    "gh": _VELAR,
}

_LETTERS: dict[str, str] = {
    # vowels, and the letters that only colour a vowel (y, й, the Azerbaijani Cyrillic ј)
    **dict.fromkeys("aeiouyəıöüаеёиоуыэюяіїєәөүј", _VOWEL),
    # the velar and glottal sounds, folded together (see _VELAR)
    **dict.fromkeys("gğqkhxгкхғҝһґ", _VELAR),
    # c is Azerbaijani c (Cavid, Джавид); j is English j or Azerbaijani j (ж): all one class
    **dict.fromkeys("cjжҹ", _J),
    **dict.fromkeys("şш", _SH),
    **dict.fromkeys("çч", _CH),
    "щ": _SH + _CH,
    "ц": "ts",
    **dict.fromkeys("bб", "b"),
    **dict.fromkeys("dд", "d"),
    **dict.fromkeys("fф", "f"),
    **dict.fromkeys("lл", "l"),
    **dict.fromkeys("mм", "m"),
    **dict.fromkeys("nн", "n"),
    **dict.fromkeys("pп", "p"),
    **dict.fromkeys("rр", "r"),
    **dict.fromkeys("sс", "s"),
    **dict.fromkeys("tт", "t"),
    **dict.fromkeys("vwв", "v"),
    **dict.fromkeys("zз", "z"),
    # the soft and hard signs only soften or separate: Эльдар is Eldar
    **dict.fromkeys("ьъ'’ʼ", ""),
}
_LONGEST = max(len(s) for s in _SEQUENCES)


def skeleton(name: str) -> str:
    """A deliberately coarse key of `name` that most spellings of it in any script share.

    The scheme, applied to the casefolded name:

    * Cyrillic (Russian and Azerbaijani) and Azerbaijani Latin letters are read
      as sounds, each sound written with one ASCII symbol: ş/ш/sh → `sh`,
      ç/ч/ch → `ch`, c/j/дж/ж/zh/dzh/dj → `j`, and the velar and glottal
      consonants g/ğ/q/k/h/x/kh/gh/г/к/х/ғ/ҝ/һ → `g` (Russian writes Azerbaijani
      h as г or х and q as г or к, so they cannot be told apart).
    * Every vowel, and y/й (which only colour a vowel: Яшар, Yaşar), is `a`.
    * ь, ъ and apostrophes are dropped; other letters lose their accents;
      characters no table names (digits, punctuation, other scripts) are kept.
    * A run of the same symbol counts once: Məmmədli → `mamadla`, Kh → `g`.

    So these meet: Məmmədli, Мамедли, Mammadli, Mamedli (`mamadla`); Eldar,
    Эльдар (`aldar`); Şahin, Шахин, Shahin (`shagan`); Xədicə, Хадиджа, Khadija
    (`gadaja`); Hacıyev, Гаджиев, Hajiyev, Gadzhiev (`gajav`); Həsənov, Гасанов,
    Hasanov, Gasanov (`gasanav`).

    Known over-matches, by design: vowels are not told apart (Ali, Əli, Ela and
    Ula are all `ala`), nor are the velars (Kamal, Hamal, Qamal, Gamal), nor
    c/j/ж (Cala, Jala, Zhala), nor single and double letters (Ana, Anna). An
    `s` followed by `h` is read as ş (İshaq is `ashag`, Исхак `asgag`), so such
    a name does not meet its Cyrillic spelling. Not matched either: spellings
    that change a consonant outside these classes (s/z, t/d, b/p, f/v, ts/c),
    Arabic-script names, and added or dropped consonants (Mohammed, Məmməd).
    """
    text = unicodedata.normalize("NFC", name.casefold())
    words: list[str] = []
    for word in text.split():
        symbols: list[str] = []
        i = 0
        while i < len(word):
            for size in range(_LONGEST, 1, -1):
                if word[i : i + size] in _SEQUENCES:
                    symbols.append(_SEQUENCES[word[i : i + size]])
                    i += size
                    break
            else:
                symbols.append(_letter(word[i]))
                i += 1
        kept = [s for s in symbols if s]
        collapsed = [s for n, s in enumerate(kept) if n == 0 or s != kept[n - 1]]
        if collapsed:
            words.append("".join(collapsed))
    return " ".join(words)


def _letter(char: str) -> str:
    """The sound class of one character; accents stripped where the character itself is not listed."""
    if char in _LETTERS:
        return _LETTERS[char]
    if unicodedata.combining(char):
        return ""  # a dot or accent left over from casefolding (İ → i + dot above)
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return "".join(_LETTERS.get(c, c) for c in base)


def guess_script(name: str) -> str:
    """The ISO 15924 code of the script most of the name's letters are written in."""
    counts = {"Latn": 0, "Cyrl": 0, "Arab": 0}
    for char in name:
        if not char.isalpha():
            continue
        letter_name = unicodedata.name(char, "")
        if letter_name.startswith("CYRILLIC"):
            counts["Cyrl"] += 1
        elif letter_name.startswith("ARABIC"):
            counts["Arab"] += 1
        else:
            counts["Latn"] += 1
    return max(counts, key=lambda script: counts[script])
