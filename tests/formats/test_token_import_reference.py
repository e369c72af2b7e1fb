"""The Hugging Face and Prodigy importers yield what they yielded before lines were decoded by
msgspec (:mod:`huggingface_read`, :mod:`prodigy_read`): item for item, messages included, on
random lines both good and bad. The readers as they were are copied here as the reference."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import Unit
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import huggingface, jsontext, prodigy
from annotator.formats.base import ImportOptions
from annotator.formats.tokenize_support import TokenSentence, draft_from_tokens
from annotator.services.annotation_import import _as_plain, _checked

NAMES = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "L-PER", "U-LOC"]
WORDS = ["Rebels", "shelled", "Aleppo", ".", "Ça", "😀", "naïve", "", "New York", "a\tb", "\u00a0"]


def reference_huggingface(
    lines: Iterable[str], name: str, names: list[str] | None, options: ImportOptions
) -> Iterator[AnnotatedDraft | Failure]:
    """huggingface.read_lines before :mod:`huggingface_read`."""
    group: list[TokenSentence] = []
    group_key: str | None = None
    first_line = 0
    tags = huggingface._Tags(names)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parsed = huggingface._parse(line, number, name, tags)
        if isinstance(parsed, Failure):
            yield parsed
            continue
        key, sentence = parsed
        if group and (key is None or key != group_key):
            yield draft_from_tokens(
                group, f"{name}:{first_line}", options.annotator, group_key or ""
            )
            group = []
        if not group:
            first_line = number
        group.append(sentence)
        group_key = key
    if group:
        yield draft_from_tokens(group, f"{name}:{first_line}", options.annotator, group_key or "")


def reference_prodigy(
    lines: Iterable[str], name: str, options: ImportOptions
) -> Iterator[AnnotatedDraft | Failure]:
    """prodigy.read_lines before :mod:`prodigy_read`."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = jsontext.loads(line)
        except jsontext.JSONDecodeError as error:
            reason = jsontext.syntax_error(error.msg, number, error.colno)
            yield Failure(name, number, reason, "ANN131")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield Failure(name, number, "expected a JSON object with a 'text' string", "ANN131")
            continue
        answer = record.get("answer", "accept")
        if answer != "accept":
            reason = f"answer is {answer!r}: only accepted examples are imported"
            yield Failure(name, number, reason, "ANN138")
            continue
        yield from prodigy._task(record, name, number, options)


def odd(rng: random.Random, value: Any, choices: list[Any], rate: float = 0.03) -> Any:
    return rng.choice(choices) if rng.random() < rate else value


def sentence_line(rng: random.Random, document: str, n: int, scheme: str) -> str:
    size = rng.choice([0, 1, 3, 8, 14]) if rng.random() < 0.1 else rng.randint(1, 12)
    tokens: list[Any] = [rng.choice(WORDS) for _ in range(size)]
    tags: list[Any] = []
    for _ in range(size):
        if rng.random() < 0.7:
            tags.append(0)
        elif scheme == "iob2":
            tags.append(rng.choice([1, 2, 3, 4, 2]))
        else:
            tags.append(rng.randint(0, 6))
    if rng.random() < 0.1:
        tags = [NAMES[t] for t in tags]  # tags as text
    if tags and rng.random() < 0.05:
        tags[rng.randrange(len(tags))] = rng.choice([True, 1.0, 9, -1, "X-PER", None, "O", 2**70])
    if tokens and rng.random() < 0.03:
        tokens[rng.randrange(len(tokens))] = rng.choice([3, None, ["a"]])
    if rng.random() < 0.03:
        tags = tags[:-1]
    record: dict[str, Any] = {
        "id": odd(rng, f"{document}#{n}", [7, None, document, f"{document}#x", "#3"]),
        "tokens": tokens,
        "ner_tags": tags,
    }
    if rng.random() < 0.03:
        del record["id"]
    text = json.dumps(record, ensure_ascii=rng.random() < 0.5)
    return odd(rng, text, ["", "  ", "[1]", '{"tokens": ["a"], "ner_tags": [NaN]}', text[:-3]])


@pytest.mark.parametrize("seed", range(6))
def test_huggingface_lines_read_as_before(seed: int) -> None:
    rng = random.Random(seed)
    lines = []
    for document in range(40):
        scheme = rng.choice(["iob2", "iob2", "iob2", "any"])
        lines += [
            sentence_line(rng, f"doc-{document}", n, scheme) for n in range(rng.randint(1, 6))
        ]
    names = NAMES if seed % 3 else None
    options = ImportOptions(annotator="ann")
    new = list(huggingface.read_lines(lines, "f", names, options))
    old = list(reference_huggingface(lines, "f", names, options))
    assert new == old
    plain = huggingface.read_lines(lines, "f", names, replace(options, plain=True))
    assert list(as_imported(plain)) == list(as_imported(iter(old)))


def task_line(rng: random.Random) -> str:
    text = " ".join(rng.choice(WORDS[:8]) for _ in range(rng.randint(0, 12)))
    spans: list[Any] = []
    for _ in range(rng.randint(0, 4)):
        start = rng.randint(0, max(len(text) - 1, 0))
        end = rng.randint(start + 1, len(text) + 1)
        span: dict[str, Any] = {"start": start, "end": end, "label": rng.choice(["PER", "LOC"])}
        roll = rng.random()
        if roll < 0.5:
            span["text"] = text[start:end] if rng.random() < 0.9 else "other"
        if rng.random() < 0.1:
            span["attributes"] = rng.choice([{"negated": True}, None, [1], "x"])
        if rng.random() < 0.05:
            span[rng.choice(["start", "end", "label", "text"])] = rng.choice([None, 1.0, True, 5])
        if rng.random() < 0.05:
            del span["start"]
            span["token_start"], span["token_end"] = 0, 0
        spans.append(span)
        if rng.random() < 0.1:
            spans.append(dict(span))  # the same span twice
    record: dict[str, Any] = {
        "text": text,
        "meta": odd(rng, {"id": "d", "title": "T", "url": 3}, [None, [1], "m", {}], 0.1),
        "tokens": [{"text": t, "start": 0, "end": 1, "id": i} for i, t in enumerate(text.split())],
        "spans": odd(rng, spans, [None, {}, "s"]),
        "answer": odd(rng, "accept", ["reject", "ignore", None, 1]),
    }
    if rng.random() < 0.1:
        record["relations"] = odd(rng, [], [[{"label": "R", "head": 0, "child": 0}], {}])
    if rng.random() < 0.03:
        record["tokens"] = [float("nan")]
    line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
    return odd(rng, line, ["", "[1]", '{"text": 3}', line[:-2]])


@pytest.mark.parametrize("unit", [None, Unit.CODE_POINT, Unit.UTF16])
def test_prodigy_lines_read_as_before(unit: Unit | None) -> None:
    rng = random.Random(str(unit))
    lines = [task_line(rng) for _ in range(400)]
    options = ImportOptions(annotator="ann", offset_unit=unit)
    old = list(reference_prodigy(lines, "f", options))
    assert list(prodigy.read_lines(lines, "f", options)) == old
    plain = prodigy.read_lines(lines, "f", replace(options, plain=True))
    assert list(as_imported(plain)) == list(as_imported(iter(old)))


def as_imported(items: Iterator[Any]) -> Iterator[Any]:
    """What the import does with read items on the reading side (plain drafts where it can)."""
    return _as_plain(_checked(items, LabelSchema()))
