"""The chunked CoNLL reader as session 7 left it (a regular expression over each document told
its shape), kept as the reference that :mod:`annotator.formats.conll_read` must agree with item
for item: the shape is now told from the document's whitespace in a few C passes.

Its docstring was:
Reading a ``-DOCSTART-`` CoNLL file a megabyte at a time, each document in a few C calls.

:func:`~annotator.formats.conll.read_conll` sorts lines one at a time, which costs about a
millisecond per news article. A file whose first line is ``-DOCSTART-`` (ours, CoNLL-2003)
has independent documents: the text between two ``-DOCSTART-`` lines. Here a chunk of the file
is cut at those lines with ``str.split``; a document whose lines all have one shape (the same
2, 3 or 4 space-separated fields, told by one regular expression over the whole document) and
whose tags are clean IOB2 is read with ``str.split`` and slicing, its text rebuilt with
``str.join``; any other document (tabs, mixed widths, a bad line, IOB1, BILOU, a repair) goes
through the line-by-line reader, so that every message and repair stays the same.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from itertools import accumulate, chain, compress, count
from typing import TextIO

from annotator.core.document import DocumentDraft
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.reports import Failure
from annotator.formats.tokenize_support import parse_tag

Item = AnnotatedDraft | Failure
LineReader = Callable[[Iterator[str]], Iterator[Item]]
RegionReader = Callable[[list[str], int], Iterator[Item]]

CHUNK = 1 << 20
"""Characters read at a time (memory stays flat whatever the file's size)."""
_DOCSTART = "-DOCSTART-"
_CUT = "\n" + _DOCSTART
_SHAPES = {
    width: re.compile(rf"\n*\S+(?: \S+){{{width - 1}}}(?:\n+\S+(?: \S+){{{width - 1}}})*\n*")
    for width in (4, 2, 3)
}
"""A document's lines (after its ``-DOCSTART-`` line): every one blank or ``width`` fields
separated by single spaces, no other whitespace."""
_SENTENCE_GAP = re.compile(r"\n\n+")


def read_docstart_file(
    handle: TextIO,
    name: str,
    by_lines: LineReader,
    by_region: RegionReader,
    annotator: str = "",
    chunk_size: int = CHUNK,
) -> Iterator[Item]:
    """What ``by_lines(lines)`` would yield for the lines of ``handle``, faster when the file
    starts with ``-DOCSTART-``. ``by_region(lines, first)`` reads one document's lines (its
    ``-DOCSTART-`` line first, numbered from ``first``) the slow way. Spans are
    ``annotator``'s; ``chunk_size`` characters are read at a time."""
    head = handle.read(chunk_size)
    head += handle.readline()  # whole lines only
    start = len(head) - len(head.lstrip())
    first_line = head[start:].partition("\n")[0]
    at_line_start = start == 0 or head[start - 1] == "\n"
    if not (at_line_start and first_line.split()[:1] == [_DOCSTART]):
        yield from by_lines(chain(io.StringIO(head), handle))
        return
    line = head.count("\n", 0, start) + 1
    buffered = [head[start:]]
    while True:
        chunk = handle.read(chunk_size)
        if chunk:
            chunk += handle.readline()
            cut = _last_docstart(chunk)
            if cut < 0:  # one document longer than a chunk: read on
                buffered.append(chunk)
                continue
            buffered.append(chunk[:cut])
            text = "".join(buffered)[:-1]  # without the line break before -DOCSTART-
            buffered = [chunk[cut:]]
        else:
            text, buffered = "".join(buffered), []
        for first, region in _regions(text, line):
            yield from _document(region, first, name, annotator, by_region)
            line = first + region.count("\n") + 1
        if not buffered:
            return


def _last_docstart(chunk: str) -> int:
    """Where in ``chunk`` (whole lines, after a line break) the last ``-DOCSTART-`` line
    starts, or -1."""
    padded = "\n" + chunk
    cut = padded.rfind(_CUT)
    while cut >= 0 and not _real(padded[cut + len(_CUT) : cut + len(_CUT) + 1]):
        cut = padded.rfind(_CUT, 0, cut)
    return cut


def _real(rest: str) -> bool:
    """Whether a line ``-DOCSTART-`` + ``rest`` starts a document (its first field is
    ``-DOCSTART-``)."""
    return not rest or rest[0].isspace()


def _regions(text: str, line: int) -> Iterator[tuple[int, str]]:
    """Each document of ``text`` (which starts with a ``-DOCSTART-`` line, on line ``line``)
    as its first line's number and its text from ``-DOCSTART-`` on, without the line break
    before the next one."""
    parts = text.split(_CUT)
    current = parts[0]
    for part in parts[1:]:
        if _real(part.partition("\n")[0]):
            yield line, current
            line += current.count("\n") + 1
            current = _DOCSTART + part
        else:  # "-DOCSTART-X" is a token: the line belongs to this document
            current += _CUT + part
    yield line, current


def _document(
    region: str, first: int, name: str, annotator: str, by_region: RegionReader
) -> Iterator[Item]:
    body = region.partition("\n")[2]
    if _DOCSTART not in body:
        for width, shape in _SHAPES.items():
            if shape.fullmatch(body):
                draft = _draft(body, width, f"{name}:{first}", annotator)
                if draft is not None:
                    yield draft
                    return
                break
        else:
            if not body.strip("\n"):
                return  # a -DOCSTART- line and blank lines: no document
    yield from by_region(region.split("\n"), first)


def _draft(body: str, width: int, origin: str, annotator: str) -> AnnotatedDraft | None:
    """The document of ``body`` (lines of ``width`` fields, tag last), or None when its tags
    are not all valid, repair-free IOB2 (the line-by-line reader then says what is wrong)."""
    fields = body.split()
    tokens = fields[::width]
    tags = fields[width - 1 :: width]
    sentences = _SENTENCE_GAP.split(body.strip("\n"))
    sizes = [sentence.count("\n") + 1 for sentence in sentences]
    ends = list(accumulate(sizes))
    starts_of_sentences = set(ends)
    starts_of_sentences.add(0)
    spans: list[tuple[int, int, str]] = []
    open_label = ""
    for n in compress(count(), map("O".__ne__, tags)):
        parsed = parse_tag(tags[n])
        if parsed is None:
            return None
        prefix, label = parsed
        continues = open_label == label and n not in starts_of_sentences and tags[n - 1] != "O"
        if prefix == "B":
            spans.append((n, n, label))
            open_label = label
        elif prefix == "I" and continues:
            spans[-1] = (spans[-1][0], n, label)
        else:  # I- opening a span, or BILOU: the scheme is read the careful way
            return None
    lengths = list(accumulate(map(len, tokens)))
    pieces = []
    begin = 0
    for end in ends:
        pieces.append(" ".join(tokens[begin:end]))
        begin = end
    records = tuple(
        SpanRecord(
            f"T{k}",
            label,
            a + (lengths[a - 1] if a else 0),
            b + lengths[b],
            {},
            annotator,
        )
        for k, (a, b, label) in enumerate(spans, start=1)
    )
    return AnnotatedDraft(DocumentDraft(text="\n".join(pieces)), origin, records)
