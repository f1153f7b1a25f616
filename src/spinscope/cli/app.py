"""The typer application and its command groups. Command modules register on these objects.

Keep this module (and every command module at import time) free of heavy imports: `spinscope --help`
must not load a model or a big library. Import inside command bodies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import NoReturn, ParamSpec, TypeVar

import typer

app = typer.Typer(
    name="spinscope",
    help="See how a news article persuades: techniques, sources, headline and outlet, span by span.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score predictions or bundled models against gold data.", no_args_is_help=True)
predict_app = typer.Typer(help="Write predictions in shared-task formats.", no_args_is_help=True)
train_app = typer.Typer(help="Train bundled models (needs the 'train' extra: torch).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(predict_app, name="predict")
app.add_typer(train_app, name="train")

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line on stderr and exit with ``code``."""
    print(f"spinscope: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


def parse_detectors(text: str | None) -> tuple[str, ...]:
    """The detectors named in a comma-separated ``--detectors`` value (empty: none named); unknown names fail."""
    from spinscope.detectors import REGISTRY

    names = tuple(d.strip() for d in (text or "").split(",") if d.strip())
    unknown = [d for d in names if d not in REGISTRY]
    if unknown:
        fail(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    return names


def warn(message: str) -> None:
    print(f"spinscope: warning: {message}", file=sys.stderr)


def one_line_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn spinscope errors (and OS errors) raised by a command into a one-line message and exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from spinscope.errors import SpinscopeError

        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except SpinscopeError as exc:
            fail(str(exc))
        except BrokenPipeError:  # output piped into `head` and closed: not an error
            sys.stderr.close()
            raise typer.Exit(0) from None
        except (OSError, ValueError, UnicodeError) as exc:
            fail(f"{type(exc).__name__}: {exc}")
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper
