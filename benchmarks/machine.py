"""How fast this machine is right now: a fixed workload timed, so that runs on other days compare.

The development machine is a shared virtual machine whose speed moves by up to 2x within an
hour while nothing of ours runs. The benchmarks print this reference before and after their
runs: a figure is only comparable with another taken when the reference read about the same.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable

LOOP = 2_000_000
COPY_BYTES = 64 * 2**20


def _python_loop() -> None:
    total = 0
    for number in range(LOOP):
        total += number ^ 7


def _copy() -> None:
    bytes(bytearray(COPY_BYTES))


def _best_ms(work: Callable[[], None], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _loop_ms(rounds: int) -> float:
    return _best_ms(_python_loop, rounds)


def reference(rounds: int = 5) -> str:
    """One line: the best of ``rounds`` timings of a Python loop, of the same loop in two
    processes at once (the slower one's: whether the second core is really there), and of a
    64 MB copy."""
    loop = _best_ms(_python_loop, rounds)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        both = max(pool.map(_loop_ms, [rounds, rounds]))
    copy = _best_ms(_copy, rounds)
    load = _load()
    return (
        f"machine: python loop {loop:.0f} ms, on two cores at once {both:.0f} ms, "
        f"64 MB copy {copy:.0f} ms, load {load}"
    )


def _load() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as file:
            return " ".join(file.read().split()[:3])
    except OSError:
        return "?"


if __name__ == "__main__":
    print(reference())
