"""Screenshots of the window at 1366×768 for the user guide and the README:
``python -m perfdesk.ui.screenshots resources/help``.

Run under a real X server so fonts render as users see them, e.g.
``xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb python -m perfdesk.ui.screenshots resources/help``.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QScrollArea, QWidget


def _settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait(window, ms: int = 20_000) -> None:
    """Until the writer and the reader have answered everything asked of them."""
    for _ in range(ms // 50):
        if window.writer.pending == 0 and window.reader.pending == 0:
            break
        _settle(50)
    _settle(200)


def _scroll_near_top(area: QScrollArea, target: QWidget) -> None:
    """Scroll ``area`` so ``target`` sits just below its top edge."""
    body = area.widget()
    if body is None:  # nothing placed in the area: nothing to scroll
        return
    area.verticalScrollBar().setValue(target.mapTo(body, target.rect().topLeft()).y() - 40)


def _save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


SCREEN = (1366, 728)  # a 1366×768 laptop less its task bar


def main(out: str = "resources/help") -> int:
    from perfdesk.models.serialize import declaration_from_dict, loads
    from perfdesk.resources import resource_path
    from perfdesk.store.database import Store
    from perfdesk.ui.app import ensure_app
    from perfdesk.ui.import_report import ImportReportDialog
    from perfdesk.ui.main_window import MainWindow, default_size, default_split
    from perfdesk.ui.preview import PreviewDialog
    from perfdesk.ui.settings import Settings

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    app = ensure_app()
    tmp = Path(tempfile.mkdtemp(prefix="perfdesk-shots-"))
    db = tmp / "shots.sqlite"
    demo = declaration_from_dict(
        loads(resource_path("demo", "seed.json").read_text(encoding="utf-8"))
    )
    with Store(db) as store:
        store.save(copy.deepcopy(demo))
        for i, (unit, name) in enumerate(
            [("上海市交通委员会", "道路养护专项"), ("上海市教育委员会", "中小学信息化建设"),
             ("上海市卫生健康委员会", "社区卫生服务补助"), ("上海市民政局", "养老服务补贴"),
             ("上海市绿化和市容管理局", "公园绿地养护"), ("上海市文化和旅游局", "公共文化配送")]
        ):  # fmt: skip
            d = copy.deepcopy(demo)
            d.unit, d.name, d.evaluation = unit, name, None
            d.year = 2019 + i % 2
            store.save(d)
    # Everything at 1366×768, the clerk's laptop (less a 40-pixel task bar), as the window
    # opens there on a first start.
    window = MainWindow(db, Settings.in_file(tmp / "s.ini"), demo=True)
    window.resize(*default_size(SCREEN))
    window.splitter.setSizes(list(default_split(window.width())))
    window.show()
    _wait(window)
    window.browser.search.setText("")
    window.browser.select(1)
    _wait(window)
    _settle()
    _save(window, folder / "main.png")

    # The declaration editor scrolled to the indicators, with the check panel.
    editor = window.declaration_editor
    editor.scroll_area.ensureWidgetVisible(editor.indicators, 0, 0)
    _scroll_near_top(editor.scroll_area, editor.indicators)
    _settle()
    _save(window, folder / "declaration.png")

    window.record.pane.show_form("evaluation")
    _settle()
    ev = window.evaluation_editor
    ev.sections.setCurrentWidget(ev.indicators_page)
    ev.indicators.focus_cell(3, "actual")
    _settle()
    _save(window, folder / "evaluation.png")

    # The 运行监控表 made from the declaration as of 6月底, half-way filled in.
    window.record.create_monitoring()
    mon = window.monitoring_editor
    mon.fields["as_of_month"].setCurrentIndex(6)  # 6月底, as a clerk picks it
    mon.fields["spent_to_date"].setText("52,000,000.00")  # 39% against 序时进度 50%
    table = mon.indicators
    for r, (progress, likelihood) in enumerate(
        [("运行规范，未发生安全事故", "确定能"), ("经费按预算使用", "确定能"),
         ("接听电话176.2万个，网站和手机受理13.9万件", "有可能"), ("95.1%", "确定能")]
    ):  # fmt: skip
        table.set_cell(r, "progress", progress)
        table.set_cell(r, "likelihood", likelihood)
    mon.sections.setCurrentWidget(mon.indicators_page)
    table.focus_cell(2, "progress")
    _settle()
    _save(window, folder / "monitoring.png")

    window.record.pane.show_form("declaration")
    window.files.preview()
    _wait(window)
    dialog = window.last_dialog
    if isinstance(dialog, PreviewDialog):
        _settle(800)
        _save(dialog, folder / "preview.png")
        dialog.close()

    # The import report: one file taken, one refused.
    good = tmp / "12345热线.json"
    good.write_text(
        resource_path("demo", "seed.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad = tmp / "损坏的申报表.xlsx"
    bad.write_bytes(b"not a workbook")
    window.files.import_paths([good, bad])
    _wait(window)
    report = window.last_dialog
    if isinstance(report, ImportReportDialog):
        report.table.selectRow(0)
        _settle()
        _save(report, folder / "import.png")
        report.close()
    window.shutdown()
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "resources/help"))
