"""Dialogs that show text a clerk can read and copy: reports, errors, crashes, about.

Two kinds of failure are kept apart (qutebrowser's KnownError / BugError):
a :class:`PerfdeskError` is the environment's or the input's fault and gets a friendly
message box with its Chinese sentence; anything else is our bug and gets a crash dialog
with the traceback ready to copy into a report.
"""

from __future__ import annotations

import platform
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from perfdesk import __version__
from perfdesk.models.errors import Cancelled, PerfdeskError
from perfdesk.models.words import os_reason
from perfdesk.ui.screens import fit_to_screen

# Dialogs opened without a parent would be deleted with their Python wrapper as soon as
# the caller drops it; they are kept here until closed.
_OPEN: list[QDialog] = []


def keep_open(dialog: QDialog) -> QDialog:
    if dialog.parent() is None:
        _OPEN.append(dialog)
        dialog.finished.connect(lambda _r: _OPEN.remove(dialog) if dialog in _OPEN else None)
    return dialog


class ReportDialog(QDialog):
    """A heading and read-only text with 复制 and 关闭 buttons (non-blocking)."""

    def __init__(self, title: str, heading: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        fit_to_screen(self, 720, 440)
        layout = QVBoxLayout(self)
        self.heading = QLabel(heading)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("复制全部", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_all)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.heading.text() + "\n\n" + self.text.toPlainText())


class CrashDialog(ReportDialog):
    def __init__(self, tb_text: str, parent: QWidget | None = None) -> None:
        report = (
            f"perfdesk {__version__} · Python {platform.python_version()} · "
            f"{platform.platform()}\n\n{tb_text}"
        )
        super().__init__(
            "程序出错",
            "perfdesk 出现了一个程序错误（不是您的操作问题）。已保存的数据不受影响。"
            "请点“复制全部”，把内容发给维护人员。",
            report,
            parent,
        )


def message_box(parent: QWidget | None, title: str, text: str, warning: bool = True) -> QMessageBox:
    """A non-blocking message box (open(), not exec()) so work and tests go on."""
    box = QMessageBox(
        QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
        title,
        text,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    keep_open(box)
    box.open()
    return box


def show_error(
    parent: QWidget | None, exc: BaseException, tb_text: str | None = None
) -> QDialog | None:
    """The one place errors reach the user. Returns the dialog shown (None for a cancel)."""
    if isinstance(exc, Cancelled):
        return None
    if isinstance(exc, PerfdeskError):
        return message_box(parent, "无法完成", exc.message)
    if isinstance(exc, OSError):
        name = f"“{exc.filename}”" if exc.filename else ""
        return message_box(parent, "无法读写文件", f"无法读写文件{name}：{os_reason(exc)}。")
    text = tb_text or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    dialog = CrashDialog(text, parent)
    keep_open(dialog)
    dialog.open()
    return dialog


def install_excepthook() -> None:
    """Route exceptions escaping Qt slots to :func:`show_error` instead of stderr only."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        text = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(text)
        app = QApplication.instance()
        if app is None:
            return
        parent = QApplication.activeWindow()
        show_error(parent, exc, text)

    sys.excepthook = hook


def about_text() -> str:
    return (
        f"<h3>perfdesk {__version__}</h3>"
        "<p>财政支出项目绩效目标申报表与绩效自评表：录入、检查、导入导出 Excel、打印。</p>"
        f"<p>Python {platform.python_version()}，Qt（PySide6）。"
        "打印字体：文泉驿微米黑（Apache-2.0）。</p>"
    )
