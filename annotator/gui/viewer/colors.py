"""Viewer colours: a light and a dark theme, and per-label tints that keep text readable.

A label's tint is its colour blended into the page background, as strongly as possible while the
text on it keeps a WCAG contrast ratio of at least ``TEXT_CONTRAST`` (7:1, level AAA). Bars and
outlines use the label colour itself, adjusted to stand out from the background.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from annotator.core.schema import LabelSchema

TEXT_CONTRAST = 7.0
"""Minimum contrast ratio between text and any tint it is drawn on."""
BAR_CONTRAST = 2.4
"""Minimum contrast ratio between a bar and the page, so thin bars stay visible."""
UNKNOWN_LABEL_COLOR = "#888888"
"""For spans whose label is not (or no longer) in the schema."""


@dataclass(frozen=True, slots=True)
class Theme:
    dark: bool
    base: QColor
    text: QColor
    selection_background: QColor
    selection_text: QColor
    max_tint: float
    """The strongest blend of a label colour into the background that is ever used."""


LIGHT = Theme(
    dark=False,
    base=QColor("#ffffff"),
    text=QColor("#1f2328"),
    selection_background=QColor("#1d5fa8"),
    selection_text=QColor("#ffffff"),
    max_tint=0.30,
)
DARK = Theme(
    dark=True,
    base=QColor("#1e2227"),
    text=QColor("#e3e6ea"),
    selection_background=QColor("#4d8fd0"),
    selection_text=QColor("#0b0d10"),
    max_tint=0.42,
)


def theme_for(dark: bool) -> Theme:
    return DARK if dark else LIGHT


@dataclass(frozen=True, slots=True)
class LabelStyle:
    color: QColor
    """The label's own colour (swatches in tooltips)."""
    tint: QColor
    """Background of text covered by this label's span."""
    bar: QColor
    """The span's bar in the lanes under the text."""
    outline: QColor
    """The outline of the span when it is selected."""


def relative_luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    if la < lb:
        la, lb = lb, la
    return (la + 0.05) / (lb + 0.05)


def blend(top: QColor, bottom: QColor, alpha: float) -> QColor:
    """``top`` over ``bottom`` with opacity ``alpha`` (an opaque result)."""
    return QColor.fromRgbF(
        top.redF() * alpha + bottom.redF() * (1 - alpha),
        top.greenF() * alpha + bottom.greenF() * (1 - alpha),
        top.blueF() * alpha + bottom.blueF() * (1 - alpha),
    )


def tint(color: QColor, theme: Theme) -> QColor:
    """The strongest blend of ``color`` into the page (up to ``theme.max_tint``) on which the
    theme's text keeps ``TEXT_CONTRAST``."""
    alpha = theme.max_tint
    result = blend(color, theme.base, alpha)
    while alpha > 0.02 and contrast_ratio(result, theme.text) < TEXT_CONTRAST:
        alpha -= 0.02
        result = blend(color, theme.base, alpha)
    return result


def _toward(color: QColor, target: QColor, theme: Theme, minimum: float) -> QColor:
    """``color`` moved toward ``target`` until it contrasts ``minimum`` with the page."""
    result = QColor(color)
    step = 0.0
    while contrast_ratio(result, theme.base) < minimum and step < 1.0:
        step += 0.05
        result = blend(target, color, step)
    return result


def label_style(color: str, theme: Theme) -> LabelStyle:
    base = QColor(color)
    if not base.isValid():
        base = QColor(UNKNOWN_LABEL_COLOR)
    away = QColor("#ffffff") if theme.dark else QColor("#000000")
    bar = _toward(base, away, theme, BAR_CONTRAST)
    outline = _toward(base, away, theme, 4.5)
    return LabelStyle(color=base, tint=tint(base, theme), bar=bar, outline=outline)


def label_styles(schema: LabelSchema, theme: Theme) -> dict[str, LabelStyle]:
    return {label.name: label_style(label.color, theme) for label in schema.labels}


def fallback_style(theme: Theme) -> LabelStyle:
    return label_style(UNKNOWN_LABEL_COLOR, theme)


def style_sheet(theme: Theme) -> str:
    """The viewer's own style sheet, which wins over an application style sheet."""
    return (
        "QPlainTextEdit {"
        f" background: {theme.base.name()};"
        f" color: {theme.text.name()};"
        f" selection-background-color: {theme.selection_background.name()};"
        f" selection-color: {theme.selection_text.name()};"
        " border: none; }"
    )
