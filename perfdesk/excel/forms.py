"""Sheet grids → records: the bureau's forms found by their labels, never by addresses.

Three kinds of sheet are recognised (see ``classify``): a declaration form laid out like
the seed, a self-evaluation form (自评表, national or Shanghai; :mod:`excel_eval_form`), and
a flat list with one row per indicator that may hold many projects. Label lookups and
indicator tables are in :mod:`perfdesk.excel.sheet`. Everything a sheet cannot say is an
InputError naming file, sheet and cell; doubts that do not block are warnings.
"""

from __future__ import annotations

from decimal import Decimal

from perfdesk.excel import labels as L
from perfdesk.excel.cells import Grid, is_blank
from perfdesk.excel.evaluation_form import (
    evaluation_declaration,
    read_evaluation,
    row_eval_indicator,
)
from perfdesk.excel.monitoring_form import (
    is_monitoring_table,
    is_monitoring_title,
    read_monitoring,
)
from perfdesk.excel.monitoring_list import is_monitoring_list, read_monitoring_list
from perfdesk.excel.own_layout import own_label_cells
from perfdesk.excel.sheet import (
    KIND_DECLARATION,
    KIND_EVALUATION,
    KIND_MONITORING,
    Hit,
    ImportedForm,
    Row,
    SheetReader,
    Table,
    category_text,
    find_table,
    first_label_row,
    report_empty,
    required_name,
    required_unit,
    row_target,
    table_framework,
    table_rows,
)
from perfdesk.excel.values import (
    cell_text,
    norm,
    parse_choices,
    parse_date_range,
    parse_year,
)
from perfdesk.models.errors import InputError
from perfdesk.models.records import (
    CHOICE_JOINER,
    FUND_USES,
    LAYOUT_NATIONAL,
    PROJECT_TYPES,
    BudgetItem,
    Declaration,
    DeclarationFunds,
    Evaluation,
    Indicator,
    Signoff,
)
from perfdesk.models.serialize import apply_stated_scores

# ---------------------------------------------------------------- classification


def classify(reader: SheetReader) -> str | None:
    if is_monitoring_list(reader):
        return "monitoring_list"
    table = find_table(reader)
    if table and "list_name" in table.cols:
        return "list"
    title = reader.title(table.header_row if table else reader.grid.height)
    # The form's own title, above its first field: the text above the indicator table also
    # holds the values of the fields (a sub-project named 监控时点 is not a monitoring form).
    heading = reader.title(first_label_row(reader))
    if reader.hits(L.DECLARATION_FIELDS["name"]) and (
        is_monitoring_title(heading) or is_monitoring_table(reader, table)
    ):
        return KIND_MONITORING
    evaluation = (
        any(m in title for m in L.EVAL_TITLE_MARKS)
        or (bool(reader.hits(L.EVAL_INITIAL)) and bool(reader.hits(L.EVAL_SPENT)))
        or (table is not None and "actual" in table.cols)
    )
    if evaluation and reader.hits(L.DECLARATION_FIELDS["name"]):
        return KIND_EVALUATION
    if reader.hits(L.DECLARATION_FIELDS["name"]):
        return KIND_DECLARATION
    return None


# ---------------------------------------------------------------- declaration form


