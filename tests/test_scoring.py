"""The scoring rules (forms.md §2): a hand-computed corpus and one test per rule and edge."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfdesk.models.records import EvalIndicator, Evaluation
from perfdesk.models.scoring import (
    COMPOUND_BY_HAND,
    finalise_problems,
    grade_of,
    propose_weights,
    quantity_share,
    score_evaluation,
    split_evenly,
    split_proportionally,
)
from perfdesk.models.serialize import evaluation_from_dict, evaluation_to_dict, loads

DATA = Path(__file__).parent / "data" / "scoring"
CORPUS = sorted(DATA.glob("*.json"))
D = Decimal


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _load(path: Path) -> tuple[Evaluation, dict[str, Any], str]:
    case = loads(path.read_text(encoding="utf-8"))
    return evaluation_from_dict(case["evaluation"]), case["expected"], case["framework"]


def _ev(*indicators: EvalIndicator, adjusted: str = "100", spent: str = "100") -> Evaluation:
    return Evaluation(budget_adjusted=D(adjusted), spent=D(spent), indicators=list(indicators))


def _ind(
    category: str = "产出指标",
    target: str | None = "≥95%",
    actual: str | None = None,
    weight: str | None = "20",
    name: str = "指标",
    **kw: Any,
) -> EvalIndicator:
    return EvalIndicator(category, None, name, target, actual=actual, weight=_dec(weight), **kw)


# ---------------------------------------------------------------- the corpus


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 10


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_case(path: Path) -> None:
    ev, expected, framework = _load(path)
    sheet = score_evaluation(ev, framework)
    assert sheet.execution_rate == _dec(expected["execution_rate"])
    assert sheet.budget_score == _dec(expected["budget_score"])
    assert sheet.budget_needs_deviation is expected["budget_needs_deviation"]
    assert len(sheet.indicators) == len(expected["indicators"])
    for n, (got, want) in enumerate(zip(sheet.indicators, expected["indicators"], strict=True)):
        where = f"{path.stem} row {n + 1}: {got.explanation}"
        assert got.weight == _dec(want["weight"]), where
        assert got.computed == _dec(want["computed"]), where
        assert got.score == _dec(want["score"]), where
        assert got.needs_deviation is want["needs_deviation"], where
        if "over_achieved" in want:
            assert got.over_achieved is want["over_achieved"], where
        if "direction" in want:
            assert got.direction == want["direction"], where
    assert sheet.total == _dec(expected["total"])
    assert sheet.grade == expected["grade"]
    assert sheet.weights_total == _dec(expected["weights_total"])
    if "subtotal" in expected:
        assert sheet.subtotal == _dec(expected["subtotal"])
    # The printed column adds up: the total is the sum of the shown scores.
    if sheet.total is not None:
        shown = [i.score for i in sheet.indicators if not i.not_applicable]
        assert None not in shown and sheet.budget_score is not None
        assert sheet.total == sum((s for s in shown if s is not None), D(0)) + sheet.budget_score
    problems = finalise_problems(ev, framework)
    for text in expected.get("finalise_problems_contain", []):
        assert any(text in p for p in problems), problems


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_json_derived_values(path: Path) -> None:
    """serialize writes what scoring computed (total_score, grade, score, computed_score)."""
    ev, expected, framework = _load(path)
    out = json.loads(json.dumps(evaluation_to_dict(ev)))
    total = expected["total"]
    assert out["total_score"] == (None if total is None else pytest.approx(float(total), abs=1e-9))
    assert out["grade"] == expected["grade"]
    for row, want in zip(out["indicators"], expected["indicators"], strict=True):
        if want["score"] is None:
            assert row["score"] is None
        else:
            assert row["score"] == pytest.approx(float(want["score"]), abs=1e-9)


# ---------------------------------------------------------------- quantitative rules


def test_explanation_of_a_missed_target() -> None:
    sc = score_evaluation(_ev(_ind(actual="93.2%"))).indicators[0]
    assert sc.computed == D("19.62")
    assert sc.explanation == "实际 93.2% 未达目标 ≥95%，得分 = 20 × 93.2 ÷ 95 = 19.62"


@pytest.mark.parametrize(
    ("direction", "target", "actual", "share", "reached", "over"),
    [
        ("≥", "95", "96", "1", True, False),
        ("≥", "95", "93.2", str(D("93.2") / D(95)), False, False),
        ("≥", "100", "121", "1", True, True),  # more than 20% beyond
        ("≥", "100", "120", "1", True, False),  # exactly 20% is not "more than"
        ("≥", "0", "0", "1", True, False),  # ≥0 reached by 0, no scale for over
        ("≥", "0", "-3", "0", False, False),
        ("≥", "10", "0", "0", False, False),
        ("≤", "8", "10", "0.8", False, False),
        ("≤", "8", "6.4", "1", True, False),
        ("≤", "8", "6.3", "1", True, True),
        ("≤", "0", "0", "1", True, False),
        ("≤", "0", "2", "0", False, False),  # ≤0 missed: a ratio with 0 means nothing
        ("=", "100", "98", "0.98", False, False),
        ("=", "12", "15", "1", False, True),  # capped at the weight, flagged
        ("=", "0", "0", "1", True, False),
        ("=", "0", "1", "0", False, False),
    ],
)
def test_quantity_share(
    direction: str, target: str, actual: str, share: str, reached: bool, over: bool
) -> None:
    got = quantity_share(direction, D(target), D(actual))
    assert got.share == D(share)
    assert got.reached is reached
    assert got.over is over


def test_rank_is_never_over_achieved() -> None:
    assert quantity_share("≤", D(2), D(1), rank=True).over is False
    sc = score_evaluation(_ev(_ind(target="全国排名第二", actual="全国排名第四"))).indicators[0]
    assert sc.computed == D("10.00")  # 20 × 2 / 4


def test_lower_is_better_by_sign_and_word() -> None:
    a = score_evaluation(_ev(_ind(target="≤0.3%", actual="0.5%"))).indicators[0]
    assert a.computed == D("12.00")  # 20 × 0.3 / 0.5
    assert a.direction == "≤"
    b = score_evaluation(_ev(_ind(target="控制在5%以内", actual="4.5%"))).indicators[0]
    assert b.computed == D("20.00") and b.direction == "≤"


def test_missing_actual_gives_no_score() -> None:
    sc = score_evaluation(_ev(_ind(actual=None))).indicators[0]
    assert sc.computed is None and sc.score is None
    assert "未填写实际完成值" in sc.explanation


def test_actual_without_a_number() -> None:
    sc = score_evaluation(_ev(_ind(actual="基本完成"))).indicators[0]
    assert sc.computed is None
    assert "没有数值" in sc.explanation


def test_wan_ge_against_ge() -> None:
    sheet = score_evaluation(_ev(_ind(target="≥379.8万个", actual="3700000个")))
    sc = sheet.indicators[0]
    # 20 × 3,700,000 / 3,798,000 = 19.4839…
    assert sc.computed == D("19.48")
    assert "3,700,000" in sc.explanation


def test_fraction_against_percent() -> None:
    sc = score_evaluation(_ev(_ind(actual="0.932"))).indicators[0]
    assert sc.computed == D("19.62")
    assert "按小数计为 93.2%" in sc.explanation


def test_percent_written_without_sign_is_percent() -> None:
    sc = score_evaluation(_ev(_ind(actual="93.2"))).indicators[0]
    assert sc.computed == D("19.62")


def test_incompatible_units() -> None:
    sc = score_evaluation(_ev(_ind(target="≥100平方米", actual="80人"))).indicators[0]
    assert sc.computed is None
    assert "单位不一致" in sc.explanation


def test_compound_scored_per_part() -> None:
    target = "接听电话379.8万个，网站和手机受理28.1万件"
    sc = score_evaluation(
        _ev(_ind(target=target, actual="接听电话341.82万个，网站和手机受理28.1万件"))
    ).indicators[0]
    # parts: 341.82/379.8 = 0.9, 1 → mean 0.95 × 20 = 19
    assert sc.computed == D("19.00")
    assert sc.kind == "compound"


@pytest.mark.parametrize(
    "actual", ["共受理400万件", "接听电话370万次，网站和手机受理30万件", "接听电话370万，网站30万"]
)
def test_compound_never_guessed(actual: str) -> None:
    target = "接听电话379.8万个，网站和手机受理28.1万件"
    sc = score_evaluation(_ev(_ind(target=target, actual=actual))).indicators[0]
    assert sc.computed is None
    assert COMPOUND_BY_HAND in sc.explanation


def test_direction_correction_wins() -> None:
    up = score_evaluation(_ev(_ind(target="5%", actual="6%"))).indicators[0]
    assert up.computed == D("20.00") and up.direction == "≥"
    assert "按越高越好" in up.explanation
    down = score_evaluation(_ev(_ind(target="5%", actual="6%", direction="≤"))).indicators[0]
    assert down.computed == D("16.67") and down.direction == "≤"


# ---------------------------------------------------------------- qualitative


@pytest.mark.parametrize(
    ("tier", "pick", "score", "flagged"),
    [
        ("达成", None, "20.00", False),
        ("达成", "16", "16", False),
        ("部分达成", None, "16.00", False),
        ("部分达成", "12", "12", False),
        ("未达成", None, "12.00", False),
        ("未达成", "0", "0", False),
        ("达成", "15", "16.00", True),  # below the tier: kept inside it and flagged
        ("未达成", "13", "12.00", True),
    ],
)
def test_qualitative_tiers(tier: str, pick: str | None, score: str, flagged: bool) -> None:
    ev = _ev(_ind(target="规范、安全、高效", tier=tier, tier_score=_dec(pick)))
    sheet = score_evaluation(ev)
    assert sheet.indicators[0].computed == D(score)
    assert bool(sheet.problems) is flagged
    assert any("不在" in p for p in finalise_problems(ev)) is flagged


def test_qualitative_without_tier() -> None:
    ev = _ev(_ind(target="规范、安全、高效", actual="已规范"))
    sc = score_evaluation(ev).indicators[0]
    assert sc.computed is None and "请选择达成档次" in sc.explanation
    assert any("未选择达成档次" in p for p in finalise_problems(ev))


# ---------------------------------------------------------------- weights


def test_national_defaults_split_what_is_left_of_a_category() -> None:
    ev = _ev(
        _ind("产出指标", weight="20", actual="96%"),
        _ind("产出指标", weight=None, actual="96%"),
        _ind("产出指标", weight=None, actual="96%"),
        _ind("效益指标", weight=None, actual="96%"),
        _ind("满意度指标", weight=None, actual="96%"),
    )
    sheet = score_evaluation(ev, "national")
    assert [i.weight for i in sheet.indicators] == [D(20), D(15), D(15), D(30), D(10)]
    assert sheet.weights_total == 100
    assert sheet.total == 100


def test_national_explicit_weights_beyond_the_category_pool() -> None:
    # Only 产出 present: its pool is all 90 indicator points; 95 set by hand is beyond it.
    ev = _ev(_ind("产出指标", weight="95", actual="96%"), _ind("产出指标", weight=None))
    sheet = score_evaluation(ev, "national")
    assert sheet.indicators[1].weight == 0
    assert any("超过该类默认分值" in p for p in sheet.problems)


def test_national_unknown_category_needs_a_weight() -> None:
    ev = _ev(_ind("其他指标", weight=None, actual="96%"))
    sheet = score_evaluation(ev, "national")
    assert sheet.indicators[0].weight is None
    assert sheet.indicators[0].computed is None
    assert any("没有默认分值" in p for p in finalise_problems(ev, "national"))


def test_propose_weights_sh2019_ignores_set_weights() -> None:
    ev = _ev(
        _ind("投入和管理目标", weight="5"),
        _ind("产出目标"),
        _ind("产出目标"),
        _ind("产出目标"),
        _ind("效果目标"),
    )
    # 90 / 3 categories = 30; 产出 30 / 3 = 10 each
    assert propose_weights(ev, "sh2019") == [D(30), D(10), D(10), D(10), D(30)]


def test_sh2019_weights_must_be_confirmed() -> None:
    ev = _ev(_ind("产出目标", weight=None, actual="96%"))
    assert any("上海 2019 版" in p for p in finalise_problems(ev, "sh2019"))
    ev.indicators[0].weight = D(90)
    assert finalise_problems(ev, "sh2019") == []


def test_framework_inferred_from_categories() -> None:
    assert score_evaluation(_ev(_ind("产出指标"))).framework == "national"
    assert score_evaluation(_ev(_ind("产出目标"))).framework == "sh2019"


def test_split_evenly_adds_up() -> None:
    assert split_evenly(D(50), 3) == [D("16.67"), D("16.67"), D("16.66")]
    assert sum(split_evenly(D(90), 7)) == 90
    assert split_evenly(D(10), 0) == []


def test_split_proportionally_adds_up() -> None:
    parts = split_proportionally(D(90), [D(10), D(20), D(40)])
    assert parts == [D("12.86"), D("25.71"), D("51.43")]
    assert sum(parts) == 90


# ---------------------------------------------------------------- not applicable


def test_not_applicable_left_out_of_finalise_checks() -> None:
    ev = _ev(
        _ind("产出指标", weight="80", target="≥10个", actual="10个"),
        _ind("满意度指标", weight="10", not_applicable=True),
    )
    sheet = score_evaluation(ev)
    assert sheet.indicators[0].weight == 90
    assert sheet.indicators[1].not_applicable and sheet.indicators[1].score is None
    assert sheet.total == 100
    assert finalise_problems(ev) == []


def test_all_rows_not_applicable_keeps_weights() -> None:
    ev = _ev(_ind(weight="90", not_applicable=True))
    sheet = score_evaluation(ev)
    assert sheet.total == 10  # only the budget row is left
    assert sheet.indicators[0].weight == 90


# ---------------------------------------------------------------- budget, total, grade


@pytest.mark.parametrize(
    ("adjusted", "spent", "rate", "score", "deviation"),
    [
        ("1000", "1000", "1", "10.00", False),
        ("1000", "900", "0.9", "9.00", False),
        ("1000", "899.99", "0.9", "9.00", True),  # 89.999% shows as 90.00% yet is below
        ("1000", "1200", "1.2", "10.00", False),  # capped at the weight
        ("3", "1", "0.3333", "3.33", True),
    ],
)
def test_budget_row(adjusted: str, spent: str, rate: str, score: str, deviation: bool) -> None:
    sheet = score_evaluation(_ev(adjusted=adjusted, spent=spent))
    assert sheet.execution_rate == D(rate)
    assert sheet.budget_score == D(score)
    assert sheet.budget_needs_deviation is deviation


def test_budget_row_not_computable() -> None:
    ev = Evaluation(budget_adjusted=D(0), spent=D(5))
    sheet = score_evaluation(ev)
    assert sheet.execution_rate is None and sheet.budget_score is None and sheet.total is None
    assert any("预算执行率" in p for p in finalise_problems(ev))


def test_budget_below_90_needs_a_deviation_text() -> None:
    ev = _ev(_ind(weight="90", target="≥1个", actual="1个"), spent="80")
    assert any("低于 90%" in p for p in finalise_problems(ev))


def test_spent_above_budget_is_reported() -> None:
    sheet = score_evaluation(_ev(spent="120"))
    assert any("执行数大于全年预算数" in p for p in sheet.problems)


@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"),
     ("60", "中"), ("59.99", "差"), ("0", "差")],
)  # fmt: skip
def test_grade_boundaries(total: str, grade: str) -> None:
    assert grade_of(D(total)) == grade


# ---------------------------------------------------------------- overrides and finalising


def test_override_keeps_computed_and_reason() -> None:
    ind = _ind(actual="93.2%", score_override=D("18"), override_reason="现场核查扣分")
    ev = _ev(ind)
    sc = score_evaluation(ev).indicators[0]
    assert sc.computed == D("19.62") and sc.score == D("18.00") and sc.overridden
    assert "现场核查扣分" in sc.explanation and "19.62" in sc.explanation
    out = evaluation_to_dict(ev)["indicators"][0]
    assert out["score"] == 18 and out["computed_score"] == 19.62
    assert out["override_reason"] == "现场核查扣分"


def test_override_above_weight_is_flagged() -> None:
    ev = _ev(_ind(actual="96%", score_override=D("25"), override_reason="加分"))
    assert any("高于分值" in p for p in finalise_problems(ev))


def test_override_without_reason_blocks_finalising() -> None:
    ev = _ev(_ind(actual="96%", weight="90", score_override=D("80")), adjusted="1", spent="1")
    problems = finalise_problems(ev)
    assert any("须写明理由" in p for p in problems)


def test_stated_score_equal_to_rules_is_not_an_override() -> None:
    data = {"indicators": [
        {"category": "产出指标", "name": "a", "target": "≥95%", "actual": "93.2%",
         "weight": 20, "score": 19.62},
        {"category": "产出指标", "name": "b", "target": "≥95%", "actual": "93.2%",
         "weight": 20, "score": 19},
    ]}  # fmt: skip
    ev = evaluation_from_dict(data)
    assert ev.indicators[0].score_override is None
    assert ev.indicators[1].score_override == 19
    assert ev.indicators[1].override_reason == "导入表中得分"


def test_finalise_clean_form() -> None:
    ev = _ev(
        _ind("产出指标", weight="50", target="≥10个", actual="10个"),
        _ind("效益指标", weight="30", target="≥10个", actual="9个", deviation="原因已说明。"),
        _ind("满意度指标", weight="10", target="满意", tier="达成"),
    )
    assert finalise_problems(ev) == []


def test_finalise_lists_every_missing_item() -> None:
    ev = _ev(
        _ind("产出指标", weight="50", target="≥10个", actual="9个"),
        _ind("效益指标", weight="30", target="≥10个"),
        _ind("满意度指标", weight="10", target="满意"),
    )
    problems = finalise_problems(ev)
    assert any("“指标”得分低于分值" in p for p in problems)
    assert any("未填写实际完成值" in p for p in problems)
    assert any("未选择达成档次" in p for p in problems)


def test_sh2019_category_spellings_are_one_category() -> None:
    ev = _ev(
        _ind("投入和管理目标", weight=None),
        _ind("投入与管理目标", weight=None),
        _ind("产出目标", weight=None),
    )
    # two categories: 45 each; 投入和管理 45 / 2 = 22.5
    assert propose_weights(ev, "sh2019") == [D("22.5"), D("22.5"), D(45)]


@pytest.mark.parametrize(
    ("spent", "text"),
    [
        ("932000", "执行率 = 932,000.00 ÷ 1,000,000.00 = 93.20%，得分 = 10 × 93.20% = 9.32"),
        ("1200000", "执行率 = 1,200,000.00 ÷ 1,000,000.00 = 120.00%，"
                    "超过 100% 按 100% 计，得满分 10"),
        ("850000", "执行率 = 850,000.00 ÷ 1,000,000.00 = 85.00%，"
                   "得分 = 10 × 85.00% = 8.50；低于 90%，须说明偏差原因"),
    ],
)  # fmt: skip
def test_budget_explanation(spent: str, text: str) -> None:
    assert score_evaluation(_ev(adjusted="1000000", spent=spent)).budget_explanation == text


def test_budget_explanation_when_not_computable() -> None:
    assert "无法计算" in score_evaluation(Evaluation()).budget_explanation


@pytest.mark.parametrize(
    ("score", "tier"),
    [("20", "达成"), ("16", "达成"), ("15.99", "部分达成"), ("12", "部分达成"),
     ("11.99", "未达成"), ("0", "未达成"), ("21", None), ("-1", None)],
)  # fmt: skip
def test_tier_for_score(score: str, tier: str | None) -> None:
    from perfdesk.models.scoring import tier_for_score

    assert tier_for_score(D(score), D(20)) == tier


def test_national_proposal_without_a_category_adds_up_to_100() -> None:
    """Issue 15: 按规则建议分值 on a form with no 效益指标 proposed weights totalling 70."""
    from perfdesk.models.scoring import propose_weights

    ev = _ev(
        _ind("产出指标", weight="20", actual="96%"),
        _ind("效益指标", weight="20", actual="96%"),
        _ind("满意度指标", weight="20", actual="96%"),
    )
    assert sum(propose_weights(ev, "national")) + ev.budget_weight == 100
    only_output = _ev(_ind("产出指标", weight=None, actual="96%"), _ind("满意度指标", weight=None))
    weights = propose_weights(only_output, "national")
    assert weights == [D(75), D(15)]
    assert sum(weights) + only_output.budget_weight == 100


def test_a_total_above_100_has_no_grade() -> None:
    from perfdesk.models.scoring import grade_of

    assert grade_of(D(100)) == "优"
    assert grade_of(D("100.01")) is None
