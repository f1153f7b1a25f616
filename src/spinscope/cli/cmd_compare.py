"""`spinscope compare A B`: two articles on the same story side by side."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.app import app, fail, one_line_errors


@app.command(short_help="Compare two articles on the same story, side by side.")
@one_line_errors
def compare(
    first: Annotated[str | None, typer.Argument(metavar="A", help="A .txt/.html file, an http(s) URL or '-'.")] = None,
    second: Annotated[str | None, typer.Argument(metavar="B", help="The other article, the same way.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    example: Annotated[bool, typer.Option("--example", help="Compare the two bundled example articles.")] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow URLs on loopback/private/link-local addresses.")
    ] = False,
) -> None:
    """Compare two articles on the same story: techniques, sources, claims and headline checks side by side,
    and what each says that the other does not."""
    from importlib import resources

    from spinscope.analyzer import Analyzer
    from spinscope.compare import compare as compare_reports
    from spinscope.config import Options
    from spinscope.render.compare import render_compare
    from spinscope.render.terminal import plain_console

    if example:
        folder = resources.files("spinscope").joinpath("resources/examples")
        first, second = str(folder.joinpath("example.txt")), str(folder.joinpath("example_b.txt"))
    if first is None or second is None:
        fail("give two articles (files, URLs or one '-'), or --example")
    if first == "-" and second == "-":
        fail("only one of the two articles can come from standard input")
    analyzer = Analyzer(Options(allow_private=allow_private))
    reports = []
    for source in (first, second):
        is_url = source.startswith(("http://", "https://"))
        if source != "-" and not is_url and not Path(source).exists():
            fail(f"{source}: no such file (give a file, an http(s) URL, or '-' for standard input)")
        reports.append(analyzer.analyze_article(analyzer.load(source if source == "-" or is_url else Path(source))))
    result = compare_reports(reports[0], reports[1])
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        render_compare(result, plain_console())
