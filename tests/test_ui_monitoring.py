"""The 运行监控 tab (issue 16, forms.md §5) driven through the real window with pytest-qt:
按申报表生成, typing with live 执行率/序时进度, the checks, undo, autosave read back from the
SQLite file, 定稿, the list's 监控 column, and the tab on a 1366×768 laptop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QItemSelectionModel, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from perfdesk.models.monitoring import last_full_month, make_monitoring  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402
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
    assert not any(w.acts[a].isEnabled() for a in ("act_export", "act_pdf", "act_preview"))
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
    assert "执行率：请填写1至6月执行数" in ed.rate_label.text()
    budget = w.session.decl.year_budget  # 133,340,000.00
    type_text(ed.fields["spent_to_date"], str(budget * Decimal("0.45")))
    text = ed.rate_label.text()
    assert "执行率 45.00%" in text and "落后序时进度 5.00 个百分点" in text
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


def test_autosave_reloads_from_the_database_file(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([seed_decl()], autosave_ms=100)
    ed = open_monitoring(qtbot, w)
    rid = rows(w)[0]["id"]
    ed.fields["as_of_month"].setCurrentIndex(7)
    type_text(ed.fields["spent_to_date"], "70000000")
    ed.indicators.set_cell(0, "progress", "运行平稳，未发生安全事故")
    ed.indicators.set_cell(0, "likelihood", "确定能")
    ed.fields["adjust_goals"].buttons[1].click()  # 否
    qtbot.waitUntil(
        lambda: (m := stored(w, rid).monitoring) is not None and m.adjust_goals is False,
        timeout=5000,
    )
    wait_idle(qtbot, w)
    assert not w.session.is_dirty()
    m = stored(w, rid).monitoring
    assert m.as_of_month == 7 and m.spent_to_date == Decimal("70000000.00")
    assert (m.indicators[0].progress, m.indicators[0].likelihood) == (
        "运行平稳，未发生安全事故", "确定能"
    )  # fmt: skip
    assert stored(w, rid).revision == 1  # a draft is saved in place
    # Another window on the same file shows what was saved.
    w.close()
    w2 = make_window()
    select_first(qtbot, w2)
    w2.record.pane.show_form("monitoring")
    ed2 = w2.monitoring_editor
    assert ed2.pages.currentIndex() == 1
    assert ed2.fields["as_of_month"].value() == 7
    assert ed2.indicators.row_values(0)["likelihood"] == "确定能"
    assert "执行率 52.50%" in ed2.rate_label.text()


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


def filled(decl, spent_share: str = "0.5", likelihood: str = "确定能"):
    """``decl`` with a 运行监控表 as of 6月底 that has no errors (its warnings aside)."""
    m = make_monitoring(decl, dt.date(decl.year, 7, 15))
    m.supervisor = "上海市人民政府办公厅"
    m.spent_to_date = decl.year_budget * Decimal(spent_share)
    m.forecast_spent = decl.year_budget
    m.goal_progress = "上半年各项工作按计划推进"
    for i in m.indicators:
        i.progress, i.forecast, i.likelihood = (
            "按计划推进，已完成全年的一半",
            "全年可完成",
            likelihood,
        )
    decl.monitoring = m
    return decl


def test_finalize_locks_the_monitoring_form_only(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([filled(seed_decl())])
    select_first(qtbot, w)
    w.record.pane.show_form("monitoring")
    ed = w.monitoring_editor
    assert not [f for f in w.checks.errors() if f.field.startswith("monitoring")]
    assert w.acts["act_finalize"].isEnabled() and w.acts["act_finalize"].text() == "监控表定稿"
    w.acts["act_finalize"].trigger()
    wait_idle(qtbot, w)
    rid = rows(w)[0]["id"]
    saved = stored(w, rid)
    assert saved.monitoring.status == "final" and saved.status == "draft"
    assert ed.read_only and "只读" in ed.banner.text()
    assert ed.fields["spent_to_date"].isReadOnly() and not ed.fields["as_of_month"].isEnabled()
    assert not ed.indicators.add_button.isEnabled()
    assert ed.detail.fields["forecast"].isReadOnly()
    assert not ed.detail.fields["cause"].isEnabled()
    assert not w.declaration_editor.read_only  # the declaration stays a draft
    assert not w.acts["act_finalize"].isEnabled()
    assert w.acts["act_new_revision"].isEnabled()  # 新修订 reopens this form (test_ui_revise)
    assert w.session.decl.monitoring.status == "final" and not w.session.is_dirty()
    assert "运行监控表已定稿" in w.statusBar().currentMessage()


def test_finalize_blocked_by_errors_names_them(qtbot, make_window) -> None:  # noqa: F811
    decl = filled(seed_decl())
    decl.monitoring.indicators[1].likelihood = "完全不可能"  # without cause, deviation, remedy
    w = make_window([decl])
    select_first(qtbot, w)
    w.record.pane.show_form("monitoring")
    w.records.finalize()
    wait_idle(qtbot, w)
    assert stored(w, rows(w)[0]["id"]).monitoring.status == "draft"
    box = w.last_dialog
    assert isinstance(box, QMessageBox)
    assert "运行监控表" in box.text() and "不能定稿" in box.text() and "原因类型" in box.text()
    assert not w.monitoring_editor.read_only


def monitoring_cells(w) -> list[tuple[str, str, str | None]]:
    """The list's 监控 cells: (project, text, colour)."""
    from perfdesk.ui.browser_model import KEYS

    model = w.browser.model
    col = KEYS.index("monitoring_status")
    out = []
    for r in range(model.rowCount()):
        brush = model.data(model.index(r, col), Qt.ItemDataRole.ForegroundRole)
        name = model.data(model.index(r, KEYS.index("name")))
        text = model.data(model.index(r, col))
        out.append((name, text, brush.color().name() if brush is not None else None))
    return sorted(out)


