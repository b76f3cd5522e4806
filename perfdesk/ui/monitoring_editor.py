"""The mid-year monitoring editor (项目支出绩效运行监控表, forms.md §5) with live rates.

执行率 and 序时进度 come from :mod:`perfdesk.models.monitoring` on every edit and are
compared at once (red while execution lags). Two pages, as the 自评表's, so the indicator
table fits a 1366×768 laptop: 资金与进度 (a scrolling form) and 绩效指标, where the table
shows the four columns a clerk fills row by row (三级指标, 年度指标值, 截至X月底完成情况,
完成目标可能性) and the selected row's other fields are edited in the pane under it
(:class:`~perfdesk.ui.row_detail.RowDetail`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.labels import FIELD_LABELS
from perfdesk.models.monitoring import (
    annual_budget,
    behind_schedule,
    execution_rate,
    expected_rate,
    far_behind_schedule,
)
from perfdesk.models.records import (
    CAUSES,
    DIRECTIONS,
    LIKELIHOODS,
    STATUS_FINAL,
    Declaration,
    MonitorFundRow,
    MonitorFunds,
    MonitorIndicator,
    Monitoring,
)
from perfdesk.ui.part_editor import FUND_KEYS, PartEditor
from perfdesk.ui.row_detail import RowDetail, table_over_detail
from perfdesk.ui.row_table import COMBO, TEXT, Column, RowTable
from perfdesk.ui.widgets import ChoiceGroup, LongText, MoneyEdit, TextLine

TABLE_KEY = "monitoring.indicators"
FUND_COLS = ("initial", "adjusted", "spent_to_date", "forecast")
MONEY_KEYS = ("budget_initial", "budget_adjusted", "spent_to_date", "forecast_spent")
TEXT_KEYS = ("supervisor", "goal_progress", "deviation_analysis", "measures", "adjustment")
YES, NO = "是", "否"
BEHIND_COLOR = "#b71c1c"
AT_RISK_COLOR = "#e65100"
ON_TIME_COLOR = "#1b5e20"
LIKELIHOOD_COLORS = {"完全不可能": BEHIND_COLOR, "有可能": AT_RISK_COLOR}
# The selected indicator's other fields, under the table, line by line.
DETAIL_LAYOUT = (
    ("category", "subcategory", "direction"),
    ("forecast", "cause"),
    ("deviation", "remedy"),
    ("remarks",),
)
INDICATOR_HINT = (
    "“有可能”或“完全不可能”完成的指标，须在表下选择原因类型，填写偏差原因分析和改进措施。"
)


def _label(key: str) -> str:
    return FIELD_LABELS.get(f"monitoring.{key}", key)


def percent(rate: Decimal) -> str:
    """A fraction as the forms print it: 0.4512 → 45.12%."""
    return f"{rate * 100:.2f}%"


def points(gap: Decimal) -> str:
    """A gap between two rates in percentage points: 0.05 → 5.00 个百分点."""
    return f"{gap * 100:.2f} 个百分点"


def progress_header(month: int | None) -> str:
    """截至X月底完成情况 with the form's month (X while it is not stated)."""
    return f"截至{month if month else 'X'}月底完成情况"


def rates_text(m: Monitoring) -> tuple[str, str]:
    """The 执行率 / 序时进度 sentence and its colour, as the user types."""
    rate, expected = execution_rate(m), expected_rate(m)
    if expected is None:
        return "序时进度：请先选择“截至月份”。", ""
    head = f"序时进度 {percent(expected)}（{m.as_of_month}/12）"
    if rate is None:
        what = "调整后预算数" if annual_budget(m) is None else f"1至{m.as_of_month}月执行数"
        return f"{head}；执行率：请填写{what}。", ""
    head = f"执行率 {percent(rate)}，{head}"
    if far_behind_schedule(m):
        return (
            f"{head}：落后序时进度 {points(expected - rate)}，超过 10 个百分点，"
            f"须填写“{_label('deviation_analysis')}”。",
            BEHIND_COLOR,
        )
    if behind_schedule(m):
        return f"{head}：落后序时进度 {points(expected - rate)}。", BEHIND_COLOR
    return f"{head}：达到序时进度。", ON_TIME_COLOR


