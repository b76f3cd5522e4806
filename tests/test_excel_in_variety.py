"""Excel in: files laid out the way other units make them (tests/make_variety.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfdesk.excel.reader import read_workbook
from perfdesk.excel.values import (
    is_placeholder,
    parse_amount,
    parse_date,
    parse_date_range,
    percent_text,
)
from tests.make_variety import (
    AIR,
    AIR_TARGETS,
    CLINIC,
    FLAT,
    FLAT_TARGETS,
    LIBRARY,
    ROAD,
    ROAD_TARGETS,
)

VARIETY = Path(__file__).parent / "data" / "excel_in" / "variety"
ROAD_FILE = "2024年城市道路养护项目绩效目标表"


def read(name: str, **kw: Any):
    path = VARIETY / name
    return read_workbook(path.read_bytes(), path.name, **kw)


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_budget_system_target_table(suffix: str) -> None:
    """项目支出绩效目标表: year only in the file name, 资金总额 in 万元 under a 单位：万元
    note, 年度绩效目标 merged over a block, a two-line merged header with 指标方向, 权重 and
    备注 beside the split target, percentages stored as numbers, — as a 度量单位, and a
    stamp line and sign-off line at the bottom."""
    result = read(ROAD_FILE + suffix)
    assert len(result.forms) == 1 and result.warnings == []
    form = result.forms[0]
    d = form.declaration
    assert form.kind == "declaration"
    assert (d.year, d.unit, d.name) == (2024, ROAD["unit"], ROAD["name"])
    assert d.year_budget == Decimal(ROAD["total_wan"]) * 10000
    assert d.annual_goal == ROAD["annual_goal"]
    assert d.framework == "national"
    got = [(i.category, i.subcategory, i.name, i.target) for i in d.indicators]
    want = [(c, s, n, t) for (c, s, n, *_), t in zip(ROAD["indicators"], ROAD_TARGETS, strict=True)]
    assert got == want
    assert d.remarks is None  # the 备注 header of the indicator table is not the remarks
    assert d.signoff is not None
    assert (d.signoff.head, d.signoff.preparer, d.signoff.phone) == (
        "王建国",
        "李敏",
        "021-55501234",
    )
    assert form.warnings == []


def test_year_from_file_name_yields_to_the_argument_only_when_absent() -> None:
    assert read(ROAD_FILE + ".xlsx", year=2030).forms[0].declaration.year == 2024


@pytest.mark.parametrize("name", ["library_column_b.xlsx", "library_column_b_lo.xls"])
def test_labels_in_column_b_with_line_breaks_and_placeholders(name: str) -> None:
    result = read(name)
    assert len(result.forms) == 1
    d = result.forms[0].declaration
    lib = LIBRARY
    assert (d.year, d.unit, d.name) == (lib["year"], lib["unit"], lib["name"])
    assert d.project_type == "其他一次性项目"
    assert d.fund_use == "资产购置类"
    assert (d.start_date, d.end_date) == (dt.date(2022, 3, 1), dt.date(2022, 12, 31))
    for key in ("overview", "basis", "necessity", "measures", "plan", "overall_goal"):
        assert getattr(d, key) == lib[key], key
    assert d.annual_goal == lib["annual_goal"]
    # '1,500,000.00 ' as text with a trailing space; — and / where nothing is known.
    assert d.total_budget == Decimal(lib["total_budget"])
    assert d.year_budget == Decimal(lib["year_budget"])
    assert d.prev_year_budget is None and d.prev_year_spent is None
    assert [(b.name, b.amount) for b in d.budget_items] == [
        (n, Decimal(a)) for n, a in lib["items"]
    ]
    targets = [t for _, _, t in lib["indicators"]]
    if name.endswith(".xls"):
        # '=100%' typed in Excel is a formula; an .xls keeps only its value (1, shown 100%).
        targets[1] = "100%"
    assert [(i.category, i.name, i.target) for i in d.indicators] == [
        (c, n, t) for (c, n, _), t in zip(lib["indicators"], targets, strict=True)
    ]
    assert d.framework == "sh2019"
    assert d.remarks == "无"  # free text is kept as written
    assert result.forms[0].warnings == []


@pytest.mark.parametrize(
    "name", ["clinic_eval_merged.xlsx", "clinic_eval_merged_lo.xlsx", "clinic_eval_merged_lo.xls"]
)
def test_self_evaluation_with_merged_categories_and_percent_cells(name: str) -> None:
    result = read(name)
    assert len(result.forms) == 1
    form = result.forms[0]
    e = CLINIC
    d = form.declaration
    assert form.kind == "evaluation"
    assert (d.year, d.unit, d.name) == (e["year"], e["unit"], e["name"])
    ev = d.evaluation
    assert ev is not None
    assert ev.supervisor == e["supervisor"]
    wan = Decimal(10000)
    assert (ev.budget_initial, ev.budget_adjusted, ev.spent) == tuple(
        Decimal(v) * wan for v in e["total"]
    )
    assert ev.funds is not None and ev.funds.appropriation is not None
    assert ev.funds.appropriation.spent == Decimal(288) * wan
    assert ev.funds.other is not None and ev.funds.other.adjusted == Decimal(20) * wan
    assert ev.goal_expected == e["goal_expected"]
    assert ev.goal_actual == e["goal_actual"]
    got = [(i.category, i.subcategory, i.name, i.target, i.actual, i.weight) for i in ev.indicators]
    want = []
    for cat, sub, ind, target, actual, weight, _, _ in e["indicators"]:
        shown = percent_text(actual) if isinstance(actual, float) else actual
        want.append((cat, sub, ind, target, shown, Decimal(weight)))
    assert got == want
    # Stated scores agree with the rules (0.95 shown as 95.00% is the execution rate).
    assert form.score_warnings == []
    assert all(i.score_override is None for i in ev.indicators)


@pytest.mark.parametrize("name", ["flat_repeat.xlsx", "flat_first_row.xlsx"])
def test_flat_lists_repeated_or_blank_as_above(name: str) -> None:
    result = read(name)
    got = {
        f.declaration.name: (
            f.declaration.year,
            f.declaration.unit,
            [(i.category, i.subcategory, i.name, i.target) for i in f.declaration.indicators],
        )
        for f in result.forms
    }
    want = {
        pname: (
            2025,
            unit,
            [(a, b, c, t) for (a, b, c, *_), t in zip(rows, FLAT_TARGETS[pname], strict=True)],
        )
        for unit, pname, rows in FLAT
    }
    assert got == want
    assert all(f.kind == "declaration" and f.warnings == [] for f in result.forms)


def test_placeholders_mean_empty_only_where_a_value_is_expected() -> None:
    for text in ("—", "——", "/", "／", " - ", "无"):
        assert is_placeholder(text)
        assert parse_amount(text) is None
        assert parse_date(text) is None
    assert not is_placeholder("无", words=False)
    assert not is_placeholder("无偏差")
    with pytest.raises(ValueError):
        parse_amount("待定")


def test_percent_text_shows_what_the_cell_shows() -> None:
    assert percent_text(0.95) == "95%"
    assert percent_text(1) == "100%"
    assert percent_text(0.9725) == "97.25%"
    assert percent_text("95%") == "95%"


@pytest.mark.parametrize("name", ["air_budget_system.xlsx", "air_budget_system_lo.xls"])
def test_budget_system_declaration(name: str) -> None:
    """附件 line, 项目期限 in one cell, units in cells of their own, notes in headers
    (指标值（包含数字及文字描述）, 权重（%）), the unit only on the 填报单位（盖章） line."""
    result = read(name)
    assert len(result.forms) == 1
    form = result.forms[0]
    d = form.declaration
    a = AIR
    assert (d.year, d.unit, d.name) == (a["year"], a["unit"], a["name"])
    assert (d.start_date, d.end_date) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert d.total_budget == Decimal(a["total_budget_wan"]) * 10000
    assert d.year_budget == Decimal(a["year_budget_wan"]) * 10000
    assert d.annual_goal == a["annual_goal"]
    got = [(i.category, i.subcategory, i.name, i.target) for i in d.indicators]
    assert got == [
        (c, s, n, t) for (c, s, n, *_), t in zip(a["indicators"], AIR_TARGETS, strict=True)
    ]
    assert d.signoff is not None
    assert (d.signoff.head, d.signoff.preparer, d.signoff.phone, d.signoff.date) == (
        "赵强",
        "孙丽",
        "0731-88881234",
        dt.date(2024, 1, 15),
    )
    assert form.warnings == []


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024年1月-2024年12月", (2024, 1, 1), (2024, 12, 31)),
        ("2024.1.1至2024.12.31", (2024, 1, 1), (2024, 12, 31)),
        ("2024年1月-12月", (2024, 1, 1), (2024, 12, 31)),
        ("2024年3月1日—2025年2月28日", (2024, 3, 1), (2025, 2, 28)),
        ("2024-01-01 至 2024-06-30", (2024, 1, 1), (2024, 6, 30)),
        ("2024/2-2024/2", (2024, 2, 1), (2024, 2, 29)),
        ("2024年", (2024, 1, 1), (2024, 12, 31)),
    ],
)
def test_date_ranges(text: str, start: tuple[int, int, int], end: tuple[int, int, int]) -> None:
    assert parse_date_range(text) == (dt.date(*start), dt.date(*end))


@pytest.mark.parametrize("text", ["长期", "2024年13月-2024年12月", "1月-12月"])
def test_unreadable_date_ranges_are_errors(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_range(text)


def test_instructions_sheet_is_skipped_and_unit_comes_from_the_stamp_line() -> None:
    """A 填表说明 sheet ('项目名称 | 按预算批复的项目名称填写') before the form does not
    reject the file; the 自评表 names its unit only on the 填报单位（盖章） line."""
    result = read("clinic_with_instructions.xlsx")
    assert [f.sheet for f in result.forms] == ["自评表"]
    assert result.warnings == ["第1张表“填表说明”是填表说明，已跳过。"]
    d = result.forms[0].declaration
    assert (d.year, d.unit, d.name) == (CLINIC["year"], CLINIC["unit"], CLINIC["name"])
    assert d.evaluation is not None and len(d.evaluation.indicators) == 8


def test_a_failing_sheet_that_is_not_instructions_still_rejects_the_file(tmp_path: Path) -> None:
    import openpyxl

    from perfdesk.models.errors import InputError

    wb = openpyxl.load_workbook(VARIETY / "clinic_with_instructions.xlsx")
    wb["填表说明"].title = "基本信息"
    path = tmp_path / "x.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_workbook(path.read_bytes(), path.name)
    assert err.value.sheet == "基本信息"


def test_instructions_sheet_reading_as_a_form_is_dropped_beside_a_real_form(
    tmp_path: Path,
) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(VARIETY / "air_budget_system.xlsx")
    ws = wb.create_sheet("填报说明", 0)
    ws["A1"] = "2024年度项目支出绩效目标申报表填报说明"
    ws["A2"], ws["B2"] = "项目名称", "按预算批复的项目名称填写"
    ws["A3"], ws["B3"] = "申报单位名称", "填写单位全称"
    path = tmp_path / "x.xlsx"
    wb.save(path)
    result = read_workbook(path.read_bytes(), path.name)
    assert [(f.sheet, f.declaration.name) for f in result.forms] == [("申报表", AIR["name"])]
    assert result.warnings == ["工作表“填报说明”是填表说明，已跳过。"]
    # Alone, such a sheet is what the file holds: it is read, not silently dropped.
    del wb["申报表"]
    wb.save(path)
    alone = read_workbook(path.read_bytes(), path.name)
    assert [f.sheet for f in alone.forms] == ["填报说明"]


def test_weights_written_as_percentages_are_points(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2024年自评"
    ws.append(["实施单位", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值",
               "实际完成值", "权重", "得分"])  # fmt: skip
    ws.append(["某局", "甲项目", "产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "50%"])
    ws.append(["某局", "甲项目", "满意度指标", "服务对象满意度指标", "满意度", "≥90%", 0.95, 0.4])
    ws["H3"].number_format = "0%"
    ws["G3"].number_format = "0%"
    path = tmp_path / "w.xlsx"
    wb.save(path)
    (form,) = read_workbook(path.read_bytes(), path.name).forms
    ev = form.declaration.evaluation
    assert ev is not None
    assert [(i.actual, i.weight) for i in ev.indicators] == [
        ("120人次", Decimal(50)),
        ("95%", Decimal(40)),
    ]
