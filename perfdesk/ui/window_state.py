"""The window's size, layout and hidden list columns: restored at start, saved on close."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from perfdesk.ui import settings as S
from perfdesk.ui.browser import Browser
from perfdesk.ui.check_panel import CheckPanel
from perfdesk.ui.screens import WINDOW_SHARE, available_geometry, center_on_screen


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
    # Qt bounds a geometry saved on a larger screen (a monitor's, opened on a laptop) to the
    # screen the window opens on, and moves it onto that screen.
    restored = (
        isinstance(geometry, QByteArray)
        and not geometry.isEmpty()
        and window.restoreGeometry(geometry)
    )
    if not restored:
        window.resize(*default_size(available_geometry(window).size().toTuple()))
        center_on_screen(window)
    state = settings.get(S.STATE)
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    sizes = settings.get(S.SPLITTER)
    if isinstance(sizes, QByteArray) and not sizes.isEmpty():
        splitter.restoreState(sizes)
    else:
        splitter.setSizes(list(default_split(window.width())))


def remember_check_split(pane: QSplitter, checks: CheckPanel, settings: S.Settings) -> None:
    """The editors and the check panel below them split as the clerk left them; kept as
    the split changes (the pane is made with the first record, after the window)."""
    sizes = settings.get(S.CHECK_SPLITTER)
    if isinstance(sizes, QByteArray) and not sizes.isEmpty():
        pane.restoreState(sizes)

    def keep(*_args: object) -> None:
        settings.set(S.CHECK_SPLITTER, pane.saveState())

    pane.splitterMoved.connect(keep)
    checks.resized.connect(keep)  # 放大/还原


def save_state(window: QMainWindow, splitter: QSplitter, settings: S.Settings) -> None:
    settings.set(S.GEOMETRY, window.saveGeometry())
    settings.set(S.STATE, window.saveState())
    settings.set(S.SPLITTER, splitter.saveState())
    settings.sync()


def default_size(available: tuple[int, int]) -> tuple[int, int]:
    """The first window size: most of the screen's free area, whatever the screen (a
    1366×768 laptop gets 1284×684 of its 1366×728, a 1920×1080 monitor 1804×977)."""
    width, height = available
    return int(width * WINDOW_SHARE), int(height * WINDOW_SHARE)


def default_split(width: int) -> tuple[int, int]:
    """List and editors: the list wide enough for its key columns (year, unit, name, the
    three forms' states, score, budget), the editors the rest."""
    browser = max(540, min(660, int(width * 0.48)))
    return browser, max(0, width - browser)
