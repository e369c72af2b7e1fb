"""jsontext reads and writes exactly what the standard json module would."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats import jsontext

TEXTS = [
    '{"a": 1, "b": [1.5, -0.0, 1e300, true, null], "c": "é🏛\\u2028\\n"}',
    '{"big": 123456789012345678901234567890, "neg": -98765432109876543210}',
    '{"x": 18446744073709551615, "y": 9223372036854775807}',
    '{"nan": NaN, "inf": -Infinity}',
    '{"lone": "\\ud800"}',
    '{"dup": 1, "dup": 2}',
    "[0.1, 0.30000000000000004, 5e-324]",
    "[1e400, -1e400, 1e-400, 1.7976931348623157e308, 2.2250738585072014e-308, 1E23]",
    '["\\ud83d\\ude00", "\\uD83D", "\\udc00x", "\\u0000", "\\/", "\x7f"]',
    "[-0, 0.0, -0.0, 100000000000000000000.0, 123456789012345678901234567890.5]",
]


@pytest.mark.parametrize("text", TEXTS)
def test_loads_equals_json(text: str) -> None:
    value = jsontext.loads(text)
    expected = json.loads(text)
    assert repr(value) == repr(expected)  # repr: NaN != NaN, and int vs float must match


@pytest.mark.parametrize(
    "text", ['{"a" 1}', "[1, 2", '{"a": 1} x', "", "[1,]", "01", "[.5]", '"a\x01"', "\ufeff1"]
)
def test_invalid_json_gets_the_json_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        jsontext.loads(text)
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    assert caught.value.msg == expected.value.msg


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.booleans())
def test_loads_equals_json_on_random_values(value: object, as_bytes: bool) -> None:
    text = json.dumps(value, ensure_ascii=bool(as_bytes))
    data = text.encode("utf-8", "surrogatepass") if as_bytes else text
    try:
        expected = json.loads(text)
    except RecursionError:
        return
    assert repr(jsontext.loads(data)) == repr(expected)


def test_deep_nesting_reads_as_deep_as_before() -> None:
    """msgspec stops at Python's recursion limit; orjson, which read it before, at 1,024."""
    value = jsontext.loads(b"[" * 1024 + b"]" * 1024)
    depth = 0
    while value:
        value, depth = value[0], depth + 1
    assert depth == 1023
    with pytest.raises(RecursionError):
        jsontext.loads(b"[" * 100_000 + b"]" * 100_000)


def test_bytes_that_are_not_utf8_are_a_unicode_error() -> None:
    for data in (b'"\xff"', b'"\xed\xa0\x80"', b'["\xc0\x80"]'):
        with pytest.raises(UnicodeDecodeError):
            jsontext.loads(data)


@pytest.mark.parametrize(
    "value",
    [
        {"a": 'é🏛\u2028\n"\\', "b": [1.5, None, True], "c": {"d": -1}},
        {"big": 10**40, "small": -(10**30)},
    ],
)
def test_dumps_reads_back_as_json_would_write_it(value: object) -> None:
    written = jsontext.dumps_bytes(value, newline=True)
    assert written.endswith(b"\n")
    assert b"\\u" not in written.replace(b"\\u2028", b"")  # UTF-8, not escapes
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert repr(json.loads(written)) == repr(json.loads(expected))
    assert jsontext.dumps(value) == written.decode("utf-8").rstrip("\n")


def test_nan_is_written_as_null_not_as_invalid_json() -> None:
    assert jsontext.dumps({"nan": float("nan"), "inf": float("inf")}) == '{"nan":null,"inf":null}'


def test_dates_are_written_as_isoformat() -> None:
    moment = datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=UTC)
    value = {"at": moment, "whole": moment.replace(microsecond=0), "day": date(2026, 3, 1)}
    assert json.loads(jsontext.dumps_bytes(value)) == {
        "at": moment.isoformat(),
        "whole": moment.replace(microsecond=0).isoformat(),
        "day": "2026-03-01",
    }
    value_big = {**value, "big": 10**40}  # the json fallback writes them alike
    assert json.loads(jsontext.dumps_bytes(value_big))["at"] == moment.isoformat()
