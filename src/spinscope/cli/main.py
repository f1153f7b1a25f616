"""Entry point of the `spinscope` command: imports the command modules so they register, then runs."""

from __future__ import annotations

import importlib

from spinscope.cli.app import app

# Each module registers its commands on the typer apps of spinscope.cli.app when imported.
COMMAND_MODULES = (
    "spinscope.cli.cmd_claims",
    "spinscope.cli.cmd_analyze",
    "spinscope.cli.cmd_compare",
    "spinscope.cli.cmd_outlet",
    "spinscope.cli.cmd_serve",
    "spinscope.cli.cmd_batch",
    "spinscope.cli.cmd_ptc",
    "spinscope.cli.cmd_headline",
    "spinscope.cli.cmd_sourcing",
)


def build_app() -> object:
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    return app


def run() -> None:
    build_app()
    app(prog_name="spinscope")  # also when started as `python -m spinscope`


if __name__ == "__main__":
    run()
