"""The declaration editor's national rows (主管部门, 其中：财政拨款, 其他资金), driven in the
real window with pytest-qt and checked in the database."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

pytest.importorskip("PySide6")
from PySide6.QtWidgets import QFormLayout  # noqa: E402

from perfdesk.models.records import DeclarationFunds  # noqa: E402
from tests.test_ui import (  # noqa: E402, F401  (fixtures)
    make_window,
    prompts,
    qt_warnings_fail,
    seed_decl,
    select_first,
    stored,
    type_text,
    wait_idle,
)

NATIONAL_FIELDS = ("supervisor", "funds.appropriation", "funds.other")


def _row_visible(editor, key: str) -> bool:  # type: ignore[no-untyped-def]
    widget = editor.fields[key]
    form = widget.parentWidget().layout()
    assert isinstance(form, QFormLayout)
    return form.isRowVisible(widget)


def _national():  # type: ignore[no-untyped-def]
    decl = copy.deepcopy(seed_decl())
    decl.framework = "national"
    decl.project_type = decl.fund_use = None
    for ind in decl.indicators:
        ind.category, ind.subcategory = "产出指标", "数量指标"
    return decl


def test_national_record_takes_supervisor_and_fund_rows(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([_national()])
    select_first(qtbot, w)
    ed = w.declaration_editor
    assert all(_row_visible(ed, key) for key in NATIONAL_FIELDS)
    # The goals carry the national form's names.
    assert ed.row_labels["overall_goal"].text() == "中长期目标"
    assert ed.row_labels["annual_goal"].text() == "年度目标"
    type_text(ed.fields["supervisor"], "上海市人民政府办公厅")
    for key, amount in (("funds.appropriation", "133000000"), ("funds.other", "340000")):
        type_text(ed.fields[key], amount)
        ed.fields[key].editingFinished.emit()
    assert ed.fields["funds.appropriation"].text() == "133,000,000.00"
    # The running check adds the two rows up against 年度资金总额 (the year's budget).
    assert "财政拨款与其他资金合计 133,340,000.00 元，与年度资金总额（当年预算）相符" in (
        ed.budget_total.text()
    )
    assert w.undo_group.undoText() == "修改“其他资金”"
    w.record.save()
    wait_idle(qtbot, w)
    decl = stored(w, w.session.decl.id)
    assert decl.supervisor == "上海市人民政府办公厅"
    assert decl.funds == DeclarationFunds(Decimal("133000000"), Decimal("340000"))


def test_fund_rows_that_do_not_add_up_are_shown_in_red(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([_national()])
    select_first(qtbot, w)
    ed = w.declaration_editor
    type_text(ed.fields["funds.appropriation"], "100")
    ed.fields["funds.appropriation"].editingFinished.emit()
    assert "与年度资金总额（当年预算）不符" in ed.budget_total.text()
    assert "b71c1c" in ed.budget_total.styleSheet()


def test_shanghai_record_hides_the_national_rows(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    ed = w.declaration_editor
    assert not any(_row_visible(ed, key) for key in NATIONAL_FIELDS)
    assert ed.row_labels["overall_goal"].text() == "项目总目标"
    # Switching the framework shows them, for the national form's rows.
    ed.framework.setCurrentIndex(ed.framework.findData("national"))
    assert all(_row_visible(ed, key) for key in NATIONAL_FIELDS)
    assert ed.row_labels["annual_goal"].text() == "年度目标"
