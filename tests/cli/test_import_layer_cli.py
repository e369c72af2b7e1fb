"""``annotator import --format tsv3|xmi --span-layer TYPE --label-feature NAME``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run
from tests.formats.test_layer_choice import TWO_LAYERS


def test_import_one_layer_with_its_label_feature(tmp_path: Path) -> None:
    assert run("init", "proj", cwd=tmp_path).returncode == 0
    (tmp_path / "two.tsv").write_text(TWO_LAYERS, encoding="utf-8")
    args = ("import", "proj", "two.tsv", "--format", "tsv3", "--add-labels")
    done = run(*args, "--span-layer", "NamedEntity", "--label-feature", "value", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stats = json.loads(run("stats", "proj", "--json", cwd=tmp_path).stdout)
    assert stats["spans_by_label"] == {"LOC": 1, "ORG": 1}
    missing = run(*args, "--span-layer", "Token", cwd=tmp_path)
    assert missing.returncode != 0
    assert "ANN340" in missing.stderr
