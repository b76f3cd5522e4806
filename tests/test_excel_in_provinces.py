"""Forms of other provinces (tests/provinces.py, built by tests/make_provinces.py) and the
rules of the form model they exercise: a label is never a value, values under header rows,
blank values stay blank, money rows under a block, the year on a row of its own.

Only the ``seen`` part of the corpus is read here; the held-out part is measured by
tests/measure_provinces.py and reported in the README, never developed against.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfdesk.excel.reader import read_workbook
from perfdesk.excel.sheet import ALL_LABELS, ROLE_INDEX, label_base
from perfdesk.excel.values import norm
from perfdesk.models.errors import InputError
from tests.measure_provinces import DATA, score_file
from tests.provinces import FORMS

SEEN = sorted((DATA / "seen").glob("*.xls*"))


@pytest.mark.parametrize("path", SEEN, ids=lambda p: p.name)
def test_seen_provinces_read_right(path: Path) -> None:
    score = score_file(path)
    assert score.wrong == []
    assert score.file_right


def _texts(obj: object) -> list[str]:
    """Every text a record holds (fields, indicators, evaluation), for the label check."""
    out: list[str] = []
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            out += _texts(x)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            out += _texts(getattr(obj, name))
    return out


@pytest.mark.parametrize("path", SEEN, ids=lambda p: p.name)
def test_no_label_is_stored_as_a_value(path: Path) -> None:
    if any(f.key == path.name.split("__")[0] and f.expect.get("refused") for f in FORMS):
        return  # refused (鄂州: no unit anywhere), checked below
    result = read_workbook(path.read_bytes(), path.name)
    for form in result.forms:
        for text in _texts(form.declaration):
            base = label_base(norm(text))[0]
            assert base not in ALL_LABELS and base not in ROLE_INDEX, (path.name, text)


def test_a_schedule_table_beside_a_label_is_not_its_value() -> None:
    """宁乡: 项目实施进度计划 | 项目实施内容 | 开始时间 | 完成时间 over two rows of a schedule.
    The schedule's headers are not the plan, nor its years the project's dates: the plan
    stays empty, the import says so, and names the header it did not take."""
    path = DATA / "seen" / "hunan_ningxiang_2021_decl__plain.xlsx"
    form = read_workbook(path.read_bytes(), path.name).forms[0]
    d = form.declaration
    assert d.plan is None
    # The dates are 项目起止时间's 2021年, not the schedule's 2016–2020.
    assert (d.start_date, d.end_date) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert "项目实施计划" in form.empty_fields
    assert any("项目实施内容" in w and "B16" in w for w in form.warnings), form.warnings
    assert any("没有填写" in w and "“项目实施计划”（A16）" in w for w in form.warnings)


# ---------------------------------------------------------------- the rules, one at a time


def book(rows: list[list[object]], merges: tuple[str, ...] = (), title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEAD = [
    ["项目支出绩效目标表"],
    ["2021年"],
    ["项目名称", "农村公路养护"],
    ["实施单位", "某县交通运输局"],
]
TABLE = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "养护里程", "≧120公里"],
]


def read_one(rows: list[list[object]], merges: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    result = read_workbook(book(rows, merges), "form.xlsx")
    assert len(result.forms) == 1
    return result.forms[0]


def test_year_on_a_row_of_its_own_under_the_title() -> None:
    form = read_one([*HEAD, *TABLE])
    assert form.declaration.year == 2021


def test_two_row_header_goals() -> None:
    rows = [
        *HEAD,
        ["总体目标", "中长期目标", "年度目标"],
        ["", "三年内完成全县养护", "完成120公里"],
        *TABLE,
    ]
    form = read_one(rows, ("A5:A6",))
    d = form.declaration
    assert (d.overall_goal, d.annual_goal) == ("三年内完成全县养护", "完成120公里")


def test_unknown_header_is_not_a_value_and_is_reported() -> None:
    """总体目标 | 阶段性目标 | 年度目标: 阶段性目标 is a header the dictionary does not know;
    it is not stored as the goal, and the warning names the cell."""
    rows = [
        *HEAD,
        ["总体目标", "阶段性目标", "年度目标"],
        ["", "三年内完成", "完成120公里"],
        *TABLE,
    ]
    form = read_one(rows, ("A5:A6",))
    assert form.declaration.overall_goal is None
    assert form.declaration.annual_goal == "完成120公里"
    assert any("B5" in w and "阶段性目标" in w for w in form.warnings), form.warnings


def test_blank_value_beside_its_label_stays_blank() -> None:
    """立项依据 left blank, 项目设立必要性 below it: the next row's label is never the value;
    项目当年预算 blank over 其中：财政拨款 | 100 is blank, and the file is not refused."""
    rows = [*HEAD, ["立项依据", ""], ["项目设立必要性", "道路老化"], ["项目当年预算（万元）", ""],
            ["其中：财政拨款", 100], ["保障措施说明", "专人负责"], ["项目概况", ""],
            ["养护工作要求", "按规范"], *TABLE]  # fmt: skip
    d = read_one(rows).declaration
    assert d.basis is None
    assert d.necessity == "道路老化"
    assert d.year_budget is None
    assert d.overview is None  # 养护工作要求 | 按规范 is another row's label and value


def test_money_rows_under_a_block_label_in_wan_to_four_decimals() -> None:
    rows = [*HEAD, ["项目资金（万元）", "中期预算资金总额", 360.1234], ["", "年度预算资金总额", 120.0001],
            ["", "其中：财政资金", 100], ["", "财政专户管理资金", 0], ["", "单位资金", 20.0001],
            ["", "其他资金", ""], *TABLE]  # fmt: skip
    d = read_one(rows, ("A5:A10",)).declaration
    assert d.total_budget == Decimal("3601234.00")
    assert d.year_budget == Decimal("1200001.00")


def test_split_target_with_measure_unit_and_look_alike_sign() -> None:
    rows = [*HEAD, ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位"],
            ["产出指标", "数量指标", "养护里程", "≧", 120, "公里"],
            ["", "质量指标", "优良路率", "═", 100, "%"]]  # fmt: skip
    inds = read_one(rows).declaration.indicators
    assert [i.target for i in inds] == ["≥120公里", "=100%"]
    assert [i.category for i in inds] == ["产出指标", "产出指标"]


def test_look_alike_target_is_kept_as_written() -> None:
    d = read_one([*HEAD, *TABLE]).declaration
    assert d.indicators[0].target == "≧120公里"


def test_flat_list_total_row_and_categories_per_project() -> None:
    rows = [["单位名称", "项目名称", "预算数（万元）", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"],
            ["合计", "", 300, "", "", "", "", ""],
            ["某局", "甲项目", 100, "完成甲", "产出指标", "数量指标", "甲数量", "≥1个"],
            ["某局", "乙项目", 200, "完成乙", "", "质量指标", "乙质量", "≥90%"]]  # fmt: skip
    result = read_workbook(book(rows), "2022年清单.xlsx")
    by_name = {f.declaration.name: f.declaration for f in result.forms}
    assert sorted(by_name) == ["乙项目", "甲项目"]
    a, b = by_name["甲项目"], by_name["乙项目"]
    assert (a.year_budget, a.annual_goal) == (Decimal(1000000), "完成甲")
    assert (b.year_budget, b.annual_goal) == (Decimal(2000000), "完成乙")
    assert b.indicators[0].category is None  # not 甲项目's 产出指标


def test_a_name_shaped_like_a_label_beside_its_label_is_the_value() -> None:
    """农村公路养护资金 ends like a label (…资金) and has more cells after it; in a row of
    label/value pairs it is the project's name all the same."""
    rows = [["项目支出绩效目标表"], ["2021年"], ["项目名称", "农村公路养护资金", "实施单位", "某县交通运输局"],
            *TABLE]  # fmt: skip
    form = read_one(rows)
    assert form.declaration.name == "农村公路养护资金"
    assert not any("像是另一栏目" in w for w in form.warnings)


