"""The record in the editors: opening it (on the reader), editing it with undo, the live
checks, saving it (on the writer, drafts as they are typed) and the question before leaving
unsaved work.

:class:`OpenRecord` is given what it uses: the window's undo group, the reader and the
writer, the prompts and the feedback; it makes the editor pane. It tells the window what
changed through signals; it never sees the window.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import QWidget

from perfdesk.models.records import Declaration
from perfdesk.ui.feedback import Feedback
from perfdesk.ui.operations import JobContext, Reader, Worker
from perfdesk.ui.prompts import DISCARD, SAVE, Prompts
from perfdesk.ui.session import RecordSession

if TYPE_CHECKING:
    from perfdesk.models.findings import Finding
    from perfdesk.store.packages import Comment
    from perfdesk.ui.editor_pane import EditorPane

# The checks run after a pause in typing, not on every key.
CHECK_DELAY_MS = 250
Then = Callable[[Declaration], object]


def read_record(
    store: Any, record_id: int
) -> tuple[Declaration, Declaration | None, list[Finding]]:
    """A record, last year's record of the same project (for the checks), and the
    主管部门's 退回意见 on the revision shown (a returned record reopens with them)."""
    from perfdesk.store.packages import comments

    decl = store.get(record_id)
    notes = comments(store, record_id, decl.revision)
    return decl, store.previous_year(decl), review_findings(notes)


def review_findings(notes: list[Comment]) -> list[Finding]:
    """退回意见 as lines of the check panel: first, naming the field they concern (a double
    click goes there), and reminders rather than errors — the clerk decides what to change."""
    from perfdesk.models.findings import WARNING, Finding
    from perfdesk.models.labels import field_label

    out = []
    for c in notes:
        about = f"（{field_label(c.field)}）" if c.field else ""
        out.append(
            Finding(WARNING, c.field or "", f"主管部门退回意见{about}：{c.text}", "returned")
        )
    return out


