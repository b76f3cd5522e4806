# ruff: noqa: F811 - the fixtures imported from test_ui are parameters of the tests
"""The window at a laptop's 1366×768 and a 1920×1080 screen (issue 15): Qt's own dialogs in
Chinese, dialogs and the window sized to their screen, the self-evaluation's key columns
together, the check panel that can be enlarged, recent files offered."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QWidget,
)

from tests.test_ui import (  # noqa: E402, F401 - the window's fixtures
    demo_decl,
    make_window,
    prompts,
    qt_warnings_fail,
    select_first,
    wait_idle,
)

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def chinese_qt(qapp) -> Iterator[None]:
    from perfdesk.ui.app import install_translations

    translators = install_translations(qapp)
    yield
    for t in translators:
        qapp.removeTranslator(t)


def _english_texts(dialog: QWidget) -> list[str]:
    """Every label, button, tool tip and column title of ``dialog`` still in English."""
    texts: list[str] = []
    for w in dialog.findChildren(QWidget):
        texts.append(w.toolTip())
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            texts += [
                str(m.headerData(c, Qt.Orientation.Horizontal)) for c in range(m.columnCount())
            ]
    return [t for t in texts if t and LATIN_WORD.search(t)]


@pytest.mark.parametrize(
    "mode",
    [
        (QFileDialog.FileMode.ExistingFiles, QFileDialog.AcceptMode.AcceptOpen),
        (QFileDialog.FileMode.AnyFile, QFileDialog.AcceptMode.AcceptSave),
        (QFileDialog.FileMode.Directory, QFileDialog.AcceptMode.AcceptOpen),
    ],
)
def test_qt_file_dialog_speaks_chinese(qtbot, chinese_qt, tmp_path, mode) -> None:
    """Qt's own file dialog (the one Linux desktops without a portal get): its labels
    (查找范围, 文件名称, 文件类型), buttons, tool tips and column titles are Chinese."""
    dialog = QFileDialog(None, "导入文件", str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setFileMode(mode[0])
    dialog.setAcceptMode(mode[1])
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    qtbot.waitExposed(dialog)
    look_in = dialog.findChild(QLabel, "lookInLabel")
    file_type = dialog.findChild(QLabel, "fileTypeLabel")
    assert look_in.text() == "查找范围(&L)："
    assert file_type.text() == "文件类型(&T)："
    assert _english_texts(dialog) == []
    dialog.close()


def test_qt_print_dialog_speaks_chinese(qtbot, chinese_qt) -> None:
    """Qt's own print dialog (Linux): 页面组 too, which Qt's file leaves in English."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    label = dialog.findChild(QLabel, "pageSetLabel")
    assert label is not None and label.text() == "页面组(&S)："
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.objectName() != "type"]
    assert [t for t in labels if LATIN_WORD.search(t)] == []


