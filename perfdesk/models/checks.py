"""What the bureau's reviewers flag (forms.md §3, 绩效目标审核).

Errors block finalising; warnings are shown on screen and never printed. Every finding names
its field by a JSON key path (``indicators[3].target``) and, in its Chinese message, by the
label the form prints (:mod:`perfdesk.models.labels`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from perfdesk.models.evaluation_checks import evaluation_findings
from perfdesk.models.findings import (
    ERROR,
    WARNING,
    Finding,
    blocking,
    placeholder_findings,
    placeholders_in,
    vague_words_in,
)
from perfdesk.models.frameworks import NATIONAL, get_framework
from perfdesk.models.labels import FIELD_LABELS, field_label
from perfdesk.models.money import WAN, format_money
from perfdesk.models.monitoring_checks import check_monitoring
from perfdesk.models.records import (
    CHOICE_JOINER,
    FUND_USES,
    PROJECT_TYPES,
    Declaration,
    Indicator,
)
from perfdesk.models.target_history import history_findings
from perfdesk.models.targets import ParsedTarget, format_quantity, parse_target

__all__ = [
    "ERROR",
    "FIELD_LABELS",
    "WARNING",
    "Finding",
    "blocking",
    "check_declaration",
    "check_evaluation",
    "check_monitoring",
    "check_record",
    "placeholders_in",
    "vague_words_in",
]


# ---------------------------------------------------------------------------- text helpers
REQUIRED_TEXT = (
    "unit", "name", "overview", "basis", "necessity", "measures", "plan", "overall_goal",
    "annual_goal",
)  # fmt: skip
LONG_TEXT = ("overview", "basis", "necessity", "measures", "plan", "overall_goal", "annual_goal")

# Input measures that belong under 投入/管理, not under 产出 (forms.md §3).
INPUT_MEASURES: tuple[str, ...] = (
    "资金到位率", "预算执行率", "资金拨付率", "资金使用率", "资金执行率", "支出进度",
    "预算调整率", "资金到位及时率", "执行进度",
)  # fmt: skip


def _empty(text: str | None) -> bool:
    return text is None or not str(text).strip()


def _same_text(a: str | None, b: str | None) -> bool:
    def squash(t: str) -> str:
        return re.sub(r"[\s\W_]+", "", t)

    return bool(a and b) and squash(a or "") == squash(b or "")


def _ind_name(ind: Indicator) -> str:
    return f"（{ind.name}）" if ind.name else ""


def _yuan(value: Decimal) -> str:
    return f"{format_money(value)} 元"


# ---------------------------------------------------------------------------- declaration
def check_declaration(decl: Declaration, previous: Declaration | None = None) -> list[Finding]:
    """Every declaration check of forms.md §3; ``previous`` is last year's record of the
    same project (for 同名项目上年预算额/执行数, and the targets against it of §7)."""
    out: list[Finding] = []
    _required(decl, out)
    _choices(decl, out)
    out += placeholder_findings(_text_fields(decl), lambda key: field_label(key, decl.framework))
    _money(decl, out)
    _dates(decl, out)
    _indicators(decl, out)
    _goals(decl, out)
    _previous_year(decl, previous, out)
    out += history_findings(decl, previous)  # forms.md §7: targets against last year's
    _unit_mixup(decl, out)
    return out


def _label(key: str) -> str:
    return f"“{FIELD_LABELS[key]}”"


def _required(decl: Declaration, out: list[Finding]) -> None:
    for key in REQUIRED_TEXT:
        if _empty(getattr(decl, key)):
            out.append(Finding(ERROR, key, f"{_label(key)}未填写。", "required"))
    for key in ("start_date", "end_date", "total_budget", "year_budget"):
        if getattr(decl, key) is None:
            out.append(Finding(ERROR, key, f"{_label(key)}未填写。", "required"))


def _choices(decl: Declaration, out: list[Finding]) -> None:
    for key, options in (("project_type", PROJECT_TYPES), ("fund_use", FUND_USES)):
        value = getattr(decl, key)
        if _empty(value) and decl.framework == NATIONAL:
            continue  # Shanghai's option sets: the national form has no such row
        if _empty(value):
            out.append(Finding(ERROR, key, f"{_label(key)}未勾选，应勾选一项。", "choice_none"))
            continue
        picked = [p.strip() for p in str(value).split(CHOICE_JOINER) if p.strip()]
        if len(picked) > 1 and all(p in options for p in picked):
            out.append(
                Finding(
                    ERROR,
                    key,
                    f"{_label(key)}勾选了多项（{value}），只能勾选一项。",
                    "choice_several",
                )
            )
        elif value not in options:
            out.append(
                Finding(
                    ERROR,
                    key,
                    f"{_label(key)}“{value}”不是表中的选项，应为：{'、'.join(options)}之一。",
                    "choice_unknown",
                )
            )


def _text_fields(decl: Declaration) -> Iterable[tuple[str, str | None]]:
    for key in ("unit", "name", *LONG_TEXT, "remarks"):
        yield key, getattr(decl, key)
    for n, item in enumerate(decl.budget_items):
        yield f"budget_items[{n}].name", item.name
    for n, ind in enumerate(decl.indicators):
        yield f"indicators[{n}].category", ind.category
        yield f"indicators[{n}].subcategory", ind.subcategory
        yield f"indicators[{n}].name", ind.name
        yield f"indicators[{n}].target", ind.target
    if decl.signoff is not None:
        for key in ("head", "preparer", "phone"):
            yield f"signoff.{key}", getattr(decl.signoff, key)


def _money(decl: Declaration, out: list[Finding]) -> None:
    if decl.total_budget is not None and decl.year_budget is not None:
        if decl.year_budget > decl.total_budget:
            out.append(
                Finding(
                    ERROR,
                    "year_budget",
                    f"{_label('year_budget')} {_yuan(decl.year_budget)} 大于"
                    f"{_label('total_budget')} {_yuan(decl.total_budget)}。",
                    "year_over_total",
                )
            )
    for key in ("total_budget", "year_budget", "prev_year_budget", "prev_year_spent"):
        value = getattr(decl, key)
        if value is not None and value < 0:
            out.append(Finding(ERROR, key, f"{_label(key)}不能为负数。", "negative"))
    _funds(decl, out)
    if not decl.budget_items:
        return
    for n, item in enumerate(decl.budget_items):
        if item.amount is None:
            out.append(
                Finding(
                    ERROR,
                    f"budget_items[{n}].amount",
                    f"{field_label(f'budget_items[{n}].amount')}未填写"
                    f"（子项目“{item.name or ''}”）。",
                    "item_amount",
                )
            )
    if decl.year_budget is None:
        return
    total = sum((i.amount for i in decl.budget_items if i.amount is not None), Decimal(0))
    if total != decl.year_budget:
        out.append(
            Finding(
                ERROR,
                "budget_items",
                f"{_label('budget_items')}各子项目合计 {_yuan(total)}，与"
                f"{_label('year_budget')} {_yuan(decl.year_budget)} 不符"
                f"（相差 {_yuan(abs(total - decl.year_budget))}）。",
                "items_sum",
            )
        )


def _funds(decl: Declaration, out: list[Finding]) -> None:
    """The national 项目资金 rows add up to 年度资金总额, which is the year's budget."""
    f = decl.funds
    if f is None or decl.year_budget is None:
        return
    for key in ("appropriation", "other"):
        value = getattr(f, key)
        if value is not None and value < 0:
            out.append(Finding(ERROR, f"funds.{key}", f"{_label(f'funds.{key}')}不能为负数。",
                               "negative"))  # fmt: skip
    total = (f.appropriation or Decimal(0)) + (f.other or Decimal(0))
    if total != decl.year_budget:
        out.append(
            Finding(
                ERROR,
                "funds",
                f"{_label('funds.appropriation')}与{_label('funds.other')}合计 {_yuan(total)}，"
                f"与年度资金总额（{_label('year_budget')}）{_yuan(decl.year_budget)} 不符"
                f"（相差 {_yuan(abs(total - decl.year_budget))}）。",
                "funds_sum",
            )
        )


