"""Excel out: a record as the bureau's form (申报表 or 自评表), and a year's summary workbook.

Everything is written to a binary stream; :func:`export_file` and
:func:`write_summary_file` are the path edges (atomic: a temporary file in the same folder,
then ``os.replace``). Layouts come from :mod:`perfdesk.excel_layouts`.

What a re-import needs is on the sheet as the bureau prints it: amounts as numbers (千分位
format), dates as dates, checkbox groups with ☑/□ after each option, categories merged over
their indicators. What paper does not show (a corrected target direction, a score's override
reason, a not-applicable mark, the created-from note, raw weights) travels in a *stamp*: a
custom document property holding the record's JSON and a fingerprint of what the sheet
shows (see "stamp" below), used by the import only while the visible form is unchanged.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from copy import copy, deepcopy
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
from perfdesk.models.scoring import fmt, score_evaluation
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


class _Styles:
    """Style objects built once per workbook (openpyxl interns them, building is the cost)."""

    def __init__(self, fonts: Fonts) -> None:
        thin = Side(style="thin")
        self.fonts = fonts
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.body = Font(name=fonts.body, size=fonts.body_size)
        self.bold = Font(name=fonts.body, size=fonts.body_size, bold=True)
        self.title = Font(name=fonts.title, size=fonts.title_size, bold=fonts.title == fonts.body)
        self.subtitle = Font(name=fonts.body, size=fonts.subtitle_size)
        self.label = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.text = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.long = Alignment(horizontal="left", vertical="top", wrap_text=True)
        self.number = Alignment(horizontal="right", vertical="center")
        self.plain = Alignment(horizontal="left", vertical="center")
        self.centre = Alignment(horizontal="center", vertical="center")
        self.line_height = fonts.body_size * 1.35
        self._arrays: dict[tuple[int, int, str, bool], StyleArray] = {}
        self._border_only: StyleArray | None = None

    def apply(
        self, cell: Any, font: Font, alignment: Alignment, number_format: str, border: bool
    ) -> None:
        """Style a cell. The first cell of each combination is styled through openpyxl's
        API; later ones get a copy of its style array, as openpyxl's own WorksheetCopy does
        (assigning style objects hashes them every time, the bulk of the export's cost)."""
        key = (id(font), id(alignment), number_format, border)
        arr = self._arrays.get(key)
        if arr is None:
            cell.font = font
            cell.alignment = alignment
            cell.number_format = number_format
            if border:
                cell.border = self.border
            self._arrays[key] = copy(cell._style)
        else:
            cell._style = copy(arr)

    def apply_border(self, cell: Any) -> None:
        if self._border_only is None:
            cell.border = self.border
            self._border_only = copy(cell._style)
        else:
            cell._style = copy(self._border_only)


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
    """A worksheet seen as a grid of spans; keeps each row's height estimate."""

    def __init__(self, ws: Worksheet, widths: Sequence[float], styles: _Styles) -> None:
        self.ws = ws
        self.widths = tuple(widths)
        self.st = styles
        self.row = 1
        self._lines: dict[int, int] = {}
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w

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
        align: Alignment | None = None,
        border: bool = True,
        where: str = "",
    ) -> None:
        """Write ``value`` over columns ``span`` (and ``rows`` rows down), merged, bordered.

        kind: text | label | long | money | wan | date | rate | score | int.
        """
        r = self.row if row is None else row
        c0, c1 = span
        ws = self.ws
        cell = ws.cell(r, c0)
        st = self.st
        font = st.bold if bold else st.body
        fmt = "General"
        if value is None:
            alignment = align or (st.label if kind == "label" else st.text)
        elif kind in ("money", "wan"):
            cell.value = value / WAN if kind == "wan" else value
            fmt = WAN_FORMAT if kind == "wan" else MONEY_FORMAT
            alignment = align or st.number
        elif kind == "date":
            cell.value = value
            fmt = DATE_FORMAT
            alignment = align or st.centre
        elif kind == "rate":
            cell.value = value
            fmt = RATE_FORMAT
            alignment = align or st.number
        elif kind in ("score", "int"):
            cell.value = value
            alignment = align or st.centre
        else:
            text = clean_text(str(value), where)
            alignment = align or {"label": st.label, "long": st.long}.get(kind, st.text)
            st.apply(cell, font, alignment, fmt, border)
            set_text(cell, text)
            if rows == 1:
                n = line_count(text, self.span_width(span))
                if n > self._lines.get(r, 1):
                    self._lines[r] = n
            alignment = None
        if alignment is not None:
            st.apply(cell, font, alignment, fmt, border)
        r1 = r + rows - 1
        if c1 > c0 or r1 > r:
            # Registered as a plain range: ws.merge_cells() would re-style every covered
            # cell from the top-left one (a third of the export time); they are bordered
            # just below.
            ws.merged_cells.add(f"{get_column_letter(c0)}{r}:{get_column_letter(c1)}{r1}")
            if border:
                for rr in range(r, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        if (rr, cc) != (r, c0):
                            st.apply_border(ws.cell(rr, cc))

    def next(self, n: int = 1) -> None:
        self.row += n

    def finish_heights(self, first: int = 1) -> None:
        st = self.st
        for r, n in self._lines.items():
            if r >= first and n > 1:
                self.ws.row_dimensions[r].height = min(n * st.line_height + 4, MAX_ROW_HEIGHT)


def set_text(cell: Any, text: str) -> None:
    """Assign text that stays text: openpyxl takes a leading ``=`` for a formula, and a
    spreadsheet re-evaluates ``+``/``-``/``@`` on edit, so such text is stored as a string
    cell with Excel's quote prefix (the apostrophe is not part of the value)."""
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _page_setup(ws: Worksheet, page: Page, last_row: int, last_col: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = page.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = page.margin_lr
    ws.page_margins.top = ws.page_margins.bottom = page.margin_tb
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = page.print_title_rows
    ws.print_area = f"A1:{get_column_letter(last_col)}{max(last_row, 1)}"


def _title(g: _Grid, title: str, year_line: str, n_cols: int) -> None:
    st = g.st
    g.put((1, n_cols), title, border=False, align=st.centre)
    g.ws.cell(g.row, 1).font = st.title
    g.ws.row_dimensions[g.row].height = st.fonts.title_size * 1.8
    g.next()
    g.put((1, n_cols), year_line, border=False, align=st.centre)
    g.ws.cell(g.row, 1).font = st.subtitle
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
                    align=g.st.label,
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
    st = g.st
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
                align=st.long if fr.kind == "long" else None,
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
    g.put((first, last), lay.indicator_heading, kind="label", align=g.st.plain, bold=True)
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


def build_declaration(decl: Declaration) -> Workbook:
    """The 申报表 as an openpyxl workbook (one sheet), in the layout of ``decl.framework``."""
    lay = declaration_layout(decl.framework)
    wb = Workbook()
    ws = wb.active
    ws.title = lay.sheet_name
    g = _Grid(ws, lay.widths, _Styles(lay.fonts))
    n_cols = len(lay.widths)
    _title(g, lay.title, lay.year_text.format(year=decl.year), n_cols)
    g.put(
        (1, n_cols),
        f"{lay.unit_label}：{clean_text(decl.unit or '', lay.unit_label)}",
        border=False,
        align=g.st.plain,
    )
    g.next()
    _declaration_rows(g, decl, lay)
    g.finish_heights()
    _page_setup(ws, lay.page, g.row - 1, n_cols)
    return wb


# ---------------------------------------------------------------- self-evaluation


def _evaluation_rows(g: _Grid, decl: Declaration, ev: Evaluation, lay: EvaluationLayout) -> None:
    st = g.st
    sheet = score_evaluation(ev, decl.framework)
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
    g.put(gs[1], shown_goal_expected(decl, ev), kind="long", align=st.long, where="预期目标")
    g.put(gs[2], ev.goal_actual, kind="long", align=st.long, where="实际完成情况")
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
    g.put(gr[1], sheet.grade, align=st.centre)
    g.next()


def shown_goal_expected(decl: Declaration, ev: Evaluation) -> str | None:
    """预期目标 as printed: the evaluation's own text, else the declaration's 年度绩效目标."""
    return ev.goal_expected if ev.goal_expected is not None else decl.annual_goal


def build_evaluation(decl: Declaration) -> Workbook:
    """The 自评表 of ``decl`` (national layout in 万元, or Shanghai's in 元)."""
    ev = decl.evaluation
    if ev is None:
        raise InputError(f"项目“{decl.name}”（编号 {decl.id}）还没有自评表，无法导出自评表。")
    lay = evaluation_layout(ev.layout)
    wb = Workbook()
    ws = wb.active
    ws.title = lay.sheet_name
    g = _Grid(ws, lay.widths, _Styles(lay.fonts))
    _title(g, lay.title, lay.year_text.format(year=decl.year), len(lay.widths))
    _evaluation_rows(g, decl, ev, lay)
    g.finish_heights()
    _page_setup(ws, lay.page, g.row - 1, len(lay.widths))
    return wb


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


def shown_content(decl: Declaration, form: str = "declaration") -> dict[str, Any]:
    """What the exported sheet of ``form`` shows of ``decl``, as plain JSON.

    Two records with the same shown content give the same sheet; the import uses this to
    know whether a stamped file was edited after export.
    """
    if form == "evaluation":
        ev = decl.evaluation or Evaluation()
        sheet = score_evaluation(ev, decl.framework)
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
    d = declaration_to_dict(decl, with_store_keys=False)
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


def stamp_of(decl: Declaration, form: str) -> dict[str, Any]:
    """The stamp written with ``form``: the part of the record that form carries, and the
    fingerprint of what the sheet shows."""
    if form == "evaluation":
        assert decl.evaluation is not None
        # The framework decides the default weights, and a 自评表's headers do not say it.
        part: dict[str, Any] = {
            "framework": decl.framework,
            "evaluation": evaluation_to_dict(decl.evaluation, decl.framework),
        }
    else:
        part = declaration_to_dict(decl, with_store_keys=False)
        part.pop("evaluation", None)
    return {
        "version": STAMP_VERSION,
        "form": form,
        "shown": fingerprint_of(shown_content(decl, form)),
        "record": part,
    }


def add_stamp(wb: Workbook, decl: Declaration, form: str) -> None:
    from openpyxl.packaging.custom import StringProperty

    text = json.dumps(stamp_of(decl, form), ensure_ascii=False, separators=(",", ":"))
    wb.custom_doc_props.append(StringProperty(name=STAMP_PROPERTY, value=clean_text(text)))


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
    wb = build_declaration(decl)
    add_stamp(wb, decl, "declaration")
    wb.save(out)


def write_evaluation(decl: Declaration, out: BinaryIO) -> None:
    wb = build_evaluation(decl)
    add_stamp(wb, decl, "evaluation")
    wb.save(out)


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


def _summary_sheet(
    ws: Worksheet, columns: Sequence[SummaryColumn], rows: Iterable[Sequence[Any]], st: _Styles
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
    st = _Styles(Fonts())
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
