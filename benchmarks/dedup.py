"""Duplicate screening: CPU microseconds per document for fresh, copy-heavy and re-run streams.

    python benchmarks/dedup.py              # 20,000 known documents, then 40,000 screened

``Deduplicator.screen`` in batches of 64 (as the import service calls it) after a project's
worth of documents: a stream of fresh articles, one where 45% are exact or near copies of
recent ones (syndicated wire stories), and copies of the documents added last (an import run
again after a cancel: they are still pending, not merged). Best of three; prints numbers,
asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource

import numpy as np

from annotator.ingest import Deduplicator
from annotator.ingest.minhash import HEADER, NUM_HASHES

Entry = tuple[str, str, bytes]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _signature(values: np.ndarray) -> bytes:
    return HEADER + values.astype("<u4").tobytes()


def stream(count: int, copies: float, seed: int) -> list[Entry]:
    """Fresh documents and, with probability ``copies``, an exact or a near copy (5-40 of the
    128 minima changed) of one of the 80 before it."""
    rng = random.Random(seed)
    numbers = np.random.default_rng(seed)
    made: list[Entry] = []
    for n in range(count):
        if made and rng.random() < copies:
            _, digest, mark = made[max(0, len(made) - rng.randint(1, 80))]
            if rng.random() < 0.4:
                made.append((f"d{n}", digest, mark))
                continue
            values = np.frombuffer(mark[4:], "<u4").copy()
            changed = numbers.choice(NUM_HASHES, rng.randint(5, 40), replace=False)
            values[changed] = numbers.integers(0, 2**32, changed.size)
            made.append((f"d{n}", f"near-{n}", _signature(values)))
        else:
            digest = hashlib.sha256(f"doc {seed} {n}".encode()).hexdigest()
            made.append((f"d{n}", digest, _signature(numbers.integers(0, 2**32, NUM_HASHES))))
    return made


def screen_us(known: list[Entry], screened: list[Entry]) -> tuple[float, int]:
    """Best of three: CPU us per screened document, and how many were duplicates."""
    best, duplicates = float("inf"), 0
    for _ in range(3):
        index = Deduplicator[str]()
        for at in range(0, len(known), 64):
            index.screen(known[at : at + 64])
        start = _cpu()
        answers = [index.screen(screened[at : at + 64]) for at in range(0, len(screened), 64)]
        best = min(best, (_cpu() - start) / max(len(screened), 1) * 1e6)
        duplicates = sum(answer is not None for batch in answers for answer in batch)
    return best, duplicates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--known", type=int, default=20_000)
    parser.add_argument("--screened", type=int, default=40_000)
    args = parser.parse_args()
    total = args.known + args.screened
    for name, copies in (("fresh", 0.0), ("45% copies", 0.45)):
        entries = stream(total, copies, seed=7)
        us, duplicates = screen_us(entries[: args.known], entries[args.known :])
        print(f"{name:<22} {us:7.1f} us/doc  {duplicates:,} duplicates")
    known = stream(args.known, 0.0, seed=8)
    last = known[-2000:]  # added last: still pending (merged every 4,096)
    again = [(f"again-{key}", f"near-{key}", mark) for key, _, mark in last]
    us, duplicates = screen_us(known, again)
    print(f"{'re-run (pending)':<22} {us:7.1f} us/doc  {duplicates:,} duplicates")
    first = [(f"again-{key}", f"near-{key}", mark) for key, _, mark in known[:2000]]
    us, duplicates = screen_us(known, first)
    print(f"{'re-run (merged)':<22} {us:7.1f} us/doc  {duplicates:,} duplicates")


if __name__ == "__main__":
    main()
