"""Domain records of the three forms (forms.md §1, §2, §5), as plain dataclasses.

Money is Decimal 元 (see :mod:`perfdesk.models.money`); dates are ``datetime.date``;
empty text is ``None``. JSON conversion lives in :mod:`perfdesk.models.serialize`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# The statuses live in a module of their own (the window's first paint needs only them);
# re-exported here.
from perfdesk.models.status import STATUS_DRAFT as STATUS_DRAFT
from perfdesk.models.status import STATUS_FINAL as STATUS_FINAL
from perfdesk.models.status import STATUS_LABELS as STATUS_LABELS
from perfdesk.models.status import STATUSES as STATUSES

PROJECT_TYPES: tuple[str, ...] = (
    "市委市政府已确定的新增项目",
    "结转项目",
    "其他一次性项目",
    "经常性专项业务费",
    "其他经常性项目",
)
FUND_USES: tuple[str, ...] = (
    "基本建设工程类",
    "信息化建设类",
    "政策补贴类",
    "政府购买服务",
    "资产购置类",
    "其他事业专业类",
)
# Several ticked boxes are kept joined by this mark so the check can name them.
CHOICE_JOINER = "、"

TIERS: tuple[str, ...] = ("达成", "部分达成", "未达成")
DIRECTIONS: tuple[str, ...] = ("≥", "≤", "=")

# 运行监控表 (forms.md §5): will the year's target be met, and if not, which kind of cause.
LIKELIHOODS: tuple[str, ...] = ("确定能", "有可能", "完全不可能")
LIKELY = LIKELIHOODS[0]
CAUSES: tuple[str, ...] = ("经费保障", "制度保障", "人员保障", "硬件保障", "其他")

LAYOUT_NATIONAL = "national"  # 项目支出绩效自评表, money block in 万元
LAYOUT_SHANGHAI = "shanghai"  # 财政项目支出绩效自评表, money in 元
EVALUATION_LAYOUTS = (LAYOUT_NATIONAL, LAYOUT_SHANGHAI)


@dataclass
class BudgetItem:
    name: str | None
    amount: Decimal | None


@dataclass
class Indicator:
    category: str | None
    subcategory: str | None
    name: str | None
    target: str | None
    # The user's correction of the parsed direction (≥ ≤ =); None = as parsed.
    direction: str | None = None


@dataclass
class Signoff:
    head: str | None = None
    preparer: str | None = None
    phone: str | None = None
    date: dt.date | None = None


@dataclass
class FundRow:
    initial: Decimal | None = None
    adjusted: Decimal | None = None
    spent: Decimal | None = None


@dataclass
class Funds:
    appropriation: FundRow | None = None  # 其中：当年财政拨款
    carried_over: FundRow | None = None  # 上年结转资金
    other: FundRow | None = None  # 其他资金


@dataclass
class DeclarationFunds:
    """The national form's 项目资金 rows under 年度资金总额 (which is ``year_budget``)."""

    appropriation: Decimal | None = None  # 其中：财政拨款
    other: Decimal | None = None  # 其他资金


@dataclass
class EvalIndicator:
    category: str | None
    subcategory: str | None
    name: str | None
    target: str | None
    actual: str | None = None
    weight: Decimal | None = None
    # A score the user (or an imported sheet) set instead of the rules' score; the rules'
    # score is always recomputed and kept beside it.
    score_override: Decimal | None = None
    override_reason: str | None = None
    deviation: str | None = None
    tier: str | None = None
    not_applicable: bool = False
    direction: str | None = None
    # For a qualitative indicator: the score picked inside the tier's range (None = the
    # top of the range).
    tier_score: Decimal | None = None


@dataclass
class Evaluation:
    supervisor: str | None = None
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    spent: Decimal | None = None
    budget_weight: Decimal = Decimal(10)
    goal_expected: str | None = None
    goal_actual: str | None = None
    # 偏差原因 of the budget row, required when the execution rate is below 90%.
    budget_deviation: str | None = None
    indicators: list[EvalIndicator] = field(default_factory=list)
    funds: Funds | None = None
    status: str = STATUS_DRAFT
    layout: str = LAYOUT_NATIONAL


@dataclass
class MonitorFundRow:
    initial: Decimal | None = None  # 年初预算数
    adjusted: Decimal | None = None  # 调整后预算数
    spent_to_date: Decimal | None = None  # 1–X 月执行数
    forecast: Decimal | None = None  # 全年预计执行数


@dataclass
class MonitorFunds:
    appropriation: MonitorFundRow | None = None  # 其中：财政拨款
    carried_over: MonitorFundRow | None = None  # 上年结转
    other: MonitorFundRow | None = None  # 其他资金


@dataclass
class MonitorIndicator:
    category: str | None
    subcategory: str | None
    name: str | None
    target: str | None
    progress: str | None = None  # 截至X月底完成情况
    forecast: str | None = None  # 全年预计完成情况
    likelihood: str | None = None  # one of LIKELIHOODS
    cause: str | None = None  # one of CAUSES
    deviation: str | None = None  # 偏差原因分析
    remedy: str | None = None  # 改进措施
    remarks: str | None = None
    direction: str | None = None  # the declaration's correction of ≥ ≤ =, carried over


@dataclass
class Monitoring:
    """项目支出绩效运行监控表: the mid-year report (forms.md §5). The derived rates
    (执行率, 序时进度) live in :mod:`perfdesk.models.monitoring`, never here."""

    as_of_month: int | None = None
    supervisor: str | None = None
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    spent_to_date: Decimal | None = None
    forecast_spent: Decimal | None = None
    funds: MonitorFunds | None = None
    goal_progress: str | None = None
    indicators: list[MonitorIndicator] = field(default_factory=list)
    deviation_analysis: str | None = None
    measures: str | None = None
    adjust_goals: bool | None = None
    adjustment: str | None = None
    status: str = STATUS_DRAFT


@dataclass
class Declaration:
    year: int
    unit: str | None
    name: str | None
    project_type: str | None = None
    fund_use: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    overview: str | None = None
    basis: str | None = None
    necessity: str | None = None
    measures: str | None = None
    total_budget: Decimal | None = None
    year_budget: Decimal | None = None
    prev_year_budget: Decimal | None = None
    prev_year_spent: Decimal | None = None
    budget_items: list[BudgetItem] = field(default_factory=list)
    plan: str | None = None
    overall_goal: str | None = None
    annual_goal: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    remarks: str | None = None
    signoff: Signoff | None = None
    framework: str = "sh2019"
    evaluation: Evaluation | None = None
    monitoring: Monitoring | None = None
    # The national form's 主管部门 and 项目资金 rows (forms.md §1); optional keys, absent
    # from the JSON when unset so that records without them keep their fingerprints.
    supervisor: str | None = None
    funds: DeclarationFunds | None = None
    # "evaluation" when the record was created by importing a self-evaluation whose
    # declaration was not in the database.
    created_from: str | None = None
    # Store bookkeeping; None/defaults for a record not yet stored.
    id: int | None = None
    status: str = STATUS_DRAFT
    revision: int = 1
