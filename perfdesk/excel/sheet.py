"""One sheet as labels and tables: the lookups every form reader shares.

A :class:`SheetReader` indexes a grid's cells by their normalised text, finds a label's
value to its right (beyond merges) or below, reads typed values with errors naming the cell,
and finds indicator tables by their header words (both frameworks, split targets).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, TypeVar

from perfdesk.excel import labels as L
from perfdesk.excel.cells import Grid, Unresolved, addr, is_blank
from perfdesk.excel.values import (
    cell_text,
    is_placeholder,
    norm,
    parse_amount,
    parse_date,
    parse_number,
    parse_year,
    percent_text,
    split_unit,
    unit_factor,
    year_in_name,
    year_in_title,
)
from perfdesk.models.errors import InputError
from perfdesk.models.frameworks import FRAMEWORKS, NATIONAL, SH2019, guess_framework
from perfdesk.models.records import (
    Declaration,
)
from perfdesk.models.targets import join_split_target

T = TypeVar("T")


class _HasCategory(Protocol):
    category: str | None
    subcategory: str | None


KIND_DECLARATION = "declaration"
KIND_EVALUATION = "evaluation"
KIND_MONITORING = "monitoring"


@dataclass
class ImportedForm:
    """One record found in a workbook (a form sheet, or one project of a list sheet)."""

    declaration: Declaration
    kind: str  # "declaration" | "evaluation" | "monitoring"
    sheet: str
    warnings: list[str] = field(default_factory=list)
    # The warnings that compare scores, rates or grades the sheet states with the rules'
    # (also in ``warnings``): moot when a perfdesk export's stamp restores the record,
    # since they come from what paper does not show (overrides, not-applicable marks).
    score_warnings: list[str] = field(default_factory=list)
    # Fields the form has a place for (its label is on the sheet) that were left blank.
    empty_fields: list[str] = field(default_factory=list)
    # A row of a flat monitoring list: its row number on the sheet (from 1) and 项目编码;
    # such a row only updates a project already stored (:mod:`perfdesk.excel.monitoring_list`).
    list_row: int | None = None
    code: str | None = None


def _all_labels() -> frozenset[str]:
    groups: list[Iterable[str]] = [v for v in L.DECLARATION_FIELDS.values()]
    groups += [v for v in L.SIGNOFF_FIELDS.values()]
    groups += [
        L.YEAR_LABELS, L.BUDGET_BLOCK, L.BUDGET_ITEM_NAME, L.EVAL_SUPERVISOR, L.EVAL_UNIT,
        L.EVAL_MONEY_BLOCK, L.EVAL_INITIAL, L.EVAL_ADJUSTED, L.EVAL_SPENT, L.EVAL_GOAL_EXPECTED,
        L.EVAL_GOAL_ACTUAL, L.EVAL_TOTAL, L.EVAL_GRADE, L.TABLE_END, ("分解目标",),
        L.DATE_RANGE_LABELS, L.BLOCK_LABELS, L.MONEY_ROWS, L.EVAL_RATE, L.EVAL_ROW_TOTAL,
        L.EVAL_ROW_APPROPRIATION, L.EVAL_ROW_CARRIED, L.EVAL_ROW_OTHER, L.EVAL_ROW_UNKEPT,
        L.MONITOR_TABLE_END, L.MONITOR_MONTH, L.MONITOR_FORECAST, L.MONITOR_EXPECTED,
        L.MONITOR_UNIT, L.MONITOR_ROW_APPROPRIATION, L.MONITOR_ROW_CARRIED,
    ]  # fmt: skip
    return frozenset(x for g in groups for x in g)


ALL_LABELS = _all_labels()
# What a label cell may carry around its name: 1. / 一、 numbering, 其中：, and a note in
# brackets after it — 预算执行情况（10分）, 全年预算数（A）, 执行率（B/A）.
_NUMBERING = re.compile(
    r"^(?:\d{1,2}[.、]|[一二三四五六七八九十]{1,2}、|\([一二三四五六七八九十\d]{1,2}\))"
)
_TRAILING_NOTE = re.compile(r"\([^()]{1,12}\)$")
# Endings of the forms' labels, for a header the dictionary does not know (中期目标).
_LABEL_ENDINGS = (
    "目标",
    "情况",
    "依据",
    "名称",
    "时间",
    "日期",
    "预算",
    "资金",
    "指标",
    "措施",
    "计划",
    "概况",
    "必要性",
    "可行性",
    "任务",
    "内容",
    "总额",
    "预算数",
    "执行数",
)
_UNIT_NOTE = re.compile(r"(?:金额|资金)?单位:(?:人民币)?(万元|元)")


def label_base(key: str) -> tuple[str, str | None]:
    """A normalised cell text as a label: its name and the money unit it states."""
    base, unit = split_unit(key)
    base = _NUMBERING.sub("", base).removeprefix("其中:")
    # Notes come off only when what remains is a known label: 某某（试点） stays whole.
    name, name_unit = base, unit
    while name not in ALL_LABELS and name not in ROLE_INDEX:
        m = _TRAILING_NOTE.search(name)
        if m is None:
            return _alternative(base), unit
        stripped, found_unit = split_unit(name[: m.start()])
        name, name_unit = stripped, name_unit or found_unit
    return name, name_unit


_INNER_ALTERNATIVE = re.compile(r"^(.+?)\(([^()]{1,6})\)(.+)$")


def _alternative(key: str) -> str:
    """部门（单位）名称: a word and its alternative in brackets before a shared ending; the
    label is whichever reading the dictionary knows (单位名称), else the text unchanged."""
    m = _INNER_ALTERNATIVE.match(key)
    if m is None:
        return key
    for reading in (m.group(2) + m.group(3), m.group(1) + m.group(3)):
        if reading in ALL_LABELS or reading in ROLE_INDEX:
            return reading
    return key


_INLINE = re.compile(
    "("
    + "|".join(re.escape(x) for x in sorted(ALL_LABELS, key=len, reverse=True))
    + r")\s*(?:\((万元|元)\))?\s*(?:\((?:"
    + "|".join(L.LABEL_NOTES)
    + r")\))?\s*:"
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
    units: dict[int, str | None] = field(default_factory=dict)  # 预算数（万元）: by column


class SheetReader:
    """Label lookups and typed reads on one grid, with errors naming the cell."""

    def __init__(
        self, grid: Grid, filename: str, label_cells: frozenset[tuple[int, int]] | None = None
    ) -> None:
        self.grid = grid
        self.filename = filename
        # perfdesk's own layout (:mod:`perfdesk.excel.own_layout`): only these cells are
        # labels, and every value position holds a value whatever it says.
        self.label_cells = label_cells
        self.warnings: list[str] = []
        self.score_warnings: list[str] = []
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
                if label_cells is not None and (r, c) not in label_cells:
                    continue
                # norm() drops a trailing colon: '申报单位名称：：' holds the value '：'.
                if ":" in key or v.rstrip()[-1:] in (":", "："):
                    self._inline(r, c, v)
                if len(key) > 40:
                    continue  # long text is a value, never a label
                base, unit = label_base(key)
                self.labels.setdefault(base, []).append(Hit(r, c, base, unit))
                m = _UNIT_NOTE.fullmatch(key)
                if m:
                    self.unit_note = m.group(1)

    def _inline(self, r: int, c: int, raw: str) -> None:
        """'申报单位名称：XX' or '单位负责人：张三  填表人：李四' — labels with their values in
        one cell; only when the cell starts with a known label."""
        raw = raw.strip()
        # Labels are matched on the NFKC text; values are cut from the text as written
        # (申报单位名称：某局（本级） keeps its full-width brackets), so each normalised
        # character remembers where it came from.
        parts = [unicodedata.normalize("NFKC", ch) for ch in raw]
        text = "".join(parts)
        origin = [i for i, part in enumerate(parts) for _ in part] + [len(raw)]
        found = list(_INLINE.finditer(text))
        if not found or found[0].start() != 0:
            return
        self.inline_cells.add((r, c))
        for n, m in enumerate(found):
            end = found[n + 1].start() if n + 1 < len(found) else len(text)
            value = raw[origin[m.end()] : origin[end]].strip()
            if value:
                hit = Hit(r, c, m.group(1), m.group(2), inline=value)
                self.labels.setdefault(m.group(1), []).append(hit)

    # ------------------------------------------------------------ errors

    def error(self, reason: str, r: int | None = None, c: int | None = None) -> InputError:
        cell = addr(r, c) if r is not None and c is not None else None
        return InputError(reason, file=self.filename, sheet=self.grid.name, cell=cell)

    def warn(
        self, text: str, r: int | None = None, c: int | None = None, *, score: bool = False
    ) -> None:
        where = self.grid.label() + (f" {addr(r, c)}" if r is not None and c is not None else "")
        self.warnings.append(f"{where}：{text}")
        if score:
            self.score_warnings.append(self.warnings[-1])

    def warn_scores(self, texts: list[str]) -> None:
        """Warnings of ``serialize.apply_stated_scores`` (they name their indicator)."""
        self.warnings += texts
        self.score_warnings += texts

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

    def label_key(self, r: int, c: int) -> str:
        """:meth:`key` of a cell that may be a label ('' for a known value position)."""
        if self.label_cells is not None and self.grid.span(r, c)[:2] not in self.label_cells:
            return ""
        return self.key(r, c)

    def is_label(self, r: int, c: int, *, inline: bool = False) -> bool:
        """A label cell; with ``inline``, also a cell starting 'label：value' (not used to the
        right of a label, where a long text may well start that way)."""
        if self.label_cells is not None:
            return self.grid.span(r, c)[:2] in self.label_cells
        if inline and self.grid.span(r, c)[:2] in self.inline_cells:
            return True
        key = self.key(r, c)
        if not key:
            return False
        base, _ = label_base(key)
        # A unit note (单位：万元) is never a value either.
        return base in ALL_LABELS or base in ROLE_INDEX or _UNIT_NOTE.fullmatch(key) is not None

    def right_of(self, hit: Hit) -> tuple[object, tuple[int, int]]:
        """The value to the right of a label (beyond its merge), or None when the next
        filled cell is another label, or looks like one (then with a warning)."""
        if hit.inline is not None:
            return hit.inline, (hit.r, hit.c)
        g = self.grid
        r0, _, _, c1 = g.span(hit.r, hit.c)
        col = c1 + 1
        if self.label_cells is not None:
            # A known layout: the value is the cell beside the label, blank or not.
            rr, cc, _, _ = g.span(r0, col)
            v = g.value(r0, col)
            blank = is_blank(v) or (rr, cc) in self.label_cells
            return (None if blank else v), (rr, cc)
        width = g.width
        while col < width:
            rr, cc, _, ce = g.span(r0, col)
            v = g.value(r0, col)
            if not is_blank(v):
                # A label is never followed by itself: 主管部门 | 主管部门 is a value.
                same = col == c1 + 1 and self.key(rr, cc) == self.key(hit.r, hit.c)
                if self.is_label(rr, cc) and not same:
                    return None, (r0, c1 + 1)
                if self._unknown_header(rr, cc, ce):
                    self.warn(
                        f"“{hit.text}”旁的“{cell_text(v)}”像是另一栏目的名称而不是内容，"
                        "未作为内容读取，请核对。",
                        rr,
                        cc,
                    )
                    return None, (rr, cc)
                return v, (rr, cc)
            col = ce + 1
        return None, (r0, c1 + 1)

    def _heads_values(self, r0: int, r1: int) -> bool:
        """Row r0 is a row of headers (two at least, known or label-shaped) and the row
        after r1 holds values only."""
        cols = self._others_in_row(r0, -1, -1)
        if len(cols) < 2 or not all(self._header_like(r0, c) for c in cols):
            return False
        below = r1 + 1
        return below < self.grid.height and not any(
            self.is_label(below, c) for c in self._others_in_row(below, -1, -1)
        )

    def _header_like(self, r: int, c: int) -> bool:
        """A known label, or a short text shaped like one (阶段性目标)."""
        if self.is_label(r, c):
            return True
        key = _TRAILING_NOTE.sub("", self.key(r, c))
        return 0 < len(key) <= 8 and not re.search(r"\d", key) and key.endswith(_LABEL_ENDINGS)

    def block_unit(self, hit: Hit) -> str | None:
        """The money unit of the block label merged beside a row: 项目资金（万元）."""
        g = self.grid
        for c in range(hit.c - 1, -1, -1):
            r0, c0, r1, _ = g.span(hit.r, c)
            if r1 > r0 or r0 < hit.r:
                unit = label_base(self.key(r0, c0))[1]
                if unit:
                    return unit
        return None

    def _unknown_header(self, r: int, c: int, c_end: int) -> bool:
        """A short text shaped like a form's label (中期目标, 年度任务) that has more cells
        after it on its row: a header the dictionary does not know, not a value. A note in
        brackets after it (中期滚动目标（2019年--2021年）) is not part of its shape."""
        key = _TRAILING_NOTE.sub("", self.key(r, c))
        if not key or len(key) > 8 or re.search(r"\d", key) or not key.endswith(_LABEL_ENDINGS):
            return False
        row = self.grid.rows[r] if r < self.grid.height else []
        if not any(not is_blank(self.grid.value(r, cc)) for cc in range(c_end + 1, len(row))):
            return False
        # Only in a row of headers over a row of values (总体目标 | 中期目标 | 年度目标): in a
        # row of label/value pairs, 农村公路养护资金 beside 项目名称 is the name.
        r0, _, r1, _ = self.grid.span(r, c)
        return self._heads_values(r0, r1)

    def _others_in_row(self, r: int, c0: int, c1: int) -> list[int]:
        """Columns of the filled cells that start on row r outside columns c0..c1."""
        g = self.grid
        row = g.rows[r] if r < g.height else []
        return [
            c
            for c in range(len(row))
            if not c0 <= c <= c1 and g.is_owner(r, c) and not is_blank(g.raw(r, c))
        ]

    def _vertical(self, hit: Hit) -> bool:
        """A label alone on its row: nothing right of it, and left of it nothing but block
        labels merged over more rows. Only then may its value stand below it; a label in
        a row of label/value pairs whose value is blank is blank (forms.md: a blank 结束时间
        must not take the text of the rows below)."""
        g = self.grid
        r0, c0, r1, c1 = g.span(hit.r, hit.c)
        row = g.rows[r0] if r0 < g.height else []
        if any(not is_blank(g.value(r0, c)) for c in range(c1 + 1, len(row))):
            return False
        for c in range(min(c0, len(row))):
            if is_blank(g.value(r0, c)):
                continue
            sr0, _, sr1, _ = g.span(r0, c)
            if sr0 >= r0 and sr1 <= r1:
                return False
        return True

    def _header_row(self, hit: Hit) -> bool:
        """The label stands in a row of labels (总体目标 | 中长期目标 | 年度目标, 预期目标 |
        实际完成情况) and the row below holds no label: the values are under the headers."""
        g = self.grid
        r0, _, r1, _ = g.span(hit.r, hit.c)
        table = find_table(self)
        if table is not None and table.header_row <= r0 < table.first_row:
            return False  # the indicator table's header (its 备注 column) heads rows
        if not self._heads_values(r0, r1):
            return False
        below = r1 + 1
        # One row of values, not the first row of a table (开始时间 | 完成时间 over the
        # rows of a schedule): under it, in the label's column, a label or nothing.
        after = g.span(below, hit.c)[2] + 1
        if after < g.height:
            rr, cc, _, _ = g.span(after, hit.c)
            if not is_blank(g.value(after, hit.c)) and not self.is_label(rr, cc):
                return False
        return True

    def below(self, r: int, c: int) -> tuple[object, tuple[int, int]]:
        """The value directly below a label: the next row only, in a cell starting within
        the label's columns (never skipping blank rows into another field's content)."""
        g = self.grid
        _, c0, r1, c1 = g.span(r, c)
        row = r1 + 1
        if row >= g.height:
            return None, (row, c0)
        rr, cc, _, _ = g.span(row, c0)
        if not c0 <= cc <= c1:
            return None, (row, c0)
        v = g.value(row, c0)
        if is_blank(v) or self.is_label(rr, cc, inline=True):
            return None, (rr, cc)
        return v, (rr, cc)

    def _below_alone(self, hit: Hit) -> tuple[object, tuple[int, int]]:
        """:meth:`below` for a label alone on its row: the value is alone on its row too
        (a cell followed by another is the next row's label and its value, not ours)."""
        v, pos = self.below(hit.r, hit.c)
        if is_blank(v):
            return None, pos
        _, c0, _, c1 = self.grid.span(*pos)
        if any(c > c1 for c in self._others_in_row(pos[0], c0, c1)):
            return None, pos
        return v, pos

    def field(self, variants: Iterable[str]) -> tuple[object, tuple[int, int] | None, Hit | None]:
        """First label (in variant order, then top to bottom) with a value — beside it,
        under it in a header row, or below a label alone on its row; else the first label
        found with None."""
        found = self.hits(variants)
        table = find_table(self) if self.label_cells is None else None
        if table is not None:
            # A column header of the indicator table (its 备注) is not the form's field.
            found = [h for h in found if not table.header_row <= h.r < table.first_row]
        for hit in found:
            v, pos = self.right_of(hit)
            if not is_blank(v):
                return v, pos, hit
        if self.label_cells is None:
            for hit in found:
                if hit.inline is None and self._header_row(hit):
                    v, pos = self.below(hit.r, hit.c)
                    if not is_blank(v):
                        return v, pos, hit
            for hit in found:
                if hit.inline is None and self._vertical(hit):
                    v, pos = self._below_alone(hit)
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
        value = self.check(value, pos)
        if self.label_cells is not None and isinstance(value, str) and value.strip():
            return value  # perfdesk wrote it: its spaces are the record's
        return cell_text(value)

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
            # A row of its own under the title: 2021年 (no brackets, no 度).
            m = re.fullmatch(r"((?:19|20)\d{2})年", norm(text))
            if m:
                return int(m.group(1))
        for _, _, text in self.title_rows(first_label_row):
            # A form's title with one year in it: 鄂州市2022年市直部门预算项目支出绩效目标表.
            key = norm(text)
            years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})年", key))
            if key.endswith("表") and len(years) == 1:
                return int(years.pop())
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
            "请在标题或文件名中写上年份（如“2019年申报表.xlsx”）后再导入"
            "（命令行导入也可用 --year 指定年度）。"
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
        ("list_budget", L.LIST_BUDGET),
        ("list_goal", L.LIST_GOAL),
    ):
        for rank, variant in enumerate(variants):
            index.setdefault(variant, (role, rank))
    return index


