"""A bureau's indicator-library workbook (共性/行业指标库, forms.md §7): bytes in, entries out.

Read like the forms are: the bytes are checked and the cells read by
:mod:`perfdesk.excel.cells` (size, encryption, zip bombs, formulas), then each visible sheet
is searched for a header row by its labels — 一级指标, 二级指标, 三级指标 / 指标名称, 指标解释,
指标值 / 参考值, 计量单位 / 度量单位, 评分标准, 适用范围, in any order, at any offset. The
layouts met in bureaus' files:

* one row per indicator under the header, with 一级/二级指标 cells merged or left blank
  down their rows (carried down);
* the same with the categories as section rows (``一、产出指标`` alone on its row);
* a 指标性质 column (≥ ≤ =) beside 指标值 (一体化 systems), joined into one reference value.

A file with no such sheet, or with a value that cannot be read, is rejected whole with one
sentence naming file, sheet and cell; nothing is returned for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfdesk.excel.cells import Grid, Unresolved, addr, is_blank, read_grids
from perfdesk.excel.values import cell_text, norm
from perfdesk.models.errors import InputError
from perfdesk.models.frameworks import FRAMEWORKS, NATIONAL, SH2019
from perfdesk.models.targets import join_split_target

# Column role → its label variants, normalised as excel.values.norm leaves them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("一级指标", "一级指标名称", "分解目标内容", "指标类别", "指标类型"),
    "subcategory": ("二级指标", "二级指标名称"),
    "name": ("三级指标", "三级指标名称", "指标名称", "绩效指标", "具体指标"),
    "explanation": ("指标解释", "指标说明", "指标内涵", "指标定义", "指标含义"),
    "reference": ("指标值", "参考值", "指标参考值", "目标值", "参考标准", "标准值", "指标标准值"),
    "nature": ("指标性质", "指标方向", "运算符号"),
    "measure_unit": ("计量单位", "度量单位", "单位"),
    "scoring": ("评分标准", "评分规则", "评分方法", "计分方法", "评分办法"),
    "scope": ("适用范围", "适用领域", "适用行业", "适用对象", "适用项目"),
}
_HEADER_SCAN_ROWS = 30
# A form's labels: a sheet holding them is a declaration or evaluation, not a library.
_FORM_LABELS = ("项目名称", "申报单位名称", "申报单位")
_SECTION = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*")


@dataclass(frozen=True)
class LibraryRow:
    """One entry of a library workbook, with where it was read."""

    sheet: str
    row: int  # 1-based, as Excel shows it
    framework: str | None
    category: str | None
    subcategory: str | None
    name: str
    explanation: str | None = None
    reference: str | None = None
    measure_unit: str | None = None
    scoring: str | None = None
    scope: str | None = None


@dataclass
class LibraryWorkbook:
    filename: str
    rows: list[LibraryRow]
    warnings: list[str]


def _role(label: object) -> str | None:
    text = norm(label)
    for role, variants in COLUMNS.items():
        if text in variants:
            return role
    return None


def _header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """The header row and its columns: a row naming the indicator column and one more."""
    for r in range(min(grid.height, _HEADER_SCAN_ROWS)):
        found: dict[str, int] = {}
        for c in range(grid.width):
            if not grid.is_owner(r, c):
                continue
            role = _role(grid.value(r, c))
            if role is not None and role not in found:
                found[role] = c
        if "name" in found and len(found) >= 2:
            return r, found
    return None


def _text(grid: Grid, filename: str, r: int, c: int | None) -> str | None:
    if c is None:
        return None
    value = grid.value(r, c)
    if isinstance(value, Unresolved):
        raise InputError(
            f"单元格是公式（{value.formula}），没有计算结果，请在 Excel/WPS 中打开并保存后再导入。",
            file=filename,
            sheet=grid.name,
            cell=addr(r, c),
        )
    return cell_text(value)


def _framework(category: str | None, subcategory: str | None) -> str | None:
    national, sh = FRAMEWORKS[NATIONAL], FRAMEWORKS[SH2019]
    if national.match_subcategory(subcategory) or national.match_category(category):
        return NATIONAL
    if sh.match_category(category):
        return SH2019
    return None


def _canonical(
    framework: str | None, category: str | None, sub: str | None
) -> tuple[str | None, str | None]:
    if framework is None:
        return category, sub
    fw = FRAMEWORKS[framework]
    return fw.match_category(category) or category, fw.match_subcategory(sub) or sub


def _section(grid: Grid, r: int, columns: dict[str, int]) -> str | None:
    """A row that only names a category (``一、产出指标``): its text, else None."""
    filled = [c for c in range(grid.width) if grid.is_owner(r, c) and not grid.is_empty(r, c)]
    if len(filled) != 1:
        return None
    text = cell_text(grid.value(r, filled[0])) or ""
    bare = _SECTION.sub("", text).strip()
    if _framework(bare, None) is not None:
        return bare
    return None


def _is_form(grid: Grid, head: int) -> bool:
    return any(
        norm(grid.value(r, c)) in _FORM_LABELS for r in range(head + 1) for c in range(grid.width)
    )


def _sheet_rows(grid: Grid, filename: str) -> list[LibraryRow] | str | None:
    """The sheet's entries; None when it has no library header; a reason when it is a form."""
    found = _header(grid)
    if found is None:
        return None
    head, cols = found
    if _is_form(grid, head):
        return f"{grid.label()}是项目的申报表或自评表，不是指标库"
    out: list[LibraryRow] = []
    category: str | None = None
    subcategory: str | None = None
    for r in range(head + 1, grid.height):
        section = _section(grid, r, cols)
        if section is not None:
            category, subcategory = section, None
            continue
        cat = _text(grid, filename, r, cols.get("category"))
        sub = _text(grid, filename, r, cols.get("subcategory"))
        if cat is not None and cat != category:
            category, subcategory = cat, None
        if sub is not None:
            subcategory = sub
        name = _text(grid, filename, r, cols.get("name"))
        if name is None:
            continue
        reference = _text(grid, filename, r, cols.get("reference"))
        unit = _text(grid, filename, r, cols.get("measure_unit"))
        nature = _text(grid, filename, r, cols.get("nature"))
        if nature is not None and reference is not None:
            reference = join_split_target(nature, reference, None) or reference
        fw = _framework(category, subcategory)
        cat_c, sub_c = _canonical(fw, category, subcategory)
        out.append(
            LibraryRow(
                sheet=grid.name,
                row=r + 1,
                framework=fw,
                category=cat_c,
                subcategory=sub_c,
                name=name,
                explanation=_text(grid, filename, r, cols.get("explanation")),
                reference=reference,
                measure_unit=unit,
                scoring=_text(grid, filename, r, cols.get("scoring")),
                scope=_text(grid, filename, r, cols.get("scope")),
            )
        )
    return out


