"""The bureau's Excel forms as data: column spans, widths, fonts, over the shared rows.

:mod:`perfdesk.excel.writer` draws whatever is described here. What the forms say (titles,
row order, labels) comes from :mod:`perfdesk.models.form_rows`, shared with the PDF; this file adds
how the sheet lays them out. Next year's form is a change of data, not new drawing code.
Columns are 1-based; a span ``(first, last)`` is merged when it covers more than one column.
Widths are Excel column widths (characters of the default font; a CJK character is ≈ 2).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from perfdesk.models import form_rows as F
from perfdesk.models.records import LAYOUT_NATIONAL

Span = tuple[int, int]


@dataclass(frozen=True)
class Fonts:
    """Font *names* only: the file names the font, the reader's machine supplies it."""

    body: str = "宋体"
    title: str = "黑体"
    body_size: float = 10.5
    title_size: float = 18.0
    subtitle_size: float = 12.0


@dataclass(frozen=True)
class Page:
    paper: str = "A4"
    orientation: str = "portrait"
    margin_lr: float = 0.6  # inches, as Excel stores them
    margin_tb: float = 0.7
    # Rows repeated at the top of every printed page ("1:3").
    print_title_rows: str = "1:3"


@dataclass(frozen=True)
class FieldRow(F.FormRow):
    """A declaration row (:class:`perfdesk.models.form_rows.FormRow`) as the sheet writes it: a
    checkbox group's options on ``option_lines`` (one line of the cell each)."""

    option_lines: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Table:
    """A header row and one row per item; the first ``merge_columns`` columns are merged over
    runs of equal values (a category cell over its indicators)."""

    headers: tuple[str, ...]
    spans: tuple[Span, ...]
    merge_columns: int = 0


@dataclass(frozen=True)
class DeclarationLayout:
    key: str  # the indicator framework it is for
    title: str
    year_text: str  # formatted with year=
    unit_label: str
    widths: tuple[float, ...]
    label_span: Span
    value_span: Span
    pair_spans: tuple[Span, Span, Span, Span]
    rows: tuple[FieldRow, ...]
    budget_table: Table
    fund_spans: tuple[Span, Span]
    indicator_heading: str
    indicator_table: Table
    signoff_rows: tuple[tuple[tuple[str, str], tuple[str, str]], ...]
    fonts: Fonts = Fonts()
    page: Page = Page()
    sheet_name: str = "申报表"


# The seed splits 项目类型 over two lines and keeps 资金用途 on one; the box follows the option.
CHECKED = "☑"
UNCHECKED = "□"
OPTION_GAP = "  "
# How many options each line of a group holds, by row key; a group not named is one line.
OPTION_LINE_SIZES: dict[str, tuple[int, ...]] = {"project_type": (3, 2)}


def _option_lines(row: F.FormRow) -> tuple[tuple[str, ...], ...]:
    sizes = OPTION_LINE_SIZES.get(row.key, (len(row.options),))
    if sum(sizes) != len(row.options):
        raise ValueError(f"option lines {sizes} do not cover the {len(row.options)} options")
    starts = [sum(sizes[:n]) for n in range(len(sizes))]
    return tuple(row.options[a : a + n] for a, n in zip(starts, sizes, strict=True))


def _sheet_row(row: F.FormRow) -> FieldRow:
    shared = {f.name: getattr(row, f.name) for f in fields(F.FormRow)}
    lines = _option_lines(row) if row.kind == "choice" else ()
    return FieldRow(**shared, option_lines=lines)


_ROWS: dict[str, tuple[FieldRow, ...]] = {
    framework: tuple(_sheet_row(r) for r in rows)
    for framework, rows in F.DECLARATION_ROWS_BY_FRAMEWORK.items()
}

_BUDGET_TABLE = Table(F.BUDGET_ITEM_HEADERS, ((2, 3), (4, 4)))
# The national 项目资金 block: the block's label | row name | amount.
_FUND_SPANS: tuple[Span, Span] = ((2, 2), (3, 4))
# Two label/value pairs a row, as the seed prints them.
_SIGNOFF_ROWS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = tuple(
    ((F.SIGNOFF_LABELS[left], left), (F.SIGNOFF_LABELS[right], right))
    for left, right in (("head", "preparer"), ("phone", "date"))
)
_WIDTHS = (20.0, 34.0, 20.0, 34.0)
# The sheet's 4 columns: label | value | label | value; the indicator table's columns over them.
_INDICATOR_SPANS: dict[int, tuple[Span, ...]] = {
    3: ((1, 1), (2, 3), (4, 4)),
    4: ((1, 1), (2, 2), (3, 3), (4, 4)),
}
# The Excel form heads the national target column 指标值 where the PDF (and the sh2019 form)
# say 指标目标值; kept as each medium had it.
_LAST_INDICATOR_HEADER = {"national": "指标值"}


