"""Storage speed: bulk insert of 10,000 documents with 500,000 spans, one document's spans, one
labelled span committed. Prints numbers; run with ``.venv/bin/python benchmarks/storage.py``.

Pass a PostgreSQL URL as the first argument to measure a server instead of a SQLite file.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan, RemoveSpan
from annotator.core.ids import DocumentId
from annotator.core.schema import schema_from_mapping
from annotator.storage.bulk import DraftWithSpans, SpanDraft
from annotator.storage.database import ProjectDatabase

DOCUMENTS = 10_000
SPANS_PER_DOCUMENT = 50
WORDS = (
    "the ministry said rebels shelled town on Monday at least seven civilians were killed "
    "officials reported clashes near border province spokesman denied claims police detained "
    "dozens protesters after attack convoy"
).split()
LABELS = ("ACTOR", "LOCATION", "CLAIM", "CASUALTY_FIGURE")
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "resources" / "schemas" / "news-events.toml"


def article(rng: random.Random, length: int = 5_000) -> str:
    words: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


def items(rng: random.Random) -> list[DraftWithSpans]:
    out: list[DraftWithSpans] = []
    for i in range(DOCUMENTS):
        text = article(rng) + f" #{i}"
        spans = []
        for _ in range(SPANS_PER_DOCUMENT):
            start = rng.randrange(0, len(text) - 40)
            spans.append(
                SpanDraft(rng.choice(LABELS), start, start + rng.randint(3, 40), {}, "bench")
            )
        out.append(DraftWithSpans(DocumentDraft(text, title=f"Article {i}"), f"bench:{i}", spans))
    return out


def millis(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    schema = schema_from_mapping(tomllib.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    rng = random.Random(7)
    data = items(rng)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        db = ProjectDatabase.open(url or "sqlite:///bench.sqlite", Path(folder))
        print(f"database: {db.display_url}")
        started = time.perf_counter()
        ids = db.bulk_add(data, now)
        bulk = time.perf_counter() - started
        total_spans = DOCUMENTS * SPANS_PER_DOCUMENT
        print(
            f"bulk insert: {DOCUMENTS:,} documents (~5 kB) + {total_spans:,} spans: {bulk:.2f} s "
            f"({total_spans / bulk:,.0f} spans/s)   goal < 3 s"
        )
        samples = []
        for document_id in rng.sample(ids, 500):
            started = time.perf_counter()
            loaded = db.spans(document_id)
            samples.append(time.perf_counter() - started)
            assert len(loaded) == SPANS_PER_DOCUMENT
        print(
            f"load one document's {SPANS_PER_DOCUMENT} spans: "
            f"median {millis(statistics.median(samples))}, "
            f"p95 {millis(sorted(samples)[int(len(samples) * 0.95)])}   goal < 1 ms"
        )
        adds, removes = [], []
        for i in range(500):
            document_id = DocumentId(ids[i])
            started = time.perf_counter()
            applied = db.apply(AddSpan(document_id, "ACTOR", 10, 20, {}, "bench"), schema, now)
            adds.append(time.perf_counter() - started)
            span = applied.changes.spans_added[0]
            started = time.perf_counter()
            db.apply(RemoveSpan(span.id), schema, now)
            removes.append(time.perf_counter() - started)
        print(
            f"one labelled span inserted and committed: median {millis(statistics.median(adds))}, "
            f"p95 {millis(sorted(adds)[int(len(adds) * 0.95)])}   goal < 1 ms"
        )
        print(f"one span removed and committed: median {millis(statistics.median(removes))}")
        db.close()


if __name__ == "__main__":
    main()
