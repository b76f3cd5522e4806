"""What the forms say, once: row order, labels and field keys of the 申报表 and the 自评表.

Both media draw from here: :mod:`perfdesk.excel.layouts` adds column spans, widths and the
line split of a checkbox group; :mod:`perfdesk.pdf.layouts` adds widths in points. A new
label or another row in next year's form is a change of this file, and the Excel and the
PDF stay alike. Plain data only: no Qt, no openpyxl, no reportlab.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.models.records import FUND_USES, LAYOUT_NATIONAL, LAYOUT_SHANGHAI, PROJECT_TYPES

# ---------------------------------------------------------------- declaration (申报表)

ROW_KINDS = ("text", "choice", "pair", "long", "funds", "budget_items", "indicators", "signoff")


@dataclass(frozen=True)
class FormRow:
    """One row of the declaration, in the order the form prints them.

    kinds: ``text`` / ``long`` (one value beside the label; a long one may run over pages),
    ``choice`` (a checkbox group of ``options``), ``pair`` (two label/value pairs side by
    side; ``label2``/``key2`` name the right one), ``funds`` (the national 项目资金 block,
    rows :data:`NATIONAL_FUND_ROWS`), ``budget_items`` (the 投入资金构成 block with its 合计),
    ``indicators`` (the 分解目标 table), ``signoff`` (the signatures under the form).
    ``key`` is the :class:`~perfdesk.models.records.Declaration` attribute shown;
    ``value_kind`` (text | date | money) says how a text or pair row's values are written.
    An ``optional`` row is left out when the record has no value for it (the national form
    prints Shanghai's 项目类型 only for a record that has one).
    """

    kind: str
    label: str
    key: str = ""
    value_kind: str = "text"
    label2: str = ""
    key2: str = ""
    options: tuple[str, ...] = ()
    optional: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ROW_KINDS:
            raise ValueError(f"unknown row kind {self.kind!r}")


DECLARATION_ROWS: tuple[FormRow, ...] = (
    FormRow("text", "项目名称", "name"),
    FormRow("choice", "项目类型", "project_type", options=PROJECT_TYPES),
    FormRow("choice", "资金用途", "fund_use", options=FUND_USES),
    FormRow(
        "pair", "开始时间", "start_date", value_kind="date", label2="结束时间", key2="end_date",
    ),
    FormRow("long", "项目概况", "overview"),
    FormRow("long", "立项依据", "basis"),
    FormRow("long", "项目设立的必要性", "necessity"),
    FormRow("long", "保证项目实施的制度、措施", "measures"),
    FormRow(
        "pair", "项目总预算（元）", "total_budget", value_kind="money",
        label2="项目当年预算（元）", key2="year_budget",
    ),
    FormRow(
        "pair", "同名项目上年预算额（元）", "prev_year_budget", value_kind="money",
        label2="同名项目上年预算执行数（元）", key2="prev_year_spent",
    ),
    FormRow("budget_items", "项目当年投入资金构成", "budget_items"),
    FormRow("long", "项目实施计划", "plan"),
    FormRow("long", "项目总目标", "overall_goal"),
    FormRow("long", "年度绩效目标", "annual_goal"),
    FormRow("indicators", "分解目标", "indicators"),
    FormRow("long", "备注", "remarks"),
    FormRow("signoff", "", "signoff"),
)  # fmt: skip

# The national 项目支出绩效目标申报表 (财政部; the 一体化 systems print the same rows): its
# head (主管部门, 实施单位, the 项目资金 block), 中长期目标 / 年度目标 for the goals and
# 绩效指标 for the indicator table; the rows it shares with the Shanghai form keep their
# labels, so that a national record loses nothing on paper or in Excel.
NATIONAL_DECLARATION_ROWS: tuple[FormRow, ...] = (
    FormRow("text", "项目名称", "name"),
    FormRow("pair", "主管部门", "supervisor", label2="实施单位", key2="unit"),
    # Shanghai's option sets: printed as the value, only when the record has one.
    FormRow("text", "项目类型", "project_type", optional=True),
    FormRow("text", "资金用途", "fund_use", optional=True),
    FormRow(
        "pair", "开始时间", "start_date", value_kind="date", label2="结束时间", key2="end_date",
    ),
    FormRow("funds", "项目资金（元）", "funds"),
    FormRow("text", "项目总预算（元）", "total_budget", value_kind="money"),
    FormRow(
        "pair", "同名项目上年预算额（元）", "prev_year_budget", value_kind="money",
        label2="同名项目上年预算执行数（元）", key2="prev_year_spent",
    ),
    FormRow("long", "项目概况", "overview"),
    FormRow("long", "立项依据", "basis"),
    FormRow("long", "项目设立的必要性", "necessity"),
    FormRow("long", "保证项目实施的制度、措施", "measures"),
    FormRow("budget_items", "项目当年投入资金构成", "budget_items"),
    FormRow("long", "项目实施计划", "plan"),
    FormRow("long", "中长期目标", "overall_goal"),
    FormRow("long", "年度目标", "annual_goal"),
    FormRow("indicators", "绩效指标", "indicators"),
    FormRow("long", "备注", "remarks"),
    FormRow("signoff", "", "signoff"),
)  # fmt: skip
# The 项目资金 block: (where the amount is — ``year_budget`` or a DeclarationFunds
# attribute —, row name).
NATIONAL_FUND_ROWS: tuple[tuple[str, str], ...] = (
    ("year_budget", "年度资金总额"),
    ("appropriation", "其中：财政拨款"),
    ("other", "其他资金"),
)

# Per indicator framework (Declaration.framework).
DECLARATION_ROWS_BY_FRAMEWORK: dict[str, tuple[FormRow, ...]] = {
    "sh2019": DECLARATION_ROWS,
    "national": NATIONAL_DECLARATION_ROWS,
}
DECLARATION_TITLES: dict[str, str] = {
    "sh2019": "上海市财政支出项目绩效目标申报表",
    "national": "项目支出绩效目标申报表",
}
UNIT_LABEL = "申报单位名称"
BUDGET_ITEM_HEADERS: tuple[str, str] = ("子项目名称", "预算金额（元）")
# The last row of the 投入资金构成 block: the sum of the amounts, and (on paper) in 大写.
BUDGET_TOTAL_LABEL = "合计"
CAPITAL_LABEL = "大写"


@dataclass(frozen=True)
class IndicatorColumns:
    """The 分解目标 table's headers; the first ``category_columns`` are categories whose
    cells span their indicators, the last two the indicator and its target."""

    headers: tuple[str, ...]
    category_columns: int


DECLARATION_INDICATORS: dict[str, IndicatorColumns] = {
    "sh2019": IndicatorColumns(("分解目标内容", "绩效指标", "指标目标值"), 1),
    "national": IndicatorColumns(("一级指标", "二级指标", "三级指标", "指标值"), 2),
}

# The Signoff record's fields (forms.md §1), in the order the form lists them.
SIGNOFF_LABELS: dict[str, str] = {
    "head": "单位负责人（签字）",
    "preparer": "填表人",
    "phone": "联系电话",
    "date": "填报日期",
}

# ---------------------------------------------------------------- self-evaluation (自评表)


@dataclass(frozen=True)
class EvaluationForm:
    """What differs between the 自评表 layouts (Evaluation.layout): the title and the unit
    the money block is written in."""

    title: str
    money_unit: str  # 元 or 万元
    supervisor_label: str = "主管部门"
    unit_label: str = "实施单位"

    @property
    def money_label(self) -> str:
        return f"项目资金（{self.money_unit}）"


EVALUATION_FORMS: dict[str, EvaluationForm] = {
    LAYOUT_NATIONAL: EvaluationForm("项目支出绩效自评表", "万元"),
    LAYOUT_SHANGHAI: EvaluationForm("财政项目支出绩效自评表", "元"),
}

# Money block: side label | row name | these headers.
EVAL_MONEY_HEADERS: tuple[str, ...] = (
    "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
)  # fmt: skip
# (Funds attribute, or "total" for the Evaluation's own amounts; row name)
EVAL_FUND_ROWS: tuple[tuple[str, str], ...] = (
    ("total", "年度资金总额"),
    ("appropriation", "其中：当年财政拨款"),
    ("carried_over", "上年结转资金"),
    ("other", "其他资金"),
)
EVAL_GOAL_LABEL = "年度总体目标"
EVAL_GOAL_HEADERS: tuple[str, str] = ("预期目标", "实际完成情况")
EVAL_INDICATOR_LABEL = "绩效指标"
EVAL_INDICATOR_HEADERS: tuple[str, ...] = (
    "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
    "偏差原因分析及改进措施",
)  # fmt: skip
EVAL_INDICATOR_CATEGORY_COLUMNS = 2
EVAL_TOTAL_LABEL = "总分"
EVAL_GRADE_LABEL = "自评等级"