def read_declaration(reader: SheetReader, year_arg: int | None) -> ImportedForm:
    F = L.DECLARATION_FIELDS
    name = required_name(reader)
    unit = required_unit(reader, F["unit"])
    year = reader.year(first_label_row(reader), year_arg)
    decl = Declaration(year=year, unit=unit, name=name)
    empty: list[tuple[str, Hit]] = []
    for key, variants in F.items():
        if key in ("unit", "name"):
            continue
        value, pos, hit = reader.field(variants)
        label = variants[0]
        if hit is not None and is_blank(value) and key not in L.CHOICE_FIELDS:
            empty.append((label, hit))
        if key in L.MONEY_FIELDS:
            money_unit = (
                (hit.unit if hit else None)
                or _unit_beside(reader, pos)
                or (reader.block_unit(hit) if hit else None)
            )
            setattr(decl, key, reader.amount(value, pos, label, money_unit))
        elif key in L.DATE_FIELDS:
            setattr(decl, key, reader.date(value, pos, label))
        elif key in L.CHOICE_FIELDS:
            setattr(
                decl,
                key,
                _choice(reader, hit, PROJECT_TYPES if key == "project_type" else FUND_USES, label),
            )
        else:
            setattr(decl, key, reader.text(value, pos))
    if decl.start_date is None and decl.end_date is None:
        value, pos, hit = reader.field(L.DATE_RANGE_LABELS)
        if hit is not None and is_blank(value):
            empty.append((L.DATE_RANGE_LABELS[0], hit))
        if hit is not None:
            empty = [(lab, h) for lab, h in empty if lab not in ("开始时间", "结束时间")]
        decl.start_date, decl.end_date = reader.read(
            parse_date_range,
            value,
            pos,
            L.DATE_RANGE_LABELS[0],
            "起止日期（应为 2024年1月-2024年12月 的形式）",
        )
    _national_rows(reader, decl)
    decl.budget_items = _budget_items(reader)
    table = find_table(reader)
    if table is not None:
        for row in table_rows(reader, table):
            decl.indicators.append(
                Indicator(
                    category=category_text(reader, row, "category"),
                    subcategory=category_text(reader, row, "subcategory"),
                    name=reader.text(row.cells.get("name"), row.pos.get("name")),
                    target=row_target(reader, row, table),
                )
            )
        decl.framework = table_framework(table, decl.indicators)
    else:
        reader.warn(
            "没有找到绩效指标表（分解目标内容/绩效指标/指标目标值"
            " 或 一级指标/二级指标/三级指标/指标值）。"
        )
    decl.signoff = _signoff(reader)
    report_empty(reader, empty)
    return ImportedForm(
        declaration=decl,
        kind=KIND_DECLARATION,
        sheet=reader.grid.name,
        warnings=reader.warnings,
        empty_fields=[label for label, _ in empty],
    )


def _national_rows(reader: SheetReader, decl: Declaration) -> None:
    """主管部门 and the 项目资金 rows 其中：财政拨款 / 其他资金 (forms.md §1), when the form has
    them; a form without them leaves the record without them."""
    value, pos, hit = reader.field(L.SUPERVISOR_LABELS)
    if hit is not None:
        decl.supervisor = reader.text(value, pos)
    amounts: dict[str, Decimal | None] = {}
    for key, variants in L.DECLARATION_FUND_ROWS.items():
        value, pos, hit = reader.field(variants)
        if hit is None:
            continue
        unit = hit.unit or _unit_beside(reader, pos) or reader.block_unit(hit)
        try:
            amounts[key] = reader.amount(value, pos, variants[0], unit)
        except InputError:
            # Rows the record can do without: a form that writes a note there (6923.3552万元
            # （其中：上级…) is still imported, and the clerk told what was left out.
            where = pos or (hit.r, hit.c)
            reader.warn(
                f"“{variants[0]}”的内容“{cell_text(value)}”不是金额，未作为项目资金读取，请核对。",
                *where,
            )
    if any(v is not None for v in amounts.values()):
        decl.funds = DeclarationFunds(**amounts)


def _unit_beside(reader: SheetReader, pos: tuple[int, int] | None) -> str | None:
    """'项目当年预算 | 120 | 万元': the unit in a cell of its own right after the amount."""
    if pos is None:
        return None
    g = reader.grid
    _, _, _, c1 = g.span(*pos)
    text = norm(g.value(pos[0], c1 + 1))
    return text.strip("()") if text.strip("()") in ("元", "万元", "亿元") else None


def _choice(
    reader: SheetReader, hit: Hit | None, options: tuple[str, ...], label: str
) -> str | None:
    """A checkbox group: every cell right of the label over the label's rows."""
    if hit is None:
        return None
    g = reader.grid
    where = (hit.r, hit.c)
    if hit.inline is not None:
        parts = [str(hit.inline)]
    else:
        r0, c0, r1, c1 = g.span(hit.r, hit.c)
        # Options may run on below an unmerged label, in rows whose label cell is blank.
        while r1 + 1 < min(g.height, r0 + 12) and g.is_owner(r1 + 1, c0) and g.is_empty(r1 + 1, c0):
            r1 += 1
        parts = []
        for r in range(r0, r1 + 1):
            for c in range(c1 + 1, len(g.rows[r]) if r < g.height else 0):
                if g.is_owner(r, c) and not is_blank(g.raw(r, c)):
                    if reader.is_label(r, c):
                        break
                    if not parts:
                        where = (r, c)
                    parts.append(str(reader.text(g.raw(r, c), (r, c))))
    text = " ".join(parts)
    if not text.strip():
        return None
    chosen, marked = parse_choices(text, options)
    if not chosen:
        if not marked:
            reader.warn(f"“{label}”的内容“{text}”不是可选的类型之一，已原样保留。", *where)
            return text.strip()
        return None
    if len(chosen) > 1:
        reader.warn(f"“{label}”勾选了多项：{CHOICE_JOINER.join(chosen)}。", *where)
    return CHOICE_JOINER.join(chosen)


def _budget_items(reader: SheetReader) -> list[BudgetItem]:
    g = reader.grid
    blocks = reader.hits(L.BUDGET_BLOCK)
    names = reader.hits(L.BUDGET_ITEM_NAME)
    amounts = reader.hits(L.BUDGET_ITEM_AMOUNT)
    if not names or not amounts:
        return []
    block = blocks[0] if blocks else None
    head = names[0]
    if block is not None:
        br0, _, br1, _ = g.span(block.r, block.c)
        near = [h for h in names if br0 - 1 <= h.r <= br1 and h.c > block.c]
        head = near[0] if near else head
    amount = next(
        (a for a in amounts if g.span(a.r, a.c)[0] <= head.r <= g.span(a.r, a.c)[2]), None
    )
    if amount is None:
        return []
    last = g.height - 1
    if block is not None and g.span(block.r, block.c)[2] > head.r:
        last = g.span(block.r, block.c)[2]
    items: list[BudgetItem] = []
    r = g.span(head.r, head.c)[2] + 1
    while r <= last and r < g.height:
        left_label = any(
            g.is_owner(r, c) and not is_blank(g.raw(r, c)) and reader.is_label(r, c)
            for c in range(0, head.c)
        )
        if left_label and (block is None or r > g.span(block.r, block.c)[2]):
            break
        n_span = g.span(r, head.c)
        a_span = g.span(r, amount.c)
        name = reader.text(g.value(r, head.c), n_span[:2])
        value = g.value(r, amount.c)
        if name is None and is_blank(value):
            if block is None:
                break
            r += 1
            continue
        # A bureau's 合计 row sums the items; perfdesk's own export writes none, so there a
        # sub-project named 合计 is one.
        if name and norm(name) in L.TOTAL_ROWS and reader.label_cells is None:
            r += 1
            continue
        items.append(
            BudgetItem(name=name, amount=reader.amount(value, a_span[:2], "预算金额", amount.unit))
        )
        r = max(n_span[2], r) + 1
    return items


def _signoff(reader: SheetReader) -> Signoff | None:
    so = Signoff()
    for key, variants in L.SIGNOFF_FIELDS.items():
        value, pos, _ = reader.field(variants)
        if key == "date":
            so.date = reader.date(value, pos, variants[0])
        else:
            setattr(so, key, reader.text(value, pos))
    if so == Signoff():
        return None
    return so


# ---------------------------------------------------------------- flat list


def read_list(reader: SheetReader, year_arg: int | None) -> list[ImportedForm]:
    g = reader.grid
    table = find_table(reader)
    assert table is not None
    cols = table.cols
    is_eval = "actual" in cols or "score" in cols
    sheet_year: int | None = None
    sheet_unit: str | None = None
    if "list_unit" not in cols:
        value, pos, _ = reader.field(L.DECLARATION_FIELDS["unit"])
        sheet_unit = reader.text(value, pos)
    groups: dict[tuple[int, str, str], list[Row]] = {}
    for row in table_rows(reader, table):
        name = reader.text(row.cells.get("list_name"), row.pos.get("list_name"))
        if name is None:
            r, c = row.r, cols["list_name"]
            raise reader.error("这一行没有项目名称，无法判断属于哪个项目。", r, c)
        unit = (
            reader.text(row.cells.get("list_unit"), row.pos.get("list_unit"))
            if "list_unit" in cols
            else sheet_unit
        )
        if unit is None:
            c = cols.get("list_unit", cols["list_name"])
            raise reader.error(
                "没有申报/实施单位名称（需要“单位”列或表头的“申报单位：…”），无法导入。", row.r, c
            )
        if "list_year" in cols and not is_blank(row.cells.get("list_year")):
            year = reader.read(
                parse_year, row.cells["list_year"], row.pos["list_year"], "年度", "年份"
            )
            assert year is not None
        else:
            if sheet_year is None:
                sheet_year = reader.year(table.header_row, year_arg)
            year = sheet_year
        groups.setdefault((year, unit, name), []).append(row)
    forms: list[ImportedForm] = []
    for (year, unit, name), rows in groups.items():
        reader.warnings = []
        reader.score_warnings = []
        if is_eval:
            ev = Evaluation(layout=LAYOUT_NATIONAL)
            ev.indicators = [row_eval_indicator(reader, row, table) for row in rows]
            sup = rows[0].cells.get("supervisor")
            ev.supervisor = reader.text(sup, rows[0].pos.get("supervisor"))
            framework = table_framework(table, ev.indicators)
            reader.warn_scores(apply_stated_scores(ev, framework))
            decl = evaluation_declaration(year, unit, name, framework, ev)
            kind = KIND_EVALUATION
        else:
            decl = Declaration(year=year, unit=unit, name=name)
            _list_project_fields(reader, table, rows, decl)
            decl.indicators = [
                Indicator(
                    category=category_text(reader, row, "category"),
                    subcategory=category_text(reader, row, "subcategory"),
                    name=reader.text(row.cells.get("name"), row.pos.get("name")),
                    target=row_target(reader, row, table),
                )
                for row in rows
            ]
            decl.framework = table_framework(table, decl.indicators)
            kind = KIND_DECLARATION
        forms.append(
            ImportedForm(
                declaration=decl,
                kind=kind,
                sheet=g.name,
                warnings=list(reader.warnings),
                score_warnings=list(reader.score_warnings),
            )
        )
    if not forms:
        raise reader.error("清单表中没有任何指标行。", table.header_row, min(cols.values()))
    return forms


