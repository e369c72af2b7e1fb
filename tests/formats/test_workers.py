"""Batches mapped in worker processes come back in order, and small work stays here."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from annotator.core.errors import UserError
from annotator.formats.workers import batched, ordered_map, worker_count


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
