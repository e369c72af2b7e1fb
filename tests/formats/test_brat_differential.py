"""The brat reader and writer against their frozen copy (tests/formats/brat_reference.py): the
same items, failures (file, line, reason) and notes for every input, the same bytes written."""

from __future__ import annotations

import random
import struct
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from annotator.core.annotation import AnnotatedDocument, Relation, Span
from annotator.core.document import Document, content_hash
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.core.interchange import AnnotatedDraft
from annotator.core.offsets import OffsetConverter, Unit
from annotator.core.plain_draft import PlainDraft, as_plain
from annotator.core.reports import Failure
from annotator.core.schema import AttributeDefinition, AttributeType, Label, LabelSchema
from annotator.formats.base import ExportOptions, ImportOptions, Layout, Loss
from annotator.formats.brat import EXPORTER, IMPORTER
from annotator.formats.brat_deflated import deflate, write_member, writes_a_zip
from annotator.formats.brat_files import _DirectMembers
from annotator.formats.workers import BATCH_DOCUMENTS
from annotator.services.sinks import AtomicSink
from tests.formats import brat_reference as reference
from tests.formats.conftest import Export, round_trip_schema

Item = AnnotatedDraft | PlainDraft | Failure

SCHEMA = LabelSchema(
    labels=(
        Label(
            "ACTOR",
            "#0072B2",
            attributes=(
                AttributeDefinition("kind", AttributeType.CHOICE, ("state", "armed group")),
                AttributeDefinition("comment", AttributeType.TEXT),
            ),
        ),
        Label("LOCATION", "#009E73"),
    )
)

EMOJI = "The ministry 🏛 said “12 civilians” died in Aleppo’s east.\nRebels denied it."
CRLF = "Talks ended\r\nwithout a deal, officials said.\r\n"
UNITS = OffsetConverter(EMOJI)

