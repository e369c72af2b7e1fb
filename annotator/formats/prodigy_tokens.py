"""A Prodigy task's JSON line with its ``tokens`` array encoded by msgspec from ``Struct``\\ s.

A ``{"text", "start", "end", "id", "ws"}`` dict per token, then orjson, cost ~1.9M instructions
for a text of ~500 tokens; a :class:`Token` struct per token (made in C by ``map``, not tracked
by the garbage collector) encoded by msgspec costs ~0.8M and gives the same bytes: msgspec and
orjson write every code point the same way, escaped or not, and the same integers and booleans
(``tests/formats/test_prodigy_tokens.py``). The rest of the task is encoded by orjson as before,
the tokens spliced in as an ``orjson.Fragment``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import orjson

_encode = msgspec.json.Encoder().encode


class Token(msgspec.Struct, gc=False):
    """One token as Prodigy writes it (the fields in its order)."""

    text: str
    start: int
    end: int
    id: int
    ws: bool


def task_line(
    text: str,
    meta: Mapping[str, Any],
    tokens: tuple[Sequence[str], Sequence[int], Sequence[int], Sequence[bool]],
    spans: list[dict[str, Any]],
    relations: list[dict[str, Any]],
) -> bytes | None:
    """The task's JSON line (with its ``\\n``), or None when orjson cannot encode it (a lone
    surrogate, an integer beyond 64 bits in an attribute): the caller then encodes the task
    its usual way, which gets the same error or falls back to ``json``."""
    try:
        return orjson.dumps(
            {
                "text": text,
                "meta": meta,
                "tokens": orjson.Fragment(tokens_json(*tokens)),
                "spans": spans,
                "relations": relations,
                "answer": "accept",
            },
            option=orjson.OPT_APPEND_NEWLINE,
        )
    except (TypeError, UnicodeEncodeError):  # orjson's JSONEncodeError; msgspec's surrogate
        return None


def tokens_json(
    texts: Sequence[str], starts: Sequence[int], ends: Sequence[int], ws: Sequence[bool]
) -> bytes:
    """The ``tokens`` array as orjson encodes a list of the tokens' dicts (compact, UTF-8)."""
    return _encode(list(map(Token, texts, starts, ends, range(len(texts)), ws)))
