"""Canonical JSON of a record (forms.md keys), both ways, and its fingerprint.

``declaration_to_dict`` writes every key of forms.md plus id, status, revision, framework,
evaluation (and created_from); derived evaluation values (execution_rate, budget_score,
score, total_score, grade) are computed by :mod:`perfdesk.models.scoring` on the way out
and ignored on the way in, except a stated ``score`` that differs from the rules' one,
which is kept as an override (reason given, or ``导入表中得分``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import fields
from decimal import Decimal
from typing import Any, TypeVar

from perfdesk.models.errors import InputError
from perfdesk.models.frameworks import FRAMEWORKS as FRAMEWORK_INFO
from perfdesk.models.labels import field_label
from perfdesk.models.money import MoneyError, money_to_json, to_money
from perfdesk.models.records import (
    CAUSES,
    DIRECTIONS,
    EVALUATION_LAYOUTS,
    LAYOUT_NATIONAL,
    LAYOUT_SHANGHAI,
    LIKELIHOODS,
    STATUS_DRAFT,
    STATUS_LABELS,
    STATUSES,
    TIERS,
    BudgetItem,
    Declaration,
    DeclarationFunds,
    EvalIndicator,
    Evaluation,
    FundRow,
    Funds,
    Indicator,
    MonitorFundRow,
    MonitorFunds,
    MonitorIndicator,
    Monitoring,
    Signoff,
)
from perfdesk.models.words import number_text, value_text

FRAMEWORKS = ("sh2019", "national")
STATED_SCORE_REASON = "导入表中得分"

# How the allowed values of a choice are named to a clerk, where the stored value is a key.
FRAMEWORK_NAMES = {key: f.label for key, f in FRAMEWORK_INFO.items()}
LAYOUT_NAMES = {
    LAYOUT_NATIONAL: "全国样式（金额单位万元）",
    LAYOUT_SHANGHAI: "上海样式（金额单位元）",
}
# Record keys that are not fields of the paper form, named for messages.
_KEY_NAMES: dict[str, str] = {
    "status": "状态",
    "created_from": "来源",
    "evaluation.status": "自评表状态",
    "evaluation.layout": "自评表样式",
    "evaluation.indicators.override_reason": "得分调整理由",
    "evaluation.indicators.tier_score": "档次得分",
}
_FUND_COLUMNS = {"initial": "年初预算数", "adjusted": "全年预算数", "spent": "全年执行数"}


def named_field(path: str, framework: str | None = None) -> str:
    """A key path as the clerk reads it (分解目标第2行“指标目标值”), for messages."""
    generic = "".join(part.split("[")[0] for part in path.split("]"))
    if generic in _KEY_NAMES:
        return f"“{_KEY_NAMES[generic]}”"
    head, _, column = path.rpartition(".")
    if column in _FUND_COLUMNS and head.startswith("evaluation.funds."):
        return f"{field_label(head)}的“{_FUND_COLUMNS[column]}”"
    return field_label(path, framework)


# Declaration keys in form order (forms.md §1); the contract for show --json.
DECLARATION_KEYS: tuple[str, ...] = (
    "year", "unit", "name", "project_type", "fund_use", "start_date", "end_date",
    "overview", "basis", "necessity", "measures", "total_budget", "year_budget",
    "prev_year_budget", "prev_year_spent", "budget_items", "plan", "overall_goal",
    "annual_goal", "indicators", "remarks", "signoff",
)  # fmt: skip
MONEY_KEYS = ("total_budget", "year_budget", "prev_year_budget", "prev_year_spent")
TEXT_KEYS = (
    "unit", "name", "project_type", "fund_use", "overview", "basis", "necessity",
    "measures", "plan", "overall_goal", "annual_goal", "remarks",
)  # fmt: skip


def _text(value: Any, where: str, framework: str | None = None) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(f"{named_field(where, framework)}应为文字，实际是{value_text(value)}。")
    return value if value.strip() else None


def _money(value: Any, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_money(value)
    except MoneyError:
        raise InputError(f"{named_field(where)}不是金额：{value_text(value)}。") from None


def _number(value: Any, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, bool):
            raise ValueError
        d = Decimal(str(value))
        if not d.is_finite():
            raise ValueError
        return d
    except (ValueError, ArithmeticError):
        raise InputError(f"{named_field(where)}不是数字：{value_text(value)}。") from None


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            f"{named_field(where)}不是日期（应为 2019-01-01 的形式）：{value_text(value)}。"
        ) from None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _num_json(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{named_field(where)}应为一组数据（列表），实际是{value_text(value)}。")
    return value


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        what = "记录" if where == "记录" else named_field(where)
        raise InputError(f"{what}应为一组字段（对象），实际是{value_text(value)}。")
    return value


def _choice(
    value: Any,
    allowed: tuple[str, ...],
    where: str,
    framework: str | None = None,
    shown: dict[str, str] | None = None,
) -> str | None:
    text = _text(value, where, framework)
    if text is not None and text not in allowed:
        names = "、".join(f"“{(shown or {}).get(a, a)}”" for a in allowed)
        raise InputError(
            f"{named_field(where, framework)}应为{names}之一，实际是{value_text(text)}。"
        )
    return text


# ---------------------------------------------------------------- out


def fund_row_to_dict(row: FundRow | MonitorFundRow | None) -> dict[str, Any] | None:
    """A 资金 row of the 自评表 or the 运行监控表: its columns are its JSON keys."""
    if row is None:
        return None
    return {f.name: money_to_json(getattr(row, f.name)) for f in fields(row)}


def evaluation_to_dict(ev: Evaluation, framework: str | None = None) -> dict[str, Any]:
    from perfdesk.models.scoring import score_evaluation

    sheet = score_evaluation(ev, framework)
    indicators = []
    for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
        indicators.append(
            {
                "category": ind.category,
                "subcategory": ind.subcategory,
                "name": ind.name,
                "target": ind.target,
                "actual": ind.actual,
                "weight": _num_json(ind.weight),
                "score": _num_json(sc.score),
                "deviation": ind.deviation,
                "tier": ind.tier,
                "computed_score": _num_json(sc.computed),
                "override_reason": ind.override_reason,
                "not_applicable": ind.not_applicable,
                "direction": ind.direction,
                "tier_score": _num_json(ind.tier_score),
            }
        )
    funds = None
    if ev.funds is not None:
        funds = {
            "appropriation": fund_row_to_dict(ev.funds.appropriation),
            "carried_over": fund_row_to_dict(ev.funds.carried_over),
            "other": fund_row_to_dict(ev.funds.other),
        }
    return {
        "supervisor": ev.supervisor,
        "budget_initial": money_to_json(ev.budget_initial),
        "budget_adjusted": money_to_json(ev.budget_adjusted),
        "spent": money_to_json(ev.spent),
        "execution_rate": _num_json(sheet.execution_rate),
        "budget_weight": _num_json(ev.budget_weight),
        "budget_score": _num_json(sheet.budget_score),
        "budget_deviation": ev.budget_deviation,
        "goal_expected": ev.goal_expected,
        "goal_actual": ev.goal_actual,
        "indicators": indicators,
        "total_score": _num_json(sheet.total),
        "grade": sheet.grade,
        "funds": funds,
        "status": ev.status,
        "layout": ev.layout,
    }


MONITOR_FUND_KEYS = ("appropriation", "carried_over", "other")
MONITOR_INDICATOR_TEXT = (
    "category", "subcategory", "name", "target", "progress", "forecast", "deviation",
    "remedy", "remarks",
)  # fmt: skip
MONITOR_MONEY = ("budget_initial", "budget_adjusted", "spent_to_date", "forecast_spent")
MONITOR_TEXT = ("supervisor", "goal_progress", "deviation_analysis", "measures", "adjustment")


def monitoring_to_dict(m: Monitoring) -> dict[str, Any]:
    """The ``monitoring`` object of ``show --json`` (forms.md §5), with the derived
    execution_rate and expected_rate (ignored on the way in)."""
    from perfdesk.models.monitoring import execution_rate, expected_rate

    funds = None
    if m.funds is not None:
        funds = {k: fund_row_to_dict(getattr(m.funds, k)) for k in MONITOR_FUND_KEYS}
    return {
        "as_of_month": m.as_of_month,
        "supervisor": m.supervisor,
        "budget_initial": money_to_json(m.budget_initial),
        "budget_adjusted": money_to_json(m.budget_adjusted),
        "spent_to_date": money_to_json(m.spent_to_date),
        "execution_rate": _num_json(execution_rate(m)),
        "expected_rate": _num_json(expected_rate(m)),
        "forecast_spent": money_to_json(m.forecast_spent),
        "funds": funds,
        "goal_progress": m.goal_progress,
        "indicators": [
            {
                "category": i.category,
                "subcategory": i.subcategory,
                "name": i.name,
                "target": i.target,
                "progress": i.progress,
                "forecast": i.forecast,
                "likelihood": i.likelihood,
                "cause": i.cause,
                "deviation": i.deviation,
                "remedy": i.remedy,
                "remarks": i.remarks,
                "direction": i.direction,
            }
            for i in m.indicators
        ],
        "deviation_analysis": m.deviation_analysis,
        "measures": m.measures,
        "adjust_goals": m.adjust_goals,
        "adjustment": m.adjustment,
        "status": m.status,
    }


def declaration_to_dict(decl: Declaration, *, with_store_keys: bool = True) -> dict[str, Any]:
    """The record as forms.md JSON (plus id, status, revision, framework, evaluation)."""
    out: dict[str, Any] = {}
    if with_store_keys:
        out["id"] = decl.id
        out["status"] = decl.status
        out["revision"] = decl.revision
    out["framework"] = decl.framework
    for key in DECLARATION_KEYS:
        if key in MONEY_KEYS:
            out[key] = money_to_json(getattr(decl, key))
        elif key in ("start_date", "end_date"):
            out[key] = _iso(getattr(decl, key))
        elif key == "budget_items":
            out[key] = [
                {"name": b.name, "amount": money_to_json(b.amount)} for b in decl.budget_items
            ]
        elif key == "indicators":
            out[key] = [
                {
                    "category": i.category,
                    "subcategory": i.subcategory,
                    "name": i.name,
                    "target": i.target,
                    "direction": i.direction,
                }
                for i in decl.indicators
            ]
        elif key == "signoff":
            s = decl.signoff
            out[key] = (
                None
                if s is None
                else {
                    "head": s.head,
                    "preparer": s.preparer,
                    "phone": s.phone,
                    "date": _iso(s.date),
                }
            )
        else:
            out[key] = getattr(decl, key)
    # Optional keys of the national form, written only when set (see Declaration).
    if decl.supervisor is not None:
        out["supervisor"] = decl.supervisor
    if decl.funds is not None:
        out["funds"] = {
            "appropriation": money_to_json(decl.funds.appropriation),
            "other": money_to_json(decl.funds.other),
        }
    out["created_from"] = decl.created_from
    out["monitoring"] = monitoring_to_dict(decl.monitoring) if decl.monitoring else None
    out["evaluation"] = (
        evaluation_to_dict(decl.evaluation, decl.framework) if decl.evaluation else None
    )
    return out


# ---------------------------------------------------------------- in

_Row = TypeVar("_Row", FundRow, MonitorFundRow)


def _fund_row(value: Any, where: str, row_type: type[_Row]) -> _Row | None:
    """A 资金 row of the 自评表 (FundRow) or the 运行监控表 (MonitorFundRow) from its JSON."""
    if value is None:
        return None
    d = _obj(value, where)
    return row_type(
        **{f.name: _money(d.get(f.name), f"{where}.{f.name}") for f in fields(row_type)}
    )


def evaluation_from_dict(data: dict[str, Any], framework: str | None = None) -> Evaluation:
    """Read an evaluation (the ``evaluation`` object of ``show --json``)."""
    d = _obj(data, "evaluation")
    indicators = []
    for n, raw in enumerate(_list(d.get("indicators"), "evaluation.indicators")):
        r = _obj(raw, f"evaluation.indicators[{n}]")
        w = f"evaluation.indicators[{n}]"
        tier = _choice(r.get("tier"), TIERS, f"{w}.tier")
        reason = _text(r.get("override_reason"), f"{w}.override_reason")
        score = _number(r.get("score"), f"{w}.score")
        ind = EvalIndicator(
            category=_text(r.get("category"), f"{w}.category"),
            subcategory=_text(r.get("subcategory"), f"{w}.subcategory"),
            name=_text(r.get("name"), f"{w}.name"),
            target=_text(r.get("target"), f"{w}.target"),
            actual=_text(r.get("actual"), f"{w}.actual"),
            weight=_number(r.get("weight"), f"{w}.weight"),
            deviation=_text(r.get("deviation"), f"{w}.deviation"),
            tier=tier,
            not_applicable=bool(r.get("not_applicable") or False),
            direction=_choice(r.get("direction"), DIRECTIONS, f"{w}.direction"),
            tier_score=_number(r.get("tier_score"), f"{w}.tier_score"),
        )
        # A score with a reason is an override; without one it is a stated score, which
        # apply_stated_scores keeps only where it differs from the rules' score.
        ind.score_override = score
        ind.override_reason = reason
        indicators.append(ind)
    funds = None
    if d.get("funds") is not None:
        f = _obj(d.get("funds"), "evaluation.funds")
        funds = Funds(
            appropriation=_fund_row(
                f.get("appropriation"), "evaluation.funds.appropriation", FundRow
            ),
            carried_over=_fund_row(f.get("carried_over"), "evaluation.funds.carried_over", FundRow),
            other=_fund_row(f.get("other"), "evaluation.funds.other", FundRow),
        )
    weight = _number(d.get("budget_weight"), "evaluation.budget_weight")
    ev = Evaluation(
        supervisor=_text(d.get("supervisor"), "evaluation.supervisor"),
        budget_initial=_money(d.get("budget_initial"), "evaluation.budget_initial"),
        budget_adjusted=_money(d.get("budget_adjusted"), "evaluation.budget_adjusted"),
        spent=_money(d.get("spent"), "evaluation.spent"),
        budget_weight=Decimal(10) if weight is None else weight,
        goal_expected=_text(d.get("goal_expected"), "evaluation.goal_expected"),
        goal_actual=_text(d.get("goal_actual"), "evaluation.goal_actual"),
        budget_deviation=_text(d.get("budget_deviation"), "evaluation.budget_deviation"),
        indicators=indicators,
        funds=funds,
        status=_choice(d.get("status"), STATUSES, "evaluation.status", shown=STATUS_LABELS)
        or STATUS_DRAFT,
        layout=_choice(d.get("layout"), EVALUATION_LAYOUTS, "evaluation.layout", shown=LAYOUT_NAMES)
        or "national",
    )
    apply_stated_scores(ev, framework)
    return ev


def apply_stated_scores(ev: Evaluation, framework: str | None = None) -> list[str]:
    """Turn stated scores into overrides where they differ from the rules' score.

    An indicator whose ``score_override`` is set without a reason holds a stated score: if
    it equals the computed score it is dropped, otherwise it stays with the reason
    ``导入表中得分``. Returns one Chinese warning per kept difference.
    """
    from perfdesk.models.scoring import score_evaluation

    stated = {
        id(i): i.score_override
        for i in ev.indicators
        if i.score_override is not None and not i.override_reason
    }
    if not stated:
        return []
    for ind in ev.indicators:
        if id(ind) in stated:
            ind.score_override = None
    sheet = score_evaluation(ev, framework)
    warnings = []
    for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
        if id(ind) not in stated:
            continue
        value = stated[id(ind)]
        if sc.computed is not None and value is not None and value == sc.computed:
            continue
        ind.score_override = value
        ind.override_reason = STATED_SCORE_REASON
        name = f"指标“{ind.name}”" if ind.name else "未填名称的指标"
        if sc.computed is None:
            warnings.append(
                f"{name}表中得分 {number_text(value)}，按规则无法计算得分（实际完成值或指标值"
                "未填写或无法比较），已保留表中得分。"
            )
        else:
            warnings.append(
                f"{name}表中得分 {number_text(value)} 与按规则计算的 "
                f"{number_text(sc.computed)} 不同，已保留表中得分。"
            )
    return warnings


def _month(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        raise InputError(f"“{where}”应为 1 到 12 的月份，实际是 {value!r}")
    return value


def _flag(value: Any, where: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in ("是", "否"):
        return value.strip() == "是"
    raise InputError(f"“{where}”应为 是/否（true/false），实际是 {value!r}")


def monitoring_from_dict(data: Any) -> Monitoring:
    """Read a ``monitoring`` object; the derived rates are ignored (they are recomputed)."""
    d = _obj(data, "monitoring")
    indicators = []
    for n, raw in enumerate(_list(d.get("indicators"), "monitoring.indicators")):
        w = f"monitoring.indicators[{n}]"
        r = _obj(raw, w)
        ind = MonitorIndicator(
            **{k: _text(r.get(k), f"{w}.{k}") for k in MONITOR_INDICATOR_TEXT},
            likelihood=_choice(r.get("likelihood"), LIKELIHOODS, f"{w}.likelihood"),
            cause=_choice(r.get("cause"), CAUSES, f"{w}.cause"),
            direction=_choice(r.get("direction"), DIRECTIONS, f"{w}.direction"),
        )
        indicators.append(ind)
    funds = None
    if d.get("funds") is not None:
        f = _obj(d.get("funds"), "monitoring.funds")
        funds = MonitorFunds(
            **{
                k: _fund_row(f.get(k), f"monitoring.funds.{k}", MonitorFundRow)
                for k in MONITOR_FUND_KEYS
            }
        )
    m = Monitoring(
        as_of_month=_month(d.get("as_of_month"), "monitoring.as_of_month"),
        funds=funds,
        indicators=indicators,
        adjust_goals=_flag(d.get("adjust_goals"), "monitoring.adjust_goals"),
        status=_choice(d.get("status"), STATUSES, "monitoring.status") or STATUS_DRAFT,
    )
    for key in MONITOR_MONEY:
        setattr(m, key, _money(d.get(key), f"monitoring.{key}"))
    for key in MONITOR_TEXT:
        setattr(m, key, _text(d.get(key), f"monitoring.{key}"))
    return m


def declaration_from_dict(data: Any) -> Declaration:
    """Read the JSON shape of ``show --json``; raises InputError naming the bad key."""
    d = _obj(data, "记录")
    year = d.get("year")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        if year is None:
            raise InputError("没有填写“年度”（应为年份，如 2019）。")
        raise InputError(f"“年度”应为年份（如 2019），实际是{value_text(year)}。")
    framework = (
        _choice(d.get("framework"), FRAMEWORKS, "framework", shown=FRAMEWORK_NAMES) or "sh2019"
    )
    items = []
    for n, raw in enumerate(_list(d.get("budget_items"), "budget_items")):
        r = _obj(raw, f"budget_items[{n}]")
        items.append(
            BudgetItem(
                name=_text(r.get("name"), f"budget_items[{n}].name"),
                amount=_money(r.get("amount"), f"budget_items[{n}].amount"),
            )
        )
    indicators = []
    for n, raw in enumerate(_list(d.get("indicators"), "indicators")):
        r = _obj(raw, f"indicators[{n}]")
        w = f"indicators[{n}]"
        indicators.append(
            Indicator(
                category=_text(r.get("category"), f"{w}.category", framework),
                subcategory=_text(r.get("subcategory"), f"{w}.subcategory", framework),
                name=_text(r.get("name"), f"{w}.name", framework),
                target=_text(r.get("target"), f"{w}.target", framework),
                direction=_choice(r.get("direction"), DIRECTIONS, f"{w}.direction", framework),
            )
        )
    signoff = None
    if d.get("signoff") is not None:
        s = _obj(d.get("signoff"), "signoff")
        signoff = Signoff(
            head=_text(s.get("head"), "signoff.head"),
            preparer=_text(s.get("preparer"), "signoff.preparer"),
            phone=_text(s.get("phone"), "signoff.phone"),
            date=_date(s.get("date"), "signoff.date"),
        )
    decl = Declaration(
        year=year,
        unit=None,
        name=None,
        framework=framework,
        budget_items=items,
        indicators=indicators,
        signoff=signoff,
        start_date=_date(d.get("start_date"), "start_date"),
        end_date=_date(d.get("end_date"), "end_date"),
        created_from=_text(d.get("created_from"), "created_from"),
        status=_choice(d.get("status"), STATUSES, "status", shown=STATUS_LABELS) or STATUS_DRAFT,
    )
    for key in TEXT_KEYS:
        setattr(decl, key, _text(d.get(key), key))
    for key in MONEY_KEYS:
        setattr(decl, key, _money(d.get(key), key))
    decl.supervisor = _text(d.get("supervisor"), "supervisor")
    if d.get("funds") is not None:
        f = _obj(d.get("funds"), "funds")
        decl.funds = DeclarationFunds(
            appropriation=_money(f.get("appropriation"), "funds.appropriation"),
            other=_money(f.get("other"), "funds.other"),
        )
    if d.get("evaluation") is not None:
        decl.evaluation = evaluation_from_dict(d["evaluation"], framework)
    if d.get("monitoring") is not None:
        decl.monitoring = monitoring_from_dict(d["monitoring"])
    return decl


# ---------------------------------------------------------------- text forms


def dumps(data: Any, *, indent: int | None = 2) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent)


def loads(text: str) -> Any:
    """Parse JSON keeping decimals exact."""
    return json.loads(text, parse_float=Decimal)


def content_of(doc: dict[str, Any], form: str = "declaration") -> dict[str, Any]:
    """What a printed form shows, from a stored doc (declaration_to_dict output): the
    declaration without store keys and the other two forms, or the evaluation / monitoring
    (without its status) with the identity of its project. The fingerprint is taken over
    this, so a declaration's fingerprint does not move when its monitoring form is written."""
    if form in ("evaluation", "monitoring"):
        part = dict(doc.get(form) or {})
        part.pop("status", None)
        return {"year": doc["year"], "unit": doc["unit"], "name": doc["name"], form: part}
    skip = {"id", "status", "revision", "evaluation", "monitoring"}
    return {k: v for k, v in doc.items() if k not in skip}


def content_dict(decl: Declaration, form: str = "declaration") -> dict[str, Any]:
    return content_of(declaration_to_dict(decl, with_store_keys=False), form)


def stored_number(value: Any) -> float:
    """``default`` of json.dumps for a document read with :func:`loads`: its fractions are
    Decimals there, written back as the stored text had them (declaration_to_dict writes
    floats)."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def fingerprint_of(content: dict[str, Any]) -> str:
    """Short content fingerprint printed on every page (12 hex digits of SHA-256), the same
    for a document built by declaration_to_dict and for one read back with :func:`loads`
    (a 自评表's 执行率 0.98 is a Decimal there: packing it failed)."""
    text = json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=stored_number
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def canonical_json(decl: Declaration, form: str = "declaration") -> str:
    return json.dumps(
        content_dict(decl, form), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def fingerprint(decl: Declaration, form: str = "declaration") -> str:
    return fingerprint_of(content_dict(decl, form))
