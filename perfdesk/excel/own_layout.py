"""perfdesk's own export, recognised by its exact layout: where its labels stand.

On a form of unknown make a cell that reads like a label is a label, never a value (see
:mod:`perfdesk.excel.sheet`). On the sheets perfdesk writes (:mod:`perfdesk.excel.writer`,
laid out by :mod:`perfdesk.excel.layouts`) every position is known, so a value position holds
a value whatever it says: a 备注 that reads ``分解目标``, an indicator named ``总分``. This
module walks a grid along the layout and returns the label cells, or None when the grid is
not exactly one of perfdesk's sheets (then the general rules apply). A file edited in Excel
that still has the layout (values changed, a LibreOffice re-save) keeps the benefit; one whose
rows were moved or relabelled does not, and is read like any other form.
"""

from __future__ import annotations

import re

from perfdesk.excel.cells import Grid, is_blank
from perfdesk.excel.layouts import (
    MONITORING_LAYOUT,
    DeclarationLayout,
    EvaluationLayout,
    MonitoringLayout,
    declaration_layout,
    evaluation_layout,
)
from perfdesk.models import form_rows as F

Cell = tuple[int, int]

_DECL_YEAR = re.compile(r"\(\d{4}年\)")
_EVAL_YEAR = re.compile(r"（\d{4}年度）")
_MONITOR_YEAR = re.compile(r"（\d{4}年度 截至(\d{1,2}|X)月底）")


def own_label_cells(grid: Grid) -> frozenset[Cell] | None:
    """The label cells of a sheet laid out exactly as perfdesk exports it, else None."""
    title = _text(grid, 0, 0)
    for framework, form_title in F.DECLARATION_TITLES.items():
        if title == form_title:
            return _declaration(grid, declaration_layout(framework))
    for key, form in F.EVALUATION_FORMS.items():
        if title == form.title:
            return _evaluation(grid, evaluation_layout(key))
    if title == MONITORING_LAYOUT.title:
        return _monitoring(grid, MONITORING_LAYOUT)
    return None


def _text(grid: Grid, r: int, c: int) -> str:
    v = grid.raw(r, c)
    return v if isinstance(v, str) else ""


def _col(span: tuple[int, int]) -> int:
    return span[0] - 1  # layouts count columns from 1


def _last_row(grid: Grid) -> int:
    for r in range(grid.height - 1, -1, -1):
        if any(not is_blank(v) for v in grid.rows[r]):
            return r
    return -1


def _declaration(grid: Grid, lay: DeclarationLayout) -> frozenset[Cell] | None:
    if not _DECL_YEAR.fullmatch(_text(grid, 1, 0)):
        return None
    if not _text(grid, 2, 0).startswith(f"{lay.unit_label}："):
        return None
    cells: set[Cell] = {(2, 0)}
    label_c = _col(lay.label_span)
    left_c, right_c = _col(lay.pair_spans[0]), _col(lay.pair_spans[2])
    r = 3
    rows = list(lay.rows)
    while rows and rows[0].kind != "indicators":
        fr = rows.pop(0)
        if fr.optional and _text(grid, r, label_c) != fr.label:
            continue  # written only when the record had a value
        if fr.kind == "funds":
            names = [name for _, name in F.NATIONAL_FUND_ROWS]
            name_c = _col(lay.fund_spans[0])
            if _text(grid, r, label_c) != fr.label or [
                _text(grid, r + i, name_c) for i in range(len(names))
            ] != names:
                return None
            cells |= {(r, label_c), *((r + i, name_c) for i in range(len(names)))}
            r += len(names)
        elif fr.kind == "pair":
            if _text(grid, r, left_c) != fr.label or _text(grid, r, right_c) != fr.label2:
                return None
            cells |= {(r, left_c), (r, right_c)}
            r += 1
        elif fr.kind == "budget_items":
            t = lay.budget_table
            heads = [(r, _col(s)) for s in t.spans]
            if _text(grid, r, label_c) != fr.label or [_text(grid, *h) for h in heads] != list(
                t.headers
            ):
                return None
            cells |= {(r, label_c), *heads}
            r = grid.span(r, label_c)[2] + 1
        else:
            if _text(grid, r, label_c) != fr.label:
                return None
            cells.add((r, label_c))
            r += 1
    if not rows or _text(grid, r, label_c) != lay.indicator_heading:
        return None
    cells.add((r, label_c))
    t = lay.indicator_table
    heads = [(r + 1, _col(s)) for s in t.spans]
    if [_text(grid, *h) for h in heads] != list(t.headers):
        return None
    cells |= set(heads)
    first_indicator = r + 2
    # What follows the table is read from the bottom up, so that an indicator whose text is
    # 备注 or 填表人 cannot end it early.
    end = _last_row(grid) + 1
    signoff = lay.signoff_rows
    n = len(signoff)
    sign_cells: set[Cell] = set()
    for i, ((label1, _), (label2, _)) in enumerate(signoff):
        rr = end - n + i
        if _text(grid, rr, left_c) != label1 or _text(grid, rr, right_c) != label2:
            break
        sign_cells |= {(rr, left_c), (rr, right_c)}
    else:
        cells |= sign_cells
        end -= n
    remarks = next(fr for fr in rows if fr.kind == "long")
    if end - 1 <= first_indicator or _text(grid, end - 1, label_c) != remarks.label:
        return None
    cells.add((end - 1, label_c))
    return frozenset(cells)


