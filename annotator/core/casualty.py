"""Reading a casualty figure ("at least seven", "more than 200 wounded", "dozens") as numbers.

:func:`parse_casualty` turns the text of a CASUALTY_FIGURE span, and the few words after it, into
the attributes the news-events schema defines for it: ``count``, ``count_max``, ``qualifier``
(exact, at least, at most, about, unknown) and ``outcome`` (killed, injured, missing, detained,
affected). It returns only the keys it is sure about; the annotator confirms or changes them.

Decisions (they follow the project guidelines, section 3.4):

- vague amounts without a number (``dozens``, ``hundreds``, ``scores``, ``several``, ``a few``,
  ``tens of thousands``) leave ``count`` unset, qualifier ``unknown``;
- ranges (``between 10 and 15``, ``10 to 15``, ``10-15``, ``10 or 15``) give ``count`` the lower
  and ``count_max`` the upper bound, qualifier ``about``;
- bounds are never adjusted: ``more than 200`` is count 200, qualifier ``at least``;
- ``a dozen`` is 12 ``exact`` (the guidelines list it with plain numbers), ``half a dozen`` 6;
- ``no``/``none``/``no one``/``nobody`` are 0 ``exact``;
- ``nearly``/``almost`` are ``about`` (the guidelines' list), ``up to``/``fewer than``/``as many
  as`` are ``at most``;
- the outcome comes from the span text and up to six words after it, up to the end of the
  sentence or the next number (which starts another figure); the first outcome word wins.
"""

from __future__ import annotations

import re

Attributes = dict[str, int | str]

QUALIFIERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("no", "fewer", "than"), "at least"),
    (("no", "less", "than"), "at least"),
    (("not", "less", "than"), "at least"),
    (("no", "more", "than"), "at most"),
    (("not", "more", "than"), "at most"),
    (("at", "least"), "at least"),
    (("more", "than"), "at least"),
    (("over",), "at least"),
    (("upwards", "of"), "at least"),
    (("in", "excess", "of"), "at least"),
    (("at", "most"), "at most"),
    (("up", "to"), "at most"),
    (("fewer", "than"), "at most"),
    (("less", "than"), "at most"),
    (("as", "many", "as"), "at most"),
    (("under",), "at most"),
    (("an", "estimated"), "about"),
    (("about",), "about"),
    (("around",), "about"),
    (("some",), "about"),
    (("nearly",), "about"),
    (("almost",), "about"),
    (("approximately",), "about"),
    (("roughly",), "about"),
    (("close", "to"), "about"),
    (("estimated",), "about"),
)
"""Qualifier phrases, longest and most specific first (``no more than`` before ``no``)."""

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
ZERO_WORDS = frozenset({"no", "none", "nobody", "noone"})
VAGUE = frozenset(
    {
        "dozens",
        "scores",
        "hundreds",
        "thousands",
        "millions",
        "tens",
        "several",
        "few",
        "many",
        "numerous",
        "handful",
        "countless",
    }
)
FILLERS = frozenset({"another", "further", "additional", "a", "an", "the", "total", "of"})
"""Words that may stand before the number: ``a further 12``, ``a total of 40``."""
OUTCOMES = {
    "killed": "killed",
    "dead": "killed",
    "died": "killed",
    "die": "killed",
    "dies": "killed",
    "deaths": "killed",
    "death": "killed",
    "fatalities": "killed",
    "bodies": "killed",
    "perished": "killed",
    "wounded": "injured",
    "injured": "injured",
    "hurt": "injured",
    "injuries": "injured",
    "hospitalised": "injured",
    "hospitalized": "injured",
    "missing": "missing",
    "unaccounted": "missing",
    "disappeared": "missing",
    "detained": "detained",
    "arrested": "detained",
    "held": "detained",
    "captured": "detained",
    "detainees": "detained",
    "jailed": "detained",
    "displaced": "affected",
    "affected": "affected",
    "evacuated": "affected",
    "fled": "affected",
    "homeless": "affected",
    "besieged": "affected",
}
FOLLOWING_WORDS = 6
"""How many words after the span are looked at for the outcome."""

_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+|[-\u2013\u2014]|[.;:!?]")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_SENTENCE_END = frozenset(".;:!?")
_DASHES = frozenset("-\u2013\u2014")


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("no one", "noone").replace("no-one", "noone")
    return _TOKEN.findall(text.replace("\u2019", "'"))


def _digits(token: str) -> float | None:
    token = token.rstrip(",")
    if not token or not token[0].isdigit():
        return None
    if _GROUPED.fullmatch(token):
        return float(token.replace(",", ""))
    token = token.split(",")[0]
    try:
        return float(token)
    except ValueError:
        return None


