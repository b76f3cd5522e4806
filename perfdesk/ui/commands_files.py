"""The file commands of the window: import (files, a folder, dropped files), export Excel and
PDF, preview and print, print a year 打印全年, backup and restore, about.

Each is a function of the window (its menus and toolbar call them through the
:class:`~perfdesk.ui.main_window.MainWindow` methods of the same name). They ask for paths,
then hand the work to the core (``import_batch``, ``excel_out``, ``pdf_out``, ``printing``,
``autobackup``, the store) on the window's one worker. Imported with the window, so module
level stays light: the core is imported when a command runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfdesk.models.errors import PerfdeskError
from perfdesk.ui import settings as S

if TYPE_CHECKING:
    from perfdesk.models.records import Declaration
    from perfdesk.store.database import Store
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.operations import JobContext

IMPORTABLE = (".xlsx", ".xls", ".json")


# ==================================================================== import


def import_files(window: MainWindow) -> None:
    paths = window.prompts.open_files(window.settings.folder(S.IMPORT_DIR))
    if paths:
        import_paths(window, paths)


def import_folder(window: MainWindow) -> None:
    folder = window.prompts.open_folder(window.settings.folder(S.IMPORT_DIR))
    if folder is not None:
        import_paths(window, [folder])


def import_paths(window: MainWindow, paths: list[Path]) -> None:
    """Import files and folders with a progress dialog, then show the report."""
    if not paths:
        return
    window.settings.remember_folder(S.IMPORT_DIR, paths[0])
    for p in paths:
        if p.is_file():
            window.settings.add_recent(p)
    window.maybe_leave()

    def job(store: Store, ctx: JobContext) -> Any:
        from perfdesk.excel.batch import import_paths

        return import_paths(store, paths, progress=ctx.progress, cancel=ctx.cancelled)

    def done(report: Any) -> None:
        from perfdesk.ui.import_report import show_import_report

        window.browser.refresh()
        window.last_dialog = show_import_report(window, report)
        ids = report_ids(report)
        if ids and window.session is None:
            window.browser.select(ids[0])

    from perfdesk.ui.operations import run_with_progress

    run_with_progress(window.worker, window, "正在导入…", job, done, window.report_error)


def dropped_paths(urls: list[Any]) -> list[Path]:
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


# ==================================================================== export, preview, print


def form_record(window: MainWindow) -> tuple[Declaration, str] | None:
    """A copy of the open record and the form on screen; None (and a word) when that form
    does not exist yet."""
    s = window.session
    if s is None:
        return None
    form = window.current_form()
    if form == "evaluation" and s.decl.evaluation is None:
        from perfdesk.ui.dialogs import message_box

        message_box(window, "无法完成", "这个项目还没有自评表。")
        return None
    import copy

    return copy.deepcopy(s.decl), form


def _ask_export_path(
    window: MainWindow, title: str, suggested_name: str, file_filter: str, suffix: str
) -> Path | None:
    suggested = str(Path(window.settings.folder(S.EXPORT_DIR)) / suggested_name)
    path = window.prompts.save_file(title, suggested, file_filter)
    if path is None:
        return None
    if path.suffix.lower() != suffix:
        path = path.with_suffix(suffix)
    window.settings.remember_folder(S.EXPORT_DIR, path)
    return path


def _exported(window: MainWindow) -> Callable[[Path], None]:
    return lambda p: window.statusBar().showMessage(f"已导出：{p}", 6000)


def export_excel(window: MainWindow) -> None:
    from perfdesk.pdf.printout import pdf_file_name

    got = form_record(window)
    if got is None:
        return
    decl, form = got
    name = pdf_file_name(decl, form).replace(".pdf", ".xlsx")
    path = _ask_export_path(window, "导出Excel", name, "Excel 文件 (*.xlsx)", ".xlsx")
    if path is None:
        return

    def job(_store: Store, _ctx: JobContext) -> Path:
        from perfdesk.excel.writer import export_file

        export_file(decl, path, form=form)
        return path

    window.worker.submit(job, _exported(window), window.report_error)


def export_pdf(window: MainWindow, revision: int | None = None, form: str | None = None) -> None:
    """The record on screen as a PDF file (``revision`` is accepted as by :func:`preview`;
    what is exported is the record on screen)."""
    from perfdesk.pdf.printout import pdf_file_name

    got = form_record(window)
    if got is None:
        return
    decl, current = got
    form = form or current
    path = _ask_export_path(
        window, "导出PDF", pdf_file_name(decl, form), "PDF 文件 (*.pdf)", ".pdf"
    )
    if path is None:
        return

    def job(_store: Store, _ctx: JobContext) -> Path:
        from perfdesk.pdf.printout import write_pdf

        return write_pdf(decl, path, form)

    window.worker.submit(job, _exported(window), window.report_error)


def render(
    window: MainWindow,
    form: str,
    revision: int | None,
    then: Callable[[bytes, Declaration, str], object],
) -> None:
    """Render the record (or a stored revision) to PDF bytes on the worker."""
    s = window.session
    if s is None:
        return
    import copy

    rid = s.handle.id
    on_screen = copy.deepcopy(s.decl)

    def job(store: Store, _ctx: JobContext) -> tuple[bytes, Declaration]:
        from perfdesk.pdf.printout import render_bytes

        decl = store.get(rid, revision) if revision is not None and rid is not None else on_screen
        note = None
        if revision is not None and rid is not None and revision != store.get(rid).revision:
            note = f"重印第 {revision} 版"
        return render_bytes(decl, form, revision_note=note), decl

    def deliver(result: tuple[bytes, Declaration]) -> None:
        then(result[0], result[1], form)

    window.worker.submit(job, deliver, window.report_error)


def preview(window: MainWindow, revision: int | None = None, form: str | None = None) -> None:
    from perfdesk.ui.preview import PreviewDialog

    if form is None:
        got = form_record(window)
        if got is None:
            return
        form = got[1]

    def show(data: bytes, decl: Declaration, form_: str) -> None:
        dialog = PreviewDialog(data, decl, form_, window)
        window.last_dialog = dialog
        dialog.show()

    render(window, form, revision, show)


def print_current(window: MainWindow) -> None:
    from perfdesk.ui.preview import print_pdf

    got = form_record(window)
    if got is None:
        return
    render(window, got[1], None, lambda data, _d, _f: print_pdf(data, window))


def print_year(window: MainWindow) -> None:
    """Print every record of a year to PDF files in a folder, with a progress dialog."""
    year = window.prompts.year(
        "打印全年",
        "打印哪一年度的全部申报表？",
        window.browser.model.filter.year or dt.date.today().year,
    )
    if year is None:
        return
    folder = window.prompts.open_folder(
        window.settings.folder(S.EXPORT_DIR), "选择保存 PDF 的文件夹"
    )
    if folder is None:
        return
    window.settings.remember_folder(S.EXPORT_DIR, folder)
    form = window.current_form()

    def job(store: Store, ctx: JobContext) -> list[Path]:
        from perfdesk.pdf.year import print_year

        return print_year(store, year, folder, form, progress=ctx.progress, cancel=ctx.cancelled)

    def done(paths: list[Path]) -> None:
        from perfdesk.ui.dialogs import ReportDialog

        window.last_dialog = ReportDialog(
            "打印全年", f"已把 {year} 年度的 {len(paths)} 份表打印到“{folder}”。",
            "\n".join(str(p) for p in paths), window,
        )  # fmt: skip
        window.last_dialog.open()

    from perfdesk.ui.operations import run_with_progress

    run_with_progress(
        window.worker, window, f"正在打印 {year} 年度…", job, done, window.report_error
    )


# ==================================================================== backup


def start_auto_backup(window: MainWindow) -> None:
    """One automatic backup a day, made by the worker when the window opens."""
    if window.demo:
        return

    def job(store: Store, _ctx: JobContext) -> Path | None:
        from perfdesk.store.backups import auto_backup

        return auto_backup(store)

    def failed(exc: BaseException, tb: str) -> None:
        # A backup that could not be made is worth a line, not a dialog at start-up.
        if isinstance(exc, PerfdeskError):
            window.statusBar().showMessage(str(exc), 10000)
        else:
            window.report_error(exc, tb)

    window.worker.submit(job, lambda _p: None, failed)


def backup(window: MainWindow) -> None:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    suggested = str(Path(window.settings.folder(S.BACKUP_DIR)) / f"perfdesk-备份-{stamp}.sqlite")
    path = window.prompts.save_file("备份数据库", suggested, "perfdesk 数据库 (*.sqlite)")
    if path is None:
        return
    window.settings.remember_folder(S.BACKUP_DIR, path)
    window.save(quiet=True)
    window.worker.submit(
        lambda store, _c: store.backup(path),
        lambda p: window.statusBar().showMessage(f"已备份到：{p}", 6000),
        window.report_error,
    )


def restore(window: MainWindow) -> None:
    """Replace the database with a backup (the current one is kept beside it)."""
    path = window.prompts.open_file(
        "从备份恢复",
        window.settings.folder(S.BACKUP_DIR),
        "perfdesk 数据库 (*.sqlite);;所有文件 (*)",
    )
    if path is None:
        return
    if not window.prompts.confirm(
        "从备份恢复", f"用“{path.name}”替换当前数据库？当前数据库会先另存一份。"
    ):
        return
    if not window.maybe_leave():
        return
    window.wait_idle()
    from perfdesk.store.database import Store, restore_backup

    # Both connections are closed while the file is replaced, then opened again.
    window.stop_worker()  # a new one (own connection) on next use
    window.store.close()
    try:
        saved = restore_backup(path, window.db_path)
    finally:
        window.store = Store(window.db_path)
        window.browser.store = window.store
        window.browser.model.store = window.store
    window.session = None
    window.stack.setCurrentIndex(0)
    window.browser.current_id = None
    window.browser.refresh()
    window.update_actions()
    note = f"原数据库另存为“{saved}”。" if saved else ""
    from perfdesk.ui.dialogs import message_box

    window.last_dialog = message_box(
        window, "已恢复", f"已从“{path}”恢复数据库。{note}", warning=False
    )


def about(window: MainWindow) -> None:
    from perfdesk.ui.dialogs import about_text, message_box

    window.last_dialog = message_box(window, "关于 perfdesk", about_text(), warning=False)
