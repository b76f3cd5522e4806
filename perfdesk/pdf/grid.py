"""The bordered tables of the printed forms: rows of cells, spans, rules, page parts.

A grid is built row by row (:meth:`Grid.add`) from logical cells. Long content: a page
can only break between rows, so a text taller than ``MAX_ROW_HEIGHT`` is set in several
rows of whole lines with no rule or padding between them (they read as one cell); a
category cell spanning its indicators is cut every ``MAX_SPAN_HEIGHT`` with its label
repeated, and a label too long for any merged cell is set in its rows like other text.

Rules are drawn between cells that are different *logical* cells (``owner`` ids), so
joined rows show no line while the page can still break between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from reportlab.pdfgen.canvas import Canvas

from perfdesk.pdf import layouts as L
from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.text import Para, TextStyle, break_lines

PAD_X = 4.0
PAD_Y = 3.0
LINE_WIDTH = 0.6
MIN_CONTENT = 12.0  # an empty row is as tall as a line of 10 pt text


class Content(Protocol):
    """What a cell holds: a paragraph, a checkbox group."""

    @property
    def height(self) -> float: ...

    def draw(self, c: Canvas, x: float, top: float) -> None: ...


class Flow(Content, Protocol):
    """Content laid out at the cell's width when it is added."""

    def wrap(self, width: float) -> float: ...


@dataclass(slots=True)
class Cell:
    """One cell of a logical row: text (checked against the fonts) or a flow."""

    text: str | None = None
    style: str = "value"
    span: int = 1
    field: str = ""
    flow: Flow | None = None
    # Same cell as the one above in this column for the lines (no rule between them).
    join_above: bool = False


@dataclass(slots=True)
class _Placed:
    content: Content
    span: int
    last_row: int  # rows up to this one, in the same column(s), are the cell's
    top_aligned: bool = False