class MonthField(QComboBox):
    """截至几月底: 1–12 or blank, with the field widgets' shape."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("（未填）", None)
        for month in range(1, 13):
            self.addItem(f"{month}月底", month)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def value(self) -> int | None:
        data = self.currentData()
        return int(data) if data is not None else None

    def set_value(self, value: int | None) -> None:
        i = self.findData(value) if value is not None else 0
        if i < 0:  # an imported month outside 1–12 is kept, shown as such, for the check
            self.addItem(f"{value}（应为1–12）", value)
            i = self.count() - 1
        if i != self.currentIndex():
            self.blockSignals(True)
            self.setCurrentIndex(i)
            self.blockSignals(False)

    def set_read_only(self, ro: bool) -> None:
        self.setEnabled(not ro)


class MonitoringEditor(PartEditor):
    fund_cols = FUND_COLS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "monitoring",
            "这个项目还没有绩效运行监控表。年中按申报表的指标和预算生成监控表，"
            "填写截至某月底的预算执行和各项指标的完成情况。",
            "按申报表生成运行监控表",
            parent,
        )
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self._money_box())
        self.fields["goal_progress"] = LongText(3)
        goals = QGroupBox(_label("goal_progress"))
        QVBoxLayout(goals).addWidget(self.fields["goal_progress"])
        column.addWidget(goals)
        column.addWidget(self._analysis_box())
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(body)

        self.sections = QTabWidget()
        self.sections.setDocumentMode(True)
        self.sections.addTab(self.scroll_area, "资金与进度")
        self.sections.addTab(self._indicator_page(), "绩效指标")
        self._assemble(self.sections)

    # ------------------------------------------------------------ building

    def _money_box(self) -> QGroupBox:
        self.fields["as_of_month"] = MonthField()
        self.fields["supervisor"] = TextLine()
        for key in MONEY_KEYS:
            self.fields[key] = MoneyEdit()
        self.rate_label = QLabel()
        self.rate_label.setWordWrap(True)
        self.rate_label.setObjectName("rates")
        box = QGroupBox("预算执行（元）")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_label("supervisor"), self.fields["supervisor"])
        form.addRow("截至", self.fields["as_of_month"])
        form.addRow(_label("budget_initial"), self.fields["budget_initial"])
        form.addRow(_label("budget_adjusted"), self.fields["budget_adjusted"])
        self.spent_label = QLabel(_label("spent_to_date"))
        form.addRow(self.spent_label, self.fields["spent_to_date"])
        form.addRow(_label("forecast_spent"), self.fields["forecast_spent"])
        form.addRow("执行率与序时进度", self.rate_label)
        # 其中：财政拨款 / 上年结转 / 其他资金
        self.funds_check = QCheckBox("分资金来源填写（财政拨款、上年结转、其他资金）")
        grid = QGridLayout()
        self.fund_headers: list[QLabel] = []
        for c, text in enumerate(("年初预算数", "调整后预算数", "1至X月执行数", "全年预计执行数")):
            header = QLabel(text)
            header.setWordWrap(True)
            self.fund_headers.append(header)
            grid.addWidget(header, 0, c + 1)
        for r, key in enumerate(FUND_KEYS):
            grid.addWidget(QLabel(_label(f"funds.{key}").removeprefix("其中：")), r + 1, 0)
            for c, col in enumerate(FUND_COLS):
                edit = MoneyEdit()
                self.fields[f"funds.{key}.{col}"] = edit
                grid.addWidget(edit, r + 1, c + 1)
        self.funds_box = QWidget()
        self.funds_box.setLayout(grid)
        form.addRow(self.funds_check)
        form.addRow(self.funds_box)
        return box

    def _indicator_page(self) -> QWidget:
        self.indicators = RowTable(
            TABLE_KEY,
            [
                Column("category", "一级指标", COMBO, 100, self._category_choices, shown=False),
                Column("subcategory", "二级指标", COMBO, 100, self._subcategory_choices,
                       shown=False),
                Column("name", "三级指标", TEXT, 160, stretch=True),
                Column("target", "年度指标值", TEXT, 120, stretch=True),
                Column("progress", progress_header(None), TEXT, 180, stretch=True),
                Column("likelihood", "完成目标可能性", COMBO, 100, lambda _r: LIKELIHOODS, "—",
                       editable=False),
                Column("direction", "指标方向", COMBO, 60, lambda _r: DIRECTIONS, "自动",
                       shown=False),
                Column("forecast", "全年预计完成情况", TEXT, shown=False),
                Column("cause", "原因类型", COMBO, 80, lambda _r: CAUSES, "—", editable=False,
                       shown=False),
                Column("deviation", "偏差原因分析", TEXT, shown=False),
                Column("remedy", "改进措施", TEXT, shown=False),
                Column("remarks", "备注", TEXT, shown=False),
            ],
        )  # fmt: skip
        self.indicators.table.setToolTip(INDICATOR_HINT)
        self.indicators.table.setMinimumHeight(100)
        self.detail = RowDetail(
            self.indicators,
            DETAIL_LAYOUT,
            long=("deviation", "remedy"),
            what="其他内容（在此填写）",
        )
        self.detail.setToolTip(INDICATOR_HINT)
        split = table_over_detail(self.indicators, self.detail)
        self.indicators_page = QWidget()
        layout = QVBoxLayout(self.indicators_page)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(split, 1)
        return self.indicators_page

    def _analysis_box(self) -> QGroupBox:
        self.fields["deviation_analysis"] = LongText(3)
        self.fields["measures"] = LongText(3)
        self.fields["adjust_goals"] = ChoiceGroup((YES, NO), 2)
        self.fields["adjustment"] = LongText(2)
        box = QGroupBox("偏差分析与调整")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        for key in ("deviation_analysis", "measures", "adjust_goals", "adjustment"):
            form.addRow(_label(key), self.fields[key])
        return box

    # ------------------------------------------------------------ values

    def show_record(self, decl: Declaration) -> None:
        self._loading = True
        try:
            self.framework = decl.framework
            m = decl.monitoring
            self.pages.setCurrentIndex(0 if m is None else 1)
            if m is None:
                self.banner.setText("尚无运行监控表。")
                self.banner.setStyleSheet("padding: 4px;")
                return
            for key in ("as_of_month", *MONEY_KEYS, *TEXT_KEYS):
                self.fields[key].set_value(getattr(m, key))
            adjust = None if m.adjust_goals is None else (YES if m.adjust_goals else NO)
            self.fields["adjust_goals"].set_value(adjust)
            self._show_funds(m.funds)
            self._show_indicators(decl, [self._row(i) for i in m.indicators])
            self.show_state(decl)
            self.refresh_rates(decl)
        finally:
            self._loading = False

    @staticmethod
    def _row(i: MonitorIndicator) -> dict[str, Any]:
        return {
            "category": i.category, "subcategory": i.subcategory, "name": i.name,
            "target": i.target, "progress": i.progress, "forecast": i.forecast,
            "likelihood": i.likelihood, "cause": i.cause, "deviation": i.deviation,
            "remedy": i.remedy, "remarks": i.remarks, "direction": i.direction,
        }  # fmt: skip

    def collect_into(self, decl: Declaration) -> None:
        m = decl.monitoring
        if m is None:
            return
        for key in ("as_of_month", *MONEY_KEYS, *TEXT_KEYS):
            setattr(m, key, self.fields[key].value())
        adjust = self.fields["adjust_goals"].value()
        m.adjust_goals = None if adjust is None else adjust == YES
        m.funds = self._collect_funds(MonitorFunds, MonitorFundRow)
        m.indicators = [MonitorIndicator(**row) for row in self.indicators.rows()]

    def refresh_rates(self, decl: Declaration) -> None:
        """执行率 against 序时进度, the month in the headers, the indicators at risk in
        colour: for the record on screen, after every edit."""
        m = decl.monitoring
        if m is None:
            return
        text, color = rates_text(m)
        self.rate_label.setText(text)
        self.rate_label.setStyleSheet(f"color: {color};" if color else "")
        month = str(m.as_of_month) if m.as_of_month else "X"
        self.spent_label.setText(f"1至{month}月执行数")
        self.fund_headers[2].setText(f"1至{month}月执行数")
        c = self.indicators.col_index("progress")
        header = self.indicators.table.horizontalHeaderItem(c)
        if header is not None:
            header.setText(progress_header(m.as_of_month))
        for r, ind in enumerate(m.indicators[: self.indicators.table.rowCount()]):
            self.indicators.set_color(r, "likelihood", LIKELIHOOD_COLORS.get(ind.likelihood or ""))

    # ------------------------------------------------------------ state

    def show_state(self, decl: Declaration) -> None:
        m = decl.monitoring
        if m is None:
            return
        self._show_status(
            m.status == STATUS_FINAL,
            "运行监控表已定稿，只读。要修改请点“新修订”。",
            "运行监控表草稿。执行率与序时进度随填写即时比较；修改会自动保存。",
        )

    def _field_for(self, key: str) -> str:
        # The rates are derived from 1至X月执行数: that is where a finding on them is fixed.
        return "spent_to_date" if key in ("execution_rate", "expected_rate") else key


__all__ = ["MonitoringEditor", "progress_header", "rates_text"]
