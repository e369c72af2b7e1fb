"""The chunked CoNLL reader yields exactly what the line-by-line reader yields, odd files too."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from annotator.formats.base import ImportOptions
from annotator.formats.conll import IMPORTER, read_conll, read_file

OPTIONS = ImportOptions(annotator="ann")

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