DOCUMENTS: dict[str, tuple[str | bytes | None, str | bytes | None]] = {
    # the usual kind: one-piece T lines in code points
    "plain": (EMOJI, "T1\tACTOR 0 12\tThe ministry\nT2\tLOCATION 46 52\tAleppo\n"),
    "plain-no-final-newline": (EMOJI, "T1\tACTOR 0 12\tThe ministry"),
    "same-extent-twice": (EMOJI, "T1\tACTOR 0 12\tThe ministry\nT2\tACTOR 0 12\tThe ministry\n"),
    "crlf-ann": (EMOJI, "T1\tACTOR 0 12\tThe ministry\r\nT2\tLOCATION 46 52\tAleppo\r\n"),
    "cr-ann": (EMOJI, "T1\tACTOR 0 12\tThe ministry\rT2\tLOCATION 46 52\tAleppo\r"),
    "bom": (EMOJI, "\ufeffT1\tACTOR 0 12\tThe ministry\n"),
    "tab-in-text": ("a\tb c", "T1\tX 0 3\ta\tb\n"),
    "empty-ann": (EMOJI, ""),
    "no-ann": (EMOJI, None),
    "no-txt": (None, "T1\tACTOR 0 1\tT\n"),
    "blank-lines": (EMOJI, "\nT1\tACTOR 0 12\tThe ministry\n\n  \nT2\tLOCATION 46 52\tAleppo\n\n"),
    "leading-zeros": (EMOJI, "T1\tACTOR 000 012\tThe ministry\n"),
    # more digits than int() reads (sys.get_int_max_str_digits): a malformed line, not a crash
    "too-many-digits": (EMOJI, f"T1\tACTOR {'0' * 5000} 12\tThe ministry\n"),
    "no-text-field": (EMOJI, "T1\tACTOR 0 12\n"),
    "key-with-space": (EMOJI, "T1 \tACTOR 0 12\tThe ministry\n"),
    "bare-key": (EMOJI, "T\tACTOR 0 12\tThe ministry\n"),
    "two-spaces": (EMOJI, "T1\tACTOR 0  12\tThe ministry\n"),
    "trailing-space": (EMOJI, "T1\tACTOR 0 12 \tThe ministry\n"),
    "arabic-digits": (EMOJI, "T1\tACTOR ٠ ١٢\tThe ministry\n"),
    "negative": (EMOJI, "T1\tACTOR -1 12\tThe ministry\n"),
    "empty-span": (EMOJI, "T1\tACTOR 3 3\t\n"),
    "reversed": (EMOJI, "T1\tACTOR 12 0\tThe ministry\n"),
    "past-the-end": (EMOJI, f"T1\tACTOR 0 {len(EMOJI) + 1}\tx\n"),
    "past-the-end-same-text": (EMOJI, f"T1\tACTOR {len(EMOJI) - 3} {len(EMOJI) + 2}\tit.\n"),
    "at-the-end": (EMOJI, f"T1\tACTOR {len(EMOJI) - 3} {len(EMOJI)}\tit.\n"),
    "wrong-text": (EMOJI, "T1\tACTOR 0 12\tThe minister\n"),
    "repeated-key": (EMOJI, "T1\tACTOR 0 12\tThe ministry\nT1\tLOCATION 46 52\tAleppo\n"),
    # other units: UTF-16 (after the emoji), UTF-8 bytes, CRLF counting, ambiguous files
    "utf16": (EMOJI, "T1\tLOCATION {} {}\tAleppo\n".format(*UNITS.span_to_utf16(46, 52))),
    "utf8": (EMOJI, "T1\tLOCATION {} {}\tAleppo\n".format(*UNITS.span_to_utf8(46, 52))),
    "crlf": (CRLF, "T1\tX 13 20\twithout\nT2\tX 0 5\tTalks\n"),
    "crlf-fits": (CRLF, "T1\tX 12 19\twithout\n"),
    "ambiguous": (
        EMOJI,
        "T1\tACTOR 0 12\tThe ministry\nT2\tLOCATION 47 53\tAleppo\nT3\tLOCATION 49 55\tAleppo\n",
    ),
    "half-and-half": (EMOJI, "T1\tLOCATION 47 53\tAleppo\nT2\tLOCATION 46 52\tAleppo\n"),
    "inside-surrogate": (EMOJI, "T1\tX 14 16\tsa\n"),
    # what the general reader alone reads
    "discontinuous": (EMOJI, "T1\tACTOR 0 3;4 12\tThe ministry\n"),
    "across-a-line-break": (EMOJI, "T1\tACTOR 51 57;58 64\tn’s east. Rebels\n"),
    "relations": (
        EMOJI,
        "T1\tACTOR 0 12\tThe ministry\nT2\tLOCATION 46 52\tAleppo\nR1\tIN Arg1:T1 Arg2:T2\t\n"
        "R2\tIN Arg1:T1 Arg2:T9\t\n#1\tAnnotatorNotes R1\tcheck\n",
    ),
    "attributes-and-notes": (
        EMOJI,
        "T1\tACTOR 0 12\tThe ministry\nA1\tkind T1 armed_group\nA2\tflag T1\nM3\tkind T9 state\n"
        "#1\tAnnotatorNotes T1\tcomment: of health\n#2\tAnnotatorNotes T1\tlater\n"
        "N1\tReference T1 Wikipedia:123\tMinistry of Health\n",
    ),
    "events-and-equivalences": (
        EMOJI,
        "T1\tACTOR 0 12\tThe ministry\nT2\tLOCATION 46 52\tAleppo\nT3\tSAY 13 19\t🏛 said\n"
        "E1\tSAY:T3 Agent:T1 Place:T2 Other:T8\n*\tAlias T1 T2\n",
    ),
    "bad-lines": (
        "Rebels shelled Aleppo.",
        "T1\tACTOR 0 6\tRebels\nT2\tLOCATION 15 21\tHoms\nT3\tLOCATION x y\tAleppo\nQ1\twhat\n"
        "R1\tLOCATED_IN Arg1:T1 Arg2:T2\t\nA1\tkind T9 state\nT4\tLOCATION 15 21\tAleppo\n"
        "T5\tLOCATION 15 99\tAleppo\nT1\tACTOR 0 6\tRebels\n",
    ),
    "not-utf8-text": (b"caf\xe9", "T1\tX 0 3\tcaf\n"),
    "not-utf8-ann": (EMOJI, b"T1\tX 0 3\tcaf\xe9\n"),
}


def _write(
    folder: Path, documents: dict[str, tuple[str | bytes | None, str | bytes | None]]
) -> None:
    folder.mkdir()
    for stem, (text, ann) in documents.items():
        for suffix, content in ((".txt", text), (".ann", ann)):
            if content is not None:
                data = content if isinstance(content, bytes) else content.encode("utf-8")
                (folder / f"{stem}{suffix}").write_bytes(data)


