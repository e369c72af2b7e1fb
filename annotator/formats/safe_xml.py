"""Hardened XML reading for the XML formats: no entities, no DTD, no network, bounded size."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from lxml import etree

from annotator.core.errors import InputFileError

__all__ = [
    "MAX_XML_BYTES",
    "XML_CHARACTERS",
    "check_xml",
    "parser",
    "read_checked",
    "xml_unsafe_characters",
]

MAX_XML_BYTES = 512 * 1024 * 1024
"""Largest XML file read (a whole BioC collection or one XMI document)."""
_DECLARATION = re.compile(rb"<!\s*ENTITY|<!DOCTYPE[^>\[]*\[", re.I)
"""An entity declaration, or a DOCTYPE with an internal subset (the same rule as HTML ingest)."""
XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold at all (not even as character references)."""


def parser(*, remove_blank_text: bool = False) -> etree.XMLParser:
    """An lxml parser that expands no entity, loads no DTD and fetches nothing."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=remove_blank_text,
        remove_comments=True,
        remove_pis=True,
    )


def check_xml(head: bytes, name: str) -> None:
    """Refuse markup that declares entities (``head``: the file's bytes).

    A DOCTYPE naming an external DTD (BioC's ``BioC.dtd``) is allowed: the parser never loads it.
    """
    probe = head
    if probe.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = probe.decode("utf-16", "replace").encode("utf-8")
    if _DECLARATION.search(probe):
        raise InputFileError(
            f"{name}: refused: the XML declares entities (<!ENTITY> or a DTD internal subset); "
            "entities are never expanded",
            code="ANN134",
        )


def read_checked(source: Path | IO[bytes], name: str, limit: int = MAX_XML_BYTES) -> bytes:
    """The bytes of an XML file or stream, size-limited and checked with :func:`check_xml`."""
    if isinstance(source, Path):
        size = source.stat().st_size
        if size > limit:
            raise InputFileError(
                f"{name}: {size} bytes is more than the {limit} bytes an XML file may have",
                code="ANN134",
            )
        data = source.read_bytes()
    else:
        data = source.read(limit + 1)
        if len(data) > limit:
            raise InputFileError(
                f"{name}: more than the {limit} bytes an XML file may have", code="ANN134"
            )
    check_xml(data, name)
    return data


def xml_unsafe_characters(text: str) -> int:
    """How many characters of ``text`` XML 1.0 cannot carry."""
    return len(XML_CHARACTERS.findall(text))