def test_shipped_translation_is_compiled_from_its_source(tmp_path) -> None:
    """The .qm perfdesk ships is what pyside6-lrelease makes of the .ts beside it."""
    from perfdesk.resources import resource_path
    from perfdesk.ui.app import QT_SUPPLEMENT

    lrelease = shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease (PySide6's tools) is not on PATH")
    shipped = resource_path(*QT_SUPPLEMENT)
    source = shipped.with_suffix(".ts")
    out = tmp_path / shipped.name
    subprocess.run([lrelease, "-silent", str(source), "-qm", str(out)], check=True)
    assert out.read_bytes() == shipped.read_bytes()


# ---------------------------------------------------------------------------- sizes


def _inside(rect: QRect, free: QRect) -> bool:
    return free.contains(rect.topLeft()) and free.contains(rect.bottomRight())


def test_first_window_size_is_most_of_the_screen() -> None:
    from perfdesk.ui.window_state import default_size

    # Less a 40-pixel task bar: a laptop and a desktop monitor, no fixed 1400×880 any more.
    assert default_size((1366, 728)) == (1284, 684)
    assert default_size((1920, 1040)) == (1804, 977)
    assert default_size((2560, 1400))[0] > 2000


def test_window_opens_at_a_share_of_its_screen_and_a_restored_size_is_bounded(
    qtbot, make_window, tmp_path
) -> None:
    from perfdesk.ui import settings as S
    from perfdesk.ui.screens import available_geometry

    w = make_window()
    free = available_geometry(w)
    assert (w.width(), w.height()) == (int(free.width() * 0.94), int(free.height() * 0.94))
    assert _inside(w.frameGeometry(), free)
    # Saved on a large monitor, opened on this smaller screen: the size is bounded to it.
    w.resize(free.width() + 600, free.height() + 400)
    w.move(free.right() - 100, 300)
    w.close()
    assert S.Settings.in_file(tmp_path / "settings.ini").get(S.GEOMETRY).size() > 0
    again = make_window()
    assert again.width() <= free.width() and again.height() <= free.height()
    assert free.contains(again.geometry().topLeft())


def test_a_restored_size_that_fits_is_kept(qtbot, make_window) -> None:
    w = make_window()
    w.resize(600, 500)
    w.close()
    again = make_window()
    assert (again.width(), again.height()) == (600, 500)


def test_dialogs_size_to_their_screen(qtbot, make_window) -> None:
    """The print preview (an A4 page wants 900×1000) and the text reports are bounded by
    the free area of the screen of the window they open over."""
    from perfdesk.ui.dialogs import ReportDialog
    from perfdesk.ui.preview import PreviewDialog
    from perfdesk.ui.screens import available_geometry

    w = make_window([demo_decl()])
    select_first(qtbot, w)
    free = available_geometry(w)
    w.files.preview()
    qtbot.waitUntil(lambda: isinstance(w.last_dialog, PreviewDialog), timeout=20_000)
    preview = w.last_dialog
    qtbot.waitExposed(preview)
    assert preview.height() == int(free.height() * 0.9) < 1000
    assert preview.width() <= int(free.width() * 0.9)
    preview.close()
    report = ReportDialog("导入结果", "共 1 个文件", "……", w)
    qtbot.addWidget(report)
    assert report.width() <= int(free.width() * 0.9) and report.height() <= 440
    w.records.show_history()
    qtbot.waitUntil(lambda: w.last_dialog is not None and w.last_dialog is not preview)
    assert w.last_dialog.width() <= int(free.width() * 0.9)
    w.last_dialog.close()


# ---------------------------------------------------------------------------- the list


def test_new_record_leaves_no_project_highlighted(qtbot, make_window) -> None:
    w = make_window([demo_decl()])
    select_first(qtbot, w)
    view = w.browser.view
    assert view.selectionModel().selectedRows()
    w.records.new_record()
    wait_idle(qtbot, w)
    qtbot.wait(50)
    assert view.selectionModel().selectedRows() == []
    assert not view.selectionModel().currentIndex().isValid()
    assert w.browser.selected_ids() == []


# ---------------------------------------------------------------------------- check panel


def test_check_panel_counts_its_findings_enlarges_and_keeps_its_size(
    qtbot, make_window, tmp_path
) -> None:
    from perfdesk.ui import settings as S

    decl = demo_decl()
    decl.year_budget = decl.year_budget + 1  # the budget items no longer add up: an error
    w = make_window([decl])
    select_first(qtbot, w)
    checks = w.checks
    errors = len(checks.errors())
    warnings = len(checks.findings) - errors
    assert errors >= 1 and warnings >= 1
    assert checks.summary.text() == (
        f"检查结果（{errors + warnings}条：错误 {errors}，提醒 {warnings}）"
    )
    pane = w.record.pane
    before = checks.height()
    qtbot.mouseClick(checks.enlarge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: checks.height() > before)
    assert checks.enlarge_button.text() == "还原"
    # As far as the editors' smallest height lets it (their tables and buttons stay).
    assert pane.sizes()[pane.indexOf(checks)] >= max(2 * before, sum(pane.sizes()) * 0.45)
    enlarged = pane.sizes()
    w.close()
    # The next session shows the split the clerk left.
    assert not S.Settings.in_file(tmp_path / "settings.ini").get(S.CHECK_SPLITTER).isEmpty()
    again = make_window()
    again.browser.view.selectRow(0)
    qtbot.waitUntil(lambda: again.session is not None)
    again_pane = again.record.pane
    assert again_pane.sizes() == enlarged
    # Nothing to report says so.
    again.checks.set_findings([])
    assert again.checks.summary.text() == "检查结果（未发现问题）"


# ---------------------------------------------------------------------------- recent files


def test_recent_files_are_offered_and_imported_again(qtbot, make_window, prompts, tmp_path) -> None:
    from perfdesk.models.serialize import declaration_to_dict, dumps
    from perfdesk.ui import settings as S
    from tests.test_ui import rows

    src = tmp_path / "热线.json"
    src.write_text(dumps(declaration_to_dict(demo_decl(), with_store_keys=False)), encoding="utf-8")
    w = make_window()
    menu = w.recent_menu
    file_menu = w.menuBar().actions()[0].menu()
    assert menu.menuAction() in file_menu.actions()  # 文件 → 最近导入的文件
    menu.rebuild()
    assert menu.file_actions == [] and not menu.clear_action.isEnabled()
    prompts.files = [[src]]
    w.files.import_files()
    wait_idle(qtbot, w)
    w.last_dialog.close()
    assert len(rows(w)) == 1
    gone = tmp_path / "已删除.xlsx"
    w.settings.set(S.RECENT_FILES, [str(src), str(gone)])
    menu.aboutToShow.emit()  # what opening the menu does
    assert [a.text() for a in menu.file_actions] == [
        f"&1 热线.json（{tmp_path}）",
        f"&2 已删除.xlsx（{tmp_path}）",
    ]
    # Imported again: the same project, a second time (the import names the duplicate).
    menu.file_actions[0].trigger()
    wait_idle(qtbot, w)
    assert "热线.json" in w.last_dialog.all_text()
    w.last_dialog.close()
    # A file no longer there is said so and taken off the list.
    menu.file_actions[1].trigger()
    assert "已删除.xlsx" in w.last_dialog.text() and "已不存在" in w.last_dialog.text()
    w.last_dialog.close()
    assert w.settings.get(S.RECENT_FILES) == [str(src)]
    menu.aboutToShow.emit()
    menu.clear_action.trigger()
    assert w.settings.get(S.RECENT_FILES) == []
    menu.aboutToShow.emit()
    assert menu.file_actions == [] and not menu.actions()[0].isEnabled()


# ---------------------------------------------------------------------------- the self-evaluation


def _ancestors(widget: QWidget) -> list[QWidget]:
    out = []
    parent = widget.parentWidget()
    while parent is not None:
        out.append(parent)
        parent = parent.parentWidget()
    return out


@pytest.mark.parametrize("screen", [(1366, 728), (1920, 1040)])
def test_self_evaluation_key_columns_stay_together_without_scrolling(
    qtbot, make_window, screen
) -> None:
    """At a laptop's 1366×768 (less a task bar) 三级指标, 年度指标值, 实际完成值, 分值 and 得分 are
    all in view, with no horizontal scrolling; the table is not inside a scrolling page
    but takes the page's height."""
    from PySide6.QtWidgets import QScrollArea

    from perfdesk.ui.window_state import default_size, default_split

    w = make_window([demo_decl()])
    w.resize(*default_size(screen))
    w.splitter.setSizes(list(default_split(w.width())))
    select_first(qtbot, w)
    w.record.pane.show_form("evaluation")
    ev = w.evaluation_editor
    ev.sections.setCurrentWidget(ev.indicators_page)
    table = ev.indicators.table
    qtbot.waitUntil(lambda: table.isVisible() and table.viewport().width() > 0)
    shown = [c.key for i, c in enumerate(ev.indicators.columns) if not table.isColumnHidden(i)]
    assert shown == ["name", "target", "actual", "weight", "score"]
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    right = max(
        table.columnViewportPosition(i) + table.columnWidth(i)
        for i in range(table.columnCount())
        if not table.isColumnHidden(i)
    )
    assert right <= table.viewport().width()
    # 得分 shows an override beside the rules' score without cutting it.
    score = ev.indicators.col_index("score")
    assert table.columnWidth(score) > table.fontMetrics().horizontalAdvance("14（规则 15）")
    assert not any(isinstance(a, QScrollArea) for a in _ancestors(table))
    # The table and the row's pane fill the page: nothing under them but the total.
    page = ev.indicators_page
    assert ev.indicator_split.height() >= page.height() - 12
    assert table.height() >= 100
    assert ev.total_label.isVisible() and "总分" in ev.total_label.text()


def test_detail_pane_edits_the_selected_row_with_undo_and_focus(qtbot, make_window) -> None:
    """The fields that left the table (一级指标, 方向, 达成档次, 调整得分/理由, 偏差原因 …) are
    edited in the pane under it, as the same edits: the record, the score and undo follow."""
    from tests.test_ui import stored, type_text

    w = make_window([demo_decl()])
    select_first(qtbot, w)
    w.record.pane.show_form("evaluation")
    ev = w.evaluation_editor
    ev.sections.setCurrentWidget(ev.indicators_page)
    detail, table = ev.detail, ev.indicators
    table.focus_cell(3, "actual")
    name = table.row_values(3)["name"]
    assert detail.title() == f"第 4 行：{name}的其他内容（在此填写）"
    assert detail.fields["category"].currentText() == table.row_values(3)["category"]
    assert "得满分" in detail.fields["explanation"].text()
    # An override with its reason, typed in the pane.
    type_text(detail.fields["score_override"], "14")
    type_text(detail.fields["override_reason"], "目标偏低")
    ind = w.session.decl.evaluation.indicators[3]
    assert ind.score_override == 14 and ind.override_reason == "目标偏低"
    assert "规则 15" in table.table.item(3, table.col_index("score")).text()
    type_text(detail.fields["deviation"], "已整改")
    assert w.session.decl.evaluation.indicators[3].deviation == "已整改"
    # Undo takes back the pane's last edit and the pane shows it.
    w.acts["act_undo"].trigger()
    assert w.session.decl.evaluation.indicators[3].deviation is None
    assert detail.fields["deviation"].toPlainText() == ""
    w.acts["act_redo"].trigger()
    assert detail.fields["deviation"].toPlainText() == "已整改"
    # A qualitative indicator's tier, picked in the pane, scores the row.
    table.focus_cell(0, "name")
    tier = detail.fields["tier"]
    tier.setCurrentIndex(tier.findText("部分达成"))
    assert w.session.decl.evaluation.indicators[0].tier == "部分达成"
    assert "部分达成" in detail.fields["explanation"].text()
    type_text(detail.fields["deviation"], "制度尚在完善")
    assert w.session.decl.evaluation.indicators[0].deviation == "制度尚在完善"
    assert w.session.decl.evaluation.indicators[3].deviation == "已整改"
    # A finding on a pane field (偏差原因) opens its row and the field.
    w.record.focus_field("evaluation.indicators[3].deviation")
    assert ev.sections.currentWidget() is ev.indicators_page
    assert table.table.currentRow() == 3
    qtbot.waitUntil(lambda: detail.fields["deviation"].hasFocus())
    w.record.save()
    wait_idle(qtbot, w)
    saved = stored(w, w.record.record_id).evaluation
    assert saved.indicators[3].override_reason == "目标偏低" and saved.indicators[0].tier == "部分达成"
    # A final self-evaluation is read-only in the pane too.
    w.records.finalize()
    wait_idle(qtbot, w)
    assert ev.read_only
    assert detail.fields["override_reason"].isReadOnly() and not tier.isEnabled()


# ---------------------------------------------------------------------------- the declaration


@pytest.mark.parametrize("framework", ["sh2019", "national"])
def test_declaration_tables_fit_the_page_without_scrolling_inside_it(
    qtbot, make_window, framework
) -> None:
    """At 1366×768 the 分解目标 and 投入资金构成 tables need no horizontal scrolling and are as
    tall as their rows (the page scrolls, never a table inside it); how the selected
    indicator's target was read and last year's target show under the table."""
    from perfdesk.ui.window_state import default_size, default_split

    decl = demo_decl()
    if framework == "national":
        decl.framework = "national"
        for ind in decl.indicators:
            ind.subcategory = "数量指标"
    w = make_window([decl])
    w.resize(*default_size((1366, 728)))
    w.splitter.setSizes(list(default_split(w.width())))
    select_first(qtbot, w)
    ed = w.declaration_editor
    for rows in (ed.indicators, ed.budget_items):
        table = rows.table
        ed.scroll_area.ensureWidgetVisible(rows)
        qtbot.waitUntil(lambda t=table: t.isVisible() and t.horizontalScrollBar().maximum() == 0)
        assert table.verticalScrollBar().maximum() == 0
        last = table.rowCount() - 1
        assert table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()
    shown = [c.key for i, c in enumerate(ed.indicators.columns)
             if not ed.indicators.table.isColumnHidden(i)]  # fmt: skip
    national = ["subcategory"] if framework == "national" else []
    assert shown == ["category", *national, "name", "target", "direction"]
    detail = ed.indicator_detail
    ed.indicators.focus_cell(3, "target")
    assert detail.title().startswith("第 4 行：")
    parsed = ed.indicators.table.item(3, ed.indicators.col_index("parsed")).text()
    assert parsed and detail.fields["parsed"].text() == parsed
    # A row added grows the table, still without a scroll bar of its own.
    before = ed.indicators.table.height()
    ed.indicators.add_row()
    qtbot.waitUntil(lambda: ed.indicators.table.height() > before)
    assert ed.indicators.table.verticalScrollBar().maximum() == 0


PROBE = """
import json, sys
from pathlib import Path
from perfdesk.models.serialize import declaration_from_dict, loads
from perfdesk.resources import resource_path
from perfdesk.store.database import Store
from perfdesk.ui.app import ensure_app
from perfdesk.ui.main_window import MainWindow
from perfdesk.ui.preview import PreviewDialog
from perfdesk.ui.settings import Settings

folder = Path(sys.argv[1])
app = ensure_app()
demo = declaration_from_dict(loads(resource_path("demo", "seed.json").read_text(encoding="utf-8")))
with Store(folder / "db.sqlite") as store:
    store.save(demo)
w = MainWindow(folder / "db.sqlite", Settings.in_file(folder / "s.ini"))
w.show()
while w.reader.pending or w.writer.pending:
    app.processEvents()
w.browser.select(1)
while w.session is None:
    app.processEvents()
w.files.preview()
while not isinstance(w.last_dialog, PreviewDialog):
    app.processEvents()
free = w.screen().availableGeometry()
print(json.dumps({"free": [free.width(), free.height()], "window": [w.width(), w.height()],
                  "preview": [w.last_dialog.width(), w.last_dialog.height()]}))
w.last_dialog.close()
w.shutdown()
"""


@pytest.mark.parametrize(
    ("screen", "window", "preview"),
    [((1366, 768), (1284, 721), (900, 691)), ((1920, 1080), (1804, 1015), (900, 972))],
)
def test_first_start_on_a_laptop_and_a_monitor(tmp_path, screen, window, preview) -> None:
    """A first start on a real 1366×768 and a 1920×1080 screen (Qt's offscreen platform
    told the screen's size): the window takes most of it, the A4 preview fits it."""
    import json
    import os
    import sys

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [
        {"name": "s", "x": 0, "y": 0, "width": screen[0], "height": screen[1],
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    ]}))  # fmt: skip
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["free"] == list(screen)
    assert got["window"] == list(window)
    assert got["preview"] == list(preview)


