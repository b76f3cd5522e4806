"""Exported files open in LibreOffice: converted headless to PDF and back to xlsx, which
keeps the form's merges, page setup and stamp and imports as the same record.

Skipped on a machine without ``soffice`` — except in CI (``CI`` set), where LibreOffice is
installed and a missing ``soffice`` must fail rather than pass silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from perfdesk.excel.batch import read_path
from perfdesk.excel.reader import read_workbook
from perfdesk.excel.writer import export_file, shown_content
from perfdesk.models.serialize import declaration_from_dict, declaration_to_dict, loads

DATA = Path(__file__).parent / "data"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) not installed"
)


def convert(src: Path, fmt: str, tmp_path: Path) -> Path:
    assert SOFFICE, "soffice is required in CI"
    profile = tmp_path / "lo_profile"
    out = tmp_path / f"lo_{fmt.split(':')[0]}"
    subprocess.run(
        [
            SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", fmt, "--outdir", str(out), str(src),
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = out / (src.stem + "." + fmt.split(":")[0])
    assert result.exists(), f"LibreOffice made no {fmt} from {src.name}"
    return result


@pytest.mark.parametrize(
    ("record", "form", "title"),
    [
        ("seed.json", "declaration", "上海市财政支出项目绩效目标申报表"),
        ("excel_out/national_full.json", "evaluation", "项目支出绩效自评表"),
    ],
)
def test_libreoffice_opens_prints_and_resaves(
    record: str, form: str, title: str, tmp_path: Path
) -> None:
    decl = declaration_from_dict(loads((DATA / record).read_text(encoding="utf-8")))
    src = tmp_path / f"{form}.xlsx"
    export_file(decl, src, form=form)

    pdf = convert(src, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert title in text.replace(" ", "")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "595.2" in info or "595.3" in info  # A4 portrait: 595 × 842 pt
        # One page, as the bureau's form: one page wide, rows no taller than written.
        assert re.search(r"^Pages:\s+1$", info, re.M), info

    resaved = convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path)
    read = read_workbook(resaved.read_bytes(), resaved.name).forms[0].declaration
    assert shown_content(read, form) == shown_content(decl, form)

    # LibreOffice kept the form as written: merges, page setup, print titles, widths, the
    # wrapped rows' heights and the number formats.
    ours, theirs = openpyxl.load_workbook(src).active, openpyxl.load_workbook(resaved).active
    assert {str(m) for m in theirs.merged_cells.ranges} == {
        str(m) for m in ours.merged_cells.ranges
    }
    assert theirs.title == ours.title
    assert int(theirs.page_setup.paperSize) == 9 and theirs.page_setup.orientation == "portrait"
    assert theirs.sheet_properties.pageSetUpPr.fitToPage
    assert theirs.print_title_rows == ours.print_title_rows
    for col, dim in ours.column_dimensions.items():
        # LibreOffice converts widths to its own units and back (11 comes back as 13).
        assert theirs.column_dimensions[col].width == pytest.approx(dim.width, abs=2.0), col
    for r, dim in ours.row_dimensions.items():
        if dim.height is not None:
            assert theirs.row_dimensions[r].height == pytest.approx(dim.height, abs=1.0), r
    formats = {
        (c.row, c.column): c.number_format
        for row in ours.iter_rows()
        for c in row
        if isinstance(c.value, (int, float)) and c.number_format != "General"
    }
    assert formats
    for (r, c), fmt in formats.items():
        assert theirs.cell(r, c).number_format == fmt, (r, c)

    # And its stamp: the re-saved file imports as the whole record, hidden keys included.
    (form_read,) = read_path(resaved)
    got = form_read.declaration
    if form == "evaluation":
        assert got.evaluation == decl.evaluation
    else:
        keep = ("id", "status", "revision", "evaluation")
        want = {k: v for k, v in declaration_to_dict(decl).items() if k not in keep}
        assert {k: v for k, v in declaration_to_dict(got).items() if k not in keep} == want


def test_libreoffice_resaves_the_year_summary(store, tmp_path: Path) -> None:  # noqa: ANN001
    from perfdesk.excel.writer import write_summary_file

    for name in ("seed.json", "excel_out/sh2019_shanghai_eval.json"):
        decl = declaration_from_dict(loads((DATA / name).read_text(encoding="utf-8")))
        decl.name += name  # (year, unit, name) is unique in the store
        store.save(decl)
    src = tmp_path / "summary.xlsx"
    assert write_summary_file(store, 2019, src) == 2
    resaved = convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path)
    ours, theirs = openpyxl.load_workbook(src), openpyxl.load_workbook(resaved)
    assert theirs.sheetnames == ours.sheetnames == ["项目汇总", "绩效指标", "运行监控"]
    for name in ours.sheetnames:
        want = [[c.value for c in row] for row in ours[name].iter_rows()]
        got = [[c.value for c in row] for row in theirs[name].iter_rows()]
        assert len(got) == len(want), name
        for g, w in zip(got, want, strict=True):
            assert g == pytest.approx(w), name
        assert theirs[name].page_setup.orientation == "landscape"
    assert theirs["项目汇总"]["A4"].value == "合计"
    assert theirs["项目汇总"]["F2"].number_format == "#,##0.00"
