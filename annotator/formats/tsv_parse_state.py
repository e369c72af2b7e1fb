"""What reading one WebAnno TSV file collects: its layers and columns (from the header), the
annotations by unit and layer, the relations' cells, the text, tokens and sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.formats.tsv_escape import unescape_value
from annotator.formats.tsv_layout import LABEL_FEATURE


@dataclass(slots=True)
class Column:
    layer: int
    kind: str  # "span", "relation", "chain"
    feature: str  # "" for a placeholder; "BT" for the relation's source column


@dataclass(frozen=True, slots=True)
class Group:
    layer: int
    kind: str
    first: int
    stop: int
    features: tuple[str, ...]


@dataclass(slots=True)
class Layer:
    kind: str
    type_name: str
    features: list[str]
    base: str = ""

    @property
    def short_name(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]

    def label_feature(self, wanted: str) -> str:
        for name in (wanted, LABEL_FEATURE, "value"):
            if name and name in self.features:
                return name
        return self.features[0] if self.features else ""


@dataclass(slots=True, eq=False)  # compared by identity: two annotations are never the same
class Annotation:
    layer: int
    start: int  # UTF-16 units
    end: int
    values: dict[str, str | None] = field(default_factory=dict)
    order: int = 0


@dataclass(slots=True)
class RelationCells:
    layer: int
    unit: str
    values: dict[str, str | None] = field(default_factory=dict)
    reference: str = ""
    ids: tuple[int, int] = (0, 0)
    line: int = 0


@dataclass(slots=True)
class Cursor:
    """Reading state carried from one sentence block to the next."""

    sentence_text: list[str] = field(default_factory=list)
    """``#Text=`` lines not yet given to a sentence."""
    counter: int = 0
    """Annotation cells read so far (the order spans come out in)."""


class Parse:
    def __init__(self) -> None:
        self.layers: list[Layer] = []
        self.columns: list[Column] = []
        self.groups: list[Group] = []
        """Each layer's columns (a header line declares one layer, its columns side by side)."""
        self.header: list[str] = []
        self.spans: dict[object, Annotation] = {}
        self.by_unit: dict[tuple[str, int], list[Annotation]] = {}
        self.relations: list[RelationCells] = []
        self.tokens: list[str] = []
        """Each token row's offsets as written (``"0-6"``, UTF-16 units); not sub-tokens."""
        self.token_end = 0
        """The largest end of a sentence's last token: a layout ending past the text is not kept
        (an export checks every token again, :func:`tsv_layout.stored_layout`)."""
        self.sentences: list[tuple[int, int]] = []
        self.text_parts: list[str] = []
        self.length16 = 0


def parse_header_line(parse: Parse, line: str) -> None:
    prefix, _, rest = line.partition("=")
    kind = {"#T_SP": "span", "#T_RL": "relation", "#T_CH": "chain"}[prefix]
    fields = rest.split("|")
    layer = Layer(kind, fields[0], [])
    index = len(parse.layers)
    parse.layers.append(layer)
    for declaration in fields[1:]:
        if kind == "relation" and declaration.startswith("BT_"):
            layer.base = declaration[3:]
            parse.columns.append(Column(index, kind, "BT"))
        else:
            layer.features.append(declaration)
            parse.columns.append(Column(index, kind, declaration))
    if len(fields) == 1:
        parse.columns.append(Column(index, kind, ""))
    first = next(i for i, c in enumerate(parse.columns) if c.layer == index)
    features = tuple(c.feature for c in parse.columns[first:])
    parse.groups.append(Group(index, kind, first, len(parse.columns), features))


def split_value(raw: str) -> tuple[str, str | None]:
    if raw.endswith("]") and not raw.endswith("\\]") and "[" in raw:
        value, _, info = raw[:-1].rpartition("[")
        return value, info
    return raw, None


def feature_value(raw: str) -> str | None:
    return None if raw == "*" else unescape_value(raw)
