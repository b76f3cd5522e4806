"""The mid-year monitoring form's checks (forms.md §5, 绩效运行监控).

Errors block 定稿 of the 运行监控表; warnings are shown on screen and never printed. Each
finding names its field by a key path under ``monitoring.`` (what the window's check panel
jumps to) and, in its Chinese message, by the label the form prints, with the form's month
in it where the label has one (“1至6月执行数”, “截至6月底完成情况”).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from perfdesk.models.findings import (
    ERROR,
    WARNING,
    Finding,
    funds_sum_findings,
    placeholder_findings,
)
from perfdesk.models.labels import field_label
from perfdesk.models.money import format_money
from perfdesk.models.monitoring import (
    annual_budget,
    execution_rate,
    expected_rate,
    far_behind_schedule,
)
from perfdesk.models.quantities import parse_quantities
from perfdesk.models.records import (
    CAUSES,
    LIKELIHOODS,
    LIKELY,
    Declaration,
    MonitorIndicator,
    Monitoring,
)
from perfdesk.models.targets import parse_target

# The money columns of the 资金 rows and the total each adds up to.
_FUND_COLUMNS = (
    ("initial", "budget_initial"),
    ("adjusted", "budget_adjusted"),
    ("spent_to_date", "spent_to_date"),
    ("forecast", "forecast_spent"),
)
_MONEY = ("budget_initial", "budget_adjusted", "spent_to_date", "forecast_spent")
_TEXT = ("goal_progress", "deviation_analysis", "measures", "adjustment")
_ROW_TEXT = ("progress", "forecast", "deviation", "remedy", "remarks")
# What an indicator reported as not certain to be met must explain.
_AT_RISK_NEEDS = ("cause", "deviation", "remedy")
# Targets the form can measure progress against with a number.
_MEASURABLE = ("quantitative", "compound", "rank")


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _yuan(value: Decimal) -> str:
    return f"{format_money(value)} 元"


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.2f}%"


class _Namer:
    """Field labels of one form, with its month put into the labels that carry one."""

    def __init__(self, m: Monitoring) -> None:
        self.month = m.as_of_month if m.as_of_month and 1 <= m.as_of_month <= 12 else None

    def __call__(self, path: str) -> str:
        text = field_label(f"monitoring.{path}")
        return text.replace("X", str(self.month)) if self.month else text


def check_monitoring(decl: Declaration) -> list[Finding]:
    """Every check of forms.md §5 for the declaration's 运行监控表 ([] while it has none)."""
    m = decl.monitoring
    if m is None:
        return []
    name = _Namer(m)
    out: list[Finding] = []
    _required(m, name, out)
    _money(m, name, out)
    out += funds_sum_findings("monitoring", m, _FUND_COLUMNS, name)
    _schedule(m, name, out)
    out += placeholder_findings(_text_fields(m), name, "monitoring")
    _against_declaration(decl, m, name, out)
    for n, ind in enumerate(m.indicators):
        _indicator(n, ind, name, out)
    if m.adjust_goals and not _squash(m.adjustment):
        out.append(
            Finding(
                WARNING,
                "monitoring.adjustment",
                f"已选择{name('adjust_goals')}为“是”，但{name('adjustment')}未填写。",
                "no_adjustment",
            )
        )
    return out


def _required(m: Monitoring, name: _Namer, out: list[Finding]) -> None:
    if m.as_of_month is None:
        out.append(
            Finding(
                ERROR,
                "monitoring.as_of_month",
                f"{name('as_of_month')}未填写（截至几月底）。",
                "required",
            )
        )
    if annual_budget(m) is None:
        out.append(
            Finding(
                ERROR,
                "monitoring.budget_adjusted",
                f"{name('budget_initial')}和{name('budget_adjusted')}都未填写。",
                "required",
            )
        )
    if m.spent_to_date is None:
        out.append(
            Finding(
                ERROR, "monitoring.spent_to_date", f"{name('spent_to_date')}未填写。", "required"
            )
        )


def _money(m: Monitoring, name: _Namer, out: list[Finding]) -> None:
    for key in _MONEY:
        value = getattr(m, key)
        if value is not None and value < 0:
            out.append(Finding(ERROR, f"monitoring.{key}", f"{name(key)}不能为负数。", "negative"))
    budget = annual_budget(m)
    budget_key = "budget_adjusted" if m.budget_adjusted is not None else "budget_initial"
    spent = m.spent_to_date
    if budget is not None and spent is not None and spent > budget:
        out.append(
            Finding(
                ERROR,
                "monitoring.spent_to_date",
                f"{name('spent_to_date')} {_yuan(spent)} 大于{name(budget_key)} {_yuan(budget)}。",
                "spent_over_budget",
            )
        )
    forecast = m.forecast_spent
    if forecast is None:
        return
    if budget is not None and forecast > budget:
        out.append(
            Finding(
                WARNING,
                "monitoring.forecast_spent",
                f"{name('forecast_spent')} {_yuan(forecast)} 大于"
                f"{name(budget_key)} {_yuan(budget)}，请核对或说明追加预算。",
                "forecast_over_budget",
            )
        )
    if spent is not None and forecast < spent:
        out.append(
            Finding(
                WARNING,
                "monitoring.forecast_spent",
                f"{name('forecast_spent')} {_yuan(forecast)} 小于"
                f"{name('spent_to_date')} {_yuan(spent)}，全年不会少于已经支出的数。",
                "forecast_below_spent",
            )
        )