def _dates(decl: Declaration, out: list[Finding]) -> None:
    s, e = decl.start_date, decl.end_date
    if s is not None and e is not None and s > e:
        out.append(
            Finding(
                ERROR,
                "start_date",
                f"{_label('start_date')} {s.isoformat()} 晚于"
                f"{_label('end_date')} {e.isoformat()}。",
                "dates_order",
            )
        )
        return
    if s is not None and e is not None and not s.year <= decl.year <= e.year:
        out.append(
            Finding(
                ERROR,
                "year",
                f"申报年度 {decl.year} 年不在项目起止时间"
                f"（{s.isoformat()} 至 {e.isoformat()}）之内。",
                "year_outside",
            )
        )


def _indicators(decl: Declaration, out: list[Finding]) -> None:
    fw = get_framework(decl.framework)
    inds = decl.indicators
    if not inds:
        out.append(Finding(ERROR, "indicators", "“分解目标”未填写任何绩效指标。", "no_indicator"))
        return
    if not any(fw.is_output(i.category) for i in inds):
        out.append(
            Finding(
                ERROR,
                "indicators",
                f"没有“{fw.output_category}”类指标，绩效目标须含产出指标。",
                "no_output",
            )
        )
    present = {fw.match_category(i.category) for i in inds}
    for cat in fw.categories:
        if cat not in present and cat != fw.output_category:
            out.append(Finding(WARNING, "indicators", f"“{cat}”下没有指标。", "empty_category"))
    seen: dict[str, int] = {}
    parsed: list[ParsedTarget] = []
    for n, ind in enumerate(inds):
        key = f"indicators[{n}]"
        where = field_label(key, decl.framework) + _ind_name(ind)
        p = parse_target(ind.target, ind.name).with_direction(ind.direction)
        parsed.append(p)
        if _empty(ind.name):
            out.append(Finding(WARNING, f"{key}.name", f"{where}未填写指标名称。", "no_name"))
        else:
            norm = re.sub(r"\s+", "", ind.name or "")
            if norm in seen:
                out.append(
                    Finding(
                        WARNING,
                        f"{key}.name",
                        f"{where}与第{seen[norm] + 1}行指标重复。",
                        "duplicate",
                    )
                )
            else:
                seen[norm] = n
        if fw.is_output(ind.category) and any(m in (ind.name or "") for m in INPUT_MEASURES):
            out.append(
                Finding(
                    WARNING,
                    f"{key}.name",
                    f"{where}是投入类指标（如资金到位率、预算执行率），"
                    f"不宜作为“{fw.output_category}”。",
                    "input_as_output",
                )
            )
        _target_warnings(key, where, ind, p, out)
    _same_number(decl, parsed, out)