def _zip(folder: Path, target: Path, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(target, "w", compression) as out:
        for file in sorted(folder.iterdir(), reverse=True):  # stored out of the reading order
            out.write(file, f"corpus/{file.name}")
    return target


def _both(path: Path, options: ImportOptions) -> tuple[list[Item], list[Item]]:
    """What the reader and the reference read, each made plain where the import service makes
    it so (it does for every AnnotatedDraft when it asks for ``plain``)."""
    new: list[Item] = list(IMPORTER.read(path, SCHEMA, options))
    old: list[Item] = list(reference.BratImporter().read(path, SCHEMA, options))
    if options.plain:
        new, old = _as_plain(new), _as_plain(old)
    return new, old


def _as_plain(items: list[Item]) -> list[Item]:
    return [(as_plain(x) or x) if type(x) is AnnotatedDraft else x for x in items]


OPTIONS = [
    ImportOptions(),
    ImportOptions(plain=True, annotator="ana"),
    ImportOptions(offset_unit=Unit.CODE_POINT, plain=True),
    ImportOptions(offset_unit=Unit.UTF16),
    ImportOptions(offset_unit=Unit.UTF8, plain=True),
]


@pytest.mark.parametrize("options", OPTIONS, ids=["detect", "plain", "cp", "utf16", "utf8"])
def test_every_kind_of_document_reads_as_before(tmp_path: Path, options: ImportOptions) -> None:
    _write(tmp_path / "docs", DOCUMENTS)
    for path in (tmp_path / "docs", _zip(tmp_path / "docs", tmp_path / "docs.zip")):
        new, old = _both(path, options)
        assert new == old
    new, _ = _both(tmp_path / "docs", options)
    if options == ImportOptions(plain=True, annotator="ana"):
        kinds = {x.draft.external_id: type(x).__name__ for x in new if not isinstance(x, Failure)}
        assert kinds["plain"] == "PlainDraft"
        assert kinds["same-extent-twice"] == kinds["empty-ann"] == "AnnotatedDraft"
        assert sum(isinstance(x, Failure) for x in new) > 20


def test_one_file_reads_as_before(tmp_path: Path) -> None:
    _write(tmp_path / "docs", DOCUMENTS)
    for stem in ("plain", "crlf", "bad-lines", "no-txt"):
        for suffix in (".ann", ".txt"):
            path = tmp_path / "docs" / f"{stem}{suffix}"
            if path.exists():
                new, old = _both(path, ImportOptions(plain=True))
                assert new == old


def _random_documents(seed: int, count: int) -> Iterator[tuple[str, tuple[str, str]]]:
    """Documents of the usual kind with one line spoiled now and then, in every way the
    general reader tells apart."""
    rng = random.Random(seed)
    words = ["Rebels", "shelled", "Aleppo", "’s", "“12”", "🏛", "civilians", "\n", "\r\n", "\t"]
    for n in range(count):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        lines = []
        for k in range(rng.randint(0, 8)):
            a = rng.randint(0, len(text))
            b = min(len(text), a + rng.randint(1, 12))
            lines.append(f"T{k + 1}\tL{rng.randint(1, 3)} {a} {b}\t{text[a:b]}")
        if lines and rng.random() < 0.5:
            k = rng.randrange(len(lines))
            lines[k] = _spoiled(lines[k], rng.randrange(9), lines[0])
        yield f"r{n:03d}", (text, "\n".join(lines) + rng.choice(["", "\n", "\r\n"]))


def _spoiled(line: str, how: int, first: str) -> str:
    """``line`` spoiled in way number ``how``: a shape the usual kind does not have, another
    kind of line, a blank one, a repeated key."""
    spoiled = [
        line.replace(" ", "  ", 1),
        line.replace("\t", " ", 1),
        line.rsplit("\t", 1)[0],
        line + "x",
        "R1\tX Arg1:T1 Arg2:T2\t",
        "A1\tflag T1",
        "",
        first,
        line.replace("T", "t", 1),
    ]
    return spoiled[how]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_documents_read_as_before(tmp_path: Path, seed: int) -> None:
    _write(tmp_path / "docs", dict(_random_documents(seed, 150)))
    for options in (ImportOptions(), ImportOptions(plain=True, annotator="ana")):
        for path in (tmp_path / "docs", _zip(tmp_path / "docs", tmp_path / "docs.zip")):
            new, old = _both(path, options)
            assert new == old


def test_zip_members_read_as_zipfile_reads_them(tmp_path: Path) -> None:
    """Stored members, UTF-8 names, a name given twice, members written with a data
    descriptor (sizes after the data), and a member whose bytes were damaged."""
    _write(tmp_path / "docs", {"plain": DOCUMENTS["plain"], "crlf": DOCUMENTS["crlf"]})
    stored = _zip(tmp_path / "docs", tmp_path / "stored.zip", zipfile.ZIP_STORED)
    new, old = _both(stored, ImportOptions())
    assert new == old
    odd = tmp_path / "odd.zip"
    with zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("ünïcode/a.txt", EMOJI)
        out.writestr("ünïcode/a.ann", "T1\tACTOR 0 12\tThe ministry\n")
        out.writestr("twice.txt", "first")
        with out.open("twice.ann", "w") as member:  # streamed: a data descriptor follows
            member.write(b"T1\tX 0 5\tfirst\n")
        with pytest.warns(UserWarning, match="Duplicate name"):
            out.writestr("twice.txt", "second")
    new, old = _both(odd, ImportOptions(plain=True))
    assert new == old
    assert [x.draft.text for x in new if not isinstance(x, Failure)] == ["second", EMOJI]
    damaged = tmp_path / "damaged.zip"
    data = bytearray(stored.read_bytes())
    at = data.index(b"The ministry")
    data[at] ^= 0x20
    damaged.write_bytes(bytes(data))
    errors = []
    for read in (IMPORTER.read, reference.BratImporter().read):
        with pytest.raises(zipfile.BadZipFile) as raised:
            list(read(damaged, SCHEMA, ImportOptions()))
        errors.append(str(raised.value))
    assert errors[0] == errors[1]
    assert "Bad CRC-32" in errors[0]


def _export_documents(count: int) -> list[AnnotatedDocument]:
    """Documents with everything the writer treats apart: line breaks, TABs and CR in the
    text, spans across them or of nothing else, discontinuous spans, attributes of every type
    (and of no schema), comments with line breaks, relations (one to a span left out),
    colliding and missing external ids."""
    text = "Rebels 🏛 shelled\r\nAleppo’s “east”.\tThe ministry said\n12 civilians died."
    made = []
    for n in range(1, count + 1):
        spans = [
            Span(SpanId(1), DocumentId(n), "ACTOR", 0, 6, {"kind": "non-state armed group"}),
            Span(SpanId(2), DocumentId(n), "LOCATION", 17, 23, comment="two\nlines"),
            Span(SpanId(3), DocumentId(n), "CLAIM", 9, 33, {"certainty": "reported"}),
            Span(SpanId(4), DocumentId(n), "CLAIM", 16, 18),  # only a line break
            Span(SpanId(5), DocumentId(n), "ACTOR", 34, 46, {"comment": "of\thealth", "x": 3}),
            Span(SpanId(6), DocumentId(n), "CASUALTY_FIGURE", 52, 64, {"count": n}),
            Span(SpanId(7), DocumentId(n), "LOCATION", 0, 64, fragments=((0, 6), (52, 64))),
            Span(SpanId(8), DocumentId(n), "CLAIM", 38, 38 + n % 7, {"disputed": n % 2 == 0}),
            Span(SpanId(9), DocumentId(n), f"NEW{n % 3}", 24, 31, {"flag": True, "v": "a b"}),
        ]
        relations = (
            Relation(RelationId(1), DocumentId(n), "ATTRIBUTED_TO", SpanId(3), SpanId(5)),
            Relation(RelationId(2), DocumentId(n), "LOCATED_IN", SpanId(4), SpanId(2)),
            Relation(RelationId(3), DocumentId(n), f"R{n % 4}", SpanId(6), SpanId(9), comment="c"),
        )
        external = ["", "same", "Same", "a/b c", f"doc {n}"][n % 5]
        document = Document(DocumentId(n), text, content_hash(text), external_id=external)
        made.append(AnnotatedDocument(document, tuple(spans), relations))
    made.append(AnnotatedDocument(Document(DocumentId(count + 1), "", content_hash("")), (), ()))
    return made


def _members(path: Path) -> list[tuple[str, bytes, bytes]]:
    """Each member of a zip: name, bytes, and its stored (deflated) bytes as they are."""
    members = []
    with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
        for info in archive.infolist():
            raw.seek(info.header_offset + 26)
            skip = int.from_bytes(raw.read(2), "little") + int.from_bytes(raw.read(2), "little")
            raw.seek(skip, 1)
            stored = raw.read(info.compress_size)
            members.append((info.filename, archive.read(info), stored))
    return members


def _folder(path: Path) -> list[tuple[str, bytes]]:
    return sorted((p.relative_to(path).as_posix(), p.read_bytes()) for p in path.rglob("*"))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_exports_write_the_same_bytes(export: Export, workers: str) -> None:
    """In this process and (more than one batch of documents) in worker processes: the same
    members in the same order, deflated to the same bytes, and the same losses."""
    items = _export_documents(BATCH_DOCUMENTS + 10 if workers == "2" else 40)
    options = ExportOptions(extra={"workers": workers})
    schema = round_trip_schema()
    new_zip, new_losses = export(EXPORTER, items, "new.zip", schema, options)
    old_zip, old_losses = export(reference.BratExporter(), items, "old.zip", schema, options)
    assert _members(new_zip) == _members(old_zip)
    assert new_losses == old_losses == EXPORTER.losses(iter(items), schema, options)
    assert new_losses.counts[Loss.DROPPED] >= len(items) - 1
    assert new_losses.counts[Loss.RELATIONS] >= len(items) - 1
    new_folder, _ = export(EXPORTER, items, "new", schema, options)
    old_folder, _ = export(reference.BratExporter(), items, "old", schema, options)
    assert _folder(new_folder) == _folder(old_folder)
    conf = (new_folder / "annotation.conf").read_text(encoding="utf-8")
    assert "NEW2" in conf
    assert "R3\tArg1:CASUALTY_FIGURE, Arg2:NEW0" in conf


def test_a_zip_member_deflated_ahead_is_what_zipfile_writes(tmp_path: Path) -> None:
    data = "Rebels 🏛 shelled Aleppo.\n".encode() * 50
    target = tmp_path / "x.zip"
    sink = AtomicSink(target, Layout.FOLDER)
    assert writes_a_zip(sink)
    write_member(sink, "ahead.txt", data, deflate(data))
    write_member(sink, "here.txt", data, None)
    with sink.member_binary("zipfile.txt") as out:
        out.write(data)
    sink.commit()
    (ahead, _, stored), (here, _, same), (plain, _, also) = _members(target)
    assert (ahead, here, plain) == ("ahead.txt", "here.txt", "zipfile.txt")
    assert stored == same == also == deflate(data)
    folder = AtomicSink(tmp_path / "folder", Layout.FOLDER)
    assert not writes_a_zip(folder)
    write_member(folder, "a.txt", data, deflate(data))  # not a zip: the bytes as they are
    folder.commit()
    assert (tmp_path / "folder" / "a.txt").read_bytes() == data


def _outcome(read: Callable[[], bytes]) -> bytes | tuple[type[BaseException], str]:
    try:
        return read()
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        return type(error), str(error)


def test_a_member_running_into_the_next_reads_as_zipfile_reads_it(tmp_path: Path) -> None:
    """A deflated member whose directory entry claims more bytes than it has, up to the next
    member's header: zlib stops at the stream's end, so the bytes inflate to the right size and
    CRC-32; newer zipfiles (3.11.9, 3.12.3, 3.13) refuse such "overlapped entries" (a zip
    bomb's trick), and the direct reading must refuse them as :meth:`ZipFile.read` does."""
    target = tmp_path / "overlap.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("a.txt", EMOJI)
        out.writestr("a.ann", "T1\tACTOR 0 12\tThe ministry\n")
    data = bytearray(target.read_bytes())
    entry = data.index(b"PK\x01\x02")  # a.txt's directory entry: its compressed size grows
    (size,) = struct.unpack_from("<I", data, entry + 20)
    struct.pack_into("<I", data, entry + 20, size + 20)
    target.write_bytes(bytes(data))
    with zipfile.ZipFile(target) as archive:
        direct = _DirectMembers(archive)
        for name in ("a.txt", "a.ann"):
            assert _outcome(direct.reader(name)) == _outcome(partial(archive.read, name))