def _schedule(m: Monitoring, name: _Namer, out: list[Finding]) -> None:
    """Execution more than 10 points behind 序时进度 must be explained on the form."""
    if not far_behind_schedule(m) or _squash(m.deviation_analysis):
        return
    rate, expected = execution_rate(m), expected_rate(m)
    assert rate is not None and expected is not None  # far_behind_schedule needs both
    out.append(
        Finding(
            ERROR,
            "monitoring.deviation_analysis",
            f"{name('execution_rate')} {_percent(rate)} 低于{name('expected_rate')} "
            f"{_percent(expected)} 逾 10 个百分点，须填写{name('deviation_analysis')}。",
            "lag_unexplained",
        )
    )


def _text_fields(m: Monitoring) -> Iterable[tuple[str, str | None]]:
    for key in _TEXT:
        yield key, getattr(m, key)
    for n, ind in enumerate(m.indicators):
        for key in _ROW_TEXT:
            yield f"indicators[{n}].{key}", getattr(ind, key)


def _of(ind: MonitorIndicator) -> str:
    return f"（指标“{ind.name}”）" if _squash(ind.name) else ""


def _indicator(n: int, ind: MonitorIndicator, name: _Namer, out: list[Finding]) -> None:
    row = f"indicators[{n}]"
    if not _squash(ind.progress):
        out.append(
            Finding(
                ERROR,
                f"monitoring.{row}.progress",
                f"{name(f'{row}.progress')}未填写{_of(ind)}。",
                "no_progress",
            )
        )
    elif parse_target(ind.target, ind.name).kind in _MEASURABLE and not parse_quantities(
        ind.progress
    ):
        out.append(
            Finding(
                WARNING,
                f"monitoring.{row}.progress",
                f"{name(f'{row}.progress')}“{ind.progress}”没有数值，而年度指标值"
                f"“{ind.target}”是定量目标，请写明已完成多少{_of(ind)}。",
                "progress_no_number",
            )
        )
    if ind.likelihood is None:
        out.append(
            Finding(
                ERROR,
                f"monitoring.{row}.likelihood",
                f"{name(f'{row}.likelihood')}未选择（{'、'.join(LIKELIHOODS)}）{_of(ind)}。",
                "no_likelihood",
            )
        )
        return
    if ind.likelihood not in LIKELIHOODS:
        out.append(
            Finding(
                ERROR,
                f"monitoring.{row}.likelihood",
                f"{name(f'{row}.likelihood')}“{ind.likelihood}”不是表中的选项，"
                f"应为：{'、'.join(LIKELIHOODS)}之一{_of(ind)}。",
                "likelihood_unknown",
            )
        )
        return
    if ind.cause is not None and ind.cause not in CAUSES:
        out.append(
            Finding(
                ERROR,
                f"monitoring.{row}.cause",
                f"{name(f'{row}.cause')}“{ind.cause}”不是表中的选项，"
                f"应为：{'、'.join(CAUSES)}之一{_of(ind)}。",
                "cause_unknown",
            )
        )
    if ind.likelihood == LIKELY:
        return
    for key in _AT_RISK_NEEDS:
        if not _squash(getattr(ind, key)):
            out.append(
                Finding(
                    ERROR,
                    f"monitoring.{row}.{key}",
                    f"{name(f'{row}.{key}')}未填写：{name(f'{row}.likelihood')}为"
                    f"“{ind.likelihood}”时须写明{_of(ind)}。",
                    f"at_risk_no_{key}",
                )
            )


def _against_declaration(
    decl: Declaration, m: Monitoring, name: _Namer, out: list[Finding]
) -> None:
    """Every declared indicator needs its row; rows the declaration lacks, or whose target
    differs from it, are shown (the declaration may have changed after the form was made)."""
    declared = {_squash(i.name): i for i in decl.indicators if _squash(i.name)}
    monitored = {_squash(i.name) for i in m.indicators if _squash(i.name)}
    for key, wanted in declared.items():
        if key not in monitored:
            out.append(
                Finding(
                    ERROR,
                    "monitoring.indicators",
                    f"申报表的绩效指标“{wanted.name}”在运行监控表中没有对应行，"
                    "须填写其完成情况和完成目标可能性。",
                    "not_monitored",
                )
            )
    for n, ind in enumerate(m.indicators):
        origin = declared.get(_squash(ind.name))
        row = f"indicators[{n}]"
        if origin is None:
            out.append(
                Finding(
                    WARNING,
                    f"monitoring.{row}.name",
                    f"{name(row)}{_of(ind)}不在申报表的绩效指标中。",
                    "not_declared",
                )
            )
        elif _squash(origin.target) != _squash(ind.target):
            out.append(
                Finding(
                    WARNING,
                    f"monitoring.{row}.target",
                    f"{name(f'{row}.target')}“{ind.target or ''}”与申报表的"
                    f"“{origin.target or ''}”不同{_of(ind)}。",
                    "target_changed",
                )
            )
