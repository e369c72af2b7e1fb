"""Recognisers for the junk that scraping leaves in article text: prompts, promos, credits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: a cache key, cheap
class _Rule:
    reason: str
    pattern: re.Pattern[str]
    max_words: int
    needs: str = ""
    """For a rule that may start anywhere in a segment: a lower-case literal in every match."""


def _rule(reason: str, pattern: str, max_words: int, needs: str = "") -> _Rule:
    return _Rule(reason, re.compile(pattern, re.I), max_words, needs)


_END = r"[.!?…]*"
_AGENCIES = (
    r"handout|pool|afp|ap|ap photo|reuters|epa|epa-efe|getty images|getty|bloomberg|shutterstock"
    r"|alamy|istock|picture alliance|anadolu agency|sipa|zuma press|xinhua|dpa|ansa"
)
_PROMPTS = (
    _rule("paywall", r"thanks? (you )?for reading\b.*", 14),
    _rule(
        "paywall",
        r"(please )?(enter|provide|type|confirm) (a |an |your )?(valid )?e-?mail( address)?"
        r"( (to|and) (continue|proceed|subscribe|sign up)| below| here)?" + _END,
        12,
    ),
    _rule("paywall", r"create (your|a|an) (free )?account\b.*", 20),
    _rule("paywall", r"(sign|log) ?(in|up|on)( now| today| here)?(( to| for| with| or)\b.*)?", 16),
    _rule("paywall", r"(register|subscribe)( now| today| here)?" + _END, 3),
    _rule("paywall", r"subscribe (now |today )?(to|for|and)\b.*", 12),
    _rule("paywall", r"(already (a subscriber|a member|have an account|registered))\b.*", 16),
    _rule("paywall", r"(to )?continue reading\b.*", 14),
    _rule(
        "paywall",
        r"(this|the) (article|story|content|page) is (only )?(available|reserved|for)\b.*",
        20,
    ),
    _rule(
        "paywall",
        r"you('ve| have) (reached|read|used) (your|all|the)\b.*(limit|articles|stories)\b.*",
        24,
    ),
    _rule("paywall", r"(get|enjoy|unlock|gain) (unlimited|full|instant|digital)\b.*access\b.*", 20),
    _rule(
        "paywall",
        r"(become a (member|subscriber|supporter)|support (our|independent) journalism)\b.*",
        20,
    ),
    _rule("paywall", r"(sign ?up|subscribe|register|join|get)\b.{0,60}\bnewsletters?\b.*", 16),
    _rule("paywall", r".{0,80}\bnewsletters?\b.{0,40}\b(inbox|sign ?up)\b.*", 20, "newsletter"),
    _rule(
        "paywall", r"by (signing up|subscribing|registering|clicking)\b.*\b(privacy|terms)\b.*", 40
    ),
    _rule("paywall", r"(free trial|start (your|a) (free )?trial|cancel any ?time)\b.*", 16),
    _rule("cookies", r"(we|this (site|website)) uses? cookies\b.*", 40),
    _rule("cookies", r"(accept|reject|manage) (all )?cookies" + _END, 4),
)
_LINES = (
    *_PROMPTS,
    _rule(
        "advertisement",
        r"(advertisement|advertising|ad|ads|sponsored( content)?|promoted( content)?"
        r"|paid (post|content)|story continues below( advertisement)?"
        r"|article continues (below|after (this )?advertisement)"
        r"|scroll (down )?to continue( with content)?|skip (this )?ad"
        r"|continue reading (below|the main story))" + _END,
        6,
    ),
    _rule(
        "share buttons",
        r"((share|tweet|email|print|save|copy link|comment|comments|whatsapp|facebook|twitter|x"
        r"|linkedin|reddit|pinterest|flipboard|share (this|on|via) \w+)[\s|•·,/]*){1,8}",
        12,
    ),
    _rule("related links", r"(read|see|watch|listen)( (more|also|next|now|live))?\s*:\s*.*", 16),
    _rule(
        "related links",
        r"(read more|related( (stories|articles|coverage|content|topics|links))?"
        r"|recommended( for you)?|trending( now)?|most (read|popular|viewed)"
        r"|more (from|on) .{0,40}|up next|next up|now playing"
        r"|watch now|latest (news|videos)|you (may|might) (also )?like)" + _END,
        8,
    ),
    _rule("follow prompt", r"(follow (us|me|him|her|them) on|follow @|like us on)\b.*", 16),
    _rule("copyright", r"©.*", 30),
    _rule("copyright", r"(copyright|\(c\))\s*©?\s*(\d{4}|by)\b.*", 30),
    _rule("copyright", r".*\ball rights reserved" + _END, 30, "all rights reserved"),
    _rule("link prompt", r"click here\b.*", 14),
    _rule(
        "image credit",
        r"(photo|photograph|image|picture|video|credit|illustration|graphic|file photo)s?"
        r"( by| credit| courtesy( of)?)?\s*[:/|]\s*.*",
        12,
    ),
    _rule("image credit", r".{0,80}?/\s*(" + _AGENCIES + r")( via .{1,40})?", 12, "/"),
    _rule("image credit", r"\(?(" + _AGENCIES + r")( photo)?(/[^)]{1,60})?\)?", 6),
)
_RUNNING_TIME = re.compile(r"\(?(\d{1,2}:)?\d{1,2}:\d{2}\)?")
_PROMO_WITH_TIME = re.compile(r"(?P<title>.{3,160}?)\s+\(?(\d{1,2}:)?\d{1,2}:\d{2}\)?")
_PROMPT_HINTS = (
    "for reading",
    "mail",
    "account",
    "sign",
    "log in",
    "login",
    "log on",
    "logon",
    "subscri",
    "regist",
    "continue reading",
    "available",
    "reserved",
    "reached",
    "limit",
    "access",
    "become a",
    "journalism",
    "newsletter",
    "by clicking",
    "trial",
    "cancel any",
    "cookie",
    "already",
)
"""Words every prompt rule needs; a sentence without any of them is never a prompt."""
_HINT_GROUPS = (
    ("log", ("log in", "login", "log on", "logon")),
    ("reading", ("for reading", "continue reading")),
    ("ail", ("mail", "available")),
    ("acc", ("account", "access")),
)
"""Hints sharing a part: one search for the part rules the whole group out."""
_SINGLE_HINTS = tuple(
    hint for hint in _PROMPT_HINTS if not any(hint in group for _, group in _HINT_GROUPS)
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_ELLIPSIS_END = re.compile(r"(\.\.\.|…)[\"'”’)]*$")


def words(segment: str) -> int:
    """How many words ``segment`` has, counted by its spaces (segments are collapsed)."""
    return segment.count(" ") + 1 if segment else 0


def ends_sentence(segment: str) -> bool:
    """Whether ``segment`` ends like a sentence: ``.``, ``!``, ``?``, maybe a closing quote."""
    return _SENTENCE_END.search(segment[-8:]) is not None


class _Screen(NamedTuple):
    """What rules out a segment before the rules it may match are tried one by one."""

    combined: re.Pattern[str]
    """One alternation of the rules."""
    anchored: re.Pattern[str] | None
    """One alternation of the rules without ``needs`` (they fail within a few characters)."""
    needs: tuple[str, ...]


class _RuleSet(NamedTuple):
    rules: tuple[_Rule, ...]
    usable: tuple[tuple[_Rule, ...], ...]
    """For each word count up to ``max_words``, the rules whose cap allows it."""
    max_words: int
    """The largest cap."""


def _alternation(rules: tuple[_Rule, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in rules), re.I)


@lru_cache(maxsize=64)
def _screen(rules: tuple[_Rule, ...]) -> _Screen:
    """Compiled on first use: most word counts never occur in a batch of articles."""
    anchored = tuple(rule for rule in rules if not rule.needs)
    return _Screen(
        _alternation(rules),
        _alternation(anchored) if anchored else None,
        tuple(rule.needs for rule in rules if rule.needs),
    )


def _rule_set(rules: tuple[_Rule, ...]) -> _RuleSet:
    most = max(rule.max_words for rule in rules)
    usable = tuple(
        tuple(rule for rule in rules if count <= rule.max_words) for count in range(most + 1)
    )
    return _RuleSet(rules, usable, most)


_LINE_RULES = _rule_set(_LINES)
_PROMPT_RULES = _rule_set(_PROMPTS)
JUNK_MAX_WORDS = _LINE_RULES.max_words
"""A segment with more words than this is never junk (no line rule allows more)."""


def _may_match(screen: _Screen, text: str) -> bool:
    """False only when no rule of ``screen`` matches ``text``.

    The rules that may start anywhere (``.*`` or ``.{0,80}`` first) make an alternation try
    every position of a segment; for ASCII text they are ruled out by their literal instead
    (``re.I`` folds only ASCII letters there, as ``lower`` does)."""
    if not text.isascii():
        return screen.combined.match(text) is not None
    if screen.anchored is not None and screen.anchored.match(text) is not None:
        return True
    if not screen.needs:
        return False
    lower = text.lower()
    return any(map(lower.__contains__, screen.needs))


def _matches(rule_set: _RuleSet, segment: str) -> str | None:
    """The reason of the first rule that matches the whole segment within its word cap.

    Only the rules whose cap allows the segment's word count are screened (a 30-word segment
    faces 5 of the 27 line rules), with one alternation of them."""
    text = segment.strip()
    count = words(text)
    if count > rule_set.max_words:
        return None
    usable = rule_set.usable[count]
    if not _may_match(_screen(usable), text):
        return None
    for rule in usable:
        if rule.pattern.fullmatch(text):
            return rule.reason
    return None


def junk_reason(segment: str) -> str | None:
    """Why a whole segment (a line or a block between runs of spaces) is junk, if it is.

    Every rule matches a whole segment (or, for prompts, a whole sentence) and is capped in length,
    so a body sentence that merely mentions subscribing or a photo is never taken for junk.
    """
    return _matches(_LINE_RULES, segment)


def prompt_reason(sentence: str) -> str | None:
    """Why one sentence inside a longer segment is a paywall or cookie prompt, if it is."""
    return _matches(_PROMPT_RULES, sentence)


def may_contain_prompt(segment: str) -> bool:
    """Cheap test before splitting a segment into sentences to look for prompts.

    Whether any of ``_PROMPT_HINTS`` occurs in the lower-cased segment, by substring searches:
    five times fewer instructions than one regex alternation of all of them, which tries every
    alternative at every position; hints that share a part are searched for only when the part
    occurs (18 searches instead of 24 when none does)."""
    lower = segment.lower()
    if any(map(lower.__contains__, _SINGLE_HINTS)):
        return True
    for part, group in _HINT_GROUPS:
        if part in lower and any(map(lower.__contains__, group)):
            return True
    return False


def is_running_time(segment: str) -> bool:
    """A bare video running time such as ``01:43`` or ``(1:02:03)``."""
    return len(segment) <= 12 and _RUNNING_TIME.fullmatch(segment.strip()) is not None


def looks_like_promo_title(segment: str) -> bool:
    """A short headline-like segment: what precedes a running time in a video promo."""
    text = segment.strip()
    if not text or words(text) > 18:
        return False
    return not ends_sentence(text) or _ELLIPSIS_END.search(text) is not None


def is_promo_with_time(segment: str) -> bool:
    """A video promo on one line: ``Title 01:43`` where the title is not a sentence."""
    if len(segment) > 200 or segment.rstrip()[-1:] not in "0123456789)":
        return False
    match = _PROMO_WITH_TIME.fullmatch(segment.strip())
    return match is not None and looks_like_promo_title(match.group("title"))
