"""Team load: concurrent annotator processes editing shared documents, checked for lost updates.

Each worker is a process (spawn) opening the project as its own annotator and making ``edits``
edits as fast as it can: relabel, resize and delete spans of a shared layer (curators; the
last two workers are plain annotators, whose attempts are refused), add spans of its own and
relabel them. Expected versions come from what the worker last saw, as in the window, so
concurrent changes to the same span conflict. Every outcome is logged; :func:`verify` checks
the database against the logs: every successful update produced a distinct version, every span's
final version counts its successful updates, every add and delete happened exactly as logged,
the edit log has one row per successful edit.

Run: ``.venv/bin/python benchmarks/team.py [--workers 8] [--edits 500]``. PostgreSQL comes from
ANNOTATOR_TEST_POSTGRES_URL or a throwaway server started with scripts/pg-throwaway; the SQLite
case uses one file shared by two processes. Prints edits per second; asserts the checks. Then
runs benchmarks/agreement.py (agreement over 1,000 documents x 3 annotators) unless
``--no-agreement``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.annotation import Span
from annotator.core.document import DocumentDraft
from annotator.core.edits import AddSpan, Edit, RelabelSpan, RemoveSpan, ResizeSpan
from annotator.core.errors import EditError, PermissionDeniedError, StaleDataError
from annotator.core.ids import SpanId
from annotator.core.team import Role
from annotator.services import team
from annotator.services.project import Project
from annotator.services.project_files import init_project

MANAGER = "boss"
TEXT = (
    "Rebels shelled the market in Aleppo on Monday and officials in Damascus said that "
    "seven civilians were killed near the river while the army moved north to Idlib. "
) * 3
WORDS = [(m.start(), m.end()) for m in re.finditer(r"\w+", TEXT)]


@dataclass
class WorkerLog:
    name: str
    successes: list[tuple[str, int, int]] = field(default_factory=list)
    """(kind, span id, version after: the expected version for a delete)."""
    refused: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    seconds: float = 0.0
    attempted: int = 0


def prepare(folder: Path, url: str, workers: int, documents: int = 4, shared: int = 20) -> None:
    """A project with ``documents`` documents, ``shared`` spans each in the manager's layer,
    workers w0.. as curators except the last two (annotators) when there are more than two."""
    init_project(folder, name="load")
    with Project.open(folder, database_url=url, annotator=MANAGER) as project:
        project.database.add_documents(
            [
                (DocumentDraft(f"{TEXT}{n}", title=f"Shared {n}"), f"load:{n}")
                for n in range(documents)
            ],
            project.now(),
        )
        for document_id in project.document_ids():
            for start, end in WORDS[:shared]:
                project.apply(AddSpan(document_id, "ACTOR", start, end))
        for index in range(workers):
            plain = workers > 2 and index >= workers - 2
            team.add_member(project, f"w{index}", Role.ANNOTATOR if plain else Role.CURATOR)


def worker(
    index: int, folder: str, url: str, edits: int, barrier: Any, results: Any, seed: int
) -> None:
    log = WorkerLog(f"w{index}")
    try:
        _work(Path(folder), url, edits, barrier, log, random.Random(seed * 1000 + index))
    except Exception as error:  # reported to the parent, which fails the run
        log.unexpected.append(f"worker crashed: {error!r}")
    results.put(log)


def _work(
    folder: Path,
    url: str,
    edits: int,
    barrier: Any,
    log: WorkerLog,
    rng: random.Random,
) -> None:
    with Project.open(folder, database_url=url, annotator=log.name) as project:
        documents = project.document_ids()
        shared: dict[SpanId, Span] = {
            s.id: s for d in documents for s in project.spans(d) if s.annotator == MANAGER
        }
        own: dict[SpanId, Span] = {}
        barrier.wait()
        started = time.perf_counter()
        for _ in range(edits):
            log.attempted += 1
            roll = rng.random()
            target: Span | None = None
            kind = "add"
            edit: Edit
            if roll < 0.45 and shared:
                target = rng.choice(list(shared.values()))
                kind = "update"
                if rng.random() < 0.5:
                    label = "LOCATION" if target.label == "ACTOR" else "ACTOR"
                    edit = RelabelSpan(target.id, label, None, target.version)
                else:
                    end = target.end - 1 if target.end - target.start > 2 else target.end + 1
                    edit = ResizeSpan(target.id, target.start, end, target.version)
            elif roll < 0.46 and shared:
                target = rng.choice(list(shared.values()))
                kind = "delete"
                edit = RemoveSpan(target.id, target.version)
            elif roll < 0.85 or not own:
                first = rng.randrange(len(WORDS) - 2)
                start, end = WORDS[first][0], WORDS[first + rng.randrange(3)][1]
                label = rng.choice(["ACTOR", "LOCATION", "CLAIM"])
                edit = AddSpan(rng.choice(documents), label, start, end)
            else:
                target = rng.choice(list(own.values()))
                kind = "own"
                label = "LOCATION" if target.label == "ACTOR" else "ACTOR"
                edit = RelabelSpan(target.id, label, None, target.version)
            try:
                applied = project.apply(edit)
            except StaleDataError:
                log.refused["stale"] += 1
                if target is not None:
                    _refresh(project, target, shared)
                continue
            except PermissionDeniedError:
                log.refused["permission"] += 1
                continue
            except EditError:
                log.refused["rule"] += 1  # e.g. the same span twice in one layer
                continue
            changes = applied.changes
            if kind == "delete":
                assert target is not None
                log.successes.append(("delete", int(target.id), target.version))
                shared.pop(target.id, None)
            elif kind == "add":
                span = changes.spans_added[0]
                own[span.id] = span
                log.successes.append(("add", int(span.id), span.version))
            else:
                after = changes.spans_updated[0][1]
                (shared if kind == "update" else own)[after.id] = after
                log.successes.append((kind, int(after.id), after.version))
        log.seconds = time.perf_counter() - started


def _refresh(project: Project, stale: Span, shared: dict[SpanId, Span]) -> None:
    """What the window does after a conflict: read the document again."""
    current = {s.id: s for s in project.spans(stale.document_id) if s.annotator == MANAGER}
    for span_id in [i for i, s in shared.items() if s.document_id == stale.document_id]:
        if span_id in current:
            shared[span_id] = current[span_id]
        else:
            shared.pop(span_id)


def run_load(folder: Path, url: str, workers: int, edits: int, seed: int = 1) -> list[WorkerLog]:
    """Start the workers together and collect their logs (the project must be prepared)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(
            target=worker, args=(i, str(folder), url, edits, barrier, results, seed), daemon=True
        )
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    logs = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return sorted(logs, key=lambda log: log.name)


