"""Pages of a printed form, drawn on reportlab's canvas.

The story's blocks are set top to bottom, tables broken between rows with their header
rows repeated; a block marked ``keep_with_previous`` (the sign-off) goes over to the next
page with the end of the table before it rather than stand alone. The pages are laid out
first and drawn after, so each page's furniture can say 第 N 页 共 M 页: the draft
watermark under the content, the page numbers, the record's identity and its QR code
(reportlab's QrCodeWidget, drawn once per document as a form XObject) in the footer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from perfdesk.models.records import CHOICE_JOINER
from perfdesk.pdf import layouts as L
from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.grid import Grid
from perfdesk.pdf.text import Para, draw_string

PAGE_WIDTH, PAGE_HEIGHT = A4
WATERMARK_TEXT = "草稿"
WATERMARK_GRAY = 0.55
WATERMARK_ALPHA = 0.22
QR_FORM = "perfdeskQR"
QR_SIZE = 16 * L.MM
QR_BORDER = 2  # modules of white around the code (the page margin adds to it)
QR_LEVEL = "M"
BODY_TOP = PAGE_HEIGHT - L.PAGE_MARGIN_TOP
BODY_BOTTOM = L.PAGE_MARGIN_BOTTOM

# What is drawn on a page, once the pages are laid out.
Drawer = Callable[[Canvas], None]


class Block:
    """A piece of the story of fixed height that stays on one page."""

    height: float = 0.0
    # Go over to the next page with what comes before it rather than stand alone there.
    keep_with_previous: bool = False

    def draw(self, c: Canvas, x: float, top: float) -> None:
        pass


class Spacer(Block):
    def __init__(self, height: float) -> None:
        self.height = height


class TextBlock(Block):
    def __init__(self, para: Para) -> None:
        self.para = para
        self.height = para.height

    def draw(self, c: Canvas, x: float, top: float) -> None:
        self.para.draw(c, x, top)


class Title(Block):
    """The form's title, centred and bold. The bundled font has no bold face, so the
    glyphs are filled and stroked (text render mode 2), as Word does for fake bold."""

    def __init__(self, text: str, fonts: FontSet, size: float = L.TITLE_SIZE) -> None:
        fonts.check(text, "标题")
        self.text = text
        self.fonts = fonts
        self.size = size
        self.text_width = fonts.width(text, size, "标题")
        self.height = size * 1.5

    def draw(self, c: Canvas, x: float, top: float) -> None:
        tx = x + (L.BODY_WIDTH - self.text_width) / 2
        ty = top - self.height + self.size * 0.4
        c.saveState()
        c.setLineWidth(self.size / 28)
        draw_string(c, self.fonts, tx, ty, self.text, self.size, mode=2)
        c.restoreState()


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
        self.fonts = fonts
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

    def draw(self, c: Canvas, x0: float, top: float) -> None:
        boxes: list[tuple[float, float]] = []
        ticks: list[tuple[float, float, float, float]] = []
        bottom = top - self.height
        b = self.BOX
        for n, line in enumerate(self.lines):
            y = bottom + self.height - (n + 1) * self.line_h + (self.line_h - self.size) / 2 + 1
            x = x0
            for option, width in line:
                draw_string(c, self.fonts, x, y, option, self.size)
                bx, by = x + width + self.GAP, y - 1
                boxes.append((bx, by))
                if option in self.ticked:  # a tick of two strokes, like a pen's √
                    corner = (bx + b * 0.42, by + 1.6)
                    ticks += [
                        (bx + 1.5, by + b * 0.5, *corner),
                        (*corner, bx + b + 1.2, by + b + 1.6),
                    ]
                x += width + self.GAP + self.BOX + self.SPACING
        if self.extra:
            y = bottom + (self.line_h - self.size) / 2 + 1
            draw_string(c, self.fonts, x0, y, f"（{self.extra}）", self.size)
        c.saveState()
        c.setLineWidth(0.7)
        for bx, by in boxes:
            c.rect(bx, by, b, b, stroke=1, fill=0)
        if ticks:
            c.setLineWidth(1.3)
            c.setLineCap(1)  # round ends join the two strokes as a pen does
            c.lines(ticks)
        c.restoreState()


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageInfo:
    marker: str
    identity: str  # 记录号 … 第 N 版 … 指纹 …
    note: str | None
    draft: bool


def draw_pages(c: Canvas, story: Sequence[Block | Table], info: PageInfo, fonts: FontSet) -> None:
    """Set ``story`` on as many pages of ``c`` as it needs, each with its furniture."""
    pages = lay_out(story)
    define_qr(c, info.marker, fonts)
    for n, page in enumerate(pages, 1):
        if info.draft:
            _watermark(c, fonts)
        for draw in page:
            draw(c)
        _footer(c, fonts, info, n, len(pages))
        c.showPage()


def define_qr(c: Canvas, value: str, fonts: FontSet) -> None:
    """The QR code of ``value`` as the document's form ``QR_FORM``, drawn on every page."""
    widget = QrCodeWidget(
        value, barLevel=QR_LEVEL, barWidth=QR_SIZE, barHeight=QR_SIZE, barBorder=QR_BORDER
    )
    # The drawing's initial font is one the document embeds anyway, so that the form does
    # not bring in an unembedded Helvetica.
    drawing = Drawing(QR_SIZE, QR_SIZE, initialFontName=fonts.main)
    drawing.add(widget)
    c.beginForm(QR_FORM)
    renderPDF.draw(drawing, c, 0, 0)
    c.endForm()


