"""Generate tests/data/excel_in/variety/: forms laid out the way other units' files look.

    python tests/make_variety.py

Beyond tests/make_corpus.py: the 预算管理一体化 项目支出绩效目标表 with two-line merged
headers, 指标方向/权重/备注 columns and percentages stored as numbers with a % format; a
declaration with labels in column B, values merged over C:F and line breaks inside labels;
a 自评表 with 一级/二级指标 merged over many rows and a stamp line at the bottom; flat
lists with blank "same as above" cells; the year only in the file name; placeholders
(—, /, 无) meaning empty; numbers stored as text with trailing spaces. Two files are also
re-saved through LibreOffice (``soffice``). tests/test_excel_in_variety.py states what
each must read back as.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).parent
OUT = HERE / "data" / "excel_in" / "variety"
WRAP = Alignment(wrap_text=True, vertical="center")

# ---------------------------------------------------------------- 一体化 目标表

ROAD = {
    "name": "城市道路养护",
    "unit": "某区建设管理委员会",
    "supervisor": "某区人民政府",
    "total_wan": 860,
    "appropriation_wan": 800,
    "other_wan": 60,
    "annual_goal": "完成全区主次干道日常养护，道路完好率保持在95%以上，\n群众出行满意度不低于90%。",
    # (一级, 二级, 三级, 指标性质, 指标值, 度量单位, 权重)
    "indicators": [
        ("产出指标", "数量指标", "养护道路面积", "≥", 320, "万平方米", 15),
        ("产出指标", "数量指标", "修补坑槽数量", "≥", "1200 ", "处", 10),
        ("产出指标", "质量指标", "道路完好率", "≥", 0.95, None, 15),
        ("产出指标", "时效指标", "病害处置及时率", "≥", 0.9, None, 10),
        ("产出指标", "成本指标", "每平方米养护成本", "≤", 26.9, "元", 10),
        ("效益指标", "社会效益指标", "道路通行条件", "定性", "明显改善", "—", 15),
        ("效益指标", "可持续影响指标", "养护长效机制", "定性", "持续有效", "/", 15),
        ("满意度指标", "服务对象满意度指标", "群众出行满意度", "≥", 0.9, None, 10),
    ],
}
ROAD_TARGETS = [
    "≥320万平方米",
    "≥1200处",
    "≥95%",
    "≥90%",
    "≤26.9元",
    "明显改善",
    "持续有效",
    "≥90%",
]


def road_sheet(ws: Worksheet) -> None:
    """项目支出绩效目标表 as the budget system prints it: no year in the title (it is in
    the file name), 年度绩效目标 merged over a block, two-line merged header."""
    r = ROAD
    ws["A1"] = "项目支出绩效目标表"
    ws.merge_cells("A1:I1")
    ws["A2"] = "单位：万元"
    ws.merge_cells("A2:I2")
    ws["A3"] = "项目名称"
    ws.merge_cells("A3:B3")
    ws["C3"] = r["name"]
    ws.merge_cells("C3:I3")
    ws["A4"] = "主管部门"
    ws.merge_cells("A4:B4")
    ws["C4"] = r["supervisor"]
    ws.merge_cells("C4:E4")
    ws["F4"] = "实施单位"
    ws["G4"] = r["unit"]
    ws.merge_cells("G4:I4")
    ws["A5"] = "项目资金\n（万元）"
    ws.merge_cells("A5:B7")
    ws["C5"] = "资金总额"
    ws["D5"] = r["total_wan"]
    ws["C6"] = "财政拨款"
    ws["D6"] = r["appropriation_wan"]
    ws["C7"] = "其他资金"
    ws["D7"] = f"{r['other_wan']} "  # a number stored as text
    ws["A8"] = "年度绩效目标"
    ws.merge_cells("A8:B10")
    ws["C8"] = r["annual_goal"]
    ws.merge_cells("C8:I10")
    ws["C8"].alignment = WRAP
    # Two header rows: 年度指标值 over 指标性质 / 指标值 / 度量单位; the rest merged down.
    for col, text in zip(
        "ABCGHI",
        ("一级指标", "二级指标", "三级指标", "指标方向", "权重（分）", "备注"),
        strict=False,
    ):
        ws[f"{col}11"] = text
        ws.merge_cells(f"{col}11:{col}12")
    ws["D11"] = "年度指标值"
    ws.merge_cells("D11:F11")
    ws["D12"], ws["E12"], ws["F12"] = "指标性质", "指标值", "度量单位"
    row = 13
    for cat, sub, name, nature, value, unit, weight in r["indicators"]:
        ws[f"A{row}"], ws[f"B{row}"], ws[f"C{row}"] = cat, sub, name
        ws[f"D{row}"], ws[f"E{row}"], ws[f"F{row}"] = nature, value, unit
        if isinstance(value, float) and unit is None:
            ws[f"E{row}"].number_format = "0%"
        ws[f"G{row}"] = "正向" if nature == "≥" else "反向" if nature == "≤" else "—"
        ws[f"H{row}"] = weight
        ws[f"I{row}"] = "/"
        row += 1
    last = row - 1
    _merge_runs(ws, "A", 13, [i[0] for i in r["indicators"]])
    _merge_runs(ws, "B", 13, [i[1] for i in r["indicators"]])
    row += 1
    ws[f"A{row}"] = "填报单位（盖章）：" + r["unit"]
    ws.merge_cells(f"A{row}:I{row}")
    row += 1
    ws[f"A{row}"] = "单位负责人：王建国      填表人：李敏      联系电话：021-55501234"
    ws.merge_cells(f"A{row}:I{row}")
    ws.print_title_rows = "11:12"
    ws.print_area = f"A1:I{last + 3}"


def _merge_runs(ws: Worksheet, col: str, top: int, values: list[str]) -> None:
    """Write each run of equal values once, merged over its rows (as the templates do)."""
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            if i - 1 > start:
                for k in range(start + 1, i):
                    ws[f"{col}{top + k}"] = None
                ws.merge_cells(f"{col}{top + start}:{col}{top + i - 1}")
            start = i


# ---------------------------------------------------------------- column-B declaration

LIBRARY = {
    "year": 2022,
    "unit": "某区文化和旅游局",
    "name": "社区图书馆图书采购",
    "total_budget": 1500000,
    "year_budget": 500000,
    "overview": "为全区12个社区图书馆采购图书。",
    "basis": "《公共图书馆法》",
    "necessity": "社区图书馆藏书陈旧，更新率低。",
    "measures": "实行政府采购，专人验收。",
    "plan": "3月招标，6月到货，9月上架。",
    "overall_goal": "三年内社区图书馆藏书更新率达到30%。",
    "annual_goal": "年内采购图书2万册。",
    "items": [("图书采购", 450000), ("编目加工", 50000)],
    "indicators": [
        ("产出目标", "采购图书册数", "≥20000册"),
        ("产出目标", "图书验收合格率", "=100%"),
        ("效果目标", "借阅人次增长率", "≥10%"),
    ],
}


def library_sheet(ws: Worksheet) -> None:
    """Labels in column B (column A is a narrow margin), values merged over C:F, line breaks
    inside labels, placeholders for blank money and a blank 备注."""
    d = LIBRARY
    ws.column_dimensions["A"].width = 2
    ws["B2"] = f"{d['year']}年度财政支出项目绩效目标申报表"
    ws.merge_cells("B2:F2")
    rows: list[tuple[str, object]] = [
        ("申报单位\n名称", d["unit"]),
        ("项目名称", d["name"]),
        (
            "项目类型",
            "□市委市政府已确定的新增项目 □结转项目 ☑其他一次性项目 □经常性专项业务费 □其他经常性项目",
        ),
        ("资金用途", "资产购置类"),
        ("开始时间", "2022年3月1日"),
        ("结束时间", "2022.12.31"),
        ("项目概况", d["overview"]),
        ("立项依据", d["basis"]),
        ("项目设立的\n必要性", d["necessity"]),
        ("保证项目实施的\n制度、措施", d["measures"]),
        ("项目总预算\n（元）", "1,500,000.00 "),
        ("项目当年\n预算（元）", d["year_budget"]),
        ("同名项目上年\n预算额（元）", "—"),
        ("同名项目上年预算\n执行数（元）", "/"),
    ]
    r = 3
    for label, value in rows:
        ws[f"B{r}"] = label
        ws[f"B{r}"].alignment = WRAP
        ws[f"C{r}"] = value
        ws.merge_cells(f"C{r}:F{r}")
        r += 1
    ws[f"B{r}"] = "项目当年投入资金构成"
    ws.merge_cells(f"B{r}:B{r + len(d['items'])}")
    ws[f"C{r}"] = "子项目名称"
    ws.merge_cells(f"C{r}:D{r}")
    ws[f"E{r}"] = "预算金额（元）"
    ws.merge_cells(f"E{r}:F{r}")
    for name, amount in d["items"]:
        r += 1
        ws[f"C{r}"] = name
        ws.merge_cells(f"C{r}:D{r}")
        ws[f"E{r}"] = amount
        ws.merge_cells(f"E{r}:F{r}")
    r += 1
    for label, key in (
        ("项目实施\n计划", "plan"),
        ("项目总目标", "overall_goal"),
        ("年度绩效\n目标", "annual_goal"),
    ):
        ws[f"B{r}"] = label
        ws[f"C{r}"] = d[key]
        ws.merge_cells(f"C{r}:F{r}")
        r += 1
    ws[f"B{r}"] = "分解目标"
    ws.merge_cells(f"B{r}:B{r + len(d['indicators'])}")
    ws[f"C{r}"], ws[f"D{r}"], ws[f"E{r}"] = "分解目标内容", "绩效指标", "指标目标值"
    ws.merge_cells(f"E{r}:F{r}")
    for cat, name, target in d["indicators"]:
        r += 1
        ws[f"C{r}"], ws[f"D{r}"], ws[f"E{r}"] = cat, name, target
        ws.merge_cells(f"E{r}:F{r}")
    _merge_runs(ws, "C", r - len(d["indicators"]) + 1, [i[0] for i in d["indicators"]])
    r += 1
    ws[f"B{r}"] = "备注"
    ws[f"C{r}"] = "无"
    ws.merge_cells(f"C{r}:F{r}")


# ---------------------------------------------------------------- 自评表, merged categories

CLINIC = {
    "year": 2023,
    "name": "基层医疗机构能力提升",
    "unit": "某县卫生健康局",
    "supervisor": "某县人民政府",
    # (年初预算数, 全年预算数, 全年执行数) in 万元
    "total": (300, 320, 304),
    "appropriation": (300, 300, 288),
    "other": (0, 20, 16),
    "goal_expected": "完成15家村卫生室标准化建设。",
    "goal_actual": "完成15家村卫生室标准化建设，已投入使用。",
    # (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)
    "indicators": [
        ("产出指标", "数量指标", "标准化村卫生室数量", "≥15家", "15家", 10, 10, "/"),
        ("产出指标", "数量指标", "配备设备台套数", "≥60台套", "62台套", 10, 10, "/"),
        ("产出指标", "质量指标", "设备验收合格率", "=100%", 1.0, 10, 10, "/"),
        ("产出指标", "时效指标", "项目完成及时率", "≥95%", 0.97, 10, 10, "/"),
        ("产出指标", "成本指标", "单个卫生室建设成本", "≤20万元", "19.2万元", 10, 10, "/"),
        ("效益指标", "社会效益指标", "村民就近就医率", "≥70%", 0.72, 15, 15, "—"),
        ("效益指标", "可持续影响指标", "设备持续使用年限", "≥5年", "5年", 15, 15, "—"),
        ("满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", 0.93, 10, 10, "无"),
    ],
}


def clinic_sheet(ws: Worksheet) -> None:
    e = CLINIC
    ws["A1"] = "项目支出绩效自评表"
    ws.merge_cells("A1:J1")
    ws["A2"] = f"（{e['year']}年度）"
    ws.merge_cells("A2:J2")
    ws["A3"] = "项目名称"
    ws.merge_cells("A3:B3")
    ws["C3"] = e["name"]
    ws.merge_cells("C3:J3")
    ws["A4"] = "主管部门"
    ws.merge_cells("A4:B4")
    ws["C4"] = e["supervisor"]
    ws.merge_cells("C4:E4")
    ws["F4"] = "实施单位"
    ws["G4"] = e["unit"]
    ws.merge_cells("G4:J4")
    ws["A5"] = "项目资金\n（万元）"
    ws.merge_cells("A5:B8")
    for col, text in zip(
        "CDEFGHIJ",
        ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""),
        strict=False,
    ):
        if text:
            ws[f"{col}5"] = text
    for r, (label, key) in enumerate(
        (("年度资金总额", "total"), ("其中：财政拨款", "appropriation"), ("其他资金", "other")), 6
    ):
        ws[f"C{r}"] = label
        for col, v in zip("DEF", e[key], strict=False):
            ws[f"{col}{r}"] = v
    ws["G6"] = 10
    ws["H6"] = 0.95
    ws["H6"].number_format = "0.00%"
    ws["I6"] = 9.5
    for r in (7, 8):
        for col in "GHI":
            ws[f"{col}{r}"] = "—"
    ws["A9"] = "年度总体目标"
    ws.merge_cells("A9:B10")
    ws["C9"] = "预期目标"
    ws.merge_cells("C9:F9")
    ws["G9"] = "实际完成情况"
    ws.merge_cells("G9:J9")
    ws["C10"] = e["goal_expected"]
    ws.merge_cells("C10:F10")
    ws["G10"] = e["goal_actual"]
    ws.merge_cells("G10:J10")
    ws["A11"] = "绩效指标"
    ws.merge_cells(f"A11:A{11 + len(e['indicators'])}")
    for col, text in zip(
        "BCDEFGHI",
        (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度\n指标值",
            "实际\n完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ),
        strict=False,
    ):
        ws[f"{col}11"] = text
    ws.merge_cells("I11:J11")
    r = 12
    for cat, sub, name, target, actual, weight, score, dev in e["indicators"]:
        ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"], ws[f"E{r}"] = cat, sub, name, target
        ws[f"F{r}"] = actual
        if isinstance(actual, float):
            ws[f"F{r}"].number_format = "0%"
        ws[f"G{r}"], ws[f"H{r}"], ws[f"I{r}"] = weight, score, dev
        ws.merge_cells(f"I{r}:J{r}")
        r += 1
    _merge_runs(ws, "B", 12, [i[0] for i in e["indicators"]])
    _merge_runs(ws, "C", 12, [i[1] for i in e["indicators"]])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text ('=100%), as targets are
    ws[f"A{r}"] = "总分"
    ws.merge_cells(f"A{r}:G{r}")
    ws[f"H{r}"] = 99.5
    r += 1
    ws[f"A{r}"] = "填报单位（盖章）：" + e["unit"]
    ws.merge_cells(f"A{r}:J{r}")
    r += 1
    ws[f"A{r}"] = "单位负责人：陈伟  填表人：刘芳  联系电话：0571-86001234"
    ws.merge_cells(f"A{r}:J{r}")


def instructions_sheet(ws: Worksheet) -> None:
    """填表说明: the labels with how to fill them in, as the bureau's template ships it."""
    ws["A1"] = "填表说明（2023年度）"
    for r, (label, how) in enumerate(
        (
            ("项目名称", "按预算批复的项目名称填写"),
            ("主管部门", "填写一级预算单位"),
            ("实施单位", "填写项目实施单位全称"),
            ("年初预算数", "填写年初批复数"),
            ("全年执行数", "填写截至12月31日的支出数"),
            ("一级指标", "产出指标、效益指标、满意度指标"),
        ),
        2,
    ):
        ws[f"A{r}"], ws[f"B{r}"] = label, how


