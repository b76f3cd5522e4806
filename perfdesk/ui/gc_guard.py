"""Garbage collection only on the GUI thread.

Python's cyclic GC runs in whichever thread happens to allocate when a threshold is
crossed. If that is the worker thread and the cycle holds Qt wrappers (a closed dialog and
the lambdas connected to it), Qt objects get destroyed off their thread and the process
crashes. Like qutebrowser, perfdesk turns automatic collection off while the window lives
and collects from a GUI-thread timer instead, with the same generation thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000
# Whether automatic collection was on before pause_automatic_collection (None: not paused).
_enabled_before_pause: bool | None = None


def pause_automatic_collection() -> None:
    """Automatic collection off from the start of the window process, not only once the
    window exists: importing and building the window allocate much and free almost nothing,
    so collections there are wasted (~2 ms). The window's collector restores the state."""
    global _enabled_before_pause
    if _enabled_before_pause is None:
        _enabled_before_pause = gc.isenabled()
    gc.disable()


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        paused = _enabled_before_pause
        self.was_enabled = gc.isenabled() if paused is None else paused
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Back to automatic collection (the window is closing)."""
        self.timer.stop()
        gc.collect()
        if self.was_enabled:
            gc.enable()
