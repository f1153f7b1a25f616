"""`spinscope analyze` and `spinscope techniques`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.app import app, fail, one_line_errors, parse_detectors, warn


class Format(StrEnum):
    terminal = "terminal"
    json = "json"
    tsv = "tsv"
    html = "html"


def build_options(
    *,
    allow_private: bool = False,
    resolve: list[str] | None = None,
    detectors: str | None = None,
    min_score: float | None = None,
    outlet_overrides: Path | None = None,
    any_language: bool = False,
    max_mb: float = 5.0,
) -> object:
    """Map CLI flags onto the one Options object."""
    from spinscope.config import Options
    from spinscope.detectors import DEFAULT_DETECTORS

    names = parse_detectors(detectors) or DEFAULT_DETECTORS
    for item in resolve or []:
        if ":" not in item:
            fail(f"--resolve wants HOST:ADDRESS, got {item!r}")
    threshold = {} if min_score is None else {"min_score": min_score}  # unset: the analyzer's default threshold
    return Options(
        **threshold,  # type: ignore[arg-type]
        detectors=names,
        allow_private=allow_private,
        outlet_overrides=outlet_overrides,
        require_english=not any_language,
        max_bytes=int(max_mb * 1_000_000),
        extra={"resolve": ",".join(resolve or [])},
    )


@app.command(short_help="Analyse one article and explain how it persuades.")
@one_line_errors
def analyze(
    source: Annotated[
        str | None,
        typer.Argument(metavar="SOURCE", help="A .txt or .html file, an http(s) URL, or '-' for standard input."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.terminal,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write to this file instead of stdout.")
    ] = None,
    short: Annotated[
        bool, typer.Option("--short", "-s", help="Terminal report: summary, checks and one line per finding.")
    ] = False,
    example: Annotated[bool, typer.Option("--example", help="Analyse the bundled example article.")] = False,
    url: Annotated[
        str | None, typer.Option("--url", metavar="URL", help="The article's address, when SOURCE is text or a file.")
    ] = None,
    outlet: Annotated[
        str | None,
        typer.Option("--outlet", metavar="NAME|DOMAIN", help="Its publisher: a domain (bbc.co.uk) or a name (BBC)."),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Its publication date (ISO 8601).")
    ] = None,
    article_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="Its id in reports (default: file name or hash).")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow URLs on loopback/private/link-local addresses.")
    ] = False,
    resolve: Annotated[
        list[str] | None,
        typer.Option("--resolve", metavar="HOST:ADDRESS", help="Connect to ADDRESS for HOST (like curl)."),
    ] = None,
    detectors: Annotated[
        str | None, typer.Option(metavar="NAMES", help="Comma-separated detectors to run (default: all).")
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(metavar="SCORE", help="Drop findings scored below this (default: the calibrated threshold)."),
    ] = None,
    outlet_overrides: Annotated[
        Path | None, typer.Option(metavar="FILE", help="TOML or CSV file adding or correcting outlet ratings.")
    ] = None,
    any_language: Annotated[
        bool, typer.Option("--any-language", help="Analyse articles that do not look English.")
    ] = False,
    max_mb: Annotated[float, typer.Option(metavar="MB", help="Refuse inputs larger than this many MB.")] = 5.0,
) -> None:
    """Analyse one article and report where its language persuades rather than informs.

    Plain text takes its headline from the first line. --url, --outlet, --date and --id describe an
    article given as a file or on standard input (the outlet profile and corpus trends use them).
    """
    from spinscope.analyzer import Analyzer
    from spinscope.config import Options
    from spinscope.ingest.metadata import with_metadata

    if example:
        from importlib import resources

        source = str(resources.files("spinscope").joinpath("resources/examples/example.txt"))
    if source is None:
        fail("give a file, a URL or '-' (or --example)")
    options = build_options(
        allow_private=allow_private,
        resolve=resolve,
        detectors=detectors,
        min_score=min_score,
        outlet_overrides=outlet_overrides,
        any_language=any_language,
        max_mb=max_mb,
    )
    assert isinstance(options, Options)
    is_url = source.startswith(("http://", "https://"))
    if source != "-" and not is_url and not Path(source).exists():
        fail(f"{source}: no such file (give a file, an http(s) URL, or '-' for standard input)")
    from spinscope.budget import Budget

    analyzer = Analyzer(options)
    with Budget.from_options(options):  # reading and analysis end within the per-article budget
        article = analyzer.load(source if source == "-" or is_url else Path(source))
        article = with_metadata(article, url=url, outlet=outlet, date=date, id=article_id)
        report = analyzer.analyze_article(article)
    if fmt == Format.terminal:
        from spinscope.render.terminal import plain_console, render_terminal

        if out is not None:
            with out.open("w", encoding="utf-8") as fh:
                render_terminal(report, plain_console(fh, width=120), short=short)
        else:
            render_terminal(report, plain_console(), short=short)
        return
    for w in report.warnings:
        warn(w)
    if fmt == Format.json:
        from spinscope.render.json import render_json

        text = render_json(report)
    elif fmt == Format.tsv:
        from spinscope.render.semeval import render_tsv

        text = render_tsv(report)
    else:
        from spinscope.render.html import render_html

        text = render_html(report)
    if out is not None:
        out.write_text(text if text.endswith("\n") or not text else text + "\n", encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


@app.command()
def techniques() -> None:
    """List the techniques spinscope reports, with their definitions."""
    from rich.console import Console
    from rich.table import Table

    from spinscope.techniques import catalogue

    table = Table()
    table.add_column("technique")
    table.add_column("PTC")
    table.add_column("definition")
    for t in catalogue().values():
        table.add_row(t.name, "yes" if t.ptc else "no", t.definition)
    Console(soft_wrap=True).print(table)