def _evaluation(grid: Grid, lay: EvaluationLayout) -> frozenset[Cell] | None:
    if not _EVAL_YEAR.fullmatch(_text(grid, 1, 0)):
        return None
    expect: dict[Cell, str] = {(2, _col(lay.name_spans[0])): "项目名称"}
    h = lay.head_spans
    expect[(3, _col(h[0]))] = "主管部门"
    expect[(3, _col(h[2]))] = "实施单位"
    m = lay.money_spans
    expect[(4, _col(m[0]))] = lay.money_label
    for header, span in zip(lay.money_headers, m[2:], strict=True):
        expect[(4, _col(span))] = header
    for i, (_, label) in enumerate(lay.fund_rows):
        expect[(5 + i, _col(m[1]))] = label
    goal = 5 + len(lay.fund_rows)
    gs = lay.goal_spans
    expect[(goal, _col(gs[0]))] = lay.goal_label
    expect[(goal, _col(gs[1]))] = lay.goal_headers[0]
    expect[(goal, _col(gs[2]))] = lay.goal_headers[1]
    table = goal + 2
    expect[(table, 0)] = lay.indicator_label
    t = lay.indicator_table
    for header, span in zip(t.headers, t.spans, strict=True):
        expect[(table, _col(span))] = header
    if any(_text(grid, *cell) != text for cell, text in expect.items()):
        return None
    total = grid.span(table, 0)[2] + 1
    if total <= table + 1:
        return None
    tail = {(total, _col(lay.total_spans[0])): lay.total_label}
    tail[(total + 1, _col(lay.grade_spans[0]))] = lay.grade_label
    if any(_text(grid, *cell) != text for cell, text in tail.items()):
        return None
    return frozenset(expect) | frozenset(tail)


def _monitoring(grid: Grid, lay: MonitoringLayout) -> frozenset[Cell] | None:
    m = _MONITOR_YEAR.fullmatch(_text(grid, 1, 0))
    if m is None:
        return None
    month = m.group(1)
    label = _col(lay.label_span)
    h = lay.head_spans
    expect: dict[Cell, str] = {(2, label): "项目名称", (3, _col(h[0])): "主管部门",
                               (3, _col(h[2])): "实施单位"}  # fmt: skip
    s = lay.money_spans
    expect[(4, _col(s[0]))] = lay.money_label
    for header, span in zip(lay.money_headers, s[2:], strict=False):
        expect[(4, _col(span))] = header.format(month=month)
    for i, (_, row_label) in enumerate(lay.fund_rows):
        expect[(5 + i, _col(s[1]))] = row_label
    goal = 5 + len(lay.fund_rows)
    expect[(goal, label)] = lay.goal_label
    table = goal + 1
    expect[(table, 0)] = lay.indicator_label
    t = lay.indicator_table
    for header, span in zip(t.headers, t.spans, strict=True):
        expect[(table, _col(span))] = header.format(month=month)
    if any(_text(grid, *cell) != text for cell, text in expect.items()):
        return None
    tail = grid.span(table, 0)[2] + 1
    a = lay.adjust_spans
    after = {
        (tail, label): lay.deviation_label,
        (tail + 1, label): lay.measures_label,
        (tail + 2, _col(a[0])): lay.adjust_labels[0],
        (tail + 2, _col(a[2])): lay.adjust_labels[1],
    }
    if tail <= table + 1 or any(_text(grid, *cell) != text for cell, text in after.items()):
        return None
    return frozenset(expect) | frozenset(after)
