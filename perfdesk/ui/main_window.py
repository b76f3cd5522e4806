"""The main window: project browser beside the editors, menus, toolbar, autosave.

Reads go through a Store owned by the GUI thread; every write goes through the one
:class:`~perfdesk.ui.operations.Worker`. The window is built from injected dependencies
(database path, settings, prompts) so tests drive the real thing.

Start-up is two steps so the window appears at once: the constructor builds only what the
first paint shows (menus, toolbar, the browser with its first page); the editors, the check
panel and the worker thread are made just after that paint (``ensure_editors``; anything
that needs them earlier builds them on the spot), and their modules are imported then.

``QtCore.Qt`` is not touched before the first paint: PySide builds all ~90 enums of the Qt
namespace on first use (~40 ms of a ~0.4 s start). The few enum settings of the first
paint are written as Qt properties with their numbers; the rest waits for the deferred step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QAction, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk.models.errors import PerfdeskError
from perfdesk.models.status import STATUS_DRAFT, STATUS_FINAL
from perfdesk.store import Store
from perfdesk.ui import settings as S
from perfdesk.ui.browser import Browser
from perfdesk.ui.gc_guard import GuiThreadCollector

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QTabWidget

    from perfdesk.models.records import Declaration
    from perfdesk.ui.check_panel import CheckPanel
    from perfdesk.ui.declaration_editor import DeclarationEditor
    from perfdesk.ui.editor_pane import EditorPane
    from perfdesk.ui.evaluation_editor import EvaluationEditor
    from perfdesk.ui.operations import JobContext, Worker
    from perfdesk.ui.prompts import Prompts
    from perfdesk.ui.session import RecordSession

CHECK_DELAY_MS = 250
# A window never painted (minimised at start) still gets its editors and worker by then.
DEFERRED_FALLBACK_MS = 1000
IMPORTABLE = (".xlsx", ".xls", ".json")
TAB_DECLARATION, TAB_EVALUATION = 0, 1
# Qt enum numbers for the first paint (see the module docstring): Qt.AlignmentFlag.AlignCenter
# and Qt.ToolButtonStyle.ToolButtonTextOnly.
ALIGN_CENTER = 0x0084
TOOL_BUTTON_TEXT_ONLY = 1


class MainWindow(QMainWindow):
    first_painted = Signal()  # the list is on screen; the editors are built next
    editors_ready = Signal()

    def __init__(
        self,
        db_path: Path,
        settings: S.Settings,
        *,
        prompts: Prompts | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.settings = settings
        self._prompts = prompts
        self.demo = demo
        self.collector = GuiThreadCollector(self)
        self.store = Store(self.db_path)  # the GUI thread's read store
        self._worker: Worker | None = None  # see the ``worker`` property
        self._pane: EditorPane | None = None  # see ``ensure_editors``
        self._painted = False
        self._deferred_done = False
        self.session: RecordSession | None = None
        self.last_dialog: QWidget | None = None
        self.undo_group = QUndoGroup(self)

        self.setWindowTitle(f"perfdesk — {self.db_path.name}" + ("（演示）" if demo else ""))
        self.setAcceptDrops(True)

        self.browser = Browser(self.store)
        self.placeholder = QLabel("在左侧选择一个项目，或点“新建”“导入”。")
        self.placeholder.setProperty("alignment", ALIGN_CENTER)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)  # the editors come second (ensure_editors)
        self.splitter = QSplitter()  # horizontal, Qt's default
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_checks)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(self.settings.get(S.AUTOSAVE_MS))
        self.autosave_timer.timeout.connect(self.autosave)

        self._build_actions()
        self.browser.record_selected.connect(self.open_record)
        self._restore_state()
        self.update_actions()
        self.statusBar().showMessage(f"数据库：{self.db_path}")
        # The rest is built once the list has been painted.
        self.browser.view.first_painted.connect(self._list_painted)

    # ================================================================ deferred parts

    def _list_painted(self) -> None:
        if not self._painted:
            self._painted = True
            # Queued: runs after this paint pass, once the window is on the screen.
            QTimer.singleShot(0, self, self._after_first_paint)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._painted:
            QTimer.singleShot(DEFERRED_FALLBACK_MS, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """The parts the first paint does not show: editors, worker, warm-up, backup."""
        if self._deferred_done:
            return
        self._deferred_done = True
        self.first_painted.emit()
        from perfdesk.ui.app import ensure_translations

        app = QApplication.instance()
        if isinstance(app, QApplication):
            ensure_translations(app)
        self._install_shortcuts()
        self.browser.finish()
        self.ensure_editors()
        self.worker.submit(_warm_up, lambda _r: None)
        self._start_backup()

    def ensure_editors(self) -> EditorPane:
        """The editors and check panel, built on first need (just after the first paint)."""
        if self._pane is None:
            from perfdesk.ui.editor_pane import EditorPane

            pane = EditorPane()
            self._pane = pane
            self.stack.addWidget(pane)
            dec, ev = pane.declaration_editor, pane.evaluation_editor
            dec.edited.connect(lambda path: self._edited(dec.collect_into, path))
            ev.edited.connect(lambda path: self._edited(ev.collect_into, path))
            ev.create_requested.connect(self.create_evaluation)
            pane.checks.field_activated.connect(self.focus_field)
            pane.tabs.currentChanged.connect(lambda _i: self.update_actions())
            self.editors_ready.emit()
        return self._pane

    @property
    def editors_built(self) -> bool:
        return self._pane is not None

    @property
    def declaration_editor(self) -> DeclarationEditor:
        return self.ensure_editors().declaration_editor

    @property
    def evaluation_editor(self) -> EvaluationEditor:
        return self.ensure_editors().evaluation_editor

    @property
    def tabs(self) -> QTabWidget:
        return self.ensure_editors().tabs

    @property
    def checks(self) -> CheckPanel:
        return self.ensure_editors().checks

    @property
    def worker(self) -> Worker:
        """The one writer thread, started after the first paint (or when first needed)."""
        if self._worker is None:
            from perfdesk.ui.operations import Worker

            self._worker = Worker(self.db_path, self)
            self._worker.error.connect(lambda exc, tb: self.report_error(exc, tb))
        return self._worker

    @property
    def prompts(self) -> Prompts:
        if self._prompts is None:
            from perfdesk.ui.prompts import Prompts

            self._prompts = Prompts(self)
        return self._prompts

    def _on_evaluation_tab(self) -> bool:
        return self._pane is not None and self._pane.tabs.currentIndex() == TAB_EVALUATION

    # ================================================================ actions

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: str | None = None, tip: str = ""
    ) -> QAction:
        """``shortcut``: a QKeySequence.StandardKey name ("Save") or keys ("Ctrl+E"),
        set by ``_install_shortcuts``."""
        # QAction(text, parent) would make PySide weigh the QAction(QIcon, ...) overload and
        # build the QIcon class (~3 ms); the window shows no icons.
        action = QAction(self)
        action.setText(text)
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        action.setStatusTip(tip or text)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _install_shortcuts(self) -> None:
        """The actions' keys, set just after the first paint (idempotent): PySide's check of
        a shortcut argument builds the Qt namespace enums (see the module docstring)."""
        if not self._shortcuts:
            return
        from PySide6.QtGui import QKeySequence

        K = QKeySequence.StandardKey
        for action, spec in self._shortcuts:
            standard = getattr(K, spec, None)
            action.setShortcut(QKeySequence(standard if standard is not None else spec))
        self._shortcuts.clear()
        self.act_undo.setShortcuts(K.Undo)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])

    def _build_actions(self) -> None:
        self._shortcuts: list[tuple[QAction, str]] = []
        a = self._action
        self.act_new = a("新建", self.new_record, "New", "新建一份申报表")
        self.act_import = a(
            "导入文件…", self.import_files, "Open", "导入 Excel（.xlsx/.xls）或 JSON 文件"
        )
        self.act_import_folder = a(
            "导入文件夹…", self.import_folder, None, "导入一个文件夹中的全部表"
        )
        self.act_save = a("保存", self.save, "Save")
        self.act_export = a("导出Excel…", self.export_excel, "Ctrl+E", "导出为财政局格式的 Excel")
        self.act_preview = a("打印预览", self.preview, "Ctrl+Shift+P")
        self.act_print = a("打印…", self.print_current, "Print")
        self.act_pdf = a("导出PDF…", self.export_pdf, None)
        self.act_print_year = a(
            "打印全年…", self.print_year, None, "把一个年度的全部表打印为 PDF 文件"
        )
        self.act_finalize = a("定稿", self.finalize, None, "检查无误后定稿（锁定）当前表")
        self.act_new_revision = a(
            "新修订", self.new_revision, None, "打开已定稿的项目，修改成为新的一版"
        )
        self.act_carry = a("结转下一年", self.carry_forward, None, "由本项目生成下一年度的申报草稿")
        self.act_history = a("版本历史…", self.show_history, None)
        self.act_backup = a("备份…", self.backup, None)
        self.act_restore = a("恢复…", self.restore, None)
        self.act_about = a("关于", self.about, None)
        self.act_quit = a("退出", self.close, "Quit")
        self.act_find = a("查找", self.focus_search, "Find")
        self.act_undo = self.undo_group.createUndoAction(self, "撤销")
        self.act_redo = self.undo_group.createRedoAction(self, "重做")  # keys: _install_shortcuts

        bar = self.menuBar()
        m = bar.addMenu("文件(&F)")
        for act in (self.act_new, self.act_import, self.act_import_folder, self.act_save, None,
                    self.act_export, self.act_pdf, self.act_preview, self.act_print, self.act_print_year,
                    None, self.act_backup, self.act_restore, None, self.act_quit):  # fmt: skip
            m.addSeparator() if act is None else m.addAction(act)
        m = bar.addMenu("编辑(&E)")
        for act in (self.act_undo, self.act_redo, None, self.act_find):
            m.addSeparator() if act is None else m.addAction(act)
        m = bar.addMenu("项目(&P)")
        for act in (self.act_finalize, self.act_new_revision, self.act_carry, self.act_history):
            m.addAction(act)
        m = bar.addMenu("帮助(&H)")
        m.addAction(self.act_about)

        tb = self.addToolBar("常用")
        tb.setObjectName("main-toolbar")
        tb.setProperty("toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)
        for act in (self.act_new, self.act_import, self.act_save, self.act_export, self.act_preview,
                    self.act_print, self.act_pdf, self.act_finalize, self.act_new_revision, self.act_carry,
                    self.act_undo, self.act_redo):  # fmt: skip
            tb.addAction(act)

    def update_actions(self) -> None:
        s = self.session
        has = s is not None
        stored = s is not None and not s.is_new
        decl = s.decl if s is not None else None
        final = decl is not None and decl.status == STATUS_FINAL
        on_eval = self._on_evaluation_tab()
        ev = decl.evaluation if decl is not None else None
        self.act_save.setEnabled(has)
        for act in (self.act_export, self.act_preview, self.act_print, self.act_pdf):
            act.setEnabled(has and (not on_eval or ev is not None))
        eval_final = ev is not None and ev.status == STATUS_FINAL
        self.act_finalize.setEnabled(
            has and ((on_eval and ev is not None and not eval_final) or (not on_eval and not final))
        )
        self.act_finalize.setText("自评表定稿" if on_eval else "定稿")
        self.act_new_revision.setEnabled(stored and (final or eval_final))
        self.act_carry.setEnabled(stored)
        self.act_history.setEnabled(stored)

    # ================================================================ records

    def current_form(self) -> str:
        return "evaluation" if self._on_evaluation_tab() else "declaration"

    def open_record(self, record_id: int) -> None:
        if self.session is not None and self.session.handle.id == record_id:
            return
        if not self.maybe_leave():
            self.browser.refresh()  # put the selection back on the record being edited
            return
        try:
            decl = self.store.get(record_id)
        except PerfdeskError as exc:
            self.report_error(exc)
            return
        self.load(decl)

    def load(self, decl: Declaration) -> None:
        """Show ``decl`` in the editors with a fresh undo stack."""
        from perfdesk.ui.session import RecordSession

        self.ensure_editors()
        if self.session is not None:
            self.undo_group.removeStack(self.session.stack)
            self.session.deleteLater()
        previous = self.store.previous_year(decl)
        self.session = RecordSession(decl, previous, self)
        self.undo_group.addStack(self.session.stack)
        self.undo_group.setActiveStack(self.session.stack)
        self.session.applied.connect(self._undo_applied)
        self.session.changed.connect(self._session_changed)
        self.browser.current_id = decl.id
        self.declaration_editor.show_record(decl)
        self.evaluation_editor.show_record(decl)
        self.stack.setCurrentIndex(1)
        self.run_checks()
        self.update_actions()
        self._update_title()

    def new_record(self) -> None:
        if not self.maybe_leave():
            return
        from perfdesk.models.records import Declaration

        f = self.browser.model.filter
        decl = Declaration(year=f.year or dt.date.today().year, unit=f.unit, name=None)
        self.load(decl)
        self.tabs.setCurrentIndex(TAB_DECLARATION)
        self.declaration_editor.focus_field("unit" if not f.unit else "name")

    def create_evaluation(self) -> None:
        from perfdesk.ui.evaluation_editor import new_evaluation

        if self.session is None:
            return

        def write(decl: Declaration) -> None:
            decl.evaluation = new_evaluation(decl)

        self._edited(write, "evaluation")
        self.evaluation_editor.show_record(self.session.decl)
        self.update_actions()

    def _edited(self, write: Callable[[Declaration], None], path: str) -> None:
        if self.session is None:
            return
        if self.session.edit(write, path):
            self.autosave_timer.start()

    def _session_changed(self) -> None:
        if self.session is not None and self.session.decl.evaluation is not None:
            self.evaluation_editor.refresh_scores(self.session.decl)
        self.check_timer.start()
        self._update_title()

    def _undo_applied(self, path: str) -> None:
        if self.session is None:
            return
        self.declaration_editor.show_record(self.session.decl)
        self.evaluation_editor.show_record(self.session.decl)
        self.focus_field(path)
        self.autosave_timer.start()

    def _update_title(self) -> None:
        s = self.session
        name = (s.decl.name or "新项目") if s is not None else ""
        dirty = "*" if s is not None and s.is_dirty() else ""
        base = f"perfdesk — {self.db_path.name}" + ("（演示）" if self.demo else "")
        self.setWindowTitle(f"{dirty}{name} — {base}" if name else base)

    def run_checks(self) -> None:
        from perfdesk.models.checks import check_declaration, check_evaluation

        if self.session is None:
            if self._pane is not None:
                self._pane.checks.set_findings([])
            return
        decl = self.session.decl
        findings = list(check_declaration(decl, self.session.previous))
        if decl.evaluation is not None:
            findings += check_evaluation(decl)
        self.checks.set_findings(findings)

    def focus_field(self, path: str) -> None:
        if path.startswith("evaluation"):
            self.tabs.setCurrentIndex(TAB_EVALUATION)
            self.evaluation_editor.focus_field(path)
        else:
            self.tabs.setCurrentIndex(TAB_DECLARATION)
            self.declaration_editor.focus_field(path)

    # ================================================================ saving

    def can_save(self) -> bool:
        s = self.session
        return s is not None and bool(s.decl.unit) and bool(s.decl.name)

    def save(
        self, quiet: bool = False, then: Callable[[Declaration], object] | None = None
    ) -> None:
        """Save the record through the worker; ``then(stored)`` runs after it is stored."""
        s = self.session
        if s is None:
            return
        if not self.can_save():
            if not quiet:
                from perfdesk.ui.dialogs import message_box

                message_box(self, "无法保存", "请先填写“申报单位名称”和“项目名称”。")
                self.declaration_editor.focus_field("unit" if not s.decl.unit else "name")
            return
        self.autosave_timer.stop()
        if not s.is_dirty() and not s.is_new:
            if then is not None:
                then(s.decl)
            return
        sent = s.snapshot()
        handle = s.handle
        job_copy = _deepcopy(sent)

        def job(store: Store, _ctx: JobContext) -> Declaration:
            job_copy.id = handle.id
            result = store.save(job_copy)
            handle.id = result.record.id
            return result.record

        def done(stored: Declaration) -> None:
            if self.session is s:
                s.mark_saved(sent, stored)
                self.declaration_editor.show_state(s.decl)
                self.evaluation_editor.show_state(s.decl)
                self.update_actions()
                self._update_title()
            self.browser.refresh(select_id=stored.id if self.session is s else None)
            self.statusBar().showMessage(
                ("已自动保存" if quiet else "已保存") + f"：{stored.name}", 4000
            )
            if then is not None:
                then(stored)

        self.worker.submit(job, done, self.report_error)

    def autosave(self) -> None:
        s = self.session
        if s is None or not s.is_dirty() or not self.can_save():
            return
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
        from perfdesk.ui.prompts import DISCARD, SAVE

        answer = self.prompts.unsaved(s.decl.name or "新项目")
        if answer == SAVE:
            self.save()
            return self.can_save()
        return answer == DISCARD

    def wait_idle(self) -> None:
        """Block until the worker has finished every queued job (on close)."""
        from PySide6.QtCore import QEventLoop

        worker = self._worker
        if worker is not None and worker.pending:
            loop = QEventLoop()
            worker.idle.connect(loop.quit)
            if worker.pending:
                loop.exec()

    # ================================================================ lifecycle ops

    def _reload(self, decl: Declaration) -> None:
        self.load(decl)
        self.browser.refresh(select_id=decl.id)

    def finalize(self) -> None:
        s = self.session
        if s is None:
            return
        form = self.current_form()

        def after_save(stored: Declaration) -> None:
            rid = stored.id
            assert rid is not None, "save() hands back a stored record"

            def job(store: Store, _ctx: JobContext) -> Declaration:
                return (
                    store.finalize_evaluation(rid) if form == "evaluation" else store.finalize(rid)
                )

            def done(decl: Declaration) -> None:
                self._reload(decl)
                what = "自评表" if form == "evaluation" else "申报表"
                self.statusBar().showMessage(f"{what}已定稿：第 {decl.revision} 版", 6000)

            self.worker.submit(job, done, self.report_error)

        self.save(then=after_save)

    def new_revision(self) -> None:
        s = self.session
        if s is None or s.handle.id is None:
            return
        rid = s.handle.id
        self.worker.submit(
            lambda store, _c: store.new_revision(rid), self._reload, self.report_error
        )

    def carry_forward(self) -> None:
        s = self.session
        if s is None or s.handle.id is None:
            return
        to_year = self.prompts.year("结转下一年", "生成哪一年度的申报草稿？", s.decl.year + 1)
        if to_year is None:
            return
        rid = s.handle.id

        def job(store: Store, _ctx: JobContext) -> Declaration:
            from perfdesk.carry import carry_forward

            return carry_forward(store, rid, to_year)

        def done(decl: Declaration) -> None:
            self._reload(decl)
            self.statusBar().showMessage(f"已生成 {decl.year} 年度申报草稿", 6000)

        self.save(then=lambda _d: self.worker.submit(job, done, self.report_error))

    def show_history(self) -> None:
        from perfdesk.ui.history import HistoryDialog

        s = self.session
        if s is None or s.handle.id is None:
            return
        dialog = HistoryDialog(self.store, s.handle.id, self)
        dialog.preview_requested.connect(lambda rev, form: self.preview(revision=rev, form=form))
        self.last_dialog = dialog
        dialog.open()

    # ================================================================ import / export

    def import_files(self) -> None:
        paths = self.prompts.open_files(self.settings.folder(S.IMPORT_DIR))
        if paths:
            self.import_paths(paths)

    def import_folder(self) -> None:
        folder = self.prompts.open_folder(self.settings.folder(S.IMPORT_DIR))
        if folder is not None:
            self.import_paths([folder])

    def import_paths(self, paths: list[Path]) -> None:
        if not paths:
            return
        self.settings.remember_folder(S.IMPORT_DIR, paths[0])
        for p in paths:
            if p.is_file():
                self.settings.add_recent(p)
        self.maybe_leave()

        def job(store: Store, ctx: JobContext) -> Any:
            from perfdesk.import_batch import import_paths

            return import_paths(store, paths, progress=ctx.progress, cancel=ctx.cancelled)

        def done(report: Any) -> None:
            from perfdesk.ui.import_report import show_import_report

            self.browser.refresh()
            self.last_dialog = show_import_report(self, report)
            ids = report_ids(report)
            if ids and self.session is None:
                self.browser.select(ids[0])

        from perfdesk.ui.operations import run_with_progress

        run_with_progress(self.worker, self, "正在导入…", job, done, self.report_error)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() and self._dropped_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = self._dropped_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    @staticmethod
    def _dropped_paths(urls: list[Any]) -> list[Path]:
        out = []
        for url in urls:
            if url.isLocalFile():
                p = Path(url.toLocalFile())
                if p.is_dir() or p.suffix.lower() in IMPORTABLE:
                    out.append(p)
        return out

    def _form_record(self) -> tuple[Declaration, str] | None:
        s = self.session
        if s is None:
            return None
        form = self.current_form()
        if form == "evaluation" and s.decl.evaluation is None:
            from perfdesk.ui.dialogs import message_box

            message_box(self, "无法完成", "这个项目还没有自评表。")
            return None
        return _deepcopy(s.decl), form

    def export_excel(self) -> None:
        from perfdesk.pdf_out import pdf_file_name

        got = self._form_record()
        if got is None:
            return
        decl, form = got
        suggested = str(
            Path(self.settings.folder(S.EXPORT_DIR))
            / pdf_file_name(decl, form).replace(".pdf", ".xlsx")
        )
        path = self.prompts.save_file("导出Excel", suggested, "Excel 文件 (*.xlsx)")
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.settings.remember_folder(S.EXPORT_DIR, path)

        def job(_store: Store, _ctx: JobContext) -> Path:
            from perfdesk.excel_out import export_file

            export_file(decl, path, form=form)
            return path

        self.worker.submit(
            job, lambda p: self.statusBar().showMessage(f"已导出：{p}", 6000), self.report_error
        )

    def export_pdf(self, revision: int | None = None, form: str | None = None) -> None:
        from perfdesk.pdf_out import pdf_file_name

        got = self._form_record()
        if got is None:
            return
        decl, current = got
        form = form or current
        suggested = str(Path(self.settings.folder(S.EXPORT_DIR)) / pdf_file_name(decl, form))
        path = self.prompts.save_file("导出PDF", suggested, "PDF 文件 (*.pdf)")
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        self.settings.remember_folder(S.EXPORT_DIR, path)

        def job(_store: Store, _ctx: JobContext) -> Path:
            from perfdesk.pdf_out import write_pdf

            return write_pdf(decl, path, form)

        self.worker.submit(
            job, lambda p: self.statusBar().showMessage(f"已导出：{p}", 6000), self.report_error
        )

    def _render(
        self, form: str, revision: int | None, then: Callable[[bytes, Declaration, str], object]
    ) -> None:
        """Render the record (or a stored revision) to PDF bytes on the worker."""
        s = self.session
        if s is None:
            return
        rid = s.handle.id
        on_screen = _deepcopy(s.decl)

        def job(store: Store, _ctx: JobContext) -> tuple[bytes, Declaration]:
            from perfdesk.pdf_out import render_bytes

            decl = (
                store.get(rid, revision) if revision is not None and rid is not None else on_screen
            )
            note = None
            if revision is not None and rid is not None and revision != store.get(rid).revision:
                note = f"重印第 {revision} 版"
            return render_bytes(decl, form, revision_note=note), decl

        def deliver(result: tuple[bytes, Declaration]) -> None:
            then(result[0], result[1], form)

        self.worker.submit(job, deliver, self.report_error)

    def preview(self, revision: int | None = None, form: str | None = None) -> None:
        from perfdesk.ui.preview import PreviewDialog

        if form is None:
            got = self._form_record()
            if got is None:
                return
            form = got[1]

        def show(data: bytes, decl: Declaration, form_: str) -> None:
            dialog = PreviewDialog(data, decl, form_, self)
            self.last_dialog = dialog
            dialog.show()

        self._render(form, revision, show)

    def print_current(self) -> None:
        from perfdesk.ui.preview import print_pdf

        got = self._form_record()
        if got is None:
            return
        self._render(got[1], None, lambda data, _d, _f: print_pdf(data, self))

    def print_year(self) -> None:
        year = self.prompts.year(
            "打印全年",
            "打印哪一年度的全部申报表？",
            self.browser.model.filter.year or dt.date.today().year,
        )
        if year is None:
            return
        folder = self.prompts.open_folder(
            self.settings.folder(S.EXPORT_DIR), "选择保存 PDF 的文件夹"
        )
        if folder is None:
            return
        self.settings.remember_folder(S.EXPORT_DIR, folder)
        form = self.current_form()

        def job(store: Store, ctx: JobContext) -> list[Path]:
            from perfdesk.printing import print_year

            # One process: this is a worker thread of the window, which must not fork.
            return print_year(
                store, year, folder, form, progress=ctx.progress, cancel=ctx.cancelled, jobs=1
            )

        def done(paths: list[Path]) -> None:
            from perfdesk.ui.dialogs import ReportDialog

            self.last_dialog = ReportDialog(
                "打印全年", f"已把 {year} 年度的 {len(paths)} 份表打印到“{folder}”。",
                "\n".join(str(p) for p in paths), self,
            )  # fmt: skip
            self.last_dialog.open()

        from perfdesk.ui.operations import run_with_progress

        run_with_progress(self.worker, self, f"正在打印 {year} 年度…", job, done, self.report_error)

    # ================================================================ backup

    def _start_backup(self) -> None:
        """One automatic backup a day, made by the worker when the window opens."""
        if self.demo:
            return

        def job(store: Store, _ctx: JobContext) -> Path | None:
            from perfdesk.autobackup import auto_backup

            return auto_backup(store)

        def failed(exc: BaseException, tb: str) -> None:
            self.statusBar().showMessage(str(exc), 10000) if isinstance(
                exc, PerfdeskError
            ) else self.report_error(exc, tb)

        self.worker.submit(job, lambda _p: None, failed)

    def backup(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        suggested = str(Path(self.settings.folder(S.BACKUP_DIR)) / f"perfdesk-备份-{stamp}.sqlite")
        path = self.prompts.save_file("备份数据库", suggested, "perfdesk 数据库 (*.sqlite)")
        if path is None:
            return
        self.settings.remember_folder(S.BACKUP_DIR, path)
        self.save(quiet=True)
        self.worker.submit(
            lambda store, _c: store.backup(path),
            lambda p: self.statusBar().showMessage(f"已备份到：{p}", 6000),
            self.report_error,
        )

    def restore(self) -> None:
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
        if not self.maybe_leave():
            return
        self.wait_idle()
        from perfdesk.store import restore_backup

        # Both connections are closed while the file is replaced, then opened again.
        if self._worker is not None:
            self._worker.shutdown()
            self._worker = None  # a new one (own connection) on next use
        self.store.close()
        try:
            saved = restore_backup(path, self.db_path)
        finally:
            self.store = Store(self.db_path)
            self.browser.store = self.store
            self.browser.model.store = self.store
        self.session = None
        self.stack.setCurrentIndex(0)
        self.browser.current_id = None
        self.browser.refresh()
        self.update_actions()
        note = f"原数据库另存为“{saved}”。" if saved else ""
        from perfdesk.ui.dialogs import message_box

        self.last_dialog = message_box(
            self, "已恢复", f"已从“{path}”恢复数据库。{note}", warning=False
        )

    # ================================================================ misc

    def about(self) -> None:
        from perfdesk.ui.dialogs import about_text, message_box

        box = message_box(self, "关于 perfdesk", about_text(), warning=False)
        self.last_dialog = box

    def focus_search(self) -> None:
        from PySide6.QtCore import Qt

        self.browser.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.browser.search.selectAll()

    def report_error(self, exc: BaseException, tb: str | None = None) -> None:
        from perfdesk.ui.dialogs import show_error

        dialog = show_error(self, exc, tb)
        if dialog is not None:
            self.last_dialog = dialog

    def _restore_state(self) -> None:
        hidden = self.settings.get(S.HIDDEN_COLUMNS)
        self.browser.set_hidden_columns([k for k in hidden.split(",") if k])
        self.browser.columns_changed.connect(
            lambda: self.settings.set(S.HIDDEN_COLUMNS, ",".join(self.browser.hidden_columns()))
        )
        geometry = self.settings.get(S.GEOMETRY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(*default_size(self.screen().availableGeometry().size().toTuple()))
        state = self.settings.get(S.STATE)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = self.settings.get(S.SPLITTER)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes(list(default_split(self.width())))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.maybe_leave():
            event.ignore()
            return
        self.settings.set(S.GEOMETRY, self.saveGeometry())
        self.settings.set(S.STATE, self.saveState())
        self.settings.set(S.SPLITTER, self.splitter.saveState())
        self.settings.sync()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Finish pending writes and close both database connections (idempotent)."""
        self.autosave_timer.stop()
        self.check_timer.stop()
        self.browser.stop()
        self._deferred_done = True  # nothing more is built after this
        if self._worker is not None:
            self._worker.shutdown()
        self.collector.stop()
        try:
            self.store.close()
        except Exception:  # noqa: BLE001 - already closed
            pass


def _warm_up(_store: Store, _ctx: JobContext) -> None:
    """Import the checks, target parser and scoring on the worker while the user looks at
    the list, so the window opens before them and the first record opens without a wait.
    (They import no Qt, so importing them off the GUI thread is safe.)"""
    import perfdesk.models.checks  # noqa: F401
    import perfdesk.models.scoring  # noqa: F401


def default_size(available: tuple[int, int]) -> tuple[int, int]:
    """A first window size that fits the screen (1366×768 laptops included)."""
    width, height = available
    return min(1400, int(width * 0.96)), min(880, int(height * 0.94))


def default_split(width: int) -> tuple[int, int]:
    """List and editors: the list wide enough for its key columns (year, unit, name, the two
    statuses, score, budget), the editors the rest."""
    browser = max(540, min(660, int(width * 0.45)))
    return browser, max(0, width - browser)


def report_ids(report: Any) -> list[int]:
    """Record ids an ImportReport says were imported."""
    return [i for f in report.files for i in f.ids]


__all__ = ["MainWindow", "STATUS_DRAFT"]


def _deepcopy(value: Any) -> Any:
    """copy.deepcopy, imported when first needed (not before the first paint)."""
    import copy

    return copy.deepcopy(value)
