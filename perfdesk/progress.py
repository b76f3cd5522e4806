"""Progress reporting shared by long operations: a plain callback ``(done, total, message)``
and a cancel test; the command line draws a bar, the window turns it into signals."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO

Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


def never_cancelled() -> bool:
    return False


class TerminalProgress:
    """A one-line progress bar on stderr for the command line, drawn only on a terminal
    (or when forced), so that piped output and --json stay clean."""

    def __init__(
        self, stream: IO[str] | None = None, *, force: bool = False, width: int = 30
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = width
        self._drawn = False

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self.enabled:
            return
        filled = self.width if total == 0 else self.width * done // total
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r\x1b[2K[{bar}] {done}/{total} {message}")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
