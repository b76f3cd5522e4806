"""Flat monitoring lists (forms.md §5): one row per project, as bureaus collect them.

Columns such as 序号, 处室, 单位, 项目类别, 项目编码, 支出项目名称, 年初预算数, 追加数, 追减数,
调整预算数, 绩效目标, 截止X月底支出数, 预算执行率, 截止X月底绩效目标执行情况, 是否达到序时支出进度,
是否达到阶段性绩效目标, 原因类型, 情况分析, 绩效目标调整情况. Reading (:func:`read_monitoring_list`)
is pure and runs in the reader process; each row becomes an :class:`ImportedForm` marked with its
row number and 项目编码. Storing (:func:`apply_list_rows`) puts the rows onto the projects
already in the database — by (year, unit, name), else by 项目编码 — and reports the rows that
match none by row number; a list none of whose rows matches is refused whole.

perfdesk keeps no separate project code: a 项目编码 matches the project of that year whose name
is the code or starts with it followed by a separator (四川's
``51000021R000000019951-工资性支出``), which is where the 一体化 systems put it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from copy import deepcopy
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from perfdesk.excel import labels as L
from perfdesk.excel.cells import is_blank
from perfdesk.excel.monitoring_form import month_in
from perfdesk.excel.sheet import KIND_MONITORING, ImportedForm, SheetReader, label_base
from perfdesk.excel.values import is_placeholder, norm, parse_choices
from perfdesk.models.errors import InputError
from perfdesk.models.monitoring import behind_schedule, execution_rate, make_monitoring
from perfdesk.models.records import Declaration, Monitoring

_SPENT = re.compile(r"^(?:截止|截至)?.*\d{1,2}月(?:底|末)?(?:累计)?(?:支出数|执行数|支出)$")
_PROGRESS = re.compile(r"^(?:截止|截至).*\d{1,2}月.*(?:绩效目标)?(?:执行|完成)情况$")
_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", L.MLIST_NAME),
    ("unit", L.MLIST_UNIT),
    ("code", L.MLIST_CODE),
    ("initial", L.MLIST_INITIAL),
    ("add", L.MLIST_ADD),
    ("cut", L.MLIST_CUT),
    ("adjusted", L.MLIST_ADJUSTED),
    ("goal", L.MLIST_GOAL),
    ("rate", L.MLIST_RATE),
    ("on_schedule", L.MLIST_ON_SCHEDULE),
    ("stage", L.MLIST_STAGE),
    ("cause", L.MLIST_CAUSE),
    ("analysis", L.MLIST_ANALYSIS),
    ("adjustment", L.MLIST_ADJUSTMENT),
)
_MONEY = {"initial": "年初预算数", "add": "追加数", "cut": "追减数", "adjusted": "调整预算数",
          "spent": "支出数"}  # fmt: skip
_SEPARATORS = ("-", "－", "—", "_", " ", "　", ":", "：")


def _role(key: str) -> str | None:
    base = label_base(key)[0]
    for role, variants in _ROLES:
        if base in variants:
            return role
    if _SPENT.match(base):
        return "spent"
    if _PROGRESS.match(base):
        return "progress"
    return None


def _header(reader: SheetReader) -> tuple[int, dict[str, int], dict[str, str | None]] | None:
    """The header row of a monitoring list: a project name column and a spent-to-date (or
    序时进度) column."""
    g = reader.grid
    for r in range(min(g.height, 20)):
        cols: dict[str, int] = {}
        units: dict[str, str | None] = {}
        for c in range(len(g.rows[r])):
            if not g.is_owner(r, c):
                continue
            key = reader.key(r, c)
            role = _role(key) if key else None
            if role is not None and role not in cols:
                cols[role] = c
                units[role] = label_base(key)[1]
        if "name" in cols and ("spent" in cols or "on_schedule" in cols):
            return r, cols, units
    return None


def is_monitoring_list(reader: SheetReader) -> bool:
    return _header(reader) is not None


def read_monitoring_list(reader: SheetReader, year_arg: int | None) -> list[ImportedForm]:
    g = reader.grid
    found = _header(reader)
    assert found is not None
    head, cols, units = found
    year = reader.year(head, year_arg)
    month = month_in(reader.key(head, cols["spent"])) if "spent" in cols else None
    month = month or month_in(reader.title(head))
    if month is None:
        reader.warn("清单没有写明截至的月份（如“截止6月底支出数”），“截至月份”导入后为空。",
                    head, cols.get("spent", cols["name"]))  # fmt: skip
    default_unit = next((u for u in units.values() if u), None) or reader.unit_note
    if default_unit is None and any(k in cols for k in _MONEY):
        default_unit = "万元"
        reader.warn("清单没有注明金额单位，按万元读取。", head, cols["name"])
    first = max(g.span(head, c)[2] for c in cols.values()) + 1
    forms: list[ImportedForm] = []
    for r in range(first, g.height):
        if all(is_blank(g.value(r, c)) for c in cols.values()):
            continue
        name = reader.text(g.value(r, cols["name"]), (r, cols["name"]))
        if name is None or norm(name) in L.TOTAL_ROWS:
            continue
        reader.warnings = []
        forms.append(_row(reader, r, cols, units, default_unit, year, month, name))
    if not forms:
        raise reader.error("运行监控清单中没有任何项目行。", head, cols["name"])
    return forms


def _row(
    reader: SheetReader,
    r: int,
    cols: dict[str, int],
    units: dict[str, str | None],
    default_unit: str | None,
    year: int,
    month: int | None,
    name: str,
) -> ImportedForm:
    g = reader.grid

    def text(role: str) -> str | None:
        if role not in cols:
            return None
        value = reader.text(g.value(r, cols[role]), (r, cols[role]))
        return None if is_placeholder(value, words=False) else value

    def amount(role: str) -> Decimal | None:
        if role not in cols:
            return None
        c = cols[role]
        return reader.amount(g.value(r, c), (r, c), _MONEY[role], units[role] or default_unit)

    unit = text("unit")
    code = text("code")
    if unit is None and code is None:
        raise reader.error(
            "这一行既没有单位也没有项目编码，无法判断是哪个项目。",
            r,
            cols.get("unit", cols["name"]),
        )
    m = Monitoring(as_of_month=month)
    m.budget_initial = amount("initial")
    m.budget_adjusted = amount("adjusted")
    add, cut = amount("add"), amount("cut")
    if m.budget_adjusted is None and (add is not None or cut is not None):
        # 追加/追减 give 调整预算数 when the list leaves it empty.
        m.budget_adjusted = (m.budget_initial or Decimal(0)) + (add or 0) - (cut or 0)
    m.spent_to_date = amount("spent")
    m.goal_progress = text("progress")
    cause, analysis = text("cause"), text("analysis")
    # A list's 原因类型 is the project's, and the form has no field of that level: it leads
    # the analysis, where the reader of the form looks for it.
    m.deviation_analysis = (
        f"原因类型：{cause}。{analysis or ''}" if cause and not is_placeholder(cause) else analysis
    )
    m.adjustment = text("adjustment")
    if m.adjustment is not None:
        m.adjust_goals = not is_placeholder(m.adjustment) and norm(m.adjustment) not in (
            "否", "不调整", "无需调整", "不需要调整", "未调整", "无调整",
        )  # fmt: skip
        if not m.adjust_goals:
            m.adjustment = None
    _compare(reader, r, cols, m)
    decl = Declaration(
        year=year,
        unit=unit,
        name=name,
        annual_goal=text("goal"),
        year_budget=m.budget_initial,
        monitoring=m,
        created_from="monitoring",
    )
    return ImportedForm(
        declaration=decl,
        kind=KIND_MONITORING,
        sheet=g.name,
        warnings=list(reader.warnings),
        list_row=r + 1,
        code=code,
    )


def _compare(reader: SheetReader, r: int, cols: dict[str, int], m: Monitoring) -> None:
    """Stated 预算执行率 and 是否达到序时支出进度 are derived: a different one is reported."""
    g = reader.grid
    rate = execution_rate(m)
    if "rate" in cols and rate is not None:
        stated = _stated_rate(g.value(r, cols["rate"]))
        if stated is not None and abs(stated - rate) > Decimal("0.0001"):
            reader.warn(
                f"表中预算执行率 {stated * 100:.2f}% 与 支出数/预算数 {rate * 100:.2f}% 不同，"
                "以计算值为准。",
                r,
                cols["rate"],
            )
    if "on_schedule" in cols and m.as_of_month is not None and rate is not None:
        said = reader.text(g.value(r, cols["on_schedule"]))
        chosen, _ = parse_choices(said or "", ("是", "否"))
        if len(chosen) == 1 and (chosen[0] == "是") == behind_schedule(m):
            reader.warn(
                f"表中“是否达到序时支出进度”为“{chosen[0]}”，按执行率和序时进度应为"
                f"“{'否' if behind_schedule(m) else '是'}”。",
                r,
                cols["on_schedule"],
            )


def _stated_rate(value: object) -> Decimal | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%", norm(value))
    if m is None:
        return None
    return (Decimal(m.group(1)) / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- onto the stored projects


def _by_code(store: Any, year: int, code: str) -> list[int]:
    key = norm(code)
    found = []
    for rid, name in store.list(year=year, columns=("id", "name")):
        n = norm(name)
        if n == key or (n.startswith(key) and name.strip()[len(code.strip()) :][:1] in _SEPARATORS):
            found.append(int(rid))
    return found


def _merged(existing: Declaration, read: Monitoring, today: dt.date) -> Monitoring:
    """The stored project's monitoring form with the list's columns written over it (a new
    one is made from the declaration, with its indicators)."""
    base = (
        deepcopy(existing.monitoring) if existing.monitoring else make_monitoring(existing, today)
    )
    for key in ("budget_initial", "budget_adjusted", "spent_to_date", "goal_progress",
                "deviation_analysis", "adjustment", "adjust_goals", "as_of_month"):  # fmt: skip
        value = getattr(read, key)
        if value is not None:
            setattr(base, key, value)
    return base


def apply_list_rows(
    store: Any, forms: Sequence[ImportedForm], filename: str | None = None
) -> list[ImportedForm]:
    """The forms to store: flat-list rows put onto their stored projects, the rows matching
    none reported (by row number) on the first that does; other forms as they are.
    ``filename`` names the file in the refusal."""
    rows = [f for f in forms if f.list_row is not None]
    if not rows:
        return list(forms)
    out = [f for f in forms if f.list_row is None]
    unmatched: list[str] = []
    today = dt.date.today()
    seen: dict[int, int] = {}
    for form in rows:
        d = form.declaration
        rid = store.find_id(d.year, d.unit, d.name) if d.unit else None
        if rid is None and form.code:
            ids = _by_code(store, d.year, form.code)
            rid = ids[0] if len(ids) == 1 else None
        if rid is None:
            unmatched.append(f"第{form.list_row}行“{d.name}”")
            continue
        if rid in seen:
            raise InputError(
                f"第{seen[rid]}行和第{form.list_row}行是同一个项目（{d.year}年“{d.name}”），"
                "请删去其一后再导入。",
                file=filename,
                sheet=form.sheet,
            )
        seen[rid] = form.list_row or 0
        existing: Declaration = store.get(rid)
        assert d.monitoring is not None
        existing.monitoring = _merged(existing, d.monitoring, today)
        out.append(
            ImportedForm(
                declaration=existing,
                kind=KIND_MONITORING,
                sheet=form.sheet,
                warnings=form.warnings,
                list_row=form.list_row,
            )
        )
    if not any(f.list_row is not None for f in out):
        raise InputError(
            "运行监控清单中没有一行能对应到数据库中的项目（按年度、单位和项目名称，或项目编码）："
            f"{'、'.join(unmatched[:10])}{'等' if len(unmatched) > 10 else ''}。请先导入这些项目的申报表。",
            file=filename,
            sheet=rows[0].sheet,
        )
    if unmatched:
        first = next(f for f in out if f.list_row is not None)
        first.warnings = [
            f"工作表“{rows[0].sheet}”：这些行在数据库中没有对应的项目，未导入："
            f"{'、'.join(unmatched)}。",
            *first.warnings,
        ]
    return out