class Grid:
    """A table of fixed column ``widths`` as wide as the page body."""

    def __init__(self, widths: Sequence[float], fonts: FontSet, styles: dict[str, TextStyle]):
        self.widths = list(widths)
        self.fonts = fonts
        self.styles = styles
        self.x = [sum(self.widths[:c]) for c in range(len(self.widths) + 1)]
        self.cells: list[dict[int, _Placed]] = []
        self.owner: list[list[int]] = []
        self.heights: list[float] = []
        self.pads: list[tuple[float, float]] = []
        self.no_break_after: list[bool] = []
        self._ids = 0

    def _new_id(self) -> int:
        self._ids += 1
        return self._ids

    def cell_width(self, col: int, span: int = 1) -> float:
        return self.x[col + span] - self.x[col] - 2 * PAD_X

    def para(self, text: str | None, style: str, width: float, field: str) -> Para:
        return Para.of(text, self.styles[style], width, self.fonts, field)

    def text_pieces(self, text: str, style: str, field: str, width: float) -> list[Para]:
        """The paragraph(s) of a cell: one when it fits ``MAX_ROW_HEIGHT``, else pieces
        of whole lines, each short enough for one row."""
        st = self.styles[style]
        lines = break_lines(text, self.fonts, st.size, width, field)
        per = max(1, int((L.MAX_ROW_HEIGHT - 2 * PAD_Y) // st.leading))
        return [Para(lines[i : i + per], st, width, self.fonts) for i in range(0, len(lines), per)]

    def add(self, cells: Sequence[Cell]) -> tuple[int, int]:
        """Add a logical row; returns its first and last physical row."""
        assert sum(c.span for c in cells) == len(self.widths), "cells must fill the row"
        columns: list[tuple[int, Cell, Sequence[Content], int]] = []
        col = 0
        for cell in cells:
            width = self.cell_width(col, cell.span)
            pieces: Sequence[Content]
            if cell.flow is not None:
                cell.flow.wrap(width)
                pieces = [cell.flow]
            elif cell.text:
                pieces = self.text_pieces(cell.text, cell.style, cell.field or cell.text, width)
            else:
                pieces = []
            above = self.owner[-1][col] if (cell.join_above and self.owner) else None
            columns.append((col, cell, pieces, above if above is not None else self._new_id()))
            col += cell.span
        count = max([len(p) for _, _, p, _ in columns] + [1])
        first = len(self.cells)
        for k in range(count):
            row: dict[int, _Placed] = {}
            owners = [0] * len(self.widths)
            height = MIN_CONTENT
            for col, cell, pieces, oid in columns:
                if k < len(pieces):
                    row[col] = _Placed(pieces[k], cell.span, first + k, len(pieces) > 1)
                    height = max(height, pieces[k].height)
                owners[col : col + cell.span] = [oid] * cell.span
            # Rows continuing one text sit flush, so the text reads as one paragraph.
            pads = (PAD_Y if k == 0 else 0.0, PAD_Y if k == count - 1 else 0.0)
            self.cells.append(row)
            self.owner.append(owners)
            self.pads.append(pads)
            self.heights.append(height + pads[0] + pads[1])
            self.no_break_after.append(False)
        return first, len(self.cells) - 1

    def merge_down(self, col: int, first: int, last: int, text: str | None, field: str) -> None:
        """Make rows ``first..last`` of ``col`` one cell holding ``text`` (a label)."""
        oid = self._new_id()
        for r in range(first, last + 1):
            self.owner[r][col] = oid
            self.cells[r].pop(col, None)
        for r in range(first, last):
            self.no_break_after[r] = True
        if text:
            para = self.para(text, "label", self.cell_width(col), field)
            self.cells[first][col] = _Placed(para, 1, last)

    def join_column(self, col: int, first: int, last: int, text: str, field: str) -> None:
        """Rows ``first..last`` of ``col`` as one cell without rules, ``text`` in the first
        row: for a label too tall to merge (the page may break between the rows)."""
        oid = self.owner[first][col]
        for r in range(first, last + 1):
            self.owner[r][col] = oid
        para = self.para(text, "label", self.cell_width(col), field)
        self.cells[first][col] = _Placed(para, 1, first)
        self.heights[first] = max(self.heights[first], para.height + sum(self.pads[first]))

    def split_row(self, r: int, room: float) -> bool:
        """Cut row ``r`` of text into two at a line so that its first part fills
        ``room`` (the rest of a page); False when it is not text alone or too short to
        cut: a text's first or last two lines are not left alone (a row continuing the
        text above or below, with no padding there, may give or take a single line)."""
        row = self.cells[r]
        if (r > 0 and self.no_break_after[r - 1]) or self.no_break_after[r] or not row:
            return False
        paras = [(col, p) for col, p in row.items() if isinstance(p.content, Para)]
        if len(paras) < len(row) or any(p.last_row != r for _, p in paras):
            return False
        leading = max(p.content.style.leading for _, p in paras)  # type: ignore[attr-defined]
        lines = max(len(p.content.lines) for _, p in paras)  # type: ignore[attr-defined]
        keep = int((room - self.pads[r][0] - 0.01) // leading)
        pad_top, pad_bottom = self.pads[r]
        if keep < (1 if pad_top == 0 else 2) or lines - keep < (1 if pad_bottom == 0 else 2):
            return False
        top: dict[int, _Placed] = {}
        rest: dict[int, _Placed] = {}
        for col, placed in paras:
            para = placed.content
            assert isinstance(para, Para)
            if len(para.lines) > keep:
                first = Para(para.lines[:keep], para.style, para.width, para.fonts)
                second = Para(para.lines[keep:], para.style, para.width, para.fonts)
                top[col] = _Placed(first, placed.span, r, True)
                rest[col] = _Placed(second, placed.span, r + 1, True)
            else:
                top[col] = placed
        for later in self.cells[r + 1 :]:
            for placed in later.values():
                placed.last_row += 1
        self.cells[r : r + 1] = [top, rest]
        self.owner.insert(r + 1, list(self.owner[r]))
        self.pads[r : r + 1] = [(pad_top, 0.0), (0.0, pad_bottom)]
        self.no_break_after.insert(r, False)
        self.heights.insert(r + 1, 0.0)
        for k in (r, r + 1):
            content = max([MIN_CONTENT] + [p.content.height for p in self.cells[k].values()])
            self.heights[k] = content + sum(self.pads[k])
        return True

    def finish(self) -> None:
        """Make each cell's rows tall enough for its content: a label merged over rows
        after they were measured (a category over one indicator too) grows its last row,
        so its lines never run over the rows below."""
        for r, row in enumerate(self.cells):
            for placed in row.values():
                last = placed.last_row
                need = placed.content.height + self.pads[r][0] + self.pads[last][1]
                have = sum(self.heights[r : last + 1])
                if need > have:
                    self.heights[last] += need - have

    def chunks(self, repeat_rows: int) -> list[tuple[int, int]]:
        """Row ranges the page may break between; the repeated header rows stay with
        the first rows under them."""
        out: list[tuple[int, int]] = []
        start = 0
        for r in range(len(self.cells)):
            if r < repeat_rows or self.no_break_after[r]:
                continue
            out.append((start, r))
            start = r + 1
        if start < len(self.cells):
            out.append((start, len(self.cells) - 1))
        return out

    # ------------------------------------------------------------ drawing

    def draw_part(self, c: Canvas, x0: float, top: float, rows: Sequence[int]) -> None:
        """Draw ``rows`` (header rows, then a run of the table) from ``top``."""
        heights = self.heights
        ys: list[float] = []
        y = top
        for r in rows:
            ys.append(y)
            y -= heights[r]
        bottom = y
        for i, r in enumerate(rows):
            for col, placed in sorted(self.cells[r].items()):  # reading order
                j = i
                while (
                    j + 1 < len(rows)
                    and rows[j + 1] == rows[j] + 1
                    and rows[j + 1] <= placed.last_row
                ):
                    j += 1
                cell_top, cell_bottom = ys[i], ys[j] - heights[rows[j]]
                pad_top, pad_bottom = self.pads[r][0], self.pads[rows[j]][1]
                spare = cell_top - cell_bottom - pad_top - pad_bottom - placed.content.height
                drop = 0.0 if placed.top_aligned else max(0.0, spare) / 2
                placed.content.draw(c, x0 + self.x[col] + PAD_X, cell_top - pad_top - drop)
        c.setLineWidth(LINE_WIDTH)
        c.setStrokeGray(0)
        c.lines(self._rules(x0, rows, ys))
        c.rect(x0, bottom, self.x[-1], top - bottom, stroke=1, fill=0)

    def _rules(
        self, x0: float, rows: Sequence[int], ys: list[float]
    ) -> list[tuple[float, float, float, float]]:
        """The inner rules, as (x1, y1, x2, y2) segments."""
        owner, xs, ncols = self.owner, self.x, len(self.widths)
        segs: list[tuple[float, float, float, float]] = []
        for i in range(1, len(rows)):
            a, b, y = rows[i - 1], rows[i], ys[i]
            c = 0
            while c < ncols:  # horizontal rules: runs of columns where a new cell begins
                if b == a + 1 and owner[a][c] == owner[b][c]:
                    c += 1
                    continue
                start = c
                while c < ncols and (b != a + 1 or owner[a][c] != owner[b][c]):
                    c += 1
                segs.append((x0 + xs[start], y, x0 + xs[c], y))
        for c in range(1, ncols):  # vertical rules: runs of rows where cells differ
            x = x0 + xs[c]
            i = 0
            while i < len(rows):
                if owner[rows[i]][c - 1] == owner[rows[i]][c]:
                    i += 1
                    continue
                start = i
                while i < len(rows) and owner[rows[i]][c - 1] != owner[rows[i]][c]:
                    i += 1
                end = ys[i - 1] - self.heights[rows[i - 1]]
                segs.append((x, ys[start], x, end))
        return segs


# ---------------------------------------------------------------- categories


def merge_categories(
    grid: Grid,
    spans: Sequence[tuple[int, int]],
    keys: Sequence[Sequence[str | None]],
    columns: Sequence[int],
    field: str,
) -> None:
    """Merge category cells over their indicators.

    ``spans[i]`` are the physical rows of indicator i, ``keys[i]`` its category path (one
    entry per column of ``columns``). Level n merges consecutive rows sharing the first n+1
    keys, inside the pieces of level n−1; a merged cell is cut (its label repeated) once
    it reaches ``MAX_SPAN_HEIGHT``, even inside one tall indicator, so that no merged cell
    needs more than a page.
    """
    row_keys: dict[int, Sequence[str | None]] = {}
    for (first, last), key in zip(spans, keys, strict=True):
        for r in range(first, last + 1):
            row_keys[r] = key
    rows = sorted(row_keys)
    parents: list[tuple[int, int]] = [(0, len(rows) - 1)] if rows else []
    for level, col in enumerate(columns):
        pieces: list[tuple[int, int]] = []
        for lo, hi in parents:
            i = lo
            while i <= hi:
                key = tuple(row_keys[rows[i]][: level + 1])
                if key[-1] == IN_ROW:  # a long label set in the rows themselves
                    pieces.append((i, i))
                    i += 1
                    continue
                j = i
                height = grid.heights[rows[i]]
                while j + 1 <= hi and key[-1] is not None:
                    if tuple(row_keys[rows[j + 1]][: level + 1]) != key:
                        break
                    if height + grid.heights[rows[j + 1]] > L.MAX_SPAN_HEIGHT:
                        break
                    height += grid.heights[rows[j + 1]]
                    j += 1
                grid.merge_down(col, rows[i], rows[j], key[-1], field)
                pieces.append((i, j))
                i = j + 1
        parents = pieces


# Key of a category whose label is too long for a merged cell (see category_cells).
IN_ROW = "\x00in-row"


def category_cells(
    grid: Grid, paths: Sequence[Sequence[str | None]], field: str
) -> tuple[list[list[Cell]], list[tuple[str | None, ...]]]:
    """The category cells of each indicator row and the keys to merge them by.

    A short label is merged over its indicators afterwards (placeholder cells here). A
    label too tall for a merged cell would make a row taller than a page, so it is set
    in the first row of its run as ordinary (splittable) text and the following rows join
    it without rules between them.
    """
    cells: list[list[Cell]] = []
    keys: list[tuple[str | None, ...]] = []
    limit = L.MAX_ROW_HEIGHT - 2 * PAD_Y
    long_labels: dict[tuple[int, str], bool] = {}
    previous: Sequence[str | None] = ()
    for path in paths:
        row: list[Cell] = []
        key: list[str | None] = []
        for level, label in enumerate(path):
            is_long = False
            if label:
                if (level, label) not in long_labels:
                    para = grid.para(label, "label", grid.cell_width(level), field)
                    long_labels[level, label] = para.height > limit
                is_long = long_labels[level, label]
            if is_long:
                same_run = tuple(previous[: level + 1]) == tuple(path[: level + 1])
                row.append(Cell(None, join_above=True) if same_run else Cell(label, field=field))
                key.append(IN_ROW)
            else:
                row.append(Cell(None))
                key.append(label)
        cells.append(row)
        keys.append(tuple(key))
        previous = path
    return cells, keys
