"""Every command that writes acts as --annotator in a team project (roles apply to the name)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run


def spans_by(tmp_path: Path) -> list[tuple[str, str, int, int]]:
    exported = run("export", "proj", "--out", "all.jsonl", "--layer", "all", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    [record] = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    return sorted((s["annotator"], s["label"], s["start"], s["end"]) for s in record["spans"])


def test_commands_act_as_the_named_annotator_in_a_team(tmp_path: Path) -> None:
    assert run("--annotator", "ana", "init", "proj", cwd=tmp_path).returncode == 0
    text = "Rebels shelled Aleppo on Monday."
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    assert run("import", "proj", "in.jsonl", cwd=tmp_path).returncode == 0
    added = run("members", "proj", "--annotator", "ana", "--add", "bob", cwd=tmp_path)
    assert added.returncode == 0, added.stderr

    labelled = run(
        "--annotator", "bob", "annotate-all", "proj", "Aleppo", "--label", "LOCATION", "--apply",
        cwd=tmp_path,
    )  # fmt: skip
    assert labelled.returncode == 0, labelled.stderr
    assert "labelled 1 as LOCATION" in labelled.stdout
    (tmp_path / "mine.jsonl").write_text(
        json.dumps({"text": text, "spans": [{"label": "ACTOR", "start": 0, "end": 6}]}) + "\n",
        encoding="utf-8",
    )
    imported = run(
        "--annotator", "bob", "import", "proj", "--format", "jsonl", "mine.jsonl", cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stderr
    assert spans_by(tmp_path) == [("bob", "ACTOR", 0, 6), ("bob", "LOCATION", 15, 21)]

    refused = run("--annotator", "bob", "schema", "proj", "add", "WEAPON", cwd=tmp_path)
    assert refused.returncode == 1
    assert "[ANN202]" in refused.stderr
    renamed = run("schema", "proj", "add", "WEAPON", "--annotator", "ana", cwd=tmp_path)
    assert renamed.returncode == 0, renamed.stderr
    merged = run("--annotator", "ana", "curate", "proj", "--auto-merge", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr


def test_the_window_takes_the_annotator_before_or_after_gui() -> None:
    from annotator.app import parse_arguments
    from annotator.cli.acting import who

    assert who(parse_arguments(["gui", "--annotator", "bob", "proj"])) == "bob"  # main.py
    assert who(parse_arguments(["--annotator", "ana", "gui", "proj"])) == "ana"
    assert who(parse_arguments(["gui", "proj"])) == ""
