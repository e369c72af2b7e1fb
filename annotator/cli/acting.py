"""Who a command acts as: ``--annotator`` before or after the command's name."""

from __future__ import annotations

import argparse


def add_who_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--annotator", dest="who", metavar="NAME", help="who you are (same as the global option)"
    )


def who(args: argparse.Namespace) -> str:
    """The annotator named after the command, else the global ``--annotator``, else ``""``."""
    return str(getattr(args, "who", None) or getattr(args, "annotator", "") or "")