def clinic_stamp_only_sheet(ws: Worksheet) -> None:
    """The 自评表 with no 实施单位 field: the unit is on the 填报单位（盖章） line only."""
    clinic_sheet(ws)
    ws["F4"] = None
    ws["G4"] = None


# ---------------------------------------------------------------- flat lists

FLAT = [
    ("某区民政局", "居家养老服务补贴", [
        ("产出指标", "数量指标", "补贴老人人数", "≥", 3200, "人"),
        ("产出指标", "质量指标", "补贴发放准确率", "=", 1, None),
        ("满意度指标", "服务对象满意度指标", "老人满意度", "≥", 0.9, None),
    ]),
    ("某区民政局", "社区养老服务站运营", [
        ("产出指标", "数量指标", "运营服务站数量", "≥", "18 ", "个"),
        ("效益指标", "社会效益指标", "助餐服务覆盖面", "定性", "逐步扩大", "/"),
    ]),
    ("某区残联", "残疾人康复补助", [
        ("产出指标", "数量指标", "康复服务人次", "≥", 1500, "人次"),
        ("产出指标", "时效指标", "补助发放及时率", "≥", 0.98, None),
    ]),
]  # fmt: skip
FLAT_TARGETS = {
    "居家养老服务补贴": ["≥3200人", "=100%", "≥90%"],
    "社区养老服务站运营": ["≥18个", "逐步扩大"],
    "残疾人康复补助": ["≥1500人次", "≥98%"],
}


