"""Setting text for the printed forms: styles, line breaking and laid-out paragraphs.

The pages are drawn on reportlab's canvas (see :mod:`perfdesk.pdf.printout` for why not
platypus), so lines are broken here, with the widths reportlab measures (the font chain's
width table, :mod:`perfdesk.pdf.fonts`). The rules are those of Chinese typesetting that
reportlab's ``wordWrap='CJK'`` does not give together: a Latin word or number is not cut
where it fits on a line, closing punctuation (避头点) never starts a line, and the text's
own line breaks are kept.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from reportlab.pdfgen.canvas import Canvas

from perfdesk.pdf import layouts as L
from perfdesk.pdf.fonts import FontSet, clean_text

# Characters of a run that should not be broken across lines: Latin words, numbers with
# their signs.
_WORD_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,%‰+-/:@#&"
)
# Never at the start of a line (Chinese typesetting rule 避头点): carried back with the
# character before it.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’%％,.;:?!)]}·…—")
# Never at the end of a line (避尾点): opening brackets and quotes go over with the
# character they open.
_NO_LINE_END = frozenset("（《「『【〔〈“‘([{")


@dataclass(frozen=True)
class TextStyle:
    size: float
    leading: float
    align: str = "left"  # left | center | right


def styles(size: float = L.BODY_SIZE) -> dict[str, TextStyle]:
    """The cell styles of a form whose body text is ``size`` points."""
    leading = size * L.LEADING
    return {
        "value": TextStyle(size, leading),
        "plain": TextStyle(size, leading),
        "label": TextStyle(size, leading, "center"),
        "center": TextStyle(size, leading, "center"),
        "money": TextStyle(size, leading, "right"),
        "subtitle": TextStyle(12, 18, "center"),
    }


# Short texts — labels, amounts, dates, names — recur from form to form: their lines are
# kept per process, by font chain, size and width.
MEMO_LENGTH = 64
MEMO_ENTRIES = 50_000
_memo: dict[tuple[FontSet, str, float, float], tuple[str, ...]] = {}


def break_lines(text: str, fonts: FontSet, size: float, width: float, field: str) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size``; its own line
    breaks are kept. Raises MissingGlyphError (naming ``field``) for a character no font
    has. Spaces where a line is broken are dropped; no other character is."""
    key = (fonts, text, size, width)
    if len(text) <= MEMO_LENGTH:
        found = _memo.get(key)
        if found is not None:
            return list(found)
    text = clean_text(text)
    limit = width * 1000.0 / size + 1e-6
    try:
        lines = _break(text, fonts.width_table, limit)
    except KeyError:  # a character met for the first time, or one no font has
        fonts.learn(text, field)
        lines = _break(text, fonts.width_table, limit)
    if len(key[1]) <= MEMO_LENGTH:
        if len(_memo) >= MEMO_ENTRIES:
            _memo.clear()
        _memo[key] = tuple(lines)
    return lines


def _break(text: str, table: dict[str, float], limit: float) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        n = len(para)
        if n == 0:
            lines.append("")
            continue
        cum = list(accumulate(map(table.__getitem__, para), initial=0.0))
        if cum[n] <= limit:
            lines.append(para)
            continue
        s = 0
        while s < n:
            e = bisect_right(cum, cum[s] + limit) - 1
            if e >= n:
                lines.append(para[s:])
                break
            e = _line_end(para, s, max(e, s + 1))
            lines.append(para[s:e].rstrip(" "))
            s = e
            while s < n and para[s] == " ":
                s += 1
    return lines


def _line_end(para: str, s: int, e: int) -> int:
    """Move a line end ``e`` (the line is ``para[s:e]``, ``para[e]`` starts the next
    one) back so that no word is cut, no closing punctuation starts the next line and no
    opening bracket ends this one."""
    for _ in range(3):  # a few punctuation marks in a row at most
        if para[e] in _NO_LINE_START and e - 1 > s:
            e -= 1
        elif para[e - 1] in _NO_LINE_END and e - 1 > s:
            e -= 1
        else:
            break
    if para[e - 1] in _WORD_CHARS and para[e] in _WORD_CHARS:
        t = e - 1
        while t > s and para[t - 1] in _WORD_CHARS:
            t -= 1
        if t > s:  # the word fits a line of its own: move it whole
            e = t
    return e


def draw_string(
    c: Canvas, fonts: FontSet, x: float, y: float, text: str, size: float,
    mode: int | None = None,
) -> None:  # fmt: skip
    """``text`` on the baseline ``y`` from ``x``: in the main font, or run by run in the
    fonts of the chain that have its characters (checked when the story was built)."""
    if fonts.in_main(text):
        c.setFont(fonts.main, size)
        c.drawString(x, y, text, mode=mode)
        return
    for index, piece in fonts.runs(text):
        c.setFont(fonts.name(index), size)
        c.drawString(x, y, piece, mode=mode)
        x += fonts.width(piece, size)


class Para:
    """Text laid out in lines at a width: height known, drawn at a top-left corner."""

    __slots__ = ("lines", "style", "width", "fonts")

    def __init__(self, lines: list[str], style: TextStyle, width: float, fonts: FontSet):
        self.lines = lines
        self.style = style
        self.width = width
        self.fonts = fonts

    @classmethod
    def of(
        cls, text: str | None, style: TextStyle, width: float, fonts: FontSet, field: str
    ) -> Para:
        lines = break_lines(text, fonts, style.size, width, field) if text else []
        return cls(lines, style, width, fonts)

    @property
    def height(self) -> float:
        return len(self.lines) * self.style.leading

    def draw(self, c: Canvas, x: float, top: float) -> None:
        st = self.style
        size = st.size
        fonts = self.fonts
        # The baseline sits so that the glyphs' body is centred in each line's box.
        y = top - 0.5 * (st.leading - size) - 0.86 * size
        align = st.align
        for line in self.lines:
            if line:
                dx = 0.0
                if align != "left":
                    w = fonts.width(line, size)
                    dx = self.width - w if align == "right" else (self.width - w) / 2
                draw_string(c, fonts, x + dx, y, line, size)
            y -= st.leading
