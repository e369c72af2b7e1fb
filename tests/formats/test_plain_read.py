"""Reading plain drafts (``ImportOptions.plain``) gives what the record readers give.

Each JSON-family reader reads the same files twice, with and without ``plain``; the documents,
spans (keys aside: a plain document has no relations to need them), notes and failures must be
the same, and the usual documents must have come as PlainDrafts.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import Unit
from annotator.core.plain_draft import PlainDraft, as_plain
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ImportOptions

TEXT = "Rebels shelled Aleppo on Monday."
EMOJI = "🏛 Rebels shelled Aleppo on Monday."
ACCENT = "Réunion: rebels shelled Aleppo."


def _read(name: str, path: Path, options: ImportOptions) -> list[Any]:
    return list(registry.importer(name).read(path, LabelSchema(()), options))


def _same_shape(item: AnnotatedDraft | PlainDraft | Failure) -> Any:
    if isinstance(item, Failure):
        return item
    if isinstance(item, PlainDraft):
        item = item.annotated()
    spans = [tuple(span[1:]) for span in item.spans]  # keys aside
    return (item.draft, item.origin, spans, item.relations, item.status, item.note, item.comment)


def _compare(name: str, path: Path, options: ImportOptions = ImportOptions()) -> list[Any]:
    """Read ``path`` both ways; returns the plain reading."""
    options = replace(options, annotator="me")
    records = _read(name, path, options)
    plain = _read(name, path, replace(options, plain=True))
    assert not any(isinstance(item, PlainDraft) for item in records)
    assert [_same_shape(x) for x in plain] == [_same_shape(x) for x in records]
    return plain


def _kinds(items: list[Any]) -> list[str]:
    return [type(item).__name__ for item in items]


def _lines(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _span(whole: str, part: str, label: str, **extra: Any) -> dict[str, Any]:
    start = whole.index(part)
    return {"label": label, "start": start, "end": start + len(part), **extra}


def test_jsonl_usual_lines_are_plain_and_the_rest_read_as_before(tmp_path: Path) -> None:
    usual = {"text": TEXT, "spans": [_span(TEXT, "Rebels", "ACTOR", text="Rebels")]}
    path = _lines(
        tmp_path / "a.jsonl",
        [
            usual,
            {**usual, "title": "t", "status": "done", "comment": "c"},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "LOC", attributes={"k": 1})]},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "LOC", text="Monday")]},
            {"text": TEXT, "spans": [{"label": "LOC", "start": 3, "end": 99}]},
            {"text": TEXT, "spans": [{"label": "LOC", "start": 3.0, "end": 6}]},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "LOC")] * 2},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "LOC", annotator="ann")]},
            {
                "text": TEXT,
                "spans": [
                    _span(TEXT, "Aleppo", "LOC", annotator="ann"),
                    _span(TEXT, "Rebels", "ACTOR", annotator="bob"),
                ],
            },
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "LOC", comment="sure?")]},
            {
                "text": TEXT,
                "spans": [
                    {**_span(TEXT, "Rebels", "A"), "id": 1},
                    {**_span(TEXT, "Aleppo", "L"), "id": 2},
                ],
                "relations": [{"type": "r", "source": 1, "target": 2}],
            },
            {"text": EMOJI, "spans": [_span(EMOJI, "Aleppo", "LOC", text="Aleppo")]},
            {"text": TEXT, "spans": []},
            {"text": TEXT, "spans": [[0, 6, "ACTOR"]]},
            {"text": TEXT, "spans": [{"label": 5, "start": 0, "end": 6}]},
            {"text": TEXT, "spans": [{"label": "", "start": 0, "end": 6}]},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "L", comment=0, attributes=[])]},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "L", attributes=[1])]},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "L", text=5)]},
            {"text": TEXT, "spans": [_span(TEXT, "Aleppo", "L", annotator=7)]},
            {"text": TEXT, "spans": [{"start": 0, "end": 6}]},
        ],
    )
    plain = _compare("jsonl", path)
    assert _kinds(plain)[16] == "PlainDraft"  # falsy comment and attributes: plain
    assert _kinds(plain)[:2] == ["PlainDraft", "PlainDraft"]
    assert _kinds(plain)[2:5] == ["AnnotatedDraft", "Failure", "Failure"]
    assert _kinds(plain)[7] == "PlainDraft"  # one named annotator for every span
    assert plain[7].annotator == "ann"
    assert plain[0].annotator == "me"
    assert _kinds(plain)[11] == "PlainDraft"  # code points whatever the characters


def test_jsonl_spans_of_mixed_shapes_read_the_same_both_ways(tmp_path: Path) -> None:
    """Lines whose spans do not all have the same keys, repeat a start, or give a surface of
    another length take the span-by-span checks; the result is the same either way."""
    rebels, aleppo = _span(TEXT, "Rebels", "A"), _span(TEXT, "Aleppo", "L")
    path = _lines(
        tmp_path / "m.jsonl",
        [
            {"text": TEXT, "spans": [{**rebels, "text": "Rebels"}, aleppo]},
            {"text": TEXT, "spans": [{**rebels, "annotator": "ann"}, aleppo]},  # two layers
            {"text": TEXT, "spans": [{**rebels, "attributes": {}}, {**aleppo, "id": 2}]},
            {"text": TEXT, "spans": [rebels, {**rebels, "label": "B"}]},
            {"text": TEXT, "spans": [rebels, {**rebels, "end": 5}]},
            {"text": TEXT, "spans": [rebels, dict(rebels)]},
            {"text": TEXT, "spans": [{**rebels, "text": "Rebel"}]},
            {"text": TEXT, "spans": [{**rebels, "text": "rebels"}]},
            {"text": TEXT, "spans": [{**rebels, "fragments": []}, aleppo]},
            {"text": TEXT, "spans": [rebels, "Aleppo"]},
            {"text": TEXT, "spans": [rebels, 7]},
            {"text": TEXT, "spans": [{**rebels, "text": None}, {**aleppo, "text": "Aleppo"}]},
            {"text": TEXT, "spans": [{**rebels, "attributes": {"k": 1}}, aleppo]},
            {"text": TEXT, "spans": [rebels], "status": "done", "comment": 5},
            {"text": TEXT, "spans": [rebels], "status": [1]},
            {"text": TEXT, "spans": [rebels], "status": "bogus"},
        ],
    )
    plain = _compare("jsonl", path)
    assert _kinds(plain)[13:] == ["PlainDraft", "Failure", "Failure"]
    assert _kinds(plain)[:5] == ["PlainDraft", "AnnotatedDraft", *["PlainDraft"] * 3]
    assert _kinds(plain)[5:8] == ["AnnotatedDraft", "Failure", "Failure"]
    assert _kinds(plain)[8] == "PlainDraft"
    assert _kinds(plain)[11] == "PlainDraft"
    assert _kinds(plain)[12] == "AnnotatedDraft"


def test_doccano_usual_examples_are_plain_and_the_rest_read_as_before(tmp_path: Path) -> None:
    def entity(text: str, part: str, label: str, **extra: Any) -> dict[str, Any]:
        start = text.index(part)
        return {"label": label, "start_offset": start, "end_offset": start + len(part), **extra}

    usual = {"text": TEXT, "entities": [entity(TEXT, "Rebels", "ACTOR", id=1)], "relations": []}
    astral = EMOJI.index("Aleppo") + 1  # UTF-16 units
    path = _lines(
        tmp_path / "d.jsonl",
        [
            usual,
            {**usual, "id": 7, "source": "x"},
            {"text": TEXT, "entities": [entity(TEXT, "Aleppo", "LOC")] * 2},
            {"text": TEXT, "label": [[0, 6, "ACTOR"], [15, 21, "LOC"]]},
            {"text": TEXT, "label": ["positive"]},
            {"text": TEXT, "entities": [{"label": "LOC", "start_offset": "15", "end_offset": 21}]},
            {"text": TEXT, "entities": [{"label": "LOC", "start_offset": 15, "end_offset": 99}]},
            {
                "text": EMOJI,
                "entities": [{"label": "L", "start_offset": astral, "end_offset": astral + 6}],
            },
            {"text": ACCENT, "entities": [entity(ACCENT, "Aleppo", "LOC")]},
            {
                "text": TEXT,
                "entities": [entity(TEXT, "Rebels", "A", id=1), entity(TEXT, "Aleppo", "L", id=2)],
                "relations": [{"from_id": 1, "to_id": 2, "type": "r"}],
            },
            {"text": TEXT, "entities": [entity(TEXT, "Aleppo", "LOC")], "relations": {}},
        ],
    )
    plain = _compare("doccano", path)
    assert _kinds(plain)[:4] == ["PlainDraft"] * 4
    assert len(plain[2].labels) == 1  # the same span twice is read once
    assert _kinds(plain)[7:] == ["AnnotatedDraft", "PlainDraft", "AnnotatedDraft", "Failure"]
    _compare("doccano", path, ImportOptions(offset_unit=Unit.CODE_POINT))


def test_spacy_jsonl_usual_lines_are_plain_and_the_rest_read_as_before(tmp_path: Path) -> None:
    utf8 = len(ACCENT[: ACCENT.index("Aleppo")].encode())
    path = _lines(
        tmp_path / "s.jsonl",
        [
            {"text": TEXT, "spans": [_span(TEXT, "Rebels", "ACTOR", text="Rebels")]},
            {"text": TEXT, "spans": [_span(TEXT, "Rebels", "ACTOR")], "meta": {"title": "t"}},
            {"text": TEXT, "spans": [_span(TEXT, "Rebels", "ACTOR", text="Monday")]},
            {"text": TEXT, "spans": [_span(TEXT, "Rebels", "ACTOR")] * 2},
            {"text": TEXT, "spans": [[0, 6, "ACTOR"]]},
            {
                "text": ACCENT,
                "spans": [{"label": "L", "start": utf8, "end": utf8 + 6, "text": "Aleppo"}],
            },
            {"text": ACCENT, "spans": [_span(ACCENT, "Aleppo", "L", text="Aleppo")]},
            {
                "text": TEXT,
                "spans": [_span(TEXT, "Rebels", "A", text="Rebels"), _span(TEXT, "Aleppo", "L")],
            },
            {"text": TEXT, "spans": [_span(TEXT, "Rebels", "ACTOR", text=3)]},
        ],
    )
    plain = _compare("spacy-jsonl", path)
    assert _kinds(plain)[:2] == ["PlainDraft"] * 2
    assert _kinds(plain)[2:7] == [
        "Failure",
        "AnnotatedDraft",
        "AnnotatedDraft",
        "AnnotatedDraft",
        "PlainDraft",
    ]
    assert _kinds(plain)[7] == "PlainDraft"
    _compare("spacy-jsonl", path, ImportOptions(offset_unit=Unit.UTF8))


def test_label_studio_usual_tasks_are_plain_and_the_rest_read_as_before(tmp_path: Path) -> None:
    def region(whole: str, part: str, labels: list[str], rid: str, **extra: Any) -> dict[str, Any]:
        start = whole.index(part)
        value = {"start": start, "end": start + len(part), "text": part, "labels": labels}
        return {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": value,
            **extra,
        }

    def task(text: str, *results: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"data": {"text": text}, "annotations": [{"result": list(results)}], **extra}

    choice = {
        "id": "a",
        "from_name": "kind",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": ["state"]},
    }
    relation = {"type": "relation", "from_id": "a", "to_id": "b", "direction": "right"}
    two = task(TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"))
    two["annotations"].append({"result": [region(TEXT, "Aleppo", ["LOC"], "b")], "completed_by": 3})
    path = tmp_path / "ls.json"
    tasks = [
        task(
            TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"), region(TEXT, "Aleppo", ["LOC"], "b"), id=4
        ),
        task(TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"), choice),
        task(
            TEXT,
            region(TEXT, "Rebels", ["ACTOR"], "a"),
            region(TEXT, "Aleppo", ["LOC"], "b"),
            relation,
        ),
        task(TEXT, region(TEXT, "Rebels", ["ACTOR", "GROUP"], "a")),
        two,
        task(EMOJI, region(EMOJI, "Aleppo", ["LOC"], "a")),
        task(
            TEXT,
            {
                **region(TEXT, "Rebels", ["ACTOR"], "a"),
                "value": {"start": 0, "end": 6, "text": "Monday", "labels": ["A"]},
            },
        ),
        task(TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"), region(TEXT, "Rebels", ["ACTOR"], "b")),
    ]
    tasks += [task(TEXT, ["x"]), task(TEXT, {"id": "a", "type": "labels", "value": None})]  # type: ignore[arg-type]
    untold = region(TEXT, "Aleppo", ["LOC"], "b")
    del untold["value"]["text"]
    typeless = region(TEXT, "Aleppo", ["LOC"], "b")
    del typeless["type"]
    valueless = region(TEXT, "Aleppo", ["LOC"], "b")
    del valueless["value"]
    tasks += [
        task(TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"), untold),  # a value without its text
        task(TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"), typeless),
        task(TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"), valueless),
        task(TEXT, region(TEXT, "Rebels", ["ACTOR"], "a"), {**untold, "value": [1]}),
    ]
    path.write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    plain = _compare("label-studio", path)
    assert _kinds(plain)[:10] == [
        "PlainDraft",
        *["AnnotatedDraft"] * 4,
        "PlainDraft",
        "Failure",
        "AnnotatedDraft",
        "Failure",
        "AnnotatedDraft",
    ]
    assert _kinds(plain)[10] == "PlainDraft"


def test_as_plain_takes_only_plain_items() -> None:
    from annotator.core.document import DocumentDraft
    from annotator.core.interchange import RelationRecord, SpanRecord

    draft = DocumentDraft(TEXT)
    usual = AnnotatedDraft(
        draft, "f:1", (SpanRecord("1", "A", 0, 6, {}, "me"), SpanRecord("2", "L", 15, 21, {}, "me"))
    )
    plain = as_plain(usual)
    assert plain is not None
    assert plain.labels == ("A", "L")
    assert plain.annotator == "me"
    assert [s[1:] for s in plain.annotated().spans] == [s[1:] for s in usual.spans]
    for other in (
        replace(usual, spans=(usual.spans[0]._replace(attributes={"k": 1}),)),
        replace(usual, spans=(usual.spans[0]._replace(note="n"),)),
        replace(usual, spans=(usual.spans[0]._replace(fragments=((0, 2), (3, 6))),)),
        replace(usual, spans=(usual.spans[0], usual.spans[1]._replace(annotator="bob"))),
        replace(usual, spans=(usual.spans[0], usual.spans[0]._replace(key="3"))),
        replace(usual, relations=(RelationRecord("r", "1", "2"),)),
        replace(usual, spans=()),
    ):
        assert as_plain(other) is None


@pytest.mark.parametrize("name", ["jsonl", "doccano", "spacy-jsonl", "label-studio"])
def test_a_missing_file_fails_the_same_both_ways(tmp_path: Path, name: str) -> None:
    _compare(name, tmp_path / "missing.json")