ROLE_INDEX = _role_index()


def _role_of(key: str) -> tuple[str, int] | None:
    if not key:
        return None
    base = label_base(key)[0]
    found = ROLE_INDEX.get(base)
    if found is None and base.endswith(")") and "(" in base:
        # 指标值(包含数字及文字描述), 权重(分): a note after the header's name.
        found = ROLE_INDEX.get(base[: base.rindex("(")])
    return found


def _second_set(reader: SheetReader, r: int) -> int | None:
    """Where a header row starts a second set of the same columns (东莞: 一级指标 | 二级指标 |
    三级指标 | 指标值 | 二级指标 | 三级指标 | 计划指标值, the medium term's indicators beside the
    year's): the first column whose header repeats an earlier one's, or None."""
    g = reader.grid
    seen: set[str] = set()
    for c in range(len(g.rows[r]) if r < g.height else 0):
        if not g.is_owner(r, c):
            continue
        key = reader.label_key(r, c)
        found = _role_of(key)
        if found is None or found[0] == "category":
            continue
        base = label_base(key)[0]
        if base in seen:
            return c
        seen.add(base)
    return None


def _header_roles(reader: SheetReader, r: int) -> dict[str, int]:
    """Columns of a header row by role; where two cells claim a role the more specific
    variant wins (三级指标 over a 绩效指标 block label beside the table). Of two sets of
    columns side by side, a role is taken from the second (the year's, after the medium
    term's) where that set has it."""
    g = reader.grid
    if r >= g.height:
        return {}
    split = _second_set(reader, r)
    best: dict[str, tuple[bool, bool, int, int]] = {}
    for c in range(len(g.rows[r])):
        if not g.is_owner(r, c):
            continue
        found = _role_of(reader.label_key(r, c))
        if found is None:
            continue
        role, rank = found
        later = split is not None and c >= split
        # A side label merged down beside the whole table (绩效指标 over 黄石's rows) heads
        # no column: a header of one or two rows for the same role wins over it.
        r0, _, r1, _ = g.span(r, c)
        short = r1 - r0 < 2
        if role not in best or (short, later, -rank) > (best[role][0], best[role][1], -best[role][2]):
            best[role] = (short, later, rank, c)
    return {role: c for role, (_, _, _, c) in best.items()}


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
        if "name" not in roles and "subcategory" in roles:
            # 二级指标 merged over two columns with no 三级指标 header (鄂州): the
            # subcategory is written in the first column under it, the indicator in the last.
            _, c0, _, c1 = g.span(r, roles["subcategory"])
            if c1 > c0:
                roles["subcategory"], roles["name"] = c0, c1
        if "name" not in roles or not ({"target", "category"} & roles.keys()):
            continue
        if "list_name" not in roles:
            # Per-project columns mean something only in a flat list; on a form the words
            # (年度绩效目标 merged down beside the table, 预算数) are labels of their own.
            roles.pop("list_budget", None)
            roles.pop("list_goal", None)
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
        units = {c: label_base(reader.keys.get((r, c), ""))[1] for c in roles.values()}
        if "target" not in roles and "list_name" not in roles:
            _warn_no_target(reader, r, roles)
        split = _second_set(reader, r)
        if split is not None and "name" in roles and roles["name"] > split:
            reader.warn(
                "指标表并列两组指标列，导入从这一列起的后一组（年度指标），前一组未导入。", r, split
            )
        return Table(header_row=r, first_row=first, cols=roles, national=national, units=units)
    return None


