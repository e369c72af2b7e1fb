"""One ``.spacy`` shard of an export, built in a worker process: spaCy's tokenizer, then the
arrays ``DocBin.add`` would store, filled for the whole shard at once, written by
``DocBin.to_bytes``."""

from __future__ import annotations

import gc
import multiprocessing
import struct
import sys
import types
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import pairwise
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from annotator.core.gc_pause import gc_paused
from annotator.formats.base import LossReport, OverlapPolicy
from annotator.formats.spacy_project import (
    SpanExtent,
    TokenSpan,
    choose_ents_columns,
    label_ranks,
    report_left_out_columns,
    report_unaligned,
)
from annotator.formats.spacy_support import require_spacy, serializer_zlib

if TYPE_CHECKING:
    from spacy.language import Language

DOCBIN_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE")
"""Token attributes stored (spaCy adds SPACY): the text and the entities, nothing a blank
pipeline leaves empty, which keeps the file and the memory small."""

ShardPayload = tuple[str, tuple[tuple[int, int, str], ...], bytes, str]
"""What a shard worker gets of a document: its text, its spans' extents and labels, and its
packed user data (``srsly.msgpack_dumps(doc.user_data)``)."""

_SPAN_STRUCT = struct.Struct(">QQQllll")
"""One span of a serialized span group (``SpanGroup.to_bytes``): id, KB id, label, token start
and end, character start and end."""


@dataclass(frozen=True, slots=True)
class ShardSettings:
    """The export options a shard worker needs."""

    priority: tuple[str, ...]
    policy: OverlapPolicy


COMPRESSION_LEVEL = 5
"""zlib-ng's level for a shard. Against its (and spaCy's) default, 6, on a 1,000-document shard:
a third less time (0.134 -> 0.084 s on the benchmark's articles, 0.137 -> 0.101 s on English
prose) for a file 1-2% larger (1,328,912 -> 1,354,102 bytes; 2,469,235 -> 2,491,114). Level 4
is 6-7% larger for little more, level 1 70% larger."""


def fast_compress() -> Any:
    """zlib-ng's ``compress`` at :data:`COMPRESSION_LEVEL` when it is installed (the same zlib
    format, about two and a half times as fast as zlib at its default level and as small),
    else ``None``."""
    try:
        from zlib_ng import zlib_ng  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return partial(zlib_ng.compress, level=COMPRESSION_LEVEL)


@contextmanager
def docbin_compression() -> Iterator[None]:
    """``DocBin.to_bytes`` compresses with zlib-ng meanwhile (see :func:`fast_compress`).

    spaCy calls ``zlib.compress`` at its default level on the whole shard (about a quarter of
    an export's work); zlib-ng writes the same format, which ``DocBin.from_bytes`` (or anything
    else) decompresses with zlib, to the same bytes. Only ``compress`` changes.
    """
    compress = fast_compress()
    if compress is None:
        yield
        return
    shim = SimpleNamespace(compress=compress, decompress=zlib.decompress, error=zlib.error)
    with serializer_zlib(shim):
        yield


