"""The self-evaluation checks of forms.md §3, on top of the scoring rules.

Kept apart from :mod:`perfdesk.models.checks` (which re-exports :func:`check_evaluation`)
so that each module stays small; the scores come from :mod:`perfdesk.models.scoring`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from perfdesk.models.findings import (
    ERROR,
    WARNING,
    Finding,
    funds_sum_findings,
    vague_words_in,
)
from perfdesk.models.labels import FIELD_LABELS, field_label
from perfdesk.models.monitoring import forecast_for
from perfdesk.models.records import LIKELY, TIERS, Declaration, EvalIndicator, Evaluation
from perfdesk.models.scoring import (
    KIND_QUALITATIVE,
    SH2019,
    IndicatorScore,
    ScoreSheet,
    score_evaluation,
)

HUNDRED = Decimal(100)


def _fmt(value: Decimal) -> str:
    q = value.quantize(Decimal("0.01"))
    return f"{q.normalize():f}" if q == q.to_integral_value() else f"{q:f}"


def _label(key: str) -> str:
    return f"“{FIELD_LABELS[key]}”"


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def evaluation_findings(decl: Declaration) -> list[Finding]:
    ev = decl.evaluation
    if ev is None:
        return []
    sheet = score_evaluation(ev, decl.framework)
    out: list[Finding] = []
    _weights(ev, sheet, out)
    _total(sheet, out)
    _budget(ev, sheet, out)
    out += funds_sum_findings(
        "evaluation", ev, _FUND_COLUMNS, lambda path: _label(f"evaluation.{path}")
    )
    for n, (ind, sc) in enumerate(zip(ev.indicators, sheet.indicators, strict=True)):
        if ind.not_applicable:
            continue
        _indicator(decl, n, ind, sc, out)
    _against_declaration(decl, ev, out)
    _against_forecast(decl, ev, sheet, out)
    for problem in sheet.problems:
        if not any(problem in f.message for f in out):
            out.append(Finding(WARNING, "evaluation.indicators", problem, "scoring"))
    return out


def _weights(ev: Evaluation, sheet: ScoreSheet, out: list[Finding]) -> None:
    if sheet.framework == SH2019 and any(
        i.weight is None for i in ev.indicators if not i.not_applicable
    ):
        # sh2019 has no official weights: the program's equal split is only a proposal.
        out.append(
            Finding(
                ERROR,
                "evaluation.indicators",
                f"上海 2019 版指标的{_label('evaluation.indicators.weight')}须由填报人设定"
                "（可采用程序建议的平均分配）。",
                "weights_unset",
            )
        )
    if sheet.weights_total != HUNDRED:
        out.append(
            Finding(
                ERROR,
                "evaluation.indicators",
                f"各指标{_label('evaluation.indicators.weight')}与预算执行率分值合计为 "
                f"{_fmt(sheet.weights_total)}，应为 100。",
                "weights_total",
            )
        )


def _total(sheet: ScoreSheet, out: list[Finding]) -> None:
    total = sheet.total if sheet.total is not None else sheet.subtotal
    if total > HUNDRED:
        out.append(
            Finding(
                ERROR,
                "evaluation.indicators",
                f"总分 {_fmt(total)} 超过 100 分，请核对各指标的{_label('evaluation.indicators.score')}。",
                "total_over",
            )
        )


def _budget(ev: Evaluation, sheet: ScoreSheet, out: list[Finding]) -> None:
    for key in ("budget_adjusted", "spent"):
        if getattr(ev, key) is None:
            k = f"evaluation.{key}"
            out.append(Finding(ERROR, k, f"{_label(k)}未填写。", "required"))
    rate = sheet.execution_rate
    # budget_needs_deviation compares the exact rate: 89.999% shows as 90.00% but is below.
    if rate is not None and sheet.budget_needs_deviation:
        if not _squash(ev.budget_deviation):
            out.append(
                Finding(
                    ERROR,
                    "evaluation.budget_deviation",
                    f"预算{_label('evaluation.execution_rate')} {_fmt(rate * 100)}% 低于 90%，"
                    f"须填写{_label('evaluation.budget_deviation')}。",
                    "deviation_budget",
                )
            )


# The money columns of the 资金 rows and the total each adds up to.
_FUND_COLUMNS = (
    ("initial", "budget_initial"),
    ("adjusted", "budget_adjusted"),
    ("spent", "spent"),
)


def _indicator(
    decl: Declaration, n: int, ind: EvalIndicator, sc: IndicatorScore, out: list[Finding]
) -> None:
    key = f"evaluation.indicators[{n}]"
    where = field_label(key) + (f"（{ind.name}）" if ind.name else "")
    weight = sc.weight
    score = sc.score
    computed = sc.computed
    kind = sc.kind
    if weight is not None and score is not None and score > weight:
        out.append(
            Finding(
                ERROR,
                f"{key}.score",
                f"{where}得分 {_fmt(score)} 超过其分值 {_fmt(weight)}。",
                "score_over_weight",
            )
        )
    if score is not None and score < 0:
        out.append(Finding(ERROR, f"{key}.score", f"{where}得分不能为负数。", "negative_score"))
    if kind == KIND_QUALITATIVE:
        if ind.tier is None and ind.score_override is None:
            out.append(
                Finding(
                    ERROR,
                    f"{key}.tier",
                    f"{where}为定性指标，未选择{_label('evaluation.indicators.tier')}"
                    "（达成年度指标 / 部分达成并具有一定效果 / 未达成且效果较差）。",
                    "no_tier",
                )
            )
    elif not _squash(ind.actual):
        out.append(
            Finding(
                ERROR,
                f"{key}.actual",
                f"{where}未填写{_label('evaluation.indicators.actual')}。",
                "no_actual",
            )
        )
    deviation = _squash(ind.deviation)
    over = sc.over_achieved
    if sc.needs_deviation and not deviation:
        why = "超额完成逾 20%，须说明目标是否设定过低" if over else "得分低于分值"
        out.append(
            Finding(
                ERROR,
                f"{key}.deviation",
                f"{where}{why}，须填写{_label('evaluation.indicators.deviation')}。",
                "deviation",
            )
        )
    elif deviation and vague_words_in(ind.deviation) and len(deviation) < 8:
        out.append(
            Finding(
                WARNING,
                f"{key}.deviation",
                f"{where}的偏差原因“{ind.deviation}”过于笼统。",
                "deviation_vague",
            )
        )
    if over:
        out.append(
            Finding(
                WARNING,
                f"{key}.actual",
                f"{where}实际完成值“{ind.actual}”超出目标值“{ind.target}”逾 20%，"
                "请说明目标是否设定过低，必要时酌情扣分。",
                "over_achieved",
            )
        )
    if sc.overridden and computed is not None and score != computed:
        reason = f"（理由：{ind.override_reason}）" if ind.override_reason else ""
        out.append(
            Finding(
                WARNING,
                f"{key}.score",
                f"{where}所填得分 {_fmt(score) if score is not None else '—'} 与按规则计算的 "
                f"{_fmt(computed)} 不同{reason}。",
                "score_differs",
            )
        )
    if ind.score_override is not None and not _squash(ind.override_reason):
        out.append(
            Finding(
                ERROR,
                f"{key}.score",
                f"{where}的得分经人工调整，须写明理由。",
                "override_reason",
            )
        )


def _against_declaration(decl: Declaration, ev: Evaluation, out: list[Finding]) -> None:
    declared = {_squash(i.name): i for i in decl.indicators if _squash(i.name)}
    evaluated = {_squash(i.name) for i in ev.indicators if _squash(i.name)}
    for n, ind in enumerate(ev.indicators):
        key = f"evaluation.indicators[{n}]"
        where = field_label(key) + (f"（{ind.name}）" if ind.name else "")
        origin = declared.get(_squash(ind.name))
        if origin is None:
            out.append(
                Finding(
                    WARNING,
                    f"{key}.name",
                    f"{where}不在申报表的绩效指标中。",
                    "not_declared",
                )
            )
        elif _squash(origin.target) != _squash(ind.target):
            out.append(
                Finding(
                    WARNING,
                    f"{key}.target",
                    f"{where}的指标值“{ind.target or ''}”与申报表的“{origin.target or ''}”不同。",
                    "target_changed",
                )
            )
    for name, declared_ind in declared.items():
        if name not in evaluated:
            out.append(
                Finding(
                    WARNING,
                    "evaluation.indicators",
                    f"申报表的绩效指标“{declared_ind.name}”未出现在自评表中。",
                    "not_evaluated",
                )
            )


def _below_target(sc: IndicatorScore, ind: EvalIndicator) -> bool:
    """Did the indicator end below its target, as the scoring rules judge it: a tier short
    of 达成, or a computed score short of the full weight (the rules give full marks exactly
    when the target is reached). Unknown (no actual, no weight) is not below."""
    if sc.kind == KIND_QUALITATIVE:
        return ind.tier is not None and ind.tier != TIERS[0]
    return sc.computed is not None and sc.weight is not None and sc.computed < sc.weight


def _against_forecast(
    decl: Declaration, ev: Evaluation, sheet: ScoreSheet, out: list[Finding]
) -> None:
    """forms.md §5: an indicator the mid-year 运行监控表 reported as 确定能 that ended below
    its target — the forecast was wrong, and the reviewers ask why."""
    m = decl.monitoring
    if m is None:
        return
    month = f"{m.as_of_month}月" if m.as_of_month else "年中"
    for n, (ind, sc) in enumerate(zip(ev.indicators, sheet.indicators, strict=True)):
        if ind.not_applicable:
            continue
        row = forecast_for(m, ind.category, ind.name)
        if row is None or row.likelihood != LIKELY or not _below_target(sc, ind):
            continue
        key = f"evaluation.indicators[{n}]"
        where = field_label(key) + (f"（{ind.name}）" if ind.name else "")
        if sc.kind == KIND_QUALITATIVE:
            ended = f"达成档次为“{ind.tier}”"
        else:
            ended = f"{_label('evaluation.indicators.actual')}“{ind.actual or ''}”未达到"
            ended += f"{_label('evaluation.indicators.target')}“{ind.target or ''}”"
        out.append(
            Finding(
                WARNING,
                f"{key}.actual",
                f"{where}在{month}运行监控表中报告“{LIKELY}”完成，年末却{ended}，"
                f"请在{_label('evaluation.indicators.deviation')}中说明。",
                "forecast_missed",
            )
        )
