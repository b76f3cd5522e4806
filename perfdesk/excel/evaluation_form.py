"""Self-evaluation sheets (自评表, national in 万元 or Shanghai in 元) → Evaluation.

Stated scores are kept as ``score_override`` without a reason, so that
``serialize.apply_stated_scores`` keeps only those that differ from the rules' (with a
warning); a stated score on a qualitative indicator is the pick inside its tier's range.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from perfdesk.excel import labels as L
from perfdesk.excel.cells import is_blank
from perfdesk.excel.sheet import (
    KIND_EVALUATION,
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
from perfdesk.excel.values import (
    cell_text,
    norm,
    parse_number,
    percent_text,
)
from perfdesk.models.records import (
    LAYOUT_NATIONAL,
    LAYOUT_SHANGHAI,
    Declaration,
    EvalIndicator,
    Evaluation,
    FundRow,
    Funds,
    Indicator,
)
from perfdesk.models.scoring import score_evaluation, tier_range
from perfdesk.models.serialize import apply_stated_scores
from perfdesk.models.targets import parse_target


def row_eval_indicator(reader: SheetReader, row: Row, table: Table) -> EvalIndicator:
    target = row_target(reader, row, table)
    actual = reader.text(_as_percent(row.cells.get("actual"), target), row.pos.get("actual"))
    tier_text = reader.text(row.cells.get("tier"), row.pos.get("tier"))
    tier = L.TIER_WORDS.get(norm(tier_text or "")) or L.TIER_WORDS.get(norm(actual or ""))
    ind = EvalIndicator(
        category=category_text(reader, row, "category"),
        subcategory=category_text(reader, row, "subcategory"),
        name=reader.text(row.cells.get("name"), row.pos.get("name")),
        target=target,
        actual=actual,
        weight=reader.number(_points(row.cells.get("weight")), row.pos.get("weight"), "分值"),
        # A stated score without a reason: apply_stated_scores keeps it only if it differs.
        score_override=reader.number(row.cells.get("score"), row.pos.get("score"), "得分"),
        deviation=reader.text(row.cells.get("deviation"), row.pos.get("deviation")),
        tier=tier,
    )
    _qualitative_pick(ind)
    return ind


def _points(weight: object) -> object:
    """A 权重 written as a share of the 100 points ('20%', or 0.2 shown as 20%) is 20."""
    if isinstance(weight, str) and re.fullmatch(r"\s*\d+(?:\.\d+)?\s*[%％]\s*", weight):
        return weight.strip().rstrip("%％").strip()
    return weight


_PERCENT_TARGET = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def _as_percent(actual: object, target: str | None) -> object:
    """A bare fraction (0.97) as the actual of a percentage target (≥95%) is the cell's
    percentage whose format the file did not carry (.xls) or a fraction typed as such; a
    target under 10% (≤0.3%) is left alone, where 0.25 may well mean 0.25%."""
    if isinstance(actual, bool) or not isinstance(actual, (int, float)) or target is None:
        return actual
    m = _PERCENT_TARGET.search(target)
    if m and Decimal(m.group(1)) >= 10 and 0 < actual <= Decimal("1.5"):
        return percent_text(actual)
    return actual


# ---------------------------------------------------------------- self-evaluation form


def read_evaluation(reader: SheetReader, year_arg: int | None) -> ImportedForm:
    g = reader.grid
    name = required_name(reader)
    unit = required_unit(reader, L.EVAL_UNIT)
    year = reader.year(first_label_row(reader), year_arg)
    title = reader.title(first_label_row(reader))
    ev = Evaluation()
    empty: list[tuple[str, Hit]] = []
    value, pos, hit = reader.field(L.EVAL_SUPERVISOR)
    ev.supervisor = reader.text(value, pos)
    if hit is not None and ev.supervisor is None:
        empty.append((L.EVAL_SUPERVISOR[0], hit))
    money_unit = _money_block(reader, ev)
    if any(m in title for m in L.SHANGHAI_TITLE_MARKS) or money_unit == "元":
        ev.layout = LAYOUT_SHANGHAI
    else:
        ev.layout = LAYOUT_NATIONAL
    for h in reader.hits(L.EVAL_GOAL_EXPECTED):
        v, p = reader.below(h.r, h.c)
        if is_blank(v):
            v, p = reader.right_of(h)
        ev.goal_expected = reader.text(v, p)
        if ev.goal_expected is None:
            empty.append((L.EVAL_GOAL_EXPECTED[0], h))
        break
    for h in reader.hits(L.EVAL_GOAL_ACTUAL):
        v, p = reader.below(h.r, h.c)
        if is_blank(v):
            v, p = reader.right_of(h)
        ev.goal_actual = reader.text(v, p)
        if ev.goal_actual is None:
            empty.append((L.EVAL_GOAL_ACTUAL[0], h))
        break
    table = find_table(reader)
    framework = "national"
    if table is None:
        reader.warn("没有找到绩效指标表（一级指标/二级指标/三级指标/年度指标值/实际完成值）。")
    else:
        ev.indicators = [
            row_eval_indicator(reader, row, table) for row in table_rows(reader, table)
        ]
        framework = table_framework(table, ev.indicators)
    # The framework decides default weights, hence the rules' scores.
    reader.warn_scores(apply_stated_scores(ev, framework))
    if table is not None:
        _compare_total(reader, ev, table, framework)
    decl = evaluation_declaration(year, unit, name, framework, ev)
    report_empty(reader, empty)
    return ImportedForm(
        declaration=decl,
        kind=KIND_EVALUATION,
        sheet=g.name,
        warnings=reader.warnings,
        score_warnings=reader.score_warnings,
        empty_fields=[label for label, _ in empty],
    )


def evaluation_declaration(
    year: int, unit: str, name: str, framework: str, ev: Evaluation
) -> Declaration:
    """The carrier of an evaluation: identity, and the indicators and goal it states, so a
    declaration created from it (when none is stored) has them."""
    return Declaration(
        year=year,
        unit=unit,
        name=name,
        framework=framework,
        annual_goal=ev.goal_expected,
        indicators=[Indicator(i.category, i.subcategory, i.name, i.target) for i in ev.indicators],
        evaluation=ev,
        created_from="evaluation",
    )


_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", L.EVAL_ROW_TOTAL),
    ("appropriation", L.EVAL_ROW_APPROPRIATION),
    ("carried_over", L.EVAL_ROW_CARRIED),
    ("other", L.EVAL_ROW_OTHER),
)


def _money_block(reader: SheetReader, ev: Evaluation) -> str | None:
    """年初预算数 / 全年预算数 / 全年执行数 columns, 年度资金总额 … rows. Returns the unit.

    The header row is the first holding a 年初预算数, or a 全年预算数 and a 全年执行数
    together: county forms (衡山) print only 全年预算数（A） | 全年执行数（B） | 执行率（B/A）.
    """
    g = reader.grid
    by_row: dict[int, dict[str, Hit]] = {}
    for key, variants in (
        ("initial", L.EVAL_INITIAL),
        ("adjusted", L.EVAL_ADJUSTED),
        ("spent", L.EVAL_SPENT),
        ("rate", L.EVAL_RATE),
    ):
        for h in reader.hits(variants):
            found = by_row.setdefault(h.r, {})
            if key not in found or h.c < found[key].c:
                found[key] = h
    header = [
        found
        for _, found in sorted(by_row.items())
        if "initial" in found or ("adjusted" in found and "spent" in found)
    ]
    if not header:
        return None
    head = min(header[0].values(), key=lambda h: h.c)
    cols: dict[str, tuple[int, str | None]] = {k: (h.c, h.unit) for k, h in header[0].items()}
    for key, words in (("weight", L.IND_WEIGHT), ("score", L.IND_SCORE)):
        same_row = [h for v in words for h in reader.labels.get(v, []) if h.r == head.r]
        if same_row:
            cols[key] = (same_row[0].c, None)
    block = [h for h in reader.hits(L.EVAL_MONEY_BLOCK) if h.r <= head.r + 1]
    unit = head.unit or next((b.unit for b in block if b.unit), None) or reader.unit_note
    if unit is None:
        title = reader.title(head.r)
        unit = "元" if any(m in title for m in L.SHANGHAI_TITLE_MARKS) else "万元"
    first = max(g.span(head.r, c)[2] for c, _ in cols.values()) + 1
    left = min(c for c, _ in cols.values())
    rows: dict[str, int] = {}
    for r in range(first, min(first + 8, g.height)):
        for c in range(0, left):
            if not g.is_owner(r, c):
                continue
            base, _ = label_base(reader.label_key(r, c))
            for key, row_labels in _ROWS:
                if base in row_labels and key not in rows:
                    rows[key] = r
    unkept = [
        r
        for r in range(first, min(first + 8, g.height))
        for c in range(0, left)
        if g.is_owner(r, c) and label_base(reader.label_key(r, c))[0] in L.EVAL_ROW_UNKEPT
    ]
    if "total" not in rows:
        raise reader.error("自评表的资金表中没有“年度资金总额”行。", head.r, head.c)

    def cell(key: str, r: int, what: str) -> Decimal | None:
        if key not in cols:
            return None
        c, u = cols[key]
        return reader.amount(g.value(r, c), g.span(r, c)[:2], what, u or unit)

    t = rows["total"]
    ev.budget_initial = cell("initial", t, "年初预算数")
    ev.budget_adjusted = cell("adjusted", t, "全年预算数")
    ev.spent = cell("spent", t, "全年执行数")
    if "weight" in cols:
        c = cols["weight"][0]
        w = reader.number(g.value(t, c), g.span(t, c)[:2], "分值")
        if w is not None:
            ev.budget_weight = w
    if "rate" in cols and ev.spent is not None and ev.budget_adjusted:
        c = cols["rate"][0]
        stated_rate = _rate(g.value(t, c))
        rate = (ev.spent / ev.budget_adjusted).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if stated_rate is not None and abs(stated_rate - rate) > Decimal("0.0001"):
            reader.warn(
                f"表中执行率 {stated_rate * 100:.2f}% 与全年执行数/全年预算数 "
                f"{rate * 100:.2f}% 不同，以计算值为准。",
                t,
                c,
                score=True,
            )
    if "score" in cols and ev.spent is not None and ev.budget_adjusted:
        c = cols["score"][0]
        stated = reader.number(g.value(t, c), g.span(t, c)[:2], "得分")
        rate = min(ev.spent / ev.budget_adjusted, Decimal(1))
        computed = (ev.budget_weight * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if stated is not None and stated != computed:
            reader.warn(
                f"表中预算执行率得分 {stated} 与按规则计算的 {computed} 不同，以计算值为准。",
                t,
                c,
                score=True,
            )
    funds = Funds()
    for key in ("appropriation", "carried_over", "other"):
        if key in rows:
            r = rows[key]
            row = FundRow(
                cell("initial", r, "年初预算数"),
                cell("adjusted", r, "全年预算数"),
                cell("spent", r, "全年执行数"),
            )
            if row != FundRow():
                setattr(funds, key, row)
    ev.funds = funds if funds != Funds() else None
    for r in unkept:
        amounts = [cell(k, r, "金额") for k in ("initial", "adjusted", "spent")]
        if any(a for a in amounts):
            c = cols["initial"][0]
            reader.warn(
                f"资金表的“{reader.key(r, left - 1) or '资金'}”行有金额，自评表记录中没有这一行，"
                "未导入；年度资金总额仍按表中所填。",
                r,
                c,
            )
    return unit


def _compare_total(reader: SheetReader, ev: Evaluation, table: Table, framework: str) -> None:
    """A stated 总分 is not kept (it is derived); a different one is worth a warning."""
    c = table.cols.get("score")
    hits = [h for h in reader.hits(L.EVAL_TOTAL) if h.r > table.header_row]
    if c is None or not hits:
        return
    r = hits[0].r
    try:
        stated = parse_number(reader.grid.value(r, c))
    except ValueError:
        return
    sheet = score_evaluation(ev, framework)
    computed = sheet.total
    if stated is not None and computed is not None and stated != computed:
        reader.warn(
            f"表中总分 {stated} 与按规则计算的总分 {computed} 不同，以计算值为准。",
            r,
            c,
            score=True,
        )
    for hit in reader.hits(L.EVAL_GRADE):
        value, pos = reader.right_of(hit)
        grade = cell_text(value)
        if grade and sheet.grade and grade != sheet.grade and pos:
            reader.warn(
                f"表中自评等级“{grade}”与按总分评定的“{sheet.grade}”不同，以评定为准。",
                *pos,
                score=True,
            )
        break


def _rate(value: object) -> Decimal | None:
    """A stated 执行率: 0.95, '95%', '95.00%'; None when unreadable (it is derived anyway)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = norm(value)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%", text)
    return Decimal(m.group(1)) / 100 if m else None


def _qualitative_pick(ind: EvalIndicator) -> None:
    """A stated score on a qualitative indicator is the pick inside its tier's range, not an
    override; without a tier word on the sheet, the score's share of the weight names it."""
    score, weight = ind.score_override, ind.weight
    if score is None or not weight or parse_target(ind.target, ind.name).kind != "qualitative":
        return
    if ind.tier is None:
        share = score / weight
        ind.tier = (
            "达成"
            if share >= Decimal("0.8")
            else "部分达成"
            if share >= Decimal("0.6")
            else "未达成"
        )
    lo, hi = tier_range(ind.tier, weight)
    if lo <= score <= hi:
        ind.tier_score = score
        ind.score_override = None
