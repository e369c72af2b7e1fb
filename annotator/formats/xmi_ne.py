"""UIMA CAS XMI on DKPro Core's NamedEntity type (INCEpTION's built-in Named entity layer)."""

from __future__ import annotations

from annotator.formats.xmi import XmiExporter, XmiImporter

EXPORTER = XmiExporter(named_entity=True)
IMPORTER = XmiImporter(default_label_feature="value")
