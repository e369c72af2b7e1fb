"""Start the annotation window on the bundled sample project (or the project given)."""

from __future__ import annotations

import sys

from annotator.app import main

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))
