"""The command line as a user runs it: real processes, real files, exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    environment.pop("ANNOTATOR_DATABASE_URL", None) if env is None else None
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_init_import_export_stats_on_real_files(tmp_path: Path) -> None:
    created = run("init", "proj", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert "created project 'proj'" in created.stdout
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "Rebels shell Aleppo as talks stall\n\nRebels shelled Aleppo on Monday, officials said.",
        encoding="utf-8",
    )
    (tmp_path / "in" / "b.jsonl").write_text(
        '{"text": "Second article", "title": "Two"}\n', encoding="utf-8"
    )
    imported = run("import", "proj", "in", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip().endswith("2 imported, 0 skipped as duplicates, 0 failed")
    again = run("import", "proj", "in/a.txt", cwd=tmp_path)
    assert again.returncode == 0
    assert "a.txt: same text as document 1" in again.stdout
    assert "0 imported, 1 skipped as duplicates, 0 failed" in again.stdout
    exported = run("export", "proj", "--format", "jsonl", "--out", "out.jsonl", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["title"] for line in lines] == [
        "Rebels shell Aleppo as talks stall",
        "Two",
    ]
    stats = run("stats", "proj", "--json", cwd=tmp_path)
    assert stats.returncode == 0
    assert json.loads(stats.stdout)["documents_by_status"] == {"new": 2}
    formats = run("formats", "--json", cwd=tmp_path)
    assert {"name": "jsonl", "import": True, "export": True}.items() <= json.loads(formats.stdout)[
        0
    ].items()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("stats", "missing"), "missing: no such project folder [ANN124]"),
        (("stats", "."), "not a project folder (no project.toml)"),
        (("init", "x", "--schema", "nope"), "unknown schema 'nope' (known: news-events)"),
        (("export", "proj", "--format", "nope", "--out", "o"), "no exporter named 'nope'"),
        (("export", "proj", "--out", "no/such/dir/o.jsonl"), "folder no/such/dir does not exist"),
    ],
)
def test_user_errors_exit_1_with_one_line(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    run("init", "proj", cwd=tmp_path)
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_inputs_are_listed_and_exit_1_while_the_rest_is_imported(tmp_path: Path) -> None:
    run("init", "proj", cwd=tmp_path)
    (tmp_path / "good.txt").write_text("A good article.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary\x00" * 40)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = run("import", "proj", "good.txt", "bad.txt", "empty.txt", "gone.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert "1 imported, 0 skipped as duplicates, 3 failed" in result.stdout
    assert "bad.txt: refused binary file" in result.stderr
    assert "[ANN132]" in result.stderr
    assert "empty.txt: the file holds no text [ANN137]" in result.stderr
    assert "gone.txt: no such file or folder [ANN130]" in result.stderr


def test_broken_project_toml_names_the_file_and_line(tmp_path: Path) -> None:
    run("init", "proj", cwd=tmp_path)
    toml = tmp_path / "proj" / "project.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[[labels]\n", encoding="utf-8")
    result = run("stats", "proj", cwd=tmp_path)
    assert result.returncode == 1
    assert "project.toml: invalid TOML" in result.stderr
    assert "line" in result.stderr


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run("bogus", cwd=tmp_path).returncode == 2
    assert run("import", cwd=tmp_path).returncode == 2


def test_database_url_from_the_environment_wins(tmp_path: Path) -> None:
    run("init", "proj", cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere.sqlite"
    env = {"ANNOTATOR_DATABASE_URL": f"sqlite:///{elsewhere}"}
    (tmp_path / "a.txt").write_text("Text", encoding="utf-8")
    result = run("import", "proj", "a.txt", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert elsewhere.exists()
    assert not (tmp_path / "proj" / "annotations.sqlite").exists() or run(
        "stats", "proj", "--json", cwd=tmp_path
    ).stdout.count('"documents": 0')
    via_flag = run("--db", f"sqlite:///{elsewhere}", "stats", "proj", "--json", cwd=tmp_path)
    assert json.loads(via_flag.stdout)["documents"] == 1


def test_output_cut_short_by_the_reader_is_not_an_internal_error() -> None:
    """`annotator ... | head -1`: the reader closes the pipe before everything is written."""
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-m", "annotator", "formats"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()  # a reader that has gone away
    err = child.stderr.read()
    assert child.wait(timeout=120) == 0
    assert b"internal error" not in err


INTERRUPT_WHILE_LOADING = """
import sys
from importlib.abc import MetaPathFinder


class Interrupt(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "annotator.app":  # what Ctrl-C during the program's imports raises
            raise KeyboardInterrupt
        return None


sys.meta_path.insert(0, Interrupt())
from annotator.__main__ import main  # what the annotator script runs

sys.exit(main(["formats"]))
"""


def test_ctrl_c_while_the_program_loads_ends_it_quietly() -> None:
    """Ctrl-C in the second or so the command line takes to import printed a traceback."""
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPT_WHILE_LOADING],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 130
    assert done.stderr == "annotator: interrupted\n"


@pytest.mark.parametrize(
    ("format_name", "out"), [("conll", "out.conll"), ("huggingface", "out.jsonl")]
)
def test_export_prints_what_the_format_cannot_carry(
    tmp_path: Path, format_name: str, out: str
) -> None:
    """The same lines as the export dialog's preview; formats that report them while writing
    are printed from the export's own report, without a second pass over the documents."""
    from annotator.core.edits import AddSpan
    from annotator.services.exporting import ExportSelection, preview_losses
    from annotator.services.formats import ExportOptions
    from annotator.services.project import Project

    assert run("init", "proj", cwd=tmp_path).returncode == 0
    (tmp_path / "a.txt").write_text("Rebels shelled Aleppo on Monday, officials said.", "utf-8")
    assert run("import", "proj", "a.txt", cwd=tmp_path).returncode == 0
    with Project.open(tmp_path / "proj") as project:
        (document,) = project.document_ids()
        project.apply(AddSpan(document, "ACTOR", 0, 14, {}, "ana"))
        project.apply(AddSpan(document, "LOCATION", 15, 21, {}, "ana"))
        project.apply(AddSpan(document, "CLAIM", 7, 31, {}, "ana"))
        expected = preview_losses(project, format_name, ExportSelection(), ExportOptions())
    assert expected.format_lines()

    exported = run("export", "proj", "--format", format_name, "--out", out, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    printed = exported.stdout.splitlines()
    start = printed.index(f"{format_name} cannot carry everything in this project:")
    assert printed[start + 1 : start + 1 + len(expected.format_lines())] == [
        f"  {line}" for line in expected.format_lines()
    ]
    assert (tmp_path / out).is_file()
