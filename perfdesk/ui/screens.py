"""Sizes that suit the screen a window or dialog is on (a 1366×768 laptop, a 1920×1080
monitor, a second screen of another size): one rule for every dialog and the window."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Of the screen's free area (without task bar and docks): dialogs leave some of the window
# behind them visible, the window itself takes nearly all of it.
DIALOG_SHARE = 0.9
WINDOW_SHARE = 0.94


def available_geometry(widget: QWidget) -> QRect:
    """The free area of the screen ``widget`` is (or will be) shown on. A dialog not yet
    shown is placed over its parent, so its parent's screen is the one that counts."""
    parent = widget.parentWidget()
    anchor = parent.window() if parent is not None else widget
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def bounded_size(wanted: tuple[int, int], free: tuple[int, int], share: float) -> tuple[int, int]:
    """``wanted`` (width, height), no larger than ``share`` of ``free`` in either direction."""
    return min(wanted[0], int(free[0] * share)), min(wanted[1], int(free[1] * share))


def fit_to_screen(widget: QWidget, width: int, height: int, share: float = DIALOG_SHARE) -> None:
    """Resize ``widget`` to the size it wants, bounded by the screen it is on."""
    free = available_geometry(widget)
    widget.resize(*bounded_size((width, height), (free.width(), free.height()), share))


def center_on_screen(window: QWidget) -> None:
    free = available_geometry(window)
    frame = window.frameGeometry()
    frame.moveCenter(free.center())
    window.move(frame.topLeft())
