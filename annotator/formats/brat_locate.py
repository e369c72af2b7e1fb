"""The line of a brat .ann file that uses a label, relation type or attribute, for messages."""

from __future__ import annotations

from pathlib import Path


def locate(origin: str, kind: str, name: str) -> str:
    """``origin:line`` of the first line of the .ann file ``origin`` that uses ``name`` (a
    ``label``, ``relation`` type or ``attribute`` as ``LABEL.name``); ``origin`` unchanged when
    it is not a readable .ann file (a zip member) or no line matches."""
    path = Path(origin)
    if path.suffix != ".ann" or not path.is_file():
        return origin
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return origin
    wanted = name.rpartition(".")[2] if kind == "attribute" else name
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        key, _, rest = line.partition("\t")
        words = rest.split("\t", 1)[0].split()
        if words and _uses(key[:1], words, kind, wanted):
            return f"{origin}:{number}"
    return origin


def _uses(letter: str, words: list[str], kind: str, name: str) -> bool:
    if kind == "label":
        return letter == "T" and words[0] == name
    if kind == "relation":
        if letter in ("R", "*"):
            return words[0] == name
        # an event's arguments become relations typed by their role (Theme2 is Theme)
        return letter == "E" and any(w.split(":")[0].rstrip("0123456789") == name for w in words)
    return letter in ("A", "M") and words[0] == name