def _warn_no_target(reader: SheetReader, r: int, roles: dict[str, int]) -> None:
    """A table without a 指标值 column (龙岩: 区域目标值 over one column per region) leaves
    every target empty: the import says so and names the headers it did not take, rather
    than choosing one region's value as the indicator's."""
    g = reader.grid
    taken = set(roles.values())
    others = [
        f"“{head}”（{addr(r, c)}）"
        for c in range(len(g.rows[r]))
        if g.is_owner(r, c) and c not in taken and c > min(taken)
        and isinstance(head := g.raw(r, c), str) and head.strip()
    ]  # fmt: skip
    tail = f"（未导入的表头：{'、'.join(others)}）" if others else ""
    reader.warn(f"指标表没有“指标值”列，各指标的指标值导入后为空{tail}。", r, min(taken))


def table_framework(table: Table, indicators: Iterable[_HasCategory]) -> str:
    """The framework an indicator table follows: by the categories it holds (a Shanghai
    自评表 prints sh2019's 投入和管理目标 … under national 一级指标 headers), and by its
    headers only when no category names one."""
    inds = list(indicators)
    known = any(
        fw.match_category(i.category) or fw.match_subcategory(i.subcategory)
        for i in inds
        for fw in FRAMEWORKS.values()
    )
    if known:
        return guess_framework(inds)
    return NATIONAL if table.national else SH2019