def test_list_shows_the_monitoring_state_with_a_red_mark(qtbot, make_window) -> None:  # noqa: F811
    none = seed_decl()
    none.name = "未开始监控的项目"
    on_time = filled(seed_decl())
    on_time.name = "按序时执行的项目"
    lagging = filled(seed_decl(), spent_share="0.3")  # 30% of the budget by 6月底
    lagging.name = "执行滞后的项目"
    hopeless = filled(seed_decl(), likelihood="完全不可能")
    hopeless.name = "目标无法完成的项目"
    w = make_window([none, on_time, lagging, hopeless])
    headers = [
        w.browser.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(w.browser.model.columnCount())
    ]
    assert headers.index("监控") == headers.index("申报表") + 2  # 申报表, 版本, 监控, 自评表
    assert headers.index("自评表") == headers.index("监控") + 1
    assert monitoring_cells(w) == sorted(
        [
            ("未开始监控的项目", "未开始", None),
            ("按序时执行的项目", "草稿", None),
            ("执行滞后的项目", "草稿●", "#b71c1c"),
            ("目标无法完成的项目", "草稿●", "#b71c1c"),
        ]
    )
    view = w.browser.view
    assert not view.isColumnHidden(headers.index("监控"))
    # Typing in the window moves the mark once the form is saved: the lagging project
    # catches up with 序时进度.
    row = next(r for r in range(w.browser.model.rowCount())
               if w.browser.model.data(w.browser.model.index(r, 3)) == "执行滞后的项目")  # fmt: skip
    view.selectRow(row)
    qtbot.waitUntil(lambda: w.session is not None and w.session.decl.name == "执行滞后的项目")
    ed = w.monitoring_editor
    ed.fields["spent_to_date"].clear()
    type_text(ed.fields["spent_to_date"], str(w.session.decl.year_budget * Decimal("0.55")))
    w.record.save()
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: ("执行滞后的项目", "草稿", None) in monitoring_cells(w), timeout=5000)
    # and 定稿 shows as the declaration's does.
    w.record.pane.show_form("monitoring")
    w.records.finalize()
    wait_idle(qtbot, w)
    qtbot.waitUntil(
        lambda: ("执行滞后的项目", "定稿", "#1b5e20") in monitoring_cells(w), timeout=5000
    )
    assert ("未开始监控的项目", "未开始", None) in monitoring_cells(w)


