"""Annotator packages with real files: round trip, double merge, conflicts, schema gaps, damage."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.document import DocumentFilter, DocumentStatus
from annotator.core.edits import AddRelation, AddSpan, RemoveSpan
from annotator.core.errors import PackageCancelledError, PackageError
from annotator.core.ids import DocumentId
from annotator.core.packages import layer_fingerprint
from annotator.core.schema import LabelSchema
from annotator.services.importing import import_paths
from annotator.services.packages import export_package, layer_of, merge_packages
from annotator.services.project import Project
from annotator.services.project_files import init_project, read_project_config, write_project_config

TEXTS = (
    "The ministry said 12 civilians died in Aleppo on Monday.",
    "Rebels shelled the port of Tartus overnight, officials said.",
)


def make_project(
    folder: Path, database_url: str | None = None, texts: tuple[str, ...] = ()
) -> Project:
    init_project(folder, name=folder.name)
    project = Project.open(folder, database_url=database_url)
    for number, text in enumerate(texts):
        source = folder.parent / f"{folder.name}-{number}.txt"
        source.write_text(text, encoding="utf-8")
        import_paths(project, [source])
    return project


@pytest.fixture
def main(tmp_path: Path, database_url: str) -> Iterator[Project]:
    project = make_project(tmp_path / "main", database_url, TEXTS)
    first, second = project.document_ids()
    span = project.apply(AddSpan(first, "CASUALTY_FIGURE", 18, 30, {"count": 12}, "ana"))
    place = project.apply(AddSpan(first, "LOCATION", 39, 45, {}, "ana"))
    project.apply(
        AddRelation(
            first,
            "LOCATED_IN",
            span.changes.spans_added[0].id,
            place.changes.spans_added[0].id,
            "ana",
        )
    )
    project.apply(AddSpan(first, "ACTOR", 0, 12, {}, "bob"))
    project.apply(AddSpan(second, "ACTOR", 0, 6, {}, "ana"))
    yield project
    project.close()


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Project]:
    with make_project(tmp_path / "local") as project:
        yield project


def layers(project: Project, annotator: str) -> dict[str, str]:
    """Each document's layer fingerprint for ``annotator``, by content hash."""
    return {
        item.document.content_hash: layer_fingerprint(
            layer_of(item, annotator).spans, layer_of(item, annotator).relations
        )
        for item in project.iter_annotated()
    }


def by_hash(project: Project, text: str) -> DocumentId:
    for item in project.iter_annotated():
        if item.document.text == text:
            return item.document.id
    raise AssertionError(text)


def test_round_trip_and_merging_back_an_offline_edit(
    main: Project, local: Project, tmp_path: Path
) -> None:
    out = export_package(main, "ana", None, tmp_path / "ana.zip")
    assert (out.documents, out.spans, out.relations) == (2, 3, 1)
    with zipfile.ZipFile(out.path) as zf:
        assert sorted(zf.namelist()) == ["documents.jsonl", "manifest.json"]

    report = merge_packages(local, [out.path])
    assert report.ok, report.lines()
    assert len(report.added) == 2
    assert layers(local, "ana") == layers(main, "ana")
    assert {s.annotator for s in local.spans(by_hash(local, TEXTS[0]))} == {"ana"}

    # offline: ana adds a span to the second document and sends a package back
    local.apply(AddSpan(by_hash(local, TEXTS[1]), "LOCATION", 26, 32, {}, "ana"))
    back = export_package(local, "ana", None, tmp_path / "ana-back.zip")
    report = merge_packages(main, [back.path])
    assert report.ok, report.lines()
    assert (len(report.added), len(report.updated), len(report.unchanged)) == (0, 1, 1)
    assert layers(main, "ana") == layers(local, "ana")
    # bob's work is untouched
    assert [
        (s.label, s.start) for s in main.spans(by_hash(main, TEXTS[0])) if s.annotator == "bob"
    ] == [("ACTOR", 0)]
    # a second round: the main project edits nothing, ana edits again
    local.apply(AddSpan(by_hash(local, TEXTS[1]), "ACTOR", 34, 43, {}, "ana"))
    again = export_package(local, "ana", None, tmp_path / "ana-again.zip")
    assert merge_packages(main, [again.path]).updated == [by_hash(main, TEXTS[1])]


def test_merging_the_same_package_twice_changes_nothing(
    main: Project, local: Project, tmp_path: Path
) -> None:
    out = export_package(main, "ana", None, tmp_path / "ana.zip")
    assert len(merge_packages(local, [out.path]).added) == 2
    spans_before = {i.document.id: i.spans for i in local.iter_annotated()}
    report = merge_packages(local, [out.path])
    assert report.ok
    assert len(report.unchanged) == 2
    assert not report.changed
    assert {i.document.id: i.spans for i in local.iter_annotated()} == spans_before
    assert local.count_documents() == 2


def test_both_sides_changed_is_a_conflict_that_keeps_the_project_layer(
    main: Project, local: Project, tmp_path: Path
) -> None:
    merge_packages(local, [export_package(main, "ana", None, tmp_path / "p0.zip").path])
    local.apply(AddSpan(by_hash(local, TEXTS[0]), "ACTOR", 0, 12, {}, "ana"))
    local.apply(AddSpan(by_hash(local, TEXTS[1]), "LOCATION", 26, 32, {}, "ana"))
    back = export_package(local, "ana", None, tmp_path / "p1.zip")
    # meanwhile a curator changes ana's layer of the first document in the main project
    first = by_hash(main, TEXTS[0])
    location = next(s for s in main.spans(first) if s.label == "LOCATION")
    main.apply(RemoveSpan(location.id))
    kept = layers(main, "ana")[main.document(first).content_hash]

    report = merge_packages(main, [back.path])
    (conflict,) = report.conflicts
    assert conflict.document_id == first
    assert conflict.annotator == "ana"
    assert conflict.file == str(back.path)
    assert "LOCATION 'Aleppo' (39-45)" in conflict.difference  # only in the package
    assert "ACTOR 'The ministry'" in conflict.difference
    assert "[ANN237]" in str(conflict)
    assert "2 spans only in the package" in conflict.difference
    assert "1 conflict, 0 errors" in report.summary()
    assert report.updated == [by_hash(main, TEXTS[1])]  # the other document still merges
    assert layers(main, "ana")[main.document(first).content_hash] == kept


