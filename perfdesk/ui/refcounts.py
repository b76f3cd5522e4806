"""A guard against a reference-counting defect of the Qt binding on Python 3.11.

PySide6 6.12.0's wheels hand back ``None`` from every void method and ``True`` from
``Signal.emit`` without taking a reference, as if they were Python 3.12's immortal objects.
On Python 3.11 each such call drops one reference that was never taken, and once ``True``
or ``None`` reaches zero the interpreter aborts ("bool_dealloc: deallocating True or
False"): the window died after about 700 characters typed into 备注, whatever the code
above does. Where the defect is measured, the three singletons are given a reference count
no program reaches, which is what Python 3.12 does for every program.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

PROBE_CALLS = 64
# Far beyond any count a run reaches (one dropped reference per Qt call), far below overflow.
PINNED = 1 << 40


def binding_drops_references() -> bool:
    """Whether a void Qt method call drops a reference to None it never took."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("")
    return before - sys.getrefcount(None) >= PROBE_CALLS


def pin_singletons() -> bool:
    """Give None, True and False a reference count no run exhausts, where the binding is
    measured to drop references to them (Python < 3.12 only: from 3.12 on they are
    immortal). True when it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not binding_drops_references():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython 3.11 object.
        ctypes.c_ssize_t.from_address(id(obj)).value += PINNED
    return True
