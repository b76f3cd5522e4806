"""The live check panel: errors and warnings of forms.md §3 for the record on screen.

Its title counts what it holds (检查结果（17条：错误 3，提醒 14）). It sits under the editors in a
splitter the clerk can drag, or enlarge with 放大; the window remembers the split.
Activating a finding (double click or Enter) emits ``field_activated(path)`` with its JSON
key path (``indicators[3].target``); the editor focuses that field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

FIELD_ROLE = Qt.ItemDataRole.UserRole + 1
# 放大 gives the panel this share of the splitter it sits in.
ENLARGED_SHARE = 0.6


def findings_title(title: str, errors: int, warnings: int) -> str:
    """检查结果（17条：错误 3，提醒 14）; 检查结果（未发现问题）."""
    if not errors and not warnings:
        return f"{title}（未发现问题）"
    return f"{title}（{errors + warnings}条：错误 {errors}，提醒 {warnings}）"


class CheckPanel(QWidget):
    field_activated = Signal(str)
    # The clerk enlarged or restored the panel with the button (the splitter moved).
    resized = Signal()

    def __init__(self, title: str = "检查结果", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.summary = QLabel()
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.hint = QLabel()
        self.enlarge_button = QToolButton()
        self.enlarge_button.setText("放大")
        self.enlarge_button.setCheckable(True)
        self.enlarge_button.setToolTip("放大检查结果；也可拖动上方的分隔条")
        self.enlarge_button.toggled.connect(self._enlarge)
        self._sizes_before: list[int] = []
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setAccessibleName(title)
        heading = QHBoxLayout()
        heading.setContentsMargins(0, 0, 0, 0)
        heading.addWidget(self.summary)
        heading.addWidget(self.hint, 1)
        heading.addWidget(self.enlarge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._activated)
        self.findings: list[Any] = []
        self.set_findings([])

    def set_findings(self, findings: Sequence[Any]) -> None:
        """Show findings (objects with level, field, message), errors first."""
        self.findings = sorted(findings, key=lambda f: 0 if f.level == "error" else 1)
        errors = sum(1 for f in self.findings if f.level == "error")
        warnings = len(self.findings) - errors
        self.summary.setText(findings_title(self.title, errors, warnings))
        self.hint.setText(
            ("错误须在定稿前改正。" if errors else "") + "双击一条可跳到该处。"
            if self.findings
            else ""
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

    def _enlarge(self, on: bool) -> None:
        """放大: the panel takes most of the splitter it sits in; again: back as it was."""
        splitter = self.parentWidget()
        if not isinstance(splitter, QSplitter):
            return
        me = splitter.indexOf(self)
        sizes = splitter.sizes()
        total = sum(sizes)
        if on:
            self._sizes_before = sizes
            mine = int(total * ENLARGED_SHARE)
            others = len(sizes) - 1 or 1
            rest = [(total - mine) // others] * len(sizes)
            rest[me] = mine
            splitter.setSizes(rest)
        elif self._sizes_before:
            splitter.setSizes(self._sizes_before)
        self.enlarge_button.setText("还原" if on else "放大")
        self.resized.emit()
