"""`annotator import` of articles refuses a team member who is not a manager."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run


def test_importing_articles_is_for_managers_in_a_team(tmp_path: Path) -> None:
    assert run("--annotator", "ana", "init", "proj", cwd=tmp_path).returncode == 0
    added = run("members", "proj", "--annotator", "ana", "--add", "bob", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    (tmp_path / "in.jsonl").write_text(
        json.dumps({"text": "Rebels shelled Aleppo on Monday."}) + "\n", encoding="utf-8"
    )

    refused = run("--annotator", "bob", "import", "proj", "in.jsonl", cwd=tmp_path)
    assert refused.returncode == 1
    assert "bob (annotator) may not add documents; only a manager may [ANN202]" in refused.stderr
    assert "imported" not in refused.stdout

    imported = run("--annotator", "ana", "import", "proj", "in.jsonl", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "1 imported" in imported.stdout
