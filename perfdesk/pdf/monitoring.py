"""The mid-year monitoring form (项目支出绩效运行监控表, forms.md §5) as a story of blocks and
tables for :mod:`perfdesk.pdf.flow`.

Rows and widths come from :mod:`perfdesk.pdf.layouts`, labels from
:mod:`perfdesk.models.labels`, the derived 执行率 and 序时进度 from
:mod:`perfdesk.models.monitoring` (the editor, the workbook and the checks compute them there
too, so the paper never disagrees with the screen).
"""

from __future__ import annotations

import dataclasses

from perfdesk.models.labels import FIELD_LABELS
from perfdesk.models.money import format_money
from perfdesk.models.monitoring import execution_rate, expected_rate
from perfdesk.models.records import Declaration, MonitorIndicator, Monitoring
from perfdesk.pdf import layouts as L
from perfdesk.pdf.declaration import Signoff
from perfdesk.pdf.evaluation import rate_text
from perfdesk.pdf.flow import Block, CheckboxGroup, Spacer, Table, TextBlock, Title
from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.grid import Cell, Grid, category_cells, merge_categories
from perfdesk.pdf.text import Para, TextStyle, styles

Styles = dict[str, TextStyle]


def _label(key: str) -> str:
    return FIELD_LABELS[f"monitoring.{key}"]


def month_text(m: Monitoring) -> str:
    """The X of 截至X月底; a blank the width of a character when the form does not say."""
    return str(m.as_of_month) if m.as_of_month else "\u3000"


def deviation_text(ind: MonitorIndicator) -> str:
    """The last column of an indicator row: 偏差原因, 改进措施 and 备注, each named, since
    the published forms give them one cell (or columns too narrow for A4 portrait)."""
    parts = [
        f"{name}：{value}"
        for name, value in (
            ("偏差原因", ind.deviation), ("改进措施", ind.remedy), ("备注", ind.remarks),
        )  # fmt: skip
        if value
    ]
    return "\n".join(parts)


def money_unit(decl: Declaration) -> str:
    return L.MONITORING_MONEY_UNITS.get(decl.framework, L.MONITORING_MONEY_UNITS["national"])


def monitoring_story(decl: Declaration, m: Monitoring, fonts: FontSet) -> list[Block | Table]:
    st, small = styles(), styles(L.EVAL_SIZE)
    month = month_text(m)
    story: list[Block | Table] = [
        Title(L.MONITORING_TITLE, fonts),
        TextBlock(Para.of(f"（{decl.year}年度　截至{month}月底）", st["subtitle"],
                          L.BODY_WIDTH, fonts, "年度")),
        Spacer(8),
    ]  # fmt: skip
    head = Grid(L.MON_HEAD_COLUMNS, fonts, small)
    head.add([Cell("项目名称", "label"), Cell(decl.name, span=3, field="项目名称")])
    supervisor = _label("supervisor")
    head.add([
        Cell(supervisor, "label"), Cell(m.supervisor, field=supervisor),
        Cell("实施单位", "label"), Cell(decl.unit, field="实施单位"),
    ])  # fmt: skip
    story.append(Table(head))
    story.append(Table(_money(decl, m, month, fonts, small)))
    story.append(Table(_goal(decl, m, month, fonts, small)))
    story.append(_indicators(decl, m, month, fonts, small))
    story.append(Table(_texts(m, fonts, small)))
    # The monitoring form is signed, dated and sealed by hand when it is handed in; the
    # declaration's 填报日期 is not this form's date.
    story.append(Signoff(dataclasses.replace(decl, signoff=None), fonts, st))
    return story


