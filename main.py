"""Start the annotation window on the bundled sample project (or the project given)."""

from __future__ import annotations

import sys

from annotator.app import main, window_argv

if __name__ == "__main__":
    sys.exit(main(window_argv(sys.argv[1:])))
