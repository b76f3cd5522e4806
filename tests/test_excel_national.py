"""The national 申报表 in Excel: perfdesk's export writes the national rows (主管部门 |
实施单位, the 项目资金 block, 中长期目标 / 年度目标, 绩效指标 … 指标值) and reads them back
the same, from the sheet alone (openpyxl writes it, the reader reads it)."""

from __future__ import annotations

import copy
import io
from decimal import Decimal

import openpyxl

from perfdesk.excel.cells import read_grids
from perfdesk.excel.own_layout import own_label_cells
from perfdesk.excel.reader import read_workbook
from perfdesk.excel.writer import write_declaration
from perfdesk.models.records import DeclarationFunds, Indicator
from perfdesk.models.serialize import declaration_to_dict


def _national(seed_decl):  # type: ignore[no-untyped-def]
    decl = copy.deepcopy(seed_decl)
    decl.framework = "national"
    decl.supervisor = "上海市人民政府办公厅"
    decl.project_type = decl.fund_use = None
    decl.funds = DeclarationFunds(Decimal("133000000.55"), Decimal("339999.45"))
    decl.indicators = [
        Indicator("产出指标", "数量指标", "接听电话量", "≥379.8万个"),
        Indicator("效益指标", "社会效益指标", "群众诉求解决率", "≥85%"),
        Indicator("满意度指标", "服务对象满意度指标", "市民满意率", "≥88%"),
    ]
    return decl


def _export(decl) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    write_declaration(decl, buf)
    return buf.getvalue()


def _content(decl):  # type: ignore[no-untyped-def]
    d = declaration_to_dict(decl, with_store_keys=False)
    d.pop("evaluation")
    return d


def test_export_writes_the_national_rows(seed_decl) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(_export(_national(seed_decl)))).active
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    texts = [str(c) for row in rows for c in row]
    assert texts[0] == "项目支出绩效目标申报表"
    assert ["主管部门", "上海市人民政府办公厅", "实施单位", seed_decl.unit] in rows
    assert ["项目资金（元）", "年度资金总额", 133340000] in rows
    assert ["其中：财政拨款", 133000000.55] in rows
    assert ["其他资金", 339999.45] in rows
    assert ["一级指标", "二级指标", "三级指标", "指标值"] in rows
    order = ["项目名称", "主管部门", "项目资金（元）", "中长期目标", "年度目标", "绩效指标", "备注"]
    assert [texts.index(t) for t in order] == sorted(texts.index(t) for t in order)
    assert "项目类型" not in texts and "资金用途" not in texts and "分解目标" not in texts


def test_national_record_round_trips_through_the_sheet_alone(seed_decl) -> None:
    for decl in (_national(seed_decl), _with_type(_national(seed_decl))):
        data = _export(decl)
        # Recognised as perfdesk's own layout, so every value position is read as a value.
        assert own_label_cells(read_grids(data, "申报表.xlsx")[0]) is not None
        result = read_workbook(data, "申报表.xlsx")
        [form] = result.forms
        assert _content(form.declaration) == _content(decl)


def _with_type(decl):  # type: ignore[no-untyped-def]
    decl.project_type = "经常性专项业务费"  # printed as a value on the national form
    decl.fund_use = "政府购买服务"
    return decl


def test_fund_rows_of_another_bureau_in_wan_yuan(seed_decl) -> None:
    """A bureau's national form: 项目资金（万元） down the side, amounts in 万元."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (
        ["项目支出绩效目标表"],
        ["项目名称", "城市热线运营"],
        ["主管部门", "某市人民政府办公厅", "实施单位", "某市信访办"],
        ["项目资金（万元）", "年度资金总额", 120.5],
        [None, "其中：财政拨款", 100],
        [None, "其他资金", 20.5],
        ["总体目标", "中长期目标", "年度目标"],
        [None, "长期保障热线运行", "全年接通率不低于90%"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        [None, "产出指标", "数量指标", "接听电话量", "≥100万个"],
    ):
        ws.append(row)
    ws.merge_cells("A4:A6")
    buf = io.BytesIO()
    wb.save(buf)
    [form] = read_workbook(buf.getvalue(), "国家表.xlsx", year=2024).forms
    d = form.declaration
    assert d.supervisor == "某市人民政府办公厅"
    assert d.year_budget == Decimal("1205000")
    assert d.funds == DeclarationFunds(Decimal("1000000"), Decimal("205000"))
