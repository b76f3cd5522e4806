"""Background work: the window's database work never runs on the GUI thread.

Two threads, each with its own :class:`~perfdesk.store.database.Store` (a Store is not
thread-safe), after Anki's operations:

- :class:`Worker`, the one writer (Anki's ``CollectionOp``): every write from the window, one
  after another in submission order. A job is a plain function ``fn(store, ctx)``; ``ctx``
  carries the core's progress callback ``(done, total, message)`` and cancel flag, so core
  operations such as ``import_paths`` run unchanged. Long jobs get a cancellable progress
  dialog that appears only after about half a second.
- :class:`Reader`, the reads (Anki's ``QueryOp``): the list, its counts, opening a record.
  Each read names its kind; for each kind the latest request wins: a request that is no
  longer the latest is skipped before it runs, and its answer dropped if it already ran
  (a generation counter), so a fast typist only ever sees the list of the last term.

Results come back to the GUI thread as queued signals; callbacks run there.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from perfdesk.models.errors import Cancelled

PROGRESS_DELAY_MS = 500
WRITER_THREAD, READER_THREAD = "perfdesk-writer", "perfdesk-reader"
# The reader and the writer yield to the GUI thread where the system honours thread
# priorities (Windows, macOS; Linux's default scheduler ignores them).
BACKGROUND = QThread.Priority.LowPriority


class JobContext:
    """Handed to a job: progress reporting and the cancel flag, in the core's shapes."""

    def __init__(
        self, job_id: int, emit: Callable[[int, int, int, str], None], exclusive: bool = False
    ) -> None:
        self.job_id = job_id
        self.exclusive = exclusive
        self._emit = emit
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, message: str = "") -> None:
        self._emit(self.job_id, done, total, message)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled when the user asked to stop (for jobs with their own loops)."""
        if self._cancel.is_set():
            raise Cancelled()


JobFn = Callable[[Any, JobContext], Any]


@dataclass
class Job:
    id: int
    fn: JobFn
    ctx: JobContext
    on_done: Callable[[Any], object] | None = None
    on_error: Callable[[BaseException, str], object] | None = None
    on_progress: Callable[[int, int, str], None] | None = None
    done: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class _Runner(QObject):
    """Lives in the worker thread; opens the Store there on the first job."""

    finished = Signal(int, object)
    failed = Signal(int, object, str)
    progress = Signal(int, int, int, str)

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.store: Any = None

    @Slot(int, object, object)
    def run(self, job_id: int, fn: JobFn, ctx: JobContext) -> None:
        try:
            if ctx.exclusive:
                # The job replaces the database file: no connection of ours stays open on
                # it (Windows cannot replace an open file); the next job opens it again.
                self.close()
                result = fn(self.db_path, ctx)
            else:
                if self.store is None:
                    from perfdesk.store.database import Store

                    self.store = Store(self.db_path)
                result = fn(self.store, ctx)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread, never lost
            self.failed.emit(job_id, exc, traceback.format_exc())
        else:
            self.finished.emit(job_id, result)

    @Slot()
    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


class Worker(QObject):
    """The single writer. ``submit`` returns at once; callbacks run on the GUI thread."""

    _run = Signal(int, object, object)
    _close = Signal()
    idle = Signal()
    error = Signal(object, str)  # unhandled failures: (exception, traceback)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}
        self._thread = QThread()
        self._thread.setObjectName(WRITER_THREAD)
        self._runner = _Runner(db_path)
        self._runner.moveToThread(self._thread)
        self._run.connect(self._runner.run, Qt.ConnectionType.QueuedConnection)
        self._close.connect(self._runner.close, Qt.ConnectionType.BlockingQueuedConnection)
        self._runner.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._runner.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._runner.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._stopped = False
        self._thread.start(BACKGROUND)

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def submit(
        self,
        fn: JobFn,
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException, str], object] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        *,
        exclusive: bool = False,
    ) -> Job:
        """Queue ``fn(store, ctx)``. ``exclusive``: ``fn(db_path, ctx)`` runs with the
        worker's connection closed, for work that replaces the database file (restore)."""
        job_id = next(self._ids)
        job = Job(
            job_id,
            fn,
            JobContext(job_id, self._runner.progress.emit, exclusive),
            on_done,
            on_error,
            on_progress,
        )
        self._jobs[job_id] = job
        self._run.emit(job_id, fn, job.ctx)
        return job

    @Slot(int, object)
    def _finished(self, job_id: int, result: Any) -> None:
        job = self._jobs.pop(job_id, None)
        if job is None or self._stopped:  # the window is gone: its callbacks are moot
            return
        job.done = True
        try:
            if job.on_done is not None:
                job.on_done(result)
        finally:
            self._maybe_idle()

    @Slot(int, object, str)
    def _failed(self, job_id: int, exc: BaseException, tb: str) -> None:
        job = self._jobs.pop(job_id, None)
        if job is None or self._stopped:
            return
        job.done = True
        try:
            if job.on_error is not None:
                job.on_error(exc, tb)
            else:
                self.error.emit(exc, tb)
        finally:
            self._maybe_idle()

    @Slot(int, int, int, str)
    def _progress(self, job_id: int, done: int, total: int, message: str) -> None:
        job = self._jobs.get(job_id)
        if job is not None and job.on_progress is not None:
            job.on_progress(done, total, message)

    def _maybe_idle(self) -> None:
        if not self._jobs:
            self.idle.emit()

    def after_writes(self, then: Callable[[], object]) -> None:
        """``then()`` on the GUI thread once every write queued so far is done (at once when
        none is): a read that follows sees them."""
        if not self._jobs:
            then()
        else:
            self.submit(lambda _store, _ctx: None, lambda _r: then())

    def shutdown(self) -> None:
        """Finish queued jobs, close the worker's Store and stop the thread."""
        if not self._thread.isRunning():
            return
        self._stopped = True
        self._close.emit()  # queued behind every job already submitted
        self._thread.quit()
        self._thread.wait()


