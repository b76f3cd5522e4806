"""The file commands: import (files, a folder, dropped files), export Excel and PDF, preview
and print, export a year to PDF 全年导出PDF, the year's summary 导出年度汇总表, checking a
printout 核对打印件, backup and restore, about.

导出PDF…, 导出Excel… and 打印… act on every project selected in the list when several are:
one job on the writer with a cancellable progress dialog, then a summary.

:class:`FileCommands` is given what it uses: the open record, the reader and the writer,
the prompts, the feedback, the settings and the browser. Each command asks for paths, then
hands the work to the core (``excel.batch``, ``excel.writer``, ``pdf``, ``store``) on the
writer, the one thread that touches the database file.

The Excel and PDF services are imported by the command that uses them: openpyxl (which
loads numpy) and the PDF engine take ~0.5 s to import, more than the whole window takes to
appear, and most sessions open a record without exporting anything.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl

from perfdesk.models.errors import PerfdeskError
from perfdesk.models.records import Declaration
from perfdesk.models.reprint import reprint_note
from perfdesk.store.backups import auto_backup, restore_backup
from perfdesk.ui import settings as S
from perfdesk.ui.batch import FORM_CHOICES, BatchOutcome, batch_job, form_choice, run_batch
from perfdesk.ui.browser import Browser
from perfdesk.ui.dialogs import ReportDialog, about_text
from perfdesk.ui.feedback import Feedback
from perfdesk.ui.import_report import TEXT_FILTER, ImportReportDialog
from perfdesk.ui.open_record import OpenRecord
from perfdesk.ui.operations import JobContext, Reader, Worker, run_with_progress
from perfdesk.ui.prompts import Prompts

IMPORTABLE = (".xlsx", ".xls", ".json")
# 核对打印件's answer, first in a word (VerifyResult.status), then in full.
VERIFY_HEADINGS = {
    "current": "一致：打印件就是库中的现行版本。",
    "older": "不是现行版本：打印件与库中较早的一版一致。",
    "altered": "不一致：打印件的内容被改动过。",
    "unknown": "无法核对：库中没有与打印件对应的版本。",
}
Rendered = tuple[bytes, Declaration]


def _stored_form(store: Any, record_id: int, form: str) -> Declaration:
    """A stored record for a form of it; a project without its 自评表 or 运行监控表 is
    refused by name."""
    decl = store.get(record_id)
    if form == "evaluation" and decl.evaluation is None:
        raise PerfdeskError("还没有自评表。")
    if form == "monitoring" and decl.monitoring is None:
        raise PerfdeskError("还没有运行监控表。")
    return decl


def dropped_paths(urls: list[QUrl]) -> list[Path]:
    """The local files and folders among dropped URLs that can be imported."""
    out = []
    for url in urls:
        if url.isLocalFile():
            p = Path(url.toLocalFile())
            if p.is_dir() or p.suffix.lower() in IMPORTABLE:
                out.append(p)
    return out


def report_ids(report: Any) -> list[int]:
    """Record ids an ImportReport says were imported."""
    return [i for f in report.files for i in f.ids]


def render_job(
    record_id: int | None, on_screen: Declaration, form: str, revision: int | None
) -> Callable[[Any, JobContext], Rendered]:
    """Render the record on screen, or a stored revision of it (with the reprint note the
    command line prints too), to PDF bytes."""

    def job(store: Any, _ctx: JobContext) -> Rendered:
        from perfdesk.pdf.printout import render_bytes

        if revision is None or record_id is None:
            return render_bytes(on_screen, form), on_screen
        decl = store.get(record_id, revision)
        note = reprint_note(revision, store.revisions(record_id)[-1].revision)
        return render_bytes(decl, form, revision_note=note), decl

    return job


class FileCommands:
    def __init__(
        self,
        record: OpenRecord,
        reader: Reader,
        writer: Worker,
        prompts: Prompts,
        feedback: Feedback,
        settings: S.Settings,
        browser: Browser,
        db_path: Path,
    ) -> None:
        self.record = record
        self.reader = reader
        self.writer = writer
        self.prompts = prompts
        self.feedback = feedback
        self.settings = settings
        self.browser = browser
        self.db_path = db_path

    # ================================================================ import

    def import_files(self) -> None:
        paths = self.prompts.open_files(self.settings.folder(S.IMPORT_DIR))
        if paths:
            self.import_paths(paths)

    def import_folder(self) -> None:
        folder = self.prompts.open_folder(self.settings.folder(S.IMPORT_DIR))
        if folder is not None:
            self.import_paths([folder])

    def import_paths(self, paths: list[Path]) -> None:
        """Import files and folders with a progress dialog, then show the report."""
        if not paths:
            return
        self.settings.remember_folder(S.IMPORT_DIR, paths[0])
        for p in paths:
            if p.is_file():
                self.settings.add_recent(p)
        self.record.maybe_leave()

        def job(store: Any, ctx: JobContext) -> Any:
            from perfdesk.excel.batch import import_paths

            return import_paths(store, paths, progress=ctx.progress, cancel=ctx.cancelled)

        def done(report: Any) -> None:
            self.browser.refresh()
            self.feedback.show(ImportReportDialog(report, self._report_path, self.feedback.parent))
            ids = report_ids(report)
            if ids and self.record.session is None:
                self.browser.select(ids[0])

        run_with_progress(
            self.writer, self.feedback.parent, "正在导入…", job, done, self.feedback.error
        )

    def _report_path(self, suggested_name: str) -> Path | None:
        """Where 导出为文本… of the import report writes (asked, next to the imported files)."""
        suggested = str(Path(self.settings.folder(S.IMPORT_DIR)) / suggested_name)
        return self.prompts.save_file("导出导入结果", suggested, TEXT_FILTER)

    # ================================================================ export, preview, print

    def _form_record(self) -> tuple[Declaration, str] | None:
        """A copy of the open record and the form on screen; None (and a word) when that
        form does not exist yet."""
        decl = self.record.decl
        if decl is None:
            return None
        form = self.record.current_form()
        if form == "evaluation" and decl.evaluation is None:
            self.feedback.message("无法完成", "这个项目还没有自评表。")
            return None
        if form == "monitoring" and decl.monitoring is None:
            self.feedback.message("无法完成", "这个项目还没有运行监控表。")
            return None
        return copy.deepcopy(decl), form

    def _ask_export_path(
        self, title: str, suggested_name: str, file_filter: str, suffix: str
    ) -> Path | None:
        suggested = str(Path(self.settings.folder(S.EXPORT_DIR)) / suggested_name)
        path = self.prompts.save_file(title, suggested, file_filter)
        if path is None:
            return None
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        self.settings.remember_folder(S.EXPORT_DIR, path)
        return path

    def _exported(self, path: Path) -> None:
        self.feedback.status(f"已导出：{path}")

    def export_excel(self) -> None:
        from perfdesk.pdf.printout import pdf_file_name

        if len(self.browser.selected_ids()) > 1:
            self._export_many("excel")
            return
        got = self._form_record()
        if got is None:
            return
        decl, form = got
        name = pdf_file_name(decl, form).replace(".pdf", ".xlsx")
        path = self._ask_export_path("导出Excel", name, "Excel 文件 (*.xlsx)", ".xlsx")
        if path is None:
            return

        def job(_store: Any, _ctx: JobContext) -> Path:
            from perfdesk.excel.writer import export_file

            export_file(decl, path, form=form)
            return path

        self.writer.submit(job, self._exported, self.feedback.error)

    def export_pdf(self) -> None:
        """The record on screen as a PDF file; several selected projects, a PDF each."""
        from perfdesk.pdf.printout import pdf_file_name, write_pdf

        if len(self.browser.selected_ids()) > 1:
            self._export_many("pdf")
            return
        got = self._form_record()
        if got is None:
            return
        decl, form = got
        path = self._ask_export_path(
            "导出PDF", pdf_file_name(decl, form), "PDF 文件 (*.pdf)", ".pdf"
        )
        if path is None:
            return
        self.writer.submit(
            lambda _store, _ctx: write_pdf(decl, path, form), self._exported, self.feedback.error
        )

    def _render(
        self, form: str, revision: int | None, then: Callable[[bytes, Declaration], object]
    ) -> None:
        """Render on the writer, behind the saves queued before."""
        decl = self.record.decl
        if decl is None:
            return
        job = render_job(self.record.record_id, copy.deepcopy(decl), form, revision)
        self.writer.submit(job, lambda got: then(*got), self.feedback.error)

    def preview(self, revision: int | None = None, form: str | None = None) -> None:
        """The print preview of the form on screen, or of a stored revision."""
        from perfdesk.ui.preview import PreviewDialog

        if form is None:
            got = self._form_record()
            if got is None:
                return
            form = got[1]
        shown_form = form

        def show(data: bytes, decl: Declaration) -> None:
            dialog = PreviewDialog(data, decl, shown_form, self.feedback.parent)
            self.feedback.last_dialog = dialog
            dialog.show()

        self._render(form, revision, show)

    def print_current(self) -> None:
        from perfdesk.ui.preview import print_pdf

        if len(self.browser.selected_ids()) > 1:
            self._print_many()
            return
        got = self._form_record()
        if got is None:
            return
        self._render(got[1], None, lambda data, _d: print_pdf(data, self.feedback.parent))

    def print_year(self) -> None:
        """全年导出PDF: every form of one kind of a year to PDF files in a folder, with a
        progress dialog. The clerk says which form; projects without it are named."""
        forms = {
            "绩效目标申报表": "declaration", "绩效运行监控表": "monitoring", "绩效自评表": "evaluation",
        }  # fmt: skip
        on_screen = self.record.current_form()
        current = next((name for name, f in forms.items() if f == on_screen), "绩效目标申报表")
        chosen = self.prompts.choose("全年导出PDF", "导出哪一种表？", list(forms), current)
        if chosen is None:
            return
        form = forms[chosen]
        year = self.prompts.year(
            "全年导出PDF", f"导出哪一年度的全部{chosen}？", self.browser.default_year()
        )
        if year is None:
            return
        folder = self.prompts.open_folder(
            self.settings.folder(S.EXPORT_DIR), f"选择保存 {year} 年度{chosen} PDF 的文件夹"
        )
        if folder is None:
            return
        self.settings.remember_folder(S.EXPORT_DIR, folder)

        def job(store: Any, ctx: JobContext) -> tuple[list[Path], list[str]]:
            from perfdesk.pdf.year import print_year

            without = [
                str(name)
                for name, has_evaluation, monitoring in store.list(
                    year=year, columns=("name", "has_evaluation", "monitoring_status")
                )
                if (form == "evaluation" and not has_evaluation)
                or (form == "monitoring" and not monitoring)
            ]
            paths = print_year(store, year, folder, form, progress=ctx.progress, cancel=ctx.cancelled)
            return paths, without

        def done(got: tuple[list[Path], list[str]]) -> None:
            paths, without = got
            heading = f"已把 {year} 年度的 {len(paths)} 份{chosen}导出为 PDF，保存在“{folder}”。"
            text = "\n".join(str(p) for p in paths)
            if without:
                short = chosen.removeprefix("绩效")  # 自评表, 运行监控表
                heading += f"{len(without)} 个项目还没有{short}，未导出（见下）。"
                text = f"没有{short}，未导出：\n" + "\n".join(without) + "\n\n" + text
            self.feedback.show(ReportDialog("全年导出PDF", heading, text, self.feedback.parent))

        run_with_progress(
            self.writer, self.feedback.parent, f"正在导出 {year} 年度{chosen}…", job, done,
            self.feedback.error,
        )  # fmt: skip

    # ================================================================ several at once

    def _ask_form(self, title: str, count: int) -> str | None:
        """Which form of the ``count`` selected projects (the one on screen proposed)."""
        current = form_choice(self.record.current_form())
        chosen = self.prompts.choose(
            title, f"{title}选中的 {count} 个项目的哪一种表？", list(FORM_CHOICES), current
        )
        return None if chosen is None else FORM_CHOICES[chosen]

    def _export_many(self, kind: str) -> None:
        """导出PDF / 导出Excel of every selected project into one folder, a file each."""
        items = [(rid, name) for rid, name, _status in self.browser.selected_records()]
        title = "导出PDF" if kind == "pdf" else "导出Excel"
        form = self._ask_form(title, len(items))
        if form is None:
            return
        folder = self.prompts.open_folder(
            self.settings.folder(S.EXPORT_DIR),
            f"选择保存 {len(items)} 个项目{form_choice(form)}的文件夹",
        )
        if folder is None or not self.record.maybe_leave():
            return
        self.settings.remember_folder(S.EXPORT_DIR, folder)

        def step(store: Any, rid: int) -> None:
            from perfdesk.pdf.printout import pdf_file_name

            decl = _stored_form(store, rid, form)
            name = pdf_file_name(decl, form)
            if kind == "pdf":
                from perfdesk.pdf.year import print_record_file

                print_record_file(decl, folder / name, form, store=store)
            else:
                from perfdesk.excel.writer import export_file

                export_file(decl, folder / name.replace(".pdf", ".xlsx"), form=form)

        run_batch(
            self.writer, self.feedback, f"{title}（{form_choice(form)}）", "已导出",
            batch_job(items, step), note=f"文件保存在“{folder}”。",
        )  # fmt: skip

    def _print_many(self) -> None:
        """打印… of every selected project: rendered on the writer into one PDF, then one
        print dialog for all of them."""
        from perfdesk.ui.preview import print_pdf

        items = [(rid, name) for rid, name, _status in self.browser.selected_records()]
        form = self._ask_form("打印", len(items))
        if form is None or not self.record.maybe_leave():
            return
        parts: list[bytes] = []

        def step(store: Any, rid: int) -> None:
            from perfdesk.pdf.printout import render_bytes
            from perfdesk.pdf.year import revision_note

            decl = _stored_form(store, rid, form)
            parts.append(render_bytes(decl, form, revision_note=revision_note(store, decl)))

        def job(store: Any, ctx: JobContext) -> BatchOutcome:
            from perfdesk.pdf.year import join_pdfs

            outcome = batch_job(items, step)(store, ctx)
            outcome.extra = join_pdfs(parts) if parts and not outcome.cancelled else None
            return outcome

        def after(outcome: BatchOutcome) -> None:
            if outcome.extra:
                print_pdf(outcome.extra, self.feedback.parent)

        run_batch(
            self.writer, self.feedback, f"打印（{form_choice(form)}）", "已送去打印", job, after
        )

    # ================================================================ summary, verify

    def export_summary(self) -> None:
        """文件 → 导出年度汇总表…: the year's summary workbook (``perfdesk summary``), of
        the list's unit when one is chosen, else of the whole department."""
        year = self.prompts.year("导出年度汇总表", "汇总哪一年度？", self.browser.default_year())
        if year is None:
            return
        unit = self.browser.model.query.unit
        if unit:
            whole = "全部门"
            chosen = self.prompts.choose(
                "导出年度汇总表", "汇总哪些项目？", [whole, unit], whole
            )
            if chosen is None:
                return
            unit = None if chosen == whole else unit
        whose = f"{unit}" if unit else ""
        path = self._ask_export_path(
            "导出年度汇总表", f"{year}年度{whose}绩效汇总.xlsx", "Excel 文件 (*.xlsx)", ".xlsx"
        )
        if path is None:
            return
        self.record.maybe_leave()

        def job(store: Any, _ctx: JobContext) -> int:
            from perfdesk.excel.writer import write_summary_file

            if store.count(year=year, unit=unit) == 0:
                where = f"“{unit}”" if unit else ""
                raise PerfdeskError(f"{year}年{where}没有项目，未写出汇总表。")
            return write_summary_file(store, year, path, unit)

        def done(n: int) -> None:
            self.feedback.status(f"已写出 {year} 年度{whose}汇总（{n} 个项目）：{path}")

        self.writer.submit(job, done, self.feedback.error)

    def verify_printout(self) -> None:
        """文件 → 核对打印件…: is this PDF the stored revision (``perfdesk verify``)? The
        answer in a dialog: current, an older revision and what changed since, altered
        (naming the fields), or nothing stored."""
        path = self.prompts.open_file(
            "核对打印件", self.settings.folder(S.EXPORT_DIR), "PDF 文件 (*.pdf);;所有文件 (*)"
        )
        if path is None:
            return

        def job(store: Any, _ctx: JobContext) -> tuple[Any, bool]:
            from perfdesk.pdf.verify import verify_pdf

            result = verify_pdf(store, path.read_bytes())
            rid = result.marker.record_id if result.marker is not None else None
            return result, rid is not None and store.is_deleted(rid)

        def done(got: tuple[Any, bool]) -> None:
            result, deleted = got
            heading = VERIFY_HEADINGS.get(result.status, "核对结果")
            text = f"文件：{path}\n\n{result.message}"
            if deleted:
                text += "\n\n这个项目已删除，可在“项目 → 已删除的项目…”中恢复。"
            dialog = ReportDialog("核对打印件", heading, text, self.feedback.parent)
            self.feedback.show(dialog)

        self.writer.submit(job, done, self.feedback.error)

    # ================================================================ backup

    def start_auto_backup(self) -> None:
        """One automatic backup a day, made by the writer when the window opens."""

        def failed(exc: BaseException, tb: str) -> None:
            # A backup that could not be made is worth a line, not a dialog at start-up.
            if isinstance(exc, PerfdeskError):
                self.feedback.status(str(exc), 10000)
            else:
                self.feedback.error(exc, tb)

        self.writer.submit(lambda store, _ctx: auto_backup(store), lambda _p: None, failed)

    def backup(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        folder = Path(self.settings.folder(S.BACKUP_DIR))
        path = self.prompts.save_file(
            "备份数据库",
            str(folder / f"perfdesk-备份-{stamp}.sqlite"),
            "perfdesk 数据库 (*.sqlite)",
        )
        if path is None:
            return
        self.settings.remember_folder(S.BACKUP_DIR, path)
        self.record.save(quiet=True)
        self.writer.submit(
            lambda store, _c: store.backup(path),
            lambda p: self.feedback.status(f"已备份到：{p}"),
            self.feedback.error,
        )

    def restore(self) -> None:
        """Replace the database with a backup (the current one is kept beside it). The
        writer replaces the file with its own connection closed; the reader's stays closed
        meanwhile."""
        path = self.prompts.open_file(
            "从备份恢复",
            self.settings.folder(S.BACKUP_DIR),
            "perfdesk 数据库 (*.sqlite);;所有文件 (*)",
        )
        if path is None:
            return
        if not self.prompts.confirm(
            "从备份恢复", f"用“{path.name}”替换当前数据库？当前数据库会先另存一份。"
        ):
            return
        if not self.record.maybe_leave():
            return
        self.reader.hold()

        def done(saved: Path | None) -> None:
            self.reader.resume()
            self.record.close()
            self.browser.current_id = None
            self.browser.refresh()
            note = f"原数据库另存为“{saved}”。" if saved else ""
            self.feedback.message("已恢复", f"已从“{path}”恢复数据库。{note}", warning=False)

        def failed(exc: BaseException, tb: str) -> None:
            self.reader.resume()
            self.feedback.error(exc, tb)

        self.writer.submit(
            lambda db_path, _ctx: restore_backup(path, db_path), done, failed, exclusive=True
        )

    def about(self) -> None:
        self.feedback.message("关于 perfdesk", about_text(), warning=False)