def _indicator_table(framework: str) -> Table:
    cols = F.DECLARATION_INDICATORS[framework]
    headers = cols.headers
    if framework in _LAST_INDICATOR_HEADER:
        headers = (*headers[:-1], _LAST_INDICATOR_HEADER[framework])
    return Table(headers, _INDICATOR_SPANS[len(headers)], cols.category_columns)


def _declaration_layout(framework: str) -> DeclarationLayout:
    return DeclarationLayout(
        key=framework,
        title=F.DECLARATION_TITLES[framework],
        year_text="({year}年)",
        unit_label=F.UNIT_LABEL,
        widths=_WIDTHS,
        label_span=(1, 1),
        value_span=(2, 4),
        pair_spans=((1, 1), (2, 2), (3, 3), (4, 4)),
        rows=_ROWS[framework],
        budget_table=_BUDGET_TABLE,
        fund_spans=_FUND_SPANS,
        indicator_heading=next(r.label for r in _ROWS[framework] if r.kind == "indicators"),
        indicator_table=_indicator_table(framework),
        signoff_rows=_SIGNOFF_ROWS,
    )


DECLARATION_LAYOUTS: dict[str, DeclarationLayout] = {
    framework: _declaration_layout(framework) for framework in F.DECLARATION_TITLES
}


# ---------------------------------------------------------------- self-evaluation


@dataclass(frozen=True)
class EvaluationLayout:
    """The 自评表 on a 10-column grid (A–J), as 财预〔2020〕10号 prints it."""

    key: str
    title: str
    year_text: str
    money_unit: str  # 万元 or 元: the money block's values are written in this unit
    widths: tuple[float, ...]
    # 项目名称 | value;  主管部门 | value | 实施单位 | value
    name_spans: tuple[Span, Span]
    head_spans: tuple[Span, Span, Span, Span]
    # Money block: side label | row name | 年初预算数 | 全年预算数 | 全年执行数 | 分值 |
    # 执行率 | 得分
    money_label: str
    money_spans: tuple[Span, ...]
    money_headers: tuple[str, ...]
    fund_rows: tuple[tuple[str, str], ...]
    # Goals: side label | 预期目标 | 实际完成情况
    goal_label: str
    goal_spans: tuple[Span, Span, Span]
    goal_headers: tuple[str, str]
    # Indicators: side label | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差…
    indicator_label: str
    indicator_table: Table
    # 总分 | weights total | score;  自评等级 | grade
    total_label: str
    total_spans: tuple[Span, Span, Span, Span]
    grade_label: str
    grade_spans: tuple[Span, Span]
    fonts: Fonts = Fonts()
    page: Page = Page(print_title_rows="1:2")
    sheet_name: str = "自评表"


_EVAL_WIDTHS = (7.0, 12.0, 12.0, 18.0, 13.0, 13.0, 7.0, 8.0, 11.0, 11.0)


def _evaluation_layout(key: str, form: F.EvaluationForm) -> EvaluationLayout:
    return EvaluationLayout(
        key=key,
        title=form.title,
        year_text="（{year}年度）",
        money_unit=form.money_unit,
        widths=_EVAL_WIDTHS,
        name_spans=((1, 2), (3, 10)),
        head_spans=((1, 2), (3, 5), (6, 7), (8, 10)),
        money_label=form.money_label,
        money_spans=((1, 1), (2, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 10)),
        money_headers=F.EVAL_MONEY_HEADERS,
        fund_rows=F.EVAL_FUND_ROWS,
        goal_label=F.EVAL_GOAL_LABEL,
        goal_spans=((1, 1), (2, 6), (7, 10)),
        goal_headers=F.EVAL_GOAL_HEADERS,
        indicator_label=F.EVAL_INDICATOR_LABEL,
        indicator_table=Table(
            F.EVAL_INDICATOR_HEADERS,
            ((2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 10)),
            F.EVAL_INDICATOR_CATEGORY_COLUMNS,
        ),
        total_label=F.EVAL_TOTAL_LABEL,
        total_spans=((1, 6), (7, 7), (8, 8), (9, 10)),
        grade_label=F.EVAL_GRADE_LABEL,
        grade_spans=((1, 6), (7, 10)),
    )


EVALUATION_LAYOUTS: dict[str, EvaluationLayout] = {
    key: _evaluation_layout(key, form) for key, form in F.EVALUATION_FORMS.items()
}


# ---------------------------------------------------------------- year summary


@dataclass(frozen=True)
class SummaryColumn:
    header: str
    width: float
    kind: str = "text"  # text | money | int | score | rate


