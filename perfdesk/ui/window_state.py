"""The window's size, layout and hidden list columns: restored at start, saved on close."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from perfdesk.ui import settings as S
from perfdesk.ui.browser import Browser


def restore_state(
    window: QMainWindow, splitter: QSplitter, browser: Browser, settings: S.Settings
) -> None:
    """Put back what the last session left (or a first size that fits the screen), and
    remember the list's hidden columns as they change."""
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
    sizes = settings.get(S.SPLITTER)
    if isinstance(sizes, QByteArray) and not sizes.isEmpty():
        splitter.restoreState(sizes)
    else:
        splitter.setSizes(list(default_split(window.width())))


def save_state(window: QMainWindow, splitter: QSplitter, settings: S.Settings) -> None:
    settings.set(S.GEOMETRY, window.saveGeometry())
    settings.set(S.STATE, window.saveState())
    settings.set(S.SPLITTER, splitter.saveState())
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
