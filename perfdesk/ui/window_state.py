"""The window's size, layout and hidden list columns: restored at start, saved on close.

Runs in the window's constructor, before the first paint: Qt classes only, no enums.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray

from perfdesk.ui import settings as S

if TYPE_CHECKING:
    from perfdesk.ui.main_window import MainWindow


def restore_state(window: MainWindow) -> None:
    """Put back what the last session left (or a first size that fits the screen), and
    remember the list's hidden columns as they change."""
    browser, settings = window.browser, window.settings
    hidden = settings.get(S.HIDDEN_COLUMNS)
    browser.set_hidden_columns([k for k in hidden.split(",") if k])
    browser.columns_changed.connect(
        lambda: settings.set(S.HIDDEN_COLUMNS, ",".join(browser.hidden_columns()))
    )
    geometry = settings.get(S.GEOMETRY)
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:
        window.resize(*default_size(window.screen().availableGeometry().size().toTuple()))
    state = settings.get(S.STATE)
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    splitter = settings.get(S.SPLITTER)
    if isinstance(splitter, QByteArray) and not splitter.isEmpty():
        window.splitter.restoreState(splitter)
    else:
        window.splitter.setSizes(list(default_split(window.width())))


def save_state(window: MainWindow) -> None:
    settings = window.settings
    settings.set(S.GEOMETRY, window.saveGeometry())
    settings.set(S.STATE, window.saveState())
    settings.set(S.SPLITTER, window.splitter.saveState())
    settings.sync()


def default_size(available: tuple[int, int]) -> tuple[int, int]:
    """A first window size that fits the screen (1366×768 laptops included)."""
    width, height = available
    return min(1400, int(width * 0.96)), min(880, int(height * 0.94))


def default_split(width: int) -> tuple[int, int]:
    """List and editors: the list wide enough for its key columns (year, unit, name, the two
    statuses, score, budget), the editors the rest."""
    browser = max(540, min(660, int(width * 0.45)))
    return browser, max(0, width - browser)
