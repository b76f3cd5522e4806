"""Background work: every database write from the window runs on ONE worker thread.

The worker owns its own :class:`~perfdesk.store.database.Store` (a Store is not thread-safe), runs
jobs one after another in submission order and reports results back to the GUI thread as
queued signals. A job is a plain function ``fn(store, ctx)``; ``ctx`` carries the core's
progress callback ``(done, total, message)`` and cancel flag, so core operations such as
``import_paths`` run unchanged. Long jobs get a cancellable progress dialog that appears
only after about half a second (Anki's ``CollectionOp`` pattern).
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


class JobContext:
    """Handed to a job: progress reporting and the cancel flag, in the core's shapes."""

    def __init__(self, job_id: int, emit: Callable[[int, int, int, str], None]) -> None:
        self.job_id = job_id
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
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException, str], None] | None = None
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
        self._thread.setObjectName("perfdesk-worker")
        self._runner = _Runner(db_path)
        self._runner.moveToThread(self._thread)
        self._run.connect(self._runner.run, Qt.ConnectionType.QueuedConnection)
        self._close.connect(self._runner.close, Qt.ConnectionType.BlockingQueuedConnection)
        self._runner.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._runner.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._runner.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._stopped = False
        self._thread.start()

    @property
    def pending(self) -> int:
        return len(self._jobs)

    def submit(
        self,
        fn: JobFn,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Job:
        job_id = next(self._ids)
        job = Job(
            job_id,
            fn,
            JobContext(job_id, self._runner.progress.emit),
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

    def shutdown(self) -> None:
        """Finish queued jobs, close the worker's Store and stop the thread."""
        if not self._thread.isRunning():
            return
        self._stopped = True
        self._close.emit()  # queued behind every job already submitted
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
