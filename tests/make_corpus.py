"""Generate the Excel-import corpus in tests/data/excel_in/ (committed; rerun to refresh).

    python tests/make_corpus.py

The seed (tests/data/seed.json) is laid out as the bureau's form in many variants, plus
national-framework forms, self-evaluations, flat lists, .xls files and bad files. Files that
need cached formula values or the .xls format go through LibreOffice (``soffice``); the
encrypted file needs the ``msoffcrypto-tool`` package. The data written here is imported by
tests/test_excel_in*.py, which state what each file must read back as.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).parent
OUT = HERE / "data" / "excel_in"
SEED = json.loads((HERE / "data" / "seed.json").read_text(encoding="utf-8"))

PROJECT_TYPES = (
    "市委市政府已确定的新增项目",
    "结转项目",
    "其他一次性项目",
    "经常性专项业务费",
    "其他经常性项目",
)
FUND_USES = (
    "基本建设工程类",
    "信息化建设类",
    "政策补贴类",
    "政府购买服务",
    "资产购置类",
    "其他事业专业类",
)

FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


# ---------------------------------------------------------------- the seed form


def _label(text: str, style: str) -> str:
    """Label variants: 'plain', 'spaced' (项 目 名 称), 'colon' (项目名称：), 'ascii' ((元))."""
    if style == "spaced":
        base, _, unit = text.partition("（")
        spaced = " ".join(base) if len(base) <= 6 else base
        return spaced + (("（" + unit) if unit else "")
    if style == "colon":
        return text + "："
    if style == "ascii":
        return text.replace("（", "(").replace("）", ")")
    return text


def _money(value: int | None, style: str) -> object:
    if value is None:
        return None
    if style == "wan":
        return value / 10000 if value % 10000 else value // 10000
    if style == "text":
        return f"{value:,}"
    if style == "fullwidth":
        return f"{value:,}".translate(FULLWIDTH)
    if style == "suffix":
        return f"{value / 10000:g}万元"
    return value


def _date(iso: str, style: str) -> object:
    d = dt.date.fromisoformat(iso)
    return {
        "date": d,
        "dash": f"{d.year}-{d.month}-{d.day}",
        "slash": f"{d.year}/{d.month:02d}/{d.day:02d}",
        "dot": f"{d.year}.{d.month}.{d.day}",
        "cn": f"{d.year}年{d.month}月{d.day}日",
    }[style]


def _boxes(options: tuple[str, ...], chosen: str, style: str) -> list[str]:
    """One text per option, in the group's style."""
    on, off, before = {
        "after": ("☑", "□", False),
        "before": ("☑", "□", True),
        "wps": ("■", "□", False),
        "tick": ("√", "☐", True),
        "heavy": ("✔", "☐", False),
        "bracket": ("[x]", "[ ]", True),
        "block": ("▇", "□", False),
    }[style]
    out = []
    for opt in options:
        mark = on if opt == chosen else off
        out.append(f"{mark}{opt}" if before else f"{opt}{mark}")
    return out


