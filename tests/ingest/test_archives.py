"""Zip archives: entries streamed, unsafe paths and bombs refused, nesting bounded."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from annotator.ingest import FailureCode, IngestOptions

from .conftest import run


def _zip(path: Path, entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_entries_of_every_kind_are_read_in_name_order(tmp_path: Path, fixtures: Path) -> None:
    archive = _zip(
        tmp_path / "batch.zip",
        {
            "b/page.html": (fixtures / "news_article.html").read_bytes(),
            "a/dump.jsonl": b'{"text": "one"}\n{"text": "two"}\n',
            "c/story.txt": b"A story in a zip.",
            "__MACOSX/._story.txt": b"\x00\x05\x16\x07",
            ".hidden.txt": b"hidden",
        },
    )
    documents, failures = run([archive])
    assert failures == []
    assert [d.origin for d in documents] == [
        f"{archive}!a/dump.jsonl:1",
        f"{archive}!a/dump.jsonl:2",
        f"{archive}!b/page.html",
        f"{archive}!c/story.txt",
    ]
    assert documents[2].draft.title.startswith("Harbour council approves")
    assert documents[3].draft.raw is not None
    assert documents[3].draft.raw.name == f"{archive}!c/story.txt"


def test_traversal_and_absolute_paths_are_refused(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "evil.zip",
        {
            "../escape.txt": b"Escaped.",
            "/etc/absolute.txt": b"Absolute.",
            "ok/../../up.txt": b"Up.",
            "C:/windows.txt": b"Drive.",
            "ok/fine.txt": b"Fine.",
        },
    )
    documents, failures = run([archive])
    assert [d.draft.text for d in documents] == ["Fine."]
    assert len(failures) == 4
    assert {f.code for f in failures} == {FailureCode.UNSAFE_ENTRY}
    assert all("absolute or '..' path" in f.reason for f in failures)
    assert f"{archive}!../escape.txt" in {f.file for f in failures}


def test_a_zip_bomb_entry_is_refused_by_ratio(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "bomb.zip",
        {"bomb.txt": b"\x20" * (30 * 1024 * 1024), "ok.txt": b"Fine."},
    )
    assert archive.stat().st_size < 100_000
    documents, failures = run([archive])
    assert [d.draft.text for d in documents] == ["Fine."]
    assert [f.code for f in failures] == [FailureCode.ARCHIVE_LIMIT]
    assert "zip bomb" in failures[0].reason


def test_total_uncompressed_size_limit(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "big.zip", {f"{n}.txt": b"Some words. " * 200 for n in range(10)})
    documents, failures = run([archive], IngestOptions(zip_max_total_bytes=10_000))
    assert documents == []
    assert [f.code for f in failures] == [FailureCode.ARCHIVE_LIMIT]
    assert "expands to 24,000 bytes" in failures[0].reason


def test_entry_count_limit(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "many.zip", {f"{n}.txt": b"x" for n in range(20)})
    _, failures = run([archive], IngestOptions(zip_max_entries=10))
    assert [f.code for f in failures] == [FailureCode.ARCHIVE_LIMIT]


def test_nested_archives_share_limits_and_depth(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("deep.jsonl", json.dumps({"text": "From the inner archive."}) + "\n")
    middle = io.BytesIO()
    with zipfile.ZipFile(middle, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    outer = _zip(tmp_path / "outer.zip", {"middle.zip": middle.getvalue()})
    documents, failures = run([outer])
    assert failures == []
    assert [d.origin for d in documents] == [f"{outer}!middle.zip!inner.zip!deep.jsonl:1"]
    _, failures = run([outer], IngestOptions(zip_max_depth=2))
    assert [f.code for f in failures] == [FailureCode.ARCHIVE_LIMIT]
    assert failures[0].file == f"{outer}!middle.zip!inner.zip"


def test_a_corrupt_archive_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (tmp_path / "fine.txt").write_text("Fine.")
    documents, failures = run([tmp_path])
    assert [d.draft.text for d in documents] == ["Fine."]
    assert [f.code for f in failures] == [FailureCode.MALFORMED]


def test_encrypted_entry_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "locked.zip", {"secret.txt": b"Secret."})
    data = bytearray(archive.read_bytes())
    data[6] |= 0x1  # local header flag: encrypted
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1  # central directory flag: encrypted
    archive.write_bytes(bytes(data))
    _, failures = run([archive])
    assert [f.code for f in failures] == [FailureCode.UNSAFE_ENTRY]
    assert "encrypted" in failures[0].reason
