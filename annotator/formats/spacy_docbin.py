"""spaCy v3 DocBin (.spacy) written and read by spaCy itself, with everything else in user data.

An export is a folder (or a .zip) of ``.spacy`` shards of at most ``SHARD_DOCUMENTS`` documents
each (``ExportOptions.extra["shard_documents"]``), built in worker processes
(:mod:`annotator.formats.spacy_shard`) and written one at a time so that memory stays flat however
many documents go out: ``spacy train --paths.train <folder>`` reads every ``.spacy`` file of a
folder. Import (:mod:`annotator.formats.spacy_read`) reads one ``.spacy`` file, a folder of them
or a .zip, a shard at a time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, nullcontext
from functools import partial
from pathlib import Path
from typing import Any

from annotator.core.annotation import AnnotatedDocument, Span
from annotator.core.errors import OutputShapeError, UserError
from annotator.core.schema import LabelSchema
from annotator.formats.base import (
    Capabilities,
    ExportOptions,
    Layout,
    LossReport,
    OutputSink,
    document_place,
)
from annotator.formats.spacy_jsonl import document_meta
from annotator.formats.spacy_project import SPAN_GROUP, SpanExtent, Tokens, project_spans
from annotator.formats.spacy_read import DocBinImporter
from annotator.formats.spacy_shard import (
    DOCBIN_ATTRS,
    ShardPayload,
    ShardSettings,
    build_shard,
)
from annotator.formats.spacy_support import (
    FORMAT_NAME,
    USER_DATA_KEY,
    USER_DATA_VERSION,
    check_spacy_installed,
    require_spacy,
)
from annotator.formats.worker_server import WorkerServer, server_available, starting_at
from annotator.formats.workers import batched, ordered_map, worker_count

__all__ = ["DOCBIN_ATTRS", "SPAN_GROUP", "USER_DATA_KEY", "DocBinExporter", "DocBinImporter"]

SHARD_DOCUMENTS = 1000
"""Documents per ``.spacy`` file of an export: a DocBin holds its documents' token arrays until
it is written (about 50 kB per 3,000-character document), so a shard is a few tens of MB."""
SHARD_NAME = "part-{:04d}.spacy"
WORKER_MODULE = "annotator.formats.spacy_worker"
"""What the export's worker server imports once for all its shard workers."""


def shard_documents(options: ExportOptions) -> int:
    """Documents per shard: ``extra["shard_documents"]``, else :data:`SHARD_DOCUMENTS`."""
    raw = options.extra.get("shard_documents", str(SHARD_DOCUMENTS))
    if not raw.isdecimal() or int(raw) < 1:
        raise UserError(f"extra option shard_documents={raw!r} must be a positive number")
    return int(raw)


def user_data(item: AnnotatedDocument) -> dict[str, Any]:
    """What goes into ``doc.user_data[USER_DATA_KEY]``: exact spans with their attributes and
    annotators, relations between them by key, and the document's fields. Keys are the span
    ids, so that relations survive even when two spans share an extent."""
    text = item.document.text
    spans = item.spans
    keys = span_keys(spans)
    relations = item.relations
    by_id = {int(span.id): key for span, key in zip(spans, keys, strict=True)} if relations else {}
    return {
        "format": "annotator",
        "version": USER_DATA_VERSION,
        "document": document_meta(item.document),
        "spans": [
            {
                "key": key,
                "label": span.label,
                "start": (start := span.start),
                "end": (end := span.end),
                "text": text[start:end],
                "attributes": dict(span.attributes),
                "annotator": span.annotator,
            }
            for span, key in zip(spans, keys, strict=True)
        ],
        "relations": [
            {
                "type": relation.type,
                "source": by_id.get(relation.source, str(relation.source)),
                "target": by_id.get(relation.target, str(relation.target)),
                "annotator": relation.annotator,
            }
            for relation in relations
        ],
    }


def span_keys(spans: Sequence[Span]) -> list[str]:
    """Each span's key in the file: its id when ids are set and unique, else its position."""
    ids = [int(s.id) for s in spans]
    if all(ids) and len(set(ids)) == len(ids):
        return list(map(str, ids))
    return list(map(str, range(1, len(spans) + 1)))


def shard_payload(item: AnnotatedDocument, pack: Callable[[Any], bytes]) -> ShardPayload:
    """``item`` as a shard worker gets it (``pack`` is ``srsly.msgpack_dumps`` or a srsly
    ``Packer``'s ``pack``)."""
    spans = tuple([(s.start, s.end, s.label) for s in item.spans])  # a list: no generator
    return (
        item.document.text,
        spans,
        pack({USER_DATA_KEY: user_data(item)}),
        document_place(item.document),
    )


