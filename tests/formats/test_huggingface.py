"""Hugging Face token classification JSONL, loaded by ``datasets`` with ClassLabel features."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.interchange import AnnotatedDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import registry
from annotator.formats.base import ExportOptions, ImportOptions, Loss
from annotator.formats.huggingface import EXPORTER, IMPORTER
from tests.formats.conftest import Export, make_document, renumbered

KEPT = [
    ("ACTOR", "Rebels"),
    ("LOCATION", "Aleppo"),
    ("ACTOR", "The ministry"),
    ("CASUALTY_FIGURE", "12 civilians"),
    ("LOCATION", "Aleppo"),
]


def read_back(path: Path, options: ImportOptions = ImportOptions()) -> list[object]:
    return list(IMPORTER.read(path, LabelSchema(), options))


def surfaces(draft: AnnotatedDraft) -> list[tuple[str, str]]:
    return [(s.label, draft.draft.text[s.start : s.end]) for s in draft.spans]


def test_registry_finds_the_module() -> None:
    assert registry.exporter("huggingface") is EXPORTER
    assert registry.importer("huggingface") is IMPORTER


def test_export_writes_sentences_labels_and_features(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    path, losses = export(EXPORTER, [document], "train.jsonl", schema)
    assert losses.counts == {
        Loss.OVERLAPS: 3,
        Loss.DROPPED: 1,
        Loss.RELATIONS: 2,
        Loss.ATTRIBUTES: 7,
    }
    names = json.loads((path.parent / "train.labels.json").read_text(encoding="utf-8"))
    assert names == [
        "O", "B-ACTOR", "I-ACTOR", "B-LOCATION", "I-LOCATION", "B-CLAIM", "I-CLAIM",
        "B-CASUALTY_FIGURE", "I-CASUALTY_FIGURE",
    ]  # fmt: skip
    first, second = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert first == {
        "id": "doc-1#0",
        "tokens": ["Rebels", "shelled", "Aleppo", "on", "3", "May", "2016", "."],
        "ner_tags": [1, 0, 3, 0, 0, 0, 0, 0],
    }
    assert second["id"] == "doc-1#1"
    assert [names[t] for t in second["ner_tags"]][:6] == [
        "B-ACTOR",
        "I-ACTOR",
        "O",
        "O",
        "B-CASUALTY_FIGURE",
        "I-CASUALTY_FIGURE",
    ]
    features = json.loads((path.parent / "train.features.json").read_text(encoding="utf-8"))
    assert features["ner_tags"]["feature"]["names"] == names


def test_datasets_loads_the_file_with_class_labels(
    export: Export,
    document: AnnotatedDocument,
    schema: LabelSchema,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)  # if imported earlier
    other = renumbered(document, 2)
    path, _ = export(
        EXPORTER, [document, other], "train.jsonl", schema, ExportOptions(scheme="BILOU")
    )
    names = json.loads((path.parent / "train.labels.json").read_text(encoding="utf-8"))
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
        }
    )
    shipped = datasets.Features.from_dict(
        json.loads((path.parent / "train.features.json").read_text(encoding="utf-8"))
    )
    assert shipped == features
    for given in (features, shipped):
        dataset = datasets.load_dataset(
            "json",
            data_files=str(path),
            features=given,
            split="train",
            cache_dir=str(tmp_path / f"cache{id(given)}"),
        )
        assert dataset.num_rows == 4
        label = dataset.features["ner_tags"].feature
        assert label.names == names
        tags = [label.int2str(t) for t in dataset[1]["ner_tags"]]
        assert tags[:6] == [
            "B-ACTOR",
            "L-ACTOR",
            "O",
            "O",
            "B-CASUALTY_FIGURE",
            "L-CASUALTY_FIGURE",
        ]


def test_seqeval_reads_the_tags_strictly(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    scheme = pytest.importorskip("seqeval.scheme")
    path, _ = export(EXPORTER, [document], "train.jsonl", schema)
    names = json.loads((path.parent / "train.labels.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    tags = [[names[t] for t in row["ner_tags"]] for row in rows]
    found = [
        (e.tag, " ".join(rows[e.sent_id]["tokens"][e.start : e.end]))
        for sentence in scheme.Entities(tags, scheme.IOB2).entities
        for e in sentence
    ]
    assert found == KEPT


def test_round_trip_groups_sentences_into_documents(
    export: Export, document: AnnotatedDocument, schema: LabelSchema
) -> None:
    other = make_document("Aleppo fell.", [("LOCATION", 0, 6, {})], doc_id=7, external_id="x#y")
    path, _ = export(EXPORTER, [document, other], "train.jsonl", schema)
    first, second = read_back(path)
    assert isinstance(first, AnnotatedDraft)
    assert isinstance(second, AnnotatedDraft)
    assert first.draft.text == (
        "Rebels shelled Aleppo on 3 May 2016 .\n"
        "The ministry 🏛 said 12 civilians died in Aleppo ’s east ."
    )
    assert surfaces(first) == KEPT
    assert first.draft.external_id == "doc-1"
    assert (second.draft.external_id, surfaces(second)) == ("x#y", [("LOCATION", "Aleppo")])
    assert (first.origin, second.origin) == (f"{path}:1", f"{path}:3")


def test_bad_lines_fail_with_file_and_line_and_the_rest_imports(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    (tmp_path / "data.labels.json").write_text('["O", "B-PER", "I-PER"]', encoding="utf-8")
    path.write_text(
        '{"id": "0", "tokens": ["Ann", "Lee"], "ner_tags": [1, 2]}\n'
        "not json\n"
        '{"id": "1", "tokens": ["Bob"], "ner_tags": [7]}\n'
        '{"id": "2", "tokens": ["Bob", "Ray"], "ner_tags": [1]}\n'
        '{"id": "3", "tokens": ["Cy"], "ner_tags": ["B-LOC"]}\n',
        encoding="utf-8",
    )
    items = read_back(path)
    failures = [x for x in items if isinstance(x, Failure)]
    assert [(f.line, f.file) for f in failures] == [(2, str(path)), (3, str(path)), (4, str(path))]
    assert "outside the 3 label names" in failures[1].reason
    drafts = [x for x in items if isinstance(x, AnnotatedDraft)]
    assert [surfaces(d) for d in drafts] == [[("PER", "Ann Lee")], [("LOC", "Cy")]]


def test_label_names_from_features_or_options(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a#0", "tokens": ["Ann"], "ner_tags": [1]}\n', encoding="utf-8")
    (failure,) = read_back(path)
    assert isinstance(failure, Failure)
    assert "no label names" in failure.reason
    (draft,) = read_back(path, ImportOptions(extra={"labels": "O, B-PER, I-PER"}))
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == [("PER", "Ann")]
    features = {"ner_tags": {"feature": {"names": ["O", "U-LOC"], "_type": "ClassLabel"}}}
    (tmp_path / "d.features.json").write_text(json.dumps(features), encoding="utf-8")
    (draft,) = read_back(path)
    assert isinstance(draft, AnnotatedDraft)
    assert surfaces(draft) == [("LOC", "Ann")]
