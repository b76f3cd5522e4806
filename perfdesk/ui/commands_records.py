"""The record commands: new, finalize 定稿, new revision 新修订, carry forward 结转下一年,
version history, delete 删除 and the deleted projects 已删除的项目 with 恢复.

定稿 and 删除 act on every project selected in the list when several are: one job on the
writer with a cancellable progress dialog, then a summary of what was done and what failed.

:class:`RecordCommands` is given what it uses: the open record, the reader and the writer,
the prompts, the feedback and the browser. Writes go through the writer after the record is
saved; the rules are the store's and :mod:`perfdesk.carry`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from perfdesk.models.records import Declaration
from perfdesk.models.status import STATUS_FINAL
from perfdesk.ui.batch import (
    FORM_CHOICES,
    BatchOutcome,
    batch_job,
    form_choice,
    names_text,
    run_batch,
)
from perfdesk.ui.browser import Browser
from perfdesk.ui.deleted_dialog import DeletedDialog
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
        """Save, then finalize the form on screen (申报表, 运行监控表 or 自评表); with several
        projects selected in the list, every one of them."""
        selected = self.browser.selected_records()
        if len(selected) > 1:
            self._finalize_many(selected)
            return
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
        """新修订 of the form on screen (申报表, 运行监控表 or 自评表): saved first, since
        the other forms may be drafts with changes typed, then reopened as the next
        revision; the other forms stay as they are."""
        if self.record.session is None or self.record.record_id is None:
            return
        form = self.record.current_form()

        def after_save(stored: Declaration) -> None:
            rid = stored.id
            assert rid is not None, "save() hands back a stored record"

            def done(got: Reloaded) -> None:
                self._reload(got)
                self.feedback.status(
                    f"{FORM_NAMES[form]}已重新打开：第 {got[0].revision} 版（草稿）"
                )

            self.writer.submit(
                lambda store, _c: with_previous(store, store.new_revision(rid, form=form)),
                done,
                self.feedback.error,
            )

        self.record.save(then=after_save)

    def carry_forward(self) -> None:
        """Save, then make next year's draft from this record."""
        decl, rid = self.record.decl, self.record.record_id
        if decl is None or rid is None:
            return
        to_year = self.prompts.year("结转下一年", "生成哪一年度的申报草稿？", decl.year + 1)
        if to_year is None:
            return

        def job(store: Any, _ctx: JobContext) -> Reloaded:
            from perfdesk.carry import carry_forward  # with the command, not at start

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

    # ================================================================ several at once

    def _targets(self) -> list[tuple[int, str, str | None]]:
        """The projects selected in the list; else the stored record on screen."""
        selected = self.browser.selected_records()
        decl, rid = self.record.decl, self.record.record_id
        if not selected and decl is not None and rid is not None:
            return [(rid, decl.name or f"编号 {rid}", decl.status)]
        return selected

    def _reload_open(self, outcome: BatchOutcome) -> None:
        """The record on screen again from the database, when the batch changed it."""
        rid = self.record.record_id
        if rid is not None and rid in outcome.done_ids:
            self.writer.submit(
                lambda store, _c: with_previous(store, store.get(rid)),
                lambda got: self.record.load(*got),
                self.feedback.error,
            )

    def _finalize_many(self, targets: list[tuple[int, str, str | None]]) -> None:
        current = form_choice(self.record.current_form())
        chosen = self.prompts.choose(
            "定稿", f"把选中的 {len(targets)} 个项目的哪一种表定稿？", list(FORM_CHOICES), current
        )
        if chosen is None or not self.record.maybe_leave():
            return
        form = FORM_CHOICES[chosen]

        def step(store: Any, rid: int) -> None:
            if form == "evaluation":
                store.finalize_evaluation(rid)
            elif form == "monitoring":
                store.finalize_monitoring(rid)
            else:
                store.finalize(rid)

        def after(outcome: BatchOutcome) -> None:
            self.browser.refresh()
            self._reload_open(outcome)

        items = [(rid, name) for rid, name, _status in targets]
        run_batch(self.writer, self.feedback, f"{chosen}定稿", "已定稿", batch_job(items, step), after)

    def delete(self) -> None:
        """删除 the selected projects (or the one on screen) after the clerk confirms, twice
        for 定稿 ones. They leave the lists; 已删除的项目… brings them back."""
        targets = self._targets()
        if not targets:
            self.feedback.message("删除", "请先在左侧列表中选择要删除的项目（可按住 Ctrl 多选）。")
            return
        names = [name for _rid, name, _status in targets]
        what = f"“{names[0]}”" if len(names) == 1 else f"以下 {len(names)} 个项目"
        listed = "" if len(names) == 1 else "\n" + names_text(names) + "\n"
        if not self.prompts.confirm(
            "删除项目",
            f"删除{what}？{listed}\n删除后项目不再出现在列表、搜索、汇总和上报中；各版本都会保留，"
            "可在“项目 → 已删除的项目…”中恢复。",
        ):
            return
        finals = [name for _rid, name, status in targets if status == STATUS_FINAL]
        if finals and not self.prompts.confirm(
            "删除已定稿的项目",
            f"其中 {len(finals)} 个项目已定稿，可能已盖章或上报：\n{names_text(finals)}\n\n"
            "确定仍要删除吗？",
        ):
            return
        ids = [rid for rid, _name, _status in targets]
        if self.record.record_id in ids:
            if not self.record.maybe_leave():
                return
            # Closed before the delete is queued: no autosave can bring it back afterwards.
            self.record.close()
            self.browser.current_id = None
        items = [(rid, name) for rid, name, _status in targets]
        job = batch_job(items, lambda store, rid: store.delete(rid, final_ok=True))
        run_batch(
            self.writer, self.feedback, "删除项目", "已删除", job, lambda _o: self.browser.refresh()
        )

    def show_deleted(self) -> DeletedDialog:
        """项目 → 已删除的项目…: the deleted projects, read on the reader, with 恢复."""
        dialog = DeletedDialog(self.feedback.parent)
        dialog.restore_requested.connect(self._undelete)
        self.deleted_dialog = dialog
        self.feedback.show(dialog)
        self._read_deleted()
        return dialog

    def _read_deleted(self) -> None:
        dialog = self.deleted_dialog
        self.writer.after_writes(
            lambda: self.reader.query("deleted", lambda store: store.deleted(), dialog.set_rows)
        )

    def _undelete(self, ids: list[int]) -> None:
        def job(store: Any, _ctx: JobContext) -> list[Any]:
            with store.transaction():
                return [store.undelete(rid) for rid in ids]

        def done(back: list[Any]) -> None:
            self.browser.refresh(select_id=back[0].id if len(back) == 1 else None)
            self._read_deleted()
            names = "、".join(f"“{d.name}”" for d in back[:3])
            more = f"等 {len(back)} 个项目" if len(back) > 3 else ""
            self.feedback.status(f"已恢复 {names}{more}")

        self.writer.submit(job, done, self.feedback.error)
