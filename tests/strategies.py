"""Hypothesis strategies for plausible records (shared by round-trip tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from perfdesk.models.records import (
    FUND_USES,
    PROJECT_TYPES,
    TIERS,
    BudgetItem,
    Declaration,
    EvalIndicator,
    Evaluation,
    FundRow,
    Funds,
    Indicator,
    Signoff,
)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
PUNCT = st.sampled_from(list("，。、；：（）“”《》0123456789%≥≤-"))
text = st.text(st.one_of(CJK, CJK, CJK, PUNCT), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s.strip() != ""
)
opt_text = st.none() | text
money = st.integers(min_value=0, max_value=10**12).map(lambda f: (Decimal(f) / 100).quantize(Decimal("0.01")))
opt_money = st.none() | money
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
weights = st.integers(min_value=0, max_value=5000).map(lambda n: Decimal(n) / 100)

SH_CATS = ("投入和管理目标", "产出目标", "效果目标", "影响力目标")
NATIONAL = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
targets = st.one_of(
    text,
    st.builds(lambda s, n, u: f"{s}{n}{u}", st.sampled_from(["≥", "≤", "=", ""]),
              st.integers(0, 1000), st.sampled_from(["%", "个", "件", "秒", "万元", ""])),
)


@st.composite
def indicators(draw, framework: str) -> Indicator:
    if framework == "sh2019":
        cat, sub = draw(st.sampled_from(SH_CATS)), None
    else:
        cat = draw(st.sampled_from(sorted(NATIONAL)))
        sub = draw(st.sampled_from(NATIONAL[cat]))
    return Indicator(cat, sub, draw(text), draw(targets), draw(st.none() | st.sampled_from(["≥", "≤", "="])))


@st.composite
def fund_rows(draw) -> FundRow:
    return FundRow(draw(opt_money), draw(opt_money), draw(opt_money))


@st.composite
def evaluations(draw, decl_indicators: list[Indicator]) -> Evaluation:
    inds = []
    for ind in decl_indicators:
        tier = draw(st.none() | st.sampled_from(TIERS))
        override = draw(st.none() | st.tuples(weights, text))
        inds.append(
            EvalIndicator(
                ind.category, ind.subcategory, ind.name, ind.target,
                actual=draw(st.none() | targets),
                weight=draw(st.none() | weights),
                deviation=draw(opt_text),
                tier=tier,
                not_applicable=draw(st.booleans()),
                direction=draw(st.none() | st.sampled_from(["≥", "≤", "="])),
                score_override=override[0] if override else None,
                override_reason=override[1] if override else None,
            )
        )
    funds = draw(st.none() | st.builds(Funds, st.none() | fund_rows(), st.none() | fund_rows(), st.none() | fund_rows()))
    return Evaluation(
        supervisor=draw(opt_text), budget_initial=draw(opt_money), budget_adjusted=draw(opt_money),
        spent=draw(opt_money), budget_weight=draw(weights), goal_expected=draw(opt_text),
        goal_actual=draw(opt_text), budget_deviation=draw(opt_text), indicators=inds, funds=funds,
        status=draw(st.sampled_from(["draft", "final"])),
        layout=draw(st.sampled_from(["national", "shanghai"])),
    )


@st.composite
def declarations(draw, with_evaluation: bool = True) -> Declaration:
    framework = draw(st.sampled_from(["sh2019", "national"]))
    inds = draw(st.lists(indicators(framework), max_size=8))
    d = Declaration(
        year=draw(st.integers(2015, 2035)), unit=draw(text), name=draw(text),
        project_type=draw(st.none() | st.sampled_from(PROJECT_TYPES)),
        fund_use=draw(st.none() | st.sampled_from(FUND_USES)),
        start_date=draw(st.none() | dates), end_date=draw(st.none() | dates),
        overview=draw(opt_text), basis=draw(opt_text), necessity=draw(opt_text),
        measures=draw(opt_text), total_budget=draw(opt_money), year_budget=draw(opt_money),
        prev_year_budget=draw(opt_money), prev_year_spent=draw(opt_money),
        budget_items=draw(st.lists(st.builds(BudgetItem, opt_text, opt_money), max_size=5)),
        plan=draw(opt_text), overall_goal=draw(opt_text), annual_goal=draw(opt_text),
        indicators=inds, remarks=draw(opt_text),
        signoff=draw(st.none() | st.builds(Signoff, opt_text, opt_text, opt_text, st.none() | dates)),
        framework=framework,
    )
    if with_evaluation and draw(st.booleans()):
        d.evaluation = draw(evaluations(inds))
    return d
