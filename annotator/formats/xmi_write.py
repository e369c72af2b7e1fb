"""XMI documents written as text, the way dkpro-cassis serializes a CAS, without building one.

cassis builds a feature structure per annotation and an lxml tree per document: most of the XMI
export time. The output here is what cassis writes for the same annotations (the same elements,
ids, namespaces and escaping), and the tests load it with cassis.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.offsets import OffsetConverter

XMI_NS = "http://www.omg.org/XMI"
CAS_NS = "http:///uima/cas.ecore"
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def attribute(value: str) -> str:
    """``value`` escaped for a double-quoted XML attribute (TAB, LF and CR as references, so
    that a reader does not turn them into spaces)."""
    return value.translate(_ATTRIBUTE_ESCAPES)


def namespace(type_name: str) -> tuple[str, str]:
    """The XMI namespace URI of a UIMA type and its short element name."""
    package, _, short = type_name.rpartition(".")
    return f"http:///{package.replace('.', '/')}.ecore", short


Features = Sequence[tuple[str, str]]
"""``(feature name, value as written)`` pairs; values are escaped by :class:`XmiDocument`."""


class XmiDocument:
    """One CAS with one view, written in the order annotations are added (xmi:id 2, 3, ...).

    Namespaces are declared for the types used, prefixed in the order of first use as cassis
    prefixes them: the package's last part, numbered from 0 when it repeats (``type0``).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.parts: list[str] = []
        self.next_id = 2
        self._tags: dict[str, str] = {}
        self._declarations: list[str] = [f'xmlns:xmi="{XMI_NS}"', f'xmlns:cas="{CAS_NS}"']
        self._by_url: dict[str, str] = {}
        self._repeats: dict[str, int] = {}
        converter = OffsetConverter(text)
        self._utf16 = converter.cp_to_utf16 if converter.has_astral else None

    def add(self, type_name: str, begin: int, end: int, features: Features = ()) -> int:
        """Add an annotation (code-point offsets) and return its xmi:id."""
        xmi_id = self.next_id
        self.next_id += 1
        if self._utf16 is not None:
            begin, end = self._utf16(begin), self._utf16(end)
        tag = self._tags.get(type_name) or self._tag(type_name)
        cells = "".join(f' {name}="{attribute(value)}"' for name, value in features)
        self.parts.append(f'<{tag} xmi:id="{xmi_id}" sofa="1" begin="{begin}" end="{end}"{cells}/>')
        return xmi_id

    def _tag(self, type_name: str) -> str:
        url, short = namespace(type_name)
        prefix = self._by_url.get(url)
        if prefix is None:
            prefix = raw = type_name.split(".")[-2]
            if raw in self._by_url.values() or raw in ("xmi", "cas"):
                number = self._repeats.get(raw, 0)
                self._repeats[raw] = number + 1
                prefix = f"{raw}{number}"
            self._by_url[url] = prefix
            self._declarations.append(f'xmlns:{prefix}="{url}"')
        tag = self._tags[type_name] = f"{prefix}:{short}"
        return tag

    def finish(self) -> str:
        """The whole XMI document."""
        members = " ".join(map(str, range(2, self.next_id)))
        self.parts.insert(
            0,
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            f'<xmi:XMI {" ".join(self._declarations)} xmi:version="2.0"><cas:NULL xmi:id="0"/>',
        )
        self.parts.append(
            f'<cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" '
            f'sofaString="{attribute(self.text)}"/><cas:View sofa="1" members="{members}"/>'
            "</xmi:XMI>"
        )
        return "".join(self.parts)
