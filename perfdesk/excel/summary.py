"""The year's summary workbook (项目汇总 + 绩效指标 + 运行监控): plain tables, written with openpyxl.

openpyxl's normal mode: a table without merges gains nothing from write-only mode (10,000
bordered indicator rows took 5.5–7.8 s in normal mode and 7.3–9.9 s write-only, alternating
runs on this machine), and the normal mode keeps the autofilter and the totals row simple.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perfdesk.excel.layouts import (
    SUMMARY_INDICATOR_COLUMNS,
    SUMMARY_INDICATORS_SHEET,
    SUMMARY_MONITORING_COLUMNS,
    SUMMARY_MONITORING_NONE,
    SUMMARY_MONITORING_SHEET,
    SUMMARY_PROJECT_COLUMNS,
    SUMMARY_PROJECTS_SHEET,
    SUMMARY_TOTAL_LABEL,
    Fonts,
    SummaryColumn,
)
from perfdesk.excel.workbook import (
    MONEY_FORMAT,
    RATE_FORMAT,
    atomic_write,
    clean_text,
    new_workbook,
    set_text,
)
from perfdesk.models.monitoring import (
    annual_budget,
    behind_schedule,
    execution_rate,
    expected_rate,
    targets_at_risk,
)
from perfdesk.models.records import CHOICE_JOINER, STATUS_LABELS, Declaration
from perfdesk.models.scoring import score_evaluation

if TYPE_CHECKING:
    from perfdesk.store.database import Store

NOT_APPLICABLE = "不适用"


class _SummaryStyles:
    """The summary's style objects, built once per workbook."""

    def __init__(self, fonts: Fonts) -> None:
        thin = Side(style="thin")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.body = Font(name=fonts.body, size=fonts.body_size)
        self.bold = Font(name=fonts.body, size=fonts.body_size, bold=True)
        self.label = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _summary_sheet(
    ws: Worksheet,
    columns: Sequence[SummaryColumn],
    rows: Iterable[Sequence[Any]],
    st: _SummaryStyles,
) -> int:
    for c, col in enumerate(columns, 1):
        cell = ws.cell(1, c, col.header)
        cell.font = st.bold
        cell.alignment = st.label
        cell.border = st.border
        ws.column_dimensions[get_column_letter(c)].width = col.width
    n = 0
    for n, values in enumerate(rows, 1):
        for c, (col, value) in enumerate(zip(columns, values, strict=True), 1):
            cell = ws.cell(n + 1, c)
            cell.font = st.body
            cell.border = st.border
            if value is None:
                continue
            if col.kind == "money":
                cell.value = value
                cell.number_format = MONEY_FORMAT
            elif col.kind in ("int", "score"):
                cell.value = value
            elif col.kind == "rate":
                cell.value = value
                cell.number_format = RATE_FORMAT
            else:
                set_text(cell, clean_text(str(value), col.header))
    last_col = get_column_letter(len(columns))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_col}{n + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    return n


def summary_rows(
    store: Store, year: int, unit: str | None = None
) -> tuple[list[list[Any]], list[list[Any]]]:
    """(project rows, indicator rows) of the year — of one unit, or of the whole department
    when ``unit`` is None — in the store's list order."""
    projects, indicators, _ = _all_rows(store, year, unit)
    return projects, indicators


def _all_rows(
    store: Store, year: int, unit: str | None
) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    """The rows of the three sheets, each record read once."""
    ids = [r[0] for r in store.list(year=year, unit=unit, columns=("id",))]
    projects: list[list[Any]] = []
    indicators: list[list[Any]] = []
    monitoring: list[list[Any]] = []
    for rid in ids:
        decl = store.get(rid)
        monitoring.append(monitoring_row(rid, decl))
        ev = decl.evaluation
        sheet = score_evaluation(ev, decl.framework) if ev is not None else None
        projects.append([
            rid, decl.unit, decl.name, decl.project_type, decl.fund_use, decl.total_budget,
            decl.year_budget, len(decl.indicators), STATUS_LABELS.get(decl.status, decl.status),
            sheet.total if sheet else None, sheet.grade if sheet else None,
        ])  # fmt: skip
        if ev is not None and sheet is not None:
            for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
                indicators.append([
                    rid, decl.unit, decl.name, ind.category, ind.subcategory, ind.name,
                    ind.target, ind.actual,
                    # A not-applicable row's weight went to the others (as on the form).
                    None if sc.not_applicable else sc.weight,
                    NOT_APPLICABLE if sc.not_applicable else sc.score,
                ])  # fmt: skip
        else:
            for i in decl.indicators:
                indicators.append(
                    [rid, decl.unit, decl.name, i.category, i.subcategory, i.name, i.target,
                     None, None, None]
                )  # fmt: skip
    return projects, indicators, monitoring


def monitoring_row(rid: int, decl: Declaration) -> list[Any]:
    """One project's row of the 运行监控 sheet: execution against 序时进度, the indicators
    not reported as 确定能 (with their likelihood), and the causes named."""
    m = decl.monitoring
    if m is None:
        return [rid, decl.unit, decl.name, SUMMARY_MONITORING_NONE, *[None] * 9]
    rate, expected = execution_rate(m), expected_rate(m)
    on_schedule = (
        None if rate is None or expected is None else ("否" if behind_schedule(m) else "是")
    )
    risks = targets_at_risk(m)
    causes = list(dict.fromkeys(i.cause for i in m.indicators if i.cause))
    return [
        rid, decl.unit, decl.name, STATUS_LABELS.get(m.status, m.status), m.as_of_month,
        annual_budget(m), m.spent_to_date, rate, expected, on_schedule, len(risks),
        "；".join(f"{i.name}（{i.likelihood}）" for i in risks) or None,
        CHOICE_JOINER.join(causes) or None,
    ]  # fmt: skip


def write_summary(store: Store, year: int, out: BinaryIO, unit: str | None = None) -> int:
    """The year's summary workbook (项目汇总 + 绩效指标); returns the number of projects.

    The totals row holds computed numbers, not SUM formulas: openpyxl cannot store a
    formula's cached value, and readers that do not calculate (previews, the bureau's
    import tools) would show an empty total.
    """
    projects, indicators, monitoring = _all_rows(store, year, unit)
    st = _SummaryStyles(Fonts())
    wb, ws = new_workbook(SUMMARY_PROJECTS_SHEET)
    n = _summary_sheet(ws, SUMMARY_PROJECT_COLUMNS, projects, st)
    total_row = n + 2
    money_cols = [i for i, c in enumerate(SUMMARY_PROJECT_COLUMNS) if c.kind == "money"]
    count_col = next(i for i, c in enumerate(SUMMARY_PROJECT_COLUMNS) if c.header == "指标数")
    label = ws.cell(total_row, 1, SUMMARY_TOTAL_LABEL)
    label.font = st.bold
    for i in money_cols:
        total = sum((p[i] for p in projects if p[i] is not None), Decimal(0))
        cell = ws.cell(total_row, i + 1, total)
        cell.number_format = MONEY_FORMAT
        cell.font = st.bold
    ws.cell(total_row, count_col + 1, sum(p[count_col] for p in projects)).font = st.bold
    for c in range(1, len(SUMMARY_PROJECT_COLUMNS) + 1):
        ws.cell(total_row, c).border = st.border
    ws2 = wb.create_sheet(SUMMARY_INDICATORS_SHEET)
    _summary_sheet(ws2, SUMMARY_INDICATOR_COLUMNS, indicators, st)
    ws3 = wb.create_sheet(SUMMARY_MONITORING_SHEET)
    _summary_sheet(ws3, SUMMARY_MONITORING_COLUMNS, monitoring, st)
    wb.save(out)
    return n


def write_summary_file(store: Store, year: int, path: Path, unit: str | None = None) -> int:
    result: int = atomic_write(Path(path), lambda f: write_summary(store, year, f, unit))
    return result
