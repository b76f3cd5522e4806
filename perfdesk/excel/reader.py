"""Excel in: the bureau's forms read from whatever Excel, WPS and the finance system made.

``read_workbook(data, filename)`` is pure (bytes in, records out, nothing written): the
bytes are checked (:mod:`perfdesk.excel.cells`), each sheet is read into a grid, and the
forms on it are found by their labels (:mod:`perfdesk.excel.forms`). A file that cannot be
read whole raises :class:`~perfdesk.models.errors.InputError` naming file, sheet and cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfdesk.excel.cells import (
    MAX_AREA,
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_XLS_BYTES,
    Grid,
    addr,
    is_blank,
    read_grids,
)
from perfdesk.excel.forms import (
    KIND_DECLARATION,
    KIND_EVALUATION,
    KIND_MONITORING,
    ImportedForm,
    read_sheet,
)
from perfdesk.excel.sheet import SheetReader
from perfdesk.excel.values import strip_invisible
from perfdesk.models.errors import InputError

__all__ = [
    "KIND_DECLARATION",
    "KIND_EVALUATION",
    "KIND_MONITORING",
    "MAX_AREA",
    "MAX_CELLS",
    "MAX_FILE_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_XLS_BYTES",
    "EXCEL_SUFFIXES",
    "ImportedForm",
    "WorkbookResult",
    "read_workbook",
]

EXCEL_SUFFIXES = (".xlsx", ".xls", ".xlsm")


@dataclass
class WorkbookResult:
    filename: str
    forms: list[ImportedForm] = field(default_factory=list)
    # Sheets skipped (blank, or holding no form) and other notes about the whole file.
    warnings: list[str] = field(default_factory=list)


def read_workbook(data: bytes, filename: str, *, year: int | None = None) -> WorkbookResult:
    """Every form in a workbook. ``year`` is used only where the file states none."""
    grids = read_grids(data, filename)
    result = WorkbookResult(filename=filename)
    unrecognised: list[Grid] = []
    cleaned: dict[str, list[str]] = {}  # sheet → warnings about characters removed
    for grid in grids:
        if grid.hidden or all(is_blank(v) for row in grid.rows for v in row):
            continue
        if grid.cleaned or grid.raw_name:
            cleaned[grid.name] = invisible_warnings(grid, filename)
        try:
            forms, kind = read_sheet(grid, filename, year)
        except InputError:
            # A 填表说明 sheet pairs the labels with how to fill them in (项目名称 | 按批复填写)
            # and reads like a half-filled form; the form itself is on another sheet.
            if not _is_instructions(grid.name):
                raise
            result.warnings.append(f"{grid.label()}是填表说明，已跳过。")
            continue
        if kind is None:
            unrecognised.append(grid)
            continue
        result.forms += forms
    # An instructions sheet that happens to read as a form (every label beside its
    # explanation) is not one when the workbook holds a real form elsewhere.
    real = [f for f in result.forms if not _is_instructions(f.sheet)]
    if real and len(real) < len(result.forms):
        for name in dict.fromkeys(f.sheet for f in result.forms if _is_instructions(f.sheet)):
            result.warnings.append(f"工作表“{name}”是填表说明，已跳过。")
        result.forms = real
    seen: dict[tuple[str, int, str | None, str | None], str] = {}
    for form in result.forms:
        d = form.declaration
        key = (form.kind, d.year, d.unit, d.name)
        if key in seen:
            raise InputError(
                f"同一项目（{d.year}年 {d.unit} {d.name}）的{_kind_name(form.kind)}"
                "在本文件中出现两次"
                f"（工作表“{seen[key]}”和“{form.sheet}”），请删去其一后再导入。",
                file=filename,
                sheet=form.sheet,
            )
        seen[key] = form.sheet
    if not result.forms:
        first = unrecognised[0].name if unrecognised else None
        raise InputError(
            "没有找到可识别的申报表、运行监控表或自评表（应有“项目名称”“申报单位名称”等栏目，"
            "或“项目名称/一级指标/三级指标/指标值”等列）。",
            file=filename,
            sheet=first,
        )
    for grid in unrecognised:
        result.warnings.append(f"{grid.label()}没有可识别的表单，已跳过。")
        result.warnings += cleaned.pop(grid.name, [])
    # Each sheet's removals go with the first record read from it.
    for form in result.forms:
        form.warnings = [*cleaned.pop(form.sheet, []), *form.warnings]
    for rest in cleaned.values():
        result.warnings += rest
    return result


# A sheet whose every cell carries a zero-width space would otherwise give thousands of lines.
MAX_CLEANED_WARNINGS = 20


def invisible_warnings(grid: Grid, filename: str) -> list[str]:
    """What was removed where: the sheet's name, and each cell with the field it belongs to
    (the label left of it, else the column header above it)."""
    out: list[str] = []
    if grid.raw_name:
        removed = "、".join(strip_invisible(grid.raw_name)[1])
        out.append(f"{grid.label()}的名称中有不可见字符或控制字符（{removed}），已删除。")
    if not grid.cleaned:
        return out
    reader = SheetReader(grid, filename)
    cells = sorted(grid.cleaned.items())
    for (r, c), points in cells[:MAX_CLEANED_WARNINGS]:
        field = _field_of(reader, r, c)
        where = f"“{field}”" if field else "单元格"
        out.append(
            f"{grid.label()} {addr(r, c)}：{where}中有不可见字符或控制字符"
            f"（{'、'.join(points)}），导入时已删除。"
        )
    if len(cells) > MAX_CLEANED_WARNINGS:
        out.append(
            f"{grid.label()}：另有 {len(cells) - MAX_CLEANED_WARNINGS} 个单元格中的"
            "不可见字符或控制字符已删除。"
        )
    return out


def _field_of(reader: SheetReader, r: int, c: int) -> str | None:
    """The label a value cell belongs to: itself when it is a label (or 'label：value'),
    else the nearest label to its left on the row, else the header above it."""
    grid = reader.grid
    r0, c0, _, _ = grid.span(r, c)
    if (r0, c0) in reader.inline_cells:
        for hits in reader.labels.values():
            for hit in hits:
                if (hit.r, hit.c) == (r0, c0) and hit.inline is not None:
                    return hit.text
    if reader.is_label(r0, c0):
        return reader.key(r0, c0)
    for col in range(c0 - 1, -1, -1):
        rr, cc, _, _ = grid.span(r0, col)
        if reader.is_label(rr, cc):
            return reader.key(rr, cc)
    for row in range(r0 - 1, -1, -1):
        rr, cc, _, _ = grid.span(row, c0)
        if reader.is_label(rr, cc):
            return reader.key(rr, cc)
    return None


_INSTRUCTION_NAMES = (
    "说明",
    "填报要求",
    "指标库",
    "指标体系",
    "示例",
    "样表",
    "参考",
    "目录",
    "封面",
)


def _is_instructions(sheet_name: str) -> bool:
    return any(w in sheet_name for w in _INSTRUCTION_NAMES)


def _kind_name(kind: str) -> str:
    return {KIND_EVALUATION: "自评表", KIND_MONITORING: "运行监控表"}.get(kind, "申报表")
