"""Label Studio tasks decoded by msgspec (``label_studio_fast``) read as the usual reader reads.

A task on a line of its own is first decoded into the few fields the plain path needs; when
that works and the task is plain it becomes a PlainDraft there, else it is read as before. Each
test reads the same tasks laid out one a line (the fast decoder's layout), pretty-printed (only
orjson and the stream: the reader before msgspec) and without ``plain`` (the record reader),
and compares documents, spans, notes and failures.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import jsontext
from annotator.formats.base import ImportOptions
from annotator.formats.json_array_lines import array_values
from annotator.formats.label_studio_config import SOURCE_OPTION
from annotator.formats.label_studio_fast import DecodedTask, decode_task
from annotator.formats.label_studio_read import LabelStudioImporter
from tests.formats.test_plain_read import _same_shape

TEXT = "Rebels shelled Aleppo on Monday."
EMOJI = "🏛 Rebels shelled Aleppo on Monday 😀."
ACCENT = "Réunion: rebels shelled Aleppo."
BIG = 123456789012345678901234567890


def _result(text: str, part: str, label: str = "LOC", rid: str = "r1") -> dict[str, Any]:
    start = text.index(part)
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": start + len(part), "text": part, "labels": [label]},
    }


def _task(text: str, *results: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A task as Label Studio exports it (the fields the reader skips included)."""
    annotation = {
        "id": 7,
        "completed_by": 1,
        "result": list(results),
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": "2024-05-01T10:00:00.000000Z",
        "lead_time": 12.5,
        "prediction": {},
        "result_count": 0,
        "task": 1,
        "parent_prediction": None,
    }
    return {
        "id": 1,
        "annotations": [annotation],
        "drafts": [],
        "predictions": [],
        "data": {"text": text, "source": "wire", "meta": {"n": BIG, "f": 0.1}},
        "meta": {},
        "inner_id": 1,
        **extra,
    }


def _one_a_line(path: Path, tasks: list[Any], *, ascii_only: bool = False) -> Path:
    lines = [json.dumps(task, ensure_ascii=ascii_only) for task in tasks]
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", "utf-8")
    return path


def _read(path: Path, options: ImportOptions) -> list[Any]:
    return list(LabelStudioImporter().read(path, LabelSchema(()), options))


def _lineless(item: Any) -> Any:
    """An item without where it was read (the layouts number lines differently)."""
    if isinstance(item, Failure):
        return (item.reason, item.code)
    shape = _same_shape(item)
    return (shape[0], *shape[2:])


def _compare_layouts(folder: Path, tasks: list[Any], options: ImportOptions) -> list[Any]:
    """The tasks one a line, read plain, give what the record reader gives and what the
    reader gives them pretty-printed (no msgspec there); returns the one-a-line reading."""
    options = replace(options, annotator="me")
    lines = _one_a_line(folder / "lines.json", tasks)
    pretty = folder / "pretty.json"
    pretty.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), "utf-8")
    fast = _read(lines, replace(options, plain=True))
    records = _read(lines, options)
    before = _read(pretty, replace(options, plain=True))
    assert [_same_shape(x) for x in fast] == [_same_shape(x) for x in records]
    assert [type(x) for x in fast] == [type(x) for x in before]
    assert [_lineless(x) for x in fast] == [_lineless(x) for x in before]
    return fast


def test_usual_tasks_are_decoded_by_msgspec_and_read_as_before(tmp_path: Path) -> None:
    tasks = [
        _task(TEXT, _result(TEXT, "Rebels", "ACTOR"), _result(TEXT, "Aleppo", rid="r2")),
        _task(ACCENT, _result(ACCENT, "Réunion"), id=BIG),
        _task(EMOJI, _result(EMOJI, "Aleppo")),  # code points, as today's Label Studio counts
        _task(TEXT, _result(TEXT, "Monday"), data={"text": TEXT, "title": "t", "status": "done"}),
    ]
    path = _one_a_line(tmp_path / "tasks.json", tasks)
    lines = path.read_bytes().splitlines()[1:-1]
    assert all(isinstance(decode_task(line.rstrip(b",")), DecodedTask) for line in lines)
    read = _compare_layouts(tmp_path, tasks, ImportOptions())
    assert [type(item) for item in read] == [PlainDraft] * 4
    assert read[1].draft.external_id == str(BIG)
    assert read[1].draft.metadata == {"n": BIG, "f": 0.1}  # exact, not a float
    assert read[3].status is not None
    assert read[3].draft.title == "t"