def _target_warnings(
    key: str, where: str, ind: Indicator, p: ParsedTarget, out: list[Finding]
) -> None:
    tkey = f"{key}.target"
    if _empty(ind.target):
        out.append(Finding(WARNING, tkey, f"{where}未填写指标目标值。", "no_target"))
        return
    if p.kind == "qualitative":
        vague = vague_words_in(ind.target)
        why = f"只有“{'、'.join(vague)}”等笼统表述" if vague else "没有可衡量的数值"
        out.append(
            Finding(
                WARNING,
                tkey,
                f"{where}的指标目标值“{ind.target}”{why}，难以考核，建议量化。",
                "vague",
            )
        )
        return
    if p.kind == "compound":
        out.append(
            Finding(
                WARNING,
                tkey,
                f"{where}的指标目标值含 {len(p.parts)} 个数值（复合目标），"
                "建议拆为多个指标分别考核。",
                "compound",
            )
        )
    for part in p.parts or (p,):
        if part.kind != "quantitative":
            continue
        shown = format_quantity(part.value, part.unit) if part.value is not None else ""
        if part.direction_source in ("default", "name"):
            assumed = "越低越好" if part.better == "lower" else "越高越好"
            out.append(
                Finding(
                    WARNING,
                    tkey,
                    f"{where}的指标目标值“{shown}”未写明方向（≥、≤ 还是 =），"
                    f"程序按{assumed}理解，请确认。",
                    "no_direction",
                )
            )
        if part.unit is None and part.value != 0:  # 零投诉 needs no unit
            out.append(
                Finding(
                    WARNING,
                    tkey,
                    f"{where}的指标目标值“{shown}”没有计量单位。",
                    "no_unit",
                )
            )
        if part.unit == "%" and part.value is not None:
            if part.value > 100:
                out.append(
                    Finding(WARNING, tkey, f"{where}的指标目标值 {shown} 超过 100%。", "over_100")
                )
            elif part.value == 100 and part.direction == "≥":
                out.append(
                    Finding(
                        WARNING,
                        tkey,
                        f"{where}的指标目标值“≥100%”实为“=100%”，建议写作“=100%”。",
                        "ge_100",
                    )
                )