SUMMARY_PROJECTS_SHEET = "项目汇总"
SUMMARY_PROJECT_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("编号", 8, "int"),
    SummaryColumn("申报单位", 30),
    SummaryColumn("项目名称", 36),
    SummaryColumn("项目类型", 22),
    SummaryColumn("资金用途", 16),
    SummaryColumn("项目总预算（元）", 18, "money"),
    SummaryColumn("当年预算（元）", 18, "money"),
    SummaryColumn("指标数", 8, "int"),
    SummaryColumn("状态", 8),
    SummaryColumn("自评得分", 10, "score"),
    SummaryColumn("自评等级", 10),
)
SUMMARY_TOTAL_LABEL = "合计"
SUMMARY_INDICATORS_SHEET = "绩效指标"
SUMMARY_INDICATOR_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("编号", 8, "int"),
    SummaryColumn("申报单位", 26),
    SummaryColumn("项目名称", 30),
    SummaryColumn("一级指标/分解目标内容", 20),
    SummaryColumn("二级指标", 16),
    SummaryColumn("指标名称", 30),
    SummaryColumn("目标值", 20),
    SummaryColumn("实际完成值", 20),
    SummaryColumn("分值", 8, "score"),
    SummaryColumn("得分", 8, "score"),
)


SUMMARY_MONITORING_SHEET = "运行监控"
SUMMARY_MONITORING_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn("编号", 8, "int"),
    SummaryColumn("申报单位", 26),
    SummaryColumn("项目名称", 30),
    SummaryColumn("监控表", 8),
    SummaryColumn("截至月份", 8, "int"),
    SummaryColumn("调整后预算数（元）", 18, "money"),
    SummaryColumn("执行数（元）", 18, "money"),
    SummaryColumn("执行率", 10, "rate"),
    SummaryColumn("序时进度", 10, "rate"),
    SummaryColumn("是否达到序时进度", 10),
    SummaryColumn("风险指标数", 8, "int"),
    SummaryColumn("未确定能完成的指标", 40),
    SummaryColumn("原因类型", 20),
)
# The 监控表 column: no form yet, or its status.
SUMMARY_MONITORING_NONE = "未填报"


def declaration_layout(framework: str) -> DeclarationLayout:
    return DECLARATION_LAYOUTS.get(framework, DECLARATION_LAYOUTS["sh2019"])


def evaluation_layout(layout: str) -> EvaluationLayout:
    return EVALUATION_LAYOUTS.get(layout, EVALUATION_LAYOUTS[LAYOUT_NATIONAL])


# ---------------------------------------------------------------- mid-year monitoring


@dataclass(frozen=True)
class MonitoringLayout:
    """The 项目支出绩效运行监控表 (forms.md §5) on a 12-column grid (A–L), landscape: the
    national form's blocks (资金, 年度总体目标, 绩效指标, 原因分析, 建议) with one column per
    record field, so that every value has a cell of its own. ``{month}`` in a header is the
    form's 截至 month (X while it is not set)."""

    title: str
    year_text: str  # formatted with year= and month_text=
    money_unit: str
    widths: tuple[float, ...]
    label_span: Span  # a row label: 项目名称, 年度总体目标完成情况 …
    value_span: Span
    head_spans: tuple[Span, Span, Span, Span]  # 主管部门 | value | 实施单位 | value
    money_label: str
    money_spans: tuple[Span, ...]  # side label | row name | the money headers … | filler
    money_headers: tuple[str, ...]
    fund_rows: tuple[tuple[str, str], ...]
    goal_label: str
    indicator_label: str
    indicator_table: Table
    deviation_label: str
    measures_label: str
    adjust_spans: tuple[Span, Span, Span, Span]  # 是否需要调整 | ☑是 □否 | 调整内容 | value
    adjust_labels: tuple[str, str]
    fonts: Fonts = Fonts()
    page: Page = Page(orientation="landscape", print_title_rows="1:2")
    sheet_name: str = "运行监控表"


MONITORING_LAYOUT = MonitoringLayout(
    title="项目支出绩效运行监控表",
    year_text="（{year}年度 截至{month_text}月底）",
    money_unit="元",
    widths=(8.0, 11.0, 11.0, 18.0, 16.0, 16.0, 14.0, 10.0, 16.0, 16.0, 16.0, 10.0),
    label_span=(1, 2),
    value_span=(3, 12),
    head_spans=((1, 2), (3, 6), (7, 8), (9, 12)),
    money_label="项目资金（元）",
    money_spans=((1, 1), (2, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 9), (10, 12)),
    money_headers=(
        "年初预算数", "调整后预算数", "1-{month}月执行数", "执行率", "序时进度", "全年预计执行数",
    ),  # fmt: skip
    fund_rows=(
        ("total", "年度资金总额"),
        ("appropriation", "其中：财政拨款"),
        ("carried_over", "上年结转"),
        ("other", "其他资金"),
    ),
    goal_label="年度总体目标完成情况",
    indicator_label="绩效指标",
    indicator_table=Table(
        (
            "一级指标", "二级指标", "三级指标", "年度指标值", "截至{month}月底完成情况",
            "全年预计完成情况", "完成目标可能性", "原因类型", "偏差原因分析", "改进措施", "备注",
        ),
        tuple((c, c) for c in range(2, 13)),
        2,
    ),  # fmt: skip
    deviation_label="偏差或不能完成目标原因分析",
    measures_label="相关建议或举措",
    adjust_spans=((1, 2), (3, 6), (7, 8), (9, 12)),
    adjust_labels=("是否需要调整绩效目标", "调整内容"),
)
