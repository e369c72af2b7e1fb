"""WebAnno TSV 3.3 (INCEpTION): sentences and tokens, stacked spans, feature columns, relations.

The format's entry point for the registry: export in :mod:`tsv_write`, import in
:mod:`tsv_read`, tokens, sentences and what an imported document keeps in :mod:`tsv_layout`.
"""

from __future__ import annotations

from annotator.formats.tsv_layout import META_KEY, segment
from annotator.formats.tsv_read import IMPORTER, TsvImporter
from annotator.formats.tsv_write import EXPORTER, TsvExporter, tsv_lines

__all__ = ["EXPORTER", "IMPORTER", "META_KEY", "TsvExporter", "TsvImporter", "segment", "tsv_lines"]
