"""A per-article budget of wall time and memory, enforced from outside the Analyzer.

    with Budget(seconds=60, memory_mb=2000):
        report = analyzer.analyze_article(read_file(path, options))

A watchdog thread checks the clock and the process's resident memory (RSS, ``/proc/self/statm``) every
20 ms. When either runs over, or when ``cancel()`` is called (a web client went away), the thread that
entered the budget is interrupted and the ``with`` block raises ``BudgetExceeded`` (an ``InputError``:
the front ends already turn those into a one-line error, an error record or an HTTP error).

How the interruption reaches the work: in the main thread (the CLI, local batch workers) by SIGALRM,
whose handler raises; the time limit is the kernel's interval timer (``setitimer``), so it also stops a
long regular-expression search that holds the GIL (the ``re`` engine checks for signals). In any other
thread (Dask workers, web request threads) by an asynchronous exception (``PyThreadState_SetAsyncExc``),
raised at the next Python instruction that thread runs: a single long C call (one huge regex search, one
model run) finishes first. The exception raised inside the work derives
from ``BaseException``, so the Analyzer's per-detector ``except Exception`` cannot swallow it: the whole
article stops, not just one detector.

Memory is the whole process's RSS (models included, ~450 MB for all detectors): the figure the operating
system and an OOM killer see. It is exact for one article per process (the CLI, local batch workers); on
a process analysing several articles at once (threads), it caps the process, not one article.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from types import FrameType, TracebackType
from typing import Any

from spinscope.errors import InputError

_POLL = 0.02  # seconds between two looks at the clock and the RSS
_REFIRE = 0.05  # seconds: an interruption that did not end the work is repeated this often
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class BudgetExceeded(InputError):
    """An article's analysis ran past its time or memory budget (or was cancelled)."""


class _Interrupt(BaseException):
    """Raised inside the budgeted work; turned into BudgetExceeded when it leaves the ``with`` block."""


def rss_mb() -> float:
    """This process's resident memory in MB (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


class Budget:
    """Context manager: the work inside it ends within ``seconds`` and below ``memory_mb`` of process RSS,
    or raises ``BudgetExceeded``. ``None`` leaves that part unlimited. It guards the thread that enters it;
    in the main thread budgets do not nest (the interval timer is one per process): RuntimeError."""

    def __init__(self, seconds: float | None = None, memory_mb: float | None = None) -> None:
        if seconds is not None and seconds <= 0:
            raise ValueError("a time budget must be positive")
        if memory_mb is not None and memory_mb <= 0:
            raise ValueError("a memory budget must be positive")
        self.seconds = seconds
        self.memory_mb = memory_mb
        self.reason: str | None = None  # why the work was stopped
        self.elapsed = 0.0
        self.peak_mb = 0.0
        self._lock = threading.RLock()
        self._fired_at = 0.0
        self._active = False
        self._stop = threading.Event()
        self._thread_id = 0
        self._main = False
        self._saved_handler: Any = None
        self._watchdog: threading.Thread | None = None  # memory, cancel, and time off the main thread
        self._t0 = 0.0

    @classmethod
    def from_options(cls, options: Any) -> Budget:
        """The budget an ``Options`` asks for (``time_budget``, ``memory_budget_mb``)."""
        return cls(getattr(options, "time_budget", None), getattr(options, "memory_budget_mb", None))

    # ------------------------------------------------------------------ entering and leaving
    def __enter__(self) -> Budget:
        self._thread_id = threading.get_ident()
        self._main = threading.current_thread() is threading.main_thread()
        if self._main and getattr(signal.getsignal(signal.SIGALRM), "__self__", None).__class__ is Budget:
            raise RuntimeError("a Budget is already active in the main thread: budgets do not nest")
        self._t0 = time.monotonic()
        self._watchdog = threading.Thread(target=self._watch, daemon=True, name="spinscope-budget")
        self._watchdog.start()
        if self._main:
            self._saved_handler = signal.signal(signal.SIGALRM, self._on_signal)
        self._active = True
        try:
            if self._main and self.seconds is not None:
                # the kernel's timer: it fires even while C code holds the GIL, then again every _REFIRE s
                # until the work has left the block (see _fire); nothing may follow it here but the return
                signal.setitimer(signal.ITIMER_REAL, self.seconds, _REFIRE)
            return self
        except _Interrupt:  # the budget ran out before the block began (a tiny budget on a busy machine)
            self.__exit__(None, None, None)
            raise BudgetExceeded(self.reason or "the analysis was stopped") from None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        while True:
            try:
                self._leave()
                break
            except _Interrupt:  # fired just as the work ended: the work is complete, leave again
                continue
        if isinstance(exc, _Interrupt):
            raise BudgetExceeded(self.reason or "the analysis was stopped") from None

    def _leave(self) -> None:
        self._active = False  # first: from here on the signal handler does nothing
        with self._lock:  # after a _fire/_interrupt in progress: none can arm the timer again now
            if self._main:
                signal.setitimer(signal.ITIMER_REAL, 0)
            fired = self.reason is not None
        self._stop.set()
        if self._watchdog is not None:
            self._watchdog.join()
        self.elapsed = time.monotonic() - self._t0
        if self._main:
            signal.signal(signal.SIGALRM, self._saved_handler)
        elif fired:
            _async_raise(self._thread_id, None)  # withdraw an exception not delivered yet

    # ------------------------------------------------------------------ stopping
    def cancel(self, reason: str = "the analysis was cancelled") -> None:
        """Stop the work now (from any thread), e.g. when the client that asked for it went away."""
        self._fire(reason)

    def _time_reason(self) -> str:
        return f"the analysis ran out of its time budget ({self.seconds:g} s)"

    def _watch(self) -> None:
        while not self._stop.wait(_POLL):
            if self.reason is not None:
                if not self._main and time.monotonic() - self._fired_at > _REFIRE:
                    self._interrupt()  # the first one was swallowed (see _fire)
                continue
            if self.seconds is not None and not self._main and time.monotonic() - self._t0 > self.seconds:
                self._fire(self._time_reason())
            elif self.memory_mb is not None:
                rss = rss_mb()
                self.peak_mb = max(self.peak_mb, rss)
                if rss > self.memory_mb:
                    self._fire(
                        f"the analysis ran out of its memory budget ({self.memory_mb:g} MB of process memory, "
                        f"{rss:.0f} MB in use)"
                    )

    def _fire(self, reason: str) -> None:
        """Stop the work. The interruption is repeated every _REFIRE s until the work has left the block:
        Python swallows an exception raised where it cannot propagate (a weakref callback run by the
        garbage collector, a ``__del__``), and a lost interruption would let the work run on unbounded."""
        with self._lock:
            if not self._active or self.reason is not None:
                return
            self.reason = reason
            self._interrupt()

    def _interrupt(self) -> None:
        with self._lock:
            if not self._active:
                return
            self._fired_at = time.monotonic()
            if self._main:  # SIGALRM at once, then every _REFIRE s, from the kernel's timer
                signal.setitimer(signal.ITIMER_REAL, 0.001, _REFIRE)
            else:
                _async_raise(self._thread_id, _Interrupt)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # no lock here: the handler runs in the main thread, which may be inside ``_leave`` holding it
        if not self._active:
            return
        if self.reason is None:  # the interval timer ran out
            self.reason = self._time_reason()
        raise _Interrupt(self.reason)


def _async_raise(thread_id: int, exc_type: type[BaseException] | None) -> None:
    """Raise ``exc_type`` in thread ``thread_id`` at its next Python instruction (None withdraws it)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc_type) if exc_type is not None else ctypes.c_void_p(0)
    )
