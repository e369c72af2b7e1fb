"""What the spaCy DocBin export, its shard workers and its import share: spaCy's presence and
srsly's msgpack extension lookups answered once."""

from __future__ import annotations

import gc
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from types import SimpleNamespace
from typing import Any

from annotator.core.errors import UserError

FORMAT_NAME = "spacy"
USER_DATA_KEY = "annotator"
"""``doc.user_data[USER_DATA_KEY]`` holds what spaCy's fields cannot."""
USER_DATA_VERSION = 1
MISSING_SPACY_CODE = "ANN198"


def require_spacy() -> Any:
    """Import spaCy, or tell the user how to install it."""
    try:
        import spacy
    except ImportError:
        raise UserError(
            "the spaCy format needs spaCy, which is not installed: pip install 'annotator[spacy]'",
            code=MISSING_SPACY_CODE,
        ) from None
    return spacy


def check_spacy_installed() -> None:
    """:func:`require_spacy`'s error without importing spaCy (which takes a second): an export
    imports it in its worker processes only."""
    loaded: object = sys.modules.get("spacy", False)
    if loaded is None or (loaded is False and importlib.util.find_spec("spacy") is None):
        require_spacy()


MsgpackExtensions = tuple[dict[str, Any], dict[str, Any]]
"""What srsly's msgpack encoder and decoder registries hold (see :func:`msgpack_extensions`)."""


def msgpack_extensions() -> MsgpackExtensions:
    """srsly's msgpack encoders and decoders, looked up now (the slow lookup, once)."""
    from srsly.msgpack import msgpack_decoders, msgpack_encoders  # type: ignore[import-untyped]

    return dict(msgpack_encoders.get_all()), dict(msgpack_decoders.get_all())


@contextmanager
def cached_msgpack_extensions(found: MsgpackExtensions | None = None) -> Iterator[None]:
    """Answer srsly's msgpack extension registry lookups from ``found`` (looked up now when not
    given) for the duration.

    spaCy packs and unpacks every document's user data and span groups with srsly, which asks
    its ``msgpack_encoders``/``msgpack_decoders`` registries for every extension on every call,
    and each such call scans the entry points of every installed package and catalogue's whole
    registry (about 0.4 ms, twice per document each way: most of the DocBin export and import
    time). Nothing registers a msgpack extension while we read or write, so the answer is the
    same; the registries are restored on exit.
    """
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    found = found or msgpack_extensions()
    saved: list[tuple[Any, Any]] = []
    try:
        for registry, entries in zip((msgpack_encoders, msgpack_decoders), found, strict=True):
            saved.append((registry, registry.__dict__.get("get_all", _ABSENT)))
            registry.get_all = lambda entries=entries: dict(entries)
        yield
    finally:
        for registry, before in reversed(saved):
            if before is _ABSENT:
                del registry.get_all
            else:
                registry.get_all = before


_ABSENT = object()


_DECODED_KEYS = (b"\x02nd", b"\x07complex")
"""The ends of a msgpack bin header and the bytes key srsly's numpy decoder looks for (``b"nd"``,
``b"complex"``): a bin key's length byte comes right before it in every bin header form."""


def user_data_loader(found: MsgpackExtensions) -> Callable[[bytes], Any]:
    """``srsly.msgpack_loads(data, use_list=False)`` as ``DocBin.get_docs`` loads a document's
    user data, with the decoders of ``found`` (see :func:`msgpack_extensions`).

    The same unpacker and hook, without what costs per call: the registry lookup, and
    msgpack_loads turning the garbage collector back on when the caller had it off. When the
    only decoder is srsly's numpy one and no map key in ``data`` can be one it decodes (a bytes
    key ``b"nd"`` or ``b"complex"``), the hook would return every map as it is and is left out.
    """
    from srsly.msgpack import _unpackb
    from srsly.msgpack._msgpack_numpy import decode_numpy  # type: ignore[import-untyped]

    decoders = list(found[1].values())
    hook: Callable[[Any], Any] | None = None
    for decoder in decoders:
        hook = partial(decoder, chain=hook)
    unhooked = decoders == [decode_numpy]

    def load(data: bytes) -> Any:
        if unhooked and not any(key in data for key in _DECODED_KEYS):
            return _unpackb(data, raw=False, use_list=False)
        return _unpackb(data, raw=False, use_list=False, object_hook=hook)

    return load


@contextmanager
def gc_kept() -> Iterator[None]:
    """Keep the garbage collector as it was: srsly's msgpack_loads (``DocBin.from_bytes`` calls
    it) turns it on whatever the caller had set."""
    was_enabled = gc.isenabled()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()


_ZLIB_SWAP = threading.Lock()


@contextmanager
def serializer_zlib(shim: SimpleNamespace) -> Iterator[None]:
    """spaCy's DocBin serializer (``spacy.tokens._serialize``, not a module spaCy exports) uses
    ``shim`` as its ``zlib`` meanwhile. One swap at a time (an export's compression, an
    import's inflation), so that neither restores the other's module."""
    from spacy.tokens import _serialize

    with _ZLIB_SWAP:
        saved = vars(_serialize)["zlib"]
        setattr(_serialize, "zlib", shim)  # noqa: B010
        try:
            yield
        finally:
            setattr(_serialize, "zlib", saved)  # noqa: B010
