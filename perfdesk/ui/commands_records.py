"""The record commands of the window: new, finalize 定稿, new revision 新修订, carry forward
结转下一年, the evaluation form, version history.

Each is a function of the window (its menus and toolbar call them through the
:class:`~perfdesk.ui.main_window.MainWindow` methods of the same name). Writes go through the
window's one worker after the record is saved (:mod:`perfdesk.ui.saving`); the rules are the
store's and :mod:`perfdesk.carry`'s. Imported with the window, so module level stays light:
whatever a command needs is imported when it runs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perfdesk.models.records import Declaration
    from perfdesk.store.database import Store
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.operations import JobContext


def new_record(window: MainWindow) -> None:
    """A blank declaration for the list's year and unit, the cursor on the first empty field."""
    if not window.maybe_leave():
        return
    from perfdesk.models.records import Declaration
    from perfdesk.ui.editor_pane import TAB_DECLARATION

    f = window.browser.model.filter
    decl = Declaration(year=f.year or dt.date.today().year, unit=f.unit, name=None)
    window.load(decl)
    window.tabs.setCurrentIndex(TAB_DECLARATION)
    window.declaration_editor.focus_field("unit" if not f.unit else "name")


def create_evaluation(window: MainWindow) -> None:
    """Start the record's 自评表 (as an undoable edit)."""
    from perfdesk.ui.evaluation_editor import new_evaluation

    session = window.session
    if session is None:
        return

    def write(decl: Declaration) -> None:
        decl.evaluation = new_evaluation(decl)

    window.apply_edit(write, "evaluation")
    window.evaluation_editor.show_record(session.decl)
    window.update_actions()


def reload(window: MainWindow, decl: Declaration) -> None:
    """Show a record the worker hands back and select it in the list."""
    window.load(decl)
    window.browser.refresh(select_id=decl.id)


def finalize(window: MainWindow) -> None:
    """Save, then finalize the form on screen (申报表 or 自评表)."""
    if window.session is None:
        return
    form = window.current_form()

    def after_save(stored: Declaration) -> None:
        rid = stored.id
        assert rid is not None, "save() hands back a stored record"

        def job(store: Store, _ctx: JobContext) -> Declaration:
            return store.finalize_evaluation(rid) if form == "evaluation" else store.finalize(rid)

        def done(decl: Declaration) -> None:
            reload(window, decl)
            what = "自评表" if form == "evaluation" else "申报表"
            window.statusBar().showMessage(f"{what}已定稿：第 {decl.revision} 版", 6000)

        window.worker.submit(job, done, window.report_error)

    window.save(then=after_save)


def new_revision(window: MainWindow) -> None:
    s = window.session
    if s is None or s.handle.id is None:
        return
    rid = s.handle.id
    window.worker.submit(
        lambda store, _c: store.new_revision(rid),
        lambda decl: reload(window, decl),
        window.report_error,
    )


def carry_forward(window: MainWindow) -> None:
    """Save, then make next year's draft from this record."""
    s = window.session
    if s is None or s.handle.id is None:
        return
    to_year = window.prompts.year("结转下一年", "生成哪一年度的申报草稿？", s.decl.year + 1)
    if to_year is None:
        return
    rid = s.handle.id

    def job(store: Store, _ctx: JobContext) -> Declaration:
        from perfdesk.carry import carry_forward

        return carry_forward(store, rid, to_year)

    def done(decl: Declaration) -> None:
        reload(window, decl)
        window.statusBar().showMessage(f"已生成 {decl.year} 年度申报草稿", 6000)

    window.save(then=lambda _d: window.worker.submit(job, done, window.report_error))


def show_history(window: MainWindow) -> None:
    from perfdesk.ui.history import HistoryDialog

    s = window.session
    if s is None or s.handle.id is None:
        return
    dialog = HistoryDialog(window.store, s.handle.id, window)
    dialog.preview_requested.connect(lambda rev, form: window.preview(revision=rev, form=form))
    window.last_dialog = dialog
    dialog.open()