def _number(tokens: list[str], i: int) -> tuple[int, int] | None:
    """The number written at ``tokens[i]`` (digits or words) and the index after it."""
    if i >= len(tokens):
        return None
    if tokens[i : i + 3] == ["half", "a", "dozen"]:
        return 6, i + 3
    digits = _digits(tokens[i])
    if digits is not None:
        j = i + 1
        value = digits
        while j < len(tokens) and tokens[j] in SCALES:
            value *= SCALES[tokens[j]]
            j += 1
        if j < len(tokens) and tokens[j] == "dozen":
            value *= 12
            j += 1
        return (round(value), j) if value == int(value) or j > i + 1 else None
    total = 0
    current = 0
    seen = False
    after_scale = False
    j = i
    while j < len(tokens):
        word = tokens[j]
        following = tokens[j + 1] if j + 1 < len(tokens) else ""
        if word in UNITS:
            current += UNITS[word]
            after_scale = False
        elif word == "dozen":
            current = (current or 1) * 12
            after_scale = True
        elif word == "hundred":
            current = (current or 1) * 100
            after_scale = True
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
            after_scale = True
        elif word in ("a", "one") and not seen and following in (*SCALES, "dozen"):
            current = 1
            j += 1
            seen = True
            continue
        elif word == "and" and seen and after_scale and following in UNITS:
            j += 1
            continue
        elif word in _DASHES and seen and not after_scale and following in UNITS:
            j += 1  # twenty-five
            continue
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    return total + current, j


def _range_end(tokens: list[str], i: int) -> tuple[int, int] | None:
    """``to 15`` / ``- 15`` / ``or 15`` / ``and 15`` after a first number."""
    if i < len(tokens) and (tokens[i] in ("to", "or", "and") or tokens[i] in _DASHES):
        return _number(tokens, i + 1)
    return None


def _outcome(tokens: list[str]) -> str | None:
    for token in tokens:
        found = OUTCOMES.get(token)
        if found is not None:
            return found
    return None


def _following(text: str) -> list[str]:
    """The first words after the span, up to the end of the sentence or another number."""
    words: list[str] = []
    for token in _tokens(text):
        if token in _SENTENCE_END or token[0].isdigit() or token in UNITS:
            break
        if token in _DASHES:
            continue
        words.append(token)
        if len(words) >= FOLLOWING_WORDS:
            break
    return words


def parse_casualty(text: str, following: str = "") -> dict[str, int | str]:
    """The attributes of a casualty figure, only those the text makes certain.

    >>> parse_casualty("at least seven people")
    {'count': 7, 'qualifier': 'at least'}
    >>> parse_casualty("more than 200", " wounded in the attack")
    {'count': 200, 'qualifier': 'at least', 'outcome': 'injured'}
    >>> parse_casualty("dozens of people", " were arrested")
    {'qualifier': 'unknown', 'outcome': 'detained'}
    """
    tokens = [t for t in _tokens(text) if t not in _SENTENCE_END]
    result: Attributes = {}
    i = 0
    qualifier: str | None = None
    rest_from = len(tokens)
    while i < len(tokens):
        phrase = next(
            (
                (words, meaning)
                for words, meaning in QUALIFIERS
                if tuple(tokens[i : i + len(words)]) == words
            ),
            None,
        )
        if phrase is not None and qualifier is None and _starts_amount(tokens, i + len(phrase[0])):
            qualifier = phrase[1]
            i += len(phrase[0])
            continue
        if tokens[i] == "between":
            first = _number(tokens, i + 1)
            second = _range_end(tokens, first[1]) if first else None
            if first and second:
                result.update(count=first[0], count_max=second[0], qualifier="about")
                rest_from = second[1]
                break
        number = _number(tokens, i)
        if number is not None:
            value, j = number
            second = _range_end(tokens, j)
            if second is not None and second[0] > value:
                result.update(count=value, count_max=second[0], qualifier="about")
                rest_from = second[1]
            else:
                result.update(count=value, qualifier=qualifier or "exact")
                rest_from = j
            break
        if tokens[i] in ZERO_WORDS and qualifier is None:
            result.update(count=0, qualifier="exact")
            rest_from = i + 1
            break
        if tokens[i] in VAGUE:
            result["qualifier"] = "unknown"
            rest_from = i + 1
            break
        if tokens[i] not in FILLERS:
            break
        i += 1
    if not result:
        return {}
    outcome = _outcome(tokens[rest_from:]) or _outcome(_following(following))
    if outcome is not None:
        result["outcome"] = outcome
    return result


def _starts_amount(tokens: list[str], i: int) -> bool:
    """Whether an amount (a number, a range or a vague amount) starts at ``tokens[i]``."""
    while i < len(tokens) and tokens[i] in FILLERS and tokens[i] not in ("a", "an"):
        i += 1
    if i >= len(tokens):
        return False
    return (
        _number(tokens, i) is not None
        or tokens[i] in VAGUE
        or tokens[i] == "between"
        or (tokens[i] in ("a", "an") and _number(tokens, i) is not None)
    )


__all__ = ["parse_casualty"]
