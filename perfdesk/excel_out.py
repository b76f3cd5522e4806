"""Excel out: a record as the bureau's form (申报表 or 自评表), and a year's summary workbook.

Everything is written to a binary stream; :func:`export_file` and
:func:`write_summary_file` are the path edges (atomic: a temporary file in the same folder,
then ``os.replace``). Layouts come from :mod:`perfdesk.excel_layouts`.

A form is drawn into a :class:`FormSheet` (values, looks, merges, sizes, page) and written
by :func:`write_xlsx` as the same OOXML parts openpyxl writes, at a fraction of openpyxl's
cost per cell; the year summary (two plain tables) is written with openpyxl.

What a re-import needs is on the sheet as the bureau prints it: amounts as numbers (千分位
format), dates as dates, checkbox groups with ☑/□ after each option, categories merged over
their indicators. What paper does not show (a corrected target direction, a score's override
reason, a not-applicable mark, the created-from note, raw weights) travels in a *stamp*: a
custom document property holding the record's JSON and a fingerprint of what the sheet
shows (see "stamp" below), used by the import only while the visible form is unchanged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.theme import theme_xml

from perfdesk.excel_layouts import (
    CHECKED,
    OPTION_GAP,
    SUMMARY_INDICATOR_COLUMNS,
    SUMMARY_INDICATORS_SHEET,
    SUMMARY_PROJECT_COLUMNS,
    SUMMARY_PROJECTS_SHEET,
    SUMMARY_TOTAL_LABEL,
    UNCHECKED,
    DeclarationLayout,
    EvaluationLayout,
    FieldRow,
    Fonts,
    Page,
    Span,
    SummaryColumn,
    Table,
    declaration_layout,
    evaluation_layout,
)
from perfdesk.models.errors import InputError, ValidationError
from perfdesk.models.money import WAN
from perfdesk.models.records import CHOICE_JOINER, STATUS_LABELS, Declaration, Evaluation, FundRow
from perfdesk.models.scoring import ScoreSheet, fmt, score_evaluation
from perfdesk.models.serialize import (
    FRAMEWORKS,
    declaration_from_dict,
    declaration_to_dict,
    evaluation_from_dict,
    evaluation_to_dict,
    fingerprint_of,
    loads,
)

if TYPE_CHECKING:
    from perfdesk.store import Store

MONEY_FORMAT = "#,##0.00"
# 万元 values keep up to six decimals (whole 分) so the cell is exact; shown to at least two.
WAN_FORMAT = "#,##0.00####"
DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.00%"
SCORE_FORMAT = "General"
# A cell whose text starts with one of these would be taken for a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_TEXT_LIMIT = 32767
NOT_APPLICABLE = "不适用"
MAX_ROW_HEIGHT = 409.0  # points, Excel's limit

FORMS = ("declaration", "evaluation")


# ---------------------------------------------------------------- cells and styles

# Fonts by their number in the styles part: 0 is the workbook default (which only the
# covered cells of merged ranges use), then the form's own four.
DEFAULT_FONT, BODY, BOLD, TITLE, SUBTITLE = range(5)
Align = tuple[str, str, bool]  # horizontal, vertical, wrap
# A cell's look, one ``<xf>`` of the styles part: font, alignment, number format, bordered,
# quote prefix.
Look = tuple[int, Align | None, str, bool, bool]

LABEL: Align = ("center", "center", True)
TEXT: Align = ("left", "center", True)
LONG: Align = ("left", "top", True)
NUMBER: Align = ("right", "center", False)
PLAIN: Align = ("left", "center", False)
CENTRE: Align = ("center", "center", False)
DEFAULT_LOOK: Look = (DEFAULT_FONT, None, "General", False, False)
# A covered cell of a bordered merged range: Excel draws a merged range's border from the
# cells under it, so each one carries the border (and nothing else).
COVERED: Look = (DEFAULT_FONT, None, "General", True, False)


@dataclass
class FormSheet:
    """One form as the sheet shows it: values by (row, column), looks, merges, sizes, page.

    Drawn by the layout code below, written by :func:`write_xlsx`.
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