def test_odd_tasks_go_the_usual_way_with_the_same_results(tmp_path: Path) -> None:
    usual = _result(TEXT, "Aleppo")
    value = usual["value"]

    def variant(**changes: Any) -> dict[str, Any]:
        return {**usual, "value": {**value, **changes}}

    no_text = dict(value)
    del no_text["text"]
    cancelled = _task(TEXT, _result(TEXT, "Rebels"))
    cancelled["annotations"].insert(0, {**cancelled["annotations"][0], "was_cancelled": True})
    two = _task(TEXT, _result(TEXT, "Rebels"))
    two["annotations"].append(two["annotations"][0])
    tasks = [
        _task(TEXT, variant(start=BIG)),
        _task(TEXT, variant(start=-1)),
        _task(TEXT, variant(start=3.0)),
        _task(TEXT, variant(start=True)),
        _task(TEXT, variant(start="15")),
        _task(TEXT, variant(end=99)),
        _task(TEXT, variant(end=15)),
        _task(TEXT, variant(labels=[])),
        _task(TEXT, variant(labels=["A", "B"])),
        _task(TEXT, variant(labels=[""])),
        _task(TEXT, variant(labels=[5])),
        _task(TEXT, variant(labels="LOC")),
        _task(TEXT, variant(text="Monday")),
        _task(TEXT, variant(text=None)),
        _task(TEXT, variant(text=5)),
        _task(TEXT, {**usual, "value": no_text}),
        _task(TEXT, {**usual, "type": "choices"}),
        _task(TEXT, {**usual, "type": None}),
        _task(TEXT, {"id": "r1", "type": "labels"}),
        _task(TEXT, usual, {"type": "relation", "from_id": "r1", "to_id": "r1"}),
        _task(TEXT, usual, _result(TEXT, "Aleppo", rid="r2")),  # the same span twice
        _task(TEXT),
        _task(EMOJI, {**_result(EMOJI, "Aleppo"), "value": {"start": 17, "end": 23}}),
        _task(EMOJI, _result(EMOJI, "Aleppo"), _result(EMOJI, "Monday", rid="r2")),
        {
            **_task(EMOJI),
            "annotations": [{"result": [{**usual, "value": {**value, "start": 18, "end": 24}}]}],
        },
        cancelled,
        two,
        _task(TEXT, usual, predictions=None),
        _task(TEXT, usual, predictions=[{"result": [], "model_version": "m"}]),
        _task(TEXT, usual, predictions={"x": 1}),
        _task(TEXT, usual, predictions=0),
        _task(TEXT, usual, predictions=""),
        _task(TEXT, usual, predictions="x"),
        {**_task(TEXT, usual), "annotations": None},
        {**_task(TEXT, usual), "annotations": []},
        {**_task(TEXT, usual), "annotations": [5]},
        {**_task(TEXT, usual), "annotations": {"result": []}},
        {**_task(TEXT), "annotations": [{"result": [usual], "annotator": "ann"}]},
        {**_task(TEXT), "annotations": [{"result": [usual], "annotator": ""}]},
        {**_task(TEXT), "annotations": [{"result": [usual], "completed_by": {"email": "e@x"}}]},
        {**_task(TEXT), "annotations": [{"result": [usual], "completed_by": {"id": BIG}}]},
        {**_task(TEXT), "annotations": [{"result": [usual], "completed_by": True}]},
        {**_task(TEXT), "annotations": [{"result": [usual], "skipped": 1}]},
        {**_task(TEXT), "annotations": [{"result": [usual], "was_cancelled": "no"}]},
        {**_task(TEXT), "annotations": [{"result": None}]},
        {"completions": [{"result": [usual]}], "data": {"text": TEXT}},
        {"annotations": [{"result": [usual]}], "text": TEXT},
        {"annotations": [{"result": [usual]}], "data": {"content": TEXT}},
        {"annotations": [{"result": [usual]}], "data": {"text": 5, "content": TEXT}},
        {"annotations": [{"result": [usual]}], "data": TEXT},
        {"annotations": [{"result": [usual]}], "data": {"text": TEXT, "published": "2024-02-30"}},
        {"annotations": [{"result": [usual]}], "data": {"text": TEXT, "document_id": 4}, "id": 2},
        {"annotations": [{"result": [usual]}], "data": {"text": TEXT, "x": 1e300, "y": -0.0}},
        [usual],
        5,
    ]
    for options in (
        ImportOptions(),
        ImportOptions(offset_unit=Unit.UTF16),
        ImportOptions(offset_unit=Unit.CODE_POINT),
        ImportOptions(extra={SOURCE_OPTION: "annotations"}),
        ImportOptions(extra={SOURCE_OPTION: "both"}),
        ImportOptions(extra={SOURCE_OPTION: "predictions"}),
    ):
        read = _compare_layouts(tmp_path, tasks, options)
        assert any(isinstance(item, PlainDraft) for item in read) == (
            options.extra.get(SOURCE_OPTION) != "predictions"
        )


