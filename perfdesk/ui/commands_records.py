"""The record commands: new, finalize 定稿, new revision 新修订, carry forward 结转下一年,
version history.

:class:`RecordCommands` is given what it uses: the open record, the reader and the writer,
the prompts, the feedback and the browser. Writes go through the writer after the record is
saved; the rules are the store's and :mod:`perfdesk.carry`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from perfdesk.carry import carry_forward
from perfdesk.models.records import Declaration
from perfdesk.ui.browser import Browser
from perfdesk.ui.feedback import Feedback
from perfdesk.ui.history import HistoryDialog
from perfdesk.ui.open_record import OpenRecord
from perfdesk.ui.operations import JobContext, Reader, Worker
from perfdesk.ui.prompts import Prompts

Reloaded = tuple[Declaration, Declaration | None]
FORM_NAMES = {"declaration": "申报表", "monitoring": "运行监控表", "evaluation": "自评表"}


def with_previous(store: Any, decl: Declaration) -> Reloaded:
    """A record the writer hands back, with last year's record for the checks."""
    return decl, store.previous_year(decl)


class RecordCommands:
    def __init__(
        self,
        record: OpenRecord,
        reader: Reader,
        writer: Worker,
        prompts: Prompts,
        feedback: Feedback,
        browser: Browser,
        preview: Callable[[int, str], None],
    ) -> None:
        self.record = record
        self.reader = reader
        self.writer = writer
        self.prompts = prompts
        self.feedback = feedback
        self.browser = browser
        self.preview = preview  # (revision, form): the file commands render it

    def _reload(self, got: Reloaded) -> None:
        """Show a record the writer hands back and select it in the list."""
        self.record.load(*got)
        self.browser.refresh(select_id=got[0].id)

    def new_record(self) -> None:
        """A blank declaration for the list's year and unit, the cursor on the first empty
        field."""
        if not self.record.maybe_leave():
            return
        q = self.browser.model.query
        self.record.load(Declaration(year=q.year or dt.date.today().year, unit=q.unit, name=None))
        self.browser.current_id = None
        self.browser.reselect()
        self.record.pane.show_form("declaration")
        self.record.pane.declaration_editor.focus_field("unit" if not q.unit else "name")

    def finalize(self) -> None:
        """Save, then finalize the form on screen (申报表, 运行监控表 or 自评表)."""
        if self.record.session is None:
            return
        form = self.record.current_form()

        def after_save(stored: Declaration) -> None:
            rid = stored.id
            assert rid is not None, "save() hands back a stored record"

            def job(store: Any, _ctx: JobContext) -> Reloaded:
                if form == "evaluation":
                    return with_previous(store, store.finalize_evaluation(rid))
                if form == "monitoring":
                    return with_previous(store, store.finalize_monitoring(rid))
                return with_previous(store, store.finalize(rid))

            def done(got: Reloaded) -> None:
                self._reload(got)
                self.feedback.status(f"{FORM_NAMES[form]}已定稿：第 {got[0].revision} 版")

            self.writer.submit(job, done, self.feedback.error)

        self.record.save(then=after_save)

    def new_revision(self) -> None:
        rid = self.record.record_id
        if rid is None:
            return
        self.writer.submit(
            lambda store, _c: with_previous(store, store.new_revision(rid)),
            self._reload,
            self.feedback.error,
        )

    def carry_forward(self) -> None:
        """Save, then make next year's draft from this record."""
        decl, rid = self.record.decl, self.record.record_id
        if decl is None or rid is None:
            return
        to_year = self.prompts.year("结转下一年", "生成哪一年度的申报草稿？", decl.year + 1)
        if to_year is None:
            return

        def job(store: Any, _ctx: JobContext) -> Reloaded:
            return with_previous(store, carry_forward(store, rid, to_year))

        def done(got: Reloaded) -> None:
            self._reload(got)
            self.feedback.status(f"已生成 {got[0].year} 年度申报草稿")

        self.record.save(then=lambda _d: self.writer.submit(job, done, self.feedback.error))

    def show_history(self) -> None:
        """Every stored revision (read on the reader), each previewable."""
        rid = self.record.record_id
        if rid is None:
            return

        def show(revisions: list[Any]) -> None:
            dialog = HistoryDialog(revisions, rid, self.feedback.parent)
            dialog.preview_requested.connect(self.preview)
            self.feedback.show(dialog)

        self.writer.after_writes(
            lambda: self.reader.query("history", lambda store: store.revisions(rid), show)
        )
