"""Composition root: logging, settings locations, the command line and the window."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from annotator.cli import main as cli
from annotator.cli.acting import add_who_option, who

APP_NAME = "annotator"
log = logging.getLogger(APP_NAME)


def log_file() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "annotator.log"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def configure_logging() -> Path | None:
    """Errors with tracebacks go to the log file; the user sees a short message instead."""
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser plus ``gui [DIR] [--annotator NAME]`` (what main.py runs)."""
    parser, commands = cli.build_parser()
    gui = commands.add_parser("gui", help="open the annotation window (the default)")
    gui.add_argument("dir", type=Path, nargs="?", help="project folder (default: the last one)")
    add_who_option(gui)
    return parser


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


GLOBAL_OPTIONS_WITH_VALUE = frozenset({"--db", "--annotator"})


def window_argv(argv: Sequence[str]) -> list[str]:
    """``main.py [global options] [DIR]``: the ``gui`` command goes after the global options
    (``--db URL``, ``--annotator NAME``), which the ``gui`` command itself does not know."""
    rest = list(argv)
    at = 0
    while at < len(rest) and rest[at].startswith("-") and rest[at] != "--":
        at += 2 if rest[at] in GLOBAL_OPTIONS_WITH_VALUE else 1
    at = min(at, len(rest))
    return [*rest[:at], "gui", *rest[at:]]


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    database_url = args.db or os.environ.get(cli.DATABASE_ENV) or None
    if args.command in (None, "gui"):
        return run_gui(args, database_url)
    try:
        return cli.run(args, database_url)
    except BrokenPipeError:
        # The reader went away (`annotator queue DIR | head`): not an error of ours. Point
        # stdout at /dev/null so that Python's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception:
        log.exception("unexpected error")
        print(
            f"annotator: internal error; details are in {log_file()}",
            file=sys.stderr,
        )
        return cli.EXIT_INTERNAL


def run_gui(args: argparse.Namespace, database_url: str | None) -> int:
    from annotator.gui.main import run

    folder: Path | None = getattr(args, "dir", None)
    return run(
        folder,
        database_url=database_url,
        annotator=who(args),
        config_dir=config_dir(),
        log_file=log_file(),
    )
