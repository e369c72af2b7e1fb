"""Annotator packages: one annotator's layer of some documents in one zip, for work offline.

``export_package`` writes ``manifest.json`` and ``documents.jsonl`` (the native JSONL records,
with fragments and comments) into a zip, atomically. ``merge_packages`` brings packages back:
documents are matched by content hash (missing ones are added), and each document is merged in
its own transaction: the package's layer replaces the project's when the project has not
changed it since the package left, a conflict is reported (and nothing written) when both
changed it. A package using labels or relation types the schema lacks is refused whole, before
anything is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import DocumentDraft, DocumentFilter
from annotator.core.errors import (
    InputFileError,
    PackageCancelledError,
    PackageError,
    PermissionDeniedError,
    SchemaError,
)
from annotator.core.ids import DocumentId
from annotator.core.packages import (
    DOCUMENTS,
    MANIFEST,
    Conflict,
    Decision,
    Manifest,
    MergeReport,
    PackageEntry,
    decide,
    describe_difference,
    layer_fingerprint,
    manifest_from_json,
    schema_fingerprint,
    schema_gaps,
)
from annotator.core.schema import LabelSchema
from annotator.core.team import Permission
from annotator.formats import jsontext
from annotator.formats.native_jsonl import annotated_to_record, record_to_annotated

if TYPE_CHECKING:
    from annotator.services.project import Project

BATCH = 200
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PackageExport:
    path: Path
    annotator: str
    documents: int
    spans: int
    relations: int


def base_key(annotator: str, content_hash: str) -> str:
    """The annotator_meta key holding the layer fingerprint both sides last agreed on."""
    digest = hashlib.sha256(f"{annotator}\0{content_hash}".encode()).hexdigest()
    return "pkgbase:" + digest[:56]


def layer_of(item: AnnotatedDocument, annotator: str) -> AnnotatedDocument:
    """The document with only ``annotator``'s spans and the relations among them."""
    spans = tuple(s for s in item.spans if s.annotator == annotator)
    kept = {s.id for s in spans}
    relations = tuple(
        r
        for r in item.relations
        if r.annotator == annotator and r.source in kept and r.target in kept
    )
    return replace(item, spans=spans, relations=relations)


# -- export ---------------------------------------------------------------------------------------


