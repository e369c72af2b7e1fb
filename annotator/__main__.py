"""``python -m annotator``: the command line, or the window when no command is given."""

from __future__ import annotations

import sys

from annotator.app import main

if __name__ == "__main__":
    sys.exit(main())