def flat_sheet(ws: Worksheet, *, repeat: bool) -> None:
    """One row per indicator, split target, 权重 and 备注 columns; the project's columns
    repeated on every row, or written on its first row only (blank = same as above)."""
    ws.append(["序号", "单位名称", "项目名称", "一级指标", "二级指标", "三级指标",
               "指标性质", "指标值", "度量单位", "权重", "备注"])  # fmt: skip
    n = 0
    for unit, name, rows in FLAT:
        for i, (a, b, c, nature, value, munit) in enumerate(rows):
            n += 1
            first = repeat or i == 0
            ws.append([n, unit if first else None, name if first else None,
                       a if first or a != rows[i - 1][0] else None, b, c,
                       nature, value, munit, 10, "—"])  # fmt: skip
            if isinstance(value, float) and value < 1.5 and munit is None or value == 1:
                ws.cell(ws.max_row, 8).number_format = "0%"
    ws.append([])
    ws.append(["填表人：周丽", None, "联系电话：010-66001234"])


# ---------------------------------------------------------------- 一体化 申报表

AIR = {
    "year": 2024,
    "unit": "某市生态环境局",
    "name": "大气污染防治监测",
    "year_budget_wan": 120,
    "total_budget_wan": 360,
    "annual_goal": "完成全市32个空气质量自动监测站运维，数据有效率不低于95%。",
    # (一级, 二级, 三级, 指标值 as the cell holds it, 权重)
    "indicators": [
        ("产出指标", "数量指标", "运维监测站数量", "32个", 20),
        ("产出指标", "质量指标", "监测数据有效率", 0.95, 20),
        ("产出指标", "时效指标", "故障修复时限", "≤48小时", 10),
        ("效益指标", "生态效益指标", "空气质量优良天数比例", 0.8, 20),
        ("效益指标", "社会效益指标", "环境信息公开", "及时公开", 10),
        ("满意度指标", "服务对象满意度指标", "公众满意度", "≥85%", 10),
    ],
}
AIR_TARGETS = ["32个", "95%", "≤48小时", "80%", "及时公开", "≥85%"]


