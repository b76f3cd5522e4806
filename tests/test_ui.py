"""The desktop window, driven for real with pytest-qt (offscreen), asserting on database rows.

Every test gets its own database file and settings file; file dialogs and yes/no questions
go through a scripted Prompts object, everything else is the real window.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QtMsgType, QUrl, qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QDropEvent, QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from perfdesk.models.serialize import declaration_from_dict, loads  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402

DATA = Path(__file__).parent / "data"
# Noise of the offscreen platform plugin, not of perfdesk.
IGNORED_QT_MESSAGES = ("propagateSizeHints", "QFont::setPointSizeF")


@pytest.fixture(autouse=True)
def qt_warnings_fail() -> Iterator[list[str]]:
    """Any Qt warning or critical message during a test fails it."""
    seen: list[str] = []

    def handler(kind: QtMsgType, _context: Any, message: str) -> None:
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            if not any(s in message for s in IGNORED_QT_MESSAGES):
                seen.append(message)

    previous = qInstallMessageHandler(handler)
    yield seen
    qInstallMessageHandler(previous)
    assert not seen, f"Qt warnings: {seen}"


class ScriptedPrompts:
    """Answers the window's questions from queues set by the test."""

    def __init__(self) -> None:
        self.files: list[list[Path]] = []
        self.folders: list[Path | None] = []
        self.saves: list[Path | None] = []
        self.opens: list[Path | None] = []
        self.unsaved_answers: list[str] = []
        self.unsaved_asked: list[str] = []
        self.years: list[int | None] = []
        self.confirms: list[bool] = []
        self.packages: list[list[Path]] = []
        self.choices: list[str | None] = []
        self.choices_offered: list[tuple[list[str], str]] = []
        self.dialog_answers: list[Any] = []  # each: a function(dialog) -> accepted

    def open_files(self, folder: str) -> list[Path]:
        return self.files.pop(0)

    def open_folder(self, folder: str, title: str = "") -> Path | None:
        return self.folders.pop(0)

    def open_file(self, title: str, folder: str, filter_: str) -> Path | None:
        return self.opens.pop(0)

    def save_file(self, title: str, suggested: str, filter_: str) -> Path | None:
        return self.saves.pop(0)

    def unsaved(self, name: str) -> str:
        self.unsaved_asked.append(name)
        return self.unsaved_answers.pop(0) if self.unsaved_answers else "discard"

    def confirm(self, title: str, text: str) -> bool:
        return self.confirms.pop(0)

    def year(self, title: str, text: str, value: int) -> int | None:
        return self.years.pop(0) if self.years else value

    def choose(self, title: str, text: str, items: list[str], current: str) -> str | None:
        self.choices_offered.append((items, current))
        return self.choices.pop(0) if self.choices else current

    def open_packages(self) -> list[Path]:
        return self.packages.pop(0)

    def run_dialog(self, dialog: Any) -> bool:
        return bool(self.dialog_answers.pop(0)(dialog))


def seed_decl():
    return declaration_from_dict(loads((DATA / "seed.json").read_text(encoding="utf-8")))


def demo_decl():
    from perfdesk.resources import resource_path

    return declaration_from_dict(
        loads(resource_path("demo", "seed.json").read_text(encoding="utf-8"))
    )


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def make_window(qtbot, tmp_path: Path, prompts: ScriptedPrompts):
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import AUTOSAVE_MS, Settings

    windows = []

    def make(records: list[Any] = (), autosave_ms: int = 60_000):
        db = tmp_path / "perfdesk.sqlite"
        with Store(db) as store:
            for decl in records:
                store.save(copy.deepcopy(decl))
        settings = Settings.in_file(tmp_path / "settings.ini")
        settings.set(AUTOSAVE_MS, autosave_ms)
        window = MainWindow(db, settings, prompts=prompts)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        wait_idle(qtbot, window)  # the first page of the list has been read
        windows.append(window)
        return window

    yield make
    for w in windows:
        w.shutdown()


