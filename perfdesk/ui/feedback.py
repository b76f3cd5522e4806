"""Where the window's commands tell the user what happened: the status bar, message boxes,
reports and error dialogs, in one object the commands are given (not the whole window)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox

from perfdesk.ui.dialogs import message_box, show_error


class Feedback:
    """``last_dialog`` is the dialog shown last (tests and screenshots read it)."""

    def __init__(self, window: QMainWindow) -> None:
        self.parent = window
        self.last_dialog: QDialog | None = None

    def status(self, text: str, ms: int = 6000) -> None:
        self.parent.statusBar().showMessage(text, ms)

    def message(self, title: str, text: str, warning: bool = True) -> QMessageBox:
        box = message_box(self.parent, title, text, warning=warning)
        self.last_dialog = box
        return box

    def show(self, dialog: QDialog) -> None:
        """Open a non-blocking dialog parented to the window."""
        self.last_dialog = dialog
        dialog.open()

    def error(self, exc: BaseException, tb: str | None = None) -> None:
        """The one place errors of the window's work reach the user (dialogs.show_error)."""
        dialog = show_error(self.parent, exc, tb)
        if dialog is not None:
            self.last_dialog = dialog
