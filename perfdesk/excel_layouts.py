"""The bureau's Excel forms as data: titles, row order, labels, column spans, widths, fonts.

:mod:`perfdesk.excel_out` draws whatever is described here. Next year's form (a new title,
another label, a wider column) is a new layout value in this file, not new drawing code.
Columns are 1-based; a span ``(first, last)`` is merged when it covers more than one column.
Widths are Excel column widths (characters of the default font; a CJK character is ≈ 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.models.records import FUND_USES, LAYOUT_NATIONAL, LAYOUT_SHANGHAI, PROJECT_TYPES

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
class FieldRow:
    """One row of the declaration.

    kinds: ``text`` / ``long`` (one value beside the label), ``choice`` (a checkbox group,
    options on ``option_lines``), ``pair`` (label | value | label | value), ``budget_items``
    (the 投入资金构成 block), ``indicators`` (the 分解目标 block), ``signoff``.
    ``value_kind`` (text | date | money) says how the value cell(s) are written.
    """

    kind: str
    label: str
    key: str = ""
    option_lines: tuple[tuple[str, ...], ...] = ()
    value_kind: str = "text"
    label2: str = ""
    key2: str = ""


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

_COMMON_ROWS: tuple[FieldRow, ...] = (
    FieldRow("text", "项目名称", "name"),
    FieldRow(
        "choice", "项目类型", "project_type", option_lines=(PROJECT_TYPES[:3], PROJECT_TYPES[3:]),
    ),
    FieldRow("choice", "资金用途", "fund_use", option_lines=(FUND_USES,)),
    FieldRow(
        "pair", "开始时间", "start_date", value_kind="date", label2="结束时间", key2="end_date",
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
    FieldRow("signoff", "", "signoff"),
)  # fmt: skip

_BUDGET_TABLE = Table(("子项目名称", "预算金额（元）"), ((2, 3), (4, 4)))
_SIGNOFF_ROWS = (
    (("单位负责人（签字）", "head"), ("填表人", "preparer")),
    (("联系电话", "phone"), ("填报日期", "date")),
)
_WIDTHS = (20.0, 34.0, 20.0, 34.0)

DECLARATION_LAYOUTS: dict[str, DeclarationLayout] = {
    "sh2019": DeclarationLayout(
        key="sh2019",
        title="上海市财政支出项目绩效目标申报表",
        year_text="({year}年)",
        unit_label="申报单位名称",
        widths=_WIDTHS,
        label_span=(1, 1),
        value_span=(2, 4),
        pair_spans=((1, 1), (2, 2), (3, 3), (4, 4)),
        rows=_COMMON_ROWS,
        budget_table=_BUDGET_TABLE,
        indicator_heading="分解目标",
        indicator_table=Table(
            ("分解目标内容", "绩效指标", "指标目标值"), ((1, 1), (2, 3), (4, 4)), 1
        ),
        signoff_rows=_SIGNOFF_ROWS,
    ),
    "national": DeclarationLayout(
        key="national",
        title="项目支出绩效目标申报表",
        year_text="({year}年)",
        unit_label="申报单位名称",
        widths=_WIDTHS,
        label_span=(1, 1),
        value_span=(2, 4),
        pair_spans=((1, 1), (2, 2), (3, 3), (4, 4)),
        rows=_COMMON_ROWS,
        budget_table=_BUDGET_TABLE,
        indicator_heading="分解目标",
        indicator_table=Table(
            ("一级指标", "二级指标", "三级指标", "指标值"), ((1, 1), (2, 2), (3, 3), (4, 4)), 2
        ),
        signoff_rows=_SIGNOFF_ROWS,
    ),
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
_EVAL_COMMON = dict(
    year_text="（{year}年度）",
    widths=_EVAL_WIDTHS,
    name_spans=((1, 2), (3, 10)),
    head_spans=((1, 2), (3, 5), (6, 7), (8, 10)),
    money_spans=((1, 1), (2, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 10)),
    money_headers=("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
    fund_rows=(
        ("total", "年度资金总额"),
        ("appropriation", "其中：当年财政拨款"),
        ("carried_over", "上年结转资金"),
        ("other", "其他资金"),
    ),
    goal_label="年度总体目标",
    goal_spans=((1, 1), (2, 6), (7, 10)),
    goal_headers=("预期目标", "实际完成情况"),
    indicator_label="绩效指标",
    indicator_table=Table(
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"),
        ((2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 10)),
        2,
    ),
    total_label="总分",
    total_spans=((1, 6), (7, 7), (8, 8), (9, 10)),
    grade_label="自评等级",
    grade_spans=((1, 6), (7, 10)),
)  # fmt: skip

EVALUATION_LAYOUTS: dict[str, EvaluationLayout] = {
    LAYOUT_NATIONAL: EvaluationLayout(
        key=LAYOUT_NATIONAL,
        title="项目支出绩效自评表",
        money_unit="万元",
        money_label="项目资金（万元）",
        **_EVAL_COMMON,  # type: ignore[arg-type]
    ),
    LAYOUT_SHANGHAI: EvaluationLayout(
        key=LAYOUT_SHANGHAI,
        title="财政项目支出绩效自评表",
        money_unit="元",
        money_label="项目资金（元）",
        **_EVAL_COMMON,  # type: ignore[arg-type]
    ),
}


# ---------------------------------------------------------------- year summary


@dataclass(frozen=True)
class SummaryColumn:
    header: str
    width: float
    kind: str = "text"  # text | money | int | score


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


def declaration_layout(framework: str) -> DeclarationLayout:
    return DECLARATION_LAYOUTS.get(framework, DECLARATION_LAYOUTS["sh2019"])


def evaluation_layout(layout: str) -> EvaluationLayout:
    return EVALUATION_LAYOUTS.get(layout, EVALUATION_LAYOUTS[LAYOUT_NATIONAL])
