"""Ingest throughput and memory: generated HTML pages and JSONL records through iter_records.

    python benchmarks/ingest.py                      # 10,000 HTML pages, 100,000 JSONL records
    python benchmarks/ingest.py --html 2000 --jsonl 20000 --workers 2
    python benchmarks/ingest.py --project-only --jsonl 30000 --dir /tmp/bench  # import only

Data is generated into a temporary folder (or ``--dir``). Each measurement runs in a fresh
process so its peak memory is its own: ``main`` is the importing process, ``worker`` the
largest worker process. "per CPU-s" divides by the CPU time of all processes, and "CPU ms/1k"
is that CPU time per 1,000 articles split into the main process and the workers: both stay
meaningful when other work shares the machine, unlike the wall-clock rate. With ``--dir`` the
generated data is kept there and reused by the next run with the same sizes. The last case
imports the JSONL file into a new SQLite project (``import_paths``: duplicate checks and
storage included). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import compile_package
from machine import reference

VOCABULARY = (
    "the council said on monday that it would spend more money on roads schools and "
    "hospitals after residents complained about delays officials expect the plan to cost "
    "million over five years while critics argue the budget ignores rural towns where "
    "services have been cut police reported a rise in thefts near the harbour as fishing "
    "boats returned early because of storms the minister told reporters the government "
    "would review the policy next spring after talks with unions and business leaders"
)
WORDS = VOCABULARY.split()
NAMES = ("Anna Berg", "Luis Ortega", "Mei Chen", "Tom Reyes", "Priya Anand", "Jon Smith")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        return f'"{" ".join(words)}," said {rng.choice(NAMES)}.'
    return " ".join(words) + "."


def paragraphs(rng: random.Random, number: int) -> list[str]:
    """About 600 words of article text, numbered so no two articles are the same."""
    result = [" ".join(sentence(rng) for _ in range(rng.randint(3, 5))) for _ in range(10)]
    result[0] = f"Article {number}: {result[0]}"
    return result


def html_page(rng: random.Random, number: int) -> str:
    nav = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(40))
    related = "".join(f'<li><a href="/news/{n}">{sentence(rng)[:60]}</a></li>' for n in range(10))
    footer = "".join(f'<li><a href="/page/{n}">Page {n}</a></li>' for n in range(30))
    body = paragraphs(rng, number)
    body.insert(
        3, "<figure><img src='/a.jpg'><figcaption>Photo: Agency/handout</figcaption></figure>"
    )
    body.insert(
        6,
        "<div class='newsletter-box'><p>Please enter email address to continue</p>"
        "<form><input type='email'><button>Sign up</button></form></div>",
    )
    body.insert(8, "<div class='video-promo'><a href='/v'>Storm hits the coast</a> 01:43</div>")
    article = "".join(item if item.startswith("<") else f"<p>{item}</p>" for item in body)
    script = "var x = {};" * 300
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Headline number {number} | The Daily Example</title>
<meta property="og:title" content="Headline number {number}">
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2023-0{1 + number % 9}-1{number % 9}T08:00:00Z">
<meta name="author" content="{rng.choice(NAMES)}">
<style>body {{ margin: 0 }} .nav li {{ display: inline }}</style><script>{script}</script>
</head><body><header><nav class="nav"><ul>{nav}</ul></nav>
<div class="ad-slot">Advertisement</div></header>
<main><article><h1>Headline number {number}</h1><div class="byline">By {rng.choice(NAMES)}</div>
{article}</article><aside class="related"><h4>Read more</h4><ul>{related}</ul></aside></main>
<footer><ul>{footer}</ul><p>© 2023 The Daily Example. All rights reserved.</p></footer>
<script>{script}</script></body></html>"""


def generate(folder: Path, html_count: int, jsonl_count: int) -> None:
    rng = random.Random(20240611)
    pages = folder / "html"
    shutil.rmtree(pages, ignore_errors=True)  # pages of an earlier, larger run
    pages.mkdir(parents=True)
    for number in range(html_count):
        (pages / f"{number:06}.html").write_text(html_page(rng, number), encoding="utf-8")
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as out:
        for number in range(jsonl_count):
            record = {
                "id": number,
                "headline": f"Headline number {number}",
                "body": "\n".join(paragraphs(rng, number)),
                "url": f"https://news.example.org/{number}",
                "published_at": "2023-03-14T08:30:00Z",
                "outlet": "The Daily Example",
                "tags": ["politics", "local"],
            }
            out.write(json.dumps(record) + "\n")


