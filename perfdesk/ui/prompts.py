"""Questions the window asks the user (files, folders, yes/no), in one replaceable object.

The main window never calls QFileDialog or a blocking QMessageBox directly: tests hand it a
``Prompts`` whose answers are scripted, and drive everything else for real.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

EXCEL_FILTER = "Excel 文件 (*.xlsx *.xls);;perfdesk JSON (*.json);;所有文件 (*)"
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


class Prompts:
    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def open_files(self, folder: str) -> list[Path]:
        files, _ = QFileDialog.getOpenFileNames(self.parent, "导入文件", folder, EXCEL_FILTER)
        return [Path(f) for f in files]

    def open_folder(self, folder: str, title: str = "导入文件夹") -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self.parent, title, folder)
        return Path(chosen) if chosen else None

    def open_file(self, title: str, folder: str, filter_: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(self.parent, title, folder, filter_)
        return Path(chosen) if chosen else None

    def save_file(self, title: str, suggested: str, filter_: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filter_)
        return Path(chosen) if chosen else None

    def unsaved(self, name: str) -> str:
        """SAVE, DISCARD or CANCEL for a record with changes not yet saved."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "未保存的修改",
            f"“{name}”有尚未保存的修改。要保存吗？",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self.parent,
        )
        box.button(QMessageBox.StandardButton.Save).setText("保存")
        box.button(QMessageBox.StandardButton.Discard).setText("不保存")
        box.button(QMessageBox.StandardButton.Cancel).setText("取消")
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return DISCARD
        return CANCEL

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def year(self, title: str, text: str, value: int) -> int | None:
        year, ok = QInputDialog.getInt(self.parent, title, text, value, 2000, 2100)
        return year if ok else None

    def open_packages(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self.parent, "接收数据包", "", "perfdesk 数据包 (*.pdpack)"
        )
        return [Path(n) for n in names]

    def run_dialog(self, dialog: QDialog) -> bool:
        """Run a dialog the clerk fills in; True when accepted."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def choose(self, title: str, text: str, items: list[str], current: str) -> str | None:
        """One of ``items`` (``current`` preselected), or None when cancelled."""
        item, ok = QInputDialog.getItem(
            self.parent, title, text, items, items.index(current), False
        )
        return item if ok else None
