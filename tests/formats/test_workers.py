"""Batches mapped in worker processes come back in order, and small work stays here."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.core.errors import UserError
from annotator.core.schema import LabelSchema
from annotator.formats.base import Exporter, ExportOptions, OverlapPolicy
from annotator.formats.conll import EXPORTER as CONLL
from annotator.formats.huggingface import EXPORTER as HUGGINGFACE
from annotator.formats.prodigy import EXPORTER as PRODIGY
from annotator.formats.spacy_docbin import shard_documents
from annotator.formats.tokenize_support import layer_count
from annotator.formats.webanno_tsv import EXPORTER as TSV3
from annotator.formats.workers import (
    BATCH_DOCUMENTS,
    batched,
    ordered_map,
    pack,
    pack_light,
    unpack,
    unpack_light,
    worker_count,
)
from annotator.services.sinks import AtomicSink
from tests.formats.conftest import Export, round_trip_document


def pid_and_sum(batch: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(batch)


def test_batches_are_pulled_as_needed_and_the_last_is_short() -> None:
    pulled: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(7):
            pulled.append(n)
            yield n

    batches = batched(numbers(), 3)
    assert next(batches) == [0, 1, 2]
    assert pulled == [0, 1, 2]
    assert list(batches) == [[3, 4, 5], [6]]


def test_many_batches_go_to_worker_processes_and_come_back_in_order() -> None:
    results = list(ordered_map(pid_and_sum, batched(range(40), 3), workers=2))
    assert [total for _, total in results] == [sum(b) for b in batched(range(40), 3)]
    assert os.getpid() not in {pid for pid, _ in results}


def test_one_batch_or_one_worker_stays_in_this_process() -> None:
    assert list(ordered_map(pid_and_sum, [[1, 2]], workers=2)) == [(os.getpid(), 3)]
    alone = list(ordered_map(pid_and_sum, batched(range(6), 2), workers=1))
    assert alone == [(os.getpid(), 1), (os.getpid(), 5), (os.getpid(), 9)]
    assert list(ordered_map(pid_and_sum, [], workers=2)) == []


def test_a_failing_batch_raises_here() -> None:
    with pytest.raises(TypeError):
        list(ordered_map(sum, [[1], ["x"], [2]], workers=2))


def test_worker_count_is_an_option() -> None:
    assert worker_count({"workers": "3"}) == 3
    assert 1 <= worker_count({}) <= 4
    with pytest.raises(UserError) as raised:
        worker_count({"workers": "none"})
    assert raised.value.code == "ANN335"
    with pytest.raises(UserError) as raised:
        worker_count({"workers": "²"})  # a digit to str.isdigit, not a number to int()
    assert raised.value.code == "ANN335"


def test_a_packed_document_unpacks_equal_field_for_field() -> None:
    item = round_trip_document(7, "afp-7")
    assert unpack(pickle.loads(pickle.dumps(pack(item)))) == item


def test_a_light_packed_document_keeps_what_token_formats_read() -> None:
    item = round_trip_document(7, "afp-7")
    light = pickle.dumps(pack_light(item))
    assert len(light) < len(pickle.dumps(pack(item)))
    back = unpack_light(pickle.loads(light))
    assert back.document == item.document
    read = [(s.id, s.document_id, s.label, s.start, s.end, s.attributes) for s in item.spans]
    assert [
        (s.id, s.document_id, s.label, s.start, s.end, s.attributes) for s in back.spans
    ] == read
    kept = [(r.id, r.document_id, r.type, r.source, r.target) for r in item.relations]
    assert [(r.id, r.document_id, r.type, r.source, r.target) for r in back.relations] == kept
    assert item.relations
    assert any(s.attributes for s in item.spans)


@pytest.mark.parametrize("exporter", [CONLL, PRODIGY, HUGGINGFACE], ids=lambda e: e.name)
def test_token_formats_write_the_same_file_from_worker_processes(
    export: Export, schema: LabelSchema, exporter: Exporter
) -> None:
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, BATCH_DOCUMENTS + 40)]
    suffix = ".jsonl" if exporter is not CONLL else ".conll"
    here, here_losses = export(
        exporter, items, "here" + suffix, schema, ExportOptions(extra={"workers": "1"})
    )
    there, there_losses = export(
        exporter, items, "there" + suffix, schema, ExportOptions(extra={"workers": "2"})
    )
    assert there.read_bytes() == here.read_bytes()
    assert there_losses == here_losses
    assert here_losses.counts or exporter is PRODIGY


def test_tsv3_writes_the_same_members_from_worker_processes(
    export: Export, schema: LabelSchema
) -> None:
    """Members keep their names (a repeated id gets the same suffix) and their bytes."""
    items = [round_trip_document(n, f"afp-{n % 200}") for n in range(1, BATCH_DOCUMENTS + 40)]
    here, here_losses = export(TSV3, items, "here", schema, ExportOptions(extra={"workers": "1"}))
    there, there_losses = export(
        TSV3, items, "there", schema, ExportOptions(extra={"workers": "2"})
    )
    members = sorted(p.relative_to(here) for p in here.rglob("*.tsv"))
    assert len(members) == len(items)
    assert sorted(p.relative_to(there) for p in there.rglob("*.tsv")) == members
    for member in members:
        assert (there / member).read_bytes() == (here / member).read_bytes()
    assert there_losses == here_losses


def test_labels_the_schema_lacks_get_the_same_ids_from_worker_processes(
    export: Export, schema: LabelSchema
) -> None:
    """Such labels get ids in the order they first appear, so those batches come back tagged."""
    lacking = replace(schema, labels=schema.labels[1:])
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, BATCH_DOCUMENTS + 40)]
    options = [ExportOptions(extra={"workers": n}) for n in ("1", "2")]
    here, _ = export(HUGGINGFACE, items, "here.jsonl", lacking, options[0])
    there, _ = export(HUGGINGFACE, items, "there.jsonl", lacking, options[1])
    assert there.read_bytes() == here.read_bytes()
    for suffix in (".labels.json", ".features.json"):
        assert there.with_suffix(suffix).read_bytes() == here.with_suffix(suffix).read_bytes()
    assert schema.labels[0].name in here.with_suffix(".labels.json").read_text()


def test_a_full_first_batch_goes_to_a_worker_at_once() -> None:
    [(pid, total)] = ordered_map(pid_and_sum, [[1, 2]], workers=2, full=2)
    assert total == 3
    assert pid != os.getpid()
    assert list(ordered_map(pid_and_sum, [[1]], workers=2, full=2)) == [(os.getpid(), 1)]


class StopError(Exception):
    """What a cancel raises from the documents being read (ExportCancelledError in the app)."""


def write_or_abort(
    exporter: Exporter, items: Iterator[AnnotatedDocument], schema: LabelSchema, target: Path
) -> None:
    """As services.exporting.export_project writes: the sink is aborted on any error."""
    sink = AtomicSink(target, exporter.layout)
    try:
        exporter.write(items, schema, sink, ExportOptions(extra={"workers": "2"}))
        sink.commit()
    except BaseException:
        sink.abort()
        raise


@pytest.mark.parametrize("exporter", [CONLL, TSV3], ids=["conll", "tsv3"])
def test_a_cancel_while_workers_run_ends_them_and_leaves_no_file(
    tmp_path: Path, schema: LabelSchema, exporter: Exporter
) -> None:
    items = [round_trip_document(n, f"afp-{n}") for n in range(1, 2 * BATCH_DOCUMENTS + 40)]

    def read() -> Iterator[AnnotatedDocument]:
        for number, item in enumerate(items):
            if number == BATCH_DOCUMENTS + 20:  # the first batch is out, the second not full
                raise StopError
            yield item

    target = tmp_path / "out" / "export.conll"
    target.parent.mkdir()
    with pytest.raises(StopError):
        write_or_abort(exporter, read(), schema, target)
    assert multiprocessing.active_children() == []
    assert list(target.parent.iterdir()) == []


def test_numeric_extra_options_refuse_digits_that_are_not_numbers() -> None:
    """A superscript is a digit to str.isdigit but not a number to int(): a UserError, not a
    ValueError from deep inside the export."""
    with pytest.raises(UserError):
        shard_documents(ExportOptions(extra={"shard_documents": "²"}))
    columns = ExportOptions(overlap_policy=OverlapPolicy.COLUMNS, extra={"layers": "²"})
    with pytest.raises(UserError):
        layer_count(columns)
    assert layer_count(replace(columns, extra={"layers": "3"})) == 3


def test_exports_starting_workers_from_two_threads_leave_the_main_module_in_place() -> None:
    """The stand-in ``__main__`` a worker start swaps in is always swapped back out."""
    main = sys.modules["__main__"]

    def run() -> None:
        for _ in range(3):
            list(ordered_map(pid_and_sum, batched(range(12), 3), workers=2))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sys.modules["__main__"] is main