def lay_out(story: Sequence[Block | Table]) -> list[list[Drawer]]:
    """The story set on pages: what to draw on each, top to bottom."""
    state = _Cursor()
    for n, item in enumerate(story):
        if isinstance(item, Table):
            after = story[n + 1] if n + 1 < len(story) else None
            keep = after.height if isinstance(after, Block) and after.keep_with_previous else 0.0
            state.table(item, keep)
            continue
        if state.y - item.height < BODY_BOTTOM and not state.fresh:
            state.new_page()
        if isinstance(item, Spacer) and state.fresh:
            continue  # no gap at the top of a page
        state.place(item, state.y)
        state.y -= item.height
        state.fresh = False
    return state.pages


class _Cursor:
    def __init__(self) -> None:
        self.pages: list[list[Drawer]] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = BODY_TOP
        self.fresh = True

    def place(self, block: Block, top: float) -> None:
        self.pages[-1].append(lambda c: block.draw(c, L.PAGE_MARGIN_X, top))

    def draw_rows(self, grid: Grid, x0: float, top: float, rows: list[int]) -> None:
        self.pages[-1].append(lambda c: grid.draw_part(c, x0, top, rows))

    def table(self, item: Table, keep: float) -> None:
        """Place ``item``; its last rows go over with the ``keep`` points that follow."""
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
            # The last rows carry what must not stand alone after them, when a page
            # can hold both.
            last = i == len(chunks) and h + keep <= room
            need = h + (keep if last else 0.0)
            if self.y - need < BODY_BOTTOM - 0.01 and not self.fresh:
                # A long text fills the page, its other lines go over (the grid's lists,
                # ``heights`` too, get the new row; rows already placed keep their
                # numbers, since the new row comes after them).
                if s == e and s >= repeat and grid.split_row(s, self.y - BODY_BOTTOM):
                    chunks[i:] = [(s + 1, s + 1)] + [(a + 1, b + 1) for a, b in chunks[i:]]
                    h = heights[s]
                else:
                    if part:
                        self.draw_rows(grid, x0, top, part)
                    self.new_page()
                    top = self.y
                    part = list(range(repeat)) if s >= repeat else []
                    self.y -= head if part else 0.0
            part += range(s, e + 1)
            self.y -= h
            self.fresh = False
        if part:
            self.draw_rows(grid, x0, top, part)


def _watermark(c: Canvas, fonts: FontSet) -> None:
    size = 170
    width = fonts.width(WATERMARK_TEXT, size, "水印")
    c.saveState()
    c.setFillAlpha(WATERMARK_ALPHA)
    c.setStrokeAlpha(WATERMARK_ALPHA)
    c.setFillGray(WATERMARK_GRAY)
    c.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    c.rotate(35)
    draw_string(c, fonts, -width / 2, -60, WATERMARK_TEXT, size)
    c.restoreState()


def _text_at(c: Canvas, fonts: FontSet, x: float, y: float, text: str, size: float,
             anchor: str = "left") -> None:  # fmt: skip
    if anchor != "left":
        width = fonts.width(text, size)
        x -= width / 2 if anchor == "center" else width
    draw_string(c, fonts, x, y, text, size)


def _footer(c: Canvas, fonts: FontSet, info: PageInfo, n: int, total: int) -> None:
    left, right = L.PAGE_MARGIN_X, PAGE_WIDTH - L.PAGE_MARGIN_X
    size = L.SMALL_SIZE
    c.setFillGray(0)
    c.saveState()
    c.translate(right - QR_SIZE, 6 * L.MM)
    c.doForm(QR_FORM)
    c.restoreState()
    _text_at(c, fonts, PAGE_WIDTH / 2, 18 * L.MM, f"第 {n} 页 共 {total} 页", 9.5, "center")
    y = 13 * L.MM
    _text_at(c, fonts, left, y, info.identity, size)
    if info.note:
        y -= size * 1.4
        _text_at(c, fonts, left, y, info.note, size)
    y -= size * 1.4
    _text_at(c, fonts, left, y, info.marker, 6.5)
