"""The .xlsx of one form, written directly: a :class:`FormSheet` (values, looks, merges,
sizes, page) becomes the same OOXML parts openpyxl writes, at a fraction of openpyxl's cost
per cell. Also the number formats and text rules every perfdesk workbook shares, and
:func:`atomic_write`, the path edge of every export.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.theme import theme_xml

from perfdesk.excel.layouts import Fonts, Page
from perfdesk.models.errors import ValidationError

MONEY_FORMAT = "#,##0.00"
# 万元 values keep up to six decimals (whole 分) so the cell is exact; shown to at least two.
WAN_FORMAT = "#,##0.00####"
DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.00%"
SCORE_FORMAT = "General"
# A cell whose text starts with one of these would be taken for a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_TEXT_LIMIT = 32767

# ---------------------------------------------------------------- looks

# Fonts by their number in the styles part: 0 is the workbook default (which only the
# covered cells of merged ranges use), then the form's own four.
DEFAULT_FONT, BODY, BOLD, TITLE, SUBTITLE = range(5)
Align = tuple[str, str, bool]  # horizontal, vertical, wrap
# A cell's look, one ``<xf>`` of the styles part: font, alignment, number format, bordered,
# quote prefix.
Look = tuple[int, Align | None, str, bool, bool]

DEFAULT_LOOK: Look = (DEFAULT_FONT, None, "General", False, False)
# A covered cell of a bordered merged range: Excel draws a merged range's border from the
# cells under it, so each one carries the border (and nothing else).
COVERED: Look = (DEFAULT_FONT, None, "General", True, False)


@dataclass
class FormSheet:
    """One form as the sheet shows it: values by (row, column), looks, merges, sizes, page.

    Drawn by :mod:`perfdesk.excel.writer`, written by :func:`write_xlsx`.
    """

    name: str
    widths: tuple[float, ...]
    fonts: Fonts
    page: Page
    cells: dict[tuple[int, int], tuple[Any, int]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    heights: dict[int, float] = field(default_factory=dict)
    looks: list[Look] = field(default_factory=lambda: [DEFAULT_LOOK])
    last_row: int = 1
    _look_ids: dict[Look, int] = field(default_factory=lambda: {DEFAULT_LOOK: 0}, repr=False)

    def look(self, look: Look) -> int:
        """The ``<xf>`` number of ``look``, added on first use."""
        n = self._look_ids.get(look)
        if n is None:
            n = self._look_ids[look] = len(self.looks)
            self.looks.append(look)
        return n


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


# ---------------------------------------------------------------- the .xlsx file

# The parts are written as text, in the shape openpyxl gives them (the same elements, in
# the same order, so every program that opened openpyxl's forms opens these): going through
# openpyxl's object model cost more than half the export, a dozen cells at a time.
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
    f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}.theme+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
    f'<Override PartName="/docProps/custom.xml" ContentType="{_CT}.custom-properties+xml"/>'
    "</Types>"
)  # fmt: skip
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC_REL}/extended-properties" Target="docProps/app.xml"/>'
    f'<Relationship Id="rId4" Type="{_DOC_REL}/custom-properties" Target="docProps/custom.xml"/>'
    "</Relationships>"
)  # fmt: skip
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC_REL}/theme" Target="theme/theme1.xml"/>'
    "</Relationships>"
)  # fmt: skip
# LibreOffice sizes rows as Excel does only for a file whose generator it takes for Excel
# (the name starts "Microsoft"); openpyxl's "Microsoft Excel Compatible" was kept for that,
# so a form prints on the same number of pages as before.
_APP = (
    f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel Compatible / perfdesk</Application></Properties>"
)  # fmt: skip
_CORE = (
    f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>perfdesk</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
)  # fmt: skip
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
# Excel's built-in number formats the forms use; any other gets an id from 164 up.
_BUILTIN_FORMATS = {"General": 0, "0.00%": 10, "#,##0.00": 4}
_PAPER_SIZES = {"A4": 9, "A3": 8}


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


def _g(x: float) -> str:
    return f"{x:.15g}"


def _cell_xml(ref: str, value: Any, xf: int) -> str:
    s = f' s="{xf}"' if xf else ""
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if value == "":  # no value, as openpyxl writes an empty text
        return f'<c r="{ref}"{s} t="inlineStr"/>'
    if isinstance(value, str):
        # Leading or trailing blanks (a tab before 制表开头) survive only when marked.
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_esc(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        value = to_excel(value)
    if not isinstance(value, (int, float, Decimal)):
        return _cell_xml(ref, str(value), xf)
    if not math.isfinite(value):
        return f'<c r="{ref}"{s} t="n"/>'
    # %.16g as openpyxl writes numbers: an amount in 元 to the 分, 万元 to six decimals.
    return f'<c r="{ref}"{s} t="n"><v>{float(value):.16g}</v></c>'


def _sheet_xml(s: FormSheet) -> str:
    n_cols = len(s.widths)
    letters = [""] + [get_column_letter(c) for c in range(1, n_cols + 1)]
    by_row: dict[int, list[str]] = {}
    for (r, c), (value, xf) in sorted(s.cells.items()):
        by_row.setdefault(r, []).append(_cell_xml(f"{letters[c]}{r}", value, xf))
    last = max(by_row, default=1)
    cols = "".join(
        f'<col min="{c}" max="{c}" width="{_g(w)}" customWidth="1"/>'
        for c, w in enumerate(s.widths, 1)
    )
    out = [
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_REL}">'
        '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{letters[n_cols]}{last}"/>'
        '<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/>'
        '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>"
    ]  # fmt: skip
    for r in sorted(by_row.keys() | s.heights.keys()):
        h = s.heights.get(r)
        ht = f' ht="{_g(h)}" customHeight="1"' if h is not None else ""
        out.append(f'<row r="{r}"{ht}>{"".join(by_row.get(r, ()))}</row>')
    out.append("</sheetData>")
    if s.merges:
        refs = "".join(
            f'<mergeCell ref="{letters[c0]}{r0}:{letters[c1]}{r1}"/>'
            for r0, c0, r1, c1 in sorted(s.merges)
        )
        out.append(f'<mergeCells count="{len(s.merges)}">{refs}</mergeCells>')
    p = s.page
    out.append(
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{_g(p.margin_lr)}" right="{_g(p.margin_lr)}" top="{_g(p.margin_tb)}" '
        f'bottom="{_g(p.margin_tb)}" header="0.5" footer="0.5"/>'
        f'<pageSetup paperSize="{_PAPER_SIZES.get(p.paper, 9)}" orientation="{p.orientation}" '
        'fitToWidth="1" fitToHeight="0"/></worksheet>'
    )  # fmt: skip
    return "".join(out)


def _font_xml(name: str, size: float, bold: bool) -> str:
    b = '<b val="1"/>' if bold else ""
    return f'<font><name val="{_attr(name)}"/>{b}<sz val="{_g(size)}"/></font>'


def _styles_xml(s: FormSheet) -> str:
    f = s.fonts
    fonts = (
        '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
        '<scheme val="minor"/></font>'
        + _font_xml(f.body, f.body_size, False)  # BODY
        + _font_xml(f.body, f.body_size, True)  # BOLD
        + _font_xml(f.title, f.title_size, f.title == f.body)  # TITLE
        + _font_xml(f.body, f.subtitle_size, False)  # SUBTITLE
    )
    custom: dict[str, int] = {}
    xfs = []
    for font, align, code, border, quote in s.looks:
        fmt_id = _BUILTIN_FORMATS.get(code)
        if fmt_id is None:
            fmt_id = custom.setdefault(code, 164 + len(custom))
        head = (
            f'<xf numFmtId="{fmt_id}" fontId="{font}" fillId="0" borderId="{int(border)}"'
            + (' applyAlignment="1"' if align else "")
            + f' pivotButton="0" quotePrefix="{int(quote)}" xfId="0"'
        )
        if align is None:
            xfs.append(head + "/>")
        else:
            wrap = ' wrapText="1"' if align[2] else ""
            xfs.append(
                f'{head}><alignment horizontal="{align[0]}" vertical="{align[1]}"{wrap}/></xf>'
            )
    num_fmts = "".join(
        f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in custom.items()
    )
    thin = '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>'
    return (
        f'{_XML}<styleSheet xmlns="{_MAIN}">'
        + (f'<numFmts count="{len(custom)}">{num_fmts}</numFmts>' if custom else "")
        + f'<fonts count="5">{fonts}</fonts>'
        '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        f"<border>{thin}<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>'
        '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
        "</styleSheet>"
    )  # fmt: skip


def _workbook_xml(s: FormSheet) -> str:
    # A sheet name is always quoted in a reference (a quote inside it doubled).
    quoted = "'" + s.name.replace("'", "''") + "'"
    titles = ":".join(f"${r}" for r in s.page.print_title_rows.split(":"))
    last_col = get_column_letter(len(s.widths))
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_REL}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name="{_attr(s.name)}" sheetId="1" state="visible" r:id="rId1"/></sheets>'
        "<definedNames>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{_esc(quoted)}!{titles}</definedName>'
        f'<definedName name="_xlnm.Print_Area" localSheetId="0">{_esc(quoted)}!$A$1:${last_col}${s.last_row}</definedName>'
        '</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )  # fmt: skip


def _custom_xml(properties: dict[str, str]) -> str:
    props = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{pid}" name="{_attr(name)}">'
        f"<vt:lpwstr>{_esc(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), 2)
    )
    return (
        f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
    )  # fmt: skip


def write_xlsx(sheet: FormSheet, out: BinaryIO, properties: dict[str, str] | None = None) -> None:
    """Write ``sheet`` as a one-sheet .xlsx to ``out``, with ``properties`` as custom document
    properties (text)."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = (
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/app.xml", _APP),
        ("docProps/core.xml", _CORE.replace("{now}", now)),
        ("docProps/custom.xml", _custom_xml(properties or {})),
        ("xl/workbook.xml", _workbook_xml(sheet)),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ("xl/styles.xml", _styles_xml(sheet)),
        ("xl/theme/theme1.xml", theme_xml),
        ("xl/worksheets/sheet1.xml", _sheet_xml(sheet)),
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(name, text.encode("utf-8"))


def _umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read it is to set it and put it back
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[BinaryIO], Any]) -> Any:
    """Write through a temporary file beside ``path`` and move it into place, so a crash or
    a full disk never leaves a half-written workbook under the final name."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            result = write(f)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); an export is meant to be passed on (a shared
        # folder, a colleague), so give it the permissions of any newly created file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return result
