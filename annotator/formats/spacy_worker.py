"""Imported by the spaCy export's worker server: every shard worker forked from it starts with
spaCy, its blank pipeline and zlib-ng loaded (see :mod:`annotator.formats.worker_server`)."""

from contextlib import suppress

from annotator.formats.spacy_shard import load_for_workers

# A failure here would end the server (it only survives an ImportError) and every export with
# it, unexplained; a worker that finds nothing loaded loads it itself and reports the error.
with suppress(Exception):
    load_for_workers()