def air_sheet(ws: Worksheet) -> None:
    """The 预算管理一体化 申报表: an 附件 line above the title, an extra 项目编码 field, the
    dates in one 项目期限 cell, amounts with their unit in a cell of its own, the annual goal
    below its label, 指标值（包含数字及文字描述） and 权重（%） headers, and the unit named
    only by the 填报单位（盖章） line at the bottom, sign-off labels in cells of their own."""
    a = AIR
    ws["A1"] = "附件2"
    ws["A2"] = f"{a['year']}年度项目支出绩效目标申报表"
    ws.merge_cells("A2:F2")
    ws["A3"], ws["B3"] = "项目名称", a["name"]
    ws.merge_cells("B3:F3")
    ws["A4"], ws["B4"] = "项目编码", "'430100241000000123"
    ws["D4"], ws["E4"] = "项目期限", "2024年1月-2024年12月"
    ws.merge_cells("E4:F4")
    ws["A5"], ws["B5"], ws["C5"] = "项目总预算", a["total_budget_wan"], "万元"
    ws["D5"], ws["E5"], ws["F5"] = "项目当年预算", a["year_budget_wan"], "万元"
    ws["A6"] = "年度绩效目标"
    ws.merge_cells("A6:F6")
    ws["A7"] = a["annual_goal"]
    ws.merge_cells("A7:F7")
    header = ("一级指标", "二级指标", "三级指标", "指标值（包含数字及文字描述）", "权重（%）")
    for col, text in zip("ABCDE", header, strict=True):
        ws[f"{col}8"] = text
    r = 9
    for cat, sub, name, value, weight in a["indicators"]:
        ws[f"A{r}"], ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"], ws[f"E{r}"] = (
            cat, sub, name, value, weight
        )  # fmt: skip
        if isinstance(value, float):
            ws[f"D{r}"].number_format = "0%"
        r += 1
    _merge_runs(ws, "A", 9, [i[0] for i in a["indicators"]])
    r += 1
    ws[f"A{r}"] = "填报单位（盖章）：" + a["unit"]
    ws.merge_cells(f"A{r}:F{r}")
    r += 1
    ws[f"A{r}"], ws[f"B{r}"] = "单位负责人（签字）", "赵强"
    ws[f"C{r}"], ws[f"D{r}"] = "填表人", "孙丽"
    ws[f"E{r}"], ws[f"F{r}"] = "联系电话", "0731-88881234"
    r += 1
    ws[f"A{r}"], ws[f"B{r}"] = "填报日期：", "2024年1月15日"


