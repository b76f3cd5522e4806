"""Reads off the GUI thread: the reader's latest-request-wins rule, and the window staying
responsive while a slow query runs; writes (restore included) on the writer thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from perfdesk.models.errors import PerfdeskError

pytest.importorskip("PySide6")
from PySide6.QtCore import QThread, QTimer  # noqa: E402

from perfdesk.models.serialize import declaration_from_dict, loads  # noqa: E402
from perfdesk.store.database import Store  # noqa: E402
from perfdesk.ui.operations import (  # noqa: E402
    READER_THREAD,
    WRITER_THREAD,
    Reader,
    open_read_store,
)

DATA = Path(__file__).parent / "data"


def seed_decl():
    return declaration_from_dict(loads((DATA / "seed.json").read_text(encoding="utf-8")))


class GatedStore:
    """A real Store whose ``list`` waits for a gate (a slow query, on demand) and which
    notes the Qt thread each read ran on."""

    def __init__(self, store: Any, gate: threading.Event) -> None:
        self._store = store
        self.gate = gate
        self.get_gate = threading.Event()
        self.get_gate.set()
        self.threads: list[str] = []
        self.listed: list[str | None] = []

    def list(self, **kw: Any) -> Any:
        self.threads.append(QThread.currentThread().objectName())
        assert self.gate.wait(20), "the test never opened the gate"
        self.listed.append(kw.get("search"))
        return self._store.list(**kw)

    def get(self, *a: Any) -> Any:
        self.threads.append(QThread.currentThread().objectName())
        assert self.get_gate.wait(20), "the test never opened the gate"
        return self._store.get(*a)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite"
    other = seed_decl()
    other.name, other.unit = "道路养护", "上海市交通委员会"
    with Store(path) as store:
        store.save(seed_decl())
        store.save(other)
    return path


@pytest.fixture
def gate() -> threading.Event:
    event = threading.Event()
    event.set()
    yield event
    event.set()  # never leave the reader thread waiting


def test_the_latest_request_wins_and_stale_answers_are_dropped(qtbot, db, gate) -> None:
    stores: list[GatedStore] = []

    def open_store(path: Path) -> GatedStore:
        stores.append(GatedStore(open_read_store(path), gate))
        return stores[-1]

    reader = Reader(db, open_store=open_store)
    try:
        answers: list[str] = []
        gate.clear()

        def ask(tag: str, kind: str = "list") -> None:
            reader.query(kind, lambda s: (s.list(search=tag), tag)[1], answers.append)

        ask("first")  # runs at once and waits at the gate
        qtbot.waitUntil(lambda: bool(stores) and len(stores[0].threads) == 1)
        ask("second")  # queued, superseded before it runs
        ask("third")
        reader.query("count", lambda s: s.count(), lambda n: answers.append(f"count {n}"))
        gate.set()
        qtbot.waitUntil(lambda: reader.pending == 0)
        # "first" ran but its answer came too late; "second" never ran.
        assert answers == ["third", "count 2"]
        assert stores[0].listed == ["first", "third"]
        assert set(stores[0].threads) == {READER_THREAD}
    finally:
        reader.shutdown()


def test_the_reader_only_reads(qtbot, db) -> None:
    reader = Reader(db)
    try:
        errors: list[BaseException] = []
        reader.query(
            "x", lambda s: s.save(seed_decl()), lambda _r: None, lambda e, _t: errors.append(e)
        )
        qtbot.waitUntil(lambda: reader.pending == 0)
        # SQLite refuses the write on the reader's connection (query_only), named as a
        # read-only database would be.
        assert len(errors) == 1 and isinstance(errors[0], PerfdeskError)
        assert "只读" in str(errors[0])
    finally:
        reader.shutdown()
    with Store(db) as store:
        assert store.count() == 2


@pytest.fixture
def slow_window(qtbot, tmp_path, db, gate):
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    stores: list[GatedStore] = []

    def open_store(path: Path) -> GatedStore:
        stores.append(GatedStore(open_read_store(path), gate))
        return stores[-1]

    w = MainWindow(db, Settings.in_file(tmp_path / "s.ini"), open_reader_store=open_store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.reader.pending == 0 and w.writer.pending == 0)
    yield w, stores
    gate.set()
    for store in stores:
        store.get_gate.set()
    w.shutdown()


def test_a_slow_search_never_blocks_the_window(qtbot, slow_window, gate) -> None:
    w, stores = slow_window
    model = w.browser.model
    assert model.rowCount() == 2
    shown: list[list[str]] = []
    model.modelReset.connect(
        lambda: shown.append([model.data(model.index(r, 3)) for r in range(model.rowCount())])
    )
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()

    reads = len(stores[0].threads)
    gate.clear()  # every list query now waits until the test says so
    w.browser.search.setText("热线")
    w.browser.apply_search_now()
    qtbot.waitUntil(lambda: len(stores[0].threads) == reads + 1)
    # The query for 热线 is waiting in the reader: the GUI thread goes on.
    before = len(ticks)
    w.browser.search.setText("道路")  # typed meanwhile: this search supersedes 热线
    w.browser.apply_search_now()
    qtbot.wait(200)
    assert len(ticks) - before >= 10  # the event loop kept running
    assert w.browser.search.text() == "道路"
    assert model.rowCount() == 2 and model.waiting  # the old rows stay until the answer
    gate.set()
    qtbot.waitUntil(lambda: model.rowCount() == 1 and not model.waiting)
    timer.stop()
    # 热线's answer was dropped: the list went straight to 道路's rows.
    assert shown == [["道路养护"]]
    assert stores[0].listed[-2:] == ["热线", "道路"]
    assert set(stores[0].threads) == {READER_THREAD}


def test_opening_a_record_reads_it_on_the_reader(qtbot, slow_window) -> None:
    w, stores = slow_window
    w.browser.view.selectRow(0)
    qtbot.waitUntil(lambda: w.session is not None)
    name = w.browser.model.data(w.browser.model.index(0, 3))
    assert w.declaration_editor.fields["name"].text() == name
    assert w.stack.currentWidget() is w.record.pane
    assert set(stores[0].threads) == {READER_THREAD}


def test_the_record_clicked_last_is_the_one_shown(qtbot, slow_window) -> None:
    """Clicking another record and back before the first one was read leaves the editors
    on the one clicked last; so does 新建 while a record is being read."""
    w, stores = slow_window
    model = w.browser.model
    w.browser.view.selectRow(0)
    qtbot.waitUntil(lambda: w.session is not None)
    first = w.session.handle.id
    reads = len(stores[0].threads)
    stores[0].get_gate.clear()  # reading a record now waits until the test says so
    w.browser.view.selectRow(1)
    qtbot.waitUntil(lambda: len(stores[0].threads) == reads + 1)  # held while read
    w.browser.view.selectRow(0)  # back to the record on screen
    stores[0].get_gate.set()
    qtbot.waitUntil(lambda: w.reader.pending == 0)
    assert w.session.handle.id == first  # the second record was read, and not shown
    reads = len(stores[0].threads)
    stores[0].get_gate.clear()
    w.browser.view.selectRow(1)
    qtbot.waitUntil(lambda: len(stores[0].threads) == reads + 1)
    w.records.new_record()
    stores[0].get_gate.set()
    qtbot.waitUntil(lambda: w.reader.pending == 0)
    assert w.session.is_new
    assert model.rowCount() == 2


def test_restore_runs_on_the_writer(qtbot, slow_window, tmp_path, monkeypatch) -> None:
    import perfdesk.ui.commands_files as commands_files
    from perfdesk.store.backups import restore_backup

    w, _stores = slow_window
    ran_on: list[str] = []

    def recording_restore(path: Any, target: Any) -> Any:
        ran_on.append(QThread.currentThread().objectName())
        return restore_backup(path, target)

    monkeypatch.setattr(commands_files, "restore_backup", recording_restore)
    backup = tmp_path / "backup.sqlite"
    with Store(w.db_path) as store:
        store.backup(backup)
        store.delete(store.list(columns=("id",))[0][0])
    w.browser.refresh()
    qtbot.waitUntil(lambda: w.browser.model.rowCount() == 1)

    class Answers:
        def open_file(self, *_a: Any) -> Path:
            return backup

        def confirm(self, *_a: Any) -> bool:
            return True

    w.files.prompts = Answers()  # type: ignore[assignment]
    w.files.restore()
    qtbot.waitUntil(lambda: w.browser.model.rowCount() == 2)
    assert ran_on == [WRITER_THREAD]
    assert "已恢复" in w.last_dialog.windowTitle()
    w.last_dialog.close()


def test_the_reader_connection_refuses_writes(tmp_path) -> None:
    """The reader's Store is read-only in SQLite itself: a read can never race the writer."""
    import sqlite3

    from perfdesk.store.database import Store
    from perfdesk.ui.operations import open_read_store

    db = tmp_path / "db.sqlite"
    Store(db).close()
    store = open_read_store(db)
    try:
        assert store.count() == 0
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.conn.execute("DELETE FROM records")
    finally:
        store.close()
