"""The spaCy DocBin import's fast paths give what the general ones give: plain drafts straight
from our user data, texts from a slot table, user data unpacked without srsly's registry, shards
inflated by zlib-ng, and a folder of shards read in a worker, or two."""

from __future__ import annotations

import gc
import os
import random
import time
import zlib
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest

from annotator.core.document import DocumentDraft
from annotator.core.errors import OffsetError, ReaderStoppedError
from annotator.core.interchange import AnnotatedDraft
from annotator.core.plain_draft import PlainDraft, as_plain
from annotator.core.reports import Failure
from annotator.core.schema import LabelSchema
from annotator.formats.base import ImportOptions
from annotator.formats.read_ahead import read_ahead
from annotator.formats.spacy_docbin import EXPORTER, IMPORTER, USER_DATA_KEY
from annotator.formats.spacy_pair import read_in_two
from annotator.formats.spacy_plain import plain_from_user_data
from annotator.formats.spacy_read import _from_user_data
from annotator.formats.spacy_support import gc_kept, msgpack_extensions, user_data_loader
from annotator.formats.spacy_texts import string_indices
from tests.formats.conftest import Export, make_document, renumbered, round_trip_document

spacy = pytest.importorskip("spacy")
numpy = pytest.importorskip("numpy")
import srsly  # type: ignore[import-untyped]  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

TEXT = "Rebels shelled Aleppo. Officials said 12 died."
PLAIN = ImportOptions(plain=True, annotator="ann")


