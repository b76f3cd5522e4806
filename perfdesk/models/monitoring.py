"""The mid-year monitoring form's derived values (forms.md §5) and how one is made.

The record itself is :class:`perfdesk.models.records.Monitoring`; this module computes what
the form derives from it — 执行率 and 序时进度 — and makes a new form from the declaration
(按申报表生成运行监控表). Everything here is plain arithmetic on Decimals, shared by the checks,
the JSON, the printout, the workbook and the window so that they never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from perfdesk.models.records import (
    LIKELIHOODS,
    LIKELY,
    Declaration,
    MonitorFundRow,
    MonitorFunds,
    MonitorIndicator,
    Monitoring,
)

RATE_STEP = Decimal("0.0001")
MONTHS = 12
IMPOSSIBLE = LIKELIHOODS[2]  # 完全不可能
# How far execution may trail 序时进度 before the form must explain it (forms.md §5).
LAG_LIMIT = Decimal("0.10")


def _rate(value: Decimal) -> Decimal:
    return value.quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def annual_budget(m: Monitoring) -> Decimal | None:
    """The year's budget the execution is measured against: 调整后预算数, or the 年初预算数
    while no adjustment has been stated (most forms leave 调整后 empty when nothing changed)."""
    return m.budget_adjusted if m.budget_adjusted is not None else m.budget_initial


def execution_rate(m: Monitoring) -> Decimal | None:
    """执行率 = 1–X 月执行数 / 全年预算数, a fraction rounded to 0.0001 (None when unknown)."""
    budget = annual_budget(m)
    if m.spent_to_date is None or not budget:
        return None
    return _rate(m.spent_to_date / budget)


def expected_rate(m: Monitoring) -> Decimal | None:
    """序时进度 = X / 12, a fraction rounded to 0.0001."""
    if m.as_of_month is None or not 1 <= m.as_of_month <= MONTHS:
        return None
    return _rate(Decimal(m.as_of_month) / MONTHS)


def behind_schedule(m: Monitoring) -> bool:
    """是否未达到序时支出进度: execution strictly below 序时进度 (the list's red mark)."""
    rate, expected = execution_rate(m), expected_rate(m)
    return rate is not None and expected is not None and rate < expected


def far_behind_schedule(m: Monitoring) -> bool:
    """Execution more than 10 percentage points below 序时进度: the form must say why."""
    rate, expected = execution_rate(m), expected_rate(m)
    return rate is not None and expected is not None and expected - rate > LAG_LIMIT


def targets_at_risk(m: Monitoring) -> list[MonitorIndicator]:
    """The indicators reported as not certain to be met (有可能 / 完全不可能)."""
    return [i for i in m.indicators if i.likelihood is not None and i.likelihood != LIKELY]


def needs_attention(m: Monitoring) -> bool:
    """The list's red mark: execution lags 序时进度, or a target is 完全不可能."""
    return attention_of(execution_rate(m), expected_rate(m), (i.likelihood for i in m.indicators))


def attention_of(
    rate: Decimal | float | None, expected: Decimal | float | None, likelihoods: Iterable[Any]
) -> bool:
    """:func:`needs_attention` from the form's derived rates and its likelihoods, as the
    stored JSON holds them (the store fills the list's column from a document without
    reading it back into a record)."""
    lags = rate is not None and expected is not None and rate < expected
    return lags or any(x == IMPOSSIBLE for x in likelihoods)


def last_full_month(year: int, today: dt.date) -> int | None:
    """The default 截至X月底 for a form of ``year`` made on ``today``: the last month that has
    ended (December once the year is over; None for a year that has not begun, where the
    clerk states it). In January of the year itself there is no full month yet: 1."""
    if today.year > year:
        return MONTHS
    if today.year < year:
        return None
    return max(1, today.month - 1)


def make_monitoring(decl: Declaration, today: dt.date) -> Monitoring:
    """按申报表生成运行监控表: the declaration's indicators, targets and budget come over; the
    progress columns are left for the clerk. The 主管部门 and the 资金 rows come from the
    national declaration where it has them (else the 主管部门 from a 自评表 that names it)."""
    supervisor = decl.supervisor
    if supervisor is None and decl.evaluation is not None:
        supervisor = decl.evaluation.supervisor
    funds = None
    if decl.funds is not None:
        funds = MonitorFunds(
            appropriation=MonitorFundRow(
                initial=decl.funds.appropriation, adjusted=decl.funds.appropriation
            ),
            other=MonitorFundRow(initial=decl.funds.other, adjusted=decl.funds.other),
        )
    return Monitoring(
        as_of_month=last_full_month(decl.year, today),
        supervisor=supervisor,
        budget_initial=decl.year_budget,
        budget_adjusted=decl.year_budget,
        funds=funds,
        indicators=[
            MonitorIndicator(
                category=i.category,
                subcategory=i.subcategory,
                name=i.name,
                target=i.target,
                direction=i.direction,
            )
            for i in decl.indicators
        ],
    )


def _key(text: str | None) -> str:
    return "".join((text or "").split())


def forecast_for(
    m: Monitoring | None, category: str | None, name: str | None
) -> MonitorIndicator | None:
    """The mid-year row of an indicator (matched by 三级指标 name, then by category when the
    name repeats), for the 自评表's 年中预计 column; None when the form has no such row."""
    if m is None or not _key(name):
        return None
    rows = [i for i in m.indicators if _key(i.name) == _key(name)]
    if len(rows) > 1:
        rows = [i for i in rows if _key(i.category) == _key(category)] or rows
    return rows[0] if rows else None


def mid_year_text(
    m: Monitoring | None, category: str | None, name: str | None, *, progress: bool = False
) -> str | None:
    """The 自评表's 年中预计 of an indicator, in the printout's words and the window's: the
    运行监控表's 全年预计完成情况 with its 完成目标可能性 in brackets (全年满意度95%（确定能）),
    or whichever of the two was filled. With ``progress`` also what had been done by the
    form's month (截至6月底：…), for the window's pane; the printed column has no room for it.
    None when the form has no row for the indicator, "" when the row says nothing."""
    row = forecast_for(m, category, name)
    if m is None or row is None:
        return None
    if row.forecast and row.likelihood:
        text = f"{row.forecast}（{row.likelihood}）"
    else:
        text = row.forecast or row.likelihood or ""
    if progress and row.progress:
        month = f"截至{m.as_of_month}月底" if m.as_of_month else "年中"
        text = "；".join(filter(None, (text, f"{month}：{row.progress}")))
    return text
