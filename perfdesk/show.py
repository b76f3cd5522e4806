"""Plain-text views of a record for the command line (``perfdesk show``)."""

from __future__ import annotations

from decimal import Decimal

from perfdesk.models.money import format_money
from perfdesk.models.records import STATUS_LABELS, Declaration


def _money(value: Decimal | None) -> str:
    # A record made from a 自评表 has no budget yet: a dash, not a bare "元".
    return "—" if value is None else f"{format_money(value)} 元"


def record_text(decl: Declaration, previous: Declaration | None = None) -> str:
    """The record as a clerk reads it, followed by the findings of the checks."""
    from perfdesk.models.checks import check_declaration, check_monitoring

    lines = [
        f"编号 {decl.id}  第 {decl.revision} 版  {STATUS_LABELS.get(decl.status, decl.status)}",
        f"{decl.year}年  {decl.unit}",
        f"项目名称：{decl.name}",
        f"项目类型：{decl.project_type or '—'}    资金用途：{decl.fund_use or '—'}",
        f"起止时间：{decl.start_date or '—'} 至 {decl.end_date or '—'}",
        f"项目总预算：{_money(decl.total_budget)}    当年预算：{_money(decl.year_budget)}",
    ]
    for item in decl.budget_items:
        lines.append(f"  · {item.name or '—'}：{_money(item.amount)}")
    lines.append(f"分解目标（{len(decl.indicators)} 项）：")
    for ind in decl.indicators:
        cat = " / ".join(x for x in (ind.category, ind.subcategory) if x)
        lines.append(f"  [{cat}] {ind.name or '—'}：{ind.target or '—'}")
    if decl.monitoring is not None:
        lines += monitoring_lines(decl)
    if decl.evaluation is not None:
        from perfdesk.models.scoring import score_evaluation

        sheet = score_evaluation(decl.evaluation, decl.framework)
        total = "—" if sheet.total is None else f"{sheet.total:.2f}"
        lines.append(f"自评：总分 {total}  等级 {sheet.grade or '—'}")
    findings = [*check_declaration(decl, previous), *check_monitoring(decl)]
    if findings:
        lines.append("检查：")
        for f in findings:
            mark = "错误" if f.level == "error" else "提醒"
            lines.append(f"  {mark}：{f.message}")
    return "\n".join(lines)


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def monitoring_lines(decl: Declaration) -> list[str]:
    """The 运行监控表 in a few lines: money against 序时进度, then each indicator's progress
    and likelihood."""
    from perfdesk.models.monitoring import behind_schedule, execution_rate, expected_rate

    m = decl.monitoring
    if m is None:
        return []
    month = f"{m.as_of_month}" if m.as_of_month else "X"
    state = STATUS_LABELS.get(m.status, m.status)
    rate, expected = execution_rate(m), expected_rate(m)
    lag = ""
    if behind_schedule(m) and rate is not None and expected is not None:
        lag = f"（落后 {(expected - rate) * 100:.2f} 个百分点）"
    lines = [
        f"运行监控（截至{month}月底，{state}）：1至{month}月执行数 {_money(m.spent_to_date)}，"
        f"执行率 {_rate(rate)}，序时进度 {_rate(expected)}{lag}",
    ]
    for ind in m.indicators:
        lines.append(f"  {ind.name or '—'}：{ind.progress or '—'}（{ind.likelihood or '未判断'}）")
    return lines


def explain_text(decl: Declaration) -> str:
    """One sentence per score, as the scoring rules computed it."""
    if decl.evaluation is None:
        return "该项目还没有自评表。"
    from perfdesk.models.scoring import score_evaluation

    sheet = score_evaluation(decl.evaluation, decl.framework)
    lines = ["得分说明："]
    if getattr(sheet, "budget_explanation", None):
        lines.append(f"  预算执行率：{sheet.budget_explanation}")
    for ind, sc in zip(decl.evaluation.indicators, sheet.indicators, strict=True):
        lines.append(f"  {ind.name or '—'}：{sc.explanation}")
    return "\n".join(lines)
