"""Excel in: where a label's value is, what a value is, and which framework a table follows.

Small sheets written with openpyxl (merges as on the bureau's forms), and files made by
perfdesk's own export read back without their stamp (the sheet alone).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from perfdesk.excel.reader import read_workbook
from perfdesk.excel.writer import write_form
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import declaration_from_dict, loads

DATA = Path(__file__).parent / "data"


def book(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_one(data: bytes, name: str = "x.xlsx") -> Declaration:
    (form,) = read_workbook(data, name).forms
    return form.declaration


def load(path: Path) -> Declaration:
    return declaration_from_dict(loads(path.read_text(encoding="utf-8")))


def exported(decl: Declaration, form: str) -> bytes:
    """perfdesk's export without its stamp: what another program would hand us."""
    buf = io.BytesIO()
    write_form(decl, buf, form)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    wb.custom_doc_props.props.clear()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEAD = [
    ["2021年度项目绩效目标申报表"],
    ["申报单位名称", "某局"],
    ["项目名称", "某项目"],
]
TABLE = [
    ["分解目标内容", "绩效指标", "指标目标值"],
    ["产出目标", "完成数量", "≥10个"],
]


# ---------------------------------------------------------------- blank values stay blank


def test_a_blank_date_beside_its_pair_stays_blank_above_merged_text() -> None:
    """The seed's row 开始时间 | date | 结束时间 | (blank) above a merged 项目概况."""
    rows = [*HEAD, ["开始时间", dt.date(2021, 1, 1), "结束时间", None],
            ["项目概况", "一段说明", None, None], *TABLE]  # fmt: skip
    d = read_one(book(rows, ("B5:D5",)))
    assert (d.start_date, d.end_date) == (dt.date(2021, 1, 1), None)
    assert d.overview == "一段说明"


def test_a_blank_date_does_not_take_the_cell_below_it() -> None:
    # Before: B…：“结束时间”不是日期…：“一” — the reader went down into the next row.
    rows = [*HEAD, ["开始时间", "2021-1-1", "结束时间", None],
            ["项目概况", "说明", "一", "二"], *TABLE]  # fmt: skip
    d = read_one(book(rows))
    assert d.end_date is None and d.overview == "说明"


def test_a_blank_value_at_the_end_of_a_row_stays_blank() -> None:
    rows = [*HEAD, ["项目总预算（元）", 100, "项目当年预算（元）", None],
            ["同名项目上年预算额（元）", 90, "同名项目上年预算执行数（元）", 80], *TABLE]  # fmt: skip
    d = read_one(book(rows))
    assert (d.total_budget, d.year_budget, d.prev_year_spent) == (100, None, 80)


def test_a_vertical_label_takes_only_the_cell_directly_below() -> None:
    below = read_one(book([*HEAD, ["项目概况"], ["写在下面的说明"], *TABLE]))
    assert below.overview == "写在下面的说明"
    gap = read_one(book([*HEAD, ["项目概况"], [None], ["另一行的内容"], *TABLE]))
    assert gap.overview is None


def test_a_value_below_must_start_under_the_label() -> None:
    rows = [*HEAD, [None, None, "项目概况"], ["别处的说明", None, None, None], *TABLE]
    d = read_one(book(rows, ("A5:D5",)))
    assert d.overview is None


def test_exported_blanks_read_as_blanks() -> None:
    decl = load(DATA / "seed.json")
    decl.end_date = None
    decl.prev_year_spent = None
    decl.plan = None
    got = read_one(exported(decl, "declaration"))
    assert (got.end_date, got.prev_year_spent, got.plan) == (None, None, None)
    assert got.overall_goal == decl.overall_goal


# ---------------------------------------------------------------- values as written


def test_inline_values_keep_full_width_punctuation() -> None:
    unit = "某区财政局（本级）：办公室，一科"
    rows = [["2021年度项目绩效目标申报表"], [f"申报单位名称：{unit}"],
            ["项目名称", "１２３４５热线（二期）"], *TABLE]  # fmt: skip
    d = read_one(book(rows))
    assert d.unit == unit
    assert d.name == "１２３４５热线（二期）"


def test_an_inline_value_made_of_a_colon() -> None:
    rows = [["2021年度项目绩效目标申报表"], ["申报单位名称：："], ["项目名称", "某项目"], *TABLE]
    assert read_one(book(rows)).unit == "："


def test_full_width_numbers_and_dates_are_still_parsed() -> None:
    rows = [*HEAD, ["开始时间", "２０２１年１月１日", "结束时间", "２０２１．１２．３１"],
            ["项目总预算（元）", "１，０００"], *TABLE]  # fmt: skip
    d = read_one(book(rows))
    assert (d.start_date, d.end_date) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert d.total_budget == 1000


def test_a_value_equal_to_its_label() -> None:
    decl = load(DATA / "excel_out" / "national_full.json")
    decl.evaluation.supervisor = "主管部门"
    (form,) = read_workbook(exported(decl, "evaluation"), "e.xlsx").forms
    assert form.declaration.evaluation.supervisor == "主管部门"
    rows = [HEAD[0], HEAD[1], ["项目名称", "项目名称"], *TABLE]
    assert read_one(book(rows)).name == "项目名称"


# ---------------------------------------------------------------- framework by categories


@pytest.mark.parametrize(
    ("record", "framework"),
    [("sh2019_shanghai_eval.json", "sh2019"), ("national_full.json", "national")],
)
def test_an_evaluation_sheet_follows_its_categories(record: str, framework: str) -> None:
    """Both 自评表 layouts print 一级指标 headers; the categories under them decide."""
    decl = load(DATA / "excel_out" / record)
    assert decl.framework == framework
    (form,) = read_workbook(exported(decl, "evaluation"), "e.xlsx").forms
    assert form.kind == "evaluation"
    assert form.declaration.framework == framework


def test_a_declaration_table_follows_its_categories() -> None:
    national = [["分解目标内容", "绩效指标", "指标目标值"], ["产出指标", "完成数量", "≥10个"],
                ["满意度指标", "满意度", "≥90%"]]  # fmt: skip
    assert read_one(book([*HEAD, *national])).framework == "national"
    sh = [["一级指标", "三级指标", "指标值"], ["产出目标", "完成数量", "≥10个"]]
    assert read_one(book([*HEAD, *sh])).framework == "sh2019"
    # Categories of neither framework: the headers decide.
    other = [["一级指标", "三级指标", "指标值"], ["其他", "完成数量", "≥10个"]]
    assert read_one(book([*HEAD, *other])).framework == "national"