def span(label: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {
        "key": str(start),
        "label": label,
        "start": start,
        "end": end,
        "text": TEXT[start:end],
        "attributes": {},
        "annotator": "bench",
        **extra,
    }


def ours(*spans: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "format": "annotator",
        "version": 1,
        "document": {"document_id": 3, "title": "T", "status": "done"},
        "spans": spans,
        "relations": (),
        **extra,
    }


def general(user_data: dict[str, Any]) -> AnnotatedDraft | PlainDraft | str:
    """What the general reader and the import service's as_plain make of it (or its error)."""
    try:
        draft = _from_user_data(TEXT, user_data, "f#1", PLAIN)
    except (OffsetError, KeyError, TypeError, ValueError) as error:
        return repr(error)
    return as_plain(draft) or draft


def variants() -> Iterator[dict[str, Any]]:
    good = [span("ACTOR", 0, 6), span("LOCATION", 15, 21), span("CLAIM", 23, 46)]
    yield ours(*good)
    yield ours(*good, relations=({"type": "R", "source": "0", "target": "15"},))
    yield ours(*good, relations=())
    yield ours()
    yield ours(*good, document="not a map")
    yield ours(span("ACTOR", 0, 6), span("ACTOR", 0, 6))  # the same span twice
    yield ours(span("ACTOR", 0, 6), span("CLAIM", 0, 6))  # two labels, one extent
    edits: list[tuple[str, object]] = [
        ("key", None),
        ("label", None),
        ("label", ""),
        ("label", 5),
        ("start", None),
        ("start", True),
        ("start", 1.0),
        ("start", "1"),
        ("start", -1),
        ("start", 7),  # an empty or reversed span
        ("end", 99),
        ("end", 5),  # the surface no longer matches
        ("text", None),
        ("text", "Rebel"),
        ("text", 5),
        ("attributes", {"kind": "state"}),
        ("attributes", None),
        ("attributes", 0),
        ("attributes", "x"),
        ("annotator", None),
        ("annotator", ""),
        ("annotator", 7),
        ("annotator", "other"),
        ("annotator", {"a": 1}),
    ]
    for field, value in edits:
        edited = deepcopy(good)
        if value is None and field in ("key", "label", "start", "text", "attributes"):
            del edited[0][field]
        else:
            edited[0][field] = value
        yield ours(*edited)
        every = [{**raw, field: value} for raw in deepcopy(good)]
        yield ours(*every)
    renamed = {("kex" if k == "key" else k): v for k, v in good[0].items()}  # 7 keys, not ours
    yield ours(renamed, *good[1:])
    yield ours({**good[0], "comment": "c"}, *good[1:])  # a key more
    yield ours(*good[:1], ("not", "a", "map"))
    yield {**ours(*good), "spans": "spans"}
    yield {**ours(*good), "spans": list(good)}


@pytest.mark.parametrize("user_data", list(variants()))
def test_a_plain_draft_is_what_the_general_reader_and_as_plain_make(
    user_data: dict[str, Any],
) -> None:
    fast = plain_from_user_data(TEXT, user_data, "f#1", PLAIN)
    if fast is not None:
        assert fast == general(user_data)


def test_usual_user_data_is_read_plain() -> None:
    user_data = ours(span("ACTOR", 0, 6), span("LOCATION", 15, 21), span("CLAIM", 15, 21))
    fast = plain_from_user_data(TEXT, user_data, "f#1", PLAIN)
    assert fast is not None
    assert fast == general(user_data)
    assert fast.annotator == "bench"
    assert fast.labels == ("ACTOR", "LOCATION", "CLAIM")


def test_random_user_data_reads_the_same_both_ways() -> None:
    rng = random.Random(5)
    fast_ones = 0
    for _ in range(2_000):
        spans = []
        for _ in range(rng.randint(0, 6)):
            start = rng.randint(-1, len(TEXT))
            end = start + rng.randint(-1, 8)
            raw = span(rng.choice(["A", "B", ""]), start, end)
            if rng.random() < 0.1:
                raw["text"] = rng.choice([None, "x", TEXT[max(start, 0) : end + 1]])
            if rng.random() < 0.1:
                raw["annotator"] = rng.choice([None, "", "other"])
            if rng.random() < 0.05:
                raw["attributes"] = {"k": 1}
            spans.append(raw)
        user_data = ours(*spans)
        fast = plain_from_user_data(TEXT, user_data, "f#1", PLAIN)
        expected = general(user_data)
        if fast is not None:
            fast_ones += 1
            assert fast == expected
    assert fast_ones > 150  # about one in ten: the rest differ from the usual somewhere


def test_string_indices_are_what_binary_search_finds() -> None:
    rng = numpy.random.default_rng(3)
    for count in (1, 7, 130, 5_000):  # 5,000 keys: slots shared by two keys
        keys = numpy.unique(rng.integers(0, 2**64 - 1, size=count, dtype=numpy.uint64))
        orths = keys[rng.integers(0, len(keys), size=20_000)]
        found = string_indices(keys, orths)
        assert found is not None
        assert (found == numpy.searchsorted(keys, orths)).all()
        absent = numpy.append(orths, numpy.uint64(12345))  # not a key
        assert string_indices(keys, absent) is None
    assert string_indices(numpy.array([], dtype=numpy.uint64), orths) is None


def test_user_data_unpacks_as_msgpack_loads_unpacks_it() -> None:
    load = user_data_loader(msgpack_extensions())
    values: list[Any] = [
        {USER_DATA_KEY: ours(span("ACTOR", 0, 6))},
        {"array": numpy.arange(6).reshape(2, 3), "n": numpy.float32(1.5)},
        {b"nd": 1, "and": "nd", "x": [1, [2, {"y": b"complex"}]]},
        {b"complex": b"1+2j"},
        {"c": 3 + 4j},
        [1, 2, {"a": "b"}],
        "text",
    ]
    for value in values:
        data = srsly.msgpack_dumps(value)
        got = load(data)
        want = srsly.msgpack_loads(data, use_list=False)
        assert repr(got) == repr(want)
    for bad in (b"\xc1", b"\x92\x01", None):
        with pytest.raises(Exception) as loaded:
            load(bad)  # type: ignore[arg-type]
        with pytest.raises(type(loaded.value)):
            srsly.msgpack_loads(bad, use_list=False)


def test_the_collector_stays_as_the_caller_set_it() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        load = user_data_loader(msgpack_extensions())
        load(srsly.msgpack_dumps({"a": 1}))
        assert not gc.isenabled()
        with gc_kept():
            srsly.msgpack_loads(srsly.msgpack_dumps({"a": 1}))  # turns it on
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_a_broken_shard_fails_as_spacy_says(tmp_path: Path, export: Export) -> None:
    path, _ = export(EXPORTER, [round_trip_document(1)], "out")
    (shard,) = path.glob("*.spacy")
    data = shard.read_bytes()
    for name, broken in [
        ("cut", data[: len(data) // 2]),
        ("bad", data[:2] + b"\0" * 9 + data[11:]),
    ]:
        target = tmp_path / f"{name}.spacy"
        target.write_bytes(broken)
        (failure,) = IMPORTER.read(target, LabelSchema(()), PLAIN)
        assert isinstance(failure, Failure)
        with pytest.raises(ValueError) as spacy_error:
            DocBin().from_bytes(broken)
        assert failure.reason == f"not a spaCy DocBin file ({spacy_error.value})"
        with pytest.raises(zlib.error):
            zlib.decompress(broken)


def test_a_folder_reads_the_same_in_a_worker_plain_or_not(export: Export, tmp_path: Path) -> None:
    """Documents of ours (plain, with attributes and relations, empty), one from elsewhere, a
    document whose user data is broken, in three shards: the plain drafts are what as_plain
    makes of the general reader's, in a worker as in this process."""
    items = [round_trip_document(1)]
    items += [
        renumbered(make_document(TEXT, [("ACTOR", 0, 6, {}), ("LOCATION", 15, 21, {})]), n)
        for n in range(2, 6)
    ]
    items.append(renumbered(make_document("", []), 6))
    path, _ = export(EXPORTER, items, "ours")
    docs = [
        doc
        for file in sorted(path.glob("*.spacy"))
        for doc in DocBin().from_disk(file).get_docs(spacy.blank("en").vocab)
    ]
    docs[3].user_data[USER_DATA_KEY]["spans"][0]["start"] = 1
    folder = tmp_path / "mixed"
    folder.mkdir()
    foreign = spacy.blank("en")("Rebels shelled Aleppo.")
    foreign.ents = [foreign.char_span(0, 6, label="ACTOR")]
    DocBin(docs=docs[:3], store_user_data=True).to_disk(folder / "a.spacy")
    DocBin(docs=[*docs[3:5], foreign], store_user_data=True).to_disk(folder / "b.spacy")
    DocBin(docs=docs[5:], store_user_data=True).to_disk(folder / "c.spacy")
    schema = LabelSchema(())
    general_path = list(IMPORTER.read(folder, schema, ImportOptions(annotator="ann")))
    fast = list(IMPORTER.read(folder, schema, PLAIN))
    assert [type(item) for item in fast] == [
        AnnotatedDraft,  # attributes and relations
        PlainDraft,
        PlainDraft,
        Failure,
        PlainDraft,
        AnnotatedDraft,  # from elsewhere: as_plain makes it plain in the import service
        AnnotatedDraft,  # no spans
    ]
    assert isinstance(fast[3], Failure)
    assert fast[3].reason.startswith("document 1: ")
    assert as_plain_all(fast) == as_plain_all(general_path)
    ahead = read_ahead(
        folder, lambda: IMPORTER.read(folder, schema, PLAIN), minimum=1, when_busy=True
    )
    assert hasattr(ahead, "would_wait")  # a worker read it
    assert list(ahead) == fast


def as_plain_all(
    items: list[AnnotatedDraft | PlainDraft | Failure],
) -> list[AnnotatedDraft | PlainDraft | Failure]:
    return [as_plain(item) or item if type(item) is AnnotatedDraft else item for item in items]


def test_two_workers_yield_what_one_reader_yields_in_its_order(tmp_path: Path) -> None:
    """Every other file read by a second worker: the same items in the same order, its
    failures in place, and a reader's error raised after what came before it."""
    files = [tmp_path / f"part-{n}.spacy" for n in range(5)]
    for file in files:
        file.write_bytes(b"")

    def read_file(file: Path) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        number = int(file.stem.rsplit("-", 1)[1])
        for i in range(70):  # more than a batch of read_ahead's pipe
            yield PlainDraft(
                DocumentDraft(f"{number} {i}"), f"{file}#{i}", ("X",), (0,), (1,), "ann"
            )
        yield Failure(str(file), None, f"document {number}: bad", "ANN132")
        if number == 3 and file.parent.name == "fails":
            raise ReaderStoppedError("broken")

    expected = [item for file in files for item in read_file(file)]
    got = list(read_in_two(tmp_path, files, read_file, when_busy=True))
    assert got == expected
    assert list(read_in_two(tmp_path, files[:1], read_file, when_busy=True)) == list(
        read_file(files[0])
    )
    broken = tmp_path / "fails"
    broken.mkdir()
    failing = [broken / file.name for file in files]
    seen: list[object] = []
    with pytest.raises(ReaderStoppedError, match="broken"):
        seen.extend(read_in_two(broken, failing, read_file, when_busy=True))
    assert len(seen) == 4 * 71  # files 0-3, then file 3's error


def test_when_the_first_worker_dies_the_import_fails_and_the_second_ends(
    tmp_path: Path,
) -> None:
    """The second worker holds no end of a pipe that would keep the import waiting: the
    import is told the reading stopped, and the second worker ends on its next send."""
    files = [tmp_path / f"part-{n}.spacy" for n in range(4)]
    pids = tmp_path / "pids"
    parent = os.getpid()

    def read_file(file: Path) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        number = int(file.stem.rsplit("-", 1)[1])
        if number % 2:
            with pids.open("a", encoding="ascii") as out:
                out.write(f"{os.getpid()}\n")
        for i in range(2_000):  # more than a pipe holds
            if number == 2 and i == 10 and os.getpid() != parent:
                os._exit(3)  # the first worker dies in the middle of its second shard
            yield Failure(str(file), None, f"document {i}: {'x' * 1_000}", "ANN132")

    reader = read_ahead(
        tmp_path,
        lambda: read_in_two(tmp_path, files, read_file, when_busy=True),
        minimum=0,
        when_busy=True,
    )
    with pytest.raises(ReaderStoppedError):
        for _ in reader:
            pass
    (second,) = {int(pid) for pid in pids.read_text(encoding="ascii").split()}
    deadline = time.monotonic() + 10
    while _alive(second) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(second)


def test_a_cancelled_import_leaves_no_second_worker_reading_on(tmp_path: Path) -> None:
    """Closing the import's reader (a cancel) terminates the first worker, which has no time
    to stop the second: the second, in the middle of a long shard with nothing to send yet,
    ends with the first instead of reading on, orphaned, until its next send."""
    files = [tmp_path / f"part-{n}.spacy" for n in range(2)]
    pids = tmp_path / "pids"

    def read_file(file: Path) -> Iterator[AnnotatedDraft | PlainDraft | Failure]:
        if file == files[1]:
            pids.write_text(str(os.getpid()), encoding="ascii")
            time.sleep(30)  # a long shard
        for i in range(100):
            yield Failure(str(file), None, f"document {i}", "ANN132")

    reader = read_ahead(
        tmp_path,
        lambda: read_in_two(tmp_path, files, read_file, when_busy=True),
        minimum=0,
        when_busy=True,
    )
    next(reader)
    deadline = time.monotonic() + 10
    while not pids.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)  # the pid is written: the second worker is asleep in its shard
    reader.close()  # type: ignore[attr-defined]
    second = int(pids.read_text(encoding="ascii"))
    deadline = time.monotonic() + 5
    while _alive(second) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(second)
    if alive:
        os.kill(second, 9)  # not left behind by this test either
    assert not alive


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie no longer does: it waits for whoever reaps it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return False
    return "\nState:\tZ" not in status
