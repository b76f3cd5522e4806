"""项目 → 已删除的项目…: the projects 删除 took out of the lists, with 恢复."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.status import STATUS_LABELS

HEADERS = ("编号", "年度", "申报单位", "项目名称", "状态", "版本", "删除时间")


def local_time(stamp: str) -> str:
    """A stored UTC time as the clerk's local time, to the minute."""
    return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


class DeletedDialog(QDialog):
    """The deleted projects (the last deleted first); 恢复 asks for the selected ones back."""

    restore_requested = Signal(list)  # record ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("已删除的项目")
        self.resize(820, 420)
        self.rows: list[Any] = []
        self.label = QLabel("正在读取…")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.restore_button = buttons.addButton("恢复", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setToolTip("把选中的项目放回列表（回到删除时的版本）")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._restore)
        buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(bool(self.selected_ids()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def set_rows(self, rows: list[Any]) -> None:
        """Show ``Store.deleted()`` rows."""
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            texts = (
                str(row.id), str(row.year), row.unit, row.name,
                STATUS_LABELS.get(row.status, row.status), str(row.revision),
                local_time(row.deleted_at),
            )  # fmt: skip
            for c, text in enumerate(texts):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.label.setText(
            f"共 {len(self.rows)} 个已删除的项目。选中后点“恢复”，项目回到列表，各版本都在。"
            if self.rows
            else "没有已删除的项目。"
        )
        self.restore_button.setEnabled(bool(self.selected_ids()))

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.rows[r].id for r in rows if r < len(self.rows)]

    def _restore(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.restore_requested.emit(ids)