def test_export_print_on_the_tab(qtbot, make_window, prompts, tmp_path) -> None:  # noqa: F811
    """导出Excel, 导出PDF, 打印预览 and the history's reprint take the open tab's form: the
    运行监控表 as the bureau's workbook (read back by the import) and on A4 (read back with
    poppler)."""
    import subprocess

    from perfdesk.ui.history import HistoryDialog
    from perfdesk.ui.preview import PreviewDialog

    w = make_window([filled(seed_decl())])
    select_first(qtbot, w)
    w.record.pane.show_form("monitoring")
    assert all(w.acts[a].isEnabled() for a in ("act_export", "act_pdf", "act_preview"))

    xlsx = tmp_path / "监控.xlsx"
    prompts.saves = [xlsx]
    w.files.export_excel()
    wait_idle(qtbot, w)
    from perfdesk.excel.batch import read_path

    forms = read_path(xlsx)
    assert [f.kind for f in forms] == ["monitoring"]
    assert forms[0].declaration.monitoring.indicators[0].progress == "按计划推进，已完成全年的一半"

    pdf = tmp_path / "监控.pdf"
    prompts.saves = [pdf]
    w.files.export_pdf()
    wait_idle(qtbot, w)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "运行监控" in text and "上半年各项工作按计划推进" in text
    assert "自评" not in text.split("\n")[0]

    w.files.preview()
    qtbot.waitUntil(lambda: isinstance(w.last_dialog, PreviewDialog), timeout=20_000)
    assert w.last_dialog.form == "monitoring" and w.last_dialog.page_count() >= 1
    w.last_dialog.close()

    w.records.show_history()
    qtbot.waitUntil(lambda: isinstance(w.last_dialog, HistoryDialog))
    history = w.last_dialog
    headers = [history.table.horizontalHeaderItem(c).text() for c in range(6)]
    assert headers[4] == "监控表指纹" and history.table.item(0, 4).text() != "—"
    history._preview("monitoring")
    qtbot.waitUntil(lambda: isinstance(w.last_dialog, PreviewDialog), timeout=20_000)
    assert w.last_dialog.form == "monitoring" and w.last_dialog.decl.revision == 1
    w.last_dialog.close()
    history.close()


def test_evaluation_shows_the_mid_year_word_beside_the_actual(qtbot, make_window) -> None:  # noqa: F811
    """The 自评表's row pane shows what the 运行监控表 said of the selected indicator, and
    the check panel warns where 确定能 ended below target."""
    from tests.test_ui import demo_decl

    decl = filled(demo_decl())
    m = decl.monitoring
    m.indicators[3].likelihood = "确定能"
    m.indicators[3].forecast = "全年满意度95%"
    m.indicators[3].progress = "1至6月满意度96.1%"
    plain = demo_decl()
    plain.name = "没有运行监控表的项目"
    w = make_window([decl, plain])
    view = w.browser.view
    model = w.browser.model
    row = next(r for r in range(model.rowCount()) if model.record_id(r) == rows(w)[0]["id"])
    view.selectRow(row)
    qtbot.waitUntil(lambda: w.session is not None and w.session.decl.monitoring is not None)
    w.record.pane.show_form("evaluation")
    ev = w.evaluation_editor
    ev.sections.setCurrentWidget(ev.indicators_page)
    ev.indicators.table.setCurrentCell(3, ev.indicators.col_index("name"))
    shown = ev.detail.fields["mid_year"]
    assert shown.isVisible()
    # The printout's words, and what had been done by the form's month.
    assert shown.text() == "全年满意度95%（确定能）；截至6月底：1至6月满意度96.1%"
    assert ev.detail.labels["mid_year"].text() == "年中预计（完成可能性）"
    # An actual below the target after 确定能: the 自评表's warning (forms.md §5).
    ev.indicators.set_cell(3, "actual", "80%")
    qtbot.waitUntil(
        lambda: any(
            f.field.startswith("evaluation.indicators[3]") and "确定能" in f.message
            for f in w.checks.findings
        ),
        timeout=3000,
    )
    # A project without a 运行监控表 has no such line.
    other = next(r for r in range(model.rowCount()) if model.record_id(r) != w.record.record_id)
    view.selectRow(other)
    qtbot.waitUntil(lambda: w.session.decl.name == "没有运行监控表的项目")
    assert not ev.detail.fields["mid_year"].isVisible()


MONITORING_FORMS = Path(__file__).parent / "data" / "excel_in" / "monitoring"


@pytest.mark.parametrize(
    "name",
    [
        "hubei_huangshi_2019_mon__plain.xlsx",  # 黄石, as published
        "national_136_2020_mon__wps.xlsx",  # 财预〔2019〕136号, causes as ticked columns
        "boxes_in_cells_2023_mon__libreoffice.xls",  # checkbox groups in one cell
    ],
)
def test_imported_provincial_forms_show_whole_in_the_tab(qtbot, make_window, prompts, name) -> None:  # noqa: F811
    """A bureau's form imported through the window opens in the 运行监控 tab with every
    value: the editor's widgets give back exactly the stored form (nothing lost or changed
    by showing it), and its rates are computed."""
    import copy

    from perfdesk.models.monitoring import execution_rate, expected_rate
    from perfdesk.models.records import Monitoring
    from perfdesk.ui.monitoring_editor import percent

    w = make_window()
    prompts.files = [[MONITORING_FORMS / name]]
    w.files.import_files()
    wait_idle(qtbot, w)
    assert len(rows(w)) == 1, w.last_dialog.text.toPlainText()
    select_first(qtbot, w)
    saved = stored(w, rows(w)[0]["id"]).monitoring
    assert saved is not None and saved.indicators
    w.record.pane.show_form("monitoring")
    ed = w.monitoring_editor
    assert ed.pages.currentIndex() == 1
    assert ed.indicators.table.rowCount() == len(saved.indicators)
    # Every field is written from the widgets into a blank form.
    again = copy.deepcopy(w.session.decl)
    again.monitoring = Monitoring(status=saved.status)
    ed.collect_into(again)
    assert again.monitoring == saved
    assert not w.session.is_dirty()
    expected = expected_rate(saved)
    if expected is not None:
        assert f"序时进度 {percent(expected)}" in ed.rate_label.text()
    rate = execution_rate(saved)
    if rate is not None:
        assert f"执行率 {percent(rate)}" in ed.rate_label.text()
    for r, ind in enumerate(saved.indicators):
        assert ed.indicators.row_values(r)["likelihood"] == ind.likelihood


