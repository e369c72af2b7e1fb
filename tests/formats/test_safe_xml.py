"""Hardened XML: entity declarations refused, external DTDs never loaded, size limits."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from annotator.core.errors import InputFileError
from annotator.formats.safe_xml import check_xml, parser, read_checked

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "xml"


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_hostile_files_are_refused(name: str) -> None:
    with pytest.raises(InputFileError, match="declares entities"):
        read_checked(FIXTURES / name, name)


def test_external_dtd_is_allowed_but_never_loaded(tmp_path: Path) -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE collection SYSTEM "BioC.dtd"><collection/>'
    check_xml(data, "x")
    root = etree.fromstring(data, parser())
    assert root.tag == "collection"


def test_parser_does_not_expand_entities() -> None:
    data = (FIXTURES / "billion_laughs.xml").read_bytes()
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as error:  # libxml2's amplification guard refuses it outright
        message = str(error)
    else:
        message = "amplification" if len(etree.tostring(root)) < 10_000 else "expanded"
    assert "amplification" in message


def test_size_limit() -> None:
    with pytest.raises(InputFileError, match="more than"):
        read_checked(io.BytesIO(b"<a>" + b"x" * 100 + b"</a>"), "big", limit=50)