def _span_bottom(g: Grid, r: int, roles: dict[str, int]) -> int:
    return max(g.span(r, c)[2] for c in roles.values())


_STOP = frozenset((*L.TABLE_END, *L.MONITOR_TABLE_END))


def _row_stops(reader: SheetReader, r: int, table: Table) -> bool:
    g = reader.grid
    for c in range(len(g.rows[r]) if r < g.height else 0):
        if g.is_owner(r, c) and not is_blank(g.raw(r, c)):
            if reader.label_cells is not None:
                if reader.is_label(r, c):
                    return True
                continue
            base, _ = label_base(reader.keys.get((r, c), ""))
            if base in _STOP:
                return True
            if base in L.TOTAL_ROWS and c <= min(table.cols.values()) and not _is_list(table):
                return True  # 合计 under a form's table ends it (a list skips it)
            if c < min(table.cols.values()) and base in ALL_LABELS and base not in ("绩效指标",):
                return True
    return False


def _is_list(table: Table) -> bool:
    return "list_name" in table.cols


def _total_row(reader: SheetReader, r: int, table: Table) -> bool:
    """A row whose first filled cell in the table's columns reads 合计 / 小计 / 总计."""
    g = reader.grid
    for c in sorted(table.cols.values()):
        if not is_blank(g.value(r, c)):
            return label_base(reader.key(r, c))[0] in L.TOTAL_ROWS
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
        if _is_list(table) and _total_row(reader, r, table):
            continue  # 合计 of a list: the sum of the projects above or below
        # A new project in a list starts its own categories: a blank 一级指标 on its first
        # row is blank, not the previous project's.
        if "list_name" in table.cols and not is_blank(cells.get("list_name")):
            if cells["list_name"] != carried.get("list_name"):
                carried.pop("category", None)
                carried.pop("subcategory", None)
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