def seed_sheet(
    ws: Worksheet,
    d: dict[str, Any],
    *,
    top: int = 1,
    left: int = 1,
    blank_after: tuple[str, ...] = (),
    labels: str = "plain",
    money: str = "number",
    dates: str = "dash",
    boxes: str = "after",
    box_cells: bool = False,
    year_line: str | None = "paren",
    unit_inline: bool = True,
    formula: str | None = None,
) -> dict[str, str]:
    """Lay the declaration ``d`` out as the seed form; returns cell names of some fields."""
    cols = [openpyxl.utils.get_column_letter(left + i) for i in range(4)]
    A, B, C, D = cols
    where: dict[str, str] = {}
    r = top
    wrap = Alignment(wrap_text=True, vertical="center")
    unit_money = "（万元）" if money == "wan" else "（元）"

    def put(col: str, text: object) -> None:
        ws[f"{col}{r}"] = text
        ws[f"{col}{r}"].alignment = wrap

    def merge(c0: str, c1: str, r0: int | None = None, r1: int | None = None) -> None:
        ws.merge_cells(f"{c0}{r0 or r}:{c1}{r1 or r0 or r}")

    def nxt(tag: str = "") -> None:
        nonlocal r
        r += 1
        if tag in blank_after:
            r += 1

    def lab(text: str) -> str:
        return _label(text, labels)

    put(A, "上海市财政支出项目绩效目标申报表")
    merge(A, D)
    nxt("title")
    if year_line == "paren":
        put(A, f"({d['year']}年)")
        merge(A, D)
        nxt("year")
    elif year_line == "du":
        put(A, f"{d['year']}年度")
        merge(A, D)
        nxt("year")
    if unit_inline:
        put(A, f"申报单位名称：{d['unit']}")
        merge(A, D)
    else:
        put(A, lab("申报单位名称"))
        put(B, d["unit"])
        merge(B, D)
    where["unit"] = f"{A}{r}"
    nxt("unit")
    put(A, lab("项目名称"))
    put(B, d["name"])
    merge(B, D)
    where["name"] = f"{B}{r}"
    nxt("name")
    for key, options, split in (("project_type", PROJECT_TYPES, 3), ("fund_use", FUND_USES, 6)):
        texts = _boxes(options, d[key], boxes)
        put(A, lab("项目类型" if key == "project_type" else "资金用途"))
        first = r
        lines = [texts[:split], texts[split:]] if split < len(texts) else [texts]
        if box_cells:
            lines = [[opt] for opt in options]
        for line in lines:
            if box_cells:
                # One option a row, its box in a cell of its own beside it.
                opt = line[0]
                put(B, opt)
                put(C, "☑" if opt == d[key] else "□")
            else:
                put(B, " ".join(line))
                merge(B, D)
            if line is not lines[-1]:
                r += 1
        if r > first:
            merge(A, A, first, r)
        nxt(key)
    put(A, lab("开始时间"))
    put(B, _date(d["start_date"], dates))
    put(C, lab("结束时间"))
    put(D, _date(d["end_date"], dates))
    where["start_date"] = f"{B}{r}"
    for c in (B, D):
        if dates == "date":
            ws[f"{c}{r}"].number_format = "yyyy-mm-dd"
    nxt("dates")
    for key, text in (
        ("overview", "项目概况"),
        ("basis", "立项依据"),
        ("necessity", "项目设立的必要性"),
        ("measures", "保证项目实施的制度、措施"),
    ):
        put(A, lab(text))
        put(B, d[key])
        merge(B, D)
        nxt(key)
    put(A, lab("项目总预算" + unit_money))
    put(B, _money(d["total_budget"], money))
    put(C, lab("项目当年预算" + unit_money))
    put(D, _money(d["year_budget"], money))
    where["year_budget"] = f"{D}{r}"
    year_budget_row = r
    nxt("budget")
    put(A, lab("同名项目上年预算额" + unit_money))
    put(B, _money(d["prev_year_budget"], money))
    put(C, lab("同名项目上年预算执行数" + unit_money))
    put(D, _money(d["prev_year_spent"], money))
    nxt("prev")
    block_top = r
    put(A, lab("项目当年投入资金构成"))
    put(B, "子项目名称")
    merge(B, C)
    put(D, "预算金额" + unit_money)
    items = d["budget_items"]
    first_item = r + 1
    for item in items:
        r += 1
        put(B, item["name"])
        merge(B, C)
        put(D, _money(item["amount"], money))
    merge(A, A, block_top, r)
    if formula:
        # The year budget as the sum of the items (no cached value when openpyxl writes it).
        ws[f"{D}{year_budget_row}"] = formula.format(col=D, first=first_item, last=r)
    nxt("items")
    for key, text in (
        ("plan", "项目实施计划"),
        ("overall_goal", "项目总目标"),
        ("annual_goal", "年度绩效目标"),
    ):
        put(A, lab(text))
        put(B, d[key])
        merge(B, D)
        nxt(key)
    put(A, "分解目标")
    merge(A, D)
    nxt("goals")
    put(A, "分解目标内容")
    put(B, "绩效指标")
    merge(B, C)
    put(D, "指标目标值")
    nxt("header")
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for ind in d["indicators"]:
        if groups and groups[-1][0] == ind["category"]:
            groups[-1][1].append(ind)
        else:
            groups.append((ind["category"], [ind]))
    for category, inds in groups:
        first = r
        put(A, category)
        for n, ind in enumerate(inds):
            put(B, ind["name"])
            merge(B, C)
            put(D, ind["target"])
            if n < len(inds) - 1:
                r += 1
        if r > first:
            merge(A, A, first, r)
        nxt("ind")
    put(A, lab("备注"))
    put(B, d["remarks"])
    merge(B, D)
    s = d.get("signoff")
    if s:
        r += 2
        put(A, f"单位负责人：{s['head']}")
        put(B, f"填表人：{s['preparer']}")
        put(C, lab("联系电话"))
        put(D, s["phone"])
        r += 1
        put(C, lab("填报日期"))
        put(D, _date(s["date"], dates))
    ws.column_dimensions[A].width = 22
    ws.column_dimensions[B].width = 40
    ws.column_dimensions[C].width = 22
    ws.column_dimensions[D].width = 30
    return where


