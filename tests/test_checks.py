"""Every check of forms.md §3, each seen firing and seen staying quiet."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest

from perfdesk.models.checks import (
    FIELD_LABELS,
    Finding,
    blocking,
    check_declaration,
    check_evaluation,
    placeholders_in,
)
from perfdesk.models.frameworks import FRAMEWORKS, guess_framework
from perfdesk.models.labels import field_label, label_for
from perfdesk.models.records import (
    BudgetItem,
    Declaration,
    EvalIndicator,
    Evaluation,
    FundRow,
    Funds,
    Indicator,
)

D = Decimal


def seed() -> Declaration:
    """The founding example, as the importer reads it."""
    return Declaration(
        year=2019,
        unit="中共上海市委、上海市人民政府信访办公室",
        name="12345市民服务热线外包服务",
        project_type="经常性专项业务费",
        fund_use="政府购买服务",
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2019, 12, 31),
        overview="2012年5月15日，上海市人民政府第141次常务会议决定成立上海市市民服务热线。",
        basis="1、2012年5月15日，上海市人民政府第141次常务会议精神；",
        necessity="随着市民公共服务需求不断扩大，市民迫切希望能有一条号码易记的政府服务热线。",
        measures="工作架构：市政府组建“12345”市民服务热线领导小组。",
        total_budget=D(133340000),
        year_budget=D(133340000),
        prev_year_budget=D(136990000),
        prev_year_spent=D(136990000),
        budget_items=[
            BudgetItem(
                "12345热线基本运行经费（房租、物业及水、电、电话费、上网费等）", D(19030000)
            ),
            BudgetItem("话务平台、手语客服网络及大数据等专用软硬件设施经费", D(9480000)),
            BudgetItem("话务语音座席人员聘用及管理经费", D(95890000)),
            BudgetItem("应交税费", D(8940000)),
        ],
        plan="根据市政府对热线的工作要求，承接一网通办、进博会等业务的话务服务工作。",
        overall_goal="通过聘用专业的话务人员，实现政府与企业的深度合作。",
        annual_goal="热线接能率≥88%（年） 话务员一次性解答率≥45% 话务员有责投诉率≤0.3% "
        "话务员有责退单率≤7% 话务员电话回访量的比例≥15%",
        indicators=[
            Indicator("投入和管理目标", None, "热线工作的规范性和安全性", "规范、安全、高效"),
            Indicator("投入和管理目标", None, "热线经费使用的合理性和有效性", "合理、有效"),
            Indicator(
                "产出目标",
                None,
                "全年12345热线平台受理量",
                "接听电话379.8万个，网站和手机受理28.1万件",
            ),  # fmt: skip
            Indicator("产出目标", None, "12345热线回访市民满意度", "94.90%"),
            Indicator("效果目标", None, "接通情况", "接通时长达到国家标准，平均接通时长8秒"),
            Indicator("效果目标", None, "服务水平", "服务质量佳，全国排名第二"),
            Indicator(
                "影响力目标",
                None,
                "12345热线的知晓度在逐渐提升，市民的满意度也逐年提高。",
                "上海12345热线的软件和硬件水平在全国同行业中仅次于北京。"
                "12345热线成为上海的一张“名片”。",
            ),
        ],
    )


def codes(findings: list[Finding], level: str | None = None) -> list[str]:
    return [f.code for f in findings if level is None or f.level == level]


def fields_of(findings: list[Finding], code: str) -> list[str]:
    return [f.field for f in findings if f.code == code]


# ---------------------------------------------------------------------------- the seed
def test_seed_has_no_errors_and_the_reviewers_warnings() -> None:
    findings = check_declaration(seed())
    assert blocking(findings) == []
    assert all(f.level == "warning" for f in findings)
    assert fields_of(findings, "vague") == [
        "indicators[0].target", "indicators[1].target", "indicators[6].target"
    ]  # fmt: skip
    assert fields_of(findings, "compound") == ["indicators[2].target"]
    # Both parts of the compound target, 94.90% and the 8 秒 say no direction.
    assert fields_of(findings, "no_direction") == [
        "indicators[2].target", "indicators[2].target", "indicators[3].target",
        "indicators[4].target",
    ]  # fmt: skip
    assert set(codes(findings)) == {"vague", "compound", "no_direction"}
    eight = [f for f in findings if f.field == "indicators[4].target"][0]
    assert "越低越好" in eight.message and "接通情况" in eight.message


def test_seed_previous_year_agrees() -> None:
    last = seed()
    last.year = 2018
    last.year_budget = D(136990000)
    last.total_budget = D(136990000)
    last.evaluation = Evaluation(spent=D(136990000))
    assert "prev_year" not in codes(check_declaration(seed(), last))


def test_findings_name_fields_by_form_label() -> None:
    d = seed()
    d.overview = None
    (f,) = [f for f in check_declaration(d) if f.field == "overview"]
    assert f.level == "error" and "“项目概况”" in f.message
    assert FIELD_LABELS["year_budget"] == "项目当年预算（元）"
    assert field_label("indicators[3].target") == "分解目标第4行“指标目标值”"
    assert field_label("indicators[3].target", "national") == "绩效指标第4行“指标值”"
    assert field_label("evaluation.indicators[2].deviation") == (
        "绩效指标第3行“偏差原因分析及改进措施”"
    )
    assert label_for("budget_items[0].amount") == "预算金额（元）"


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "key",
    ["unit", "name", "overview", "basis", "necessity", "measures", "plan", "overall_goal",
     "annual_goal", "start_date", "end_date", "total_budget", "year_budget"],
)  # fmt: skip
def test_required_field_empty(key: str) -> None:
    d = seed()
    setattr(d, key, None)
    assert key in fields_of(check_declaration(d), "required")
    if isinstance(getattr(seed(), key), str):
        setattr(d, key, "  \n ")
        assert key in fields_of(check_declaration(d), "required")


@pytest.mark.parametrize("key", ["project_type", "fund_use"])
def test_checkbox_groups(key: str) -> None:
    d = seed()
    setattr(d, key, None)
    assert fields_of(check_declaration(d), "choice_none") == [key]
    several = "结转项目、其他一次性项目" if key == "project_type" else "政策补贴类、政府购买服务"
    setattr(d, key, several)
    (f,) = [f for f in check_declaration(d) if f.code == "choice_several"]
    assert f.level == "error" and f.field == key and several in f.message
    setattr(d, key, "随便写的")
    assert fields_of(check_declaration(d), "choice_unknown") == [key]


@pytest.mark.parametrize(
    ("key", "text"),
    [("overview", "XX项目于20XX年启动"), ("basis", "依据**文件"), ("necessity", "（100字以内）"),
     ("plan", "请填写项目实施计划"), ("measures", "（限200字）制度"), ("name", "ＸＸ热线")],
)  # fmt: skip
def test_placeholder_text(key: str, text: str) -> None:
    d = seed()
    setattr(d, key, text)
    (f,) = [f for f in check_declaration(d) if f.code == "placeholder"]
    assert f.level == "error" and f.field == key


def test_placeholder_in_indicator_and_items() -> None:
    d = seed()
    d.indicators[3].target = "≥XX%"
    d.budget_items[0].name = "请填写子项目名称"
    assert fields_of(check_declaration(d), "placeholder") == [
        "budget_items[0].name",
        "indicators[3].target",
    ]
    # Named as the declaration prints it, in the words the other forms use too.
    (f,) = [
        f for f in check_declaration(d)
        if f.field == "indicators[3].target" and f.code == "placeholder"
    ]  # fmt: skip
    assert f.message == "分解目标第4行“指标目标值”仍留有模板占位文字（XX），请填写实际内容。"


@pytest.mark.parametrize("text", ["XXL码服装采购", "Linux服务器", "2×2矩阵", "乘*法", "100字"])
def test_not_placeholders(text: str) -> None:
    assert placeholders_in(text) == []


def test_budget_items_must_add_up() -> None:
    d = seed()
    d.budget_items[3].amount = D("8940000.01")
    (f,) = [f for f in check_declaration(d) if f.code == "items_sum"]
    assert f.level == "error" and f.field == "budget_items" and "0.01 元" in f.message
    d.budget_items[3].amount = None
    assert fields_of(check_declaration(d), "item_amount") == ["budget_items[3].amount"]


def test_year_budget_over_total() -> None:
    d = seed()
    d.total_budget = D(133339999)
    assert fields_of(check_declaration(d), "year_over_total") == ["year_budget"]


def test_dates() -> None:
    d = seed()
    d.start_date = dt.date(2020, 1, 1)
    assert fields_of(check_declaration(d), "dates_order") == ["start_date"]
    d = seed()
    d.start_date, d.end_date = dt.date(2020, 1, 1), dt.date(2021, 12, 31)
    assert fields_of(check_declaration(d), "year_outside") == ["year"]
    d.start_date = dt.date(2018, 6, 1)  # a project spanning the year is fine
    assert "year_outside" not in codes(check_declaration(d))


def test_no_indicator_and_no_output() -> None:
    d = seed()
    d.indicators = []
    assert codes(check_declaration(d), "error").count("no_indicator") == 1
    d = seed()
    d.indicators = [i for i in d.indicators if i.category != "产出目标"]
    assert "no_output" in codes(check_declaration(d), "error")


def test_national_output_category() -> None:
    d = seed()
    d.framework = "national"
    d.indicators = [
        Indicator("产出指标", "数量指标", "受理量", "≥380万件"),
        Indicator("效益指标", "社会效益指标", "一次性解答率", "≥45%"),
        Indicator("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%"),
    ]
    findings = check_declaration(d)
    assert blocking(findings) == []
    assert "empty_category" not in codes(findings)
    d.indicators[0].category = "效益指标"
    assert "no_output" in codes(check_declaration(d))


# ---------------------------------------------------------------------------- warnings
def test_vague_target_words() -> None:
    d = seed()
    (f,) = [f for f in check_declaration(d) if f.field == "indicators[1].target"]
    assert f.code == "vague" and "合理、有效" in f.message
    d.indicators[1].target = "≥95%"
    assert not [f for f in check_declaration(d) if f.field == "indicators[1].target"]


def test_no_direction_and_direction_set_by_user() -> None:
    d = seed()
    assert "indicators[3].target" in fields_of(check_declaration(d), "no_direction")
    d.indicators[3].direction = "≥"
    assert "indicators[3].target" not in fields_of(check_declaration(d), "no_direction")
    d.indicators[3].target = "≥94.90%"
    d.indicators[3].direction = None
    assert "indicators[3].target" not in fields_of(check_declaration(d), "no_direction")


def test_no_unit() -> None:
    d = seed()
    d.indicators[3].target = "≥90"
    assert fields_of(check_declaration(d), "no_unit") == ["indicators[3].target"]
    d.indicators[3].target = "≥90%"
    assert fields_of(check_declaration(d), "no_unit") == []


@pytest.mark.parametrize(("target", "code"), [("≥120%", "over_100"), ("≥100%", "ge_100")])
def test_rates_over_100(target: str, code: str) -> None:
    d = seed()
    d.indicators[3].target = target
    assert fields_of(check_declaration(d), code) == ["indicators[3].target"]
    d.indicators[3].target = "=100%"
    assert not {"over_100", "ge_100"} & set(codes(check_declaration(d)))


def test_compound_target() -> None:
    d = seed()
    assert fields_of(check_declaration(d), "compound") == ["indicators[2].target"]
    d.indicators[2].target = "≥380万件"
    assert fields_of(check_declaration(d), "compound") == []


def test_category_without_indicator() -> None:
    d = seed()
    d.indicators = [i for i in d.indicators if i.category != "影响力目标"]
    (f,) = [f for f in check_declaration(d) if f.code == "empty_category"]
    assert f.level == "warning" and "影响力目标" in f.message


def test_input_measure_under_output() -> None:
    d = seed()
    d.indicators.append(Indicator("产出目标", None, "资金到位率", "=100%"))
    assert fields_of(check_declaration(d), "input_as_output") == ["indicators[7].name"]
    d.indicators[7].category = "投入和管理目标"
    assert fields_of(check_declaration(d), "input_as_output") == []


def test_annual_goal_copied_from_overall_goal() -> None:
    d = seed()
    d.annual_goal = d.overall_goal + " "
    assert fields_of(check_declaration(d), "goal_copied") == ["annual_goal"]


def test_duplicate_indicator() -> None:
    d = seed()
    d.indicators.append(Indicator("效果目标", None, "接通 情况", "≤8秒"))
    (f,) = [f for f in check_declaration(d) if f.code == "duplicate"]
    assert f.field == "indicators[7].name" and "第5行" in f.message


def test_same_number_in_most_rows() -> None:
    d = seed()
    d.indicators = [
        Indicator("产出目标", None, f"指标{n}", "≥95%" if n < 3 else "≥80%") for n in range(5)
    ]
    (f,) = [f for f in check_declaration(d) if f.code == "same_number"]
    assert "95%" in f.message
    d.indicators[0].target = "≥90%"
    assert "same_number" not in codes(check_declaration(d))


def test_previous_year_disagrees() -> None:
    last = seed()
    last.year = 2018
    last.year_budget = D(136000000)
    last.evaluation = Evaluation(spent=D(135000000))
    found = [f for f in check_declaration(seed(), last) if f.code == "prev_year"]
    assert [f.field for f in found] == ["prev_year_budget", "prev_year_spent"]
    assert "136,000,000.00 元" in found[0].message and "2018" in found[0].message
    last.evaluation = None
    assert fields_of(check_declaration(seed(), last), "prev_year") == ["prev_year_budget"]


def test_yuan_wan_mixup() -> None:
    d = seed()
    d.total_budget = D(13334)  # typed in 万元
    findings = check_declaration(d)
    assert "total_budget" in fields_of(findings, "unit_mixup")
    assert "year_budget" in fields_of(findings, "unit_mixup")  # 10,000× its total
    d = seed()
    d.budget_items = [BudgetItem("全部", D(13334))]
    assert "budget_items" in fields_of(check_declaration(d), "unit_mixup")
    d = seed()
    d.prev_year_budget = D(13699)
    assert "prev_year_budget" in fields_of(check_declaration(d), "unit_mixup")
    assert "unit_mixup" not in codes(check_declaration(seed()))


# ---------------------------------------------------------------------------- evaluation
def evaluated() -> Declaration:
    """The seed with a complete, consistent self-evaluation."""
    d = seed()
    weights = [D(10), D(10), D(15), D(15), D(10), D(10), D(20)]
    rows = []
    for ind, w in zip(d.indicators, weights, strict=True):
        rows.append(EvalIndicator(ind.category, ind.subcategory, ind.name, ind.target, weight=w))
    rows[0].tier = rows[1].tier = rows[6].tier = "达成"
    rows[2].score_override, rows[2].override_reason = D(15), "两项均完成"
    rows[2].actual = "接听电话380万个，网站和手机受理28.5万件"
    rows[3].actual = "95.1%"
    rows[4].actual = "7.5秒"
    rows[5].actual = "全国排名第二"
    d.evaluation = Evaluation(
        supervisor="上海市人民政府",
        budget_initial=D(133340000),
        budget_adjusted=D(133340000),
        spent=D(130000000),
        indicators=rows,
    )
    return d


def test_complete_evaluation_has_no_errors() -> None:
    findings = check_evaluation(evaluated())
    assert blocking(findings) == [], [f.message for f in findings]


def test_no_evaluation_no_findings() -> None:
    assert check_evaluation(seed()) == []


def test_weights_not_100() -> None:
    d = evaluated()
    d.evaluation.indicators[6].weight = D(25)
    assert "weights_total" in codes(check_evaluation(d), "error")


def test_total_above_100_is_an_error() -> None:
    """Issue 15: an imported total of 110 was listed as “110.00 优” without a word."""
    d = evaluated()
    for n, ind in enumerate(d.evaluation.indicators):
        ind.score_override = ind.weight + (5 if n < 2 else 0)
        ind.override_reason = "导入表中得分"
    findings = check_evaluation(d)
    assert "total_over" in codes(findings, "error")
    message = next(f.message for f in findings if f.code == "total_over")
    assert message.startswith("总分 109.75 超过 100 分")


def test_sh2019_weights_must_be_set() -> None:
    d = evaluated()
    d.evaluation.indicators[6].weight = None
    assert "weights_unset" in codes(check_evaluation(d), "error")


def test_score_above_weight() -> None:
    d = evaluated()
    d.evaluation.indicators[2].score_override = D(16)
    assert fields_of(check_evaluation(d), "score_over_weight") == ["evaluation.indicators[2].score"]


def test_actual_or_tier_missing() -> None:
    d = evaluated()
    d.evaluation.indicators[3].actual = None
    d.evaluation.indicators[0].tier = None
    findings = check_evaluation(d)
    assert fields_of(findings, "no_actual") == ["evaluation.indicators[3].actual"]
    assert fields_of(findings, "no_tier") == ["evaluation.indicators[0].tier"]
    d.evaluation.indicators[3].not_applicable = True
    assert fields_of(check_evaluation(d), "no_actual") == []


def test_deviation_needed_below_target() -> None:
    d = evaluated()
    d.evaluation.indicators[3].actual = "90%"  # below 94.90%: scored below the weight
    assert fields_of(check_evaluation(d), "deviation") == ["evaluation.indicators[3].deviation"]
    d.evaluation.indicators[3].deviation = "回访样本中投诉件占比上升，下一年加强回访质检。"
    assert fields_of(check_evaluation(d), "deviation") == []


def test_over_achievement() -> None:
    d = evaluated()
    d.evaluation.indicators[4].actual = "3秒"  # far below the 8 秒 asked for
    findings = check_evaluation(d)
    assert fields_of(findings, "over_achieved") == ["evaluation.indicators[4].actual"]
    assert fields_of(findings, "deviation") == ["evaluation.indicators[4].deviation"]


def test_execution_rate_below_90_needs_deviation() -> None:
    d = evaluated()
    d.evaluation.spent = D(100000000)
    (f,) = [f for f in check_evaluation(d) if f.code == "deviation_budget"]
    assert f.level == "error" and "75%" in f.message
    d.evaluation.budget_deviation = "进博会话务外包合同年中签订，部分费用顺延至下年支付。"
    assert "deviation_budget" not in codes(check_evaluation(d))


def test_funds_rows_must_add_up() -> None:
    d = evaluated()
    ev = d.evaluation
    ev.funds = Funds(
        appropriation=FundRow(D(133340000), D(133340000), D(129000000)),
        carried_over=FundRow(None, None, D(1000000)),
    )
    assert "funds_sum" not in codes(check_evaluation(d))
    ev.funds.carried_over = FundRow(None, None, D(2000000))
    (f,) = [f for f in check_evaluation(d) if f.code == "funds_sum"]
    assert f.field == "evaluation.funds" and "全年执行数" in f.message
    # The same words as the 运行监控表's (one check for both forms), this form's labels.
    assert f.message == (
        "“年度资金总额”的“全年执行数”为 130,000,000.00 元，"
        "而其中各项资金合计 131,000,000.00 元，两者不符。"
    )
    ev.funds.carried_over = FundRow(D(1), None, D(1000000))
    (f,) = [f for f in check_evaluation(d) if f.code == "funds_sum"]
    assert "“年初预算数”为 133,340,000.00 元，而其中各项资金合计 133,340,001.00 元" in f.message


def test_indicators_differ_from_declaration() -> None:
    d = evaluated()
    d.evaluation.indicators[3].target = "≥95%"
    d.evaluation.indicators[5].name = "服务水平排名"
    findings = check_evaluation(d)
    assert fields_of(findings, "target_changed") == ["evaluation.indicators[3].target"]
    assert fields_of(findings, "not_declared") == ["evaluation.indicators[5].name"]
    assert [f.message for f in findings if f.code == "not_evaluated"] == [
        "申报表的绩效指标“服务水平”未出现在自评表中。"
    ]


def test_stated_score_differs_from_rules() -> None:
    d = evaluated()
    d.evaluation.indicators[3].score_override = D(10)
    d.evaluation.indicators[3].override_reason = "导入表中得分"
    (f,) = [f for f in check_evaluation(d) if f.code == "score_differs"]
    assert f.level == "warning" and "15" in f.message
    d.evaluation.indicators[3].override_reason = None
    assert "override_reason" in codes(check_evaluation(d), "error")


def test_checks_do_not_change_the_record() -> None:
    d = evaluated()
    before = copy.deepcopy(d)
    check_declaration(d, seed())
    check_evaluation(d)
    assert d == before


# ---------------------------------------------------------------------------- frameworks
def test_frameworks() -> None:
    sh, nat = FRAMEWORKS["sh2019"], FRAMEWORKS["national"]
    assert sh.categories == ("投入和管理目标", "产出目标", "效果目标", "影响力目标")
    assert sh.subcategories("产出目标") == ()
    assert sh.output_category == "产出目标" and nat.output_category == "产出指标"
    assert nat.subcategories("产出指标") == ("数量指标", "质量指标", "时效指标", "成本指标")
    assert nat.subcategories("满意度指标") == ("服务对象满意度指标",)
    assert nat.category_weights() == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert nat.budget_weight == 10
    assert sum(sh.category_weights().values()) == 90
    assert sh.match_category("投入与管理目标") == "投入和管理目标"
    assert nat.match_category("效益 指标") == "效益指标"
    assert nat.category_of_subcategory("社会效益") == "效益指标"


def test_guess_framework() -> None:
    assert guess_framework(seed().indicators) == "sh2019"
    national = [
        Indicator("产出指标", "数量指标", "a", "1"),
        Indicator("效益指标", "社会效益指标", "b", "1"),
    ]
    assert guess_framework(national) == "national"
    assert guess_framework([Indicator(None, "数量指标", "a", "1")]) == "national"
    assert guess_framework([]) == "sh2019"


def test_zero_target_needs_no_unit() -> None:
    d = seed()
    d.indicators[3].target = "零投诉"
    assert not [f for f in check_declaration(d) if f.field == "indicators[3].target"]