# 产出指标（50分）, 成本指标（0-20）分: the points a category carries, not its name.
_POINTS_NOTE = re.compile(r"\s*[(（][\d\s.\-~～—–至]*分?[)）]\s*分?\s*$")


def category_text(reader: SheetReader, row: Row, role: str) -> str | None:
    """A category or subcategory cell as the record keeps it: without a points note."""
    text = reader.text(row.cells.get(role), row.pos.get(role))
    if text is None:
        return None
    return _POINTS_NOTE.sub("", text) or text


def row_target(reader: SheetReader, row: Row, table: Table) -> str | None:
    if "nature" in table.cols or "munit" in table.cols:
        for role in ("nature", "target", "munit"):
            reader.check(row.cells.get(role), row.pos.get(role))
        nature, value, munit = (row.cells.get(k) for k in ("nature", "target", "munit"))
        # 定性 | 明显改善 | — : the dash in 度量单位 says there is no unit (a number's unit
        # is kept as written, whatever it is).
        if is_placeholder(munit) and not _numeric(value):
            munit = None
        if is_blank(munit) and _looks_like_rate(reader, row, value):
            value, munit = percent_text(value), None
        return join_split_target(nature, value, munit)
    value = row.cells.get("target")
    if _looks_like_rate(reader, row, value):
        value = percent_text(value)
    return reader.text(value, row.pos.get("target"))


