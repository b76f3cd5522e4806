"""Sheet grids → records: the bureau's forms found by their labels, never by addresses.

Three kinds of sheet are recognised (see ``classify``): a declaration form laid out like
the seed, a self-evaluation form (自评表, national or Shanghai), and a flat list with one
row per indicator that may hold many projects. Everything a sheet cannot say is an
InputError naming file, sheet and cell; doubts that do not block are warnings.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from perfdesk import form_labels as L
from perfdesk.excel_read import Grid, Unresolved, addr, is_blank
from perfdesk.excel_values import (
    cell_text,
    norm,
    parse_amount,
    parse_choices,
    parse_date,
    parse_number,
    parse_year,
    split_unit,
    unit_factor,
    year_in_name,
    year_in_title,
)
from perfdesk.models.errors import InputError
from perfdesk.models.records import (
    CHOICE_JOINER,
    FUND_USES,
    LAYOUT_NATIONAL,
    LAYOUT_SHANGHAI,
    PROJECT_TYPES,
    BudgetItem,
    Declaration,
    EvalIndicator,
    Evaluation,
    FundRow,
    Funds,
    Indicator,
    Signoff,
)
from perfdesk.models.scoring import score_evaluation, tier_range
from perfdesk.models.serialize import apply_stated_scores
from perfdesk.models.targets import join_split_target, parse_target

T = TypeVar("T")

KIND_DECLARATION = "declaration"
KIND_EVALUATION = "evaluation"


@dataclass
class ImportedForm:
    """One record found in a workbook (a form sheet, or one project of a list sheet)."""

    declaration: Declaration
    kind: str  # "declaration" | "evaluation"
    sheet: str
    warnings: list[str] = field(default_factory=list)


def _all_labels() -> frozenset[str]:
    groups: list[Iterable[str]] = [v for v in L.DECLARATION_FIELDS.values()]
    groups += [v for v in L.SIGNOFF_FIELDS.values()]
    groups += [
        L.YEAR_LABELS, L.BUDGET_BLOCK, L.BUDGET_ITEM_NAME, L.EVAL_SUPERVISOR, L.EVAL_UNIT,
        L.EVAL_MONEY_BLOCK, L.EVAL_INITIAL, L.EVAL_ADJUSTED, L.EVAL_SPENT, L.EVAL_GOAL_EXPECTED,
        L.EVAL_GOAL_ACTUAL, L.EVAL_TOTAL, L.EVAL_GRADE, L.TABLE_END, ("分解目标",),
    ]  # fmt: skip
    return frozenset(x for g in groups for x in g)


ALL_LABELS = _all_labels()
_INLINE = re.compile(
    "("
    + "|".join(re.escape(x) for x in sorted(ALL_LABELS, key=len, reverse=True))
    + r")\s*(?:\((万元|元)\))?\s*:"
)


@dataclass
class Hit:
    """A label found on the sheet: where, with the unit it names and any inline value."""

    r: int
    c: int
    text: str  # normalised label without unit
    unit: str | None
    inline: object = None  # '申报单位名称：XX' holds its value in the same cell


@dataclass
class Table:
    """An indicator table: header columns by role and the first data row."""

    header_row: int
    first_row: int
    cols: dict[str, int]
    national: bool


class SheetReader:
    """Label lookups and typed reads on one grid, with errors naming the cell."""

    def __init__(self, grid: Grid, filename: str) -> None:
        self.grid = grid
        self.filename = filename
        self.warnings: list[str] = []
        self.labels: dict[str, list[Hit]] = {}
        self.unit_note: str | None = None
        # Normalised text of every filled owner cell: labels are looked up many times.
        self.keys: dict[tuple[int, int], str] = {}
        self._table: Table | None | bool = False
        self.inline_cells: set[tuple[int, int]] = set()
        for r, row in enumerate(grid.rows):
            for c, v in enumerate(row):
                if not isinstance(v, str) or is_blank(v) or not grid.is_owner(r, c):
                    continue
                key = norm(v)
                self.keys[(r, c)] = key
                if ":" in key:
                    self._inline(r, c, v)
                if len(key) > 40:
                    continue  # long text is a value, never a label
                base, unit = split_unit(key)
                base = base.removeprefix("其中:")
                self.labels.setdefault(base, []).append(Hit(r, c, base, unit))
                m = re.fullmatch(r"(?:金额)?单位:(万元|元)", key)
                if m:
                    self.unit_note = m.group(1)

    def _inline(self, r: int, c: int, raw: str) -> None:
        """'申报单位名称：XX' or '单位负责人：张三  填表人：李四' — labels with their values in
        one cell; only when the cell starts with a known label."""
        text = unicodedata.normalize("NFKC", raw).strip()
        found = list(_INLINE.finditer(text))
        if not found or found[0].start() != 0:
            return
        self.inline_cells.add((r, c))
        for n, m in enumerate(found):
            end = found[n + 1].start() if n + 1 < len(found) else len(text)
            value = text[m.end() : end].strip()
            if value:
                hit = Hit(r, c, m.group(1), m.group(2), inline=value)
                self.labels.setdefault(m.group(1), []).append(hit)

    # ------------------------------------------------------------ errors

    def error(self, reason: str, r: int | None = None, c: int | None = None) -> InputError:
        cell = addr(r, c) if r is not None and c is not None else None
        return InputError(reason, file=self.filename, sheet=self.grid.name, cell=cell)

    def warn(self, text: str, r: int | None = None, c: int | None = None) -> None:
        where = self.grid.label() + (f" {addr(r, c)}" if r is not None and c is not None else "")
        self.warnings.append(f"{where}：{text}")

    # ------------------------------------------------------------ lookups

    def hits(self, variants: Iterable[str]) -> list[Hit]:
        out: list[Hit] = []
        for v in variants:
            out += self.labels.get(v, [])
        return out

    def key(self, r: int, c: int) -> str:
        """The normalised text shown at (r, c) ('' for numbers and blanks)."""
        r0, c0, _, _ = self.grid.span(r, c)
        return self.keys.get((r0, c0), "")

    def is_label(self, r: int, c: int, *, inline: bool = False) -> bool:
        """A label cell; with ``inline``, also a cell starting 'label：value' (not used to the
        right of a label, where a long text may well start that way)."""
        if inline and self.grid.span(r, c)[:2] in self.inline_cells:
            return True
        base, _ = split_unit(self.key(r, c))
        base = base.removeprefix("其中:")
        return base in ALL_LABELS or base in ROLE_INDEX

    def right_of(self, hit: Hit) -> tuple[object, tuple[int, int]]:
        """The value to the right of a label (beyond its merge), or None when the next
        filled cell is another label."""
        if hit.inline is not None:
            return hit.inline, (hit.r, hit.c)
        g = self.grid
        r0, _, _, c1 = g.span(hit.r, hit.c)
        col = c1 + 1
        width = g.width
        while col < width:
            rr, cc, _, ce = g.span(r0, col)
            v = g.value(r0, col)
            if not is_blank(v):
                if self.is_label(rr, cc):
                    return None, (r0, c1 + 1)
                return v, (rr, cc)
            col = ce + 1
        return None, (r0, c1 + 1)

    def _alone(self, hit: Hit) -> bool:
        g = self.grid
        r0, _, _, c1 = g.span(hit.r, hit.c)
        row = g.rows[r0] if r0 < g.height else []
        return all(is_blank(g.value(r0, c)) for c in range(c1 + 1, len(row)))

    def below(self, r: int, c: int, limit: int = 3) -> tuple[object, tuple[int, int]]:
        g = self.grid
        _, _, r1, _ = g.span(r, c)
        row = r1 + 1
        for _ in range(limit):
            if row >= g.height:
                break
            rr, cc, re_, _ = g.span(row, c)
            v = g.value(row, c)
            if not is_blank(v):
                return (None, (rr, cc)) if self.is_label(rr, cc, inline=True) else (v, (rr, cc))
            row = re_ + 1
        return None, (r1 + 1, c)

    def field(self, variants: Iterable[str]) -> tuple[object, tuple[int, int] | None, Hit | None]:
        """First label (in variant order, then top to bottom) with a value; else the first
        label found with None."""
        found = self.hits(variants)
        for hit in found:
            v, pos = self.right_of(hit)
            if not is_blank(v):
                return v, pos, hit
        for hit in found:
            # A label alone on its row may have its value below it.
            if hit.inline is None and self._alone(hit):
                v, pos = self.below(hit.r, hit.c)
                if not is_blank(v):
                    return v, pos, hit
        if found:
            return None, None, found[0]
        return None, None, None

    # ------------------------------------------------------------ typed reads

    def check(self, value: object, pos: tuple[int, int] | None) -> object:
        if isinstance(value, Unresolved):
            r, c = pos if pos else (None, None)
            raise self.error(
                f"公式“{value.formula}”没有保存计算结果，且不是简单求和，无法读取；"
                "请在 Excel/WPS 中打开并保存后再导入。",
                r,
                c,
            )
        return value

    def text(self, value: object, pos: tuple[int, int] | None = None) -> str | None:
        return cell_text(self.check(value, pos))

    def read(
        self,
        fn: Callable[[object], T],
        value: object,
        pos: tuple[int, int] | None,
        what: str,
        kind: str,
    ) -> T:
        value = self.check(value, pos)
        try:
            return fn(value)
        except (ValueError, ArithmeticError):
            r, c = pos if pos else (None, None)
            raise self.error(f"“{what}”不是{kind}：“{cell_text(value)}”", r, c) from None

    def amount(
        self, value: object, pos: tuple[int, int] | None, what: str, unit: str | None
    ) -> Decimal | None:
        factor = unit_factor(unit or self.unit_note)
        return self.read(lambda v: parse_amount(v, factor), value, pos, what, "金额")

    def date(self, value: object, pos: tuple[int, int] | None, what: str) -> dt.date | None:
        return self.read(
            parse_date, value, pos, what, "日期（应为 2019-1-1 或 2019年1月1日 的形式）"
        )

    def number(self, value: object, pos: tuple[int, int] | None, what: str) -> Decimal | None:
        return self.read(parse_number, value, pos, what, "数字")

    # ------------------------------------------------------------ year

    def title_rows(self, until: int) -> Iterable[tuple[int, int, str]]:
        for r in range(min(until, self.grid.height)):
            for c, v in enumerate(self.grid.rows[r]):
                if isinstance(v, str) and v.strip() and self.grid.is_owner(r, c):
                    yield r, c, v

    def year(self, first_label_row: int, year_arg: int | None) -> int:
        for _, _, text in self.title_rows(first_label_row):
            y = year_in_title(text)
            if y:
                return y
        value, pos, _ = self.field(L.YEAR_LABELS)
        if not is_blank(value):
            return self.read(parse_year, value, pos, "年度", "年份")  # type: ignore[return-value]
        for source in (self.grid.name, self.filename):
            y = year_in_name(source)
            if y:
                return y
        if year_arg is not None:
            return year_arg
        raise self.error(
            "表中没有写明年度（标题中的“（2019年）”、“年度”栏或表名/文件名中的年份），"
            "请用 --year 指定年度后再导入。"
        )

    def title(self, until: int) -> str:
        return " ".join(t for _, _, t in self.title_rows(until))


# ---------------------------------------------------------------- indicator tables


def _role_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for role, variants in (
        ("category", L.IND_CATEGORY),
        ("subcategory", L.IND_SUBCATEGORY),
        ("name", L.IND_NAME),
        ("target", L.IND_TARGET),
        ("nature", L.IND_NATURE),
        ("munit", L.IND_UNIT),
        ("actual", L.IND_ACTUAL),
        ("weight", L.IND_WEIGHT),
        ("score", L.IND_SCORE),
        ("deviation", L.IND_DEVIATION),
        ("tier", L.IND_TIER),
        ("list_name", L.LIST_NAME),
        ("list_unit", L.LIST_UNIT),
        ("list_year", L.LIST_YEAR),
        ("supervisor", L.LIST_SUPERVISOR),
    ):
        for rank, variant in enumerate(variants):
            index.setdefault(variant, (role, rank))
    return index


ROLE_INDEX = _role_index()


def _role_of(key: str) -> tuple[str, int] | None:
    return ROLE_INDEX.get(split_unit(key)[0])


def _header_roles(reader: SheetReader, r: int) -> dict[str, int]:
    """Columns of a header row by role; where two cells claim a role the more specific
    variant wins (三级指标 over a 绩效指标 block label beside the table)."""
    g = reader.grid
    best: dict[str, tuple[int, int]] = {}
    if r >= g.height:
        return {}
    for c in range(len(g.rows[r])):
        if not g.is_owner(r, c):
            continue
        found = _role_of(reader.keys.get((r, c), ""))
        if found is None:
            continue
        role, rank = found
        if role not in best or rank < best[role][0]:
            best[role] = (rank, c)
    return {role: c for role, (_, c) in best.items()}


def find_table(reader: SheetReader) -> Table | None:
    """The first row that heads an indicator table (name and target columns at least)."""
    if reader._table is False:
        reader._table = _find_table(reader)
    assert reader._table is not True and reader._table is not False
    return reader._table


def _find_table(reader: SheetReader) -> Table | None:
    g = reader.grid
    for r in range(g.height):
        roles = _header_roles(reader, r)
        if "name" not in roles or not ({"target", "category"} & roles.keys()):
            continue
        first = _span_bottom(g, r, roles) + 1
        # A second header row (年度指标值 over 指标性质 / 指标值 / 度量单位) may sit beside
        # header cells merged down over both rows.
        for sr in range(r + 1, first + 1):
            sub = _header_roles(reader, sr)
            if sub and ({"nature", "munit", "target"} & sub.keys()) and "name" not in sub:
                roles.update(sub)
                first = max(first, _span_bottom(g, sr, sub) + 1)
                break
        if "nature" in roles and "list_unit" in roles and "munit" not in roles:
            # A bare 单位 right after a split target is its 度量单位, not the project's unit.
            if roles["list_unit"] > roles.get("target", 10**6):
                roles["munit"] = roles.pop("list_unit")
        category = roles.get("category")
        national = (
            category is not None
            and reader.keys.get((r, category)) == "一级指标"
            or "subcategory" in roles
        )
        return Table(header_row=r, first_row=first, cols=roles, national=national)
    return None


def _span_bottom(g: Grid, r: int, roles: dict[str, int]) -> int:
    return max(g.span(r, c)[2] for c in roles.values())


_STOP = frozenset(L.TABLE_END)


def _row_stops(reader: SheetReader, r: int, table: Table) -> bool:
    g = reader.grid
    for c in range(len(g.rows[r]) if r < g.height else 0):
        if g.is_owner(r, c) and not is_blank(g.raw(r, c)):
            base, _ = split_unit(reader.keys.get((r, c), ""))
            if base in _STOP:
                return True
            if c < min(table.cols.values()) and base in ALL_LABELS and base not in ("绩效指标",):
                return True
    return False


@dataclass
class Row:
    r: int
    cells: dict[str, object]
    pos: dict[str, tuple[int, int]]


def table_rows(reader: SheetReader, table: Table) -> Iterable[Row]:
    """Data rows of a table, merged/blank category and subcategory cells carried down."""
    g = reader.grid
    carried: dict[str, object] = {}
    for r in range(table.first_row, g.height):
        if _row_stops(reader, r, table):
            break
        if all(is_blank(g.value(r, c)) for c in table.cols.values()):
            continue
        cells: dict[str, object] = {}
        pos: dict[str, tuple[int, int]] = {}
        for role, c in table.cols.items():
            span = g.span(r, c)
            cells[role] = g.value(r, c)
            pos[role] = (span[0], span[1])
        # A section row: the category cell merged across the name column.
        if "category" in table.cols and "name" in table.cols:
            if g.span(r, table.cols["category"]) == g.span(r, table.cols["name"]):
                carried["category"] = cells["category"]
                carried.pop("subcategory", None)
                continue
        for role in (
            "category",
            "subcategory",
            "list_name",
            "list_unit",
            "list_year",
            "supervisor",
        ):
            if role not in cells:
                continue
            if is_blank(cells[role]):
                cells[role] = carried.get(role)
            else:
                if role == "category" and cells[role] != carried.get("category"):
                    carried.pop("subcategory", None)
                carried[role] = cells[role]
        named = not is_blank(cells.get("name"))
        valued = any(not is_blank(cells.get(k)) for k in ("target", "nature", "actual"))
        if not named and not valued:
            continue
        yield Row(r, cells, pos)


def row_target(reader: SheetReader, row: Row, table: Table) -> str | None:
    if "nature" in table.cols or "munit" in table.cols:
        for role in ("nature", "target", "munit"):
            reader.check(row.cells.get(role), row.pos.get(role))
        return join_split_target(
            row.cells.get("nature"), row.cells.get("target"), row.cells.get("munit")
        )
    return reader.text(row.cells.get("target"), row.pos.get("target"))


def row_eval_indicator(reader: SheetReader, row: Row, table: Table) -> EvalIndicator:
    actual = reader.text(row.cells.get("actual"), row.pos.get("actual"))
    tier_text = reader.text(row.cells.get("tier"), row.pos.get("tier"))
    tier = L.TIER_WORDS.get(norm(tier_text or "")) or L.TIER_WORDS.get(norm(actual or ""))
    ind = EvalIndicator(
        category=reader.text(row.cells.get("category"), row.pos.get("category")),
        subcategory=reader.text(row.cells.get("subcategory"), row.pos.get("subcategory")),
        name=reader.text(row.cells.get("name"), row.pos.get("name")),
        target=row_target(reader, row, table),
        actual=actual,
        weight=reader.number(row.cells.get("weight"), row.pos.get("weight"), "分值"),
        # A stated score without a reason: apply_stated_scores keeps it only if it differs.
        score_override=reader.number(row.cells.get("score"), row.pos.get("score"), "得分"),
        deviation=reader.text(row.cells.get("deviation"), row.pos.get("deviation")),
        tier=tier,
    )
    _qualitative_pick(ind)
    return ind


# ---------------------------------------------------------------- classification


def classify(reader: SheetReader) -> str | None:
    table = find_table(reader)
    if table and "list_name" in table.cols:
        return "list"
    title = reader.title(table.header_row if table else reader.grid.height)
    evaluation = (
        any(m in title for m in L.EVAL_TITLE_MARKS)
        or (bool(reader.hits(L.EVAL_INITIAL)) and bool(reader.hits(L.EVAL_SPENT)))
        or (table is not None and "actual" in table.cols)
    )
    if evaluation and reader.hits(L.LIST_NAME):
        return KIND_EVALUATION
    if reader.hits(L.DECLARATION_FIELDS["name"]):
        return KIND_DECLARATION
    return None


def _first_label_row(reader: SheetReader) -> int:
    rows = [h.r for h in reader.hits(L.DECLARATION_FIELDS["name"])]
    rows += [h.r for h in reader.hits(L.DECLARATION_FIELDS["unit"])]
    return min(rows) if rows else reader.grid.height


def _required_name(reader: SheetReader) -> str:
    value, pos, hit = reader.field(L.DECLARATION_FIELDS["name"])
    name = reader.text(value, pos)
    if name is None:
        r, c = (hit.r, hit.c) if hit else (None, None)
        raise reader.error("“项目名称”没有填写，无法导入（项目以年度、单位和项目名称识别）。", r, c)
    return name


def _required_unit(reader: SheetReader, variants: Iterable[str]) -> str:
    value, pos, hit = reader.field(variants)
    unit = reader.text(value, pos)
    if unit is None:
        r, c = (hit.r, hit.c) if hit else (None, None)
        raise reader.error(
            "没有找到申报/实施单位名称，无法导入（项目以年度、单位和项目名称识别）。", r, c
        )
    return unit


# ---------------------------------------------------------------- declaration form


def read_declaration(reader: SheetReader, year_arg: int | None) -> ImportedForm:
    F = L.DECLARATION_FIELDS
    name = _required_name(reader)
    unit = _required_unit(reader, F["unit"])
    year = reader.year(_first_label_row(reader), year_arg)
    decl = Declaration(year=year, unit=unit, name=name)
    for key, variants in F.items():
        if key in ("unit", "name"):
            continue
        value, pos, hit = reader.field(variants)
        label = variants[0]
        if key in L.MONEY_FIELDS:
            setattr(decl, key, reader.amount(value, pos, label, hit.unit if hit else None))
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
    decl.budget_items = _budget_items(reader)
    table = find_table(reader)
    if table is not None:
        decl.framework = "national" if table.national else "sh2019"
        for row in table_rows(reader, table):
            decl.indicators.append(
                Indicator(
                    category=reader.text(row.cells.get("category"), row.pos.get("category")),
                    subcategory=reader.text(
                        row.cells.get("subcategory"), row.pos.get("subcategory")
                    ),
                    name=reader.text(row.cells.get("name"), row.pos.get("name")),
                    target=row_target(reader, row, table),
                )
            )
    else:
        reader.warn(
            "没有找到绩效指标表（分解目标内容/绩效指标/指标目标值"
            " 或 一级指标/二级指标/三级指标/指标值）。"
        )
    decl.signoff = _signoff(reader)
    return ImportedForm(
        declaration=decl, kind=KIND_DECLARATION, sheet=reader.grid.name, warnings=reader.warnings
    )


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
        if name and norm(name) in ("合计", "小计", "总计"):
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


# ---------------------------------------------------------------- self-evaluation form


def read_evaluation(reader: SheetReader, year_arg: int | None) -> ImportedForm:
    g = reader.grid
    name = _required_name(reader)
    unit = _required_unit(reader, L.EVAL_UNIT)
    year = reader.year(_first_label_row(reader), year_arg)
    title = reader.title(_first_label_row(reader))
    ev = Evaluation()
    value, pos, _ = reader.field(L.EVAL_SUPERVISOR)
    ev.supervisor = reader.text(value, pos)
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
        break
    for h in reader.hits(L.EVAL_GOAL_ACTUAL):
        v, p = reader.below(h.r, h.c)
        if is_blank(v):
            v, p = reader.right_of(h)
        ev.goal_actual = reader.text(v, p)
        break
    table = find_table(reader)
    framework = "national"
    if table is None:
        reader.warn("没有找到绩效指标表（一级指标/二级指标/三级指标/年度指标值/实际完成值）。")
    else:
        framework = "national" if table.national else "sh2019"
        ev.indicators = [
            row_eval_indicator(reader, row, table) for row in table_rows(reader, table)
        ]
    reader.warnings += apply_stated_scores(ev)
    if table is not None:
        _compare_total(reader, ev, table)
    decl = evaluation_declaration(year, unit, name, framework, ev)
    return ImportedForm(
        declaration=decl, kind=KIND_EVALUATION, sheet=g.name, warnings=reader.warnings
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
    """年初预算数 / 全年预算数 / 全年执行数 columns, 年度资金总额 … rows. Returns the unit."""
    g = reader.grid
    heads = reader.hits(L.EVAL_INITIAL)
    if not heads:
        return None
    head = heads[0]
    cols: dict[str, tuple[int, str | None]] = {"initial": (head.c, head.unit)}
    for key, variants in (
        ("adjusted", L.EVAL_ADJUSTED),
        ("spent", L.EVAL_SPENT),
        ("rate", L.EVAL_RATE),
    ):
        same_row = [h for h in reader.hits(variants) if h.r == head.r]
        if same_row:
            cols[key] = (same_row[0].c, same_row[0].unit)
    for key, variants in (("weight", L.IND_WEIGHT), ("score", L.IND_SCORE)):
        same_row = [h for v in variants for h in reader.labels.get(v, []) if h.r == head.r]
        if same_row:
            cols[key] = (same_row[0].c, None)
    block = [h for h in reader.hits(L.EVAL_MONEY_BLOCK) if h.r <= head.r + 1]
    unit = head.unit or (block[0].unit if block else None) or reader.unit_note
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
            base = reader.keys.get((r, c), "").removeprefix("其中:")
            base, _ = split_unit(base)
            for key, row_labels in _ROWS:
                if base in row_labels and key not in rows:
                    rows[key] = r
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
            )
    if "score" in cols and ev.spent is not None and ev.budget_adjusted:
        c = cols["score"][0]
        stated = reader.number(g.value(t, c), g.span(t, c)[:2], "得分")
        rate = min(ev.spent / ev.budget_adjusted, Decimal(1))
        computed = (ev.budget_weight * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if stated is not None and stated != computed:
            reader.warn(
                f"表中预算执行率得分 {stated} 与按规则计算的 {computed} 不同，以计算值为准。", t, c
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
    return unit


def _compare_total(reader: SheetReader, ev: Evaluation, table: Table) -> None:
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
    sheet = score_evaluation(ev)
    computed = sheet.total
    if stated is not None and computed is not None and stated != computed:
        reader.warn(f"表中总分 {stated} 与按规则计算的总分 {computed} 不同，以计算值为准。", r, c)
    for hit in reader.hits(L.EVAL_GRADE):
        value, pos = reader.right_of(hit)
        grade = cell_text(value)
        if grade and sheet.grade and grade != sheet.grade and pos:
            reader.warn(
                f"表中自评等级“{grade}”与按总分评定的“{sheet.grade}”不同，以评定为准。", *pos
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
        framework = "national" if table.national else "sh2019"
        if is_eval:
            ev = Evaluation(layout=LAYOUT_NATIONAL)
            ev.indicators = [row_eval_indicator(reader, row, table) for row in rows]
            sup = rows[0].cells.get("supervisor")
            ev.supervisor = reader.text(sup, rows[0].pos.get("supervisor"))
            reader.warnings += apply_stated_scores(ev)
            decl = evaluation_declaration(year, unit, name, framework, ev)
            kind = KIND_EVALUATION
        else:
            decl = Declaration(year=year, unit=unit, name=name, framework=framework)
            decl.indicators = [
                Indicator(
                    category=reader.text(row.cells.get("category"), row.pos.get("category")),
                    subcategory=reader.text(
                        row.cells.get("subcategory"), row.pos.get("subcategory")
                    ),
                    name=reader.text(row.cells.get("name"), row.pos.get("name")),
                    target=row_target(reader, row, table),
                )
                for row in rows
            ]
            kind = KIND_DECLARATION
        forms.append(
            ImportedForm(declaration=decl, kind=kind, sheet=g.name, warnings=list(reader.warnings))
        )
    if not forms:
        raise reader.error("清单表中没有任何指标行。", table.header_row, min(cols.values()))
    return forms


# ---------------------------------------------------------------- sheet entry


def read_sheet(
    grid: Grid, filename: str, year_arg: int | None
) -> tuple[list[ImportedForm], str | None]:
    """The records on one sheet, or ([], kind None) when it holds no form."""
    reader = SheetReader(grid, filename)
    kind = classify(reader)
    if kind == "list":
        return read_list(reader, year_arg), kind
    if kind == KIND_EVALUATION:
        return [read_evaluation(reader, year_arg)], kind
    if kind == KIND_DECLARATION:
        return [read_declaration(reader, year_arg)], kind
    return [], None
