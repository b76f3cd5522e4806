"""The 运行监控 tab as a clerk types into it: how long each key holds the GUI thread.

    python bench/bench_monitoring_tab.py [N]        (N indicators, default 40; QT_QPA_PLATFORM=offscreen)

Every key in the tab is an undoable edit of the whole record (a copy, the widgets written
into it, a comparison), and 执行率 against 序时进度 is worked out again before the key returns;
the checks of all three forms run after a 250 ms pause. A record with N indicators (40 is a
large form) and a 自评表 is opened in the window; the same keys are typed, in the same run,
into a bare QLineEdit (the floor: what Qt itself costs) and into the declaration's 备注 field
of the same record (the window's existing editor):

- 1至X月执行数, digit by digit: the rates follow each key;
- a row's 偏差原因分析 in the pane under the indicator table, Chinese text;
- 截至X月底完成情况 cells of the table, one cell after another.

Per key: the time ``sendEvent`` takes to handle it (median and worst), and, with a QTimer
ticking every 5 ms, the longest gap in its ticks (the longest the window could not answer,
the pause's checks included). Keys come every 80 ms, a fast typist.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench_window import KEY_INTERVAL_MS, StallClock, settle
from common import ROOT, emit, seed_sized

from perfdesk.models.monitoring import make_monitoring
from perfdesk.store.database import Store

ROUNDS = 4
MONEY = "52000000"
TEXT = "坐席流失，上半年招聘未到位，三季度补充"
CELL = "已完成63%"


def make_record(n: int):
    from perfdesk.ui.evaluation_editor import new_evaluation

    decl = seed_sized(1, year=2024, n_indicators=n)
    decl.monitoring = make_monitoring(decl, dt.date(2024, 7, 10))
    decl.evaluation = new_evaluation(decl)
    return decl


def keys(widget: object, text: str, per_key: list[float]) -> None:
    """Select all, then type ``text`` key by key; the handling time of each key."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent, QKeySequence
    from PySide6.QtWidgets import QApplication

    select_all = QKeySequence(QKeySequence.StandardKey.SelectAll)[0]
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            widget, QKeyEvent(kind, select_all.key(), select_all.keyboardModifiers())
        )
    for ch in text:
        t0 = time.perf_counter()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
        per_key.append(time.perf_counter() - t0)
        settle(KEY_INTERVAL_MS)


class Run:
    """One kind of typing: handling time per key and the longest stall."""

    def __init__(self) -> None:
        self.per_key: list[float] = []
        self.clock = StallClock()

    def __enter__(self) -> Run:
        self.clock.start()
        return self

    def __exit__(self, *exc: object) -> None:
        settle(400)  # the checks after the last key's pause are part of the typing
        self.clock.timer.stop()

    def text(self) -> str:
        median = statistics.median(self.per_key) * 1000
        worst = max(self.per_key) * 1000
        stall = self.clock.worst()[0] * 1000
        return f"{median:.1f} / {worst:.1f} ms, stall {stall:.0f} ms"


def measure(db: Path, settings: Path) -> dict[str, Run]:
    from PySide6.QtWidgets import QLineEdit

    from perfdesk.ui.app import ensure_app
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import AUTOSAVE_MS, Settings

    app = ensure_app()
    runs: dict[str, Run] = {}
    bare = QLineEdit()
    bare.show()
    settings_file = Settings.in_file(settings)
    settings_file.set(AUTOSAVE_MS, 600_000)  # the typing, not the saves
    w = MainWindow(db, settings_file, demo=True)
    w.resize(1284, 684)
    w.show()
    while not w.browser.model.rowCount():  # the list's first page, read in the background
        settle(10)
    w.browser.view.selectRow(0)
    while w.session is None or w.reader.pending or w.writer.pending:
        settle(10)
    settle(300)
    mon = w.monitoring_editor
    table = mon.indicators

    def typed(name: str, target: object, text: str) -> None:
        run = runs.setdefault(name, Run())
        with run:
            for _ in range(ROUNDS):
                keys(target, text, run.per_key)

    for _ in range(2):  # alternating, so a busy moment of the shared machine hits both
        typed("bare QLineEdit: digits", bare, MONEY)
        w.record.pane.show_form("monitoring")
        mon.sections.setCurrentWidget(mon.scroll_area)
        typed("运行监控: 1至X月执行数", mon.fields["spent_to_date"], MONEY)
        typed("bare QLineEdit: Chinese text", bare, TEXT)
        mon.sections.setCurrentWidget(mon.indicators_page)
        table.table.setCurrentCell(5, table.col_index("name"))
        typed("运行监控: 偏差原因分析 in the row pane", mon.detail.fields["deviation"], TEXT)
        w.record.pane.show_form("declaration")
        typed("申报表: 备注 (the existing editor)", w.declaration_editor.fields["remarks"], TEXT)
        w.record.pane.show_form("monitoring")
        mon.sections.setCurrentWidget(mon.indicators_page)
        run = runs.setdefault("运行监控: 截至X月底完成情况 cells", Run())
        with run:
            for r in range(ROUNDS * 2):
                c = table.col_index("progress")
                table.table.setCurrentCell(r, c)
                table.table.editItem(table.table.item(r, c))
                settle(20)
                editor = app.focusWidget()
                keys(editor, CELL, run.per_key)
                table.table.setCurrentCell(r + 1, c)  # commits the cell: the edit
                settle(KEY_INTERVAL_MS)
    spent = w.session.decl.monitoring.spent_to_date
    assert spent == Decimal(MONEY), spent  # the keys reached the record
    w.shutdown()
    bare.close()
    return runs


def main(n: int = 40) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        db = Path(tmp) / "bench.sqlite"
        with Store(db) as store:
            store.save(make_record(n))
        runs = measure(db, Path(tmp) / "settings.ini")
    bare_digits = statistics.median(runs["bare QLineEdit: digits"].per_key)
    bare_text = statistics.median(runs["bare QLineEdit: Chinese text"].per_key)
    rows = [(f"{name}: per key median / worst, longest stall", run.text())
            for name, run in runs.items()]  # fmt: skip
    for name, base in (
        ("运行监控: 1至X月执行数", bare_digits),
        ("运行监控: 偏差原因分析 in the row pane", bare_text),
        ("申报表: 备注 (the existing editor)", bare_text),
    ):
        rows.append((f"ratio {name} / bare QLineEdit, per-key median",
                     f"{statistics.median(runs[name].per_key) / base:.1f}×"))  # fmt: skip
    emit(
        f"运行监控 tab: typing into a record of {n} indicators (keys every {KEY_INTERVAL_MS} ms)",
        rows,
        ROOT / "bench" / "out" / "monitoring_tab.md",
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
