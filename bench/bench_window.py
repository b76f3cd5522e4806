"""The window with 100,000 records: start-up, and how long the GUI thread stalls as you type.

    python bench/bench_window.py [N]        (default 100000; QT_QPA_PLATFORM=offscreen)

1. Process start to window shown, perfdesk's window on a database of N records against a bare
   PySide6 QMainWindow, in the same run (medians of 9 runs each, alternating, so a busy
   moment of the shared machine hits both). "Shown" is the end of the window's first paint
   pass (the window's first Paint event posts a zero timer, which runs once every widget of
   that pass has painted), read by the child as a wall-clock time and compared with the
   parent's time just before it started the process. For perfdesk the moment the list shows
   its first page (read on the reader thread) is reported too.
2. Typing into the search box: terms typed key by key (a key every 80 ms, a fast typist),
   each followed by a wait for its answer, while a QTimer ticking every 5 ms records the
   gaps between its ticks: the longest gap is the longest the GUI thread was unavailable
   (a stall). The same keys typed into a bare QLineEdit with the same timer give the floor.
   Also: the time from a term's last key to its rows on screen (150 ms of it the typing
   pause the list waits for).

The database is made with ``Store.save_many`` for the first 1,000 records; the rest are
copies of those rows with new names (plain SQL, bench-only) because the store writes about
600 records/s and the bench measures the window, not the writer.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, emit, seed_sized

from perfdesk.store.database import Store

SHOWN = """
import sys, time
{body}
from PySide6.QtCore import QEvent, QObject, QTimer

def report(what):
    sys.stdout.write(f"{{what}} {{time.time():.6f}} {{time.process_time():.6f}}\\n")
    sys.stdout.flush()

def rows_shown():
    if w.browser.model.rowCount():
        report("ROWS")
        app.quit()
    else:
        QTimer.singleShot(1, rows_shown)

def shown():
    report("SHOWN")
    if hasattr(w, "browser"):
        rows_shown()
    else:
        app.quit()

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            w.removeEventFilter(self)
            QTimer.singleShot(0, shown)
        return False

first_paint = FirstPaint()
w.installEventFilter(first_paint)  # the window itself is painted first in the pass
w.show()
app.exec()
if hasattr(w, "shutdown"):
    w.shutdown()  # as app.run() does: the threads are stopped before exit
"""

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1400, 880)
"""

PERFDESK = """
from pathlib import Path
from perfdesk.ui.app import ensure_app
from perfdesk.ui.main_window import MainWindow
from perfdesk.ui.settings import Settings
app = ensure_app()
w = MainWindow(Path(sys.argv[1]), Settings.in_file(Path(sys.argv[2])), demo=True)
"""

TERMS = (
    "热线外包",
    "第19",
    "第199分中心",
    "0-5",
    "zz",
    "12345",
    "中共上海市委、上海市人民政府信访办公室第106分中心",  # a unit name pasted key by key
    "（000123）",  # a project's number
)
KEY_INTERVAL_MS = 80
TICK_MS = 5


def make_db(path: Path, n: int) -> None:
    base = min(n, 1000)
    with Store(path) as store:
        store.save_many([seed_sized(i, year=2020 + i % 5) for i in range(base)])
        conn = store.conn
        cols = ("year, unit, status, revision, framework, project_type, fund_use, total_budget_fen, "
                "year_budget_fen, indicator_count, has_evaluation, evaluation_status, total_score, "
                "grade, created_from, updated_at")  # fmt: skip
        made = base
        conn.execute("BEGIN")
        while made < n:
            k = min(base, n - made)
            # New names keep (year, unit, name) unique; revisions point at the copies.
            conn.execute(
                f"INSERT INTO records (name, {cols}) SELECT name || '-' || ?, {cols} FROM records "
                "WHERE id <= ?",
                [made, k],
            )
            conn.execute(
                "INSERT INTO revisions (record_id, revision, status, doc, fingerprint_declaration, "
                "fingerprint_evaluation, saved_at) SELECT r.id, v.revision, v.status, v.doc, "
                "v.fingerprint_declaration, v.fingerprint_evaluation, v.saved_at FROM records r "
                "JOIN records o ON o.name || '-' || ? = r.name AND o.year = r.year AND o.unit = r.unit "
                "JOIN revisions v ON v.record_id = o.id WHERE o.id <= ?",
                [made, k],
            )
            made += k
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        assert store.count() == n


def time_shown(body: str, args: list[str], pyc_dir: Path) -> dict[str, tuple[float, float]]:
    """Seconds from just before the process is started to each reported moment, as
    (wall clock, CPU time of the process). Byte code is cached in ``pyc_dir``, as an
    installed perfdesk has it (pip compiles on install, a frozen build holds .pyc only)."""
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        PYTHONPYCACHEPREFIX=str(pyc_dir),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", SHOWN.format(body=body), *args],
        check=True,
        capture_output=True,
        env=env,
        text=True,
        cwd=str(ROOT),  # ``-c`` puts the working folder first on sys.path
    )
    moments = {}
    for line in out.stdout.splitlines():
        what, *stamps = line.split()
        if what in ("SHOWN", "ROWS"):
            moments[what] = (float(stamps[0]) - t0, float(stamps[1]))
    assert "SHOWN" in moments, out.stderr
    return moments


