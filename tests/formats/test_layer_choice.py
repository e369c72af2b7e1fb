"""Importing one layer (annotation type) of an INCEpTION export, labels from a chosen feature."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ImportOptions
from annotator.formats.layer_choice import LAYER_MISSING, SPAN_LAYER_OPTION
from tests.formats.conftest import Export, make_document

TWO_LAYERS = (
    "#FORMAT=WebAnno TSV 3.3\n"
    "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n"
    "#T_SP=webanno.custom.Span|label|kind\n"
    "#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span\n\n\n"
    "#Text=Rebels shelled Aleppo\n"
    "1-1\t0-6\tRebels\t*\tORG\tACTOR\tarmed\t_\t_\t\n"
    "1-2\t7-14\tshelled\t_\t_\t_\t_\t_\t_\t\n"
    "1-3\t15-21\tAleppo\t*\tLOC\tLOCATION\t*\tIN\t1-1\t\n"
)


def read(path: Path, name: str, **extra: str) -> list[AnnotatedDraft | Failure]:
    label = extra.pop("label_feature", "")
    options = ImportOptions(label_feature=label, extra=extra)
    return list(registry.importer(name).read(path, LabelSchema(), options))


def spans(items: list[AnnotatedDraft | Failure]) -> list[tuple[str, int, int]]:
    (draft,) = items
    assert isinstance(draft, AnnotatedDraft)
    return sorted((s.label, s.start, s.end) for s in draft.spans)


@pytest.fixture
def two_layers(tmp_path: Path) -> Path:
    path = tmp_path / "two.tsv"
    path.write_text(TWO_LAYERS, encoding="utf-8")
    return path


def test_tsv3_every_layer_by_default(two_layers: Path) -> None:
    assert spans(read(two_layers, "tsv3")) == [
        ("ACTOR", 0, 6),
        ("LOC", 15, 21),
        ("LOCATION", 15, 21),
        ("ORG", 0, 6),
    ]


@pytest.mark.parametrize(
    "layer", ["NamedEntity", "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"]
)
def test_tsv3_one_layer_by_full_or_short_name(two_layers: Path, layer: str) -> None:
    items = read(two_layers, "tsv3", span_layer=layer)
    assert spans(items) == [("LOC", 15, 21), ("ORG", 0, 6)]
    assert isinstance(items[0], AnnotatedDraft)
    assert items[0].relations == ()  # the relations are on the other layer


def test_tsv3_chosen_layer_keeps_its_relations_and_label_feature(two_layers: Path) -> None:
    items = read(two_layers, "tsv3", span_layer="Span", label_feature="kind")
    assert spans(items) == [("Span", 15, 21), ("armed", 0, 6)]
    (draft,) = items
    assert isinstance(draft, AnnotatedDraft)
    where = {s.key: (s.start, s.end) for s in draft.spans}
    links = [(r.type, where[r.source], where[r.target]) for r in draft.relations]
    assert links == [("IN", (0, 6), (15, 21))]


def test_a_layer_the_file_lacks_is_a_failure_naming_those_it_has(two_layers: Path) -> None:
    (failure,) = read(two_layers, "tsv3", span_layer="Token")
    assert isinstance(failure, Failure)
    assert failure.code == LAYER_MISSING
    assert "webanno.custom.Span" in failure.reason


def test_xmi_one_layer_of_an_inception_export(shared_fixtures: Path) -> None:
    path = shared_fixtures / "xmi" / "tsv3-testSimpleSlotFeature.xmi"
    assert spans(read(path, "xmi")) == [
        ("SimpleLinkHost", 0, 4),
        ("SimpleSpan", 5, 7),
        ("SimpleSpan", 8, 9),
    ]
    items = read(path, "xmi", span_layer="webanno.custom.SimpleSpan")
    assert spans(items) == [("SimpleSpan", 5, 7), ("SimpleSpan", 8, 9)]
    assert isinstance(items[0], AnnotatedDraft)
    assert "1 annotation(s) of other layers left out" in items[0].note
    (failure,) = read(path, "xmi", span_layer="NamedEntity")
    assert isinstance(failure, Failure)
    assert failure.code == LAYER_MISSING
    assert "webanno.custom.SimpleSpan" in failure.reason


def test_xmi_label_from_a_chosen_feature(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, _ = export(registry.exporter("xmi"), [document], "out.zip", schema)
    items = read(path, "xmi", **{SPAN_LAYER_OPTION: "Span", "label_feature": "kind"})
    labels = [label for label, _, _ in spans(items)]
    assert labels.count("Span") == 4  # spans without a kind: the layer's name
    assert {"non-state armed group", "official"} <= set(labels)


def test_xmi_documents_without_the_chosen_layer_come_with_no_spans(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    bare = make_document("Nothing was annotated here.", [], doc_id=2, external_id="bare")
    path, _ = export(registry.exporter("xmi-ne"), [document, bare], "ne.zip", schema)
    items = read(path, "xmi", span_layer="NamedEntity", label_feature="value")
    drafts = [item for item in items if isinstance(item, AnnotatedDraft)]
    assert len(drafts) == len(items) == 2
    assert [len(d.spans) for d in drafts] == [len(document.spans), 0]
    assert drafts[1].draft.text == "Nothing was annotated here."
    assert "no annotations of the layer 'NamedEntity'" in drafts[1].note


def test_xmi_layer_the_type_system_lacks_fails_once_for_the_whole_import(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    bare = make_document("Nothing was annotated here.", [], doc_id=2, external_id="bare")
    path, _ = export(registry.exporter("xmi-ne"), [document, bare], "ne.zip", schema)
    (failure,) = read(path, "xmi", span_layer="Span")
    assert isinstance(failure, Failure)
    assert (failure.where, failure.code) == (str(path), LAYER_MISSING)
    assert failure.reason == (
        "the type system declares no layer 'Span'; its layers: "
        "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
    )
