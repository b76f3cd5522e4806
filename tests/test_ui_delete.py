"""删除, 已删除的项目 and 恢复, and the commands on several selected projects (导出PDF, 导出Excel,
打印, 定稿, 删除), driven through the real window with scripted answers (issue 15); the
database, the files written and the printed PDFs read back."""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QItemSelectionModel, Qt  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QTableWidget,
)

from perfdesk.models.serialize import declaration_from_dict, loads  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402
from perfdesk.ui.dialogs import ReportDialog  # noqa: E402
from tests.pdf_helpers import page_count, text, write  # noqa: E402
from tests.test_ui import ScriptedPrompts, qt_warnings_fail, seed_decl, wait_idle  # noqa: E402, F401

DATA = Path(__file__).parent / "data"


class Prompts(ScriptedPrompts):
    """Also keeps every question asked, to read what the clerk was told."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str]] = []

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append((title, text))
        return super().confirm(title, text)


def _named(name: str, *, final: bool = False, evaluation: bool = False):
    if evaluation:
        path = DATA / "excel_out" / "sh2019_shanghai_eval.json"
        d = declaration_from_dict(loads(path.read_text(encoding="utf-8")))
    else:
        d = seed_decl()
    d.name = name
    d.status = "final" if final else "draft"
    return d


@pytest.fixture
def open_window(qtbot, tmp_path: Path):
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import AUTOSAVE_MS, Settings

    windows = []

    def make(records: list[Any]) -> tuple[Any, Prompts]:
        db = tmp_path / "perfdesk.sqlite"
        with Store(db) as store:
            for decl in records:
                store.save(copy.deepcopy(decl))
        settings = Settings.in_file(tmp_path / "settings.ini")
        settings.set(AUTOSAVE_MS, 60_000)
        prompts = Prompts()
        window = MainWindow(db, settings, prompts=prompts)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        wait_idle(qtbot, window)
        qtbot.waitUntil(lambda: window.browser.model.rowCount() == len(records), timeout=10_000)
        windows.append(window)
        return window, prompts

    yield make
    for w in windows:
        w.shutdown()


def _ids(window) -> dict[str, int]:
    with Store(window.db_path) as store:
        rows = store.list(columns=("name", "id")) + [(d.name, d.id) for d in store.deleted()]
    return dict(rows)


def _select(qtbot, window, names: list[str]) -> None:
    """Select these projects' rows, as Ctrl+click does."""
    view, model = window.browser.view, window.browser.model
    view.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for name, rid in _ids(window).items():
        row = model.row_of(rid)
        if name in names and row is not None:
            view.selectionModel().select(model.index(row, 0), flags)
    wait_idle(qtbot, window)
    assert sorted(n for _i, n, _s in window.browser.selected_records()) == sorted(names)


def _deleted(window) -> list[str]:
    with Store(window.db_path) as store:
        return sorted(d.name for d in store.deleted())


def _summary(qtbot, window) -> ReportDialog:
    qtbot.waitUntil(lambda: isinstance(window.feedback.last_dialog, ReportDialog), timeout=20_000)
    return window.feedback.last_dialog


def test_delete_key_in_the_list_asks_naming_them_twice_for_final_and_restore_brings_back(
    qtbot, open_window
):
    window, prompts = open_window(
        [_named("甲项目"), _named("乙项目", final=True), _named("丙项目")]
    )
    _select(qtbot, window, ["甲项目", "乙项目"])
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.browser.view.setFocus()
    prompts.confirms += [True, True]
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Delete)
    wait_idle(qtbot, window)
    (title1, first), (title2, second) = prompts.asked
    assert "甲项目" in first and "乙项目" in first and "丙项目" not in first
    assert "各版本都会保留" in first and "已删除的项目" in first
    assert title2 == "删除已定稿的项目" and "乙项目" in second and "甲项目" not in second
    assert _deleted(window) == ["乙项目", "甲项目"]
    summary = _summary(qtbot, window)
    assert "已删除 2 个项目" in summary.heading.text()
    qtbot.waitUntil(lambda: window.browser.model.rowCount() == 1)
    assert window.session is None  # the project on screen was one of them: closed
    summary.reject()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    # The Delete key in an editor's field deletes text, never a project.
    window.browser.select(_ids(window)["丙项目"])
    qtbot.waitUntil(lambda: window.session is not None)
    editor = window.declaration_editor
    editor.focus_field("name")
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    table = editor.findChildren(QTableWidget)[0]  # the indicators
    table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    wait_idle(qtbot, window)
    assert len(prompts.asked) == 2 and _deleted(window) == ["乙项目", "甲项目"]
    # 项目 → 已删除的项目…: both listed; 恢复 brings 乙项目 back at its revision.
    window.acts["act_deleted"].trigger()
    dialog = window.records.deleted_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert "共 2 个已删除的项目" in dialog.label.text()
    assert not dialog.restore_button.isEnabled()
    row = [dialog.table.item(r, 3).text() for r in range(2)].index("乙项目")
    dialog.table.selectRow(row)
    assert dialog.table.item(row, 4).text() == "定稿"
    dialog.restore_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert _deleted(window) == ["甲项目"]
    qtbot.waitUntil(lambda: window.browser.model.rowCount() == 2)
    with Store(window.db_path) as store:
        back = store.get(_ids(window)["乙项目"])
        assert back.status == "final" and back.revision == 1


