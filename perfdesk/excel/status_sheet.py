"""The 上报汇总 table (per unit of a year: received, returned, missing) as a workbook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from perfdesk.excel.layouts import Fonts
from perfdesk.excel.summary import set_text
from perfdesk.excel.workbook import atomic_write
from perfdesk.exchange.hand_in import STATUS_HEADERS

STATUS_WIDTHS = (10, 36, 11, 10, 10, 20, 40)


def write_status(year: int, rows: Sequence[Sequence[Any]], out: BinaryIO) -> None:
    fonts = Fonts()
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=fonts.body, size=fonts.body_size)
    bold = Font(name=fonts.body, size=fonts.body_size, bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "上报汇总"
    title = ws.cell(1, 1, f"{year}年度绩效表上报汇总")
    title.font = Font(name=fonts.body, size=fonts.body_size + 4, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(STATUS_HEADERS))
    title.alignment = Alignment(horizontal="center")
    for c, (header, width) in enumerate(zip(STATUS_HEADERS, STATUS_WIDTHS, strict=True), 1):
        cell = ws.cell(2, c, header)
        cell.font, cell.border = bold, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, row in enumerate(rows, 3):
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
            cell.font, cell.border = body, border
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(out)


def write_status_file(year: int, rows: Sequence[Sequence[Any]], path: Path) -> None:
    atomic_write(Path(path), lambda f: write_status(year, rows, f))
