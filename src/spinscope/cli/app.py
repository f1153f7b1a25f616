"""The typer application and its command groups. Command modules register on these objects.

Keep this module (and every command module at import time) free of heavy imports: `spinscope --help`
must not load a model or a big library. Import inside command bodies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from functools import wraps
from typing import NoReturn, ParamSpec, TypeVar

import typer

# Plain click-style help (rich_markup_mode=None): it wraps cleanly at 80 columns, where typer's rich panels
# cut option names, and it shows no type placeholder on flags. "-h" works everywhere "--help" does.
HELP = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
GROUP = {"no_args_is_help": True, "rich_markup_mode": None, "context_settings": HELP}

app = typer.Typer(
    name="spinscope",
    help="See how a news article persuades: techniques, sources, headline and outlet, span by span.",
    add_completion=False,
    pretty_exceptions_enable=False,
    **GROUP,  # type: ignore[arg-type]
)
eval_app = typer.Typer(help="Score predictions or bundled models against gold data.", **GROUP)  # type: ignore[arg-type]
predict_app = typer.Typer(help="Write predictions in shared-task formats.", **GROUP)  # type: ignore[arg-type]
train_app = typer.Typer(help="Train bundled models (needs the 'train' extra: torch).", **GROUP)  # type: ignore[arg-type]
app.add_typer(eval_app, name="eval")
app.add_typer(predict_app, name="predict")
app.add_typer(train_app, name="train")


def _version(value: bool) -> None:
    if value:
        from spinscope import __version__

        print(f"spinscope {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", "-V", help="Print the version and exit.", callback=_version,
                                 is_eager=True),
) -> None:
    """See how a news article persuades: techniques, sources, headline and outlet, span by span."""

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


T = TypeVar("T")


def progress(items: Iterable[T], *, total: int | None = None, label: str = "working") -> Iterator[T]:
    """``items``, with a progress bar on standard error when it is a terminal (label, count, rate, time left);
    piped or in CI nothing is drawn, so logs stay clean. ``SPINSCOPE_PROGRESS=0`` turns it off, ``=1`` forces it."""
    import os

    setting = os.environ.get("SPINSCOPE_PROGRESS", "")
    if setting == "0" or (setting != "1" and not sys.stderr.isatty()):
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True, force_terminal=setting == "1" or None),
                  transient=True) as bar:
        task = bar.add_task(label, total=total if total is not None else _len(items))
        for item in items:
            yield item
            bar.advance(task)


@contextmanager
def working(label: str) -> Iterator[None]:
    """A spinner with the elapsed time on standard error while a long step without countable items runs
    (model scoring in batches); a terminal only, like ``progress``."""
    import os

    setting = os.environ.get("SPINSCOPE_PROGRESS", "")
    if setting == "0" or (setting != "1" and not sys.stderr.isatty()):
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True, force_terminal=setting == "1" or None), transient=True) as bar:
        bar.add_task(label, total=None)
        yield


def _len(items: object) -> int | None:
    return len(items) if isinstance(items, Sized) else None


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
        except ImportError as exc:  # an optional dependency (scipy, scikit-learn, torch) is not installed
            fail(f"this command needs {exc.name or 'a package'}, which is not installed ({exc})")
        except (OSError, ValueError, UnicodeError) as exc:
            fail(f"{type(exc).__name__}: {exc}")
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper
