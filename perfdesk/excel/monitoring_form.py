"""Mid-year monitoring sheets (项目支出绩效运行监控表 and the provinces' variants) → Monitoring.

Found by their labels like the other two forms (:mod:`perfdesk.excel.sheet`): the money
block by its column words (年初预算数, 1–X月执行数, 全年预计执行数 …) and row words (年度资金
总额, 其中：财政拨款 …), the indicator table by its headers, with the monitoring columns
(截至X月底完成情况, 全年预计完成情况, 完成目标可能性, 原因类型, 偏差原因分析, 改进措施) read beside
the shared ones. 完成目标可能性 and the cause may be text, a checkbox group in one cell, or one
column per option ticked with a mark (财预〔2019〕136号's 经费保障 | 制度保障 | … columns).
The month the form reports to comes from the title (截至6月底), a column header (1-7月执行数)
or a cell of its own (截至月份 | 6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfdesk.excel import labels as L
from perfdesk.excel.cells import is_blank
from perfdesk.excel.sheet import (
    KIND_MONITORING,
    Hit,
    ImportedForm,
    Row,
    SheetReader,
    Table,
    category_text,
    find_table,
    first_label_row,
    label_base,
    report_empty,
    required_name,
    required_unit,
    row_target,
    table_framework,
    table_rows,
)
from perfdesk.excel.values import is_placeholder, norm, parse_choices
from perfdesk.models.records import (
    CAUSES,
    CHOICE_JOINER,
    LIKELIHOODS,
    Declaration,
    Indicator,
    MonitorFundRow,
    MonitorFunds,
    MonitorIndicator,
    Monitoring,
)

# 截至6月底, 截止2024年7月31日, 1-6月, 1—7月执行数: the month the form reports to.
_MONTH = re.compile(
    r"(?:截至|截止|至)(?:(?:19|20)\d{2}年)?(\d{1,2})月|(?<!\d)1[-—–~～至到](\d{1,2})月"
)
_HALF_YEAR = ("半年", "上半年", "年中")
# A column of what has been done so far: 截至6月底完成情况, 1-7月执行情况, 半年度指标执行情况.
_PROGRESS_WORDS = ("执行情况", "完成情况", "完成值", "实际值", "进展情况", "实施情况")
_SUPERVISOR = (*L.SUPERVISOR_LABELS, "主管部门及代码")
_CHECKED = frozenset(norm(m) for m in (*L.CHECKED_MARKS, "●", "是", "Y", "y"))


def month_in(text: str) -> int | None:
    """The month a title or header says the form reports to, or None."""
    key = norm(text)
    for m in _MONTH.finditer(key):
        month = int(m.group(1) or m.group(2))
        if 1 <= month <= 12:
            return month
    if "监控" in key and any(w in key for w in _HALF_YEAR):
        return 6
    return None


def is_monitoring_title(title: str) -> bool:
    return any(m in norm(title) for m in L.MONITOR_TITLE_MARKS)


# ---------------------------------------------------------------- indicator columns


@dataclass
class MonitorColumns:
    """The monitoring columns of an indicator table, beside the shared roles."""

    text: dict[str, int] = field(default_factory=dict)  # progress, forecast, deviation …
    likelihood_options: dict[int, str] = field(default_factory=dict)  # column → option
    cause_options: dict[int, str] = field(default_factory=dict)


def _is_progress(key: str) -> bool:
    if "预计" in key or "可能" in key or "原因" in key:
        return False
    return any(w in key for w in _PROGRESS_WORDS)


def _is_forecast(key: str) -> bool:
    return key in L.MONITOR_FORECAST_COLUMN or ("预计" in key and "完成" in key)


def monitor_columns(reader: SheetReader, table: Table) -> MonitorColumns:
    """The monitoring columns of ``table``'s header rows (one row, or two where options sit
    under a merged 偏差原因分析 / 完成目标可能性)."""
    g = reader.grid
    cols = MonitorColumns()
    taken = set(table.cols.values()) - {table.cols.get("deviation"), table.cols.get("actual")}
    for r in range(table.header_row, table.first_row):
        for c in range(len(g.rows[r]) if r < g.height else 0):
            if not g.is_owner(r, c) or c in taken:
                continue
            key = label_base(reader.label_key(r, c))[0]
            if not key:
                continue
            if key in L.LIKELIHOOD_WORDS and r > table.header_row:
                cols.likelihood_options[c] = L.LIKELIHOOD_WORDS[key]
            elif key in L.CAUSE_WORDS and r > table.header_row:
                cols.cause_options[c] = L.CAUSE_WORDS[key]
            elif key in L.MONITOR_LIKELIHOOD_COLUMN or key.startswith("完成目标可能性"):
                cols.text.setdefault("likelihood", c)
            elif key in L.MONITOR_CAUSE_COLUMN:
                cols.text.setdefault("cause", c)
            elif key in L.MONITOR_REMEDY_COLUMN:
                cols.text.setdefault("remedy", c)
            elif key in L.MONITOR_DEVIATION_COLUMN:
                cols.text.setdefault("deviation", c)
            elif key in L.MONITOR_REMARKS_COLUMN:
                cols.text.setdefault("remarks", c)
            elif _is_forecast(key):
                cols.text.setdefault("forecast", c)
            elif _is_progress(key):
                cols.text.setdefault("progress", c)
    # A header merged over option columns heads them; its first column is an option's.
    for role, options in (("likelihood", cols.likelihood_options), ("cause", cols.cause_options)):
        if cols.text.get(role) in options:
            del cols.text[role]
    if cols.cause_options and cols.text.get("deviation") in cols.cause_options:
        del cols.text["deviation"]
    return cols


def is_monitoring_table(reader: SheetReader, table: Table | None) -> bool:
    if table is None:
        return False
    cols = monitor_columns(reader, table)
    return "likelihood" in cols.text or bool(cols.likelihood_options)


# ---------------------------------------------------------------- the form


def read_monitoring(reader: SheetReader, year_arg: int | None) -> ImportedForm:
    g = reader.grid
    name = required_name(reader)
    unit = required_unit(reader, L.MONITOR_UNIT)
    first = first_label_row(reader)
    year = reader.year(first, year_arg)
    m = Monitoring()
    empty: list[tuple[str, Hit]] = []
    value, pos, hit = reader.field(_SUPERVISOR)
    m.supervisor = reader.text(value, pos)
    if hit is not None and m.supervisor is None:
        empty.append((_SUPERVISOR[0], hit))
    m.as_of_month = _month(reader, first)
    _money_block(reader, m)
    m.goal_progress = _goal_progress(reader)
    for key, variants in (
        ("deviation_analysis", L.MONITOR_DEVIATION_ANALYSIS),
        ("measures", L.MONITOR_MEASURES),
        ("adjustment", L.MONITOR_ADJUSTMENT),
    ):
        setattr(m, key, _field_text(reader, variants))
    m.adjust_goals = _adjust(reader)
    table = find_table(reader)
    framework = "national"
    if table is None:
        reader.warn("没有找到绩效指标表（一级指标/二级指标/三级指标/年度指标值/完成情况）。")
    else:
        cols = monitor_columns(reader, table)
        m.indicators = [_indicator(reader, row, table, cols) for row in table_rows(reader, table)]
        framework = table_framework(table, m.indicators)
    if m.as_of_month is None:
        reader.warn("没有找到监控截至的月份（如“截至6月底”“1-7月执行数”），“截至月份”导入后为空。")
    report_empty(reader, empty)
    decl = monitoring_declaration(year, unit, name, framework, m)
    return ImportedForm(
        declaration=decl,
        kind=KIND_MONITORING,
        sheet=g.name,
        warnings=reader.warnings,
        empty_fields=[label for label, _ in empty],
    )


def monitoring_declaration(
    year: int, unit: str, name: str, framework: str, m: Monitoring
) -> Declaration:
    """The carrier of a monitoring form: identity, and the indicators and budget it states,
    so that a declaration created from it (when none is stored) has them."""
    return Declaration(
        year=year,
        unit=unit,
        name=name,
        framework=framework,
        year_budget=m.budget_initial,
        indicators=[
            Indicator(i.category, i.subcategory, i.name, i.target, i.direction)
            for i in m.indicators
        ],
        monitoring=m,
        created_from="monitoring",
    )


def _month(reader: SheetReader, first_label_row: int) -> int | None:
    for _, _, text in reader.title_rows(first_label_row):
        found = month_in(text)
        if found:
            return found
    value, pos, _ = reader.field(L.MONITOR_MONTH)
    if not is_blank(value):
        text = norm(reader.text(value, pos) or "").removesuffix("月底").removesuffix("月")
        if text.isdigit() and 1 <= int(text) <= 12:
            return int(text)
        found = month_in(str(value))
        if found:
            return found
        r, c = pos if pos else (None, None)
        raise reader.error(f"“截至月份”不是 1 到 12 的月份：“{reader.text(value, pos)}”", r, c)
    # A header of the money block or the table: 1-7月执行数, 截至6月底完成情况.
    for cell, key in sorted(reader.keys.items()):
        if reader.label_cells is not None and cell not in reader.label_cells:
            continue  # perfdesk's own layout: a value is never a header
        if len(key) <= 20 and ("执行" in key or "完成" in key or "支出" in key):
            found = month_in(key)
            if found:
                return found
    return None


# ---------------------------------------------------------------- money block


def _money_role(key: str) -> str | None:
    base = label_base(key)[0]
    if base in L.MONITOR_INITIAL:
        return "initial"
    if base in L.MONITOR_ADJUSTED:
        return "adjusted"
    if base in L.MONITOR_FORECAST or ("预计" in base and ("执行数" in base or "支出数" in base)):
        return "forecast"
    if base in L.MONITOR_EXPECTED:
        return "expected"
    if base in L.MONITOR_RATE or (base.endswith("执行率") and len(base) <= 12):
        return "rate"
    if base in L.MONITOR_SPENT or (
        len(base) <= 14 and base.endswith(("执行数", "支出数")) and "全年" not in base
    ):
        return "spent"
    return None


_FUND_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", L.MONITOR_ROW_TOTAL),
    ("appropriation", L.MONITOR_ROW_APPROPRIATION),
    ("carried_over", L.MONITOR_ROW_CARRIED),
    ("other", L.MONITOR_ROW_OTHER),
)
_WHAT = {
    "initial": "年初预算数",
    "adjusted": "调整后预算数",
    "spent": "执行数",
    "forecast": "全年预计执行数",
}


def _money_block(reader: SheetReader, m: Monitoring) -> None:
    """年初预算数 / 调整后预算数 / 1–X月执行数 / 全年预计执行数 columns over the 年度资金
    总额 / 其中：财政拨款 / 上年结转 / 其他资金 rows."""
    g = reader.grid
    by_row: dict[int, dict[str, tuple[int, str | None]]] = {}
    for (r, c), key in sorted(reader.keys.items()):
        role = _money_role(key)
        if role is None or (reader.label_cells is not None and (r, c) not in reader.label_cells):
            continue
        by_row.setdefault(r, {}).setdefault(role, (c, label_base(key)[1]))
    header = next(
        (
            (r, found)
            for r, found in sorted(by_row.items())
            if ("initial" in found or "adjusted" in found) and "spent" in found
        ),
        None,
    )
    if header is None:
        reader.warn("没有找到资金表（年初预算数/执行数），预算和执行数导入后为空。")
        return
    head_r, cols = header
    head_c = min(c for c, _ in cols.values())
    unit = next((u for _, u in cols.values() if u), None)
    if unit is None:
        hit = Hit(head_r, head_c, "", None)
        unit = reader.block_unit(hit) or _unit_left(reader, head_r, head_c) or reader.unit_note
    if unit is None:
        unit = "万元"
        reader.warn("资金表没有注明金额单位，按万元读取。", head_r, head_c)
    first = max(g.span(head_r, c)[2] for c, _ in cols.values()) + 1
    rows: dict[str, int] = {}
    for r in range(first, min(first + 8, g.height)):
        for c in range(0, head_c):
            if not g.is_owner(r, c):
                continue
            base = label_base(reader.label_key(r, c))[0]
            for key, row_labels in _FUND_ROWS:
                if base in row_labels and key not in rows:
                    rows[key] = r
    if "total" not in rows:
        # One row of amounts right under the headers, with no name of its own.
        rows["total"] = first

    def amounts(r: int) -> MonitorFundRow:
        found = MonitorFundRow()
        for role, what in _WHAT.items():
            if role in cols:
                c = cols[role][0]
                value = g.value(r, c)
                setattr(found, _FIELD[role], reader.amount(value, g.span(r, c)[:2], what, unit))
        return found

    total = amounts(rows["total"])
    m.budget_initial = total.initial
    m.budget_adjusted = total.adjusted
    m.spent_to_date = total.spent_to_date
    m.forecast_spent = total.forecast
    funds = MonitorFunds()
    for key in ("appropriation", "carried_over", "other"):
        if key in rows:
            row = amounts(rows[key])
            if row != MonitorFundRow():
                setattr(funds, key, row)
    m.funds = funds if funds != MonitorFunds() else None


_FIELD = {
    "initial": "initial",
    "adjusted": "adjusted",
    "spent": "spent_to_date",
    "forecast": "forecast",
}


def _unit_left(reader: SheetReader, r: int, c: int) -> str | None:
    """The unit of a block label on the header's own row, left of it: 项目资金（万元）."""
    for cc in range(c - 1, -1, -1):
        unit = label_base(reader.key(r, cc))[1]
        if unit:
            return unit
    return None


