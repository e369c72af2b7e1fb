"""Imported by the spaCy export's worker server: every shard worker forked from it starts with
spaCy, its blank pipeline and zlib-ng loaded (see :mod:`annotator.formats.worker_server`)."""

from annotator.formats.spacy_shard import load_for_workers

load_for_workers()
