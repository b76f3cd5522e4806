"""The target parser reads every example of forms.md and the seed as a careful reader would."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdesk.models.targets import (
    ParsedTarget,
    Quantity,
    cn_to_int,
    extract_goal_targets,
    join_split_target,
    lower_is_better,
    parse_quantities,
    parse_quantity,
    parse_target,
    split_target,
    to_common_unit,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "direction", "source", "value", "unit"),
    [
        ("≥88%", "≥", "sign", "88", "%"),
        ("≤0.3%", "≤", "sign", "0.3", "%"),
        ("不低于90%", "≥", "word", "90", "%"),
        ("控制在5%以内", "≤", "word", "5", "%"),
        ("94.90%", None, "default", "94.90", "%"),
        ("平均接通时长8秒", "≤", "name", "8", "秒"),
        (">=90%", "≥", "sign", "90", "%"),
        ("<=5秒", "≤", "sign", "5", "秒"),
        ("＞＝９０％", "≥", "sign", "90", "%"),
        ("＜＝３０分钟", "≤", "sign", "30", "分钟"),
        ("≥ 90 %", "≥", "sign", "90", "%"),
        ("≧95％", "≥", "sign", "95", "%"),
        ("不少于100人", "≥", "word", "100", "人"),
        ("90%以上", "≥", "word", "90", "%"),
        ("至少3次", "≥", "word", "3", "次"),
        ("不高于2%", "≤", "word", "2", "%"),
        ("不超过10万元", "≤", "word", "10", "万元"),
        ("5%以内", "≤", "word", "5", "%"),
        ("5天以下", "≤", "word", "5", "天"),
        ("30个工作日内", "≤", "word", "30", "工作日"),
        ("=100%", "=", "sign", "100", "%"),
        ("100%", None, "default", "100", "%"),
        ("1,234件", None, "default", "1234", "件"),
        ("不少于三个", "≥", "word", "3", "个"),
        ("一百", None, "default", "100", None),
        ("≥95%（2018年为93%）", "≥", "sign", "95", "%"),
        ("热线接能率 $\\geq 88\\%$ （年）", "≥", "sign", "88", "%"),
        ("≥90", "≥", "sign", "90", None),
        ("1.2亿元", None, "default", "1.2", "亿元"),
        ("5千万元", None, "default", "5000", "万元"),
        ("服务人次达到50万人次", "≥", "word", "500000", "人次"),
    ],
)
def test_quantitative_targets(
    text: str, direction: str | None, source: str, value: str, unit: str | None
) -> None:
    p = parse_target(text)
    assert p.kind == "quantitative"
    assert p.direction == direction
    assert p.direction_source == source
    assert p.value == D(value)
    assert p.unit == unit
    assert p.text == text


def test_no_direction_is_higher_is_better_by_default() -> None:
    p = parse_target("94.90%", "12345热线回访市民满意度")
    assert p.direction is None and p.direction_source == "default"
    assert p.better == "higher"
    assert "越高越好" in p.explain()


def test_lower_is_better_by_word_in_target() -> None:
    p = parse_target("平均接通时长8秒")
    assert p.better == "lower"
    assert p.explain() == "越低越好（按指标名称“平均接通时长”推定）：8 秒"


@pytest.mark.parametrize(
    "name",
    ["项目成本", "培训费用", "平均通话时长", "审批耗时", "有责投诉率", "差错率", "有责退单率",
     "安全事故次数", "火灾发生率", "不合格率"],
)  # fmt: skip
def test_lower_is_better_names(name: str) -> None:
    assert lower_is_better(name)
    p = parse_target("5", name)
    assert p.direction == "≤" and p.direction_source == "name"
    assert name in p.explain()


@pytest.mark.parametrize(
    "name", ["成本节约率", "投诉处理率", "事故处理率", "市民满意度", "合格率", "热线接能率", None]
)
def test_not_lower_is_better_names(name: str | None) -> None:
    assert not lower_is_better(name)
    assert parse_target("90%", name).direction is None


def test_sign_wins_over_name() -> None:
    p = parse_target("≥5%", "成本")
    assert p.direction == "≥" and p.direction_source == "sign"


def test_compound_target_has_two_parts() -> None:
    p = parse_target("接听电话379.8万个，网站和手机受理28.1万件")
    assert p.kind == "compound"
    assert p.value is None and p.direction is None
    assert [(q.value, q.unit, q.label) for q in p.parts] == [
        (D(3798000), "个", "接听电话"),
        (D(281000), "件", "网站和手机受理"),
    ]
    assert "复合目标" in p.explain() and "3,798,000 个" in p.explain()
    assert p.compare_value("380万个") is None  # scored per part, never guessed


@pytest.mark.parametrize(
    "text", ["规范、安全、高效", "合理、有效", "好", "达到预期", "2019年12月底前完成"]
)
def test_qualitative_targets(text: str) -> None:
    p = parse_target(text)
    assert p.kind == "qualitative"
    assert p.value is None and p.direction is None
    assert text in p.explain()


@pytest.mark.parametrize(
    ("text", "value"),
    [("全国排名第二", 2), ("服务质量佳，全国排名第二", 2), ("前三名", 3), ("全市第一", 1),
     ("排名前10位", 10), ("位列全国第十二", 12)],
)  # fmt: skip
def test_rank_targets(text: str, value: int) -> None:
    p = parse_target(text)
    assert p.kind == "rank"
    assert p.value == value and p.better == "lower"
    assert p.reached("全国第一") is True
    assert p.reached(f"第{value + 1}名") is False


def test_ordinals_that_are_not_ranks() -> None:
    assert parse_target("完成第一批试点").kind == "qualitative"
    assert parse_target("一次性解答率≥45%").value == D(45)


@pytest.mark.parametrize(
    "text", [None, "", "   ", "？？", "≥", "%", "≥≥≥%%%", "第", "1e999999", "9" * 500, "\x00"]
)
def test_unreadable_is_qualitative_not_an_error(text: str | None) -> None:
    p = parse_target(text)
    assert isinstance(p, ParsedTarget)
    assert p.kind in ("qualitative", "quantitative")
    assert isinstance(p.explain(), str)


# The seed's 分解目标 table, as a careful reader reads it.
SEED_ROWS = [
    ("热线工作的规范性和安全性", "规范、安全、高效", "qualitative", None, None, None),
    ("热线经费使用的合理性和有效性", "合理、有效", "qualitative", None, None, None),
    ("全年12345热线平台受理量", "接听电话379.8万个，网站和手机受理28.1万件", "compound",
     None, None, None),
    ("12345热线回访市民满意度", "94.90%", "quantitative", None, "94.90", "%"),
    ("接通情况", "接通时长达到国家标准，平均接通时长8秒", "quantitative", "≤", "8", "秒"),
    ("服务水平", "服务质量佳，全国排名第二", "rank", "≤", "2", "名"),
    (
        "12345热线的知晓度在逐渐提升，市民的满意度也逐年提高。",
        "上海12345热线的软件和硬件水平在全国同行业中仅次于北京。12345热线成为上海的一张“名片”。",
        "qualitative", None, None, None,
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "target", "kind", "direction", "value", "unit"), SEED_ROWS)
def test_seed_indicator_targets(
    name: str, target: str, kind: str, direction: str | None, value: str | None, unit: str | None
) -> None:
    p = parse_target(target, name)
    assert p.kind == kind
    assert p.direction == direction
    assert p.value == (D(value) if value else None)
    assert p.unit == unit


def test_seed_time_target_is_read_in_its_own_clause() -> None:
    # 达到 belongs to the first clause (国家标准), not to the 8 秒.
    p = parse_target("接通时长达到国家标准，平均接通时长8秒", "接通情况")
    assert p.direction_source == "name"
    assert p.reached("7秒") is True and p.reached("9秒") is False


SEED_GOAL = (
    "热线接能率 $\\geq 88\\%$ （年） 话务员一次性解答率 $\\geq 45\\%$ 话务员有责投诉率 "
    "$\\leq 0.3\\%$ 话务员有责退单率 $\\leq 7\\%$ 话务员电话回访量的比例 $\\geq 15\\%$"
)
SEED_GOAL_PLAIN = (
    "热线接能率≥88%（年） 话务员一次性解答率≥45% 话务员有责投诉率≤0.3% "
    "话务员有责退单率≤7% 话务员电话回访量的比例≥15%"
)
EXPECTED_GOALS = [
    ("热线接能率", "≥", D(88)),
    ("话务员一次性解答率", "≥", D(45)),
    ("话务员有责投诉率", "≤", D("0.3")),
    ("话务员有责退单率", "≤", D(7)),
    ("话务员电话回访量的比例", "≥", D(15)),
]


@pytest.mark.parametrize("text", [SEED_GOAL, SEED_GOAL_PLAIN])
def test_extract_goal_targets_from_seed(text: str) -> None:
    found = extract_goal_targets(text)
    assert [(n, p.direction, p.value) for n, p in found] == EXPECTED_GOALS
    assert all(p.unit == "%" for _, p in found)
    assert found[0][1].text == "≥88%（年）"


def test_extract_goal_targets_other_shapes() -> None:
    found = extract_goal_targets("1、办结率不低于95%；2、平均办理时长不超过5个工作日。")
    assert [(n, p.direction, p.value, p.unit) for n, p in found] == [
        ("办结率", "≥", D(95), "%"),
        ("平均办理时长", "≤", D(5), "工作日"),
    ]
    assert extract_goal_targets(None) == []
    assert extract_goal_targets("提升服务水平") == []


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("93.2%", "93.2", "%"), ("8秒", "8", "秒"), ("380万个", "3800000", "个"),
     ("0.25%", "0.25", "%"), ("1,234", "1234", None), ("９３．２％", "93.2", "%"),
     ("379.8万个", "3798000", "个"), ("12,345,678.5元", "12345678.5", "元"),
     ("全国第一", "1", "名"), ("平均7.5秒", "7.5", "秒"), ("1.5万人次", "15000", "人次")],
)  # fmt: skip
def test_parse_quantity(text: str, value: str, unit: str | None) -> None:
    assert parse_quantity(text) == Quantity(D(value), unit)


def test_parse_quantity_none_and_many() -> None:
    assert parse_quantity("已完成") is None
    assert parse_quantity(None) is None
    assert parse_quantity("12345热线") is None
    assert parse_quantity("接听电话380万个，网站和手机受理30万件") is None
    assert parse_quantities("接听电话380万个，网站和手机受理30万件") == [
        Quantity(D(3800000), "个"),
        Quantity(D(300000), "件"),
    ]


def test_to_common_unit() -> None:
    assert to_common_unit(Quantity(D("379.8"), None), Quantity(D(3798000), "个"))[2] == "个"
    # 0.98 against 98%: the fraction reading is the nearer one.
    a, b, unit = to_common_unit(Quantity(D("0.98"), None), Quantity(D(98), "%"))
    assert (a, b, unit) == (D(98), D(98), "%")
    # 0.25 against 0.3%: the percent reading is the nearer one.
    a, b, unit = to_common_unit(Quantity(D("0.25"), None), Quantity(D("0.3"), "%"))
    assert a == D("0.25")
    a, b, unit = to_common_unit(Quantity(D(1), "万元"), Quantity(D(9000), "元"))
    assert (a, b, unit) == (D(10000), D(9000), "元")
    a, b, unit = to_common_unit(Quantity(D(2), "分钟"), Quantity(D(90), "秒"))
    assert (a, b, unit) == (D(120), D(90), "秒")
    assert to_common_unit(Quantity(D(8), "秒"), Quantity(D(8), "个")) is None


def test_compare_value_and_ratio() -> None:
    t = parse_target("≥88%")
    assert t.compare_value("93.2%") == D("93.2")
    assert t.compare_value("0.932") == D("93.2")
    assert t.compare_value("9秒") is None
    assert t.reached("93.2%") is True
    assert t.ratio("44%") == D("0.5")
    low = parse_target("≤0.3%")
    assert low.compare_value("0.25%") == D("0.25")
    assert low.reached("0.6%") is False
    assert low.ratio("0.6%") == D("0.5")
    assert low.ratio("0%") == 1  # reached, no division by zero
    assert low.beyond("0.15%") == D("0.5")
    assert t.beyond("80%") == 0
    assert parse_target("≥100万元").compare_value("1,200,000元") == D(120)
    assert parse_target("≥379.8万个").compare_value("380万个") == D(3800000)
    assert parse_target("≤1小时").compare_value("30分钟") == D("0.5")
    eq = parse_target("=100%")
    assert eq.reached("100%") is True and eq.reached("98%") is False
    assert eq.ratio("98%") == D("0.98")
    assert parse_target("规范、安全、高效").compare_value("达成") is None


def test_user_direction_override() -> None:
    p = parse_target("94.90%").with_direction("≤")
    assert p.direction == "≤" and p.direction_source == "user"
    assert "用户指定" in p.explain()
    assert parse_target("好").with_direction("≥").kind == "qualitative"
    q = parse_target("≥1")
    assert q.with_direction(None) is q


@pytest.mark.parametrize(
    ("cols", "joined"),
    [(("≥", "90", "%"), "≥90%"), (("定性", "好", ""), "好"), (("≤", 0.3, "%"), "≤0.3%"),
     ((">=", 90.0, "%"), "≥90%"), (("＝", 100, "%"), "=100%"), (("", "94.90", "%"), "94.90%"),
     (("≥", Decimal("5"), "个工作日"), "≥5个工作日"), ((None, None, None), None),
     (("大于等于", "3", "次"), "≥3次"), (("定性", "达到预期", None), "达到预期")],
)  # fmt: skip
def test_join_split_target(cols: tuple[object, object, object], joined: str | None) -> None:
    assert join_split_target(*cols) == joined


@pytest.mark.parametrize(
    "target",
    ["≥90%", "≤0.3%", "=100%", "94.90%", "好", "规范、安全、高效", "不低于90%",
     "接听电话379.8万个，网站和手机受理28.1万件", "全国排名第二", "≥5个工作日"],
)  # fmt: skip
def test_split_then_join_gives_the_target_back(target: str) -> None:
    assert join_split_target(*split_target(target)) == target


def test_split_target_columns() -> None:
    assert split_target("≥90%") == ("≥", "90", "%")
    assert split_target("规范、安全、高效") == ("定性", "规范、安全、高效", "")
    assert split_target(None) == ("", "", "")


@pytest.mark.parametrize(
    ("text", "n"), [("二", 2), ("十二", 12), ("二十", 20), ("一百", 100), ("一百零五", 105),
                    ("三万", 30000), ("两千五百", 2500), ("x", None)],
)  # fmt: skip
def test_cn_to_int(text: str, n: int | None) -> None:
    assert cn_to_int(text) == n


# ---------------------------------------------------------------------------- robustness
_TARGET_CHARS = st.sampled_from(
    list("0123456789.,%％≥≤=<>＞＜＝ 万亿千百个件秒天第前名排一二三十")
    + list("以上下内不低于超过控制在率（）()，、；XZ")
)


@settings(max_examples=300, deadline=None)
@given(st.text(_TARGET_CHARS, max_size=40) | st.text(max_size=40))
def test_parse_never_raises(text: str) -> None:
    p = parse_target(text, text[:5])
    assert p.kind in ("quantitative", "qualitative", "compound", "rank")
    assert isinstance(p.explain(), str)
    assert (p.value is None) == (p.kind in ("qualitative", "compound"))
    for part in p.parts:
        assert part.kind == "quantitative" and part.value is not None
    parse_quantities(text)
    stripped = text.strip()
    if stripped:
        assert join_split_target(*split_target(stripped)) == stripped


def test_zero_targets_and_periods() -> None:
    p = parse_target("全年零事故")
    assert (p.kind, p.direction, p.value) == ("quantitative", "≤", 0)
    assert p.reached("0") is True and p.reached("1起") is False
    assert parse_target("1-12月").kind == "qualitative"  # a period, not two numbers
    q = parse_target("1-12月完成率≥90%")
    assert (q.kind, q.value, q.label) == ("quantitative", 90, "1-12月完成率")


def test_parse_target_results_are_shared_and_immutable() -> None:
    a = parse_target("≥88%", "热线接能率")
    assert parse_target("≥88%", "热线接能率") == a
    with pytest.raises(AttributeError):
        a.value = D(1)  # type: ignore[misc]


def test_extract_goal_targets_from_stored_seed() -> None:
    import json
    from pathlib import Path

    seed = json.loads((Path(__file__).parent / "data" / "seed.json").read_text(encoding="utf-8"))
    found = extract_goal_targets(seed["annual_goal"])
    assert [(n, p.direction, p.value) for n, p in found] == EXPECTED_GOALS
    rows = [parse_target(i["target"], i["name"]) for i in seed["indicators"]]
    assert [p.kind for p in rows] == [
        "qualitative", "qualitative", "compound", "quantitative", "quantitative", "rank",
        "qualitative",
    ]  # fmt: skip


# ---------------------------------------------------------------- look-alike signs (issue 14)

LOOK_ALIKES = [
    ("≧90%", "≥", "90"), ("≦5%", "≤", "5"), ("═100%", "=", "100"), ("＞＝90%", "≥", "90"),
    ("＜＝5%", "≤", "5"), ("＝100%", "=", "100"), (">=90%", "≥", "90"), ("<=3%", "≤", "3"),
    ("=>90%", "≥", "90"), ("≥=90%", "≥", "90"), ("≤=5%", "≤", "5"), ("≮90%", "≥", "90"),
    ("≯5%", "≤", "5"), ("〉=90%", "≥", "90"), ("﹥90%", "≥", "90"), ("⩾90%", "≥", "90"),
    ("大于或等于90%", "≥", "90"), ("小于或等于5%", "≤", "5"), ("= =100%", "=", "100"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "direction", "value"), LOOK_ALIKES)
def test_look_alike_signs_read_as_the_sign_and_the_text_is_kept(
    text: str, direction: str, value: str
) -> None:
    parsed = parse_target(text)
    assert (parsed.kind, parsed.direction, parsed.value, parsed.unit) == (
        "quantitative",
        direction,
        Decimal(value),
        "%",
    )
    assert parsed.text == text  # kept as written (forms.md)


@pytest.mark.parametrize(("text", "direction", "value"), LOOK_ALIKES)
def test_look_alike_signs_score_as_the_sign(text: str, direction: str, value: str) -> None:
    from perfdesk.models.records import EvalIndicator
    from perfdesk.models.scoring import score_indicator

    plain = f"{direction}{value}%"
    for actual in ("4%", "50%", f"{value}%", "97%"):
        got = score_indicator(
            EvalIndicator(None, None, name="指标", target=text, actual=actual), Decimal(10)
        )
        want = score_indicator(
            EvalIndicator(None, None, name="指标", target=plain, actual=actual), Decimal(10)
        )
        assert got.score == want.score, (text, actual)


@pytest.mark.parametrize(("nature", "joined"), [("≧", "≥90%"), ("═", "=90%"), (">=", "≥90%"),
                                                ("≦", "≤90%"), ("大于或等于", "≥90%")])  # fmt: skip
def test_look_alike_natures_join(nature: str, joined: str) -> None:
    assert join_split_target(nature, 90, "%") == joined
