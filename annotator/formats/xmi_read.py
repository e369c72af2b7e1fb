"""XMI documents read with lxml into plain records, the way dkpro-cassis reads a CAS.

cassis builds a typed feature structure (and a sorted index entry) for every annotation and
converts every offset through its own table: most of the XMI import time. This reads the same
thing for the common shape of a file (one ``_InitialView`` sofa with its text, and its view):
the annotations that view indexes, with offsets in code points and the raw XML attributes.
Anything else (several views, a sofa without a string) is left to cassis (:class:`NotSimpleError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from annotator.core.offsets import OffsetConverter, Unit
from annotator.formats.safe_xml import parser

XMI_ID = "{http://www.omg.org/XMI}id"
_CAS = "{http:///uima/cas.ecore}"
_SOFA = _CAS + "Sofa"
_VIEW = _CAS + "View"
_SKIPPED = {_CAS + "NULL", _SOFA, _VIEW}
_COMMON = {XMI_ID, "sofa", "begin", "end"}


class NotSimpleError(Exception):
    """The file has a shape this reader leaves to cassis."""


@dataclass(slots=True)
class XmiFeatureStructure:
    type_name: str
    xmi_id: int
    begin: int
    """Code points (converted from the file's UTF-16 units); -1 when the element has none."""
    end: int
    values: dict[str, str]
    """The element's other XML attributes: feature name -> value as written."""


@dataclass(slots=True)
class XmiContent:
    text: str
    members: list[XmiFeatureStructure]
    """What the view indexes, in the order of its ``members`` list."""


@lru_cache(maxsize=1024)
def type_name(tag: str) -> str:
    """``{http:///webanno/custom.ecore}Span`` -> ``webanno.custom.Span``."""
    url, _, short = tag[1:].partition("}")
    package = url.removeprefix("http:///").removesuffix(".ecore").replace("/", ".")
    return f"{package}.{short}" if package else short


def read_xmi(data: bytes) -> XmiContent:
    """The sofa text and the indexed feature structures of the initial view."""
    root = etree.fromstring(data, parser())
    sofas = root.findall(_SOFA)
    views = root.findall(_VIEW)
    if len(sofas) != 1 or len(views) > 1:
        raise NotSimpleError("several views")
    sofa = sofas[0]
    text = sofa.get("sofaString")
    if text is None or sofa.get("sofaID") != "_InitialView":
        raise NotSimpleError("no initial view text")
    sofa_id = sofa.get(XMI_ID)
    if views and views[0].get("sofa") != sofa_id:
        raise NotSimpleError("a view of another sofa")
    members = views[0].get("members", "").split() if views else []
    by_id: dict[str, XmiFeatureStructure] = {}
    converter = OffsetConverter(text)
    convert = (lambda u: converter.to_codepoint(u, Unit.UTF16)) if converter.has_astral else None
    for element in root:
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        attributes = element.attrib
        xmi_id = attributes.get(XMI_ID)
        if xmi_id is None:
            continue
        begin_raw, end_raw = attributes.get("begin"), attributes.get("end")
        begin = int(begin_raw) if begin_raw is not None else -1
        end = int(end_raw) if end_raw is not None else -1
        if convert is not None and begin >= 0 and end >= 0:
            begin, end = convert(begin), convert(end)
        values = {k: v for k, v in attributes.items() if k not in _COMMON}
        by_id[xmi_id] = XmiFeatureStructure(type_name(tag), int(xmi_id), begin, end, values)
    found = [by_id[member] for member in members if member in by_id]
    return XmiContent(text, found)
