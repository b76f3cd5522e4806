"""Excel out: the bureau's layout, cell types, formula safety, page setup, atomic files."""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfdesk.excel.writer import (
    DATE_FORMAT,
    MONEY_FORMAT,
    RATE_FORMAT,
    WAN_FORMAT,
    choice_text,
    export_file,
    line_count,
    write_declaration,
    write_evaluation,
)
from perfdesk.models.errors import InputError, PerfdeskError, ValidationError
from perfdesk.models.records import Declaration
from perfdesk.models.serialize import declaration_from_dict, loads

DATA = Path(__file__).parent / "data"
OUT_DATA = DATA / "excel_out"


def record(name: str) -> Declaration:
    path = DATA / "seed.json" if name == "seed" else OUT_DATA / f"{name}.json"
    return declaration_from_dict(loads(path.read_text(encoding="utf-8")))


def sheet_of(write, decl: Declaration):  # noqa: ANN001, ANN201
    buf = io.BytesIO()
    write(decl, buf)
    buf.seek(0)
    return openpyxl.load_workbook(buf).active, buf.getvalue()


def column_a(ws) -> list[str]:  # noqa: ANN001
    return [ws.cell(r, 1).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value]


def merged(ws) -> set[str]:  # noqa: ANN001
    return {str(r) for r in ws.merged_cells.ranges}


# ---------------------------------------------------------------- layout


def test_seed_declaration_has_the_seed_rows_in_order() -> None:
    ws, _ = sheet_of(write_declaration, record("seed"))
    assert ws.title == "申报表"
    assert ws["A1"].value == "上海市财政支出项目绩效目标申报表"
    assert ws["A2"].value == "(2019年)"
    assert ws["A3"].value == "申报单位名称：中共上海市委、上海市人民政府信访办公室"
    labels = column_a(ws)[3:]
    assert labels == [
        "项目名称", "项目类型", "资金用途", "开始时间", "项目概况", "立项依据", "项目设立的必要性",
        "保证项目实施的制度、措施", "项目总预算（元）", "同名项目上年预算额（元）",
        "项目当年投入资金构成", "项目实施计划", "项目总目标", "年度绩效目标", "分解目标",
        "分解目标内容", "投入和管理目标", "产出目标", "效果目标", "影响力目标", "备注",
    ]  # fmt: skip
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    r = rows["开始时间"]
    assert [ws.cell(r, c).value for c in (3,)] == ["结束时间"]
    r = rows["项目总预算（元）"]
    assert ws.cell(r, 3).value == "项目当年预算（元）"
    r = rows["同名项目上年预算额（元）"]
    assert ws.cell(r, 3).value == "同名项目上年预算执行数（元）"
    # The budget block: label merged over header + 4 sub-items, names over B:C.
    r = rows["项目当年投入资金构成"]
    assert f"A{r}:A{r + 4}" in merged(ws)
    assert (ws.cell(r, 2).value, ws.cell(r, 4).value) == ("子项目名称", "预算金额（元）")
    assert ws.cell(r + 4, 2).value == "应交税费"
    assert ws.cell(r + 4, 4).value == 8940000
    # Indicator categories merged over their indicators (two each, one for 影响力目标).
    r = rows["投入和管理目标"]
    assert f"A{r}:A{r + 1}" in merged(ws)
    assert ws.cell(r - 1, 2).value == "绩效指标" and ws.cell(r - 1, 4).value == "指标目标值"
    assert ws.cell(r + 3, 4).value == "94.90%"


def test_checkbox_groups_tick_the_choice_after_the_option() -> None:
    ws, _ = sheet_of(write_declaration, record("seed"))
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    kind = ws.cell(rows["项目类型"], 2).value
    assert "经常性专项业务费☑" in kind
    assert kind.count("☑") == 1 and kind.count("□") == 4
    assert kind.split("\n")[0] == "市委市政府已确定的新增项目□  结转项目□  其他一次性项目□"
    use = ws.cell(rows["资金用途"], 2).value
    assert "政府购买服务☑" in use and use.count("□") == 5