def _list_project_fields(
    reader: SheetReader, table: Table, rows: list[Row], decl: Declaration
) -> None:
    """A list's per-project columns (预算数, 年度目标): stated once per project, on its
    first row or on every row; two different values are reported, the first is kept."""
    for role in ("list_budget", "list_goal"):
        c = table.cols.get(role)
        if c is None:
            continue
        found: list[tuple[object, tuple[int, int]]] = []
        for row in rows:
            v = row.cells.get(role)
            if not is_blank(v) and all(v != seen for seen, _ in found):
                found.append((v, row.pos[role]))
        if not found:
            continue
        value, pos = found[0]
        header = reader.grid.value(table.header_row, c)
        if role == "list_budget":
            unit = table.units.get(c)
            decl.year_budget = reader.amount(value, pos, norm(header) or "预算数", unit)
        else:
            decl.annual_goal = reader.text(value, pos)
        if len(found) > 1:
            reader.warn(
                f"同一项目“{decl.name}”的“{norm(header)}”有不同的值，已取第一个。", *found[1][1]
            )


# ---------------------------------------------------------------- sheet entry


def _is_summary(grid: Grid) -> bool:
    """The 项目汇总 sheet of perfdesk's own year summary (``perfdesk summary``): its first row
    is that sheet's header. Its 项目名称 column would otherwise read as an empty form. (Its
    绩效指标 sheet, on its own, is an indicator list and imports as one.)"""
    first = [v.strip() if isinstance(v, str) else v for v in grid.rows[0]] if grid.rows else []
    if first[:1] != ["编号"]:
        return False  # the layouts (an import of the export side) only when it may be one
    from perfdesk.excel.layouts import SUMMARY_PROJECT_COLUMNS

    return first[: len(SUMMARY_PROJECT_COLUMNS)] == [c.header for c in SUMMARY_PROJECT_COLUMNS]


def _is_monitoring_summary(grid: Grid) -> bool:
    """The 运行监控 sheet of perfdesk's own year summary: a view of the stored forms, which
    would otherwise read as a flat monitoring list of unknown units."""
    from perfdesk.excel.layouts import SUMMARY_MONITORING_COLUMNS

    first = [v.strip() if isinstance(v, str) else v for v in grid.rows[0]] if grid.rows else []
    return first[: len(SUMMARY_MONITORING_COLUMNS)] == [
        c.header for c in SUMMARY_MONITORING_COLUMNS
    ]


def read_sheet(
    grid: Grid, filename: str, year_arg: int | None
) -> tuple[list[ImportedForm], str | None]:
    """The records on one sheet, or ([], kind None) when it holds no form."""
    if _is_monitoring_summary(grid):
        return [], None
    reader = SheetReader(grid, filename, own_label_cells(grid))
    if _is_summary(grid):
        raise reader.error(
            "这是 perfdesk 导出的年度汇总表，只供查看和上报，不能作为申报表或自评表导入；"
            "请导入各项目的申报表或自评表。",
            0,
            0,
        )
    kind = classify(reader)
    if kind == "monitoring_list":
        return read_monitoring_list(reader, year_arg), kind
    if kind == "list":
        return read_list(reader, year_arg), kind
    if kind == KIND_EVALUATION:
        return [read_evaluation(reader, year_arg)], kind
    if kind == KIND_MONITORING:
        return [read_monitoring(reader, year_arg)], kind
    if kind == KIND_DECLARATION:
        return [read_declaration(reader, year_arg)], kind
    return [], None
