"""Generate tests/data/excel_in/provinces/: the transcribed forms of tests/provinces.py as
the workbooks a user would get.

    python tests/make_provinces.py

Each form is written as its bureau lays it out (openpyxl), then as a WPS-style file
(labels spaced out with full-width spaces and line breaks, numbers typed as text with
stray spaces, the form shifted one row and one column), and re-saved through LibreOffice
(``soffice --headless --convert-to xlsx`` and ``xls``). Forms marked ``held_out`` go to
held_out/, the others to seen/; tests/test_excel_in_provinces.py reads seen/ only, and
tests/measure_provinces.py measures both.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.provinces import FORMS, Form, flat_list_rows  # noqa: E402

HERE = Path(__file__).parent
OUT = HERE / "data" / "excel_in" / "provinces"
WRAP = Alignment(wrap_text=True, vertical="center")


def write(rows: list[list[object]], merges: list[tuple[int, int, int, int]], sheet: str,
          path: Path, *, shift: int = 0) -> None:  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value == "" or value is None:
                continue
            cell = ws.cell(r + 1 + shift, c + 1 + shift)
            cell.value = float(value) if isinstance(value, Decimal) else value
            cell.alignment = WRAP
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 1 + shift, start_column=c0 + 1 + shift,
                       end_row=r1 + 1 + shift, end_column=c1 + 1 + shift)  # fmt: skip
    wb.save(path)


def _spaced(text: str) -> str:
    """WPS users align short labels with full-width spaces: 项　目　名　称."""
    return "\u3000".join(text) if len(text) <= 4 else text.replace("（", "\n（", 1)


# The cells WPS users space out: the form's own words, never what was filled in.
LABEL_WORDS = frozenset(
    "项目名称 主管部门 实施单位 项目单位 项目负责人 联系电话 项目概况 项目属性 建设周期 项目分类 "
    "项目审批 一级指标 二级指标 三级指标 指标值 指标性质 度量单位 完成值 权重 得分 分值 预期目标 "
    "年初预算 总额 单位资金 其他资金 年初预算数 全年预算数 全年执行数 执行率 实际完成值 "
    "年度指标值 年度目标 长期目标 指标内容 备注 项目总预算 当年年度预算 立项情况 项目绩效目标 "
    "实际完成情况 项目年度目标 调整后预算数 预算执行数 预算执行率 原因 绩效指标 评价结论 存在问题 "
    "改进措施".split()
)


def wps_quirks(form: Form) -> list[list[object]]:
    out: list[list[object]] = []
    for row in form.rows:
        new: list[object] = []
        for value in row:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                new.append(f"{value} ")  # a number typed as text
            elif isinstance(value, str) and value in LABEL_WORDS:
                new.append(_spaced(value))
            else:
                new.append(value)
        out.append(new)
    return out


def soffice(fmt: str, files: list[Path], outdir: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        sys.exit("soffice (LibreOffice) is needed for the re-saved files")
    subprocess.run(
        [exe, "-env:UserInstallation=file:///tmp/lo_provinces", "--headless", "--convert-to",
         fmt, "--outdir", str(outdir), *map(str, files)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600,
    )  # fmt: skip


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    for part in ("seen", "held_out"):
        (OUT / part).mkdir(parents=True)
    originals: dict[str, list[Path]] = {"seen": [], "held_out": []}
    for form in FORMS:
        part = "held_out" if form.held_out else "seen"
        base = OUT / part / form.key
        plain = base.with_name(f"{form.key}__plain.xlsx")
        write(form.rows, form.merges, form.sheet, plain)
        write(wps_quirks(form), form.merges, form.sheet,
              base.with_name(f"{form.key}__wps.xlsx"), shift=1)  # fmt: skip
        originals[part].append(plain)
    flat = OUT / "seen" / "yitihua_list_2023__plain.xlsx"
    write(flat_list_rows(), [(0, 0, 0, 9)], "项目支出绩效目标表", flat)
    originals["seen"].append(flat)
    for part, files in originals.items():
        lo = OUT / part / "lo"
        lo.mkdir()
        for fmt in ("xlsx", "xls"):
            soffice(fmt, files, lo)
            for made in lo.glob(f"*.{fmt}"):
                made.rename(OUT / part / made.name.replace("__plain.", "__libreoffice."))
        shutil.rmtree(lo)


if __name__ == "__main__":
    main()
