"""Progress reporting shared by long operations: a plain callback ``(done, total, message)``
and a cancel test; the command line draws a bar, the window turns it into signals."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


def never_cancelled() -> bool:
    return False


def terminal_progress(stream: TextIO, *, force: bool = False, width: int = 30) -> Progress | None:
    """A bar redrawn on one line of ``stream`` (stderr), at most ~10 times a second; None when
    the stream is not a terminal (so pipes and logs stay clean) unless ``force``."""
    if not force and not (hasattr(stream, "isatty") and stream.isatty()):
        return None
    last = [0.0]

    def report(done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        filled = width * done // total if total else width
        bar = "█" * filled + "·" * (width - filled)
        stream.write(f"\r[{bar}] {done}/{total} {message[:40]:<40}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report
