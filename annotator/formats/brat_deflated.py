"""Zip members deflated in an export worker and written as they are by this process.

Deflating is most of a brat export to a zip (1.3 s of CPU for 10,000 documents), and
:mod:`zipfile` deflates each member in the writing process. Deflate's output depends only on
the bytes, the level and the window (zlib gives the same stream in any process), so a worker
can deflate a member as :mod:`zipfile` would (:func:`deflate`) and this process only writes
that stream: :func:`write_member` hands the zip member's writer a compressor that returns it.
The writer still reads the member's bytes for their CRC-32 and size, so the zip holds the same
bytes as one written in a single process.

That compressor is :mod:`zipfile`'s own attribute; where the member's writer is not the one
this was written for (another sink, a level other than the default, another Python), the
member is written, and deflated, as before.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from annotator.formats.base import OutputSink

_COMPRESS = type(zlib.compressobj())


def deflate(data: bytes) -> bytes:
    """``data`` as :mod:`zipfile` deflates a member (zlib's default level, raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def writes_a_zip(sink: OutputSink) -> bool:
    """Whether ``sink`` writes a zip (its target ends in ``.zip``): members are worth
    deflating ahead."""
    target = getattr(sink, "target", None)
    return isinstance(target, Path) and target.suffix.lower() == ".zip"


def write_member(sink: OutputSink, name: str, data: bytes, deflated: bytes | None) -> None:
    """Write member ``name`` holding ``data``; ``deflated`` is :func:`deflate` of it, if made."""
    with sink.member_binary(name) as handle:
        if deflated is not None and _deflates_by_default(handle):
            handle._compressor = _Deflated(deflated)  # type: ignore[attr-defined]
        handle.write(data)


def _deflates_by_default(handle: Any) -> bool:
    """A zip member's writer about to deflate at zlib's default level, with nothing written."""
    info = getattr(handle, "_zinfo", None)
    return (
        type(getattr(handle, "_compressor", None)) is _COMPRESS
        and getattr(handle, "_compress_size", None) == 0
        and getattr(info, "_compresslevel", 0) is None
        and getattr(info, "compress_type", None) == zlib.DEFLATED
    )


class _Deflated:
    """A compressor whose stream is made already: nothing while the bytes are written (their
    CRC-32 and size are counted as ever), the whole stream when the member is closed."""

    __slots__ = ("_stream",)

    def __init__(self, stream: bytes) -> None:
        self._stream = stream

    def compress(self, data: bytes) -> bytes:
        return b""

    def flush(self) -> bytes:
        stream, self._stream = self._stream, b""
        return stream
