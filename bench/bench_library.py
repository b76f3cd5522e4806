"""The indicator library at 100,000 stored indicators (2,500 projects × 4 years × 10).

Measures, in one run on one database file:
* the picker (从指标库选择, the real dialog on the real worker thread): opening until its
  entries are read, the longest stall of the GUI thread meanwhile, and for each keystroke
  the GUI-thread stall (filtering and resetting the model) and the answer (until the view
  has repainted) — against a bare sqlite3 query of the same search over the same uses;
* the same search over the revisions' JSON (no index table), which is why migration 0010 keeps
  ``indicator_uses``;
* ``perfdesk indicators --search`` as a whole command, and migration 0010 on a copy of
  the file taken back before it (the backfill).

    python bench/bench_library.py [PROJECTS]     (default 2500, i.e. 100,000 indicators)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from common import ROOT, compile_bytecode, emit, seed_sized, time_command

from perfdesk.models.records import EvalIndicator, Evaluation, Indicator
from perfdesk.store.database import Store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

YEARS = (2021, 2022, 2023, 2024)
PER_RECORD = 10
OBJECTS = ("热线", "培训", "设备", "道路", "学校", "社区", "图书", "档案", "网络", "车辆",
           "食堂", "绿化", "养老", "医疗", "文化", "体育", "消防", "水务", "环卫", "信息系统")  # fmt: skip
MEASURES = (
    ("产出指标", "数量指标", "受理量", "≥{}万件"),
    ("产出指标", "质量指标", "合格率", "≥{}%"),
    ("产出指标", "时效指标", "平均响应时长", "≤{}小时"),
    ("产出指标", "成本指标", "单位成本", "≤{}元"),
    ("效益指标", "社会效益指标", "覆盖率", "≥{}%"),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥{}%"),
)
# Typed one character at a time, as a clerk does: 1-4 characters, common and rare.
KEYSTROKES = ("热", "热线", "热线受", "热线受理", "率", "满意", "成本", "项目99", "图书 合格")


def records(projects: int):
    """Every project in every year: 6 indicators shared across projects, 4 of its own
    (about 10,000 distinct indicators in all); each year before the last evaluated."""
    for p in range(projects):
        for year in YEARS:
            decl = seed_sized(p, year=year, n_indicators=0)
            inds = []
            for k in range(PER_RECORD):
                cat, sub, measure, fmt = MEASURES[k % len(MEASURES)]
                obj = OBJECTS[(p + k) % len(OBJECTS)]
                name = f"{obj}{measure}" if k < 6 else f"{obj}项目{p % 997}{measure}"
                inds.append(Indicator(cat, sub, name, fmt.format(80 + (p + k + year) % 20)))
            decl.indicators = inds
            if year < YEARS[-1]:
                decl.evaluation = Evaluation(
                    indicators=[
                        EvalIndicator(i.category, i.subcategory, i.name, i.target,
                                      actual=f"{85 + (p + year) % 15}%", weight=Decimal(9))
                        for i in inds
                    ]
                )  # fmt: skip
            yield decl


def build(db: Path, projects: int, triggers: bool = True) -> float:
    store = Store(db)
    if not triggers:  # the baseline: the same writes without keeping indicator_uses
        store.conn.execute("DROP TRIGGER indicator_uses_ai")
        store.conn.execute("DROP TRIGGER indicator_uses_au")
    t0 = time.perf_counter()
    batch = []
    for decl in records(projects):
        batch.append(decl)
        if len(batch) == 1000:
            store.save_many(batch)
            batch = []
    if batch:
        store.save_many(batch)
    seconds = time.perf_counter() - t0
    store.conn.execute("ANALYZE")
    store.close()
    return seconds


BARE_INDEXED = (
    "SELECT DISTINCT r.framework, u.category, u.subcategory, u.name FROM indicator_uses u "
    "JOIN records r ON r.id = u.record_id WHERE {}"
)
BARE_JSON = (
    "SELECT DISTINCT r.framework, j.value ->> 'category', j.value ->> 'subcategory', "
    "j.value ->> 'name' FROM records r JOIN revisions v ON v.record_id = r.id "
    "AND v.revision = r.revision, json_each(v.doc, '$.indicators') j WHERE {}"
)


def bare_search(conn: sqlite3.Connection, sql: str, cols: tuple[str, ...], text: str) -> float:
    """The search as one bare query: every term in name, category, subcategory or target
    (the picker also looks in the workbooks' entries, which this database has none of)."""
    terms = text.split()
    where = " AND ".join("(" + " OR ".join(f"{c} LIKE ?" for c in cols) + ")" for _ in terms)
    params = [f"%{t}%" for t in terms for _ in cols]
    t0 = time.perf_counter()
    conn.execute(sql.format(where), params).fetchall()
    return time.perf_counter() - t0


def picker_run(db: Path) -> dict[str, object]:
    from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from perfdesk.ui.indicator_picker import IndicatorPicker
    from perfdesk.ui.operations import Worker

    app = QApplication.instance() or QApplication([])
    worker = Worker(db)
    # Warm the worker's connection as the window does at start.
    def wait_for(picker: IndicatorPicker) -> None:
        # An event loop until the entries arrive (not a processEvents() busy loop).
        loop = QEventLoop()
        picker.ready.connect(loop.quit)
        if not picker.loaded:
            loop.exec()

    warm = QEventLoop()
    worker.submit(lambda store, ctx: store.count(), lambda _n: warm.quit())
    warm.exec()
    # The GUI thread's longest stall while the picker reads: a 1 ms timer's longest gap.
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    opens = []
    stalls = []
    picker = None
    for _ in range(3):
        gaps.clear()
        timer.start()
        last[0] = time.perf_counter()
        t0 = time.perf_counter()
        picker = IndicatorPicker(worker.submit, "national", None)
        picker.show()
        wait_for(picker)
        opens.append(time.perf_counter() - t0)
        timer.stop()
        stalls.append(max(gaps) if gaps else 0.0)
        picker.close()
        picker.deleteLater()
        app.processEvents()
    picker = IndicatorPicker(worker.submit, "national", None)
    picker.show()
    wait_for(picker)
    entries = len(picker.entries)
    per_key: dict[str, list[tuple[float, float]]] = {k: [] for k in KEYSTROKES}
    for _ in range(5):
        for text in KEYSTROKES:
            picker.search.setText(text[:-1])
            app.processEvents()
            t0 = time.perf_counter()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    picker.search, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, text[-1])
                )
            stall = time.perf_counter() - t0
            picker.table.viewport().repaint()
            app.processEvents()
            answer = time.perf_counter() - t0
            assert picker.search.text() == text
            per_key[text].append((stall, answer))
    found = {}
    for text in KEYSTROKES:
        picker.search.setText(text)
        found[text] = picker.model.rowCount()
    picker.close()
    picker.deleteLater()
    timer.deleteLater()
    worker.shutdown()
    worker.deleteLater()
    app.processEvents()
    # Qt's objects go before the interpreter's own teardown (else PySide may free them
    # in the wrong order at exit).
    app.shutdown()
    return {"open": opens, "open_stall": stalls, "entries": entries, "keys": per_key,
            "found": found}  # fmt: skip


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main(projects: int = 2500) -> None:
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        db = Path(tmp) / "library.sqlite"
        write_s = build(db, projects)
        # What keeping indicator_uses costs a save: 500 projects (2,000 records) written
        # with and without its triggers, alternately, best of 2 each.
        cost = {True: [], False: []}
        for n in range(4):
            with_triggers = n % 2 == 0
            small = Path(tmp) / f"small{n}.sqlite"
            cost[with_triggers].append(build(small, 500, triggers=with_triggers))
            small.unlink()
        with sqlite3.connect(db) as conn:
            n_uses = conn.execute("SELECT count(*) FROM indicator_uses").fetchone()[0]
        result = picker_run(db)
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA cache_size = -65536")
        idx_cols = ("u.name", "u.category", "u.subcategory", "u.target")
        json_cols = tuple(
            f"j.value ->> '{k}'" for k in ("name", "category", "subcategory", "target")
        )
        rows = []
        keys = result["keys"]
        assert isinstance(keys, dict)
        worst_ratio = 0.0
        for text in KEYSTROKES:
            bare = min(bare_search(conn, BARE_INDEXED, idx_cols, text) for _ in range(5))
            stall = statistics.median(s for s, _ in keys[text])
            answer = statistics.median(a for _, a in keys[text])
            worst = max(a for _, a in keys[text])
            worst_ratio = max(worst_ratio, answer / bare)
            rows.append((
                f"keystroke “{text}” ({result['found'][text]} found): GUI stall / answer "
                "(median; worst) / bare sqlite3",
                f"{ms(stall)} / {ms(answer)}; {ms(worst)} / {ms(bare)} "
                f"(×{answer / bare:.2f})",
            ))  # fmt: skip
        json_search = min(bare_search(conn, BARE_JSON, json_cols, "热线") for _ in range(3))
        conn.close()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        compile_bytecode()
        cli = time_command(
            [sys.executable, "-m", "perfdesk", "--db", str(db), "indicators", "--search", "热线受理"],
            repeat=3, env=env,
        )  # fmt: skip
        # The backfill: a copy taken back before migration 0010, then opened by the program.
        old = Path(tmp) / "before.sqlite"
        shutil.copyfile(db, old)
        with sqlite3.connect(old) as c:
            c.execute("DROP TRIGGER indicator_uses_ai")
            c.execute("DROP TRIGGER indicator_uses_au")
            for t in ("indicator_uses", "record_links", "library_entries", "library_sources"):
                c.execute(f"DROP TABLE {t}")
            c.execute("DELETE FROM _sqlite_migrations WHERE name = '0010_indicator_library'")
        t0 = time.perf_counter()
        Store(old, backups=-1).close()
        migrate_s = time.perf_counter() - t0
        opens = result["open"]
        stalls = result["open_stall"]
        assert isinstance(opens, list) and isinstance(stalls, list)
        emit(
            f"Indicator library: {n_uses:,} stored indicators, {result['entries']:,} distinct",
            [
                ("writing the records (with the uses' triggers)", f"{write_s:.1f} s"),
                ("saving 2,000 records with / without the uses' triggers",
                 f"{min(cost[True]):.2f} s / {min(cost[False]):.2f} s "
                 f"(×{min(cost[True]) / min(cost[False]):.2f})"),
                ("picker opens until its entries are read (worker), median of 3",
                 ms(statistics.median(opens))),
                ("GUI thread's longest stall while it reads", ms(max(stalls))),
                *rows,
                ("worst keystroke answer / bare query ratio", f"×{worst_ratio:.2f}"),
                ("the search “热线” over the revisions' JSON (no index table)", ms(json_search)),
                ("`perfdesk indicators --search 热线受理` (whole command, median of 3)",
                 f"{cli:.2f} s"),
                ("migration 0010 on this file (the backfill)", f"{migrate_s:.1f} s"),
            ],  # fmt: skip
            ROOT / "bench" / "out" / "library.md",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2500)
