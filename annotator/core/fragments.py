"""The pieces of a discontinuous span: adding, cutting out, resizing and normalising them.

A span's pieces are ordered, non-empty, non-overlapping and never touch (touching pieces are
one piece). A span with one piece is contiguous and stores no fragments; its hull (first start,
last end) is the span's ``start``/``end``.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.errors import FragmentError

Pieces = tuple[tuple[int, int], ...]


def normalised(pieces: Iterable[tuple[int, int]]) -> Pieces:
    """Pieces sorted, with overlapping or touching ones joined (for imported data)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((int(a), int(b)) for a, b in pieces):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def as_fragments(pieces: Pieces) -> Pieces:
    """What ``Span.fragments`` holds for these pieces: nothing for a single piece."""
    return pieces if len(pieces) > 1 else ()


def with_piece(pieces: Pieces, start: int, end: int) -> Pieces:
    """``pieces`` plus ``[start, end)``, joined to the pieces it touches; a piece that overlaps
    one already there is refused."""
    for a, b in pieces:
        if start < b and a < end:
            raise FragmentError(
                f"the fragment {start}-{end} overlaps the span's piece {a}-{b}; select text "
                "outside the span to add",
                code="ANN250",
            )
    return normalised((*pieces, (start, end)))


def without_piece(pieces: Pieces, start: int, end: int) -> Pieces:
    """``pieces`` with ``[start, end)`` cut out; it must lie inside one piece and leave some."""
    for i, (a, b) in enumerate(pieces):
        if a <= start and end <= b:
            rest = tuple(p for p in ((a, start), (end, b)) if p[0] < p[1])
            result = (*pieces[:i], *rest, *pieces[i + 1 :])
            if not result:
                raise FragmentError(
                    "cannot remove the span's last piece: delete the span instead",
                    code="ANN252",
                )
            return result
    shown = ", ".join(f"{a}-{b}" for a, b in pieces)
    raise FragmentError(
        f"{start}-{end} is not inside one piece of the span ({shown})", code="ANN251"
    )


def resized(pieces: Pieces, start: int, end: int) -> Pieces:
    """The pieces with the hull moved to ``[start, end)``: the first piece gets the new start,
    the last piece the new end. A move that would empty the first or last piece is refused
    (remove that fragment first), so that resizing back restores the pieces exactly."""
    if len(pieces) == 1:
        return ((start, end),)
    (first_start, first_end), (last_start, last_end) = pieces[0], pieces[-1]
    if not start < first_end or not last_start < end:
        raise FragmentError(
            f"resizing to {start}-{end} would swallow the first or last fragment "
            f"({first_start}-{first_end}, {last_start}-{last_end}); remove that fragment first",
            code="ANN253",
        )
    return ((start, first_end), *pieces[1:-1], (last_start, end))


__all__ = ["Pieces", "as_fragments", "normalised", "resized", "with_piece", "without_piece"]
