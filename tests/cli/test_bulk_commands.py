"""``annotator annotate-all`` and ``annotator schema`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import run


def test_annotate_all_then_rename_and_merge_labels_from_the_command_line(tmp_path: Path) -> None:
    assert run("init", "proj", cwd=tmp_path).returncode == 0
    (tmp_path / "a.jsonl").write_text(
        '{"title": "One", "text": "Rebels shelled Aleppo. Aleppo\\u2019s mayor fled Aleppo."}\n'
        '{"title": "Two", "text": "Aid reached ALEPPO on Friday."}\n',
        encoding="utf-8",
    )
    assert run("import", "proj", "a.jsonl", cwd=tmp_path).returncode == 0

    listed = run(
        "annotate-all", "proj", "aleppo", "--label", "LOCATION", "--ignore-case", cwd=tmp_path
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[-1] == "3 hits in 2 documents"
    assert "1\t15-21\t…Rebels shelled [Aleppo]. Aleppo’s mayor" in listed.stdout
    applied = run(
        "--annotator", "ana", "annotate-all", "proj", "aleppo", "--label", "LOCATION",
        "--ignore-case", "--apply", cwd=tmp_path,
    )  # fmt: skip
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.splitlines()[-1] == "labelled 3 as LOCATION"

    dry = run("schema", "proj", "rename", "LOCATION", "PLACE", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "3 spans relabelled" in dry.stdout
    assert "LOCATION" in (tmp_path / "proj" / "project.toml").read_text(encoding="utf-8")
    renamed = run("schema", "proj", "rename", "LOCATION", "PLACE", cwd=tmp_path)
    assert renamed.returncode == 0, renamed.stderr
    assert "3 spans relabelled" in renamed.stdout
    shown = run("schema", "proj", cwd=tmp_path)
    assert "3 spans" in next(line for line in shown.stdout.splitlines() if "PLACE" in line)

    refused = run("schema", "proj", "hotkey", "ACTOR", "r", cwd=tmp_path)
    assert refused.returncode == 1
    assert "reserved" in refused.stderr
    assert "ANN277" in refused.stderr
