"""The mid-year monitoring record (forms.md §5): its JSON, its rates, how it is made."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from perfdesk.models.errors import InputError
from perfdesk.models.monitoring import (
    behind_schedule,
    execution_rate,
    expected_rate,
    far_behind_schedule,
    forecast_for,
    last_full_month,
    make_monitoring,
    mid_year_text,
    needs_attention,
)
from perfdesk.models.records import (
    Declaration,
    DeclarationFunds,
    Evaluation,
    FundRow,
    Funds,
    Indicator,
    MonitorFundRow,
    MonitorFunds,
    Monitoring,
)
from perfdesk.models.serialize import (
    declaration_from_dict,
    declaration_to_dict,
    dumps,
    fingerprint,
    loads,
    monitoring_from_dict,
)


def _decl() -> Declaration:
    return Declaration(
        year=2024,
        unit="某区民政局",
        name="养老服务补贴",
        year_budget=Decimal("1200000"),
        indicators=[
            Indicator("产出指标", "数量指标", "补贴人数", "≥500人"),
            Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", direction="≥"),
        ],
    )


def test_made_from_the_declaration_carries_indicators_targets_and_budget() -> None:
    m = make_monitoring(_decl(), dt.date(2024, 7, 15))
    assert m.as_of_month == 6
    assert m.budget_initial == m.budget_adjusted == Decimal("1200000")
    assert [(i.name, i.target, i.direction) for i in m.indicators] == [
        ("补贴人数", "≥500人", None),
        ("满意度", "≥90%", "≥"),
    ]
    assert all(i.progress is None and i.likelihood is None for i in m.indicators)


def test_a_national_declaration_brings_its_supervisor_and_fund_rows() -> None:
    decl = _decl()
    decl.framework = "national"
    decl.supervisor = "某区人民政府"
    decl.funds = DeclarationFunds(appropriation=Decimal("1000000"), other=Decimal("200000"))
    m = make_monitoring(decl, dt.date(2024, 8, 3))
    assert m.supervisor == "某区人民政府" and m.as_of_month == 7
    assert m.funds is not None and m.funds.appropriation is not None and m.funds.other is not None
    assert (m.funds.appropriation.initial, m.funds.appropriation.adjusted) == (
        Decimal("1000000"),
        Decimal("1000000"),
    )
    assert m.funds.other.initial == Decimal("200000") and m.funds.carried_over is None


@pytest.mark.parametrize(
    ("year", "today", "month"),
    [
        (2024, dt.date(2024, 7, 1), 6),
        (2024, dt.date(2024, 1, 20), 1),
        (2023, dt.date(2024, 3, 1), 12),
        (2025, dt.date(2024, 3, 1), None),
    ],
)
def test_as_of_month_defaults_to_the_last_full_month(
    year: int, today: dt.date, month: int | None
) -> None:
    assert last_full_month(year, today) == month


def test_rates_and_schedule() -> None:
    m = Monitoring(as_of_month=7, budget_initial=Decimal(1000), spent_to_date=Decimal(450))
    assert execution_rate(m) == Decimal("0.4500")  # 调整后 empty: measured on 年初预算数
    assert expected_rate(m) == Decimal("0.5833")
    assert behind_schedule(m) and far_behind_schedule(m) and needs_attention(m)
    m.budget_adjusted = Decimal(800)
    assert execution_rate(m) == Decimal("0.5625")
    assert behind_schedule(m) and not far_behind_schedule(m)
    m.spent_to_date = Decimal(500)
    assert not behind_schedule(m) and not needs_attention(m)
    m.budget_adjusted = Decimal(0)
    assert execution_rate(m) is None and not behind_schedule(m)


def test_a_target_that_cannot_be_met_marks_the_project() -> None:
    m = make_monitoring(_decl(), dt.date(2024, 7, 1))
    m.spent_to_date = Decimal(900000)
    assert not needs_attention(m)
    m.indicators[1].likelihood = "完全不可能"
    assert needs_attention(m)


def test_json_round_trip_and_fingerprints_apart() -> None:
    decl = _decl()
    before = fingerprint(decl)
    decl.monitoring = make_monitoring(decl, dt.date(2024, 7, 1))
    decl.monitoring.spent_to_date = Decimal("600000.5")
    decl.monitoring.indicators[0].likelihood = "有可能"
    decl.monitoring.indicators[0].cause = "人员保障"
    decl.monitoring.adjust_goals = False
    # Writing the monitoring form leaves the declaration's fingerprint where it was.
    assert fingerprint(decl) == before
    doc = declaration_to_dict(decl)
    assert doc["monitoring"]["execution_rate"] == 0.5  # derived, on the way out only
    assert doc["monitoring"]["expected_rate"] == 0.5
    again = declaration_from_dict(loads(dumps(doc)))
    assert declaration_to_dict(again) == doc
    mon = fingerprint(again, "monitoring")
    again.monitoring.indicators[0].progress = "已补贴312人"
    assert fingerprint(again, "monitoring") != mon
    assert fingerprint(again) == before


def test_fund_rows_of_both_forms_keep_their_own_columns_in_json() -> None:
    decl = _decl()
    decl.monitoring = make_monitoring(decl, dt.date(2024, 7, 1))
    decl.monitoring.funds = MonitorFunds(
        other=MonitorFundRow(Decimal("5"), None, Decimal("2.5"), Decimal("4"))
    )
    decl.evaluation = Evaluation(funds=Funds(carried_over=FundRow(None, Decimal("7"), Decimal("6"))))
    d = declaration_to_dict(decl)
    assert d["monitoring"]["funds"]["other"] == {
        "initial": 5, "adjusted": None, "spent_to_date": 2.5, "forecast": 4
    }  # fmt: skip
    assert d["evaluation"]["funds"]["carried_over"] == {
        "initial": None, "adjusted": 7, "spent": 6
    }  # fmt: skip
    again = declaration_from_dict(loads(dumps(d)))
    assert again.monitoring.funds == decl.monitoring.funds
    assert again.evaluation.funds == decl.evaluation.funds
    d["monitoring"]["funds"]["other"]["forecast"] = "很多"
    with pytest.raises(InputError, match="“其他资金”不是金额：“很多”"):
        declaration_from_dict(d)


def test_a_record_without_monitoring_says_null() -> None:
    assert declaration_to_dict(_decl())["monitoring"] is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"as_of_month": 13}, "1 到 12 的月份"),
        (
            {"indicators": [{"likelihood": "大概能"}]},
            "绩效指标第1行“完成目标可能性”应为“确定能”、“有可能”、“完全不可能”之一",
        ),
        ({"indicators": [{}, {"cause": "天气"}]}, "绩效指标第2行“原因类型”应为“经费保障”"),
        ({"spent_to_date": "很多"}, "不是金额"),
        ({"adjust_goals": "也许"}, "是/否"),
    ],
)
def test_bad_monitoring_json_is_refused_in_chinese(data: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        monitoring_from_dict(data)


def test_forecast_for_matches_by_name_then_category() -> None:
    m = make_monitoring(_decl(), dt.date(2024, 7, 1))
    m.indicators[0].forecast = "全年可达520人"
    assert forecast_for(m, "产出指标", "补 贴人数") is m.indicators[0]
    assert forecast_for(m, None, "没有的指标") is None
    assert forecast_for(None, None, "补贴人数") is None


def test_mid_year_text_says_forecast_likelihood_and_progress() -> None:
    m = make_monitoring(_decl(), dt.date(2024, 7, 1))
    row = m.indicators[0]
    assert mid_year_text(m, None, row.name) == ""  # a row that says nothing yet
    assert mid_year_text(m, None, row.name, progress=True) == ""
    row.likelihood = "有可能"
    assert mid_year_text(m, None, row.name) == "有可能"
    row.forecast = "全年可达520人"
    assert mid_year_text(m, None, row.name) == "全年可达520人（有可能）"
    row.progress = "已补贴300人"
    assert mid_year_text(m, None, row.name) == "全年可达520人（有可能）"  # printed: no room
    assert mid_year_text(m, None, row.name, progress=True) == (
        "全年可达520人（有可能）；截至6月底：已补贴300人"
    )
    row.forecast = row.likelihood = None
    m.as_of_month = None
    assert mid_year_text(m, None, row.name, progress=True) == "年中：已补贴300人"
    assert mid_year_text(m, None, "没有的指标") is None
    assert mid_year_text(None, None, row.name) is None
