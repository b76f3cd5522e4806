"""The printed forms as data: titles, row order, labels and column widths.

:mod:`perfdesk.pdf_out` (through its pdf_* modules) draws whatever is described here; a
bureau's variant of a form is a change of this file, not of the drawing code. Widths are in points on A4 portrait
(595.28 × 841.89 pt) with the margins below; every table of a form is as wide as the page
body so their borders line up.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.models.records import FUND_USES, LAYOUT_SHANGHAI, PROJECT_TYPES

MM = 72 / 25.4
PAGE_MARGIN_X = 18 * MM
PAGE_MARGIN_TOP = 15 * MM
# Room under the body for the footer: record marker text, page numbers and the QR code.
PAGE_MARGIN_BOTTOM = 26 * MM
BODY_WIDTH = 595.2755905511812 - 2 * PAGE_MARGIN_X  # ≈ 493 pt

TITLE_SIZE = 18
BODY_SIZE = 10
SMALL_SIZE = 8.5
EVAL_SIZE = 9  # the 自评表 has more, narrower columns
LEADING = 1.35  # line height as a multiple of the font size

# A single table row is never taller than this: longer text continues in further rows
# (no line between them) so that reportlab can break the table between them.
MAX_ROW_HEIGHT = 120.0
# A cell spanning rows (a category over its indicators) is cut into pieces this tall at
# most, the label repeated, so a long category never needs more than one page.
MAX_SPAN_HEIGHT = 200.0
SEAL_SIZE = 40 * MM  # room for the 4 cm round seal


@dataclass(frozen=True)
class FieldRow:
    """One row of a form: ``kind`` says how the value is drawn.

    kinds: ``text`` (one value over the row), ``long`` (long text, split over pages),
    ``choice`` (a checkbox group of ``options``), ``pair`` (two label/value pairs side by
    side; ``key2``/``label2``/``kind2`` describe the right one), ``budget_items`` (the 投入资金
    构成 block), ``indicators`` (the 分解目标 table).
    """

    kind: str
    label: str
    key: str = ""
    options: tuple[str, ...] = ()
    value_kind: str = "text"  # text | date | money, for the value(s) of a pair row
    label2: str = ""
    key2: str = ""


DECLARATION_TITLES = {
    "sh2019": "上海市财政支出项目绩效目标申报表",
    "national": "项目支出绩效目标申报表",
}
UNIT_LABEL = "申报单位名称"

# Label | value | label | value: a pair row uses all four, other rows span columns 1–3.
DECLARATION_COLUMNS = (100.0, 146.5, 100.0, 146.5)

DECLARATION_ROWS: tuple[FieldRow, ...] = (
    FieldRow("text", "项目名称", "name"),
    FieldRow("choice", "项目类型", "project_type", options=PROJECT_TYPES),
    FieldRow("choice", "资金用途", "fund_use", options=FUND_USES),
    FieldRow(
        "pair", "开始时间", "start_date", value_kind="date", label2="结束时间", key2="end_date"
    ),
    FieldRow("long", "项目概况", "overview"),
    FieldRow("long", "立项依据", "basis"),
    FieldRow("long", "项目设立的必要性", "necessity"),
    FieldRow("long", "保证项目实施的制度、措施", "measures"),
    FieldRow(
        "pair", "项目总预算（元）", "total_budget", value_kind="money",
        label2="项目当年预算（元）", key2="year_budget",
    ),
    FieldRow(
        "pair", "同名项目上年预算额（元）", "prev_year_budget", value_kind="money",
        label2="同名项目上年预算执行数（元）", key2="prev_year_spent",
    ),
    FieldRow("budget_items", "项目当年投入资金构成", "budget_items"),
    FieldRow("long", "项目实施计划", "plan"),
    FieldRow("long", "项目总目标", "overall_goal"),
    FieldRow("long", "年度绩效目标", "annual_goal"),
    FieldRow("indicators", "分解目标", "indicators"),
    FieldRow("long", "备注", "remarks"),
)  # fmt: skip

BUDGET_ITEM_HEADERS = ("子项目名称", "预算金额（元）")


@dataclass(frozen=True)
class IndicatorTable:
    """The 分解目标 table of a framework: column headers, widths and how many leading
    columns are categories whose cells span their indicators."""

    headers: tuple[str, ...]
    widths: tuple[float, ...]
    category_columns: int


INDICATOR_TABLES = {
    "sh2019": IndicatorTable(("分解目标内容", "绩效指标", "指标目标值"), (100.0, 196.5, 196.5), 1),
    "national": IndicatorTable(
        ("一级指标", "二级指标", "三级指标", "指标目标值"), (70.0, 84.0, 169.5, 169.5), 2
    ),
}

# 单位负责人（签字）： ____ 填表人： ____ 联系电话： ____ ; the seal and date under the last two.
SIGNOFF_COLUMNS = (108.0, 92.0, 44.0, 92.0, 54.0, 103.0)
SIGNOFF_LABELS = {
    "head": "单位负责人（签字）",
    "preparer": "填表人",
    "phone": "联系电话",
    "seal": "单位（盖章）",
    "date": "日期",
}

# ---------------------------------------------------------------- self-evaluation


@dataclass(frozen=True)
class EvaluationLayout:
    title: str
    money_unit: str  # 元 or 万元, as the money block's label says
    supervisor_label: str = "主管部门"
    unit_label: str = "实施单位"


EVALUATION_LAYOUTS = {
    "national": EvaluationLayout("项目支出绩效自评表", "万元"),
    LAYOUT_SHANGHAI: EvaluationLayout("财政项目支出绩效自评表", "元"),
}

# Header: 项目名称 over the row, then 主管部门 | … | 实施单位 | ….
EVAL_HEAD_COLUMNS = (80.0, 166.5, 80.0, 166.5)

# Money block: side label | row name | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
EVAL_MONEY_COLUMNS = (50.0, 93.0, 72.0, 72.0, 72.0, 40.0, 52.0, 42.0)
EVAL_MONEY_HEADERS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
EVAL_FUND_ROWS = (
    ("total", "年度资金总额"),
    ("appropriation", "其中：当年财政拨款"),
    ("carried_over", "上年结转资金"),
    ("other", "其他资金"),
)

# Goals: side label | 预期目标 | 实际完成情况
EVAL_GOAL_COLUMNS = (50.0, 221.5, 221.5)
EVAL_GOAL_LABEL = "年度总体目标"
EVAL_GOAL_HEADERS = ("预期目标", "实际完成情况")

# Indicators, under a row 绩效指标 across the table (repeated with the header on each
# page, which a side label spanning every row could not be):
# 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
EVAL_INDICATOR_COLUMNS = (50.0, 54.0, 84.0, 70.0, 70.0, 36.0, 38.0, 91.0)
EVAL_INDICATOR_LABEL = "绩效指标"
EVAL_INDICATOR_HEADERS = (
    "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
    "偏差原因分析及改进措施",
)  # fmt: skip
EVAL_TOTAL_LABEL = "总分"
EVAL_GRADE_LABEL = "自评等级"