class OpenRecord(QObject):
    """``changed``: the record, its state or the form on screen changed (title, actions).
    ``saved(stored, quiet)``: a save reached the database. ``kept``: the user chose to stay
    on the record rather than open another. ``pane_built(pane)``: the editors exist, for the
    window to place."""

    changed = Signal()
    saved = Signal(object, bool)
    kept = Signal()
    pane_built = Signal(QWidget)

    def __init__(
        self,
        undo_group: QUndoGroup,
        reader: Reader,
        writer: Worker,
        prompts: Prompts,
        feedback: Feedback,
        autosave_ms: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pane: EditorPane | None = None
        self.undo_group = undo_group
        self.reader = reader
        self.writer = writer
        self.prompts = prompts
        self.feedback = feedback
        self.session: RecordSession | None = None
        # The record the user asked for last; a read answering for another is not shown.
        self._wanted: int | None = None
        # The 主管部门's 退回意见 on the record shown, read with it (check panel, first).
        self._review: list[Finding] = []
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_checks)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(autosave_ms)
        self.autosave_timer.timeout.connect(self.autosave)

    @property
    def pane(self) -> EditorPane:
        """The editors and the check panel, made when the first record is shown: their
        modules and hundreds of widgets cost ~90 ms of CPU, a third of the window's start
        (bench/bench_window.py), and a start shows the list."""
        if self._pane is None:
            from perfdesk.ui.editor_pane import EditorPane

            pane = self._pane = EditorPane()
            dec, ev = pane.declaration_editor, pane.evaluation_editor
            mon = pane.monitoring_editor
            dec.edited.connect(lambda path: self.apply_edit(dec.collect_into, path))
            ev.edited.connect(lambda path: self.apply_edit(ev.collect_into, path))
            mon.edited.connect(lambda path: self.apply_edit(mon.collect_into, path))
            ev.create_requested.connect(self.create_evaluation)
            mon.create_requested.connect(self.create_monitoring)
            pane.checks.field_activated.connect(self.focus_field)
            pane.tabs.currentChanged.connect(lambda _i: self.changed.emit())
            self.pane_built.emit(pane)
        return self._pane

    # ------------------------------------------------------------ which record

    @property
    def decl(self) -> Declaration | None:
        return self.session.decl if self.session is not None else None

    @property
    def record_id(self) -> int | None:
        return self.session.handle.id if self.session is not None else None

    def current_form(self) -> str:
        """The form on screen: "declaration", "monitoring" or "evaluation"."""
        return self._pane.current_form() if self._pane is not None else "declaration"

    def open(self, record_id: int) -> None:
        """The list's choice: leave the record on screen (saving it) and show this one,
        read on the reader once the writes queued before are done."""
        if self.record_id == record_id:
            self._wanted = record_id  # back to it before another one came
            return
        if not self.maybe_leave():
            self.kept.emit()
            return
        self._wanted = record_id

        def read() -> None:
            if self._wanted == record_id:
                self.reader.query(
                    "record", lambda store: read_record(store, record_id), self._record_read
                )

        self.writer.after_writes(read)

    def _record_read(self, got: tuple[Declaration, Declaration | None, list[Finding]]) -> None:
        decl, previous, review = got
        if decl.id == self._wanted:
            self.load(decl, previous, review)

    def load(
        self,
        decl: Declaration,
        previous: Declaration | None = None,
        review: list[Finding] | None = None,
    ) -> None:
        """Show ``decl`` in the editors with a fresh undo stack (and the 退回意见 on it)."""
        self._wanted = decl.id
        self._review = list(review or [])
        if self.session is not None:
            self.undo_group.removeStack(self.session.stack)
            self.session.deleteLater()
        session = RecordSession(decl, previous, self)
        self.session = session
        self.undo_group.addStack(session.stack)
        self.undo_group.setActiveStack(session.stack)
        session.applied.connect(self._undo_applied)
        session.changed.connect(self._session_changed)
        self.pane.declaration_editor.set_library(self._read_library, previous)
        self.pane.evaluation_editor.set_library(self._read_library, previous)
        self._show_forms(decl)
        self.run_checks()
        self.changed.emit()

    def _show_forms(self, decl: Declaration) -> None:
        self.pane.declaration_editor.show_record(decl)
        self.pane.monitoring_editor.show_record(decl)
        self.pane.evaluation_editor.show_record(decl)

    def _read_library(
        self,
        fn: Callable[[Any, Any], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException, str], None] | None = None,
    ) -> None:
        """The indicator picker's read, on the reader (the latest opening wins)."""
        self.reader.query("library", lambda store: fn(store, None), on_done, on_error)

    def close(self) -> None:
        """No record on screen (the database was replaced)."""
        if self.session is not None:
            self.undo_group.removeStack(self.session.stack)
            self.session.deleteLater()
            self.session = None
        self.autosave_timer.stop()
        self.run_checks()
        self.changed.emit()

    # ------------------------------------------------------------ editing

    def apply_edit(self, write: Callable[[Declaration], None], path: str) -> None:
        """An edit of the record (undoable, see RecordSession), autosaved after a pause."""
        if self.session is not None and self.session.edit(write, path):
            self.autosave_timer.start()

    def create_evaluation(self) -> None:
        """Start the record's 自评表 (as an undoable edit)."""
        session = self.session
        if session is None:
            return

        from perfdesk.ui.evaluation_editor import new_evaluation

        def write(decl: Declaration) -> None:
            decl.evaluation = new_evaluation(decl)

        self.apply_edit(write, "evaluation")
        self.pane.evaluation_editor.show_record(session.decl)
        self.changed.emit()

    def create_monitoring(self) -> None:
        """按申报表生成运行监控表 (as an undoable edit): the declaration's indicators, targets
        and budget, as of the last full month."""
        session = self.session
        if session is None or session.decl.monitoring is not None:
            return

        from perfdesk.models.monitoring import make_monitoring

        def write(decl: Declaration) -> None:
            decl.monitoring = make_monitoring(decl, dt.date.today())

        self.apply_edit(write, "monitoring")
        self.pane.monitoring_editor.show_record(session.decl)
        self.pane.show_form("monitoring")
        self.changed.emit()

    def _session_changed(self) -> None:
        if self.session is not None and self.session.decl.evaluation is not None:
            self.pane.evaluation_editor.refresh_scores(self.session.decl)
        if self.session is not None and self.session.decl.monitoring is not None:
            self.pane.monitoring_editor.refresh_rates(self.session.decl)
        self.check_timer.start()
        self.changed.emit()

    def _undo_applied(self, path: str) -> None:
        """Undo or redo changed the record: show it again, at the field it touched."""
        if self.session is None:
            return
        self._show_forms(self.session.decl)
        self.focus_field(path)
        self.autosave_timer.start()

    def run_checks(self) -> None:
        """The checks of the record's forms (forms.md §3, §5), shown in the check panel."""
        if self.session is None:
            if self._pane is not None:
                self._pane.checks.set_findings([])
            return
        # Loaded with the first record, like the editors (the target parser under the
        # checks is ~30 ms of a start that shows only the list).
        from perfdesk.models.checks import check_record

        found = check_record(self.session.decl, self.session.previous)
        self.pane.checks.set_findings(self._review + found)

    def focus_field(self, path: str) -> None:
        if path.startswith("evaluation"):
            self.pane.show_form("evaluation")
            self.pane.evaluation_editor.focus_field(path)
        elif path.startswith("monitoring"):
            self.pane.show_form("monitoring")
            self.pane.monitoring_editor.focus_field(path)
        else:
            self.pane.show_form("declaration")
            self.pane.declaration_editor.focus_field(path)

    # ------------------------------------------------------------ saving

    def can_save(self) -> bool:
        """A record is stored once it has a unit and a name."""
        s = self.session
        return s is not None and bool(s.decl.unit) and bool(s.decl.name)

    def save(self, quiet: bool = False, then: Then | None = None) -> None:
        """Save the record through the writer; ``then(stored)`` runs after it is stored."""
        s = self.session
        if s is None:
            return
        if not self.can_save():
            if not quiet:
                self.feedback.message("无法保存", "请先填写“申报单位名称”和“项目名称”。")
                self.pane.declaration_editor.focus_field("unit" if not s.decl.unit else "name")
            return
        self.autosave_timer.stop()
        if not s.is_dirty() and not s.is_new:
            if then is not None:
                then(s.decl)
            return
        sent = s.snapshot()
        handle = s.handle
        # The writer stores its own copy: the editors keep changing the session's record.
        job_copy = copy.deepcopy(sent)

        def job(store: Any, _ctx: JobContext) -> Declaration:
            job_copy.id = handle.id
            result = store.save(job_copy)
            handle.id = result.record.id
            return result.record

        def done(stored: Declaration) -> None:
            if self.session is s:
                s.mark_saved(sent, stored)
                self.pane.declaration_editor.show_state(s.decl)
                self.pane.monitoring_editor.show_state(s.decl)
                self.pane.evaluation_editor.show_state(s.decl)
                self.changed.emit()
            self.saved.emit(stored, quiet)
            if then is not None:
                then(stored)

        self.writer.submit(job, done)

    def autosave(self) -> None:
        s = self.session
        if s is not None and s.is_dirty() and self.can_save():
            self.save(quiet=True)

    def maybe_leave(self) -> bool:
        """Before switching away from the record: True when it is safe to go on."""
        s = self.session
        if s is None or not s.is_dirty():
            return True
        if self.can_save():
            # Drafts are saved as they are typed; finish the pending save rather than ask.
            self.save(quiet=True)
            return True
        answer = self.prompts.unsaved(s.decl.name or "新项目")
        if answer == SAVE:
            self.save()
            return self.can_save()
        return answer == DISCARD