def text_width(text: str) -> int:
    """Display width in Excel width units: a CJK (non-ASCII) character counts 2."""
    ascii_count = len(text.encode("ascii", "ignore"))
    return 2 * len(text) - ascii_count


def line_count(text: str, width: float) -> int:
    capacity = max(int(width) - 1, 4)
    return sum(max(1, -(-text_width(part) // capacity)) for part in text.split("\n"))


class _Grid:
    """A form sheet seen as a grid of spans; keeps each row's height estimate."""

    def __init__(self, name: str, widths: Sequence[float], fonts: Fonts, page: Page) -> None:
        self.sheet = FormSheet(name, tuple(widths), fonts, page)
        self.widths = self.sheet.widths
        self.line_height = fonts.body_size * 1.35
        self.row = 1
        self._lines: dict[int, int] = {}

    def span_width(self, span: Span) -> float:
        return sum(self.widths[span[0] - 1 : span[1]])

    def put(
        self,
        span: Span,
        value: Any,
        *,
        row: int | None = None,
        rows: int = 1,
        kind: str = "text",
        bold: bool = False,
        align: Align | None = None,
        border: bool = True,
        where: str = "",
        font: int | None = None,
    ) -> None:
        """Write ``value`` over columns ``span`` (and ``rows`` rows down), merged, bordered.

        kind: text | label | long | money | wan | date | rate | score | int.
        """
        r = self.row if row is None else row
        c0, c1 = span
        fmt = "General"
        if value is None:
            alignment = align or (LABEL if kind == "label" else TEXT)
        elif kind in ("money", "wan"):
            if kind == "wan":
                value = value / WAN
            fmt = WAN_FORMAT if kind == "wan" else MONEY_FORMAT
            alignment = align or NUMBER
        elif kind == "date":
            fmt = DATE_FORMAT
            alignment = align or CENTRE
        elif kind == "rate":
            fmt = RATE_FORMAT
            alignment = align or NUMBER
        elif kind in ("score", "int"):
            alignment = align or CENTRE
        else:
            value = clean_text(str(value), where)
            alignment = align or {"label": LABEL, "long": LONG}.get(kind, TEXT)
            if rows == 1:
                n = line_count(value, self.span_width(span))
                if n > self._lines.get(r, 1):
                    self._lines[r] = n
            kind = "text"
        quote = False
        if isinstance(value, str):
            if kind != "text":  # text an odd import kept under a number kind
                value = clean_text(value, where)
            # Text a spreadsheet would take for a formula (or re-evaluate on edit) gets
            # Excel's quote prefix; the apostrophe is not part of the value.
            quote = value.startswith(FORMULA_STARTS)
        s = self.sheet
        look = (BOLD if bold else BODY) if font is None else font
        s.cells[(r, c0)] = (value, s.look((look, alignment, fmt, border, quote)))
        r1 = r + rows - 1
        if c1 > c0 or r1 > r:
            s.merges.append((r, c0, r1, c1))
            if border:
                covered = s.look(COVERED)
                for rr in range(r, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        if rr != r or cc != c0:
                            s.cells[(rr, cc)] = (None, covered)

    def next(self, n: int = 1) -> None:
        self.row += n

    def finish(self) -> FormSheet:
        """The sheet, with the row heights the wrapped text needs."""
        s = self.sheet
        for r, n in self._lines.items():
            if n > 1:
                s.heights[r] = min(n * self.line_height + 4, MAX_ROW_HEIGHT)
        s.last_row = max(self.row - 1, 1)
        return s


def _title(g: _Grid, title: str, year_line: str, n_cols: int) -> None:
    fonts = g.sheet.fonts
    g.put((1, n_cols), title, border=False, align=CENTRE, font=TITLE)
    g.sheet.heights[g.row] = fonts.title_size * 1.8
    g.next()
    g.put((1, n_cols), year_line, border=False, align=CENTRE, font=SUBTITLE)
    g.next()


def _runs(values: Sequence[str | None], within: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last) index runs of equal, non-empty consecutive values, never crossing the
    boundaries of the ``within`` runs (a 二级指标 never spans two 一级指标)."""
    out: list[tuple[int, int]] = []
    for lo, hi in within:
        start = lo
        for i in range(lo + 1, hi + 2):
            if i > hi or values[i] is None or values[i] != values[start]:
                out.append((start, i - 1))
                start = i
    return out


def _merged_table(
    g: _Grid, table: Table, rows: Sequence[Sequence[tuple[Any, str]]], where: str
) -> None:
    """Rows of (value, kind) under ``table``'s spans; the leading merge columns merged over
    runs of equal values."""
    first = g.row
    n = len(rows)
    within = [(0, n - 1)] if n else []
    runs_by_col: list[list[tuple[int, int]]] = []
    for col in range(table.merge_columns):
        values = [r[col][0] for r in rows]
        runs = _runs(values, within)
        runs_by_col.append(runs)
        within = runs
    for i, cells in enumerate(rows):
        for col, ((value, kind), span) in enumerate(zip(cells, table.spans, strict=True)):
            if col < table.merge_columns:
                run = next((r for r in runs_by_col[col] if r[0] <= i <= r[1]), (i, i))
                if run[0] != i:
                    continue
                g.put(
                    span,
                    value,
                    row=first + i,
                    rows=run[1] - run[0] + 1,
                    kind=kind,
                    align=LABEL,
                    where=where,
                )
            else:
                g.put(span, value, row=first + i, kind=kind, where=where)
    g.next(n)


# ---------------------------------------------------------------- declaration


def choice_text(value: str | None, lines: tuple[tuple[str, ...], ...]) -> str | None:
    """``经常性专项业务费☑  其他经常性项目□`` as the seed writes a checkbox group. A value
    that is not among the options (an odd import) is written as it is, not lost."""
    chosen = set(value.split(CHOICE_JOINER)) if value else set()
    options = {o for line in lines for o in line}
    if not chosen <= options:
        return value
    return "\n".join(
        OPTION_GAP.join(f"{o}{CHECKED if o in chosen else UNCHECKED}" for o in line)
        for line in lines
    )


def _declaration_rows(g: _Grid, decl: Declaration, lay: DeclarationLayout) -> None:
    for fr in lay.rows:
        if fr.kind == "signoff":
            _signoff(g, decl, lay)
            continue
        if fr.kind == "budget_items":
            _budget_items(g, decl, lay, fr)
            continue
        if fr.kind == "indicators":
            _indicators(g, decl, lay, fr)
            continue
        if fr.kind == "pair":
            s = lay.pair_spans
            g.put(s[0], fr.label, kind="label")
            g.put(s[1], getattr(decl, fr.key), kind=fr.value_kind, where=fr.label)
            g.put(s[2], fr.label2, kind="label")
            g.put(s[3], getattr(decl, fr.key2), kind=fr.value_kind, where=fr.label2)
        elif fr.kind == "choice":
            g.put(lay.label_span, fr.label, kind="label")
            g.put(
                lay.value_span, choice_text(getattr(decl, fr.key), fr.option_lines), where=fr.label
            )
        else:
            g.put(lay.label_span, fr.label, kind="label")
            g.put(
                lay.value_span,
                getattr(decl, fr.key),
                kind=fr.kind,
                where=fr.label,
                align=LONG if fr.kind == "long" else None,
            )
        g.next()


def _budget_items(g: _Grid, decl: Declaration, lay: DeclarationLayout, fr: FieldRow) -> None:
    items = [
        (b.name, b.amount) for b in decl.budget_items if b.name is not None or b.amount is not None
    ]
    body = items or [(None, None)]
    g.put(lay.label_span, fr.label, rows=len(body) + 1, kind="label")
    t = lay.budget_table
    g.put(t.spans[0], t.headers[0], kind="label")
    g.put(t.spans[1], t.headers[1], kind="label")
    g.next()
    for name, amount in body:
        g.put(t.spans[0], name, where=t.headers[0])
        g.put(t.spans[1], amount, kind="money", where=t.headers[1])
        g.next()


def _indicators(g: _Grid, decl: Declaration, lay: DeclarationLayout, fr: FieldRow) -> None:
    first, last = lay.label_span[0], lay.value_span[1]
    g.put((first, last), lay.indicator_heading, kind="label", align=PLAIN, bold=True)
    g.next()
    t = lay.indicator_table
    for header, span in zip(t.headers, t.spans, strict=True):
        g.put(span, header, kind="label", bold=True)
    g.next()
    inds = [
        i for i in decl.indicators
        if (i.category, i.subcategory, i.name, i.target) != (None, None, None, None)
    ]  # fmt: skip
    if len(t.headers) == 3:
        rows = [[(i.category, "text"), (i.name, "text"), (i.target, "text")] for i in inds]
    else:
        rows = [
            [(i.category, "text"), (i.subcategory, "text"), (i.name, "text"), (i.target, "text")]
            for i in inds
        ]
    if not rows:
        rows = [[(None, "text")] * len(t.headers)]
    _merged_table(g, t, rows, fr.label)


def _signoff(g: _Grid, decl: Declaration, lay: DeclarationLayout) -> None:
    s = decl.signoff
    if s is None:
        return
    sp = lay.pair_spans
    for (label1, key1), (label2, key2) in lay.signoff_rows:
        g.put(sp[0], label1, kind="label")
        g.put(sp[1], getattr(s, key1), kind="date" if key1 == "date" else "text", where=label1)
        g.put(sp[2], label2, kind="label")
        g.put(sp[3], getattr(s, key2), kind="date" if key2 == "date" else "text", where=label2)
        g.next()


def build_declaration(decl: Declaration) -> FormSheet:
    """The 申报表 of ``decl`` as a sheet, in the layout of ``decl.framework``."""
    lay = declaration_layout(decl.framework)
    g = _Grid(lay.sheet_name, lay.widths, lay.fonts, lay.page)
    n_cols = len(lay.widths)
    _title(g, lay.title, lay.year_text.format(year=decl.year), n_cols)
    g.put(
        (1, n_cols),
        f"{lay.unit_label}：{clean_text(decl.unit or '', lay.unit_label)}",
        border=False,
        align=PLAIN,
    )
    g.next()
    _declaration_rows(g, decl, lay)
    return g.finish()


# ---------------------------------------------------------------- self-evaluation


def _evaluation_rows(
    g: _Grid, decl: Declaration, ev: Evaluation, lay: EvaluationLayout, sheet: ScoreSheet
) -> None:
    money = "wan" if lay.money_unit == "万元" else "money"

    a, b = lay.name_spans
    g.put(a, "项目名称", kind="label")
    g.put(b, decl.name, where="项目名称")
    g.next()
    s = lay.head_spans
    g.put(s[0], "主管部门", kind="label")
    g.put(s[1], ev.supervisor, where="主管部门")
    g.put(s[2], "实施单位", kind="label")
    g.put(s[3], decl.unit, where="实施单位")
    g.next()

    m = lay.money_spans
    g.put(m[0], lay.money_label, rows=1 + len(lay.fund_rows), kind="label")
    g.put(m[1], None)
    for header, span in zip(lay.money_headers, m[2:], strict=True):
        g.put(span, header, kind="label")
    g.next()
    funds = ev.funds
    for key, label in lay.fund_rows:
        if key == "total":
            row = FundRow(ev.budget_initial, ev.budget_adjusted, ev.spent)
        else:
            found: FundRow | None = getattr(funds, key, None) if funds is not None else None
            row = found or FundRow()
        g.put(m[1], label, kind="label")
        g.put(m[2], row.initial, kind=money, where=f"{label}年初预算数")
        g.put(m[3], row.adjusted, kind=money, where=f"{label}全年预算数")
        g.put(m[4], row.spent, kind=money, where=f"{label}全年执行数")
        if key == "total":
            g.put(m[5], ev.budget_weight, kind="score")
            g.put(m[6], sheet.execution_rate, kind="rate")
            g.put(m[7], sheet.budget_score, kind="score")
        else:
            for span in m[5:]:
                g.put(span, None)
        g.next()

    gs = lay.goal_spans
    g.put(gs[0], lay.goal_label, rows=2, kind="label")
    g.put(gs[1], lay.goal_headers[0], kind="label")
    g.put(gs[2], lay.goal_headers[1], kind="label")
    g.next()
    g.put(gs[1], shown_goal_expected(decl, ev), kind="long", align=LONG, where="预期目标")
    g.put(gs[2], ev.goal_actual, kind="long", align=LONG, where="实际完成情况")
    g.next()

    t = lay.indicator_table
    rows = []
    for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
        weight, score = (Decimal(0), Decimal(0)) if sc.not_applicable else (sc.weight, sc.score)
        rows.append([
            (ind.category, "text"), (ind.subcategory, "text"), (ind.name, "text"),
            (ind.target, "text"), (ind.actual, "text"), (weight, "score"), (score, "score"),
            (ind.deviation, "text"),
        ])  # fmt: skip
    if not rows:
        rows = [[(None, "text")] * len(t.headers)]
    g.put((1, 1), lay.indicator_label, rows=len(rows) + 1, kind="label")
    for header, span in zip(t.headers, t.spans, strict=True):
        g.put(span, header, kind="label", bold=True)
    g.next()
    _merged_table(g, t, rows, lay.indicator_label)

    ts = lay.total_spans
    weights_total = ev.budget_weight + sum(
        (sc.weight for sc in sheet.indicators if sc.weight is not None and not sc.not_applicable),
        Decimal(0),
    )
    g.put(ts[0], lay.total_label, kind="label", bold=True)
    g.put(ts[1], weights_total, kind="score")
    g.put(ts[2], sheet.total, kind="score")
    g.put(ts[3], None)
    g.next()
    gr = lay.grade_spans
    g.put(gr[0], lay.grade_label, kind="label", bold=True)
    g.put(gr[1], sheet.grade, align=CENTRE)
    g.next()


def shown_goal_expected(decl: Declaration, ev: Evaluation) -> str | None:
    """预期目标 as printed: the evaluation's own text, else the declaration's 年度绩效目标."""
    return ev.goal_expected if ev.goal_expected is not None else decl.annual_goal


def build_evaluation(decl: Declaration, scored: ScoreSheet | None = None) -> FormSheet:
    """The 自评表 of ``decl`` as a sheet (national layout in 万元, or Shanghai's in 元);
    ``scored`` is its score sheet when the caller already has it."""
    ev = decl.evaluation
    if ev is None:
        raise InputError(f"项目“{decl.name}”（编号 {decl.id}）还没有自评表，无法导出自评表。")
    if scored is None:
        scored = score_evaluation(ev, decl.framework)
    lay = evaluation_layout(ev.layout)
    g = _Grid(lay.sheet_name, lay.widths, lay.fonts, lay.page)
    _title(g, lay.title, lay.year_text.format(year=decl.year), len(lay.widths))
    _evaluation_rows(g, decl, ev, lay, scored)
    return g.finish()


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


# ---------------------------------------------------------------- stamp

STAMP_PROPERTY = "perfdesk"
STAMP_VERSION = 1
MAX_STAMP_BYTES = 8 * 1024 * 1024


def _num(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def _fund_shown(row: FundRow | None) -> list[str | None] | None:
    if row is None or (row.initial, row.adjusted, row.spent) == (None, None, None):
        return None
    return [_num(row.initial), _num(row.adjusted), _num(row.spent)]


def shown_content(
    decl: Declaration, form: str = "declaration", scored: ScoreSheet | None = None
) -> dict[str, Any]:
    """What the exported sheet of ``form`` shows of ``decl``, as plain JSON (``scored``: the
    evaluation's score sheet, when the caller already has it).

    Two records with the same shown content give the same sheet; the import uses this to
    know whether a stamped file was edited after export.
    """
    if form == "evaluation":
        ev = decl.evaluation or Evaluation()
        sheet = scored or score_evaluation(ev, decl.framework)
        rows = []
        for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
            weight, score = (Decimal(0), Decimal(0)) if sc.not_applicable else (sc.weight, sc.score)
            rows.append([ind.category, ind.subcategory, ind.name, ind.target, ind.actual,
                         _num(weight), _num(score), ind.deviation])  # fmt: skip
        funds = ev.funds
        fund_rows = [
            _fund_shown(getattr(funds, k, None) if funds else None)
            for k in ("appropriation", "carried_over", "other")
        ]
        return {
            "form": form,
            "year": decl.year,
            "unit": decl.unit,
            "name": decl.name,
            "layout": ev.layout,
            "supervisor": ev.supervisor,
            "total": _fund_shown(FundRow(ev.budget_initial, ev.budget_adjusted, ev.spent)),
            "funds": fund_rows,
            "budget_weight": _num(ev.budget_weight),
            "goal_expected": shown_goal_expected(decl, ev),
            "goal_actual": ev.goal_actual,
            "indicators": rows,
        }
    return _shown_declaration(declaration_to_dict(decl, with_store_keys=False), form)


def _shown_declaration(record: dict[str, Any], form: str) -> dict[str, Any]:
    """:func:`shown_content` of a declaration from its dict (which is not modified)."""
    d = dict(record)
    d.pop("evaluation", None)
    d.pop("created_from", None)
    d["form"] = form
    d["indicators"] = [
        [i["category"], i["subcategory"], i["name"], i["target"]]
        for i in d["indicators"]
        if (i["category"], i["subcategory"], i["name"], i["target"]) != (None, None, None, None)
    ]
    d["budget_items"] = [b for b in d["budget_items"] if (b["name"], b["amount"]) != (None, None)]
    s = d.get("signoff")
    if s is not None and all(v is None for v in s.values()):
        d["signoff"] = None
    return d


def stamp_of(decl: Declaration, form: str, scored: ScoreSheet | None = None) -> dict[str, Any]:
    """The stamp written with ``form``: the part of the record that form carries, and the
    fingerprint of what the sheet shows."""
    if form == "evaluation":
        assert decl.evaluation is not None
        # The framework decides the default weights, and a 自评表's headers do not say it.
        part: dict[str, Any] = {
            "framework": decl.framework,
            "evaluation": evaluation_to_dict(decl.evaluation, decl.framework),
        }
        shown = shown_content(decl, form, scored)
    else:
        part = declaration_to_dict(decl, with_store_keys=False)
        shown = _shown_declaration(part, form)
        part.pop("evaluation", None)
    return {
        "version": STAMP_VERSION,
        "form": form,
        "shown": fingerprint_of(shown),
        "record": part,
    }


def stamp_text(decl: Declaration, form: str, scored: ScoreSheet | None = None) -> str:
    """The stamp as the text of the custom document property. Not a cell: Excel's 32,767
    character limit does not apply (a record with long texts has a long stamp)."""
    text = json.dumps(stamp_of(decl, form, scored), ensure_ascii=False, separators=(",", ":"))
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def read_stamp(data: bytes) -> dict[str, Any] | None:
    """The stamp of an .xlsx written by perfdesk, or None (another program's file, an .xls,
    a stamp of another version, anything unreadable: the sheet alone is then the record)."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            try:
                info = z.getinfo("docProps/custom.xml")
            except KeyError:
                return None
            if info.file_size > MAX_STAMP_BYTES:
                return None
            root = ElementTree.fromstring(z.read(info))
    except (zipfile.BadZipFile, OSError, ValueError, ElementTree.ParseError):
        return None
    except Exception:  # defusedxml's refusals (entities, DTDs) and the like
        return None
    for prop in root:
        if prop.get("name") != STAMP_PROPERTY:
            continue
        text = "".join(prop.itertext())
        try:
            stamp = loads(text)
        except ValueError:
            return None
        if isinstance(stamp, dict) and stamp.get("version") == STAMP_VERSION:
            return stamp
    return None


def restore_from_stamp(read: Declaration, stamp: dict[str, Any] | None) -> Declaration:
    """The record a re-import should store for one form read from a perfdesk export.

    When the sheet still shows exactly what perfdesk wrote, the stamp's record (with what
    paper does not show: target directions, override reasons, not-applicable marks, tier
    scores, raw weights, created-from) replaces what was read; when someone edited the file
    in Excel, the sheet wins and the stamp is ignored. ``read`` is not modified.
    """
    if not stamp or stamp.get("form") not in FORMS:
        return read
    form = stamp["form"]
    if fingerprint_of(shown_content(read, form)) != stamp.get("shown"):
        return read
    record = stamp.get("record")
    if not isinstance(record, dict):
        return read
    try:
        if form == "evaluation":
            if read.evaluation is None or not isinstance(record.get("evaluation"), dict):
                return read
            out = deepcopy(read)
            if record.get("framework") in FRAMEWORKS:
                out.framework = record["framework"]
            out.evaluation = evaluation_from_dict(record["evaluation"], out.framework)
        else:
            out = declaration_from_dict(record)
            out.evaluation = read.evaluation
    except InputError:
        return read
    out.id, out.status, out.revision = read.id, read.status, read.revision
    # The stamp must not change what the sheet shows (a forged or stale stamp).
    if fingerprint_of(shown_content(out, form)) != stamp.get("shown"):
        return read
    return out


def restore_workbook(read: Declaration, data: bytes) -> Declaration:
    """:func:`restore_from_stamp` with the stamp taken from the workbook's bytes."""
    return restore_from_stamp(read, read_stamp(data))


# ---------------------------------------------------------------- streams and files


def write_declaration(decl: Declaration, out: BinaryIO) -> None:
    sheet = build_declaration(decl)
    write_xlsx(sheet, out, {STAMP_PROPERTY: stamp_text(decl, "declaration")})


def write_evaluation(decl: Declaration, out: BinaryIO) -> None:
    ev = decl.evaluation
    # Scored once for the sheet and the stamp.
    scored = score_evaluation(ev, decl.framework) if ev is not None else None
    sheet = build_evaluation(decl, scored)
    write_xlsx(sheet, out, {STAMP_PROPERTY: stamp_text(decl, "evaluation", scored)})


def write_form(decl: Declaration, out: BinaryIO, form: str = "declaration") -> None:
    if form not in FORMS:
        raise InputError(f"未知的表：“{form}”（应为 declaration 或 evaluation）。")
    (write_evaluation if form == "evaluation" else write_declaration)(decl, out)


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
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return result


def export_file(decl: Declaration, path: Path, form: str = "declaration") -> None:
    """Write the form to ``path`` (atomically)."""
    if form not in FORMS:
        raise InputError(f"未知的表：“{form}”（应为 declaration 或 evaluation）。")
    if form == "evaluation" and decl.evaluation is None:
        raise InputError(f"项目“{decl.name}”（编号 {decl.id}）还没有自评表，无法导出自评表。")
    atomic_write(Path(path), lambda f: write_form(decl, f, form))


# ---------------------------------------------------------------- year summary


class _SummaryStyles:
    """The summary's style objects, built once per workbook."""

    def __init__(self, fonts: Fonts) -> None:
        thin = Side(style="thin")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.body = Font(name=fonts.body, size=fonts.body_size)
        self.bold = Font(name=fonts.body, size=fonts.body_size, bold=True)
        self.label = Alignment(horizontal="center", vertical="center", wrap_text=True)


def set_text(cell: Any, text: str) -> None:
    """Assign text that stays text: openpyxl takes a leading ``=`` for a formula, and a
    spreadsheet re-evaluates ``+``/``-``/``@`` on edit, so such text is stored as a string
    cell with Excel's quote prefix (the apostrophe is not part of the value)."""
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _summary_sheet(
    ws: Worksheet,
    columns: Sequence[SummaryColumn],
    rows: Iterable[Sequence[Any]],
    st: _SummaryStyles,
) -> int:
    for c, col in enumerate(columns, 1):
        cell = ws.cell(1, c, col.header)
        cell.font = st.bold
        cell.alignment = st.label
        cell.border = st.border
        ws.column_dimensions[get_column_letter(c)].width = col.width
    n = 0
    for n, values in enumerate(rows, 1):
        for c, (col, value) in enumerate(zip(columns, values, strict=True), 1):
            cell = ws.cell(n + 1, c)
            cell.font = st.body
            cell.border = st.border
            if value is None:
                continue
            if col.kind == "money":
                cell.value = value
                cell.number_format = MONEY_FORMAT
            elif col.kind in ("int", "score"):
                cell.value = value
            else:
                set_text(cell, clean_text(str(value), col.header))
    last_col = get_column_letter(len(columns))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_col}{n + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    return n


def summary_rows(store: Store, year: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """(project rows, indicator rows) of the year, in the store's list order."""
    ids = [r[0] for r in store.list(year=year, columns=("id",))]
    projects: list[list[Any]] = []
    indicators: list[list[Any]] = []
    for rid in ids:
        decl = store.get(rid)
        ev = decl.evaluation
        sheet = score_evaluation(ev, decl.framework) if ev is not None else None
        projects.append([
            rid, decl.unit, decl.name, decl.project_type, decl.fund_use, decl.total_budget,
            decl.year_budget, len(decl.indicators), STATUS_LABELS.get(decl.status, decl.status),
            sheet.total if sheet else None, sheet.grade if sheet else None,
        ])  # fmt: skip
        if ev is not None and sheet is not None:
            for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
                indicators.append([
                    rid, decl.unit, decl.name, ind.category, ind.subcategory, ind.name,
                    ind.target, ind.actual,
                    # A not-applicable row's weight went to the others (as on the form).
                    None if sc.not_applicable else sc.weight,
                    NOT_APPLICABLE if sc.not_applicable else sc.score,
                ])  # fmt: skip
        else:
            for i in decl.indicators:
                indicators.append(
                    [rid, decl.unit, decl.name, i.category, i.subcategory, i.name, i.target,
                     None, None, None]
                )  # fmt: skip
    return projects, indicators


def write_summary(store: Store, year: int, out: BinaryIO) -> int:
    """The year's summary workbook (项目汇总 + 绩效指标); returns the number of projects.

    The totals row holds computed numbers, not SUM formulas: openpyxl cannot store a
    formula's cached value, and readers that do not calculate (previews, the bureau's
    import tools) would show an empty total.
    """
    projects, indicators = summary_rows(store, year)
    st = _SummaryStyles(Fonts())
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_PROJECTS_SHEET
    n = _summary_sheet(ws, SUMMARY_PROJECT_COLUMNS, projects, st)
    total_row = n + 2
    money_cols = [i for i, c in enumerate(SUMMARY_PROJECT_COLUMNS) if c.kind == "money"]
    count_col = next(i for i, c in enumerate(SUMMARY_PROJECT_COLUMNS) if c.header == "指标数")
    label = ws.cell(total_row, 1, SUMMARY_TOTAL_LABEL)
    label.font = st.bold
    for i in money_cols:
        total = sum((p[i] for p in projects if p[i] is not None), Decimal(0))
        cell = ws.cell(total_row, i + 1, total)
        cell.number_format = MONEY_FORMAT
        cell.font = st.bold
    ws.cell(total_row, count_col + 1, sum(p[count_col] for p in projects)).font = st.bold
    for c in range(1, len(SUMMARY_PROJECT_COLUMNS) + 1):
        ws.cell(total_row, c).border = st.border
    ws2 = wb.create_sheet(SUMMARY_INDICATORS_SHEET)
    _summary_sheet(ws2, SUMMARY_INDICATOR_COLUMNS, indicators, st)
    wb.save(out)
    return n


def write_summary_file(store: Store, year: int, path: Path) -> int:
    result: int = atomic_write(Path(path), lambda f: write_summary(store, year, f))
    return result