def test_labels_missing_from_the_schema_refuse_the_whole_package(
    main: Project, tmp_path: Path
) -> None:
    package = export_package(main, "ana", None, tmp_path / "ana.zip").path
    folder = tmp_path / "narrow"
    init_project(folder)
    config = read_project_config(folder)
    schema = LabelSchema(
        tuple(x for x in config.schema.labels if x.name != "CASUALTY_FIGURE"),
        tuple(r for r in config.schema.relation_types if r.name == "ATTRIBUTED_TO"),
    )
    write_project_config(folder, replace(config, schema=schema))
    with Project.open(folder) as narrow:
        report = merge_packages(narrow, [package])
        assert narrow.count_documents() == 0
    (error,) = report.errors
    assert str(package) in error
    assert "[ANN234]" in error
    assert "CASUALTY_FIGURE" in error
    assert "LOCATED_IN" in error


def test_damaged_packages_are_reported_by_name_and_the_rest_merges(
    main: Project, local: Project, tmp_path: Path
) -> None:
    good = export_package(main, "ana", None, tmp_path / "good.zip").path
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"this is not a zip file at all")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("readme.txt", "hello")
    report = merge_packages(local, [garbage, truncated, foreign, tmp_path / "missing.zip", good])
    assert len(report.errors) == 4
    for error, name, code in zip(
        report.errors,
        ("garbage.zip", "truncated.zip", "foreign.zip", "missing.zip"),
        ("ANN231", "ANN231", "ANN232", "ANN231"),
        strict=True,
    ):
        assert name in error
        assert code in error
    assert len(report.added) == 2


def test_export_needs_an_annotator_and_documents_and_leaves_nothing_behind(
    main: Project, tmp_path: Path
) -> None:
    with pytest.raises(PackageError) as caught:
        export_package(main, "", None, tmp_path / "x.zip")
    assert caught.value.code == "ANN236"
    with pytest.raises(PackageError) as caught:
        export_package(main, "ana", None, tmp_path / "x.zip", DocumentFilter(DocumentStatus.DONE))
    assert caught.value.code == "ANN236"
    assert list(tmp_path.glob("*.zip*")) == []
    with pytest.raises(PackageError):
        export_package(main, "ana", None, tmp_path / "nowhere" / "x.zip")
    only = export_package(main, "ana", [main.document_ids()[1]], tmp_path / "one.zip")
    assert (only.documents, only.spans) == (1, 1)


def test_merging_spans_into_a_new_document_marks_it_in_progress(
    main: Project, tmp_path: Path
) -> None:
    with make_project(tmp_path / "fresh", None, TEXTS) as fresh:
        assert {fresh.document(i).status for i in fresh.document_ids()} == {DocumentStatus.NEW}
        out = export_package(main, "bob", None, tmp_path / "bob.zip")
        report = merge_packages(fresh, [out.path])
        assert report.ok, report.lines()
        assert fresh.document(by_hash(fresh, TEXTS[0])).status is DocumentStatus.IN_PROGRESS
        # bob has nothing on the second document: merging it changed nothing there
        assert fresh.document(by_hash(fresh, TEXTS[1])).status is DocumentStatus.NEW


def test_a_cancelled_export_leaves_no_file_and_no_base(main: Project, tmp_path: Path) -> None:
    with pytest.raises(PackageCancelledError) as caught:
        export_package(main, "ana", None, tmp_path / "x.zip", cancelled=lambda: True)
    assert caught.value.code == "ANN360"
    assert list(tmp_path.glob("*.zip*")) == []
    counted: list[int] = []
    done = export_package(main, "ana", None, tmp_path / "ana.zip", progress=counted.append)
    assert counted == [2]
    assert done.documents == 2


def test_a_cancelled_merge_keeps_and_reports_the_documents_merged_so_far(
    main: Project, local: Project, tmp_path: Path
) -> None:
    out = export_package(main, "ana", None, tmp_path / "ana.zip")
    merged: list[int] = []
    report = merge_packages(
        local, [out.path], progress=merged.append, cancelled=lambda: bool(merged)
    )
    assert report.cancelled
    assert merged == [1]
    assert len(report.added) == 1
    assert local.count_documents() == 1
    assert report.summary().startswith("cancelled after 1 document added")
    rest = merge_packages(local, [out.path])
    assert not rest.cancelled
    assert (len(rest.added), len(rest.unchanged)) == (1, 1)


def test_a_target_that_cannot_be_replaced_is_a_package_error_and_leaves_nothing(
    main: Project, tmp_path: Path
) -> None:
    """The file is written under a temporary name, then put in place: when that fails (here
    the target is a folder) the error names the package (ANN238), not the temporary file, and
    the temporary file is gone."""
    (tmp_path / "taken.zip").mkdir()
    with pytest.raises(PackageError) as caught:
        export_package(main, "ana", None, tmp_path / "taken.zip")
    assert caught.value.code == "ANN238"
    assert ".part" not in str(caught.value)
    assert str(tmp_path / "taken.zip") in str(caught.value)
    assert [p.name for p in tmp_path.iterdir() if "taken" in p.name] == ["taken.zip"]
