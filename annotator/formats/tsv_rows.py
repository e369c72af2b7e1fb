"""Reading a WebAnno TSV file's sentences into the parse state: a sentence block's rows in bulk
when they have the usual shape (a few splits and slices), else line by line; only rows with
annotations are looked at one by one (spans, stacked values, relations, chains)."""

from __future__ import annotations

import re
from itertools import compress, count, repeat
from operator import not_
from typing import Any

from annotator.core.offsets import utf16_length
from annotator.formats.tsv_escape import unescape_text, unescape_value
from annotator.formats.tsv_parse_state import (
    Annotation,
    Column,
    Cursor,
    Group,
    Parse,
    RelationCells,
    feature_value,
    split_value,
)

_STACK_SEPARATOR = re.compile(r"(?<!\\)\|")
_NOT_ID = str.maketrans("", "", "0123456789-.")
_NOT_OFFSETS = str.maketrans("", "", "0123456789-")


def read_content(parse: Parse, lines: list[str], number: int) -> None:
    """The sentences after the header: blocks of lines between blank lines."""
    cursor = Cursor()
    empties = [*compress(count(number), map(not_, lines[number:])), len(lines)]
    begin = number
    for stop in empties:
        if stop > begin:
            _block(parse, cursor, lines[begin:stop], begin)
        begin = stop + 1


def _block(parse: Parse, cursor: Cursor, block: list[str], first: int) -> None:
    """One sentence: ``#Text=`` lines, then a row per token or sub-token (``first``: the
    block's index in the file's lines). The rows are read in bulk when they all have the
    header's number of columns and end with a TAB (as every writer writes them): joined
    with TABs and split, they give a flat list of fields, sliced into columns. Only rows with
    annotations are looked at one by one. A block of another shape goes through
    :func:`_lines` line by line (which finds and reports what is wrong)."""
    r = 0
    while r < len(block) and block[r].startswith("#"):
        if block[r].startswith("#Text="):
            cursor.sentence_text.append(unescape_text(block[r][6:]))
        r += 1
    if r == len(block):
        return
    rows = block[r:]
    width = len(parse.columns) + 4  # id, offsets, text, the columns, "" after the last TAB
    fields = "\t".join(rows).split("\t")
    units = fields[0::width]
    offsets = fields[1::width]
    joined_units = "".join(units)
    joined = "-".join(offsets)
    if (
        len(fields) != width * len(rows)
        or any(fields[width - 1 :: width])
        or joined_units.translate(_NOT_ID)
        or joined.translate(_NOT_OFFSETS)  # digits and dashes only, and each offset is
        or joined.count("-") != 2 * len(rows) - 1  # two numbers with one dash between
        or "--" in joined
        or joined[:1] == "-"
        or joined[-1:] == "-"
    ):
        _lines(parse, cursor, rows, first + r)
        return
    begin = int(offsets[0].partition("-")[0])
    _start_sentence(parse, "\n".join(cursor.sentence_text) + "\n", begin)
    cursor.sentence_text = []
    sentence_first = len(parse.tokens)
    if "." in joined_units:
        parse.tokens.extend(o for u, o in zip(units, offsets, strict=True) if "." not in u)
    else:
        parse.tokens.extend(offsets)
    if len(parse.tokens) > sentence_first:
        last_end = int(parse.tokens[-1].partition("-")[2])
        parse.token_end = max(parse.token_end, last_end)
    plain = "\t" + "_\t" * len(parse.columns)  # what ends a row without annotations
    for i in compress(count(), map(not_, map(str.endswith, rows, [plain] * len(rows)))):
        row = fields[i * width : (i + 1) * width]
        start, _, stop = offsets[i].partition("-")
        _row(parse, cursor, row, units[i], int(start), int(stop), first + r + i)
    parse.sentences.append((sentence_first, len(parse.tokens)))


def _lines(parse: Parse, cursor: Cursor, block: list[str], first: int) -> None:
    in_sentence = False
    sentence_first = 0
    for index, line in enumerate(block, start=first):
        if line.startswith("#Text="):
            cursor.sentence_text.append(unescape_text(line[6:]))
            continue
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        unit = fields[0]
        begin_s, _, end_s = fields[1].partition("-") if len(fields) > 1 else ("", "", "")
        begin, end = int(begin_s), int(end_s)
        if not in_sentence:
            _start_sentence(parse, "\n".join(cursor.sentence_text) + "\n", begin)
            cursor.sentence_text = []
            in_sentence = True
            sentence_first = len(parse.tokens)
        if "." not in unit:
            parse.tokens.append(f"{begin}-{end}")
            parse.token_end = max(parse.token_end, end)
        _row(parse, cursor, fields, unit, begin, end, index)
    if in_sentence:
        parse.sentences.append((sentence_first, len(parse.tokens)))


def _row(
    parse: Parse,
    cursor: Cursor,
    fields: list[str],
    unit: str,
    begin: int,
    end: int,
    index: int,
) -> None:
    """The annotation columns of one row (``index``: its line's index in the file)."""
    if len(fields) < len(parse.columns) + 3:
        raise ValueError(
            f"line {index + 1}: {len(fields)} fields, expected {len(parse.columns) + 3}"
        )
    cells = fields[3:]
    for group in parse.groups:
        part = cells[group.first : group.stop]
        if part.count("_") == len(part):
            continue
        if (
            group.kind == "span"
            and "_" not in part
            and _whole_span(parse, cursor, group, part, unit, begin, end)
        ):
            continue
        _cells(parse, cursor, group, part, unit, begin, end, index)