class ShardBuilder:
    """``doc.spans["sc"] = group; doc.ents = ents; doc.user_data.update(...); docbin.add(doc)``
    for each document of a shard, with the same ``DocBin`` in the end, several times faster.

    A document is only tokenized (``nlp.make_doc``) and read once (``Doc.to_array``); no Span
    is made. When the shard is written, its spans are placed on the tokens with numpy for the
    whole shard at once (as :func:`~annotator.formats.spacy_project.project_spans` places them;
    a document whose spans overlap on tokens chooses its ``doc.ents`` in Python), each span
    group is serialized as ``SpanGroup.to_bytes`` does, the entity columns are filled the way
    ``doc.ents`` sets them (the first token ``B``, the others ``I``, every other token ``O``),
    and the strings are the distinct ORTH, NORM and entity type values of the shard plus ``""``
    (the empty tags, lemmas, dependencies, morphology, KB ids and ids) and the span labels, each
    looked up once.
    """

    def __init__(self, nlp: Language, settings: ShardSettings) -> None:
        from spacy.attrs import IDX, NORM, ORTH, SPACY  # type: ignore[import-not-found]
        from spacy.tokens import DocBin

        self.docbin = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
        self.report = LossReport()
        self._settings = settings
        self._make_doc = nlp.make_doc
        self._strings = nlp.vocab.strings
        self._read = [ORTH, SPACY, NORM, IDX]  # LENGTH follows (see _ShardSpans)
        self._arrays: list[Any] = []
        self._texts: list[str] = []
        self._spans: list[tuple[int, int, str]] = []
        self._span_counts: list[int] = []
        self._token_counts: list[int] = []
        self._places: list[str] = []

    def add(
        self, text: str, spans: Sequence[tuple[int, int, str]], packed: bytes, place: str = ""
    ) -> None:
        """Add one document: its text, its spans' extents and labels, its packed user data
        (``srsly.msgpack_dumps(doc.user_data)``) and its name for loss examples."""
        doc = self._make_doc(text)
        self._arrays.append(doc.to_array(self._read))
        self._texts.append(text)
        self._spans.extend(spans)
        self._span_counts.append(len(spans))
        self._places.append(place)
        docbin = self.docbin
        docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        docbin.cats.append(doc.cats)
        docbin.user_data.append(packed)

    def to_bytes(self) -> bytes:
        """The shard: ``DocBin.to_bytes`` once the token arrays, span groups and strings are
        in."""
        self._fill()
        with docbin_compression():
            data: bytes = self.docbin.to_bytes()
        return data

    def _fill(self) -> None:
        """Put the token arrays, span groups and strings in the DocBin (what is made on the way
        is gone before ``DocBin.to_bytes`` copies the arrays)."""
        import numpy

        docbin = self.docbin
        self._token_counts = [len(array) for array in self._arrays]
        if self._arrays:
            read = numpy.concatenate(self._arrays)
            self._arrays.clear()  # one copy of the arrays at a time
        else:
            read = numpy.zeros((0, len(self._read)), dtype=numpy.uint64)
        placed = _ShardSpans(self, read)
        iob, types = placed.entity_columns(len(read))
        by_name = {"ORTH": read[:, 0], "ENT_IOB": iob, "ENT_TYPE": types}
        tokens = numpy.stack([by_name[name] for name in DOCBIN_ATTRS], axis=1)
        spaces = numpy.asarray(read[:, 1:2], dtype=bool)
        bounds = placed.token_bounds.tolist()
        docbin.tokens = [tokens[a:b] for a, b in pairwise(bounds)]
        docbin.spaces = [spaces[a:b] for a, b in pairwise(bounds)]
        docbin.span_groups = placed.span_groups()
        strings = self._strings
        if len(read):
            docbin.strings.add("")
            columns = (read[:, 0], read[:, 2])  # ORTH, NORM
            docbin.strings.update(strings[key] for key in _distinct(columns) if key)
        # the entity types too: every ent is a placed span (the ENT_TYPE column is not sorted)
        docbin.strings.update(placed.labels())


def _distinct(columns: Sequence[Any]) -> set[int]:
    """The distinct values of the columns (sorted a column at a time: less memory than one
    sort of them all)."""
    import numpy

    distinct: set[int] = set()
    for column in columns:
        values = numpy.sort(column)
        distinct.update(values[numpy.concatenate(([True], values[1:] != values[:-1]))].tolist())
    return distinct


_GROUP_HEAD = b"\x83\xa4name\xa2sc\xa5attrs\x80\xa5spans"
"""``msgpack({"name": "sc", "attrs": {}, "spans": ...})`` up to the list of spans."""
_GROUP_KEY = b"\x91\xa2sc"
"""``msgpack(["sc"])``: the names a serialized group is stored under."""


def _msgpack_array_head(count: int) -> bytes:
    if count < 16:
        return bytes((0x90 | count,))
    if count < 1 << 16:
        return b"\xdc" + count.to_bytes(2, "big")
    return b"\xdd" + count.to_bytes(4, "big")


def _msgpack_bin_head(size: int) -> bytes:
    if size < 1 << 8:
        return b"\xc4" + size.to_bytes(1, "big")
    if size < 1 << 16:
        return b"\xc5" + size.to_bytes(2, "big")
    return b"\xc6" + size.to_bytes(4, "big")