def _values(path: Path, fast: bool) -> list[Any]:
    """What ``array_values`` gives, a DecodedTask as the object the usual decoder reads."""
    try:
        found = list(array_values(path, decode_task if fast else None))
    except (UnicodeDecodeError, RecursionError) as error:
        return [type(error)]
    return [
        (item[0], jsontext.loads(item[1].body))
        if not isinstance(item, Failure) and isinstance(item[1], DecodedTask)
        else item
        for item in found
    ]


ODD_LINES = [
    b'{"data":{"text":"a"},"x":"\\ud800"}',  # a lone surrogate msgspec refuses, json reads
    b'{"data":{"text":"\\ud83d\\ude00 \\ud800"}}',
    b'{"data":{"text":"a"},"x":"\xff"}',  # not UTF-8, in a field msgspec skips
    b'{"data":{"text":"a"},"x":"\xed\xa0\x80"}',  # an encoded surrogate
    b'{"data":{"text":"a\xc3\xa9 \xf0\x9f\x98\x80"}}',
    b'{"data":{"text":"a","n":NaN}}',
    b'{"data":{"text":"a"},"x":[Infinity]}',
    b'{"data":{"text":"a","n":1e400},"x":1e400}',
    b'{"data":{"text":"a","n":123456789012345678901234567890}}',
    b'{"data":{"text":"a"},"id":-123456789012345678901234567890}',
    b'{"data":{"text":"a"},"data":{"text":"b","t":1,"t":2}}',
    b'{"data":{"text":"a\x01"}}',
    b'{"data":{"text":"a"},"x":"\\x"}',
    b'{"data":{"text":"a"},"x":01}',
    b'{"data":{"text":"a"},"x":[1,]}',
    b'{"data":{"text":"a"} , "x" : { } }',
    b'{"data":{"text":"a"},"x":' + b"[" * 800 + b"]" * 800 + b"}",
    b'{"data":{"text":"a"},"x":' + b"[" * 1200 + b"]" * 1200 + b"}",
    b'{"data":{"text":"a"},"annotations":[{"result":[]}],"predictions":[]}',
    b'{"d\\u0061ta":{"t\\u0065xt":"a","\\u00e9":1},"\\u0069d":5}',  # escaped keys
]


@pytest.mark.parametrize("line", ODD_LINES)
def test_the_decoder_takes_only_lines_the_usual_decoder_reads_the_same(
    tmp_path: Path, line: bytes
) -> None:
    path = tmp_path / "tasks.json"
    path.write_bytes(b'[\n{"data":{"text":"first"}},\n' + line + b',\n{"data":{"text":"z"}}\n]\n')
    assert _values(path, fast=True) == _values(path, fast=False)
    decoded = decode_task(line)
    if decoded is not None:  # what it decoded is what json reads
        whole = json.loads(line.decode("utf-8"))
        assert decoded.task.data == whole["data"]
        assert decoded.task.id == whole.get("id")


def test_the_decoder_refuses_what_it_cannot_read_exactly() -> None:
    for line in ODD_LINES[:4] + ODD_LINES[5:8] + ODD_LINES[11:15] + ODD_LINES[17:18]:
        assert decode_task(line) is None, line