def read_library_workbook(data: bytes, filename: str) -> LibraryWorkbook:
    """Every entry of a library workbook; InputError (file, sheet, cell) when it has none
    or cannot be read."""
    grids = read_grids(data, filename)
    rows: list[LibraryRow] = []
    warnings: list[str] = []
    skipped: list[Grid] = []
    forms: list[str] = []
    for grid in grids:
        if grid.hidden or all(is_blank(v) for row in grid.rows for v in row):
            continue
        found = _sheet_rows(grid, filename)
        if found is None:
            skipped.append(grid)
            continue
        if isinstance(found, str):
            forms.append(found)
            continue
        if not found:
            warnings.append(f"{grid.label()}有表头但没有指标，已跳过。")
        rows += found
    if not rows and forms:
        raise InputError(f"{forms[0]}；表单请用“导入”导入。", file=filename)
    if not rows:
        raise InputError(
            "没有找到指标库（应有“三级指标”或“指标名称”列，以及“一级指标”“指标解释”"
            "“指标值”“计量单位”“评分标准”等列之一）。",
            file=filename,
            sheet=skipped[0].name if skipped else None,
        )
    for grid in skipped:
        warnings.append(f"{grid.label()}不是指标库，已跳过。")
    warnings += [f"{reason}，已跳过。" for reason in forms]
    return LibraryWorkbook(filename, rows, warnings)
