"""`spinscope outlet DOMAIN_OR_URL`: what is known about an outlet, with every rating's source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.app import app, one_line_errors


@app.command(short_help="An outlet's factuality, bias and labels, with sources.")
@one_line_errors
def outlet(
    domain_or_url: Annotated[str, typer.Argument(help='A domain (cnn.com), a URL, or an outlet name ("the BBC").')],
    overrides: Annotated[
        Path | None, typer.Option("--overrides", help="TOML or CSV file adding or correcting ratings.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON outlet object.")] = False,
    all_sources: Annotated[bool, typer.Option("--all-sources", help="List every rating, used or not.")] = False,
) -> None:
    """Show an outlet's factuality, bias, Wikipedia status and labels, each with its source and date.

    Factuality and bias are separate ratings; an outlet nobody rated is shown as "unrated".
    """
    from spinscope.errors import InputError
    from spinscope.outlets import OutletTable, card_rows, normalise_host

    table = OutletTable(overrides=overrides)
    query = domain_or_url.strip()
    profile = None
    if " " in query or not any(c == "." for c in query):  # a name such as "the BBC" or "Reuters"
        profile = table.profile_for_name(query)
    if profile is None:
        try:
            normalise_host(query)
        except InputError:
            raise InputError(f"{query!r} is neither a domain/URL nor a known outlet name") from None
        profile = table.profile(query)
    if as_json:
        print(json.dumps(profile, ensure_ascii=False, indent=2))
        return

    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, text in card_rows(profile):
        style = "bold yellow" if text.startswith("unrated") else None
        grid.add_row(Text(label), Text(text), style=style)
    if all_sources and profile.get("sources"):
        grid.add_row(Text(""), Text("used (*) and other ratings:"))
        for s in profile["sources"]:
            mark = "*" if s.get("used") else " "
            ref = f"  {s['ref']}" if s.get("ref") else ""
            grid.add_row(
                Text(f"{mark} {s['field']}"),
                Text(f"{s['value']}  [{s['source']}, {s.get('date') or 'undated'}]{ref}"),
            )
    title = "outlet profile" if profile.get("rated") else "outlet profile: UNRATED"
    Console().print(Panel(grid, title=title, expand=False))
