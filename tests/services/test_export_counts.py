"""An export's summary counts what was written, not what was selected."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.edits import AddRelation, AddSpan
from annotator.core.errors import OutputShapeError
from annotator.formats.base import Loss
from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import Project

TEXT = "Rebels shelled Aleppo on Tuesday.\nThe ministry said 12 civilians died in Aleppo."


def project_with_relations(tmp_path: Path, database_url: str) -> Project:
    project = Project.create(tmp_path / "p", database_url=database_url)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    [doc] = import_paths(project, [tmp_path / "a.txt"]).imported

    def add(label: str, start: int, end: int) -> int:
        return int(
            project.apply(AddSpan(doc, label, start, end, {}, "ana")).changes.spans_added[0].id
        )

    rebels, aleppo = add("ACTOR", 0, 6), add("LOCATION", 15, 21)
    ministry, claim = add("ACTOR", 34, 46), add("CLAIM", 47, 79)
    add("LOCATION", 73, 79)
    add("ACTOR", 33, 34)  # a line break: brat has no place for it
    project.apply(AddRelation(doc, "LOCATED_IN", rebels, aleppo, "ana"))
    project.apply(AddRelation(doc, "ATTRIBUTED_TO", claim, ministry, "ana"))
    return project


def test_formats_without_relations_write_none(tmp_path: Path, database_url: str) -> None:
    project = project_with_relations(tmp_path, database_url)
    try:
        for name, out in (("xmi-ne", "ne.zip"), ("spacy-jsonl", "s.jsonl")):
            report = export_project(project, name, tmp_path / out)
            assert (report.documents, report.spans, report.relations) == (1, 6, 0), name
            assert report.losses.counts[Loss.RELATIONS] == 2
        native = export_project(project, "jsonl", tmp_path / "all.jsonl")
        assert (native.spans, native.relations) == (6, 2)
    finally:
        project.close()


def test_spans_a_format_leaves_out_are_not_counted_as_written(
    tmp_path: Path, database_url: str
) -> None:
    project = project_with_relations(tmp_path, database_url)
    try:
        report = export_project(project, "brat", tmp_path / "b")
        assert report.losses.counts[Loss.DROPPED] == 1
        assert (report.spans, report.relations) == (5, 2)
    finally:
        project.close()


def test_a_spacy_export_to_a_single_spacy_file_is_refused_with_a_folder_suggested(
    tmp_path: Path, database_url: str
) -> None:
    project = project_with_relations(tmp_path, database_url)
    try:
        with pytest.raises(OutputShapeError) as refused:
            export_project(project, "spacy", tmp_path / "train.spacy")
        assert refused.value.code == "ANN390"
        assert f"give a folder such as {tmp_path / 'train'}" in refused.value.message
        assert not (tmp_path / "train.spacy").exists()
    finally:
        project.close()


def test_conll_counts_the_span_its_overlap_policy_dropped(
    tmp_path: Path, database_url: str
) -> None:
    project = project_with_relations(tmp_path, database_url)
    try:
        report = export_project(project, "conll", tmp_path / "x.conll")
        dropped = report.losses.counts[Loss.DROPPED]
        assert dropped >= 1  # the claim and the LOCATION inside it share tokens
        assert (report.spans, report.relations) == (6 - dropped, 0)
    finally:
        project.close()
