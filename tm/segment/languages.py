"""Per-language settings, chosen by the primary subtag of a BCP-47 code."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from tm.segment import abbreviations as abbr


@dataclass(frozen=True, slots=True)
class Profile:
    """What the rules need to know about one language."""

    code: str
    prefix: frozenset[str]
    numbering: frozenset[str]
    terminal: frozenset[str]
    # Whether ". lowercase" may start a new sentence (informal text does it).
    split_before_lowercase: bool
    # Words that begin sentences; they tell "U.S. He ..." from "U.S. President".
    starters: frozenset[str]
    # Letters a full word may end in; a short word ending otherwise before
    # ". lowercase" is taken for a truncation ("" turns the test off).
    word_final_letters: str = ""
    # Greetings and closings of a letter that stand as sentences of their own.
    salutations: re.Pattern[str] | None = None
    # Settlement types before a name ("пгт", "гг" for cities), see abbreviations.
    places: frozenset[str] = frozenset()
    # A sentence so far that is only a date opening ("В 1941–1945 гг"): the
    # abbreviation after the year does not end it.
    date_opening: re.Pattern[str] | None = None
    # Names spelt with "!" ("Yahoo!"), lower-case.
    exclaimed_names: frozenset[str] = frozenset()
    # All abbreviations of the tables, for one lookup where the kind does not matter.
    known: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "known",
                           self.prefix | self.numbering | self.terminal | self.places)


RU_STARTERS = frozenset("""
    он она оно они это этот эта эти я мы вы ты но и а в на по с к у из за
    так там тогда потом когда если как что кто где же однако поэтому теперь
    сейчас вот все всё тут здесь при после до для между
    """.split())

EN_STARTERS = frozenset("""
    the a an this that these those he she it they we i you his her its their
    our my your but and so yet in on at for if when while after before there
    here what who why how where as some many most all not then however also
    one thanks please did do does is are was were can could will would should
    have has had yes no well now also however still again besides meanwhile
    therefore instead otherwise first second third finally indeed moreover
    furthermore anyway ok okay oh sorry today yesterday tomorrow
    """.split())

# A preposition, maybe one more word ("в начале", "с января"), a year, century or
# decade, or two of them ("1941–1945", "по 1995", "XIX–XX"), and "г.", "гг.",
# "в.", "вв.": "В 1941–1945 гг. СССР вёл войну" is one sentence.
_YEAR = r"(?:\d{1,4}|[IVXLC]{1,6})(?:-[а-яё]{1,3})?"
RU_DATE_OPENING = re.compile(
    r"(?:[Вв]о?|[Сс]о?|[Кк]о?|[Дд]о|[Пп]осле|[Оо]т|[Зз]а|[Пп]о|[Оо]коло|[Мм]ежду)"
    rf"(?:\s+[а-яё]+)?\s+{_YEAR}(?:\s*(?:[–—\-]|по|и|или|до)\s*{_YEAR})?\s*(?:г|гг|в|вв)")

RUSSIAN = Profile(
    code="ru",
    prefix=abbr.RU_PREFIX | abbr.EN_PREFIX,
    numbering=abbr.RU_NUMBERING | abbr.EN_NUMBERING,
    terminal=abbr.RU_TERMINAL | abbr.EN_TERMINAL,
    split_before_lowercase=True,
    starters=RU_STARTERS | EN_STARTERS,
    word_final_letters="аеёиоуыэюяьйъ",
    places=abbr.RU_PLACE,
    date_opening=RU_DATE_OPENING,
    exclaimed_names=abbr.EXCLAIMED_NAMES,
)

EN_SALUTATIONS = re.compile(
    r"(?P<greeting>(?i:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))"
    r"(?:\s+\S+){0,3})"
    r"|(?P<closing>(?i:thanks(?: again)?|thank you|many thanks|best(?: regards| wishes)?"
    r"|(?:kind |warm )?regards|cheers|sincerely|yours(?: truly)?|good luck|take care"
    r"|all the best))"
    r"|(?P<name>[A-Z][a-z]+(?:\s[A-Z]\.?)?(?:\s[A-Z][a-z]+)?)"
)

ENGLISH = Profile(
    code="en",
    prefix=abbr.EN_PREFIX,
    numbering=abbr.EN_NUMBERING,
    terminal=abbr.EN_TERMINAL,
    split_before_lowercase=True,
    starters=EN_STARTERS,
    salutations=EN_SALUTATIONS,
    exclaimed_names=abbr.EXCLAIMED_NAMES,
)

GENERIC = Profile(
    code="und",
    prefix=RUSSIAN.prefix,
    numbering=RUSSIAN.numbering,
    terminal=RUSSIAN.terminal,
    split_before_lowercase=False,
    starters=RUSSIAN.starters,
    places=RUSSIAN.places,
    exclaimed_names=abbr.EXCLAIMED_NAMES,
)

PROFILES = {"ru": RUSSIAN, "en": ENGLISH}


def profile_for(lang: str) -> Profile:
    """Return the profile for a language tag such as ``"ru-RU"``; unknown ones get generic rules."""
    profile = _BY_TAG.get(lang)
    if profile is None:
        primary = (lang or "").replace("_", "-").split("-", 1)[0].strip().lower()
        profile = PROFILES.get(primary, GENERIC)
        if len(_BY_TAG) < MAX_TAGS:
            _BY_TAG[lang] = profile
    return profile


# Tags seen before, as given: a document's segments all ask with one tag. Bounded,
# since a tag comes from the caller (a form, a file).
MAX_TAGS = 1000
_BY_TAG: dict[str, Profile] = {}