def _whole_span(
    parse: Parse,
    cursor: Cursor,
    group: Group,
    part: list[str],
    unit: str,
    begin: int,
    end: int,
) -> bool:
    """A span layer's cells holding one annotation, not stacked (most rows): one lookup
    for all of them. False, with nothing read, for any other shape."""
    if "|" in "".join(part):
        return False
    first = part[0]
    layer = group.layer
    key: tuple[Any, ...]
    if first[-1:] == "]" and first[-2:] != "\\]" and "[" in first:
        suffix = first[first.rindex("[") :]
        if not all(map(str.endswith, part, repeat(suffix))) or not suffix[1:-1].isdigit():
            return False
        key, cut = (layer, int(suffix[1:-1])), len(suffix)
    else:
        if any(map(str.endswith, part, repeat("]"))):
            return False
        key, suffix, cut = (unit, layer, 0), "", 0
    found = parse.spans.get(key)
    if found is None:
        found = parse.spans[key] = Annotation(layer, begin, end, order=cursor.counter + 1)
        parse.by_unit.setdefault((unit, layer), []).append(found)
    else:
        if end > found.end:
            found.end = end
        units = parse.by_unit.setdefault((unit, layer), [])
        if found not in units:
            units.append(found)
    cursor.counter += len(part)
    unset = "*" + suffix  # no value (None), as if absent
    for feature, cell in zip(group.features, part, strict=True):
        if feature and cell != unset:
            found.values[feature] = unescape_value(cell[: len(cell) - cut])
    return True


def _cells(
    parse: Parse,
    cursor: Cursor,
    group: Group,
    part: list[str],
    unit: str,
    begin: int,
    end: int,
    index: int,
) -> None:
    """One layer's cells of a row, one by one (stacked values, relations, chains)."""
    spans, by_unit = parse.spans, parse.by_unit
    counter = cursor.counter
    last_key: tuple[Any, ...] = ()
    last_found = Annotation(-1, 0, 0)
    columns = parse.columns[group.first : group.stop]
    for column, raw in zip(columns, part, strict=False):
        if raw == "_":
            continue
        stack = _STACK_SEPARATOR.split(raw) if "|" in raw else (raw,)
        if column.kind != "span":
            for k, stacked in enumerate(stack):
                counter += 1
                _cell(parse, column, unit, begin, end, k, stacked, counter, index + 1)
            continue
        layer, feature = column.layer, column.feature
        for k, stacked in enumerate(stack):  # _cell for span columns, inline (most cells)
            counter += 1
            if stacked[-1:] == "]" and stacked[-2:] != "\\]" and "[" in stacked:
                value, _, info = stacked[:-1].rpartition("[")
                key: tuple[Any, ...] = (layer, info)
            else:
                value, key = stacked, (unit, layer, k)
            if key != last_key:  # the feature columns of one span follow one another
                last_key = key
                if len(key) == 2:
                    key = (layer, int(info))
                found = spans.get(key)
                if found is None:
                    found = spans[key] = Annotation(layer, begin, end, order=counter)
                    by_unit.setdefault((unit, layer), []).append(found)
                else:
                    if end > found.end:
                        found.end = end
                    units = by_unit.setdefault((unit, layer), [])
                    if found not in units:
                        units.append(found)
                last_found = found
            if feature and value != "*":  # "*": no value (None), as if absent
                last_found.values[feature] = unescape_value(value)
    cursor.counter = counter


def _start_sentence(parse: Parse, sentence: str, begin: int) -> None:
    if parse.length16 > begin and parse.text_parts and parse.text_parts[-1].endswith("\n"):
        parse.text_parts[-1] = parse.text_parts[-1][:-1]
        parse.length16 -= 1
    if parse.length16 < begin:
        parse.text_parts.append(" " * (begin - parse.length16))
        parse.length16 = begin
    parse.text_parts.append(sentence)
    parse.length16 += utf16_length(sentence)


def _cell(
    parse: Parse,
    column: Column,
    unit: str,
    begin: int,
    end: int,
    k: int,
    raw: str,
    counter: int,
    line: int,
) -> None:
    if column.kind == "span":
        value, info = split_value(raw)
        key: object = (column.layer, int(info)) if info else (unit, column.layer, k)
        found = parse.spans.get(key)
        if found is None:
            found = Annotation(column.layer, begin, end, order=counter)
            parse.spans[key] = found
            parse.by_unit.setdefault((unit, column.layer), []).append(found)
        else:
            if end > found.end:
                found.end = end
            units = parse.by_unit.setdefault((unit, column.layer), [])
            if found not in units:
                units.append(found)
        if column.feature:
            found.values[column.feature] = feature_value(value)
    elif column.kind == "relation":
        relation = next(
            (
                r
                for r in parse.relations
                if r.unit == unit and r.layer == column.layer and r.line == line * 1000 + k
            ),
            None,
        )
        if relation is None:
            relation = RelationCells(column.layer, unit, line=line * 1000 + k)
            parse.relations.append(relation)
        if column.feature == "BT":
            reference, info = split_value(raw)
            relation.reference = reference
            if info:
                a, _, b = info.partition("_")
                relation.ids = (int(a), int(b))
        else:
            relation.values[column.feature] = feature_value(raw)
