"""Print timings of the span index and the offset converter (no assertions)."""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

from annotator.core.offsets import OffsetConverter
from annotator.core.span_index import SpanIndex

TEXT_LENGTH = 1_000_000
SPAN_COUNT = 55_000
WINDOW = 2_000


def make_entries(rng: random.Random) -> list[tuple[int, int, int]]:
    """Spans like a densely annotated 1M-character text: mostly short, some nested, a few long."""
    entries: list[tuple[int, int, int]] = []
    for span_id in range(SPAN_COUNT):
        start = rng.randrange(TEXT_LENGTH - 1)
        roll = rng.random()
        if roll < 0.85:
            length = rng.randint(2, 20)  # names, places, figures
        elif roll < 0.995:
            length = rng.randint(40, 400)  # claims, sentences
        else:
            length = rng.randint(2_000, 50_000)  # sections
        entries.append((start, min(TEXT_LENGTH, start + length), span_id))
    return entries


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    samples: list[float] = []
    for _ in range(repeat):
        begin = time.perf_counter()
        function()
        samples.append(time.perf_counter() - begin)
    return samples


def bench_span_index() -> None:
    rng = random.Random(20160503)
    entries = make_entries(rng)
    ordered = sorted(entries)
    shuffled = entries[:]
    rng.shuffle(shuffled)
    print(f"SpanIndex, {SPAN_COUNT:,} spans over {TEXT_LENGTH:,} characters")
    for name, source in (("sorted input", ordered), ("shuffled input", shuffled)):
        samples = timed(partial(SpanIndex.from_entries, source), 15)
        print(
            f"  from_entries ({name}): median {statistics.median(samples) * 1e3:.1f} ms, "
            f"min {min(samples) * 1e3:.1f} ms"
        )
    index = SpanIndex.from_entries(ordered)

    starts = [rng.randrange(TEXT_LENGTH - WINDOW) for _ in range(2_000)]
    hits: list[int] = []
    samples = []
    for a in starts:
        begin = time.perf_counter()
        found = index.overlapping(a, a + WINDOW)
        samples.append(time.perf_counter() - begin)
        hits.append(len(found))
    print(
        f"  overlapping() on a {WINDOW:,}-character window: median {median_us(samples):.0f} us, "
        f"p95 {statistics.quantiles(samples, n=20)[-1] * 1e6:.0f} us "
        f"({statistics.median(hits):.0f} spans found, median)"
    )
    samples = timed(lambda: index.at(rng.randrange(TEXT_LENGTH)), 2_000)
    print(f"  at(pos): median {median_us(samples):.1f} us")

    adds: list[float] = []
    removes: list[float] = []
    moves: list[float] = []
    new_id = SPAN_COUNT
    for _ in range(20_000):
        start = rng.randrange(TEXT_LENGTH - 20)
        begin = time.perf_counter()
        index.add(start, start + 7, new_id)
        middle = time.perf_counter()
        index.move(new_id, start + 1, start + 9)
        after_move = time.perf_counter()
        index.remove(new_id)
        end = time.perf_counter()
        adds.append(middle - begin)
        moves.append(after_move - middle)
        removes.append(end - after_move)
        new_id += 1
    print(
        f"  on {len(index):,} spans: add {median_us(adds):.1f} us, move {median_us(moves):.1f} us,"
        f" remove {median_us(removes):.1f} us (medians of {len(adds):,});"
        f" slowest add {max(adds) * 1e6:.0f} us"
    )


def bench_offsets() -> None:
    rng = random.Random(7)
    pieces = ["Rebels shelled Aleppo on 3 May 2016. ", "The ministry said ", "civilians died. "]
    extras = ["🏛 ", "😀", "👩\u200d👩\u200d👧 ", "🇺🇳 ", "Aleppo’s ", "café ", "中文 ", "\u00a0"]
    parts: list[str] = []
    size = 0
    while size < TEXT_LENGTH:
        part = rng.choice(pieces) if rng.random() < 0.8 else rng.choice(extras)
        parts.append(part)
        size += len(part)
    text = "".join(parts)[:TEXT_LENGTH]
    bmp_text = text.encode("ascii", "replace").decode("ascii").replace("?", "é")
    count = 10_000
    print(f"OffsetConverter, {len(text):,}-character text with emoji, {count:,} conversions each")
    for label, sample in (("with emoji", text), ("BMP only", bmp_text)):
        begin = time.perf_counter()
        conv = OffsetConverter(sample)
        built = time.perf_counter()
        conv.cp_to_utf16(len(sample) // 2)
        first16 = time.perf_counter()
        conv.cp_to_utf8(len(sample) // 2)
        first8 = time.perf_counter()
        print(
            f"  {label}: construction {(built - begin) * 1e6:.1f} us, first UTF-16 conversion "
            f"(builds the table) {(first16 - built) * 1e3:.2f} ms, first UTF-8 conversion "
            f"{(first8 - first16) * 1e3:.2f} ms; has_astral={conv.has_astral}"
        )
        offsets = [rng.randrange(len(sample) + 1) for _ in range(count)]
        units16 = [conv.cp_to_utf16(i) for i in offsets]
        units8 = [conv.cp_to_utf8(i) for i in offsets]
        for name, function, values in (
            ("cp_to_utf16", conv.cp_to_utf16, offsets),
            ("utf16_to_cp", conv.utf16_to_cp, units16),
            ("cp_to_utf8", conv.cp_to_utf8, offsets),
            ("utf8_to_cp", conv.utf8_to_cp, units8),
        ):
            begin = time.perf_counter()
            for value in values:
                function(value)
            total = time.perf_counter() - begin
            each = total / count * 1e6
            print(f"    {name}: {total * 1e3:.2f} ms for {count:,} ({each:.2f} us each)")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, gc {'on' if gc.isenabled() else 'off'}")
    bench_span_index()
    bench_offsets()


if __name__ == "__main__":
    main()
