"""The printed forms as data: column widths and sizes, over the shared rows and labels.

:mod:`perfdesk.pdf.printout` (through its pdf_* modules) draws whatever is described here. What
the forms say (titles, row order, labels) comes from :mod:`perfdesk.models.form_rows`, shared with
the Excel forms; a bureau's variant of a form is a change of data, not of the drawing code.
Widths are in points on A4 portrait
(595.28 × 841.89 pt) with the margins below; every table of a form is as wide as the page
body so their borders line up.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.models import form_rows as F

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


DECLARATION_TITLES = F.DECLARATION_TITLES
UNIT_LABEL = F.UNIT_LABEL

# Label | value | label | value: a pair row uses all four, other rows span columns 1–3.
DECLARATION_COLUMNS = (100.0, 146.5, 100.0, 146.5)

# The signatures are drawn as a block of their own after the last table (Signoff), not as
# a row of the grid.
DECLARATION_ROWS: dict[str, tuple[F.FormRow, ...]] = {
    framework: tuple(row for row in rows if row.kind != "signoff")
    for framework, rows in F.DECLARATION_ROWS_BY_FRAMEWORK.items()
}

BUDGET_ITEM_HEADERS = F.BUDGET_ITEM_HEADERS
BUDGET_TOTAL_LABEL = F.BUDGET_TOTAL_LABEL
CAPITAL_LABEL = F.CAPITAL_LABEL
NATIONAL_FUND_ROWS = F.NATIONAL_FUND_ROWS


@dataclass(frozen=True)
class IndicatorTable:
    """The 分解目标 table of a framework: column headers, widths and how many leading
    columns are categories whose cells span their indicators."""

    headers: tuple[str, ...]
    widths: tuple[float, ...]
    category_columns: int


_INDICATOR_WIDTHS = {"sh2019": (100.0, 196.5, 196.5), "national": (70.0, 84.0, 169.5, 169.5)}
INDICATOR_TABLES = {
    framework: IndicatorTable(cols.headers, _INDICATOR_WIDTHS[framework], cols.category_columns)
    for framework, cols in F.DECLARATION_INDICATORS.items()
}

# 单位负责人（签字）： ____ 填表人： ____ 联系电话： ____ ; the seal and date under the last two.
SIGNOFF_COLUMNS = (108.0, 92.0, 44.0, 92.0, 54.0, 103.0)
SIGNOFF_LABELS = {
    "head": F.SIGNOFF_LABELS["head"],
    "preparer": F.SIGNOFF_LABELS["preparer"],
    "phone": F.SIGNOFF_LABELS["phone"],
    "seal": "单位（盖章）",
    # Under the seal a short 日期 reads as the seal's date (the form's field is 填报日期).
    "date": "日期",
}

# ---------------------------------------------------------------- self-evaluation


# Per Evaluation.layout: title, money unit, the head's labels.
EVALUATION_LAYOUTS = F.EVALUATION_FORMS

# Header: 项目名称 over the row, then 主管部门 | … | 实施单位 | ….
EVAL_HEAD_COLUMNS = (80.0, 166.5, 80.0, 166.5)

# Money block: side label | row name | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
EVAL_MONEY_COLUMNS = (50.0, 93.0, 72.0, 72.0, 72.0, 40.0, 52.0, 42.0)
EVAL_MONEY_HEADERS = F.EVAL_MONEY_HEADERS
EVAL_FUND_ROWS = F.EVAL_FUND_ROWS

# Goals: side label | 预期目标 | 实际完成情况
EVAL_GOAL_COLUMNS = (50.0, 221.5, 221.5)
EVAL_GOAL_LABEL = F.EVAL_GOAL_LABEL
EVAL_GOAL_HEADERS = F.EVAL_GOAL_HEADERS

# Indicators, under a row 绩效指标 across the table (repeated with the header on each
# page, which a side label spanning every row could not be):
# 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
EVAL_INDICATOR_COLUMNS = (50.0, 54.0, 84.0, 70.0, 70.0, 36.0, 38.0, 91.0)
EVAL_INDICATOR_LABEL = F.EVAL_INDICATOR_LABEL
EVAL_INDICATOR_HEADERS = F.EVAL_INDICATOR_HEADERS
EVAL_TOTAL_LABEL = F.EVAL_TOTAL_LABEL
EVAL_GRADE_LABEL = F.EVAL_GRADE_LABEL

# ---------------------------------------------------------------- mid-year monitoring

# 项目支出绩效运行监控表 (forms.md §5), its rows in the order of the published forms
# (财预〔2019〕136号 附件 项目支出绩效目标执行监控表; 湖北 黄石市项目支出绩效监控表): the project and
# its departments, the money block, the year's overall goal, the indicator table, then the
# two text blocks and whether the targets need adjusting, then the sign-off. Labels come from
# perfdesk.models.labels (monitoring.*), so the printout names a field as the editor does.
MONITORING_TITLE = "项目支出绩效运行监控表"
# The money block is in 元 on Shanghai's forms and in 万元 on the national one, as for the
# 自评表 (EVALUATION_FORMS).
MONITORING_MONEY_UNITS = {"sh2019": "元", "national": "万元"}

MON_HEAD_COLUMNS = EVAL_HEAD_COLUMNS
# side label | row name | 年初预算数 | 调整后预算数 | 1–X月执行数 | 执行率 | 序时进度 | 全年预计执行数:
# the amount columns hold 999,999,999.99 元 on a line, the rates 100.00%.
MON_MONEY_COLUMNS = (44.0, 72.0, 72.0, 72.0, 72.0, 44.0, 45.0, 72.0)
MON_FUND_ROWS: tuple[tuple[str, str], ...] = (
    ("total", "年度资金总额"),
    ("appropriation", "其中：财政拨款"),
    ("carried_over", "上年结转"),
    ("other", "其他资金"),
)
# side label | 年度目标 (the declaration's) | 截至X月底完成情况
MON_GOAL_COLUMNS = EVAL_GOAL_COLUMNS
MON_GOAL_LABEL = "年度总体目标"

# The indicator table: the category column(s) of the framework, then the indicator, its
# target and the five monitoring columns; deviation, remedy and remarks share the last.
# 完成目标可能性 holds 完全不可能 on a line, 原因类型 经费保障.
MON_INDICATOR_LABEL = "绩效指标"
MON_INDICATOR_TAIL = (
    "年度指标值", "截至{m}月底完成情况", "全年预计完成情况", "完成目标可能性", "原因类型",
    "偏差原因分析及改进措施",
)  # fmt: skip
MON_INDICATOR_TABLES = {
    "sh2019": IndicatorTable(
        ("分解目标内容", "绩效指标", *MON_INDICATOR_TAIL),
        (56.0, 76.0, 62.0, 62.0, 58.0, 53.0, 44.0, 82.0), 1,
    ),
    "national": IndicatorTable(
        ("一级指标", "二级指标", "三级指标", *MON_INDICATOR_TAIL),
        (40.0, 44.0, 60.0, 54.0, 56.0, 54.0, 53.0, 44.0, 88.0), 2,
    ),
}  # fmt: skip
# Text rows under the table: label | value.
MON_TEXT_COLUMNS = (112.0, 381.0)
MON_ADJUST_OPTIONS = ("是", "否")

# 自评表 with a monitoring form: the mid-year forecast and likelihood beside the actual.
# 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 年中预计 | 分值 | 得分 | 偏差原因分析及改进措施
EVAL_FORECAST_HEADER = "年中预计（完成可能性）"
EVAL_INDICATOR_COLUMNS_WITH_FORECAST = (46.0, 48.0, 72.0, 60.0, 62.0, 62.0, 32.0, 36.0, 75.0)
