"""`spinscope batch`, `spinscope corpus`, `spinscope export labelstudio`, `spinscope import labelstudio`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from spinscope.cli.app import app, fail, one_line_errors, warn

if TYPE_CHECKING:
    from spinscope.batch.runner import BatchSummary

export_app = typer.Typer(help="Export results for other tools (Label Studio).", no_args_is_help=True)
import_app = typer.Typer(help="Import reviewed annotations (Label Studio).", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


def _rich_progress() -> Any:
    """A rich progress bar on stderr: records, articles/s, ETA, errors."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from spinscope.batch.runner import Progress as BaseProgress

    class RichProgress(BaseProgress):
        def __init__(self) -> None:
            self.bar = Progress(
                TextColumn("[bold]batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>6.1f} articles/s"),
                TimeRemainingColumn(),
                TextColumn("errors: {task.fields[errors]}"),
                console=Console(stderr=True),
                transient=False,
            )
            self.task = self.bar.add_task("batch", total=None, rate=0.0, errors=0)
            self.t0 = time.perf_counter()

        def start(self, total: int | None) -> None:
            self.t0 = time.perf_counter()
            self.bar.start()

        def set_total(self, total: int) -> None:
            self.bar.update(self.task, total=total)

        def advance(self, processed: int, analysed: int, failed: int) -> None:
            rate = analysed / max(1e-9, time.perf_counter() - self.t0)
            self.bar.update(self.task, completed=processed, rate=rate, errors=failed)

        def stop(self) -> None:
            self.bar.stop()

    return RichProgress()


def _print_summary(summary: BatchSummary) -> None:
    s = summary
    state = f"interrupted by {s.interrupted}" if s.interrupted else "finished"
    print(
        f"spinscope batch {state}: done {s.done}, failed {s.failed}, skipped {s.skipped}"
        + (f", duplicate ids {s.duplicates}" if s.duplicates else "")
        + f" ({s.rate:.1f} articles/s, {s.elapsed_s:.1f} s); {s.in_results} records in "
        + (f"the journal; rerun with --resume to finish {s.out}" if s.interrupted else str(s.out)),
        file=sys.stderr,
    )
    if s.duplicate_ids:
        warn("ids repeated in the inputs were analysed once: " + ", ".join(s.duplicate_ids[:5]))