class _ShardSpans:
    """A shard's spans placed on its tokens (global token and character positions: documents
    one after another), and the documents' ``doc.ents`` among them."""

    def __init__(self, builder: ShardBuilder, read: Any) -> None:
        import numpy

        self._builder = builder
        settings = builder._settings
        counts = numpy.asarray(builder._span_counts, dtype=numpy.int64)
        documents = len(counts)
        token_counts = builder._token_counts
        self.token_bounds = numpy.cumsum([0, *token_counts], dtype=numpy.int64)
        char_bounds = numpy.cumsum([0, *map(len, builder._texts)], dtype=numpy.int64)
        spans = builder._spans
        self.document = numpy.repeat(numpy.arange(documents, dtype=numpy.int64), counts)
        self.labels_of = [label for _, _, label in spans]
        label_ids = {label: builder._strings.add(label) for label in set(self.labels_of)}
        self.label_id = numpy.asarray(
            [label_ids[label] for label in self.labels_of], dtype=numpy.uint64
        )
        start = numpy.asarray([span[0] for span in spans], dtype=numpy.int64)
        end = numpy.asarray([span[1] for span in spans], dtype=numpy.int64)
        idx = read[:, 3].astype(numpy.int64)
        spacy = read[:, 1].astype(numpy.int64)
        # A document's tokens with their trailing spaces are its text: each token's extent ends
        # where the next one starts (the last one's where the text ends), and LENGTH need not
        # be read.
        extent_end = numpy.empty_like(idx)
        extent_end[:-1] = idx[1:]
        has_tokens = numpy.asarray(token_counts, dtype=bool)
        extent_end[self.token_bounds[1:][has_tokens] - 1] = numpy.diff(char_bounds)[has_tokens]
        length = extent_end - idx - spacy
        global_idx = idx + numpy.repeat(char_bounds[:-1], token_counts)
        base = char_bounds[self.document]
        low = self.token_bounds[self.document]
        high = self.token_bounds[self.document + 1]
        last_token = max(len(read) - 1, 0)

        def token_at(char: Any) -> tuple[Any, Any]:
            """spaCy's ``token_by_char`` for each span's document: the token, and whether
            there is one."""
            found = numpy.searchsorted(global_idx, base + char, side="right") - 1
            inside = (found >= low) & (found < high)
            found = numpy.clip(found, 0, last_token)
            if len(read):
                inside &= char < extent_end[found]
            return found, inside

        first, first_ok = token_at(start)
        last, last_ok = token_at(end - 1)
        ok = first_ok & last_ok
        if len(read):
            first += ok & (start == idx[first] + length[first])
        last += 1
        ok &= last > first
        first = numpy.where(ok, first, 0)
        last = numpy.where(ok, last, 1)
        if len(read):
            start_char, end_char = idx[first], idx[last - 1] + length[last - 1]
        else:
            start_char = end_char = numpy.zeros(len(spans), dtype=numpy.int64)
        self.placed = ok
        self.first, self.last = first - low, last - low
        self.start_char, self.end_char = start_char, end_char
        self.kept = ok.copy()
        unaligned = ~ok | (start_char != start) | (end_char != end)
        self._choose(settings, unaligned, first, last)

    def _choose(self, settings: ShardSettings, unaligned: Any, first: Any, last: Any) -> None:
        """Report the spans not on token boundaries, and choose the ents of the documents
        whose placed spans overlap (every placed span of the others is an ent), in document
        order as :func:`project_spans` reports them."""
        import numpy

        report = self._builder.report
        texts = self._builder._texts
        places = self._builder._places
        spans = self._builder._spans
        placed = numpy.flatnonzero(self.placed)
        order = placed[numpy.lexsort((last[placed], first[placed]))]
        reach = numpy.maximum.accumulate(last[order])
        overlapping = numpy.zeros(len(self.placed), dtype=bool)
        overlapping[order[1:]] = first[order[1:]] < reach[:-1]
        clashing = set(self.document[overlapping].tolist())
        flagged = numpy.flatnonzero(unaligned).tolist()
        if not clashing and not flagged:
            return
        # plain lists from here: a document at a time in Python
        documents = self.document.tolist()
        is_placed = self.placed.tolist()
        columns = (self.first.tolist(), self.last.tolist())
        chars = (self.start_char.tolist(), self.end_char.tolist())
        labels = self.labels_of

        def token_span(i: int) -> TokenSpan:
            return TokenSpan(labels[i], columns[0][i], columns[1][i], chars[0][i], chars[1][i])

        bounds = numpy.cumsum([0, *self._builder._span_counts]).tolist()
        ranks = label_ranks(settings.priority)
        left_out: list[int] = []
        position = 0
        for document in sorted(clashing | {documents[i] for i in flagged}):
            while position < len(flagged) and documents[flagged[position]] == document:
                i = flagged[position]
                position += 1
                widened = token_span(i) if is_placed[i] else None
                report_unaligned(
                    report, texts[document], SpanExtent(*spans[i]), widened, places[document]
                )
            if document not in clashing:
                continue
            members = [i for i in range(bounds[document], bounds[document + 1]) if is_placed[i]]
            starts = [columns[0][i] for i in members]
            ends = [columns[1][i] for i in members]
            group_labels = [labels[i] for i in members]
            kept = choose_ents_columns(starts, ends, group_labels, ranks, settings.policy)
            if len(kept) < len(members):
                left_out.extend(i for n, i in enumerate(members) if n not in kept)
                extents = [SpanExtent(*spans[i]) for i in members]
                report_left_out_columns(report, starts, ends, extents, kept, places[document])
        self.kept[left_out] = False

    def entity_columns(self, tokens: int) -> tuple[Any, Any]:
        """The ENT_IOB and ENT_TYPE columns of the shard's tokens."""
        import numpy

        iob = numpy.full(tokens, 2, dtype=numpy.uint64)
        types = numpy.zeros(tokens, dtype=numpy.uint64)
        ents = numpy.flatnonzero(self.kept & (self.label_id != 0))  # unlabeled: not in doc.ents
        low = self.token_bounds[self.document[ents]]
        first, last = self.first[ents] + low, self.last[ents] + low
        widths = last - first
        inside = numpy.arange(int(widths.sum())) - numpy.repeat(
            numpy.cumsum(widths) - widths, widths
        )
        covered = numpy.repeat(first, widths) + inside
        iob[covered] = 1
        iob[first] = 3
        types[covered] = numpy.repeat(self.label_id[ents], widths)
        return iob, types

    def span_groups(self) -> list[bytes]:
        """Each document's ``doc.spans.to_bytes()``: one group, ``"sc"``, of its placed
        spans in order (``SpanGroup.to_bytes`` packs each as :data:`_SPAN_STRUCT` does)."""
        import numpy

        placed = numpy.flatnonzero(self.placed)
        records = numpy.zeros(
            len(placed),
            dtype=numpy.dtype(
                [
                    ("head", "V2"),
                    ("id", ">u8"),
                    ("kb_id", ">u8"),
                    ("label", ">u8"),
                    ("start", ">i4"),
                    ("end", ">i4"),
                    ("start_char", ">i4"),
                    ("end_char", ">i4"),
                ]
            ),
        )
        records["head"] = numpy.void(_msgpack_bin_head(_SPAN_STRUCT.size))
        records["label"] = self.label_id[placed]
        records["start"] = self.first[placed]
        records["end"] = self.last[placed]
        records["start_char"] = self.start_char[placed]
        records["end_char"] = self.end_char[placed]
        data = records.tobytes()
        size = records.dtype.itemsize
        documents = len(self._builder._token_counts)
        counts = numpy.bincount(self.document[placed], minlength=documents)
        groups = []
        offset = 0
        for count in counts.tolist():
            group = b"".join(
                (_GROUP_HEAD, _msgpack_array_head(count), data[offset : offset + count * size])
            )
            offset += count * size
            groups.append(b"".join((b"\x81", _msgpack_bin_head(len(group)), group, _GROUP_KEY)))
        return groups

    def labels(self) -> set[str]:
        """The labels of the placed spans (the span groups' strings)."""
        import numpy

        return {self.labels_of[i] for i in numpy.flatnonzero(self.placed).tolist()}


