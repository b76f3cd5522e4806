"""What every workbook perfdesk writes shares, on openpyxl: number formats, the rules for
text in a cell, the forms' looks and page setup, the stamp as a custom document property,
and :func:`atomic_write`, the path edge of every export.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perfdesk.excel.layouts import Fonts, Page
from perfdesk.models.errors import PerfdeskError, ValidationError

MONEY_FORMAT = "#,##0.00"
# 万元 values keep up to six decimals (whole 分) so the cell is exact; shown to at least two.
WAN_FORMAT = "#,##0.00####"
DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.00%"
SCORE_FORMAT = "General"
# A cell whose text starts with one of these would be taken for a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_TEXT_LIMIT = 32767
CREATOR = "perfdesk"

# ---------------------------------------------------------------- looks

_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# Alignments of the forms' cells: a label centred and wrapped, text wrapped at the left, long
# text from the top, numbers at the right, a one-line text, a centred value.
LABEL = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LONG = Alignment(horizontal="left", vertical="top", wrap_text=True)
NUMBER = Alignment(horizontal="right", vertical="center")
PLAIN = Alignment(horizontal="left", vertical="center")
CENTRE = Alignment(horizontal="center", vertical="center")


class FormFonts:
    """The four fonts of a form, by the layout's font names (the reader's machine supplies
    the font itself)."""

    def __init__(self, fonts: Fonts) -> None:
        self.body = Font(name=fonts.body, size=fonts.body_size)
        self.bold = Font(name=fonts.body, size=fonts.body_size, bold=True)
        # A title in the body's face stands out by weight alone.
        self.title = Font(name=fonts.title, size=fonts.title_size, bold=fonts.title == fonts.body)
        self.subtitle = Font(name=fonts.body, size=fonts.subtitle_size)


# ---------------------------------------------------------------- text


def clean_text(text: str, where: str = "") -> str:
    """Text as a cell can hold it: XML-illegal control characters dropped (no spreadsheet
    can store them), and refused when longer than Excel's 32,767 characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_TEXT_LIMIT:
        raise ValidationError(
            f"“{where or '文字'}”有 {len(text)} 个字符，"
            f"超过 Excel 单元格上限 {EXCEL_TEXT_LIMIT} 个，无法导出。"
        )
    return text


def set_text(cell: Any, text: str) -> None:
    """Assign text that stays text: openpyxl takes a leading ``=`` for a formula, and a
    spreadsheet re-evaluates ``+``/``-``/``@`` on edit, so such text is stored as a string
    cell with Excel's quote prefix (the apostrophe is not part of the value)."""
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


# ---------------------------------------------------------------- workbook and page


def new_workbook(sheet_name: str, write_only: bool = False) -> tuple[Workbook, Any]:
    """An empty workbook whose one sheet is named ``sheet_name`` (``write_only``: openpyxl's
    write-only mode, rows appended in order)."""
    wb = Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet(sheet_name)
    else:
        ws = wb.active
        ws.title = sheet_name
    wb.properties.creator = CREATOR
    return wb, ws


_PAPER_SIZES = {"A4": Worksheet.PAPERSIZE_A4, "A3": Worksheet.PAPERSIZE_A3}


def page_setup(ws: Worksheet, page: Page, last_row: int, n_cols: int) -> None:
    """Fitted to one page wide, centred, the title rows on every page, the form as the
    print area."""
    ws.page_setup.paperSize = _PAPER_SIZES.get(page.paper, Worksheet.PAPERSIZE_A4)
    ws.page_setup.orientation = page.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = page.margin_lr
    ws.page_margins.top = ws.page_margins.bottom = page.margin_tb
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = page.print_title_rows
    ws.print_area = f"A1:{get_column_letter(n_cols)}{max(last_row, 1)}"


def save(wb: Workbook, out: BinaryIO, properties: dict[str, str] | None = None) -> None:
    """Save ``wb`` to ``out`` with ``properties`` as custom document properties (text)."""
    for name, value in (properties or {}).items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.save(out)


# ---------------------------------------------------------------- the path edge

# Why a file could not be written, for a clerk (the system's English says nothing to them).
_WRITE_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "所在的磁盘只读",
}
_DENIED = (errno.EACCES, errno.EPERM)


def _umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read it is to set it and put it back
    os.umask(mask)
    return mask


def _write_failure(path: Path, exc: BaseException, made_temp: bool) -> str | None:
    """The sentence for a failed write, or None when it is not the disk's or the folder's."""
    if not isinstance(exc, OSError):
        return None
    reason = _WRITE_REASONS.get(exc.errno or -1)
    if reason is None and exc.errno in _DENIED:
        # Refused before anything was written: the folder; at the move: the file itself
        # (read-only, or open in Excel on Windows).
        reason = (
            "文件只读或正被其他程序（如 Excel）打开"
            if made_temp
            else f"文件夹“{path.parent}”只读或没有写入权限"
        )
    return None if reason is None else f"无法写出“{path}”：{reason}。"


def atomic_write(path: Path, write: Callable[[BinaryIO], Any]) -> Any:
    """Write through a temporary file beside ``path`` and move it into place, so a crash or
    a full disk never leaves a half-written workbook under the final name, nor the temporary
    file beside it. A full disk or a folder that cannot be written is one Chinese sentence
    naming the file (:class:`PerfdeskError`); any other failure is raised as it is."""
    path = Path(path)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            result = write(f)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); an export is meant to be passed on (a shared
        # folder, a colleague), so give it the permissions of any newly created file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        message = _write_failure(path, exc, tmp is not None)
        if message is None:
            raise
        raise PerfdeskError(message) from exc
    return result
