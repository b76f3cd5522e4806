"""Before the window opens its database: a lock left by a crash, and a damaged file.

The command line has ``unlock``/``--break-lock`` and ``check``/``recover``; a clerk gets the
same here as buttons (issue 13, README "Office PCs"): a stale lock is cleared after
confirmation, and a damaged database is never written to — the clerk can check it, save
every readable project into a new file and open that, or go to the automatic backups.
The work itself is the core's (``perfdesk.store.lock``, ``perfdesk.store.check``); it runs
on a thread while a progress dialog keeps the event loop turning.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.errors import PerfdeskError
from perfdesk.paths import backup_folder
from perfdesk.store.check import check_file, recover
from perfdesk.store.lock import DatabaseLock, DatabaseLockedError, break_lock
from perfdesk.ui.dialogs import ReportDialog, show_error
from perfdesk.ui.prompts import Prompts
from perfdesk.ui.screens import fit_to_screen

T = TypeVar("T")


def run_off_thread(parent: QWidget | None, label: str, fn: Callable[[Any], T]) -> T:
    """``fn(progress)`` on a thread, a progress dialog turning meanwhile; its result, or its
    exception raised here. Before the window exists there is no worker to hand it to."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("perfdesk")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    state: dict[str, Any] = {}
    progress_seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        progress_seen.append((done, total, message))

    def work() -> None:
        try:
            state["result"] = fn(progress)
        except BaseException as exc:  # noqa: BLE001 - raised again on the GUI thread
            state["error"] = exc

    loop = QEventLoop()
    thread = threading.Thread(target=work, name="perfdesk-open", daemon=True)

    def poll() -> None:
        if progress_seen:
            done, total, message = progress_seen[-1]
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))
            if message:
                dialog.setLabelText(f"{label}\n{message}")
        if not thread.is_alive():
            loop.quit()

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(poll)
    thread.start()
    timer.start()
    loop.exec()
    timer.stop()
    thread.join()
    dialog.close()
    dialog.deleteLater()
    if "error" in state:
        raise state["error"]
    return state["result"]  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- the lock


def acquire_or_offer(lock: DatabaseLock, confirm: Callable[[DatabaseLockedError], bool]) -> bool:
    """Take the database's lock. When it is held, ``confirm(error)`` asks the clerk whether
    to clear it (a stale lock left by a crash, an unreadable one, or — warned — one held by
    a PC that is known to be off); True when the lock is ours in the end."""
    try:
        lock.acquire()
        return True
    except DatabaseLockedError as exc:
        if not confirm(exc):
            return False
        break_lock(lock.db_path)
        lock.acquire()
        return True


def confirm_break(parent: QWidget | None, exc: DatabaseLockedError) -> bool:
    """The question, in the clerk's words: a crash's lock is cleared with one click; a lock
    held by someone who may still be working needs a second look."""
    box = QMessageBox(parent)
    box.setWindowTitle("数据库已被锁定")
    box.setText(exc.message)
    if exc.stale or exc.info is None:
        box.setIcon(QMessageBox.Icon.Question)
        box.setInformativeText("这个锁多半是程序异常退出时留下的。确认没有其他人在使用这个数据库后，可以解除锁定并打开。")
        label = "解除锁定并打开"
    else:
        box.setIcon(QMessageBox.Icon.Warning)
        box.setInformativeText(
            "只有在确定对方已经退出 perfdesk（例如那台电脑已关机）时才能强制解除；"
            "两人同时修改会丢失内容。"
        )
        label = "强制解除并打开"
    open_button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is open_button


# ---------------------------------------------------------------------------- damage


class DamagedDatabaseDialog(QDialog):
    """The database is damaged: check it, save its readable projects into a new file (and
    open that instead), or go to the automatic backups. Nothing writes to the damaged file.
    ``chosen`` is the file to open after it closes (the recovered copy), or None."""

    def __init__(self, db_path: Path, message: str, prompts: Prompts, parent: QWidget | None = None):
        super().__init__(parent)
        self.db_path = db_path
        self.prompts = prompts
        self.chosen: Path | None = None
        self.last_report: ReportDialog | None = None
        self.setWindowTitle("数据库已损坏")
        layout = QVBoxLayout(self)
        text = QLabel(message)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        buttons = QDialogButtonBox()
        self.check_button = QPushButton("检查数据库")
        self.recover_button = QPushButton("救出到新文件…")
        self.backups_button = QPushButton("打开自动备份文件夹")
        for b in (self.check_button, self.recover_button, self.backups_button):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.check_button.clicked.connect(self.check)
        self.recover_button.clicked.connect(self.ask_recover)
        self.backups_button.clicked.connect(self.open_backups)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 240)

    def check(self) -> ReportDialog:
        report = run_off_thread(self, "正在检查数据库…", lambda p: check_file(self.db_path, p))
        if report.ok:
            heading = f"检查通过：{report.records} 个项目都可以读取。"
        else:
            heading = f"发现 {len(report.damage)} 处问题（共读取 {report.records} 个项目）："
        text = "\n".join(d.message for d in report.damage) or "没有发现问题。"
        self.last_report = ReportDialog("检查结果", heading, text, self)
        self.last_report.open()
        return self.last_report

    def ask_recover(self) -> None:
        suggested = str(self.db_path.with_name(f"{self.db_path.stem}-救出.sqlite"))
        out = self.prompts.save_file("救出到新文件", suggested, "perfdesk 数据库 (*.sqlite)")
        if out is not None:
            self.recover(out)

    def recover(self, out: Path) -> None:
        """Copy every readable project into ``out``; offer to open it."""
        try:
            report = run_off_thread(
                self, "正在救出可读的项目…", lambda p: recover(self.db_path, out, p)
            )
        except PerfdeskError as exc:
            show_error(self, exc)
            return
        lost = "\n".join(f"未能救出：{d.message}" for d in report.lost)
        heading = f"已把 {len(report.saved)} 个项目救到“{out}”。" + (
            f"{len(report.lost)} 处未能救出，见下。" if report.lost else ""
        )
        if self.prompts.confirm("救出完成", heading + "\n\n现在打开救出的文件吗？" + (
            f"\n\n{lost}" if lost else ""
        )):  # fmt: skip
            self.chosen = out
            self.accept()

    def open_backups(self) -> None:
        folder = backup_folder(self.db_path)
        if not folder.is_dir():
            show_error(self, PerfdeskError(f"还没有自动备份（文件夹“{folder}”不存在）。"))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