def open_read_store(db_path: Path) -> Any:
    """The reader's connection. The window opened (and if need be migrated) the file before
    the reader's first query, so this never creates or migrates anything; SQLite itself
    refuses any write on it (``query_only``), so a read can never race the writer."""
    from perfdesk.store.database import Store

    store = Store(db_path, create=False, backups=-1)
    store.conn.execute("PRAGMA query_only = ON")
    return store


QueryFn = Callable[[Any], Any]


class _ReaderRunner(QObject):
    """Lives in the reader thread; opens its Store there on the first query."""

    finished = Signal(str, int, object)
    failed = Signal(str, int, object, str)
    skipped = Signal(str, int)

    def __init__(
        self,
        db_path: Path,
        open_store: Callable[[Path], Any],
        latest: dict[str, int],
        lock: threading.Lock,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self._open_store = open_store
        self._latest = latest
        self._lock = lock
        self.store: Any = None

    @Slot(str, int, object)
    def run(self, kind: str, generation: int, fn: QueryFn) -> None:
        with self._lock:
            stale = self._latest.get(kind) != generation
        if stale:  # a newer request of this kind is queued behind: it is the one to run
            self.skipped.emit(kind, generation)
            return
        try:
            if self.store is None:
                self.store = self._open_store(self.db_path)
            result = fn(self.store)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread, never lost
            self.failed.emit(kind, generation, exc, traceback.format_exc())
        else:
            self.finished.emit(kind, generation, result)

    @Slot()
    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


@dataclass
class _Query:
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException, str], None] | None
    fn: QueryFn


