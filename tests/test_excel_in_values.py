"""Excel in: one cell's value read as the form means it, and small in-memory sheets."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from perfdesk.excel.reader import read_workbook
from perfdesk.excel.values import (
    norm,
    parse_amount,
    parse_choices,
    parse_date,
    parse_number,
    parse_year,
    split_unit,
    unit_factor,
    year_in_name,
    year_in_title,
)
from perfdesk.models.errors import InputError
from perfdesk.models.records import FUND_USES, PROJECT_TYPES


@pytest.mark.parametrize(
    ("value", "unit", "want"),
    [
        (133340000, None, "133340000.00"),
        (1234.56, None, "1234.56"),
        ("133,340,000", None, "133340000.00"),
        ("１３３，３４０，０００", None, "133340000.00"),
        ("13334万元", None, "133340000.00"),
        ("1.3334亿元", None, "133340000.00"),
        ("1.2亿", None, "120000000.00"),
        ("￥1,000.5元", None, "1000.50"),
        (13334, "万元", "133340000.00"),
        (1.23456, "万元", "12345.60"),  # not rounded to the 分 before scaling
        ("13,334", "万元", "133340000.00"),
        ("500元", "万元", "500.00"),  # a unit written in the cell wins
        ("", None, None),
        (None, None, None),
    ],
)
def test_amounts(value: object, unit: str | None, want: str | None) -> None:
    got = parse_amount(value, unit_factor(unit))
    assert got == (None if want is None else Decimal(want))


@pytest.mark.parametrize(
    "value", ["一亿", "约100万", "100-200", True, dt.date(2019, 1, 1), "1,2,3.4.5"]
)
def test_not_amounts(value: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(value)


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2019, 1, 1),
        dt.datetime(2019, 1, 1, 0, 0),
        43466,
        43466.0,
        "2019-1-1",
        "2019/01/01",
        "2019.1.1",
        "2019年1月1日",
        "２０１９年１月１日",
        "20190101",
        "2019-01-01 00:00:00",
    ],
)
def test_dates(value: object) -> None:
    assert parse_date(value) == dt.date(2019, 1, 1)


@pytest.mark.parametrize("value", ["明年春天", "2019-13-01", "2019", "1/1/2019"])
def test_not_dates(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_numbers_and_years() -> None:
    assert parse_number("10分") == 10
    assert parse_number(9.5) == Decimal("9.5")
    assert parse_number("１０") == 10
    with pytest.raises(ValueError):
        parse_number("95%")
    assert parse_year("2019年度") == 2019
    assert parse_year(2019.0) == 2019
    with pytest.raises(ValueError):
        parse_year("去年")
    assert year_in_title("（2019年）") == 2019
    assert year_in_title("(2023年度)") == 2023
    assert year_in_title("2023年度项目支出绩效自评表") == 2023
    assert year_in_title("2012年5月15日") is None  # a date in a text is not the form's year
    assert year_in_name("申报表_2019.xlsx") == 2019
    assert year_in_name("000_0f4b9d799222cfe6.xlsx") is None


def test_label_normalisation() -> None:
    assert norm(" 项 目 名 称： ") == "项目名称"
    assert norm("＊项目总预算（万元）:") == "项目总预算(万元)"
    assert split_unit(norm("项目总预算（万元）")) == ("项目总预算", "万元")
    assert split_unit("项目当年预算(元)") == ("项目当年预算", "元")


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "市委市政府已确定的新增项目□ 结转项目□ 其他一次性项目□ "
            "经常性专项业务费☑ 其他经常性项目□",
            ["经常性专项业务费"],
        ),
        ("☐市委市政府已确定的新增项目 ☐结转项目 ✔其他一次性项目", ["其他一次性项目"]),
        ("[ ] 结转项目  [x] 其他经常性项目", ["其他经常性项目"]),
        ("■结转项目 □其他一次性项目", ["结转项目"]),
        ("结转项目 √ 其他一次性项目 □", ["结转项目"]),
        ("经常性专项业务费 ▇ 其他经常性项目 □", ["经常性专项业务费"]),
        ("经常性专项业务费", ["经常性专项业务费"]),
        ("结转项目☑ 其他经常性项目☑", ["结转项目", "其他经常性项目"]),
        ("结转项目□ 其他经常性项目□", []),
    ],
)
def test_checkbox_groups(text: str, want: list[str]) -> None:
    assert parse_choices(text, PROJECT_TYPES)[0] == want


def test_checkbox_options_that_contain_each_other() -> None:
    # 其他事业专业类 must not be read as any shorter option.
    assert parse_choices("政府购买服务□ 其他事业专业类☑", FUND_USES)[0] == ["其他事业专业类"]


def _book(rows: list[list[Any]], title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


MINIMAL = [
    ["申报单位名称", "某局"],
    ["项目名称", "某项目"],
    ["项目类型", "结转项目"],
    ["项目当年预算（万元）", "12.5"],
    ["分解目标内容", "绩效指标", "指标目标值"],
    ["产出目标", "完成数量", "≥10个"],
    [None, "完成质量", "=100%"],
    ["效果目标", "满意度", "≥90%"],
    ["备注", "无"],
]


def test_year_from_a_year_cell() -> None:
    rows = [["年度", "2021年"], *MINIMAL]
    (form,) = read_workbook(_book(rows), "x.xlsx").forms
    d = form.declaration
    assert (d.year, d.unit, d.name, d.project_type) == (2021, "某局", "某项目", "结转项目")
    assert d.year_budget == Decimal(125000)
    assert d.remarks == "无"
    # A blank category cell below a filled one belongs to the same category.
    assert [(i.category, i.name, i.target) for i in d.indicators] == [
        ("产出目标", "完成数量", "≥10个"),
        ("产出目标", "完成质量", "=100%"),
        ("效果目标", "满意度", "≥90%"),
    ]


def test_inline_year_label_and_sheet_unit_note() -> None:
    rows = [["年度：2022", None, "单位：万元"], *MINIMAL]
    rows[4] = ["项目当年预算", 3]
    (form,) = read_workbook(_book(rows), "x.xlsx").forms
    assert form.declaration.year == 2022
    assert form.declaration.year_budget == Decimal(30000)


def test_an_unknown_choice_is_kept_with_a_warning() -> None:
    rows = [["年度", 2021], *MINIMAL]
    rows[3] = ["项目类型", "新增项目"]
    (form,) = read_workbook(_book(rows), "x.xlsx").forms
    assert form.declaration.project_type == "新增项目"
    assert any("项目类型" in w and "B4" in w for w in form.warnings)


def test_missing_unit_is_refused_with_its_cell() -> None:
    rows = [["年度", 2021], ["申报单位名称", None], *MINIMAL[1:]]
    with pytest.raises(InputError) as err:
        read_workbook(_book(rows, "表一"), "x.xlsx")
    assert (err.value.sheet, err.value.cell) == ("表一", "A2")


def test_a_formula_cell_of_another_kind_is_named() -> None:
    rows = [["年度", 2021], *MINIMAL]
    rows[4] = ["项目当年预算（元）", "=VLOOKUP(A1,B1:C2,2,FALSE)"]
    with pytest.raises(InputError) as err:
        read_workbook(_book(rows), "x.xlsx")
    assert err.value.cell == "B5" and "VLOOKUP" in err.value.message


def test_plus_formula_without_cached_value_is_computed() -> None:
    rows = [["年度", 2021], *MINIMAL, ["a", 100], ["b", 250.5]]
    rows[4] = ["项目当年预算（元）", "=B11+B12"]
    (form,) = read_workbook(_book(rows), "x.xlsx").forms
    assert form.declaration.year_budget == Decimal("350.50")


def test_options_running_on_below_an_unmerged_label() -> None:
    rows = [["年度", 2021], *MINIMAL]
    rows[3] = ["项目类型", "市委市政府已确定的新增项目□ 结转项目□ 其他一次性项目□"]
    rows.insert(4, [None, "经常性专项业务费☑ 其他经常性项目□"])
    (form,) = read_workbook(_book(rows), "x.xlsx").forms
    assert form.declaration.project_type == "经常性专项业务费"
    assert form.warnings == []


def test_a_target_typed_as_a_formula_keeps_its_sign() -> None:
    # Excel turns a typed =100% into the formula 100% (cached value 1); the form means "=100%".
    (form,) = read_workbook(_book([["年度", 2021], *MINIMAL]), "x.xlsx").forms
    assert [i.target for i in form.declaration.indicators][1] == "=100%"


def test_hidden_sheets_are_passed_over() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["年度", 2021], *MINIMAL]:
        ws.append(row)
    lookup = wb.create_sheet("字典")
    lookup.append(["项目名称", "一级指标", "三级指标", "指标值"])
    lookup.append(["模板项目", "产出指标", "示例", "≥1"])
    lookup.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    result = read_workbook(buf.getvalue(), "x.xlsx")
    assert [f.declaration.name for f in result.forms] == ["某项目"]
    assert result.warnings == []


def test_formatting_far_away_is_not_content() -> None:
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["年度", 2021], *MINIMAL]:
        ws.append(row)
    ws["J1048576"].font = Font(bold=True)  # a styled empty cell, as WPS writes down columns
    buf = io.BytesIO()
    wb.save(buf)
    assert read_workbook(buf.getvalue(), "x.xlsx").forms[0].declaration.name == "某项目"


def test_several_labels_in_one_cell_and_values_below() -> None:
    rows = [
        ["2021年度项目绩效目标申报表"],
        ["申报单位名称：某局", None, "项目名称：某项目"],
        ["项目概况"],
        ["概况：这是一段说明。"],
        *MINIMAL[2:],
        [None],
        ["单位负责人：张三  填表人：李四  联系电话：021-1234"],
    ]
    rows[-3] = ["备注"]
    (form,) = read_workbook(_book(rows), "x.xlsx").forms
    d = form.declaration
    assert (d.year, d.unit, d.name) == (2021, "某局", "某项目")
    assert d.overview == "概况：这是一段说明。"
    assert d.remarks is None  # the sign-off line below is not the remark
    assert d.signoff is not None
    assert (d.signoff.head, d.signoff.preparer, d.signoff.phone) == ("张三", "李四", "021-1234")


# ---------------------------------------------------------------- label parts (issue 14)


@pytest.mark.parametrize(
    ("cell", "base", "unit"),
    [
        ("1.项目年度目标完成情况", "项目年度目标完成情况", None),
        ("预算执行情况（10分）", "预算执行情况", None),
        ("全年预算数（A）", "全年预算数", None),
        ("执行率（B/A）", "执行率", None),
        ("年度预算数（万元）", "年度预算数", "万元"),
        ("其中：财政资金", "财政资金", None),
        ("实施单位（盖章）", "实施单位", None),
        ("年度主要目标\n和成果", "年度主要目标和成果", None),
        ("项 目 名 称：", "项目名称", None),
        # An unknown word keeps its brackets: only a known label sheds a note.
        ("某某（试点）", "某某(试点)", None),
    ],
)
def test_label_base(cell: str, base: str, unit: str | None) -> None:
    from perfdesk.excel.sheet import label_base
    from perfdesk.excel.values import norm

    assert label_base(norm(cell)) == (base, unit)
