"""``main.py`` starts the window with global options before or without the folder."""

from pathlib import Path

import pytest

from annotator.app import build_parser, window_argv


@pytest.mark.parametrize(
    ("argv", "annotator", "db", "folder"),
    [
        (["--annotator", "amira", "proj"], "amira", None, Path("proj")),
        (["--annotator=amira", "proj"], "amira", None, Path("proj")),
        (["--db", "sqlite:///x.sqlite", "--annotator", "ben"], "ben", "sqlite:///x.sqlite", None),
        (["proj"], "", None, Path("proj")),
        ([], "", None, None),
    ],
)
def test_global_options_go_before_the_window_command(
    argv: list[str], annotator: str, db: str | None, folder: Path | None
) -> None:
    args = build_parser().parse_args(window_argv(argv))
    assert args.command == "gui"
    assert (args.annotator, args.db, args.dir) == (annotator, db, folder)
