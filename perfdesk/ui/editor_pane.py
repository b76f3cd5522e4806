"""The right-hand side of the window: the three forms of a project's year in tabs above the
check panel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from perfdesk.ui.check_panel import CheckPanel
from perfdesk.ui.declaration_editor import DeclarationEditor
from perfdesk.ui.evaluation_editor import EvaluationEditor
from perfdesk.ui.monitoring_editor import MonitoringEditor

# The year's order: the declaration, the mid-year monitoring, the year-end self-evaluation.
FORMS = ("declaration", "monitoring", "evaluation")
TAB_DECLARATION, TAB_MONITORING, TAB_EVALUATION = range(len(FORMS))


class EditorPane(QSplitter):
    """Tabs 绩效目标申报表 / 运行监控 / 绩效自评表 over the live check panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.declaration_editor = DeclarationEditor()
        self.monitoring_editor = MonitoringEditor()
        self.evaluation_editor = EvaluationEditor()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.declaration_editor, "绩效目标申报表")
        self.tabs.addTab(self.monitoring_editor, "运行监控")
        self.tabs.addTab(self.evaluation_editor, "绩效自评表")
        self.checks = CheckPanel()
        self.addWidget(self.tabs)
        self.addWidget(self.checks)
        self.setStretchFactor(0, 4)
        self.setStretchFactor(1, 1)

    def current_form(self) -> str:
        """The form on screen: "declaration", "monitoring" or "evaluation"."""
        return FORMS[max(0, self.tabs.currentIndex())]

    def show_form(self, form: str) -> None:
        """The tab of ``form``: "declaration", "monitoring" or "evaluation"."""
        self.tabs.setCurrentIndex(FORMS.index(form) if form in FORMS else TAB_DECLARATION)


__all__ = ["FORMS", "EditorPane", "TAB_DECLARATION", "TAB_EVALUATION", "TAB_MONITORING"]