_OFFSETS = st.one_of(
    st.integers(-2, 40), st.just(BIG), st.floats(0, 40), st.booleans(), st.just("3"), st.none()
)
_LABELS = st.one_of(
    st.lists(st.sampled_from(["LOC", "ACTOR", "", 5]), max_size=2), st.just("LOC"), st.none()
)


@st.composite
def _results(draw: st.DrawFn, text: str) -> dict[str, Any]:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    value: dict[str, Any] = {"start": start, "end": end, "labels": ["LOC"], "text": text[start:end]}
    for key, values in (
        ("start", _OFFSETS),
        ("end", _OFFSETS),
        ("labels", _LABELS),
        ("text", st.one_of(st.text(max_size=6), st.none(), st.just(5))),
    ):
        change = draw(st.sampled_from(["keep"] * 18 + ["change", "drop"]))
        if change == "change":
            value[key] = draw(values)
        elif change == "drop":
            del value[key]
    result: dict[str, Any] = {"id": draw(st.sampled_from(["a", "b", 3])), "type": "labels"}
    result["value"] = value
    if draw(st.sampled_from([False] * 19 + [True])):
        result["type"] = draw(st.sampled_from(["choices", "relation", None]))
    return result


@st.composite
def _tasks(draw: st.DrawFn) -> Any:
    text = draw(st.sampled_from([TEXT, EMOJI, ACCENT, "a\U00010000b\U00010001c"]))
    entry: dict[str, Any] = {"result": draw(st.lists(_results(text), min_size=1, max_size=4))}
    for key, values in (
        ("annotator", st.sampled_from(["ann", "", None, 5])),
        ("completed_by", st.sampled_from([2, True, {"email": "e"}, {"id": 0}, None, "x"])),
        ("was_cancelled", st.sampled_from([False, True, 0, "", None])),
        ("skipped", st.sampled_from([False, True, 1])),
        ("model_version", st.sampled_from(["m", 5])),
    ):
        if draw(st.sampled_from([False] * 4 + [True])):
            entry[key] = draw(values)
    entries = [entry] * draw(st.sampled_from([1, 1, 1, 1, 0, 2]))
    data: dict[str, Any] = {"text": text}
    if draw(st.booleans()):
        data.update(title="t", status=draw(st.sampled_from(["done", "odd"])), n=BIG, f=1.5)
    task: dict[str, Any] = {"data": data, "annotations": entries}
    if draw(st.sampled_from([False, False, True])):
        task["predictions"] = draw(st.sampled_from([[], None, [entry], 0, {}, "x"]))
    if draw(st.booleans()):
        task["id"] = draw(st.sampled_from([1, BIG, "t", None, 2.5]))
    return task


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tasks=st.lists(_tasks(), min_size=1, max_size=4),
    unit=st.sampled_from([None, Unit.CODE_POINT, Unit.UTF16]),
    source=st.sampled_from(["auto", "annotations", "both"]),
)
def test_random_tasks_read_the_same_all_three_ways(
    tasks: list[Any], unit: Unit | None, source: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        options = ImportOptions(offset_unit=unit, extra={SOURCE_OPTION: source})
        _compare_layouts(Path(folder), tasks, options)


def test_escaped_keys_read_as_the_keys_they_spell(tmp_path: Path) -> None:
    usual = json.dumps(_task(TEXT, _result(TEXT, "Aleppo"), _result(TEXT, "Rebels", rid="r2")))
    escaped = (
        usual.replace('"data"', '"d\\u0061ta"')
        .replace('"start"', '"st\\u0061rt"')
        .replace('"labels"', '"l\\u0061bels"')
    )
    path = tmp_path / "tasks.json"
    path.write_text(f"[\n{usual},\n{escaped}\n]\n", "utf-8")
    assert isinstance(decode_task(escaped.encode()), DecodedTask)
    options = ImportOptions(annotator="me")
    fast = _read(path, replace(options, plain=True))
    assert [type(item) for item in fast] == [PlainDraft, PlainDraft]
    assert [_lineless(x) for x in fast[:1]] == [_lineless(x) for x in fast[1:]]
    assert [_same_shape(x) for x in fast] == [_same_shape(x) for x in _read(path, options)]