def save(wb: openpyxl.Workbook, name: str) -> Path:
    path = OUT / name
    wb.save(path)
    return path


def one_sheet(title: str = "申报表") -> tuple[openpyxl.Workbook, Worksheet]:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    return wb, ws


# ---------------------------------------------------------------- second project (for multi)

SECOND = copy.deepcopy(SEED)
SECOND.update(
    name="12345热线知识库维护",
    project_type="其他经常性项目",
    fund_use="信息化建设类",
    total_budget=2400000,
    year_budget=1200000,
    prev_year_budget=None,
    prev_year_spent=None,
    budget_items=[{"name": "知识库运维", "amount": 800000}, {"name": "数据标注", "amount": 400000}],
    indicators=[
        {
            "category": "产出目标",
            "subcategory": None,
            "name": "知识条目更新数",
            "target": "≥3000条",
            "direction": None,
        },
        {
            "category": "效果目标",
            "subcategory": None,
            "name": "知识库准确率",
            "target": "≥98%",
            "direction": None,
        },
    ],
    remarks="无",
    signoff={"head": "王五", "preparer": "赵六", "phone": "021-12345678", "date": "2019-03-15"},
)

# ---------------------------------------------------------------- national framework

NATIONAL = {
    "year": 2023,
    "unit": "某市数据局",
    "supervisor": "某市人民政府办公厅",
    "name": "政务数据共享平台运维",
    "year_budget": 1250000,
    "overall_goal": "建成全市统一的政务数据共享平台并稳定运行。",
    "annual_goal": "平台全年稳定运行，共享接口调用量不低于500万次。",
    "indicators": [
        ("产出指标", "数量指标", "共享接口数量", ("≥", "120", "个"), "≥120个"),
        ("产出指标", "质量指标", "平台可用率", (">=", "99.5", "%"), "≥99.5%"),
        ("产出指标", "时效指标", "故障响应时间", ("≤", "30", "分钟"), "≤30分钟"),
        ("产出指标", "成本指标", "运维成本", ("≤", 125, "万元"), "≤125万元"),
        ("效益指标", "社会效益指标", "数据共享调用量", ("≥", "500", "万次"), "≥500万次"),
        ("效益指标", "可持续影响指标", "平台持续运行", ("定性", "长期稳定", ""), "长期稳定"),
        ("满意度指标", "服务对象满意度指标", "使用部门满意度", ("≥", "90", "%"), "≥90%"),
    ],
}


