"""One ``.spacy`` shard of an export, built in a worker process: spaCy's tokenizer, then the
arrays ``DocBin.add`` would store, filled for the whole shard at once, written by
``DocBin.to_bytes``."""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from annotator.formats.base import LossReport, OverlapPolicy
from annotator.formats.spacy_project import SPAN_GROUP, SpanExtent, Tokens, project_spans
from annotator.formats.spacy_support import require_spacy

if TYPE_CHECKING:
    from spacy.language import Language

DOCBIN_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE")
"""Token attributes stored (spaCy adds SPACY): the text and the entities, nothing a blank
pipeline leaves empty, which keeps the file and the memory small."""

ShardPayload = tuple[str, tuple[tuple[int, int, str], ...], bytes]
"""What a shard worker gets of a document: its text, its spans' extents and labels, and its
packed user data (``srsly.msgpack_dumps(doc.user_data)``)."""

_SPAN_STRUCT = struct.Struct(">QQQllll")
"""One span of a serialized span group (``SpanGroup.to_bytes``): id, KB id, label, token start
and end, character start and end."""

_COMPRESSOR_SWAP = threading.Lock()


@dataclass(frozen=True, slots=True)
class ShardSettings:
    """The export options a shard worker needs."""

    priority: tuple[str, ...]
    policy: OverlapPolicy


def fast_compress() -> Any:
    """zlib-ng's ``compress`` when it is installed (the same zlib format, about twice as fast
    at its default level and a little smaller), else ``None``."""
    try:
        from zlib_ng import zlib_ng  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return zlib_ng.compress


@contextmanager
def docbin_compression() -> Iterator[None]:
    """``DocBin.to_bytes`` compresses with zlib-ng meanwhile (see :func:`fast_compress`).

    spaCy calls ``zlib.compress`` at its default level on the whole shard (about a quarter of
    an export's work); zlib-ng writes the same format, which ``DocBin.from_bytes`` (or anything
    else) decompresses with zlib, to the same bytes. Only ``compress`` changes.
    """
    from spacy.tokens import _serialize

    compress = fast_compress()
    if compress is None:
        yield
        return
    shim = SimpleNamespace(compress=compress, decompress=zlib.decompress, error=zlib.error)
    with _COMPRESSOR_SWAP:
        saved = vars(_serialize)["zlib"]
        setattr(_serialize, "zlib", shim)  # noqa: B010 (not an attribute spaCy exports)
        try:
            yield
        finally:
            setattr(_serialize, "zlib", saved)  # noqa: B010