# ---------------------------------------------------------------- texts


def _goal_progress(reader: SheetReader) -> str | None:
    value, pos, _ = reader.field(L.MONITOR_GOAL)
    if not is_blank(value):
        return reader.text(value, pos)
    # 年度总体目标 | 年初设定目标 | 1-7月执行情况 | 全年预计完成情况: the values under the headers.
    g = reader.grid
    for hit in reader.hits(L.MONITOR_GOAL_BLOCK):
        r0, _, r1, c1 = g.span(hit.r, hit.c)
        for c in range(c1 + 1, len(g.rows[r0])):
            if g.is_owner(r0, c) and _is_progress(reader.key(r0, c)):
                v, p = reader.below(r0, c)
                return reader.text(v, p)
    return None


# The form's own footnote (注：1.完成目标可能性…) under the last row is not that row's value.
_NOTE_STARTS = ("注:", "注：", "说明:", "说明：", "填表说明", "备注:", "备注：")


def _field_text(reader: SheetReader, variants: tuple[str, ...]) -> str | None:
    value, pos, hit = reader.field(variants)
    text = reader.text(value, pos)
    below = hit is not None and pos is not None and pos[0] > reader.grid.span(hit.r, hit.c)[2]
    if text is not None and below and text.lstrip().startswith(_NOTE_STARTS):
        return None
    return text


