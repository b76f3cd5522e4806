"""What the forms call each field: JSON key → the label printed on the form (forms.md §1, §2, §5).

One table for the checks, the editors and the printouts, so a field is named the same way
everywhere. Key paths are those of ``show --json``: ``year_budget``, ``indicators[3].target``,
``evaluation.indicators[2].deviation`` (indexes from 0; :func:`field_label` shows rows from 1).
"""

from __future__ import annotations

import re

FIELD_LABELS: dict[str, str] = {
    # 财政支出项目绩效目标申报表
    "year": "年度",
    "unit": "申报单位名称",
    "name": "项目名称",
    "project_type": "项目类型",
    "fund_use": "资金用途",
    "start_date": "开始时间",
    "end_date": "结束时间",
    "overview": "项目概况",
    "basis": "立项依据",
    "necessity": "项目设立的必要性",
    "measures": "保证项目实施的制度、措施",
    "total_budget": "项目总预算（元）",
    "year_budget": "项目当年预算（元）",
    "prev_year_budget": "同名项目上年预算额（元）",
    "prev_year_spent": "同名项目上年预算执行数（元）",
    "budget_items": "项目当年投入资金构成",
    "budget_items.name": "子项目名称",
    "budget_items.amount": "预算金额（元）",
    "plan": "项目实施计划",
    "overall_goal": "项目总目标",
    "annual_goal": "年度绩效目标",
    "indicators": "分解目标",
    "indicators.category": "分解目标内容",
    "indicators.subcategory": "二级指标",
    "indicators.name": "绩效指标",
    "indicators.target": "指标目标值",
    "indicators.direction": "指标方向",
    "remarks": "备注",
    "signoff": "签署",
    "signoff.head": "单位负责人",
    "signoff.preparer": "填表人",
    "signoff.phone": "联系电话",
    "signoff.date": "填报日期",
    "framework": "指标体系",
    # The national 项目支出绩效目标表's own rows (optional keys)
    "supervisor": "主管部门",
    "funds": "项目资金",
    "funds.appropriation": "其中：财政拨款",
    "funds.other": "其他资金",
    # 项目支出绩效自评表
    "evaluation": "绩效自评表",
    "evaluation.supervisor": "主管部门",
    "evaluation.budget_initial": "年初预算数",
    "evaluation.budget_adjusted": "全年预算数",
    "evaluation.spent": "全年执行数",
    "evaluation.execution_rate": "执行率",
    "evaluation.budget_weight": "分值（预算执行率）",
    "evaluation.budget_score": "得分（预算执行率）",
    "evaluation.budget_deviation": "偏差原因分析及改进措施（预算执行率）",
    "evaluation.goal_expected": "年度总体目标：预期目标",
    "evaluation.goal_actual": "年度总体目标：实际完成情况",
    "evaluation.indicators": "绩效指标",
    "evaluation.indicators.category": "一级指标",
    "evaluation.indicators.subcategory": "二级指标",
    "evaluation.indicators.name": "三级指标",
    "evaluation.indicators.target": "年度指标值",
    "evaluation.indicators.actual": "实际完成值",
    "evaluation.indicators.weight": "分值",
    "evaluation.indicators.score": "得分",
    "evaluation.indicators.deviation": "偏差原因分析及改进措施",
    "evaluation.indicators.tier": "达成档次",
    "evaluation.indicators.direction": "指标方向",
    "evaluation.total_score": "总分",
    "evaluation.grade": "自评等级",
    "evaluation.funds": "年度资金总额",
    "evaluation.funds.appropriation": "其中：当年财政拨款",
    "evaluation.funds.carried_over": "上年结转资金",
    "evaluation.funds.other": "其他资金",
    # 项目支出绩效运行监控表
    "monitoring": "绩效运行监控表",
    "monitoring.as_of_month": "截至月份",
    "monitoring.supervisor": "主管部门",
    "monitoring.budget_initial": "年初预算数",
    "monitoring.budget_adjusted": "调整后预算数",
    "monitoring.spent_to_date": "1至X月执行数",
    "monitoring.execution_rate": "执行率",
    "monitoring.expected_rate": "序时进度",
    "monitoring.forecast_spent": "全年预计执行数",
    "monitoring.funds": "年度资金总额",
    "monitoring.funds.appropriation": "其中：财政拨款",
    "monitoring.funds.carried_over": "上年结转",
    "monitoring.funds.other": "其他资金",
    "monitoring.goal_progress": "年度总体目标完成情况",
    "monitoring.indicators": "绩效指标",
    "monitoring.indicators.category": "一级指标",
    "monitoring.indicators.subcategory": "二级指标",
    "monitoring.indicators.name": "三级指标",
    "monitoring.indicators.target": "年度指标值",
    "monitoring.indicators.progress": "截至X月底完成情况",
    "monitoring.indicators.forecast": "全年预计完成情况",
    "monitoring.indicators.likelihood": "完成目标可能性",
    "monitoring.indicators.cause": "原因类型",
    "monitoring.indicators.deviation": "偏差原因分析",
    "monitoring.indicators.remedy": "改进措施",
    "monitoring.indicators.remarks": "备注",
    "monitoring.deviation_analysis": "偏差或不能完成目标原因分析",
    "monitoring.measures": "相关建议或举措",
    "monitoring.adjust_goals": "是否需要调整绩效目标",
    "monitoring.adjustment": "调整内容",
}

# The national framework names the indicator columns by level.
NATIONAL_INDICATOR_LABELS: dict[str, str] = {
    "indicators": "绩效指标",
    "indicators.category": "一级指标",
    "indicators.subcategory": "二级指标",
    "indicators.name": "三级指标",
    "indicators.target": "指标值",
}

_INDEX = re.compile(r"\[(\d+)\]")


def label_for(key: str, framework: str | None = None) -> str:
    """The form label of a key path without indexes (``indicators.target`` → 指标目标值)."""
    generic = _INDEX.sub("", key)
    if framework == "national" and generic in NATIONAL_INDICATOR_LABELS:
        return NATIONAL_INDICATOR_LABELS[generic]
    if generic in FIELD_LABELS:
        return FIELD_LABELS[generic]
    head = generic.rsplit(".", 1)[0]
    return FIELD_LABELS.get(head, key)


def field_label(path: str, framework: str | None = None) -> str:
    """A key path as a clerk reads it: ``indicators[3].target`` → 分解目标第4行“指标目标值”."""
    m = _INDEX.search(path)
    if not m:
        return f"“{label_for(path, framework)}”"
    row = int(m.group(1)) + 1
    table = label_for(path[: m.start()], framework)
    rest = path[m.end() :].lstrip(".")
    if not rest:
        return f"{table}第{row}行"
    return f"{table}第{row}行“{label_for(path, framework)}”"
