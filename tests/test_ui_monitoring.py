"""The 运行监控 tab (issue 16, forms.md §5) driven through the real window with pytest-qt:
按申报表生成, typing with live 执行率/序时进度, the checks, undo, autosave read back from the
SQLite file, 定稿, the list's 监控 column, and the tab on a 1366×768 laptop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QColor  # noqa: E402

from perfdesk.models.monitoring import last_full_month  # noqa: E402
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

BEHIND = QColor("#b71c1c")


def open_monitoring(qtbot, w, decl=None):
    """The seed record opened, its 运行监控表 made with 按申报表生成运行监控表."""
    select_first(qtbot, w)
    w.record.pane.show_form("monitoring")
    ed = w.monitoring_editor
    assert ed.pages.currentIndex() == 0  # no form yet: the button
    ed.create_button.click()
    assert w.session.decl.monitoring is not None
    assert ed.pages.currentIndex() == 1
    return ed


def finding(w, field: str):
    return next((f for f in w.checks.findings if f.field == field), None)


def test_tab_sits_between_declaration_and_evaluation(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == [
        "绩效目标申报表", "运行监控", "绩效自评表"
    ]  # fmt: skip
    w.tabs.setCurrentIndex(1)
    assert w.record.current_form() == "monitoring"
    assert w.monitoring_editor.create_button.text() == "按申报表生成运行监控表"
    # Nothing to finalize or print before the form exists; the menu offers to make it.
    assert not w.acts["act_finalize"].isEnabled()
    assert not w.acts["act_pdf"].isEnabled()
    assert w.acts["act_make_monitoring"].isEnabled()


def test_generate_from_the_menu_carries_the_declaration_over(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    decl = w.session.decl
    w.acts["act_make_monitoring"].trigger()
    assert w.record.current_form() == "monitoring"  # the new form is shown
    m = w.session.decl.monitoring
    assert m.as_of_month == last_full_month(decl.year, dt.date.today())
    assert m.budget_initial == m.budget_adjusted == decl.year_budget
    assert [(i.name, i.target) for i in m.indicators] == [
        (i.name, i.target) for i in decl.indicators
    ]
    ed = w.monitoring_editor
    table = ed.indicators
    assert table.table.rowCount() == len(decl.indicators)
    assert table.row_values(2)["target"] == decl.indicators[2].target
    assert ed.fields["budget_adjusted"].value() == decl.year_budget
    assert not w.acts["act_make_monitoring"].isEnabled()  # one form per record
    assert w.acts["act_finalize"].text() == "监控表定稿"
    # Making the form is one undo step.
    assert w.undo_group.undoText() == "修改“绩效运行监控表”"
    w.undo_group.undo()
    assert w.session.decl.monitoring is None
    assert ed.pages.currentIndex() == 0


def test_rates_compared_as_the_user_types(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([seed_decl()])
    ed = open_monitoring(qtbot, w)
    ed.fields["as_of_month"].setCurrentIndex(6)  # 6月底: 序时进度 50%
    assert "序时进度 50.00%" in ed.rate_label.text()
    assert "执行率：请填写" in ed.rate_label.text()
    budget = w.session.decl.year_budget  # 133,340,000.00
    type_text(ed.fields["spent_to_date"], str(budget * Decimal("0.45")))
    text = ed.rate_label.text()
    assert "执行率 45.00%" in text and "落后序时进度 5.00%" in text
    assert ed.rate_label.styleSheet() == "color: #b71c1c;"  # red while behind
    assert "须填写" not in text  # within 10 points: no explanation required
    ed.fields["spent_to_date"].clear()
    type_text(ed.fields["spent_to_date"], str(budget * Decimal("0.38")))
    assert "超过 10 个百分点" in ed.rate_label.text()
    qtbot.waitUntil(lambda: finding(w, "monitoring.deviation_analysis") is not None, timeout=3000)
    ed.fields["spent_to_date"].clear()
    type_text(ed.fields["spent_to_date"], str(budget * Decimal("0.60")))
    assert "执行率 60.00%" in ed.rate_label.text() and "达到序时进度" in ed.rate_label.text()
    assert ed.rate_label.styleSheet() == "color: #1b5e20;"
    qtbot.waitUntil(lambda: finding(w, "monitoring.deviation_analysis") is None, timeout=3000)
    # The month is in the labels and the progress column's header.
    assert ed.spent_label.text() == "1至6月执行数"
    header = ed.indicators.table.horizontalHeaderItem(ed.indicators.col_index("progress"))
    assert header.text() == "截至6月底完成情况"


def test_likelihood_and_cause_are_closed_lists_and_checked(qtbot, make_window) -> None:  # noqa: F811
    from PySide6.QtWidgets import QAbstractItemDelegate, QComboBox

    w = make_window([seed_decl()])
    ed = open_monitoring(qtbot, w)
    table = ed.indicators
    c = table.col_index("likelihood")
    table.table.setCurrentCell(2, c)
    table.table.editItem(table.table.item(2, c))
    box = table.table.findChild(QComboBox)
    assert box is not None and not box.isEditable()
    assert [box.itemText(i) for i in range(box.count())] == ["—", "确定能", "有可能", "完全不可能"]
    box.setCurrentIndex(3)
    table.table.commitData(box)
    table.table.closeEditor(box, QAbstractItemDelegate.EndEditHint.NoHint)
    assert w.session.decl.monitoring.indicators[2].likelihood == "完全不可能"
    assert table.table.item(2, c).foreground().color() == BEHIND
    # 完全不可能 needs a cause, a deviation analysis and a remedy (errors).
    qtbot.waitUntil(lambda: finding(w, "monitoring.indicators[2].cause") is not None, timeout=3000)
    error = finding(w, "monitoring.indicators[2].cause")
    assert error.level == "error"
    # Activating it opens the row's detail at 原因类型.
    w.record.pane.show_form("declaration")
    w.checks.activate_row(w.checks.findings.index(error))
    assert w.record.current_form() == "monitoring"
    assert ed.detail.row == 2 and ed.detail.title().startswith("第 3 行：")
    cause = ed.detail.fields["cause"]
    assert w.focusWidget() is cause
    assert [cause.itemText(i) for i in range(cause.count())] == [
        "—", "经费保障", "制度保障", "人员保障", "硬件保障", "其他"
    ]  # fmt: skip
    cause.setCurrentText("人员保障")
    type_text(ed.detail.fields["deviation"], "热线坐席流失，上半年招聘未到位")
    type_text(ed.detail.fields["remedy"], "三季度补充坐席40名")
    got = w.session.decl.monitoring.indicators[2]
    assert (got.cause, got.deviation, got.remedy) == (
        "人员保障", "热线坐席流失，上半年招聘未到位", "三季度补充坐席40名"
    )  # fmt: skip
    qtbot.waitUntil(
        lambda: (
            not any(
                f.field.startswith("monitoring.indicators[2].")
                and f.field.split(".")[-1] in ("cause", "deviation", "remedy")
                for f in w.checks.findings
            )
        ),
        timeout=3000,
    )


def test_detail_follows_the_selected_row_and_undo_names_the_field(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([seed_decl()])
    ed = open_monitoring(qtbot, w)
    table = ed.indicators
    table.table.setCurrentCell(4, 0)
    assert ed.detail.title().startswith("第 5 行：")
    type_text(ed.detail.fields["forecast"], "全年达标")
    assert w.undo_group.undoText() == "修改绩效指标第5行“全年预计完成情况”"
    assert w.session.decl.monitoring.indicators[4].forecast == "全年达标"
    table.table.setCurrentCell(1, 0)
    assert ed.detail.fields["forecast"].value() is None  # row 2's own (empty) value
    table.set_cell(1, "progress", "已完成经费使用中期核查")
    assert w.undo_group.undoText() == "修改绩效指标第2行“截至X月底完成情况”"
    type_text(ed.fields["goal_progress"], "上半年受理量达全年目标的52%")
    assert w.undo_group.undoText() == "修改“年度总体目标完成情况”"
    w.undo_group.undo()
    assert ed.fields["goal_progress"].value() is None
    w.undo_group.undo()
    assert table.row_values(1)["progress"] is None
    w.undo_group.undo()
    assert w.session.decl.monitoring.indicators[4].forecast is None
    # Undo shows the row it touched, in the detail too.
    assert ed.detail.row == 4 and ed.detail.fields["forecast"].value() is None
    w.undo_group.redo()
    assert ed.detail.fields["forecast"].value() == "全年达标"


def test_tab_fits_a_laptop_screen(qtbot, make_window, tmp_path: Path) -> None:  # noqa: F811
    """1366×768 and the smaller window a laptop's taskbar leaves (94%): the indicator table
    and the form scroll only downwards."""
    from perfdesk.ui.window_state import default_split

    w = make_window([seed_decl()])
    ed = open_monitoring(qtbot, w)
    ed.indicators.set_cell(2, "progress", "接听电话150万个，网站和手机受理14.5万件")
    for size in ((1366, 768), (1284, 684)):
        w.resize(*size)
        w.splitter.setSizes(list(default_split(w.width())))
        qtbot.wait(50)
        ed.sections.setCurrentWidget(ed.scroll_area)
        qtbot.wait(50)
        assert ed.scroll_area.horizontalScrollBar().maximum() == 0
        ed.sections.setCurrentWidget(ed.indicators_page)
        qtbot.wait(50)
        table = ed.indicators.table
        assert table.horizontalScrollBar().maximum() == 0
        for key in ("name", "target", "progress", "likelihood"):
            c = ed.indicators.col_index(key)
            assert not table.isColumnHidden(c) and table.columnWidth(c) >= 80
        for key in ("forecast", "cause", "deviation", "remedy", "remarks", "category"):
            assert table.isColumnHidden(ed.indicators.col_index(key))
        shot = tmp_path / f"monitoring-{size[0]}x{size[1]}.png"
        assert w.grab().save(str(shot))
        assert shot.stat().st_size > 10_000
