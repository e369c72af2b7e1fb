"""Importing annotations through the registry: round trip, missing labels, existing documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.edits import AddRelation, AddSpan, SetAttribute
from annotator.core.errors import UserError
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import Project
from annotator.services.project_files import read_project_config

TEXT = (
    "Rebels shelled Aleppo on 3 May 2016.\nThe ministry 🏛 said 12 civilians died in Aleppo’s east."
)


@pytest.fixture
def source(tmp_path: Path, database_url: str) -> Iterator[Project]:
    project = Project.create(tmp_path / "source", database_url=database_url)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    [doc] = import_paths(project, [tmp_path / "a.txt"]).imported
    claim = project.apply(AddSpan(doc, "CLAIM", 57, 91, {}, "ana")).changes.spans_added[0]
    ministry = project.apply(AddSpan(doc, "ACTOR", 37, 49, {}, "ana")).changes.spans_added[0]
    figure = project.apply(AddSpan(doc, "CASUALTY_FIGURE", 57, 69, {}, "ben")).changes
    aleppo = project.apply(AddSpan(doc, "LOCATION", 78, 84, {}, "ben")).changes.spans_added[0]
    project.apply(SetAttribute(figure.spans_added[0].id, "count", 12))
    project.apply(AddRelation(doc, "ATTRIBUTED_TO", claim.id, ministry.id, "ana"))
    project.apply(AddRelation(doc, "LOCATED_IN", figure.spans_added[0].id, aleppo.id, "ben"))
    yield project
    project.close()


def test_native_round_trip_into_a_new_project_and_onto_existing_documents(
    source: Project, tmp_path: Path
) -> None:
    out = tmp_path / "export.jsonl"
    export_project(source, "jsonl", out)
    target = Project.create(tmp_path / "target")
    try:
        report = import_annotations(target, "jsonl", out)
        assert (len(report.created), report.spans, report.relations) == (1, 4, 2)
        [doc_id] = report.created
        original = source.annotated(source.document_ids()[0])
        copy = target.annotated(doc_id)

        def key(item):
            return sorted(
                (s.label, s.start, s.end, sorted(s.attributes.items()), s.annotator)
                for s in item.spans
            )

        assert key(copy) == key(original)
        assert copy.document.text == TEXT
        assert len(copy.relations) == 2
        again = import_annotations(target, "jsonl", out)  # same text: annotations merge, no copy
        assert (again.created, again.updated, again.spans, again.spans_already_there) == (
            [],
            [doc_id],
            0,
            4,
        )
        assert again.relations == 0
        assert len(target.annotated(doc_id).relations) == 2
    finally:
        target.close()


def test_missing_labels_are_an_error_or_added(tmp_path: Path) -> None:
    record = {
        "text": "Police said two people died.",
        "spans": [
            {"id": 1, "label": "POLICE", "start": 0, "end": 6, "attributes": {"armed": True}},
            {"id": 2, "label": "CLAIM", "start": 7, "end": 27},
        ],
        "relations": [{"id": 1, "type": "SAID_BY", "source": 2, "target": 1}],
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record) + "\n{not json\n", encoding="utf-8")
    project = Project.create(tmp_path / "p")
    try:
        with pytest.raises(UserError) as err:
            import_annotations(project, "jsonl", path)
        assert (
            f"labels POLICE (1 span, first at {path}:1); relation types SAID_BY (first at "
            f"{path}:1); attributes POLICE.armed (first at {path}:1)"
        ) in str(err.value)
        assert "--add-labels" in str(err.value)
        assert project.count_documents() == 0
        report = import_annotations(project, "jsonl", path, add_labels=True)
        assert report.labels_added == ["POLICE"]
        assert report.spans == 2
        assert [(f.line, f.code) for f in report.failures] == [(2, "ANN131")]
        schema = read_project_config(project.folder).schema
        police = schema.label("POLICE")
        assert police is not None
        assert police.attributes[0].name == "armed"
        said_by = schema.relation_type("SAID_BY")
        assert said_by is not None
        assert said_by.allows("CLAIM", "POLICE")
    finally:
        project.close()


def test_spans_outside_the_text_are_reported_and_left_out(tmp_path: Path) -> None:
    record = {
        "text": "Short text.",
        "spans": [
            {"id": 1, "label": "ACTOR", "start": 0, "end": 5, "text": "Short"},
            {"id": 2, "label": "ACTOR", "start": 3, "end": 40},
        ],
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Project.create(tmp_path / "p") as project:
        report = import_annotations(project, "jsonl", path)
        assert report.failures[0].code == "ANN132"
        assert "outside the text" in report.failures[0].reason
    with (
        pytest.raises(UserError, match="no importer named 'nope'"),
        Project.open(tmp_path / "p") as p,
    ):
        import_annotations(p, "nope", path)


def test_a_cancelled_import_keeps_nothing(source: Project, tmp_path: Path) -> None:
    from annotator.services.annotation_import import ImportCancelledError

    out = tmp_path / "export.jsonl"
    export_project(source, "jsonl", out)
    with Project.create(tmp_path / "target") as target:
        with pytest.raises(ImportCancelledError, match="nothing was imported"):
            import_annotations(target, "jsonl", out, cancelled=lambda: True)
        assert target.count_documents() == 0


def test_a_missing_label_is_named_with_the_file_and_line_that_uses_it(tmp_path: Path) -> None:
    folder = tmp_path / "bb"
    folder.mkdir()
    (folder / "a.txt").write_text("Rebels shelled Aleppo", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tACTOR 0 6\tRebels\n", encoding="utf-8")
    (folder / "b.txt").write_text("Rebels shelled Aleppo", encoding="utf-8")
    ann = "T1\tACTOR 0 6\tRebels\nR1\tHIT Arg1:T1 Arg2:T2\nT2\tLOCATON 15 21\tAleppo\n"
    (folder / "b.ann").write_text(ann, encoding="utf-8")
    project = Project.create(tmp_path / "p")
    try:
        with pytest.raises(UserError) as err:
            import_annotations(project, "brat", folder)
        assert err.value.message.startswith(
            f"{folder} uses what the project's schema does not have: "
            f"labels LOCATON (1 span, first at {folder / 'b.ann'}:3); "
            f"relation types HIT (first at {folder / 'b.ann'}:2)."
        )
    finally:
        project.close()
