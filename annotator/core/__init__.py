"""Domain values and rules: documents, schemas, spans, relations, edits, offsets (stdlib only)."""