class ShardBuilder:
    """``doc.spans["sc"] = group; doc.ents = ents; doc.user_data.update(...); docbin.add(doc)``
    for each document of a shard, with the same ``DocBin`` in the end, several times faster.

    A document is only tokenized (``nlp.make_doc``) and read once (``Doc.to_array``); no Span
    is made. The span group is serialized as ``SpanGroup.to_bytes`` does, the entity columns are
    filled for the whole shard the way ``doc.ents`` sets them (the first token ``B``, the
    others ``I``, every other token ``O``), and the strings are the distinct ORTH, NORM and
    entity type values of the shard plus ``""`` (the empty tags, lemmas, dependencies,
    morphology, KB ids and ids) and the span labels, each looked up once.
    """

    def __init__(self, nlp: Language, settings: ShardSettings) -> None:
        import srsly  # type: ignore[import-untyped]
        from spacy.attrs import IDX, LENGTH, NORM, ORTH, SPACY  # type: ignore[import-not-found]
        from spacy.tokens import DocBin

        self.docbin = DocBin(attrs=list(DOCBIN_ATTRS), store_user_data=True)
        self.report = LossReport()
        self._settings = settings
        self._make_doc = nlp.make_doc
        self._strings = nlp.vocab.strings
        self._read = [ORTH, SPACY, NORM, IDX, LENGTH]
        self._pack = srsly.msgpack.Packer(use_bin_type=True).pack
        self._label_ids: dict[str, int] = {}
        self._arrays: list[Any] = []
        self._ents: list[tuple[int, int, int]] = []
        """Entities by shard token offsets: start, end, label id."""
        self._tokens = 0

    def add(self, text: str, spans: Sequence[tuple[int, int, str]], packed: bytes) -> None:
        """Add one document: its text, its spans' extents and labels and its packed user data
        (``srsly.msgpack_dumps(doc.user_data)``)."""
        doc = self._make_doc(text)
        array = doc.to_array(self._read)
        self._arrays.append(array)
        tokens = Tokens(array[:, 3].tolist(), array[:, 4].tolist(), array[:, 1].tolist())
        settings = self._settings
        extents = list(map(SpanExtent._make, spans))
        projection = project_spans(tokens, text, extents, settings.priority, settings.policy)
        self.report.merge(projection.report)
        label_id = self._label_id
        offset = self._tokens
        for ent in projection.ents:
            label = label_id(ent.label)
            if label:  # doc.ents leaves out a span without a label
                self._ents.append((offset + ent.start, offset + ent.end, label))
        self._tokens += len(array)
        pack, span_bytes = self._pack, _SPAN_STRUCT.pack
        group = {
            "name": SPAN_GROUP,
            "attrs": {},
            "spans": [
                span_bytes(0, 0, label_id(s.label), s.start, s.end, s.start_char, s.end_char)
                for s in projection.group
            ],
        }
        docbin = self.docbin
        docbin.span_groups.append(pack({pack(group): [SPAN_GROUP]}))
        docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        docbin.cats.append(doc.cats)
        docbin.user_data.append(packed)

    def _label_id(self, label: str) -> int:
        found = self._label_ids.get(label)
        if found is None:
            found = self._label_ids[label] = self._strings.add(label)
        return found

    def to_bytes(self) -> bytes:
        """The shard: ``DocBin.to_bytes`` once the token arrays and strings are in."""
        import numpy

        docbin = self.docbin
        count = self._tokens
        if self._arrays:
            read = numpy.concatenate(self._arrays)
        else:
            read = numpy.zeros((0, len(self._read)), dtype=numpy.uint64)
        iob = numpy.full(count, 2, dtype=numpy.uint64)
        types = numpy.zeros(count, dtype=numpy.uint64)
        for start, end, label in self._ents:
            iob[start] = 3
            iob[start + 1 : end] = 1
            types[start:end] = label
        by_name = {"ORTH": read[:, 0], "ENT_IOB": iob, "ENT_TYPE": types}
        tokens = numpy.stack([by_name[name] for name in DOCBIN_ATTRS], axis=1)
        spaces = numpy.asarray(read[:, 1:2], dtype=bool)
        bounds = numpy.cumsum([0] + [len(a) for a in self._arrays]).tolist()
        docbin.tokens = [tokens[a:b] for a, b in pairwise(bounds)]
        docbin.spaces = [spaces[a:b] for a, b in pairwise(bounds)]
        if count:
            docbin.strings.update(self._distinct_strings(read[:, 0], read[:, 2], types))
        strings = self._strings
        docbin.strings.update(strings[key] for key in self._label_ids.values())
        with docbin_compression():
            data: bytes = docbin.to_bytes()
        return data

    def _distinct_strings(self, *columns: Any) -> Iterator[str]:
        import numpy

        values = numpy.sort(numpy.concatenate(columns))
        distinct = values[numpy.concatenate(([True], values[1:] != values[:-1]))]
        strings = self._strings
        yield ""
        for key in distinct.tolist():
            if key:
                yield strings[key]


def build_shard(settings: ShardSettings, batch: Sequence[ShardPayload]) -> tuple[bytes, LossReport]:
    """One ``.spacy`` shard of ``batch`` and what it could not carry; runs in a worker
    process."""
    builder = ShardBuilder(pipeline(), settings)
    for text, spans, packed in batch:
        builder.add(text, spans, packed)
    return builder.to_bytes(), builder.report


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """``spacy.blank("en")``, once per process: the rule-based tokenizer only, no model."""
    nlp: Language = require_spacy().blank("en")
    return nlp
