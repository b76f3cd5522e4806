"""The stamp of a perfdesk export: what paper does not show, carried in the workbook.

A custom document property holds the record's JSON (the part the form carries) and a
fingerprint of what the sheet shows; a re-import uses the record only while the visible
form is unchanged (:func:`restore_from_stamp`). Neither openpyxl nor the writer is imported
here, so the import can read a stamp without loading either.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from copy import deepcopy
from decimal import Decimal
from typing import Any

from perfdesk.models.errors import InputError
from perfdesk.models.records import (
    Declaration,
    Evaluation,
    FundRow,
    MonitorFundRow,
    Monitoring,
)
from perfdesk.models.scoring import ScoreSheet, fmt, score_evaluation
from perfdesk.models.serialize import (
    FRAMEWORKS,
    declaration_from_dict,
    declaration_to_dict,
    evaluation_from_dict,
    evaluation_to_dict,
    fingerprint_of,
    loads,
    monitoring_from_dict,
    monitoring_to_dict,
)

FORMS = ("declaration", "evaluation", "monitoring")
STAMP_PROPERTY = "perfdesk"
STAMP_VERSION = 1
MAX_STAMP_BYTES = 8 * 1024 * 1024
# Control characters no XML part can hold: openpyxl's ILLEGAL_CHARACTERS_RE, copied so
# this module never loads openpyxl.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _num(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def _fund_shown(row: FundRow | None) -> list[str | None] | None:
    if row is None or (row.initial, row.adjusted, row.spent) == (None, None, None):
        return None
    return [_num(row.initial), _num(row.adjusted), _num(row.spent)]


def _monitor_fund_shown(row: MonitorFundRow | None) -> list[str | None] | None:
    if row is None or row == MonitorFundRow():
        return None
    return [_num(row.initial), _num(row.adjusted), _num(row.spent_to_date), _num(row.forecast)]


def _shown_monitoring(decl: Declaration) -> dict[str, Any]:
    """What the exported 运行监控表 shows (:mod:`perfdesk.excel.monitoring_writer`)."""
    m = decl.monitoring or Monitoring()
    funds = m.funds
    return {
        "form": "monitoring",
        "year": decl.year,
        "unit": decl.unit,
        "name": decl.name,
        "as_of_month": m.as_of_month,
        "supervisor": m.supervisor,
        "total": _monitor_fund_shown(
            MonitorFundRow(m.budget_initial, m.budget_adjusted, m.spent_to_date, m.forecast_spent)
        ),
        "funds": [
            _monitor_fund_shown(getattr(funds, k, None) if funds else None)
            for k in ("appropriation", "carried_over", "other")
        ],
        "goal_progress": m.goal_progress,
        "indicators": [
            [
                i.category,
                i.subcategory,
                i.name,
                i.target,
                i.progress,
                i.forecast,
                i.likelihood,
                i.cause,
                i.deviation,
                i.remedy,
                i.remarks,
            ]
            for i in m.indicators
        ],  # fmt: skip
        "deviation_analysis": m.deviation_analysis,
        "measures": m.measures,
        "adjust_goals": m.adjust_goals,
        "adjustment": m.adjustment,
    }


def shown_goal_expected(decl: Declaration, ev: Evaluation) -> str | None:
    """预期目标 as printed: the evaluation's own text, else the declaration's 年度绩效目标."""
    return ev.goal_expected if ev.goal_expected is not None else decl.annual_goal


def shown_content(
    decl: Declaration, form: str = "declaration", scored: ScoreSheet | None = None
) -> dict[str, Any]:
    """What the exported sheet of ``form`` shows of ``decl``, as plain JSON (``scored``: the
    evaluation's score sheet, when the caller already has it).

    Two records with the same shown content give the same sheet; the import uses this to
    know whether a stamped file was edited after export.
    """
    if form == "monitoring":
        return _shown_monitoring(decl)
    if form == "evaluation":
        ev = decl.evaluation or Evaluation()
        sheet = scored or score_evaluation(ev, decl.framework)
        rows = []
        for ind, sc in zip(ev.indicators, sheet.indicators, strict=True):
            weight, score = (Decimal(0), Decimal(0)) if sc.not_applicable else (sc.weight, sc.score)
            rows.append([ind.category, ind.subcategory, ind.name, ind.target, ind.actual,
                         _num(weight), _num(score), ind.deviation])  # fmt: skip
        funds = ev.funds
        fund_rows = [
            _fund_shown(getattr(funds, k, None) if funds else None)
            for k in ("appropriation", "carried_over", "other")
        ]
        return {
            "form": form,
            "year": decl.year,
            "unit": decl.unit,
            "name": decl.name,
            "layout": ev.layout,
            "supervisor": ev.supervisor,
            "total": _fund_shown(FundRow(ev.budget_initial, ev.budget_adjusted, ev.spent)),
            "funds": fund_rows,
            "budget_weight": _num(ev.budget_weight),
            "goal_expected": shown_goal_expected(decl, ev),
            "goal_actual": ev.goal_actual,
            "indicators": rows,
        }
    return _shown_declaration(declaration_to_dict(decl, with_store_keys=False), form)


def _shown_declaration(record: dict[str, Any], form: str) -> dict[str, Any]:
    """:func:`shown_content` of a declaration from its dict (which is not modified)."""
    d = dict(record)
    d.pop("evaluation", None)
    d.pop("monitoring", None)
    d.pop("created_from", None)
    d["form"] = form
    d["indicators"] = [
        [i["category"], i["subcategory"], i["name"], i["target"]]
        for i in d["indicators"]
        if (i["category"], i["subcategory"], i["name"], i["target"]) != (None, None, None, None)
    ]
    d["budget_items"] = [b for b in d["budget_items"] if (b["name"], b["amount"]) != (None, None)]
    s = d.get("signoff")
    if s is not None and all(v is None for v in s.values()):
        d["signoff"] = None
    return d


def stamp_of(decl: Declaration, form: str, scored: ScoreSheet | None = None) -> dict[str, Any]:
    """The stamp written with ``form``: the part of the record that form carries, and the
    fingerprint of what the sheet shows."""
    if form == "monitoring":
        assert decl.monitoring is not None
        part: dict[str, Any] = {
            "framework": decl.framework,
            "monitoring": monitoring_to_dict(decl.monitoring),
        }
        shown = _shown_monitoring(decl)
    elif form == "evaluation":
        assert decl.evaluation is not None
        # The framework decides the default weights, and a 自评表's headers do not say it.
        part = {
            "framework": decl.framework,
            "evaluation": evaluation_to_dict(decl.evaluation, decl.framework),
        }
        shown = shown_content(decl, form, scored)
    else:
        part = declaration_to_dict(decl, with_store_keys=False)
        shown = _shown_declaration(part, form)
        part.pop("evaluation", None)
        part.pop("monitoring", None)
    return {
        "version": STAMP_VERSION,
        "form": form,
        "shown": fingerprint_of(shown),
        "record": part,
    }


def stamp_text(decl: Declaration, form: str, scored: ScoreSheet | None = None) -> str:
    """The stamp as the text of the custom document property. Not a cell: Excel's 32,767
    character limit does not apply (a record with long texts has a long stamp)."""
    text = json.dumps(stamp_of(decl, form, scored), ensure_ascii=False, separators=(",", ":"))
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def read_stamp(data: bytes) -> dict[str, Any] | None:
    """The stamp of an .xlsx written by perfdesk, or None (another program's file, an .xls,
    a stamp of another version, anything unreadable: the sheet alone is then the record)."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            try:
                info = z.getinfo("docProps/custom.xml")
            except KeyError:
                return None
            if info.file_size > MAX_STAMP_BYTES:
                return None
            root = ElementTree.fromstring(z.read(info))
    except (zipfile.BadZipFile, OSError, ValueError, ElementTree.ParseError):
        return None
    except Exception:  # defusedxml's refusals (entities, DTDs) and the like
        return None
    for prop in root:
        if prop.get("name") != STAMP_PROPERTY:
            continue
        text = "".join(prop.itertext())
        try:
            stamp = loads(text)
        except ValueError:
            return None
        if isinstance(stamp, dict) and stamp.get("version") == STAMP_VERSION:
            return stamp
    return None


def restore_from_stamp(read: Declaration, stamp: dict[str, Any] | None) -> Declaration:
    """The record a re-import should store for one form read from a perfdesk export.

    When the sheet still shows exactly what perfdesk wrote, the stamp's record (with what
    paper does not show: target directions, override reasons, not-applicable marks, tier
    scores, raw weights, created-from) replaces what was read; when someone edited the file
    in Excel, the sheet wins and the stamp is ignored. ``read`` is not modified.
    """
    if not stamp or stamp.get("form") not in FORMS:
        return read
    form = stamp["form"]
    if fingerprint_of(shown_content(read, form)) != stamp.get("shown"):
        return read
    record = stamp.get("record")
    if not isinstance(record, dict):
        return read
    try:
        if form == "monitoring":
            if read.monitoring is None or not isinstance(record.get("monitoring"), dict):
                return read
            out = deepcopy(read)
            if record.get("framework") in FRAMEWORKS:
                out.framework = record["framework"]
            out.monitoring = monitoring_from_dict(record["monitoring"])
        elif form == "evaluation":
            if read.evaluation is None or not isinstance(record.get("evaluation"), dict):
                return read
            out = deepcopy(read)
            if record.get("framework") in FRAMEWORKS:
                out.framework = record["framework"]
            out.evaluation = evaluation_from_dict(record["evaluation"], out.framework)
        else:
            out = declaration_from_dict(record)
            out.evaluation = read.evaluation
            out.monitoring = read.monitoring
    except InputError:
        return read
    out.id, out.status, out.revision = read.id, read.status, read.revision
    # The stamp must not change what the sheet shows (a forged or stale stamp).
    if fingerprint_of(shown_content(out, form)) != stamp.get("shown"):
        return read
    return out


def restore_workbook(read: Declaration, data: bytes) -> Declaration:
    """:func:`restore_from_stamp` with the stamp taken from the workbook's bytes."""
    return restore_from_stamp(read, read_stamp(data))