def wait_idle(qtbot, window) -> None:
    """Until the writer and the reader have answered everything asked of them."""
    qtbot.waitUntil(
        lambda: window.writer.pending == 0 and window.reader.pending == 0, timeout=20_000
    )


def rows(window) -> list[dict[str, Any]]:
    """The database's current rows, read through a fresh connection."""
    with Store(window.db_path) as store:
        cols = (
            "id",
            "year",
            "unit",
            "name",
            "status",
            "revision",
            "has_evaluation",
            "total_score",
            "grade",
        )
        return [dict(zip(cols, r, strict=True)) for r in store.list(columns=cols)]


def stored(window, record_id: int):
    with Store(window.db_path) as store:
        return store.get(record_id)


def type_text(widget: QWidget, text: str) -> None:
    """Type text (Chinese included) as key events carrying the text: keyClicks with CJK
    characters aborts Qt 6.12."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def select_first(qtbot, window) -> None:
    window.browser.view.selectRow(0)
    qtbot.waitUntil(lambda: window.session is not None)


# ---------------------------------------------------------------------------- create and save


def test_create_type_and_save_writes_a_row(qtbot, make_window) -> None:
    w = make_window()
    assert rows(w) == []
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert w.session is not None and w.session.is_new
    ed = w.declaration_editor
    type_text(ed.fields["unit"], "上海市某某局")
    type_text(ed.fields["name"], "城市热线运营")
    ed.fields["project_type"].buttons[3].click()
    type_text(ed.fields["year_budget"], "1234567.8")
    ed.fields["year_budget"].editingFinished.emit()
    assert ed.fields["year_budget"].text() == "1,234,567.80"
    qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, w)
    got = rows(w)
    assert [(r["unit"], r["name"], r["status"]) for r in got] == [
        ("上海市某某局", "城市热线运营", "draft")
    ]
    decl = stored(w, got[0]["id"])
    assert decl.project_type == "经常性专项业务费"
    assert decl.year_budget == Decimal("1234567.80")
    assert not w.session.is_dirty()
    assert w.browser.model.rowCount() == 1


def test_save_without_unit_is_refused_with_a_message(qtbot, make_window) -> None:
    w = make_window()
    w.records.new_record()
    type_text(w.declaration_editor.fields["name"], "无单位项目")
    w.record.save()
    wait_idle(qtbot, w)
    assert rows(w) == []
    assert isinstance(w.findChild(QMessageBox), QMessageBox)
    assert "申报单位名称" in w.findChild(QMessageBox).text()


# ---------------------------------------------------------------------------- edit, undo, checks


def test_edit_undo_redo_and_save(qtbot, make_window) -> None:
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    name = w.declaration_editor.fields["name"]
    original = name.text()
    type_text(name, "（二期）")
    assert name.text() == original + "（二期）"
    assert w.session.is_dirty()
    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert name.text() == original
    assert not w.session.is_dirty()
    qtbot.keyClick(w, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert name.text() == original + "（二期）"
    w.record.save()
    wait_idle(qtbot, w)
    assert rows(w)[0]["name"] == original + "（二期）"
    assert rows(w)[0]["revision"] == 1  # a draft is saved in place


def test_live_checks_flag_budget_mismatch_and_focus_the_field(qtbot, make_window) -> None:
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    assert not w.checks.errors()
    table = w.declaration_editor.budget_items
    table.set_cell(0, "amount", Decimal("1"))  # the items no longer add up to 当年预算
    qtbot.waitUntil(lambda: bool(w.checks.errors()), timeout=3000)
    error = next(f for f in w.checks.errors() if "budget" in f.field)
    assert "当年预算" in error.message or "合计" in error.message
    row = w.checks.findings.index(error)
    w.checks.activate_row(row)
    assert w.tabs.currentIndex() == 0
    assert "相差" in w.declaration_editor.budget_total.text()
    # Undo puts the amount back and the error goes away.
    w.undo_group.undo()
    qtbot.waitUntil(lambda: not w.checks.errors(), timeout=3000)


def test_indicator_rows_add_move_delete_and_parsed_target(qtbot, make_window) -> None:
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    table = w.declaration_editor.indicators
    n = table.table.rowCount()
    table.table.setCurrentCell(n - 1, 2)
    table.add_row()
    assert table.table.rowCount() == n + 1
    table.set_cell(n, "name", "投诉率")
    table.set_cell(n, "target", "控制在5%以内")
    parsed = table.table.item(n, table.col_index("parsed")).text()
    assert "不高于" in parsed and "5" in parsed
    table.table.setCurrentCell(n, 2)
    table.move_row(-1)
    assert table.row_values(n - 1)["name"] == "投诉率"
    w.record.save()
    wait_idle(qtbot, w)
    decl = stored(w, rows(w)[0]["id"])
    assert decl.indicators[n - 1].target == "控制在5%以内"
    assert decl.indicators[n - 1].category == decl.indicators[n].category == "影响力目标"
    table.table.setCurrentCell(n - 1, 2)
    table.delete_row()
    w.record.save()
    wait_idle(qtbot, w)
    assert len(stored(w, rows(w)[0]["id"]).indicators) == n


def test_autosave_after_idle(qtbot, make_window) -> None:
    w = make_window([seed_decl()], autosave_ms=100)
    select_first(qtbot, w)
    type_text(w.declaration_editor.fields["remarks"], "自动保存测试")
    rid = rows(w)[0]["id"]
    qtbot.waitUntil(lambda: stored(w, rid).remarks == "自动保存测试", timeout=5000)
    wait_idle(qtbot, w)
    assert not w.session.is_dirty()


def test_blank_dates_stay_blank_when_another_field_is_edited(qtbot, make_window) -> None:
    """Issue 15: a blank 开始时间/结束时间 showed today's date and the first edit of any
    field stored it (printed for sealing, and a false 申报年度不在项目起止时间之内)."""
    decl = seed_decl()
    decl.start_date = decl.end_date = None
    w = make_window([decl])
    select_first(qtbot, w)
    for key in ("start_date", "end_date"):
        field = w.declaration_editor.fields[key]
        assert field.value() is None and field.text() == "（未填）"
    type_text(w.declaration_editor.fields["remarks"], "只改备注")
    w.record.save()
    wait_idle(qtbot, w)
    saved = stored(w, rows(w)[0]["id"])
    assert saved.remarks == "只改备注"
    assert saved.start_date is None and saved.end_date is None


def test_undo_names_the_field_by_its_label(qtbot, make_window) -> None:
    """Issue 15: the undo menu read “撤销 修改 year_budget”."""
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    type_text(w.declaration_editor.fields["remarks"], "改")
    assert w.undo_group.undoText() == "修改“备注”"
    table = w.declaration_editor.indicators
    table.table.setCurrentCell(0, table.col_index("target"))
    table.table.item(0, table.col_index("target")).setText("≥99%")
    assert w.undo_group.undoText() == "修改分解目标第1行“指标目标值”"
    assert "indicators" not in w.undo_group.undoText()


def test_unsaved_new_record_prompts_before_leaving(qtbot, make_window, prompts) -> None:
    w = make_window([seed_decl()])
    w.records.new_record()
    type_text(w.declaration_editor.fields["name"], "只有名称")
    prompts.unsaved_answers = ["cancel", "discard"]
    w.browser.view.selectRow(0)
    assert prompts.unsaved_asked == ["只有名称"]
    assert w.session.is_new  # stayed on the new record
    w.browser.view.clearSelection()
    w.browser.view.selectRow(0)
    qtbot.waitUntil(lambda: w.session is not None and not w.session.is_new)
    assert len(rows(w)) == 1


# ---------------------------------------------------------------------------- lifecycle


def test_finalize_locks_and_new_revision_opens(qtbot, make_window) -> None:
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    w.records.finalize()
    wait_idle(qtbot, w)
    assert rows(w)[0]["status"] == "final"
    ed = w.declaration_editor
    assert ed.read_only and ed.fields["name"].isReadOnly()
    assert "只读" in ed.banner.text()
    assert w.acts["act_new_revision"].isEnabled()
    w.records.new_revision()
    wait_idle(qtbot, w)
    r = rows(w)[0]
    assert (r["status"], r["revision"]) == ("draft", 2)
    assert not ed.read_only
    with Store(w.db_path) as store:
        assert [x.revision for x in store.revisions(r["id"])] == [1, 2]


def test_finalize_blocked_by_errors_shows_message(qtbot, make_window) -> None:
    decl = seed_decl()
    decl.overview = None
    w = make_window([decl])
    select_first(qtbot, w)
    w.records.finalize()
    wait_idle(qtbot, w)
    assert rows(w)[0]["status"] == "draft"
    box = w.last_dialog
    assert isinstance(box, QMessageBox) and "不能定稿" in box.text()


def test_history_preview_of_old_revision(qtbot, make_window) -> None:
    from perfdesk.ui.history import HistoryDialog
    from perfdesk.ui.preview import PreviewDialog

    w = make_window([seed_decl()])
    select_first(qtbot, w)
    w.records.finalize()
    wait_idle(qtbot, w)
    w.records.new_revision()
    wait_idle(qtbot, w)
    w.records.show_history()  # the revisions are read on the reader
    qtbot.waitUntil(lambda: isinstance(w.last_dialog, HistoryDialog))
    dialog = w.last_dialog
    assert isinstance(dialog, HistoryDialog) and dialog.table.rowCount() == 2
    dialog.table.selectRow(0)
    dialog._preview("declaration")
    qtbot.waitUntil(lambda: isinstance(w.last_dialog, PreviewDialog), timeout=20_000)
    assert w.last_dialog.decl.revision == 1
    assert w.last_dialog.page_count() >= 1
    w.last_dialog.close()


def test_carry_forward_makes_next_year_draft(qtbot, make_window, prompts) -> None:
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    prompts.years = [2020]
    w.records.carry_forward()
    wait_idle(qtbot, w)
    years = sorted(r["year"] for r in rows(w))
    assert years == [2019, 2020]
    assert w.session.decl.year == 2020


# ---------------------------------------------------------------------------- evaluation


def test_evaluation_create_fill_score_and_save(qtbot, make_window) -> None:
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    w.record.pane.show_form("evaluation")
    ev_ed = w.evaluation_editor
    assert ev_ed.pages.currentIndex() == 0
    ev_ed.create_button.click()
    assert w.session.decl.evaluation is not None
    assert ev_ed.pages.currentIndex() == 1
    table = ev_ed.indicators
    assert table.table.rowCount() == len(w.session.decl.indicators)
    type_text(ev_ed.fields["spent"], "120006000")
    ev_ed.propose_button.click()
    table.set_cell(3, "actual", "93%")  # target 94.90%, not reached
    score = table.table.item(3, table.col_index("score")).text()
    explanation = table.table.item(3, table.col_index("explanation")).text()
    assert score and Decimal(score.split("（")[0]) < Decimal(table.row_values(3)["weight"])
    assert "93" in explanation
    table.set_cell(0, "tier", "达成")
    assert "达成" in table.table.item(0, table.col_index("explanation")).text()
    assert "90.00%" in ev_ed.rate_label.text()
    assert "总分" in ev_ed.total_label.text()
    # A missing deviation text is an evaluation error, activating it opens the row.
    qtbot.waitUntil(
        lambda: any(f.field.startswith("evaluation.indicators[3]") for f in w.checks.findings),
        timeout=3000,
    )
    w.record.save()
    wait_idle(qtbot, w)
    r = rows(w)[0]
    assert r["has_evaluation"] == 1
    decl = stored(w, r["id"])
    assert decl.evaluation.spent == Decimal("120006000")
    assert decl.evaluation.indicators[3].actual == "93%"
    assert decl.evaluation.indicators[0].tier == "达成"


def test_evaluation_override_with_reason_kept(qtbot, make_window) -> None:
    w = make_window([demo_decl()])
    select_first(qtbot, w)
    w.record.pane.show_form("evaluation")
    table = w.evaluation_editor.indicators
    table.set_cell(3, "score_override", Decimal("14"))
    table.set_cell(3, "override_reason", "目标设定偏低，酌情扣分")
    assert "规则 15" in table.table.item(3, table.col_index("score")).text()
    w.record.save()
    wait_idle(qtbot, w)
    decl = stored(w, rows(w)[0]["id"])
    ind = decl.evaluation.indicators[3]
    assert ind.score_override == Decimal("14") and ind.override_reason == "目标设定偏低，酌情扣分"


def test_evaluation_finalize(qtbot, make_window) -> None:
    w = make_window([demo_decl()])
    select_first(qtbot, w)
    w.record.pane.show_form("evaluation")
    assert w.acts["act_finalize"].text() == "自评表定稿"
    w.records.finalize()
    wait_idle(qtbot, w)
    decl = stored(w, rows(w)[0]["id"])
    assert decl.evaluation.status == "final"
    assert w.evaluation_editor.read_only
    assert not w.declaration_editor.read_only  # the declaration stays a draft


# ---------------------------------------------------------------------------- search and browse


def test_search_finds_one_and_two_character_terms(qtbot, make_window) -> None:
    other = seed_decl()
    other.name, other.unit = "道路养护", "上海市交通委员会"
    w = make_window([seed_decl(), other])
    assert w.browser.model.rowCount() == 2
    type_text(w.browser.search, "热")
    qtbot.waitUntil(lambda: w.browser.model.rowCount() == 1)  # after the typing pause
    w.browser.search.clear()
    type_text(w.browser.search, "交通")
    w.browser.apply_search_now()
    qtbot.waitUntil(lambda: w.browser.model.data(w.browser.model.index(0, 3)) == "道路养护")
    assert w.browser.model.rowCount() == 1
    qtbot.waitUntil(lambda: w.browser.count_label.text() == "共 1 个项目")
    w.browser.search.clear()
    w.browser.apply_search_now()
    qtbot.waitUntil(lambda: w.browser.model.rowCount() == 2)
    assert w.browser.unit.count() == 3  # 全部 + two units
    w.browser.unit.setCurrentIndex(w.browser.unit.findData("上海市交通委员会"))
    qtbot.waitUntil(lambda: w.browser.model.rowCount() == 1)
    w.browser.unit.setCurrentIndex(0)
    w.browser.status.setCurrentIndex(w.browser.status.findData("final"))
    qtbot.waitUntil(lambda: w.browser.model.rowCount() == 0)


def test_sorting_by_clicking_a_header(qtbot, make_window) -> None:
    records = []
    for i, name in enumerate(("乙项目", "甲项目", "丙项目")):
        d = seed_decl()
        d.name = name
        d.year = 2019 + i
        records.append(d)
    w = make_window(records)
    model = w.browser.model
    years = lambda: [model.data(model.index(r, 1)) for r in range(model.rowCount())]  # noqa: E731
    assert years() == ["2021", "2020", "2019"]  # newest first, as the header shows
    w.browser.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: years() == ["2019", "2020", "2021"])
    w.browser.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: years() == ["2021", "2020", "2019"])


# ---------------------------------------------------------------------------- import, export, preview


def test_export_excel_then_import_it_back(qtbot, make_window, prompts, tmp_path) -> None:
    pytest.importorskip("perfdesk.excel.writer")
    pytest.importorskip("perfdesk.excel.batch")
    w = make_window([seed_decl()])
    select_first(qtbot, w)
    out = tmp_path / "out" / "申报表.xlsx"
    out.parent.mkdir()
    prompts.saves = [out]
    w.files.export_excel()
    wait_idle(qtbot, w)
    assert out.is_file() and out.stat().st_size > 0
    # Import it into a second, empty window's database.
    other = tmp_path / "second"
    other.mkdir()
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    w2 = MainWindow(other / "db.sqlite", Settings.in_file(other / "s.ini"), prompts=prompts)  # type: ignore[arg-type]
    qtbot.addWidget(w2)
    try:
        prompts.files = [[out]]
        w2.files.import_files()
        wait_idle(qtbot, w2)
        got = rows(w2)
        assert [(r["year"], r["name"]) for r in got] == [(2019, "12345市民服务热线外包服务")]
        assert "导入 1 个" in w2.last_dialog.heading.text()
        assert w2.browser.model.rowCount() == 1
    finally:
        w2.shutdown()


def test_import_rejection_is_reported_and_writes_nothing(qtbot, make_window, tmp_path) -> None:
    pytest.importorskip("perfdesk.excel.batch")
    bad = tmp_path / "不是表格.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    w = make_window()
    w.files.import_paths([bad])
    wait_idle(qtbot, w)
    assert rows(w) == []
    text = w.last_dialog.all_text()
    assert "不是表格.xlsx" in text
    assert "拒绝 1 个" in w.last_dialog.heading.text()


def test_drop_files_on_the_window_imports_them(qtbot, make_window, tmp_path) -> None:
    pytest.importorskip("perfdesk.excel.batch")
    from perfdesk.models.serialize import declaration_to_dict, dumps

    src = tmp_path / "drop.json"
    src.write_text(dumps(declaration_to_dict(seed_decl(), with_store_keys=False)), encoding="utf-8")
    w = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(src)), QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    wait_idle(qtbot, w)
    assert [r["name"] for r in rows(w)] == ["12345市民服务热线外包服务"]


def test_preview_shows_the_pdf_and_prints_to_a_pdf_printer(qtbot, make_window, tmp_path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from perfdesk.ui.preview import PreviewDialog, print_document

    w = make_window([demo_decl()])
    select_first(qtbot, w)
    w.files.preview()
    qtbot.waitUntil(lambda: isinstance(w.last_dialog, PreviewDialog), timeout=20_000)
    dialog = w.last_dialog
    assert dialog.page_count() >= 2
    assert dialog.data.startswith(b"%PDF")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_document(dialog.document, printer) == dialog.page_count()
    assert out.read_bytes().startswith(b"%PDF")
    dialog.close()
    # The evaluation form previews too.
    w.record.pane.show_form("evaluation")
    w.files.preview()
    qtbot.waitUntil(
        lambda: isinstance(w.last_dialog, PreviewDialog) and w.last_dialog.form == "evaluation",
        timeout=20_000,
    )
    w.last_dialog.close()


def test_export_pdf_and_print_year(qtbot, make_window, prompts, tmp_path) -> None:
    from tests.pdf_helpers import monitoring_for

    seed = seed_decl()
    seed.monitoring = monitoring_for(seed)
    w = make_window([seed, demo_decl().__class__(**{**vars(demo_decl()), "name": "另一个项目"})])
    select_first(qtbot, w)
    out = tmp_path / "one.pdf"
    prompts.saves = [out]
    w.files.export_pdf()
    wait_idle(qtbot, w)
    assert out.read_bytes().startswith(b"%PDF")
    folder = tmp_path / "year"
    prompts.years = [2019]
    prompts.folders = [folder]
    w.files.print_year()
    wait_idle(qtbot, w)
    assert prompts.choices_offered[-1] == (
        ["绩效目标申报表", "绩效运行监控表", "绩效自评表"], "绩效目标申报表"
    )
    assert len(list(folder.glob("*.pdf"))) == 2
    assert "2 份绩效目标申报表" in w.last_dialog.heading.text()
    # Issue 15: the form is asked, not taken from the open tab; projects without it are named.
    evaluations = tmp_path / "evaluations"
    prompts.choices = ["绩效自评表"]
    prompts.folders = [evaluations]
    w.files.print_year()  # the year defaults to the list's latest year (2019), not this year
    wait_idle(qtbot, w)
    pdfs = list(evaluations.glob("*.pdf"))
    assert len(pdfs) == 1 and "自评表" in pdfs[0].name
    heading = w.last_dialog.heading.text()
    assert "2019 年度的 1 份绩效自评表" in heading and "1 个项目还没有自评表" in heading
    listed = w.last_dialog.text.toPlainText().split("\n\n")[0].splitlines()
    assert listed == ["没有自评表，未导出：", "12345市民服务热线外包服务"]
    assert "另一个项目" in pdfs[0].name
    # Issue 16: the 运行监控表 of the projects that have one.
    monitoring = tmp_path / "monitoring"
    prompts.choices = ["绩效运行监控表"]
    prompts.folders = [monitoring]
    w.files.print_year()
    wait_idle(qtbot, w)
    pdfs = list(monitoring.glob("*.pdf"))
    assert [p.name.endswith("12345市民服务热线外包服务_绩效运行监控表.pdf") for p in pdfs] == [True]
    heading = w.last_dialog.heading.text()
    assert "1 份绩效运行监控表" in heading and "1 个项目还没有运行监控表" in heading
    listed = w.last_dialog.text.toPlainText().split("\n\n")[0].splitlines()
    assert listed == ["没有运行监控表，未导出：", "另一个项目"]


# ---------------------------------------------------------------------------- errors, backup, demo


def test_duplicate_name_conflict_gets_a_friendly_message(qtbot, make_window) -> None:
    w = make_window([seed_decl()])
    w.records.new_record()
    ed = w.declaration_editor
    ed.year.setValue(2019)
    type_text(ed.fields["unit"], seed_decl().unit)
    type_text(ed.fields["name"], seed_decl().name)
    w.record.save()
    wait_idle(qtbot, w)
    # Same (year, unit, name) without an id: the store updates that record, never duplicates.
    assert len(rows(w)) == 1


def test_unexpected_error_opens_crash_dialog_with_traceback(qtbot, make_window) -> None:
    from perfdesk.ui.dialogs import CrashDialog

    w = make_window()

    def boom(_store, _ctx):
        raise RuntimeError("出错了")

    w.writer.submit(boom)
    wait_idle(qtbot, w)
    dialogs = w.findChildren(CrashDialog)
    assert dialogs and "RuntimeError: 出错了" in dialogs[0].text.toPlainText()
    dialogs[0].copy_all()
    assert "RuntimeError" in QApplication.clipboard().text()


def test_backup_and_restore(qtbot, make_window, prompts, tmp_path) -> None:
    w = make_window([seed_decl()])
    target = tmp_path / "b" / "backup.sqlite"
    prompts.saves = [target]
    w.files.backup()
    wait_idle(qtbot, w)
    assert target.is_file()
    w.records.new_record()
    ed = w.declaration_editor
    type_text(ed.fields["unit"], "某单位")
    type_text(ed.fields["name"], "备份后新增")
    w.record.save()
    wait_idle(qtbot, w)
    assert len(rows(w)) == 2
    prompts.opens = [target]
    prompts.confirms = [True]
    w.files.restore()
    wait_idle(qtbot, w)
    assert len(rows(w)) == 1
    qtbot.waitUntil(lambda: w.browser.model.rowCount() == 1)
    w.browser.view.selectRow(0)  # the window works on the restored file
    qtbot.waitUntil(lambda: w.session is not None)


def test_settings_remember_geometry_and_folders(qtbot, make_window, tmp_path) -> None:
    from perfdesk.ui import settings as S

    w = make_window()
    w.resize(1111, 777)
    w.settings.remember_folder(S.IMPORT_DIR, tmp_path)
    w.close()
    s = S.Settings.in_file(tmp_path / "settings.ini")
    assert s.get(S.IMPORT_DIR) == str(tmp_path)
    assert not s.get(S.GEOMETRY).isEmpty()


def test_demo_database_holds_seed_with_evaluation(qapp) -> None:
    from perfdesk.ui.app import demo_database

    path = demo_database()
    with Store(path) as store:
        (row,) = store.list(columns=("id", "name", "has_evaluation", "grade"))
        assert row[1:] == ("12345市民服务热线外包服务", 1, "优")
    data = json.loads((Path(__file__).parent / "data" / "seed.json").read_text(encoding="utf-8"))
    assert store is not None and data["name"] == row[1]