class Reader(QObject):
    """Reads off the GUI thread, the latest request of each kind winning (see the module).

    ``query(kind, fn, on_done)`` returns at once; ``fn(store)`` runs on the reader thread
    with its own read-only Store and ``on_done(result)`` on the GUI thread, unless another
    ``query`` of the same kind came after it. ``open_store`` lets tests hand the reader a
    slow or failing Store.
    """

    _run = Signal(str, int, object)
    _close = Signal()
    idle = Signal()
    error = Signal(object, str)  # failures without their own on_error: (exception, traceback)

    def __init__(
        self,
        db_path: Path,
        parent: QObject | None = None,
        *,
        open_store: Callable[[Path], Any] = open_read_store,
    ) -> None:
        super().__init__(parent)
        self._generations = itertools.count(1)
        # kind -> the generation of its latest request; read by the reader thread too.
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()
        self._queries: dict[tuple[str, int], _Query] = {}
        self._held: dict[str, int] | None = None  # see hold()
        self._thread = QThread()
        self._thread.setObjectName(READER_THREAD)
        self._runner = _ReaderRunner(Path(db_path), open_store, self._latest, self._lock)
        self._runner.moveToThread(self._thread)
        self._run.connect(self._runner.run, Qt.ConnectionType.QueuedConnection)
        self._close.connect(self._runner.close, Qt.ConnectionType.BlockingQueuedConnection)
        self._runner.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._runner.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._runner.skipped.connect(self._skipped, Qt.ConnectionType.QueuedConnection)
        self._stopped = False
        self._thread.start(BACKGROUND)

    @property
    def pending(self) -> int:
        """Requests not answered yet (stale ones included, until the thread passes them)."""
        return len(self._queries)

    def query(
        self,
        kind: str,
        fn: QueryFn,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException, str], None] | None = None,
    ) -> int:
        generation = next(self._generations)
        if self._stopped:  # the window is closing: nothing more is read
            return generation
        with self._lock:
            self._latest[kind] = generation
        self._queries[(kind, generation)] = _Query(on_done, on_error, fn)
        if self._held is not None:
            superseded = self._held.get(kind)
            if superseded is not None:
                self._queries.pop((kind, superseded), None)
            self._held[kind] = generation
        else:
            self._run.emit(kind, generation, fn)
        return generation

    def _is_latest(self, kind: str, generation: int) -> bool:
        with self._lock:
            return self._latest.get(kind) == generation

    def _take(self, kind: str, generation: int) -> _Query | None:
        """The request answered, if its answer is still wanted."""
        query = self._queries.pop((kind, generation), None)
        if query is None or self._stopped or not self._is_latest(kind, generation):
            return None
        return query

    @Slot(str, int, object)
    def _finished(self, kind: str, generation: int, result: Any) -> None:
        query = self._take(kind, generation)
        try:
            if query is not None:
                query.on_done(result)
        finally:
            self._maybe_idle()

    @Slot(str, int, object, str)
    def _failed(self, kind: str, generation: int, exc: BaseException, tb: str) -> None:
        query = self._take(kind, generation)
        try:
            if query is not None:
                if query.on_error is not None:
                    query.on_error(exc, tb)
                else:
                    self.error.emit(exc, tb)
        finally:
            self._maybe_idle()

    @Slot(str, int)
    def _skipped(self, kind: str, generation: int) -> None:
        self._queries.pop((kind, generation), None)
        self._maybe_idle()

    def _maybe_idle(self) -> None:
        if not self._queries:
            self.idle.emit()

    def hold(self) -> None:
        """Close the reader's connection and keep it closed (the file is being replaced):
        requests made meanwhile wait for :meth:`resume`, the latest of each kind. Blocks
        until the reader has passed the requests already sent (a restore is rare and the
        user has just confirmed it)."""
        if self._held is None:
            self._held = {}
            self._close.emit()  # blocking: queued behind the requests already sent

    def resume(self) -> None:
        held, self._held = self._held, None
        for kind, generation in (held or {}).items():
            query = self._queries.get((kind, generation))
            if query is not None and not self._stopped:
                self._run.emit(kind, generation, query.fn)

    def shutdown(self) -> None:
        """Stop answering, close the reader's Store and stop the thread."""
        if not self._thread.isRunning():
            return
        self._stopped = True
        with self._lock:
            self._latest.clear()  # whatever is still queued is skipped
        self._close.emit()
        self._thread.quit()
        self._thread.wait()


def run_with_progress(
    worker: Worker,
    parent: QWidget | None,
    label: str,
    fn: JobFn,
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException, str], None],
) -> tuple[Job, QProgressDialog]:
    """Run a long job with a cancellable progress dialog shown after ~0.5 s."""
    dialog = QProgressDialog(label, "取消", 0, 0, parent)
    dialog.setWindowTitle("perfdesk")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(PROGRESS_DELAY_MS)
    dialog.setValue(0)  # starts the timer that shows the dialog after PROGRESS_DELAY_MS

    def progress(done: int, total: int, message: str) -> None:
        # setValue(minimum) restarts the dialog's show-after timer: only move forward.
        if total > 0 and done > 0:
            if dialog.maximum() != total:
                dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if message:
            dialog.setLabelText(f"{label}\n{message}")

    def finish() -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    def done(result: Any) -> None:
        finish()
        on_done(result)

    def failed(exc: BaseException, tb: str) -> None:
        finish()
        on_error(exc, tb)

    job = worker.submit(fn, done, failed, progress)
    dialog.canceled.connect(job.ctx.cancel)
    return job, dialog