def national_declaration(ws: Worksheet, split: bool = True) -> None:
    n = NATIONAL
    ws["A1"] = "项目支出绩效目标申报表"
    ws.merge_cells("A1:G1")
    ws["A2"] = f"（{n['year']}年度）"
    ws.merge_cells("A2:G2")
    ws["A3"] = "项目名称"
    ws["B3"] = n["name"]
    ws.merge_cells("B3:G3")
    ws["A4"] = "主管部门"
    ws["B4"] = n["supervisor"]
    ws.merge_cells("B4:C4")
    ws["D4"] = "实施单位"
    ws["E4"] = n["unit"]
    ws.merge_cells("E4:G4")
    ws["A5"] = "项目资金（万元）"
    ws.merge_cells("A5:A7")
    ws["B5"] = "年度资金总额（万元）"
    ws["C5"] = n["year_budget"] / 10000
    ws["B6"] = "其中：财政拨款"
    ws["C6"] = n["year_budget"] / 10000
    ws["B7"] = "其他资金"
    ws["A8"] = "总体目标"
    ws.merge_cells("A8:A9")
    ws["B8"] = "中长期目标"
    ws["C8"] = n["overall_goal"]
    ws.merge_cells("C8:G8")
    ws["B9"] = "年度目标"
    ws["C9"] = n["annual_goal"]
    ws.merge_cells("C9:G9")
    r = 10
    ws[f"A{r}"] = "绩效指标"
    if split:
        ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"] = "一级指标", "二级指标", "三级指标"
        ws[f"E{r}"] = "年度指标值"
        ws.merge_cells(f"E{r}:G{r}")
        for c in "BCD":
            ws.merge_cells(f"{c}{r}:{c}{r + 1}")
        r += 1
        ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"] = "指标性质", "指标值", "度量单位"
    else:
        ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"], ws[f"E{r}"] = (
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
        )
    top = r + 1
    prev = None
    for cat, sub, name, (nature, value, unit), joined in n["indicators"]:
        r += 1
        if cat != prev:
            ws[f"B{r}"] = cat
            prev = cat
        ws[f"C{r}"] = sub
        ws[f"D{r}"] = name
        if split:
            ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"] = nature, value, unit
        else:
            ws[f"E{r}"] = joined
    ws.merge_cells(f"A10:A{r}")
    # 一级指标 merged over its rows, as the national template does.
    start = top
    cats = [i[0] for i in n["indicators"]]
    for i in range(1, len(cats) + 1):
        if i == len(cats) or cats[i] != cats[i - 1]:
            if top + i - 1 > start:
                ws.merge_cells(f"B{start}:B{top + i - 1}")
            start = top + i


# ---------------------------------------------------------------- self-evaluations

EVAL_NATIONAL = {
    "year": 2023,
    "name": NATIONAL["name"],
    "unit": NATIONAL["unit"],
    "supervisor": NATIONAL["supervisor"],
    "money_wan": {
        "total": (125, 130, 123.5),
        "appropriation": (125, 120, 113.5),
        "carried_over": (0, 10, 10),
        "other": None,
    },
    "goal_expected": NATIONAL["annual_goal"],
    "goal_actual": "平台全年稳定运行，共享接口调用量达到612万次。",
    # (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)
    "indicators": [
        ("产出指标", "数量指标", "共享接口数量", "≥120个", "132个", 15, 15, None),
        ("产出指标", "质量指标", "平台可用率", "≥99.5%", "99.7%", 15, 15, None),
        ("产出指标", "时效指标", "故障响应时间", "≤30分钟", "25分钟", 10, 10, None),
        ("产出指标", "成本指标", "运维成本", "≤125万元", "123.5万元", 10, 10, None),
        (
            "效益指标",
            "社会效益指标",
            "数据共享调用量",
            "≥500万次",
            "612万次",
            20,
            20,
            "调用量超出预期，下年度适当提高目标。",
        ),
        ("效益指标", "可持续影响指标", "平台持续运行", "长期稳定", "达成年度指标", 10, 9, None),
        # Stated 8 where the rules give 10 × 85/90 = 9.44: kept as an override, with a warning.
        (
            "满意度指标",
            "服务对象满意度指标",
            "使用部门满意度",
            "≥90%",
            "85%",
            10,
            8,
            "部分部门对响应速度不满意，已增加值守人员。",
        ),
    ],
}


