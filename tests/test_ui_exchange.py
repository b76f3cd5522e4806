"""上报, 接收, 退回 and 汇总 driven through the real windows of a unit's PC and of the 主管部门's
(issue 17): the menus' commands with scripted answers, the dialogs read back, the databases
checked row by row."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402

from perfdesk.exchange.package import read_package  # noqa: E402
from perfdesk.store import packages as P  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402
from perfdesk.ui.exchange_dialogs import ReceiveReportDialog, ReturnDialog  # noqa: E402
from tests.test_ui import ScriptedPrompts, qt_warnings_fail, seed_decl, wait_idle  # noqa: E402, F401

UNIT = "中共上海市委、上海市人民政府信访办公室"


@pytest.fixture
def open_window(qtbot, tmp_path: Path):
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import AUTOSAVE_MS, Settings

    windows = []

    def make(name: str, records: list[Any] = ()) -> tuple[Any, ScriptedPrompts]:
        db = tmp_path / f"{name}.sqlite"
        with Store(db) as store:
            for decl in records:
                store.save(copy.deepcopy(decl))
        settings = Settings.in_file(tmp_path / f"{name}.ini")
        settings.set(AUTOSAVE_MS, 60_000)
        prompts = ScriptedPrompts()
        window = MainWindow(db, settings, prompts=prompts)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        wait_idle(qtbot, window)
        windows.append(window)
        return window, prompts

    yield make
    for w in windows:
        w.shutdown()


def _final(name: str):
    d = seed_decl()
    d.name = name
    d.status = "final"
    return d


def test_pack_receive_return_and_status_through_the_windows(qtbot, open_window, tmp_path):
    unit, unit_prompts = open_window("unit", [_final("甲项目"), _final("乙项目")])
    dept, dept_prompts = open_window("dept")
    # 上报 on the unit's PC: year, no drafts, where to save.
    package = tmp_path / "上报.pdpack"
    unit_prompts.years.append(2019)
    unit_prompts.confirms.append(False)
    unit_prompts.saves.append(package)
    unit.exchange.pack_year()
    wait_idle(qtbot, unit)
    pkg = read_package(package)
    receipt = unit.feedback.last_dialog
    assert "已上报 2 个项目" in receipt.heading.text()
    assert pkg.check_code in receipt.text.toPlainText() and pkg.id in receipt.text.toPlainText()
    # 接收 on the 主管部门's PC, by dropping the file on the window.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(package))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    dept.dropEvent(drop)
    wait_idle(qtbot, dept)
    report = dept.feedback.last_dialog
    assert isinstance(report, ReceiveReportDialog)
    assert report.table.rowCount() == 1 and report.table.item(0, 1).text() == "已接收"
    assert report.table.item(0, 3).text() == "2"  # 新增
    assert pkg.check_code in report.details.toPlainText()
    qtbot.waitUntil(lambda: dept.browser.model.rowCount() == 2, timeout=10_000)
    # 退回 both with a comment about the budget.
    dept.browser.view.selectAll()
    back = tmp_path / "退回.pdpack"

    def fill(dialog: ReturnDialog) -> bool:
        assert not dialog.buttons.buttons()[0].isEnabled() or dialog.comment() == ""
        dialog.comment_edit.setPlainText("年度预算与明细不符")
        dialog.field_box.setCurrentIndex(dialog.field_box.findData("year_budget"))
        return True

    dept_prompts.dialog_answers.append(fill)
    dept_prompts.saves.append(back)
    dept.exchange.return_selected()
    wait_idle(qtbot, dept)
    assert read_package(back).kind == "return" and len(read_package(back).entries) == 2
    # 汇总: the unit is shown as 已退回, and the table exports to Excel.
    status = dept.exchange.show_status()
    qtbot.waitUntil(lambda: status.table.rowCount() == 1, timeout=10_000)
    assert status.table.item(0, 0).text() == "已退回" and status.table.item(0, 1).text() == UNIT
    xlsx = tmp_path / "汇总.xlsx"
    dept_prompts.saves.append(xlsx)
    status.export_button.click()
    wait_idle(qtbot, dept)
    from python_calamine import CalamineWorkbook

    cells = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert any(UNIT in row for row in cells)
    # 接收 the return on the unit's PC: both reopened as drafts with the comment.
    unit_prompts.packages.append([back])
    unit.exchange.receive_files()
    wait_idle(qtbot, unit)
    with Store(unit.db_path) as store:
        for (rid,) in store.list(columns=("id",)):
            assert store.get(rid).status == "draft"
            assert [c.text for c in P.comments(store, rid)] == ["年度预算与明细不符"]
    # The clerk opens a returned project: the 退回意见 heads the check panel, names the field,
    # and a double click goes to it.
    unit.browser.refresh()
    wait_idle(qtbot, unit)
    unit.browser.view.selectRow(0)
    qtbot.waitUntil(lambda: unit.session is not None)
    wait_idle(qtbot, unit)
    first = unit.checks.findings[0]
    assert first.message == "主管部门退回意见（“项目当年预算（元）”）：年度预算与明细不符"
    assert first.field == "year_budget" and first.level == "warning"
    unit.checks.activate_row(0)
    assert unit.tabs.currentWidget() is not None and unit.record.current_form() == "declaration"
    assert unit.declaration_editor.fields["year_budget"].hasFocus() or (
        unit.focusWidget() is unit.declaration_editor.fields["year_budget"]
    )
