"""The import report of a large folder: how long until it is on screen, against the wall of text
it replaced, in the same run.

    QT_QPA_PLATFORM=offscreen python bench/bench_import_report.py [N ...]   (default 3656 20000)

For N files (one in ten rejected, every imported one with two 提醒 and one in five with an
error to correct, as a real folder gives), the time from building the dialog to the end of
its first paint (show, then the event loop until idle), median of 7 runs:
- perfdesk's ImportReportDialog: the table model over the report, the first row selected;
- bare: a QDialog with a QPlainTextEdit holding the same report as plain text (what the
  window showed before the table), the floor of showing that much text at all.
"""

from __future__ import annotations

import statistics
import sys
import time

from common import ROOT, emit
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit, QVBoxLayout

from perfdesk.excel.batch import FileResult, ImportReport
from perfdesk.ui.import_report import ImportReportDialog, report_text

RUNS = 7


def make_report(n: int) -> ImportReport:
    files = []
    for i in range(n):
        path = f"/home/clerk/收件/{i // 100:03d}/2024年项目{i:05d}绩效目标表.xlsx"
        if i % 10 == 3:
            error = f"文件“2024年项目{i:05d}绩效目标表.xlsx”工作表“申报表” D13：“项目当年预算”不是金额：“一亿”"
            files.append(FileResult(path, "rejected", error=error))
            continue
        title = f"2024年“项目{i:05d}”"
        warnings = [
            f"{title}：分解目标第2行（受理量）的指标目标值“3,798,000 个”未写明方向（≥、≤ 还是 =），"
            "程序按越高越好理解，请确认。",
            f"{title}：分解目标第4行（满意度）的指标目标值“良好”只有“良好”等笼统表述，难以考核，建议量化。",
        ]
        must_fix = [f"{title}：“开始时间”未填写。"] if i % 5 == 0 else []
        files.append(
            FileResult(path, "imported", ids=[i + 1], warnings=warnings, must_fix=must_fix)
        )
    return ImportReport(files=files, total=n)


def _shown(app: QApplication, dialog: QDialog) -> float:
    start = time.perf_counter()
    dialog.show()
    app.processEvents()
    return time.perf_counter() - start


def time_table(app: QApplication, report: ImportReport) -> float:
    start = time.perf_counter()
    dialog = ImportReportDialog(report, lambda _name: None)
    built = time.perf_counter() - start
    took = built + _shown(app, dialog)
    dialog.close()
    dialog.deleteLater()
    app.processEvents()
    return took


def time_text(app: QApplication, report: ImportReport) -> float:
    start = time.perf_counter()
    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    text = QPlainTextEdit(report_text(report))
    text.setReadOnly(True)
    layout.addWidget(text)
    dialog.resize(900, 600)
    built = time.perf_counter() - start
    took = built + _shown(app, dialog)
    dialog.close()
    dialog.deleteLater()
    app.processEvents()
    return took


def main(sizes: list[int]) -> None:
    app = QApplication(sys.argv[:1])
    rows = []
    for n in sizes:
        report = make_report(n)
        table, text = [], []
        for _ in range(RUNS):  # alternating, so a busy moment of the machine hits both
            table.append(time_table(app, report))
            text.append(time_text(app, report))
        t, b = statistics.median(table), statistics.median(text)
        lines = report_text(report).count("\n")
        rows += [
            (f"{n:,} files: report table on screen (median of {RUNS})", f"{t * 1000:.0f} ms"),
            (f"{n:,} files: bare text wall of {lines:,} lines on screen", f"{b * 1000:.0f} ms"),
            (f"{n:,} files: ratio table / bare text", f"{t / b:.2f}×"),
        ]
    emit("Import report", rows, ROOT / "bench" / "out" / "import_report.md")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [3656, 20000])
