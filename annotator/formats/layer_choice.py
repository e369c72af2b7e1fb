"""Choosing which layer (annotation type) of a typed format (XMI, WebAnno TSV) gives spans."""

from __future__ import annotations

SPAN_LAYER_OPTION = "span_layer"
"""The ``ImportOptions.extra`` key naming the layer: a full type name
(``webanno.custom.Span``) or its short name (``Span``, ``NamedEntity``). Unset: every layer."""
LAYERED_FORMATS = ("xmi", "xmi-ne", "tsv3")
"""The formats whose import reads typed layers: a layer and a label feature can be chosen."""
LAYER_MISSING = "ANN340"
"""The failure code of an import whose files do not declare the chosen layer (a file that merely
has no annotation of a declared layer is imported with no spans)."""


def layer_matches(type_name: str, wanted: str) -> bool:
    """Whether ``type_name`` is the layer named ``wanted`` (full or short name)."""
    return type_name == wanted or type_name.rsplit(".", 1)[-1] == wanted
