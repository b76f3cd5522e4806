"""The record being edited: its current content, the last saved content and the undo stack.

Undo works on whole-record snapshots: an edit copies the record, lets the editor write its
widgets into the copy and pushes (before, after). Typing in one field merges into one undo
step. Records are small (a few dozen rows), so a copy per keystroke costs well under a
millisecond and undo can never get out of step with what the widgets show.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from perfdesk.models.labels import field_label
from perfdesk.models.records import Declaration

EDIT_ID = 1
# Whole-table changes (add, delete, move a row) and creating the evaluation are single
# undo steps; edits of one field merge.
STRUCTURAL = frozenset(
    {"indicators", "budget_items", "evaluation", "evaluation.indicators", "evaluation.funds",
     "monitoring", "monitoring.indicators", "monitoring.funds"}
)  # fmt: skip


class RecordHandle:
    """The record's id as known by the worker thread. A save queued before the first save
    of a new record has finished still updates that record rather than making a second."""

    def __init__(self, record_id: int | None) -> None:
        self.id = record_id


def content(decl: Declaration) -> Declaration:
    """The record without store bookkeeping, for "has it changed" comparisons."""
    return replace(decl, id=None, status="", revision=0)


class _EditCommand(QUndoCommand):
    def __init__(
        self, session: RecordSession, before: Declaration, after: Declaration, path: str
    ) -> None:
        # The undo menu names the field as the form labels it (撤销 修改“项目当年预算”).
        super().__init__(f"修改{field_label(path, after.framework)}")
        self.session = session
        self.before = before
        self.after = after
        self.path = path
        self._first = True

    def id(self) -> int:
        return EDIT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if (
            not isinstance(other, _EditCommand)
            or other.path != self.path
            or self.path in STRUCTURAL
        ):
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._first:  # the widgets already show it
            self._first = False
            self.session.decl = self.after
            return
        self.session.apply(self.after, self.path)

    def undo(self) -> None:
        self.session.apply(self.before, self.path)


class RecordSession(QObject):
    """``changed``: the content changed (an edit, undo or redo). ``applied(path)``: undo or
    redo replaced the content; editors show it again and focus ``path``."""

    changed = Signal()
    applied = Signal(str)

    def __init__(
        self, decl: Declaration, previous: Declaration | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.decl = decl
        self.saved = copy.deepcopy(decl)
        self.previous = previous
        self.handle = RecordHandle(decl.id)
        self.stack = QUndoStack(self)

    @property
    def is_new(self) -> bool:
        return self.handle.id is None

    def edit(self, write: Callable[[Declaration], None], path: str) -> bool:
        """Apply an editor's widgets to a copy; push an undo step when something changed."""
        after = copy.deepcopy(self.decl)
        write(after)
        if after == self.decl:
            return False
        self.stack.push(_EditCommand(self, self.decl, after, path))
        self.changed.emit()
        return True

    def apply(self, decl: Declaration, path: str) -> None:
        self.decl = copy.deepcopy(decl)
        # Keep the store's view of the record: undo must not bring back an old status.
        self.decl.id, self.decl.status, self.decl.revision = (
            self.saved.id,
            self.saved.status,
            self.saved.revision,
        )
        self.applied.emit(path)
        self.changed.emit()

    def is_dirty(self) -> bool:
        return content(self.decl) != content(self.saved)

    def mark_saved(self, snapshot: Declaration, stored: Declaration) -> None:
        """``snapshot`` (what was sent) is now stored as ``stored`` (id, status, revision)."""
        self.handle.id = stored.id
        self.saved = copy.deepcopy(snapshot)
        for target in (self.saved, self.decl):
            target.id, target.status, target.revision = stored.id, stored.status, stored.revision
            if target.evaluation is not None and stored.evaluation is not None:
                target.evaluation.status = stored.evaluation.status
        if self.saved.evaluation is not None and stored.evaluation is not None:
            self.saved.evaluation.status = stored.evaluation.status
        # The monitoring form's own 定稿, like the evaluation's.
        for target in (self.saved, self.decl):
            if target.monitoring is not None and stored.monitoring is not None:
                target.monitoring.status = stored.monitoring.status
        self.changed.emit()

    def snapshot(self) -> Declaration:
        return copy.deepcopy(self.decl)
