"""The import's background writer: batches stored in order, errors raised in the caller."""

from __future__ import annotations

import threading

import pytest

from annotator.services.import_writer import BackgroundWriter


def test_batches_are_stored_in_order_in_another_thread() -> None:
    threads: set[str] = set()

    def store(batch: list[int]) -> list[int]:
        threads.add(threading.current_thread().name)
        return [value * 10 for value in batch]

    writer: BackgroundWriter[list[int], int] = BackgroundWriter(store, depth=1)
    for start in range(0, 50, 5):
        writer.submit(list(range(start, start + 5)))
    writer.close()
    assert writer.stored == [value * 10 for value in range(50)]
    assert threads == {"import-writer"}


def test_an_error_stops_storing_and_is_raised_once_in_the_caller() -> None:
    def store(batch: list[int]) -> list[int]:
        if batch[0] == 2:
            raise RuntimeError("disk full")
        return batch

    writer: BackgroundWriter[list[int], int] = BackgroundWriter(store, depth=1)

    def run() -> None:
        for value in range(10):
            writer.submit([value])
        writer.close()

    with pytest.raises(RuntimeError, match="disk full"):
        run()
    writer.close()  # told once; nothing after the failed batch was stored
    assert writer.stored == [0, 1]
