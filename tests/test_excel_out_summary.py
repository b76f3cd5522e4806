"""The year's summary workbook (perfdesk summary --year Y -o F.xlsx)."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfdesk.excel.writer import write_summary, write_summary_file
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import declaration_from_dict, loads

DATA = Path(__file__).parent / "data"


def load(path: Path) -> Declaration:
    return declaration_from_dict(loads(path.read_text(encoding="utf-8")))


@pytest.fixture
def filled_store(store):  # noqa: ANN001, ANN201
    seed = load(DATA / "seed.json")
    store.save(seed)
    shanghai = load(DATA / "excel_out" / "sh2019_shanghai_eval.json")
    shanghai.name = "12345市民服务热线外包服务（二期）"
    shanghai.year_budget = Decimal("1000.01")
    store.save(shanghai)
    national = load(DATA / "excel_out" / "national_full.json")
    store.save(national)  # 2023: not in the 2019 summary
    return store


def test_summary_rows_totals_filter_and_frozen_header(filled_store, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "2019汇总.xlsx"
    assert write_summary_file(filled_store, 2019, path) == 2
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["项目汇总", "绩效指标", "运行监控"]
    ws = wb["项目汇总"]
    header = [c.value for c in ws[1]]
    assert header == [
        "编号", "申报单位", "项目名称", "项目类型", "资金用途", "项目总预算（元）", "当年预算（元）",
        "指标数", "状态", "自评得分", "自评等级",
    ]  # fmt: skip
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=3)]
    names = {r[2]: r for r in rows}
    seed_row = names["12345市民服务热线外包服务"]
    assert seed_row[1] == "中共上海市委、上海市人民政府信访办公室"
    assert seed_row[3:5] == ["经常性专项业务费", "政府购买服务"]
    assert seed_row[5] == 133340000 and seed_row[7] == 7 and seed_row[8] == "草稿"
    assert seed_row[9] is None and seed_row[10] is None  # no evaluation yet
    second = names["12345市民服务热线外包服务（二期）"]
    assert isinstance(second[9], (int, float)) and second[10] in ("优", "良", "中", "差")
    assert ws["F2"].number_format == "#,##0.00"
    total = [c.value for c in ws[4]]
    assert total[0] == "合计"
    assert total[5] == pytest.approx(2 * 133340000)
    assert total[6] == pytest.approx(133340000 + 1000.01)
    assert total[7] == 14
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:K3"
    # Totals are numbers, not formulas: every reader sees them without recalculating.
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")

    ind = wb["绩效指标"]
    assert [c.value for c in ind[1]] == [
        "编号", "申报单位", "项目名称", "一级指标/分解目标内容", "二级指标", "指标名称", "目标值",
        "实际完成值", "分值", "得分",
    ]  # fmt: skip
    data = [[c.value for c in r] for r in ind.iter_rows(min_row=2)]
    assert len(data) == 14
    evaluated = [r for r in data if r[2].endswith("（二期）")]
    assert evaluated[0][3:8] == [
        "投入和管理目标", None, "热线工作的规范性和安全性", "规范、安全、高效", "规范、安全、高效",
    ]  # fmt: skip
    assert [r[9] for r in evaluated].count("不适用") == 1
    assert all(r[8] is not None for r in evaluated if r[9] != "不适用")
    assert sum(r[8] or 0 for r in evaluated) == pytest.approx(90)  # indicators' share of 100
    assert ind.freeze_panes == "A2" and ind.auto_filter.ref == "A1:J15"
    for sheet in (ws, ind):
        assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.print_title_rows == "$1:$1"
    assert wb.properties.creator == "perfdesk"

    # A reader that calculates nothing (calamine) sees the same tables, totals included.
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["项目汇总", "绩效指标", "运行监控"]
    for name in book.sheet_names:
        got = book.get_sheet_by_name(name).to_python()
        want = [[c.value for c in r] for r in wb[name].iter_rows()]
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert [None if v == "" else v for v in g] == pytest.approx(w), name


def test_empty_year_and_cli(filled_store, tmp_path: Path, db_path: Path) -> None:  # noqa: ANN001
    buf = io.BytesIO()
    assert write_summary(filled_store, 2030, buf) == 0
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["项目汇总"]
    assert ws["A2"].value == "合计" and ws["F2"].value == 0
    filled_store.close()

    from perfdesk.cli import main

    out = tmp_path / "s.xlsx"
    assert main(["--db", str(db_path), "summary", "--year", "2023", "-o", str(out)]) == 0
    ws = openpyxl.load_workbook(out)["项目汇总"]
    assert ws["C2"].value == "大气污染防治专项监测"
    assert ws["F2"].value == pytest.approx(4862500.5)


def test_reimporting_a_summary_is_refused_with_a_plain_reason(filled_store, tmp_path: Path) -> None:  # noqa: ANN001
    """A clerk who picks the summary instead of a form is told what the file is (its
    项目名称 column used to read as an empty declaration); nothing is stored."""
    from perfdesk.excel.batch import import_file
    from perfdesk.store.database import Store

    path = tmp_path / "2019汇总.xlsx"
    write_summary_file(filled_store, 2019, path)
    with Store(tmp_path / "other.sqlite") as other:
        result = import_file(other, path)
        assert other.count() == 0
    assert result.status == "rejected" and result.error is not None
    message = result.error
    assert "年度汇总表" in message and "2019汇总.xlsx" in message
    assert "项目汇总" in message and "A1" in message


def test_the_indicator_sheet_of_a_summary_alone_imports_as_a_list(filled_store, tmp_path: Path) -> None:  # noqa: ANN001
    """Only the 项目汇总 sheet marks a summary: its 绩效指标 sheet, kept alone, is a list of
    indicators like any other."""
    from perfdesk.excel.batch import import_file
    from perfdesk.store.database import Store

    path = tmp_path / "汇总.xlsx"
    write_summary_file(filled_store, 2019, path)
    wb = openpyxl.load_workbook(path)
    del wb["项目汇总"]
    alone = tmp_path / "指标.xlsx"
    wb.save(alone)
    with Store(tmp_path / "other.sqlite") as other:
        result = import_file(other, alone, year=2019)
        assert result.status == "imported", result.error
        assert other.count() == 2
