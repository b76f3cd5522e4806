"""The import report in the real window: a table (文件, 结果, 记录数, 错误, 警告), rejections
first, the selected file's details below, copied or exported as plain text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QItemSelectionModel, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QTableView, QWidget  # noqa: E402

from perfdesk.excel.batch import FileResult, ImportReport  # noqa: E402
from perfdesk.ui.import_report import HEADERS, ImportReportDialog, ImportReportModel  # noqa: E402
from tests.test_ui import (  # noqa: E402, F401 - the window fixtures of the UI tests
    make_window,
    prompts,
    qt_warnings_fail,
    rows,
    wait_idle,
)

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "excel_in"


def _seed() -> dict[str, Any]:
    return json.loads((DATA / "seed.json").read_text(encoding="utf-8"))


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A folder as a clerk gets it: good forms, two that cannot be read, one whose record
    breaks a rule that must be corrected before 定稿, one holding the same project twice."""
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copyfile(CORPUS / "seed.xlsx", folder / "1_申报表.xlsx")
    shutil.copyfile(CORPUS / "bad" / "bad_amount.xlsx", folder / "2_金额有误.xlsx")
    shutil.copyfile(CORPUS / "flat_list.xlsx", folder / "3_清单.xlsx")
    (folder / "4_不是表格.xlsx").write_bytes(b"this is not a spreadsheet")
    over = dict(_seed(), name="预算超总额项目", year_budget=5_000_000, total_budget=1_000_000)
    (folder / "5_超预算.json").write_text(json.dumps(over, ensure_ascii=False), encoding="utf-8")
    twice = dict(_seed(), name="同一项目两次")
    (folder / "6_两次.json").write_text(
        json.dumps([twice, twice], ensure_ascii=False), encoding="utf-8"
    )
    return folder


