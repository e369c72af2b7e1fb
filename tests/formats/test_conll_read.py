"""The chunked CoNLL reader yields exactly what the line-by-line reader yields, odd files too."""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.interchange import AnnotatedDraft
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats import conll_read
from annotator.formats.base import ImportOptions
from annotator.formats.conll import IMPORTER, read_conll, read_file, read_region
from annotator.services.annotation_import import _as_plain, _checked
from tests.formats import conll_read_reference as reference

OPTIONS = ImportOptions(annotator="ann")
SCHEMA = LabelSchema()

ODD_LINES = [
    "x\tB-PER",  # tabs
    "x y\tO",
    "a b c d e",  # too wide
    "lonely",  # one field
    "x Z-PER",  # not a tag
    "x I-PER",  # may open a span (IOB1, or a repair)
    "x L-PER",  # BILOU
    "x U-LOC",
    "x E-LOC",
    "   ",  # whitespace only: a blank line
    " x O",  # leading space
    "x O ",  # trailing space
    "x  O",  # two spaces
    "x\u00a0O",  # no-break space
    "-DOCSTART-X O",  # a token, not a document
    "-DOCSTART-\tO",  # a document start written with a tab
    "  -DOCSTART- -X- O O",  # a document start after spaces
    "x NN B-NP B-ORG",  # CoNLL-2003 four columns
    "x -X- _ B-PER I-LOC",  # layered
    "x NN O",
]
CLEAN_LINES = ["w -X- _ O", "w -X- _ B-PER", "w -X- _ I-PER", "v -X- _ B-LOC", "u -X- _ O"]


def random_file(rng: random.Random, odd: float) -> str:
    lines: list[str] = [""] * rng.randint(0, 2)
    for _ in range(rng.randint(1, 6)):
        lines += ["-DOCSTART- -X- O O", ""]
        for _ in range(rng.randint(0, 4)):
            for _ in range(rng.randint(1, 8)):
                pool = ODD_LINES if rng.random() < odd else CLEAN_LINES
                lines.append(rng.choice(pool))
            lines += [""] * rng.randint(1, 2)
    text = "\n".join(lines)
    return text if rng.random() < 0.5 else text.rstrip("\n")


def both(text: str, chunk: int) -> tuple[list[object], list[object]]:
    lines = list(read_conll(io.StringIO(text), "f", OPTIONS))
    chunked = list(read_file(io.StringIO(text), "f", OPTIONS, chunk))
    return lines, chunked


@pytest.mark.parametrize("odd", [0.0, 0.05, 0.3])
def test_random_files_read_the_same_in_chunks(odd: float) -> None:
    rng = random.Random(5)
    for _ in range(300):
        text = random_file(rng, odd)
        lines, chunked = both(text, rng.choice([1, 7, 40, 1 << 20]))
        assert chunked == lines, text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "w O\nv B-LOC\n",  # no -DOCSTART-: blank-line documents
        "\n  \n-DOCSTART- -X- O O\n\nw -X- _ B-PER\n",
        "-DOCSTART-\nw B-PER\nv I-PER\n\nw I-PER\n",  # a span cannot cross a sentence
        "-DOCSTART- -X- O O\n\n-DOCSTART- -X- O O\n\nw -X- _ B-PER\n",
        "-DOCSTART-X O\nw B-PER\n",  # the first line is a token
        "-DOCSTART- -X- O O\n-DOCSTART-X O\nw B-PER\n-DOCSTART-\nv O",
    ],
)
def test_edge_files_read_the_same(text: str) -> None:
    for chunk in (1, 5, 1 << 20):
        lines, chunked = both(text, chunk)
        assert chunked == lines


def test_the_importer_reads_in_chunks_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.conll"
    path.write_text(
        "-DOCSTART- -X- O O\r\n\r\nRebels -X- _ B-ACTOR\r\nshelled -X- _ O\r\n\r\n"
        "-DOCSTART- -X- O O\n\nx -X- _ Z-PER\nAleppo -X- _ B-LOCATION\n",
        encoding="utf-8-sig",
    )
    first, failure, second = IMPORTER.read(path, None, OPTIONS)  # type: ignore[arg-type, misc]
    assert first.draft.text == "Rebels shelled"  # type: ignore[union-attr]
    assert first.origin == f"{path}:1"  # type: ignore[union-attr]
    assert [(s.label, s.start, s.end) for s in first.spans] == [("ACTOR", 0, 6)]  # type: ignore[union-attr]
    assert (failure.file, failure.line) == (str(path), 8)  # type: ignore[union-attr]
    assert second.draft.text == "Aleppo"  # type: ignore[union-attr]
    assert second.origin == f"{path}:6"  # type: ignore[union-attr]


