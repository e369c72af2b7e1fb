"""The help a user reads says what the options really do (and their defaults)."""

from __future__ import annotations

import argparse

from annotator.app import build_parser


def subcommand_help(name: str) -> str:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return " ".join(action.choices[name].format_help().split())
    raise AssertionError("no subcommands")


def test_import_workers_are_not_only_for_html() -> None:
    text = subcommand_help("import")
    assert "processes for parsing HTML" not in text  # JSONL, CSV and text use them too
    assert "--workers N worker processes that read, clean and sign articles" in text


def test_annotate_all_says_what_each_mode_does_and_the_default() -> None:
    text = subcommand_help("annotate-all")
    assert "whole-word (the default)" in text
    assert "regex: a Python regular expression" in text
    assert "--ignore-case" in text
