"""Rules that decide whether a candidate boundary ends a sentence.

Each rule looks at one :class:`~tm.segment.candidates.Candidate` and returns
``SPLIT``, ``JOIN`` or ``None`` (no opinion). ``RULES`` is tried in order and
the first opinion wins; a candidate no rule claims is a sentence end.

A rule that can only have an opinion on some kinds of candidate (a period, a
comma; :data:`~tm.segment.candidates.KINDS`) says so with :func:`applies_to`,
and :func:`by_kind` orders each kind's own list once: a candidate is shown to
the rules that can decide it only (a period to 14 of 22, a comma to 7).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from tm.segment import pairs
from tm.segment.candidates import (
    BRACKET,
    COMMA,
    DOTTED,
    ELLIPSIS,
    GLUED,
    KINDS,
    LINK,
    MARK,
    PERIOD,
    SEMICOLON,
    Candidate,
)
from tm.segment.lists import BULLETS
from tm.segment.punctuation import CLOSE_BRACKETS, CLOSERS, DASHES, TERMINALS

SPLIT = True
JOIN = False

Verdict = bool | None
Rule = Callable[[Candidate], Verdict]
RuleTable = dict[str, tuple[Rule, ...]]


def applies_to(*kinds: str) -> Callable[[Rule], Rule]:
    """Mark a rule as one that returns None for every candidate not of ``kinds``."""
    def mark(rule: Rule) -> Rule:
        rule.kinds = frozenset(kinds)  # type: ignore[attr-defined]
        return rule
    return mark

# An exclamation or question inside a quotation whose rest is this short is
# part of one outcry ("Нихуя себе! Землетрясение!"). Longer quotations, and
# periods inside any quotation, end sentences as they do outside: news quotes
# whole paragraphs, and straight quote marks are too unreliable to trust far.
QUOTE_REACH = 40
# Likewise a bracket closing this soon holds its "?" or "." inside the
# sentence ("(John and Dimitri? from school)"); a longer one is split.
BRACKET_REACH = 40
# After a quotation the sentence goes on in lower case: «Игра. Начало» вышел.
CONTINUES = re.compile(
    rf"[\s{re.escape(CLOSERS)}]*(?:[,;:]\s*)?(?:[{re.escape(DASHES)}]\s*)?[a-zа-яё]")

# An attribution inside quoted speech: "? – спросила", ", — сказал".
ATTRIBUTION = re.compile(rf"[,!?…]\s*[{re.escape(DASHES)}]\s*[a-zа-яё]")

# An aside in brackets after a sentence end ("(А. А. Блок)") is this short.
ASIDE_REACH = 80
ASIDE_WORDS = 6

# Russian abbreviations are words cut after a consonant, and rarely longer.
TRUNCATION_LETTERS = 5

# Characters that cannot begin a sentence.
NOT_A_START = set(",;:%)]}»”…/|+=&") | set(TERMINALS)

LINK_SIGN = re.compile(r"(?:https?:|www\.|[/@=&])", re.IGNORECASE)
# A whole sentence that is a list bullet ("1.", "2.3.", "IV.", "б)", "• 9.").
BULLET = re.compile(rf"\s*(?:[{BULLETS}]\s*)?"
                    r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,5}|§\s*\d+|[^\W\d_])\s*")
LINK_START = re.compile(r"(?:https?://|ftp://|www\.)", re.IGNORECASE)
RIGHT_BULLET = re.compile(r"\d{1,2}[.)]\s+(?=[^\W\d_])")  # "3. Мультиварка"
# Top-level domains written with a capital: "Newsfeeds.Com".
DOMAINS = frozenset("com org net edu gov info biz ru uk de fr io co us".split())
ACRONYM = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
NUMBER_START = re.compile(r"[\d№#§$€£]")


def _lower(word: str) -> bool:
    return word[:1].islower()


def _upper(word: str) -> bool:
    return word[:1].isupper()


@applies_to(SEMICOLON)
def semicolon(c: Candidate) -> Verdict:
    """Split "; 2) ..." before a list item, the only place a semicolon is a candidate."""
    if c.punct == ";":
        return SPLIT
    return None


@applies_to(COMMA)
def salutation(c: Candidate) -> Verdict:
    """Split after the formulas of a letter: "Hi David:", "Thanks,", "Louise, We are ..."."""
    if c.punct not in (",", ":"):
        return None
    formulas = c.profile.salutations
    if formulas is None:
        return JOIN
    sentence = c.sentence.strip()
    match = formulas.fullmatch(sentence)
    if not match:
        return JOIN
    if match.lastgroup == "name" and (
            c.sentence_start != c.line_start or sentence.endswith("ly")
            or sentence.lower() in c.profile.starters
            or c.right_word.lower() not in c.profile.starters):
        return JOIN  # "Louise, There are ..." opens a letter; "Also, I ..." is an adverb
    return SPLIT


@applies_to(LINK)
def bare_link(c: Candidate) -> Verdict:
    """After a URL or address without final punctuation, split only before a capital or a link."""
    if not c.link or c.punct:
        return None
    nxt = LINK_START.match(c.right_token)
    if nxt or (_upper(c.right_word) and c.right_token[:1].isalpha()):
        return SPLIT
    return JOIN


@applies_to(GLUED)
def glued_in_link(c: Candidate) -> Verdict:
    """Keep "?" and "!" inside a URL, e-mail address or path."""
    if c.glued and LINK_SIGN.search(c.left_token):
        return JOIN
    return None


@applies_to(GLUED)
def glued_punctuation(c: Candidate) -> Verdict:
    """Split "bad?what" and "school.But" (informal text drops the space), not "Newsfeeds.Com"."""
    if not c.glued:
        return None
    if c.punct == ".":
        token = c.right_token
        word = c.left_word
        if (not word.islower() or "." in token or "/" in token
                or c.right_word.lower() in DOMAINS or c.abbreviation_key in c.profile.known):
            return JOIN
    return SPLIT


def nothing_starts(c: Candidate) -> Verdict:
    """Join when what follows cannot begin a sentence (",", ")", more punctuation)."""
    first = c.right_char
    if first and first in NOT_A_START:
        return JOIN
    return None


def speech_attribution(c: Candidate) -> Verdict:
    """Join "«Куда?» — спросил он" and '"Why?" he asked': lower case after quote or dash."""
    if c.right_after_dash:
        return JOIN if _lower(c.right_after_dash) else None
    if c.close and _lower(c.right_word):
        return JOIN
    return None


def inside_quotation(c: Candidate) -> Verdict:
    """Join inside a short quotation: an outcry ("Стой! Назад!") or a title in a sentence."""
    if not c.open_quote:
        return None
    found = pairs.closes_within(c.text, c.open_quote, c.end, min(c.line_end, c.end + QUOTE_REACH))
    if found < 0:
        return None
    if "." not in c.punct or CONTINUES.match(c.text, found + 1, c.line_end):
        return JOIN
    return None


@applies_to(PERIOD, ELLIPSIS, DOTTED, MARK)
def quoted_dialogue(c: Candidate) -> Verdict:
    """Join dialogue quoted whole: «Куда ты? – спросил отец. – Уже темно»."""
    if not c.open_quote or not c.right_after_dash:
        return None
    # The speech resumes after a dash, following an attribution ("? – спросил
    # отец."), and the quotation closes on this line: one quoted utterance.
    if (ATTRIBUTION.search(c.text, c.sentence_start, c.start)
            and pairs.closes_within(c.text, c.open_quote, c.end, c.line_end) >= 0):
        return JOIN
    return None


@applies_to(MARK)
def exclaimed_name(c: Candidate) -> Verdict:
    """Join after a name spelt with "!" before lower case: "at Yahoo! in the department"."""
    if (c.punct == "!" and _lower(c.right_word)
            and c.left_word.lower() in c.profile.exclaimed_names):
        return JOIN
    return None


def inside_brackets(c: Candidate) -> Verdict:
    """Join inside brackets that close later in the paragraph."""
    if (c.text.find("(", c.sentence_start, c.end) < 0  # the common case, in C
            or pairs.open_bracket(c.text, c.sentence_start, c.end) < 0):
        return None
    if c.text.find(")", c.end, min(c.line_end, c.end + BRACKET_REACH)) >= 0:
        return JOIN
    return None


def bullet_next(c: Candidate) -> Verdict:
    """Split before a numbered list item ("... и т. д. 3. Мультиварка")."""
    if not c.right_char.isdigit():
        return None
    match = RIGHT_BULLET.match(c.text, c.next, c.line_end)
    if match and c.text[match.end()].isupper():
        return SPLIT
    return None


def aside_next(c: Candidate) -> Verdict:
    """Join a short aside in brackets that ends the paragraph: "санкции. (перевод в титрах)"."""
    if c.right_char != "(":
        return None
    close = c.text.find(")", c.next, min(c.line_end, c.next + ASIDE_REACH))
    if close < 0:
        return None
    inside = c.text[c.next + 1:close].rstrip()
    # Periods may belong to initials; other final punctuation means a sentence.
    if (not inside or inside[-1] in TERMINALS or any(ch in "!?…" for ch in inside)
            or len(inside.split()) > ASIDE_WORDS):
        return None
    # Followed by more text, the aside is a sentence of its own: "(ZD Net) It looks ...".
    if c.text[close + 1:c.line_end].strip(CLOSE_BRACKETS + TERMINALS + " "):
        return None
    return JOIN


@applies_to(PERIOD, BRACKET, LINK)
def list_bullet(c: Candidate) -> Verdict:
    """Join after a list bullet such as "1.", "2.3.", "IV." or "б)"."""
    if c.punct in (".", ")") and BULLET.fullmatch(c.text, c.sentence_start, c.start):
        return JOIN
    return None


@applies_to(ELLIPSIS, LINK)
def ellipsis_before_lowercase(c: Candidate) -> Verdict:
    """Join an ellipsis followed by lower case: the thought goes on."""
    if c.is_ellipsis and _lower(c.right_word):
        return JOIN
    return None


@applies_to(BRACKET)
def closing_bracket(c: Candidate) -> Verdict:
    """Decide after ")" without final punctuation: a smiley or an aside can end a sentence."""
    if not c.is_bracket:
        return None
    if not _upper(c.right_word):
        return JOIN
    opening = pairs.matching_open(c.text, c.sentence_start, c.start + len(c.punct) - 1)
    if opening < 0:
        return SPLIT  # "заказ) И пусть": the bracket is a smiley
    before = c.text[c.sentence_start:opening].rstrip()
    if not before or before[-1] in TERMINALS:
        return SPLIT  # "исчезла. (А. Н. Радищев) В этих": the aside is a sentence
    return JOIN


@applies_to(PERIOD, LINK)
def date_opening(c: Candidate) -> Verdict:
    """Join after the year of a sentence that is so far only its date: "В 1990 г. Иванов ..."."""
    pattern = c.profile.date_opening
    if pattern and c.is_period and pattern.fullmatch(c.text, c.sentence_start, c.start):
        return JOIN
    return None


@applies_to(PERIOD, LINK)
def abbreviation(c: Candidate) -> Verdict:
    """Join after an abbreviation unless it ends the sentence before a capital."""
    if not c.is_period:
        return None
    key = c.abbreviation_key
    p = c.profile
    if not key or not (key in p.known or _place(c, key)):
        return None
    number_next = bool(NUMBER_START.match(c.right_char))
    if c.after_number or (key in p.terminal and key not in p.prefix and not _place(c, key)):
        # A unit after a number or a closing abbreviation: "2022 г.", "etc."
        if _upper(c.right_word) and not number_next and not c.right_after_dash:
            return SPLIT
        return JOIN
    if key in p.numbering and key not in p.prefix and not _place(c, key):
        return JOIN if number_next else None
    return JOIN


def _place(c: Candidate, key: str) -> bool:
    """Whether ``key`` names a kind of place ("пгт. Ярега", or one letter: "г. Москва")."""
    return (c.left_token == key
            and (key in c.profile.places or (len(key) == 1 and "а" <= key < "я")))


@applies_to(PERIOD, LINK)
def initial(c: Candidate) -> Verdict:
    """Join after an initial ("А. С. Пушкин", "J. R. R. Tolkien")."""
    if not c.is_period:
        return None
    token = c.left_token.lstrip("(\"«“'")
    if len(token) != 1 or not token.isupper():
        return None
    right = c.right_word
    if _upper(right) and right.lower() in c.profile.starters and not c.right_is_initial:
        return SPLIT
    return JOIN


@applies_to(PERIOD, LINK)
def dotted_acronym(c: Candidate) -> Verdict:
    """Join after "U.S." or "Р.Ф." unless a typical sentence opener follows."""
    if not c.is_period or "." not in c.left_token:
        return None
    if not ACRONYM.match(c.left_token.lstrip("(\"«“'")):
        return None
    chain = c.left_chain
    if chain in c.profile.prefix:
        return JOIN
    if chain in c.profile.terminal or chain in c.profile.numbering:
        return None
    right = c.right_word
    if _upper(right) and right.lower() in c.profile.starters and not c.right_is_initial:
        return SPLIT
    return JOIN


@applies_to(PERIOD, LINK)
def truncation(c: Candidate) -> Verdict:
    """Join a short word cut after a consonant before lower case: Russian "5 град. мороза"."""
    vowels = c.profile.word_final_letters
    word = c.left_word
    if (vowels and c.is_period and 1 < len(word) <= TRUNCATION_LETTERS and word.isalpha()
            and word[-1].lower() not in vowels and _lower(c.right_word)
            and not c.right_after_dash):
        return JOIN
    return None


@applies_to(PERIOD, DOTTED, LINK)
def lowercase_next(c: Candidate) -> Verdict:
    """After a period, lower case continues the sentence unless the language allows otherwise."""
    if "." in c.punct and not c.is_ellipsis and _lower(c.right_word) and not c.right_after_dash:
        return SPLIT if c.profile.split_before_lowercase else JOIN
    return None


RULES: list[Rule] = [
    semicolon,
    salutation,
    bullet_next,
    bare_link,
    glued_in_link,
    nothing_starts,
    speech_attribution,
    inside_quotation,
    quoted_dialogue,
    exclaimed_name,
    inside_brackets,
    glued_punctuation,
    list_bullet,
    ellipsis_before_lowercase,
    closing_bracket,
    aside_next,
    initial,
    dotted_acronym,
    date_opening,
    abbreviation,
    truncation,
    lowercase_next,
]


def by_kind(rules: list[Rule]) -> RuleTable:
    """Return, for each kind of candidate, the rules that apply to it, in order."""
    every = frozenset(KINDS)
    return {kind: tuple(rule for rule in rules if kind in getattr(rule, "kinds", every))
            for kind in KINDS}


RULES_BY_KIND = by_kind(RULES)


def decide(c: Candidate, table: RuleTable = RULES_BY_KIND) -> bool:
    """Return whether the candidate ends a sentence: the first rule with an opinion wins."""
    for rule in table[c.kind]:
        verdict = rule(c)
        if verdict is not None:
            return verdict
    return SPLIT
