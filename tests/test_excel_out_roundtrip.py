"""Export → import gives back the same record (perfdesk.excel.writer ↔ perfdesk.excel.reader).

Two levels are checked:
* the sheet alone: what the form shows (``shown_content``) is read back exactly, and a
  record holding nothing paper cannot show comes back equal on every key;
* with the stamp (``restore_workbook``): every key of ``declaration_to_dict`` is equal.
"""

from __future__ import annotations

import datetime as dt
import io
from copy import deepcopy
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from perfdesk.excel.reader import read_workbook
from perfdesk.excel.sheet import ALL_LABELS, ROLE_INDEX
from perfdesk.excel.writer import (
    read_stamp,
    restore_from_stamp,
    restore_workbook,
    shown_content,
    write_form,
)
from perfdesk.models.form_rows import DECLARATION_ROWS
from perfdesk.models.records import FUND_USES, PROJECT_TYPES, BudgetItem, Declaration
from perfdesk.models.serialize import declaration_from_dict, declaration_to_dict, loads
from tests.strategies import declarations

DATA = Path(__file__).parent / "data"
RECORDS = [DATA / "seed.json", *sorted((DATA / "excel_out").glob("*.json"))]
CORPUS = sorted(p for p in (DATA / "excel_in").glob("*.xls*"))


def load(path: Path) -> Declaration:
    return declaration_from_dict(loads(path.read_text(encoding="utf-8")))


def export(decl: Declaration, form: str) -> bytes:
    buf = io.BytesIO()
    write_form(decl, buf, form)
    return buf.getvalue()


def reread(data: bytes, form: str) -> Declaration:
    result = read_workbook(data, f"{form}.xlsx")
    assert len(result.forms) == 1
    assert result.forms[0].kind == form
    return result.forms[0].declaration


def part(decl: Declaration, form: str) -> dict[str, Any]:
    """The keys a form carries: the declaration without its evaluation, or the evaluation."""
    d = declaration_to_dict(decl, with_store_keys=False)
    if form == "evaluation":
        return {"year": d["year"], "unit": d["unit"], "name": d["name"], **d["evaluation"]}
    d.pop("evaluation")
    return d


def forms_of(decl: Declaration) -> list[str]:
    return ["declaration"] + (["evaluation"] if decl.evaluation is not None else [])


def assert_round_trip(decl: Declaration, form: str) -> Declaration:
    data = export(decl, form)
    read = reread(data, form)
    assert shown_content(read, form) == shown_content(decl, form)
    restored = restore_workbook(read, data)
    assert part(restored, form) == part(decl, form)
    return read


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_records_round_trip(path: Path) -> None:
    decl = load(path)
    for form in forms_of(decl):
        assert_round_trip(decl, form)


def test_plain_records_round_trip_without_the_stamp() -> None:
    """Nothing hidden: the sheet alone gives back every key."""
    for decl in (load(DATA / "seed.json"), load(DATA / "excel_out" / "sh2019_shanghai_eval.json")):
        read = reread(export(decl, "declaration"), "declaration")
        assert part(read, "declaration") == part(decl, "declaration")


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_imported_corpus_round_trips(path: Path) -> None:
    """Every record of the import corpus (files as Excel, WPS and the finance system make
    them) comes back from our export as it was read."""
    result = read_workbook(path.read_bytes(), path.name, year=2019)
    for form in result.forms:
        assert_round_trip(form.declaration, form.kind)


# ---------------------------------------------------------------- what the stamp guards


def test_hidden_keys_come_back_only_through_the_stamp() -> None:
    decl = load(DATA / "excel_out" / "national_full.json")
    data = export(decl, "declaration")
    read = reread(data, "declaration")
    assert read.indicators[3].direction is None  # not on paper
    assert restore_workbook(read, data).indicators[3].direction == "≤"

    data = export(decl, "evaluation")
    read = reread(data, "evaluation")
    restored = restore_workbook(read, data)
    assert restored.evaluation.indicators[6].tier_score == Decimal(14)
    assert restored.evaluation.indicators[6].tier == "达成"


def test_an_edited_file_wins_over_its_stamp(tmp_path: Path) -> None:
    decl = load(DATA / "excel_out" / "national_full.json")
    path = tmp_path / "edited.xlsx"
    path.write_bytes(export(decl, "declaration"))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "项目名称")
    ws.cell(row, 2).value = "大气污染防治专项监测（调整）"
    wb.save(path)  # Excel and openpyxl keep custom properties on save
    data = path.read_bytes()
    assert read_stamp(data) is not None
    read = reread(data, "declaration")
    restored = restore_workbook(read, data)
    assert restored.name == "大气污染防治专项监测（调整）"
    assert restored.indicators[3].direction is None  # the stamp was not used


def test_a_stamp_that_disagrees_with_the_sheet_is_ignored() -> None:
    decl = load(DATA / "seed.json")
    data = export(decl, "declaration")
    read = reread(data, "declaration")
    stamp = read_stamp(data)
    assert stamp is not None
    forged = deepcopy(stamp)
    forged["record"]["year_budget"] = 1  # changes what the form shows
    assert restore_from_stamp(read, forged) is read
    assert restore_from_stamp(read, None) is read
    assert restore_from_stamp(read, {"form": "nonsense"}) is read
    assert read_stamp(b"not a zip") is None