def test_choice_text_keeps_values_that_are_not_options() -> None:
    lines = (("甲", "乙"),)
    assert choice_text("乙", lines) == "甲□  乙☑"
    assert choice_text(None, lines) == "甲□  乙□"
    assert choice_text("甲、乙", lines) == "甲☑  乙☑"
    assert choice_text("丙类", lines) == "丙类"


def test_national_declaration_layout_and_signoff() -> None:
    ws, _ = sheet_of(write_declaration, record("national_full"))
    assert ws["A1"].value == "项目支出绩效目标申报表"
    assert ws["A2"].value == "(2023年)"
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    h = rows["一级指标"]
    assert [ws.cell(h, c).value for c in range(1, 5)] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
    ]
    # 产出指标 over 5 rows; 数量指标 over 2 of them, inside it.
    assert f"A{h + 1}:A{h + 5}" in merged(ws)
    assert f"B{h + 1}:B{h + 2}" in merged(ws)
    assert f"A{h + 6}:A{h + 7}" in merged(ws)
    assert f"B{h + 6}:B{h + 7}" not in merged(ws)  # two different 二级指标
    s = rows["单位负责人（签字）"]
    assert [ws.cell(s, c).value for c in range(1, 5)] == [
        "单位负责人（签字）",
        "王某某",
        "填表人",
        "李某",
    ]
    assert [ws.cell(s + 1, c).value for c in (1, 3)] == ["联系电话", "填报日期"]
    assert ws.cell(s + 1, 2).value == "021-12345678"
    assert ws.cell(s + 1, 4).value == dt.datetime(2022, 10, 15)
    assert ws.cell(s + 1, 4).number_format == DATE_FORMAT


def test_no_signoff_block_without_signoff() -> None:
    ws, _ = sheet_of(write_declaration, record("seed"))
    assert "单位负责人（签字）" not in column_a(ws)
    assert column_a(ws)[-1] == "备注"


def test_page_setup_fonts_borders_and_wrapping() -> None:
    ws, _ = sheet_of(write_declaration, record("seed"))
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_area.replace("$", "").startswith("'申报表'!A1:D") or "A1:D" in ws.print_area
    widths = [ws.column_dimensions[c].width for c in "ABCD"]
    assert all(w >= 15 for w in widths)
    assert ws["A1"].font.name == "黑体" and ws["A1"].font.size == 18
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    r = rows["项目概况"]
    assert ws.cell(r, 1).font.name == "宋体" and ws.cell(r, 2).font.name == "宋体"
    assert ws.cell(r, 2).alignment.wrap_text
    # Every cell of a merged value range is bordered, so the printed grid is whole.
    for c in range(1, 5):
        assert ws.cell(r, c).border.top.style == "thin"
        assert ws.cell(r, c).border.bottom.style == "thin"
    assert ws.cell(r, 2).border.left.style == ws.cell(r, 4).border.right.style == "thin"
    # Long text gets a taller row than a one-line one.
    assert ws.row_dimensions[rows["保证项目实施的制度、措施"]].height > 60
    assert ws.row_dimensions[rows["项目名称"]].height is None


def test_line_count_estimates_wrapped_lines() -> None:
    assert line_count("一" * 10, 41) == 1
    assert line_count("一" * 40, 41) == 2
    assert line_count("abc\n\ndef", 41) == 3


# ---------------------------------------------------------------- cell types


def test_amounts_are_numbers_with_thousands_format_and_dates_are_dates() -> None:
    ws, _ = sheet_of(write_declaration, record("national_full"))
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    r = rows["项目总预算（元）"]
    cell = ws.cell(r, 2)
    assert cell.data_type == "n" and cell.value == pytest.approx(4862500.5)
    assert cell.number_format == MONEY_FORMAT
    assert ws.cell(rows["同名项目上年预算额（元）"], 4).value == pytest.approx(4655321.17)
    start = ws.cell(rows["开始时间"], 2)
    assert start.is_date and start.value == dt.datetime(2023, 1, 1)
    assert start.number_format == DATE_FORMAT