def test_detail_pane_follows_rows_deleted_and_categories_picked(qtbot, make_window) -> None:
    """Deleting the selected row shows the row that takes its place; picking 一级指标 in the
    pane offers that category's 二级指标 (national framework)."""
    decl = demo_decl()
    decl.framework = "national"
    w = make_window([decl])
    select_first(qtbot, w)
    w.record.pane.show_form("evaluation")
    ev = w.evaluation_editor
    table, detail = ev.indicators, ev.detail
    table.focus_cell(2, "name")
    following = table.row_values(3)["name"]
    table.delete_row()
    assert table.table.currentRow() == 2 and detail.title() == f"第 3 行：{following}的其他内容（在此填写）"
    category = detail.fields["category"]
    category.setCurrentIndex(category.findText("满意度指标"))
    assert w.session.decl.evaluation.indicators[2].category == "满意度指标"
    sub = detail.fields["subcategory"]
    assert [sub.itemText(i) for i in range(sub.count())] == ["服务对象满意度指标"]
    sub.setCurrentIndex(0)
    assert w.session.decl.evaluation.indicators[2].subcategory == "服务对象满意度指标"


@pytest.mark.parametrize("editor_name", ["evaluation", "monitoring"])
def test_row_pane_scrolls_under_its_table_only_when_squeezed(qtbot, editor_name) -> None:
    """Both editors put the row's pane under the table the same way: in a tall page the pane
    shows whole; squeezed, the pane scrolls (never sideways) and the table keeps its height."""
    from PySide6.QtWidgets import QScrollArea, QSplitter

    from perfdesk.ui.evaluation_editor import EvaluationEditor
    from perfdesk.ui.monitoring_editor import MonitoringEditor

    ed = EvaluationEditor() if editor_name == "evaluation" else MonitoringEditor()
    qtbot.addWidget(ed)
    ed.pages.setCurrentIndex(1)
    ed.sections.setCurrentWidget(ed.indicators_page)
    area = next(a for a in _ancestors(ed.detail) if isinstance(a, QScrollArea))
    split = area.parentWidget()
    assert isinstance(split, QSplitter) and split.orientation() == Qt.Orientation.Vertical
    assert split.widget(0) is ed.indicators and split.widget(1) is area
    assert area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert not split.isCollapsible(0)

    ed.resize(1000, 900)
    ed.show()
    qtbot.waitExposed(ed)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() == 0)
    assert ed.indicators.height() > area.height()  # the table takes what the page has

    ed.resize(1000, 330)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)
    assert ed.indicators.table.height() >= ed.indicators.table.minimumHeight()
    assert area.height() >= ed.detail.fontMetrics().height() * 3