def _adjust(reader: SheetReader) -> bool | None:
    value, pos, hit = reader.field(L.MONITOR_ADJUST)
    text = reader.text(value, pos)
    if text is None:
        return None
    chosen, marked = parse_choices(text, ("是", "否"))
    if len(chosen) == 1:
        return chosen[0] == "是"
    if marked and not chosen:
        return None  # □是 □否: not answered
    r, c = pos if pos else (None, None)
    raise reader.error(f"“是否需要调整绩效目标”应为 是 或 否：“{text}”", r, c)


# ---------------------------------------------------------------- indicator rows


def _indicator(
    reader: SheetReader, row: Row, table: Table, cols: MonitorColumns
) -> MonitorIndicator:
    g = reader.grid

    def text(role: str) -> str | None:
        c = cols.text.get(role)
        if c is None:
            return None
        r0, c0, _, _ = g.span(row.r, c)
        return reader.text(g.value(row.r, c), (r0, c0))

    ind = MonitorIndicator(
        category=category_text(reader, row, "category"),
        subcategory=category_text(reader, row, "subcategory"),
        name=reader.text(row.cells.get("name"), row.pos.get("name")),
        target=row_target(reader, row, table),
        progress=text("progress"),
        forecast=text("forecast"),
        remedy=text("remedy"),
        remarks=text("remarks"),
    )
    deviation = text("deviation")
    if deviation is None and "deviation" in table.cols and "deviation" not in cols.text:
        c = table.cols["deviation"]
        if c not in cols.cause_options:
            deviation = reader.text(row.cells.get("deviation"), row.pos.get("deviation"))
    ind.deviation = None if is_placeholder(deviation) else deviation
    ind.likelihood = _pick(
        reader, row, text("likelihood"), cols.likelihood_options, L.LIKELIHOOD_WORDS,
        LIKELIHOODS, "完成目标可能性", cols.text.get("likelihood"),
    )  # fmt: skip
    cause_text = text("cause")
    ind.cause = _pick(
        reader, row, cause_text, cols.cause_options, L.CAUSE_WORDS, CAUSES, "原因类型",
        cols.text.get("cause"), strict=False,
    )  # fmt: skip
    if cols.cause_options:
        # Text written into a cause column (rather than a tick) is the analysis itself.
        for c in cols.cause_options:
            note = reader.text(g.value(row.r, c), g.span(row.r, c)[:2])
            if note and norm(note) not in _CHECKED and ind.deviation is None:
                ind.deviation = note
    return ind


