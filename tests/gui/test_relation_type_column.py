"""The Relations panel's Type column shows the whole type name of a relation just added."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.core.annotation import Relation, Span
from annotator.core.changes import ChangeSet
from annotator.core.ids import DocumentId, RelationId, SpanId
from annotator.gui.relations_panel import TYPE, RelationsDock

DOC = DocumentId(1)
TEXT = "At least seven people were killed in Brennick on Tuesday."


def test_type_column_fits_a_relation_added_after_the_document_opened(qtbot: QtBot) -> None:
    spans = {
        SpanId(1): Span(SpanId(1), DOC, "CASUALTY_FIGURE", 0, 21),
        SpanId(2): Span(SpanId(2), DOC, "LOCATION", 37, 45),
    }
    dock = RelationsDock()
    qtbot.addWidget(dock)
    dock.resize(425, 200)
    dock.model.set_document(DOC, TEXT, (), spans.get)
    dock.show()
    qtbot.waitExposed(dock)
    added = Relation(RelationId(1), DOC, "LOCATED_IN", SpanId(1), SpanId(2), annotator="ana")
    dock.model.apply_changes(ChangeSet(relations_added=(added,)))
    needed = dock.view.fontMetrics().horizontalAdvance("LOCATED_IN")
    qtbot.waitUntil(lambda: dock.view.horizontalHeader().sectionSize(TYPE) >= needed)
