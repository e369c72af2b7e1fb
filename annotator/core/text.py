"""Counting words for messages: "1 document", "3 documents", "a manager or curator"."""

from __future__ import annotations

from collections.abc import Sequence

IRREGULAR = {"was": "were", "has": "have", "is": "are", "this": "these", "entry": "entries"}


def plural_word(n: int, word: str, many: str | None = None) -> str:
    """``word`` as it reads after the number ``n`` (``many`` when the plural is irregular)."""
    if n == 1:
        return word
    return many or IRREGULAR.get(word) or f"{word}s"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 document"``, ``"1,024 documents"``."""
    return f"{n:,} {plural_word(n, word, many)}"


def either(words: Sequence[str], conjunction: str = "or") -> str:
    """``"a"``, ``"a or b"``, ``"a, b or c"``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
