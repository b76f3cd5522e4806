"""Revision history of a record: every stored revision, each viewable and printable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.status import STATUS_LABELS
from perfdesk.ui.screens import fit_to_screen

if TYPE_CHECKING:
    from perfdesk.store.database import RevisionInfo


class HistoryDialog(QDialog):
    """Emits ``preview_requested(revision, form)``; the window renders that revision."""

    preview_requested = Signal(int, str)

    def __init__(
        self, revisions: list[RevisionInfo], record_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"版本历史 — 编号 {record_id}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        fit_to_screen(self, 760, 360)
        self.revisions = revisions
        self.table = QTableWidget(len(self.revisions), 6)
        self.table.setHorizontalHeaderLabels(
            ["版本", "状态", "保存时间", "申报表指纹", "监控表指纹", "自评表指纹"]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for r, info in enumerate(self.revisions):
            values = (
                str(info.revision),
                STATUS_LABELS.get(info.status, info.status),
                info.saved_at.replace("T", " ")[:19],
                info.fingerprint_declaration[:12],
                (info.fingerprint_monitoring or "—")[:12],
                (info.fingerprint_evaluation or "—")[:12],
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        if self.revisions:
            self.table.selectRow(len(self.revisions) - 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        decl_button = buttons.addButton("预览/打印申报表", QDialogButtonBox.ButtonRole.ActionRole)
        mon_button = buttons.addButton(
            "预览/打印运行监控表", QDialogButtonBox.ButtonRole.ActionRole
        )
        eval_button = buttons.addButton("预览/打印自评表", QDialogButtonBox.ButtonRole.ActionRole)
        decl_button.clicked.connect(lambda: self._preview("declaration"))
        mon_button.clicked.connect(lambda: self._preview("monitoring"))
        eval_button.clicked.connect(lambda: self._preview("evaluation"))
        buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(lambda _i: self._preview("declaration"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def selected_revision(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.revisions[rows[0].row()].revision if rows else None

    def _preview(self, form: str) -> None:
        rev = self.selected_revision()
        if rev is not None:
            self.preview_requested.emit(rev, form)