def test_funds_by_source_are_kept(qtbot, make_window) -> None:  # noqa: F811
    w = make_window([filled(seed_decl())])
    select_first(qtbot, w)
    w.record.pane.show_form("monitoring")
    ed = w.monitoring_editor
    assert not ed.funds_box.isEnabled() and ed.fund_headers[2].text() == "1至6月执行数"
    ed.funds_check.click()
    assert ed.funds_box.isEnabled()
    type_text(ed.fields["funds.appropriation.adjusted"], "120000000")
    type_text(ed.fields["funds.appropriation.spent_to_date"], "60000000")
    type_text(ed.fields["funds.carried_over.spent_to_date"], "6670000")
    assert w.undo_group.undoText() == "修改“上年结转”"
    w.record.save()
    wait_idle(qtbot, w)
    funds = stored(w, rows(w)[0]["id"]).monitoring.funds
    assert funds.appropriation.adjusted == Decimal("120000000.00")
    assert funds.appropriation.spent_to_date == Decimal("60000000.00")
    assert funds.carried_over.spent_to_date == Decimal("6670000.00")
    assert funds.carried_over.initial is None and funds.other is None
    ed.funds_check.click()  # 不分来源: the rows go with one undoable step
    assert w.session.decl.monitoring.funds is None
    w.undo_group.undo()
    assert w.session.decl.monitoring.funds == funds and ed.funds_check.isChecked()


def test_several_selected_monitoring(qtbot, make_window, prompts, tmp_path) -> None:  # noqa: F811
    """定稿 and 导出PDF with several projects selected offer the 运行监控表 (proposed on its
    tab); a project without one is named in the summary."""
    ready = filled(seed_decl())
    ready.name = "已填监控表的项目"
    none = seed_decl()
    none.name = "没有监控表的项目"
    w = make_window([ready, none])
    model = w.browser.model
    by_name = {model.name_of(model.record_id(r)): r for r in range(model.rowCount())}
    w.browser.view.selectRow(by_name["已填监控表的项目"])  # opened: its tab offers 定稿
    qtbot.waitUntil(lambda: w.session is not None)
    w.record.pane.show_form("monitoring")
    selection = w.browser.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(model.index(by_name["没有监控表的项目"], 0), flags)  # Ctrl+click
    wait_idle(qtbot, w)
    assert len(w.browser.selected_records()) == 2
    prompts.choices = ["绩效运行监控表"]
    w.acts["act_finalize"].trigger()
    wait_idle(qtbot, w)
    assert prompts.choices_offered[-1] == (
        ["绩效目标申报表", "绩效运行监控表", "绩效自评表"],
        "绩效运行监控表",
    )
    qtbot.waitUntil(lambda: w.last_dialog is not None and "定稿" in w.last_dialog.heading.text())
    assert "没有监控表的项目：" in w.last_dialog.text.toPlainText()
    with Store(w.db_path) as store:
        forms = {d.name: d.monitoring for d in (store.get(r["id"]) for r in rows(w))}
    assert forms["已填监控表的项目"].status == "final" and forms["没有监控表的项目"] is None
    w.feedback.last_dialog = None
    w.browser.view.selectAll()
    wait_idle(qtbot, w)
    assert len(w.browser.selected_records()) == 2
    out = tmp_path / "pdf"
    out.mkdir()
    prompts.choices = ["绩效运行监控表"]
    prompts.folders = [out]
    w.acts["act_pdf"].trigger()
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: w.last_dialog is not None)
    assert "没有监控表的项目：还没有运行监控表。" in w.last_dialog.text.toPlainText()
    (pdf,) = out.glob("*.pdf")
    assert "已填监控表的项目" in pdf.name and "运行监控表" in pdf.name
