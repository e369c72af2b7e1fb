"""Every format exports the same bytes and reports the same losses whether the project is read
the reference way (one row per span, every field) or the export's way (one JSON array of spans
per document, and without times for the formats that write none)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.document import DocumentFilter
from annotator.formats.base import ExportOptions, OverlapPolicy
from annotator.formats.registry import FORMATS, format_info
from annotator.services import exporting
from annotator.services.annotation_import import import_annotations
from annotator.services.exporting import ExportSelection, export_project, preview_losses
from annotator.services.project import Project
from annotator.services.project_files import init_project
from annotator.storage import bulk_read

EXPORTS = [info.name for info in FORMATS if info.can_export]
TEXT = "Rebels shelled Aleppo 🏛 on Monday; officials in Damascus said 12 civilians died."


def _span(label: str, start: int, end: int, annotator: str, **more: Any) -> dict[str, Any]:
    return {
        "label": label,
        "start": start,
        "end": end,
        "text": TEXT[start:end],
        "attributes": more.pop("attributes", {}),
        "annotator": annotator,
        "created_at": "2026-03-01T12:00:00+00:00",
        "updated_at": more.pop("updated_at", "2026-03-01T12:00:00+00:00"),
        **more,
    }


def _records(count: int) -> Iterator[dict[str, Any]]:
    """Documents with every kind of span and relation a reader meets, in several layers."""
    for n in range(count):
        spans = [
            _span("ACTOR", 0, 6, "ana", id=1),
            _span("LOCATION", 15, 21, "ana", id=2, attributes={"kind": "city", "n": n}),
            _span("LOCATION", 15, 21, "bob", id=3, updated_at="2026-03-02T08:30:00+02:00"),
            _span("EVENT", 7, 21, "bob", id=4, comment=f'check {n} "quoted" \\ é'),
            _span("EVENT", 0, 21, "ana", id=5, fragments=[[0, 6], [15, 21]]),
            _span("CASUALTY_FIGURE", 63, 65, "ana", id=6, attributes={"count": 12}),
        ]
        if n % 3 == 0:
            spans.append(_span("LOCATION", 48, 56, "curation", id=7))
        relations = [
            {"id": 1, "type": "located_in", "source": 1, "target": 2, "annotator": "ana"},
            {"id": 2, "type": "near", "source": 3, "target": 4, "annotator": "bob", "comment": "?"},
        ]
        yield {
            "format": "annotator",
            "format_version": 1,
            "offset_unit": "codepoint",
            "external_id": f"doc-{n}",
            "title": f"Report {n}",
            "published": "2016-05-03" if n % 2 else None,
            "status": "done" if n % 2 else "new",
            "metadata": {"tags": ["x", n]} if n % 4 == 0 else {},
            "text": f"{TEXT} ({n})",
            "spans": spans if n % 5 != 4 else [],
            "relations": relations if n % 5 != 4 else [],
            **({"comment": "a document note"} if n % 7 == 0 else {}),
        }


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Iterator[Project]:
    folder = tmp_path / "proj"
    init_project(folder, name="Test")
    source = tmp_path / "source.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(24)))
    with Project.open(folder, database_url=database_url, annotator="ana") as opened:
        import_annotations(opened, "jsonl", source, add_labels=True)
        yield opened


def _reference_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spans read one row each (the reader's fallback) with every field, for every format."""
    monkeypatch.setattr(bulk_read, "_SPAN_ARRAYS", {})
    monkeypatch.setattr(exporting, "_reads_times", lambda _name: True)


def _written(path: Path) -> dict[str, bytes]:
    """Every file an export wrote, by name (a zip's members too)."""
    files = sorted(p for p in [path, *path.parent.rglob("*")] if p.is_file())
    found: dict[str, bytes] = {}
    for file in files:
        if file.suffix == ".zip":
            with zipfile.ZipFile(file) as archive:
                for name in archive.namelist():
                    found[f"{file.name}/{name}"] = archive.read(name)
        else:
            found[str(file.relative_to(path.parent))] = file.read_bytes()
    return found


def _export(project: Project, name: str, out: Path, layer: str) -> tuple[Any, ...]:
    info = format_info(name)
    assert info is not None
    suffix = ".zip" if info.layout.value == "folder" and name != "spacy" else info.extensions[0]
    target = out / f"export{suffix if name != 'spacy' else ''}"
    out.mkdir()
    options = ExportOptions(
        info.default_unit, overlap_policy=OverlapPolicy.PRIORITY, extra={"workers": "1"}
    )
    selection = ExportSelection(layer=layer)
    preview = preview_losses(project, name, selection, options)
    report = export_project(project, name, target, selection, options)
    counts = (report.documents, report.spans, report.relations)
    return counts, report.losses.lines(), preview.lines(), _written(target)


@pytest.mark.parametrize("layer", ["", "all", "bob"])
def test_every_format_exports_the_same_through_both_readings(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layer: str
) -> None:
    new = {name: _export(project, name, tmp_path / f"new-{name}", layer) for name in EXPORTS}
    with monkeypatch.context() as patched:
        _reference_reading(patched)
        old = {name: _export(project, name, tmp_path / f"old-{name}", layer) for name in EXPORTS}
    for name in EXPORTS:
        assert new[name] == old[name], name
        assert new[name][3], name  # something was written
    assert new["jsonl"][0][1] > 0


def test_without_times_only_the_times_and_versions_are_left_out(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    light = list(project.iter_annotated(DocumentFilter(), times=False))
    full = list(project.iter_annotated(DocumentFilter()))
    with monkeypatch.context() as patched:
        _reference_reading(patched)
        rows = list(project.iter_annotated(DocumentFilter()))
    assert full == rows
    assert [item.document for item in light] == [item.document for item in full]
    assert all(s.created_at is not None for item in full for s in item.spans)
    for light_item, full_item in zip(light, full, strict=True):
        assert len(light_item.spans) == len(full_item.spans)
        for a, b in zip(light_item.spans, full_item.spans, strict=True):
            assert (a.created_at, a.updated_at, a.version) == (None, None, 1)
            assert a.content()[:7] + a.content()[8:] == b.content()[:7] + b.content()[8:]
        for r, s in zip(light_item.relations, full_item.relations, strict=True):
            assert (r.created_at, r.updated_at, r.version) == (None, None, 1)
            assert (r.id, r.type, r.source, r.target, r.annotator, r.comment) == (
                s.id,
                s.type,
                s.source,
                s.target,
                s.annotator,
                s.comment,
            )