# ---------------------------------------------------------------- property-based


def filled(decl: Declaration) -> Declaration:
    """A plausible, complete record: every single-value cell of the form filled (see the
    xfail cases below for blanks the reader does not yet read as blank; a value that is
    itself a label, such as 主管部门, would be read as a label)."""
    for key in ("overview", "basis", "necessity", "measures", "plan", "overall_goal",
                "annual_goal", "remarks"):  # fmt: skip
        if getattr(decl, key) is None:
            setattr(decl, key, "无")
    # The reader normalises the inline 申报单位名称：… value (see the xfail below).
    decl.unit = "".join(ch for ch in decl.unit or "" if "\u4e00" <= ch <= "\u9fa5") or "某单位"
    decl.project_type = decl.project_type or PROJECT_TYPES[3]
    decl.fund_use = decl.fund_use or FUND_USES[3]
    decl.start_date = decl.start_date or dt.date(decl.year, 1, 1)
    decl.end_date = decl.end_date or dt.date(decl.year, 12, 31)
    for key in ("total_budget", "year_budget", "prev_year_budget", "prev_year_spent"):
        if getattr(decl, key) is None:
            setattr(decl, key, Decimal("0.00"))
    if decl.signoff is not None:
        s = decl.signoff
        s.head, s.preparer = s.head or "张三", s.preparer or "李四"
        s.phone, s.date = s.phone or "12345", s.date or dt.date(decl.year, 1, 2)
    ev = decl.evaluation
    if ev is not None:
        ev.supervisor = ev.supervisor or "某市财政局"
        ev.goal_actual = ev.goal_actual or "已完成"
        for key in ("budget_initial", "budget_adjusted", "spent"):
            if getattr(ev, key) is None:
                setattr(ev, key, Decimal("0.00"))
    return decl


def seed_with(**fields: Any) -> Declaration:
    decl = load(DATA / "seed.json")
    for key, value in fields.items():
        setattr(decl, key, value)
    return decl


# Every counterexample hypothesis ever found stays here (issue 19).
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations().map(filled))
@example(seed_with(remarks="分解目标"))
def test_generated_records_round_trip(decl: Declaration) -> None:
    for form in forms_of(decl):
        assert_round_trip(decl, form)


# Texts a value position must hold as they are: the forms' own label words (a value beside
# a label is a value in perfdesk's own layout), numbers as text, leading signs, spaces.
_LABEL_WORDS = sorted(
    {*ALL_LABELS, *ROLE_INDEX, *(r.label for r in DECLARATION_ROWS if r.label), "分解目标"}
)
TRICKY = st.one_of(
    st.sampled_from(_LABEL_WORDS),
    st.sampled_from(["001", "-5", "+3", "=1", "-", "@某", "1e3", "12.50", "０１"]),
    st.builds(lambda a, t, b: f"{a}{t}{b}", st.sampled_from([" ", "  ", "\t", ""]),
              st.sampled_from(_LABEL_WORDS), st.sampled_from([" ", "\n", ""])),
)  # fmt: skip
_TEXT_KEYS = ("overview", "basis", "necessity", "measures", "plan", "overall_goal",
              "annual_goal", "remarks")  # fmt: skip


@st.composite
def tricky_records(draw: st.DrawFn) -> Declaration:
    decl = filled(draw(declarations()))
    for key in _TEXT_KEYS:
        if draw(st.booleans()):
            setattr(decl, key, draw(TRICKY))
    for ind in decl.indicators:
        if draw(st.booleans()):
            ind.name = draw(TRICKY)
    for item in decl.budget_items:
        if item.name is not None and draw(st.booleans()):
            item.name = draw(TRICKY)
    ev = decl.evaluation
    if ev is not None:
        ev.supervisor = draw(TRICKY)
        ev.goal_actual = draw(TRICKY)
        for ind in ev.indicators:
            if draw(st.booleans()):
                ind.actual, ind.deviation = draw(TRICKY), draw(st.none() | TRICKY)
    return decl


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tricky_records())
@example(seed_with(remarks="分解目标", overview="项目名称", plan=" 备注\n", annual_goal="-5"))
@example(seed_with(basis="一级指标", necessity="总分", measures="001", overall_goal="\t年度目标"))
@example(seed_with(budget_items=[BudgetItem("合计", None)]))  # a sub-project named 合计
@example(seed_with(budget_items=[BudgetItem("监控时点", None)]))  # not a 运行监控表 for that
def test_label_words_and_odd_texts_round_trip(decl: Declaration) -> None:
    for form in forms_of(decl):
        assert_round_trip(decl, form)


# ---------------------------------------------------------------- blanks, and reader gaps (reported)


def test_blank_goals_stay_blank() -> None:
    decl = load(DATA / "excel_out" / "national_full.json")
    decl.annual_goal = None
    decl.evaluation.goal_actual = None
    assert_round_trip(decl, "evaluation")


def test_blank_dates_stay_blank() -> None:
    decl = load(DATA / "seed.json")
    decl.end_date = None
    assert_round_trip(decl, "declaration")


def test_unit_with_fullwidth_punctuation() -> None:
    decl = load(DATA / "seed.json")
    decl.unit = "某区财政局（本级）：办公室，一科"
    assert_round_trip(decl, "declaration")