def evaluation_sheet(
    ws: Worksheet, e: dict[str, Any], *, shanghai: bool = False, scores: bool = True
) -> None:
    title = "上海市财政项目支出绩效自评表" if shanghai else "项目支出绩效自评表"
    unit_label = "（元）" if shanghai else "（万元）"
    factor = 10000 if shanghai else 1
    ws["A1"] = title
    ws.merge_cells("A1:J1")
    ws["A2"] = f"（{e['year']}年度）"
    ws.merge_cells("A2:J2")
    ws["A3"] = "项目名称"
    ws["B3"] = e["name"]
    ws.merge_cells("B3:J3")
    ws["A4"] = "主管部门"
    ws["B4"] = e["supervisor"]
    ws.merge_cells("B4:E4")
    ws["F4"] = "实施单位"
    ws["G4"] = e["unit"]
    ws.merge_cells("G4:J4")
    ws["A5"] = "项目资金" + unit_label
    ws.merge_cells("A5:A9")
    for col, text in zip(
        "CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), strict=True
    ):
        ws[f"{col}5"] = text
    labels = {
        "total": "年度资金总额",
        "appropriation": "其中：当年财政拨款",
        "carried_over": "上年结转资金",
        "other": "其他资金",
    }
    for r, key in zip(
        range(6, 10), ("total", "appropriation", "carried_over", "other"), strict=True
    ):
        ws[f"B{r}"] = labels[key]
        row = e["money_wan"][key]
        if row:
            for col, v in zip("CDE", row, strict=True):
                ws[f"{col}{r}"] = v * factor
    total = e["money_wan"]["total"]
    ws["F6"] = 10
    ws["G6"] = f"{total[2] / total[1] * 100:.2f}%"
    if scores:
        ws["H6"] = round(10 * total[2] / total[1], 2)
    ws["A10"] = "年度总体目标"
    ws.merge_cells("A10:A11")
    ws["B10"] = "预期目标"
    ws.merge_cells("B10:E10")
    ws["F10"] = "实际完成情况"
    ws.merge_cells("F10:J10")
    ws["B11"] = e["goal_expected"]
    ws.merge_cells("B11:E11")
    ws["F11"] = e["goal_actual"]
    ws.merge_cells("F11:J11")
    r = 12
    ws[f"A{r}"] = "绩效指标"
    for col, text in zip(
        "BCDEFGHI",
        (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ),
        strict=True,
    ):
        ws[f"{col}{r}"] = text
    ws.merge_cells(f"I{r}:J{r}")
    prev = None
    for cat, sub, name, target, actual, weight, score, dev in e["indicators"]:
        r += 1
        if cat != prev:
            ws[f"B{r}"] = cat
            prev = cat
        ws[f"C{r}"], ws[f"D{r}"], ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"] = (
            sub,
            name,
            target,
            actual,
            weight,
        )
        if scores:
            ws[f"H{r}"] = score
        ws[f"I{r}"] = dev
        ws.merge_cells(f"I{r}:J{r}")
    ws.merge_cells(f"A12:A{r}")
    r += 1
    ws[f"A{r}"] = "总分"
    ws.merge_cells(f"A{r}:F{r}")
    ws[f"G{r}"] = 100
    r += 1
    ws[f"A{r}"] = "自评等级"


