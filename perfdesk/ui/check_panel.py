"""The live check panel: errors and warnings of forms.md §3 for the record on screen.

Activating a finding (double click or Enter) emits ``field_activated(path)`` with its JSON
key path (``indicators[3].target``); the editor focuses that field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QStyle, QVBoxLayout, QWidget

FIELD_ROLE = Qt.ItemDataRole.UserRole + 1


class CheckPanel(QWidget):
    field_activated = Signal(str)

    def __init__(self, title: str = "检查", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.summary = QLabel()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._activated)
        self.findings: list[Any] = []
        self.set_findings([])

    def set_findings(self, findings: Sequence[Any]) -> None:
        """Show findings (objects with level, field, message), errors first."""
        self.findings = sorted(findings, key=lambda f: 0 if f.level == "error" else 1)
        errors = sum(1 for f in self.findings if f.level == "error")
        warnings = len(self.findings) - errors
        if not self.findings:
            self.summary.setText(f"{self.title}：未发现问题。")
        else:
            self.summary.setText(
                f"{self.title}：{errors} 处错误（定稿前须改正），{warnings} 处提醒。双击一条可跳到该处。"
            )
        self.list.clear()
        style = self.style()
        err_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        warn_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for f in self.findings:
            item = QListWidgetItem(err_icon if f.level == "error" else warn_icon, f.message)
            item.setData(FIELD_ROLE, f.field)
            item.setToolTip(f.message)
            if f.level == "error":
                item.setForeground(QBrush(QColor("#b71c1c")))
            self.list.addItem(item)

    def errors(self) -> list[Any]:
        return [f for f in self.findings if f.level == "error"]

    def activate_row(self, row: int) -> None:
        item = self.list.item(row)
        if item is not None:
            self._activated(item)

    def _activated(self, item: QListWidgetItem) -> None:
        field = item.data(FIELD_ROLE)
        if field:
            self.field_activated.emit(str(field))
