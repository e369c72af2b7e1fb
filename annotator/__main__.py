"""``python -m annotator``: the command line, or the window when no command is given."""

from __future__ import annotations

import sys
from collections.abc import Sequence

INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Load the application and run it; a Ctrl-C while it loads ends it quietly, as one later
    does (the ``annotator`` script calls this before anything heavy is imported)."""
    try:
        from annotator.app import main as run
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return INTERRUPTED
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