@pytest.mark.parametrize(
    ("editor_name", "field_path", "field_key"),
    [
        ("evaluation", "evaluation.goal_actual", "goal_actual"),
        ("monitoring", "monitoring.measures", "measures"),
        # A finding on a derived rate is fixed where it comes from: 1至X月执行数.
        ("monitoring", "monitoring.execution_rate", "spent_to_date"),
    ],
)
def test_a_findings_path_shows_and_focuses_its_field(
    qtbot, editor_name, field_path, field_key
) -> None:
    """The check panel's jump, in both later forms: a row's cell on the indicator page (in
    the pane when the column is edited there), the table itself, a field on the form page."""
    from PySide6.QtWidgets import QApplication

    from perfdesk.ui.evaluation_editor import EvaluationEditor
    from perfdesk.ui.monitoring_editor import MonitoringEditor

    ed = EvaluationEditor() if editor_name == "evaluation" else MonitoringEditor()
    qtbot.addWidget(ed)
    ed.pages.setCurrentIndex(1)
    ed.indicators.set_rows([{"name": "补贴人数", "target": "≥500人"}] * 2)
    ed.resize(1000, 700)
    ed.show()
    ed.activateWindow()
    qtbot.waitExposed(ed)

    assert ed.focus_field(f"{editor_name}.indicators[1].deviation")
    assert ed.sections.currentWidget() is ed.indicators_page
    assert ed.indicators.table.currentRow() == 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert ed.detail.fields["deviation"].isAncestorOf(QApplication.focusWidget()) or (
        QApplication.focusWidget() is ed.detail.fields["deviation"]
    )

    assert ed.focus_field(field_path)
    assert ed.sections.currentWidget() is ed.scroll_area
    field = ed.fields[field_key]
    qtbot.waitUntil(
        lambda: QApplication.focusWidget() is field or field.isAncestorOf(QApplication.focusWidget())
    )

    assert ed.focus_field(f"{editor_name}.funds")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is ed.funds_check)
    assert ed.focus_field(f"{editor_name}.indicators")
    assert ed.sections.currentWidget() is ed.indicators_page
    assert not ed.focus_field(f"{editor_name}.no_such_field")
