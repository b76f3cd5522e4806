"""Exported files open in LibreOffice: converted headless to PDF and back to xlsx.

Skipped on a machine without ``soffice`` — except in CI (``CI`` set), where LibreOffice is
installed and a missing ``soffice`` must fail rather than pass silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from perfdesk.excel.reader import read_workbook
from perfdesk.excel.writer import export_file, shown_content
from perfdesk.models.serialize import declaration_from_dict, loads

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

    resaved = convert(src, "xlsx:Calc MS Excel 2007 XML", tmp_path)
    read = read_workbook(resaved.read_bytes(), resaved.name).forms[0].declaration
    assert shown_content(read, form) == shown_content(decl, form)
