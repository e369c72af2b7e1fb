"""``annotator package export|merge`` as a user runs them: real processes, files, exit codes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from annotator.core.edits import AddSpan, RemoveSpan
from annotator.services.project import Project

from .test_cli import run


def test_export_merge_and_a_conflict_exit_1(tmp_path: Path) -> None:
    assert run("init", "main", cwd=tmp_path).returncode == 0
    assert run("init", "laptop", cwd=tmp_path).returncode == 0
    (tmp_path / "a.txt").write_text("Rebels shelled Aleppo on Monday, officials said.", "utf-8")
    (tmp_path / "b.txt").write_text("The ministry said 12 civilians died.", "utf-8")
    assert run("import", "main", "a.txt", "b.txt", cwd=tmp_path).returncode == 0
    with Project.open(tmp_path / "main") as main:
        first = main.document_ids()[0]
        main.apply(AddSpan(first, "ACTOR", 0, 6, {}, "ana"))

    exported = run(
        "package",
        "export",
        "main",
        "--annotator",
        "ana",
        "--out",
        "ana.zip",
        "--documents",
        "1-2",
        cwd=tmp_path,
    )
    assert exported.returncode == 0, exported.stderr
    assert "wrote ana's 1 span and 0 relations on 2 documents to ana.zip" in exported.stdout
    with zipfile.ZipFile(tmp_path / "ana.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["annotator"] == "ana"
    assert manifest["project"] == "main"
    assert len(manifest["documents"]) == 2

    merged = run("package", "merge", "laptop", "ana.zip", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "2 documents added, 0 updated, 0 unchanged, 0 conflicts, 0 errors" in merged.stdout

    with Project.open(tmp_path / "laptop") as laptop:
        document = laptop.document_ids()[0]
        laptop.apply(AddSpan(document, "LOCATION", 15, 21, {}, "ana"))
    back = run(
        "--annotator", "ana", "package", "export", "laptop", "--out", "back.zip", cwd=tmp_path
    )
    assert back.returncode == 0, back.stderr
    with Project.open(tmp_path / "main") as main:
        span = next(s for s in main.spans(first) if s.annotator == "ana")
        main.apply(RemoveSpan(span.id))
    conflict = run("package", "merge", "main", "back.zip", cwd=tmp_path)
    assert conflict.returncode == 1
    assert "1 conflict, 0 errors" in conflict.stdout
    assert "back.zip: document 1" in conflict.stderr
    assert "[ANN237]" in conflict.stderr

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    damaged = run("package", "merge", "main", "broken.zip", cwd=tmp_path)
    assert damaged.returncode == 1
    assert "broken.zip: not an annotator package" in damaged.stderr
    bad_ids = run("package", "export", "main", "--out", "x.zip", "--documents", "x", cwd=tmp_path)
    assert bad_ids.returncode == 1
    assert "[ANN239]" in bad_ids.stderr


def test_the_readme_form_exports_the_named_annotators_own_work_in_a_blind_project(
    tmp_path: Path,
) -> None:
    # `annotator package export corpus --annotator bob --out bob.zip`, no global --annotator:
    # the command acts as bob, who sees his own layer, instead of as nobody (an empty package)
    from annotator.services import team

    assert run("init", "main", cwd=tmp_path).returncode == 0
    (tmp_path / "a.txt").write_text("Rebels shelled Aleppo on Monday, officials said.", "utf-8")
    assert run("--annotator", "ana", "import", "main", "a.txt", cwd=tmp_path).returncode == 0
    with (
        Project.open(tmp_path / "main", annotator="ana") as ana,
        Project.open(tmp_path / "main", annotator="bob") as bob,
    ):
        first = ana.document_ids()[0]
        ana.apply(AddSpan(first, "ACTOR", 0, 6))
        bob.apply(AddSpan(first, "LOCATION", 15, 21))
        team.set_blind(ana, True)

    own = run("package", "export", "main", "--annotator", "bob", "--out", "bob.zip", cwd=tmp_path)
    assert own.returncode == 0, own.stderr
    assert "wrote bob's 1 span and 0 relations on 1 document to bob.zip" in own.stdout

    other = run(
        "--annotator", "cy", "package", "export", "main", "--annotator", "bob", "--out", "x.zip",
        cwd=tmp_path,
    )  # fmt: skip
    assert other.returncode == 1
    assert "cy may not export bob's layer" in other.stderr
    assert "[ANN380]" in other.stderr
    assert not (tmp_path / "x.zip").exists()