def test_evaluation_money_block_in_wan_with_rate_and_scores() -> None:
    decl = record("national_full")
    ws, _ = sheet_of(write_evaluation, decl)
    assert ws.title == "自评表"
    assert ws["A1"].value == "项目支出绩效自评表"
    assert ws["A2"].value == "（2023年度）"
    rows = {}
    for r in range(1, ws.max_row + 1):
        for c in (1, 2):
            if isinstance(ws.cell(r, c).value, str):
                rows.setdefault(ws.cell(r, c).value, r)
    assert ws.cell(rows["项目资金（万元）"], 1).value == "项目资金（万元）"
    header = rows["项目资金（万元）"]
    assert [ws.cell(header, c).value for c in range(4, 10)] == [
        "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
    ]  # fmt: skip
    total = rows["年度资金总额"]
    assert total == header + 1
    assert Decimal(str(ws.cell(total, 4).value)) == Decimal("486.25005")
    assert ws.cell(total, 4).number_format == WAN_FORMAT
    assert Decimal(str(ws.cell(total, 6).value)) == Decimal("461.123456")
    assert ws.cell(total, 7).value == 10
    assert ws.cell(total, 8).number_format == RATE_FORMAT
    assert ws.cell(total, 8).value == pytest.approx(0.9607)  # 4611234.56 / 4800000
    assert ws.cell(total, 9).value == pytest.approx(9.61)
    assert [ws.cell(r, 2).value for r in range(total, total + 4)] == [
        "年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金",
    ]  # fmt: skip
    assert ws.cell(total + 2, 4).value is None  # no carried-over funds
    assert ws.cell(total + 3, 5).value == 0
    ind = rows["一级指标"]
    assert [ws.cell(ind, c).value for c in range(2, 10)] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
        "偏差原因分析及改进措施",
    ]  # fmt: skip
    # Default weights: 产出指标 50 over 5 rows, 效益 30 over 2, 满意度 10.
    weights = [ws.cell(r, 7).value for r in range(ind + 1, ind + 9)]
    assert weights == [10, 10, 10, 10, 10, 15, 15, 10]
    assert ws.cell(ind + 2, 8).value == pytest.approx(9.38)  # 10 × 120 / 128
    assert ws.cell(ind + 7, 8).value == 14  # tier score chosen inside 达成
    last = ind + 9
    assert ws.cell(last, 1).value == "总分"
    assert ws.cell(last, 7).value == 100
    assert ws.cell(last + 1, 1).value == "自评等级"
    assert ws.cell(last + 1, 7).value == "优"


def test_shanghai_evaluation_is_in_yuan() -> None:
    ws, _ = sheet_of(write_evaluation, record("sh2019_shanghai_eval"))
    assert ws["A1"].value == "财政项目支出绩效自评表"
    values = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "项目资金（元）" in values
    r = values.index("项目资金（元）") + 2
    assert ws.cell(r, 6).value == pytest.approx(131007654.32)
    assert ws.cell(r, 6).number_format == MONEY_FORMAT


def test_evaluation_export_without_evaluation_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="还没有自评表"):
        export_file(record("seed"), tmp_path / "x.xlsx", form="evaluation")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- formula safety

DANGEROUS = ("=SUM(A1:A9)", "+86 21 1234", "-无", '@HYPERLINK("x")', "\t制表开头", "=1+1")


def test_formula_like_text_is_written_as_text() -> None:
    decl = record("seed")
    decl.name, decl.measures, decl.remarks = DANGEROUS[0], DANGEROUS[1], DANGEROUS[2]
    decl.overview, decl.basis, decl.plan = DANGEROUS[3], DANGEROUS[4], DANGEROUS[5]
    decl.indicators[0].target = "=100%"
    ws, data = sheet_of(write_declaration, decl)
    # openpyxl loads a formula as data type "f" with its text; none is.
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (*DANGEROUS, "=100%"):
        cell = cells[text]
        assert cell.data_type == "s", text
        # Excel's quote prefix: edited in a spreadsheet, the text is not re-evaluated.
        assert cell.quotePrefix, text
    # A reader that evaluates nothing (calamine) sees the very same text.
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    values = {v for row in rows for v in row}
    assert {*DANGEROUS, "=100%"} <= values