TOKENS = ["Rebels", "Aleppo", ".", "Ça", "😀", "naïve", "O", "B-LOC", "-X-", "_", "-DOCSTART-X"]
TAGS = ["O", "O", "O", "B-ACTOR", "I-ACTOR", "B-LOC", "I-LOC", "I-ACTOR", "L-LOC", "U-PER"]
ODD_SPACES = ["\t", "\u00a0", "\u2003", "\u3000", "\x85", "\x1c", "\x0b", "\r", "  ", " \u2028"]
MIDDLES = [" -X- _ ", " ", " NN B-NP ", " NN ", " -X- _ O "]


def messy_document(rng: random.Random) -> list[str]:
    """A document of one layout or a mix, with now and then an odd space, width or tag."""
    middle = rng.choice(MIDDLES)
    lines: list[str] = [""] * rng.randint(0, 2)
    for _ in range(rng.randint(0, 5)):
        for _ in range(rng.randint(1, 9)):
            token = rng.choice(TOKENS)
            tag = rng.choice(TAGS[:7]) if rng.random() < 0.97 else rng.choice([*TAGS, "Z"])
            line = token + (rng.choice(MIDDLES) if rng.random() < 0.03 else middle) + tag
            roll = rng.random()
            if roll < 0.02:
                line = line.replace(" ", rng.choice(ODD_SPACES), 1)
            elif roll < 0.03:
                line = token  # one field
            elif roll < 0.04:
                line = rng.choice([" ", "\t", "  "]) + line if rng.random() < 0.5 else line + " "
            lines.append(line)
        lines += [""] * rng.choice([1, 1, 1, 2, 3])
    if rng.random() < 0.1:
        lines.insert(rng.randint(0, len(lines)), rng.choice(["   ", "\t", "\u00a0"]))
    return lines


@pytest.mark.parametrize("seed", range(4))
def test_the_reader_yields_what_the_regular_expression_reader_yielded(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        lines: list[str] = []
        for _ in range(rng.randint(1, 6)):
            lines += [rng.choice(["-DOCSTART- -X- O O", "-DOCSTART-", "-DOCSTART- O"])]
            lines += messy_document(rng)
        text = "\n".join(lines) + rng.choice(["", "\n", "\n\n"])
        for chunk in (rng.choice([3, 50, 400]), 1 << 20):
            new = list(read_file(io.StringIO(text), "f", OPTIONS, chunk))
            old = list(_reference_read(text, chunk))
            assert new == old, text
        # as an import asks (plain drafts), through what the import does on the reading side
        plain = read_file(io.StringIO(text), "f", replace(OPTIONS, plain=True))
        assert list(_as_plain(_checked(plain, SCHEMA))) == list(
            _as_plain(_checked(_reference_read(text, 1 << 20), SCHEMA))
        ), text


def _reference_read(text: str, chunk: int) -> Iterator[AnnotatedDraft | Failure]:
    return reference.read_docstart_file(
        io.StringIO(text),
        "f",
        lambda lines: read_conll(lines, "f", OPTIONS),
        lambda lines, first: read_region(lines, first, "f", OPTIONS),
        OPTIONS.annotator,
        chunk,
    )


def test_the_wide_spaces_are_every_space_beyond_ascii() -> None:
    beyond = "".join(c for c in map(chr, range(0x80, sys.maxunicode + 1)) if c.isspace())
    assert beyond == conll_read._WIDE_SPACES


@pytest.mark.parametrize(
    "body",
    [
        "b O\n a\nO",  # a leading space and a line of one field: the count of fields agrees
        "b O\na \nO",  # a trailing space
        "a NN O\nb  O\nO",  # two spaces
        "a O\n \nb O",  # a blank line that is a space
        "a\tO\nb O",
        "a O\r\nb O",
        "a -X- _ O\nb -X- _ O -X- _ O\nfoo",  # our filler twice on a line
        "a -X- _ O\nb O\nc NN B-NP O",  # widths mixed
        "\n\n\na O\n\n\n\nb B-LOC\nc I-LOC\n\n",
    ],
)
def test_odd_documents_read_as_the_regular_expression_reader_read_them(body: str) -> None:
    text = "-DOCSTART- -X- O O\n" + body + "\n-DOCSTART- -X- O O\n\nx O\n"
    assert list(read_file(io.StringIO(text), "f", OPTIONS)) == list(_reference_read(text, 1 << 20))
