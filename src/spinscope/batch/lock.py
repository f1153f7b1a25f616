"""The exclusive lock every writer of a results file holds for as long as it writes.

The lock is an ``flock`` on ``.RESULTS.lock`` beside the results file. That file is created once and
never deleted: deleting a lock file while another process may have it open would let two processes
each lock a different inode and both believe they are alone. A run takes the lock before it looks at
or touches anything (``--overwrite`` included), so a second run on the same output is refused while
the first one lives, whatever its flags; the kernel drops the lock when the holder dies, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from spinscope.errors import InputError


def lock_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.lock")


class OutputLock:
    """``with OutputLock(out):`` holds the lock of results file ``out`` (refuses at once if it is held)."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.path = lock_path(self.out)
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        if self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("ab")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise InputError(
                f"another batch run is writing {self.out} (it holds {self.path}); wait for it to finish"
            ) from None
        self._file = fh

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the only descriptor releases the flock
            self._file = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