def test_medium_term_and_annual_goal_headers() -> None:
    """中期目标 | 年度目标 with the texts below: the header word is never the goal."""
    rows = [
        *HEAD,
        ["总体目标", "中期目标", "年度目标"],
        ["", "三年完成全县", "当年完成120公里"],
        *TABLE,
    ]
    d = read_one(rows, ("A5:A6",)).declaration
    assert (d.overall_goal, d.annual_goal) == ("三年完成全县", "当年完成120公里")


# ---------------------------------------------------------------- rules the first held-out round exposed


def _eval_rows(supervisor_label: str) -> list[list[object]]:
    """A county 自评表 (衡山's layout): the money block has no 年初预算数 column."""
    return [
        ["2020年度县级专项资金绩效目标自评表"],
        ["专项资金名称", "县级储备粮", "实施单位", "粮食股"],
        [supervisor_label, "某县商务局", "", ""],
        ["项目资金（万元）", "", "全年预算数（A）", "全年执行数（B）", "执行率（B/A）"],
        ["", "年度资金总额", 194.9, 150, "77%"],
        ["", "其他资金", "", "", ""],
        ["年度总体目标", "年初设定目标", "", "全年实际完成情况"],
        ["", "保持储备", "", "规模达标"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值"],
        ["", "产出指标", "数量指标", "储备到位率", "100%", "100%"],
    ]


@pytest.mark.parametrize("label", ["县级主管部门", "市级主管部门", "业务主管部门"])
def test_supervisor_label_with_its_level(label: str) -> None:
    form = read_one(_eval_rows(label), ("A4:A6",))
    ev = form.declaration.evaluation
    assert ev is not None
    assert ev.supervisor == "某县商务局"


def test_money_block_without_initial_budget() -> None:
    """全年预算数（A） | 全年执行数（B） | 执行率（B/A）, no 年初预算数: the block is read, the
    initial budget stays empty, and the stated 77% (computed 76.96%) is checked."""
    form = read_one(_eval_rows("县级主管部门"), ("A4:A6",))
    ev = form.declaration.evaluation
    assert ev is not None
    assert (ev.budget_initial, ev.budget_adjusted, ev.spent) == (
        None,
        Decimal("1949000.00"),
        Decimal("1500000.00"),
    )
    assert any("执行率 77.00%" in w for w in form.warnings), form.warnings


def test_second_level_header_merged_over_two_columns() -> None:
    """鄂州: 一级指标 | 二级指标 (merged over two columns) | 绩效标准 | 当年预期实现值 — the
    subcategory is in the first column under it, the indicator's name in the second."""
    rows = [
        ["某局2022年项目支出绩效目标表"],
        ["项目名称", "办公大楼运行保障", "", "实施单位", "某局"],
        ["一级指标", "二级指标", "", "绩效标准", "当年预期实现值"],
        ["产出指标", "数量指标", "日常维修维护次数", "反映全年维修维护情况", "2280次"],
        ["", "", "安检巡察次数", "反映保卫巡检情况", "200次"],
        ["", "质量指标", "维修验收合格率", "反映维修质量", ">92%"],
    ]
    d = read_one(rows, ("B3:C3", "A4:A6", "B4:B5")).declaration
    assert [(i.category, i.subcategory, i.name, i.target) for i in d.indicators] == [
        ("产出指标", "数量指标", "日常维修维护次数", "2280次"),
        ("产出指标", "数量指标", "安检巡察次数", "200次"),
        ("产出指标", "质量指标", "维修验收合格率", ">92%"),
    ]


def test_unit_named_only_in_the_title() -> None:
    """No unit label: a title starting with a body's name (…局2023年…) names the unit, and the
    import says where it took it from."""
    rows = [["某县农业农村局2023年项目支出绩效目标表"], ["项目名称", "耕地保护"], *TABLE]
    form = read_one(rows)
    assert (form.declaration.unit, form.declaration.year) == ("某县农业农村局", 2023)
    assert any("取自标题" in w and "A1" in w for w in form.warnings), form.warnings


def test_no_unit_anywhere_is_refused_naming_the_sheet() -> None:
    """鄂州: 鄂州市2022年… names a city, not a unit, and no cell names one: refused."""
    path = DATA / "seen" / "hubei_ezhou_2022_decl__plain.xlsx"
    with pytest.raises(InputError) as e:
        read_workbook(path.read_bytes(), path.name)
    msg = str(e.value)
    assert "工作表“Sheet1”" in msg and "单位" in msg
    assert msg.count("。") == 1


def test_bracketed_alternative_in_a_label() -> None:
    """部门（单位）名称: the bracketed word is an alternative; 单位名称 is the label."""
    rows = [["项目支出绩效目标表"], ["（2023年度）"], ["部门（单位）名称", "某局"],
            ["项目名称", "宗教管理经费补助"], *TABLE]  # fmt: skip
    assert read_one(rows).declaration.unit == "某局"


def test_targets_per_region_stay_empty_and_are_reported() -> None:
    """区域目标值 over one column per region: no column is the indicator's target, so none is
    taken, and the import says so naming the header."""
    rows = [["项目支出绩效目标表"], ["（2023年度）"], ["单位名称", "某局"], ["项目名称", "补助"],
            ["一级指标", "二级指标", "三级指标", "区域目标值", ""],
            ["", "", "", "甲县", "乙县"],
            ["产出指标", "数量指标", "补助县数量", 2, 3]]  # fmt: skip
    form = read_one(rows, ("A5:A6", "B5:B6", "C5:C6", "D5:E5"))
    assert [(i.name, i.target) for i in form.declaration.indicators] == [("补助县数量", None)]
    assert any("没有“指标值”列" in w and "区域目标值" in w and "D5" in w for w in form.warnings)


# ---------------------------------------------------------------- rules the round-3 held-out form exposed


def test_two_indicator_sets_side_by_side_take_the_years() -> None:
    """东莞: 一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 计划指标值 — the
    medium term's columns, then the year's: the year's are read, and the import says so."""
    rows = [["项目支出绩效目标表"], ["（2019年度）"], ["预算单位：某局"], ["项目名称", "道路改造"],
            ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "计划指标值"],
            ["产出指标", "数量指标", "三年改造里程", "169公里", "数量指标", "当年结算项目数", 3],
            ["", "时效指标（工期指标）", "总工期", "3年", "时效指标", "支付及时性", "及时"]]  # fmt: skip
    form = read_one(rows)
    inds = form.declaration.indicators
    assert [(i.category, i.subcategory, i.name, i.target) for i in inds] == [
        ("产出指标", "数量指标", "当年结算项目数", "3"),
        ("产出指标", "时效指标", "支付及时性", "及时"),
    ]
    assert any("两组指标" in w and "E5" in w for w in form.warnings), form.warnings


def test_header_with_a_bracketed_period_is_not_a_value() -> None:
    """总体目标 | 阶段目标（2019年--2021年） | 年度目标: an unknown header with a note in brackets
    is still a header, never the goal."""
    rows = [*HEAD, ["总体目标", "阶段目标（2019年--2021年）", "年度目标"],
            ["", "三年改造169公里", "当年结算"], *TABLE]  # fmt: skip
    d = read_one(rows, ("A5:A6",)).declaration
    assert d.overall_goal is None
    assert d.annual_goal == "当年结算"
