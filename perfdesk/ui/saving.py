"""Saving the open record: save, autosave, and the question before leaving unsaved work.

Drafts are saved as they are typed (the window's autosave timer calls :func:`autosave`);
every write goes through the window's one worker. Imported with the window, so module level
stays light: dialogs and prompts are imported when they are needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perfdesk.models.records import Declaration
    from perfdesk.store.database import Store
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.operations import JobContext


def can_save(window: MainWindow) -> bool:
    """A record is stored once it has a unit and a name."""
    s = window.session
    return s is not None and bool(s.decl.unit) and bool(s.decl.name)


def save(
    window: MainWindow, quiet: bool = False, then: Callable[[Declaration], object] | None = None
) -> None:
    """Save the record through the worker; ``then(stored)`` runs after it is stored."""
    s = window.session
    if s is None:
        return
    if not can_save(window):
        if not quiet:
            from perfdesk.ui.dialogs import message_box

            message_box(window, "无法保存", "请先填写“申报单位名称”和“项目名称”。")
            window.declaration_editor.focus_field("unit" if not s.decl.unit else "name")
        return
    window.autosave_timer.stop()
    if not s.is_dirty() and not s.is_new:
        if then is not None:
            then(s.decl)
        return
    import copy

    sent = s.snapshot()
    handle = s.handle
    # The worker writes its own copy: the editors keep changing the session's record.
    job_copy = copy.deepcopy(sent)

    def job(store: Store, _ctx: JobContext) -> Declaration:
        job_copy.id = handle.id
        result = store.save(job_copy)
        handle.id = result.record.id
        return result.record

    def done(stored: Declaration) -> None:
        if window.session is s:
            s.mark_saved(sent, stored)
            window.declaration_editor.show_state(s.decl)
            window.evaluation_editor.show_state(s.decl)
            window.update_actions()
            window.update_title()
        window.browser.refresh(select_id=stored.id if window.session is s else None)
        window.statusBar().showMessage(
            ("已自动保存" if quiet else "已保存") + f"：{stored.name}", 4000
        )
        if then is not None:
            then(stored)

    window.worker.submit(job, done, window.report_error)


def autosave(window: MainWindow) -> None:
    s = window.session
    if s is None or not s.is_dirty() or not can_save(window):
        return
    save(window, quiet=True)


def maybe_leave(window: MainWindow) -> bool:
    """Before switching away from the record: True when it is safe to go on."""
    s = window.session
    if s is None or not s.is_dirty():
        return True
    if can_save(window):
        # Drafts are saved as they are typed; finish the pending save rather than ask.
        save(window, quiet=True)
        return True
    from perfdesk.ui.prompts import DISCARD, SAVE

    answer = window.prompts.unsaved(s.decl.name or "新项目")
    if answer == SAVE:
        save(window)
        return can_save(window)
    return answer == DISCARD
