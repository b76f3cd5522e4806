"""The open record in the editors: loading it with a fresh undo stack, applying edits,
the checks, the title, moving to a field.

Functions of the window (it binds them as methods of the same name). Imported with the
window, so module level stays light: the session and the checks are imported on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from perfdesk.models.errors import PerfdeskError

if TYPE_CHECKING:
    from perfdesk.models.records import Declaration
    from perfdesk.ui.main_window import MainWindow

# As in editor_pane, which is imported only with the editors.
TAB_DECLARATION, TAB_EVALUATION = 0, 1


def open_record(window: MainWindow, record_id: int) -> None:
    """The list's selection: leave the record on screen (saving it) and show this one."""
    if window.session is not None and window.session.handle.id == record_id:
        return
    if not window.maybe_leave():
        window.browser.refresh()  # put the selection back on the record being edited
        return
    try:
        decl = window.store.get(record_id)
    except PerfdeskError as exc:
        window.report_error(exc)
        return
    window.load(decl)


def load(window: MainWindow, decl: Declaration) -> None:
    """Show ``decl`` in the editors with a fresh undo stack."""
    from perfdesk.ui.session import RecordSession

    window.ensure_editors()
    if window.session is not None:
        window.undo_group.removeStack(window.session.stack)
        window.session.deleteLater()
    previous = window.store.previous_year(decl)
    session = RecordSession(decl, previous, window)
    window.session = session
    window.undo_group.addStack(session.stack)
    window.undo_group.setActiveStack(session.stack)
    session.applied.connect(lambda path: undo_applied(window, path))
    session.changed.connect(lambda: session_changed(window))
    window.browser.current_id = decl.id
    window.declaration_editor.set_library(window.worker.submit, previous)
    window.declaration_editor.show_record(decl)
    window.evaluation_editor.show_record(decl)
    window.stack.setCurrentIndex(1)
    window.run_checks()
    window.update_actions()
    window.update_title()


def apply_edit(window: MainWindow, write: Callable[[Declaration], None], path: str) -> None:
    """An edit of the record (undoable, see RecordSession), autosaved after a pause."""
    if window.session is None:
        return
    if window.session.edit(write, path):
        window.autosave_timer.start()


def session_changed(window: MainWindow) -> None:
    if window.session is not None and window.session.decl.evaluation is not None:
        window.evaluation_editor.refresh_scores(window.session.decl)
    window.check_timer.start()
    window.update_title()


def undo_applied(window: MainWindow, path: str) -> None:
    """Undo or redo changed the record: show it again, at the field it touched."""
    if window.session is None:
        return
    window.declaration_editor.show_record(window.session.decl)
    window.evaluation_editor.show_record(window.session.decl)
    window.focus_field(path)
    window.autosave_timer.start()


def update_title(window: MainWindow) -> None:
    s = window.session
    name = (s.decl.name or "新项目") if s is not None else ""
    dirty = "*" if s is not None and s.is_dirty() else ""
    base = f"perfdesk — {window.db_path.name}" + ("（演示）" if window.demo else "")
    window.setWindowTitle(f"{dirty}{name} — {base}" if name else base)


def run_checks(window: MainWindow) -> None:
    """The forms.md §3 checks of the record, shown in the check panel."""
    from perfdesk.models.checks import check_declaration, check_evaluation

    if window.session is None:
        if window.editors_built:
            window.checks.set_findings([])
        return
    decl = window.session.decl
    findings = list(check_declaration(decl, window.session.previous))
    if decl.evaluation is not None:
        findings += check_evaluation(decl)
    window.checks.set_findings(findings)


def focus_field(window: MainWindow, path: str) -> None:
    if path.startswith("evaluation"):
        window.tabs.setCurrentIndex(TAB_EVALUATION)
        window.evaluation_editor.focus_field(path)
    else:
        window.tabs.setCurrentIndex(TAB_DECLARATION)
        window.declaration_editor.focus_field(path)