# ---------------------------------------------------------------- main


def soffice(fmt: str, files: list[Path], outdir: Path = OUT) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        sys.exit("soffice (LibreOffice) is needed for the re-saved files")
    subprocess.run(
        [exe, "-env:UserInstallation=file:///tmp/lo_variety", "--headless", "--convert-to",
         fmt, "--outdir", str(outdir), *map(str, files)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip


def book(make, title: str, name: str) -> Path:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    make(ws)
    path = OUT / name
    wb.save(path)
    return path


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    road = book(road_sheet, "绩效目标表", "2024年城市道路养护项目绩效目标表.xlsx")
    library = book(library_sheet, "Sheet1", "library_column_b.xlsx")
    air = book(air_sheet, "申报表", "air_budget_system.xlsx")
    path = book(instructions_sheet, "填表说明", "clinic_with_instructions.xlsx")
    wb = openpyxl.load_workbook(path)
    clinic_stamp_only_sheet(wb.create_sheet("自评表"))
    wb.save(path)
    clinic = book(clinic_sheet, "自评表", "clinic_eval_merged.xlsx")
    book(lambda ws: flat_sheet(ws, repeat=True), "2025年绩效目标", "flat_repeat.xlsx")
    book(lambda ws: flat_sheet(ws, repeat=False), "2025年绩效目标", "flat_first_row.xlsx")
    # Re-saved by another program: LibreOffice writes its own styles and shared strings.
    lo = OUT / "lo"
    lo.mkdir()
    for src in (road, library, air):
        shutil.copy(src, lo / src.name)
    soffice("xls", [lo / road.name, lo / library.name, lo / air.name])
    re_saved = lo / "out"
    re_saved.mkdir()
    soffice("xlsx", [clinic], re_saved)
    soffice("xls", [clinic], re_saved)
    (re_saved / "clinic_eval_merged.xls").rename(OUT / "clinic_eval_merged_lo.xls")
    (re_saved / clinic.name).rename(OUT / "clinic_eval_merged_lo.xlsx")
    shutil.rmtree(lo)
    (OUT / "library_column_b.xls").rename(OUT / "library_column_b_lo.xls")
    (OUT / "air_budget_system.xls").rename(OUT / "air_budget_system_lo.xls")


if __name__ == "__main__":
    main()
