"""The declaration (绩效目标申报表) as a story of blocks and tables for :mod:`pdf_flow`.

Rows, labels and widths come from :mod:`perfdesk.pdf.layouts`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from perfdesk.models.money import MoneyError, amount_in_words, format_money
from perfdesk.models.records import Declaration, DeclarationFunds
from perfdesk.pdf import layouts as L
from perfdesk.pdf.flow import Block, CheckboxGroup, Spacer, Table, TextBlock, Title
from perfdesk.pdf.fonts import FontSet
from perfdesk.pdf.grid import Cell, Grid, category_cells, merge_categories
from perfdesk.pdf.text import Para, TextStyle, styles


def date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def signoff_date(value: dt.date | None) -> str:
    gap = "\u00a0" * 6  # room to write the date by hand
    return f"{value.year}年{value.month}月{value.day}日" if value else f"{gap * 2}年{gap}月{gap}日"


def declaration_story(decl: Declaration, fonts: FontSet) -> list[Block | Table]:
    st = styles()
    title = L.DECLARATION_TITLES.get(decl.framework, L.DECLARATION_TITLES["national"])
    body = L.BODY_WIDTH
    story: list[Block | Table] = [
        Title(title, fonts),
        TextBlock(Para.of(f"（{decl.year}年）", st["subtitle"], body, fonts, "年度")),
        Spacer(6),
        TextBlock(Para.of(f"{L.UNIT_LABEL}：{decl.unit or ''}", st["plain"], body, fonts,
                          L.UNIT_LABEL)),
        Spacer(4),
    ]  # fmt: skip
    grid = Grid(L.DECLARATION_COLUMNS, fonts, st)
    for row in L.DECLARATION_ROWS.get(decl.framework, L.DECLARATION_ROWS["sh2019"]):
        if row.optional and getattr(decl, row.key) in (None, ""):
            continue
        label = Cell(row.label, "label", field=row.label)
        if row.kind in ("text", "long"):
            grid.add([label, _value_cell(getattr(decl, row.key), row.value_kind, row.label, 3)])
        elif row.kind == "choice":
            group = CheckboxGroup(row.options, getattr(decl, row.key), fonts, row.label)
            grid.add([label, Cell(flow=group, span=3)])
        elif row.kind == "pair":
            grid.add([
                label, _value_cell(getattr(decl, row.key), row.value_kind, row.label),
                Cell(row.label2, "label", field=row.label2),
                _value_cell(getattr(decl, row.key2), row.value_kind, row.label2),
            ])  # fmt: skip
        elif row.kind == "funds":
            _fund_rows(grid, decl, row.label)
        elif row.kind == "budget_items":
            _budget_rows(grid, decl, row.label)
        elif row.kind == "indicators":
            # Its own columns, and its header repeats on each page: a table of its own,
            # set flush under the rows before it.
            if grid.cells:
                story.append(Table(grid))
            story.append(_indicator_table(decl, row.label, fonts, st))
            grid = Grid(L.DECLARATION_COLUMNS, fonts, st)
        else:
            raise ValueError(f"unknown row kind {row.kind!r}")
    if grid.cells:
        story.append(Table(grid))
    story.append(Signoff(decl, fonts, st))
    return story


def _value_cell(value: Any, kind: str, field: str, span: int = 1) -> Cell:
    if kind == "money":
        return Cell(format_money(value), "money", span=span, field=field)
    if kind == "date":
        return Cell(date_text(value), "center", span=span, field=field)
    return Cell(value, span=span, field=field)


def _fund_rows(grid: Grid, decl: Declaration, label: str) -> None:
    """项目资金: 年度资金总额 (the year's budget) / 其中：财政拨款 / 其他资金, the block's
    label down the side."""
    funds = decl.funds or DeclarationFunds()
    spans = []
    for key, name in L.NATIONAL_FUND_ROWS:
        value = decl.year_budget if key == "year_budget" else getattr(funds, key)
        spans.append(grid.add([
            Cell(None), Cell(name, "label", field=name),
            Cell(format_money(value), "money", span=2, field=name),
        ]))  # fmt: skip
    merge_categories(grid, spans, [(label,)] * len(spans), [0], label)


def _budget_rows(grid: Grid, decl: Declaration, label: str) -> None:
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
    # 合计: the sum of the amounts written, then the sum in 大写 across the block (neither
    # when no amount is written: a blank form stays blank for the pen).
    amounts = [item.amount for item in items if item.amount is not None]
    where = f"{label}{L.BUDGET_TOTAL_LABEL}"
    total = sum(amounts, Decimal(0)) if amounts else None
    spans.append(grid.add([
        Cell(None), Cell(L.BUDGET_TOTAL_LABEL, "label", span=2, field=where),
        Cell(format_money(total), "money", field=where),
    ]))  # fmt: skip
    if total is not None:
        try:
            words = f"{L.CAPITAL_LABEL}：{amount_in_words(total)}"
        except MoneyError:  # beyond 万亿 groups (≥ 10^16 元): no bureau writes that in words
            words = None
        spans.append(grid.add([Cell(None), Cell(words, span=3, field=where)]))
    merge_categories(grid, spans, [(label,)] * len(spans), [0], label)


def _indicator_table(
    decl: Declaration, label: str, fonts: FontSet, st: dict[str, TextStyle]
) -> Table:
    layout = L.INDICATOR_TABLES.get(decl.framework, L.INDICATOR_TABLES["national"])
    grid = Grid(layout.widths, fonts, st)
    ncols = len(layout.widths)
    grid.add([Cell(label, "label", span=ncols)])
    grid.add([Cell(h, "label") for h in layout.headers])
    cats = layout.category_columns
    paths = [(ind.category, ind.subcategory)[:cats] for ind in decl.indicators]
    cat_cells, keys = category_cells(grid, paths, label)
    spans = []
    for n, (ind, first) in enumerate(zip(decl.indicators, cat_cells, strict=True), 1):
        where = f"{label}第{n}行"
        name_at, target_at = (f"{where}“{h}”" for h in layout.headers[-2:])
        spans.append(grid.add([*first, Cell(ind.name, field=name_at), Cell(ind.target, field=target_at)]))
    if not decl.indicators:
        grid.add([Cell(None) for _ in range(ncols)])
    merge_categories(grid, spans, keys, list(range(cats)), label)
    return Table(grid, repeat_rows=2)


class Signoff(Block):
    """Signatures on lines, then 单位（盖章） over room for the round seal, then the date;
    never alone on a page (it goes over with the end of the table)."""

    keep_with_previous = True

    TOP_GAP = 4.0 + 14.0  # space above the block, then above the signature line's text
    PAD = 3.0
    RIGHT_PAD = 2.0

    def __init__(self, decl: Declaration, fonts: FontSet, st: dict[str, TextStyle]) -> None:
        s = decl.signoff
        lab = L.SIGNOFF_LABELS
        self.x = [sum(L.SIGNOFF_COLUMNS[:c]) for c in range(len(L.SIGNOFF_COLUMNS) + 1)]

        def para(text: str | None, style: str, col: int, span: int, field: str) -> Para:
            width = self.x[col + span] - self.x[col] - self.RIGHT_PAD
            return Para.of(text, st[style], width, fonts, field)

        values = (s.head, s.preparer, s.phone) if s else (None, None, None)
        self.line: list[tuple[int, Para]] = []
        for n, (key, value) in enumerate(zip(("head", "preparer", "phone"), values, strict=True)):
            self.line.append((2 * n, para(f"{lab[key]}：", "plain", 2 * n, 1, lab[key])))
            self.line.append((2 * n + 1, para(value, "center", 2 * n + 1, 1, lab[key])))
        self.seal = para(lab["seal"], "plain", 4, 2, lab["seal"])
        date = f"{lab['date']}：{signoff_date(s.date if s else None)}"
        self.date = para(date, "plain", 4, 2, lab["date"])
        self.line_h = max(p.height for _, p in self.line) + self.PAD
        self.seal_h = L.SEAL_SIZE + 6
        self.date_h = self.date.height + 2 * self.PAD
        self.height = self.TOP_GAP + self.line_h + self.seal_h + self.date_h

    def draw(self, c: Canvas, x: float, top: float) -> None:
        base = top - self.TOP_GAP - self.line_h  # bottom of the signature row
        for col, para in self.line:  # set on the row's bottom
            para.draw(c, x + self.x[col], base + self.PAD + para.height)
        c.setLineWidth(0.5)
        c.lines([(x + self.x[k], base, x + self.x[k + 1], base) for k in (1, 3, 5)])
        self.seal.draw(c, x + self.x[4], base - self.PAD)
        bottom = base - self.seal_h - self.date_h
        self.date.draw(c, x + self.x[4], bottom + self.PAD + self.date.height)