def test_a_final_project_stays_when_the_second_question_is_refused(qtbot, open_window):
    window, prompts = open_window([_named("乙项目", final=True)])
    window.browser.select(_ids(window)["乙项目"])
    qtbot.waitUntil(lambda: window.session is not None)
    prompts.confirms += [True, False]
    window.acts["act_delete"].trigger()
    wait_idle(qtbot, window)
    assert "“乙项目”" in prompts.asked[0][1] and len(prompts.asked) == 2
    assert _deleted(window) == [] and window.session is not None
    # Asked once more and confirmed twice: deleted, the status bar says so (no dialog).
    prompts.confirms += [True, True]
    window.acts["act_delete"].trigger()
    wait_idle(qtbot, window)
    assert _deleted(window) == ["乙项目"]
    assert "已删除 1 个项目" in window.statusBar().currentMessage()


def test_several_selected_export_pdf_and_excel_each_with_a_summary(qtbot, open_window, tmp_path):
    window, prompts = open_window([_named("甲项目"), _named("乙项目", evaluation=True)])
    _select(qtbot, window, ["甲项目", "乙项目"])
    out = tmp_path / "导出"
    out.mkdir()
    prompts.choices.append("绩效目标申报表")
    prompts.folders.append(out)
    window.acts["act_pdf"].trigger()
    wait_idle(qtbot, window)
    assert prompts.choices_offered[-1] == (
        ["绩效目标申报表", "绩效运行监控表", "绩效自评表"],
        "绩效目标申报表",
    )
    summary = _summary(qtbot, window)
    assert "已导出 2 个项目" in summary.heading.text() and str(out) in summary.heading.text()
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 2
    printed = "".join(text(p).replace(" ", "") for p in pdfs)
    assert "甲项目" in printed and "乙项目" in printed
    # 导出Excel of the 自评表: the project without one is named, the other written.
    window.feedback.last_dialog = None
    prompts.choices.append("绩效自评表")
    prompts.folders.append(out)
    window.acts["act_export"].trigger()
    wait_idle(qtbot, window)
    summary = _summary(qtbot, window)
    assert "已导出 1 个项目，1 个未完成" in summary.heading.text()
    assert "甲项目：还没有自评表。" in summary.text.toPlainText()
    (xlsx,) = out.glob("*.xlsx")
    from python_calamine import CalamineWorkbook

    cells = [str(c) for s in CalamineWorkbook.from_path(str(xlsx)).sheet_names
             for row in CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name(s).to_python()
             for c in row]  # fmt: skip
    assert any("乙项目" in c for c in cells)