def build_shard(settings: ShardSettings, batch: Sequence[ShardPayload]) -> tuple[bytes, LossReport]:
    """One ``.spacy`` shard of ``batch`` and what it could not carry; runs in a worker
    process. Cyclic collection waits meanwhile (see :mod:`annotator.core.gc_pause`: a shard
    makes no cycles, only a million numbers and lists)."""
    with gc_paused():
        builder = ShardBuilder(pipeline(), settings)
        for text, spans, packed, place in batch:
            builder.add(text, spans, packed, place)
        return builder.to_bytes(), builder.report


def load_for_workers() -> None:
    """What every shard worker needs before its first document, loaded in the export's worker
    server (see :mod:`annotator.formats.spacy_worker`): spaCy without its command line, the
    blank pipeline and zlib-ng. What they made is then out of the cyclic collector's sight
    (``gc.freeze``): a worker's collections do not walk it, nor copy its memory pages."""
    if "spacy" not in sys.modules:
        import_spacy_without_cli()
    pipeline()
    fast_compress()
    gc.freeze()


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """``spacy.blank("en")``, once per process: the rule-based tokenizer only, no model."""
    in_worker = multiprocessing.parent_process() is not None and "spacy" not in sys.modules
    spacy = import_spacy_without_cli() if in_worker else require_spacy()
    nlp: Language = spacy.blank("en")
    return nlp


def import_spacy_without_cli() -> Any:
    """``import spacy`` without its command line, for a shard worker process.

    ``spacy/__init__.py`` imports ``spacy.cli.info.info`` (a function of ``spacy info``), which
    loads every command and their libraries (typer, weasel, requests, httpx): about a third of
    spaCy's import time, paid by each worker, which never runs a command. Nothing else outside
    ``spacy.cli`` imports it; stand-ins are in ``sys.modules`` only during the import, so a
    later ``import spacy.cli`` gets the real one.
    """
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []
    info = types.ModuleType("spacy.cli.info")
    info.info = _no_cli  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": cli, "spacy.cli.info": info}
    sys.modules.update(stand_ins)
    try:
        return require_spacy()
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _no_cli(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("spaCy's command line is not loaded in an export worker")
