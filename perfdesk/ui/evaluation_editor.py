"""The self-evaluation editor (项目支出绩效自评表, forms.md §2) with live scores.

Actual values, tiers for qualitative indicators, weights, overrides with reasons and
deviation texts are edited here; the scores, their one-sentence explanations, the total
and the grade come from :func:`perfdesk.models.scoring.score_evaluation` on every edit.

Two pages, so that the indicator table fits a 1366×768 laptop: 资金与目标 (a scrolling form)
and 绩效指标, where the table takes the page's height and shows its key columns together
(三级指标, 年度指标值, 实际完成值, 分值, 得分); the selected row's other fields are edited in the
pane under it. 总分 and 自评等级 stay in sight below both pages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.labels import FIELD_LABELS
from perfdesk.models.monitoring import mid_year_text
from perfdesk.models.records import (
    DIRECTIONS,
    LAYOUT_NATIONAL,
    LAYOUT_SHANGHAI,
    STATUS_FINAL,
    TIERS,
    Declaration,
    EvalIndicator,
    Evaluation,
    FundRow,
    Funds,
)
from perfdesk.models.scoring import (
    budget_explanation,
    execution_rate,
    fmt,
    propose_weights,
    score_evaluation,
)
from perfdesk.ui.part_editor import FUND_KEYS, PartEditor
from perfdesk.ui.row_detail import RowDetail, table_over_detail
from perfdesk.ui.row_table import CHECK, COMBO, INFO, NUMBER, TEXT, Column, RowTable
from perfdesk.ui.widgets import LongText, MoneyEdit, TextLine

TABLE_KEY = "evaluation.indicators"
FUND_COLS = ("initial", "adjusted", "spent")
HAS_BUDGET_DEVIATION = "budget_deviation" in Evaluation.__dataclass_fields__
# The selected indicator's fields shown under the table, line by line.
DETAIL_LAYOUT = (
    ("category", "subcategory", "direction"),
    ("tier", "tier_score", "not_applicable"),
    ("score_override", "override_reason"),
    ("mid_year",),
    ("deviation",),
    ("explanation",),
)
INDICATOR_HINT = (
    "定性指标选择“达成档次”（达成 80–100%、部分达成 60–80%、未达成 0–60% 的分值）；"
    "改动得分须写调整理由；得分低于分值或超额完成须写偏差原因。"
)


def _label(key: str) -> str:
    return FIELD_LABELS.get(f"evaluation.{key}", FIELD_LABELS.get(key, key))


def new_evaluation(decl: Declaration) -> Evaluation:
    """A blank self-evaluation for ``decl``: its indicators and targets, its budget."""
    return Evaluation(
        budget_initial=decl.year_budget,
        budget_adjusted=decl.year_budget,
        goal_expected=decl.annual_goal,
        indicators=[
            EvalIndicator(i.category, i.subcategory, i.name, i.target, direction=i.direction)
            for i in decl.indicators
        ],
    )


class EvaluationEditor(PartEditor):
    fund_cols = FUND_COLS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "evaluation",
            "这个项目还没有绩效自评表。年度结束后，按申报表的指标生成自评表并填写实际完成值。",
            "按申报表生成自评表",
            parent,
        )
        body = QWidget()
        column = QVBoxLayout(body)

        # --- 基本与资金
        self.fields["supervisor"] = TextLine()
        self.layout_box = QComboBox()
        self.layout_box.addItem("全国表式（资金单位：万元）", LAYOUT_NATIONAL)
        self.layout_box.addItem("上海表式（资金单位：元）", LAYOUT_SHANGHAI)
        for key in ("budget_initial", "budget_adjusted", "spent", "budget_weight"):
            self.fields[key] = MoneyEdit()
        self.rate_label = QLabel()
        self.rate_label.setWordWrap(True)
        money = QGroupBox("项目资金（元）")
        form = QFormLayout(money)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(_label("supervisor"), self.fields["supervisor"])
        form.addRow("打印表式", self.layout_box)
        form.addRow(_label("budget_initial") + "（元）", self.fields["budget_initial"])
        form.addRow(_label("budget_adjusted") + "（元）", self.fields["budget_adjusted"])
        form.addRow(_label("spent") + "（元）", self.fields["spent"])
        form.addRow(_label("budget_weight"), self.fields["budget_weight"])
        form.addRow("预算执行率", self.rate_label)
        if HAS_BUDGET_DEVIATION:
            self.fields["budget_deviation"] = LongText(2)
            form.addRow(_label("budget_deviation"), self.fields["budget_deviation"])
        # 其中：当年财政拨款 / 上年结转资金 / 其他资金
        self.funds_check = QCheckBox("分资金来源填写（当年财政拨款、上年结转资金、其他资金）")
        funds_grid = QGridLayout()
        for c, text in enumerate(("年初预算数", "全年预算数", "全年执行数")):
            funds_grid.addWidget(QLabel(text), 0, c + 1)
        for r, key in enumerate(FUND_KEYS):
            funds_grid.addWidget(QLabel(_label(f"funds.{key}")), r + 1, 0)
            for c, col in enumerate(FUND_COLS):
                edit = MoneyEdit()
                self.fields[f"funds.{key}.{col}"] = edit
                funds_grid.addWidget(edit, r + 1, c + 1)
        self.funds_box = QWidget()
        self.funds_box.setLayout(funds_grid)
        form.addRow(self.funds_check)
        form.addRow(self.funds_box)
        column.addWidget(money)

        # --- 年度总体目标
        self.fields["goal_expected"] = LongText(3)
        self.fields["goal_actual"] = LongText(3)
        goals = QGroupBox("年度总体目标")
        gl = QFormLayout(goals)
        gl.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        gl.addRow("预期目标", self.fields["goal_expected"])
        gl.addRow("实际完成情况", self.fields["goal_actual"])
        column.addWidget(goals)
        column.addStretch(1)

        # --- 绩效指标: the key columns in the table, the rest of the row under it
        number_width = self.fontMetrics().horizontalAdvance("100.00") + 16
        # Wide enough for an override beside the rules' score: 14（规则 15）.
        score_width = number_width + self.fontMetrics().horizontalAdvance("（规则 15）")
        self.indicators = RowTable(
            TABLE_KEY,
            [
                # The framework's names to pick from, as in the declaration editor; an
                # imported name outside the framework can still be typed.
                Column("category", "一级指标", COMBO, 110, self._category_choices, shown=False),
                Column("subcategory", "二级指标", COMBO, 110, self._subcategory_choices,
                       shown=False),
                Column("name", "三级指标", TEXT, 170, stretch=True),
                Column("target", "年度指标值", TEXT, 110, stretch=True),
                Column("actual", "实际完成值", TEXT, 110, stretch=True),
                Column("tier", "达成档次", COMBO, 90, lambda _r: TIERS, "—", shown=False),
                Column("tier_score", "档内得分", NUMBER, 70, shown=False),
                Column("weight", "分值", NUMBER, number_width),
                Column("not_applicable", "不适用", CHECK, 56, shown=False),
                Column("direction", "方向", COMBO, 56, lambda _r: DIRECTIONS, "自动", shown=False),
                Column("score", "得分", INFO, score_width),
                Column("score_override", "调整得分", NUMBER, 70, shown=False),
                Column("override_reason", "调整理由", TEXT, 120, shown=False),
                Column("deviation", "偏差原因分析及改进措施", TEXT, 200, shown=False),
                Column("explanation", "计分说明", INFO, 360, shown=False),
                # What the 运行监控表 said of the indicator mid-year, beside its actual.
                Column("mid_year", "年中预计（完成可能性）", INFO, 200, shown=False),
            ],
        )  # fmt: skip
        self.indicators.table.setToolTip(INDICATOR_HINT)
        self.indicators.table.setMinimumHeight(100)
        self.detail = RowDetail(
            self.indicators, DETAIL_LAYOUT, long=("deviation",), what="其他内容（在此填写）"
        )
        self.detail.setToolTip(INDICATOR_HINT)
        self.propose_button = QPushButton("按规则建议分值")
        self.propose_button.setToolTip("产出 50、效益 30、满意度 10、预算执行率 10，类内平均分配")
        self.indicators.extra_buttons.insertWidget(4, self.propose_button)
        self.propose_button.clicked.connect(self.propose_weights)
        # The indicator library (forms.md §7), as in the declaration's table.
        self.previous: Declaration | None = None
        self.library_submit: Any = None
        self.library_button = QPushButton("从指标库选择")
        self.library_button.setToolTip("从历年用过的指标和导入的指标库中查找，填入指标及建议的目标值")
        self.indicators.extra_buttons.insertWidget(5, self.library_button)
        self.library_button.clicked.connect(self._pick_from_library)
        self.indicator_split = table_over_detail(self.indicators, self.detail)
        self.indicators_page = QWidget()
        bl = QVBoxLayout(self.indicators_page)
        bl.setContentsMargins(4, 4, 4, 0)
        bl.addWidget(self.indicator_split, 1)
        self.total_label = QLabel()
        self.total_label.setObjectName("total")
        font = self.total_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.total_label.setFont(font)
        bl.addWidget(self.total_label)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b71c1c;")

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(body)
        self.sections = QTabWidget()
        self.sections.setDocumentMode(True)
        self.sections.addTab(self.scroll_area, "资金与目标")
        self.sections.addTab(self.indicators_page, "绩效指标")
        content = QWidget()
        cl = QVBoxLayout(content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.sections, 1)
        cl.addWidget(self.total_label)
        cl.addWidget(self.problems_label)
        self._assemble(content)
        self.layout_box.currentIndexChanged.connect(lambda _i: self._edited("evaluation.layout"))

    def set_library(self, submit: Any, previous: Declaration | None) -> None:
        """What the picker reads with and last year's record (or None)."""
        self.library_submit = submit
        self.previous = previous

    def _pick_from_library(self) -> None:
        from perfdesk.ui.indicator_picker import pick_indicator

        if self.library_submit is None or self.read_only:
            return
        pick_indicator(self, self.library_submit, self.framework, self.previous, self.indicators)

    # ------------------------------------------------------------ values

    def show_record(self, decl: Declaration) -> None:
        self._loading = True
        try:
            self.framework = decl.framework
            ev = decl.evaluation
            self.pages.setCurrentIndex(0 if ev is None else 1)
            self.create_button.setEnabled(ev is None and decl.id is not None or ev is None)
            if ev is None:
                self.banner.setText("尚无自评表。")
                self.banner.setStyleSheet("padding: 4px;")
                return
            for key in ("supervisor", "budget_initial", "budget_adjusted", "spent", "budget_weight",
                        "goal_expected", "goal_actual"):  # fmt: skip
                self.fields[key].set_value(getattr(ev, key))
            if HAS_BUDGET_DEVIATION:
                self.fields["budget_deviation"].set_value(ev.budget_deviation)
            self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(ev.layout)))
            self._show_funds(ev.funds)
            self.detail.set_field_visible("mid_year", decl.monitoring is not None)
            self._show_indicators(decl, [self._row(i) for i in ev.indicators])
            self.show_state(decl)
            self.refresh_scores(decl)
        finally:
            self._loading = False

    @staticmethod
    def _row(i: EvalIndicator) -> dict[str, Any]:
        return {
            "category": i.category, "subcategory": i.subcategory, "name": i.name, "target": i.target,
            "actual": i.actual, "tier": i.tier, "tier_score": i.tier_score, "weight": i.weight,
            "not_applicable": i.not_applicable, "direction": i.direction,
            "score_override": i.score_override, "override_reason": i.override_reason,
            "deviation": i.deviation,
        }  # fmt: skip

    def collect_into(self, decl: Declaration) -> None:
        ev = decl.evaluation
        if ev is None:
            return
        for key in ("supervisor", "budget_initial", "budget_adjusted", "spent",
                    "goal_expected", "goal_actual"):  # fmt: skip
            setattr(ev, key, self.fields[key].value())
        weight = self.fields["budget_weight"].value()
        ev.budget_weight = weight if weight is not None else Decimal(10)
        if HAS_BUDGET_DEVIATION:
            ev.budget_deviation = self.fields["budget_deviation"].value()
        ev.layout = str(self.layout_box.currentData())
        ev.funds = self._collect_funds(Funds, FundRow)
        ev.indicators = [
            EvalIndicator(
                r["category"], r["subcategory"], r["name"], r["target"], r["actual"], r["weight"],
                r["score_override"], r["override_reason"], r["deviation"],
                r["tier"] if r["tier"] in TIERS else None, bool(r["not_applicable"]), r["direction"],
                r["tier_score"],
            )
            for r in self.indicators.rows()
        ]  # fmt: skip

    def refresh_scores(self, decl: Declaration) -> None:
        """Scores, explanations, execution rate, total and grade for the record on screen."""
        ev = decl.evaluation
        if ev is None:
            return
        sheet = score_evaluation(ev, decl.framework)
        for r, s in enumerate(sheet.indicators):
            shown = "" if s.score is None else fmt(s.score)
            if s.overridden and s.computed is not None:
                shown += f"（规则 {fmt(s.computed)}）"
            weight = "" if s.weight is None else f"，分值 {fmt(s.weight)}"
            self.indicators.set_info(r, "score", shown, f"得分 {shown}{weight}")
            self.indicators.set_info(r, "explanation", s.explanation)
        if decl.monitoring is not None:
            for r, ind in enumerate(ev.indicators):
                word = mid_year_text(decl.monitoring, ind.category, ind.name, progress=True)
                self.indicators.set_info(
                    r, "mid_year", "运行监控表中没有这项指标" if word is None else word
                )
        self.detail.refresh_info()
        rate = execution_rate(ev)
        self.rate_label.setText(budget_explanation(ev, rate, sheet.budget_score))
        total = "—" if sheet.total is None else fmt(sheet.total)
        grade = sheet.grade or "—"
        self.total_label.setText(
            f"总分 {total}（已得 {fmt(sheet.subtotal)}），自评等级 {grade}；分值合计 {fmt(sheet.weights_total)}"
        )
        self.problems_label.setText("；".join(sheet.problems))
        self.problems_label.setVisible(bool(sheet.problems))

    def propose_weights(self) -> None:
        """Fill the 分值 column with the rules' proposal (an edit, so it can be undone)."""
        rows = self.indicators.rows()
        ev = Evaluation(
            indicators=[
                EvalIndicator(r["category"], r["subcategory"], r["name"], r["target"]) for r in rows
            ]
        )
        ev.budget_weight = self.fields["budget_weight"].value() or Decimal(10)
        for r, w in enumerate(propose_weights(ev, self.framework)):
            rows[r]["weight"] = w
        self.indicators.set_rows(rows)
        self._edited(TABLE_KEY)

    # ------------------------------------------------------------ state

    def show_state(self, decl: Declaration) -> None:
        ev = decl.evaluation
        if ev is None:
            return
        self._show_status(
            ev.status == STATUS_FINAL,
            "自评表已定稿，只读。要修改请点“新修订”。",
            "自评表草稿。得分随填写即时计算；修改会自动保存。",
        )

    def set_read_only(self, ro: bool) -> None:
        super().set_read_only(ro)
        self.layout_box.setEnabled(not ro)
        self.propose_button.setEnabled(not ro)
        self.library_button.setEnabled(not ro)


__all__ = ["EvaluationEditor", "new_evaluation"]
