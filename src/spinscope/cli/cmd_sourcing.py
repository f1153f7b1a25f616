"""`spinscope eval sourcing`: quotes, speakers and sources against the hand-annotated articles."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from spinscope.cli.app import eval_app, fail, one_line_errors, warn


@eval_app.command("sourcing")
@one_line_errors
def eval_sourcing(
    gold: Path = typer.Option(Path("tests/data/sourcing"), "--gold", help="Folder of the gold parts."),
    data: Path = typer.Option(Path("../shared/data"), "--data", help="The shared data folder (FNC-1 and PTC texts)."),
    part: str = typer.Option("report", "--part", help="Gold part: a folder in --gold (tune, report, ...) or all."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=0, help="Resamples of the articles for 95% intervals."),
    errors: bool = typer.Option(False, "--errors", help="Also list each article's misses and wrong speakers."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score the quotes and sources detectors: quote P/R, speaker accuracy, source P/R and kind accuracy."""
    from spinscope.evaluation.sourcing import evaluate, format_table, load_gold

    if not gold.is_dir():
        fail(f"no such gold folder: {gold}")
    if not data.is_dir():
        fail(f"no such data folder: {data}")
    articles, missing = load_gold(gold, data, part)
    if missing:
        warn(f"{len(missing)} gold articles skipped: their text is not in {data} ({', '.join(missing[:5])})")
    if not articles:
        fail(f"none of the gold articles' texts is in {data}")
    summary, results = evaluate(articles, bootstrap)
    for message in summary["warnings"]:
        warn(f"scored with a detector warning: {message}")
    if as_json:
        if errors:
            summary["errors"] = {r.id: r.errors for r in results if r.errors}
        print(json.dumps(summary, indent=1))
        return
    print(format_table(summary, part))
    if errors:
        for r in results:
            for e in r.errors:
                print(f"{r.id}\t{e}")
