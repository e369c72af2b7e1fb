"""The line-by-line array reader gives what the JSON stream gives: values, lines, errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.json_array_lines import array_values
from annotator.formats.jsontext import lines_of
from annotator.formats.spacy_jsonl import JsonStream, open_text

CASES = [
    '[\n{"a": 1},\n{"b": [1, 2]}\n]\n',
    '[\r\n{"a": 1},\r\n{"b": 2}\r\n]',
    '\ufeff[\n{"a": "é"},\n  {"b": 2}  ,\n\n{"c": 3}\n]\n',
    "[\n]\n",
    "[]",
    '[{"a": 1}, {"b": 2}]',
    '[\n{"a": 1},\n{\n  "b": 2\n},\n{"c": 3}\n]\n',
    '[\n{"a": 1}, {"b": 2},\n{"c": 3}\n]\n',
    '[\n{"a": 1}\n{"b": 2}\n]\n',
    '[\n{"a": 1},\n]\n',
    '[\n{"a": 1},,\n{"b": 2}\n]\n',
    '[\n{"a": 1},\n{"b": 2}\n',
    '[\n{"a": 1},\n{"b": 2}',
    '[\n{"a": 1}\n',
    '[\n{"a": 1},\n{"b": }\n]\n',
    '[\n{"a": 1}\n]\n{"b": 2}\n',
    '{"a": 1}\n{"b": 2}\n',
    '{\n  "a": 1\n}\n',
    '[\n{"n": 123456789012345678901234567890},\n{"b": 2}\n]\n',
    '[\n{"a": 1},\n"text",\n{"b": 2}\n]\n',
    "",
    "\n\n",
    '[\r{"a": 1},\r{"b": 2}\r]\r',  # old Mac line breaks: lines as the text reader counts them
    '[\r\r\n{"a": 1}\n]\n',
    '[\n{"a": 1},\r{"b": 2}\n{"c": 3}\n]\n',
    '[\n{"a": 1},\n{"b": 2}\r\r,x\n]\n',
]


def _stream(path: Path) -> list[object]:
    handle = open_text(path)
    assert not isinstance(handle, Exception)
    with handle:  # type: ignore[union-attr]
        return list(JsonStream(handle).records(path))  # type: ignore[arg-type]


@pytest.mark.parametrize("text", CASES)
def test_the_same_values_lines_and_errors_as_the_stream(tmp_path: Path, text: str) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(text, "utf-8", newline="")
    assert list(array_values(path)) == _stream(path)
    # a first decoder that declines every line leaves the reading as it was
    assert list(array_values(path, lambda line: None)) == _stream(path)


def test_bytes_that_are_not_utf8_raise_as_in_the_stream(tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_bytes(b'[\n{"a": 1},\n{"b": "\xff"}\n]\n')
    with pytest.raises(UnicodeDecodeError):
        list(array_values(path))
    with pytest.raises(UnicodeDecodeError):
        _stream(path)


def test_a_missing_file_is_one_failure(tmp_path: Path) -> None:
    (found,) = array_values(tmp_path / "missing.json")
    assert found.code == "ANN133"  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(st.sampled_from([b"\n", b"\r", b"\r\n", b"ab", b"{}", b"\xff", b" "])).map(
        b"".join
    ),
    block_size=st.integers(1, 9),
)
def test_lines_of_gives_the_lines_the_file_iterator_gives(data: bytes, block_size: int) -> None:
    assert list(lines_of(io.BytesIO(data), block_size)) == list(io.BytesIO(data))


def test_a_long_item_line_read_in_blocks_hands_over_at_the_right_byte(tmp_path: Path) -> None:
    long = '{"a": "' + "x" * (3 << 20) + '"}'
    text = f'[\n{{"a": 1}},\n{long},\n{{\n "b": 2\n}},\n{{"c": "é"}}\n]\n'
    path = tmp_path / "tasks.json"
    path.write_text(text, "utf-8")
    assert list(array_values(path)) == _stream(path)