def test_several_selected_print_as_one_job_and_finalize_each(
    qtbot, open_window, tmp_path, monkeypatch
):
    from perfdesk.ui import preview

    window, prompts = open_window([_named("甲项目"), _named("乙项目", evaluation=True)])
    sent: list[bytes] = []
    monkeypatch.setattr(preview, "print_pdf", lambda data, _parent=None: sent.append(data) or 1)
    _select(qtbot, window, ["甲项目", "乙项目"])
    prompts.choices.append("绩效目标申报表")
    window.acts["act_print"].trigger()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: bool(sent), timeout=20_000)
    (data,) = sent
    pdf = write(tmp_path, data, "打印.pdf")
    pages = text(pdf).replace(" ", "")
    assert "甲项目" in pages and "乙项目" in pages and page_count(pdf) >= 2
    assert "已送去打印 2 个项目" in _summary(qtbot, window).heading.text()
    # 定稿 of both: each either final now or named with the errors that stopped it.
    window.feedback.last_dialog = None
    _select(qtbot, window, ["甲项目", "乙项目"])
    prompts.choices.append("绩效目标申报表")
    window.acts["act_finalize"].trigger()
    wait_idle(qtbot, window)
    summary = _summary(qtbot, window)
    with Store(window.db_path) as store:
        status = {name: store.get(rid).status for name, rid in _ids(window).items()}
    failed = summary.text.toPlainText()
    assert "已定稿" in summary.heading.text()
    for name, st in status.items():
        assert st == "final" or f"{name}：" in failed
    assert sum(st == "final" for st in status.values()) >= 1


def test_a_batch_cancelled_before_it_starts_changes_nothing(qtbot, open_window):
    window, prompts = open_window([_named("甲项目"), _named("乙项目"), _named("丙项目")])
    window.browser.view.selectAll()
    wait_idle(qtbot, window)
    gate = threading.Event()
    window.writer.submit(lambda _s, _c: gate.wait(20))  # the writer busy with an earlier job
    prompts.confirms.append(True)
    window.acts["act_delete"].trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(QProgressDialog)))
    (progress,) = window.findChildren(QProgressDialog)
    (cancel,) = progress.findChildren(QPushButton)
    assert cancel.text() == "取消"
    cancel.click()
    gate.set()
    wait_idle(qtbot, window)
    summary = _summary(qtbot, window)
    assert "已删除 0 个项目，已取消（3 个未处理）" in summary.heading.text()
    assert _deleted(window) == []


def test_year_summary_and_verify_a_printout_from_the_window(qtbot, open_window, tmp_path):
    from perfdesk.pdf.year import print_record_file

    window, prompts = open_window([_named("甲项目", final=True), _named("乙项目")])
    # 文件 → 导出年度汇总表…
    out = tmp_path / "汇总.xlsx"
    prompts.years.append(2019)
    prompts.saves.append(out)
    window.acts["act_summary"].trigger()
    wait_idle(qtbot, window)
    import openpyxl

    ws = openpyxl.load_workbook(out)["项目汇总"]
    assert sorted(r[2] for r in ws.iter_rows(min_row=2, max_row=3, values_only=True)) == [
        "乙项目", "甲项目",
    ]  # fmt: skip
    assert "2 个项目" in window.statusBar().currentMessage()
    # 文件 → 核对打印件…: the current revision.
    rid = _ids(window)["甲项目"]
    pdf = tmp_path / "甲项目.pdf"
    with Store(window.db_path) as store:
        print_record_file(store.get(rid), pdf, store=store)
    prompts.opens.append(pdf)
    window.acts["act_verify"].trigger()
    wait_idle(qtbot, window)
    result = _summary(qtbot, window)
    assert result.heading.text().startswith("一致") and str(pdf) in result.text.toPlainText()
    # The project changed since (a new revision): an older revision, and what changed.
    with Store(window.db_path) as store:
        decl = store.get(rid)
        decl.remarks = "修改了备注"
        store.save(decl)
    window.feedback.last_dialog = None
    prompts.opens.append(pdf)
    window.acts["act_verify"].trigger()
    wait_idle(qtbot, window)
    result = _summary(qtbot, window)
    assert result.heading.text().startswith("不是现行版本")
    assert "第 1 版" in result.text.toPlainText() and "备注" in result.text.toPlainText()
    # The project deleted: still matched, and the clerk is told where it went.
    with Store(window.db_path) as store:
        store.delete(rid)
    window.feedback.last_dialog = None
    prompts.opens.append(pdf)
    window.acts["act_verify"].trigger()
    wait_idle(qtbot, window)
    assert "已删除的项目" in _summary(qtbot, window).text.toPlainText()
    # A PDF perfdesk did not print: nothing stored to compare with.
    other = tmp_path / "别的.pdf"
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(other))
    canvas.drawString(100, 700, "hello")
    canvas.save()
    window.feedback.last_dialog = None
    prompts.opens.append(other)
    window.acts["act_verify"].trigger()
    wait_idle(qtbot, window)
    assert _summary(qtbot, window).heading.text().startswith("无法核对")
