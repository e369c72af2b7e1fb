"""Imported by the spaCy export's worker server: every shard worker forked from it starts with
spaCy, its blank pipeline and zlib-ng loaded (see :mod:`annotator.formats.worker_server`)."""

import signal
from contextlib import suppress

from annotator.formats.spacy_shard import load_for_workers

# A Ctrl-C on a terminal reaches the whole process group: the server leaves it to the export,
# which ends the server, instead of printing an import's traceback. (Python's forkserver
# ignores SIGINT itself once its preload is done, and gives the workers this handler back.)
_handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
try:
    # A failure here would end the server (it only survives an ImportError) and every export
    # with it, unexplained; a worker that finds nothing loaded loads it itself and reports it.
    with suppress(Exception):
        load_for_workers()
finally:
    signal.signal(signal.SIGINT, _handler)
