"""Excel out: a record's 项目支出绩效运行监控表 (forms.md §5), drawn from its layout.

The grid, titles and merged category cells are :mod:`perfdesk.excel.grid`'s; this module
lays the monitoring form's blocks out (:data:`perfdesk.excel.layouts.MONITORING_LAYOUT`) and
carries the stamp, so that the import (:mod:`perfdesk.excel.monitoring_form`) gives back the
same record. Money is written in 元 as the layout says; 执行率 and 序时进度 are derived and
written as the percentages the form shows.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from openpyxl import Workbook

from perfdesk.excel.grid import FormGrid, choice_text, merged_table, project_rows, title_rows
from perfdesk.excel.layouts import MONITORING_LAYOUT, MonitoringLayout
from perfdesk.excel.stamp import STAMP_PROPERTY, stamp_text
from perfdesk.excel.workbook import LONG, save
from perfdesk.models.errors import InputError
from perfdesk.models.monitoring import execution_rate, expected_rate
from perfdesk.models.records import Declaration, MonitorFundRow, Monitoring

ADJUST_OPTIONS = (("是", "否"),)


def month_text(m: Monitoring) -> str:
    """截至 X: the month, or X while the form has none (the import then reads none)."""
    return str(m.as_of_month) if m.as_of_month else "X"


def adjust_text(value: bool | None) -> str | None:
    chosen = None if value is None else ("是" if value else "否")
    return choice_text(chosen, ADJUST_OPTIONS)


def _money(g: FormGrid, m: Monitoring, lay: MonitoringLayout) -> None:
    s = lay.money_spans
    month = month_text(m)
    g.put(s[0], lay.money_label, rows=1 + len(lay.fund_rows), kind="label")
    g.put(s[1], None)
    for header, span in zip(lay.money_headers, s[2:], strict=False):
        g.put(span, header.format(month=month), kind="label")
    g.put(s[-1], None)
    g.next()
    for key, label in lay.fund_rows:
        if key == "total":
            row = MonitorFundRow(m.budget_initial, m.budget_adjusted, m.spent_to_date,
                                 m.forecast_spent)  # fmt: skip
        else:
            found = getattr(m.funds, key, None) if m.funds is not None else None
            row = found or MonitorFundRow()
        g.put(s[1], label, kind="label")
        g.put(s[2], row.initial, kind="money", where=f"{label}年初预算数")
        g.put(s[3], row.adjusted, kind="money", where=f"{label}调整后预算数")
        g.put(s[4], row.spent_to_date, kind="money", where=f"{label}执行数")
        if key == "total":
            g.put(s[5], execution_rate(m), kind="rate")
            g.put(s[6], expected_rate(m), kind="rate")
        else:
            g.put(s[5], None)
            g.put(s[6], None)
        g.put(s[7], row.forecast, kind="money", where=f"{label}全年预计执行数")
        g.put(s[8], None)
        g.next()


def _long_row(g: FormGrid, lay: MonitoringLayout, label: str, value: str | None) -> None:
    g.put(lay.label_span, label, kind="label")
    g.put(lay.value_span, value, kind="long", align=LONG, where=label)
    g.next()


def _indicators(g: FormGrid, m: Monitoring, lay: MonitoringLayout) -> None:
    t = lay.indicator_table
    month = month_text(m)
    rows: list[list[tuple[Any, str]]] = [
        [(i.category, "text"), (i.subcategory, "text"), (i.name, "text"), (i.target, "text"),
         (i.progress, "text"), (i.forecast, "text"), (i.likelihood, "text"), (i.cause, "text"),
         (i.deviation, "text"), (i.remedy, "text"), (i.remarks, "text")]
        for i in m.indicators
    ]  # fmt: skip
    if not rows:
        rows = [[(None, "text")] * len(t.headers)]
    g.put((1, 1), lay.indicator_label, rows=len(rows) + 1, kind="label")
    for header, span in zip(t.headers, t.spans, strict=True):
        g.put(span, header.format(month=month), kind="label", bold=True)
    g.next()
    merged_table(g, t, rows, lay.indicator_label)


def build_monitoring(decl: Declaration) -> Workbook:
    m = decl.monitoring
    if m is None:
        raise InputError(
            f"项目“{decl.name}”（编号 {decl.id}）还没有运行监控表，无法导出运行监控表。"
        )
    lay = MONITORING_LAYOUT
    g = FormGrid(lay.sheet_name, lay.widths, lay.fonts, lay.page)
    n_cols = len(lay.widths)
    title_rows(g, lay.title, lay.year_text.format(year=decl.year, month_text=month_text(m)), n_cols)
    name_spans = (lay.label_span, lay.value_span)
    project_rows(g, name_spans, lay.head_spans, decl.name, m.supervisor, decl.unit)
    _money(g, m, lay)
    _long_row(g, lay, lay.goal_label, m.goal_progress)
    _indicators(g, m, lay)
    _long_row(g, lay, lay.deviation_label, m.deviation_analysis)
    _long_row(g, lay, lay.measures_label, m.measures)
    a = lay.adjust_spans
    g.put(a[0], lay.adjust_labels[0], kind="label")
    g.put(a[1], adjust_text(m.adjust_goals), where=lay.adjust_labels[0])
    g.put(a[2], lay.adjust_labels[1], kind="label")
    g.put(a[3], m.adjustment, kind="long", align=LONG, where=lay.adjust_labels[1])
    g.next()
    return g.finish()


def write_monitoring(decl: Declaration, out: BinaryIO) -> None:
    save(build_monitoring(decl), out, {STAMP_PROPERTY: stamp_text(decl, "monitoring")})