def _numeric(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+(?:\.\d+)?\s*", value) is not None


_RATE_WORDS = ("率", "满意度", "占比", "比例", "覆盖面")


def _looks_like_rate(reader: SheetReader, row: Row, value: object) -> bool:
    """A fraction (0.95) under a rate's name with no 度量单位: a cell formatted as a
    percentage whose format the file does not carry to us (.xls), or typed as a fraction."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
        return False
    name = reader.text(row.cells.get("name"), row.pos.get("name")) or ""
    return any(w in name for w in _RATE_WORDS)


def first_label_row(reader: SheetReader) -> int:
    rows = [h.r for h in reader.hits(L.DECLARATION_FIELDS["name"])]
    rows += [h.r for h in reader.hits(L.DECLARATION_FIELDS["unit"])]
    return min(rows) if rows else reader.grid.height


def required_name(reader: SheetReader) -> str:
    value, pos, hit = reader.field(L.DECLARATION_FIELDS["name"])
    name = reader.text(value, pos)
    if name is None:
        r, c = (hit.r, hit.c) if hit else (None, None)
        raise reader.error("“项目名称”没有填写，无法导入（项目以年度、单位和项目名称识别）。", r, c)
    return name


# A title that starts with the unit's name: 青神县财政局2023年项目支出绩效目标表. The name
# must end as a body's name does (局, 委员会, 中心 …): 鄂州市2022年… names a city, not a unit.
_TITLE_UNIT = re.compile(
    r"^(.{2,40}?(?:局|委员会|委|办公室|院|中心|人民政府|政府|厅|站|所|馆|学校|学院|协会|联合会"
    r"|处|队|部|社|园|台))(?:19|20)\d{2}年"
)


def _unit_in_title(reader: SheetReader) -> tuple[str, int, int] | None:
    for r, c, text in reader.title_rows(first_label_row(reader)):
        m = _TITLE_UNIT.match(norm(text))
        if m:
            return m.group(1), r, c
    return None


def required_unit(reader: SheetReader, variants: Iterable[str]) -> str:
    value, pos, hit = reader.field(variants)
    unit = reader.text(value, pos)
    if unit is None and hit is None:
        # No unit label at all: a title that names the unit is the form's word for it.
        found = _unit_in_title(reader)
        if found is not None:
            unit, title_r, title_c = found
            reader.warn(f"表中没有单位栏，单位名称取自标题：“{unit}”。", title_r, title_c)
    if unit is None:
        r, c = (hit.r, hit.c) if hit else (None, None)
        raise reader.error(
            "没有找到申报/实施单位名称，无法导入（项目以年度、单位和项目名称识别）。", r, c
        )
    return unit


def report_empty(reader: SheetReader, empty: list[tuple[str, Hit]]) -> None:
    """One warning naming the fields the form has a place for that stayed empty."""
    if not empty:
        return
    where = "、".join(f"“{label}”（{addr(h.r, h.c)}）" for label, h in empty)
    reader.warn(f"这些栏目有位置但没有填写，导入后为空：{where}。")