class DocBinExporter:
    """Writes ``.spacy`` shards with ``spacy.tokens.DocBin(store_user_data=True)``.

    Each document is tokenized by ``spacy.blank("en")`` (so ``"\\n"`` is a token of its own) and
    gets ``doc.spans["sc"]`` (every span, widened to tokens), ``doc.ents`` (a non-overlapping
    projection, see :mod:`annotator.formats.spacy_project`) and ``doc.user_data["annotator"]``
    (see :func:`user_data`): the exact spans, attributes, relations and document fields, which
    spaCy carries but its components ignore. A DocBin keeps a few integer arrays per document
    and is written when it holds a shard's worth (``part-0001.spacy``, ``part-0002.spacy``, ...;
    one empty shard for an empty export).
    """

    name = FORMAT_NAME
    layout = Layout.FOLDER
    capabilities = Capabilities(overlaps=True, relations=True, attributes=True, token_based=True)

    def check_output(self, out: Path) -> None:
        """Refuse ``train.spacy``: the export is shards, and one DocBin for a whole project
        would hold every document's token arrays in memory until it is written (about 50 kB a
        document: 500 MB for 10,000)."""
        if out.suffix.lower() == ".spacy":
            raise OutputShapeError(
                f"{out}: the spaCy export writes a folder of .spacy files of "
                f"{SHARD_DOCUMENTS:,} documents each (part-0001.spacy, ...), not one .spacy file; "
                f"give a folder such as {out.with_suffix('')} (or a .zip) and pass that folder "
                "to spacy train --paths.train"
            )

    def write(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        sink: OutputSink,
        options: ExportOptions,
    ) -> LossReport:
        """Shards are built in worker processes (:mod:`annotator.formats.workers`), one per
        core, while this process reads the documents and packs their user data.

        The workers are forked from a server that loads spaCy once
        (:mod:`annotator.formats.worker_server`). When spaCy is not loaded here, even one
        document would make this process import it, so the server starts at once and loads it
        while this process reads. When it is (the window's loss preview loaded it), a small
        export is built here at no start-up cost, and the server starts only once the export
        reaches a quarter of a shard.
        """
        check_spacy_installed()
        shard_size = shard_documents(options)
        workers = worker_count(options.extra)
        server = WorkerServer(WORKER_MODULE) if workers > 1 and server_available() else None
        report = LossReport()
        shards = 0

        def flush(data: bytes) -> None:
            nonlocal shards
            shards += 1
            with sink.member_binary(SHARD_NAME.format(shards)) as out:
                out.write(data)

        with server or nullcontext():
            if server is not None and "spacy" not in sys.modules:
                server.start()
            import srsly  # type: ignore[import-untyped]

            settings = ShardSettings(
                tuple(options.label_priority or schema.label_names), options.overlap_policy
            )
            pack = srsly.msgpack.Packer(use_bin_type=True).pack  # srsly.msgpack_dumps, reused
            payloads: Iterator[ShardPayload] = (shard_payload(item, pack) for item in items)
            if server is not None:
                payloads = starting_at(payloads, max(1, shard_size // 4), server)
            build = partial(build_shard, settings)
            batches = batched(payloads, shard_size)
            built = ordered_map(build, batches, workers, shard_size, ahead=2, server=server)
            with closing(built):
                for data, shard_report in built:
                    flush(data)
                    report.merge(shard_report)
            if not shards:  # one empty shard, built by a worker if the server is up
                with closing(ordered_map(build, [[]], workers, server=server)) as empty:
                    for data, _ in empty:
                        flush(data)
        return report

    def losses(
        self,
        items: Iterator[AnnotatedDocument],
        schema: LabelSchema,
        options: ExportOptions | None = None,
    ) -> LossReport:
        spacy = require_spacy()
        from spacy.attrs import IDX, LENGTH, SPACY  # type: ignore[import-not-found]

        make_doc = spacy.blank("en").make_doc  # its own pipeline: a vocabulary only grows
        options = options or ExportOptions()
        priority = options.label_priority or schema.label_names
        report = LossReport()
        for item in items:
            text = item.document.text
            array = make_doc(text).to_array([IDX, LENGTH, SPACY])
            tokens = Tokens(array[:, 0].tolist(), array[:, 1].tolist(), array[:, 2].tolist())
            extents = [SpanExtent(s.start, s.end, s.label) for s in item.spans]
            projection = project_spans(
                tokens,
                text,
                extents,
                priority,
                options.overlap_policy,
                document_place(item.document),
            )
            report.merge(projection.report)
        return report


EXPORTER = DocBinExporter()
IMPORTER = DocBinImporter()
