"""Printing a record's forms to A4 PDF with reportlab (interfaces.md "PDF out").

The rows, labels and widths come from :mod:`perfdesk.pdf_layouts`; this module draws them.
Every character of every field is checked against the fonts (:mod:`perfdesk.fonts`) while
the story is built, so a missing glyph is refused before a page is drawn.

Long content: reportlab breaks a table only between rows and refuses a row taller than a
page, so a long text is broken into lines here and set in several rows of whole lines (no
rule or padding between them, so they read as one cell) of at most ``MAX_ROW_HEIGHT``; a
category cell spanning its indicators is cut every ``MAX_SPAN_HEIGHT`` with its label
repeated, and a label too long for any merged cell is set in its rows like other text.
Page numbers (第 N 页 共 M 页) need the page count, so finished pages are kept until the
document is complete and then stamped (one layout pass, then the footers).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from perfdesk import pdf_layouts as L
from perfdesk.fonts import FontSet, clean_text, default_fonts
from perfdesk.models.errors import NotFoundError
from perfdesk.models.money import format_money
from perfdesk.models.records import CHOICE_JOINER, STATUS_DRAFT, Declaration, Evaluation
from perfdesk.models.serialize import STATED_SCORE_REASON, fingerprint

FORMS = ("declaration", "evaluation")
MARKER_PREFIX = "perfdesk"
PAD_X = 4.0
PAD_Y = 3.0
LINE_WIDTH = 0.6
WATERMARK_TEXT = "草稿"
QR_FORM = "perfdeskQR"


def marker(decl: Declaration, form: str) -> str:
    """The machine-readable identity printed on every page and put in the PDF keywords:
    ``perfdesk:{id}:{revision}:{form}:{fingerprint}`` (id ``-`` when not stored)."""
    rid = "-" if decl.id is None else str(decl.id)
    return f"{MARKER_PREFIX}:{rid}:{decl.revision}:{form}:{fingerprint(decl, form)}"


# ---------------------------------------------------------------- styles


class _Styles:
    """Paragraph styles for one font chain."""

    def __init__(self, fonts: FontSet, size: float = L.BODY_SIZE) -> None:
        self.fonts = fonts
        base = ParagraphStyle(
            "value",
            fontName=fonts.main,
            fontSize=size,
            leading=size * L.LEADING,
            wordWrap="CJK",
            alignment=TA_LEFT,
        )
        self.by_name = {
            "value": base,
            "label": ParagraphStyle("label", parent=base, alignment=TA_CENTER),
            "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
            "money": ParagraphStyle("money", parent=base, alignment=TA_RIGHT),
            "plain": ParagraphStyle("plain", parent=base),
            "subtitle": ParagraphStyle(
                "subtitle", parent=base, alignment=TA_CENTER, fontSize=12, leading=18
            ),
        }

    def para(self, text: str | None, style: str, field: str) -> Paragraph:
        return _Para(self.fonts.markup(text, field), self.by_name[style])


class _Para(Paragraph):
    """A paragraph that remembers its last wrap: the grid measures each cell, then the
    table measures it again (and again while drawing) at the same width, and breaking CJK
    lines is most of the time printing takes."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._wrapped is not None and self._wrapped[0] == availWidth:
            return self._wrapped[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self._wrapped = None  # split re-wraps and changes the line state
        return super().split(availWidth, availHeight)


# ---------------------------------------------------------------- flowables


class _Title(Flowable):
    """The form's title, centred and bold. The bundled font has no bold face, so the
    glyphs are filled and stroked (text render mode 2), as Word does for fake bold."""

    def __init__(self, text: str, fonts: FontSet, size: float = L.TITLE_SIZE) -> None:
        super().__init__()
        self.runs = fonts.runs(text, "标题")
        self.size = size
        self.text_width = fonts.string_width(text, size, "标题")

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.size * 1.5

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setLineWidth(self.size / 28)
        t = c.beginText((self.width - self.text_width) / 2, self.size * 0.4)
        t.setTextRenderMode(2)
        for font, piece in self.runs:
            t.setFont(font, self.size)
            t.textOut(piece)
        c.drawText(t)
        c.restoreState()


class _CheckboxGroup(Flowable):
    """A checkbox group as on the paper form: each option followed by a box drawn with
    lines, the chosen one ticked. Options wrap to further lines as the width needs."""

    BOX = 8.5
    GAP = 3.0
    SPACING = 14.0

    def __init__(
        self, options: Sequence[str], chosen: str | None, fonts: FontSet, field: str,
        size: float = L.BODY_SIZE,
    ) -> None:  # fmt: skip
        super().__init__()
        picked = [c for c in (chosen or "").split(CHOICE_JOINER) if c]
        self.ticked = tuple(o for o in options if o in picked)
        # A choice that is none of the options is printed after them, never dropped.
        self.extra = CHOICE_JOINER.join(c for c in picked if c not in options)
        self.items = [(o, fonts.runs(o, field), fonts.string_width(o, size)) for o in options]
        if self.extra:
            fonts.check(self.extra, field)
        self.fonts = fonts
        self.field = field
        self.size = size
        self.line_h = size * 1.7
        self.lines: list[list[tuple[str, list[tuple[str, str]], float]]] = []

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.lines = [[]]
        x = 0.0
        for item in self.items:
            w = item[2] + self.GAP + self.BOX
            if self.lines[-1] and x + w > aw:
                self.lines.append([])
                x = 0.0
            self.lines[-1].append(item)
            x += w + self.SPACING
        if self.extra:
            self.lines.append([])
        self.width = aw
        self.height = len(self.lines) * self.line_h
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(0.7)
        for n, line in enumerate(self.lines):
            y = self.height - (n + 1) * self.line_h + (self.line_h - self.size) / 2 + 1
            x = 0.0
            for option, runs, width in line:
                t = c.beginText(x, y)
                for font, piece in runs:
                    t.setFont(font, self.size)
                    t.textOut(piece)
                c.drawText(t)
                bx, by = x + width + self.GAP, y - 1
                c.rect(bx, by, self.BOX, self.BOX, stroke=1, fill=0)
                if option in self.ticked:
                    # A tick of two strokes, like a pen's √.
                    c.setLineWidth(1.3)
                    p = c.beginPath()
                    p.moveTo(bx + 1.5, by + self.BOX * 0.5)
                    p.lineTo(bx + self.BOX * 0.42, by + 1.6)
                    p.lineTo(bx + self.BOX + 1.2, by + self.BOX + 1.6)
                    c.drawPath(p, stroke=1, fill=0)
                    c.setLineWidth(0.7)
                x += width + self.GAP + self.BOX + self.SPACING
        if self.extra:
            t = c.beginText(0, (self.line_h - self.size) / 2 + 1)
            for font, piece in self.fonts.runs(f"（{self.extra}）", self.field):
                t.setFont(font, self.size)
                t.textOut(piece)
            c.drawText(t)


# ---------------------------------------------------------------- the grid


@dataclass
class Cell:
    """One cell of a logical row: text (checked against the fonts) or a flowable."""

    text: str | None = None
    style: str = "value"
    span: int = 1
    field: str = ""
    flow: Flowable | None = None
    # Same cell as the one above in this column for the lines (no rule between them).
    join_above: bool = False


# A run that should not be broken across lines: Latin words, numbers with their signs.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_.,%‰+\-/:@#&]+|\n|.", re.S)
# Never at the start of a line (Chinese typesetting rule 避头点): carried back with the
# character before it.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’%％,.;:?!)]}·…—")


def _break_lines(text: str, fonts: FontSet, size: float, width: float, field: str) -> list[str]:
    """Greedy line breaking as reportlab does it for CJK text, with Latin words and
    numbers kept whole where they fit and punctuation never starting a line."""
    lines: list[str] = []
    tokens: list[str] = []
    used = 0.0
    width -= 0.5  # reportlab must find every line we make short enough
    for token in _TOKEN_RE.findall(clean_text(text)):
        if token == "\n":
            lines.append("".join(tokens))
            tokens, used = [], 0.0
            continue
        w = fonts.string_width(token, size, field)
        if used + w <= width:
            tokens.append(token)
            used += w
            continue
        if w > width:  # a token wider than the column: break it anywhere
            for ch in token:
                cw = fonts.string_width(ch, size, field)
                if used + cw > width and tokens:
                    lines.append("".join(tokens))
                    tokens, used = [], 0.0
                tokens.append(ch)
                used += cw
            continue
        carried: list[str] = []
        if token[0] in _NO_LINE_START and len(tokens) > 1:
            carried = [tokens.pop()]
        lines.append("".join(tokens))
        tokens = [*carried, token]
        used = sum(fonts.string_width(t, size, field) for t in tokens)
    lines.append("".join(tokens))
    return lines


def _text_pieces(st: _Styles, text: str, style: str, field: str, width: float) -> list[Flowable]:
    """The paragraph(s) of a cell: one when it fits ``MAX_ROW_HEIGHT``, else pieces of
    whole lines, each short enough for one row (the table can break between rows).

    The lines are broken here and each piece gets explicit line ends, so that every piece
    shows exactly the lines it was measured with (reportlab's own paragraph split
    re-flows CJK lines badly when applied repeatedly)."""
    pstyle = st.by_name[style]
    max_h = L.MAX_ROW_HEIGHT - 2 * PAD_Y
    per = max(1, int(max_h // pstyle.leading))
    # Text that cannot fit even packed tight skips the (costly) trial wrap.
    if len(text) < 400 or st.fonts.string_width(text, pstyle.fontSize, field) < width * per:
        para = st.para(text, style, field)
        if para.wrap(width, 1e9)[1] <= max_h:
            return [para]
    lines = _break_lines(text, st.fonts, pstyle.fontSize, width, field)
    return [st.para("\n".join(lines[i : i + per]), style, field) for i in range(0, len(lines), per)]


class _Grid:
    """Rows of a bordered table built row by row.

    Rules are drawn between cells that are different *logical* cells, so the rows a long
    text is cut into read as one cell while reportlab can still break the page between them.
    """

    def __init__(self, widths: Sequence[float], styles: _Styles) -> None:
        self.widths = list(widths)
        self.styles = styles
        self.data: list[list[Any]] = []
        self.owner: list[list[int]] = []
        self.heights: list[float] = []
        self.cmds: list[tuple[Any, ...]] = []
        self._ids = 0

    def _new_id(self) -> int:
        self._ids += 1
        return self._ids

    def _cell_width(self, col: int, span: int) -> float:
        return sum(self.widths[col : col + span]) - 2 * PAD_X

    def add(self, cells: Sequence[Cell]) -> tuple[int, int]:
        """Add a logical row; returns its first and last physical row."""
        assert sum(c.span for c in cells) == len(self.widths), "cells must fill the row"
        columns: list[tuple[int, Cell, list[Flowable], int]] = []
        col = 0
        for cell in cells:
            width = self._cell_width(col, cell.span)
            if cell.flow is not None:
                pieces: list[Flowable] = [cell.flow]
            elif cell.text:
                field = cell.field or cell.text
                pieces = _text_pieces(self.styles, cell.text, cell.style, field, width)
            else:
                pieces = []
            above = self.owner[-1][col] if (cell.join_above and self.owner) else None
            columns.append((col, cell, pieces, above if above is not None else self._new_id()))
            col += cell.span
        count = max([len(p) for _, _, p, _ in columns] + [1])
        first = len(self.data)
        for k in range(count):
            row: list[Any] = [""] * len(self.widths)
            owners = [0] * len(self.widths)
            height = 0.0
            for col, cell, pieces, oid in columns:
                if k < len(pieces):
                    row[col] = pieces[k]
                    _, h = pieces[k].wrap(self._cell_width(col, cell.span), 1e9)
                    height = max(height, h)
                for c in range(col, col + cell.span):
                    owners[c] = oid
                if cell.span > 1:
                    r = first + k
                    self.cmds.append(("SPAN", (col, r), (col + cell.span - 1, r)))
            # Rows continuing one text sit flush, so the text reads as one paragraph.
            if k > 0:
                self.cmds.append(("TOPPADDING", (0, first + k), (-1, first + k), 0))
            if k < count - 1:
                self.cmds.append(("BOTTOMPADDING", (0, first + k), (-1, first + k), 0))
            self.data.append(row)
            self.owner.append(owners)
            self.heights.append(height + 2 * PAD_Y)
        return first, len(self.data) - 1

    def merge_down(self, col: int, first: int, last: int, text: str | None, field: str) -> None:
        """Make rows ``first..last`` of ``col`` one cell holding ``text``."""
        oid = self._new_id()
        for r in range(first, last + 1):
            self.owner[r][col] = oid
            self.data[r][col] = ""
        if text:
            self.data[first][col] = self.styles.para(text, "label", field)
        if last > first:
            self.cmds.append(("SPAN", (col, first), (col, last)))

    def table(self, repeat_rows: int = 0) -> Table:
        cmds: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
            # Empty string cells are still "drawn": keep reportlab off its Helvetica default
            # so that only the embedded fonts appear in the PDF.
            ("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.main),
            ("BOX", (0, 0), (-1, -1), LINE_WIDTH, colors.black),
            *self.cmds,
        ]
        ncols = len(self.widths)
        for r in range(len(self.data)):
            c = 0
            while c < ncols:  # horizontal rules: runs of columns where a new cell begins
                if r > 0 and self.owner[r - 1][c] == self.owner[r][c]:
                    c += 1
                    continue
                start = c
                while c < ncols and (r == 0 or self.owner[r - 1][c] != self.owner[r][c]):
                    c += 1
                if r > 0:
                    cmds.append(("LINEABOVE", (start, r), (c - 1, r), LINE_WIDTH, colors.black))
        for c in range(1, ncols):  # vertical rules: runs of rows where cells differ
            r = 0
            while r < len(self.data):
                if self.owner[r][c - 1] == self.owner[r][c]:
                    r += 1
                    continue
                start = r
                while r < len(self.data) and self.owner[r][c - 1] != self.owner[r][c]:
                    r += 1
                cmds.append(("LINEBEFORE", (c, start), (c, r - 1), LINE_WIDTH, colors.black))
        table = Table(
            self.data, colWidths=self.widths, repeatRows=repeat_rows, style=TableStyle(cmds)
        )
        table.hAlign = "CENTER"
        return table


def _merge_categories(
    grid: _Grid,
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
                if key[-1] == _IN_ROW:  # a long label set in the rows themselves
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


# Key of a category whose label is too long for a merged cell (see _category_cells).
_IN_ROW = "\x00in-row"


def _category_cells(
    st: _Styles, widths: Sequence[float], paths: Sequence[Sequence[str | None]], field: str
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
            if label:
                st.fonts.check(label, field)
            is_long = False
            if label:
                if (level, label) not in long_labels:
                    width = widths[level] - 2 * PAD_X
                    height = st.para(label, "label", field).wrap(width, 1e9)[1]
                    long_labels[level, label] = height > limit
                is_long = long_labels[level, label]
            if is_long:
                same_run = tuple(previous[: level + 1]) == tuple(path[: level + 1])
                row.append(Cell(None, join_above=True) if same_run else Cell(label, field=field))
                key.append(_IN_ROW)
            else:
                row.append(Cell(None))
                key.append(label)
        cells.append(row)
        keys.append(tuple(key))
        previous = path
    return cells, keys


# ---------------------------------------------------------------- page furniture


@dataclass(frozen=True)
class _PageInfo:
    marker: str
    identity: str  # 记录号 … 第 N 版 … 指纹 …
    note: str | None
    draft: bool
    fonts: FontSet


def _draw_runs(c: Canvas, fonts: FontSet, x: float, y: float, text: str, size: float,
               field: str, anchor: str = "left") -> None:  # fmt: skip
    width = fonts.string_width(text, size, field)
    if anchor == "center":
        x -= width / 2
    elif anchor == "right":
        x -= width
    t = c.beginText(x, y)
    for font, piece in fonts.runs(text, field):
        t.setFont(font, size)
        t.textOut(piece)
    c.drawText(t)


def _watermark(c: Canvas, info: _PageInfo) -> None:
    if not info.draft:
        return
    w, h = A4
    c.saveState()
    c.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.22))
    c.translate(w / 2, h / 2)
    c.rotate(35)
    _draw_runs(c, info.fonts, 0, -60, WATERMARK_TEXT, 170, "水印", anchor="center")
    c.restoreState()


@dataclass(frozen=True)
class _QrCode:
    """A QR code as runs of dark modules (row, first column, length), encoded once per
    document and drawn as one filled path in a form XObject shared by all pages."""

    runs: tuple[tuple[int, int, int], ...]
    modules: int
    size: float
    border: int = 2

    @classmethod
    @functools.lru_cache(maxsize=256)  # choosing the best mask costs ~20 ms per code
    def encode(cls, value: str, size: float) -> _QrCode:
        qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        qr.addData(value)
        qr.make()
        runs = []
        for r, row in enumerate(qr.modules):
            c = 0
            for dark, group in itertools.groupby(bool(m) for m in row):
                n = len(list(group))
                if dark:
                    runs.append((r, c, n))
                c += n
        return cls(tuple(runs), qr.getModuleCount(), size)

    def draw(self, c: Canvas, x: float, y: float) -> None:
        box = self.size / (self.modules + 2 * self.border)
        c.saveState()
        c.translate(x, y)
        c.scale(box, box)
        # In module units every rectangle has whole-number corners: written as PDF
        # operators directly, which is much faster than reportlab's float formatting.
        top = self.modules + self.border - 1
        ops = [f"{col + self.border} {top - r} {n} 1 re" for r, col, n in self.runs]
        c.addLiteral("\n".join(ops) + "\nf")
        c.restoreState()


def _footer(c: Canvas, info: _PageInfo, page: int, total: int, qr: _QrCode) -> None:
    w, _ = A4
    left, right = L.PAGE_MARGIN_X, w - L.PAGE_MARGIN_X
    size = L.SMALL_SIZE
    c.saveState()
    c.setFillColor(colors.black)
    if page == 1:
        c.beginForm(QR_FORM, lowerx=0, lowery=0, upperx=qr.size, uppery=qr.size)
        qr.draw(c, 0, 0)
        c.endForm()
    c.saveState()
    c.translate(right - qr.size, 6 * L.MM)
    c.doForm(QR_FORM)
    c.restoreState()
    _draw_runs(
        c, info.fonts, w / 2, 18 * L.MM, f"第 {page} 页 共 {total} 页", 9.5, "页码", "center"
    )
    y = 13 * L.MM
    _draw_runs(c, info.fonts, left, y, info.identity, size, "页脚")
    if info.note:
        y -= size * 1.4
        _draw_runs(c, info.fonts, left, y, info.note, size, "版本说明")
    y -= size * 1.4
    _draw_runs(c, info.fonts, left, y, info.marker, 6.5, "页脚")
    c.restoreState()


def _canvas_maker(info: _PageInfo) -> type[Canvas]:
    qr = _QrCode.encode(info.marker, 16 * L.MM)

    class _NumberedCanvas(Canvas):
        """Keeps finished pages until the end, then stamps 第 N 页 共 M 页 on each."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Each page's preamble selects the initial font: make it ours, or reportlab
            # names Helvetica, a font that is not embedded.
            kwargs["initialFontName"] = info.fonts.main
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for n, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                _footer(self, info, n, total, qr)
                Canvas.showPage(self)
            Canvas.save(self)

    return _NumberedCanvas


def _build(out: BinaryIO, story: list[Flowable], info: _PageInfo, title: str) -> None:
    w, h = A4
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=L.PAGE_MARGIN_X,
        rightMargin=L.PAGE_MARGIN_X,
        topMargin=L.PAGE_MARGIN_TOP,
        bottomMargin=L.PAGE_MARGIN_BOTTOM,
        title=title,
        author="perfdesk",
        creator="perfdesk",
        subject=info.marker,
        keywords=info.marker,
        # Same record, same bytes: no timestamps or random ids in the file.
        invariant=1,
    )
    frame = Frame(
        L.PAGE_MARGIN_X, L.PAGE_MARGIN_BOTTOM, w - 2 * L.PAGE_MARGIN_X,
        h - L.PAGE_MARGIN_TOP - L.PAGE_MARGIN_BOTTOM,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
    )  # fmt: skip
    doc.addPageTemplates(
        [PageTemplate(id="form", frames=[frame], onPage=lambda c, d: _watermark(c, info))]
    )
    doc.build(story, canvasmaker=_canvas_maker(info))


def _page_info(
    decl: Declaration, form: str, draft: bool, note: str | None, fonts: FontSet
) -> _PageInfo:
    mark = marker(decl, form)
    fp = mark.rsplit(":", 1)[1]
    rid = "未保存" if decl.id is None else str(decl.id)
    identity = f"记录号 {rid}　第 {decl.revision} 版　指纹 {fp}"
    fonts.check(note, "版本说明")
    return _PageInfo(mark, identity, note, draft, fonts)


# ---------------------------------------------------------------- value text


def _date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _signoff_date(value: dt.date | None) -> str:
    # No-break spaces: a paragraph collapses ordinary and ideographic spaces.
    gap = "\u00a0" * 6
    return f"{value.year}年{value.month}月{value.day}日" if value else f"{gap * 2}年{gap}月{gap}日"


# ---------------------------------------------------------------- declaration


def _declaration_story(decl: Declaration, st: _Styles) -> list[Flowable]:
    fonts = st.fonts
    title = L.DECLARATION_TITLES.get(decl.framework, L.DECLARATION_TITLES["national"])
    story: list[Flowable] = [
        _Title(title, fonts),
        st.para(f"（{decl.year}年）", "subtitle", "年度"),
        Spacer(1, 6),
        st.para(f"{L.UNIT_LABEL}：{decl.unit or ''}", "plain", L.UNIT_LABEL),
        Spacer(1, 4),
    ]
    grid = _Grid(L.DECLARATION_COLUMNS, st)
    for row in L.DECLARATION_ROWS:
        label = Cell(row.label, "label", field=row.label)
        if row.kind in ("text", "long"):
            grid.add([label, Cell(getattr(decl, row.key), span=3, field=row.label)])
        elif row.kind == "choice":
            group = _CheckboxGroup(row.options, getattr(decl, row.key), fonts, row.label)
            grid.add([label, Cell(flow=group, span=3)])
        elif row.kind == "pair":
            grid.add([
                label, _value_cell(getattr(decl, row.key), row.value_kind, row.label),
                Cell(row.label2, "label", field=row.label2),
                _value_cell(getattr(decl, row.key2), row.value_kind, row.label2),
            ])  # fmt: skip
        elif row.kind == "budget_items":
            _budget_rows(grid, decl, row.label, st)
        elif row.kind == "indicators":
            # Its own columns, and its header repeats on each page: a table of its own,
            # drawn flush under the rows before it.
            if grid.data:
                story.append(grid.table())
            story.append(_indicator_table(decl, row.label, st))
            grid = _Grid(L.DECLARATION_COLUMNS, st)
        else:
            raise ValueError(f"unknown row kind {row.kind!r}")
    if grid.data:
        story.append(grid.table())
    story.append(_signoff_block(decl, st))
    return story


def _value_cell(value: Any, kind: str, field: str) -> Cell:
    if kind == "money":
        return Cell(format_money(value), "money", field=field)
    if kind == "date":
        return Cell(_date_text(value), "center", field=field)
    return Cell(value, field=field)


def _budget_rows(grid: _Grid, decl: Declaration, label: str, st: _Styles) -> None:
    name_h, amount_h = L.BUDGET_ITEM_HEADERS
    first, _ = grid.add([Cell(None), Cell(name_h, "label", span=2), Cell(amount_h, "label")])
    spans = [(first, first)]
    items = decl.budget_items or []
    for n, item in enumerate(items, 1):
        where = f"{label}第{n}项"
        spans.append(grid.add([
            Cell(None), Cell(item.name, span=2, field=where),
            Cell(format_money(item.amount), "money", field=where),
        ]))  # fmt: skip
    if not items:
        spans.append(grid.add([Cell(None), Cell(None, span=2), Cell(None)]))
    _merge_categories(grid, spans, [(label,)] * len(spans), [0], label)


def _indicator_table(decl: Declaration, label: str, st: _Styles) -> Table:
    layout = L.INDICATOR_TABLES.get(decl.framework, L.INDICATOR_TABLES["national"])
    grid = _Grid(layout.widths, st)
    ncols = len(layout.widths)
    grid.add([Cell(label, "label", span=ncols)])
    grid.add([Cell(h, "label") for h in layout.headers])
    cats = layout.category_columns
    paths = [(ind.category, ind.subcategory)[:cats] for ind in decl.indicators]
    cat_cells, keys = _category_cells(st, layout.widths, paths, label)
    spans = []
    for n, (ind, first) in enumerate(zip(decl.indicators, cat_cells, strict=True), 1):
        where = f"{label}第{n}行"
        spans.append(grid.add([*first, Cell(ind.name, field=where), Cell(ind.target, field=where)]))
    if not decl.indicators:
        grid.add([Cell(None) for _ in range(ncols)])
    _merge_categories(grid, spans, keys, list(range(cats)), label)
    return grid.table(repeat_rows=2)


def _signoff_block(decl: Declaration, st: _Styles) -> Flowable:
    """Signatures on lines, then 单位（盖章） over room for the round seal, then the date."""
    s = decl.signoff
    lab = L.SIGNOFF_LABELS

    def label(key: str) -> Paragraph:
        return st.para(f"{lab[key]}：", "plain", lab[key])

    def value(key: str, text: str | None) -> Paragraph:
        return st.para(text, "center", lab[key])

    data = [
        [label("head"), value("head", s.head if s else None),
         label("preparer"), value("preparer", s.preparer if s else None),
         label("phone"), value("phone", s.phone if s else None)],
        ["", "", "", "", st.para(lab["seal"], "plain", lab["seal"]), ""],
        ["", "", "", "", st.para(f"{lab['date']}：{_signoff_date(s.date if s else None)}",
                                 "plain", lab["date"]), ""],
    ]  # fmt: skip
    table = Table(
        data,
        colWidths=L.SIGNOFF_COLUMNS,
        rowHeights=[None, L.SEAL_SIZE + 6, None],
        style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), st.fonts.main),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("VALIGN", (0, 1), (-1, 1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, 0), 14),
            ("SPAN", (4, 1), (5, 1)),
            ("SPAN", (4, 2), (5, 2)),
            *[("LINEBELOW", (c, 0), (c, 0), 0.5, colors.black) for c in (1, 3, 5)],
        ]),
    )  # fmt: skip
    return KeepTogether([Spacer(1, 4), table])


# ---------------------------------------------------------------- self-evaluation


def _score_text(value: Decimal | None) -> str:
    from perfdesk.models.scoring import fmt2

    return "" if value is None else fmt2(value)


def _weight_text(value: Decimal | None) -> str:
    """分值 as a clerk writes it (10, 11.25, 100), so it fits its narrow column."""
    from perfdesk.models.scoring import fmt, round2

    return "" if value is None else fmt(round2(value))


def _rate_text(rate: Decimal | None) -> str:
    if rate is None:
        return ""
    return f"{(rate * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _side_label(grid: _Grid, first: int, last: int, text: str) -> None:
    """Column 0 of rows first..last as one cell labelled ``text``: merged when it fits
    on a page, else the label at the top and no rules across the column."""
    if sum(grid.heights[first : last + 1]) <= L.MAX_SPAN_HEIGHT:
        grid.merge_down(0, first, last, text, text)
        return
    oid = grid.owner[first][0]
    for r in range(first, last + 1):
        grid.owner[r][0] = oid
    grid.data[first][0] = grid.styles.para(text, "label", text)


def _evaluation_story(
    decl: Declaration, ev: Evaluation, st: _Styles, small: _Styles
) -> list[Flowable]:
    from perfdesk.models.scoring import TIER_LABELS, score_evaluation

    layout = L.EVALUATION_LAYOUTS.get(ev.layout, L.EVALUATION_LAYOUTS["national"])
    sheet = score_evaluation(ev)
    story: list[Flowable] = [
        _Title(layout.title, st.fonts),
        st.para(f"（{decl.year}年度）", "subtitle", "年度"),
        Spacer(1, 8),
    ]
    head = _Grid(L.EVAL_HEAD_COLUMNS, small)
    head.add([Cell("项目名称", "label"), Cell(decl.name, span=3, field="项目名称")])
    head.add([
        Cell(layout.supervisor_label, "label"), Cell(ev.supervisor, field=layout.supervisor_label),
        Cell(layout.unit_label, "label"), Cell(decl.unit, field=layout.unit_label),
    ])  # fmt: skip
    story.append(head.table())

    unit = layout.money_unit
    money = _Grid(L.EVAL_MONEY_COLUMNS, small)
    first, _ = money.add(
        [Cell(None), Cell(None), *[Cell(h, "label") for h in L.EVAL_MONEY_HEADERS]]
    )
    funds = ev.funds
    for key, label in L.EVAL_FUND_ROWS:
        if key == "total":
            amounts = (ev.budget_initial, ev.budget_adjusted, ev.spent)
            scored = (
                _weight_text(sheet.budget_weight), _rate_text(sheet.execution_rate),
                _score_text(sheet.budget_score),
            )  # fmt: skip
        else:
            row = getattr(funds, key) if funds is not None else None
            amounts = (row.initial, row.adjusted, row.spent) if row else (None, None, None)
            scored = ("—", "—", "—")
        _, last = money.add([
            Cell(None), Cell(label, "label"),
            *[Cell(format_money(a, unit), "money", field=label) for a in amounts],
            *[Cell(t, "center") for t in scored],
        ])  # fmt: skip
    money.merge_down(0, first, last, f"项目资金（{unit}）", "项目资金")
    story.append(money.table())

    goals = _Grid(L.EVAL_GOAL_COLUMNS, small)
    first, _ = goals.add([Cell(None), *[Cell(h, "label") for h in L.EVAL_GOAL_HEADERS]])
    expected = ev.goal_expected if ev.goal_expected else decl.annual_goal
    _, last = goals.add([
        Cell(None), Cell(expected, field="预期目标"), Cell(ev.goal_actual, field="实际完成情况"),
    ])  # fmt: skip
    _side_label(goals, first, last, L.EVAL_GOAL_LABEL)
    story.append(goals.table())

    table = _Grid(L.EVAL_INDICATOR_COLUMNS, small)
    ncols = len(L.EVAL_INDICATOR_COLUMNS)
    table.add([Cell(L.EVAL_INDICATOR_LABEL, "label", span=ncols)])
    table.add([Cell(h, "label") for h in L.EVAL_INDICATOR_HEADERS])
    paths = [(ind.category, ind.subcategory) for ind in ev.indicators]
    cat_cells, keys = _category_cells(small, L.EVAL_INDICATOR_COLUMNS, paths, "绩效指标")
    spans = []
    for n, (ind, sc) in enumerate(zip(ev.indicators, sheet.indicators, strict=True), 1):
        where = f"绩效指标第{n}行"
        actual = ind.actual or ""
        if ind.tier:
            tier = TIER_LABELS.get(ind.tier, ind.tier)
            actual = f"{actual}（{tier}）" if actual else tier
        deviation = ind.deviation or ""
        if sc.overridden and ind.override_reason and ind.override_reason != STATED_SCORE_REASON:
            deviation = f"{deviation}\n得分调整：{ind.override_reason}".strip()
        weight = "—" if sc.not_applicable else _weight_text(sc.weight)
        score = "不适用" if sc.not_applicable else _score_text(sc.score)
        spans.append(table.add([
            *cat_cells[n - 1], Cell(ind.name, field=where), Cell(ind.target, field=where),
            Cell(actual, field=where), Cell(weight, "center"), Cell(score, "center"),
            Cell(deviation, field=f"{where}偏差原因分析及改进措施"),
        ]))  # fmt: skip
    if not ev.indicators:
        table.add([Cell(None) for _ in range(ncols)])
    _merge_categories(table, spans, keys, [0, 1], "绩效指标")
    grade = f"{L.EVAL_GRADE_LABEL}：{sheet.grade or ''}"
    table.add([
        Cell(L.EVAL_TOTAL_LABEL, "label", span=5),
        Cell(_weight_text(sheet.weights_total), "center"),
        Cell(_score_text(sheet.total), "center"),
        Cell(grade, "label", field=L.EVAL_GRADE_LABEL),
    ])  # fmt: skip
    story.append(table.table(repeat_rows=2))
    return story


def render_declaration(
    decl: Declaration,
    out: BinaryIO,
    *,
    revision_note: str | None = None,
    fonts: FontSet | None = None,
) -> None:
    """Write the declaration (申报表) as an A4 PDF to ``out``.

    ``revision_note`` is printed in the footer of every page, e.g. to say that an older
    revision is being reprinted. Raises MissingGlyphError (an InputError) naming the field
    and character when the fonts lack a character; nothing is written then.
    """
    fonts = fonts or default_fonts()
    st = _Styles(fonts)
    info = _page_info(decl, "declaration", decl.status == STATUS_DRAFT, revision_note, fonts)
    story = _declaration_story(decl, st)
    title = f"{decl.year}年 {decl.name or ''} 绩效目标申报表"
    _build(out, story, info, title)


def render_evaluation(
    decl: Declaration,
    out: BinaryIO,
    *,
    revision_note: str | None = None,
    fonts: FontSet | None = None,
) -> None:
    """Write the record's self-evaluation (自评表, national or Shanghai layout per
    ``evaluation.layout``) as an A4 PDF to ``out``."""
    ev = decl.evaluation
    if ev is None:
        raise NotFoundError(f"“{decl.name}”还没有自评表，无法打印。")
    fonts = fonts or default_fonts()
    info = _page_info(decl, "evaluation", ev.status == STATUS_DRAFT, revision_note, fonts)
    story = _evaluation_story(decl, ev, _Styles(fonts), _Styles(fonts, L.EVAL_SIZE))
    title = f"{decl.year}年 {decl.name or ''} 绩效自评表"
    _build(out, story, info, title)


def render(
    decl: Declaration,
    out: BinaryIO,
    form: str = "declaration",
    *,
    revision_note: str | None = None,
    fonts: FontSet | None = None,
) -> None:
    """``render_declaration`` or ``render_evaluation`` by ``form``."""
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}")
    fn: Callable[..., None] = render_declaration if form == "declaration" else render_evaluation
    fn(decl, out, revision_note=revision_note, fonts=fonts)


def render_bytes(decl: Declaration, form: str = "declaration", **kwargs: Any) -> bytes:
    import io

    buf = io.BytesIO()
    render(decl, buf, form, **kwargs)
    return buf.getvalue()


def pdf_file_name(decl: Declaration, form: str = "declaration") -> str:
    """A file name for ``print --year``: year, unit, project, form, safe on Windows."""
    what = "绩效目标申报表" if form == "declaration" else "绩效自评表"
    raw = f"{decl.year}_{decl.unit or ''}_{decl.name or ''}_{what}"
    safe = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in raw).strip(" .")
    prefix = f"{decl.id}_" if decl.id is not None else ""
    return f"{prefix}{safe[:150]}.pdf"


def write_pdf(
    decl: Declaration, path: str | Path, form: str = "declaration", *,
    revision_note: str | None = None,
) -> Path:  # fmt: skip
    """Render to ``path`` through a temporary file, so a failed print leaves no half PDF."""
    path = Path(path)
    data = render_bytes(decl, form, revision_note=revision_note)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
