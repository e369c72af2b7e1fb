"""split_lines numbers, bounds and strips lines exactly as the plain line-by-line loop does."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

import pytest

from annotator.ingest.lines import split_lines


def _reference(chunks: Iterable[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """The whole stream split at once: line numbers from 1, ``None`` over ``limit`` bytes
    (the ``\\r`` counted), one ``\\r`` stripped, no line after a final ``\\n``."""
    data = b"".join(chunks)
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, 1):
        yield number, None if len(line) > limit else line[:-1] if line.endswith(b"\r") else line


def _stream(rng: random.Random) -> bytes:
    pieces = [b"", b" ", b"\r", b"\r\n", b"\n", b"\n\n", b"{}", b"x" * 30, b"y" * 90, b"\xc3\xa9"]
    return b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 200)))


@pytest.mark.parametrize("seed", range(40))
def test_lines_match_the_reference_however_the_chunks_fall(seed: int) -> None:
    rng = random.Random(seed)
    data = _stream(rng)
    cuts = sorted(rng.sample(range(len(data) + 1), min(len(data) + 1, rng.randint(0, 30))))
    chunks = [data[start:end] for start, end in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    limit = rng.choice([0, 1, 5, 40, 100, 10_000])
    assert list(split_lines(chunks, limit)) == list(_reference(chunks, limit))


def test_many_plain_lines_in_one_chunk_take_the_fast_path_and_keep_numbers() -> None:
    data = b"".join(b'{"n": %d}\n' % n for n in range(1000))
    lines = list(split_lines([data[:5000], data[5000:]], 100))
    assert lines == [(n + 1, b'{"n": %d}' % n) for n in range(1000)]
