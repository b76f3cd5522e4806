"""项目 → 新修订 in the real window (pytest-qt): it acts on the form of the open tab, is
offered while that form is final, reopens only that form (a final declaration stays final),
keeps what was typed in the other forms, and every earlier revision stays in the file as it
was."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from perfdesk.store.database import Store  # noqa: E402
from tests import pdf_helpers as H  # noqa: E402
from tests.test_ui import (  # noqa: E402, F401 - the window fixtures of the UI tests
    make_window,
    prompts,
    qt_warnings_fail,
    rows,
    seed_decl,
    select_first,
    stored,
    type_text,
    wait_idle,
)
from tests.test_ui_monitoring import filled  # noqa: E402


def sealed(declaration: str, monitoring: str = "final", evaluation: str | None = None):
    """The seed with a complete 运行监控表 (and 自评表), each form in the state asked for."""
    decl = filled(seed_decl())
    decl.status = declaration
    decl.monitoring.status = monitoring
    if evaluation is not None:
        decl.evaluation = H.evaluation_for(decl)
        decl.evaluation.status = evaluation
    return decl


def offered(w, form: str) -> bool:
    w.record.pane.show_form(form)
    return w.acts["act_new_revision"].isEnabled()


def test_new_revision_on_the_monitoring_tab_reopens_that_form_only(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([sealed("final", evaluation="draft")])
    select_first(qtbot, w)
    rid = rows(w)[0]["id"]
    # Offered where the form on screen is final, not where it is a draft.
    assert offered(w, "declaration") and not offered(w, "evaluation")
    assert offered(w, "monitoring")
    ed = w.monitoring_editor
    assert ed.read_only and "新修订" in ed.banner.text()
    w.acts["act_new_revision"].trigger()
    wait_idle(qtbot, w)
    assert w.record.current_form() == "monitoring"  # the clerk stays on the form reopened
    assert not ed.read_only and "草稿" in ed.banner.text()
    assert w.declaration_editor.read_only  # the declaration stays sealed
    assert not w.acts["act_new_revision"].isEnabled()
    assert w.acts["act_finalize"].isEnabled()
    assert "运行监控表已重新打开：第 2 版" in w.statusBar().currentMessage()
    now = stored(w, rid)
    assert (now.revision, now.status, now.monitoring.status) == (2, "final", "draft")
    assert rows(w)[0]["status"] == "final"
    # A change typed now goes into the reopened draft, in place.
    type_text(ed.fields["goal_progress"], "三季度加快进度")
    w.acts["act_save"].trigger()
    wait_idle(qtbot, w)
    now = stored(w, rid)
    assert now.revision == 2 and "三季度加快进度" in now.monitoring.goal_progress
    with Store(w.db_path) as store:
        assert [(r.revision, r.status) for r in store.revisions(rid)] == [
            (1, "final"), (2, "final")
        ]  # fmt: skip
        first = store.get(rid, 1)
    assert first.monitoring.status == "final"
    assert first.monitoring.goal_progress == "上半年各项工作按计划推进"
    # 定稿 again from the same tab.
    w.acts["act_finalize"].trigger()
    wait_idle(qtbot, w)
    assert stored(w, rid).monitoring.status == "final" and ed.read_only
    assert w.acts["act_new_revision"].isEnabled()


def test_reopening_the_monitoring_form_keeps_a_change_typed_in_the_draft_declaration(
    qtbot,
    make_window,  # noqa: F811
) -> None:
    w = make_window([sealed("draft")])
    select_first(qtbot, w)
    rid = rows(w)[0]["id"]
    assert not offered(w, "declaration")  # a draft: nothing to reopen
    w.record.pane.show_form("declaration")
    type_text(w.declaration_editor.fields["remarks"], "新修订前输入的备注")
    assert w.session.is_dirty()
    assert offered(w, "monitoring")
    w.acts["act_new_revision"].trigger()
    wait_idle(qtbot, w)
    now = stored(w, rid)
    assert (now.revision, now.status, now.monitoring.status) == (2, "draft", "draft")
    assert "新修订前输入的备注" in now.remarks
    assert w.session.decl.remarks == now.remarks and not w.session.is_dirty()
    assert not w.monitoring_editor.read_only


@pytest.mark.parametrize("declaration", ["final", "draft"])
def test_new_revision_on_the_evaluation_tab_reopens_the_evaluation(
    qtbot,
    make_window,  # noqa: F811
    declaration,
) -> None:
    w = make_window([sealed(declaration, evaluation="final")])
    select_first(qtbot, w)
    rid = rows(w)[0]["id"]
    assert offered(w, "evaluation")
    ev = w.evaluation_editor
    assert ev.read_only
    w.acts["act_new_revision"].trigger()
    wait_idle(qtbot, w)
    assert w.record.current_form() == "evaluation" and not ev.read_only
    assert w.monitoring_editor.read_only  # the 运行监控表 stays final
    now = stored(w, rid)
    assert (now.revision, now.status) == (2, declaration)
    assert (now.evaluation.status, now.monitoring.status) == ("draft", "final")
    assert "自评表已重新打开：第 2 版" in w.statusBar().currentMessage()