def export_package(
    project: Project,
    annotator: str,
    document_ids: Sequence[DocumentId] | None,
    path: Path,
    where: DocumentFilter = DocumentFilter(),
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PackageExport:
    """Write ``annotator``'s layer of the documents (all matching ``where`` when
    ``document_ids`` is ``None``) to the package ``path``; nothing is left behind on failure
    or Cancel (``progress(documents written)`` after each batch)."""
    if not annotator:
        raise PackageError("name the annotator whose work goes into the package", code="ANN236")
    if project.blinded() and annotator != project.annotator:
        who = project.annotator or "an unnamed annotator"
        raise PermissionDeniedError(
            f"{who} may not export {annotator}'s layer: the project is blind (annotators see "
            f"only their own annotations); run as {annotator}, a curator or a manager "
            "(--annotator NAME before the command)",
            code="ANN380",
        )
    if not path.parent.is_dir():
        raise PackageError(f"{path}: folder {path.parent} does not exist", code="ANN238")
    wanted = set(document_ids) if document_ids is not None else None
    entries: list[PackageEntry] = []
    counts = [0, 0]
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise PackageError(f"{path}: cannot write ({error.strerror})", code="ANN238") from None
    temp = Path(name)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            with zf.open(DOCUMENTS, "w") as member:
                out = io.TextIOWrapper(member, encoding="utf-8", newline="\n")
                for batch in _batches(project, where, wanted, annotator):
                    _stop_if_cancelled(cancelled, path)
                    bases = project.database.meta_values(
                        [base_key(annotator, i.document.content_hash) for i in batch]
                    )
                    for item in batch:
                        fingerprint = layer_fingerprint(item.spans, item.relations)
                        key = base_key(annotator, item.document.content_hash)
                        entries.append(
                            PackageEntry(
                                item.document.content_hash,
                                item.document.display_title,
                                bases.get(key, fingerprint),
                                fingerprint,
                                len(item.spans),
                                len(item.relations),
                            )
                        )
                        counts[0] += len(item.spans)
                        counts[1] += len(item.relations)
                        out.write(jsontext.dumps(_record(item)) + "\n")
                    if progress is not None:
                        progress(len(entries))
                out.flush()
                out.detach()
            if not entries:
                raise PackageError(
                    f"{path}: no documents selected; nothing was written", code="ANN236"
                )
            manifest = Manifest(
                project.name,
                schema_fingerprint(project.schema),
                annotator,
                project.now(),
                tuple(entries),
            )
            zf.writestr(MANIFEST, json.dumps(manifest.to_json(), ensure_ascii=False, indent=1))
        _stop_if_cancelled(cancelled, path)
        os.replace(temp, path)
    except OSError as error:  # a full disk, or a target that cannot be replaced (a folder)
        temp.unlink(missing_ok=True)
        reason = error.strerror or str(error)
        raise PackageError(f"{path}: cannot write ({reason})", code="ANN238") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    project.database.set_meta_values(
        {base_key(annotator, e.content_hash): e.layer for e in entries}
    )
    return PackageExport(path, annotator, len(entries), counts[0], counts[1])


def _stop_if_cancelled(cancelled: Callable[[], bool] | None, path: Path) -> None:
    if cancelled is not None and cancelled():
        raise PackageCancelledError(f"export of {path.name} cancelled; nothing was written")


def _batches(
    project: Project, where: DocumentFilter, wanted: set[DocumentId] | None, annotator: str
) -> Iterator[list[AnnotatedDocument]]:
    batch: list[AnnotatedDocument] = []
    for item in project.iter_annotated(where):
        if wanted is None or item.document.id in wanted:
            batch.append(layer_of(item, annotator))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _record(item: AnnotatedDocument) -> dict[str, Any]:
    """The native JSONL record, plus what it does not carry yet (fragments and comments)."""
    record = annotated_to_record(item)
    for raw, span in zip(record["spans"], item.spans, strict=True):
        if span.fragments:
            raw["fragments"] = [list(f) for f in span.fragments]
        if span.comment:
            raw["comment"] = span.comment
    for raw, relation in zip(record["relations"], item.relations, strict=True):
        if relation.comment:
            raw["comment"] = relation.comment
    return record


def _from_record(record: dict[str, Any], where: str) -> AnnotatedDocument:
    item = record_to_annotated(record, where=where)
    spans: list[Span] = []
    for raw, span in zip(record.get("spans") or [], item.spans, strict=True):
        if "fragments" in raw or "comment" in raw:
            fragments = tuple((int(a), int(b)) for a, b in raw.get("fragments") or ())
            span = replace(span, fragments=fragments, comment=str(raw.get("comment") or ""))
        spans.append(span)
    relations: list[Relation] = [
        replace(relation, comment=str(raw["comment"])) if raw.get("comment") else relation
        for raw, relation in zip(record.get("relations") or [], item.relations, strict=True)
    ]
    return replace(item, spans=tuple(spans), relations=tuple(relations))


# -- reading --------------------------------------------------------------------------------------


@contextmanager
def open_package(
    path: Path,
) -> Iterator[tuple[Manifest, Callable[[], Iterator[AnnotatedDocument]]]]:
    """The manifest and a function streaming the documents (call it again to read them again);
    a damaged or foreign file raises :class:`PackageError` naming it."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file", code="ANN231") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise PackageError(
            f"{path}: not an annotator package (not a readable zip file: {error})", code="ANN231"
        ) from None
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names or DOCUMENTS not in names:
            raise PackageError(
                f"{path}: not an annotator package ({MANIFEST} or {DOCUMENTS} missing)",
                code="ANN232",
            )
        if zf.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
            raise PackageError(f"{path}: {MANIFEST} is implausibly large", code="ANN232")
        try:
            data = json.loads(zf.read(MANIFEST).decode("utf-8"))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise PackageError(f"{path}: damaged ({error})", code="ANN231") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PackageError(
                f"{path}: {MANIFEST} is not valid JSON ({error})", code="ANN232"
            ) from None
        manifest = manifest_from_json(data, where=str(path))

        def documents() -> Iterator[AnnotatedDocument]:
            number = 0
            try:
                with zf.open(DOCUMENTS) as member:
                    for number, line in enumerate(io.TextIOWrapper(member, "utf-8"), start=1):
                        if not line.strip():
                            continue
                        where = f"{path}!{DOCUMENTS}:{number}"
                        try:
                            record = json.loads(line)
                        except json.JSONDecodeError as error:
                            raise PackageError(
                                f"{where}: not valid JSON ({error.msg} at column {error.colno})",
                                code="ANN235",
                            ) from None
                        if not isinstance(record, dict):
                            raise PackageError(f"{where}: expected a JSON object", code="ANN235")
                        try:
                            yield _from_record(record, where)
                        except (InputFileError, TypeError, ValueError) as error:
                            raise PackageError(str(error), code="ANN235") from None
            except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError) as error:
                raise PackageError(
                    f"{path}: damaged at {DOCUMENTS} line {number + 1} ({error})", code="ANN231"
                ) from None

        yield manifest, documents


def _checked(schema: LabelSchema, span: Span) -> Span:
    """The span with its attributes as the schema has them (refused ones raise)."""
    if not span.attributes:
        return span
    attributes = schema.check_attributes(span.label, span.attributes)
    return span if attributes == span.attributes else replace(span, attributes=attributes)


# -- merging --------------------------------------------------------------------------------------


def require_merge(project: Project) -> None:
    """The one place where merging packages is allowed or refused: it rewrites annotators'
    layers, so in a team it is for managers."""
    project.require(Permission.MANAGE)


def merge_packages(
    project: Project,
    paths: Sequence[Path],
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MergeReport:
    """Merge packages one after the other; one transaction per document. A package that cannot
    be read, or uses what the schema lacks, is reported and skipped; the others go on. On
    Cancel it stops between documents: those merged so far stay merged and are reported."""
    require_merge(project)
    report = MergeReport()
    done = 0
    for path in paths:
        try:
            with open_package(path) as (manifest, documents):
                _check_schema(project, path, documents)
                for item in documents():
                    if cancelled is not None and cancelled():
                        report.cancelled = True
                        return report
                    _merge_document(project, path, manifest, item, report)
                    done += 1
                    if progress is not None:
                        progress(done)
        except PackageError as error:
            report.errors.append(str(error))
    return report


def _check_schema(
    project: Project, path: Path, documents: Callable[[], Iterator[AnnotatedDocument]]
) -> None:
    labels: set[str] = set()
    types: set[str] = set()
    for item in documents():
        more_labels, more_types = schema_gaps(project.schema, item.spans, item.relations)
        labels |= more_labels
        types |= more_types
    if labels or types:
        missing = [f"labels {', '.join(sorted(labels))}"] if labels else []
        missing += [f"relation types {', '.join(sorted(types))}"] if types else []
        raise PackageError(
            f"{path}: uses what the project's schema does not have: {'; '.join(missing)}. "
            "Nothing of this package was merged: add them to project.toml first.",
            code="ANN234",
        )


def _merge_document(
    project: Project, path: Path, manifest: Manifest, item: AnnotatedDocument, report: MergeReport
) -> None:
    document = item.document
    entry = manifest.entry(document.content_hash)
    where = f"{path}: document {document.display_title!r}"
    if entry is None:
        report.errors.append(f"{where}: not listed in the manifest; skipped [ANN235]")
        return
    fingerprint = layer_fingerprint(item.spans, item.relations)
    if fingerprint != entry.layer:
        report.errors.append(
            f"{where}: its annotations do not match the manifest (the package was edited or "
            "damaged); skipped [ANN235]"
        )
        return
    try:
        spans = [_checked(project.schema, s) for s in item.spans]
    except SchemaError as error:
        report.errors.append(f"{where}: {error.message}; skipped [{error.code}]")
        return
    annotator = manifest.annotator
    with project.database.layer_writer(project.now()) as writer:
        document_id = writer.document_by_hash(document.content_hash)
        if document_id is None:
            draft = DocumentDraft(
                text=document.text,
                title=document.title,
                source=document.source,
                url=document.url,
                published=document.published,
                metadata=document.metadata,
                external_id=document.external_id,
            )
            document_id = writer.add_document(draft, f"package:{path.name}", document.status)
            writer.replace_layer(document_id, annotator, spans, item.relations)
            report.added.append(document_id)
        else:
            current_spans, current_relations = writer.layer(document_id, annotator)
            current = layer_fingerprint(current_spans, current_relations)
            # an empty layer never exchanged before has nothing to lose; one emptied since
            # the last exchange is a change like any other
            fresh = not current_spans and not current_relations
            key = base_key(annotator, document.content_hash)
            decision = decide(current, fresh and writer.meta(key) is None, entry)
            if decision is Decision.CONFLICT:
                difference = describe_difference(current_spans, spans, document.text)
                report.conflicts.append(
                    Conflict(str(path), document_id, document.display_title, annotator, difference)
                )
                return
            if decision is Decision.UPDATE:
                writer.replace_layer(document_id, annotator, spans, item.relations)
                report.updated.append(document_id)
            else:
                report.unchanged.append(document_id)
        writer.set_meta(base_key(annotator, document.content_hash), entry.layer)
