"""The grid a form is drawn on: spans merged and bordered, row heights for wrapped text,
titles, category cells merged over their rows, checkbox groups as the seed writes them.

Shared by the writers of the three forms (:mod:`perfdesk.excel.writer` for the 申报表 and
the 自评表, :mod:`perfdesk.excel.monitoring_writer` for the 运行监控表).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from perfdesk.excel.layouts import CHECKED, OPTION_GAP, UNCHECKED, Fonts, Page, Span, Table
from perfdesk.excel.workbook import (
    BORDER,
    CENTRE,
    DATE_FORMAT,
    LABEL,
    LONG,
    MONEY_FORMAT,
    NUMBER,
    RATE_FORMAT,
    TEXT,
    WAN_FORMAT,
    FormFonts,
    clean_text,
    new_workbook,
    page_setup,
    set_text,
)
from perfdesk.models.money import WAN
from perfdesk.models.records import CHOICE_JOINER

MAX_ROW_HEIGHT = 409.0  # points, Excel's limit

# ---------------------------------------------------------------- the grid


def text_width(text: str) -> int:
    """Display width in Excel width units: a CJK (non-ASCII) character counts 2."""
    ascii_count = len(text.encode("ascii", "ignore"))
    return 2 * len(text) - ascii_count


def line_count(text: str, width: float) -> int:
    capacity = max(int(width) - 1, 4)
    return sum(max(1, -(-text_width(part) // capacity)) for part in text.split("\n"))


class FormGrid:
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


def title_rows(g: FormGrid, title: str, year_line: str, n_cols: int) -> None:
    g.put((1, n_cols), title, border=False, align=CENTRE, font=g.fonts.title)
    g.ws.row_dimensions[g.row].height = g.title_height
    g.next()
    g.put((1, n_cols), year_line, border=False, align=CENTRE, font=g.fonts.subtitle)
    g.next()


def project_rows(
    g: FormGrid,
    name_spans: tuple[Span, Span],
    head_spans: Sequence[Span],
    name: str | None,
    supervisor: str | None,
    unit: str | None,
) -> None:
    """The two rows the 自评表 and the 运行监控表 open with: 项目名称, then 主管部门 | 实施单位."""
    g.put(name_spans[0], "项目名称", kind="label")
    g.put(name_spans[1], name, where="项目名称")
    g.next()
    g.put(head_spans[0], "主管部门", kind="label")
    g.put(head_spans[1], supervisor, where="主管部门")
    g.put(head_spans[2], "实施单位", kind="label")
    g.put(head_spans[3], unit, where="实施单位")
    g.next()


def runs(values: Sequence[str | None], within: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
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


def merged_table(
    g: FormGrid, table: Table, rows: Sequence[Sequence[tuple[Any, str]]], where: str
) -> None:
    """Rows of (value, kind) under ``table``'s spans; the leading merge columns merged over
    runs of equal values."""
    first = g.row
    n = len(rows)
    within = [(0, n - 1)] if n else []
    runs_by_col: list[list[tuple[int, int]]] = []
    for col in range(table.merge_columns):
        values = [r[col][0] for r in rows]
        col_runs = runs(values, within)
        runs_by_col.append(col_runs)
        within = col_runs
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