def verify(folder: Path, url: str, logs: list[WorkerLog]) -> list[str]:
    """Everything the logs say happened is in the database, and nothing else."""
    problems = [f"{log.name}: {text}" for log in logs for text in log.unexpected]
    with Project.open(folder, database_url=url, annotator=MANAGER) as project:
        spans = {s.id: s for d in project.document_ids() for s in project.spans(d)}
        _, changes = project.changes_since(0, limit=1_000_000)
    updates: dict[int, list[int]] = defaultdict(list)
    deletes: dict[int, list[int]] = defaultdict(list)
    adds: dict[int, str] = {}
    for log in logs:
        for kind, span_id, version in log.successes:
            if kind == "add":
                adds[span_id] = log.name
            elif kind == "delete":
                deletes[span_id].append(version)
            else:
                updates[span_id].append(version)
    for span_id, versions in updates.items():
        expected = list(range(2, len(versions) + 2))
        if sorted(versions) != expected:
            problems.append(f"span {span_id}: successful updates gave versions {sorted(versions)}")
    for span_id, versions in deletes.items():
        if len(versions) != 1:
            problems.append(f"span {span_id} deleted {len(versions)} times")
        elif versions[0] != len(updates[span_id]) + 1:
            problems.append(f"span {span_id} deleted at version {versions[0]} after lost updates")
        if SpanId(span_id) in spans:
            problems.append(f"span {span_id} was deleted but is still there")
    for span_id, span in spans.items():
        if int(span_id) in deletes:
            continue
        if span.version != len(updates[int(span_id)]) + 1:
            problems.append(
                f"span {span_id}: version {span.version}, updates logged "
                f"{len(updates[int(span_id)])}"
            )
    for span_id, name in adds.items():
        found = spans.get(SpanId(span_id))
        if found is None or found.annotator != name:
            problems.append(f"span {span_id} added by {name} is missing or not theirs")
    made = sum(len(log.successes) for log in logs)
    logged = sum(1 for c in changes if c.annotator.startswith("w"))
    if logged != made:
        problems.append(f"{made} successful edits but {logged} edit log rows")
    return problems


def measure(folder: Path, url: str, workers: int, edits: int) -> tuple[float, list[WorkerLog]]:
    prepare(folder, url, workers)
    logs = run_load(folder, url, workers, edits)
    problems = verify(folder, url, logs)
    if problems:
        raise AssertionError("\n".join(problems[:20]))
    attempted = sum(log.attempted for log in logs)
    return attempted / max(log.seconds for log in logs), logs


def _report(title: str, rate: float, logs: list[WorkerLog]) -> None:
    refused: Counter[str] = Counter()
    for log in logs:
        refused.update(log.refused)
    made = sum(len(log.successes) for log in logs)
    print(
        f"{title}: {rate:,.0f} edits/s attempted ({made:,} committed; refused: "
        f"{dict(refused)}); no lost update"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--sqlite-edits", type=int, default=500)
    parser.add_argument(
        "--no-agreement",
        action="store_true",
        help="skip agreement over 1,000 documents x 3 annotators (benchmarks/agreement.py)",
    )
    args = parser.parse_args()
    url = os.environ.get("ANNOTATOR_TEST_POSTGRES_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        if url:
            import psycopg

            schema = f"bench_{os.getpid()}"
            plain = url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(plain, autocommit=True) as connection:
                connection.execute(f'CREATE SCHEMA "{schema}"')
            try:
                separator = "&" if "?" in url else "?"
                scoped = f"{url}{separator}options=-csearch_path%3D{schema}"
                rate, logs = measure(Path(tmp) / "pg", scoped, args.workers, args.edits)
                _report(f"PostgreSQL, {args.workers} annotators x {args.edits} edits", rate, logs)
            finally:
                with psycopg.connect(plain, autocommit=True) as connection:
                    connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        else:
            print(
                "PostgreSQL: skipped (set ANNOTATOR_TEST_POSTGRES_URL or use scripts/pg-throwaway)"
            )
        folder = Path(tmp) / "lite"
        sqlite_url = f"sqlite:///{folder / 'annotations.sqlite'}"
        rate, logs = measure(folder, sqlite_url, 2, args.sqlite_edits)
        _report(f"SQLite, one file, 2 processes x {args.sqlite_edits} edits", rate, logs)
    if not args.no_agreement:
        print("\nagreement, 1,000 documents x 3 annotators (SQLite):")
        subprocess.run([sys.executable, str(Path(__file__).with_name("agreement.py"))], check=True)


if __name__ == "__main__":
    main()