EVAL_SHANGHAI = copy.deepcopy(EVAL_NATIONAL)
EVAL_SHANGHAI.update(
    year=2019,
    name=SEED["name"],
    unit=SEED["unit"],
    supervisor="上海市人民政府办公厅",
    money_wan={
        "total": (13334, 13334, 13067.32),
        "appropriation": (13334, 13334, 13067.32),
        "carried_over": None,
        "other": None,
    },
    goal_expected=SEED["annual_goal"],
    goal_actual="热线接通率90.2%，一次性解答率47%，有责投诉率0.25%。",
    indicators=[
        (
            "产出指标",
            "数量指标",
            "全年12345热线平台受理量",
            "≥379.8万个",
            "401.3万个",
            25,
            None,
            None,
        ),
        ("产出指标", "质量指标", "话务员一次性解答率", "≥45%", "47%", 25, None, None),
        ("效益指标", "社会效益指标", "话务员有责投诉率", "≤0.3%", "0.25%", 30, None, None),
        (
            "满意度指标",
            "服务对象满意度指标",
            "12345热线回访市民满意度",
            "≥94.90%",
            "95.3%",
            10,
            None,
            None,
        ),
    ],
)


# ---------------------------------------------------------------- flat lists

LIST_PROJECTS = [
    ("某区教育局", "校舍维修改造", [
        ("产出指标", "数量指标", "维修校舍面积", "≥12000平方米"),
        ("产出指标", "质量指标", "工程验收合格率", "=100%"),
        ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%"),
    ]),
    ("某区教育局", "学生营养餐补助", [
        ("产出指标", "数量指标", "受益学生人数", "≥8500人"),
        ("效益指标", "社会效益指标", "学生营养状况改善", "明显改善"),
    ]),
    ("某区卫健委", "社区卫生服务中心设备购置", [
        ("产出指标", "数量指标", "购置设备台数", "≥45台"),
        ("产出指标", "时效指标", "设备到位时间", "≤6个月"),
        ("效益指标", "社会效益指标", "基层首诊率", "≥65%"),
        ("满意度指标", "服务对象满意度指标", "患者满意度", "≥92%"),
    ]),
]  # fmt: skip

LIST_EVAL = [
    # unit, name, rows of (一级, 二级, 三级, 指标值, 实际完成值, 分值, 得分)
    ("某区教育局", "校舍维修改造", [
        ("产出指标", "数量指标", "维修校舍面积", "≥12000平方米", "12600平方米", 30, 30),
        ("产出指标", "质量指标", "工程验收合格率", "=100%", "100%", 30, 30),
        ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%", "93%", 30, 30),
    ]),
    ("某区卫健委", "社区卫生服务中心设备购置", [
        ("产出指标", "数量指标", "购置设备台数", "≥45台", "45台", 45, None),
        ("效益指标", "社会效益指标", "基层首诊率", "≥65%", "52%", 45, None),
    ]),
]  # fmt: skip


