"""brat standoff: a ``.txt`` and an ``.ann`` per document, with annotation.conf and visual.conf.

Export (a folder, or a .zip when the name ends in .zip):

- ``<name>.txt`` holds the document text as is and ``<name>.ann`` its annotations; the name is
  the document's external id (else ``doc-<id>``) reduced to ``[A-Za-z0-9._-]``, made unique.
- ``T`` lines carry code-point offsets (brat counts code points). The text field cannot hold a
  line break or a TAB, so a span crossing one is written as fragments split there
  (``T1<TAB>CLAIM 0 5;6 10<TAB>text1 text2``, fragments joined by one space as brat does); the
  importer joins fragments separated only by whitespace back into one span.
- ``R`` lines (``R1<TAB>TYPE Arg1:T3 Arg2:T1``) for relations.
- ``A`` lines for attributes: a true flag as ``A1<TAB>name T1`` (a false flag is written as
  nothing, which is what an unset brat flag means), a choice as ``A2<TAB>name T1 value`` with
  whitespace, ``,`` and ``|`` in the value replaced by ``_`` (mapped back through the schema on
  import), an integer as ``A3<TAB>name T1 12`` declared in annotation.conf with the values that
  occur in the export (brat attributes take enumerated values only).
- text attributes become ``#`` notes (``#1<TAB>AnnotatorNotes T1<TAB>name: value``), which brat
  shows on the span; line breaks and TABs in a value become spaces (reported).
- a discontinuous span is one ``T`` line with a fragment per piece (``T1<TAB>CLAIM 0 5;10 15``);
  comments on spans and relations become ``#`` notes on them (``#2<TAB>AnnotatorNotes T1<TAB>
  text``), line breaks as spaces. A comment on a whole document has no place in brat (reported).
- ``annotation.conf`` lists the labels, the relation types with their argument labels
  (``Arg1:CLAIM, Arg2:ACTOR``), ``<OVERLAP>`` allowing any overlap, and the attributes
  (``name<TAB>Arg:LABEL`` or ``name<TAB>Arg:LABEL, Value:v1|v2``); ``visual.conf`` the label
  colours (``bgColor``). Both are written last, from the schema and what the export held.

Import (a folder, searched recursively, a .zip, or one .ann/.txt): ``.txt`` read with universal
newlines as brat does; ``T`` (discontinuous fragments kept in ``SpanRecord.fragments``), ``R``,
``E`` (each argument becomes a relation from the trigger span, typed by its role), ``*``
(a chain of relations), ``A``/``M`` (typed through the schema), ``N`` (an attribute named by
the normalisation type, the entry's name in the span's note) and ``#`` notes (``name: value``
for a text attribute of the span's label, else the span's or relation's note). Each ``T`` text is
checked against the ``.txt``; when code points do not fit, UTF-16 units, UTF-8 bytes and offsets
counted on CRLF text are tried and the unit that fits is named in the document's note. A bad
line is a Failure with its file and line; the rest of the document imports. annotation.conf
and visual.conf are not read.

The registered entry: ``brat_write`` (with ``brat_conf``, and ``brat_deflated`` for the members
its workers deflate) writes; ``brat_read`` reads, with ``brat_files`` (the pairs of files),
``brat_fast`` (the usual document in whole-file calls), ``brat_parse`` (the lines),
``brat_units`` (the offset unit) and ``brat_references`` (lines that refer to others);
``brat_common`` holds what both share.
"""

from __future__ import annotations

from annotator.formats.brat_read import BratImporter
from annotator.formats.brat_write import BratExporter

EXPORTER = BratExporter()
IMPORTER = BratImporter()