def measure(path: Path, workers: int, signatures: bool, project: bool) -> dict[str, float]:
    """Run one import in this process and report its figures (into a new SQLite project when
    ``project``: the whole import service, duplicate checks and storage included)."""
    from annotator.ingest import IngestFailure, IngestOptions, iter_records

    options = IngestOptions(signatures=signatures)
    with tempfile.TemporaryDirectory(prefix="ingest-project-") as folder:
        opened = None
        if project:  # imported only here: SQLAlchemy alone adds 30 MB to the peak memory
            from annotator.services.importing import import_paths
            from annotator.services.project import Project

            opened = Project.create(Path(folder) / "project")
        startup = resource.getrusage(resource.RUSAGE_SELF)
        startup_cpu = startup.ru_utime + startup.ru_stime  # imports, not importing
        documents = failures = characters = 0
        start = time.perf_counter()
        if opened is not None:
            with opened:
                report = import_paths(opened, [path], options=options, workers=workers)
            documents, failures = len(report.imported), len(report.failures)
            characters = 0
        else:
            for item in iter_records([path], options, workers=workers):
                if isinstance(item, IngestFailure):
                    failures += 1
                else:
                    documents += 1
                    characters += len(item.draft.text)
        seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    main_cpu = own.ru_utime + own.ru_stime - startup_cpu
    workers_cpu = workers_usage.ru_utime + workers_usage.ru_stime
    cpu = main_cpu + workers_cpu
    per_thousand = 1000 / max(documents, 1)
    return {
        "documents": documents,
        "failures": failures,
        "seconds": seconds,
        "per_second": documents / seconds,
        "per_cpu_second": documents / cpu,
        "main_cpu_ms": main_cpu * per_thousand * 1000,
        "workers_cpu_ms": workers_cpu * per_thousand * 1000,
        "mean_chars": characters / max(documents, 1),
        "main_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def run_child(
    path: Path, workers: int, signatures: bool, project: bool = False
) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", str(path), "--workers", str(workers)]
    if not signatures:
        command.append("--no-signatures")
    if project:
        command.append("--project")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def report(name: str, figures: dict[str, float]) -> None:
    print(
        f"{name:<34} {figures['documents']:>8,.0f} docs {figures['failures']:>4,.0f} failed "
        f"{figures['seconds']:>7.1f} s {figures['per_second']:>8,.0f}/s "
        f"({figures['per_cpu_second']:>6,.0f} per CPU-s, CPU ms/1k main "
        f"{figures['main_cpu_ms']:>4,.0f} + workers {figures['workers_cpu_ms']:>4,.0f}) "
        f"main {figures['main_peak_mb']:>5.0f} MB  worker {figures['worker_peak_mb']:>5.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html", type=int, default=10_000)
    parser.add_argument("--jsonl", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--dir", type=Path, help="where to generate and keep the data (default: a temp folder)"
    )
    parser.add_argument("--skip-html", action="store_true", help="measure JSONL only")
    parser.add_argument(
        "--project-only",
        action="store_true",
        help="measure only the JSONL import into a project (implies --skip-html)",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-signatures", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--project", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        figures = measure(args.measure, args.workers, not args.no_signatures, args.project)
        print(json.dumps(figures))
        return
    print(compile_package(), flush=True)
    print(reference(), flush=True)
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as temporary:
        folder = args.dir or Path(temporary)
        start = time.perf_counter()
        marker = folder / f"generated-{args.html}-{args.jsonl}"
        if not marker.exists():
            for old in folder.glob("generated-*"):
                old.unlink()
            generate(folder, args.html, args.jsonl)
            marker.touch()
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20
        print(
            f"generated {args.html:,} pages and {args.jsonl:,} records ({size:,.0f} MB) "
            f"in {time.perf_counter() - start:.0f} s"
        )
        pipeline_cases = not args.project_only
        for workers in sorted({1, args.workers}) if pipeline_cases and not args.skip_html else ():
            report(f"HTML, {workers} worker(s)", run_child(folder / "html", workers, True))
        for workers in sorted({1, args.workers}) if pipeline_cases else ():
            report(
                f"JSONL, {workers} worker(s)", run_child(folder / "articles.jsonl", workers, True)
            )
        if pipeline_cases:
            report(
                f"JSONL, {args.workers} worker(s), no signatures",
                run_child(folder / "articles.jsonl", args.workers, False),
            )
        report(
            f"JSONL into a project, {args.workers} w.",
            run_child(folder / "articles.jsonl", args.workers, True, project=True),
        )
    print(reference())


if __name__ == "__main__":
    main()
