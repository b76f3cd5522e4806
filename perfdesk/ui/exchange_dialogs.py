"""The dialogs of 上报, 接收, 退回 and 汇总 (forms.md §6): what a clerk fills in and reads.

They hold no logic of packages: the commands (``commands_exchange``) run the core's
``perfdesk.exchange.hand_in`` on the writer or the reader and hand these dialogs the results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from perfdesk.exchange.hand_in import (
    OUTCOME_LABELS,
    STATUS_HEADERS,
    PackageReport,
    UnitStatus,
    status_table,
)
from perfdesk.ui.screens import fit_to_screen

WHOLE_FORM = "（整张表）"


class ReturnDialog(QDialog):
    """退回: the comment for the chosen records and, optionally, the field it is about."""

    def __init__(
        self,
        titles: Sequence[str],
        fields: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("退回")
        layout = QVBoxLayout(self)
        shown = "、".join(f"“{t}”" for t in titles[:5])
        more = f"等 {len(titles)} 个项目" if len(titles) > 5 else ""
        head = QLabel(f"退回 {shown}{more}，请写明退回意见（单位收到后据此修改）：")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setPlaceholderText("例如：年度预算与明细合计不符，请核对后重新上报。")
        layout.addWidget(self.comment_edit)
        row = QHBoxLayout()
        row.addWidget(QLabel("意见针对："))
        self.field_box = QComboBox()
        self.field_box.addItem(WHOLE_FORM, None)
        for key, label in fields:
            self.field_box.addItem(label, key)
        row.addWidget(self.field_box, 1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("退回")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.comment_edit.textChanged.connect(self._update)
        self._update()
        fit_to_screen(self, 560, 360)

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.comment()))

    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def field_key(self) -> str | None:
        return self.field_box.currentData()


def receive_report_rows(reports: Sequence[PackageReport]) -> list[PackageReport]:
    """Rejected packages first, then the others in the order they were taken in."""
    return sorted(reports, key=lambda r: r.status != "rejected")


RESULT_LABELS = {"received": "已接收", "already": "此前已接收", "rejected": "未接收"}
COUNT_COLUMNS = ("added", "updated", "unchanged", "conflict", "reopened", "not_applied")


def report_details(report: PackageReport) -> str:
    lines = [f"{report.file}：{RESULT_LABELS[report.status]}"]
    if report.id:
        lines.append(f"数据包编号 {report.id}，校验码 {report.check_code}，发送方 {report.sender}")
    if report.error:
        lines.append(f"原因：{report.error}")
    for rec in report.records:
        key = rec.key
        note = f"——{rec.note}" if rec.note else ""
        lines.append(
            f"  {OUTCOME_LABELS[rec.outcome]}：{key['year']}年“{key['unit']}”“{key['name']}”{note}"
        )
    return "\n".join(lines)


class ReceiveReportDialog(QDialog):
    """接收's result: one row per package (rejections first), details of the selected one."""

    HEADERS = ("文件", "结果", "发送方", *(OUTCOME_LABELS[c] for c in COUNT_COLUMNS))

    def __init__(self, reports: Sequence[PackageReport], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("接收结果")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.reports = receive_report_rows(reports)
        layout = QVBoxLayout(self)
        rejected = sum(1 for r in self.reports if r.status == "rejected")
        conflicts = sum(r.count("conflict") for r in self.reports)
        heading = f"共 {len(self.reports)} 个数据包：接收 {len(self.reports) - rejected} 个"
        if rejected:
            heading += f"，未接收 {rejected} 个（其内容没有写入）"
        if conflicts:
            heading += f"，{conflicts} 个项目有冲突（本机的修改已保留为历史版本）"
        self.heading = QLabel(heading + "。")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.table = QTableWidget(len(self.reports), len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        for row, r in enumerate(self.reports):
            cells = [r.file, RESULT_LABELS[r.status], r.sender or ""]
            cells += [str(r.count(c)) if r.status != "rejected" else "" for c in COUNT_COLUMNS]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(self.HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 2)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.copy_button = QPushButton("复制全部")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_all)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._show_selected)
        if self.reports:
            self.table.selectRow(0)
        fit_to_screen(self, 820, 520)

    def _show_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.details.setPlainText(report_details(self.reports[rows[0].row()]))

    def all_text(self) -> str:
        return self.heading.text() + "\n\n" + "\n\n".join(report_details(r) for r in self.reports)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.all_text())


class UnitStatusDialog(QDialog):
    """汇总: per unit of a year, received / returned / missing, with 导出Excel."""

    HEADERS = STATUS_HEADERS

    def __init__(
        self,
        years: Sequence[int],
        year: int,
        load: Callable[[int], None],
        export: Callable[[int, list[UnitStatus]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("上报汇总")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._load = load
        self._export = export
        self.rows: list[UnitStatus] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("年度："))
        self.year_box = QComboBox()
        for y in sorted(set(years) | {year}, reverse=True):
            self.year_box.addItem(f"{y}年", y)
        self.year_box.setCurrentIndex(self.year_box.findData(year))
        self.year_box.currentIndexChanged.connect(lambda _i: self._load(self.year()))
        top.addWidget(self.year_box)
        top.addStretch(1)
        self.summary = QLabel("")
        top.addWidget(self.summary)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.export_button = QPushButton("导出Excel…")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(lambda: self._export(self.year(), self.rows))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 900, 520)

    def year(self) -> int:
        return int(self.year_box.currentData())

    def set_rows(self, year: int, rows: list[UnitStatus]) -> None:
        if year != self.year():
            return  # an answer for a year no longer chosen
        self.rows = rows
        self.table.setRowCount(len(rows))
        for n, (st, cells) in enumerate(zip(rows, status_table(rows), strict=True)):
            for col, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 0 and st.state == "missing":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(n, col, item)
        self.table.resizeColumnsToContents()
        counts = {s: sum(1 for r in rows if r.state == s) for s in UnitStatus.STATE_LABELS}
        self.summary.setText(
            "，".join(f"{UnitStatus.STATE_LABELS[s]} {n} 个单位" for s, n in counts.items())
            if rows
            else f"{year}年还没有收到或退回任何数据包（往年也没有上报过的单位）。"
        )
        self.export_button.setEnabled(bool(rows))
