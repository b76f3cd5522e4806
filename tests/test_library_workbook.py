"""Bureaus' indicator-library workbooks (forms.md §7), written by openpyxl in the layouts met
in real files, read through perfdesk.excel.cells and imported into a real database."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perfdesk.library.history import indicator_library, load_catalogue
from perfdesk.library.sources import (
    IMPORTED,
    REJECTED,
    UNCHANGED,
    import_library_bytes,
    library_sources,
)
from perfdesk.library.workbook import read_library_workbook
from perfdesk.models.errors import InputError
from perfdesk.store.database import Store
from tests.cli_helpers import run_cli


def _book(
    sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None
) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The national 共性指标库: title, header at row 3, 一级/二级 merged down their rows.
NATIONAL = _book(
    {
        "共性指标": [
            ["部门项目支出绩效评价共性指标库"],
            [],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "指标解释",
                "指标值",
                "计量单位",
                "评分标准",
                "适用范围",
            ],
            [
                "产出指标",
                "数量指标",
                "实际完成率",
                "实际产出数/计划产出数",
                "≥95",
                "%",
                "达到得满分",
                "通用",
            ],
            [None, None, "培训人次", "参加培训的人次", "≥500", "人次", None, "培训类"],
            [None, "质量指标", "验收合格率", "验收合格数/总数", "100", "%", None, "建设类"],
            [
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "问卷调查",
                "≥90",
                "%",
                None,
                "通用",
            ],
        ]
    },
    {"共性指标": ["A4:A6", "B4:B5"]},
)

# Section rows for the categories (一、产出目标), the Shanghai form's framework.
SECTIONS = _book(
    {
        "指标库": [
            ["序号", "指标名称", "指标说明", "参考值", "单位"],
            ["一、产出目标"],
            [1, "活动场次", "全年举办的活动场次", "≥40", "场"],
            [2, "覆盖人群", None, "≥2", "万人次"],
            ["二、效果目标"],
            [3, "群众知晓率", "抽样调查", "≥80", "%"],
        ]
    }
)

# The 一体化 system's columns: 指标性质 beside 指标值, headers in another order.
SPLIT = _book(
    {
        "Sheet1": [
            ["三级指标", "一级指标", "二级指标", "指标性质", "指标值", "度量单位"],
            ["平均响应时长", "产出指标", "时效指标", "≤", 30, "分钟"],
            ["单位成本", "产出指标", "成本指标", "<=", 12.5, "元"],
        ],
        "说明": [["本表由财政局编制"]],
    }
)


def test_national_library_with_merged_categories() -> None:
    book = read_library_workbook(NATIONAL, "共性指标库.xlsx")
    rows = [(r.row, r.framework, r.category, r.subcategory, r.name, r.reference, r.measure_unit)
            for r in book.rows]  # fmt: skip
    assert rows == [
        (4, "national", "产出指标", "数量指标", "实际完成率", "≥95", "%"),
        (5, "national", "产出指标", "数量指标", "培训人次", "≥500", "人次"),
        (6, "national", "产出指标", "质量指标", "验收合格率", "100", "%"),
        (7, "national", "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90", "%"),
    ]
    first = book.rows[0]
    assert (first.sheet, first.explanation, first.scoring, first.scope) == (
        "共性指标", "实际产出数/计划产出数", "达到得满分", "通用",
    )  # fmt: skip


def test_section_rows_and_sh2019_categories() -> None:
    book = read_library_workbook(SECTIONS, "行业指标库.xlsx")
    assert [(r.framework, r.category, r.name, r.reference, r.measure_unit) for r in book.rows] == [
        ("sh2019", "产出目标", "活动场次", "≥40", "场"),
        ("sh2019", "产出目标", "覆盖人群", "≥2", "万人次"),
        ("sh2019", "效果目标", "群众知晓率", "≥80", "%"),
    ]


def test_split_target_columns_and_other_sheets() -> None:
    book = read_library_workbook(SPLIT, "一体化指标.xlsx")
    assert [(r.subcategory, r.name, r.reference, r.measure_unit) for r in book.rows] == [
        ("时效指标", "平均响应时长", "≤30", "分钟"),
        ("成本指标", "单位成本", "≤12.5", "元"),
    ]
    assert book.warnings == ["第2张表“说明”不是指标库，已跳过。"]


def _encrypted_like() -> bytes:
    # An OLE container holding the streams Excel writes for a password-protected file.
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600
    )


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<c>" + "0" * (10 * 1024 * 1024) + "</c>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "0 字节"),
        (b"name,target\n", "不是 Excel"),
        (_encrypted_like(), "加密"),
        (_book({"表": [["随便写的"], ["没有表头"]]}), "没有找到指标库"),
        (
            _book(
                {
                    "申报表": [
                        ["项目名称", "热线"],
                        ["一级指标", "二级指标", "三级指标", "指标值"],
                        ["产出指标", "数量指标", "受理量", "≥1万件"],
                    ]
                }
            ),  # fmt: skip
            "申报表或自评表",
        ),
    ],
)
def test_bad_files_are_rejected_with_a_sentence(data: bytes, says: str) -> None:
    with pytest.raises(InputError) as err:
        read_library_workbook(data, "坏文件.xlsx")
    assert says in err.value.message and "坏文件.xlsx" in err.value.message


def test_zip_bomb_is_rejected() -> None:
    with pytest.raises(InputError) as err:
        read_library_workbook(_bomb(), "炸弹.xlsx")
    assert "炸弹.xlsx" in err.value.message


def test_import_keeps_entries_with_their_file(store: Store) -> None:
    result = import_library_bytes(store, NATIONAL, "共性指标库.xlsx")
    assert (result.status, result.entries) == (IMPORTED, 4)
    again = import_library_bytes(store, NATIONAL, "改了名的副本.xlsx")
    assert again.status == UNCHANGED
    bad = import_library_bytes(store, b"not excel", "坏.xlsx")
    assert bad.status == REJECTED and "坏.xlsx" in (bad.error or "")
    assert [(name, n) for name, n, _ in library_sources(store)] == [("共性指标库.xlsx", 4)]
    [item] = [i for i in indicator_library(store) if i.name == "培训人次"]
    assert item.uses == []
    [ref] = item.references
    assert (ref.source, ref.sheet, ref.row, ref.reference, ref.scope) == (
        "共性指标库.xlsx", "共性指标", 5, "≥500", "培训类",
    )  # fmt: skip
    [entry] = [e for e in load_catalogue(store) if e.name == "验收合格率"]
    assert entry.reference_target == "100%" and entry.source == "共性指标库.xlsx"


def test_indicators_import_command(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite"
    good = tmp_path / "共性指标库.xlsx"
    good.write_bytes(NATIONAL)
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    out = run_cli("indicators", "--import", str(good), str(bad), "--json", db=db)
    assert out.returncode == 1
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(x["file"], x["status"], x["entries"]) for x in lines] == [
        ("共性指标库.xlsx", "imported", 4),
        ("坏.xlsx", "rejected", 0),
    ]
    assert "坏.xlsx" in lines[1]["error"]
    out = run_cli("indicators", "--import", str(good), db=db)
    assert out.returncode == 0 and "已导入过" in out.stdout
    out = run_cli("indicators", "--search", "培训", db=db)
    assert out.returncode == 0
    assert "培训人次（0 次使用）" in out.stdout
    assert "指标库“共性指标库.xlsx”共性指标 第5行；指标值 ≥500；计量单位 人次" in out.stdout
    out = run_cli("indicators", "--import", str(good), "--search", "x", db=db)
    assert out.returncode == 2


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) not installed"
)
def test_xls_library_saved_by_libreoffice(tmp_path: Path) -> None:
    """The same library as an Excel 97–2003 file, made by LibreOffice (merges kept)."""
    from tests.make_corpus import soffice

    src = tmp_path / "共性指标库.xlsx"
    src.write_bytes(NATIONAL)
    soffice("xls", [src], tmp_path)
    data = (tmp_path / "共性指标库.xls").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    xls = read_library_workbook(data, "共性指标库.xls")
    xlsx = read_library_workbook(NATIONAL, "共性指标库.xlsx")
    assert xls.rows == xlsx.rows
