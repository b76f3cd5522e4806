"""The result of an import as a table a clerk can scan: one row per file, rejections first,
the messages of the selected file below, and the whole report as plain text to copy or save.

The table is a model/view pair so that a folder of thousands of files is as quick to show
as a handful (no widget per file).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.excel.values import strip_invisible
from perfdesk.ui.dialogs import show_error
from perfdesk.ui.screens import fit_to_screen

HEADERS = ("文件", "结果", "记录数", "错误", "警告")
RESULTS = {"imported": "已导入", "rejected": "已拒绝"}
HEADER_TIPS = {
    2: "文件中导入的项目数",
    3: "拒绝的原因，或导入后定稿前须改正的错误",
    4: "提醒：值得核对、但不妨碍定稿的问题",
}
TEXT_FILTER = "文本文件 (*.txt)"

_Index = QModelIndex | QPersistentModelIndex


def _shown(name: str) -> str:
    # A file name may hold a line break or a bidi override (U+202E): shown raw it would
    # break the row or reverse the rest of the line.
    return strip_invisible(name)[0]


def ordered(files: Sequence[Any]) -> list[Any]:
    """Rejections first, then files with errors to correct, each group in import order."""

    def rank(f: Any) -> int:
        if f.status != "imported":
            return 0
        return 1 if f.errors else 2

    return sorted(files, key=rank)


def report_heading(report: Any) -> str:
    files = list(report.files)
    if not files:
        heading = "没有找到可导入的文件"
        if report.cancelled:
            heading += "（已取消）"
        return heading + "。"
    rejected = len(report.rejected)
    to_fix = sum(1 for f in report.imported if f.errors)
    warned = sum(1 for f in files if f.warnings)
    heading = f"共 {len(files)} 个文件：导入 {len(files) - rejected} 个，拒绝 {rejected} 个"
    if to_fix:
        heading += f"，{to_fix} 个有定稿前须改正的错误"
    if warned:
        heading += f"，{warned} 个有提醒"
    if report.cancelled:
        heading += f"（已取消，其余 {report.total - len(files)} 个文件未处理）"
    return heading + "。被拒绝的文件没有写入任何内容。"


def file_details(f: Any) -> str:
    """Everything about one file: full path, result, records, errors, warnings."""
    lines = [f"文件：{_shown(f.file)}", f"结果：{RESULTS.get(f.status, f.status)}"]
    if f.records:
        lines.append("记录编号：" + "、".join(str(i) for i in f.records))
    if f.error:
        lines.append(f"拒绝原因：{f.error}")
    for m in f.must_fix:
        lines.append(f"错误（定稿前须改正）：{m}")
    for w in f.warnings:
        # As in the check panel: an error must be corrected, a 提醒 is worth a look.
        lines.append(f"提醒：{w}")
    return "\n".join(lines)


def report_text(report: Any) -> str:
    """The whole report as plain text (what 复制 and 导出为文本… give)."""
    blocks = [report_heading(report)]
    blocks += [file_details(f) for f in ordered(report.files)]
    return "\n\n".join(blocks) + "\n"


class ImportReportModel(QAbstractTableModel):
    """The files of an ImportReport, one row each, in :func:`ordered` order."""

    def __init__(self, report: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files = ordered(report.files)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's names
        return 0 if parent.isValid() else len(self.files)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return HEADER_TIPS.get(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.files):
            return None
        f = self.files[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return _shown(Path(f.file).name)
            if col == 1:
                return RESULTS.get(f.status, f.status)
            count = (len(f.records), len(f.errors), len(f.warnings))[col - 2]
            return str(count) if count else ""
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return _shown(f.file)
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class ImportReportDialog(QDialog):
    """导入结果: the table, the selected file's details, 复制 and 导出为文本…."""

    def __init__(
        self,
        report: Any,
        save_path: Callable[[str], Path | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入结果")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report = report
        self._save_path = save_path
        layout = QVBoxLayout(self)
        self.heading = QLabel(report_heading(report))
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)
        self.model = ImportReportModel(report, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(HEADERS)):
            # Fixed widths: ResizeToContents would measure every row of a large folder.
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, 72)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("选中一个文件，这里显示它的完整路径、错误和提醒。")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.copy_button = QPushButton("复制")
        self.copy_button.setToolTip("把整份导入结果作为文字复制到剪贴板")
        self.export_button = QPushButton("导出为文本…")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_all)
        self.export_button.clicked.connect(self.export_text)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._show_row)
        if self.model.rowCount():
            self.table.selectRow(0)
        fit_to_screen(self, 900, 600)

    def _show_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.details.setPlainText(file_details(self.model.files[current.row()]))

    def all_text(self) -> str:
        return report_text(self.report)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.all_text())

    def export_text(self) -> Path | None:
        """Write the report to a .txt file the clerk names (UTF-8 with a BOM, so that
        Windows Notepad of any age shows the Chinese); the path written, or None."""
        path = self._save_path("导入结果.txt")
        if path is None:
            return None
        if path.suffix.lower() != ".txt":
            path = path.with_name(path.name + ".txt")
        try:
            path.write_text(self.all_text(), encoding="utf-8-sig")
        except OSError as exc:
            show_error(self, exc)
            return None
        self.heading.setText(f"{report_heading(self.report)}\n已导出到“{path}”。")
        return path
