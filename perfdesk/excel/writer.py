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

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook

from perfdesk.excel.grid import (
    FormGrid,
    choice_text,
    line_count,
    merged_table,
    project_rows,
    text_width,
    title_rows,
)
from perfdesk.excel.layouts import (
    DeclarationLayout,
    EvaluationLayout,
    FieldRow,
    declaration_layout,
    evaluation_layout,
)
from perfdesk.excel.monitoring_writer import build_monitoring, write_monitoring
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
    CENTRE,
    DATE_FORMAT,
    LONG,
    MONEY_FORMAT,
    PLAIN,
    RATE_FORMAT,
    SCORE_FORMAT,
    WAN_FORMAT,
    atomic_write,
    clean_text,
    save,
    set_text,
)
from perfdesk.models.errors import InputError
from perfdesk.models.form_rows import NATIONAL_FUND_ROWS
from perfdesk.models.records import (
    Declaration,
    DeclarationFunds,
    Evaluation,
    FundRow,
)
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
    "build_monitoring",
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
    "write_monitoring",
    "write_summary",
    "write_summary_file",
]

# ---------------------------------------------------------------- declaration


def _declaration_rows(g: FormGrid, decl: Declaration, lay: DeclarationLayout) -> None:
    for fr in lay.rows:
        if fr.kind == "signoff":
            _signoff(g, decl, lay)
            continue
        if fr.optional and getattr(decl, fr.key) in (None, ""):
            continue
        if fr.kind == "budget_items":
            _budget_items(g, decl, lay, fr)
            continue
        if fr.kind == "funds":
            _funds(g, decl, lay, fr)
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
                kind=fr.value_kind if fr.kind == "text" else fr.kind,
                where=fr.label,
                align=LONG if fr.kind == "long" else None,
            )
        g.next()


def _budget_items(g: FormGrid, decl: Declaration, lay: DeclarationLayout, fr: FieldRow) -> None:
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


def _funds(g: FormGrid, decl: Declaration, lay: DeclarationLayout, fr: FieldRow) -> None:
    """The national 项目资金 block: 年度资金总额 (``year_budget``) / 其中：财政拨款 / 其他资金."""
    funds = decl.funds or DeclarationFunds()
    g.put(lay.label_span, fr.label, rows=len(NATIONAL_FUND_ROWS), kind="label")
    name_span, amount_span = lay.fund_spans
    for key, name in NATIONAL_FUND_ROWS:
        value = decl.year_budget if key == "year_budget" else getattr(funds, key)
        g.put(name_span, name, kind="label")
        g.put(amount_span, value, kind="money", where=name)
        g.next()


def _indicators(g: FormGrid, decl: Declaration, lay: DeclarationLayout, fr: FieldRow) -> None:
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
    merged_table(g, t, rows, fr.label)


def _signoff(g: FormGrid, decl: Declaration, lay: DeclarationLayout) -> None:
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
    g = FormGrid(lay.sheet_name, lay.widths, lay.fonts, lay.page)
    n_cols = len(lay.widths)
    title_rows(g, lay.title, lay.year_text.format(year=decl.year), n_cols)
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
    g: FormGrid, decl: Declaration, ev: Evaluation, lay: EvaluationLayout, sheet: ScoreSheet
) -> None:
    money = "wan" if lay.money_unit == "万元" else "money"

    project_rows(g, lay.name_spans, lay.head_spans, decl.name, ev.supervisor, decl.unit)

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
    merged_table(g, t, rows, lay.indicator_label)

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
    g = FormGrid(lay.sheet_name, lay.widths, lay.fonts, lay.page)
    title_rows(g, lay.title, lay.year_text.format(year=decl.year), len(lay.widths))
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
        write_monitoring(decl, out)
        return
    (write_evaluation if form == "evaluation" else write_declaration)(decl, out)


def export_file(decl: Declaration, path: Path, form: str = "declaration") -> None:
    """Write the form to ``path`` (atomically)."""
    if form not in FORMS:
        raise InputError(f"未知的表：“{form}”（应为 declaration、monitoring 或 evaluation）。")
    if form == "monitoring" and decl.monitoring is None:
        raise InputError(
            f"项目“{decl.name}”（编号 {decl.id}）还没有运行监控表，无法导出运行监控表。"
        )
    if form == "evaluation" and decl.evaluation is None:
        raise InputError(f"项目“{decl.name}”（编号 {decl.id}）还没有自评表，无法导出自评表。")
    atomic_write(Path(path), lambda f: write_form(decl, f, form))