@app.command("batch")
@one_line_errors
def batch_cmd(
    inputs: list[str] = typer.Argument(..., help="JSONL/CSV files, directories of .txt/.html, or globs."),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Results: .jsonl (default), .parquet, .sqlite, .duckdb."
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="Local worker processes (default: all cores; 0: in this process)."
    ),
    resume: bool = typer.Option(False, "--resume", help="Finish an interrupted run / add missing records."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing results and journal."),
    retry_errors: bool = typer.Option(
        False, "--retry-errors", help="With --resume: analyse error records again."
    ),
    dask: str | None = typer.Option(
        None, "--dask", help="Run on a Dask cluster: scheduler address tcp://HOST:PORT."
    ),
    detectors: str | None = typer.Option(
        None, "--detectors", help="Comma-separated detectors (default: all)."
    ),
    chunk_size: int = typer.Option(4, "--chunk-size", help="Records per local task."),
    recycle: int | None = typer.Option(
        None,
        "--max-tasks-per-worker",
        help="Restart a local worker after this many tasks (caps memory growth of long runs).",
    ),
    time_budget: float = typer.Option(
        120.0, "--time-budget", metavar="S", help="Per-record time budget in seconds (0: none)."
    ),
    memory_budget: float = typer.Option(
        2000.0, "--memory-budget", metavar="MB", help="Per-worker memory budget in MB of RSS (0: none)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Analyse a corpus: every record gives exactly one result (its report or its error). A record whose
    reading and analysis run past the time or memory budget becomes an error record."""
    import dataclasses

    from spinscope.batch.runner import run_batch
    from spinscope.config import Options

    if workers is not None and workers < 0:
        fail("--workers must be 0 or more")
    if chunk_size < 1:
        fail("--chunk-size must be at least 1")
    if time_budget < 0 or memory_budget < 0:
        fail("--time-budget and --memory-budget must be 0 (no limit) or more")
    options = Options(time_budget=time_budget or None, memory_budget_mb=memory_budget or None)
    if detectors:
        from spinscope.detectors import REGISTRY

        names = tuple(d.strip() for d in detectors.split(",") if d.strip())
        unknown = [d for d in names if d not in REGISTRY]
        if unknown:
            fail(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
        options = dataclasses.replace(options, detectors=names)
    progress = None if quiet else _rich_progress()
    summary = run_batch(
        inputs,
        out,
        options=options,
        workers=workers,
        resume=resume,
        overwrite=overwrite,
        retry_errors=retry_errors,
        dask_address=dask,
        progress=progress,
        chunk_size=chunk_size,
        max_tasks_per_child=recycle,
        count_total=not quiet,
    )
    _print_summary(summary)
    if summary.interrupted:
        raise typer.Exit(143 if summary.interrupted == "SIGTERM" else 130)


@app.command("corpus")
@one_line_errors
def corpus_cmd(
    results: Path = typer.Argument(
        ..., help="Results of `spinscope batch` (.jsonl, .parquet, .sqlite, .duckdb)."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Report file to write."),
    fmt: str = typer.Option("html", "--format", "-f", help="html, json or csv (the per-outlet table)."),
    top: int = typer.Option(15, "--top", help="Rows in the top-N tables and charts."),
    min_articles: int = typer.Option(1, "--min-articles", help="Leave out outlets with fewer articles."),
    article_reports: bool = typer.Option(
        True, "--article-reports/--no-article-reports",
        help="html: write the report of each article the page lists into OUT_reports/ and link its row to it.",
    ),
) -> None:
    """Corpus report: per-outlet and per-technique tables, score distribution, trends, charts."""
    from spinscope.aggregate import summarize_results
    from spinscope.render.common import count_noun

    if fmt not in ("html", "json", "csv"):
        fail(f"unknown --format {fmt!r}: use html, json or csv")
    summary = summarize_results(results, top=top, min_articles=min_articles)
    if fmt == "html":
        from spinscope.render.corpus import linked_ids, render_html, write_article_reports

        links = (
            write_article_reports(results, linked_ids(summary), out.parent / f"{out.stem}_reports")
            if article_reports
            else None
        )
        text = render_html(summary, links=links)
    elif fmt == "json":
        from spinscope.render.corpus import render_json

        text = render_json(summary)
    else:
        from spinscope.render.corpus import render_csv

        text = render_csv(summary)
    _atomic_write_text(out, text)
    print(
        f"spinscope corpus: {count_noun(summary.articles, 'article')}, {count_noun(summary.errors, 'error')}, "
        f"{count_noun(len(summary.outlets), 'outlet')} -> {out}",
        file=sys.stderr,
    )


@export_app.command("labelstudio")
@one_line_errors
def export_labelstudio_cmd(
    results: Path = typer.Argument(..., help="Results of `spinscope batch`."),
    out: Path = typer.Option(..., "--out", "-o", help="Label Studio tasks JSON to write."),
    min_score: float = typer.Option(0.0, "--min-score", help="Leave out predicted spans scored below this."),
    ptc_only: bool = typer.Option(True, "--ptc-only/--all-labels", help="Only the 14 PTC techniques."),
) -> None:
    """Label Studio tasks with spinscope's spans as pre-annotations (plus a labelling config)."""
    from spinscope.labelstudio import export_tasks, label_config

    n = export_tasks(results, out, min_score=min_score, ptc_only=ptc_only)
    config = out.with_name(out.stem + ".config.xml")
    _atomic_write_text(config, label_config())
    print(f"spinscope export: {n} tasks -> {out} (labelling config: {config})", file=sys.stderr)


@import_app.command("labelstudio")
@one_line_errors
def import_labelstudio_cmd(
    export: Path = typer.Argument(..., help="Label Studio JSON export of the reviewed tasks."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for PTC-format articles and labels."),
) -> None:
    """Reviewed annotations to PTC files: train-articles/*.txt and TAB-separated label files."""
    from spinscope.labelstudio import import_annotations

    stats = import_annotations(export, out)
    print(
        f"spinscope import: {stats['articles']} articles, {stats['spans']} spans "
        f"({stats['skipped']} tasks without a reviewed annotation skipped) -> {out}",
        file=sys.stderr,
    )


def _atomic_write_text(path: Path, text: str) -> None:
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
