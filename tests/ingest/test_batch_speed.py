"""The batched fast paths give exactly what the one-at-a-time code gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.ingest import minhash
from annotator.ingest.items import RefusedError
from annotator.ingest.jsonvalue import loads_record
from annotator.ingest.minhash import signature, signatures

WORDS = ("the", "Cat", "Émile", "über", "x.y", "—", "naïve", "a" * 9, "b" * 17, "c" * 30, "")


def _texts(rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def test_batched_signatures_are_the_single_signatures(fixtures: Path) -> None:
    story = (fixtures / "wire_story.txt").read_text(encoding="utf-8")
    rng = random.Random(7)
    texts = [story, "", "one", "two words", "a b c", "  !!! ", story.upper(), *_texts(rng, 200)]
    rng.shuffle(texts)
    assert signatures(texts) == [signature(text) for text in texts]
    for size in range(1, 12):
        assert signatures(texts[:size]) == [signature(text) for text in texts[:size]]
    assert signatures([]) == []


def test_large_batches_are_signed_in_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(random.Random(3), 40)
    expected = [signature(text) for text in texts]
    monkeypatch.setattr(minhash, "GROUP_CHARS", 150)  # a few texts per group, some alone
    assert signatures(texts) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=8))
def test_batched_signatures_match_on_any_text(texts: list[str]) -> None:
    assert signatures(texts) == [signature(text) for text in texts]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "b": "x\\u00e9", "c": [1, {"d": null}], "e": true}',
        b'{"big": 123456789012345678901234567890, "neg": -9223372036854775809}',
        b'{"f": 1.5e300, "g": 0.1}',
        b'{"a": 1, "a": 2}',
        b'{"s": "\\ud800 lone"}',
        b'{"n": NaN, "i": -Infinity}',
        b'{"nested": ' + b"[" * 200 + b"]" * 200 + b"}",
        b'  {"padded": "yes"}  ',
        b"[1, 2]",
        b'"text"',
    ],
)
def test_records_decode_as_json_decodes_them(raw: bytes) -> None:
    value = loads_record(raw, "utf-8")
    assert value == json.loads(raw.decode("utf-8"))
    assert type(value) is type(json.loads(raw.decode("utf-8")))
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(item) is type(json.loads(raw.decode("utf-8"))[key])


@pytest.mark.parametrize(
    "raw", [b'{"a": }', b'\xef\xbb\xbf{"a": 1}', b'{"a": "ctrl\x01"}', b'{"a": 1} x']
)
def test_invalid_records_fail_with_the_json_message(raw: bytes) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(raw.decode("utf-8"))
    with pytest.raises(json.JSONDecodeError) as got:
        loads_record(raw, "utf-8")
    assert str(got.value) == str(expected.value)


def test_records_in_a_legacy_encoding_still_decode() -> None:
    assert loads_record('{"a": "café"}'.encode("cp1252"), "utf-8") == {"a": "café"}
    assert loads_record('{"a": "café"}'.encode("cp1252"), "cp1252") == {"a": "café"}
    with pytest.raises(RefusedError):
        loads_record(b'{"a": "\x00\xff"}', "utf-8")
