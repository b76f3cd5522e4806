"""Excel out: a record as the bureau's form (申报表 or 自评表), and a year's summary workbook.

This module draws a form from its layout (:mod:`perfdesk.excel.layouts`) into an openpyxl
worksheet and is the public face of Excel export; the work is shared with
:mod:`perfdesk.excel.workbook` (number formats, text rules, looks, page setup, saving with
custom properties, :func:`atomic_write`), :mod:`perfdesk.excel.stamp` (the stamp, importable
without openpyxl) and :mod:`perfdesk.excel.summary` (the year summary).

Everything is written to a binary stream; :func:`export_file` and
:func:`write_summary_file` are the path edges (atomic: a temporary file in the same folder,
then ``os.replace``).

What a re-import needs is on the sheet as the bureau prints it: amounts as numbers (千分位
format), dates as dates, checkbox groups with ☑/□ after each option, categories merged over
their indicators. What paper does not show (a corrected target direction, a score's override
reason, a not-applicable mark, the created-from note, raw weights) travels in a *stamp*: a
custom document property holding the record's JSON and a fingerprint of what the sheet
shows (:mod:`perfdesk.excel.stamp`), used by the import only while the visible form is
unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from perfdesk.excel.layouts import (
    CHECKED,
    OPTION_GAP,
    UNCHECKED,
    DeclarationLayout,
    EvaluationLayout,
    FieldRow,
    Fonts,
    Page,
    Span,
    Table,
    declaration_layout,
    evaluation_layout,
)
from perfdesk.excel.stamp import (
    FORMS,
    STAMP_PROPERTY,
    read_stamp,
    restore_from_stamp,
    restore_workbook,
    shown_content,
    shown_goal_expected,
    stamp_of,
    stamp_text,
)
from perfdesk.excel.summary import summary_rows, write_summary, write_summary_file
from perfdesk.excel.workbook import (
    BORDER,
    CENTRE,
    DATE_FORMAT,
    LABEL,
    LONG,
    MONEY_FORMAT,
    NUMBER,
    PLAIN,
    RATE_FORMAT,
    SCORE_FORMAT,
    TEXT,
    WAN_FORMAT,
    FormFonts,
    atomic_write,
    clean_text,
    new_workbook,
    page_setup,
    save,
    set_text,
)
from perfdesk.models.errors import InputError
from perfdesk.models.money import WAN
from perfdesk.models.records import CHOICE_JOINER, Declaration, Evaluation, FundRow
from perfdesk.models.scoring import ScoreSheet, score_evaluation

__all__ = [
    "DATE_FORMAT",
    "FORMS",
    "MONEY_FORMAT",
    "RATE_FORMAT",
    "SCORE_FORMAT",
    "STAMP_PROPERTY",
    "WAN_FORMAT",
    "atomic_write",
    "build_declaration",
    "build_evaluation",
    "choice_text",
    "clean_text",
    "export_file",
    "line_count",
    "read_stamp",
    "restore_from_stamp",
    "restore_workbook",
    "set_text",
    "shown_content",
    "shown_goal_expected",
    "stamp_of",
    "stamp_text",
    "summary_rows",
    "text_width",
    "write_declaration",
    "write_evaluation",
    "write_form",
    "write_summary",
    "write_summary_file",
]

MAX_ROW_HEIGHT = 409.0  # points, Excel's limit

# ---------------------------------------------------------------- the grid


def text_width(text: str) -> int:
    """Display width in Excel width units: a CJK (non-ASCII) character counts 2."""
    ascii_count = len(text.encode("ascii", "ignore"))
    return 2 * len(text) - ascii_count


def line_count(text: str, width: float) -> int:
    capacity = max(int(width) - 1, 4)
    return sum(max(1, -(-text_width(part) // capacity)) for part in text.split("\n"))


class _Grid:
    """A form's worksheet seen as a grid of spans; keeps each row's height estimate.

    Written in openpyxl's write-only mode: cells are made as they are drawn (a category cell
    before the rows it spans) and appended row by row at the end. It spares
    ``ws.merge_cells``, which re-styles the edge cells of every merged range one border side
    at a time: the same form written in normal mode took 1.4–1.7× as long
    (bench/bench_export.py).
    """

    def __init__(self, name: str, widths: Sequence[float], fonts: Fonts, page: Page) -> None:
        self.wb, self.ws = new_workbook(name, write_only=True)
        self.widths = tuple(widths)
        self.fonts = FormFonts(fonts)
        self.title_height = fonts.title_size * 1.8
        self.line_height = fonts.body_size * 1.35
        self.page = page
        self.row = 1
        self.cells: dict[tuple[int, int], WriteOnlyCell] = {}
        self._lines: dict[int, int] = {}
        for c, width in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(c)].width = width

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
        font: Font | None = None,
    ) -> None:
        """Write ``value`` over columns ``span`` (and ``rows`` rows down), merged, bordered.

        kind: text | label | long | money | wan | date | rate | score | int.
        """
        r = self.row if row is None else row
        c0, c1 = span
        fmt = None
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
        cell = WriteOnlyCell(self.ws)
        if isinstance(value, str):
            # Text an odd import kept under a number kind is text all the same.
            set_text(cell, value if kind == "text" else clean_text(value, where))
        else:
            cell.value = value
        cell.font = font or (self.fonts.bold if bold else self.fonts.body)
        cell.alignment = alignment
        if fmt is not None:  # after the value: openpyxl gives a date its own format
            cell.number_format = fmt
        if border:
            cell.border = BORDER
        self.cells[(r, c0)] = cell
        r1 = r + rows - 1
        if c1 > c0 or r1 > r:
            self.ws.merged_cells.add(CellRange(min_col=c0, min_row=r, max_col=c1, max_row=r1))
            if border:
                # Excel draws a merged range's border from the cells under it.
                for rr in range(r, r1 + 1):
                    for cc in range(c0, c1 + 1):
                        if (rr, cc) != (r, c0):
                            covered = self.cells[(rr, cc)] = WriteOnlyCell(self.ws)
                            covered.border = BORDER

    def next(self, n: int = 1) -> None:
        self.row += n

    def finish(self) -> Workbook:
        """The workbook: row heights the wrapped text needs, page set up, rows appended."""
        ws = self.ws
        for r, n in self._lines.items():
            if n > 1:
                ws.row_dimensions[r].height = min(n * self.line_height + 4, MAX_ROW_HEIGHT)
        last_row = max((r for r, _ in self.cells), default=1)
        page_setup(ws, self.page, last_row, len(self.widths))
        columns = range(1, len(self.widths) + 1)
        for r in range(1, last_row + 1):
            ws.append([self.cells.get((r, c)) for c in columns])
        return self.wb


def _title(g: _Grid, title: str, year_line: str, n_cols: int) -> None:
    g.put((1, n_cols), title, border=False, align=CENTRE, font=g.fonts.title)
    g.ws.row_dimensions[g.row].height = g.title_height
    g.next()
    g.put((1, n_cols), year_line, border=False, align=CENTRE, font=g.fonts.subtitle)
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


def build_declaration(decl: Declaration) -> Workbook:
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


def build_evaluation(decl: Declaration, scored: ScoreSheet | None = None) -> Workbook:
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


# ---------------------------------------------------------------- streams and files


def write_declaration(decl: Declaration, out: BinaryIO) -> None:
    save(build_declaration(decl), out, {STAMP_PROPERTY: stamp_text(decl, "declaration")})


def write_evaluation(decl: Declaration, out: BinaryIO) -> None:
    ev = decl.evaluation
    # Scored once for the sheet and the stamp.
    scored = score_evaluation(ev, decl.framework) if ev is not None else None
    wb = build_evaluation(decl, scored)
    save(wb, out, {STAMP_PROPERTY: stamp_text(decl, "evaluation", scored)})


def write_form(decl: Declaration, out: BinaryIO, form: str = "declaration") -> None:
    if form not in FORMS:
        raise InputError(f"未知的表：“{form}”（应为 declaration、monitoring 或 evaluation）。")
    if form == "monitoring":
        # Imported here: the monitoring writer draws with this module's grid.
        from perfdesk.excel.monitoring_writer import write_monitoring

        write_monitoring(decl, out)
        return
    (write_evaluation if form == "evaluation" else write_declaration)(decl, out)


def export_file(decl: Declaration, path: Path, form: str = "declaration") -> None:
    """Write the form to ``path`` (atomically)."""
    if form not in FORMS:
        raise InputError(f"未知的表：“{form}”（应为 declaration、monitoring 或 evaluation）。")
    if form == "monitoring" and decl.monitoring is None:
        raise InputError(f"项目“{decl.name}”（编号 {decl.id}）还没有运行监控表，无法导出运行监控表。")
    if form == "evaluation" and decl.evaluation is None:
        raise InputError(f"项目“{decl.name}”（编号 {decl.id}）还没有自评表，无法导出自评表。")
    atomic_write(Path(path), lambda f: write_form(decl, f, form))
