"""The team commands as a user runs them: members, assign, queue, settings, export --layer."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run


def test_a_manager_sets_up_the_team_and_annotators_see_their_queue(tmp_path: Path) -> None:
    assert run("init", "proj", cwd=tmp_path).returncode == 0
    (tmp_path / "in.jsonl").write_text(
        "".join(f'{{"text": "Article {i} about Aleppo.", "title": "T{i}"}}\n' for i in range(4)),
        encoding="utf-8",
    )
    assert run("import", "proj", "in.jsonl", cwd=tmp_path).returncode == 0
    added = run("--annotator", "ana", "members", "proj", "--add", "bob", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "added bob as annotator" in added.stdout
    listed = run("members", "proj", "--json", cwd=tmp_path)
    assert json.loads(listed.stdout) == [
        {"name": "ana", "role": "manager", "assigned": 0},
        {"name": "bob", "role": "annotator", "assigned": 0},
    ]
    refused = run(
        "members", "proj", "--annotator", "bob", "--set-role", "bob", "manager", cwd=tmp_path
    )
    assert refused.returncode == 1
    assert "bob (annotator) may not change roles" in refused.stderr
    assert "[ANN202]" in refused.stderr
    assigned = run(
        "assign",
        "proj",
        "--annotator",
        "ana",
        "--to",
        "ana,bob",
        "--per-document",
        "1",
        cwd=tmp_path,
    )
    assert assigned.returncode == 0, assigned.stderr
    assert "4 new assignments over 4 documents" in assigned.stdout
    explicit = run(
        "assign", "proj", "--annotator", "ana", "--to", "bob", "--documents", "1-2", cwd=tmp_path
    )
    assert explicit.returncode == 0, explicit.stderr
    queue = run("queue", "proj", "--annotator", "bob", "--json", cwd=tmp_path)
    shown = json.loads(queue.stdout)
    assert shown["annotator"] == "bob"
    assert [d["id"] for d in shown["documents"]] == [1, 2, 4]
    assert {d["state"] for d in shown["documents"]} == {"assigned"}
    blind = run("settings", "proj", "--annotator", "ana", "--blind", "on", cwd=tmp_path)
    assert blind.stdout.strip() == "blind annotation: on"
    bad = run(
        "assign", "proj", "--annotator", "ana", "--to", "bob", "--documents", "x", cwd=tmp_path
    )
    assert bad.returncode == 1
    assert "ANN219" in bad.stderr
    # blind: the exporter names themselves (an unnamed one sees no layer: ANN381)
    exported = run(
        "--annotator", "ana", "export", "proj", "--format", "jsonl", "--out", "o.jsonl",
        "--layer", "bob", cwd=tmp_path,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    nameless = run(
        "export", "proj", "--format", "jsonl", "--out", "n.jsonl", "--layer", "bob", cwd=tmp_path
    )
    assert nameless.returncode == 1
    assert "[ANN381]" in nameless.stderr
