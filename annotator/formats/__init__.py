"""Annotation file formats: one module per format, pure and streaming."""