def _pick(
    reader: SheetReader,
    row: Row,
    text: str | None,
    option_cols: dict[int, str],
    words: dict[str, str],
    allowed: tuple[str, ...],
    what: str,
    col: int | None,
    *,
    strict: bool = True,
) -> str | None:
    """One option of a group: text or a checkbox group in one cell, or the ticked one of
    the option columns."""
    g = reader.grid
    if option_cols:
        ticked = [
            option
            for c, option in option_cols.items()
            if not is_blank(g.value(row.r, c)) and not is_placeholder(g.value(row.r, c))
        ]  # fmt: skip
        ticked = list(dict.fromkeys(ticked))
        if len(ticked) > 1:
            reader.warn(f"“{what}”勾选了多项：{CHOICE_JOINER.join(ticked)}，已取第一项。", row.r,
                        min(option_cols))  # fmt: skip
        if ticked:
            return ticked[0]
    if text is None or is_placeholder(text):
        return None
    chosen, _ = parse_choices(text, tuple(sorted(words, key=len, reverse=True)))
    found = list(dict.fromkeys(words[c] for c in chosen))
    found = [f for f in found if f in allowed]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        reader.warn(f"“{what}”勾选了多项：{CHOICE_JOINER.join(found)}，已取第一项。", row.r, col)
        return found[0]
    if strict:
        raise reader.error(f"“{what}”应为 {'、'.join(allowed)} 之一：“{text}”", row.r, col)
    reader.warn(f"“{what}”“{text}”不是 {'、'.join(allowed)} 之一，未导入。", row.r, col)
    return None