def as_text(ws: Worksheet) -> None:
    """Targets such as '=100%' are text on the forms, not formulas."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def list_sheet(ws: Worksheet, year: int) -> None:
    ws["A1"] = f"{year}年度项目绩效目标清单"
    ws.merge_cells("A1:G1")
    ws.append(["年度", "申报单位", "项目名称", "一级指标", "二级指标", "三级指标", "指标值"])
    r = 2
    for n, (unit, name, rows) in enumerate(LIST_PROJECTS):
        first = r + 1
        for i, (a, b, c, t) in enumerate(rows):
            # The first project writes its name once and merges; the others repeat it or
            # leave it blank below the first row.
            show = i == 0 or n == 2
            ws.append([year, unit, name if show else None, a, b, c, t])
            r += 1
        if n == 0:
            ws.merge_cells(f"C{first}:C{r}")
    as_text(ws)


def eval_list_sheet(ws: Worksheet, year: int) -> None:
    ws.append(
        [
            "年度",
            "实施单位",
            "项目名称",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
        ]
    )
    for unit, name, rows in LIST_EVAL:
        for a, b, c, t, actual, w, s in rows:
            ws.append([f"{year}年", unit, name, a, b, c, t, actual, w, s])
    as_text(ws)


# ---------------------------------------------------------------- bad files


def entity_bomb(source: Path, target: Path) -> None:
    """The seed with a billion-laughs DOCTYPE in its first sheet."""
    bomb = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b"]>\n"
    )
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                body = body.replace(
                    b"<sheetData>",
                    b'<sheetData><row r="200"><c r="A200" t="inlineStr">'
                    b"<is><t>&lol9;</t></is></c></row>",
                    1,
                )
                data = bomb + body
            zout.writestr(info, data)


def zip_bomb(target: Path, size: int) -> None:
    """A package whose sheet inflates to ``size`` bytes of nothing."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b" " * (1024 * 1024)
            for _ in range(size // len(block)):
                fh.write(block)


def soffice(fmt: str, files: list[Path], outdir: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        sys.exit("soffice (LibreOffice) is needed to make .xls and recalculated files")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                *map(str, files),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )


def encrypt(source: Path, target: Path) -> None:
    # pip install msoffcrypto-tool (only to make this one file)
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with source.open("rb") as fh:
        OOXMLFile(fh).encrypt("perfdesk", out)
    target.write_bytes(out.getvalue())


# ---------------------------------------------------------------- main


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    seed = SEED

    wb, ws = one_sheet()
    seed_sheet(ws, seed)
    seed_path = save(wb, "seed.xlsx")

    variants: dict[str, dict[str, Any]] = {
        "seed_offset_blank_rows.xlsx": dict(
            top=4, left=3, blank_after=("title", "year", "dates", "budget", "items", "goals", "ind")
        ),
        "seed_spaced_labels.xlsx": dict(labels="spaced", unit_inline=False),
        "seed_colon_labels.xlsx": dict(labels="colon", boxes="before"),
        "seed_ascii_brackets.xlsx": dict(labels="ascii", boxes="wps"),
        "seed_wan.xlsx": dict(money="wan", boxes="tick"),
        "seed_text_amounts.xlsx": dict(money="text", dates="slash", boxes="heavy"),
        "seed_fullwidth_amounts.xlsx": dict(money="fullwidth", dates="cn", boxes="bracket"),
        "seed_suffix_amounts.xlsx": dict(money="suffix", dates="dot", boxes="block"),
        "seed_excel_dates.xlsx": dict(dates="date", box_cells=True),
        "seed_year_du.xlsx": dict(year_line="du"),
        "seed_formula_nocache.xlsx": dict(formula="=SUM({col}{first}:{col}{last})"),
    }
    for name, kw in variants.items():
        wb, ws = one_sheet()
        seed_sheet(ws, seed, **kw)
        save(wb, name)

    # Checkbox groups written as just the chosen option's name.
    wb, ws = one_sheet()
    seed_sheet(ws, seed)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "□" in cell.value:
                text = cell.value
                cell.value = next((o for o in PROJECT_TYPES + FUND_USES if o + "☑" in text), None)
    save(wb, "seed_choice_names.xlsx")

    # Year only in the sheet name / only in the file name / nowhere (needs --year).
    wb, ws = one_sheet("2019年申报表")
    seed_sheet(ws, seed, year_line=None)
    save(wb, "seed_year_in_sheet_name.xlsx")
    wb, ws = one_sheet()
    seed_sheet(ws, seed, year_line=None)
    save(wb, "申报表_2019.xlsx")
    wb, ws = one_sheet()
    seed_sheet(ws, seed, year_line=None)
    save(wb, "seed_no_year.xlsx")

    # Several forms in one workbook, a blank sheet and a notes sheet.
    wb, ws = one_sheet("热线外包")
    seed_sheet(ws, seed)
    ws2 = wb.create_sheet("知识库")
    seed_sheet(ws2, SECOND, top=2, left=2, dates="cn")
    wb.create_sheet("Sheet3")
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "请按要求填写，金额单位为元。"
    save(wb, "multi_forms.xlsx")

    # National framework: split target columns, and joined.
    wb, ws = one_sheet("目标表")
    national_declaration(ws, split=True)
    save(wb, "national_split.xlsx")
    wb, ws = one_sheet("目标表")
    national_declaration(ws, split=False)
    save(wb, "national_joined.xlsx")

    # Self-evaluations.
    wb, ws = one_sheet("自评表")
    evaluation_sheet(ws, EVAL_NATIONAL)
    eval_path = save(wb, "eval_national_wan.xlsx")
    wb, ws = one_sheet("自评表")
    evaluation_sheet(ws, EVAL_SHANGHAI, shanghai=True, scores=False)
    save(wb, "eval_shanghai_yuan.xlsx")

    # Flat lists.
    wb, ws = one_sheet("指标清单")
    list_sheet(ws, 2024)
    list_path = save(wb, "flat_list.xlsx")
    wb, ws = one_sheet("2024年自评清单")
    eval_list_sheet(ws, 2024)
    save(wb, "flat_eval_list.xlsx")

    # .xlsx re-saved by LibreOffice (formula cached), .xls by LibreOffice and by xlwt.
    lo = OUT / "_lo"
    lo.mkdir()
    soffice("xlsx:Calc MS Excel 2007 XML", [OUT / "seed_formula_nocache.xlsx"], lo)
    (lo / "seed_formula_nocache.xlsx").rename(OUT / "seed_formula_cached_libreoffice.xlsx")
    soffice("xls:MS Excel 97", [seed_path, eval_path, OUT / "multi_forms.xlsx"], lo)
    for f in lo.iterdir():
        f.rename(OUT / f.name)
    lo.rmdir()
    xlwt_list(OUT / "flat_list_xlwt.xls")

    # Bad files.
    bad = OUT / "bad"
    bad.mkdir()
    (bad / "not_a_spreadsheet.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (bad / "html_saved_as.xls").write_text(
        "<html><body><table><tr><td>项目名称</td></tr></table></body></html>", encoding="utf-8"
    )
    (bad / "empty.xlsx").write_bytes(b"")
    data = seed_path.read_bytes()
    (bad / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    encrypt(seed_path, bad / "encrypted.xlsx")
    zip_bomb(bad / "zip_bomb.xlsx", 300 * 1024 * 1024)
    zip_bomb(bad / "zip_ratio_bomb.xlsx", 64 * 1024 * 1024)
    entity_bomb(seed_path, bad / "xml_entity_bomb.xlsx")
    wb, ws = one_sheet("统计")
    ws.append(["序号", "姓名", "金额"])
    ws.append([1, "张三", 100])
    save(wb, "bad/no_form.xlsx")
    for name, cell_key, value in (
        ("bad_amount.xlsx", "year_budget", "一亿"),
        ("bad_date.xlsx", "start_date", "明年春天"),
        ("no_project_name.xlsx", "name", None),
    ):
        wb, ws = one_sheet()
        where = seed_sheet(ws, seed)
        ws[where[cell_key]] = value
        save(wb, f"bad/{name}")
    wb, ws = one_sheet()
    seed_sheet(ws, seed, formula="=ROUND({col}{first}*1.1,0)")
    save(wb, "bad/formula_not_sum.xlsx")
    wb, ws = one_sheet()
    list_sheet(ws, 2024)
    ws["C3"].value = None
    ws.unmerge_cells("C3:C5")
    save(wb, "bad/list_missing_name.xlsx")
    print(f"corpus written to {OUT}")
    _ = list_path


def xlwt_list(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("指标清单")
    header = ["年度", "申报单位", "项目名称", "一级指标", "二级指标", "三级指标", "指标值"]
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    r = 1
    for unit, name, rows in LIST_PROJECTS:
        for a, b, c3, t in rows:
            for c, v in enumerate([2024, unit, name, a, b, c3, t]):
                sheet.write(r, c, v)
            r += 1
    book.save(str(path))


if __name__ == "__main__":
    main()