def _same_number(decl: Declaration, parsed: list[ParsedTarget], out: list[Finding]) -> None:
    rows = len(decl.indicators)
    values = [(p.value, p.unit) for p in parsed if p.kind == "quantitative"]
    if rows < 3 or len(values) < 3:
        return
    (value, unit), count = Counter(values).most_common(1)[0]
    if value is not None and count * 2 > rows:
        shown = format_quantity(value, unit)
        out.append(
            Finding(
                WARNING,
                "indicators",
                f"{rows} 个指标中有 {count} 个的指标目标值都是 {shown}，请核对是否照抄。",
                "same_number",
            )
        )


def _goals(decl: Declaration, out: list[Finding]) -> None:
    if _same_text(decl.annual_goal, decl.overall_goal):
        out.append(
            Finding(
                WARNING,
                "annual_goal",
                f"{_label('annual_goal')}与{_label('overall_goal')}完全相同，"
                "年度目标应写本年度要达到的具体目标。",
                "goal_copied",
            )
        )


def _previous_year(decl: Declaration, previous: Declaration | None, out: list[Finding]) -> None:
    if previous is None:
        return
    spent = previous.evaluation.spent if previous.evaluation is not None else None
    for key, theirs, what in (
        ("prev_year_budget", previous.year_budget, "项目当年预算"),
        ("prev_year_spent", spent, "自评表全年执行数"),
    ):
        ours = getattr(decl, key)
        if theirs is None or ours == theirs:
            continue
        stated = "未填写" if ours is None else f"为 {_yuan(ours)}"
        out.append(
            Finding(
                WARNING,
                key,
                f"{_label(key)}{stated}，"
                f"而 {previous.year} 年该项目记录的{what}为 {_yuan(theirs)}。",
                "prev_year",
            )
        )


# Project budgets below 10万元 are rare for a 绩效目标申报; such a figure is most likely
# typed in 万元 (the form asks for 元).
SMALL_BUDGET = Decimal(100000)


def _unit_mixup(decl: Declaration, out: list[Finding]) -> None:
    hint = "，疑似把万元当作元填写（本表金额单位为元）"
    for key in ("total_budget", "year_budget"):
        value = getattr(decl, key)
        if value is not None and 0 < value < SMALL_BUDGET:
            out.append(
                Finding(WARNING, key, f"{_label(key)}仅 {_yuan(value)}{hint}。", "unit_mixup")
            )
    pairs = (
        ("year_budget", "total_budget"),
        ("prev_year_budget", "year_budget"),
        ("prev_year_spent", "prev_year_budget"),
    )
    for a, b in pairs:
        va, vb = getattr(decl, a), getattr(decl, b)
        if _ten_thousand_apart(va, vb):
            out.append(
                Finding(
                    WARNING,
                    a,
                    f"{_label(a)} {_yuan(va)} 与{_label(b)} {_yuan(vb)} 相差约万倍"
                    "，疑似元与万元混用。",
                    "unit_mixup",
                )
            )
    items = [i.amount for i in decl.budget_items if i.amount is not None]
    if items and decl.year_budget:
        total = sum(items, Decimal(0))
        if _ten_thousand_apart(total, decl.year_budget):
            out.append(
                Finding(
                    WARNING,
                    "budget_items",
                    f"{_label('budget_items')}合计 {_yuan(total)} 与{_label('year_budget')}"
                    f" {_yuan(decl.year_budget)} 相差约万倍，疑似元与万元混用。",
                    "unit_mixup",
                )
            )


def _ten_thousand_apart(a: Decimal | None, b: Decimal | None) -> bool:
    """True when one amount is about 10,000 times the other (the 元/万元 slip)."""
    if not a or not b or a <= 0 or b <= 0:
        return False
    ratio = max(a, b) / min(a, b)
    return WAN / 5 <= ratio <= WAN * 5


# ---------------------------------------------------------------------------- evaluation
def check_evaluation(decl: Declaration) -> list[Finding]:
    """Every evaluation check of forms.md §3 for the declaration's 自评表."""
    if decl.evaluation is None:
        return []
    return evaluation_findings(decl)


# ---------------------------------------------------------------------------- the record
def check_record(decl: Declaration, previous: Declaration | None = None) -> list[Finding]:
    """The findings of all of a record's forms, in form order: the declaration, its
    运行监控表 (forms.md §5) and its 自评表 — what the window's check panel lists."""
    return [*check_declaration(decl, previous), *check_monitoring(decl), *check_evaluation(decl)]