Timing = tuple[float, float]  # (wall, cpu) seconds


def time_start(
    db: Path, settings: Path, pyc_dir: Path, repeat: int = 9
) -> tuple[Timing, Timing, Timing]:
    """Medians of (wall, cpu): bare window shown, perfdesk shown, perfdesk's first page
    shown. One run of each first, not counted, fills the byte-code cache and the file cache."""
    bare: list[Timing] = []
    ours: list[Timing] = []
    rows: list[Timing] = []
    time_shown(BARE, [], pyc_dir)
    time_shown(PERFDESK, [str(db), str(settings)], pyc_dir)
    for _ in range(repeat):
        bare.append(time_shown(BARE, [], pyc_dir)["SHOWN"])
        got = time_shown(PERFDESK, [str(db), str(settings)], pyc_dir)
        ours.append(got["SHOWN"])
        rows.append(got.get("ROWS", got["SHOWN"]))

    def med(xs: list[Timing]) -> Timing:
        return statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs)

    return med(bare), med(ours), med(rows)


class StallClock:
    """A QTimer every TICK_MS; the gaps between its ticks, labelled with what was going
    on. A gap much above TICK_MS is time the GUI thread could not run its event loop."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.label = ""
        self.gaps: list[tuple[float, str]] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last, self.label))
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def worst(self) -> tuple[float, str]:
        return max(self.gaps)


def settle(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def type_term(box: object, term: str) -> None:
    """Select all and type ``term`` key by key, as a clerk does (key events carrying the
    text: QTest.keyClicks with Chinese aborts Qt 6.12), the event loop running between."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent, QKeySequence
    from PySide6.QtWidgets import QApplication

    none = Qt.KeyboardModifier.NoModifier
    select_all = QKeySequence(QKeySequence.StandardKey.SelectAll)[0]
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            box, QKeyEvent(kind, select_all.key(), select_all.keyboardModifiers())
        )
    for ch in term:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(box, QKeyEvent(kind, 0, none, ch))
        settle(KEY_INTERVAL_MS)


def time_typing(
    db: Path, settings: Path
) -> tuple[tuple[float, str], tuple[float, str], list[float]]:
    """(longest stall, term) in perfdesk's window and in a bare QLineEdit, and the time from
    each term's last key to its first page on screen."""
    from PySide6.QtWidgets import QLineEdit

    from perfdesk.ui.app import ensure_app
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    app = ensure_app()
    bare = QLineEdit()
    bare.show()
    clock = StallClock()
    clock.start()
    for term in TERMS:
        clock.label = term
        type_term(bare, term)
    settle(200)
    bare_worst = clock.worst()
    clock.timer.stop()
    bare.close()

    w = MainWindow(db, Settings.in_file(settings), demo=True)
    w.show()
    while w.reader.pending or w.writer.pending:
        app.processEvents()
    settle(300)
    browser = w.browser
    answered: list[float] = []
    clock = StallClock()
    clock.start()
    for term in TERMS:
        clock.label = f"“{term}”"
        type_term(browser.search, term)
        t0 = time.perf_counter()
        while browser.model.query.search != term or w.reader.pending:
            settle(1)
        answered.append(time.perf_counter() - t0 + KEY_INTERVAL_MS / 1000)
        settle(100)
    clock.timer.stop()
    ours_worst = clock.worst()
    w.shutdown()
    return ours_worst, bare_worst, answered


def main(n: int = 100_000) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        # PERFDESK_BENCH_DB keeps the database between runs (made once if missing).
        keep = os.environ.get("PERFDESK_BENCH_DB")
        db = Path(keep) if keep else Path(tmp) / "bench.sqlite"
        t0 = time.perf_counter()
        if not db.exists():
            make_db(db, n)
        made_s = time.perf_counter() - t0
        settings = Path(tmp) / "settings.ini"
        bare, ours, rows = time_start(db, settings, Path(tmp) / "pyc")
        stall, bare_stall, answered = time_typing(db, settings)

        def pair(t: Timing) -> str:
            return f"{t[0]:.3f} s / {t[1]:.3f} s"

        emit(
            f"Window: {n:,} records",
            [
                ("database made in", f"{made_s:.1f} s" if made_s > 0.1 else "(reused)"),
                ("bare PySide6 QMainWindow: process start → shown (wall / CPU)", pair(bare)),
                ("perfdesk window on the database: process start → shown", pair(ours)),
                (
                    "ratio perfdesk / bare, wall (target ≤ 2×) / CPU",
                    f"{ours[0] / bare[0]:.2f}× / {ours[1] / bare[1]:.2f}×",
                ),
                ("perfdesk: process start → first page of the list shown", pair(rows)),
                (
                    f"longest GUI-thread stall while typing {len(TERMS)} searches (target ≤ 50 ms)",
                    f"{stall[0] * 1000:.1f} ms ({stall[1]})",
                ),
                (
                    "the same keys in a bare QLineEdit: longest stall",
                    f"{bare_stall[0] * 1000:.1f} ms",
                ),
                (
                    "last key → first page shown (150 ms of it the typing pause)",
                    f"median {statistics.median(answered) * 1000:.0f} ms, "
                    f"worst {max(answered) * 1000:.0f} ms",
                ),
            ],
            ROOT / "bench" / "out" / "window.md",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
