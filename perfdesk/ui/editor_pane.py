"""The right-hand side of the window: the two editors in tabs above the check panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from perfdesk.ui.check_panel import CheckPanel
from perfdesk.ui.declaration_editor import DeclarationEditor
from perfdesk.ui.evaluation_editor import EvaluationEditor

TAB_DECLARATION, TAB_EVALUATION = 0, 1


class EditorPane(QSplitter):
    """Tabs 绩效目标申报表 / 绩效自评表 over the live check panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.declaration_editor = DeclarationEditor()
        self.evaluation_editor = EvaluationEditor()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.declaration_editor, "绩效目标申报表")
        self.tabs.addTab(self.evaluation_editor, "绩效自评表")
        self.checks = CheckPanel()
        self.addWidget(self.tabs)
        self.addWidget(self.checks)
        self.setStretchFactor(0, 4)
        self.setStretchFactor(1, 1)

    def on_evaluation_tab(self) -> bool:
        return self.tabs.currentIndex() == TAB_EVALUATION

    def show_form(self, form: str) -> None:
        """The tab of ``form``: "declaration" or "evaluation"."""
        self.tabs.setCurrentIndex(TAB_EVALUATION if form == "evaluation" else TAB_DECLARATION)


__all__ = ["EditorPane", "TAB_DECLARATION", "TAB_EVALUATION"]
