"""Batches handed back as files: appended whole, in order, by the kernel or by reading when
the output is no file; the folder goes away with the export, cancelled or not."""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.schema import LabelSchema
from annotator.formats.base import ExportOptions
from annotator.formats.batch_files import append, batch_folder, hand_back
from annotator.formats.prodigy import EXPORTER as PRODIGY
from annotator.formats.workers import BATCH_DOCUMENTS
from tests.formats.conftest import Export, round_trip_document
from tests.formats.test_workers import StopError, write_or_abort

BATCHES = [b'{"a":1}\n' * 1000, "é🏛\n".encode() * 70000, b"", b"last\n"]


@pytest.fixture
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder for this test alone, to see what is left in it."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_one_worker_gets_no_folder_and_bytes_stay_bytes() -> None:
    with batch_folder(1) as folder:
        assert folder is None
        assert hand_back(folder, b"x") == b"x"


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="Linux only")
def test_files_are_appended_in_order_to_a_file_and_to_a_stream(own_temp: Path) -> None:
    out_path = own_temp / "out.jsonl"
    stream = io.BytesIO()
    with batch_folder(2) as folder, out_path.open("wb") as out:
        assert folder is not None
        out.write(b"head\n")
        stream.write(b"head\n")
        for data in BATCHES:
            append(hand_back(folder, data), out)
            append(hand_back(folder, data), stream)  # no file: read and written
        append(b"bytes\n", out)
        assert os.listdir(folder) == []
    assert out_path.read_bytes() == b"head\n" + b"".join(BATCHES) + b"bytes\n"
    assert stream.getvalue() == b"head\n" + b"".join(BATCHES)
    assert sorted(os.listdir(own_temp)) == ["out.jsonl"]


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="Linux only")
def test_the_folder_is_beside_the_export_file_else_in_the_temporary_folder(
    tmp_path: Path, own_temp: Path
) -> None:
    export_dir = tmp_path / "exports"
    export_dir.mkdir()
    with (export_dir / "tasks.jsonl").open("wb") as out, batch_folder(2, out) as folder:
        assert folder is not None
        assert Path(folder).parent == export_dir
        assert Path(folder).name.startswith(".")
        append(hand_back(folder, b"batch\n"), out)
    assert sorted(p.name for p in export_dir.iterdir()) == ["tasks.jsonl"]
    with batch_folder(2, io.BytesIO()) as folder:
        assert folder is not None
        assert Path(folder).parent == own_temp


def test_the_folder_goes_with_what_is_left_in_it(own_temp: Path) -> None:
    with batch_folder(2) as folder:
        if folder is not None:
            hand_back(folder, b"never appended")
    assert os.listdir(own_temp) == []


def test_prodigy_from_workers_writes_what_one_process_writes(
    export: Export, schema: LabelSchema, own_temp: Path
) -> None:
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, 2 * BATCH_DOCUMENTS + 40)]
    here, _ = export(PRODIGY, items, "here.jsonl", schema, _options("1"))
    there, _ = export(PRODIGY, items, "there.jsonl", schema, _options("2"))
    assert there.read_bytes() == here.read_bytes()
    assert os.listdir(own_temp) == []


def test_a_cancelled_prodigy_export_leaves_no_batch_file(
    tmp_path: Path, schema: LabelSchema, own_temp: Path
) -> None:
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, 3 * BATCH_DOCUMENTS)]

    def read() -> Iterator[AnnotatedDocument]:
        for number, item in enumerate(items):
            if number == 2 * BATCH_DOCUMENTS + 20:  # two batches out, the third not full
                raise StopError
            yield item

    target = tmp_path / "out" / "tasks.jsonl"
    target.parent.mkdir()
    with pytest.raises(StopError):
        write_or_abort(PRODIGY, read(), schema, target)
    assert multiprocessing.active_children() == []
    assert list(target.parent.iterdir()) == []
    assert os.listdir(own_temp) == []


def _options(workers: str) -> ExportOptions:
    return ExportOptions(extra={"workers": workers})
