"""Pages of a printed form: the story's blocks set top to bottom, tables broken between
rows with their header rows repeated, then the page furniture on every page (draft
watermark under the content; page numbers 第 N 页 共 M 页, the record's identity and its QR
code in the footer, once the page count is known).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from perfdesk.models.records import CHOICE_JOINER
from perfdesk.pdf import layouts as L
from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.grid import Grid
from perfdesk.pdf.qr import QrCode
from perfdesk.pdf.text import Para
from perfdesk.pdf.writer import ALPHA_STATE, PAGE_HEIGHT, PAGE_WIDTH, Page, PdfWriter

WATERMARK_TEXT = "草稿"
QR_FORM = "perfdeskQR"
QR_SIZE = 16 * L.MM
BODY_TOP = PAGE_HEIGHT - L.PAGE_MARGIN_TOP
BODY_BOTTOM = L.PAGE_MARGIN_BOTTOM


class Block:
    """A piece of the story of fixed height that stays on one page."""

    height: float = 0.0

    def draw(self, page: Page, x: float, top: float) -> None:
        pass


class Spacer(Block):
    def __init__(self, height: float) -> None:
        self.height = height


class TextBlock(Block):
    def __init__(self, para: Para) -> None:
        self.para = para
        self.height = para.height

    def draw(self, page: Page, x: float, top: float) -> None:
        self.para.draw(page, x, top)


class Title(Block):
    """The form's title, centred and bold. The bundled font has no bold face, so the
    glyphs are filled and stroked (text render mode 2), as Word does for fake bold."""

    def __init__(self, text: str, fonts: FontSet, size: float = L.TITLE_SIZE) -> None:
        fonts.check(text, "标题")
        self.text = text
        self.size = size
        self.text_width = fonts.width(text, size, "标题")
        self.height = size * 1.5

    def draw(self, page: Page, x: float, top: float) -> None:
        tx = x + (L.BODY_WIDTH - self.text_width) / 2
        ty = top - self.height + self.size * 0.4
        before = f"q {self.size / 28:.4f} w 0 G 0 g BT 2 Tr {tx:.2f} {ty:.2f} Td "
        page.text_op(before, self.text, self.size, " ET Q")


@dataclass
class Table:
    """A grid in the story; its first ``repeat_rows`` rows head every page it is on."""

    grid: Grid
    repeat_rows: int = 0


class CheckboxGroup:
    """A checkbox group as on the paper form: each option followed by a box drawn with
    lines, the chosen one ticked. Options wrap to further lines as the width needs."""

    BOX = 8.5
    GAP = 3.0
    SPACING = 14.0

    def __init__(
        self, options: Sequence[str], chosen: str | None, fonts: FontSet, field: str,
        size: float = L.BODY_SIZE,
    ) -> None:  # fmt: skip
        picked = [c for c in (chosen or "").split(CHOICE_JOINER) if c]
        self.ticked = tuple(o for o in options if o in picked)
        # A choice that is none of the options is printed after them, never dropped.
        self.extra = CHOICE_JOINER.join(c for c in picked if c not in options)
        for text in (*options, self.extra):
            fonts.check(text, field)
        self.items = [(o, fonts.width(o, size, field)) for o in options]
        self.size = size
        self.line_h = size * 1.7
        self.lines: list[list[tuple[str, float]]] = []
        self.height = 0.0

    def wrap(self, width: float) -> float:
        self.lines = [[]]
        x = 0.0
        for item in self.items:
            w = item[1] + self.GAP + self.BOX
            if self.lines[-1] and x + w > width:
                self.lines.append([])
                x = 0.0
            self.lines[-1].append(item)
            x += w + self.SPACING
        if self.extra:
            self.lines.append([])
        self.height = len(self.lines) * self.line_h
        return self.height

    def draw(self, page: Page, x0: float, top: float) -> None:
        boxes: list[str] = []
        ticks: list[str] = []
        bottom = top - self.height
        for n, line in enumerate(self.lines):
            y = bottom + self.height - (n + 1) * self.line_h + (self.line_h - self.size) / 2 + 1
            x = x0
            for option, width in line:
                page.text(x, y, option, self.size)
                bx, by = x + width + self.GAP, y - 1
                boxes.append(f"{bx:.2f} {by:.2f} {self.BOX} {self.BOX} re")
                if option in self.ticked:  # a tick of two strokes, like a pen's √
                    b = self.BOX
                    ticks.append(
                        f"{bx + 1.5:.2f} {by + b * 0.5:.2f} m {bx + b * 0.42:.2f} {by + 1.6:.2f} l"
                        f" {bx + b + 1.2:.2f} {by + b + 1.6:.2f} l"
                    )
                x += width + self.GAP + self.BOX + self.SPACING
        if self.extra:
            page.text(
                x0, bottom + (self.line_h - self.size) / 2 + 1, f"（{self.extra}）", self.size
            )
        page.add(f"q 0.7 w 0 G {' '.join(boxes)} S 1.3 w {' '.join(ticks)} S Q")


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageInfo:
    marker: str
    identity: str  # 记录号 … 第 N 版 … 指纹 …
    note: str | None
    draft: bool


def lay_out(writer: PdfWriter, story: Sequence[Block | Table], info: PageInfo) -> None:
    """Set ``story`` on as many pages as it needs, then the furniture of each page."""
    state = _Cursor(writer, info)
    for item in story:
        if isinstance(item, Table):
            state.table(item)
            continue
        if state.y - item.height < BODY_BOTTOM and not state.fresh:
            state.new_page()
        if isinstance(item, Spacer) and state.fresh:
            continue  # no gap at the top of a page
        item.draw(state.page, L.PAGE_MARGIN_X, state.y)
        state.y -= item.height
        state.fresh = False
    qr = QrCode.encode(info.marker, QR_SIZE)
    writer.form(QR_FORM, qr.size, qr.size, qr.content())
    for n, page in enumerate(writer.pages, 1):
        _footer(page, writer.fonts, info, n, len(writer.pages))


class _Cursor:
    def __init__(self, writer: PdfWriter, info: PageInfo) -> None:
        self.writer = writer
        self.info = info
        self.new_page()

    def new_page(self) -> None:
        self.page = self.writer.page()
        self.y = BODY_TOP
        self.fresh = True
        if self.info.draft:
            _watermark(self.page, self.writer.fonts)

    def table(self, item: Table) -> None:
        grid, repeat = item.grid, item.repeat_rows
        grid.finish()
        x0 = L.PAGE_MARGIN_X + (L.BODY_WIDTH - grid.x[-1]) / 2
        heights = grid.heights
        head = sum(heights[:repeat])
        room = BODY_TOP - BODY_BOTTOM - head
        chunks: list[tuple[int, int]] = []
        for s, e in grid.chunks(repeat):
            if sum(heights[s : e + 1]) > room and e > s and s >= repeat:
                chunks += [(r, r) for r in range(s, e + 1)]  # cannot stay together anyway
            else:
                chunks.append((s, e))
        part: list[int] = []
        top = self.y
        i = 0
        while i < len(chunks):
            s, e = chunks[i]
            i += 1
            h = sum(heights[s : e + 1])
            if self.y - h < BODY_BOTTOM - 0.01 and not self.fresh:
                # A long text fills the page, its other lines go over (the grid's lists,
                # ``heights`` too, get the new row).
                if s == e and s >= repeat and grid.split_row(s, self.y - BODY_BOTTOM):
                    chunks[i:] = [(s + 1, s + 1)] + [(a + 1, b + 1) for a, b in chunks[i:]]
                    h = heights[s]
                else:
                    if part:
                        grid.draw_part(self.page, x0, top, part)
                    self.new_page()
                    top = self.y
                    part = list(range(repeat)) if s >= repeat else []
                    self.y -= head if part else 0.0
            part += range(s, e + 1)
            self.y -= h
            self.fresh = False
        if part:
            grid.draw_part(self.page, x0, top, part)


def _watermark(page: Page, fonts: FontSet) -> None:
    size = 170
    angle = math.radians(35)
    cos, sin = math.cos(angle), math.sin(angle)
    width = fonts.width(WATERMARK_TEXT, size, "水印")
    before = (
        f"q /{ALPHA_STATE} gs 0.55 g 1 0 0 1 {PAGE_WIDTH / 2:.4f} {PAGE_HEIGHT / 2:.4f} cm"
        f" {cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} 0 0 cm BT {-width / 2:.2f} -60 Td "
    )
    page.text_op(before, WATERMARK_TEXT, size, " ET Q")


def _text_at(page: Page, fonts: FontSet, x: float, y: float, text: str, size: float,
             anchor: str = "left") -> None:  # fmt: skip
    if anchor != "left":
        width = fonts.width(text, size)
        x -= width / 2 if anchor == "center" else width
    page.text(x, y, text, size)


def _footer(page: Page, fonts: FontSet, info: PageInfo, n: int, total: int) -> None:
    left, right = L.PAGE_MARGIN_X, PAGE_WIDTH - L.PAGE_MARGIN_X
    size = L.SMALL_SIZE
    page.add("0 g")
    page.add(f"q 1 0 0 1 {right - QR_SIZE:.4f} {6 * L.MM:.4f} cm /{QR_FORM} Do Q")
    _text_at(page, fonts, PAGE_WIDTH / 2, 18 * L.MM, f"第 {n} 页 共 {total} 页", 9.5, "center")
    y = 13 * L.MM
    _text_at(page, fonts, left, y, info.identity, size)
    if info.note:
        y -= size * 1.4
        _text_at(page, fonts, left, y, info.note, size)
    y -= size * 1.4
    _text_at(page, fonts, left, y, info.marker, 6.5)
