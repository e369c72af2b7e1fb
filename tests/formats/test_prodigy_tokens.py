"""The Prodigy export writes the bytes, and reports the losses, of the dict-per-token writer it
replaced (kept as the reference: :func:`to_record` encoded by :func:`jsontext.dumps_bytes`), on
realistic prose: line breaks, runs of spaces, quotes, apostrophes, emoji, curly quotes, spans
inside tokens, on whitespace and overlapping, relations (some losing an end), attributes that
only ``json`` can encode."""

from __future__ import annotations

import random
from dataclasses import replace

import msgspec
import orjson
import pytest

from annotator.core.annotation import AnnotatedDocument
from annotator.formats import jsontext
from annotator.formats.base import ExportOptions, Loss, LossReport
from annotator.formats.prodigy import EXPORTER, render_tasks, to_record
from annotator.formats.prodigy_tokens import tokens_json
from annotator.formats.workers import pack_light
from tests.formats.conftest import Export, make_document

PROSE = [
    "Rebels shelled Aleppo on Monday.",
    " The ministry said 12 civilians died,",
    ' officials said: "we deny it."',
    "\n\nALEPPO, Syria (Reuters) -",
    " Aleppo’s east — “besieged” since May",
    "  (two spaces) and\ta tab",
    " 👩🏽‍🚒 firefighters 🏛 arrived!",
    " Mr. O'Brien didn't say; U.S. officials did…",
    " back\\slash and control \x01 chars",
    " 3,000.5 people, e.g. https://example.org/a?b=1.",
    "\u2028separated\u00a0by\u2029odd spaces",
]
LABELS = ("ACTOR", "LOCATION", "CLAIM")
ATTRIBUTES: list[dict[str, str | int | bool]] = [
    {},
    {},
    {"certainty": "reported", "disputed": True},
    {"comment": 'the "ministry" 🏛\n said'},
    {"count": 2**70},  # orjson cannot: the whole task goes through json
]


def prose_documents(count: int, seed: int) -> list[AnnotatedDocument]:
    rng = random.Random(seed)
    documents = []
    for n in range(1, count + 1):
        text = "".join(rng.choice(PROSE) for _ in range(rng.randint(1, 6)))
        spans = []
        for _ in range(rng.randint(0, 10)):
            start = rng.randrange(len(text))
            end = rng.randint(start + 1, min(len(text), start + 25))
            spans.append((rng.choice(LABELS), start, end, rng.choice(ATTRIBUTES)))
        relations = [
            ("LINK", rng.randint(1, len(spans)), rng.randint(1, len(spans)))
            for _ in range(rng.randint(0, 4) if spans else 0)
        ]
        documents.append(make_document(text, spans, relations, doc_id=n, external_id=f"x{n}"))
    return documents


def reference(items: list[AnnotatedDocument], options: ExportOptions) -> tuple[bytes, LossReport]:
    report = LossReport()
    lines = [jsontext.dumps_bytes(to_record(i, options, report), newline=True) for i in items]
    return b"".join(lines), report


@pytest.mark.parametrize("tokens", ["split", "expand"])
def test_prose_bytes_and_losses_are_unchanged(export: Export, tokens: str) -> None:
    items = prose_documents(160, seed=11)
    options = ExportOptions(extra={"tokens": tokens, "workers": "1"})
    expected, expected_losses = reference(items, options)
    path, losses = export(EXPORTER, items, f"{tokens}.jsonl", None, options)
    assert path.read_bytes() == expected
    assert losses == expected_losses
    assert render_tasks(options, [pack_light(i) for i in items]) == (expected, expected_losses)


def test_the_prose_exercises_what_it_claims() -> None:
    items = prose_documents(160, seed=11)
    for tokens in ("split", "expand"):
        _, report = reference(items, ExportOptions(extra={"tokens": tokens}))
        assert {Loss.UNALIGNED, Loss.DROPPED, Loss.RELATIONS} <= set(report.counts)
    assert any(s.attributes.get("count") == 2**70 for i in items for s in i.spans)  # json
    texts = [i.document.text for i in items]
    assert any("\n" in t and '"' in t and "\\" in t and "🏛" in t for t in texts)
    assert any(t.isprintable() and '"' not in t and "\\" not in t for t in texts)
    assert sum(len(i.relations) for i in items) > 50


def test_msgspec_writes_every_code_point_as_orjson_does() -> None:
    encode = msgspec.json.Encoder().encode
    for block in range(0, 0x110000, 512):
        text = "".join(chr(c) for c in range(block, block + 512) if not 0xD800 <= c < 0xE000)
        assert encode(text) == orjson.dumps(text)
    numbers = [0, 1, 255, 256, 10**6, 2**63 - 1, True, False]
    assert encode(numbers) == orjson.dumps(numbers)


def test_tokens_are_the_dicts_orjson_writes() -> None:
    texts, starts, ends, ws = ["a", "\n", '"', "é🏛"], [0, 2, 3, 5], [1, 3, 4, 7], [True, False]
    ws += [True, False]
    dicts = [
        {"text": t, "start": a, "end": b, "id": n, "ws": w}
        for n, (t, a, b, w) in enumerate(zip(texts, starts, ends, ws, strict=True))
    ]
    assert tokens_json(texts, starts, ends, ws) == orjson.dumps(dicts)
    assert tokens_json([], [], [], []) == b"[]"


def test_a_lone_surrogate_fails_as_before() -> None:
    made = make_document("bad X text", [("ACTOR", 0, 3, {})])  # (a text's hash refuses one)
    item = replace(made, document=replace(made.document, text="bad \ud800 text"))
    options = ExportOptions()
    with pytest.raises(UnicodeEncodeError):
        reference([item], options)
    with pytest.raises(UnicodeEncodeError):
        render_tasks(options, [item])
