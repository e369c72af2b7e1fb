"""Hostile input is refused with a failure and never stops the batch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.ingest import FailureCode, IngestOptions

from .conftest import run


def test_entity_expansion_is_refused(fixtures: Path) -> None:
    documents, failures = run([fixtures / "billion_laughs.html"])
    assert documents == []
    assert [f.code for f in failures] == [FailureCode.HOSTILE]
    assert "billion_laughs.html" in failures[0].message
    assert "entities" in failures[0].reason


def test_external_entities_are_refused(fixtures: Path) -> None:
    documents, failures = run([fixtures / "external_entity.xhtml"])
    assert documents == []
    assert [f.code for f in failures] == [FailureCode.HOSTILE]


def test_an_external_dtd_is_never_loaded(fixtures: Path) -> None:
    documents, failures = run([fixtures / "external_dtd.xhtml"])
    assert failures == []
    text = documents[0].draft.text
    assert "root:" not in text
    assert "&passwd;" in text  # an undeclared reference stays text, never resolved
    assert text.startswith("The council met on Monday")


def test_hostile_files_do_not_stop_the_batch(fixtures: Path) -> None:
    documents, failures = run(
        [fixtures / "billion_laughs.html", fixtures / "wire_story.txt", fixtures / "nope.html"]
    )
    assert len(documents) == 1
    assert [f.code for f in failures] == [FailureCode.HOSTILE, FailureCode.UNREADABLE]


def test_files_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 5000)
    (tmp_path / "small.txt").write_text("A short article.")
    documents, failures = run([tmp_path], IngestOptions(max_file_bytes=1000))
    assert [d.draft.text for d in documents] == ["A short article."]
    assert [f.code for f in failures] == [FailureCode.TOO_LARGE]
    assert "1,000 bytes" in failures[0].reason


def test_binary_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(500))
    (tmp_path / "blob.bin").write_bytes(os.urandom(2000) + b"\x00" * 10)
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 ...")
    documents, failures = run([tmp_path])
    assert documents == []
    assert {f.code for f in failures} == {FailureCode.BINARY}
    reasons = " ".join(f.reason for f in failures)
    assert "JPEG" in reasons
    assert "unsupported file type (.pdf)" in reasons


@pytest.mark.parametrize("line_limit", [100])
def test_overlong_jsonl_lines_are_refused_without_reading_them_whole(
    tmp_path: Path, line_limit: int
) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text('{"text": "' + "x" * 5000 + '"}\n{"text": "fine"}\n')
    documents, failures = run([path], IngestOptions(max_record_bytes=line_limit))
    assert [d.draft.text for d in documents] == ["fine"]
    assert [(f.line, f.code) for f in failures] == [(1, FailureCode.TOO_LARGE)]
