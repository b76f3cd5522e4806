"""The self-evaluation (自评表, national or Shanghai layout per ``evaluation.layout``) as
a story of blocks and tables for :mod:`pdf_flow`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from perfdesk.models.money import format_money
from perfdesk.models.monitoring import mid_year_text
from perfdesk.models.records import Declaration, Evaluation
from perfdesk.models.scoring import TIER_LABELS, fmt, fmt2, round2, score_evaluation
from perfdesk.models.serialize import STATED_SCORE_REASON
from perfdesk.pdf import layouts as L
from perfdesk.pdf.flow import Block, Spacer, Table, TextBlock, Title
from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.grid import Cell, Grid, category_cells, merge_categories
from perfdesk.pdf.text import Para, styles


def _score_text(value: Decimal | None) -> str:
    return "" if value is None else fmt2(value)


def _weight_text(value: Decimal | None) -> str:
    """分值 as a clerk writes it (10, 11.25, 100), so it fits its narrow column."""
    return "" if value is None else fmt(round2(value))


def rate_text(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def forecast_texts(decl: Declaration, ev: Evaluation) -> list[str] | None:
    """The 年中预计 column of the 自评表, one text per indicator: the monitoring form's
    全年预计完成情况 and its 完成目标可能性 (forms.md §5); None when the record has no
    monitoring form, and the column is not printed."""
    if decl.monitoring is None:
        return None
    return [
        mid_year_text(decl.monitoring, ind.category, ind.name) or "" for ind in ev.indicators
    ]


def _side_label(grid: Grid, first: int, last: int, text: str) -> None:
    """Column 0 of rows first..last as one cell labelled ``text``: merged when it fits
    on a page, else the label at the top and no rules across the column."""
    if sum(grid.heights[first : last + 1]) <= L.MAX_SPAN_HEIGHT:
        grid.merge_down(0, first, last, text, text)
    else:
        grid.join_column(0, first, last, text, text)


def evaluation_story(decl: Declaration, ev: Evaluation, fonts: FontSet) -> list[Block | Table]:
    layout = L.EVALUATION_LAYOUTS.get(ev.layout, L.EVALUATION_LAYOUTS["national"])
    sheet = score_evaluation(ev)
    st, small = styles(), styles(L.EVAL_SIZE)
    story: list[Block | Table] = [
        Title(layout.title, fonts),
        TextBlock(Para.of(f"（{decl.year}年度）", st["subtitle"], L.BODY_WIDTH, fonts, "年度")),
        Spacer(8),
    ]
    head = Grid(L.EVAL_HEAD_COLUMNS, fonts, small)
    head.add([Cell("项目名称", "label"), Cell(decl.name, span=3, field="项目名称")])
    head.add([
        Cell(layout.supervisor_label, "label"), Cell(ev.supervisor, field=layout.supervisor_label),
        Cell(layout.unit_label, "label"), Cell(decl.unit, field=layout.unit_label),
    ])  # fmt: skip
    story.append(Table(head))

    unit = layout.money_unit
    money = Grid(L.EVAL_MONEY_COLUMNS, fonts, small)
    first, _ = money.add(
        [Cell(None), Cell(None), *[Cell(h, "label") for h in L.EVAL_MONEY_HEADERS]]
    )
    funds = ev.funds
    last = first
    for key, label in L.EVAL_FUND_ROWS:
        if key == "total":
            amounts = (ev.budget_initial, ev.budget_adjusted, ev.spent)
            scored = (
                _weight_text(sheet.budget_weight), rate_text(sheet.execution_rate),
                _score_text(sheet.budget_score),
            )  # fmt: skip
        else:
            row = getattr(funds, key) if funds is not None else None
            amounts = (row.initial, row.adjusted, row.spent) if row else (None, None, None)
            scored = ("—", "—", "—")
        _, last = money.add([
            Cell(None), Cell(label, "label"),
            *[Cell(format_money(a, unit), "money", field=label) for a in amounts],
            *[Cell(t, "center") for t in scored],
        ])  # fmt: skip
    money.merge_down(0, first, last, f"项目资金（{unit}）", "项目资金")
    story.append(Table(money))

    goals = Grid(L.EVAL_GOAL_COLUMNS, fonts, small)
    first, _ = goals.add([Cell(None), *[Cell(h, "label") for h in L.EVAL_GOAL_HEADERS]])
    expected = ev.goal_expected if ev.goal_expected else decl.annual_goal
    _, last = goals.add([
        Cell(None), Cell(expected, field="预期目标"), Cell(ev.goal_actual, field="实际完成情况"),
    ])  # fmt: skip
    _side_label(goals, first, last, L.EVAL_GOAL_LABEL)
    story.append(Table(goals))

    forecasts = forecast_texts(decl, ev)
    widths: tuple[float, ...] = L.EVAL_INDICATOR_COLUMNS
    headers = L.EVAL_INDICATOR_HEADERS
    if forecasts is not None:  # the mid-year forecast beside the actual (实际完成值)
        widths = L.EVAL_INDICATOR_COLUMNS_WITH_FORECAST
        headers = (*headers[:5], L.EVAL_FORECAST_HEADER, *headers[5:])
    table = Grid(widths, fonts, small)
    ncols = len(widths)
    table.add([Cell(L.EVAL_INDICATOR_LABEL, "label", span=ncols)])
    table.add([Cell(h, "label") for h in headers])
    paths = [(ind.category, ind.subcategory) for ind in ev.indicators]
    cat_cells, keys = category_cells(table, paths, "绩效指标")
    spans = []
    for n, (ind, sc) in enumerate(zip(ev.indicators, sheet.indicators, strict=True), 1):
        where = f"绩效指标第{n}行"
        name_at, target_at, actual_at = (f"{where}“{h}”" for h in L.EVAL_INDICATOR_HEADERS[2:5])
        actual = ind.actual or ""
        if ind.tier:
            tier = TIER_LABELS.get(ind.tier, ind.tier)
            actual = f"{actual}（{tier}）" if actual else tier
        deviation = ind.deviation or ""
        if sc.overridden and ind.override_reason and ind.override_reason != STATED_SCORE_REASON:
            deviation = f"{deviation}\n得分调整：{ind.override_reason}".strip()
        weight = "—" if sc.not_applicable else _weight_text(sc.weight)
        score = "不适用" if sc.not_applicable else _score_text(sc.score)
        forecast = (
            [] if forecasts is None
            else [Cell(forecasts[n - 1], field=f"{where}“{L.EVAL_FORECAST_HEADER}”")]
        )  # fmt: skip
        spans.append(table.add([
            *cat_cells[n - 1], Cell(ind.name, field=name_at), Cell(ind.target, field=target_at),
            Cell(actual, field=actual_at), *forecast, Cell(weight, "center"),
            Cell(score, "center"), Cell(deviation, field=f"{where}“偏差原因分析及改进措施”"),
        ]))  # fmt: skip
    if not ev.indicators:
        table.add([Cell(None) for _ in range(ncols)])
    merge_categories(table, spans, keys, [0, 1], "绩效指标")
    grade = f"{L.EVAL_GRADE_LABEL}：{sheet.grade or ''}"
    table.add([
        Cell(L.EVAL_TOTAL_LABEL, "label", span=5 if forecasts is None else 6),
        Cell(_weight_text(sheet.weights_total), "center"),
        Cell(_score_text(sheet.total), "center"),
        Cell(grade, "label", field=L.EVAL_GRADE_LABEL),
    ])  # fmt: skip
    story.append(Table(table, repeat_rows=2))
    return story