def _money(decl: Declaration, m: Monitoring, month: str, fonts: FontSet, st: Styles) -> Grid:
    unit = money_unit(decl)
    spent = f"1–{month}月执行数"
    headers = (
        _label("budget_initial"), _label("budget_adjusted"), spent,
        _label("execution_rate"), _label("expected_rate"), _label("forecast_spent"),
    )  # fmt: skip
    grid = Grid(L.MON_MONEY_COLUMNS, fonts, st)
    first, _ = grid.add([Cell(None), Cell(None), *[Cell(h, "label") for h in headers]])
    last = first
    for key, label in L.MON_FUND_ROWS:
        if key == "total":
            amounts = (m.budget_initial, m.budget_adjusted, m.spent_to_date, m.forecast_spent)
            rates = (rate_text(execution_rate(m)), rate_text(expected_rate(m)))
        else:
            row = getattr(m.funds, key) if m.funds is not None else None
            amounts = (
                (row.initial, row.adjusted, row.spent_to_date, row.forecast)
                if row else (None, None, None, None)
            )  # fmt: skip
            rates = ("—", "—")
        cells = [Cell(format_money(a, unit), "money", field=label) for a in amounts]
        _, last = grid.add([
            Cell(None), Cell(label, "label"), *cells[:3],
            *[Cell(t, "center") for t in rates], cells[3],
        ])  # fmt: skip
    grid.merge_down(0, first, last, f"项目资金（{unit}）", "项目资金")
    return grid


def _goal(decl: Declaration, m: Monitoring, month: str, fonts: FontSet, st: Styles) -> Grid:
    grid = Grid(L.MON_GOAL_COLUMNS, fonts, st)
    progress = f"截至{month}月底完成情况"
    first, _ = grid.add([Cell(None), Cell("年度目标", "label"), Cell(progress, "label")])
    _, last = grid.add([
        Cell(None), Cell(decl.annual_goal, field="年度绩效目标"),
        Cell(m.goal_progress, field=_label("goal_progress")),
    ])  # fmt: skip
    if sum(grid.heights[first : last + 1]) <= L.MAX_SPAN_HEIGHT:
        grid.merge_down(0, first, last, L.MON_GOAL_LABEL, L.MON_GOAL_LABEL)
    else:  # a goal longer than a merged cell may hold: the label at the top, no rules
        grid.join_column(0, first, last, L.MON_GOAL_LABEL, L.MON_GOAL_LABEL)
    return grid


def _indicators(
    decl: Declaration, m: Monitoring, month: str, fonts: FontSet, st: Styles
) -> Table:
    layout = L.MON_INDICATOR_TABLES.get(decl.framework, L.MON_INDICATOR_TABLES["national"])
    grid = Grid(layout.widths, fonts, st)
    ncols = len(layout.widths)
    label = L.MON_INDICATOR_LABEL
    grid.add([Cell(label, "label", span=ncols)])
    grid.add([Cell(h.format(m=month), "label") for h in layout.headers])
    cats = layout.category_columns
    paths = [(ind.category, ind.subcategory)[:cats] for ind in m.indicators]
    cat_cells, keys = category_cells(grid, paths, label)
    spans = []
    for n, (ind, first) in enumerate(zip(m.indicators, cat_cells, strict=True), 1):
        where = f"{label}第{n}行"
        spans.append(grid.add([
            *first, Cell(ind.name, field=where), Cell(ind.target, field=where),
            Cell(ind.progress, field=where), Cell(ind.forecast, field=where),
            Cell(ind.likelihood, "center", field=where), Cell(ind.cause, "center", field=where),
            Cell(deviation_text(ind), field=where),
        ]))  # fmt: skip
    if not m.indicators:
        grid.add([Cell(None) for _ in range(ncols)])
    merge_categories(grid, spans, keys, list(range(cats)), label)
    return Table(grid, repeat_rows=2)


def _texts(m: Monitoring, fonts: FontSet, st: Styles) -> Grid:
    grid = Grid(L.MON_TEXT_COLUMNS, fonts, st)
    for key in ("deviation_analysis", "measures"):
        grid.add([Cell(_label(key), "label"), Cell(getattr(m, key), field=_label(key))])
    adjust = _label("adjust_goals")
    chosen = None if m.adjust_goals is None else L.MON_ADJUST_OPTIONS[0 if m.adjust_goals else 1]
    group = CheckboxGroup(L.MON_ADJUST_OPTIONS, chosen, fonts, adjust, size=L.EVAL_SIZE)
    grid.add([Cell(adjust, "label"), Cell(flow=group)])
    grid.add([Cell(_label("adjustment"), "label"),
              Cell(m.adjustment, field=_label("adjustment"))])  # fmt: skip
    return grid
