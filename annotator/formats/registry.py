"""The registry of annotation formats: names, what each can do, and its exporter and importer.

Format modules are imported only when used, so that heavy readers (spaCy, dkpro-cassis) cost
nothing until someone exports to them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from annotator.core.errors import UserError
from annotator.core.offsets import Unit
from annotator.formats.base import Exporter, Importer, Layout


@dataclass(frozen=True, slots=True)
class FormatInfo:
    name: str
    title: str
    module: str
    """Module under ``annotator.formats`` that defines ``EXPORTER`` and/or ``IMPORTER``."""
    extensions: tuple[str, ...]
    can_import: bool
    can_export: bool
    layout: Layout
    description: str
    default_unit: Unit = Unit.CODE_POINT
    reads_times: bool = True
    """Whether the exporter (writing or checking losses) reads spans' or relations'
    ``created_at``, ``updated_at`` or ``version``; ``False``: the export reads them as their
    defaults (``None``, ``None``, 1), which is cheaper."""


FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo(
        name="jsonl",
        title="annotator JSONL (lossless)",
        module="native_jsonl",
        extensions=(".jsonl",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="One document per line with text, metadata, spans (discontinuous ones with "
        "their fragments), relations, attributes, annotators and comments; code-point offsets.",
    ),
    FormatInfo(
        name="brat",
        title="brat standoff (.txt + .ann)",
        module="brat",
        extensions=(".ann", ".zip"),
        can_import=True,
        can_export=True,
        layout=Layout.FOLDER,
        description="A .txt and .ann per document with annotation.conf and visual.conf; "
        "T (with fragments), R, A, N and # lines (comments); opens in brat as is.",
        reads_times=False,
    ),
    FormatInfo(
        name="conll",
        title="CoNLL-2003 style (IOB2 or BILOU)",
        module="conll",
        extensions=(".conll", ".iob", ".txt"),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="One token per line, blank line between sentences, -DOCSTART- lines; "
        "IOB2 or BILOU tags; an overlap policy decides what one tag column holds.",
        reads_times=False,
    ),
    FormatInfo(
        name="spacy",
        title="spaCy v3 DocBin (.spacy)",
        module="spacy_docbin",
        extensions=(".spacy", ".zip"),
        can_import=True,
        can_export=True,
        layout=Layout.FOLDER,
        description="Written by spaCy itself, as a folder of .spacy files of 1,000 documents "
        "(spacy train reads the folder): doc.ents (non-overlapping), doc.spans['sc'] (all), "
        "attributes and relations in user data.",
        reads_times=False,
    ),
    FormatInfo(
        name="spacy-jsonl",
        title="spaCy JSONL offsets",
        module="spacy_jsonl",
        extensions=(".jsonl",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description='{"text": ..., "spans": [{"start", "end", "label"}]} per line; code points.',
        reads_times=False,
    ),
    FormatInfo(
        name="doccano",
        title="doccano JSONL",
        module="doccano",
        extensions=(".jsonl",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="Sequence labelling (label: [[start, end, label]]) or relation form "
        "(entities, relations); UTF-16 offsets by default, as doccano shows them.",
        default_unit=Unit.UTF16,
        reads_times=False,
    ),
    FormatInfo(
        name="label-studio",
        title="Label Studio JSON",
        module="label_studio",
        extensions=(".json",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="Tasks with annotations (or predictions), relations and per-region "
        "attributes, with the labelling config XML beside them.",
        reads_times=False,
    ),
    FormatInfo(
        name="huggingface",
        title="Hugging Face token classification JSONL",
        module="huggingface",
        extensions=(".jsonl",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="tokens and integer ner_tags per sentence, with the label names file "
        "beside it.",
        reads_times=False,
    ),
    FormatInfo(
        name="prodigy",
        title="Prodigy JSONL",
        module="prodigy",
        extensions=(".jsonl",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="text, tokens with ws, spans with inclusive token_end, relations.",
        reads_times=False,
    ),
    FormatInfo(
        name="xmi",
        title="UIMA CAS XMI for INCEpTION / WebAnno (.zip)",
        module="xmi",
        extensions=(".zip", ".xmi"),
        can_import=True,
        can_export=True,
        layout=Layout.FOLDER,
        description="One XMI per document with TypeSystem.xml: a custom span layer (label and "
        "one feature per attribute) and a relation layer (Governor, Dependent); UTF-16 offsets. "
        "Import reads any type system; the label feature is an option.",
        default_unit=Unit.UTF16,
        reads_times=False,
    ),
    FormatInfo(
        name="xmi-ne",
        title="UIMA CAS XMI on DKPro NamedEntity (.zip)",
        module="xmi_ne",
        extensions=(".zip", ".xmi"),
        can_import=True,
        can_export=True,
        layout=Layout.FOLDER,
        description="XMI with the spans on DKPro Core's NamedEntity type (label in 'value'), for "
        "INCEpTION's built-in Named entity layer; attributes and relations are not carried.",
        default_unit=Unit.UTF16,
        reads_times=False,
    ),
    FormatInfo(
        name="tsv3",
        title="WebAnno TSV 3.3 (INCEpTION)",
        module="webanno_tsv",
        extensions=(".tsv", ".zip"),
        can_import=True,
        can_export=True,
        layout=Layout.FOLDER,
        description="One .tsv per document: sentences, tokens, stacked and multi-token spans with "
        "feature columns, relations on the target's first token; UTF-16 offsets.",
        default_unit=Unit.UTF16,
        reads_times=False,
    ),
    FormatInfo(
        name="bioc",
        title="BioC XML",
        module="bioc_xml",
        extensions=(".xml",),
        can_import=True,
        can_export=True,
        layout=Layout.FILE,
        description="A collection of documents with one passage each, annotations with infons "
        "and a location per piece, relations with nodes, comments as infons; the offset unit is "
        "written into <key>, both read back.",
        reads_times=False,
    ),
)


def format_info(name: str) -> FormatInfo | None:
    for info in FORMATS:
        if info.name == name:
            return info
    return None


def _module(name: str, want: str) -> object:
    info = format_info(name)
    known = ", ".join(
        f.name for f in FORMATS if (f.can_export if want == "EXPORTER" else f.can_import)
    )
    direction = "exporter" if want == "EXPORTER" else "importer"
    if info is None or not (info.can_export if want == "EXPORTER" else info.can_import):
        raise UserError(f"no {direction} named {name!r} (known: {known})", code="ANN193")
    module = importlib.import_module(f"annotator.formats.{info.module}")
    return getattr(module, want)


def exporter(name: str) -> Exporter:
    found: Exporter = _module(name, "EXPORTER")  # type: ignore[assignment]
    return found


def importer(name: str) -> Importer:
    found: Importer = _module(name, "IMPORTER")  # type: ignore[assignment]
    return found
