"""Reading a ``-DOCSTART-`` CoNLL file a megabyte at a time, each document in a few C calls.

:func:`~annotator.formats.conll.read_conll` sorts lines one at a time, which costs about a
millisecond per news article. A file whose first line is ``-DOCSTART-`` (ours, CoNLL-2003)
has independent documents: the text between two ``-DOCSTART-`` lines. Here a chunk of the file
is cut at those lines with ``str.split``; a document whose lines all have one shape (the same
2, 3 or 4 space-separated fields, told from its whitespace in a few C passes: :func:`_shape`)
and whose tags are clean IOB2 is read with ``str.split`` and slicing, its text rebuilt with
``str.join``; any other document (tabs, mixed widths, a bad line, IOB1, BILOU, a repair) goes
through the line-by-line reader, so that every message and repair stays the same.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, chain, compress, count
from typing import TextIO

from annotator.core.document import DocumentDraft
from annotator.core.interchange import AnnotatedDraft, SpanRecord
from annotator.core.plain_draft import PlainDraft
from annotator.core.reports import Failure
from annotator.formats.tokenize_support import parse_tag

Item = AnnotatedDraft | PlainDraft | Failure
_new_record = tuple.__new__
"""A SpanRecord made without its Python ``__new__`` (every field given)."""
LineReader = Callable[[Iterator[str]], Iterator[Item]]
RegionReader = Callable[[list[str], int], Iterator[Item]]

CHUNK = 1 << 20
"""Characters read at a time (memory stays flat whatever the file's size)."""
_DOCSTART = "-DOCSTART-"
_CUT = "\n" + _DOCSTART
_FILLER = " -X- _ "


def read_docstart_file(
    handle: TextIO,
    name: str,
    by_lines: LineReader,
    by_region: RegionReader,
    annotator: str = "",
    chunk_size: int = CHUNK,
    plain: bool = False,
) -> Iterator[Item]:
    """What ``by_lines(lines)`` would yield for the lines of ``handle``, faster when the file
    starts with ``-DOCSTART-``. ``by_region(lines, first)`` reads one document's lines (its
    ``-DOCSTART-`` line first, numbered from ``first``) the slow way. Spans are
    ``annotator``'s; ``chunk_size`` characters are read at a time; with ``plain``, a document
    read in bulk whose spans are plain is a :class:`PlainDraft`, as ``as_plain`` makes it."""
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
        for rest in _regions(text):
            items, newlines = _document(rest, line, name, (annotator, plain), by_region)
            yield from items
            line += newlines + 1
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


def _regions(text: str) -> Iterator[str]:
    """Each document of ``text`` (which starts with a ``-DOCSTART-`` line) as its text after
    ``-DOCSTART-``, without the line break before the next one."""
    parts = ("\n" + text).split(_CUT)
    current = parts[1]
    for part in parts[2:]:
        if _real(part[:1]):
            yield current
            current = part
        else:  # "-DOCSTART-X" is a token: the line belongs to this document
            current += _CUT + part
    yield current


def _document(
    rest: str, first: int, name: str, maker: tuple[str, bool], by_region: RegionReader
) -> tuple[Iterable[Item], int]:
    """What the document ``-DOCSTART-`` + ``rest`` (on line ``first``) reads as, and the
    count of its line breaks."""
    _, newline, body = rest.partition("\n")
    # Our own layout, "token -X- _ TAG", is read as "token TAG" (the same document, half as
    # many strings); a file that has other lines too is read as it is.
    lines = body.replace(_FILLER, " ")
    shape = _shape(lines)
    if shape is not None and shape[0] != 2 and lines is not body:
        lines, shape = body, _shape(body)
    if shape is not None:
        width, spaces, sizes, newlines = shape
        draft = _draft(lines, width, spaces, sizes, f"{name}:{first}", *maker)
        if draft is not None:
            return (draft,), len(newline) + newlines
    elif not body.strip("\n"):
        return (), len(newline) + body.count("\n")  # a -DOCSTART- line and blank lines
    region = (_DOCSTART + rest).split("\n")
    return by_region(region, first), len(region) - 1


def _shape(body: str) -> tuple[int, int, list[int], int] | None:
    """The width of every non-blank line of ``body`` (2, 3 or 4 fields separated by single
    spaces, no other whitespace; blank lines empty), its count of spaces, the line counts
    of its sentences and its count of line breaks; None when its lines are not all so.

    Told in a few C passes, from the whitespace alone: the UTF-8 bytes with everything else
    deleted keep each line's spaces, and every line that has some must have ``width - 1``.
    A line without spaces must be blank: there are as many as ``body`` has empty lines
    (counted with one search for two line breaks, which counts fewer than there are where
    three or more come in a row: such a document goes the careful way). Then :func:`_draft`
    checks that there are ``width`` fields per line with spaces: a line can hold no more
    fields than its spaces and one, so none holds fewer, and no space leads, trails or
    doubles another."""
    if not body.isascii() and any(map(body.__contains__, _WIDE_SPACES)):
        return None
    skeleton = body.encode("utf-8", "surrogatepass").translate(None, _NOT_WHITESPACE)
    if skeleton.translate(None, b" \n"):
        return None  # a tab, a carriage return, another control character that is whitespace
    opening = skeleton.lstrip(b"\n")
    spaces = opening.find(b"\n")
    width = (len(opening) if spaces < 0 else spaces) + 1
    if not 2 <= width <= 4:
        return None
    lines = (skeleton + b"\n").replace(b" " * (width - 1) + b"\n", b"x")
    if b" " in lines:
        return None  # a line of another width
    spaces = skeleton.count(b" ")
    newlines = len(skeleton) - spaces
    empty = body.count("\n\n") + (body[:1] == "\n") + (body[-1:] == "\n")
    if newlines + 1 - spaces // (width - 1) != empty:
        return None  # a line of one field
    sizes = list(filter(None, map(len, lines.split(b"\n"))))
    return width, spaces, sizes, newlines


_WIDE_SPACES = (
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
"""Every character beyond ASCII that ``str.split()`` splits on (``str.isspace``)."""
_NOT_WHITESPACE = bytes(byte for byte in range(256) if not chr(byte).isspace() or byte > 127)
"""The bytes to delete to keep only ASCII whitespace (UTF-8 encodes every other character in
bytes of 128 or more)."""


def _draft(
    body: str,
    width: int,
    spaces: int,
    sizes: list[int],
    origin: str,
    annotator: str,
    plain: bool,
) -> AnnotatedDraft | PlainDraft | None:
    """The document of ``body`` (lines of ``width`` fields, tag last; ``spaces`` spaces;
    sentences of ``sizes`` lines), or None when a line has one field or its tags are not all
    valid, repair-free IOB2 (the line-by-line reader then says what is wrong). Its spans
    never overlap: with ``plain``, a document that has some is a :class:`PlainDraft`."""
    fields = body.split()
    if len(fields) * (width - 1) != spaces * width:
        return None  # a line of one field
    tokens = fields[::width]
    tags = fields[width - 1 :: width]
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
    pieces = []
    begin = 0
    for end in ends:
        pieces.append(" ".join(tokens[begin:end]))
        begin = end
    draft = DocumentDraft(text="\n".join(pieces))
    if not spans:
        return AnnotatedDraft(draft, origin)
    lengths = list(accumulate(map(len, tokens)))
    if plain:
        labels = tuple([label for _, _, label in spans])
        starts = tuple([a + (lengths[a - 1] if a else 0) for a, _, _ in spans])
        stops = tuple([b + lengths[b] for _, b, _ in spans])
        return PlainDraft(draft, origin, labels, starts, stops, annotator)
    records = tuple(
        _new_record(
            SpanRecord,
            (
                f"T{k}",
                label,
                a + (lengths[a - 1] if a else 0),
                b + lengths[b],
                {},
                annotator,
                "",
                (),
            ),
        )
        for k, (a, b, label) in enumerate(spans, start=1)
    )
    return AnnotatedDraft(draft, origin, records)
