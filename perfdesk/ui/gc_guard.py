"""Garbage collection only on the GUI thread.

Python's cyclic GC runs in whichever thread happens to allocate when a threshold is
crossed. If that is the reader or the writer thread and the cycle holds Qt wrappers (a closed dialog and
the lambdas connected to it), Qt objects get destroyed off their thread and the process
crashes. Like qutebrowser, perfdesk turns automatic collection off while the window lives
and collects from a GUI-thread timer instead, with the same generation thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
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