def _cells(model: ImportReportModel) -> list[list[str]]:
    return [
        [model.data(model.index(r, c)) or "" for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_import_report_is_a_table_with_rejections_first(qtbot, make_window, inbox) -> None:  # noqa: F811
    w = make_window()
    w.files.import_paths([inbox])
    wait_idle(qtbot, w)
    dialog = w.last_dialog
    assert isinstance(dialog, ImportReportDialog)
    qtbot.waitExposed(dialog)
    model = dialog.table.model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == list(HEADERS)
    table = _cells(model)
    names = [r[0] for r in table]
    # Rejections first, then files whose records have errors to correct (the list's
    # projects lack dates and amounts), then the rest, each group in import order.
    assert names == [
        "2_金额有误.xlsx",
        "4_不是表格.xlsx",
        "3_清单.xlsx",
        "5_超预算.json",
        "1_申报表.xlsx",
        "6_两次.json",
    ]
    by_name = {r[0]: r for r in table}
    assert by_name["2_金额有误.xlsx"][1:4] == ["已拒绝", "", "1"]
    assert by_name["4_不是表格.xlsx"][1:4] == ["已拒绝", "", "1"]
    assert by_name["3_清单.xlsx"][1:3] == ["已导入", "3"] and int(by_name["3_清单.xlsx"][3]) > 3
    # 当年预算 above 总预算, and no longer the sum of its 投入资金构成.
    assert by_name["5_超预算.json"][1:4] == ["已导入", "1", "2"]
    assert by_name["1_申报表.xlsx"][3] == ""
    # The same project twice in one file is one record, not “编号 7、7”.
    assert by_name["6_两次.json"][1:3] == ["已导入", "1"]
    assert int(by_name["1_申报表.xlsx"][4]) >= 1  # the seed's vague targets are warnings
    assert (
        "拒绝 2 个" in dialog.heading.text() and "2 个有定稿前须改正的错误" in dialog.heading.text()
    )
    # The full path is one hover away, and nothing was written for the rejected files.
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == str(
        inbox / "2_金额有误.xlsx"
    )
    assert len(rows(w)) == 6  # seed, three of the list, the over-budget one, the twice one


def test_selecting_a_row_shows_its_details(qtbot, make_window, inbox) -> None:  # noqa: F811
    w = make_window()
    w.files.import_paths([inbox])
    wait_idle(qtbot, w)
    dialog = w.last_dialog
    # The first rejection is selected from the start.
    assert str(inbox / "2_金额有误.xlsx") in dialog.details.toPlainText()
    assert "拒绝原因" in dialog.details.toPlainText() and "“一亿”" in dialog.details.toPlainText()
    view: QTableView = dialog.table
    row = next(
        r for r in range(view.model().rowCount())
        if view.model().index(r, 0).data() == "5_超预算.json"
    )  # fmt: skip
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    details = dialog.details.toPlainText()
    assert str(inbox / "5_超预算.json") in details
    error_lines = [line for line in details.splitlines() if "大于" in line]
    assert error_lines and all(line.startswith("错误（定稿前须改正）：") for line in error_lines)
    assert any(line.startswith("提醒：") for line in details.splitlines())  # vague targets


def test_copy_and_export_give_the_whole_report_as_text(
    qtbot,
    make_window,  # noqa: F811
    prompts,  # noqa: F811
    inbox,
    tmp_path,
) -> None:
    w = make_window()
    w.files.import_paths([inbox])
    wait_idle(qtbot, w)
    dialog = w.last_dialog
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    text = QApplication.clipboard().text()
    assert text.startswith(dialog.heading.text().split("\n")[0])
    for name in ("1_申报表.xlsx", "2_金额有误.xlsx", "3_清单.xlsx", "4_不是表格.xlsx"):
        assert str(inbox / name) in text
    assert text.index("4_不是表格.xlsx") < text.index("1_申报表.xlsx")  # rejections first
    assert "提醒：" in text and "错误（定稿前须改正）：" in text
    assert not [line for line in text.splitlines() if "大于" in line and "提醒" in line]
    out = tmp_path / "报告" / "导入结果"
    out.parent.mkdir()
    prompts.saves = [out]
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    written = out.with_name("导入结果.txt")
    assert written.read_text(encoding="utf-8-sig") == text
    assert "已导出到" in dialog.heading.text()
    # Cancelling the save dialog writes nothing.
    prompts.saves = [None]
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert sorted(p.name for p in out.parent.iterdir()) == ["导入结果.txt"]


def test_the_model_passes_qtmodeltester(qtmodeltester) -> None:
    report = ImportReport(
        files=[
            FileResult("/a/甲.xlsx", "imported", ids=[1, 1], warnings=["目标笼统"]),
            FileResult("/a/乙.xlsx", "rejected", error="文件“乙.xlsx”：不是 Excel 表格。"),
        ],
        total=2,
    )
    model = ImportReportModel(report)
    qtmodeltester.check(model, force_py=True)
    tip = model.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("提醒")
    assert _cells(model) == [
        ["乙.xlsx", "已拒绝", "", "1", ""],
        ["甲.xlsx", "已导入", "1", "", "1"],
    ]


def test_a_folder_of_thousands_of_files_stays_one_table(qtbot) -> None:
    """4,000 files: one view over a model, no widget per file; selecting the last row
    shows its details."""
    files = [
        FileResult(f"/收件/{n:04d}.xlsx", "imported", ids=[n], warnings=[f"第{n}个文件的提醒"])
        if n % 10
        else FileResult(f"/收件/{n:04d}.xlsx", "rejected", error=f"第{n}个文件不是表格。")
        for n in range(4000)
    ]
    report = ImportReport(files=files, total=len(files))
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = ImportReportDialog(report, lambda _name: None, parent)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.table.model().rowCount() == 4000
    assert len(dialog.findChildren(QLabel)) < 10 and len(dialog.findChildren(QWidget)) < 80
    assert dialog.table.model().index(0, 1).data() == "已拒绝"
    assert dialog.table.model().index(399, 1).data() == "已拒绝"
    assert dialog.table.model().index(400, 1).data() == "已导入"
    last = dialog.table.model().index(3999, 0)
    dialog.table.selectionModel().setCurrentIndex(
        last,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert "/收件/3999.xlsx" in dialog.details.toPlainText()
    assert "提醒：第3999个文件的提醒" in dialog.details.toPlainText()
    dialog.close()


def test_exporting_where_nothing_can_be_written_says_why_in_chinese(
    qtbot,
    make_window,  # noqa: F811
    prompts,  # noqa: F811
    inbox,
    tmp_path,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    w = make_window()
    w.files.import_paths([inbox])
    wait_idle(qtbot, w)
    dialog = w.last_dialog
    prompts.saves = [tmp_path / "没有这个文件夹" / "导入结果.txt"]
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    (box,) = dialog.findChildren(QMessageBox)
    assert box.text() == (
        f"无法读写文件“{tmp_path / '没有这个文件夹' / '导入结果.txt'}”：文件或文件夹不存在。"
    )
    assert "No such file" not in box.text()
    box.close()
