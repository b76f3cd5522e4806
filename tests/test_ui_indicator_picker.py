"""从指标库选择 and the 上年 column in the real window, driven with qtbot, on the multi-year
database of tests/library_data.py (a project carried into 2023 and renamed there)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialogButtonBox  # noqa: E402

from perfdesk.store.database import Store  # noqa: E402
from perfdesk.ui.indicator_picker import IndicatorPicker  # noqa: E402
from tests.library_data import LibraryDb, build  # noqa: E402
from tests.test_library_workbook import NATIONAL  # noqa: E402
from tests.test_ui import ScriptedPrompts, qt_warnings_fail, wait_idle  # noqa: E402, F401


@pytest.fixture
def library_window(qtbot, tmp_path: Path):
    from perfdesk.library.sources import import_library_bytes
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import AUTOSAVE_MS, Settings

    db = tmp_path / "perfdesk.sqlite"
    with Store(db) as store:
        ids = build(store)
        import_library_bytes(store, NATIONAL, "共性指标库.xlsx")
    settings = Settings.in_file(tmp_path / "settings.ini")
    settings.set(AUTOSAVE_MS, 60_000)
    window = MainWindow(db, settings, prompts=ScriptedPrompts())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wait_idle(qtbot, window)
    yield window, ids
    window.shutdown()


def open_record(qtbot, window, record_id: int) -> None:
    """Open a record as a click in the list does (read on the reader) and wait for it."""
    window.record.open(record_id)
    qtbot.waitUntil(lambda: window.record.record_id == record_id, timeout=10_000)
    wait_idle(qtbot, window)


def type_text(widget, text: str) -> None:
    """Type ``text`` one key at a time, as a Chinese input method hands it to the widget
    (QTest.keyClicks only knows ASCII)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _cell(table, r: int, key: str) -> str:
    item = table.table.item(r, table.col_index(key))
    return item.text() if item is not None else ""


def _open_picker(qtbot, editor) -> IndicatorPicker:
    qtbot.mouseClick(editor.library_button, Qt.MouseButton.LeftButton)
    picker = editor.findChild(IndicatorPicker)
    assert picker is not None and picker.isVisible()
    qtbot.waitUntil(lambda: picker.loaded, timeout=10_000)
    return picker


def test_last_year_column_follows_the_renamed_project(qtbot, library_window) -> None:
    window, ids = library_window
    ids: LibraryDb
    open_record(qtbot, window, ids.hotline_2023)
    editor = window.declaration_editor
    table = editor.indicators
    assert _cell(table, 0, "name") == "热线接通率"
    assert _cell(table, 0, "last_year") == "2022年 目标 ≥90%，实际 96%"
    assert _cell(table, 1, "last_year") == "2022年 目标 ≤20秒，实际 15秒"
    codes = {f.code for f in window.checks.findings}
    assert {"target_below_last_year", "target_above_last_year", "indicator_dropped"} <= codes
    # A project with no last year shows nothing there.
    open_record(qtbot, window, ids.sh_2023)
    assert _cell(editor.indicators, 0, "last_year") == ""


def test_picker_searches_and_fills_a_row(qtbot, library_window) -> None:
    window, ids = library_window
    open_record(qtbot, window, ids.hotline_2023)
    editor = window.declaration_editor
    table = editor.indicators
    table.table.setCurrentCell(0, table.col_index("name"))
    picker = _open_picker(qtbot, editor)
    # Everything, the record's framework (national) first.
    assert picker.model.rowCount() == len(picker.entries) >= 13
    assert picker.model.entries[0].category == "产出指标"
    assert picker.model.entries[-1].framework == "sh2019"
    # One character, then two: each keystroke filters.
    type_text(picker.search, "受")
    assert [e.name for e in picker.model.entries] == ["热线受理量"]
    picker.search.clear()
    type_text(picker.search, "满意")
    assert [e.name for e in picker.model.entries] == ["市民满意度", "读者满意度", "服务对象满意度"]
    assert "共 3 个指标" in picker.status.text()
    picker.search.clear()
    type_text(picker.search, "受理")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert not picker.isVisible()
    # Row 0 had a name: the indicator went into a new row below it, with last year's
    # target raised to its actual (320万件 beat ≥300万件).
    assert _cell(table, 1, "name") == "热线受理量"
    assert (_cell(table, 1, "category"), _cell(table, 1, "subcategory")) == ("产出指标", "数量指标")
    assert _cell(table, 1, "target") == "≥320万件"
    assert _cell(table, 1, "last_year") == "2022年 目标 ≥300万件，实际 320万件"
    assert window.session.decl.indicators[1].name == "热线受理量"
    # One undo step takes it out again.
    window.undo_group.undo()
    assert [i.name for i in window.session.decl.indicators].count("热线受理量") == 0
    window.undo_group.redo()
    window.record.save()
    wait_idle(qtbot, window)
    with Store(window.db_path) as store:
        stored = store.get(ids.hotline_2023)
    assert [(i.name, i.target) for i in stored.indicators][1] == ("热线受理量", "≥320万件")
    # The dropped-indicator reminder is gone now that it is back.
    qtbot.waitUntil(
        lambda: "indicator_dropped" not in {f.code for f in window.checks.findings},
        timeout=5_000,
    )


def test_picker_fills_an_empty_row_from_an_imported_library(qtbot, library_window) -> None:
    window, ids = library_window
    open_record(qtbot, window, ids.library_2024)
    editor = window.declaration_editor
    table = editor.indicators
    table.table.setCurrentCell(1, 0)
    table.add_row()  # an empty row below, selected
    r = table.table.currentRow()
    assert _cell(table, r, "name") == ""
    picker = _open_picker(qtbot, editor)
    type_text(picker.search, "验收")
    assert [e.name for e in picker.model.entries] == ["验收合格率"]
    qtbot.mouseClick(
        picker.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert (_cell(table, r, "name"), _cell(table, r, "target")) == ("验收合格率", "100%")
    assert _cell(table, r, "subcategory") == "质量指标"
    assert table.table.rowCount() == 3


def test_picker_is_closed_to_final_records_and_reports_a_failed_read(qtbot, library_window) -> None:
    window, ids = library_window
    open_record(qtbot, window, ids.hotline_2022)
    editor = window.declaration_editor
    editor.set_read_only(True)
    assert not editor.library_button.isEnabled()
    # A read that fails says so in the picker instead of leaving it waiting.
    from perfdesk.models.errors import StoreError

    def failing(_fn, _done, on_error):
        on_error(StoreError("数据库已损坏。"), "")

    picker = IndicatorPicker(failing, "national", None, editor)
    qtbot.addWidget(picker)
    assert picker.status.text() == "无法读取指标库：数据库已损坏。"
    assert picker.model.rowCount() == 0


def test_the_self_evaluation_table_has_the_picker_too(qtbot, library_window) -> None:
    window, ids = library_window
    open_record(qtbot, window, ids.hotline_2022)
    window.record.pane.show_form("evaluation")
    editor = window.evaluation_editor
    assert editor.library_button.isEnabled()
    table = editor.indicators
    before = len(table.rows())
    table.table.setCurrentCell(0, table.col_index("name"))
    picker = _open_picker(qtbot, editor)
    type_text(picker.search, "满意")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    rows = table.rows()
    assert len(rows) == before + 1 and rows[1]["name"] == "市民满意度"
    assert rows[1]["actual"] is None and rows[0]["actual"]  # the row it went below is untouched
    assert window.session.decl.evaluation.indicators[1].name == "市民满意度"