def test_illegal_control_characters_are_dropped_and_overlong_text_refused() -> None:
    decl = record("seed")
    decl.remarks = "备\x01注\x1f"
    ws, _ = sheet_of(write_declaration, decl)
    assert "备注" in [ws.cell(ws.max_row, 2).value]
    decl.overview = "长" * 40000
    with pytest.raises(ValidationError, match="32767"):
        write_declaration(decl, io.BytesIO())


# ---------------------------------------------------------------- files


def test_export_file_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "申报表.xlsx"
    target.write_bytes(b"old")
    export_file(record("seed"), target)
    assert openpyxl.load_workbook(target).active["A1"].value == "上海市财政支出项目绩效目标申报表"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["申报表.xlsx"]

    import perfdesk.excel.writer as xo

    def disk_full(decl, out, form="declaration"):  # noqa: ANN001, ANN202
        out.write(b"PK half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xo, "write_form", disk_full)
    before = target.read_bytes()
    with pytest.raises(PerfdeskError) as caught:
        export_file(record("seed"), target)
    assert caught.value.message == f"无法写出“{target}”：磁盘空间不足。"
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["申报表.xlsx"]


def test_a_failure_that_is_not_the_disk_is_raised_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perfdesk.excel.writer as xo

    def broken(decl, out, form="declaration"):  # noqa: ANN001, ANN202
        out.write(b"PK")
        raise RuntimeError("a bug")

    monkeypatch.setattr(xo, "write_form", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        export_file(record("seed"), tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: refuse as the system would
            import tempfile

            def refused(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                raise PermissionError(errno.EACCES, "Permission denied", str(folder))

            monkeypatch.setattr(tempfile, "mkstemp", refused)
        with pytest.raises(PerfdeskError) as caught:
            export_file(record("seed"), folder / "申报表.xlsx")
    finally:
        folder.chmod(0o755)
    message = caught.value.message
    assert message.startswith(f"无法写出“{folder / '申报表.xlsx'}”")
    assert f"文件夹“{folder}”只读或没有写入权限" in message
    assert message.count("。") == 1 and message.endswith("。")
    assert list(folder.iterdir()) == []


def test_cli_export_both_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from perfdesk.cli import main
    from perfdesk.store.database import Store

    db = tmp_path / "db.sqlite"
    with Store(db) as store:
        rid = store.save(record("national_full")).record.id
    out = tmp_path / "out.xlsx"
    assert main(["--db", str(db), "export", str(rid), "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out).active["A1"].value == "项目支出绩效目标申报表"
    assert main(["--db", str(db), "export", str(rid), "-o", str(out), "--form", "evaluation"]) == 0
    assert openpyxl.load_workbook(out).active["A1"].value == "项目支出绩效自评表"
    assert main(["--db", str(db), "export", "999", "-o", str(tmp_path / "n.xlsx")]) == 1
    assert "999" in capsys.readouterr().err
    assert not (tmp_path / "n.xlsx").exists()


def test_stamp_is_a_custom_property_with_the_record() -> None:
    _, data = sheet_of(write_declaration, record("national_full"))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    (prop,) = [p for p in wb.custom_doc_props if p.name == "perfdesk"]
    stamp = json.loads(prop.value)
    assert stamp["form"] == "declaration"
    assert stamp["record"]["indicators"][3]["direction"] == "≤"
    assert wb.properties.creator == "perfdesk"


# ---------------------------------------------------------------- the package


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_merges_values_and_sizes_read_the_same_in_openpyxl_and_calamine() -> None:
    for write, decl in (
        (write_declaration, record("national_full")),
        (write_evaluation, record("national_full")),
        (write_evaluation, record("sh2019_shanghai_eval")),
    ):
        ws, data = sheet_of(write, decl)
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        assert sheet.name == ws.title
        calamine_merges = {
            ((r0 + 1, c0 + 1), (r1 + 1, c1 + 1)) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges
        }
        openpyxl_merges = {
            ((m.min_row, m.min_col), (m.max_row, m.max_col)) for m in ws.merged_cells.ranges
        }
        assert calamine_merges == openpyxl_merges and len(openpyxl_merges) > 10
        rows = sheet.to_python()
        assert len(rows) == ws.max_row
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                expected = ws.cell(r, c).value
                if expected is None:
                    assert value == "", (r, c, value)
                elif isinstance(expected, (int, float)):
                    assert value == pytest.approx(expected), (r, c)
                elif isinstance(expected, dt.datetime):
                    assert value in (expected, expected.date()), (r, c)
                else:
                    assert value == expected, (r, c)
        # The print area is the form, every column of it.
        last_col = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.print_area.endswith(f"!$A$1:${last_col}${ws.max_row}")


def test_markup_characters_blanks_and_line_breaks_survive() -> None:
    decl = record("seed")
    decl.name = "A&B <c> \"d\" 'e' ]]>"
    decl.remarks = "  两端有空格  "
    decl.overview = "第一行\n第二行\n"
    decl.unit = "单位&<>"
    ws, data = sheet_of(write_declaration, decl)
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    assert ws.cell(rows["项目名称"], 2).value == decl.name
    assert ws.cell(rows["备注"], 2).value == decl.remarks
    assert ws.cell(rows["项目概况"], 2).value == decl.overview
    assert ws["A3"].value.endswith("单位&<>")
    from python_calamine import CalamineWorkbook

    values = [
        v
        for row in CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_index(0)
        .to_python()
        for v in row
    ]  # noqa: E501
    assert decl.name in values and decl.remarks in values and decl.overview in values


def test_every_edge_of_a_bordered_merged_range_is_drawn() -> None:
    # Excel draws a merged range's border from the cells under it, so each edge cell must be
    # in the file with the border (openpyxl's loader would redraw it from the first cell).
    from defusedxml import ElementTree
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import coordinate_from_string, range_boundaries

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    for write, title_rows in ((write_declaration, 3), (write_evaluation, 2)):
        buf = io.BytesIO()
        write(record("national_full"), buf)
        parts = parts_of(buf.getvalue())
        styles = ElementTree.fromstring(parts["xl/styles.xml"])
        borders = [
            {
                side: b.find(f"m:{side}", ns).get("style")
                for side in ("left", "right", "top", "bottom")
            }
            for b in styles.find("m:borders", ns)
        ]
        xf_border = [int(xf.get("borderId")) for xf in styles.find("m:cellXfs", ns)]
        sheet = ElementTree.fromstring(parts["xl/worksheets/sheet1.xml"])
        cell_border = {}
        for c in sheet.iter(f"{{{ns['m']}}}c"):
            col, row = coordinate_from_string(c.get("r"))
            cell_border[(row, col)] = borders[xf_border[int(c.get("s", "0"))]]
        ranges = [range_boundaries(m.get("ref")) for m in sheet.iter(f"{{{ns['m']}}}mergeCell")]
        ranges = [r for r in ranges if r[1] > title_rows]
        assert len(ranges) > 10
        for c0, r0, c1, r1 in ranges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    b = cell_border.get((r, get_column_letter(c)), {})
                    where = (r0, c0, r1, c1, r, c)
                    assert r != r0 or b.get("top") == "thin", where
                    assert r != r1 or b.get("bottom") == "thin", where
                    assert c != c0 or b.get("left") == "thin", where
                    assert c != c1 or b.get("right") == "thin", where


def test_the_same_record_gives_the_same_sheet() -> None:
    a, b = io.BytesIO(), io.BytesIO()
    write_evaluation(record("national_full"), a)
    write_evaluation(record("national_full"), b)
    pa, pb = parts_of(a.getvalue()), parts_of(b.getvalue())
    for name in (
        "xl/worksheets/sheet1.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "docProps/custom.xml",
    ):
        assert pa[name] == pb[name], name


def test_a_long_record_is_exported_with_its_whole_stamp() -> None:
    from perfdesk.excel.writer import read_stamp

    decl = record("seed")
    decl.overview = "概" * 30000
    decl.basis = "依" * 30000
    buf = io.BytesIO()
    write_declaration(decl, buf)
    stamp = read_stamp(buf.getvalue())
    assert stamp is not None
    assert stamp["record"]["overview"] == decl.overview and stamp["record"]["basis"] == decl.basis
